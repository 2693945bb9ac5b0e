/*
 * check_national_edition - the national map's 2025 edition
 * (`diachi-gen-national --edition 2025`) against the map made with the same
 * options, with GEOS (through OGR) as the judge:
 *
 * - 34 provinces after the reform (63 before), no zone with a district;
 * - in each province folder, the new zones cover the old zones' ground:
 *   the same area, every new zone valid, no two new zones overlapping;
 * - history.csv has one row per old zone; its old postcode is an old
 *   zone's and its new postcode a new zone's; the old zone lies inside that
 *   new zone; the kind is what the geometry and postcodes show (unchanged:
 *   the same postcode, alone in its zone; renamed: a new postcode, alone;
 *   merged: a new postcode shared with other old zones); no new postcode is
 *   a retired one;
 * - every household of the old map lies in exactly the new zone its old
 *   zone's row names.
 *
 * usage: check_national_edition OLD_DIR NEW_DIR
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

#define POSTCODES 100000

typedef struct zone {
    int postcode;
    OGRGeometryH geom;
    OGREnvelope env;
} zone;

typedef struct province {
    char folder[256];
    zone *old, *new;
    int nold, nnew;
} province;

static const char *old_dir, *new_dir;
static province provinces[128];
static int nprovinces;
/* history by old postcode: the new postcode (0: no row) and the kind */
static int new_of[POSTCODES];
static char kind_of[POSTCODES][16];
static int rows;

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
    *out = calloc((size_t)n, sizeof **out);
    assert_non_null(*out);
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        zone *z = &(*out)[k++];
        z->postcode = atoi(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "POSTCODE")));
        z->geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        OGR_G_GetEnvelope(z->geom, &z->env);
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
        assert_int_equal(new_of[old], 0); /* one row per old zone */
        assert_string_equal(date, "2025-07-01");
        new_of[old] = new;
        snprintf(kind_of[old], sizeof kind_of[old], "%s", kind);
        rows++;
    }
    fclose(f);
}

static const zone *find(const zone *zones, int n, int postcode)
{
    for (int i = 0; i < n; i++)
        if (zones[i].postcode == postcode) return &zones[i];
    return NULL;
}

static int envelopes_meet(const OGREnvelope *a, const OGREnvelope *b)
{
    return a->MinX < b->MaxX && b->MinX < a->MaxX && a->MinY < b->MaxY &&
           b->MinY < a->MaxY;
}

static void test_zones(void **state)
{
    (void)state;
    static char retired[POSTCODES];
    int old_total = 0, new_total = 0, kinds[3] = {0};
    for (int i = 0; i < nprovinces; i++)
        for (int k = 0; k < provinces[i].nold; k++)
            retired[provinces[i].old[k].postcode] = 1;
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
                double a = both ? OGR_G_Area(both) : 0;
                OGR_G_DestroyGeometry(both);
                if (a > 1.0)
                    print_error("%s: %05d and %05d overlap by %.1f m2\n", p->folder,
                                p->new[k].postcode, p->new[m].postcode, a);
                assert_true(a <= 1.0);
            }
        }
        assert_true(fabs(old_area - new_area) <= 1e-9 * old_area + 1.0);
        /* Each old zone: its row, inside its new zone, the kind the
         * geometry shows. */
        for (int k = 0; k < p->nold; k++) {
            const zone *o = &p->old[k];
            int to = new_of[o->postcode];
            assert_true(to != 0);
            const zone *n = find(p->new, p->nnew, to);
            if (!n) print_error("%05d -> %05d: no such new zone\n", o->postcode, to);
            assert_non_null(n);
            OGRGeometryH in = OGR_G_Intersection(o->geom, n->geom);
            double a = in ? OGR_G_Area(in) : 0, whole = OGR_G_Area(o->geom);
            OGR_G_DestroyGeometry(in);
            assert_true(fabs(a - whole) <= 1e-6 * whole + 1.0);
            int sharing = 0;
            for (int m = 0; m < p->nold; m++)
                sharing += new_of[p->old[m].postcode] == to;
            const char *kind = kind_of[o->postcode];
            if (strcmp(kind, "unchanged") == 0) {
                assert_int_equal(to, o->postcode);
                assert_int_equal(sharing, 1);
                kinds[0]++;
            } else {
                assert_false(retired[to]); /* never a retired postcode */
                assert_int_equal(strcmp(kind, "merged") == 0 ? sharing > 1 : sharing == 1,
                                 1);
                assert_true(strcmp(kind, "merged") == 0 || strcmp(kind, "renamed") == 0);
                kinds[strcmp(kind, "merged") == 0 ? 2 : 1]++;
            }
        }
        old_total += p->nold;
        new_total += p->nnew;
    }
    assert_int_equal(rows, old_total);
    printf("national edition: %d zones before, %d after; %d unchanged, %d renamed, %d "
           "merged\n",
           old_total, new_total, kinds[0], kinds[1], kinds[2]);
    assert_true(kinds[0] > 0 && kinds[1] > 0 && kinds[2] > 0);
}

static void test_households(void **state)
{
    (void)state;
    long total = 0;
    for (int i = 0; i < nprovinces; i++) {
        province *p = &provinces[i];
        char path[1024];
        int len = snprintf(path, sizeof path, "%s/%s/households.shp", old_dir, p->folder);
        assert_true(len > 0 && (size_t)len < sizeof path);
        GDALDatasetH ds =
            GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        assert_non_null(ds);
        OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
            int old = atoi(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "POSTCODE")));
            OGRGeometryH at = OGR_F_GetGeometryRef(f);
            int inside = 0, right = 0;
            for (int k = 0; k < p->nnew; k++) {
                OGREnvelope e;
                OGR_G_GetEnvelope(at, &e);
                if (e.MinX < p->new[k].env.MinX || e.MinX > p->new[k].env.MaxX ||
                    e.MinY < p->new[k].env.MinY || e.MinY > p->new[k].env.MaxY)
                    continue;
                if (!OGR_G_Intersects(p->new[k].geom, at)) continue;
                inside++;
                right += p->new[k].postcode == new_of[old];
            }
            if (inside != 1 || right != 1)
                print_error(
                    "%s: a household of %05d is in %d new zones, %d of them %05d\n",
                    p->folder, old, inside, right, new_of[old]);
            assert_int_equal(inside, 1);
            assert_int_equal(right, 1);
            total++;
            OGR_F_Destroy(f);
        }
        GDALClose(ds);
    }
    printf("national edition: %ld households, each in the new zone its history names\n",
           total);
    assert_true(total > 0);
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
    if (argc != 3) {
        fprintf(stderr, "usage: check_national_edition OLD_DIR NEW_DIR\n");
        return 2;
    }
    old_dir = argv[1];
    new_dir = argv[2];
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_households),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
