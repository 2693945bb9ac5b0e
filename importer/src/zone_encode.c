/*
 * zone_encode.c - a zone's polygons as the index stores them (see
 * zone_encode.h).
 */
#include "zone_encode.h"

#include <math.h>
#include <stdlib.h>

#include "diachi/index.h"

static int blob_u32(dc_blob *b, uint32_t v)
{
    if (b->size + 4 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        uint8_t *d = realloc(b->data, cap);
        if (!d) return -1;
        b->data = d;
        b->cap = cap;
    }
    for (int i = 0; i < 4; i++)
        b->data[b->size++] = (uint8_t)(v >> (8 * i));
    return 0;
}

static void blob_set_u32(dc_blob *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->data[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* One ring, rounded to e7, repeated points dropped. Its points are
 * copied out of OGR at once: three calls a vertex through OGR's C API
 * (each checking the geometry's type) cost more than the encoding.
 * Returns 1 when written, 0 when it degenerated below 3 points, -1 on
 * ENOMEM. */
static int encode_ring(dc_blob *b, OGRGeometryH ring, uint32_t flags)
{
    size_t header = b->size;
    uint32_t n = 0;
    int32_t first_lat = 0, first_lon = 0, prev_lat = 0, prev_lon = 0;
    int count = OGR_G_GetPointCount(ring);
    double *x = NULL, *y = NULL;
    if (count > 0) {
        if (!(x = malloc(2 * (size_t)count * sizeof *x))) return -1;
        y = x + count;
        OGR_G_GetPoints(ring, x, sizeof *x, y, sizeof *y, NULL, 0);
    }
    if (blob_u32(b, 0) != 0) {
        free(x);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        int32_t lat = (int32_t)llround(y[i] * 1e7);
        int32_t lon = (int32_t)llround(x[i] * 1e7);
        if (n > 0 && lat == prev_lat && lon == prev_lon) continue;
        if (n == 0) {
            first_lat = lat;
            first_lon = lon;
        }
        if (blob_u32(b, (uint32_t)lat) != 0 || blob_u32(b, (uint32_t)lon) != 0) {
            free(x);
            return -1;
        }
        prev_lat = lat;
        prev_lon = lon;
        n++;
    }
    free(x);
    if (n > 1 && prev_lat == first_lat && prev_lon == first_lon) {
        b->size -= 8; /* the closing point is implied */
        n--;
    }
    if (n < 3) {
        b->size = header;
        return 0;
    }
    blob_set_u32(b, header, n | flags);
    return 1;
}

/* Encode a multipolygon; the blob is empty when every ring degenerated. */
int dc_zone_encode(OGRGeometryH mp, dc_blob *b, dc_zone_bbox *bb)
{
    uint32_t nrings = 0;
    if (blob_u32(b, 0) != 0) return -1;
    for (int i = 0; i < OGR_G_GetGeometryCount(mp); i++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(mp, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
            int rc = encode_ring(b, OGR_G_GetGeometryRef(poly, r), r ? DC_RING_HOLE : 0);
            if (rc < 0) return -1;
            if (rc == 0 && r == 0) break; /* no exterior: drop its holes too */
            nrings += (uint32_t)rc;
        }
    }
    blob_set_u32(b, 0, nrings);
    if (nrings == 0) {
        b->size = 0;
        return 0;
    }
    dc_polygon p = {b->data, b->size};
    dc_polygon_bbox(&p, &bb->south, &bb->west, &bb->north, &bb->east);
    return 0;
}

