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

bool dc_polygon_next_ring(const dc_polygon *p, size_t *offset, dc_ring *ring)
{
    size_t at = *offset ? *offset : 4;
    if (at + RING_HEADER > p->size) return false;
    uint32_t header = dc_get_le32(p->data + at);
    ring->npoints = header & ~DC_RING_HOLE;
    ring->hole = (header & DC_RING_HOLE) != 0;
    ring->points = p->data + at + RING_HEADER;
    *offset = at + RING_HEADER + (size_t)ring->npoints * POINT_SIZE;
    return true;
}

void dc_ring_vertex(const dc_ring *ring, uint32_t i, int32_t *lat_e7, int32_t *lon_e7)
{
    const uint8_t *v = ring->points + (size_t)i * POINT_SIZE;
    *lat_e7 = vertex_lat(v);
    *lon_e7 = vertex_lon(v);
}

/* Call @p fn for every vertex of a valid polygon until it returns true;
 * true when it did. */
static bool any_vertex(const dc_polygon *p, bool (*fn)(void *, int32_t, int32_t),
                       void *ctx)
{
    dc_ring ring;
    size_t off = 0;
    while (dc_polygon_next_ring(p, &off, &ring))
        for (uint32_t i = 0; i < ring.npoints; i++) {
            int32_t lat, lon;
            dc_ring_vertex(&ring, i, &lat, &lon);
            if (fn(ctx, lat, lon)) return true;
        }
    return false;
}

/* The least and greatest latitude and longitude of a valid polygon's
 * vertices (south, west, north, east). Read here, not through any_vertex:
 * a build walks a national map's 33 million vertices for it, and the call
 * a vertex doubled the cost. */
static void box_of(const dc_polygon *p, int32_t b[4])
{
    int32_t s = INT32_MAX, w = INT32_MAX, n = INT32_MIN, e = INT32_MIN;
    dc_ring ring;
    size_t off = 0;
    while (dc_polygon_next_ring(p, &off, &ring)) {
        const uint8_t *v = ring.points;
        for (uint32_t i = 0; i < ring.npoints; i++, v += POINT_SIZE) {
            int32_t lat = vertex_lat(v), lon = vertex_lon(v);
            s = lat < s ? lat : s;
            n = lat > n ? lat : n;
            w = lon < w ? lon : w;
            e = lon > e ? lon : e;
        }
    }
    b[0] = s;
    b[1] = w;
    b[2] = n;
    b[3] = e;
}

dc_err dc_polygon_validate(const dc_polygon *p)
{
    dc_err rc = dc_polygon_check_structure(p);
    if (rc != DC_OK) return rc;
    int32_t b[4]; /* every vertex is on the globe when the extremes are */
    box_of(p, b);
    return b[0] < DC_LAT_E7_MIN || b[2] > DC_LAT_E7_END || b[1] < DC_LON_E7_MIN ||
                   b[3] > DC_LON_E7_END
               ? DC_E_INDEX_CORRUPT
               : DC_OK;
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
int dc_edge_crosses_east(int64_t alat, int64_t alon, int64_t blat, int64_t blon,
                         int64_t y, int64_t x)
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
        if ((alat > y) != (blat > y) &&
            dc_edge_crosses_east(alat, alon, blat, blon, y, x))
            n++;
        alat = blat;
        alon = blon;
    }
    return n;
}

bool dc_polygon_contains(const dc_polygon *p, int32_t lat_e7, int32_t lon_e7)
{
    if (dc_polygon_check_structure(p) != DC_OK) return false;
    return dc_polygon_contains_checked(p, lat_e7, lon_e7);
}

bool dc_polygon_contains_checked(const dc_polygon *p, int32_t lat_e7, int32_t lon_e7)
{
    dc_ring ring;
    size_t off = 0;
    unsigned crossings = 0;
    while (dc_polygon_next_ring(p, &off, &ring))
        crossings += ring_crossings(ring.points, ring.npoints, lat_e7, lon_e7);
    return crossings % 2 == 1;
}

void dc_polygon_bbox(const dc_polygon *p, int32_t *south, int32_t *west, int32_t *north,
                     int32_t *east)
{
    int32_t b[4];
    box_of(p, b);
    *south = b[0];
    *west = b[1];
    *north = b[2];
    *east = b[3];
}

typedef struct far_search {
    double ref_lat, ref_lon;
    int32_t lat, lon;
} far_search;

static bool is_far(void *ctx, int32_t lat, int32_t lon)
{
    far_search *f = ctx;
    if (dc_code_in_recovery_range(lat / 1e7, lon / 1e7, f->ref_lat, f->ref_lon))
        return false;
    f->lat = lat;
    f->lon = lon;
    return true;
}

/*
 * The range test is a test of the latitude and one of the longitude, each
 * true on an interval of e7 values (the division and the subtraction round
 * monotonically), so every vertex passes when the box's corners do: only a
 * polygon with a far vertex is walked, to name the first.
 */
bool dc_polygon_far_vertex(const dc_polygon *p, int32_t ref_lat_e7, int32_t ref_lon_e7,
                           int32_t *lat_e7, int32_t *lon_e7)
{
    far_search f = {ref_lat_e7 / 1e7, ref_lon_e7 / 1e7, 0, 0};
    int32_t b[4];
    box_of(p, b);
    if (!is_far(&f, b[0], b[1]) && !is_far(&f, b[2], b[3])) return false;
    if (!any_vertex(p, is_far, &f)) return false;
    *lat_e7 = f.lat;
    *lon_e7 = f.lon;
    return true;
}
