/*
 * http_reply.c - the HTTP service's replies: the one table of the API's
 * errors (status and stable code), the headers every answer carries
 * (content type, fingerprint, cache, CORS, Vary, Allow), 304s against the
 * ETag, error bodies, and the 429 of the per-client limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http_reply.h"
#include "render.h"

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
    [DC_API_BAD_QUERY] = {400, "bad_query"},
    [DC_API_BBOX_TOO_LARGE] = {400, "bbox_too_large"},
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
    [DC_API_ROUND_EMPTY] = {400, "round_empty"},
    [DC_API_ROUND_TOO_MANY] = {413, "round_too_many"},
    [DC_API_ROUND_START] = {400, "round_start"},
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
        const char *allow = req->endpoint == DC_EP_BATCH || req->endpoint == DC_EP_ROUND
                                ? "POST, OPTIONS"
                                : "GET, HEAD, OPTIONS";
        add_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    }
    dc_http_close_if_draining(req, r);
    req->status = (int)status;
    req->bytes = len;
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

void dc_http_close_if_draining(const dc_request *req, struct MHD_Response *r)
{
    /* The client (a proxy) takes its next request elsewhere, and the
     * connection is gone before the drain ends. */
    if (atomic_load(&req->srv->draining))
        add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
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

enum MHD_Result dc_http_send_stream(struct MHD_Connection *c, dc_request *req,
                                    unsigned status, const char *content_type,
                                    uint64_t size, size_t block,
                                    MHD_ContentReaderCallback reader, void *cls,
                                    MHD_ContentReaderFreeCallback done,
                                    const dc_generation *gen)
{
    struct MHD_Response *r =
        MHD_create_response_from_callback(size, block, reader, cls, done);
    if (!r) {
        done(cls);
        return MHD_NO;
    }
    return queue_answer(c, req, status, r, content_type, (size_t)size, gen, false, NULL,
                        0);
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

size_t dc_http_raw_error(dc_http *srv, dc_api_error e, const char *message,
                         const char *extra, char *out, size_t size, size_t *body_len)
{
    dc_worker *wk = dc_http_worker();
    if (!wk) return 0;
    dc_generation *gen = dc_http_acquire(srv);
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_http_error_member(w, e, message);
    dc_jw_key(w, "fingerprint");
    dc_jw_cstring(w, gen->fingerprint);
    dc_jw_end(w);
    unsigned status = api_errors[e].status;
    int n = snprintf(out, size,
                     "HTTP/1.1 %u %s\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nX-Diachi-Index: %s\r\n%s\r\n%.*s",
                     status, MHD_get_reason_phrase_for(status), w->len, gen->fingerprint,
                     extra, (int)w->len, w->buf);
    dc_http_release(gen);
    if (dc_jw_failed(w) || n <= 0 || (size_t)n >= size) return 0;
    if (body_len) *body_len = w->len;
    return (size_t)n;
}

enum MHD_Result dc_http_send_error_now(struct MHD_Connection *c, dc_request *req,
                                       dc_api_error e, const char *message)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return MHD_NO;
    char extra[512], answer[8192];
    size_t body = 0;
    const char *v = vary(req);
    int m = snprintf(extra, sizeof extra, "%s%s%s%s%s%s",
                     req->allow_origin ? "Access-Control-Allow-Origin: " : "",
                     req->allow_origin ? req->allow_origin : "",
                     req->allow_origin ? "\r\n" : "", v ? "Vary: " : "", v ? v : "",
                     v ? "\r\n" : "");
    if (m < 0 || (size_t)m >= sizeof extra) return MHD_NO;
    size_t n = dc_http_raw_error(req->srv, e, message, extra, answer, sizeof answer, &body);
    if (n == 0) return MHD_NO;
    /* A few hundred bytes on a fresh socket buffer: one send. */
    if (send(ci->connect_fd, answer, n, MSG_NOSIGNAL) == (ssize_t)n) {
        req->status = (int)api_errors[e].status;
        req->bytes = body;
    }
    /* What the client already sent stays unread; closing on it would make
     * the kernel send a reset that can destroy the answer on its way.
     * Half-close first: the answer and a FIN go out before any reset. */
    shutdown(ci->connect_fd, SHUT_WR);
    return MHD_NO;
}

/* If-None-Match matches this answer's ETag (or is *). Asked only of an
 * answer that would be a 200: a precondition applies to 2xx answers only
 * (RFC 9110 13.2.1), so an error is never turned into a 304. */
bool dc_http_if_none_match(struct MHD_Connection *c, const dc_request *req,
                           const dc_generation *gen)
{
    const char *h =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (!h) return false;
    const char *etag = dc_http_etag(req, gen);
    size_t elen = strlen(etag);
    while (*h) {
        h += strspn(h, " \t,");
        if (*h == '*') return true;
        if (h[0] == 'W' && h[1] == '/') h += 2;
        if (strncmp(h, etag, elen) == 0 &&
            (h[elen] == '\0' || h[elen] == ',' || h[elen] == ' ' || h[elen] == '\t'))
            return true;
        h += strcspn(h, ",");
    }
    return false;
}

enum MHD_Result dc_http_not_modified(struct MHD_Connection *c, dc_request *req,
                                     const dc_generation *gen)
{
    return dc_http_send(c, req, MHD_HTTP_NOT_MODIFIED, NULL, "", 0, gen, true);
}

void dc_http_fingerprint_member(dc_jw *w, const dc_generation *gen)
{
    dc_jw_key(w, "fingerprint");
    dc_jw_cstring(w, gen->fingerprint);
}

/* Send the worker's buffer: JSON, or GeoJSON; errors when it failed. */
enum MHD_Result dc_http_send_json(struct MHD_Connection *c, dc_request *req,
                                  unsigned status, bool geojson, dc_jw *w,
                                  const dc_generation *gen, bool cacheable)
{
    if (dc_jw_failed(w))
        return dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    return dc_http_send(c, req, status,
                        geojson ? "application/geo+json" : "application/json", w->buf,
                        w->len, gen, cacheable);
}

/* A GET that names no place: an error, as JSON, or as an empty
 * FeatureCollection that carries it when GeoJSON was asked, so that a web
 * map reading the body (L.geoJSON) draws nothing rather than failing. */
enum MHD_Result dc_http_send_problem(struct MHD_Connection *c, dc_request *req,
                                     bool geojson, dc_api_error e, const char *message,
                                     const dc_generation *gen, dc_worker *wk)
{
    if (!geojson) return dc_http_send_error(c, req, e, message, gen);
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_render_collection_begin(w, dc_api_error_code(e));
    dc_http_error_member(w, e, message);
    dc_http_fingerprint_member(w, gen);
    dc_render_features_begin(w);
    dc_render_collection_end(w);
    return dc_http_send_json(c, req, dc_api_error_status(e), true, w, gen, false);
}
