/*
 * batch_block.c - the rows of a block: looked up in windows, in the order
 * of their locality keys (by a worker), then written in the records'
 * order (by the calling thread).
 */
#include <errno.h>
#include <string.h>

#include "batch_pipeline.h"

/* Sort keys by their bits above the low 16 (a row's place in its window,
 * which stays in order among equal keys: the sort is stable). Returns
 * @p a or @p tmp, whichever holds the result. */
static uint64_t *sort_keys(uint64_t *a, uint64_t *tmp, size_t n)
{
    for (int shift = 16; shift < 64; shift += 8) {
        size_t at[256] = {0};
        for (size_t i = 0; i < n; i++)
            at[a[i] >> shift & 0xFF]++;
        if (at[a[0] >> shift & 0xFF] == n) continue; /* one value: nothing moves */
        for (size_t d = 0, sum = 0; d < 256; d++) {
            size_t c = at[d];
            at[d] = sum, sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[at[a[i] >> shift & 0xFF]++] = a[i];
        uint64_t *t = a;
        a = tmp, tmp = t;
    }
    return a;
}

/* Stable sort of @p a by postcode, through @p tmp: two passes of a radix
 * (postcodes are under 2^17). Returns the one that holds the result. */
static batch_code_row *sort_by_postcode(batch_code_row *a, batch_code_row *tmp, size_t n)
{
    for (int shift = 0; shift < 18; shift += 9) {
        size_t at[512] = {0};
        for (size_t i = 0; i < n; i++)
            at[a[i].code.postcode >> shift & 511]++;
        for (size_t d = 0, sum = 0; d < 512; d++) {
            size_t c = at[d];
            at[d] = sum, sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[at[a[i].code.postcode >> shift & 511]++] = a[i];
        batch_code_row *t = a;
        a = tmp, tmp = t;
    }
    return a;
}

/*
 * The keys of the @p n rows of @p codes (their rows' DC_BATCH_KEY_CODE),
 * into keys[row] (the key above 16 bits, the row below) and their places
 * into orders[row] (UINT64_MAX for none); @p codes + n is room to sort
 * them in. A code's place reads its zone: taken in the order of their
 * postcodes, the zones are read one after another, not at random.
 */
static void code_keys(batch_worker *w, batch_code_row *codes, size_t n, uint64_t *keys,
                      uint64_t *orders)
{
    const batch_code_row *sorted = sort_by_postcode(codes, codes + n, n);
    for (size_t k = 0; k < n; k++) {
        uint32_t row = sorted[k].row;
        uint64_t order;
        bool has = dc_geo_code_order(w->session, &sorted[k].code, &order);
        orders[row] = has ? order : UINT64_MAX;
        keys[row] = (has ? order >> 16 : DC_BATCH_KEY_LAST) << 16 | row;
    }
}

/* A row's appended fields, usually: a window makes room for its rows'
 * at once, which a large window gets in huge pages (see dc_advise_huge). */
#define APPENDED_BYTES 256

/*
 * Records [from, from + n) of @p b: their fields found and their keys
 * taken (dc_batch_row_look), then looked up in the order of their keys,
 * their appended fields kept for emit to write in the records' order.
 * Rows that are neighbours on the ground share index pages, zones and
 * strings, so scattered rows cost much less in key order than as they
 * came.
 */
static dc_err window(batch_worker *w, block *b, size_t from, size_t n)
{
    const record *recs = b->recs + from;
    batch_look *looks = b->looks + from;
    const char *raw = b->raw.p;
    if (!dc_batch_room((void **)&w->keys, &w->keys_cap, 2 * n, sizeof *w->keys,
                       SIZE_MAX) ||
        !dc_batch_room((void **)&w->codes, &w->codes_cap, 2 * n, sizeof *w->codes,
                       SIZE_MAX) ||
        !dc_batch_room((void **)&w->orders, &w->orders_cap, n, sizeof *w->orders,
                       SIZE_MAX) ||
        !dc_buf_reserve(&b->appended, n * APPENDED_BYTES))
        return DC_E_NOMEM;
    uint64_t *order = w->keys, *places = w->orders;
    size_t ncodes = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = DC_BATCH_KEY_LAST;
        if (recs[i].len)
            key = dc_batch_row_look(w, raw + recs[i].start, recs[i].len, &looks[i]);
        else
            looks[i].nfields = 0, looks[i].has_code = false;
        if (key == DC_BATCH_KEY_CODE) /* its key comes with the other codes' */
            w->codes[ncodes++] = (batch_code_row){looks[i].code, (uint32_t)i};
        places[i] = UINT64_MAX;
        order[i] = (key == DC_BATCH_KEY_CODE ? DC_BATCH_KEY_LAST : key) << 16 | i;
    }
    code_keys(w, w->codes, ncodes, order, places);
    const uint64_t *sorted = sort_keys(order, order + n, n);
    /* The places in key order, where the sort is done with its room: read
     * one after another by the loop below, not at random. */
    uint64_t *places_sorted = sorted == order ? order + n : order;
    for (size_t k = 0; k < n; k++)
        places_sorted[k] = places[sorted[k] & 0xFFFF];
    /* Only the looks are visited here, in an order their memory is not:
     * each is asked for PREFETCH_ROWS further ahead than what its lookup
     * reads from the index; the record is read only when a value was too
     * long to hold. */
    for (size_t k = 0; k < n && k < DC_GEO_PREFETCH_AHEAD; k++)
        dc_batch_row_prefetch(w, places_sorted[k]);
    for (size_t k = 0; k < n; k++) {
        size_t i = sorted[k] & 0xFFFF, at = b->appended.len;
        batch_look *look = &looks[i];
        if (k + DC_GEO_PREFETCH_AHEAD + PREFETCH_ROWS < n) {
            const char *ahead =
                (const char *)&looks[sorted[k + DC_GEO_PREFETCH_AHEAD + PREFETCH_ROWS] &
                                     0xFFFF];
            __builtin_prefetch(ahead, 1);
            __builtin_prefetch(ahead + sizeof *looks - 1, 1);
        }
        if (k + DC_GEO_PREFETCH_AHEAD < n)
            dc_batch_row_prefetch(w, places_sorted[k + DC_GEO_PREFETCH_AHEAD]);
        if (look->nfields) {
            bool held = dc_batch_look_held(look);
            dc_err rc = dc_batch_row_lookup(w, held ? NULL : raw + recs[i].start,
                                            held ? 0 : recs[i].len, look, &b->appended,
                                            &b->stats);
            if (rc != DC_OK) return rc;
            if (b->appended.len > UINT32_MAX) return DC_E_NOMEM;
        }
        look->at = (uint32_t)at, look->n = (uint32_t)(b->appended.len - at);
    }
    return DC_OK;
}

/* The largest window: a row's place in it fits the 16 bits sort_keys keeps. */
#define WINDOW_ROWS 65536

void dc_batch_process(batch_worker *w, block *b)
{
    b->appended.len = 0;
    b->err = DC_OK;
    memset(&b->stats, 0, sizeof b->stats);
    if (!dc_batch_room((void **)&b->looks, &b->looks_cap, b->nrecs, sizeof *b->looks,
                       SIZE_MAX)) {
        b->err = DC_E_NOMEM;
        return;
    }
    for (size_t i = b->first; i < b->nrecs && b->err == DC_OK; i += WINDOW_ROWS) {
        size_t n = b->nrecs - i < WINDOW_ROWS ? b->nrecs - i : WINDOW_ROWS;
        b->err = window(w, b, i, n);
    }
}

dc_err dc_batch_write_bytes(FILE *out, const char *p, size_t n, dc_batch_report *rep)
{
    if (n == 0 || fwrite(p, 1, n, out) == n) return DC_OK;
    rep->sys_errno = errno;
    return dc_batch_fail(rep, DC_E_IO, DC_BATCH_WRITE_FAILED, 0,
                         "cannot write the output: %s", strerror(errno));
}

/* Output is put together in pieces of this size and written while they
 * are still in the cache. */
#define WRITE_BYTES (256u << 10)

/* The block's rows to @p out, in order, through @p chunk; its counts to the
 * report. */
dc_err dc_batch_emit(const batch_job *job, block *b, dc_buf *chunk, FILE *out,
                     dc_batch_report *rep)
{
    if (b->err == DC_E_NOMEM)
        return dc_batch_fail(rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 0, "out of memory");
    if (b->err != DC_OK)
        return dc_batch_fail(rep, b->err, DC_BATCH_INDEX_FAILED, 0,
                             "the index cannot answer: %s (%s)", dc_strerror(b->err),
                             dc_err_name(b->err));
    dc_err rc = DC_OK;
    chunk->len = 0;
    for (size_t i = b->first; i < b->nrecs && rc == DC_OK; i++) {
        const record *r = &b->recs[i];
        bool ok;
        if (i + PREFETCH_ROWS < b->nrecs) { /* appended fields lie in key order */
            const char *ahead = b->appended.p + b->looks[i + PREFETCH_ROWS].at;
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 64);
            __builtin_prefetch(ahead + 128);
        }
        if (r->len == 0) { /* an empty line stays one */
            size_t n = dc_csv_eol_len(r->eol);
            ok = dc_buf_reserve(chunk, n);
            if (ok) dc_buf_put(chunk, dc_csv_eol_bytes(r->eol), n);
            b->stats.empty_lines++;
        } else {
            ok = dc_batch_row_write(job, b->raw.p + r->start, r->len, r->eol,
                                    &b->looks[i], b->appended.p, chunk);
        }
        if (!ok)
            rc = dc_batch_fail(rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 0,
                               "out of memory");
        else if (chunk->len >= WRITE_BYTES || i + 1 == b->nrecs)
            rc = dc_batch_write_bytes(out, chunk->p, chunk->len, rep), chunk->len = 0;
    }
    if (rc != DC_OK) return rc;
    dc_batch_stats *s = &rep->stats;
    s->rows += b->stats.rows;
    for (int i = 0; i < DC_BATCH_NSTATUS; i++)
        s->by_status[i] += b->stats.by_status[i];
    s->ragged += b->stats.ragged;
    s->empty_lines += b->stats.empty_lines;
    return DC_OK;
}
