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

static int bucket_edges(nat_outline *o)
{
    double lo = o->points[0].y, hi = lo;
    for (uint32_t k = 1; k < o->count; k++) {
        lo = fmin(lo, o->points[k].y);
        hi = fmax(hi, o->points[k].y);
    }
    o->bands = o->count / EDGES_PER_BAND + 1;
    o->band_y0 = lo;
    o->band_height = (hi - lo) / o->bands + 1e-9;
    o->band_start = calloc((size_t)o->bands + 1, sizeof *o->band_start);
    if (!o->band_start) return -1;
    /* Two passes: count each band's edges, then place them. */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *fill = pass ? calloc(o->bands, sizeof *fill) : NULL;
        if (pass && !fill) return -1;
        for (uint32_t k = 0; k < o->count; k++) {
            border_point a = o->points[k], b = o->points[(k + 1) % o->count];
            uint32_t first = (uint32_t)((fmin(a.y, b.y) - lo) / o->band_height);
            uint32_t last = (uint32_t)((fmax(a.y, b.y) - lo) / o->band_height);
            for (uint32_t band = first; band <= last && band < o->bands; band++) {
                if (pass)
                    o->band_edges[o->band_start[band] + fill[band]++] = k;
                else
                    o->band_start[band + 1]++;
            }
        }
        if (!pass) {
            for (uint32_t band = 0; band < o->bands; band++)
                o->band_start[band + 1] += o->band_start[band];
            o->band_edges =
                malloc((size_t)o->band_start[o->bands] * sizeof *o->band_edges);
            if (!o->band_edges) return -1;
        }
        free(fill);
    }
    return 0;
}

int nat_outline_build(nat_outline *outline, const nat_point *ring, int count,
                      const border_style *style, seeded_rng *rng)
{
    border_line line = {0};
    *outline = (nat_outline){0};
    for (int k = 0; k < count; k++) {
        size_t from = line.count;
        nat_point a = ring[k], b = ring[(k + 1) % count];
        if (border_append_edge(&line, (border_point){a.x, a.y}, (border_point){b.x, b.y},
                               style) != 0) {
            border_line_free(&line);
            return -1;
        }
        border_redigitise(&line, from, style, rng);
    }
    outline->points = line.points;
    outline->count = (uint32_t)line.count;
    if (bucket_edges(outline) != 0) {
        nat_outline_free(outline);
        return -1;
    }
    return 0;
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
    int inside = 0;
    for (uint32_t i = o->band_start[band]; i < o->band_start[band + 1]; i++) {
        border_point a = o->points[o->band_edges[i]];
        border_point b = o->points[(o->band_edges[i] + 1) % o->count];
        if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x)
            inside = !inside;
    }
    if (!inside) return 0;
    long lo = band_of(o, y - margin), hi = band_of(o, y + margin);
    for (long b = lo < 0 ? 0 : lo; b <= hi && b < (long)o->bands; b++)
        for (uint32_t i = o->band_start[b]; i < o->band_start[b + 1]; i++) {
            uint32_t k = o->band_edges[i];
            if (segment_distance(x, y, o->points[k], o->points[(k + 1) % o->count]) <
                margin)
                return 0;
        }
    return 1;
}

void nat_outline_free(nat_outline *outline)
{
    if (!outline) return;
    free(outline->points);
    free(outline->band_start);
    free(outline->band_edges);
    *outline = (nat_outline){0};
}
