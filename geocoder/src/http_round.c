/*
 * http_round.c - POST /v1/round: the letters resolved to doors, put in
 * the order of a short round from the start (diachi/round.h), answered
 * with the ordered stops, the letters that name no door, and the round as
 * a GeoJSON LineString.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/round.h"
#include "http_query.h"
#include "http_reply.h"
#include "http_round.h"
#include "http_round_request.h"

/* ---- the answer ------------------------------------------------------------------- */

typedef struct round_work {
    dc_round_door *doors; /* one per letter */
    dc_round_stop *stops; /* the resolved ones */
    size_t *by;           /* stop -> letter */
    size_t *order;
    size_t n, resolved;
    dc_round_stats stats;
} round_work;

static void work_free(round_work *w)
{
    free(w->doors), free(w->stops), free(w->by), free(w->order);
}

static dc_err resolve_letters(dc_geo_session *s, const dc_round_request *r, round_work *w)
{
    dc_round_scratch *sc = malloc(sizeof *sc);
    w->n = json_array_size(r->letters);
    w->doors = malloc(w->n * sizeof *w->doors);
    w->stops = malloc(w->n * sizeof *w->stops);
    w->by = malloc(w->n * sizeof *w->by);
    w->order = malloc(w->n * sizeof *w->order);
    dc_err rc = sc && w->doors && w->stops && w->by && w->order ? DC_OK : DC_E_NOMEM;
    for (size_t i = 0; rc == DC_OK && i < w->n; i++) {
        json_t *l = json_array_get(r->letters, i);
        rc = dc_round_resolve(s, json_string_value(l), json_string_length(l), sc,
                              &w->doors[i]);
        if (rc == DC_OK && w->doors[i].resolved) {
            const dc_round_door *d = &w->doors[i];
            w->stops[w->resolved] =
                (dc_round_stop){d->lat, d->lon, r->by_door ? d->door : d->group};
            w->by[w->resolved++] = i;
        }
    }
    free(sc);
    if (rc == DC_OK && w->resolved) {
        dc_round_options opt;
        dc_round_options_init(&opt);
        opt.back_to_start = r->back_to_start;
        rc = dc_round_order(w->stops, w->resolved, r->lat, r->lon, &opt, w->order,
                            &w->stats, NULL);
    }
    return rc;
}

static void letter_input(dc_jw *jw, const dc_round_request *r, size_t i)
{
    json_t *l = json_array_get(r->letters, i);
    dc_jw_key(jw, "letter");
    dc_jw_int(jw, (int64_t)i);
    dc_jw_key(jw, "input");
    dc_jw_string(jw, json_string_value(l), json_string_length(l));
}

static void render_stops(dc_jw *jw, const dc_round_request *r, const round_work *w)
{
    double lat = r->lat, lon = r->lon, total = 0;
    dc_jw_key(jw, "stops");
    dc_jw_array(jw);
    for (size_t k = 0; k < w->resolved; k++) {
        size_t i = w->by[w->order[k]];
        const dc_round_door *d = &w->doors[i];
        double leg = dc_geo_distance_m(lat, lon, d->lat, d->lon);
        total += leg;
        dc_jw_object(jw);
        dc_jw_key(jw, "stop");
        dc_jw_int(jw, (int64_t)k + 1);
        letter_input(jw, r, i);
        dc_jw_key(jw, "by");
        dc_jw_cstring(jw, d->by);
        dc_jw_key(jw, "code");
        dc_jw_cstring(jw, d->code);
        dc_jw_key(jw, "address");
        dc_jw_cstring(jw, d->address);
        dc_jw_key(jw, "lat");
        dc_jw_fixed(jw, d->lat, 7);
        dc_jw_key(jw, "lon");
        dc_jw_fixed(jw, d->lon, 7);
        dc_jw_key(jw, "leg_m");
        dc_jw_fixed(jw, leg, 1);
        dc_jw_key(jw, "distance_m");
        dc_jw_fixed(jw, total, 1);
        dc_jw_end(jw);
        lat = d->lat, lon = d->lon;
    }
    dc_jw_end(jw);
}

static void render_unresolved(dc_jw *jw, const dc_round_request *r, const round_work *w)
{
    dc_jw_key(jw, "unresolved");
    dc_jw_array(jw);
    for (size_t i = 0; i < w->n; i++) {
        const dc_round_door *d = &w->doors[i];
        if (d->resolved) continue;
        dc_jw_object(jw);
        letter_input(jw, r, i);
        dc_jw_key(jw, "by");
        dc_jw_cstring(jw, d->by);
        dc_jw_key(jw, "status");
        dc_jw_cstring(jw, d->status);
        dc_jw_key(jw, "message");
        dc_jw_cstring(jw, d->message);
        dc_jw_end(jw);
    }
    dc_jw_end(jw);
}

static void position(dc_jw *jw, double lat, double lon)
{
    dc_jw_array(jw);
    dc_jw_fixed(jw, lon, 7);
    dc_jw_fixed(jw, lat, 7);
    dc_jw_end(jw);
}

static void render_line(dc_jw *jw, const dc_round_request *r, const round_work *w)
{
    dc_jw_key(jw, "line");
    if (!w->resolved) {
        dc_jw_null(jw);
        return;
    }
    dc_jw_object(jw);
    dc_jw_key(jw, "type");
    dc_jw_cstring(jw, "LineString");
    dc_jw_key(jw, "coordinates");
    dc_jw_array(jw);
    position(jw, r->lat, r->lon);
    for (size_t k = 0; k < w->resolved; k++) {
        const dc_round_door *d = &w->doors[w->by[w->order[k]]];
        position(jw, d->lat, d->lon);
    }
    if (r->back_to_start) position(jw, r->lat, r->lon);
    dc_jw_end(jw);
    dc_jw_end(jw);
}

static void render_round(dc_jw *jw, const dc_round_request *r, const round_work *w,
                         const dc_generation *gen)
{
    dc_jw_reset(jw);
    dc_jw_object(jw);
    dc_jw_key(jw, "count");
    dc_jw_object(jw);
    dc_jw_key(jw, "letters");
    dc_jw_int(jw, (int64_t)w->n);
    dc_jw_key(jw, "stops");
    dc_jw_int(jw, (int64_t)w->resolved);
    dc_jw_key(jw, "unresolved");
    dc_jw_int(jw, (int64_t)(w->n - w->resolved));
    dc_jw_end(jw);
    dc_jw_key(jw, "back_to_start");
    dc_jw_bool(jw, r->back_to_start);
    dc_jw_key(jw, "keep");
    dc_jw_cstring(jw, r->by_door ? "door" : "group");
    dc_jw_key(jw, "length_m");
    dc_jw_fixed(jw, w->stats.length_m, 1);
    dc_jw_key(jw, "nearest_neighbour_m");
    dc_jw_fixed(jw, w->stats.nearest_m, 1);
    render_stops(jw, r, w);
    render_unresolved(jw, r, w);
    render_line(jw, r, w);
    dc_http_fingerprint_member(jw, gen);
    dc_jw_end(jw);
}

static dc_api_error api_error_of(dc_round_problem p)
{
    switch (p) {
    case DC_ROUND_REQUEST_START:
        return DC_API_ROUND_START;
    case DC_ROUND_REQUEST_EMPTY:
        return DC_API_ROUND_EMPTY;
    case DC_ROUND_REQUEST_TOO_MANY:
        return DC_API_ROUND_TOO_MANY;
    default:
        return DC_API_BAD_JSON;
    }
}

enum MHD_Result dc_http_round(struct MHD_Connection *c, dc_request *req,
                              dc_generation *gen, dc_worker *wk)
{
    const char *type =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!dc_query_media_type(type, "application/json"))
        return dc_http_send_error(c, req, DC_API_UNSUPPORTED_MEDIA_TYPE,
                                  "send the round as Content-Type: application/json",
                                  gen);
    dc_round_request r;
    char message[DC_ERROR_MESSAGE_SIZE + 64];
    dc_round_problem p =
        dc_round_request_parse(req->body, req->body_len, &r, message, sizeof message);
    if (p != DC_ROUND_REQUEST_OK)
        return dc_http_send_error(c, req, api_error_of(p), message, gen);
    enum MHD_Result ret;
    if (dc_http_rate_limited(c, req, 0, json_array_size(r.letters), gen, &ret)) {
        json_decref(r.root);
        return ret;
    }
    round_work w = {0};
    dc_geo_session *s;
    dc_err rc = dc_geo_session_begin(gen->geo, &s);
    if (rc == DC_OK) {
        rc = resolve_letters(s, &r, &w);
        if (rc == DC_OK) render_round(&wk->jw, &r, &w, gen);
        dc_geo_session_end(s);
    }
    if (rc != DC_OK)
        ret = dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    else
        ret = dc_http_send_json(c, req, MHD_HTTP_OK, false, &wk->jw, gen, false);
    work_free(&w);
    json_decref(r.root);
    return ret;
}
