/*
 * test_code.c - the diachi address code: parse, format, make, resolve and
 * the global Plus Code, as tables of concrete cases, then a property test
 * over a million seeded random points in and around Vietnam.
 *
 * Expected codes were computed independently with exact decimal arithmetic
 * (the OLC algorithm by hand), not by this library.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/code.h"
#include "support.h"

/* A string literal and its length in bytes, embedded NULs included. */
#define DC_BYTES(s) (s), (sizeof(s) - 1)

/* Fills outputs before a call, to see whether a failing call wrote them. */
#define DC_SENTINEL 0xA5

/* Absolute tolerance for decoded cell edges (as the OLC tests use). */
#define DC_EDGE_TOLERANCE 1e-10

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */
/* ---------------------------------------------------------------------- */

static dc_code dc_make_code(uint32_t postcode, const char *location)
{
    dc_code c;
    memset(&c, 0, sizeof c);
    c.postcode = postcode;
    snprintf(c.location, sizeof c.location, "%s", location);
    return c;
}

static bool dc_all_bytes(const void *p, size_t n, unsigned char value)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != value) return false;
    return true;
}

/* The dc_error contract: repeats the code; one non-empty line of text. */
static void dc_assert_error_filled(const dc_error *err, dc_err rc)
{
    assert_int_equal(err->code, rc);
    assert_non_null(memchr(err->message, '\0', sizeof err->message));
    assert_true(strlen(err->message) > 0);
    assert_null(strchr(err->message, '\n'));
    assert_true(dc_is_utf8(err->message));
}

static void dc_assert_cell(const dc_olc_area *cell, double south, double west,
                           double north, double east)
{
    assert_true(fabs(cell->south - south) <= DC_EDGE_TOLERANCE);
    assert_true(fabs(cell->west - west) <= DC_EDGE_TOLERANCE);
    assert_true(fabs(cell->north - north) <= DC_EDGE_TOLERANCE);
    assert_true(fabs(cell->east - east) <= DC_EDGE_TOLERANCE);
    assert_true(fabs(cell->lat - (south + north) / 2) <= DC_EDGE_TOLERANCE);
    assert_true(fabs(cell->lon - (west + east) / 2) <= DC_EDGE_TOLERANCE);
    assert_int_equal(cell->length, DC_CODE_OLC_DIGITS);
}

/* ---------------------------------------------------------------------- */
/* (a) Parsing                                                             */
/* ---------------------------------------------------------------------- */

typedef struct dc_parse_case {
    const char *text;
    size_t len;
    dc_err want;
    uint32_t postcode;    /* on success */
    const char *location; /* on success */
    int position;         /* on failure, when non-zero: "character N ..." */
    const char *message;  /* on failure, when non-NULL: the exact message */
} dc_parse_case;

static const dc_parse_case dc_parse_cases[] = {
    /* Accepted forms. */
    {DC_BYTES("32101 92P9+G54"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("3210192P9G54"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("32101 92p9+g54"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("32101 92P9+f5j"), DC_OK, 32101, "92P9F5J", 0, NULL},
    {DC_BYTES("  32101\t\t92P9 + G54 \t"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("32-101.92P9-G.54"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("321.01-92.P9--G54..."), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("+3210192P9G54"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("3210192P9G54+"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("32101+92P9G54"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("3+2+1+0+1+9+2+P+9+G+5+4"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("++32101 92P9++G54++"), DC_OK, 32101, "92P9G54", 0, NULL},
    {DC_BYTES("00000 2222+222"), DC_OK, 0, "2222222", 0, NULL},
    {DC_BYTES("99999 XXXX+XXX"), DC_OK, 99999, "XXXXXXX", 0, NULL},
    {DC_BYTES("70000 qpg2+q96"), DC_OK, 70000, "QPG2Q96", 0, NULL},
    /* Only @p len bytes are read: the tail is not part of the input. */
    {"3210192P9G54IIII", 12, DC_OK, 32101, "92P9G54", 0, NULL},

    /* Nothing significant. */
    {DC_BYTES(""), DC_E_CODE_EMPTY, 0, NULL, 0, NULL},
    {DC_BYTES(" "), DC_E_CODE_EMPTY, 0, NULL, 0, NULL},
    {DC_BYTES(" \t-.+ .-\t+"), DC_E_CODE_EMPTY, 0, NULL, 0, NULL},
    {NULL, 0, DC_E_CODE_EMPTY, 0, NULL, 0, NULL},

    /* Wrong number of significant characters. */
    {DC_BYTES("32101 92P9+G5"), DC_E_CODE_LENGTH, 0, NULL, 0,
     "expected 12 significant characters, got 11"},
    {DC_BYTES("32101 92P9+G54X"), DC_E_CODE_LENGTH, 0, NULL, 0,
     "expected 12 significant characters, got 13"},
    {DC_BYTES("3"), DC_E_CODE_LENGTH, 0, NULL, 0,
     "expected 12 significant characters, got 1"},
    {DC_BYTES("32101"), DC_E_CODE_LENGTH, 0, NULL, 0, NULL},
    {DC_BYTES("321019"), DC_E_CODE_LENGTH, 0, NULL, 0, NULL},

    /* Letters outside the code alphabet in the location part. */
    {DC_BYTES("32101 9IP9+G54"), DC_E_CODE_CHAR, 0, NULL, 8,
     "character 8 'I' is not in the code alphabet"},
    {DC_BYTES("32101 92P9+G5O"), DC_E_CODE_CHAR, 0, NULL, 14,
     "character 14 'O' is not in the code alphabet"},
    {DC_BYTES("32101 92P9+L54"), DC_E_CODE_CHAR, 0, NULL, 12,
     "character 12 'L' is not in the code alphabet"},
    {DC_BYTES("32101 92P0+G54"), DC_E_CODE_CHAR, 0, NULL, 10,
     "character 10 '0' is not in the code alphabet"},
    {DC_BYTES("32101 12P9+G54"), DC_E_CODE_CHAR, 0, NULL, 7,
     "character 7 '1' is not in the code alphabet"},
    {DC_BYTES("3210192P9GA4"), DC_E_CODE_CHAR, 0, NULL, 11, NULL},
    {DC_BYTES("32101 92P9_G5"), DC_E_CODE_CHAR, 0, NULL, 11, NULL},

    /* A non-digit in the postcode part. */
    {DC_BYTES("3A101 92P9+G54"), DC_E_CODE_POSTCODE, 0, NULL, 2, NULL},
    {DC_BYTES("3210C 92P9+G54"), DC_E_CODE_POSTCODE, 0, NULL, 5, NULL},
    {DC_BYTES("X2101 92P9+G54"), DC_E_CODE_POSTCODE, 0, NULL, 1, NULL},
    /* A pasted global Plus Code has 12 characters but no postcode. */
    {DC_BYTES("7PH592P9+G54"), DC_E_CODE_POSTCODE, 0, NULL, 2, NULL},

    /* Non-ASCII and raw bytes count as one character each (UTF-8). */
    {DC_BYTES("32101 92P9+G5đ"), DC_E_CODE_CHAR, 0, NULL, 14,
     "character 14 'đ' is not in the code alphabet"},
    {DC_BYTES("đ2101 92P9+G54"), DC_E_CODE_POSTCODE, 0, NULL, 1, NULL},
    {DC_BYTES("32101 92P9+G5\xff"), DC_E_CODE_CHAR, 0, NULL, 14, NULL},
    /* 0xF8..0xFF never start a UTF-8 sequence: quoting "\xff\x80\x80" as one
     * character would put invalid UTF-8 in the message (found by fuzzing). */
    {DC_BYTES("32101 92P9+G5\xff\x80\x80"), DC_E_CODE_CHAR, 0, NULL, 14, NULL},
    {DC_BYTES("\xf8\x80\x80\x80\x80 92P9+G54"), DC_E_CODE_POSTCODE, 0, NULL, 1, NULL},
    /* Byte sequences shaped like UTF-8 that are not: a surrogate, an overlong
     * '/', a code point past U+10FFFF. Quoted raw, they break JSON bodies. */
    {DC_BYTES("32101 92P9+G5\xed\xa0\x80"), DC_E_CODE_CHAR, 0, NULL, 14, NULL},
    {DC_BYTES("32101 92P9+G5\xe0\x80\xaf"), DC_E_CODE_CHAR, 0, NULL, 14, NULL},
    {DC_BYTES("32101 92P9+G5\xf4\x90\x80\x80"), DC_E_CODE_CHAR, 0, NULL, 14, NULL},
    {DC_BYTES("32101 92P9+G5\0"), DC_E_CODE_CHAR, 0, NULL, 14, NULL},

    /* Pasted from Excel (CR LF), a web page or a word processor: the
     * separators and full-width forms of docs/FORMAT.md's table fold. */
    {DC_BYTES("32101 92P9+F5C\r\n"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("\r\n32101\r92P9\nF5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("32101\u00a092P9+F5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("32101\u202f92P9+F5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("32101\u200792P9+F5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("32101\u300092P9+F5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("32101\u201392P9\u2014F5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("32\u2212101 92P9\u2011F5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("\ufeff32101\u00ad92P9\u200bF5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("\uff13\uff12\uff11\uff10\uff11\u3000\uff19\uff12\uff30\uff19"
              "\uff0b\uff26\uff15\uff23"),
     DC_OK, 32101, "92P9F5C", 0, NULL},
    {DC_BYTES("32101 92\uff50\uff19\uff0b\uff46\uff15\uff43"), DC_OK, 32101, "92P9F5C", 0,
     NULL},
    {DC_BYTES("32101\uff0d92P9\uff0eF5C"), DC_OK, 32101, "92P9F5C", 0, NULL},
    /* Full-width characters count as one character each. */
    {DC_BYTES("\uff13\uff12\uff11\uff10\uff11 92P9\uff0b\uff26\uff15\uff29"),
     DC_E_CODE_CHAR, 0, NULL, 14, "character 14 '\uff29' is not in the code alphabet"},
    /* Look-alike letters: never folded silently, always the suggestion. */
    {DC_BYTES("32101 92P9+F5\u0421"), DC_E_CODE_LOOKALIKE, 0, NULL, 14,
     "character 14 '\u0421' (Cyrillic) looks like 'C': did you mean 32101 92P9+F5C?"},
    {DC_BYTES("32101 92\u04209+F5C"), DC_E_CODE_LOOKALIKE, 0, NULL, 9,
     "character 9 '\u0420' (Cyrillic) looks like 'P': did you mean 32101 92P9+F5C?"},
    {DC_BYTES("32101 92P9+F5\u03a7"), DC_E_CODE_LOOKALIKE, 0, NULL, 14,
     "character 14 '\u03a7' (Greek) looks like 'X': did you mean 32101 92P9+F5X?"},
    {DC_BYTES("32101 92\u03c19+f5\u0441"), DC_E_CODE_LOOKALIKE, 0, NULL, 9,
     "character 9 '\u03c1' (Greek) looks like 'p': did you mean 32101 92P9+F5C?"},
    {DC_BYTES("32101 \u041c\u041d\u0425\u0420+\u0421\u0421\u0421"), DC_E_CODE_LOOKALIKE,
     0, NULL, 7,
     "character 7 '\u041c' (Cyrillic) looks like 'M': did you mean 32101 MHXP+CCC?"},
    {DC_BYTES("\u04172101 92P9+F5C"), DC_E_CODE_LOOKALIKE, 0, NULL, 1,
     "character 1 '\u0417' (Cyrillic) looks like '3': did you mean 32101 92P9+F5C?"},
    /* A look-alike with another fault after it: both said. */
    {DC_BYTES("32101 92\u04209+F5"), DC_E_CODE_LOOKALIKE, 0, NULL, 9,
     "character 9 '\u0420' (Cyrillic) looks like 'P', and even so: expected 12 "
     "significant characters, got 11"},
    {DC_BYTES("32101 92\u04209+F5I"), DC_E_CODE_LOOKALIKE, 0, NULL, 9,
     "character 9 '\u0420' (Cyrillic) looks like 'P', and even so: character 14 'I' "
     "is not in the code alphabet"},
    /* A fault before the first look-alike is reported as itself. */
    {DC_BYTES("3A101 92P9+F5\u0421"), DC_E_CODE_POSTCODE, 0, NULL, 2, NULL},
    /* A look-alike of a letter outside the alphabet is just not in it. */
    {DC_BYTES("32101 92P9+F5\u0412"), DC_E_CODE_CHAR, 0, NULL, 14,
     "character 14 '\u0412' is not in the code alphabet"},
};

static void dc_check_parse_case(size_t i, const dc_parse_case *pc)
{
    dc_code code;
    dc_error err;
    memset(&code, DC_SENTINEL, sizeof code);
    memset(&err, DC_SENTINEL, sizeof err);

    dc_err rc = dc_code_parse(pc->text, pc->len, &code, &err);
    if (rc != pc->want)
        fail_msg("case %zu \"%.*s\": got %d, want %d (%s)", i, (int)pc->len,
                 pc->text ? pc->text : "", (int)rc, (int)pc->want,
                 rc != DC_OK ? err.message : "");
    if (rc == DC_OK) {
        dc_code want = dc_make_code(pc->postcode, pc->location);
        assert_int_equal(code.postcode, want.postcode);
        assert_string_equal(code.location, want.location);
        assert_memory_equal(&code, &want, sizeof code);
        return;
    }
    /* Output is written only on success. */
    assert_true(dc_all_bytes(&code, sizeof code, DC_SENTINEL));
    if (!dc_is_utf8(err.message))
        fail_msg("case %zu \"%.*s\": message is not well-formed UTF-8: \"%s\"", i,
                 (int)pc->len, pc->text, err.message);
    dc_assert_error_filled(&err, rc);
    if (pc->message) assert_string_equal(err.message, pc->message);
    if (pc->position) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "character %d ", pc->position);
        if (strncmp(err.message, prefix, strlen(prefix)) != 0)
            fail_msg("case %zu: message \"%s\" does not start with \"%s\"", i,
                     err.message, prefix);
    }
    /* The same answer without an error record. */
    assert_int_equal(dc_code_parse(pc->text, pc->len, &code, NULL), rc);
}

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_parse_cases / sizeof dc_parse_cases[0]; i++)
        dc_check_parse_case(i, &dc_parse_cases[i]);
}

static void test_parse_arguments(void **state)
{
    (void)state;
    dc_code code;
    dc_error err;
    assert_int_equal(dc_code_parse(NULL, 3, &code, &err), DC_E_INVALID_ARG);
    assert_int_equal(err.code, DC_E_INVALID_ARG);
    assert_int_equal(dc_code_parse(DC_BYTES("3210192P9G54"), NULL, &err),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_code_parse(DC_BYTES("3210192P9G54"), NULL, NULL),
                     DC_E_INVALID_ARG);
}

/* 1 MiB inputs: a parser must stay linear and report, not overflow. */
static void test_parse_huge(void **state)
{
    (void)state;
    const size_t n = 1u << 20;
    char *text = malloc(n);
    assert_non_null(text);
    dc_code code;
    dc_error err;

    for (size_t i = 0; i < n; i++)
        text[i] = "23456789"[i % 8];
    assert_int_equal(dc_code_parse(text, n, &code, &err), DC_E_CODE_LENGTH);
    dc_assert_error_filled(&err, DC_E_CODE_LENGTH);

    memset(text, ' ', n);
    assert_int_equal(dc_code_parse(text, n, &code, &err), DC_E_CODE_EMPTY);
    dc_assert_error_filled(&err, DC_E_CODE_EMPTY);

    /* A valid code buried in a megabyte of separators is still a code. */
    memcpy(text + n / 2, "32101 92P9+G54", 14);
    assert_int_equal(dc_code_parse(text, n, &code, &err), DC_OK);
    assert_int_equal(code.postcode, 32101);
    assert_string_equal(code.location, "92P9G54");
    free(text);
}

typedef struct dc_postcode_case {
    const char *text;
    size_t len;
    dc_err want;
    uint32_t postcode;   /* on success */
    const char *message; /* on failure: the exact message */
} dc_postcode_case;

static const dc_postcode_case dc_postcode_cases[] = {
    {DC_BYTES("32101"), DC_OK, 32101, NULL},
    {DC_BYTES("32 101"), DC_OK, 32101, NULL},
    {DC_BYTES(" 32-101\r\n"), DC_OK, 32101, NULL},
    {DC_BYTES("32\u00a0101"), DC_OK, 32101, NULL},
    {DC_BYTES("\uff13\uff12\uff11\uff10\uff11"), DC_OK, 32101, NULL},
    {DC_BYTES("00000"), DC_OK, 0, NULL},
    {DC_BYTES("99999"), DC_OK, 99999, NULL},
    {DC_BYTES(""), DC_E_CODE_EMPTY, 0, "the postcode is empty"},
    {DC_BYTES(" - "), DC_E_CODE_EMPTY, 0, "the postcode is empty"},
    {DC_BYTES("3210"), DC_E_CODE_LENGTH, 0, "expected 5 digits, got 4"},
    {DC_BYTES("321 011"), DC_E_CODE_LENGTH, 0, "expected 5 digits, got 6"},
    {DC_BYTES("32A01"), DC_E_CODE_POSTCODE, 0,
     "character 3 'A' is not a digit: a postcode is 5 digits"},
    /* Past the 5th, characters are counted, not checked (as in a code). */
    {DC_BYTES("32101 92P9+F5C"), DC_E_CODE_LENGTH, 0, "expected 5 digits, got 12"},
    {DC_BYTES("\u04172101"), DC_E_CODE_LOOKALIKE, 0,
     "character 1 '\u0417' (Cyrillic) looks like '3': did you mean 32101?"},
};

static void test_postcode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_postcode_cases / sizeof dc_postcode_cases[0]; i++) {
        const dc_postcode_case *pc = &dc_postcode_cases[i];
        uint32_t postcode = 123456;
        dc_error err;
        memset(&err, DC_SENTINEL, sizeof err);
        dc_err rc = dc_postcode_parse(pc->text, pc->len, &postcode, &err);
        if (rc != pc->want)
            fail_msg("case %zu \"%s\": got %d, want %d (%s)", i, pc->text, (int)rc,
                     (int)pc->want, rc != DC_OK ? err.message : "");
        if (rc == DC_OK) {
            assert_int_equal(postcode, pc->postcode);
            continue;
        }
        assert_int_equal(postcode, 123456);
        dc_assert_error_filled(&err, rc);
        assert_string_equal(err.message, pc->message);
    }
    uint32_t postcode;
    assert_int_equal(dc_postcode_parse(NULL, 1, &postcode, NULL), DC_E_INVALID_ARG);
    assert_int_equal(dc_postcode_parse(DC_BYTES("32101"), NULL, NULL), DC_E_INVALID_ARG);
}

static void test_significant_table(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len;
        const char *want; /* the characters; the count is its length */
    } cases[] = {
        {DC_BYTES("32101 92p9+f5c\r\n"), "3210192P9F5C"},
        {DC_BYTES("32101\u00a092\u04209+F5\u0441"), "3210192P9F5C"},
        {DC_BYTES("\uff13\uff12 I\u0412\xff"), "32IB?"},
        {DC_BYTES(" - "), ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[16];
        size_t n = dc_code_significant(cases[i].text, cases[i].len, out, sizeof out);
        assert_int_equal(n, strlen(cases[i].want));
        assert_memory_equal(out, cases[i].want, n);
    }
    char small[4];
    assert_int_equal(dc_code_significant(DC_BYTES("3210192P9F5C"), small, 4), 12);
    assert_memory_equal(small, "3210", 4);
    assert_int_equal(dc_code_significant(DC_BYTES("3210192P9F5C"), NULL, 0), 12);
}

/* ---------------------------------------------------------------------- */
/* (b) Formatting                                                          */
/* ---------------------------------------------------------------------- */

typedef struct dc_format_case {
    uint32_t postcode;
    const char *location;
    int form;
    size_t size;
    dc_err want;
    const char *text;
} dc_format_case;

static const dc_format_case dc_format_cases[] = {
    {32101, "92P9G54", DC_CODE_DISPLAY, DC_CODE_DISPLAY_SIZE, DC_OK, "32101 92P9+G54"},
    {32101, "92P9G54", DC_CODE_COMPACT, DC_CODE_COMPACT_SIZE, DC_OK, "3210192P9G54"},
    {32101, "92P9G54", DC_CODE_DISPLAY, 64, DC_OK, "32101 92P9+G54"},
    {0, "2222222", DC_CODE_DISPLAY, DC_CODE_DISPLAY_SIZE, DC_OK, "00000 2222+222"},
    {7, "QPG2Q96", DC_CODE_COMPACT, DC_CODE_COMPACT_SIZE, DC_OK, "00007QPG2Q96"},
    {99999, "XXXXXXX", DC_CODE_COMPACT, DC_CODE_COMPACT_SIZE, DC_OK, "99999XXXXXXX"},
    {32101, "92P9G54", DC_CODE_DISPLAY, DC_CODE_DISPLAY_SIZE - 1, DC_E_BUFFER, NULL},
    {32101, "92P9G54", DC_CODE_DISPLAY, DC_CODE_COMPACT_SIZE, DC_E_BUFFER, NULL},
    {32101, "92P9G54", DC_CODE_COMPACT, DC_CODE_COMPACT_SIZE - 1, DC_E_BUFFER, NULL},
    {32101, "92P9G54", DC_CODE_COMPACT, 1, DC_E_BUFFER, NULL},
    {32101, "92P9G54", DC_CODE_DISPLAY, 0, DC_E_BUFFER, NULL},
    {100000, "92P9G54", DC_CODE_DISPLAY, DC_CODE_DISPLAY_SIZE, DC_E_INVALID_ARG, NULL},
    {UINT32_MAX, "92P9G54", DC_CODE_COMPACT, 64, DC_E_INVALID_ARG, NULL},
    {32101, "92P9G54", 2, 64, DC_E_INVALID_ARG, NULL},
    {32101, "92P9G54", -1, 64, DC_E_INVALID_ARG, NULL},
};

static void test_format_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_format_cases / sizeof dc_format_cases[0]; i++) {
        const dc_format_case *fc = &dc_format_cases[i];
        dc_code code = dc_make_code(fc->postcode, fc->location);
        char out[64];
        memset(out, DC_SENTINEL, sizeof out);
        dc_err rc = dc_code_format(&code, (dc_code_form)fc->form, out, fc->size);
        if (rc != fc->want)
            fail_msg("format case %zu: got %d, want %d", i, (int)rc, (int)fc->want);
        if (rc == DC_OK)
            assert_string_equal(out, fc->text);
        else
            assert_true(dc_all_bytes(out, sizeof out, DC_SENTINEL));
    }
}

static void test_format_arguments(void **state)
{
    (void)state;
    dc_code code = dc_make_code(32101, "92P9G54");
    char out[DC_CODE_DISPLAY_SIZE];
    assert_int_equal(dc_code_format(NULL, DC_CODE_DISPLAY, out, sizeof out),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_code_format(&code, DC_CODE_DISPLAY, NULL, sizeof out),
                     DC_E_INVALID_ARG);
}

/* ---------------------------------------------------------------------- */
/* (c) Make, resolve, the global Plus Code                                 */
/* ---------------------------------------------------------------------- */

typedef struct dc_make_case {
    uint32_t postcode;
    double lat, lon;
    dc_err want;
    const char *location;
} dc_make_case;

static const dc_make_case dc_make_cases[] = {
    /* Points sit inside their cells, away from edges where double rounding
     * may legitimately pick the neighbour (21.3862 itself is a cell edge). */
    /* Điện Biên Phủ, east of 103 E: 7PH592P9+F5J. */
    {32101, 21.3862123, 103.0178912, DC_OK, "92P9F5J"},
    /* The design document's example cell: 7PH592P9+G54. */
    {32101, 21.3862623, 103.0179512, DC_OK, "92P9G54"},
    /* West of 103 E, same town: 7PH49XPX+FXJ. */
    {32101, 21.3862123, 102.9998912, DC_OK, "9XPXFXJ"},
    /* Longitude is normalised, whichever way round the globe. */
    {32101, 21.3862123, 463.0178912, DC_OK, "92P9F5J"},
    {32101, 21.3862123, -256.9821088, DC_OK, "92P9F5J"},
    /* Hồ Chí Minh City: 7P28QPG2+Q96. */
    {70000, 10.7769123, 106.7008912, DC_OK, "QPG2Q96"},
    /* Corners of the four 1-degree cells that meet at 21 N 103 E. */
    {32101, 21.0000001, 103.0000001, DC_OK, "2222222"}, /* 7PH52222+222 */
    {32101, 20.9999999, 102.9999999, DC_OK, "XXXXXXX"}, /* 7PG4XXXX+XXX */
    {32101, 21.0000001, 102.9999999, DC_OK, "2X2X2X5"}, /* 7PH42X2X+2X5 */
    {32101, 20.9999999, 103.0000001, DC_OK, "X2X2X2R"}, /* 7PG5X2X2+X2R */
    /* The poles are codes too: 2F222222+222 and C2X2X2X2+X2R. */
    {1, -90.0, 0.0, DC_OK, "2222222"},
    {99999, 90.0, 180.0, DC_OK, "X2X2X2R"},
    /* Invalid arguments. */
    {100000, 21.3862, 103.0179, DC_E_INVALID_ARG, NULL},
    {32101, 90.0000001, 103.0179, DC_E_INVALID_ARG, NULL},
    {32101, -91.0, 103.0179, DC_E_INVALID_ARG, NULL},
    {32101, NAN, 103.0179, DC_E_INVALID_ARG, NULL},
    {32101, 21.3862, NAN, DC_E_INVALID_ARG, NULL},
    {32101, INFINITY, 103.0179, DC_E_INVALID_ARG, NULL},
    {32101, 21.3862, -INFINITY, DC_E_INVALID_ARG, NULL},
};

static void test_make_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_make_cases / sizeof dc_make_cases[0]; i++) {
        const dc_make_case *mc = &dc_make_cases[i];
        dc_code code;
        memset(&code, DC_SENTINEL, sizeof code);
        dc_err rc = dc_code_make(mc->postcode, mc->lat, mc->lon, &code);
        if (rc != mc->want)
            fail_msg("make case %zu (%.7f, %.7f): got %d, want %d", i, mc->lat, mc->lon,
                     (int)rc, (int)mc->want);
        if (rc != DC_OK) {
            assert_true(dc_all_bytes(&code, sizeof code, DC_SENTINEL));
            continue;
        }
        dc_code want = dc_make_code(mc->postcode, mc->location);
        if (memcmp(&code, &want, sizeof code) != 0)
            fail_msg("make case %zu (%.7f, %.7f): got %u %s, want %u %s", i, mc->lat,
                     mc->lon, code.postcode, code.location, want.postcode, want.location);
    }
    assert_int_equal(dc_code_make(32101, 21.3862123, 103.0178912, NULL),
                     DC_E_INVALID_ARG);
}

typedef struct dc_make_int_case {
    uint32_t postcode;
    int64_t lat_int, lon_int;
    dc_err want;
    const char *location;
} dc_make_int_case;

static const dc_make_int_case dc_make_int_cases[] = {
    {32101, 2784655307, 2318482564, DC_OK, "92P9F5J"},
    {32101, 2784656557, 2318483056, DC_OK, "92P9G54"},
    {32101, 2784655307, 2318335108, DC_OK, "9XPXFXJ"},
    /* The south-west corner of the cell is in it. */
    {32101, 2784655000, 2318482432, DC_OK, "92P9F5J"},
    {0, 0, 1474560000, DC_OK, "2222222"},
    {99999, 4499999999, 0, DC_OK, "X2X2X2R"},
    {100000, 2784655307, 2318482564, DC_E_INVALID_ARG, NULL},
};

static void test_make_int_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_make_int_cases / sizeof dc_make_int_cases[0]; i++) {
        const dc_make_int_case *mc = &dc_make_int_cases[i];
        dc_code code;
        dc_err rc = dc_code_make_int(mc->postcode, mc->lat_int, mc->lon_int, &code);
        if (rc != mc->want)
            fail_msg("make_int case %zu: got %d, want %d", i, (int)rc, (int)mc->want);
        if (rc != DC_OK) continue;
        dc_code want = dc_make_code(mc->postcode, mc->location);
        assert_string_equal(code.location, want.location);
        assert_memory_equal(&code, &want, sizeof code);
    }
}

/* Positions as stored in the index (degrees x 1e7) convert exactly. */
typedef struct dc_e7_case {
    int32_t lat_e7, lon_e7;
    bool ok;
    int64_t lat_int, lon_int;
    const char *location;
} dc_e7_case;

static const dc_e7_case dc_e7_cases[] = {
    {213862123, 1030178912, true, 2784655307, 2318482564, "92P9F5J"},
    /* 21.3862 N is a cell edge: exact arithmetic keeps it in 7PH592P9+F5J,
     * where the double product 21.3862 * 2.5e7 falls one unit short. */
    {213862000, 1030179000, true, 2784655000, 2318482636, "92P9F5J"},
    {210000001, 1030000001, true, 2775000002, 2318336000, "2222222"},
    {209999999, 1029999999, true, 2774999997, 2318335999, "XXXXXXX"},
    {107769123, 1067008912, true, 2519422807, 2348653700, "QPG2Q96"},
    /* The corners of the world: clipped north, wrapped east. */
    {900000000, 1800000000, true, 4499999999, 0, "X2X2X2R"},
    {-900000000, -1800000000, true, 0, 0, "2222222"},
    {900000001, 0, false, 0, 0, NULL},
    {-900000001, 0, false, 0, 0, NULL},
    {0, 1800000001, false, 0, 0, NULL},
    {0, -1800000001, false, 0, 0, NULL},
    {INT32_MIN, INT32_MAX, false, 0, 0, NULL},
};

static void test_make_e7_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_e7_cases / sizeof dc_e7_cases[0]; i++) {
        const dc_e7_case *ec = &dc_e7_cases[i];
        int64_t lat_int = -1, lon_int = -1;
        dc_code code;
        bool ok = dc_olc_int_of_e7(ec->lat_e7, ec->lon_e7, &lat_int, &lon_int);
        dc_err rc = dc_code_make_e7(32101, ec->lat_e7, ec->lon_e7, &code);
        if (ok != ec->ok || rc != (ec->ok ? DC_OK : DC_E_INVALID_ARG))
            fail_msg("e7 case %zu: int_of_e7 %d, make_e7 %d", i, ok, (int)rc);
        if (!ok) continue;
        assert_int_equal(lat_int, ec->lat_int);
        assert_int_equal(lon_int, ec->lon_int);
        dc_code want = dc_make_code(32101, ec->location);
        assert_memory_equal(&code, &want, sizeof code);
    }
    dc_code code;
    assert_int_equal(dc_code_make_e7(100000, 213862123, 1030178912, &code),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_code_make_e7(32101, 213862123, 1030178912, NULL),
                     DC_E_INVALID_ARG);
}

/* The exact e7 path and the double path agree, or the double path is one
 * unit less (the rounding dc_olc_to_int documents), over Vietnam. */
static void test_e7_matches_degrees(void **state)
{
    (void)state;
    uint64_t rng = 0xe7e7e7ULL;
    int one_less = 0;
    for (int i = 0; i < 1000000; i++) {
        int32_t lat_e7 = 80000000 + (int32_t)(rng_splitmix64(&rng) % 155000000);
        int32_t lon_e7 = 1020000000 + (int32_t)(rng_splitmix64(&rng) % 80000000);
        int64_t e7_lat, e7_lon, deg_lat, deg_lon;
        assert_true(dc_olc_int_of_e7(lat_e7, lon_e7, &e7_lat, &e7_lon));
        assert_int_equal(dc_olc_to_int(lat_e7 / 1e7, lon_e7 / 1e7, &deg_lat, &deg_lon),
                         DC_OK);
        if (e7_lat - deg_lat < 0 || e7_lat - deg_lat > 1 || e7_lon - deg_lon < 0 ||
            e7_lon - deg_lon > 1)
            fail_msg("e7 %d, %d: exact %lld, %lld; degrees %lld, %lld", lat_e7, lon_e7,
                     (long long)e7_lat, (long long)e7_lon, (long long)deg_lat,
                     (long long)deg_lon);
        one_less += e7_lat != deg_lat || e7_lon != deg_lon;
    }
    printf("e7 vs degrees: 1000000 positions, %d one unit less by doubles\n", one_less);
}

typedef struct dc_resolve_case {
    const char *location;
    double ref_lat, ref_lon;
    const char *plus_code;
    double south, west, north, east;
} dc_resolve_case;

/* Điện Biên Phủ's two sides of 103 E, from references on either side. */
static const dc_resolve_case dc_resolve_cases[] = {
    {"92P9F5J", 21.39, 103.02, "7PH592P9+F5J", 21.3862, 103.017875, 21.386225,
     103.01790625},
    {"92P9F5J", 21.39, 102.95, "7PH592P9+F5J", 21.3862, 103.017875, 21.386225,
     103.01790625},
    {"92P9G54", 21.39, 103.02, "7PH592P9+G54", 21.38625, 103.0179375, 21.386275,
     103.01796875},
    {"9XPXFXJ", 21.39, 103.02, "7PH49XPX+FXJ", 21.3862, 102.999875, 21.386225,
     102.99990625},
    {"9XPXFXJ", 21.39, 102.95, "7PH49XPX+FXJ", 21.3862, 102.999875, 21.386225,
     102.99990625},
    /* References across 21 N and 103 E from the cell (within 0.4 degrees). */
    {"2222222", 20.7, 102.7, "7PH52222+222", 21.0, 103.0, 21.000025, 103.00003125},
    {"XXXXXXX", 21.3, 103.3, "7PG4XXXX+XXX", 20.999975, 102.99996875, 21.0, 103.0},
    {"2X2X2X5", 20.7, 103.3, "7PH42X2X+2X5", 21.0, 102.99996875, 21.000025, 103.0},
    {"X2X2X2R", 21.3, 102.7, "7PG5X2X2+X2R", 20.999975, 103.0, 21.0, 103.00003125},
    /* Hồ Chí Minh City. */
    {"QPG2Q96", 10.8, 106.6, "7P28QPG2+Q96", 10.7769, 106.700875, 10.776925,
     106.70090625},
};

static void test_resolve_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_resolve_cases / sizeof dc_resolve_cases[0]; i++) {
        const dc_resolve_case *rc = &dc_resolve_cases[i];
        dc_code code = dc_make_code(32101, rc->location);
        dc_olc_area cell;
        char plus[DC_CODE_PLUS_SIZE] = "";

        assert_int_equal(dc_code_resolve(&code, rc->ref_lat, rc->ref_lon, &cell), DC_OK);
        dc_assert_cell(&cell, rc->south, rc->west, rc->north, rc->east);
        assert_int_equal(
            dc_code_plus_code(&code, rc->ref_lat, rc->ref_lon, plus, sizeof plus), DC_OK);
        assert_string_equal(plus, rc->plus_code);
    }
}

static void test_resolve_errors(void **state)
{
    (void)state;
    const char *bad_locations[] = {"92P9F5I", "92P9F5", "92P9F50", "", "92P9+F5"};
    dc_olc_area cell;
    char plus[64];
    for (size_t i = 0; i < sizeof bad_locations / sizeof bad_locations[0]; i++) {
        dc_code code = dc_make_code(32101, bad_locations[i]);
        memset(&cell, DC_SENTINEL, sizeof cell);
        assert_int_equal(dc_code_resolve(&code, 21.39, 103.02, &cell), DC_E_INVALID_ARG);
        assert_true(dc_all_bytes(&cell, sizeof cell, DC_SENTINEL));
        assert_int_equal(dc_code_plus_code(&code, 21.39, 103.02, plus, sizeof plus),
                         DC_E_INVALID_ARG);
    }
    dc_code code = dc_make_code(32101, "92P9F5J");
    assert_int_equal(dc_code_resolve(&code, NAN, 103.02, &cell), DC_E_INVALID_ARG);
    assert_int_equal(dc_code_resolve(&code, 21.39, NAN, &cell), DC_E_INVALID_ARG);
    assert_int_equal(dc_code_resolve(NULL, 21.39, 103.02, &cell), DC_E_INVALID_ARG);
    assert_int_equal(dc_code_resolve(&code, 21.39, 103.02, NULL), DC_E_INVALID_ARG);

    memset(plus, DC_SENTINEL, sizeof plus);
    assert_int_equal(dc_code_plus_code(&code, 21.39, 103.02, plus, DC_CODE_PLUS_SIZE - 1),
                     DC_E_BUFFER);
    assert_true(dc_all_bytes(plus, sizeof plus, DC_SENTINEL));
    assert_int_equal(dc_code_plus_code(&code, NAN, 103.02, plus, sizeof plus),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_code_plus_code(&code, 21.39, 103.02, NULL, sizeof plus),
                     DC_E_INVALID_ARG);
}

typedef struct dc_range_case {
    double lat, lon, ref_lat, ref_lon;
    bool want;
} dc_range_case;

static const dc_range_case dc_range_cases[] = {
    {21.3862, 103.0179, 21.3862, 103.0179, true},
    {21.0, 103.0, 21.3999, 103.0, true},
    {21.0, 103.0, 20.6001, 102.6001, true},
    {21.0, 103.0, 21.3999, 103.3999, true},
    {21.0, 103.0, 21.4001, 103.0, false},
    {21.0, 103.0, 21.0, 102.5999, false},
    {21.0, 103.0, 22.0, 104.0, false},
    {21.0, 103.0, NAN, 103.0, false},
    {NAN, 103.0, 21.0, 103.0, false},
};

static void test_recovery_range(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_range_cases / sizeof dc_range_cases[0]; i++) {
        const dc_range_case *r = &dc_range_cases[i];
        if (dc_code_in_recovery_range(r->lat, r->lon, r->ref_lat, r->ref_lon) != r->want)
            fail_msg("range case %zu: want %d", i, r->want);
    }
}

static void test_equal(void **state)
{
    (void)state;
    dc_code a = dc_make_code(32101, "92P9G54");
    dc_code b = dc_make_code(32101, "92P9G54");
    dc_code other_postcode = dc_make_code(32102, "92P9G54");
    dc_code other_location = dc_make_code(32101, "92P9G55");
    assert_true(dc_code_equal(&a, &b));
    assert_true(dc_code_equal(&a, &a));
    assert_false(dc_code_equal(&a, &other_postcode));
    assert_false(dc_code_equal(&a, &other_location));
    assert_false(dc_code_equal(&a, NULL));
    assert_false(dc_code_equal(NULL, &a));
    assert_false(dc_code_equal(NULL, NULL));
}

/* ---------------------------------------------------------------------- */
/* (e) OLC argument edges the conformance vectors do not reach             */
/* ---------------------------------------------------------------------- */

static void test_olc_edges(void **state)
{
    (void)state;
    char out[64];
    static const int bad_lengths[] = {-1, 0, 1, 3, 5, 7, 9};
    for (size_t i = 0; i < sizeof bad_lengths / sizeof bad_lengths[0]; i++)
        assert_int_equal(
            dc_olc_encode_int(2784655000, 2318482636, bad_lengths[i], out, sizeof out),
            DC_E_OLC_LENGTH);
    /* "7PH592P9+F5J" is 12 characters: 13 bytes fit, 12 do not. */
    assert_int_equal(dc_olc_encode_int(2784655000, 2318482636, 11, out, 13), DC_OK);
    assert_string_equal(out, "7PH592P9+F5J");
    assert_int_equal(dc_olc_encode_int(2784655000, 2318482636, 11, out, 12), DC_E_BUFFER);
    assert_int_equal(dc_olc_encode_int(2784655000, 2318482636, 11, NULL, 13),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_olc_encode(21.3862123, 103.0178912, 11, out, sizeof out), DC_OK);
    assert_string_equal(out, "7PH592P9+F5J");
    assert_int_equal(dc_olc_encode(NAN, 103.0179, 11, out, sizeof out), DC_E_INVALID_ARG);

    int64_t lat_int = 7, lon_int = 7;
    assert_int_equal(dc_olc_to_int(NAN, 1.0, &lat_int, &lon_int), DC_E_INVALID_ARG);
    assert_int_equal(dc_olc_to_int(1.0, INFINITY, &lat_int, &lon_int), DC_E_INVALID_ARG);
    assert_int_equal(lat_int, 7);
    assert_int_equal(lon_int, 7);
    assert_int_equal(dc_olc_to_int(21.3862123, 103.0178912, &lat_int, &lon_int), DC_OK);
    assert_int_equal(lat_int, 2784655307);
    assert_int_equal(lon_int, 2318482564);
    /* Clipped and wrapped as the reference libraries do. */
    assert_int_equal(dc_olc_to_int(95.0, -180.0, &lat_int, &lon_int), DC_OK);
    assert_int_equal(lat_int, 4499999999);
    assert_int_equal(lon_int, 0);
    assert_int_equal(dc_olc_to_int(-95.0, 180.0, &lat_int, &lon_int), DC_OK);
    assert_int_equal(lat_int, 0);
    assert_int_equal(lon_int, 0);

    dc_olc_area area;
    assert_int_equal(dc_olc_decode("92P9+F5J", &area), DC_E_OLC_NOT_FULL);
    assert_int_equal(dc_olc_decode("7PH592P9+F5I", &area), DC_E_OLC_INVALID);
    assert_int_equal(dc_olc_decode("", &area), DC_E_OLC_INVALID);
    assert_int_equal(dc_olc_decode(NULL, &area), DC_E_INVALID_ARG);
    assert_int_equal(dc_olc_decode("7PH592P9+F5J", NULL), DC_E_INVALID_ARG);

    assert_int_equal(dc_olc_shorten("92P9+F5J", 21.39, 103.02, out, sizeof out),
                     DC_E_OLC_NOT_FULL);
    assert_int_equal(dc_olc_shorten("7PH50000+", 21.39, 103.02, out, sizeof out),
                     DC_E_OLC_PADDED);
    assert_int_equal(dc_olc_shorten("7PH592P9+F5J", NAN, 103.02, out, sizeof out),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_olc_shorten("7PH592P9+F5J", 21.3862123, 103.0178912, out, 4),
                     DC_E_BUFFER);
    assert_int_equal(dc_olc_recover("92P9+F5I", 21.39, 103.02, out, sizeof out),
                     DC_E_OLC_INVALID);
    assert_int_equal(dc_olc_recover("92P9+F5J", NAN, 103.02, out, sizeof out),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_olc_recover("92P9+F5J", 21.39, 103.02, out, 12), DC_E_BUFFER);
    assert_int_equal(dc_olc_recover("92p9+f5j", 21.39, 103.02, out, 13), DC_OK);
    assert_string_equal(out, "7PH592P9+F5J");
}

/* ---------------------------------------------------------------------- */
/* (d) Property test                                                       */
/* ---------------------------------------------------------------------- */

#define DC_PROPERTY_POINTS 1000000
#define DC_PROPERTY_SEED 0x5eed0d1ac41ULL
/* Strictly inside the 0.4-degree recovery margin. */
#define DC_REFERENCE_OFFSET 0.3999
#define DC_MAX_REPORTS 10

/* Uniform in (-offset, offset). */
static double dc_offset(uint64_t *state)
{
    return (2.0 * rng_splitmix64_unit(state) - 1.0) * DC_REFERENCE_OFFSET;
}

typedef struct check_point {
    uint32_t postcode;
    double lat, lon, ref_lat, ref_lon;
} check_point;

static bool dc_cell_contains(const dc_olc_area *cell, double lat, double lon)
{
    return cell->south <= lat && lat < cell->north && cell->west <= lon &&
           lon < cell->east && cell->length == DC_CODE_OLC_DIGITS;
}

/* The code of a point resolves, from any reference within the margin, to the
 * cell holding the point, and to the point's own 11-digit Plus Code. */
static const char *dc_check_make_resolve(const check_point *p, const char *full)
{
    dc_code code, from_int;
    dc_olc_area cell;
    char plus[DC_CODE_PLUS_SIZE];
    int64_t lat_int, lon_int;

    if (dc_code_make(p->postcode, p->lat, p->lon, &code) != DC_OK) return "make";
    if (code.postcode != p->postcode || memcmp(code.location, full + 4, 4) != 0 ||
        memcmp(code.location + 4, full + 9, 4) != 0)
        return "make: location is not the last 7 characters of the Plus Code";
    if (dc_olc_to_int(p->lat, p->lon, &lat_int, &lon_int) != DC_OK ||
        dc_code_make_int(p->postcode, lat_int, lon_int, &from_int) != DC_OK ||
        memcmp(&code, &from_int, sizeof code) != 0)
        return "make_int differs from make";
    if (!dc_code_in_recovery_range(p->lat, p->lon, p->ref_lat, p->ref_lon))
        return "in_recovery_range";
    if (dc_code_resolve(&code, p->ref_lat, p->ref_lon, &cell) != DC_OK) return "resolve";
    if (!dc_cell_contains(&cell, p->lat, p->lon)) return "resolved cell misses the point";
    if (dc_code_plus_code(&code, p->ref_lat, p->ref_lon, plus, sizeof plus) != DC_OK ||
        strcmp(plus, full) != 0)
        return "plus_code differs from the point's Plus Code";
    return NULL;
}

static const char *dc_check_short_forms(const check_point *p, const char *full)
{
    char shortened[DC_OLC_SIZE], recovered[DC_OLC_SIZE];

    if (dc_olc_recover(full + 4, p->ref_lat, p->ref_lon, recovered, sizeof recovered) !=
            DC_OK ||
        strcmp(recovered, full) != 0)
        return "recover of the 8-character short code";
    if (dc_olc_shorten(full, p->ref_lat, p->ref_lon, shortened, sizeof shortened) !=
        DC_OK)
        return "shorten";
    if (dc_olc_recover(shortened, p->ref_lat, p->ref_lon, recovered, sizeof recovered) !=
            DC_OK ||
        strcmp(recovered, full) != 0)
        return "recover(shorten(code)) round trip";
    return NULL;
}

static const char *dc_check_text_forms(const check_point *p)
{
    static const dc_code_form forms[] = {DC_CODE_DISPLAY, DC_CODE_COMPACT};
    dc_code code, parsed;
    char text[DC_CODE_DISPLAY_SIZE];

    if (dc_code_make(p->postcode, p->lat, p->lon, &code) != DC_OK) return "make";
    for (size_t f = 0; f < 2; f++) {
        if (dc_code_format(&code, forms[f], text, sizeof text) != DC_OK) return "format";
        if (dc_code_parse(text, strlen(text), &parsed, NULL) != DC_OK ||
            !dc_code_equal(&code, &parsed) || memcmp(&code, &parsed, sizeof code) != 0)
            return "parse(format(code)) round trip";
    }
    return NULL;
}

static const char *dc_check_point(const check_point *p)
{
    char full[DC_OLC_SIZE];
    if (dc_olc_encode(p->lat, p->lon, DC_CODE_OLC_DIGITS, full, sizeof full) != DC_OK ||
        strlen(full) != 12)
        return "encode";
    const char *why = dc_check_make_resolve(p, full);
    if (why == NULL) why = dc_check_short_forms(p, full);
    if (why == NULL) why = dc_check_text_forms(p);
    return why;
}

static check_point dc_random_point(uint64_t *state)
{
    check_point p;
    p.lat = 8.0 + rng_splitmix64_unit(state) * 15.5;
    p.lon = 102.0 + rng_splitmix64_unit(state) * 8.0;
    p.ref_lat = p.lat + dc_offset(state);
    p.ref_lon = p.lon + dc_offset(state);
    p.postcode = (uint32_t)(rng_splitmix64(state) % 100000);
    return p;
}

static int dc_report_point(const check_point *p, const char *why, int failures)
{
    if (failures < DC_MAX_REPORTS)
        printf("property failure: %s: postcode %05u point %.12f, %.12f "
               "reference %.12f, %.12f\n",
               why, p->postcode, p->lat, p->lon, p->ref_lat, p->ref_lon);
    return failures + 1;
}

static void test_property_random(void **state)
{
    (void)state;
    uint64_t rng = DC_PROPERTY_SEED;
    int failures = 0;
    for (int i = 0; i < DC_PROPERTY_POINTS; i++) {
        check_point p = dc_random_point(&rng);
        const char *why = dc_check_point(&p);
        if (why != NULL) failures = dc_report_point(&p, why, failures);
    }
    printf("property: %d random points, %d failures\n", DC_PROPERTY_POINTS, failures);
    assert_int_equal(failures, 0);
}

/* Points 1e-7 degrees either side of 21 N and 103 E, each from references
 * on every side of both lines: the dropped prefix differs between them. */
static void test_property_meridian(void **state)
{
    (void)state;
    static const double lats[] = {21.0 - 1e-7, 21.0, 21.0 + 1e-7};
    static const double lons[] = {103.0 - 1e-7, 103.0, 103.0 + 1e-7};
    static const double offsets[] = {-0.3999, -0.2, -1e-7, 0.0, 1e-7, 0.2, 0.3999};
    int failures = 0, checked = 0;
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t c = 0; c < 7; c++)
                for (size_t d = 0; d < 7; d++) {
                    check_point p = {32101, lats[a], lons[b], lats[a] + offsets[c],
                                  lons[b] + offsets[d]};
                    const char *why = dc_check_point(&p);
                    if (why != NULL) failures = dc_report_point(&p, why, failures);
                    checked++;
                }
    printf("property: %d points at 21 N / 103 E, %d failures\n", checked, failures);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_arguments),
        cmocka_unit_test(test_parse_huge),
        cmocka_unit_test(test_postcode_table),
        cmocka_unit_test(test_significant_table),
        cmocka_unit_test(test_format_table),
        cmocka_unit_test(test_format_arguments),
        cmocka_unit_test(test_make_table),
        cmocka_unit_test(test_make_int_table),
        cmocka_unit_test(test_make_e7_table),
        cmocka_unit_test(test_e7_matches_degrees),
        cmocka_unit_test(test_resolve_table),
        cmocka_unit_test(test_resolve_errors),
        cmocka_unit_test(test_recovery_range),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_olc_edges),
        cmocka_unit_test(test_property_meridian),
        cmocka_unit_test(test_property_random),
    };
    return cmocka_run_group_tests_name("code", tests, NULL, NULL);
}
