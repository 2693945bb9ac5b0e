/*
 * check_national_edition - the national map's 2025 edition
 * (`diachi-gen-national --edition 2025`) against the map made with the same
 * options, with GEOS (through OGR) as the judge:
 *
 * - 34 provinces after the reform (63 before), no zone with a district;
 * - in each province folder, the new zones are valid, no two overlap, and
 *   they hold no more ground than the old zones did (less where a lower
 *   postcode of another province held it: the synthetic provinces overlap);
 * - history.csv has a row or more per old zone; its old postcode is an old
 *   zone's and its new postcodes new zones'; the kind is what the postcodes
 *   show (unchanged: the same postcode, alone; renamed: a new postcode,
 *   alone; merged: a new postcode shared with other old zones; split: one
 *   of several rows of the old zone); no new postcode is a retired one;
 * - every household of the old map, in the old zone an index gives it (the
 *   lowest postcode of the old zones holding its door, all provinces in
 *   WGS 84), lies in a new zone its old zone's rows name (the lowest of the
 *   new zones holding it, should two), and in one at all;
 * - with EMPTY given, exactly that many new zones hold no household.
 *
 * usage: check_national_edition OLD_DIR NEW_DIR [EMPTY]
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
#include <dirent.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define POSTCODES 100000

typedef struct zone {
    int postcode;
    OGRGeometryH geom;
    OGREnvelope env;
    OGRGeometryH wgs84; /* the same in WGS 84 (lon, lat) */
    OGREnvelope wgs84_env;
    long households; /* of the old map, by GEOS */
} zone;

typedef struct province {
    char folder[256];
    zone *old, *new;
    int nold, nnew;
} province;

static const char *old_dir, *new_dir;
static province provinces[128];
static int nprovinces;
/* history by old postcode: its new postcodes (0: none) and their kinds */
#define TARGETS 32
static int new_of[POSTCODES][TARGETS];
static char kind_of[POSTCODES][TARGETS][16];
static int rows;
static long expect_empty = -1;

static OGRCoordinateTransformationH transform_of(OGRSpatialReferenceH from)
{
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(wgs84, 4326), OGRERR_NONE);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReferenceH source = OSRClone(from);
    OSRSetAxisMappingStrategy(source, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(source, wgs84);
    assert_non_null(ct);
    OSRDestroySpatialReference(source);
    OSRDestroySpatialReference(wgs84);
    return ct;
}

static int read_zones(const char *dir, const char *folder, zone **out, char names[][64],
                      int *nnames)
{
    char path[1024];
    int len = snprintf(path, sizeof path, "%s/%s/zones.shp", dir, folder);
    assert_true(len > 0 && (size_t)len < sizeof path);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    int n = (int)OGR_L_GetFeatureCount(layer, TRUE), k = 0;
    OGRCoordinateTransformationH to_wgs84 = transform_of(OGR_L_GetSpatialRef(layer));
    *out = calloc((size_t)n, sizeof **out);
    assert_non_null(*out);
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        zone *z = &(*out)[k++];
        z->postcode = atoi(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "POSTCODE")));
        z->geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        OGR_G_GetEnvelope(z->geom, &z->env);
        z->wgs84 = OGR_G_Clone(z->geom);
        assert_int_equal(OGR_G_Transform(z->wgs84, to_wgs84), OGRERR_NONE);
        OGR_G_GetEnvelope(z->wgs84, &z->wgs84_env);
        if (names) {
            const char *name =
                OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "PROVINCE"));
            const char *district =
                OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "DISTRICT"));
            assert_string_equal(district, "");
            int seen = 0;
            for (int i = 0; i < *nnames && !seen; i++)
                seen = strcmp(names[i], name) == 0;
            if (!seen) snprintf(names[(*nnames)++], 64, "%s", name);
        }
        OGR_F_Destroy(f);
    }
    OCTDestroyCoordinateTransformation(to_wgs84);
    GDALClose(ds);
    return k;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const province *)a)->folder, ((const province *)b)->folder);
}

static void load(void)
{
    static char names[128][64];
    int nnames = 0;
    DIR *d = opendir(old_dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !strchr(e->d_name, '-')) continue;
        province *p = &provinces[nprovinces++];
        snprintf(p->folder, sizeof p->folder, "%s", e->d_name);
    }
    closedir(d);
    qsort(provinces, (size_t)nprovinces, sizeof provinces[0], by_name);
    for (int i = 0; i < nprovinces; i++) {
        province *p = &provinces[i];
        p->nold = read_zones(old_dir, p->folder, &p->old, NULL, NULL);
        p->nnew = read_zones(new_dir, p->folder, &p->new, names, &nnames);
    }
    printf("national edition: %d provinces before, %d after\n", nprovinces, nnames);
    if (nprovinces == 63) assert_int_equal(nnames, 34);
    assert_true(nnames < nprovinces);
}

static void read_history(void)
{
    char path[1024], line[256];
    snprintf(path, sizeof path, "%s/history.csv", new_dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "old_postcode,new_postcode,kind,effective_date\n");
    while (fgets(line, sizeof line, f)) {
        int old, new;
        char kind[16], date[16];
        assert_int_equal(sscanf(line, "%d,%d,%15[a-z],%15s", &old, &new, kind, date), 4);
        assert_true(old > 0 && old<POSTCODES &&new> 0 && new < POSTCODES);
        assert_string_equal(date, "2025-07-01");
        int t = 0;
        while (t < TARGETS && new_of[old][t] != 0) {
            assert_int_not_equal(new_of[old][t], new); /* no row twice */
            t++;
        }
        assert_true(t < TARGETS);
        new_of[old][t] = new;
        snprintf(kind_of[old][t], sizeof kind_of[old][t], "%s", kind);
        rows++;
    }
    fclose(f);
}

static int envelopes_meet(const OGREnvelope *a, const OGREnvelope *b)
{
    return a->MinX < b->MaxX && b->MinX < a->MaxX && a->MinY < b->MaxY &&
           b->MinY < a->MaxY;
}

static int targets_of(int old)
{
    int n = 0;
    while (n < TARGETS && new_of[old][n] != 0)
        n++;
    return n;
}

static void test_zones(void **state)
{
    (void)state;
    static char retired[POSTCODES], is_new[POSTCODES], kept[POSTCODES];
    static int sharing[POSTCODES];
    int old_total = 0, new_total = 0, kinds[4] = {0};
    for (int i = 0; i < nprovinces; i++) {
        for (int k = 0; k < provinces[i].nold; k++)
            retired[provinces[i].old[k].postcode] = 1;
        for (int k = 0; k < provinces[i].nnew; k++)
            is_new[provinces[i].new[k].postcode] = 1;
    }
    for (int old = 0; old < POSTCODES; old++)
        for (int t = 0; t < targets_of(old); t++) {
            sharing[new_of[old][t]]++;
            if (strcmp(kind_of[old][t], "unchanged") == 0) kept[old] = 1;
        }
    for (int i = 0; i < nprovinces; i++) {
        province *p = &provinces[i];
        double old_area = 0, new_area = 0;
        for (int k = 0; k < p->nold; k++)
            old_area += OGR_G_Area(p->old[k].geom);
        for (int k = 0; k < p->nnew; k++) {
            assert_true(OGR_G_IsValid(p->new[k].geom));
            new_area += OGR_G_Area(p->new[k].geom);
            for (int m = k + 1; m < p->nnew; m++) {
                if (!envelopes_meet(&p->new[k].env, &p->new[m].env)) continue;
                OGRGeometryH both = OGR_G_Intersection(p->new[k].geom, p->new[m].geom);
                OGRwkbGeometryType t = both ? wkbFlatten(OGR_G_GetGeometryType(both)) : 0;
                double a = t == wkbPolygon || t == wkbMultiPolygon ? OGR_G_Area(both) : 0;
                OGR_G_DestroyGeometry(both);
                if (a > 1.0)
                    print_error("%s: %05d and %05d overlap by %.1f m2\n", p->folder,
                                p->new[k].postcode, p->new[m].postcode, a);
                assert_true(a <= 1.0);
            }
        }
        assert_true(new_area <= old_area + 1.0);
        /* Each old zone: its rows, to new zones, the kinds the postcodes show. */
        for (int k = 0; k < p->nold; k++) {
            int old = p->old[k].postcode, n = targets_of(old);
            if (n == 0) print_error("%05d: no history row\n", old);
            assert_true(n > 0);
            for (int t = 0; t < n; t++) {
                int to = new_of[old][t];
                const char *kind = kind_of[old][t];
                if (!is_new[to]) print_error("%05d -> %05d: no such new zone\n", old, to);
                assert_true(is_new[to]);
                if (strcmp(kind, "unchanged") == 0) {
                    assert_int_equal(to, old);
                    assert_int_equal(n, 1);
                    kinds[0]++;
                    continue;
                }
                assert_true(!retired[to] || kept[to]); /* never a retired postcode */
                if (strcmp(kind, "renamed") == 0) {
                    assert_int_equal(n, 1);
                    kinds[1]++;
                } else if (strcmp(kind, "merged") == 0) {
                    assert_int_equal(n, 1);
                    assert_true(sharing[to] > 1);
                    kinds[2]++;
                } else {
                    assert_string_equal(kind, "split");
                    assert_true(n > 1);
                    kinds[3]++;
                }
            }
        }
        old_total += p->nold;
        new_total += p->nnew;
    }
    assert_true(rows >= old_total);
    printf("national edition: %d zones before, %d after; %d rows: %d unchanged, %d "
           "renamed, %d merged, %d split\n",
           old_total, new_total, rows, kinds[0], kinds[1], kinds[2], kinds[3]);
    assert_true(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0);
}

/* The lowest postcode of the zones (old or new, every province) holding
 * @p at (WGS 84); how many hold it in *holding. */
static zone *lowest_holding(int old, OGRGeometryH at, int *holding)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(at, &e);
    zone *best = NULL;
    *holding = 0;
    for (int i = 0; i < nprovinces; i++) {
        province *p = &provinces[i];
        zone *zones = old ? p->old : p->new;
        for (int k = 0; k < (old ? p->nold : p->nnew); k++) {
            zone *z = &zones[k];
            if (e.MinX < z->wgs84_env.MinX || e.MinX > z->wgs84_env.MaxX ||
                e.MinY < z->wgs84_env.MinY || e.MinY > z->wgs84_env.MaxY ||
                !OGR_G_Intersects(z->wgs84, at))
                continue;
            ++*holding;
            if (!best || z->postcode < best->postcode) best = z;
        }
    }
    return best;
}

static long household_rows(const char *folder, long *several)
{
    char path[1024];
    int len = snprintf(path, sizeof path, "%s/%s/households.shp", old_dir, folder);
    assert_true(len > 0 && (size_t)len < sizeof path);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    OGRCoordinateTransformationH to_wgs84 = transform_of(OGR_L_GetSpatialRef(layer));
    OGRFeatureH f;
    long total = 0;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        OGRGeometryH at = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        assert_int_equal(OGR_G_Transform(at, to_wgs84), OGRERR_NONE);
        int in_old, in_new;
        zone *was = lowest_holding(1, at, &in_old), *now = lowest_holding(0, at, &in_new);
        assert_non_null(was);
        if (!now)
            print_error("%s: a household of %05d is in no new zone\n", folder,
                        was->postcode);
        assert_non_null(now);
        int named = 0;
        for (int t = 0; t < targets_of(was->postcode); t++)
            named |= new_of[was->postcode][t] == now->postcode;
        if (!named)
            print_error("%s: a household of %05d is in %05d, which no row of it names\n",
                        folder, was->postcode, now->postcode);
        assert_true(named);
        now->households++;
        *several += in_new > 1;
        total++;
        OGR_G_DestroyGeometry(at);
        OGR_F_Destroy(f);
    }
    OCTDestroyCoordinateTransformation(to_wgs84);
    GDALClose(ds);
    return total;
}

static void test_households(void **state)
{
    (void)state;
    long total = 0, several = 0, empty = 0;
    for (int i = 0; i < nprovinces; i++)
        total += household_rows(provinces[i].folder, &several);
    for (int i = 0; i < nprovinces; i++)
        for (int k = 0; k < provinces[i].nnew; k++)
            empty += provinces[i].new[k].households == 0;
    printf("national edition: %ld households, each in a new zone its old zone's rows "
           "name (%ld in two new zones); %ld new zones hold none\n",
           total, several, empty);
    assert_true(total > 0);
    if (expect_empty >= 0) assert_int_equal(empty, expect_empty);
}

static int setup(void **state)
{
    (void)state;
    load();
    read_history();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: check_national_edition OLD_DIR NEW_DIR [EMPTY]\n");
        return 2;
    }
    old_dir = argv[1];
    new_dir = argv[2];
    if (argc == 4) expect_empty = atol(argv[3]);
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_households),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
