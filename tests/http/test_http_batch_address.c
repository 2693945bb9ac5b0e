/*
 * test_http_batch_address.c - POST /v1/batch with address items beside
 * code and point items, through the real `diachi serve` on the sample
 * index: a door found from its address typed without tones, a code that
 * wins over its address, a bad code that leaves the address to answer, an
 * address that matches nothing, addresses that cannot be read (their
 * problem named), an address that is not a string; every reply held to
 * docs/openapi.json (BatchAddressItem).
 *
 * Usage: test_http_batch_address DIACHI SAMPLE_INDEX
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

/* DBP-000015 of the sample map, as test_http_search finds it too. */
#define CODE "32107 CX5Q+4HW"
#define ADDRESS                                                                                                 \
    "số 21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, Thành phố Điện " \
    "Biên Phủ, Điện Biên"

static json_t *post(const char *body, long status)
{
    static const char *const headers[] = {"Content-Type: application/json", NULL};
    dc_reply r;
    if (!dc_request(curl, port, "POST", "/v1/batch", headers, body, strlen(body), &r))
        fail_msg("transport error %s", curl_easy_strerror(r.error));
    if (r.status != status)
        print_error("status %ld, want %ld: %.300s\n", r.status, status, r.body);
    assert_int_equal(r.status, status);
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    if (!j) print_error("not JSON (%s): %.200s\n", e.text, r.body);
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

static void test_mixed(void **state)
{
    (void)state;
    json_t *j = post("[\"" CODE "\","
                     " {\"lat\": 21.3862, \"lon\": 103.0179, \"limit\": 1},"
                     " {\"address\": \"21/3 vo nguyen giap thanh truong\"},"
                     " {\"address\": \"\"},"
                     " {\"address\": \"Bản Him\\u001b Lam\"},"
                     " {\"address\": \"qqxqz zzkqv\"},"
                     " {\"code\": \"" CODE "\", \"address\": \"qqxqz zzkqv\"},"
                     " {\"code\": \"32107 CX5Q\", \"address\": \"21/3 vo nguyen giap\"},"
                     " {\"address\": 5},"
                     " {\"address\": \"x\\u00e1\", \"code\": 7}]",
                     200);
    assert_int_equal((int)dc_json_num(j, "count"), 10);
    /* the code and point items answer as they always have */
    expect_str(j, "results.0.input", CODE);
    expect_str(j, "results.0.status", "ok");
    assert_non_null(dc_json_at(j, "results.1.radius_m"));
    /* an address typed on a phone: the door */
    expect_str(j, "results.2.status", "ok");
    expect_str(j, "results.2.match", "household");
    expect_str(j, "results.2.code", CODE);
    /* the Plus Code the code's own lookup gives */
    expect_str(j, "results.2.plus_code", dc_json_str(j, "results.0.place.plus_code"));
    expect_str(j, "results.2.postcode", "32107");
    expect_str(j, "results.2.zone_name", "phường Thanh Trường");
    expect_str(j, "results.2.address", ADDRESS);
    double score = dc_json_num(j, "results.2.score");
    assert_true(score > 0 && score <= 1);
    assert_true(fabs(dc_json_num(j, "results.2.lat") - 21.39) < 0.1);
    assert_true(fabs(dc_json_num(j, "results.2.lon") - 103.02) < 0.1);
    assert_null(dc_json_at(j, "results.2.input"));
    /* addresses that cannot be read: the problem, as /v1/search names it */
    expect_str(j, "results.3.status", "bad_address");
    expect_str(j, "results.3.match", "none");
    expect_str(j, "results.3.error.code", "bad_address");
    expect_str(j, "results.3.error.problem", "text_empty");
    expect_str(j, "results.3.error.message", "the query has no words");
    expect_str(j, "results.4.status", "bad_address");
    expect_str(j, "results.4.error.problem", "text_control");
    expect_str(j, "results.4.error.message", "control character U+001B at byte 9");
    /* nothing matches */
    expect_str(j, "results.5.status", "not_found");
    expect_str(j, "results.5.match", "none");
    assert_null(dc_json_at(j, "results.5.code"));
    /* the code wins; a code that is no household's leaves the address */
    expect_str(j, "results.6.match", "code");
    expect_str(j, "results.6.code", CODE);
    assert_true(dc_json_num(j, "results.6.score") == 1);
    expect_str(j, "results.6.address", ADDRESS);
    expect_str(j, "results.7.match", "household");
    expect_str(j, "results.7.code", CODE);
    /* not strings */
    expect_str(j, "results.8.status", "bad_item");
    expect_str(j, "results.8.error.code", "bad_item");
    expect_str(j, "results.9.status", "bad_item");
    json_decref(j);
}

int main(int argc, char **argv)
{
    const dc_http_fixture fx = {.index = &sample_index, DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
