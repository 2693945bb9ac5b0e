/*
 * test_http_short.c - codes as people have them, over HTTP (issue 15): a
 * postcode in /v1/zones read as leniently as a code ("32 101", full-width
 * digits); a short Plus Code with ?postcode= or ?locality=, resolved as
 * `diachi lookup` does; and similar_codes, the registered codes one edit
 * away from a registered one, on forward answers. On the sample index:
 * 32105 927C+J93 is household DBP-005602, 32101 92P5+RF5 is DBP-006064.
 *
 * Usage: test_http_short DIACHI SAMPLE_INDEX
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http_support.h"

/* "Mường Thanh, Điện Biên", percent-encoded. */
#define MUONG_THANH "M%C6%B0%E1%BB%9Dng%20Thanh,%20%C4%90i%E1%BB%87n%20Bi%C3%AAn"

static const char *diachi, *sample_index;
static dc_server srv;
static CURL *curl;
static int port;

static json_t *get(const char *path, dc_reply *r)
{
    json_error_t e;
    if (!dc_request(curl, port, NULL, path, NULL, NULL, 0, r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r->error));
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    if (!(j != NULL)) print_error("%s: not JSON: %.200s\n", path, r->body);
    assert_non_null(j);
    return j;
}

static bool str_is(json_t *j, const char *path, const char *want)
{
    return strcmp(dc_json_str(j, path), want) == 0;
}

/* A 200 whose string at @p member is @p want. */
static void expect_ok(const char *path, const char *member, const char *want)
{
    dc_reply r;
    json_t *j = get(path, &r);
    if (!(r.status == 200 && str_is(j, member, want)))
        print_error("%s: %ld, %s '%s', want '%s'\n", path, r.status, member,
                    dc_json_str(j, member), want);
    assert_int_equal(r.status, 200);
    assert_string_equal(dc_json_str(j, member), want);
    json_decref(j);
    dc_reply_free(&r);
}

static void expect_error(const char *path, long status, const char *code,
                         const char *message)
{
    dc_reply r;
    json_t *j = get(path, &r);
    if (!(r.status == status && str_is(j, "error.code", code) &&
          str_is(j, "error.message", message)))
        print_error("%s: %ld %s '%s', want %ld %s '%s'\n", path, r.status,
                    dc_json_str(j, "error.code"), dc_json_str(j, "error.message"), status,
                    code, message);
    assert_int_equal(r.status, status);
    assert_string_equal(dc_json_str(j, "error.code"), code);
    assert_string_equal(dc_json_str(j, "error.message"), message);
    json_decref(j);
    dc_reply_free(&r);
}

static void test_zones(void **state)
{
    (void)state;
    expect_ok("/v1/zones/32101", "postcode", "32101");
    expect_ok("/v1/zones/32%20101", "postcode", "32101");
    expect_ok("/v1/zones/32-101", "postcode", "32101");
    expect_ok("/v1/zones/%EF%BC%93%EF%BC%92%EF%BC%91%EF%BC%90%EF%BC%91", "postcode",
              "32101"); /* full-width digits */
    expect_error("/v1/zones/3210", 400, "bad_parameter",
                 "the postcode in the path: expected 5 digits, got 4");
    expect_error("/v1/zones/99999", 404, "unknown_postcode",
                 "no postal zone has postcode 99999");
}

static void test_short_codes(void **state)
{
    (void)state;
    expect_ok("/v1/codes/927C+J93?postcode=32105", "households.0.id", "DBP-005602");
    expect_ok("/v1/codes/927C+J93?postcode=32105", "place.code", "32105 927C+J93");
    expect_ok("/v1/codes/927C+J93?postcode=32105", "input", "927C+J93");
    expect_ok("/v1/codes/927C+J93?postcode=32%20105", "households.0.id", "DBP-005602");
    expect_ok("/v1/codes/92P5+RF5?postcode=32101", "households.0.id", "DBP-006064");
    expect_ok("/v1/codes/92P5+RF5?locality=" MUONG_THANH, "households.0.id",
              "DBP-006064");
    expect_ok("/v1/codes/92P5+RF5?locality=" MUONG_THANH, "place.code", "32101 92P5+RF5");
    expect_ok("/v1/codes/927C+J93?locality=Nam%20Thanh", "households.0.id", "DBP-005602");
    expect_ok("/v1/codes/927C+J93?locality=Nam%20Thanh&format=geojson", "diachi_status",
              "ok");
    expect_error("/v1/codes/92P5+RF5?locality=H%C3%A0%20N%E1%BB%99i", 404,
                 "unknown_locality",
                 "no zone, district or province of this index is named in locality "
                 "Hà Nội");
    expect_error("/v1/codes/927C+J93?postcode=99999", 404, "unknown_postcode",
                 "no postal zone has postcode 99999");
    expect_error("/v1/codes/927C+J93?postcode=3210", 400, "bad_parameter",
                 "parameter postcode: expected 5 digits, got 4");
    expect_error("/v1/codes/92P5+RF5?postcode=32101&locality=" MUONG_THANH, 400,
                 "bad_parameter", "parameters postcode and locality: give one of them");
    expect_error("/v1/codes/32105927CJ93?postcode=32105", 400, "bad_parameter",
                 "with parameter postcode, the path is a short Plus Code (92P5+RF5), not "
                 "32105927CJ93");
}

static void test_similar_codes(void **state)
{
    (void)state;
    dc_reply r;
    json_t *j = get("/v1/codes/32105927CJ93", &r);
    json_t *sim = dc_json_at(j, "similar_codes");
    if (!(r.status == 200 && json_array_size(sim) == 2))
        print_error("similar_codes of 32105 927C+J93\n");
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(sim), 2);
    if (!(str_is(j, "similar_codes.0.code", "32105 927C+J9J") &&
          str_is(j, "similar_codes.0.edit", "substitute") &&
          dc_json_num(j, "similar_codes.0.position") == 12 &&
          fabs(dc_json_num(j, "similar_codes.0.distance_m") - 9.4) < 1e-9 &&
          dc_json_num(j, "similar_codes.0.household_count") == 1 &&
          str_is(j, "similar_codes.0.household.id", "DBP-005601")))
        print_error("the first similar code: %s %s\n",
                    dc_json_str(j, "similar_codes.0.code"),
                    dc_json_str(j, "similar_codes.0.household.id"));
    assert_string_equal(dc_json_str(j, "similar_codes.0.code"), "32105 927C+J9J");
    assert_string_equal(dc_json_str(j, "similar_codes.0.edit"), "substitute");
    assert_true(dc_json_num(j, "similar_codes.0.position") == 12);
    assert_true(fabs(dc_json_num(j, "similar_codes.0.distance_m") - 9.4) < 1e-9);
    assert_true(dc_json_num(j, "similar_codes.0.household_count") == 1);
    assert_string_equal(dc_json_str(j, "similar_codes.0.household.id"), "DBP-005601");
    if (!(str_is(j, "similar_codes.1.code", "32105 927C+W93") &&
          dc_json_num(j, "similar_codes.1.position") == 10 &&
          fabs(dc_json_num(j, "similar_codes.1.distance_m") - 82.5) < 1e-9 &&
          str_is(j, "similar_codes.1.household.id", "DBP-004211")))
        print_error("the second similar code: %s\n",
                    dc_json_str(j, "similar_codes.1.code"));
    assert_string_equal(dc_json_str(j, "similar_codes.1.code"), "32105 927C+W93");
    assert_true(dc_json_num(j, "similar_codes.1.position") == 10);
    assert_true(fabs(dc_json_num(j, "similar_codes.1.distance_m") - 82.5) < 1e-9);
    assert_string_equal(dc_json_str(j, "similar_codes.1.household.id"), "DBP-004211");
    json_decref(j);
    dc_reply_free(&r);
    /* GeoJSON carries them as a foreign member. */
    j = get("/v1/codes/32105927CJ93?format=geojson", &r);
    if (!(json_array_size(dc_json_at(j, "similar_codes")) == 2 &&
          str_is(j, "similar_codes.0.code", "32105 927C+J9J")))
        print_error("similar_codes in GeoJSON\n");
    assert_int_equal(json_array_size(dc_json_at(j, "similar_codes")), 2);
    assert_string_equal(dc_json_str(j, "similar_codes.0.code"), "32105 927C+J9J");
    json_decref(j);
    dc_reply_free(&r);
    /* A registered code with none: an empty list; unregistered: none. */
    j = get("/v1/codes/32101%2092P5%2BRF5", &r);
    sim = dc_json_at(j, "similar_codes");
    if (!(r.status == 200 && json_is_array(sim) && json_array_size(sim) == 0))
        print_error("no similar code of 32101 92P5+RF5\n");
    assert_int_equal(r.status, 200);
    assert_true(json_is_array(sim));
    assert_int_equal(json_array_size(sim), 0);
    json_decref(j);
    dc_reply_free(&r);
    j = get("/v1/codes/32105927CJ92", &r);
    if (!(str_is(j, "status", "unregistered") && !dc_json_at(j, "similar_codes")))
        print_error("an unregistered code has no similar_codes\n");
    assert_string_equal(dc_json_str(j, "status"), "unregistered");
    assert_null(dc_json_at(j, "similar_codes"));
    json_decref(j);
    dc_reply_free(&r);
}

int main(int argc, char **argv)
{
    const dc_http_fixture fx = {.index = &sample_index, DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_short_codes),
        cmocka_unit_test(test_similar_codes),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
