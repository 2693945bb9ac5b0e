/*
 * pages.h - the household pages (docs/FORMAT.md `households`, `fences`):
 * found at open, searched by key, asked for ahead of a batch's lookups.
 * The layout's constants and struct dc_pages are index_internal.h's.
 * Internal to dc_index.
 */
#ifndef DC_PAGES_H
#define DC_PAGES_H

#include "index_internal.h"

/* Page @p p, or NULL past the last. */
static inline const uint8_t *dc_pages_page(const struct dc_pages *pg, uint32_t p)
{
    if (p >= pg->npages) return NULL;
    return pg->seg[p / DC_SEGMENT_PAGES] + (size_t)(p % DC_SEGMENT_PAGES) * DC_PAGE_SIZE;
}

/* The fence (first key, 12 bytes) of page @p p, below npages. */
static inline const uint8_t *dc_pages_fence(const struct dc_pages *pg, uint32_t p)
{
    return pg->fences[p / DC_SEGMENT_PAGES] + 12 * (size_t)(p % DC_SEGMENT_PAGES);
}

/* A page's record count; 0 when its header cannot be right. */
uint32_t dc_page_count(const uint8_t *page);

/* The number of record @p slot of a page: its first record's, from the
 * head, and the slot. */
static inline uint32_t dc_page_number(const uint8_t *page, uint32_t slot)
{
    return dc_get_le32(page + DC_PAGE_NUMBER) + slot;
}

/* Record @p slot of a page: its key and value, inside the page.
 * DC_E_INDEX_CORRUPT when the page's count has no such slot or the value's
 * ends leave the page. */
dc_err dc_page_record(const uint8_t *page, uint32_t slot, MDB_val *key, MDB_val *val);

/* The first record whose key is @p key (12 bytes) or more: its page and
 * slot; *page == npages when there is none. *page comes in as a hint: a
 * page the search may start from (the previous result, for keys in
 * ascending order). DC_E_INDEX_CORRUPT for a page whose header cannot be
 * right. */
dc_err dc_pages_seek(const struct dc_pages *pg, const uint8_t *key, uint32_t *page,
                     uint32_t *slot);

/* Ask, without waiting, for what the search of the first record at
 * (@p place, seq 0) will read, in three stages DC_AHEAD_STAGE calls apart:
 * its page's head, then the entries the head leaves, then its value. A
 * caller asks for keys in the order it will look them up, at least
 * DC_AHEAD_KEYS lookups ahead. */
void dc_pages_prefetch(const struct dc_pages *pg, struct dc_pages_ahead *ahead,
                       uint64_t place);

/* Find the segments and fences of @p idx (pinned transaction open). */
dc_err dc_pages_load(dc_index *idx, dc_error *err);

#endif
