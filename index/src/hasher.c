/* hasher.c - double-buffered SHA-256 on a worker thread. */
#include "hasher.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DC_HASH_BUFFER (1u << 20)

struct dc_hasher {
    dc_sha256 sha;
    pthread_t thread;
    bool threaded;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint8_t *buf[2];
    size_t len[2];
    bool full[2]; /* handed to the worker, not yet hashed */
    bool done;    /* no more buffers will come */
    int cur;      /* the buffer the producer fills */
};

static void *worker(void *arg)
{
    dc_hasher *h = arg;
    for (int i = 0;; i ^= 1) {
        pthread_mutex_lock(&h->lock);
        while (!h->full[i] && !h->done)
            pthread_cond_wait(&h->changed, &h->lock);
        bool have = h->full[i];
        pthread_mutex_unlock(&h->lock);
        if (!have) return NULL;
        dc_sha256_update(&h->sha, h->buf[i], h->len[i]);
        pthread_mutex_lock(&h->lock);
        h->full[i] = false;
        pthread_cond_broadcast(&h->changed);
        pthread_mutex_unlock(&h->lock);
    }
}

dc_hasher *dc_hasher_start(void)
{
    dc_hasher *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    dc_sha256_init(&h->sha);
    h->buf[0] = malloc(DC_HASH_BUFFER);
    h->buf[1] = malloc(DC_HASH_BUFFER);
    if (!h->buf[0] || !h->buf[1]) {
        free(h->buf[0]);
        free(h->buf[1]);
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->changed, NULL);
    h->threaded = pthread_create(&h->thread, NULL, worker, h) == 0;
    return h;
}

/* Give the current buffer to the worker and wait for the other one. */
static void hand_over(dc_hasher *h)
{
    pthread_mutex_lock(&h->lock);
    h->full[h->cur] = true;
    pthread_cond_broadcast(&h->changed);
    h->cur ^= 1;
    while (h->full[h->cur])
        pthread_cond_wait(&h->changed, &h->lock);
    h->len[h->cur] = 0;
    pthread_mutex_unlock(&h->lock);
}

void dc_hasher_update(dc_hasher *h, const void *data, size_t len)
{
    if (!h->threaded) {
        dc_sha256_update(&h->sha, data, len);
        return;
    }
    const uint8_t *p = data;
    while (len > 0) {
        size_t room = DC_HASH_BUFFER - h->len[h->cur];
        size_t n = len < room ? len : room;
        memcpy(h->buf[h->cur] + h->len[h->cur], p, n);
        h->len[h->cur] += n;
        p += n;
        len -= n;
        if (h->len[h->cur] == DC_HASH_BUFFER) hand_over(h);
    }
}

static void stop(dc_hasher *h, bool flush)
{
    if (h->threaded) {
        pthread_mutex_lock(&h->lock);
        if (flush && h->len[h->cur] > 0) h->full[h->cur] = true;
        h->done = true;
        pthread_cond_broadcast(&h->changed);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->thread, NULL);
    }
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->changed);
    free(h->buf[0]);
    free(h->buf[1]);
}

void dc_hasher_finish(dc_hasher *h, uint8_t digest[DC_SHA256_SIZE])
{
    stop(h, true);
    dc_sha256_final(&h->sha, digest);
    free(h);
}

void dc_hasher_abort(dc_hasher *h)
{
    if (!h) return;
    stop(h, false);
    free(h);
}
