/*
 * code.c - the diachi address code: 5-digit postcode + the last 7
 * characters of an 11-digit Open Location Code.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "olc_internal.h"

/* Dropped leading digits: the short code "92P9+G54" lacks 4. */
#define DC_CODE_DROPPED (DC_CODE_OLC_DIGITS - DC_CODE_LOCATION_CHARS)
/* The OLC safety margin for nearest recovery at 1-degree resolution. */
#define DC_CODE_RECOVERY_RANGE 0.4

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 when it is
 * not one: stray continuation bytes, lead bytes C0, C1 and F5..FF,
 * overlong forms, surrogates and code points past U+10FFFF all give 0, so
 * a message never quotes bytes that are not valid UTF-8. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    size_t n = s[0] < 0x80   ? 1
               : s[0] < 0xC2 ? 0
               : s[0] < 0xE0 ? 2
               : s[0] < 0xF0 ? 3
               : s[0] < 0xF5 ? 4
                             : 0;
    if (n == 0 || n > avail) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    /* The second byte's range rules out overlongs, surrogates, > U+10FFFF. */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return n;
}

/* Quote the character at s for a message: 'I', 'đ', U+0009 or byte 0xFF. */
static void quote_char(const unsigned char *s, size_t seq, char *out, size_t size)
{
    if (seq == 0)
        snprintf(out, size, "(byte 0x%02X, not UTF-8)", s[0]);
    else if (seq == 1 && (s[0] < 0x20 || s[0] == 0x7F))
        snprintf(out, size, "U+%04X", s[0]);
    else
        snprintf(out, size, "'%.*s'", (int)seq, (const char *)s);
}

static int is_ignored(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '+';
}

static dc_err bad_char(dc_error *err, dc_err code, const unsigned char *s, size_t avail,
                       size_t position)
{
    char q[32];
    quote_char(s, utf8_seq_len(s, avail), q, sizeof q);
    if (code == DC_E_CODE_POSTCODE)
        dc_error_set(
            err, code,
            "character %zu %s is not a digit: a code starts with a 5-digit postcode",
            position, q);
    else
        dc_error_set(err, code, "character %zu %s is not in the code alphabet", position,
                     q);
    return code;
}

dc_err dc_code_parse(const char *text, size_t len, dc_code *code, dc_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    char sig[DC_CODE_CHARS];
    size_t nsig = 0, position = 0;

    if (!code || (!text && len > 0)) {
        dc_error_set(err, DC_E_INVALID_ARG, "no code given");
        return DC_E_INVALID_ARG;
    }
    for (size_t i = 0; i < len; position++) {
        unsigned char c = s[i];
        if (is_ignored(c)) {
            i++;
            continue;
        }
        if (nsig < DC_CODE_POSTCODE_DIGITS && (c < '0' || c > '9'))
            return bad_char(err, DC_E_CODE_POSTCODE, s + i, len - i, position + 1);
        if (nsig >= DC_CODE_POSTCODE_DIGITS && nsig < DC_CODE_CHARS &&
            dc_olc_value((char)c) < 0)
            return bad_char(err, DC_E_CODE_CHAR, s + i, len - i, position + 1);
        if (nsig < DC_CODE_CHARS) sig[nsig] = (char)(c >= 'a' ? c - 'a' + 'A' : c);
        nsig++;
        size_t seq = utf8_seq_len(s + i, len - i);
        i += seq ? seq : 1;
    }
    if (nsig == 0) {
        dc_error_set(err, DC_E_CODE_EMPTY, "the code is empty");
        return DC_E_CODE_EMPTY;
    }
    if (nsig != DC_CODE_CHARS) {
        dc_error_set(err, DC_E_CODE_LENGTH, "expected %d significant characters, got %zu",
                     DC_CODE_CHARS, nsig);
        return DC_E_CODE_LENGTH;
    }
    uint32_t postcode = 0;
    for (int i = 0; i < DC_CODE_POSTCODE_DIGITS; i++)
        postcode = postcode * 10 + (uint32_t)(sig[i] - '0');
    code->postcode = postcode;
    memcpy(code->location, sig + DC_CODE_POSTCODE_DIGITS, DC_CODE_LOCATION_CHARS);
    code->location[DC_CODE_LOCATION_CHARS] = '\0';
    return DC_OK;
}

static void write_postcode(uint32_t postcode, char *out)
{
    for (int i = DC_CODE_POSTCODE_DIGITS - 1; i >= 0; i--) {
        out[i] = (char)('0' + postcode % 10);
        postcode /= 10;
    }
}

dc_err dc_code_format(const dc_code *code, dc_code_form form, char *out, size_t size)
{
    if (!code || !out || code->postcode > 99999) return DC_E_INVALID_ARG;
    if (form != DC_CODE_DISPLAY && form != DC_CODE_COMPACT) return DC_E_INVALID_ARG;
    size_t need = form == DC_CODE_DISPLAY ? DC_CODE_DISPLAY_SIZE : DC_CODE_COMPACT_SIZE;
    if (size < need) return DC_E_BUFFER;

    const char *loc = code->location;
    write_postcode(code->postcode, out);
    if (form == DC_CODE_COMPACT) {
        memcpy(out + 5, loc, DC_CODE_LOCATION_CHARS);
    } else {
        out[5] = ' ';
        memcpy(out + 6, loc, 4);
        out[10] = '+';
        memcpy(out + 11, loc + 4, 3);
    }
    out[need - 1] = '\0';
    return DC_OK;
}

dc_err dc_code_make_int(uint32_t postcode, int64_t lat_int, int64_t lon_int,
                        dc_code *code)
{
    if (!code || postcode > 99999 || lat_int < 0 || lat_int >= DC_OLC_LAT_MAX_INT ||
        lon_int < 0 || lon_int >= DC_OLC_LON_MAX_INT)
        return DC_E_INVALID_ARG;
    char digits[DC_OLC_MAX_DIGITS];
    dc_olc_chars_of_int(lat_int, lon_int, digits);
    memset(code, 0, sizeof *code);
    code->postcode = postcode;
    memcpy(code->location, digits + DC_CODE_DROPPED, DC_CODE_LOCATION_CHARS);
    return DC_OK;
}

dc_err dc_code_make(uint32_t postcode, double lat, double lon, dc_code *code)
{
    int64_t la, lo;
    if (!(lat >= -90.0 && lat <= 90.0) || !isfinite(lon)) return DC_E_INVALID_ARG;
    dc_olc_to_int_unchecked(lat, lon, &la, &lo);
    return dc_code_make_int(postcode, la, lo, code);
}

bool dc_olc_int_of_e7(int32_t lat_e7, int32_t lon_e7, int64_t *lat_int, int64_t *lon_int)
{
    if (lat_e7 < -900000000 || lat_e7 > 900000000 || lon_e7 < -1800000000 ||
        lon_e7 > 1800000000)
        return false;
    /* 2.5e7 / 1e7 = 5/2 and 8.192e6 / 1e7 = 512/625: floor division of the
     * shifted (non-negative) value is exact. */
    int64_t la = ((int64_t)lat_e7 + 900000000) * 5 / 2;
    int64_t lo = ((int64_t)lon_e7 + 1800000000) * 512 / 625;
    if (la >= DC_OLC_LAT_MAX_INT) la = DC_OLC_LAT_MAX_INT - 1;
    if (lo >= DC_OLC_LON_MAX_INT) lo -= DC_OLC_LON_MAX_INT;
    *lat_int = la;
    *lon_int = lo;
    return true;
}

/* Clamp v into [lo, hi]. */
static int64_t clamp_i64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

bool dc_code_e7_of_point(double lat, double lon, int32_t *lat_e7, int32_t *lon_e7)
{
    int64_t la, lo;
    if (!lat_e7 || !lon_e7 || !isfinite(lat) || !isfinite(lon) || !(fabs(lat) <= 90.0))
        return false;
    dc_olc_normalise(&lat, &lon);
    dc_olc_to_int_unchecked(lat, lon, &la, &lo);
    /* The 11-digit cell is 625 latitude units (250 e7) by 256 longitude
     * units (312.5 e7). In e7 counted from the south pole and the
     * antimeridian, row r spans [250 r, 250 r + 250) and column c spans
     * [312.5 c, 312.5 c + 312.5): the integers strictly inside are
     * 250 r + 1 .. 250 r + 249 and floor(625 c / 2) + 1 .. ceil(625 (c + 1) / 2) - 1. */
    int64_t row = la / 625, col = lo / 256;
    int64_t lat_u = llround(lat * 1e7) + 900000000;
    int64_t lon_u = llround(lon * 1e7) + 1800000000;
    lat_u = clamp_i64(lat_u, row * 250 + 1, row * 250 + 249);
    lon_u = clamp_i64(lon_u, col * 625 / 2 + 1, ((col + 1) * 625 + 1) / 2 - 1);
    *lat_e7 = (int32_t)(lat_u - 900000000);
    *lon_e7 = (int32_t)(lon_u - 1800000000);
    return true;
}

dc_err dc_code_make_e7(uint32_t postcode, int32_t lat_e7, int32_t lon_e7, dc_code *code)
{
    int64_t la, lo;
    if (!dc_olc_int_of_e7(lat_e7, lon_e7, &la, &lo)) return DC_E_INVALID_ARG;
    return dc_code_make_int(postcode, la, lo, code);
}

bool dc_code_in_recovery_range(double lat, double lon, double ref_lat, double ref_lon)
{
    return fabs(lat - ref_lat) <= DC_CODE_RECOVERY_RANGE &&
           fabs(lon - ref_lon) <= DC_CODE_RECOVERY_RANGE;
}

/* The integer cell of a code recovered against a reference point. */
static dc_err resolve_cell(const dc_code *code, double ref_lat, double ref_lon,
                           dc_olc_cell *cell)
{
    int8_t vals[DC_CODE_LOCATION_CHARS];
    if (!code || isnan(ref_lat) || isnan(ref_lon)) return DC_E_INVALID_ARG;
    for (int i = 0; i < DC_CODE_LOCATION_CHARS; i++) {
        vals[i] = dc_olc_value(code->location[i]);
        if (vals[i] < 0) return DC_E_INVALID_ARG;
    }
    dc_olc_normalise(&ref_lat, &ref_lon);
    dc_olc_recover_cell(vals, DC_CODE_LOCATION_CHARS, DC_CODE_DROPPED, ref_lat, ref_lon,
                        cell);
    return DC_OK;
}

dc_err dc_code_resolve(const dc_code *code, double ref_lat, double ref_lon,
                       dc_olc_area *cell)
{
    dc_olc_cell c;
    if (!cell) return DC_E_INVALID_ARG;
    dc_err rc = resolve_cell(code, ref_lat, ref_lon, &c);
    if (rc != DC_OK) return rc;
    dc_olc_cell_area(&c, cell);
    return DC_OK;
}

dc_err dc_code_plus_code(const dc_code *code, double ref_lat, double ref_lon, char *out,
                         size_t size)
{
    dc_olc_cell c;
    if (!out) return DC_E_INVALID_ARG;
    dc_err rc = resolve_cell(code, ref_lat, ref_lon, &c);
    if (rc != DC_OK) return rc;
    return dc_olc_encode_int(c.lat, c.lon, DC_CODE_OLC_DIGITS, out, size);
}

bool dc_code_equal(const dc_code *a, const dc_code *b)
{
    return a && b && a->postcode == b->postcode &&
           memcmp(a->location, b->location, DC_CODE_LOCATION_CHARS) == 0;
}
