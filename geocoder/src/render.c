/*
 * render.c - the engine's answers as JSON and GeoJSON (see render.h).
 */
#include <string.h>

#include "diachi/history.h"
#include "diachi/spoken.h"
#include "render.h"
#include "render_internal.h"

/* ---- pieces --------------------------------------------------------------- */

/* Length of the UTF-8 sequence starting at s[0] (at most @p left bytes),
 * or 0 when it is not one: overlong forms, surrogates and values past
 * U+10FFFF are refused, as RFC 3629 says. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (n > left) return 0;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return n;
}

void dc_render_text(dc_jw *w, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n;
    while (i < len && (n = utf8_sequence(u + i, len - i)) != 0)
        i += n;
    if (i == len) {
        dc_jw_string(w, s, len);
        return;
    }
    /* Rare: rebuild with replacement characters, then write once. */
    dc_jw clean;
    dc_jw_init(&clean);
    for (i = 0; i < len;) {
        n = utf8_sequence(u + i, len - i);
        if (n) {
            dc_jw_raw(&clean, s + i, n);
            i += n;
        } else {
            dc_jw_raw(&clean, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    if (dc_jw_failed(&clean))
        w->failed = true;
    else
        dc_jw_string(w, clean.buf, clean.len);
    dc_jw_free(&clean);
}

static void str_member(dc_jw *w, const char *key, const dc_str *s)
{
    dc_jw_key(w, key);
    dc_jw_string(w, s->ptr ? s->ptr : "", s->len);
}

static void cell_members(dc_jw *w, const dc_olc_area *c)
{
    dc_jw_key(w, "cell");
    dc_jw_object(w);
    dc_jw_key(w, "south");
    dc_jw_fixed(w, c->south, 9);
    dc_jw_key(w, "west");
    dc_jw_fixed(w, c->west, 9);
    dc_jw_key(w, "north");
    dc_jw_fixed(w, c->north, 9);
    dc_jw_key(w, "east");
    dc_jw_fixed(w, c->east, 9);
    dc_jw_end(w);
    dc_jw_key(w, "centre");
    dc_jw_object(w);
    dc_jw_key(w, "lat");
    dc_jw_fixed(w, c->lat, 9);
    dc_jw_key(w, "lon");
    dc_jw_fixed(w, c->lon, 9);
    dc_jw_end(w);
}

void dc_render_place_members(dc_jw *w, const dc_geo_place *p)
{
    if (p->display[0]) {
        dc_jw_key(w, "code");
        dc_jw_cstring(w, p->display);
        dc_jw_key(w, "compact");
        dc_jw_cstring(w, p->compact);
    }
    dc_jw_key(w, "plus_code");
    dc_jw_cstring(w, p->plus_code);
    cell_members(w, &p->cell);
}

/* The code read aloud (diachi/spoken.h), for a place that has a code. */
void dc_render_spoken_member(dc_jw *w, const dc_geo_place *p)
{
    if (!p->display[0]) return;
    char vi[DC_SPOKEN_SIZE], en[DC_SPOKEN_SIZE];
    if (dc_code_spoken(&p->code, DC_SPOKEN_VI, vi, sizeof vi, NULL) != DC_OK ||
        dc_code_spoken(&p->code, DC_SPOKEN_EN, en, sizeof en, NULL) != DC_OK)
        return;
    dc_jw_key(w, "spoken");
    dc_jw_object(w);
    dc_jw_key(w, "vi");
    dc_jw_cstring(w, vi);
    dc_jw_key(w, "en");
    dc_jw_cstring(w, en);
    dc_jw_end(w);
}

/* A place answered for (a forward or reverse answer's own, or a corrected
 * code): its members and the code read aloud. */
static void place(dc_jw *w, const char *key, const dc_geo_place *p)
{
    dc_jw_key(w, key);
    dc_jw_object(w);
    dc_render_place_members(w, p);
    dc_render_spoken_member(w, p);
    dc_jw_end(w);
}

static void zone(dc_jw *w, const char *key, const dc_zone *z)
{
    dc_jw_key(w, key);
    dc_jw_object(w);
    dc_render_zone_members(w, z, false);
    dc_jw_end(w);
}

static bool zone_of(const zone_source *zs, uint32_t postcode, dc_zone *out)
{
    for (int i = 0; i < 2; i++)
        if (zs->known[i] && zs->known[i]->postcode == postcode) {
            *out = *zs->known[i];
            return true;
        }
    return zs->s && dc_geo_zone(zs->s, postcode, out) == DC_OK;
}

#define COUNTRY "Vi\xE1\xBB\x87t Nam" /* "Việt Nam", NFC */

/* Room for a display name: the address and the country. */
#define NAME_SIZE 768

/* The address of @p h (NULL: the zone's own) in @p z as "display_name"
 * says it, dc_geo_address (door to province) then the country, into
 * @p text; returns its length. */
static size_t display_text(const dc_household *h, const dc_zone *z, char text[NAME_SIZE])
{
    size_t room = NAME_SIZE - sizeof(", " COUNTRY);
    size_t n = dc_geo_address(h, z, text, room);
    if (n >= room) n = strlen(text); /* cut on a character boundary */
    if (n) {
        memcpy(text + n, ", ", 2);
        n += 2;
    }
    memcpy(text + n, COUNTRY, sizeof COUNTRY);
    return n + sizeof COUNTRY - 1;
}

/* "display_name": display_text's, under @p key. */
static void display_name_as(dc_jw *w, const char *key, const dc_household *h,
                            const dc_zone *z)
{
    char text[NAME_SIZE];
    size_t n = display_text(h, z, text);
    dc_jw_key(w, key);
    dc_jw_string(w, text, n);
}

static void display_name(dc_jw *w, const dc_household *h, const dc_zone *z)
{
    display_name_as(w, "display_name", h, z);
}

void dc_render_household_fields(dc_jw *w, const dc_household *h, const zone_source *zs)
{
    dc_zone z;
    char code[DC_CODE_DISPLAY_SIZE] = "";
    char geo[4 + 2 * DC_JW_E7_SIZE];
    dc_code_format(&h->code, DC_CODE_DISPLAY, code, sizeof code);
    str_member(w, "id", &h->id);
    dc_jw_key(w, "code");
    dc_jw_cstring(w, code);
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, h->postcode);
    dc_jw_key(w, "lat");
    dc_jw_e7(w, h->lat_e7);
    dc_jw_key(w, "lon");
    dc_jw_e7(w, h->lon_e7);
    /* "geo:" and the two coordinates exactly as above. */
    size_t n = 4;
    memcpy(geo, "geo:", 4);
    n += dc_jw_format_e7(h->lat_e7, geo + n);
    geo[n++] = ',';
    dc_jw_format_e7(h->lon_e7, geo + n);
    dc_jw_key(w, "geo_uri");
    dc_jw_cstring(w, geo);
    str_member(w, "house_number", &h->house_number);
    str_member(w, "street", &h->street);
    str_member(w, "group", &h->group);
    if (h == zs->named && zs->known[0] && zs->known[0]->postcode == h->postcode) {
        /* zone_of would give known[0]: the answer's own display_name. */
        dc_jw_key(w, "display_name");
        dc_jw_string(w, zs->name, zs->name_len);
    } else if (zone_of(zs, h->postcode, &z)) {
        display_name(w, h, &z);
    }
}

void dc_render_household_members(dc_jw *w, const dc_household *h, const dc_zone *z)
{
    zone_source zs = {.known = {z, NULL}};
    dc_render_household_fields(w, h, &zs);
}

void dc_render_display_name(dc_jw *w, const dc_household *h, const dc_zone *z)
{
    display_name(w, h, z);
}

void dc_render_display_name_as(dc_jw *w, const char *key, const dc_household *h,
                               const dc_zone *z)
{
    display_name_as(w, key, h, z);
}

static void household(dc_jw *w, const dc_household *h, const zone_source *zs)
{
    dc_jw_object(w);
    dc_render_household_fields(w, h, zs);
    dc_jw_end(w);
}

static void neighbour(dc_jw *w, const dc_geo_neighbour *n, const zone_source *zs)
{
    dc_jw_object(w);
    dc_render_household_fields(w, &n->household, zs);
    dc_jw_key(w, "distance_m");
    dc_jw_fixed(w, n->distance_m, 2);
    dc_jw_key(w, "other_zone");
    dc_jw_bool(w, n->other_zone);
    dc_jw_end(w);
}

static void suggestion(dc_jw *w, const dc_geo_suggestion *sg, const zone_source *zs)
{
    dc_jw_object(w);
    dc_render_place_members(w, &sg->place);
    dc_jw_key(w, "edit");
    dc_jw_cstring(w, dc_geo_edit_name(sg->edit));
    dc_jw_key(w, "position");
    dc_jw_int(w, sg->position);
    if (sg->distance_m >= 0) {
        dc_jw_key(w, "distance_m");
        dc_jw_fixed(w, sg->distance_m, 1);
    }
    dc_jw_key(w, "household_count");
    dc_jw_int(w, sg->household_count);
    dc_jw_key(w, "household");
    household(w, &sg->household, zs);
    dc_jw_end(w);
}

/* ---- JSON ------------------------------------------------------------------ */

zone_source dc_render_forward_zones(dc_geo_session *s, const dc_geo_forward_result *r)
{
    zone_source zs = {.s = s,
                      .known = {r->has_zone ? &r->zone : NULL,
                                r->has_actual_zone ? &r->actual_zone : NULL}};
    return zs;
}

/* A day as YYYY-MM-DD, null for an open end. */
void dc_render_date_member(dc_jw *w, const char *key, int32_t day)
{
    char text[DC_DATE_SIZE];
    dc_date_format(day, text);
    dc_jw_key(w, key);
    if (text[0])
        dc_jw_cstring(w, text);
    else
        dc_jw_null(w);
}

/* A zone of an earlier edition: the zone with its last day. */
static void earlier_zone(dc_jw *w, const char *key, const dc_zone *z, int32_t valid_until)
{
    dc_jw_key(w, key);
    dc_jw_object(w);
    dc_render_zone_members(w, z, false);
    dc_render_date_member(w, "valid_until", valid_until);
    dc_jw_end(w);
}

/* The door's current code and zone, for a code of an earlier zone. */
static void current_members(dc_jw *w, const dc_geo_forward_result *r)
{
    if (!r->has_current) return;
    dc_jw_key(w, "current_code");
    dc_jw_cstring(w, r->current.display);
    zone(w, "current_zone", &r->current_zone);
}

/* The address of a forward answer's place (see render.h). */
void dc_render_forward_display_name(dc_jw *w, const dc_geo_forward_result *r)
{
    if (r->earlier_zone && r->nhouseholds && r->has_current)
        display_name(w, &r->households[0], &r->current_zone);
    else if (r->status == DC_GEO_OK && r->nhouseholds && r->has_zone)
        display_name(w, &r->households[0], &r->zone);
    else if (r->status == DC_GEO_UNREGISTERED && r->has_zone)
        display_name(w, NULL, &r->zone);
    else if (r->status == DC_GEO_CODE_OUTSIDE_ZONE && r->has_actual_zone)
        display_name(w, NULL, &r->actual_zone);
}

/* The answer's display_name; a registered code's is its first
 * household's, kept in @p zs (with @p text) to be written again there. */
static void forward_display_name(dc_jw *w, zone_source *zs,
                                 const dc_geo_forward_result *r, char text[NAME_SIZE])
{
    if (!(r->earlier_zone && r->nhouseholds && r->has_current) &&
        r->status == DC_GEO_OK && r->nhouseholds && r->has_zone &&
        zs->known[0] == &r->zone) {
        zs->named = &r->households[0];
        zs->name = text;
        zs->name_len = display_text(zs->named, &r->zone, text);
        dc_jw_key(w, "display_name");
        dc_jw_string(w, text, zs->name_len);
        return;
    }
    dc_render_forward_display_name(w, r);
}

static void forward_members(dc_jw *w, const zone_source *source, const char *input,
                            size_t len, const dc_geo_forward_result *r)
{
    zone_source named = *source, *zs = &named;
    char text[NAME_SIZE];
    dc_jw_key(w, "input");
    dc_render_text(w, input, len);
    dc_jw_key(w, "status");
    dc_jw_cstring(w, dc_geo_status_name(r->status));
    if (r->status == DC_GEO_MALFORMED) {
        dc_jw_key(w, "parse_error");
        dc_jw_object(w);
        dc_jw_key(w, "code");
        dc_jw_cstring(w, dc_err_name(r->error.code));
        dc_jw_key(w, "message");
        dc_jw_cstring(w, r->error.message);
        dc_jw_end(w);
    }
    forward_display_name(w, zs, r, text);
    if (r->has_place) place(w, "place", &r->place);
    if (r->has_zone && r->earlier_zone)
        earlier_zone(w, "zone", &r->zone, r->zone_valid_until);
    else if (r->has_zone)
        zone(w, "zone", &r->zone);
    current_members(w, r);
    if (r->has_actual_zone) {
        zone(w, "actual_zone", &r->actual_zone);
        place(w, "corrected", &r->corrected);
    }
    dc_jw_key(w, "household_count");
    dc_jw_int(w, r->household_count);
    dc_jw_key(w, "households");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nhouseholds; i++)
        household(w, &r->households[i], zs);
    dc_jw_end(w);
    dc_jw_key(w, "suggestions");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nsuggestions; i++)
        suggestion(w, &r->suggestions[i], zs);
    dc_jw_end(w);
    dc_jw_key(w, "nearby");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nnearby; i++)
        neighbour(w, &r->nearby[i], zs);
    dc_jw_end(w);
}

void dc_render_forward_members(dc_jw *w, const char *input, size_t len,
                               const dc_geo_forward_result *r)
{
    zone_source zs = dc_render_forward_zones(NULL, r);
    forward_members(w, &zs, input, len, r);
}

void dc_render_forward_answer(dc_jw *w, dc_geo_session *s, const char *input, size_t len,
                              const dc_geo_forward_result *r)
{
    zone_source zs = dc_render_forward_zones(s, r);
    forward_members(w, &zs, input, len, r);
}

void dc_render_similar_codes(dc_jw *w, dc_geo_session *s, const dc_geo_forward_result *r)
{
    zone_source zs = dc_render_forward_zones(s, r);
    dc_jw_key(w, "similar_codes");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nsimilar; i++)
        suggestion(w, &r->similar[i], &zs);
    dc_jw_end(w);
}

/* The household at the point's own code, in its zone, when one is listed. */
static const dc_household *reverse_door(const dc_geo_reverse_result *r)
{
    if (!r->has_zone) return NULL;
    for (size_t i = 0; i < r->nneighbours; i++)
        if (!r->neighbours[i].other_zone &&
            dc_code_equal(&r->neighbours[i].household.code, &r->place.code))
            return &r->neighbours[i].household;
    return NULL;
}

void dc_render_reverse_display_name(dc_jw *w, const dc_geo_reverse_result *r)
{
    if (r->has_zone) display_name(w, reverse_door(r), &r->zone);
}

/* The point's zones and codes in earlier editions, latest first. */
void dc_render_former_members(dc_jw *w, const dc_geo_reverse_result *r)
{
    if (!r->nformer) return;
    dc_jw_key(w, "former");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nformer; i++) {
        dc_jw_object(w);
        dc_jw_key(w, "edition");
        dc_jw_int(w, r->former[i].edition);
        dc_jw_key(w, "code");
        dc_jw_cstring(w, r->former[i].place.display);
        earlier_zone(w, "zone", &r->former[i].zone, r->former[i].valid_until);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}

void dc_render_reverse_answer(dc_jw *w, dc_geo_session *s, const dc_geo_reverse_result *r,
                              const dc_render_reverse_query *q)
{
    zone_source zs = {.s = s, .known = {r->has_zone ? &r->zone : NULL, NULL}};
    dc_jw_key(w, "lat");
    dc_jw_fixed(w, r->lat, 9);
    dc_jw_key(w, "lon");
    dc_jw_fixed(w, r->lon, 9);
    if (q->lon_normalised) {
        dc_jw_key(w, "lon_normalised_from");
        dc_jw_fixed(w, q->lon_given, 9);
    }
    dc_jw_key(w, "radius_m");
    dc_jw_fixed(w, q->radius_m, 3);
    dc_jw_key(w, "limit");
    dc_jw_int(w, (int64_t)q->limit);
    dc_jw_key(w, "status");
    dc_jw_cstring(w, dc_geo_status_name(r->status));
    dc_jw_key(w, "plus_code");
    dc_jw_cstring(w, r->plus_code);
    char text[NAME_SIZE];
    if (r->has_zone) {
        /* The door's address, written again in its household. */
        zs.named = reverse_door(r);
        zs.name = text;
        zs.name_len = display_text(zs.named, &r->zone, text);
        dc_jw_key(w, "display_name");
        dc_jw_string(w, text, zs.name_len);
        zone(w, "zone", &r->zone);
        place(w, "place", &r->place);
    }
    dc_render_former_members(w, r);
    dc_jw_key(w, "households");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nneighbours; i++)
        neighbour(w, &r->neighbours[i], &zs);
    dc_jw_end(w);
}

void dc_render_reverse_members(dc_jw *w, const dc_geo_reverse_result *r, double radius_m,
                               size_t limit)
{
    dc_render_reverse_query q = {radius_m, limit, false, 0};
    dc_render_reverse_answer(w, NULL, r, &q);
}

/* Twice the signed area of a ring in degrees (positive: anticlockwise with
 * x east, y north). */
static double ring_area2(const dc_ring *ring)
{
    double sum = 0;
    int32_t lat0, lon0, lat1, lon1;
    dc_ring_vertex(ring, ring->npoints - 1, &lat0, &lon0);
    for (uint32_t i = 0; i < ring->npoints; i++) {
        dc_ring_vertex(ring, i, &lat1, &lon1);
        sum += ((double)lon0 * lat1 - (double)lon1 * lat0) / 1e14;
        lat0 = lat1, lon0 = lon1;
    }
    return sum;
}

/* One ring, closed, anticlockwise when exterior and clockwise when a hole
 * (RFC 7946 section 3.1.6), whatever order the index stores. */
static void ring_coordinates(dc_jw *w, const dc_ring *ring)
{
    double area = ring_area2(ring);
    bool reverse = ring->hole ? area > 0 : area < 0;
    dc_jw_array(w);
    for (uint32_t k = 0; k <= ring->npoints; k++) {
        uint32_t i = k % ring->npoints;
        if (reverse) i = (ring->npoints - i) % ring->npoints;
        int32_t lat, lon;
        dc_ring_vertex(ring, i, &lat, &lon);
        dc_jw_array(w);
        dc_jw_e7(w, lon);
        dc_jw_e7(w, lat);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}

/* A MultiPolygon geometry object: each exterior ring opens a polygon and
 * its holes follow it. */
void dc_render_polygon_geometry(dc_jw *w, const dc_polygon *p)
{
    dc_ring ring;
    size_t off = 0;
    bool open = false;
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "MultiPolygon");
    dc_jw_key(w, "coordinates");
    dc_jw_array(w);
    while (dc_polygon_next_ring(p, &off, &ring)) {
        if (!ring.hole) {
            if (open) dc_jw_end(w);
            dc_jw_array(w);
            open = true;
        }
        if (open) ring_coordinates(w, &ring);
    }
    if (open) dc_jw_end(w);
    dc_jw_end(w);
    dc_jw_end(w);
}

void dc_render_zone_members(dc_jw *w, const dc_zone *z, bool full)
{
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, z->postcode);
    str_member(w, "name", &z->name);
    str_member(w, "kind", &z->kind);
    str_member(w, "commune_code", &z->commune_code);
    str_member(w, "district", &z->district);
    str_member(w, "province", &z->province);
    display_name(w, NULL, z);
    dc_jw_key(w, "household_count");
    dc_jw_int(w, z->household_count);
    if (!full) return;
    dc_jw_key(w, "reference");
    dc_jw_object(w);
    dc_jw_key(w, "lat");
    dc_jw_e7(w, z->ref_lat_e7);
    dc_jw_key(w, "lon");
    dc_jw_e7(w, z->ref_lon_e7);
    dc_jw_end(w);
    dc_jw_key(w, "bbox");
    dc_jw_object(w);
    dc_jw_key(w, "south");
    dc_jw_e7(w, z->south_e7);
    dc_jw_key(w, "west");
    dc_jw_e7(w, z->west_e7);
    dc_jw_key(w, "north");
    dc_jw_e7(w, z->north_e7);
    dc_jw_key(w, "east");
    dc_jw_e7(w, z->east_e7);
    dc_jw_end(w);
    dc_jw_key(w, "polygon");
    dc_render_polygon_geometry(w, &z->polygon);
}

/* History rows as [{postcode, kind, date}], the postcode the old one or
 * the new one. */
static void history_rows(dc_jw *w, const char *key, const dc_history_row *rows, size_t n,
                         bool old)
{
    dc_jw_key(w, key);
    dc_jw_array(w);
    for (size_t i = 0; i < n; i++) {
        dc_jw_object(w);
        dc_jw_key(w, "postcode");
        dc_jw_postcode(w, old ? rows[i].old_postcode : rows[i].new_postcode);
        dc_jw_key(w, "kind");
        dc_jw_cstring(w, dc_history_kind_name(rows[i].kind));
        dc_render_date_member(w, "date", rows[i].date);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}

void dc_render_zone_former(dc_jw *w, dc_geo_session *s, const dc_zone *z)
{
    dc_history_row rows[64];
    size_t n = 0;
    if (dc_index_history_to(dc_geo_session_txn(s), z->postcode, rows, 64, &n) != DC_OK ||
        n == 0)
        return;
    history_rows(w, "former", rows, n < 64 ? n : 64, true);
}

void dc_render_earlier_zone_members(dc_jw *w, dc_geo_session *s, const dc_zone *z,
                                    int32_t valid_until)
{
    dc_history_row rows[16];
    size_t n = 0;
    dc_jw_key(w, "status");
    dc_jw_cstring(w, dc_geo_status_name(DC_GEO_RETIRED));
    dc_render_zone_members(w, z, true);
    dc_render_date_member(w, "valid_until", valid_until);
    if (dc_index_history(dc_geo_session_txn(s), z->postcode, rows, 16, &n) != DC_OK)
        n = 0;
    dc_jw_key(w, "became");
    dc_jw_array(w);
    for (size_t i = 0; i < n && i < 16; i++) {
        dc_jw_object(w);
        dc_jw_key(w, "postcode");
        dc_jw_postcode(w, rows[i].new_postcode);
        dc_jw_key(w, "kind");
        dc_jw_cstring(w, dc_history_kind_name(rows[i].kind));
        dc_render_date_member(w, "date", rows[i].date);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}
