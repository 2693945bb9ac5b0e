/*
 * test_http_maps.c - the HTTP API as web maps and their libraries call it
 * (Leaflet, Google Maps, OpenLayers): `lng` beside `lon`, longitudes past
 * +-180 wrapped as OLC wraps them, the parameters they add ignored, GeoJSON
 * chosen by `Accept`, "nothing here" as an empty FeatureCollection, and a
 * display_name on every answer that names a place, and a CSV uploaded from
 * a browser's form. On the sample index,
 * with the values docs/CLI.md shows (household DBP-005602 at 32105
 * 927C+J93, 21.3640201 N 103.0209141 E).
 *
 * Usage: test_http_maps DIACHI SAMPLE_INDEX
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

#define ORIGIN "https://map.example"
#define CODE "32105927CJ93"
#define CODE_DISPLAY "32105 927C+J93"
#define HOUSEHOLD "DBP-005602"
#define AT_HOUSEHOLD "lat=21.3640201&lon=103.0209141"
#define ADDRESS                                                                                          \
    "số 1138, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện " \
    "Biên, Việt Nam"
#define ZONE_32105 "phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên, Việt Nam"
#define ZONE_32101 "phường Mường Thanh, Thành phố Điện Biên Phủ, Điện Biên, Việt Nam"

static const char *diachi, *sample_index;
static dc_server srv;
static CURL *curl;
static int port;

/* A request; the body parsed when it is JSON or GeoJSON. */
static json_t *call(const char *method, const char *path, const char *const *headers,
                    const char *body, dc_reply *r)
{
    if (!dc_request(curl, port, method, path, headers, body, body ? strlen(body) : 0, r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r->error));
    if (!strstr(r->content_type, "json") || r->len == 0) return NULL;
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    if (!(j != NULL)) print_error("%s: not JSON (%s): %.200s\n", path, e.text, r->body);
    assert_non_null(j);
    return j;
}

static bool str_is(json_t *j, const char *path, const char *want)
{
    return strcmp(dc_json_str(j, path), want) == 0;
}

/* Status and, for an error, its code and a word of its message. */
static void expect(const char *path, const char *const *headers, long status,
                   const char *error_code, const char *message_part)
{
    dc_reply r;
    json_t *j = call(NULL, path, headers, NULL, &r);
    if (!(r.status == status))
        print_error("%s: status %ld, want %ld: %.200s\n", path, r.status, status, r.body);
    assert_int_equal(r.status, status);
    if (error_code) {
        if (!str_is(j, "error.code", error_code))
            print_error("%s: error.code '%s', want %s\n", path,
                        dc_json_str(j, "error.code"), error_code);
        assert_string_equal(dc_json_str(j, "error.code"), error_code);
    }
    if (message_part) {
        if (!(strstr(dc_json_str(j, "error.message"), message_part) != NULL))
            print_error("%s: message '%s' lacks '%s'\n", path,
                        dc_json_str(j, "error.message"), message_part);
        assert_non_null(strstr(dc_json_str(j, "error.message"), message_part));
    }
    json_decref(j);
    dc_reply_free(&r);
}

/* ---- lng ------------------------------------------------------------------- */

static void test_lng(void **state)
{
    (void)state;
    dc_reply r;
    const char *same[] = {"/v1/reverse?lat=21.3640201&lng=103.0209141&limit=1",
                          "/v1/reverse?" AT_HOUSEHOLD "&lng=103.0209141&limit=1",
                          "/v1/reverse?lng=103.0209141&lat=21.3640201&limit=1&lon=103."
                          "02091410"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        json_t *j = call(NULL, same[i], NULL, NULL, &r);
        if (!(r.status == 200 && str_is(j, "place.code", CODE_DISPLAY) &&
              str_is(j, "households.0.id", HOUSEHOLD)))
            print_error("%s: %ld %s\n", same[i], r.status, dc_json_str(j, "place.code"));
        assert_int_equal(r.status, 200);
        assert_string_equal(dc_json_str(j, "place.code"), CODE_DISPLAY);
        assert_string_equal(dc_json_str(j, "households.0.id"), HOUSEHOLD);
        if (!(dc_json_num(j, "lon") == 103.0209141))
            print_error("%s: lon %.9f\n", same[i], dc_json_num(j, "lon"));
        assert_true(dc_json_num(j, "lon") == 103.0209141);
        if (!(dc_json_at(j, "lon_normalised_from") == NULL))
            print_error("%s: normalised\n", same[i]);
        assert_null(dc_json_at(j, "lon_normalised_from"));
        json_decref(j);
        dc_reply_free(&r);
    }
    expect("/v1/reverse?lat=21.36&lon=103.02&lng=103.03", NULL, 400, "bad_parameter",
           "lon and lng differ");
    expect("/v1/reverse?lat=21.36&lng=abc", NULL, 400, "bad_parameter", "lng");
    expect("/v1/reverse?lat=21.36&lng=103&lng=103", NULL, 400, "bad_parameter",
           "lng is given twice");
    expect("/v1/reverse?lat=21.36", NULL, 400, "bad_parameter", "lon (or lng)");

    const char *json[] = {"Content-Type: application/json", NULL};
    json_t *j = call("POST", "/v1/batch", json,
                     "[{\"lat\": 21.3640201, \"lng\": 103.0209141, \"limit\": 1},"
                     " {\"lat\": 21.36, \"lon\": 103.02, \"lng\": 103.03},"
                     " {\"lat\": 21.36, \"lng\": \"103\"}]",
                     &r);
    if (!(r.status == 200)) print_error("batch: %ld\n", r.status);
    assert_int_equal(r.status, 200);
    if (!(str_is(j, "results.0.status", "ok") &&
          str_is(j, "results.0.place.code", CODE_DISPLAY) &&
          str_is(j, "results.0.households.0.id", HOUSEHOLD)))
        print_error("batch lng: %s\n", dc_json_str(j, "results.0.status"));
    assert_string_equal(dc_json_str(j, "results.0.status"), "ok");
    assert_string_equal(dc_json_str(j, "results.0.place.code"), CODE_DISPLAY);
    assert_string_equal(dc_json_str(j, "results.0.households.0.id"), HOUSEHOLD);
    if (!(str_is(j, "results.1.status", "bad_item") &&
          str_is(j, "results.1.error.message",
                 "item 1: lon and lng differ: give one "
                 "of them")))
        print_error("batch lon and lng: '%s'\n",
                    dc_json_str(j, "results.1.error.message"));
    assert_string_equal(dc_json_str(j, "results.1.status"), "bad_item");
    assert_string_equal(dc_json_str(j, "results.1.error.message"),
                        "item 1: lon and lng differ: give one "
                        "of them");
    if (!str_is(j, "results.2.error.message", "item 2: lng must be a number of degrees"))
        print_error("batch lng string: '%s'\n",
                    dc_json_str(j, "results.2.error.message"));
    assert_string_equal(dc_json_str(j, "results.2.error.message"),
                        "item 2: lng must be a number of degrees");
    json_decref(j);
    dc_reply_free(&r);
}

/* ---- longitudes past +-180 -------------------------------------------------- */

static void test_wrap(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        long status;
        double lon, from; /* from: NAN when not normalised */
        const char *code;
    } cases[] = {
        {"lat=21.3640201&lng=-256.9790859", 200, 103.0209141, -256.9790859, CODE_DISPLAY},
        {"lat=21.3640201&lon=463.0209141", 200, 103.0209141, 463.0209141, CODE_DISPLAY},
        {"lat=21.3640201&lon=283.02", 404, -76.98, 283.02, ""},
        {"lat=21&lon=540", 404, -180, 540, ""},
        {"lat=21&lon=-540", 404, -180, -540, ""},
        {"lat=21&lon=-180.5", 404, 179.5, -180.5, ""},
        {"lat=21&lon=180", 404, 180, NAN, ""},
        {"lat=21&lon=-180", 404, -180, NAN, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/v1/reverse?%s&limit=1", cases[i].query);
        dc_reply r;
        json_t *j = call(NULL, path, NULL, NULL, &r);
        if (!(r.status == cases[i].status))
            print_error("%s: status %ld\n", path, r.status);
        assert_int_equal(r.status, cases[i].status);
        if (!(fabs(dc_json_num(j, "lon") - cases[i].lon) < 1e-9))
            print_error("%s: lon %.9f\n", path, dc_json_num(j, "lon"));
        assert_true(fabs(dc_json_num(j, "lon") - cases[i].lon) < 1e-9);
        if (isnan(cases[i].from)) {
            if (!(dc_json_at(j, "lon_normalised_from") == NULL))
                print_error("%s: normalised\n", path);
            assert_null(dc_json_at(j, "lon_normalised_from"));
        } else {
            if (!(dc_json_num(j, "lon_normalised_from") == cases[i].from))
                print_error("%s: lon_normalised_from %.9f\n", path,
                            dc_json_num(j, "lon_normalised_from"));
            assert_true(dc_json_num(j, "lon_normalised_from") == cases[i].from);
        }
        if (!str_is(j, "place.code", cases[i].code))
            print_error("%s: code '%s'\n", path, dc_json_str(j, "place.code"));
        assert_string_equal(dc_json_str(j, "place.code"), cases[i].code);
        json_decref(j);
        dc_reply_free(&r);
    }
    expect("/v1/reverse?lat=90.5&lon=103", NULL, 400, "bad_parameter", "lat");
    expect("/v1/reverse?lat=-91&lon=463", NULL, 400, "bad_parameter", "lat");
    expect("/v1/reverse?lat=21&lon=1e999", NULL, 400, "bad_parameter", "lon");

    dc_reply r;
    json_t *j = call(NULL, "/v1/reverse?lat=21.3640201&lon=463.0209141&format=geojson",
                     NULL, NULL, &r);
    json_t *place = dc_json_at(j, "features.0");
    if (!(r.status == 200 && str_is(place, "properties.role", "place") &&
          dc_json_num(place, "properties.lon_normalised_from") == 463.0209141))
        print_error("GeoJSON place: %ld %.9f\n", r.status,
                    dc_json_num(place, "properties.lon_normalised_from"));
    assert_int_equal(r.status, 200);
    assert_string_equal(dc_json_str(place, "properties.role"), "place");
    assert_true(dc_json_num(place, "properties.lon_normalised_from") == 463.0209141);
    if (!(fabs(dc_json_num(place, "geometry.coordinates.0") - 103.0209141) < 1e-9))
        print_error("GeoJSON point at the wrapped longitude: %.9f\n",
                    dc_json_num(place, "geometry.coordinates.0"));
    assert_true(fabs(dc_json_num(place, "geometry.coordinates.0") - 103.0209141) < 1e-9);
    json_decref(j);
    dc_reply_free(&r);

    const char *json[] = {"Content-Type: application/json", NULL};
    j = call("POST", "/v1/batch", json,
             "[{\"lat\": 21.3640201, \"lon\": -256.9790859, \"limit\": 1}]", &r);
    if (!(str_is(j, "results.0.place.code", CODE_DISPLAY) &&
          dc_json_num(j, "results.0.lon_normalised_from") == -256.9790859))
        print_error("batch wraps: %.200s\n", r.body);
    assert_string_equal(dc_json_str(j, "results.0.place.code"), CODE_DISPLAY);
    assert_true(dc_json_num(j, "results.0.lon_normalised_from") == -256.9790859);
    json_decref(j);
    dc_reply_free(&r);
}

/* ---- parameters clients add ------------------------------------------------ */

static void test_unknown_parameters(void **state)
{
    (void)state;
    const char *ok[] = {
        "/v1/codes/" CODE "?_=1712345678901&callback=cb&email=a%40b.example&zoom=17",
        "/v1/codes/" CODE "?lat=1&radius=x", /* another endpoint's: not read here */
        "/v1/reverse?" AT_HOUSEHOLD "&zoom=18&addressdetails=1&_=1",
        "/v1/zones/32101?email=ops%40example.vn&key",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        expect(ok[i], NULL, 200, NULL, NULL);
    expect("/v1/reverse?" AT_HOUSEHOLD "&zoom=3&radius=far", NULL, 400, "bad_parameter",
           "radius");
    expect("/v1/codes/" CODE "?format=json&format=json", NULL, 400, "bad_parameter",
           "format is given twice");
    expect("/v1/reverse?lat=21&lon=103&limit=1&limit=2", NULL, 400, "bad_parameter",
           "limit is given twice");
    expect("/v1/zones/32101?_=1&format=kml", NULL, 400, "bad_parameter", "format");
    const char *json[] = {"Content-Type: application/json", NULL};
    dc_reply r;
    json_t *j = call("POST", "/v1/batch?_=1&callback=x", json, "[\"" CODE "\"]", &r);
    if (!(r.status == 200 && str_is(j, "results.0.status", "ok")))
        print_error("batch ?_=: %ld\n", r.status);
    assert_int_equal(r.status, 200);
    assert_string_equal(dc_json_str(j, "results.0.status"), "ok");
    json_decref(j);
    dc_reply_free(&r);
}

/* ---- Accept ---------------------------------------------------------------- */

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

static void test_accept(void **state)
{
    (void)state;
    static const struct {
        const char *path, *accept;
        bool geojson;
        const char *vary;
    } cases[] = {
        {"/v1/codes/" CODE, NULL, false, "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: application/geo+json", true, "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: application/geo+json, */*;q=0.1", true,
         "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: application/json, application/geo+json", false,
         "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: application/geo+json;q=0.5, application/json", false,
         "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: application/json;q=0.9, application/geo+json", true,
         "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: application/geo+json;q=0", false, "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: */*", false, "Accept, Origin"},
        {"/v1/codes/" CODE, "Accept: APPLICATION/GEO+JSON", true, "Accept, Origin"},
        {"/v1/codes/" CODE "?format=json", "Accept: application/geo+json", false,
         "Origin"},
        {"/v1/codes/" CODE "?format=geojson", "Accept: application/json", true, "Origin"},
        {"/v1/reverse?" AT_HOUSEHOLD, "Accept: application/geo+json", true,
         "Accept, Origin"},
        {"/v1/zones/32101", "Accept: application/geo+json", true, "Accept, Origin"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *h[] = {cases[i].accept, NULL};
        dc_reply r;
        json_t *j = call(NULL, cases[i].path, cases[i].accept ? h : NULL, NULL, &r);
        const char *type = cases[i].geojson ? "application/geo+json" : "application/json";
        if (!(r.status == 200 && strcmp(r.content_type, type) == 0))
            print_error("%s with '%s': %ld %s\n", cases[i].path, cases[i].accept,
                        r.status, r.content_type);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.content_type, type);
        if (!(str_is(j, "type", "FeatureCollection") == cases[i].geojson))
            print_error("%s: type '%s'\n", cases[i].path, dc_json_str(j, "type"));
        assert_int_equal(str_is(j, "type", "FeatureCollection"), cases[i].geojson);
        if (!(ends_with(r.etag, "-geojson\"") == cases[i].geojson))
            print_error("%s with '%s': ETag %s\n", cases[i].path, cases[i].accept,
                        r.etag);
        assert_int_equal(ends_with(r.etag, "-geojson\""), cases[i].geojson);
        if (!(strcmp(r.vary, cases[i].vary) == 0))
            print_error("%s with '%s': Vary '%s'\n", cases[i].path, cases[i].accept,
                        r.vary);
        assert_string_equal(r.vary, cases[i].vary);
        json_decref(j);
        dc_reply_free(&r);
    }

    /* Revalidation holds per representation. */
    dc_reply json_r, geo_r, again;
    const char *geo[] = {"Accept: application/geo+json", NULL};
    json_decref(call(NULL, "/v1/codes/" CODE, NULL, NULL, &json_r));
    json_decref(call(NULL, "/v1/codes/" CODE, geo, NULL, &geo_r));
    if (!(strcmp(json_r.etag, geo_r.etag) != 0))
        print_error("one ETag for two representations: %s\n", json_r.etag);
    assert_string_not_equal(json_r.etag, geo_r.etag);
    char inm[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", json_r.etag);
    const char *stale[] = {"Accept: application/geo+json", inm, NULL};
    json_decref(call(NULL, "/v1/codes/" CODE, stale, NULL, &again));
    if (!(again.status == 200))
        print_error("the JSON ETag revalidated GeoJSON: %ld\n", again.status);
    assert_int_equal(again.status, 200);
    dc_reply_free(&again);
    snprintf(inm, sizeof inm, "If-None-Match: %s", geo_r.etag);
    const char *fresh[] = {"Accept: application/geo+json", inm, NULL};
    json_decref(call(NULL, "/v1/codes/" CODE, fresh, NULL, &again));
    if (!(again.status == 304 && strcmp(again.etag, geo_r.etag) == 0 &&
          strcmp(again.vary, "Accept, Origin") == 0))
        print_error("GeoJSON revalidation: %ld %s '%s'\n", again.status, again.etag,
                    again.vary);
    assert_int_equal(again.status, 304);
    assert_string_equal(again.etag, geo_r.etag);
    assert_string_equal(again.vary, "Accept, Origin");
    dc_reply_free(&again);
    dc_reply_free(&json_r);
    dc_reply_free(&geo_r);
}

/* ---- GeoJSON "nothing here" ------------------------------------------------- */

static void test_nothing_here(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        long status;
        const char *diachi_status, *error_code; /* "": no error member */
        size_t features;                        /* at least; 0: exactly none */
    } cases[] = {
        {"/v1/reverse?lat=10&lon=107&format=geojson", 404, "out_of_coverage",
         "out_of_coverage", 0},
        {"/v1/codes/99999927CJ93?format=geojson", 404, "unknown_postcode",
         "unknown_postcode", 0},
        {"/v1/codes/7P292222%2B222?format=geojson", 404, "out_of_coverage",
         "out_of_coverage", 0},
        {"/v1/codes/321?format=geojson", 400, "malformed", "malformed_code", 0},
        {"/v1/zones/99999?format=geojson", 404, "unknown_postcode", "unknown_postcode",
         0},
        {"/v1/zones/3210?format=geojson", 400, "bad_parameter", "bad_parameter", 0},
        {"/v1/reverse?lat=91&lon=1&format=geojson", 400, "bad_parameter", "bad_parameter",
         0},
        {"/v1/codes/32104927CJ93?format=geojson", 422, "code_outside_zone",
         "code_outside_zone", 4},
        {"/v1/codes/32105927CJ92?format=geojson", 200, "unregistered", "", 3},
        {"/v1/codes/" CODE "?format=geojson", 200, "ok", "", 4},
        {"/v1/reverse?lat=21.3640201&lon=103.0209141&limit=0&format=geojson", 200, "ok",
         "", 3},
    };
    const char *accept[] = {"Accept: application/geo+json", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_reply r;
        json_t *j = call(NULL, cases[i].path, accept, NULL, &r);
        const char *p = cases[i].path;
        if (!(r.status == cases[i].status &&
              strcmp(r.content_type, "application/geo+json") == 0))
            print_error("%s: %ld %s\n", p, r.status, r.content_type);
        assert_int_equal(r.status, cases[i].status);
        assert_string_equal(r.content_type, "application/geo+json");
        if (!(str_is(j, "type", "FeatureCollection") &&
              json_is_array(dc_json_at(j, "features"))))
            print_error("%s: not a FeatureCollection: %.200s\n", p, r.body);
        assert_string_equal(dc_json_str(j, "type"), "FeatureCollection");
        assert_true(json_is_array(dc_json_at(j, "features")));
        if (!str_is(j, "diachi_status", cases[i].diachi_status))
            print_error("%s: diachi_status '%s'\n", p, dc_json_str(j, "diachi_status"));
        assert_string_equal(dc_json_str(j, "diachi_status"), cases[i].diachi_status);
        if (!str_is(j, "error.code", cases[i].error_code))
            print_error("%s: error.code '%s'\n", p, dc_json_str(j, "error.code"));
        assert_string_equal(dc_json_str(j, "error.code"), cases[i].error_code);
        size_t n = json_array_size(dc_json_at(j, "features"));
        if (!(cases[i].features ? n >= cases[i].features : n == 0))
            print_error("%s: %zu features\n", p, n);
        assert_true(cases[i].features ? n >= cases[i].features : n == 0);
        json_decref(j);
        dc_reply_free(&r);
    }
    /* Not GeoJSON at all when the format itself is wrong. */
    expect("/v1/codes/" CODE "?format=kml", accept, 400, "bad_parameter", "format");
}

/* ---- display_name and the place's role --------------------------------------- */

static json_t *feature_of_role(json_t *fc, const char *role, size_t *count)
{
    json_t *features = dc_json_at(fc, "features"), *found = NULL;
    *count = 0;
    for (size_t i = 0; i < json_array_size(features); i++)
        if (str_is(json_array_get(features, i), "properties.role", role)) {
            if (!found) found = json_array_get(features, i);
            ++*count;
        }
    return found;
}

static void test_display_name(void **state)
{
    (void)state;
    static const struct {
        const char *path, *member, *want; /* want "": absent */
    } cases[] = {
        {"/v1/codes/" CODE, "display_name", ADDRESS},
        {"/v1/codes/" CODE, "households.0.display_name", ADDRESS},
        {"/v1/codes/" CODE, "zone.display_name", ZONE_32105},
        {"/v1/codes/32105927CJ92", "display_name", ZONE_32105},
        {"/v1/codes/32105927CJ92", "nearby.0.display_name", ADDRESS},
        {"/v1/codes/32104927CJ93", "display_name", ZONE_32105},
        {"/v1/codes/32104927CJ93", "suggestions.0.household.display_name", ADDRESS},
        {"/v1/codes/321", "display_name", ""},
        {"/v1/codes/99999927CJ93", "display_name", ""},
        {"/v1/reverse?" AT_HOUSEHOLD "&limit=1", "display_name", ADDRESS},
        {"/v1/reverse?" AT_HOUSEHOLD "&limit=0", "display_name", ZONE_32105},
        {"/v1/reverse?lat=21.3642&lon=103.0209141&limit=1", "display_name", ZONE_32105},
        {"/v1/reverse?lat=10&lon=107", "display_name", ""},
        {"/v1/zones/32101", "display_name", ZONE_32101},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_reply r;
        json_t *j = call(NULL, cases[i].path, NULL, NULL, &r);
        if (cases[i].want[0]) {
            if (!str_is(j, cases[i].member, cases[i].want))
                print_error("%s: %s '%s'\n", cases[i].path, cases[i].member,
                            dc_json_str(j, cases[i].member));
            assert_string_equal(dc_json_str(j, cases[i].member), cases[i].want);
        } else {
            if (!(dc_json_at(j, cases[i].member) == NULL))
                print_error("%s: %s present\n", cases[i].path, cases[i].member);
            assert_null(dc_json_at(j, cases[i].member));
        }
        json_decref(j);
        dc_reply_free(&r);
    }

    /* A household of the next zone, near the boundary: its own zone's name. */
    dc_reply r;
    json_t *j = call(NULL, "/v1/reverse?lat=21.375&lon=103.01&radius=300&limit=100", NULL,
                     NULL, &r);
    json_t *hh = dc_json_at(j, "households");
    bool seen = false;
    for (size_t i = 0; i < json_array_size(hh); i++) {
        json_t *h = json_array_get(hh, i);
        if (!str_is(h, "id", "DBP-014157")) continue;
        seen = true;
        if (!(dc_json_at(h, "other_zone") == json_true() &&
              str_is(h, "display_name",
                     "số 19/9, Ngõ 19 Hoàng Công Chất, Tổ dân phố 20, " ZONE_32101)))
            print_error("other zone's household: '%s'\n", dc_json_str(h, "display_name"));
        assert_ptr_equal(dc_json_at(h, "other_zone"), json_true());
        assert_string_equal(
            dc_json_str(h, "display_name"),
            "số 19/9, Ngõ 19 Hoàng Công Chất, Tổ dân phố 20, " ZONE_32101);
    }
    if (!seen) print_error("DBP-014157 not within 300 m of 21.375, 103.01\n");
    assert_true(seen);
    json_decref(j);
    dc_reply_free(&r);

    /* GeoJSON: the point the answer is about has role "place" both ways. */
    const char *paths[] = {"/v1/codes/" CODE "?format=geojson",
                           "/v1/reverse?" AT_HOUSEHOLD "&limit=1&format=geojson"};
    for (size_t i = 0; i < 2; i++) {
        size_t n, points;
        j = call(NULL, paths[i], NULL, NULL, &r);
        json_t *place = feature_of_role(j, "place", &n);
        feature_of_role(j, "point", &points);
        if (!(n == 1 && points == 0 && str_is(place, "geometry.type", "Point")))
            print_error("%s: %zu place, %zu point features\n", paths[i], n, points);
        assert_int_equal(n, 1);
        assert_int_equal(points, 0);
        assert_string_equal(dc_json_str(place, "geometry.type"), "Point");
        if (!(str_is(place, "properties.display_name", ADDRESS) &&
              str_is(place, "properties.code", CODE_DISPLAY)))
            print_error("%s: place '%s'\n", paths[i],
                        dc_json_str(place, "properties.display_name"));
        assert_string_equal(dc_json_str(place, "properties.display_name"), ADDRESS);
        assert_string_equal(dc_json_str(place, "properties.code"), CODE_DISPLAY);
        json_t *h = feature_of_role(j, "household", &n);
        if (!str_is(h, "properties.display_name", ADDRESS))
            print_error("%s: household '%s'\n", paths[i],
                        dc_json_str(h, "properties.display_name"));
        assert_string_equal(dc_json_str(h, "properties.display_name"), ADDRESS);
        json_decref(j);
        dc_reply_free(&r);
    }
}

/* ---- a browser's form upload ------------------------------------------------ */

#define UPLOAD_CSV                                                                           \
    "\xEF\xBB\xBFHọ tên;Mã địa chỉ\r\nA;32105 927C+J93\r\nB;32104927CJ93\r\nC;\r\n" \
    "D;321\r\n"
#define BOUNDARY "----WebKitFormBoundary7MA4YWxkTrZu0gW"

/* POST a body of @p len bytes to /v1/batch as @p type. */
static json_t *post(const char *type, const char *body, size_t len, dc_reply *r)
{
    char header[256];
    snprintf(header, sizeof header, "Content-Type: %s", type);
    const char *h[] = {header, NULL};
    if (!dc_request(curl, port, "POST", "/v1/batch", h, body, len, r))
        fail_msg("POST %s: %s", type, curl_easy_strerror(r->error));
    if (!strstr(r->content_type, "json")) return NULL;
    return json_loadb(r->body, r->len, 0, NULL);
}

static void test_form_upload(void **state)
{
    (void)state;
    /* The CSV as text/csv: the reference answer. */
    dc_reply csv;
    post("text/csv", UPLOAD_CSV, sizeof UPLOAD_CSV - 1, &csv);
    if (!(csv.status == 200 && strcmp(csv.count_ok, "1") == 0 &&
          csv.content_disposition[0] == '\0'))
        print_error("text/csv: %ld, X-Diachi-Count-Ok '%s', Content-Disposition '%s'\n",
                    csv.status, csv.count_ok, csv.content_disposition);
    assert_int_equal(csv.status, 200);
    assert_string_equal(csv.count_ok, "1");
    assert_string_equal(csv.content_disposition, "");

    static const char form[] =
        "--" BOUNDARY "\r\n"
        "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
        "a text field, skipped\r\n"
        "--" BOUNDARY "\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"danh sách.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n" UPLOAD_CSV "\r\n"
        "--" BOUNDARY "--\r\n";
    dc_reply r;
    post("multipart/form-data; boundary=" BOUNDARY, form, sizeof form - 1, &r);
    if (!(r.status == 200 && strcmp(r.content_type, "text/csv; charset=utf-8") == 0))
        print_error("upload: %ld %s %.200s\n", r.status, r.content_type, r.body);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "text/csv; charset=utf-8");
    if (strcmp(r.content_disposition,
               "attachment; filename=\"danh s__ch-diachi.csv\"; "
               "filename*=UTF-8''danh%20s%C3%A1ch-diachi.csv") != 0)
        print_error("Content-Disposition '%s'\n", r.content_disposition);
    assert_string_equal(r.content_disposition,
                        "attachment; filename=\"danh s__ch-diachi.csv\"; "
                        "filename*=UTF-8''danh%20s%C3%A1ch-diachi.csv");
    if (!(strcmp(r.count_ok, "1") == 0))
        print_error("X-Diachi-Count-Ok '%s'\n", r.count_ok);
    assert_string_equal(r.count_ok, "1");
    if (!(r.len == csv.len && memcmp(r.body, csv.body, csv.len) == 0))
        print_error("the upload's answer differs from text/csv's:\n%s\n---\n%s\n", r.body,
                    csv.body);
    assert_int_equal(r.len, csv.len);
    assert_memory_equal(r.body, csv.body, csv.len);
    dc_reply_free(&r);

    /* A quoted boundary, a preamble, an old browser's full path, LF-free
     * end: the same rows. */
    static const char quoted[] = "preamble\r\n--b0und\r\n"
                                 "Content-Disposition: form-data; name=\"f\"; "
                                 "filename=\"C:\\Users\\an\\ds.csv\"\r\n"
                                 "\r\n" UPLOAD_CSV "\r\n--b0und--";
    post("multipart/form-data; charset=utf-8; boundary=\"b0und\"", quoted,
         sizeof quoted - 1, &r);
    if (!(r.status == 200 &&
          strcmp(r.content_disposition, "attachment; filename=\"ds-diachi.csv\"; "
                                        "filename*=UTF-8''ds-diachi.csv") == 0 &&
          r.len == csv.len))
        print_error("quoted boundary: %ld '%s' %.200s\n", r.status, r.content_disposition,
                    r.body);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_disposition, "attachment; filename=\"ds-diachi.csv\"; "
                                               "filename*=UTF-8''ds-diachi.csv");
    assert_int_equal(r.len, csv.len);
    dc_reply_free(&r);
    dc_reply_free(&csv);

    static const struct {
        const char *type, *body, *message;
    } bad[] = {
        {"multipart/form-data", "--x\r\n\r\nA\r\n--x--", "boundary"},
        {"multipart/form-data; boundary=x",
         "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--",
         "no file"},
        {"multipart/form-data; boundary=x",
         "--x\r\nContent-Disposition: form-data; name=\"a\"; filename=\"1.csv\"\r\n\r\n"
         "code\r\n--x\r\nContent-Disposition: form-data; name=\"b\"; "
         "filename=\"2.csv\"\r\n\r\ncode\r\n--x--",
         "more than one file"},
        {"multipart/form-data; boundary=x",
         "--x\r\nContent-Disposition: form-data; name=\"a\"; filename=\"1.csv\"\r\n\r\n"
         "code\r\n",
         "not closed"},
        {"multipart/form-data; boundary=x", "code\r\n32105927CJ93\r\n", "boundary"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = post(bad[i].type, bad[i].body, strlen(bad[i].body), &r);
        if (!(r.status == 400 && str_is(j, "error.code", "bad_form") &&
              strstr(dc_json_str(j, "error.message"), bad[i].message)))
            print_error("bad form %zu: %ld %s '%s'\n", i, r.status,
                        dc_json_str(j, "error.code"), dc_json_str(j, "error.message"));
        assert_int_equal(r.status, 400);
        assert_string_equal(dc_json_str(j, "error.code"), "bad_form");
        assert_non_null(strstr(dc_json_str(j, "error.message"), bad[i].message));
        json_decref(j);
        dc_reply_free(&r);
    }
    /* The file is a CSV like any other: its problems are bad_csv. */
    static const char empty_file[] =
        "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n\r\n--x--\r\n";
    json_t *j =
        post("multipart/form-data; boundary=x", empty_file, sizeof empty_file - 1, &r);
    if (!(r.status == 400 && str_is(j, "error.code", "bad_csv")))
        print_error("empty file: %ld %s\n", r.status, dc_json_str(j, "error.code"));
    assert_int_equal(r.status, 400);
    assert_string_equal(dc_json_str(j, "error.code"), "bad_csv");
    json_decref(j);
    dc_reply_free(&r);
}

int main(int argc, char **argv)
{
    static const char *const serve_args[] = {"--cors-origin", ORIGIN, NULL};
    const dc_http_fixture fx = {
        .args = serve_args, .index = &sample_index, DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lng),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_unknown_parameters),
        cmocka_unit_test(test_accept),
        cmocka_unit_test(test_nothing_here),
        cmocka_unit_test(test_display_name),
        cmocka_unit_test(test_form_upload),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
