/*
 * render_search.c - search and autocomplete answers as JSON and GeoJSON
 * (render.h), for diachi search --json and GET /v1/search and
 * /v1/autocomplete alike.
 */
#include <string.h>

#include "diachi/search.h"
#include "render.h"
#include "render_internal.h"

static void str_member(dc_jw *w, const char *key, dc_str s)
{
    dc_jw_key(w, key);
    dc_jw_string(w, s.ptr ? s.ptr : "", s.len);
}

static void parts(dc_jw *w, const dc_search_result *r)
{
    dc_jw_key(w, "parts");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nparts; i++) {
        const dc_search_part *p = &r->parts[i];
        dc_jw_object(w);
        dc_jw_key(w, "kind");
        dc_jw_cstring(w, p->kind);
        str_member(w, "text", p->text);
        if (p->word) {
            dc_jw_key(w, "word");
            dc_jw_cstring(w, p->word);
        }
        dc_jw_key(w, "guess");
        dc_jw_bool(w, p->guess);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}

/* A street's or group's address: its name as a household's street or
 * group, in its zone. */
static void place_display_name(dc_jw *w, const dc_search_hit *h)
{
    dc_household place;
    memset(&place, 0, sizeof place);
    place.house_number = place.street = place.group = (dc_str){"", 0};
    if (h->match == DC_SEARCH_STREET) place.street = h->name;
    if (h->match == DC_SEARCH_GROUP) place.group = h->name;
    dc_render_display_name(w, h->match == DC_SEARCH_ZONE ? NULL : &place, &h->zone);
}

/* An answer found through a former name: the address as it was (the former
 * zone, with its dates) beside the address as it is. */
static void former_members(dc_jw *w, const dc_search_hit *h)
{
    dc_jw_key(w, "former");
    dc_jw_bool(w, true);
    if (h->has_former_zone) {
        dc_jw_key(w, "former_zone");
        dc_jw_object(w);
        dc_render_zone_members(w, &h->former_zone.zone, false);
        dc_render_date_member(w, "valid_from", h->former_from);
        dc_render_date_member(w, "valid_until", h->former_until);
        dc_jw_end(w);
        if (h->match == DC_SEARCH_HOUSEHOLD)
            dc_render_display_name_as(w, "former_display_name", &h->household,
                                      &h->former_zone.zone);
    }
    if (h->former_district.len) str_member(w, "former_district", h->former_district);
    if (h->former_province.len) str_member(w, "former_province", h->former_province);
}

/* The members of one answer, for a JSON object and a feature's
 * properties alike. */
static void hit_members(dc_jw *w, const dc_search_result *r, const dc_search_hit *h)
{
    dc_jw_key(w, "match");
    dc_jw_cstring(w, dc_search_match_name(h->match));
    dc_jw_key(w, "score");
    dc_jw_fixed(w, h->score, 3);
    dc_jw_key(w, "matched");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nparts; i++)
        dc_jw_cstring(w, dc_search_how_name((dc_search_how)h->how[i]));
    dc_jw_end(w);
    if (h->match == DC_SEARCH_HOUSEHOLD)
        dc_render_display_name(w, &h->household, &h->zone);
    else
        place_display_name(w, h);
    dc_jw_key(w, "lat");
    dc_jw_e7(w, h->lat_e7);
    dc_jw_key(w, "lon");
    dc_jw_e7(w, h->lon_e7);
    if (h->distance_m >= 0) {
        dc_jw_key(w, "distance_m");
        dc_jw_fixed(w, h->distance_m, 1);
    }
    str_member(w, "name", h->name);
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, h->zone.postcode);
    dc_jw_key(w, "household_count");
    dc_jw_int(w, h->household_count);
    dc_jw_key(w, "zone");
    dc_jw_object(w);
    dc_render_zone_members(w, &h->zone, false);
    dc_jw_end(w);
    if (h->match == DC_SEARCH_HOUSEHOLD) {
        dc_jw_key(w, "household");
        dc_jw_object(w);
        dc_render_household_members(w, &h->household, &h->zone);
        dc_jw_end(w);
    }
    if (h->former) former_members(w, h);
}

void dc_render_search_query(dc_jw *w, const char *query, size_t len,
                            const dc_search_options *opt, const dc_search_result *r)
{
    dc_jw_key(w, "query");
    dc_render_text(w, query, len);
    parts(w, r);
    if (opt && opt->near) {
        dc_jw_key(w, "near");
        dc_jw_object(w);
        dc_jw_key(w, "lat");
        dc_jw_fixed(w, opt->near_lat, 7);
        dc_jw_key(w, "lon");
        dc_jw_fixed(w, opt->near_lon, 7);
        dc_jw_end(w);
    }
    dc_jw_key(w, "count");
    dc_jw_int(w, (int64_t)r->nhits);
}

void dc_render_search_members(dc_jw *w, const char *query, size_t len,
                              const dc_search_options *opt, const dc_search_result *r)
{
    dc_render_search_query(w, query, len, opt, r);
    dc_jw_key(w, "results");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nhits; i++) {
        dc_jw_object(w);
        hit_members(w, r, &r->hits[i]);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}

void dc_render_search_features(dc_jw *w, const dc_search_result *r)
{
    for (size_t i = 0; i < r->nhits; i++) {
        const dc_search_hit *h = &r->hits[i];
        dc_render_feature_begin(w, dc_search_match_name(h->match));
        hit_members(w, r, h);
        dc_render_feature_point(w, h->lat_e7, h->lon_e7);
    }
}

/* An autocomplete answer's address: the name, then what holds it. */
static void answer_display_name(dc_jw *w, const dc_complete_answer *a)
{
    char text[1024];
    size_t n = 0;
    dc_str parts[3] = {a->name, {"", 0}, {"", 0}};
    if (a->kind == DC_ENTITY_STREET || a->kind == DC_ENTITY_GROUP) {
        dc_household place;
        memset(&place, 0, sizeof place);
        place.house_number = place.street = place.group = (dc_str){"", 0};
        if (a->kind == DC_ENTITY_STREET) place.street = a->name;
        if (a->kind == DC_ENTITY_GROUP) place.group = a->name;
        dc_render_display_name(w, &place, a->has_zone ? &a->zone : NULL);
        return;
    }
    if (a->kind == DC_ENTITY_ZONE && a->has_zone) {
        dc_render_display_name(w, NULL, &a->zone);
        return;
    }
    if (a->kind == DC_ENTITY_DISTRICT) parts[1] = a->zone.province;
    for (int i = 0; i < 3; i++) {
        if (!parts[i].len || n + parts[i].len + 2 >= sizeof text - 16) continue;
        if (n) memcpy(text + n, ", ", 2), n += 2;
        memcpy(text + n, parts[i].ptr, parts[i].len);
        n += parts[i].len;
    }
    static const char country[] = ", Vi\xE1\xBB\x87t Nam";
    memcpy(text + n, country, sizeof country - 1);
    n += sizeof country - 1;
    dc_jw_key(w, "display_name");
    dc_jw_string(w, text, n);
}

/* An autocomplete answer's members, for a JSON object and a feature's
 * properties alike. */
static void answer_members(dc_jw *w, const dc_complete_answer *a)
{
    dc_jw_key(w, "text");
    dc_jw_cstring(w, a->text);
    dc_jw_key(w, "kind");
    dc_jw_cstring(w, dc_entity_kind_name(a->kind));
    str_member(w, "name", a->name);
    answer_display_name(w, a);
    if (a->kind >= DC_ENTITY_ZONE) {
        dc_jw_key(w, "postcode");
        dc_jw_postcode(w, a->postcode);
    }
    dc_jw_key(w, "lat");
    dc_jw_e7(w, a->lat_e7);
    dc_jw_key(w, "lon");
    dc_jw_e7(w, a->lon_e7);
    dc_jw_key(w, "household_count");
    dc_jw_int(w, a->household_count);
}

void dc_render_complete_query(dc_jw *w, const char *query, size_t len,
                              const dc_complete_result *r)
{
    dc_jw_key(w, "query");
    dc_render_text(w, query, len);
    dc_jw_key(w, "count");
    dc_jw_int(w, (int64_t)r->nanswers);
}

void dc_render_complete_members(dc_jw *w, const char *query, size_t len,
                                const dc_complete_result *r)
{
    dc_render_complete_query(w, query, len, r);
    dc_jw_key(w, "results");
    dc_jw_array(w);
    for (size_t i = 0; i < r->nanswers; i++) {
        dc_jw_object(w);
        answer_members(w, &r->answers[i]);
        dc_jw_end(w);
    }
    dc_jw_end(w);
}

void dc_render_complete_features(dc_jw *w, const dc_complete_result *r)
{
    for (size_t i = 0; i < r->nanswers; i++) {
        const dc_complete_answer *a = &r->answers[i];
        dc_render_feature_begin(w, dc_entity_kind_name(a->kind));
        answer_members(w, a);
        dc_render_feature_point(w, a->lat_e7, a->lon_e7);
    }
}
