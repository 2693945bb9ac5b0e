/*
 * test_jw.c - the JSON writer and the renderer's text handling: commas and
 * nesting, string escapes, numbers formatted by hand (e7 degrees, fixed
 * decimals), and input that is not UTF-8 replaced rather than echoed.
 * Every case is a table row with the exact bytes expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jw.h"
#include "render.h"

static void expect(dc_jw *w, const char *want)
{
    assert_false(dc_jw_failed(w));
    assert_int_equal(w->len, strlen(want));
    assert_memory_equal(w->buf, want, w->len);
}

static void test_nesting(void **state)
{
    (void)state;
    dc_jw w;
    dc_jw_init(&w);
    dc_jw_object(&w);
    dc_jw_key(&w, "a");
    dc_jw_array(&w);
    dc_jw_int(&w, 1);
    dc_jw_object(&w);
    dc_jw_end(&w);
    dc_jw_array(&w);
    dc_jw_end(&w);
    dc_jw_bool(&w, true);
    dc_jw_null(&w);
    dc_jw_end(&w);
    dc_jw_key(&w, "b");
    dc_jw_bool(&w, false);
    dc_jw_key(&w, "c");
    dc_jw_postcode(&w, 3101);
    dc_jw_end(&w);
    expect(&w, "{\"a\":[1,{},[],true,null],\"b\":false,\"c\":\"03101\"}");
    /* Reset keeps the memory and forgets the state. */
    dc_jw_reset(&w);
    dc_jw_array(&w);
    dc_jw_int(&w, -9223372036854775807LL - 1);
    dc_jw_int(&w, 0);
    dc_jw_end(&w);
    expect(&w, "[-9223372036854775808,0]");
    dc_jw_reset(&w);
    dc_jw_array(&w);
    dc_jw_int(&w, 9223372036854775807LL);
    dc_jw_int(&w, -1);
    dc_jw_int(&w, 10387);
    dc_jw_postcode(&w, 0);
    dc_jw_postcode(&w, 99999);
    dc_jw_postcode(&w, 70713);
    dc_jw_end(&w);
    expect(&w, "[9223372036854775807,-1,10387,\"00000\",\"99999\",\"70713\"]");
    /* Closing more than was opened fails the writer. */
    dc_jw_end(&w);
    assert_true(dc_jw_failed(&w));
    dc_jw_free(&w);
}

static void test_strings(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *want;
    } cases[] = {
        {"", 0, "\"\""},
        {"Điện Biên", 13, "\"Điện Biên\""},
        {"a\"b\\c", 5, "\"a\\\"b\\\\c\""},
        {"\n\r\t", 3, "\"\\n\\r\\t\""},
        {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
        {"a\0b", 3, "\"a\\u0000b\""},
        {"/", 1, "\"/\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_jw w;
        dc_jw_init(&w);
        dc_jw_string(&w, cases[i].in, cases[i].len);
        expect(&w, cases[i].want);
        dc_jw_free(&w);
    }
}

/* A string escaped one byte at a time, as RFC 8259 section 7 says. */
static size_t escape_slowly(const unsigned char *s, size_t len, char *out)
{
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\')
            n += (size_t)sprintf(out + n, "\\%c", c);
        else if (c == '\n')
            n += (size_t)sprintf(out + n, "\\n");
        else if (c == '\t')
            n += (size_t)sprintf(out + n, "\\t");
        else if (c == '\r')
            n += (size_t)sprintf(out + n, "\\r");
        else if (c < 0x20)
            n += (size_t)sprintf(out + n, "\\u%04x", c);
        else
            out[n++] = (char)c;
    }
    out[n++] = '"';
    out[n] = '\0';
    return n;
}

/* @p text written by dc_jw_string into @p w (reset first) is what
 * escape_slowly gives. */
static void assert_escaped(dc_jw *w, const unsigned char *text, size_t len)
{
    char want[40 * 6 + 3]; /* the longest text of the tests, each byte as \u00XX */
    assert_true(len <= 40);
    dc_jw_reset(w);
    dc_jw_string(w, (const char *)text, len);
    size_t n = escape_slowly(text, len, want);
    assert_int_equal(w->len, n);
    assert_memory_equal(w->buf, want, n);
}

/* Strings are scanned eight bytes at a time: every byte that needs an
 * escape, at every place in strings of every length around a few words,
 * among bytes that do not (ASCII and UTF-8's high bytes). */
static void test_string_escapes_everywhere(void **state)
{
    (void)state;
    static const unsigned char special[] = {'"',  '\\', '\n', '\t',
                                            '\r', 0x00, 0x01, 0x1f};
    static const unsigned char plain[] = {'a', ' ', 0x7f, 0x80, 0xc3, 0xe1, 0xff, '!',
                                          '#', '[', ']',  0x20, 0x21, 0x5b, 0x5d};
    unsigned char text[40];
    dc_jw w;
    dc_jw_init(&w);
    for (size_t len = 0; len <= sizeof text; len++)
        for (size_t at = 0; at <= len; at++)
            for (size_t k = 0; k < sizeof special; k++) {
                for (size_t i = 0; i < len; i++)
                    text[i] = plain[(i + len + k) % sizeof plain];
                if (at < len) text[at] = special[k];
                assert_escaped(&w, text, len);
            }
    dc_jw_free(&w);
}

/* Two bytes that need escapes in one string, at every pair of places in
 * strings up to three words long: the second may sit in the word of the
 * first, just above it (where a borrow from a control byte or a NUL marks
 * bytes that need nothing), or in a later word. */
static void test_string_escapes_in_pairs(void **state)
{
    (void)state;
    static const unsigned char special[] = {'"',  '\\', '\n', '\t',
                                            '\r', 0x00, 0x01, 0x1f};
    /* '#', ']' and ' ' are marked when just above a '"', a '\\' and a
     * control: 0x22 + 1, 0x5c + 1, 0x20 */
    static const unsigned char plain[] = {'#', 'a', ']', 0x80, 0xe1, ' ', 0x21};
    unsigned char text[24];
    dc_jw w;
    dc_jw_init(&w);
    for (size_t len = 2; len <= sizeof text; len++)
        for (size_t a = 0; a < len; a++)
            for (size_t b = a + 1; b < len; b++)
                for (size_t k = 0; k < sizeof special * sizeof special; k++) {
                    for (size_t i = 0; i < len; i++)
                        text[i] = plain[(i + k) % sizeof plain];
                    text[a] = special[k % sizeof special];
                    text[b] = special[k / sizeof special];
                    assert_escaped(&w, text, len);
                }
    dc_jw_free(&w);
}

static void test_text_replaces_invalid_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"32101 92P9+F5C", "\"32101 92P9+F5C\""},
        {"ph\xc6\xb0\xe1\xbb\x9dng", "\"phường\""},
        {"a\xff"
         "b",
         "\"a\xef\xbf\xbd"
         "b\""},                                      /* not a lead byte */
        {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""}, /* overlong '/' */
        {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* surrogate */
        {"\xe1\xbb", "\"\xef\xbf\xbd\xef\xbf\xbd\""},                 /* cut short */
        {"\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
        {"\xf0\x9f\x93\xae", "\"\xf0\x9f\x93\xae\""}, /* a 4-byte letter box */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_jw w;
        dc_jw_init(&w);
        dc_render_text(&w, cases[i].in, strlen(cases[i].in));
        expect(&w, cases[i].want);
        dc_jw_free(&w);
    }
}

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        int32_t e7;
        const char *want;
    } e7[] = {
        {213640201, "21.3640201"}, {1030209141, "103.0209141"},   {0, "0.0000000"},
        {-5, "-0.0000005"},        {-1800000000, "-180.0000000"}, {10, "0.0000010"},
    };
    for (size_t i = 0; i < sizeof e7 / sizeof e7[0]; i++) {
        dc_jw w;
        char text[DC_JW_E7_SIZE];
        dc_jw_init(&w);
        dc_jw_e7(&w, e7[i].e7);
        expect(&w, e7[i].want);
        assert_int_equal(dc_jw_format_e7(e7[i].e7, text), strlen(e7[i].want));
        assert_string_equal(text, e7[i].want);
        dc_jw_free(&w);
    }
    static const struct {
        double v;
        int decimals;
        const char *want;
    } fixed[] = {
        {21.364, 9, "21.364"},
        {103.02090625, 9, "103.02090625"},
        {103.020921875, 9, "103.020921875"},
        {50, 3, "50"},
        {0.125, 2, "0.13"},
        {-0.004, 2, "0"},
        {-1.5, 1, "-1.5"},
        {12.345, 0, "12"},
        {1e300, 2, "1.0000000000000001e+300"},
        {NAN, 2, "null"},
        {INFINITY, 2, "null"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        dc_jw w;
        dc_jw_init(&w);
        dc_jw_fixed(&w, fixed[i].v, fixed[i].decimals);
        expect(&w, fixed[i].want);
        dc_jw_free(&w);
    }
}

/* An integer of @p decimals places written by printf: the whole part,
 * the places zero-padded, trailing zeros dropped when @p trim. */
static void printed_scaled(int64_t v, int decimals, bool trim, char *out)
{
    static const uint64_t pow10[] = {1,      10,      100,      1000,      10000,
                                     100000, 1000000, 10000000, 100000000, 1000000000};
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = sprintf(out, "%s%llu", v < 0 ? "-" : "",
                    (unsigned long long)(u / pow10[decimals]));
    if (decimals == 0) return;
    char places[24];
    sprintf(places, "%0*llu", decimals, (unsigned long long)(u % pow10[decimals]));
    size_t keep = (size_t)decimals;
    while (trim && keep > 0 && places[keep - 1] == '0')
        keep--;
    if (keep) sprintf(out + n, ".%.*s", (int)keep, places);
}

/* Numbers against printf's digits: every e7 near the ends of its range
 * and at random, and every number of places for random doubles of the
 * sizes an answer writes (degrees, metres) and their powers of ten. */
static void test_numbers_against_printf(void **state)
{
    (void)state;
    uint64_t rng = 0x9e3779b97f4a7c15u;
    char want[64], text[DC_JW_E7_SIZE];
    dc_jw w;
    dc_jw_init(&w);
    for (int i = 0; i < 200000; i++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        int32_t e7 = i < 2000   ? INT32_MIN + i
                     : i < 4000 ? INT32_MAX - (i - 2000)
                     : i < 6000 ? i - 5000
                                : (int32_t)(uint32_t)rng;
        printed_scaled(e7, 7, false, want);
        dc_jw_reset(&w);
        dc_jw_e7(&w, e7);
        expect(&w, want);
        assert_int_equal(dc_jw_format_e7(e7, text), strlen(want));
        assert_string_equal(text, want);
        int decimals = (int)(rng >> 40) % 10;
        double scale[] = {1e-9, 1e-3, 1, 110, 1e5, 1e9};
        double v =
            ((double)(rng >> 11) / 9007199254740992.0 - 0.5) * 2 * scale[(rng >> 32) % 6];
        if (i % 7 == 0) v = round(v * 1e4) / 1e4; /* trailing zeros to drop */
        static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
        double x = round(v * p10[decimals]);
        if (fabs(x) >= 9e15) /* past doubles' integers: printf's own */
            sprintf(want, "%.17g", v);
        else
            printed_scaled((int64_t)x, decimals, true, want);
        dc_jw_reset(&w);
        dc_jw_fixed(&w, v, decimals);
        expect(&w, want);
    }
    dc_jw_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_string_escapes_everywhere),
        cmocka_unit_test(test_string_escapes_in_pairs),
        cmocka_unit_test(test_text_replaces_invalid_utf8),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_numbers_against_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
