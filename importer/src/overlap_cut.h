/*
 * overlap_cut.h - where the edges of two zones, within one window, meet:
 * the edges of the other zone near each edge, and where they cut it.
 * Internal to the importer; the measure (overlap_area.c) integrates the
 * pieces between the cuts.
 */
#ifndef DC_IMPORT_OVERLAP_CUT_H
#define DC_IMPORT_OVERLAP_CUT_H

#include "overlap_index.h"

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
