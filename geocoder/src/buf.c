/*
 * buf.c - the batch's growing byte buffer (buf.h): blocks of rows are
 * built in it, and their appended fields quoted as diachi/csv.h says.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "buf.h"

bool dc_buf_reserve(dc_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra) return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < extra)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) return false;
    b->p = p;
    b->cap = cap;
    dc_advise_huge(p, cap);
    return true;
}

void dc_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t to = ((uintptr_t)p + n) & ~(huge - 1);
    if (to > from) madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)p, (void)n;
#endif
}

bool dc_buf_field(dc_buf *b, const char *s, size_t n, char delim)
{
    if (!dc_csv_needs_quotes(s, n, delim)) {
        if (!dc_buf_reserve(b, n)) return false;
        dc_buf_put(b, s, n);
        return true;
    }
    if (!dc_buf_reserve(b, 2 * n + 2)) return false;
    b->p[b->len++] = '"';
    for (const char *q; n && (q = memchr(s, '"', n));) { /* up to a quote, doubled */
        size_t k = (size_t)(q - s) + 1;
        dc_buf_put(b, s, k);
        b->p[b->len++] = '"';
        s += k, n -= k;
    }
    dc_buf_put(b, s, n);
    b->p[b->len++] = '"';
    return true;
}

void dc_buf_free(dc_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
