/*
 * valid_fast.c - a linear-time proof of validity for the usual zone (see
 * valid_fast.h). Edges go into a uniform grid of about one cell per edge;
 * the edges sharing a cell are tested pairwise with orientations carrying
 * an error bound, so that a touch, a crossing or a case too close to call
 * all end the proof. Rings that never meet are then simple and apart, and
 * their nesting is told by one vertex each.
 */
#include "valid_fast.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Edges a zone may have for the proof (a 20,000-vertex zone has 20,000);
 * a larger one goes to GEOS. */
#define MAX_EDGES (1u << 22)
/* Cells an edge covers on average, at most, before the grid is useless
 * (long edges across a detailed ring: GEOS then). */
#define MAX_CELLS_PER_EDGE 16
/* Rings whose nesting is compared pairwise, at most. */
#define MAX_RINGS 512
/* Cells of the edge grid an edge, at least (see edges_apart). */
#define CELLS_PER_EDGE 4

/* Inline, unlike libm's fmin and fmax (which also order NaNs: there are
 * none here, add_ring refuses them). */
#define LO(a, b) ((a) < (b) ? (a) : (b))
#define HI(a, b) ((a) > (b) ? (a) : (b))

typedef struct pt {
    double x, y;
} pt;

typedef struct ring {
    pt *p;       /* n + 1 points, the last the first */
    uint32_t n;  /* edges */
    uint32_t part;
    bool hole;
} ring;

typedef struct edge {
    uint32_t ring, i; /* from ring's point i to i + 1 */
} edge;

typedef struct proof {
    ring rings[MAX_RINGS];
    uint32_t nrings;
    edge *edges;
    uint32_t nedges;
    double minx, miny, maxx, maxy;
} proof;

/* The sign of the orientation of (a, b, c): 1 left, -1 right, 0 when too
 * close to call (Shewchuk's bound on the error of the double sum). */
static int orient(pt a, pt b, pt c)
{
    double l = (a.x - c.x) * (b.y - c.y), r = (a.y - c.y) * (b.x - c.x);
    double det = l - r, sum = fabs(l) + fabs(r);
    double bound = (3.0 + 16.0 * DBL_EPSILON) * DBL_EPSILON * sum;
    if (det > bound) return 1;
    if (det < -bound) return -1;
    return 0;
}

/* Whether segments pq and rs are proven apart: each pair of endpoints
 * strictly on both sides of the other's line fails, as does any
 * orientation too close to call. */
static bool apart(pt p, pt q, pt r, pt s)
{
    if (HI(p.x, q.x) < LO(r.x, s.x) || HI(r.x, s.x) < LO(p.x, q.x) ||
        HI(p.y, q.y) < LO(r.y, s.y) || HI(r.y, s.y) < LO(p.y, q.y))
        return true;
    int a = orient(p, q, r), b = orient(p, q, s), c = orient(r, s, p), d = orient(r, s, q);
    if (!a || !b || !c || !d) return false;
    return a == b || c == d;
}

/* Neighbours on one ring share a vertex and nothing else: proven when the
 * edge after does not fold back onto the one before. */
static bool neighbours_ok(pt a, pt b, pt c)
{
    int o = orient(a, b, c);
    if (o) return true;
    /* a, b, c in line: fine when c goes on past b, not back over it */
    double dot = (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y);
    return dot > 0 && !(a.x == c.x && a.y == c.y);
}

static bool add_ring(proof *pr, OGRGeometryH r, uint32_t part, bool hole)
{
    int n = OGR_G_GetPointCount(r);
    if (n < 4 || pr->nrings == MAX_RINGS) return false;
    if ((uint64_t)pr->nedges + (uint64_t)n > MAX_EDGES) return false;
    pt *p = malloc((size_t)n * sizeof *p);
    if (!p) return false;
    OGR_G_GetPoints(r, &p[0].x, sizeof *p, &p[0].y, sizeof *p, NULL, 0);
    ring *rg = &pr->rings[pr->nrings];
    *rg = (ring){p, (uint32_t)n - 1, part, hole};
    pr->nrings++; /* freed with the proof from here on */
    if (p[0].x != p[n - 1].x || p[0].y != p[n - 1].y) return false;
    for (int i = 0; i < n; i++) {
        if (!isfinite(p[i].x) || !isfinite(p[i].y)) return false;
        if (i > 0 && p[i].x == p[i - 1].x && p[i].y == p[i - 1].y) return false;
        pr->minx = LO(pr->minx, p[i].x), pr->maxx = HI(pr->maxx, p[i].x);
        pr->miny = LO(pr->miny, p[i].y), pr->maxy = HI(pr->maxy, p[i].y);
    }
    /* each vertex's two edges, the closing vertex's too */
    for (uint32_t i = 0; i < rg->n; i++) {
        pt a = p[i == 0 ? rg->n - 1 : i - 1], b = p[i], c = p[i + 1];
        if (!neighbours_ok(a, b, c)) return false;
    }
    return true;
}

static bool read_rings(proof *pr, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    int nparts = t == wkbPolygon ? 1 : t == wkbMultiPolygon ? OGR_G_GetGeometryCount(g) : 0;
    if (nparts <= 0) return false;
    for (int k = 0; k < nparts; k++) {
        OGRGeometryH poly = t == wkbPolygon ? g : OGR_G_GetGeometryRef(g, k);
        if (wkbFlatten(OGR_G_GetGeometryType(poly)) != wkbPolygon) return false;
        int nr = OGR_G_GetGeometryCount(poly);
        if (nr < 1) return false;
        for (int i = 0; i < nr; i++)
            if (!add_ring(pr, OGR_G_GetGeometryRef(poly, i), (uint32_t)k, i > 0))
                return false;
    }
    return true;
}

/* The grid: @p cols x @p rows cells of @p cw x @p ch from (minx, miny). */
typedef struct grid {
    double minx, miny, cw, ch;
    uint32_t cols, rows;
} grid;

/* The cells of edge @p a..@p b's box: columns c0..c1, rows r0..r1. Floor
 * of a monotone expression, so two boxes that meet share a cell. */
static void cells_of(const grid *gr, pt a, pt b, uint32_t c[4])
{
    c[0] = (uint32_t)LO((LO(a.x, b.x) - gr->minx) / gr->cw, gr->cols - 1);
    c[1] = (uint32_t)LO((HI(a.x, b.x) - gr->minx) / gr->cw, gr->cols - 1);
    c[2] = (uint32_t)LO((LO(a.y, b.y) - gr->miny) / gr->ch, gr->rows - 1);
    c[3] = (uint32_t)LO((HI(a.y, b.y) - gr->miny) / gr->ch, gr->rows - 1);
}

/* No two edges meet but neighbours: the edges bucketed into a grid of
 * about one cell an edge (a counting sort of (cell, edge) pairs), and the
 * edges of each cell tested pairwise. */
static bool edges_apart(proof *pr)
{
    uint32_t total = 0;
    double extent = 0;
    for (uint32_t r = 0; r < pr->nrings; r++) {
        total += pr->rings[r].n;
        for (uint32_t i = 0; i < pr->rings[r].n; i++) {
            pt a = pr->rings[r].p[i], b = pr->rings[r].p[i + 1];
            extent += HI(fabs(b.x - a.x), fabs(b.y - a.y));
        }
    }
    double w = pr->maxx - pr->minx, h = pr->maxy - pr->miny;
    if (!(w > 0) || !(h > 0)) return false;
    /* CELLS_PER_EDGE cells an edge over the box, and no smaller than
     * twice the mean edge, so that an edge covers a few cells. A zone's
     * edges lie along its border, in a few of the box's cells: at one cell
     * an edge those held a dozen edges each and their pairs were most of
     * the proof; four cells an edge cut its instructions by a sixth on a
     * province of realistic borders, sixteen made the empty cells cost
     * more than the pairs saved. Any grid finds every pair that meets, so
     * the answer does not depend on the cells. */
    double side = HI(sqrt(w * h / (CELLS_PER_EDGE * (double)total)), 2 * extent / total);
    grid gr = {pr->minx, pr->miny, 0, 0, (uint32_t)LO(HI(w / side, 1), 4096),
               (uint32_t)LO(HI(h / side, 1), 4096)};
    gr.cw = w / gr.cols, gr.ch = h / gr.rows;
    size_t ncells = (size_t)gr.cols * gr.rows;
    uint32_t *start = calloc(ncells + 1, sizeof *start);
    edge *edges = malloc((size_t)total * sizeof *edges);
    /* each edge's cells, found once for both passes */
    uint32_t (*span)[4] = malloc((size_t)total * sizeof *span);
    uint32_t *fill = NULL, *in_cell = NULL;
    uint64_t covered = 0;
    bool ok = start && edges && span;
    /* each edge's cells counted */
    for (uint32_t r = 0, e = 0; ok && r < pr->nrings; r++)
        for (uint32_t i = 0; ok && i < pr->rings[r].n; i++, e++) {
            uint32_t *c = span[e];
            cells_of(&gr, pr->rings[r].p[i], pr->rings[r].p[i + 1], c);
            covered += (uint64_t)(c[1] - c[0] + 1) * (c[3] - c[2] + 1);
            if (covered > (uint64_t)MAX_CELLS_PER_EDGE * total) ok = false;
            edges[e] = (edge){r, i};
            for (uint32_t y = c[2]; ok && y <= c[3]; y++)
                for (uint32_t x = c[0]; x <= c[1]; x++) start[(size_t)y * gr.cols + x + 1]++;
        }
    for (size_t k = 0; ok && k < ncells; k++) start[k + 1] += start[k];
    if (ok) {
        fill = malloc(ncells * sizeof *fill);
        in_cell = malloc((size_t)start[ncells] * sizeof *in_cell);
        ok = fill && in_cell;
    }
    if (ok) memcpy(fill, start, ncells * sizeof *fill);
    /* the edges into their cells */
    for (uint32_t k = 0; ok && k < total; k++) {
        const uint32_t *c = span[k];
        for (uint32_t y = c[2]; y <= c[3]; y++)
            for (uint32_t x = c[0]; x <= c[1]; x++) in_cell[fill[(size_t)y * gr.cols + x]++] = k;
    }
    /* the pairs of each cell */
    for (size_t k = 0; ok && k < ncells; k++)
        for (uint32_t u = start[k]; ok && u < start[k + 1]; u++)
            for (uint32_t v = u + 1; ok && v < start[k + 1]; v++) {
                const edge *x = &edges[in_cell[u]], *y = &edges[in_cell[v]];
                if (x->ring == y->ring) {
                    uint32_t n = pr->rings[x->ring].n,
                             d = x->i > y->i ? x->i - y->i : y->i - x->i;
                    if (d == 1 || d == n - 1) continue; /* neighbours: add_ring's */
                }
                const pt *px = pr->rings[x->ring].p, *py = pr->rings[y->ring].p;
                if (!apart(px[x->i], px[x->i + 1], py[y->i], py[y->i + 1])) ok = false;
            }
    free(span);
    free(fill);
    free(in_cell);
    free(start);
    free(edges);
    return ok;
}

/* Whether @p q lies strictly inside ring @p r (crossing number; a point on
 * the ring cannot be: no rings meet once edges_apart has held, and a vertex
 * too close to an edge to call fails the proof). */
static int inside(const ring *r, pt q)
{
    bool in = false;
    for (uint32_t i = 0; i < r->n; i++) {
        pt a = r->p[i], b = r->p[i + 1];
        if ((a.y > q.y) == (b.y > q.y)) continue;
        int o = orient(a, b, q);
        if (!o) return -1;
        if ((o > 0) == (b.y > a.y)) in = !in;
    }
    return in;
}

static bool nesting_ok(const proof *pr)
{
    for (uint32_t i = 0; i < pr->nrings; i++)
        for (uint32_t j = 0; j < pr->nrings; j++) {
            const ring *a = &pr->rings[i], *b = &pr->rings[j];
            if (i == j || (b->hole && a->part != b->part)) continue;
            int in = inside(b, a->p[0]);
            if (in < 0) return false;
            if (!b->hole && a->part == b->part) {
                if (a->hole && !in) return false; /* a hole out of its shell */
            } else if (in) {
                return false; /* a hole in a hole, or a part in another (GEOS tells) */
            }
        }
    return true;
}

bool dc_polygon_proven_valid(OGRGeometryH g)
{
    if (!g) return false;
    proof *pr = calloc(1, sizeof *pr);
    if (!pr) return false;
    pr->minx = pr->miny = INFINITY, pr->maxx = pr->maxy = -INFINITY;
    bool ok = read_rings(pr, g) && edges_apart(pr) && nesting_ok(pr);
    for (uint32_t r = 0; r < pr->nrings; r++) free(pr->rings[r].p);
    free(pr);
    return ok;
}
