/*
 * overlap_area.c - the measure: the area two zones share, integrated
 * along the pieces of each boundary inside the other, in doubles, on the
 * WGS 84 geometries; it declines (and GEOS decides) wherever a piece is
 * too close to the other boundary to place.
 */
#include "overlap.h"
#include "overlap_area.h"

#include <stdlib.h>
#include <string.h>

/* Runs a block holds. A point is placed by the edges of the runs, in the
 * blocks, whose latitudes reach it: a zone of ten thousand edges has
 * about forty blocks, and a latitude meets a few of them. The measure
 * places a few points a pair (most pieces are known from the chain), too
 * few to pay for latitude bands over every zone. */
#define DC_BLOCK 16

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

void dc_fzone_free(dc_fzone *z)
{
    if (!z) return;
    free(z->v);
    free(z->run);
    free(z->ring);
    free(z->block);
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

/* Twice the signed area, relative to the first vertex. The last edge
 * ends there, so its term is zero and is left out: at most the sign of a
 * zero total changes, and a ring of zero area is dropped either way. */
static double ring_twice(const dc_xy *u, int m)
{
    double twice = 0;
    dc_xy a = {0, 0};
    for (int i = 0; i + 1 < m; i++) {
        dc_xy b = {u[i + 1].x - u[0].x, u[i + 1].y - u[0].y};
        twice += a.x * b.y - b.x * a.y;
        a = b;
    }
    return twice;
}

/* The runs of the m edges from slot base, and their boxes. */
static void fzone_runs(dc_fzone *z, size_t base, int m)
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
        }
        box_add(&z->all, &r->box);
    }
}

/* One ring into the slots from *base (advanced past it when kept). A ring
 * turned round is reversed in place but for its first vertex: the edges
 * the measure read as (u[i + 1], u[i]), i upwards, are then read forwards
 * from the last slot down. */
static void fzone_ring(dc_fzone *z, OGRGeometryH ring, bool hole, size_t *base)
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
    fzone_runs(z, *base, m);
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

/* The blocks of the zone's runs and their boxes; 0, or -1 out of memory. */
static int fzone_blocks(dc_fzone *z)
{
    z->nblocks = (z->nruns + DC_BLOCK - 1) / DC_BLOCK;
    z->block = malloc((z->nblocks + 1) * sizeof *z->block);
    if (!z->block) return -1;
    for (size_t k = 0; k < z->nblocks; k++) {
        dc_box x = box_none;
        for (size_t r = k * DC_BLOCK; r < z->nruns && r < (k + 1) * DC_BLOCK; r++)
            box_add(&x, &z->run[r].box);
        z->block[k] = x;
    }
    return 0;
}

int dc_fzone_load(dc_fzone *z, OGRGeometryH g)
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
    z->v = malloc((slots + 1) * sizeof *z->v);
    z->run = malloc((runs + 1) * sizeof *z->run);
    z->ring = malloc((rings + 1) * sizeof *z->ring);
    if (!z->v || !z->run || !z->ring) return -1;
    bool single = wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon;
    int parts = single ? 1 : OGR_G_GetGeometryCount(g);
    for (int i = 0; i < parts; i++) {
        OGRGeometryH poly = single ? g : OGR_G_GetGeometryRef(g, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++)
            fzone_ring(z, OGR_G_GetGeometryRef(poly, r), r > 0, &base);
    }
    return fzone_blocks(z);
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

static void fedges_free(dc_fedges *e)
{
    free(e->p);
    free(e->q);
    free(e->box);
    free(e->group);
    free(e->gbox);
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
            e->gbox = grow(e->gbox, &e->gbox_cap, e->ngroups + 1, sizeof *e->gbox, &rc);
            if (rc != 0) return -1;
            size_t start = e->n;
            fedges_run(e, z, run, zr->backward, o, w);
            dc_fgroup g = {start, e->n};
            dc_box x = {run->box.x0 - o.x, run->box.y0 - o.y, run->box.x1 - o.x,
                        run->box.y1 - o.y};
            if (e->n == start) continue;
            e->gbox[e->ngroups] = x;
            e->group[e->ngroups++] = g;
        }
    }
    return 0;
}

/* The polygon that places pieces: its zone, the window's origin, its edges'
 * box relative to that origin, the window, and a distance past which no
 * edge is too close to a point to place it. */
typedef struct dc_placer {
    const dc_fzone *z;
    dc_xy o;
    dc_box all;
    const dc_box *w;
    double margin;
} dc_placer;

/* Whether a box, its latitudes widened by @p slack, reaches latitude @p y. */
static bool reaches(const dc_box *b, double y, double slack)
{
    return b->y0 - slack <= y && y <= b->y1 + slack;
}

/* Edge v[0] -> v[1] of the zone against the ray from c (relative to
 * @p o): flips *inside when the ray crosses it; -1 when c is too close
 * to it to tell, else 0. */
static int ray_edge(const dc_xy *v, dc_xy o, dc_xy c, bool west, bool *inside)
{
    dc_xy a = {v[0].x - o.x, v[0].y - o.y};
    dc_xy b = {v[1].x - o.x, v[1].y - o.y};
    if (a.y == c.y && b.y == c.y && c.x >= fmin(a.x, b.x) && c.x <= fmax(a.x, b.x))
        return -1;
    if ((a.y > c.y) != (b.y > c.y)) {
        double lhs = (c.x - a.x) * (b.y - a.y), rhs = (c.y - a.y) * (b.x - a.x);
        if (fabs(lhs - rhs) <= DC_UNSURE * (fabs(lhs) + fabs(rhs))) return -1;
        bool east = b.y > a.y ? lhs < rhs : lhs > rhs;
        if (east != west) *inside = !*inside;
    }
    return 0;
}

/*
 * 1 inside, 0 outside, -1 too close to the boundary to tell. A piece of
 * an edge beyond the window's latitudes is beyond the other polygon,
 * unless rounding took its midpoint there. Every edge whose latitudes,
 * relative to the origin, reach c's reaches it unshifted too, within the
 * zone's slack: the edges of the runs, in the blocks, whose boxes so
 * widened reach c are every edge that can hold c or cross the ray along
 * its latitude. They cross that latitude an even number of times, each
 * east or west of c, so the ray may go either way; it goes to the nearer
 * side, as classify's does. The test doubts only an edge within about
 * 1e-13 of the zone's width from c, so the answer, -1 included, is the
 * one the eastward ray over every edge gives.
 */
static int place(const dc_placer *pl, dc_xy c)
{
    const dc_box *all = &pl->all;
    if (c.y < pl->w->y0 || c.y > pl->w->y1)
        return c.y < all->y0 || c.y > all->y1 || c.x < all->x0 || c.x > all->x1 ? 0 : -1;
    const dc_fzone *z = pl->z;
    double cy = c.y + pl->o.y;
    bool west = westward(c.x + pl->o.x, z->all.x0, z->all.x1), inside = false;
    for (size_t k = 0; k < z->nblocks; k++) {
        if (!reaches(&z->block[k], cy, z->slack)) continue;
        size_t r1 = (k + 1) * DC_BLOCK < z->nruns ? (k + 1) * DC_BLOCK : z->nruns;
        for (size_t r = k * DC_BLOCK; r < r1; r++) {
            const dc_run *run = &z->run[r];
            if (!reaches(&run->box, cy, z->slack)) continue;
            for (uint32_t e = run->start; e < run->end; e++)
                if (ray_edge(&z->v[e], pl->o, c, west, &inside) != 0) return -1;
        }
    }
    return inside;
}

typedef struct dc_side {
    const dc_fedges *e, *f; /* the edges cut, and those of the polygon that cuts them */
    dc_links *links;        /* the edges of f near each edge of e, and the cuts */
    const dc_grid *runs_f;  /* a grid over f's runs */
    dc_grid *fine_f;        /* a finer grid over f's edges, for an edge cut alone */
    bool *fine_built;
    dc_grid *order_f; /* the grid whose order decides an edge's first event */
    bool *order_built;
    const dc_box *w;
    const dc_placer *place_f;
    bool first; /* an edge shared the same way round is counted on the first side */
} dc_side;

/* The cuts of one edge (edge_pieces sorts them) and the edges of the
 * other zone near it. */
typedef struct dc_edge_cuts {
    dc_cut *c;
    size_t n;
    const uint32_t *near;
    size_t nnear;
} dc_edge_cuts;

/* Cells of a window's fine grid for @p n edges. The edges of a window lie
 * along the border the two zones share, a line across it: on a grid of
 * about two edges a cell the cells that line crosses hold dozens each. */
static size_t fine_cells(size_t n)
{
    return 4 * n + 1;
}

/* The grid over @p f's edges, built when first needed; NULL out of memory. */
static const dc_grid *grid_over(dc_grid *g, bool *built, const dc_box *w,
                                const dc_fedges *f, size_t cells)
{
    if (!*built && dc_grid_build_cells(g, w, f->box, f->n, cells) != 0) return NULL;
    *built = true;
    return g;
}

/*
 * Edge i cut alone, as it always was: first on the fine grid. Every edge
 * of f whose box meets edge i's is read on any grid, so the crossings
 * are the same (repeated where an edge lies in several cells: the pieces
 * between equal cuts are empty and skipped). Only which of several
 * shared, reversed or doubtful edges comes first depends on the grid: at
 * the first such event the edge is cut again on the grid that has always
 * decided it (about two edges a cell), built for this pair when first
 * needed. 1, -1, 0, -2 or -3 as dc_cut_alone.
 */
static int cut_alone(const dc_side *s, size_t i, dc_cuts *c)
{
    double mg = 3 * s->place_f->margin;
    const dc_grid *g =
        grid_over(s->fine_f, s->fine_built, s->w, s->f, fine_cells(s->f->n));
    if (!g) return -3;
    int rc = dc_cut_alone(s->e, s->f, g, i, mg, s->first, true, c);
    if (rc != -4) return rc;
    g = grid_over(s->order_f, s->order_built, s->w, s->f, s->f->n / 2 + 1);
    if (!g) return -3;
    return dc_cut_alone(s->e, s->f, g, i, mg, s->first, false, c);
}

/* Edge i's cuts and near edges into *v: from the pair's links, unless
 * one of its meetings is other than a crossing; then it is cut alone
 * (storage in *c). 1, -1, 0, -2 or -3 as dc_cut_alone. */
static int cut_edge(const dc_side *s, size_t i, dc_cuts *c, dc_edge_cuts *v)
{
    const dc_links *l = s->links;
    if (!l->event[i]) {
        dc_edge_cuts x = {l->cut + l->cut_start[i], l->cut_start[i + 1] - l->cut_start[i],
                          l->near + l->near_start[i],
                          l->near_start[i + 1] - l->near_start[i]};
        *v = x;
        return 0;
    }
    int rc = cut_alone(s, i, c);
    dc_edge_cuts x = {c->c, c->n, c->near, c->nnear};
    *v = x;
    return rc;
}

static dc_xy along(dc_xy p, dc_xy q, double t)
{
    if (t <= 0) return p;
    if (t >= 1) return q;
    dc_xy v = {p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)};
    return v;
}

/*
 * Where each piece lies, known without placing it. Along the chain of
 * one zone's edges, whether a point is inside the other zone changes only
 * where the chain crosses the other zone's boundary: at the crossings
 * the edge was cut at, or at a vertex on that boundary. So the next
 * piece of an edge lies on the other side from the last when one edge
 * (or an odd number) cuts it between them, and an edge that continues
 * the last at a vertex starts where the last ended. Such a step is taken
 * only when it is beyond doubt:
 *  - every piece of the edge is longer than four times the largest
 *    bound on its cuts' rounding (meet), so each crossing really lies
 *    between the two midpoints it was found between;
 *  - the point the answer is carried to (a piece's midpoint, a vertex)
 *    is clear: more than the placer's margin inside the window, and no
 *    box of the other zone's edges within twice the margin. Then no
 *    boundary passes between it and where it would be without rounding,
 *    and place, whose doubt reaches no farther than that margin, would
 *    have been sure, so the answer is place's.
 * Otherwise the piece is placed as it always was. Only calls to place
 * are saved: the pieces, their order and the sums are the same.
 */

/* Whether edge a->b comes within about @p m of @p c; its rounding is far
 * below the twice the margin it is asked for. */
static bool near_edge(dc_xy a, dc_xy b, dc_xy c, double m)
{
    double ex = b.x - a.x, ey = b.y - a.y, dx = c.x - a.x, dy = c.y - a.y;
    double len = ex * ex + ey * ey, u = len > 0 ? (dx * ex + dy * ey) / len : 0;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    double rx = dx - u * ex, ry = dy - u * ey;
    return rx * rx + ry * ry <= 4 * m * m;
}

/* Whether @p c, a point of the edge just cut (c->near its neighbours),
 * is clear of the other zone's boundary (above). */
static bool point_clear(const dc_side *s, const dc_edge_cuts *near, dc_xy c)
{
    double m = 2 * s->place_f->margin;
    const dc_box *w = s->w;
    dc_box x = {c.x - m, c.y - m, c.x + m, c.y + m};
    if (!(x.x0 > w->x0 && x.y0 > w->y0 && x.x1 < w->x1 && x.y1 < w->y1)) return false;
    for (size_t k = 0; k < near->nnear; k++) {
        uint32_t j = near->near[k];
        if (box_meets(&x, &s->f->box[j]) && near_edge(s->f->p[j], s->f->q[j], c, m))
            return false;
    }
    return true;
}

/* What is known along the chain: inside (1), outside (0) or not known
 * (-1) at either end of the last edge (a ring turned round is read from
 * its last edge down, so the next edge may continue either end). An
 * answer is taken at a vertex only when that vertex is clear. */
typedef struct dc_chain {
    int in[2];
    dc_xy at[2];
} dc_chain;

static const dc_chain chain_none = {{-1, -1}, {{0, 0}, {0, 0}}};

/* Where vertex @p v lies, from the chain: when @p near is given, @p v is
 * an end of the edge just cut and is checked clear; otherwise it starts
 * a run clear of the other zone. */
static int chain_at(const dc_side *s, const dc_chain *ch, const dc_edge_cuts *near,
                    dc_xy v)
{
    for (int k = 0; k < 2; k++)
        if (ch->in[k] >= 0 && xy_eq(ch->at[k], v))
            return !near || point_clear(s, near, v) ? ch->in[k] : -1;
    return -1;
}

static void chain_set(dc_chain *ch, dc_xy p, int in_p, dc_xy q, int in_q)
{
    ch->at[0] = p;
    ch->in[0] = in_p;
    ch->at[1] = q;
    ch->in[1] = in_q;
}

/* Whether the sorted cuts are apart enough to carry an answer across
 * them: each, and each distinct parameter from the next, more than four
 * times the largest rounding bound from the edge's ends and each other. */
static bool cuts_apart(const dc_edge_cuts *c)
{
    double err = 0;
    for (size_t k = 0; k < c->n; k++)
        err = max2(err, c->c[k].err);
    double gap = 4 * err + 1e-12;
    for (size_t k = 0; k < c->n; k++) {
        double t = c->c[k].t;
        if (t <= gap || t >= 1 - gap) return false;
        if (k > 0 && t != c->c[k - 1].t && t - c->c[k - 1].t <= gap) return false;
    }
    return true;
}

/* Distinct edges among the sorted cuts: an edge found again in another
 * cell is the same crossing. */
static bool cut_new(const dc_edge_cuts *c, size_t k)
{
    return !(k > 0 && c->c[k].t == c->c[k - 1].t && c->c[k].j == c->c[k - 1].j);
}

/* Twice the area the pieces of edge i inside f add; 0 or -2 unsure.
 * @p known_p, @p known_q: where the edge's ends lie (-1 not known);
 * *in_p, *in_q: where its first and last pieces lie when that can be
 * carried to its ends, else -1. */
static int edge_pieces(const dc_side *s, size_t i, dc_edge_cuts *c, double *twice,
                       int known_p, int known_q, int *in_p, int *in_q)
{
    dc_xy p = s->e->p[i], q = s->e->q[i];
    dc_cuts_sort(c->c, c->n);
    bool apart = cuts_apart(c);
    int known = apart ? known_p : -1, flips = 0, in = -1, first = -1;
    if (apart && known < 0 && known_q >= 0) {
        for (size_t k = 0; k < c->n; k++)
            flips += cut_new(c, k);
        known = known_q ^ (flips & 1);
        flips = 0;
    }
    double t0 = 0;
    for (size_t k = 0; k <= c->n; k++) {
        double t1 = k < c->n ? c->c[k].t : 1;
        if (t1 > t0) {
            dc_xy a = along(p, q, t0), b = along(p, q, t1);
            dc_xy mid = {(a.x + b.x) / 2, (a.y + b.y) / 2};
            if (known >= 0) known ^= flips & 1;
            if (known >= 0 && point_clear(s, c, mid))
                in = known;
            else {
                in = place(s->place_f, mid);
                if (in < 0) return -2;
                known = apart ? in : -1;
            }
            if (in) *twice += a.x * b.y - b.x * a.y;
            if (first < 0) first = in;
            t0 = t1;
            flips = 0;
        }
        if (k < c->n && cut_new(c, k)) flips++;
    }
    *in_p = apart ? first : -1;
    *in_q = apart ? in : -1;
    return 0;
}

/* edge_pieces for an edge nothing cuts: one piece, the whole edge, on
 * the side known at either end when its midpoint is clear, else placed. */
static int whole_edge(const dc_side *s, size_t i, const dc_edge_cuts *c, double *twice,
                      int known, int *in_p, int *in_q)
{
    dc_xy p = s->e->p[i], q = s->e->q[i];
    dc_xy mid = {(p.x + q.x) / 2, (p.y + q.y) / 2};
    int in = known;
    if (known < 0 || !point_clear(s, c, mid)) {
        in = place(s->place_f, mid);
        if (in < 0) return -2;
    }
    if (in) *twice += p.x * q.y - q.x * p.y;
    *in_p = *in_q = in;
    return 0;
}

/* Whether run @p r of s->e, widened by the placer's margin, lies inside
 * the window and clear of every box of the other polygon's edges (each
 * in a run of f whose box holds it). */
static bool group_clear(const dc_side *s, size_t r)
{
    double m = s->place_f->margin;
    const dc_box *b = &s->e->gbox[r], *w = s->place_f->w;
    dc_box x = {b->x0 - m, b->y0 - m, b->x1 + m, b->y1 + m};
    if (x.x0 <= w->x0 || x.y0 <= w->y0 || x.x1 >= w->x1 || x.y1 >= w->y1) return false;
    const dc_grid *g = s->runs_f;
    dc_span sp = grid_span(g, &x);
    for (uint32_t row = sp.r0; row <= sp.r1; row++)
        for (uint32_t col = sp.c0; col <= sp.c1; col++) {
            size_t cell = (size_t)row * g->cols + col;
            for (uint32_t k = g->start[cell]; k < g->start[cell + 1]; k++) {
                const dc_fgroup *h = &s->f->group[g->item[k]];
                if (!box_meets(&x, &s->f->gbox[g->item[k]])) continue;
                for (size_t j = h->start; j < h->end; j++)
                    if (box_meets(&x, &s->f->box[j])) return false;
            }
        }
    return true;
}

/*
 * A run clear of the other polygon: no edge of it cuts the run's edges,
 * none comes near enough to make placing one of their midpoints doubtful,
 * and the run is one chain of edges, so all lie on the same side. Placed
 * by its first edge (as that edge alone would be), or known from the
 * chain when it continues it, the edges inside add what each would have
 * added, in the same order. 0, or -1 when the placing was doubtful after
 * all: then each edge is cut and placed.
 */
static int clear_group(const dc_side *s, const dc_fgroup *g, dc_chain *ch, double *twice)
{
    dc_xy p = s->e->p[g->start], q = s->e->q[g->start];
    int in = chain_at(s, ch, NULL, p);
    if (in < 0) in = chain_at(s, ch, NULL, q);
    if (in < 0) {
        dc_xy mid = {(p.x + q.x) / 2, (p.y + q.y) / 2};
        in = place(s->place_f, mid);
        if (in < 0) return -1;
    }
    for (size_t i = g->start; in && i < g->end; i++)
        *twice += s->e->p[i].x * s->e->q[i].y - s->e->q[i].x * s->e->p[i].y;
    chain_set(ch, s->e->p[g->end - 1], in, s->e->q[g->end - 1], in);
    return 0;
}

/* Twice the area the pieces of s->e inside s->f add; 0, -2 unsure, -3. */
static int side_area(const dc_side *s, dc_cuts *c, double *twice)
{
    dc_chain ch = chain_none;
    for (size_t r = 0; r < s->e->ngroups; r++) {
        const dc_fgroup *g = &s->e->group[r];
        if (group_clear(s, r) && clear_group(s, g, &ch, twice) == 0) continue;
        for (size_t i = g->start; i < g->end; i++) {
            dc_xy p = s->e->p[i], q = s->e->q[i];
            dc_edge_cuts v;
            int rc = cut_edge(s, i, c, &v), in_p = -1, in_q = -1;
            if (rc == 1) *twice += p.x * q.y - q.x * p.y;
            if (rc == 0) {
                /* Where the edge's last end lies is read only when its
                 * first end's is not known. */
                int kp = chain_at(s, &ch, &v, p),
                    kq = kp < 0 ? chain_at(s, &ch, &v, q) : -1;
                rc = v.n ? edge_pieces(s, i, &v, twice, kp, kq, &in_p, &in_q)
                         : whole_edge(s, i, &v, twice, kp >= 0 ? kp : kq, &in_p, &in_q);
            }
            chain_set(&ch, p, in_p, q, in_q);
            if (rc < -1) return rc;
        }
    }
    return 0;
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

/* The pair's grids and links, the first side's edges reading the
 * second's. 0, or -1 out of memory. */
static int pair_links(dc_area_scratch *s, const dc_box *w, double margin)
{
    dc_fedges *fa = &s->fa, *fb = &s->fb;
    s->fine_a_built = s->built_a = s->built_b = false;
    if (dc_grid_build_cells(&s->fine_b, w, fb->box, fb->n, fine_cells(fb->n)) != 0 ||
        dc_grid_build(&s->runs_a, w, fa->gbox, fa->ngroups) != 0 ||
        dc_grid_build(&s->runs_b, w, fb->gbox, fb->ngroups) != 0)
        return -1;
    return dc_links_find(&s->la, &s->lb, fa, fb, &s->fine_b, 3 * margin);
}

double dc_fzones_area(const dc_fzone *a, const dc_fzone *b, dc_area_scratch *s)
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
        fedges_window(&s->fb, b, o, &w, &wide) != 0)
        return -1;
    double span = fmax(a->all.x1, b->all.x1) - fmin(a->all.x0, b->all.x0);
    dc_placer pa = placer(a, o, &w, span), pb = placer(b, o, &w, span);
    if (pair_links(s, &w, pa.margin) != 0) return -1;
    bool fine_b_built = true;
    dc_side sa = {&s->fa,     &s->fb,      &s->la, &s->runs_b, &s->fine_b, &fine_b_built,
                  &s->grid_b, &s->built_b, &w,     &pb,        true};
    dc_side sb = {
        &s->fb,     &s->fa,      &s->lb, &s->runs_a, &s->fine_a, &s->fine_a_built,
        &s->grid_a, &s->built_a, &w,     &pa,        false};
    double twice = 0;
    if (side_area(&sa, &s->cuts, &twice) != 0 || side_area(&sb, &s->cuts, &twice) != 0)
        return -1;
    return twice > 0 ? twice / 2 : 0;
}

double dc_overlap_area(OGRGeometryH a, OGRGeometryH b)
{
    dc_fzone za, zb;
    dc_area_scratch s;
    memset(&s, 0, sizeof s);
    double area = -1;
    if (dc_fzone_load(&za, a) == 0 && dc_fzone_load(&zb, b) == 0)
        area = dc_fzones_area(&za, &zb, &s);
    dc_fzone_free(&za);
    dc_fzone_free(&zb);
    dc_area_scratch_free(&s);
    return area;
}

void dc_area_scratch_free(dc_area_scratch *s)
{
    fedges_free(&s->fa);
    fedges_free(&s->fb);
    dc_links_free(&s->la);
    dc_links_free(&s->lb);
    dc_grid_free(&s->fine_a);
    dc_grid_free(&s->fine_b);
    dc_grid_free(&s->runs_a);
    dc_grid_free(&s->runs_b);
    dc_grid_free(&s->grid_a);
    dc_grid_free(&s->grid_b);
    dc_cuts_free(&s->cuts);
}
