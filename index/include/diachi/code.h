/*
 * diachi/code.h - the household address code and the Open Location Code
 * grid it is built on.
 *
 * A diachi code is 12 significant characters: the 5-digit national postcode
 * of the postal zone, then the last 7 characters of the point's 11-digit
 * Open Location Code ("Plus Code"), a cell of about 3 m x 3 m:
 *
 *     display form   32101 92P9+G54
 *     compact form   3210192P9G54
 *     global form    7PH592P9+G54     (the full Plus Code)
 *
 * The 4 dropped characters are recovered with OLC's nearest-recovery rule
 * against the zone's reference point, which the index stores. Recovery is
 * exact while the point lies within 0.4 degrees of the reference.
 *
 * Everything here is pure computation: no allocation, no global state, no
 * locale. Every function is safe to call from any thread at once.
 * Latitude comes before longitude in every signature.
 */
#ifndef DIACHI_CODE_H
#define DIACHI_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Open Location Code                                                      */
/* ---------------------------------------------------------------------- */

/** Most digits a code carries; longer requests give this many. */
#define DC_OLC_MAX_DIGITS 15
/** Buffer size that holds any code this module writes, NUL included. */
#define DC_OLC_SIZE 17
/** Integer latitude units per degree (the OLC reference's multiplier). */
#define DC_OLC_LAT_UNITS 25000000LL
/** Integer longitude units per degree. */
#define DC_OLC_LON_UNITS 8192000LL

/** A decoded code: the cell's edges and centre, in degrees. */
typedef struct dc_olc_area {
    double south, west, north, east;
    double lat, lon; /**< the centre */
    int length;      /**< significant digits in the code (2..15) */
} dc_olc_area;

/**
 * Convert degrees to OLC integers, as the OLC reference libraries do:
 * `floor(lat * 2.5e7) + 90 * 2.5e7` clipped to [0, 4499999999] and
 * `floor(lon * 8.192e6) + 180 * 8.192e6` reduced modulo 2949120000.
 * Double rounding can make a result one less than exact decimal arithmetic.
 *
 * @param[in]  lat, lon  degrees; any finite value
 * @param[out] lat_int, lon_int  the integers
 * @return DC_OK, or DC_E_INVALID_ARG for NaN or infinity (outputs untouched)
 */
dc_err dc_olc_to_int(double lat, double lon, int64_t *lat_int, int64_t *lon_int);

/**
 * Encode OLC integers (as from dc_olc_to_int) into a code of @p length
 * digits. Lengths over 15 give 15 digits; lengths under 8 are padded
 * with '0' up to the separator ("7FG49Q00+").
 *
 * @param[in]  lat_int  0..4499999999 (values outside are clipped)
 * @param[in]  lon_int  any value (reduced modulo 2949120000)
 * @param[in]  length   2, 4, 6, 8, or 10 and over
 * @param[out] out      NUL-terminated code; @p size must be >= DC_OLC_SIZE
 *                      or at least the code's length plus one
 * @return DC_OK, DC_E_OLC_LENGTH for a length that is not encodable,
 *         DC_E_BUFFER, DC_E_INVALID_ARG for a NULL @p out
 */
dc_err dc_olc_encode_int(int64_t lat_int, int64_t lon_int, int length, char *out,
                         size_t size);

/**
 * Encode a point in degrees: dc_olc_to_int then dc_olc_encode_int.
 * @return as dc_olc_encode_int, and DC_E_INVALID_ARG for NaN or infinity
 */
dc_err dc_olc_encode(double lat, double lon, int length, char *out, size_t size);

/**
 * Decode a full code (any case, padded or not) to its cell. Digits past the
 * 15th are ignored.
 * @param[in]  code  NUL-terminated
 * @param[out] area  written on success only
 * @return DC_OK, DC_E_OLC_NOT_FULL for a valid short code,
 *         DC_E_OLC_INVALID for anything else, DC_E_INVALID_ARG for NULL
 */
dc_err dc_olc_decode(const char *code, dc_olc_area *area);

/** True when @p code (NUL-terminated, any case) is a valid code, full or
 *  short. NULL is false. */
bool dc_olc_is_valid(const char *code);
/** True when @p code (NUL-terminated, any case) is a valid short code
 *  (separator before position 8). NULL is false. */
bool dc_olc_is_short(const char *code);
/** True when @p code (NUL-terminated, any case) is a valid full code that
 *  lies on the globe. NULL is false. */
bool dc_olc_is_full(const char *code);

/**
 * Shorten a full code relative to a reference point, dropping as many
 * leading digits (4, 6 or 8) as OLC's 0.3-resolution rule allows.
 * The result is upper case. The code is returned whole when no digits can
 * be dropped.
 * @return DC_OK, DC_E_OLC_NOT_FULL, DC_E_OLC_PADDED, DC_E_BUFFER,
 *         DC_E_INVALID_ARG (NULL, or a NaN reference)
 */
dc_err dc_olc_shorten(const char *code, double ref_lat, double ref_lon, char *out,
                      size_t size);

/**
 * Recover the full code nearest to a reference point from a short code.
 * A full code is returned as is, upper-cased.
 * @return DC_OK, DC_E_OLC_INVALID, DC_E_BUFFER,
 *         DC_E_INVALID_ARG (NULL, or a NaN reference)
 */
dc_err dc_olc_recover(const char *short_code, double ref_lat, double ref_lon, char *out,
                      size_t size);

/* ---------------------------------------------------------------------- */
/* The diachi address code                                                 */
/* ---------------------------------------------------------------------- */

/** Significant characters in a code: 5 postcode digits + 7 location. */
#define DC_CODE_CHARS 12
#define DC_CODE_POSTCODE_DIGITS 5
#define DC_CODE_LOCATION_CHARS 7
/** The OLC length of a code's cell: 10 pair digits + 1 grid digit. */
#define DC_CODE_OLC_DIGITS 11
/** Buffer size for the display form "32101 92P9+G54", NUL included. */
#define DC_CODE_DISPLAY_SIZE 15
/** Buffer size for the compact form "3210192P9G54", NUL included. */
#define DC_CODE_COMPACT_SIZE 13
/** Buffer size for the global Plus Code "7PH592P9+G54", NUL included. */
#define DC_CODE_PLUS_SIZE 13

/**
 * A parsed code. Compare with dc_code_equal (or memcmp: parse and make fill
 * every byte, padding included).
 */
typedef struct dc_code {
    uint32_t postcode;                         /**< 0..99999 */
    char location[DC_CODE_LOCATION_CHARS + 1]; /**< upper case, no '+', NUL */
} dc_code;

typedef enum dc_code_form {
    DC_CODE_DISPLAY = 0, /**< "32101 92P9+G54" */
    DC_CODE_COMPACT = 1  /**< "3210192P9G54" */
} dc_code_form;

/**
 * Parse a code leniently, as people type and paste it: any case; space,
 * tab, CR, LF, '-', '.' and '+' are ignored, and so are the no-break,
 * figure, narrow and ideographic spaces, the soft hyphen, zero-width space
 * and BOM, the dashes U+2010..U+2014 and the minus sign U+2212;
 * full-width digits, letters and '+', '-', '.' (U+FF10..FF19, U+FF21..FF3A,
 * U+FF41..FF5A, U+FF0B, U+FF0D, U+FF0E) read as their ASCII forms
 * (docs/FORMAT.md has the table). Exactly 12 significant characters must
 * remain, 5 digits then 7 characters of the OLC alphabet
 * (23456789CFGHJMPQRVWX).
 *
 * Cyrillic and Greek letters that look like Latin ones ('С', 'Р', 'Χ') are
 * not folded silently: the parse fails with DC_E_CODE_LOOKALIKE, naming the
 * first one and, when the input reads as a code with them taken as Latin,
 * that code: "character 14 'С' (Cyrillic) looks like 'C': did you mean
 * 32101 92P9+F5C?". A fault before the first look-alike is reported as
 * itself.
 *
 * @param[in]  text  the input; need not be NUL-terminated, may hold any byte
 * @param[in]  len   its length in bytes
 * @param[out] code  written on success only
 * @param[out] err   NULL, or filled on failure with a message naming the
 *                   character position (1-based, in characters of @p text):
 *                   "character 8 'I' is not in the code alphabet"
 * @return DC_OK, DC_E_CODE_EMPTY, DC_E_CODE_LENGTH, DC_E_CODE_POSTCODE,
 *         DC_E_CODE_CHAR, DC_E_CODE_LOOKALIKE, DC_E_INVALID_ARG (NULL
 *         @p code, or NULL @p text with a non-zero @p len)
 */
dc_err dc_code_parse(const char *text, size_t len, dc_code *code, dc_error *err);

/**
 * The significant characters of @p text as dc_code_parse reads them:
 * separators dropped, full-width forms and look-alike letters taken as the
 * ASCII they stand for, upper-cased; any other character is written as '?'.
 * For a caller that works on what was meant (suggestions for a typo).
 * @param[out] out  at most @p cap characters, not NUL-terminated (NULL:
 *                  only count)
 * @return how many significant characters @p text has (may exceed @p cap).
 *         Pure; thread-safe.
 */
size_t dc_code_significant(const char *text, size_t len, char *out, size_t cap);

/**
 * Parse a postcode as leniently as dc_code_parse reads a code ("32 101",
 * "３２１０１"): exactly 5 digits must remain.
 * @param[out] postcode  0..99999, written on success only
 * @param[out] err       NULL, or the detail on failure ("expected 5 digits,
 *                       got 4", "character 3 'A' is not a digit: a postcode
 *                       is 5 digits")
 * @return DC_OK, DC_E_CODE_EMPTY, DC_E_CODE_LENGTH, DC_E_CODE_POSTCODE,
 *         DC_E_CODE_LOOKALIKE, DC_E_INVALID_ARG (NULL @p postcode, or NULL
 *         @p text with a non-zero @p len). Thread-safe.
 */
dc_err dc_postcode_parse(const char *text, size_t len, uint32_t *postcode, dc_error *err);

/**
 * Write @p code in display or compact form.
 * @return DC_OK, DC_E_BUFFER (size below DC_CODE_DISPLAY_SIZE or
 *         DC_CODE_COMPACT_SIZE), DC_E_INVALID_ARG (NULL, a postcode over
 *         99999, an unknown form)
 */
dc_err dc_code_format(const dc_code *code, dc_code_form form, char *out, size_t size);

/**
 * Make the code of a point in a zone: @p postcode, then the last 7
 * characters of the point's 11-digit OLC code. Whether the point recovers
 * from its zone's reference point is the caller's check
 * (dc_code_in_recovery_range).
 * @return DC_OK, DC_E_INVALID_ARG (NULL, NaN, postcode over 99999,
 *         latitude outside -90..90)
 */
dc_err dc_code_make(uint32_t postcode, double lat, double lon, dc_code *code);

/**
 * As dc_code_make, from OLC integers (dc_olc_to_int). The importer's path.
 * @param[in]  lat_int  0..4499999999
 * @param[in]  lon_int  0..2949119999 (dc_olc_to_int reduces any longitude
 *                      into this range)
 * @param[out] code     written on success only
 * @return DC_OK, DC_E_INVALID_ARG (NULL @p code, a postcode over 99999, an
 *         integer outside its range)
 */
dc_err dc_code_make_int(uint32_t postcode, int64_t lat_int, int64_t lon_int,
                        dc_code *code);

/**
 * As dc_code_make, from WGS 84 degrees times 1e7 as stored in the index.
 * The conversion to OLC integers is exact integer arithmetic
 * (lat_e7 * 2.5 and lon_e7 * 0.8192, floored), so the code of a stored
 * position is the same on every machine.
 * @return DC_OK, DC_E_INVALID_ARG (NULL, postcode over 99999, latitude
 *         outside -90..90 or longitude outside -180..180 degrees)
 */
dc_err dc_code_make_e7(uint32_t postcode, int32_t lat_e7, int32_t lon_e7, dc_code *code);

/**
 * OLC integers of a position in e7, exactly (see dc_code_make_e7): a
 * latitude of 90 degrees gives the last row (4499999999), a longitude of
 * 180 the same as -180.
 * @param[in]  lat_e7, lon_e7    -900000000..900000000, -1800000000..1800000000
 * @param[out] lat_int, lon_int  written when true only; not NULL
 * @return false (outputs untouched) when the position is outside
 *         -90..90, -180..180 degrees
 */
bool dc_olc_int_of_e7(int32_t lat_e7, int32_t lon_e7, int64_t *lat_int, int64_t *lon_int);

/**
 * The position in e7 that stands for a point of WGS 84 degrees: its value
 * rounded to the nearest 1e-7 degree, moved by at most 1e-7 degree (about
 * 1 cm) so that it lies strictly inside the point's own 11-digit OLC cell
 * as dc_olc_to_int (the reference libraries' rule) places the point, never
 * on the cell's edge. So dc_code_make_e7 of the result is the code of the
 * point itself, not of a rounded copy that crossed a cell edge, and any OLC
 * library given the result as 7-decimal text finds the same cell. The
 * importer stores households this way and a reverse lookup takes its point
 * this way, so a door and a query at the door agree on code and zone.
 * Thread-safe.
 * @return false (outputs untouched) when a value is not finite or the
 *         latitude is outside -90..90; a longitude is normalised as OLC does
 */
bool dc_code_e7_of_point(double lat, double lon, int32_t *lat_e7, int32_t *lon_e7);

/**
 * True when a point recovers exactly from a reference point: it lies within
 * 0.4 degrees of it in latitude and longitude (the OLC safety margin), in
 * degrees as given (no normalisation across the antimeridian). False when
 * any value is NaN.
 */
bool dc_code_in_recovery_range(double lat, double lon, double ref_lat, double ref_lon);

/**
 * Resolve a code to its ~3 m cell, given the reference point of the zone
 * its postcode names.
 * @param[out] cell  written on success only; cell->length is 11
 * @return DC_OK, DC_E_INVALID_ARG (NULL, NaN reference, a location that is
 *         not 7 alphabet characters)
 */
dc_err dc_code_resolve(const dc_code *code, double ref_lat, double ref_lon,
                       dc_olc_area *cell);

/**
 * The global form of a code: the full Plus Code recovered against the
 * zone's reference point ("7PH592P9+G54"), which any map that knows Plus
 * Codes opens. @p size must be at least DC_CODE_PLUS_SIZE.
 * @return as dc_code_resolve, and DC_E_BUFFER
 */
dc_err dc_code_plus_code(const dc_code *code, double ref_lat, double ref_lon, char *out,
                         size_t size);

/** True when two codes are the same code. Either may be NULL (never equal). */
bool dc_code_equal(const dc_code *a, const dc_code *b);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_CODE_H */
