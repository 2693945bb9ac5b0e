/*
 * http_reply.h - the HTTP service's replies: the API's errors and their one table, the
 * headers every answer carries, 304s, the 429 of the rate limits.
 * Not installed.
 */
#ifndef DC_HTTP_REPLY_H
#define DC_HTTP_REPLY_H

#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

#include "http_internal.h"
#include "jw.h"

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
    DC_API_BAD_QUERY,
    DC_API_BBOX_TOO_LARGE,
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
    DC_API_HTTP_VERSION,
    DC_API_ROUND_EMPTY,    /* POST /v1/round: no letters */
    DC_API_ROUND_TOO_MANY, /* more than DC_ROUND_MAX_STOPS */
    DC_API_ROUND_START     /* the start is not a point */
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

/* In a drain (dc_http_stop), add Connection: close to @p r: libmicrohttpd
 * closes the connection after it. Every answer goes through here. */
void dc_http_close_if_draining(const dc_request *req, struct MHD_Response *r);

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

/* An answer of @p size bytes that libmicrohttpd asks @p reader for as the
 * client takes them (@p block at a time at most), so that only a slice of
 * it is ever in memory; @p done(@p cls) runs once it is sent, abandoned or
 * could not be queued. Not cacheable. */
enum MHD_Result dc_http_send_stream(struct MHD_Connection *c, dc_request *req,
                                    unsigned status, const char *content_type,
                                    uint64_t size, size_t block,
                                    MHD_ContentReaderCallback reader, void *cls,
                                    MHD_ContentReaderFreeCallback done,
                                    const dc_generation *gen);

/* The whole answer of error @p e as bytes to write to a socket by hand:
 * the status line, Connection: close, the headers every error carries,
 * @p extra (header lines, each ending in CRLF; "" for none) and the JSON
 * body, into @p out. Its length (the body's in *body_len when not NULL),
 * or 0 when it does not fit. Uses the calling thread's JSON buffer. */
size_t dc_http_raw_error(dc_http *srv, dc_api_error e, const char *message,
                         const char *extra, char *out, size_t size, size_t *body_len);

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

/* If-None-Match matches this answer's ETag (or is *). Asked only of an
 * answer that would be a 200: a precondition applies to 2xx answers only
 * (RFC 9110 13.2.1), so an error is never turned into a 304. */
bool dc_http_if_none_match(struct MHD_Connection *c, const dc_request *req,
                           const dc_generation *gen);

/* 304 Not Modified, with the answer's ETag. */
enum MHD_Result dc_http_not_modified(struct MHD_Connection *c, dc_request *req,
                                     const dc_generation *gen);

/* The "fingerprint" member of an open JSON object. */
void dc_http_fingerprint_member(dc_jw *w, const dc_generation *gen);

/* Send @p w's bytes as JSON, or GeoJSON; a 500 when the writer failed. */
enum MHD_Result dc_http_send_json(struct MHD_Connection *c, dc_request *req,
                                  unsigned status, bool geojson, dc_jw *w,
                                  const dc_generation *gen, bool cacheable);

/* A GET that names no place: an error, as JSON, or as an empty
 * FeatureCollection that carries it when GeoJSON was asked, so that a web
 * map reading the body (L.geoJSON) draws nothing rather than failing. */
enum MHD_Result dc_http_send_problem(struct MHD_Connection *c, dc_request *req,
                                     bool geojson, dc_api_error e, const char *message,
                                     const dc_generation *gen, dc_worker *wk);

#endif /* DC_HTTP_REPLY_H */
