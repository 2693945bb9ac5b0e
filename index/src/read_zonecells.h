/*
 * read_zonecells.h - the zone grid's sub-grid at open and at a point
 * (docs/FORMAT.md "zonecells"): what lets dc_index_zone_at answer most
 * points without a polygon test. Internal to dc_index.
 */
#ifndef DC_READ_ZONECELLS_H
#define DC_READ_ZONECELLS_H

#include "index_internal.h"

/* The rings of every zone (after the zones and the zone grid are loaded),
 * and each zone grid cell's sub-grid where it reads: a cell whose value is
 * missing, too short or lists a zone that did not decode keeps none, and
 * its points take the whole test. DC_E_NOMEM, or an LMDB error. */
dc_err dc_index_load_zonecells(dc_index *idx, dc_error *err);

/* The zone of a valid point in zone grid cell @p g from its sub-grid: 1
 * with *slot its index in idx->zones (-1 for none), the whole test's answer
 * exactly; 0 when the cell has no sub-grid or its bytes do not read, and
 * the caller tests every candidate. Thread-safe; allocates nothing. */
int dc_zonecells_slot(const dc_index *idx, const struct dc_grid_cell *g, int32_t lat_e7,
                      int32_t lon_e7, int32_t *slot);

/* Whether candidate @p k of zone grid cell @p g can hold a point of the
 * closed square of household-grid cell (@p row, @p col), a sub-cell of
 * @p g: false only when its word says it holds none (no zone does, or
 * the zone inside it is a later candidate than @p k with no candidate's
 * edge touching it, so @p k holds nor touches it); true otherwise (@p k
 * the zone inside, a later candidate, a border sub-cell, no sub-grid).
 * Thread-safe; allocates nothing. */
bool dc_zonecells_may_hold(const struct dc_grid_cell *g, uint32_t k, uint32_t row,
                           uint32_t col);

#endif
