/*
 * http_map_simplify.h - zone rings simplified for a map at a zoom level
 * (GET /v1/zones?bbox=&zoom=): Douglas-Peucker per ring, between anchors
 * that two zones sharing a border agree on, so that the border is
 * simplified alike on both sides. Not installed.
 */
#ifndef DC_HTTP_MAP_SIMPLIFY_H
#define DC_HTTP_MAP_SIMPLIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/index.h"

/** A vertex, e7. */
typedef struct dc_vertex {
    int32_t lat, lon;
} dc_vertex;

/** How many zones use each vertex, over a set of zones: a border vertex
 *  that two zones share counts 2, a corner where three meet 3. */
typedef struct dc_vertex_counts dc_vertex_counts;

/** Count the vertices of @p nzones zones; NULL when out of memory. */
dc_vertex_counts *dc_vertex_counts_make(const dc_zone *const *zones, size_t nzones);
void dc_vertex_counts_free(dc_vertex_counts *vc);

/** The tolerance of one screen pixel at @p zoom (256-pixel tiles), in e7
 *  degrees of longitude at the equator: 3.6e9 / (256 * 2^zoom). */
double dc_pixel_e7(double zoom);

/**
 * Simplify @p ring to within @p tolerance_e7 (dc_pixel_e7: distances are
 * measured on a plane where a degree of longitude is cos(latitude) of a
 * degree of latitude, as on a web map). Keeps the vertices where the
 * zones sharing a border change (by @p vc; NULL: none known) so that
 * neighbours agree, and at least 3 vertices (a closed ring of 4
 * points). When the simplified ring would cross itself the ring is kept
 * whole. Writes the kept vertices, in ring order without the closing one,
 * into @p out (room for ring->npoints) and returns their number.
 * Pure; thread-safe.
 */
size_t dc_ring_simplify(const dc_ring *ring, const dc_vertex_counts *vc,
                        double tolerance_e7, dc_vertex *out);

/** Twice the signed area of @p n vertices as a closed ring, in e7 squared
 *  (positive: anticlockwise, x east, y north). */
double dc_vertices_area2(const dc_vertex *v, size_t n);

/** True when some two edges of the closed ring @p v cross or touch other
 *  than at the vertex they share. O(n^2). */
bool dc_vertices_cross(const dc_vertex *v, size_t n);

#endif /* DC_HTTP_MAP_SIMPLIFY_H */
