/*
 * search_records_internal.h - what search_records.c and
 * search_records_words.c share: the entities as the build numbers them,
 * a growing byte buffer, and the words' records. Internal to dc_index.
 */
#ifndef DC_SEARCH_RECORDS_INTERNAL_H
#define DC_SEARCH_RECORDS_INTERNAL_H

#include <stdlib.h>
#include <string.h>

#include "search_records.h"

/* An entity of the index, before it is numbered. */
typedef struct entity {
    uint8_t kind, word;
    uint8_t flags; /* DC_ENTITY_FORMER: a name of the earlier editions */
    uint8_t lead_len;
    const char *lead; /* the full word taken off (static, the vocabulary's) */
    uint32_t words;
    const char *exact, *folded; /* in r->names */
    uint32_t exact_len, folded_len;
    uint32_t source;    /* places index, zones index, or members index; former:
                           earlier zones index, or former groups index */
    uint32_t tie, tie2; /* the order after the names: postcode, string */
} entity;

typedef struct search_buf {
    uint8_t *p;
    size_t len, cap;
} search_buf;

/* Room for @p n more bytes at the end of @p b; NULL when out of memory. */
static inline uint8_t *dc_search_buf_room(search_buf *b, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *g = realloc(b->p, cap);
        if (!g) return NULL;
        b->p = g;
        b->cap = cap;
    }
    return b->p + b->len;
}

/* Byte order, the shorter first on a common prefix. */
static inline int dc_search_cmp_bytes(const char *a, size_t alen, const char *b,
                                      size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c) return c;
    return (alen > blen) - (alen < blen);
}

/* The records of `search_words` and `search_typos` from the entities in id
 * order, through @p emit, in key order; @p b is scratch. */
dc_err dc_search_records_words(const entity *ents, size_t nents, dc_search_emit_fn emit,
                               void *ectx, search_buf *b);

#endif
