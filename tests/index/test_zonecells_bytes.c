/*
 * test_zonecells_bytes - the zonecells values' bytes (dc_zonecells_value)
 * against a reference encoder written from docs/FORMAT.md ("zonecells"):
 * for every sub-cell, and every square of a split one, each candidate's
 * touching edges found by testing every edge of the zone, its centre by
 * the point-in-zone test (dc_polygon_contains), and the words, entries
 * and records laid out as the format's tables say. The builder finds the
 * same by other roads (runs made once per zone, crossings counted from a
 * sub-cell's centre, edges spread over the squares), so the two agree
 * byte for byte or the value is wrong.
 *
 * The zones are drawn (fixed seed) on a lattice of 625e-7 degree, which
 * holds the sub-cells' and the squares' lines and centres: random walks
 * with thousands of short edges (so that border sub-cells split), steps
 * along sub-cell lines, repeated and collinear vertices, stars with holes
 * and several parts, all overlapping in a block of 3 x 3 zone grid cells.
 *
 *   test_zonecells_bytes [WALK_EDGES]
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonecells.h"

#define STEP 625 /* the lattice, e7 */
#define LAT0 210000000
#define LON0 1058000000
#define NZONES 8

static int walk_edges = 3000;
/* What the reference met: centres on an edge (flag 2), split sub-cells. */
static size_t on_edge_centres, split_cells;

/* ---- drawing the zones ------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

typedef struct poly_buf {
    uint8_t *p;
    size_t len, cap;
    size_t ring_at; /* where the current ring's header is */
} poly_buf;

static void put(poly_buf *b, uint32_t v)
{
    if (b->len + 4 > b->cap) {
        b->cap = b->cap ? 2 * b->cap : 1024;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    for (int i = 0; i < 4; i++)
        b->p[b->len++] = (uint8_t)(v >> (8 * i));
}

static void set(poly_buf *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->p[at + i] = (uint8_t)(v >> (8 * i));
}

static void begin_ring(poly_buf *b)
{
    b->ring_at = b->len;
    put(b, 0);
    set(b, 0, (b->p[0] | (uint32_t)b->p[1] << 8) + 1); /* nrings: below 65536 */
}

static void point(poly_buf *b, int64_t lat, int64_t lon)
{
    put(b, (uint32_t)(int32_t)lat);
    put(b, (uint32_t)(int32_t)lon);
}

static void end_ring(poly_buf *b, bool hole)
{
    uint32_t n = (uint32_t)((b->len - b->ring_at - 4) / 8);
    set(b, b->ring_at, n | (hole ? DC_RING_HOLE : 0));
}

/* A random walk of short steps on the lattice, some along sub-cell lines,
 * some of length 0 (a repeated vertex), closed by its last edge. */
static void walk_ring(poly_buf *b, int64_t lat, int64_t lon, int edges)
{
    begin_ring(b);
    for (int i = 0; i < edges; i++) {
        point(b, lat, lon);
        if (rnd(10) == 0) { /* to the nearest sub-cell line, then along it */
            lat -= (lat - LAT0) % 25000;
            lon += ((int64_t)rnd(7) - 3) * STEP;
        } else if (rnd(40) == 0) { /* a long edge, over sub-cells */
            lat += ((int64_t)rnd(161) - 80) * STEP;
            lon += ((int64_t)rnd(161) - 80) * STEP;
        } else {
            lat += ((int64_t)rnd(7) - 3) * STEP;
            lon += ((int64_t)rnd(7) - 3) * STEP;
        }
        if (lat < LAT0 - 200000) lat += 10 * STEP;
        if (lat > LAT0 + 1700000) lat -= 10 * STEP;
        if (lon < LON0 - 200000) lon += 10 * STEP;
        if (lon > LON0 + 1700000) lon -= 10 * STEP;
    }
    end_ring(b, false);
}

/* A star around (lat, lon) of @p n points at lattice radii up to @p r. */
static void star_ring(poly_buf *b, int64_t lat, int64_t lon, int n, int64_t r, bool hole)
{
    static const int dir[8][2] = {{1, 0},  {1, 1},   {0, 1},  {-1, 1},
                                  {-1, 0}, {-1, -1}, {0, -1}, {1, -1}};
    begin_ring(b);
    for (int i = 0; i < n; i++) {
        const int *d = dir[(size_t)i * 8 / (size_t)n];
        int64_t k = (r / STEP / 4) + rnd((uint32_t)(r / STEP * 3 / 4));
        point(b, lat + d[0] * k * STEP, lon + d[1] * k * STEP);
    }
    end_ring(b, hole);
}

static dc_polygon draw_zone(int z)
{
    poly_buf b = {0};
    put(&b, 0);
    int64_t lat = LAT0 + (int64_t)rnd(2000) * STEP,
            lon = LON0 + (int64_t)rnd(2000) * STEP;
    switch (z % 4) {
    case 0:
    case 1:
        walk_ring(&b, lat, lon, walk_edges);
        break;
    case 2: /* a star with a hole, and a second part */
        star_ring(&b, lat, lon, 48, 400000, false);
        star_ring(&b, lat, lon, 16, 60000, true);
        star_ring(&b, lat + 300000, lon - 300000, 24, 100000, false);
        break;
    default: /* a walk, and a star with a walk-shaped hole */
        walk_ring(&b, lat, lon, walk_edges / 2);
        star_ring(&b, LAT0 + 750000, LON0 + 750000, 64, 700000, false);
        walk_ring(&b, LAT0 + 750000, LON0 + 750000, walk_edges / 4);
        b.p[b.ring_at + 3] |= 0x80; /* its hole flag */
        break;
    }
    return (dc_polygon){b.p, b.len};
}

/* ---- the reference ------------------------------------------------------------- */

static int orient(int64_t ay, int64_t ax, int64_t by, int64_t bx, int64_t py, int64_t px)
{
    int64_t l = (bx - ax) * (py - ay), r = (by - ay) * (px - ax);
    return l > r ? 1 : l < r ? -1 : 0;
}

/* Does segment (a, b) meet the closed square [y, y + side] x [x, x + side]? */
static bool meets(const int32_t *a, const int32_t *b, int64_t y, int64_t x, int64_t side)
{
    if ((a[0] < y && b[0] < y) || (a[0] > y + side && b[0] > y + side) ||
        (a[1] < x && b[1] < x) || (a[1] > x + side && b[1] > x + side))
        return false;
    int pos = 0, neg = 0;
    for (int c = 0; c < 4; c++) {
        int o = orient(a[0], a[1], b[0], b[1], y + (c / 2) * side, x + (c % 2) * side);
        pos += o > 0;
        neg += o < 0;
    }
    return pos < 4 && neg < 4;
}

static bool on_segment(const int32_t *a, const int32_t *b, int64_t y, int64_t x)
{
    return orient(a[0], a[1], b[0], b[1], y, x) == 0 &&
           y >= (a[0] < b[0] ? a[0] : b[0]) && y <= (a[0] < b[0] ? b[0] : a[0]) &&
           x >= (a[1] < b[1] ? a[1] : b[1]) && x <= (a[1] < b[1] ? b[1] : a[1]);
}

typedef struct out_buf {
    uint8_t *p;
    size_t len, cap;
} out_buf;

static void out_bytes(out_buf *o, uint64_t v, int n)
{
    if (o->len + 8 > o->cap) {
        o->cap = o->cap ? 2 * o->cap : 4096;
        o->p = realloc(o->p, o->cap);
        assert_non_null(o->p);
    }
    for (int i = 0; i < n; i++)
        o->p[o->len++] = (uint8_t)(v >> (8 * i));
}

static void out_append(out_buf *o, const out_buf *from)
{
    for (size_t i = 0; i < from->len; i++)
        out_bytes(o, from->p[i], 1);
}

/* A candidate's entry in a square: its runs (ring, first, edges) and flags. */
typedef struct ref_entry {
    uint32_t k, nruns, edges, flags;
    uint32_t (*runs)[3];
} ref_entry;

/* The entry of zone @p p in the square, from every edge of every ring. */
static ref_entry entry_of(const dc_polygon *p, uint32_t k, int64_t y, int64_t x,
                          int64_t side)
{
    ref_entry e = {k, 0, 0, 0, NULL};
    int64_t cy = y + side / 2, cx = x + side / 2;
    uint32_t nrings = dc_get_le32(p->data);
    size_t at = 4;
    for (uint32_t r = 0; r < nrings; r++) {
        uint32_t n = dc_get_le32(p->data + at) & ~DC_RING_HOLE;
        const uint8_t *v = p->data + at + 4;
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *q = v + 8 * ((i + 1) % n);
            int32_t a[2] = {dc_get_i32(v + 8 * i), dc_get_i32(v + 8 * i + 4)};
            int32_t b[2] = {dc_get_i32(q), dc_get_i32(q + 4)};
            if (!meets(a, b, y, x, side)) continue;
            if (on_segment(a, b, cy, cx) && !(e.flags & 2)) {
                e.flags |= 2;
                on_edge_centres++;
            }
            e.edges++;
            if (e.nruns && e.runs[e.nruns - 1][0] == r &&
                e.runs[e.nruns - 1][1] + e.runs[e.nruns - 1][2] == i) {
                e.runs[e.nruns - 1][2]++;
                continue;
            }
            e.runs = realloc(e.runs, (e.nruns + 1) * sizeof *e.runs);
            assert_non_null(e.runs);
            e.runs[e.nruns][0] = r;
            e.runs[e.nruns][1] = i;
            e.runs[e.nruns++][2] = 1;
        }
        at += 4 + 8 * (size_t)n;
    }
    if (dc_polygon_contains(p, (int32_t)cy, (int32_t)cx)) e.flags |= 1;
    return e;
}

/* The entries of a square: the candidates with a touching edge or holding
 * its centre, up to the first that holds it with none. */
static size_t entries_of(const dc_polygon *zones, uint32_t ncand, int64_t y, int64_t x,
                         int64_t side, ref_entry *list, uint32_t *edges)
{
    size_t n = 0;
    *edges = 0;
    for (uint32_t k = 0; k < ncand; k++) {
        ref_entry e = entry_of(&zones[k], k, y, x, side);
        if (e.nruns == 0 && !(e.flags & 1)) continue;
        list[n++] = e;
        *edges += e.edges;
        if (e.nruns == 0) break;
    }
    return n;
}

/* An entries record; the entries freed. */
static void put_entries(out_buf *o, ref_entry *list, size_t n)
{
    out_bytes(o, n, 2);
    out_bytes(o, 0, 2);
    for (size_t i = 0; i < n; i++) {
        out_bytes(o, list[i].k, 2);
        out_bytes(o, list[i].flags, 1);
        out_bytes(o, 0, 1);
        out_bytes(o, list[i].nruns, 4);
        for (uint32_t r = 0; r < list[i].nruns; r++)
            for (int f = 0; f < 3; f++)
                out_bytes(o, list[i].runs[r][f], 4);
        free(list[i].runs);
    }
}

static void free_entries(ref_entry *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].runs);
}

/* A square's word for these entries, or 0x8000 for a border. */
static uint32_t word_of(const ref_entry *list, size_t n)
{
    if (n == 0) return 0xffff;
    return list[0].nruns == 0 ? list[0].k : 0x8000;
}

/* A split record for the sub-cell at (y, x). */
static void put_split(out_buf *o, const dc_polygon *zones, uint32_t ncand, int64_t y,
                      int64_t x, ref_entry *list)
{
    uint32_t words[16], offs[16], nb = 0, edges;
    out_buf recs = {0};
    split_cells++;
    for (int s = 0; s < 16; s++) {
        size_t n = entries_of(zones, ncand, y + (s / 4) * 6250, x + (s % 4) * 6250, 6250,
                              list, &edges);
        words[s] = word_of(list, n);
        if (words[s] != 0x8000) {
            free_entries(list, n);
            continue;
        }
        offs[nb] = (uint32_t)recs.len;
        words[s] |= nb++;
        put_entries(&recs, list, n);
    }
    out_bytes(o, 0, 2);
    out_bytes(o, 1, 2);
    for (int s = 0; s < 16; s++)
        out_bytes(o, words[s], 2);
    for (uint32_t b = 0; b < nb; b++)
        out_bytes(o, 4 + 32 + 4 * nb + offs[b], 4);
    out_append(o, &recs);
    free(recs.p);
}

/* The value of zone grid cell @p cell with candidates @p zones. */
static void reference_value(const dc_polygon *zones, uint32_t ncand, uint32_t cell,
                            out_buf *o)
{
    uint32_t words[400], offs[400], nb = 0, edges;
    out_buf recs = {0};
    ref_entry *list = calloc(ncand + 1, sizeof *list);
    assert_non_null(list);
    for (uint32_t i = 0; i < 400; i++) {
        int64_t row = (int64_t)(cell / 7200) * 20 + i / 20,
                col = (int64_t)(cell % 7200) * 20 + i % 20;
        int64_t y = row * 25000 - 900000000, x = col * 25000 - 1800000000;
        size_t n = entries_of(zones, ncand, y, x, 25000, list, &edges);
        words[i] = word_of(list, n);
        if (words[i] != 0x8000) {
            free_entries(list, n);
            continue;
        }
        offs[nb] = (uint32_t)recs.len;
        words[i] |= nb++;
        if (edges > 16) {
            free_entries(list, n);
            put_split(&recs, zones, ncand, y, x, list);
        } else {
            put_entries(&recs, list, n);
        }
    }
    o->len = 0;
    for (uint32_t i = 0; i < 400; i++)
        out_bytes(o, words[i], 2);
    for (uint32_t b = 0; b < nb; b++)
        out_bytes(o, 800 + 4 * nb + offs[b], 4);
    out_append(o, &recs);
    free(recs.p);
    free(list);
}

/* ---- the test ------------------------------------------------------------------ */

static void value_bytes_match_the_reference(void **state)
{
    (void)state;
    dc_polygon polys[NZONES];
    dc_zc_zone zones[NZONES];
    uint8_t postcodes[4 * NZONES];
    for (int z = 0; z < NZONES; z++) {
        polys[z] = draw_zone(z);
        assert_int_equal(dc_polygon_validate(&polys[z]), DC_OK);
        zones[z] = (dc_zc_zone){10000 + 7 * (uint32_t)z, polys[z]};
        dc_put_le32(postcodes + 4 * z, zones[z].postcode);
    }
    dc_zonecells *zc;
    assert_int_equal(dc_zonecells_prepare(zones, NZONES, &zc), DC_OK);
    uint32_t first = dc_zonegrid_cell(LAT0, LON0);
    uint8_t *buf = NULL;
    size_t cap = 0, size;
    out_buf want = {0};
    for (uint32_t dr = 0; dr < 3; dr++)
        for (uint32_t dc = 0; dc < 3; dc++) {
            uint32_t cell = first + dr * DC_ZONEGRID_COLS + dc;
            /* every zone a candidate, and only the last two */
            for (uint32_t from = 0; from < NZONES; from += NZONES - 2) {
                assert_int_equal(dc_zonecells_value(zc, cell, postcodes + 4 * from,
                                                    NZONES - from, &buf, &cap, &size),
                                 DC_OK);
                reference_value(polys + from, NZONES - from, cell, &want);
                if (size != want.len || memcmp(buf, want.p, size) != 0) {
                    size_t i = 0;
                    while (i < size && i < want.len && buf[i] == want.p[i])
                        i++;
                    fail_msg("cell %u (candidates from %u): %zu bytes, the reference "
                             "%zu; first difference at byte %zu",
                             cell, from, size, want.len, i);
                }
            }
        }
    /* The drawing must reach what it was drawn for. */
    printf("%zu split sub-cells, %zu centres on an edge\n", split_cells, on_edge_centres);
    assert_true(split_cells > 50);
    assert_true(on_edge_centres > 20);
    free(want.p);
    free(buf);
    dc_zonecells_free(zc);
    for (int z = 0; z < NZONES; z++)
        free((void *)polys[z].data);
}

int main(int argc, char **argv)
{
    if (argc > 1) walk_edges = atoi(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(value_bytes_match_the_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
