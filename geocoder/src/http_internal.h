/*
 * http_internal.h - what the HTTP service's files share: the server, the
 * index generation a request holds, the request, a thread's state, and the
 * connection and rate-limit keepers (http_conn.c, http_limit.c). The
 * replies, metrics, parameters, batch and routes have headers of their
 * own. Not installed.
 */
#ifndef DC_HTTP_INTERNAL_H
#define DC_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <microhttpd.h>

#include "diachi/geocoder.h"
#include "diachi/index.h"
#include "diachi/search.h"
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
    DC_EP_SEARCH,
    DC_EP_AUTOCOMPLETE,
    DC_EP_NOMINATIM_SEARCH,  /* GET /search, Nominatim's (http_nominatim.c) */
    DC_EP_NOMINATIM_REVERSE, /* GET /reverse */
    DC_EP_ZONES_BOX,         /* GET /v1/zones?bbox= (http_map.c) */
    DC_EP_HOUSEHOLDS,        /* GET /v1/households?bbox= */
    DC_EP_PAGE,              /* GET / and /static/..., the map page */
    DC_EP_QR,                /* GET /v1/qr?text= (http_qr.c) */
    DC_EP_ROUND,             /* POST /v1/round (http_round.c) */
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
    char fingerprint[DC_FINGERPRINT_HEX_SIZE];
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
    dc_search_result search;
    dc_complete_result complete;
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
/* For a drain: with @p end_idle, end the connections idle between two
 * requests with no byte of a next one in; returns how many connections
 * libmicrohttpd still holds (those ended included, until it closes them). */
unsigned dc_conns_drain_idle(dc_http *srv, bool end_idle);

dc_err dc_limits_init(dc_http *srv, dc_error *err);
void dc_limits_free(dc_http *srv);
/* Charge a client @p requests requests and @p records records: 0 when
 * within its limits (or not limited: loopback, limits off), else the
 * seconds until it would be, with *which the limit passed (a request
 * refused for its records is still charged as a request). Thread-safe. */
unsigned dc_limits_charge(dc_http *srv, const struct sockaddr *client, uint64_t requests,
                          uint64_t records, dc_limit_kind *which);

/* This thread's state (created on first use, freed when the thread ends;
 * http_worker.c). */
dc_worker *dc_http_worker(void);

/* Open @p path as a generation (one reference, the caller's) and check it
 * answers (http_generation.c). */
dc_err dc_http_generation_open(const char *path, dc_generation **out, dc_error *err);

/* The current index, with a reference taken; give it back with release. */
dc_generation *dc_http_acquire(dc_http *srv);
void dc_http_release(dc_generation *gen);
/* Another reference on @p gen, for an answer that outlives the handler's
 * call (a streamed batch); give it back with release. */
dc_generation *dc_http_hold(dc_generation *gen);

#endif /* DC_HTTP_INTERNAL_H */
