/*
 * test_http_drain.c - SIGTERM drains, as a replica behind a proxy must
 * (issue 22), on raw connections whose state the test sets exactly:
 *
 * - a request begun before SIGTERM and finished after it is answered
 *   (a lookup 200, /readyz 503 not_ready with the fingerprint), each answer
 *   with Connection: close, and its connection then closed;
 * - a new connection is refused by the system (the listening socket is
 *   closed: a proxy sends the request elsewhere, whatever its method);
 * - a connection idle between two requests is closed within a second;
 * - the process exits 0, within --drain-timeout when a client holds a
 *   request unfinished.
 *
 * Usage: test_http_drain DIACHI SAMPLE_INDEX
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_support.h"

static const char *diachi, *sample_index;
static dc_server srv;

/* One answer read off a raw connection: the head, and the body by its
 * Content-Length. */
typedef struct answer {
    int status;
    char head[4096];
    char body[4096];
} answer;

/* Read until @p fd has given a whole answer, or closed, or 5 s passed. */
static bool read_answer(int fd, answer *a)
{
    char buf[8192];
    size_t len = 0;
    memset(a, 0, sizeof *a);
    for (;;) {
        char *end = memmem(buf, len, "\r\n\r\n", 4);
        if (end) {
            size_t head = (size_t)(end - buf) + 4;
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
            if (len >= head + body) {
                snprintf(a->head, sizeof a->head, "%.*s", (int)head, buf);
                snprintf(a->body, sizeof a->body, "%.*s", (int)body, buf + head);
                a->status = atoi(buf + 9);
                return true;
            }
        }
        struct pollfd p = {fd, POLLIN, 0};
        if (len == sizeof buf || poll(&p, 1, 5000) != 1) return false;
        ssize_t n = recv(fd, buf + len, sizeof buf - len, 0);
        if (n <= 0) return false;
        len += (size_t)n;
    }
}

static bool has_header(const answer *a, const char *line)
{
    return strcasestr(a->head, line) != NULL;
}

/* Milliseconds until @p fd is closed by the server (-1: not within 5 s). */
static double ms_until_closed(int fd)
{
    double start = dc_now_ms();
    char byte;
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 5000) != 1) return -1;
    ssize_t n = recv(fd, &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET) ? dc_now_ms() - start : -1;
}

/* A kept-alive connection: one request answered on it. */
static int kept_alive(void)
{
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    int fd = dc_raw_connect(srv.port);
    answer a;
    assert_true(dc_raw_send_all(fd, req, sizeof req - 1));
    assert_true(read_answer(fd, &a));
    assert_int_equal(a.status, 200);
    return fd;
}

static bool connect_refused(int port)
{
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    int error = errno;
    close(fd);
    return rc != 0 && error == ECONNREFUSED;
}

/* Wait for the server to exit; its status, and how long it took. */
static int wait_exit(double *ms)
{
    double start = dc_now_ms();
    int status = dc_server_stop(&srv); /* a second SIGTERM changes nothing */
    *ms = dc_now_ms() - start;
    return status;
}

static void test_drain_answers_closes_and_refuses(void **state)
{
    (void)state;
    const char *args[] = {"--index", sample_index, NULL};
    assert_true(dc_server_start(&srv, diachi, args));
    int lookup = kept_alive(), ready = kept_alive(), idle = kept_alive();
    /* Requests begun: their request lines are in before the drain. */
    static const char lookup_head[] =
        "GET /v1/codes/32105927CJ93 HTTP/1.1\r\nHost: x\r\n",
                      ready_head[] = "GET /readyz HTTP/1.1\r\nHost: x\r\n";
    assert_true(dc_raw_send_all(lookup, lookup_head, sizeof lookup_head - 1));
    assert_true(dc_raw_send_all(ready, ready_head, sizeof ready_head - 1));
    usleep(100000);

    double start = dc_now_ms();
    dc_server_signal(&srv, SIGTERM);
    assert_true(dc_server_wait_log(&srv, "draining", 1));
    usleep(50000);
    assert_true(connect_refused(srv.port));

    answer a;
    assert_true(dc_raw_send_all(lookup, "\r\n", 2));
    assert_true(read_answer(lookup, &a));
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.body, "DBP-005602"));
    assert_true(has_header(&a, "\r\nConnection: close"));
    assert_true(has_header(&a, "\r\nX-Diachi-Index: "));
    assert_true(ms_until_closed(lookup) >= 0);

    assert_true(dc_raw_send_all(ready, "\r\n", 2));
    assert_true(read_answer(ready, &a));
    assert_int_equal(a.status, 503);
    assert_non_null(strstr(a.body, "\"not_ready\""));
    assert_non_null(strstr(a.body, "\"fingerprint\""));
    assert_true(has_header(&a, "\r\nConnection: close"));
    assert_true(ms_until_closed(ready) >= 0);

    /* The idle one is ended after the drain's grace (250 ms), well before
     * its bound (4 s). */
    assert_true(ms_until_closed(idle) >= 0);
    double idle_ms = dc_now_ms() - start;
    double ms;
    assert_int_equal(wait_exit(&ms), 0);
    double total = dc_now_ms() - start;
    printf("drain: the idle connection closed %.0f ms after SIGTERM, the process "
           "exited after %.0f ms\n",
           idle_ms, total);
    assert_true(idle_ms < 2000);
    assert_true(total < 5000);
    close(lookup), close(ready), close(idle);
}

static void test_drain_is_bounded(void **state)
{
    (void)state;
    const char *args[] = {"--index", sample_index, "--drain-timeout", "1", NULL};
    assert_true(dc_server_start(&srv, diachi, args));
    /* Two requests that never end: one on a kept-alive connection, one
     * the first on its connection (held by the front door). */
    int kept = kept_alive(), fresh = dc_raw_connect(srv.port);
    static const char part[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    assert_true(dc_raw_send_all(kept, part, sizeof part - 1));
    assert_true(dc_raw_send_all(fresh, part, sizeof part - 1));
    usleep(100000);
    double ms;
    int status = wait_exit(&ms);
    printf(
        "drain with two requests unfinished, --drain-timeout 1: exit %d after %.0f ms\n",
        status, ms);
    assert_int_equal(status, 0);
    assert_true(ms >= 900 && ms < 5000);
    close(kept), close(fresh);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_http_drain DIACHI SAMPLE_INDEX\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drain_answers_closes_and_refuses),
        cmocka_unit_test(test_drain_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
