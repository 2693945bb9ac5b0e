/*
 * overlap.h - which zones share interior, and how much. Neighbouring zones
 * touch along their boundaries: that is not an overlap. Whether two zones
 * overlap is decided exactly on their integer rings; the shared area is
 * measured on their WGS 84 geometries. Each zone's edges are indexed once
 * (runs of consecutive edges with boxes, and latitude bands over the whole
 * zone), so a pair's work grows with the edges in the window where the two
 * bounding boxes meet and the crossings there, not with the two zones'
 * vertex counts.
 */
#ifndef DC_IMPORT_OVERLAP_H
#define DC_IMPORT_OVERLAP_H

#include <stdbool.h>
#include <stddef.h>

#include <ogr_api.h>

#include "diachi/index.h"

/**
 * True when the interiors of @p a and @p b intersect: an edge of one
 * properly crosses an edge of the other, or a vertex or an edge midpoint
 * of one lies strictly inside the other. Touching boundaries, shared edges
 * and shared vertices are not overlaps. Both polygons must be valid and
 * span under 1 degree. Returns 1 when they overlap, 0 when not, -1 when
 * out of memory for its edge index. Thread-safe.
 */
int dc_polygons_overlap(const dc_polygon *a, const dc_polygon *b);

/**
 * The area, in square degrees (planar, as OGR_G_Area measures), of the
 * intersection of two valid multipolygons: the pieces of each boundary
 * that lie inside the other, integrated. Returns a negative value when a
 * piece lies too close to the other boundary for doubles to place it (a
 * vertex on an edge not shared exactly, collinear edges that are not the
 * same edge), when a coordinate is not within a factor of two of the
 * middle of the window where the two boxes meet (so that moving it there
 * would round: zones across the equator or the prime meridian), or when
 * out of memory: the caller then asks GEOS. Thread-safe.
 */
double dc_overlap_area(OGRGeometryH a, OGRGeometryH b);

/** Two zones that share interior, and the area they share. */
typedef struct dc_overlap {
    size_t i, j;      /**< indexes in the caller's arrays, i < j */
    double area_deg2; /**< > 0, square degrees */
} dc_overlap;

/**
 * Every pair of the @p n zones whose bounding boxes overlap, whose
 * polygons overlap (dc_polygons_overlap) and whose geometries share a
 * positive area (dc_overlap_area, or GEOS where that declines), ordered
 * by i then j. @p polygons[k] is zone k as stored, @p geometries[k] the
 * same zone in WGS 84; neither is changed. The pairs are shared among
 * @p nthreads threads (1 runs on the caller's), taken west to east; a
 * zone's index is built by the first thread to need it and freed after
 * its last pair, so memory holds the zones the sweep crosses, not the
 * whole map (unless one zone's box spans it). On DC_OK, *out (malloc'd,
 * the caller frees it; NULL when none) and *nout are set. Returns DC_OK or
 * DC_E_NOMEM.
 */
dc_err dc_overlaps_find(const dc_polygon *polygons, OGRGeometryH const *geometries,
                        size_t n, unsigned nthreads, dc_overlap **out, size_t *nout);

#endif
