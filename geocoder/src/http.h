/*
 * http.h - the HTTP service over the engine (diachi serve): start it on
 * an address, reload its index without dropping a request, drain and stop
 * it. The API itself is documented in docs/openapi.json. Not installed:
 * the command (cli_serve.c) and the tests are its users.
 *
 * Threads: the service answers on its own threads (libmicrohttpd's pool).
 * dc_http_reload and dc_http_stop are called from one controlling thread
 * (the command's signal loop); dc_http_port and dc_http_fingerprint from
 * any.
 */
#ifndef DC_HTTP_H
#define DC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"
#include "diachi/index.h"

typedef struct dc_http dc_http;

/** A rate limit that is off (0 takes the default). */
#define DC_HTTP_NO_LIMIT UINT32_MAX

/** What the service is started with. Zero fields take the defaults. */
typedef struct dc_http_config {
    const char *index_path;      /**< reopened from this path on reload */
    const char *host;            /**< numeric IPv4 or IPv6 address; default 127.0.0.1 */
    uint16_t port;               /**< 0: an ephemeral port (see dc_http_port) */
    unsigned threads;            /**< answering threads; default 2 */
    const char *cors_origin;     /**< NULL: no CORS headers; "*", or origins
                                      separated by commas (each answer names
                                      the one its request's Origin matches) */
    size_t max_batch;            /**< items in one POST /v1/batch; default 10000 */
    size_t max_body;             /**< request body bytes; default 16 MiB */
    size_t max_batch_results;    /**< households one JSON batch may ask for (a
                                      code 1, a point its limit); default
                                      100000; 413 beyond, before any lookup */
    size_t max_batch_bytes;      /**< a batch answer's bytes; default 64 MiB:
                                      413 once passed, the answer dropped */
    unsigned rate_limit;         /**< requests a minute per client address;
                                      default 6000; DC_HTTP_NO_LIMIT: none */
    unsigned record_limit;       /**< records (households asked for) a minute
                                      per client address; default 100000;
                                      DC_HTTP_NO_LIMIT: none */
    bool rate_limit_loopback;    /**< limit loopback clients too (not by
                                      default: a local proxy is every client) */
    unsigned timeout_s;          /**< idle connection timeout; default 30 */
    unsigned request_timeout_s;  /**< a request's headers and body must be in
                                      within this of the connection or its
                                      request line; default 10 */
    unsigned max_connections;    /**< default 1024, less when the descriptor
                                      limit is lower: past it a new connection
                                      ends the oldest one waiting for a request,
                                      or is refused at once */
    unsigned per_ip_connections; /**< default 256; refused at once past it */
    int access_log_fd;           /**< -1: none; else one JSON line per request */
    bool allow_shrink;           /**< reload an index with fewer than half the
                                      households of the one served (refused
                                      otherwise) */
    const char *web_dir;         /**< the map page's files (GET /, /static/);
                                      NULL: found beside the binary
                                      (../share/diachi/web) */
    bool no_ui;                  /**< no map page: GET / and /static/ are 404 */
    const char *tiles;           /**< NULL, or an XYZ tile URL template the
                                      page draws under the zones */
} dc_http_config;

/**
 * Open the index and start answering.
 * @param[out] out  written on success only
 * @param[out] err  NULL, or the detail (the index's error, or the address
 *                  that could not be bound)
 * @return DC_OK, DC_E_INVALID_ARG (no index path, a host that is not a
 *         numeric address), DC_E_IO (the index, or the socket), the
 *         index's DC_E_INDEX_FORMAT, DC_E_INDEX_CORRUPT, DC_E_NOMEM
 */
dc_err dc_http_start(const dc_http_config *config, dc_http **out, dc_error *err);

/** The port the service listens on (the one chosen when asked for 0). */
uint16_t dc_http_port(const dc_http *srv);

/** The serving index's fingerprint, lower-case hex, into @p out
 *  (DC_FINGERPRINT_HEX_SIZE bytes, the NUL included). */
void dc_http_fingerprint(dc_http *srv, char out[DC_FINGERPRINT_HEX_SIZE]);

/**
 * Open the index path anew, check it answers, and swap it in: requests
 * already running finish on the old index, which closes when the last
 * ends. On failure the old index keeps serving. A new index with fewer
 * than half the households of the one served is refused (DC_E_REJECTED,
 * @p err naming both counts) unless config.allow_shrink.
 * @return DC_OK, DC_E_REJECTED, or the error opening or checking the new
 *         file (@p err says which and why)
 */
dc_err dc_http_reload(dc_http *srv, dc_error *err);

/** Point the access log at another descriptor (after reopening the file);
 *  -1 turns it off. The caller closes the previous one. */
void dc_http_set_access_log(dc_http *srv, int fd);

/**
 * Stop: refuse new connections, let requests in flight finish (waiting at
 * most @p drain_ms), close every connection and the index. NULL is a no-op.
 */
void dc_http_stop(dc_http *srv, unsigned drain_ms);

#endif /* DC_HTTP_H */
