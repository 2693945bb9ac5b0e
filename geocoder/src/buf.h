/*
 * buf.h - the batch's growing byte buffer (buf.c), and a CSV field
 * appended to it quoted as diachi/csv.h quotes, private to dc_batch.
 */
#ifndef DC_BUF_H
#define DC_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "diachi/csv.h"

/* A growing byte buffer. */
typedef struct dc_buf {
    char *p;
    size_t len, cap;
} dc_buf;

/*
 * Ask for the whole 2 MiB pages inside [p, p + n) to be backed by huge
 * pages: a block's buffers are tens of megabytes touched once each, and
 * on a virtual machine a fault per 4 KiB page costs more than filling it.
 * A hint; nothing happens where the system has no such pages.
 */
void dc_advise_huge(void *p, size_t n);

/* Room for @p extra more bytes (see dc_advise_huge); false when out of
 * memory. */
bool dc_buf_reserve(dc_buf *b, size_t extra);
/* Append, the caller having reserved room. Nothing to append may come as
 * (NULL, 0), which memcpy does not allow. */
static inline void dc_buf_put(dc_buf *b, const char *s, size_t n)
{
    if (n == 0) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}
/* Append a field, quoted when needed; reserves room itself. */
bool dc_buf_field(dc_buf *b, const char *s, size_t n, char delim);
void dc_buf_free(dc_buf *b);

#endif
