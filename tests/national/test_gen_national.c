/*
 * test_gen_national.c - diachi-gen-national, checked from the outside: run it
 * on three provinces (Điện Biên, Hà Nội, TP Hồ Chí Minh) and read what it wrote
 * with OGR, as the importer will.
 *
 * usage: test_gen_national GENERATOR WORKDIR
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

extern char **environ;

#define HOUSEHOLDS 20000
#define ZONES 300
#define PROVINCES "32,10,70"

typedef struct expected_province {
    const char *folder;
    int epsg;
    double central_meridian;
    int prefix_low, prefix_high; /* postcode prefixes the province owns */
} expected_province;

/* Điện Biên: TM-3 103-00; Hà Nội: 105-00 (EPSG "zone 482"); HCM: 105-45. */
static const expected_province provinces[] = {
    {"32-dien-bien", 9205, 103.0, 32, 32},
    {"10-ha-noi", 5897, 105.0, 10, 14},
    {"70-ho-chi-minh", 9210, 105.75, 70, 74},
};
#define PROVINCE_COUNT 3

static const char *generator;
static char work[1024];

static void path_of(char *out, size_t size, const char *run, const char *rest)
{
    int n =
        snprintf(out, size, "%s/%s%s%s", work, run, rest ? "/" : "", rest ? rest : "");
    assert_true(n > 0 && (size_t)n < size);
}

/* Run the generator with @p args (NULL-terminated); returns its exit status. */
static int run_generator(const char *first, ...)
{
    char *argv[24];
    int argc = 0;
    va_list ap;
    argv[argc++] = (char *)generator;
    va_start(ap, first);
    for (const char *a = first; a && argc < 23; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    pid_t pid;
    int status;
    if (posix_spawn(&pid, generator, NULL, NULL, argv, environ) != 0) return -1;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static int generate(const char *run, const char *seed)
{
    char out[1200];
    path_of(out, sizeof out, run, NULL);
    return run_generator("--out", out, "--households", "20000", "--zones", "300",
                         "--seed", seed, "--provinces", PROVINCES, "--threads", "2",
                         (const char *)NULL);
}

static int setup_runs(void **state)
{
    (void)state;
    mkdir(work, 0777);
    GDALAllRegister();
    if (generate("seed7-a", "7") != 0) return -1;
    if (generate("seed7-b", "7") != 0) return -1;
    if (generate("seed8", "8") != 0) return -1;
    char out[1200];
    path_of(out, sizeof out, "realistic", NULL);
    if (run_generator("--out", out, "--households", "20000", "--zones", "300", "--seed",
                      "7", "--provinces", PROVINCES, "--threads", "2", "--borders",
                      "realistic", (const char *)NULL) != 0)
        return -1;
    path_of(out, sizeof out, "simple-addresses", NULL);
    if (run_generator("--out", out, "--households", "20000", "--zones", "300", "--seed",
                      "7", "--provinces", PROVINCES, "--threads", "2", "--addresses",
                      "simple", (const char *)NULL) != 0)
        return -1;
    return 0;
}

static GDALDatasetH open_province(const char *run, int p)
{
    char path[1200];
    path_of(path, sizeof path, run, provinces[p].folder);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    return ds;
}

static OGRLayerH layer_of(GDALDatasetH ds, const char *name)
{
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, name);
    assert_non_null(layer);
    return layer;
}

/* ---- usage ---- */

static void test_bad_arguments_exit_2(void **state)
{
    (void)state;
    char out[1200];
    path_of(out, sizeof out, "bad", NULL);
    assert_int_equal(run_generator("--help", (const char *)NULL), 0);
    assert_int_equal(run_generator("--households", "10", (const char *)NULL),
                     2); /* no --out */
    assert_int_equal(
        run_generator("--out", out, "--households", "abc", (const char *)NULL), 2);
    assert_int_equal(
        run_generator("--out", out, "--households", "-5", (const char *)NULL), 2);
    assert_int_equal(run_generator("--out", out, "--zones", "0", (const char *)NULL), 2);
    assert_int_equal(
        run_generator("--out", out, "--provinces", "32,99", (const char *)NULL), 2);
    assert_int_equal(run_generator("--out", out, "--provinces", "32,10,70", "--zones",
                                   "2", (const char *)NULL),
                     2);
    assert_int_equal(run_generator("--out", out, "--frobnicate", "1", (const char *)NULL),
                     2);
    assert_int_equal(run_generator("--out", (const char *)NULL), 2);
}

/* ---- layout and CRS ---- */

static void test_folders_files_and_encoding(void **state)
{
    (void)state;
    static const char *const files[] = {
        "zones.shp",      "zones.shx",      "zones.dbf",      "zones.prj",
        "zones.cpg",      "households.shp", "households.shx", "households.dbf",
        "households.prj", "households.cpg"};
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
            char path[1300], rest[256];
            struct stat st;
            snprintf(rest, sizeof rest, "%s/%s", provinces[p].folder, files[f]);
            path_of(path, sizeof path, "seed7-a", rest);
            assert_int_equal(stat(path, &st), 0);
        }
        char cpg[1300], rest[256], text[16] = {0};
        snprintf(rest, sizeof rest, "%s/households.cpg", provinces[p].folder);
        path_of(cpg, sizeof cpg, "seed7-a", rest);
        FILE *fp = fopen(cpg, "r");
        assert_non_null(fp);
        assert_non_null(fgets(text, sizeof text, fp));
        fclose(fp);
        assert_int_equal(strncmp(text, "UTF-8", 5), 0);
    }
}

static void check_crs(OGRLayerH layer, const expected_province *e)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer),
                         official = OSRNewSpatialReference(NULL);
    assert_non_null(srs);
    assert_int_equal(OSRImportFromEPSG(official, e->epsg), OGRERR_NONE);
    const char *options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                             "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", NULL};
    assert_true(OSRIsSameEx(srs, official, options));
    assert_true(fabs(OSRGetProjParm(srs, SRS_PP_CENTRAL_MERIDIAN, 0, NULL) -
                     e->central_meridian) < 1e-9);
    assert_true(fabs(OSRGetProjParm(srs, SRS_PP_SCALE_FACTOR, 0, NULL) - 0.9999) < 1e-12);
    assert_true(fabs(OSRGetProjParm(srs, SRS_PP_FALSE_EASTING, 0, NULL) - 500000.0) <
                1e-6);
    OSRDestroySpatialReference(official);
}

static void test_crs_is_the_provinces_tm3(void **state)
{
    (void)state;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("seed7-a", p);
        check_crs(layer_of(ds, "zones"), &provinces[p]);
        check_crs(layer_of(ds, "households"), &provinces[p]);
        GDALClose(ds);
    }
}

/* ---- counts and uniqueness ---- */

static void test_counts_are_exact(void **state)
{
    (void)state;
    GIntBig households = 0, zones = 0;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("seed7-a", p);
        households += OGR_L_GetFeatureCount(layer_of(ds, "households"), TRUE);
        zones += OGR_L_GetFeatureCount(layer_of(ds, "zones"), TRUE);
        GDALClose(ds);
    }
    assert_int_equal(households, HOUSEHOLDS);
    assert_int_equal(zones, ZONES);
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* All values of one field over the three provinces, sorted; NULL-free. */
static int64_t *collect(const char *layer_name, const char *field, size_t *count,
                        int postcode_check)
{
    size_t cap = 1024, n = 0;
    int64_t *values = malloc(cap * sizeof *values);
    assert_non_null(values);
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("seed7-a", p);
        OGRLayerH layer = layer_of(ds, layer_name);
        int index = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), field);
        assert_true(index >= 0);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
            if (n == cap) values = realloc(values, (cap *= 2) * sizeof *values);
            assert_non_null(values);
            if (postcode_check) {
                const char *code = OGR_F_GetFieldAsString(f, index);
                assert_int_equal(strlen(code), 5);
                assert_int_equal(strspn(code, "0123456789"), 5);
                int prefix = (code[0] - '0') * 10 + (code[1] - '0');
                assert_in_range(prefix, provinces[p].prefix_low,
                                provinces[p].prefix_high);
            }
            values[n++] = OGR_F_GetFieldAsInteger64(f, index);
            OGR_F_Destroy(f);
        }
        GDALClose(ds);
    }
    qsort(values, n, sizeof *values, compare_i64);
    *count = n;
    return values;
}

static void test_postcodes_unique_and_prefixed(void **state)
{
    (void)state;
    size_t n;
    int64_t *postcodes = collect("zones", "POSTCODE", &n, 1);
    assert_int_equal(n, ZONES);
    for (size_t k = 1; k < n; k++)
        assert_true(postcodes[k] != postcodes[k - 1]);
    free(postcodes);
}

static void test_household_ids_unique(void **state)
{
    (void)state;
    size_t n;
    int64_t *ids = collect("households", "HH_ID", &n, 0);
    assert_int_equal(n, HOUSEHOLDS);
    for (size_t k = 1; k < n; k++)
        assert_true(ids[k] != ids[k - 1]);
    free(ids);
}

/* ---- geometry ---- */

/* Zone polygons by postcode number, for one province. */
static OGRGeometryH *zones_by_postcode(OGRLayerH zones)
{
    OGRGeometryH *by_code = calloc(100000, sizeof *by_code);
    assert_non_null(by_code);
    int index = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(zones), "POSTCODE");
    OGRFeatureH f;
    OGR_L_ResetReading(zones);
    while ((f = OGR_L_GetNextFeature(zones)) != NULL) {
        int code = atoi(OGR_F_GetFieldAsString(f, index));
        assert_null(by_code[code]);
        by_code[code] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        OGR_F_Destroy(f);
    }
    return by_code;
}

static void free_zones(OGRGeometryH *by_code)
{
    for (int k = 0; k < 100000; k++)
        OGR_G_DestroyGeometry(by_code[k]);
    free(by_code);
}

static void test_households_lie_in_their_zone(void **state)
{
    (void)state;
    long checked = 0;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("seed7-a", p);
        OGRGeometryH *by_code = zones_by_postcode(layer_of(ds, "zones"));
        OGRLayerH households = layer_of(ds, "households");
        int index = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(households), "POSTCODE");
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(households)) != NULL) {
            OGRGeometryH zone = by_code[atoi(OGR_F_GetFieldAsString(f, index))];
            assert_non_null(zone);
            assert_true(OGR_G_Contains(zone, OGR_F_GetGeometryRef(f)));
            checked++;
            OGR_F_Destroy(f);
        }
        free_zones(by_code);
        GDALClose(ds);
    }
    assert_int_equal(checked, HOUSEHOLDS);
}

/* Largest distance, per axis, from a WGS 84 ring's vertices to its bbox centre. */
static double ring_reach_degrees(OGRGeometryH ring)
{
    OGREnvelope box;
    OGR_G_GetEnvelope(ring, &box);
    double clon = (box.MinX + box.MaxX) / 2, clat = (box.MinY + box.MaxY) / 2, reach = 0;
    for (int k = 0; k < OGR_G_GetPointCount(ring); k++) {
        reach = fmax(reach, fabs(OGR_G_GetX(ring, k) - clon));
        reach = fmax(reach, fabs(OGR_G_GetY(ring, k) - clat));
    }
    return reach;
}

static void test_zones_within_recovery_margin(void **state)
{
    (void)state;
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs84, 4326);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    double worst = 0;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("seed7-a", p);
        OGRLayerH zones = layer_of(ds, "zones");
        OGRCoordinateTransformationH ct =
            OCTNewCoordinateTransformation(OGR_L_GetSpatialRef(zones), wgs84);
        assert_non_null(ct);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(zones)) != NULL) {
            OGRGeometryH g = OGR_G_Clone(OGR_F_GetGeometryRef(f));
            assert_int_equal(OGR_G_Transform(g, ct), OGRERR_NONE);
            assert_int_equal(OGR_G_GetGeometryCount(g), 1); /* one ring, no holes */
            worst = fmax(worst, ring_reach_degrees(OGR_G_GetGeometryRef(g, 0)));
            OGR_G_DestroyGeometry(g);
            OGR_F_Destroy(f);
        }
        OCTDestroyCoordinateTransformation(ct);
        GDALClose(ds);
    }
    OSRDestroySpatialReference(wgs84);
    print_message("largest reach from a bbox centre: %.4f degrees\n", worst);
    assert_true(worst > 0.0);
    assert_true(worst < 0.4);
    assert_true(worst < 0.2); /* "well under": the generator caps cells at 12 km */
}

static void test_zones_tile_without_overlap(void **state)
{
    (void)state;
    /* Sum of areas equals the area of the union: no two zones overlap. */
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("seed7-a", p);
        OGRLayerH zones = layer_of(ds, "zones");
        OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
        double sum = 0;
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(zones)) != NULL) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            assert_true(OGR_G_IsValid(g));
            sum += OGR_G_Area(g);
            OGR_G_AddGeometry(all, g);
            OGR_F_Destroy(f);
        }
        OGRGeometryH un = OGR_G_UnionCascaded(all);
        assert_non_null(un);
        assert_true(fabs(OGR_G_Area(un) - sum) <= 1e-9 * sum);
        /* No gap: the union is one polygon without holes. */
        assert_int_equal(wkbFlatten(OGR_G_GetGeometryType(un)), wkbPolygon);
        assert_int_equal(OGR_G_GetGeometryCount(un), 1);
        OGR_G_DestroyGeometry(un);
        OGR_G_DestroyGeometry(all);
        GDALClose(ds);
    }
}

/* ---- realistic borders ---- */

/* Vertices of every ring of @p g; counts its rings and polygons too. */
static int vertices_of(OGRGeometryH g, int *rings, int *polygons)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbLineString || t == wkbLinearRing) {
        ++*rings;
        return OGR_G_GetPointCount(g);
    }
    *polygons += t == wkbPolygon;
    int n = 0;
    for (int k = 0; k < OGR_G_GetGeometryCount(g); k++)
        n += vertices_of(OGR_G_GetGeometryRef(g, k), rings, polygons);
    return n;
}

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Slivers between the first @p pairs neighbouring zones of @p g (envelopes
 * that touch): overlap area, and the two zones' areas in @p total. GEOS's
 * union of a whole province of slivered zones takes minutes; pairs do not. */
static double sliver_area(OGRGeometryH *g, int n, int pairs, double *total)
{
    double overlap = 0;
    for (int i = 0; i < n && pairs > 0; i++)
        for (int j = i + 1; j < n && pairs > 0; j++) {
            OGREnvelope a, b;
            OGR_G_GetEnvelope(g[i], &a);
            OGR_G_GetEnvelope(g[j], &b);
            if (a.MaxX < b.MinX || b.MaxX < a.MinX || a.MaxY < b.MinY || b.MaxY < a.MinY)
                continue;
            OGRGeometryH x = OGR_G_Intersection(g[i], g[j]);
            overlap += x ? OGR_G_Area(x) : 0;
            *total += OGR_G_Area(g[i]) + OGR_G_Area(g[j]);
            OGR_G_DestroyGeometry(x);
            pairs--;
        }
    return overlap;
}

/* Valid polygons of thousands of vertices, some with holes and some in two
 * parts; neighbours overlap by slivers (each zone digitised its own copy of
 * the border), a thousandth of their area at most, where the simple map has
 * none. */
static void test_realistic_zones_detailed_with_slivers(void **state)
{
    (void)state;
    int counts[ZONES], n = 0, holes = 0, multi = 0;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("realistic", p);
        OGRLayerH zones = layer_of(ds, "zones");
        OGRGeometryH geoms[ZONES];
        int first = n;
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(zones)) != NULL) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            assert_true(OGR_G_IsValid(g));
            assert_true(n < ZONES);
            geoms[n - first] = OGR_G_Clone(g);
            int rings = 0, polygons = 0;
            counts[n++] = vertices_of(g, &rings, &polygons);
            holes += rings - polygons;
            multi += polygons > 1;
            OGR_F_Destroy(f);
        }
        double total = 0, overlap = sliver_area(geoms, n - first, 20, &total);
        assert_true(overlap > 0);
        assert_true(overlap < 1e-3 * total);
        for (int k = 0; k < n - first; k++)
            OGR_G_DestroyGeometry(geoms[k]);
        GDALClose(ds);
    }
    qsort(counts, (size_t)n, sizeof counts[0], by_int);
    printf("realistic: %d zones, vertices per zone: min %d, median %d, max %d; %d holes, "
           "%d multi-part zones\n",
           n, counts[0], (counts[n / 2 - 1] + counts[n / 2]) / 2, counts[n - 1], holes,
           multi);
    assert_int_equal(n, ZONES);
    assert_true(holes >= 5);
    assert_true(multi >= 3);
    assert_true(counts[0] >= 1000);
}

/* Every household lies in its own zone and in no other: never in a sliver. */
static void test_realistic_households_in_one_zone(void **state)
{
    (void)state;
    long checked = 0;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("realistic", p);
        OGRGeometryH *by_code = zones_by_postcode(layer_of(ds, "zones"));
        OGRPreparedGeometryH *prepared = calloc(100000, sizeof *prepared);
        assert_non_null(prepared);
        for (int k = 0; k < 100000; k++)
            if (by_code[k]) prepared[k] = OGRCreatePreparedGeometry(by_code[k]);
        OGRLayerH households = layer_of(ds, "households");
        int index = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(households), "POSTCODE");
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(households)) != NULL) {
            int code = atoi(OGR_F_GetFieldAsString(f, index)), containing = 0;
            OGRGeometryH pt = OGR_F_GetGeometryRef(f);
            assert_non_null(prepared[code]);
            assert_true(OGRPreparedGeometryContains(prepared[code], pt));
            for (int k = 0; k < 100000; k++)
                containing += prepared[k] && OGRPreparedGeometryContains(prepared[k], pt);
            assert_int_equal(containing, 1);
            checked++;
            OGR_F_Destroy(f);
        }
        for (int k = 0; k < 100000; k++)
            if (prepared[k]) OGRDestroyPreparedGeometry(prepared[k]);
        free(prepared);
        free_zones(by_code);
        GDALClose(ds);
    }
    assert_int_equal(checked, HOUSEHOLDS);
}

/* ---- determinism ---- */

/* Field values as text and geometry as WKB bytes: OGR_F_Equal would also
 * demand the same OGRFeatureDefn object, i.e. the same open dataset. */
static int features_equal(OGRFeatureH a, OGRFeatureH b)
{
    int fields = OGR_F_GetFieldCount(a);
    if (fields != OGR_F_GetFieldCount(b)) return 0;
    for (int k = 0; k < fields; k++)
        if (strcmp(OGR_F_GetFieldAsString(a, k), OGR_F_GetFieldAsString(b, k)) != 0)
            return 0;
    OGRGeometryH ga = OGR_F_GetGeometryRef(a), gb = OGR_F_GetGeometryRef(b);
    int size = OGR_G_WkbSize(ga);
    if (size != OGR_G_WkbSize(gb)) return 0;
    unsigned char *wa = malloc((size_t)size), *wb = malloc((size_t)size);
    assert_non_null(wa);
    assert_non_null(wb);
    OGR_G_ExportToWkb(ga, wkbNDR, wa);
    OGR_G_ExportToWkb(gb, wkbNDR, wb);
    int equal = memcmp(wa, wb, (size_t)size) == 0;
    free(wa);
    free(wb);
    return equal;
}

/* 1 when every feature of @p layer in both runs is equal (fields and geometry). */
static int runs_equal(const char *run_a, const char *run_b, int p, const char *layer_name)
{
    GDALDatasetH a = open_province(run_a, p), b = open_province(run_b, p);
    OGRLayerH la = layer_of(a, layer_name), lb = layer_of(b, layer_name);
    int equal = OGR_L_GetFeatureCount(la, TRUE) == OGR_L_GetFeatureCount(lb, TRUE);
    OGRFeatureH fa, fb;
    while (equal && (fa = OGR_L_GetNextFeature(la)) != NULL) {
        fb = OGR_L_GetNextFeature(lb);
        equal = fb && features_equal(fa, fb);
        OGR_F_Destroy(fa);
        OGR_F_Destroy(fb);
    }
    GDALClose(a);
    GDALClose(b);
    return equal;
}

static void test_same_seed_same_map(void **state)
{
    (void)state;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        assert_true(runs_equal("seed7-a", "seed7-b", p, "zones"));
        assert_true(runs_equal("seed7-a", "seed7-b", p, "households"));
    }
}

static void test_other_seed_other_map(void **state)
{
    (void)state;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        assert_false(runs_equal("seed7-a", "seed8", p, "zones"));
        assert_false(runs_equal("seed7-a", "seed8", p, "households"));
    }
}

/* ---- attributes ---- */

static void test_zone_attributes(void **state)
{
    (void)state;
    GDALDatasetH ds = open_province("seed7-a", 0); /* Điện Biên */
    OGRLayerH zones = layer_of(ds, "zones");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(zones);
    static const char *const fields[] = {"POSTCODE", "NAME",     "KIND",
                                         "COMMUNE",  "DISTRICT", "PROVINCE"};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        assert_true(OGR_FD_GetFieldIndex(defn, fields[k]) >= 0);
    int urban = 0, rural = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(zones)) != NULL) {
        const char *kind = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(defn, "KIND"));
        const char *name = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(defn, "NAME"));
        assert_string_equal(
            OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(defn, "PROVINCE")),
            "Điện Biên");
        assert_int_equal(
            strlen(OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(defn, "COMMUNE"))), 5);
        if (strcmp(kind, "phường") == 0) {
            urban++;
            assert_int_equal(strncmp(name, "Phường ", strlen("Phường ")), 0);
        } else {
            assert_string_equal(kind, "xã");
            assert_int_equal(strncmp(name, "Xã ", strlen("Xã ")), 0);
            rural++;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_true(urban > 0); /* the capital's wards */
    assert_true(rural > urban);
}

/* ---- addresses ---- */

/* One household's address, copied out of its feature. */
typedef struct address {
    char number[16], street[64], group[32];
    int postcode;
} address;

static address *read_households(const char *run, int p, size_t *count)
{
    GDALDatasetH ds = open_province(run, p);
    OGRLayerH layer = layer_of(ds, "households");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int fn = OGR_FD_GetFieldIndex(defn, "HOUSE_NO"),
        fs = OGR_FD_GetFieldIndex(defn, "STREET"),
        fg = OGR_FD_GetFieldIndex(defn, "GROUP"),
        fp = OGR_FD_GetFieldIndex(defn, "POSTCODE");
    size_t n = (size_t)OGR_L_GetFeatureCount(layer, TRUE), k = 0;
    address *all = calloc(n + 1, sizeof *all);
    assert_non_null(all);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL && k < n) {
        address *a = &all[k++];
        snprintf(a->number, sizeof a->number, "%s", OGR_F_GetFieldAsString(f, fn));
        snprintf(a->street, sizeof a->street, "%s", OGR_F_GetFieldAsString(f, fs));
        snprintf(a->group, sizeof a->group, "%s", OGR_F_GetFieldAsString(f, fg));
        a->postcode = atoi(OGR_F_GetFieldAsString(f, fp));
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    *count = k;
    return all;
}

static int by_door(const void *pa, const void *pb)
{
    const address *a = pa, *b = pb;
    if (a->postcode != b->postcode) return a->postcode - b->postcode;
    int c = strcmp(a->street, b->street);
    return c ? c : strcmp(a->number, b->number);
}

/* "12", "12/3" or "12/3/5": the count of slashes, or -1 for anything else. */
static int alley_depth(const char *number)
{
    int slashes = 0;
    const char *c = number;
    if (!isdigit((unsigned char)*c)) return -1;
    while (*c) {
        if (*c == '/') {
            slashes++;
            if (!isdigit((unsigned char)c[1])) return -1;
        } else if (!isdigit((unsigned char)*c)) {
            return -1;
        }
        c++;
    }
    return slashes;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The default addresses: doors numbered along their street, each its own,
 * with alleys one and two levels deep; groups and hamlets named by region
 * (Điện Biên's mountains: bản, tổ dân phố; Hà Nội: thôn, xóm, tổ; Hồ Chí
 * Minh City: ấp, khu phố); village houses sometimes without a number. */
static void test_realistic_doors_and_groups(void **state)
{
    (void)state;
    static const char *const hamlet_word[] = {"Bản ", "Thôn ", "Ấp "};
    static const char *const urban_group[] = {"Tổ dân phố ", "Tổ ", "Khu phố "};
    static const char *const rural_group[] = {"Tổ ", "Xóm ", "Tổ "};
    int depth[3] = {0}, unnumbered = 0;
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        size_t n;
        address *all = read_households("seed7-a", p, &n);
        int hamlets = 0, streets = 0;
        for (size_t k = 0; k < n; k++) {
            const address *a = &all[k];
            int rural = starts_with(a->street, hamlet_word[p]);
            if (rural) {
                hamlets++;
                assert_true(starts_with(a->group, rural_group[p]));
            } else {
                streets++;
                assert_true(starts_with(a->street, "Đường ") ||
                            starts_with(a->street, "Phố "));
                assert_true(starts_with(a->group, urban_group[p]));
                assert_true(a->number[0]); /* a town's doors all have one */
            }
            if (!a->number[0]) {
                unnumbered++;
                continue;
            }
            int d = alley_depth(a->number);
            assert_in_range(d, 0, 2);
            depth[d]++;
        }
        assert_true(hamlets > 0);
        assert_true(streets > 0);
        /* Each door of a street its own: no two households of a ward share
         * a house number on one street. */
        qsort(all, n, sizeof *all, by_door);
        for (size_t k = 1; k < n; k++)
            if (all[k].number[0]) assert_true(by_door(&all[k - 1], &all[k]) != 0);
        free(all);
    }
    assert_true(depth[0] > depth[1] && depth[1] > depth[2] && depth[2] > 0);
    assert_true(unnumbered > 0);
}

/* Hồ Chí Minh City numbers its wards: Phường 1 in more than one district,
 * none above Phường 15; Hà Nội's wards keep their names. */
static void test_realistic_numbered_wards(void **state)
{
    (void)state;
    for (int p = 1; p < PROVINCE_COUNT; p++) {
        GDALDatasetH ds = open_province("seed7-a", p);
        OGRLayerH zones = layer_of(ds, "zones");
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(zones);
        int fn = OGR_FD_GetFieldIndex(defn, "NAME");
        int ward_one = 0, numbered = 0;
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(zones)) != NULL) {
            const char *name = OGR_F_GetFieldAsString(f, fn);
            if (starts_with(name, "Phường ") &&
                isdigit((unsigned char)name[strlen("Phường ")])) {
                numbered++;
                assert_in_range(atoi(name + strlen("Phường ")), 1, 15);
            }
            ward_one += strcmp(name, "Phường 1") == 0;
            OGR_F_Destroy(f);
        }
        GDALClose(ds);
        if (p == 2) {
            assert_true(ward_one >= 2);
            assert_true(numbered >= 15);
        } else {
            assert_int_equal(numbered, 0);
        }
    }
}

/* Street names repeat across provinces (Hà Nội's and Hồ Chí Minh City's
 * share most of theirs), and a commune may hold hamlets whose names differ
 * only in tones (Thôn Thanh Hà, Thôn Thạnh Hà, Thôn Thành Hà). */
static void test_realistic_repeats_and_tones(void **state)
{
    (void)state;
    static const char *const triple[][3] = {{"Thanh", "Thạnh", "Thành"},
                                            {"Tân", "Tấn", "Tần"},
                                            {"Hòa", "Hóa", "Họa"},
                                            {"Phú", "Phủ", "Phù"}};
    size_t nh, nc;
    address *hanoi = read_households("seed7-a", 1, &nh);
    address *hcm = read_households("seed7-a", 2, &nc);
    int shared = 0, tone_pairs = 0;
    for (size_t i = 0; i < nh; i++) {
        const char *a = strchr(hanoi[i].street, ' ');
        if (starts_with(hanoi[i].street, "Thôn ") || !a) continue;
        for (size_t j = 0; j < nc; j++) {
            const char *b = strchr(hcm[j].street, ' ');
            if (b && strcmp(a, b) == 0) {
                shared++;
                break;
            }
        }
        if (shared > 200) break;
    }
    for (int p = 0; p < PROVINCE_COUNT; p++) {
        size_t n;
        address *all = read_households("seed7-a", p, &n);
        for (size_t i = 0; i < n && tone_pairs < 10; i++)
            for (size_t t = 0; t < 4; t++) {
                const char *w = strstr(all[i].street, triple[t][1]);
                if (!w) continue;
                /* The same hamlet with the level tone, in the same commune. */
                char other[64];
                snprintf(other, sizeof other, "%.*s%s%s", (int)(w - all[i].street),
                         all[i].street, triple[t][0], w + strlen(triple[t][1]));
                for (size_t j = 0; j < n; j++)
                    if (all[j].postcode == all[i].postcode &&
                        strcmp(all[j].street, other) == 0) {
                        tone_pairs++;
                        break;
                    }
            }
        free(all);
    }
    free(hanoi);
    free(hcm);
    assert_true(shared > 200);
    assert_true(tone_pairs > 0);
}

/* --addresses simple writes what the generator wrote before realistic
 * addresses: the values below are the older generator's own output for
 * this run (seed 7, Điện Biên, Hà Nội, Hồ Chí Minh City). */
static void test_simple_addresses_as_before(void **state)
{
    (void)state;
    size_t n;
    address *db = read_households("simple-addresses", 0, &n);
    assert_string_equal(db[0].number, "1");
    assert_string_equal(db[0].street, "Thôn Tân Bình");
    assert_string_equal(db[0].group, "Xóm 1");
    assert_int_equal(db[0].postcode, 32001);
    free(db);
    address *hcm = read_households("simple-addresses", 2, &n);
    assert_true(n > 2500);
    assert_string_equal(hcm[0].number, "86");
    assert_string_equal(hcm[0].street, "Thôn Đông Bình");
    assert_string_equal(hcm[1000].number, "15");
    assert_string_equal(hcm[1000].street, "Thôn Tây Quý");
    assert_int_equal(hcm[1000].postcode, 70025);
    assert_string_equal(hcm[1411].number, "69/13");
    assert_string_equal(hcm[1411].street, "Đường Lê Lợi");
    assert_string_equal(hcm[1411].group, "Tổ 1");
    assert_int_equal(hcm[1411].postcode, 70036);
    assert_string_equal(hcm[2500].number, "12");
    assert_string_equal(hcm[2500].street, "Thôn Vĩnh Lợi");
    assert_int_equal(hcm[2500].postcode, 70053);
    for (size_t k = 0; k < n; k++) /* random numbers, one alley level at most */
        assert_in_range(alley_depth(hcm[k].number), 0, 1);
    free(hcm);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GENERATOR WORKDIR\n", argv[0]);
        return 2;
    }
    generator = argv[1];
    snprintf(work, sizeof work, "%s", argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_arguments_exit_2),
        cmocka_unit_test(test_folders_files_and_encoding),
        cmocka_unit_test(test_crs_is_the_provinces_tm3),
        cmocka_unit_test(test_counts_are_exact),
        cmocka_unit_test(test_postcodes_unique_and_prefixed),
        cmocka_unit_test(test_household_ids_unique),
        cmocka_unit_test(test_households_lie_in_their_zone),
        cmocka_unit_test(test_zones_within_recovery_margin),
        cmocka_unit_test(test_zones_tile_without_overlap),
        cmocka_unit_test(test_realistic_zones_detailed_with_slivers),
        cmocka_unit_test(test_realistic_households_in_one_zone),
        cmocka_unit_test(test_same_seed_same_map),
        cmocka_unit_test(test_other_seed_other_map),
        cmocka_unit_test(test_zone_attributes),
        cmocka_unit_test(test_realistic_doors_and_groups),
        cmocka_unit_test(test_realistic_numbered_wards),
        cmocka_unit_test(test_realistic_repeats_and_tones),
        cmocka_unit_test(test_simple_addresses_as_before),
    };
    return cmocka_run_group_tests(tests, setup_runs, NULL);
}
