/*
 * reproject.h - our own transformation to WGS 84 longitude/latitude for the
 * CRSs Vietnamese maps use: VN-2000 / TM-3 (an inverse transverse Mercator
 * on the WGS 84 ellipsoid, then VN-2000's 7-parameter Helmert shift to WGS
 * 84) and WGS 84 itself. PROJ spends about 575 ns on a vertex of a TM-3
 * map through its pipeline; this takes a tenth of that for the same
 * answer within a few nanometres of the formulas (tests/importer/
 * test_reproject.c holds it to PROJ's cs2cs within 1 mm, over Vietnam).
 *
 * Pure arithmetic: no GDAL, no PROJ, no allocation. A dc_reproject is
 * immutable once made and may be shared by any number of threads.
 */
#ifndef DC_IMPORT_REPROJECT_H
#define DC_IMPORT_REPROJECT_H

#include <math.h>
#include <stdbool.h>

/** A transformation to WGS 84; fill with one of the dc_reproject_init_*. */
typedef struct dc_reproject {
    bool identity; /**< the source is WGS 84 longitude/latitude */
    /* the transverse Mercator: radians and metres */
    double lon0, sin_lon0, cos_lon0, k0, false_easting, false_northing;
    double radius;            /**< k0 times the rectifying radius A */
    double beta[6], delta[6]; /**< Krüger's series to n^6, inverse */
    /* the ellipsoid (WGS 84 for both datums) */
    double a, e2, ep2, b;
    /* Helmert, position vector: tx, ty, tz in metres, rx, ry, rz in
     * radians, 1 + ppm * 1e-6; none when `shift` is false */
    bool shift;
    double helmert[7];
    /* a second Helmert for the source points in a box, and the band of
     * width `margin` around its edges left to PROJ */
    bool local;
    double local_helmert[7];
    double local_min_x, local_min_y, local_max_x, local_max_y, local_margin;
} dc_reproject;

/** Longitude/latitude in degrees to themselves. */
void dc_reproject_init_identity(dc_reproject *r);

/**
 * Transverse Mercator on the WGS 84 ellipsoid, latitude of origin 0, with
 * central meridian @p lon0_deg, scale @p k0 and false easting/northing in
 * metres, then the 7-parameter Helmert @p towgs84 in the convention of
 * WKT1's TOWGS84 and PROJ's +towgs84 (position vector: dx, dy, dz in
 * metres, rx, ry, rz in arc-seconds, ds in parts per million); NULL: none.
 */
void dc_reproject_init_tm(dc_reproject *r, double lon0_deg, double k0,
                          double false_easting, double false_northing,
                          const double towgs84[7]);

/**
 * Use the Helmert @p towgs84 (as for dc_reproject_init_tm) instead for the
 * source points inside the box from @p min_x, @p min_y to @p max_x,
 * @p max_y; points within @p margin of its edges are outside the domain.
 * This is PROJ's choice between two transformations of a datum, the one
 * of the smaller area of use where its box holds the point (VN-2000 to
 * WGS 84 (1), EPSG:5194, in the Mekong delta; (2), EPSG:6960, elsewhere).
 */
void dc_reproject_set_local(dc_reproject *r, const double towgs84[7], double min_x,
                            double min_y, double max_x, double max_y, double margin);

/**
 * Transform one point: @p x, @p y (easting and northing in metres, or
 * longitude and latitude in degrees for the identity) to @p lon, @p lat
 * in degrees on WGS 84.
 * @return false, leaving the outputs alone, when the point is outside the
 *         domain where the series is held exact (more than 1,000 km from
 *         the central meridian, beyond 84 degrees of latitude, or not
 *         finite), at the edge of the local Helmert's box, or where the
 *         answer is within 1e-11 degree of a multiple of 0.5e-7 degree
 *         (rounding to 1e-7 degree, or an Open Location Code cell's edge,
 *         could go the other way than PROJ's answer): such points are left
 *         to PROJ, which keeps the index PROJ's, byte for byte.
 */
bool dc_reproject_point(const dc_reproject *r, double x, double y, double *lon,
                        double *lat);

/**
 * Whether @p a and @p b are the same transformation (made with the same
 * parameters), as far as every point's answer goes.
 */
bool dc_reproject_same(const dc_reproject *a, const dc_reproject *b);

/**
 * The series alone, for a point dc_reproject_box_inside accepts: @p x,
 * @p y to @p lon, @p lat in degrees, with no check of the domain or of
 * rounding ties (dc_reproject_point is this with both). For the array
 * call (reproject_tiles.h), which samples it to fit its interpolants.
 */
void dc_reproject_series(const dc_reproject *r, double x, double y, double *lon,
                         double *lat);

/* Whether @p deg lies within DC_REPROJECT_TIE_MARGIN degree of a multiple
 * of half a 1e-7 degree: where rounding to 1e-7 degree (and the edges of
 * Open Location Code cells, at multiples of 1/8000 / 4 and / 5 degree) may
 * go either way. The arithmetic is within about 1e-13 degree of PROJ's,
 * so leaving such points to PROJ keeps every rounded coordinate PROJ's.
 * Inline, for every answer is tested: u is rounded to the nearest whole
 * number (ties to even, as nearbyint) by adding and taking away 1.5 * 2^52,
 * exact while |u| < 2^51, i.e. for any |deg| below 1e8 (a build with
 * -ffast-math or -fassociative-math would fold it away: none is). */
#define DC_REPROJECT_TIE_MARGIN 1e-11

static inline bool dc_reproject_near_tie(double deg)
{
    double u = deg * 2e7;
    double whole = (u + 0x1.8p52) - 0x1.8p52;
    return fabs(u - whole) < DC_REPROJECT_TIE_MARGIN * 2e7;
}

/**
 * Whether every point of the box is in the domain of dc_reproject_point
 * and on one side of the local Helmert's box edges (the rounding margin
 * is not known before the answer).
 */
bool dc_reproject_box_inside(const dc_reproject *r, double min_x, double min_y,
                             double max_x, double max_y);

#endif
