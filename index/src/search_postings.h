/*
 * search_postings.h - the bytes of the search databases that the writer,
 * the reader and the checker share (docs/FORMAT.md, "The search index"):
 * unsigned varints, and posting lists of entity ids, delta-encoded in
 * blocks of DC_POSTINGS_BLOCK with a skip table ahead of them, so that an
 * intersection can jump over the blocks it does not need. Internal to
 * dc_index; the reader's cursor (dc_postings) is public, in
 * diachi/search_index.h.
 */
#ifndef DC_SEARCH_POSTINGS_H
#define DC_SEARCH_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "diachi/search_index.h"
#include "index_internal.h"

/* Ids in a block of a posting list: the first as itself, the rest as the
 * difference from the one before. */
#define DC_POSTINGS_BLOCK 64u
/* A skip entry: u32 LE first id of the block, u32 LE offset of the block
 * from the first byte of the blocks. */
#define DC_POSTINGS_SKIP 8u
/* The bytes a posting list of @p ids (ascending, distinct, @p n >= 1)
 * takes at most: its count, its skip table, five bytes an id. */
static inline size_t dc_postings_bound(size_t n)
{
    return DC_VARINT_MAX + (n / DC_POSTINGS_BLOCK + 1) * DC_POSTINGS_SKIP +
           n * DC_VARINT_MAX;
}

/* Encode @p n ids (ascending, distinct, n >= 1) at @p out, which holds
 * dc_postings_bound(n) bytes; the bytes written. */
size_t dc_postings_encode(const uint32_t *ids, size_t n, uint8_t *out);

/* A cursor at the start of the posting list that is the value @p val of
 * @p len bytes: DC_OK, or DC_E_INDEX_CORRUPT when its count or skip table
 * does not fit it. */
dc_err dc_postings_open(dc_postings *pl, const void *val, size_t len);

#endif
