/*
 * index_read.c - opening an index file and reading its records.
 *
 * The file is immutable once built, so readers open it with MDB_NOLOCK
 * (no lock file, no reader table) and MDB_NOTLS (a transaction may move
 * between threads). Ended transactions are reset and kept on a free list,
 * so a begin is a renew: no allocation, no system call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_internal.h"
#include "seal.h"

const char *const dc_db_names[DC_DB_COUNT] = {
    [DC_DB_ZONES] = "zones",
    [DC_DB_ZONEGRID] = "zonegrid",
    [DC_DB_HOUSEHOLDS] = "households",
    [DC_DB_STRINGS] = "strings",
    [DC_DB_NUMBERS] = "numbers",
    [DC_DB_IDS] = "ids",
    [DC_DB_META] = "meta",
    [DC_DB_FENCES] = "fences",
};

uint32_t dc_cell_row(int32_t lat_e7)
{
    int64_t v = (int64_t)lat_e7 - DC_LAT_E7_MIN;
    if (v < 0) v = 0;
    if (v > 2 * (int64_t)DC_LAT_E7_END) v = 2 * (int64_t)DC_LAT_E7_END;
    return (uint32_t)(v / DC_CELL_E7);
}

uint32_t dc_cell_col(int32_t lon_e7)
{
    int64_t v = (int64_t)lon_e7 - DC_LON_E7_MIN;
    if (v < 0) v = 0;
    if (v >= 2 * (int64_t)DC_LON_E7_END) v = 2 * (int64_t)DC_LON_E7_END - 1;
    return (uint32_t)(v / DC_CELL_E7);
}

void dc_fingerprint_hex(const uint8_t fp[DC_FINGERPRINT_SIZE],
                        char out[DC_FINGERPRINT_HEX_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < DC_FINGERPRINT_SIZE; i++) {
        out[2 * i] = hex[fp[i] >> 4];
        out[2 * i + 1] = hex[fp[i] & 15];
    }
    out[DC_FINGERPRINT_HEX_SIZE - 1] = '\0';
}

/* ---- records ---------------------------------------------------------- */

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

dc_err dc_household_decode(const MDB_val *key, const MDB_val *val, dc_household *out,
                           uint32_t *street_id, uint32_t *group_id)
{
    const uint8_t *p = val->mv_data, *end = p + val->mv_size;
    dc_household h;
    if (key->mv_size != DC_HOUSEHOLD_KEY_SIZE || val->mv_size < DC_HOUSEHOLD_FIXED)
        return DC_E_INDEX_CORRUPT;
    h.postcode = dc_place_postcode(dc_get_be64(key->mv_data));
    h.number = dc_get_le32(p);
    h.lat_e7 = dc_get_i32(p + 4);
    h.lon_e7 = dc_get_i32(p + 8);
    *street_id = dc_get_le32(p + 12);
    *group_id = dc_get_le32(p + 16);
    p += DC_HOUSEHOLD_FIXED;
    if (!take_str8(&p, end, &h.id) || !take_str8(&p, end, &h.house_number) || p != end)
        return DC_E_INDEX_CORRUPT;
    if (!dc_lat_ok(h.lat_e7) || !dc_lon_ok(h.lon_e7) || h.postcode > 99999)
        return DC_E_INDEX_CORRUPT;
    dc_code_of_e7(h.postcode, h.lat_e7, h.lon_e7, &h.code);
    h.street = h.group = (dc_str){"", 0};
    *out = h;
    return DC_OK;
}

/* mdb_get, with LMDB's results mapped: MDB_NOTFOUND -> DC_E_NOT_FOUND. */
static dc_err get(dc_index_txn *txn, int db, const void *key, size_t len, MDB_val *val)
{
    MDB_val k = {len, (void *)key};
    int rc = mdb_get(txn->txn, txn->idx->dbi[db], &k, val);
    if (rc == MDB_NOTFOUND) return DC_E_NOT_FOUND;
    if (rc != 0) return dc_index_lmdb_error(NULL, rc, "get");
    return DC_OK;
}

dc_err dc_index_string(dc_index_txn *txn, uint32_t id, dc_str *out)
{
    if (id == 0) {
        *out = (dc_str){"", 0};
        return DC_OK;
    }
    if (id > txn->idx->nstrings) return DC_E_INDEX_CORRUPT;
    *out = txn->idx->strings[id - 1];
    return DC_OK;
}

dc_err dc_index_zone(dc_index_txn *txn, uint32_t postcode, dc_zone *out)
{
    if (!txn || !out) return DC_E_INVALID_ARG;
    const dc_index *idx = txn->idx;
    if (postcode >= DC_POSTCODES) return DC_E_NOT_FOUND;
    int32_t slot = idx->zone_slot[postcode];
    if (slot == DC_ZONE_CORRUPT) return DC_E_INDEX_CORRUPT;
    if (slot < 0) return DC_E_NOT_FOUND;
    *out = idx->zones[slot];
    return DC_OK;
}

static const struct dc_grid_cell *grid_find(const dc_index *idx, uint32_t cell)
{
    uint32_t lo = 0, hi = idx->ngrid;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (idx->grid[mid].cell < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < idx->ngrid && idx->grid[lo].cell == cell ? &idx->grid[lo] : NULL;
}

dc_err dc_index_zone_at(dc_index_txn *txn, int32_t lat_e7, int32_t lon_e7, dc_zone *out)
{
    if (!txn || !out) return DC_E_INVALID_ARG;
    if (!dc_lat_ok(lat_e7) || !dc_lon_ok(lon_e7)) return DC_E_NOT_FOUND;
    const struct dc_grid_cell *g = grid_find(txn->idx, dc_zonegrid_cell(lat_e7, lon_e7));
    if (!g) return DC_E_NOT_FOUND;
    /* Candidates are tested in place; only the one that holds the point is
     * copied out. */
    for (uint32_t i = 0; i < g->count; i++) {
        uint32_t postcode = dc_get_le32(g->postcodes + 4 * (size_t)i);
        int32_t slot = postcode < DC_POSTCODES ? txn->idx->zone_slot[postcode] : -1;
        if (slot < 0) return DC_E_INDEX_CORRUPT;
        const dc_zone *z = &txn->idx->zones[slot];
        if (dc_in_box(z, lat_e7, lon_e7) &&
            dc_polygon_contains_checked(&z->polygon, lat_e7, lon_e7)) {
            *out = *z;
            return DC_OK;
        }
    }
    return DC_E_NOT_FOUND;
}

static dc_err household_strings(dc_index_txn *txn, dc_household *h, uint32_t street,
                                uint32_t group)
{
    dc_err rc = dc_index_string(txn, street, &h->street);
    if (rc == DC_OK) rc = dc_index_string(txn, group, &h->group);
    return rc;
}

/* A whole household from its record. */
static dc_err household_of(dc_index_txn *txn, const MDB_val *key, const MDB_val *val,
                           dc_household *out)
{
    uint32_t street, group;
    dc_err rc = dc_household_decode(key, val, out, &street, &group);
    if (rc == DC_OK) rc = household_strings(txn, out, street, group);
    return rc;
}

/* The household under the cursor. */
static dc_err at_cursor(dc_index_txn *txn, MDB_val *k, MDB_val *v)
{
    const uint8_t *page = dc_pages_page(&txn->idx->pages, txn->page);
    return page ? dc_page_record(page, txn->slot, k, v) : DC_E_NOT_FOUND;
}

/* Move the households cursor: MDB_SET_RANGE to the first household at or
 * after the key in @p k, MDB_SET_KEY to the one at that key, MDB_NEXT to
 * the next; then read it into @p k and @p v. DC_E_NOT_FOUND past the end
 * or for no such key. */
static dc_err step(dc_index_txn *txn, MDB_cursor_op op, MDB_val *k, MDB_val *v)
{
    const struct dc_pages *pg = &txn->idx->pages;
    const uint8_t *want = NULL;
    dc_err rc = DC_OK;
    if (op == MDB_NEXT) {
        const uint8_t *page = dc_pages_page(pg, txn->page);
        if (!page) return DC_E_NOT_FOUND;
        if (++txn->slot >= dc_page_count(page)) txn->page++, txn->slot = 0;
    } else {
        if (k->mv_size != DC_HOUSEHOLD_KEY_SIZE) return DC_E_INVALID_ARG;
        want = k->mv_data;
        rc = dc_pages_seek(pg, want, &txn->page, &txn->slot);
    }
    if (rc == DC_OK) rc = at_cursor(txn, k, v);
    if (rc == DC_OK && op == MDB_SET_KEY &&
        memcmp(k->mv_data, want, DC_HOUSEHOLD_KEY_SIZE))
        rc = DC_E_NOT_FOUND;
    return rc;
}

/* Put the cursor on the first household at or after @p place. */
static dc_err seek(dc_index_txn *txn, uint64_t place, MDB_val *k, MDB_val *v)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    dc_put_be64(key, place);
    dc_put_be32(key + 8, 0);
    *k = (MDB_val){sizeof key, key};
    return step(txn, MDB_SET_RANGE, k, v);
}

/* Put the cursor on household @p number: the `numbers` entry at or below
 * it, then forward. */
static dc_err seek_number(dc_index_txn *txn, uint32_t number, MDB_val *k, MDB_val *v)
{
    uint8_t key[4];
    MDB_val at;
    if (number >= txn->idx->meta.households) return DC_E_NOT_FOUND;
    dc_put_be32(key, number - number % DC_NUMBER_STRIDE);
    dc_err rc = get(txn, DC_DB_NUMBERS, key, sizeof key, &at);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    if (at.mv_size != DC_HOUSEHOLD_KEY_SIZE) return DC_E_INDEX_CORRUPT;
    *k = at;
    rc = step(txn, MDB_SET_KEY, k, v);
    for (uint32_t i = number % DC_NUMBER_STRIDE; rc == DC_OK && i > 0; i--)
        rc = step(txn, MDB_NEXT, k, v);
    if (rc == DC_E_NOT_FOUND) return DC_E_INDEX_CORRUPT;
    if (rc == DC_OK && (v->mv_size < 4 || dc_get_le32(v->mv_data) != number))
        return DC_E_INDEX_CORRUPT;
    return rc;
}

dc_err dc_index_household(dc_index_txn *txn, uint32_t number, dc_household *out)
{
    MDB_val k, v;
    dc_household h;
    if (!txn || !out) return DC_E_INVALID_ARG;
    dc_err rc = seek_number(txn, number, &k, &v);
    if (rc == DC_OK) rc = household_of(txn, &k, &v, &h);
    if (rc == DC_OK) *out = h;
    return rc;
}

dc_err dc_index_household_by_id(dc_index_txn *txn, const char *id, size_t len,
                                dc_household *out)
{
    MDB_val k, v;
    dc_household h;
    if (!txn || !out || !id) return DC_E_INVALID_ARG;
    if (len == 0 || len > 255) return DC_E_NOT_FOUND;
    dc_err rc = get(txn, DC_DB_IDS, id, len, &k);
    if (rc != DC_OK) return rc;
    if (k.mv_size != DC_HOUSEHOLD_KEY_SIZE) return DC_E_INDEX_CORRUPT;
    rc = step(txn, MDB_SET_KEY, &k, &v);
    if (rc == DC_OK) rc = household_of(txn, &k, &v, &h);
    if (rc == DC_OK) *out = h;
    return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
}

dc_err dc_index_household_read(dc_index_txn *txn, const dc_household_ref *ref,
                               dc_household *out)
{
    dc_household h;
    if (!txn || !ref || !out || !ref->key || !ref->val) return DC_E_INVALID_ARG;
    MDB_val k = {ref->key_size, (void *)ref->key}, v = {ref->val_size, (void *)ref->val};
    dc_err rc = household_of(txn, &k, &v, &h);
    if (rc == DC_OK) *out = h;
    return rc;
}

dc_err dc_index_code_place(const dc_index *idx, const dc_code *code, uint64_t *place,
                           dc_olc_cell *cell_out)
{
    int8_t vals[DC_CODE_LOCATION_CHARS];
    dc_olc_cell cell;
    if (code->postcode >= DC_POSTCODES) return DC_E_NOT_FOUND;
    int32_t slot = idx->zone_slot[code->postcode];
    if (slot == DC_ZONE_CORRUPT) return DC_E_INDEX_CORRUPT;
    if (slot < 0) return DC_E_NOT_FOUND;
    for (int i = 0; i < DC_CODE_LOCATION_CHARS; i++)
        if ((vals[i] = dc_olc_value(code->location[i])) < 0) return DC_E_INVALID_ARG;
    /* As dc_code_resolve does it: the reference in degrees, normalised. */
    double ref_lat = idx->zones[slot].ref_lat_e7 / 1e7;
    double ref_lon = idx->zones[slot].ref_lon_e7 / 1e7;
    dc_olc_normalise(&ref_lat, &ref_lon);
    dc_olc_recover_cell(vals, DC_CODE_LOCATION_CHARS,
                        DC_CODE_OLC_DIGITS - DC_CODE_LOCATION_CHARS, ref_lat, ref_lon,
                        &cell);
    if (cell.lat < 0 || cell.lat >= DC_OLC_LAT_MAX_INT || cell.lon < 0 ||
        cell.lon >= DC_OLC_LON_MAX_INT)
        return DC_E_NOT_FOUND;
    /* A 1/400-degree cell is 62,500 latitude and 20,480 longitude units:
     * the same floor division as dc_cell_row and dc_cell_col on e7. */
    uint32_t last3 = (uint32_t)(vals[4] * 400 + vals[5] * 20 + vals[6]);
    *place =
        dc_place((uint32_t)(cell.lat / (DC_OLC_LAT_UNITS / 400)),
                 (uint32_t)(cell.lon / (DC_OLC_LON_UNITS / 400)), code->postcode, last3);
    if (cell_out) *cell_out = cell;
    return DC_OK;
}

/* The first household at @p code, the cursor on it: its key (place, seq 0)
 * into @p key. DC_E_NOT_FOUND for none. */
static dc_err get_code(dc_index_txn *txn, const dc_code *code, uint64_t *place,
                       uint8_t key[DC_HOUSEHOLD_KEY_SIZE], MDB_val *v, dc_olc_cell *cell)
{
    dc_err rc = dc_index_code_place(txn->idx, code, place, cell);
    if (rc != DC_OK) return rc;
    dc_put_be64(key, *place);
    dc_put_be32(key + 8, 0);
    MDB_val k = {DC_HOUSEHOLD_KEY_SIZE, key};
    return step(txn, MDB_SET_KEY, &k, v);
}

/* Households from the cursor's while their keys' place is @p place,
 * counted from 1 (the cursor's own). */
static dc_err count_place(dc_index_txn *txn, uint64_t place, uint32_t *count)
{
    MDB_val k, v;
    dc_err rc;
    uint32_t n = 1;
    while ((rc = step(txn, MDB_NEXT, &k, &v)) == DC_OK && dc_get_be64(k.mv_data) == place)
        n++;
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    *count = n;
    return DC_OK;
}

/* The size of the door whose first record is @p v, as stored: at
 * DC_DOOR_MAX, the door has that many households or more. */
static dc_err door_stored(const MDB_val *v, uint32_t *door)
{
    if (v->mv_size < DC_HOUSEHOLD_FIXED) return DC_E_INDEX_CORRUPT;
    *door = ((const uint8_t *)v->mv_data)[DC_HOUSEHOLD_DOOR];
    return *door ? DC_OK : DC_E_INDEX_CORRUPT;
}

dc_err dc_index_code_households(dc_index_txn *txn, const dc_code *code, uint32_t *first,
                                uint32_t *count)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    MDB_val v;
    uint64_t place;
    uint32_t n;
    if (!txn || !code || !first || !count) return DC_E_INVALID_ARG;
    dc_err rc = get_code(txn, code, &place, key, &v, NULL);
    if (rc == DC_OK) rc = door_stored(&v, &n);
    if (rc != DC_OK) return rc;
    uint32_t number = dc_get_le32(v.mv_data);
    if (n == DC_DOOR_MAX) { /* the cursor is on its first household */
        rc = count_place(txn, place, &n);
        if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    }
    *first = number;
    *count = n;
    return DC_OK;
}

dc_err dc_index_code_order(const dc_index *idx, const dc_code *code, uint64_t *order)
{
    if (!idx || !code || !order) return DC_E_INVALID_ARG;
    return dc_index_code_place(idx, code, order, NULL);
}

void dc_index_order_prefetch(dc_index_txn *txn, uint64_t order)
{
    if (txn) dc_pages_prefetch(&txn->idx->pages, &txn->ahead, order);
}

/* The next household of a door: DC_E_NOT_FOUND past its end. */
static dc_err next_at(dc_index_txn *txn, uint64_t place, MDB_val *k, MDB_val *v)
{
    dc_err rc = step(txn, MDB_NEXT, k, v);
    if (rc == DC_OK && dc_get_be64(k->mv_data) != place) rc = DC_E_NOT_FOUND;
    return rc;
}

/* Households are read only as far as @p cap: a door of one, the common
 * case, is one search and no cursor step. */
/* dc_index_code_read, and the code's recovered cell into @p cell (NULL:
 * not wanted), set whenever the code names a place in a known zone. */
static dc_err code_read(dc_index_txn *txn, const dc_code *code, dc_olc_cell *cell,
                        dc_household *out, size_t cap, uint32_t *count)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    MDB_val k = {sizeof key, key}, v;
    uint64_t place;
    uint32_t door = 0, i = 0;
    if (!txn || !code || (!out && cap) || !count) return DC_E_INVALID_ARG;
    dc_err rc = get_code(txn, code, &place, key, &v, cell);
    if (rc == DC_OK) rc = door_stored(&v, &door);
    while (rc == DC_OK) {
        if (i < cap && (rc = household_of(txn, &k, &v, &out[i])) != DC_OK) break;
        i++;
        if (door < DC_DOOR_MAX && (i == door || i >= cap)) break;
        rc = next_at(txn, place, &k, &v); /* get_code left the cursor on seq 0 */
        if (rc == DC_E_NOT_FOUND) {
            /* Only a door of DC_DOOR_MAX or more ends where its keys do. */
            rc = door < DC_DOOR_MAX ? DC_E_INDEX_CORRUPT : DC_OK;
            break;
        }
    }
    if (rc != DC_OK) return rc;
    *count = door < DC_DOOR_MAX ? door : i;
    return DC_OK;
}

dc_err dc_index_code_read(dc_index_txn *txn, const dc_code *code, dc_household *out,
                          size_t cap, uint32_t *count)
{
    return code_read(txn, code, NULL, out, cap, count);
}

dc_err dc_index_code_lookup(dc_index_txn *txn, const dc_code *code, dc_olc_area *area,
                            char plus_code[DC_CODE_PLUS_SIZE], dc_household *out,
                            size_t cap, uint32_t *count)
{
    dc_olc_cell cell;
    char prefix[DC_CODE_PLUS_SIZE];
    if (!area || !plus_code) return DC_E_INVALID_ARG;
    cell.length = 0;
    dc_err rc = code_read(txn, code, &cell, out, cap, count);
    if (cell.length == 0) return rc == DC_OK ? DC_E_INDEX_CORRUPT : rc;
    /* The recovered cell gives the 4 characters the code drops; the other
     * 7 are the code's own. */
    dc_olc_cell_area(&cell, area);
    dc_err e = dc_olc_encode_int(cell.lat, cell.lon, 4, prefix, sizeof prefix);
    if (e != DC_OK) return e;
    memcpy(plus_code, prefix, 4);
    memcpy(plus_code + 4, code->location, 4);
    plus_code[8] = '+';
    memcpy(plus_code + 9, code->location + 4, 3);
    plus_code[12] = '\0';
    return rc;
}

dc_err dc_index_cell_households(dc_index_txn *txn, uint32_t row, uint32_t col,
                                uint32_t *first, uint32_t *count)
{
    MDB_val k, v;
    dc_err rc;
    uint32_t n = 0, number = 0;
    if (!txn || !first || !count) return DC_E_INVALID_ARG;
    uint64_t cell = dc_place_cell(dc_place(row, col, 0, 0));
    for (rc = seek(txn, dc_place(row, col, 0, 0), &k, &v); rc == DC_OK;
         rc = step(txn, MDB_NEXT, &k, &v)) {
        if (dc_place_cell(dc_get_be64(k.mv_data)) != cell) break;
        if (n == 0) {
            if (v.mv_size < 4) return DC_E_INDEX_CORRUPT;
            number = dc_get_le32(v.mv_data);
        }
        n++;
    }
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    if (n == 0) return DC_E_NOT_FOUND;
    *first = number;
    *count = n;
    return DC_OK;
}

/* The position of the household under the cursor; DC_E_INDEX_CORRUPT when
 * its value is too short to hold one. */
static dc_err position_of(const MDB_val *k, const MDB_val *v, dc_household_pos *pos)
{
    const uint8_t *p = v->mv_data;
    if (v->mv_size < DC_HOUSEHOLD_FIXED) return DC_E_INDEX_CORRUPT;
    pos->number = dc_get_le32(p);
    pos->lat_e7 = dc_get_i32(p + 4);
    pos->lon_e7 = dc_get_i32(p + 8);
    pos->postcode = dc_place_postcode(dc_get_be64(k->mv_data));
    pos->ref = (dc_household_ref){k->mv_data, v->mv_data, k->mv_size, v->mv_size};
    return DC_OK;
}

dc_err dc_index_household_positions(dc_index_txn *txn, uint32_t first, uint32_t count,
                                    dc_position_fn fn, void *ctx)
{
    MDB_val k, v;
    dc_household_pos pos;
    if (!txn || !fn) return DC_E_INVALID_ARG;
    if (count == 0) return DC_OK;
    dc_err rc = seek_number(txn, first, &k, &v);
    for (uint32_t i = 0; rc == DC_OK; i++) {
        rc = position_of(&k, &v, &pos);
        if (rc == DC_OK && pos.number != first + i) rc = DC_E_INDEX_CORRUPT;
        if (rc != DC_OK || fn(ctx, &pos) || i + 1 == count) break;
        rc = step(txn, MDB_NEXT, &k, &v);
        if (rc == DC_E_NOT_FOUND) rc = DC_E_INDEX_CORRUPT;
    }
    return rc;
}

dc_err dc_index_row_positions(dc_index_txn *txn, uint32_t row, uint32_t col_first,
                              uint32_t col_last, dc_position_fn fn, void *ctx)
{
    MDB_val k, v;
    dc_household_pos pos;
    dc_err rc;
    if (!txn || !fn || col_first > col_last || col_last >= DC_CELL_COLS)
        return DC_E_INVALID_ARG;
    uint64_t last = dc_place_cell(dc_place(row, col_last, 0, 0));
    for (rc = seek(txn, dc_place(row, col_first, 0, 0), &k, &v); rc == DC_OK;
         rc = step(txn, MDB_NEXT, &k, &v)) {
        if (dc_place_cell(dc_get_be64(k.mv_data)) > last) break;
        rc = position_of(&k, &v, &pos);
        if (rc != DC_OK || fn(ctx, &pos)) break;
    }
    return rc == DC_E_NOT_FOUND ? DC_OK : rc;
}

/* ---- transactions ----------------------------------------------------- */

dc_err dc_index_txn_begin(dc_index *idx, dc_index_txn **out)
{
    dc_index_txn *t;
    int rc;
    if (!idx || !out) return DC_E_INVALID_ARG;
    pthread_mutex_lock(&idx->lock);
    t = idx->free_txns;
    if (t) idx->free_txns = t->next;
    pthread_mutex_unlock(&idx->lock);
    if (t) {
        rc = mdb_txn_renew(t->txn);
        if (rc != 0) {
            mdb_txn_abort(t->txn);
            free(t);
            return dc_index_lmdb_error(NULL, rc, "renew");
        }
    } else {
        /* Cache lines of its own: transactions of two threads side by side
         * in the heap would share one, each thread's writes evicting the
         * other's reads. */
        t = aligned_alloc(64, (sizeof *t + 63) / 64 * 64);
        if (!t) return DC_E_NOMEM;
        memset(t, 0, sizeof *t);
        rc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &t->txn);
        if (rc != 0) {
            free(t);
            return dc_index_lmdb_error(NULL, rc, "begin");
        }
        t->idx = idx;
    }
    t->next = NULL;
    t->page = t->slot = 0;
    t->ahead.next = t->ahead.finger = 0;
    *out = t;
    return DC_OK;
}

void dc_index_txn_end(dc_index_txn *txn)
{
    if (!txn) return;
    dc_index *idx = txn->idx;
    mdb_txn_reset(txn->txn);
    pthread_mutex_lock(&idx->lock);
    txn->next = idx->free_txns;
    idx->free_txns = txn;
    pthread_mutex_unlock(&idx->lock);
}

/* ---- open, close ------------------------------------------------------ */

/* A metadata value of exactly @p size bytes (any size when 0). */
static dc_err meta_get(MDB_txn *txn, MDB_dbi dbi, const char *name, size_t size,
                       MDB_val *val, dc_error *err)
{
    MDB_val k = {strlen(name), (void *)name};
    int rc = mdb_get(txn, dbi, &k, val);
    if (rc == MDB_NOTFOUND)
        return dc_error_set(err, DC_E_INDEX_FORMAT, "metadata has no %s", name);
    if (rc != 0) return dc_index_lmdb_error(err, rc, "reading metadata");
    if (size && val->mv_size != size)
        return dc_error_set(err, DC_E_INDEX_FORMAT, "metadata %s has %zu bytes, not %zu",
                            name, val->mv_size, size);
    return DC_OK;
}

/* Magic and versions: what decides whether this library can read the file. */
static dc_err meta_identity(dc_index *idx, MDB_txn *txn, MDB_dbi dbi, dc_error *err)
{
    MDB_val v;
    MDB_val k = {strlen("magic"), "magic"};
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc != 0 || v.mv_size != DC_INDEX_MAGIC_LEN ||
        memcmp(v.mv_data, DC_INDEX_MAGIC, DC_INDEX_MAGIC_LEN) != 0)
        return dc_error_set(err, DC_E_INDEX_FORMAT,
                            "%s is an LMDB file but not a diachi index (no magic)",
                            idx->path);
    dc_err e = meta_get(txn, dbi, "format_version", 4, &v, err);
    if (e != DC_OK) return e;
    idx->meta.format_version = dc_get_le32(v.mv_data);
    if (idx->meta.format_version != DC_INDEX_FORMAT_VERSION)
        return dc_error_set(
            err, DC_E_INDEX_FORMAT,
            "%s has index format version %u; this diachi reads version %d", idx->path,
            idx->meta.format_version, DC_INDEX_FORMAT_VERSION);
    e = meta_get(txn, dbi, "code_scheme", 4, &v, err);
    if (e != DC_OK) return e;
    idx->meta.code_scheme = dc_get_le32(v.mv_data);
    if (idx->meta.code_scheme != DC_CODE_SCHEME_VERSION)
        return dc_error_set(err, DC_E_INDEX_FORMAT,
                            "%s has code scheme version %u; this diachi knows version %d",
                            idx->path, idx->meta.code_scheme, DC_CODE_SCHEME_VERSION);
    return DC_OK;
}

static dc_err meta_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t *out,
                       dc_error *err)
{
    MDB_val v;
    dc_err e = meta_get(txn, dbi, name, 8, &v, err);
    if (e == DC_OK) *out = dc_get_le64(v.mv_data);
    return e;
}

static dc_err meta_rest(dc_index *idx, MDB_txn *txn, MDB_dbi dbi, dc_error *err)
{
    dc_index_meta *m = &idx->meta;
    MDB_val v;
    dc_err e = meta_u64(txn, dbi, "build_time", (uint64_t *)&m->build_time, err);
    if (e == DC_OK) e = meta_u64(txn, dbi, "zones", &m->zones, err);
    if (e == DC_OK) e = meta_u64(txn, dbi, "households", &m->households, err);
    if (e == DC_OK) e = meta_u64(txn, dbi, "codes", &m->codes, err);
    if (e == DC_OK) e = meta_get(txn, dbi, "bbox", 16, &v, err);
    if (e != DC_OK) return e;
    const uint8_t *b = v.mv_data;
    m->south_e7 = dc_get_i32(b);
    m->west_e7 = dc_get_i32(b + 4);
    m->north_e7 = dc_get_i32(b + 8);
    m->east_e7 = dc_get_i32(b + 12);
    e = meta_get(txn, dbi, "fingerprint", DC_FINGERPRINT_SIZE, &v, err);
    if (e != DC_OK) return e;
    memcpy(m->fingerprint, v.mv_data, DC_FINGERPRINT_SIZE);
    dc_fingerprint_hex(m->fingerprint, m->fingerprint_hex);
    e = meta_get(txn, dbi, "sources", 0, &v, err);
    if (e != DC_OK) return e;
    idx->sources = malloc(v.mv_size + 1);
    if (!idx->sources) return DC_E_NOMEM;
    memcpy(idx->sources, v.mv_data, v.mv_size);
    idx->sources[v.mv_size] = '\0';
    m->sources = idx->sources;
    return DC_OK;
}

/* Open every sub-database; the handles outlive this transaction once it
 * commits. */
static dc_err open_dbs(dc_index *idx, MDB_txn *txn, dc_error *err)
{
    for (int db = 0; db < DC_DB_COUNT; db++) {
        int rc = mdb_dbi_open(txn, dc_db_names[db], 0, &idx->dbi[db]);
        if (rc == MDB_NOTFOUND)
            return dc_error_set(err, DC_E_INDEX_FORMAT, "%s has no %s database",
                                idx->path, dc_db_names[db]);
        if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    }
    return DC_OK;
}

static dc_err read_meta(dc_index *idx, dc_error *err)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &txn);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    /* The meta database first: a file without it is not ours at all. */
    MDB_dbi meta;
    dc_err e = DC_OK;
    rc = mdb_dbi_open(txn, dc_db_names[DC_DB_META], 0, &meta);
    if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
        e = dc_error_set(err, DC_E_INDEX_FORMAT,
                         "%s is an LMDB file but not a diachi index (no metadata)",
                         idx->path);
    else if (rc != 0)
        e = dc_index_lmdb_error(err, rc, idx->path);
    else
        e = meta_identity(idx, txn, meta, err);
    if (e == DC_OK) e = meta_rest(idx, txn, meta, err);
    if (e == DC_OK) e = open_dbs(idx, txn, err);
    if (e == DC_OK && (rc = mdb_txn_commit(txn)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    if (e != DC_OK) mdb_txn_abort(txn);
    return e;
}

/* A clear message for a missing or unreadable file, before LMDB's own. */
static dc_err check_file(const char *path, uint64_t *size, dc_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0 || access(path, R_OK) != 0)
        return dc_error_set(err, DC_E_IO, "cannot open index %s: %s", path,
                            strerror(errno));
    if (!S_ISREG(st.st_mode))
        return dc_error_set(err, DC_E_IO, "cannot open index %s: not a regular file",
                            path);
    *size = (uint64_t)st.st_size;
    return DC_OK;
}

static dc_err open_env(dc_index *idx, dc_error *err)
{
    int rc = mdb_env_create(&idx->env);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    mdb_env_set_maxdbs(idx->env, DC_DB_COUNT);
    rc = mdb_env_open(idx->env, idx->path,
                      MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOTLS, 0444);
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == EINVAL)
        return dc_error_set(err, DC_E_INDEX_FORMAT,
                            "%s is not a diachi index (not an LMDB file: %s)", idx->path,
                            mdb_strerror(rc));
    if (rc != 0) {
        char what[DC_ERROR_MESSAGE_SIZE];
        snprintf(what, sizeof what, "cannot open index %s", idx->path);
        return dc_index_lmdb_error(err, rc, what);
    }
    /* The pages LMDB will touch must be the pages the seal covers. */
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(idx->env, &info) != 0 || mdb_env_stat(idx->env, &st) != 0 ||
        ((uint64_t)info.me_last_pgno + 1) * st.ms_psize != idx->data_bytes)
        return dc_error_set(err, DC_E_INDEX_CORRUPT,
                            "%s: its LMDB pages (%zu of %u bytes) are not the %llu "
                            "bytes its seal covers",
                            idx->path, info.me_last_pgno + 1, st.ms_psize,
                            (unsigned long long)idx->data_bytes);
    return DC_OK;
}

/* Every zone, decoded, and the zone grid's cells, pointing into the map. */
static dc_err load_zones(dc_index *idx, dc_error *err)
{
    MDB_cursor *cur;
    MDB_stat zs, gs;
    MDB_val k, v;
    int rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_ZONES], &zs);
    if (rc == 0) rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_ZONEGRID], &gs);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    idx->zones = malloc((zs.ms_entries + 1) * sizeof *idx->zones);
    idx->zone_slot = malloc(DC_POSTCODES * sizeof *idx->zone_slot);
    idx->grid = malloc((gs.ms_entries + 1) * sizeof *idx->grid);
    if (!idx->zones || !idx->zone_slot || !idx->grid)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for zones");
    for (uint32_t i = 0; i < DC_POSTCODES; i++)
        idx->zone_slot[i] = -1;

    if ((rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_ZONES], &cur)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        uint32_t pc = k.mv_size == 4 ? dc_get_be32(k.mv_data) : DC_POSTCODES;
        if (pc >= DC_POSTCODES || idx->nzones == zs.ms_entries) continue;
        if (dc_zone_decode(pc, &v, &idx->zones[idx->nzones]) != DC_OK)
            idx->zone_slot[pc] = DC_ZONE_CORRUPT;
        else
            idx->zone_slot[pc] = (int32_t)idx->nzones++;
    }
    mdb_cursor_close(cur);

    if ((rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_ZONEGRID], &cur)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT)
        if (k.mv_size == 4 && v.mv_size % 4 == 0 && idx->ngrid < gs.ms_entries)
            idx->grid[idx->ngrid++] = (struct dc_grid_cell){
                dc_get_be32(k.mv_data), v.mv_data, (uint32_t)(v.mv_size / 4)};
    mdb_cursor_close(cur);
    return DC_OK;
}

/* Every string by id, ids 1..n in order, pointing into the map. */
static dc_err load_strings(dc_index *idx, dc_error *err)
{
    MDB_cursor *cur;
    MDB_stat st;
    MDB_val k, v;
    int rc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &idx->pinned);
    if (rc == 0) rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_STRINGS], &st);
    if (rc == 0) rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_STRINGS], &cur);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    dc_err e = DC_OK;
    idx->strings = malloc((st.ms_entries + 1) * sizeof *idx->strings);
    if (!idx->strings) e = dc_error_set(err, DC_E_NOMEM, "out of memory for strings");
    uint32_t n = 0;
    for (int op = MDB_FIRST; e == DC_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
         op = MDB_NEXT) {
        if (k.mv_size != 4 || dc_get_be32(k.mv_data) != n + 1 || n == st.ms_entries)
            e = dc_error_set(err, DC_E_INDEX_CORRUPT, "%s: string ids are not 1..%zu",
                             idx->path, (size_t)st.ms_entries);
        else
            idx->strings[n++] = (dc_str){v.mv_data, v.mv_size};
    }
    mdb_cursor_close(cur);
    idx->nstrings = n;
    return e;
}

dc_err dc_index_open(const char *path, dc_index **out, dc_error *err)
{
    dc_index *idx = NULL;
    uint64_t size = 0;
    dc_err e;
    if (!path || !out) return dc_error_set(err, DC_E_INVALID_ARG, "no index path given");
    e = check_file(path, &size, err);
    if (e != DC_OK) goto done;
    idx = calloc(1, sizeof *idx);
    if (!idx || !(idx->path = strdup(path))) {
        e = dc_error_set(err, DC_E_NOMEM, "out of memory opening %s", path);
        goto done;
    }
    pthread_mutex_init(&idx->lock, NULL);
    idx->meta.file_bytes = size;
    /* Nothing is mapped before the whole file is known to be as built. */
    e = dc_seal_verify(path, size, &idx->data_bytes, err);
    if (e == DC_OK) e = open_env(idx, err);
    if (e == DC_OK) e = read_meta(idx, err);
    if (e == DC_OK) e = load_strings(idx, err);
    if (e == DC_OK) e = load_zones(idx, err);
    if (e == DC_OK) e = dc_pages_load(idx, err);
done:
    if (e != DC_OK) {
        dc_index_close(idx);
        return e;
    }
    *out = idx;
    return DC_OK;
}

void dc_index_close(dc_index *idx)
{
    if (!idx) return;
    while (idx->free_txns) {
        dc_index_txn *t = idx->free_txns;
        idx->free_txns = t->next;
        mdb_txn_abort(t->txn);
        free(t);
    }
    if (idx->pinned) mdb_txn_abort(idx->pinned);
    free(idx->strings);
    free(idx->pages.seg);
    free(idx->pages.fences);
    free(idx->zones);
    free(idx->zone_slot);
    free(idx->grid);
    if (idx->env) mdb_env_close(idx->env);
    if (idx->path) pthread_mutex_destroy(&idx->lock);
    free(idx->sources);
    free(idx->path);
    free(idx);
}

const dc_index_meta *dc_index_info(const dc_index *idx)
{
    return idx ? &idx->meta : NULL;
}
