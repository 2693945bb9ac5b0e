/*
 * valid_fast.h - a quick proof that a zone's polygon is valid, before
 * GEOS's validity check (OGR_G_IsValid) is asked. Not installed.
 *
 * Surveyed zones have thousands of vertices and are almost all valid;
 * GEOS's check builds a topology graph of every ring and was most of the
 * zones phase's CPU on a realistic national map. This test proves the
 * common case in linear time: no two edges of any rings meet (except
 * neighbours of one ring at their shared vertex), every hole lies inside
 * its shell and outside the other holes, and no part lies inside another.
 * Such a (multi)polygon is valid by the OGC rules. When the proof fails,
 * or a predicate is too close to call in double precision, the answer is
 * "not proven" and the caller asks GEOS, which has the last word: the test
 * never calls valid a polygon GEOS would not.
 */
#ifndef DC_VALID_FAST_H
#define DC_VALID_FAST_H

#include <stdbool.h>

#include <ogr_api.h>

#include "zone_encode.h"

/** A thread's buffers for the proof, kept from zone to zone: fresh
 *  memory for every zone cost the kernel as much as the proof's work. */
typedef struct dc_proof_work dc_proof_work;

/** Empty buffers, or NULL when out of memory. */
dc_proof_work *dc_proof_work_new(void);

/** Free @p w; NULL is a no-op. */
void dc_proof_work_free(dc_proof_work *w);

/** dc_polygon_proven_valid of the geometry whose rings @p zr holds (read
 *  by dc_zone_rings_read), with @p w's buffers; one thread at a time for
 *  each @p w. */
bool dc_rings_proven_valid(const dc_zone_rings *zr, dc_proof_work *w);

/** True when @p g, a Polygon or MultiPolygon, is proven valid; false when
 *  it is not proven (GEOS decides then) or is of another type. */
bool dc_polygon_proven_valid(OGRGeometryH g);

#endif /* DC_VALID_FAST_H */
