/*
 * test_sorter.c - the build's sorter (index/src/sorter.c) against a
 * brute-force stable sort of the same records: in memory, spilled in a few
 * runs, and in so many runs that they are merged in passes; read twice
 * (rewind); ties of key and tie bytes in the order added; limits refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sorter.h"

typedef struct rec {
    uint64_t key;
    uint8_t tie[40], data[1200];
    size_t tlen, dlen, order;
} rec;

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The reference order: key, tie bytes (shorter prefix first), then the
 * order added. */
static int ref_cmp(const void *pa, const void *pb)
{
    const rec *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    size_t n = a->tlen < b->tlen ? a->tlen : b->tlen;
    int c = memcmp(a->tie, b->tie, n);
    if (c) return c;
    if (a->tlen != b->tlen) return a->tlen < b->tlen ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* Records with few distinct keys and ties, so that equal ones abound; the
 * data says which record it is. */
static rec *make_records(size_t n, uint64_t keys, size_t max_data)
{
    rec *r = calloc(n, sizeof *r);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++) {
        r[i].key = rng() % keys * 0x0101010101010101ull;
        r[i].tlen = rng() % 4;
        for (size_t j = 0; j < r[i].tlen; j++)
            r[i].tie[j] = (uint8_t)("ab\0\xff"[rng() % 4]);
        r[i].dlen = 8 + rng() % (max_data - 7);
        memcpy(r[i].data, &i, 8);
        for (size_t j = 8; j < r[i].dlen; j++)
            r[i].data[j] = (uint8_t)(i * 31 + j);
        r[i].order = i;
    }
    return r;
}

static void read_all(dc_sorter *s, const rec *want, size_t n)
{
    dc_sorted got;
    dc_error err;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(dc_sorter_next(s, &got, &err), 1);
        assert_true(got.key == want[i].key);
        assert_int_equal(got.tlen, want[i].tlen);
        assert_memory_equal(got.tie, want[i].tie, got.tlen);
        assert_int_equal(got.dlen, want[i].dlen);
        assert_memory_equal(got.data, want[i].data, got.dlen);
    }
    assert_int_equal(dc_sorter_next(s, &got, &err), 0);
}

/* Sort @p n records within @p memory, writing between @p min_runs and
 * @p max_runs runs. */
static void check_sort(size_t n, uint64_t keys, size_t max_data, size_t memory,
                       uint32_t min_runs, uint32_t max_runs)
{
    dc_error err;
    rec *r = make_records(n, keys, max_data);
    dc_sorter *s = dc_sorter_open(memory, "./test-sorter.diachi");
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(dc_sorter_add(s, r[i].key, r[i].tie, r[i].tlen, r[i].data,
                                       r[i].dlen, &err),
                         DC_OK);
    assert_int_equal(dc_sorter_finish(s, &err), DC_OK);
    assert_int_equal(dc_sorter_count(s), n);
    uint32_t runs = dc_sorter_runs(s);
    assert_true(runs >= min_runs && runs <= max_runs);
    qsort(r, n, sizeof *r, ref_cmp);
    read_all(s, r, n);
    assert_int_equal(dc_sorter_rewind(s, &err), DC_OK);
    read_all(s, r, n);
    dc_sorter_close(s);
    free(r);
}

static void in_memory(void **state)
{
    (void)state;
    rng_state = 1;
    check_sort(0, 10, 20, DC_SORTER_MIN_MEMORY, 0, 0);
    check_sort(1, 10, 20, DC_SORTER_MIN_MEMORY, 0, 0);
    check_sort(20000, 50, 40, DC_SORTER_MIN_MEMORY, 0, 0);
    check_sort(20000, 1, 40, DC_SORTER_MIN_MEMORY, 0, 0); /* one key: ties only */
}

/* About 4.5 MB of records in a 4 MiB budget: two runs and more. */
static void spilled(void **state)
{
    (void)state;
    rng_state = 2;
    check_sort(60000, 1000, 120, DC_SORTER_MIN_MEMORY, 2, 20);
    check_sort(60000, 3, 120, DC_SORTER_MIN_MEMORY, 2, 20);
}

/* About 73 MB in 4 MiB: more runs than the merge reads at once (16 of
 * 256 KiB each), so the first 16 are merged into one before reading. */
static void merged_in_passes(void **state)
{
    (void)state;
    rng_state = 3;
    check_sort(120000, 5000, 1200, DC_SORTER_MIN_MEMORY, 17, 80);
}

static void limits(void **state)
{
    (void)state;
    dc_error err;
    static uint8_t big[70000];
    dc_sorter *s = dc_sorter_open(0, "test-sorter.diachi");
    assert_non_null(s);
    assert_int_equal(dc_sorter_add(s, 1, big, 256, NULL, 0, &err), DC_E_INVALID_ARG);
    assert_int_equal(dc_sorter_add(s, 1, NULL, 0, big, 65536, &err), DC_E_INVALID_ARG);
    assert_int_equal(dc_sorter_add(s, 1, big, 255, big, 65535, &err), DC_OK);
    assert_int_equal(dc_sorter_finish(s, &err), DC_OK);
    dc_sorted got;
    assert_int_equal(dc_sorter_next(s, &got, &err), 1);
    assert_int_equal(got.tlen, 255);
    assert_int_equal(got.dlen, 65535);
    assert_int_equal(dc_sorter_next(s, &got, &err), 0);
    dc_sorter_close(s);
}

/* A spill directory that does not exist: DC_E_IO naming the path. */
static void spill_error(void **state)
{
    (void)state;
    dc_error err;
    uint8_t data[1000] = {0};
    dc_sorter *s = dc_sorter_open(0, "/nonexistent-dir/x.diachi");
    dc_err rc = DC_OK;
    for (int i = 0; i < 10000 && rc == DC_OK; i++)
        rc = dc_sorter_add(s, (uint64_t)i, NULL, 0, data, sizeof data, &err);
    assert_int_equal(rc, DC_E_IO);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x.diachi"));
    dc_sorter_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_memory),        cmocka_unit_test(spilled),
        cmocka_unit_test(merged_in_passes), cmocka_unit_test(limits),
        cmocka_unit_test(spill_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
