/*
 * geo_internal.h - what the engine's source files share: the handles and
 * the small helpers every lookup uses. Not installed.
 */
#ifndef DC_GEO_INTERNAL_H
#define DC_GEO_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "diachi/geocoder.h"
#include "diachi/history.h"

/* Ended sessions wait in slots, one per cache line; a thread takes from and
 * returns to the slot of its own ordinal, so threads that begin and end
 * sessions all the time neither share a lock nor a cache line. */
#define DC_GEO_SESSION_SLOTS 64

struct dc_geo_slot {
    _Alignas(64) _Atomic(struct dc_geo_session *) session;
};

struct dc_geo {
    struct dc_geo_slot slots[DC_GEO_SESSION_SLOTS];
    dc_index *idx;
    /* The index decodes every zone at open; `pin`, a transaction held open
     * for the engine's life, is what zone lookups go through, so zones'
     * strings and polygons stay valid as the index API promises. */
    dc_index_txn *pin;
    pthread_mutex_t lock; /* guards free_sessions: those no slot had room for */
    struct dc_geo_session *free_sessions;
};

/* A pair of postcodes and what changed between them (dc_geo_change). */
#define DC_GEO_CHANGES 64
struct dc_geo_change_entry {
    uint32_t old_postcode, new_postcode;
    const char *name; /* NULL: not kept */
};

struct dc_geo_session {
    dc_geo *geo;
    dc_index_txn *txn;
    struct dc_search_scratch *search; /* a search's working memory (search.c) */
    int32_t day;                      /* answers as of it (dc_geo_session_at) */
    struct dc_geo_change_entry changes[DC_GEO_CHANGES]; /* convert.c */
    struct dc_geo_session *next; /* in geo->free_sessions once ended */
};

/* Metres per degree of latitude and of longitude at @p lat (degrees): the
 * meridional and prime-vertical radii of curvature of WGS 84. */
void dc_geo_metres_per_degree(double lat, double *m_lat, double *m_lon);

/* The zone of @p postcode from the engine's table: DC_OK or DC_E_NOT_FOUND. */
dc_err dc_geo_zone_of(const dc_geo *geo, uint32_t postcode, dc_zone *out);

/* The edition of the zone map the session answers as of: the current one
 * (0 with no editions) for DC_GEO_NOW; 0 for a day no edition holds. */
uint32_t dc_geo_edition(const dc_geo_session *s);

/* Fill @p place with every form of @p code and its cell, recovered against
 * @p zone's reference point. */
dc_err dc_geo_place_fill(const dc_code *code, const dc_zone *zone, dc_geo_place *place);

/* The display and compact forms and the code into @p place, whose
 * plus_code (the full Plus Code of @p code) is set: the forms are
 * assembled from their parts, not formatted anew. */
dc_err dc_geo_place_forms(const dc_code *code, dc_geo_place *place);

/* Metres from a point to the nearest edge of a valid polygon. */
double dc_geo_polygon_distance_m(const dc_polygon *p, double lat, double lon);

/* Registered households within @p radius_m of a point, nearest first, at
 * most @p limit (<= @p cap) into @p out; @p zone_postcode marks other_zone
 * (UINT32_MAX: every household is in another zone). */
dc_err dc_geo_search(dc_geo_session *s, double lat, double lon, double radius_m,
                     size_t limit, uint32_t zone_postcode, dc_geo_neighbour *out,
                     size_t *count);

/* Another zone's household in the same ~3 m cell as @p code (whose cell is
 * @p cell), with the same location characters: a cell across a zone
 * boundary whose centre lies in the neighbour zone, or one where zones
 * overlap. DC_OK with its code in @p found, or DC_E_NOT_FOUND. */
dc_err dc_geo_cell_mate(dc_geo_session *s, const dc_code *code, const dc_olc_area *cell,
                        dc_code *found);

/* Fill out->suggestions from the significant characters of the input. */
dc_err dc_geo_suggest(dc_geo_session *s, const char *text, size_t len,
                      dc_geo_forward_result *out);

/* Rounded e7 of degrees within range. */
static inline int32_t dc_geo_e7(double deg)
{
    double v = deg * 1e7;
    return (int32_t)(v < 0 ? v - 0.5 : v + 0.5);
}

#endif /* DC_GEO_INTERNAL_H */
