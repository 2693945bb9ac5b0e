/*
 * http_metrics.c - what the HTTP service counts and logs: requests by
 * endpoint and status, their latency, the index and its reloads, the
 * connections, as /metrics's Prometheus text; and one JSON line per
 * request in the access log.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_metrics.h"
#include "render.h"

static const double latency_bounds[DC_LATENCY_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

static const char *const endpoint_names[DC_EP_COUNT] = {
    "codes",        "reverse",          "zones",
    "batch",        "healthz",          "readyz",
    "metrics",      "openapi",          "search",
    "autocomplete", "nominatim_search", "nominatim_reverse",
    "zones_box",    "households",       "page",
    "qr",           "round",            "other"};

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

void dc_http_count(dc_http *srv, const dc_request *req, int64_t ns)
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
void dc_http_access_log(dc_http *srv, struct MHD_Connection *c, const dc_request *req,
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
