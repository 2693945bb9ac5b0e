/*
 * test_history.c - editions of the zones, earlier zones and history rows
 * (diachi/history.h, docs/FORMAT.md section 2): dates, the build's
 * refusals, what the reader answers on the fixture's two editions, the
 * check on tampered records, and an index of one undated edition keeping
 * the fingerprint it had in format 7.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "diachi/history.h"
#include "index_fixture.h"
#include "seal.h"

/* ---- dates ---- */

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int32_t days; /* INT32_MIN: refused */
    } cases[] = {
        {"1970-01-01", 0},         {"2025-07-01", 20270},     {"2025-06-30", 20269},
        {"2024-01-01", 19723},     {"2000-02-29", 11016},     {"1900-01-01", -25567},
        {"2025-02-29", INT32_MIN}, {"1900-02-29", INT32_MIN}, {"2025-13-01", INT32_MIN},
        {"2025-00-10", INT32_MIN}, {"2025-04-31", INT32_MIN}, {"2025-7-01", INT32_MIN},
        {"2025/07/01", INT32_MIN}, {"1899-12-31", INT32_MIN}, {"2025-07-01x", INT32_MIN},
        {"", INT32_MIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t d = 12345;
        dc_err rc = dc_date_parse(cases[i].text, strlen(cases[i].text), &d);
        if (cases[i].days == INT32_MIN) {
            assert_int_equal(rc, DC_E_INVALID_ARG);
            assert_int_equal(d, 12345);
            continue;
        }
        assert_int_equal(rc, DC_OK);
        assert_int_equal(d, cases[i].days);
        char back[DC_DATE_SIZE];
        dc_date_format(d, back);
        assert_string_equal(back, cases[i].text);
    }
    char open[DC_DATE_SIZE];
    dc_date_format(DC_DATE_OPEN_END, open);
    assert_string_equal(open, "");
    assert_int_equal(dc_history_kind_parse("split", 5), DC_HISTORY_SPLIT);
    assert_int_equal(dc_history_kind_parse("Split", 5), -1);
    assert_string_equal(dc_history_kind_name(DC_HISTORY_MERGED), "merged");
}

/* ---- the build's refusals ---- */

static void overlapping(fx_history *h)
{
    h->editions[1].valid_from = FX_DAY_2025_06_30;
}
static void backwards(fx_history *h)
{
    h->editions[0].valid_from = FX_DAY_2025_07_01;
}
static void reused(fx_history *h)
{
    h->past[0].zone.ref_lat_e7 += 1000;
}
static void beyond(fx_history *h)
{
    h->past[1].last_edition = 2;
}
static void unknown_row(fx_history *h)
{
    h->rows[1].new_postcode = 32177;
}
static void twice(fx_history *h)
{
    h->rows[1] = h->rows[0];
}
static void past_twice(fx_history *h)
{
    h->past[0].zone.postcode = 32191;
}

static void test_build_rejects(void **state)
{
    (void)state;
    static const struct {
        void (*mutate)(fx_history *h);
        const char *message;
    } cases[] = {
        {overlapping, "edition 2 (from 2025-06-30) overlaps edition 1: a door would have "
                      "two current codes"},
        {backwards, "edition 1: valid from 2025-07-01, after its end 2025-06-30"},
        {reused, "zone 32103: its reference point changed between editions"},
        {beyond,
         "earlier zone 32191: editions 1..2 are not before the current edition 2"},
        {unknown_row, "history row 2: postcode 32177 is in no edition"},
        {twice, "history: 32191 -> 32102 is listed twice"},
        {past_twice, "earlier zone 32191 is listed twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx_input fx;
        fx_history h;
        dc_error err = {0};
        fx_input_make(&fx);
        fx_history_make(&fx, &h);
        cases[i].mutate(&h);
        assert_int_equal(dc_index_build(fx_path("bad.idx"), &fx.in, NULL, &err),
                         DC_E_INVALID_ARG);
        assert_string_equal(err.message, cases[i].message);
        assert_int_equal(access(fx_path("bad.idx"), F_OK), -1);
    }
}

/* ---- reading ---- */

static dc_index *open_built(fx_input *fx, const char *name)
{
    dc_index *idx = NULL;
    dc_error err = {0};
    assert_int_equal(dc_index_build(fx_path(name), &fx->in, NULL, &err), DC_OK);
    assert_int_equal(dc_index_open(fx_path(name), &idx, &err), DC_OK);
    return idx;
}

static void test_editions(void **state)
{
    (void)state;
    fx_input fx;
    fx_history h;
    fx_input_make(&fx);
    fx_history_make(&fx, &h);
    dc_index *idx = open_built(&fx, "history.idx");
    const dc_edition *ed;
    assert_int_equal(dc_index_editions(idx, &ed), 2);
    assert_int_equal(dc_index_current_edition(idx), 2);
    assert_int_equal(ed[0].number, 1);
    assert_int_equal(ed[0].valid_from, DC_DATE_OPEN_START);
    assert_int_equal(ed[0].valid_until, FX_DAY_2025_06_30);
    assert_int_equal(ed[0].zones, 2);
    assert_int_equal(ed[1].valid_from, FX_DAY_2025_07_01);
    assert_int_equal(ed[1].valid_until, DC_DATE_OPEN_END);
    assert_int_equal(ed[1].zones, 5);
    assert_int_equal(ed[1].source.len, strlen("new/zones.shp"));
    assert_memory_equal(ed[1].source.ptr, "new/zones.shp", ed[1].source.len);
    static const struct {
        int32_t day;
        uint32_t edition;
    } on[] = {{-25567, 1}, {19723, 1}, {20269, 1}, {20270, 2}, {30000, 2}};
    for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
        assert_int_equal(dc_index_edition_on(idx, on[i].day), on[i].edition);
    dc_index_close(idx);
}

static void test_zones_of_editions(void **state)
{
    (void)state;
    fx_input fx;
    fx_history h;
    fx_input_make(&fx);
    fx_history_make(&fx, &h);
    dc_index *idx = open_built(&fx, "history.idx");
    dc_index_txn *txn;
    dc_past_zone z;
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    assert_int_equal(dc_index_past_zone(txn, 32191, &z), DC_OK);
    assert_int_equal(z.zone.postcode, 32191);
    assert_int_equal(z.first_edition, 1);
    assert_int_equal(z.last_edition, 1);
    assert_int_equal(z.zone.ref_lat_e7, 213850000);
    assert_int_equal(z.zone.ref_lon_e7, 1030100000);
    assert_int_equal(z.zone.household_count, 0);
    assert_memory_equal(z.zone.name.ptr, "Phường Cũ", z.zone.name.len);
    assert_int_equal(dc_index_past_zone(txn, 32101, &z), DC_E_NOT_FOUND);
    dc_zone now;
    assert_int_equal(dc_index_zone(txn, 32191, &now), DC_E_NOT_FOUND);

    /* (edition, point) -> postcode, 0 for none. */
    static const struct {
        uint32_t edition;
        int32_t lat, lon;
        uint32_t postcode, first, last;
    } at[] = {
        {1, 213850000, 1030050000, 32191, 1, 1}, /* A's place, before */
        {2, 213850000, 1030050000, 32101, 2, 2}, /* and now */
        {1, 213850000, 1030150000, 32191, 1, 1}, /* B's */
        {2, 213850000, 1030150000, 32102, 2, 2},
        {1, 213910000, 1030020000, 32103, 1, 1}, /* C, in both */
        {2, 213910000, 1030020000, 32103, 1, 2},
        {1, 213950000, 1030100000, 0, 0, 0}, /* D's island: no zone then */
        {2, 213950000, 1030100000, 32104, 2, 2},
        {1, 213720000, 1030020000, 0, 0, 0}, /* E: none then */
        {3, 213850000, 1030050000, 0, 0, 0}, /* no edition 3 */
        {0, 213850000, 1030050000, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        dc_err rc =
            dc_index_zone_at_edition(txn, at[i].edition, at[i].lat, at[i].lon, &z);
        if (!at[i].postcode) {
            assert_int_equal(rc, DC_E_NOT_FOUND);
            continue;
        }
        assert_int_equal(rc, DC_OK);
        assert_int_equal(z.zone.postcode, at[i].postcode);
        assert_int_equal(z.first_edition, at[i].first);
        assert_int_equal(z.last_edition, at[i].last);
    }

    dc_history_row rows[4];
    size_t n = 0;
    assert_int_equal(dc_index_history(txn, 32191, rows, 4, &n), DC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].new_postcode, 32101);
    assert_int_equal(rows[1].new_postcode, 32102);
    assert_int_equal(rows[0].kind, DC_HISTORY_SPLIT);
    assert_int_equal(rows[0].date, FX_DAY_2025_07_01);
    assert_int_equal(dc_index_history(txn, 32191, rows, 1, &n), DC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(dc_index_history(txn, 32103, rows, 4, &n), DC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].kind, DC_HISTORY_UNCHANGED);
    assert_int_equal(dc_index_history(txn, 32101, rows, 4, &n), DC_OK);
    assert_int_equal(n, 0);
    /* what a zone came from: an unchanged row is not a former zone */
    assert_int_equal(dc_index_history_to(txn, 32102, rows, 4, &n), DC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].old_postcode, 32191);
    assert_int_equal(rows[0].kind, DC_HISTORY_SPLIT);
    assert_int_equal(dc_index_history_to(txn, 32103, rows, 4, &n), DC_OK);
    assert_int_equal(n, 0);
    dc_index_txn_end(txn);

    dc_index_check_stats st;
    dc_error err = {0};
    assert_int_equal(dc_index_check(idx, &st, &err), DC_OK);
    dc_index_close(idx);
}

/* One undated edition writes no record of its own: the content, and so
 * the fingerprint, are the zones' and households' alone. */
static void test_one_edition(void **state)
{
    (void)state;
    fx_input fx, fx2;
    fx_history h;
    fx_input_make(&fx);
    dc_index *plain = open_built(&fx, "plain.idx");
    assert_int_equal(dc_index_editions(plain, NULL), 0);
    assert_int_equal(dc_index_current_edition(plain), 0);
    assert_int_equal(dc_index_edition_on(plain, 20270), 0);
    fx_input_make(&fx2);
    fx_history_make(&fx2, &h);
    dc_index *dated = open_built(&fx2, "dated.idx");
    assert_memory_not_equal(dc_index_info(plain)->fingerprint,
                            dc_index_info(dated)->fingerprint, DC_FINGERPRINT_SIZE);
    dc_index_txn *txn;
    dc_past_zone z;
    assert_int_equal(dc_index_txn_begin(plain, &txn), DC_OK);
    assert_int_equal(dc_index_past_zone(txn, 32191, &z), DC_E_NOT_FOUND);
    assert_int_equal(dc_index_zone_at_edition(txn, 0, 213850000, 1030050000, &z), DC_OK);
    assert_int_equal(z.zone.postcode, 32101);
    dc_index_txn_end(txn);
    dc_index_close(plain);
    dc_index_close(dated);
}

/* ---- the check ---- */

static void tamper(const char *path, const char *db, const void *key, size_t klen,
                   const void *val, size_t vlen)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_envinfo info;
    MDB_stat st;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    assert_int_equal(mdb_env_info(env, &info), 0);
    assert_int_equal(mdb_env_stat(env, &st), 0);
    mdb_env_close(env);
    off_t used = (off_t)(info.me_last_pgno + 1) * (off_t)st.ms_psize;
    assert_int_equal(truncate(path, used), 0);
    assert_int_equal(dc_seal_write(path, (uint64_t)used, NULL), DC_OK);
}

static void test_check_tampered(void **state)
{
    (void)state;
    /* editions record 2 with 4 zones; a history row from postcode 32113, in no edition;
     * the first edition starting after it ends. */
    uint8_t ed2[14 + 13] = {0}, row_key[8] = {0, 0, 0x7d, 0x71, 0, 0, 0x7d, 0x65},
                     row_val[8] = {3, 0, 0, 0, 0, 0, 0, 0}, ed1[14 + 13] = {0};
    const uint8_t two[4] = {0, 0, 0, 2}, one[4] = {0, 0, 0, 1};
    int32_t from = FX_DAY_2025_07_01, until = INT32_MAX, until1 = FX_DAY_2025_06_30;
    memcpy(ed2, &from, 4); /* the tests run little-endian, as the file is */
    memcpy(ed2 + 4, &until, 4);
    ed2[8] = 4;
    ed2[12] = 13;
    memcpy(ed2 + 14, "new/zones.shp", 13);
    int32_t late = FX_DAY_2025_07_01 + 5;
    memcpy(ed1, &late, 4);
    memcpy(ed1 + 4, &until1, 4);
    ed1[8] = 2;
    ed1[12] = 13;
    memcpy(ed1 + 14, "old/zones.shp", 13);
    static const char *const want[] = {
        "editions: record 2 counts another number of zones",
        "history: record 2 names a postcode of no edition",
        "editions: record 1 ends before it starts",
    };
    for (int i = 0; i < 3; i++) {
        fx_input fx;
        fx_history h;
        fx_input_make(&fx);
        fx_history_make(&fx, &h);
        assert_int_equal(dc_index_build(fx_path("t.idx"), &fx.in, NULL, NULL), DC_OK);
        if (i == 0) tamper(fx_path("t.idx"), "editions", two, 4, ed2, sizeof ed2);
        if (i == 1) tamper(fx_path("t.idx"), "history", row_key, 8, row_val, 8);
        if (i == 2) tamper(fx_path("t.idx"), "editions", one, 4, ed1, sizeof ed1);
        dc_index *idx = NULL;
        dc_error err = {0};
        assert_int_equal(dc_index_open(fx_path("t.idx"), &idx, &err), DC_OK);
        assert_int_equal(dc_index_check(idx, NULL, &err), DC_E_INDEX_CORRUPT);
        assert_string_equal(err.message, want[i]);
        dc_index_close(idx);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),       cmocka_unit_test(test_build_rejects),
        cmocka_unit_test(test_editions),    cmocka_unit_test(test_zones_of_editions),
        cmocka_unit_test(test_one_edition), cmocka_unit_test(test_check_tampered),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fx_cleanup();
    return rc;
}
