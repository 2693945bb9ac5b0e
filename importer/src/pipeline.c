/* pipeline.c - a reader thread handing batches of households over. */
#include "pipeline.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DC_BATCH 4096
#define DC_BATCHES 4

/* A household with its strings copied into the batch's text buffer. */
typedef struct piped_hh {
    dc_source_household hh;
    size_t layer, fields[DC_HH_ROLES]; /* offsets into text, or SIZE_MAX: NULL */
} piped_hh;

typedef struct batch {
    piped_hh items[DC_BATCH];
    size_t n;
    char *text;
    size_t used, cap;
} batch;

typedef struct pipe_state {
    const dc_source_list *list;
    const dc_source_options *opt;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    batch batches[DC_BATCHES];
    bool full[DC_BATCHES];
    int fill, take;      /* next batch the reader fills, the consumer takes */
    bool finished, stop; /* reader done; consumer wants no more */
    dc_err read_rc;
    dc_source_problem problem;
} pipe_state;

static size_t keep_text(batch *b, const char *s)
{
    if (!s) return SIZE_MAX;
    size_t len = strlen(s) + 1;
    if (b->used + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->used + len)
            cap *= 2;
        char *t = realloc(b->text, cap);
        if (!t) return SIZE_MAX - 1;
        b->text = t;
        b->cap = cap;
    }
    memcpy(b->text + b->used, s, len);
    b->used += len;
    return b->used - len;
}

/* Hand the batch being filled to the consumer; wait for a free one. */
static bool hand_over(pipe_state *p)
{
    pthread_mutex_lock(&p->lock);
    p->full[p->fill] = true;
    pthread_cond_broadcast(&p->changed);
    p->fill = (p->fill + 1) % DC_BATCHES;
    while (p->full[p->fill] && !p->stop)
        pthread_cond_wait(&p->changed, &p->lock);
    bool go_on = !p->stop;
    pthread_mutex_unlock(&p->lock);
    p->batches[p->fill].n = 0;
    p->batches[p->fill].used = 0;
    return go_on;
}

static int enqueue(void *ctx, dc_source_household *hh)
{
    pipe_state *p = ctx;
    batch *b = &p->batches[p->fill];
    piped_hh *item = &b->items[b->n];
    item->hh = *hh;
    item->layer = keep_text(b, hh->origin.layer);
    for (int i = 0; i < DC_HH_ROLES; i++)
        item->fields[i] = keep_text(b, hh->fields[i]);
    if (item->layer == SIZE_MAX - 1) return DC_E_NOMEM;
    for (int i = 0; i < DC_HH_ROLES; i++)
        if (item->fields[i] == SIZE_MAX - 1) return DC_E_NOMEM;
    if (++b->n == DC_BATCH && !hand_over(p)) return DC_E_INVALID_ARG;
    return 0;
}

static void *reader(void *arg)
{
    pipe_state *p = arg;
    dc_err rc = DC_OK;
    for (size_t i = 0; rc == DC_OK && i < dc_source_list_count(p->list); i++)
        rc = dc_source_read_households(p->list, i, p->opt, enqueue, p, &p->problem);
    if (p->batches[p->fill].n > 0) hand_over(p);
    pthread_mutex_lock(&p->lock);
    p->read_rc = rc;
    p->finished = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Deliver one batch in order; the strings point into its text. */
static int deliver(batch *b, dc_household_fn fn, void *ctx)
{
    for (size_t k = 0; k < b->n; k++) {
        piped_hh *item = &b->items[k];
        dc_source_household hh = item->hh;
        hh.origin.layer = item->layer == SIZE_MAX ? NULL : b->text + item->layer;
        for (int i = 0; i < DC_HH_ROLES; i++)
            hh.fields[i] = item->fields[i] == SIZE_MAX ? NULL : b->text + item->fields[i];
        int rc = fn(ctx, &hh);
        if (rc) return rc;
    }
    return 0;
}

/* The consumer's side: take full batches in order until the reader ends. */
static int consume(pipe_state *p, dc_household_fn fn, void *ctx)
{
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!p->full[p->take] && !p->finished)
            pthread_cond_wait(&p->changed, &p->lock);
        bool have = p->full[p->take];
        pthread_mutex_unlock(&p->lock);
        if (!have) return rc;
        if (rc == 0) rc = deliver(&p->batches[p->take], fn, ctx);
        pthread_mutex_lock(&p->lock);
        p->full[p->take] = false;
        if (rc) p->stop = true;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);
        p->take = (p->take + 1) % DC_BATCHES;
    }
}

dc_err dc_read_households_piped(const dc_source_list *list, const dc_source_options *opt,
                                dc_household_fn fn, void *ctx, dc_source_problem *problem)
{
    pipe_state *p = calloc(1, sizeof *p);
    pthread_t thread;
    if (!p) return DC_E_NOMEM;
    p->list = list;
    p->opt = opt;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    int rc;
    if (pthread_create(&thread, NULL, reader, p) == 0) {
        rc = consume(p, fn, ctx);
        pthread_join(thread, NULL);
    } else {
        rc = DC_E_NOMEM;
    }
    if (rc == 0) rc = p->read_rc;
    if (problem) *problem = p->problem;
    for (int i = 0; i < DC_BATCHES; i++)
        free(p->batches[i].text);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->changed);
    free(p);
    return (dc_err)rc;
}
