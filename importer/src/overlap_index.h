/*
 * overlap_index.h - the edge indexes both overlap measures share: boxes,
 * runs of consecutive edges under one box, a uniform grid over one pair's
 * window, and latitude bands over one zone; and, for the measure, the
 * links between two zones' window edges (the edges of the other near
 * each edge, and where they cross it). Internal to the importer.
 */
#ifndef DC_IMPORT_OVERLAP_INDEX_H
#define DC_IMPORT_OVERLAP_INDEX_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Consecutive edges of a ring under one box. */
#define DC_RUN 16

/* x is longitude, y latitude, in whatever unit the caller's edges use. */
typedef struct dc_box {
    double x0, y0, x1, y1;
} dc_box;

static const dc_box box_none = {INFINITY, INFINITY, -INFINITY, -INFINITY};

static inline bool box_meets(const dc_box *a, const dc_box *b)
{
    return a->x0 <= b->x1 && b->x0 <= a->x1 && a->y0 <= b->y1 && b->y0 <= a->y1;
}

static inline dc_box box_meet(const dc_box *a, const dc_box *b)
{
    dc_box w = {fmax(a->x0, b->x0), fmax(a->y0, b->y0), fmin(a->x1, b->x1),
                fmin(a->y1, b->y1)};
    return w;
}

/* fmin and fmax, inlined: nothing here is NaN, and a zero's sign does
 * not change how a box compares. */
static inline double min2(double a, double b)
{
    return a < b ? a : b;
}

static inline double max2(double a, double b)
{
    return a > b ? a : b;
}

static inline void box_add(dc_box *b, const dc_box *x)
{
    if (x->x0 < b->x0) b->x0 = x->x0;
    if (x->y0 < b->y0) b->y0 = x->y0;
    if (x->x1 > b->x1) b->x1 = x->x1;
    if (x->y1 > b->y1) b->y1 = x->y1;
}

/* @p p with room for @p need items of @p size (*cap of them now); when
 * out of memory, @p p as it was and *rc set to -1. */
static inline void *grow(void *p, size_t *cap, size_t need, size_t size, int *rc)
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
    double col_last, row_last; /* cols - 1 and rows - 1, as doubles */
    uint32_t cols, rows;
    uint32_t *start; /* rows * cols + 1 offsets into item */
    uint32_t *item;
    dc_span *span; /* each edge's cells */
    size_t start_cap, item_cap, span_cap;
} dc_grid;

/* k clamped to 0..last and truncated: floor(k) for k in 0..last + 1,
 * last for k beyond, 0 for k below (or NaN). */
static inline uint32_t clamped(double k, double last)
{
    return (uint32_t)(k > 0 ? (k < last ? k : last) : 0);
}

/* The cell of v: floor((v - lo) / size), clamped to 0..last. It never
 * decreases as v grows, so an edge's cell span holds the cell of every
 * point on it. */
static inline uint32_t cell_of(double v, double lo, double size, double last)
{
    return clamped((v - lo) / size, last);
}

static inline dc_span grid_span(const dc_grid *g, const dc_box *b)
{
    dc_span s = {cell_of(b->x0, g->x0, g->cw, g->col_last),
                 cell_of(b->x1, g->x0, g->cw, g->col_last),
                 cell_of(b->y0, g->y0, g->ch, g->row_last),
                 cell_of(b->y1, g->y0, g->ch, g->row_last)};
    return s;
}

/* Index @p n edges, every one meeting @p w: about two per cell, fewer
 * cells when long edges would repeat in too many. 0, or -1 out of memory. */
int dc_grid_build(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n);
/* The same, starting from @p cells cells rather than about two edges a
 * cell. */
int dc_grid_build_cells(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n,
                        size_t cells);
void dc_grid_free(dc_grid *g);

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
    double row_last, bucket_last; /* rows - 1 and buckets - 1, as doubles */
    uint32_t *start;              /* rows + 1 offsets into item */
    uint32_t *item;
    double *width; /* the widest edge of each band, in longitude */
} dc_bands;

/* The box of the edge a slot starts; y0 > y1 for a slot that starts none. */
typedef dc_box dc_yspan;

/* floor((v - lo) * scale), clamped to 0..last; never decreases as v
 * grows, like cell_of. */
static inline uint32_t band_of(const dc_bands *b, double y)
{
    return clamped((y - b->y0) * b->yscale, b->row_last);
}

static inline uint32_t bucket_of(const dc_bands *b, double x)
{
    return clamped((x - b->x0) * b->xscale, b->bucket_last);
}

/* Bands over @p all's latitudes for the @p nedges edges among the @p n
 * slots of @p ys: about @p per_band edges a band. 0, or -1 out of memory. */
int dc_bands_build(dc_bands *b, const dc_yspan *ys, size_t n, size_t nedges,
                   size_t per_band, const dc_box *all);
void dc_bands_free(dc_bands *b);

/* Up to DC_RUN consecutive edges, slots start..end-1 (edge k runs from
 * vertex k to vertex k + 1), and their box. */
typedef struct dc_run {
    dc_box box;
    uint32_t start, end;
} dc_run;

/* Whether a ray from longitude @p x to the west side of a zone spanning
 * x0..x1 is the shorter. Either gives the same answer. */
static inline bool westward(double x, double x0, double x1)
{
    return x - x0 < x1 - x;
}

/* ---- where the window edges of two zones meet ----
 *
 * The measure (overlap_area.c) cuts each edge of a zone where the other
 * zone's edges cross it and integrates the pieces between: these are the
 * edges of the other zone near each edge, and where they cut it. */

/* Orientations and ray tests closer to zero than this, relative to the
 * size of their terms, are not trusted. */
#define DC_UNSURE 1e-13

typedef struct dc_xy {
    double x, y;
} dc_xy;

static inline bool xy_eq(dc_xy a, dc_xy b)
{
    return a.x == b.x && a.y == b.y;
}

/* Edges p[i] -> q[i] of a zone that meet one window, interior on the
 * left, relative to the window's origin, in runs: group k holds edges
 * start..end-1 of one run, and gbox[k] is the box of the whole run,
 * the window's edges or not. */
typedef struct dc_fgroup {
    size_t start, end;
} dc_fgroup;

typedef struct dc_fedges {
    dc_xy *p, *q;
    dc_box *box;
    size_t n, cap;
    dc_fgroup *group;
    dc_box *gbox;
    size_t ngroups, group_cap, gbox_cap;
} dc_fedges;

/* Where one edge is cut: the parameter along it, the edge of the other
 * zone that cuts it there, and a bound on the parameter's rounding. */
typedef struct dc_cut {
    double t, err;
    uint32_t j;
} dc_cut;

/* The cuts of one edge, and the other zone's edges near it: storage for
 * an edge cut alone, kept for the next. */
typedef struct dc_cuts {
    dc_cut *c;
    size_t n, cap;
    uint32_t *near;
    size_t nnear, near_cap;
} dc_cuts;

/*
 * For each edge i of one zone's window edges: the edges of the other
 * zone whose boxes come within three margins of its own (near[near_start
 * [i] .. near_start[i + 1]]), those that cross it (cut[cut_start[i] ..
 * cut_start[i + 1]]), and whether any is the same edge, the same edge
 * turned round, or too close to tell (event[i]): such an edge is cut
 * alone (dc_cut_alone), in the order that has always decided it.
 */
typedef struct dc_links {
    uint32_t *near_start, *near, *cut_start;
    dc_cut *cut;
    dc_cut *back; /* of the first side: each cut as the other edge sees it */
    uint8_t *event;
    size_t start_cap, cstart_cap, event_cap, near_cap, cut_cap, back_cap;
} dc_links;

/*
 * The links of both sides of a pair: @p ea's edges read @p grid_b, a
 * grid over @p eb's, for the edges whose boxes come within @p mg of
 * theirs; each pair of edges found, and each crossing, is recorded for
 * both. Every pair of edges whose boxes meet is met once, where reading
 * from both sides met it twice; a crossing's parameter along either edge
 * is computed as that edge's side computed it. 0, or -1 out of memory.
 */
int dc_links_find(dc_links *la, dc_links *lb, const dc_fedges *ea, const dc_fedges *eb,
                  const dc_grid *grid_b, double mg);
void dc_links_free(dc_links *l);

/*
 * Edge i of @p e cut alone by the edges of @p f that @p grid finds (its
 * links in *c: near within @p mg, crossings); 1 counts it whole (an edge
 * shared the same way round, on the @p first side), -1 skips it whole, 0
 * cut, -2 unsure, -3 out of memory; -4, when @p first_only, at an event
 * other than a crossing (the grid's order then decides nothing).
 */
int dc_cut_alone(const dc_fedges *e, const dc_fedges *f, const dc_grid *grid, size_t i,
                 double mg, bool first, bool first_only, dc_cuts *c);
void dc_cuts_free(dc_cuts *c);

/* Cuts by parameter, then edge. */
void dc_cuts_sort(dc_cut *t, size_t n);

#endif
