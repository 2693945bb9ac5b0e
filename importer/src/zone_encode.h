/*
 * zone_encode.h - a zone's polygons as the index stores them
 * (docs/FORMAT.md, "zones"): rings rounded to e7, repeated points and the
 * closing point dropped, rings of fewer than 3 points left out; and a
 * zone's rings copied out of OGR once, into buffers a judging thread
 * reuses from zone to zone (dc_zone_rings).
 *
 * The validity proof (valid_fast.h) and the encoding (below) both
 * walk every vertex of a zone. Each used to copy the rings out of OGR into
 * memory of its own, fresh for every zone: on a realistic national map
 * (3,300 zones of about 10,000 vertices) the kernel's zeroing of those
 * fresh pages cost as much as the proof. One copy, kept for the next
 * zone, serves both.
 */
#ifndef DC_ZONE_ENCODE_H
#define DC_ZONE_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ogr_api.h>

#include "zones.h"

typedef struct dc_ring_point {
    double x, y; /* longitude, latitude (or whatever the geometry holds) */
} dc_ring_point;

/* One ring: points[start .. start + count) of its dc_zone_rings, as OGR
 * holds them (the closing point included). */
typedef struct dc_zone_ring {
    size_t start;
    uint32_t count;
    uint32_t part; /* its polygon, in the geometry's order */
    bool hole;     /* an interior ring */
} dc_zone_ring;

/* The rings of one geometry; the buffers only grow. Zero it to start;
 * dc_zone_rings_free releases it. */
typedef struct dc_zone_rings {
    dc_ring_point *points;
    size_t npoints, points_cap;
    dc_zone_ring *rings;
    size_t nrings, rings_cap;
    uint32_t nparts; /* polygons, those without a ring counted too */
} dc_zone_rings;

/*
 * Copy every ring of @p g, a Polygon or MultiPolygon of Polygons, into
 * @p zr (replacing what it held), in the order OGR holds them.
 * 0; 1 when @p g is not such a geometry (@p zr then holds no ring);
 * -1 when out of memory. Thread-safe for distinct @p zr.
 */
int dc_zone_rings_read(dc_zone_rings *zr, OGRGeometryH g);

/* Release @p zr's buffers and zero it. */
void dc_zone_rings_free(dc_zone_rings *zr);

/* A growing byte buffer; free data with free(). */
typedef struct dc_blob {
    uint8_t *data;
    size_t size, cap;
} dc_blob;

/* Encode multipolygon @p mp into @p b (appended to an empty blob) and its
 * box into @p bb; the blob is left empty when every ring degenerated.
 * 0, or -1 out of memory. */
int dc_zone_encode(OGRGeometryH mp, dc_blob *b, dc_zone_bbox *bb);

/* dc_zone_encode of the multipolygon whose rings @p zr holds, read from
 * it (dc_zone_rings_read) and not changed since: the same bytes, without
 * copying the rings out of OGR again. */
int dc_zone_encode_rings(const dc_zone_rings *zr, dc_blob *b, dc_zone_bbox *bb);

#endif /* DC_ZONE_ENCODE_H */
