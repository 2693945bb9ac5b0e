/*
 * csv.h - a streaming RFC 4180 reader and writer, private to the batch
 * module: find where records end in bytes as they arrive, split a record
 * into fields, write a field quoted when it must be.
 */
#ifndef DC_CSV_H
#define DC_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* How a record's line ends. */
enum { DC_CSV_EOL_NONE = 0, DC_CSV_EOL_LF = 1, DC_CSV_EOL_CRLF = 2, DC_CSV_EOL_CR = 3 };

/* The bytes of a line ending, and their count. */
const char *dc_csv_eol_bytes(int eol);
size_t dc_csv_eol_len(int eol);

/*
 * Where a scan of one record stands, so that a record cut by the end of
 * the bytes read so far is resumed, not rescanned, once more arrive.
 * Offsets are from the record's first byte. Zero it for each new record.
 */
typedef struct dc_csv_scan {
    size_t scanned;      /* bytes of the record already looked at */
    bool in_quotes;      /* inside a quoted field */
    uint32_t lines;      /* line breaks inside quoted fields so far */
    uint32_t quote_line; /* lines before the open quote (in_quotes) */
} dc_csv_scan;

enum {
    DC_CSV_RECORD = 0,       /* *len and *eol set */
    DC_CSV_MORE = 1,         /* the record goes on past the bytes given */
    DC_CSV_UNTERMINATED = 2, /* end of input inside quotes */
    DC_CSV_END = 3           /* end of input, no record left */
};

/*
 * Scan the record that starts at @p rec, with @p avail bytes available;
 * @p eof when no more will come. A quote opens a quoted field after
 * @p delim or at the record's start; with @p delim 0 (not known yet, for
 * the header) after a comma, semicolon or tab. On DC_CSV_RECORD, *len is
 * the record's length without its line ending and *eol the line ending.
 */
int dc_csv_scan_record(const char *rec, size_t avail, bool eof, char delim,
                       dc_csv_scan *st, size_t *len, int *eol);

/*
 * Step through a record's fields: start with *pos = 0; each call sets
 * [*start, *end) to the field's raw bytes (quotes included) and returns
 * false once there is no field left. A record of 0 bytes has one field.
 */
bool dc_csv_next_field(const char *rec, size_t len, char delim, size_t *pos,
                       size_t *start, size_t *end);

/*
 * The value of a field from its raw bytes: quotes removed and "" made ",
 * text after a closing quote kept. Points into @p raw when nothing needs
 * unescaping, else into @p scratch (which must hold @p n bytes).
 */
const char *dc_csv_value(const char *raw, size_t n, char *scratch, size_t *vlen);

/* True when a value must be quoted to be written with @p delim. */
bool dc_csv_needs_quotes(const char *s, size_t n, char delim);

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
