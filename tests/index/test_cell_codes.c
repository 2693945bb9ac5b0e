/*
 * test_cell_codes - the registered ends of one cell and postcode
 * (dc_index_cell_codes) against the set made from the households given to
 * the build: a cell of thousands of households (its run of keys spans
 * several pages), a cell next to it, a cell two zones share, and a
 * postcode with no household in the cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/index.h"
#include "index_fixture.h"

#define ALPHABET "23456789CFGHJMPQRVWX"
#define CELL_E7 25000 /* 1/400 degree */
#define MANY 6000

/* A group of households: @p n in the cell whose south-west corner is
 * (@p south, @p west), of @p postcode, between @p lat_lo and @p lat_hi. */
typedef struct group {
    uint32_t postcode;
    int32_t south, west, lat_lo, lat_hi;
    int n;
} group;

static const group groups[] = {
    /* zone 32101 (A), a cell in its south-west corner, and the next east */
    {32101, 213800000, 1030000000, 213800000, 213825000, 4000},
    {32101, 213800000, 1030025000, 213800000, 213825000, 300},
    /* the cell at 21.3925, 103.005: 32103 (C) south of 21.393, 32104 (D,
     * C's hole) north of it */
    {32103, 213925000, 1030050000, 213925000, 213930000, 400},
    {32104, 213925000, 1030050000, 213930000, 213950000, 400},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

static dc_household_input households[MANY];
static char ids[MANY][16];
static int group_of[MANY];

static uint64_t rng;

static uint32_t next_random(uint32_t below)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % below);
}

/* The households: strictly inside their part of the cell, every fourth at
 * the door of the one before (a door of several households). */
static size_t make_households(void)
{
    size_t n = 0;
    rng = 0x243f6a8885a308d3u;
    for (size_t g = 0; g < NGROUPS; g++)
        for (int i = 0; i < groups[g].n; i++, n++) {
            const group *q = &groups[g];
            int32_t lat = q->lat_lo + 1 +
                          (int32_t)next_random((uint32_t)(q->lat_hi - q->lat_lo - 2));
            int32_t lon = q->west + 1 + (int32_t)next_random(CELL_E7 - 2);
            if (i % 4 == 3)
                lat = households[n - 1].lat_e7, lon = households[n - 1].lon_e7;
            snprintf(ids[n], sizeof ids[n], "H%05zu", n);
            households[n] = (dc_household_input){.lat_e7 = lat,
                                                 .lon_e7 = lon,
                                                 .postcode = q->postcode,
                                                 .id = ids[n],
                                                 .house_number = "1",
                                                 .street = "",
                                                 .group = ""};
            group_of[n] = (int)g;
        }
    return n;
}

/* The value in base 20 of a code's last three characters, by the
 * alphabet's order. */
static uint32_t end_of(const dc_code *code)
{
    uint32_t v = 0;
    for (int i = DC_CODE_LOCATION_CHARS - 3; i < DC_CODE_LOCATION_CHARS; i++) {
        const char *at = strchr(ALPHABET, code->location[i]);
        assert_non_null(at);
        v = v * 20 + (uint32_t)(at - ALPHABET);
    }
    return v;
}

static void expected_set(size_t n, size_t g, uint8_t set[DC_CELL_CODE_SET_BYTES])
{
    memset(set, 0, DC_CELL_CODE_SET_BYTES);
    for (size_t i = 0; i < n; i++) {
        if ((size_t)group_of[i] != g) continue;
        dc_code code;
        assert_int_equal(dc_code_make_e7(households[i].postcode, households[i].lat_e7,
                                         households[i].lon_e7, &code),
                         DC_OK);
        uint32_t v = end_of(&code);
        set[v / 8] |= (uint8_t)(1u << (v % 8));
    }
}

static int bits(const uint8_t set[DC_CELL_CODE_SET_BYTES])
{
    int n = 0;
    for (int i = 0; i < DC_CELL_CODE_SET_BYTES; i++)
        n += __builtin_popcount(set[i]);
    return n;
}

static void test_cell_codes(void **state)
{
    (void)state;
    fx_input fx;
    fx_input_make(&fx);
    size_t n = make_households();
    fx.in.households = households;
    fx.in.nhouseholds = n;
    dc_index *idx = NULL;
    dc_index_txn *txn = NULL;
    dc_error err = {0};
    if (dc_index_build(fx_path("cells.idx"), &fx.in, NULL, &err) != DC_OK)
        fail_msg("build: %s", err.message);
    assert_int_equal(dc_index_open(fx_path("cells.idx"), &idx, &err), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    /* households is sorted by the build: find each group's again */
    make_households();
    uint8_t want[DC_CELL_CODE_SET_BYTES], got[DC_CELL_CODE_SET_BYTES];
    for (size_t g = 0; g < NGROUPS; g++) {
        expected_set(n, g, want);
        int ends = bits(want);
        printf("cell %d, %d of %05u: %d households, %d ends\n", groups[g].south,
               groups[g].west, groups[g].postcode, groups[g].n, ends);
        assert_true(ends > 0 && ends < groups[g].n);
        /* any code of the cell and postcode: the last three characters
         * are not used */
        for (size_t i = 0; i < n; i += 97) {
            if ((size_t)group_of[i] != g) continue;
            dc_code code;
            assert_int_equal(dc_code_make_e7(households[i].postcode, households[i].lat_e7,
                                             households[i].lon_e7, &code),
                             DC_OK);
            memset(got, 0xa5, sizeof got);
            assert_int_equal(dc_index_cell_codes(txn, &code, got), DC_OK);
            assert_memory_equal(got, want, sizeof want);
            /* the cursor is left usable: the code is still found */
            dc_household h;
            uint32_t count;
            assert_int_equal(dc_index_code_read(txn, &code, &h, 1, &count), DC_OK);
        }
    }
    /* 32102 (B) has no household in A's cell: its code there (recovered
     * from B's reference, 1 km east) has the empty set */
    dc_code other;
    assert_int_equal(dc_code_make_e7(32102, 213810000, 1030010000, &other), DC_OK);
    assert_int_equal(dc_index_cell_codes(txn, &other, got), DC_OK);
    assert_int_equal(bits(got), 0);
    assert_int_equal(dc_index_cell_codes(NULL, &other, got), DC_E_INVALID_ARG);
    assert_int_equal(dc_index_cell_codes(txn, NULL, got), DC_E_INVALID_ARG);
    assert_int_equal(dc_index_cell_codes(txn, &other, NULL), DC_E_INVALID_ARG);
    dc_index_txn_end(txn);
    dc_index_close(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cell_codes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fx_cleanup();
    return rc;
}
