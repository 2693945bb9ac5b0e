/*
 * overlap.c - which zones share interior, and how much.
 *
 * Two neighbouring zones of ten thousand vertices each meet along one
 * border: testing every edge of one against every edge of the other, or
 * every vertex against every edge, does a hundred million steps for a few
 * thousand edges that can meet at all. Here the edges are indexed instead:
 * a grid over the window where the two bounding boxes meet finds the edge
 * pairs that can cross, and bands of latitude find the edges a point's
 * eastward ray can cross. Both are exact supersets of the pairs the
 * quadratic scans tested, so the answers are the same.
 */
#include "overlap.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- an index of edges by bounding box ---- */

/* x is longitude, y latitude, in whatever unit the caller's edges use. */
typedef struct dc_box {
    double x0, y0, x1, y1;
} dc_box;

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

/* A uniform grid of cells over a window; each cell lists the edges whose
 * box meets it. With one column it is a set of latitude bands. */
typedef struct dc_grid {
    double x0, y0, cw, ch;
    uint32_t cols, rows;
    uint32_t *start; /* rows * cols + 1 offsets into item */
    uint32_t *item;
} dc_grid;

/* The cell of v: floor((v - lo) / size), clamped. It never decreases as v
 * grows, so an edge's cell span holds the cell of every point on it. */
static uint32_t cell_of(double v, double lo, double size, uint32_t n)
{
    if (n == 1) return 0;
    double k = floor((v - lo) / size);
    if (!(k > 0)) return 0;
    return k >= n ? n - 1 : (uint32_t)k;
}

typedef struct dc_span {
    uint32_t c0, c1, r0, r1;
} dc_span;

static dc_span grid_span(const dc_grid *g, const dc_box *b)
{
    dc_span s = {
        cell_of(b->x0, g->x0, g->cw, g->cols), cell_of(b->x1, g->x0, g->cw, g->cols),
        cell_of(b->y0, g->y0, g->ch, g->rows), cell_of(b->y1, g->y0, g->ch, g->rows)};
    return s;
}

static void grid_shape(dc_grid *g, const dc_box *w, size_t cells, bool bands)
{
    double wx = w->x1 - w->x0, wy = w->y1 - w->y0;
    double cols = 1;
    if (!bands && wx > 0 && wy > 0) cols = round(sqrt((double)cells * wx / wy));
    cols = fmin(fmax(cols, 1), 4096);
    double rows = fmin(fmax(round((double)cells / cols), 1), 1u << 20);
    g->cols = (uint32_t)cols;
    g->rows = (uint32_t)rows;
    g->x0 = w->x0;
    g->y0 = w->y0;
    g->cw = wx > 0 && g->cols > 1 ? wx / g->cols : 1;
    g->ch = wy > 0 ? wy / g->rows : 1;
}

static size_t grid_entries(const dc_grid *g, const dc_box *boxes, size_t n,
                           const dc_box *w)
{
    size_t entries = 0;
    for (size_t i = 0; i < n; i++)
        if (box_meets(&boxes[i], w)) {
            dc_span s = grid_span(g, &boxes[i]);
            entries += (size_t)(s.c1 - s.c0 + 1) * (s.r1 - s.r0 + 1);
        }
    return entries;
}

/* Index the edges whose box meets @p w: about two per cell, fewer cells
 * when long edges would repeat in too many. 0, or -1 out of memory. */
static int grid_build(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n,
                      bool bands)
{
    size_t m = 0, entries;
    for (size_t i = 0; i < n; i++)
        m += box_meets(&boxes[i], w);
    for (size_t cells = m / 2 + 1;; cells /= 4) {
        grid_shape(g, w, cells, bands);
        entries = grid_entries(g, boxes, n, w);
        if (entries <= 8 * m + 64 || cells <= 1) break;
    }
    size_t ncells = (size_t)g->cols * g->rows;
    g->start = calloc(ncells + 1, sizeof *g->start);
    g->item = malloc((entries + 1) * sizeof *g->item);
    if (!g->start || !g->item) return -1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            if (!box_meets(&boxes[i], w)) continue;
            dc_span s = grid_span(g, &boxes[i]);
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
}

/* Bands over the latitudes of @p w holding every edge that reaches them,
 * wherever its longitude: a point's eastward ray crosses only those. */
static int bands_build(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n)
{
    dc_box rows = {-INFINITY, w->y0, INFINITY, w->y1};
    return grid_build(g, &rows, boxes, n, true);
}

/* ---- the exact test, on integer rings ---- */

/* A vertex, doubled so that edge midpoints are exact integers too. */
typedef struct dc_pt {
    int64_t lat, lon;
} dc_pt;

/* Every edge (a[i], b[i]) of every ring of a polygon. */
typedef struct dc_iedges {
    dc_pt *a, *b;
    dc_box *box;
    size_t n;
    dc_box all;
} dc_iedges;

static void iedges_free(dc_iedges *e)
{
    free(e->a);
    free(e->b);
    free(e->box);
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

static int iedges_load(dc_iedges *e, const dc_polygon *p)
{
    size_t offset = 0, n = 0;
    dc_ring ring;
    memset(e, 0, sizeof *e);
    while (dc_polygon_next_ring(p, &offset, &ring))
        n += ring.npoints;
    e->a = malloc((n + 1) * sizeof *e->a);
    e->b = malloc((n + 1) * sizeof *e->b);
    e->box = malloc((n + 1) * sizeof *e->box);
    if (!e->a || !e->b || !e->box) return -1;
    dc_box all = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (offset = 0; dc_polygon_next_ring(p, &offset, &ring);)
        for (uint32_t i = 0; i < ring.npoints; i++, e->n++) {
            e->a[e->n] = vertex(&ring, i);
            e->b[e->n] = vertex(&ring, (i + 1) % ring.npoints);
            e->box[e->n] = edge_box(e->a[e->n], e->b[e->n]);
            all.x0 = fmin(all.x0, e->box[e->n].x0);
            all.y0 = fmin(all.y0, e->box[e->n].y0);
            all.x1 = fmax(all.x1, e->box[e->n].x1);
            all.y1 = fmax(all.y1, e->box[e->n].y1);
        }
    e->all = all;
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

/* 1 strictly inside, 0 on the boundary, -1 outside (even-odd rule). Only
 * edges whose latitudes reach c's can hold c or cross its ray: c's band. */
static int classify(const dc_iedges *e, const dc_grid *bands, dc_pt c)
{
    bool inside = false;
    uint32_t row = cell_of((double)c.lat, bands->y0, bands->ch, bands->rows);
    for (uint32_t k = bands->start[row]; k < bands->start[row + 1]; k++) {
        dc_pt a = e->a[bands->item[k]], b = e->b[bands->item[k]];
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

static bool in_box(const dc_box *w, dc_pt c)
{
    return (double)c.lon >= w->x0 && (double)c.lon <= w->x1 && (double)c.lat >= w->y0 &&
           (double)c.lat <= w->y1;
}

/* A vertex or an edge midpoint of @p a strictly inside @p b. A point
 * outside the window lies outside b's bounding box, so outside b. */
static bool point_of_inside(const dc_iedges *a, const dc_iedges *b,
                            const dc_grid *bands_b, const dc_box *w)
{
    for (size_t i = 0; i < a->n; i++) {
        dc_pt p = a->a[i], q = a->b[i];
        dc_pt mid = {(p.lat + q.lat) / 2, (p.lon + q.lon) / 2};
        if (in_box(w, p) && classify(b, bands_b, p) > 0) return true;
        if (in_box(w, mid) && classify(b, bands_b, mid) > 0) return true;
    }
    return false;
}

/* Two edges that cross do so at a point in both their boxes, so in a cell
 * both of them span. */
static bool proper_crossing(const dc_iedges *a, const dc_grid *grid_a, const dc_iedges *b,
                            const dc_box *w)
{
    for (size_t j = 0; j < b->n; j++) {
        if (!box_meets(&b->box[j], w)) continue;
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

int dc_polygons_overlap(const dc_polygon *a, const dc_polygon *b)
{
    if (a->size == b->size && memcmp(a->data, b->data, a->size) == 0) return 1;
    int rc = -1;
    dc_iedges ea = {0}, eb = {0};
    dc_grid bands_a = {0}, bands_b = {0}, grid_a = {0};
    if (iedges_load(&ea, a) != 0 || iedges_load(&eb, b) != 0) goto done;
    dc_box w = box_meet(&ea.all, &eb.all);
    rc = 0;
    if (w.x0 > w.x1 || w.y0 > w.y1) goto done;
    rc = -1;
    if (bands_build(&bands_a, &w, ea.box, ea.n) != 0 ||
        bands_build(&bands_b, &w, eb.box, eb.n) != 0 ||
        grid_build(&grid_a, &w, ea.box, ea.n, false) != 0)
        goto done;
    rc = point_of_inside(&ea, &eb, &bands_b, &w) ||
         point_of_inside(&eb, &ea, &bands_a, &w) ||
         proper_crossing(&ea, &grid_a, &eb, &w);
done:
    grid_free(&bands_a);
    grid_free(&bands_b);
    grid_free(&grid_a);
    iedges_free(&ea);
    iedges_free(&eb);
    return rc;
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
 */

typedef struct dc_xy {
    double x, y;
} dc_xy;

/* Edges p[i] -> q[i], turned so that the polygon's interior is on the
 * left, in coordinates relative to an origin near the window. */
typedef struct dc_fedges {
    dc_xy *p, *q;
    dc_box *box;
    size_t n, cap;
    dc_box all;
} dc_fedges;

/* Orientations and ray tests closer to zero than this, relative to the
 * size of their terms, are not trusted. */
#define DC_UNSURE 1e-13

static void fedges_free(dc_fedges *e)
{
    free(e->p);
    free(e->q);
    free(e->box);
}

static int fedges_reserve(dc_fedges *e, size_t more)
{
    if (e->n + more <= e->cap) return 0;
    size_t cap = e->cap ? e->cap * 2 : 1024;
    while (cap < e->n + more)
        cap *= 2;
    dc_xy *p = realloc(e->p, cap * sizeof *p);
    if (p) e->p = p;
    dc_xy *q = realloc(e->q, cap * sizeof *q);
    if (q) e->q = q;
    dc_box *box = realloc(e->box, cap * sizeof *box);
    if (box) e->box = box;
    if (!p || !q || !box) return -1;
    e->cap = cap;
    return 0;
}

static void fedges_push(dc_fedges *e, dc_xy a, dc_xy b)
{
    e->p[e->n] = a;
    e->q[e->n] = b;
    dc_box x = {fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x), fmax(a.y, b.y)};
    e->box[e->n++] = x;
    e->all.x0 = fmin(e->all.x0, x.x0);
    e->all.y0 = fmin(e->all.y0, x.y0);
    e->all.x1 = fmax(e->all.x1, x.x1);
    e->all.y1 = fmax(e->all.y1, x.y1);
}

/* One ring, repeated points dropped; a hole keeps the interior on its
 * outside, so it runs the other way round. */
static int fedges_ring(dc_fedges *e, OGRGeometryH ring, bool hole, dc_xy origin)
{
    int n = OGR_G_GetPointCount(ring);
    if (n < 3) return 0;
    dc_xy *v = malloc((size_t)n * sizeof *v);
    if (!v || fedges_reserve(e, (size_t)n) != 0) {
        free(v);
        return -1;
    }
    OGR_G_GetPoints(ring, &v[0].x, sizeof *v, &v[0].y, sizeof *v, NULL, 0);
    int m = 0;
    for (int i = 0; i < n; i++) {
        dc_xy c = {v[i].x - origin.x, v[i].y - origin.y};
        if (m == 0 || c.x != v[m - 1].x || c.y != v[m - 1].y) v[m++] = c;
    }
    while (m > 1 && v[m - 1].x == v[0].x && v[m - 1].y == v[0].y)
        m--;
    double twice = 0;
    for (int i = 0; i < m; i++)
        twice += v[i].x * v[(i + 1) % m].y - v[(i + 1) % m].x * v[i].y;
    bool reverse = hole ? twice > 0 : twice < 0;
    for (int i = 0; m >= 3 && twice != 0 && i < m; i++) {
        dc_xy a = v[i], b = v[(i + 1) % m];
        if (reverse)
            fedges_push(e, b, a);
        else
            fedges_push(e, a, b);
    }
    free(v);
    return 0;
}

static int fedges_load(dc_fedges *e, OGRGeometryH g, dc_xy origin)
{
    memset(e, 0, sizeof *e);
    e->all.x0 = e->all.y0 = INFINITY;
    e->all.x1 = e->all.y1 = -INFINITY;
    bool single = wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon;
    int parts = single ? 1 : OGR_G_GetGeometryCount(g);
    for (int i = 0; i < parts; i++) {
        OGRGeometryH poly = single ? g : OGR_G_GetGeometryRef(g, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++)
            if (fedges_ring(e, OGR_G_GetGeometryRef(poly, r), r > 0, origin) != 0)
                return -1;
    }
    return 0;
}

static bool xy_eq(dc_xy a, dc_xy b)
{
    return a.x == b.x && a.y == b.y;
}

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

/* 1 inside, 0 outside, -1 too close to the boundary to tell. The bands
 * cover the window's latitudes: a piece of an edge beyond them is beyond
 * the other polygon, unless rounding took its midpoint there. */
static int place(const dc_fedges *e, const dc_grid *bands, const dc_box *w, dc_xy c)
{
    bool inside = false;
    if (c.y < w->y0 || c.y > w->y1)
        return c.y < e->all.y0 || c.y > e->all.y1 || c.x < e->all.x0 || c.x > e->all.x1
                   ? 0
                   : -1;
    uint32_t row = cell_of(c.y, bands->y0, bands->ch, bands->rows);
    for (uint32_t k = bands->start[row]; k < bands->start[row + 1]; k++) {
        dc_xy a = e->p[bands->item[k]], b = e->q[bands->item[k]];
        if (a.y == c.y && b.y == c.y && c.x >= fmin(a.x, b.x) && c.x <= fmax(a.x, b.x))
            return -1;
        if ((a.y > c.y) != (b.y > c.y)) {
            double lhs = (c.x - a.x) * (b.y - a.y), rhs = (c.y - a.y) * (b.x - a.x);
            if (fabs(lhs - rhs) <= DC_UNSURE * (fabs(lhs) + fabs(rhs))) return -1;
            if (b.y > a.y ? lhs < rhs : lhs > rhs) inside = !inside;
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
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        double *x = realloc(c->t, cap * sizeof *x);
        if (!x) return -1;
        c->t = x;
        c->cap = cap;
    }
    c->t[c->n++] = t;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct dc_side {
    const dc_fedges *e, *f; /* the edges cut, and the polygon that cuts them */
    const dc_grid *grid_f, *bands_f;
    const dc_box *w;
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
    if (c->n > 1) qsort(c->t, c->n, sizeof *c->t, cmp_double); /* c->t is NULL at 0 */
    double t0 = 0;
    for (size_t k = 0; k <= c->n; k++) {
        double t1 = k < c->n ? c->t[k] : 1;
        if (t1 <= t0) continue;
        dc_xy a = along(p, q, t0), b = along(p, q, t1);
        dc_xy mid = {(a.x + b.x) / 2, (a.y + b.y) / 2};
        int in = place(s->f, s->bands_f, s->w, mid);
        if (in < 0) return -2;
        if (in) *twice += a.x * b.y - b.x * a.y;
        t0 = t1;
    }
    return 0;
}

/* Twice the area the pieces of s->e inside s->f add; 0, -2 unsure, -3. */
static int side_area(const dc_side *s, dc_cuts *c, double *twice)
{
    for (size_t i = 0; i < s->e->n; i++) {
        if (!box_meets(&s->e->box[i], s->w)) continue;
        int rc = cut_edge(s, i, c);
        if (rc == 1) *twice += s->e->p[i].x * s->e->q[i].y - s->e->q[i].x * s->e->p[i].y;
        if (rc == 0) rc = edge_pieces(s, i, c, twice);
        if (rc < -1) return rc;
    }
    return 0;
}

double dc_overlap_area(OGRGeometryH a, OGRGeometryH b)
{
    OGREnvelope ea, eb;
    OGR_G_GetEnvelope(a, &ea);
    OGR_G_GetEnvelope(b, &eb);
    dc_xy origin = {(fmax(ea.MinX, eb.MinX) + fmin(ea.MaxX, eb.MaxX)) / 2,
                    (fmax(ea.MinY, eb.MinY) + fmin(ea.MaxY, eb.MaxY)) / 2};
    dc_box w = {fmax(ea.MinX, eb.MinX) - origin.x, fmax(ea.MinY, eb.MinY) - origin.y,
                fmin(ea.MaxX, eb.MaxX) - origin.x, fmin(ea.MaxY, eb.MaxY) - origin.y};
    if (w.x0 > w.x1 || w.y0 > w.y1) return 0;
    double twice = 0, area = -1;
    dc_fedges fa = {0}, fb = {0};
    dc_grid grid_a = {0}, grid_b = {0}, bands_a = {0}, bands_b = {0};
    dc_cuts cuts = {0};
    if (fedges_load(&fa, a, origin) != 0 || fedges_load(&fb, b, origin) != 0 ||
        grid_build(&grid_a, &w, fa.box, fa.n, false) != 0 ||
        grid_build(&grid_b, &w, fb.box, fb.n, false) != 0 ||
        bands_build(&bands_a, &w, fa.box, fa.n) != 0 ||
        bands_build(&bands_b, &w, fb.box, fb.n) != 0)
        goto done;
    dc_side sa = {&fa, &fb, &grid_b, &bands_b, &w, true};
    dc_side sb = {&fb, &fa, &grid_a, &bands_a, &w, false};
    if (side_area(&sa, &cuts, &twice) == 0 && side_area(&sb, &cuts, &twice) == 0)
        area = twice > 0 ? twice / 2 : 0;
done:
    free(cuts.t);
    grid_free(&grid_a);
    grid_free(&grid_b);
    grid_free(&bands_a);
    grid_free(&bands_b);
    fedges_free(&fa);
    fedges_free(&fb);
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
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        dc_pair *p = realloc(*pairs, c * sizeof *p);
        if (!p) return -1;
        *pairs = p;
        *cap = c;
    }
    dc_pair p = {i < j ? i : j, i < j ? j : i, 0};
    (*pairs)[(*n)++] = p;
    return 0;
}

/* The pairs whose bounding boxes overlap (not just touch), by a sweep
 * from west to east, in the order i then j. */
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
    if (npairs) qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    *out = pairs;
    *nout = npairs;
    return 0;
}

typedef struct dc_work {
    const dc_polygon *polygons;
    OGRGeometryH const *geometries;
    dc_pair *pairs;
    size_t npairs;
    atomic_size_t next;
} dc_work;

/* The shared area of one pair: the exact test, then the measure, then
 * GEOS where the measure declines. */
static double pair_area(const dc_work *w, size_t i, size_t j)
{
    int rc = dc_polygons_overlap(&w->polygons[i], &w->polygons[j]);
    if (rc <= 0) return rc;
    double area = dc_overlap_area(w->geometries[i], w->geometries[j]);
    if (area >= 0) return area;
    OGRGeometryH x = OGR_G_Intersection(w->geometries[i], w->geometries[j]);
    area = x ? OGR_G_Area(x) : 0.0;
    OGR_G_DestroyGeometry(x);
    return area;
}

static void *work_pairs(void *arg)
{
    dc_work *w = arg;
    for (;;) {
        size_t k = atomic_fetch_add(&w->next, 1);
        if (k >= w->npairs) return NULL;
        w->pairs[k].area_deg2 = pair_area(w, w->pairs[k].i, w->pairs[k].j);
    }
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

dc_err dc_overlaps_find(const dc_polygon *polygons, OGRGeometryH const *geometries,
                        size_t n, unsigned nthreads, dc_overlap **out, size_t *nout)
{
    dc_work w = {polygons, geometries, NULL, 0, 0};
    if (candidate_pairs(polygons, n, &w.pairs, &w.npairs) != 0) return DC_E_NOMEM;
    pthread_t helper[7];
    unsigned started = 0;
    if (nthreads > 8) nthreads = 8;
    while (started + 1 < nthreads && started + 1 < w.npairs &&
           pthread_create(&helper[started], NULL, work_pairs, &w) == 0)
        started++;
    work_pairs(&w);
    for (unsigned k = 0; k < started; k++)
        pthread_join(helper[k], NULL);
    int rc = keep_overlaps(w.pairs, w.npairs, out, nout);
    free(w.pairs);
    return rc == 0 ? DC_OK : DC_E_NOMEM;
}
