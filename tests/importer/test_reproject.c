/*
 * test_reproject.c - our own VN-2000 / TM-3 to WGS 84 arithmetic
 * (importer/src/reproject.h) and its use by the source layer
 * (source_crs.c), held to PROJ's own command-line tool, cs2cs, run as a
 * separate program on the same .prj text: a grid of points over the whole
 * of Vietnam for every TM-3 zone the generators write (EPSG:9205 to 9218,
 * 5897 to 5899, as the shapefile driver writes their .prj) and for the
 * sample map's own .prj, within 1 mm.
 *
 *   test_reproject WORKDIR SAMPLE_PRJ
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "reproject.h"
#include "source.h"
#include "source_internal.h"

static const char *workdir, *sample_prj;

/* EPSG:6960, VN-2000 to WGS 84 (2), as position-vector TOWGS84. */
static const double vn2000[7] = {-191.90441429, -39.30318279, -111.45032835, 0.00928836,
                                 -0.01975479,   0.00427372,   0.252906278};

/* ---- the arithmetic alone --------------------------------------------- */

/* Values PROJ 9.1's cs2cs gave for the .prj of EPSG:9217 (VN-2000 / TM-3
 * 108-15, ESRI WKT without TOWGS84: PROJ takes EPSG:6960 from its
 * database), to 1e-12 degree. */
static void tm3_known_points(void **state)
{
    (void)state;
    static const struct {
        double e, n, lat, lon;
    } cases[] = {
        {500000, 2000000, 18.082264889762, 108.251841113358},
        {600000, 1500000, 13.561638860857, 109.175767271573},
        {200000, 1000000, 9.032690178012, 105.523925306635},
        {800000, 2600000, 23.474441947895, 111.187876890276},
    };
    dc_reproject r;
    dc_reproject_init_tm(&r, 108.25, 0.9999, 500000, 0, vn2000);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double lon = 0, lat = 0;
        assert_true(dc_reproject_point(&r, cases[i].e, cases[i].n, &lon, &lat));
        assert_true(fabs(lat - cases[i].lat) < 2e-12);
        assert_true(fabs(lon - cases[i].lon) < 2e-12);
    }
}

/* Without a shift: a point is where it is mirrored across the meridian,
 * and one on the meridian stays on it; an answer at a rounding tie (the
 * false origin is 105.5 E, 0 N exactly) is left to PROJ. */
static void tm_symmetry(void **state)
{
    (void)state;
    dc_reproject r;
    dc_reproject_init_tm(&r, 105.5, 0.9999, 500000, 0, NULL);
    double lon = 7, lat = 7, lon2, lat2;
    assert_false(dc_reproject_point(&r, 500000, 0, &lon, &lat));
    assert_true(lon == 7 && lat == 7);
    assert_true(dc_reproject_point(&r, 500000 + 123456.7, 1876543.2, &lon, &lat));
    assert_true(dc_reproject_point(&r, 500000 - 123456.7, 1876543.2, &lon2, &lat2));
    assert_true(fabs(lat - lat2) < 1e-13 && fabs((lon - 105.5) + (lon2 - 105.5)) < 1e-12);
    /* 1 mm east of the meridian: 9e-9 degree east of it */
    assert_true(dc_reproject_point(&r, 500000.001, 2345678.9, &lon, &lat));
    assert_true(lon - 105.5 > 8e-9 && lon - 105.5 < 1e-8);
}

/* Near a multiple of 0.5e-7 degree the answer is left to PROJ: the
 * index's rounding must be PROJ's. */
static void rounding_ties(void **state)
{
    (void)state;
    dc_reproject r;
    dc_reproject_init_tm(&r, 105.5, 0.9999, 500000, 0, vn2000);
    double lon, lat, lon2, lat2;
    assert_true(dc_reproject_point(&r, 512345.678, 2345678.9, &lon, &lat));
    /* step east until the answer's longitude crosses a tie: 1 um apart */
    double x = 512345.678, step = 1e-6;
    double tie = (floor(lon * 2e7) + 1) / 2e7;
    bool refused = false;
    while (!refused && lon < tie) {
        x += step;
        refused = !dc_reproject_point(&r, x, 2345678.9, &lon2, &lat2);
        if (!refused) lon = lon2;
    }
    /* the last answer given is 1e-11 degree short of the tie, no nearer */
    assert_true(refused);
    assert_true(tie - lon >= 1e-11 * (1 - 1e-6) && tie - lon < 2e-11);
}

/* Outside the domain nothing is written and false comes back. */
static void domain(void **state)
{
    (void)state;
    dc_reproject r, id;
    dc_reproject_init_tm(&r, 105.0, 0.9999, 500000, 0, vn2000);
    dc_reproject_init_identity(&id);
    double lon = 7, lat = 7;
    assert_false(dc_reproject_point(&r, 1e30, 1e30, &lon, &lat));
    assert_false(dc_reproject_point(&r, 500000 + 1000001, 2e6, &lon, &lat));
    assert_false(dc_reproject_point(&r, NAN, 2e6, &lon, &lat));
    assert_false(dc_reproject_point(&id, 181, 10, &lon, &lat));
    assert_true(lon == 7 && lat == 7);
    assert_true(dc_reproject_point(&id, 105.123456789, 21.5, &lon, &lat));
    assert_true(lon == 105.123456789 && lat == 21.5);
    assert_true(dc_reproject_box_inside(&r, -400000, 0, 1400000, 9e6));
    assert_false(dc_reproject_box_inside(&r, -600000, 0, 1400000, 9e6));
}

/* ---- against cs2cs ---------------------------------------------------- */

/* The .prj text the shapefile driver writes for EPSG:@p epsg (malloc'd). */
static char *prj_of_epsg(int epsg)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(srs, epsg), OGRERR_NONE);
    const char *options[] = {"FORMAT=WKT1_ESRI", NULL};
    char *wkt = NULL;
    assert_int_equal(OSRExportToWktEx(srs, &wkt, options), OGRERR_NONE);
    char *copy = strdup(wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(srs);
    return copy;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return buf;
}

#define SIDE 41
#define POINTS (SIDE * SIDE)

typedef struct grid {
    double x[POINTS], y[POINTS];
} grid;

/* Eastings and northings covering Vietnam (102 to 110 E, 8 to 23.5 N) in
 * a zone of central meridian @p lon0. */
static void vietnam_grid(double lon0, grid *g)
{
    double west = 500000 + (102.0 - lon0) * 111000 - 20000;
    double east = 500000 + (110.0 - lon0) * 111000 + 20000;
    for (int i = 0; i < POINTS; i++) {
        g->x[i] = west + (east - west) * (i % SIDE) / (SIDE - 1);
        g->y[i] = 880000 + (2620000.0 - 880000) * (i / SIDE) / (SIDE - 1);
    }
}

/* cs2cs's answers for the grid, from @p prj to EPSG:4326 (latitude
 * first), into lon/lat. */
static void cs2cs(const char *prj, const grid *g, double *lon, double *lat)
{
    char in[1024], out[1024], cmd[8192];
    snprintf(in, sizeof in, "%s/points.txt", workdir);
    snprintf(out, sizeof out, "%s/answers.txt", workdir);
    FILE *f = fopen(in, "w");
    assert_non_null(f);
    for (int i = 0; i < POINTS; i++)
        fprintf(f, "%.6f %.6f\n", g->x[i], g->y[i]);
    fclose(f);
    assert_null(strchr(prj, '\''));
    snprintf(cmd, sizeof cmd, "cs2cs -f %%.13f '%s' EPSG:4326 < %s > %s", prj, in, out);
    assert_int_equal(system(cmd), 0);
    f = fopen(out, "r");
    assert_non_null(f);
    for (int i = 0; i < POINTS; i++) {
        double h;
        assert_int_equal(fscanf(f, "%lf %lf %lf", &lat[i], &lon[i], &h), 3);
    }
    fclose(f);
}

/* Metres between two points a few nanodegrees apart. */
static double metres(double lat, double dlat, double dlon)
{
    double north = dlat * 110574.0,
           east = dlon * 111320.0 * cos(lat * 0.017453292519943295);
    return sqrt(north * north + east * east);
}

static double worst;

/* The source layer's transformation for @p prj: ours (unless @p exact),
 * within 1 mm of cs2cs at every grid point. */
static void check_prj(const char *prj, double lon0, bool exact)
{
    OGRCoordinateTransformationH ct = NULL;
    dc_source_problem problem = {0};
    assert_int_equal(
        dc_crs_to_wgs84(NULL, NULL, DC_LAYER_ZONES, prj, exact, &ct, &problem), DC_OK);
    assert_int_equal(dc_crs_is_ours(ct), !exact);
    static grid g, mine;
    static double lon[POINTS], lat[POINTS];
    static int ok[POINTS];
    vietnam_grid(lon0, &g);
    mine = g;
    dc_crs_transform_points(ct, POINTS, mine.x, mine.y, ok);
    cs2cs(prj, &g, lon, lat);
    double max = 0;
    for (int i = 0; i < POINTS; i++) {
        assert_true(ok[i]);
        double d = metres(lat[i], mine.y[i] - lat[i], mine.x[i] - lon[i]);
        if (d > max) max = d;
    }
    if (max > worst) worst = max;
    if (max >= 0.001)
        fail_msg("%.0f E%s: %.6f m from cs2cs", lon0, exact ? " (PROJ)" : "", max);
    dc_crs_release(ct);
}

static const struct {
    int epsg;
    double lon0;
} zones[] = {
    {9205, 103.0},  {9206, 104.0},  {9207, 104.5},  {9208, 104.75}, {9209, 105.5},
    {9210, 105.75}, {9211, 106.0},  {9212, 106.25}, {9213, 106.5},  {9214, 107.0},
    {9215, 107.25}, {9216, 107.5},  {9217, 108.25}, {9218, 108.5},  {5897, 105.0},
    {5898, 108.0},  {5899, 107.75},
};

static void every_zone_against_cs2cs(void **state)
{
    (void)state;
    worst = 0;
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        char *prj = prj_of_epsg(zones[i].epsg);
        check_prj(prj, zones[i].lon0, false);
        free(prj);
    }
    char *prj = read_text(sample_prj);
    check_prj(prj, 103.0, false);
    check_prj(prj, 103.0, true);
    free(prj);
    print_message("largest difference to cs2cs over %zu TM-3 zones and the sample's "
                  ".prj, %d points each: %.3g m\n",
                  sizeof zones / sizeof zones[0], POINTS, worst);
}

/* An OGC WKT with its own TOWGS84 (not EPSG:6960) is taken as written, in
 * the position-vector convention PROJ gives +towgs84. */
static void explicit_towgs84(void **state)
{
    (void)state;
    const char *wkt =
        "PROJCS[\"VN-2000 / TM-3 zone 105-45\",GEOGCS[\"VN-2000\",DATUM[\"Vietnam_2000\","
        "SPHEROID[\"WGS 84\",6378137,298.257223563],"
        "TOWGS84[-192.873,-39.382,-111.202,-0.00205,0.0005,-0.00335,0.0188]],"
        "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
        "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],"
        "PARAMETER[\"central_meridian\",105.75],PARAMETER[\"scale_factor\",0.9999],"
        "PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],"
        "UNIT[\"metre\",1]]";
    worst = 0;
    check_prj(wkt, 105.75, false);
    print_message("explicit TOWGS84: %.3g m from cs2cs\n", worst);
}

/* What is not TM-3 on VN-2000 or WGS 84 stays with PROJ; WGS 84 is ours. */
static void others_stay_with_proj(void **state)
{
    (void)state;
    static const char *const theirs[] = {"EPSG:3405", "EPSG:32648", "EPSG:3857",
                                         "+proj=tmerc +lon_0=105 +k=0.9996 +x_0=500000 "
                                         "+ellps=WGS84 +towgs84=-192,-39,-111,0,0,0,0"};
    for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++) {
        OGRCoordinateTransformationH ct = NULL;
        dc_source_problem problem = {0};
        assert_int_equal(
            dc_crs_to_wgs84(NULL, NULL, DC_LAYER_ZONES, theirs[i], false, &ct, &problem),
            DC_OK);
        assert_false(dc_crs_is_ours(ct));
        dc_crs_release(ct);
    }
    OGRCoordinateTransformationH ct = NULL;
    dc_source_problem problem = {0};
    assert_int_equal(
        dc_crs_to_wgs84(NULL, NULL, DC_LAYER_ZONES, "EPSG:4326", false, &ct, &problem),
        DC_OK);
    assert_true(dc_crs_is_ours(ct));
    double x[2] = {105.5, 1e30}, y[2] = {21.25, 1e30}, x1 = 1e30, y1 = 1e30;
    int ok[2], ok1;
    dc_crs_transform_points(ct, 2, x, y, ok);
    assert_true(ok[0] && x[0] == 105.5 && y[0] == 21.25);
    /* a point beyond the domain goes to PROJ, which says what it says */
    OCTTransformEx(ct, 1, &x1, &y1, NULL, &ok1);
    assert_int_equal(ok[1], ok1);
    dc_crs_release(ct);
    /* in a TM-3 zone PROJ refuses it */
    char *prj = prj_of_epsg(9209);
    assert_int_equal(
        dc_crs_to_wgs84(NULL, NULL, DC_LAYER_ZONES, prj, false, &ct, &problem), DC_OK);
    assert_true(dc_crs_is_ours(ct));
    x[0] = 560000, y[0] = 2300000, x[1] = 1e30, y[1] = 1e30;
    dc_crs_transform_points(ct, 2, x, y, ok);
    assert_true(ok[0] && fabs(x[0] - 106.07) < 0.01 && fabs(y[0] - 20.79) < 0.01);
    assert_false(ok[1]);
    dc_crs_release(ct);
    free(prj);
}

/* A polygon through dc_crs_transform_geometry: the same vertices as point
 * by point, the target CRS assigned, as OGR_G_Transform leaves it. */
static void geometry_as_points(void **state)
{
    (void)state;
    char *prj = prj_of_epsg(9205);
    OGRCoordinateTransformationH ct = NULL, copy;
    dc_source_problem problem = {0};
    assert_int_equal(
        dc_crs_to_wgs84(NULL, NULL, DC_LAYER_ZONES, prj, false, &ct, &problem), DC_OK);
    copy = dc_crs_clone(ct);
    assert_true(dc_crs_is_ours(copy));
    OGRGeometryH g = NULL;
    char wkt[] =
        "MULTIPOLYGON (((500000 2360000,501000 2360000,501000 2361000,500000 "
        "2360000)),((400000 2300000,400500 2300000,400500 2300500,400000 2300000)))";
    char *p = wkt;
    assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
    assert_int_equal(dc_crs_transform_geometry(g, copy), OGRERR_NONE);
    OGRGeometryH ring = OGR_G_GetGeometryRef(OGR_G_GetGeometryRef(g, 1), 0);
    double x = 400500, y = 2300000;
    int ok;
    dc_crs_transform_points(ct, 1, &x, &y, &ok);
    assert_true(OGR_G_GetX(ring, 1) == x && OGR_G_GetY(ring, 1) == y);
    assert_non_null(OGR_G_GetSpatialReference(g));
    assert_true(OSRIsGeographic(OGR_G_GetSpatialReference(g)));
    OGR_G_DestroyGeometry(g);
    dc_crs_destroy(copy);
    dc_crs_release(ct);
    free(prj);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_reproject WORKDIR SAMPLE_PRJ\n");
        return 2;
    }
    workdir = argv[1];
    sample_prj = argv[2];
    mkdir(workdir, 0755);
    dc_gdal_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tm3_known_points),
        cmocka_unit_test(tm_symmetry),
        cmocka_unit_test(rounding_ties),
        cmocka_unit_test(domain),
        cmocka_unit_test(every_zone_against_cs2cs),
        cmocka_unit_test(explicit_towgs84),
        cmocka_unit_test(others_stay_with_proj),
        cmocka_unit_test(geometry_as_points),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroy();
    return rc;
}
