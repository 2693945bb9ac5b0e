/*
 * test_reverse_box - the households near a point, against brute force:
 *
 *   test_reverse_box INDEX [POINTS]
 *
 * Reads every household's position, then for POINTS points (default
 * 3000) checks
 * - dc_index_box_positions: a box around the point (up to 2 km a side)
 *   gives exactly the households whose position lies in it, in number
 *   order;
 * - dc_geo_reverse (radius 0..1000 m, limit 1..100): the same households,
 *   in the same order, at the same distances, as the search before the
 *   skip-scan (every cell of the rows the radius touches walked whole,
 *   dc_index_row_positions; copied here as it was), and as all the
 *   households within the radius, nearest first, then by number.
 * The points are doors and points up to 40 m from them, points on the
 * edges of sub-rows and sub-columns (1/8000 degree) and of cells (1/400)
 * and 1e-7 degree either side, points anywhere in the households' box,
 * and the edges of the globe. Fixed seed: the same points every run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"

typedef struct door {
    uint32_t number;
    int32_t lat_e7, lon_e7;
} door;

typedef struct near {
    double distance_m;
    uint32_t number;
} near;

static const char *index_path;
static long npoints = 3000;
static dc_geo *geo;
static dc_geo_session *session;
static door *doors;
static uint32_t ndoors;
static unsigned seed = 20261206u;

static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

/* Uniform in [0, 1). */
static double unit(void)
{
    return (rnd() & 0xffffff) / 16777216.0;
}

static int collect_door(void *ctx, const dc_household_pos *pos)
{
    (void)ctx;
    doors[ndoors++] = (door){pos->number, pos->lat_e7, pos->lon_e7};
    return 0;
}

static int setup(void **state)
{
    dc_error err;
    (void)state;
    if (dc_geo_open(index_path, &geo, &err) != DC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    uint32_t n = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    doors = malloc((n + 1) * sizeof *doors);
    if (!doors || dc_geo_session_begin(geo, &session) != DC_OK) return -1;
    if (dc_index_household_positions(dc_geo_session_txn(session), 0, n, collect_door,
                                     NULL) != DC_OK ||
        ndoors != n)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dc_geo_session_end(session);
    dc_geo_close(geo);
    free(doors);
    return 0;
}

/* ---- the search as it was (dc_geo_search before the skip-scan) -------- */

static void metres_per_degree(double lat, double *m_lat, double *m_lon)
{
    const double a = 6378137.0, e2 = 6.69437999014e-3, deg = 0.017453292519943295;
    double s = sin(lat * deg), w2 = 1.0 - e2 * s * s, w = sqrt(w2);
    *m_lat = a * (1.0 - e2) / (w2 * w) * deg;
    *m_lon = a / w * cos(lat * deg) * deg;
}

static int32_t e7(double deg)
{
    double v = deg * 1e7;
    return (int32_t)(v < 0 ? v - 0.5 : v + 0.5);
}

typedef struct kept {
    double lat, lon, radius_m;
    int32_t south, west, north, east;
    size_t limit, count;
    near hits[DC_GEO_MAX_NEIGHBOURS];
} kept;

static bool closer(const near *a, const near *b)
{
    return a->distance_m < b->distance_m ||
           (a->distance_m == b->distance_m && a->number < b->number);
}

/* Keep @p h when among the limit nearest so far. */
static void keep(kept *q, near h)
{
    if (h.distance_m > q->radius_m) return;
    size_t i = q->count;
    if (i == q->limit) {
        if (!closer(&h, &q->hits[i - 1])) return;
        i--;
    } else {
        q->count++;
    }
    for (; i > 0 && closer(&h, &q->hits[i - 1]); i--)
        q->hits[i] = q->hits[i - 1];
    q->hits[i] = h;
}

static int measure_old(void *ctx, const dc_household_pos *pos)
{
    kept *q = ctx;
    if (pos->lat_e7 < q->south || pos->lat_e7 > q->north || pos->lon_e7 < q->west ||
        pos->lon_e7 > q->east)
        return 0;
    keep(q,
         (near){dc_geo_distance_m(q->lat, q->lon, pos->lat_e7 / 1e7, pos->lon_e7 / 1e7),
                pos->number});
    return 0;
}

static void search_old(kept *q)
{
    double m_lat, m_lon;
    metres_per_degree(q->lat, &m_lat, &m_lon);
    double dlat = q->radius_m / m_lat + 1e-7, dlon = q->radius_m / m_lon + 1e-7;
    uint32_t r0 = dc_cell_row(e7(q->lat - dlat)), r1 = dc_cell_row(e7(q->lat + dlat));
    uint32_t c0 = dc_cell_col(e7(q->lon - dlon)), c1 = dc_cell_col(e7(q->lon + dlon));
    q->south = q->west = INT32_MIN;
    q->north = q->east = INT32_MAX;
    if (fabs(q->lat) < 80) {
        q->south = e7(q->lat - 1.05 * dlat) - 1;
        q->north = e7(q->lat + 1.05 * dlat) + 1;
        q->west = e7(q->lon - 1.05 * dlon) - 1;
        q->east = e7(q->lon + 1.05 * dlon) + 1;
    }
    for (uint32_t r = r0; r <= r1; r++)
        assert_int_equal(dc_index_row_positions(dc_geo_session_txn(session), r, c0, c1,
                                                measure_old, q),
                         DC_OK);
}

/* Every household within the radius. */
static void search_brute(kept *q)
{
    for (uint32_t i = 0; i < ndoors; i++) {
        double lat = doors[i].lat_e7 / 1e7, lon = doors[i].lon_e7 / 1e7;
        /* 1000 m is under 0.01 degree of latitude, and under 0.06 of
         * longitude below 80 degrees */
        if (fabs(lat - q->lat) > 0.02 ||
            (fabs(q->lat) < 80 && fabs(lon - q->lon) > 0.12 && fabs(lon - q->lon) < 359))
            continue;
        keep(q, (near){dc_geo_distance_m(q->lat, q->lon, lat, lon), doors[i].number});
    }
}

/* ---- the points --------------------------------------------------------- */

/* A door moved by up to @p metres (about) each way. */
static void near_door(double metres, double *lat, double *lon)
{
    const door *d = &doors[rnd() % ndoors];
    *lat = d->lat_e7 / 1e7 + (unit() * 2 - 1) * metres / 111000.0;
    *lon = d->lon_e7 / 1e7 + (unit() * 2 - 1) * metres / 104000.0;
}

/* A door's position taken to an edge of @p grid_e7 (1250: a sub-row or
 * sub-column; 25000: a cell), in latitude, longitude or both, then moved
 * by -1, 0 or +1 e7. */
static void on_edge(int64_t grid_e7, double *lat, double *lon)
{
    const door *d = &doors[rnd() % ndoors];
    int64_t la = (int64_t)d->lat_e7 + 900000000, lo = (int64_t)d->lon_e7 + 1800000000;
    uint32_t which = rnd() % 3;
    if (which != 1) la = (la + grid_e7 / 2) / grid_e7 * grid_e7 + (int)(rnd() % 3) - 1;
    if (which != 0) lo = (lo + grid_e7 / 2) / grid_e7 * grid_e7 + (int)(rnd() % 3) - 1;
    *lat = (double)(la - 900000000) / 1e7;
    *lon = (double)(lo - 1800000000) / 1e7;
}

static void anywhere(double *lat, double *lon)
{
    const dc_index_meta *info = dc_index_info(dc_geo_index(geo));
    *lat = (info->south_e7 + unit() * ((double)info->north_e7 - info->south_e7)) / 1e7;
    *lon = (info->west_e7 + unit() * ((double)info->east_e7 - info->west_e7)) / 1e7;
}

static const double globe_edges[][2] = {
    {90, 0},
    {-90, 0},
    {0, 180},
    {0, -180},
    {90, 180},
    {-90, -180},
    {89.9999999, 179.9999999},
    {-89.9999999, -179.9999999},
    {0, 0},
    {85, 105},
    {-80, 105},
    {80, 105},
    {79.9999999, 105},
};

static void point(long i, double *lat, double *lon)
{
    long edges = (long)(sizeof globe_edges / sizeof globe_edges[0]);
    if (i < edges) {
        *lat = globe_edges[i][0], *lon = globe_edges[i][1];
        return;
    }
    switch (i % 6) {
    case 0:
        near_door(0, lat, lon);
        break;
    case 1:
        near_door(6, lat, lon);
        break;
    case 2:
        near_door(40, lat, lon);
        break;
    case 3:
        on_edge(1250, lat, lon);
        break;
    case 4:
        on_edge(25000, lat, lon);
        break;
    default:
        anywhere(lat, lon);
        break;
    }
}

static double radius(long i)
{
    switch (i % 7) {
    case 0:
        return 0;
    case 1:
        return DC_GEO_MAX_RADIUS_M;
    case 2:
        return 50;
    case 3:
        return unit() * 20;
    default:
        return unit() * DC_GEO_MAX_RADIUS_M;
    }
}

static size_t limit(long i)
{
    switch (i % 5) {
    case 0:
        return 1;
    case 1:
        return DC_GEO_MAX_NEIGHBOURS;
    default:
        return 1 + rnd() % DC_GEO_MAX_NEIGHBOURS;
    }
}

static void assert_same(const kept *want, const kept *got, const char *what, double lat,
                        double lon)
{
    bool same = want->count == got->count;
    for (size_t i = 0; same && i < want->count; i++)
        same = want->hits[i].number == got->hits[i].number &&
               want->hits[i].distance_m == got->hits[i].distance_m;
    if (!same)
        fail_msg("%s at %.7f %.7f, radius %.3f, limit %zu: %zu households, want %zu",
                 what, lat, lon, want->radius_m, want->limit, got->count, want->count);
}

static void test_reverse(void **state)
{
    static dc_geo_reverse_result rr;
    long found = 0;
    (void)state;
    for (long i = 0; i < npoints; i++) {
        kept old = {0}, brute, got;
        point(i, &old.lat, &old.lon);
        old.radius_m = radius(i);
        old.limit = limit(i);
        brute = old;
        search_old(&old);
        search_brute(&brute);
        assert_int_equal(
            dc_geo_reverse(session, old.lat, old.lon, old.radius_m, old.limit, &rr),
            DC_OK);
        got = old;
        got.count = rr.nneighbours;
        for (size_t j = 0; j < rr.nneighbours; j++)
            got.hits[j] =
                (near){rr.neighbours[j].distance_m, rr.neighbours[j].household.number};
        assert_same(&old, &got, "reverse", old.lat, old.lon);
        assert_same(&brute, &old, "the old search", old.lat, old.lon);
        found += (long)got.count;
    }
    printf("%ld points, %ld households found\n", npoints, found);
    assert_true(found > npoints);
}

/* ---- boxes -------------------------------------------------------------- */

typedef struct boxed {
    int32_t south, west, north, east;
    uint32_t count, last;
    bool ordered, inside;
} boxed;

static int box_visit(void *ctx, const dc_household_pos *pos)
{
    boxed *b = ctx;
    b->inside &= pos->lat_e7 >= b->south && pos->lat_e7 <= b->north &&
                 pos->lon_e7 >= b->west && pos->lon_e7 <= b->east;
    b->ordered &= b->count == 0 || pos->number > b->last;
    b->last = pos->number;
    b->count++;
    return 0;
}

static void test_boxes(void **state)
{
    (void)state;
    for (long i = 0; i < npoints; i++) {
        double lat, lon;
        point(i, &lat, &lon);
        /* up to about 2 km a side, edges on sub-rows sometimes */
        int32_t h = (int32_t)(rnd() % 10000), w = (int32_t)(rnd() % 10000);
        if (i % 4 == 0) h -= h % 1250, w -= w % 1250;
        int64_t s = (int64_t)e7(lat) - h, n = (int64_t)e7(lat) + h;
        int64_t we = (int64_t)e7(lon) - w, ea = (int64_t)e7(lon) + w;
        boxed b = {(int32_t)(s < INT32_MIN ? INT32_MIN : s),
                   (int32_t)(we < INT32_MIN ? INT32_MIN : we),
                   (int32_t)(n > INT32_MAX ? INT32_MAX : n),
                   (int32_t)(ea > INT32_MAX ? INT32_MAX : ea),
                   0,
                   0,
                   true,
                   true};
        assert_int_equal(dc_index_box_positions(dc_geo_session_txn(session), b.south,
                                                b.west, b.north, b.east, box_visit, &b),
                         DC_OK);
        uint32_t want = 0;
        for (uint32_t j = 0; j < ndoors; j++)
            want += doors[j].lat_e7 >= b.south && doors[j].lat_e7 <= b.north &&
                    doors[j].lon_e7 >= b.west && doors[j].lon_e7 <= b.east;
        if (b.count != want || !b.ordered || !b.inside)
            fail_msg("box %d %d %d %d: %u households (want %u)%s%s", b.south, b.west,
                     b.north, b.east, b.count, want, b.ordered ? "" : ", out of order",
                     b.inside ? "" : ", some outside");
    }
}

static int stop_at_first(void *ctx, const dc_household_pos *pos)
{
    (void)pos;
    ++*(int *)ctx;
    return 1;
}

static void test_box_arguments(void **state)
{
    dc_index_txn *txn = dc_geo_session_txn(session);
    int calls = 0;
    (void)state;
    assert_int_equal(dc_index_box_positions(NULL, 0, 0, 1, 1, stop_at_first, &calls),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_index_box_positions(txn, 0, 0, 1, 1, NULL, &calls),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_index_box_positions(txn, 2, 0, 1, 1, stop_at_first, &calls),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_index_box_positions(txn, 0, 2, 1, 1, stop_at_first, &calls),
                     DC_E_INVALID_ARG);
    /* the whole globe, stopped at its first household */
    assert_int_equal(dc_index_box_positions(txn, INT32_MIN, INT32_MIN, INT32_MAX,
                                            INT32_MAX, stop_at_first, &calls),
                     DC_OK);
    assert_int_equal(calls, 1);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_reverse_box INDEX [POINTS]\n");
        return 2;
    }
    index_path = argv[1];
    if (argc > 2) npoints = atol(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_box_arguments),
        cmocka_unit_test(test_boxes),
        cmocka_unit_test(test_reverse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
