/*
 * render_nominatim.c - places in Nominatim's four JSON formats (see
 * render_nominatim.h for what each field holds).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "render_nominatim.h"

/* What a kind of place is called in Nominatim's terms. */
static const struct {
    const char *class_, *type, *addresstype, *geocodejson_type;
    int place_rank;
} kinds[] = {
    [DC_NOMINATIM_HOUSEHOLD] = {"place", "house", "place", "house", 30},
    [DC_NOMINATIM_STREET] = {"highway", "residential", "road", "street", 26},
    [DC_NOMINATIM_GROUP] = {"place", "quarter", "quarter", "locality", 22},
    [DC_NOMINATIM_ZONE] = {"boundary", "administrative", "suburb", "district", 16},
};

#define COUNTRY_VI "Vi\xE1\xBB\x87t Nam" /* "Việt Nam", NFC */
#define COUNTRY_EN "Vietnam"

static const dc_str empty = {"", 0};

/* ---- places ------------------------------------------------------------- */

/* FNV-1a of a name: a street's or group's place_id within its zone. */
static uint32_t name_hash(dc_str s)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.ptr[i]) * 16777619u;
    return h;
}

/* A household: its number + 1 (below 2^32). A zone, street or group: its
 * kind above bit 49, its postcode at bits 32..48, a street's or group's
 * name hash below: below 2^51, exact in a JavaScript number. */
static uint64_t named_id(dc_nominatim_kind kind, uint32_t postcode, dc_str name)
{
    return (uint64_t)kind << 49 | (uint64_t)postcode << 32 |
           (kind == DC_NOMINATIM_ZONE ? 0 : name_hash(name));
}

static void zone_box(const dc_zone *z, dc_nominatim_place *p)
{
    p->south_e7 = z->south_e7, p->north_e7 = z->north_e7;
    p->west_e7 = z->west_e7, p->east_e7 = z->east_e7;
}

static void place_init(dc_nominatim_kind kind, const dc_zone *z, double importance,
                       dc_nominatim_place *p)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->zone = *z;
    p->importance = importance;
    p->house_number = p->road = p->group = empty;
    zone_box(z, p);
}

void dc_nominatim_household(const dc_household *h, const dc_zone *z, double importance,
                            dc_nominatim_place *out)
{
    place_init(DC_NOMINATIM_HOUSEHOLD, z, importance, out);
    out->place_id = (uint64_t)h->number + 1;
    out->lat_e7 = h->lat_e7, out->lon_e7 = h->lon_e7;
    out->house_number = h->house_number;
    out->road = h->street;
    out->group = h->group;
    dc_code_format(&h->code, DC_CODE_DISPLAY, out->code, sizeof out->code);
    /* The cell its code names, to the nearest 1e-7 degree (an edge is a
     * multiple of 1/40000 degree of latitude, 1/32000 of longitude),
     * never leaving the point outside. */
    dc_olc_area cell;
    if (dc_code_resolve(&h->code, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7, &cell) ==
        DC_OK) {
        int32_t s = (int32_t)lround(cell.south * 1e7),
                n = (int32_t)lround(cell.north * 1e7);
        int32_t w = (int32_t)lround(cell.west * 1e7),
                e = (int32_t)lround(cell.east * 1e7);
        out->south_e7 = s < h->lat_e7 ? s : h->lat_e7;
        out->north_e7 = n > h->lat_e7 ? n : h->lat_e7;
        out->west_e7 = w < h->lon_e7 ? w : h->lon_e7;
        out->east_e7 = e > h->lon_e7 ? e : h->lon_e7;
    }
}

void dc_nominatim_named(dc_nominatim_kind kind, dc_str name, const dc_zone *z,
                        int32_t lat_e7, int32_t lon_e7, double importance,
                        dc_nominatim_place *out)
{
    place_init(kind, z, importance, out);
    out->place_id = named_id(kind, z->postcode, name);
    out->lat_e7 = lat_e7, out->lon_e7 = lon_e7;
    if (kind == DC_NOMINATIM_STREET) out->road = name;
    if (kind == DC_NOMINATIM_GROUP) out->group = name;
}

void dc_nominatim_zone(const dc_zone *z, double importance, dc_nominatim_place *out)
{
    place_init(DC_NOMINATIM_ZONE, z, importance, out);
    out->place_id = named_id(DC_NOMINATIM_ZONE, z->postcode, empty);
    out->lat_e7 = z->ref_lat_e7, out->lon_e7 = z->ref_lon_e7;
}

void dc_nominatim_hit(const dc_search_hit *hit, dc_nominatim_place *out)
{
    switch (hit->match) {
    case DC_SEARCH_HOUSEHOLD:
        dc_nominatim_household(&hit->household, &hit->zone, hit->score, out);
        return;
    case DC_SEARCH_STREET:
    case DC_SEARCH_GROUP:
        dc_nominatim_named(
            hit->match == DC_SEARCH_STREET ? DC_NOMINATIM_STREET : DC_NOMINATIM_GROUP,
            hit->name, &hit->zone, hit->lat_e7, hit->lon_e7, hit->score, out);
        return;
    case DC_SEARCH_ZONE:
        dc_nominatim_zone(&hit->zone, hit->score, out);
        out->lat_e7 = hit->lat_e7, out->lon_e7 = hit->lon_e7;
        return;
    }
}

/* ---- the address, as text and as parts ----------------------------------- */

/* The district is a county when it is a huyện (a rural district), else a
 * city (thành phố, thị xã, quận). */
static bool district_is_county(dc_str d)
{
    static const char huyen[] = "huy\xE1\xBB\x87n "; /* "huyện " */
    static const char huyen_cap[] = "Huy\xE1\xBB\x87n ";
    size_t n = sizeof huyen - 1;
    return d.len > n &&
           (memcmp(d.ptr, huyen, n) == 0 || memcmp(d.ptr, huyen_cap, n) == 0);
}

/* The parts of a place's address, door to country, in Nominatim's order;
 * the zone's name is written into @p zone_name. */
typedef struct address_part {
    const char *key;         /* Nominatim's address key */
    const char *geocodejson; /* GeocodeJSON's property, or NULL */
    dc_str value;
} address_part;

enum { MAX_PARTS = 9 };

static size_t address_parts(const dc_nominatim_place *p, dc_nominatim_language lang,
                            char *zone_name, size_t zone_size, char *postcode,
                            address_part *out)
{
    size_t n = 0, zlen = dc_geo_zone_name(&p->zone, zone_name, zone_size);
    if (zlen >= zone_size) zlen = strlen(zone_name);
    snprintf(postcode, 6, "%05u", p->zone.postcode);
    bool county = district_is_county(p->zone.district);
    const char *country = lang == DC_NOMINATIM_EN ? COUNTRY_EN : COUNTRY_VI;
    address_part all[MAX_PARTS] = {
        {"house_number", "housenumber", p->house_number},
        {"road", "street", p->road},
        {"quarter", "locality", p->group},
        {"suburb", "district", {zone_name, zlen}},
        {county ? "county" : "city", county ? "county" : "city", p->zone.district},
        {"state", "state", p->zone.province},
        {"postcode", "postcode", {postcode, 5}},
        {"country", "country", {country, strlen(country)}},
        {"country_code", "country_code", {"vn", 2}},
    };
    for (size_t i = 0; i < MAX_PARTS; i++)
        if (all[i].value.len) out[n++] = all[i];
    return n;
}

/* display_name: every part but the country code, joined by ", ". */
static void display_name(dc_jw *w, const char *key, const address_part *parts, size_t n)
{
    char text[1024];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(parts[i].key, "country_code") == 0) continue;
        if (len + parts[i].value.len + 2 >= sizeof text) break;
        if (len) memcpy(text + len, ", ", 2), len += 2;
        memcpy(text + len, parts[i].value.ptr, parts[i].value.len);
        len += parts[i].value.len;
    }
    dc_jw_key(w, key);
    dc_jw_string(w, text, len);
}

static void address_object(dc_jw *w, const address_part *parts, size_t n)
{
    dc_jw_key(w, "address");
    dc_jw_object(w);
    for (size_t i = 0; i < n; i++) {
        dc_jw_key(w, parts[i].key);
        dc_jw_string(w, parts[i].value.ptr, parts[i].value.len);
    }
    dc_jw_end(w);
}

/* The place's own name: a street's or group's, a zone's with its kind;
 * "" for a household, as Nominatim names an address without a name. */
static dc_str place_name(const dc_nominatim_place *p, const address_part *parts, size_t n)
{
    if (p->kind == DC_NOMINATIM_STREET) return p->road;
    if (p->kind == DC_NOMINATIM_GROUP) return p->group;
    if (p->kind == DC_NOMINATIM_ZONE)
        for (size_t i = 0; i < n; i++)
            if (strcmp(parts[i].key, "suburb") == 0) return parts[i].value;
    return empty;
}

/* ---- the formats --------------------------------------------------------- */

static void e7_string(dc_jw *w, int32_t v)
{
    char s[DC_JW_E7_SIZE];
    size_t n = dc_jw_format_e7(v, s);
    dc_jw_string(w, s, n);
}

static void code_member(dc_jw *w, const dc_nominatim_place *p)
{
    if (!p->code[0]) return;
    dc_jw_key(w, "code");
    dc_jw_cstring(w, p->code);
}

/* The members json, jsonv2 and geojson's properties share, from
 * class/category on. */
static void kind_members(dc_jw *w, const dc_nominatim_place *p, bool v2)
{
    dc_jw_key(w, v2 ? "category" : "class");
    dc_jw_cstring(w, kinds[p->kind].class_);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, kinds[p->kind].type);
    dc_jw_key(w, "place_rank");
    dc_jw_int(w, kinds[p->kind].place_rank);
    dc_jw_key(w, "importance");
    dc_jw_fixed(w, p->importance, 3);
    dc_jw_key(w, "addresstype");
    dc_jw_cstring(w, kinds[p->kind].addresstype);
}

static void named_members(dc_jw *w, const dc_nominatim_options *o,
                          const dc_nominatim_place *p)
{
    char zone_name[512], postcode[6];
    address_part parts[MAX_PARTS];
    size_t n =
        address_parts(p, o->language, zone_name, sizeof zone_name, postcode, parts);
    dc_str name = place_name(p, parts, n);
    dc_jw_key(w, "name");
    dc_jw_string(w, name.ptr, name.len);
    display_name(w, "display_name", parts, n);
    if (o->addressdetails) address_object(w, parts, n);
}

/* json and jsonv2: one object. */
static void json_place(dc_jw *w, const dc_nominatim_options *o,
                       const dc_nominatim_place *p)
{
    dc_jw_object(w);
    dc_jw_key(w, "place_id");
    dc_jw_int(w, (int64_t)p->place_id);
    dc_jw_key(w, "lat");
    e7_string(w, p->lat_e7);
    dc_jw_key(w, "lon");
    e7_string(w, p->lon_e7);
    kind_members(w, p, o->format == DC_NOMINATIM_JSONV2);
    named_members(w, o, p);
    dc_jw_key(w, "boundingbox");
    dc_jw_array(w);
    e7_string(w, p->south_e7);
    e7_string(w, p->north_e7);
    e7_string(w, p->west_e7);
    e7_string(w, p->east_e7);
    dc_jw_end(w);
    code_member(w, p);
    dc_jw_end(w);
}

static void point_geometry(dc_jw *w, const dc_nominatim_place *p)
{
    dc_jw_key(w, "geometry");
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "Point");
    dc_jw_key(w, "coordinates");
    dc_jw_array(w);
    dc_jw_e7(w, p->lon_e7);
    dc_jw_e7(w, p->lat_e7);
    dc_jw_end(w);
    dc_jw_end(w);
}

static void geojson_feature(dc_jw *w, const dc_nominatim_options *o,
                            const dc_nominatim_place *p)
{
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "Feature");
    dc_jw_key(w, "properties");
    dc_jw_object(w);
    dc_jw_key(w, "place_id");
    dc_jw_int(w, (int64_t)p->place_id);
    kind_members(w, p, true);
    named_members(w, o, p);
    code_member(w, p);
    dc_jw_end(w);
    dc_jw_key(w, "bbox");
    dc_jw_array(w);
    dc_jw_e7(w, p->west_e7);
    dc_jw_e7(w, p->south_e7);
    dc_jw_e7(w, p->east_e7);
    dc_jw_e7(w, p->north_e7);
    dc_jw_end(w);
    point_geometry(w, p);
    dc_jw_end(w);
}

/* GeocodeJSON 0.1.0: properties.geocoding with the address flat, and
 * admin levels (4 province, 6 district, 8 ward) with addressdetails. */
static void geocodejson_feature(dc_jw *w, const dc_nominatim_options *o,
                                const dc_nominatim_place *p)
{
    char zone_name[512], postcode[6];
    address_part parts[MAX_PARTS];
    size_t n =
        address_parts(p, o->language, zone_name, sizeof zone_name, postcode, parts);
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "Feature");
    dc_jw_key(w, "properties");
    dc_jw_object(w);
    dc_jw_key(w, "geocoding");
    dc_jw_object(w);
    dc_jw_key(w, "place_id");
    dc_jw_int(w, (int64_t)p->place_id);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, kinds[p->kind].geocodejson_type);
    display_name(w, "label", parts, n);
    dc_str name = place_name(p, parts, n);
    dc_jw_key(w, "name");
    dc_jw_string(w, name.ptr, name.len);
    for (size_t i = 0; i < n; i++) {
        dc_jw_key(w, parts[i].geocodejson);
        dc_jw_string(w, parts[i].value.ptr, parts[i].value.len);
    }
    if (o->addressdetails) {
        dc_jw_key(w, "admin");
        dc_jw_object(w);
        static const char *const levels[] = {"level4", "level6", "level8"};
        dc_str names[] = {
            p->zone.province, p->zone.district, {zone_name, strlen(zone_name)}};
        for (int i = 0; i < 3; i++) {
            if (!names[i].len) continue;
            dc_jw_key(w, levels[i]);
            dc_jw_string(w, names[i].ptr, names[i].len);
        }
        dc_jw_end(w);
    }
    code_member(w, p);
    dc_jw_end(w);
    dc_jw_end(w);
    point_geometry(w, p);
    dc_jw_end(w);
}

static void collection_begin(dc_jw *w, const dc_nominatim_options *o, const char *query,
                             size_t len)
{
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "FeatureCollection");
    if (o->format == DC_NOMINATIM_GEOCODEJSON) {
        dc_jw_key(w, "geocoding");
        dc_jw_object(w);
        dc_jw_key(w, "version");
        dc_jw_cstring(w, "0.1.0");
        if (query) {
            dc_jw_key(w, "query");
            dc_render_text(w, query, len);
        }
        dc_jw_end(w);
    }
    dc_jw_key(w, "features");
    dc_jw_array(w);
}

static void one_place(dc_jw *w, const dc_nominatim_options *o,
                      const dc_nominatim_place *p)
{
    switch (o->format) {
    case DC_NOMINATIM_JSON:
    case DC_NOMINATIM_JSONV2:
        json_place(w, o, p);
        return;
    case DC_NOMINATIM_GEOJSON:
        geojson_feature(w, o, p);
        return;
    case DC_NOMINATIM_GEOCODEJSON:
        geocodejson_feature(w, o, p);
        return;
    }
}

void dc_render_nominatim_list(dc_jw *w, const dc_nominatim_options *o, const char *query,
                              size_t len, const dc_nominatim_place *places, size_t n)
{
    bool collection = o->format >= DC_NOMINATIM_GEOJSON;
    if (collection)
        collection_begin(w, o, query, len);
    else
        dc_jw_array(w);
    for (size_t i = 0; i < n; i++)
        one_place(w, o, &places[i]);
    dc_jw_end(w);
    if (collection) dc_jw_end(w);
}

void dc_render_nominatim_one(dc_jw *w, const dc_nominatim_options *o,
                             const dc_nominatim_place *p)
{
    if (o->format < DC_NOMINATIM_GEOJSON) {
        one_place(w, o, p);
        return;
    }
    collection_begin(w, o, NULL, 0);
    one_place(w, o, p);
    dc_jw_end(w);
    dc_jw_end(w);
}

void dc_render_nominatim_unable(dc_jw *w)
{
    dc_jw_object(w);
    dc_jw_key(w, "error");
    dc_jw_cstring(w, "Unable to geocode");
    dc_jw_end(w);
}

void dc_render_nominatim_error(dc_jw *w, unsigned status, const char *code,
                               const char *message)
{
    dc_jw_object(w);
    dc_jw_key(w, "error");
    dc_jw_object(w);
    dc_jw_key(w, "code");
    dc_jw_int(w, status);
    dc_jw_key(w, "message");
    dc_render_text(w, message, strlen(message));
    dc_jw_key(w, "diachi_error");
    dc_jw_cstring(w, code);
    dc_jw_end(w);
    dc_jw_end(w);
}
