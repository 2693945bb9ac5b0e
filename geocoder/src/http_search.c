/*
 * http_search.c - GET /v1/search and GET /v1/autocomplete: their steps
 * through the GET lookups' skeleton (http_lookup.h), over dc_search.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http_lookup.h"

typedef dc_http_lookup lookup;
typedef dc_http_lookup_steps lookup_steps;

/* GET /v1/search: a written address to its households, streets, groups and
 * zones; GET /v1/autocomplete: the last word of one as it is typed. */
static bool query_text(lookup *k)
{
    if (k->q.given[DC_Q_Q]) return true;
    k->error = DC_API_BAD_PARAMETER;
    snprintf(k->message, sizeof k->message, "parameter q is missing");
    return false;
}

/* ?limit= as a whole number in 1..@p max, *limit unchanged when absent. */
static bool search_limit(lookup *k, double max, double *limit)
{
    if (!k->q.given[DC_Q_LIMIT] ||
        (dc_query_number(k->q.value[DC_Q_LIMIT], 1, max, limit) &&
         *limit == floor(*limit)))
        return true;
    k->error = DC_API_BAD_PARAMETER;
    snprintf(k->message, sizeof k->message,
             "parameter limit must be a whole number in 1..%d", (int)max);
    return false;
}

static bool search_parse(lookup *k)
{
    double limit = DC_SEARCH_DEFAULT_LIMIT;
    if (!query_text(k) || !search_limit(k, DC_SEARCH_MAX_RESULTS, &limit)) return false;
    k->so = (dc_search_options){.limit = (size_t)limit};
    const char *near = k->q.value[DC_Q_NEAR];
    if (near && (dc_geo_point_parse(near, strlen(near), &k->so.near_lat, &k->so.near_lon,
                                    NULL) != DC_OK ||
                 !(fabs(k->so.near_lat) <= 90 && fabs(k->so.near_lon) <= 180))) {
        k->error = DC_API_BAD_PARAMETER;
        snprintf(k->message, sizeof k->message,
                 "parameter near must be a point LAT,LON in degrees (21.39,103.02)");
        return false;
    }
    k->so.near = near != NULL;
    k->records = (uint64_t)limit;
    return true;
}

/* A query dc_search or dc_search_complete refused: a 400 naming the
 * problem and its byte. */
static bool bad_query(lookup *k, dc_err rc, const dc_error *err)
{
    if (rc < DC_E_TEXT_UTF8 || rc > DC_E_TEXT_EMPTY) return false;
    k->problem = true, k->error = DC_API_BAD_QUERY;
    snprintf(k->message, sizeof k->message, "parameter q: %s", err->message);
    return true;
}

static dc_err search_find(lookup *k)
{
    dc_error err = {0};
    dc_err rc = dc_search(k->s, k->q.value[DC_Q_Q], k->q.size[DC_Q_Q], &k->so,
                          &k->wk->search, &err);
    return bad_query(k, rc, &err) ? DC_OK : rc;
}

static void search_render(lookup *k, dc_jw *w, bool geojson)
{
    const char *q = k->q.value[DC_Q_Q];
    size_t len = k->q.size[DC_Q_Q];
    dc_jw_reset(w);
    if (geojson) {
        dc_render_collection_begin(w, "ok");
        dc_http_fingerprint_member(w, k->gen);
        dc_render_search_query(w, q, len, &k->so, &k->wk->search);
        dc_render_features_begin(w);
        dc_render_search_features(w, &k->wk->search);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        dc_render_search_members(w, q, len, &k->so, &k->wk->search);
        dc_http_fingerprint_member(w, k->gen);
        dc_jw_end(w);
    }
}

const lookup_steps dc_http_search_steps = {
    1u << DC_Q_Q | 1u << DC_Q_LIMIT | 1u << DC_Q_NEAR, NULL, search_parse, search_find,
    search_render};

static bool complete_parse(lookup *k)
{
    double limit = DC_COMPLETE_MAX;
    if (!query_text(k) || !search_limit(k, DC_COMPLETE_MAX, &limit)) return false;
    k->so = (dc_search_options){.limit = (size_t)limit};
    k->records = 1;
    return true;
}

static dc_err complete_find(lookup *k)
{
    dc_error err = {0};
    dc_complete_result *r = &k->wk->complete;
    dc_err rc = dc_search_complete(k->s, k->q.value[DC_Q_Q], k->q.size[DC_Q_Q], r, &err);
    if (rc == DC_OK && r->nanswers > k->so.limit) r->nanswers = k->so.limit;
    return bad_query(k, rc, &err) ? DC_OK : rc;
}

static void complete_render(lookup *k, dc_jw *w, bool geojson)
{
    const char *q = k->q.value[DC_Q_Q];
    size_t len = k->q.size[DC_Q_Q];
    dc_jw_reset(w);
    if (geojson) {
        dc_render_collection_begin(w, "ok");
        dc_http_fingerprint_member(w, k->gen);
        dc_render_complete_query(w, q, len, &k->wk->complete);
        dc_render_features_begin(w);
        dc_render_complete_features(w, &k->wk->complete);
        dc_render_collection_end(w);
    } else {
        dc_jw_object(w);
        dc_render_complete_members(w, q, len, &k->wk->complete);
        dc_http_fingerprint_member(w, k->gen);
        dc_jw_end(w);
    }
}

const lookup_steps dc_http_complete_steps = {1u << DC_Q_Q | 1u << DC_Q_LIMIT, NULL,
                                             complete_parse, complete_find,
                                             complete_render};
