/*
 * test_index_errors.c - what the index refuses: invalid build input (each
 * rule and its message), files it cannot open, and tampered files that
 * dc_index_check must catch. Tampering uses liblmdb directly, then seals
 * the file again (as a build does), so that dc_index_open lets it through
 * to the checks under test: an unsealed change is refused at open (seal.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lmdb.h>
#include <unistd.h>

#include "id_groups.h"
#include "index_fixture.h"
#include "seal.h"

static int teardown(void **state)
{
    (void)state;
    fx_cleanup();
    return 0;
}

/* ---- build rejections ------------------------------------------------- */

typedef void (*breaker)(fx_input *fx);

static void dup_postcode(fx_input *fx)
{
    fx->zones[1].postcode = 32101;
}
static void big_postcode(fx_input *fx)
{
    fx->zones[4].postcode = 100000;
}
static void bad_polygon(fx_input *fx)
{
    fx->zones[2].polygon.size -= 8;
}
static void wide_zone(fx_input *fx)
{
    fx_poly_begin(&fx->polys[4]);
    fx_poly_rect(&fx->polys[4], 0, 213700000, 1025000000, 213750000, 1035000000);
    fx->zones[4].polygon = fx_poly_get(&fx->polys[4]);
}
static void far_reference(fx_input *fx)
{
    fx->zones[0].ref_lat_e7 = 217950000;
}
static void empty_id(fx_input *fx)
{
    fx->households[5].id = "";
}
static void null_id(fx_input *fx)
{
    fx->households[5].id = NULL;
}
static void dup_id(fx_input *fx)
{
    fx->households[6].id = "DBP-000002";
}
static void unknown_postcode(fx_input *fx)
{
    fx->households[2].postcode = 32199;
}
static void outside_zone(fx_input *fx)
{
    fx->households[2].lon_e7 = 1030050000;
}
static void on_wrong_side(fx_input *fx)
{
    fx->households[6].postcode = 32101;
}
static char long_text[300];
static void long_number(fx_input *fx)
{
    fx->households[0].house_number = long_text;
}

typedef struct reject_case {
    breaker brk;
    const char *message;
} reject_case;

static const reject_case reject_cases[] = {
    {dup_postcode, "duplicate postcode 32101"},
    {big_postcode, "zone 100000: postcode over 99999"},
    {bad_polygon, "zone 32103: invalid polygon"},
    {wide_zone, "zone 32105: polygon spans 1 degree or more (21.3700000..21.3750000 N, "
                "102.5000000..103.5000000 E)"},
    {far_reference,
     "zone 32101: reference point 21.7950000, 103.0050000 is more than 0.4 "
     "degrees from polygon vertex 21.3800000, 103.0000000"},
    {empty_id, "household with an empty id"},
    {null_id, "household with an empty id"},
    {dup_id, "duplicate household id DBP-000002"},
    {unknown_postcode, "household DBP-000003: postcode 32199 is not among the zones"},
    {outside_zone, "household DBP-000003: position 21.3855000, 103.0050000 is not inside "
                   "zone 32102"},
    {on_wrong_side,
     "household DBP-000007: position 21.3860000, 103.0100000 is not inside "
     "zone 32101"},
    {long_number, "household DBP-000001: house number longer than 255 bytes"},
};

static void test_build_rejects(void **state)
{
    (void)state;
    memset(long_text, 'x', sizeof long_text - 1);
    for (size_t i = 0; i < sizeof reject_cases / sizeof reject_cases[0]; i++) {
        fx_input fx;
        dc_error err = {0};
        fx_input_make(&fx);
        reject_cases[i].brk(&fx);
        assert_int_equal(dc_index_build(fx_path("rejected.idx"), &fx.in, NULL, &err),
                         DC_E_INVALID_ARG);
        assert_int_equal(err.code, DC_E_INVALID_ARG);
        assert_string_equal(err.message, reject_cases[i].message);
    }
    assert_int_equal(fx_dir_entries(), 0); /* nothing left behind */
}

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    rewind(f);
    unsigned char *p = malloc(*size);
    assert_int_equal(fread(p, 1, *size, f), *size);
    fclose(f);
    return p;
}

static void test_failed_build_keeps_old_file(void **state)
{
    (void)state;
    fx_input fx;
    size_t before_size, after_size;
    fx_input_make(&fx);
    assert_int_equal(dc_index_build(fx_path("keep.idx"), &fx.in, NULL, NULL), DC_OK);
    unsigned char *before = slurp(fx_path("keep.idx"), &before_size);
    fx_input_make(&fx);
    dup_id(&fx);
    assert_int_equal(dc_index_build(fx_path("keep.idx"), &fx.in, NULL, NULL),
                     DC_E_INVALID_ARG);
    unsigned char *after = slurp(fx_path("keep.idx"), &after_size);
    assert_int_equal(before_size, after_size);
    assert_memory_equal(before, after, before_size);
    assert_int_equal(fx_dir_entries(), 1);
    free(before);
    free(after);
}

static void test_build_io_error(void **state)
{
    (void)state;
    fx_input fx;
    dc_error err = {0};
    fx_input_make(&fx);
    assert_int_equal(dc_index_build("/nonexistent-dir/x.idx", &fx.in, NULL, &err),
                     DC_E_IO);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x.idx.tmp."));
}

/* ---- open errors ------------------------------------------------------ */

/* Commit @p txn, cut the file to its LMDB pages and seal it as a build does. */
static void commit_sealed(MDB_env *env, MDB_txn *txn, const char *path)
{
    MDB_envinfo info;
    MDB_stat st;
    assert_int_equal(mdb_txn_commit(txn), 0);
    assert_int_equal(mdb_env_info(env, &info), 0);
    assert_int_equal(mdb_env_stat(env, &st), 0);
    mdb_env_close(env);
    off_t used = (off_t)(info.me_last_pgno + 1) * (off_t)st.ms_psize;
    assert_int_equal(truncate(path, used), 0);
    assert_int_equal(dc_seal_write(path, (uint64_t)used, NULL), DC_OK);
}

/* An LMDB file written by hand: @p meta_keys pairs of (key, value). */
static void write_lmdb(const char *path, int with_meta, const char *key, const void *val,
                       size_t len)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 4);
    assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, with_meta ? "meta" : "other", MDB_CREATE, &dbi),
                     0);
    MDB_val k = {strlen(key), (void *)key}, v = {len, (void *)val};
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    commit_sealed(env, txn, path);
}

/* Overwrite (or delete, when @p val is NULL) one record of a built index. */
static void tamper(const char *path, const char *db, const void *key, size_t klen,
                   const void *val, size_t vlen)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    if (val)
        assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    else
        assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
    commit_sealed(env, txn, path);
}

static void expect_open(const char *path, dc_err rc, const char *message)
{
    dc_index *idx = NULL;
    dc_error err = {0};
    assert_int_equal(dc_index_open(path, &idx, &err), rc);
    assert_null(idx);
    assert_string_equal(err.message, message);
}

static void test_open_errors(void **state)
{
    (void)state;
    char msg[512];
    const char *missing = fx_path("missing.idx");
    snprintf(msg, sizeof msg, "cannot open index %s: No such file or directory", missing);
    expect_open(missing, DC_E_IO, msg);

    const char *text = fx_path("text.idx");
    FILE *f = fopen(text, "w");
    fputs("32101 92P4+222\n", f);
    fclose(f);
    snprintf(msg, sizeof msg, "%s is not a diachi index (not an LMDB file)", text);
    expect_open(text, DC_E_INDEX_FORMAT, msg);

    const char *nometa = fx_path("nometa.idx");
    write_lmdb(nometa, 0, "x", "y", 1);
    snprintf(msg, sizeof msg, "%s is an LMDB file but not a diachi index (no metadata)",
             nometa);
    expect_open(nometa, DC_E_INDEX_FORMAT, msg);

    const char *nomagic = fx_path("nomagic.idx");
    write_lmdb(nomagic, 1, "format_version", "\1\0\0\0", 4);
    snprintf(msg, sizeof msg, "%s is an LMDB file but not a diachi index (no magic)",
             nomagic);
    expect_open(nomagic, DC_E_INDEX_FORMAT, msg);

    fx_input fx;
    fx_input_make(&fx);
    const char *v2 = fx_path("v2.idx");
    assert_int_equal(dc_index_build(v2, &fx.in, NULL, NULL), DC_OK);
    tamper(v2, "meta", "format_version", 14, "\2\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 2; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    /* Version 4 had no zonecells, 6 no search data: rebuilt, never read
     * without them. */
    tamper(v2, "meta", "format_version", 14, "\4\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 4; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    /* Version 5 had an ids entry a household, not groups of them. */
    tamper(v2, "meta", "format_version", 14, "\5\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 5; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    tamper(v2, "meta", "format_version", 14, "\6\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 6; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    /* Version 7 had no editions of the zones. */
    tamper(v2, "meta", "format_version", 14, "\7\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 7; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    /* Version 8 had no former names in its search entities and kept a name's
       leading word only as its kind. */
    tamper(v2, "meta", "format_version", 14, "\10\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 8; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    /* Version 9 kept each household's number, position and string ids at
       full width in its value. */
    tamper(v2, "meta", "format_version", 14, "\11\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 9; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    tamper(v2, "meta", "format_version", 14, "\13\0\0\0", 4);
    snprintf(msg, sizeof msg,
             "%s has index format version 11; this diachi reads version 10", v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);
    tamper(v2, "meta", "format_version", 14, "\12\0\0\0", 4);
    tamper(v2, "meta", "code_scheme", 11, "\7\0\0\0", 4);
    snprintf(msg, sizeof msg, "%s has code scheme version 7; this diachi knows version 1",
             v2);
    expect_open(v2, DC_E_INDEX_FORMAT, msg);

    snprintf(msg, sizeof msg, "cannot open index %s: not a regular file", fx_tmpdir());
    expect_open(fx_tmpdir(), DC_E_IO, msg);
}

/* ---- check on tampered files ------------------------------------------ */

static void check_fails_with(const char *path, const char *message)
{
    dc_index *idx;
    dc_error err = {0};
    assert_int_equal(dc_index_open(path, &idx, &err), DC_OK);
    assert_int_equal(dc_index_check(idx, NULL, &err), DC_E_INDEX_CORRUPT);
    assert_int_equal(err.code, DC_E_INDEX_CORRUPT);
    assert_string_equal(err.message, message);
    dc_index_close(idx);
}

static const char *fresh_index(const char *name)
{
    fx_input fx;
    fx_input_make(&fx);
    const char *path = fx_path(name);
    assert_int_equal(dc_index_build(path, &fx.in, NULL, NULL), DC_OK);
    return path;
}

/* The value stored under @p key in @p db, copied into @p out. */
static size_t read_raw(const char *path, const char *db, const void *key, size_t klen,
                       uint8_t *out, size_t size)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(
        mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK | MDB_RDONLY, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    MDB_val k = {klen, (void *)key}, v;
    assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
    assert_true(v.mv_size <= size);
    memcpy(out, v.mv_data, v.mv_size);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return v.mv_size;
}

/* Household 3 is DBP-000008 at 21.3851, 103.0051 (3210192P422X), alone
 * at its door: its value as FORMAT.md lays it out, its position counted
 * from the south-west corner of its key's cell (row 44554, column 113202:
 * 21.385, 103.005), street 2 and group 3 as varints. @p street is the
 * street id's bytes (@p nstreet of them), @p house its house number. */
static void household3_as(uint8_t *val, size_t *len, int32_t lat, int32_t lon,
                          uint8_t door, const uint8_t *street, size_t nstreet,
                          const char *house)
{
    static const uint8_t id[] = {10, 'D', 'B', 'P', '-', '0', '0', '0', '0', '0', '8'};
    uint32_t dlat = (uint32_t)(lat - 213850000), dlon = (uint32_t)(lon - 1030050000);
    size_t n = 0;
    val[n++] = (uint8_t)dlat, val[n++] = (uint8_t)(dlat >> 8);
    val[n++] = (uint8_t)dlon, val[n++] = (uint8_t)(dlon >> 8);
    val[n++] = door;
    memcpy(val + n, street, nstreet), n += nstreet;
    val[n++] = 3;
    memcpy(val + n, id, sizeof id), n += sizeof id;
    val[n++] = (uint8_t)strlen(house);
    memcpy(val + n, house, strlen(house)), n += strlen(house);
    *len = n;
}

static void household3(uint8_t *val, size_t *len, int32_t lat, int32_t lon, uint8_t door)
{
    household3_as(val, len, lat, lon, door, (const uint8_t[]){2}, 1, "14");
}

/* The fixture's households fit one page: segment 0 is that page. */
static const uint8_t segment0[4] = {0, 0, 0, 0};

/* Replace the value of the household at @p key in its page by @p val, of
 * the same length. */
static void tamper_household(const char *path, const uint8_t *key, const uint8_t *val,
                             size_t len)
{
    uint8_t page[4096];
    assert_int_equal(read_raw(path, "households", segment0, 4, page, sizeof page), 4096);
    size_t n = page[0] | (size_t)page[1] << 8, i = 0;
    while (i < n && memcmp(page + 64 + 14 * i, key, 12) != 0)
        i++;
    assert_true(i < n);
    const uint8_t *e = page + 64 + 14 * i; /* the entry: key, u16 end */
    size_t start = i ? (e[-2] | (size_t)e[-1] << 8) : 64 + 14 * n;
    size_t end = e[12] | (size_t)e[13] << 8;
    assert_int_equal(end - start, len);
    memcpy(page + start, val, len);
    tamper(path, "households", segment0, 4, page, sizeof page);
}

/* Segment 0 of a fresh fixture index, changed by @p change, then put back. */
static void tamper_page(const char *path, void (*change)(uint8_t *page))
{
    uint8_t page[4096];
    assert_int_equal(read_raw(path, "households", segment0, 4, page, sizeof page), 4096);
    change(page);
    tamper(path, "households", segment0, 4, page, sizeof page);
}

static void count_zero(uint8_t *page)
{
    page[0] = page[1] = 0;
}

static void count_over(uint8_t *page)
{
    page[0] = 0x21, page[1] = 0x01; /* 289 entries cannot fit */
}

static void split_moved(uint8_t *page)
{
    page[4 + 7]++; /* the low byte of the place of split 1 (entry 1 of 8) */
}

static void first_end_short(uint8_t *page)
{
    page[64 + 12] = 64 + 14 * 8; /* entry 0's value ends where it starts */
    page[64 + 13] = 0;
}

static void stray_byte(uint8_t *page)
{
    page[4095] = 1;
}

static void first_number(uint8_t *page)
{
    page[60] = 1; /* the head numbers the page's first record 1 */
}

/* A damaged household page: reads report corruption, never read outside
 * the page, and the check names the page and what is wrong. */
static void test_check_pages(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        void (*change)(uint8_t *);
        const char *message;
    } cases[] = {
        {"p_count0.idx", count_zero, "household page 0: its head is damaged"},
        {"p_count.idx", count_over, "household page 0: its head is damaged"},
        {"p_split.idx", split_moved,
         "household page 0: its head's place 1 is not its key's"},
        {"p_end.idx", first_end_short, "household page 0: record 0 has bytes 176 to 176"},
        {"p_stray.idx", stray_byte, "household page 0: bytes where none belong"},
        {"p_number.idx", first_number,
         "household page 0: its first record is numbered 1, not 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = fresh_index(cases[i].name);
        tamper_page(path, cases[i].change);
        check_fails_with(path, cases[i].message);
    }

    /* Lookups on a page whose head is damaged: corruption, not a crash. */
    const char *path = fresh_index("p_read.idx");
    tamper_page(path, count_over);
    dc_index *idx;
    dc_index_txn *txn;
    dc_household h;
    dc_code code;
    uint32_t first, count;
    assert_int_equal(dc_index_open(path, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    assert_int_equal(dc_code_parse("3210192P422X", 12, &code, NULL), DC_OK);
    assert_int_equal(dc_index_code_households(txn, &code, &first, &count),
                     DC_E_INDEX_CORRUPT);
    assert_int_equal(dc_index_household_by_id(txn, "DBP-000008", 10, &h),
                     DC_E_INDEX_CORRUPT);
    dc_index_txn_end(txn);
    dc_index_close(idx);

    /* Segments and fences that do not agree: the open says so. */
    const char *fences = fresh_index("p_fences.idx");
    uint8_t twelve[12] = {0};
    tamper(fences, "fences", segment0, 4, twelve, 6);
    char msg[512];
    snprintf(msg, sizeof msg, "%s: household segment 0 has 4096 bytes and 6 of fences",
             fences);
    expect_open(fences, DC_E_INDEX_CORRUPT, msg);
    const char *extra = fresh_index("p_extra.idx");
    uint8_t segment1[4] = {0, 0, 0, 1};
    tamper(extra, "fences", segment1, 4, twelve, 12);
    snprintf(msg, sizeof msg, "%s: households and fences do not hold the same segments",
             extra);
    expect_open(extra, DC_E_INDEX_CORRUPT, msg);
}

/* The key of household @p number of a fresh fixture index: entry @p number
 * of its one page. */
static void household_key(const char *path, uint32_t number, uint8_t key[12])
{
    uint8_t page[4096];
    assert_int_equal(read_raw(path, "households", segment0, 4, page, sizeof page), 4096);
    memcpy(key, page + 64 + 14 * number, 12);
}

/* ---- groups of ids ----------------------------------------------------- */

/* A group of ids written as docs/FORMAT.md has it: each id as (u8 bytes
 * shared with the one before, u8 bytes that follow, those bytes) and its
 * key. @p shared, when not NULL, gives each id's prefix instead of the
 * longest one (the bytes that follow it; its last byte for a prefix as
 * long as the id or longer). Its length. */
static size_t encode_group(uint8_t *out, const char *const *ids,
                           const uint8_t (*keys)[12], size_t n, const int *shared)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t p = 0, idlen = strlen(ids[i]);
        while (i > 0 && ids[i][p] && ids[i][p] == ids[i - 1][p])
            p++;
        if (shared) p = (size_t)shared[i];
        size_t from = p < idlen ? p : idlen - 1;
        out[len] = (uint8_t)p;
        out[len + 1] = (uint8_t)(idlen - from);
        memcpy(out + len + 2, ids[i] + from, idlen - from);
        memcpy(out + len + 2 + idlen - from, keys[i], 12);
        len += 2 + idlen - from + 12;
    }
    return len;
}

/* The fixture's ids in byte order; household i's key in keys[i]. */
static const char *const fixture_ids[8] = {"DBP-000001", "DBP-000002", "DBP-000003",
                                           "DBP-000004", "DBP-000005", "DBP-000006",
                                           "DBP-000007", "DBP-000008"};
/* Their households' numbers (test_index.c's hh_cases). */
static const uint32_t fixture_numbers[8] = {1, 2, 5, 6, 7, 0, 4, 3};

static void fixture_keys(const char *path, uint8_t keys[8][12])
{
    for (int i = 0; i < 8; i++)
        household_key(path, fixture_numbers[i], keys[i]);
}

/* Replace the fixture's one group (DBP-000001: every id) with @p n ids of
 * fixture_ids from @p first, encoded with @p shared (NULL: as a build does)
 * and cut to @p len bytes when that is not 0; under @p key when not NULL. */
static void tamper_group(const char *path, const char *key, int first, int n,
                         const int *shared, size_t len)
{
    uint8_t keys[8][12], val[256];
    fixture_keys(path, keys);
    size_t full = encode_group(val, fixture_ids + first, keys + first, (size_t)n, shared);
    tamper(path, "ids", "DBP-000001", 10, NULL, 0);
    if (!key) key = fixture_ids[first];
    tamper(path, "ids", key, strlen(key), val, len ? len : full);
}

/* A damaged group of ids: the check names the group and what is wrong, and
 * a lookup that meets the damage reports corruption. */
static void test_check_id_groups(void **state)
{
    (void)state;
    static const int longer[8] = {0, 11, 9, 9, 9, 9, 9, 9};
    static const int shorter[8] = {0, 8, 9, 9, 9, 9, 9, 9};
    static const struct {
        const char *name, *key;
        int first, n;
        const int *shared;
        size_t len;
        const char *message;
    } cases[] = {
        {"g_prefix.idx", NULL, 0, 8, longer, 0,
         "ids group DBP-000001: id 1 has a prefix longer than the id before it"},
        {"g_short.idx", NULL, 0, 8, shorter, 0,
         "ids group DBP-000001: id 1 shares more with the id before it than its "
         "prefix says"},
        {"g_cut.idx", NULL, 0, 8, NULL, 24 + 7 * 15 - 1, /* a byte short */
         "ids group DBP-000001: id 7 runs past the group's end"},
        {"g_lengths.idx", NULL, 0, 8, NULL, 1,
         "ids group DBP-000001: id 0 runs past the group's end"},
        {"g_key.idx", "DBP-000000", 0, 8, NULL, 0,
         "ids group DBP-000000: its first id is not its key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = fresh_index(cases[i].name);
        tamper_group(path, cases[i].key, cases[i].first, cases[i].n, cases[i].shared,
                     cases[i].len);
        check_fails_with(path, cases[i].message);
    }

    /* Ids out of order in a group, and two groups that overlap. */
    uint8_t keys[8][12], val[512];
    const char *path = fresh_index("g_order.idx");
    fixture_keys(path, keys);
    const char *swapped[3] = {"DBP-000001", "DBP-000003", "DBP-000002"};
    uint8_t swapped_keys[3][12];
    memcpy(swapped_keys[0], keys[0], 12);
    memcpy(swapped_keys[1], keys[2], 12);
    memcpy(swapped_keys[2], keys[1], 12);
    tamper(path, "ids", "DBP-000001", 10, val,
           encode_group(val, swapped, swapped_keys, 3, NULL));
    check_fails_with(path, "ids group DBP-000001: id 2 is not after the id before it");

    path = fresh_index("g_overlap.idx");
    fixture_keys(path, keys);
    tamper(path, "ids", "DBP-000001", 10, val,
           encode_group(val, fixture_ids, keys, 5, NULL));
    tamper(path, "ids", "DBP-000004", 10, val,
           encode_group(val, fixture_ids + 3, keys + 3, 5, NULL));
    check_fails_with(path, "ids group DBP-000004: its first id is not after the group "
                           "before");

    /* Split in two groups as they should be: still good, every id found. */
    path = fresh_index("g_split.idx");
    fixture_keys(path, keys);
    tamper(path, "ids", "DBP-000001", 10, val,
           encode_group(val, fixture_ids, keys, 5, NULL));
    tamper(path, "ids", "DBP-000006", 10, val,
           encode_group(val, fixture_ids + 5, keys + 5, 3, NULL));
    dc_index *idx;
    dc_index_txn *txn;
    dc_household h;
    assert_int_equal(dc_index_open(path, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_check(idx, NULL, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(dc_index_household_by_id(txn, fixture_ids[i], 10, &h), DC_OK);
        assert_int_equal(h.number, fixture_numbers[i]);
    }
    dc_index_txn_end(txn);
    dc_index_close(idx);

    /* More ids than a group holds. */
    static char many[DC_ID_GROUP_IDS + 1][16];
    const char *many_ids[DC_ID_GROUP_IDS + 1];
    static uint8_t many_keys[DC_ID_GROUP_IDS + 1][12];
    static uint8_t big[DC_ID_GROUP_BYTES + 64];
    for (int i = 0; i <= (int)DC_ID_GROUP_IDS; i++) {
        snprintf(many[i], sizeof many[i], "DBP-%06d", i + 1);
        many_ids[i] = many[i];
        memcpy(many_keys[i], keys[i < 8 ? i : 0], 12);
    }
    path = fresh_index("g_many.idx");
    tamper(path, "ids", "DBP-000001", 10, big,
           encode_group(big, many_ids, many_keys, DC_ID_GROUP_IDS + 1, NULL));
    check_fails_with(path, "ids group DBP-000001: id 64 is past the ids a group holds");

    /* A damaged group met by a lookup: corruption, never a wrong answer. */
    path = fresh_index("g_read.idx");
    tamper_group(path, NULL, 0, 8, longer, 0);
    assert_int_equal(dc_index_open(path, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    assert_int_equal(dc_index_household_by_id(txn, "DBP-000001", 10, &h), DC_OK);
    assert_int_equal(h.number, 1);
    assert_int_equal(dc_index_household_by_id(txn, "DBP-000008", 10, &h),
                     DC_E_INDEX_CORRUPT);
    dc_index_txn_end(txn);
    dc_index_close(idx);
}

static void test_check_tampered(void **state)
{
    (void)state;
    uint8_t val[64], key3[16];
    size_t len;

    const char *moved = fresh_index("moved.idx");
    household_key(moved, 3, key3);
    household3(val, &len, 213851000, 1030052000, 1); /* 0.0001 degree east */
    tamper_household(moved, key3, val, len);
    check_fails_with(moved, "household 3 (id DBP-000008): its key names another place "
                            "than code 3210192P423W in cell 44554/113202");

    const char *same = fresh_index("same.idx"); /* the same record: still good */
    household3(val, &len, 213851000, 1030051000, 1);
    tamper_household(same, key3, val, len);
    dc_index *idx;
    assert_int_equal(dc_index_open(same, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_check(idx, NULL, NULL), DC_OK);
    dc_index_close(idx);

    /* A position outside its key's cell, and a value whose street id takes
     * two bytes where one will do (its house number one byte shorter): not
     * the value its fields give. */
    const char *out = fresh_index("outside.idx");
    household3(val, &len, 213851000 + 24000, 1030051000, 1);
    tamper_household(out, key3, val, len);
    check_fails_with(out, "household 3: malformed record");
    const char *overlong = fresh_index("overlong.idx");
    household3_as(val, &len, 213851000, 1030051000, 1, (const uint8_t[]){0x82, 0}, 2,
                  "1");
    tamper_household(overlong, key3, val, len);
    check_fails_with(overlong, "household 3: malformed record");

    const char *door = fresh_index("door.idx");
    household3(val, &len, 213851000, 1030051000, 2);
    tamper_household(door, key3, val, len);
    check_fails_with(door, "households 3 to 3: their door's size is stored as 2");

    const char *noid = fresh_index("noid.idx");
    tamper_group(noid, NULL, 0, 7, NULL, 0); /* DBP-000008 left out */
    check_fails_with(noid, "household 3 (id DBP-000008): id has no entry in ids");

    const char *otherid = fresh_index("otherid.idx");
    uint8_t keys[8][12], group[256];
    fixture_keys(otherid, keys);
    memcpy(keys[7], keys[6], 12); /* DBP-000008 names DBP-000007's household */
    tamper(otherid, "ids", "DBP-000001", 10, group,
           encode_group(group, fixture_ids, keys, 8, NULL));
    check_fails_with(otherid,
                     "household 3 (id DBP-000008): ids maps its id to another household");

    const char *strayid = fresh_index("strayid.idx");
    const char *stray[1] = {"DBP-999999"};
    tamper(strayid, "ids", "DBP-999999", 10, group,
           encode_group(group, stray, (const uint8_t(*)[12])key3, 1, NULL));
    check_fails_with(strayid, "ids holds 9 ids, not 8");

    const char *nonumber = fresh_index("nonumber.idx");
    uint8_t number0[4] = {0, 0, 0, 0};
    tamper(nonumber, "numbers", number0, 4, NULL, 0);
    check_fails_with(nonumber,
                     "household 0 (id DBP-000006): number has no entry in numbers");

    const char *badnumber = fresh_index("badnumber.idx");
    tamper(badnumber, "numbers", number0, 4, key3, 12);
    check_fails_with(
        badnumber,
        "household 0 (id DBP-000006): numbers maps its number to another household");

    const char *count = fresh_index("count.idx");
    uint8_t zkey[4] = {0, 0, 0x7d, 0x65}; /* 32101 */
    dc_index *zi;
    dc_index_txn *txn;
    dc_zone z;
    assert_int_equal(dc_index_open(count, &zi, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(zi, &txn), DC_OK);
    assert_int_equal(dc_index_zone(txn, 32101, &z), DC_OK);
    size_t zlen = (size_t)((const uint8_t *)z.polygon.data + z.polygon.size -
                           (const uint8_t *)z.name.ptr) +
                  28 + 2;
    uint8_t *zval = malloc(zlen);
    memcpy(zval, (const uint8_t *)z.name.ptr - 2 - 28, zlen);
    dc_index_txn_end(txn);
    dc_index_close(zi);
    zval[0] = 9;
    tamper(count, "zones", zkey, 4, zval, zlen);
    free(zval);
    check_fails_with(count, "zone 32101: household_count is 9 but 3 households name it");

    const char *street = fresh_index("street.idx");
    uint8_t skey[4] = {0, 0, 0, 1};
    tamper(street, "strings", skey, 4, "Hoàng Văn Thụ", strlen("Hoàng Văn Thụ"));
    assert_int_equal(dc_index_open(street, &zi, NULL), DC_OK);
    dc_error err = {0};
    assert_int_equal(dc_index_check(zi, NULL, &err), DC_E_INDEX_CORRUPT);
    assert_non_null(strstr(err.message, "content fingerprint"));
    dc_index_close(zi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_rejects),
        cmocka_unit_test(test_failed_build_keeps_old_file),
        cmocka_unit_test(test_build_io_error),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_check_tampered),
        cmocka_unit_test(test_check_pages),
        cmocka_unit_test(test_check_id_groups),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
