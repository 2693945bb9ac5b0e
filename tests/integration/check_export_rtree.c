/*
 * check_export_rtree.c - the GeoPackage spatial index diachi-export packs
 * itself (importer/src/export_rtree.c), against SQLite's and GDAL's own
 * (issue 21, shown item 4). Three exports of the sample, made by
 * export_rtree.sh: packed.gpkg (the default), gdal.gpkg (--lco
 * SPATIAL_INDEX=YES: GDAL inserts each feature's envelope through SQLite's
 * rtree) and plain.gpkg (--lco SPATIAL_INDEX=NO), and joined.gpkg (--join
 * of the sample's households.shp, packed).
 *
 *  - SQLite: PRAGMA integrity_check and rtreecheck() say "ok" for both
 *    layers' rtrees; each rtree's leaf cells (id and float32 box) are
 *    bit for bit those SQLite stored from GDAL's inserts in gdal.gpkg, and
 *    its schema (virtual table, shadow tables, the six triggers) and
 *    gpkg_extensions row are GDAL's, word for word.
 *  - 200 random boxes a layer: the rtree's own search (a query on its
 *    coordinates) finds exactly the cells a scan of all cells finds; GDAL's
 *    spatial filter on packed.gpkg gives exactly the households whose point
 *    is in the box (a scan of plain.gpkg), and the zones GDAL's filter
 *    gives on plain.gpkg, which has no index to use.
 *  - GDAL reports a fast spatial filter (the index) on packed.gpkg and
 *    none on plain.gpkg.
 *  - The triggers: a household added, one moved and one deleted by GDAL in
 *    update mode (in edited.gpkg, a copy of packed.gpkg) are found, found
 *    at their new place, and gone.
 *
 * usage: check_export_rtree WORK_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gdal.h>
#include <ogr_api.h>
#include <sqlite3.h>

#define BOXES 200
#define SAMPLE_HOUSEHOLDS 22243

static const char *work;
static char packed[4096], gdal_made[4096], plain[4096], joined[4096];

typedef struct box {
    double minx, maxx, miny, maxy;
} box;

typedef struct cell {
    int64_t id;
    float b[4]; /* minx, maxx, miny, maxy */
} cell;

static uint64_t rng_state = 20261206;

static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* A box inside @p e, from a few metres to half its size on a side. */
static box random_box(const OGREnvelope *e)
{
    double w = e->MaxX - e->MinX, h = e->MaxY - e->MinY;
    double fw = 0.0005 + 0.5 * uniform() * uniform(),
           fh = 0.0005 + 0.5 * uniform() * uniform();
    box b;
    b.minx = e->MinX + uniform() * w * (1 - fw);
    b.maxx = b.minx + fw * w;
    b.miny = e->MinY + uniform() * h * (1 - fh);
    b.maxy = b.miny + fh * h;
    return b;
}

/* ---- SQLite ------------------------------------------------------------ */

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

/* The one text value @p sql gives (caller frees), or NULL. */
static char *one_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    char *v = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}

/* Every row of @p sql, its columns joined by '|' and rows by '\n'. */
static char *all_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    size_t len = 0, cap = 1024;
    char *out = calloc(cap, 1);
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); c++) {
            const char *t = (const char *)sqlite3_column_text(s, c);
            size_t n = (t ? strlen(t) : 4) + 2;
            if (len + n + 1 > cap) {
                cap = 2 * (cap + n);
                out = realloc(out, cap);
            }
            len += (size_t)sprintf(out + len, "%s%c", t ? t : "NULL",
                                   c + 1 < sqlite3_column_count(s) ? '|' : '\n');
        }
    }
    sqlite3_finalize(s);
    return out;
}

/* The rtree's cells, by id, read as SQLite returns them (as doubles, each
 * exactly the stored float32). */
static cell *read_cells(sqlite3 *db, const char *rtree, size_t *n)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id, minx, maxx, miny, maxy FROM %s ORDER BY id",
             rtree);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    size_t k = 0, cap = 1024;
    cell *c = malloc(cap * sizeof *c);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (k == cap) c = realloc(c, (cap *= 2) * sizeof *c);
        c[k].id = sqlite3_column_int64(s, 0);
        for (int i = 0; i < 4; i++) {
            double d = sqlite3_column_double(s, i + 1);
            c[k].b[i] = (float)d;
            assert_true((double)c[k].b[i] == d);
        }
        k++;
    }
    sqlite3_finalize(s);
    *n = k;
    return c;
}

static void check_sqlite_layer(sqlite3 *db, const char *rtree)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT rtreecheck('%s')", rtree);
    char *v = one_text(db, sql);
    assert_non_null(v);
    assert_string_equal(v, "ok");
    free(v);
}

static void test_sqlite_checks(void **state)
{
    (void)state;
    const char *files[] = {packed, joined};
    const char *rtrees[][2] = {{"rtree_households_geom", "rtree_zones_geom"},
                               {"rtree_households_geom", NULL}};
    for (int f = 0; f < 2; f++) {
        sqlite3 *db = open_db(files[f]);
        char *v = one_text(db, "PRAGMA integrity_check");
        assert_string_equal(v, "ok");
        free(v);
        for (int k = 0; k < 2 && rtrees[f][k]; k++)
            check_sqlite_layer(db, rtrees[f][k]);
        sqlite3_close(db);
    }
    sqlite3 *db = open_db(joined);
    char *n = one_text(db, "SELECT count(*) FROM rtree_households_geom");
    assert_string_equal(n, "22243");
    free(n);
    sqlite3_close(db);
}

static void test_same_as_gdal(void **state)
{
    (void)state;
    sqlite3 *ours = open_db(packed), *theirs = open_db(gdal_made);
    const char *rtrees[] = {"rtree_households_geom", "rtree_zones_geom"};
    size_t expect[] = {SAMPLE_HOUSEHOLDS, 12};
    for (int k = 0; k < 2; k++) {
        size_t n1, n2;
        cell *a = read_cells(ours, rtrees[k], &n1),
             *b = read_cells(theirs, rtrees[k], &n2);
        assert_int_equal(n1, expect[k]);
        assert_int_equal(n1, n2);
        for (size_t i = 0; i < n1; i++) {
            assert_int_equal(a[i].id, b[i].id);
            assert_memory_equal(a[i].b, b[i].b, sizeof a[i].b);
        }
        free(a);
        free(b);
    }
    const char *same[] = {
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE 'rtree%' "
        "ORDER BY name",
        "SELECT * FROM gpkg_extensions ORDER BY table_name, column_name, extension_name"};
    for (int q = 0; q < 2; q++) {
        char *x = all_rows(ours, same[q]), *y = all_rows(theirs, same[q]);
        assert_true(strlen(x) > 0);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    sqlite3_close(ours);
    sqlite3_close(theirs);
}

/* The ids the rtree's own search finds in @p b, in id order. */
static size_t rtree_search(sqlite3 *db, const char *rtree, box b, int64_t *ids)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT id FROM %s WHERE minx <= ?2 AND maxx >= ?1 AND miny <= ?4 "
             "AND maxy >= ?3",
             rtree);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_double(s, 1, b.minx);
    sqlite3_bind_double(s, 2, b.maxx);
    sqlite3_bind_double(s, 3, b.miny);
    sqlite3_bind_double(s, 4, b.maxy);
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static int by_id(const void *a, const void *b)
{
    const int64_t *p = a, *q = b;
    return (*p > *q) - (*p < *q);
}

static void test_rtree_search(void **state)
{
    (void)state;
    sqlite3 *db = open_db(packed);
    const char *rtrees[] = {"rtree_households_geom", "rtree_zones_geom"};
    for (int k = 0; k < 2; k++) {
        size_t n;
        cell *c = read_cells(db, rtrees[k], &n);
        OGREnvelope all = {c[0].b[0], c[0].b[1], c[0].b[2], c[0].b[3]};
        for (size_t i = 1; i < n; i++) {
            if (c[i].b[0] < all.MinX) all.MinX = c[i].b[0];
            if (c[i].b[1] > all.MaxX) all.MaxX = c[i].b[1];
            if (c[i].b[2] < all.MinY) all.MinY = c[i].b[2];
            if (c[i].b[3] > all.MaxY) all.MaxY = c[i].b[3];
        }
        int64_t *found = malloc(n * sizeof *found), *scan = malloc(n * sizeof *scan);
        size_t total = 0;
        for (int q = 0; q < BOXES; q++) {
            box b = random_box(&all);
            size_t m = rtree_search(db, rtrees[k], b, found), s = 0;
            for (size_t i = 0; i < n; i++)
                if (c[i].b[0] <= b.maxx && c[i].b[1] >= b.minx && c[i].b[2] <= b.maxy &&
                    c[i].b[3] >= b.miny)
                    scan[s++] = c[i].id;
            qsort(found, m, sizeof *found, by_id);
            assert_int_equal(m, s);
            assert_memory_equal(found, scan, m * sizeof *found);
            total += m;
        }
        assert_true(total > 0);
        free(found);
        free(scan);
        free(c);
    }
    sqlite3_close(db);
}

/* ---- GDAL ------------------------------------------------------------- */

static GDALDatasetH open_ogr(const char *path, bool update)
{
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY),
                   NULL, NULL, NULL);
    assert_non_null(ds);
    return ds;
}

/* The FIDs GDAL's spatial filter @p b gives on @p layer, in FID order. */
static size_t filtered(OGRLayerH layer, box b, int64_t *fids)
{
    OGR_L_SetSpatialFilterRect(layer, b.minx, b.miny, b.maxx, b.maxy);
    OGR_L_ResetReading(layer);
    size_t n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        fids[n++] = OGR_F_GetFID(f);
        OGR_F_Destroy(f);
    }
    OGR_L_SetSpatialFilter(layer, NULL);
    qsort(fids, n, sizeof *fids, by_id);
    return n;
}

static void test_capability(void **state)
{
    (void)state;
    GDALDatasetH a = open_ogr(packed, false), b = open_ogr(plain, false);
    const char *layers[] = {"households", "zones"};
    for (int k = 0; k < 2; k++) {
        assert_true(OGR_L_TestCapability(GDALDatasetGetLayerByName(a, layers[k]),
                                         OLCFastSpatialFilter));
        assert_false(OGR_L_TestCapability(GDALDatasetGetLayerByName(b, layers[k]),
                                          OLCFastSpatialFilter));
    }
    GDALClose(a);
    GDALClose(b);
}

typedef struct point {
    int64_t fid;
    double x, y;
} point;

static void test_gdal_filters(void **state)
{
    (void)state;
    GDALDatasetH a = open_ogr(packed, false), b = open_ogr(plain, false);
    OGRLayerH ha = GDALDatasetGetLayerByName(a, "households");
    OGRLayerH hb = GDALDatasetGetLayerByName(b, "households");
    point *pts = malloc(SAMPLE_HOUSEHOLDS * sizeof *pts);
    size_t n = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(hb);
    while ((f = OGR_L_GetNextFeature(hb))) {
        assert_true(n < SAMPLE_HOUSEHOLDS);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        pts[n++] = (point){OGR_F_GetFID(f), OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)};
        OGR_F_Destroy(f);
    }
    assert_int_equal(n, SAMPLE_HOUSEHOLDS);
    int64_t *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    OGREnvelope e;
    assert_int_equal(OGR_L_GetExtent(ha, &e, TRUE), OGRERR_NONE);
    for (int q = 0; q < BOXES; q++) {
        box bx = random_box(&e);
        size_t m = filtered(ha, bx, x), s = 0;
        for (size_t i = 0; i < n; i++)
            if (pts[i].x >= bx.minx && pts[i].x <= bx.maxx && pts[i].y >= bx.miny &&
                pts[i].y <= bx.maxy)
                y[s++] = pts[i].fid;
        qsort(y, s, sizeof *y, by_id);
        assert_int_equal(m, s);
        assert_memory_equal(x, y, m * sizeof *x);
    }
    OGRLayerH za = GDALDatasetGetLayerByName(a, "zones");
    OGRLayerH zb = GDALDatasetGetLayerByName(b, "zones");
    assert_int_equal(OGR_L_GetExtent(za, &e, TRUE), OGRERR_NONE);
    size_t hits = 0;
    for (int q = 0; q < BOXES; q++) {
        box bx = random_box(&e);
        size_t m = filtered(za, bx, x), s = filtered(zb, bx, y);
        assert_int_equal(m, s);
        assert_memory_equal(x, y, m * sizeof *x);
        hits += m;
    }
    assert_true(hits > BOXES);
    free(pts);
    free(x);
    free(y);
    GDALClose(a);
    GDALClose(b);
}

/* The households GDAL's filter finds in a box of 2e-6 degrees about
 * (@p x, @p y) on the file @p path. */
static size_t found_at(const char *path, double x, double y, int64_t *fids)
{
    GDALDatasetH ds = open_ogr(path, false);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "households");
    assert_true(OGR_L_TestCapability(l, OLCFastSpatialFilter));
    size_t n = filtered(l, (box){x - 1e-6, x + 1e-6, y - 1e-6, y + 1e-6}, fids);
    GDALClose(ds);
    return n;
}

static void test_triggers(void **state)
{
    (void)state;
    char copy[4096];
    snprintf(copy, sizeof copy, "%s/edited.gpkg", work);
    /* South-east of the sample's map: no household there. */
    const double x = 103.5, y = 21.0;
    int64_t fids[8];
    assert_int_equal(found_at(copy, x, y, fids), 0);

    GDALDatasetH ds = open_ogr(copy, true);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "households");
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    int64_t added = OGR_F_GetFID(f);
    OGR_F_Destroy(f);
    /* Household 1 moved beside it, household 2 deleted. */
    f = OGR_L_GetFeature(l, 1);
    assert_non_null(f);
    g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x + 0.5e-6, y);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_SetFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    f = OGR_L_GetFeature(l, 2);
    OGRGeometryH old = OGR_G_Clone(OGR_F_GetGeometryRef(f));
    OGR_F_Destroy(f);
    assert_int_equal(OGR_L_DeleteFeature(l, 2), OGRERR_NONE);
    GDALClose(ds);

    assert_int_equal(found_at(copy, x, y, fids), 2);
    assert_int_equal(fids[0], 1);
    assert_int_equal(fids[1], added);
    assert_int_equal(added, SAMPLE_HOUSEHOLDS + 1);
    size_t n = found_at(copy, OGR_G_GetX(old, 0), OGR_G_GetY(old, 0), fids);
    for (size_t i = 0; i < n; i++)
        assert_true(fids[i] != 2);
    OGR_G_DestroyGeometry(old);

    sqlite3 *db = open_db(copy);
    check_sqlite_layer(db, "rtree_households_geom");
    char *v = one_text(db, "SELECT count(*) FROM rtree_households_geom");
    assert_string_equal(v, "22243");
    free(v);
    sqlite3_close(db);
}

static int setup(void **state)
{
    (void)state;
    GDALAllRegister();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    GDALDestroy();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: check_export_rtree WORK_DIR\n");
        return 2;
    }
    work = argv[1];
    snprintf(packed, sizeof packed, "%s/packed.gpkg", work);
    snprintf(gdal_made, sizeof gdal_made, "%s/gdal.gpkg", work);
    snprintf(plain, sizeof plain, "%s/plain.gpkg", work);
    snprintf(joined, sizeof joined, "%s/joined.gpkg", work);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_checks), cmocka_unit_test(test_same_as_gdal),
        cmocka_unit_test(test_rtree_search),  cmocka_unit_test(test_capability),
        cmocka_unit_test(test_gdal_filters),  cmocka_unit_test(test_triggers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
