/*
 * test_index.c - building an index from the fixture (index_fixture.h) and
 * reading every kind of record back; metadata; the fingerprint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <lmdb.h>
#include <stdlib.h>

#include "id_groups.h"
#include "index_fixture.h"

/* 200 'x's: the prefix the long ids share. */
#define XS200                                                                            \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"   \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"   \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static fx_input fx;
static dc_index *idx;
static dc_index_txn *txn;
static dc_index_build_stats stats;

static int setup(void **state)
{
    (void)state;
    dc_error err = {0};
    fx_input_make(&fx);
    if (dc_index_build(fx_path("good.idx"), &fx.in, &stats, &err) != DC_OK) {
        fprintf(stderr, "build: %s\n", err.message);
        return -1;
    }
    if (dc_index_open(fx_path("good.idx"), &idx, &err) != DC_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return -1;
    }
    return dc_index_txn_begin(idx, &txn) == DC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dc_index_txn_end(txn);
    dc_index_close(idx);
    fx_cleanup();
    return 0;
}

static int str_is(dc_str s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static void test_stats_and_meta(void **state)
{
    (void)state;
    assert_int_equal(stats.zones, 5);
    assert_int_equal(stats.households, 8);
    assert_int_equal(stats.codes, 7); /* DBP-000001 and -000002 share a door */
    assert_int_equal(stats.shared_doors, 2);
    const dc_index_meta *m = dc_index_info(idx);
    assert_int_equal(m->format_version, DC_INDEX_FORMAT_VERSION);
    assert_int_equal(m->code_scheme, DC_CODE_SCHEME_VERSION);
    assert_int_equal(m->build_time, 1717171717);
    assert_int_equal(m->zones, 5);
    assert_int_equal(m->households, 8);
    assert_int_equal(m->codes, 7);
    assert_int_equal(m->south_e7, 213720000);
    assert_int_equal(m->west_e7, 1030020000);
    assert_int_equal(m->north_e7, 213950000);
    assert_int_equal(m->east_e7, 1030170000);
    assert_string_equal(m->sources, "123\t1700000000\tzones.shp\n");
    assert_memory_equal(m->fingerprint, stats.fingerprint, DC_FINGERPRINT_SIZE);
    assert_int_equal(strlen(m->fingerprint_hex), 64);
    assert_int_equal(m->file_bytes, stats.file_bytes);
    assert_true(m->file_bytes > 0);
}

static void test_zone(void **state)
{
    (void)state;
    dc_zone z;
    assert_int_equal(dc_index_zone(txn, 32103, &z), DC_OK);
    assert_int_equal(z.postcode, 32103);
    assert_int_equal(z.household_count, 1);
    assert_int_equal(z.ref_lat_e7, 213950000);
    assert_int_equal(z.ref_lon_e7, 1030100000);
    assert_int_equal(z.south_e7, 213900000);
    assert_int_equal(z.west_e7, 1030000000);
    assert_int_equal(z.north_e7, 214000000);
    assert_int_equal(z.east_e7, 1030200000);
    assert_true(str_is(z.name, "Mường Thanh"));
    assert_true(str_is(z.kind, "phường"));
    assert_true(str_is(z.commune_code, "03127"));
    assert_true(str_is(z.district, "Thành phố Điện Biên Phủ"));
    assert_true(str_is(z.province, "Điện Biên"));
    assert_int_equal(z.polygon.size, fx.polys[2].size);
    assert_memory_equal(z.polygon.data, fx.polys[2].data, z.polygon.size);
    assert_int_equal(dc_index_zone(txn, 32101, &z), DC_OK);
    assert_int_equal(z.household_count, 3);
    assert_int_equal(dc_index_zone(txn, 32199, &z), DC_E_NOT_FOUND);
}

typedef struct at_case {
    int32_t lat, lon;
    uint32_t postcode; /* 0: no zone */
} at_case;

static const at_case at_cases[] = {
    {213850000, 1030050000, 32101},
    {213860000, 1030100000, 32102}, /* A|B shared edge: the east zone */
    {213800000, 1030100000, 32102}, /* A|B shared vertex on the south boundary */
    {213800000, 1030050000, 32101}, /* A's south edge */
    {213900000, 1030050000, 32103}, /* A|C shared edge: the north zone */
    {213900000, 1030100000, 32103}, /* the vertex of A, B and C */
    {213950000, 1030100000, 32104}, /* in C's hole: the island D */
    {213930000, 1030100000, 32104}, /* the hole's south edge */
    {213970000, 1030100000, 32103}, /* the hole's north edge */
    {213950000, 1030050000, 32104}, /* the hole's west edge */
    {213950000, 1030150000, 32103}, /* the hole's east edge */
    {213720000, 1030020000, 32105}, /* E, first part */
    {213720000, 1030170000, 32105}, /* E, second part */
    {213720000, 1030100000, 0},     /* between E's parts */
    {214000000, 1030100000, 0},     /* C's north edge */
    {213860000, 1030200000, 0},     /* B's east edge */
    {220000000, 1030000000, 0},     /* far away */
    {-900000000, -1800000000, 0},   /* the corner of the world */
    {950000000, 0, 0},              /* not on the globe */
};

static void test_zone_at(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof at_cases / sizeof at_cases[0]; i++) {
        const at_case *c = &at_cases[i];
        dc_zone z;
        dc_err rc = dc_index_zone_at(txn, c->lat, c->lon, &z);
        if (c->postcode == 0) {
            if (rc != DC_E_NOT_FOUND)
                fail_msg("case %zu: rc %d, zone %u", i, rc, z.postcode);
        } else {
            if (rc != DC_OK || z.postcode != c->postcode)
                fail_msg("case %zu: rc %d, want %u", i, rc, c->postcode);
        }
    }
}

/* Number, id, code of every household, in index order: by cell (row, col),
 * then compact code, then id. */
typedef struct hh_case {
    uint32_t number;
    const char *id, *code, *house_number, *street, *group;
    int32_t lat, lon;
} hh_case;

static const hh_case hh_cases[] = {
    {0, "DBP-000006", "3210592C8RR2", "1", "Hoàng Văn Thái", "", 213720000, 1030170000},
    {1, "DBP-000001", "3210192P4222", "12", "Võ Nguyên Giáp", "Tổ 1", 213850000,
     1030050000},
    {2, "DBP-000002", "3210192P4222", "12A", "Võ Nguyên Giáp", "Tổ 1", 213850000,
     1030050000},
    {3, "DBP-000008", "3210192P422X", "14", "Võ Nguyên Giáp", "Tổ 1", 213851000,
     1030051000},
    {4, "DBP-000007", "3210292P6C22", "9", "Trường Chinh", "Tổ 2", 213860000, 1030100000},
    {5, "DBP-000003", "3210292P8622", "7", "Trường Chinh", "", 213855000, 1030150000},
    {6, "DBP-000004", "3210392R2CR2", "3", "Võ Nguyên Giáp", "Tổ 5", 213910000,
     1030020000},
    {7, "DBP-000005", "3210492W6222", "", "", "", 213950000, 1030100000},
};

static void check_household(const dc_household *h, const hh_case *c)
{
    char code[DC_CODE_COMPACT_SIZE];
    dc_code_format(&h->code, DC_CODE_COMPACT, code, sizeof code);
    if (h->number != c->number || !str_is(h->id, c->id))
        fail_msg("household %u: got %u %.*s", c->number, h->number, (int)h->id.len,
                 h->id.ptr);
    assert_string_equal(code, c->code);
    assert_int_equal(h->lat_e7, c->lat);
    assert_int_equal(h->lon_e7, c->lon);
    assert_true(str_is(h->house_number, c->house_number));
    assert_true(str_is(h->street, c->street));
    assert_true(str_is(h->group, c->group));
}

static void test_household(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hh_cases / sizeof hh_cases[0]; i++) {
        dc_household h;
        assert_int_equal(dc_index_household(txn, hh_cases[i].number, &h), DC_OK);
        check_household(&h, &hh_cases[i]);
        assert_int_equal(
            dc_index_household_by_id(txn, hh_cases[i].id, strlen(hh_cases[i].id), &h),
            DC_OK);
        check_household(&h, &hh_cases[i]);
    }
    dc_household h;
    assert_int_equal(dc_index_household(txn, 8, &h), DC_E_NOT_FOUND);
    assert_int_equal(dc_index_household_by_id(txn, "DBP-000009", 10, &h), DC_E_NOT_FOUND);
    assert_int_equal(dc_index_household_by_id(txn, "DBP-00000", 9, &h), DC_E_NOT_FOUND);
    assert_int_equal(dc_index_household_by_id(txn, "", 0, &h), DC_E_NOT_FOUND);
}

typedef struct code_case {
    const char *code;
    dc_err rc;
    uint32_t first, count;
} code_case;

static const code_case code_cases[] = {
    {"32101 92P4+222", DC_OK, 1, 2}, /* the shared door */
    {"32101 92P4+22X", DC_OK, 3, 1},
    {"32105 92C8+RR2", DC_OK, 0, 1},
    {"32104 92W6+222", DC_OK, 7, 1},
    {"32102 92P4+222", DC_E_NOT_FOUND, 0, 0}, /* right place, wrong postcode */
    {"32101 92P4+223", DC_E_NOT_FOUND, 0, 0},
};

static void test_code_households(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof code_cases / sizeof code_cases[0]; i++) {
        const code_case *c = &code_cases[i];
        dc_code code;
        uint32_t first = 99, count = 99;
        assert_int_equal(dc_code_parse(c->code, strlen(c->code), &code, NULL), DC_OK);
        assert_int_equal(dc_index_code_households(txn, &code, &first, &count), c->rc);
        if (c->rc == DC_OK) {
            assert_int_equal(first, c->first);
            assert_int_equal(count, c->count);
        } else {
            assert_int_equal(first, 99); /* untouched */
            assert_int_equal(count, 99);
        }
    }
}

static void test_cell_households(void **state)
{
    (void)state;
    uint32_t first, count;
    /* 21.385 N, 103.005 E: DBP-000001, -000002 and -000008 */
    assert_int_equal(dc_cell_row(213850000), 44554);
    assert_int_equal(dc_cell_col(1030050000), 113202);
    assert_int_equal(dc_index_cell_households(txn, 44554, 113202, &first, &count), DC_OK);
    assert_int_equal(first, 1);
    assert_int_equal(count, 3);
    assert_int_equal(dc_index_cell_households(txn, dc_cell_row(213910000),
                                              dc_cell_col(1030020000), &first, &count),
                     DC_OK);
    assert_int_equal(first, 6);
    assert_int_equal(count, 1);
    assert_int_equal(dc_index_cell_households(txn, 44554, 113203, &first, &count),
                     DC_E_NOT_FOUND);
    assert_int_equal(dc_cell_row(-900000000), 0);
    assert_int_equal(dc_cell_col(-1800000000), 0);
    assert_int_equal(dc_cell_col(1799999999), 143999);
}

typedef struct walked {
    uint32_t numbers[8];
    dc_household_ref refs[8];
    size_t n;
} walked;

static int collect(void *ctx, const dc_household_pos *pos)
{
    walked *w = ctx;
    w->numbers[w->n] = pos->number;
    w->refs[w->n++] = pos->ref;
    return w->n == 8;
}

static void test_row_positions(void **state)
{
    (void)state;
    walked w = {0};
    dc_household h;
    /* Cells 113200..113203 of row 44554: only 113202 holds households. */
    assert_int_equal(dc_index_row_positions(txn, 44554, 113200, 113203, collect, &w),
                     DC_OK);
    assert_int_equal(w.n, 3);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(w.numbers[i], i + 1);
    assert_int_equal(dc_index_household_read(txn, &w.refs[2], &h), DC_OK);
    check_household(&h, &hh_cases[3]);
    w.n = 0;
    assert_int_equal(dc_index_row_positions(txn, 44554, 113203, 113203, collect, &w),
                     DC_OK);
    assert_int_equal(w.n, 0);
    assert_int_equal(dc_index_row_positions(txn, 44554, 5, 4, collect, &w),
                     DC_E_INVALID_ARG);
}

static void test_check_passes(void **state)
{
    (void)state;
    dc_index_check_stats cs;
    dc_error err = {0};
    assert_int_equal(dc_index_check(idx, &cs, &err), DC_OK);
    assert_int_equal(cs.zones, 5);
    assert_int_equal(cs.households, 8);
    assert_int_equal(cs.codes, 7);
    assert_int_equal(cs.cells, 6);
    assert_int_equal(cs.strings, 6); /* 3 streets, 3 groups */
}

/* Reversed input gives the same file content; a changed household does not. */
static void test_fingerprint(void **state)
{
    (void)state;
    fx_input other;
    dc_index_build_stats st;
    fx_input_make(&other);
    for (int i = 0; i < FX_NHOUSEHOLDS / 2; i++) {
        dc_household_input t = other.households[i];
        other.households[i] = other.households[FX_NHOUSEHOLDS - 1 - i];
        other.households[FX_NHOUSEHOLDS - 1 - i] = t;
    }
    dc_zone_input z = other.zones[0];
    other.zones[0] = other.zones[4];
    other.zones[4] = z;
    other.in.build_time = 1;
    other.in.nsources = 0;
    assert_int_equal(dc_index_build(fx_path("reversed.idx"), &other.in, &st, NULL),
                     DC_OK);
    assert_memory_equal(st.fingerprint, stats.fingerprint, DC_FINGERPRINT_SIZE);

    fx_input_make(&other);
    other.households[3].house_number = "3B";
    assert_int_equal(dc_index_build(fx_path("changed.idx"), &other.in, &st, NULL), DC_OK);
    assert_memory_not_equal(st.fingerprint, stats.fingerprint, DC_FINGERPRINT_SIZE);
}

/* Transactions are recycled: many begins and ends on one handle. */
static void test_txn_reuse(void **state)
{
    (void)state;
    dc_index_txn *a, *b;
    dc_household h;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(dc_index_txn_begin(idx, &a), DC_OK);
        assert_int_equal(dc_index_txn_begin(idx, &b), DC_OK);
        assert_int_equal(dc_index_household(a, 1, &h), DC_OK);
        assert_int_equal(dc_index_household(b, 2, &h), DC_OK);
        dc_index_txn_end(b);
        dc_index_txn_end(a);
    }
    dc_index_txn_end(NULL);
    dc_index_close(NULL);
}

static void test_empty_index(void **state)
{
    (void)state;
    fx_input e;
    dc_index *ei;
    dc_error err = {0};
    fx_input_make(&e);
    e.in.nhouseholds = 0;
    assert_int_equal(dc_index_build(fx_path("empty.idx"), &e.in, NULL, &err), DC_OK);
    assert_int_equal(dc_index_open(fx_path("empty.idx"), &ei, &err), DC_OK);
    const dc_index_meta *m = dc_index_info(ei);
    assert_int_equal(m->households, 0);
    assert_int_equal(m->south_e7, 213700000); /* the zones' box */
    assert_int_equal(m->east_e7, 1030200000);
    assert_int_equal(dc_index_check(ei, NULL, &err), DC_OK);
    dc_index_close(ei);
}

/* Doors of 300 and 255 households (past and at the size a record stores)
 * and one of 1 beside them in the same cell; numbers past several strides
 * of the numbers database. */
#define BIG_DOORS 556
static void test_big_doors(void **state)
{
    (void)state;
    static dc_household_input hs[BIG_DOORS];
    static char ids[BIG_DOORS][8];
    static const int32_t at[3][2] = {
        {213851000, 1030051000}, {213853000, 1030051000}, {213851000, 1030052000}};
    fx_input b;
    dc_index *bi;
    dc_index_txn *bt;
    dc_error err = {0};
    fx_input_make(&b);
    for (int i = 0; i < BIG_DOORS; i++) {
        int door = i < 300 ? 0 : i < 555 ? 1 : 2;
        snprintf(ids[i], sizeof ids[i], "D%03d", i);
        hs[i] = (dc_household_input){at[door][0], at[door][1], 32101, ids[i],
                                     "1",         NULL,        NULL};
    }
    b.in.households = hs;
    b.in.nhouseholds = BIG_DOORS;
    assert_int_equal(dc_index_build(fx_path("doors.idx"), &b.in, NULL, &err), DC_OK);
    assert_int_equal(dc_index_open(fx_path("doors.idx"), &bi, &err), DC_OK);
    assert_int_equal(dc_index_check(bi, NULL, &err), DC_OK);
    assert_int_equal(dc_index_txn_begin(bi, &bt), DC_OK);
    /* In key order: 3210192P422X (300), 3210192P423W (1), 3210192P432X (255). */
    static const struct {
        int door;
        uint32_t first, count;
    } want[3] = {{0, 0, 300}, {1, 301, 255}, {2, 300, 1}};
    for (int d = 0; d < 3; d++) {
        dc_code code;
        dc_household h[4];
        uint32_t first, count;
        assert_int_equal(dc_code_make_e7(32101, at[d][0], at[d][1], &code), DC_OK);
        assert_int_equal(dc_index_code_households(bt, &code, &first, &count), DC_OK);
        assert_int_equal(first, want[d].first);
        assert_int_equal(count, want[d].count);
        assert_int_equal(dc_index_code_read(bt, &code, h, 4, &count), DC_OK);
        assert_int_equal(count, want[d].count);
        assert_int_equal(h[0].number, want[d].first);
        if (count > 1) assert_int_equal(h[3].number, want[d].first + 3);
        assert_int_equal(dc_index_code_read(bt, &code, NULL, 0, &count), DC_OK);
        assert_int_equal(count, want[d].count);
    }
    dc_household h;
    assert_int_equal(dc_index_household(bt, 299, &h), DC_OK);
    assert_true(str_is(h.id, "D299"));
    assert_int_equal(dc_index_household(bt, 300, &h), DC_OK);
    assert_true(str_is(h.id, "D555"));
    assert_int_equal(dc_index_household(bt, 555, &h), DC_OK);
    assert_true(str_is(h.id, "D554"));
    assert_int_equal(dc_index_household(bt, 556, &h), DC_E_NOT_FOUND);
    dc_index_txn_end(bt);
    dc_index_close(bi);
}

/* ---- lookups by id across the groups of ids -------------------------- */

#define ID_HOUSEHOLDS 254
static char id_text[ID_HOUSEHOLDS][256], id_number[ID_HOUSEHOLDS][16];

/* Ids of 1 to 255 bytes: "1".."9", 1000000001..1000000150 (sharing 8 or 9
 * bytes with the one before), 70 ids sharing a 200-byte prefix, "A".."L"
 * each before the 255 bytes of its letter (so groups of those end early,
 * at the bytes a group holds), and 255 'y's, the last. */
static void make_ids(dc_household_input *hs)
{
    int n = 0;
    for (int i = 1; i <= 9; i++)
        snprintf(id_text[n++], 256, "%d", i);
    for (int i = 1; i <= 150; i++)
        snprintf(id_text[n++], 256, "%d", 1000000000 + i);
    for (int i = 0; i < 70; i++)
        snprintf(id_text[n++], 256, "%.200s%03d", XS200, i);
    for (char c = 'A'; c <= 'L'; c++) {
        snprintf(id_text[n++], 256, "%c", c);
        memset(id_text[n], c, 255);
        id_text[n++][255] = '\0';
    }
    memset(id_text[n], 'y', 255);
    id_text[n++][255] = '\0';
    assert_int_equal(n, ID_HOUSEHOLDS);
    for (int i = 0; i < n; i++) {
        snprintf(id_number[i], sizeof id_number[i], "n%d", i);
        /* five doors in zone 32101, the ids dealt out in an order of their own */
        int j = (i * 97) % ID_HOUSEHOLDS;
        hs[j] = (dc_household_input){.lat_e7 = 213850000 + (i % 5) * 1000,
                                     .lon_e7 = 1030050000 + (i % 5) * 1000,
                                     .postcode = 32101,
                                     .id = id_text[i],
                                     .house_number = id_number[i]};
    }
}

/* The first id of every group: the keys of ids. */
static size_t group_keys(const char *path, char keys[][256], size_t cap)
{
    MDB_env *env;
    MDB_txn *t;
    MDB_dbi dbi;
    MDB_cursor *cur;
    MDB_val k, v;
    size_t n = 0;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(
        mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK | MDB_RDONLY, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &t), 0);
    assert_int_equal(mdb_dbi_open(t, "ids", 0, &dbi), 0);
    assert_int_equal(mdb_cursor_open(t, dbi, &cur), 0);
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        assert_true(n < cap && k.mv_size < 256);
        assert_true(v.mv_size <= DC_ID_GROUP_BYTES);
        memcpy(keys[n], k.mv_data, k.mv_size);
        keys[n++][k.mv_size] = '\0';
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(t);
    mdb_env_close(env);
    return n;
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Household @p i of make_ids, found by its id. */
static void expect_id(dc_index_txn *t, int i)
{
    dc_household h;
    const char *id = id_text[i];
    dc_err rc = dc_index_household_by_id(t, id, strlen(id), &h);
    if (rc != DC_OK) fail_msg("id %.20s... (%zu bytes): %d", id, strlen(id), rc);
    assert_true(str_is(h.id, id));
    assert_true(str_is(h.house_number, id_number[i]));
    assert_int_equal(h.lat_e7, 213850000 + (i % 5) * 1000);
    assert_int_equal(h.lon_e7, 1030050000 + (i % 5) * 1000);
}

static void expect_no_id(dc_index_txn *t, const char *id, size_t len)
{
    dc_household h;
    dc_err rc = dc_index_household_by_id(t, id, len, &h);
    if (rc != DC_E_NOT_FOUND) fail_msg("id %.20s... (%zu bytes): %d", id, len, rc);
}

static bool is_id(const char *id)
{
    for (int i = 0; i < ID_HOUSEHOLDS; i++)
        if (strcmp(id_text[i], id) == 0) return true;
    return false;
}

/* The index of @p id in id_text. */
static int id_index(const char *id)
{
    for (int i = 0; i < ID_HOUSEHOLDS; i++)
        if (strcmp(id_text[i], id) == 0) return i;
    fail_msg("no id %.20s", id);
    return -1;
}

static void test_ids_groups(void **state)
{
    (void)state;
    static dc_household_input hs[ID_HOUSEHOLDS];
    static char keys[ID_HOUSEHOLDS][256], probe[300];
    const char *sorted[ID_HOUSEHOLDS];
    fx_input b;
    dc_index *bi;
    dc_index_txn *bt;
    dc_error err = {0};
    fx_input_make(&b);
    make_ids(hs);
    b.in.households = hs;
    b.in.nhouseholds = ID_HOUSEHOLDS;
    const char *path = fx_path("ids.idx");
    assert_int_equal(dc_index_build(path, &b.in, NULL, &err), DC_OK);
    assert_int_equal(dc_index_open(path, &bi, &err), DC_OK);
    assert_int_equal(dc_index_check(bi, NULL, &err), DC_OK);
    assert_int_equal(dc_index_txn_begin(bi, &bt), DC_OK);
    for (int i = 0; i < ID_HOUSEHOLDS; i++)
        sorted[i] = id_text[i];
    qsort(sorted, ID_HOUSEHOLDS, sizeof *sorted, by_bytes);

    /* Groups of DC_ID_GROUP_IDS ids, but those of 255-byte ids that share
     * nothing: fewer fit the bytes a group holds. */
    size_t ngroups = group_keys(path, keys, ID_HOUSEHOLDS);
    assert_true(ngroups >= 6);
    assert_string_equal(keys[0], "1");
    assert_string_equal(keys[1], sorted[DC_ID_GROUP_IDS]);
    size_t at = 0, short_groups = 0;
    for (size_t g = 0; g < ngroups; g++) {
        while (strcmp(sorted[at], keys[g]) != 0)
            at++;
        size_t next = at + 1; /* the first id of the next group */
        while (next < ID_HOUSEHOLDS &&
               (g + 1 == ngroups || strcmp(sorted[next], keys[g + 1])))
            next++;
        assert_true(next - at <= DC_ID_GROUP_IDS);
        if (next - at < DC_ID_GROUP_IDS && g + 1 < ngroups) short_groups++;
        expect_id(bt, id_index(sorted[at]));       /* the group's first id */
        expect_id(bt, id_index(sorted[next - 1])); /* its last */
        /* between its last id and the next group's first: no id */
        snprintf(probe, sizeof probe, "%s!", sorted[next - 1]);
        if (strlen(probe) <= 255) {
            assert_true(next == ID_HOUSEHOLDS || strcmp(probe, sorted[next]) < 0);
            expect_no_id(bt, probe, strlen(probe));
        }
        /* the group's first id less its last byte, when that is no id */
        size_t cut = strlen(sorted[at]) - 1;
        snprintf(probe, sizeof probe, "%.*s", (int)cut, sorted[at]);
        if (!is_id(probe)) expect_no_id(bt, probe, cut);
        at = next - 1;
    }
    assert_true(short_groups > 0);
    for (int i = 0; i < ID_HOUSEHOLDS; i++)
        expect_id(bt, i);

    /* Before the first id ("1") and after the last (255 'y's). */
    expect_no_id(bt, "0", 1);
    expect_no_id(bt, "0zz", 3);
    expect_no_id(bt, "\x01", 1);
    expect_no_id(bt, "z", 1);
    memset(probe, 'y', 255);
    probe[254] = 'z';
    expect_no_id(bt, probe, 255);
    probe[254] = 'y';
    expect_no_id(bt, probe, 254); /* a prefix of the last id */
    expect_no_id(bt, probe, 256); /* longer than an id may be */
    /* Inside groups: between ids sharing long prefixes, and past a prefix. */
    snprintf(probe, sizeof probe, "%.200s%s", XS200, "0305");
    expect_no_id(bt, probe, strlen(probe));
    snprintf(probe, sizeof probe, "%.200s", XS200);
    expect_no_id(bt, probe, strlen(probe));
    expect_no_id(bt, "10000000015", 11);
    expect_no_id(bt, "100000001", 9);
    expect_no_id(bt, "AA", 2);
    expect_no_id(bt, "M", 1);
    dc_index_txn_end(bt);
    dc_index_close(bi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_and_meta),  cmocka_unit_test(test_zone),
        cmocka_unit_test(test_zone_at),         cmocka_unit_test(test_household),
        cmocka_unit_test(test_code_households), cmocka_unit_test(test_cell_households),
        cmocka_unit_test(test_check_passes),    cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_txn_reuse),       cmocka_unit_test(test_empty_index),
        cmocka_unit_test(test_big_doors),       cmocka_unit_test(test_row_positions),
        cmocka_unit_test(test_ids_groups),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
