/*
 * test_http_hostile.c - requests an attacker sends, against the real
 * server on the sample index: NUL and control characters in paths and
 * parameters, preconditions on errors, ambiguous framing, bodies that pass
 * --max-body or never end, CORS with several origins. Each must get its
 * exact status and the API's JSON error, and the server must go on
 * answering. The access log must keep no household code and no long path.
 *
 * Usage: test_http_hostile DIACHI SAMPLE_INDEX WORK_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_support.h"

#define CODE "32105927CJ93"
#define MAX_BODY 1048576
#define ORIGINS "https://a.example, https://b.example"

static const char *diachi, *sample_index;
static char access_log_path[4096];
static dc_server srv;
static int port;
static CURL *curl;

/* ---- raw sockets ----------------------------------------------------------- */

/* Append what the socket has to @p buf (NUL-terminated, at most @p cap
 * bytes), waiting at most @p ms; false once the server has closed. */
static bool read_some(int fd, char *buf, size_t *len, size_t cap, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return true;
    ssize_t n = recv(fd, buf + *len, cap - *len, 0);
    if (n <= 0) return false;
    *len += (size_t)n;
    buf[*len] = '\0';
    return true;
}

/* Read until the server closes or @p ms pass; *closed tells which. */
static char *read_reply(int fd, int ms, bool *closed)
{
    size_t len = 0, cap = 65536;
    char *buf = calloc(1, cap + 1);
    double end = dc_now_ms() + ms;
    *closed = false;
    while (!*closed && len < cap && dc_now_ms() < end)
        *closed = !read_some(fd, buf, &len, cap, (int)(end - dc_now_ms()) + 1);
    return buf;
}

static int status_of(const char *reply)
{
    int status = 0;
    return sscanf(reply, "HTTP/1.%*d %d", &status) == 1 ? status : 0;
}

/* The error code of a reply's JSON body, or "" when it has none. */
static const char *error_code_of(const char *reply, char *out, size_t size)
{
    const char *body = strstr(reply, "\r\n\r\n");
    json_t *j = body ? json_loads(body + 4, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    snprintf(out, size, "%s", j ? dc_json_str(j, "error.code") : "");
    json_decref(j);
    return out;
}

/* The server still answers a normal request. */
static void still_serving(const char *after)
{
    dc_reply r;
    bool ok = dc_request(curl, port, NULL, "/v1/codes/" CODE, NULL, NULL, 0, &r);
    if (!(ok && r.status == 200))
        print_error("after %s: %s, status %ld\n", after,
                    ok ? "answered" : curl_easy_strerror(r.error), r.status);
    assert_true(ok);
    assert_int_equal(r.status, 200);
    dc_reply_free(&r);
}

/* Send @p request raw: the answer must be @p status with the JSON error
 * @p code, and the connection closed after it. */
static void expect_raw(const char *name, const char *request, int status,
                       const char *code)
{
    int fd = dc_raw_connect(port);
    bool closed;
    char got[64];
    if (fd < 0) return;
    dc_raw_send_all(fd, request, strlen(request));
    char *reply = read_reply(fd, 5000, &closed);
    error_code_of(reply, got, sizeof got);
    printf("%-44s -> %d %s%s\n", name, status_of(reply), got, closed ? ", closed" : "");
    if (!(status_of(reply) == status && strcmp(got, code) == 0 && closed))
        print_error(
            "%s: status %d, code \"%s\", closed %d (want %d %s, closed): %.300s\n", name,
            status_of(reply), got, closed, status, code, reply);
    assert_int_equal(status_of(reply), status);
    assert_string_equal(got, code);
    assert_true(closed);
    free(reply);
    close(fd);
    still_serving(name);
}

/* ---- NUL and control characters ------------------------------------------- */

static void test_control_characters(void **state)
{
    (void)state;
    static const struct {
        const char *path, *message_part;
    } cases[] = {
        {"/v1/codes/" CODE "%00XYZ", "code in the path"},
        {"/v1/codes/" CODE "%00", "code in the path"},
        {"/v1/codes/%0A" CODE, "code in the path"},
        {"/v1/codes/" CODE "%7f", "code in the path"},
        {"/v1/codes/" CODE "?format=geojson%00", "parameter format"},
        {"/v1/zones/32101%00", "postcode in the path"},
        {"/v1/zones/32101%00999", "postcode in the path"},
        {"/v1/reverse?lat=21.3640201%00&lon=103.0209141", "parameter lat"},
        {"/v1/reverse?lat=21.3640201&lon=103.0209141%00abc", "parameter lon"},
        {"/v1/reverse?lat=21.3640201&lng=103.0209141%09", "parameter lng"},
        {"/v1/reverse?lat=21.3640201&lon=103.0209141&radius=5%0D", "parameter radius"},
        {"/v1/reverse?lat=21.3640201&lon=103.0209141&cb%00=1", "parameter cb"},
        {"/healthz%00", "the path"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_reply r;
        bool ok = dc_request(curl, port, NULL, cases[i].path, NULL, NULL, 0, &r);
        json_t *j = ok ? json_loadb(r.body, r.len, 0, NULL) : NULL;
        if (!(ok && r.status == 400 &&
              strcmp(dc_json_str(j, "error.code"), "bad_parameter") == 0 &&
              strstr(dc_json_str(j, "error.message"), cases[i].message_part)))
            print_error("%s: %ld %.200s (want 400 bad_parameter naming %s)\n",
                        cases[i].path, r.status, ok ? r.body : "", cases[i].message_part);
        assert_true(ok);
        assert_int_equal(r.status, 400);
        assert_string_equal(dc_json_str(j, "error.code"), "bad_parameter");
        assert_non_null(strstr(dc_json_str(j, "error.message"), cases[i].message_part));
        json_decref(j);
        dc_reply_free(&r);
    }
    printf("%zu paths and parameters with NUL or control characters -> 400\n",
           sizeof cases / sizeof cases[0]);
}

/* ---- preconditions apply to 200s only -------------------------------------- */

static void test_preconditions(void **state)
{
    (void)state;
    dc_reply r;
    char inm[160];
    bool first = dc_request(curl, port, NULL, "/v1/codes/" CODE, NULL, NULL, 0, &r);
    if (!(first && r.status == 200 && r.etag[0]))
        print_error("a 200 with an ETag: %ld\n", r.status);
    assert_true(first);
    assert_int_equal(r.status, 200);
    assert_true(r.etag[0]);
    snprintf(inm, sizeof inm, "If-None-Match: %s", r.etag);
    dc_reply_free(&r);
    static const struct {
        const char *path;
        long status;
    } cases[] = {
        {"/v1/codes/" CODE, 304},
        {"/v1/codes/99999927CJ93", 404},    /* unknown_postcode */
        {"/v1/codes/32104927CJ93", 422},    /* code_outside_zone */
        {"/v1/codes/3210592", 400},         /* malformed_code */
        {"/v1/zones/99999", 404},           /* unknown_postcode */
        {"/v1/zones/321", 400},             /* bad_parameter */
        {"/v1/reverse?lat=10&lon=10", 404}, /* out_of_coverage */
        {"/v1/reverse?lat=91&lon=10", 400}, /* bad_parameter */
        {"/v1/zones/32101", 304},
        {"/v1/reverse?lat=21.3640201&lon=103.0209141", 304},
    };
    for (int star = 0; star < 2; star++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const char *h[] = {star ? "If-None-Match: *" : inm, NULL};
            bool ok = dc_request(curl, port, NULL, cases[i].path, h, NULL, 0, &r);
            if (!(ok && r.status == cases[i].status))
                print_error("%s with %s: %ld (want %ld)\n", cases[i].path, h[0], r.status,
                            cases[i].status);
            assert_true(ok);
            assert_int_equal(r.status, cases[i].status);
            if (!(!ok || r.status == 304 || (r.len > 0 && strstr(r.body, "\"error\""))))
                print_error("%s with %s: the error body\n", cases[i].path, h[0]);
            assert_true(!ok || r.status == 304 ||
                        (r.len > 0 && strstr(r.body, "\"error\"")));
            dc_reply_free(&r);
        }
    /* One resource, two representations: two ETags. */
    char json_etag[128];
    dc_request(curl, port, NULL, "/v1/zones/32101", NULL, NULL, 0, &r);
    snprintf(json_etag, sizeof json_etag, "%s", r.etag);
    dc_reply_free(&r);
    dc_request(curl, port, NULL, "/v1/zones/32101?format=geojson", NULL, NULL, 0, &r);
    if (!(r.etag[0] && strcmp(r.etag, json_etag) != 0))
        print_error("ETags %s and %s\n", json_etag, r.etag);
    assert_true(r.etag[0]);
    assert_string_not_equal(r.etag, json_etag);
    dc_reply_free(&r);
    printf("If-None-Match (the ETag, and *) on errors: the error, never 304\n");
}

/* ---- framing and bodies ---------------------------------------------------- */

static void test_framing(void **state)
{
    (void)state;
    expect_raw("two different Content-Length",
               "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 16\r\nContent-Length: 17\r\n\r\n[\"" CODE "\"]x",
               400, "bad_request");
    expect_raw("Content-Length and chunked",
               "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 16\r\nTransfer-Encoding: chunked\r\n\r\n"
               "10\r\n[\"" CODE "\"]\r\n0\r\n\r\n",
               400, "bad_request");
    expect_raw("chunked and Content-Length on a GET",
               "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               "Content-Length: 5\r\n\r\n0\r\n\r\n",
               400, "bad_request");
    expect_raw("Transfer-Encoding: gzip, chunked",
               "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
               400, "bad_request");
}

/* A chunked body of @p total bytes (0: without end) sent in 64 KiB chunks
 * while reading: the server must answer 413 and close once it passes
 * MAX_BODY, not after reading all of it. */
static void chunked_body(const char *name, size_t total)
{
    static char chunk[65536 + 16];
    int fd = dc_raw_connect(port);
    if (fd < 0) return;
    static const char head[] = "POST /v1/batch HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: application/json\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n";
    dc_raw_send_all(fd, head, sizeof head - 1);
    int n = snprintf(chunk, sizeof chunk, "10000\r\n");
    memset(chunk + n, ' ', 65536);
    memcpy(chunk + n + 65536, "\r\n", 2);
    size_t len = 0, cap = 65536, sent = 0;
    char *reply = calloc(1, cap + 1);
    bool open = true;
    double t0 = dc_now_ms();
    /* 15 s or 64 MiB at most, whichever first: the test ends by itself. */
    while (open && (total == 0 || sent < total) && sent < (64u << 20) &&
           dc_now_ms() - t0 < 15000) {
        if (!dc_raw_send_all(fd, chunk, (size_t)n + 65538)) break;
        sent += 65536;
        open = read_some(fd, reply, &len, cap, 0);
    }
    double end = dc_now_ms() + 5000;
    while (open && len < cap && dc_now_ms() < end)
        open = read_some(fd, reply, &len, cap, 100);
    char got[64];
    error_code_of(reply, got, sizeof got);
    printf("%-44s -> %d %s after %zu KiB sent (max-body %d KiB), %.0f ms\n", name,
           status_of(reply), got, sent / 1024, MAX_BODY / 1024, dc_now_ms() - t0);
    if (!(status_of(reply) == 413 && strcmp(got, "payload_too_large") == 0 && !open))
        print_error("%s: status %d, code %s, closed %d: %.200s\n", name, status_of(reply),
                    got, !open, reply);
    assert_int_equal(status_of(reply), 413);
    assert_string_equal(got, "payload_too_large");
    assert_false(open);
    /* What loopback socket buffers hold (a few MiB) is sent before the answer
     * can arrive; the old server read the whole body, or for ever. */
    if (!(sent < 16u << 20))
        print_error("%s: %zu bytes were taken before the answer\n", name, sent);
    assert_true(sent < 16u << 20);
    free(reply);
    close(fd);
    still_serving(name);
}

/* ---- CORS ------------------------------------------------------------------ */

static void test_cors(void **state)
{
    (void)state;
    static const struct {
        const char *origin, *allowed;
    } cases[] = {
        {"Origin: https://a.example", "https://a.example"},
        {"Origin: https://b.example", "https://b.example"},
        {"Origin: https://c.example", "https://c.example"}, /* the second option */
        {"Origin: https://evil.example", ""},
        {"Origin: https://a.example, https://b.example", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int preflight = 0; preflight < 2; preflight++) {
            dc_reply r;
            const char *h[] = {cases[i].origin, "Access-Control-Request-Method: GET",
                               NULL};
            bool ok = dc_request(curl, port, preflight ? "OPTIONS" : NULL,
                                 "/v1/codes/" CODE, h, NULL, 0, &r);
            if (!(ok && r.status == (preflight ? 204 : 200) &&
                  strcmp(r.allow_origin, cases[i].allowed) == 0 &&
                  strstr(r.vary, "Origin")))
                print_error(
                    "%s%s: %ld, Access-Control-Allow-Origin \"%s\", Vary \"%s\"\n",
                    preflight ? "preflight, " : "", cases[i].origin, r.status,
                    r.allow_origin, r.vary);
            assert_true(ok);
            assert_int_equal(r.status, (preflight ? 204 : 200));
            assert_string_equal(r.allow_origin, cases[i].allowed);
            assert_non_null(strstr(r.vary, "Origin"));
            dc_reply_free(&r);
        }
    printf("CORS: two --cors-origin, three origins: each answered with its own\n");
}

/* ---- the access log ------------------------------------------------------- */

static void test_access_log(void **state)
{
    (void)state;
    const char *path = access_log_path;
    /* A 3,000-byte path (under the 4,096 of a 414): logged cut. */
    static char long_path[3100];
    snprintf(long_path, sizeof long_path, "/v1/nowhere/%03000d", 7);
    dc_reply r;
    dc_request(curl, port, NULL, long_path, NULL, NULL, 0, &r);
    if (!(r.status == 404)) print_error("a long path: %ld\n", r.status);
    assert_int_equal(r.status, 404);
    dc_reply_free(&r);
    dc_request(curl, port, NULL, "/v1/codes/32105%20927C%2BJ93", NULL, NULL, 0, &r);
    dc_reply_free(&r);
    FILE *f = fopen(path, "r");
    char line[8192];
    int lines = 0, codes = 0;
    size_t longest = 0;
    if (!(f != NULL)) print_error("no access log at %s\n", path);
    assert_non_null(f);
    while (f && fgets(line, sizeof line, f)) {
        json_t *j = json_loads(line, 0, NULL);
        const char *p = dc_json_str(j, "path");
        lines++;
        if (!(j != NULL)) print_error("log line %d is not JSON: %s\n", lines, line);
        assert_non_null(j);
        if (strstr(line, "927C")) print_error("a household code in the log: %s\n", line);
        assert_null(strstr(line, "927C"));
        if (strncmp(p, "/v1/codes/", 10) == 0) {
            codes++;
            /* At most the postcode's 5 bytes, then an ellipsis. */
            if (!(strlen(p) <= 10 + 5 + 3)) print_error("logged as %s\n", p);
            assert_true(strlen(p) <= 10 + 5 + 3);
        }
        longest = strlen(p) > longest ? strlen(p) : longest;
        json_decref(j);
    }
    if (f) fclose(f);
    printf("access log: %d lines, %d of /v1/codes/ as /v1/codes/32105..., longest path "
           "%zu bytes\n",
           lines, codes, longest);
    if (!(longest <= 128 + 3)) print_error("a path of %zu bytes in the log\n", longest);
    assert_true(longest <= 128 + 3);
    if (!(codes > 10)) print_error("%d lines of /v1/codes/\n", codes);
    assert_true(codes > 10);
}

static void test_chunked_body_without_end(void **state)
{
    (void)state;
    chunked_body("a chunked body that never ends", 0);
}

static void test_chunked_body_of_40_mib(void **state)
{
    (void)state;
    chunked_body("a 40 MiB chunked body", 40u << 20);
}

static void test_server_exits_cleanly(void **state)
{
    (void)state;
    dc_assert_stops_cleanly(&srv);
}

static int setup(void **state)
{
    (void)state;
    unlink(access_log_path);
    const char *args[] = {
        "--index", sample_index,    "--max-body",        "1048576",      "--cors-origin",
        ORIGINS,   "--cors-origin", "https://c.example", "--access-log", access_log_path,
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

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_http_hostile DIACHI SAMPLE_INDEX WORK_DIR\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    snprintf(access_log_path, sizeof access_log_path, "%s/hostile-access.log", argv[3]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_preconditions),
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_chunked_body_without_end),
        cmocka_unit_test(test_chunked_body_of_40_mib),
        cmocka_unit_test(test_cors),
        cmocka_unit_test(test_access_log),
        cmocka_unit_test(dc_test_replies_as_documented),
        cmocka_unit_test(test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
