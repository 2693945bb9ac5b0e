/*
 * household_value.c - a household record's stored and content values
 * (household_value.h).
 */
#include "household_value.h"

static uint8_t *put_str8(uint8_t *p, const uint8_t *s, size_t len)
{
    *p++ = (uint8_t)len;
    memcpy(p, s, len);
    return p + len;
}

size_t dc_household_value_put(uint8_t *out, uint64_t place, const dc_household_fields *f)
{
    uint32_t dlat = (uint32_t)(f->lat_e7 - dc_place_south(place)),
             dlon = (uint32_t)(f->lon_e7 - dc_place_west(place));
    uint8_t *p = out;
    p[0] = (uint8_t)dlat, p[1] = (uint8_t)(dlat >> 8);
    p[2] = (uint8_t)dlon, p[3] = (uint8_t)(dlon >> 8);
    p[DC_HOUSEHOLD_DOOR] = f->door;
    p += DC_HOUSEHOLD_FIXED;
    p += dc_varint_put(p, f->street);
    p += dc_varint_put(p, f->group);
    p = put_str8(p, f->id, f->id_len);
    p = put_str8(p, f->house, f->house_len);
    return (size_t)(p - out);
}

size_t dc_household_content_put(uint8_t *out, const dc_household_fields *f)
{
    dc_put_le32(out, f->number);
    dc_put_i32(out + 4, f->lat_e7);
    dc_put_i32(out + 8, f->lon_e7);
    dc_put_le32(out + 12, f->street);
    dc_put_le32(out + 16, f->group);
    out[20] = f->door;
    uint8_t *p = put_str8(out + DC_HOUSEHOLD_CONTENT_FIXED, f->id, f->id_len);
    p = put_str8(p, f->house, f->house_len);
    return (size_t)(p - out);
}
