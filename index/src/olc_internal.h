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

/*
 * The first 11 digit characters of a point given as OLC integers (clipped
 * and reduced): the 10 pair digits and the first grid digit, the length of
 * a diachi code's cell. Each digit comes straight from the integer with a
 * constant divisor (a multiplication once compiled), so no digit waits on
 * another.
 */
static inline void dc_olc_chars_of_int(int64_t lat_int, int64_t lon_int, char *d)
{
    static const char a[] = DC_OLC_ALPHABET;
    uint32_t la = (uint32_t)((uint64_t)lat_int / 3125);
    uint32_t lg = (uint32_t)((uint64_t)lat_int - (uint64_t)la * 3125);
    uint32_t lo = (uint32_t)((uint64_t)lon_int >> 10), og = (uint32_t)(lon_int & 1023);

    d[0] = a[la / 160000];
    d[1] = a[lo / 160000];
    d[2] = a[la / 8000 % 20];
    d[3] = a[lo / 8000 % 20];
    d[4] = a[la / 400 % 20];
    d[5] = a[lo / 400 % 20];
    d[6] = a[la / 20 % 20];
    d[7] = a[lo / 20 % 20];
    d[8] = a[la % 20];
    d[9] = a[lo % 20];
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
