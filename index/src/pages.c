/*
 * pages.c - the households as pages of records (format 3): finding the
 * segments at open, reading a page, the search for a key, and asking for
 * a search's memory ahead of it.
 *
 * Every read of a page checks what it relies on (the count, the ends of
 * the value it returns), so a damaged page is DC_E_INDEX_CORRUPT, never a
 * read outside the map. Keys or head places out of order give wrong
 * answers, not crashes; dc_index_check finds them.
 */
#include <stdlib.h>

#include "pages.h"

uint32_t dc_page_count(const uint8_t *page)
{
    uint32_t n = (uint32_t)page[0] | (uint32_t)page[1] << 8;
    return n <= DC_PAGE_MAX_RECORDS ? n : 0;
}

static const uint8_t *entry(const uint8_t *page, uint32_t i)
{
    return page + DC_PAGE_HEAD + DC_PAGE_ENTRY * (size_t)i;
}

/* Where the value of entry @p i (below n) ends, and where it starts: at
 * the previous one's end, the first at DC_PAGE_VALUES(n). */
static uint32_t value_end(const uint8_t *page, uint32_t i)
{
    const uint8_t *e = entry(page, i) + DC_HOUSEHOLD_KEY_SIZE;
    return (uint32_t)e[0] | (uint32_t)e[1] << 8;
}

static uint32_t value_start(const uint8_t *page, uint32_t n, uint32_t i)
{
    return i ? value_end(page, i - 1) : DC_PAGE_VALUES(n);
}

dc_err dc_page_record(const uint8_t *page, uint32_t slot, MDB_val *key, MDB_val *val)
{
    uint32_t n = dc_page_count(page);
    if (slot >= n) return DC_E_INDEX_CORRUPT;
    uint32_t start = value_start(page, n, slot), end = value_end(page, slot);
    if (start < DC_PAGE_VALUES(n) || end <= start || end > DC_PAGE_SIZE)
        return DC_E_INDEX_CORRUPT;
    *key = (MDB_val){DC_HOUSEHOLD_KEY_SIZE, (void *)entry(page, slot)};
    *val = (MDB_val){end - start, (void *)(page + start)};
    return DC_OK;
}

/* Keys compare as (BE u64, BE u32): byte order, in two loads. */
static inline int key_cmp(const uint8_t *a, uint64_t place, uint32_t seq)
{
    uint64_t ap = dc_get_be64(a);
    if (ap != place) return ap < place ? -1 : 1;
    uint32_t as = dc_get_be32(a + 8);
    return as < seq ? -1 : as > seq;
}

/* The entries [*lo, *hi] of a page of @p n that can hold the first key at
 * or after @p place (hi == n: none of them, perhaps), from the head's
 * places alone: split j (1..7) is entry n * j / 8, and its place below
 * @p place puts the answer after it, above puts it at or before it. */
static void head_range(const uint8_t *page, uint32_t n, uint64_t place, uint32_t *lo,
                       uint32_t *hi)
{
    uint32_t l = 0, h = n;
    for (uint32_t j = 1; j < DC_PAGE_SPLITS; j++) {
        uint64_t split = dc_get_be64(page + 4 + 8 * (j - 1));
        uint32_t at = n * j / DC_PAGE_SPLITS;
        if (split < place)
            l = at + 1;
        else if (split > place && at < h)
            h = at;
    }
    *lo = l < h ? l : h;
    *hi = h;
}

/* The first entry of [lo, hi) at or after (place, seq); hi if none. */
static uint32_t entries_below(const uint8_t *page, uint32_t lo, uint32_t hi,
                              uint64_t place, uint32_t seq)
{
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (key_cmp(entry(page, mid), place, seq) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Of pages [lo, hi), the last whose fence is at or below the key, given
 * that lo's is. */
static uint32_t last_at_or_below(const struct dc_pages *pg, uint32_t lo, uint32_t hi,
                                 uint64_t place, uint32_t seq)
{
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (key_cmp(dc_pages_fence(pg, mid), place, seq) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The page whose fence is the last at or below the key: the only one that
 * can hold its first record at or after it, unless that is the next
 * page's first. Page 0 when the key is below every fence. Keys looked up
 * in ascending order (a batch's) are near one another: from @p hint, a
 * page at or below the key, the search gallops forward through fences
 * already in cache. */
static uint32_t page_for(const struct dc_pages *pg, uint64_t place, uint32_t seq,
                         uint32_t hint)
{
    if (hint < pg->npages && key_cmp(dc_pages_fence(pg, hint), place, seq) <= 0) {
        uint32_t step = 1, lo = hint;
        while (step <= pg->npages - 1 - lo &&
               key_cmp(dc_pages_fence(pg, lo + step), place, seq) <= 0)
            lo += step, step *= 2;
        uint32_t hi = step <= pg->npages - lo ? lo + step : pg->npages;
        return last_at_or_below(pg, lo, hi, place, seq);
    }
    if (pg->npages == 0 || key_cmp(dc_pages_fence(pg, 0), place, seq) > 0) return 0;
    return last_at_or_below(pg, 0, pg->npages, place, seq);
}

dc_err dc_pages_seek(const struct dc_pages *pg, const uint8_t *key, uint32_t *page,
                     uint32_t *slot)
{
    uint64_t place = dc_get_be64(key);
    uint32_t seq = dc_get_be32(key + 8), lo, hi;
    if (pg->npages == 0) {
        *page = 0, *slot = 0;
        return DC_OK;
    }
    uint32_t p = page_for(pg, place, seq, *page);
    const uint8_t *at = dc_pages_page(pg, p);
    uint32_t n = dc_page_count(at);
    if (n == 0) return DC_E_INDEX_CORRUPT;
    head_range(at, n, place, &lo, &hi);
    uint32_t i = entries_below(at, lo, hi, place, seq);
    if (i == n) /* past this page's last key: the next page's first */
        p++, i = 0;
    *page = p, *slot = i;
    return DC_OK;
}

static void prefetch_range(const uint8_t *from, const uint8_t *to)
{
    for (uintptr_t at = (uintptr_t)from & ~(uintptr_t)63; at < (uintptr_t)to; at += 64)
        __builtin_prefetch((const void *)at);
}

void dc_pages_prefetch(const struct dc_pages *pg, struct dc_pages_ahead *ahead,
                       uint64_t place)
{
    if (pg->npages == 0) return;
    uint32_t now = ahead->next++;
    /* stage 1, this key: its page's head */
    ahead->finger = page_for(pg, place, 0, ahead->finger);
    const uint8_t *page = dc_pages_page(pg, ahead->finger);
    __builtin_prefetch(page);
    ahead->key[now % DC_AHEAD_KEYS].place = place;
    ahead->key[now % DC_AHEAD_KEYS].page = ahead->finger;
    /* stage 2, the key of DC_AHEAD_STAGE calls ago: its head is in cache,
     * and leaves a few entries */
    if (now >= DC_AHEAD_STAGE) {
        struct dc_ahead_key *k = &ahead->key[(now - DC_AHEAD_STAGE) % DC_AHEAD_KEYS];
        page = dc_pages_page(pg, k->page);
        uint32_t n = dc_page_count(page);
        k->lo = k->hi = 0;
        if (n) {
            head_range(page, n, k->place, &k->lo, &k->hi);
            prefetch_range(entry(page, k->lo ? k->lo - 1 : 0),
                           entry(page, k->hi < n ? k->hi + 1 : n));
        }
    }
    /* stage 3, the key of 2 * DC_AHEAD_STAGE calls ago: its entries are in
     * cache, and give its value */
    if (now >= 2 * DC_AHEAD_STAGE) {
        struct dc_ahead_key *k = &ahead->key[(now - 2 * DC_AHEAD_STAGE) % DC_AHEAD_KEYS];
        page = dc_pages_page(pg, k->page);
        uint32_t n = dc_page_count(page);
        if (k->hi > n || k->lo > k->hi) return;
        uint32_t i = entries_below(page, k->lo, k->hi, k->place, 0);
        if (i < n) {
            uint32_t start = value_start(page, n, i), end = value_end(page, i);
            if (start < end && end <= DC_PAGE_SIZE)
                prefetch_range(page + start, page + end);
        } else if (k->page + 1 < pg->npages) {
            __builtin_prefetch(dc_pages_page(pg, k->page + 1));
        }
    }
}

dc_err dc_pages_load(dc_index *idx, dc_error *err)
{
    struct dc_pages *pg = &idx->pages;
    MDB_stat st;
    MDB_cursor *seg = NULL, *fen = NULL;
    MDB_val k, v, fk, fv;
    int rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_HOUSEHOLDS], &st);
    if (rc == 0) rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_HOUSEHOLDS], &seg);
    if (rc == 0) rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_FENCES], &fen);
    if (rc != 0) {
        if (seg) mdb_cursor_close(seg);
        return dc_index_lmdb_error(err, rc, idx->path);
    }
    dc_err e = DC_OK;
    size_t nseg = st.ms_entries;
    pg->seg = malloc((nseg + 1) * sizeof *pg->seg);
    pg->fences = malloc((nseg + 1) * sizeof *pg->fences);
    if (!pg->seg || !pg->fences)
        e = dc_error_set(err, DC_E_NOMEM, "out of memory for pages");
    uint64_t npages = 0;
    int rs = 0, rf = 0;
    for (MDB_cursor_op op = MDB_FIRST; e == DC_OK; op = MDB_NEXT) {
        rs = mdb_cursor_get(seg, &k, &v, op);
        rf = mdb_cursor_get(fen, &fk, &fv, op);
        if (rs != 0 || rf != 0) break;
        uint32_t s = pg->nseg;
        size_t pages = v.mv_size / DC_PAGE_SIZE;
        if (k.mv_size != 4 || dc_get_be32(k.mv_data) != s || s == nseg ||
            fk.mv_size != 4 || dc_get_be32(fk.mv_data) != s)
            e = dc_error_set(err, DC_E_INDEX_CORRUPT,
                             "%s: household segments are not numbered from 0 in "
                             "households and fences",
                             idx->path);
        else if (v.mv_size % DC_PAGE_SIZE || pages == 0 || pages > DC_SEGMENT_PAGES ||
                 (npages % DC_SEGMENT_PAGES) != 0 || fv.mv_size != 12 * pages)
            e = dc_error_set(err, DC_E_INDEX_CORRUPT,
                             "%s: household segment %u has %zu bytes and %zu of fences",
                             idx->path, s, v.mv_size, fv.mv_size);
        else {
            pg->seg[s] = v.mv_data;
            pg->fences[s] = fv.mv_data;
            pg->nseg++;
            npages += pages;
        }
    }
    if (e == DC_OK && (rs == 0 || rf == 0 || pg->nseg != nseg))
        e = dc_error_set(err, DC_E_INDEX_CORRUPT,
                         "%s: households and fences do not hold the same segments",
                         idx->path);
    else if (e == DC_OK && npages > UINT32_MAX / 2)
        e = dc_error_set(err, DC_E_INDEX_CORRUPT, "%s: %llu household pages", idx->path,
                         (unsigned long long)npages);
    mdb_cursor_close(seg);
    mdb_cursor_close(fen);
    pg->npages = (uint32_t)npages;
    return e;
}
