/*
 * render_geojson.c - the engine's answers as GeoJSON features (see
 * render.h): RFC 7946, longitude first, each answer's cell, zone and
 * households as features of one collection.
 */
#include <string.h>

#include "diachi/spoken.h"
#include "render.h"
#include "render_internal.h"

/* Open a Feature up to its properties object (left open for the caller). */
static void feature_begin(dc_jw *w, const char *role)
{
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "Feature");
    dc_jw_key(w, "properties");
    dc_jw_object(w);
    dc_jw_key(w, "role");
    dc_jw_cstring(w, role);
}

/* Close the properties, write the geometry key, leave it for the caller. */
static void feature_geometry(dc_jw *w)
{
    dc_jw_end(w);
    dc_jw_key(w, "geometry");
}

/* A Point geometry; 9 decimals keep e7 positions exact. */
static void point_geometry(dc_jw *w, double lat, double lon)
{
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "Point");
    dc_jw_key(w, "coordinates");
    dc_jw_array(w);
    dc_jw_fixed(w, lon, 9);
    dc_jw_fixed(w, lat, 9);
    dc_jw_end(w);
    dc_jw_end(w);
}

/* The cell as a closed anticlockwise rectangle. */
static void cell_feature(dc_jw *w, const dc_olc_area *c, const char *code)
{
    const double ring[5][2] = {{c->west, c->south},
                               {c->east, c->south},
                               {c->east, c->north},
                               {c->west, c->north},
                               {c->west, c->south}};
    feature_begin(w, "cell");
    dc_jw_key(w, "code");
    dc_jw_cstring(w, code);
    feature_geometry(w);
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "Polygon");
    dc_jw_key(w, "coordinates");
    dc_jw_array(w);
    dc_jw_array(w);
    for (int i = 0; i < 5; i++) {
        dc_jw_array(w);
        dc_jw_fixed(w, ring[i][0], 9);
        dc_jw_fixed(w, ring[i][1], 9);
        dc_jw_end(w);
    }
    dc_jw_end(w);
    dc_jw_end(w);
    dc_jw_end(w);
    dc_jw_end(w);
}

static void zone_feature(dc_jw *w, const char *role, const dc_zone *z)
{
    feature_begin(w, role);
    dc_render_zone_members(w, z, false);
    feature_geometry(w);
    dc_render_polygon_geometry(w, &z->polygon);
    dc_jw_end(w);
}

static void household_feature(dc_jw *w, const dc_household *h, const dc_geo_neighbour *n,
                              const zone_source *zs)
{
    feature_begin(w, "household");
    dc_render_household_fields(w, h, zs);
    if (n) {
        dc_jw_key(w, "distance_m");
        dc_jw_fixed(w, n->distance_m, 2);
        dc_jw_key(w, "other_zone");
        dc_jw_bool(w, n->other_zone);
    }
    feature_geometry(w);
    point_geometry(w, h->lat_e7 / 1e7, h->lon_e7 / 1e7);
    dc_jw_end(w);
}

void dc_render_feature_begin(dc_jw *w, const char *role)
{
    feature_begin(w, role);
}

void dc_render_feature_point(dc_jw *w, int32_t lat_e7, int32_t lon_e7)
{
    feature_geometry(w);
    point_geometry(w, lat_e7 / 1e7, lon_e7 / 1e7);
    dc_jw_end(w);
}

void dc_render_collection_begin(dc_jw *w, const char *status)
{
    dc_jw_object(w);
    dc_jw_key(w, "type");
    dc_jw_cstring(w, "FeatureCollection");
    dc_jw_key(w, "diachi_status");
    dc_jw_cstring(w, status);
}

void dc_render_features_begin(dc_jw *w)
{
    dc_jw_key(w, "features");
    dc_jw_array(w);
}

void dc_render_collection_end(dc_jw *w)
{
    dc_jw_end(w);
    dc_jw_end(w);
}

void dc_render_forward_features(dc_jw *w, dc_geo_session *s, const char *input,
                                size_t len, const dc_geo_forward_result *r)
{
    zone_source zs = dc_render_forward_zones(s, r);
    if (!r->has_place) return;
    const dc_olc_area *c = &r->place.cell;
    feature_begin(w, "place");
    dc_jw_key(w, "input");
    dc_render_text(w, input, len);
    dc_jw_key(w, "status");
    dc_jw_cstring(w, dc_geo_status_name(r->status));
    dc_render_forward_display_name(w, r);
    dc_render_place_members(w, &r->place);
    dc_render_spoken_member(w, &r->place);
    if (r->earlier_zone) dc_render_date_member(w, "valid_until", r->zone_valid_until);
    if (r->has_current) {
        dc_jw_key(w, "current_code");
        dc_jw_cstring(w, r->current.display);
    }
    dc_jw_key(w, "household_count");
    dc_jw_int(w, r->household_count);
    feature_geometry(w);
    point_geometry(w, c->lat, c->lon);
    dc_jw_end(w);
    cell_feature(w, c, r->place.display[0] ? r->place.display : r->place.plus_code);
    if (r->has_zone) zone_feature(w, "zone", &r->zone);
    if (r->has_actual_zone) zone_feature(w, "actual_zone", &r->actual_zone);
    for (size_t i = 0; i < r->nhouseholds; i++)
        household_feature(w, &r->households[i], NULL, &zs);
}

/* The point asked about, with its code: the answer's place. */
static void reverse_place_feature(dc_jw *w, const dc_geo_reverse_result *r,
                                  const dc_render_reverse_query *q)
{
    feature_begin(w, "place");
    dc_jw_key(w, "status");
    dc_jw_cstring(w, dc_geo_status_name(r->status));
    dc_render_reverse_display_name(w, r);
    dc_jw_key(w, "plus_code");
    dc_jw_cstring(w, r->plus_code);
    if (r->has_zone) {
        dc_jw_key(w, "code");
        dc_jw_cstring(w, r->place.display);
        dc_jw_key(w, "postcode");
        dc_jw_postcode(w, r->zone.postcode);
        dc_render_spoken_member(w, &r->place);
    }
    dc_render_former_members(w, r);
    if (q->lon_normalised) {
        dc_jw_key(w, "lon_normalised_from");
        dc_jw_fixed(w, q->lon_given, 9);
    }
    feature_geometry(w);
    point_geometry(w, r->lat, r->lon);
    dc_jw_end(w);
}

void dc_render_reverse_features(dc_jw *w, dc_geo_session *s,
                                const dc_geo_reverse_result *r,
                                const dc_render_reverse_query *q)
{
    zone_source zs = {.s = s, .known = {r->has_zone ? &r->zone : NULL, NULL}};
    reverse_place_feature(w, r, q);
    if (r->has_zone) {
        cell_feature(w, &r->place.cell, r->place.display);
        zone_feature(w, "zone", &r->zone);
    } else {
        dc_olc_area cell;
        if (dc_olc_decode(r->plus_code, &cell) == DC_OK)
            cell_feature(w, &cell, r->plus_code);
    }
    for (size_t i = 0; i < r->nneighbours; i++)
        household_feature(w, &r->neighbours[i].household, &r->neighbours[i], &zs);
}

void dc_render_zone_features(dc_jw *w, const dc_zone *z)
{
    zone_feature(w, "zone", z);
    feature_begin(w, "reference");
    dc_jw_key(w, "postcode");
    dc_jw_postcode(w, z->postcode);
    feature_geometry(w);
    point_geometry(w, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7);
    dc_jw_end(w);
}
