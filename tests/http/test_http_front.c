/*
 * test_http_front.c - request heads libmicrohttpd 0.9.75 would answer with
 * its own HTML (or drop) are answered by the front door with the API's
 * JSON error, over raw sockets: for each, the exact status, Content-Type
 * application/json, Connection: close, the error code, a body that
 * docs/openapi.json's Error schema holds, and the connection closed. Heads
 * it must not refuse are answered 200; a head that never completes is
 * closed at the request deadline; a normal client keeps working.
 *
 * Usage: test_http_front DIACHI SAMPLE_INDEX OPENAPI_JSON
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_support.h"
#include "openapi_check.h"

static const char *diachi, *sample_index, *openapi_path;
static dc_server server;
static json_t *openapi;
static CURL *curl;

/* What came back on a raw connection, until the server closed it. */
typedef struct raw_reply {
    char *text; /* NUL-terminated */
    size_t len;
    bool closed;
} raw_reply;

static raw_reply exchange(const char *request, size_t len, int ms)
{
    raw_reply r = {calloc(1, 1 << 17), 0, false};
    int fd = dc_raw_connect(server.port);
    assert_true(fd >= 0);
    dc_raw_send_all(fd, request, len);
    double end = dc_now_ms() + ms;
    while (r.len < (1 << 17) - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        double left = end - dc_now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) break;
        ssize_t n = recv(fd, r.text + r.len, (1 << 17) - 1 - r.len, 0);
        if (n <= 0) {
            r.closed = true;
            break;
        }
        r.len += (size_t)n;
    }
    close(fd);
    return r;
}

/* The value of header @p name in the head of @p text, into @p out. */
static bool header(const char *text, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    const char *end = strstr(text, "\r\n\r\n");
    for (const char *l = strstr(text, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n"))
        if (strncasecmp(l + 2, name, n) == 0 && l[2 + n] == ':') {
            const char *v = l + 3 + n + strspn(l + 3 + n, " ");
            snprintf(out, size, "%.*s", (int)strcspn(v, "\r"), v);
            return true;
        }
    return false;
}

/* A normal client, on its kept-alive curl handle, still gets its answer. */
static void still_serving(void)
{
    dc_reply r;
    assert_true(
        dc_request(curl, server.port, NULL, "/v1/codes/32105927CJ93", NULL, NULL, 0, &r));
    assert_int_equal(r.status, 200);
    dc_reply_free(&r);
}

static void expect_refused(const char *name, const char *request, size_t len, int status,
                           const char *code)
{
    raw_reply r = exchange(request, len, 5000);
    int got = 0;
    char value[128], why[512];
    print_message("%-28s -> %.*s\n", name, (int)strcspn(r.text, "\r"), r.text);
    assert_int_equal(sscanf(r.text, "HTTP/1.1 %d ", &got), 1);
    assert_int_equal(got, status);
    assert_true(header(r.text, "Content-Type", value, sizeof value));
    assert_string_equal(value, "application/json");
    assert_true(header(r.text, "Connection", value, sizeof value));
    assert_string_equal(value, "close");
    assert_true(header(r.text, "X-Diachi-Index", value, sizeof value));
    assert_true(r.closed);
    const char *body = strstr(r.text, "\r\n\r\n");
    assert_non_null(body);
    json_error_t e;
    json_t *json = json_loads(body + 4, 0, &e);
    assert_non_null(json);
    assert_string_equal(dc_json_str(json, "error.code"), code);
    json_t *schema = dc_json_at(openapi, "components.schemas.Error");
    assert_non_null(schema);
    if (!dc_schema_validate(openapi, schema, json, why, sizeof why))
        fail_msg("%s: not the documented Error: %s", name, why);
    json_decref(json);
    free(r.text);
    still_serving();
}

static void expect_answered(const char *name, const char *request, size_t len)
{
    raw_reply r = exchange(request, len, 5000);
    int got = 0;
    print_message("%-28s -> %.*s\n", name, (int)strcspn(r.text, "\r"), r.text);
    assert_int_equal(sscanf(r.text, "HTTP/1.1 %d ", &got), 1);
    assert_int_equal(got, 200);
    free(r.text);
}

#define REFUSED(name, request, status, code)                                             \
    expect_refused(name, request, sizeof request - 1, status, code)
#define ANSWERED(name, request) expect_answered(name, request, sizeof request - 1)
#define GET_HEALTHZ "GET /healthz HTTP/1.1\r\nHost: x\r\n"

static void test_request_line(void **state)
{
    (void)state;
    REFUSED("garbage", "GARBAGE\r\n\r\n", 400, "bad_request_line");
    REFUSED("a TLS hello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03hi\r\n\r\n", 400,
            "bad_request_line");
    REFUSED("HTTP/0.9", "GET /healthz\r\n\r\n", 400, "bad_request_line");
    REFUSED("a space in the target", "GET /heal thz HTTP/1.1\r\nHost: x\r\n\r\n", 400,
            "bad_request_line");
    REFUSED("a control byte in the target", "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400,
            "bad_request_line");
    REFUSED("a method not a token", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400,
            "bad_request_line");
    REFUSED("lower-case version", "GET /healthz http/1.1\r\nHost: x\r\n\r\n", 400,
            "bad_request_line");
}

static void test_version(void **state)
{
    (void)state;
    REFUSED("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "http_version");
    REFUSED("HTTP/3.0", "GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n", 505, "http_version");
    REFUSED("HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 505, "http_version");
}

static void test_fields(void **state)
{
    (void)state;
    REFUSED("obsolete line folding", GET_HEALTHZ "X-A: a\r\n b\r\n\r\n", 400,
            "bad_header");
    REFUSED("a space before the colon", GET_HEALTHZ "X-A : a\r\n\r\n", 400, "bad_header");
    REFUSED("no colon", GET_HEALTHZ "X-A a\r\n\r\n", 400, "bad_header");
    REFUSED("a NUL in a value", GET_HEALTHZ "X-A: a\0b\r\n\r\n", 400, "bad_header");
    REFUSED("a control byte in a value", GET_HEALTHZ "X-A: a\x01 b\r\n\r\n", 400,
            "bad_header");
}

/* A head of @p fields fields of @p value_len bytes each. */
static char *head_of(unsigned fields, size_t value_len, size_t *len)
{
    size_t cap = 64 + fields * (value_len + 16);
    char *h = malloc(cap);
    size_t n = (size_t)snprintf(h, cap, GET_HEALTHZ "Connection: close\r\n");
    for (unsigned i = 0; i < fields; i++) {
        n += (size_t)snprintf(h + n, cap - n, "X-%04u: ", i);
        memset(h + n, 'v', value_len);
        n += value_len;
        memcpy(h + n, "\r\n", 2);
        n += 2;
    }
    memcpy(h + n, "\r\n", 2);
    *len = n + 2;
    return h;
}

static void test_sizes(void **state)
{
    (void)state;
    size_t len;
    char *h = head_of(1, 65536, &len);
    expect_refused("a 64 KB header", h, len, 431, "headers_too_large");
    free(h);
    h = head_of(101, 4, &len);
    expect_refused("101 fields", h, len, 431, "headers_too_large");
    free(h);
    /* 98 fields and Host and Connection, 8 KB in all: the most taken. */
    h = head_of(98, 64, &len);
    assert_true(len <= 8192);
    expect_answered("100 fields, under 8 KB", h, len);
    free(h);
    size_t url = 100000;
    char *u = malloc(url + 64);
    memcpy(u, "GET /v1/codes/", 14);
    memset(u + 14, 'A', url);
    memcpy(u + 14 + url, " HTTP/1.1\r\nHost: x\r\n\r\n", 22);
    expect_refused("a 100 KB URL", u, 14 + url + 22, 414, "uri_too_long");
    free(u);
}

static void test_taken(void **state)
{
    (void)state;
    ANSWERED("HTTP/1.0", "GET /healthz HTTP/1.0\r\n\r\n");
    ANSWERED("HTTP/1.2 (as 1.1)",
             "GET /healthz HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n");
    ANSWERED("bare LF line ends",
             "GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n");
    ANSWERED("an empty line first", "\r\n" GET_HEALTHZ "Connection: close\r\n\r\n");
    ANSWERED("a tab in a value", GET_HEALTHZ "X-A: a\tb\r\nConnection: close\r\n\r\n");
    ANSWERED("bytes past ASCII in a value",
             GET_HEALTHZ "X-A: \xc4\x90i\xe1\xbb\x87n\r\nConnection: close\r\n\r\n");
}

/* A head sent in pieces is waited for, then answered. */
static void test_head_in_pieces(void **state)
{
    (void)state;
    static const char *const pieces[] = {"GET /hea", "lthz HTTP/1.1\r\nHo",
                                         "st: x\r\nConnection: close\r", "\n\r\n"};
    int fd = dc_raw_connect(server.port);
    assert_true(fd >= 0);
    for (size_t i = 0; i < 4; i++) {
        dc_raw_send_all(fd, pieces[i], strlen(pieces[i]));
        struct timespec pause = {0, 100000000};
        nanosleep(&pause, NULL);
    }
    char buf[4096] = "";
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    close(fd);
    assert_true(n > 12);
    assert_memory_equal(buf, "HTTP/1.1 200", 12);
}

/* A head that never completes is closed at the request deadline (1 s
 * here), unanswered, as the watchdog ends a slow request. */
static void test_deadline(void **state)
{
    (void)state;
    static const char part[] = GET_HEALTHZ "X-Slow: a";
    double t0 = dc_now_ms();
    raw_reply r = exchange(part, sizeof part - 1, 5000);
    double ms = dc_now_ms() - t0;
    print_message("half a head: closed after %.0f ms, %zu bytes\n", ms, r.len);
    assert_true(r.closed);
    assert_int_equal(r.len, 0);
    assert_true(ms > 800 && ms < 3000);
    free(r.text);
}

/* Requests on a kept-alive connection go straight to libmicrohttpd: the
 * second request reuses the first's connection. */
static void test_keep_alive(void **state)
{
    (void)state;
    CURL *c = curl_easy_init();
    dc_reply r;
    for (int i = 0; i < 3; i++) {
        assert_true(dc_request(c, server.port, NULL, "/v1/codes/32105927CJ93", NULL, NULL,
                               0, &r));
        assert_int_equal(r.status, 200);
        if (i) assert_int_equal(r.new_connections, 0);
        dc_reply_free(&r);
    }
    curl_easy_cleanup(c);
}

static int setup(void **state)
{
    (void)state;
    const char *args[] = {"--index", sample_index, "--request-timeout", "1", NULL};
    json_error_t e;
    if (!(openapi = json_load_file(openapi_path, 0, &e))) return -1;
    if (!dc_server_start(&server, diachi, args)) return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    curl_easy_cleanup(curl);
    int status = dc_server_stop(&server);
    curl_global_cleanup();
    json_decref(openapi);
    return status == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_http_front DIACHI SAMPLE_INDEX OPENAPI_JSON\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    openapi_path = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_line), cmocka_unit_test(test_version),
        cmocka_unit_test(test_fields),       cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_taken),        cmocka_unit_test(test_head_in_pieces),
        cmocka_unit_test(test_deadline),     cmocka_unit_test(test_keep_alive),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
