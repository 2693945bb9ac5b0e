/*
 * overlap_support.h - what the overlap test and benchmark share: the
 * importer's original quadratic overlap test (the brute-force reference),
 * rings encoded as the importer encodes them, and fractal zone maps whose
 * shared borders are digitised twice with sub-metre disagreement.
 */
#ifndef DC_TEST_OVERLAP_SUPPORT_H
#define DC_TEST_OVERLAP_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ogr_api.h>

#include "diachi/index.h"

/** The exact test as the importer ran it before the edge index: every edge
 *  of one polygon against every edge of the other. */
bool ref_polygons_overlap(const dc_polygon *a, const dc_polygon *b);

/** @p mp (a multipolygon) as the importer stores it: rounded to e7,
 *  repeated points dropped, the closing point implied. Returns the
 *  polygon's bytes (malloc'd, the caller frees data) or size 0 when every
 *  ring degenerated. */
dc_polygon support_encode(OGRGeometryH mp);

/** Shape of a fractal map. */
typedef struct support_map_spec {
    size_t zones;         /**< zones on a jittered grid, row by row */
    int min_seg, max_seg; /**< segments per border, drawn uniformly */
    double cell_deg;      /**< grid cell, in degrees */
    double noise_m;       /**< second digitisation: each vertex moved up to this */
    uint64_t seed;
} support_map_spec;

/**
 * @p spec->zones multipolygons (caller destroys them), each a grid cell
 * whose four borders are fractal (midpoint displacement, graphs over
 * their chords, so every ring is valid). A zone takes its south and west
 * borders as drawn and its north and east borders as its neighbour's
 * second digitisation: the same vertices moved across the border by up to
 * noise_m, so neighbours overlap in slivers. Returns the vertex count.
 */
size_t support_fractal_map(const support_map_spec *spec, OGRGeometryH *zones);

/** xorshift64*: the tests' random numbers, reproducible from a seed. */
uint64_t support_rand(uint64_t *state);
/** Uniform in [0, 1). */
double support_uniform(uint64_t *state);

#endif
