/*
 * render.h - the engine's answers as JSON and as RFC 7946 GeoJSON: one
 * rendering for the command's --json output and the HTTP service, so the
 * two never disagree. Not installed.
 *
 * The *_members functions write members into an object the caller has
 * opened, so a caller can add its own (the HTTP service adds the index
 * fingerprint and, for an error, the error object). The GeoJSON functions
 * write a whole FeatureCollection.
 *
 * Field names are the API (docs/CLI.md, docs/openapi.json): change them
 * only with both.
 */
#ifndef DC_RENDER_H
#define DC_RENDER_H

#include "diachi/geocoder.h"
#include "jw.h"

/** Text that came from outside (a request, a command line): escaped, and
 *  any byte sequence that is not UTF-8 replaced by U+FFFD. */
void dc_render_text(dc_jw *w, const char *s, size_t len);

/** A forward answer: input, status, error (malformed), place, zone,
 *  actual_zone and corrected, household_count, households, suggestions,
 *  nearby. */
void dc_render_forward_members(dc_jw *w, const char *input, size_t len,
                               const dc_geo_forward_result *r);

/** A reverse answer: lat, lon, radius_m, limit, status, plus_code, zone
 *  and place (in a zone), households. */
void dc_render_reverse_members(dc_jw *w, const dc_geo_reverse_result *r, double radius_m,
                               size_t limit);

/** A zone: postcode, names, household_count; with @p full also reference,
 *  bbox and polygon (a GeoJSON MultiPolygon geometry). */
void dc_render_zone_members(dc_jw *w, const dc_zone *z, bool full);

/** GeoJSON FeatureCollections. Every feature's properties carry `role`
 *  ("place", "cell", "zone", "actual_zone", "household", "point",
 *  "reference") so a map can style them (a zone's own `kind` is its
 *  administrative kind, "phường"); @p fingerprint (may be NULL) goes into the
 * collection's own "fingerprint" member. */
void dc_render_forward_geojson(dc_jw *w, const char *input, size_t len,
                               const dc_geo_forward_result *r, const char *fingerprint);
void dc_render_reverse_geojson(dc_jw *w, const dc_geo_reverse_result *r,
                               const char *fingerprint);
void dc_render_zone_geojson(dc_jw *w, const dc_zone *z, const char *fingerprint);

#endif /* DC_RENDER_H */
