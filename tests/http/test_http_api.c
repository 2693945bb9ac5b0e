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

static CURL *curl;
static int port;
static int requests; /* sent, for the access log's line count */
static char fingerprint[80];

/* GET (or another method) and parse the body as JSON when it is JSON. */
static json_t *call(const char *method, const char *path, const char *const *headers,
                    const char *body, dc_reply *r)
{
    requests++;
    if (!dc_request(curl, port, method, path, headers, body, body ? strlen(body) : 0,
                    r)) {
        CHECK(0, "%s %s: transport error %s", method ? method : "GET", path,
              curl_easy_strerror(r->error));
        return NULL;
    }
    CHECK(strcmp(r->fingerprint, fingerprint) == 0, "%s: X-Diachi-Index %s", path,
          r->fingerprint);
    if (!strstr(r->content_type, "json") || r->len == 0) return NULL;
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    CHECK(j != NULL, "%s: body is not JSON (%s): %.200s", path, e.text, r->body);
    return j;
}

/* An error answer: the status, the error code, a message, the fingerprint. */
static void expect_error(const char *method, const char *path, const char *body,
                         const char *const *headers, long status, const char *code,
                         const char *message_part)
{
    dc_reply r;
    json_t *j = call(method, path, headers, body, &r);
    CHECK(r.status == status, "%s %s: status %ld, want %ld", method ? method : "GET",
          path, r.status, status);
    CHECK(strcmp(dc_json_str(j, "error.code"), code) == 0, "%s: error.code %s, want %s",
          path, dc_json_str(j, "error.code"), code);
    CHECK(strlen(dc_json_str(j, "error.message")) > 0, "%s: no error message", path);
    if (message_part)
        CHECK(strstr(dc_json_str(j, "error.message"), message_part) != NULL,
              "%s: message '%s' does not name '%s'", path,
              dc_json_str(j, "error.message"), message_part);
    CHECK(strstr(r.content_type, "application/json") != NULL, "%s: content type %s", path,
          r.content_type);
    json_decref(j);
    dc_reply_free(&r);
}

static void test_forward(void)
{
    dc_reply r;
    json_t *j = call(NULL, "/v1/codes/" CODE, NULL, NULL, &r);
    CHECK(r.status == 200, "forward status %ld", r.status);
    CHECK(strcmp(r.content_type, "application/json") == 0, "content type %s",
          r.content_type);
    CHECK(strcmp(dc_json_str(j, "status"), "ok") == 0, "status %s",
          dc_json_str(j, "status"));
    CHECK(strcmp(dc_json_str(j, "place.code"), CODE_DISPLAY) == 0, "code %s",
          dc_json_str(j, "place.code"));
    CHECK(strcmp(dc_json_str(j, "place.plus_code"), "7PH5927C+J93") == 0, "plus code %s",
          dc_json_str(j, "place.plus_code"));
    CHECK(strcmp(dc_json_str(j, "zone.postcode"), "32105") == 0, "zone");
    CHECK(strcmp(dc_json_str(j, "households.0.id"), HOUSEHOLD) == 0, "household %s",
          dc_json_str(j, "households.0.id"));
    CHECK(dc_json_num(j, "households.0.lat") == HH_LAT, "lat");
    CHECK(dc_json_num(j, "households.0.lon") == HH_LON, "lon");
    CHECK(strcmp(dc_json_str(j, "fingerprint"), fingerprint) == 0, "JSON fingerprint");
    CHECK(strlen(r.etag) == 34 && r.etag[0] == '"', "ETag %s", r.etag);
    CHECK(strstr(r.cache_control, "max-age") != NULL, "Cache-Control %s",
          r.cache_control);
    CHECK(strcmp(r.allow_origin, ORIGIN) == 0, "CORS origin '%s'", r.allow_origin);
    json_decref(j);
    dc_reply_free(&r);

    /* Lenient forms and the Plus Code give the same place. */
    const char *same[] = {"/v1/codes/32105%20927C%2BJ93", "/v1/codes/32105927cj93",
                          "/v1/codes/32105-927C.J93", "/v1/codes/7PH5927C%2BJ93",
                          "/v1/codes/7PH5927C+J93"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        j = call(NULL, same[i], NULL, NULL, &r);
        CHECK(r.status == 200 && strcmp(dc_json_str(j, "place.code"), CODE_DISPLAY) == 0,
              "%s: status %ld code %s", same[i], r.status, dc_json_str(j, "place.code"));
        json_decref(j);
        dc_reply_free(&r);
    }

    /* A valid place with nobody at it: 200, unregistered, the neighbour. */
    j = call(NULL, "/v1/codes/32105927CJ92", NULL, NULL, &r);
    CHECK(r.status == 200 && strcmp(dc_json_str(j, "status"), "unregistered") == 0,
          "unregistered: %ld %s", r.status, dc_json_str(j, "status"));
    CHECK(strcmp(dc_json_str(j, "nearby.0.id"), HOUSEHOLD) == 0, "nearby %s",
          dc_json_str(j, "nearby.0.id"));
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
    CHECK(strcmp(dc_json_str(j, "actual_zone.postcode"), "32105") == 0, "actual zone");
    CHECK(strcmp(dc_json_str(j, "corrected.code"), CODE_DISPLAY) == 0, "corrected");
    CHECK(strcmp(dc_json_str(j, "suggestions.0.code"), CODE_DISPLAY) == 0,
          "first suggestion %s", dc_json_str(j, "suggestions.0.code"));
    json_decref(j);
    dc_reply_free(&r);
    /* Input that is not UTF-8 comes back replaced, and the answer is JSON. */
    j = call(NULL, "/v1/codes/%FF%FE", NULL, NULL, &r);
    CHECK(r.status == 400 &&
              strcmp(dc_json_str(j, "input"), "\xEF\xBF\xBD\xEF\xBF\xBD") == 0,
          "invalid UTF-8 input: %ld '%s'", r.status, dc_json_str(j, "input"));
    json_decref(j);
    dc_reply_free(&r);
}

static void test_reverse(void)
{
    dc_reply r;
    json_t *j =
        call(NULL, "/v1/reverse?lat=21.3640201&lon=103.0209141&limit=1", NULL, NULL, &r);
    CHECK(r.status == 200, "reverse status %ld", r.status);
    CHECK(strcmp(dc_json_str(j, "zone.postcode"), "32105") == 0, "zone %s",
          dc_json_str(j, "zone.postcode"));
    CHECK(strcmp(dc_json_str(j, "place.code"), CODE_DISPLAY) == 0, "code %s",
          dc_json_str(j, "place.code"));
    CHECK(strcmp(dc_json_str(j, "households.0.id"), HOUSEHOLD) == 0, "nearest %s",
          dc_json_str(j, "households.0.id"));
    CHECK(dc_json_num(j, "households.0.distance_m") < 0.5, "distance %g",
          dc_json_num(j, "households.0.distance_m"));
    CHECK(json_array_size(dc_json_at(j, "households")) == 1, "limit 1");
    CHECK(dc_json_num(j, "radius_m") == 50, "default radius");
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

static void test_zone(void)
{
    dc_reply r;
    json_t *j = call(NULL, "/v1/zones/32101", NULL, NULL, &r);
    CHECK(r.status == 200, "zone status %ld", r.status);
    CHECK(strcmp(dc_json_str(j, "postcode"), "32101") == 0, "postcode");
    CHECK(dc_json_num(j, "household_count") == 2543, "household count %g",
          dc_json_num(j, "household_count"));
    CHECK(strcmp(dc_json_str(j, "polygon.type"), "MultiPolygon") == 0, "polygon type");
    CHECK(json_array_size(dc_json_at(j, "polygon.coordinates")) >= 1, "polygon parts");
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
        CHECK(n >= 4, "%s ring %zu has %zu positions", what, k, n);
        if (n < 4) continue;
        json_t *first = json_array_get(ring, 0), *last = json_array_get(ring, n - 1);
        CHECK(json_equal(first, last), "%s ring %zu is not closed", what, k);
        double lon = dc_json_num(first, "0"), lat = dc_json_num(first, "1");
        CHECK(lon > 102 && lon < 104 && lat > 21 && lat < 22,
              "%s: [%g, %g] not [lon, lat]", what, lon, lat);
        double area = ring_area2(ring);
        CHECK(k == 0 ? area > 0 : area < 0, "%s ring %zu winds the wrong way (%g)", what,
              k, area);
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

static void test_geojson(void)
{
    dc_reply r;
    json_t *j = call(NULL, "/v1/codes/" CODE "?format=geojson", NULL, NULL, &r);
    CHECK(r.status == 200 && strcmp(r.content_type, "application/geo+json") == 0,
          "geojson %ld %s", r.status, r.content_type);
    CHECK(strcmp(dc_json_str(j, "type"), "FeatureCollection") == 0, "type");
    json_t *place = feature_of_role(j, "place"), *cell = feature_of_role(j, "cell");
    json_t *zone = feature_of_role(j, "zone"), *hh = feature_of_role(j, "household");
    CHECK(place && cell && zone && hh, "features place %p cell %p zone %p household %p",
          (void *)place, (void *)cell, (void *)zone, (void *)hh);
    CHECK(strcmp(dc_json_str(place, "type"), "Feature") == 0, "a Feature");
    CHECK(strcmp(dc_json_str(place, "geometry.type"), "Point") == 0, "place point");
    CHECK(dc_json_num(place, "geometry.coordinates.0") == 103.020921875 &&
              dc_json_num(place, "geometry.coordinates.1") == 21.3640125,
          "place centre [%.9f, %.9f]", dc_json_num(place, "geometry.coordinates.0"),
          dc_json_num(place, "geometry.coordinates.1"));
    CHECK(strcmp(dc_json_str(cell, "geometry.type"), "Polygon") == 0, "cell polygon");
    json_t *cell_ring = dc_json_at(cell, "geometry.coordinates");
    check_rings(cell_ring, "cell");
    double w = dc_json_num(cell, "geometry.coordinates.0.0.0");
    double s = dc_json_num(cell, "geometry.coordinates.0.0.1");
    double e = dc_json_num(cell, "geometry.coordinates.0.2.0");
    double n = dc_json_num(cell, "geometry.coordinates.0.2.1");
    CHECK(w <= HH_LON && HH_LON < e && s <= HH_LAT && HH_LAT < n,
          "the cell [%g %g %g %g] holds the household", w, s, e, n);
    CHECK(strcmp(dc_json_str(zone, "geometry.type"), "MultiPolygon") == 0, "zone type");
    json_t *parts = dc_json_at(zone, "geometry.coordinates");
    for (size_t i = 0; i < json_array_size(parts); i++)
        check_rings(json_array_get(parts, i), "zone");
    CHECK(strcmp(dc_json_str(zone, "properties.postcode"), "32105") == 0,
          "zone postcode");
    CHECK(dc_json_num(hh, "geometry.coordinates.0") == HH_LON &&
              dc_json_num(hh, "geometry.coordinates.1") == HH_LAT,
          "household point is [lon, lat]");
    CHECK(strcmp(dc_json_str(hh, "properties.id"), HOUSEHOLD) == 0, "household id");
    json_decref(j);
    dc_reply_free(&r);

    j = call(NULL, "/v1/reverse?lat=21.39&lon=103.02&format=geojson", NULL, NULL, &r);
    json_t *point = feature_of_role(j, "place");
    CHECK(r.status == 200 && point, "reverse geojson %ld", r.status);
    CHECK(dc_json_num(point, "geometry.coordinates.0") == 103.02 &&
              dc_json_num(point, "geometry.coordinates.1") == 21.39,
          "reverse point [lon, lat]");
    CHECK(feature_of_role(j, "zone") && feature_of_role(j, "cell"),
          "reverse zone and cell");
    json_decref(j);
    dc_reply_free(&r);

    j = call(NULL, "/v1/zones/32101?format=geojson", NULL, NULL, &r);
    zone = feature_of_role(j, "zone");
    CHECK(r.status == 200 && zone, "zone geojson %ld", r.status);
    parts = dc_json_at(zone, "geometry.coordinates");
    CHECK(json_array_size(parts) >= 1, "zone parts");
    for (size_t i = 0; i < json_array_size(parts); i++)
        check_rings(json_array_get(parts, i), "zone 32101");
    json_decref(j);
    dc_reply_free(&r);

    expect_error(NULL, "/v1/zones/32101?format=kml", NULL, NULL, 400, "bad_parameter",
                 "format");
}

/* ---- HTTP itself ------------------------------------------------------------ */

static void test_caching_and_cors(void)
{
    dc_reply r, again;
    json_decref(call(NULL, "/v1/codes/" CODE, NULL, NULL, &r));
    char inm[200], weak[200];
    snprintf(inm, sizeof inm, "If-None-Match: %s", r.etag);
    snprintf(weak, sizeof weak, "If-None-Match: \"other\", W/%s", r.etag);
    const char *h1[] = {inm, NULL}, *h2[] = {weak, NULL},
               *h3[] = {"If-None-Match: \"stale\"", NULL};
    json_decref(call(NULL, "/v1/codes/" CODE, h1, NULL, &again));
    CHECK(again.status == 304 && again.len == 0, "revalidation: %ld, %zu bytes",
          again.status, again.len);
    CHECK(strcmp(again.etag, r.etag) == 0, "304 ETag %s", again.etag);
    dc_reply_free(&again);
    json_decref(call(NULL, "/v1/codes/" CODE, h2, NULL, &again));
    CHECK(again.status == 304, "weak, listed ETag: %ld", again.status);
    dc_reply_free(&again);
    json_decref(call(NULL, "/v1/codes/" CODE, h3, NULL, &again));
    CHECK(again.status == 200, "stale ETag: %ld", again.status);
    dc_reply_free(&again);
    json_decref(call(NULL, "/v1/reverse?lat=21.39&lon=103.02", h1, NULL, &again));
    CHECK(again.status == 304, "reverse revalidation: %ld", again.status);
    dc_reply_free(&again);
    dc_reply_free(&r);

    const char *pre[] = {"Origin: " ORIGIN, "Access-Control-Request-Method: GET", NULL};
    json_decref(call("OPTIONS", "/v1/codes/" CODE, pre, NULL, &r));
    CHECK(r.status == 204, "preflight status %ld", r.status);
    CHECK(strcmp(r.allow_origin, ORIGIN) == 0, "preflight origin '%s'", r.allow_origin);
    CHECK(strstr(r.allow_methods, "GET") != NULL, "preflight methods '%s'",
          r.allow_methods);
    dc_reply_free(&r);
    json_decref(call("OPTIONS", "/v1/batch", pre, NULL, &r));
    CHECK(r.status == 204 && strstr(r.allow_methods, "POST"), "batch preflight %ld '%s'",
          r.status, r.allow_methods);
    dc_reply_free(&r);

    json_decref(call("HEAD", "/v1/codes/" CODE, NULL, NULL, &r));
    CHECK(r.status == 200 && r.len == 0, "HEAD: %ld, %zu bytes", r.status, r.len);
    dc_reply_free(&r);
}

static void test_http_errors(void)
{
    dc_reply r;
    json_decref(call("DELETE", "/v1/codes/" CODE, NULL, NULL, &r));
    CHECK(r.status == 405 && strcmp(r.allow, "GET, HEAD, OPTIONS") == 0, "405 Allow '%s'",
          r.allow);
    dc_reply_free(&r);
    expect_error("PUT", "/v1/zones/32101", NULL, NULL, 405, "method_not_allowed", "PUT");
    expect_error(NULL, "/v1/batch", NULL, NULL, 405, "method_not_allowed", NULL);
    json_decref(call(NULL, "/v1/batch", NULL, NULL, &r));
    CHECK(strcmp(r.allow, "POST, OPTIONS") == 0, "batch Allow '%s'", r.allow);
    dc_reply_free(&r);
    expect_error(NULL, "/", NULL, NULL, 404, "not_found", NULL);
    expect_error(NULL, "/v2/codes/" CODE, NULL, NULL, 404, "not_found", "/v2/codes");
    expect_error(NULL, "/v1/codesX", NULL, NULL, 404, "not_found", NULL);

    static char long_path[6000];
    memcpy(long_path, "/v1/codes/", 10);
    memset(long_path + 10, 'A', 5000);
    expect_error(NULL, long_path, NULL, NULL, 414, "uri_too_long", NULL);
}

static void test_batch(void)
{
    const char *json[] = {"Content-Type: application/json", NULL};
    dc_reply r;
    json_t *j = call("POST", "/v1/batch", json,
                     "[\"" CODE "\", {\"code\": \"321\"},"
                     " {\"lat\": 21.3640201, \"lon\": 103.0209141, \"limit\": 1},"
                     " {\"lat\": 100, \"lon\": 1}, 7]",
                     &r);
    CHECK(r.status == 200, "batch status %ld: %.300s", r.status, r.body);
    CHECK(dc_json_num(j, "count") == 5, "count");
    CHECK(strcmp(dc_json_str(j, "fingerprint"), fingerprint) == 0, "batch fingerprint");
    CHECK(strcmp(dc_json_str(j, "results.0.status"), "ok") == 0 &&
              strcmp(dc_json_str(j, "results.0.households.0.id"), HOUSEHOLD) == 0,
          "item 0");
    CHECK(strcmp(dc_json_str(j, "results.1.status"), "malformed") == 0, "item 1 %s",
          dc_json_str(j, "results.1.status"));
    CHECK(strcmp(dc_json_str(j, "results.2.status"), "ok") == 0 &&
              strcmp(dc_json_str(j, "results.2.households.0.id"), HOUSEHOLD) == 0,
          "item 2 (a point)");
    CHECK(strcmp(dc_json_str(j, "results.3.status"), "bad_item") == 0 &&
              strstr(dc_json_str(j, "results.3.error.message"), "lat"),
          "item 3 %s", dc_json_str(j, "results.3.error.message"));
    CHECK(strcmp(dc_json_str(j, "results.4.status"), "bad_item") == 0, "item 4");
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
static void test_batch_csv(const char *diachi, const char *index, const char *work)
{
    static const char csv[] = "\xEF\xBB\xBFHọ tên;Mã địa chỉ\r\n"
                              "\"Nguyễn; Văn A\";32105 927C+J93\r\n"
                              "B;32104927CJ93\r\n"
                              "C;\r\n"
                              "D;321\r\n";
    char in_path[4096], out_path[4096], cmd[16384];
    snprintf(in_path, sizeof in_path, "%s/batch-in.csv", work);
    snprintf(out_path, sizeof out_path, "%s/batch-out.csv", work);
    FILE *f = fopen(in_path, "wb");
    CHECK(f && fwrite(csv, 1, sizeof csv - 1, f) == sizeof csv - 1 && fclose(f) == 0,
          "write %s", in_path);
    snprintf(cmd, sizeof cmd, "'%s' batch --index '%s' --threads 1 --quiet '%s' -o '%s'",
             diachi, index, in_path, out_path);
    int status = system(cmd);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "diachi batch exit %d", status);
    size_t want_len = 0;
    char *want = slurp(out_path, &want_len);
    CHECK(want && want_len > sizeof csv, "diachi batch wrote %zu bytes", want_len);

    const char *type[] = {"Content-Type: text/csv; charset=utf-8", NULL};
    dc_reply r;
    requests++;
    CHECK(dc_request(curl, port, "POST", "/v1/batch", type, csv, sizeof csv - 1, &r),
          "CSV batch: %s", curl_easy_strerror(r.error));
    CHECK(r.status == 200 && strncmp(r.content_type, "text/csv", 8) == 0, "CSV: %ld %s",
          r.status, r.content_type);
    CHECK(want && r.len == want_len && memcmp(r.body, want, want_len) == 0,
          "the HTTP answer differs from diachi batch's output:\n%s\n---\n%s", r.body,
          want ? want : "");
    CHECK(strstr(r.body, "\"Nguyễn; Văn A\";32105 927C+J93;ok;") != NULL,
          "row 1 kept byte for byte and ok");
    dc_reply_free(&r);
    free(want);

    static const char points[] = "id,lat,lon\n1,21.3640201,103.0209141\n";
    requests++;
    CHECK(dc_request(curl, port, "POST", "/v1/batch", type, points, sizeof points - 1,
                     &r) &&
              r.status == 200 &&
              strstr(r.body, "1,21.3640201,103.0209141,ok,32105 927C+J93,"),
          "reverse CSV: %ld %s", r.status, r.body);
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

static void test_service_endpoints(void)
{
    dc_reply r;
    json_t *j = call(NULL, "/healthz", NULL, NULL, &r);
    CHECK(r.status == 200 && strcmp(dc_json_str(j, "status"), "alive") == 0, "healthz");
    CHECK(strcmp(r.cache_control, "no-store") == 0, "healthz not cached");
    json_decref(j);
    dc_reply_free(&r);
    j = call(NULL, "/readyz", NULL, NULL, &r);
    CHECK(r.status == 200 && strcmp(dc_json_str(j, "status"), "ready") == 0, "readyz");
    CHECK(dc_json_num(j, "households") == 22243, "readyz households");
    json_decref(j);
    dc_reply_free(&r);

    j = call(NULL, "/openapi.json", NULL, NULL, &r);
    CHECK(r.status == 200 && strncmp(dc_json_str(j, "openapi"), "3.", 2) == 0,
          "openapi version '%s'", dc_json_str(j, "openapi"));
    const char *paths[] = {"/v1/codes/{code}", "/v1/reverse",  "/v1/zones/{postcode}",
                           "/v1/batch",        "/healthz",     "/readyz",
                           "/metrics",         "/openapi.json"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        CHECK(json_object_get(json_object_get(j, "paths"), paths[i]) != NULL,
              "openapi lacks %s", paths[i]);
    json_decref(j);
    dc_reply_free(&r);

    json_decref(call(NULL, "/metrics", NULL, NULL, &r));
    CHECK(r.status == 200 && strncmp(r.content_type, "text/plain", 10) == 0, "metrics %s",
          r.content_type);
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
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        CHECK(strstr(r.body, lines[i]) != NULL, "metrics lack '%s'", lines[i]);
    dc_reply_free(&r);
}

/* Every answer above 4xx included, on one connection: keep-alive holds. */
static void test_keep_alive(void)
{
    const char *paths[] = {"/v1/codes/" CODE,   "/v1/codes/321", "/v1/codes/32104927CJ93",
                           "/v1/reverse?lat=1", "/nope",         "/v1/zones/32101",
                           "/healthz"};
    dc_reply r;
    json_decref(call(NULL, "/healthz", NULL, NULL, &r));
    dc_reply_free(&r);
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            json_decref(call(NULL, paths[i], NULL, NULL, &r));
            CHECK(r.new_connections == 0, "%s opened a new connection (Connection: %s)",
                  paths[i], r.connection);
            CHECK(strcmp(r.connection, "close") != 0, "%s: Connection: close", paths[i]);
            dc_reply_free(&r);
        }
}

static void test_access_log(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = 0, reverse_lines = 0;
    CHECK(f != NULL, "no access log at %s", path);
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        json_error_t e;
        json_t *j = json_loads(line, 0, &e);
        n++;
        CHECK(j != NULL, "log line %d is not JSON: %s", n, line);
        CHECK(strcmp(dc_json_str(j, "remote"), "127.0.0.1") == 0, "remote");
        CHECK(dc_json_num(j, "status") >= 200, "status");
        CHECK(strlen(dc_json_str(j, "time")) == 24, "time '%s'", dc_json_str(j, "time"));
        CHECK(dc_json_num(j, "duration_ms") >= 0, "duration");
        CHECK(strchr(dc_json_str(j, "path"), '?') == NULL, "a query in the log");
        if (strcmp(dc_json_str(j, "path"), "/v1/reverse") == 0) reverse_lines++;
        json_decref(j);
    }
    fclose(f);
    CHECK(n == requests, "access log has %d lines for %d requests", n, requests);
    CHECK(reverse_lines > 20, "reverse lines %d", reverse_lines);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_http_api DIACHI SAMPLE_INDEX WORK_DIR\n");
        return 2;
    }
    char log[4096];
    snprintf(log, sizeof log, "%s/access.log", argv[3]);
    remove(log);
    const char *args[] = {
        "--index",    argv[2], "--cors-origin", ORIGIN, "--max-batch", "5",
        "--max-body", "65536", "--access-log",  log,    "--threads",   "2",
        NULL};
    dc_server srv;
    if (!dc_server_start(&srv, argv[1], args)) return 1;
    port = srv.port;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    dc_reply r;
    if (dc_request(curl, port, NULL, "/healthz", NULL, NULL, 0, &r))
        snprintf(fingerprint, sizeof fingerprint, "%s", r.fingerprint);
    requests++;
    dc_reply_free(&r);
    CHECK(strlen(fingerprint) == 64, "fingerprint '%s'", fingerprint);

    test_forward();
    test_reverse();
    test_zone();
    test_geojson();
    test_caching_and_cors();
    test_http_errors();
    test_batch();
    test_batch_csv(argv[1], argv[2], argv[3]);
    test_service_endpoints();
    test_keep_alive();

    curl_easy_cleanup(curl);
    int status = dc_server_stop(&srv);
    CHECK(status == 0, "the server exited %d on SIGTERM", status);
    CHECK(strstr(srv.log, "stopped") != NULL, "no 'stopped' in the server's log");
    test_access_log(log);
    curl_global_cleanup();
    printf("%d requests, %d failed checks\n", requests, dc_check_failures);
    return dc_check_failures ? 1 : 0;
}
