/*
 * test_http_idle.c - 200 idle connections held open (half of them having
 * sent part of a request) must not keep a fresh client from its answers:
 * each of its requests is answered within 100 ms.
 *
 * Usage: test_http_idle DIACHI SAMPLE_INDEX
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
#include <unistd.h>

#include "http_support.h"

#define IDLE 200
#define FRESH_REQUESTS 50
#define LIMIT_MS 100.0

static const char *diachi, *sample_index;
static dc_server srv;
static int fds[IDLE], open_fds;

static int setup(void **state)
{
    (void)state;
    const char *args[] = {"--index", sample_index, NULL};
    return dc_server_start(&srv, diachi, args) ? 0 : -1;
}

static void close_idle(void)
{
    for (int i = 0; i < open_fds; i++)
        close(fds[i]);
    open_fds = 0;
}

static int teardown(void **state)
{
    (void)state;
    close_idle();
    dc_server_stop(&srv); /* already stopped unless a test failed first */
    return 0;
}

static void test_idle_connections_open(void **state)
{
    (void)state;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)srv.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < IDLE; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&a, sizeof a) != 0)
            fail_msg("idle connection %d could not connect", i);
        open_fds++;
        if (i % 2) {
            static const char part[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
            ssize_t sent = send(fds[i], part, sizeof part - 1, MSG_NOSIGNAL);
            if (!(sent > 0)) print_error("send %d\n", i);
            assert_true(sent > 0);
        }
    }
}

static void test_fresh_client_answered_within_limit(void **state)
{
    (void)state;
    double worst = 0, total = 0;
    for (int i = 0; i < FRESH_REQUESTS; i++) {
        dc_reply r;
        /* A new client, and connection, each time. */
        CURL *curl = curl_easy_init();
        double t0 = dc_now_ms();
        bool ok =
            dc_request(curl, srv.port, NULL, "/v1/codes/32105927CJ93", NULL, NULL, 0, &r);
        double ms = dc_now_ms() - t0;
        if (!(ok && r.status == 200))
            print_error("request %d: %s %ld\n", i,
                        ok ? "status" : curl_easy_strerror(r.error), r.status);
        assert_true(ok);
        assert_int_equal(r.status, 200);
        if (!(ms < LIMIT_MS)) print_error("request %d took %.1f ms\n", i, ms);
        assert_true(ms < LIMIT_MS);
        worst = ms > worst ? ms : worst;
        total += ms;
        dc_reply_free(&r);
        curl_easy_cleanup(curl);
    }
    printf("%d idle connections open; %d fresh requests: mean %.2f ms, worst %.2f ms\n",
           open_fds, FRESH_REQUESTS, total / FRESH_REQUESTS, worst);
}

static void test_server_counts_idle_connections(void **state)
{
    (void)state;
    CURL *curl = curl_easy_init();
    dc_reply r;
    bool ok = dc_request(curl, srv.port, NULL, "/metrics", NULL, NULL, 0, &r);
    const char *open = ok ? strstr(r.body, "\ndiachi_connections_open ") : NULL;
    if (!(ok && open && atoi(open + 25) >= IDLE))
        print_error("the server counts the idle connections\n");
    assert_true(ok);
    assert_non_null(open);
    assert_true(atoi(open + 25) >= IDLE);
    dc_reply_free(&r);
    close_idle();
    curl_easy_cleanup(curl);
}

static void test_server_exits_cleanly(void **state)
{
    (void)state;
    dc_assert_stops_cleanly(&srv);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_http_idle DIACHI SAMPLE_INDEX\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_connections_open),
        cmocka_unit_test(test_fresh_client_answered_within_limit),
        cmocka_unit_test(test_server_counts_idle_connections),
        cmocka_unit_test(dc_test_replies_as_documented),
        cmocka_unit_test(test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
