/*
 * render_internal.h - the pieces render.c's JSON answers and
 * render_geojson.c's features share. Internal to dc_render.
 */
#ifndef DC_RENDER_INTERNAL_H
#define DC_RENDER_INTERNAL_H

#include "render.h"

/* Where a household's zone comes from, for its address: the answer's own
 * zones, else a lookup in the session (when there is one). The answer's
 * display_name, when it is household @p named's in zone known[0], is
 * written again as it is (name, name_len) rather than made again. */
typedef struct zone_source {
    dc_geo_session *s;
    const dc_zone *known[2];
    const dc_household *named;
    const char *name;
    size_t name_len;
} zone_source;

void dc_render_spoken_member(dc_jw *w, const dc_geo_place *p);
void dc_render_polygon_geometry(dc_jw *w, const dc_polygon *p);
void dc_render_place_members(dc_jw *w, const dc_geo_place *p);
void dc_render_household_fields(dc_jw *w, const dc_household *h, const zone_source *zs);
zone_source dc_render_forward_zones(dc_geo_session *s, const dc_geo_forward_result *r);
void dc_render_forward_display_name(dc_jw *w, const dc_geo_forward_result *r);
void dc_render_former_members(dc_jw *w, const dc_geo_reverse_result *r);
void dc_render_reverse_display_name(dc_jw *w, const dc_geo_reverse_result *r);
void dc_render_date_member(dc_jw *w, const char *key, int32_t day);

#endif
