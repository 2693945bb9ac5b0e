/*
 * check_import - the sample index against the sample map, independently.
 *
 *   check_import INDEX HOUSEHOLDS.shp SAMPLES SEED
 *
 * Reads the households' VN-2000 / TM-3 coordinates straight from the
 * shapefile, transforms them with PROJ's own API (not through OGR, as the
 * importer does) and, for SAMPLES households picked with SEED, checks that
 * the index holds the household at the same place (1 cm), with the code of
 * that exact position (not of a rounded copy) and the postcode the map gives,
 * and that the code resolves, against its zone's reference point, to a cell
 * containing the household. Then 20 of them against cs2cs's output.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>
#include <proj.h>

#include "diachi/code.h"
#include "diachi/index.h"
#include "support.h"

#define MAX_HH 100000
#define M_PER_DEG 111320.0

typedef struct sample_hh {
    char id[32];
    uint32_t postcode;
    double x, y;     /* EPSG:9205 metres */
    double lat, lon; /* WGS 84 by PROJ */
} sample_hh;

static size_t read_households(const char *path, sample_hh *out)
{
    OGRDataSourceH ds = OGROpen(path, 0, NULL);
    if (!ds) return 0;
    OGRLayerH layer = OGR_DS_GetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int fid_id = OGR_FD_GetFieldIndex(defn, "HH_ID");
    int fid_pc = OGR_FD_GetFieldIndex(defn, "POSTCODE");
    size_t n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) && n < MAX_HH) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) {
            snprintf(out[n].id, sizeof out[n].id, "%s",
                     OGR_F_GetFieldAsString(f, fid_id));
            out[n].postcode = (uint32_t)atoi(OGR_F_GetFieldAsString(f, fid_pc));
            out[n].x = OGR_G_GetX(g, 0);
            out[n].y = OGR_G_GetY(g, 0);
            n++;
        }
        OGR_F_Destroy(f);
    }
    OGR_DS_Destroy(ds);
    return n;
}

static int transform_all(sample_hh *hh, size_t n)
{
    PJ_CONTEXT *ctx = proj_context_create();
    PJ *raw = proj_create_crs_to_crs(ctx, "EPSG:9205", "EPSG:4326", NULL);
    PJ *pj = raw ? proj_normalize_for_visualization(ctx, raw) : NULL;
    if (!pj) return -1;
    for (size_t i = 0; i < n; i++) {
        PJ_COORD c = proj_trans(pj, PJ_FWD, proj_coord(hh[i].x, hh[i].y, 0, 0));
        hh[i].lon = c.xy.x;
        hh[i].lat = c.xy.y;
    }
    proj_destroy(pj);
    proj_destroy(raw);
    proj_context_destroy(ctx);
    return 0;
}

static double metres_apart(double lat1, double lon1, double lat2, double lon2)
{
    double dy = (lat1 - lat2) * M_PER_DEG;
    double dx = (lon1 - lon2) * M_PER_DEG * cos(lat1 * M_PI / 180.0);
    return sqrt(dx * dx + dy * dy);
}

static void check_one(dc_index_txn *txn, const sample_hh *s)
{
    dc_household h;
    dc_zone z;
    dc_code want, by_index;
    dc_olc_area cell;
    uint32_t first, count;

    dc_err rc = dc_index_household_by_id(txn, s->id, strlen(s->id), &h);
    CHECK(rc == DC_OK, "household %s not in the index", s->id);
    if (rc != DC_OK) return;
    double d = metres_apart(h.lat_e7 / 1e7, h.lon_e7 / 1e7, s->lat, s->lon);
    CHECK(d <= 0.01, "household %s is %.4f m from PROJ's position", s->id, d);
    CHECK(h.postcode == s->postcode, "household %s in zone %05u, the map says %05u",
          s->id, h.postcode, s->postcode);

    /* The code of PROJ's position itself, by the reference rule. */
    dc_code_make(s->postcode, s->lat, s->lon, &want);
    by_index = h.code;
    char a[DC_CODE_DISPLAY_SIZE], b[DC_CODE_DISPLAY_SIZE];
    dc_code_format(&want, DC_CODE_DISPLAY, a, sizeof a);
    dc_code_format(&by_index, DC_CODE_DISPLAY, b, sizeof b);
    CHECK(dc_code_equal(&want, &by_index), "household %s: index code %s, computed %s",
          s->id, b, a);

    CHECK(dc_index_zone(txn, s->postcode, &z) == DC_OK, "zone %05u missing", s->postcode);
    dc_code_resolve(&want, z.ref_lat_e7 / 1e7, z.ref_lon_e7 / 1e7, &cell);
    CHECK(cell.south - 1e-7 <= s->lat && s->lat < cell.north + 1e-7 &&
              cell.west - 1e-7 <= s->lon && s->lon < cell.east + 1e-7,
          "household %s: code %s resolves to a cell that misses it", s->id, a);
    CHECK(dc_index_code_households(txn, &want, &first, &count) == DC_OK &&
              first <= h.number && h.number < first + count,
          "household %s: lookup of %s does not return it", s->id, a);
}

/* cs2cs's own transformation of 20 households, against the index. */
static void check_cs2cs(dc_index_txn *txn, const sample_hh *hh, const size_t *pick, int n)
{
    char cmd[] = "cs2cs -f %.10f EPSG:9205 EPSG:4326 > cs2cs.out";
    FILE *p = popen(cmd, "w");
    CHECK(p != NULL, "cannot run cs2cs");
    if (!p) return;
    for (int i = 0; i < n; i++)
        fprintf(p, "%.4f %.4f\n", hh[pick[i]].x, hh[pick[i]].y);
    CHECK(pclose(p) == 0, "cs2cs failed");
    FILE *f = fopen("cs2cs.out", "r");
    double worst = 0;
    for (int i = 0; f && i < n; i++) {
        double lat, lon, h;
        dc_household rec;
        const sample_hh *s = &hh[pick[i]];
        CHECK(fscanf(f, "%lf %lf %lf", &lat, &lon, &h) == 3, "cs2cs output line %d", i);
        dc_index_household_by_id(txn, s->id, strlen(s->id), &rec);
        double d = metres_apart(rec.lat_e7 / 1e7, rec.lon_e7 / 1e7, lat, lon);
        if (d > worst) worst = d;
        CHECK(d <= 0.01, "household %s: %.4f m from cs2cs", s->id, d);
    }
    if (f) fclose(f);
    printf("cs2cs: %d households, largest distance %.4f m\n", n, worst);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: check_import INDEX HOUSEHOLDS.shp SAMPLES SEED\n");
        return 2;
    }
    int samples = atoi(argv[3]);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    OGRRegisterAll();
    sample_hh *hh = calloc(MAX_HH, sizeof *hh);
    size_t n = read_households(argv[2], hh);
    if (n == 0 || transform_all(hh, n) != 0) return 3;

    dc_index *idx;
    dc_index_txn *txn;
    dc_error err;
    if (dc_index_open(argv[1], &idx, &err) != DC_OK) {
        fprintf(stderr, "FAIL: open %s: %s\n", argv[1], err.message);
        return 1;
    }
    dc_index_txn_begin(idx, &txn);
    const dc_index_meta *m = dc_index_info(idx);
    CHECK(m->zones == 12, "index has %llu zones, want 12", (unsigned long long)m->zones);
    CHECK(m->households == n, "index has %llu households, the map %zu",
          (unsigned long long)m->households, n);

    size_t *pick = calloc((size_t)samples, sizeof *pick);
    for (int i = 0; i < samples; i++) {
        pick[i] = (size_t)(dc_splitmix64(&seed) % n);
        check_one(txn, &hh[pick[i]]);
    }
    check_cs2cs(txn, hh, pick, samples < 20 ? samples : 20);
    printf("check_import: %d households checked, %d failures\n", samples,
           dc_check_failures);

    dc_index_txn_end(txn);
    dc_index_close(idx);
    free(pick);
    free(hh);
    OGRCleanupAll();
    return dc_check_failures ? 1 : 0;
}
