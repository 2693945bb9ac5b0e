/*
 * batch_read.c - the batch's input read into blocks of whole records.
 * Finding record ends is sequential (a quote changes the meaning of every
 * byte after it), so it is done by one thread, the calling one; a block
 * holds at most block_records records and about block_reads reads of
 * bytes, or one record of up to max_record bytes. The first non-empty
 * record is the header, which fixes the delimiter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "batch_pipeline.h"

static dc_err out_of_memory(reader *r)
{
    return dc_batch_fail(r->rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, r->line,
                         "out of memory reading line %llu", (unsigned long long)r->line);
}

/* Read up to r->read_bytes more of the input onto the end of @p buf; a
 * short read is the end of the input. */
static dc_err read_into(reader *r, dc_buf *buf)
{
    if (!dc_buf_reserve(buf, r->read_bytes)) return out_of_memory(r);
    size_t n = fread(buf->p + buf->len, 1, r->read_bytes, r->in);
    buf->len += n;
    r->bytes_read += n;
    if (n < r->read_bytes && ferror(r->in)) {
        r->rep->sys_errno = errno;
        return dc_batch_fail(r->rep, DC_E_IO, DC_BATCH_READ_FAILED, r->line,
                             "cannot read the input after line %llu: %s",
                             (unsigned long long)r->line, strerror(errno));
    }
    if (n < r->read_bytes) r->eof = true;
    return DC_OK;
}

/* A read to the block, through the decoder when the input needs one: its
 * bytes then wait in it until they can be decoded, and what is decoded
 * goes to the block. */
static dc_err read_more(reader *r, block *b)
{
    if (!r->decoding) return read_into(r, &b->raw);
    dc_err rc = read_into(r, &r->dec.pending);
    if (rc == DC_OK) rc = dc_batch_decode(&r->dec, r->eof, &b->raw, r->rep);
    return rc == DC_E_NOMEM ? out_of_memory(r) : rc;
}

#define HUGE_BYTES ((size_t)2 << 20)

/* @p n bytes on whole huge pages, asked for before they are touched: a
 * realloc would move a large block's 4 KiB pages as they are, and its
 * array (a window's looks, visited in key order) would cost a TLB miss a
 * row. NULL when out of memory. */
static void *huge_room(size_t n)
{
    void *q = NULL;
    if (posix_memalign(&q, HUGE_BYTES, (n + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1)) != 0)
        return NULL;
    dc_advise_huge(q, (n + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1));
    return q;
}

/* Room for @p need elements of @p size in *p, which holds *cap: grown by
 * doubling, up to @p most. Blocks start small, for the many small inputs
 * (a CSV posted to the server), and grow to what the input needs. */
bool dc_batch_room(void **p, size_t *cap, size_t need, size_t size, size_t most)
{
    if (need <= *cap) return true;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    n = n < most ? n : most > need ? most : need;
    void *q;
    if (n * size < HUGE_BYTES) {
        if (!(q = realloc(*p, n * size))) return false;
    } else { /* advised before anything touches it (see huge_room) */
        if (!(q = huge_room(n * size))) return false;
        if (*cap) memcpy(q, *p, *cap * size);
        free(*p);
    }
    *p = q, *cap = n;
    return true;
}

/* Excel's first line "sep=;": the delimiter, and no header. */
static bool is_sep_line(const char *rec, size_t len)
{
    return len == 5 && strncasecmp(rec, "sep=", 4) == 0 && rec[4] != '"';
}

/* A record found: keep it; the first non-empty one is the header, which
 * fixes the delimiter the rest are scanned with (unless it is Excel's
 * sep= line, which fixes it itself). */
static void take(reader *r, block *b, size_t start, size_t len, int eol)
{
    b->recs[b->nrecs++] = (record){start, len, eol};
    r->line += 1 + r->scan.lines;
    memset(&r->scan, 0, sizeof r->scan);
    if (r->header < 0 && len > 0 && !r->sep_checked) {
        r->sep_checked = true;
        if (is_sep_line(b->raw.p + start, len)) {
            if (!r->delim_given) r->delim = b->raw.p[start + 4];
            return;
        }
    }
    if (r->header < 0 && len > 0) {
        r->header = (long)b->nrecs - 1;
        if (!r->delim) r->delim = dc_batch_detect_delimiter(b->raw.p + start, len);
    }
}

static dc_err scan_failure(reader *r, int kind)
{
    if (kind == DC_CSV_UNTERMINATED)
        return dc_batch_fail(r->rep, DC_E_IO, DC_BATCH_UNTERMINATED_QUOTE,
                             r->line + r->scan.quote_line,
                             "line %llu: a quoted field opens here and is never closed",
                             (unsigned long long)(r->line + r->scan.quote_line));
    return dc_batch_fail(
        r->rep, DC_E_IO, DC_BATCH_RECORD_TOO_LONG, r->line,
        "line %llu: a record of more than %zu bytes%s", (unsigned long long)r->line,
        r->max_record,
        r->scan.in_quotes ? " (a quoted field opens there and does not close)" : "");
}

/* True while the header's block lacks the first rows, whose values tell
 * the columns when the header's names do not: it takes them, whatever the
 * block sizes. */
static bool sampling_more(const reader *r, const block *b)
{
    return r->sampling && r->header >= 0 &&
           b->nrecs < (size_t)r->header + 1 + DC_BATCH_SAMPLE_ROWS;
}

/* Fill @p b with the next records: the carried start of one, then reads. */
dc_err dc_batch_fill(reader *r, block *b)
{
    b->nrecs = b->first = 0;
    b->raw.len = 0;
    if (!dc_buf_reserve(&b->raw, r->carry.len + r->read_bytes))
        return dc_batch_fail(r->rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, r->line,
                             "out of memory");
    dc_buf_put(&b->raw, r->carry.p, r->carry.len);
    size_t at = 0;
    while (b->nrecs < r->block_records || sampling_more(r, b)) {
        size_t len;
        if (!dc_batch_room((void **)&b->recs, &b->recs_cap, b->nrecs + 1, sizeof *b->recs,
                           r->block_records))
            return dc_batch_fail(r->rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, r->line,
                                 "out of memory");
        int eol, kind = dc_csv_scan_record(b->raw.p + at, b->raw.len - at, r->eof,
                                           r->delim, &r->scan, &len, &eol);
        if (kind == DC_CSV_RECORD) {
            take(r, b, at, len, eol);
            at += len + dc_csv_eol_len(eol);
            continue;
        }
        if (kind == DC_CSV_END) {
            r->finished = true;
            break;
        }
        if (kind == DC_CSV_UNTERMINATED || b->raw.len - at > r->max_record)
            return scan_failure(r, kind);
        if (b->nrecs > 0 && b->raw.len >= r->block_reads * r->read_bytes &&
            !sampling_more(r, b))
            break; /* full */
        dc_err rc = read_more(r, b);
        if (rc != DC_OK) return rc;
    }
    r->carry.len = 0;
    if (!dc_buf_reserve(&r->carry, b->raw.len - at))
        return dc_batch_fail(r->rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, r->line,
                             "out of memory");
    dc_buf_put(&r->carry, b->raw.p + at, b->raw.len - at);
    return DC_OK;
}

/*
 * The input's first bytes: a byte-order mark is taken off (a UTF-8 one
 * means UTF-8, a UTF-16 one UTF-16, whatever the options said) and the
 * other bytes wait, in the carry when they are copied, in the decoder
 * when they are decoded. False when out of memory.
 */
bool dc_batch_start_input(reader *r, const char *encoding)
{
    unsigned char first[3];
    size_t n = fread(first, 1, 3, r->in), skip = 0;
    r->bytes_read = n;
    if (n < 3) r->eof = true;
    dc_batch_decoder_init(&r->dec, encoding); /* checked by check_options */
    if (n == 3 && memcmp(first, "\xEF\xBB\xBF", 3) == 0) {
        skip = 3;
        if (r->dec.text != BATCH_TEXT_UTF8) {
            dc_batch_decoder_free(&r->dec);
            dc_batch_decoder_init(&r->dec, NULL);
        }
    } else if (n >= 2 &&
               (memcmp(first, "\xFF\xFE", 2) == 0 || memcmp(first, "\xFE\xFF", 2) == 0)) {
        skip = 2;
        dc_batch_decoder_free(&r->dec);
        dc_batch_decoder_init(&r->dec, first[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
    }
    r->bom = skip > 0;
    r->decoding = r->dec.text != BATCH_TEXT_AS_IS;
    dc_buf *keep = r->decoding ? &r->dec.pending : &r->carry;
    if (!dc_buf_reserve(keep, 3)) return false;
    dc_buf_put(keep, (const char *)first + skip, n - skip);
    return true;
}
