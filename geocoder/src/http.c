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
#include "render.h"

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

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- thread state -------------------------------------------------------- */

static pthread_key_t worker_key;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;

static void worker_free(void *p)
{
    dc_worker *wk = p;
    if (!wk) return;
    dc_jw_free(&wk->jw);
    free(wk);
}

static void worker_key_create(void)
{
    pthread_key_create(&worker_key, worker_free);
}

dc_worker *dc_http_worker(void)
{
    pthread_once(&worker_once, worker_key_create);
    dc_worker *wk = pthread_getspecific(worker_key);
    if (wk) return wk;
    wk = calloc(1, sizeof *wk);
    if (!wk) return NULL;
    dc_jw_init(&wk->jw);
    if (pthread_setspecific(worker_key, wk) != 0) {
        free(wk);
        return NULL;
    }
    return wk;
}

/* ---- generations ------------------------------------------------------------ */

/* Open @p path and check it answers: the first household's code must come
 * back ok. A full dc_index_check reads every record (seconds per million
 * households) and the build already verified them; this catches a file
 * that opens but is not what it claims. */
static dc_err generation_open(const char *path, dc_generation **out, dc_error *err)
{
    dc_generation *gen = calloc(1, sizeof *gen);
    dc_geo_session *s = NULL;
    dc_household h;
    if (!gen) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    dc_err rc = dc_geo_open(path, &gen->geo, err);
    if (rc != DC_OK) goto fail;
    const dc_index_meta *m = dc_index_info(dc_geo_index(gen->geo));
    memcpy(gen->fingerprint, m->fingerprint_hex, sizeof gen->fingerprint);
    gen->fingerprint[64] = '\0';
    snprintf(gen->etag, sizeof gen->etag, "\"%.32s\"", gen->fingerprint);
    snprintf(gen->etag_geojson, sizeof gen->etag_geojson, "\"%.32s-geojson\"",
             gen->fingerprint);
    gen->build_time = m->build_time;
    gen->households = m->households;
    gen->zones = m->zones;
    if ((rc = dc_geo_session_begin(gen->geo, &s)) != DC_OK) goto fail;
    if (m->households) {
        rc = dc_index_household(dc_geo_session_txn(s), 0, &h);
        dc_geo_forward_result *r = rc == DC_OK ? malloc(sizeof *r) : NULL;
        char code[DC_CODE_COMPACT_SIZE];
        if (rc == DC_OK && !r) rc = DC_E_NOMEM;
        if (rc == DC_OK) rc = dc_code_format(&h.code, DC_CODE_COMPACT, code, sizeof code);
        if (rc == DC_OK) rc = dc_geo_forward(s, code, strlen(code), r);
        if (rc == DC_OK && r->status != DC_GEO_OK) rc = DC_E_INDEX_CORRUPT;
        free(r);
        if (rc != DC_OK) {
            dc_error_set(err, rc, "%s: the first household's code does not look up: %s",
                         path, dc_strerror(rc));
            goto fail;
        }
    }
    dc_geo_session_end(s);
    atomic_init(&gen->refs, 1);
    *out = gen;
    return DC_OK;
fail:
    dc_geo_session_end(s);
    dc_geo_close(gen->geo);
    free(gen);
    return rc;
}

dc_generation *dc_http_acquire(dc_http *srv)
{
    pthread_mutex_lock(&srv->lock);
    dc_generation *gen = srv->current;
    atomic_fetch_add_explicit(&gen->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&srv->lock);
    return gen;
}

void dc_http_release(dc_generation *gen)
{
    if (!gen) return;
    if (atomic_fetch_sub_explicit(&gen->refs, 1, memory_order_acq_rel) != 1) return;
    dc_geo_close(gen->geo);
    free(gen);
}

/* ---- answers -------------------------------------------------------------- */

static const struct {
    unsigned status;
    const char *code;
} api_errors[] = {
    [DC_API_MALFORMED_CODE] = {400, "malformed_code"},
    [DC_API_UNKNOWN_POSTCODE] = {404, "unknown_postcode"},
    [DC_API_UNKNOWN_LOCALITY] = {404, "unknown_locality"},
    [DC_API_CODE_OUTSIDE_ZONE] = {422, "code_outside_zone"},
    [DC_API_OUT_OF_COVERAGE] = {404, "out_of_coverage"},
    [DC_API_BAD_PARAMETER] = {400, "bad_parameter"},
    [DC_API_BAD_REQUEST] = {400, "bad_request"},
    [DC_API_BAD_JSON] = {400, "bad_json"},
    [DC_API_BAD_CSV] = {400, "bad_csv"},
    [DC_API_BAD_FORM] = {400, "bad_form"},
    [DC_API_NOT_FOUND] = {404, "not_found"},
    [DC_API_METHOD_NOT_ALLOWED] = {405, "method_not_allowed"},
    [DC_API_TOO_LARGE] = {413, "payload_too_large"},
    [DC_API_TOO_MANY_RESULTS] = {413, "batch_too_many_results"},
    [DC_API_ANSWER_TOO_LARGE] = {413, "batch_answer_too_large"},
    [DC_API_RATE_LIMITED] = {429, "rate_limited"},
    [DC_API_URI_TOO_LONG] = {414, "uri_too_long"},
    [DC_API_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported_media_type"},
    [DC_API_NOT_READY] = {503, "not_ready"},
    [DC_API_INTERNAL] = {500, "internal"},
    [DC_API_BAD_REQUEST_LINE] = {400, "bad_request_line"},
    [DC_API_BAD_HEADER] = {400, "bad_header"},
    [DC_API_HEADERS_TOO_LARGE] = {431, "headers_too_large"},
    [DC_API_HTTP_VERSION] = {505, "http_version"},
};

unsigned dc_api_error_status(dc_api_error e)
{
    return api_errors[e].status;
}

const char *dc_api_error_code(dc_api_error e)
{
    return api_errors[e].code;
}

void dc_http_error_member(dc_jw *w, dc_api_error e, const char *message)
{
    dc_jw_key(w, "error");
    dc_jw_object(w);
    dc_jw_key(w, "code");
    dc_jw_cstring(w, api_errors[e].code);
    dc_jw_key(w, "message");
    dc_render_text(w, message, strlen(message));
    dc_jw_end(w);
}

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
    MHD_add_response_header(r, name, value);
}

const char *dc_http_etag(const dc_request *req, const dc_generation *gen)
{
    return req->geojson ? gen->etag_geojson : gen->etag;
}

/* Vary: Accept when the representation was negotiated, Origin when CORS
 * answers with one of a list of origins; NULL when neither. */
static const char *vary(const dc_request *req)
{
    const dc_http *srv = req->srv;
    bool by_origin = srv->norigins && !srv->cors_any;
    if (req->vary_accept) return by_origin ? "Accept, Origin" : "Accept";
    return by_origin ? "Origin" : NULL;
}

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

/* What a page of another origin may read of an answer. */
static const char expose_headers[] =
    "ETag, X-Diachi-Index, Content-Disposition, X-Diachi-Count-Rows, "
    "X-Diachi-Count-Ok, X-Diachi-Count-Unregistered, X-Diachi-Count-Malformed, "
    "X-Diachi-Count-Unknown-Postcode, X-Diachi-Count-Code-Outside-Zone, "
    "X-Diachi-Count-Out-Of-Coverage, X-Diachi-Count-Empty, "
    "X-Diachi-Count-Bad-Coordinates";

enum MHD_Result dc_http_send(struct MHD_Connection *c, dc_request *req, unsigned status,
                             const char *content_type, const char *body, size_t len,
                             const dc_generation *gen, bool cacheable)
{
    return dc_http_send_with(c, req, status, content_type, body, len, gen, cacheable,
                             NULL, 0);
}

/* Add the headers every answer carries to @p r and queue it. */
static enum MHD_Result queue_answer(struct MHD_Connection *c, dc_request *req,
                                    unsigned status, struct MHD_Response *r,
                                    const char *content_type, size_t len,
                                    const dc_generation *gen, bool cacheable,
                                    const dc_header *extra, size_t nextra)
{
    if (content_type) add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (gen) add_header(r, "X-Diachi-Index", gen->fingerprint);
    if (gen && cacheable) {
        add_header(r, MHD_HTTP_HEADER_ETAG, dc_http_etag(req, gen));
        add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=60");
    } else {
        add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    if (req->allow_origin) {
        add_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, req->allow_origin);
        add_header(r, "Access-Control-Expose-Headers", expose_headers);
    }
    for (size_t i = 0; i < nextra; i++)
        add_header(r, extra[i].name, extra[i].value);
    const char *v = vary(req);
    if (v) add_header(r, MHD_HTTP_HEADER_VARY, v);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED || status == MHD_HTTP_NO_CONTENT) {
        const char *allow =
            req->endpoint == DC_EP_BATCH ? "POST, OPTIONS" : "GET, HEAD, OPTIONS";
        add_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    }
    req->status = (int)status;
    req->bytes = len;
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result dc_http_send_with(struct MHD_Connection *c, dc_request *req,
                                  unsigned status, const char *content_type,
                                  const char *body, size_t len, const dc_generation *gen,
                                  bool cacheable, const dc_header *extra, size_t nextra)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    return queue_answer(c, req, status, r, content_type, len, gen, cacheable, extra,
                        nextra);
}

enum MHD_Result dc_http_send_owned(struct MHD_Connection *c, dc_request *req,
                                   unsigned status, const char *content_type, char *body,
                                   size_t len, const dc_generation *gen)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    return queue_answer(c, req, status, r, content_type, len, gen, false, NULL, 0);
}

enum MHD_Result dc_http_send_error(struct MHD_Connection *c, dc_request *req,
                                   dc_api_error e, const char *message,
                                   const dc_generation *gen)
{
    return dc_http_send_error_with(c, req, e, message, gen, NULL, 0);
}

enum MHD_Result dc_http_send_error_with(struct MHD_Connection *c, dc_request *req,
                                        dc_api_error e, const char *message,
                                        const dc_generation *gen, const dc_header *extra,
                                        size_t nextra)
{
    dc_worker *wk = dc_http_worker();
    if (!wk) return MHD_NO;
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_http_error_member(w, e, message);
    if (gen) {
        dc_jw_key(w, "fingerprint");
        dc_jw_cstring(w, gen->fingerprint);
    }
    dc_jw_end(w);
    if (dc_jw_failed(w)) return MHD_NO;
    return dc_http_send_with(c, req, api_errors[e].status, "application/json", w->buf,
                             w->len, gen, false, extra, nextra);
}

bool dc_http_rate_limited(struct MHD_Connection *c, dc_request *req, uint64_t requests,
                          uint64_t records, const dc_generation *gen,
                          enum MHD_Result *ret)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    dc_limit_kind which;
    unsigned wait = dc_limits_charge(req->srv, ci ? ci->client_addr : NULL, requests,
                                     records, &which);
    if (!wait) return false;
    char message[160], seconds[24];
    const dc_http_config *cfg = &req->srv->config;
    if (which == DC_LIMIT_REQUESTS)
        snprintf(message, sizeof message,
                 "more than %u requests a minute from this address: retry in %u s",
                 cfg->rate_limit, wait);
    else
        snprintf(message, sizeof message,
                 "more than %u records a minute from this address (this request asks "
                 "for %llu): retry in %u s",
                 cfg->record_limit, (unsigned long long)records, wait);
    snprintf(seconds, sizeof seconds, "%u", wait);
    dc_header h = {MHD_HTTP_HEADER_RETRY_AFTER, seconds};
    *ret = dc_http_send_error_with(c, req, DC_API_RATE_LIMITED, message, gen, &h, 1);
    return true;
}

enum MHD_Result dc_http_send_error_now(struct MHD_Connection *c, dc_request *req,
                                       dc_api_error e, const char *message)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    dc_worker *wk = dc_http_worker();
    if (!ci || !wk) return MHD_NO;
    dc_generation *gen = dc_http_acquire(req->srv);
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_http_error_member(w, e, message);
    dc_jw_key(w, "fingerprint");
    dc_jw_cstring(w, gen->fingerprint);
    dc_jw_end(w);
    char head[1024];
    const char *v = vary(req);
    int n = snprintf(
        head, sizeof head,
        "HTTP/1.1 %u %s\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nContent-Length: %zu\r\n"
        "Cache-Control: no-store\r\nX-Diachi-Index: %s\r\n%s%s%s%s%s%s\r\n",
        api_errors[e].status, MHD_get_reason_phrase_for(api_errors[e].status), w->len,
        gen->fingerprint, req->allow_origin ? "Access-Control-Allow-Origin: " : "",
        req->allow_origin ? req->allow_origin : "", req->allow_origin ? "\r\n" : "",
        v ? "Vary: " : "", v ? v : "", v ? "\r\n" : "");
    dc_http_release(gen);
    if (dc_jw_failed(w) || n <= 0 || (size_t)n >= sizeof head) return MHD_NO;
    /* A few hundred bytes on a fresh socket buffer: one send each. */
    if (send(ci->connect_fd, head, (size_t)n, MSG_NOSIGNAL) == n &&
        send(ci->connect_fd, w->buf, w->len, MSG_NOSIGNAL) == (ssize_t)w->len) {
        req->status = (int)api_errors[e].status;
        req->bytes = w->len;
    }
    /* What the client already sent stays unread; closing on it would make
     * the kernel send a reset that can destroy the answer on its way.
     * Half-close first: the answer and a FIN go out before any reset. */
    shutdown(ci->connect_fd, SHUT_WR);
    return MHD_NO;
}

/* ---- metrics and the access log ---------------------------------------- */

static const double latency_bounds[DC_LATENCY_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

static const char *const endpoint_names[DC_EP_COUNT] = {"codes",   "reverse", "zones",
                                                        "batch",   "healthz", "readyz",
                                                        "metrics", "openapi", "other"};

static int status_slot(int status)
{
    switch (status) {
#define X(s)                                                                             \
    case s:                                                                              \
        return DC_ST_##s;
        DC_HTTP_STATUSES
#undef X
    default:
        return DC_ST_OTHER;
    }
}

static void count(dc_http *srv, const dc_request *req, int64_t ns)
{
    dc_metrics *m = &srv->metrics;
    double s = (double)ns / 1e9;
    int b = 0;
    while (b < DC_LATENCY_BUCKETS && s > latency_bounds[b])
        b++;
    atomic_fetch_add_explicit(&m->requests[req->endpoint][status_slot(req->status)], 1,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency[req->endpoint][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_us[req->endpoint],
                              (unsigned long long)(ns / 1000), memory_order_relaxed);
}

void dc_http_metrics_text(dc_http *srv, const dc_generation *gen, dc_jw *w)
{
    char line[512];
    int n;
    dc_metrics *m = &srv->metrics;
    static const int statuses[] = {
#define X(s) s,
        DC_HTTP_STATUSES
#undef X
    };
#define LINE(...)                                                                        \
    do {                                                                                 \
        n = snprintf(line, sizeof line, __VA_ARGS__);                                    \
        dc_jw_raw(w, line, (size_t)n);                                                   \
    } while (0)
    LINE("# HELP diachi_requests_total Requests answered, by endpoint and status.\n"
         "# TYPE diachi_requests_total counter\n");
    for (int e = 0; e < DC_EP_COUNT; e++)
        for (int st = 0; st < DC_ST_COUNT; st++) {
            unsigned long long v = atomic_load(&m->requests[e][st]);
            if (!v) continue;
            if (st == DC_ST_OTHER)
                LINE("diachi_requests_total{endpoint=\"%s\",status=\"other\"} %llu\n",
                     endpoint_names[e], v);
            else
                LINE("diachi_requests_total{endpoint=\"%s\",status=\"%d\"} %llu\n",
                     endpoint_names[e], statuses[st], v);
        }
    LINE("# HELP diachi_request_duration_seconds Time from a request's arrival to its "
         "answer's last byte.\n# TYPE diachi_request_duration_seconds histogram\n");
    for (int e = 0; e < DC_EP_COUNT; e++) {
        unsigned long long cum = 0;
        for (int b = 0; b <= DC_LATENCY_BUCKETS; b++) {
            cum += atomic_load(&m->latency[e][b]);
            if (b < DC_LATENCY_BUCKETS)
                LINE("diachi_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} "
                     "%llu\n",
                     endpoint_names[e], latency_bounds[b], cum);
            else
                LINE(
                    "diachi_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} "
                    "%llu\n",
                    endpoint_names[e], cum);
        }
        LINE("diachi_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
             "diachi_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
             endpoint_names[e], (double)atomic_load(&m->latency_sum_us[e]) / 1e6,
             endpoint_names[e], cum);
    }
    LINE("# HELP diachi_index_info The index being served (value 1).\n"
         "# TYPE diachi_index_info gauge\n"
         "diachi_index_info{fingerprint=\"%s\"} 1\n",
         gen->fingerprint);
    LINE("# HELP diachi_index_build_time_seconds When the index was built (Unix time).\n"
         "# TYPE diachi_index_build_time_seconds gauge\n"
         "diachi_index_build_time_seconds %lld\n",
         (long long)gen->build_time);
    LINE("# TYPE diachi_index_households gauge\ndiachi_index_households %llu\n"
         "# TYPE diachi_index_zones gauge\ndiachi_index_zones %llu\n",
         (unsigned long long)gen->households, (unsigned long long)gen->zones);
    LINE("# HELP diachi_index_reloads_total Index reloads, by result (refused_shrink: "
         "fewer than half the households, without --allow-shrink).\n"
         "# TYPE diachi_index_reloads_total counter\n"
         "diachi_index_reloads_total{result=\"ok\"} %llu\n"
         "diachi_index_reloads_total{result=\"failed\"} %llu\n"
         "diachi_index_reloads_total{result=\"refused_shrink\"} %llu\n",
         atomic_load(&m->reloads_ok), atomic_load(&m->reloads_failed),
         atomic_load(&m->reloads_refused));
    LINE("# HELP diachi_connections_ended_total Connections the server ended: "
         "request_timeout (no complete request in time), evicted (the oldest waiting "
         "one, for a new one past the cap), refused (past the cap, none waiting).\n"
         "# TYPE diachi_connections_ended_total counter\n"
         "diachi_connections_ended_total{reason=\"request_timeout\"} %llu\n"
         "diachi_connections_ended_total{reason=\"evicted\"} %llu\n"
         "diachi_connections_ended_total{reason=\"refused\"} %llu\n",
         atomic_load(&m->timed_out), atomic_load(&m->evicted), atomic_load(&m->refused));
    LINE("# HELP diachi_rate_limited_total Requests refused 429 by the per-client "
         "limits, by limit.\n# TYPE diachi_rate_limited_total counter\n"
         "diachi_rate_limited_total{limit=\"requests\"} %llu\n"
         "diachi_rate_limited_total{limit=\"records\"} %llu\n",
         atomic_load(&m->rate_limited[DC_LIMIT_REQUESTS]),
         atomic_load(&m->rate_limited[DC_LIMIT_RECORDS]));
    LINE("# TYPE diachi_connections_open gauge\ndiachi_connections_open %lld\n"
         "# TYPE diachi_requests_in_flight gauge\ndiachi_requests_in_flight %lld\n",
         atomic_load(&m->connections), atomic_load(&m->in_flight));
    LINE("# TYPE diachi_start_time_seconds gauge\ndiachi_start_time_seconds %lld\n",
         (long long)srv->started);
#undef LINE
}

/* One JSON line per request: the path without its query (a reverse
 * query is a person's location: it stays out of the log). */
static void access_log(dc_http *srv, struct MHD_Connection *c, const dc_request *req,
                       int64_t ns)
{
    int fd = atomic_load(&srv->access_log_fd);
    if (fd < 0) return;
    char addr[INET6_ADDRSTRLEN] = "-", stamp[32];
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr,
                      sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
                      sizeof addr);
    }
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    const char *fwd = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    /* The thread's own buffer: its answer has been sent by now. */
    dc_worker *wk = dc_http_worker();
    if (!wk) return;
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    char t[48];
    snprintf(t, sizeof t, "%s.%03ldZ", stamp, ts.tv_nsec / 1000000);
    dc_jw_key(w, "time");
    dc_jw_cstring(w, t);
    dc_jw_key(w, "remote");
    dc_jw_cstring(w, addr);
    if (fwd) {
        dc_jw_key(w, "forwarded_for");
        dc_render_text(w, fwd, strlen(fwd)); /* the client's text */
    }
    dc_jw_key(w, "method");
    dc_render_text(w, req->method, strlen(req->method));
    dc_jw_key(w, "path");
    dc_render_text(w, req->path, strlen(req->path));
    dc_jw_key(w, "status");
    dc_jw_int(w, req->status);
    dc_jw_key(w, "bytes");
    dc_jw_int(w, (int64_t)req->bytes);
    dc_jw_key(w, "duration_ms");
    dc_jw_fixed(w, (double)ns / 1e6, 3);
    dc_jw_end(w);
    dc_jw_raw(w, "\n", 1);
    /* One write: lines from different threads do not interleave. */
    if (!dc_jw_failed(w) && write(fd, w->buf, w->len) < 0) {
        /* Nowhere to report a failing log but the log; drop the line. */
    }
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
    count(srv, req, ns);
    access_log(srv, c, req, ns);
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
    snprintf(out, size, "%.*s%s", (int)(keep < max ? keep : max), url,
             keep > max ? cut : "");
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
    snprintf(req->method, sizeof req->method, "%s", method);
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
    if (rc == DC_OK) rc = generation_open(srv->config.index_path, &srv->current, err);
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
    dc_conns_stop(srv);
    dc_limits_free(srv);
    dc_http_release(srv->current);
    pthread_mutex_destroy(&srv->lock);
    free(srv->origin_list);
    free(srv);
    return rc;
}

uint16_t dc_http_port(const dc_http *srv)
{
    return srv->port;
}

void dc_http_fingerprint(dc_http *srv, char out[65])
{
    dc_generation *gen = dc_http_acquire(srv);
    memcpy(out, gen->fingerprint, 65);
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
    dc_err rc = generation_open(srv->config.index_path, &gen, err);
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
    /* Stop taking connections by refusing each as it comes
     * (dc_conns_accept), not with MHD_quiesce_daemon: with a thread pool on
     * epoll, libmicrohttpd 0.9.75 panics ("Failed to remove listen FD from
     * epoll set", SIGABRT) when a worker took the listening socket out of
     * its set itself, at its connection limit, while quiesce runs. */
    atomic_store(&srv->draining, true);
    int64_t deadline = now_ns() + (int64_t)drain_ms * 1000000;
    const struct timespec pause = {0, 2000000};
    while (atomic_load(&srv->metrics.in_flight) > 0 && now_ns() < deadline)
        nanosleep(&pause, NULL);
    dc_front_stop(srv->front);
    MHD_stop_daemon(srv->daemon);
    dc_conns_stop(srv);
    dc_limits_free(srv);
    dc_http_release(srv->current);
    pthread_mutex_destroy(&srv->lock);
    free(srv->origin_list);
    free(srv);
}
