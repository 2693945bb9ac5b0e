/*
 * build_pages.c - household records packed into pages, and pages into
 * segments with their fences (build_pages.h, docs/FORMAT.md `households`).
 */
#include <string.h>

#include "build_pages.h"
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
dc_err dc_build_page_add(dc_builder *b, const uint8_t *key, const uint8_t *val,
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

dc_err dc_build_pages_finish(dc_builder *b)
{
    dc_err rc = flush_page(b);
    return rc == DC_OK ? flush_segment(b) : rc;
}
