/*
 * http_batch.c - POST /v1/batch: a JSON array of codes, points and addresses, its
 * answer streamed a slice at a time (each item answered by
 * http_batch_items.c); a CSV body, or a form's CSV file, run as diachi batch
 * runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diachi/batch.h"
#include "http_batch.h"
#include "http_batch_items.h"
#include "http_form.h"
#include "http_query.h"
#include "http_reply.h"

/* A JSON batch past --max-batch items or --max-batch-results households
 * is refused before any lookup; then its records are charged to the
 * client's rate limit. True with *ret the answer when refused. */
static bool batch_refused(struct MHD_Connection *c, dc_request *req, json_t *items,
                          dc_generation *gen, enum MHD_Result *ret)
{
    const dc_http_config *cfg = &req->srv->config;
    size_t n = json_array_size(items);
    uint64_t results = 0;
    char message[256];
    for (size_t i = 0; i < n; i++)
        results += dc_http_batch_item_results(json_array_get(items, i));
    if (n > cfg->max_batch) {
        snprintf(message, sizeof message, "%zu items: a batch takes at most %zu", n,
                 cfg->max_batch);
        *ret = dc_http_send_error(c, req, DC_API_TOO_LARGE, message, gen);
        return true;
    }
    if (results > cfg->max_batch_results) {
        snprintf(message, sizeof message,
                 "the items ask for up to %llu households (a code 1, a point its limit): "
                 "a batch answers at most %zu",
                 (unsigned long long)results, cfg->max_batch_results);
        *ret = dc_http_send_error(c, req, DC_API_TOO_MANY_RESULTS, message, gen);
        return true;
    }
    return dc_http_rate_limited(c, req, 0, results, gen, ret);
}

/* A JSON batch's answer is rendered a slice at a time as the client takes
 * it, so that a server answering many large batches holds a few slices,
 * not the answers: the generation, a session and the items are kept for
 * the answer's life and let go in batch_stream_free. It is rendered twice:
 * once to measure it (nothing kept but a slice), so that an answer past
 * --max-batch-bytes, or a lookup that fails, still gets its error status
 * and the answer its Content-Length; then again as it is sent. The
 * session's transaction sees the same index both times, so the two
 * renderings are the same bytes. */
#define BATCH_SLICE (64u << 10)

typedef struct batch_stream {
    dc_generation *gen;
    dc_geo_session *session;
    json_t *items;
    size_t n, next; /* the items, and the next one to render */
    bool convert;   /* convert=1: codes converted to today's */
    bool closed;    /* the closing brackets are written */
    dc_jw w;        /* rendered, not yet taken: buf[taken..len) */
    size_t taken;
    uint64_t size, sent; /* the answer's bytes (measured), and those sent */
} batch_stream;

static void batch_stream_free(void *cls)
{
    batch_stream *bs = cls;
    if (!bs) return;
    json_decref(bs->items);
    dc_geo_session_end(bs->session);
    dc_http_release(bs->gen);
    dc_jw_free(&bs->w);
    free(bs);
}

/* Start the answer anew: the members before the results. */
static void batch_stream_rewind(batch_stream *bs)
{
    dc_jw *w = &bs->w;
    bs->next = 0, bs->closed = false, bs->taken = 0;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_http_fingerprint_member(w, bs->gen);
    dc_jw_key(w, "count");
    dc_jw_int(w, (int64_t)bs->n);
    dc_jw_key(w, "results");
    dc_jw_array(w);
}

/* Render the next item, or the end once there is none. */
static dc_err batch_stream_step(batch_stream *bs, dc_worker *wk)
{
    if (bs->next == bs->n) {
        dc_jw_end(&bs->w);
        dc_jw_end(&bs->w);
        bs->closed = true;
        return DC_OK;
    }
    size_t i = bs->next++;
    return dc_http_batch_item(bs->session, json_array_get(bs->items, i), i, bs->convert,
                              &bs->w, wk);
}

/* Forget the bytes rendered so far but not the writer's nesting: its
 * commas and brackets go on from where it is. */
static void batch_stream_drop(batch_stream *bs)
{
    bs->w.len = 0;
    bs->taken = 0;
}

/* The first rendering: the answer's size, or *stopped the item at which it
 * passed @p max_bytes (left as it was when it never did). An answer that
 * fits in one slice is left whole in bs->w. */
static dc_err batch_stream_measure(batch_stream *bs, dc_worker *wk, size_t max_bytes,
                                   size_t *stopped)
{
    uint64_t dropped = 0;
    dc_err rc = DC_OK;
    batch_stream_rewind(bs);
    while (!bs->closed && rc == DC_OK) {
        size_t i = bs->next;
        rc = batch_stream_step(bs, wk);
        if (!bs->closed && dropped + bs->w.len > max_bytes) {
            *stopped = i;
            break;
        }
        if (bs->w.len > BATCH_SLICE && !bs->closed) {
            dropped += bs->w.len;
            batch_stream_drop(bs);
        }
    }
    bs->size = dropped + bs->w.len;
    return rc;
}

/* libmicrohttpd asks for the next bytes: a slice is rendered when the
 * last one is taken. A failure now, or bytes that differ in number from
 * the first rendering, can only cut the answer short (its status is
 * sent): libmicrohttpd then closes the connection. */
static ssize_t batch_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    batch_stream *bs = cls;
    if (pos != bs->sent) return MHD_CONTENT_READER_END_WITH_ERROR;
    if (bs->taken == bs->w.len) {
        dc_worker *wk = dc_http_worker();
        dc_err rc = wk ? DC_OK : DC_E_NOMEM;
        batch_stream_drop(bs);
        while (rc == DC_OK && !bs->closed && bs->w.len < BATCH_SLICE)
            rc = batch_stream_step(bs, wk);
        if (rc != DC_OK || dc_jw_failed(&bs->w) ||
            (bs->closed && bs->sent + bs->w.len != bs->size))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = bs->w.len - bs->taken;
    if (n > max) n = max;
    if (n > bs->size - bs->sent) n = (size_t)(bs->size - bs->sent);
    if (n == 0) return MHD_CONTENT_READER_END_WITH_ERROR;
    memcpy(buf, bs->w.buf + bs->taken, n);
    bs->taken += n;
    bs->sent += n;
    return (ssize_t)n;
}

/* The address column, by name or by number (digits only, from 1) as
 * diachi batch --address-column takes it; false for a bad number. */
static bool address_column(const char *given, dc_batch_options *o)
{
    if (!given) return true;
    if (!given[0]) return false;
    if (strspn(given, "0123456789") != strlen(given)) {
        o->address_column = given;
        return true;
    }
    unsigned long n = strtoul(given, NULL, 10);
    if (n < 1 || n > 1000000) return false;
    o->address_column_number = (unsigned)n;
    return true;
}

/* The CSV batch's options from the query: the same as diachi batch's. */
static const char *csv_options(const dc_query *q, dc_batch_options *o)
{
    double radius;
    dc_batch_options_init(o);
    o->code_column = q->value[DC_Q_CODE_COLUMN];
    o->lat_column = q->value[DC_Q_LAT_COLUMN];
    o->lon_column = q->value[DC_Q_LON_COLUMN];
    const char *problem = dc_query_convert(q, &o->convert);
    if (problem) return problem;
    if (!address_column(q->value[DC_Q_ADDRESS_COLUMN], o))
        return "parameter address_column must be a column's name, or its number from 1";
    if (o->convert && o->lat_column)
        return "convert=1 reads codes (and addresses): give code_column or "
               "address_column, not lat_column and lon_column";
    if ((o->address_column || o->address_column_number) && o->lat_column)
        return "give address_column (and code_column), or lat_column and lon_column";
    if (!o->lat_column != !o->lon_column)
        return "parameters lat_column and lon_column go together";
    if (o->code_column && o->lat_column)
        return "give code_column, or lat_column and lon_column";
    const char *d = q->value[DC_Q_DELIMITER];
    if (d && strcmp(d, "tab") == 0)
        o->delimiter = '\t';
    else if (d && strlen(d) == 1 && d[0] != '"' && d[0] != '\r' && d[0] != '\n')
        o->delimiter = d[0];
    else if (d)
        return "parameter delimiter must be one character, or tab";
    if (q->given[DC_Q_RADIUS]) {
        if (!dc_query_number(q->value[DC_Q_RADIUS], 0, DC_GEO_MAX_RADIUS_M, &radius))
            return "parameter radius must be a number of metres in 0..1000";
        o->radius_m = radius;
    }
    return NULL;
}

/* The API error of a CSV batch's problem: 413 for a record past the
 * limit, 500 for the server's own failures, else 400 bad_csv. */
static dc_api_error csv_error(dc_batch_problem problem)
{
    switch (problem) {
    case DC_BATCH_RECORD_TOO_LONG:
        return DC_API_TOO_LARGE;
    case DC_BATCH_INDEX_FAILED:
    case DC_BATCH_OUT_OF_MEMORY:
    case DC_BATCH_WRITE_FAILED:
    case DC_BATCH_READ_FAILED:
    case DC_BATCH_CANCELLED:
        return DC_API_INTERNAL;
    default:
        return DC_API_BAD_CSV;
    }
}

/* A CSV batch's problem, with its name and line beside the error. */
static enum MHD_Result csv_problem(struct MHD_Connection *c, dc_request *req,
                                   const dc_batch_report *rep, dc_generation *gen,
                                   dc_worker *wk)
{
    dc_api_error e = csv_error(rep->problem);
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_http_error_member(w, e, rep->message);
    dc_jw_key(w, "problem");
    dc_jw_cstring(w, dc_batch_problem_name(rep->problem));
    if (rep->line) {
        dc_jw_key(w, "line");
        dc_jw_int(w, (int64_t)rep->line);
    }
    dc_http_fingerprint_member(w, gen);
    dc_jw_end(w);
    return dc_http_send_json(c, req, dc_api_error_status(e), false, w, gen, false);
}

/* The statuses a CSV batch over HTTP can give: codes', points' and
 * addresses'. */
#define CSV_STATUSES DC_BATCH_NSTATUS

/* The headers of a CSV batch's answer: the rows per status
 * (X-Diachi-Count-Ok, X-Diachi-Count-Unknown-Postcode, ...), and for an
 * upload the name to save it under. */
typedef struct csv_headers {
    dc_header h[CSV_STATUSES + 2];
    size_t n;
    char names[CSV_STATUSES][48];
    char values[CSV_STATUSES + 1][24];
    char disposition[DC_FORM_DISPOSITION_SIZE];
} csv_headers;

static void csv_headers_fill(csv_headers *ch, const dc_batch_stats *st,
                             const char *upload)
{
    ch->n = 0;
    snprintf(ch->values[CSV_STATUSES], sizeof ch->values[0], "%llu",
             (unsigned long long)st->rows);
    ch->h[ch->n++] = (dc_header){"X-Diachi-Count-Rows", ch->values[CSV_STATUSES]};
    for (int i = 0; i < CSV_STATUSES; i++) {
        /* "unknown_postcode" -> "Unknown-Postcode" */
        char *name = ch->names[i];
        int n = snprintf(name, sizeof ch->names[i], "X-Diachi-Count-%s",
                         dc_batch_status_name((dc_batch_status)i));
        for (int k = 15, up = 1; k < n; k++) {
            if (name[k] == '_') name[k] = '-';
            if (up && name[k] >= 'a' && name[k] <= 'z') name[k] = (char)(name[k] - 32);
            up = name[k] == '-';
        }
        snprintf(ch->values[i], sizeof ch->values[i], "%llu",
                 (unsigned long long)st->by_status[i]);
        ch->h[ch->n++] = (dc_header){name, ch->values[i]};
    }
    if (upload) {
        dc_form_disposition(upload, ch->disposition, sizeof ch->disposition);
        ch->h[ch->n++] = (dc_header){"Content-Disposition", ch->disposition};
    }
}

/* The CSV batch's options, from the query. */
static const char *csv_query(struct MHD_Connection *c, dc_query *q, dc_batch_options *opt)
{
    if (!dc_query_read(c, q,
                       1u << DC_Q_CODE_COLUMN | 1u << DC_Q_LAT_COLUMN |
                           1u << DC_Q_LON_COLUMN | 1u << DC_Q_DELIMITER |
                           1u << DC_Q_RADIUS | 1u << DC_Q_CONVERT |
                           1u << DC_Q_ADDRESS_COLUMN))
        return q->problem;
    return csv_options(q, opt);
}

/* A CSV (the body, or the file of a form upload named @p upload): the
 * same run as diachi batch (dc_batch_run), in this thread: the service's
 * threads already answer in parallel. */
static enum MHD_Result batch_csv(struct MHD_Connection *c, dc_request *req,
                                 const char *csv, size_t len, const char *upload,
                                 dc_generation *gen, dc_worker *wk)
{
    dc_query q;
    dc_batch_options opt;
    dc_batch_report rep;
    const char *problem = csv_query(c, &q, &opt);
    if (problem) return dc_http_send_error(c, req, DC_API_BAD_PARAMETER, problem, gen);
    char *out = NULL, empty[1] = "";
    size_t out_len = 0;
    FILE *in = fmemopen(len ? (void *)csv : empty, len, "r");
    FILE *o = open_memstream(&out, &out_len);
    if (in && o) dc_batch_run(gen->geo, in, o, &opt, &rep);
    if (in) fclose(in);
    if (o) fclose(o);
    enum MHD_Result ret;
    if (!in || !o) {
        ret = dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    } else if (rep.problem != DC_BATCH_NO_PROBLEM) {
        ret = csv_problem(c, req, &rep, gen, wk);
    } else if (rep.stats.rows > req->srv->config.max_batch) {
        char message[128];
        snprintf(message, sizeof message, "%llu rows: a batch takes at most %zu",
                 (unsigned long long)rep.stats.rows, req->srv->config.max_batch);
        ret = dc_http_send_error(c, req, DC_API_TOO_LARGE, message, gen);
    } else if (out_len > req->srv->config.max_batch_bytes) {
        char message[128];
        snprintf(message, sizeof message,
                 "the answer has %zu bytes: a batch answers at most %zu", out_len,
                 req->srv->config.max_batch_bytes);
        ret = dc_http_send_error(c, req, DC_API_ANSWER_TOO_LARGE, message, gen);
    } else if (!dc_http_rate_limited(c, req, 0, rep.stats.rows, gen, &ret)) {
        /* CSV rows are counted once read: the records are charged then. */
        csv_headers ch;
        csv_headers_fill(&ch, &rep.stats, upload);
        ret = dc_http_send_with(c, req, MHD_HTTP_OK, "text/csv; charset=utf-8", out,
                                out_len, gen, false, ch.h, ch.n);
    }
    free(out);
    return ret;
}

/* multipart/form-data, as a browser's <form enctype="multipart/form-data">
 * sends a file: its one file is the CSV, and the answer comes back as a
 * file to save (Content-Disposition: attachment). */
static enum MHD_Result batch_form(struct MHD_Connection *c, dc_request *req,
                                  const char *type, dc_generation *gen, dc_worker *wk)
{
    dc_form_file file;
    const char *problem =
        dc_form_find_file(type, req->body ? req->body : "", req->body_len, &file);
    if (problem) return dc_http_send_error(c, req, DC_API_BAD_FORM, problem, gen);
    return batch_csv(c, req, file.data, file.len, file.filename, gen, wk);
}

/* Answer a JSON batch's @p items (taken over): measured, then sent whole
 * when it fits in a slice, else streamed. */
static enum MHD_Result batch_answer(struct MHD_Connection *c, dc_request *req,
                                    json_t *items, bool convert, dc_generation *gen,
                                    dc_worker *wk)
{
    size_t max_bytes = req->srv->config.max_batch_bytes, n = json_array_size(items);
    size_t stopped = n;
    char message[256];
    batch_stream *bs = calloc(1, sizeof *bs);
    if (!bs) {
        json_decref(items);
        return dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(DC_E_NOMEM), gen);
    }
    bs->gen = dc_http_hold(gen);
    bs->items = items;
    bs->n = n;
    bs->convert = convert;
    dc_jw_init(&bs->w);
    dc_err rc = dc_geo_session_begin(gen->geo, &bs->session);
    if (rc == DC_OK) rc = batch_stream_measure(bs, wk, max_bytes, &stopped);
    enum MHD_Result ret;
    if (rc != DC_OK) {
        ret = dc_http_send_error(c, req, DC_API_INTERNAL, dc_strerror(rc), gen);
    } else if (stopped < n) {
        snprintf(message, sizeof message,
                 "the answer passed %zu bytes at item %zu of %zu: send fewer items, or "
                 "smaller radius and limit",
                 max_bytes, stopped, n);
        ret = dc_http_send_error(c, req, DC_API_ANSWER_TOO_LARGE, message, gen);
    } else if (dc_jw_failed(&bs->w)) {
        ret = dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    } else if (bs->size == bs->w.len) {
        ret = dc_http_send_json(c, req, MHD_HTTP_OK, false, &bs->w, gen, false);
    } else {
        /* The body is parsed into the items: it is not needed any more. */
        free(req->body);
        req->body = NULL, req->body_len = req->body_cap = 0;
        batch_stream_rewind(bs);
        return dc_http_send_stream(c, req, MHD_HTTP_OK, "application/json", bs->size,
                                   BATCH_SLICE, batch_stream_read, bs, batch_stream_free,
                                   gen);
    }
    batch_stream_free(bs);
    return ret;
}

enum MHD_Result dc_http_batch(struct MHD_Connection *c, dc_request *req,
                              dc_generation *gen, dc_worker *wk)
{
    const char *type =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (dc_query_media_type(type, "text/csv"))
        return batch_csv(c, req, req->body, req->body_len, NULL, gen, wk);
    if (dc_query_media_type(type, "multipart/form-data"))
        return batch_form(c, req, type, gen, wk);
    if (!dc_query_media_type(type, "application/json"))
        return dc_http_send_error(c, req, DC_API_UNSUPPORTED_MEDIA_TYPE,
                                  "send the batch as Content-Type: application/json, "
                                  "text/csv or multipart/form-data",
                                  gen);
    dc_query q;
    bool convert = false;
    const char *problem = dc_query_read(c, &q, 1u << DC_Q_CONVERT)
                              ? dc_query_convert(&q, &convert)
                              : q.problem;
    if (problem) return dc_http_send_error(c, req, DC_API_BAD_PARAMETER, problem, gen);
    json_error_t jerr;
    json_t *items = json_loadb(req->body ? req->body : "", req->body_len, 0, &jerr);
    char message[256];
    if (!items || !json_is_array(items)) {
        if (items)
            snprintf(message, sizeof message, "the body must be a JSON array");
        else
            snprintf(message, sizeof message,
                     "the body is not JSON: %s at line %d, column %d", jerr.text,
                     jerr.line, jerr.column);
        json_decref(items);
        return dc_http_send_error(c, req, DC_API_BAD_JSON, message, gen);
    }
    enum MHD_Result ret;
    if (batch_refused(c, req, items, gen, &ret)) {
        json_decref(items);
        return ret;
    }
    return batch_answer(c, req, items, convert, gen, wk);
}
