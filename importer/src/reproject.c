/*
 * reproject.c - VN-2000 / TM-3 to WGS 84 without PROJ (reproject.h).
 *
 * Three steps, each the textbook form:
 *  1. the inverse transverse Mercator by Krüger's series in the third
 *     flattening n, carried to n^6 (L. Krüger 1912; the coefficients as
 *     C. F. F. Karney gives them, "Transverse Mercator with an accuracy of
 *     a few nanometers", J. Geodesy 85, 2011, eqs. 11, 15 and 36): plane
 *     coordinates to the conformal sphere, then conformal latitude to
 *     geodetic latitude;
 *  2. geodetic (height 0) to geocentric, the 7-parameter Helmert in the
 *     position vector convention (EPSG method 9606: X' = T + (1 + s) R X
 *     with R = [1 -rz ry; rz 1 -rx; -ry rx 1], small angles), as PROJ does
 *     for +towgs84;
 *  3. geocentric to geodetic on WGS 84 by Bowring's formula, as PROJ's
 *     cart does; the height it finds is dropped (PROJ keeps the input's).
 * Series at n^6 are exact to a few nanometres within 4,000 km of the
 * central meridian; the domain kept here is 1,000 km.
 */
#include <math.h>
#include <stddef.h>

#include "reproject.h"

#define WGS84_A 6378137.0
#define WGS84_INVF 298.257223563
#define PI 3.14159265358979323846
#define ARCSEC (PI / 648000.0)
#define DEG (PI / 180.0)

/* Beyond these (metres from the false origin, degrees for the identity)
 * points go to PROJ. */
#define TM_MAX_EASTING 1.0e6
#define TM_MAX_NORTHING 9.3e6

static void ellipsoid(dc_reproject *r)
{
    double f = 1.0 / WGS84_INVF;
    r->a = WGS84_A;
    r->e2 = f * (2.0 - f);
    r->ep2 = r->e2 / (1.0 - r->e2);
    r->b = WGS84_A * (1.0 - f);
}

void dc_reproject_init_identity(dc_reproject *r)
{
    *r = (dc_reproject){.identity = true, .k0 = 1.0};
    ellipsoid(r);
}

/* Karney (2011) eq. 36: plane to conformal sphere, and eq. 15 read as the
 * series from conformal latitude back to geodetic latitude; powers of n. */
static void series(dc_reproject *r, double n)
{
    double n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
    r->beta[0] = n / 2 - 2 * n2 / 3 + 37 * n3 / 96 - n4 / 360 - 81 * n5 / 512 +
                 96199 * n6 / 604800;
    r->beta[1] =
        n2 / 48 + n3 / 15 - 437 * n4 / 1440 + 46 * n5 / 105 - 1118711 * n6 / 3870720;
    r->beta[2] = 17 * n3 / 480 - 37 * n4 / 840 - 209 * n5 / 4480 + 5569 * n6 / 90720;
    r->beta[3] = 4397 * n4 / 161280 - 11 * n5 / 504 - 830251 * n6 / 7257600;
    r->beta[4] = 4583 * n5 / 161280 - 108847 * n6 / 3991680;
    r->beta[5] = 20648693 * n6 / 638668800;
    r->delta[0] =
        2 * n - 2 * n2 / 3 - 2 * n3 + 116 * n4 / 45 + 26 * n5 / 45 - 2854 * n6 / 675;
    r->delta[1] =
        7 * n2 / 3 - 8 * n3 / 5 - 227 * n4 / 45 + 2704 * n5 / 315 + 2323 * n6 / 945;
    r->delta[2] = 56 * n3 / 15 - 136 * n4 / 35 - 1262 * n5 / 105 + 73814 * n6 / 2835;
    r->delta[3] = 4279 * n4 / 630 - 332 * n5 / 35 - 399572 * n6 / 14175;
    r->delta[4] = 4174 * n5 / 315 - 144838 * n6 / 6237;
    r->delta[5] = 601676 * n6 / 22275;
}

/* TOWGS84's units to the ones the arithmetic uses. */
static void set_shift(double h[7], const double towgs84[7])
{
    for (int i = 0; i < 3; i++) {
        h[i] = towgs84[i];
        h[3 + i] = towgs84[3 + i] * ARCSEC;
    }
    h[6] = 1.0 + towgs84[6] * 1e-6;
}

void dc_reproject_init_tm(dc_reproject *r, double lon0_deg, double k0,
                          double false_easting, double false_northing,
                          const double towgs84[7])
{
    *r = (dc_reproject){.lon0 = lon0_deg * DEG,
                        .sin_lon0 = sin(lon0_deg * DEG),
                        .cos_lon0 = cos(lon0_deg * DEG),
                        .k0 = k0,
                        .false_easting = false_easting,
                        .false_northing = false_northing};
    ellipsoid(r);
    double f = 1.0 / WGS84_INVF, n = f / (2.0 - f), n2 = n * n;
    /* the rectifying radius: a meridian's length is 2 pi A */
    double A = r->a / (1.0 + n) * (1.0 + n2 / 4 + n2 * n2 / 64 + n2 * n2 * n2 / 256);
    r->radius = k0 * A;
    series(r, n);
    r->shift = towgs84 != NULL;
    if (towgs84) set_shift(r->helmert, towgs84);
}

void dc_reproject_set_local(dc_reproject *r, const double towgs84[7], double min_x,
                            double min_y, double max_x, double max_y, double margin)
{
    r->local = true;
    set_shift(r->local_helmert, towgs84);
    r->local_min_x = min_x;
    r->local_min_y = min_y;
    r->local_max_x = max_x;
    r->local_max_y = max_y;
    r->local_margin = margin;
}

bool dc_reproject_same(const dc_reproject *a, const dc_reproject *b)
{
    if (a->identity != b->identity || a->lon0 != b->lon0 || a->k0 != b->k0 ||
        a->false_easting != b->false_easting || a->false_northing != b->false_northing ||
        a->shift != b->shift || a->local != b->local)
        return false;
    for (int i = 0; i < 7; i++)
        if ((a->shift && a->helmert[i] != b->helmert[i]) ||
            (a->local && a->local_helmert[i] != b->local_helmert[i]))
            return false;
    return !a->local ||
           (a->local_min_x == b->local_min_x && a->local_min_y == b->local_min_y &&
            a->local_max_x == b->local_max_x && a->local_max_y == b->local_max_y &&
            a->local_margin == b->local_margin);
}

/* Where [lo, hi] lies against the band of width m around edge e: -1 all
 * below it, 1 all above, 0 touching it. */
static int side(double lo, double hi, double e, double m)
{
    return hi < e - m ? -1 : lo > e + m ? 1 : 0;
}

/* Whether the box from (x0, y0) to (x1, y1) is wholly inside the local
 * box (1), wholly outside it (0), or near an edge (-1). */
static int local_side(const dc_reproject *r, double x0, double y0, double x1, double y1)
{
    double m = r->local_margin;
    int w = side(x0, x1, r->local_min_x, m), e = side(x0, x1, r->local_max_x, m);
    int s = side(y0, y1, r->local_min_y, m), n = side(y0, y1, r->local_max_y, m);
    if (w < 0 || e > 0 || s < 0 || n > 0) return 0;
    if (w > 0 && e < 0 && s > 0 && n < 0) return 1;
    return -1;
}

bool dc_reproject_box_inside(const dc_reproject *r, double min_x, double min_y,
                             double max_x, double max_y)
{
    if (!(min_x <= max_x && min_y <= max_y)) return false; /* NaN too */
    if (r->identity)
        return min_x >= -180.0 && max_x <= 180.0 && min_y >= -90.0 && max_y <= 90.0;
    double e0 = min_x - r->false_easting, e1 = max_x - r->false_easting;
    double n0 = min_y - r->false_northing, n1 = max_y - r->false_northing;
    if (r->local && local_side(r, min_x, min_y, max_x, max_y) < 0) return false;
    return e0 >= -TM_MAX_EASTING && e1 <= TM_MAX_EASTING && n0 >= -TM_MAX_NORTHING &&
           n1 <= TM_MAX_NORTHING;
}

/* sin 2jt and cos 2jt for j = 1..6, from sin 2t and cos 2t by the
 * angle-addition recurrence. */
typedef struct multiples {
    double s[6], c[6];
} multiples;

static void multiples_of(double s1, double c1, multiples *m)
{
    m->s[0] = s1;
    m->c[0] = c1;
    for (int j = 1; j < 6; j++) {
        m->s[j] = m->s[j - 1] * c1 + m->c[j - 1] * s1;
        m->c[j] = m->c[j - 1] * c1 - m->s[j - 1] * s1;
    }
}

/* A point on the way: sine and cosine of the geodetic latitude and of the
 * longitude from the central meridian. */
typedef struct geodetic {
    double sin_phi, cos_phi, sin_dlam, cos_dlam;
} geodetic;

/* sin d and cos d - 1 for |d| < 0.01 by their Taylor series, exact to
 * 1e-20 there. */
static void small_angle(double d, double *sd, double *cd1)
{
    double d2 = d * d;
    *sd = d * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0 * (1.0 - d2 / 42.0)));
    *cd1 = -d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0));
}

/* exp(d) for |d| < 0.01, exact to 1e-20. */
static double small_exp(double d)
{
    return 1.0 +
           d * (1.0 +
                d / 2.0 *
                    (1.0 +
                     d / 3.0 * (1.0 + d / 4.0 * (1.0 + d / 5.0 * (1.0 + d / 6.0)))));
}

/* Step 1: plane (metres) to geodetic latitude and longitude. The libm
 * calls are the cost (PROJ's are about twenty a point), so there are
 * three: the series' corrections to xi', eta' and to the conformal
 * latitude are a few thousandths at most, and are applied to the sines,
 * cosines and exponentials of the uncorrected values by Taylor series. */
static void inverse_tm(const dc_reproject *r, double x, double y, geodetic *g)
{
    double xi1 = (y - r->false_northing) / r->radius;
    double eta1 = (x - r->false_easting) / r->radius;
    double s1 = sin(xi1), c1 = cos(xi1), e1 = exp(eta1);
    multiples m;
    multiples_of(2.0 * s1 * c1, (c1 - s1) * (c1 + s1), &m);
    double dxi = 0.0, deta = 0.0;
    double e2 = e1 * e1, e2inv = 1.0 / e2, ek = e2, ekinv = e2inv;
    for (int j = 0; j < 6; j++) {
        double ch = 0.5 * (ek + ekinv), sh = 0.5 * (ek - ekinv);
        dxi += r->beta[j] * m.s[j] * ch;
        deta += r->beta[j] * m.c[j] * sh;
        ek *= e2;
        ekinv *= e2inv;
    }
    /* xi = xi1 - dxi, eta = eta1 - deta */
    double sd, cd1;
    small_angle(dxi, &sd, &cd1);
    double sxi = s1 + (s1 * cd1 - c1 * sd), cxi = c1 + (c1 * cd1 + s1 * sd);
    double ee = e1 * small_exp(-deta);
    double sh = 0.5 * (ee - 1.0 / ee), ch = 0.5 * (ee + 1.0 / ee);
    /* the conformal latitude chi: sin chi = sin xi / cosh eta */
    double s = sxi / ch, c = sqrt((1.0 - s) * (1.0 + s));
    multiples_of(2.0 * s * c, (c - s) * (c + s), &m);
    double d = 0.0;
    for (int j = 5; j >= 0; j--)
        d += r->delta[j] * m.s[j];
    small_angle(d, &sd, &cd1);
    g->sin_phi = s + (s * cd1 + c * sd);
    g->cos_phi = c + (c * cd1 - s * sd);
    /* the longitude from the meridian: atan2(sinh eta, cos xi) */
    double h = sqrt(sh * sh + cxi * cxi);
    g->sin_dlam = sh / h;
    g->cos_dlam = cxi / h;
}

/* Steps 2 and 3: geodetic on the source datum to geodetic on WGS 84 by
 * Helmert @p h, in radians. */
static void helmert(const dc_reproject *r, const double h[7], const geodetic *g,
                    double *phi, double *lam)
{
    double sp = g->sin_phi, cp = g->cos_phi;
    double sl = g->sin_dlam * r->cos_lon0 + g->cos_dlam * r->sin_lon0;
    double cl = g->cos_dlam * r->cos_lon0 - g->sin_dlam * r->sin_lon0;
    double nu = r->a / sqrt(1.0 - r->e2 * sp * sp);
    double X = nu * cp * cl, Y = nu * cp * sl, Z = nu * (1.0 - r->e2) * sp;
    double rx = h[3], ry = h[4], rz = h[5], k = h[6];
    double X2 = h[0] + k * (X - rz * Y + ry * Z);
    double Y2 = h[1] + k * (rz * X + Y - rx * Z);
    double Z2 = h[2] + k * (-ry * X + rx * Y + Z);
    double p = sqrt(X2 * X2 + Y2 * Y2);
    /* Bowring's parametric latitude theta: tan theta = Z a / (p b) */
    double t = Z2 * r->a / (p * r->b);
    double ct = 1.0 / sqrt(1.0 + t * t), st = t * ct;
    *phi = atan2(Z2 + r->ep2 * r->b * st * st * st, p - r->e2 * r->a * ct * ct * ct);
    *lam = atan2(Y2, X2);
}

void dc_reproject_series(const dc_reproject *r, double x, double y, double *lon,
                         double *lat)
{
    if (r->identity) {
        *lon = x;
        *lat = y;
        return;
    }
    geodetic g;
    inverse_tm(r, x, y, &g);
    double phi, lam;
    if (r->local && local_side(r, x, y, x, y) == 1) {
        helmert(r, r->local_helmert, &g, &phi, &lam);
    } else if (r->shift) {
        helmert(r, r->helmert, &g, &phi, &lam);
    } else {
        phi = atan2(g.sin_phi, g.cos_phi);
        lam = r->lon0 + atan2(g.sin_dlam, g.cos_dlam);
    }
    *lon = lam / DEG;
    *lat = phi / DEG;
}

bool dc_reproject_point(const dc_reproject *r, double x, double y, double *lon,
                        double *lat)
{
    if (!dc_reproject_box_inside(r, x, y, x, y)) return false;
    if (r->identity) {
        *lon = x;
        *lat = y;
        return true;
    }
    double lon_deg, lat_deg;
    dc_reproject_series(r, x, y, &lon_deg, &lat_deg);
    if (dc_reproject_near_tie(lon_deg) || dc_reproject_near_tie(lat_deg)) return false;
    *lon = lon_deg;
    *lat = lat_deg;
    return true;
}
