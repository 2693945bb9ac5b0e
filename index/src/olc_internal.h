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

/** Write @p length digits of a point (OLC integers) as characters into
 *  @p out (no separator, no NUL). length 1..15. */
void dc_olc_digits_of_int(int64_t lat_int, int64_t lon_int, int length, char *out);

#endif /* DC_OLC_INTERNAL_H */
