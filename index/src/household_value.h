/*
 * household_value.h - a household record's value in its two forms
 * (docs/FORMAT.md, `households` and "Content fingerprint"): as stored in
 * a page (its position counted from its key's cell, its string ids as
 * varints, its number left to the page's head), and as the fingerprint
 * hashes it (every field at full width, version 9's layout), so that the
 * same households give the same fingerprint whatever the page layout.
 * What the writer and the checker share; the reader decodes the stored
 * form in read_decode.c. Internal to dc_index.
 */
#ifndef DC_HOUSEHOLD_VALUE_H
#define DC_HOUSEHOLD_VALUE_H

#include "index_internal.h"

/* A household record's fields, its strings as stored (at most 255 bytes
 * each); the position lies in the cell of the key's place. */
typedef struct dc_household_fields {
    uint32_t number;
    int32_t lat_e7, lon_e7;
    uint32_t street, group; /* `strings` ids, 0 for none */
    uint8_t door;
    const uint8_t *id, *house;
    size_t id_len, house_len;
} dc_household_fields;

/* The longest stored value, and the longest content value. */
#define DC_HOUSEHOLD_VALUE_MAX (DC_HOUSEHOLD_FIXED + 2 * DC_VARINT_MAX + 2 * 256)
#define DC_HOUSEHOLD_CONTENT_FIXED 21
#define DC_HOUSEHOLD_CONTENT_MAX (DC_HOUSEHOLD_CONTENT_FIXED + 2 * 256)

/* The stored value of @p f, whose key has @p place, into @p out
 * (DC_HOUSEHOLD_VALUE_MAX bytes); its length. */
size_t dc_household_value_put(uint8_t *out, uint64_t place, const dc_household_fields *f);

/* The content value of @p f into @p out (DC_HOUSEHOLD_CONTENT_MAX bytes):
 * u32 number, i32 lat, i32 lon, u32 street, u32 group, u8 door, then id and
 * house number each as (u8 length, bytes); its length. */
size_t dc_household_content_put(uint8_t *out, const dc_household_fields *f);

#endif
