/*
 * build_write.c - every content database's records encoded and written in
 * key order with MDB_APPEND (build_write.h): zones, the zone grid,
 * households (build_households.c), strings, numbers, ids.
 */
#include <stdlib.h>
#include <string.h>

#include "build_households.h"
#include "build_order.h"
#include "build_record.h"
#include "build_write.h"
#include "id_groups.h"

static uint8_t *put_str16(uint8_t *p, const char *s)
{
    size_t len = dc_str_len(s);
    p[0] = (uint8_t)len;
    p[1] = (uint8_t)(len >> 8);
    if (len) memcpy(p + 2, s, len);
    return p + 2 + len;
}

dc_err dc_build_zone_value(dc_builder *b, size_t at, const dc_zone_input *z,
                           uint32_t count, size_t *size_out)
{
    const char *s[5] = {z->name, z->kind, z->commune_code, z->district, z->province};
    size_t size = DC_ZONE_FIXED + z->polygon.size;
    for (int i = 0; i < 5; i++)
        size += 2 + dc_str_len(s[i]);
    dc_err rc = dc_build_reserve(b, at + size);
    if (rc != DC_OK) return rc;
    int32_t bbox[4];
    dc_polygon_bbox(&z->polygon, &bbox[0], &bbox[1], &bbox[2], &bbox[3]);
    uint8_t *p = b->buf + at;
    dc_put_le32(p, count);
    dc_put_i32(p + 4, z->ref_lat_e7);
    dc_put_i32(p + 8, z->ref_lon_e7);
    for (int i = 0; i < 4; i++)
        dc_put_i32(p + 12 + 4 * i, bbox[i]);
    p += DC_ZONE_FIXED;
    for (int i = 0; i < 5; i++)
        p = put_str16(p, s[i]);
    memcpy(p, z->polygon.data, z->polygon.size);
    *size_out = size;
    return DC_OK;
}

static dc_err write_zone(dc_builder *b, const dc_zone_input *z, uint32_t count)
{
    uint8_t key[4];
    size_t size;
    dc_err rc = dc_build_zone_value(b, 0, z, count, &size);
    if (rc != DC_OK) return rc;
    dc_put_be32(key, z->postcode);
    return dc_build_put(b, DC_DB_ZONES, key, 4, b->buf, size);
}

static dc_err write_zones(dc_builder *b)
{
    for (uint32_t p = 0; p < DC_POSTCODES; p++) {
        if (b->zone_of[p] < 0) continue;
        dc_err rc =
            write_zone(b, &b->in->zones[b->zone_of[p]], b->zone_counts[b->zone_of[p]]);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

static dc_err write_grid(dc_builder *b)
{
    uint8_t key[4];
    for (size_t i = 0, j; i < b->ngrid; i = j) {
        uint32_t cell = (uint32_t)(b->grid[i].key >> 32);
        for (j = i; j < b->ngrid && (uint32_t)(b->grid[j].key >> 32) == cell; j++) {
        }
        dc_err rc = dc_build_reserve(b, 4 * (j - i));
        if (rc != DC_OK) return rc;
        for (size_t k = i; k < j; k++)
            dc_put_le32(b->buf + 4 * (k - i), b->grid[k].value);
        dc_put_be32(key, cell);
        rc = dc_build_put(b, DC_DB_ZONEGRID, key, 4, b->buf, 4 * (j - i));
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

static dc_err write_strings(dc_builder *b)
{
    uint8_t key[4];
    for (uint32_t id = 1; id <= dc_strtab_count(b->strings); id++) {
        dc_str s = dc_strtab_string(b->strings, id);
        dc_put_be32(key, id);
        dc_err rc = dc_build_put(b, DC_DB_STRINGS, key, 4, s.ptr, s.len);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

/* The key of every DC_NUMBER_STRIDE-th household, by number (kept as the
 * households were written). */
static dc_err write_numbers(dc_builder *b)
{
    uint8_t key[4];
    for (size_t i = 0; i < b->kept; i += DC_NUMBER_STRIDE) {
        dc_put_be32(key, (uint32_t)i);
        dc_err rc =
            dc_build_put(b, DC_DB_NUMBERS, key, sizeof key,
                         b->number_keys + i / DC_NUMBER_STRIDE * DC_HOUSEHOLD_KEY_SIZE,
                         DC_HOUSEHOLD_KEY_SIZE);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

static int by_input(const void *a, const void *b)
{
    uint32_t x = ((const dc_shared_seq *)a)->input, y = ((const dc_shared_seq *)b)->input;
    return (x > y) - (x < y);
}

/* The seq of input household @p input: 0 but for the few sharing a door
 * with an earlier one in key order. */
static uint32_t seq_of(const dc_builder *b, uint32_t input)
{
    if (!dc_bit(b->has_seq, input)) return 0;
    size_t lo = 0, hi = b->nshared;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->shared_seqs[mid].input < input)
            lo = mid + 1;
        else
            hi = mid;
    }
    return b->shared_seqs[lo].seq;
}

/* Write a group of ids under its first id (its first entry has no
 * prefix: the id's length, then the id). */
static dc_err put_id_group(dc_builder *b, dc_id_group_out *g)
{
    dc_err rc = dc_build_store(b, DC_DB_IDS, g->bytes + 2, g->bytes[1], g->bytes, g->len);
    g->n = 0;
    g->len = 0;
    return rc;
}

/* The ids in byte order, from the sorter by id, each with its household's
 * key: the place it was added with, and its seq among those at the place.
 * Each id and key is a record of the fingerprint, as it was when each was
 * an LMDB entry; they are written in groups (id_groups.h). */
static dc_err write_ids(dc_builder *b)
{
    dc_id_group_out g = {.n = 0, .len = 0};
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    char id[DC_MAX_STR8 + 1];
    dc_sorted r;
    int more = 0;
    dc_err rc = DC_OK;
    if (b->nshared) qsort(b->shared_seqs, b->nshared, sizeof *b->shared_seqs, by_input);
    while (rc == DC_OK && (more = dc_sorter_next(b->by_id, &r, b->err)) > 0) {
        uint32_t input = dc_get_le32(r.data + 8);
        if (dc_bit(b->dropped, input)) continue;
        dc_build_household_key(dc_get_le64(r.data), seq_of(b, input), key);
        size_t len = dc_build_id_of(&r, id);
        dc_build_hash_part(b->hasher, id, len);
        dc_build_hash_part(b->hasher, key, sizeof key);
        if (dc_id_group_add(&g, (const uint8_t *)id, len, key)) continue;
        rc = put_id_group(b, &g); /* full: the id starts the next group */
        if (rc == DC_OK) dc_id_group_add(&g, (const uint8_t *)id, len, key);
    }
    if (rc != DC_OK) return rc;
    if (more < 0) return DC_E_IO;
    return g.n ? put_id_group(b, &g) : DC_OK;
}

dc_err dc_build_write_records(dc_builder *b)
{
    dc_err rc = write_zones(b);
    if (rc == DC_OK) rc = write_grid(b);
    if (rc == DC_OK) rc = dc_build_write_households(b);
    if (rc == DC_OK) rc = write_strings(b);
    if (rc == DC_OK) rc = write_numbers(b);
    if (rc == DC_OK) rc = write_ids(b);
    return rc;
}
