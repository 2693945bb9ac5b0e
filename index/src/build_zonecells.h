/*
 * build_zonecells.h - the zone grid's sub-grid in the build
 * (docs/FORMAT.md "zonecells"). Internal to dc_index.
 */
#ifndef DC_BUILD_ZONECELLS_H
#define DC_BUILD_ZONECELLS_H

#include "build.h"

/* Compute every zone grid cell's zonecells value, after the zone grid is
 * collected (dc_build_collect_grid). DC_E_NOMEM with a message. */
dc_err dc_build_prepare_zonecells(dc_builder *b);

/* The bytes the values take in the file, at most. */
uint64_t dc_build_zonecells_bytes(const dc_builder *b);

/* Write them in key order, outside the fingerprint. */
dc_err dc_build_write_zonecells(dc_builder *b);

/* Free what dc_build_prepare_zonecells kept; safe after a failure. */
void dc_build_free_zonecells(dc_builder *b);

#endif
