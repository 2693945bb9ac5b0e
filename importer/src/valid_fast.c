/*
 * valid_fast.c - a linear-time proof of validity for the usual zone (see
 * valid_fast.h). Each ring is cut into chains along which x never turns
 * back, whose edges cannot meet but as neighbours; the chains go into a
 * uniform grid, and two chains sharing a cell whose boxes meet are tested
 * edge by edge, with orientations carrying an error bound, so that a
 * touch, a crossing or a case too close to call all end the proof. Rings
 * that never meet are then simple and apart, and their nesting is told by
 * one vertex each.
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
/* Cells the chains cover, at most, per edge, before the grid is useless
 * (long edges across a detailed ring: GEOS then). */
#define MAX_CELLS_PER_EDGE 16
/* Chains in cells, at most (40 bytes each, with their boxes: 320 MB); a
 * zone of millions of vertices goes to GEOS rather than beyond. */
#define MAX_CELL_EDGES (1u << 23)
/* Rings whose nesting is compared pairwise, at most. */
#define MAX_RINGS 512
/* Cells of the grid a chain, at least (see grid_of). */
#define CELLS_PER_CHAIN 2
/* Edges a chain holds, at most (see chains_of): on Ha Noi's and Quang
 * Ninh's zones 32 took 3% fewer instructions than 16 and 11% fewer than
 * 8; 64 only 1% fewer, and no limit 25% more (long chains, large boxes). */
#define MAX_CHAIN 32

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

/* Consecutive edges of one ring along which x never turns back: no two
 * of them meet but neighbours (see chains_of), so only edges of
 * different chains are tested. Read in increasing x: from the first edge,
 * or from the last when x decreases along the ring. */
typedef struct chain {
    uint32_t ring, first, n;
    bool down;
} chain;

/* A chain as its pairs read it: edge start + k * step is its k-th in
 * increasing x, for k below n. */
typedef struct chain_read {
    const pt *p;
    uint32_t ring, start, n;
    int32_t step;
} chain_read;

/* One chain in one cell of the grid, with its box: the pairs of a cell
 * are told apart by their boxes, read in a row, before their edges. */
typedef struct cell_chain {
    double x0, x1, y0, y1;
    uint32_t chain;
} cell_chain;

/* The buffers of the proof, kept from zone to zone by one thread (see
 * zone_encode.h: fresh pages for every zone cost as much as the proof). */
struct dc_proof_work {
    ring *rings;
    size_t rings_cap;
    uint32_t *start, *fill;
    size_t start_cap, fill_cap;
    chain *chains;
    size_t chains_cap;
    cell_chain *boxes; /* each chain's box */
    size_t boxes_cap;
    uint32_t (*span)[4];
    size_t span_cap;
    cell_chain *in_cell;
    size_t in_cell_cap;
};

typedef struct proof {
    ring *rings;
    uint32_t nrings;
    uint32_t nedges;
    uint32_t nchains;
    double minx, miny, maxx, maxy;
    double extent; /* the chains' boxes, each its larger side, summed */
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
    double minx = pr->minx, miny = pr->miny, maxx = pr->maxx, maxy = pr->maxy;
    if (p[0].x != p[rg->n].x || p[0].y != p[rg->n].y) return false;
    /* each vertex with its two edges, the closing vertex's too, in one
     * pass: the ring is proven when every test holds, in any order */
    pt a = p[rg->n - 1], b = p[0];
    for (uint32_t i = 0; i < rg->n; i++) {
        pt c = p[i + 1];
        if (!isfinite(b.x) || !isfinite(b.y)) return false;
        if (c.x == b.x && c.y == b.y) return false;
        minx = LO(minx, b.x), maxx = HI(maxx, b.x);
        miny = LO(miny, b.y), maxy = HI(maxy, b.y);
        if (!neighbours_ok(a, b, c)) return false;
        a = b, b = c;
    }
    pr->minx = minx, pr->miny = miny, pr->maxx = maxx, pr->maxy = maxy;
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

/* The chain of ring @p r from edge @p first into *c and its box into *b;
 * the edge after its last. Its x-range is that of its ends, x never
 * turning back along it. */
static uint32_t chain_from(const proof *pr, uint32_t r, uint32_t first, chain *c,
                           cell_chain *b)
{
    const pt *p = pr->rings[r].p;
    uint32_t n = pr->rings[r].n, end = first + MAX_CHAIN < n ? first + MAX_CHAIN : n, i;
    double y0 = p[first].y, y1 = y0;
    int dir = 0;
    for (i = first; i < end; i++) {
        int dx = (p[i + 1].x > p[i].x) - (p[i + 1].x < p[i].x);
        if (dx && dir && dx != dir) break;
        dir = dx ? dx : dir;
        y0 = LO(y0, p[i + 1].y), y1 = HI(y1, p[i + 1].y);
    }
    *c = (chain){r, first, i - first, dir < 0};
    b->x0 = LO(p[first].x, p[i].x), b->x1 = HI(p[first].x, p[i].x);
    b->y0 = y0, b->y1 = y1;
    return i;
}

/*
 * Each ring cut into chains along which x never turns back, of at most
 * MAX_CHAIN edges, with their boxes; the sum of the boxes' larger sides,
 * for the grid. Two edges of one chain that are not neighbours never
 * meet: when the first ends at a smaller x than the second starts, their
 * x-ranges are apart; when at the same x, every edge between them is
 * upright, and ring_ok proved that such a run goes on one way in y, so
 * the two edges' points on that line are apart. Realistic borders turn
 * back in x every six edges or so: the grid holds a sixth of the items.
 */
static bool chains_of(proof *pr)
{
    dc_proof_work *w = pr->w;
    if (!reserve((void **)&w->chains, &w->chains_cap, pr->nedges, sizeof *w->chains) ||
        !reserve((void **)&w->boxes, &w->boxes_cap, pr->nedges, sizeof *w->boxes))
        return false;
    uint32_t nc = 0;
    double extent = 0;
    for (uint32_t r = 0; r < pr->nrings; r++)
        for (uint32_t i = 0; i < pr->rings[r].n; nc++) {
            cell_chain *b = &w->boxes[nc];
            i = chain_from(pr, r, i, &w->chains[nc], b);
            b->chain = nc;
            extent += HI(b->x1 - b->x0, b->y1 - b->y0);
        }
    pr->nchains = nc;
    pr->extent = extent;
    return nc > 0;
}

/* The grid: @p cols x @p rows cells of @p cw x @p ch from (minx, miny). */
typedef struct grid {
    double minx, miny, cw, ch;
    double per_cw, per_ch; /* 1 / cw, 1 / ch: a product costs less than a quotient */
    uint32_t cols, rows;
} grid;

/* The cells of box @p b: columns c0..c1, rows r0..r1. Floor of a
 * monotone expression, so two boxes that meet share a cell. */
static void cells_of(const grid *gr, const cell_chain *b, uint32_t c[4])
{
    c[0] = (uint32_t)LO((b->x0 - gr->minx) * gr->per_cw, gr->cols - 1);
    c[1] = (uint32_t)LO((b->x1 - gr->minx) * gr->per_cw, gr->cols - 1);
    c[2] = (uint32_t)LO((b->y0 - gr->miny) * gr->per_ch, gr->rows - 1);
    c[3] = (uint32_t)LO((b->y1 - gr->miny) * gr->per_ch, gr->rows - 1);
}

/* The grid's cell size for the proof's chains. */
static bool grid_of(const proof *pr, grid *gr)
{
    double w = pr->maxx - pr->minx, h = pr->maxy - pr->miny;
    if (!(w > 0) || !(h > 0)) return false;
    /* CELLS_PER_CHAIN cells a chain over the box, and no smaller than
     * twice the mean chain, so that a chain covers a few cells. A zone's
     * chains lie along its border, in a few of the box's cells; a pair
     * costs a test of two boxes in a row, so empty cells weigh too. Any
     * grid finds every pair that meets, so the answer does not depend on
     * the cells. */
    uint32_t total = pr->nchains;
    double side =
        HI(sqrt(w * h / (CELLS_PER_CHAIN * (double)total)), 2 * pr->extent / total);
    *gr = (grid){.minx = pr->minx,
                 .miny = pr->miny,
                 .cols = (uint32_t)LO(HI(w / side, 1), 4096),
                 .rows = (uint32_t)LO(HI(h / side, 1), 4096)};
    gr->cw = w / gr->cols, gr->ch = h / gr->rows;
    gr->per_cw = 1 / gr->cw, gr->per_ch = 1 / gr->ch;
    return true;
}

/* Each chain's cells into w->span, counted into w->start (a counting sort
 * of (cell, chain) pairs); false when the chains cover too many cells for
 * the grid to be of use, or out of memory. */
static bool count_cells(proof *pr, const grid *gr, size_t ncells)
{
    dc_proof_work *w = pr->w;
    uint32_t total = pr->nchains;
    if (!reserve((void **)&w->start, &w->start_cap, ncells + 1, sizeof *w->start) ||
        !reserve((void **)&w->fill, &w->fill_cap, ncells, sizeof *w->fill) ||
        !reserve((void **)&w->span, &w->span_cap, total, sizeof *w->span))
        return false;
    memset(w->start, 0, (ncells + 1) * sizeof *w->start);
    uint64_t covered = 0;
    for (uint32_t k = 0; k < total; k++) {
        uint32_t *c = w->span[k];
        cells_of(gr, &w->boxes[k], c);
        covered += (uint64_t)(c[1] - c[0] + 1) * (c[3] - c[2] + 1);
        if (covered > (uint64_t)MAX_CELLS_PER_EDGE * pr->nedges ||
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

/* Each chain, with its box, into its cells of w->in_cell. */
static bool fill_cells(proof *pr, const grid *gr, size_t ncells)
{
    dc_proof_work *w = pr->w;
    if (!reserve((void **)&w->in_cell, &w->in_cell_cap, w->start[ncells],
                 sizeof *w->in_cell))
        return false;
    memcpy(w->fill, w->start, ncells * sizeof *w->fill);
    for (uint32_t k = 0; k < pr->nchains; k++) {
        const uint32_t *c = w->span[k];
        for (uint32_t y = c[2]; y <= c[3]; y++)
            for (uint32_t x = c[0]; x <= c[1]; x++)
                w->in_cell[w->fill[(size_t)y * gr->cols + x]++] = w->boxes[k];
    }
    return true;
}

/* Whether edge i of ring ri and edge j of ring rj are proven apart:
 * neighbours on one ring are (ring_ok proved them), others by their
 * points. */
static bool edge_pair_apart(const proof *pr, uint32_t ri, uint32_t i, uint32_t rj,
                            uint32_t j)
{
    if (ri == rj) {
        uint32_t n = pr->rings[ri].n, d = i > j ? i - j : j - i;
        if (d == 1 || d == n - 1) return true;
    }
    const pt *p = pr->rings[ri].p, *q = pr->rings[rj].p;
    return apart(p[i], p[i + 1], q[j], q[j + 1]);
}

/* How chain @p c is read in increasing x. */
static chain_read chain_reader(const proof *pr, const chain *c)
{
    chain_read r = {pr->rings[c->ring].p, c->ring,
                    c->down ? c->first + c->n - 1 : c->first, c->n, c->down ? -1 : 1};
    return r;
}

/* The k-th edge of @p c in increasing x. */
static uint32_t chain_edge(const chain_read *c, uint32_t k)
{
    return (uint32_t)((int32_t)c->start + (int32_t)k * c->step);
}

/* Whether two chains whose boxes meet are proven apart: both read in
 * increasing x, each edge of @p u that reaches @p v's box against the
 * edges of @p v whose x-ranges reach its own (a stretch that only moves
 * on as u's edges do). */
static bool chains_apart(const proof *pr, const chain *cu, const chain *cv,
                         const cell_chain *box_v)
{
    chain_read u = chain_reader(pr, cu), v = chain_reader(pr, cv);
    uint32_t m0 = 0;
    for (uint32_t k = 0; k < u.n; k++) {
        uint32_t i = chain_edge(&u, k);
        pt a = u.p[i], b = u.p[i + 1];
        double x0 = LO(a.x, b.x), x1 = HI(a.x, b.x), y0 = LO(a.y, b.y), y1 = HI(a.y, b.y);
        if (x0 > box_v->x1) break;
        if (x1 < box_v->x0 || y1 < box_v->y0 || y0 > box_v->y1) continue;
        for (; m0 < v.n; m0++) {
            uint32_t j = chain_edge(&v, m0);
            if (HI(v.p[j].x, v.p[j + 1].x) >= x0) break;
        }
        for (uint32_t m = m0; m < v.n; m++) {
            uint32_t j = chain_edge(&v, m);
            pt c = v.p[j], d = v.p[j + 1];
            if (LO(c.x, d.x) > x1) break;
            if (HI(c.y, d.y) < y0 || LO(c.y, d.y) > y1) continue;
            if (!edge_pair_apart(pr, u.ring, i, v.ring, j)) return false;
        }
    }
    return true;
}

/* Whether cell (@p col, @p row) is the first of both spans, in the order
 * the cells are read: a pair of chains in several cells is tested once. */
static bool first_cell(const uint32_t su[4], const uint32_t sv[4], uint32_t col,
                       uint32_t row)
{
    return col == HI(su[0], sv[0]) && row == HI(su[2], sv[2]);
}

/* The pairs of each cell: most are told apart by their boxes alone. */
static bool cells_apart(const proof *pr, const grid *gr)
{
    const dc_proof_work *w = pr->w;
    for (uint32_t row = 0, k = 0; row < gr->rows; row++)
        for (uint32_t col = 0; col < gr->cols; col++, k++) {
            const cell_chain *end = w->in_cell + w->start[k + 1];
            for (const cell_chain *u = w->in_cell + w->start[k]; u < end; u++)
                for (const cell_chain *v = u + 1; v < end; v++) {
                    if (u->x1 < v->x0 || v->x1 < u->x0 || u->y1 < v->y0 || v->y1 < u->y0)
                        continue;
                    if (!first_cell(w->span[u->chain], w->span[v->chain], col, row))
                        continue;
                    if (!chains_apart(pr, &w->chains[u->chain], &w->chains[v->chain], v))
                        return false;
                }
        }
    return true;
}

/* No two edges meet but neighbours: the rings cut into chains, the
 * chains bucketed into a grid, and the chains of each cell whose boxes
 * meet tested edge by edge. */
static bool edges_apart(proof *pr)
{
    grid gr;
    if (!chains_of(pr) || !grid_of(pr, &gr)) return false;
    size_t ncells = (size_t)gr.cols * gr.rows;
    return count_cells(pr, &gr, ncells) && fill_cells(pr, &gr, ncells) &&
           cells_apart(pr, &gr);
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
    free(w->chains);
    free(w->boxes);
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
