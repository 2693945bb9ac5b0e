/*
 * sorter.c - records in (key, tie) order within a memory budget
 * (sorter.h).
 *
 * One block of the budget's size, in two halves. The half being filled
 * holds the records of the current run from its start and their sort
 * entries (key, offset) from its end, growing towards each other; it is
 * full when the gap between them can no longer hold a copy of the entries,
 * which the radix sort needs. A full half is handed to a thread that sorts
 * it and writes it to the spill file as a run, record after record in
 * order, while the other half fills: reading the input goes on meanwhile.
 * Records that all fit in the first half are sorted there and never
 * written. Reading merges the runs through a heap, each run read through
 * its own share of the whole block; when the runs are too many for a share
 * each, the first ones are merged into one run first, as often as needed.
 */
#define _GNU_SOURCE
#include "sorter.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define REC_HEAD 11 /* u64 key, u8 tie length, u16 data length */
#define REC_MAX (REC_HEAD + 255 + 65535)
#define READ_SHARE_MIN (256u << 10)
#define READ_SHARE_MAX (8u << 20)
#define WRITE_BUFFER (1u << 20)

typedef dc_keyed entry; /* value: the record's offset in its half */

typedef struct run {
    uint64_t off, len;
} run;

typedef struct reader {
    uint64_t pos, end; /* the run's bytes not yet in buf */
    uint8_t *buf;
    size_t cap, start, len; /* buf[start, len) is read, not yet taken */
    const uint8_t *rec;     /* the current record, NULL after the last */
} reader;

/* A half of the block: a run's records from base, their entries ending at
 * base + cap. */
typedef struct area {
    uint8_t *base;
    size_t cap;
    size_t used;     /* bytes of records */
    size_t nentries; /* their entries */
    entry *sorted;   /* after sorting: the entries in order */
} area;

struct dc_sorter {
    uint8_t *mem;
    size_t size;
    area half[2];
    int cur;    /* the half being filled */
    size_t pos; /* reading in memory: the next entry of half[cur] */
    uint64_t count;
    /* The half being sorted and written meanwhile, on its own thread. */
    pthread_t job;
    int job_running, job_area, spilling;
    dc_err job_rc;
    dc_error job_err;
    char *near;
    int fd;
    uint64_t file_end;
    run *runs;
    uint32_t nruns, capruns, written_runs;
    uint8_t *wbuf;
    size_t wlen;
    reader *readers;
    uint32_t *heap, nheap;
    int pending;         /* the heap's top was handed out and is still to be stepped */
    struct ahead *ahead; /* faulting the first half in ahead of the records */
    int ahead_tried;
    size_t kick; /* the first half's use at which to move it on */
};

static inline uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline size_t rec_size(const uint8_t *r)
{
    return REC_HEAD + r[8] + ((size_t)r[9] | (size_t)r[10] << 8);
}

static entry *entries_of(area *a)
{
    return (entry *)(a->base + a->cap) - a->nentries;
}

/*
 * The block is mapped rather than malloc'd, and asks for huge pages: it is
 * touched as the records come, and in 4 KiB pages that is a page fault
 * every 60 or so households, a tenth of the time spent adding them on a
 * virtual machine. Still touched only as far as it is used, 2 MiB at a
 * time.
 */
static uint8_t *block_map(size_t size)
{
    void *p =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, size, MADV_HUGEPAGE); /* a hint: no huge pages is no error */
#endif
    return p;
}

/*
 * The first half's pages are faulted in ahead of the records and of their
 * entries, on a thread of its own: the kernel zeroes each new page on its
 * first touch, a fifth of the time of adding a household, and it does so
 * on that thread while the records come. Only the first half: a sort that
 * spills has the thread of the runs beside it already. The thread is told
 * how far to go each AHEAD_STEP of records, and stops at the first spill.
 */
#define AHEAD_STEP (2u << 20)
#define AHEAD_RECORDS (16u << 20)

struct ahead {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t told;
    uint8_t *base;
    size_t cap;
    size_t rec_want, rec_done; /* records: faulted in [0, rec_done) */
    size_t ent_want, ent_done; /* entries: faulted in [ent_done, cap) */
    int stop;
};

#ifdef MADV_POPULATE_WRITE
static void populate(uint8_t *p, size_t n)
{
    (void)madvise(p, n, MADV_POPULATE_WRITE); /* a page not faulted in is no error */
}

static void *ahead_main(void *arg)
{
    struct ahead *a = arg;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (!a->stop && a->rec_done >= a->rec_want && a->ent_done <= a->ent_want)
            pthread_cond_wait(&a->told, &a->lock);
        if (a->stop) break;
        size_t r0 = a->rec_done, r1 = a->rec_want, e0 = a->ent_want, e1 = a->ent_done;
        pthread_mutex_unlock(&a->lock);
        if (r1 > r0) populate(a->base + r0, r1 - r0);
        if (e1 > e0) populate(a->base + e0, e1 - e0);
        pthread_mutex_lock(&a->lock);
        if (r1 > a->rec_done) a->rec_done = r1;
        if (e0 < a->ent_done) a->ent_done = e0;
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

static void ahead_start(dc_sorter *s)
{
    long page = sysconf(_SC_PAGESIZE);
    struct ahead *a = calloc(1, sizeof *a);
    if (!a || page <= 0) {
        free(a);
        return;
    }
    a->base = s->half[0].base;
    a->cap = s->half[0].cap / (size_t)page * (size_t)page;
    a->ent_done = a->ent_want = a->cap;
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->told, NULL);
    if (pthread_create(&a->thread, NULL, ahead_main, a) != 0) {
        pthread_mutex_destroy(&a->lock);
        pthread_cond_destroy(&a->told);
        free(a);
        return;
    }
    s->ahead = a;
}
#else
static void ahead_start(dc_sorter *s)
{
    (void)s;
}
#endif

/* Tell the thread how far the first half's records and entries go now
 * (started once a sort is past its first AHEAD_STEP, and as far ahead as
 * the records so far, up to AHEAD_RECORDS: a small sort touches no more
 * than twice its own), and the use at which to tell it again. */
static void ahead_move(dc_sorter *s, const area *h)
{
    if (!s->ahead && !s->ahead_tried) {
        s->ahead_tried = 1;
        ahead_start(s);
    }
    struct ahead *a = s->ahead;
    if (!a) {
        s->kick = SIZE_MAX;
        return;
    }
    long page = sysconf(_SC_PAGESIZE);
    size_t entries = (h->nentries + 1) * sizeof(entry),
           p = page > 0 ? (size_t)page : 4096;
    size_t by = h->used < AHEAD_RECORDS ? h->used : AHEAD_RECORDS;
    size_t rec = h->used + by, ent_by = by / 4;
    size_t ent = entries + ent_by < a->cap ? a->cap - entries - ent_by : 0;
    if (rec > ent) rec = ent; /* never past each other */
    pthread_mutex_lock(&a->lock);
    a->rec_want = (rec + p - 1) / p * p;
    a->ent_want = ent / p * p;
    pthread_cond_signal(&a->told);
    pthread_mutex_unlock(&a->lock);
    s->kick = h->used + AHEAD_STEP;
}

static void ahead_stop(dc_sorter *s)
{
    struct ahead *a = s->ahead;
    if (!a) return;
    pthread_mutex_lock(&a->lock);
    a->stop = 1;
    pthread_cond_signal(&a->told);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    pthread_mutex_destroy(&a->lock);
    pthread_cond_destroy(&a->told);
    free(a);
    s->ahead = NULL;
}

dc_sorter *dc_sorter_open(size_t memory, const char *near_path)
{
    dc_sorter *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (memory < DC_SORTER_MIN_MEMORY) memory = DC_SORTER_MIN_MEMORY;
    s->size = memory / (2 * sizeof(entry)) * (2 * sizeof(entry));
    s->mem = block_map(s->size);
    for (int i = 0; i < 2; i++)
        s->half[i] = (area){s->mem + i * (s->size / 2), s->size / 2, 0, 0, NULL};
    s->near = strdup(near_path ? near_path : ".");
    s->fd = -1;
    s->kick = AHEAD_STEP;
    if (!s->mem || !s->near) {
        dc_sorter_close(s);
        return NULL;
    }
    return s;
}

static dc_err wait_job(dc_sorter *s, dc_error *err);

void dc_sorter_close(dc_sorter *s)
{
    if (!s) return;
    ahead_stop(s);
    wait_job(s, NULL);
    if (s->fd >= 0) close(s->fd);
    if (s->mem) munmap(s->mem, s->size);
    free(s->near);
    free(s->runs);
    free(s->wbuf);
    free(s->readers);
    free(s->heap);
    free(s);
}

uint64_t dc_sorter_count(const dc_sorter *s) { return s->count; }
uint32_t dc_sorter_runs(const dc_sorter *s) { return s->written_runs; }
uint64_t dc_sorter_spilled(const dc_sorter *s) { return s->file_end; }

static dc_err io_error(dc_sorter *s, const char *what, dc_error *err)
{
    return dc_error_set(err, DC_E_IO, "%s the sort file beside %s: %s", what, s->near,
                        strerror(errno ? errno : EIO));
}

/* The spill file: unlinked from the start, in the target's directory. */
static dc_err open_spill(dc_sorter *s, dc_error *err)
{
    char dir[4096];
    const char *slash = strrchr(s->near, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == s->near)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - s->near), s->near);
    s->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (s->fd < 0) { /* a file system without O_TMPFILE */
        char path[4200];
        snprintf(path, sizeof path, "%s/.diachi-sort.XXXXXX", dir);
        s->fd = mkostemp(path, O_CLOEXEC);
        if (s->fd >= 0) unlink(path);
    }
    s->wbuf = malloc(WRITE_BUFFER);
    if (s->fd < 0) return io_error(s, "creating", err);
    if (!s->wbuf) return dc_error_set(err, DC_E_NOMEM, "out of memory sorting");
    return DC_OK;
}

static dc_err write_all(dc_sorter *s, const uint8_t *p, size_t n, dc_error *err)
{
    while (n > 0) {
        ssize_t w = pwrite(s->fd, p, n, (off_t)s->file_end);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return io_error(s, "writing", err);
        p += w;
        n -= (size_t)w;
        s->file_end += (uint64_t)w;
    }
    return DC_OK;
}

static dc_err flush_writes(dc_sorter *s, dc_error *err)
{
    dc_err rc = write_all(s, s->wbuf, s->wlen, err);
    s->wlen = 0;
    return rc;
}

static dc_err put_bytes(dc_sorter *s, const uint8_t *p, size_t n, dc_error *err)
{
    if (s->wlen + n > WRITE_BUFFER) {
        dc_err rc = flush_writes(s, err);
        if (rc != DC_OK) return rc;
        if (n > WRITE_BUFFER) return write_all(s, p, n, err);
    }
    memcpy(s->wbuf + s->wlen, p, n);
    s->wlen += n;
    return DC_OK;
}

/* (tie, offset) order of two records with the same key. */
static int tie_cmp(const uint8_t *mem, const entry *a, const entry *b)
{
    const uint8_t *ra = mem + a->value, *rb = mem + b->value;
    size_t la = ra[8], lb = rb[8];
    int c = memcmp(ra + REC_HEAD, rb + REC_HEAD, la < lb ? la : lb);
    if (c == 0) c = (la > lb) - (la < lb);
    if (c == 0) c = (a->value > b->value) - (a->value < b->value);
    return c;
}

static int tie_cmp_r(const void *a, const void *b, void *mem)
{
    return tie_cmp(mem, a, b);
}

dc_keyed *dc_radix_sort(dc_keyed *a, dc_keyed *tmp, size_t n)
{
    dc_keyed *src = a, *dst = tmp;
    size_t count[8][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        for (int byte = 0; byte < 8; byte++)
            count[byte][(src[i].key >> (8 * byte)) & 255]++;
    for (int byte = 0; n > 1 && byte < 8; byte++) {
        if (count[byte][(src[0].key >> (8 * byte)) & 255] == n) continue;
        size_t offset = 0;
        for (int v = 0; v < 256; v++) {
            size_t c = count[byte][v];
            count[byte][v] = offset;
            offset += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[byte][(src[i].key >> (8 * byte)) & 255]++] = src[i];
        dc_keyed *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* A run's entries by key into the gap below them, then each range of equal
 * keys by (tie, offset). */
static void sort_run(area *h)
{
    size_t n = h->nentries;
    entry *src = dc_radix_sort(entries_of(h), entries_of(h) - n, n);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && src[j].key == src[i].key; j++) {
        }
        if (j - i < 2) continue;
        if (j - i <= 16) {
            for (size_t a = i + 1; a < j; a++)
                for (size_t b = a; b > i && tie_cmp(h->base, &src[b - 1], &src[b]) > 0; b--) {
                    entry t = src[b];
                    src[b] = src[b - 1];
                    src[b - 1] = t;
                }
        } else {
            qsort_r(src + i, j - i, sizeof *src, tie_cmp_r, h->base);
        }
    }
    h->sorted = src;
}

/* Sort half @p h and append it to the spill file as a run: on the job's
 * thread, which alone touches the file, its buffer and the runs meanwhile. */
static dc_err write_run(dc_sorter *s, area *h, dc_error *err)
{
    dc_err rc = DC_OK;
    if (s->nruns == s->capruns) {
        uint32_t cap = s->capruns ? 2 * s->capruns : 16;
        run *r = realloc(s->runs, cap * sizeof *r);
        if (!r) return dc_error_set(err, DC_E_NOMEM, "out of memory sorting");
        s->runs = r;
        s->capruns = cap;
    }
    sort_run(h);
    uint64_t start = s->file_end;
    for (size_t i = 0; rc == DC_OK && i < h->nentries; i++) {
        const uint8_t *r = h->base + h->sorted[i].value;
        rc = put_bytes(s, r, rec_size(r), err);
    }
    if (rc == DC_OK) rc = flush_writes(s, err);
    if (rc != DC_OK) return rc;
    s->runs[s->nruns++] = (run){start, s->file_end - start};
    s->written_runs++;
    return DC_OK;
}

static void *job_main(void *arg)
{
    dc_sorter *s = arg;
    s->job_rc = write_run(s, &s->half[s->job_area], &s->job_err);
    return NULL;
}

/* Wait for the run being written; its error, if any, into @p err. */
static dc_err wait_job(dc_sorter *s, dc_error *err)
{
    if (!s->job_running) return DC_OK;
    pthread_join(s->job, NULL);
    s->job_running = 0;
    dc_err rc = s->job_rc;
    if (rc != DC_OK && err) *err = s->job_err;
    return rc;
}

/* Hand the half being filled to the job (after the one before it is
 * done) and go on filling the other. */
static dc_err spill(dc_sorter *s, dc_error *err)
{
    ahead_stop(s);
    dc_err rc = wait_job(s, err);
    if (rc == DC_OK && s->fd < 0) rc = open_spill(s, err);
    if (rc != DC_OK) return rc;
    s->spilling = 1;
    s->job_area = s->cur;
    s->job_rc = DC_OK;
    if (pthread_create(&s->job, NULL, job_main, s) == 0)
        s->job_running = 1;
    else if ((rc = write_run(s, &s->half[s->cur], err)) != DC_OK)
        return rc;
    s->cur ^= 1;
    s->half[s->cur].used = 0;
    s->half[s->cur].nentries = 0;
    s->half[s->cur].sorted = NULL;
    return DC_OK;
}

dc_err dc_sorter_add(dc_sorter *s, uint64_t key, const void *tie, size_t tlen,
                     const void *data, size_t dlen, dc_error *err)
{
    if (tlen > 255 || dlen > 65535)
        return dc_error_set(err, DC_E_INVALID_ARG, "a sort record over its limits");
    size_t need = REC_HEAD + tlen + dlen;
    area *h = &s->half[s->cur];
    if (!s->spilling && h->used >= s->kick) ahead_move(s, h);
    if (h->used + need + 2 * (h->nentries + 1) * sizeof(entry) > h->cap) {
        dc_err rc = spill(s, err);
        if (rc != DC_OK) return rc;
        h = &s->half[s->cur];
    }
    uint8_t *r = h->base + h->used;
    memcpy(r, &key, 8);
    r[8] = (uint8_t)tlen;
    r[9] = (uint8_t)dlen;
    r[10] = (uint8_t)(dlen >> 8);
    if (tlen) memcpy(r + REC_HEAD, tie, tlen);
    if (dlen) memcpy(r + REC_HEAD + tlen, data, dlen);
    h->nentries++;
    *entries_of(h) = (entry){key, h->used};
    h->used += need;
    s->count++;
    return DC_OK;
}

/* ---- merging runs ---- */

static int reader_fill(dc_sorter *s, reader *r, dc_error *err)
{
    size_t left = r->len - r->start;
    memmove(r->buf, r->buf + r->start, left);
    r->start = 0;
    r->len = left;
    size_t want = r->cap - left;
    if (want > r->end - r->pos) want = (size_t)(r->end - r->pos);
    while (want > 0) {
        ssize_t got = pread(s->fd, r->buf + r->len, want, (off_t)r->pos);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            if (got == 0) errno = EIO;
            io_error(s, "reading", err);
            return -1;
        }
        r->len += (size_t)got;
        r->pos += (uint64_t)got;
        want -= (size_t)got;
    }
    return 0;
}

/* Step @p r to its next record (r->rec NULL at its end). */
static int reader_step(dc_sorter *s, reader *r, dc_error *err)
{
    if (r->len - r->start < REC_HEAD ||
        r->len - r->start < rec_size(r->buf + r->start)) {
        if (reader_fill(s, r, err) < 0) return -1;
    }
    if (r->len == r->start) {
        r->rec = NULL;
        return 0;
    }
    if (r->len - r->start < REC_HEAD || r->len - r->start < rec_size(r->buf + r->start)) {
        errno = EIO;
        io_error(s, "reading (a record cut short in)", err);
        return -1;
    }
    r->rec = r->buf + r->start;
    r->start += rec_size(r->rec);
    return 0;
}

/* Record order, then run order: a < b. */
static int rec_less(const reader *rd, uint32_t a, uint32_t b)
{
    const uint8_t *ra = rd[a].rec, *rb = rd[b].rec;
    uint64_t ka = get64(ra), kb = get64(rb);
    if (ka != kb) return ka < kb;
    size_t la = ra[8], lb = rb[8];
    int c = memcmp(ra + REC_HEAD, rb + REC_HEAD, la < lb ? la : lb);
    if (c != 0) return c < 0;
    if (la != lb) return la < lb;
    return a < b;
}

static void sift_down(dc_sorter *s, uint32_t i)
{
    uint32_t *h = s->heap, n = s->nheap;
    for (;;) {
        uint32_t l = 2 * i + 1, m = i;
        if (l < n && rec_less(s->readers, h[l], h[m])) m = l;
        if (l + 1 < n && rec_less(s->readers, h[l + 1], h[m])) m = l + 1;
        if (m == i) return;
        uint32_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* Start merging runs [first, first + n), each read through a share of the
 * block. */
static dc_err merge_start(dc_sorter *s, uint32_t first, uint32_t n, size_t share,
                          dc_error *err)
{
    if (share > READ_SHARE_MAX) share = READ_SHARE_MAX;
    s->pending = 0;
    free(s->readers);
    free(s->heap);
    s->readers = calloc(n, sizeof *s->readers);
    s->heap = calloc(n, sizeof *s->heap);
    if (!s->readers || !s->heap) return dc_error_set(err, DC_E_NOMEM, "out of memory sorting");
    s->nheap = 0;
    for (uint32_t i = 0; i < n; i++) {
        reader *r = &s->readers[i];
        r->pos = s->runs[first + i].off;
        r->end = r->pos + s->runs[first + i].len;
        r->buf = s->mem + (size_t)i * share;
        r->cap = share;
        if (reader_step(s, r, err) < 0) return DC_E_IO;
        if (r->rec) s->heap[s->nheap++] = i;
    }
    for (uint32_t i = s->nheap / 2; i-- > 0;)
        sift_down(s, i);
    return DC_OK;
}

/* The merge's smallest record, or NULL at its end. It stays in its
 * reader's buffer until merge_advance steps that reader. */
static const uint8_t *merge_top(const dc_sorter *s)
{
    return s->nheap ? s->readers[s->heap[0]].rec : NULL;
}

static int merge_advance(dc_sorter *s, dc_error *err)
{
    reader *r = &s->readers[s->heap[0]];
    if (reader_step(s, r, err) < 0) return -1;
    if (!r->rec) s->heap[0] = s->heap[--s->nheap];
    if (s->nheap) sift_down(s, 0);
    return 0;
}

/* Merge the first runs into one, until each run left has a share of the
 * block of at least READ_SHARE_MIN. */
static dc_err reduce_runs(dc_sorter *s, dc_error *err)
{
    uint32_t fan = (uint32_t)(s->size / READ_SHARE_MIN);
    while (s->nruns > fan) {
        uint32_t n = fan;
        dc_err rc = merge_start(s, 0, n, READ_SHARE_MIN, err);
        if (rc != DC_OK) return rc;
        uint64_t start = s->file_end;
        for (const uint8_t *rec; (rec = merge_top(s)) != NULL;) {
            rc = put_bytes(s, rec, rec_size(rec), err);
            if (rc != DC_OK) return rc;
            if (merge_advance(s, err) < 0) return DC_E_IO;
        }
        rc = flush_writes(s, err);
        if (rc != DC_OK) return rc;
#ifdef FALLOC_FL_PUNCH_HOLE
        for (uint32_t i = 0; i < n; i++) /* give the merged runs' space back */
            (void)fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                            (off_t)s->runs[i].off, (off_t)s->runs[i].len);
#endif
        s->runs[0] = (run){start, s->file_end - start};
        memmove(s->runs + 1, s->runs + n, (s->nruns - n) * sizeof *s->runs);
        s->nruns -= n - 1;
    }
    return DC_OK;
}

dc_err dc_sorter_finish(dc_sorter *s, dc_error *err)
{
    ahead_stop(s);
    if (!s->spilling) {
        sort_run(&s->half[s->cur]);
        s->pos = 0;
        return DC_OK;
    }
    dc_err rc = s->half[s->cur].nentries ? spill(s, err) : DC_OK;
    if (rc == DC_OK) rc = wait_job(s, err);
    if (rc == DC_OK) rc = reduce_runs(s, err);
    free(s->wbuf);
    s->wbuf = NULL;
    /* Every record is in the runs now: give the block's pages back, so the
     * merge holds only its readers' shares while the index is written (and
     * the search data and the zone grid are built beside it). */
    if (rc == DC_OK) (void)madvise(s->mem, s->size, MADV_DONTNEED);
    if (rc == DC_OK) rc = merge_start(s, 0, s->nruns, s->size / s->nruns, err);
    return rc;
}

dc_err dc_sorter_rewind(dc_sorter *s, dc_error *err)
{
    if (!s->spilling) {
        s->pos = 0;
        return DC_OK;
    }
    return merge_start(s, 0, s->nruns, s->size / s->nruns, err);
}

static void unpack(const uint8_t *r, dc_sorted *out)
{
    out->key = get64(r);
    out->tlen = r[8];
    out->dlen = (size_t)r[9] | (size_t)r[10] << 8;
    out->tie = r + REC_HEAD;
    out->data = r + REC_HEAD + out->tlen;
}

int dc_sorter_next(dc_sorter *s, dc_sorted *out, dc_error *err)
{
    if (!s->spilling) {
        const area *h = &s->half[s->cur];
        if (s->pos >= h->nentries) return 0;
        unpack(h->base + h->sorted[s->pos++].value, out);
        return 1;
    }
    /* The record handed out last time was left in its reader until now. */
    if (s->pending && merge_advance(s, err) < 0) return -1;
    const uint8_t *rec = merge_top(s);
    s->pending = rec != NULL;
    if (!rec) return 0;
    unpack(rec, out);
    return 1;
}
