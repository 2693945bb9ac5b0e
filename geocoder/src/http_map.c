/*
 * http_map.c - GET /v1/zones?bbox= and GET /v1/households?bbox= (see
 * http_map.h): what a web map draws, always GeoJSON (RFC 7946: longitude
 * first, exterior rings anticlockwise, holes clockwise).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/zone_box.h"
#include "http_map.h"
#include "http_map_params.h"
#include "http_map_simplify.h"
#include "http_query.h"
#include "http_reply.h"
#include "render.h"

/* ---- parameters ---------------------------------------------------------------- */

enum { P_BBOX, P_ZOOM, P_LIMIT, P_PAGE, P_FORMAT, P_COUNT };
static const char *const map_param_names[P_COUNT] = {"bbox", "zoom", "limit", "page",
                                                     "format"};

/* The parameters of one request: as dc_query reads them, a parameter read
 * here is checked strictly (twice, or a control character, is a 400) and
 * any other is ignored. */
typedef struct map_params {
    unsigned allowed;
    const char *value[P_COUNT];
    char problem[200];
} map_params;

static enum MHD_Result map_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    map_params *p = cls;
    (void)kind;
    for (int i = 0; i < P_COUNT; i++) {
        if (strcmp(key, map_param_names[i]) != 0 || !(p->allowed & (1u << i))) continue;
        if (p->value[i] && !p->problem[0])
            snprintf(p->problem, sizeof p->problem, "parameter %s is given twice", key);
        p->value[i] = value ? value : "";
        for (const char *s = p->value[i]; *s && !p->problem[0]; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                snprintf(p->problem, sizeof p->problem,
                         "parameter %s contains a control character", key);
    }
    return MHD_YES;
}

static bool map_params_read(struct MHD_Connection *c, map_params *p, unsigned allowed)
{
    memset(p, 0, sizeof *p);
    p->allowed = allowed | 1u << P_FORMAT;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, map_param, p);
    const char *f = p->value[P_FORMAT];
    if (!p->problem[0] && f && strcmp(f, "geojson") != 0)
        snprintf(p->problem, sizeof p->problem,
                 "parameter format must be geojson (the only form of this answer), not "
                 "%.40s",
                 f);
    return p->problem[0] == '\0';
}

typedef dc_http_box box;

/* A whole number in lo..hi, or the problem naming the parameter. */
static bool whole_param(const char *text, const char *name, double lo, double hi,
                        double *out, char *problem, size_t size)
{
    if (dc_query_number(text, lo, hi, out) && *out == floor(*out)) return true;
    snprintf(problem, size, "parameter %s must be a whole number in %.0f..%.0f", name, lo,
             hi);
    return false;
}

/* Parameters read and a session begun, or the problem answered. */
static bool map_begin(struct MHD_Connection *c, dc_request *req, dc_generation *gen,
                      dc_worker *wk, map_params *p, unsigned allowed, box *b,
                      enum MHD_Result *ret)
{
    req->geojson = true;
    bool good = map_params_read(c, p, allowed);
    if (good && !p->value[P_BBOX]) {
        snprintf(p->problem, sizeof p->problem, "parameter bbox is missing");
        good = false;
    }
    if (good) good = dc_http_bbox_parse(p->value[P_BBOX], b, p->problem, sizeof p->problem);
    if (!good)
        *ret =
            dc_http_send_problem(c, req, true, DC_API_BAD_PARAMETER, p->problem, gen, wk);
    return good;
}

/* ---- GET /v1/zones ------------------------------------------------------------- */

typedef struct zone_list {
    const dc_zone **zones;
    size_t count, cap;
    box near; /* when collecting neighbours: the box they must meet */
} zone_list;

static int collect_zone(void *ctx, const dc_zone *z)
{
    zone_list *l = ctx;
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        const dc_zone **grown = realloc(l->zones, cap * sizeof *grown);
        if (!grown) return 1;
        l->zones = grown, l->cap = cap;
    }
    l->zones[l->count++] = z;
    return 0;
}

/* One ring, simplified, closed and turned as RFC 7946 wants. */
static void ring_coordinates(dc_jw *w, const dc_vertex *v, size_t n, bool hole)
{
    double area = dc_vertices_area2(v, n);
    bool reverse = hole ? area > 0 : area < 0;
    dc_jw_array(w);
    for (size_t k = 0; k <= n; k++) {
        size_t i = k % n;
        if (reverse) i = (n - i) % n;
        dc_jw_array(w);
        dc_jw_e7(w, v[i].lon);
        dc_jw_e7(w, v[i].lat);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}

/* A zone's polygon as a MultiPolygon, each ring simplified; false when out
 * of memory. */
static bool zone_geometry(dc_jw *w, const dc_zone *z, const dc_vertex_counts *vc,
                          double tolerance)
{
    dc_ring ring;
    size_t off = 0, most = 0;
    bool open = false;
    while (dc_polygon_next_ring(&z->polygon, &off, &ring))
        if (ring.npoints > most) most = ring.npoints;
    dc_vertex *v = malloc((most ? most : 1) * sizeof *v);
    if (!v) return false;
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "MultiPolygon");
    dc_jw_key(w, "coordinates");
    dc_jw_array(w);
    for (off = 0; dc_polygon_next_ring(&z->polygon, &off, &ring);) {
        if (!ring.hole) {
            if (open) dc_jw_end(w);
            dc_jw_array(w);
            open = true;
        }
        size_t n = dc_ring_simplify(&ring, vc, tolerance, v);
        if (open) ring_coordinates(w, v, n, ring.hole);
    }
    if (open) dc_jw_end(w);
    dc_jw_end(w);
    dc_jw_end(w);
    free(v);
    return true;
}

static void str_member(dc_jw *w, const char *key, const dc_str *s)
{
    dc_jw_key(w, key);
    dc_jw_string(w, s->ptr ? s->ptr : "", s->len);
}

static bool zone_feature(dc_jw *w, const dc_zone *z, const dc_vertex_counts *vc,
                         double tolerance)
{
    dc_render_feature_begin(w, "zone");
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, z->postcode);
    str_member(w, "name", &z->name);
    str_member(w, "kind", &z->kind);
    str_member(w, "district", &z->district);
    str_member(w, "province", &z->province);
    dc_jw_end(w);
    dc_jw_key(w, "geometry");
    bool ok = zone_geometry(w, z, vc, tolerance);
    dc_jw_end(w);
    return ok;
}

/* The zones that may share a border with those in @p l: those whose box
 * meets the box of them all. Their vertices are counted, so a border with
 * a zone outside the view is simplified as it is when that zone is in it. */
static dc_vertex_counts *neighbour_counts(dc_index_txn *txn, const zone_list *l)
{
    zone_list all = {0};
    box u = {INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN};
    for (size_t i = 0; i < l->count; i++) {
        const dc_zone *z = l->zones[i];
        if (z->south_e7 < u.south) u.south = z->south_e7;
        if (z->west_e7 < u.west) u.west = z->west_e7;
        if (z->north_e7 > u.north) u.north = z->north_e7;
        if (z->east_e7 > u.east) u.east = z->east_e7;
    }
    if (l->count && dc_index_zones_in_box(txn, u.south, u.west, u.north, u.east,
                                          collect_zone, &all) != DC_OK) {
        free(all.zones);
        return NULL;
    }
    dc_vertex_counts *vc = dc_vertex_counts_make(all.zones, all.count);
    free(all.zones);
    return vc;
}

static bool zones_render(dc_jw *w, const zone_list *l, const dc_vertex_counts *vc,
                         double tolerance, const dc_generation *gen)
{
    bool ok = true;
    dc_jw_reset(w);
    dc_render_collection_begin(w, "ok");
    dc_http_fingerprint_member(w, gen);
    dc_jw_key(w, "count");
    dc_jw_int(w, (int64_t)l->count);
    dc_render_features_begin(w);
    for (size_t i = 0; ok && i < l->count; i++)
        ok = zone_feature(w, l->zones[i], vc, tolerance);
    dc_render_collection_end(w);
    return ok;
}

enum MHD_Result dc_http_map_zones(struct MHD_Connection *c, dc_request *req,
                                  dc_generation *gen, dc_worker *wk)
{
    map_params p;
    box b;
    enum MHD_Result ret;
    double zoom = -1;
    if (!map_begin(c, req, gen, wk, &p, 1u << P_BBOX | 1u << P_ZOOM, &b, &ret))
        return ret;
    if (p.value[P_ZOOM] && !dc_query_number(p.value[P_ZOOM], 0, 30, &zoom)) {
        snprintf(p.problem, sizeof p.problem,
                 "parameter zoom must be a number in 0..30 (a web map's zoom level)");
        return dc_http_send_problem(c, req, true, DC_API_BAD_PARAMETER, p.problem, gen,
                                    wk);
    }
    if (dc_http_if_none_match(c, req, gen)) return dc_http_not_modified(c, req, gen);
    dc_geo_session *s;
    zone_list l = {0};
    dc_vertex_counts *vc = NULL;
    dc_err rc = dc_geo_session_begin(gen->geo, &s);
    if (rc != DC_OK)
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    dc_index_txn *txn = dc_geo_session_txn(s);
    rc = dc_index_zones_in_box(txn, b.south, b.west, b.north, b.east, collect_zone, &l);
    if (rc == DC_OK && zoom >= 0 && !(vc = neighbour_counts(txn, &l))) rc = DC_E_NOMEM;
    if (rc == DC_OK &&
        !zones_render(&wk->jw, &l, vc, zoom >= 0 ? dc_pixel_e7(zoom) : 0, gen))
        rc = DC_E_NOMEM;
    dc_vertex_counts_free(vc);
    free(l.zones);
    dc_geo_session_end(s);
    if (rc != DC_OK)
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    return dc_http_send_json(c, req, MHD_HTTP_OK, true, &wk->jw, gen, true);
}

/* ---- GET /v1/households -------------------------------------------------------- */

/* The walk over the box: every household counted, those of the page
 * kept (their records, read once the walk is over). */
typedef struct household_page {
    uint64_t seen, first, limit;
    dc_household_ref *refs;
    size_t kept;
} household_page;

static int page_household(void *ctx, const dc_household_pos *pos)
{
    household_page *hp = ctx;
    if (hp->seen >= hp->first && hp->seen < hp->first + hp->limit)
        hp->refs[hp->kept++] = pos->ref;
    hp->seen++;
    return 0;
}

static void household_feature(dc_jw *w, dc_geo_session *s, const dc_household *h)
{
    char code[DC_CODE_DISPLAY_SIZE], compact[DC_CODE_COMPACT_SIZE], address[768];
    dc_zone z;
    bool has_zone = dc_geo_zone(s, h->postcode, &z) == DC_OK;
    dc_code_format(&h->code, DC_CODE_DISPLAY, code, sizeof code);
    dc_code_format(&h->code, DC_CODE_COMPACT, compact, sizeof compact);
    size_t n = dc_geo_address(h, has_zone ? &z : NULL, address, sizeof address);
    if (n >= sizeof address) n = strlen(address);
    dc_render_feature_begin(w, "household");
    dc_jw_key(w, "code");
    dc_jw_cstring(w, code);
    dc_jw_key(w, "compact");
    dc_jw_cstring(w, compact);
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, h->postcode);
    dc_jw_key(w, "address");
    dc_jw_string(w, address, n);
    dc_render_feature_point(w, h->lat_e7, h->lon_e7);
}

static dc_err households_render(dc_jw *w, dc_geo_session *s, const household_page *hp,
                                uint64_t page, const dc_generation *gen)
{
    dc_index_txn *txn = dc_geo_session_txn(s);
    dc_jw_reset(w);
    dc_render_collection_begin(w, "ok");
    dc_http_fingerprint_member(w, gen);
    dc_jw_key(w, "total");
    dc_jw_int(w, (int64_t)hp->seen);
    dc_jw_key(w, "page");
    dc_jw_int(w, (int64_t)page);
    dc_jw_key(w, "limit");
    dc_jw_int(w, (int64_t)hp->limit);
    dc_jw_key(w, "next_page");
    if (hp->first + hp->limit < hp->seen)
        dc_jw_int(w, (int64_t)page + 1);
    else
        dc_jw_null(w);
    dc_render_features_begin(w);
    for (size_t i = 0; i < hp->kept; i++) {
        dc_household h;
        dc_err rc = dc_index_household_read(txn, &hp->refs[i], &h);
        if (rc != DC_OK) return rc;
        household_feature(w, s, &h);
    }
    dc_render_collection_end(w);
    return dc_jw_failed(w) ? DC_E_NOMEM : DC_OK;
}

/* limit and page, or the problem; bbox_too_large for a box past the side. */
static bool households_params(map_params *p, const box *b, double *limit, double *page,
                              dc_api_error *e)
{
    *e = DC_API_BAD_PARAMETER;
    *limit = DC_MAP_HOUSEHOLDS_MAX_LIMIT, *page = 0;
    if (p->value[P_LIMIT] &&
        !whole_param(p->value[P_LIMIT], "limit", 1, DC_MAP_HOUSEHOLDS_MAX_LIMIT, limit,
                     p->problem, sizeof p->problem))
        return false;
    if (p->value[P_PAGE] && !whole_param(p->value[P_PAGE], "page", 0, 1e9, page,
                                         p->problem, sizeof p->problem))
        return false;
    double side = DC_MAP_HOUSEHOLDS_MAX_SIDE * 1e7;
    if (b->north - b->south > side + 0.5 || b->east - b->west > side + 0.5) {
        *e = DC_API_BBOX_TOO_LARGE;
        snprintf(p->problem, sizeof p->problem,
                 "parameter bbox: the box is %.4f x %.4f degrees; households are listed "
                 "for a box of at most %.2f degrees a side",
                 (b->east - b->west) / 1e7, (b->north - b->south) / 1e7,
                 DC_MAP_HOUSEHOLDS_MAX_SIDE);
        return false;
    }
    return true;
}

enum MHD_Result dc_http_map_households(struct MHD_Connection *c, dc_request *req,
                                       dc_generation *gen, dc_worker *wk)
{
    map_params p;
    box b;
    enum MHD_Result ret;
    double limit, page;
    dc_api_error e;
    if (!map_begin(c, req, gen, wk, &p, 1u << P_BBOX | 1u << P_LIMIT | 1u << P_PAGE, &b,
                   &ret))
        return ret;
    if (!households_params(&p, &b, &limit, &page, &e))
        return dc_http_send_problem(c, req, true, e, p.problem, gen, wk);
    if (dc_http_if_none_match(c, req, gen)) return dc_http_not_modified(c, req, gen);
    household_page hp = {0, (uint64_t)page * (uint64_t)limit, (uint64_t)limit, NULL, 0};
    hp.refs = malloc((size_t)limit * sizeof *hp.refs);
    dc_geo_session *s = NULL;
    dc_err rc = hp.refs ? dc_geo_session_begin(gen->geo, &s) : DC_E_NOMEM;
    if (rc == DC_OK)
        rc = dc_index_box_positions(dc_geo_session_txn(s), b.south, b.west, b.north,
                                    b.east, page_household, &hp);
    if (rc == DC_OK && hp.kept && dc_http_rate_limited(c, req, 0, hp.kept, gen, &ret)) {
        dc_geo_session_end(s);
        free(hp.refs);
        return ret;
    }
    if (rc == DC_OK) rc = households_render(&wk->jw, s, &hp, (uint64_t)page, gen);
    dc_geo_session_end(s);
    free(hp.refs);
    if (rc != DC_OK)
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    return dc_http_send_json(c, req, MHD_HTTP_OK, true, &wk->jw, gen, true);
}
