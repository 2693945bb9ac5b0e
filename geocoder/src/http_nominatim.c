/*
 * http_nominatim.c - GET /search and GET /reverse, Nominatim's pair (see
 * http_nominatim.h): Nominatim's parameters read, the search or reverse
 * lookup made, the places written by render_nominatim.c.
 *
 * Parameters read: q, format (json, jsonv2, geojson, geocodejson; jsonv2
 * when absent), limit (a whole number, clamped to 1..40 as Nominatim
 * does; 10 when absent), accept-language (vi or en, else the
 * Accept-Language header, else vi), addressdetails (0, 1, true, false;
 * search 0 and reverse 1 when absent), countrycodes (a list without vn:
 * no answer), viewbox (lon1,lat1,lon2,lat2: its centre orders ties, as
 * /v1/search's near), lat, lon and zoom (0..18, 18 when absent). Others
 * A structured query (street, city, county, state, postalcode, country)
 * stands for q: its parts joined by commas, a country other than Vietnam
 * finding nothing. Others
 * (email, polygon_*, extratags, namedetails, dedupe, ...) are ignored, as
 * /v1 ignores parameters it does not read. A parameter read that is bad
 * or given twice is a 400 in Nominatim's error form, with diachi's
 * stable code beside its own.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_nominatim.h"
#include "http_nominatim_params.h"
#include "http_query.h"
#include "http_reply.h"
#include "render_nominatim.h"

/* ---- parameters ------------------------------------------------------------ */

static enum MHD_Result read_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    (void)kind, (void)key_size;
    dc_nominatim_param(cls, key, value, value_size);
    return MHD_YES;
}

/* Every parameter; false with n->error and n->message when one is bad. */
static bool read_request(struct MHD_Connection *c, nominatim_request *n, bool reverse)
{
    dc_nominatim_params_init(n);
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, read_param, n);
    return dc_nominatim_params_finish(
        n, MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
        reverse);
}

/* ---- answers --------------------------------------------------------------- */

static enum MHD_Result send_error(struct MHD_Connection *c, dc_request *req,
                                  dc_api_error e, const char *message,
                                  const dc_generation *gen, dc_worker *wk)
{
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_render_nominatim_error(w, dc_api_error_status(e), dc_api_error_code(e), message);
    if (dc_jw_failed(w))
        return dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    return dc_http_send(c, req, dc_api_error_status(e), "application/json; charset=utf-8",
                        w->buf, w->len, gen, false);
}

static enum MHD_Result send_answer(struct MHD_Connection *c, dc_request *req,
                                   const nominatim_request *n, const dc_generation *gen,
                                   dc_worker *wk)
{
    dc_jw *w = &wk->jw;
    if (dc_jw_failed(w))
        return dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    const char *type = n->o.format >= DC_NOMINATIM_GEOJSON
                           ? "application/geo+json"
                           : "application/json; charset=utf-8";
    return dc_http_send(c, req, MHD_HTTP_OK, type, w->buf, w->len, gen, true);
}

/* The search's answers as places, into @p places (NOMINATIM_MAX_LIMIT). */
static size_t search_places(const dc_search_result *r, dc_nominatim_place *places)
{
    size_t n = r->nhits < NOMINATIM_MAX_LIMIT ? r->nhits : NOMINATIM_MAX_LIMIT;
    for (size_t i = 0; i < n; i++)
        dc_nominatim_hit(&r->hits[i], &places[i]);
    return n;
}

/* A search, in a session; DC_OK with *problem set for a bad query. */
static dc_err search_find(dc_geo_session *s, nominatim_request *n, dc_worker *wk,
                          bool *problem)
{
    dc_error err = {0};
    wk->search.nhits = 0;
    if (n->no_country) return DC_OK;
    dc_err rc = dc_search(s, n->query, n->query_len, &n->so, &wk->search, &err);
    if (rc >= DC_E_TEXT_UTF8 && rc <= DC_E_TEXT_EMPTY) {
        *problem = true;
        n->error = DC_API_BAD_QUERY;
        snprintf(n->message, sizeof n->message, "%s: %s", n->query_name, err.message);
        return DC_OK;
    }
    return rc;
}

/* The place a reverse lookup answers at zoom n->zoom: the nearest door,
 * its street or its group, else the zone the point lies in (with the
 * point's own code); false when the point is in no zone and no door is
 * near it. */
static bool reverse_place(dc_geo_session *s, const nominatim_request *n,
                          const dc_geo_reverse_result *r, dc_nominatim_place *p)
{
    if (r->nneighbours) {
        const dc_geo_neighbour *nb = &r->neighbours[0];
        const dc_household *h = &nb->household;
        dc_zone z;
        bool zone = !nb->other_zone && r->has_zone
                        ? (z = r->zone, true)
                        : dc_geo_zone(s, h->postcode, &z) == DC_OK;
        if (zone && n->zoom >= 18) {
            dc_nominatim_household(h, &z, 1, p);
            return true;
        }
        dc_str name = n->zoom >= 16 ? h->street : h->group;
        if (zone && name.len && (!r->has_zone || r->zone.postcode == z.postcode)) {
            dc_nominatim_named(n->zoom >= 16 ? DC_NOMINATIM_STREET : DC_NOMINATIM_GROUP,
                               name, &z, h->lat_e7, h->lon_e7, 1, p);
            /* the point's code, when the point is in a zone to have one */
            if (r->has_zone) snprintf(p->code, sizeof p->code, "%s", r->place.display);
            return true;
        }
    }
    if (!r->has_zone) return false;
    dc_nominatim_zone(&r->zone, 1, p);
    snprintf(p->code, sizeof p->code, "%s", r->place.display);
    return true;
}

static dc_err reverse_find(dc_geo_session *s, const nominatim_request *n, dc_worker *wk)
{
    double radius = n->zoom >= 18   ? REVERSE_DOOR_M
                    : n->zoom >= 16 ? REVERSE_STREET_M
                                    : REVERSE_GROUP_M;
    size_t limit = n->zoom >= 14 ? 1 : 0;
    return dc_geo_reverse(s, n->lat, n->lon, radius, limit, &wk->reverse);
}

/* Render the answer found into the worker's buffer. */
static void render(dc_geo_session *s, const nominatim_request *n, dc_worker *wk,
                   bool reverse)
{
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    if (reverse) {
        dc_nominatim_place p;
        if (reverse_place(s, n, &wk->reverse, &p))
            dc_render_nominatim_one(w, &n->o, &p);
        else
            dc_render_nominatim_unable(w);
        return;
    }
    dc_nominatim_place places[NOMINATIM_MAX_LIMIT];
    size_t count = search_places(&wk->search, places);
    dc_render_nominatim_list(w, &n->o, n->query, n->query_len, places, count);
}

enum MHD_Result dc_http_nominatim(struct MHD_Connection *c, dc_request *req,
                                  dc_generation *gen, dc_worker *wk, bool reverse)
{
    nominatim_request n;
    bool ok = read_request(c, &n, reverse);
    req->geojson = n.o.format >= DC_NOMINATIM_GEOJSON;
    if (!ok) return send_error(c, req, n.error, n.message, gen, wk);
    enum MHD_Result limited;
    if (dc_http_rate_limited(c, req, 0, reverse ? 1 : n.limit, gen, &limited))
        return limited;
    dc_geo_session *s = NULL;
    bool problem = false;
    dc_err rc = dc_geo_session_begin(gen->geo, &s);
    if (rc == DC_OK)
        rc = reverse ? reverse_find(s, &n, wk) : search_find(s, &n, wk, &problem);
    if (rc != DC_OK || problem) {
        dc_geo_session_end(s);
        return rc != DC_OK ? send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen, wk)
                           : send_error(c, req, n.error, n.message, gen, wk);
    }
    if (dc_http_if_none_match(c, req, gen)) {
        dc_geo_session_end(s);
        return dc_http_not_modified(c, req, gen);
    }
    render(s, &n, wk, reverse);
    enum MHD_Result ret = send_answer(c, req, &n, gen, wk);
    dc_geo_session_end(s);
    return ret;
}
