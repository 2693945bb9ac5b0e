/*
 * test_http_raw.c - malformed HTTP over raw sockets: garbage, a truncated
 * request line, a 1 MB header, a body longer than declared, a bad
 * version, a slow client. Each must get a 4xx (505 for an HTTP version
 * the server does not speak) or a closed connection,
 * never a crash or a hang, and the server must keep answering others.
 *
 * Usage: test_http_raw DIACHI SAMPLE_INDEX
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

static const char *diachi, *sample_index;
static dc_server srv;
static int port;
static CURL *curl;

/* Read until the server closes or @p ms pass. Returns what was read
 * (malloc'd, NUL-terminated); *closed tells whether it closed. */
static char *read_reply(int fd, int ms, bool *closed)
{
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap + 1);
    double end = dc_now_ms() + ms;
    *closed = false;
    for (;;) {
        double left = end - dc_now_ms();
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) break;
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0) {
            *closed = true;
            break;
        }
        len += (size_t)n;
        if (len == cap) break;
    }
    buf[len] = '\0';
    return buf;
}

/* The status of the first reply in @p text, or 0. */
static int first_status(const char *text)
{
    int status = 0;
    if (sscanf(text, "HTTP/1.%*d %d", &status) != 1) return 0;
    return status;
}

/* Others are still served, quickly. */
static void still_serving(const char *after)
{
    dc_reply r;
    bool ok = dc_request(curl, port, NULL, "/v1/codes/32105927CJ93", NULL, NULL, 0, &r);
    if (!(ok && r.status == 200))
        print_error("after %s: %s, status %ld\n", after,
                    ok ? "answered" : curl_easy_strerror(r.error), r.status);
    assert_true(ok);
    assert_int_equal(r.status, 200);
    dc_reply_free(&r);
}

/* Send @p request; the answer must be a 4xx or a close within @p ms. */
static void expect_refusal(const char *name, const char *request, size_t len, int ms,
                           bool shut, int also)
{
    int fd = dc_raw_connect(port);
    bool closed;
    if (fd < 0) return;
    dc_raw_send_all(fd, request, len);
    if (shut) shutdown(fd, SHUT_WR);
    char *reply = read_reply(fd, ms, &closed);
    int status = first_status(reply);
    printf("%-28s -> %s%d%s\n", name, status ? "" : "no answer ", status,
           closed ? ", closed" : "");
    /* also: one more status taken as an answer (0: none; a status of 0
     * is no answer, which passes only with the connection closed). */
    bool other = also != 0 && status == also;
    if (!((status >= 400 && status < 500) || (status == 0 && closed) || other))
        print_error("%s: status %d, closed %d: %.120s\n", name, status, closed, reply);
    assert_true((status >= 400 && status < 500) || (status == 0 && closed) || other);
    free(reply);
    close(fd);
    still_serving(name);
}

static void test_garbage(void **state)
{
    (void)state;
    static const char garbage[] =
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n";
    expect_refusal("garbage (a TLS hello)", garbage, sizeof garbage - 1, 5000, false, 0);
}

static void test_not_http(void **state)
{
    (void)state;
    static const char words[] = "HELLO THERE\r\n\r\n";
    expect_refusal("not HTTP", words, sizeof words - 1, 5000, false, 0);
}

static void test_truncated_request_line(void **state)
{
    (void)state;
    static const char truncated[] = "GET /v1/codes/321";
    expect_refusal("truncated request line", truncated, sizeof truncated - 1, 5000, true,
                   0);
}

static void test_unknown_http_version(void **state)
{
    (void)state;
    static const char version[] = "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n";
    /* 505 HTTP Version Not Supported is the answer RFC 9110 gives. */
    expect_refusal("unknown HTTP version", version, sizeof version - 1, 5000, false, 505);
}

static void test_no_host(void **state)
{
    (void)state;
    static const char nohost[] = "GET /healthz HTTP/1.1\r\n\r\n";
    expect_refusal("HTTP/1.1 without Host", nohost, sizeof nohost - 1, 5000, false, 0);
}

static void test_negative_content_length(void **state)
{
    (void)state;
    static const char badlen[] =
        "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n[]";
    expect_refusal("negative Content-Length", badlen, sizeof badlen - 1, 5000, false, 0);
}

/* A 1 MB header: past the connection's memory. */
static void test_huge_header(void **state)
{
    (void)state;
    size_t big = 1 << 20;
    char *huge = malloc(big + 128);
    int n = snprintf(huge, 128, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(huge + n, 'a', big);
    memcpy(huge + n + big, "\r\n\r\n", 4);
    expect_refusal("1 MB header", huge, (size_t)n + big + 4, 5000, false, 0);
    free(huge);
}

/* A slow client: half a request, then silence, is closed after the idle
 * timeout (2 s here). */
static void test_half_request(void **state)
{
    (void)state;
    static const char half[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    expect_refusal("half a request, then silence", half, sizeof half - 1, 6000, false, 0);
}

/* A body longer than declared: the declared part is the request (200); the
 * rest is read as the next request, which is garbage (400 or a close). */
static void test_body_longer_than_declared(void **state)
{
    (void)state;
    static const char req[] = "POST /v1/batch HTTP/1.1\r\nHost: x\r\n"
                              "Content-Type: application/json\r\n"
                              "Content-Length: 16\r\n\r\n"
                              "[\"32105927CJ93\"]THIS IS NOT A REQUEST\r\n\r\n";
    int fd = dc_raw_connect(port);
    bool closed;
    if (fd < 0) return;
    dc_raw_send_all(fd, req, sizeof req - 1);
    char *reply = read_reply(fd, 5000, &closed);
    const char *second = strstr(reply + 1, "HTTP/1.1 ");
    printf("%-28s -> 200, then %d%s\n", "body longer than declared",
           second ? first_status(second) : 0, closed ? ", closed" : "");
    if (!(first_status(reply) == 200))
        print_error("longer body: first answer %d\n", first_status(reply));
    assert_int_equal(first_status(reply), 200);
    if (!(strstr(reply, "DBP-005602") != NULL))
        print_error("longer body: the batch answer\n");
    assert_non_null(strstr(reply, "DBP-005602"));
    if (!((second && first_status(second) >= 400 && first_status(second) < 500) ||
          (!second && closed)))
        print_error("longer body: the excess got %d, closed %d\n",
                    second ? first_status(second) : 0, closed);
    assert_true((second && first_status(second) >= 400 && first_status(second) < 500) ||
                (!second && closed));
    free(reply);
    close(fd);
    still_serving("a body longer than declared");
}

int main(int argc, char **argv)
{
    static const char *const serve_args[] = {"--timeout", "2", NULL};
    const dc_http_fixture fx = {
        .args = serve_args, .index = &sample_index, DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_not_http),
        cmocka_unit_test(test_truncated_request_line),
        cmocka_unit_test(test_unknown_http_version),
        cmocka_unit_test(test_no_host),
        cmocka_unit_test(test_negative_content_length),
        cmocka_unit_test(test_huge_header),
        cmocka_unit_test(test_half_request),
        cmocka_unit_test(test_body_longer_than_declared),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
