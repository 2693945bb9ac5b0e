/*
 * read_decode.h - records of the index decoded from their bytes
 * (docs/FORMAT.md section 2), every length checked: what the reader and
 * the checker share. Pure functions of the bytes; the results point into
 * them. Internal to dc_index.
 */
#ifndef DC_READ_DECODE_H
#define DC_READ_DECODE_H

#include "index_internal.h"

/* Decode a zone record (value of `zones`) whose key gave @p postcode.
 * Checks every length; the polygon's structure is validated.
 * DC_E_INDEX_CORRUPT otherwise. */
dc_err dc_zone_decode(uint32_t postcode, const MDB_val *val, dc_zone *out);

/* Decode a household record (key and value of `households`, @p number
 * from its page: dc_page_number) without its strings: position, postcode,
 * the string ids, id and house number. Checks lengths, the position and
 * the postcode. */
dc_err dc_household_decode(const MDB_val *key, const MDB_val *val, uint32_t number,
                           dc_household *out, uint32_t *street_id, uint32_t *group_id);

/* The position and postcode of household @p number's record, and the
 * record itself as a ref; DC_E_INDEX_CORRUPT when its value is too short
 * or puts it outside its key's cell. */
dc_err dc_household_pos_decode(const MDB_val *k, const MDB_val *v, uint32_t number,
                               dc_household_pos *pos);

/* The size of the door whose first record has value @p v, as stored: at
 * DC_DOOR_MAX, the door has that many households or more.
 * DC_E_INDEX_CORRUPT for a short value or a size of 0. Inline: every
 * lookup by code reads it. */
static inline dc_err dc_household_door(const MDB_val *v, uint32_t *door)
{
    if (v->mv_size < DC_HOUSEHOLD_FIXED) return DC_E_INDEX_CORRUPT;
    *door = ((const uint8_t *)v->mv_data)[DC_HOUSEHOLD_DOOR];
    return *door ? DC_OK : DC_E_INDEX_CORRUPT;
}

#endif
