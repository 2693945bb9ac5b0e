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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
    if (!(rc == DC_OK)) print_error("household %s not in the index\n", s->id);
    assert_int_equal(rc, DC_OK);
    double d = metres_apart(h.lat_e7 / 1e7, h.lon_e7 / 1e7, s->lat, s->lon);
    if (!(d <= 0.01))
        print_error("household %s is %.4f m from PROJ's position\n", s->id, d);
    assert_true(d <= 0.01);
    if (!(h.postcode == s->postcode))
        print_error("household %s in zone %05u, the map says %05u\n", s->id, h.postcode,
                    s->postcode);
    assert_int_equal(h.postcode, s->postcode);

    /* The code of PROJ's position itself, by the reference rule. */
    dc_code_make(s->postcode, s->lat, s->lon, &want);
    by_index = h.code;
    char a[DC_CODE_DISPLAY_SIZE], b[DC_CODE_DISPLAY_SIZE];
    dc_code_format(&want, DC_CODE_DISPLAY, a, sizeof a);
    dc_code_format(&by_index, DC_CODE_DISPLAY, b, sizeof b);
    if (!(dc_code_equal(&want, &by_index)))
        print_error("household %s: index code %s, computed %s\n", s->id, b, a);
    assert_true(dc_code_equal(&want, &by_index));

    rc = dc_index_zone(txn, s->postcode, &z);
    if (rc != DC_OK) print_error("zone %05u missing\n", s->postcode);
    assert_int_equal(rc, DC_OK);
    dc_code_resolve(&want, z.ref_lat_e7 / 1e7, z.ref_lon_e7 / 1e7, &cell);
    if (!(cell.south - 1e-7 <= s->lat && s->lat < cell.north + 1e-7 &&
          cell.west - 1e-7 <= s->lon && s->lon < cell.east + 1e-7))
        print_error("household %s: code %s resolves to a cell that misses it\n", s->id,
                    a);
    assert_true(cell.south - 1e-7 <= s->lat);
    assert_true(s->lat < cell.north + 1e-7);
    assert_true(cell.west - 1e-7 <= s->lon);
    assert_true(s->lon < cell.east + 1e-7);
    rc = dc_index_code_households(txn, &want, &first, &count);
    if (!(rc == DC_OK && first <= h.number && h.number < first + count))
        print_error("household %s: lookup of %s does not return it\n", s->id, a);
    assert_int_equal(rc, DC_OK);
    assert_true(first <= h.number);
    assert_true(h.number < first + count);
}

/* cs2cs's own transformation of 20 households, against the index. */
static void check_cs2cs(dc_index_txn *txn, const sample_hh *hh, const size_t *pick, int n)
{
    char cmd[] = "cs2cs -f %.10f EPSG:9205 EPSG:4326 > cs2cs.out";
    FILE *p = popen(cmd, "w");
    assert_non_null(p);
    if (!p) return;
    for (int i = 0; i < n; i++)
        fprintf(p, "%.4f %.4f\n", hh[pick[i]].x, hh[pick[i]].y);
    assert_int_equal(pclose(p), 0);
    FILE *f = fopen("cs2cs.out", "r");
    double worst = 0;
    for (int i = 0; f && i < n; i++) {
        double lat, lon, h;
        dc_household rec;
        const sample_hh *s = &hh[pick[i]];
        int got = fscanf(f, "%lf %lf %lf", &lat, &lon, &h);
        if (got != 3) print_error("cs2cs output line %d\n", i);
        assert_int_equal(got, 3);
        dc_index_household_by_id(txn, s->id, strlen(s->id), &rec);
        double d = metres_apart(rec.lat_e7 / 1e7, rec.lon_e7 / 1e7, lat, lon);
        if (d > worst) worst = d;
        if (!(d <= 0.01)) print_error("household %s: %.4f m from cs2cs\n", s->id, d);
        assert_true(d <= 0.01);
    }
    if (f) fclose(f);
    printf("cs2cs: %d households, largest distance %.4f m\n", n, worst);
}

static char **args;

static void test_import(void **state)
{
    (void)state;
    char **argv = args;
    int samples = atoi(argv[3]);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    OGRRegisterAll();
    sample_hh *hh = calloc(MAX_HH, sizeof *hh);
    size_t n = read_households(argv[2], hh);
    assert_true(n > 0);
    assert_int_equal(transform_all(hh, n), 0);

    dc_index *idx;
    dc_index_txn *txn;
    dc_error err;
    dc_err rc = dc_index_open(argv[1], &idx, &err);
    if (rc != DC_OK) print_error("FAIL: open %s: %s\n", argv[1], err.message);
    assert_int_equal(rc, DC_OK);
    dc_index_txn_begin(idx, &txn);
    const dc_index_meta *m = dc_index_info(idx);
    if (!(m->zones == 12))
        print_error("index has %llu zones, want 12\n", (unsigned long long)m->zones);
    assert_int_equal(m->zones, 12);
    if (!(m->households == n))
        print_error("index has %llu households, the map %zu\n",
                    (unsigned long long)m->households, n);
    assert_int_equal(m->households, n);

    size_t *pick = calloc((size_t)samples, sizeof *pick);
    for (int i = 0; i < samples; i++) {
        pick[i] = (size_t)(rng_splitmix64(&seed) % n);
        check_one(txn, &hh[pick[i]]);
    }
    check_cs2cs(txn, hh, pick, samples < 20 ? samples : 20);

    dc_index_txn_end(txn);
    dc_index_close(idx);
    free(pick);
    free(hh);
    OGRCleanupAll();
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: check_import INDEX HOUSEHOLDS.shp SAMPLES SEED\n");
        return 2;
    }
    args = argv;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_import)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("check_import: %d households checked, %d failures\n", atoi(argv[3]), failed);
    return failed ? 1 : 0;
}
