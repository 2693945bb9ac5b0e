/*
 * http_map_simplify.c - zone rings simplified for a map (see
 * http_map_simplify.h).
 *
 * Douglas-Peucker alone, run on each zone's rings, simplifies a border two
 * zones share differently on each side (each ring starts elsewhere), and
 * the map shows slivers and gaps between neighbours. So each ring is cut
 * at anchors that both sides find alike: the vertices where the number of
 * zones using a vertex changes along the ring (the ends of a shared
 * border, the corners where three zones meet). Between two anchors both
 * zones walk the same vertices (in opposite directions), so both keep the
 * same ones. A ring with no anchor (an island, or an enclave and the hole
 * around it) starts at its least vertex by value, which both sides of an
 * enclave share.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "http_map_simplify.h"

#define CROSS_CHECK_MAX 5000
#define RADIANS (3.14159265358979323846 / 180)

/* ---- how many zones use each vertex ---------------------------------------- */

typedef struct slot {
    dc_vertex v;
    uint32_t count, last_zone; /* count 0: empty */
} slot;

struct dc_vertex_counts {
    slot *slots;
    size_t mask;
};

static size_t vertex_hash(dc_vertex v)
{
    uint64_t h = (uint64_t)(uint32_t)v.lat * 0x9E3779B97F4A7C15u ^
                 (uint64_t)(uint32_t)v.lon * 0xC2B2AE3D27D4EB4Fu;
    return (size_t)(h ^ h >> 29);
}

static slot *vertex_slot(const dc_vertex_counts *vc, dc_vertex v)
{
    size_t i = vertex_hash(v) & vc->mask;
    while (vc->slots[i].count &&
           (vc->slots[i].v.lat != v.lat || vc->slots[i].v.lon != v.lon))
        i = (i + 1) & vc->mask;
    return &vc->slots[i];
}

static void ring_load(const dc_ring *ring, dc_vertex *out)
{
    for (uint32_t i = 0; i < ring->npoints; i++)
        dc_ring_vertex(ring, i, &out[i].lat, &out[i].lon);
}

dc_vertex_counts *dc_vertex_counts_make(const dc_zone *const *zones, size_t nzones)
{
    size_t total = 0, size = 64;
    for (size_t z = 0; z < nzones; z++) {
        dc_ring ring;
        size_t off = 0;
        while (dc_polygon_next_ring(&zones[z]->polygon, &off, &ring))
            total += ring.npoints;
    }
    while (size < 2 * total)
        size *= 2;
    dc_vertex_counts *vc = malloc(sizeof *vc);
    if (!vc || !(vc->slots = calloc(size, sizeof *vc->slots))) {
        free(vc);
        return NULL;
    }
    vc->mask = size - 1;
    for (size_t z = 0; z < nzones; z++) {
        dc_ring ring;
        size_t off = 0;
        while (dc_polygon_next_ring(&zones[z]->polygon, &off, &ring)) {
            for (uint32_t i = 0; i < ring.npoints; i++) {
                dc_vertex v;
                dc_ring_vertex(&ring, i, &v.lat, &v.lon);
                slot *s = vertex_slot(vc, v);
                if (s->count && s->last_zone == z) continue;
                s->v = v, s->count++, s->last_zone = (uint32_t)z;
            }
        }
    }
    return vc;
}

void dc_vertex_counts_free(dc_vertex_counts *vc)
{
    if (!vc) return;
    free(vc->slots);
    free(vc);
}

static uint32_t vertex_count(const dc_vertex_counts *vc, dc_vertex v)
{
    if (!vc) return 1;
    uint32_t n = vertex_slot(vc, v)->count;
    return n ? n : 1;
}

/* ---- geometry ----------------------------------------------------------------- */

double dc_pixel_e7(double zoom)
{
    return 3.6e9 / (256.0 * pow(2.0, zoom));
}

/* Distance of @p p from segment @p a @p b, e7 of latitude, with longitude
 * scaled by the cosine of the segment's middle latitude (the same for
 * both directions of the segment). */
static double segment_distance(dc_vertex p, dc_vertex a, dc_vertex b)
{
    double k = cos(((double)a.lat + b.lat) / 2 / 1e7 * RADIANS);
    double ax = a.lon * k, ay = a.lat, bx = b.lon * k, by = b.lat;
    double px = p.lon * k, py = p.lat;
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double ex = ax + t * dx - px, ey = ay + t * dy - py;
    return sqrt(ex * ex + ey * ey);
}

static bool vertex_less(dc_vertex a, dc_vertex b)
{
    return a.lat < b.lat || (a.lat == b.lat && a.lon < b.lon);
}

/* The vertex farthest from @p a (ties: the least by value). */
static size_t farthest_from(const dc_vertex *v, size_t n, size_t a)
{
    size_t best = a;
    double best_d = -1;
    for (size_t i = 0; i < n; i++) {
        double d = segment_distance(v[i], v[a], v[a]);
        if (d > best_d || (d == best_d && vertex_less(v[i], v[best])))
            best = i, best_d = d;
    }
    return best;
}

/* Douglas-Peucker on v[from..to] (indices mod n, to > from), marking the
 * vertices kept; @p stack has room for n pairs. */
static void douglas_peucker(const dc_vertex *v, size_t n, size_t from, size_t to,
                            double tolerance, bool *keep, size_t (*stack)[2])
{
    size_t top = 0;
    stack[top][0] = from, stack[top][1] = to, top++;
    while (top) {
        top--;
        size_t i = stack[top][0], j = stack[top][1], best = 0;
        double best_d = -1;
        for (size_t k = i + 1; k < j; k++) {
            double d = segment_distance(v[k % n], v[i % n], v[j % n]);
            if (d > best_d) best = k, best_d = d;
        }
        if (best_d <= tolerance) continue;
        keep[best % n] = true;
        stack[top][0] = i, stack[top][1] = best, top++;
        stack[top][0] = best, stack[top][1] = j, top++;
    }
}

/* Mark the anchors: where the number of zones using a vertex changes, or
 * three or more meet. Returns how many. */
static size_t mark_anchors(const dc_vertex *v, size_t n, const dc_vertex_counts *vc,
                           bool *keep)
{
    size_t anchors = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = vertex_count(vc, v[i]), prev = vertex_count(vc, v[(i + n - 1) % n]),
                 next = vertex_count(vc, v[(i + 1) % n]);
        keep[i] = c >= 3 || c != prev || c != next;
        anchors += keep[i];
    }
    if (anchors == 0) {
        size_t least = 0;
        for (size_t i = 1; i < n; i++)
            if (vertex_less(v[i], v[least])) least = i;
        keep[least] = true, anchors = 1;
    }
    if (anchors == 1) {
        size_t a = 0;
        while (!keep[a])
            a++;
        keep[farthest_from(v, n, a)] = true, anchors = 2;
    }
    return anchors;
}

/* A ring reduced below 3 vertices: its first kept vertex, the farthest from
 * it, and the farthest from the line through both. */
static void keep_triangle(const dc_vertex *v, size_t n, bool *keep)
{
    size_t a = 0;
    while (a < n && !keep[a])
        a++;
    if (a == n) a = 0;
    size_t b = farthest_from(v, n, a), c = a;
    double best_d = -1;
    for (size_t i = 0; i < n; i++) {
        double d = segment_distance(v[i], v[a], v[b]);
        if (i != a && i != b && d > best_d) c = i, best_d = d;
    }
    keep[a] = keep[b] = keep[c] = true;
}

size_t dc_ring_simplify(const dc_ring *ring, const dc_vertex_counts *vc,
                        double tolerance_e7, dc_vertex *out)
{
    size_t n = ring->npoints, m = 0;
    dc_vertex *v = malloc(n * sizeof *v);
    bool *keep = calloc(n, sizeof *keep);
    size_t(*stack)[2] = malloc((n + 1) * sizeof *stack);
    if (!v || !keep || !stack || n <= 3 || !(tolerance_e7 > 0)) {
        ring_load(ring, out);
        m = n;
        goto done;
    }
    ring_load(ring, v);
    mark_anchors(v, n, vc, keep);
    size_t first = 0;
    while (!keep[first])
        first++;
    for (size_t i = first, j; i < first + n; i = j) {
        j = i + 1;
        while (!keep[j % n])
            j++;
        if (j > i + 1) douglas_peucker(v, n, i, j, tolerance_e7, keep, stack);
    }
    for (size_t i = 0; i < n; i++)
        m += keep[i];
    if (m < 3) keep_triangle(v, n, keep);
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i]) out[m++] = v[i];
    /* The check costs m^2: past CROSS_CHECK_MAX a ring is simplified at a
     * zoom close enough for Douglas-Peucker not to fold it. */
    if (m < n && m <= CROSS_CHECK_MAX && dc_vertices_cross(out, m))
        memcpy(out, v, n * sizeof *v), m = n;
done:
    free(v);
    free(keep);
    free(stack);
    return m;
}

double dc_vertices_area2(const dc_vertex *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        dc_vertex a = v[(i + n - 1) % n], b = v[i];
        sum += (double)a.lon * b.lat - (double)b.lon * a.lat;
    }
    return sum;
}

/* The sign of the turn a -> b -> c. Zones span under a degree, so the
 * products of e7 differences stay well inside 64 bits. */
static int orientation(dc_vertex a, dc_vertex b, dc_vertex c)
{
    int64_t x = (int64_t)(b.lon - a.lon) * (c.lat - a.lat) -
                (int64_t)(b.lat - a.lat) * (c.lon - a.lon);
    return (x > 0) - (x < 0);
}

/* @p p, collinear with a b, lies within the segment's box. */
static bool on_segment(dc_vertex a, dc_vertex b, dc_vertex p)
{
    return p.lon >= (a.lon < b.lon ? a.lon : b.lon) &&
           p.lon <= (a.lon > b.lon ? a.lon : b.lon) &&
           p.lat >= (a.lat < b.lat ? a.lat : b.lat) &&
           p.lat <= (a.lat > b.lat ? a.lat : b.lat);
}

static bool segments_meet(dc_vertex a, dc_vertex b, dc_vertex c, dc_vertex d)
{
    int o1 = orientation(a, b, c), o2 = orientation(a, b, d), o3 = orientation(c, d, a),
        o4 = orientation(c, d, b);
    if (o1 != o2 && o3 != o4 && o1 && o2 && o3 && o4) return true;
    return (!o1 && on_segment(a, b, c)) || (!o2 && on_segment(a, b, d)) ||
           (!o3 && on_segment(c, d, a)) || (!o4 && on_segment(c, d, b));
}

bool dc_vertices_cross(const dc_vertex *v, size_t n)
{
    if (n < 3) return true;
    for (size_t i = 0; i < n; i++) {
        dc_vertex a = v[i], b = v[(i + 1) % n];
        /* an edge doubling back on the next one (a spike) */
        dc_vertex c = v[(i + 2) % n];
        if (orientation(a, b, c) == 0 && (on_segment(b, c, a) || on_segment(a, b, c)))
            return true;
        for (size_t j = i + 2; j < n; j++) {
            if (i == 0 && j == n - 1) continue; /* they share v[0] */
            if (segments_meet(a, b, v[j], v[(j + 1) % n])) return true;
        }
    }
    return false;
}
