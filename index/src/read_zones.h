/*
 * read_zones.h - the zones, decoded once at open into an array by postcode,
 * and the zone grid's cells: what dc_index_zone, dc_index_zone_at and the
 * place of a code read, without a B-tree. Internal to dc_index.
 */
#ifndef DC_READ_ZONES_H
#define DC_READ_ZONES_H

#include "index_internal.h"

/* Every zone, decoded, and the zone grid's cells, pointing into the map
 * (pinned transaction open). A zone that does not decode keeps slot
 * DC_ZONE_CORRUPT. DC_E_NOMEM, or an LMDB error. */
dc_err dc_index_load_zones(dc_index *idx, dc_error *err);

/* The place a code names: its cell recovered against its zone's reference
 * point. DC_E_NOT_FOUND when no zone has the postcode or the cell is off
 * the globe, DC_E_INDEX_CORRUPT for a zone that did not decode,
 * DC_E_INVALID_ARG for a character outside the code alphabet. */
dc_err dc_index_code_place(const dc_index *idx, const dc_code *code, uint64_t *place,
                           dc_olc_cell *cell);

#endif
