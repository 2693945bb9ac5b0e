/*
 * http_batch_items.c - a JSON batch's items (POST /v1/batch,
 * http_batch_items.h): a code, a point or an address, each answered as the
 * GET lookups and diachi batch answer it, or with convert=1 converted to
 * today's code as diachi batch --convert does; and the households an item
 * asks for, which the batch's limits count.
 */
#include <stdio.h>
#include <string.h>

#include "diachi/batch.h"
#include "diachi/search.h"
#include "http_batch_items.h"
#include "http_query.h"
#include "render.h"

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
    *lon = dc_query_point_lon(*lon, rq);
    return NULL;
}

static dc_err batch_point(dc_geo_session *s, json_t *item, size_t i, dc_jw *w,
                          dc_worker *wk)
{
    double lat, lon;
    dc_render_reverse_query rq = {DC_QUERY_DEFAULT_RADIUS_M, DC_QUERY_DEFAULT_LIMIT,
                                  false, 0};
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

/* ---- convert=1: codes to today's, the fields of diachi batch --convert ---- */

static void text_member(dc_jw *w, const char *key, const char *text, size_t len);

/* A current zone's members: its postcode, name, district and province. */
static void zone_members(dc_jw *w, const dc_zone *z)
{
    char text[1024];
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, z->postcode);
    size_t n = dc_geo_zone_name(z, text, sizeof text);
    text_member(w, "zone_name", text, n < sizeof text ? n : strlen(text));
    const dc_str *d = &z->district, *p = &z->province;
    text_member(w, "district", d->len ? d->ptr : "", d->len);
    text_member(w, "province", p->len ? p->ptr : "", p->len);
}

/* A conversion's members: its status, and with a current code the code,
 * its zone's postcode, name, district and province, and what changed. */
static void conversion_members(dc_jw *w, const dc_geo_conversion *cv)
{
    dc_jw_key(w, "status");
    dc_jw_cstring(w, dc_geo_status_name(cv->status));
    if (!cv->has_current) return;
    dc_jw_key(w, "current_code");
    dc_jw_cstring(w, cv->current.display);
    zone_members(w, &cv->zone);
    dc_jw_key(w, "change");
    dc_jw_cstring(w, cv->change);
}

/* A code item converted: {"query", "status", "current_code", ...}. */
static dc_err convert_code(dc_geo_session *s, const char *code, size_t len, dc_jw *w,
                           dc_worker *wk)
{
    dc_geo_conversion cv;
    dc_err rc = dc_geo_forward(s, code, len, &wk->forward);
    if (rc == DC_OK) rc = dc_geo_convert(s, &wk->forward, &cv);
    if (rc != DC_OK) return rc;
    dc_jw_object(w);
    text_member(w, "query", code, len);
    conversion_members(w, &cv);
    if (cv.status == DC_GEO_MALFORMED) {
        dc_jw_key(w, "error");
        dc_jw_object(w);
        dc_jw_key(w, "code");
        dc_jw_cstring(w, "malformed_code");
        dc_jw_key(w, "message");
        dc_jw_cstring(w, wk->forward.error.message);
        dc_jw_end(w);
    }
    dc_jw_end(w);
    return DC_OK;
}

/* ---- address items: the fields of diachi batch --address-column ---------- */

static void text_member(dc_jw *w, const char *key, const char *text, size_t len)
{
    dc_jw_key(w, key);
    dc_jw_string(w, text, len);
}

/* The fields every answer with a place has: its position, zone and
 * address; a household's code and Plus Code. */
static void address_place(dc_jw *w, const dc_household *h, const dc_household *place,
                          const dc_zone *z, int32_t lat_e7, int32_t lon_e7)
{
    char text[1024];
    if (h) {
        char code[DC_CODE_DISPLAY_SIZE], plus[DC_CODE_PLUS_SIZE];
        dc_code_format(&h->code, DC_CODE_DISPLAY, code, sizeof code);
        dc_code_plus_code(&h->code, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7, plus,
                          sizeof plus);
        dc_jw_key(w, "code");
        dc_jw_cstring(w, code);
        dc_jw_key(w, "plus_code");
        dc_jw_cstring(w, plus);
    }
    dc_jw_key(w, "lat");
    dc_jw_e7(w, lat_e7);
    dc_jw_key(w, "lon");
    dc_jw_e7(w, lon_e7);
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, z->postcode);
    size_t n = dc_geo_zone_name(z, text, sizeof text);
    text_member(w, "zone_name", text, n < sizeof text ? n : strlen(text));
    n = dc_geo_address(h ? h : place, z, text, sizeof text);
    text_member(w, "address", text, n < sizeof text ? n : strlen(text));
}

/* How an address matched: its match level, and its score unless < 0. */
static void address_score(dc_jw *w, const char *match, double score)
{
    dc_jw_key(w, "match");
    dc_jw_cstring(w, match);
    if (score < 0) return;
    dc_jw_key(w, "score");
    dc_jw_fixed(w, score, 3);
}

static void address_match(dc_jw *w, const char *status, const char *match, double score)
{
    dc_jw_key(w, "status");
    dc_jw_cstring(w, status);
    address_score(w, match, score);
}

static void address_hit(dc_jw *w, const dc_search_hit *h)
{
    dc_household place;
    memset(&place, 0, sizeof place);
    place.house_number = place.street = place.group = (dc_str){"", 0};
    if (h->match == DC_SEARCH_STREET) place.street = h->name;
    if (h->match == DC_SEARCH_GROUP) place.group = h->name;
    address_match(w, "ok", dc_search_match_name(h->match), h->score);
    address_place(w, h->match == DC_SEARCH_HOUSEHOLD ? &h->household : NULL,
                  h->match == DC_SEARCH_ZONE ? NULL : &place, &h->zone, h->lat_e7,
                  h->lon_e7);
}

static void bad_address(dc_jw *w, dc_err rc, const char *message)
{
    dc_jw_key(w, "status");
    dc_jw_cstring(w, "bad_address");
    dc_jw_key(w, "match");
    dc_jw_cstring(w, "none");
    dc_jw_key(w, "error");
    dc_jw_object(w);
    dc_jw_key(w, "code");
    dc_jw_cstring(w, "bad_address");
    dc_jw_key(w, "problem");
    dc_jw_cstring(w, dc_err_name(rc));
    dc_jw_key(w, "message");
    dc_jw_cstring(w, message);
    dc_jw_end(w);
}

/* An address item: its code first when it has one that gives a household
 * (match "code"), else its address searched, limit 1, as diachi batch
 * --address-column does. */
static dc_err batch_address(dc_geo_session *s, json_t *code, json_t *address, dc_jw *w,
                            dc_worker *wk)
{
    dc_err rc;
    if (code) {
        rc = dc_geo_forward(s, json_string_value(code), json_string_length(code),
                            &wk->forward);
        if (rc != DC_OK) return rc;
        const dc_geo_forward_result *f = &wk->forward;
        if (f->status == DC_GEO_OK && f->nhouseholds) {
            const dc_household *h = &f->households[0];
            dc_jw_object(w);
            address_match(w, "ok", "code", 1);
            address_place(w, h, NULL, &f->zone, h->lat_e7, h->lon_e7);
            dc_jw_end(w);
            return DC_OK;
        }
    }
    dc_search_options opt = {.limit = 1};
    dc_error err = {0};
    rc = dc_search(s, json_string_value(address), json_string_length(address), &opt,
                   &wk->search, &err);
    bool bad = rc >= DC_E_TEXT_UTF8 && rc <= DC_E_TEXT_EMPTY;
    if (rc != DC_OK && !bad) return rc;
    dc_jw_object(w);
    if (bad)
        bad_address(w, rc, err.message);
    else if (wk->search.nhits)
        address_hit(w, &wk->search.hits[0]);
    else
        address_match(w, "not_found", "none", -1);
    dc_jw_end(w);
    return DC_OK;
}

/* An address item converted: its code's conversion when that gives a
 * household (match "code"), else the household its address finds, as
 * diachi batch --convert --address-column does: {"query" (the address),
 * "status", "current_code", ..., "match", "score"}. An answer that is no
 * household (a street, group or zone) is no_household, with its zone and
 * no code. */
static dc_err convert_address(dc_geo_session *s, json_t *code, json_t *address, dc_jw *w,
                              dc_worker *wk)
{
    dc_geo_conversion cv;
    dc_err rc;
    const char *text = json_string_value(address);
    size_t len = json_string_length(address);
    if (code) {
        rc = dc_geo_forward(s, json_string_value(code), json_string_length(code),
                            &wk->forward);
        if (rc == DC_OK) rc = dc_geo_convert(s, &wk->forward, &cv);
        if (rc != DC_OK) return rc;
        if (cv.status == DC_GEO_OK) {
            dc_jw_object(w);
            text_member(w, "query", text, len);
            conversion_members(w, &cv);
            address_score(w, "code", 1);
            dc_jw_end(w);
            return DC_OK;
        }
    }
    dc_search_options opt = {.limit = 1};
    dc_error err = {0};
    rc = dc_search(s, text, len, &opt, &wk->search, &err);
    bool bad = rc >= DC_E_TEXT_UTF8 && rc <= DC_E_TEXT_EMPTY;
    if (rc != DC_OK && !bad) return rc;
    const dc_search_hit *h = wk->search.nhits && !bad ? &wk->search.hits[0] : NULL;
    if (h && h->match == DC_SEARCH_HOUSEHOLD &&
        (rc = dc_geo_convert_household(s, &h->household, &h->zone, &cv)) != DC_OK)
        return rc;
    dc_jw_object(w);
    text_member(w, "query", text, len);
    if (bad) {
        bad_address(w, rc, err.message);
    } else if (!h) {
        address_match(w, "not_found", "none", -1);
    } else if (h->match == DC_SEARCH_HOUSEHOLD) {
        conversion_members(w, &cv);
        address_score(w, dc_search_match_name(h->match), h->score);
    } else {
        dc_jw_key(w, "status");
        dc_jw_cstring(w, dc_batch_status_name(DC_BATCH_NO_HOUSEHOLD));
        zone_members(w, &h->zone);
        address_score(w, dc_search_match_name(h->match), h->score);
    }
    dc_jw_end(w);
    return DC_OK;
}

dc_err dc_http_batch_item(dc_geo_session *s, json_t *item, size_t i, bool convert,
                          dc_jw *w, dc_worker *wk)
{
    json_t *code = json_is_object(item) ? json_object_get(item, "code") : item;
    json_t *address = json_is_object(item) ? json_object_get(item, "address") : NULL;
    if (address && (!json_is_string(address) || (code && !json_is_string(code)))) {
        bad_item(w, i, "address (and code, when given) must be strings");
        return DC_OK;
    }
    if (convert) {
        if (address) return convert_address(s, code, address, w, wk);
        if (json_is_string(code))
            return convert_code(s, json_string_value(code), json_string_length(code), w,
                                wk);
        bad_item(w, i,
                 "with convert=1 an item is a code (a string), {\"code\": \"...\"} or "
                 "{\"address\": \"...\"} (with a code beside it or not)");
        return DC_OK;
    }
    if (address) return batch_address(s, code, address, w, wk);
    if (json_is_string(code))
        return batch_code(s, json_string_value(code), json_string_length(code), w, wk);
    if (json_is_object(item) && !code) return batch_point(s, item, i, w, wk);
    bad_item(w, i,
             "an item is a code (a string), {\"code\": \"...\"}, {\"address\": "
             "\"...\"} or {\"lat\": .., \"lon\": ..} (or \"lng\")");
    return DC_OK;
}

uint64_t dc_http_batch_item_results(json_t *item)
{
    json_t *lat = json_is_object(item) ? json_object_get(item, "lat") : NULL;
    json_t *limit = lat ? json_object_get(item, "limit") : NULL;
    if (!lat) return 1;
    if (!limit) return DC_QUERY_DEFAULT_LIMIT;
    if (!json_is_integer(limit) || json_integer_value(limit) < 1) return 1;
    json_int_t v = json_integer_value(limit);
    return v > DC_GEO_MAX_NEIGHBOURS ? DC_GEO_MAX_NEIGHBOURS : (uint64_t)v;
}
