/*
 * build_search.c - the search databases of a new index (build_search.h):
 * each household handed to search_records.c as it is written, then the
 * zones, then every record written with dc_build_put. The search
 * databases are derived from the zones, households and strings, so the
 * fingerprint does not cover them: dc_index_check recomputes them.
 *
 * The records are made on a thread of their own, beside the writing of
 * the households, the ids and the sub-grid: the households come to it in
 * batches, and the records it makes wait in a log, in order, until the
 * writer puts them in the file where they have always been (LMDB's write
 * transaction stays on the writer's thread, and the file's bytes are the
 * same). Without the thread, the records are made where they are written.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "diachi/history.h"
#include "build_record.h"
#include "build_search.h"
#include "search_records.h"

#define FEED_BATCH 4096

/* One household for the records, its house number in the batch's text. */
typedef struct feed_item {
    uint32_t number, postcode, street, group;
    int32_t lat_e7, lon_e7;
    uint32_t house_off, house_len;
} feed_item;

typedef struct feed_batch {
    feed_item item[FEED_BATCH];
    size_t n;
    uint8_t text[FEED_BATCH * 256];
    size_t used;
} feed_batch;

/* The records made, in the order they are to be put: each a head (u32
 * db, u32 key length, u32 value length), its key and its value. */
typedef struct record_log {
    uint8_t *bytes;
    size_t len, cap;
} record_log;

/* What the records are made from and into: the builder's zones, history
 * and strings (read only), the records, and where an error is told. */
typedef struct maker {
    const dc_builder *b;
    dc_search_records *search;
    dc_error *err;
} maker;

struct dc_build_search {
    maker m; /* the thread's, with its own err */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    feed_batch *batch[2]; /* [fill] is the writer's, the other the thread's */
    int fill;
    bool handed;  /* the other batch waits for the thread */
    bool done;    /* no more households: make the records */
    bool abandon; /* ... or not: the build failed, its data goes */
    dc_err rc;    /* the thread's, its message in err */
    dc_error err;
    record_log log;
};

static dc_str str_of(const char *s)
{
    return (dc_str){s ? s : "", dc_str_len(s)};
}

static dc_err no_memory(maker *m)
{
    return dc_error_set(m->err, DC_E_NOMEM, "out of memory for the search index");
}

/* The records, made on the first household with the earlier editions'
 * zones, whose former names they hold. */
static dc_err records(maker *m)
{
    if (m->search) return DC_OK;
    m->search = dc_search_records_open();
    if (!m->search) return no_memory(m);
    const dc_history_build *h = m->b->in->history;
    dc_err rc = DC_OK;
    for (size_t i = 0; rc == DC_OK && h && h->neditions && i < h->npast_zones; i++) {
        const dc_zone_input *z = &h->past_zones[i].zone;
        rc = dc_search_records_past_zone(m->search, z->postcode, str_of(z->name),
                                         str_of(z->kind), str_of(z->district),
                                         str_of(z->province), z->polygon);
    }
    return rc == DC_E_NOMEM ? no_memory(m) : rc;
}

static dc_str build_string(void *ctx, uint32_t id)
{
    return dc_strtab_string(((const dc_builder *)ctx)->strings, id);
}

static dc_err put_record(void *ctx, int db, const void *key, size_t klen, const void *val,
                         size_t vlen)
{
    return dc_build_put(ctx, db, key, klen, val, vlen);
}

static dc_err feed_one(maker *m, const feed_item *it, const uint8_t *text)
{
    dc_err rc = records(m);
    if (rc == DC_OK)
        rc = dc_search_records_household(m->search, it->number, it->postcode, it->street,
                                         it->group, (const char *)text + it->house_off,
                                         it->house_len, it->lat_e7, it->lon_e7);
    return rc == DC_E_NOMEM ? no_memory(m) : rc;
}

static dc_err log_record(void *ctx, int db, const void *key, size_t klen, const void *val,
                         size_t vlen)
{
    record_log *log = ctx;
    size_t need = 12 + klen + vlen;
    if (log->len + need > log->cap) {
        size_t cap = 2 * (log->len + need) + (1u << 20);
        uint8_t *p = realloc(log->bytes, cap);
        if (!p) return DC_E_NOMEM;
        log->bytes = p;
        log->cap = cap;
    }
    uint8_t *p = log->bytes + log->len;
    dc_put_le32(p, (uint32_t)db);
    dc_put_le32(p + 4, (uint32_t)klen);
    dc_put_le32(p + 8, (uint32_t)vlen);
    if (klen) memcpy(p + 12, key, klen);
    if (vlen) memcpy(p + 12 + klen, val, vlen);
    log->len += need;
    return DC_OK;
}

/* The zones, then every record, to @p emit. */
static dc_err make_records(maker *m, dc_search_emit_fn emit, void *ectx)
{
    const dc_builder *b = m->b;
    dc_err rc = records(m);
    for (uint32_t p = 0; rc == DC_OK && p < DC_POSTCODES; p++) {
        if (b->zone_of[p] < 0) continue;
        const dc_zone_input *z = &b->in->zones[b->zone_of[p]];
        rc = dc_search_records_zone(m->search, p, str_of(z->name), str_of(z->kind),
                                    str_of(z->district), str_of(z->province));
        if (rc != DC_OK) rc = no_memory(m);
    }
    if (rc == DC_OK)
        rc = dc_search_records_finish(m->search, build_string, (void *)b, emit, ectx,
                                      m->err);
    return rc;
}

/* The thread: each batch handed to it, then, when told, the records into
 * the log. The strings are read only then, once every household is in. */
static void *feed_main(void *arg)
{
    struct dc_build_search *t = arg;
    dc_err rc = DC_OK;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        while (!t->handed && !t->done)
            pthread_cond_wait(&t->changed, &t->lock);
        if (!t->handed) break;
        feed_batch *fb = t->batch[!t->fill];
        pthread_mutex_unlock(&t->lock);
        for (size_t i = 0; rc == DC_OK && i < fb->n; i++)
            rc = feed_one(&t->m, &fb->item[i], fb->text);
        fb->n = fb->used = 0;
        pthread_mutex_lock(&t->lock);
        t->handed = false;
        pthread_cond_broadcast(&t->changed);
    }
    bool abandon = t->abandon;
    pthread_mutex_unlock(&t->lock);
    if (rc == DC_OK && !abandon) rc = make_records(&t->m, log_record, &t->log);
    if (rc == DC_E_NOMEM) no_memory(&t->m);
    t->rc = rc; /* read after the join */
    return NULL;
}

/* The thread, started on the first household; NULL when it cannot be
 * (the records are then made on the writer's thread). */
static struct dc_build_search *feed_start(dc_builder *b)
{
    struct dc_build_search *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->m = (maker){b, NULL, &t->err};
    t->batch[0] = malloc(sizeof *t->batch[0]);
    t->batch[1] = malloc(sizeof *t->batch[1]);
    if (t->batch[0] && t->batch[1]) {
        t->batch[0]->n = t->batch[0]->used = t->batch[1]->n = t->batch[1]->used = 0;
        pthread_mutex_init(&t->lock, NULL);
        pthread_cond_init(&t->changed, NULL);
        if (pthread_create(&t->thread, NULL, feed_main, t) == 0) return t;
        pthread_mutex_destroy(&t->lock);
        pthread_cond_destroy(&t->changed);
    }
    free(t->batch[0]);
    free(t->batch[1]);
    free(t);
    return NULL;
}

/* Hand the batch being filled to the thread, once it took the last one. */
static void feed_hand(struct dc_build_search *t, bool done, bool abandon)
{
    pthread_mutex_lock(&t->lock);
    t->abandon = abandon;
    while (t->handed)
        pthread_cond_wait(&t->changed, &t->lock);
    if (t->batch[t->fill]->n) {
        t->fill = !t->fill;
        t->handed = true;
    }
    t->done = done;
    pthread_cond_broadcast(&t->changed);
    pthread_mutex_unlock(&t->lock);
}

/* Tell the thread there is no more (and whether to make the records) and
 * wait for it: its records and log become the builder's; its result. */
static dc_err feed_join(dc_builder *b, bool abandon)
{
    struct dc_build_search *t = b->search_thread;
    feed_hand(t, true, abandon);
    pthread_join(t->thread, NULL);
    b->search_thread = NULL;
    dc_err rc = t->rc;
    if (rc != DC_OK && b->err) *b->err = t->err;
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->changed);
    free(t->batch[0]);
    free(t->batch[1]);
    b->search = t->m.search;
    b->search_log = t->log.bytes;
    b->search_log_len = t->log.len;
    free(t);
    return rc;
}

dc_err dc_build_search_household(dc_builder *b, uint32_t number, uint32_t postcode,
                                 uint32_t street, uint32_t group, const uint8_t *house,
                                 size_t house_len, int32_t lat_e7, int32_t lon_e7)
{
    feed_item it = {number, postcode, street, group,
                    lat_e7, lon_e7,   0,      (uint32_t)house_len};
    if (!b->search_thread && !b->search) b->search_thread = feed_start(b);
    struct dc_build_search *t = b->search_thread;
    if (!t) {
        maker m = {b, b->search, b->err};
        dc_err rc = feed_one(&m, &it, house);
        b->search = m.search;
        return rc;
    }
    feed_batch *fb = t->batch[t->fill];
    it.house_off = (uint32_t)fb->used;
    if (house_len) memcpy(fb->text + fb->used, house, house_len);
    fb->used += house_len;
    fb->item[fb->n++] = it;
    if (fb->n == FEED_BATCH) feed_hand(t, false, false);
    return DC_OK;
}

/* The log's records into the file, in the order they were made. */
static dc_err put_log(dc_builder *b)
{
    dc_err rc = DC_OK;
    for (size_t at = 0; rc == DC_OK && at < b->search_log_len;) {
        const uint8_t *p = b->search_log + at;
        uint32_t db = dc_get_le32(p), klen = dc_get_le32(p + 4),
                 vlen = dc_get_le32(p + 8);
        rc = dc_build_put(b, (int)db, p + 12, klen, p + 12 + klen, vlen);
        at += 12 + (size_t)klen + vlen;
    }
    free(b->search_log);
    b->search_log = NULL;
    b->search_log_len = 0;
    return rc;
}

dc_err dc_build_write_search(dc_builder *b)
{
    if (b->search_thread) {
        dc_err rc = feed_join(b, false);
        return rc == DC_OK ? put_log(b) : rc;
    }
    maker m = {b, b->search, b->err};
    dc_err rc = make_records(&m, put_record, b);
    b->search = m.search;
    return rc;
}

void dc_build_free_search(dc_builder *b)
{
    if (b->search_thread) (void)feed_join(b, true); /* the build failed */
    free(b->search_log);
    b->search_log = NULL;
    dc_search_records_close(b->search);
    b->search = NULL;
}
