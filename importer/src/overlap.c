/* overlap.c - exact interior-intersection test on integer rings. */
#include "overlap.h"

#include <string.h>

/* A vertex, doubled so that edge midpoints are exact integers too. */
typedef struct dc_pt {
    int64_t lat, lon;
} dc_pt;

static dc_pt vertex(const dc_ring *ring, uint32_t i)
{
    int32_t lat, lon;
    dc_ring_vertex(ring, i, &lat, &lon);
    dc_pt v = {2 * (int64_t)lat, 2 * (int64_t)lon};
    return v;
}

/* Walk every edge (a, b) of every ring of a polygon. */
typedef struct dc_edges {
    const dc_polygon *p;
    size_t offset;
    dc_ring ring;
    uint32_t i;
} dc_edges;

static void edges_begin(dc_edges *e, const dc_polygon *p)
{
    e->p = p;
    e->offset = 0;
    e->ring.npoints = e->i = 0;
}

static bool edges_next(dc_edges *e, dc_pt *a, dc_pt *b)
{
    if (e->i == e->ring.npoints) {
        if (!dc_polygon_next_ring(e->p, &e->offset, &e->ring)) return false;
        e->i = 0;
    }
    *a = vertex(&e->ring, e->i);
    *b = vertex(&e->ring, (e->i + 1) % e->ring.npoints);
    e->i++;
    return true;
}

static int sign(int64_t v)
{
    return (v > 0) - (v < 0);
}

/* Which side of the line a->b the point c is on: 1 left, -1 right, 0 on it. */
static int orient(dc_pt a, dc_pt b, dc_pt c)
{
    return sign((b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon));
}

static bool on_segment(dc_pt a, dc_pt b, dc_pt c)
{
    return orient(a, b, c) == 0 && (c.lat >= (a.lat < b.lat ? a.lat : b.lat)) &&
           (c.lat <= (a.lat > b.lat ? a.lat : b.lat)) &&
           (c.lon >= (a.lon < b.lon ? a.lon : b.lon)) &&
           (c.lon <= (a.lon > b.lon ? a.lon : b.lon));
}

/* 1 strictly inside, 0 on the boundary, -1 outside (even-odd rule). */
static int classify(const dc_polygon *p, dc_pt c)
{
    dc_edges e;
    dc_pt a, b;
    bool inside = false;
    edges_begin(&e, p);
    while (edges_next(&e, &a, &b)) {
        if (on_segment(a, b, c)) return 0;
        if ((a.lat > c.lat) != (b.lat > c.lat)) {
            /* Does the edge cross the eastward ray from c? */
            int64_t lhs = (c.lon - a.lon) * (b.lat - a.lat);
            int64_t rhs = (c.lat - a.lat) * (b.lon - a.lon);
            if (b.lat > a.lat ? lhs < rhs : lhs > rhs) inside = !inside;
        }
    }
    return inside ? 1 : -1;
}

/* A vertex or an edge midpoint of @p a strictly inside @p b. */
static bool point_of_inside(const dc_polygon *a, const dc_polygon *b)
{
    dc_edges e;
    dc_pt p, q;
    edges_begin(&e, a);
    while (edges_next(&e, &p, &q)) {
        dc_pt mid = {(p.lat + q.lat) / 2, (p.lon + q.lon) / 2};
        if (classify(b, p) > 0 || classify(b, mid) > 0) return true;
    }
    return false;
}

static bool proper_crossing(const dc_polygon *a, const dc_polygon *b)
{
    dc_edges ea, eb;
    dc_pt p, q, r, s;
    edges_begin(&ea, a);
    while (edges_next(&ea, &p, &q)) {
        edges_begin(&eb, b);
        while (edges_next(&eb, &r, &s))
            if (orient(p, q, r) * orient(p, q, s) < 0 &&
                orient(r, s, p) * orient(r, s, q) < 0)
                return true;
    }
    return false;
}

bool dc_polygons_overlap(const dc_polygon *a, const dc_polygon *b)
{
    if (a->size == b->size && memcmp(a->data, b->data, a->size) == 0) return true;
    return point_of_inside(a, b) || point_of_inside(b, a) || proper_crossing(a, b);
}
