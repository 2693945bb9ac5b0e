/*
 * olc_internal.h - the integer core of the Open Location Code, shared by
 * olc.c (the OLC API) and code.c (the diachi code). Not installed.
 *
 * Cells are handled as OLC integers: latitude in 1/2.5e7 degree from the
 * south pole, longitude in 1/8.192e6 degree from the antimeridian. In these
 * units every OLC cell edge is an exact integer, so no floating point is
 * needed between the input conversion and the final division.
 */
#ifndef DC_OLC_INTERNAL_H
#define DC_OLC_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include "diachi/code.h"

#define DC_OLC_ALPHABET "23456789CFGHJMPQRVWX"
#define DC_OLC_SEPARATOR_POS 8
#define DC_OLC_PAIR_DIGITS 10
#define DC_OLC_LAT_MAX_INT (180LL * DC_OLC_LAT_UNITS) /* exclusive */
#define DC_OLC_LON_MAX_INT (360LL * DC_OLC_LON_UNITS) /* exclusive */

extern const int8_t dc_olc_digit_plus1[256];

/** Value 0..19 of an alphabet character in either case, else -1. */
static inline int8_t dc_olc_value(char c)
{
    return (int8_t)(dc_olc_digit_plus1[(unsigned char)c] - 1);
}

/** A cell as integers: south-west corner and size, in OLC units. */
typedef struct dc_olc_cell {
    int64_t lat, lon;           /* south-west corner */
    int64_t lat_size, lon_size; /* edge lengths */
    int length;                 /* digits */
} dc_olc_cell;

/** Cell of @p n digit values (0..19), n in 1..15. */
void dc_olc_cell_of_digits(const int8_t *digits, int n, dc_olc_cell *cell);

/** The area in degrees of an integer cell. */
void dc_olc_cell_area(const dc_olc_cell *cell, dc_olc_area *area);

/**
 * Recover the cell of a short code whose @p n digit values follow @p pad
 * dropped digits (pad in 2, 4, 6, 8), nearest to a reference point given
 * as clipped/normalised degrees. The OLC recoverNearest rule.
 */
void dc_olc_recover_cell(const int8_t *digits, int n, int pad, double ref_lat,
                         double ref_lon, dc_olc_cell *cell);

/** Clip a latitude to [-90, 90] and bring a longitude into [-180, 180). */
void dc_olc_normalise(double *lat, double *lon);

/* floor() for |x| < 2^63 without a libm call: a cast, then one step down
 * for negative non-integers. */
static inline int64_t dc_olc_floor_int(double x)
{
    int64_t t = (int64_t)x;
    if (x >= 0.0) return t; /* truncation is floor; the usual case, predicted */
    return t - (x < (double)t);
}

/* dc_olc_to_int without argument checks; lat and lon are finite. */
static inline void dc_olc_to_int_unchecked(double lat, double lon, int64_t *lat_int,
                                           int64_t *lon_int)
{
    /* Clipping before the multiplication keeps the products inside int64;
     * it cannot change the clipped result. */
    if (lat < -91.0) lat = -91.0;
    if (lat > 91.0) lat = 91.0;
    if (lon < -1e9 || lon > 1e9) lon = fmod(lon, 360.0);

    int64_t la = dc_olc_floor_int(lat * (double)DC_OLC_LAT_UNITS) + 90 * DC_OLC_LAT_UNITS;
    if (la < 0) la = 0;
    if (la >= DC_OLC_LAT_MAX_INT) la = DC_OLC_LAT_MAX_INT - 1;
    int64_t lo =
        dc_olc_floor_int(lon * (double)DC_OLC_LON_UNITS) + 180 * DC_OLC_LON_UNITS;
    if (lo < 0 || lo >= DC_OLC_LON_MAX_INT) {
        lo %= DC_OLC_LON_MAX_INT;
        if (lo < 0) lo += DC_OLC_LON_MAX_INT;
    }
    *lat_int = la;
    *lon_int = lo;
}

/*
 * Two base-20 digits v / 20 and v % 20 (v < 400) as characters spread two
 * bytes apart: byte 0 and byte 2. Latitude and longitude digits alternate
 * in a code, so one latitude entry ORed with a longitude entry shifted by
 * a byte gives four characters of the code at once.
 */
extern const uint32_t dc_olc_spread[400];

/*
 * The first 11 digit characters of a point given as OLC integers (clipped
 * and reduced): the 10 pair digits and the first grid digit, the length of
 * a diachi code's cell. Inline, so each caller keeps only what it uses.
 */
static inline void dc_olc_chars_of_int(int64_t lat_int, int64_t lon_int, char *d)
{
    static const char a[] = DC_OLC_ALPHABET;
    uint32_t la = (uint32_t)((uint64_t)lat_int / 3125);
    uint32_t lg = (uint32_t)((uint64_t)lat_int - (uint64_t)la * 3125);
    uint32_t lo = (uint32_t)((uint64_t)lon_int >> 10), og = (uint32_t)(lon_int & 1023);
    /* Base-20 digits 0,1 | 2 | 3,4 of each: x = (q / 20, q % 20) * 400 + r. */
    uint32_t lq = la / 400, lr = la - lq * 400, lt = lq / 20;
    uint32_t oq = lo / 400, orr = lo - oq * 400, ot = oq / 20;
    uint32_t head = dc_olc_spread[lt] | dc_olc_spread[ot] << 8;
    uint32_t tail = dc_olc_spread[lr] | dc_olc_spread[orr] << 8;

    d[0] = (char)head;
    d[1] = (char)(head >> 8);
    d[2] = (char)(head >> 16);
    d[3] = (char)(head >> 24);
    d[4] = a[lq - lt * 20];
    d[5] = a[oq - ot * 20];
    d[6] = (char)tail;
    d[7] = (char)(tail >> 8);
    d[8] = (char)(tail >> 16);
    d[9] = (char)(tail >> 24);
    d[10] = a[lg / 625 * 4 + (og >> 8)];
}

/* Grid digits 12..15 (d[11..14]) of a point, for codes longer than 11. */
static inline void dc_olc_grid_tail_of_int(int64_t lat_int, int64_t lon_int, char *d)
{
    static const char a[] = DC_OLC_ALPHABET;
    uint32_t lg = (uint32_t)((uint64_t)lat_int % 3125), og = (uint32_t)(lon_int & 1023);
    d[11] = a[lg / 125 % 5 * 4 + (og >> 6 & 3)];
    d[12] = a[lg / 25 % 5 * 4 + (og >> 4 & 3)];
    d[13] = a[lg / 5 % 5 * 4 + (og >> 2 & 3)];
    d[14] = a[lg % 5 * 4 + (og & 3)];
}

#endif /* DC_OLC_INTERNAL_H */
