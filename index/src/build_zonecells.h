/*
 * build_zonecells.h - the zone grid's sub-grid in the build
 * (docs/FORMAT.md "zonecells"). Internal to dc_index.
 */
#ifndef DC_BUILD_ZONECELLS_H
#define DC_BUILD_ZONECELLS_H

#include "build.h"

/* Compute every zone's touched sub-cells and held centres, after the zone
 * grid is collected (dc_build_collect_grid). DC_E_NOMEM with a message. */
dc_err dc_build_prepare_zonecells(dc_builder *b);

/* Write a zonecells value for every zone grid cell, in key order, outside
 * the fingerprint. */
dc_err dc_build_write_zonecells(dc_builder *b);

#endif
