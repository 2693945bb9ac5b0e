/*
 * overlap.c - which zones share interior, and how much.
 *
 * Two neighbouring zones of ten thousand vertices each meet along one
 * border. Each zone's edges are loaded once, as integers and as doubles,
 * in runs of consecutive edges with a box each, and in latitude bands
 * over the whole zone. A pair takes from the runs only the edges in the
 * window where the two bounding boxes meet; a uniform grid over those
 * finds the edge pairs that can cross, and the other zone's bands find
 * the edges a ray from a point, towards the nearer side of that zone, can
 * cross. A run clear of the other zone is placed once for its 16 edges.
 * So a pair costs the edges of its window and the few edges its points'
 * rays read, not the two zones' vertex counts, and not their product.
 *
 * A zone is loaded when its first pair is taken and freed after its last;
 * the pairs are taken in a west-to-east sweep, so memory holds the zones
 * the sweep is crossing, not the map.
 *
 * The answers are those of the pair-at-a-time code this replaced, bit for
 * bit: each side sees the window's edges in the same order, indexed by
 * the same grid, and a band holds every edge that the point tests read
 * (their outcome does not depend on the order they are read in).
 */
#include "overlap.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Consecutive edges of a ring under one box. */
#define DC_RUN 16

/* Edges a latitude band of a zone holds, about. The exact test places
 * few points (most pairs one), so its bands are cheap to build rather
 * than quick to read; the measure places one or two a window's edge. */
#define DC_IBAND 8
#define DC_FBAND 2

/* x is longitude, y latitude, in whatever unit the caller's edges use. */
typedef struct dc_box {
    double x0, y0, x1, y1;
} dc_box;

static const dc_box box_none = {INFINITY, INFINITY, -INFINITY, -INFINITY};

static bool box_meets(const dc_box *a, const dc_box *b)
{
    return a->x0 <= b->x1 && b->x0 <= a->x1 && a->y0 <= b->y1 && b->y0 <= a->y1;
}

static dc_box box_meet(const dc_box *a, const dc_box *b)
{
    dc_box w = {fmax(a->x0, b->x0), fmax(a->y0, b->y0), fmin(a->x1, b->x1),
                fmin(a->y1, b->y1)};
    return w;
}

/* fmin and fmax, inlined: nothing here is NaN, and a zero's sign does
 * not change how a box compares. */
static double min2(double a, double b)
{
    return a < b ? a : b;
}

static double max2(double a, double b)
{
    return a > b ? a : b;
}

static void box_add(dc_box *b, const dc_box *x)
{
    if (x->x0 < b->x0) b->x0 = x->x0;
    if (x->y0 < b->y0) b->y0 = x->y0;
    if (x->x1 > b->x1) b->x1 = x->x1;
    if (x->y1 > b->y1) b->y1 = x->y1;
}

/* @p p with room for @p need items of @p size (*cap of them now); when
 * out of memory, @p p as it was and *rc set to -1. */
static void *grow(void *p, size_t *cap, size_t need, size_t size, int *rc)
{
    if (need <= *cap) return p;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *x = realloc(p, c * size);
    if (!x) {
        *rc = -1;
        return p;
    }
    *cap = c;
    return x;
}

/* ---- a grid over one pair's window ---- */

/* A uniform grid of cells over a window; each cell lists the edges whose
 * box meets it. Its arrays are kept from pair to pair. */
typedef struct dc_span {
    uint32_t c0, c1, r0, r1;
} dc_span;

typedef struct dc_grid {
    double x0, y0, cw, ch;
    uint32_t cols, rows;
    uint32_t *start; /* rows * cols + 1 offsets into item */
    uint32_t *item;
    dc_span *span; /* each edge's cells */
    size_t start_cap, item_cap, span_cap;
} dc_grid;

/* The cell of v: floor((v - lo) / size), clamped. It never decreases as v
 * grows, so an edge's cell span holds the cell of every point on it. */
static uint32_t cell_of(double v, double lo, double size, uint32_t n)
{
    if (n == 1) return 0;
    double k = (v - lo) / size;
    if (!(k > 0)) return 0;
    return k >= n ? n - 1 : (uint32_t)k;
}

static dc_span grid_span(const dc_grid *g, const dc_box *b)
{
    dc_span s = {
        cell_of(b->x0, g->x0, g->cw, g->cols), cell_of(b->x1, g->x0, g->cw, g->cols),
        cell_of(b->y0, g->y0, g->ch, g->rows), cell_of(b->y1, g->y0, g->ch, g->rows)};
    return s;
}

static void grid_shape(dc_grid *g, const dc_box *w, size_t cells)
{
    double wx = w->x1 - w->x0, wy = w->y1 - w->y0;
    double cols = 1;
    if (wx > 0 && wy > 0) cols = round(sqrt((double)cells * wx / wy));
    cols = fmin(fmax(cols, 1), 4096);
    double rows = fmin(fmax(round((double)cells / cols), 1), 1u << 20);
    g->cols = (uint32_t)cols;
    g->rows = (uint32_t)rows;
    g->x0 = w->x0;
    g->y0 = w->y0;
    g->cw = wx > 0 && g->cols > 1 ? wx / g->cols : 1;
    g->ch = wy > 0 ? wy / g->rows : 1;
}

static size_t grid_spans(dc_grid *g, const dc_box *boxes, size_t n)
{
    size_t entries = 0;
    for (size_t i = 0; i < n; i++) {
        dc_span s = grid_span(g, &boxes[i]);
        g->span[i] = s;
        entries += (size_t)(s.c1 - s.c0 + 1) * (s.r1 - s.r0 + 1);
    }
    return entries;
}

/* Index @p n edges, every one meeting @p w: about two per cell, fewer
 * cells when long edges would repeat in too many. 0, or -1 out of memory. */
static int grid_build(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n)
{
    int rc = 0;
    g->span = grow(g->span, &g->span_cap, n + 1, sizeof *g->span, &rc);
    if (rc != 0) return -1;
    size_t entries;
    for (size_t cells = n / 2 + 1;; cells /= 4) {
        grid_shape(g, w, cells);
        entries = grid_spans(g, boxes, n);
        if (entries <= 8 * n + 64 || cells <= 1) break;
    }
    size_t ncells = (size_t)g->cols * g->rows;
    g->start = grow(g->start, &g->start_cap, ncells + 1, sizeof *g->start, &rc);
    g->item = grow(g->item, &g->item_cap, entries + 1, sizeof *g->item, &rc);
    if (rc != 0) return -1;
    memset(g->start, 0, (ncells + 1) * sizeof *g->start);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            dc_span s = g->span[i];
            for (uint32_t r = s.r0; r <= s.r1; r++)
                for (uint32_t c = s.c0; c <= s.c1; c++) {
                    size_t k = (size_t)r * g->cols + c;
                    if (pass == 0)
                        g->start[k + 1]++;
                    else
                        g->item[g->start[k]++] = (uint32_t)i;
                }
        }
        if (pass == 0)
            for (size_t k = 0; k < ncells; k++)
                g->start[k + 1] += g->start[k];
    }
    /* The fill pass advanced every start to the next cell's: shift back. */
    memmove(g->start + 1, g->start, ncells * sizeof *g->start);
    g->start[0] = 0;
    return 0;
}

static void grid_free(dc_grid *g)
{
    free(g->start);
    free(g->item);
    free(g->span);
}

/* ---- latitude bands over one zone ---- */

/* Each band lists the edges of a zone whose latitudes reach it, wherever
 * their longitude, from west to east by a bucket of their western end: a
 * ray from a point along its latitude can cross only those of its band,
 * and one towards the nearer side of the zone reads only the edges on
 * that side. Edges are numbered by the slot of their first vertex. */
typedef struct dc_bands {
    double y0, yscale; /* band of y: (y - y0) * yscale, clamped */
    double x0, xscale; /* bucket of x, the same way */
    uint32_t rows, buckets;
    uint32_t *start; /* rows + 1 offsets into item */
    uint32_t *item;
    double *width; /* the widest edge of each band, in longitude */
} dc_bands;

/* The box of the edge a slot starts; y0 > y1 for a slot that starts none. */
typedef dc_box dc_yspan;

/* floor((v - lo) * scale), clamped to 0..n-1; never decreases as v grows,
 * like cell_of. */
static uint32_t scaled(double v, double lo, double scale, uint32_t n)
{
    double k = (v - lo) * scale;
    if (!(k > 0)) return 0;
    return k >= n ? n - 1 : (uint32_t)k;
}

static uint32_t band_of(const dc_bands *b, double y)
{
    return scaled(y, b->y0, b->yscale, b->rows);
}

static uint32_t bucket_of(const dc_bands *b, double x)
{
    return scaled(x, b->x0, b->xscale, b->buckets);
}

static double scale_of(double lo, double hi, size_t n)
{
    return hi > lo ? (double)n / (hi - lo) : 0;
}

/* The bands an edge reaches, and the bucket of its western end. */
typedef struct dc_reach {
    uint32_t r0, r1, bucket;
} dc_reach;

static size_t bands_shape(dc_bands *b, const dc_box *all, size_t rows, const dc_yspan *ys,
                          size_t n, dc_reach *reach)
{
    b->rows = (uint32_t)rows;
    b->y0 = all->y0;
    b->yscale = scale_of(all->y0, all->y1, rows);
    size_t entries = 0;
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) {
            reach[k].r0 = band_of(b, ys[k].y0);
            reach[k].r1 = band_of(b, ys[k].y1);
            entries += reach[k].r1 - reach[k].r0 + 1;
        }
    return entries;
}

/* The slots of the @p nedges edges by bucket of their western end (a
 * counting sort, a bucket an edge) into @p order; 0, or -1 out of memory. */
static int bands_order(dc_bands *b, const dc_box *all, const dc_yspan *ys, size_t n,
                       size_t nedges, dc_reach *reach, uint32_t *order)
{
    b->buckets = (uint32_t)(nedges + 1);
    b->x0 = all->x0;
    b->xscale = scale_of(all->x0, all->x1, b->buckets);
    uint32_t *count = calloc((size_t)b->buckets + 1, sizeof *count);
    if (!count) return -1;
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) {
            reach[k].bucket = bucket_of(b, ys[k].x0);
            count[reach[k].bucket + 1]++;
        }
    for (uint32_t q = 0; q < b->buckets; q++)
        count[q + 1] += count[q];
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) order[count[reach[k].bucket]++] = (uint32_t)k;
    free(count);
    return 0;
}

static void bands_fill(dc_bands *b, const dc_yspan *ys, const dc_reach *reach,
                       const uint32_t *order, size_t nedges)
{
    for (size_t i = 0; i < nedges; i++)
        for (uint32_t r = reach[order[i]].r0; r <= reach[order[i]].r1; r++)
            b->start[r + 1]++;
    for (uint32_t r = 0; r < b->rows; r++)
        b->start[r + 1] += b->start[r];
    for (size_t i = 0; i < nedges; i++) {
        const dc_yspan *e = &ys[order[i]];
        for (uint32_t r = reach[order[i]].r0; r <= reach[order[i]].r1; r++) {
            b->item[b->start[r]++] = order[i];
            b->width[r] = max2(b->width[r], e->x1 - e->x0);
        }
    }
    memmove(b->start + 1, b->start, (size_t)b->rows * sizeof *b->start);
    b->start[0] = 0;
}

/* Bands over @p all's latitudes for the @p nedges edges among the @p n
 * slots of @p ys: about @p per_band edges a band. 0, or -1 out of memory. */
static int bands_build(dc_bands *b, const dc_yspan *ys, size_t n, size_t nedges,
                       size_t per_band, const dc_box *all)
{
    dc_reach *reach = malloc((n + 1) * sizeof *reach);
    uint32_t *order = malloc((nedges + 1) * sizeof *order);
    int rc = -1;
    if (!reach || !order) goto done;
    size_t entries;
    for (size_t rows = nedges / per_band + 1;; rows /= 4) {
        entries = bands_shape(b, all, rows, ys, n, reach);
        if (entries <= 8 * nedges + 64 || rows <= 1) break;
    }
    b->start = calloc((size_t)b->rows + 1, sizeof *b->start);
    b->item = malloc((entries + 1) * sizeof *b->item);
    b->width = calloc((size_t)b->rows + 1, sizeof *b->width);
    if (!b->start || !b->item || !b->width ||
        bands_order(b, all, ys, n, nedges, reach, order) != 0)
        goto done;
    bands_fill(b, ys, reach, order, nedges);
    rc = 0;
done:
    free(reach);
    free(order);
    return rc;
}

static void bands_free(dc_bands *b)
{
    free(b->start);
    free(b->item);
    free(b->width);
}

/* Up to DC_RUN consecutive edges, slots start..end-1 (edge k runs from
 * vertex k to vertex k + 1), and their box. */
typedef struct dc_run {
    dc_box box;
    uint32_t start, end;
} dc_run;

/* ---- the exact test, on integer rings ---- */

/* A vertex, doubled so that edge midpoints are exact integers too. */
typedef struct dc_pt {
    int64_t lat, lon;
} dc_pt;

/* A zone's integer rings, as stored, each followed by its first vertex. */
typedef struct dc_izone {
    dc_pt *v;
    dc_run *run;
    size_t nruns;
    dc_bands bands;
    dc_box all;
} dc_izone;

static void izone_free(dc_izone *z)
{
    if (!z) return;
    free(z->v);
    free(z->run);
    bands_free(&z->bands);
}

static dc_pt vertex(const dc_ring *ring, uint32_t i)
{
    int32_t lat, lon;
    dc_ring_vertex(ring, i, &lat, &lon);
    dc_pt v = {2 * (int64_t)lat, 2 * (int64_t)lon};
    return v;
}

static dc_box edge_box(dc_pt a, dc_pt b)
{
    dc_box x = {
        (double)(a.lon < b.lon ? a.lon : b.lon), (double)(a.lat < b.lat ? a.lat : b.lat),
        (double)(a.lon > b.lon ? a.lon : b.lon), (double)(a.lat > b.lat ? a.lat : b.lat)};
    return x;
}

/* One ring into slots base..base+n, its runs and the latitudes of its edges. */
static void izone_ring(dc_izone *z, const dc_ring *ring, size_t base, dc_yspan *ys)
{
    uint32_t n = ring->npoints;
    for (uint32_t i = 0; i < n; i++)
        z->v[base + i] = vertex(ring, i);
    z->v[base + n] = z->v[base];
    ys[base + n].y0 = 1;
    ys[base + n].y1 = 0;
    for (size_t s = base; s < base + n; s += DC_RUN) {
        dc_run *r = &z->run[z->nruns++];
        r->start = (uint32_t)s;
        r->end = (uint32_t)(s + DC_RUN < base + n ? s + DC_RUN : base + n);
        r->box = box_none;
        for (uint32_t k = r->start; k < r->end; k++) {
            dc_box x = edge_box(z->v[k], z->v[k + 1]);
            box_add(&r->box, &x);
            ys[k] = x;
        }
        box_add(&z->all, &r->box);
    }
}

/* Zone @p p's edges, runs and bands; 0, or -1 out of memory. */
static int izone_load(dc_izone *z, const dc_polygon *p)
{
    size_t offset = 0, slots = 0, runs = 0, base = 0, rings = 0;
    dc_ring ring;
    memset(z, 0, sizeof *z);
    z->all = box_none;
    while (dc_polygon_next_ring(p, &offset, &ring)) {
        rings++;
        slots += ring.npoints + 1;
        runs += (ring.npoints + DC_RUN - 1) / DC_RUN;
    }
    dc_yspan *ys = malloc((slots + 1) * sizeof *ys);
    z->v = malloc((slots + 1) * sizeof *z->v);
    z->run = malloc((runs + 1) * sizeof *z->run);
    int rc = -1;
    if (!ys || !z->v || !z->run) goto done;
    for (offset = 0; dc_polygon_next_ring(p, &offset, &ring); base += ring.npoints + 1)
        izone_ring(z, &ring, base, ys);
    rc = bands_build(&z->bands, ys, slots, slots - rings, DC_IBAND, &z->all);
done:
    free(ys);
    return rc;
}

/* The edges of a zone that meet one window, in the zone's order. */
typedef struct dc_iedges {
    dc_pt *a, *b;
    dc_box *box;
    size_t n, cap;
} dc_iedges;

static void iedges_free(dc_iedges *e)
{
    free(e->a);
    free(e->b);
    free(e->box);
}

static int iedges_reserve(dc_iedges *e, size_t more)
{
    size_t need = e->n + more, ca = e->cap, cb = e->cap, cbox = e->cap;
    int rc = 0;
    e->a = grow(e->a, &ca, need, sizeof *e->a, &rc);
    e->b = grow(e->b, &cb, need, sizeof *e->b, &rc);
    e->box = grow(e->box, &cbox, need, sizeof *e->box, &rc);
    if (rc == 0) e->cap = ca;
    return rc;
}

static int iedges_window(dc_iedges *e, const dc_izone *z, const dc_box *w)
{
    e->n = 0;
    for (size_t r = 0; r < z->nruns; r++) {
        const dc_run *run = &z->run[r];
        if (!box_meets(&run->box, w)) continue;
        if (iedges_reserve(e, DC_RUN) != 0) return -1;
        for (uint32_t k = run->start; k < run->end; k++) {
            dc_box x = edge_box(z->v[k], z->v[k + 1]);
            if (!box_meets(&x, w)) continue;
            e->a[e->n] = z->v[k];
            e->b[e->n] = z->v[k + 1];
            e->box[e->n++] = x;
        }
    }
    return 0;
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

/* Whether a ray from longitude @p x to the west side of a zone spanning
 * x0..x1 is the shorter. Either gives the same answer. */
static bool westward(double x, double x0, double x1)
{
    return x - x0 < x1 - x;
}

/*
 * 1 strictly inside, 0 on the boundary, -1 outside (even-odd rule). Only
 * edges whose latitudes reach c's can hold c or cross a ray along its
 * latitude: c's band. The edges that cross that latitude are even in
 * number and, c on none of them, each crosses east or west of c, so the
 * crossings on either side have the same parity: the ray goes to the
 * nearer side, and the band, in buckets of western ends, is read only as
 * far as the buckets whose edges can reach c (an edge holding c reaches
 * it from both sides); reading more changes nothing.
 */
static int classify(const dc_izone *z, dc_pt c)
{
    const dc_bands *bands = &z->bands;
    uint32_t row = band_of(bands, (double)c.lat);
    uint32_t k0 = bands->start[row], n = bands->start[row + 1] - k0;
    bool west = westward((double)c.lon, z->all.x0, z->all.x1), inside = false;
    uint32_t last =
        bucket_of(bands, west ? (double)c.lon : (double)c.lon - bands->width[row]);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t slot = bands->item[west ? k0 + i : k0 + n - 1 - i];
        dc_pt a = z->v[slot], b = z->v[slot + 1];
        double x0 = (double)(a.lon < b.lon ? a.lon : b.lon);
        uint32_t q = bucket_of(bands, x0);
        if (west ? q > last : q < last) break;
        if (on_segment(a, b, c)) return 0;
        if ((a.lat > c.lat) != (b.lat > c.lat)) {
            /* Does the edge cross east of c? */
            int64_t lhs = (c.lon - a.lon) * (b.lat - a.lat);
            int64_t rhs = (c.lat - a.lat) * (b.lon - a.lon);
            bool east = b.lat > a.lat ? lhs < rhs : lhs > rhs;
            if (east != west) inside = !inside;
        }
    }
    return inside ? 1 : -1;
}

static bool in_box(const dc_box *w, dc_pt c)
{
    return (double)c.lon >= w->x0 && (double)c.lon <= w->x1 && (double)c.lat >= w->y0 &&
           (double)c.lat <= w->y1;
}

/* A vertex or an edge midpoint of @p a strictly inside @p b. A point
 * outside the window lies outside b's bounding box, so outside b; one
 * inside it lies on an edge of a run that meets the window. The runs are
 * read as they come: a pair that overlaps mostly finds one at once. */
static bool point_of_inside(const dc_izone *a, const dc_izone *b, const dc_box *w)
{
    for (size_t r = 0; r < a->nruns; r++) {
        const dc_run *run = &a->run[r];
        if (!box_meets(&run->box, w)) continue;
        for (uint32_t k = run->start; k < run->end; k++) {
            dc_pt p = a->v[k], q = a->v[k + 1];
            dc_pt mid = {(p.lat + q.lat) / 2, (p.lon + q.lon) / 2};
            if (in_box(w, p) && classify(b, p) > 0) return true;
            if (in_box(w, mid) && classify(b, mid) > 0) return true;
        }
    }
    return false;
}

/* Two edges that cross do so at a point in both their boxes, so in a cell
 * both of them span. */
static bool proper_crossing(const dc_iedges *a, const dc_grid *grid_a, const dc_iedges *b)
{
    for (size_t j = 0; j < b->n; j++) {
        dc_pt r = b->a[j], s = b->b[j];
        dc_span sp = grid_span(grid_a, &b->box[j]);
        for (uint32_t row = sp.r0; row <= sp.r1; row++)
            for (uint32_t col = sp.c0; col <= sp.c1; col++) {
                size_t cell = (size_t)row * grid_a->cols + col;
                for (uint32_t k = grid_a->start[cell]; k < grid_a->start[cell + 1]; k++) {
                    dc_pt p = a->a[grid_a->item[k]], q = a->b[grid_a->item[k]];
                    if (orient(p, q, r) * orient(p, q, s) < 0 &&
                        orient(r, s, p) * orient(r, s, q) < 0)
                        return true;
                }
            }
    }
    return false;
}

/* ---- the shared area, on the WGS 84 geometries ---- */

/*
 * The area of A n B is the integral of x dy - y dx around its boundary,
 * which is made of the pieces of A's edges inside B, the pieces of B's
 * edges inside A, and the edges the two share with the same interior side
 * (counted once). Each edge is cut where it crosses the other polygon's
 * edges and each piece is placed by its midpoint. In doubles this is exact
 * enough wherever a piece is not within rounding of the other boundary;
 * where one is, the measure declines and GEOS decides, as it always did.
 * A pair works in coordinates relative to the middle of its window.
 */

typedef struct dc_xy {
    double x, y;
} dc_xy;

/* A ring's runs, and whether the measure reads its edges backwards: a
 * ring turned round is stored turned, and its edges are read in the
 * order the measure has always read them in, from its first vertex. */
typedef struct dc_zring {
    uint32_t run0, run1;
    bool backward;
} dc_zring;

/* A zone's rings as doubles, repeated points dropped, turned so that the
 * interior is on the left (holes run the other way round), each followed
 * by its first vertex. */
typedef struct dc_fzone {
    dc_xy *v;
    dc_run *run;
    dc_zring *ring;
    size_t nruns, nrings;
    dc_bands bands;
    dc_box all;   /* of the edges */
    dc_box shape; /* of the geometry, as OGR_G_GetEnvelope gives it */
    double slack; /* how far rounding can move a latitude relative to a window */
} dc_fzone;

static void fzone_free(dc_fzone *z)
{
    if (!z) return;
    free(z->v);
    free(z->run);
    free(z->ring);
    bands_free(&z->bands);
}

static bool xy_eq(dc_xy a, dc_xy b)
{
    return a.x == b.x && a.y == b.y;
}

/* The vertices of an OGR ring into u, repeated points dropped (the
 * closing one too); how many are left. */
static int ring_points(OGRGeometryH ring, dc_xy *u)
{
    int n = OGR_G_GetPointCount(ring), m = 0;
    OGR_G_GetPoints(ring, &u[0].x, sizeof *u, &u[0].y, sizeof *u, NULL, 0);
    for (int i = 0; i < n; i++)
        if (m == 0 || !xy_eq(u[i], u[m - 1])) u[m++] = u[i];
    while (m > 1 && xy_eq(u[m - 1], u[0]))
        m--;
    return m;
}

/* Twice the signed area, relative to the first vertex. */
static double ring_twice(const dc_xy *u, int m)
{
    double twice = 0;
    for (int i = 0; i < m; i++) {
        dc_xy a = {u[i].x - u[0].x, u[i].y - u[0].y};
        dc_xy b = {u[(i + 1) % m].x - u[0].x, u[(i + 1) % m].y - u[0].y};
        twice += a.x * b.y - b.x * a.y;
    }
    return twice;
}

/* The runs of the m edges from slot base, their box, and their latitudes
 * widened by the zone's slack. */
static void fzone_runs(dc_fzone *z, size_t base, int m, dc_yspan *ys)
{
    for (size_t s = base; s < base + (size_t)m; s += DC_RUN) {
        dc_run *r = &z->run[z->nruns++];
        r->start = (uint32_t)s;
        r->end =
            (uint32_t)(s + DC_RUN < base + (size_t)m ? s + DC_RUN : base + (size_t)m);
        r->box = box_none;
        for (uint32_t k = r->start; k < r->end; k++) {
            dc_xy a = z->v[k], b = z->v[k + 1];
            dc_box x = {min2(a.x, b.x), min2(a.y, b.y), max2(a.x, b.x), max2(a.y, b.y)};
            box_add(&r->box, &x);
            ys[k] = x;
            ys[k].y0 -= z->slack;
            ys[k].y1 += z->slack;
        }
        box_add(&z->all, &r->box);
    }
    ys[base + (size_t)m].y0 = 1;
    ys[base + (size_t)m].y1 = 0;
}

/* One ring into the slots from *base (advanced past it when kept). A ring
 * turned round is reversed in place but for its first vertex: the edges
 * the measure read as (u[i + 1], u[i]), i upwards, are then read forwards
 * from the last slot down. */
static void fzone_ring(dc_fzone *z, OGRGeometryH ring, bool hole, size_t *base,
                       dc_yspan *ys)
{
    if (OGR_G_GetPointCount(ring) < 3) return;
    dc_xy *u = z->v + *base;
    int m = ring_points(ring, u);
    double twice = ring_twice(u, m);
    if (m < 3 || twice == 0) return;
    bool reverse = hole ? twice > 0 : twice < 0;
    for (int i = 1, j = m - 1; reverse && i < j; i++, j--) {
        dc_xy t = u[i];
        u[i] = u[j];
        u[j] = t;
    }
    u[m] = u[0];
    dc_zring *zr = &z->ring[z->nrings++];
    zr->run0 = (uint32_t)z->nruns;
    zr->backward = reverse;
    fzone_runs(z, *base, m, ys);
    zr->run1 = (uint32_t)z->nruns;
    *base += (size_t)m + 1;
}

/* The slots, rings and runs a polygon or multipolygon can need. */
static size_t fzone_count(OGRGeometryH g, size_t *rings, size_t *runs)
{
    bool single = wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon;
    int parts = single ? 1 : OGR_G_GetGeometryCount(g);
    size_t slots = 0;
    for (int i = 0; i < parts; i++) {
        OGRGeometryH poly = single ? g : OGR_G_GetGeometryRef(g, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
            size_t n = (size_t)OGR_G_GetPointCount(OGR_G_GetGeometryRef(poly, r));
            slots += n + 1;
            *runs += (n + DC_RUN - 1) / DC_RUN;
            (*rings)++;
        }
    }
    return slots;
}

/* Zone @p g's edges, runs and bands; 0, or -1 out of memory. */
static int fzone_load(dc_fzone *z, OGRGeometryH g)
{
    OGREnvelope env;
    size_t rings = 0, runs = 0, base = 0;
    memset(z, 0, sizeof *z);
    z->all = box_none;
    OGR_G_GetEnvelope(g, &env);
    dc_box shape = {env.MinX, env.MinY, env.MaxX, env.MaxY};
    z->shape = shape;
    z->slack = 1e-11 * (1 + fabs(env.MinY) + fabs(env.MaxY));
    size_t slots = fzone_count(g, &rings, &runs);
    dc_yspan *ys = malloc((slots + 1) * sizeof *ys);
    z->v = malloc((slots + 1) * sizeof *z->v);
    z->run = malloc((runs + 1) * sizeof *z->run);
    z->ring = malloc((rings + 1) * sizeof *z->ring);
    int rc = -1;
    if (!ys || !z->v || !z->run || !z->ring) goto done;
    bool single = wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon;
    int parts = single ? 1 : OGR_G_GetGeometryCount(g);
    for (int i = 0; i < parts; i++) {
        OGRGeometryH poly = single ? g : OGR_G_GetGeometryRef(g, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++)
            fzone_ring(z, OGR_G_GetGeometryRef(poly, r), r > 0, &base, ys);
    }
    dc_box extent = {z->all.x0, z->all.y0 - z->slack, z->all.x1, z->all.y1 + z->slack};
    rc = bands_build(&z->bands, ys, base, base - z->nrings, DC_FBAND, &extent);
done:
    free(ys);
    return rc;
}

/* Whether x - o is exact for every coordinate of the zone (Sterbenz): the
 * measure dropped repeated points after moving them to the window's
 * origin, and here drops them before. */
static bool shift_exact(double lo, double hi, double o)
{
    if (o > 0) return lo >= o / 2 && hi <= 2 * o;
    if (o < 0) return hi <= o / 2 && lo >= 2 * o;
    return true;
}

static bool fzone_shift_exact(const dc_fzone *z, dc_xy o)
{
    return shift_exact(z->all.x0, z->all.x1, o.x) &&
           shift_exact(z->all.y0, z->all.y1, o.y);
}

/* Edges p[i] -> q[i] of a zone that meet one window, interior on the
 * left, relative to the window's origin. */
typedef struct dc_fgroup {
    size_t start, end; /* edges start..end-1 */
    dc_box box;        /* of the whole run, window's edges or not */
} dc_fgroup;

typedef struct dc_fedges {
    dc_xy *p, *q;
    dc_box *box;
    size_t n, cap;
    dc_fgroup *group; /* the runs they came in */
    size_t ngroups, group_cap;
} dc_fedges;

static void fedges_free(dc_fedges *e)
{
    free(e->p);
    free(e->q);
    free(e->box);
    free(e->group);
}

static int fedges_reserve(dc_fedges *e, size_t more)
{
    size_t need = e->n + more, cp = e->cap, cq = e->cap, cbox = e->cap;
    int rc = 0;
    e->p = grow(e->p, &cp, need, sizeof *e->p, &rc);
    e->q = grow(e->q, &cq, need, sizeof *e->q, &rc);
    e->box = grow(e->box, &cbox, need, sizeof *e->box, &rc);
    if (rc == 0) e->cap = cp;
    return rc;
}

static void fedges_push(dc_fedges *e, dc_xy a, dc_xy b, const dc_box *w)
{
    dc_box x = {min2(a.x, b.x), min2(a.y, b.y), max2(a.x, b.x), max2(a.y, b.y)};
    if (!box_meets(&x, w)) return;
    e->p[e->n] = a;
    e->q[e->n] = b;
    e->box[e->n++] = x;
}

/* The edges of one run that meet @p w, in the order the measure reads. */
static void fedges_run(dc_fedges *e, const dc_fzone *z, const dc_run *run, bool backward,
                       dc_xy o, const dc_box *w)
{
    for (uint32_t i = 0; i < run->end - run->start; i++) {
        uint32_t k = backward ? run->end - 1 - i : run->start + i;
        dc_xy a = {z->v[k].x - o.x, z->v[k].y - o.y};
        dc_xy b = {z->v[k + 1].x - o.x, z->v[k + 1].y - o.y};
        fedges_push(e, a, b, w);
    }
}

/* The edges that meet @p w (relative to origin @p o); runs are picked by
 * @p wide, the same window unshifted and widened past rounding. */
static int fedges_window(dc_fedges *e, const dc_fzone *z, dc_xy o, const dc_box *w,
                         const dc_box *wide)
{
    e->n = e->ngroups = 0;
    for (size_t r = 0; r < z->nrings; r++) {
        const dc_zring *zr = &z->ring[r];
        for (uint32_t i = 0; i < zr->run1 - zr->run0; i++) {
            const dc_run *run = &z->run[zr->backward ? zr->run1 - 1 - i : zr->run0 + i];
            if (!box_meets(&run->box, wide)) continue;
            int rc = fedges_reserve(e, DC_RUN);
            e->group =
                grow(e->group, &e->group_cap, e->ngroups + 1, sizeof *e->group, &rc);
            if (rc != 0) return -1;
            size_t start = e->n;
            fedges_run(e, z, run, zr->backward, o, w);
            dc_fgroup g = {start,
                           e->n,
                           {run->box.x0 - o.x, run->box.y0 - o.y, run->box.x1 - o.x,
                            run->box.y1 - o.y}};
            if (e->n > start) e->group[e->ngroups++] = g;
        }
    }
    return 0;
}

/* Orientations and ray tests closer to zero than this, relative to the
 * size of their terms, are not trusted. */
#define DC_UNSURE 1e-13

/* Side of the line a->b that c is on: 1 left, -1 right, 0 when c is a or b,
 * 2 when too close to the line to tell; *det gets the determinant. */
static int side(dc_xy a, dc_xy b, dc_xy c, double *det)
{
    *det = 0;
    if (xy_eq(c, a) || xy_eq(c, b)) return 0;
    double l = (b.x - a.x) * (c.y - a.y), r = (b.y - a.y) * (c.x - a.x);
    *det = l - r;
    if (fabs(*det) <= DC_UNSURE * (fabs(l) + fabs(r))) return 2;
    return *det > 0 ? 1 : -1;
}

typedef enum dc_meet {
    DC_MEET_NONE,     /* apart, or touching at a shared vertex only */
    DC_MEET_CROSS,    /* crossing inside both: *t along p->q */
    DC_MEET_SAME,     /* the same edge, the same way round */
    DC_MEET_OPPOSITE, /* the same edge, the other way round */
    DC_MEET_UNSURE
} dc_meet;

static dc_meet meet(dc_xy p, dc_xy q, dc_xy r, dc_xy s, double *t)
{
    if (xy_eq(p, r) && xy_eq(q, s)) return DC_MEET_SAME;
    if (xy_eq(p, s) && xy_eq(q, r)) return DC_MEET_OPPOSITE;
    double d1, d2, d3, d4;
    int o1 = side(p, q, r, &d1), o2 = side(p, q, s, &d2);
    int o3 = side(r, s, p, &d3), o4 = side(r, s, q, &d4);
    if ((o1 == o2 && (o1 == 1 || o1 == -1)) || (o3 == o4 && (o3 == 1 || o3 == -1)))
        return DC_MEET_NONE;
    if (o1 == 2 || o2 == 2 || o3 == 2 || o4 == 2) return DC_MEET_UNSURE;
    /* A zero is a shared vertex; with every other side certain, the two
     * edges leave it in different directions and meet nowhere else. */
    if (o1 == 0 || o2 == 0 || o3 == 0 || o4 == 0) return DC_MEET_NONE;
    *t = d3 / (d3 - d4);
    return DC_MEET_CROSS;
}

/* The polygon that places pieces: its zone, the window's origin, its edges'
 * box relative to that origin, the window, and how near c (unshifted) an
 * edge must come to be read: past any edge too close to c to place it. */
typedef struct dc_placer {
    const dc_fzone *z;
    dc_xy o;
    dc_box all;
    const dc_box *w;
    double margin;
} dc_placer;

/*
 * 1 inside, 0 outside, -1 too close to the boundary to tell. A piece of
 * an edge beyond the window's latitudes is beyond the other polygon,
 * unless rounding took its midpoint there. c's band holds every edge
 * whose latitudes reach c's, relative to the origin or not: the bands
 * were widened past the rounding of the shift. As in classify, the ray
 * goes to the nearer side: an edge that crosses c's latitude more than
 * pl->margin from c is placed east or west of it beyond doubt (the test
 * doubts only within about 1e-13 of the zone's width), and those nearer
 * are read whichever way the ray goes, so the answer, -1 included, is
 * the one the eastward ray over the whole band gives.
 */
static int place(const dc_placer *pl, dc_xy c)
{
    const dc_box *all = &pl->all;
    if (c.y < pl->w->y0 || c.y > pl->w->y1)
        return c.y < all->y0 || c.y > all->y1 || c.x < all->x0 || c.x > all->x1 ? 0 : -1;
    const dc_bands *bands = &pl->z->bands;
    double cx = c.x + pl->o.x;
    uint32_t row = band_of(bands, c.y + pl->o.y);
    uint32_t k0 = bands->start[row], n = bands->start[row + 1] - k0;
    bool west = westward(cx, pl->z->all.x0, pl->z->all.x1), inside = false;
    uint32_t last =
        bucket_of(bands, west ? cx + pl->margin : cx - pl->margin - bands->width[row]);
    for (uint32_t i = 0; i < n; i++) {
        const dc_xy *v = &pl->z->v[bands->item[west ? k0 + i : k0 + n - 1 - i]];
        double x0 = v[0].x < v[1].x ? v[0].x : v[1].x;
        uint32_t q = bucket_of(bands, x0);
        if (west ? q > last : q < last) break;
        dc_xy a = {v[0].x - pl->o.x, v[0].y - pl->o.y};
        dc_xy b = {v[1].x - pl->o.x, v[1].y - pl->o.y};
        if (a.y == c.y && b.y == c.y && c.x >= fmin(a.x, b.x) && c.x <= fmax(a.x, b.x))
            return -1;
        if ((a.y > c.y) != (b.y > c.y)) {
            double lhs = (c.x - a.x) * (b.y - a.y), rhs = (c.y - a.y) * (b.x - a.x);
            if (fabs(lhs - rhs) <= DC_UNSURE * (fabs(lhs) + fabs(rhs))) return -1;
            bool east = b.y > a.y ? lhs < rhs : lhs > rhs;
            if (east != west) inside = !inside;
        }
    }
    return inside;
}

/* Parameters along one edge where it is cut, kept for the next edge. */
typedef struct dc_cuts {
    double *t;
    size_t n, cap;
} dc_cuts;

static int cuts_add(dc_cuts *c, double t)
{
    int rc = 0;
    c->t = grow(c->t, &c->cap, c->n + 1, sizeof *c->t, &rc);
    if (rc == 0) c->t[c->n++] = t;
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* An edge is cut a few times at most: insertion sort, qsort beyond. */
static void sort_cuts(double *t, size_t n)
{
    if (n > 16) {
        qsort(t, n, sizeof *t, cmp_double);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        double x = t[i];
        size_t j = i;
        for (; j > 0 && t[j - 1] > x; j--)
            t[j] = t[j - 1];
        t[j] = x;
    }
}

typedef struct dc_side {
    const dc_fedges *e, *f; /* the edges cut, and those of the polygon that cuts them */
    const dc_grid *grid_f;
    const dc_placer *place_f;
    bool first; /* an edge shared the same way round is counted on the first side */
} dc_side;

/* Cut edge i of s->e by the edges of f near it; 1 counts it whole, -1 skips
 * it whole, 0 cut (in *c), -2 unsure, -3 out of memory. */
static int cut_edge(const dc_side *s, size_t i, dc_cuts *c)
{
    dc_xy p = s->e->p[i], q = s->e->q[i];
    dc_span sp = grid_span(s->grid_f, &s->e->box[i]);
    c->n = 0;
    for (uint32_t row = sp.r0; row <= sp.r1; row++)
        for (uint32_t col = sp.c0; col <= sp.c1; col++) {
            size_t cell = (size_t)row * s->grid_f->cols + col;
            for (uint32_t k = s->grid_f->start[cell]; k < s->grid_f->start[cell + 1];
                 k++) {
                uint32_t j = s->grid_f->item[k];
                if (!box_meets(&s->e->box[i], &s->f->box[j])) continue;
                double t = 0;
                switch (meet(p, q, s->f->p[j], s->f->q[j], &t)) {
                case DC_MEET_NONE:
                    break;
                case DC_MEET_CROSS:
                    if (cuts_add(c, t) != 0) return -3;
                    break;
                case DC_MEET_SAME:
                    return s->first ? 1 : -1;
                case DC_MEET_OPPOSITE:
                    return -1;
                case DC_MEET_UNSURE:
                    return -2;
                }
            }
        }
    return 0;
}

static dc_xy along(dc_xy p, dc_xy q, double t)
{
    if (t <= 0) return p;
    if (t >= 1) return q;
    dc_xy v = {p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)};
    return v;
}

/* Twice the area the pieces of edge i inside f add; 0 or -2 unsure. */
static int edge_pieces(const dc_side *s, size_t i, dc_cuts *c, double *twice)
{
    dc_xy p = s->e->p[i], q = s->e->q[i];
    sort_cuts(c->t, c->n);
    double t0 = 0;
    for (size_t k = 0; k <= c->n; k++) {
        double t1 = k < c->n ? c->t[k] : 1;
        if (t1 <= t0) continue;
        dc_xy a = along(p, q, t0), b = along(p, q, t1);
        dc_xy mid = {(a.x + b.x) / 2, (a.y + b.y) / 2};
        int in = place(s->place_f, mid);
        if (in < 0) return -2;
        if (in) *twice += a.x * b.y - b.x * a.y;
        t0 = t1;
    }
    return 0;
}

/* Whether the run of @p g, widened by the placer's margin, lies inside
 * the window and clear of every box of the other polygon's edges. */
static bool group_clear(const dc_side *s, const dc_fgroup *g)
{
    double m = s->place_f->margin;
    dc_box x = {g->box.x0 - m, g->box.y0 - m, g->box.x1 + m, g->box.y1 + m};
    const dc_box *w = s->place_f->w;
    if (x.x0 <= w->x0 || x.y0 <= w->y0 || x.x1 >= w->x1 || x.y1 >= w->y1) return false;
    dc_span sp = grid_span(s->grid_f, &x);
    for (uint32_t row = sp.r0; row <= sp.r1; row++)
        for (uint32_t col = sp.c0; col <= sp.c1; col++) {
            size_t cell = (size_t)row * s->grid_f->cols + col;
            for (uint32_t k = s->grid_f->start[cell]; k < s->grid_f->start[cell + 1]; k++)
                if (box_meets(&x, &s->f->box[s->grid_f->item[k]])) return false;
        }
    return true;
}

/*
 * A run clear of the other polygon: no edge of it cuts the run's edges,
 * none comes near enough to make placing one of their midpoints doubtful,
 * and the run is one chain of edges, so all lie on the same side. Placed
 * by its first edge (as that edge alone would be), the edges inside add
 * what each would have added, in the same order. 0, or -1 when the
 * placing was doubtful after all: then each edge is cut and placed.
 */
static int clear_group(const dc_side *s, const dc_fgroup *g, double *twice)
{
    dc_xy p = s->e->p[g->start], q = s->e->q[g->start];
    dc_xy mid = {(p.x + q.x) / 2, (p.y + q.y) / 2};
    int in = place(s->place_f, mid);
    if (in < 0) return -1;
    for (size_t i = g->start; in && i < g->end; i++)
        *twice += s->e->p[i].x * s->e->q[i].y - s->e->q[i].x * s->e->p[i].y;
    return 0;
}

/* Twice the area the pieces of s->e inside s->f add; 0, -2 unsure, -3. */
static int side_area(const dc_side *s, dc_cuts *c, double *twice)
{
    for (size_t r = 0; r < s->e->ngroups; r++) {
        const dc_fgroup *g = &s->e->group[r];
        if (group_clear(s, g) && clear_group(s, g, twice) == 0) continue;
        for (size_t i = g->start; i < g->end; i++) {
            int rc = cut_edge(s, i, c);
            if (rc == 1)
                *twice += s->e->p[i].x * s->e->q[i].y - s->e->q[i].x * s->e->p[i].y;
            if (rc == 0) rc = edge_pieces(s, i, c, twice);
            if (rc < -1) return rc;
        }
    }
    return 0;
}

/* ---- one pair ---- */

/* What a thread keeps from pair to pair: the window's edges and grids. */
typedef struct dc_scratch {
    dc_iedges ia, ib;
    dc_fedges fa, fb;
    dc_grid grid_a, grid_b;
    dc_cuts cuts;
} dc_scratch;

static void scratch_free(dc_scratch *s)
{
    iedges_free(&s->ia);
    iedges_free(&s->ib);
    fedges_free(&s->fa);
    fedges_free(&s->fb);
    grid_free(&s->grid_a);
    grid_free(&s->grid_b);
    free(s->cuts.t);
}

/* dc_polygons_overlap on loaded zones (the bytes not identical). */
static int izones_overlap(const dc_izone *a, const dc_izone *b, dc_scratch *s)
{
    dc_box w = box_meet(&a->all, &b->all);
    if (w.x0 > w.x1 || w.y0 > w.y1) return 0;
    if (point_of_inside(a, b, &w) || point_of_inside(b, a, &w)) return 1;
    if (iedges_window(&s->ia, a, &w) != 0 || iedges_window(&s->ib, b, &w) != 0) return -1;
    if (grid_build(&s->grid_a, &w, s->ia.box, s->ia.n) != 0) return -1;
    return proper_crossing(&s->ia, &s->grid_a, &s->ib);
}

/* Pieces of one zone's edges placed in @p z; @p span, the longitudes
 * both zones cover, bounds the terms of the ray test. */
static dc_placer placer(const dc_fzone *z, dc_xy o, const dc_box *w, double span)
{
    dc_placer pl = {z,
                    o,
                    {z->all.x0 - o.x, z->all.y0 - o.y, z->all.x1 - o.x, z->all.y1 - o.y},
                    w,
                    1e-11 * (1 + fabs(o.x) + span)};
    return pl;
}

/* The window @p w unshifted from @p o, widened past the rounding of the
 * shift, to pick runs by. */
static dc_box widen(const dc_box *w, dc_xy o)
{
    double sx = 1e-11 * (1 + fabs(o.x) + fabs(w->x0) + fabs(w->x1));
    double sy = 1e-11 * (1 + fabs(o.y) + fabs(w->y0) + fabs(w->y1));
    dc_box x = {w->x0 + o.x - sx, w->y0 + o.y - sy, w->x1 + o.x + sx, w->y1 + o.y + sy};
    return x;
}

/* dc_overlap_area on loaded zones. */
static double fzones_area(const dc_fzone *a, const dc_fzone *b, dc_scratch *s)
{
    const dc_box *ea = &a->shape, *eb = &b->shape;
    dc_xy o = {(fmax(ea->x0, eb->x0) + fmin(ea->x1, eb->x1)) / 2,
               (fmax(ea->y0, eb->y0) + fmin(ea->y1, eb->y1)) / 2};
    dc_box w = {fmax(ea->x0, eb->x0) - o.x, fmax(ea->y0, eb->y0) - o.y,
                fmin(ea->x1, eb->x1) - o.x, fmin(ea->y1, eb->y1) - o.y};
    if (w.x0 > w.x1 || w.y0 > w.y1) return 0;
    if (!fzone_shift_exact(a, o) || !fzone_shift_exact(b, o)) return -1;
    dc_box wide = widen(&w, o);
    if (fedges_window(&s->fa, a, o, &w, &wide) != 0 ||
        fedges_window(&s->fb, b, o, &w, &wide) != 0 ||
        grid_build(&s->grid_a, &w, s->fa.box, s->fa.n) != 0 ||
        grid_build(&s->grid_b, &w, s->fb.box, s->fb.n) != 0)
        return -1;
    double span = fmax(a->all.x1, b->all.x1) - fmin(a->all.x0, b->all.x0);
    dc_placer pa = placer(a, o, &w, span), pb = placer(b, o, &w, span);
    dc_side sa = {&s->fa, &s->fb, &s->grid_b, &pb, true};
    dc_side sb = {&s->fb, &s->fa, &s->grid_a, &pa, false};
    double twice = 0;
    if (side_area(&sa, &s->cuts, &twice) != 0 || side_area(&sb, &s->cuts, &twice) != 0)
        return -1;
    return twice > 0 ? twice / 2 : 0;
}

static bool same_bytes(const dc_polygon *a, const dc_polygon *b)
{
    return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

int dc_polygons_overlap(const dc_polygon *a, const dc_polygon *b)
{
    if (same_bytes(a, b)) return 1;
    dc_izone za, zb;
    dc_scratch s;
    memset(&s, 0, sizeof s);
    int rc = -1;
    if (izone_load(&za, a) == 0 && izone_load(&zb, b) == 0)
        rc = izones_overlap(&za, &zb, &s);
    izone_free(&za);
    izone_free(&zb);
    scratch_free(&s);
    return rc;
}

double dc_overlap_area(OGRGeometryH a, OGRGeometryH b)
{
    dc_fzone za, zb;
    dc_scratch s;
    memset(&s, 0, sizeof s);
    double area = -1;
    if (fzone_load(&za, a) == 0 && fzone_load(&zb, b) == 0)
        area = fzones_area(&za, &zb, &s);
    fzone_free(&za);
    fzone_free(&zb);
    scratch_free(&s);
    return area;
}

/* ---- all the zones ---- */

typedef struct dc_pair {
    size_t i, j;
    double area_deg2; /* 0 when none; -1 out of memory */
} dc_pair;

typedef struct dc_bbox_e7 {
    int32_t south, west, north, east;
    size_t zone;
} dc_bbox_e7;

static int cmp_west(const void *a, const void *b)
{
    const dc_bbox_e7 *x = a, *y = b;
    return (x->west > y->west) - (x->west < y->west);
}

static int cmp_pair(const void *a, const void *b)
{
    const dc_pair *x = a, *y = b;
    if (x->i != y->i) return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

static int pairs_add(dc_pair **pairs, size_t *n, size_t *cap, size_t i, size_t j)
{
    int rc = 0;
    *pairs = grow(*pairs, cap, *n + 1, sizeof **pairs, &rc);
    if (rc != 0) return -1;
    dc_pair p = {i < j ? i : j, i < j ? j : i, 0};
    (*pairs)[(*n)++] = p;
    return 0;
}

/* The pairs whose bounding boxes overlap (not just touch), by a sweep
 * from west to east, in the sweep's order: a zone's pairs come close
 * together, so it is loaded for a short stretch of the work. */
static int candidate_pairs(const dc_polygon *polygons, size_t n, dc_pair **out,
                           size_t *nout)
{
    dc_bbox_e7 *bb = malloc((n + 1) * sizeof *bb);
    dc_pair *pairs = NULL;
    size_t npairs = 0, cap = 0;
    if (!bb) return -1;
    for (size_t k = 0; k < n; k++) {
        dc_polygon_bbox(&polygons[k], &bb[k].south, &bb[k].west, &bb[k].north,
                        &bb[k].east);
        bb[k].zone = k;
    }
    qsort(bb, n, sizeof *bb, cmp_west);
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n && bb[b].west < bb[a].east; b++)
            if (bb[a].south < bb[b].north && bb[b].south < bb[a].north &&
                bb[a].west < bb[b].east &&
                pairs_add(&pairs, &npairs, &cap, bb[a].zone, bb[b].zone) != 0) {
                free(bb);
                free(pairs);
                return -1;
            }
    free(bb);
    *out = pairs;
    *nout = npairs;
    return 0;
}

/* One zone's loaded edges, there from its first pair to its last. */
typedef struct dc_slot {
    pthread_mutex_t lock;
    atomic_size_t uses; /* pairs not yet done */
    dc_izone *iz;       /* NULL until loaded */
    dc_fzone *fz;
} dc_slot;

typedef struct dc_work {
    const dc_polygon *polygons;
    OGRGeometryH const *geometries;
    dc_pair *pairs;
    size_t npairs;
    atomic_size_t next;
    dc_slot *slots;
} dc_work;

static dc_izone *izone_new(const dc_polygon *p)
{
    dc_izone *z = malloc(sizeof *z);
    if (z && izone_load(z, p) != 0) {
        izone_free(z);
        free(z);
        z = NULL;
    }
    return z;
}

static dc_fzone *fzone_new(OGRGeometryH g)
{
    dc_fzone *z = malloc(sizeof *z);
    if (z && fzone_load(z, g) != 0) {
        fzone_free(z);
        free(z);
        z = NULL;
    }
    return z;
}

/* Zone k's integer edges, loaded by the first thread to ask; NULL when out
 * of memory. A thread waiting here waits for that load only. */
static const dc_izone *slot_izone(dc_work *w, size_t k)
{
    dc_slot *s = &w->slots[k];
    pthread_mutex_lock(&s->lock);
    if (!s->iz) s->iz = izone_new(&w->polygons[k]);
    dc_izone *z = s->iz;
    pthread_mutex_unlock(&s->lock);
    return z;
}

static const dc_fzone *slot_fzone(dc_work *w, size_t k)
{
    dc_slot *s = &w->slots[k];
    pthread_mutex_lock(&s->lock);
    if (!s->fz) s->fz = fzone_new(w->geometries[k]);
    dc_fzone *z = s->fz;
    pthread_mutex_unlock(&s->lock);
    return z;
}

/* One pair of zone k done: the last frees its edges. */
static void slot_release(dc_work *w, size_t k)
{
    dc_slot *s = &w->slots[k];
    if (atomic_fetch_sub(&s->uses, 1) != 1) return;
    izone_free(s->iz);
    fzone_free(s->fz);
    free(s->iz);
    free(s->fz);
    s->iz = NULL;
    s->fz = NULL;
}

/* The shared area of one pair: the exact test, then the measure, then
 * GEOS where the measure declines. -1 out of memory. */
static double pair_area(dc_work *w, dc_scratch *s, size_t i, size_t j)
{
    const dc_izone *ia = slot_izone(w, i), *ib = slot_izone(w, j);
    if (!ia || !ib) return -1;
    int rc = same_bytes(&w->polygons[i], &w->polygons[j]) ? 1 : izones_overlap(ia, ib, s);
    if (rc <= 0) return rc;
    const dc_fzone *fa = slot_fzone(w, i), *fb = slot_fzone(w, j);
    if (!fa || !fb) return -1;
    double area = fzones_area(fa, fb, s);
    if (area >= 0) return area;
    OGRGeometryH x = OGR_G_Intersection(w->geometries[i], w->geometries[j]);
    area = x ? OGR_G_Area(x) : 0.0;
    OGR_G_DestroyGeometry(x);
    return area;
}

static void *work_pairs(void *arg)
{
    dc_work *w = arg;
    dc_scratch s;
    memset(&s, 0, sizeof s);
    for (;;) {
        size_t k = atomic_fetch_add(&w->next, 1);
        if (k >= w->npairs) break;
        dc_pair *p = &w->pairs[k];
        p->area_deg2 = pair_area(w, &s, p->i, p->j);
        slot_release(w, p->i);
        slot_release(w, p->j);
    }
    scratch_free(&s);
    return NULL;
}

/* Keep the pairs that share area; -1 when one ran out of memory. */
static int keep_overlaps(dc_pair *pairs, size_t npairs, dc_overlap **out, size_t *nout)
{
    size_t n = 0;
    for (size_t k = 0; k < npairs; k++) {
        if (pairs[k].area_deg2 < 0) return -1;
        n += pairs[k].area_deg2 > 0;
    }
    dc_overlap *o = n ? malloc(n * sizeof *o) : NULL;
    if (n && !o) return -1;
    for (size_t k = 0, m = 0; k < npairs; k++)
        if (pairs[k].area_deg2 > 0) {
            dc_overlap x = {pairs[k].i, pairs[k].j, pairs[k].area_deg2};
            o[m++] = x;
        }
    *out = o;
    *nout = n;
    return 0;
}

static dc_slot *slots_new(const dc_pair *pairs, size_t npairs, size_t n)
{
    dc_slot *slots = calloc(n + 1, sizeof *slots);
    if (!slots) return NULL;
    for (size_t k = 0; k < n; k++) {
        pthread_mutex_init(&slots[k].lock, NULL);
        atomic_init(&slots[k].uses, 0);
    }
    for (size_t k = 0; k < npairs; k++) {
        atomic_fetch_add(&slots[pairs[k].i].uses, 1);
        atomic_fetch_add(&slots[pairs[k].j].uses, 1);
    }
    return slots;
}

static void slots_free(dc_slot *slots, size_t n)
{
    for (size_t k = 0; slots && k < n; k++)
        pthread_mutex_destroy(&slots[k].lock);
    free(slots);
}

dc_err dc_overlaps_find(const dc_polygon *polygons, OGRGeometryH const *geometries,
                        size_t n, unsigned nthreads, dc_overlap **out, size_t *nout)
{
    dc_work w = {polygons, geometries, NULL, 0, 0, NULL};
    if (candidate_pairs(polygons, n, &w.pairs, &w.npairs) != 0) return DC_E_NOMEM;
    w.slots = slots_new(w.pairs, w.npairs, n);
    if (!w.slots) {
        free(w.pairs);
        return DC_E_NOMEM;
    }
    pthread_t helper[7];
    unsigned started = 0;
    if (nthreads > 8) nthreads = 8;
    while (started + 1 < nthreads && started + 1 < w.npairs &&
           pthread_create(&helper[started], NULL, work_pairs, &w) == 0)
        started++;
    work_pairs(&w);
    for (unsigned k = 0; k < started; k++)
        pthread_join(helper[k], NULL);
    slots_free(w.slots, n);
    if (w.npairs) qsort(w.pairs, w.npairs, sizeof *w.pairs, cmp_pair);
    int rc = keep_overlaps(w.pairs, w.npairs, out, nout);
    free(w.pairs);
    return rc == 0 ? DC_OK : DC_E_NOMEM;
}
