/*
 * check_zonecells.h - dc_index_check's verification of the zone grid's
 * sub-grid (docs/FORMAT.md "zonecells"). Internal to dc_index.
 */
#ifndef DC_CHECK_ZONECELLS_H
#define DC_CHECK_ZONECELLS_H

#include "index_internal.h"

/* Recompute every zonecells value from @p zones (the index's, in postcode
 * order, each already checked) and the zonegrid of @p txn, and compare:
 * DC_E_INDEX_CORRUPT naming the first cell and sub-cell that differ, or a
 * value missing or extra; DC_E_NOMEM; an LMDB error. */
dc_err dc_check_zonecells(dc_index *idx, MDB_txn *txn, const dc_zone *zones,
                          size_t nzones, dc_error *err);

#endif
