/*
 * polygon.c - zone polygons as stored bytes: validation, bounding box and
 * the exact point-in-polygon test.
 *
 * Layout (index.h): u32 nrings, then per ring u32 npoints (| DC_RING_HOLE),
 * then npoints x (i32 lat_e7, i32 lon_e7), all little-endian.
 */
#include "index_internal.h"

#define RING_HEADER 4
#define POINT_SIZE 8

static int32_t vertex_lat(const uint8_t *v)
{
    return dc_get_i32(v);
}

static int32_t vertex_lon(const uint8_t *v)
{
    return dc_get_i32(v + 4);
}

dc_err dc_polygon_check_structure(const dc_polygon *p)
{
    if (!p || !p->data || p->size < 4) return DC_E_INDEX_CORRUPT;
    uint32_t nrings = dc_get_le32(p->data);
    size_t at = 4;
    if (nrings == 0) return DC_E_INDEX_CORRUPT;
    for (uint32_t r = 0; r < nrings; r++) {
        if (p->size - at < RING_HEADER) return DC_E_INDEX_CORRUPT;
        uint32_t header = dc_get_le32(p->data + at);
        uint32_t npoints = header & ~DC_RING_HOLE;
        if (r == 0 && (header & DC_RING_HOLE)) return DC_E_INDEX_CORRUPT;
        if (npoints < 3) return DC_E_INDEX_CORRUPT;
        at += RING_HEADER;
        if ((p->size - at) / POINT_SIZE < npoints) return DC_E_INDEX_CORRUPT;
        at += (size_t)npoints * POINT_SIZE;
    }
    return at == p->size ? DC_OK : DC_E_INDEX_CORRUPT;
}

dc_err dc_polygon_validate(const dc_polygon *p)
{
    dc_err rc = dc_polygon_check_structure(p);
    if (rc != DC_OK) return rc;
    /* Past the structure check, every 8 bytes after the headers is a vertex;
     * walk the rings again to skip the headers. */
    uint32_t nrings = dc_get_le32(p->data);
    const uint8_t *at = p->data + 4;
    for (uint32_t r = 0; r < nrings; r++) {
        uint32_t npoints = dc_get_le32(at) & ~DC_RING_HOLE;
        at += RING_HEADER;
        for (uint32_t i = 0; i < npoints; i++, at += POINT_SIZE) {
            int32_t lat = vertex_lat(at), lon = vertex_lon(at);
            if (lat < DC_LAT_E7_MIN || lat > DC_LAT_E7_END || lon < DC_LON_E7_MIN ||
                lon > DC_LON_E7_END)
                return DC_E_INDEX_CORRUPT;
        }
    }
    return DC_OK;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Does edge (a, b), which crosses the horizontal line lat = y, cross it
 * strictly east of x? The crossing longitude is
 *   a.lon + (y - a.lat) * (b.lon - a.lon) / (b.lat - a.lat),
 * compared with x by cross-multiplication. Coordinates are clamped to the
 * globe so that each product stays within int64 even for corrupt data.
 */
static int crosses_east(int64_t alat, int64_t alon, int64_t blat, int64_t blon, int64_t y,
                        int64_t x)
{
    if (alon > x && blon > x) return 1;
    if (alon <= x && blon <= x) return 0;
    alat = clamp64(alat, DC_LAT_E7_MIN, DC_LAT_E7_END);
    blat = clamp64(blat, DC_LAT_E7_MIN, DC_LAT_E7_END);
    alon = clamp64(alon, DC_LON_E7_MIN, DC_LON_E7_END);
    blon = clamp64(blon, DC_LON_E7_MIN, DC_LON_E7_END);
    y = clamp64(y, DC_LAT_E7_MIN, DC_LAT_E7_END);
    x = clamp64(x, DC_LON_E7_MIN, DC_LON_E7_END);
    int64_t d = blat - alat;
    int64_t lhs = (alon - x) * d; /* |.| <= 3.6e9 * 1.8e9 */
    int64_t rhs = -((y - alat) * (blon - alon));
    return d > 0 ? lhs > rhs : lhs < rhs;
}

/* Crossings east of (y, x) by the edges of one ring. */
static unsigned ring_crossings(const uint8_t *v, uint32_t npoints, int64_t y, int64_t x)
{
    unsigned n = 0;
    const uint8_t *last = v + (size_t)(npoints - 1) * POINT_SIZE;
    int64_t alat = vertex_lat(last), alon = vertex_lon(last);
    for (uint32_t i = 0; i < npoints; i++, v += POINT_SIZE) {
        int64_t blat = vertex_lat(v), blon = vertex_lon(v);
        if ((alat > y) != (blat > y) && crosses_east(alat, alon, blat, blon, y, x)) n++;
        alat = blat;
        alon = blon;
    }
    return n;
}

bool dc_polygon_contains(const dc_polygon *p, int32_t lat_e7, int32_t lon_e7)
{
    if (dc_polygon_check_structure(p) != DC_OK) return false;
    uint32_t nrings = dc_get_le32(p->data);
    const uint8_t *at = p->data + 4;
    unsigned crossings = 0;
    for (uint32_t r = 0; r < nrings; r++) {
        uint32_t npoints = dc_get_le32(at) & ~DC_RING_HOLE;
        at += RING_HEADER;
        crossings += ring_crossings(at, npoints, lat_e7, lon_e7);
        at += (size_t)npoints * POINT_SIZE;
    }
    return crossings % 2 == 1;
}

void dc_polygon_bbox(const dc_polygon *p, int32_t *south, int32_t *west, int32_t *north,
                     int32_t *east)
{
    int32_t s = INT32_MAX, w = INT32_MAX, n = INT32_MIN, e = INT32_MIN;
    uint32_t nrings = dc_get_le32(p->data);
    const uint8_t *at = p->data + 4;
    for (uint32_t r = 0; r < nrings; r++) {
        uint32_t npoints = dc_get_le32(at) & ~DC_RING_HOLE;
        at += RING_HEADER;
        for (uint32_t i = 0; i < npoints; i++, at += POINT_SIZE) {
            int32_t lat = vertex_lat(at), lon = vertex_lon(at);
            if (lat < s) s = lat;
            if (lat > n) n = lat;
            if (lon < w) w = lon;
            if (lon > e) e = lon;
        }
    }
    *south = s;
    *west = w;
    *north = n;
    *east = e;
}

bool dc_polygon_far_vertex(const dc_polygon *p, int32_t ref_lat_e7, int32_t ref_lon_e7,
                           int32_t *lat_e7, int32_t *lon_e7)
{
    double rlat = ref_lat_e7 / 1e7, rlon = ref_lon_e7 / 1e7;
    uint32_t nrings = dc_get_le32(p->data);
    const uint8_t *at = p->data + 4;
    for (uint32_t r = 0; r < nrings; r++) {
        uint32_t npoints = dc_get_le32(at) & ~DC_RING_HOLE;
        at += RING_HEADER;
        for (uint32_t i = 0; i < npoints; i++, at += POINT_SIZE) {
            int32_t lat = vertex_lat(at), lon = vertex_lon(at);
            if (!dc_code_in_recovery_range(lat / 1e7, lon / 1e7, rlat, rlon)) {
                *lat_e7 = lat;
                *lon_e7 = lon;
                return true;
            }
        }
    }
    return false;
}
