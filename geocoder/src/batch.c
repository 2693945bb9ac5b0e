/*
 * batch.c - a batch run (dc_batch_run): the options checked, the input
 * read up to its header, the mode and the columns chosen from it, the
 * header row written, then the rows handed to the pipeline
 * (batch_pipeline.h) with block sizes that keep memory flat.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "batch_pipeline.h"

#define BLOCK_RECORDS 65536
#define READ_BYTES (256u << 10)
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
                                     job->convert, &line) == DC_OK;
    }
    const char *eol = dc_csv_eol_bytes(h->eol ? h->eol : job->default_eol);
    if (ok && (ok = dc_buf_reserve(&line, strlen(eol))))
        dc_buf_put(&line, eol, strlen(eol));
    dc_err rc =
        ok ? dc_batch_write_bytes(out, line.p, line.len, rep)
           : dc_batch_fail(rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 1, "out of memory");
    dc_buf_free(&line);
    return rc;
}

/* Read up to the header: the byte-order mark, and the empty lines and
 * Excel's sep= line before it go out as they came. Leaves the header's
 * block in @p b. */
static dc_err find_header(reader *r, block *b, bool bom, FILE *out, dc_batch_report *rep)
{
    dc_err rc = bom ? dc_batch_write_bytes(out, "\xEF\xBB\xBF", 3, rep) : DC_OK;
    while (rc == DC_OK) {
        if ((rc = dc_batch_fill(r, b)) != DC_OK) break;
        size_t upto = r->header >= 0 ? (size_t)r->header : b->nrecs;
        for (size_t i = 0; rc == DC_OK && i < upto; i++) {
            const record *e = &b->recs[i];
            rc = dc_batch_write_bytes(out, b->raw.p + e->start, e->len, rep);
            if (rc == DC_OK)
                rc = dc_batch_write_bytes(out, dc_csv_eol_bytes(e->eol),
                                          dc_csv_eol_len(e->eol), rep);
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
        .mode = rep->mode,
        .delim = r->delim,
        .code_field = rep->code_field,
        .lat_field = rep->lat_field,
        .lon_field = rep->lon_field,
        .address_field = rep->address_field,
        .header_fields = count_fields(rec, h->len, r->delim),
        .default_eol = h->eol ? h->eol : DC_CSV_EOL_LF,
        .radius_m = opt->radius_m,
        /* the characters of status and match names, codes and numbers */
        .plain =
            !strchr("_abcdefghijklmnopqrstuvwxyz 0123456789+-.CFGHJMPQRVWX", r->delim),
        .near = opt->near,
        .near_lat = opt->near_lat,
        .near_lon = opt->near_lon,
        .convert = opt->convert};
    rep->convert = opt->convert;
    b->first = (size_t)r->header + 1;
    return write_header(h, b->raw.p, job, out, rep);
}

static dc_err check_options(const dc_batch_options *o, dc_batch_report *rep)
{
    const char *bad = NULL;
    batch_decoder probe;
    bool known_encoding = dc_batch_decoder_init(&probe, o->encoding);
    dc_batch_decoder_free(&probe);
    bool address = o->address_column || o->address_column_number;
    if (o->mode < DC_BATCH_AUTO || o->mode > DC_BATCH_ADDRESS)
        bad = "mode is not auto, forward, reverse or address";
    else if ((o->mode == DC_BATCH_ADDRESS) != address && (o->mode != DC_BATCH_AUTO))
        bad = "an address column goes with address mode, and address mode with one";
    else if (address && (o->lat_column || o->lon_column || o->lat_column_number ||
                         o->lon_column_number))
        bad = "an address column does not go with lat and lon columns";
    else if (o->convert &&
             (o->mode == DC_BATCH_REVERSE || o->lat_column || o->lon_column ||
              o->lat_column_number || o->lon_column_number))
        bad = "convert reads codes (and addresses), not lat and lon columns";
    else if (o->near && !(fabs(o->near_lat) <= 90 && fabs(o->near_lon) <= 180))
        bad = "the near point is not in -90..90, -180..180";
    else if (o->delimiter == '"' || o->delimiter == '\r' || o->delimiter == '\n')
        bad = "the delimiter cannot be a quote or a line break";
    else if (!(o->radius_m >= 0 && o->radius_m <= DC_GEO_MAX_RADIUS_M))
        bad = "the radius is not in 0..1000 m";
    else if (o->threads < 1 || o->threads > DC_BATCH_MAX_THREADS)
        bad = "threads is not in 1..64";
    else if (o->max_record_bytes < 1 || o->max_record_bytes > UINT32_MAX)
        bad = "the longest record is not in 1 byte..4 GiB";
    else if (o->code_column_number > INT32_MAX || o->lat_column_number > INT32_MAX ||
             o->lon_column_number > INT32_MAX || o->address_column_number > INT32_MAX)
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

dc_err dc_batch_run(dc_geo *geo, FILE *in, FILE *out, const dc_batch_options *opt,
                    dc_batch_report *rep)
{
    if (!rep) return DC_E_INVALID_ARG;
    memset(rep, 0, sizeof *rep);
    rep->code_field = rep->lat_field = rep->lon_field = rep->address_field = -1;
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
    if (!dc_batch_start_input(r, opt->encoding)) {
        rc = dc_batch_fail(rep, DC_E_NOMEM, DC_BATCH_OUT_OF_MEMORY, 0, "out of memory");
        goto done;
    }
    rc = find_header(r, &blocks[0], r->bom || opt->bom, out, rep);
    if (rc != DC_OK) goto done;
    if ((rc = start(r, &blocks[0], opt, &ru.job, out, rep)) != DC_OK) goto done;
    rc = dc_batch_run_workers(&ru, geo, blocks, nblocks);
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
