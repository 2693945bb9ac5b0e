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
    ['2'] = 1,  ['3'] = 2,  ['4'] = 3,  ['5'] = 4,  ['6'] = 5,  ['7'] = 6,  ['8'] = 7,
    ['9'] = 8,  ['C'] = 9,  ['c'] = 9,  ['F'] = 10, ['f'] = 10, ['G'] = 11, ['g'] = 11,
    ['H'] = 12, ['h'] = 12, ['J'] = 13, ['j'] = 13, ['M'] = 14, ['m'] = 14, ['P'] = 15,
    ['p'] = 15, ['Q'] = 16, ['q'] = 16, ['R'] = 17, ['r'] = 17, ['V'] = 18, ['v'] = 18,
    ['W'] = 19, ['w'] = 19, ['X'] = 20, ['x'] = 20,
};

/* dc_olc_spread[v]: alphabet[v / 20] in byte 0, alphabet[v % 20] in byte 2. */
const uint32_t dc_olc_spread[400] = {
    0x00320032, 0x00330032, 0x00340032, 0x00350032, 0x00360032, 0x00370032, 0x00380032,
    0x00390032, 0x00430032, 0x00460032, 0x00470032, 0x00480032, 0x004A0032, 0x004D0032,
    0x00500032, 0x00510032, 0x00520032, 0x00560032, 0x00570032, 0x00580032, 0x00320033,
    0x00330033, 0x00340033, 0x00350033, 0x00360033, 0x00370033, 0x00380033, 0x00390033,
    0x00430033, 0x00460033, 0x00470033, 0x00480033, 0x004A0033, 0x004D0033, 0x00500033,
    0x00510033, 0x00520033, 0x00560033, 0x00570033, 0x00580033, 0x00320034, 0x00330034,
    0x00340034, 0x00350034, 0x00360034, 0x00370034, 0x00380034, 0x00390034, 0x00430034,
    0x00460034, 0x00470034, 0x00480034, 0x004A0034, 0x004D0034, 0x00500034, 0x00510034,
    0x00520034, 0x00560034, 0x00570034, 0x00580034, 0x00320035, 0x00330035, 0x00340035,
    0x00350035, 0x00360035, 0x00370035, 0x00380035, 0x00390035, 0x00430035, 0x00460035,
    0x00470035, 0x00480035, 0x004A0035, 0x004D0035, 0x00500035, 0x00510035, 0x00520035,
    0x00560035, 0x00570035, 0x00580035, 0x00320036, 0x00330036, 0x00340036, 0x00350036,
    0x00360036, 0x00370036, 0x00380036, 0x00390036, 0x00430036, 0x00460036, 0x00470036,
    0x00480036, 0x004A0036, 0x004D0036, 0x00500036, 0x00510036, 0x00520036, 0x00560036,
    0x00570036, 0x00580036, 0x00320037, 0x00330037, 0x00340037, 0x00350037, 0x00360037,
    0x00370037, 0x00380037, 0x00390037, 0x00430037, 0x00460037, 0x00470037, 0x00480037,
    0x004A0037, 0x004D0037, 0x00500037, 0x00510037, 0x00520037, 0x00560037, 0x00570037,
    0x00580037, 0x00320038, 0x00330038, 0x00340038, 0x00350038, 0x00360038, 0x00370038,
    0x00380038, 0x00390038, 0x00430038, 0x00460038, 0x00470038, 0x00480038, 0x004A0038,
    0x004D0038, 0x00500038, 0x00510038, 0x00520038, 0x00560038, 0x00570038, 0x00580038,
    0x00320039, 0x00330039, 0x00340039, 0x00350039, 0x00360039, 0x00370039, 0x00380039,
    0x00390039, 0x00430039, 0x00460039, 0x00470039, 0x00480039, 0x004A0039, 0x004D0039,
    0x00500039, 0x00510039, 0x00520039, 0x00560039, 0x00570039, 0x00580039, 0x00320043,
    0x00330043, 0x00340043, 0x00350043, 0x00360043, 0x00370043, 0x00380043, 0x00390043,
    0x00430043, 0x00460043, 0x00470043, 0x00480043, 0x004A0043, 0x004D0043, 0x00500043,
    0x00510043, 0x00520043, 0x00560043, 0x00570043, 0x00580043, 0x00320046, 0x00330046,
    0x00340046, 0x00350046, 0x00360046, 0x00370046, 0x00380046, 0x00390046, 0x00430046,
    0x00460046, 0x00470046, 0x00480046, 0x004A0046, 0x004D0046, 0x00500046, 0x00510046,
    0x00520046, 0x00560046, 0x00570046, 0x00580046, 0x00320047, 0x00330047, 0x00340047,
    0x00350047, 0x00360047, 0x00370047, 0x00380047, 0x00390047, 0x00430047, 0x00460047,
    0x00470047, 0x00480047, 0x004A0047, 0x004D0047, 0x00500047, 0x00510047, 0x00520047,
    0x00560047, 0x00570047, 0x00580047, 0x00320048, 0x00330048, 0x00340048, 0x00350048,
    0x00360048, 0x00370048, 0x00380048, 0x00390048, 0x00430048, 0x00460048, 0x00470048,
    0x00480048, 0x004A0048, 0x004D0048, 0x00500048, 0x00510048, 0x00520048, 0x00560048,
    0x00570048, 0x00580048, 0x0032004A, 0x0033004A, 0x0034004A, 0x0035004A, 0x0036004A,
    0x0037004A, 0x0038004A, 0x0039004A, 0x0043004A, 0x0046004A, 0x0047004A, 0x0048004A,
    0x004A004A, 0x004D004A, 0x0050004A, 0x0051004A, 0x0052004A, 0x0056004A, 0x0057004A,
    0x0058004A, 0x0032004D, 0x0033004D, 0x0034004D, 0x0035004D, 0x0036004D, 0x0037004D,
    0x0038004D, 0x0039004D, 0x0043004D, 0x0046004D, 0x0047004D, 0x0048004D, 0x004A004D,
    0x004D004D, 0x0050004D, 0x0051004D, 0x0052004D, 0x0056004D, 0x0057004D, 0x0058004D,
    0x00320050, 0x00330050, 0x00340050, 0x00350050, 0x00360050, 0x00370050, 0x00380050,
    0x00390050, 0x00430050, 0x00460050, 0x00470050, 0x00480050, 0x004A0050, 0x004D0050,
    0x00500050, 0x00510050, 0x00520050, 0x00560050, 0x00570050, 0x00580050, 0x00320051,
    0x00330051, 0x00340051, 0x00350051, 0x00360051, 0x00370051, 0x00380051, 0x00390051,
    0x00430051, 0x00460051, 0x00470051, 0x00480051, 0x004A0051, 0x004D0051, 0x00500051,
    0x00510051, 0x00520051, 0x00560051, 0x00570051, 0x00580051, 0x00320052, 0x00330052,
    0x00340052, 0x00350052, 0x00360052, 0x00370052, 0x00380052, 0x00390052, 0x00430052,
    0x00460052, 0x00470052, 0x00480052, 0x004A0052, 0x004D0052, 0x00500052, 0x00510052,
    0x00520052, 0x00560052, 0x00570052, 0x00580052, 0x00320056, 0x00330056, 0x00340056,
    0x00350056, 0x00360056, 0x00370056, 0x00380056, 0x00390056, 0x00430056, 0x00460056,
    0x00470056, 0x00480056, 0x004A0056, 0x004D0056, 0x00500056, 0x00510056, 0x00520056,
    0x00560056, 0x00570056, 0x00580056, 0x00320057, 0x00330057, 0x00340057, 0x00350057,
    0x00360057, 0x00370057, 0x00380057, 0x00390057, 0x00430057, 0x00460057, 0x00470057,
    0x00480057, 0x004A0057, 0x004D0057, 0x00500057, 0x00510057, 0x00520057, 0x00560057,
    0x00570057, 0x00580057, 0x00320058, 0x00330058, 0x00340058, 0x00350058, 0x00360058,
    0x00370058, 0x00380058, 0x00390058, 0x00430058, 0x00460058, 0x00470058, 0x00480058,
    0x004A0058, 0x004D0058, 0x00500058, 0x00510058, 0x00520058, 0x00560058, 0x00570058,
    0x00580058,
};

/* Place value, in OLC units, of pair digit i (0..4) and grid digit j (0..4). */
static const int64_t lat_pair_place[5] = {500000000, 25000000, 1250000, 62500, 3125};
static const int64_t lon_pair_place[5] = {163840000, 8192000, 409600, 20480, 1024};
static const int64_t lat_grid_place[5] = {625, 125, 25, 5, 1};
static const int64_t lon_grid_place[5] = {256, 64, 16, 4, 1};
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
    dc_olc_to_int_unchecked(lat, lon, lat_int, lon_int);
    return DC_OK;
}

/* The first @p pad (2, 4, 6 or 8) digit values of a point: the digits a
 * short code leaves out, taken from the reference point. */
static void prefix_values_of_int(int64_t lat, int64_t lon, int pad, int8_t *vals)
{
    uint32_t la = (uint32_t)((uint64_t)lat / 3125), lo = (uint32_t)((uint64_t)lon >> 10);
    int8_t v[8] = {(int8_t)(la / 160000),    (int8_t)(lo / 160000),
                   (int8_t)(la / 8000 % 20), (int8_t)(lo / 8000 % 20),
                   (int8_t)(la / 400 % 20),  (int8_t)(lo / 400 % 20),
                   (int8_t)(la / 20 % 20),   (int8_t)(lo / 20 % 20)};
    memcpy(vals, v, (size_t)pad);
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
    a->lat = (a->south + a->north) / 2.0;
    a->lon = (a->west + a->east) / 2.0;
    if (a->lat > 90.0) a->lat = 90.0;
    if (a->lon > 180.0) a->lon = 180.0;
    a->length = c->length;
}

/* Write the code of in-range integers; length is 2..15 and encodable and
 * out holds it. */
static inline void write_code(int64_t lat_int, int64_t lon_int, int length, char *out)
{
    if (length == DC_CODE_OLC_DIGITS) {
        /* The common length, in place: digits 9..11 move one right to make
         * room for the separator (a copy loop here became a memmove call). */
        dc_olc_chars_of_int(lat_int, lon_int, out);
        out[11] = out[10];
        out[10] = out[9];
        out[9] = out[8];
        out[8] = '+';
        out[12] = '\0';
        return;
    }
    char d[DC_OLC_MAX_DIGITS];
    dc_olc_chars_of_int(lat_int, lon_int, d);
    if (length > DC_CODE_OLC_DIGITS) dc_olc_grid_tail_of_int(lat_int, lon_int, d);
    memcpy(out, d, DC_OLC_SEPARATOR_POS);
    out[DC_OLC_SEPARATOR_POS] = '+';
    for (int i = length; i < DC_OLC_SEPARATOR_POS; i++)
        out[i] = '0';
    int i = DC_OLC_SEPARATOR_POS;
    for (; i < length; i++)
        out[i + 1] = d[i];
    out[i + 1] = '\0';
}

/* Checks the length and the buffer; the length to write, or an error < 0. */
static inline int encodable_length(int length, char *out, size_t size, dc_err *rc)
{
    *rc = DC_OK;
    if (!out)
        *rc = DC_E_INVALID_ARG;
    else if (length < 2 || (length < DC_OLC_PAIR_DIGITS && length % 2 == 1))
        *rc = DC_E_OLC_LENGTH;
    if (*rc != DC_OK) return -1;
    if (length > DC_OLC_MAX_DIGITS) length = DC_OLC_MAX_DIGITS;
    size_t need =
        (size_t)(length < DC_OLC_SEPARATOR_POS ? DC_OLC_SEPARATOR_POS : length) + 2;
    if (size < need) {
        *rc = DC_E_BUFFER;
        return -1;
    }
    return length;
}

dc_err dc_olc_encode_int(int64_t lat_int, int64_t lon_int, int length, char *out,
                         size_t size)
{
    dc_err rc;
    length = encodable_length(length, out, size, &rc);
    if (length < 0) return rc;
    if (lat_int < 0) lat_int = 0;
    if (lat_int >= DC_OLC_LAT_MAX_INT) lat_int = DC_OLC_LAT_MAX_INT - 1;
    if (lon_int < 0 || lon_int >= DC_OLC_LON_MAX_INT) {
        lon_int %= DC_OLC_LON_MAX_INT;
        if (lon_int < 0) lon_int += DC_OLC_LON_MAX_INT;
    }
    write_code(lat_int, lon_int, length, out);
    return DC_OK;
}

dc_err dc_olc_encode(double lat, double lon, int length, char *out, size_t size)
{
    dc_err rc;
    int64_t la, lo;
    if (!isfinite(lat) || !isfinite(lon)) return DC_E_INVALID_ARG;
    length = encodable_length(length, out, size, &rc);
    if (length < 0) return rc;
    dc_olc_to_int_unchecked(lat, lon, &la, &lo);
    write_code(la, lo, length, out);
    return DC_OK;
}

/* A code taken apart by olc_parse. */
typedef struct olc_parsed {
    int sep;     /* position of the separator */
    int ndigits; /* digit values kept (at most 15) */
    int8_t vals[DC_OLC_MAX_DIGITS];
} olc_parsed;

/*
 * The structure rules of the OLC specification, checked in one pass that
 * also collects the digit values. Returns 0, or -1 when the code is not
 * valid. Rules: exactly one separator, at an even position no later than
 * 8; padding ('0') only in full codes, from an even position up to the
 * separator and with nothing after it; never one lone character after the
 * separator; in a full code the first digits stay on the globe.
 */
static int olc_parse_slow(const char *code, olc_parsed *p);

/*
 * The common shape first: digits, a separator at an even position no later
 * than 8, then nothing or 2 or more digits, no padding. Anything else,
 * valid or not, goes to the full rules.
 */
static int olc_parse(const char *code, olc_parsed *p)
{
    int i = 0, n = 0;
    int8_t v;
    for (; (v = dc_olc_value(code[i])) >= 0; i++)
        if (n < DC_OLC_MAX_DIGITS) p->vals[n++] = v;
    int sep = i;
    if (code[sep] != '+' || sep % 2 != 0 || sep > DC_OLC_SEPARATOR_POS ||
        (sep == DC_OLC_SEPARATOR_POS && (p->vals[0] > 8 || p->vals[1] > 17)))
        return olc_parse_slow(code, p);
    for (i++; (v = dc_olc_value(code[i])) >= 0; i++)
        if (n < DC_OLC_MAX_DIGITS) p->vals[n++] = v;
    if (code[i] != '\0' || i - sep == 2 || i < 2) return olc_parse_slow(code, p);
    p->sep = sep;
    p->ndigits = n;
    return 0;
}

static int olc_parse_slow(const char *code, olc_parsed *p)
{
    int sep = -1, pad = -1, n = 0;
    size_t i;
    for (i = 0; code[i]; i++) {
        char c = code[i];
        if (c == '+') {
            if (sep >= 0) return -1;
            sep = (int)i;
        } else if (c == '0') {
            if (sep >= 0 || (pad < 0 && i % 2 != 0)) return -1;
            if (pad < 0) pad = (int)i;
        } else {
            int8_t v = dc_olc_value(c);
            if (v < 0 || (pad >= 0 && sep < 0)) return -1;
            if (n < DC_OLC_MAX_DIGITS) p->vals[n++] = v;
        }
    }
    size_t after = sep >= 0 ? i - (size_t)sep - 1 : 0;
    if (i < 2 || sep < 0 || sep % 2 != 0 || sep > DC_OLC_SEPARATOR_POS || after == 1)
        return -1;
    if (pad >= 0 && (sep < DC_OLC_SEPARATOR_POS || after > 0)) return -1;
    /* The first latitude digit stops at 160 degrees, longitude at 340. */
    if (sep == DC_OLC_SEPARATOR_POS &&
        (dc_olc_value(code[0]) > 8 || dc_olc_value(code[1]) > 17))
        return -1;
    p->sep = sep;
    p->ndigits = n;
    return 0;
}

static int olc_check(const char *code)
{
    olc_parsed p;
    return olc_parse(code, &p) == 0 ? p.sep : -1;
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

dc_err dc_olc_decode(const char *code, dc_olc_area *area)
{
    olc_parsed p;
    dc_olc_cell cell;
    if (!code || !area) return DC_E_INVALID_ARG;
    if (olc_parse(code, &p) != 0) return DC_E_OLC_INVALID;
    if (p.sep != DC_OLC_SEPARATOR_POS) return DC_E_OLC_NOT_FULL;
    dc_olc_cell_of_digits(p.vals, p.ndigits, &cell);
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
    dc_err rc = dc_olc_decode(code, &area);
    if (rc != DC_OK) return rc;
    /* Dropping fewer than 4 digits saves nothing worth the ambiguity. */
    if (area.length < 6) return DC_E_OLC_LENGTH;
    dc_olc_normalise(&ref_lat, &ref_lon);
    double range = fmax(fabs(area.lat - ref_lat), fabs(area.lon - ref_lon));
    for (int i = 3; i >= 1; i--)
        if (range < pair_res_deg[i] * 0.3)
            return copy_upper(code + (i + 1) * 2, out, size);
    return copy_upper(code, out, size);
}

void dc_olc_recover_cell(const int8_t *digits, int n, int pad, double ref_lat,
                         double ref_lon, dc_olc_cell *cell)
{
    int64_t rla, rlo;
    int8_t all[DC_OLC_MAX_DIGITS];

    dc_olc_to_int_unchecked(ref_lat, ref_lon, &rla, &rlo);
    prefix_values_of_int(rla, rlo, pad, all);
    if (n > DC_OLC_MAX_DIGITS - pad) n = DC_OLC_MAX_DIGITS - pad;
    memcpy(all + pad, digits, (size_t)n);
    dc_olc_cell_of_digits(all, pad + n, cell);

    /* The reference's own cell may be the wrong neighbour: move one
     * resolution step towards the reference when the centre is more than
     * half a step away. */
    int r = pad / 2 - 1;
    double half = recover_res_deg[r] / 2.0;
    /* Centres and reference in OLC units: multiplications, no division. */
    double clat = (double)cell->lat + (double)cell->lat_size / 2.0;
    double clon = (double)cell->lon + (double)cell->lon_size / 2.0;
    double rlat = (ref_lat + 90.0) * (double)DC_OLC_LAT_UNITS;
    double rlon = (ref_lon + 180.0) * (double)DC_OLC_LON_UNITS;
    double hlat = half * (double)DC_OLC_LAT_UNITS, hlon = half * (double)DC_OLC_LON_UNITS;
    if (rlat + hlat < clat && clat - (double)recover_res_lat[r] >= 0.0)
        cell->lat -= recover_res_lat[r];
    else if (rlat - hlat > clat &&
             clat + (double)recover_res_lat[r] <= (double)DC_OLC_LAT_MAX_INT)
        cell->lat += recover_res_lat[r];
    if (rlon + hlon < clon)
        cell->lon -= recover_res_lon[r];
    else if (rlon - hlon > clon)
        cell->lon += recover_res_lon[r];
    if (cell->lon < 0) cell->lon += DC_OLC_LON_MAX_INT;
    if (cell->lon >= DC_OLC_LON_MAX_INT) cell->lon -= DC_OLC_LON_MAX_INT;
}

dc_err dc_olc_recover(const char *short_code, double ref_lat, double ref_lon, char *out,
                      size_t size)
{
    olc_parsed p;
    dc_olc_cell cell;
    if (!short_code || !out || isnan(ref_lat) || isnan(ref_lon)) return DC_E_INVALID_ARG;
    if (olc_parse(short_code, &p) != 0) return DC_E_OLC_INVALID;
    if (p.sep == DC_OLC_SEPARATOR_POS) return copy_upper(short_code, out, size);

    dc_olc_normalise(&ref_lat, &ref_lon);
    dc_olc_recover_cell(p.vals, p.ndigits, DC_OLC_SEPARATOR_POS - p.sep, ref_lat, ref_lon,
                        &cell);
    return dc_olc_encode_int(cell.lat, cell.lon, cell.length, out, size);
}
