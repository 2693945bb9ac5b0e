/*
 * http_front.h - the HTTP service's front door: it owns the listening
 * socket, and holds each new connection until the head of its first
 * request is in (peeked, not read), so that a head libmicrohttpd 0.9.75
 * would refuse with its built-in HTML is answered with the API's JSON
 * error instead; a head it would take is handed over with
 * MHD_add_connection. Not installed.
 *
 * Threads: one of its own (epoll); dc_front_start and dc_front_stop from
 * the thread that starts and stops the service.
 */
#ifndef DC_HTTP_FRONT_H
#define DC_HTTP_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "diachi/error.h"

typedef struct dc_http dc_http;
typedef struct dc_front dc_front;

/** What the head of a request is, as far as it has come. */
typedef enum dc_front_verdict {
    DC_FRONT_MORE,         /**< valid so far, not complete: wait */
    DC_FRONT_OK,           /**< complete and valid: hand it over */
    DC_FRONT_BAD_LINE,     /**< 400 bad_request_line */
    DC_FRONT_BAD_HEADER,   /**< 400 bad_header */
    DC_FRONT_URI_TOO_LONG, /**< 414 uri_too_long: the request line passes the cap */
    DC_FRONT_TOO_LARGE,    /**< 431 headers_too_large */
    DC_FRONT_VERSION       /**< 505 http_version */
} dc_front_verdict;

/** The most header fields a head may have (libmicrohttpd keeps each in
 *  its connection's memory, so the byte cap alone does not bound them). */
#define DC_FRONT_MAX_FIELDS 100

/**
 * Judge the first @p len bytes a client sent, against a head of at most
 * @p head_max bytes (request line, fields and the empty line). @p why gets
 * a sentence for the client when the verdict is a refusal. Pure; any
 * thread.
 */
dc_front_verdict dc_front_judge(const char *buf, size_t len, size_t head_max,
                                const char **why);

/**
 * Listen on @p addr and start the front door's thread, which hands good
 * connections to @p srv->daemon (started, with MHD_USE_NO_LISTEN_SOCKET).
 * Heads must be in within config.request_timeout_s of the connection and
 * fit @p head_max bytes.
 * @param[out] out  written on success only
 * @return DC_OK, DC_E_IO (the socket: @p err says which call), DC_E_NOMEM
 */
dc_err dc_front_start(dc_http *srv, const struct sockaddr_storage *addr, size_t head_max,
                      dc_front **out, dc_error *err);

/** The port listened on (the one the system chose when asked for 0). */
uint16_t dc_front_port(const dc_front *front);

/** Stop listening, close the connections not handed over, join the
 *  thread. NULL is a no-op. */
void dc_front_stop(dc_front *front);

#endif /* DC_HTTP_FRONT_H */
