/*
 * search_postings.c - posting lists of entity ids (search_postings.h,
 * docs/FORMAT.md "search_words"): encoded by the build, read by a cursor
 * that checks every byte it steps over, so that a damaged list is
 * DC_E_INDEX_CORRUPT for the caller and never a read outside its value.
 */
#include <string.h>

#include "index_internal.h"
#include "search_postings.h"

size_t dc_postings_encode(const uint32_t *ids, size_t n, uint8_t *out)
{
    size_t nskips = (n - 1) / DC_POSTINGS_BLOCK;
    size_t at = dc_varint_put(out, (uint32_t)n);
    uint8_t *skips = out + at, *blocks = skips + nskips * DC_POSTINGS_SKIP, *p = blocks;
    for (size_t i = 0; i < n; i++) {
        if (i % DC_POSTINGS_BLOCK == 0) {
            if (i) {
                uint8_t *s = skips + (i / DC_POSTINGS_BLOCK - 1) * DC_POSTINGS_SKIP;
                dc_put_le32(s, ids[i]);
                dc_put_le32(s + 4, (uint32_t)(p - blocks));
            }
            p += dc_varint_put(p, ids[i]);
        } else {
            p += dc_varint_put(p, ids[i] - ids[i - 1]);
        }
    }
    return (size_t)(p - out);
}

/* The head of a posting list: its count and skip table, checked to lie
 * inside the value. */
dc_err dc_postings_open(dc_postings *pl, const void *val, size_t len)
{
    const uint8_t *p = val, *end = p + len;
    uint32_t n;
    if (dc_varint_get(&p, end, &n) != 0 || n == 0) return DC_E_INDEX_CORRUPT;
    uint32_t nskips = (n - 1) / DC_POSTINGS_BLOCK;
    if ((size_t)(end - p) < (size_t)nskips * DC_POSTINGS_SKIP + 1)
        return DC_E_INDEX_CORRUPT;
    *pl = (dc_postings){.skips = p,
                        .blocks = p + (size_t)nskips * DC_POSTINGS_SKIP,
                        .end = end,
                        .count = n,
                        .nskips = nskips};
    pl->p = pl->blocks;
    return DC_OK;
}

static uint32_t skip_id(const dc_postings *pl, uint32_t k)
{
    return dc_get_le32(pl->skips + (size_t)k * DC_POSTINGS_SKIP);
}

static uint32_t skip_offset(const dc_postings *pl, uint32_t k)
{
    return dc_get_le32(pl->skips + (size_t)k * DC_POSTINGS_SKIP + 4);
}

int dc_postings_next(dc_postings *pl, uint32_t *id)
{
    uint32_t v;
    if (pl->index == pl->count) return pl->p == pl->end ? 0 : -1;
    uint32_t within = pl->index % DC_POSTINGS_BLOCK,
             block = pl->index / DC_POSTINGS_BLOCK;
    if (within == 0 && block > 0 && pl->p != pl->blocks + skip_offset(pl, block - 1))
        return -1;
    if (dc_varint_get(&pl->p, pl->end, &v) != 0) return -1;
    if (within == 0) {
        if ((block > 0 && v != skip_id(pl, block - 1)) || (pl->index > 0 && v <= pl->id))
            return -1;
        pl->id = v;
    } else {
        if (v == 0 || v > UINT32_MAX - pl->id) return -1;
        pl->id += v;
    }
    pl->index++;
    *id = pl->id;
    return 1;
}

/* The last skip entry at or after @p from whose block starts at or below
 * @p target, or -1. */
static int64_t last_skip_at_or_below(const dc_postings *pl, uint32_t from,
                                     uint32_t target)
{
    uint32_t lo = from, hi = pl->nskips;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (skip_id(pl, mid) <= target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > from ? (int64_t)lo - 1 : -1;
}

int dc_postings_seek(dc_postings *pl, uint32_t target, uint32_t *id)
{
    /* The block after the one being read is skip entry `block`. */
    uint32_t block = pl->index ? (pl->index - 1) / DC_POSTINGS_BLOCK : 0;
    if (pl->index == 0 || pl->id < target) {
        int64_t k = last_skip_at_or_below(pl, pl->index ? block : 0, target);
        if (k >= 0 && (uint32_t)(k + 1) * DC_POSTINGS_BLOCK > pl->index) {
            uint32_t offset = skip_offset(pl, (uint32_t)k);
            if (offset >= (size_t)(pl->end - pl->blocks)) return -1;
            pl->p = pl->blocks + offset;
            pl->index = (uint32_t)(k + 1) * DC_POSTINGS_BLOCK;
        }
    }
    int r;
    uint32_t v;
    while ((r = dc_postings_next(pl, &v)) == 1)
        if (v >= target) break;
    if (r == 1) *id = v;
    return r;
}

uint32_t dc_postings_estimate(const dc_postings *pl, uint32_t lo, uint32_t hi)
{
    if (lo >= hi) return 0;
    if (pl->nskips == 0) return pl->count;
    /* block k >= 1 starts at skip k - 1's id, block 0 before skip 0's: the
     * blocks from the one holding lo to the last starting below hi */
    int64_t from = last_skip_at_or_below(pl, 0, lo) + 1;
    int64_t to = last_skip_at_or_below(pl, 0, hi - 1) + 1;
    uint64_t n = (uint64_t)(to - from + 1) * DC_POSTINGS_BLOCK;
    return n < pl->count ? (uint32_t)n : pl->count;
}
