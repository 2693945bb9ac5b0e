/*
 * overlap.h - whether two zone polygons share interior, decided exactly on
 * their integer rings, so that GEOS is asked for the shared area only
 * where there is one. Neighbouring zones touch along their boundaries:
 * that is not an overlap.
 */
#ifndef DC_IMPORT_OVERLAP_H
#define DC_IMPORT_OVERLAP_H

#include <stdbool.h>

#include "diachi/index.h"

/**
 * True when the interiors of @p a and @p b intersect: an edge of one
 * properly crosses an edge of the other, or a vertex or an edge midpoint
 * of one lies strictly inside the other. Touching boundaries, shared edges
 * and shared vertices are not overlaps. Both polygons must be valid and
 * span under 1 degree.
 */
bool dc_polygons_overlap(const dc_polygon *a, const dc_polygon *b);

#endif
