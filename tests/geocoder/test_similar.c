/*
 * test_similar - the similar codes of a registered code (dc_geo_similar)
 * against the brute-force answer on a real index:
 *
 *   test_similar INDEX [STRIDE]
 *
 * For every STRIDE-th registered code, each one-character substitution
 * in its location and each adjacent swap that keeps its postcode is
 * looked up in full (dc_geo_forward); the registered ones are the
 * answer. dc_geo_similar must give exactly those (or, when there are
 * more than DC_GEO_MAX_SIMILAR, that many of them), each with its own
 * household count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"

static dc_geo *geo;
static uint32_t stride = 1;

#define MAX_BRUTE 200

typedef struct brute {
    char code[MAX_BRUTE][DC_CODE_COMPACT_SIZE];
    uint32_t count[MAX_BRUTE];
    size_t n;
} brute;

/* Look @p text up in full; keep it when registered with @p postcode. */
static void try_code(dc_geo_session *s, const char *text, uint32_t postcode,
                     dc_geo_forward_result *r, brute *b)
{
    assert_int_equal(dc_geo_forward(s, text, strlen(text), r), DC_OK);
    if (r->status != DC_GEO_OK || r->place.code.postcode != postcode) return;
    assert_true(b->n < MAX_BRUTE);
    memcpy(b->code[b->n], text, DC_CODE_COMPACT_SIZE);
    b->count[b->n++] = r->household_count;
}

static void brute_similar(dc_geo_session *s, const char *compact, uint32_t postcode,
                          dc_geo_forward_result *r, brute *b)
{
    static const char alphabet[] = "23456789CFGHJMPQRVWX";
    char c[DC_CODE_COMPACT_SIZE];
    b->n = 0;
    for (int i = 5; i < 12; i++)
        for (const char *a = alphabet; *a; a++) {
            if (*a == compact[i]) continue;
            memcpy(c, compact, sizeof c);
            c[i] = *a;
            try_code(s, c, postcode, r, b);
        }
    /* A swap with a postcode digit changes the postcode: dropped. */
    for (int i = 5; i < 11; i++) {
        if (compact[i] == compact[i + 1]) continue;
        memcpy(c, compact, sizeof c);
        c[i] = compact[i + 1];
        c[i + 1] = compact[i];
        try_code(s, c, postcode, r, b);
    }
}

static void test_similar(void **state)
{
    (void)state;
    dc_geo_session *s;
    dc_geo_forward_result *r = malloc(sizeof *r), *probe = malloc(sizeof *probe);
    brute *b = malloc(sizeof *b);
    assert_non_null(r);
    assert_non_null(probe);
    assert_non_null(b);
    assert_int_equal(dc_geo_session_begin(geo, &s), DC_OK);
    const dc_index_meta *m = dc_index_info(dc_geo_index(geo));
    dc_code last = {0};
    uint64_t codes = 0, with = 0, found = 0, capped = 0, number = 0;
    for (uint32_t i = 0; i < m->households; i++) {
        dc_household h;
        assert_int_equal(dc_index_household(dc_geo_session_txn(s), i, &h), DC_OK);
        if (i > 0 && dc_code_equal(&h.code, &last)) continue; /* a door-mate */
        last = h.code;
        if (number++ % stride != 0) continue;
        char compact[DC_CODE_COMPACT_SIZE];
        dc_code_format(&h.code, DC_CODE_COMPACT, compact, sizeof compact);
        brute_similar(s, compact, h.code.postcode, probe, b);
        assert_int_equal(dc_geo_forward(s, compact, 12, r), DC_OK);
        assert_int_equal(r->status, DC_GEO_OK);
        assert_int_equal(dc_geo_similar(s, r), DC_OK);
        codes++;
        with += b->n > 0;
        found += b->n;
        capped += b->n > DC_GEO_MAX_SIMILAR;
        size_t want = b->n < DC_GEO_MAX_SIMILAR ? b->n : DC_GEO_MAX_SIMILAR;
        if (r->nsimilar != want)
            print_error("%s: %zu similar codes, the brute force finds %zu\n", compact,
                        r->nsimilar, b->n);
        assert_int_equal(r->nsimilar, want);
        for (size_t k = 0; k < r->nsimilar; k++) {
            char got[DC_CODE_COMPACT_SIZE];
            dc_code_format(&r->similar[k].place.code, DC_CODE_COMPACT, got, sizeof got);
            size_t j = 0;
            while (j < b->n && strcmp(b->code[j], got) != 0) j++;
            if (j == b->n) print_error("%s: %s is not one slip away and registered\n",
                                       compact, got);
            assert_true(j < b->n);
            assert_int_equal(r->similar[k].household_count, b->count[j]);
        }
    }
    dc_geo_session_end(s);
    printf("similar: %llu registered codes (one in %u), %llu with similar codes, "
           "%llu similar codes in all, %llu over the cap of %d\n",
           (unsigned long long)codes, stride,
           (unsigned long long)with, (unsigned long long)found,
           (unsigned long long)capped, DC_GEO_MAX_SIMILAR);
    assert_true(codes > 0);
    assert_true(with > 0);
    free(b);
    free(probe);
    free(r);
}

int main(int argc, char **argv)
{
    dc_error err;
    if (argc < 2) {
        fprintf(stderr, "usage: test_similar INDEX [STRIDE]\n");
        return 2;
    }
    if (argc > 2) stride = (uint32_t)atoi(argv[2]);
    if (stride == 0) stride = 1;
    if (dc_geo_open(argv[1], &geo, &err) != DC_OK) {
        fprintf(stderr, "test_similar: %s\n", err.message);
        return 3;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_similar)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    dc_geo_close(geo);
    return failed ? 1 : 0;
}
