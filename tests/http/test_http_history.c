/*
 * test_http_history.c - zone editions over HTTP (issue 19, shown item 2),
 * on the sample imported with its 2025 edition: an old code answers 200
 * with status retired, its zone (valid_until), the door and current_code;
 * ?at= before, on and after 2025-07-01; reverse's former; a retired
 * postcode in /v1/zones; the typo check on an old code (422); a bad day
 * (400); POST /v1/batch?convert=1, CSV and JSON: old codes to current ones,
 * what changed, and the rows that convert to nothing. DBP-006529's door was
 * 32105 92HG+CFG (Nam Thanh), is 32151 92HG+CFG (Mường Thanh). Every reply
 * is held to docs/openapi.json.
 *
 * Usage: test_http_history DIACHI SAMPLE_2025_INDEX
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

#define OLD "/v1/codes/32105%2092HG%2BCFG"
#define NEW "/v1/codes/32151%2092HG%2BCFG"
#define DOOR "/v1/reverse?lat=21.3785504&lon=103.0262184&limit=1"

static const char *diachi, *index_path;
static dc_server srv;
static CURL *curl;
static int port;

static json_t *get(const char *path, long status)
{
    dc_reply r;
    json_error_t e;
    if (!dc_request(curl, port, NULL, path, NULL, NULL, 0, &r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r.error));
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    if (!j || r.status != status)
        print_error("%s: %ld, want %ld: %.300s\n", path, r.status, status, r.body);
    assert_non_null(j);
    assert_int_equal(r.status, status);
    dc_reply_free(&r);
    return j;
}

static void expect(json_t *j, const char *member, const char *want)
{
    if (strcmp(dc_json_str(j, member), want) != 0)
        print_error("%s is '%s', want '%s'\n", member, dc_json_str(j, member), want);
    assert_string_equal(dc_json_str(j, member), want);
}

static void test_retired_code(void **state)
{
    (void)state;
    static const char *const paths[] = {OLD, OLD "?at=2025-07-01", OLD "?at=2030-01-01",
                                        "/v1/codes/3211292HGCFG"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        json_t *j = get(paths[i], i == 3 ? 422 : 200);
        if (i == 3) { /* the old 32112 is far from this door: the typo check */
            expect(j, "status", "code_outside_zone");
            expect(j, "error.code", "code_outside_zone");
            expect(j, "actual_zone.postcode", "32151");
            expect(j, "corrected.code", "32151 92HG+CFG");
            json_decref(j);
            continue;
        }
        expect(j, "status", "retired");
        expect(j, "zone.postcode", "32105");
        expect(j, "zone.valid_until", "2025-06-30");
        expect(j, "current_code", "32151 92HG+CFG");
        expect(j, "current_zone.postcode", "32151");
        expect(j, "households.0.id", "DBP-006529");
        expect(j, "households.0.code", "32151 92HG+CFG");
        assert_int_equal((int)dc_json_num(j, "household_count"), 1);
        json_decref(j);
    }
}

static void test_as_of(void **state)
{
    (void)state;
    json_t *j = get(OLD "?at=2025-06-30", 200);
    expect(j, "status", "ok");
    expect(j, "current_code", "32151 92HG+CFG");
    json_decref(j);
    j = get(OLD "?at=2024-01-01", 200);
    expect(j, "status", "ok");
    json_decref(j);
    j = get(NEW "?at=2025-06-30", 404);
    expect(j, "status", "unknown_postcode");
    json_decref(j);
    j = get(NEW "?at=2025-07-01", 200);
    expect(j, "status", "ok");
    expect(j, "households.0.id", "DBP-006529");
    json_decref(j);
    j = get(NEW "?at=2025-06-31", 400);
    expect(j, "error.code", "bad_parameter");
    expect(j, "error.message", "parameter at must be a day written YYYY-MM-DD");
    json_decref(j);
}

static void test_reverse_former(void **state)
{
    (void)state;
    json_t *j = get(DOOR, 200);
    expect(j, "place.code", "32151 92HG+CFG");
    expect(j, "former.0.code", "32105 92HG+CFG");
    expect(j, "former.0.zone.postcode", "32105");
    expect(j, "former.0.zone.valid_until", "2025-06-30");
    assert_int_equal((int)dc_json_num(j, "former.0.edition"), 1);
    json_decref(j);
    j = get(DOOR "&at=2025-07-01", 200);
    expect(j, "place.code", "32151 92HG+CFG");
    expect(j, "former.0.code", "32105 92HG+CFG");
    json_decref(j);
    j = get(DOOR "&at=2025-06-30", 200);
    expect(j, "place.code", "32105 92HG+CFG");
    expect(j, "zone.postcode", "32105");
    assert_null(dc_json_at(j, "former"));
    json_decref(j);
    j = get(DOOR "&format=geojson", 200);
    expect(j, "features.0.properties.former.0.code", "32105 92HG+CFG");
    json_decref(j);
}

static void test_retired_zone(void **state)
{
    (void)state;
    json_t *j = get("/v1/zones/32101", 200);
    expect(j, "status", "retired");
    expect(j, "postcode", "32101");
    expect(j, "valid_until", "2025-06-30");
    expect(j, "became.0.postcode", "32150");
    expect(j, "became.0.kind", "split");
    expect(j, "became.1.postcode", "32151");
    json_decref(j);
    j = get("/v1/zones/32150", 200);
    expect(j, "former.0.postcode", "32101");
    expect(j, "former.0.kind", "split");
    expect(j, "former.3.postcode", "32106");
    json_decref(j);
    j = get("/v1/zones/32199", 404);
    expect(j, "error.code", "unknown_postcode");
    json_decref(j);
}

static dc_reply post(const char *path, const char *type, const char *body, long status)
{
    dc_reply r;
    const char *headers[] = {type, NULL};
    if (!dc_request(curl, port, "POST", path, headers, body, strlen(body), &r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r.error));
    if (r.status != status)
        print_error("%s: %ld, want %ld: %.300s\n", path, r.status, status, r.body);
    assert_int_equal(r.status, status);
    return r;
}

/* convert=1: the CSV form gives diachi batch --convert's bytes, the JSON
 * form an object per code; a bad value of convert is a 400. */
static void test_batch_convert(void **state)
{
    (void)state;
    static const char csv[] = "id;code\r\n"
                              "1;32105 92HG+CFG\r\n"
                              "2;32151 92HG+CFG\r\n"
                              "3;32112 92HG+CFG\r\n"
                              "4;not a code\r\n";
    static const char want[] =
        "id;code;status;current_code;zone_name;district;province;change\r\n"
        "1;32105 92HG+CFG;ok;32151 92HG+CFG;phường Mường Thanh;;Điện Biên;merged\r\n"
        "2;32151 92HG+CFG;ok;32151 92HG+CFG;phường Mường Thanh;;Điện Biên;unchanged\r\n"
        "3;32112 92HG+CFG;code_outside_zone;;;;;\r\n"
        "4;not a code;malformed;;;;;\r\n";
    dc_reply r = post("/v1/batch?convert=1", "Content-Type: text/csv", csv, 200);
    if (r.len != sizeof want - 1 || memcmp(r.body, want, r.len) != 0)
        fail_msg("convert CSV: got\n%.*s", (int)r.len, r.body);
    assert_non_null(strstr(r.headers, "X-Diachi-Count-Ok: 2"));
    dc_reply_free(&r);

    r = post("/v1/batch?convert=1", "Content-Type: application/json",
             "[\"32105 92HG+CFG\", {\"code\": \"3215192HGCFG\"}, \"32112 92HG+CFG\", "
             "\"x\", {\"lat\": 21.37, \"lon\": 103.02}]",
             200);
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    assert_non_null(j);
    expect(j, "results.0.query", "32105 92HG+CFG");
    expect(j, "results.0.status", "ok");
    expect(j, "results.0.current_code", "32151 92HG+CFG");
    expect(j, "results.0.postcode", "32151");
    expect(j, "results.0.zone_name", "phường Mường Thanh");
    expect(j, "results.0.district", "");
    expect(j, "results.0.province", "Điện Biên");
    expect(j, "results.0.change", "merged");
    expect(j, "results.1.current_code", "32151 92HG+CFG");
    expect(j, "results.1.change", "unchanged");
    expect(j, "results.2.status", "code_outside_zone");
    assert_null(dc_json_at(j, "results.2.current_code"));
    expect(j, "results.3.status", "malformed");
    expect(j, "results.4.status", "bad_item");
    json_decref(j);
    dc_reply_free(&r);

    r = post("/v1/batch?convert=yes", "Content-Type: text/csv", csv, 400);
    j = json_loadb(r.body, r.len, 0, &e);
    expect(j, "error.code", "bad_parameter");
    json_decref(j);
    dc_reply_free(&r);
}

int main(int argc, char **argv)
{
    const dc_http_fixture fx = {.program = "test_http_history",
                                .index_name = "SAMPLE_2025_INDEX",
                                .diachi = &diachi,
                                .index = &index_path,
                                .srv = &srv,
                                .curl = &curl,
                                .port = &port};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retired_code),
        cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_reverse_former),
        cmocka_unit_test(test_retired_zone),
        cmocka_unit_test(test_batch_convert),
        cmocka_unit_test(dc_test_replies_as_documented),
        cmocka_unit_test(dc_test_server_exits_cleanly),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
