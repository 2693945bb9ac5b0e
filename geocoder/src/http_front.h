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
#include "http_head.h"

typedef struct dc_http dc_http;
typedef struct dc_front dc_front;

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

/** Close the listening socket (on the front door's thread, soon after the
 *  call): new connections are refused by the system; what the backlog
 *  holds is taken first, and every connection taken is still handed over.
 *  For a drain. Thread-safe; NULL is a no-op. */
void dc_front_quiesce(dc_front *front);

/** Connections taken whose first request head is not yet in (so not yet
 *  handed over). Thread-safe; 0 for NULL. */
unsigned dc_front_waiting(const dc_front *front);

/** Stop listening, close the connections not handed over, join the
 *  thread. NULL is a no-op. */
void dc_front_stop(dc_front *front);

#endif /* DC_HTTP_FRONT_H */
