/*
 * zonecells_zone.h - what zonecells.c computes once per zone and
 * zonecells_value.c reads to encode each zone grid cell's value: the
 * sub-cells each zone's edges touch, as runs, and the sub-cell centres it
 * holds. Internal to dc_index.
 */
#ifndef DC_ZONECELLS_ZONE_H
#define DC_ZONECELLS_ZONE_H

#include "zonecells.h"

typedef struct zc_run {
    uint64_t cell; /* row * DC_CELL_COLS + col of the 1/400-degree grid */
    uint32_t ring, first, count;
} zc_run;

typedef struct zc_zone {
    zc_run *runs; /* by cell, ring, first edge */
    size_t nruns;
    dc_ring *rings;
    uint32_t nrings;
    uint32_t row0, col0, nrows, ncols;
    uint8_t *inside; /* nrows x ncols: the sub-cell's centre is inside */
} zc_zone;

struct dc_zonecells {
    const dc_zc_zone *in;
    size_t nzones;
    zc_zone *zones;
    int32_t *of_postcode;
};

/* Is the segment (a, b) touching the closed square of side @p side whose
 * south-west corner is (y0, x0)? Its box must: then it does when an end is
 * in the square (as most ends of a border's short edges are), else unless
 * every corner is strictly on one side of its line. */
static inline bool dc_zc_touches(const int32_t a[2], const int32_t b[2], int64_t y0,
                                 int64_t x0, int64_t side)
{
    int64_t lo_lat = a[0] < b[0] ? a[0] : b[0], hi_lat = a[0] < b[0] ? b[0] : a[0];
    int64_t lo_lon = a[1] < b[1] ? a[1] : b[1], hi_lon = a[1] < b[1] ? b[1] : a[1];
    if (hi_lat < y0 || lo_lat > y0 + side || hi_lon < x0 || lo_lon > x0 + side)
        return false;
    if (a[0] >= y0 && a[0] <= y0 + side && a[1] >= x0 && a[1] <= x0 + side) return true;
    if (b[0] >= y0 && b[0] <= y0 + side && b[1] >= x0 && b[1] <= x0 + side) return true;
    int s = dc_zc_orient(a[0], a[1], b[0], b[1], y0, x0) +
            dc_zc_orient(a[0], a[1], b[0], b[1], y0, x0 + side) +
            dc_zc_orient(a[0], a[1], b[0], b[1], y0 + side, x0) +
            dc_zc_orient(a[0], a[1], b[0], b[1], y0 + side, x0 + side);
    return s != 4 && s != -4;
}

/* Edge @p i of @p ring: from point i to the next, the last back to 0. The
 * vertices are read here (the layout of dc_ring_vertex), not called for:
 * a value walks millions of edges and the call was a third of its cost. */
static inline void dc_zc_edge(const dc_ring *ring, uint32_t i, int32_t a[2], int32_t b[2])
{
    const uint8_t *p = ring->points + (size_t)i * 8;
    const uint8_t *q = ring->points + (i + 1 < ring->npoints ? (size_t)(i + 1) * 8 : 0);
    a[0] = dc_get_i32(p);
    a[1] = dc_get_i32(p + 4);
    b[0] = dc_get_i32(q);
    b[1] = dc_get_i32(q + 4);
}

#endif
