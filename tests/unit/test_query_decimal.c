/*
 * test_query_decimal.c - dc_query_decimal, the strict decimal reader of
 * the HTTP service's numbers (lat, lon, radius, limit, bbox), against
 * what the service did before it: strtod on text of the characters
 * "0123456789+-.eE" only, all of it read, no ERANGE. Cases from a table,
 * then two million texts drawn at random (seeded) in the shapes clients
 * send and in shapes they should not, each read by both to the same bits
 * or refused by both. strtod is the independent source.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_query.h"

/* The reading the service had: strtod behind a character check. */
static bool reference(const char *s, double *out)
{
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s)) return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return false;
    *out = v;
    return true;
}

static void agree(const char *s)
{
    double want = 0, got = 0;
    bool ok_want = reference(s, &want), ok_got = dc_query_decimal(s, &got);
    if (ok_want != ok_got || (ok_want && memcmp(&want, &got, sizeof want) != 0)) {
        fprintf(stderr, "\"%s\": strtod %s %.17g, dc_query_decimal %s %.17g\n", s,
                ok_want ? "reads" : "refuses", want, ok_got ? "reads" : "refuses", got);
        fail();
    }
}

static void test_table(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool ok;
        double value;
    } rows[] = {
        {"21.0285", true, 21.0285},
        {"105.8542", true, 105.8542},
        {"-0", true, -0.0},
        {"+1.", true, 1.0},
        {".5", true, 0.5},
        {"-.5e1", true, -5.0},
        {"1e22", true, 1e22},
        {"1e23", true, 1e23},
        {"0.1", true, 0.1},
        {"9007199254740993", true, 9007199254740992.0},
        {"20.43732160000000000000001", true, 20.4373216},
        {"1e-400", false, 0},
        {"1e400", false, 0},
        {"", false, 0},
        {".", false, 0},
        {"-", false, 0},
        {"1e", false, 0},
        {"1e+", false, 0},
        {"+-1", false, 0},
        {"1.2.3", false, 0},
        {" 1", false, 0},
        {"1 ", false, 0},
        {"0x10", false, 0},
        {"inf", false, 0},
        {"nan", false, 0},
        {"1,5", false, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double v = 12345;
        bool ok = dc_query_decimal(rows[i].text, &v);
        if (ok != rows[i].ok) fprintf(stderr, "row %zu: \"%s\"\n", i, rows[i].text);
        assert_int_equal(ok, rows[i].ok);
        if (ok) {
            assert_true(v == rows[i].value);
            assert_int_equal(signbit(v) != 0, signbit(rows[i].value) != 0);
        } else {
            assert_true(v == 12345); /* untouched */
        }
        agree(rows[i].text);
    }
}

static unsigned long long state_rng = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
    state_rng ^= state_rng << 13;
    state_rng ^= state_rng >> 7;
    state_rng ^= state_rng << 17;
    return (unsigned)(state_rng % n);
}

static char *put_digits(char *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        *p++ = (char)('0' + rnd(10));
    return p;
}

/* A number in a shape a client might send, now and then broken. */
static void random_number(char *text)
{
    char *p = text;
    unsigned shape = rnd(8);
    if (rnd(3) == 0) *p++ = "+-"[rnd(2)];
    if (shape < 4) { /* a coordinate or radius: up to 3 whole, up to 9 decimals */
        p = put_digits(p, 1 + rnd(3));
        if (rnd(8)) {
            *p++ = '.';
            p = put_digits(p, rnd(10));
        }
    } else { /* anything: long, exponents, leading zeros */
        p = put_digits(p, rnd(25));
        if (rnd(2)) {
            *p++ = '.';
            p = put_digits(p, rnd(25));
        }
        if (rnd(2)) {
            *p++ = "eE"[rnd(2)];
            if (rnd(2)) *p++ = "+-"[rnd(2)];
            p = put_digits(p, rnd(4));
        }
    }
    if (rnd(50) == 0) *p++ = "+-.eE0"[rnd(6)]; /* a stray character */
    *p = '\0';
}

static void test_random_sample(void **state)
{
    (void)state;
    char text[128];
    for (long i = 0; i < 2000000; i++) {
        random_number(text);
        agree(text);
    }
    /* Every double's shortest and longest forms read back exactly. */
    for (long i = 0; i < 200000; i++) {
        uint64_t bits =
            ((uint64_t)rnd(1u << 31) << 33) ^ ((uint64_t)rnd(1u << 31) << 2) ^ rnd(4);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        snprintf(text, sizeof text, "%.17g", v);
        agree(text);
        snprintf(text, sizeof text, "%.9f", v);
        agree(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_random_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
