/*
 * test_http_idle.c - 200 idle connections held open (half of them having
 * sent part of a request) must not keep a fresh client from its answers:
 * each of its requests is answered within 100 ms.
 *
 * Usage: test_http_idle DIACHI SAMPLE_INDEX
 */
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

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_http_idle DIACHI SAMPLE_INDEX\n");
        return 2;
    }
    const char *args[] = {"--index", argv[2], NULL};
    dc_server srv;
    if (!dc_server_start(&srv, argv[1], args)) return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);

    int fds[IDLE], open_fds = 0;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)srv.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < IDLE; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&a, sizeof a) != 0) {
            CHECK(0, "idle connection %d could not connect", i);
            break;
        }
        open_fds++;
        if (i % 2) {
            static const char part[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
            CHECK(send(fds[i], part, sizeof part - 1, MSG_NOSIGNAL) > 0, "send %d", i);
        }
    }

    double worst = 0, total = 0;
    for (int i = 0; i < FRESH_REQUESTS; i++) {
        dc_reply r;
        /* A new client, and connection, each time. */
        CURL *curl = curl_easy_init();
        double t0 = dc_now_ms();
        bool ok =
            dc_request(curl, srv.port, NULL, "/v1/codes/32105927CJ93", NULL, NULL, 0, &r);
        double ms = dc_now_ms() - t0;
        CHECK(ok && r.status == 200, "request %d: %s %ld", i,
              ok ? "status" : curl_easy_strerror(r.error), r.status);
        CHECK(ms < LIMIT_MS, "request %d took %.1f ms", i, ms);
        worst = ms > worst ? ms : worst;
        total += ms;
        dc_reply_free(&r);
        curl_easy_cleanup(curl);
    }
    printf("%d idle connections open; %d fresh requests: mean %.2f ms, worst %.2f ms\n",
           open_fds, FRESH_REQUESTS, total / FRESH_REQUESTS, worst);

    CURL *curl = curl_easy_init();
    dc_reply r;
    CHECK(dc_request(curl, srv.port, NULL, "/metrics", NULL, NULL, 0, &r) &&
              strstr(r.body, "\ndiachi_connections_open ") &&
              atoi(strstr(r.body, "\ndiachi_connections_open ") + 25) >= IDLE,
          "the server counts the idle connections");
    dc_reply_free(&r);
    for (int i = 0; i < open_fds; i++)
        close(fds[i]);
    curl_easy_cleanup(curl);
    CHECK(dc_server_stop(&srv) == 0, "exit status");
    curl_global_cleanup();
    printf("%d failed checks\n", dc_check_failures);
    return dc_check_failures ? 1 : 0;
}
