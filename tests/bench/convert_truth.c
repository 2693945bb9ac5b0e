/*
 * convert_truth - the input and the truth of scripts/bench-convert.sh, from
 * a national map (diachi-gen-national), its 2025 edition (--edition 2025)
 * and the index of both editions, the truth computed apart from the index:
 *
 *   OUT/old.csv    id,code: every household's old code, the postcode the map
 *                  gives it (its POSTCODE) with the location characters of
 *                  its door (never changed by the reform)
 *   OUT/new.csv    id,code: the same households' current codes, as the
 *                  index holds them (the anchor's input)
 *   OUT/truth.csv  code,change: what each old code must convert to: the
 *                  2025 zone holding the household's own position (GEOS
 *                  through OGR, the map's coordinates reprojected to WGS 84
 *                  by PROJ; where the synthetic provinces overlap, the lowest
 *                  postcode, the index's documented rule), with the same
 *                  location characters; the change history.csv names for
 *                  the two postcodes ("unchanged" for the same, "changed"
 *                  for a pair it lacks). A door in no 2025 zone must get no
 *                  code: its line is ",".
 *
 * It prints how many doors lie in no 2025 zone, in two or more, and how
 * many history.csv pairs as GEOS does.
 *
 * usage: convert_truth MAP_DIR EDITION_DIR INDEX OUT_DIR
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "diachi/geocoder.h"

#define POSTCODES 100000
#define GRID 0.25 /* degrees: the 2025 zones listed by the cells they touch */
#define GRID_ROWS 120
#define GRID_COLS 120
#define LAT0 6.0
#define LON0 100.0

typedef struct zone {
    uint32_t postcode;
    OGRGeometryH geom;
    OGRPreparedGeometryH prepared;
    OGREnvelope env;
} zone;

static zone *zones;
static size_t nzones, zones_cap;
static uint32_t *cells[GRID_ROWS][GRID_COLS];
static size_t ncell[GRID_ROWS][GRID_COLS];
/* The new postcodes of an old one: an old zone that lower postcodes of
 * other provinces cover whole is split between up to 17 at 1 M. */
#define TARGETS 32
static uint32_t history_new[POSTCODES][TARGETS];
static char history_kind[POSTCODES][TARGETS][12];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "convert_truth: %s%s%s\n", what, detail ? ": " : "", detail);
    exit(3);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The province folders of @p dir, sorted. */
static size_t folders(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    if (!d) die("cannot open", dir);
    size_t n = 0, cap = 128;
    char **names = malloc(cap * sizeof *names);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        if (n == cap) names = realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    *out = names;
    return n;
}

/* A transformation from @p layer's CRS to WGS 84, longitude first. */
static OGRCoordinateTransformationH to_wgs84(OGRLayerH layer)
{
    OGRSpatialReferenceH src = OSRClone(OGR_L_GetSpatialRef(layer));
    OGRSpatialReferenceH dst = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(dst, 4326);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH t = OCTNewCoordinateTransformation(src, dst);
    OSRDestroySpatialReference(src);
    OSRDestroySpatialReference(dst);
    if (!t) die("no transformation to WGS 84", NULL);
    return t;
}

static GDALDatasetH open_layer(const char *dir, const char *folder, const char *name,
                               OGRLayerH *layer)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s.shp", dir, folder, name);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) die("cannot open", path);
    *layer = GDALDatasetGetLayer(ds, 0);
    return ds;
}

static int clamp(int v, int hi)
{
    return v < 0 ? 0 : v >= hi ? hi - 1 : v;
}

static void list_zone(uint32_t z)
{
    const OGREnvelope *e = &zones[z].env;
    int r0 = clamp((int)((e->MinY - LAT0) / GRID), GRID_ROWS),
        r1 = clamp((int)((e->MaxY - LAT0) / GRID), GRID_ROWS),
        c0 = clamp((int)((e->MinX - LON0) / GRID), GRID_COLS),
        c1 = clamp((int)((e->MaxX - LON0) / GRID), GRID_COLS);
    for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++) {
            cells[r][c] = realloc(cells[r][c], (ncell[r][c] + 1) * sizeof **cells);
            cells[r][c][ncell[r][c]++] = z;
        }
}

static void read_zones(const char *dir)
{
    char **names;
    size_t n = folders(dir, &names);
    for (size_t i = 0; i < n; i++) {
        OGRLayerH layer;
        GDALDatasetH ds = open_layer(dir, names[i], "zones", &layer);
        OGRCoordinateTransformationH t = to_wgs84(layer);
        int fpc = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "POSTCODE");
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(layer))) {
            if (nzones == zones_cap)
                zones = realloc(zones, (zones_cap = zones_cap ? 2 * zones_cap : 4096) *
                                           sizeof *zones);
            zone *z = &zones[nzones];
            z->postcode = (uint32_t)atoi(OGR_F_GetFieldAsString(f, fpc));
            z->geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
            if (OGR_G_Transform(z->geom, t) != OGRERR_NONE) die("transform", names[i]);
            z->prepared = OGRCreatePreparedGeometry(z->geom);
            OGR_G_GetEnvelope(z->geom, &z->env);
            list_zone((uint32_t)nzones++);
            OGR_F_Destroy(f);
        }
        OCTDestroyCoordinateTransformation(t);
        GDALClose(ds);
        free(names[i]);
    }
    free(names);
}

static void read_history(const char *dir)
{
    char path[4096], line[256], kind[12];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) die("cannot open", path);
    unsigned o, n;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%5u,%5u,%11[a-z],", &o, &n, kind) != 3) continue;
        int k = 0;
        while (k < TARGETS && history_new[o][k])
            k++;
        if (k == TARGETS) die("more new postcodes for one old one than it keeps", line);
        history_new[o][k] = n;
        snprintf(history_kind[o][k], sizeof history_kind[o][k], "%s", kind);
    }
    fclose(f);
}

/* The lowest postcode of the 2025 zones holding the point; 0 for none.
 * *count: how many hold it. */
static uint32_t postcode_at(double lon, double lat, int *count)
{
    int r = (int)((lat - LAT0) / GRID), c = (int)((lon - LON0) / GRID);
    *count = 0;
    if (r < 0 || r >= GRID_ROWS || c < 0 || c >= GRID_COLS) return 0;
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, lon, lat);
    uint32_t best = 0;
    for (size_t i = 0; i < ncell[r][c]; i++) {
        const zone *z = &zones[cells[r][c][i]];
        if (lon < z->env.MinX || lon > z->env.MaxX || lat < z->env.MinY ||
            lat > z->env.MaxY || !OGRPreparedGeometryIntersects(z->prepared, pt))
            continue;
        (*count)++;
        if (!best || z->postcode < best) best = z->postcode;
    }
    OGR_G_DestroyGeometry(pt);
    return best;
}

/* Where the index places a door in another zone than GEOS does: how far
 * the door lies from the index's zone, by GEOS, in metres. */
static void disagreement(const char *id, double lon, double lat, uint32_t index_pc,
                         uint32_t geos_pc)
{
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, lon, lat);
    double best = -1;
    for (size_t i = 0; i < nzones; i++)
        if (zones[i].postcode == index_pc) {
            double d = OGR_G_Distance(zones[i].geom, pt);
            if (best < 0 || d < best) best = d;
        }
    OGR_G_DestroyGeometry(pt);
    printf(
        "convert_truth: household %s at %.7f, %.7f: the index's zone %05u, GEOS's %05u;"
        " the door is %.4f m from %05u\n",
        id, lat, lon, index_pc, geos_pc, best * 111320.0, index_pc);
}

static const char *change_of(uint32_t old_pc, uint32_t new_pc, bool *listed)
{
    *listed = false;
    for (int k = 0; k < TARGETS && history_new[old_pc][k]; k++)
        if (history_new[old_pc][k] == new_pc) {
            *listed = true;
            return history_kind[old_pc][k];
        }
    return old_pc == new_pc ? "unchanged" : "changed";
}

typedef struct counts {
    long rows, in_none, in_several, not_indexed, listed, index_agrees;
} counts;

static void write_rows(const char *map, dc_geo_session *s, FILE *old_csv, FILE *new_csv,
                       FILE *truth, counts *k)
{
    char **names;
    size_t n = folders(map, &names);
    for (size_t i = 0; i < n; i++) {
        OGRLayerH layer;
        GDALDatasetH ds = open_layer(map, names[i], "households", &layer);
        OGRCoordinateTransformationH t = to_wgs84(layer);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
        int fpc = OGR_FD_GetFieldIndex(defn, "POSTCODE"),
            fid = OGR_FD_GetFieldIndex(defn, "HH_ID");
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(layer))) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0), z = 0;
            if (!OCTTransform(t, 1, &x, &y, &z)) die("transform", names[i]);
            char id[64]; /* OGR's string is overwritten by the next one it gives */
            snprintf(id, sizeof id, "%s", OGR_F_GetFieldAsString(f, fid));
            uint32_t old_pc = (uint32_t)atoi(OGR_F_GetFieldAsString(f, fpc));
            int holding;
            uint32_t new_pc = postcode_at(x, y, &holding);
            dc_household h;
            dc_code loc, code;
            char text[DC_CODE_DISPLAY_SIZE];
            if (dc_index_household_by_id(dc_geo_session_txn(s), id, strlen(id), &h) ==
                DC_OK) {
                loc = h.code;
                k->index_agrees += h.postcode == new_pc;
                if (h.postcode != new_pc) disagreement(id, x, y, h.postcode, new_pc);
                code = h.code;
                dc_code_format(&code, DC_CODE_DISPLAY, text, sizeof text);
                fprintf(new_csv, "%s,%s\n", id, text);
            } else { /* rejected by the import: its door, by our own OLC */
                if (dc_code_make(old_pc, y, x, &loc) != DC_OK) die("no code for", id);
                k->not_indexed++;
            }
            code = loc;
            code.postcode = old_pc;
            dc_code_format(&code, DC_CODE_DISPLAY, text, sizeof text);
            fprintf(old_csv, "%s,%s\n", id, text);
            if (new_pc) {
                bool listed;
                const char *change = change_of(old_pc, new_pc, &listed);
                k->listed += listed;
                code.postcode = new_pc;
                dc_code_format(&code, DC_CODE_DISPLAY, text, sizeof text);
                fprintf(truth, "%s,%s\n", text, change);
            } else {
                fputs(",\n", truth);
            }
            k->rows++;
            k->in_none += holding == 0;
            k->in_several += holding > 1;
            OGR_F_Destroy(f);
        }
        OCTDestroyCoordinateTransformation(t);
        GDALClose(ds);
        free(names[i]);
    }
    free(names);
}

static FILE *create(const char *dir, const char *name, const char *header)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) die("cannot write", path);
    fputs(header, f);
    return f;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: convert_truth MAP_DIR EDITION_DIR INDEX OUT_DIR\n");
        return 2;
    }
    dc_geo *geo;
    dc_geo_session *s;
    dc_error err = {0};
    GDALAllRegister();
    if (dc_geo_open(argv[3], &geo, &err) != DC_OK) die(err.message, NULL);
    if (dc_geo_session_begin(geo, &s) != DC_OK) die("no session", NULL);
    read_zones(argv[2]);
    read_history(argv[2]);
    FILE *old_csv = create(argv[4], "old.csv", "id,code\n"),
         *new_csv = create(argv[4], "new.csv", "id,code\n"),
         *truth = create(argv[4], "truth.csv", "code,change\n");
    counts k = {0};
    write_rows(argv[1], s, old_csv, new_csv, truth, &k);
    if (fclose(old_csv) || fclose(new_csv) || fclose(truth)) die("cannot write", argv[4]);
    printf(
        "convert_truth: %ld households, %zu zones of 2025; %ld in no 2025 zone, %ld in "
        "two or more (the lowest postcode taken); %ld not in the index; history.csv "
        "pairs %ld as GEOS does; the index's own postcode agrees with GEOS for %ld\n",
        k.rows, nzones, k.in_none, k.in_several, k.not_indexed, k.listed, k.index_agrees);
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return 0;
}
