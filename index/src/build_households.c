/*
 * build_households.c - the `households` and `fences` databases
 * (build_households.h, docs/FORMAT.md): each household's record encoded,
 * the records packed into pages, the pages into segments with their
 * fences. One file, so that the loop over millions of households compiles
 * as one piece, as it did inside index_build.c.
 */
#include <string.h>

#include "build_households.h"
#include "build_record.h"

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

/* Append a household record to its page (a new one when it does not fit)
 * and to the fingerprint, as a record of its own. */
static dc_err put_household(dc_builder *b, const uint8_t *key, const uint8_t *val,
                            size_t vlen)
{
    dc_err rc = DC_OK;
    if (DC_PAGE_VALUES(b->page_n + 1) + b->page_bytes + vlen > DC_PAGE_SIZE)
        rc = flush_page(b);
    if (rc != DC_OK) return rc;
    memcpy(b->page_keys + (size_t)b->page_n * DC_HOUSEHOLD_KEY_SIZE, key,
           DC_HOUSEHOLD_KEY_SIZE);
    memcpy(b->page_values + b->page_bytes, val, vlen);
    b->page_bytes += (uint32_t)vlen;
    b->page_ends[b->page_n++] = (uint16_t)b->page_bytes;
    dc_build_hash_part(b->hasher, key, DC_HOUSEHOLD_KEY_SIZE);
    dc_build_hash_part(b->hasher, val, vlen);
    return DC_OK;
}

static uint8_t *put_str8(uint8_t *p, const char *s)
{
    size_t len = dc_str_len(s);
    p[0] = (uint8_t)len;
    if (len) memcpy(p + 1, s, len);
    return p + 1 + len;
}

/* A household's value: its fixed part, then id and house number. */
#define VALUE_MAX (DC_HOUSEHOLD_FIXED + 2 * (1 + DC_MAX_STR8))

/* Encode household @p number into @p val (the caller's, so that this
 * function, run for every household, has a small frame and is inlined
 * into the loop) and append it to its page. */
static dc_err write_household(dc_builder *b, uint32_t number, const dc_household_input *h,
                              uint32_t door, uint8_t val[VALUE_MAX])
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    uint32_t street, group;
    if (dc_strtab_intern(b->strings, h->street, dc_str_len(h->street), &street) !=
            DC_OK ||
        dc_strtab_intern(b->strings, h->group, dc_str_len(h->group), &group) != DC_OK)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory interning strings");
    dc_put_le32(val, number);
    dc_put_i32(val + 4, h->lat_e7);
    dc_put_i32(val + 8, h->lon_e7);
    dc_put_le32(val + 12, street);
    dc_put_le32(val + 16, group);
    val[DC_HOUSEHOLD_DOOR] = (uint8_t)(door < DC_DOOR_MAX ? door : DC_DOOR_MAX);
    uint8_t *p = put_str8(val + DC_HOUSEHOLD_FIXED, h->id);
    p = put_str8(p, h->house_number);
    dc_build_household_key(b, number, key);
    return put_household(b, key, val, (size_t)(p - val));
}

dc_err dc_build_write_households(dc_builder *b)
{
    size_t n = b->in->nhouseholds, door_end = 0;
    uint8_t val[VALUE_MAX];
    for (size_t i = 0; i < n; i++) {
        if (i == door_end) /* the first household at a code: find the last */
            for (door_end = i + 1;
                 door_end < n && b->households[door_end].key == b->households[i].key;
                 door_end++) {
            }
        uint32_t door = (uint32_t)(door_end - i + b->households[i].b);
        dc_err rc = write_household(b, (uint32_t)i, &b->in->households[i], door, val);
        if (rc != DC_OK) return rc;
        if ((i + 1) % DC_PROGRESS_STEP == 0) dc_build_progress(b, "write", i + 1, n);
    }
    dc_err rc = flush_page(b);
    return rc == DC_OK ? flush_segment(b) : rc;
}
