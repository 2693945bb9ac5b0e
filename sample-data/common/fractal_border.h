/*
 * fractal_border.h - zone borders drawn the way surveyed ones are: every
 * edge of a simple zone layout becomes a fractal line (a river, a ridge) by
 * midpoint displacement, and each zone that shares it holds its own copy,
 * digitised again with sub-metre disagreement, as two surveys of one border
 * never agree: slivers of overlap and of gap along every shared border.
 *
 * The line depends only on the edge's two end points (bit for bit) and the
 * seed, never on which zone asks or in which direction, so neighbours draw
 * the same line; the end points stay exact, so three zones still meet at
 * one point. Used by diachi-gen-sample and diachi-gen-national with
 * --borders realistic.
 *
 * Not part of diachi's public API, hence no dc_ prefix.
 */
#ifndef FRACTAL_BORDER_H
#define FRACTAL_BORDER_H

#include <stddef.h>
#include <stdint.h>

#include "seeded_rng.h"

typedef struct border_point {
    double x, y; /* metres in a planar frame */
} border_point;

/** A growable list of points. Zero-initialise; border_line_free releases. */
typedef struct border_line {
    border_point *points;
    size_t count, cap;
} border_line;

typedef struct border_style {
    uint64_t seed;     /* names the map's borders */
    double spacing;    /* metres: edges are halved until no piece is longer */
    double roughness;  /* a midpoint moves up to this fraction of its piece */
    double redigitise; /* metres: each copy's vertices move up to this far */
} border_style;

/* The generators' style: rough enough to look surveyed, calm enough that a
 * line seldom folds back on itself (border_append_edge redraws those). */
#define BORDER_ROUGHNESS 0.15
/* Two copies of a border then disagree by under a metre. */
#define BORDER_REDIGITISE_M 0.4

/* Midpoint displacement halves at most this many times: 2^16 pieces. */
#define BORDER_MAX_LEVELS 16

/**
 * Append the fractal line of the edge from @p a to @p b, @p a included and
 * @p b not, so that a ring is the edges appended one after the other.
 * Returns 0, or -1 when out of memory (the line is left as it was).
 */
int border_append_edge(border_line *line, border_point a, border_point b,
                       const border_style *style);

/**
 * One zone's copy: move the points [@p from + 1, line->count) each up to
 * style->redigitise metres in a random direction drawn from @p rng (the
 * zone's own stream). The point at @p from, the edge's start, stays put.
 */
void border_redigitise(border_line *line, size_t from, const border_style *style,
                       seeded_rng *rng);

/** Append one point. Returns 0, or -1 when out of memory. */
int border_line_push(border_line *line, border_point p);

void border_line_free(border_line *line);

#endif
