/*
 * test_http_round.c - POST /v1/round on the sample index, through the real
 * `diachi serve`: codes and an address resolved to doors (each door as
 * GET /v1/codes/ gives it), every resolvable letter once in the round,
 * running distances that add up, the line from the start back to it,
 * the letters that name no door listed with their status, and every bad
 * input with its stable code; every reply held to docs/openapi.json.
 *
 * Usage: test_http_round DIACHI SAMPLE_INDEX
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

static json_t *send_json(const char *method, const char *path, const char *body,
                         const char *type, long status)
{
    dc_reply r;
    const char *headers[] = {type, NULL};
    if (!dc_request(curl, port, method, path, type ? headers : NULL, body,
                    body ? strlen(body) : 0, &r))
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

static json_t *round_post(const char *body, long status)
{
    return send_json("POST", "/v1/round", body, "Content-Type: application/json", status);
}

static void expect_str(json_t *j, const char *path, const char *want)
{
    const char *got = dc_json_str(j, path);
    if (strcmp(got, want) != 0) print_error("%s: '%s', want '%s'\n", path, got, want);
    assert_string_equal(got, want);
}

/* Registered codes of the sample in several forms, the address of the
 * first one's door (DBP-000015, 32107 CX5Q+4HW), and three letters that
 * name no door: an unregistered code, an address nobody has, nothing. */
static const char *const letters[] = {
    "32107 CX5Q+4HW",
    "32107CX5Q4HF",
    "32107-cx5q-5jc",
    "21/3 vo nguyen giap",
    "3210192P9G54",
    "nowhere street 999",
    "",
};
#define BODY_LETTERS                                                                     \
    "\"letters\": [\"32107 CX5Q+4HW\", \"32107CX5Q4HF\", \"32107-cx5q-5jc\", "           \
    "\"21/3 vo nguyen giap\", \"3210192P9G54\", \"nowhere street 999\", \"\"]"

/* The door GET /v1/codes/ gives for a code. */
static void door_of(const char *code, double *lat, double *lon)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/codes/%s", code);
    for (char *p = path; *p; p++)
        if (*p == ' ') *p = '-';
    json_t *j = send_json(NULL, path, NULL, NULL, 200);
    *lat = dc_json_num(j, "households.0.lat");
    *lon = dc_json_num(j, "households.0.lon");
    json_decref(j);
}

static void check_round(json_t *j, bool back)
{
    size_t nstops = json_array_size(dc_json_at(j, "stops"));
    assert_int_equal((int)dc_json_num(j, "count.letters"), 7);
    assert_int_equal((int)dc_json_num(j, "count.stops"), (int)nstops);
    assert_int_equal((int)dc_json_num(j, "count.unresolved"),
                     (int)json_array_size(dc_json_at(j, "unresolved")));
    assert_int_equal((int)nstops, 4);
    unsigned seen = 0;
    double total = 0, prev_lat = 21.386, prev_lon = 103.017;
    for (size_t k = 0; k < nstops; k++) {
        json_t *s = json_array_get(dc_json_at(j, "stops"), k);
        int letter = (int)dc_json_num(s, "letter");
        assert_int_equal((int)dc_json_num(s, "stop"), (int)k + 1);
        assert_true(letter >= 0 && letter < 4);
        assert_false(seen & (1u << letter));
        seen |= 1u << letter;
        expect_str(s, "input", letters[letter]);
        double lat, lon, leg = dc_json_num(s, "leg_m");
        door_of(dc_json_str(s, "code"), &lat, &lon);
        assert_true(fabs(lat - dc_json_num(s, "lat")) < 1e-7);
        assert_true(fabs(lon - dc_json_num(s, "lon")) < 1e-7);
        /* the leg is the straight line from the stop before, in metres */
        double dy = (lat - prev_lat) * 110740, dx = (lon - prev_lon) * 103800;
        assert_true(fabs(leg - sqrt(dx * dx + dy * dy)) < 0.01 * leg + 0.2);
        total += leg;
        assert_true(fabs(dc_json_num(s, "distance_m") - total) < 0.2 + 1e-3 * total);
        prev_lat = lat, prev_lon = lon;
    }
    assert_int_equal(seen, 0xf);
    expect_str(j, "line.type", "LineString");
    json_t *coords = dc_json_at(j, "line.coordinates");
    assert_int_equal((int)json_array_size(coords), (int)nstops + (back ? 2 : 1));
    assert_true(fabs(dc_json_num(j, "line.coordinates.0.0") - 103.017) < 1e-9);
    assert_true(fabs(dc_json_num(j, "line.coordinates.0.1") - 21.386) < 1e-9);
    assert_true(dc_json_num(j, "length_m") <= dc_json_num(j, "nearest_neighbour_m"));
    assert_true(dc_json_num(j, "length_m") >= total - 0.5);
}

static void test_round(void **state)
{
    (void)state;
    json_t *j = round_post("{\"start\": \"21.386,103.017\", " BODY_LETTERS "}", 200);
    check_round(j, true);
    assert_true(json_is_true(dc_json_at(j, "back_to_start")));
    /* the same door twice (two letters): two stops, one after the other */
    const char *code0 = NULL;
    for (size_t k = 0; k < 4; k++) {
        json_t *s = json_array_get(dc_json_at(j, "stops"), k);
        if (strcmp(dc_json_str(s, "code"), "32107 CX5Q+4HW") != 0) continue;
        if (code0) assert_true(dc_json_num(s, "leg_m") < 0.05);
        code0 = dc_json_str(s, "code");
    }
    expect_str(j, "unresolved.0.input", "3210192P9G54");
    expect_str(j, "unresolved.0.by", "code");
    expect_str(j, "unresolved.0.status", "unregistered");
    expect_str(j, "unresolved.1.input", "nowhere street 999");
    expect_str(j, "unresolved.1.by", "address");
    expect_str(j, "unresolved.1.status", "no_match");
    expect_str(j, "unresolved.2.status", "bad_address");
    expect_str(j, "keep", "group");
    assert_int_equal((int)dc_json_num(j, "unresolved.2.letter"), 6);
    json_decref(j);

    j = round_post("{\"start\": {\"lat\": 21.386, \"lon\": 103.017}, \"back_to_start\": "
                   "false, \"keep\": \"door\", " BODY_LETTERS "}",
                   200);
    check_round(j, false);
    expect_str(j, "keep", "door");
    json_decref(j);
}

/* Every letter unresolved: no stops, no line, each listed. */
static void test_no_door(void **state)
{
    (void)state;
    json_t *j = round_post(
        "{\"start\": \"21.386,103.017\", \"letters\": [\"99999 92P9+G54\"]}", 200);
    assert_int_equal((int)dc_json_num(j, "count.stops"), 0);
    assert_true(json_is_null(dc_json_at(j, "line")));
    expect_str(j, "unresolved.0.status", "unknown_postcode");
    expect_str(j, "unresolved.0.by", "code");
    json_decref(j);
}

static void expect_error(const char *body, long status, const char *code)
{
    json_t *j = round_post(body, status);
    expect_str(j, "error.code", code);
    json_decref(j);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_error("{\"start\": \"21.386,103.017\", \"letters\": []}", 400, "round_empty");
    expect_error("{\"start\": \"post office\", \"letters\": [\"32107CX5Q4HW\"]}", 400,
                 "round_start");
    expect_error("{\"start\": \"95,103\", \"letters\": [\"32107CX5Q4HW\"]}", 400,
                 "round_start");
    expect_error("{\"start\": {\"lat\": 21.3}, \"letters\": [\"32107CX5Q4HW\"]}", 400,
                 "round_start");
    expect_error("{\"letters\": [\"32107CX5Q4HW\"]}", 400, "round_start");
    expect_error("{\"start\": \"21.386,103.017\", \"letters\": [1]}", 400, "bad_json");
    expect_error("{\"start\": \"21.386,103.017\"", 400, "bad_json");
    expect_error("[\"32107CX5Q4HW\"]", 400, "bad_json");
    expect_error("{\"start\": \"21.386,103.017\", \"letters\": [\"a\"], "
                 "\"back_to_start\": 1}",
                 400, "bad_json");
    expect_error("{\"start\": \"21.386,103.017\", \"letters\": [\"a\"], "
                 "\"keep\": \"street\"}",
                 400, "bad_json");
    /* 1,001 letters: more than a round takes */
    size_t cap = 64 + 1001 * 17;
    char *body = malloc(cap), *p = body;
    p += sprintf(p, "{\"start\": \"21.386,103.017\", \"letters\": [");
    for (int i = 0; i < 1001; i++)
        p += sprintf(p, "%s\"32107CX5Q4HW\"", i ? "," : "");
    sprintf(p, "]}");
    expect_error(body, 413, "round_too_many");
    free(body);
    json_t *j = send_json("POST", "/v1/round", "{}", "Content-Type: text/plain", 415);
    expect_str(j, "error.code", "unsupported_media_type");
    json_decref(j);
    j = send_json(NULL, "/v1/round", NULL, NULL, 405);
    expect_str(j, "error.code", "method_not_allowed");
    json_decref(j);
}

int main(int argc, char **argv)
{
    const dc_http_fixture fx = {.index = &sample_index, DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_no_door),
        cmocka_unit_test(test_bad_input),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
