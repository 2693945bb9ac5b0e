/*
 * test_http_history.c - zone editions over HTTP (issue 19, shown item 2),
 * on the sample imported with its 2025 edition: an old code answers 200
 * with status retired, its zone (valid_until), the door and current_code;
 * ?at= before, on and after 2025-07-01; reverse's former; a retired
 * postcode in /v1/zones; the typo check on an old code (422); a bad day
 * (400); POST /v1/batch?convert=1, CSV and JSON: old codes to current ones,
 * what changed, and the rows that convert to nothing; old addresses too
 * (address_column, address items), and every household's old address of
 * the sample (check_history's OLD_DIR files): the CSV form gives the
 * bytes diachi's batch gave, the JSON form the same answers, and the
 * share that GEOS's code confirms is printed and held to the floor.
 * DBP-006529's door was 32105 92HG+CFG (Nam Thanh), is 32151 92HG+CFG
 * (Mường Thanh). Every reply is held to docs/openapi.json.
 *
 * Usage: test_http_history DIACHI SAMPLE_2025_INDEX OLD_ADDRESSES_DIR
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

#define OLD "/v1/codes/32105%2092HG%2BCFG"
#define NEW "/v1/codes/32151%2092HG%2BCFG"
#define DOOR "/v1/reverse?lat=21.3785504&lon=103.0262184&limit=1"

static const char *diachi, *index_path, *addresses_dir;
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

/* The members of a result converted to DBP-006529's current code: Nam
 * Thanh merged into Mường Thanh, as diachi batch --convert names them. */
static void expect_merged(json_t *j, const char *result)
{
    static const char *const want[][2] = {
        {"status", "ok"},      {"current_code", "32151 92HG+CFG"},
        {"postcode", "32151"}, {"zone_name", "phường Mường Thanh"},
        {"district", ""},      {"province", "Điện Biên"},
        {"change", "merged"},
    };
    char path[64];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(path, sizeof path, "%s.%s", result, want[i][0]);
        expect(j, path, want[i][1]);
    }
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
    expect_merged(j, "results.0");
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

/* convert=1 with addresses: the CSV form's address_column gives diachi
 * batch --convert --address-column's bytes; JSON address items convert
 * the household their address finds (or their code, when it gives one);
 * a street is no_household, with no code; nothing is not_found; an
 * address that cannot be read is bad_address. */
static void test_batch_convert_addresses(void **state)
{
    (void)state;
    static const char csv[] =
        "id;code;address\r\n"
        "1;32105 92HG+CFG;\r\n"
        "2;;\"số 205/27 Ngõ 205 Hoàng Văn Thái, Tổ dân phố 10, phường Nam Thanh, "
        "Thành phố Điện Biên Phủ\"\r\n"
        "3;;Võ Nguyên Giáp, phường Him Lam\r\n"
        "4;;zzqx wwvv\r\n"
        "5;32112 92HG+CFG;số 205/27 Ngõ 205 Hoàng Văn Thái\r\n";
    static const char want[] =
        "id;code;address;status;current_code;zone_name;district;province;change;match;"
        "score;error\r\n"
        "1;32105 92HG+CFG;;ok;32151 92HG+CFG;phường Mường Thanh;;Điện Biên;merged;code;"
        "1.000;\r\n"
        "2;;\"số 205/27 Ngõ 205 Hoàng Văn Thái, Tổ dân phố 10, phường Nam Thanh, Thành "
        "phố Điện Biên Phủ\";ok;32151 92HG+CFG;phường Mường Thanh;;Điện Biên;merged;"
        "household;1.000;\r\n"
        "3;;Võ Nguyên Giáp, phường Him Lam;no_household;;phường Điện Biên Phủ;;Điện "
        "Biên;;street;1.000;\r\n"
        "4;;zzqx wwvv;not_found;;;;;;none;;\r\n"
        "5;32112 92HG+CFG;số 205/27 Ngõ 205 Hoàng Văn Thái;ok;32151 92HG+CFG;phường "
        "Mường Thanh;;Điện Biên;merged;household;1.000;\r\n";
    dc_reply r = post("/v1/batch?convert=1&address_column=address",
                      "Content-Type: text/csv", csv, 200);
    if (r.len != sizeof want - 1 || memcmp(r.body, want, r.len) != 0)
        fail_msg("convert CSV with addresses: got\n%.*s", (int)r.len, r.body);
    assert_non_null(strstr(r.headers, "X-Diachi-Count-Ok: 3"));
    assert_non_null(strstr(r.headers, "X-Diachi-Count-No-Household: 1"));
    assert_non_null(strstr(r.headers, "X-Diachi-Count-Not-Found: 1"));
    dc_reply_free(&r);
    /* by number, as diachi batch --address-column 3 */
    r = post("/v1/batch?convert=1&address_column=3", "Content-Type: text/csv", csv, 200);
    assert_true(r.len == sizeof want - 1 && memcmp(r.body, want, r.len) == 0);
    dc_reply_free(&r);

    r = post("/v1/batch?convert=1", "Content-Type: application/json",
             "[{\"address\": \"số 205/27 Ngõ 205 Hoàng Văn Thái, Tổ dân phố 10, phường "
             "Nam Thanh, Thành phố Điện Biên Phủ\"}, "
             "{\"code\": \"32105 92HG+CFG\", \"address\": \"\"}, "
             "{\"code\": \"32112 92HG+CFG\", \"address\": \"số 205/27 Ngõ 205 Hoàng "
             "Văn Thái\"}, "
             "{\"address\": \"Võ Nguyên Giáp, phường Him Lam\"}, "
             "{\"address\": \"zzqx wwvv\"}, {\"address\": \"!!!\"}, {\"address\": 5}, "
             "\"32105 92HG+CFG\"]",
             200);
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    assert_non_null(j);
    expect(j, "results.0.query",
           "số 205/27 Ngõ 205 Hoàng Văn Thái, Tổ dân phố 10, phường Nam Thanh, Thành phố "
           "Điện Biên Phủ");
    expect_merged(j, "results.0");
    expect(j, "results.0.match", "household");
    assert_true(fabs(dc_json_num(j, "results.0.score") - 1.0) < 1e-9);
    expect(j, "results.1.status", "ok");
    expect(j, "results.1.match", "code");
    expect(j, "results.1.current_code", "32151 92HG+CFG");
    assert_true(dc_json_num(j, "results.1.score") == 1);
    expect(j, "results.2.match", "household");
    expect(j, "results.2.current_code", "32151 92HG+CFG");
    expect(j, "results.3.status", "no_household");
    expect(j, "results.3.match", "street");
    expect(j, "results.3.postcode", "32150");
    expect(j, "results.3.zone_name", "phường Điện Biên Phủ");
    assert_null(dc_json_at(j, "results.3.current_code"));
    assert_null(dc_json_at(j, "results.3.change"));
    expect(j, "results.4.status", "not_found");
    expect(j, "results.4.match", "none");
    assert_null(dc_json_at(j, "results.4.current_code"));
    expect(j, "results.5.status", "bad_address");
    expect(j, "results.5.error.problem", "text_empty");
    expect(j, "results.6.status", "bad_item");
    expect(j, "results.7.query", "32105 92HG+CFG");
    expect(j, "results.7.current_code", "32151 92HG+CFG");
    assert_null(dc_json_at(j, "results.7.match"));
    json_decref(j);
    dc_reply_free(&r);

    static const char *const bad[] = {
        "/v1/batch?convert=1&address_column=0",
        "/v1/batch?convert=1&address_column=",
        "/v1/batch?address_column=address&lat_column=lat&lon_column=lon",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = post(bad[i], "Content-Type: text/csv", csv, 400);
        j = json_loadb(r.body, r.len, 0, &e);
        expect(j, "error.code", "bad_parameter");
        json_decref(j);
        dc_reply_free(&r);
    }
}

/* The share of the sample's old addresses that must convert to GEOS's
 * code: check_history's OLD_ADDRESS_FLOOR. */
#define OLD_ADDRESS_FLOOR 0.75

/* A whole file, NUL-terminated; its length in *len. */
static char *slurp(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", addresses_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return text;
}

/* The @p n semicolon-separated fields of each line of @p text (cut in
 * place), a line after the header at a time. */
static size_t split_lines(char *text, char ***lines)
{
    size_t n = 0, cap = 0;
    char *save = NULL;
    *lines = NULL;
    for (char *l = strtok_r(text, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            *lines = realloc(*lines, cap * sizeof **lines);
            assert_non_null(*lines);
        }
        (*lines)[n++] = l;
    }
    return n;
}

static const char *field(const char *line, int k, char *out, size_t size)
{
    for (; k > 0 && line; k--)
        if ((line = strchr(line, ';'))) line++;
    size_t n = line ? strcspn(line, ";") : 0;
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), line ? line : "");
    return out;
}

/* Every household's old address of the sample: POST as CSV with
 * address_column gives byte for byte what diachi's batch gave
 * (old-addresses-converted.csv), and as JSON address items the same
 * status, code, change and match per row; the share right by GEOS
 * (old-addresses-truth.csv) is printed and held to the floor. */
static void test_batch_convert_old_addresses(void **state)
{
    (void)state;
    size_t in_len, want_len, truth_len;
    char *in = slurp("old-addresses.csv", &in_len);
    char *want = slurp("old-addresses-converted.csv", &want_len);
    char *truth = slurp("old-addresses-truth.csv", &truth_len);
    dc_reply r = post("/v1/batch?convert=1&address_column=address",
                      "Content-Type: text/csv", in, 200);
    if (r.len != want_len || memcmp(r.body, want, want_len) != 0)
        fail_msg("the CSV form's %zu bytes differ from diachi batch's %zu", r.len,
                 want_len);
    dc_reply_free(&r);

    char **rows, **outs, **truths, a[1024], b[1024];
    size_t nrows = split_lines(in, &rows), nouts = split_lines(want, &outs),
           ntruths = split_lines(truth, &truths);
    assert_true(nrows > 1 && nrows == nouts && nrows == ntruths);
    json_t *items = json_array();
    for (size_t i = 1; i < nrows; i++)
        json_array_append_new(
            items, json_pack("{s:s}", "address", field(rows[i], 2, a, sizeof a)));
    char *body = json_dumps(items, JSON_COMPACT);
    json_decref(items);
    r = post("/v1/batch?convert=1", "Content-Type: application/json", body, 200);
    free(body);
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    dc_reply_free(&r);
    assert_non_null(j);
    json_t *results = json_object_get(j, "results");
    assert_int_equal(json_array_size(results), nrows - 1);
    size_t right = 0;
    /* the CSV's row;household;address;status;current_code;zone_name;
     * district;province;change;match;score;error */
    static const struct {
        int column;
        const char *member;
    } same[] = {
        {3, "status"}, {4, "current_code"}, {8, "change"}, {9, "match"}, {10, "score"}};
    for (size_t i = 1; i < nrows; i++) {
        json_t *res = json_array_get(results, i - 1);
        for (size_t k = 0; k < sizeof same / sizeof same[0]; k++) {
            json_t *m = json_object_get(res, same[k].member);
            char got[64];
            if (json_is_number(m))
                snprintf(got, sizeof got, "%.3f", json_number_value(m));
            else
                snprintf(got, sizeof got, "%s", m ? json_string_value(m) : "");
            field(outs[i], same[k].column, a, sizeof a);
            if (strcmp(got, a) != 0)
                fail_msg("row %zu: JSON %s '%s', CSV '%s'", i - 1, same[k].member, got,
                         a);
        }
        const char *status = dc_json_str(res, "status"),
                   *code = dc_json_str(res, "current_code");
        right += strcmp(status, "ok") == 0 &&
                 strcmp(code, field(truths[i], 1, b, sizeof b)) == 0;
    }
    double rate = (double)right / (double)(nrows - 1);
    printf("old addresses over HTTP (CSV and JSON): %zu of %zu converted to GEOS's code "
           "(%.2f%%)\n",
           right, nrows - 1, 100 * rate);
    if (rate < OLD_ADDRESS_FLOOR)
        fail_msg("%.4f of the old addresses converted right: the floor is %.4f", rate,
                 OLD_ADDRESS_FLOOR);
    json_decref(j);
    free(rows);
    free(outs);
    free(truths);
    free(in);
    free(want);
    free(truth);
}

/* every household's old address of the sample in one batch */
static const char *const serve_args[] = {"--max-batch",
                                         "30000",
                                         "--max-body",
                                         "67108864",
                                         "--max-batch-bytes",
                                         "67108864",
                                         "--max-batch-results",
                                         "30000",
                                         NULL};

int main(int argc, char **argv)
{
    const dc_http_fixture fx = {.index_name = "SAMPLE_2025_INDEX",
                                .index = &index_path,
                                .args = serve_args,
                                .extra_name = "OLD_ADDRESSES_DIR",
                                .extra = &addresses_dir,
                                DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retired_code),
        cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_reverse_former),
        cmocka_unit_test(test_retired_zone),
        cmocka_unit_test(test_batch_convert),
        cmocka_unit_test(test_batch_convert_addresses),
        cmocka_unit_test(test_batch_convert_old_addresses),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
