/*
 * test_realistic_sample.c - the sample map with realistic borders, end to
 * end: generate it (fractal borders digitised twice, enclaves, a lake),
 * import it with diachi-import, then hold every household to three answers
 * that must agree: the zone the importer gave it, the zone the index's
 * reverse lookup finds at its point, and the zone OGR (GEOS) finds
 * containing it in the file's own CRS, an implementation of
 * point-in-polygon independent of the index's. The household's POSTCODE
 * field, the generator's own answer, must agree too.
 *
 * Prints the vertices per zone (min / median / max) and the time of each
 * step. usage: test_realistic_sample GEN_SAMPLE IMPORTER WORKDIR
 */
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
#include <time.h>

#include <cmocka.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "diachi/geocoder.h"
#include "diachi/index.h"

extern char **environ;

#define MAX_ZONES 64
#define SPACING "25" /* metres: about 1,500 vertices a zone, a few seconds */

static const char *generator, *importer;
static char work[1024], map_dir[1200], index_path[1200];

typedef struct zone_ref {
    uint32_t postcode;
    OGRGeometryH geom; /* EPSG:9205 */
    OGRPreparedGeometryH prepared;
    int vertices, rings, parts;
} zone_ref;

static zone_ref zones[MAX_ZONES];
static int zone_count;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv[0] with argv; its exit status, or -1. */
static int run(char *const *argv)
{
    pid_t pid;
    int status;
    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) return -1;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static int vertices_of(OGRGeometryH g, int *rings)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbLineString || t == wkbLinearRing) {
        ++*rings;
        return OGR_G_GetPointCount(g);
    }
    int n = 0;
    for (int k = 0; k < OGR_G_GetGeometryCount(g); k++)
        n += vertices_of(OGR_G_GetGeometryRef(g, k), rings);
    return n;
}

static int read_zones(void)
{
    char path[1300];
    snprintf(path, sizeof path, "%s/zones.shp", map_dir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds) return -1;
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    int field = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "POSTCODE");
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL && zone_count < MAX_ZONES) {
        zone_ref *z = &zones[zone_count++];
        z->postcode = (uint32_t)atoi(OGR_F_GetFieldAsString(f, field));
        z->geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        z->prepared = OGRCreatePreparedGeometry(z->geom);
        z->vertices = vertices_of(z->geom, &z->rings);
        z->parts = wkbFlatten(OGR_G_GetGeometryType(z->geom)) == wkbMultiPolygon
                       ? OGR_G_GetGeometryCount(z->geom)
                       : 1;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return zone_count > 0 ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    mkdir(work, 0777);
    snprintf(map_dir, sizeof map_dir, "%s/map", work);
    snprintf(index_path, sizeof index_path, "%s/map.diachi", work);
    char *gen_argv[] = {
        (char *)generator,  "--out", map_dir, "--seed", "1", "--borders", "realistic",
        "--border-spacing", SPACING, NULL};
    double t0 = now();
    if (run(gen_argv) != 0) return -1;
    double t1 = now();
    char zones_arg[1300], households_arg[1300];
    snprintf(zones_arg, sizeof zones_arg, "%s/zones.shp", map_dir);
    snprintf(households_arg, sizeof households_arg, "%s/households.shp", map_dir);
    char *import_argv[] = {(char *)importer, "--zones",      zones_arg,
                           "--households",   households_arg, "-o",
                           index_path,       "--quiet",      NULL};
    if (run(import_argv) != 0) return -1;
    double t2 = now();
    printf("generate %.2f s, import %.2f s\n", t1 - t0, t2 - t1);
    GDALAllRegister();
    return read_zones();
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < zone_count; i++) {
        OGRDestroyPreparedGeometry(zones[i].prepared);
        OGR_G_DestroyGeometry(zones[i].geom);
    }
    return 0;
}

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void test_borders_are_detailed(void **state)
{
    (void)state;
    int counts[MAX_ZONES], holes = 0, multi = 0;
    for (int i = 0; i < zone_count; i++) {
        counts[i] = zones[i].vertices;
        holes += zones[i].rings - zones[i].parts;
        multi += zones[i].parts > 1;
        assert_true(OGR_G_IsValid(zones[i].geom));
    }
    qsort(counts, (size_t)zone_count, sizeof counts[0], by_int);
    printf("zones %d, vertices per zone: min %d, median %d, max %d; %d holes, "
           "%d multi-part zones\n",
           zone_count, counts[0],
           (counts[zone_count / 2 - 1] + counts[zone_count / 2]) / 2,
           counts[zone_count - 1], holes, multi);
    assert_int_equal(zone_count, 12);
    assert_true(counts[0] >= 300); /* straight edges would be about 50 */
    assert_true(counts[zone_count / 2] >= 1000);
    assert_true(holes >= 3); /* two enclaves and a reservoir */
    assert_true(multi >= 2); /* the enclaves' owners */
}

/* Each shared border is digitised twice: neighbours overlap in slivers, and
 * the slivers are thin (under a metre across: area below a metre times the
 * length of the border between them). */
static void test_neighbours_disagree_by_slivers(void **state)
{
    (void)state;
    int overlapping = 0;
    for (int i = 0; i < zone_count; i++)
        for (int j = i + 1; j < zone_count; j++) {
            if (!OGR_G_Intersects(zones[i].geom, zones[j].geom)) continue;
            OGRGeometryH x = OGR_G_Intersection(zones[i].geom, zones[j].geom);
            double area = x ? OGR_G_Area(x) : 0;
            OGRGeometryH edge = OGR_G_Boundary(zones[i].geom);
            OGRGeometryH near = OGR_G_Buffer(zones[j].geom, 1.0, 4);
            OGRGeometryH border = OGR_G_Intersection(edge, near);
            double length = border ? OGR_G_Length(border) : 0;
            OGR_G_DestroyGeometry(edge);
            OGR_G_DestroyGeometry(near);
            if (area > 0) {
                overlapping++;
                assert_true(area < 1.0 * length);
            }
            OGR_G_DestroyGeometry(x);
            OGR_G_DestroyGeometry(border);
        }
    assert_true(overlapping >= 10);
}

/* The zone of @p x, @p y by OGR, or 0; -1 when two claim it. */
static long ogr_zone(double x, double y)
{
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, x, y);
    long found = 0;
    for (int i = 0; i < zone_count; i++)
        if (OGRPreparedGeometryContains(zones[i].prepared, pt))
            found = found ? -1 : (long)zones[i].postcode;
    OGR_G_DestroyGeometry(pt);
    return found;
}

static OGRCoordinateTransformationH to_wgs84(OGRLayerH layer)
{
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs84, 4326);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct =
        OCTNewCoordinateTransformation(OGR_L_GetSpatialRef(layer), wgs84);
    OSRDestroySpatialReference(wgs84);
    return ct;
}

static void test_every_household_agrees(void **state)
{
    (void)state;
    dc_geo *geo = NULL;
    dc_geo_session *s = NULL;
    dc_error err;
    assert_int_equal(dc_geo_open(index_path, &geo, &err), DC_OK);
    assert_int_equal(dc_geo_session_begin(geo, &s), DC_OK);
    char path[1300];
    snprintf(path, sizeof path, "%s/households.shp", map_dir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int id_field = OGR_FD_GetFieldIndex(defn, "HH_ID");
    int postcode_field = OGR_FD_GetFieldIndex(defn, "POSTCODE");
    OGRCoordinateTransformationH ct = to_wgs84(layer);
    assert_non_null(ct);
    long households = 0, disagreements = 0;
    double t0 = now();
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0), lon = x, lat = y;
        assert_true(OCTTransform(ct, 1, &lon, &lat, NULL));
        const char *id = OGR_F_GetFieldAsString(f, id_field);
        long field = atol(OGR_F_GetFieldAsString(f, postcode_field));
        long by_ogr = ogr_zone(x, y);
        dc_household h;
        assert_int_equal(
            dc_index_household_by_id(dc_geo_session_txn(s), id, strlen(id), &h), DC_OK);
        dc_geo_reverse_result r;
        assert_int_equal(dc_geo_reverse(s, lat, lon, 0, 0, &r), DC_OK);
        long by_index = r.has_zone ? (long)r.zone.postcode : 0;
        if (by_ogr != field || (long)h.postcode != field || by_index != field) {
            if (disagreements++ < 10)
                fprintf(stderr, "%s: field %ld, OGR %ld, importer %u, reverse %ld\n", id,
                        field, by_ogr, h.postcode, by_index);
        }
        households++;
        OGR_F_Destroy(f);
    }
    printf("%ld households checked in %.2f s\n", households, now() - t0);
    OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    dc_geo_session_end(s);
    dc_geo_close(geo);
    assert_true(households > 20000);
    assert_int_equal(disagreements, 0);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s GEN_SAMPLE IMPORTER WORKDIR\n", argv[0]);
        return 2;
    }
    generator = argv[1];
    importer = argv[2];
    snprintf(work, sizeof work, "%s", argv[3]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_borders_are_detailed),
        cmocka_unit_test(test_neighbours_disagree_by_slivers),
        cmocka_unit_test(test_every_household_agrees),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
