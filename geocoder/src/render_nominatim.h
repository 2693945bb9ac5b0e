/*
 * render_nominatim.h - places as Nominatim writes them (format json,
 * jsonv2, geojson, geocodejson), for GET /search and GET /reverse, so
 * clients written for Nominatim (geopy, Leaflet Control Geocoder, QGIS)
 * read diachi's answers unchanged. Not installed.
 *
 * What the fields hold (docs/openapi.json's NominatimPlace says the same):
 *   place_id     an integer, stable for one index file: a household's
 *                number in the index plus 1; for a zone, street or group
 *                its kind, postcode and name (see dc_nominatim_place_id).
 *                Like Nominatim's, not an identity across indexes: `code`
 *                is.
 *   lat, lon     strings, 7 decimals (numbers in the GeoJSON geometry)
 *   boundingbox  four strings, south, north, west, east: a household's
 *                code cell (about 3 m), else the zone's bounding box
 *   class/category, type, place_rank, addresstype: constants by kind
 *                (household place/house/30, street highway/residential/26,
 *                group place/quarter/22, zone boundary/administrative/16)
 *   importance   a search's score (0..1); 1 for a reverse answer
 *   address      house_number, road, quarter (the group), suburb (the
 *                zone: "phường Mường Thanh"), city or county (the
 *                district: county when it is a huyện), state (the
 *                province), postcode, country, country_code "vn"
 *   code         diachi's code: a household's own; in reverse, for an
 *                answer that is not a household, the point's code when
 *                the point lies in a zone
 * osm_type, osm_id and licence are left out: the places are not
 * OpenStreetMap's.
 */
#ifndef DC_RENDER_NOMINATIM_H
#define DC_RENDER_NOMINATIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/geocoder.h"
#include "diachi/search.h"
#include "jw.h"

typedef enum dc_nominatim_format {
    DC_NOMINATIM_JSON,
    DC_NOMINATIM_JSONV2,
    DC_NOMINATIM_GEOJSON,
    DC_NOMINATIM_GEOCODEJSON
} dc_nominatim_format;

/** The language of display_name's words of our own (the country); the
 *  names themselves are the map's, in Vietnamese, either way. */
typedef enum dc_nominatim_language {
    DC_NOMINATIM_VI,
    DC_NOMINATIM_EN
} dc_nominatim_language;

typedef enum dc_nominatim_kind {
    DC_NOMINATIM_HOUSEHOLD,
    DC_NOMINATIM_STREET,
    DC_NOMINATIM_GROUP,
    DC_NOMINATIM_ZONE
} dc_nominatim_kind;

typedef struct dc_nominatim_options {
    dc_nominatim_format format;
    dc_nominatim_language language;
    bool addressdetails;
} dc_nominatim_options;

/** One place, as the renderer takes it: its strings point into the index
 *  (valid while the session that gave them lasts). */
typedef struct dc_nominatim_place {
    dc_nominatim_kind kind;
    uint64_t place_id;
    int32_t lat_e7, lon_e7;
    int32_t south_e7, north_e7, west_e7, east_e7;
    double importance;
    dc_str house_number, road, group; /* empty when the place has none */
    dc_zone zone;
    char code[DC_CODE_DISPLAY_SIZE]; /* "" for none */
} dc_nominatim_place;

/** A household in its zone: its cell as the bounding box, its code. */
void dc_nominatim_household(const dc_household *h, const dc_zone *z, double importance,
                            dc_nominatim_place *out);
/** A street or group named @p name in zone @p z, at a point; the zone's
 *  bounding box. */
void dc_nominatim_named(dc_nominatim_kind kind, dc_str name, const dc_zone *z,
                        int32_t lat_e7, int32_t lon_e7, double importance,
                        dc_nominatim_place *out);
/** A zone at its reference point, with its bounding box. */
void dc_nominatim_zone(const dc_zone *z, double importance, dc_nominatim_place *out);
/** A search answer as a place. */
void dc_nominatim_hit(const dc_search_hit *hit, dc_nominatim_place *out);

/** A search's answer: a JSON array (json, jsonv2), or a FeatureCollection
 *  (geojson; geocodejson with @p query echoed). @p n may be 0. */
void dc_render_nominatim_list(dc_jw *w, const dc_nominatim_options *o, const char *query,
                              size_t len, const dc_nominatim_place *places, size_t n);
/** A reverse answer: one object (json, jsonv2), or a FeatureCollection of
 *  one feature. */
void dc_render_nominatim_one(dc_jw *w, const dc_nominatim_options *o,
                             const dc_nominatim_place *p);
/** Nominatim's answer when reverse finds nothing: {"error": "Unable to
 *  geocode"} (geopy reads it as no answer). */
void dc_render_nominatim_unable(dc_jw *w);
/** An error as Nominatim writes one, with diachi's stable code beside:
 *  {"error": {"code": 400, "message": ..., "diachi_error": "bad_query"}}. */
void dc_render_nominatim_error(dc_jw *w, unsigned status, const char *code,
                               const char *message);

#endif /* DC_RENDER_NOMINATIM_H */
