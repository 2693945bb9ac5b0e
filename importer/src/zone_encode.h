/*
 * zone_encode.h - a zone's polygons as the index stores them
 * (docs/FORMAT.md, "zones"): rings rounded to e7, repeated points and the
 * closing point dropped, rings of fewer than 3 points left out.
 */
#ifndef DC_ZONE_ENCODE_H
#define DC_ZONE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include <ogr_api.h>

#include "zones.h"

/* A growing byte buffer; free data with free(). */
typedef struct dc_blob {
    uint8_t *data;
    size_t size, cap;
} dc_blob;

/* Encode multipolygon @p mp into @p b (appended to an empty blob) and its
 * box into @p bb; the blob is left empty when every ring degenerated.
 * 0, or -1 out of memory. */
int dc_zone_encode(OGRGeometryH mp, dc_blob *b, dc_zone_bbox *bb);

#endif /* DC_ZONE_ENCODE_H */
