/*
 * read_decode.c - records decoded from their bytes, every length checked
 * (read_decode.h).
 */
#include "read_decode.h"

/* Read a (u16 length, bytes) string at *at, within end. */
static int take_str16(const uint8_t **at, const uint8_t *end, dc_str *out)
{
    if (end - *at < 2) return 0;
    size_t len = (size_t)(*at)[0] | (size_t)(*at)[1] << 8;
    if ((size_t)(end - *at - 2) < len) return 0;
    out->ptr = (const char *)*at + 2;
    out->len = len;
    *at += 2 + len;
    return 1;
}

static int take_str8(const uint8_t **at, const uint8_t *end, dc_str *out)
{
    if (end - *at < 1) return 0;
    size_t len = (*at)[0];
    if ((size_t)(end - *at - 1) < len) return 0;
    out->ptr = (const char *)*at + 1;
    out->len = len;
    *at += 1 + len;
    return 1;
}

dc_err dc_zone_decode(uint32_t postcode, const MDB_val *val, dc_zone *out)
{
    const uint8_t *p = val->mv_data, *end = p + val->mv_size;
    dc_zone z;
    if (val->mv_size < DC_ZONE_FIXED) return DC_E_INDEX_CORRUPT;
    z.postcode = postcode;
    z.household_count = dc_get_le32(p);
    z.ref_lat_e7 = dc_get_i32(p + 4);
    z.ref_lon_e7 = dc_get_i32(p + 8);
    z.south_e7 = dc_get_i32(p + 12);
    z.west_e7 = dc_get_i32(p + 16);
    z.north_e7 = dc_get_i32(p + 20);
    z.east_e7 = dc_get_i32(p + 24);
    p += DC_ZONE_FIXED;
    if (!take_str16(&p, end, &z.name) || !take_str16(&p, end, &z.kind) ||
        !take_str16(&p, end, &z.commune_code) || !take_str16(&p, end, &z.district) ||
        !take_str16(&p, end, &z.province))
        return DC_E_INDEX_CORRUPT;
    z.polygon.data = p;
    z.polygon.size = (size_t)(end - p);
    if (dc_polygon_check_structure(&z.polygon) != DC_OK) return DC_E_INDEX_CORRUPT;
    *out = z;
    return DC_OK;
}

/* The position of a stored value @p p (DC_HOUSEHOLD_FIXED bytes at least)
 * whose key has @p place: 0, or -1 for offsets outside the cell. */
static int take_position(const uint8_t *p, uint64_t place, int32_t *lat, int32_t *lon)
{
    uint32_t dlat = (uint32_t)p[0] | (uint32_t)p[1] << 8,
             dlon = (uint32_t)p[2] | (uint32_t)p[3] << 8;
    if (dlat >= DC_CELL_E7 || dlon >= DC_CELL_E7) return -1;
    *lat = dc_place_south(place) + (int32_t)dlat;
    *lon = dc_place_west(place) + (int32_t)dlon;
    return 0;
}

dc_err dc_household_decode(const MDB_val *key, const MDB_val *val, uint32_t number,
                           dc_household *out, uint32_t *street_id, uint32_t *group_id)
{
    const uint8_t *p = val->mv_data, *end = p + val->mv_size;
    dc_household h;
    if (key->mv_size != DC_HOUSEHOLD_KEY_SIZE || val->mv_size < DC_HOUSEHOLD_FIXED)
        return DC_E_INDEX_CORRUPT;
    uint64_t place = dc_get_be64(key->mv_data);
    h.postcode = dc_place_postcode(place);
    h.number = number;
    if (take_position(p, place, &h.lat_e7, &h.lon_e7) != 0) return DC_E_INDEX_CORRUPT;
    p += DC_HOUSEHOLD_FIXED;
    if (dc_varint_get(&p, end, street_id) != 0 || dc_varint_get(&p, end, group_id) != 0 ||
        !take_str8(&p, end, &h.id) || !take_str8(&p, end, &h.house_number) || p != end)
        return DC_E_INDEX_CORRUPT;
    if (!dc_lat_ok(h.lat_e7) || !dc_lon_ok(h.lon_e7) || h.postcode > 99999)
        return DC_E_INDEX_CORRUPT;
    dc_code_of_e7(h.postcode, h.lat_e7, h.lon_e7, &h.code);
    h.street = h.group = (dc_str){"", 0};
    *out = h;
    return DC_OK;
}

/* The position of the household under the cursor; DC_E_INDEX_CORRUPT when
 * its value is too short to hold one or puts it outside its key's cell. */
dc_err dc_household_pos_decode(const MDB_val *k, const MDB_val *v, uint32_t number,
                               dc_household_pos *pos)
{
    uint64_t place = dc_get_be64(k->mv_data);
    if (v->mv_size < DC_HOUSEHOLD_FIXED ||
        take_position(v->mv_data, place, &pos->lat_e7, &pos->lon_e7) != 0)
        return DC_E_INDEX_CORRUPT;
    pos->number = number;
    pos->postcode = dc_place_postcode(place);
    pos->ref = (dc_household_ref){k->mv_data, v->mv_data, k->mv_size, v->mv_size, number};
    return DC_OK;
}
