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

#include "diachi/batch.h"
#include "http_form.h"
#include "http_internal.h"
#include "render.h"

/* The OpenAPI document, embedded at build time from docs/openapi.json. */
extern const char dc_openapi_json[];
extern const size_t dc_openapi_json_len;

#define CODES_PREFIX "/v1/codes/"
#define ZONES_PREFIX "/v1/zones/"
#define DEFAULT_RADIUS_M 50.0
#define DEFAULT_LIMIT 10

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

dc_endpoint dc_http_endpoint_of(const char *url)
{
    static const struct {
        const char *path;
        dc_endpoint endpoint;
    } exact[] = {{"/v1/reverse", DC_EP_REVERSE}, {"/v1/batch", DC_EP_BATCH},
                 {"/healthz", DC_EP_HEALTHZ},    {"/readyz", DC_EP_READYZ},
                 {"/metrics", DC_EP_METRICS},    {"/openapi.json", DC_EP_OPENAPI}};
    if (has_prefix(url, CODES_PREFIX)) return DC_EP_CODES;
    if (has_prefix(url, ZONES_PREFIX)) return DC_EP_ZONES;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(url, exact[i].path) == 0) return exact[i].endpoint;
    return DC_EP_OTHER;
}

/* ---- query parameters ------------------------------------------------------ */

/* The parameters the endpoints read. A parameter an endpoint does not read
 * is ignored, whatever its name: web maps and their libraries add their
 * own (`_` against caches, `callback`, `zoom`, `email`) and a client
 * should not break on them. A parameter the endpoint reads is checked
 * strictly: given twice, or with a bad value, it is a 400 naming it. */
enum {
    P_FORMAT,
    P_LAT,
    P_LON,
    P_LNG,
    P_RADIUS,
    P_LIMIT,
    P_CODE_COLUMN,
    P_LAT_COLUMN,
    P_LON_COLUMN,
    P_DELIMITER,
    P_POSTCODE,
    P_LOCALITY,
    P_COUNT
};
static const char *const param_names[P_COUNT] = {
    "format",      "lat",        "lon",        "lng",       "radius",   "limit",
    "code_column", "lat_column", "lon_column", "delimiter", "postcode", "locality"};

typedef struct query {
    unsigned allowed; /* bit per P_ */
    const char *value[P_COUNT];
    bool given[P_COUNT];
    char problem[200]; /* the first bad parameter, said in words */
    bool geojson;      /* the representation chosen (negotiate) */
} query;

/* A NUL or control character in @p s's @p len bytes (libmicrohttpd gives
 * a parameter's unescaped length: a C string stops at an encoded NUL). */
static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return true;
    return false;
}

/* A parameter's name as far as it can be printed. */
static int printable_len(const char *s)
{
    int n = 0;
    while (n < 40 && (unsigned char)s[n] >= 0x20 && s[n] != 0x7f)
        n++;
    return n;
}

static enum MHD_Result query_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    query *q = cls;
    (void)kind;
    if ((has_control(key, key_size) || (value && has_control(value, value_size))) &&
        !q->problem[0])
        snprintf(q->problem, sizeof q->problem,
                 "parameter %.*s contains a NUL or control character", printable_len(key),
                 key);
    for (int p = 0; p < P_COUNT; p++) {
        if (strcmp(key, param_names[p]) != 0 || !(q->allowed & (1u << p))) continue;
        if (q->given[p] && !q->problem[0])
            snprintf(q->problem, sizeof q->problem, "parameter %s is given twice", key);
        q->given[p] = true;
        q->value[p] = value ? value : "";
        return MHD_YES;
    }
    return MHD_YES; /* not read here: ignored (see above) */
}

/* Read every parameter (all of them, so that format is known even when
 * another is bad); false with q->problem set when one is bad. */
static bool query_read(struct MHD_Connection *c, query *q, unsigned allowed)
{
    memset(q, 0, sizeof *q);
    q->allowed = allowed | (1u << P_FORMAT);
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, query_param, q);
    const char *f = q->value[P_FORMAT];
    if (f && strcmp(f, "json") != 0 && strcmp(f, "geojson") != 0) {
        snprintf(q->problem, sizeof q->problem,
                 "parameter format must be json or geojson, not %.40s", f);
        q->value[P_FORMAT] = NULL;
    }
    return q->problem[0] == '\0';
}

/* The quality an Accept header gives @p type: the q of its most specific
 * matching range (the type itself, then "application/x", then "x/x", with
 * x a star), -1 when none matches; *named: the type itself is listed. */
static double accept_quality(const char *accept, const char *type, bool *named)
{
    size_t tlen = strlen(type), major = (size_t)(strchr(type, '/') - type) + 1;
    double best_q = -1;
    int best = 0;
    for (const char *p = accept; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ";, \t");
        int rank = 0;
        if (n == tlen && strncasecmp(p, type, n) == 0)
            rank = 3;
        else if (n == major + 1 && strncasecmp(p, type, major) == 0 && p[major] == '*')
            rank = 2;
        else if (n == 3 && strncmp(p, "*/*", 3) == 0)
            rank = 1;
        double q = 1;
        for (p += n; *p && *p != ',';) {
            p += strspn(p, " \t;");
            if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') q = strtod(p + 2, NULL);
            p += strcspn(p, ";,");
        }
        if (rank > best) best = rank, best_q = q;
    }
    *named = best == 3;
    return best_q;
}

/* The representation of a GET: format= when given, else GeoJSON when the
 * Accept header names application/geo+json above application/json (a
 * type named beats a wildcard of the same quality). The answer then
 * varies with Accept, and its ETag with the representation. */
static void negotiate(struct MHD_Connection *c, dc_request *req, query *q)
{
    const char *f = q->value[P_FORMAT];
    if (f) {
        q->geojson = strcmp(f, "geojson") == 0;
    } else if (!q->given[P_FORMAT]) {
        const char *accept =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
        bool geo_named = false, json_named = false;
        double geo =
            accept ? accept_quality(accept, "application/geo+json", &geo_named) : -1;
        double json =
            accept ? accept_quality(accept, "application/json", &json_named) : -1;
        q->geojson = geo_named && geo > 0 && (geo > json || (geo == json && !json_named));
        req->vary_accept = true;
    }
    req->geojson = q->geojson;
}

/* A decimal number in [lo, hi]: no hex, no inf or nan, nothing after it. */
static bool parse_number(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s || strspn(s, "0123456789+-.eE") != strlen(s)) return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* ---- answers --------------------------------------------------------------- */

/* If-None-Match matches this answer's ETag (or is *). Asked only of an
 * answer that would be a 200: a precondition applies to 2xx answers only
 * (RFC 9110 13.2.1), so an error is never turned into a 304. */
static bool if_none_match(struct MHD_Connection *c, const dc_request *req,
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

static enum MHD_Result not_modified(struct MHD_Connection *c, dc_request *req,
                                    const dc_generation *gen)
{
    return dc_http_send(c, req, MHD_HTTP_NOT_MODIFIED, NULL, "", 0, gen, true);
}

static void fingerprint_member(dc_jw *w, const dc_generation *gen)
{
    dc_jw_key(w, "fingerprint");
    dc_jw_cstring(w, gen->fingerprint);
}

/* Send the worker's buffer: JSON, or GeoJSON; errors when it failed. */
static enum MHD_Result send_buffer(struct MHD_Connection *c, dc_request *req,
                                   unsigned status, bool geojson, dc_jw *w,
                                   const dc_generation *gen, bool cacheable)
{
    if (dc_jw_failed(w))
        return dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    return dc_http_send(c, req, status,
                        geojson ? "application/geo+json" : "application/json", w->buf,
                        w->len, gen, cacheable);
}

/* The API error of a forward status that is not a 200. */
static bool forward_error(const dc_geo_forward_result *r, const char *input,
                          dc_api_error *e, char *message, size_t size)
{
    switch (r->status) {
    case DC_GEO_OK:
    case DC_GEO_UNREGISTERED:
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

/* A GET that names no place: an error, as JSON, or as an empty
 * FeatureCollection that carries it when GeoJSON was asked, so that a web
 * map reading the body (L.geoJSON) draws nothing rather than failing. */
static enum MHD_Result send_problem(struct MHD_Connection *c, dc_request *req,
                                    const query *q, dc_api_error e, const char *message,
                                    dc_generation *gen, dc_worker *wk)
{
    if (!q->geojson) return dc_http_send_error(c, req, e, message, gen);
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_render_collection_begin(w, dc_api_error_code(e));
    dc_http_error_member(w, e, message);
    fingerprint_member(w, gen);
    dc_render_features_begin(w);
    dc_render_collection_end(w);
    return send_buffer(c, req, dc_api_error_status(e), true, w, gen, false);
}

/* ---- endpoints -------------------------------------------------------------- */

/* The forward statuses whose GeoJSON has features: those with a place in
 * a zone. The others (malformed, unknown_postcode, out_of_coverage) are
 * "nothing here": an empty collection. */
static bool forward_has_features(const dc_geo_forward_result *r)
{
    return r->status == DC_GEO_OK || r->status == DC_GEO_UNREGISTERED ||
           r->status == DC_GEO_CODE_OUTSIDE_ZONE;
}

static void forward_answer(dc_jw *w, dc_geo_session *s, const query *q, const char *code,
                           size_t len, const dc_geo_forward_result *r,
                           const dc_api_error *e, const char *message,
                           const dc_generation *gen)
{
    dc_jw_reset(w);
    if (q->geojson) {
        dc_render_collection_begin(w, dc_geo_status_name(r->status));
        if (e) dc_http_error_member(w, *e, message);
        fingerprint_member(w, gen);
        if (r->status == DC_GEO_OK) dc_render_similar_codes(w, s, r);
        dc_render_features_begin(w);
        if (forward_has_features(r)) dc_render_forward_features(w, s, code, len, r);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        if (e) dc_http_error_member(w, *e, message);
        dc_render_forward_answer(w, s, code, len, r);
        if (r->status == DC_GEO_OK) dc_render_similar_codes(w, s, r);
        fingerprint_member(w, gen);
        dc_jw_end(w);
    }
}

/* Where a short Plus Code in the path is placed: the code to look up, or
 * the problem (an API error and its message). */
typedef struct short_place {
    char code[64];
    dc_api_error error;
    char message[DC_ERROR_MESSAGE_SIZE + 64];
} short_place;

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
static bool place_short(dc_geo_session *s, const query *q, const char *text,
                        short_place *sp)
{
    const char *postcode = q->value[P_POSTCODE], *locality = q->value[P_LOCALITY];
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

static enum MHD_Result codes(struct MHD_Connection *c, dc_request *req, const char *url,
                             dc_generation *gen, dc_worker *wk)
{
    query q;
    enum MHD_Result limited;
    bool good = query_read(c, &q, 1u << P_POSTCODE | 1u << P_LOCALITY);
    negotiate(c, req, &q);
    if (!good) return send_problem(c, req, &q, DC_API_BAD_PARAMETER, q.problem, gen, wk);
    if (req->path_control)
        return send_problem(c, req, &q, DC_API_BAD_PARAMETER,
                            "the code in the path contains a NUL or control character",
                            gen, wk);
    if (dc_http_rate_limited(c, req, 0, 1, gen, &limited)) return limited;
    const char *input = url + strlen(CODES_PREFIX), *code = input;
    size_t len = strlen(code);
    dc_geo_session *s = NULL;
    short_place sp;
    dc_err rc = dc_geo_session_begin(gen->geo, &s);
    if (rc == DC_OK && (q.given[P_POSTCODE] || q.given[P_LOCALITY])) {
        if (!place_short(s, &q, input, &sp)) {
            dc_geo_session_end(s);
            return send_problem(c, req, &q, sp.error, sp.message, gen, wk);
        }
        code = sp.code, len = strlen(code);
    }
    if (rc == DC_OK) rc = dc_geo_forward(s, code, len, &wk->forward);
    if (rc == DC_OK) rc = dc_geo_similar(s, &wk->forward);
    if (rc != DC_OK) {
        dc_geo_session_end(s);
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    }
    const dc_geo_forward_result *r = &wk->forward;
    dc_api_error e;
    char message[DC_ERROR_MESSAGE_SIZE + 64];
    bool failed = forward_error(r, code, &e, message, sizeof message);
    if (!failed && if_none_match(c, req, gen)) {
        dc_geo_session_end(s);
        return not_modified(c, req, gen);
    }
    forward_answer(&wk->jw, s, &q, input, strlen(input), r, failed ? &e : NULL, message,
                   gen);
    dc_geo_session_end(s);
    return send_buffer(c, req, failed ? dc_api_error_status(e) : MHD_HTTP_OK, q.geojson,
                       &wk->jw, gen, true);
}

/* OLC's rule for a longitude outside -180..180: wrap it into [-180, 180).
 * fmod is exact and so is the one addition after it (Sterbenz), so the
 * result is exactly the longitude less a multiple of 360. */
static double wrap_lon(double lon)
{
    double r = fmod(lon, 360.0);
    if (r >= 180)
        r -= 360;
    else if (r < -180)
        r += 360;
    return r;
}

/* The longitude to look up and what the answer echoes about it. */
static double point_lon(double given, dc_render_reverse_query *rq)
{
    rq->lon_normalised = !(given >= -180 && given <= 180);
    rq->lon_given = given;
    return rq->lon_normalised ? wrap_lon(given) : given;
}

/* lon, or lng (Leaflet's and Google's name): either, or both when equal. */
static const char *query_lon(const query *q, double *lon)
{
    double a = 0, b = 0;
    bool has_a = q->given[P_LON], has_b = q->given[P_LNG];
    if (!has_a && !has_b) return "parameter lon (or lng) is missing";
    if (has_a && !parse_number(q->value[P_LON], -DBL_MAX, DBL_MAX, &a))
        return "parameter lon must be a number of degrees";
    if (has_b && !parse_number(q->value[P_LNG], -DBL_MAX, DBL_MAX, &b))
        return "parameter lng must be a number of degrees";
    if (has_a && has_b && a != b)
        return "parameters lon and lng differ: give one of them";
    *lon = has_a ? a : b;
    return NULL;
}

/* The reverse parameters, or the problem with them in words. */
static const char *reverse_params(const query *q, double *lat, double *lon,
                                  dc_render_reverse_query *rq)
{
    double limit = DEFAULT_LIMIT, given;
    const char *problem;
    rq->radius_m = DEFAULT_RADIUS_M;
    if (!q->given[P_LAT]) return "parameter lat is missing";
    if (!parse_number(q->value[P_LAT], -90, 90, lat))
        return "parameter lat must be a number of degrees in -90..90";
    if ((problem = query_lon(q, &given)) != NULL) return problem;
    *lon = point_lon(given, rq);
    if (q->given[P_RADIUS] &&
        !parse_number(q->value[P_RADIUS], 0, DC_GEO_MAX_RADIUS_M, &rq->radius_m))
        return "parameter radius must be a number of metres in 0..1000";
    if (q->given[P_LIMIT] &&
        (!parse_number(q->value[P_LIMIT], 0, DC_GEO_MAX_NEIGHBOURS, &limit) ||
         limit != floor(limit)))
        return "parameter limit must be a whole number in 0..100";
    rq->limit = (size_t)limit;
    return NULL;
}

static void reverse_answer(dc_jw *w, dc_geo_session *s, const query *q,
                           const dc_geo_reverse_result *r,
                           const dc_render_reverse_query *rq, const dc_generation *gen)
{
    static const char message[] = "the point lies in no postal zone of this index";
    bool failed = r->status != DC_GEO_OK;
    dc_jw_reset(w);
    if (q->geojson) {
        dc_render_collection_begin(w, dc_geo_status_name(r->status));
        if (failed) dc_http_error_member(w, DC_API_OUT_OF_COVERAGE, message);
        fingerprint_member(w, gen);
        dc_render_features_begin(w);
        if (!failed) dc_render_reverse_features(w, s, r, rq);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        if (failed) dc_http_error_member(w, DC_API_OUT_OF_COVERAGE, message);
        dc_render_reverse_answer(w, s, r, rq);
        fingerprint_member(w, gen);
        dc_jw_end(w);
    }
}

static enum MHD_Result reverse(struct MHD_Connection *c, dc_request *req,
                               dc_generation *gen, dc_worker *wk)
{
    query q;
    double lat, lon;
    dc_render_reverse_query rq;
    bool good = query_read(
        c, &q, 1u << P_LAT | 1u << P_LON | 1u << P_LNG | 1u << P_RADIUS | 1u << P_LIMIT);
    negotiate(c, req, &q);
    const char *problem = good ? reverse_params(&q, &lat, &lon, &rq) : q.problem;
    if (problem) return send_problem(c, req, &q, DC_API_BAD_PARAMETER, problem, gen, wk);
    enum MHD_Result limited;
    if (dc_http_rate_limited(c, req, 0, rq.limit ? rq.limit : 1, gen, &limited))
        return limited;
    dc_geo_session *s;
    dc_err rc = dc_geo_session_begin(gen->geo, &s);
    if (rc == DC_OK)
        rc = dc_geo_reverse(s, lat, lon, rq.radius_m, rq.limit, &wk->reverse);
    if (rc != DC_OK) {
        dc_geo_session_end(s);
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    }
    bool failed = wk->reverse.status != DC_GEO_OK;
    if (!failed && if_none_match(c, req, gen)) {
        dc_geo_session_end(s);
        return not_modified(c, req, gen);
    }
    reverse_answer(&wk->jw, s, &q, &wk->reverse, &rq, gen);
    dc_geo_session_end(s);
    return send_buffer(c, req,
                       failed ? dc_api_error_status(DC_API_OUT_OF_COVERAGE) : MHD_HTTP_OK,
                       q.geojson, &wk->jw, gen, true);
}

static enum MHD_Result zones(struct MHD_Connection *c, dc_request *req, const char *url,
                             dc_generation *gen, dc_worker *wk)
{
    query q;
    bool good = query_read(c, &q, 0);
    negotiate(c, req, &q);
    if (!good) return send_problem(c, req, &q, DC_API_BAD_PARAMETER, q.problem, gen, wk);
    const char *pc = url + strlen(ZONES_PREFIX);
    if (req->path_control)
        return send_problem(
            c, req, &q, DC_API_BAD_PARAMETER,
            "the postcode in the path contains a NUL or control character", gen, wk);
    uint32_t postcode;
    dc_error perr = {0};
    char message[DC_ERROR_MESSAGE_SIZE + 64];
    if (dc_postcode_parse(pc, strlen(pc), &postcode, &perr) != DC_OK) {
        snprintf(message, sizeof message, "the postcode in the path: %s", perr.message);
        return send_problem(c, req, &q, DC_API_BAD_PARAMETER, message, gen, wk);
    }
    dc_geo_session *s;
    dc_zone z;
    dc_err rc = dc_geo_session_begin(gen->geo, &s);
    if (rc == DC_OK) rc = dc_geo_zone(s, postcode, &z);
    if (rc == DC_E_NOT_FOUND) {
        snprintf(message, sizeof message, "no postal zone has postcode %05u", postcode);
        dc_geo_session_end(s);
        return send_problem(c, req, &q, DC_API_UNKNOWN_POSTCODE, message, gen, wk);
    }
    if (rc != DC_OK) {
        dc_geo_session_end(s);
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    }
    if (if_none_match(c, req, gen)) {
        dc_geo_session_end(s);
        return not_modified(c, req, gen);
    }
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    if (q.geojson) {
        dc_render_collection_begin(w, "ok");
        fingerprint_member(w, gen);
        dc_render_features_begin(w);
        dc_render_zone_features(w, &z);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        dc_render_zone_members(w, &z, true);
        fingerprint_member(w, gen);
        dc_jw_end(w);
    }
    dc_geo_session_end(s);
    return send_buffer(c, req, MHD_HTTP_OK, q.geojson, w, gen, true);
}

/* ---- batch ------------------------------------------------------------------ */

/* A number member of a batch item, or false when absent or not a number. */
static bool item_number(json_t *item, const char *key, double *out)
{
    json_t *v = json_object_get(item, key);
    if (!json_is_number(v)) return false;
    *out = json_number_value(v);
    return true;
}

static void bad_item(dc_jw *w, size_t i, const char *message)
{
    char text[160];
    snprintf(text, sizeof text, "item %zu: %s", i, message);
    dc_jw_object(w);
    dc_jw_key(w, "status");
    dc_jw_cstring(w, "bad_item");
    dc_jw_key(w, "error");
    dc_jw_object(w);
    dc_jw_key(w, "code");
    dc_jw_cstring(w, "bad_item");
    dc_jw_key(w, "message");
    dc_jw_cstring(w, text);
    dc_jw_end(w);
    dc_jw_end(w);
}

/* A batch item's longitude: lon or lng, as in the query. */
static const char *item_lon(json_t *item, double *lon)
{
    json_t *a = json_object_get(item, "lon"), *b = json_object_get(item, "lng");
    if (!a && !b) return "lon (or lng) must be a number of degrees";
    if (a && !json_is_number(a)) return "lon must be a number of degrees";
    if (b && !json_is_number(b)) return "lng must be a number of degrees";
    if (a && b && json_number_value(a) != json_number_value(b))
        return "lon and lng differ: give one of them";
    *lon = json_number_value(a ? a : b);
    return NULL;
}

/* A point item's values, or the problem with them in words: the same
 * checks as GET /v1/reverse. */
static const char *point_item(json_t *item, double *lat, double *lon,
                              dc_render_reverse_query *rq)
{
    json_t *jr = json_object_get(item, "radius"), *jl = json_object_get(item, "limit");
    const char *problem;
    if (!item_number(item, "lat", lat) || !(*lat >= -90 && *lat <= 90))
        return "lat must be a number of degrees in -90..90";
    if ((problem = item_lon(item, lon)) != NULL) return problem;
    if (jr && (!item_number(item, "radius", &rq->radius_m) ||
               !(rq->radius_m >= 0 && rq->radius_m <= DC_GEO_MAX_RADIUS_M)))
        return "radius must be a number of metres in 0..1000";
    if (jl && (!json_is_integer(jl) || json_integer_value(jl) < 0 ||
               json_integer_value(jl) > DC_GEO_MAX_NEIGHBOURS))
        return "limit must be a whole number in 0..100";
    if (jl) rq->limit = (size_t)json_integer_value(jl);
    *lon = point_lon(*lon, rq);
    return NULL;
}

static dc_err batch_point(dc_geo_session *s, json_t *item, size_t i, dc_jw *w,
                          dc_worker *wk)
{
    double lat, lon;
    dc_render_reverse_query rq = {DEFAULT_RADIUS_M, DEFAULT_LIMIT, false, 0};
    const char *problem = point_item(item, &lat, &lon, &rq);
    if (problem) {
        bad_item(w, i, problem);
        return DC_OK;
    }
    dc_err rc = dc_geo_reverse(s, lat, lon, rq.radius_m, rq.limit, &wk->reverse);
    if (rc != DC_OK) return rc;
    dc_jw_object(w);
    dc_render_reverse_answer(w, s, &wk->reverse, &rq);
    dc_jw_end(w);
    return DC_OK;
}

static dc_err batch_code(dc_geo_session *s, const char *code, size_t len, dc_jw *w,
                         dc_worker *wk)
{
    dc_err rc = dc_geo_forward(s, code, len, &wk->forward);
    if (rc != DC_OK) return rc;
    dc_jw_object(w);
    dc_render_forward_answer(w, s, code, len, &wk->forward);
    dc_jw_end(w);
    return DC_OK;
}

/* One item's answer into @p w (the engine's results in @p wk). */
static dc_err batch_item(dc_geo_session *s, json_t *item, size_t i, dc_jw *w,
                         dc_worker *wk)
{
    json_t *code = json_is_object(item) ? json_object_get(item, "code") : item;
    if (json_is_string(code))
        return batch_code(s, json_string_value(code), json_string_length(code), w, wk);
    if (json_is_object(item) && !code) return batch_point(s, item, i, w, wk);
    bad_item(w, i,
             "an item is a code (a string), {\"code\": \"...\"} or {\"lat\": .., "
             "\"lon\": ..} (or \"lng\")");
    return DC_OK;
}

/* The households a batch item asks for: a code's door 1, a point its
 * limit (default 10); at least 1 (each item is a record). */
static uint64_t item_results(json_t *item)
{
    json_t *lat = json_is_object(item) ? json_object_get(item, "lat") : NULL;
    json_t *limit = lat ? json_object_get(item, "limit") : NULL;
    if (!lat) return 1;
    if (!limit) return DEFAULT_LIMIT;
    if (!json_is_integer(limit) || json_integer_value(limit) < 1) return 1;
    json_int_t v = json_integer_value(limit);
    return v > DC_GEO_MAX_NEIGHBOURS ? DC_GEO_MAX_NEIGHBOURS : (uint64_t)v;
}

/* A JSON batch past --max-batch items or --max-batch-results households
 * is refused before any lookup; then its records are charged to the
 * client's rate limit. True with *ret the answer when refused. */
static bool batch_refused(struct MHD_Connection *c, dc_request *req, json_t *items,
                          dc_generation *gen, enum MHD_Result *ret)
{
    const dc_http_config *cfg = &req->srv->config;
    size_t n = json_array_size(items);
    uint64_t results = 0;
    char message[256];
    for (size_t i = 0; i < n; i++)
        results += item_results(json_array_get(items, i));
    if (n > cfg->max_batch) {
        snprintf(message, sizeof message, "%zu items: a batch takes at most %zu", n,
                 cfg->max_batch);
        *ret = dc_http_send_error(c, req, DC_API_TOO_LARGE, message, gen);
        return true;
    }
    if (results > cfg->max_batch_results) {
        snprintf(message, sizeof message,
                 "the items ask for up to %llu households (a code 1, a point its limit): "
                 "a batch answers at most %zu",
                 (unsigned long long)results, cfg->max_batch_results);
        *ret = dc_http_send_error(c, req, DC_API_TOO_MANY_RESULTS, message, gen);
        return true;
    }
    return dc_http_rate_limited(c, req, 0, results, gen, ret);
}

/* A JSON batch's answer is rendered a slice at a time as the client takes
 * it, so that a server answering many large batches holds a few slices,
 * not the answers: the generation, a session and the items are kept for
 * the answer's life and let go in batch_stream_free. It is rendered twice:
 * once to measure it (nothing kept but a slice), so that an answer past
 * --max-batch-bytes, or a lookup that fails, still gets its error status
 * and the answer its Content-Length; then again as it is sent. The
 * session's transaction sees the same index both times, so the two
 * renderings are the same bytes. */
#define BATCH_SLICE (64u << 10)

typedef struct batch_stream {
    dc_generation *gen;
    dc_geo_session *session;
    json_t *items;
    size_t n, next; /* the items, and the next one to render */
    bool closed;    /* the closing brackets are written */
    dc_jw w;        /* rendered, not yet taken: buf[taken..len) */
    size_t taken;
    uint64_t size, sent; /* the answer's bytes (measured), and those sent */
} batch_stream;

static void batch_stream_free(void *cls)
{
    batch_stream *bs = cls;
    if (!bs) return;
    json_decref(bs->items);
    dc_geo_session_end(bs->session);
    dc_http_release(bs->gen);
    dc_jw_free(&bs->w);
    free(bs);
}

/* Start the answer anew: the members before the results. */
static void batch_stream_rewind(batch_stream *bs)
{
    dc_jw *w = &bs->w;
    bs->next = 0, bs->closed = false, bs->taken = 0;
    dc_jw_reset(w);
    dc_jw_object(w);
    fingerprint_member(w, bs->gen);
    dc_jw_key(w, "count");
    dc_jw_int(w, (int64_t)bs->n);
    dc_jw_key(w, "results");
    dc_jw_array(w);
}

/* Render the next item, or the end once there is none. */
static dc_err batch_stream_step(batch_stream *bs, dc_worker *wk)
{
    if (bs->next == bs->n) {
        dc_jw_end(&bs->w);
        dc_jw_end(&bs->w);
        bs->closed = true;
        return DC_OK;
    }
    size_t i = bs->next++;
    return batch_item(bs->session, json_array_get(bs->items, i), i, &bs->w, wk);
}

/* Forget the bytes rendered so far but not the writer's nesting: its
 * commas and brackets go on from where it is. */
static void batch_stream_drop(batch_stream *bs)
{
    bs->w.len = 0;
    bs->taken = 0;
}

/* The first rendering: the answer's size, or *stopped the item at which it
 * passed @p max_bytes (left as it was when it never did). An answer that
 * fits in one slice is left whole in bs->w. */
static dc_err batch_stream_measure(batch_stream *bs, dc_worker *wk, size_t max_bytes,
                                   size_t *stopped)
{
    uint64_t dropped = 0;
    dc_err rc = DC_OK;
    batch_stream_rewind(bs);
    while (!bs->closed && rc == DC_OK) {
        size_t i = bs->next;
        rc = batch_stream_step(bs, wk);
        if (!bs->closed && dropped + bs->w.len > max_bytes) {
            *stopped = i;
            break;
        }
        if (bs->w.len > BATCH_SLICE && !bs->closed) {
            dropped += bs->w.len;
            batch_stream_drop(bs);
        }
    }
    bs->size = dropped + bs->w.len;
    return rc;
}

/* libmicrohttpd asks for the next bytes: a slice is rendered when the
 * last one is taken. A failure now, or bytes that differ in number from
 * the first rendering, can only cut the answer short (its status is
 * sent): libmicrohttpd then closes the connection. */
static ssize_t batch_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    batch_stream *bs = cls;
    if (pos != bs->sent) return MHD_CONTENT_READER_END_WITH_ERROR;
    if (bs->taken == bs->w.len) {
        dc_worker *wk = dc_http_worker();
        dc_err rc = wk ? DC_OK : DC_E_NOMEM;
        batch_stream_drop(bs);
        while (rc == DC_OK && !bs->closed && bs->w.len < BATCH_SLICE)
            rc = batch_stream_step(bs, wk);
        if (rc != DC_OK || dc_jw_failed(&bs->w) ||
            (bs->closed && bs->sent + bs->w.len != bs->size))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = bs->w.len - bs->taken;
    if (n > max) n = max;
    if (n > bs->size - bs->sent) n = (size_t)(bs->size - bs->sent);
    if (n == 0) return MHD_CONTENT_READER_END_WITH_ERROR;
    memcpy(buf, bs->w.buf + bs->taken, n);
    bs->taken += n;
    bs->sent += n;
    return (ssize_t)n;
}

static bool is_media_type(const char *header, const char *type)
{
    size_t n = strlen(type);
    return header && strncasecmp(header, type, n) == 0 &&
           (header[n] == '\0' || header[n] == ';' || header[n] == ' ');
}

/* The CSV batch's options from the query: the same as diachi batch's. */
static const char *csv_options(const query *q, dc_batch_options *o)
{
    double radius;
    dc_batch_options_init(o);
    o->code_column = q->value[P_CODE_COLUMN];
    o->lat_column = q->value[P_LAT_COLUMN];
    o->lon_column = q->value[P_LON_COLUMN];
    if (!o->lat_column != !o->lon_column)
        return "parameters lat_column and lon_column go together";
    if (o->code_column && o->lat_column)
        return "give code_column, or lat_column and lon_column";
    const char *d = q->value[P_DELIMITER];
    if (d && strcmp(d, "tab") == 0)
        o->delimiter = '\t';
    else if (d && strlen(d) == 1 && d[0] != '"' && d[0] != '\r' && d[0] != '\n')
        o->delimiter = d[0];
    else if (d)
        return "parameter delimiter must be one character, or tab";
    if (q->given[P_RADIUS]) {
        if (!parse_number(q->value[P_RADIUS], 0, DC_GEO_MAX_RADIUS_M, &radius))
            return "parameter radius must be a number of metres in 0..1000";
        o->radius_m = radius;
    }
    return NULL;
}

/* The API error of a CSV batch's problem: 413 for a record past the
 * limit, 500 for the server's own failures, else 400 bad_csv. */
static dc_api_error csv_error(dc_batch_problem problem)
{
    switch (problem) {
    case DC_BATCH_RECORD_TOO_LONG:
        return DC_API_TOO_LARGE;
    case DC_BATCH_INDEX_FAILED:
    case DC_BATCH_OUT_OF_MEMORY:
    case DC_BATCH_WRITE_FAILED:
    case DC_BATCH_READ_FAILED:
    case DC_BATCH_CANCELLED:
        return DC_API_INTERNAL;
    default:
        return DC_API_BAD_CSV;
    }
}

/* A CSV batch's problem, with its name and line beside the error. */
static enum MHD_Result csv_problem(struct MHD_Connection *c, dc_request *req,
                                   const dc_batch_report *rep, dc_generation *gen,
                                   dc_worker *wk)
{
    dc_api_error e = csv_error(rep->problem);
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_http_error_member(w, e, rep->message);
    dc_jw_key(w, "problem");
    dc_jw_cstring(w, dc_batch_problem_name(rep->problem));
    if (rep->line) {
        dc_jw_key(w, "line");
        dc_jw_int(w, (int64_t)rep->line);
    }
    fingerprint_member(w, gen);
    dc_jw_end(w);
    return send_buffer(c, req, dc_api_error_status(e), false, w, gen, false);
}

/* The headers of a CSV batch's answer: the rows per status
 * (X-Diachi-Count-Ok, X-Diachi-Count-Unknown-Postcode, ...), and for an
 * upload the name to save it under. */
typedef struct csv_headers {
    dc_header h[DC_BATCH_NSTATUS + 2];
    size_t n;
    char names[DC_BATCH_NSTATUS][48];
    char values[DC_BATCH_NSTATUS + 1][24];
    char disposition[DC_FORM_DISPOSITION_SIZE];
} csv_headers;

static void csv_headers_fill(csv_headers *ch, const dc_batch_stats *st,
                             const char *upload)
{
    ch->n = 0;
    snprintf(ch->values[DC_BATCH_NSTATUS], sizeof ch->values[0], "%llu",
             (unsigned long long)st->rows);
    ch->h[ch->n++] = (dc_header){"X-Diachi-Count-Rows", ch->values[DC_BATCH_NSTATUS]};
    for (int i = 0; i < DC_BATCH_NSTATUS; i++) {
        /* "unknown_postcode" -> "Unknown-Postcode" */
        char *name = ch->names[i];
        int n = snprintf(name, sizeof ch->names[i], "X-Diachi-Count-%s",
                         dc_batch_status_name((dc_batch_status)i));
        for (int k = 15, up = 1; k < n; k++) {
            if (name[k] == '_') name[k] = '-';
            if (up && name[k] >= 'a' && name[k] <= 'z') name[k] = (char)(name[k] - 32);
            up = name[k] == '-';
        }
        snprintf(ch->values[i], sizeof ch->values[i], "%llu",
                 (unsigned long long)st->by_status[i]);
        ch->h[ch->n++] = (dc_header){name, ch->values[i]};
    }
    if (upload) {
        dc_form_disposition(upload, ch->disposition, sizeof ch->disposition);
        ch->h[ch->n++] = (dc_header){"Content-Disposition", ch->disposition};
    }
}

/* The CSV batch's options, from the query. */
static const char *csv_query(struct MHD_Connection *c, query *q, dc_batch_options *opt)
{
    if (!query_read(c, q,
                    1u << P_CODE_COLUMN | 1u << P_LAT_COLUMN | 1u << P_LON_COLUMN |
                        1u << P_DELIMITER | 1u << P_RADIUS))
        return q->problem;
    return csv_options(q, opt);
}

/* A CSV (the body, or the file of a form upload named @p upload): the
 * same run as diachi batch (dc_batch_run), in this thread: the service's
 * threads already answer in parallel. */
static enum MHD_Result batch_csv(struct MHD_Connection *c, dc_request *req,
                                 const char *csv, size_t len, const char *upload,
                                 dc_generation *gen, dc_worker *wk)
{
    query q;
    dc_batch_options opt;
    dc_batch_report rep;
    const char *problem = csv_query(c, &q, &opt);
    if (problem) return dc_http_send_error(c, req, DC_API_BAD_PARAMETER, problem, gen);
    char *out = NULL, empty[1] = "";
    size_t out_len = 0;
    FILE *in = fmemopen(len ? (void *)csv : empty, len, "r");
    FILE *o = open_memstream(&out, &out_len);
    if (in && o) dc_batch_run(gen->geo, in, o, &opt, &rep);
    if (in) fclose(in);
    if (o) fclose(o);
    enum MHD_Result ret;
    if (!in || !o) {
        ret = dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    } else if (rep.problem != DC_BATCH_NO_PROBLEM) {
        ret = csv_problem(c, req, &rep, gen, wk);
    } else if (rep.stats.rows > req->srv->config.max_batch) {
        char message[128];
        snprintf(message, sizeof message, "%llu rows: a batch takes at most %zu",
                 (unsigned long long)rep.stats.rows, req->srv->config.max_batch);
        ret = dc_http_send_error(c, req, DC_API_TOO_LARGE, message, gen);
    } else if (out_len > req->srv->config.max_batch_bytes) {
        char message[128];
        snprintf(message, sizeof message,
                 "the answer has %zu bytes: a batch answers at most %zu", out_len,
                 req->srv->config.max_batch_bytes);
        ret = dc_http_send_error(c, req, DC_API_ANSWER_TOO_LARGE, message, gen);
    } else if (!dc_http_rate_limited(c, req, 0, rep.stats.rows, gen, &ret)) {
        /* CSV rows are counted once read: the records are charged then. */
        csv_headers ch;
        csv_headers_fill(&ch, &rep.stats, upload);
        ret = dc_http_send_with(c, req, MHD_HTTP_OK, "text/csv; charset=utf-8", out,
                                out_len, gen, false, ch.h, ch.n);
    }
    free(out);
    return ret;
}

/* multipart/form-data, as a browser's <form enctype="multipart/form-data">
 * sends a file: its one file is the CSV, and the answer comes back as a
 * file to save (Content-Disposition: attachment). */
static enum MHD_Result batch_form(struct MHD_Connection *c, dc_request *req,
                                  const char *type, dc_generation *gen, dc_worker *wk)
{
    dc_form_file file;
    const char *problem =
        dc_form_find_file(type, req->body ? req->body : "", req->body_len, &file);
    if (problem) return dc_http_send_error(c, req, DC_API_BAD_FORM, problem, gen);
    return batch_csv(c, req, file.data, file.len, file.filename, gen, wk);
}

/* Answer a JSON batch's @p items (taken over): measured, then sent whole
 * when it fits in a slice, else streamed. */
static enum MHD_Result batch_answer(struct MHD_Connection *c, dc_request *req,
                                    json_t *items, dc_generation *gen, dc_worker *wk)
{
    size_t max_bytes = req->srv->config.max_batch_bytes, n = json_array_size(items);
    size_t stopped = n;
    char message[256];
    batch_stream *bs = calloc(1, sizeof *bs);
    if (!bs) {
        json_decref(items);
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(DC_E_NOMEM), gen);
    }
    bs->gen = dc_http_hold(gen);
    bs->items = items;
    bs->n = n;
    dc_jw_init(&bs->w);
    dc_err rc = dc_geo_session_begin(gen->geo, &bs->session);
    if (rc == DC_OK) rc = batch_stream_measure(bs, wk, max_bytes, &stopped);
    enum MHD_Result ret;
    if (rc != DC_OK) {
        ret = dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    } else if (stopped < n) {
        snprintf(message, sizeof message,
                 "the answer passed %zu bytes at item %zu of %zu: send fewer items, or "
                 "smaller radius and limit",
                 max_bytes, stopped, n);
        ret = dc_http_send_error(c, req, DC_API_ANSWER_TOO_LARGE, message, gen);
    } else if (dc_jw_failed(&bs->w)) {
        ret = dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    } else if (bs->size == bs->w.len) {
        ret = send_buffer(c, req, MHD_HTTP_OK, false, &bs->w, gen, false);
    } else {
        /* The body is parsed into the items: it is not needed any more. */
        free(req->body);
        req->body = NULL, req->body_len = req->body_cap = 0;
        batch_stream_rewind(bs);
        return dc_http_send_stream(c, req, MHD_HTTP_OK, "application/json", bs->size,
                                   BATCH_SLICE, batch_stream_read, bs, batch_stream_free,
                                   gen);
    }
    batch_stream_free(bs);
    return ret;
}

static enum MHD_Result batch(struct MHD_Connection *c, dc_request *req,
                             dc_generation *gen, dc_worker *wk)
{
    const char *type =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (is_media_type(type, "text/csv"))
        return batch_csv(c, req, req->body, req->body_len, NULL, gen, wk);
    if (is_media_type(type, "multipart/form-data"))
        return batch_form(c, req, type, gen, wk);
    if (!is_media_type(type, "application/json"))
        return dc_http_send_error(c, req, DC_API_UNSUPPORTED_MEDIA_TYPE,
                                  "send the batch as Content-Type: application/json, "
                                  "text/csv or multipart/form-data",
                                  gen);
    query q;
    if (!query_read(c, &q, 0))
        return dc_http_send_error(c, req, DC_API_BAD_PARAMETER, q.problem, gen);
    json_error_t jerr;
    json_t *items = json_loadb(req->body ? req->body : "", req->body_len, 0, &jerr);
    char message[256];
    if (!items || !json_is_array(items)) {
        if (items)
            snprintf(message, sizeof message, "the body must be a JSON array");
        else
            snprintf(message, sizeof message,
                     "the body is not JSON: %s at line %d, column %d", jerr.text,
                     jerr.line, jerr.column);
        json_decref(items);
        return dc_http_send_error(c, req, DC_API_BAD_JSON, message, gen);
    }
    enum MHD_Result ret;
    if (batch_refused(c, req, items, gen, &ret)) {
        json_decref(items);
        return ret;
    }
    return batch_answer(c, req, items, gen, wk);
}

/* ---- the small endpoints and routing --------------------------------------- */

static enum MHD_Result status_json(struct MHD_Connection *c, dc_request *req,
                                   const char *status, dc_generation *gen, dc_worker *wk)
{
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_jw_key(w, "status");
    dc_jw_cstring(w, status);
    fingerprint_member(w, gen);
    dc_jw_key(w, "households");
    dc_jw_int(w, (int64_t)gen->households);
    dc_jw_key(w, "build_time");
    dc_jw_int(w, gen->build_time);
    dc_jw_end(w);
    return send_buffer(c, req, MHD_HTTP_OK, false, w, gen, false);
}

static enum MHD_Result preflight(struct MHD_Connection *c, dc_request *req,
                                 dc_generation *gen)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    const char *origin = req->allow_origin;
    const char *methods =
        req->endpoint == DC_EP_BATCH ? "POST, OPTIONS" : "GET, HEAD, OPTIONS";
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
    req->status = MHD_HTTP_NO_CONTENT;
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_NO_CONTENT, r);
    MHD_destroy_response(r);
    return ret;
}

static bool method_allowed(dc_endpoint ep, const char *method)
{
    if (ep == DC_EP_BATCH) return strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
           strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

static enum MHD_Result dispatch(struct MHD_Connection *c, dc_request *req,
                                const char *url, dc_generation *gen, dc_worker *wk)
{
    switch (req->endpoint) {
    case DC_EP_CODES:
        return codes(c, req, url, gen, wk);
    case DC_EP_REVERSE:
        return reverse(c, req, gen, wk);
    case DC_EP_ZONES:
        return zones(c, req, url, gen, wk);
    case DC_EP_BATCH:
        return batch(c, req, gen, wk);
    case DC_EP_HEALTHZ:
        return status_json(c, req, "alive", gen, wk);
    case DC_EP_READYZ:
        if (atomic_load(&req->srv->draining))
            return dc_http_send_error(c, req, DC_API_NOT_READY,
                                      "the server is shutting down", gen);
        return status_json(c, req, "ready", gen, wk);
    case DC_EP_METRICS:
        dc_jw_reset(&wk->jw);
        dc_http_metrics_text(req->srv, gen, &wk->jw);
        if (dc_jw_failed(&wk->jw))
            return dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
        return dc_http_send(c, req, MHD_HTTP_OK,
                            "text/plain; version=0.0.4; charset=utf-8", wk->jw.buf,
                            wk->jw.len, gen, false);
    case DC_EP_OPENAPI:
        if (if_none_match(c, req, gen)) return not_modified(c, req, gen);
        return dc_http_send(c, req, MHD_HTTP_OK, "application/json", dc_openapi_json,
                            dc_openapi_json_len, gen, true);
    case DC_EP_OTHER:
    case DC_EP_COUNT:
        break;
    }
    return dc_http_send_error(c, req, DC_API_NOT_FOUND, "no such path", gen);
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
