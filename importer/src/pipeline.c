/*
 * pipeline.c - reader threads handing batches of households over in order.
 *
 * Each reader takes the next dataset no reader has taken, in list order,
 * reads it whole into its own ring of batches, then takes another. Taking
 * rather than dealing them out (dataset i to reader i mod R) matters: a
 * folder lists zones.shp beside each households.shp, so every other
 * dataset has no household, and one reader would be dealt all the work. A
 * batch holds households of one dataset only, and a dataset's last batch
 * (empty when the dataset ended on a batch boundary or held nothing) says
 * how its read ended. The consumer takes dataset 0's batches from the ring
 * of the reader that took it, then dataset 1's, and so on, so it sees what
 * one reader would give; a failed dataset stops it there, whichever reader
 * failed first in time. Readers share nothing but the lock: each opens its own
 * datasets and makes its own transformation to WGS 84 for each layer
 * (dc_layer_prepare). GDAL hands a transformation out of its cache to one
 * taker only, and before each transform gives its PROJ object the calling
 * thread's own PJ_CONTEXT, so no PJ or context is used on two threads.
 *
 * No deadlock: datasets are taken in list order, so when the consumer
 * waits for dataset i to be taken, every dataset before it has been read
 * and delivered, and every reader is free to take it. A reader waits only
 * for a slot of its own ring; the batches before that slot belong to
 * datasets the consumer reaches no later than the one it waits for, and
 * the consumer waits only for the reader of the dataset it is at.
 */
#include "pipeline.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NO_TEXT UINT32_MAX

/* A household with its strings in the batch's text buffer. */
typedef struct piped_hh {
    int64_t fid;
    double lat, lon;
    uint32_t layer, field[DC_HH_ROLES]; /* offsets into text, or NO_TEXT: NULL */
    bool has_point, not_point;
} piped_hh;

typedef struct batch {
    piped_hh *items; /* allocated when the slot is first filled */
    size_t n;
    char *text;
    size_t used, cap;
    uint32_t layer; /* the layer name last kept in text, or NO_TEXT */
    const char *source;
    bool last; /* the dataset's last batch: rc and problem say how it ended */
    dc_err rc;
    dc_source_problem problem;
} batch;

struct dc_pipeline;

typedef struct reader {
    struct dc_pipeline *pipe;
    pthread_t thread;
    batch *ring;
    bool *full;
    int fill, take; /* the slot the reader fills, the consumer takes next */
} reader;

typedef struct dc_pipeline {
    const dc_source_list *list;
    const dc_source_options *opt;
    size_t sources, batch_size;
    int ring_size, nreaders, running;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool stop;         /* the consumer wants no more */
    size_t next;       /* the next dataset no reader has taken */
    size_t failed_at;  /* the first dataset known to fail; none after it is read */
    reader **taken_by; /* per dataset, once taken */
    reader *readers;
    int started;     /* reader threads started, until joined */
    dc_err start_rc; /* DC_E_NOMEM when fewer started than wanted */
} pipe_state;

static dc_pipeline_shape shape_set;

void dc_pipeline_set_shape(const dc_pipeline_shape *shape)
{
    shape_set = shape ? *shape : (dc_pipeline_shape){0};
}

/* One reader per online CPU, capped; never more readers than datasets. */
static int reader_count(size_t sources)
{
    long n = shape_set.readers;
    if (n <= 0) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
        if (n > DC_PIPELINE_MAX_READERS) n = DC_PIPELINE_MAX_READERS;
    }
    if (n > 0 && (size_t)n > sources) n = (long)sources;
    return n < 1 ? 1 : (int)n;
}

/* ---- the readers' side ------------------------------------------------ */

static uint32_t keep_text(batch *b, const char *s, bool *failed)
{
    if (!s) return NO_TEXT;
    size_t len = strlen(s) + 1;
    if (b->used + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->used + len)
            cap *= 2;
        char *t = cap < NO_TEXT ? realloc(b->text, cap) : NULL;
        if (!t) {
            *failed = true;
            return NO_TEXT;
        }
        b->text = t;
        b->cap = cap;
    }
    memcpy(b->text + b->used, s, len);
    b->used += len;
    return (uint32_t)(b->used - len);
}

/* A layer's households share one copy of its name. */
static uint32_t keep_layer(batch *b, const char *name, bool *failed)
{
    if (name && b->layer != NO_TEXT && strcmp(b->text + b->layer, name) == 0)
        return b->layer;
    uint32_t at = keep_text(b, name, failed);
    if (name && !*failed) b->layer = at;
    return at;
}

/* Wait until the reader's next slot is free and make it ready to fill;
 * false when the consumer wants no more. */
static bool claim(reader *r)
{
    pipe_state *p = r->pipe;
    pthread_mutex_lock(&p->lock);
    while (r->full[r->fill] && !p->stop)
        pthread_cond_wait(&p->changed, &p->lock);
    bool go_on = !p->stop;
    pthread_mutex_unlock(&p->lock);
    batch *b = &r->ring[r->fill];
    b->n = b->used = 0;
    b->layer = NO_TEXT;
    b->last = false;
    return go_on;
}

static void publish(reader *r)
{
    pipe_state *p = r->pipe;
    pthread_mutex_lock(&p->lock);
    r->full[r->fill] = true;
    r->fill = (r->fill + 1) % p->ring_size;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

static int enqueue(void *ctx, dc_source_household *hh)
{
    reader *r = ctx;
    batch *b = &r->ring[r->fill];
    if (b->n == r->pipe->batch_size) {
        publish(r);
        if (!claim(r)) return DC_E_INVALID_ARG; /* never seen: the consumer stopped */
        b = &r->ring[r->fill];
    }
    if (!b->items && !(b->items = malloc(r->pipe->batch_size * sizeof *b->items)))
        return DC_E_NOMEM;
    piped_hh *item = &b->items[b->n];
    bool failed = false;
    item->fid = hh->origin.fid;
    item->has_point = hh->has_point;
    item->not_point = hh->not_point;
    item->lat = hh->lat;
    item->lon = hh->lon;
    item->layer = keep_layer(b, hh->origin.layer, &failed);
    for (int i = 0; i < DC_HH_ROLES; i++)
        item->field[i] = keep_text(b, hh->fields[i], &failed);
    if (failed) return DC_E_NOMEM;
    assert(b->n == 0 || b->source == hh->origin.source);
    b->source = hh->origin.source;
    b->n++;
    return 0;
}

/* Hand over dataset i's last batch, saying how its read ended; false when
 * the reader is to read no more. */
static bool end_source(reader *r, size_t i, dc_err rc, const dc_source_problem *problem)
{
    pipe_state *p = r->pipe;
    batch *b = &r->ring[r->fill];
    b->last = true;
    b->rc = rc;
    b->problem = *problem;
    pthread_mutex_lock(&p->lock);
    bool stop = p->stop;
    if (rc != DC_OK && i < p->failed_at) p->failed_at = i;
    pthread_mutex_unlock(&p->lock);
    if (stop) return false; /* rc may be enqueue's: no one is to see it */
    publish(r);
    return rc == DC_OK;
}

/* Take the next dataset, unless there is none, the consumer stopped, or
 * an earlier dataset failed (nothing after it would be delivered). */
static bool take_source(reader *r, size_t *i)
{
    pipe_state *p = r->pipe;
    pthread_mutex_lock(&p->lock);
    bool yes = !p->stop && p->next < p->sources && p->next < p->failed_at;
    if (yes) {
        *i = p->next++;
        p->taken_by[*i] = r;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return yes;
}

static void *read_sources(void *arg)
{
    reader *r = arg;
    pipe_state *p = r->pipe;
    size_t i;
    while (take_source(r, &i) && claim(r)) {
        dc_source_problem problem;
        memset(&problem, 0, sizeof problem);
        dc_err rc = dc_source_read_households(p->list, i, p->opt, enqueue, r, &problem);
        if (!end_source(r, i, rc, &problem)) break;
    }
    pthread_mutex_lock(&p->lock);
    p->running--;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- the consumer's side ---------------------------------------------- */

/* Deliver one batch in order; the strings point into its text. */
static int deliver(const batch *b, dc_household_fn fn, void *ctx)
{
    for (size_t k = 0; k < b->n; k++) {
        const piped_hh *item = &b->items[k];
        dc_source_household hh = {
            .origin = {b->source, NULL, item->fid},
            .has_point = item->has_point,
            .not_point = item->not_point,
            .lat = item->lat,
            .lon = item->lon,
        };
        if (item->layer != NO_TEXT) hh.origin.layer = b->text + item->layer;
        for (int i = 0; i < DC_HH_ROLES; i++)
            hh.fields[i] = item->field[i] == NO_TEXT ? NULL : b->text + item->field[i];
        int rc = fn(ctx, &hh);
        if (rc) return rc;
    }
    return 0;
}

/* The reader of dataset i once one has taken it, or NULL when the readers
 * all ended first (which the order of reading rules out). */
static reader *reader_of(pipe_state *p, size_t i)
{
    pthread_mutex_lock(&p->lock);
    while (!p->taken_by[i] && p->running > 0)
        pthread_cond_wait(&p->changed, &p->lock);
    reader *r = p->taken_by[i];
    pthread_mutex_unlock(&p->lock);
    assert(r);
    return r;
}

/* The reader's next full batch; every dataset it takes ends with one. */
static batch *take(pipe_state *p, reader *r)
{
    pthread_mutex_lock(&p->lock);
    while (!r->full[r->take] && p->running > 0)
        pthread_cond_wait(&p->changed, &p->lock);
    bool have = r->full[r->take];
    pthread_mutex_unlock(&p->lock);
    assert(have);
    return have ? &r->ring[r->take] : NULL;
}

static void release(pipe_state *p, reader *r)
{
    pthread_mutex_lock(&p->lock);
    r->full[r->take] = false;
    r->take = (r->take + 1) % p->ring_size;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* Dataset i's households from its reader; its read's end when it failed. */
static int consume_source(pipe_state *p, size_t i, dc_household_fn fn, void *ctx,
                          dc_source_problem *problem)
{
    reader *r = reader_of(p, i);
    if (!r) return DC_E_IO;
    for (;;) {
        batch *b = take(p, r);
        if (!b) return DC_E_IO;
        int rc = deliver(b, fn, ctx);
        bool last = b->last;
        if (rc == 0 && last && b->rc != DC_OK) {
            rc = b->rc;
            *problem = b->problem;
        }
        release(p, r);
        if (rc || last) return rc;
    }
}

static void stop_readers(pipe_state *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
}

/* ---- both ------------------------------------------------------------- */

static pipe_state *pipe_new(const dc_source_list *list, const dc_source_options *opt)
{
    pipe_state *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->list = list;
    p->opt = opt;
    p->sources = dc_source_list_count(list);
    p->batch_size = shape_set.batch > 0 ? shape_set.batch : DC_PIPELINE_BATCH;
    p->ring_size = shape_set.ring > 0 ? shape_set.ring : DC_PIPELINE_RING;
    p->nreaders = reader_count(p->sources);
    p->failed_at = SIZE_MAX;
    p->taken_by = calloc(p->sources + 1, sizeof *p->taken_by);
    p->readers = calloc((size_t)p->nreaders, sizeof *p->readers);
    bool ok = p->readers && p->taken_by;
    for (int k = 0; ok && k < p->nreaders; k++) {
        reader *r = &p->readers[k];
        r->pipe = p;
        r->ring = calloc((size_t)p->ring_size, sizeof *r->ring);
        r->full = calloc((size_t)p->ring_size, sizeof *r->full);
        ok = r->ring && r->full;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    return p;
}

static void pipe_free(pipe_state *p)
{
    for (int k = 0; p->readers && k < p->nreaders; k++) {
        reader *r = &p->readers[k];
        for (int s = 0; r->ring && s < p->ring_size; s++) {
            free(r->ring[s].items);
            free(r->ring[s].text);
        }
        free(r->ring);
        free(r->full);
    }
    free(p->readers);
    free(p->taken_by);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->changed);
    free(p);
}

static bool pipe_complete(const pipe_state *p)
{
    for (int k = 0; p->readers && k < p->nreaders; k++)
        if (!p->readers[k].ring || !p->readers[k].full) return false;
    return p->readers && p->taken_by;
}

dc_pipeline *dc_pipeline_start(const dc_source_list *list, const dc_source_options *opt)
{
    pipe_state *p = pipe_new(list, opt);
    if (!p || !pipe_complete(p)) {
        if (p) pipe_free(p);
        return NULL;
    }
    p->running = p->nreaders;
    while (p->started < p->nreaders &&
           pthread_create(&p->readers[p->started].thread, NULL, read_sources,
                          &p->readers[p->started]) == 0)
        p->started++;
    if (p->started < p->nreaders) {
        pthread_mutex_lock(&p->lock);
        p->running -= p->nreaders - p->started;
        pthread_mutex_unlock(&p->lock);
        p->start_rc = DC_E_NOMEM;
    }
    return p;
}

/* Stop the readers (within a batch) and wait for them. */
static void join_readers(pipe_state *p)
{
    stop_readers(p);
    for (int k = 0; k < p->started; k++)
        pthread_join(p->readers[k].thread, NULL);
    p->started = 0;
}

dc_err dc_pipeline_consume(dc_pipeline *p, dc_household_fn fn, void *ctx,
                           dc_source_problem *problem)
{
    dc_source_problem first;
    memset(&first, 0, sizeof first);
    int rc = p->start_rc;
    for (size_t i = 0; rc == DC_OK && i < p->sources; i++)
        rc = consume_source(p, i, fn, ctx, &first);
    join_readers(p);
    if (problem) *problem = first;
    return (dc_err)rc;
}

void dc_pipeline_free(dc_pipeline *p)
{
    if (!p) return;
    join_readers(p);
    pipe_free(p);
}

dc_err dc_read_households_piped(const dc_source_list *list, const dc_source_options *opt,
                                dc_household_fn fn, void *ctx, dc_source_problem *problem)
{
    if (problem) memset(problem, 0, sizeof *problem);
    dc_pipeline *p = dc_pipeline_start(list, opt);
    if (!p) return DC_E_NOMEM;
    dc_err rc = dc_pipeline_consume(p, fn, ctx, problem);
    dc_pipeline_free(p);
    return rc;
}
