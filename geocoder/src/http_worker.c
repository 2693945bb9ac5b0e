/*
 * http_worker.c - a thread's reusable state for the HTTP service: the JSON
 * buffer its answers are written into and the engine's results, made on
 * a thread's first request and freed when the thread ends.
 */
#include <pthread.h>
#include <stdlib.h>

#include "http_internal.h"

static pthread_key_t worker_key;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;

static void worker_free(void *p)
{
    dc_worker *wk = p;
    if (!wk) return;
    dc_jw_free(&wk->jw);
    free(wk);
}

static void worker_key_create(void)
{
    pthread_key_create(&worker_key, worker_free);
}

dc_worker *dc_http_worker(void)
{
    pthread_once(&worker_once, worker_key_create);
    dc_worker *wk = pthread_getspecific(worker_key);
    if (wk) return wk;
    wk = calloc(1, sizeof *wk);
    if (!wk) return NULL;
    dc_jw_init(&wk->jw);
    if (pthread_setspecific(worker_key, wk) != 0) {
        free(wk);
        return NULL;
    }
    return wk;
}
