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
#include "http_query.h"
#include "http_reply.h"
#include "render_nominatim.h"

/* Nominatim's largest limit; more is clamped to it. */
#define NOMINATIM_MAX_LIMIT 40
#define NOMINATIM_DEFAULT_LIMIT 10

/* Households looked for around a reverse point, by zoom: a door at
 * building zoom (18), its street at 16-17, its group at 14-15; the zone
 * alone below. */
#define REVERSE_DOOR_M 50.0
#define REVERSE_STREET_M 200.0
#define REVERSE_GROUP_M 500.0

enum {
    P_Q,
    P_FORMAT,
    P_LIMIT,
    P_LANGUAGE,
    P_ADDRESSDETAILS,
    P_COUNTRYCODES,
    P_VIEWBOX,
    P_LAT,
    P_LON,
    P_ZOOM,
    /* a structured query, instead of q, in this order */
    P_STREET,
    P_CITY,
    P_COUNTY,
    P_STATE,
    P_POSTALCODE,
    P_COUNTRY,
    P_COUNT
};

static const char *const param_names[P_COUNT] = {"q",
                                                 "format",
                                                 "limit",
                                                 "accept-language",
                                                 "addressdetails",
                                                 "countrycodes",
                                                 "viewbox",
                                                 "lat",
                                                 "lon",
                                                 "zoom",
                                                 "street",
                                                 "city",
                                                 "county",
                                                 "state",
                                                 "postalcode",
                                                 "country"};

typedef struct nominatim_request {
    const char *value[P_COUNT];
    size_t size[P_COUNT];
    bool given[P_COUNT];
    char problem[200]; /* the first bad parameter, in words */
    dc_api_error error;
    char message[DC_ERROR_MESSAGE_SIZE + 64];
    dc_nominatim_options o;
    size_t limit;
    bool no_country; /* countrycodes leaves Vietnam out */
    dc_search_options so;
    double lat, lon;
    int zoom;
    /* the text searched: q, or the structured query's parts joined */
    const char *query;
    size_t query_len;
    const char *query_name; /* "parameter q" or "the structured query" */
    char structured[4 * DC_TEXT_MAX_BYTES];
} nominatim_request;

/* ---- parameters ------------------------------------------------------------ */

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return true;
    return false;
}

static enum MHD_Result read_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    nominatim_request *n = cls;
    (void)kind, (void)key_size;
    for (int p = 0; p < P_COUNT; p++) {
        if (strcmp(key, param_names[p]) != 0) continue;
        /* q's control characters are the search's to refuse (bad_query) */
        if (p != P_Q && value && has_control(value, value_size) && !n->problem[0])
            snprintf(n->problem, sizeof n->problem,
                     "parameter %s contains a NUL or control character", key);
        if (n->given[p] && !n->problem[0])
            snprintf(n->problem, sizeof n->problem, "parameter %s is given twice", key);
        n->given[p] = true;
        n->value[p] = value ? value : "";
        n->size[p] = value ? value_size : 0;
    }
    return MHD_YES;
}

static bool bad(nominatim_request *n, dc_api_error e, const char *message)
{
    n->error = e;
    snprintf(n->message, sizeof n->message, "%s", message);
    return false;
}

static bool read_format(nominatim_request *n)
{
    static const char *const formats[] = {"json", "jsonv2", "geojson", "geocodejson"};
    n->o.format = DC_NOMINATIM_JSONV2;
    if (!n->given[P_FORMAT]) return true;
    for (int f = 0; f < 4; f++)
        if (strcmp(n->value[P_FORMAT], formats[f]) == 0) {
            n->o.format = (dc_nominatim_format)f;
            return true;
        }
    snprintf(n->message, sizeof n->message,
             "parameter format must be json, jsonv2, geojson or geocodejson, not %.40s",
             n->value[P_FORMAT]);
    n->error = DC_API_BAD_PARAMETER;
    return false;
}

/* The language a list ("en-US,en;q=0.9,vi;q=0.8") prefers among vi and
 * en: the higher quality, the earlier on a tie; vi when neither is named. */
static dc_nominatim_language read_language(const char *list)
{
    double best_q = 0;
    dc_nominatim_language best = DC_NOMINATIM_VI;
    for (const char *p = list; p && *p;) {
        p += strspn(p, " \t,");
        size_t tag = strcspn(p, "-;, \t");
        bool vi = tag == 2 && strncasecmp(p, "vi", 2) == 0;
        bool en = tag == 2 && strncasecmp(p, "en", 2) == 0;
        double q = 1;
        for (p += strcspn(p, ";,"); *p == ';';) {
            p += 1 + strspn(p + 1, " \t");
            if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') q = strtod(p + 2, NULL);
            p += strcspn(p, ";,");
        }
        if ((vi || en) && q > best_q)
            best_q = q, best = vi ? DC_NOMINATIM_VI : DC_NOMINATIM_EN;
    }
    return best;
}

static bool read_bool(nominatim_request *n, int p, bool absent, bool *out)
{
    *out = absent;
    if (!n->given[p]) return true;
    const char *v = n->value[p];
    if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0) return *out = true, true;
    if (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0) return *out = false, true;
    snprintf(n->message, sizeof n->message, "parameter %s must be 0 or 1, not %.40s",
             param_names[p], v);
    n->error = DC_API_BAD_PARAMETER;
    return false;
}

/* Whether a countrycodes list ("vn", "gb,vn") names Vietnam; an empty
 * list names every country. */
static bool names_vietnam(const char *list)
{
    bool any = false;
    for (const char *p = list; *p;) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, " ,");
        if (len == 2 && strncasecmp(p, "vn", 2) == 0) return true;
        any |= len > 0;
        p += len;
    }
    return !any;
}

/* viewbox=lon1,lat1,lon2,lat2: its centre, as the search's near point. */
static bool read_viewbox(nominatim_request *n)
{
    if (!n->given[P_VIEWBOX]) return true;
    double v[4];
    const char *p = n->value[P_VIEWBOX];
    for (int i = 0; i < 4; i++) {
        char part[64];
        size_t len = strcspn(p, ",");
        double lim = i % 2 ? 90 : 180;
        if (len == 0 || len >= sizeof part || (i < 3 && p[len] != ',') ||
            (i == 3 && p[len] != '\0'))
            return bad(n, DC_API_BAD_PARAMETER,
                       "parameter viewbox must be lon1,lat1,lon2,lat2 in degrees");
        memcpy(part, p, len);
        part[len] = '\0';
        if (!dc_query_number(part, -lim, lim, &v[i]))
            return bad(n, DC_API_BAD_PARAMETER,
                       "parameter viewbox must be lon1,lat1,lon2,lat2 in degrees");
        p += len + (i < 3);
    }
    n->so.near = true;
    n->so.near_lon = (v[0] + v[2]) / 2;
    n->so.near_lat = (v[1] + v[3]) / 2;
    return true;
}

/* A country parameter that names Vietnam ("vn", "Vietnam", "Viet Nam",
 * "Việt Nam", any case). */
static bool is_vietnam(const char *s)
{
    static const char *const names[] = {"vn", "vietnam", "viet nam",
                                        "vi\xE1\xBB\x87t nam", "Vi\xE1\xBB\x87t Nam"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i]) == 0) return true;
    return false;
}

/* The text to search: q, or Nominatim's structured query (street, city,
 * county, state, postalcode) joined by commas, a country other than
 * Vietnam finding nothing. Not both. */
static bool read_query(nominatim_request *n)
{
    bool structured = false;
    for (int p = P_STREET; p <= P_COUNTRY; p++)
        structured |= n->given[p];
    if (n->given[P_Q] && structured)
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter q and a structured query (street, city, county, state, "
                   "postalcode, country) cannot be given together");
    if (n->given[P_Q]) {
        n->query = n->value[P_Q], n->query_len = n->size[P_Q];
        n->query_name = "parameter q";
        return true;
    }
    if (!structured) return bad(n, DC_API_BAD_PARAMETER, "parameter q is missing");
    size_t len = 0;
    for (int p = P_STREET; p <= P_POSTALCODE; p++) {
        if (!n->given[p] || !n->size[p]) continue;
        if (len + n->size[p] + 2 >= sizeof n->structured)
            return bad(n, DC_API_BAD_QUERY, "the structured query is too long");
        if (len) memcpy(n->structured + len, ", ", 2), len += 2;
        memcpy(n->structured + len, n->value[p], n->size[p]);
        len += n->size[p];
    }
    if (n->given[P_COUNTRY] && n->size[P_COUNTRY] && !is_vietnam(n->value[P_COUNTRY]))
        n->no_country = true;
    n->query = n->structured, n->query_len = len;
    n->query_name = "the structured query";
    return true;
}

static bool read_search(nominatim_request *n)
{
    double limit = NOMINATIM_DEFAULT_LIMIT;
    if (!read_bool(n, P_ADDRESSDETAILS, false, &n->o.addressdetails)) return false;
    if (!read_query(n)) return false;
    if (n->given[P_LIMIT] &&
        (!dc_query_number(n->value[P_LIMIT], -1e9, 1e9, &limit) || limit != floor(limit)))
        return bad(n, DC_API_BAD_PARAMETER, "parameter limit must be a whole number");
    n->limit = limit < 1                     ? 1
               : limit > NOMINATIM_MAX_LIMIT ? NOMINATIM_MAX_LIMIT
                                             : (size_t)limit;
    n->so.limit = n->limit;
    if (n->given[P_COUNTRYCODES])
        n->no_country |= !names_vietnam(n->value[P_COUNTRYCODES]);
    return read_viewbox(n);
}

static bool read_reverse(nominatim_request *n)
{
    double zoom = 18;
    if (!read_bool(n, P_ADDRESSDETAILS, true, &n->o.addressdetails)) return false;
    if (!n->given[P_LAT] || !n->given[P_LON])
        return bad(n, DC_API_BAD_PARAMETER,
                   n->given[P_LAT] ? "parameter lon is missing"
                                   : "parameter lat is missing");
    if (!dc_query_number(n->value[P_LAT], -90, 90, &n->lat))
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter lat must be a number of degrees in -90..90");
    if (!dc_query_number(n->value[P_LON], -180, 180, &n->lon))
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter lon must be a number of degrees in -180..180");
    if (n->given[P_ZOOM] &&
        (!dc_query_number(n->value[P_ZOOM], 0, 18, &zoom) || zoom != floor(zoom)))
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter zoom must be a whole number in 0..18");
    n->zoom = (int)zoom;
    return true;
}

/* Every parameter; false with n->error and n->message when one is bad. */
static bool read_request(struct MHD_Connection *c, nominatim_request *n, bool reverse)
{
    memset(n, 0, sizeof *n);
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, read_param, n);
    if (!read_format(n)) return false;
    if (n->problem[0]) return bad(n, DC_API_BAD_PARAMETER, n->problem);
    const char *lang = n->given[P_LANGUAGE]
                           ? n->value[P_LANGUAGE]
                           : MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
    n->o.language = read_language(lang);
    return reverse ? read_reverse(n) : read_search(n);
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
