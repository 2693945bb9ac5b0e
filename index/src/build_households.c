/*
 * build_households.c - the `households` and `fences` databases
 * (build_households.h, docs/FORMAT.md): each household's record encoded,
 * the records packed into pages, the pages into segments with their
 * fences, read in key order from the sorter by place. One file, so that
 * the loop over millions of households compiles as one piece.
 */
#include <stdlib.h>
#include <string.h>

#include "build_households.h"
#include "build_record.h"
#include "build_search.h"
#include "household_value.h"

/* Put the segment of pages filled so far, and its fences. */
static dc_err flush_segment(dc_builder *b)
{
    uint8_t key[4];
    if (b->seg_pages == 0) return DC_OK;
    dc_put_be32(key, b->nseg);
    MDB_val k = {4, key}, v = {(size_t)b->seg_pages * DC_PAGE_SIZE, b->segment};
    int rc = mdb_put(b->file.txn, b->file.dbi[DC_DB_HOUSEHOLDS], &k, &v, MDB_APPEND);
    if (rc == 0) {
        v = (MDB_val){(size_t)b->seg_pages * DC_HOUSEHOLD_KEY_SIZE, b->fences};
        rc = mdb_put(b->file.txn, b->file.dbi[DC_DB_FENCES], &k, &v, MDB_APPEND);
    }
    if (rc != 0)
        return dc_index_lmdb_error(b->err, rc, "writing households to the index");
    b->nseg++;
    b->seg_pages = 0;
    return DC_OK;
}

/* Lay out the page being filled (docs/FORMAT.md, `households`) as the next
 * page of the segment. */
static dc_err flush_page(dc_builder *b)
{
    uint32_t n = b->page_n, at = DC_PAGE_VALUES(n);
    if (n == 0) return DC_OK;
    uint8_t *page = b->segment + (size_t)b->seg_pages * DC_PAGE_SIZE;
    memset(page, 0, DC_PAGE_SIZE);
    page[0] = (uint8_t)n;
    page[1] = (uint8_t)(n >> 8);
    for (uint32_t j = 1; j < DC_PAGE_SPLITS; j++) /* the places of the splits */
        memcpy(page + 4 + 8 * (j - 1),
               b->page_keys + (size_t)(n * j / DC_PAGE_SPLITS) * DC_HOUSEHOLD_KEY_SIZE,
               8);
    dc_put_le32(page + DC_PAGE_NUMBER, b->page_first);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = page + DC_PAGE_HEAD + (size_t)i * DC_PAGE_ENTRY;
        uint32_t end = at + b->page_ends[i];
        memcpy(e, b->page_keys + (size_t)i * DC_HOUSEHOLD_KEY_SIZE,
               DC_HOUSEHOLD_KEY_SIZE);
        e[12] = (uint8_t)end, e[13] = (uint8_t)(end >> 8);
    }
    memcpy(page + at, b->page_values, b->page_bytes);
    memcpy(b->fences + (size_t)b->seg_pages * DC_HOUSEHOLD_KEY_SIZE, b->page_keys,
           DC_HOUSEHOLD_KEY_SIZE);
    b->page_n = b->page_bytes = 0;
    if (++b->seg_pages == DC_SEGMENT_PAGES) return flush_segment(b);
    return DC_OK;
}

/* Append household @p f, at @p key, to its page (a new one when it does
 * not fit) and to the fingerprint, as a record of its own with its
 * content value. @p val is scratch of DC_HOUSEHOLD_VALUE_MAX bytes. */
static dc_err put_household(dc_builder *b, const uint8_t *key,
                            const dc_household_fields *f, uint8_t *val)
{
    dc_err rc = DC_OK;
    size_t vlen = dc_household_value_put(val, dc_get_be64(key), f);
    if (DC_PAGE_VALUES(b->page_n + 1) + b->page_bytes + vlen > DC_PAGE_SIZE)
        rc = flush_page(b);
    if (rc != DC_OK) return rc;
    if (b->page_n == 0) b->page_first = f->number;
    memcpy(b->page_keys + (size_t)b->page_n * DC_HOUSEHOLD_KEY_SIZE, key,
           DC_HOUSEHOLD_KEY_SIZE);
    memcpy(b->page_values + b->page_bytes, val, vlen);
    b->page_bytes += (uint32_t)vlen;
    b->page_ends[b->page_n++] = (uint16_t)b->page_bytes;
    dc_build_hash_part(b->hasher, key, DC_HOUSEHOLD_KEY_SIZE);
    dc_build_hash_part(b->hasher, val, dc_household_content_put(val, f));
    return DC_OK;
}

/* Scratch for one value, stored or content. */
#define VALUE_MAX                                                                        \
    (DC_HOUSEHOLD_VALUE_MAX > DC_HOUSEHOLD_CONTENT_MAX ? DC_HOUSEHOLD_VALUE_MAX          \
                                                       : DC_HOUSEHOLD_CONTENT_MAX)

/* The strings id of a provisional one (street or group), given out in the
 * order of first use in key order. */
static dc_err final_string(dc_builder *b, uint32_t provisional, uint32_t *out)
{
    if (provisional == 0) {
        *out = 0;
        return DC_OK;
    }
    if (!b->final_id) {
        b->final_id = calloc(dc_strtab_count(b->provisional) + 1, sizeof *b->final_id);
        if (!b->final_id) return dc_error_set(b->err, DC_E_NOMEM, "out of memory");
    }
    if (!b->final_id[provisional]) {
        dc_str s = dc_strtab_string(b->provisional, provisional);
        if (dc_strtab_intern(b->strings, s.ptr, s.len, &b->final_id[provisional]) !=
            DC_OK)
            return dc_error_set(b->err, DC_E_NOMEM, "out of memory interning strings");
    }
    *out = b->final_id[provisional];
    return DC_OK;
}

/* The households sharing one place, copied out of the sorter. */
typedef struct door_group {
    uint64_t place;
    uint8_t *bytes;
    size_t len, cap;
    uint32_t n, cap_ends;
    size_t *ends;
} door_group;

static dc_err group_add(dc_builder *b, door_group *g, const dc_sorted *r)
{
    size_t need = 1 + r->tlen + r->dlen;
    if (g->len + need > g->cap) {
        size_t cap = 2 * (g->len + need) + 1024;
        uint8_t *p = realloc(g->bytes, cap);
        if (!p) return dc_error_set(b->err, DC_E_NOMEM, "out of memory");
        g->bytes = p;
        g->cap = cap;
    }
    if (g->n == g->cap_ends) {
        uint32_t cap = g->cap_ends ? 2 * g->cap_ends : 16;
        size_t *e = realloc(g->ends, cap * sizeof *e);
        if (!e) return dc_error_set(b->err, DC_E_NOMEM, "out of memory");
        g->ends = e;
        g->cap_ends = cap;
    }
    uint8_t *p = g->bytes + g->len;
    p[0] = (uint8_t)r->tlen;
    memcpy(p + 1, r->tie, r->tlen);
    memcpy(p + 1 + r->tlen, r->data, r->dlen);
    g->len += need;
    g->ends[g->n++] = g->len;
    return DC_OK;
}

static void grow_box(dc_builder *b, int32_t lat, int32_t lon)
{
    if (lat < b->bbox[0]) b->bbox[0] = lat;
    if (lon < b->bbox[1]) b->bbox[1] = lon;
    if (lat > b->bbox[2]) b->bbox[2] = lat;
    if (lon > b->bbox[3]) b->bbox[3] = lon;
}

static dc_err note_seq(dc_builder *b, uint32_t input, uint32_t seq)
{
    if (b->nshared == b->capshared) {
        size_t cap = b->capshared ? 2 * b->capshared : 1024;
        dc_shared_seq *s = realloc(b->shared_seqs, cap * sizeof *s);
        if (!s) return dc_error_set(b->err, DC_E_NOMEM, "out of memory");
        b->shared_seqs = s;
        b->capshared = cap;
    }
    b->shared_seqs[b->nshared++] = (dc_shared_seq){input, seq};
    b->has_seq[input >> 3] |= (uint8_t)(1u << (input & 7));
    return DC_OK;
}

/* Write the households of one place: number, seq, door size; each one's
 * value encoded into @p val (the caller's, so that this function has a
 * small frame) and appended to its page. */
static dc_err write_group(dc_builder *b, door_group *g, uint32_t *number,
                          uint8_t val[VALUE_MAX])
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    uint32_t door = g->n < DC_DOOR_MAX ? g->n : DC_DOOR_MAX;
    if (g->n > 1) b->shared_doors += g->n;
    b->ncodes++;
    for (uint32_t seq = 0; seq < g->n; seq++) {
        const uint8_t *p = g->bytes + (seq ? g->ends[seq - 1] : 0);
        size_t idlen = p[0];
        const uint8_t *id = p + 1, *d = p + 1 + idlen;
        uint32_t street, group;
        dc_err rc = final_string(b, dc_get_le32(d + 12), &street);
        if (rc == DC_OK) rc = final_string(b, dc_get_le32(d + 16), &group);
        if (rc == DC_OK && seq > 0) rc = note_seq(b, dc_get_le32(d), seq);
        if (rc != DC_OK) return rc;
        int32_t lat = dc_get_i32(d + 4), lon = dc_get_i32(d + 8);
        grow_box(b, lat, lon);
        dc_household_fields f = {.number = *number,
                                 .lat_e7 = lat,
                                 .lon_e7 = lon,
                                 .street = street,
                                 .group = group,
                                 .door = (uint8_t)door,
                                 .id = id,
                                 .id_len = idlen,
                                 .house = d + 21,
                                 .house_len = d[20]};
        rc = dc_build_search_household(b, *number, dc_place_postcode(g->place), street,
                                       group, d + 21, d[20], lat, lon);
        if (rc != DC_OK) return rc;
        dc_build_household_key(g->place, seq, key);
        if (*number % DC_NUMBER_STRIDE == 0)
            memcpy(b->number_keys +
                       (size_t)(*number / DC_NUMBER_STRIDE) * DC_HOUSEHOLD_KEY_SIZE,
                   key, DC_HOUSEHOLD_KEY_SIZE);
        rc = put_household(b, key, &f, val);
        if (rc != DC_OK) return rc;
        if (++*number % DC_PROGRESS_STEP == 0)
            dc_build_progress(b, "write", *number, b->kept);
    }
    g->n = 0;
    g->len = 0;
    return DC_OK;
}

dc_err dc_build_write_households(dc_builder *b)
{
    uint8_t val[VALUE_MAX];
    door_group g = {0};
    uint32_t number = 0;
    dc_sorted r;
    int more = 0;
    dc_err rc = DC_OK;
    b->bbox[0] = b->bbox[1] = INT32_MAX;
    b->bbox[2] = b->bbox[3] = INT32_MIN;
    b->number_keys =
        malloc((size_t)(b->kept / DC_NUMBER_STRIDE + 1) * DC_HOUSEHOLD_KEY_SIZE);
    if (!b->number_keys) return dc_error_set(b->err, DC_E_NOMEM, "out of memory");
    while (rc == DC_OK && (more = dc_sorter_next(b->by_place, &r, b->err)) > 0) {
        if (dc_bit(b->dropped, dc_get_le32(r.data))) continue;
        if (g.n && r.key != g.place) rc = write_group(b, &g, &number, val);
        g.place = r.key;
        if (rc == DC_OK) rc = group_add(b, &g, &r);
    }
    if (rc == DC_OK && more < 0) rc = DC_E_IO;
    if (rc == DC_OK && g.n) rc = write_group(b, &g, &number, val);
    free(g.bytes);
    free(g.ends);
    if (rc == DC_OK) rc = flush_page(b);
    return rc == DC_OK ? flush_segment(b) : rc;
}
