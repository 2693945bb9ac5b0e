/*
 * test_http_api.c - every endpoint of `diachi serve` over a real socket
 * with a real client (libcurl), on the sample index: each status with its
 * exact error code, GeoJSON parsed and checked against RFC 7946, CORS
 * preflight, ETag revalidation, keep-alive, /metrics, /openapi.json, the
 * access log, and a clean stop on SIGTERM.
 *
 * The expected values are the sample map's own (household DBP-005602 at
 * 32105 927C+J93, 21.3640201 N 103.0209141 E; zone 32101 with 2,543
 * households), as docs/CLI.md shows them.
 *
 * Usage: test_http_api DIACHI SAMPLE_INDEX WORK_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "http_support.h"

#define ORIGIN "https://map.example"
#define CODE "32105927CJ93"
#define CODE_DISPLAY "32105 927C+J93"
#define HOUSEHOLD "DBP-005602"
#define HH_LAT 21.3640201
#define HH_LON 103.0209141

static const char *diachi, *sample_index, *work_dir;
static char access_log_path[4096];
static dc_server srv;
static CURL *curl;
static int port;
static int requests; /* sent, for the access log's line count */
static char fingerprint[80];

/* GET (or another method) and parse the body as JSON when it is JSON. */
static json_t *call(const char *method, const char *path, const char *const *headers,
                    const char *body, dc_reply *r)
{
    requests++;
    if (!dc_request(curl, port, method, path, headers, body, body ? strlen(body) : 0, r))
        fail_msg("%s %s: transport error %s", method ? method : "GET", path,
                 curl_easy_strerror(r->error));
    if (!(strcmp(r->fingerprint, fingerprint) == 0))
        print_error("%s: X-Diachi-Index %s\n", path, r->fingerprint);
    assert_string_equal(r->fingerprint, fingerprint);
    if (!strstr(r->content_type, "json") || r->len == 0) return NULL;
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    if (!(j != NULL))
        print_error("%s: body is not JSON (%s): %.200s\n", path, e.text, r->body);
    assert_non_null(j);
    return j;
}

/* An error answer: the status, the error code, a message, the fingerprint. */
static void expect_error(const char *method, const char *path, const char *body,
                         const char *const *headers, long status, const char *code,
                         const char *message_part)
{
    dc_reply r;
    json_t *j = call(method, path, headers, body, &r);
    if (!(r.status == status))
        print_error("%s %s: status %ld, want %ld\n", method ? method : "GET", path,
                    r.status, status);
    assert_int_equal(r.status, status);
    if (!(strcmp(dc_json_str(j, "error.code"), code) == 0))
        print_error("%s: error.code %s, want %s\n", path, dc_json_str(j, "error.code"),
                    code);
    assert_string_equal(dc_json_str(j, "error.code"), code);
    if (!(strlen(dc_json_str(j, "error.message")) > 0))
        print_error("%s: no error message\n", path);
    assert_true(strlen(dc_json_str(j, "error.message")) > 0);
    if (message_part) {
        if (!(strstr(dc_json_str(j, "error.message"), message_part) != NULL))
            print_error("%s: message '%s' does not name '%s'\n", path,
                        dc_json_str(j, "error.message"), message_part);
        assert_non_null(strstr(dc_json_str(j, "error.message"), message_part));
    }
    if (!(strstr(r.content_type, "application/json") != NULL))
        print_error("%s: content type %s\n", path, r.content_type);
    assert_non_null(strstr(r.content_type, "application/json"));
    json_decref(j);
    dc_reply_free(&r);
}

static void test_forward(void **state)
{
    (void)state;
    dc_reply r;
    json_t *j = call(NULL, "/v1/codes/" CODE, NULL, NULL, &r);
    if (!(r.status == 200)) print_error("forward status %ld\n", r.status);
    assert_int_equal(r.status, 200);
    if (!(strcmp(r.content_type, "application/json") == 0))
        print_error("content type %s\n", r.content_type);
    assert_string_equal(r.content_type, "application/json");
    if (!(strcmp(dc_json_str(j, "status"), "ok") == 0))
        print_error("status %s\n", dc_json_str(j, "status"));
    assert_string_equal(dc_json_str(j, "status"), "ok");
    if (!(strcmp(dc_json_str(j, "place.code"), CODE_DISPLAY) == 0))
        print_error("code %s\n", dc_json_str(j, "place.code"));
    assert_string_equal(dc_json_str(j, "place.code"), CODE_DISPLAY);
    if (!(strcmp(dc_json_str(j, "place.plus_code"), "7PH5927C+J93") == 0))
        print_error("plus code %s\n", dc_json_str(j, "place.plus_code"));
    assert_string_equal(dc_json_str(j, "place.plus_code"), "7PH5927C+J93");
    /* Read aloud by the table of docs/FORMAT.md: 3 2 1 0 5, 9 2 7 C, J 9 3. */
    assert_string_equal(dc_json_str(j, "place.spoken.vi"),
                        "ba hai một không năm, chín hai bảy cúc, giăm-bông chín ba");
    assert_string_equal(dc_json_str(j, "place.spoken.en"),
                        "three two one zero five, niner two seven charlie, juliett niner three");
    if (!(strcmp(dc_json_str(j, "zone.postcode"), "32105") == 0)) print_error("zone\n");
    assert_string_equal(dc_json_str(j, "zone.postcode"), "32105");
    if (!(strcmp(dc_json_str(j, "households.0.id"), HOUSEHOLD) == 0))
        print_error("household %s\n", dc_json_str(j, "households.0.id"));
    assert_string_equal(dc_json_str(j, "households.0.id"), HOUSEHOLD);
    if (!(dc_json_num(j, "households.0.lat") == HH_LAT)) print_error("lat\n");
    assert_true(dc_json_num(j, "households.0.lat") == HH_LAT);
    if (!(dc_json_num(j, "households.0.lon") == HH_LON)) print_error("lon\n");
    assert_true(dc_json_num(j, "households.0.lon") == HH_LON);
    if (!(strcmp(dc_json_str(j, "fingerprint"), fingerprint) == 0))
        print_error("JSON fingerprint\n");
    assert_string_equal(dc_json_str(j, "fingerprint"), fingerprint);
    if (!(strlen(r.etag) == 34 && r.etag[0] == '"')) print_error("ETag %s\n", r.etag);
    assert_int_equal(strlen(r.etag), 34);
    assert_int_equal(r.etag[0], '"');
    if (!(strstr(r.cache_control, "max-age") != NULL))
        print_error("Cache-Control %s\n", r.cache_control);
    assert_non_null(strstr(r.cache_control, "max-age"));
    if (!(strcmp(r.allow_origin, ORIGIN) == 0))
        print_error("CORS origin '%s'\n", r.allow_origin);
    assert_string_equal(r.allow_origin, ORIGIN);
    json_decref(j);
    dc_reply_free(&r);

    /* Lenient forms and the Plus Code give the same place. */
    const char *same[] = {"/v1/codes/32105%20927C%2BJ93", "/v1/codes/32105927cj93",
                          "/v1/codes/32105-927C.J93", "/v1/codes/7PH5927C%2BJ93",
                          "/v1/codes/7PH5927C+J93"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        j = call(NULL, same[i], NULL, NULL, &r);
        if (!(r.status == 200 && strcmp(dc_json_str(j, "place.code"), CODE_DISPLAY) == 0))
            print_error("%s: status %ld code %s\n", same[i], r.status,
                        dc_json_str(j, "place.code"));
        assert_int_equal(r.status, 200);
        assert_string_equal(dc_json_str(j, "place.code"), CODE_DISPLAY);
        json_decref(j);
        dc_reply_free(&r);
    }

    /* A valid place with nobody at it: 200, unregistered, the neighbour. */
    j = call(NULL, "/v1/codes/32105927CJ92", NULL, NULL, &r);
    if (!(r.status == 200 && strcmp(dc_json_str(j, "status"), "unregistered") == 0))
        print_error("unregistered: %ld %s\n", r.status, dc_json_str(j, "status"));
    assert_int_equal(r.status, 200);
    assert_string_equal(dc_json_str(j, "status"), "unregistered");
    if (!(strcmp(dc_json_str(j, "nearby.0.id"), HOUSEHOLD) == 0))
        print_error("nearby %s\n", dc_json_str(j, "nearby.0.id"));
    assert_string_equal(dc_json_str(j, "nearby.0.id"), HOUSEHOLD);
    json_decref(j);
    dc_reply_free(&r);

    expect_error(NULL, "/v1/codes/321", NULL, NULL, 400, "malformed_code", "12");
    expect_error(NULL, "/v1/codes/", NULL, NULL, 400, "malformed_code", NULL);
    expect_error(NULL, "/v1/codes/99999927CJ93", NULL, NULL, 404, "unknown_postcode",
                 NULL);
    expect_error(NULL, "/v1/codes/7P292222%2B222", NULL, NULL, 404, "out_of_coverage",
                 NULL);
    expect_error(NULL, "/v1/codes/32104927CJ93", NULL, NULL, 422, "code_outside_zone",
                 "32105");
    /* The 422 carries the zone the place lies in and the suggestions. */
    j = call(NULL, "/v1/codes/32104927CJ93", NULL, NULL, &r);
    if (!(strcmp(dc_json_str(j, "actual_zone.postcode"), "32105") == 0))
        print_error("actual zone\n");
    assert_string_equal(dc_json_str(j, "actual_zone.postcode"), "32105");
    if (!(strcmp(dc_json_str(j, "corrected.code"), CODE_DISPLAY) == 0))
        print_error("corrected\n");
    assert_string_equal(dc_json_str(j, "corrected.code"), CODE_DISPLAY);
    if (!(strcmp(dc_json_str(j, "suggestions.0.code"), CODE_DISPLAY) == 0))
        print_error("first suggestion %s\n", dc_json_str(j, "suggestions.0.code"));
    assert_string_equal(dc_json_str(j, "suggestions.0.code"), CODE_DISPLAY);
    json_decref(j);
    dc_reply_free(&r);
    /* Input that is not UTF-8 comes back replaced, and the answer is JSON. */
    j = call(NULL, "/v1/codes/%FF%FE", NULL, NULL, &r);
    if (!(r.status == 400 &&
          strcmp(dc_json_str(j, "input"), "\xEF\xBF\xBD\xEF\xBF\xBD") == 0))
        print_error("invalid UTF-8 input: %ld '%s'\n", r.status, dc_json_str(j, "input"));
    assert_int_equal(r.status, 400);
    assert_string_equal(dc_json_str(j, "input"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    json_decref(j);
    dc_reply_free(&r);
}

static void test_reverse(void **state)
{
    (void)state;
    dc_reply r;
    json_t *j =
        call(NULL, "/v1/reverse?lat=21.3640201&lon=103.0209141&limit=1", NULL, NULL, &r);
    if (!(r.status == 200)) print_error("reverse status %ld\n", r.status);
    assert_int_equal(r.status, 200);
    if (!(strcmp(dc_json_str(j, "zone.postcode"), "32105") == 0))
        print_error("zone %s\n", dc_json_str(j, "zone.postcode"));
    assert_string_equal(dc_json_str(j, "zone.postcode"), "32105");
    if (!(strcmp(dc_json_str(j, "place.code"), CODE_DISPLAY) == 0))
        print_error("code %s\n", dc_json_str(j, "place.code"));
    assert_string_equal(dc_json_str(j, "place.code"), CODE_DISPLAY);
    assert_string_equal(dc_json_str(j, "place.spoken.en"),
                        "three two one zero five, niner two seven charlie, juliett niner three");
    if (!(strcmp(dc_json_str(j, "households.0.id"), HOUSEHOLD) == 0))
        print_error("nearest %s\n", dc_json_str(j, "households.0.id"));
    assert_string_equal(dc_json_str(j, "households.0.id"), HOUSEHOLD);
    if (!(dc_json_num(j, "households.0.distance_m") < 0.5))
        print_error("distance %g\n", dc_json_num(j, "households.0.distance_m"));
    assert_true(dc_json_num(j, "households.0.distance_m") < 0.5);
    if (!(json_array_size(dc_json_at(j, "households")) == 1)) print_error("limit 1\n");
    assert_int_equal(json_array_size(dc_json_at(j, "households")), 1);
    if (!(dc_json_num(j, "radius_m") == 50)) print_error("default radius\n");
    assert_true(dc_json_num(j, "radius_m") == 50);
    json_decref(j);
    dc_reply_free(&r);

    expect_error(NULL, "/v1/reverse?lat=10&lon=107", NULL, NULL, 404, "out_of_coverage",
                 NULL);
    static const struct {
        const char *query, *names;
    } bad[] = {
        {"lon=103", "lat"},
        {"lat=21", "lon"},
        {"lat=abc&lon=103", "lat"},
        {"lat=nan&lon=103", "lat"},
        {"lat=NaN&lon=103", "lat"},
        {"lat=inf&lon=103", "lat"},
        {"lat=91&lon=103", "lat"},
        {"lat=21&lon=1e999", "lon"},
        {"lat=21&lon=", "lon"},
        {"lat=0x15&lon=103", "lat"},
        {"lat=21&lon=103x", "lon"},
        {"lat=21&lon=103&radius=1001", "radius"},
        {"lat=21&lon=103&radius=-1", "radius"},
        {"lat=21&lon=103&limit=101", "limit"},
        {"lat=21&lon=103&limit=1.5", "limit"},
        {"lat=21&lon=103&lng=1", "lng"},
        {"lat=21&lat=22&lon=103", "lat"},
        {"lat=21&lon=103&format=xml", "format"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "/v1/reverse?%s", bad[i].query);
        expect_error(NULL, path, NULL, NULL, 400, "bad_parameter", bad[i].names);
    }
}

static void test_zone(void **state)
{
    (void)state;
    dc_reply r;
    json_t *j = call(NULL, "/v1/zones/32101", NULL, NULL, &r);
    if (!(r.status == 200)) print_error("zone status %ld\n", r.status);
    assert_int_equal(r.status, 200);
    if (!(strcmp(dc_json_str(j, "postcode"), "32101") == 0)) print_error("postcode\n");
    assert_string_equal(dc_json_str(j, "postcode"), "32101");
    if (!(dc_json_num(j, "household_count") == 2543))
        print_error("household count %g\n", dc_json_num(j, "household_count"));
    assert_true(dc_json_num(j, "household_count") == 2543);
    if (!(strcmp(dc_json_str(j, "polygon.type"), "MultiPolygon") == 0))
        print_error("polygon type\n");
    assert_string_equal(dc_json_str(j, "polygon.type"), "MultiPolygon");
    if (!(json_array_size(dc_json_at(j, "polygon.coordinates")) >= 1))
        print_error("polygon parts\n");
    assert_true(json_array_size(dc_json_at(j, "polygon.coordinates")) >= 1);
    json_decref(j);
    dc_reply_free(&r);
    expect_error(NULL, "/v1/zones/99999", NULL, NULL, 404, "unknown_postcode", "99999");
    expect_error(NULL, "/v1/zones/3210", NULL, NULL, 400, "bad_parameter", "postcode");
}

/* ---- GeoJSON --------------------------------------------------------------- */

/* Twice the signed area of a closed ring of [lon, lat] positions. */
static double ring_area2(json_t *ring)
{
    double sum = 0;
    size_t n = json_array_size(ring);
    for (size_t i = 0; i + 1 < n; i++) {
        double x0 = dc_json_num(json_array_get(ring, i), "0");
        double y0 = dc_json_num(json_array_get(ring, i), "1");
        double x1 = dc_json_num(json_array_get(ring, i + 1), "0");
        double y1 = dc_json_num(json_array_get(ring, i + 1), "1");
        sum += x0 * y1 - x1 * y0;
    }
    return sum;
}

/* RFC 7946: rings closed with at least 4 positions, exteriors
 * anticlockwise, holes clockwise; positions [lon, lat] in range. */
static void check_rings(json_t *polygon, const char *what)
{
    for (size_t k = 0; k < json_array_size(polygon); k++) {
        json_t *ring = json_array_get(polygon, k);
        size_t n = json_array_size(ring);
        if (!(n >= 4)) print_error("%s ring %zu has %zu positions\n", what, k, n);
        assert_true(n >= 4);
        json_t *first = json_array_get(ring, 0), *last = json_array_get(ring, n - 1);
        if (!(json_equal(first, last)))
            print_error("%s ring %zu is not closed\n", what, k);
        assert_true(json_equal(first, last));
        double lon = dc_json_num(first, "0"), lat = dc_json_num(first, "1");
        if (!(lon > 102 && lon < 104 && lat > 21 && lat < 22))
            print_error("%s: [%g, %g] not [lon, lat]\n", what, lon, lat);
        assert_true(lon > 102);
        assert_true(lon < 104);
        assert_true(lat > 21);
        assert_true(lat < 22);
        double area = ring_area2(ring);
        if (!(k == 0 ? area > 0 : area < 0))
            print_error("%s ring %zu winds the wrong way (%g)\n", what, k, area);
        assert_true(k == 0 ? area > 0 : area < 0);
    }
}

static json_t *feature_of_role(json_t *fc, const char *role)
{
    json_t *features = dc_json_at(fc, "features");
    for (size_t i = 0; i < json_array_size(features); i++)
        if (strcmp(dc_json_str(json_array_get(features, i), "properties.role"), role) ==
            0)
            return json_array_get(features, i);
    return NULL;
}

static void test_geojson(void **state)
{
    (void)state;
    dc_reply r;
    json_t *j = call(NULL, "/v1/codes/" CODE "?format=geojson", NULL, NULL, &r);
    if (!(r.status == 200 && strcmp(r.content_type, "application/geo+json") == 0))
        print_error("geojson %ld %s\n", r.status, r.content_type);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "application/geo+json");
    if (!(strcmp(dc_json_str(j, "type"), "FeatureCollection") == 0))
        print_error("type\n");
    assert_string_equal(dc_json_str(j, "type"), "FeatureCollection");
    json_t *place = feature_of_role(j, "place"), *cell = feature_of_role(j, "cell");
    json_t *zone = feature_of_role(j, "zone"), *hh = feature_of_role(j, "household");
    if (!(place && cell && zone && hh))
        print_error("features place %p cell %p zone %p household %p\n", (void *)place,
                    (void *)cell, (void *)zone, (void *)hh);
    assert_non_null(place);
    assert_non_null(cell);
    assert_non_null(zone);
    assert_non_null(hh);
    if (!(strcmp(dc_json_str(place, "type"), "Feature") == 0)) print_error("a Feature\n");
    assert_string_equal(dc_json_str(place, "type"), "Feature");
    if (!(strcmp(dc_json_str(place, "geometry.type"), "Point") == 0))
        print_error("place point\n");
    assert_string_equal(dc_json_str(place, "geometry.type"), "Point");
    if (!(dc_json_num(place, "geometry.coordinates.0") == 103.020921875 &&
          dc_json_num(place, "geometry.coordinates.1") == 21.3640125))
        print_error("place centre [%.9f, %.9f]\n",
                    dc_json_num(place, "geometry.coordinates.0"),
                    dc_json_num(place, "geometry.coordinates.1"));
    assert_true(dc_json_num(place, "geometry.coordinates.0") == 103.020921875);
    assert_true(dc_json_num(place, "geometry.coordinates.1") == 21.3640125);
    if (!(strcmp(dc_json_str(cell, "geometry.type"), "Polygon") == 0))
        print_error("cell polygon\n");
    assert_string_equal(dc_json_str(cell, "geometry.type"), "Polygon");
    json_t *cell_ring = dc_json_at(cell, "geometry.coordinates");
    check_rings(cell_ring, "cell");
    double w = dc_json_num(cell, "geometry.coordinates.0.0.0");
    double s = dc_json_num(cell, "geometry.coordinates.0.0.1");
    double e = dc_json_num(cell, "geometry.coordinates.0.2.0");
    double n = dc_json_num(cell, "geometry.coordinates.0.2.1");
    if (!(w <= HH_LON && HH_LON < e && s <= HH_LAT && HH_LAT < n))
        print_error("the cell [%g %g %g %g] holds the household\n", w, s, e, n);
    assert_true(w <= HH_LON);
    assert_true(HH_LON < e);
    assert_true(s <= HH_LAT);
    assert_true(HH_LAT < n);
    if (!(strcmp(dc_json_str(zone, "geometry.type"), "MultiPolygon") == 0))
        print_error("zone type\n");
    assert_string_equal(dc_json_str(zone, "geometry.type"), "MultiPolygon");
    json_t *parts = dc_json_at(zone, "geometry.coordinates");
    for (size_t i = 0; i < json_array_size(parts); i++)
        check_rings(json_array_get(parts, i), "zone");
    if (!(strcmp(dc_json_str(zone, "properties.postcode"), "32105") == 0))
        print_error("zone postcode\n");
    assert_string_equal(dc_json_str(zone, "properties.postcode"), "32105");
    if (!(dc_json_num(hh, "geometry.coordinates.0") == HH_LON &&
          dc_json_num(hh, "geometry.coordinates.1") == HH_LAT))
        print_error("household point is [lon, lat]\n");
    assert_true(dc_json_num(hh, "geometry.coordinates.0") == HH_LON);
    assert_true(dc_json_num(hh, "geometry.coordinates.1") == HH_LAT);
    if (!(strcmp(dc_json_str(hh, "properties.id"), HOUSEHOLD) == 0))
        print_error("household id\n");
    assert_string_equal(dc_json_str(hh, "properties.id"), HOUSEHOLD);
    json_decref(j);
    dc_reply_free(&r);

    j = call(NULL, "/v1/reverse?lat=21.39&lon=103.02&format=geojson", NULL, NULL, &r);
    json_t *point = feature_of_role(j, "place");
    if (!(r.status == 200 && point)) print_error("reverse geojson %ld\n", r.status);
    assert_int_equal(r.status, 200);
    assert_non_null(point);
    if (!(dc_json_num(point, "geometry.coordinates.0") == 103.02 &&
          dc_json_num(point, "geometry.coordinates.1") == 21.39))
        print_error("reverse point [lon, lat]\n");
    assert_true(dc_json_num(point, "geometry.coordinates.0") == 103.02);
    assert_true(dc_json_num(point, "geometry.coordinates.1") == 21.39);
    if (!(feature_of_role(j, "zone") && feature_of_role(j, "cell")))
        print_error("reverse zone and cell\n");
    assert_non_null(feature_of_role(j, "zone"));
    assert_non_null(feature_of_role(j, "cell"));
    json_decref(j);
    dc_reply_free(&r);

    j = call(NULL, "/v1/zones/32101?format=geojson", NULL, NULL, &r);
    zone = feature_of_role(j, "zone");
    if (!(r.status == 200 && zone)) print_error("zone geojson %ld\n", r.status);
    assert_int_equal(r.status, 200);
    assert_non_null(zone);
    parts = dc_json_at(zone, "geometry.coordinates");
    if (!(json_array_size(parts) >= 1)) print_error("zone parts\n");
    assert_true(json_array_size(parts) >= 1);
    for (size_t i = 0; i < json_array_size(parts); i++)
        check_rings(json_array_get(parts, i), "zone 32101");
    json_decref(j);
    dc_reply_free(&r);

    expect_error(NULL, "/v1/zones/32101?format=kml", NULL, NULL, 400, "bad_parameter",
                 "format");
}

/* ---- HTTP itself ------------------------------------------------------------ */

static void test_caching_and_cors(void **state)
{
    (void)state;
    dc_reply r, again;
    json_decref(call(NULL, "/v1/codes/" CODE, NULL, NULL, &r));
    char inm[200], weak[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", r.etag);
    snprintf(weak, sizeof weak, "If-None-Match: \"other\", W/%s", r.etag);
    const char *h1[] = {inm, NULL}, *h2[] = {weak, NULL},
               *h3[] = {"If-None-Match: \"stale\"", NULL};
    json_decref(call(NULL, "/v1/codes/" CODE, h1, NULL, &again));
    if (!(again.status == 304 && again.len == 0))
        print_error("revalidation: %ld, %zu bytes\n", again.status, again.len);
    assert_int_equal(again.status, 304);
    assert_int_equal(again.len, 0);
    if (!(strcmp(again.etag, r.etag) == 0)) print_error("304 ETag %s\n", again.etag);
    assert_string_equal(again.etag, r.etag);
    dc_reply_free(&again);
    json_decref(call(NULL, "/v1/codes/" CODE, h2, NULL, &again));
    if (!(again.status == 304)) print_error("weak, listed ETag: %ld\n", again.status);
    assert_int_equal(again.status, 304);
    dc_reply_free(&again);
    json_decref(call(NULL, "/v1/codes/" CODE, h3, NULL, &again));
    if (!(again.status == 200)) print_error("stale ETag: %ld\n", again.status);
    assert_int_equal(again.status, 200);
    dc_reply_free(&again);
    json_decref(call(NULL, "/v1/reverse?lat=21.39&lon=103.02", h1, NULL, &again));
    if (!(again.status == 304)) print_error("reverse revalidation: %ld\n", again.status);
    assert_int_equal(again.status, 304);
    dc_reply_free(&again);
    dc_reply_free(&r);

    const char *pre[] = {"Origin: " ORIGIN, "Access-Control-Request-Method: GET", NULL};
    json_decref(call("OPTIONS", "/v1/codes/" CODE, pre, NULL, &r));
    if (!(r.status == 204)) print_error("preflight status %ld\n", r.status);
    assert_int_equal(r.status, 204);
    if (!(strcmp(r.allow_origin, ORIGIN) == 0))
        print_error("preflight origin '%s'\n", r.allow_origin);
    assert_string_equal(r.allow_origin, ORIGIN);
    if (!(strstr(r.allow_methods, "GET") != NULL))
        print_error("preflight methods '%s'\n", r.allow_methods);
    assert_non_null(strstr(r.allow_methods, "GET"));
    dc_reply_free(&r);
    json_decref(call("OPTIONS", "/v1/batch", pre, NULL, &r));
    if (!(r.status == 204 && strstr(r.allow_methods, "POST")))
        print_error("batch preflight %ld '%s'\n", r.status, r.allow_methods);
    assert_int_equal(r.status, 204);
    assert_non_null(strstr(r.allow_methods, "POST"));
    dc_reply_free(&r);

    json_decref(call("HEAD", "/v1/codes/" CODE, NULL, NULL, &r));
    if (!(r.status == 200 && r.len == 0))
        print_error("HEAD: %ld, %zu bytes\n", r.status, r.len);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    dc_reply_free(&r);
}

static void test_http_errors(void **state)
{
    (void)state;
    dc_reply r;
    json_decref(call("DELETE", "/v1/codes/" CODE, NULL, NULL, &r));
    if (!(r.status == 405 && strcmp(r.allow, "GET, HEAD, OPTIONS") == 0))
        print_error("405 Allow '%s'\n", r.allow);
    assert_int_equal(r.status, 405);
    assert_string_equal(r.allow, "GET, HEAD, OPTIONS");
    dc_reply_free(&r);
    expect_error("PUT", "/v1/zones/32101", NULL, NULL, 405, "method_not_allowed", "PUT");
    expect_error(NULL, "/v1/batch", NULL, NULL, 405, "method_not_allowed", NULL);
    json_decref(call(NULL, "/v1/batch", NULL, NULL, &r));
    if (!(strcmp(r.allow, "POST, OPTIONS") == 0))
        print_error("batch Allow '%s'\n", r.allow);
    assert_string_equal(r.allow, "POST, OPTIONS");
    dc_reply_free(&r);
    /* the page answers GET /; another path of no route is not found */
    expect_error(NULL, "/index.html", NULL, NULL, 404, "not_found", NULL);
    expect_error(NULL, "/v2/codes/" CODE, NULL, NULL, 404, "not_found", "/v2/codes");
    expect_error(NULL, "/v1/codesX", NULL, NULL, 404, "not_found", NULL);

    static char long_path[6000];
    memcpy(long_path, "/v1/codes/", 10);
    memset(long_path + 10, 'A', 5000);
    expect_error(NULL, long_path, NULL, NULL, 414, "uri_too_long", NULL);
}

static void test_batch(void **state)
{
    (void)state;
    const char *json[] = {"Content-Type: application/json", NULL};
    dc_reply r;
    json_t *j = call("POST", "/v1/batch", json,
                     "[\"" CODE "\", {\"code\": \"321\"},"
                     " {\"lat\": 21.3640201, \"lon\": 103.0209141, \"limit\": 1},"
                     " {\"lat\": 100, \"lon\": 1}, 7]",
                     &r);
    if (!(r.status == 200)) print_error("batch status %ld: %.300s\n", r.status, r.body);
    assert_int_equal(r.status, 200);
    if (!(dc_json_num(j, "count") == 5)) print_error("count\n");
    assert_true(dc_json_num(j, "count") == 5);
    if (!(strcmp(dc_json_str(j, "fingerprint"), fingerprint) == 0))
        print_error("batch fingerprint\n");
    assert_string_equal(dc_json_str(j, "fingerprint"), fingerprint);
    if (!(strcmp(dc_json_str(j, "results.0.status"), "ok") == 0 &&
          strcmp(dc_json_str(j, "results.0.households.0.id"), HOUSEHOLD) == 0))
        print_error("item 0\n");
    assert_string_equal(dc_json_str(j, "results.0.status"), "ok");
    assert_string_equal(dc_json_str(j, "results.0.households.0.id"), HOUSEHOLD);
    if (!(strcmp(dc_json_str(j, "results.1.status"), "malformed") == 0))
        print_error("item 1 %s\n", dc_json_str(j, "results.1.status"));
    assert_string_equal(dc_json_str(j, "results.1.status"), "malformed");
    if (!(strcmp(dc_json_str(j, "results.2.status"), "ok") == 0 &&
          strcmp(dc_json_str(j, "results.2.households.0.id"), HOUSEHOLD) == 0))
        print_error("item 2 (a point)\n");
    assert_string_equal(dc_json_str(j, "results.2.status"), "ok");
    assert_string_equal(dc_json_str(j, "results.2.households.0.id"), HOUSEHOLD);
    if (!(strcmp(dc_json_str(j, "results.3.status"), "bad_item") == 0 &&
          strstr(dc_json_str(j, "results.3.error.message"), "lat")))
        print_error("item 3 %s\n", dc_json_str(j, "results.3.error.message"));
    assert_string_equal(dc_json_str(j, "results.3.status"), "bad_item");
    assert_non_null(strstr(dc_json_str(j, "results.3.error.message"), "lat"));
    if (!(strcmp(dc_json_str(j, "results.4.status"), "bad_item") == 0))
        print_error("item 4\n");
    assert_string_equal(dc_json_str(j, "results.4.status"), "bad_item");
    json_decref(j);
    dc_reply_free(&r);

    expect_error("POST", "/v1/batch", "[1, 2, 3, 4, 5, 6]", json, 413,
                 "payload_too_large", "5");
    expect_error("POST", "/v1/batch", "[\"" CODE "\",", json, 400, "bad_json", NULL);
    expect_error("POST", "/v1/batch", "{\"codes\": []}", json, 400, "bad_json", "array");
    const char *plain[] = {"Content-Type: text/plain", NULL};
    expect_error("POST", "/v1/batch", "[]", plain, 415, "unsupported_media_type", NULL);
    /* Past --max-body (65536 bytes): refused before it is read. */
    char *big = malloc(70001);
    memset(big, ' ', 70000);
    big[0] = '[';
    big[69999] = ']';
    big[70000] = '\0';
    expect_error("POST", "/v1/batch", big, json, 413, "payload_too_large", NULL);
    free(big);
}

/* Read a whole file (malloc'd, NUL-terminated), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf) buf[*len] = '\0';
    return buf;
}

/* POST text/csv runs the same code as diachi batch: the same bytes back. */
static void test_batch_csv(void **state)
{
    (void)state;
    const char *index = sample_index, *work = work_dir;
    static const char csv[] = "\xEF\xBB\xBFHọ tên;Mã địa chỉ\r\n"
                              "\"Nguyễn; Văn A\";32105 927C+J93\r\n"
                              "B;32104927CJ93\r\n"
                              "C;\r\n"
                              "D;321\r\n";
    char in_path[4096], out_path[4096], cmd[16384];
    snprintf(in_path, sizeof in_path, "%s/batch-in.csv", work);
    snprintf(out_path, sizeof out_path, "%s/batch-out.csv", work);
    FILE *f = fopen(in_path, "wb");
    size_t written = f ? fwrite(csv, 1, sizeof csv - 1, f) : 0;
    int closed = f ? fclose(f) : EOF;
    if (!(f && written == sizeof csv - 1 && closed == 0))
        print_error("write %s\n", in_path);
    assert_non_null(f);
    assert_int_equal(written, sizeof csv - 1);
    assert_int_equal(closed, 0);
    snprintf(cmd, sizeof cmd, "'%s' batch --index '%s' --threads 1 --quiet '%s' -o '%s'",
             diachi, index, in_path, out_path);
    int status = system(cmd);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 1))
        print_error("diachi batch exit %d\n", status);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    size_t want_len = 0;
    char *want = slurp(out_path, &want_len);
    if (!(want && want_len > sizeof csv))
        print_error("diachi batch wrote %zu bytes\n", want_len);
    assert_non_null(want);
    assert_true(want_len > sizeof csv);

    const char *type[] = {"Content-Type: text/csv; charset=utf-8", NULL};
    dc_reply r;
    requests++;
    bool sent =
        dc_request(curl, port, "POST", "/v1/batch", type, csv, sizeof csv - 1, &r);
    if (!sent) print_error("CSV batch: %s\n", curl_easy_strerror(r.error));
    assert_true(sent);
    if (!(r.status == 200 && strncmp(r.content_type, "text/csv", 8) == 0))
        print_error("CSV: %ld %s\n", r.status, r.content_type);
    assert_int_equal(r.status, 200);
    assert_int_equal(strncmp(r.content_type, "text/csv", 8), 0);
    if (!(want && r.len == want_len && memcmp(r.body, want, want_len) == 0))
        print_error("the HTTP answer differs from diachi batch's output:\n%s\n---\n%s\n",
                    r.body, want ? want : "");
    assert_non_null(want);
    assert_int_equal(r.len, want_len);
    assert_memory_equal(r.body, want, want_len);
    if (!(strstr(r.body, "\"Nguyễn; Văn A\";32105 927C+J93;ok;") != NULL))
        print_error("row 1 kept byte for byte and ok\n");
    assert_non_null(strstr(r.body, "\"Nguyễn; Văn A\";32105 927C+J93;ok;"));
    dc_reply_free(&r);
    free(want);

    static const char points[] = "id,lat,lon\n1,21.3640201,103.0209141\n";
    requests++;
    sent =
        dc_request(curl, port, "POST", "/v1/batch", type, points, sizeof points - 1, &r);
    if (!(sent && r.status == 200 &&
          strstr(r.body, "1,21.3640201,103.0209141,ok,32105 927C+J93,")))
        print_error("reverse CSV: %ld %s\n", r.status, r.body);
    assert_true(sent);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "1,21.3640201,103.0209141,ok,32105 927C+J93,"));
    dc_reply_free(&r);

    expect_error("POST", "/v1/batch", "code\n\"32105927CJ93\n", type, 400, "bad_csv",
                 "line 2");
    expect_error("POST", "/v1/batch", "name,phone\nA,1\n", type, 400, "bad_csv", "name");
    expect_error("POST", "/v1/batch?delimiter=ab", "code\n", type, 400, "bad_parameter",
                 "delimiter");
    expect_error("POST", "/v1/batch?lat_column=y", "code\n", type, 400, "bad_parameter",
                 "lon_column");
    expect_error("POST", "/v1/batch", "code\n1\n2\n3\n4\n5\n6\n", type, 413,
                 "payload_too_large", "6 rows");
}

static void test_service_endpoints(void **state)
{
    (void)state;
    dc_reply r;
    json_t *j = call(NULL, "/healthz", NULL, NULL, &r);
    if (!(r.status == 200 && strcmp(dc_json_str(j, "status"), "alive") == 0))
        print_error("healthz\n");
    assert_int_equal(r.status, 200);
    assert_string_equal(dc_json_str(j, "status"), "alive");
    if (!(strcmp(r.cache_control, "no-store") == 0)) print_error("healthz not cached\n");
    assert_string_equal(r.cache_control, "no-store");
    json_decref(j);
    dc_reply_free(&r);
    j = call(NULL, "/readyz", NULL, NULL, &r);
    if (!(r.status == 200 && strcmp(dc_json_str(j, "status"), "ready") == 0))
        print_error("readyz\n");
    assert_int_equal(r.status, 200);
    assert_string_equal(dc_json_str(j, "status"), "ready");
    if (!(dc_json_num(j, "households") == 22243)) print_error("readyz households\n");
    assert_true(dc_json_num(j, "households") == 22243);
    json_decref(j);
    dc_reply_free(&r);

    j = call(NULL, "/openapi.json", NULL, NULL, &r);
    if (!(r.status == 200 && strncmp(dc_json_str(j, "openapi"), "3.", 2) == 0))
        print_error("openapi version '%s'\n", dc_json_str(j, "openapi"));
    assert_int_equal(r.status, 200);
    assert_int_equal(strncmp(dc_json_str(j, "openapi"), "3.", 2), 0);
    const char *paths[] = {"/v1/codes/{code}", "/v1/reverse",  "/v1/zones/{postcode}",
                           "/v1/batch",        "/healthz",     "/readyz",
                           "/metrics",         "/openapi.json"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (!(json_object_get(json_object_get(j, "paths"), paths[i]) != NULL))
            print_error("openapi lacks %s\n", paths[i]);
        assert_non_null(json_object_get(json_object_get(j, "paths"), paths[i]));
    }
    json_decref(j);
    dc_reply_free(&r);

    json_decref(call(NULL, "/metrics", NULL, NULL, &r));
    if (!(r.status == 200 && strncmp(r.content_type, "text/plain", 10) == 0))
        print_error("metrics %s\n", r.content_type);
    assert_int_equal(r.status, 200);
    assert_int_equal(strncmp(r.content_type, "text/plain", 10), 0);
    char want[200];
    snprintf(want, sizeof want, "diachi_index_info{fingerprint=\"%s\"} 1", fingerprint);
    const char *lines[] = {
        want,
        "diachi_requests_total{endpoint=\"codes\",status=\"200\"} ",
        "diachi_requests_total{endpoint=\"codes\",status=\"422\"} ",
        "diachi_requests_total{endpoint=\"reverse\",status=\"400\"} ",
        "diachi_requests_total{endpoint=\"other\",status=\"404\"} ",
        "diachi_request_duration_seconds_bucket{endpoint=\"codes\",le=\"+Inf\"} ",
        "diachi_index_build_time_seconds ",
        "diachi_index_households 22243"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (!(strstr(r.body, lines[i]) != NULL))
            print_error("metrics lack '%s'\n", lines[i]);
        assert_non_null(strstr(r.body, lines[i]));
    }
    dc_reply_free(&r);
}

/* Every answer above 4xx included, on one connection: keep-alive holds. */
static void test_keep_alive(void **state)
{
    (void)state;
    const char *paths[] = {"/v1/codes/" CODE,   "/v1/codes/321", "/v1/codes/32104927CJ93",
                           "/v1/reverse?lat=1", "/nope",         "/v1/zones/32101",
                           "/healthz"};
    dc_reply r;
    json_decref(call(NULL, "/healthz", NULL, NULL, &r));
    dc_reply_free(&r);
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            json_decref(call(NULL, paths[i], NULL, NULL, &r));
            if (!(r.new_connections == 0))
                print_error("%s opened a new connection (Connection: %s)\n", paths[i],
                            r.connection);
            assert_int_equal(r.new_connections, 0);
            if (!(strcmp(r.connection, "close") != 0))
                print_error("%s: Connection: close\n", paths[i]);
            assert_string_not_equal(r.connection, "close");
            dc_reply_free(&r);
        }
}

static void test_access_log(void **state)
{
    (void)state;
    const char *path = access_log_path;
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = 0, reverse_lines = 0;
    if (!(f != NULL)) print_error("no access log at %s\n", path);
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        json_error_t e;
        json_t *j = json_loads(line, 0, &e);
        n++;
        if (!(j != NULL)) print_error("log line %d is not JSON: %s\n", n, line);
        assert_non_null(j);
        if (!(strcmp(dc_json_str(j, "remote"), "127.0.0.1") == 0))
            print_error("remote\n");
        assert_string_equal(dc_json_str(j, "remote"), "127.0.0.1");
        if (!(dc_json_num(j, "status") >= 200)) print_error("status\n");
        assert_true(dc_json_num(j, "status") >= 200);
        if (!(strlen(dc_json_str(j, "time")) == 24))
            print_error("time '%s'\n", dc_json_str(j, "time"));
        assert_int_equal(strlen(dc_json_str(j, "time")), 24);
        if (!(dc_json_num(j, "duration_ms") >= 0)) print_error("duration\n");
        assert_true(dc_json_num(j, "duration_ms") >= 0);
        if (!(strchr(dc_json_str(j, "path"), '?') == NULL))
            print_error("a query in the log\n");
        assert_null(strchr(dc_json_str(j, "path"), '?'));
        if (strcmp(dc_json_str(j, "path"), "/v1/reverse") == 0) reverse_lines++;
        json_decref(j);
    }
    fclose(f);
    if (!(n == requests))
        print_error("access log has %d lines for %d requests\n", n, requests);
    assert_int_equal(n, requests);
    if (!(reverse_lines > 20)) print_error("reverse lines %d\n", reverse_lines);
    assert_true(reverse_lines > 20);
}

static int setup(void **state)
{
    (void)state;
    remove(access_log_path);
    const char *args[] = {
        "--index",    sample_index, "--cors-origin", ORIGIN,          "--max-batch", "5",
        "--max-body", "65536",      "--access-log",  access_log_path, "--threads",   "2",
        NULL};
    if (!dc_server_start(&srv, diachi, args)) return -1;
    port = srv.port;
    curl = curl_easy_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    curl_easy_cleanup(curl);
    dc_server_stop(&srv); /* already stopped unless a test failed first */
    return 0;
}

/* The index's fingerprint, which every answer after this one names. */
static void test_fingerprint(void **state)
{
    (void)state;
    dc_reply r;
    if (dc_request(curl, port, NULL, "/healthz", NULL, NULL, 0, &r))
        snprintf(fingerprint, sizeof fingerprint, "%s", r.fingerprint);
    requests++;
    dc_reply_free(&r);
    if (!(strlen(fingerprint) == 64)) print_error("fingerprint '%s'\n", fingerprint);
    assert_int_equal(strlen(fingerprint), 64);
}

/* SIGTERM: the server drains, says so, and exits 0. */
static void test_server_stops(void **state)
{
    (void)state;
    int status = dc_server_stop(&srv);
    if (!(status == 0)) print_error("the server exited %d on SIGTERM\n", status);
    assert_int_equal(status, 0);
    if (!(strstr(srv.log, "stopped") != NULL))
        print_error("no 'stopped' in the server's log\n");
    assert_non_null(strstr(srv.log, "stopped"));
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_http_api DIACHI SAMPLE_INDEX WORK_DIR\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    work_dir = argv[3];
    snprintf(access_log_path, sizeof access_log_path, "%s/access.log", argv[3]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint), cmocka_unit_test(test_forward),
        cmocka_unit_test(test_reverse),     cmocka_unit_test(test_zone),
        cmocka_unit_test(test_geojson),     cmocka_unit_test(test_caching_and_cors),
        cmocka_unit_test(test_http_errors), cmocka_unit_test(test_batch),
        cmocka_unit_test(test_batch_csv),   cmocka_unit_test(test_service_endpoints),
        cmocka_unit_test(test_keep_alive),  cmocka_unit_test(test_server_stops),
        cmocka_unit_test(test_access_log),  cmocka_unit_test(dc_test_replies_as_documented),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    printf("%d requests, %d failed checks\n", requests, failed);
    return failed ? 1 : 0;
}
