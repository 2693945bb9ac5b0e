/*
 * zone_encode.c - a zone's polygons as the index stores them, and a
 * zone's rings copied out of OGR once (see zone_encode.h).
 */
#include "zone_encode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/index.h"

/* Room for @p n more of @p size bytes at *@p p, holding @p used of @p *cap;
 * false when out of memory. */
static bool reserve(void **p, size_t *cap, size_t used, size_t n, size_t size)
{
    if (used + n <= *cap) return true;
    size_t c = *cap ? *cap : 64;
    while (c < used + n)
        c *= 2;
    void *x = realloc(*p, c * size);
    if (!x) return false;
    *p = x;
    *cap = c;
    return true;
}

/* Append polygon @p poly's rings as part @p part; 0, 1 or -1 as
 * dc_zone_rings_read. */
static int read_polygon(dc_zone_rings *zr, OGRGeometryH poly, uint32_t part)
{
    if (wkbFlatten(OGR_G_GetGeometryType(poly)) != wkbPolygon) return 1;
    int nr = OGR_G_GetGeometryCount(poly);
    if (nr > 0 && !reserve((void **)&zr->rings, &zr->rings_cap, zr->nrings, (size_t)nr,
                           sizeof *zr->rings))
        return -1;
    for (int i = 0; i < nr; i++) {
        OGRGeometryH r = OGR_G_GetGeometryRef(poly, i);
        int n = OGR_G_GetPointCount(r);
        if (n < 0) n = 0;
        if (!reserve((void **)&zr->points, &zr->points_cap, zr->npoints, (size_t)n,
                     sizeof *zr->points))
            return -1;
        dc_ring_point *p = zr->points + zr->npoints;
        if (n > 0) OGR_G_GetPoints(r, &p->x, sizeof *p, &p->y, sizeof *p, NULL, 0);
        zr->rings[zr->nrings++] = (dc_zone_ring){zr->npoints, (uint32_t)n, part, i > 0};
        zr->npoints += (size_t)n;
    }
    return 0;
}

int dc_zone_rings_read(dc_zone_rings *zr, OGRGeometryH g)
{
    zr->npoints = zr->nrings = 0;
    zr->nparts = 0;
    if (!g) return 1;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    int rc = 1;
    if (t == wkbPolygon) {
        zr->nparts = 1;
        rc = read_polygon(zr, g, 0);
    } else if (t == wkbMultiPolygon) {
        int nparts = OGR_G_GetGeometryCount(g);
        zr->nparts = nparts > 0 ? (uint32_t)nparts : 0;
        rc = 0;
        for (int k = 0; rc == 0 && k < nparts; k++)
            rc = read_polygon(zr, OGR_G_GetGeometryRef(g, k), (uint32_t)k);
    }
    if (rc != 0) zr->npoints = zr->nrings = zr->nparts = 0;
    return rc;
}

void dc_zone_rings_free(dc_zone_rings *zr)
{
    free(zr->points);
    free(zr->rings);
    *zr = (dc_zone_rings){0};
}

/* Room for @p n more bytes; the encoding reserves its bound once, so that
 * a vertex costs no test of room (nor a realloc of a growing blob). */
static int blob_reserve(dc_blob *b, size_t n)
{
    if (b->size + n <= b->cap) return 0;
    uint8_t *d = realloc(b->data, b->size + n);
    if (!d) return -1;
    b->data = d;
    b->cap = b->size + n;
    return 0;
}

static void put_u32(uint8_t *at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        at[i] = (uint8_t)(v >> (8 * i));
}

/* (int32_t)llround(@p deg * 1e7), inline: llround through libm cost a
 * third of the encoding. Below 2^31 the fraction v - trunc(v) is exact,
 * so the half-away-from-zero rule is applied to the exact fraction, as
 * llround does; anything else goes to llround itself. */
static int32_t round_e7(double deg)
{
    double v = deg * 1e7;
    if (!(fabs(v) < 2147483648.0)) return (int32_t)llround(v);
    int64_t i = (int64_t)v;
    double f = v - (double)i;
    /* as flags, not branches: the fraction is a coin toss to predict */
    return (int32_t)(i + (f >= 0.5) - (f <= -0.5));
}

/* One ring of @p count points, rounded to e7, repeated points dropped,
 * written at b->data + b->size (room reserved) and its points added to
 * @p box (south, west, north, east) when it is kept. 1 when written, 0
 * when it degenerated below 3 points. */
static int encode_ring(dc_blob *b, const dc_ring_point *p, uint32_t count, uint32_t flags,
                       int32_t box[4])
{
    uint8_t *header = b->data + b->size, *out = header + 4;
    uint32_t n = 0;
    int32_t first_lat = 0, first_lon = 0, prev_lat = 0, prev_lon = 0;
    int32_t rb[4] = {INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN};
    for (uint32_t i = 0; i < count; i++) {
        int32_t lat = round_e7(p[i].y), lon = round_e7(p[i].x);
        if (n > 0 && lat == prev_lat && lon == prev_lon) continue;
        if (n == 0) {
            first_lat = lat;
            first_lon = lon;
        }
        put_u32(out, (uint32_t)lat);
        put_u32(out + 4, (uint32_t)lon);
        out += 8;
        if (lat < rb[0]) rb[0] = lat;
        if (lon < rb[1]) rb[1] = lon;
        if (lat > rb[2]) rb[2] = lat;
        if (lon > rb[3]) rb[3] = lon;
        prev_lat = lat;
        prev_lon = lon;
        n++;
    }
    if (n > 1 && prev_lat == first_lat && prev_lon == first_lon) {
        out -= 8; /* the closing point is implied: the box has it already */
        n--;
    }
    if (n < 3) return 0;
    put_u32(header, n | flags);
    b->size = (size_t)(out - b->data);
    for (int k = 0; k < 2; k++) {
        if (rb[k] < box[k]) box[k] = rb[k];
        if (rb[k + 2] > box[k + 2]) box[k + 2] = rb[k + 2];
    }
    return 1;
}

int dc_zone_encode_rings(const dc_zone_rings *zr, dc_blob *b, dc_zone_bbox *bb)
{
    /* the bound: a count, and a count and the points of every ring */
    if (blob_reserve(b, 4 + 4 * zr->nrings + 8 * zr->npoints) != 0) return -1;
    size_t header = b->size;
    uint32_t nrings = 0;
    int32_t box[4] = {INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN};
    b->size += 4;
    for (size_t k = 0; k < zr->nrings; k++) {
        const dc_zone_ring *r = &zr->rings[k];
        int rc = encode_ring(b, zr->points + r->start, r->count,
                             r->hole ? DC_RING_HOLE : 0, box);
        nrings += (uint32_t)rc;
        if (rc == 0 && !r->hole) /* no exterior: drop its holes too */
            while (k + 1 < zr->nrings && zr->rings[k + 1].part == r->part)
                k++;
    }
    put_u32(b->data + header, nrings);
    if (nrings == 0) {
        b->size = 0;
        return 0;
    }
    bb->south = box[0];
    bb->west = box[1];
    bb->north = box[2];
    bb->east = box[3];
    return 0;
}

/* Encode a multipolygon; the blob is empty when every ring degenerated. */
int dc_zone_encode(OGRGeometryH mp, dc_blob *b, dc_zone_bbox *bb)
{
    dc_zone_rings zr = {0};
    int rc = dc_zone_rings_read(&zr, mp);
    if (rc == 1) rc = 0; /* no polygon: no ring */
    if (rc == 0) rc = dc_zone_encode_rings(&zr, b, bb);
    dc_zone_rings_free(&zr);
    return rc;
}
