/*
 * fuzz_code_parse.c - dc_code_parse on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report", every call is held to the
 * contract with an independent oracle: the parse succeeds exactly when the
 * characters that are not separators, folded as docs/FORMAT.md's table says,
 * are 5 digits then 7 alphabet characters and none is a look-alike letter,
 * and then the compact form is those characters upper-cased; with a
 * look-alike, the error suggests that code. A broken invariant
 * calls abort(), which libFuzzer and the replay runner both report.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/code.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DC_SENTINEL 0xA5
/* A reference point in the middle of Vietnam, to resolve parsed codes. */
#define DC_FUZZ_REF_LAT 16.0
#define DC_FUZZ_REF_LON 106.0

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_code_parse: broken invariant: %s\n", what);
    abort();
}

static bool dc_in_alphabet(uint8_t c)
{
    return c != '\0' && strchr("23456789CFGHJMPQRVWX", c) != NULL;
}

static uint8_t dc_upper(uint8_t c)
{
    return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
}

/* Decode one UTF-8 character at data (strictly: shortest form, no
 * surrogates, at most U+10FFFF); *n is its length, 1 for a stray byte,
 * whose code point is then reported as UINT32_MAX. */
static uint32_t dc_decode(const uint8_t *data, size_t size, size_t *n)
{
    uint8_t b = data[0];
    size_t len = b < 0x80             ? 1
                 : (b & 0xE0) == 0xC0 ? 2
                 : (b & 0xF0) == 0xE0 ? 3
                 : (b & 0xF8) == 0xF0 ? 4
                                      : 0;
    *n = 1;
    if (len == 1) return b;
    if (len == 0 || len > size) return UINT32_MAX;
    uint32_t cp = b & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((data[i] & 0xC0) != 0x80) return UINT32_MAX;
        cp = cp << 6 | (data[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return UINT32_MAX;
    *n = len;
    return cp;
}

/* docs/FORMAT.md's table, written out again: 1 separator, 2 a character
 * read as *ascii, 3 a look-alike of *ascii, 0 anything else. */
static int dc_fold(uint32_t cp, uint8_t *ascii)
{
    static const char *const separators = " \t\r\n-.+";
    static const uint32_t wide_separators[] = {
        0xA0,   0xAD,   0x2007, 0x200B, 0x2010, 0x2011, 0x2012, 0x2013,
        0x2014, 0x202F, 0x2212, 0x3000, 0xFEFF, 0xFF0B, 0xFF0D, 0xFF0E};
    static const char cyrillic[] = "A.B..E.3..K.MHO.PCT..X"; /* from U+0410 */
    static const char greek[] = "AB..E.H..K.M..O.P..T..X";   /* from U+0391 */
    if (cp != 0 && cp < 0x80 && strchr(separators, (int)cp)) return 1;
    for (size_t i = 0; i < sizeof wide_separators / sizeof wide_separators[0]; i++)
        if (cp == wide_separators[i]) return 1;
    if (cp >= 0x20 && cp < 0x7F) return *ascii = (uint8_t)cp, 2;
    if (cp >= 0xFF10 && cp <= 0xFF5A && cp != 0xFF1A)
        if ((cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || cp >= 0xFF41)
            return *ascii = (uint8_t)(cp - 0xFF10 + '0'), 2;
    uint8_t c = 0;
    if (cp >= 0x0410 && cp < 0x0410 + sizeof cyrillic - 1)
        c = (uint8_t)cyrillic[cp - 0x0410];
    if (cp >= 0x0391 && cp < 0x0391 + sizeof greek - 1) c = (uint8_t)greek[cp - 0x0391];
    if (cp == 0x0430 || cp == 0x0435 || cp == 0x043E || cp == 0x0440 || cp == 0x0441 ||
        cp == 0x0445)
        c = (uint8_t)cyrillic[cp - 0x0430];
    if (cp == 0x03BF || cp == 0x03C1 || cp == 0x03C7) c = (uint8_t)greek[cp - 0x03B1];
    if (c && c != '.') return *ascii = c, 3;
    return 0;
}

/* The oracle: the input's significant characters, folded and upper-cased;
 * *count is how many there are, *lookalike whether one was a look-alike,
 * and true is returned when they read as a code (12 of them, 5 digits then
 * 7 alphabet characters). */
static bool dc_oracle(const uint8_t *data, size_t size, char compact[13], size_t *count,
                      bool *lookalike)
{
    size_t n = 0;
    bool valid = true;
    *lookalike = false;
    for (size_t i = 0, len; i < size; i += len) {
        uint8_t c = 0;
        int kind = dc_fold(dc_decode(data + i, size - i, &len), &c);
        if (kind == 1) continue;
        c = dc_upper(c);
        if (kind == 3) *lookalike = true;
        if (n < DC_CODE_POSTCODE_DIGITS ? !(c >= '0' && c <= '9') : !dc_in_alphabet(c))
            valid = false;
        if (n < DC_CODE_CHARS) compact[n] = (char)c;
        n++;
    }
    *count = n;
    if (n != DC_CODE_CHARS) return false;
    compact[DC_CODE_CHARS] = '\0';
    return valid;
}

static bool dc_message_ok(const char *m, size_t size)
{
    const char *end = memchr(m, '\0', size);
    return end != NULL && end != m && strchr(m, '\n') == NULL && dc_is_utf8(m);
}

static void dc_check_failure(dc_err rc, const dc_code *code, const dc_error *err)
{
    dc_check(rc == DC_E_CODE_EMPTY || rc == DC_E_CODE_LENGTH ||
                 rc == DC_E_CODE_POSTCODE || rc == DC_E_CODE_CHAR ||
                 rc == DC_E_CODE_LOOKALIKE,
             "unexpected error code");
    unsigned char untouched[sizeof *code];
    memset(untouched, DC_SENTINEL, sizeof untouched);
    dc_check(memcmp(code, untouched, sizeof *code) == 0, "code written on failure");
    dc_check(err->code == rc, "err->code differs from the return value");
    dc_check(dc_message_ok(err->message, sizeof err->message), "malformed message");
    if (rc == DC_E_CODE_CHAR || rc == DC_E_CODE_POSTCODE || rc == DC_E_CODE_LOOKALIKE)
        dc_check(strncmp(err->message, "character ", 10) == 0 &&
                     strtoul(err->message + 10, NULL, 10) >= 1,
                 "a character error does not name a 1-based position");
    dc_check(dc_strerror(rc)[0] != '\0' && dc_err_name(rc)[0] != '\0',
             "empty strerror or name");
}

/* A parsed code resolves, and its global Plus Code decodes to that cell. */
static void dc_check_resolve(const dc_code *code)
{
    dc_olc_area cell, area;
    char plus[DC_CODE_PLUS_SIZE], shortened[DC_OLC_SIZE], recovered[DC_OLC_SIZE];
    dc_check(dc_code_resolve(code, DC_FUZZ_REF_LAT, DC_FUZZ_REF_LON, &cell) == DC_OK,
             "resolve of a parsed code");
    dc_check(cell.length == DC_CODE_OLC_DIGITS, "resolved cell length");
    dc_check(dc_code_plus_code(code, DC_FUZZ_REF_LAT, DC_FUZZ_REF_LON, plus,
                               sizeof plus) == DC_OK &&
                 dc_olc_is_full(plus),
             "plus_code of a parsed code");
    dc_check(dc_olc_decode(plus, &area) == DC_OK && area.south == cell.south &&
                 area.west == cell.west && area.north == cell.north &&
                 area.east == cell.east,
             "plus_code and resolve disagree");
    dc_check(dc_olc_shorten(plus, DC_FUZZ_REF_LAT, DC_FUZZ_REF_LON, shortened,
                            sizeof shortened) == DC_OK &&
                 dc_olc_recover(shortened, DC_FUZZ_REF_LAT, DC_FUZZ_REF_LON, recovered,
                                sizeof recovered) == DC_OK &&
                 strcmp(recovered, plus) == 0,
             "shorten/recover round trip of the plus code");
}

static void dc_check_success(const dc_code *code, const char *oracle)
{
    char display[DC_CODE_DISPLAY_SIZE], compact[DC_CODE_COMPACT_SIZE];
    dc_code again;

    dc_check(code->postcode <= 99999, "postcode over 99999");
    dc_check(code->location[DC_CODE_LOCATION_CHARS] == '\0', "location not terminated");
    dc_check(dc_code_format(code, DC_CODE_COMPACT, compact, sizeof compact) == DC_OK,
             "format compact");
    dc_check(strcmp(compact, oracle) == 0, "compact form is not the input's characters");
    dc_check(dc_code_format(code, DC_CODE_DISPLAY, display, sizeof display) == DC_OK &&
                 strlen(display) == DC_CODE_DISPLAY_SIZE - 1,
             "format display");
    dc_check(dc_code_parse(display, strlen(display), &again, NULL) == DC_OK &&
                 dc_code_equal(code, &again) && memcmp(code, &again, sizeof again) == 0,
             "parse(display) round trip");
    dc_check(dc_code_parse(compact, strlen(compact), &again, NULL) == DC_OK &&
                 dc_code_equal(code, &again),
             "parse(compact) round trip");
    dc_check_resolve(code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dc_code code;
    dc_error err;
    char oracle[DC_CODE_CHARS + 1];
    size_t count;
    /* libFuzzer may pass NULL with size 0; so may the contract. */
    const char *text = (const char *)data;

    memset(&code, DC_SENTINEL, sizeof code);
    memset(&err, DC_SENTINEL, sizeof err);
    dc_err rc = dc_code_parse(text, size, &code, &err);
    bool lookalike;
    bool valid = dc_oracle(data, size, oracle, &count, &lookalike);

    dc_check((rc == DC_OK) == (valid && !lookalike),
             "parse and oracle disagree on validity");
    dc_check((rc == DC_E_CODE_EMPTY) == (count == 0), "empty iff no significant byte");
    dc_check(rc != DC_E_CODE_LOOKALIKE || lookalike, "look-alike error without one");
    if (valid && lookalike) {
        /* The suggestion is the code the input reads as. */
        dc_code want;
        char display[DC_CODE_DISPLAY_SIZE], tail[40];
        dc_check(rc == DC_E_CODE_LOOKALIKE, "a look-alike code was not refused");
        dc_check(dc_code_parse(oracle, DC_CODE_CHARS, &want, NULL) == DC_OK &&
                     dc_code_format(&want, DC_CODE_DISPLAY, display, sizeof display) ==
                         DC_OK,
                 "the folded input does not parse");
        snprintf(tail, sizeof tail, "did you mean %s?", display);
        size_t m = strlen(err.message), t = strlen(tail);
        dc_check(m > t && strcmp(err.message + m - t, tail) == 0, "no suggestion");
    }
    if (rc == DC_OK)
        dc_check_success(&code, oracle);
    else
        dc_check_failure(rc, &code, &err);

    dc_code plain;
    dc_check(dc_code_parse(text, size, &plain, NULL) == rc, "result depends on err");
    return 0;
}
