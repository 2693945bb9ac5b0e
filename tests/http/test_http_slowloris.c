/*
 * test_http_slowloris.c - hundreds of connections from other loopback
 * addresses trickle a request one byte a second (each byte resets an idle
 * timeout), reconnecting when ended, past the connection cap: a normal
 * client must still get every answer, and quickly. Prints its p99 during
 * the attack beside its p99 alone.
 *
 * Usage: test_http_slowloris DIACHI SAMPLE_INDEX
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_support.h"

#define ATTACKERS 300  /* trickling connections, from 6 addresses */
#define ADDRESSES 6    /* 127.0.0.2 .. 127.0.0.7 */
#define ATTACK_MS 7000 /* how long the attack lasts */
#define CAP "200"      /* --max-connections */
#define DEADLINE "2"   /* --request-timeout */

static const char *diachi, *sample_index;
static dc_server srv;
static int port;
static atomic_int attack_on;
static double alone; /* the normal client's p99 with no attack, ms */

static int connect_from(int address)
{
    struct sockaddr_in a = {0}, src = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)address);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* @p n requests on fresh connections; their p99 in ms (*failed: not 200). */
static double normal_client(int n, int *failed)
{
    double *ms = calloc((size_t)n, sizeof *ms);
    *failed = 0;
    for (int i = 0; i < n; i++) {
        CURL *curl = curl_easy_init();
        dc_reply r;
        double t0 = dc_now_ms();
        bool ok =
            dc_request(curl, port, NULL, "/v1/codes/32105927CJ93", NULL, NULL, 0, &r);
        ms[i] = dc_now_ms() - t0;
        if (!ok || r.status != 200) (*failed)++;
        dc_reply_free(&r);
        curl_easy_cleanup(curl);
    }
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    double p99 = ms[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    free(ms);
    return p99;
}

typedef struct attack_stats {
    int opened, ended, refused;
} attack_stats;

/* Trickle "GET /healthz HTTP/1.1\r\nX-a: aaaa..." one byte per connection
 * per second; reconnect a connection the server ends. */
static void *attack(void *arg)
{
    attack_stats *st = arg;
    static const char head[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    int fds[ATTACKERS];
    size_t sent[ATTACKERS];
    for (int i = 0; i < ATTACKERS; i++) {
        fds[i] = connect_from(2 + i % ADDRESSES);
        sent[i] = 0;
        if (fds[i] >= 0) st->opened++;
    }
    while (atomic_load(&attack_on)) {
        for (int i = 0; i < ATTACKERS; i++) {
            char byte = sent[i] < sizeof head - 1 ? head[sent[i]] : 'a';
            if (fds[i] >= 0 && send(fds[i], &byte, 1, MSG_NOSIGNAL) == 1) {
                sent[i]++;
                continue;
            }
            if (fds[i] >= 0) {
                close(fds[i]);
                st->ended++;
            }
            fds[i] = connect_from(2 + i % ADDRESSES);
            sent[i] = 0;
            if (fds[i] >= 0)
                st->opened++;
            else
                st->refused++;
        }
        sleep_ms(1000);
    }
    for (int i = 0; i < ATTACKERS; i++)
        if (fds[i] >= 0) close(fds[i]);
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    const char *args[] = {"--index", sample_index,        "--max-connections",
                          CAP,       "--request-timeout", DEADLINE,
                          NULL};
    if (!dc_server_start(&srv, diachi, args)) return -1;
    port = srv.port;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dc_server_stop(&srv); /* already stopped unless a test failed first */
    return 0;
}

static void test_normal_client_alone(void **state)
{
    (void)state;
    int failed_alone;
    alone = normal_client(200, &failed_alone);
    if (!(failed_alone == 0))
        print_error("%d requests failed with no attack\n", failed_alone);
    assert_int_equal(failed_alone, 0);
}

static void test_normal_client_during_attack(void **state)
{
    (void)state;
    int failed_attack = 0, requests = 0;
    attack_stats st = {0};
    pthread_t t;
    atomic_store(&attack_on, 1);
    pthread_create(&t, NULL, attack, &st);
    sleep_ms(500); /* the attack's connections are open */
    double t0 = dc_now_ms(), worst_p99 = 0;
    while (dc_now_ms() - t0 < ATTACK_MS - 500) {
        int failed;
        double p99 = normal_client(50, &failed);
        failed_attack += failed;
        requests += 50;
        worst_p99 = p99 > worst_p99 ? p99 : worst_p99;
    }
    atomic_store(&attack_on, 0);
    pthread_join(t, NULL);

    printf("%d trickling connections from %d addresses (cap " CAP ", deadline " DEADLINE
           " s): %d opened, %d ended by the server, %d refused\n",
           ATTACKERS, ADDRESSES, st.opened, st.ended, st.refused);
    printf("normal client: p99 %.2f ms alone, %.2f ms during the attack (worst of %d "
           "rounds of 50; %d failed)\n",
           alone, worst_p99, requests / 50, failed_attack);
    if (!(failed_attack == 0))
        print_error("%d of %d requests failed during the attack\n", failed_attack,
                    requests);
    assert_int_equal(failed_attack, 0);
    if (!(worst_p99 < 250)) print_error("p99 %.1f ms during the attack\n", worst_p99);
    assert_true(worst_p99 < 250);
    if (!(st.ended > 0)) print_error("the server ended no trickling connection\n");
    assert_true(st.ended > 0);
}

static void test_server_exits_cleanly(void **state)
{
    (void)state;
    dc_assert_stops_cleanly(&srv);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_http_slowloris DIACHI SAMPLE_INDEX\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_client_alone),
        cmocka_unit_test(test_normal_client_during_attack),
        cmocka_unit_test(dc_test_replies_as_documented),
        cmocka_unit_test(test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
