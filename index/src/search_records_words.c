/*
 * search_records_words.c - the records of `search_words` and `search_typos`
 * (docs/FORMAT.md, "The search index") from the numbered entities: each
 * folded word's posting list of entity ids, and under each one-character
 * deletion of a word of DC_TYPO_MIN_CHARS characters or more, the words it
 * comes from. Part of search_records.c's work (search_records_internal.h).
 */
#include <stdlib.h>
#include <string.h>

#include "diachi/strtab.h"
#include "search_postings.h"
#include "search_records.h"
#include "search_records_internal.h"

/* Distinct words, numbered in first use (w->ids), and their byte order. */
typedef struct words {
    dc_strtab *ids;
    uint32_t *rank; /* word id -> rank in byte order */
    uint32_t *by_rank;
    uint64_t *pairs; /* rank << 32 | entity id */
    size_t npairs, cappairs;
} words;

/* A string of a table with its id, to sort by bytes. */
typedef struct ranked {
    const char *ptr;
    size_t len;
    uint32_t id;
} ranked;

static int by_ranked_bytes(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    return dc_search_cmp_bytes(a->ptr, a->len, b->ptr, b->len);
}

/* The ids of @p t's strings in byte order into @p order, and each id's
 * place in it into @p rank (both with room for count + 1). */
static dc_err rank_strings(const dc_strtab *t, uint32_t *order, uint32_t *rank)
{
    uint32_t n = dc_strtab_count(t);
    ranked *v = malloc(((size_t)n + 1) * sizeof *v);
    if (!v) return DC_E_NOMEM;
    for (uint32_t i = 0; i < n; i++) {
        dc_str s = dc_strtab_string(t, i + 1);
        v[i] = (ranked){s.ptr, s.len, i + 1};
    }
    qsort(v, n, sizeof *v, by_ranked_bytes);
    for (uint32_t i = 0; i < n; i++) {
        order[i] = v[i].id;
        rank[v[i].id] = i;
    }
    free(v);
    return DC_OK;
}

static int by_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static dc_err add_pair(words *w, uint64_t pair)
{
    if (w->npairs == w->cappairs) {
        size_t cap = w->cappairs ? 2 * w->cappairs : 4096;
        uint64_t *g = realloc(w->pairs, cap * sizeof *g);
        if (!g) return DC_E_NOMEM;
        w->pairs = g;
        w->cappairs = cap;
    }
    w->pairs[w->npairs++] = pair;
    return DC_OK;
}

/* Every (word, entity) of the proper names; the words ranked by bytes. */
static dc_err gather_words(const entity *ents, size_t nents, words *w)
{
    for (size_t id = 0; id < nents; id++) {
        const entity *e = &ents[id];
        const char *s = e->folded, *end = s + e->folded_len;
        while (s < end) {
            const char *sp = memchr(s, ' ', (size_t)(end - s));
            size_t len = (size_t)((sp ? sp : end) - s);
            uint32_t wid;
            if (len <= DC_SEARCH_MAX_NAME) {
                if (dc_strtab_intern(w->ids, s, len, &wid) != DC_OK) return DC_E_NOMEM;
                if (add_pair(w, (uint64_t)wid << 32 | id) != DC_OK) return DC_E_NOMEM;
            }
            s += len + 1;
        }
    }
    uint32_t n = dc_strtab_count(w->ids);
    w->rank = malloc(((size_t)n + 1) * sizeof *w->rank);
    w->by_rank = malloc(((size_t)n + 1) * sizeof *w->by_rank);
    if (!w->rank || !w->by_rank || rank_strings(w->ids, w->by_rank, w->rank) != DC_OK)
        return DC_E_NOMEM;
    for (size_t i = 0; i < w->npairs; i++)
        w->pairs[i] = (uint64_t)w->rank[w->pairs[i] >> 32] << 32 | (uint32_t)w->pairs[i];
    if (w->npairs) qsort(w->pairs, w->npairs, sizeof *w->pairs, by_u64);
    return DC_OK;
}

static dc_err write_words(words *w, dc_search_emit_fn emit, void *ectx, search_buf *b)
{
    uint32_t *ids = NULL;
    size_t capids = 0;
    dc_err rc = DC_OK;
    for (size_t i = 0, j; rc == DC_OK && i < w->npairs; i = j) {
        uint32_t rank = (uint32_t)(w->pairs[i] >> 32);
        size_t n = 0;
        for (j = i; j < w->npairs && (uint32_t)(w->pairs[j] >> 32) == rank; j++) {
            if (n == capids) {
                capids = capids ? 2 * capids : 256;
                uint32_t *g = realloc(ids, capids * sizeof *g);
                if (!g) {
                    rc = DC_E_NOMEM;
                    break;
                }
                ids = g;
            }
            uint32_t id = (uint32_t)w->pairs[j];
            if (n == 0 || ids[n - 1] != id) ids[n++] = id; /* a word twice in a name */
        }
        if (rc != DC_OK) break;
        b->len = 0;
        uint8_t *q = dc_search_buf_room(b, dc_postings_bound(n));
        if (!q) {
            rc = DC_E_NOMEM;
            break;
        }
        size_t len = dc_postings_encode(ids, n, q);
        dc_str word = dc_strtab_string(w->ids, w->by_rank[rank]);
        rc = emit(ectx, DC_DB_SEARCH_WORDS, word.ptr, word.len, q, len);
    }
    free(ids);
    return rc;
}

/* The bytes of a UTF-8 character starting with @p c. */
static size_t char_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static size_t char_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i += char_len((unsigned char)s[i]))
        n++;
    return n;
}

/* Each one-character deletion of every word of DC_TYPO_MIN_CHARS to
 * DC_TYPO_MAX_CHARS characters, with the word's rank. */
static dc_err gather_typos(words *w, dc_strtab *dels, uint64_t **out, size_t *nout)
{
    uint64_t *pairs = NULL;
    size_t n = 0, cap = 0;
    char variant[DC_SEARCH_MAX_NAME + 1];
    for (uint32_t id = 1; id <= dc_strtab_count(w->ids); id++) {
        dc_str s = dc_strtab_string(w->ids, id);
        size_t chars = char_count(s.ptr, s.len);
        if (chars < DC_TYPO_MIN_CHARS || chars > DC_TYPO_MAX_CHARS) continue;
        for (size_t at = 0; at < s.len; at += char_len((unsigned char)s.ptr[at])) {
            size_t cl = char_len((unsigned char)s.ptr[at]);
            memcpy(variant, s.ptr, at);
            memcpy(variant + at, s.ptr + at + cl, s.len - at - cl);
            uint32_t vid;
            if (dc_strtab_intern(dels, variant, s.len - cl, &vid) != DC_OK) goto nomem;
            if (n == cap) {
                cap = cap ? 2 * cap : 4096;
                uint64_t *g = realloc(pairs, cap * sizeof *g);
                if (!g) goto nomem;
                pairs = g;
            }
            pairs[n++] = (uint64_t)vid << 32 | w->rank[id];
        }
    }
    *out = pairs;
    *nout = n;
    return DC_OK;
nomem:
    free(pairs);
    return DC_E_NOMEM;
}

static dc_err write_typos(words *w, dc_search_emit_fn emit, void *ectx, search_buf *b)
{
    dc_strtab *dels = dc_strtab_open();
    uint64_t *pairs = NULL;
    uint32_t *order = NULL, *rank = NULL;
    size_t n = 0;
    dc_err rc = dels ? gather_typos(w, dels, &pairs, &n) : DC_E_NOMEM;
    uint32_t nd = dc_strtab_count(dels);
    if (rc == DC_OK) {
        order = malloc(((size_t)nd + 1) * sizeof *order);
        rank = malloc(((size_t)nd + 1) * sizeof *rank);
        if (!order || !rank) rc = DC_E_NOMEM;
    }
    if (rc == DC_OK) rc = rank_strings(dels, order, rank);
    if (rc == DC_OK) {
        for (size_t i = 0; i < n; i++)
            pairs[i] = (uint64_t)rank[pairs[i] >> 32] << 32 | (uint32_t)pairs[i];
        if (n) qsort(pairs, n, sizeof *pairs, by_u64);
    }
    for (size_t i = 0, j; rc == DC_OK && i < n; i = j) {
        uint32_t v = (uint32_t)(pairs[i] >> 32);
        b->len = 0;
        for (j = i; rc == DC_OK && j < n && (uint32_t)(pairs[j] >> 32) == v; j++) {
            if (j > i && pairs[j] == pairs[j - 1]) continue; /* "aab": "ab" twice */
            dc_str word = dc_strtab_string(w->ids, w->by_rank[(uint32_t)pairs[j]]);
            uint8_t *q = dc_search_buf_room(b, 1 + word.len);
            if (!q) {
                rc = DC_E_NOMEM;
                break;
            }
            q[0] = (uint8_t)word.len;
            memcpy(q + 1, word.ptr, word.len);
            b->len += 1 + word.len;
        }
        dc_str key = dc_strtab_string(dels, order[v]);
        if (rc == DC_OK)
            rc = emit(ectx, DC_DB_SEARCH_TYPOS, key.ptr, key.len, b->p, b->len);
    }
    free(pairs);
    free(order);
    free(rank);
    dc_strtab_close(dels);
    return rc;
}

dc_err dc_search_records_words(const entity *ents, size_t nents, dc_search_emit_fn emit,
                               void *ectx, search_buf *b)
{
    words w = {.ids = dc_strtab_open()};
    dc_err rc = w.ids ? gather_words(ents, nents, &w) : DC_E_NOMEM;
    if (rc == DC_OK) rc = write_words(&w, emit, ectx, b);
    if (rc == DC_OK) rc = write_typos(&w, emit, ectx, b);
    dc_strtab_close(w.ids);
    free(w.rank);
    free(w.by_rank);
    free(w.pairs);
    return rc;
}
