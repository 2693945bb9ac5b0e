/*
 * search_records_former.h - the earlier editions' names, for
 * search_records.c (search_records_former.c): the earlier zones, the
 * current postcodes of the households their polygons hold (their reach),
 * which of their zone, district and province names no current zone
 * carries, and the postcodes a former name's record lists. The entities
 * and their records are search_records.c's. Internal to dc_index.
 */
#ifndef DC_SEARCH_RECORDS_FORMER_H
#define DC_SEARCH_RECORDS_FORMER_H

#include <stdlib.h>
#include <string.h>

#include "index_internal.h"

/* A current zone's names. */
typedef struct zone_names {
    uint32_t postcode;
    dc_str name, kind, district, province;
} zone_names;

/* Postcodes: a district's or province's zones, or an earlier zone's reach. */
typedef struct members {
    uint32_t *postcodes;
    uint32_t n, cap;
} members;

static inline dc_err dc_search_members_add(members *m, uint32_t postcode)
{
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? 2 * m->cap : 8;
        uint32_t *g = realloc(m->postcodes, cap * sizeof *g);
        if (!g) return DC_E_NOMEM;
        m->postcodes = g;
        m->cap = cap;
    }
    m->postcodes[m->n++] = postcode;
    return DC_OK;
}

static inline int dc_search_same_str(dc_str a, dc_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

typedef struct past_names past_names;
typedef struct former_group former_group;

/* The earlier zones, the grid that finds them from a household's place,
 * and the former districts and provinces (made with the names). */
typedef struct search_former {
    past_names *past; /* in postcode order once the names are made */
    size_t npast, cappast;
    uint64_t *grid; /* (zone grid cell << 32 | past index), ascending */
    size_t ngrid;
    uint32_t grid_cell;      /* the cell last looked up, and its entries */
    size_t grid_lo, grid_hi; /* grid[grid_lo..grid_hi) */
    int grid_valid;
    former_group *groups; /* former districts and provinces */
    size_t ngroups, capgroups;
} search_former;

/* An earlier zone (dc_search_records_past_zone); DC_E_INVALID_ARG once a
 * household has been placed among them. */
dc_err dc_search_former_zone(search_former *s, uint32_t postcode, dc_str name,
                             dc_str kind, dc_str district, dc_str province,
                             dc_polygon polygon);

/* A household at (lat, lon) now in zone @p postcode: that postcode into
 * the reach of every earlier zone whose polygon holds it. */
dc_err dc_search_former_household(search_former *s, uint32_t postcode, int32_t lat_e7,
                                  int32_t lon_e7);

/* A former name: the kind of its entity, the name, a zone's kind field
 * ({NULL, 0} for a district or province), its source (an earlier zone's
 * index, or a former group's) and its tie (an earlier zone's postcode). */
typedef dc_err (*dc_search_former_fn)(void *ctx, uint8_t kind, dc_str name,
                                      dc_str zone_kind, uint32_t source, uint32_t tie);

/* Every former name through @p fn, in the order its entities are made:
 * the provinces, the districts (within their province), then the zones,
 * each only when no current zone of @p zones (@p nzones, in postcode
 * order) carries it and it reaches some household. Once, at the end. */
dc_err dc_search_former_names(search_former *s, const zone_names *zones, size_t nzones,
                              dc_search_former_fn fn, void *ctx);

/* The postcodes the record of the former entity (@p kind, @p source)
 * lists: its earlier zones' (@p old) and the current ones they reach
 * (@p reach), valid until @p s is freed. */
void dc_search_former_members(const search_former *s, uint8_t kind, uint32_t source,
                              members *old, members *reach);

void dc_search_former_free(search_former *s);

#endif
