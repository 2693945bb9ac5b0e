/*
 * test_zonecells - the zone of a point with the zone grid's sub-grid
 * (dc_index_zone_at) against brute force: every zone in postcode order,
 * the first whose polygon holds the point (dc_polygon_contains), which is
 * what the whole test over the zone grid's candidates answers.
 *
 *   test_zonecells [GEN_SAMPLE IMPORTER WORKDIR [RANDOM_POINTS [BORDER_SPACING]]]
 *
 * Always: hand-made zones built for the sub-grid's hard cases (an edge
 * through sub-cell centres, edges along sub-cell lines, overlapping zones,
 * holes, several parts, a border digitised twice with gaps and slivers, a
 * long edge over several zone grid cells, repeated and collinear vertices)
 * on a lattice that hits centres, corners and sub-cell lines, and
 * `diachi check`'s view of a damaged sub-grid. With the programs: the
 * sample map with realistic borders, generated and imported, at
 * RANDOM_POINTS random points (default 1,000,000; borders drawn every
 * BORDER_SPACING metres, default the generator's 4) and at its vertices,
 * points on its edges, near its vertices, on sub-cell lines, in its holes
 * and extra parts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <lmdb.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diachi/index.h"
#include "index_fixture.h"
#include "index_internal.h"
#include "seal.h"
#include "zonecells.h"

extern char **environ;

static const char *generator, *importer, *workdir;
static long random_points = 1000000;
static const char *border_spacing = "4";

/* ---- brute force ---------------------------------------------------------- */

typedef struct zone_set {
    dc_zone *zones; /* ascending postcode */
    int32_t (*box)[4];
    size_t n;
    uint64_t points, mismatches;
    /* The build's check of a household's zone from its sub-cell
     * (dc_zonecells_holds), against the polygon test at every point. */
    dc_zc_zone *zc_zones;
    dc_zonecells *zc;
    uint64_t holds_decided, holds_wrong;
} zone_set;

static void zone_set_load(dc_index_txn *txn, zone_set *s)
{
    s->zones = malloc(DC_POSTCODES * sizeof *s->zones);
    s->box = malloc(DC_POSTCODES * sizeof *s->box);
    assert_non_null(s->zones);
    assert_non_null(s->box);
    s->n = 0;
    for (uint32_t p = 0; p < DC_POSTCODES; p++)
        if (dc_index_zone(txn, p, &s->zones[s->n]) == DC_OK) {
            int32_t *b = s->box[s->n];
            dc_polygon_bbox(&s->zones[s->n].polygon, &b[0], &b[1], &b[2], &b[3]);
            s->n++;
        }
    s->points = s->mismatches = 0;
    s->zc_zones = malloc((s->n ? s->n : 1) * sizeof *s->zc_zones);
    assert_non_null(s->zc_zones);
    for (size_t i = 0; i < s->n; i++)
        s->zc_zones[i] = (dc_zc_zone){s->zones[i].postcode, s->zones[i].polygon};
    assert_int_equal(dc_zonecells_prepare(s->zc_zones, s->n, &s->zc), DC_OK);
    s->holds_decided = s->holds_wrong = 0;
}

static void zone_set_free(zone_set *s)
{
    assert_int_equal(s->holds_wrong, 0);
    dc_zonecells_free(s->zc);
    free(s->zc_zones);
    free(s->zones);
    free(s->box);
}

/* The first zone, by postcode, whose polygon holds the point; -1 none.
 * On the way, each zone's answer from its sub-cell where it gives one. */
static int64_t brute(zone_set *s, int32_t lat, int32_t lon)
{
    int64_t first = -1;
    for (size_t i = 0; i < s->n; i++) {
        const int32_t *b = s->box[i];
        int holds = dc_zonecells_holds(s->zc, s->zones[i].postcode, lat, lon);
        bool in = !(lat < b[0] || lat > b[2] || lon < b[1] || lon > b[3]) &&
                  dc_polygon_contains(&s->zones[i].polygon, lat, lon);
        s->holds_decided += holds >= 0;
        if (holds >= 0 && holds != (int)in && s->holds_wrong++ < 10)
            fprintf(stderr, "point %d, %d: zone %05u holds it %d by its sub-cell, %d "
                    "by its polygon\n", lat, lon, s->zones[i].postcode, holds, (int)in);
        if (in && first < 0) first = s->zones[i].postcode;
    }
    return first;
}

static void check_point(dc_index_txn *txn, zone_set *s, int64_t lat64, int64_t lon64)
{
    if (lat64 < DC_LAT_E7_MIN || lat64 >= DC_LAT_E7_END || lon64 < DC_LON_E7_MIN ||
        lon64 >= DC_LON_E7_END)
        return;
    int32_t lat = (int32_t)lat64, lon = (int32_t)lon64;
    dc_zone z;
    dc_err rc = dc_index_zone_at(txn, lat, lon, &z);
    int64_t got = rc == DC_OK ? (int64_t)z.postcode : rc == DC_E_NOT_FOUND ? -1 : -2;
    int64_t want = brute(s, lat, lon);
    s->points++;
    if (got == want) return;
    if (s->mismatches++ < 10)
        fprintf(stderr, "point %d, %d: zone_at %lld, brute force %lld\n", lat, lon,
                (long long)got, (long long)want);
}

/* The filter of the similar codes' search (dc_index_cell_may_hold) and
 * its search of a code in a cell (dc_index_cell_code_find): every
 * household's own cell may hold its zone's and has its code; a cell said
 * not to hold a zone's has none of the zone's households and no point of
 * its square in the zone's polygon on a 9 x 9 lattice (its corners, and
 * its sides up to the last unit before the next cell's). */
static void check_cells_of_zones(const dc_index *idx, dc_index_txn *txn,
                                 const zone_set *s, uint64_t *refused_out)
{
    const dc_index_meta *meta = dc_index_info(idx);
    const int64_t offset[9] = {0,     3125,  6250,  9375,          12500,
                               15625, 18750, 21875, DC_CELL_E7 - 1};
    uint64_t refused = 0, kept = 0, east_found = 0;
    for (uint32_t n = 0; n < meta->households; n++) {
        dc_household h;
        assert_int_equal(dc_index_household(txn, n, &h), DC_OK);
        uint32_t row = dc_cell_row(h.lat_e7), col = dc_cell_col(h.lon_e7);
        assert_true(dc_index_cell_may_hold(txn, h.postcode, row, col));
        assert_int_equal(dc_index_cell_code_find(txn, row, col, &h.code), DC_OK);
        /* one cell east: found only where a household there shares the
         * postcode and the last three characters */
        uint32_t first, count;
        bool there = false;
        dc_err rc = dc_index_cell_households(txn, row, col + 1, &first, &count);
        for (uint32_t k = 0; rc == DC_OK && k < count; k++) {
            dc_household e;
            assert_int_equal(dc_index_household(txn, first + k, &e), DC_OK);
            there |= e.postcode == h.postcode &&
                     memcmp(e.code.location + 4, h.code.location + 4, 3) == 0;
        }
        assert_int_equal(dc_index_cell_code_find(txn, row, col + 1, &h.code),
                         there ? DC_OK : DC_E_NOT_FOUND);
        east_found += there;
    }
    for (size_t i = 0; i < s->n; i++) {
        const int32_t *b = s->box[i];
        uint32_t postcode = s->zones[i].postcode;
        for (uint32_t row = dc_cell_row(b[0]) - 1; row <= dc_cell_row(b[2]) + 1; row++)
            for (uint32_t col = dc_cell_col(b[1]) - 1; col <= dc_cell_col(b[3]) + 1;
                 col++) {
                if (dc_index_cell_may_hold(txn, postcode, row, col)) {
                    kept++;
                    continue;
                }
                refused++;
                uint32_t first, count;
                dc_err rc = dc_index_cell_households(txn, row, col, &first, &count);
                for (uint32_t k = 0; rc == DC_OK && k < count; k++) {
                    dc_household h;
                    assert_int_equal(dc_index_household(txn, first + k, &h), DC_OK);
                    assert_int_not_equal(h.postcode, postcode);
                }
                int64_t south = (int64_t)row * DC_CELL_E7 + DC_LAT_E7_MIN,
                        west = (int64_t)col * DC_CELL_E7 + DC_LON_E7_MIN;
                /* A door's cell is its floor division: the half-open square. */
                for (int a = 0; a <= 8; a++)
                    for (int c = 0; c <= 8; c++)
                        assert_false(dc_polygon_contains(&s->zones[i].polygon,
                                                         (int32_t)(south + offset[a]),
                                                         (int32_t)(west + offset[c])));
            }
    }
    printf("cells of the zones' boxes: %llu may hold the zone's households, %llu "
           "cannot; %llu households' ends found one cell east\n",
           (unsigned long long)kept, (unsigned long long)refused,
           (unsigned long long)east_found);
    assert_true(kept > 0);
    if (refused_out) *refused_out = refused;
}

/* ---- points ---------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int64_t uniform(int64_t lo, int64_t hi) /* [lo, hi] */
{
    return lo + (int64_t)(next_random() % (uint64_t)(hi - lo + 1));
}

static void all_box(const zone_set *s, int64_t margin, int64_t b[4])
{
    b[0] = b[1] = INT32_MAX;
    b[2] = b[3] = INT32_MIN;
    for (size_t i = 0; i < s->n; i++) {
        if (s->box[i][0] < b[0]) b[0] = s->box[i][0];
        if (s->box[i][1] < b[1]) b[1] = s->box[i][1];
        if (s->box[i][2] > b[2]) b[2] = s->box[i][2];
        if (s->box[i][3] > b[3]) b[3] = s->box[i][3];
    }
    b[0] -= margin;
    b[1] -= margin;
    b[2] += margin;
    b[3] += margin;
}

static void random_in(dc_index_txn *txn, zone_set *s, const int64_t b[4], long n)
{
    for (long i = 0; i < n; i++)
        check_point(txn, s, uniform(b[0], b[2]), uniform(b[1], b[3]));
}

/* Every @p step-th vertex, and the 8 points around it 1e-7 degree away. */
static void at_vertices(dc_index_txn *txn, zone_set *s, uint32_t step)
{
    for (size_t z = 0; z < s->n; z++) {
        dc_ring ring;
        size_t off = 0;
        while (dc_polygon_next_ring(&s->zones[z].polygon, &off, &ring))
            for (uint32_t i = 0; i < ring.npoints; i += step) {
                int32_t lat, lon;
                dc_ring_vertex(&ring, i, &lat, &lon);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                        check_point(txn, s, (int64_t)lat + dy, (int64_t)lon + dx);
            }
    }
}

static int64_t gcd64(int64_t a, int64_t b)
{
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Points exactly on edges: the lattice points of each edge, up to 8 an
 * edge, and the points 1e-7 degree beside them. */
static void on_edges(dc_index_txn *txn, zone_set *s)
{
    for (size_t z = 0; z < s->n; z++) {
        dc_ring ring;
        size_t off = 0;
        while (dc_polygon_next_ring(&s->zones[z].polygon, &off, &ring))
            for (uint32_t i = 0; i < ring.npoints; i++) {
                int32_t a[2], b[2];
                dc_ring_vertex(&ring, i, &a[0], &a[1]);
                dc_ring_vertex(&ring, (i + 1) % ring.npoints, &b[0], &b[1]);
                int64_t g = gcd64((int64_t)b[0] - a[0], (int64_t)b[1] - a[1]);
                int64_t stride = g > 8 ? g / 8 : 1;
                for (int64_t k = 1; k < g; k += stride) {
                    int64_t lat = a[0] + ((int64_t)b[0] - a[0]) / g * k;
                    int64_t lon = a[1] + ((int64_t)b[1] - a[1]) / g * k;
                    check_point(txn, s, lat, lon);
                    check_point(txn, s, lat + 1, lon);
                    check_point(txn, s, lat, lon - 1);
                }
            }
    }
}

/* Random points within @p radius of every @p step-th vertex: the gaps and
 * slivers between two copies of a border. */
static void near_vertices(dc_index_txn *txn, zone_set *s, uint32_t step, int64_t radius)
{
    for (size_t z = 0; z < s->n; z++) {
        dc_ring ring;
        size_t off = 0;
        while (dc_polygon_next_ring(&s->zones[z].polygon, &off, &ring))
            for (uint32_t i = 0; i < ring.npoints; i += step) {
                int32_t lat, lon;
                dc_ring_vertex(&ring, i, &lat, &lon);
                check_point(txn, s, lat + uniform(-radius, radius),
                            lon + uniform(-radius, radius));
            }
    }
}

/* Random points on sub-cell lines, at their corners and at their centres. */
static void on_lines(dc_index_txn *txn, zone_set *s, const int64_t b[4], long n)
{
    for (long i = 0; i < n; i++) {
        int64_t lat = uniform(b[0], b[2]), lon = uniform(b[1], b[3]);
        int64_t rlat = lat - (lat - DC_LAT_E7_MIN) % DC_CELL_E7;
        int64_t rlon = lon - (lon - DC_LON_E7_MIN) % DC_CELL_E7;
        check_point(txn, s, rlat, lon);
        check_point(txn, s, lat, rlon);
        check_point(txn, s, rlat, rlon);
        check_point(txn, s, rlat + DC_CELL_E7 / 2, rlon + DC_CELL_E7 / 2);
        check_point(txn, s, rlat - 1, rlon - 1);
    }
}

/* Random points in the box of every ring after a zone's first: its holes
 * and its other parts. */
static void in_other_rings(dc_index_txn *txn, zone_set *s, long per_ring)
{
    for (size_t z = 0; z < s->n; z++) {
        dc_ring ring;
        size_t off = 0;
        for (int r = 0; dc_polygon_next_ring(&s->zones[z].polygon, &off, &ring); r++) {
            if (r == 0) continue;
            int64_t b[4] = {INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN};
            for (uint32_t i = 0; i < ring.npoints; i++) {
                int32_t lat, lon;
                dc_ring_vertex(&ring, i, &lat, &lon);
                if (lat < b[0]) b[0] = lat;
                if (lon < b[1]) b[1] = lon;
                if (lat > b[2]) b[2] = lat;
                if (lon > b[3]) b[3] = lon;
            }
            random_in(txn, s, b, per_ring);
        }
    }
}

/* How the sub-grid marks its sub-cells: inside a zone, outside all, border;
 * zone grid cells without one; border sub-cells split. */
static void count_marks(const dc_index *idx, uint64_t counts[5])
{
    memset(counts, 0, 5 * sizeof *counts);
    for (uint32_t i = 0; i < idx->ngrid; i++) {
        const struct dc_grid_cell *g = &idx->grid[i];
        if (!g->sub) {
            counts[3]++;
            continue;
        }
        for (uint32_t k = 0; k < DC_ZC_CELLS; k++) {
            uint32_t w = (uint32_t)g->sub[2 * k] | (uint32_t)g->sub[2 * k + 1] << 8;
            counts[w == DC_ZC_NONE ? 1 : w & DC_ZC_BORDER ? 2 : 0]++;
            if (w == DC_ZC_NONE || !(w & DC_ZC_BORDER)) continue;
            const uint8_t *off = g->sub + DC_ZC_HEAD + 4 * (w & ~DC_ZC_BORDER);
            uint32_t at = (uint32_t)off[0] | (uint32_t)off[1] << 8 |
                          (uint32_t)off[2] << 16 | (uint32_t)off[3] << 24;
            if (g->sub[at + 2] == DC_ZC_SPLIT) counts[4]++;
        }
    }
}

/* ---- hand-made zones -------------------------------------------------------- */

#define LAT0 213750000 /* on sub-cell lines: 44550 and 113200 sub-cells */
#define LON0 1030000000

typedef struct hand_zones {
    fx_poly polys[8];
    dc_zone_input zones[8];
    size_t n;
} hand_zones;

static void hand_zone(hand_zones *h, uint32_t postcode)
{
    h->zones[h->n] = (dc_zone_input){.postcode = postcode,
                                     .name = "z",
                                     .ref_lat_e7 = LAT0 + 250000,
                                     .ref_lon_e7 = LON0 + 500000,
                                     .polygon = fx_poly_get(&h->polys[h->n])};
    h->n++;
}

/* Two triangles whose shared diagonal runs through sub-cell centres and
 * corners, a zone over both with a lower postcode, a zone over both with a
 * higher one and a hole. */
static void hand_triangles(hand_zones *h)
{
    const int32_t upper[3][2] = {
        {LAT0, LON0}, {LAT0 + 200000, LON0 + 200000}, {LAT0, LON0 + 200000}};
    const int32_t lower[3][2] = {
        {LAT0, LON0}, {LAT0 + 200000, LON0}, {LAT0 + 200000, LON0 + 200000}};
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_rect(&h->polys[h->n], 0, LAT0 + 10000, LON0 + 140000, LAT0 + 60000,
                 LON0 + 190000);
    hand_zone(h, 10000);
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_ring(&h->polys[h->n], 0, 3, upper);
    hand_zone(h, 10001);
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_ring(&h->polys[h->n], 0, 3, lower);
    hand_zone(h, 10002);
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_rect(&h->polys[h->n], 0, LAT0 + 50000, LON0 + 30000, LAT0 + 120000,
                 LON0 + 90000);
    fx_poly_rect(&h->polys[h->n], 1, LAT0 + 60000, LON0 + 37500, LAT0 + 87500,
                 LON0 + 62500);
    hand_zone(h, 10003);
}

/* Several parts, a spike (an edge out and back), repeated vertices, a
 * vertex on a sub-cell corner and a long thin part over three zone grid
 * cells. */
static void hand_parts(hand_zones *h)
{
    const int32_t spiky[8][2] = {
        {LAT0 + 250000, LON0},          {LAT0 + 250000, LON0 + 100000},
        {LAT0 + 250000, LON0 + 100000}, {LAT0 + 275000, LON0 + 150000},
        {LAT0 + 250000, LON0 + 100000}, {LAT0 + 300000, LON0 + 100000},
        {LAT0 + 300000, LON0 + 12345},  {LAT0 + 287500, LON0}};
    const int32_t thin[3][2] = {
        {LAT0 + 310000, LON0}, {LAT0 + 310007, LON0 + 1200001}, {LAT0 + 337500, LON0}};
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_ring(&h->polys[h->n], 0, 8, spiky);
    fx_poly_ring(&h->polys[h->n], 0, 3, thin);
    hand_zone(h, 20000);
}

/* A border digitised twice: each side a zigzag of its own, so that they
 * leave gaps and overlap in slivers. */
static void hand_twice(hand_zones *h)
{
    int32_t west[104][2], east[104][2];
    int n = 0;
    for (int i = 0; i <= 100; i++, n++) { /* dense: its sub-cells are split */
        int32_t lat = LAT0 + 400000 + 1000 * i;
        west[n][0] = east[100 - i][0] = lat;
        west[n][1] = LON0 + 100000 + (i % 2 ? 700 : -500);
        east[100 - i][1] = LON0 + 100000 + (i % 3 ? 300 : -600);
    }
    west[n][0] = LAT0 + 500000;
    west[n][1] = LON0;
    west[n + 1][0] = LAT0 + 400000;
    west[n + 1][1] = LON0;
    east[n][0] = LAT0 + 400000;
    east[n][1] = LON0 + 200000;
    east[n + 1][0] = LAT0 + 500000;
    east[n + 1][1] = LON0 + 200000;
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_ring(&h->polys[h->n], 0, n + 2, (const int32_t(*)[2])west);
    hand_zone(h, 30001);
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_ring(&h->polys[h->n], 0, n + 2, (const int32_t(*)[2])east);
    hand_zone(h, 30002);
}

/* A zone so far from the others that the zone grid's cells are found by
 * binary search rather than from a table over their rows and columns. */
static void hand_far(hand_zones *h)
{
    fx_poly_begin(&h->polys[h->n]);
    fx_poly_rect(&h->polys[h->n], 0, -600000000, -1500000000, -599000000, -1499000000);
    hand_zone(h, 40000);
    h->zones[h->n - 1].ref_lat_e7 = -599500000;
    h->zones[h->n - 1].ref_lon_e7 = -1499500000;
}

static const char *hand_index(const char *name, bool far)
{
    static hand_zones h;
    memset(&h, 0, sizeof h);
    hand_triangles(&h);
    hand_parts(&h);
    hand_twice(&h);
    if (far) hand_far(&h);
    dc_index_build_input in = {.zones = h.zones, .nzones = h.n};
    const char *path = fx_path(name);
    dc_error err = {0};
    if (dc_index_build(path, &in, NULL, &err) != DC_OK) fail_msg("%s", err.message);
    return path;
}

static void hand_made(bool far)
{
    dc_index *idx;
    dc_index_txn *txn;
    zone_set s;
    const char *path = hand_index("hand.idx", far);
    assert_int_equal(dc_index_open(path, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_check(idx, NULL, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    assert_true(far ? idx->grid_table == NULL : idx->grid_table != NULL);
    zone_set_load(txn, &s);
    uint64_t marks[5];
    count_marks(idx, marks);
    assert_int_equal(marks[3], 0); /* every zone grid cell has its sub-grid */
    assert_true(marks[0] > 0 && marks[1] > 0 && marks[2] > 0 && marks[4] > 0);
    int64_t b[4];
    all_box(&s, 30000, b);
    if (far) { /* the lattice over the hand-made zones, not the globe */
        b[0] = LAT0 - 30000;
        b[1] = LON0 - 30000;
    }
    for (int64_t lat = b[0]; lat <= b[2]; lat += 2500)
        for (int64_t lon = b[1]; lon <= b[3] && lon < LON0 + 260000; lon += 2500) {
            check_point(txn, &s, lat, lon);
            check_point(txn, &s, lat + 1, lon - 1);
        }
    random_in(txn, &s, b, 200000);
    at_vertices(txn, &s, 1);
    on_edges(txn, &s);
    near_vertices(txn, &s, 1, 3000);
    on_lines(txn, &s, b, 20000);
    in_other_rings(txn, &s, 20000);
    if (far)
        random_in(txn, &s, (int64_t[4]){-600010000, -1500010000, -598990000, -1498990000},
                  100000);
    printf("hand-made zones%s: %llu points, %llu differ\n", far ? " and a far one" : "",
           (unsigned long long)s.points, (unsigned long long)s.mismatches);
    assert_int_equal(s.mismatches, 0);
    check_cells_of_zones(idx, txn, &s, NULL);
    zone_set_free(&s);
    dc_index_txn_end(txn);
    dc_index_close(idx);
}

static void test_hand_made(void **state)
{
    (void)state;
    hand_made(false);
}

static void test_hand_made_far(void **state)
{
    (void)state;
    hand_made(true);
}

/* ---- a damaged sub-grid ------------------------------------------------------ */

/* Replace (or, with NULL, delete) the zonecells value of @p cell, sealed
 * again: only dc_index_check can tell. */
static void tamper_cell(const char *path, uint32_t cell, const uint8_t *val, size_t len)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_stat st;
    MDB_envinfo info;
    uint8_t key[4] = {(uint8_t)(cell >> 24), (uint8_t)(cell >> 16), (uint8_t)(cell >> 8),
                      (uint8_t)cell};
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "zonecells", 0, &dbi), 0);
    MDB_val k = {4, key}, v = {len, (void *)val};
    if (val)
        assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    else
        assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_stat(env, &st);
    mdb_env_info(env, &info);
    size_t used = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
    mdb_env_close(env);
    assert_int_equal(truncate(path, (off_t)used), 0);
    assert_int_equal(dc_seal_write(path, (uint64_t)used, NULL), DC_OK);
}

static void check_fails_with(const char *path, const char *message)
{
    dc_index *idx;
    dc_error err = {0};
    assert_int_equal(dc_index_open(path, &idx, &err), DC_OK);
    assert_int_equal(dc_index_check(idx, NULL, &err), DC_E_INDEX_CORRUPT);
    assert_string_equal(err.message, message);
    dc_index_close(idx);
}

/* The first zone grid cell's value, and a border sub-cell's number in it. */
static size_t first_cell(const char *path, uint32_t *cell, uint8_t *out, size_t cap,
                         uint32_t *border_sub, uint32_t *ngrid)
{
    dc_index *idx;
    assert_int_equal(dc_index_open(path, &idx, NULL), DC_OK);
    *ngrid = idx->ngrid;
    size_t i = 0;
    while (i < idx->ngrid && idx->grid[i].sub_size == DC_ZC_HEAD)
        i++; /* a cell with a border */
    assert_true(i < idx->ngrid && idx->grid[i].sub_size <= cap);
    *cell = idx->grid[i].cell;
    size_t len = idx->grid[i].sub_size;
    memcpy(out, idx->grid[i].sub, len);
    dc_index_close(idx);
    for (*border_sub = 0; *border_sub < DC_ZC_CELLS; ++*border_sub)
        if (out[2 * *border_sub + 1] & 0x80 && out[2 * *border_sub + 1] != 0xff) break;
    return len;
}

static void test_check_damaged(void **state)
{
    (void)state;
    static uint8_t val[1 << 20];
    uint32_t cell, sub, ngrid;
    char msg[256];
    const char *path = hand_index("marks.idx", false);
    size_t len = first_cell(path, &cell, val, sizeof val, &sub, &ngrid);
    assert_true(sub < DC_ZC_CELLS);

    uint8_t word[2] = {val[2 * sub], val[2 * sub + 1]};
    val[2 * sub] = 0; /* a border sub-cell marked inside candidate 0 */
    val[2 * sub + 1] = 0;
    tamper_cell(path, cell, val, len);
    snprintf(msg, sizeof msg,
             "zonecells cell %u: sub-cell %u's mark differs from the one its zones' "
             "polygons give",
             cell, sub);
    check_fails_with(path, msg);

    val[2 * sub] = word[0];
    val[2 * sub + 1] = word[1];
    val[len - 1] ^= 1; /* the last run's count */
    tamper_cell(path, cell, val, len);
    snprintf(msg, sizeof msg,
             "zonecells cell %u: its border records differ from the ones its zones' "
             "polygons give (byte %zu of %zu)",
             cell, len - 1, len);
    check_fails_with(path, msg);

    tamper_cell(path, cell, NULL, 0);
    snprintf(msg, sizeof msg, "zonegrid cell %u has no zonecells value", cell);
    check_fails_with(path, msg);

    val[len - 1] ^= 1;
    tamper_cell(path, cell, val, len); /* as built: good again */
    dc_index *idx;
    assert_int_equal(dc_index_open(path, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_check(idx, NULL, NULL), DC_OK);
    dc_index_close(idx);

    tamper_cell(path, 1, val, len); /* a cell the zone grid does not have */
    snprintf(msg, sizeof msg, "zonecells holds %u values, the zone grid %u", ngrid + 1,
             ngrid);
    check_fails_with(path, msg);
}

/* ---- the realistic sample ------------------------------------------------------ */

static int run(char *const *argv)
{
    pid_t pid;
    int status;
    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) return -1;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static const char *realistic_index(void)
{
    static char map[1100], path[1100], zones[1200], households[1200];
    mkdir(workdir, 0777);
    snprintf(map, sizeof map, "%s/map", workdir);
    snprintf(path, sizeof path, "%s/map.diachi", workdir);
    snprintf(zones, sizeof zones, "%s/zones.shp", map);
    snprintf(households, sizeof households, "%s/households.shp", map);
    char *gen[] = {(char *)generator, "--out",           map,
                   "--seed",          "1",               "--borders",
                   "realistic",       "--border-spacing", (char *)border_spacing,
                   NULL};
    char *imp[] = {
        (char *)importer, "--zones", zones, "--households", households, "-o", path,
        "--quiet",        NULL};
    assert_int_equal(run(gen), 0);
    assert_int_equal(run(imp), 0);
    return path;
}

static void test_realistic(void **state)
{
    (void)state;
    if (!generator) skip();
    dc_index *idx;
    dc_index_txn *txn;
    zone_set s;
    int64_t b[4];
    uint64_t marks[5];
    assert_int_equal(dc_index_open(realistic_index(), &idx, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    zone_set_load(txn, &s);
    count_marks(idx, marks);
    printf("realistic sample: %zu zones; sub-cells: %llu inside a zone, %llu outside, "
           "%llu on a border (%llu of them split); %llu zone grid cells without a "
           "sub-grid\n",
           s.n, (unsigned long long)marks[0], (unsigned long long)marks[1],
           (unsigned long long)marks[2], (unsigned long long)marks[4],
           (unsigned long long)marks[3]);
    all_box(&s, 20000, b);
    random_in(txn, &s, b, random_points);
    uint64_t random_done = s.points;
    at_vertices(txn, &s, 7);
    on_edges(txn, &s);
    near_vertices(txn, &s, 3, 300);
    on_lines(txn, &s, b, 50000);
    in_other_rings(txn, &s, 2000);
    printf("realistic sample: %llu random points, %llu in all, %llu differ; "
           "%llu (point, zone) answers from sub-cells, %llu differ\n",
           (unsigned long long)random_done, (unsigned long long)s.points,
           (unsigned long long)s.mismatches, (unsigned long long)s.holds_decided,
           (unsigned long long)s.holds_wrong);
    assert_int_equal(s.mismatches, 0);
    uint64_t refused;
    check_cells_of_zones(idx, txn, &s, &refused);
    assert_true(refused > 0);
    zone_set_free(&s);
    dc_index_txn_end(txn);
    dc_index_close(idx);
}

static int teardown(void **state)
{
    (void)state;
    fx_cleanup();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4) {
        generator = argv[1];
        importer = argv[2];
        workdir = argv[3];
    }
    if (argc >= 5) random_points = atol(argv[4]);
    if (argc >= 6) border_spacing = argv[5];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_hand_made, teardown),
        cmocka_unit_test_teardown(test_hand_made_far, teardown),
        cmocka_unit_test_teardown(test_check_damaged, teardown),
        cmocka_unit_test(test_realistic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
