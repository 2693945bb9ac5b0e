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
/* Edges in cells, at most (40 bytes each, with their boxes: 320 MB); a
 * zone of millions of vertices goes to GEOS rather than beyond. */
#define MAX_CELL_EDGES (1u << 23)
/* Rings whose nesting is compared pairwise, at most. */
#define MAX_RINGS 512
/* Cells of the edge grid an edge, at least (see grid_of). */
#define CELLS_PER_EDGE 2

/* Inline, unlike libm's fmin and fmax (which also order NaNs: there are
 * none here, add_ring refuses them). */
#define LO(a, b) ((a) < (b) ? (a) : (b))
#define HI(a, b) ((a) > (b) ? (a) : (b))

typedef dc_ring_point pt;

/* A ring as the proof walks it: n + 1 points, the last the first. */
typedef struct ring {
    const pt *p;
    uint32_t n; /* edges */
    uint32_t part;
    bool hole;
} ring;

/* One edge in one cell of the grid, with its box: the pairs of a cell are
 * told apart by their boxes, read in a row, before their points. */
typedef struct cell_edge {
    double x0, x1, y0, y1;
    uint32_t ring, i; /* from ring's point i to i + 1 */
} cell_edge;

/* The buffers of the proof, kept from zone to zone by one thread (see
 * zone_encode.h: fresh pages for every zone cost as much as the proof). */
struct dc_proof_work {
    ring *rings;
    size_t rings_cap;
    uint32_t *start, *fill;
    size_t start_cap, fill_cap;
    uint32_t (*span)[4];
    size_t span_cap;
    cell_edge *in_cell;
    size_t in_cell_cap;
};

typedef struct proof {
    ring *rings;
    uint32_t nrings;
    uint32_t nedges;
    double minx, miny, maxx, maxy;
    double extent; /* the edges' lengths, each the larger of its two sides */
    dc_proof_work *w;
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
    int a = orient(p, q, r), b = orient(p, q, s), c = orient(r, s, p),
        d = orient(r, s, q);
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

/* Room for @p n items of @p size at *@p p, of *@p cap; false when out of
 * memory. */
static bool reserve(void **p, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap) return true;
    size_t c = *cap ? *cap : 64;
    while (c < n)
        c *= 2;
    void *x = malloc(c * size); /* nothing to keep: no copy */
    if (!x) return false;
    free(*p);
    *p = x;
    *cap = c;
    return true;
}

/* Ring @p rg closed, of finite points, no point repeated at once, and no
 * vertex whose next edge folds back over its previous one. */
static bool ring_ok(proof *pr, const ring *rg)
{
    const pt *p = rg->p;
    uint32_t n = rg->n + 1;
    double minx = pr->minx, miny = pr->miny, maxx = pr->maxx, maxy = pr->maxy;
    double extent = pr->extent;
    if (p[0].x != p[n - 1].x || p[0].y != p[n - 1].y) return false;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(p[i].x) || !isfinite(p[i].y)) return false;
        if (i > 0 && p[i].x == p[i - 1].x && p[i].y == p[i - 1].y) return false;
        minx = LO(minx, p[i].x), maxx = HI(maxx, p[i].x);
        miny = LO(miny, p[i].y), maxy = HI(maxy, p[i].y);
    }
    /* each vertex's two edges, the closing vertex's too; the edges'
     * lengths for the grid on the way */
    for (uint32_t i = 0; i < rg->n; i++) {
        pt a = p[i == 0 ? rg->n - 1 : i - 1], b = p[i], c = p[i + 1];
        if (!neighbours_ok(a, b, c)) return false;
        extent += HI(fabs(c.x - b.x), fabs(c.y - b.y));
    }
    pr->minx = minx, pr->miny = miny, pr->maxx = maxx, pr->maxy = maxy;
    pr->extent = extent;
    return true;
}

/* The rings of @p zr, each checked by ring_ok; every part has an exterior
 * ring, and there are not too many rings or edges for the proof. */
static bool read_rings(proof *pr, const dc_zone_rings *zr)
{
    size_t exteriors = 0;
    if (zr->nparts == 0 || zr->nrings > MAX_RINGS) return false;
    if (!reserve((void **)&pr->w->rings, &pr->w->rings_cap, zr->nrings,
                 sizeof *pr->rings))
        return false;
    pr->rings = pr->w->rings;
    for (size_t k = 0; k < zr->nrings; k++) {
        const dc_zone_ring *z = &zr->rings[k];
        if (z->count < 4 || z->count > MAX_EDGES) return false;
        ring *rg = &pr->rings[pr->nrings++];
        *rg = (ring){zr->points + z->start, z->count - 1, z->part, z->hole};
        pr->nedges += rg->n;
        exteriors += !z->hole;
        if (!ring_ok(pr, rg)) return false;
    }
    return exteriors == zr->nparts;
}

/* The grid: @p cols x @p rows cells of @p cw x @p ch from (minx, miny). */
typedef struct grid {
    double minx, miny, cw, ch;
    double per_cw, per_ch; /* 1 / cw, 1 / ch: a product costs less than a quotient */
    uint32_t cols, rows;
} grid;

/* The cells of edge @p a..@p b's box: columns c0..c1, rows r0..r1. Floor
 * of a monotone expression, so two boxes that meet share a cell. */
static void cells_of(const grid *gr, pt a, pt b, uint32_t c[4])
{
    c[0] = (uint32_t)LO((LO(a.x, b.x) - gr->minx) * gr->per_cw, gr->cols - 1);
    c[1] = (uint32_t)LO((HI(a.x, b.x) - gr->minx) * gr->per_cw, gr->cols - 1);
    c[2] = (uint32_t)LO((LO(a.y, b.y) - gr->miny) * gr->per_ch, gr->rows - 1);
    c[3] = (uint32_t)LO((HI(a.y, b.y) - gr->miny) * gr->per_ch, gr->rows - 1);
}

/* The grid's cell size for the proof's edges. */
static bool grid_of(const proof *pr, grid *gr)
{
    double extent = pr->extent;
    double w = pr->maxx - pr->minx, h = pr->maxy - pr->miny;
    if (!(w > 0) || !(h > 0)) return false;
    /* CELLS_PER_EDGE cells an edge over the box, and no smaller than
     * twice the mean edge, so that an edge covers a few cells. A zone's
     * edges lie along its border, in a few of the box's cells: at one cell
     * an edge those held a dozen edges each and their pairs were most of
     * the proof. Since a pair costs a test of two boxes in a row, the
     * empty cells weigh more: on realistic borders two cells an edge took
     * 6% fewer instructions than four (Quang Ninh), 9% (Ha Noi), and one
     * or eight more. Any grid finds every pair that meets, so the answer
     * does not depend on the cells. */
    uint32_t total = pr->nedges;
    double side = HI(sqrt(w * h / (CELLS_PER_EDGE * (double)total)), 2 * extent / total);
    *gr = (grid){.minx = pr->minx,
                 .miny = pr->miny,
                 .cols = (uint32_t)LO(HI(w / side, 1), 4096),
                 .rows = (uint32_t)LO(HI(h / side, 1), 4096)};
    gr->cw = w / gr->cols, gr->ch = h / gr->rows;
    gr->per_cw = 1 / gr->cw, gr->per_ch = 1 / gr->ch;
    return true;
}

/* Each edge's cells into w->span, counted into w->start (a counting sort
 * of (cell, edge) pairs); false when the edges cover too many cells for
 * the grid to be of use, or out of memory. */
static bool count_cells(proof *pr, const grid *gr, size_t ncells)
{
    dc_proof_work *w = pr->w;
    uint32_t total = pr->nedges;
    if (!reserve((void **)&w->start, &w->start_cap, ncells + 1, sizeof *w->start) ||
        !reserve((void **)&w->fill, &w->fill_cap, ncells, sizeof *w->fill) ||
        !reserve((void **)&w->span, &w->span_cap, total, sizeof *w->span))
        return false;
    memset(w->start, 0, (ncells + 1) * sizeof *w->start);
    uint64_t covered = 0;
    for (uint32_t r = 0, e = 0; r < pr->nrings; r++)
        for (uint32_t i = 0; i < pr->rings[r].n; i++, e++) {
            uint32_t *c = w->span[e];
            cells_of(gr, pr->rings[r].p[i], pr->rings[r].p[i + 1], c);
            covered += (uint64_t)(c[1] - c[0] + 1) * (c[3] - c[2] + 1);
            if (covered > (uint64_t)MAX_CELLS_PER_EDGE * total ||
                covered > MAX_CELL_EDGES)
                return false;
            for (uint32_t y = c[2]; y <= c[3]; y++)
                for (uint32_t x = c[0]; x <= c[1]; x++)
                    w->start[(size_t)y * gr->cols + x + 1]++;
        }
    for (size_t k = 0; k < ncells; k++)
        w->start[k + 1] += w->start[k];
    return true;
}

/* Each edge, with its box, into its cells of w->in_cell. */
static bool fill_cells(proof *pr, const grid *gr, size_t ncells)
{
    dc_proof_work *w = pr->w;
    if (!reserve((void **)&w->in_cell, &w->in_cell_cap, w->start[ncells],
                 sizeof *w->in_cell))
        return false;
    memcpy(w->fill, w->start, ncells * sizeof *w->fill);
    for (uint32_t r = 0, e = 0; r < pr->nrings; r++)
        for (uint32_t i = 0; i < pr->rings[r].n; i++, e++) {
            const uint32_t *c = w->span[e];
            pt a = pr->rings[r].p[i], b = pr->rings[r].p[i + 1];
            cell_edge ce = {LO(a.x, b.x), HI(a.x, b.x), LO(a.y, b.y), HI(a.y, b.y), r, i};
            for (uint32_t y = c[2]; y <= c[3]; y++)
                for (uint32_t x = c[0]; x <= c[1]; x++)
                    w->in_cell[w->fill[(size_t)y * gr->cols + x]++] = ce;
        }
    return true;
}

/* Whether two edges whose boxes meet are proven apart: neighbours on one
 * ring are (add_ring proved them), others by their points. */
static bool pair_apart(const proof *pr, const cell_edge *x, const cell_edge *y)
{
    if (x->ring == y->ring) {
        uint32_t n = pr->rings[x->ring].n, d = x->i > y->i ? x->i - y->i : y->i - x->i;
        if (d == 1 || d == n - 1) return true;
    }
    const pt *px = pr->rings[x->ring].p, *py = pr->rings[y->ring].p;
    return apart(px[x->i], px[x->i + 1], py[y->i], py[y->i + 1]);
}

/* The pairs of each cell: most are told apart by their boxes alone. */
static bool cells_apart(const proof *pr, size_t ncells)
{
    const uint32_t *start = pr->w->start;
    const cell_edge *in_cell = pr->w->in_cell;
    for (size_t k = 0; k < ncells; k++) {
        const cell_edge *end = in_cell + start[k + 1];
        for (const cell_edge *u = in_cell + start[k]; u < end; u++)
            for (const cell_edge *v = u + 1; v < end; v++) {
                if (u->x1 < v->x0 || v->x1 < u->x0 || u->y1 < v->y0 || v->y1 < u->y0)
                    continue;
                if (!pair_apart(pr, u, v)) return false;
            }
    }
    return true;
}

/* No two edges meet but neighbours: the edges bucketed into a grid of
 * about one cell an edge, and the edges of each cell tested pairwise. */
static bool edges_apart(proof *pr)
{
    grid gr;
    if (!grid_of(pr, &gr)) return false;
    size_t ncells = (size_t)gr.cols * gr.rows;
    return count_cells(pr, &gr, ncells) && fill_cells(pr, &gr, ncells) &&
           cells_apart(pr, ncells);
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

dc_proof_work *dc_proof_work_new(void)
{
    return calloc(1, sizeof(dc_proof_work));
}

void dc_proof_work_free(dc_proof_work *w)
{
    if (!w) return;
    free(w->rings);
    free(w->start);
    free(w->fill);
    free(w->span);
    free(w->in_cell);
    free(w);
}

bool dc_rings_proven_valid(const dc_zone_rings *zr, dc_proof_work *w)
{
    proof pr = {.w = w};
    pr.minx = pr.miny = INFINITY, pr.maxx = pr.maxy = -INFINITY;
    return read_rings(&pr, zr) && edges_apart(&pr) && nesting_ok(&pr);
}

bool dc_polygon_proven_valid(OGRGeometryH g)
{
    dc_zone_rings zr = {0};
    dc_proof_work *w = dc_proof_work_new();
    bool ok = w && g && dc_zone_rings_read(&zr, g) == 0 && dc_rings_proven_valid(&zr, w);
    dc_zone_rings_free(&zr);
    dc_proof_work_free(w);
    return ok;
}
