/*
 * test_http_search.c - GET /v1/search and GET /v1/autocomplete on the
 * sample index, through the real `diachi serve`: a door, a street for a
 * house number it lacks, a zone restricting, near, GeoJSON, no match (200
 * with the parts understood), every bad query (400 bad_query naming the
 * problem) and bad parameter, autocomplete's answers, and every reply held
 * to docs/openapi.json.
 *
 * Usage: test_http_search DIACHI SAMPLE_INDEX
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_support.h"

static const char *diachi, *sample_index;
static dc_server srv;
static CURL *curl;
static int port;

static json_t *get(const char *path, const char *const *headers, long status)
{
    dc_reply r;
    if (!dc_request(curl, port, NULL, path, headers, NULL, 0, &r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r.error));
    if (r.status != status)
        print_error("%s: status %ld, want %ld: %.300s\n", path, r.status, status, r.body);
    assert_int_equal(r.status, status);
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    if (!j) print_error("%s: not JSON (%s): %.200s\n", path, e.text, r.body);
    assert_non_null(j);
    dc_reply_free(&r);
    return j;
}

static void expect_str(json_t *j, const char *path, const char *want)
{
    const char *got = dc_json_str(j, path);
    if (strcmp(got, want) != 0) print_error("%s: '%s', want '%s'\n", path, got, want);
    assert_string_equal(got, want);
}

#define DOOR                                                                               \
    "số 21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, " \
    "Thành phố Điện Biên Phủ, Điện Biên, Việt Nam"

static void test_door(void **state)
{
    (void)state;
    json_t *j = get("/v1/search?q=21/3%20vo%20nguyen%20giap&limit=3", NULL, 200);
    expect_str(j, "query", "21/3 vo nguyen giap");
    expect_str(j, "parts.0.kind", "house");
    expect_str(j, "parts.0.text", "21/3");
    assert_true(json_is_true(dc_json_at(j, "parts.0.guess")));
    expect_str(j, "parts.1.kind", "street");
    assert_int_equal((int)dc_json_num(j, "count"), 3);
    expect_str(j, "results.0.match", "household");
    assert_true(dc_json_num(j, "results.0.score") == 1);
    expect_str(j, "results.0.matched.0", "exact");
    expect_str(j, "results.0.matched.1", "folded");
    expect_str(j, "results.0.display_name", DOOR);
    expect_str(j, "results.0.household.id", "DBP-000015");
    expect_str(j, "results.0.household.code", "32107 CX5Q+4HW");
    expect_str(j, "results.0.postcode", "32107");
    expect_str(j, "results.1.match", "street");
    assert_true(dc_json_num(j, "results.1.score") < dc_json_num(j, "results.0.score"));
    assert_null(dc_json_at(j, "results.0.distance_m"));
    json_decref(j);

    /* a house number the street does not have: streets, never a door */
    j = get(
        "/v1/search?q=99999/9+V%C3%B5+Nguy%C3%AAn+Gi%C3%A1p,+P.+M%C6%B0%E1%BB%9Dng+Thanh",
        NULL, 200);
    expect_str(j, "parts.2.kind", "zone");
    expect_str(j, "parts.2.word", "phường");
    expect_str(j, "results.0.match", "street");
    expect_str(j, "results.0.name", "Võ Nguyên Giáp");
    expect_str(j, "results.0.matched.0", "none");
    size_t n = json_array_size(dc_json_at(j, "results"));
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) { /* P. Mường Thanh restricts */
        char path[64];
        snprintf(path, sizeof path, "results.%zu.postcode", i);
        expect_str(j, path, "32101");
        snprintf(path, sizeof path, "results.%zu.match", i);
        assert_string_not_equal(dc_json_str(j, path), "household");
    }
    json_decref(j);
}

static void test_near_and_geojson(void **state)
{
    (void)state;
    json_t *j =
        get("/v1/search?q=V%C3%B5%20Nguy%C3%AAn%20Gi%C3%A1p&near=21.406,102.99&limit=2",
            NULL, 200);
    expect_str(j, "results.0.zone.name", "Thanh Trường");
    assert_true(dc_json_num(j, "results.0.distance_m") <=
                dc_json_num(j, "results.1.distance_m"));
    assert_true(dc_json_num(j, "near.lat") == 21.406);
    json_decref(j);
    j = get("/v1/search?q=21/3%20vo%20nguyen%20giap&limit=1&format=geojson", NULL, 200);
    expect_str(j, "type", "FeatureCollection");
    expect_str(j, "diachi_status", "ok");
    expect_str(j, "parts.0.kind", "house");
    expect_str(j, "features.0.properties.role", "household");
    expect_str(j, "features.0.properties.household.id", "DBP-000015");
    assert_true(dc_json_num(j, "features.0.geometry.coordinates.0") == 102.988964);
    json_decref(j);
    const char *geo[] = {"Accept: application/geo+json", NULL};
    j = get("/v1/autocomplete?q=ngo%2021%20vo", geo, 200);
    expect_str(j, "features.0.properties.role", "street");
    expect_str(j, "features.0.properties.text", "Ngõ 21 Võ Nguyên Giáp");
    json_decref(j);
}

static void test_no_match(void **state)
{
    (void)state;
    json_t *j = get("/v1/search?q=Hai%20B%C3%A0%20Tr%C6%B0ng", NULL, 200);
    assert_int_equal((int)dc_json_num(j, "count"), 0);
    assert_int_equal(json_array_size(dc_json_at(j, "results")), 0);
    expect_str(j, "parts.0.kind", "free");
    expect_str(j, "parts.0.text", "hai bà trưng");
    json_decref(j);
    j = get("/v1/search?q=xyzzy&format=geojson", NULL, 200);
    assert_int_equal(json_array_size(dc_json_at(j, "features")), 0);
    json_decref(j);
    j = get("/v1/autocomplete?q=xyzzy", NULL, 200);
    assert_int_equal((int)dc_json_num(j, "count"), 0);
    json_decref(j);
}

static void test_bad_queries(void **state)
{
    (void)state;
    static char big[2100];
    strcpy(big, "/v1/search?q=");
    memset(big + strlen(big), 'a', 2000);
    static const struct {
        const char *path;
        const char *code, *message;
    } cases[] = {
        {"/v1/search?q=", "bad_query", "parameter q: the query has no words"},
        {"/v1/search?q=%20,.;", "bad_query", "parameter q: the query has no words"},
        {"/v1/search?q=M%C6%B0%C3", "bad_query",
         "parameter q: invalid UTF-8 at byte 3 (0xC3)"},
        {"/v1/search?q=L%C3%AA%1b", "bad_query",
         "parameter q: control character U+001B at byte 3"},
        {"/v1/search?q=L%C3%AA%00x", "bad_query",
         "parameter q: control character U+0000 at byte 3"},
        {big, "bad_query", "parameter q: text is 2000 bytes, over the limit of 1024"},
        {"/v1/autocomplete?q=%20", "bad_query", "parameter q: the query has no words"},
        {"/v1/autocomplete?q=%FF", "bad_query",
         "parameter q: invalid UTF-8 at byte 0 (0xFF)"},
        {"/v1/search", "bad_parameter", "parameter q is missing"},
        {"/v1/autocomplete", "bad_parameter", "parameter q is missing"},
        {"/v1/search?q=a&q=b", "bad_parameter", "parameter q is given twice"},
        {"/v1/search?q=a&limit=0", "bad_parameter",
         "parameter limit must be a whole number in 1..100"},
        {"/v1/search?q=a&limit=2.5", "bad_parameter",
         "parameter limit must be a whole number in 1..100"},
        {"/v1/autocomplete?q=a&limit=11", "bad_parameter",
         "parameter limit must be a whole number in 1..10"},
        {"/v1/search?q=a&near=91,1", "bad_parameter",
         "parameter near must be a point LAT,LON in degrees (21.39,103.02)"},
        {"/v1/search?q=a&near=x", "bad_parameter",
         "parameter near must be a point LAT,LON in degrees (21.39,103.02)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = get(cases[i].path, NULL, 400);
        expect_str(j, "error.code", cases[i].code);
        expect_str(j, "error.message", cases[i].message);
        json_decref(j);
    }
    /* GeoJSON asked: an empty collection carrying the error */
    json_t *j = get("/v1/search?q=%20&format=geojson", NULL, 400);
    expect_str(j, "diachi_status", "bad_query");
    expect_str(j, "error.code", "bad_query");
    assert_int_equal(json_array_size(dc_json_at(j, "features")), 0);
    json_decref(j);
}

static void test_autocomplete(void **state)
{
    (void)state;
    json_t *j = get("/v1/autocomplete?q=12%20vo%20nguyen%20gi", NULL, 200);
    size_t n = json_array_size(dc_json_at(j, "results"));
    assert_true(n >= 1 && n <= 10);
    expect_str(j, "results.0.text", "12 Võ Nguyên Giáp");
    expect_str(j, "results.0.kind", "street");
    expect_str(j, "results.0.name", "Võ Nguyên Giáp");
    json_decref(j);
    j = get("/v1/autocomplete?q=t&limit=3", NULL, 200);
    assert_int_equal(json_array_size(dc_json_at(j, "results")), 3);
    json_decref(j);
    j = get("/v1/autocomplete?q=dien%20bien", NULL, 200);
    expect_str(j, "results.0.text", "Điện Biên");
    expect_str(j, "results.0.kind", "province");
    expect_str(j, "results.0.display_name", "Điện Biên, Việt Nam");
    assert_null(dc_json_at(j, "results.0.postcode"));
    expect_str(j, "results.1.kind", "district");
    expect_str(j, "results.1.display_name",
               "Thành phố Điện Biên Phủ, Điện Biên, Việt Nam");
    json_decref(j);
}

int main(int argc, char **argv)
{
    const dc_http_fixture fx = {.index = &sample_index, DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_door),         cmocka_unit_test(test_near_and_geojson),
        cmocka_unit_test(test_no_match),     cmocka_unit_test(test_bad_queries),
        cmocka_unit_test(test_autocomplete),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
