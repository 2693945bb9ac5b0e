/*
 * fuzz_code_parse.c - dc_code_parse on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report", every call is held to the
 * contract with an independent oracle: the parse succeeds exactly when the
 * bytes that are not separators are 5 digits then 7 alphabet characters, and
 * then the compact form is those bytes upper-cased. A broken invariant
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

static bool dc_is_separator(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '+';
}

static bool dc_in_alphabet(uint8_t c)
{
    return c != '\0' && strchr("23456789CFGHJMPQRVWX", c) != NULL;
}

static uint8_t dc_upper(uint8_t c)
{
    return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
}

/* The oracle: the input's significant bytes, upper-cased, when they form a
 * code (12 of them, 5 digits then 7 alphabet characters); else *count is
 * the number of significant bytes and false is returned. */
static bool dc_oracle(const uint8_t *data, size_t size, char compact[13], size_t *count)
{
    size_t n = 0;
    bool valid = true;
    for (size_t i = 0; i < size; i++) {
        uint8_t c = dc_upper(data[i]);
        if (dc_is_separator(c)) continue;
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
                 rc == DC_E_CODE_POSTCODE || rc == DC_E_CODE_CHAR,
             "unexpected error code");
    unsigned char untouched[sizeof *code];
    memset(untouched, DC_SENTINEL, sizeof untouched);
    dc_check(memcmp(code, untouched, sizeof *code) == 0, "code written on failure");
    dc_check(err->code == rc, "err->code differs from the return value");
    dc_check(dc_message_ok(err->message, sizeof err->message), "malformed message");
    if (rc == DC_E_CODE_CHAR || rc == DC_E_CODE_POSTCODE)
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
    bool valid = dc_oracle(data, size, oracle, &count);

    dc_check((rc == DC_OK) == valid, "parse and oracle disagree on validity");
    dc_check((rc == DC_E_CODE_EMPTY) == (count == 0), "empty iff no significant byte");
    if (rc == DC_OK)
        dc_check_success(&code, oracle);
    else
        dc_check_failure(rc, &code, &err);

    dc_code plain;
    dc_check(dc_code_parse(text, size, &plain, NULL) == rc, "result depends on err");
    return 0;
}
