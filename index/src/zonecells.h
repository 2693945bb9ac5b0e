/*
 * zonecells.h - the sub-grid of the zone grid (docs/FORMAT.md, "zonecells"):
 * each 0.05-degree zonegrid cell cut into 20 x 20 cells of the 1/400-degree
 * household grid, each marked inside one zone, outside every zone, or on a
 * border with the few edges that touch it. Its layout and the exact
 * orientation test that reader (read_zonecells.c), builder and checker
 * (zonecells.c) share. Internal to dc_index.
 */
#ifndef DC_ZONECELLS_H
#define DC_ZONECELLS_H

#include "index_internal.h"

/* Sub-cells a side of a zonegrid cell, and their count. */
#define DC_ZC_SIDE (DC_ZONEGRID_E7 / DC_CELL_E7)
#define DC_ZC_CELLS (DC_ZC_SIDE * DC_ZC_SIDE)
/* The value's head: one u16 word a sub-cell. */
#define DC_ZC_HEAD (2 * DC_ZC_CELLS)
/* Words: a candidate's index below DC_ZC_BORDER (inside that zone),
 * DC_ZC_BORDER | b (border sub-cell number b), or DC_ZC_NONE. */
#define DC_ZC_BORDER 0x8000u
#define DC_ZC_NONE 0xffffu
/* A zonegrid cell with more candidates than this has no zonecells value. */
#define DC_ZC_MAX_CANDIDATES 0x7fffu
/* A border record: u16 entries, u16 kind. Kind DC_ZC_ENTRIES: each entry
 * u16 candidate, u8 flags, u8 zero, u32 runs, then runs of u32 ring, u32
 * first edge, u32 edges. Kind DC_ZC_SPLIT (entries 0): the sub-cell cut
 * in DC_ZC_SPLIT_SIDE^2 squares, a u16 word each (as a sub-cell's, a
 * border word numbering this record's own square records), u32 offsets of
 * those records from the split record's start, then the records (kind
 * DC_ZC_ENTRIES, centre the square's). A sub-cell is split when its
 * entries have more than DC_ZC_SPLIT_EDGES edges in all. */
#define DC_ZC_RECORD_HEAD 4u
#define DC_ZC_ENTRY_HEAD 8u
#define DC_ZC_RUN 12u
#define DC_ZC_ENTRIES 0u
#define DC_ZC_SPLIT 1u
#define DC_ZC_SPLIT_SIDE 4u
#define DC_ZC_SPLIT_CELLS (DC_ZC_SPLIT_SIDE * DC_ZC_SPLIT_SIDE)
#define DC_ZC_SPLIT_E7 (DC_CELL_E7 / DC_ZC_SPLIT_SIDE)
#define DC_ZC_SPLIT_EDGES 16u
#define DC_ZC_CENTRE_INSIDE 1u /* the square's centre is inside the zone */
#define DC_ZC_WHOLE_TEST 2u    /* its centre is on one of the zone's edges there */

_Static_assert(DC_CELL_E7 % (2 * DC_ZC_SPLIT_SIDE) == 0, "split squares have centres");
_Static_assert(DC_ZONEGRID_E7 % DC_CELL_E7 == 0, "sub-cells tile a zonegrid cell");

/* Sign of the turn a -> b -> p: 1 left (counter-clockwise, latitude up,
 * longitude right), -1 right, 0 collinear. Exact: with coordinates on the
 * globe each product is below 3.6e9 * 1.8e9 < 2^63, and they are compared,
 * not subtracted. */
static inline int dc_zc_orient(int64_t alat, int64_t alon, int64_t blat, int64_t blon,
                               int64_t plat, int64_t plon)
{
    int64_t l = (blon - alon) * (plat - alat);
    int64_t r = (blat - alat) * (plon - alon);
    return (l < r) - (l > r);
}

/* The segment s (s[0], s[1]) -> (s[2], s[3]) against edge (a, b): 1 for a
 * proper crossing, 0 for none, -1 when any orientation is 0 (an end on the
 * other's line: the point on the edge, the segment through a vertex, the
 * two collinear). */
static inline int dc_zc_crossing(const int64_t s[4], int64_t alat, int64_t alon,
                                 int64_t blat, int64_t blon)
{
    int o1 = dc_zc_orient(s[0], s[1], s[2], s[3], alat, alon);
    int o2 = dc_zc_orient(s[0], s[1], s[2], s[3], blat, blon);
    if (o1 == 0 || o2 == 0) return -1;
    if (o1 == o2) return 0;
    int o3 = dc_zc_orient(alat, alon, blat, blon, s[0], s[1]);
    int o4 = dc_zc_orient(alat, alon, blat, blon, s[2], s[3]);
    if (o3 == 0 || o4 == 0) return -1;
    return o3 != o4;
}

/* The centre of sub-cell (row, col) of the 1/400-degree grid, e7. */
static inline int32_t dc_zc_centre_lat(uint32_t row)
{
    return (int32_t)((int64_t)row * DC_CELL_E7 + DC_LAT_E7_MIN + DC_CELL_E7 / 2);
}

static inline int32_t dc_zc_centre_lon(uint32_t col)
{
    return (int32_t)((int64_t)col * DC_CELL_E7 + DC_LON_E7_MIN + DC_CELL_E7 / 2);
}

/* One zone the sub-grid is computed from: zones are given in ascending
 * postcode order, with polygons already validated. */
typedef struct dc_zc_zone {
    uint32_t postcode;
    dc_polygon polygon;
} dc_zc_zone;

typedef struct dc_zonecells dc_zonecells;

/* Compute, for every zone, the sub-cells its edges touch and which
 * sub-cell centres it holds. @p zones must outlive the result.
 * DC_E_NOMEM. */
dc_err dc_zonecells_prepare(const dc_zc_zone *zones, size_t nzones, dc_zonecells **out);

/* The zonecells value of zonegrid cell @p cell whose candidates are the
 * @p ncand little-endian u32 postcodes at @p postcodes (ascending, every one
 * among the zones), into *buf (grown as needed, *cap its size); its length
 * in *size. DC_E_NOMEM, DC_E_INVALID_ARG for too many candidates or an
 * unknown postcode. */
dc_err dc_zonecells_value(const dc_zonecells *zc, uint32_t cell, const uint8_t *postcodes,
                          uint32_t ncand, uint8_t **buf, size_t *cap, size_t *size);

/* Whether zone @p postcode holds the point, when its sub-cell tells: 1 for
 * a sub-cell none of the zone's edges touches whose centre it holds (so it
 * holds all of it), 0 for one untouched whose centre it does not hold (or
 * outside the zone's box). In a sub-cell the zone's edges touch, the
 * centre's answer flipped by the crossings of those edges with the segment
 * from the point to the centre, as the reader does; -1 when an orientation
 * there is 0 (the polygon test decides). Agrees with dc_polygon_contains
 * wherever it is not -1. Thread-safe; allocates nothing. */
int dc_zonecells_holds(const dc_zonecells *zc, uint32_t postcode, int32_t lat_e7,
                       int32_t lon_e7);

/* NULL is a no-op. */
void dc_zonecells_free(dc_zonecells *zc);

#endif
