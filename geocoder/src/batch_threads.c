/*
 * batch_threads.c - the threads of a batch. With one thread, the calling
 * thread reads, looks up and writes each block in turn. With more, it
 * reads blocks and writes finished ones in order while the workers look
 * up the rows of the blocks read: a fixed number of blocks circulates, so
 * memory stays flat whatever the input size.
 */
#include <stdlib.h>

#include "batch_pipeline.h"
#include "diachi/search.h"

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
        dc_batch_process(w, b);
        dc_err rc = dc_batch_emit(&ru->job, b, &ru->chunk, ru->out, ru->rep);
        if (rc == DC_OK) rc = between_blocks(ru);
        if (rc != DC_OK || ru->rd.finished) return rc;
        if ((rc = dc_batch_fill(&ru->rd, b)) != DC_OK) return rc;
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
        dc_batch_process(w, b);
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
            rc = dc_batch_emit(&ru->job, head, &ru->chunk, ru->out, ru->rep);
            if (rc == DC_OK) rc = between_blocks(ru);
            pthread_mutex_lock(&ru->mu);
            if (rc != DC_OK) break;
            next_out++;
            head->next = free_list, free_list = head;
        } else if (free_list && !ru->rd.finished) { /* read the next */
            b = free_list, free_list = b->next;
            pthread_mutex_unlock(&ru->mu);
            rc = dc_batch_fill(&ru->rd, b);
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

static dc_err begin_worker(dc_geo *geo, const batch_job *job, batch_worker *w)
{
    w->job = job;
    w->forward = malloc(sizeof *w->forward);
    w->reverse = malloc(sizeof *w->reverse);
    w->zones = calloc(BATCH_ZONE_TEXTS, sizeof *w->zones);
    if (!w->zones) return DC_E_NOMEM;
    if (job->mode == DC_BATCH_ADDRESS && !(w->search = malloc(sizeof *w->search)))
        return DC_E_NOMEM;
    if (!w->forward || !w->reverse) return DC_E_NOMEM;
    return dc_geo_session_begin(geo, &w->session);
}

static void end_worker(batch_worker *w)
{
    dc_geo_session_end(w->session);
    free(w->forward);
    free(w->reverse);
    free(w->search);
    free(w->zones);
    dc_buf_free(&w->scratch);
    free(w->keys);
    free(w->codes);
    free(w->orders);
}

dc_err dc_batch_run_workers(run *ru, dc_geo *geo, block *blocks, size_t nblocks)
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
