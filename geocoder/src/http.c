/*
 * http.c - the HTTP service's life: the daemon, each request's life from
 * the first call to the completion callback, the index generations that
 * make a reload safe, the headers every answer carries, the access log and
 * the metrics. The endpoints are in http_routes.c.
 *
 * libmicrohttpd calls the handler at least twice per request. A request is
 * answered on a later call, never the first: answering on the first call
 * makes libmicrohttpd 0.9.75 close every connection after its response,
 * which costs keep-alive clients about five times their throughput.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_front.h"
#include "http_internal.h"
#include "http_metrics.h"
#include "http_reply.h"
#include "http_routes.h"

/* Requests whose URL is longer than this get 414: a code or a point fits
 * in a few dozen bytes. */
#define MAX_URL 4096
/* libmicrohttpd's per-connection memory: the request line and headers
 * (about half of it, so headers up to about 8 KB, as nginx's default) and
 * the buffers. libmicrohttpd 0.9.75 zeroes the used part of it after each
 * request: at 64 KB that memset was a fifth of the server's time (perf,
 * forward lookups on the 1M index), at 16 KB a twentieth. */
#define CONNECTION_MEMORY (16 * 1024)
/* Requests libmicrohttpd cannot parse itself (a malformed request line,
 * headers past its buffer: 431, a URL past it: 414, an HTTP version it
 * does not speak: 505, broken chunked framing: 400) are answered by
 * libmicrohttpd 0.9.75 with its compiled-in HTML bodies, before any of our
 * callbacks, with no option to replace them. The front door
 * (http_front.c) owns the listening socket and answers those of a
 * connection's first request head with our JSON errors; later requests on
 * a kept-alive connection, and bodies, remain libmicrohttpd's. The head
 * it takes is half the connection's memory: what libmicrohttpd keeps. */
#define HEAD_MAX (CONNECTION_MEMORY / 2)
/* The access log keeps this much of a path (a 10 KB path is an attack,
 * not a lookup). */
#define LOG_PATH 128
/* In a drain, a connection idle between two requests is ended after this
 * long, not at once: a proxy under load sends on each of its kept-alive
 * connections within it and reads the answer's Connection: close, so few
 * are left to end, each with the small chance that a request crosses the
 * end on the wire. */
#define DRAIN_IDLE_GRACE_MS 250

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- CORS ----------------------------------------------------------------- */

/* The origin a request's answer allows: "*" when any is, else the one of
 * the list its Origin header names exactly, else NULL (no CORS header: the
 * browser keeps the answer from the page). */
static const char *cors_origin_for(const dc_http *srv, struct MHD_Connection *c)
{
    if (srv->cors_any) return "*";
    /* One origin: named in every answer, as before lists (a browser on
     * another compares and refuses). */
    if (srv->norigins == 1) return srv->origins[0];
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    for (size_t i = 0; origin && i < srv->norigins; i++)
        if (strcmp(origin, srv->origins[i]) == 0) return srv->origins[i];
    return NULL;
}

/* Split the --cors-origin list (commas, spaces around them ignored). */
static dc_err cors_parse(dc_http *srv, dc_error *err)
{
    if (!srv->config.cors_origin) return DC_OK;
    if (!(srv->origin_list = strdup(srv->config.cors_origin)))
        return dc_error_set(err, DC_E_NOMEM, "out of memory");
    char *save = NULL;
    for (char *o = strtok_r(srv->origin_list, ", \t", &save); o;
         o = strtok_r(NULL, ", \t", &save)) {
        if (srv->norigins == DC_HTTP_MAX_ORIGINS)
            return dc_error_set(err, DC_E_INVALID_ARG, "more than %d CORS origins",
                                DC_HTTP_MAX_ORIGINS);
        srv->origins[srv->norigins++] = o;
        if (strcmp(o, "*") == 0) srv->cors_any = true;
    }
    return DC_OK;
}

/* ---- the request's life ------------------------------------------------- */

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    dc_http *srv = cls;
    dc_request *req = *con_cls;
    (void)toe;
    if (!req) return;
    int64_t ns = now_ns() - req->start_ns;
    if (req->status == 0) req->status = 499; /* the client left before an answer */
    dc_conns_deadline(srv, req->conn, DC_CONN_KEPT_ALIVE);
    dc_http_count(srv, req, ns);
    dc_http_access_log(srv, c, req, ns);
    atomic_fetch_sub_explicit(&srv->metrics.in_flight, 1, memory_order_relaxed);
    free(req->body);
    free(req);
    *con_cls = NULL;
}

static void connection_event(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    dc_http *srv = cls;
    bool opened = code == MHD_CONNECTION_NOTIFY_STARTED;
    atomic_fetch_add_explicit(&srv->metrics.connections, opened ? 1 : -1,
                              memory_order_relaxed);
    if (opened)
        dc_conns_opened(srv, c, socket_context);
    else
        dc_conns_closed(srv, socket_context);
}

/* A NUL or control character in the raw path, given as is or percent-
 * encoded: libmicrohttpd unescapes in place, so the handler's path would
 * stop at an encoded NUL and answer for what comes before it. */
static bool raw_path_has_control(const char *uri)
{
    for (const unsigned char *p = (const unsigned char *)uri; *p && *p != '?'; p++) {
        if (*p < 0x20 || *p == 0x7f) return true;
        if (p[0] != '%' || !p[1] || !p[2]) continue;
        char hex[3] = {(char)p[1], (char)p[2], 0}, *end;
        unsigned long v = strtoul(hex, &end, 16);
        if (*end == '\0' && (v < 0x20 || v == 0x7f)) return true;
    }
    return false;
}

/* Called once the request line is in, before libmicrohttpd unescapes the
 * target: the request's life starts here, with the target as sent. Its
 * return value is the handler's *con_cls. */
static void *request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    dc_http *srv = cls;
    dc_request *req = calloc(1, sizeof *req);
    if (!req) return NULL;
    req->srv = srv;
    req->start_ns = now_ns();
    req->path_control = raw_path_has_control(uri);
    req->conn = dc_conns_of(c);
    dc_conns_deadline(srv, req->conn, DC_CONN_REQUEST);
    atomic_fetch_add_explicit(&srv->metrics.in_flight, 1, memory_order_relaxed);
    return req;
}

/* The path as the access log keeps it: a household's code is a door, as
 * precise as the reverse query the log already leaves out, so only its
 * postcode is kept (/v1/codes/32105...); any path is cut at LOG_PATH. */
static void log_path(char *out, size_t size, const char *url)
{
    static const char codes[] = "/v1/codes/", cut[] = "\xe2\x80\xa6"; /* … */
    size_t keep = strlen(url), max = LOG_PATH;
    if (strncmp(url, codes, sizeof codes - 1) == 0) max = sizeof codes - 1 + 5;
    if (max > size - sizeof cut) max = size - sizeof cut;
    /* Copied, not printed: this runs for every request. */
    size_t n = keep < max ? keep : max;
    memcpy(out, url, n);
    if (keep > max) {
        memcpy(out + n, cut, sizeof cut - 1);
        n += sizeof cut - 1;
    }
    out[n] = '\0';
}

/* The handler's first call: the method and the unescaped path are known. */
static void request_begin(dc_request *req, struct MHD_Connection *c, const char *url,
                          const char *method)
{
    req->begun = true;
    req->allow_origin = cors_origin_for(req->srv, c);
    req->endpoint = dc_http_endpoint_of(url);
    req->post = strcmp(method, MHD_HTTP_METHOD_POST) == 0 ||
                strcmp(method, MHD_HTTP_METHOD_PUT) == 0 ||
                strcmp(method, MHD_HTTP_METHOD_PATCH) == 0;
    size_t m = strnlen(method, sizeof req->method - 1);
    memcpy(req->method, method, m);
    req->method[m] = '\0';
    log_path(req->path, sizeof req->path, url);
}

/* Keep the body; false once it passes max_body (or memory runs out). */
static bool request_take_body(dc_request *req, const char *data, size_t size)
{
    size_t max = req->srv->config.max_body;
    if (req->too_large || req->body_len + size > max) {
        req->too_large = true;
        return false;
    }
    if (req->body_len + size + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap : 4096;
        while (cap < req->body_len + size + 1)
            cap *= 2;
        char *body = realloc(req->body, cap);
        if (!body) {
            req->too_large = true;
            return false;
        }
        req->body = body;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, size);
    req->body_len += size;
    req->body[req->body_len] = '\0';
    return true;
}

/* A declared body longer than max_body is refused before it is read. */
static bool declared_too_large(struct MHD_Connection *c, size_t max)
{
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl) return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    return errno == ERANGE || n > max;
}

/* The framing headers of a request, as libmicrohttpd hands them over. */
typedef struct framing {
    unsigned lengths, encodings;
    const char *length, *encoding;
    bool lengths_differ;
} framing;

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    framing *f = cls;
    (void)kind;
    if (!value) value = "";
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (f->lengths++ && strcmp(value, f->length) != 0) f->lengths_differ = true;
        f->length = value;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->encodings++;
        f->encoding = value;
    }
    return MHD_YES;
}

/* A body whose end two readers could place differently (RFC 9112 6.3): a
 * proxy in front that reads it one way and this server the other is how
 * requests are smuggled. NULL when the framing is unambiguous, else why. */
static const char *ambiguous_framing(struct MHD_Connection *c)
{
    framing f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, framing_header, &f);
    if (f.lengths_differ) return "the request has Content-Length headers that differ";
    if (f.lengths && f.encodings)
        return "the request has both Content-Length and Transfer-Encoding";
    if (f.encodings > 1 || (f.encodings && strcasecmp(f.encoding, "chunked") != 0))
        return "the request's Transfer-Encoding is not just chunked";
    return NULL;
}

/* An error answer before routing, with the serving index's fingerprint. */
static enum MHD_Result refuse(struct MHD_Connection *c, dc_request *req, dc_api_error e,
                              const char *message)
{
    dc_conns_deadline(req->srv, req->conn, DC_CONN_ANSWERING);
    dc_generation *gen = dc_http_acquire(req->srv);
    enum MHD_Result ret = dc_http_send_error(c, req, e, message, gen);
    dc_http_release(gen);
    return ret;
}

/* The request rate, charged before the body is read (health and metrics
 * are not charged: probes and scrapers ask often by design). */
static bool over_rate(struct MHD_Connection *c, dc_request *req, enum MHD_Result *ret)
{
    dc_generation *gen = dc_http_acquire(req->srv);
    bool limited = dc_http_rate_limited(c, req, 1, 0, gen, ret);
    /* Answered: no deadline. Else the body still has the request's. */
    if (limited) dc_conns_deadline(req->srv, req->conn, DC_CONN_ANSWERING);
    dc_http_release(gen);
    return limited;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version,
                              const char *upload_data, size_t *upload_data_size,
                              void **con_cls)
{
    dc_http *srv = cls;
    dc_request *req = *con_cls;
    (void)version;
    if (!req) return MHD_NO; /* out of memory at the request line */
    if (!req->begun) {
        request_begin(req, c, url, method);
        /* Refuse before reading the body: answering on the first call
         * makes libmicrohttpd close the connection after the answer, and
         * that is what is wanted for these. */
        const char *ambiguous = ambiguous_framing(c);
        if (ambiguous) return refuse(c, req, DC_API_BAD_REQUEST, ambiguous);
        enum MHD_Result limited;
        if (req->endpoint != DC_EP_HEALTHZ && req->endpoint != DC_EP_READYZ &&
            req->endpoint != DC_EP_METRICS && over_rate(c, req, &limited))
            return limited;
        if (req->post && declared_too_large(c, srv->config.max_body))
            return refuse(c, req, DC_API_TOO_LARGE,
                          "the request body is larger than the server takes");
        return MHD_YES; /* the body, if any, comes within the deadline */
    }
    if (*upload_data_size) {
        bool kept = request_take_body(req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        /* Past max_body (a chunked body, which declares no length): answer
         * now and close, rather than read what may never end. */
        if (!kept)
            return dc_http_send_error_now(
                c, req, DC_API_TOO_LARGE,
                "the request body is larger than the server takes");
        return MHD_YES;
    }
    if (req->status) return MHD_YES; /* answered already */
    dc_conns_deadline(srv, req->conn, DC_CONN_ANSWERING);
    if (strlen(url) > MAX_URL)
        return refuse(c, req, DC_API_URI_TOO_LONG, "the URL is longer than 4096 bytes");
    return dc_http_route(c, req, url, method);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fprintf(stderr, "diachi serve: ");
    vfprintf(stderr, fmt, ap);
}

/* ---- start, reload, stop ----------------------------------------------- */

static void apply_defaults(dc_http_config *c)
{
    if (!c->host) c->host = "127.0.0.1";
    if (!c->threads) c->threads = 2;
    if (!c->max_batch) c->max_batch = 10000;
    if (!c->max_body) c->max_body = 16u << 20;
    if (!c->timeout_s) c->timeout_s = 30;
    if (!c->max_connections) c->max_connections = 1024;
    if (!c->per_ip_connections) c->per_ip_connections = 256;
    if (!c->request_timeout_s) c->request_timeout_s = 10;
    if (!c->max_batch_results) c->max_batch_results = 100000;
    if (!c->max_batch_bytes) c->max_batch_bytes = (size_t)64 << 20;
    if (!c->rate_limit) c->rate_limit = 6000;
    if (!c->record_limit) c->record_limit = 100000;
}

/* The listening address, IPv4 or IPv6, numeric only (no name lookups). */
static dc_err parse_address(const char *host, uint16_t port, struct sockaddr_storage *ss,
                            dc_error *err)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return DC_OK;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return DC_OK;
    }
    return dc_error_set(err, DC_E_INVALID_ARG,
                        "listen address %s is not a numeric IPv4 or IPv6 address", host);
}

/* What dc_http_start set up, once the daemon and the front door are
 * stopped (or were never started). */
static void server_free(dc_http *srv)
{
    dc_conns_stop(srv);
    dc_limits_free(srv);
    dc_http_release(srv->current);
    pthread_mutex_destroy(&srv->lock);
    free(srv->origin_list);
    free(srv);
}

dc_err dc_http_start(const dc_http_config *config, dc_http **out, dc_error *err)
{
    struct sockaddr_storage ss;
    if (!config || !config->index_path || !out)
        return dc_error_set(err, DC_E_INVALID_ARG, "no index path");
    dc_http *srv = calloc(1, sizeof *srv);
    if (!srv) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    srv->config = *config;
    apply_defaults(&srv->config);
    atomic_init(&srv->access_log_fd, config->access_log_fd);
    srv->started = (int64_t)time(NULL);
    pthread_mutex_init(&srv->lock, NULL);
    dc_err rc = parse_address(srv->config.host, srv->config.port, &ss, err);
    if (rc == DC_OK) rc = cors_parse(srv, err);
    if (rc == DC_OK)
        rc = dc_http_generation_open(srv->config.index_path, &srv->current, err);
    if (rc == DC_OK) rc = dc_limits_init(srv, err);
    if (rc == DC_OK) rc = dc_conns_start(srv, err);
    if (rc != DC_OK) goto fail;
    unsigned mhd_limit = dc_conns_limits(srv);
    /* No listening socket: the front door accepts and hands connections
     * over. libmicrohttpd 0.9.75 keeps its thread pool with it (measured:
     * the pool's threads all answer), though its header says otherwise. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET;
    srv->daemon = MHD_start_daemon(
        flags, srv->config.port, dc_conns_accept, srv, handle, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_THREAD_POOL_SIZE,
        srv->config.threads, MHD_OPTION_CONNECTION_TIMEOUT, srv->config.timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, mhd_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        srv->config.per_ip_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, connection_event, srv, MHD_OPTION_URI_LOG_CALLBACK,
        request_line, srv, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
    if (!srv->daemon) {
        rc = dc_error_set(err, DC_E_IO, "cannot listen on %s port %u: %s",
                          srv->config.host, (unsigned)srv->config.port, strerror(errno));
        goto fail;
    }
    if ((rc = dc_front_start(srv, &ss, HEAD_MAX, &srv->front, err)) != DC_OK) {
        MHD_stop_daemon(srv->daemon);
        goto fail;
    }
    srv->port = dc_front_port(srv->front);
    *out = srv;
    return DC_OK;
fail:
    server_free(srv);
    return rc;
}

uint16_t dc_http_port(const dc_http *srv)
{
    return srv->port;
}

void dc_http_fingerprint(dc_http *srv, char out[DC_FINGERPRINT_HEX_SIZE])
{
    dc_generation *gen = dc_http_acquire(srv);
    memcpy(out, gen->fingerprint, DC_FINGERPRINT_HEX_SIZE);
    dc_http_release(gen);
}

/* A new index with fewer than half the households of the one served is far
 * likelier a wrong file or a broken export than a province that lost its
 * doors (the importer refuses to write one without --allow-shrink): taking
 * it would answer "unregistered" for every door it lost. */
static dc_err shrink_refused(dc_http *srv, const dc_generation *gen, dc_error *err)
{
    dc_generation *cur = dc_http_acquire(srv);
    uint64_t before = cur->households;
    dc_http_release(cur);
    if (srv->config.allow_shrink || gen->households * 2 >= before) return DC_OK;
    return dc_error_set(err, DC_E_REJECTED,
                        "%s holds %llu households, fewer than half the %llu of the "
                        "index served: not taken (--allow-shrink takes such a reload)",
                        srv->config.index_path, (unsigned long long)gen->households,
                        (unsigned long long)before);
}

dc_err dc_http_reload(dc_http *srv, dc_error *err)
{
    dc_generation *gen, *old;
    dc_err rc = dc_http_generation_open(srv->config.index_path, &gen, err);
    if (rc != DC_OK) {
        atomic_fetch_add(&srv->metrics.reloads_failed, 1);
        return rc;
    }
    if ((rc = shrink_refused(srv, gen, err)) != DC_OK) {
        dc_http_release(gen);
        atomic_fetch_add(&srv->metrics.reloads_refused, 1);
        return rc;
    }
    pthread_mutex_lock(&srv->lock);
    old = srv->current;
    srv->current = gen;
    pthread_mutex_unlock(&srv->lock);
    dc_http_release(old);
    atomic_fetch_add(&srv->metrics.reloads_ok, 1);
    return DC_OK;
}

void dc_http_set_access_log(dc_http *srv, int fd)
{
    atomic_store(&srv->access_log_fd, fd);
}

void dc_http_stop(dc_http *srv, unsigned drain_ms)
{
    if (!srv) return;
    /* Refuse new connections by closing the listening socket, not with
     * MHD_quiesce_daemon (the daemon has no listening socket of its own,
     * and with a thread pool on epoll libmicrohttpd 0.9.75 panics in
     * quiesce, SIGABRT, when a worker at its connection limit took the
     * socket out of its set itself). From here every answer closes its
     * connection (Connection: close) and /readyz answers 503. */
    atomic_store(&srv->draining, true);
    dc_front_quiesce(srv->front);
    int64_t start = now_ns(), deadline = start + (int64_t)drain_ms * 1000000;
    unsigned grace_ms =
        drain_ms / 2 < DRAIN_IDLE_GRACE_MS ? drain_ms / 2 : DRAIN_IDLE_GRACE_MS;
    const struct timespec pause = {0, 2000000};
    for (int64_t now = start; now < deadline; now = now_ns()) {
        bool end_idle = now - start >= (int64_t)grace_ms * 1000000;
        unsigned open = dc_conns_drain_idle(srv, end_idle);
        if (!open && !dc_front_waiting(srv->front) &&
            atomic_load(&srv->metrics.in_flight) <= 0)
            break;
        nanosleep(&pause, NULL);
    }
    dc_front_stop(srv->front);
    MHD_stop_daemon(srv->daemon);
    server_free(srv);
}
