/*
 * test_http_openapi.c - docs/openapi.json holds the real answers: every
 * endpoint of `diachi serve` (on the sample index) asked for every status
 * it documents, JSON and GeoJSON, and each reply checked against the
 * document (openapi_check.h): the status is documented for the operation,
 * the Content-Type for the status, required headers are sent, and the
 * body validates against the schema given for them, no undocumented
 * member included. Also: the served /openapi.json is the file, every
 * operation has a unique operationId, and the CSV batch answer's columns
 * and X-Diachi-Count-* headers are all named in the document.
 *
 * Usage: test_http_openapi DIACHI SAMPLE_INDEX OPENAPI_JSON
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_support.h"
#include "openapi_check.h"

#define ORIGIN "https://map.example"
#define MAX_BODY 65536
#define MAX_BATCH 100

static const char *diachi, *sample_index;
static dc_server srv;
static CURL *curl;
static int port;
static json_t *doc;
static int validated, documented_only;

/* Every reply, whichever request made it, is held to the document (this
 * test asks from the main thread only, so the hook may assert). */
static void hold_to_document(const char *method, const char *path, const dc_reply *reply)
{
    char why[1024];
    switch (dc_openapi_check_reply(doc, method, path, reply, why, sizeof why)) {
    case DC_OPENAPI_VALID:
        validated++;
        break;
    case DC_OPENAPI_NO_SCHEMA:
        documented_only++;
        break;
    case DC_OPENAPI_INVALID:
        fail_msg("%s %.100s -> %ld %s: %s", method, path, reply->status,
                 reply->content_type, why);
        break;
    }
}

typedef struct ask {
    const char *method; /* NULL: GET */
    const char *path;
    const char *header; /* one extra header, or NULL */
    const char *body;   /* NULL: none */
    long status;
} ask;

static void send_one(const ask *a, dc_reply *r)
{
    const char *headers[] = {a->header, NULL};
    bool sent = dc_request(curl, port, a->method, a->path, a->header ? headers : NULL,
                           a->body, a->body ? strlen(a->body) : 0, r);
    if (!sent) print_error("%s: transport error\n", a->path);
    assert_true(sent);
    if (!(r->status == a->status))
        print_error("%s %.100s: status %ld, want %ld\n", a->method ? a->method : "GET",
                    a->path, r->status, a->status);
    assert_int_equal(r->status, a->status);
}

static void send_all(const ask *asks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dc_reply r;
        send_one(&asks[i], &r);
        dc_reply_free(&r);
    }
}

#define GEO "Accept: application/geo+json"
#define JSON_TYPE "Content-Type: application/json"
#define CSV_TYPE "Content-Type: text/csv"

static void test_lookups(void **state)
{
    (void)state;
    static const ask asks[] = {
        {NULL, "/v1/codes/32105927CJ93", NULL, NULL, 200},
        {NULL, "/v1/codes/32105%20927C%2BJ93", NULL, NULL, 200},
        {NULL, "/v1/codes/7PH5927C%2BJ93", NULL, NULL, 200},
        {NULL, "/v1/codes/32105927CJ92", NULL, NULL, 200}, /* unregistered */
        {NULL, "/v1/codes/32101927CJ93", NULL, NULL, 422}, /* code_outside_zone */
        {NULL, "/v1/codes/99999927CJ93", NULL, NULL, 404}, /* unknown_postcode */
        {NULL, "/v1/codes/12345", NULL, NULL, 400},        /* malformed */
        {NULL, "/v1/codes/3210I927CJ93", NULL, NULL, 400}, /* malformed */
        {NULL, "/v1/codes/32105927CJ93?format=geojson", NULL, NULL, 200},
        {NULL, "/v1/codes/32105927CJ92?format=geojson", NULL, NULL, 200},
        {NULL, "/v1/codes/32101927CJ93?format=geojson", NULL, NULL, 422},
        {NULL, "/v1/codes/99999927CJ93?format=geojson", NULL, NULL, 404},
        {NULL, "/v1/codes/12345?format=geojson", NULL, NULL, 400},
        {NULL, "/v1/codes/32105927CJ93", GEO, NULL, 200},
        {NULL, "/v1/codes/12345", GEO, NULL, 400},
        {NULL, "/v1/codes/32105927CJ93?format=xml", NULL, NULL, 400},
        {NULL, "/v1/reverse?lat=21.3640201&lon=103.0209141&limit=1", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=21.39&lng=103.02", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=21.39&lon=463.02", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=21.39&lon=103.02&limit=0", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=21.39&lon=103.02&radius=1000&limit=100", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=21.39&lon=103.02&_=1&zoom=3", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=10&lon=10", NULL, NULL, 404}, /* out_of_coverage */
        {NULL, "/v1/reverse?lat=x&lon=1", NULL, NULL, 400},
        {NULL, "/v1/reverse?lon=103.02", NULL, NULL, 400},
        {NULL, "/v1/reverse?lat=21.39&lon=103.02&limit=500", NULL, NULL, 400},
        {NULL, "/v1/reverse?lat=21.39&lon=103.02&lat=21.4", NULL, NULL, 400},
        {NULL, "/v1/reverse?lat=21.39&lon=103.02&format=geojson", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=21.39&lon=463.02&format=geojson", NULL, NULL, 200},
        {NULL, "/v1/reverse?lat=10&lon=10&format=geojson", NULL, NULL, 404},
        {NULL, "/v1/reverse?lat=x&lon=1&format=geojson", NULL, NULL, 400},
        {NULL, "/v1/reverse?lat=21.39&lon=103.02", GEO, NULL, 200},
        {NULL, "/v1/zones/32101", NULL, NULL, 200},
        {NULL, "/v1/zones/32101?format=geojson", NULL, NULL, 200},
        {NULL, "/v1/zones/32105", GEO, NULL, 200},
        {NULL, "/v1/zones/99999", NULL, NULL, 404},
        {NULL, "/v1/zones/99999?format=geojson", NULL, NULL, 404},
        {NULL, "/v1/zones/abc", NULL, NULL, 400},
        {NULL, "/v1/zones/abc?format=geojson", NULL, NULL, 400},
        {NULL, "/v1/search?q=21/3%20vo%20nguyen%20giap", NULL, NULL, 200},
        {NULL, "/v1/search?q=99999%20vo%20nguyen%20giap%2C%20p.%20muong%20thanh", NULL,
         NULL, 200},
        {NULL, "/v1/search?q=bản%20co%20mỵ&near=21.42,103.05&limit=100", NULL, NULL, 200},
        {NULL, "/v1/search?q=tp.%20dien%20bien%20phu", NULL, NULL, 200},
        {NULL, "/v1/search?q=xyzzy", NULL, NULL, 200},
        {NULL, "/v1/search?q=21/3%20vo%20nguyen%20giap&format=geojson", NULL, NULL, 200},
        {NULL, "/v1/search?q=vo%20nguyen%20giap", GEO, NULL, 200},
        {NULL, "/v1/search?q=%20", NULL, NULL, 400},
        {NULL, "/v1/search?q=%C3", GEO, NULL, 400},
        {NULL, "/v1/search", NULL, NULL, 400},
        {NULL, "/v1/search?q=a&limit=101", NULL, NULL, 400},
        {NULL, "/v1/autocomplete?q=vo%20ng", NULL, NULL, 200},
        {NULL, "/v1/autocomplete?q=dien%20bien", NULL, NULL, 200},
        {NULL, "/v1/autocomplete?q=xyzzy", NULL, NULL, 200},
        {NULL, "/v1/autocomplete?q=t&format=geojson", NULL, NULL, 200},
        {NULL, "/v1/autocomplete?q=%1b", NULL, NULL, 400},
        {NULL, "/v1/autocomplete?q=a&limit=0&format=geojson", NULL, NULL, 400},
    };
    send_all(asks, sizeof asks / sizeof asks[0]);
}

static void test_service(void **state)
{
    (void)state;
    static const ask asks[] = {
        {NULL, "/healthz", NULL, NULL, 200},
        {NULL, "/readyz", NULL, NULL, 200},
        {NULL, "/metrics", NULL, NULL, 200},
        {NULL, "/openapi.json", NULL, NULL, 200},
        {NULL, "/nope", NULL, NULL, 404},
        {NULL, "/v1/nope?format=geojson", NULL, NULL, 404},
        {"POST", "/v1/codes/32105927CJ93", JSON_TYPE, "[]", 405},
        {"DELETE", "/healthz", NULL, NULL, 405},
        {"PUT", "/v1/reverse?lat=1&lon=1", NULL, "x", 405},
        {NULL, "/v1/batch", NULL, NULL, 405},
        {"POST", "/v1/search?q=a", JSON_TYPE, "[]", 405},
        {"DELETE", "/v1/autocomplete?q=a", NULL, NULL, 405},
        {"POST", "/metrics", NULL, "x", 405},
    };
    send_all(asks, sizeof asks / sizeof asks[0]);

    /* A URL over 4096 bytes. */
    char long_path[6000] = "/v1/codes/";
    memset(long_path + strlen(long_path), 'C', 5000);
    long_path[5010] = '\0';
    ask too_long = {NULL, long_path, NULL, NULL, 414};
    send_all(&too_long, 1);

    /* Revalidation: 304 with no body, for JSON and GeoJSON. */
    const char *paths[] = {"/v1/codes/32105927CJ93", "/v1/zones/32101?format=geojson"};
    for (size_t i = 0; i < 2; i++) {
        dc_reply r;
        ask first = {NULL, paths[i], NULL, NULL, 200};
        send_one(&first, &r);
        char header[200];
        snprintf(header, sizeof header, "If-None-Match: %s", r.etag);
        dc_reply_free(&r);
        ask again = {NULL, paths[i], header, NULL, 304};
        send_all(&again, 1);
    }
}

/* The served document is the file. */
static void test_served_document(void **state)
{
    (void)state;
    dc_reply r;
    ask a = {NULL, "/openapi.json", NULL, NULL, 200};
    send_one(&a, &r);
    json_t *served = json_loadb(r.body, r.len, 0, NULL);
    if (!(served && json_equal(served, doc)))
        print_error("/openapi.json is not docs/openapi.json\n");
    assert_non_null(served);
    assert_true(json_equal(served, doc));
    json_decref(served);
    dc_reply_free(&r);
}

static const char batch_items[] =
    "[\"32105927CJ93\", {\"code\": \"32101927CJ93\"}, {\"lat\": 21.39, \"lon\": 103.02},"
    " {\"lat\": 21.39, \"lng\": 103.02, \"radius\": 10, \"limit\": 2},"
    " {\"lat\": 21.39, \"lon\": 463.02, \"limit\": 0}, {\"lat\": 10, \"lon\": 10},"
    " \"12345\", \"99999927CJ93\", \"32105927CJ92\", 5, {\"lat\": \"x\"},"
    " {\"lat\": 21, \"lon\": 1, \"lng\": 2}, null, {\"code\": 7}]";

#define FORM_TYPE "Content-Type: multipart/form-data; boundary=XyZ"
static const char form[] =
    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n"
    "Content-Type: text/csv\r\n\r\nMã,code\r\n1,32105927CJ93\r\n2,32101927CJ93\r\n"
    "--XyZ--\r\n";

static void test_batch(void **state)
{
    (void)state;
    char *many = malloc(16 * (MAX_BATCH + 1) + 8), *huge = malloc(MAX_BODY + 64);
    strcpy(many, "[");
    for (int i = 0; i <= MAX_BATCH; i++)
        strcat(many, i ? ",\"32105927CJ93\"" : "\"32105927CJ93\"");
    strcat(many, "]");
    memset(huge, ' ', MAX_BODY + 16);
    memcpy(huge, "[\"32105927CJ93\"", 15);
    strcpy(huge + MAX_BODY + 16, "]");
    const ask asks[] = {
        {"POST", "/v1/batch", JSON_TYPE, batch_items, 200},
        {"POST", "/v1/batch", JSON_TYPE, "[]", 200},
        {"POST", "/v1/batch", JSON_TYPE, "[\"32105927CJ93\"", 400},
        {"POST", "/v1/batch", JSON_TYPE, "{\"code\": \"32105927CJ93\"}", 400},
        {"POST", "/v1/batch", JSON_TYPE, many, 413},
        {"POST", "/v1/batch", JSON_TYPE, huge, 413},
        {"POST", "/v1/batch", "Content-Type: application/xml", "<a/>", 415},
        {"POST", "/v1/batch", CSV_TYPE, "code\n32105927CJ93\n32101927CJ93\n12345\n", 200},
        {"POST", "/v1/batch", CSV_TYPE, "lat;lon\n21,39;103,02\n10;10\n", 200},
        {"POST", "/v1/batch?code_column=b", CSV_TYPE, "a,b\nx,32105927CJ93\n", 200},
        {"POST", "/v1/batch", CSV_TYPE, "code\n\"32105927CJ93\n", 400},
        {"POST", "/v1/batch", CSV_TYPE, "", 400},
        {"POST", "/v1/batch?delimiter=xx", CSV_TYPE, "code\n32105927CJ93\n", 400},
        {"POST", "/v1/batch", FORM_TYPE, form, 200},
        {"POST", "/v1/batch", FORM_TYPE, "--XyZ\r\nno end", 400},
    };
    send_all(asks, sizeof asks / sizeof asks[0]);
    free(many);
    free(huge);
}

/* Every column the CSV answer appends, and every X-Diachi-Count-* header
 * it sends, is named in the document's CSV answer. */
static void test_csv_documented(void **state)
{
    (void)state;
    json_t *ok = dc_json_at(json_object_get(doc, "paths"), "/v1/batch");
    ok = dc_json_at(ok, "post.responses.200");
    char *text = json_dumps(ok, 0);
    if (!(text != NULL)) print_error("no 200 answer documented for POST /v1/batch\n");
    assert_non_null(text);
    const char *bodies[] = {"code,code_status\n32105927CJ93,x\n",
                            "lat,lon\n21.39,103.02\n"};
    for (size_t b = 0; b < 2; b++) {
        dc_reply r;
        ask a = {"POST", "/v1/batch", CSV_TYPE, bodies[b], 200};
        send_one(&a, &r);
        size_t input_columns = 2, col = 0;
        for (const char *p = r.body; *p && *p != '\r' && *p != '\n'; col++) {
            size_t n = strcspn(p, ",\r\n");
            char name[128], quoted[132];
            snprintf(name, sizeof name, "%.*s", (int)n, p);
            /* A repeated input name comes back prefixed with diachi_. */
            const char *base = strncmp(name, "diachi_", 7) == 0 ? name + 7 : name;
            snprintf(quoted, sizeof quoted, "`%s`", base);
            if (base != name) {
                if (!(strstr(text, "`diachi_`") != NULL))
                    print_error("the diachi_ prefix not documented\n");
                assert_non_null(strstr(text, "`diachi_`"));
            }
            if (col >= input_columns) {
                if (!(strstr(text, quoted) != NULL))
                    print_error("CSV column %s not documented\n", name);
                assert_non_null(strstr(text, quoted));
            }
            p += n + (p[n] == ',');
        }
        for (const char *l = r.headers; *l;
             l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
            if (strncasecmp(l, "X-Diachi-Count-", 15) != 0) continue;
            char name[128];
            snprintf(name, sizeof name, "\"%.*s\"", (int)strcspn(l, ":"), l);
            if (!(strstr(text, name) != NULL))
                print_error("header %s not documented\n", name);
            assert_non_null(strstr(text, name));
        }
        dc_reply_free(&r);
    }
    free(text);
}

/* The validator itself: doctored answers that it must refuse, and why. */
static void test_validator(void **state)
{
    (void)state;
    static const struct {
        const char *schema, *json, *why; /* why: NULL when valid */
    } cases[] = {
        {"Status",
         "{\"status\":\"ready\",\"fingerprint\":\"f\",\"households\":1,"
         "\"build_time\":2}",
         NULL},
        {"Status", "{\"status\":\"ready\",\"fingerprint\":\"f\",\"households\":1}",
         "$: required member build_time missing"},
        {"Status",
         "{\"status\":\"ready\",\"fingerprint\":\"f\",\"households\":1.5,"
         "\"build_time\":2}",
         "$.households: not of type integer"},
        {"Status",
         "{\"status\":\"ready\",\"fingerprint\":\"f\",\"households\":1,"
         "\"build_time\":2,\"extra\":0}",
         "$: member extra is not documented"},
        {"Error",
         "{\"error\":{\"code\":\"nope\",\"message\":\"m\"},\"fingerprint\":\"f\"}",
         "$.error.code: \"nope\" is not in the enum"},
        {"BatchBadItem",
         "{\"status\":\"bad_item\",\"error\":{\"code\":\"bad_item\","
         "\"message\":\"m\"}}",
         NULL},
        {"BatchBadItem",
         "{\"status\":\"ok\",\"error\":{\"code\":\"bad_item\","
         "\"message\":\"m\"}}",
         "$.status: \"ok\" is not in the enum"},
        {"BatchResult",
         "{\"fingerprint\":\"f\",\"count\":1,\"results\":[{\"status\":\"ok\"}]}",
         "$.results[0]: matches 0 oneOf branches, not 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ref[128], why[1024];
        snprintf(ref, sizeof ref, "#/components/schemas/%s", cases[i].schema);
        json_t *schema = json_object();
        json_object_set_new(schema, "$ref", json_string(ref));
        json_t *value = json_loads(cases[i].json, 0, NULL);
        bool ok = dc_schema_validate(doc, schema, value, why, sizeof why);
        if (cases[i].why) {
            if (!(!ok && strncmp(why, cases[i].why, strlen(cases[i].why)) == 0))
                print_error("case %zu: '%s', want '%s'\n", i, why, cases[i].why);
            assert_false(ok);
            assert_int_equal(strncmp(why, cases[i].why, strlen(cases[i].why)), 0);
        } else {
            if (!ok) print_error("case %zu: refused: %s\n", i, why);
            assert_true(ok);
        }
        json_decref(value);
        json_decref(schema);
    }
}

/* Each operation has an operationId, and no two the same. */
static void test_operation_ids(void **state)
{
    (void)state;
    json_t *seen = json_object(), *item, *op;
    const char *path, *method;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        json_object_foreach(item, method, op)
        {
            if (!json_is_object(op) || strcmp(method, "parameters") == 0) continue;
            const char *id = json_string_value(json_object_get(op, "operationId"));
            if (!(id != NULL)) print_error("%s %s has no operationId\n", method, path);
            assert_non_null(id);
            if (json_object_get(seen, id)) print_error("operationId %s twice\n", id);
            assert_null(json_object_get(seen, id));
            json_object_set_new(seen, id, json_true());
        }
    }
    json_decref(seen);
}

static int setup(void **state)
{
    (void)state;
    char max_body[16], max_batch[16];
    snprintf(max_body, sizeof max_body, "%d", MAX_BODY);
    snprintf(max_batch, sizeof max_batch, "%d", MAX_BATCH);
    const char *args[] = {"--index", sample_index,  "--cors-origin", ORIGIN, "--max-body",
                          max_body,  "--max-batch", max_batch,       NULL};
    if (!dc_server_start(&srv, diachi, args)) return -1;
    port = srv.port;
    curl = curl_easy_init();
    dc_reply_hook = hold_to_document;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dc_reply_hook = NULL;
    curl_easy_cleanup(curl);
    dc_server_stop(&srv); /* already stopped unless a test failed first */
    return 0;
}

static void test_server_exits_cleanly(void **state)
{
    (void)state;
    dc_assert_stops_cleanly(&srv);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_http_openapi DIACHI SAMPLE_INDEX OPENAPI_JSON\n");
        return 2;
    }
    json_error_t e;
    doc = json_load_file(argv[3], 0, &e);
    if (!doc) {
        fprintf(stderr, "test_http_openapi: %s: %s (line %d)\n", argv[3], e.text, e.line);
        return 1;
    }
    diachi = argv[1];
    sample_index = argv[2];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator),
        cmocka_unit_test(test_operation_ids),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_service),
        cmocka_unit_test(test_served_document),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_csv_documented),
        cmocka_unit_test(test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    json_decref(doc);
    printf("%d responses validated against docs/openapi.json, %d more documented with no "
           "JSON body to validate; %d failed checks\n",
           validated, documented_only, failed);
    return failed ? 1 : 0;
}
