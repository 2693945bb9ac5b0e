/*
 * test_http_stream.c - a JSON batch's answer is streamed: a 50 MB answer
 * comes out byte for byte as the items' answers one by one would make it
 * (each taken from a batch of that item alone), while the server's peak
 * memory grows by a small fraction of it; and clients that stop reading
 * in the middle of such answers hold no more than a slice each, while
 * another client is answered at once.
 *
 * Usage: test_http_stream DIACHI SAMPLE_INDEX
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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_support.h"

/* The answer asked for, and how far past it the server's memory may grow
 * (the items and their parsed tree, a few slices, the allocator's slack). */
#define ANSWER_BYTES (50u << 20)
#if defined(__SANITIZE_ADDRESS__)
/* AddressSanitizer holds freed blocks in quarantine (up to 256 MB), so the
 * slices freed as they are sent still count: a looser bound, still a
 * quarter of what the answers held before they were streamed (+208 MB). */
#define MEMORY_BOUND_KB (64 * 1024)
#else
#define MEMORY_BOUND_KB (12 * 1024)
#endif
#define STALLED_CLIENTS 4

static const char *diachi, *sample_index;
static dc_server server;
static CURL *curl;

/* The items the big batch cycles through: points asking for many
 * households (most of the bytes), a code, a malformed code, a point in no
 * zone, a code given as an object, a point with lng. */
static const char *const items[] = {
    "{\"lat\": 21.3640201, \"lon\": 103.0209141, \"radius\": 1000, \"limit\": 100}",
    "\"32105927CJ93\"",
    "{\"lat\": 21.3862, \"lng\": 103.0179, \"radius\": 600, \"limit\": 60}",
    "\"not a code\"",
    "{\"lat\": 10.5, \"lon\": 100.25}",
    "{\"code\": \"32101 92P9+G54\"}",
};
#define NITEMS (sizeof items / sizeof items[0])

static char *answers[NITEMS]; /* each item's answer in a batch of its own */
static size_t answer_len[NITEMS];
static char prefix[160]; /* {"fingerprint":..., */
static char head[256];   /* {"fingerprint":...,"count":N,"results":[ */
static size_t nbig;      /* items in the big batch */
static char *big_body;   /* the big batch's request */

/* The server's VmHWM or RssAnon, kB, or -1. */
static long server_kb(const char *field)
{
    char path[64], line[256];
    long kb = -1;
    size_t n = strlen(field);
    snprintf(path, sizeof path, "/proc/%d/status", (int)server.pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            kb = strtol(line + n + 1, NULL, 10);
    if (f) fclose(f);
    return kb;
}

/* POST a batch of @p body and keep the answer (small answers only). */
static void post_small(const char *body, dc_reply *r)
{
    const char *headers[] = {"Content-Type: application/json", NULL};
    assert_true(dc_request(curl, server.port, "POST", "/v1/batch", headers, body,
                           strlen(body), r));
}

/* The answer of item @p i alone: what lies between "results":[ and ]}. */
static void take_answer(size_t i)
{
    char body[256];
    dc_reply r;
    snprintf(body, sizeof body, "[%s]", items[i]);
    post_small(body, &r);
    assert_int_equal(r.status, 200);
    const char *start = strstr(r.body, "\"results\":[");
    assert_non_null(start);
    start += strlen("\"results\":[");
    assert_true(r.len >= 2 && memcmp(r.body + r.len - 2, "]}", 2) == 0);
    answer_len[i] = (size_t)(r.body + r.len - 2 - start);
    answers[i] = malloc(answer_len[i]);
    assert_non_null(answers[i]);
    memcpy(answers[i], start, answer_len[i]);
    /* The members before the count. */
    const char *count = strstr(r.body, "\"count\":1,");
    assert_non_null(count);
    snprintf(prefix, sizeof prefix, "%.*s", (int)(count - r.body), r.body);
    dc_reply_free(&r);
}

/* The big batch: items cycled until their answers make ANSWER_BYTES. */
static void make_big_batch(void)
{
    size_t cycle = 0, len = 0;
    for (size_t i = 0; i < NITEMS; i++)
        cycle += answer_len[i] + 1;
    nbig = (ANSWER_BYTES / cycle + 1) * NITEMS;
    big_body = malloc(nbig * 96 + 3);
    assert_non_null(big_body);
    big_body[len++] = '[';
    for (size_t i = 0; i < nbig; i++)
        len += (size_t)sprintf(big_body + len, "%s%s", i ? "," : "", items[i % NITEMS]);
    big_body[len++] = ']';
    big_body[len] = '\0';
}

static int setup(void **state)
{
    (void)state;
    const char *args[] = {"--index",  sample_index,        "--max-batch-results",
                          "10000000", "--max-batch-bytes", "200000000",
                          NULL};
    if (!dc_server_start(&server, diachi, args)) return -1;
    curl = curl_easy_init();
    if (!curl) return -1;
    for (size_t i = 0; i < NITEMS; i++)
        take_answer(i);
    make_big_batch();
    snprintf(head, sizeof head, "%s\"count\":%zu,\"results\":[", prefix, nbig);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NITEMS; i++)
        free(answers[i]);
    free(big_body);
    if (curl) curl_easy_cleanup(curl);
    return dc_server_stop(&server) == 0 ? 0 : -1;
}

/* ---- the expected answer, produced as it is compared --------------------- */

typedef struct expected {
    size_t piece;  /* 0 the head, 1..nbig the items, nbig + 1 the end */
    size_t offset; /* into the piece */
    size_t received;
    size_t mismatch; /* the first byte that differs, or SIZE_MAX */
} expected;

/* The bytes of piece @p k: the head, an item's answer (after a comma but
 * for the first), or the closing brackets. */
static const char *piece(size_t k, size_t *len, bool *comma)
{
    *comma = k > 1 && k <= nbig;
    if (k == 0) return *len = strlen(head), head;
    if (k <= nbig) return *len = answer_len[(k - 1) % NITEMS], answers[(k - 1) % NITEMS];
    *len = 2;
    return "]}";
}

static void expected_take(expected *e, const char *data, size_t n)
{
    for (size_t i = 0; i < n && e->mismatch == SIZE_MAX; i++) {
        size_t len;
        bool comma;
        const char *p = NULL;
        while (e->piece <= nbig + 1) {
            p = piece(e->piece, &len, &comma);
            if (e->offset < len + comma) break;
            e->piece++, e->offset = 0;
        }
        char want = e->piece > nbig + 1       ? 0
                    : comma && e->offset == 0 ? ','
                                              : p[e->offset - comma];
        if (e->piece > nbig + 1 || data[i] != want) e->mismatch = e->received + i;
        e->offset++;
    }
    e->received += n;
}

static bool expected_done(const expected *e)
{
    size_t len;
    bool comma;
    piece(nbig + 1, &len, &comma);
    return e->mismatch == SIZE_MAX && e->piece == nbig + 1 && e->offset == len;
}

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
    expected_take(cls, data, size * n);
    return size * n;
}

/* ---- the tests -------------------------------------------------------------- */

static void test_big_answer_is_streamed(void **state)
{
    (void)state;
    expected e = {0, 0, 0, SIZE_MAX};
    long before = server_kb("VmHWM");
    CURL *h = curl_easy_init();
    assert_non_null(h);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/batch", server.port);
    struct curl_slist *headers =
        curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, big_body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &e);
    double t0 = dc_now_ms();
    CURLcode rc = curl_easy_perform(h);
    double ms = dc_now_ms() - t0;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    long after = server_kb("VmHWM");
    printf("a batch of %zu items, %zu bytes answered in %.0f ms: server peak RSS %ld kB "
           "before, %ld kB after (+%ld kB)\n",
           nbig, e.received, ms, before, after, after - before);
    assert_int_equal(rc, CURLE_OK);
    assert_int_equal(status, 200);
    assert_true(e.received >= ANSWER_BYTES);
    if (e.mismatch != SIZE_MAX) fail_msg("the answers differ at byte %zu", e.mismatch);
    assert_true(expected_done(&e));
    assert_true(before > 0 && after - before < MEMORY_BOUND_KB);
}

/* A client that sends the big batch, reads @p keep bytes of the answer,
 * then reads no more (its socket's receive buffer kept small). */
static int stalled_client(size_t keep)
{
    int fd = dc_raw_connect(server.port);
    if (fd < 0) return -1;
    int small = 16 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    char request[256];
    int n = snprintf(request, sizeof request,
                     "POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     strlen(big_body));
    if (!dc_raw_send_all(fd, request, (size_t)n) ||
        !dc_raw_send_all(fd, big_body, strlen(big_body))) {
        close(fd);
        return -1;
    }
    char buf[16384];
    size_t got = 0;
    struct pollfd p = {fd, POLLIN, 0};
    while (got < keep && poll(&p, 1, 20000) == 1) {
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k <= 0) break;
        got += (size_t)k;
    }
    return got >= keep ? fd : (close(fd), -1);
}

static void test_stalled_clients_hold_a_slice(void **state)
{
    (void)state;
    int fds[STALLED_CLIENTS];
    long before = server_kb("RssAnon");
    for (int i = 0; i < STALLED_CLIENTS; i++) {
        fds[i] = stalled_client(256 * 1024);
        assert_true(fds[i] >= 0);
    }
    /* Let the server fill what the sockets take, then stall. */
    nanosleep(&(struct timespec){0, 500000000}, NULL);
    long during = server_kb("RssAnon");
    /* Another client is answered meanwhile. */
    dc_reply r;
    double t0 = dc_now_ms();
    post_small("[\"32105927CJ93\"]", &r);
    double ms = dc_now_ms() - t0;
    assert_int_equal(r.status, 200);
    dc_reply_free(&r);
    printf("%d clients stalled in 50 MB answers: server RssAnon %ld kB before, %ld kB "
           "during (+%ld kB); another batch answered in %.1f ms\n",
           STALLED_CLIENTS, before, during, during - before, ms);
    for (int i = 0; i < STALLED_CLIENTS; i++)
        close(fds[i]);
    assert_true(before > 0 && during - before < MEMORY_BOUND_KB);
    assert_true(ms < 2000);
    /* The server lets the stalled answers go and goes on answering. */
    post_small("[\"32105927CJ93\"]", &r);
    assert_int_equal(r.status, 200);
    dc_reply_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s DIACHI SAMPLE_INDEX\n", argv[0]);
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_big_answer_is_streamed),
        cmocka_unit_test(test_stalled_clients_hold_a_slice),
        cmocka_unit_test(dc_test_replies_as_documented),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return failed;
}
