/*
 * http_routes.c - the endpoints of the HTTP service: routing, parameters,
 * the engine call and the answer. docs/openapi.json is their contract.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "http_batch.h"
#include "http_lookup.h"
#include "http_map.h"
#include "http_qr.h"
#include "http_metrics.h"
#include "http_nominatim.h"
#include "http_query.h"
#include "http_reply.h"
#include "http_round.h"
#include "diachi/history.h"
#include "http_routes.h"
#include "render.h"

/* The OpenAPI document, embedded at build time from docs/openapi.json. */
extern const char dc_openapi_json[];
extern const size_t dc_openapi_json_len;

/* The API error of a forward status that is not a 200. */
static bool forward_error(const dc_geo_forward_result *r, const char *input,
                          dc_api_error *e, char *message, size_t size)
{
    switch (r->status) {
    case DC_GEO_OK:
    case DC_GEO_UNREGISTERED:
    case DC_GEO_RETIRED:
        return false;
    case DC_GEO_MALFORMED:
        *e = DC_API_MALFORMED_CODE;
        snprintf(message, size, "not a code: %s", r->error.message);
        return true;
    case DC_GEO_UNKNOWN_POSTCODE:
        *e = DC_API_UNKNOWN_POSTCODE;
        snprintf(message, size, "no postal zone has the postcode of %.40s", input);
        return true;
    case DC_GEO_CODE_OUTSIDE_ZONE:
        *e = DC_API_CODE_OUTSIDE_ZONE;
        if (r->has_actual_zone)
            snprintf(message, size,
                     "the place lies outside zone %05u, in zone %05u: did you mean %s?",
                     r->zone.postcode, r->actual_zone.postcode, r->corrected.display);
        else
            snprintf(message, size, "the place lies outside zone %05u, in no zone",
                     r->zone.postcode);
        return true;
    case DC_GEO_OUT_OF_COVERAGE:
        *e = DC_API_OUT_OF_COVERAGE;
        snprintf(message, size, "the place lies in no postal zone of this index");
        return true;
    }
    *e = DC_API_INTERNAL;
    snprintf(message, size, "unknown status");
    return true;
}

/* ---- endpoints -------------------------------------------------------------- */

/* The forward statuses whose GeoJSON has features: those with a place in
 * a zone. The others (malformed, unknown_postcode, out_of_coverage) are
 * "nothing here": an empty collection. */
static bool forward_has_features(const dc_geo_forward_result *r)
{
    return r->status == DC_GEO_OK || r->status == DC_GEO_UNREGISTERED ||
           r->status == DC_GEO_RETIRED || r->status == DC_GEO_CODE_OUTSIDE_ZONE;
}

static void forward_answer(dc_jw *w, dc_geo_session *s, bool geojson, const char *code,
                           size_t len, const dc_geo_forward_result *r,
                           const dc_api_error *e, const char *message,
                           const dc_generation *gen)
{
    dc_jw_reset(w);
    if (geojson) {
        dc_render_collection_begin(w, dc_geo_status_name(r->status));
        if (e) dc_http_error_member(w, *e, message);
        dc_http_fingerprint_member(w, gen);
        if (r->status == DC_GEO_OK) dc_render_similar_codes(w, s, r);
        dc_render_features_begin(w);
        if (forward_has_features(r)) dc_render_forward_features(w, s, code, len, r);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        if (e) dc_http_error_member(w, *e, message);
        dc_render_forward_answer(w, s, code, len, r);
        if (r->status == DC_GEO_OK) dc_render_similar_codes(w, s, r);
        dc_http_fingerprint_member(w, gen);
        dc_jw_end(w);
    }
}

/* ---- the lookups' skeleton ------------------------------------------------- */

/* The lookup and its steps (http_lookup.h), by their short names here. */
typedef dc_http_short_place short_place;
typedef dc_http_lookup lookup;
typedef dc_http_lookup_steps lookup_steps;

/* What every GET lookup does: parameters and representation, the rate,
 * a session, the lookup, 500 when it fails, 304 when the client has the
 * answer, the answer. */
static enum MHD_Result lookup_answer(struct MHD_Connection *c, dc_request *req,
                                     const char *path, dc_generation *gen, dc_worker *wk,
                                     const lookup_steps *steps)
{
    lookup k;
    memset(&k, 0, sizeof k);
    k.path = path, k.wk = wk, k.gen = gen;
    bool good = dc_query_read(c, &k.q, steps->params);
    dc_query_negotiate(c, req, &k.q);
    bool geojson = k.q.geojson;
    if (!good)
        return dc_http_send_problem(c, req, geojson, DC_API_BAD_PARAMETER, k.q.problem,
                                    gen, wk);
    if (req->path_control && steps->path_part) {
        snprintf(k.message, sizeof k.message,
                 "the %s in the path contains a NUL or control character",
                 steps->path_part);
        return dc_http_send_problem(c, req, geojson, DC_API_BAD_PARAMETER, k.message, gen,
                                    wk);
    }
    int32_t day = DC_GEO_NOW;
    if (k.q.given[DC_Q_AT] &&
        (!k.q.value[DC_Q_AT] ||
         dc_date_parse(k.q.value[DC_Q_AT], k.q.size[DC_Q_AT], &day)))
        return dc_http_send_problem(c, req, geojson, DC_API_BAD_PARAMETER,
                                    "parameter at must be a day written YYYY-MM-DD", gen,
                                    wk);
    if (!steps->parse(&k))
        return dc_http_send_problem(c, req, geojson, k.error, k.message, gen, wk);
    enum MHD_Result limited;
    if (k.records && dc_http_rate_limited(c, req, 0, k.records, gen, &limited))
        return limited;
    dc_err rc = dc_geo_session_begin(gen->geo, &k.s);
    if (rc == DC_OK) dc_geo_session_at(k.s, day);
    if (rc == DC_OK) rc = steps->find(&k);
    if (rc == DC_OK && k.problem) {
        dc_geo_session_end(k.s);
        return dc_http_send_problem(c, req, geojson, k.error, k.message, gen, wk);
    }
    if (rc != DC_OK) {
        dc_geo_session_end(k.s);
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    }
    if (!k.failed && dc_http_if_none_match(c, req, gen)) {
        dc_geo_session_end(k.s);
        return dc_http_not_modified(c, req, gen);
    }
    steps->render(&k, &wk->jw, geojson);
    dc_geo_session_end(k.s);
    return dc_http_send_json(c, req,
                             k.failed ? dc_api_error_status(k.error) : MHD_HTTP_OK,
                             geojson, &wk->jw, gen, true);
}

/* ?postcode=: as diachi lookup --zone: a 7-character short code is the
 * location of that zone's code; a shorter one is recovered against the
 * zone's reference point into a full Plus Code. */
static bool place_in_postcode(dc_geo_session *s, const char *text, const char *postcode,
                              short_place *sp)
{
    uint32_t pc;
    dc_zone z;
    dc_error err = {0};
    char full[DC_OLC_SIZE];
    sp->error = DC_API_BAD_PARAMETER;
    if (dc_postcode_parse(postcode, strlen(postcode), &pc, &err) != DC_OK) {
        snprintf(sp->message, sizeof sp->message, "parameter postcode: %s", err.message);
        return false;
    }
    if (dc_geo_zone(s, pc, &z) != DC_OK) {
        sp->error = DC_API_UNKNOWN_POSTCODE;
        snprintf(sp->message, sizeof sp->message, "no postal zone has postcode %05u", pc);
        return false;
    }
    if (dc_code_significant(text, strlen(text), NULL, 0) == DC_CODE_LOCATION_CHARS) {
        snprintf(sp->code, sizeof sp->code, "%05u %s", pc, text);
        return true;
    }
    if (dc_olc_recover(text, z.ref_lat_e7 / 1e7, z.ref_lon_e7 / 1e7, full, sizeof full) !=
        DC_OK) {
        snprintf(sp->message, sizeof sp->message, "%.40s is not a short Plus Code", text);
        return false;
    }
    snprintf(sp->code, sizeof sp->code, "%s", full);
    return true;
}

/* ?locality=: as diachi lookup "92P5+RF5 Mường Thanh, Điện Biên". */
static bool place_in_locality(dc_geo_session *s, const char *text, const char *locality,
                              short_place *sp)
{
    char both[1024], full[DC_OLC_SIZE];
    int n = snprintf(both, sizeof both, "%s %s", text, locality);
    dc_err rc = n > 0 && (size_t)n < sizeof both
                    ? dc_geo_resolve_short(s, both, (size_t)n, full, sizeof full, NULL)
                    : DC_E_NOT_FOUND;
    if (rc == DC_OK) {
        snprintf(sp->code, sizeof sp->code, "%s", full);
        return true;
    }
    sp->error = rc == DC_E_NOT_FOUND ? DC_API_UNKNOWN_LOCALITY : DC_API_BAD_PARAMETER;
    if (rc == DC_E_NOT_FOUND)
        snprintf(sp->message, sizeof sp->message,
                 "no zone, district or province of this index is named in locality "
                 "%.80s",
                 locality);
    else
        snprintf(sp->message, sizeof sp->message,
                 "with locality, the path is a short Plus Code (92P5+RF5), not %.40s",
                 text);
    return false;
}

/* The code a path and its postcode or locality name (see above). */
static bool place_short(dc_geo_session *s, const dc_query *q, const char *text,
                        short_place *sp)
{
    const char *postcode = q->value[DC_Q_POSTCODE], *locality = q->value[DC_Q_LOCALITY];
    if (postcode && locality) {
        sp->error = DC_API_BAD_PARAMETER;
        snprintf(sp->message, sizeof sp->message,
                 "parameters postcode and locality: give one of them");
        return false;
    }
    if (!dc_olc_is_short(text)) {
        sp->error = DC_API_BAD_PARAMETER;
        snprintf(sp->message, sizeof sp->message,
                 "with parameter %s, the path is a short Plus Code (92P5+RF5), not %.40s",
                 postcode ? "postcode" : "locality", text);
        return false;
    }
    return postcode ? place_in_postcode(s, text, postcode, sp)
                    : place_in_locality(s, text, locality, sp);
}

/* GET /v1/codes/{code}: the code's place (a short Plus Code with
 * ?postcode= or ?locality=), with similar codes when it is registered. */
static bool codes_parse(lookup *k)
{
    k->records = 1;
    return true;
}

static dc_err codes_find(lookup *k)
{
    const char *code = k->path;
    if (k->q.given[DC_Q_POSTCODE] || k->q.given[DC_Q_LOCALITY]) {
        if (!place_short(k->s, &k->q, k->path, &k->sp)) {
            k->problem = true, k->error = k->sp.error;
            memcpy(k->message, k->sp.message, sizeof k->message);
            return DC_OK;
        }
        code = k->sp.code;
    }
    dc_geo_forward_result *r = &k->wk->forward;
    dc_err rc = dc_geo_forward(k->s, code, strlen(code), r);
    if (rc == DC_OK) rc = dc_geo_similar(k->s, r);
    if (rc == DC_OK)
        k->failed = forward_error(r, code, &k->error, k->message, sizeof k->message);
    return rc;
}

static void codes_render(lookup *k, dc_jw *w, bool geojson)
{
    forward_answer(w, k->s, geojson, k->path, strlen(k->path), &k->wk->forward,
                   k->failed ? &k->error : NULL, k->message, k->gen);
}

static const lookup_steps codes_steps = {1u << DC_Q_POSTCODE | 1u << DC_Q_LOCALITY |
                                             1u << DC_Q_AT,
                                         "code", codes_parse, codes_find, codes_render};

/* The reverse parameters, or the problem with them in words. */
static const char *reverse_params(const dc_query *q, double *lat, double *lon,
                                  dc_render_reverse_query *rq)
{
    double limit = DC_QUERY_DEFAULT_LIMIT, given;
    const char *problem;
    rq->radius_m = DC_QUERY_DEFAULT_RADIUS_M;
    if (!q->given[DC_Q_LAT]) return "parameter lat is missing";
    if (!dc_query_number(q->value[DC_Q_LAT], -90, 90, lat))
        return "parameter lat must be a number of degrees in -90..90";
    if ((problem = dc_query_lon(q, &given)) != NULL) return problem;
    *lon = dc_query_point_lon(given, rq);
    if (q->given[DC_Q_RADIUS] &&
        !dc_query_number(q->value[DC_Q_RADIUS], 0, DC_GEO_MAX_RADIUS_M, &rq->radius_m))
        return "parameter radius must be a number of metres in 0..1000";
    if (q->given[DC_Q_LIMIT] &&
        (!dc_query_number(q->value[DC_Q_LIMIT], 0, DC_GEO_MAX_NEIGHBOURS, &limit) ||
         limit != floor(limit)))
        return "parameter limit must be a whole number in 0..100";
    rq->limit = (size_t)limit;
    return NULL;
}

static void reverse_answer(dc_jw *w, dc_geo_session *s, bool geojson,
                           const dc_geo_reverse_result *r,
                           const dc_render_reverse_query *rq, const dc_generation *gen)
{
    static const char message[] = "the point lies in no postal zone of this index";
    bool failed = r->status != DC_GEO_OK;
    dc_jw_reset(w);
    if (geojson) {
        dc_render_collection_begin(w, dc_geo_status_name(r->status));
        if (failed) dc_http_error_member(w, DC_API_OUT_OF_COVERAGE, message);
        dc_http_fingerprint_member(w, gen);
        dc_render_features_begin(w);
        if (!failed) dc_render_reverse_features(w, s, r, rq);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        if (failed) dc_http_error_member(w, DC_API_OUT_OF_COVERAGE, message);
        dc_render_reverse_answer(w, s, r, rq);
        dc_http_fingerprint_member(w, gen);
        dc_jw_end(w);
    }
}

/* GET /v1/reverse: the code, zone and households at a point. */
static bool reverse_parse(lookup *k)
{
    const char *problem = reverse_params(&k->q, &k->lat, &k->lon, &k->rq);
    if (problem) {
        k->error = DC_API_BAD_PARAMETER;
        snprintf(k->message, sizeof k->message, "%s", problem);
        return false;
    }
    k->records = k->rq.limit ? k->rq.limit : 1;
    return true;
}

static dc_err reverse_find(lookup *k)
{
    dc_geo_reverse_result *r = &k->wk->reverse;
    dc_err rc = dc_geo_reverse(k->s, k->lat, k->lon, k->rq.radius_m, k->rq.limit, r);
    k->failed = rc == DC_OK && r->status != DC_GEO_OK;
    k->error = DC_API_OUT_OF_COVERAGE;
    return rc;
}

static void reverse_render(lookup *k, dc_jw *w, bool geojson)
{
    reverse_answer(w, k->s, geojson, &k->wk->reverse, &k->rq, k->gen);
}

static const lookup_steps reverse_steps = {
    1u << DC_Q_LAT | 1u << DC_Q_LON | 1u << DC_Q_LNG | 1u << DC_Q_RADIUS |
        1u << DC_Q_LIMIT | 1u << DC_Q_AT,
    NULL, reverse_parse, reverse_find, reverse_render};

/* GET /v1/zones/{postcode}: a postal zone, its polygon and reference. */
static bool zones_parse(lookup *k)
{
    dc_error perr = {0};
    if (dc_postcode_parse(k->path, strlen(k->path), &k->postcode, &perr) == DC_OK)
        return true;
    k->error = DC_API_BAD_PARAMETER;
    snprintf(k->message, sizeof k->message, "the postcode in the path: %s", perr.message);
    return false;
}

static dc_err zones_find(lookup *k)
{
    dc_err rc = dc_geo_zone(k->s, k->postcode, &k->zone);
    if (rc != DC_E_NOT_FOUND) return rc;
    rc = dc_geo_earlier_zone(k->s, k->postcode, &k->zone, &k->valid_until);
    if (rc != DC_E_NOT_FOUND) {
        k->earlier = rc == DC_OK;
        return rc;
    }
    k->problem = true, k->error = DC_API_UNKNOWN_POSTCODE;
    snprintf(k->message, sizeof k->message, "no postal zone has postcode %05u",
             k->postcode);
    return DC_OK;
}

static void zones_render(lookup *k, dc_jw *w, bool geojson)
{
    dc_jw_reset(w);
    if (geojson) {
        dc_render_collection_begin(w, "ok");
        dc_http_fingerprint_member(w, k->gen);
        dc_render_features_begin(w);
        dc_render_zone_features(w, &k->zone);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        if (k->earlier) {
            dc_render_earlier_zone_members(w, k->s, &k->zone, k->valid_until);
        } else {
            dc_render_zone_members(w, &k->zone, true);
            dc_render_zone_former(w, k->s, &k->zone);
        }
        dc_http_fingerprint_member(w, k->gen);
        dc_jw_end(w);
    }
}

static const lookup_steps zones_steps = {0, "postcode", zones_parse, zones_find,
                                         zones_render};

/* ---- the small endpoints and routing --------------------------------------- */

static enum MHD_Result status_json(struct MHD_Connection *c, dc_request *req,
                                   const char *status, dc_generation *gen, dc_worker *wk)
{
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_jw_key(w, "status");
    dc_jw_cstring(w, status);
    dc_http_fingerprint_member(w, gen);
    dc_jw_key(w, "households");
    dc_jw_int(w, (int64_t)gen->households);
    dc_jw_key(w, "build_time");
    dc_jw_int(w, gen->build_time);
    dc_jw_end(w);
    return dc_http_send_json(c, req, MHD_HTTP_OK, false, w, gen, false);
}

static enum MHD_Result preflight(struct MHD_Connection *c, dc_request *req,
                                 dc_generation *gen)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    const char *origin = req->allow_origin;
    const char *methods = req->endpoint == DC_EP_BATCH || req->endpoint == DC_EP_ROUND
                              ? "POST, OPTIONS"
                              : "GET, HEAD, OPTIONS";
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, methods);
    MHD_add_response_header(r, "X-Diachi-Index", gen->fingerprint);
    if (origin) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        MHD_add_response_header(r, "Access-Control-Allow-Methods", methods);
        MHD_add_response_header(r, "Access-Control-Allow-Headers",
                                "Content-Type, If-None-Match");
        MHD_add_response_header(r, "Access-Control-Max-Age", "86400");
    }
    if (req->srv->norigins && !req->srv->cors_any)
        MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Origin");
    dc_http_close_if_draining(req, r);
    req->status = MHD_HTTP_NO_CONTENT;
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_NO_CONTENT, r);
    MHD_destroy_response(r);
    return ret;
}

static bool method_allowed(dc_endpoint ep, const char *method)
{
    if (ep == DC_EP_BATCH || ep == DC_EP_ROUND)
        return strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
           strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

/* ---- the routes ------------------------------------------------------------ */

typedef struct route route;

/* An endpoint's answer; @p path is the URL after the route's prefix. */
typedef enum MHD_Result answer_fn(const route *rt, struct MHD_Connection *c,
                                  dc_request *req, const char *path, dc_generation *gen,
                                  dc_worker *wk);

struct route {
    const char *path; /* the path, or its prefix when it ends in '/' */
    dc_endpoint endpoint;
    answer_fn *answer;
    const lookup_steps *steps; /* for lookup_route */
};

static enum MHD_Result lookup_route(const route *rt, struct MHD_Connection *c,
                                    dc_request *req, const char *path, dc_generation *gen,
                                    dc_worker *wk)
{
    return lookup_answer(c, req, path, gen, wk, rt->steps);
}

static enum MHD_Result batch_route(const route *rt, struct MHD_Connection *c,
                                   dc_request *req, const char *path, dc_generation *gen,
                                   dc_worker *wk)
{
    (void)rt, (void)path;
    return dc_http_batch(c, req, gen, wk);
}

static enum MHD_Result healthz_route(const route *rt, struct MHD_Connection *c,
                                     dc_request *req, const char *path,
                                     dc_generation *gen, dc_worker *wk)
{
    (void)rt, (void)path;
    return status_json(c, req, "alive", gen, wk);
}

static enum MHD_Result readyz_route(const route *rt, struct MHD_Connection *c,
                                    dc_request *req, const char *path, dc_generation *gen,
                                    dc_worker *wk)
{
    (void)rt, (void)path;
    if (atomic_load(&req->srv->draining))
        return dc_http_send_error(c, req, DC_API_NOT_READY, "the server is shutting down",
                                  gen);
    return status_json(c, req, "ready", gen, wk);
}

static enum MHD_Result metrics_route(const route *rt, struct MHD_Connection *c,
                                     dc_request *req, const char *path,
                                     dc_generation *gen, dc_worker *wk)
{
    (void)rt, (void)path;
    dc_jw_reset(&wk->jw);
    dc_http_metrics_text(req->srv, gen, &wk->jw);
    if (dc_jw_failed(&wk->jw))
        return dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    return dc_http_send(c, req, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                        wk->jw.buf, wk->jw.len, gen, false);
}

static enum MHD_Result openapi_route(const route *rt, struct MHD_Connection *c,
                                     dc_request *req, const char *path,
                                     dc_generation *gen, dc_worker *wk)
{
    (void)rt, (void)path, (void)wk;
    if (dc_http_if_none_match(c, req, gen)) return dc_http_not_modified(c, req, gen);
    return dc_http_send(c, req, MHD_HTTP_OK, "application/json", dc_openapi_json,
                        dc_openapi_json_len, gen, true);
}

/* POST /v1/round: a postal worker's round (http_round.c). */
static enum MHD_Result round_route(const route *rt, struct MHD_Connection *c,
                                   dc_request *req, const char *path, dc_generation *gen,
                                   dc_worker *wk)
{
    (void)rt, (void)path;
    return dc_http_round(c, req, gen, wk);
}

/* GET /search and GET /reverse, Nominatim's pair (http_nominatim.c). */
static enum MHD_Result nominatim_route(const route *rt, struct MHD_Connection *c,
                                       dc_request *req, const char *path,
                                       dc_generation *gen, dc_worker *wk)
{
    (void)path;
    return dc_http_nominatim(c, req, gen, wk, rt->endpoint == DC_EP_NOMINATIM_REVERSE);
}

/* What the map page reads, and the page (http_map.c, http_page.c). */
static enum MHD_Result map_route(const route *rt, struct MHD_Connection *c,
                                 dc_request *req, const char *path, dc_generation *gen,
                                 dc_worker *wk)
{
    if (rt->endpoint == DC_EP_ZONES_BOX) return dc_http_map_zones(c, req, gen, wk);
    if (rt->endpoint == DC_EP_HOUSEHOLDS) return dc_http_map_households(c, req, gen, wk);
    return dc_http_map_page(c, req, strcmp(rt->path, "/") == 0 ? "index.html" : path, gen,
                            wk);
}

/* GET /v1/qr?text=, the page's link as a QR code (http_qr.c). */
static enum MHD_Result qr_route(const route *rt, struct MHD_Connection *c, dc_request *req,
                                const char *path, dc_generation *gen, dc_worker *wk)
{
    (void)rt, (void)path;
    return dc_http_qr(c, req, gen, wk);
}

/* Every endpoint: a new one is a row here and its answer (for a GET
 * lookup, its lookup_steps). */
static const route routes[] = {
    {"/v1/codes/", DC_EP_CODES, lookup_route, &codes_steps},
    {"/v1/zones/", DC_EP_ZONES, lookup_route, &zones_steps},
    {"/v1/reverse", DC_EP_REVERSE, lookup_route, &reverse_steps},
    {"/v1/search", DC_EP_SEARCH, lookup_route, &dc_http_search_steps},
    {"/v1/autocomplete", DC_EP_AUTOCOMPLETE, lookup_route, &dc_http_complete_steps},
    {"/v1/batch", DC_EP_BATCH, batch_route, NULL},
    {"/v1/round", DC_EP_ROUND, round_route, NULL},
    {"/healthz", DC_EP_HEALTHZ, healthz_route, NULL},
    {"/readyz", DC_EP_READYZ, readyz_route, NULL},
    {"/metrics", DC_EP_METRICS, metrics_route, NULL},
    {"/openapi.json", DC_EP_OPENAPI, openapi_route, NULL},
    {"/search", DC_EP_NOMINATIM_SEARCH, nominatim_route, NULL},
    {"/reverse", DC_EP_NOMINATIM_REVERSE, nominatim_route, NULL},
    {"/v1/zones", DC_EP_ZONES_BOX, map_route, NULL},
    {"/v1/households", DC_EP_HOUSEHOLDS, map_route, NULL},
    {"/v1/qr", DC_EP_QR, qr_route, NULL},
    {"/", DC_EP_PAGE, map_route, NULL},
    {"/static/", DC_EP_PAGE, map_route, NULL},
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* The route of a path: a prefix route takes any path that starts with
 * it, another only its own ("/" is the page's own path, not a prefix). */
static const route *route_of(const char *url)
{
    for (size_t i = 0; i < NROUTES; i++) {
        size_t n = strlen(routes[i].path);
        bool prefix = n > 1 && routes[i].path[n - 1] == '/';
        if (prefix ? strncmp(url, routes[i].path, n) == 0
                   : strcmp(url, routes[i].path) == 0)
            return &routes[i];
    }
    return NULL;
}

dc_endpoint dc_http_endpoint_of(const char *url)
{
    const route *rt = route_of(url);
    return rt ? rt->endpoint : DC_EP_OTHER;
}

static enum MHD_Result dispatch(struct MHD_Connection *c, dc_request *req,
                                const char *url, dc_generation *gen, dc_worker *wk)
{
    const route *rt = route_of(url);
    if (!rt || rt->endpoint != req->endpoint)
        return dc_http_send_error(c, req, DC_API_NOT_FOUND, "no such path", gen);
    return rt->answer(rt, c, req, url + strlen(rt->path), gen, wk);
}

enum MHD_Result dc_http_route(struct MHD_Connection *c, dc_request *req, const char *url,
                              const char *method)
{
    dc_worker *wk = dc_http_worker();
    if (!wk) return MHD_NO;
    dc_generation *gen = dc_http_acquire(req->srv);
    enum MHD_Result ret;
    char message[128];
    if (req->endpoint == DC_EP_OTHER) {
        snprintf(message, sizeof message, "no such path: %.80s", req->path);
        ret = dc_http_send_error(c, req, DC_API_NOT_FOUND, message, gen);
    } else if (req->path_control && req->endpoint != DC_EP_CODES &&
               req->endpoint != DC_EP_ZONES) {
        ret = dc_http_send_error(c, req, DC_API_BAD_PARAMETER,
                                 "the path contains a NUL or control character", gen);
    } else if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
        ret = preflight(c, req, gen);
    } else if (!method_allowed(req->endpoint, method)) {
        snprintf(message, sizeof message, "%.16s is not allowed here", method);
        ret = dc_http_send_error(c, req, DC_API_METHOD_NOT_ALLOWED, message, gen);
    } else {
        ret = dispatch(c, req, url, gen, wk);
    }
    dc_http_release(gen);
    return ret;
}
