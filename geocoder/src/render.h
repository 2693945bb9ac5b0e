/*
 * render.h - the engine's answers as JSON and as RFC 7946 GeoJSON: one
 * rendering for the command's --json output and the HTTP service, so the
 * two never disagree. Not installed.
 *
 * The *_members and *_answer functions write members into an object the
 * caller has opened, so a caller can add its own (the HTTP service adds
 * the index fingerprint and, for an error, the error object); the GeoJSON
 * functions write features into a collection the caller opens (below).
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

/** A forward answer: input, status, error (malformed), display_name (see
 *  below), place, zone, actual_zone and corrected, household_count,
 *  households, suggestions, nearby.
 *
 *  display_name is the address of the answer's place, door to country
 *  ("số 12, ..., Điện Biên, Việt Nam"): the first household's at an ok
 *  code, the zone's (from its kind and name on) when unregistered, the
 *  zone the place lies in for code_outside_zone; absent when the answer
 *  names no place. Every household and zone object has its own
 *  display_name too: a household's needs its zone, taken from the answer,
 *  else looked up in @p s (dc_render_forward_answer), else left out. */
void dc_render_forward_members(dc_jw *w, const char *input, size_t len,
                               const dc_geo_forward_result *r);
/** The same, with @p s (the session of @p r) to look up the zones of
 *  households that lie outside the answer's zones. */
void dc_render_forward_answer(dc_jw *w, dc_geo_session *s, const char *input, size_t len,
                              const dc_geo_forward_result *r);

/** "similar_codes": the registered codes of the zone one edit away from
 *  @p r's (dc_geo_similar), each as a suggestion is written (place, edit,
 *  position, distance_m, household_count, household). */
void dc_render_similar_codes(dc_jw *w, dc_geo_session *s, const dc_geo_forward_result *r);

/** How a reverse lookup was asked, as its answer echoes it. */
typedef struct dc_render_reverse_query {
    double radius_m;
    size_t limit;
    /** The longitude asked lay outside -180..180 and was wrapped into
     *  -180..180 as OLC does (r->lon); lon_given is the one asked. */
    bool lon_normalised;
    double lon_given;
} dc_render_reverse_query;

/** A reverse answer: lat, lon, lon_normalised_from (when it was wrapped),
 *  radius_m, limit, status, plus_code, display_name, zone and place (in a
 *  zone), households. display_name is the address of the household at the
 *  point's own code when one is among the households listed, else of the
 *  zone; absent out of coverage. */
void dc_render_reverse_members(dc_jw *w, const dc_geo_reverse_result *r, double radius_m,
                               size_t limit);
/** The same, with the query echoed in full and @p s (the session of @p r)
 *  to look up the zones of households in other zones. */
void dc_render_reverse_answer(dc_jw *w, dc_geo_session *s, const dc_geo_reverse_result *r,
                              const dc_render_reverse_query *q);

/** A zone: postcode, names, display_name ("phường Mường Thanh, ...,
 *  Việt Nam"), household_count; with @p full also reference, bbox and
 *  polygon (a GeoJSON MultiPolygon geometry). */
void dc_render_zone_members(dc_jw *w, const dc_zone *z, bool full);

/** A zone of an earlier edition of the zone map (dc_geo_earlier_zone):
 *  status "retired", the zone's full members, valid_until, and became: the
 *  history rows of its postcode (postcode, kind, date). */
void dc_render_earlier_zone_members(dc_jw *w, dc_geo_session *s, const dc_zone *z,
                                    int32_t valid_until);

/** A current zone's `former`: the history rows that name it as the new
 *  postcode (postcode, kind, date), none when there are none. */
void dc_render_zone_former(dc_jw *w, dc_geo_session *s, const dc_zone *z);

/** A household's members (id, code, postcode, lat, lon, geo_uri,
 *  house_number, street, group, display_name), as every answer writes
 *  them; @p z is its zone (NULL: no display_name). */
void dc_render_household_members(dc_jw *w, const dc_household *h, const dc_zone *z);
/** "display_name" of @p h (its non-empty parts: house number, street,
 *  group; NULL for none) in zone @p z, then the country. */
void dc_render_display_name(dc_jw *w, const dc_household *h, const dc_zone *z);
/* The same under another key (a household's address in its former zone). */
void dc_render_display_name_as(dc_jw *w, const char *key, const dc_household *h,
                               const dc_zone *z);

/** Search and autocomplete answers (render_search.c): the parts of the
 *  query, then "results", as docs/openapi.json's SearchAnswer and
 *  CompleteAnswer say. */
struct dc_search_result;
struct dc_complete_result;
struct dc_search_options;
void dc_render_search_members(dc_jw *w, const char *query, size_t len,
                              const struct dc_search_options *opt,
                              const struct dc_search_result *r);
/** The members before "results" (query, parts, near, count): a GeoJSON
 *  collection's foreign members. */
void dc_render_search_query(dc_jw *w, const char *query, size_t len,
                            const struct dc_search_options *opt,
                            const struct dc_search_result *r);
/** A Point feature per answer, role its match, the JSON answer's members
 *  as properties. */
void dc_render_search_features(dc_jw *w, const struct dc_search_result *r);
void dc_render_complete_members(dc_jw *w, const char *query, size_t len,
                                const struct dc_complete_result *r);
void dc_render_complete_query(dc_jw *w, const char *query, size_t len,
                              const struct dc_complete_result *r);
void dc_render_complete_features(dc_jw *w, const struct dc_complete_result *r);

/*
 * GeoJSON (RFC 7946). A collection is written in three steps, so that the
 * caller can add its own foreign members (the fingerprint, an error):
 *
 *     dc_render_collection_begin(w, "ok");   {"type": "FeatureCollection",
 *     ... foreign members ...                 "diachi_status": "ok", ...
 *     dc_render_features_begin(w);            "features": [
 *     dc_render_forward_features(w, ...);     ... features ...
 *     dc_render_collection_end(w);            ]}
 *
 * A collection with no features between is the "nothing here" answer.
 * Every feature's properties carry `role` so a map can style them:
 * "place" (the point the answer is about: a code's cell centre, or the
 * point asked in reverse), "cell", "zone", "actual_zone", "household",
 * "reference" (a zone's own `kind` is its administrative kind, "phường").
 */
/** A Feature opened up to its properties (role first), for the caller's
 *  members; then dc_render_feature_point closes the properties and the
 *  feature with a Point. */
void dc_render_feature_begin(dc_jw *w, const char *role);
void dc_render_feature_point(dc_jw *w, int32_t lat_e7, int32_t lon_e7);
void dc_render_collection_begin(dc_jw *w, const char *status);
void dc_render_features_begin(dc_jw *w);
void dc_render_collection_end(dc_jw *w);

/** The features of a forward answer (place, cell, zone, actual_zone,
 *  households); none when it has no place. @p s may be NULL. */
void dc_render_forward_features(dc_jw *w, dc_geo_session *s, const char *input,
                                size_t len, const dc_geo_forward_result *r);
/** The features of a reverse answer (place, cell, zone, households).
 *  @p s may be NULL. */
void dc_render_reverse_features(dc_jw *w, dc_geo_session *s,
                                const dc_geo_reverse_result *r,
                                const dc_render_reverse_query *q);
/** The features of a zone (zone, reference). */
void dc_render_zone_features(dc_jw *w, const dc_zone *z);

#endif /* DC_RENDER_H */
