/*
 * test_search_lead.c - the word a name leads with decides between places
 * of the same proper name: the north's "Thôn Tân Lập, Xóm 9" and the
 * south's "Ấp Tân Lập, Tổ 9" are both hamlet "tân lập" in group "9", and a
 * query that writes "Ấp ..., Tổ 9" (or "KP 3" for Khu phố 3, "đường" for
 * a street the map calls Đường, "xã" for a commune) wants the south's. A
 * query with no such word keeps the order by postcode. On a hand-made
 * index; every expectation is a value.
 *
 *   zone 80001 Tân Phú (xã, Huyện Đông Anh, Hà Nội)     the north
 *   zone 80002 Tân Phú (xã, Huyện Củ Chi, Hồ Chí Minh)  the south
 *   zone 80003 Tân Lập (phường, Quận 9, Hồ Chí Minh)
 *   zone 80004 Tân Lập (xã, Huyện Bình Chánh, Hồ Chí Minh)
 *   N1 5 Thôn Tân Lập, Xóm 9 (80001)    S1 5 Ấp Tân Lập, Tổ 9 (80002)
 *   N2 7 Lê Lợi, Tổ 3 (80001)           S2 7 Lê Lợi, Khu phố 3 (80002)
 *   N3 2 Phố Huế (80001)                S3 2 Đường Huế (80002)
 *   W1 9 Hai Bà Trưng (80003)           C1 9 Hai Bà Trưng (80004)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diachi/search.h"
#include "diachi/search_index.h"
#include "index_fixture.h"

static dc_geo *geo;
static dc_geo_session *s;
static dc_search_result *r;

#define NZ 4
#define NH 8

static fx_poly polys[NZ];

static int setup(void **state)
{
    (void)state;
    static const struct {
        uint32_t postcode;
        const char *name, *kind, *district, *province;
    } zz[NZ] = {
        {80001, "Tân Phú", "xã", "Huyện Đông Anh", "Thành phố Hà Nội"},
        {80002, "Tân Phú", "xã", "Huyện Củ Chi", "Thành phố Hồ Chí Minh"},
        {80003, "Tân Lập", "phường", "Quận 9", "Thành phố Hồ Chí Minh"},
        {80004, "Tân Lập", "xã", "Huyện Bình Chánh", "Thành phố Hồ Chí Minh"},
    };
    dc_zone_input zones[NZ];
    for (int i = 0; i < NZ; i++) {
        int32_t west = 1058000000 + i * 100000;
        fx_poly_begin(&polys[i]);
        fx_poly_rect(&polys[i], 0, 213000000, west, 213100000, west + 100000);
        zones[i] = (dc_zone_input){.postcode = zz[i].postcode,
                                   .name = zz[i].name,
                                   .kind = zz[i].kind,
                                   .commune_code = "00000",
                                   .district = zz[i].district,
                                   .province = zz[i].province,
                                   .ref_lat_e7 = 213050000,
                                   .ref_lon_e7 = west + 50000,
                                   .polygon = fx_poly_get(&polys[i])};
    }
    static const struct {
        const char *id, *number, *street, *group;
        int zone;
    } hh[NH] = {
        {"N1", "5", "Thôn Tân Lập", "Xóm 9", 0},
        {"N2", "7", "Lê Lợi", "Tổ 3", 0},
        {"N3", "2", "Phố Huế", NULL, 0},
        {"S1", "5", "Ấp Tân Lập", "Tổ 9", 1},
        {"S2", "7", "Lê Lợi", "Khu phố 3", 1},
        {"S3", "2", "Đường Huế", NULL, 1},
        {"W1", "9", "Hai Bà Trưng", NULL, 2},
        {"C1", "9", "Hai Bà Trưng", NULL, 3},
    };
    dc_household_input households[NH];
    for (int i = 0; i < NH; i++)
        households[i] =
            (dc_household_input){.lat_e7 = 213050000 + i * 1000,
                                 .lon_e7 = 1058050000 + hh[i].zone * 100000 + i * 1000,
                                 .postcode = zz[hh[i].zone].postcode,
                                 .id = hh[i].id,
                                 .house_number = hh[i].number,
                                 .street = hh[i].street,
                                 .group = hh[i].group};
    dc_index_build_input in = {.zones = zones,
                               .nzones = NZ,
                               .households = households,
                               .nhouseholds = NH,
                               .build_time = 1700000000};
    const char *path = fx_path("lead.idx");
    if (dc_index_build(path, &in, NULL, NULL) != DC_OK) return -1;
    if (dc_geo_open(path, &geo, NULL) != DC_OK) return -1;
    if (dc_geo_session_begin(geo, &s) != DC_OK) return -1;
    r = malloc(sizeof *r);
    return r ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(r);
    dc_geo_session_end(s);
    dc_geo_close(geo);
    fx_cleanup();
    return 0;
}

static void search(const char *q)
{
    dc_error err = {0};
    assert_int_equal(dc_search(s, q, strlen(q), NULL, r, &err), DC_OK);
}

/* The first answers are the households @p ids, in order. */
static void expect_households(const char *q, const char *const *ids, size_t n)
{
    search(q);
    for (size_t i = 0; i < n; i++) {
        const dc_search_hit *h = i < r->nhits ? &r->hits[i] : NULL;
        bool ok = h && h->match == DC_SEARCH_HOUSEHOLD &&
                  h->household.id.len == strlen(ids[i]) &&
                  memcmp(h->household.id.ptr, ids[i], h->household.id.len) == 0;
        if (!ok) {
            printf("query \"%s\", answer %zu: want %s\n", q, i, ids[i]);
            for (size_t k = 0; k < r->nhits; k++)
                printf("  hit %s %05u %.*s %.3f\n",
                       dc_search_match_name(r->hits[k].match), r->hits[k].zone.postcode,
                       (int)r->hits[k].household.id.len, r->hits[k].household.id.ptr,
                       r->hits[k].score);
        }
        assert_true(ok);
    }
}

#define EXPECT(q, ...)                                                                 \
    do {                                                                               \
        static const char *const want_[] = {__VA_ARGS__};                              \
        expect_households(q, want_, sizeof want_ / sizeof want_[0]);                   \
    } while (0)

/* The entities keep the word their name led with, as the vocabulary's
 * full word; a zone's is its kind's. */
static void test_stored_word(void **state)
{
    (void)state;
    dc_index_txn *txn;
    dc_index *idx = dc_geo_index(geo);
    assert_int_equal(dc_index_txn_begin(idx, &txn), DC_OK);
    uint32_t n = dc_index_search_entities(idx), seen = 0;
    for (uint32_t id = 0; id < n; id++) {
        dc_entity e;
        dc_str name;
        assert_int_equal(dc_index_search_entity(txn, id, &e), DC_OK);
        assert_int_equal(dc_index_search_name(txn, &e, &name), DC_OK);
        const char *want = NULL;
#define NAMED(text) (name.len == strlen(text) && memcmp(name.ptr, text, name.len) == 0)
        if (e.kind == DC_ENTITY_STREET && NAMED("Thôn Tân Lập")) want = "thôn";
        if (e.kind == DC_ENTITY_STREET && NAMED("Ấp Tân Lập")) want = "ấp";
        if (e.kind == DC_ENTITY_STREET && NAMED("Đường Huế")) want = "đường";
        if (e.kind == DC_ENTITY_STREET && NAMED("Phố Huế")) want = "phố";
        if (e.kind == DC_ENTITY_STREET && NAMED("Lê Lợi")) want = "";
        if (e.kind == DC_ENTITY_GROUP && NAMED("Khu phố 3")) want = "khu phố";
        if (e.kind == DC_ENTITY_GROUP && NAMED("Xóm 9")) want = "xóm";
        if (e.kind == DC_ENTITY_ZONE && e.postcode == 80003) want = "phường";
        if (e.kind == DC_ENTITY_ZONE && e.postcode == 80004) want = "xã";
        if (e.kind == DC_ENTITY_DISTRICT && NAMED("Huyện Củ Chi")) want = "huyện";
        if (e.kind == DC_ENTITY_PROVINCE && NAMED("Thành phố Hà Nội")) want = "thành phố";
#undef NAMED
        if (!want) continue;
        seen++;
        if (e.lead.len != strlen(want) || memcmp(e.lead.ptr, want, e.lead.len) != 0)
            printf("%.*s: word \"%.*s\", want \"%s\"\n", (int)name.len, name.ptr,
                   (int)e.lead.len, e.lead.ptr, want);
        assert_int_equal(e.lead.len, strlen(want));
        assert_memory_equal(e.lead.ptr, want, e.lead.len);
    }
    /* two Lê Lợi, the four zones less two Tân Phú, both Hà Nội's and Củ Chi */
    assert_int_equal(seen, 12);
    dc_index_txn_end(txn);
}

static void test_group_words(void **state)
{
    (void)state;
    /* the hamlet and the group by their own words */
    EXPECT("số 5 Ấp Tân Lập, Tổ 9", "S1", "N1");
    EXPECT("số 5 Thôn Tân Lập, Xóm 9", "N1", "S1");
    /* typed without tones */
    EXPECT("so 5 ap tan lap, to 9", "S1", "N1");
    /* one word of the two is enough */
    EXPECT("số 5 Ấp Tân Lập", "S1", "N1");
    EXPECT("5 Tân Lập, Tổ 9", "S1", "N1");
    /* an abbreviation is its word: KP is khu phố, TDP is not tổ */
    EXPECT("7 Lê Lợi, KP 3", "S2", "N2");
    EXPECT("7 Lê Lợi, Khu phố 3", "S2", "N2");
    EXPECT("7 Lê Lợi, Tổ 3", "N2", "S2");
}

static void test_street_and_zone_words(void **state)
{
    (void)state;
    EXPECT("2 Đường Huế", "S3", "N3");
    EXPECT("2 Đ. Huế", "S3", "N3");
    EXPECT("2 Phố Huế", "N3", "S3");
    EXPECT("9 Hai Bà Trưng, xã Tân Lập", "C1", "W1");
    EXPECT("9 Hai Bà Trưng, X. Tân Lập", "C1", "W1");
    EXPECT("9 Hai Bà Trưng, phường Tân Lập", "W1", "C1");
}

/* With no such word the order stays the postcode's. */
static void test_no_word(void **state)
{
    (void)state;
    EXPECT("5 Tân Lập", "N1", "S1");
    EXPECT("7 Lê Lợi", "N2", "S2");
    EXPECT("2 Huế", "N3", "S3");
    EXPECT("9 Hai Bà Trưng Tân Lập", "W1", "C1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_word),
        cmocka_unit_test(test_group_words),
        cmocka_unit_test(test_street_and_zone_words),
        cmocka_unit_test(test_no_word),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
