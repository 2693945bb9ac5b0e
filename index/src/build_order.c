/*
 * build_order.c - households ordered by (1/400-degree cell, compact code,
 * id), their place being the first part of their key in the file, and by
 * id, both through sorters (sorter.h) that hold what fits their memory and
 * spill the rest beside the index; the zone grid by cell with a radix sort
 * (build_order.h).
 */
#include <stdlib.h>
#include <string.h>

#include "build_order.h"

/* The household order: its place (DC_PLACE_CELL_SHIFT), then its id. */
static uint64_t household_place(const dc_household_input *h)
{
    dc_code code;
    dc_code_of_e7(h->postcode, h->lat_e7, h->lon_e7, &code);
    return dc_place_of(&code, h->lat_e7, h->lon_e7);
}

static dc_err grow_bits(dc_builder *b)
{
    if (b->added % (1u << 16)) return DC_OK;
    size_t bytes = (size_t)(b->added / 8) + (1u << 13);
    uint8_t *d = realloc(b->dropped, bytes), *h = d ? realloc(b->has_seq, bytes) : NULL;
    if (d) b->dropped = d;
    if (h) b->has_seq = h;
    if (!d || !h) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for households");
    memset(d + b->added / 8, 0, 1u << 13);
    memset(h + b->added / 8, 0, 1u << 13);
    return DC_OK;
}

/* An id's sort key: its first 8 bytes, big-endian, zero-padded (an id has
 * no zero byte, so a shorter one sorts first); its tie is the rest. */
static uint64_t id_key(const char *id, size_t len)
{
    uint8_t k[8] = {0};
    memcpy(k, id, len < 8 ? len : 8);
    return dc_get_be64(k);
}

/* A street or group's provisional id. Households come street by street, so
 * the one before is compared first, saving most of the hashing. */
static int provisional_id(dc_builder *b, const char *s, int which, uint32_t *id)
{
    size_t len = dc_str_len(s);
    dc_str last = b->last_string[which];
    if (len == 0) {
        *id = 0;
        return 0;
    }
    if (last.ptr && last.len == len && memcmp(last.ptr, s, len) == 0) {
        *id = b->last_id[which];
        return 0;
    }
    if (dc_strtab_intern(b->provisional, s, len, id) != DC_OK) return -1;
    b->last_string[which] = *id ? dc_strtab_string(b->provisional, *id) : (dc_str){0};
    b->last_id[which] = *id;
    return 0;
}

dc_err dc_build_order_add(dc_builder *b, const dc_household_input *h, uint64_t tag)
{
    uint32_t street, group;
    if (b->added >= UINT32_MAX)
        return dc_error_set(b->err, DC_E_INVALID_ARG, "more than %u households",
                            UINT32_MAX);
    if (provisional_id(b, h->street, 0, &street) || provisional_id(b, h->group, 1, &group))
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory interning strings");
    dc_err rc = grow_bits(b);
    if (rc != DC_OK) return rc;
    uint64_t place = household_place(h);
    size_t idlen = strlen(h->id), hlen = dc_str_len(h->house_number);
    uint8_t data[21 + DC_MAX_STR8];
    dc_put_le32(data, (uint32_t)b->added);
    dc_put_i32(data + 4, h->lat_e7);
    dc_put_i32(data + 8, h->lon_e7);
    dc_put_le32(data + 12, street);
    dc_put_le32(data + 16, group);
    data[20] = (uint8_t)hlen;
    if (hlen) memcpy(data + 21, h->house_number, hlen);
    rc = dc_sorter_add(b->by_place, place, h->id, idlen, data, 21 + hlen, b->err);
    if (rc != DC_OK) return rc;
    dc_put_le64(data, place);
    dc_put_le32(data + 8, (uint32_t)b->added);
    dc_put_le64(data + 12, tag);
    rc = dc_sorter_add(b->by_id, id_key(h->id, idlen), h->id + (idlen < 8 ? idlen : 8),
                       idlen < 8 ? 0 : idlen - 8, data, 20, b->err);
    if (rc != DC_OK) return rc;
    b->added++;
    return DC_OK;
}

/* The id of a record of b->by_id, into @p out (256 bytes); its length. */
size_t dc_build_id_of(const dc_sorted *r, char *out)
{
    uint8_t k[8];
    dc_put_be64(k, r->key);
    size_t len = 0;
    while (len < 8 && k[len])
        len++;
    memcpy(out, k, len);
    memcpy(out + len, r->tie, r->tlen);
    out[len + r->tlen] = '\0';
    return len + r->tlen;
}

typedef struct duplicate {
    uint32_t input;
    uint64_t kept_tag, tag;
    char *id;
} duplicate;

static int by_input(const void *a, const void *b)
{
    uint32_t x = ((const duplicate *)a)->input, y = ((const duplicate *)b)->input;
    return (x > y) - (x < y);
}

static void free_duplicates(duplicate *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(d[i].id);
    free(d);
}

/* Walk the ids in order: a household whose id is the one before's is a
 * duplicate (records equal in key and tie come in the order added, so the
 * first added is kept). */
static dc_err find_duplicates(dc_builder *b, duplicate **out, size_t *nout)
{
    dc_sorted r;
    int more;
    uint64_t prev_key = 0, kept_tag = 0;
    uint8_t prev_tie[DC_MAX_STR8];
    size_t prev_tlen = 0, n = 0, cap = 0;
    int have_prev = 0;
    duplicate *d = NULL;
    *out = NULL;
    *nout = 0;
    while ((more = dc_sorter_next(b->by_id, &r, b->err)) > 0) {
        uint32_t input = dc_get_le32(r.data + 8);
        uint64_t tag = dc_get_le64(r.data + 12);
        if (have_prev && r.key == prev_key && r.tlen == prev_tlen &&
            memcmp(r.tie, prev_tie, r.tlen) == 0) {
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                duplicate *g = realloc(d, cap * sizeof *g);
                if (!g) break;
                d = g;
            }
            char id[DC_MAX_STR8 + 1];
            dc_build_id_of(&r, id);
            d[n] = (duplicate){input, kept_tag, tag, strdup(id)};
            if (!d[n++].id) break;
            b->dropped[input >> 3] |= (uint8_t)(1u << (input & 7));
            b->zone_counts[b->zone_of[dc_place_postcode(dc_get_le64(r.data))]]--;
            continue;
        }
        have_prev = 1;
        prev_key = r.key;
        prev_tlen = r.tlen;
        memcpy(prev_tie, r.tie, r.tlen);
        kept_tag = tag;
    }
    *out = d;
    *nout = n;
    if (more < 0) return DC_E_IO;
    if (more > 0) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for duplicates");
    return DC_OK;
}

dc_err dc_build_order_close(dc_builder *b, dc_duplicate_fn dup, void *ctx)
{
    duplicate *d;
    size_t n;
    dc_build_progress(b, "sort", b->added, b->added);
    dc_err rc = dc_sorter_finish(b->by_place, b->err);
    if (rc == DC_OK) rc = dc_sorter_finish(b->by_id, b->err);
    if (rc != DC_OK) return rc;
    rc = find_duplicates(b, &d, &n);
    if (rc == DC_OK) rc = dc_sorter_rewind(b->by_id, b->err);
    if (rc == DC_OK && n && !dup)
        rc = dc_error_set(b->err, DC_E_INVALID_ARG, "duplicate household id %s", d[0].id);
    if (rc == DC_OK) {
        if (n) qsort(d, n, sizeof *d, by_input);
        for (size_t i = 0; i < n; i++)
            dup(ctx, d[i].id, d[i].kept_tag, d[i].tag);
        b->kept = b->added - n;
    }
    free_duplicates(d, n);
    return rc;
}

/* Every (coarse cell, postcode) pair whose zone's box touches the cell. */
dc_err dc_build_collect_grid(dc_builder *b)
{
    size_t cap = 0;
    b->ngrid = 0;
    for (uint32_t p = 0; p < DC_POSTCODES; p++) {
        if (b->zone_of[p] < 0) continue;
        const dc_zone_input *z = &b->in->zones[b->zone_of[p]];
        int32_t s, w, n, e;
        dc_polygon_bbox(&z->polygon, &s, &w, &n, &e);
        uint32_t r0 = dc_zonegrid_cell(s < DC_LAT_E7_END ? s : DC_LAT_E7_END - 1, 0) /
                      DC_ZONEGRID_COLS;
        uint32_t r1 = dc_zonegrid_cell(n < DC_LAT_E7_END ? n : DC_LAT_E7_END - 1, 0) /
                      DC_ZONEGRID_COLS;
        uint32_t c0 = dc_zonegrid_cell(0, w < DC_LON_E7_END ? w : DC_LON_E7_END - 1) %
                      DC_ZONEGRID_COLS;
        uint32_t c1 = dc_zonegrid_cell(0, e < DC_LON_E7_END ? e : DC_LON_E7_END - 1) %
                      DC_ZONEGRID_COLS;
        size_t need = b->ngrid + (size_t)(r1 - r0 + 1) * (c1 - c0 + 1);
        if (need > cap) {
            cap = need * 2;
            dc_keyed *g = realloc(b->grid, cap * sizeof *g);
            if (!g) return dc_error_set(b->err, DC_E_NOMEM, "out of memory (zone grid)");
            b->grid = g;
        }
        for (uint32_t r = r0; r <= r1; r++)
            for (uint32_t c = c0; c <= c1; c++)
                b->grid[b->ngrid++] =
                    (dc_keyed){(uint64_t)(r * DC_ZONEGRID_COLS + c) << 32 | p, p};
    }
    dc_keyed *tmp = malloc((b->ngrid ? b->ngrid : 1) * sizeof *tmp);
    if (!tmp) return dc_error_set(b->err, DC_E_NOMEM, "out of memory (zone grid)");
    dc_keyed *sorted = dc_radix_sort(b->grid, tmp, b->ngrid);
    if (sorted != b->grid) memcpy(b->grid, sorted, b->ngrid * sizeof *sorted);
    free(tmp);
    return DC_OK;
}
