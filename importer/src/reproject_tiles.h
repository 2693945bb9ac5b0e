/*
 * reproject_tiles.h - many points at once through reproject.h's series,
 * most of them by a polynomial fitted to it on a tile of the source plane.
 *
 * The series costs about 190 ns a point (three libm calls, two atan2 and
 * a few square roots). The transformation is smooth: on a square of
 * TILE_SIZE metres a polynomial of low degree fitted to a few exact
 * evaluations of the series stays within a few 1e-15 degree of it
 * (tests/importer/test_reproject.c holds it under 1e-13 degree over every
 * TM-3 zone's whole domain), and a ring's vertices come in order, close
 * together, so one fit serves hundreds of vertices at a few nanoseconds
 * each. The answers are then held to the same rule as dc_reproject_point's:
 * one within 1e-11 degree of a rounding tie is left to PROJ.
 *
 * The fits are kept in a dc_reproject_tiles, a small table of tiles (two
 * ways a set). A fit depends on its tile alone, so whether it was kept
 * from an earlier call or made now never changes an answer, only its
 * cost. "Steady" points (a geometry's vertices) are each answered by
 * their tile's fit whenever the tile can be fitted: an answer is a
 * function of its point alone, and a repeated vertex (a ring's closing
 * point, a border two parts share) comes out the same to the last bit.
 * Other points (households, in batches) are answered by a fit only where
 * at least 25 of the call's points fall in the tile, by the series
 * otherwise: points scattered far apart then cost the series and little
 * more, and an answer is a function of the point and of the call's
 * points, never of the calls before (several readers give what one
 * gives).
 */
#ifndef DC_IMPORT_REPROJECT_TILES_H
#define DC_IMPORT_REPROJECT_TILES_H

#include <stdbool.h>
#include <stddef.h>

#include "reproject.h"

/** The tiles fitted so far, for any transformations; one thread's. */
typedef struct dc_reproject_tiles dc_reproject_tiles;

/** An empty table, or NULL when out of memory. */
dc_reproject_tiles *dc_reproject_tiles_new(void);

/** Free @p tiles; NULL is a no-op. */
void dc_reproject_tiles_free(dc_reproject_tiles *tiles);

/**
 * Transform @p n points in place, as dc_reproject_point each: @p x, @p y
 * (eastings and northings in metres, or longitude and latitude) to
 * longitude and latitude in degrees on WGS 84, @p ok[i] 1 where point i
 * was done and 0, leaving it alone, where dc_reproject_point would leave
 * it to PROJ (outside the domain, at the edge of the local Helmert's box,
 * or within 1e-11 degree of a rounding tie).
 * @p tiles (NULL: none, every point by the series) holds the fits made
 * and is updated; it may be used by one thread at a time only, for any
 * number of transformations. @p steady: each answer a function of its
 * point alone (for the vertices of geometries); false: of its point and
 * of how many of the @p n points fall in its tile, so that points
 * scattered far apart cost little more than the series. The two kinds
 * differ by less than 1e-13 degree, never in their rounding to 1e-7
 * degree. When out of memory to count the points, those not steady are
 * all answered by the series.
 * @return how many points were left (the zeros of @p ok).
 */
size_t dc_reproject_points(const dc_reproject *r, dc_reproject_tiles *tiles, bool steady,
                           size_t n, double *x, double *y, int *ok);

/** How many tiles @p tiles has fitted since it was made: for the tests and
 *  the benchmark. */
size_t dc_reproject_tiles_fits(const dc_reproject_tiles *tiles);

#endif
