/*
 * bench_http_ceiling.c - the ceiling for the HTTP benchmark: a bare
 * libmicrohttpd server with the same threading and options as `diachi
 * serve`, answering every request with a fixed JSON body (300 bytes, or
 * BYTES) and no work at all. scripts/bench-http.sh runs it beside the real
 * server, and once more with a body as long as the server's answers: what
 * the answers' bytes alone cost, before any lookup.
 *
 * The same: a pool of THREADS threads on epoll, each polling its own
 * connections, the same connection timeout and per-connection memory
 * (libmicrohttpd zeroes the used part of it after each request, so a
 * larger one costs it time: 64 KB here made the ceiling slower than the
 * server it measures). Not the same, and counted as the server's cost:
 * its front door (only a connection's first request: none here, the
 * connections are kept alive), its per-request callbacks (request line,
 * completion, connection events), strict parsing, and its answers'
 * headers and bodies.
 *
 * Usage: bench_http_ceiling PORT [THREADS [BYTES]]   (stops on SIGINT or SIGTERM)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

/* The body's length: from the length of {"pad":""} to 1 MiB. */
#define BODY_MIN 10
#define BODY_MAX (1u << 20)

static char *body;
static size_t body_len = 300;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version,
                              const char *upload_data, size_t *upload_data_size,
                              void **con_cls)
{
    static int first;
    (void)cls, (void)url, (void)method, (void)version, (void)upload_data;
    /* Answer on the second call, as diachi serve does: keep-alive holds. */
    if (!*con_cls) {
        *con_cls = &first;
        return MHD_YES;
    }
    *upload_data_size = 0;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_http_ceiling PORT [THREADS [BYTES]]\n");
        return 2;
    }
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    if (argc > 3) {
        char *end;
        unsigned long n = strtoul(argv[3], &end, 10);
        if (*argv[3] < '0' || *argv[3] > '9' || *end || n < BODY_MIN || n > BODY_MAX) {
            fprintf(stderr, "bench_http_ceiling: BYTES '%s' is not a length from %d to %u\n",
                    argv[3], BODY_MIN, BODY_MAX);
            return 2;
        }
        body_len = n;
    }
    /* body_len bytes of valid JSON: {"pad":"xxx...x"} */
    body = malloc(body_len);
    if (!body) return 1;
    memset(body, 'x', body_len);
    memcpy(body, "{\"pad\":\"", 8);
    memcpy(body + body_len - 2, "\"}", 2);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC,
        (uint16_t)atoi(argv[1]), NULL, NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE,
        threads, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 1024u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench_http_ceiling: cannot listen on port %s\n", argv[1]);
        return 1;
    }
    fprintf(stderr, "bench_http_ceiling: listening on port %s\n", argv[1]);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    free(body);
    return 0;
}
