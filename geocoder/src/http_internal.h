/*
 * http_internal.h - what the HTTP service's files share: the server, the
 * index generation a request holds, the request, and the reply helpers.
 * Not installed.
 */
#ifndef DC_HTTP_INTERNAL_H
#define DC_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <microhttpd.h>

#include "diachi/geocoder.h"
#include "http.h"
#include "jw.h"

/* The endpoints, for routing and metrics. */
typedef enum dc_endpoint {
    DC_EP_CODES,
    DC_EP_REVERSE,
    DC_EP_ZONES,
    DC_EP_BATCH,
    DC_EP_HEALTHZ,
    DC_EP_READYZ,
    DC_EP_METRICS,
    DC_EP_OPENAPI,
    DC_EP_OTHER,
    DC_EP_COUNT
} dc_endpoint;

/* The statuses counted by /metrics; anything else counts as "other". */
#define DC_HTTP_STATUSES                                                                 \
    X(200)                                                                               \
    X(204) X(304) X(400) X(404) X(405) X(413) X(414) X(415) X(422) X(429) X(500) X(503)
enum {
#define X(s) DC_ST_##s,
    DC_HTTP_STATUSES
#undef X
        DC_ST_OTHER,
    DC_ST_COUNT
};

/* Latency histogram bounds, seconds (Prometheus buckets; +Inf implied). */
#define DC_LATENCY_BUCKETS 12

/* One opened index. A request holds a reference while it reads from it;
 * the server holds one while it is current. */
typedef struct dc_generation {
    dc_geo *geo;
    atomic_uint refs;
    char fingerprint[65];
    char etag[40];         /* "\"" + 32 hex + "\"": the JSON answers' */
    char etag_geojson[48]; /* "\"" + 32 hex + "-geojson\"" */
    int64_t build_time;
    uint64_t households, zones;
} dc_generation;

typedef struct dc_metrics {
    atomic_ullong requests[DC_EP_COUNT][DC_ST_COUNT];
    atomic_ullong latency[DC_EP_COUNT][DC_LATENCY_BUCKETS + 1];
    atomic_ullong latency_sum_us[DC_EP_COUNT];
    atomic_ullong reloads_ok, reloads_failed, reloads_refused;
    atomic_llong in_flight;
    atomic_llong connections;
    atomic_ullong timed_out, evicted, refused; /* connections ended by http_conn.c */
    atomic_ullong rate_limited[2];             /* by dc_limit_kind */
} dc_metrics;

/* Per-client rate limits (http_limit.c). */
#define DC_LIMIT_SLOTS 65536

typedef enum dc_limit_kind { DC_LIMIT_REQUESTS, DC_LIMIT_RECORDS } dc_limit_kind;

typedef struct dc_limit_bucket {
    unsigned char key[16]; /* the address (IPv6 /64, IPv4 mapped) */
    bool used;
    double seen;              /* monotonic seconds of the last refill */
    double requests, records; /* tokens left */
} dc_limit_bucket;

typedef struct dc_limits {
    pthread_mutex_t lock;
    dc_limit_bucket *slots; /* DC_LIMIT_SLOTS */
    bool ready;
} dc_limits;

/* A connection, as http_conn.c tracks it (its socket context). */
typedef struct dc_conn dc_conn;

/* The connections and the thread that holds them to their deadlines. */
typedef struct dc_conns {
    pthread_mutex_t lock; /* guards all but the deadlines */
    pthread_cond_t wake;
    pthread_t thread;
    bool started, stopping;
    dc_conn *head, *tail; /* oldest first */
    unsigned count, shutting;
    unsigned crowd;     /* the most connections open since the last trim */
    int64_t trimmed_ns; /* when the allocator was last trimmed */
} dc_conns;

/* The most origins --cors-origin takes. */
#define DC_HTTP_MAX_ORIGINS 32

struct dc_http {
    dc_http_config config;
    char *origin_list;                        /* a copy of cors_origin, split */
    const char *origins[DC_HTTP_MAX_ORIGINS]; /* into it */
    size_t norigins;
    bool cors_any; /* "*" is one of them */
    struct MHD_Daemon *daemon;
    struct dc_front *front; /* the listening socket (http_front.c) */
    uint16_t port;
    pthread_mutex_t lock; /* guards current */
    dc_generation *current;
    atomic_int access_log_fd;
    atomic_bool draining;
    int64_t started;
    dc_metrics metrics;
    dc_conns conns;
    dc_limits limits;
};

/* One request, from the handler's first call to the completion callback. */
typedef struct dc_request {
    dc_http *srv;
    dc_endpoint endpoint;
    int status;               /* the status sent, for the log and metrics */
    size_t bytes;             /* body bytes sent */
    int64_t start_ns;         /* monotonic */
    bool post;                /* a body is expected */
    bool too_large;           /* the body passed max_body: discarded */
    bool geojson;             /* the answer is GeoJSON: its own ETag */
    bool vary_accept;         /* the answer was chosen by the Accept header */
    bool begun;               /* the handler has seen it (method and path set) */
    const char *allow_origin; /* CORS: the origin answered, or NULL */
    dc_conn *conn;            /* its connection (valid for the request's life) */
    bool path_control;        /* the raw path holds a NUL or control character */
    char *body;
    size_t body_len, body_cap;
    char method[8]; /* for the access log */
    char path[256]; /* the URL's path, cut at 255 bytes */
} dc_request;

/* A thread's reusable state: the JSON buffer and the engine's results. */
typedef struct dc_worker {
    dc_jw jw;
    dc_geo_forward_result forward;
    dc_geo_reverse_result reverse;
} dc_worker;

/* Where a connection is in its life, for its deadline. */
typedef enum dc_conn_phase {
    DC_CONN_REQUEST,    /* a request line is in: request_timeout for the rest */
    DC_CONN_ANSWERING,  /* the request is in: no deadline */
    DC_CONN_KEPT_ALIVE, /* answered: timeout + request_timeout for the next */
} dc_conn_phase;

/* Clamp max_connections to the descriptors; libmicrohttpd's own limit. */
unsigned dc_conns_limits(dc_http *srv);
dc_err dc_conns_start(dc_http *srv, dc_error *err);
void dc_conns_stop(dc_http *srv);
/* libmicrohttpd's accept policy: the connection cap (see http_conn.c). */
enum MHD_Result dc_conns_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void dc_conns_opened(dc_http *srv, struct MHD_Connection *c, void **socket_context);
void dc_conns_closed(dc_http *srv, void **socket_context);
/* The connection of a request (NULL when it could not be tracked). */
dc_conn *dc_conns_of(struct MHD_Connection *c);
void dc_conns_deadline(dc_http *srv, dc_conn *k, dc_conn_phase phase);

dc_err dc_limits_init(dc_http *srv, dc_error *err);
void dc_limits_free(dc_http *srv);
/* Charge a client @p requests requests and @p records records: 0 when
 * within its limits (or not limited: loopback, limits off), else the
 * seconds until it would be, with *which the limit passed (a request
 * refused for its records is still charged as a request). Thread-safe. */
unsigned dc_limits_charge(dc_http *srv, const struct sockaddr *client, uint64_t requests,
                          uint64_t records, dc_limit_kind *which);

/* This thread's state (created on first use, freed when the thread ends). */
dc_worker *dc_http_worker(void);

/* The current index, with a reference taken; give it back with release. */
dc_generation *dc_http_acquire(dc_http *srv);
void dc_http_release(dc_generation *gen);

/* The error kinds of the API: one table gives each its status and code. */
typedef enum dc_api_error {
    DC_API_MALFORMED_CODE,
    DC_API_UNKNOWN_POSTCODE,
    DC_API_UNKNOWN_LOCALITY,
    DC_API_CODE_OUTSIDE_ZONE,
    DC_API_OUT_OF_COVERAGE,
    DC_API_BAD_PARAMETER,
    DC_API_BAD_REQUEST,
    DC_API_BAD_JSON,
    DC_API_BAD_CSV,
    DC_API_BAD_FORM,
    DC_API_NOT_FOUND,
    DC_API_METHOD_NOT_ALLOWED,
    DC_API_TOO_LARGE,
    DC_API_TOO_MANY_RESULTS,
    DC_API_ANSWER_TOO_LARGE,
    DC_API_RATE_LIMITED,
    DC_API_URI_TOO_LONG,
    DC_API_UNSUPPORTED_MEDIA_TYPE,
    DC_API_NOT_READY,
    DC_API_INTERNAL,
    /* Heads refused by the front door (http_front.c). */
    DC_API_BAD_REQUEST_LINE,
    DC_API_BAD_HEADER,
    DC_API_HEADERS_TOO_LARGE,
    DC_API_HTTP_VERSION
} dc_api_error;

unsigned dc_api_error_status(dc_api_error e);
const char *dc_api_error_code(dc_api_error e);

/* Open the error object in an open JSON object: "error": {code, message}. */
void dc_http_error_member(dc_jw *w, dc_api_error e, const char *message);

/* The ETag of the answer to @p req: one per index and representation. */
const char *dc_http_etag(const dc_request *req, const dc_generation *gen);

/* A header added to one answer. */
typedef struct dc_header {
    const char *name, *value;
} dc_header;

/* Send @p w's bytes with @p status and the headers every answer carries
 * (content type, fingerprint, CORS; ETag and Cache-Control when
 * @p cacheable; Vary: Accept when req->vary_accept). @p gen may be NULL
 * (no index yet). */
enum MHD_Result dc_http_send(struct MHD_Connection *c, dc_request *req, unsigned status,
                             const char *content_type, const char *body, size_t len,
                             const dc_generation *gen, bool cacheable);

/* The same, with @p nextra more headers. */
enum MHD_Result dc_http_send_with(struct MHD_Connection *c, dc_request *req,
                                  unsigned status, const char *content_type,
                                  const char *body, size_t len, const dc_generation *gen,
                                  bool cacheable, const dc_header *extra, size_t nextra);

/* The same, handing @p body (malloc'd) over to libmicrohttpd, which frees
 * it once sent: a large answer is not copied. Not cacheable. */
enum MHD_Result dc_http_send_owned(struct MHD_Connection *c, dc_request *req,
                                   unsigned status, const char *content_type, char *body,
                                   size_t len, const dc_generation *gen);

/* An error answer written straight to the socket, with Connection: close,
 * for when libmicrohttpd no longer lets a response be queued (in the middle
 * of a body). Returns MHD_NO: the caller gives that back to libmicrohttpd,
 * which closes the connection. */
enum MHD_Result dc_http_send_error_now(struct MHD_Connection *c, dc_request *req,
                                       dc_api_error e, const char *message);

/* An error answer: {"error": {...}, "fingerprint": ...}. */
enum MHD_Result dc_http_send_error(struct MHD_Connection *c, dc_request *req,
                                   dc_api_error e, const char *message,
                                   const dc_generation *gen);
enum MHD_Result dc_http_send_error_with(struct MHD_Connection *c, dc_request *req,
                                        dc_api_error e, const char *message,
                                        const dc_generation *gen, const dc_header *extra,
                                        size_t nextra);

/* Charge the request's client @p requests and @p records (dc_limits_charge):
 * false when within its limits, else true with *ret the 429 answer sent
 * (Retry-After, rate_limited naming the limit). */
bool dc_http_rate_limited(struct MHD_Connection *c, dc_request *req, uint64_t requests,
                          uint64_t records, const dc_generation *gen,
                          enum MHD_Result *ret);

/* Answer a complete request (the body, if any, is in req->body). */
enum MHD_Result dc_http_route(struct MHD_Connection *c, dc_request *req, const char *url,
                              const char *method);

/* The endpoint a path names (for metrics, before routing). */
dc_endpoint dc_http_endpoint_of(const char *url);

/* The Prometheus text of /metrics into @p w. */
void dc_http_metrics_text(dc_http *srv, const dc_generation *gen, dc_jw *w);

#endif /* DC_HTTP_INTERNAL_H */
