/*
 * fractal_border.c - midpoint displacement of shared edges, and the second
 * digitising of each zone's copy.
 */
#include "fractal_border.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t bits_of(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

static int reserve(border_line *line, size_t more)
{
    if (line->count + more <= line->cap) return 0;
    size_t cap = line->cap ? line->cap : 1024;
    while (cap < line->count + more)
        cap *= 2;
    border_point *points = realloc(line->points, cap * sizeof *points);
    if (!points) return -1;
    line->points = points;
    line->cap = cap;
    return 0;
}

static int halvings(double length, double spacing)
{
    int levels = 0;
    while (levels < BORDER_MAX_LEVELS && length > spacing) {
        length /= 2;
        levels++;
    }
    return levels;
}

/* Fill out[0..n] (n a power of two) from lo to hi: each midpoint pushed
 * sideways by up to roughness times its piece's length, the push a hash of
 * the edge and the piece, so any caller gets the same line. Pieces that
 * touch an end of the edge stay straight: the pushes would otherwise turn
 * the line's first piece further at every level, and two borders leaving
 * one junction could curl across each other. The line then stays in a
 * narrow cone about the edge near each junction. */
static void displace(border_point *out, size_t n, border_point lo, border_point hi,
                     const border_style *style)
{
    uint64_t edge = rng_hash4(style->seed, bits_of(lo.x), bits_of(lo.y),
                              rng_hash4(style->seed, bits_of(hi.x), bits_of(hi.y), 0));
    out[0] = lo;
    out[n] = hi;
    for (size_t size = n; size > 1; size /= 2)
        for (size_t i = 0; i < n; i += size) {
            border_point a = out[i], b = out[i + size];
            int at_end = i == 0 || i + size == n;
            double push =
                at_end ? 0 : style->roughness * rng_hash_signed(edge, size, i, 0);
            out[i + size / 2] = (border_point){(a.x + b.x) / 2 - (b.y - a.y) * push,
                                               (a.y + b.y) / 2 + (b.x - a.x) * push};
        }
}

static double point_segment(border_point p, border_point a, border_point b)
{
    double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

static double cross(border_point o, border_point a, border_point b)
{
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Segments p0p1 and q0q1 cross or come within @p clearance. */
static int too_close(border_point p0, border_point p1, border_point q0, border_point q1,
                     double clearance)
{
    double d1 = cross(p0, p1, q0), d2 = cross(p0, p1, q1);
    double d3 = cross(q0, q1, p0), d4 = cross(q0, q1, p1);
    if (((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0))) return 1;
    return point_segment(p0, q0, q1) < clearance ||
           point_segment(p1, q0, q1) < clearance ||
           point_segment(q0, p0, p1) < clearance || point_segment(q1, p0, p1) < clearance;
}

/* 1 when no two pieces of out[0..n] but neighbours come within @p clearance
 * (so that redigitising cannot make them cross). Pieces are bucketed in a
 * grid of cells as large as the longest piece plus the clearance, so only
 * pieces in the same or adjacent cells are compared. */
static int line_is_clear(const border_point *out, size_t n, double clearance)
{
    double cell = clearance;
    for (size_t i = 0; i < n; i++)
        cell = fmax(cell, hypot(out[i + 1].x - out[i].x, out[i + 1].y - out[i].y));
    cell += clearance;
    size_t buckets = 1;
    while (buckets < 2 * n)
        buckets *= 2;
    size_t *head = malloc(buckets * sizeof *head), *next = malloc(n * sizeof *next);
    int clear = head && next;
    for (size_t b = 0; clear && b < buckets; b++)
        head[b] = SIZE_MAX;
    for (size_t i = 0; clear && i < n; i++) {
        long cx = (long)floor(out[i].x / cell), cy = (long)floor(out[i].y / cell);
        for (long x = cx - 1; clear && x <= cx + 1; x++)
            for (long y = cy - 1; clear && y <= cy + 1; y++) {
                size_t b =
                    (size_t)(rng_hash4(0, (uint64_t)x, (uint64_t)y, 0) & (buckets - 1));
                for (size_t j = head[b]; clear && j != SIZE_MAX; j = next[j])
                    if (j + 1 < i &&
                        too_close(out[i], out[i + 1], out[j], out[j + 1], clearance))
                        clear = 0;
            }
        size_t own =
            (size_t)(rng_hash4(0, (uint64_t)cx, (uint64_t)cy, 0) & (buckets - 1));
        next[i] = head[own];
        head[own] = i;
    }
    free(head);
    free(next);
    return clear;
}

int border_append_edge(border_line *line, border_point a, border_point b,
                       const border_style *style)
{
    /* Drawn from the lexicographically smaller end whatever the direction
     * asked for, so that a neighbour walking b -> a gets the same points. */
    int forward = a.x < b.x || (a.x == b.x && a.y < b.y);
    border_point lo = forward ? a : b, hi = forward ? b : a;
    size_t n = (size_t)1 << halvings(hypot(hi.x - lo.x, hi.y - lo.y), style->spacing);
    if (reserve(line, n + 1) != 0) return -1;
    border_point *out = line->points + line->count;
    /* A line that folds back near itself is drawn again, calmer: the test
     * and the retries depend on the edge alone, so neighbours agree. */
    border_style calmer = *style;
    for (int tries = 0;; tries++) {
        displace(out, n, lo, hi, &calmer);
        if (calmer.roughness == 0 || line_is_clear(out, n, 2.5 * style->redigitise))
            break;
        calmer.roughness = tries < 5 ? calmer.roughness * 0.7 : 0;
    }
    if (!forward)
        for (size_t i = 0; i < (n + 1) / 2; i++) {
            border_point t = out[i];
            out[i] = out[n - i];
            out[n - i] = t;
        }
    line->count += n; /* b, out[n], is the next edge's first point */
    return 0;
}

void border_redigitise(border_line *line, size_t from, const border_style *style,
                       seeded_rng *rng)
{
    for (size_t i = from + 1; i < line->count; i++) {
        double r = style->redigitise * sqrt(rng_unit(rng));
        double angle = 2.0 * 3.14159265358979323846 * rng_unit(rng);
        line->points[i].x += r * cos(angle);
        line->points[i].y += r * sin(angle);
    }
}

int border_line_push(border_line *line, border_point p)
{
    if (reserve(line, 1) != 0) return -1;
    line->points[line->count++] = p;
    return 0;
}

void border_line_free(border_line *line)
{
    free(line->points);
    *line = (border_line){0};
}
