/*
 * test_zones_judge.c - zone features taken as read and judged on threads
 * (dc_zoneset_take, dc_zoneset_judge, dc_zoneset_judge_early as they are
 * taken) give the report and the zones that
 * dc_zoneset_add gives feature by feature on geometries already in WGS 84:
 * the same rows in the same order, the same encoded polygons.
 *
 * The features are in VN-2000 / TM-3 103-00 (EPSG:9205, what the
 * province's maps use): valid squares, a self-crossing "bow tie" that is
 * repaired, a zone in two features that are merged, a line, a null
 * geometry, a missing and a malformed postcode, and a coordinate PROJ
 * cannot transform.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "zones.h"

typedef struct feature {
    const char *postcode, *name, *wkt; /* wkt NULL: no geometry */
} feature;

/* Easting, northing about 500 km, 2,360 km: Điện Biên Phủ. */
static const feature features[] = {
    {"32101", "Him Lam",
     "POLYGON ((500000 2360000,501000 2360000,501000 2361000,"
     "500000 2361000,500000 2360000))"},
    {"32102", "Thanh Bình",
     "POLYGON ((501000 2360000,502000 2360000,502000 2361000,"
     "501000 2361000,501000 2360000))"},
    {"32103", "bow tie",
     "POLYGON ((502000 2360000,503000 2361000,503000 2360000,"
     "502000 2361000,502000 2360000))"},
    {"", "no postcode", "POLYGON ((0 0,1 0,1 1,0 0))"},
    {"3210", "short postcode", "POLYGON ((0 0,1 0,1 1,0 0))"},
    {"32104", "a line", "LINESTRING (500000 2362000,501000 2362000)"},
    {"32105", "nothing", NULL},
    {"32106", "two parts",
     "POLYGON ((500000 2363000,501000 2363000,501000 2364000,"
     "500000 2364000,500000 2363000))"},
    {"32106", "two parts",
     "POLYGON ((501000 2363000,502000 2363000,502000 2364000,"
     "501000 2364000,501000 2363000))"},
    {"32107", "overlapping",
     "POLYGON ((500500 2360500,501500 2360500,501500 2361500,"
     "500500 2361500,500500 2360500))"},
    {"32108", "far away", "POLYGON ((1e30 1e30,2e30 1e30,2e30 2e30,1e30 1e30))"},
};
#define NFEATURES (sizeof features / sizeof features[0])

static OGRCoordinateTransformationH tm3_to_wgs84(void)
{
    OGRSpatialReferenceH from = OSRNewSpatialReference(NULL);
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(from, 9205), OGRERR_NONE);
    assert_int_equal(OSRImportFromEPSG(to, 4326), OGRERR_NONE);
    OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(from, to);
    assert_non_null(ct);
    OSRDestroySpatialReference(from);
    OSRDestroySpatialReference(to);
    return ct;
}

static OGRGeometryH geometry_of(const feature *f)
{
    OGRGeometryH g = NULL;
    char *wkt = (char *)f->wkt;
    if (f->wkt) assert_int_equal(OGR_G_CreateFromWkt(&wkt, NULL, &g), OGRERR_NONE);
    return g;
}

static dc_source_zone zone_of(const feature *f, size_t fid, OGRGeometryH g)
{
    dc_source_zone z;
    memset(&z, 0, sizeof z);
    z.origin.source = "zones.shp";
    z.origin.layer = "zones";
    z.origin.fid = (int64_t)fid;
    z.geometry = g;
    z.fields[DC_ZONE_POSTCODE] = f->postcode;
    z.fields[DC_ZONE_NAME] = f->name;
    return z;
}

/* Features judged while they are taken, with room for this many: none
 * when negative. */
static long early = -1;

/* The report and zones of the features: one by one, projected first, or
 * taken unprojected and judged on @p threads threads (or as they are
 * taken, when early is set). */
static void run(const char *report_path, bool taken, unsigned threads, dc_zoneset *zs,
                dc_import_summary *summary)
{
    OGRCoordinateTransformationH ct = tm3_to_wgs84();
    dc_report report;
    dc_error err;
    memset(summary, 0, sizeof *summary);
    assert_int_equal(dc_report_open(&report, report_path, summary, &err), DC_OK);
    dc_zoneset_init(zs, &report);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (taken && early >= 0)
        assert_int_equal(dc_zoneset_judge_early(zs, (size_t)early), DC_OK);
    for (size_t i = 0; i < NFEATURES; i++) {
        OGRGeometryH g = geometry_of(&features[i]);
        if (!taken && g && OGR_G_Transform(g, ct) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(g);
            g = NULL;
        }
        dc_source_zone z = zone_of(&features[i], i, g);
        if (taken) z.to_wgs84 = ct;
        assert_int_equal(taken ? dc_zoneset_take(zs, &z) : dc_zoneset_add(zs, &z), 0);
        OGR_G_DestroyGeometry(z.geometry);
    }
    if (taken) assert_int_equal(dc_zoneset_judge(zs, threads, NULL, NULL), DC_OK);
    CPLPopErrorHandler();
    assert_int_equal(dc_zoneset_finish(zs, &err), DC_OK);
    assert_int_equal(dc_report_close(&report, &err), DC_OK);
    OCTDestroyCoordinateTransformation(ct);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static void judged_as_added(unsigned threads)
{
    dc_zoneset one, judged;
    dc_import_summary s1, s2;
    run("zones-judge-added.csv", false, 1, &one, &s1);
    run("zones-judge-taken.csv", true, threads, &judged, &s2);
    char *a = slurp("zones-judge-added.csv"), *b = slurp("zones-judge-taken.csv");
    assert_string_equal(a, b);
    /* Rejected: no postcode, bad postcode, a line, nothing, far away. */
    assert_int_equal(s1.rejected, 5);
    assert_int_equal(s2.rejected, 5);
    assert_non_null(strstr(a, "zone_repaired"));
    assert_non_null(strstr(a, "zone_merged"));
    assert_non_null(strstr(a, "zone_overlap"));
    assert_int_equal(one.nzones, 5); /* 32101, 32102, 32103, 32106, 32107 */
    assert_int_equal(judged.nzones, one.nzones);
    for (size_t i = 0; i < one.nzones; i++) {
        assert_int_equal(judged.zones[i].postcode, one.zones[i].postcode);
        assert_int_equal(judged.zones[i].polygon.size, one.zones[i].polygon.size);
        assert_memory_equal(judged.zones[i].polygon.data, one.zones[i].polygon.data,
                            one.zones[i].polygon.size);
    }
    free(a);
    free(b);
    dc_zoneset_free(&one);
    dc_zoneset_free(&judged);
}

static void test_one_thread(void **state)
{
    (void)state;
    judged_as_added(1);
}

static void test_threads(void **state)
{
    (void)state;
    judged_as_added(4);
}

/* Judged while taken: room for every feature, and room for fewer (the
 * threads stop before the features move, the rest are judged at the end). */
static void test_early(void **state)
{
    (void)state;
    early = NFEATURES;
    judged_as_added(0);
    early = 3;
    judged_as_added(0);
    early = -1;
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_thread),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_early),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroy();
    return rc;
}
