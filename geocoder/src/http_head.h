/*
 * http_head.h - the head of an HTTP/1.x request judged as far as it has
 * come, as libmicrohttpd 0.9.75 would take or refuse it: the front door's
 * parser (http_front.c). Pure: no socket, no allocation. Not installed.
 */
#ifndef DC_HTTP_HEAD_H
#define DC_HTTP_HEAD_H

#include <stddef.h>

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

#endif
