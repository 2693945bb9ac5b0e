/*
 * cli_serve.c - diachi serve: the HTTP service in the foreground. The
 * main thread starts the service, then waits for signals: SIGHUP reopens
 * the access log and reloads the index, SIGTERM and SIGINT drain and stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "src/http.h"

/* A drain's bound: within a systemd stop's default 90 s, and the 5 s a
 * replica behind a proxy is given to leave. Requests on a kept-alive
 * connection finish in milliseconds; a large streamed batch to a slow
 * client is what can take longer, and is cut. */
#define DRAIN_S 4

typedef struct serve_args {
    dc_http_config config;
    unsigned drain_s;
    const char *listen;
    const char *access_log;
    char origins[4096]; /* every --cors-origin, joined by commas */
} serve_args;

/* --cors-origin adds to the list (a value may itself be a list). */
static int add_origin(serve_args *a, const char *origins)
{
    size_t len = strlen(a->origins);
    int n = snprintf(a->origins + len, sizeof a->origins - len, "%s%s", len ? "," : "",
                     origins);
    if (n < 0 || (size_t)n >= sizeof a->origins - len) return 0;
    a->config.cors_origin = a->origins;
    return 1;
}

static int parse_count(const char *s, unsigned long long lo, unsigned long long hi,
                       unsigned long long *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+') return 0;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

/* "HOST:PORT", "[IPV6]:PORT" or "PORT" (loopback). */
static int parse_listen(const char *s, char *host, size_t size, uint16_t *port)
{
    const char *colon, *p;
    unsigned long long v;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') return 0;
        snprintf(host, size, "%.*s", (int)(close - s - 1), s + 1);
        p = close + 2;
    } else if ((colon = strrchr(s, ':')) != NULL) {
        snprintf(host, size, "%.*s", (int)(colon - s), s);
        p = colon + 1;
    } else {
        snprintf(host, size, "127.0.0.1");
        p = s;
    }
    if (!host[0] || !parse_count(p, 0, 65535, &v)) return 0;
    *port = (uint16_t)v;
    return 1;
}

/* Returns -1 to go on, or the exit code. */
static int parse_serve_args(const command *cmd, int argc, char **argv, serve_args *a)
{
    const char *threads = NULL, *max_batch = NULL, *max_body = NULL, *timeout = NULL,
               *max_conn = NULL, *per_ip = NULL, *request_timeout = NULL,
               *batch_results = NULL, *batch_bytes = NULL, *rate = NULL, *records = NULL,
               *drain = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cmd->help, stdout);
            return EXIT_OK;
        }
        if (strcmp(arg, "--allow-shrink") == 0) {
            a->config.allow_shrink = true;
            continue;
        }
        if (strcmp(arg, "--no-ui") == 0) {
            a->config.no_ui = true;
            continue;
        }
        if (strcmp(arg, "--rate-limit-loopback") == 0) {
            a->config.rate_limit_loopback = true;
            continue;
        }
        const char *origin = NULL;
        int cors = take_option(argc, argv, &i, "--cors-origin", &origin);
        if (cors > 0 && !add_origin(a, origin))
            return usage_error("serve", "%s", "--cors-origin: too many origins");
        if (cors > 0) continue;
        const struct {
            const char *name;
            const char **slot;
        } valued[] = {
            {"--index", &a->config.index_path},
            {"--listen", &a->listen},
            {"--threads", &threads},
            {"--cors-origin", &origin}, /* only when it lacks a value */
            {"--max-batch", &max_batch},
            {"--max-body", &max_body},
            {"--max-batch-results", &batch_results},
            {"--max-batch-bytes", &batch_bytes},
            {"--rate-limit", &rate},
            {"--record-limit", &records},
            {"--timeout", &timeout},
            {"--request-timeout", &request_timeout},
            {"--drain-timeout", &drain},
            {"--max-connections", &max_conn},
            {"--per-ip-connections", &per_ip},
            {"--access-log", &a->access_log},
            {"--web", &a->config.web_dir},
            {"--tiles", &a->config.tiles},
        };
        int taken = 0;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !taken; k++)
            taken = take_option(argc, argv, &i, valued[k].name, valued[k].slot);
        if (taken < 0) return usage_error("serve", "%s needs a value", arg);
        if (!taken) return usage_error("serve", "unknown option or argument %s", arg);
    }
    if (!a->config.index_path) a->config.index_path = getenv("DIACHI_INDEX");
    if (!a->config.index_path || !a->config.index_path[0])
        return usage_error("serve", "%s",
                           "no index: give --index PATH or set DIACHI_INDEX");
    static char host[128];
    if (!parse_listen(a->listen ? a->listen : "127.0.0.1:8080", host, sizeof host,
                      &a->config.port))
        return usage_error("serve", "--listen %s is not HOST:PORT", a->listen);
    a->config.host = host;
    /* "off" (or 0) turns a rate limit off. */
    if (rate && (strcmp(rate, "off") == 0 || strcmp(rate, "0") == 0)) {
        a->config.rate_limit = DC_HTTP_NO_LIMIT;
        rate = NULL;
    }
    if (records && (strcmp(records, "off") == 0 || strcmp(records, "0") == 0)) {
        a->config.record_limit = DC_HTTP_NO_LIMIT;
        records = NULL;
    }
    const struct {
        const char *text, *name;
        unsigned long long lo, hi;
        void *out;
        int wide;
    } counts[] = {
        {threads, "--threads", 1, 256, &a->config.threads, 0},
        {max_batch, "--max-batch", 1, 10000000, &a->config.max_batch, 1},
        {max_body, "--max-body", 1024, (unsigned long long)1 << 34, &a->config.max_body,
         1},
        {batch_results, "--max-batch-results", 1, 100000000, &a->config.max_batch_results,
         1},
        {batch_bytes, "--max-batch-bytes", 1024, (unsigned long long)1 << 34,
         &a->config.max_batch_bytes, 1},
        {rate, "--rate-limit", 1, 100000000, &a->config.rate_limit, 0},
        {records, "--record-limit", 1, 1000000000, &a->config.record_limit, 0},
        {timeout, "--timeout", 1, 86400, &a->config.timeout_s, 0},
        {request_timeout, "--request-timeout", 1, 3600, &a->config.request_timeout_s, 0},
        {drain, "--drain-timeout", 1, 3600, &a->drain_s, 0},
        {max_conn, "--max-connections", 1, 1000000, &a->config.max_connections, 0},
        {per_ip, "--per-ip-connections", 1, 1000000, &a->config.per_ip_connections, 0},
    };
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        unsigned long long n;
        if (!counts[k].text) continue;
        if (!parse_count(counts[k].text, counts[k].lo, counts[k].hi, &n)) {
            fprintf(stderr, "diachi serve: %s %s is not a whole number in %llu..%llu\n",
                    counts[k].name, counts[k].text, counts[k].lo, counts[k].hi);
            return EXIT_USAGE;
        }
        if (counts[k].wide)
            *(size_t *)counts[k].out = (size_t)n;
        else
            *(unsigned *)counts[k].out = (unsigned)n;
    }
    return -1;
}

/* The access log's descriptor: -1 for none, stdout for "-", else the file
 * opened for appending (so that logrotate's rename plus SIGHUP works). */
static int open_access_log(const char *path)
{
    if (!path) return -1;
    if (strcmp(path, "-") == 0) return STDOUT_FILENO;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        fprintf(stderr, "diachi serve: access log %s: %s\n", path, strerror(errno));
    return fd;
}

static void reload(dc_http *srv, serve_args *a)
{
    if (a->access_log && strcmp(a->access_log, "-") != 0) {
        int fd = open_access_log(a->access_log);
        if (fd >= 0) {
            int old = a->config.access_log_fd;
            dc_http_set_access_log(srv, fd);
            a->config.access_log_fd = fd;
            if (old >= 0) close(old);
        }
    }
    dc_error err = {0};
    char fp[DC_FINGERPRINT_HEX_SIZE];
    if (dc_http_reload(srv, &err) != DC_OK) {
        dc_http_fingerprint(srv, fp);
        fprintf(stderr, "diachi serve: reload failed, still serving index %.16s: %s\n",
                fp, err.message);
        return;
    }
    dc_http_fingerprint(srv, fp);
    fprintf(stderr, "diachi serve: reloaded %s: index %.16s\n", a->config.index_path, fp);
}

int cmd_serve(const command *cmd, int argc, char **argv)
{
    serve_args a = {0};
    a.config.access_log_fd = -1;
    a.drain_s = DRAIN_S;
    int rc = parse_serve_args(cmd, argc, argv, &a);
    if (rc >= 0) return rc;
    if (a.access_log && (a.config.access_log_fd = open_access_log(a.access_log)) < 0)
        return EXIT_USAGE;

    /* Every thread the service starts inherits this mask: the signals are
     * taken here, by sigwait, and nowhere else. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    dc_http *srv;
    dc_error err = {0};
    dc_err e = dc_http_start(&a.config, &srv, &err);
    if (e != DC_OK) {
        fprintf(stderr, "diachi serve: %s\n", err.message);
        return e == DC_E_INVALID_ARG ? EXIT_USAGE : EXIT_DATA;
    }
    char fp[DC_FINGERPRINT_HEX_SIZE];
    dc_http_fingerprint(srv, fp);
    const char *host = a.config.host;
    int v6 = strchr(host, ':') != NULL;
    fprintf(stderr, "diachi serve: listening on http://%s%s%s:%u/ (index %.16s, %s)\n",
            v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)dc_http_port(srv), fp,
            a.config.index_path);
    for (;;) {
        int sig;
        if (sigwait(&set, &sig) != 0) continue;
        if (sig == SIGHUP) {
            reload(srv, &a);
            continue;
        }
        fprintf(stderr, "diachi serve: %s: draining requests in flight, then stopping\n",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    dc_http_stop(srv, a.drain_s * 1000);
    if (a.config.access_log_fd > STDERR_FILENO) close(a.config.access_log_fd);
    fprintf(stderr, "diachi serve: stopped\n");
    return EXIT_OK;
}
