/*
 * index_check.c - dc_index_check: walk every record and verify that the
 * index obeys the rules of docs/FORMAT.md section 2.
 *
 * The groups of ids are walked first: each must decode, and the ids run
 * in strictly increasing order through them, so no id is there twice.
 * Households are then walked in key order: each key must name the place its
 * position and postcode give, numbers run 0, 1, 2, ..., and each household's
 * id and number entries must point at its key. The id and number databases
 * are then checked by counting: when every household has its own entry
 * and the entries add up to exactly the number expected, no entry can
 * point anywhere else.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_history.h"
#include "check_search.h"
#include "check_zonecells.h"
#include "household_value.h"
#include "id_groups.h"
#include "index_internal.h"
#include "pages.h"
#include "read_cursor.h"
#include "read_decode.h"
#include "read_strings.h"
#include "sha256.h"

typedef struct checker {
    dc_index *idx;
    dc_index_txn *txn;
    dc_error *err;
    dc_zone *zones;   /* in postcode order */
    int32_t *zone_of; /* postcode -> index in zones, or -1 */
    uint32_t *zone_counts;
    dc_index_check_stats stats;
    int32_t bbox[4];
    /* the previous household, for the order rule */
    uint64_t prev_place;
    uint32_t prev_seq;
    uint32_t door, door_len; /* the stored size and the count of its door */
    dc_str prev_id;
    size_t zones_cap;
    uint64_t entries;          /* records of the ids or numbers database */
    uint64_t ids;              /* ids in the groups of ids */
    dc_sha256 sha;             /* the recomputed fingerprint */
    dc_search_records *search; /* the search records, recomputed */
    /* What a walk of ids calls on each id, and the last id walked. */
    dc_err (*id_fn)(struct checker *c, const MDB_val *key, const MDB_val *val);
    uint8_t last_id[DC_ID_MAX];
    size_t last_id_len;
    uint32_t number; /* a walk of the households: the record's number */
} checker;

typedef dc_err (*record_fn)(checker *c, const MDB_val *key, const MDB_val *val);

static dc_err corrupt(checker *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static dc_err corrupt(checker *c, const char *fmt, ...)
{
    if (c->err) {
        va_list ap;
        va_start(ap, fmt);
        c->err->code = DC_E_INDEX_CORRUPT;
        vsnprintf(c->err->message, sizeof c->err->message, fmt, ap);
        va_end(ap);
    }
    return DC_E_INDEX_CORRUPT;
}

/* Every household page's structure, whole: count, value ends in order
 * and inside the page, the head's places, zeros where nothing is, and its
 * fence. */
static dc_err page_ok(checker *c, uint32_t p, const uint8_t *page)
{
    const struct dc_pages *pg = &c->idx->pages;
    uint32_t n = dc_page_count(page);
    if (n == 0) return corrupt(c, "household page %u: its head is damaged", p);
    const uint8_t *entries = page + DC_PAGE_HEAD;
    uint32_t prev = DC_PAGE_VALUES(n);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = entries + (size_t)i * DC_PAGE_ENTRY + DC_HOUSEHOLD_KEY_SIZE;
        uint32_t end = (uint32_t)e[0] | (uint32_t)e[1] << 8;
        if (end <= prev || end > DC_PAGE_SIZE)
            return corrupt(c, "household page %u: record %u has bytes %u to %u", p, i,
                           prev, end);
        prev = end;
    }
    for (uint32_t j = 1; j < DC_PAGE_SPLITS; j++)
        if (memcmp(page + 4 + 8 * (j - 1),
                   entries + (size_t)(n * j / DC_PAGE_SPLITS) * DC_PAGE_ENTRY, 8) != 0)
            return corrupt(c, "household page %u: its head's place %u is not its key's",
                           p, j);
    bool zeros = page[2] == 0 && page[3] == 0;
    for (uint32_t i = prev; zeros && i < DC_PAGE_SIZE; i++)
        zeros = page[i] == 0;
    if (!zeros) return corrupt(c, "household page %u: bytes where none belong", p);
    if (memcmp(dc_pages_fence(pg, p), entries, DC_HOUSEHOLD_KEY_SIZE) != 0)
        return corrupt(c, "household page %u: its fence is not its first key", p);
    return DC_OK;
}

/* Call @p fn on every household record, page by page, its number in
 * c->number: each page's head numbers its first record after the last
 * of the page before. */
static dc_err walk_pages(checker *c, record_fn fn)
{
    const struct dc_pages *pg = &c->idx->pages;
    MDB_val k, v;
    uint32_t next = 0;
    for (uint32_t p = 0; p < pg->npages; p++) {
        const uint8_t *page = dc_pages_page(pg, p);
        dc_err e = page_ok(c, p, page);
        uint32_t n = dc_page_count(page);
        if (e == DC_OK && dc_page_number(page, 0) != next)
            return corrupt(c,
                           "household page %u: its first record is numbered %u, not %u",
                           p, dc_page_number(page, 0), next);
        for (uint32_t i = 0; e == DC_OK && i < n; i++) {
            e = dc_page_record(page, i, &k, &v);
            c->number = next + i;
            if (e == DC_OK) e = fn(c, &k, &v);
        }
        if (e != DC_OK) return e;
        next += n;
    }
    return DC_OK;
}

/* An id is after every id before it in ids: in its group, the walk of
 * the group sees to it; the first, compared with the last of the group
 * before. */
static bool after_last_id(const checker *c, const dc_id_walk *w)
{
    size_t n = w->len < c->last_id_len ? w->len : c->last_id_len;
    int cmp = memcmp(w->id, c->last_id, n);
    return cmp > 0 || (cmp == 0 && w->len > c->last_id_len);
}

#define GROUP_FMT "ids group %.*s"
#define GROUP_ARGS(key) (int)(key)->mv_size, (const char *)(key)->mv_data

/* One group of ids, whole: it decodes, its first id is its key and after
 * the last of the group before; then c->id_fn on each of its ids. */
static dc_err id_group(checker *c, const MDB_val *key, const MDB_val *val)
{
    dc_id_walk w;
    dc_err e = dc_id_walk_begin(&w, val);
    if (e != DC_OK) return corrupt(c, GROUP_FMT " %s", GROUP_ARGS(key), w.why);
    while ((e = dc_id_walk_next(&w)) == DC_OK) {
        if (w.n == 1 && (w.len != key->mv_size || memcmp(w.id, key->mv_data, w.len)))
            return corrupt(c, GROUP_FMT ": its first id is not its key", GROUP_ARGS(key));
        if (w.n == 1 && c->last_id_len && !after_last_id(c, &w))
            return corrupt(c, GROUP_FMT ": its first id is not after the group before",
                           GROUP_ARGS(key));
        MDB_val id = {w.len, w.id}, household = {DC_HOUSEHOLD_KEY_SIZE, (void *)w.key};
        e = c->id_fn(c, &id, &household);
        if (e != DC_OK) return e;
    }
    if (e != DC_E_NOT_FOUND)
        return corrupt(c, GROUP_FMT ": id %u %s", GROUP_ARGS(key), w.n, w.why);
    memcpy(c->last_id, w.id, w.len);
    c->last_id_len = w.len;
    return DC_OK;
}

/* Call @p fn on every record of @p db in key order: of households, its
 * household records; of ids, each id and its key. */
static dc_err walk(checker *c, int db, record_fn fn)
{
    MDB_cursor *cur;
    if (db == DC_DB_HOUSEHOLDS) return walk_pages(c, fn);
    if (db == DC_DB_IDS) {
        c->id_fn = fn;
        c->last_id_len = 0;
        fn = id_group;
    }
    MDB_val k, v;
    dc_err e = DC_OK;
    int rc = mdb_cursor_open(c->txn->txn, c->idx->dbi[db], &cur);
    if (rc != 0) return dc_index_lmdb_error(c->err, rc, dc_db_names[db]);
    for (MDB_cursor_op op = MDB_FIRST; (rc = mdb_cursor_get(cur, &k, &v, op)) == 0;
         op = MDB_NEXT) {
        e = fn(c, &k, &v);
        if (e != DC_OK) break;
    }
    mdb_cursor_close(cur);
    if (e == DC_OK && rc != MDB_NOTFOUND)
        return dc_index_lmdb_error(c->err, rc, dc_db_names[db]);
    return e;
}

/* ---- zones ------------------------------------------------------------ */

static dc_err zone_shape(checker *c, const dc_zone *z)
{
    int32_t s, w, n, e, vlat, vlon;
    if (dc_polygon_validate(&z->polygon) != DC_OK)
        return corrupt(c, "zone %05u: invalid polygon", z->postcode);
    dc_polygon_bbox(&z->polygon, &s, &w, &n, &e);
    if (s != z->south_e7 || w != z->west_e7 || n != z->north_e7 || e != z->east_e7)
        return corrupt(c, "zone %05u: stored bounding box differs from its polygon's",
                       z->postcode);
    if ((int64_t)n - s >= DC_DEGREE_E7 || (int64_t)e - w >= DC_DEGREE_E7)
        return corrupt(c, "zone %05u: polygon spans 1 degree or more", z->postcode);
    if (!dc_lat_ok(z->ref_lat_e7) || !dc_lon_ok(z->ref_lon_e7) ||
        dc_polygon_far_vertex(&z->polygon, z->ref_lat_e7, z->ref_lon_e7, &vlat, &vlon))
        return corrupt(
            c, "zone %05u: reference point is out of recovery range of its polygon",
            z->postcode);
    return DC_OK;
}

static dc_err zone_record(checker *c, const MDB_val *key, const MDB_val *val)
{
    if (key->mv_size != 4) return corrupt(c, "zones: a key of %zu bytes", key->mv_size);
    uint32_t postcode = dc_get_be32(key->mv_data);
    if (postcode >= DC_POSTCODES)
        return corrupt(c, "zones: postcode %u over 99999", postcode);
    if (c->stats.zones >= c->zones_cap)
        return corrupt(c, "zones: more records than the %llu meta counts",
                       (unsigned long long)c->idx->meta.zones);
    dc_zone *z = &c->zones[c->stats.zones];
    if (dc_zone_decode(postcode, val, z) != DC_OK)
        return corrupt(c, "zone %05u: malformed record", postcode);
    dc_err e = zone_shape(c, z);
    if (e != DC_OK) return e;
    c->zone_of[postcode] = (int32_t)c->stats.zones++;
    return DC_OK;
}

static dc_err check_zones(checker *c)
{
    dc_err e = walk(c, DC_DB_ZONES, zone_record);
    if (e == DC_OK && c->stats.zones != c->idx->meta.zones)
        return corrupt(c, "meta counts %llu zones, zones holds %llu",
                       (unsigned long long)c->idx->meta.zones,
                       (unsigned long long)c->stats.zones);
    return e;
}

/* ---- zonegrid --------------------------------------------------------- */

static bool box_touches_cell(const dc_zone *z, uint32_t cell)
{
    int64_t south = (int64_t)(cell / DC_ZONEGRID_COLS) * DC_ZONEGRID_E7 + DC_LAT_E7_MIN;
    int64_t west = (int64_t)(cell % DC_ZONEGRID_COLS) * DC_ZONEGRID_E7 + DC_LON_E7_MIN;
    return z->north_e7 >= south && z->south_e7 < south + DC_ZONEGRID_E7 &&
           z->east_e7 >= west && z->west_e7 < west + DC_ZONEGRID_E7;
}

static dc_err grid_record(checker *c, const MDB_val *key, const MDB_val *val)
{
    if (key->mv_size != 4 || val->mv_size == 0 || val->mv_size % 4 != 0)
        return corrupt(c, "zonegrid: malformed record");
    uint32_t cell = dc_get_be32(key->mv_data);
    const uint8_t *p = val->mv_data;
    for (size_t i = 0; i < val->mv_size; i += 4) {
        uint32_t postcode = dc_get_le32(p + i);
        if (i > 0 && postcode <= dc_get_le32(p + i - 4))
            return corrupt(c, "zonegrid cell %u: postcodes not in ascending order", cell);
        if (postcode >= DC_POSTCODES || c->zone_of[postcode] < 0)
            return corrupt(c, "zonegrid cell %u: zone %05u does not exist", cell,
                           postcode);
        if (!box_touches_cell(&c->zones[c->zone_of[postcode]], cell))
            return corrupt(c, "zonegrid cell %u: zone %05u does not touch it", cell,
                           postcode);
    }
    return DC_OK;
}

static bool grid_lists(checker *c, uint32_t cell, uint32_t postcode)
{
    uint8_t key[4];
    MDB_val k = {4, key}, v;
    dc_put_be32(key, cell);
    if (mdb_get(c->txn->txn, c->idx->dbi[DC_DB_ZONEGRID], &k, &v) != 0) return false;
    for (size_t i = 0; i + 4 <= v.mv_size; i += 4)
        if (dc_get_le32((const uint8_t *)v.mv_data + i) == postcode) return true;
    return false;
}

/* Every cell a zone's box touches must list the zone. */
static dc_err zone_cells_listed(checker *c, const dc_zone *z)
{
    int32_t n = z->north_e7 < DC_LAT_E7_END ? z->north_e7 : DC_LAT_E7_END - 1;
    int32_t e = z->east_e7 < DC_LON_E7_END ? z->east_e7 : DC_LON_E7_END - 1;
    uint32_t r0 = dc_zonegrid_cell(z->south_e7, 0) / DC_ZONEGRID_COLS;
    uint32_t r1 = dc_zonegrid_cell(n, 0) / DC_ZONEGRID_COLS;
    uint32_t c0 = dc_zonegrid_cell(0, z->west_e7) % DC_ZONEGRID_COLS;
    uint32_t c1 = dc_zonegrid_cell(0, e) % DC_ZONEGRID_COLS;
    for (uint32_t r = r0; r <= r1; r++)
        for (uint32_t col = c0; col <= c1; col++)
            if (!grid_lists(c, r * DC_ZONEGRID_COLS + col, z->postcode))
                return corrupt(c, "zone %05u: zonegrid cell %u does not list it",
                               z->postcode, r * DC_ZONEGRID_COLS + col);
    return DC_OK;
}

static dc_err check_zonegrid(checker *c)
{
    dc_err e = walk(c, DC_DB_ZONEGRID, grid_record);
    for (uint64_t i = 0; e == DC_OK && i < c->stats.zones; i++)
        e = zone_cells_listed(c, &c->zones[i]);
    if (e == DC_OK)
        e = dc_check_zonecells(c->idx, c->txn->txn, c->zones, (size_t)c->stats.zones,
                               c->err);
    return e;
}

/* ---- households ------------------------------------------------------- */

#define HH_FMT "household %u (id %.*s): "
#define HH_ARGS(h) (h)->number, (int)(h)->id.len, (h)->id.ptr

/* The code recovered from the zone's reference must be the position's. */
static dc_err household_code(checker *c, const dc_household *h, const dc_zone *z)
{
    char recovered[DC_OLC_SIZE], own[DC_OLC_SIZE], compact[DC_CODE_COMPACT_SIZE];
    int64_t la, lo;
    dc_olc_int_of_e7(h->lat_e7, h->lon_e7, &la, &lo);
    dc_olc_encode_int(la, lo, DC_CODE_OLC_DIGITS, own, sizeof own);
    dc_code_format(&h->code, DC_CODE_COMPACT, compact, sizeof compact);
    if (dc_code_plus_code(&h->code, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7, recovered,
                          sizeof recovered) != DC_OK ||
        strcmp(recovered, own) != 0)
        return corrupt(c, HH_FMT "code %s recovers to %s, not to its position's cell %s",
                       HH_ARGS(h), compact, recovered, own);
    if (!dc_polygon_contains(&z->polygon, h->lat_e7, h->lon_e7))
        return corrupt(c, HH_FMT "position %.7f, %.7f is not inside zone %05u",
                       HH_ARGS(h), h->lat_e7 / 1e7, h->lon_e7 / 1e7, h->postcode);
    return DC_OK;
}

/* The id entry and, for every DC_NUMBER_STRIDE-th household, the number
 * entry must hold the household's key. The groups of ids were walked
 * whole before (check_ids). */
static dc_err household_entries(checker *c, const dc_household *h, const MDB_val *key)
{
    const uint8_t *of_id;
    MDB_val k, v;
    dc_err e = dc_index_id_key(c->txn, h->id.ptr, h->id.len, &of_id);
    if (e == DC_E_NOT_FOUND)
        return corrupt(c, HH_FMT "id has no entry in ids", HH_ARGS(h));
    if (e == DC_E_INDEX_CORRUPT)
        return corrupt(c, HH_FMT "its id's group in ids does not decode", HH_ARGS(h));
    if (e != DC_OK) return dc_error_set(c->err, e, "ids: cannot look up an id");
    if (memcmp(of_id, key->mv_data, DC_HOUSEHOLD_KEY_SIZE) != 0)
        return corrupt(c, HH_FMT "ids maps its id to another household", HH_ARGS(h));
    if (h->number % DC_NUMBER_STRIDE) return DC_OK;
    uint8_t number[4];
    dc_put_be32(number, h->number);
    k = (MDB_val){sizeof number, number};
    int rc = mdb_get(c->txn->txn, c->idx->dbi[DC_DB_NUMBERS], &k, &v);
    if (rc == MDB_NOTFOUND)
        return corrupt(c, HH_FMT "number has no entry in numbers", HH_ARGS(h));
    if (rc != 0) return dc_index_lmdb_error(c->err, rc, "numbers");
    if (v.mv_size != key->mv_size || memcmp(v.mv_data, key->mv_data, v.mv_size) != 0)
        return corrupt(c, HH_FMT "numbers maps its number to another household",
                       HH_ARGS(h));
    return DC_OK;
}

/* The door that just ended must have the size its records say. */
static dc_err door_done(checker *c)
{
    uint32_t want = c->door_len < DC_DOOR_MAX ? c->door_len : DC_DOOR_MAX;
    if (c->door_len == 0 || c->door == want) return DC_OK;
    return corrupt(c, "households %llu to %llu: their door's size is stored as %u",
                   (unsigned long long)(c->stats.households - c->door_len),
                   (unsigned long long)(c->stats.households - 1), c->door);
}

/* Every household of a door stores the door's size. */
static dc_err household_door(checker *c, const dc_household *h, const MDB_val *val,
                             bool same)
{
    uint32_t door = ((const uint8_t *)val->mv_data)[DC_HOUSEHOLD_DOOR];
    if (same) {
        c->door_len++;
        if (door == c->door) return DC_OK;
        return corrupt(c, HH_FMT "door size %u, not its door's %u", HH_ARGS(h), door,
                       c->door);
    }
    dc_err e = door_done(c);
    c->door = door;
    c->door_len = 1;
    return e;
}

/* The key names the household's place (cell and code), and its seq counts
 * the households before it at that place, which come in id order. */
static dc_err household_key(checker *c, const dc_household *h, const MDB_val *key,
                            const MDB_val *val)
{
    char code[DC_CODE_COMPACT_SIZE];
    uint64_t place = dc_get_be64(key->mv_data),
             own = dc_place_of(&h->code, h->lat_e7, h->lon_e7);
    uint32_t seq = dc_get_be32((const uint8_t *)key->mv_data + 8);
    bool same = h->number > 0 && place == c->prev_place;
    if (place != own) {
        dc_code_format(&h->code, DC_CODE_COMPACT, code, sizeof code);
        return corrupt(c, HH_FMT "its key names another place than code %s in cell %u/%u",
                       HH_ARGS(h), code, dc_cell_row(h->lat_e7), dc_cell_col(h->lon_e7));
    }
    if (seq != (same ? c->prev_seq + 1 : 0))
        return corrupt(c, HH_FMT "key has seq %u", HH_ARGS(h), seq);
    dc_err e = household_door(c, h, val, same);
    if (e != DC_OK) return e;
    if (same) {
        size_t n = h->id.len < c->prev_id.len ? h->id.len : c->prev_id.len;
        int cmp = memcmp(h->id.ptr, c->prev_id.ptr, n);
        if (cmp < 0 || (cmp == 0 && h->id.len <= c->prev_id.len))
            return corrupt(c, HH_FMT "out of order", HH_ARGS(h));
    } else {
        c->stats.codes++;
        if (h->number == 0 || dc_place_cell(place) != dc_place_cell(c->prev_place))
            c->stats.cells++;
    }
    c->prev_place = place;
    c->prev_seq = seq;
    c->prev_id = h->id;
    return DC_OK;
}

static void grow_bbox(checker *c, const dc_household *h)
{
    if (h->lat_e7 < c->bbox[0]) c->bbox[0] = h->lat_e7;
    if (h->lon_e7 < c->bbox[1]) c->bbox[1] = h->lon_e7;
    if (h->lat_e7 > c->bbox[2]) c->bbox[2] = h->lat_e7;
    if (h->lon_e7 > c->bbox[3]) c->bbox[3] = h->lon_e7;
}

/* The fields of a decoded household @p h whose value is @p val. */
static dc_household_fields fields_of(const dc_household *h, const MDB_val *val,
                                     uint32_t street, uint32_t group)
{
    return (dc_household_fields){
        .number = h->number,
        .lat_e7 = h->lat_e7,
        .lon_e7 = h->lon_e7,
        .street = street,
        .group = group,
        .door = ((const uint8_t *)val->mv_data)[DC_HOUSEHOLD_DOOR],
        .id = (const uint8_t *)h->id.ptr,
        .id_len = h->id.len,
        .house = (const uint8_t *)h->house_number.ptr,
        .house_len = h->house_number.len,
    };
}

/* The value is the one its fields encode to: one value for each
 * household, no varint longer than it needs, so that the fingerprint of
 * the content values covers every byte. */
static bool value_canonical(const MDB_val *key, const MDB_val *val, const dc_household *h,
                            uint32_t street, uint32_t group)
{
    uint8_t own[DC_HOUSEHOLD_VALUE_MAX];
    dc_household_fields f = fields_of(h, val, street, group);
    size_t n = dc_household_value_put(own, dc_get_be64(key->mv_data), &f);
    return n == val->mv_size && memcmp(own, val->mv_data, n) == 0;
}

static dc_err household_record(checker *c, const MDB_val *key, const MDB_val *val)
{
    dc_household h;
    uint32_t street, group, number = (uint32_t)c->stats.households;
    if (key->mv_size != DC_HOUSEHOLD_KEY_SIZE)
        return corrupt(c, "households: a key of %zu bytes after household %u",
                       key->mv_size, number);
    if (dc_household_decode(key, val, c->number, &h, &street, &group) != DC_OK ||
        !value_canonical(key, val, &h, street, group))
        return corrupt(c, "household %u: malformed record", number);
    if (c->zone_of[h.postcode] < 0)
        return corrupt(c, HH_FMT "zone %05u does not exist", HH_ARGS(&h), h.postcode);
    if (dc_index_string(c->txn, street, &h.street) != DC_OK ||
        dc_index_string(c->txn, group, &h.group) != DC_OK)
        return corrupt(c, HH_FMT "street or group string does not resolve", HH_ARGS(&h));
    const dc_zone *z = &c->zones[c->zone_of[h.postcode]];
    dc_err e = household_code(c, &h, z);
    if (e == DC_OK) e = household_key(c, &h, key, val);
    if (e == DC_OK) e = household_entries(c, &h, key);
    if (e != DC_OK) return e;
    e = dc_search_records_household(c->search, h.number, h.postcode, street, group,
                                    h.house_number.ptr, h.house_number.len, h.lat_e7,
                                    h.lon_e7);
    if (e != DC_OK) return dc_error_set(c->err, e, "out of memory checking the index");
    c->zone_counts[c->zone_of[h.postcode]]++;
    grow_bbox(c, &h);
    c->stats.households++;
    return DC_OK;
}

static dc_err check_bbox(checker *c)
{
    const dc_index_meta *m = &c->idx->meta;
    if (c->stats.households == 0) return DC_OK; /* the zones' box, checked loosely */
    if (m->south_e7 != c->bbox[0] || m->west_e7 != c->bbox[1] ||
        m->north_e7 != c->bbox[2] || m->east_e7 != c->bbox[3])
        return corrupt(c, "meta bbox differs from the households' bounding box");
    return DC_OK;
}

static dc_err check_households(checker *c)
{
    c->bbox[0] = c->bbox[1] = INT32_MAX;
    c->bbox[2] = c->bbox[3] = INT32_MIN;
    dc_err e = walk(c, DC_DB_HOUSEHOLDS, household_record);
    if (e == DC_OK) e = door_done(c);
    if (e != DC_OK) return e;
    if (c->stats.households != c->idx->meta.households)
        return corrupt(c, "meta counts %llu households, households holds %llu",
                       (unsigned long long)c->idx->meta.households,
                       (unsigned long long)c->stats.households);
    for (uint64_t i = 0; i < c->stats.zones; i++)
        if (c->zones[i].household_count != c->zone_counts[i])
            return corrupt(
                c, "zone %05u: household_count is %u but %u households name it",
                c->zones[i].postcode, c->zones[i].household_count, c->zone_counts[i]);
    return check_bbox(c);
}

/* ---- ids, numbers, strings ---------------------------------------------- */

static dc_err id_record(checker *c, const MDB_val *key, const MDB_val *val)
{
    (void)key;
    (void)val;
    c->entries++;
    return DC_OK;
}

static dc_err number_record(checker *c, const MDB_val *key, const MDB_val *val)
{
    if (key->mv_size != 4 || val->mv_size != DC_HOUSEHOLD_KEY_SIZE)
        return corrupt(c, "numbers: malformed entry");
    c->entries++;
    return DC_OK;
}

static dc_err string_record(checker *c, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    if (key->mv_size != 4 || dc_get_be32(key->mv_data) != c->stats.strings + 1)
        return corrupt(c, "strings: ids are not 1, 2, 3, ...");
    c->stats.strings++;
    return DC_OK;
}

/* The groups of ids, each whole, their ids in strictly increasing order
 * (so each id once), counted. Before the households, which look their ids
 * up in them. */
static dc_err check_ids(checker *c)
{
    c->entries = 0;
    dc_err e = walk(c, DC_DB_IDS, id_record);
    c->ids = c->entries;
    return e;
}

/* Every household's entries were found from its side: there must be no
 * other entry. */
static dc_err check_entries(checker *c, int db, record_fn fn, uint64_t want)
{
    c->entries = 0;
    dc_err e = walk(c, db, fn);
    if (e == DC_OK && c->entries != want)
        return corrupt(c, "%s holds %llu entries, not %llu", dc_db_names[db],
                       (unsigned long long)c->entries, (unsigned long long)want);
    return e;
}

static dc_err check_lookups(checker *c)
{
    uint64_t n = c->stats.households;
    if (c->stats.codes != c->idx->meta.codes)
        return corrupt(c, "meta counts %llu codes, the households hold %llu",
                       (unsigned long long)c->idx->meta.codes,
                       (unsigned long long)c->stats.codes);
    if (c->ids != n)
        return corrupt(c, "ids holds %llu ids, not %llu", (unsigned long long)c->ids,
                       (unsigned long long)n);
    dc_err e = check_entries(c, DC_DB_NUMBERS, number_record,
                             (n + DC_NUMBER_STRIDE - 1) / DC_NUMBER_STRIDE);
    if (e == DC_OK) e = walk(c, DC_DB_STRINGS, string_record);
    return e;
}

/* ---- fingerprint ------------------------------------------------------ */

static dc_err hash_record(checker *c, const MDB_val *key, const MDB_val *val)
{
    uint8_t n[4];
    dc_put_le32(n, (uint32_t)key->mv_size);
    dc_sha256_update(&c->sha, n, 4);
    dc_sha256_update(&c->sha, key->mv_data, key->mv_size);
    dc_put_le32(n, (uint32_t)val->mv_size);
    dc_sha256_update(&c->sha, n, 4);
    dc_sha256_update(&c->sha, val->mv_data, val->mv_size);
    return DC_OK;
}

/* A household record as its content value (household_value.h); the
 * check of the households decoded every one before. */
static dc_err hash_household(checker *c, const MDB_val *key, const MDB_val *val)
{
    uint8_t content[DC_HOUSEHOLD_CONTENT_MAX];
    dc_household h;
    uint32_t street, group;
    if (dc_household_decode(key, val, c->number, &h, &street, &group) != DC_OK)
        return corrupt(c, "household %u: malformed record", c->number);
    dc_household_fields f = fields_of(&h, val, street, group);
    MDB_val v = {dc_household_content_put(content, &f), content};
    return hash_record(c, key, &v);
}

static dc_err check_fingerprint(checker *c)
{
    uint8_t fp[DC_FINGERPRINT_SIZE];
    dc_sha256_init(&c->sha);
    for (int db = 0; db < DC_DB_CONTENT; db++) {
        dc_err e = walk(c, db, db == DC_DB_HOUSEHOLDS ? hash_household : hash_record);
        if (e != DC_OK) return e;
    }
    dc_sha256_final(&c->sha, fp);
    if (memcmp(fp, c->idx->meta.fingerprint, sizeof fp) != 0) {
        char hex[DC_FINGERPRINT_HEX_SIZE];
        dc_fingerprint_hex(fp, hex);
        return corrupt(c, "content fingerprint %s differs from meta's %s", hex,
                       c->idx->meta.fingerprint_hex);
    }
    return DC_OK;
}

/* ---- the whole check -------------------------------------------------- */

dc_err dc_index_check(dc_index *idx, dc_index_check_stats *stats, dc_error *err)
{
    checker c = {.idx = idx, .err = err};
    dc_err e;
    if (!idx) return dc_error_set(err, DC_E_INVALID_ARG, "no index given");
    size_t nz = idx->meta.zones < DC_POSTCODES ? (size_t)idx->meta.zones : DC_POSTCODES;
    c.zones_cap = nz;
    c.zones = malloc((nz ? nz : 1) * sizeof *c.zones);
    c.zone_counts = calloc(nz ? nz : 1, sizeof *c.zone_counts);
    c.zone_of = malloc(DC_POSTCODES * sizeof *c.zone_of);
    c.search = dc_search_records_open();
    if (!c.zones || !c.zone_counts || !c.zone_of || !c.search) {
        e = dc_error_set(err, DC_E_NOMEM, "out of memory checking the index");
        goto done;
    }
    for (uint32_t p = 0; p < DC_POSTCODES; p++)
        c.zone_of[p] = -1;
    /* the earlier zones, whose former names the search records hold */
    e = DC_OK;
    for (uint32_t i = 0; e == DC_OK && i < idx->npast; i++) {
        const dc_zone *z = &idx->past_zones[i].zone;
        e = dc_search_records_past_zone(c.search, z->postcode, z->name, z->kind,
                                        z->district, z->province, z->polygon);
    }
    if (e != DC_OK) {
        e = dc_error_set(err, e, "out of memory checking the index");
        goto done;
    }
    e = dc_index_txn_begin(idx, &c.txn);
    if (e != DC_OK) {
        dc_error_set(err, e, "cannot start a read transaction");
        goto done;
    }
    e = check_zones(&c);
    if (e == DC_OK) e = check_zonegrid(&c);
    if (e == DC_OK) e = check_ids(&c);
    if (e == DC_OK) e = check_households(&c);
    if (e == DC_OK) e = check_lookups(&c);
    if (e == DC_OK) e = dc_check_history(idx, c.txn->txn, err);
    if (e == DC_OK) e = check_fingerprint(&c);
    /* Derived from the content, so checked once the content is known good:
     * a changed street is reported as such, not as its search record. */
    if (e == DC_OK)
        e = dc_check_search(idx, c.txn->txn, c.search, c.zones, (size_t)c.stats.zones,
                            err);
done:
    dc_index_txn_end(c.txn);
    free(c.zones);
    free(c.zone_counts);
    free(c.zone_of);
    dc_search_records_close(c.search);
    if (e == DC_OK && stats) *stats = c.stats;
    return e;
}
