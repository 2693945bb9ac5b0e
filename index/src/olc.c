/*
 * olc.c - Open Location Code: encode, decode, validate, shorten, recover.
 *
 * Written from the OLC specification. Everything between the conversion of
 * degrees to integers and the final division back to degrees is integer
 * arithmetic on OLC units (see olc_internal.h), which is both exact and
 * several times faster than walking the digits in floating point.
 */
#include <math.h>
#include <string.h>

#include "olc_internal.h"

/* Alphabet value + 1 of every byte (0: not in the alphabet); lower case
 * maps like upper case. Stored off by one so unlisted bytes default to 0. */
const int8_t dc_olc_digit_plus1[256] = {
    ['2'] = 1,
    ['3'] = 2,
    ['4'] = 3,
    ['5'] = 4,
    ['6'] = 5,
    ['7'] = 6,
    ['8'] = 7,
    ['9'] = 8,
    ['C'] = 9, ['c'] = 9,
    ['F'] = 10, ['f'] = 10,
    ['G'] = 11, ['g'] = 11,
    ['H'] = 12, ['h'] = 12,
    ['J'] = 13, ['j'] = 13,
    ['M'] = 14, ['m'] = 14,
    ['P'] = 15, ['p'] = 15,
    ['Q'] = 16, ['q'] = 16,
    ['R'] = 17, ['r'] = 17,
    ['V'] = 18, ['v'] = 18,
    ['W'] = 19, ['w'] = 19,
    ['X'] = 20, ['x'] = 20,
};

static const char dc_olc_alphabet[] = DC_OLC_ALPHABET;

/* Place value, in OLC units, of pair digit i (0..4) and grid digit j (0..4). */
static const int64_t lat_pair_place[5] = {500000000, 25000000, 1250000, 62500, 3125};
static const int64_t lon_pair_place[5] = {163840000, 8192000, 409600, 20480, 1024};
static const int64_t lat_grid_place[5] = {625, 125, 25, 5, 1};
static const int64_t lon_grid_place[5] = {256, 64, 16, 4, 1};
/* Divisor that leaves g grid digits (0..5) in a full-precision integer. */
static const int64_t lat_grid_div[6] = {3125, 625, 125, 25, 5, 1};
static const int64_t lon_grid_div[6] = {1024, 256, 64, 16, 4, 1};
/* Recovery resolution, in degrees and units, by dropped pairs - 1. */
static const double recover_res_deg[4] = {20.0, 1.0, 0.05, 0.0025};
static const int64_t recover_res_lat[4] = {500000000, 25000000, 1250000, 62500};
static const int64_t recover_res_lon[4] = {163840000, 8192000, 409600, 20480};
/* Shortening thresholds: pair resolutions in degrees. */
static const double pair_res_deg[5] = {20.0, 1.0, 0.05, 0.0025, 0.000125};

void dc_olc_normalise(double *lat, double *lon)
{
    if (*lat < -90.0) *lat = -90.0;
    if (*lat > 90.0) *lat = 90.0;
    if (*lon < -180.0 || *lon >= 180.0) {
        *lon = fmod(*lon, 360.0);
        if (*lon < -180.0) *lon += 360.0;
        if (*lon >= 180.0) *lon -= 360.0;
    }
}

dc_err dc_olc_to_int(double lat, double lon, int64_t *lat_int, int64_t *lon_int)
{
    if (!lat_int || !lon_int || !isfinite(lat) || !isfinite(lon)) return DC_E_INVALID_ARG;
    /* Clipping before the multiplication keeps the products inside int64;
     * it cannot change the clipped result. */
    if (lat < -91.0) lat = -91.0;
    if (lat > 91.0) lat = 91.0;
    if (lon < -1e9 || lon > 1e9) lon = fmod(lon, 360.0);

    int64_t la = (int64_t)floor(lat * (double)DC_OLC_LAT_UNITS) + 90 * DC_OLC_LAT_UNITS;
    if (la < 0) la = 0;
    if (la >= DC_OLC_LAT_MAX_INT) la = DC_OLC_LAT_MAX_INT - 1;
    int64_t lo = (int64_t)floor(lon * (double)DC_OLC_LON_UNITS) + 180 * DC_OLC_LON_UNITS;
    lo %= DC_OLC_LON_MAX_INT;
    if (lo < 0) lo += DC_OLC_LON_MAX_INT;
    *lat_int = la;
    *lon_int = lo;
    return DC_OK;
}

/* Digit values of a point (integers already clipped and reduced). The grid
 * digits are peeled from the least significant end, then the pairs. */
static void digit_values_of_int(int64_t lat, int64_t lon, int length, int8_t *vals)
{
    int grid = length > DC_OLC_PAIR_DIGITS ? length - DC_OLC_PAIR_DIGITS : 0;
    int pairs = length < DC_OLC_PAIR_DIGITS ? length : DC_OLC_PAIR_DIGITS;

    lat /= lat_grid_div[grid];
    lon /= lon_grid_div[grid];
    for (int i = length - 1; i >= DC_OLC_PAIR_DIGITS; i--) {
        vals[i] = (int8_t)((lat % 5) * 4 + lon % 4);
        lat /= 5;
        lon /= 4;
    }
    /* lat, lon now count 1/8000 degree; drop the pairs not wanted. */
    for (int i = DC_OLC_PAIR_DIGITS; i > pairs; i -= 2) {
        lat /= 20;
        lon /= 20;
    }
    for (int i = pairs - 2; i >= 0; i -= 2) {
        vals[i] = (int8_t)(lat % 20);
        vals[i + 1] = (int8_t)(lon % 20);
        lat /= 20;
        lon /= 20;
    }
}

void dc_olc_digits_of_int(int64_t lat_int, int64_t lon_int, int length, char *out)
{
    int8_t vals[DC_OLC_MAX_DIGITS];
    digit_values_of_int(lat_int, lon_int, length, vals);
    for (int i = 0; i < length; i++) out[i] = dc_olc_alphabet[vals[i]];
}

void dc_olc_cell_of_digits(const int8_t *d, int n, dc_olc_cell *cell)
{
    int64_t lat = 0, lon = 0, lat_size = 0, lon_size = 0;
    int pairs = n < DC_OLC_PAIR_DIGITS ? n : DC_OLC_PAIR_DIGITS;

    for (int i = 0; i < pairs; i += 2) {
        lat_size = lat_pair_place[i / 2];
        lon_size = lon_pair_place[i / 2];
        lat += d[i] * lat_size;
        if (i + 1 < pairs) lon += d[i + 1] * lon_size;
    }
    for (int j = 0; j + DC_OLC_PAIR_DIGITS < n; j++) {
        lat_size = lat_grid_place[j];
        lon_size = lon_grid_place[j];
        lat += (d[DC_OLC_PAIR_DIGITS + j] / 4) * lat_size;
        lon += (d[DC_OLC_PAIR_DIGITS + j] % 4) * lon_size;
    }
    cell->lat = lat;
    cell->lon = lon;
    cell->lat_size = lat_size;
    cell->lon_size = lon_size;
    cell->length = n;
}

void dc_olc_cell_area(const dc_olc_cell *c, dc_olc_area *a)
{
    const double lat_u = (double)DC_OLC_LAT_UNITS, lon_u = (double)DC_OLC_LON_UNITS;
    a->south = (double)c->lat / lat_u - 90.0;
    a->west = (double)c->lon / lon_u - 180.0;
    a->north = (double)(c->lat + c->lat_size) / lat_u - 90.0;
    a->east = (double)(c->lon + c->lon_size) / lon_u - 180.0;
    a->lat = ((double)c->lat + (double)c->lat_size / 2.0) / lat_u - 90.0;
    a->lon = ((double)c->lon + (double)c->lon_size / 2.0) / lon_u - 180.0;
    if (a->lat > 90.0) a->lat = 90.0;
    if (a->lon > 180.0) a->lon = 180.0;
    a->length = c->length;
}

dc_err dc_olc_encode_int(int64_t lat_int, int64_t lon_int, int length, char *out,
                         size_t size)
{
    if (!out) return DC_E_INVALID_ARG;
    if (length < 2 || (length < DC_OLC_PAIR_DIGITS && length % 2 == 1))
        return DC_E_OLC_LENGTH;
    if (length > DC_OLC_MAX_DIGITS) length = DC_OLC_MAX_DIGITS;
    size_t need = (size_t)(length < DC_OLC_SEPARATOR_POS ? DC_OLC_SEPARATOR_POS : length) + 2;
    if (size < need) return DC_E_BUFFER;

    if (lat_int < 0) lat_int = 0;
    if (lat_int >= DC_OLC_LAT_MAX_INT) lat_int = DC_OLC_LAT_MAX_INT - 1;
    lon_int %= DC_OLC_LON_MAX_INT;
    if (lon_int < 0) lon_int += DC_OLC_LON_MAX_INT;

    char digits[DC_OLC_MAX_DIGITS];
    dc_olc_digits_of_int(lat_int, lon_int, length, digits);
    size_t head = length < DC_OLC_SEPARATOR_POS ? (size_t)length : DC_OLC_SEPARATOR_POS;
    memcpy(out, digits, head);
    memset(out + head, '0', DC_OLC_SEPARATOR_POS - head);
    out[DC_OLC_SEPARATOR_POS] = '+';
    size_t tail = (size_t)length - head;
    memcpy(out + DC_OLC_SEPARATOR_POS + 1, digits + head, tail);
    out[DC_OLC_SEPARATOR_POS + 1 + tail] = '\0';
    return DC_OK;
}

dc_err dc_olc_encode(double lat, double lon, int length, char *out, size_t size)
{
    int64_t la, lo;
    dc_err rc = dc_olc_to_int(lat, lon, &la, &lo);
    if (rc != DC_OK) return rc;
    return dc_olc_encode_int(la, lo, length, out, size);
}

/*
 * The structure rules of the OLC specification. Returns the separator's
 * position, or -1 when the code is not valid.
 */
static int olc_check(const char *code)
{
    size_t len = strlen(code);
    const char *sep = strchr(code, '+');
    if (len < 2 || !sep || strchr(sep + 1, '+')) return -1;
    size_t sep_pos = (size_t)(sep - code);
    if (sep_pos % 2 != 0 || sep_pos > DC_OLC_SEPARATOR_POS) return -1;

    if (sep_pos == DC_OLC_SEPARATOR_POS) {
        /* The first latitude digit stops at 160 degrees, longitude at 340. */
        if (dc_olc_value(code[0]) > 8) return -1;
        if (dc_olc_value(code[1]) > 17) return -1;
    }
    int padded = 0;
    for (size_t i = 0; i < sep_pos; i++) {
        char c = code[i];
        if (padded) {
            if (c != '0') return -1;
        } else if (c == '0') {
            /* Padding only in full codes, from an even position. */
            if (sep_pos < DC_OLC_SEPARATOR_POS || i % 2 != 0) return -1;
            padded = 1;
        } else if (dc_olc_value(c) < 0) {
            return -1;
        }
    }
    size_t after = len - sep_pos - 1;
    if (after > 0) {
        if (padded || after == 1) return -1;
        for (size_t i = sep_pos + 1; i < len; i++)
            if (dc_olc_value(code[i]) < 0) return -1;
    }
    return (int)sep_pos;
}

bool dc_olc_is_valid(const char *code)
{
    return code && olc_check(code) >= 0;
}

bool dc_olc_is_short(const char *code)
{
    if (!code) return false;
    int sep = olc_check(code);
    return sep >= 0 && sep < DC_OLC_SEPARATOR_POS;
}

bool dc_olc_is_full(const char *code)
{
    return code && olc_check(code) == DC_OLC_SEPARATOR_POS;
}

/* Digit values of a valid code, separator and padding skipped, at most 15. */
static int code_digit_values(const char *code, int8_t *vals)
{
    int n = 0;
    for (const char *p = code; *p && n < DC_OLC_MAX_DIGITS; p++) {
        int8_t v = dc_olc_value(*p);
        if (v >= 0) vals[n++] = v;
    }
    return n;
}

dc_err dc_olc_decode(const char *code, dc_olc_area *area)
{
    if (!code || !area) return DC_E_INVALID_ARG;
    int sep = olc_check(code);
    if (sep < 0) return DC_E_OLC_INVALID;
    if (sep != DC_OLC_SEPARATOR_POS) return DC_E_OLC_NOT_FULL;

    int8_t vals[DC_OLC_MAX_DIGITS];
    dc_olc_cell cell;
    dc_olc_cell_of_digits(vals, code_digit_values(code, vals), &cell);
    dc_olc_cell_area(&cell, area);
    return DC_OK;
}

static dc_err copy_upper(const char *s, char *out, size_t size)
{
    size_t len = strlen(s);
    if (size < len + 1) return DC_E_BUFFER;
    for (size_t i = 0; i < len; i++)
        out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
    out[len] = '\0';
    return DC_OK;
}

dc_err dc_olc_shorten(const char *code, double ref_lat, double ref_lon, char *out,
                      size_t size)
{
    if (!code || !out || isnan(ref_lat) || isnan(ref_lon)) return DC_E_INVALID_ARG;
    if (!dc_olc_is_full(code)) return DC_E_OLC_NOT_FULL;
    if (strchr(code, '0')) return DC_E_OLC_PADDED;

    dc_olc_area area;
    dc_olc_decode(code, &area);
    /* Dropping fewer than 4 digits saves nothing worth the ambiguity. */
    if (area.length < 6) return DC_E_OLC_LENGTH;
    dc_olc_normalise(&ref_lat, &ref_lon);
    double range = fmax(fabs(area.lat - ref_lat), fabs(area.lon - ref_lon));
    for (int i = 3; i >= 1; i--)
        if (range < pair_res_deg[i] * 0.3) return copy_upper(code + (i + 1) * 2, out, size);
    return copy_upper(code, out, size);
}

void dc_olc_recover_cell(const int8_t *digits, int n, int pad, double ref_lat,
                         double ref_lon, dc_olc_cell *cell)
{
    int64_t rla, rlo;
    int8_t all[DC_OLC_MAX_DIGITS];

    dc_olc_to_int(ref_lat, ref_lon, &rla, &rlo);
    digit_values_of_int(rla, rlo, pad, all);
    if (n > DC_OLC_MAX_DIGITS - pad) n = DC_OLC_MAX_DIGITS - pad;
    memcpy(all + pad, digits, (size_t)n);
    dc_olc_cell_of_digits(all, pad + n, cell);

    /* The reference's own cell may be the wrong neighbour: move one
     * resolution step towards the reference when the centre is more than
     * half a step away. */
    int r = pad / 2 - 1;
    double half = recover_res_deg[r] / 2.0;
    double clat = ((double)cell->lat + (double)cell->lat_size / 2.0) / DC_OLC_LAT_UNITS - 90.0;
    double clon = ((double)cell->lon + (double)cell->lon_size / 2.0) / DC_OLC_LON_UNITS - 180.0;
    if (ref_lat + half < clat && clat - recover_res_deg[r] >= -90.0)
        cell->lat -= recover_res_lat[r];
    else if (ref_lat - half > clat && clat + recover_res_deg[r] <= 90.0)
        cell->lat += recover_res_lat[r];
    if (ref_lon + half < clon)
        cell->lon -= recover_res_lon[r];
    else if (ref_lon - half > clon)
        cell->lon += recover_res_lon[r];
    if (cell->lon < 0) cell->lon += DC_OLC_LON_MAX_INT;
    if (cell->lon >= DC_OLC_LON_MAX_INT) cell->lon -= DC_OLC_LON_MAX_INT;
}

dc_err dc_olc_recover(const char *short_code, double ref_lat, double ref_lon, char *out,
                      size_t size)
{
    if (!short_code || !out || isnan(ref_lat) || isnan(ref_lon)) return DC_E_INVALID_ARG;
    int sep = olc_check(short_code);
    if (sep < 0) return DC_E_OLC_INVALID;
    if (sep == DC_OLC_SEPARATOR_POS) return copy_upper(short_code, out, size);

    int8_t vals[DC_OLC_MAX_DIGITS];
    int n = code_digit_values(short_code, vals);
    int pad = DC_OLC_SEPARATOR_POS - sep;
    dc_olc_cell cell;
    dc_olc_normalise(&ref_lat, &ref_lon);
    dc_olc_recover_cell(vals, n, pad, ref_lat, ref_lon, &cell);
    return dc_olc_encode_int(cell.lat, cell.lon, cell.length, out, size);
}
