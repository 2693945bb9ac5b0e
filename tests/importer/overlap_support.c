/*
 * overlap_support.c - the reference overlap test, the e7 encoder and the
 * fractal map generator (overlap_support.h).
 */
#include "overlap_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reference: importer/src/overlap.c before the edge index ---- */
/* A vertex, doubled so that edge midpoints are exact integers too. */
typedef struct dc_pt {
    int64_t lat, lon;
} dc_pt;

static dc_pt vertex(const dc_ring *ring, uint32_t i)
{
    int32_t lat, lon;
    dc_ring_vertex(ring, i, &lat, &lon);
    dc_pt v = {2 * (int64_t)lat, 2 * (int64_t)lon};
    return v;
}

/* Walk every edge (a, b) of every ring of a polygon. */
typedef struct dc_edges {
    const dc_polygon *p;
    size_t offset;
    dc_ring ring;
    uint32_t i;
} dc_edges;

static void edges_begin(dc_edges *e, const dc_polygon *p)
{
    e->p = p;
    e->offset = 0;
    e->ring.npoints = e->i = 0;
}

static bool edges_next(dc_edges *e, dc_pt *a, dc_pt *b)
{
    if (e->i == e->ring.npoints) {
        if (!dc_polygon_next_ring(e->p, &e->offset, &e->ring)) return false;
        e->i = 0;
    }
    *a = vertex(&e->ring, e->i);
    *b = vertex(&e->ring, (e->i + 1) % e->ring.npoints);
    e->i++;
    return true;
}

static int sign(int64_t v)
{
    return (v > 0) - (v < 0);
}

/* Which side of the line a->b the point c is on: 1 left, -1 right, 0 on it. */
static int orient(dc_pt a, dc_pt b, dc_pt c)
{
    return sign((b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon));
}

static bool on_segment(dc_pt a, dc_pt b, dc_pt c)
{
    return orient(a, b, c) == 0 && (c.lat >= (a.lat < b.lat ? a.lat : b.lat)) &&
           (c.lat <= (a.lat > b.lat ? a.lat : b.lat)) &&
           (c.lon >= (a.lon < b.lon ? a.lon : b.lon)) &&
           (c.lon <= (a.lon > b.lon ? a.lon : b.lon));
}

/* 1 strictly inside, 0 on the boundary, -1 outside (even-odd rule). */
static int classify(const dc_polygon *p, dc_pt c)
{
    dc_edges e;
    dc_pt a, b;
    bool inside = false;
    edges_begin(&e, p);
    while (edges_next(&e, &a, &b)) {
        if (on_segment(a, b, c)) return 0;
        if ((a.lat > c.lat) != (b.lat > c.lat)) {
            /* Does the edge cross the eastward ray from c? */
            int64_t lhs = (c.lon - a.lon) * (b.lat - a.lat);
            int64_t rhs = (c.lat - a.lat) * (b.lon - a.lon);
            if (b.lat > a.lat ? lhs < rhs : lhs > rhs) inside = !inside;
        }
    }
    return inside ? 1 : -1;
}

/* A vertex or an edge midpoint of @p a strictly inside @p b. */
static bool point_of_inside(const dc_polygon *a, const dc_polygon *b)
{
    dc_edges e;
    dc_pt p, q;
    edges_begin(&e, a);
    while (edges_next(&e, &p, &q)) {
        dc_pt mid = {(p.lat + q.lat) / 2, (p.lon + q.lon) / 2};
        if (classify(b, p) > 0 || classify(b, mid) > 0) return true;
    }
    return false;
}

static bool proper_crossing(const dc_polygon *a, const dc_polygon *b)
{
    dc_edges ea, eb;
    dc_pt p, q, r, s;
    edges_begin(&ea, a);
    while (edges_next(&ea, &p, &q)) {
        edges_begin(&eb, b);
        while (edges_next(&eb, &r, &s))
            if (orient(p, q, r) * orient(p, q, s) < 0 &&
                orient(r, s, p) * orient(r, s, q) < 0)
                return true;
    }
    return false;
}

bool ref_polygons_overlap(const dc_polygon *a, const dc_polygon *b)
{
    if (a->size == b->size && memcmp(a->data, b->data, a->size) == 0) return true;
    return point_of_inside(a, b) || point_of_inside(b, a) || proper_crossing(a, b);
}

/* ---- encoding, as importer/src/zones.c does ---- */

typedef struct blob {
    uint8_t *data;
    size_t size, cap;
} blob;

static void put_u32(blob *b, uint32_t v)
{
    if (b->size + 4 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->data = realloc(b->data, b->cap);
        if (!b->data) abort();
    }
    for (int i = 0; i < 4; i++)
        b->data[b->size++] = (uint8_t)(v >> (8 * i));
}

static void set_u32(blob *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->data[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static int encode_ring(blob *b, OGRGeometryH ring, uint32_t flags)
{
    size_t header = b->size;
    uint32_t n = 0;
    int32_t first_lat = 0, first_lon = 0, prev_lat = 0, prev_lon = 0;
    put_u32(b, 0);
    for (int i = 0; i < OGR_G_GetPointCount(ring); i++) {
        int32_t lat = (int32_t)llround(OGR_G_GetY(ring, i) * 1e7);
        int32_t lon = (int32_t)llround(OGR_G_GetX(ring, i) * 1e7);
        if (n > 0 && lat == prev_lat && lon == prev_lon) continue;
        if (n == 0) {
            first_lat = lat;
            first_lon = lon;
        }
        put_u32(b, (uint32_t)lat);
        put_u32(b, (uint32_t)lon);
        prev_lat = lat;
        prev_lon = lon;
        n++;
    }
    if (n > 1 && prev_lat == first_lat && prev_lon == first_lon) {
        b->size -= 8;
        n--;
    }
    if (n < 3) {
        b->size = header;
        return 0;
    }
    set_u32(b, header, n | flags);
    return 1;
}

dc_polygon support_encode(OGRGeometryH mp)
{
    blob b = {0};
    uint32_t nrings = 0;
    put_u32(&b, 0);
    for (int i = 0; i < OGR_G_GetGeometryCount(mp); i++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(mp, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
            int rc = encode_ring(&b, OGR_G_GetGeometryRef(poly, r), r ? DC_RING_HOLE : 0);
            if (rc == 0 && r == 0) break;
            nrings += (uint32_t)rc;
        }
    }
    set_u32(&b, 0, nrings);
    if (nrings == 0) b.size = 0;
    dc_polygon p = {b.data, b.size};
    return p;
}

/* ---- fractal maps ---- */

uint64_t support_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9e3779b97f4a7c15u;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1du;
}

double support_uniform(uint64_t *state)
{
    return (double)(support_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct gpt {
    double lat, lon;
} gpt;

/* A border as drawn: n + 1 points from p to q. */
typedef struct border {
    gpt *pt;
    int n;
} border;

/* Midpoint displacement over d[lo..hi]; Hurst exponent 0.7. */
static void displace(double *d, int lo, int hi, int n, uint64_t *rng)
{
    if (hi - lo < 2) return;
    int mid = lo + (hi - lo) / 2;
    double scale = pow((double)(hi - lo) / n, 0.7);
    d[mid] = (d[lo] + d[hi]) / 2 + (2 * support_uniform(rng) - 1) * 0.6 * scale;
    displace(d, lo, mid, n, rng);
    displace(d, mid, hi, n, rng);
}

/* The points stand at increasing positions along the chord and move only
 * across it, within an envelope that narrows to the corners: a border is
 * the graph of a function over its chord and never meets another. */
static border draw_border(gpt p, gpt q, int n, uint64_t *rng)
{
    border b = {malloc((size_t)(n + 1) * sizeof *b.pt), n};
    double *d = calloc((size_t)n + 1, sizeof *d);
    if (!b.pt || !d) abort();
    displace(d, 0, n, n, rng);
    double dlat = q.lat - p.lat, dlon = q.lon - p.lon;
    for (int k = 0; k <= n; k++) {
        double t = (double)k / n;
        if (k > 0 && k < n) t += (support_uniform(rng) - 0.5) * 0.5 / n;
        double off = fmax(-1.0, fmin(1.0, d[k])) * 0.1 * 4 * t * (1 - t);
        b.pt[k].lat = p.lat + t * dlat + off * dlon;
        b.pt[k].lon = p.lon + t * dlon - off * dlat;
    }
    b.pt[0] = p;
    b.pt[n] = q;
    free(d);
    return b;
}

/* The second digitisation: interior points moved across the chord. */
static border redigitise(border a, double noise_deg, uint64_t *rng)
{
    border b = {malloc((size_t)(a.n + 1) * sizeof *b.pt), a.n};
    if (!b.pt) abort();
    gpt p = a.pt[0], q = a.pt[a.n];
    double len = hypot(q.lat - p.lat, q.lon - p.lon);
    double ulat = (q.lon - p.lon) / len, ulon = -(q.lat - p.lat) / len;
    for (int k = 0; k <= a.n; k++) {
        double e = (k > 0 && k < a.n) ? (2 * support_uniform(rng) - 1) * noise_deg : 0;
        b.pt[k].lat = a.pt[k].lat + e * ulat;
        b.pt[k].lon = a.pt[k].lon + e * ulon;
    }
    return b;
}

static void add_border(OGRGeometryH ring, border b, int reverse)
{
    for (int k = 0; k < b.n; k++) {
        gpt v = b.pt[reverse ? b.n - k : k];
        OGR_G_AddPoint_2D(ring, v.lon, v.lat);
    }
}

size_t support_fractal_map(const support_map_spec *spec, OGRGeometryH *zones)
{
    size_t cols = (size_t)ceil(sqrt((double)spec->zones));
    size_t rows = (spec->zones + cols - 1) / cols;
    uint64_t rng = spec->seed * 0x9e3779b97f4a7c15u + 1;
    gpt *node = malloc((rows + 1) * (cols + 1) * sizeof *node);
    /* h[r][c]: node(r,c) -> node(r,c+1); v[r][c]: node(r,c) -> node(r+1,c).
     * [0] as drawn, [1] as redigitised. */
    border *h[2], *v[2];
    for (int k = 0; k < 2; k++) {
        h[k] = calloc((rows + 1) * cols, sizeof *h[k]);
        v[k] = calloc(rows * (cols + 1), sizeof *v[k]);
        if (!h[k] || !v[k]) abort();
    }
    if (!node) abort();
    double cell = spec->cell_deg, noise = spec->noise_m / 111320.0;
    for (size_t r = 0; r <= rows; r++)
        for (size_t c = 0; c <= cols; c++) {
            double jlat = (r > 0 && r < rows) ? (support_uniform(&rng) - 0.5) * 0.2 : 0;
            double jlon = (c > 0 && c < cols) ? (support_uniform(&rng) - 0.5) * 0.2 : 0;
            node[r * (cols + 1) + c].lat = 21.0 + ((double)r + jlat) * cell;
            node[r * (cols + 1) + c].lon = 103.0 + ((double)c + jlon) * cell;
        }
    int span = spec->max_seg - spec->min_seg + 1;
    for (size_t r = 0; r <= rows; r++)
        for (size_t c = 0; c <= cols; c++) {
            gpt p = node[r * (cols + 1) + c];
            if (c < cols) {
                int n = spec->min_seg + (int)(support_rand(&rng) % (uint64_t)span);
                border b = draw_border(p, node[r * (cols + 1) + c + 1], n, &rng);
                h[0][r * cols + c] = b;
                h[1][r * cols + c] = redigitise(b, noise, &rng);
            }
            if (r < rows) {
                int n = spec->min_seg + (int)(support_rand(&rng) % (uint64_t)span);
                border b = draw_border(p, node[(r + 1) * (cols + 1) + c], n, &rng);
                v[0][r * (cols + 1) + c] = b;
                v[1][r * (cols + 1) + c] = redigitise(b, noise, &rng);
            }
        }
    size_t vertices = 0;
    for (size_t z = 0; z < spec->zones; z++) {
        size_t r = z / cols, c = z % cols;
        /* The outer edge of the map has no neighbour to disagree with. */
        int north = r + 1 < rows && z + cols < spec->zones;
        int east = c + 1 < cols && z + 1 < spec->zones;
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        add_border(ring, h[0][r * cols + c], 0);
        add_border(ring, v[east][r * (cols + 1) + c + 1], 0);
        add_border(ring, h[north][(r + 1) * cols + c], 1);
        add_border(ring, v[0][r * (cols + 1) + c], 1);
        OGR_G_CloseRings(ring);
        vertices += (size_t)OGR_G_GetPointCount(ring) - 1;
        OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
        OGR_G_AddGeometryDirectly(poly, ring);
        zones[z] = OGR_G_CreateGeometry(wkbMultiPolygon);
        OGR_G_AddGeometryDirectly(zones[z], poly);
    }
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < (rows + 1) * cols; i++)
            free(h[k][i].pt);
        for (size_t i = 0; i < rows * (cols + 1); i++)
            free(v[k][i].pt);
        free(h[k]);
        free(v[k]);
    }
    free(node);
    return vertices;
}
