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

/* ---- reading pasted text ------------------------------------------------ */

/* What the parser makes of one character of its input. */
typedef enum char_kind {
    CHAR_IGNORED,   /* a separator: spaces, dashes, '.', '+', in any width */
    CHAR_PLAIN,     /* ASCII, or a full-width form folded to it */
    CHAR_LOOKALIKE, /* a Cyrillic or Greek letter that looks like a Latin one */
    CHAR_OTHER      /* anything else: checked, and refused */
} char_kind;

typedef struct char_class {
    char_kind kind;
    char ascii;         /* CHAR_PLAIN, CHAR_LOOKALIKE: the character it reads as */
    const char *script; /* CHAR_LOOKALIKE: "Cyrillic" or "Greek" */
} char_class;

/* Separators beyond ASCII, as web pages, word processors and Excel paste
 * them: no-break and ideographic spaces, dashes and the minus sign, the
 * soft hyphen, zero-width space and BOM, and the full-width '+', '-', '.'. */
static const uint32_t ignored_points[] = {
    0x00A0, 0x00AD, 0x2007, 0x200B, 0x2010, 0x2011, 0x2012, 0x2013,
    0x2014, 0x202F, 0x2212, 0x3000, 0xFEFF, 0xFF0B, 0xFF0D, 0xFF0E,
};

/* Letters that look like Latin ones: never folded silently, since a code
 * that holds one was not typed on a Latin keyboard and may be wrong. */
static const struct {
    uint32_t point;
    char ascii;
} lookalikes[] = {
    {0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'}, {0x0417, '3'}, {0x041A, 'K'},
    {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'}, {0x0421, 'C'},
    {0x0422, 'T'}, {0x0425, 'X'}, {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'},
    {0x0440, 'p'}, {0x0441, 'c'}, {0x0445, 'x'}, {0x0391, 'A'}, {0x0392, 'B'},
    {0x0395, 'E'}, {0x0397, 'H'}, {0x039A, 'K'}, {0x039C, 'M'}, {0x039F, 'O'},
    {0x03A1, 'P'}, {0x03A4, 'T'}, {0x03A7, 'X'}, {0x03BF, 'o'}, {0x03C1, 'p'},
    {0x03C7, 'x'},
};

/* The code point of the well-formed sequence of @p seq bytes at @p s. */
static uint32_t code_point(const unsigned char *s, size_t seq)
{
    static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t cp = s[0] & lead_mask[seq];
    for (size_t i = 1; i < seq; i++)
        cp = cp << 6 | (s[i] & 0x3Fu);
    return cp;
}

static char_class classify_point(uint32_t cp)
{
    char_class c = {CHAR_OTHER, 0, NULL};
    if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '-' || cp == '.' ||
        cp == '+')
        return (char_class){CHAR_IGNORED, 0, NULL};
    if (cp < 0x80) return (char_class){CHAR_PLAIN, (char)cp, NULL};
    for (size_t i = 0; i < sizeof ignored_points / sizeof ignored_points[0]; i++)
        if (ignored_points[i] == cp) return (char_class){CHAR_IGNORED, 0, NULL};
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (char_class){CHAR_PLAIN, (char)('0' + cp - 0xFF10), NULL};
    if (cp >= 0xFF21 && cp <= 0xFF3A)
        return (char_class){CHAR_PLAIN, (char)('A' + cp - 0xFF21), NULL};
    if (cp >= 0xFF41 && cp <= 0xFF5A)
        return (char_class){CHAR_PLAIN, (char)('a' + cp - 0xFF41), NULL};
    for (size_t i = 0; i < sizeof lookalikes / sizeof lookalikes[0]; i++)
        if (lookalikes[i].point == cp)
            return (char_class){CHAR_LOOKALIKE, lookalikes[i].ascii,
                                cp < 0x0400 ? "Greek" : "Cyrillic"};
    return c;
}

/* The character at @p s: its class and its length in bytes (at least 1:
 * a byte that is not UTF-8 stands for itself, as CHAR_OTHER). */
static char_class classify(const unsigned char *s, size_t avail, size_t *len)
{
    if (s[0] >= 0x20 && s[0] < 0x7F) { /* the common case, fast */
        *len = 1;
        if (s[0] == ' ' || s[0] == '-' || s[0] == '.' || s[0] == '+')
            return (char_class){CHAR_IGNORED, 0, NULL};
        return (char_class){CHAR_PLAIN, (char)s[0], NULL};
    }
    size_t seq = utf8_seq_len(s, avail);
    *len = seq ? seq : 1;
    if (seq == 0) return (char_class){CHAR_OTHER, 0, NULL};
    char_class c = classify_point(code_point(s, seq));
    /* A control byte or NUL is never part of a code. */
    if (c.kind == CHAR_PLAIN && ((unsigned char)c.ascii < 0x20 || c.ascii == 0x7F))
        c.kind = CHAR_OTHER;
    return c;
}

/* What a scan of the input found: the significant characters, folded and
 * upper-cased, and the first look-alike letter. */
typedef struct scan_state {
    char sig[DC_CODE_CHARS];
    size_t nsig;
    size_t lookalike_at; /* 1-based character position; 0: none */
    const unsigned char *lookalike;
    size_t lookalike_len;
    char_class lookalike_class;
} scan_state;

static dc_err bad_char(dc_error *err, dc_err code, const unsigned char *s, size_t avail,
                       size_t position, size_t digits)
{
    char q[32];
    quote_char(s, utf8_seq_len(s, avail), q, sizeof q);
    if (code == DC_E_CODE_POSTCODE && digits == DC_CODE_CHARS)
        return dc_error_set(
            err, code,
            "character %zu %s is not a digit: a code starts with a 5-digit postcode",
            position, q);
    if (code == DC_E_CODE_POSTCODE)
        return dc_error_set(err, code,
                            "character %zu %s is not a digit: a postcode is 5 digits",
                            position, q);
    return dc_error_set(err, code, "character %zu %s is not in the code alphabet",
                        position, q);
}

static bool valid_at(size_t nsig, char c)
{
    if (nsig < DC_CODE_POSTCODE_DIGITS) return c >= '0' && c <= '9';
    return dc_olc_value(c) >= 0;
}

static void note_lookalike(scan_state *st, const unsigned char *s, size_t len,
                           size_t position, char_class c)
{
    if (st->lookalike_at) return;
    st->lookalike_at = position;
    st->lookalike = s;
    st->lookalike_len = len;
    st->lookalike_class = c;
}

/*
 * Read the significant characters of @p text: @p want of them, the first 5
 * digits and the rest of the code alphabet (past @p want, counted only).
 * Look-alike letters are read as their Latin letter and noted in @p st.
 * On failure the error names the first offending character.
 */
static dc_err scan(const char *text, size_t len, size_t want, scan_state *st,
                   dc_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t position = 0;
    memset(st, 0, sizeof *st);
    for (size_t i = 0, n; i < len; i += n) {
        char_class c = classify(s + i, len - i, &n);
        position++;
        if (c.kind == CHAR_IGNORED) continue;
        char up =
            c.ascii >= 'a' && c.ascii <= 'z' ? (char)(c.ascii - 'a' + 'A') : c.ascii;
        if (st->nsig < want && (c.kind == CHAR_OTHER || !valid_at(st->nsig, up)))
            return bad_char(err,
                            st->nsig < DC_CODE_POSTCODE_DIGITS ? DC_E_CODE_POSTCODE
                                                               : DC_E_CODE_CHAR,
                            s + i, len - i, position, want);
        if (c.kind == CHAR_LOOKALIKE) note_lookalike(st, s + i, n, position, c);
        if (st->nsig < want) st->sig[st->nsig] = up;
        st->nsig++;
    }
    return DC_OK;
}

/* The count checks after a clean scan. */
static dc_err check_count(const scan_state *st, size_t want, dc_error *err)
{
    if (st->nsig == 0)
        return dc_error_set(err, DC_E_CODE_EMPTY,
                            want == DC_CODE_CHARS ? "the code is empty"
                                                  : "the postcode is empty");
    if (st->nsig == want) return DC_OK;
    if (want == DC_CODE_CHARS)
        return dc_error_set(err, DC_E_CODE_LENGTH,
                            "expected 12 significant characters, got %zu", st->nsig);
    return dc_error_set(err, DC_E_CODE_LENGTH, "expected 5 digits, got %zu", st->nsig);
}

/*
 * A look-alike letter came before any other fault: say which, and what the
 * input reads as with it. @p fault is the error the input has even so
 * (DC_OK: none, then @p fixed is the suggestion).
 */
static dc_err lookalike_error(const scan_state *st, dc_err fault, const dc_error *detail,
                              const char *fixed, dc_error *err)
{
    char q[32];
    char latin = st->lookalike_class.ascii;
    quote_char(st->lookalike, st->lookalike_len, q, sizeof q);
    if (fault == DC_OK)
        return dc_error_set(err, DC_E_CODE_LOOKALIKE,
                            "character %zu %s (%s) looks like '%c': did you mean %s?",
                            st->lookalike_at, q, st->lookalike_class.script, latin,
                            fixed);
    return dc_error_set(err, DC_E_CODE_LOOKALIKE,
                        "character %zu %s (%s) looks like '%c', and even so: %s",
                        st->lookalike_at, q, st->lookalike_class.script, latin,
                        detail->message);
}

/* Scan then count; a look-alike letter before the first fault (or in an
 * input with no other fault) turns the answer into DC_E_CODE_LOOKALIKE. */
static dc_err scan_checked(const char *text, size_t len, size_t want, scan_state *st,
                           dc_error *err)
{
    dc_error detail; /* written before it is read: failures only */
    dc_err rc = scan(text, len, want, st, &detail);
    if (rc == DC_OK) rc = check_count(st, want, &detail);
    if (rc != DC_OK && !st->lookalike_at) {
        if (err) *err = detail;
        return rc;
    }
    if (rc != DC_OK) return lookalike_error(st, rc, &detail, NULL, err);
    return DC_OK;
}

static uint32_t postcode_of(const char *digits)
{
    uint32_t postcode = 0;
    for (int i = 0; i < DC_CODE_POSTCODE_DIGITS; i++)
        postcode = postcode * 10 + (uint32_t)(digits[i] - '0');
    return postcode;
}

/*
 * The input nearly every caller gives: ASCII, ASCII separators, 5 digits
 * then 7 alphabet characters. True with the 12 characters, upper-cased, in
 * @p sig; false for anything else (a character past ASCII, one out of
 * place, a count other than 12), which the full scan then reads and
 * explains. One table lookup a byte: the full scan's classes, look-alikes
 * and messages cost a batch about 700 instructions a row.
 */
static bool scan_ascii(const char *text, size_t len, char sig[DC_CODE_CHARS])
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)text[i];
        if (b == ' ' || b == '-' || b == '.' || b == '+' || b == '\t' || b == '\r' ||
            b == '\n')
            continue;
        if (n == DC_CODE_CHARS) return false;
        if (n < DC_CODE_POSTCODE_DIGITS) {
            if (b < '0' || b > '9') return false;
            sig[n++] = (char)b;
        } else {
            int8_t v = dc_olc_value((char)b);
            if (v < 0) return false;
            sig[n++] = DC_OLC_ALPHABET[v];
        }
    }
    return n == DC_CODE_CHARS;
}

dc_err dc_code_parse(const char *text, size_t len, dc_code *code, dc_error *err)
{
    scan_state st;
    if (!code || (!text && len > 0))
        return dc_error_set(err, DC_E_INVALID_ARG, "no code given");
    if (scan_ascii(text, len, st.sig)) {
        memset(code, 0, sizeof *code);
        code->postcode = postcode_of(st.sig);
        memcpy(code->location, st.sig + DC_CODE_POSTCODE_DIGITS, DC_CODE_LOCATION_CHARS);
        return DC_OK;
    }
    dc_err rc = scan_checked(text, len, DC_CODE_CHARS, &st, err);
    if (rc != DC_OK) return rc;
    dc_code parsed;
    memset(&parsed, 0, sizeof parsed);
    parsed.postcode = postcode_of(st.sig);
    memcpy(parsed.location, st.sig + DC_CODE_POSTCODE_DIGITS, DC_CODE_LOCATION_CHARS);
    if (st.lookalike_at) {
        char display[DC_CODE_DISPLAY_SIZE];
        dc_code_format(&parsed, DC_CODE_DISPLAY, display, sizeof display);
        return lookalike_error(&st, DC_OK, NULL, display, err);
    }
    *code = parsed;
    return DC_OK;
}

size_t dc_code_significant(const char *text, size_t len, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t count = 0;
    for (size_t i = 0, n; text && i < len; i += n) {
        char_class c = classify(s + i, len - i, &n);
        if (c.kind == CHAR_IGNORED) continue;
        char up = c.kind == CHAR_OTHER ? '?' : c.ascii;
        if (up >= 'a' && up <= 'z') up = (char)(up - 'a' + 'A');
        if (out && count < cap) out[count] = up;
        count++;
    }
    return count;
}

dc_err dc_postcode_parse(const char *text, size_t len, uint32_t *postcode, dc_error *err)
{
    scan_state st;
    if (!postcode || (!text && len > 0))
        return dc_error_set(err, DC_E_INVALID_ARG, "no postcode given");
    dc_err rc = scan_checked(text, len, DC_CODE_POSTCODE_DIGITS, &st, err);
    if (rc != DC_OK) return rc;
    if (st.lookalike_at) {
        char digits[DC_CODE_POSTCODE_DIGITS + 1];
        memcpy(digits, st.sig, DC_CODE_POSTCODE_DIGITS);
        digits[DC_CODE_POSTCODE_DIGITS] = '\0';
        return lookalike_error(&st, DC_OK, NULL, digits, err);
    }
    *postcode = postcode_of(st.sig);
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
