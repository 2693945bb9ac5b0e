/*
 * check_edition.c - the sample's 2025 edition (sample-data/dien-bien-phu-2025)
 * against the map it was made from, with GEOS (through OGR) as the judge:
 *
 * - the new zones tile exactly the old zones' ground: no overlap between
 *   them, the same total area;
 * - history.csv says, for every old postcode, the new postcodes its ground
 *   went to: exactly the new zones that share area with it, and its kind
 *   is what the geometry shows (unchanged: the same polygon and postcode;
 *   merged: one new zone, shared with other old zones; split: several);
 * - no retired postcode names a new zone, no new zone has a district;
 * - every household of the sample lies in exactly one new zone, one that
 *   the history lists for its old zone, and the split zone's households
 *   fall on both sides of the cut.
 *
 * usage: check_edition OLD_DIR NEW_DIR
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gdal.h>
#include <ogr_api.h>

#define MAX_ZONES 32
#define MAX_ROWS 64

typedef struct zone {
    char postcode[8];
    char district[64];
    char province[64];
    OGRGeometryH geom;
    OGRPreparedGeometryH prepared;
    OGREnvelope env;
} zone;

typedef struct row {
    char old_pc[8], new_pc[8], kind[16], date[16];
} row;

static const char *old_dir, *new_dir;
static zone old_zones[MAX_ZONES], new_zones[MAX_ZONES];
static int nold, nnew;
static row rows[MAX_ROWS];
static int nrows;

static int read_zones(const char *dir, zone *out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/zones.shp", dir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int fpc = OGR_FD_GetFieldIndex(defn, "POSTCODE"),
        fdistrict = OGR_FD_GetFieldIndex(defn, "DISTRICT"),
        fprovince = OGR_FD_GetFieldIndex(defn, "PROVINCE");
    assert_true(fpc >= 0 && fdistrict >= 0 && fprovince >= 0);
    int n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        assert_true(n < MAX_ZONES);
        zone *z = &out[n++];
        snprintf(z->postcode, sizeof z->postcode, "%s", OGR_F_GetFieldAsString(f, fpc));
        snprintf(z->district, sizeof z->district, "%s",
                 OGR_F_IsFieldSetAndNotNull(f, fdistrict) ? OGR_F_GetFieldAsString(f, fdistrict)
                                                           : "");
        snprintf(z->province, sizeof z->province, "%s", OGR_F_GetFieldAsString(f, fprovince));
        z->geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        assert_true(OGR_G_IsValid(z->geom));
        z->prepared = OGRCreatePreparedGeometry(z->geom);
        OGR_G_GetEnvelope(z->geom, &z->env);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

static void read_history(const char *dir)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "old_postcode,new_postcode,kind,effective_date\n");
    while (fgets(line, sizeof line, f)) {
        assert_true(nrows < MAX_ROWS);
        row *r = &rows[nrows++];
        assert_int_equal(sscanf(line, "%7[^,],%7[^,],%15[^,],%15[^\n]", r->old_pc, r->new_pc,
                                r->kind, r->date),
                         4);
    }
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    GDALAllRegister();
    nold = read_zones(old_dir, old_zones);
    nnew = read_zones(new_dir, new_zones);
    read_history(new_dir);
    return 0;
}

/* The area of the surfaces in @p g (neighbours meet in lines and points). */
static double surface_area(OGRGeometryH g)
{
    if (!g) return 0.0;
    switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
    case wkbPolygon:
    case wkbMultiPolygon:
        return OGR_G_Area(g);
    case wkbGeometryCollection: {
        double area = 0.0;
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            area += surface_area(OGR_G_GetGeometryRef(g, i));
        return area;
    }
    default:
        return 0.0;
    }
}

static double shared_area(OGRGeometryH a, OGRGeometryH b)
{
    OGRGeometryH x = OGR_G_Intersection(a, b);
    double area = surface_area(x);
    OGR_G_DestroyGeometry(x);
    return area;
}

static int find(const zone *zones, int n, const char *postcode)
{
    for (int i = 0; i < n; i++)
        if (strcmp(zones[i].postcode, postcode) == 0) return i;
    return -1;
}

/* Whether the history has the row old -> new. */
static const row *history_row(const char *old_pc, const char *new_pc)
{
    for (int r = 0; r < nrows; r++)
        if (strcmp(rows[r].old_pc, old_pc) == 0 && strcmp(rows[r].new_pc, new_pc) == 0)
            return &rows[r];
    return NULL;
}

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(nold, 12);
    assert_int_equal(nnew, 5);
    assert_int_equal(nrows, 13); /* 11 old zones to one new, the split one to two */
}

static void test_tiling(void **state)
{
    (void)state;
    double old_total = 0, new_total = 0;
    for (int i = 0; i < nold; i++)
        old_total += OGR_G_Area(old_zones[i].geom);
    for (int n = 0; n < nnew; n++) {
        new_total += OGR_G_Area(new_zones[n].geom);
        for (int m = n + 1; m < nnew; m++)
            assert_true(shared_area(new_zones[n].geom, new_zones[m].geom) < 1e-3);
    }
    /* Square metres of EPSG:9205: the sample's outline holds 599.2 km²
     * (SpatiaLite's ST_Area through `ogrinfo -dialect sqlite` agrees). */
    assert_true(fabs(old_total - 599227604.0) < 10.0);
    assert_true(fabs(new_total - old_total) < 1e-6 * old_total);
}

/* Each old zone's ground goes to exactly the new zones the history lists. */
static void test_history_matches_geometry(void **state)
{
    (void)state;
    int pairs = 0;
    for (int i = 0; i < nold; i++) {
        double area = OGR_G_Area(old_zones[i].geom), covered = 0;
        int targets = 0;
        for (int n = 0; n < nnew; n++) {
            double a = shared_area(old_zones[i].geom, new_zones[n].geom);
            const row *r = history_row(old_zones[i].postcode, new_zones[n].postcode);
            if (a > 1.0) {
                if (!r)
                    fail_msg("%s shares %.0f m² with %s but the history has no row",
                             old_zones[i].postcode, a, new_zones[n].postcode);
                assert_string_equal(r->date, "2025-07-01");
                targets++;
                pairs++;
                covered += a;
            } else if (r) {
                fail_msg("history row %s -> %s but they share %.3f m²",
                         old_zones[i].postcode, new_zones[n].postcode, a);
            }
        }
        assert_true(fabs(covered - area) < 1e-6 * area);
        const row *any = NULL;
        for (int r = 0; r < nrows && !any; r++)
            if (strcmp(rows[r].old_pc, old_zones[i].postcode) == 0) any = &rows[r];
        assert_non_null(any);
        if (strcmp(any->kind, "split") == 0) {
            assert_true(targets >= 2);
        } else if (strcmp(any->kind, "unchanged") == 0) {
            int n = find(new_zones, nnew, old_zones[i].postcode);
            assert_true(n >= 0);
            OGRGeometryH d = OGR_G_SymDifference(old_zones[i].geom, new_zones[n].geom);
            assert_true(surface_area(d) < 1e-3);
            OGR_G_DestroyGeometry(d);
            assert_int_equal(targets, 1);
        } else {
            assert_string_equal(any->kind, "merged");
            assert_int_equal(targets, 1);
        }
    }
    assert_int_equal(pairs, nrows);
}

static void test_postcodes_and_names(void **state)
{
    (void)state;
    int unchanged = 0, split = 0;
    for (int r = 0; r < nrows; r++) {
        unchanged += strcmp(rows[r].kind, "unchanged") == 0;
        split += strcmp(rows[r].kind, "split") == 0;
        assert_true(find(old_zones, nold, rows[r].old_pc) >= 0);
        assert_true(find(new_zones, nnew, rows[r].new_pc) >= 0);
        /* A retired postcode is never given to a new zone. */
        if (strcmp(rows[r].kind, "unchanged") != 0)
            assert_int_equal(find(new_zones, nnew, rows[r].old_pc), -1);
    }
    assert_int_equal(unchanged, 1);
    assert_int_equal(split, 2);
    for (int n = 0; n < nnew; n++) {
        assert_string_equal(new_zones[n].district, "");
        assert_string_equal(new_zones[n].province, "Điện Biên");
    }
}

/* The new zones holding the point, by GEOS. */
static int holders(double x, double y, int *which)
{
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, x, y);
    int count = 0;
    for (int n = 0; n < nnew; n++) {
        const OGREnvelope *e = &new_zones[n].env;
        if (x < e->MinX || x > e->MaxX || y < e->MinY || y > e->MaxY) continue;
        if (OGRPreparedGeometryIntersects(new_zones[n].prepared, pt)) {
            *which = n;
            count++;
        }
    }
    OGR_G_DestroyGeometry(pt);
    return count;
}

static void test_households(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/households.shp", old_dir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    int fpc = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "POSTCODE");
    assert_true(fpc >= 0);
    long total = 0, per_new[MAX_ZONES] = {0};
    long split_sides[MAX_ZONES] = {0};
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        const char *old_pc = OGR_F_GetFieldAsString(f, fpc);
        int n = -1;
        int count = holders(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0), &n);
        if (count != 1)
            fail_msg("household %lld in %d new zones", (long long)OGR_F_GetFID(f), count);
        const row *r = history_row(old_pc, new_zones[n].postcode);
        if (!r)
            fail_msg("household %lld of %s in %s, which its history does not list",
                     (long long)OGR_F_GetFID(f), old_pc, new_zones[n].postcode);
        if (strcmp(r->kind, "split") == 0) split_sides[n]++;
        per_new[n]++;
        total++;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_int_equal(total, 22243);
    int sides = 0;
    for (int n = 0; n < nnew; n++) {
        assert_true(per_new[n] > 0);
        sides += split_sides[n] > 0;
    }
    assert_int_equal(sides, 2);
    printf("households per 2025 zone:");
    for (int n = 0; n < nnew; n++)
        printf(" %s %ld", new_zones[n].postcode, per_new[n]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: check_edition OLD_DIR NEW_DIR\n");
        return 2;
    }
    old_dir = argv[1];
    new_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_tiling),
        cmocka_unit_test(test_history_matches_geometry),
        cmocka_unit_test(test_postcodes_and_names),
        cmocka_unit_test(test_households),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
