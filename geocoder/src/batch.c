/*
 * batch.c - the batch pipeline. The calling thread reads the input into
 * blocks of whole records (finding record ends is sequential: a quote
 * changes the meaning of every byte after it) and writes finished blocks
 * in order; workers split, look up and format the rows of a block, in the
 * order of their locality keys (window). A fixed number of blocks
 * circulates, so memory stays flat whatever the input size: a block holds
 * at most block_records records and about block_reads reads of bytes, or
 * one record of up to max_record_bytes, and their appended fields.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "batch_decode.h"
#include "batch_row.h"

#define BLOCK_RECORDS 65536
#define READ_BYTES (256u << 10)
/* How many rows ahead a loop over rows in another order than their
 * memory's asks for what it will need. */
#define PREFETCH_ROWS 8
/* A block stops taking reads at this many times read_bytes (fewer beyond
 * 2 threads, as it holds fewer records). */
#define BLOCK_READS 16

const char *dc_batch_problem_name(dc_batch_problem problem)
{
    static const char *const names[] = {"none",
                                        "empty_input",
                                        "no_column",
                                        "ambiguous_column",
                                        "unterminated_quote",
                                        "record_too_long",
                                        "read_failed",
                                        "write_failed",
                                        "index_failed",
                                        "cancelled",
                                        "bad_option",
                                        "out_of_memory",
                                        "bad_encoding"};
    return (unsigned)problem < sizeof names / sizeof names[0] ? names[problem]
                                                              : "unknown";
}

void dc_batch_options_init(dc_batch_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->radius_m = 50;
    opt->threads = 1;
    opt->max_record_bytes = DC_BATCH_MAX_RECORD;
    opt->progress_interval_ms = 250;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct record {
    size_t start, len;
    int eol;
} record;

typedef struct block {
    uint64_t seq;
    dc_buf raw;
    record *recs;
    size_t nrecs, first;        /* records before first were written already */
    batch_look *looks;          /* per record, once looked up */
    dc_buf appended;            /* the records' appended fields, in lookup order */
    size_t recs_cap, looks_cap; /* records each holds */
    dc_batch_stats stats;
    dc_err err;
    bool done;
    struct block *next;
} block;

typedef struct reader {
    FILE *in;
    dc_buf carry; /* the start of a record the last block cut */
    dc_csv_scan scan;
    bool eof, finished;
    bool decoding; /* dec decodes what is read; else it is copied */
    batch_decoder dec;
    bool bom;         /* the input began with a byte-order mark */
    bool sep_checked; /* the first line was looked at for Excel's sep= */
    bool delim_given;
    bool sampling; /* the header's block takes the rows columns are told by */
    char delim;    /* 0 until the header is read, unless given */
    long header;   /* index of the header in the first block, -1 before */
    uint64_t line; /* line of the next record */
    uint64_t bytes_read;
    size_t read_bytes, block_reads, block_records, max_record;
    dc_batch_report *rep;
} reader;

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

/* Room for @p need elements of @p size in *p, which holds *cap: grown by
 * doubling, up to @p most. Blocks start small, for the many small inputs
 * (a CSV posted to the server), and grow to what the input needs. */
static bool room(void **p, size_t *cap, size_t need, size_t size, size_t most)
{
    if (need <= *cap) return true;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    n = n < most ? n : most > need ? most : need;
    void *q = realloc(*p, n * size);
    if (!q) return false;
    *p = q, *cap = n;
    dc_advise_huge(q, n * size);
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
static dc_err fill(reader *r, block *b)
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
        if (!room((void **)&b->recs, &b->recs_cap, b->nrecs + 1, sizeof *b->recs,
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

/* ---- rows and output ------------------------------------------------------ */

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
    if (!room((void **)&w->keys, &w->keys_cap, 2 * n, sizeof *w->keys, SIZE_MAX) ||
        !dc_buf_reserve(&b->appended, n * APPENDED_BYTES))
        return DC_E_NOMEM;
    uint64_t *order = w->keys;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = DC_BATCH_KEY_LAST;
        if (recs[i].len)
            key = dc_batch_row_look(w, raw + recs[i].start, recs[i].len, &looks[i]);
        else
            looks[i].nfields = 0, looks[i].has_order = false;
        order[i] = key << 16 | i;
    }
    const uint64_t *sorted = sort_keys(order, order + n, n);
    /* Only the looks are visited here, in an order their memory is not:
     * each is asked for PREFETCH_ROWS further ahead than what its lookup
     * reads from the index; the record is read only when a value was too
     * long to hold. */
    for (size_t k = 0; k < n && k < DC_GEO_PREFETCH_AHEAD; k++)
        dc_batch_row_prefetch(w, &looks[sorted[k] & 0xFFFF]);
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
            dc_batch_row_prefetch(w, &looks[sorted[k + DC_GEO_PREFETCH_AHEAD] & 0xFFFF]);
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

static void process(batch_worker *w, block *b)
{
    b->appended.len = 0;
    b->err = DC_OK;
    memset(&b->stats, 0, sizeof b->stats);
    if (!room((void **)&b->looks, &b->looks_cap, b->nrecs, sizeof *b->looks, SIZE_MAX)) {
        b->err = DC_E_NOMEM;
        return;
    }
    for (size_t i = b->first; i < b->nrecs && b->err == DC_OK; i += WINDOW_ROWS) {
        size_t n = b->nrecs - i < WINDOW_ROWS ? b->nrecs - i : WINDOW_ROWS;
        b->err = window(w, b, i, n);
    }
}

static dc_err write_bytes(FILE *out, const char *p, size_t n, dc_batch_report *rep)
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
static dc_err emit(const batch_job *job, block *b, dc_buf *chunk, FILE *out,
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
            rc = write_bytes(out, chunk->p, chunk->len, rep), chunk->len = 0;
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

/* ---- the header ------------------------------------------------------------ */

static size_t count_fields(const char *rec, size_t len, char delim)
{
    size_t pos = 0, start, end, n = 0;
    while (dc_csv_next_field(rec, len, delim, &pos, &start, &end))
        n++;
    return n;
}

/* The header row: the header's bytes, then the appended column names
 * (each after a delimiter, with a prefix where the header has the name). */
static dc_err write_header(const record *h, const char *raw, const batch_job *job,
                           FILE *out, dc_batch_report *rep)
{
    dc_buf line = {0};
    bool ok = dc_buf_reserve(&line, h->len);
    if (ok) {
        dc_buf_put(&line, raw + h->start, h->len);
        ok = dc_batch_appended_names(raw + h->start, h->len, job->delim, job->mode,
                                     &line) == DC_OK;
    }
    const char *eol = dc_csv_eol_bytes(h->eol ? h->eol : job->default_eol);
    if (ok && (ok = dc_buf_reserve(&line, strlen(eol))))
        dc_buf_put(&line, eol, strlen(eol));
    dc_err rc =
        ok ? write_bytes(out, line.p, line.len, rep)
           : dc_batch_fail(rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 1, "out of memory");
    dc_buf_free(&line);
    return rc;
}

/* Read up to the header: the byte-order mark, and the empty lines and
 * Excel's sep= line before it go out as they came. Leaves the header's
 * block in @p b. */
static dc_err find_header(reader *r, block *b, bool bom, FILE *out, dc_batch_report *rep)
{
    dc_err rc = bom ? write_bytes(out, "\xEF\xBB\xBF", 3, rep) : DC_OK;
    while (rc == DC_OK) {
        if ((rc = fill(r, b)) != DC_OK) break;
        size_t upto = r->header >= 0 ? (size_t)r->header : b->nrecs;
        for (size_t i = 0; rc == DC_OK && i < upto; i++) {
            const record *e = &b->recs[i];
            rc = write_bytes(out, b->raw.p + e->start, e->len, rep);
            if (rc == DC_OK)
                rc = write_bytes(out, dc_csv_eol_bytes(e->eol), dc_csv_eol_len(e->eol),
                                 rep);
            rep->stats.empty_lines += e->len == 0;
        }
        if (r->header >= 0) break;
        if (r->finished)
            return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_EMPTY_INPUT, 0,
                                 "the input is empty: no header row");
    }
    return rc;
}

/* From the header: the mode, the columns, and the header row out. */
static dc_err start(reader *r, block *b, const dc_batch_options *opt, batch_job *job,
                    FILE *out, dc_batch_report *rep)
{
    const record *h = &b->recs[r->header];
    const char *rec = b->raw.p + h->start;
    rep->delimiter = r->delim;
    dc_batch_sample rows = {.n = 0};
    for (size_t i = (size_t)r->header + 1; i < b->nrecs && rows.n < DC_BATCH_SAMPLE_ROWS;
         i++)
        if (b->recs[i].len) {
            rows.rec[rows.n] = b->raw.p + b->recs[i].start;
            rows.len[rows.n++] = b->recs[i].len;
        }
    dc_err rc = dc_batch_find_columns(rec, h->len, r->delim, &rows, opt, rep);
    r->sampling = false;
    if (rc != DC_OK) return rc;
    *job = (batch_job){
        rep->mode, r->delim, rep->code_field, rep->lat_field, rep->lon_field,
        count_fields(rec, h->len, r->delim), h->eol ? h->eol : DC_CSV_EOL_LF,
        opt->radius_m,
        /* the characters of status names, codes and numbers */
        !strchr("_abcdefghijklmnopqrstuvwxyz 0123456789+-.CFGHJMPQRVWX", r->delim)};
    b->first = (size_t)r->header + 1;
    return write_header(h, b->raw.p, job, out, rep);
}

/* ---- running ------------------------------------------------------------- */

typedef struct run {
    reader rd;
    batch_job job;
    const dc_batch_options *opt;
    FILE *out;
    dc_batch_report *rep;
    struct timespec last_progress;
    /* threads */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    block *todo, *todo_tail;
    bool stop;
    dc_buf chunk; /* output being put together, in the calling thread */
} run;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Between blocks, in the calling thread: progress, and a cancel. */
static dc_err between_blocks(run *ru)
{
    const dc_batch_options *o = ru->opt;
    if (o->cancel && *o->cancel)
        return dc_batch_fail(ru->rep, DC_E_REJECTED, DC_BATCH_CANCELLED, ru->rd.line,
                             "cancelled at line %llu", (unsigned long long)ru->rd.line);
    if (o->progress &&
        seconds_since(&ru->last_progress) * 1000 >= o->progress_interval_ms) {
        ru->rep->stats.bytes_read = ru->rd.bytes_read;
        o->progress(o->progress_ctx, &ru->rep->stats);
        clock_gettime(CLOCK_MONOTONIC, &ru->last_progress);
    }
    return DC_OK;
}

static dc_err run_one_thread(run *ru, block *b, batch_worker *w)
{
    for (;;) {
        process(w, b);
        dc_err rc = emit(&ru->job, b, &ru->chunk, ru->out, ru->rep);
        if (rc == DC_OK) rc = between_blocks(ru);
        if (rc != DC_OK || ru->rd.finished) return rc;
        if ((rc = fill(&ru->rd, b)) != DC_OK) return rc;
    }
}

/* A lookup thread: its worker state and the run it serves. */
typedef struct thread {
    batch_worker w;
    run *ru;
    pthread_t id;
    bool started;
} thread;

static void *worker_main(void *arg)
{
    thread *t = arg;
    batch_worker *w = &t->w;
    run *ru = t->ru;
    pthread_mutex_lock(&ru->mu);
    for (;;) {
        while (!ru->todo && !ru->stop)
            pthread_cond_wait(&ru->work, &ru->mu);
        if (ru->stop) break;
        block *b = ru->todo;
        ru->todo = b->next;
        pthread_mutex_unlock(&ru->mu);
        process(w, b);
        pthread_mutex_lock(&ru->mu);
        b->done = true;
        pthread_cond_signal(&ru->done);
    }
    pthread_mutex_unlock(&ru->mu);
    return NULL;
}

/* Blocks go out in the order they were read; ring[seq % nblocks] is the
 * block of sequence number seq while it is in flight. */
static dc_err run_threads(run *ru, block *blocks, size_t nblocks)
{
    block **ring = calloc(nblocks, sizeof *ring), *free_list = NULL;
    if (!ring)
        return dc_batch_fail(ru->rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 0,
                             "out of memory");
    for (size_t i = nblocks; i-- > 1;)
        blocks[i].next = free_list, free_list = &blocks[i];
    uint64_t next_seq = 0, next_out = 0;
    dc_err rc = DC_OK;
    block *b = &blocks[0]; /* filled: the header's */
    pthread_mutex_lock(&ru->mu);
    for (;;) {
        if (b) { /* hand a filled block to the workers */
            b->seq = next_seq++, b->done = false, b->next = NULL;
            ring[b->seq % nblocks] = b;
            if (ru->todo)
                ru->todo_tail->next = b;
            else
                ru->todo = b;
            ru->todo_tail = b;
            pthread_cond_signal(&ru->work);
            b = NULL;
        }
        block *head = next_out < next_seq ? ring[next_out % nblocks] : NULL;
        if (head && head->done) { /* write the oldest, in order */
            pthread_mutex_unlock(&ru->mu);
            rc = emit(&ru->job, head, &ru->chunk, ru->out, ru->rep);
            if (rc == DC_OK) rc = between_blocks(ru);
            pthread_mutex_lock(&ru->mu);
            if (rc != DC_OK) break;
            next_out++;
            head->next = free_list, free_list = head;
        } else if (free_list && !ru->rd.finished) { /* read the next */
            b = free_list, free_list = b->next;
            pthread_mutex_unlock(&ru->mu);
            rc = fill(&ru->rd, b);
            pthread_mutex_lock(&ru->mu);
            if (rc != DC_OK) break;
            if (b->nrecs == 0) b->next = free_list, free_list = b, b = NULL;
        } else if (!head) {
            break; /* all read and written */
        } else {
            pthread_cond_wait(&ru->done, &ru->mu);
        }
    }
    ru->stop = true;
    pthread_cond_broadcast(&ru->work);
    pthread_mutex_unlock(&ru->mu);
    free(ring);
    return rc;
}

/* ---- setup ------------------------------------------------------------------ */

static dc_err check_options(const dc_batch_options *o, dc_batch_report *rep)
{
    const char *bad = NULL;
    batch_decoder probe;
    bool known_encoding = dc_batch_decoder_init(&probe, o->encoding);
    dc_batch_decoder_free(&probe);
    if (o->mode < DC_BATCH_AUTO || o->mode > DC_BATCH_REVERSE)
        bad = "mode is not auto, forward or reverse";
    else if (o->delimiter == '"' || o->delimiter == '\r' || o->delimiter == '\n')
        bad = "the delimiter cannot be a quote or a line break";
    else if (!(o->radius_m >= 0 && o->radius_m <= DC_GEO_MAX_RADIUS_M))
        bad = "the radius is not in 0..1000 m";
    else if (o->threads < 1 || o->threads > DC_BATCH_MAX_THREADS)
        bad = "threads is not in 1..64";
    else if (o->max_record_bytes < 1 || o->max_record_bytes > UINT32_MAX)
        bad = "the longest record is not in 1 byte..4 GiB";
    else if (o->code_column_number > INT32_MAX || o->lat_column_number > INT32_MAX ||
             o->lon_column_number > INT32_MAX)
        bad = "a column number is too large";
    else if (!known_encoding)
        return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_BAD_OPTION, 0,
                             "unknown encoding \"%s\" (UTF-8, CP1258, TCVN3, UTF-16LE, "
                             "UTF-16BE)",
                             o->encoding);
    if (!bad) return DC_OK;
    return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_BAD_OPTION, 0, "%s", bad);
}

static void free_blocks(block *blocks, size_t n)
{
    for (size_t i = 0; blocks && i < n; i++) {
        dc_buf_free(&blocks[i].raw);
        dc_buf_free(&blocks[i].appended);
        free(blocks[i].recs);
        free(blocks[i].looks);
    }
    free(blocks);
}

static dc_err begin_worker(dc_geo *geo, const batch_job *job, batch_worker *w)
{
    w->job = job;
    w->forward = malloc(sizeof *w->forward);
    w->reverse = malloc(sizeof *w->reverse);
    if (!w->forward || !w->reverse) return DC_E_NOMEM;
    return dc_geo_session_begin(geo, &w->session);
}

static void end_worker(batch_worker *w)
{
    dc_geo_session_end(w->session);
    free(w->forward);
    free(w->reverse);
    dc_buf_free(&w->scratch);
    free(w->keys);
}

/*
 * The input's first bytes: a byte-order mark is taken off (a UTF-8 one
 * means UTF-8, a UTF-16 one UTF-16, whatever the options said) and the
 * other bytes wait, in the carry when they are copied, in the decoder
 * when they are decoded. False when out of memory.
 */
static bool start_input(reader *r, const char *encoding)
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

static dc_err run_workers(run *ru, dc_geo *geo, block *blocks, size_t nblocks)
{
    unsigned n = ru->opt->threads;
    thread *t = calloc(n, sizeof *t);
    if (!t)
        return dc_batch_fail(ru->rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 0,
                             "out of memory");
    dc_err rc = DC_OK;
    for (unsigned i = 0; i < n && rc == DC_OK; i++) {
        t[i].ru = ru;
        rc = begin_worker(geo, &ru->job, &t[i].w);
        if (rc == DC_OK && n > 1) {
            t[i].started = pthread_create(&t[i].id, NULL, worker_main, &t[i]) == 0;
            if (!t[i].started) rc = DC_E_NOMEM;
        }
    }
    if (rc != DC_OK) {
        ru->stop = true;
        pthread_cond_broadcast(&ru->work);
        dc_batch_fail(ru->rep, rc,
                      rc == DC_E_NOMEM ? DC_BATCH_OUT_OF_MEMORY : DC_BATCH_INDEX_FAILED,
                      0, "cannot start the lookups: %s", dc_strerror(rc));
    } else if (n == 1) {
        rc = run_one_thread(ru, &blocks[0], &t[0].w);
    } else {
        rc = run_threads(ru, blocks, nblocks);
    }
    for (unsigned i = 0; i < n; i++) {
        if (t[i].started) pthread_join(t[i].id, NULL);
        end_worker(&t[i].w);
    }
    free(t);
    return rc;
}

dc_err dc_batch_run(dc_geo *geo, FILE *in, FILE *out, const dc_batch_options *opt,
                    dc_batch_report *rep)
{
    if (!rep) return DC_E_INVALID_ARG;
    memset(rep, 0, sizeof *rep);
    rep->code_field = rep->lat_field = rep->lon_field = -1;
    dc_batch_options defaults;
    if (!opt) dc_batch_options_init(&defaults), opt = &defaults;
    if (!geo || !in || !out)
        return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_BAD_OPTION, 0,
                             "no index, input or output");
    dc_err rc = check_options(opt, rep);
    if (rc != DC_OK) return rc;
    run ru = {.opt = opt, .out = out, .rep = rep};
    reader *r = &ru.rd;
    *r = (reader){.in = in, .delim = opt->delimiter, .header = -1, .line = 1, .rep = rep};
    r->read_bytes = opt->read_bytes ? opt->read_bytes : READ_BYTES;
    /* one block being read, one being written, one per worker; the more
     * workers, the smaller the blocks, so memory does not grow with them */
    size_t nblocks = opt->threads == 1 ? 1 : (size_t)opt->threads + 2;
    r->block_records = opt->block_records ? opt->block_records
                       : nblocks <= 4     ? BLOCK_RECORDS
                                          : 4 * BLOCK_RECORDS / nblocks;
    r->block_reads = nblocks <= 4 ? BLOCK_READS : 4 * BLOCK_READS / nblocks;
    r->block_reads = r->block_reads > 2 ? r->block_reads : 2;
    r->max_record = opt->max_record_bytes;
    block *blocks = calloc(nblocks, sizeof *blocks);
    pthread_mutex_init(&ru.mu, NULL);
    pthread_cond_init(&ru.work, NULL);
    pthread_cond_init(&ru.done, NULL);
    clock_gettime(CLOCK_MONOTONIC, &ru.last_progress);
    if (!blocks) {
        rc = dc_batch_fail(rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 0, "out of memory");
        goto done;
    }
    r->delim_given = opt->delimiter != 0;
    r->sampling = true;
    if (!start_input(r, opt->encoding)) {
        rc = dc_batch_fail(rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 0, "out of memory");
        goto done;
    }
    rc = find_header(r, &blocks[0], r->bom || opt->bom, out, rep);
    if (rc != DC_OK) goto done;
    if ((rc = start(r, &blocks[0], opt, &ru.job, out, rep)) != DC_OK) goto done;
    rc = run_workers(&ru, geo, blocks, nblocks);
    if (rc == DC_OK && fflush(out) != 0) {
        rep->sys_errno = errno;
        rc = dc_batch_fail(rep, DC_E_IO, DC_BATCH_WRITE_FAILED, 0,
                           "cannot write the output: %s", strerror(errno));
    }
done:
    rep->stats.bytes_read = r->bytes_read;
    if (rc == DC_OK && opt->progress) opt->progress(opt->progress_ctx, &rep->stats);
    pthread_cond_destroy(&ru.work);
    pthread_cond_destroy(&ru.done);
    pthread_mutex_destroy(&ru.mu);
    free_blocks(blocks, nblocks);
    dc_batch_decoder_free(&r->dec);
    dc_buf_free(&r->carry);
    dc_buf_free(&ru.chunk);
    return rc;
}
