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
#include "reproject_tiles.h"
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

/* The inline tie test rounds as nearbyint does: on random degrees, on
 * the ties themselves (halves of 1e-7 degree, where rounding goes to
 * even) and at the margin's edges. */
static void tie_test_as_nearbyint(void **state)
{
    (void)state;
    uint64_t seed = 12345;
    for (int i = 0; i < 1000000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double deg = ((double)(seed >> 11) * 0x1.0p-53 - 0.5) * 400.0;
        switch (i % 4) {
        case 1: /* a multiple of 0.25e-7 degree: a tie of the rounding */
            deg = floor(deg * 4e7) / 4e7;
            break;
        case 2: /* just inside or outside the margin */
            deg = floor(deg * 2e7) / 2e7 + (i % 8 < 4 ? 0.999e-11 : 1.001e-11);
            break;
        case 3:
            deg = floor(deg * 2e7) / 2e7 - (i % 8 < 4 ? 0.999e-11 : 1.001e-11);
            break;
        }
        double u = deg * 2e7;
        assert_int_equal(dc_reproject_near_tie(deg),
                         fabs(u - nearbyint(u)) < 1e-11 * 2e7);
    }
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

/* ---- the array call's tiles against the series ------------------------ */

/* A uniform double in [0, 1) from a fixed sequence (xorshift64*). */
static double uniform(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (double)((*state * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

/* The central meridians of the TM-3 zones used in Vietnam (EPSG:9205 to
 * 9218 and 5897 to 5899). */
static const double meridians[] = {103.0,  104.0,  104.5,  104.75, 105.0, 105.5,
                                   105.75, 106.0,  106.25, 106.5,  107.0, 107.25,
                                   107.5,  107.75, 108.0,  108.25, 108.5};
#define MERIDIANS (sizeof meridians / sizeof meridians[0])

/* EPSG:5194, the Mekong delta's Helmert, and its box (9.35 to 11.04 N,
 * 104.24 to 107.11 E) in a zone of central meridian @p lon0, near enough
 * (the tiles must keep to whatever box they are given). */
static void with_delta(dc_reproject *r, double lon0)
{
    static const double delta[7] = {-192.873, -39.382, -111.202, -0.00205,
                                    -0.0005,  0.00335, 0.0188};
    double c = cos(10.2 * 0.017453292519943295);
    dc_reproject_set_local(r, delta, 500000 + (104.24 - lon0) * 111320 * c, 9.35 * 110574,
                           500000 + (107.11 - lon0) * 111320 * c, 11.04 * 110574, 500.0);
}

/* Whether @p deg is within 2e-13 degree of the edge of the band around a
 * rounding tie that is left to PROJ (1e-11 degree each side): there the
 * series and the tiles may fall on either side of it. */
static bool at_tie_margin(double deg)
{
    double u = deg * 2e7, d = fabs(u - nearbyint(u)) / 2e7;
    return fabs(d - 1e-11) < 2e-13;
}

#define CLUSTERS 10000
#define CLUSTER 400

/* Every TM-3 meridian, with and without the delta's Helmert, 1,000 km
 * either side of the meridian, latitudes 8 to 24 degrees: clusters of
 * points within 8 km of a random centre (so that tiles are fitted and
 * then used everywhere in them), each in a random one of the 34
 * transformations (so that one table serves many), steady and not in
 * turn. The array call's answers against the series point by point. */
static void tiles_against_series(void **state)
{
    (void)state;
    dc_reproject r[2 * MERIDIANS];
    for (size_t i = 0; i < MERIDIANS; i++) {
        dc_reproject_init_tm(&r[2 * i], meridians[i], 0.9999, 500000, 0, vn2000);
        r[2 * i + 1] = r[2 * i];
        with_delta(&r[2 * i + 1], meridians[i]);
    }
    dc_reproject_tiles *tiles = dc_reproject_tiles_new();
    assert_non_null(tiles);
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    double x[CLUSTER], y[CLUSTER], worst_lon = 0, worst_lat = 0;
    int ok[CLUSTER];
    size_t points = 0, done = 0, refused = 0, at_margin = 0;
    for (int c = 0; c < CLUSTERS; c++) {
        const dc_reproject *t = &r[(size_t)(uniform(&seed) * 2 * MERIDIANS)];
        double cx = 500000 - 1e6 + 2e6 * uniform(&seed);
        double cy = 8.0 * 110574 + 16.0 * 110574 * uniform(&seed);
        for (int i = 0; i < CLUSTER; i++) {
            x[i] = cx + 16000 * (uniform(&seed) - 0.5);
            y[i] = cy + 16000 * (uniform(&seed) - 0.5);
        }
        double x0[CLUSTER], y0[CLUSTER];
        memcpy(x0, x, sizeof x);
        memcpy(y0, y, sizeof y);
        size_t left = dc_reproject_points(t, tiles, c % 2, CLUSTER, x, y, ok);
        size_t zeros = 0;
        for (int i = 0; i < CLUSTER; i++) {
            points++;
            zeros += !ok[i];
            double lon, lat;
            bool direct = dc_reproject_point(t, x0[i], y0[i], &lon, &lat);
            if (!ok[i]) assert_true(x[i] == x0[i] && y[i] == y0[i]);
            if (ok[i] != direct) {
                /* only where a tie's band is met within the difference */
                dc_reproject_series(t, x0[i], y0[i], &lon, &lat);
                assert_true(at_tie_margin(lon) || at_tie_margin(lat));
                at_margin++;
                continue;
            }
            if (!ok[i]) {
                refused++;
                continue;
            }
            done++;
            worst_lon = fmax(worst_lon, fabs(x[i] - lon));
            worst_lat = fmax(worst_lat, fabs(y[i] - lat));
        }
        assert_int_equal(left, zeros);
    }
    size_t fits = dc_reproject_tiles_fits(tiles);
    print_message("tiles against the series: %zu points (%zu refused, %zu at a tie's "
                  "margin), %zu fits; largest difference %.3g degree of longitude, "
                  "%.3g of latitude\n",
                  points, refused, at_margin, fits, worst_lon, worst_lat);
    assert_true(worst_lon < 1e-13 && worst_lat < 1e-13);
    /* most points were computed by a fit, not by the series */
    assert_true(fits >= CLUSTERS && fits * 16 < points);
    assert_true(done > points * 9 / 10);
    dc_reproject_tiles_free(tiles);
}

/* Steady answers depend on the point alone: a walk along a ring and back,
 * through a table that has seen other points and transformations and one
 * that has not, gives the same bits for the same vertex; the ring's
 * closing vertex is its first. The others depend on the call alone. */
static void steady_answers(void **state)
{
    (void)state;
    enum { N = 5000 };
    static double x[N], y[N], bx[N], by[N], cx[N], cy[N];
    static int ok[N], bok[N];
    dc_reproject r, other;
    dc_reproject_init_tm(&r, 107.75, 0.9999, 500000, 0, vn2000);
    dc_reproject_init_tm(&other, 105.5, 0.9999, 500000, 0, vn2000);
    uint64_t seed = 7;
    for (int i = 0; i < N - 1; i++) {
        double a = 6.283185307179586 * i / (N - 1), radius = 9000 + 300 * uniform(&seed);
        x[i] = 430000 + radius * cos(a);
        y[i] = 1800000 + radius * sin(a);
    }
    x[N - 1] = x[0], y[N - 1] = y[0];
    for (int i = 0; i < N; i++) /* the same ring, walked the other way */
        bx[N - 1 - i] = x[i], by[N - 1 - i] = y[i];
    memcpy(cx, x, sizeof x);
    memcpy(cy, y, sizeof y);
    dc_reproject_tiles *fresh = dc_reproject_tiles_new(),
                       *used = dc_reproject_tiles_new();
    /* the used table: scattered points of another zone, then of this one */
    for (int i = 0; i < N; i++) {
        double px = 430000 + 40000 * (uniform(&seed) - 0.5);
        double py = 1800000 + 40000 * (uniform(&seed) - 0.5);
        int k;
        dc_reproject_points(i % 2 ? &r : &other, used, i % 3 == 0, 1, &px, &py, &k);
    }
    dc_reproject_points(&r, fresh, true, N, x, y, ok);
    dc_reproject_points(&r, used, true, N, bx, by, bok);
    for (int i = 0; i < N; i++) {
        assert_int_equal(ok[i], bok[N - 1 - i]);
        if (!ok[i]) continue;
        assert_true(x[i] == bx[N - 1 - i] && y[i] == by[N - 1 - i]);
    }
    if (ok[0]) assert_true(x[N - 1] == x[0] && y[N - 1] == y[0]);
    /* Not steady: the same ring in batches of 1,000, through the used
     * table and a fresh one, the same bits; the batch of 20 points, fewer
     * than a fit is worth in any tile, answered by the series. */
    dc_reproject_tiles_free(fresh);
    fresh = dc_reproject_tiles_new();
    for (int pass = 0; pass < 2; pass++) {
        memcpy(bx, cx, sizeof cx);
        memcpy(by, cy, sizeof cy);
        for (int i = 0; i < N; i += 1000)
            dc_reproject_points(&r, pass ? fresh : used, false, 1000, bx + i, by + i,
                                bok + i);
        if (pass == 0) {
            memcpy(x, bx, sizeof x);
            memcpy(y, by, sizeof y);
            memcpy(ok, bok, sizeof ok);
            continue;
        }
        for (int i = 0; i < N; i++) {
            assert_int_equal(ok[i], bok[i]);
            assert_true(!ok[i] || (x[i] == bx[i] && y[i] == by[i]));
        }
    }
    for (int i = 0; i < 20; i++) {
        double lon, lat;
        bool direct = dc_reproject_point(&r, cx[i * 250], cy[i * 250], &lon, &lat);
        bx[i] = cx[i * 250], by[i] = cy[i * 250];
        dc_reproject_points(&r, used, false, 1, bx + i, by + i, bok + i);
        assert_int_equal(bok[i], direct);
        assert_true(!direct || (bx[i] == lon && by[i] == lat));
    }
    dc_reproject_tiles_free(fresh);
    dc_reproject_tiles_free(used);
}

/* Points out of the domain or in the delta's band are left, as by
 * dc_reproject_point, whether their tile neighbours are fitted or not;
 * WGS 84 is itself; no tiles at all is the series point by point. */
static void tiles_edges(void **state)
{
    (void)state;
    dc_reproject r, id;
    dc_reproject_init_tm(&r, 105.5, 0.9999, 500000, 0, vn2000);
    with_delta(&r, 105.5);
    dc_reproject_init_identity(&id);
    dc_reproject_tiles *tiles = dc_reproject_tiles_new();
    enum { N = 64 };
    double x[N], y[N], lon, lat;
    int ok[N];
    /* a walk east along a northing, across the domain's edge at 1,500 km */
    for (int i = 0; i < N; i++)
        x[i] = 1499990 + i * 0.5, y[i] = 1.5e6;
    x[N - 1] = NAN;
    size_t left = dc_reproject_points(&r, tiles, true, N, x, y, ok), refused = 0;
    for (int i = 0; i < N; i++) {
        double xi = 1499990 + i * 0.5;
        bool direct = i < N - 1 && dc_reproject_point(&r, xi, 1.5e6, &lon, &lat);
        assert_int_equal(ok[i], direct);
        assert_true(ok[i] ? fabs(x[i] - lon) < 1e-13 : y[i] == 1.5e6);
        refused += !ok[i];
        /* beyond 1,000 km east of the meridian */
        if (xi > 1.5e6) assert_false(ok[i]);
    }
    assert_int_equal(left, refused);
    assert_true(refused >= 43);
    /* a walk north across the west edge of the delta's box and its band */
    double west = r.local_min_x;
    for (int i = 0; i < N; i++)
        x[i] = west - 1600 + i * 50, y[i] = 1.1e6 + i;
    dc_reproject_points(&r, tiles, false, N, x, y, ok);
    for (int i = 0; i < N; i++) {
        double xi = west - 1600 + i * 50;
        bool direct = dc_reproject_point(&r, xi, 1.1e6 + i, &lon, &lat);
        assert_int_equal(ok[i], direct);
        if (fabs(xi - west) <= 500) assert_false(ok[i]);
        if (ok[i]) assert_true(fabs(x[i] - lon) < 1e-13 && fabs(y[i] - lat) < 1e-13);
    }
    x[0] = 105.25, y[0] = 21.5, x[1] = 181, y[1] = 0;
    assert_int_equal(dc_reproject_points(&id, tiles, true, 2, x, y, ok), 1);
    assert_true(ok[0] && x[0] == 105.25 && y[0] == 21.5 && !ok[1]);
    x[0] = 512345.678, y[0] = 2345678.9;
    assert_int_equal(dc_reproject_points(&r, NULL, false, 1, x, y, ok), 0);
    assert_true(dc_reproject_point(&r, 512345.678, 2345678.9, &lon, &lat));
    assert_true(ok[0] && x[0] == lon && y[0] == lat);
    dc_reproject_tiles_free(tiles);
    dc_reproject_tiles_free(NULL);
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
    /* one by the series, the other maybe by a tile's fit */
    assert_true(fabs(OGR_G_GetX(ring, 1) - x) < 1e-13 &&
                fabs(OGR_G_GetY(ring, 1) - y) < 1e-13);
    assert_non_null(OGR_G_GetSpatialReference(g));
    assert_true(OSRIsGeographic(OGR_G_GetSpatialReference(g)));
    OGR_G_DestroyGeometry(g);
    dc_crs_destroy(copy);
    dc_crs_release(ct);
    free(prj);
}

/* A point shapefile DIR/pts.shp whose .prj is EPSG:@p epsg's, as the
 * shapefile driver writes it. */
static void shapefile_with_prj(const char *dir, int epsg)
{
    static const char *const ext[] = {"shp", "shx", "dbf", "prj", "cpg"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        char old[4200];
        snprintf(old, sizeof old, "%s/pts.%s", dir, ext[i]);
        remove(old); /* a run before this one's */
    }
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, dir, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(srs, epsg), OGRERR_NONE);
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "pts", srs, wkbPoint, NULL);
    assert_non_null(layer);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, 560000, 2300000);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

/* The layers of a delivery share a few .prj files: the transformations
 * after the first for the same bytes are copies of it. Each is ours
 * unless asked exact, a copy taken while the first is still held gives
 * the first's answers to the bit, the exact one PROJ's, all within 1 mm of
 * cs2cs; one given back and taken again follows the new layer's wish. */
static void one_prj_many_layers(void **state)
{
    (void)state;
    char dir[4096], shp[4200], prj_path[4200];
    snprintf(dir, sizeof dir, "%s/prj-copies", workdir);
    snprintf(shp, sizeof shp, "%s/pts.shp", dir);
    snprintf(prj_path, sizeof prj_path, "%s/pts.prj", dir);
    shapefile_with_prj(dir, 9210);
    GDALDatasetH ds = GDALOpenEx(shp, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    char *prj = read_text(prj_path);

    static grid g, got[3];
    static double lon[POINTS], lat[POINTS];
    static int ok[POINTS];
    vietnam_grid(105.75, &g);
    cs2cs(prj, &g, lon, lat);
    const bool exact[3] = {false, false, true};
    OGRCoordinateTransformationH ct[3];
    for (int k = 0; k < 3; k++) {
        dc_source_problem problem = {0};
        assert_int_equal(dc_crs_to_wgs84(layer, shp, DC_LAYER_HOUSEHOLDS, NULL, exact[k],
                                         &ct[k], &problem),
                         DC_OK);
        assert_int_equal(dc_crs_is_ours(ct[k]), !exact[k]);
        for (int j = 0; j < k; j++)
            assert_true(ct[k] != ct[j]);
        got[k] = g;
        dc_crs_transform_points(ct[k], POINTS, got[k].x, got[k].y, ok);
        for (int i = 0; i < POINTS; i++) {
            assert_true(ok[i]);
            double d = metres(lat[i], got[k].y[i] - lat[i], got[k].x[i] - lon[i]);
            if (d >= 0.001) fail_msg("layer %d, point %d: %.6f m from cs2cs", k, i, d);
        }
    }
    assert_memory_equal(&got[1], &got[0], sizeof got[0]);
    grid proj = g;
    OCTTransformEx(ct[0], POINTS, proj.x, proj.y, NULL, ok);
    assert_memory_equal(&got[2], &proj, sizeof proj);

    /* the exact one given back, then taken by a layer that is not exact */
    dc_crs_release(ct[2]);
    dc_source_problem problem = {0};
    assert_int_equal(
        dc_crs_to_wgs84(layer, shp, DC_LAYER_HOUSEHOLDS, NULL, false, &ct[2], &problem),
        DC_OK);
    assert_true(dc_crs_is_ours(ct[2]));
    grid again = g;
    dc_crs_transform_points(ct[2], POINTS, again.x, again.y, ok);
    assert_memory_equal(&again, &got[0], sizeof again);
    for (int k = 0; k < 3; k++)
        dc_crs_release(ct[k]);
    free(prj);
    GDALClose(ds);
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
        cmocka_unit_test(tie_test_as_nearbyint),
        cmocka_unit_test(domain),
        cmocka_unit_test(tiles_against_series),
        cmocka_unit_test(tiles_edges),
        cmocka_unit_test(steady_answers),
        cmocka_unit_test(every_zone_against_cs2cs),
        cmocka_unit_test(explicit_towgs84),
        cmocka_unit_test(others_stay_with_proj),
        cmocka_unit_test(geometry_as_points),
        cmocka_unit_test(one_prj_many_layers),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroy();
    return rc;
}
