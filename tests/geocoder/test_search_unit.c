/*
 * test_search_unit.c - dc_search and dc_search_complete on a hand-made
 * index whose names are chosen for each rule of diachi/search.h: a house
 * number found or not (never an invented door), household before street
 * before zone, exact tones before folded, a zone or postcode named with
 * its word restricting, near ordering ties, a typo, a numbered ward, the
 * bad queries, a query that matches nothing, and autocomplete. Every
 * expectation is a value.
 *
 *   zone 70001 Tân Thành (phường, Quận 1)   21.300..21.310, 105.800..105.810
 *   zone 70002 Tân Thạnh (phường, Quận 1)   21.300..21.310, 105.810..105.820
 *   zone 70003 Phường 5 (phường, Quận 3)    21.310..21.320, 105.800..105.820
 *   Lê Lợi in 70001 (1, 3) and 70003 (12, 14); Lê Lai in 70002 (7);
 *   Trần Hưng Đạo in 70001 (5, 9, 9: a shared door) and 70003 (2);
 *   Thanh Niên in 70001 (4), Thành Công in 70002 (6), Thạnh Lộc in 70003 (8);
 *   Lạc Long Quân in 70001 (11), Lý Thái Tổ in 70002 (20): names that hold a
 *   vocabulary word (quân: quận, tổ)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diachi/search.h"
#include "index_fixture.h"

static dc_geo *geo;
static dc_geo_session *s;
static dc_search_result *r;
static dc_complete_result *c;

#define NZ 3
#define NH 16

static fx_poly polys[NZ];

static dc_zone_input zone(int i, uint32_t postcode, const char *name,
                          const char *district)
{
    return (dc_zone_input){.postcode = postcode,
                           .name = name,
                           .kind = "phường",
                           .commune_code = "00000",
                           .district = district,
                           .province = "Thành phố Hà Nội",
                           .ref_lat_e7 = 213050000 + (i == 2 ? 100000 : 0),
                           .ref_lon_e7 = 1058050000 + (i == 1 ? 100000 : 0),
                           .polygon = fx_poly_get(&polys[i])};
}

static int setup(void **state)
{
    (void)state;
    dc_zone_input zones[NZ];
    fx_poly_begin(&polys[0]);
    fx_poly_rect(&polys[0], 0, 213000000, 1058000000, 213100000, 1058100000);
    fx_poly_begin(&polys[1]);
    fx_poly_rect(&polys[1], 0, 213000000, 1058100000, 213100000, 1058200000);
    fx_poly_begin(&polys[2]);
    fx_poly_rect(&polys[2], 0, 213100000, 1058000000, 213200000, 1058200000);
    zones[0] = zone(0, 70001, "Tân Thành", "Quận 1");
    zones[1] = zone(1, 70002, "Tân Thạnh", "Quận 1");
    zones[2] = zone(2, 70003, "Phường 5", "Quận 3");
    struct {
        const char *id, *number, *street;
        uint32_t postcode;
        int32_t lat, lon;
    } hh[NH] = {
        {"H01", "1", "Lê Lợi", 70001, 213010000, 1058010000},
        {"H02", "3", "Lê Lợi", 70001, 213011000, 1058011000},
        {"H03", "12", "Lê Lợi", 70003, 213150000, 1058150000},
        {"H04", "14", "Lê Lợi", 70003, 213151000, 1058151000},
        {"H05", "7", "Lê Lai", 70002, 213050000, 1058150000},
        {"H06", "5", "Trần Hưng Đạo", 70001, 213080000, 1058080000},
        {"H07", "9", "Trần Hưng Đạo", 70001, 213081000, 1058081000},
        {"H08", "9", "Trần Hưng Đạo", 70001, 213081000, 1058081000},
        {"H09", "2", "Trần Hưng Đạo", 70003, 213180000, 1058180000},
        {"H10", "4", "Thanh Niên", 70001, 213020000, 1058020000},
        {"H11", "6", "Thành Công", 70002, 213020000, 1058120000},
        {"H12", "8", "Thạnh Lộc", 70003, 213120000, 1058020000},
        {"H13", "10", "Lê Lợi", 70003, 213152000, 1058152000},
        {"H14", "16", "Lê Lợi", 70003, 213153000, 1058153000},
        {"H15", "11", "Lạc Long Quân", 70001, 213030000, 1058030000},
        {"H16", "20", "Lý Thái Tổ", 70002, 213030000, 1058130000},
    };
    dc_household_input households[NH];
    for (int i = 0; i < NH; i++)
        households[i] = (dc_household_input){.lat_e7 = hh[i].lat,
                                             .lon_e7 = hh[i].lon,
                                             .postcode = hh[i].postcode,
                                             .id = hh[i].id,
                                             .house_number = hh[i].number,
                                             .street = hh[i].street,
                                             .group = NULL};
    dc_index_build_input in = {.zones = zones,
                               .nzones = NZ,
                               .households = households,
                               .nhouseholds = NH,
                               .build_time = 1700000000};
    const char *path = fx_path("search.idx");
    if (dc_index_build(path, &in, NULL, NULL) != DC_OK) return -1;
    if (dc_geo_open(path, &geo, NULL) != DC_OK) return -1;
    if (dc_geo_session_begin(geo, &s) != DC_OK) return -1;
    r = malloc(sizeof *r);
    c = malloc(sizeof *c);
    return r && c ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(r);
    free(c);
    dc_geo_session_end(s);
    dc_geo_close(geo);
    fx_cleanup();
    return 0;
}

static void search(const char *q, const dc_search_options *opt)
{
    dc_error err = {0};
    assert_int_equal(dc_search(s, q, strlen(q), opt, r, &err), DC_OK);
}

/* Hit @p i is of match @p m in zone @p postcode, with (for a household)
 * id @p id or (else) name @p name. */
/* What the search answered, when an expectation fails. */
static void dump(void)
{
    for (size_t p = 0; p < r->nparts; p++)
        printf("  part %s \"%.*s\"\n", r->parts[p].kind, (int)r->parts[p].text.len,
               r->parts[p].text.ptr);
    for (size_t i = 0; i < r->nhits; i++)
        printf("  hit %s %05u %.*s %.3f\n", dc_search_match_name(r->hits[i].match),
               r->hits[i].zone.postcode, (int)r->hits[i].name.len, r->hits[i].name.ptr,
               r->hits[i].score);
}

static void expect_hit(size_t i, dc_search_match m, uint32_t postcode, const char *text)
{
    if (i >= r->nhits || r->hits[i].match != m || r->hits[i].zone.postcode != postcode)
        dump();
    assert_true(i < r->nhits);
    const dc_search_hit *h = &r->hits[i];
    assert_string_equal(dc_search_match_name(h->match), dc_search_match_name(m));
    assert_int_equal(h->zone.postcode, postcode);
    dc_str got = m == DC_SEARCH_HOUSEHOLD ? h->household.id : h->name;
    assert_int_equal(got.len, strlen(text));
    assert_memory_equal(got.ptr, text, got.len);
}

static void test_house_numbers(void **state)
{
    (void)state;
    /* 12 is on Lê Lợi in Phường 5 only */
    search("12 Lê Lợi", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70003, "H03");
    assert_true(r->hits[0].score > 0.99);
    assert_int_equal(r->hits[0].how[0], DC_SEARCH_EXACT);
    /* 99 is on no Lê Lợi: the streets, never a door */
    search("99 Lê Lợi, phường Tân Thành", NULL);
    expect_hit(0, DC_SEARCH_STREET, 70001, "Lê Lợi");
    assert_int_equal(r->hits[0].how[0], DC_SEARCH_NONE);
    for (size_t i = 0; i < r->nhits; i++)
        assert_int_not_equal(r->hits[i].match, DC_SEARCH_HOUSEHOLD);
    /* a shared door: both households, in number order */
    search("9 Trần Hưng Đạo", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70001, "H07");
    expect_hit(1, DC_SEARCH_HOUSEHOLD, 70001, "H08");
    assert_true(r->hits[0].score == r->hits[1].score);
}

static void test_levels(void **state)
{
    (void)state;
    /* household + street + zone, before street + zone, before zone */
    search("5 Trần Hưng Đạo, Tân Thành", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70001, "H06");
    expect_hit(1, DC_SEARCH_STREET, 70003, "Trần Hưng Đạo");
    expect_hit(2, DC_SEARCH_ZONE, 70001, "Tân Thành");
    assert_true(r->hits[0].score > r->hits[1].score);
    assert_true(r->hits[1].score > r->hits[2].score);
    /* the parts: house (guessed), street (guessed), free */
    assert_int_equal(r->nparts, 3);
    assert_string_equal(r->parts[0].kind, "house");
    assert_true(r->parts[0].guess);
    assert_string_equal(r->parts[1].kind, "street");
    assert_string_equal(r->parts[2].kind, "free");
    assert_memory_equal(r->parts[2].text.ptr, "tân thành", r->parts[2].text.len);
    assert_int_equal(r->hits[0].how[2], DC_SEARCH_EXACT);
}

static void test_tones(void **state)
{
    (void)state;
    /* exact tones first: Tân Thạnh is 70002, Tân Thành 70001 */
    search("Tân Thạnh", NULL);
    expect_hit(0, DC_SEARCH_ZONE, 70002, "Tân Thạnh");
    expect_hit(1, DC_SEARCH_ZONE, 70001, "Tân Thành");
    assert_int_equal(r->hits[0].how[0], DC_SEARCH_EXACT);
    assert_int_equal(r->hits[1].how[0], DC_SEARCH_FOLDED);
    search("Tân Thành", NULL);
    expect_hit(0, DC_SEARCH_ZONE, 70001, "Tân Thành");
    /* without tones both are folded: postcode order */
    search("tan thanh", NULL);
    expect_hit(0, DC_SEARCH_ZONE, 70001, "Tân Thành");
    expect_hit(1, DC_SEARCH_ZONE, 70002, "Tân Thạnh");
    assert_true(r->hits[0].score == r->hits[1].score);
    /* typed without tones, a part is folded where the map has tones */
    search("4 thanh nien", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70001, "H10");
    assert_int_equal(r->hits[0].how[1], DC_SEARCH_FOLDED);
    search("4 Thanh Niên", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70001, "H10");
    assert_int_equal(r->hits[0].how[1], DC_SEARCH_EXACT);
    /* typed with tones (Tân), "Thanh" is the level tone: neither ward's own */
    search("Tân Thanh", NULL);
    expect_hit(0, DC_SEARCH_ZONE, 70001, "Tân Thành");
    expect_hit(1, DC_SEARCH_ZONE, 70002, "Tân Thạnh");
    assert_true(r->hits[0].score == r->hits[1].score);
    assert_int_equal(r->hits[0].how[0], DC_SEARCH_FOLDED);
    double level = r->hits[0].score;
    search("tan thanh", NULL); /* without tones: folded counts as exact */
    assert_true(r->hits[0].score > level);
    /* a typo keeps the tones it was typed with: thàkh is Thành's */
    search("Tân Thạkh", NULL);
    expect_hit(0, DC_SEARCH_ZONE, 70002, "Tân Thạnh");
    expect_hit(1, DC_SEARCH_ZONE, 70001, "Tân Thành");
    assert_int_equal(r->hits[0].how[0], DC_SEARCH_TYPO);
    assert_true(r->hits[0].score > r->hits[1].score);
    search("Tân Thàkh", NULL);
    expect_hit(0, DC_SEARCH_ZONE, 70001, "Tân Thành");
    assert_true(r->hits[0].score > r->hits[1].score);
}

static void test_restrictions(void **state)
{
    (void)state;
    /* a zone named with its word restricts */
    search("Lê Lợi, phường Tân Thành", NULL);
    expect_hit(0, DC_SEARCH_STREET, 70001, "Lê Lợi");
    for (size_t i = 0; i < r->nhits; i++)
        assert_int_equal(r->hits[i].zone.postcode, 70001);
    /* and so does a postcode, a numbered ward, and a district */
    search("Lê Lợi 70003", NULL);
    expect_hit(0, DC_SEARCH_STREET, 70003, "Lê Lợi");
    for (size_t i = 0; i < r->nhits; i++)
        assert_int_equal(r->hits[i].zone.postcode, 70003);
    search("Trần Hưng Đạo, Phường 5", NULL);
    expect_hit(0, DC_SEARCH_STREET, 70003, "Trần Hưng Đạo");
    search("Trần Hưng Đạo, Q.3", NULL);
    expect_hit(0, DC_SEARCH_STREET, 70003, "Trần Hưng Đạo");
    for (size_t i = 0; i < r->nhits; i++)
        assert_int_equal(r->hits[i].zone.postcode, 70003);
    search("phường 5", NULL);
    expect_hit(0, DC_SEARCH_ZONE, 70003, "Phường 5");
    assert_int_equal(r->nhits, 1);
}

static void test_near(void **state)
{
    (void)state;
    dc_search_options far = {
        .limit = 5, .near = true, .near_lat = 21.3151, .near_lon = 105.815};
    dc_search_options here = {
        .limit = 5, .near = true, .near_lat = 21.301, .near_lon = 105.801};
    search("Lê Lợi", &here);
    expect_hit(0, DC_SEARCH_STREET, 70001, "Lê Lợi");
    expect_hit(1, DC_SEARCH_STREET, 70003, "Lê Lợi");
    assert_true(r->hits[0].distance_m < r->hits[1].distance_m);
    search("Lê Lợi", &far);
    expect_hit(0, DC_SEARCH_STREET, 70003, "Lê Lợi");
    /* the mean of 12, 14, 10, 16: 21.31515, 105.81515 */
    assert_int_equal(r->hits[0].lat_e7, 213151500);
    assert_int_equal(r->hits[0].lon_e7, 1058151500);
    search("Lê Lợi", NULL);
    assert_true(r->hits[0].distance_m < 0);
}

static void test_typo_and_none(void **state)
{
    (void)state;
    /* thanh has 5 letters: a typo in it is tolerated */
    search("4 Thnah Niên", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70001, "H10");
    assert_int_equal(r->hits[0].how[1], DC_SEARCH_TYPO);
    /* hưng has 4: not (Trần Hưng Đạo is not found, nor is any door) */
    search("2 Trần Hưgn Đạo", NULL);
    for (size_t i = 0; i < r->nhits; i++)
        assert_int_not_equal(r->hits[i].match, DC_SEARCH_HOUSEHOLD);
    search("Hai Bà Trưng", NULL);
    assert_int_equal(r->nhits, 0);
    assert_int_equal(r->nparts, 1);
    assert_string_equal(r->parts[0].kind, "free");
}

/* Names holding a vocabulary word, cut by the parser, taken back by the
 * runs; a house number after số in a street part; a ward typed without
 * tones allows every ward it folds to. */
static void test_hard_names(void **state)
{
    (void)state;
    search("11 lac long quan phuong tan thanh", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70001, "H15");
    search("Đường Lý Thái Tổ số 20", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70002, "H16");
    search("phường Tân Thạnh, Đường Lý Thái Tổ số 20", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70002, "H16");
    /* Lê Lai is in Tân Thạnh: "tan thanh" typed without tones is it too */
    search("7 le lai, phuong tan thanh", NULL);
    expect_hit(0, DC_SEARCH_HOUSEHOLD, 70002, "H05");
    /* with tones, Tân Thành is another ward: Lê Lai is not in it */
    search("7 Lê Lai, phường Tân Thành", NULL);
    for (size_t i = 0; i < r->nhits; i++)
        assert_int_equal(r->hits[i].zone.postcode, 70001);
}

static void test_bad_queries(void **state)
{
    (void)state;
    static const struct {
        const char *q;
        size_t len;
        dc_err rc;
        const char *message;
    } cases[] = {
        {"", 0, DC_E_TEXT_EMPTY, "the query has no words"},
        {" ,.;", 4, DC_E_TEXT_EMPTY, "the query has no words"},
        {"M\xC6\xB0\xC3", 4, DC_E_TEXT_UTF8, "invalid UTF-8 at byte 3 (0xC3)"},
        {"L\xC3\xAA\x1b", 4, DC_E_TEXT_CONTROL, "control character U+001B at byte 3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_error err = {0};
        r->nhits = 77;
        assert_int_equal(dc_search(s, cases[i].q, cases[i].len, NULL, r, &err),
                         cases[i].rc);
        assert_string_equal(err.message, cases[i].message);
        assert_int_equal(r->nhits, 77); /* untouched */
        assert_int_equal(dc_search_complete(s, cases[i].q, cases[i].len, c, &err),
                         cases[i].rc);
    }
    char big[1100];
    memset(big, 'a', sizeof big);
    dc_error err = {0};
    assert_int_equal(dc_search(s, big, 1025, NULL, r, &err), DC_E_TEXT_LENGTH);
    assert_string_equal(err.message, "text is 1025 bytes, over the limit of 1024");
    dc_search_options bad = {.limit = 101};
    assert_int_equal(dc_search(s, "Lê Lợi", 8, &bad, r, NULL), DC_E_INVALID_ARG);
    bad = (dc_search_options){.near = true, .near_lat = 91};
    assert_int_equal(dc_search(s, "Lê Lợi", 8, &bad, r, NULL), DC_E_INVALID_ARG);
}

static void complete(const char *q)
{
    dc_error err = {0};
    assert_int_equal(dc_search_complete(s, q, strlen(q), c, &err), DC_OK);
}

static void test_complete(void **state)
{
    (void)state;
    /* Trần Hưng Đạo of Quận 1 (3 households) and of Quận 3 (1) */
    complete("12 tran h");
    assert_int_equal(c->nanswers, 2);
    assert_string_equal(c->answers[0].text, "12 Trần Hưng Đạo");
    assert_int_equal(c->answers[0].kind, DC_ENTITY_STREET);
    assert_int_equal(c->answers[0].postcode, 70001);
    assert_int_equal(c->answers[1].postcode, 70003);
    /* one answer a name in a district: Lê Lợi of Quận 1 (2 households)
     * and of Quận 3 (4), the heavier first, then Lê Lai */
    complete("le l");
    assert_int_equal(c->nanswers, 3);
    assert_string_equal(c->answers[0].text, "Lê Lợi");
    assert_int_equal(c->answers[0].postcode, 70003);
    assert_int_equal(c->answers[0].household_count, 4);
    assert_string_equal(c->answers[1].text, "Lê Lợi");
    assert_int_equal(c->answers[1].postcode, 70001);
    assert_string_equal(c->answers[2].text, "Lê Lai");
    /* the last word whole: names that hold it */
    /* both zones spell tan thanh; its tones first, though the lighter */
    complete("Tân Thạnh ");
    assert_int_equal(c->nanswers, 2);
    assert_string_equal(c->answers[0].text, "Tân Thạnh");
    assert_string_equal(c->answers[1].text, "Tân Thành");
    complete("phường Tân T");
    assert_int_equal(c->nanswers, 2);
    assert_string_equal(c->answers[0].text, "phường Tân Thành");
    assert_int_equal(c->answers[0].kind, DC_ENTITY_ZONE);
    /* after a house number, a ward being typed (the parser's street guess) */
    complete("5 tan th");
    assert_int_equal(c->nanswers, 2);
    assert_string_equal(c->answers[0].text, "5 Tân Thành");
    assert_int_equal(c->answers[0].kind, DC_ENTITY_ZONE);
    complete("xyz");
    assert_int_equal(c->nanswers, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_house_numbers), cmocka_unit_test(test_levels),
        cmocka_unit_test(test_tones),         cmocka_unit_test(test_restrictions),
        cmocka_unit_test(test_near),          cmocka_unit_test(test_typo_and_none),
        cmocka_unit_test(test_hard_names),    cmocka_unit_test(test_bad_queries),
        cmocka_unit_test(test_complete),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
