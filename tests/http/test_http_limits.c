/*
 * test_http_limits.c - what one client may take: a JSON batch bounded by
 * the households it asks for (--max-batch-results) and by its answer's
 * bytes (--max-batch-bytes), refused with 413 before the answer is built;
 * and the per-client rate limits (--rate-limit, --record-limit), 429 with
 * Retry-After, counted in /metrics, never applied to loopback unless
 * --rate-limit-loopback. The server's peak RSS (VmHWM) is printed after
 * the batch of issue 16 (10,000 points at radius 1000, limit 100).
 *
 * Usage: test_http_limits DIACHI SAMPLE_INDEX
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http_support.h"

#define CODE "32105927CJ93"
#define JSON_TYPE "Content-Type: application/json"

static const char *diachi, *sample_index;
static dc_server srv; /* the server of the test running */
static CURL *curl;
static int port;

/* Start the server a test asks of, with @p args after its --index. */
static void start(const char *const *args, const char *what)
{
    const char *argv[16] = {"--index", sample_index};
    int n = 2;
    while (args[n - 2] && n < 15)
        argv[n] = args[n - 2], n++;
    argv[n] = NULL;
    if (!dc_server_start(&srv, diachi, argv)) fail_msg("%s", what);
    port = srv.port;
}

static void stop(void)
{
    int status = dc_server_stop(&srv);
    if (!(status == 0)) print_error("stop\n");
    assert_int_equal(status, 0);
}

static int stop_left_running(void **state)
{
    (void)state;
    dc_server_stop(&srv); /* already stopped unless the test failed first */
    return 0;
}

static json_t *call(const char *method, const char *path, const char *body, dc_reply *r)
{
    const char *headers[] = {JSON_TYPE, NULL};
    if (!dc_request(curl, port, method, path, body ? headers : NULL, body,
                    body ? strlen(body) : 0, r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r->error));
    json_error_t e;
    return r->len && strstr(r->content_type, "json") ? json_loadb(r->body, r->len, 0, &e)
                                                     : NULL;
}

/* A JSON array of @p n copies of @p item. */
static char *repeated(const char *item, size_t n)
{
    size_t len = strlen(item);
    char *s = malloc(n * (len + 1) + 3), *p = s;
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i) *p++ = ',';
        memcpy(p, item, len);
        p += len;
    }
    *p++ = ']';
    *p = '\0';
    return s;
}

/* The server's peak resident set, kB (VmHWM), or -1. */
static long peak_rss_kb(const dc_server *s)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)s->pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

static void expect_error(const char *what, json_t *j, const dc_reply *r, long status,
                         const char *code, const char *message_part)
{
    if (!(r->status == status))
        print_error("%s: status %ld, want %ld: %.200s\n", what, r->status, status,
                    r->body);
    assert_int_equal(r->status, status);
    if (!(strcmp(dc_json_str(j, "error.code"), code) == 0))
        print_error("%s: error.code '%s', want %s\n", what, dc_json_str(j, "error.code"),
                    code);
    assert_string_equal(dc_json_str(j, "error.code"), code);
    if (!(strstr(dc_json_str(j, "error.message"), message_part) != NULL))
        print_error("%s: message '%s' lacks '%s'\n", what,
                    dc_json_str(j, "error.message"), message_part);
    assert_non_null(strstr(dc_json_str(j, "error.message"), message_part));
}

/* Issue 16's batch asks for 1,000,000 households: refused at once. */
static void test_batch_results(void **state)
{
    (void)state;
    static const char *const args[] = {NULL};
    start(args, "the server did not start");
    dc_reply r;
    char *body = repeated(
        "{\"lat\": 21.3640201, \"lon\": 103.0209141, \"radius\": 1000, \"limit\": 100}",
        10000);
    long before = peak_rss_kb(&srv);
    json_t *j = call("POST", "/v1/batch", body, &r);
    printf(
        "issue 16's batch (%zu bytes): status %ld, %zu bytes answered; server peak RSS "
        "%ld kB before, %ld kB after\n",
        strlen(body), r.status, r.len, before, peak_rss_kb(&srv));
    expect_error("10,000 points at limit 100", j, &r, 413, "batch_too_many_results",
                 "ask for up to 1000000 households");
    if (!(strstr(dc_json_str(j, "error.message"), "at most 100000") != NULL))
        print_error("the limit is named: %s\n", dc_json_str(j, "error.message"));
    assert_non_null(strstr(dc_json_str(j, "error.message"), "at most 100000"));
    json_decref(j);
    dc_reply_free(&r);
    free(body);

    /* Codes count 1 each: 10,000 of them pass. */
    body = repeated("\"" CODE "\"", 10000);
    j = call("POST", "/v1/batch", body, &r);
    if (!(r.status == 200 && dc_json_num(j, "count") == 10000 &&
          strcmp(dc_json_str(j, "results.9999.households.0.id"), "DBP-005602") == 0))
        print_error("10,000 codes: %ld\n", r.status);
    assert_int_equal(r.status, 200);
    assert_true(dc_json_num(j, "count") == 10000);
    assert_string_equal(dc_json_str(j, "results.9999.households.0.id"), "DBP-005602");
    json_decref(j);
    dc_reply_free(&r);
    free(body);
    stop();
}

/* A server whose answers stop at 100,000 bytes and 2,000 households: 40
 * points at limit 50 ask for 2,000 households, about 700 kB of answer. */
static void test_batch_bytes(void **state)
{
    (void)state;
    static const char *const args[] = {"--max-batch-bytes", "100000",
                                       "--max-batch-results", "2000", NULL};
    start(args, "server with --max-batch-bytes");
    dc_reply r;
    char *body = repeated(
        "{\"lat\": 21.3640201, \"lon\": 103.0209141, \"radius\": 1000, \"limit\": 50}",
        40);
    json_t *j = call("POST", "/v1/batch", body, &r);
    expect_error("an answer past 100,000 bytes", j, &r, 413, "batch_answer_too_large",
                 "the answer passed 100000 bytes at item ");
    json_decref(j);
    dc_reply_free(&r);
    free(body);
    /* 21 points at limit 100: 2,100 households, past --max-batch-results. */
    body = repeated(
        "{\"lat\": 21.3640201, \"lon\": 103.0209141, \"radius\": 1000, \"limit\": 100}",
        21);
    j = call("POST", "/v1/batch", body, &r);
    expect_error("2,100 households asked", j, &r, 413, "batch_too_many_results",
                 "the items ask for up to 2100 households (a code 1, a point its limit): "
                 "a batch answers at most 2000");
    json_decref(j);
    dc_reply_free(&r);
    free(body);
    /* A small one still passes. */
    j = call("POST", "/v1/batch", "[\"" CODE "\"]", &r);
    if (!(r.status == 200))
        print_error("one code under --max-batch-bytes: %ld\n", r.status);
    assert_int_equal(r.status, 200);
    json_decref(j);
    dc_reply_free(&r);
    stop();
}

static void expect_status(const char *path, long status)
{
    dc_reply r;
    json_t *j = call(NULL, path, NULL, &r);
    if (!(r.status == status))
        print_error("%s: %ld, want %ld: %.200s\n", path, r.status, status, r.body);
    assert_int_equal(r.status, status);
    json_decref(j);
    dc_reply_free(&r);
}

/* 4 requests and 30 records a minute, on loopback too. */
static void test_rate_limits(void **state)
{
    (void)state;
    static const char *const args[] = {
        "--rate-limit", "4", "--record-limit", "30", "--rate-limit-loopback", NULL};
    start(args, "server with rate limits");
    dc_reply r;
    char *body = repeated("\"" CODE "\"", 20);
    json_t *j = call("POST", "/v1/batch", body, &r); /* 3 requests, 10 records left */
    if (!(r.status == 200))
        print_error("a batch of 20 within 30 records: %ld\n", r.status);
    assert_int_equal(r.status, 200);
    json_decref(j);
    dc_reply_free(&r);
    j = call("POST", "/v1/batch", body, &r); /* 20 records more than the 10 left */
    expect_error("a second batch of 20", j, &r, 429, "rate_limited",
                 "more than 30 records a minute from this address (this request asks "
                 "for 20)");
    int wait = atoi(r.retry_after);
    if (!(wait >= 19 && wait <= 20))
        print_error("Retry-After for 10 records at 30/min: '%s'\n", r.retry_after);
    assert_true(wait >= 19);
    assert_true(wait <= 20);
    json_decref(j);
    dc_reply_free(&r);
    free(body);
    for (int i = 0; i < 3; i++)
        expect_status("/healthz", 200); /* not charged */
    /* The refused batch was a request: 2 are left. */
    for (int i = 0; i < 2; i++)
        expect_status("/v1/codes/" CODE, 200);
    j = call(NULL, "/v1/codes/" CODE, NULL, &r);
    expect_error("a fifth request", j, &r, 429, "rate_limited",
                 "more than 4 requests a minute from this address: retry in 15 s");
    if (!(strcmp(r.retry_after, "15") == 0))
        print_error("Retry-After for one request at 4/min: '%s'\n", r.retry_after);
    assert_string_equal(r.retry_after, "15");
    json_decref(j);
    dc_reply_free(&r);
    call(NULL, "/metrics", NULL, &r);
    static const char *const refusals[] = {
        "diachi_rate_limited_total{limit=\"requests\"} 1\n",
        "diachi_rate_limited_total{limit=\"records\"} 1\n",
        "diachi_requests_total{endpoint=\"codes\",status=\"429\"} 1\n",
        "diachi_requests_total{endpoint=\"batch\",status=\"429\"} 1\n",
    };
    if (!(r.body && strstr(r.body, refusals[0]) && strstr(r.body, refusals[1]) &&
          strstr(r.body, refusals[2]) && strstr(r.body, refusals[3])))
        print_error("refusals in /metrics\n");
    assert_non_null(r.body);
    assert_non_null(strstr(r.body, refusals[0]));
    assert_non_null(strstr(r.body, refusals[1]));
    assert_non_null(strstr(r.body, refusals[2]));
    assert_non_null(strstr(r.body, refusals[3]));
    dc_reply_free(&r);
    stop();

    /* The same limits without --rate-limit-loopback: loopback is free. */
    static const char *const free_args[] = {"--rate-limit", "4", "--record-limit", "30",
                                            NULL};
    start(free_args, "server without --rate-limit-loopback");
    for (int i = 0; i < 10; i++)
        expect_status("/v1/codes/" CODE, 200);
    stop();
}

/* Charging the request rate must leave the body its deadline: a body
 * that stops coming is cut at --request-timeout (1 s here), not at the
 * idle timeout (30 s). */
static void test_body_deadline(void **state)
{
    (void)state;
    static const char *const args[] = {"--request-timeout", "1", NULL};
    start(args, "server with --request-timeout 1");
    static const char head[] = "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: "
                               "application/json\r\nContent-Length: 100\r\n\r\n[";
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    double t0 = dc_now_ms();
    bool sent = connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
                send(fd, head, sizeof head - 1, 0) == (ssize_t)(sizeof head - 1);
    ssize_t n;
    while (sent && (n = recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    double ms = dc_now_ms() - t0;
    if (!(sent && ms < 4000)) print_error("a stalled body is cut after %.0f ms\n", ms);
    assert_true(sent);
    assert_true(ms < 4000);
    close(fd);
    stop();
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_http_limits DIACHI SAMPLE_INDEX\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_batch_results, stop_left_running),
        cmocka_unit_test_teardown(test_batch_bytes, stop_left_running),
        cmocka_unit_test_teardown(test_rate_limits, stop_left_running),
        cmocka_unit_test_teardown(test_body_deadline, stop_left_running),
        cmocka_unit_test(dc_test_replies_as_documented),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
