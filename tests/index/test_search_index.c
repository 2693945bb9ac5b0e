/*
 * test_search_index.c - the index's search data (diachi/search_index.h,
 * docs/FORMAT.md "The search index"): posting lists encoded and read
 * back (next and seek against a brute force, damaged bytes refused), the
 * fixture's entities, words, prefixes and typos with their exact values,
 * and dc_index_check recomputing them: a changed, missing or extra search
 * record is named, a missing range record refused at open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "diachi/search_index.h"
#include "index_fixture.h"
#include "seal.h"
#include "search_postings.h"

static int teardown(void **state)
{
    (void)state;
    fx_cleanup();
    return 0;
}

/* ---- posting lists ----------------------------------------------------- */

static uint64_t rng = 88172645463325252ull;

static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static void roundtrip(size_t n, uint32_t gap)
{
    uint32_t *ids = calloc(n, sizeof *ids);
    uint8_t *buf = malloc(dc_postings_bound(n));
    uint32_t id = next_random() % 1000;
    for (size_t i = 0; i < n; i++) {
        ids[i] = id;
        id += 1 + next_random() % gap;
    }
    size_t len = dc_postings_encode(ids, n, buf);
    dc_postings pl, again;
    assert_int_equal(dc_postings_open(&pl, buf, len), DC_OK);
    assert_int_equal(dc_postings_count(&pl), n);
    again = pl;
    for (size_t i = 0; i < n; i++) {
        uint32_t got;
        assert_int_equal(dc_postings_next(&pl, &got), 1);
        assert_int_equal(got, ids[i]);
    }
    uint32_t got;
    assert_int_equal(dc_postings_next(&pl, &got), 0);
    /* the estimate from the skip table bounds the ids in a range */
    for (int k = 0; k < 100; k++) {
        uint32_t lo = next_random() % (ids[n - 1] + 10),
                 hi = lo + next_random() % (gap * 200);
        uint32_t in = 0;
        for (size_t i = 0; i < n; i++)
            in += ids[i] >= lo && ids[i] < hi;
        uint32_t est = dc_postings_estimate(&again, lo, hi);
        if (est < in) fail_msg("estimate %u < %u ids in [%u, %u)", est, in, lo, hi);
        if (n > DC_POSTINGS_BLOCK && in == 0 && (hi <= ids[0] || lo > ids[n - 1]))
            assert_true(est <= DC_POSTINGS_BLOCK);
    }
    /* seeks, ascending, against the first id at or after the target */
    uint32_t target = 0;
    size_t at = 0;
    for (int k = 0; k < 200; k++) {
        target += next_random() % (gap * 40 + 1);
        while (at < n && ids[at] < target)
            at++;
        int r = dc_postings_seek(&again, target, &got);
        if (at == n) {
            assert_int_equal(r, 0);
            break;
        }
        assert_int_equal(r, 1);
        assert_int_equal(got, ids[at]);
        at++; /* the cursor stands past it now */
        if (at < n) target = ids[at - 1] + 1;
    }
    free(ids);
    free(buf);
}

static void test_postings(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 63, 64, 65, 127, 128, 129, 1000, 20000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        roundtrip(sizes[i], 3);
        roundtrip(sizes[i], 300000);
    }
    /* the bytes, by hand: 3 ids, no skip table */
    uint8_t buf[32];
    const uint32_t ids[] = {5, 130, 131};
    size_t len = dc_postings_encode(ids, 3, buf);
    const uint8_t want[] = {3, 5, 0x7d, 1};
    assert_int_equal(len, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
}

/* Every damaged copy of a long list is read to its end or refused, never
 * read past (the sanitizers watch the reads). */
static void test_postings_damaged(void **state)
{
    (void)state;
    enum { N = 300 };
    uint32_t ids[N];
    for (size_t i = 0; i < N; i++)
        ids[i] = (uint32_t)(i * 7 + 3);
    uint8_t good[dc_postings_bound(N)];
    size_t len = dc_postings_encode(ids, N, good);
    for (int trial = 0; trial < 20000; trial++) {
        size_t cut = trial % 3 == 0 ? next_random() % len : len;
        uint8_t *bad = malloc(cut ? cut : 1);
        memcpy(bad, good, cut);
        if (cut) bad[next_random() % cut] ^= (uint8_t)(1 + next_random() % 255);
        dc_postings pl;
        if (dc_postings_open(&pl, bad, cut) == DC_OK) {
            uint32_t id, prev = 0;
            int r, steps = 0;
            if (trial % 2)
                r = dc_postings_seek(&pl, next_random() % (N * 8), &id);
            else
                r = dc_postings_next(&pl, &id);
            while (r == 1 && steps++ < 2 * N) {
                assert_true(steps == 1 || id > prev);
                prev = id;
                r = dc_postings_next(&pl, &id);
            }
            assert_true(r <= 0);
        }
        free(bad);
    }
}

/* ---- the fixture's search data ----------------------------------------- */

static dc_index *idx;
static dc_index_txn *txn;

static void open_fixture(const char *name)
{
    fx_input fx;
    fx_input_make(&fx);
    const char *path = fx_path(name);
    assert_int_equal(dc_index_build(path, &fx.in, NULL, NULL), DC_OK);
    assert_int_equal(dc_index_open(path, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
}

static void close_fixture(void)
{
    dc_index_txn_end(txn);
    dc_index_close(idx);
}

/* The ids of a word's list, as text: "12 13". */
static void word_ids(const char *word, char *out, size_t size)
{
    dc_postings pl;
    uint32_t id;
    size_t n = 0;
    out[0] = '\0';
    if (dc_index_search_word(txn, word, strlen(word), &pl) != DC_OK) return;
    while (dc_postings_next(&pl, &id) == 1)
        n += (size_t)snprintf(out + n, size - n, "%s%u", n ? " " : "", id);
}

static void test_words(void **state)
{
    (void)state;
    char ids[256];
    open_fixture("words.idx");
    /* 0 Điện Biên (province), 1 Điện Biên Phủ (district), 2..6 the zones
     * by folded name (him lam, muong thanh, noong bua, tan thanh, thanh
     * binh), 7..9 groups 1, 2, 5, 10 trường chinh, 11 hoàng văn thái,
     * 12 and 13 võ nguyên giáp in 32101 and 32103 */
    assert_int_equal(dc_index_search_entities(idx), 14);
    static const struct {
        const char *word, *ids;
    } cases[] = {
        {"giap", "12 13"},   {"thanh", "3 5 6"}, {"dien", "0 1"},  {"phu", "1"},
        {"1", "7"},          {"5", "9"},         {"truong", "10"}, {"vo", "12 13"},
        {"nguyen", "12 13"}, {"to", ""},         {"phuong", ""},   {"giap ", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        word_ids(cases[i].word, ids, sizeof ids);
        assert_string_equal(ids, cases[i].ids);
    }
    uint32_t first, end;
    dc_index_search_range(idx, DC_ENTITY_STREET, 3, &first, &end);
    assert_int_equal(first, 11);
    assert_int_equal(end, 14);
    dc_index_search_range(idx, DC_ENTITY_ZONE, 2, &first, &end);
    assert_int_equal(first, 2);
    assert_int_equal(end, 7);
    dc_index_search_range(idx, DC_ENTITY_ZONE, 3, &first, &end);
    assert_int_equal(first, end);
    close_fixture();
}

static void test_entities(void **state)
{
    (void)state;
    dc_entity e;
    dc_entity_walk w;
    dc_str name, house;
    uint32_t number;
    open_fixture("entities.idx");
    assert_int_equal(dc_index_search_entity(txn, 12, &e), DC_OK);
    assert_int_equal(e.kind, DC_ENTITY_STREET);
    assert_int_equal(e.words, 3);
    assert_int_equal(e.word, 0);
    assert_int_equal(e.lead.len, 0);
    assert_int_equal(e.postcode, 32101);
    assert_int_equal(e.count, 3);
    assert_int_equal(e.exact.len, strlen("võ nguyên giáp"));
    assert_memory_equal(e.exact.ptr, "võ nguyên giáp", e.exact.len);
    assert_memory_equal(e.folded.ptr, "vo nguyen giap", e.folded.len);
    assert_int_equal(dc_index_search_name(txn, &e, &name), DC_OK);
    assert_memory_equal(name.ptr, "Võ Nguyên Giáp", name.len);
    /* the mean of 21.385, 21.385, 21.3851 and 103.005, 103.005, 103.0051 */
    assert_int_equal(e.lat_e7, 213850333);
    assert_int_equal(e.lon_e7, 1030050333);
    /* its households, ascending, with their house numbers' normal forms */
    const char *ids[] = {"DBP-000001", "DBP-000002", "DBP-000008"};
    const char *houses[] = {"12", "12a", "14"};
    uint32_t numbers[3];
    for (int i = 0; i < 3; i++) {
        dc_household h;
        assert_int_equal(dc_index_household_by_id(txn, ids[i], 10, &h), DC_OK);
        numbers[i] = h.number;
    }
    dc_entity_walk_begin(&e, &w);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(dc_entity_walk_next(&w, &number, &house), 1);
        int i = number == numbers[0] ? 0 : number == numbers[1] ? 1 : 2;
        assert_int_equal(number, numbers[i]);
        assert_int_equal(house.len, strlen(houses[i]));
        assert_memory_equal(house.ptr, houses[i], house.len);
    }
    assert_int_equal(dc_entity_walk_next(&w, &number, &house), 0);
    /* group Tổ 5 is named "5" with the word tổ */
    assert_int_equal(dc_index_search_entity(txn, 9, &e), DC_OK);
    assert_int_equal(e.kind, DC_ENTITY_GROUP);
    assert_int_equal(e.word, 12); /* DC_VOCAB_GROUP */
    assert_int_equal(e.lead.len, strlen("tổ"));
    assert_memory_equal(e.lead.ptr, "tổ", e.lead.len);
    assert_memory_equal(e.exact.ptr, "5", 1);
    assert_int_equal(e.postcode, 32103);
    /* the district, with every zone */
    assert_int_equal(dc_index_search_entity(txn, 1, &e), DC_OK);
    assert_int_equal(e.kind, DC_ENTITY_DISTRICT);
    assert_int_equal(e.word, 7); /* DC_VOCAB_CITY: thành phố */
    assert_int_equal(e.count, 5);
    dc_entity_walk_begin(&e, &w);
    for (uint32_t pc = 32101; pc <= 32105; pc++) {
        assert_int_equal(dc_entity_walk_next(&w, &number, NULL), 1);
        assert_int_equal(number, pc);
    }
    assert_int_equal(dc_entity_walk_next(&w, &number, NULL), 0);
    assert_int_equal(dc_index_search_name(txn, &e, &name), DC_OK);
    assert_memory_equal(name.ptr, "Thành phố Điện Biên Phủ", name.len);
    assert_int_equal(dc_index_search_entity(txn, 14, &e), DC_E_NOT_FOUND);
    close_fixture();
}

typedef struct words {
    char text[256];
    size_t n;
} words;

static int collect(void *ctx, const char *folded, size_t len, dc_postings *pl)
{
    words *w = ctx;
    (void)pl;
    w->n += (size_t)snprintf(w->text + w->n, sizeof w->text - w->n, "%s%.*s",
                             w->n ? " " : "", (int)len, folded);
    return 0;
}

static void test_prefix_and_typos(void **state)
{
    (void)state;
    words w;
    open_fixture("typos.idx");
    static const struct {
        const char *prefix, *words;
    } prefixes[] = {{"th", "thai thanh"},
                    {"ng", "nguyen"},
                    {"t", "tan thai thanh truong"},
                    {"x", ""},
                    {"vo", "vo"}};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        memset(&w, 0, sizeof w);
        assert_int_equal(dc_index_search_prefix(txn, prefixes[i].prefix,
                                                strlen(prefixes[i].prefix), collect, &w),
                         DC_OK);
        assert_string_equal(w.text, prefixes[i].words);
    }
    /* one edit from a word of 5 letters or more: left out, added,
     * replaced, swapped; words of 4 (giap, binh) are not typo-indexed */
    static const struct {
        const char *typed, *words;
    } typos[] = {
        {"nguyn", "nguyen"},  {"nguyeen", "nguyen"}, {"nguyan", "nguyen"},
        {"ngyuen", "nguyen"}, {"truogn", "truong"},  {"nguyen", ""},
        {"ngyuan", ""},       {"giep", ""},          {"thnh", "thanh"},
        {"chinhh", "chinh"},  {"hoang", ""},         {"hoagn", "hoang"},
    };
    for (size_t i = 0; i < sizeof typos / sizeof typos[0]; i++) {
        memset(&w, 0, sizeof w);
        assert_int_equal(dc_index_search_typos(txn, typos[i].typed,
                                               strlen(typos[i].typed), collect, &w),
                         DC_OK);
        assert_string_equal(w.text, typos[i].words);
    }
    close_fixture();
}

/* ---- the check --------------------------------------------------------- */

static void tamper(const char *path, const char *db, const void *key, size_t klen,
                   const void *val, size_t vlen)
{
    MDB_env *env;
    MDB_txn *t;
    MDB_dbi dbi;
    MDB_envinfo info;
    MDB_stat st;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &t), 0);
    assert_int_equal(mdb_dbi_open(t, db, 0, &dbi), 0);
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    if (val)
        assert_int_equal(mdb_put(t, dbi, &k, &v, 0), 0);
    else
        assert_int_equal(mdb_del(t, dbi, &k, NULL), 0);
    assert_int_equal(mdb_txn_commit(t), 0);
    assert_int_equal(mdb_env_info(env, &info), 0);
    assert_int_equal(mdb_env_stat(env, &st), 0);
    mdb_env_close(env);
    off_t used = (off_t)(info.me_last_pgno + 1) * (off_t)st.ms_psize;
    assert_int_equal(truncate(path, used), 0);
    assert_int_equal(dc_seal_write(path, (uint64_t)used, NULL), DC_OK);
}

/* The value of @p key in @p db, into @p out (@p size bytes); its length. */
static size_t raw_value(const char *path, const char *db, const void *key, size_t klen,
                        uint8_t *out, size_t size)
{
    MDB_env *env;
    MDB_txn *t;
    MDB_dbi dbi;
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    assert_int_equal(mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK | MDB_RDONLY, 0644),
                     0);
    assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &t), 0);
    assert_int_equal(mdb_dbi_open(t, db, 0, &dbi), 0);
    MDB_val k = {klen, (void *)key}, v;
    assert_int_equal(mdb_get(t, dbi, &k, &v), 0);
    assert_true(v.mv_size <= size);
    memcpy(out, v.mv_data, v.mv_size);
    mdb_txn_abort(t);
    mdb_env_close(env);
    return v.mv_size;
}

static const char *fresh(const char *name)
{
    fx_input fx;
    fx_input_make(&fx);
    const char *path = fx_path(name);
    assert_int_equal(dc_index_build(path, &fx.in, NULL, NULL), DC_OK);
    return path;
}

static void check_fails_with(const char *path, const char *message)
{
    dc_index *i;
    dc_error err = {0};
    assert_int_equal(dc_index_open(path, &i, &err), DC_OK);
    assert_int_equal(dc_index_check(i, NULL, &err), DC_E_INDEX_CORRUPT);
    assert_string_equal(err.message, message);
    dc_index_close(i);
}

static void test_check(void **state)
{
    (void)state;
    dc_index *i;
    dc_error err = {0};
    const char *good = fresh("good.idx");
    assert_int_equal(dc_index_open(good, &i, NULL), DC_OK);
    assert_int_equal(dc_index_check(i, NULL, &err), DC_OK);
    dc_index_close(i);

    /* giap's list without entity 13: the 9th word in byte order (1, 2, 5, bien, binh,
     * bua, chinh, dien, giap) */
    const char *changed = fresh("changed.idx");
    const uint8_t one[] = {1, 12};
    tamper(changed, "search_words", "giap", 4, one, sizeof one);
    check_fails_with(changed, "search_words: record 9 has another value than what the "
                              "zones, households and strings give");

    const char *missing = fresh("missing.idx");
    tamper(missing, "search_words", "giap", 4, NULL, 0);
    check_fails_with(missing, "search_words: record 9 has another key than what the "
                              "zones, households and strings give");

    const char *extra = fresh("extra.idx");
    tamper(extra, "search_typos", "zzzzz", 5, "\5nguyen", 7);
    check_fails_with(extra,
                     "search_typos holds 37 records or more, the households give 36");

    const uint8_t key13[4] = {0, 0, 0, 13};
    const char *entity = fresh("entity.idx");
    tamper(entity, "search_entities", key13, 4, "\4\3\0\0", 4);
    check_fails_with(entity, "search_entities: record 14 has another value than what the "
                             "zones, households and strings give");

    /* a damaged entity is corruption for the reader, not a crash */
    assert_int_equal(dc_index_open(entity, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    dc_entity e;
    assert_int_equal(dc_index_search_entity(txn, 13, &e), DC_E_INDEX_CORRUPT);
    close_fixture();

    /* group Tổ 5 (entity 9) with the word xóm in place of tổ: the check
     * names the record; with none, the reader refuses it (its kind says
     * a word was taken off) */
    const uint8_t key9[4] = {0, 0, 0, 9};
    uint8_t val[512];
    const char *word = fresh("word.idx");
    size_t vlen = raw_value(word, "search_entities", key9, 4, val, sizeof val);
    size_t at = 4;
    at += 1u + val[at]; /* the exact proper name */
    at += 1u + val[at]; /* the folded one */
    assert_int_equal(val[at], strlen("tổ"));
    assert_memory_equal(val + at + 1, "tổ", val[at]);
    memcpy(val + at + 1, "xóm", strlen("xóm"));
    tamper(word, "search_entities", key9, 4, val, vlen);
    check_fails_with(word, "search_entities: record 10 has another value than what the "
                           "zones, households and strings give");
    const char *noword = fresh("noword.idx");
    vlen = raw_value(noword, "search_entities", key9, 4, val, sizeof val);
    size_t lead = val[at];
    val[at] = 0;
    memmove(val + at + 1, val + at + 1 + lead, vlen - at - 1 - lead);
    tamper(noword, "search_entities", key9, 4, val, vlen - lead);
    assert_int_equal(dc_index_open(noword, &idx, NULL), DC_OK);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    assert_int_equal(dc_index_search_entity(txn, 9, &e), DC_E_INDEX_CORRUPT);
    close_fixture();

    const char *noranges = fresh("noranges.idx");
    tamper(noranges, "meta", "search", 6, NULL, 0);
    assert_int_equal(dc_index_open(noranges, &i, &err), DC_E_INDEX_CORRUPT);
    char msg[600];
    snprintf(msg, sizeof msg, "%s: meta has no search record", noranges);
    assert_string_equal(err.message, msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postings),
        cmocka_unit_test(test_postings_damaged),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_prefix_and_typos),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
