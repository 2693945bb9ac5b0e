/*
 * overlap_index.c - building the grid over a pair's window and the
 * latitude bands over a zone; the orientation tests of the measure, an
 * edge cut alone on a grid, and the links of a whole pair found from one
 * side (overlap_index.h).
 */
#include "overlap_index.h"

#include <string.h>

static void grid_shape(dc_grid *g, const dc_box *w, size_t cells)
{
    double wx = w->x1 - w->x0, wy = w->y1 - w->y0;
    double cols = 1;
    if (wx > 0 && wy > 0) cols = round(sqrt((double)cells * wx / wy));
    cols = fmin(fmax(cols, 1), 4096);
    double rows = fmin(fmax(round((double)cells / cols), 1), 1u << 20);
    g->cols = (uint32_t)cols;
    g->rows = (uint32_t)rows;
    g->col_last = cols - 1;
    g->row_last = rows - 1;
    g->x0 = w->x0;
    g->y0 = w->y0;
    g->cw = wx > 0 && g->cols > 1 ? wx / g->cols : 1;
    g->ch = wy > 0 ? wy / g->rows : 1;
}

/* Each edge's cells, counted in start[k + 1] for each cell k it spans
 * (zeroed first); the entries the cells hold. One pass: the grid is
 * almost always the first shape tried. 0, or -1 out of memory. */
static int grid_count(dc_grid *g, const dc_box *boxes, size_t n, size_t *entries)
{
    size_t ncells = (size_t)g->cols * g->rows, total = 0;
    int rc = 0;
    g->start = grow(g->start, &g->start_cap, ncells + 1, sizeof *g->start, &rc);
    if (rc != 0) return -1;
    memset(g->start, 0, (ncells + 1) * sizeof *g->start);
    for (size_t i = 0; i < n; i++) {
        dc_span s = grid_span(g, &boxes[i]);
        g->span[i] = s;
        for (uint32_t r = s.r0; r <= s.r1; r++)
            for (uint32_t c = s.c0; c <= s.c1; c++)
                g->start[(size_t)r * g->cols + c + 1]++;
        total += (size_t)(s.c1 - s.c0 + 1) * (s.r1 - s.r0 + 1);
    }
    *entries = total;
    return 0;
}

int dc_grid_build(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n)
{
    return dc_grid_build_cells(g, w, boxes, n, n / 2 + 1);
}

int dc_grid_build_cells(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n,
                        size_t cells0)
{
    int rc = 0;
    g->span = grow(g->span, &g->span_cap, n + 1, sizeof *g->span, &rc);
    if (rc != 0) return -1;
    size_t entries;
    for (size_t cells = cells0;; cells /= 4) {
        grid_shape(g, w, cells);
        if (grid_count(g, boxes, n, &entries) != 0) return -1;
        if (entries <= 8 * n + 64 || cells <= 1) break;
    }
    size_t ncells = (size_t)g->cols * g->rows;
    g->item = grow(g->item, &g->item_cap, entries + 1, sizeof *g->item, &rc);
    if (rc != 0) return -1;
    for (size_t k = 0; k < ncells; k++)
        g->start[k + 1] += g->start[k];
    for (size_t i = 0; i < n; i++) {
        dc_span s = g->span[i];
        for (uint32_t r = s.r0; r <= s.r1; r++)
            for (uint32_t c = s.c0; c <= s.c1; c++)
                g->item[g->start[(size_t)r * g->cols + c]++] = (uint32_t)i;
    }
    /* The fill advanced every start to the next cell's: shift back. */
    memmove(g->start + 1, g->start, ncells * sizeof *g->start);
    g->start[0] = 0;
    return 0;
}

void dc_grid_free(dc_grid *g)
{
    free(g->start);
    free(g->item);
    free(g->span);
}

static double scale_of(double lo, double hi, size_t n)
{
    return hi > lo ? (double)n / (hi - lo) : 0;
}

/* The bands an edge reaches, and the bucket of its western end. */
typedef struct dc_reach {
    uint32_t r0, r1, bucket;
} dc_reach;

/* The bands' shape for @p rows rows over @p all, and for each edge among
 * the @p n slots of @p ys its bands and bucket (in @p reach), counted in
 * b->start[r + 1] for each band r it reaches and count[q + 1] for its
 * bucket q (both zeroed first); the entries the bands hold. One pass:
 * the bands are almost always the first shape tried. */
static size_t bands_count(dc_bands *b, const dc_box *all, size_t rows, const dc_yspan *ys,
                          size_t n, dc_reach *reach, uint32_t *count)
{
    b->rows = (uint32_t)rows;
    b->row_last = (double)rows - 1;
    b->y0 = all->y0;
    b->yscale = scale_of(all->y0, all->y1, rows);
    memset(b->start, 0, (rows + 1) * sizeof *b->start);
    memset(count, 0, ((size_t)b->buckets + 1) * sizeof *count);
    size_t entries = 0;
    for (size_t k = 0; k < n; k++) {
        if (ys[k].y0 > ys[k].y1) continue;
        dc_reach x = {band_of(b, ys[k].y0), band_of(b, ys[k].y1), bucket_of(b, ys[k].x0)};
        reach[k] = x;
        count[x.bucket + 1]++;
        for (uint32_t r = x.r0; r <= x.r1; r++)
            b->start[r + 1]++;
        entries += x.r1 - x.r0 + 1;
    }
    return entries;
}

/* Counts to offsets. */
static void offsets(uint32_t *start, size_t n)
{
    for (size_t k = 0; k < n; k++)
        start[k + 1] += start[k];
}

/* The edges' slots by bucket of their western end (a counting sort, a
 * bucket an edge), into @p order. */
static void bands_order(const dc_yspan *ys, size_t n, const dc_reach *reach,
                        uint32_t *count, size_t buckets, uint32_t *order)
{
    offsets(count, buckets);
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) order[count[reach[k].bucket]++] = (uint32_t)k;
}

/* Each band's edges in bucket order, and its widest edge. */
static void bands_fill(dc_bands *b, const dc_yspan *ys, const dc_reach *reach,
                       const uint32_t *order, size_t nedges)
{
    offsets(b->start, b->rows);
    for (size_t i = 0; i < nedges; i++) {
        uint32_t k = order[i];
        double width = ys[k].x1 - ys[k].x0;
        for (uint32_t r = reach[k].r0; r <= reach[k].r1; r++) {
            b->item[b->start[r]++] = k;
            b->width[r] = max2(b->width[r], width);
        }
    }
    /* The fill advanced every start to the next band's: shift back. */
    memmove(b->start + 1, b->start, (size_t)b->rows * sizeof *b->start);
    b->start[0] = 0;
}

/* Bands over @p all's latitudes for the @p nedges edges among the @p n
 * slots of @p ys: about @p per_band edges a band. 0, or -1 out of memory. */
int dc_bands_build(dc_bands *b, const dc_yspan *ys, size_t n, size_t nedges,
                   size_t per_band, const dc_box *all)
{
    size_t rows = nedges / per_band + 1;
    b->buckets = (uint32_t)(nedges + 1);
    b->bucket_last = (double)nedges;
    b->x0 = all->x0;
    b->xscale = scale_of(all->x0, all->x1, b->buckets);
    dc_reach *reach = malloc((n + 1) * sizeof *reach);
    uint32_t *order = malloc((nedges + 1) * sizeof *order);
    uint32_t *count = malloc(((size_t)b->buckets + 1) * sizeof *count);
    b->start = malloc((rows + 1) * sizeof *b->start);
    b->item = NULL;
    b->width = NULL;
    int rc = -1;
    if (!reach || !order || !count || !b->start) goto done;
    size_t entries;
    for (;; rows /= 4) {
        entries = bands_count(b, all, rows, ys, n, reach, count);
        if (entries <= 8 * nedges + 64 || rows <= 1) break;
    }
    b->item = malloc((entries + 1) * sizeof *b->item);
    b->width = calloc((size_t)b->rows + 1, sizeof *b->width);
    if (!b->item || !b->width) goto done;
    bands_order(ys, n, reach, count, b->buckets, order);
    bands_fill(b, ys, reach, order, nedges);
    rc = 0;
done:
    free(reach);
    free(order);
    free(count);
    return rc;
}

void dc_bands_free(dc_bands *b)
{
    free(b->start);
    free(b->item);
    free(b->width);
}

/* ---- where the window edges of two zones meet ---- */

/* Side of the line a->b that c is on: 1 left, -1 right, 0 when c is a or b,
 * 2 when too close to the line to tell; *det gets the determinant and
 * *terms the size of its terms, which bounds its rounding (both 0 when
 * c is a or b). The determinant is exactly 0 when c is a or b (the
 * products are then zero, or the same two factors), so a certain side
 * needs no comparison of points. */
static inline int side(dc_xy a, dc_xy b, dc_xy c, double *det, double *terms)
{
    double l = (b.x - a.x) * (c.y - a.y), r = (b.y - a.y) * (c.x - a.x);
    double d = l - r, m = fabs(l) + fabs(r);
    if (fabs(d) > DC_UNSURE * m) {
        *det = d;
        *terms = m;
        return d > 0 ? 1 : -1;
    }
    bool end = xy_eq(c, a) || xy_eq(c, b);
    *det = end ? 0 : d;
    *terms = end ? 0 : m;
    return end ? 0 : 2;
}

typedef enum dc_meet {
    DC_MEET_NONE,     /* apart, or touching at a shared vertex only */
    DC_MEET_CROSS,    /* crossing inside both */
    DC_MEET_SAME,     /* the same edge, the same way round */
    DC_MEET_OPPOSITE, /* the same edge, the other way round */
    DC_MEET_UNSURE
} dc_meet;

/* A crossing's parameter along one edge, from the determinants of the
 * other's ends: within the bound of where the two edges really cross, as
 * each determinant is within 1e-15 of its terms (three roundings of its
 * differences and products, and one of its own), and a certain one is
 * more than 1e-13 of them, so their quotient moves by at most about the
 * sum of those errors over the sum of the two. */
static dc_cut cut_at(double d1, double d2, double m1, double m2, uint32_t j)
{
    dc_cut c = {d1 / (d1 - d2), 1.1e-15 * (m1 + m2) / (fabs(d1) + fabs(d2)) + 1e-15, j};
    return c;
}

/* How p->q and r->s meet; at a crossing, *at along p->q and *bt along
 * r->s. The four orientations are the same whichever edge comes first,
 * and so is the answer: the two edges are apart when either's ends lie
 * on one side of the other. */
static dc_meet meet(dc_xy p, dc_xy q, dc_xy r, dc_xy s, dc_cut *at, dc_cut *bt)
{
    double d1, d2, d3, d4, m1, m2, m3, m4;
    /* r and s on one side of p->q: apart, whatever the other two say
     * (and neither is an end of p->q, so the edges are not the same). */
    int o1 = side(p, q, r, &d1, &m1), o2 = side(p, q, s, &d2, &m2);
    if (o1 == o2 && (o1 == 1 || o1 == -1)) return DC_MEET_NONE;
    if (xy_eq(p, r) && xy_eq(q, s)) return DC_MEET_SAME;
    if (xy_eq(p, s) && xy_eq(q, r)) return DC_MEET_OPPOSITE;
    int o3 = side(r, s, p, &d3, &m3), o4 = side(r, s, q, &d4, &m4);
    if (o3 == o4 && (o3 == 1 || o3 == -1)) return DC_MEET_NONE;
    if (o1 == 2 || o2 == 2 || o3 == 2 || o4 == 2) return DC_MEET_UNSURE;
    /* A zero is a shared vertex; with every other side certain, the two
     * edges leave it in different directions and meet nowhere else. */
    if (o1 == 0 || o2 == 0 || o3 == 0 || o4 == 0) return DC_MEET_NONE;
    *at = cut_at(d3, d4, m3, m4, 0);
    *bt = cut_at(d1, d2, m1, m2, 0);
    return DC_MEET_CROSS;
}

/* ---- one edge alone ---- */

static int near_add(dc_cuts *c, uint32_t j)
{
    int rc = 0;
    c->near = grow(c->near, &c->near_cap, c->nnear + 1, sizeof *c->near, &rc);
    if (rc == 0) c->near[c->nnear++] = j;
    return rc;
}

static int cuts_add(dc_cuts *c, dc_cut x)
{
    int rc = 0;
    c->c = grow(c->c, &c->cap, c->n + 1, sizeof *c->c, &rc);
    if (rc == 0) c->c[c->n++] = x;
    return rc;
}

/* The cells beyond the edge's own are read for the near edges only, so
 * the edges are met in the order they always were. */
int dc_cut_alone(const dc_fedges *e, const dc_fedges *f, const dc_grid *grid, size_t i,
                 double mg, bool first, bool first_only, dc_cuts *c)
{
    dc_xy p = e->p[i], q = e->q[i];
    const dc_box *bi = &e->box[i];
    dc_box wide = {bi->x0 - mg, bi->y0 - mg, bi->x1 + mg, bi->y1 + mg};
    dc_span sp = grid_span(grid, bi), sw = grid_span(grid, &wide);
    c->n = c->nnear = 0;
    for (uint32_t row = sw.r0; row <= sw.r1; row++)
        for (uint32_t col = sw.c0; col <= sw.c1; col++) {
            size_t cell = (size_t)row * grid->cols + col;
            bool inner = row >= sp.r0 && row <= sp.r1 && col >= sp.c0 && col <= sp.c1;
            for (uint32_t k = grid->start[cell]; k < grid->start[cell + 1]; k++) {
                uint32_t j = grid->item[k];
                if (!box_meets(&wide, &f->box[j])) continue;
                if (near_add(c, j) != 0) return -3;
                if (!inner || !box_meets(bi, &f->box[j])) continue;
                dc_cut at, bt;
                dc_meet m = meet(p, q, f->p[j], f->q[j], &at, &bt);
                if (m != DC_MEET_NONE && m != DC_MEET_CROSS && first_only) return -4;
                switch (m) {
                case DC_MEET_NONE:
                    break;
                case DC_MEET_CROSS:
                    at.j = j;
                    if (cuts_add(c, at) != 0) return -3;
                    break;
                case DC_MEET_SAME:
                    return first ? 1 : -1;
                case DC_MEET_OPPOSITE:
                    return -1;
                case DC_MEET_UNSURE:
                    return -2;
                }
            }
        }
    return 0;
}

void dc_cuts_free(dc_cuts *c)
{
    free(c->c);
    free(c->near);
}

static bool cut_before(const dc_cut *x, const dc_cut *y)
{
    return x->t < y->t || (x->t == y->t && x->j < y->j);
}

static int cmp_cut(const void *a, const void *b)
{
    return cut_before(a, b) ? -1 : cut_before(b, a);
}

/* An edge is cut a few times at most: insertion sort, qsort beyond. */
void dc_cuts_sort(dc_cut *t, size_t n)
{
    if (n > 16) {
        qsort(t, n, sizeof *t, cmp_cut);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        dc_cut x = t[i];
        size_t j = i;
        for (; j > 0 && cut_before(&x, &t[j - 1]); j--)
            t[j] = t[j - 1];
        t[j] = x;
    }
}

/* ---- a pair's links, from one side ---- */

void dc_links_free(dc_links *l)
{
    free(l->near_start);
    free(l->near);
    free(l->cut_start);
    free(l->cut);
    free(l->back);
    free(l->event);
}

/* Room for the per-edge arrays of @p n edges, zeroed when @p zero. */
static int links_reserve(dc_links *l, size_t n, bool zero)
{
    int rc = 0;
    l->near_start = grow(l->near_start, &l->start_cap, n + 1, sizeof *l->near_start, &rc);
    l->cut_start = grow(l->cut_start, &l->cstart_cap, n + 1, sizeof *l->cut_start, &rc);
    l->event = grow(l->event, &l->event_cap, n + 1, sizeof *l->event, &rc);
    if (rc != 0 || !zero) return rc;
    memset(l->near_start, 0, (n + 1) * sizeof *l->near_start);
    memset(l->cut_start, 0, (n + 1) * sizeof *l->cut_start);
    memset(l->event, 0, n + 1);
    return 0;
}

/* The pair's running totals while side a reads. */
typedef struct dc_tally {
    size_t nnear, ncut;
} dc_tally;

/* Whether cell (row, col) of span @p q is the first that edge span @p e
 * also covers, in the order q's cells are read: an edge listed in
 * several of them is read once. */
static inline bool first_cell(const dc_span *e, const dc_span *q, uint32_t row,
                              uint32_t col)
{
    return row == (e->r0 > q->r0 ? e->r0 : q->r0) &&
           col == (e->c0 > q->c0 ? e->c0 : q->c0);
}

/* Edge i of @p ea against the edges of @p eb that @p grid finds, each
 * once: each found near or crossing recorded for both sides (lb only
 * counts, for now). 0, or -1 out of memory. */
static int link_edge(dc_links *la, dc_links *lb, const dc_fedges *ea, const dc_fedges *eb,
                     const dc_grid *grid, size_t i, double mg, dc_tally *t)
{
    dc_xy p = ea->p[i], q = ea->q[i];
    const dc_box *bi = &ea->box[i];
    dc_box wide = {bi->x0 - mg, bi->y0 - mg, bi->x1 + mg, bi->y1 + mg};
    dc_span sw = grid_span(grid, &wide);
    bool one = sw.r0 == sw.r1 && sw.c0 == sw.c1;
    int rc = 0;
    for (uint32_t row = sw.r0; row <= sw.r1; row++)
        for (uint32_t col = sw.c0; col <= sw.c1; col++) {
            size_t cell = (size_t)row * grid->cols + col;
            for (uint32_t k = grid->start[cell]; k < grid->start[cell + 1]; k++) {
                uint32_t j = grid->item[k];
                if (!box_meets(&wide, &eb->box[j])) continue;
                if (!one && !first_cell(&grid->span[j], &sw, row, col)) continue;
                la->near =
                    grow(la->near, &la->near_cap, t->nnear + 1, sizeof *la->near, &rc);
                if (rc != 0) return -1;
                la->near[t->nnear++] = j;
                lb->near_start[j + 1]++;
                if (!box_meets(bi, &eb->box[j])) continue;
                dc_cut at, bt;
                dc_meet m = meet(p, q, eb->p[j], eb->q[j], &at, &bt);
                if (m == DC_MEET_NONE) continue;
                if (m != DC_MEET_CROSS) {
                    la->event[i] = lb->event[j] = 1;
                    continue;
                }
                la->cut = grow(la->cut, &la->cut_cap, t->ncut + 1, sizeof *la->cut, &rc);
                la->back =
                    grow(la->back, &la->back_cap, t->ncut + 1, sizeof *la->back, &rc);
                if (rc != 0) return -1;
                at.j = j;
                bt.j = (uint32_t)i;
                la->cut[t->ncut] = at;
                la->back[t->ncut++] = bt;
                lb->cut_start[j + 1]++;
            }
        }
    return 0;
}

/* lb's lists from la's: each near edge and each crossing, as the other
 * edge sees it, in the order of la's edges. The fill advances every
 * offset to the next edge's: shifted back after. */
static int links_turn(dc_links *la, dc_links *lb, size_t na, size_t nb)
{
    offsets(lb->near_start, nb);
    offsets(lb->cut_start, nb);
    int rc = 0;
    lb->near =
        grow(lb->near, &lb->near_cap, lb->near_start[nb] + 1, sizeof *lb->near, &rc);
    lb->cut = grow(lb->cut, &lb->cut_cap, lb->cut_start[nb] + 1, sizeof *lb->cut, &rc);
    if (rc != 0) return -1;
    for (size_t i = 0; i < na; i++) {
        for (uint32_t k = la->near_start[i]; k < la->near_start[i + 1]; k++)
            lb->near[lb->near_start[la->near[k]]++] = (uint32_t)i;
        for (uint32_t k = la->cut_start[i]; k < la->cut_start[i + 1]; k++)
            lb->cut[lb->cut_start[la->cut[k].j]++] = la->back[k];
    }
    memmove(lb->near_start + 1, lb->near_start, nb * sizeof *lb->near_start);
    memmove(lb->cut_start + 1, lb->cut_start, nb * sizeof *lb->cut_start);
    lb->near_start[0] = lb->cut_start[0] = 0;
    return 0;
}

int dc_links_find(dc_links *la, dc_links *lb, const dc_fedges *ea, const dc_fedges *eb,
                  const dc_grid *grid_b, double mg)
{
    if (links_reserve(la, ea->n, false) != 0 || links_reserve(lb, eb->n, true) != 0)
        return -1;
    dc_tally t = {0, 0};
    for (size_t i = 0; i < ea->n; i++) {
        la->near_start[i] = (uint32_t)t.nnear;
        la->cut_start[i] = (uint32_t)t.ncut;
        la->event[i] = 0;
        if (link_edge(la, lb, ea, eb, grid_b, i, mg, &t) != 0) return -1;
    }
    la->near_start[ea->n] = (uint32_t)t.nnear;
    la->cut_start[ea->n] = (uint32_t)t.ncut;
    return links_turn(la, lb, ea->n, eb->n);
}
