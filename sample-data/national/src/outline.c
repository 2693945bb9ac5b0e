/*
 * outline.c - a zone's realistic border (common/fractal_border.c) and the
 * point-in-zone test households are drawn with. A ring of 2,000 to 20,000
 * vertices tested edge by edge would cost the national run hours; edges are
 * bucketed by horizontal band instead, so a point meets a dozen of them.
 */
#include "national.h"

#include <math.h>
#include <stdlib.h>

#define EDGES_PER_BAND 8

/* Edge k runs from points[k] to points[k + 1] unless k ends a ring. */
static int is_edge(const nat_outline *o, uint32_t k, uint32_t *ring)
{
    while (*ring + 1 < o->rings && k >= o->ring_start[*ring + 1])
        ++*ring;
    return k + 1 < (*ring + 1 < o->rings ? o->ring_start[*ring + 1] : o->count);
}

static int count_band_edges(nat_outline *o, uint32_t *fill)
{
    uint32_t ring = 0;
    for (uint32_t k = 0; k + 1 < o->count; k++) {
        if (!is_edge(o, k, &ring)) continue;
        border_point a = o->points[k], b = o->points[k + 1];
        uint32_t first = (uint32_t)((fmin(a.y, b.y) - o->band_y0) / o->band_height);
        uint32_t last = (uint32_t)((fmax(a.y, b.y) - o->band_y0) / o->band_height);
        for (uint32_t band = first; band <= last && band < o->bands; band++)
            if (fill)
                o->band_edges[o->band_start[band] + fill[band]++] = k;
            else
                o->band_start[band + 1]++;
    }
    return 0;
}

static int bucket_edges(nat_outline *o)
{
    double lo = o->points[0].y, hi = lo;
    for (uint32_t k = 1; k < o->count; k++) {
        lo = fmin(lo, o->points[k].y);
        hi = fmax(hi, o->points[k].y);
    }
    free(o->band_start); /* bucketed again after each ring added */
    free(o->band_edges);
    o->band_edges = NULL;
    o->bands = o->count / EDGES_PER_BAND + 1;
    o->band_y0 = lo;
    o->band_height = (hi - lo) / o->bands + 1e-9;
    o->band_start = calloc((size_t)o->bands + 1, sizeof *o->band_start);
    uint32_t *fill = calloc(o->bands, sizeof *fill);
    if (!o->band_start || !fill) {
        free(fill);
        return -1;
    }
    /* Two passes: count each band's edges, then place them. */
    count_band_edges(o, NULL);
    for (uint32_t band = 0; band < o->bands; band++)
        o->band_start[band + 1] += o->band_start[band];
    o->band_edges = malloc(((size_t)o->band_start[o->bands] + 1) * sizeof *o->band_edges);
    if (o->band_edges) count_band_edges(o, fill);
    free(fill);
    return o->band_edges ? 0 : -1;
}

int nat_outline_add_ring(nat_outline *outline, const nat_point *corners, int count,
                         nat_ring_role role, const border_style *style, seeded_rng *rng)
{
    border_line *line = &outline->line;
    uint32_t start = (uint32_t)line->count;
    uint32_t *starts =
        realloc(outline->ring_start, (outline->rings + 1) * sizeof *starts);
    if (!starts) return -1;
    outline->ring_start = starts;
    uint8_t *roles = realloc(outline->ring_role, (outline->rings + 1) * sizeof *roles);
    if (!roles) return -1;
    outline->ring_role = roles;
    for (int k = 0; k < count; k++) {
        size_t from = line->count;
        nat_point a = corners[k], b = corners[(k + 1) % count];
        if (border_append_edge(line, (border_point){a.x, a.y}, (border_point){b.x, b.y},
                               style) != 0)
            return -1;
        border_redigitise(line, from, style, rng);
    }
    /* Closed, the first point again, so that no edge wraps around. */
    if (border_line_push(line, line->points[start]) != 0) return -1;
    outline->points = line->points;
    outline->count = (uint32_t)line->count;
    outline->ring_start[outline->rings] = start;
    outline->ring_role[outline->rings++] = (uint8_t)role;
    return 0;
}

int nat_outline_finish(nat_outline *outline)
{
    return bucket_edges(outline);
}

static double segment_distance(double x, double y, border_point a, border_point b)
{
    double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((x - a.x) * dx + (y - a.y) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(x - (a.x + t * dx), y - (a.y + t * dy));
}

static long band_of(const nat_outline *o, double y)
{
    return (long)floor((y - o->band_y0) / o->band_height);
}

int nat_outline_contains(const nat_outline *o, double x, double y, double margin)
{
    long band = band_of(o, y);
    if (band < 0 || band >= (long)o->bands) return 0;
    int inside = 0; /* even-odd over every ring: holes and parts alike */
    for (uint32_t i = o->band_start[band]; i < o->band_start[band + 1]; i++) {
        border_point a = o->points[o->band_edges[i]], b = o->points[o->band_edges[i] + 1];
        if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x)
            inside = !inside;
    }
    if (!inside) return 0;
    long lo = band_of(o, y - margin), hi = band_of(o, y + margin);
    for (long b = lo < 0 ? 0 : lo; b <= hi && b < (long)o->bands; b++)
        for (uint32_t i = o->band_start[b]; i < o->band_start[b + 1]; i++) {
            uint32_t k = o->band_edges[i];
            if (segment_distance(x, y, o->points[k], o->points[k + 1]) < margin) return 0;
        }
    return 1;
}

void nat_outline_free(nat_outline *outline)
{
    if (!outline) return;
    border_line_free(&outline->line);
    free(outline->ring_start);
    free(outline->ring_role);
    free(outline->band_start);
    free(outline->band_edges);
    *outline = (nat_outline){0};
}
