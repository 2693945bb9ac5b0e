/*
 * cli_output.c - a large output file written with O_DIRECT by a thread of
 * its own (cli_output.h).
 *
 * The stream fills buffers of OUT_BUFFER bytes in turn. A full one is
 * handed to the writer thread, which puts it on disk with pwrite at its
 * offset; the stream waits only when every buffer is full or being
 * written, that is when the disk is slower than the batch. The first
 * failed write is kept: the stream then fails too (errno set), and no
 * later buffer is written. The last part, less than a buffer, is written
 * by dc_out_file_finish: its whole blocks directly, its last partial block
 * through the page cache (O_DIRECT writes whole blocks only).
 */
#define _GNU_SOURCE /* O_DIRECT, fopencookie, sync_file_range */
#include "cli_output.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_BUFFER (4u << 20)
#define OUT_BUFFERS 3
/* O_DIRECT wants buffers, offsets and lengths aligned to the device's
 * logical block: 4096 covers 512-byte and 4 KiB ones. */
#define OUT_ALIGN 4096u
/* Through the page cache, writeback is started every this many bytes
 * (sync_file_range), so that the final fsync finds little left to do. */
#define WRITEBACK_BYTES (2u << 20)

struct dc_out_file {
    int fd;
    bool direct;
    off_t offset;  /* where the buffer being filled goes */
    size_t filled; /* its bytes */
    unsigned fill; /* the buffer being filled */
    off_t started; /* page-cache mode: where writeback was last started */
    uint8_t *buf[OUT_BUFFERS];
    pthread_t thread;
    bool thread_up;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* under lock */
    size_t len[OUT_BUFFERS]; /* a full buffer's bytes; 0 once written */
    off_t at[OUT_BUFFERS];
    bool stop;
    int error; /* errno of the first failed write */
};

/* Back to the page cache for every write. */
static bool drop_direct(dc_out_file *o)
{
    int flags = fcntl(o->fd, F_GETFL);
    if (flags < 0 || fcntl(o->fd, F_SETFL, flags & ~O_DIRECT) < 0) return false;
    o->direct = false;
    return true;
}

/* pwrite all of @p n bytes at @p at: 0 or errno. A write that O_DIRECT
 * refuses (EINVAL: a device wanting more alignment than OUT_ALIGN) is
 * done again, and every later one, through the page cache. */
static int write_at(dc_out_file *o, const uint8_t *p, size_t n, off_t at)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = pwrite(o->fd, p + done, n - done, at + (off_t)done);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0 && errno == EINVAL && o->direct) {
            if (!drop_direct(o)) return EINVAL;
            continue;
        }
        if (k < 0) return errno;
        if (k == 0) return EIO;
        done += (size_t)k;
    }
    return 0;
}

static void *writer(void *arg)
{
    dc_out_file *o = arg;
    unsigned j = 0;
    pthread_mutex_lock(&o->lock);
    for (;;) {
        while (!o->len[j] && !o->stop)
            pthread_cond_wait(&o->cond, &o->lock);
        if (!o->len[j]) break; /* stopped, nothing left */
        size_t n = o->len[j];
        off_t at = o->at[j];
        int e = o->error;
        pthread_mutex_unlock(&o->lock);
        if (!e) e = write_at(o, o->buf[j], n, at);
        pthread_mutex_lock(&o->lock);
        if (e && !o->error) o->error = e;
        o->len[j] = 0;
        pthread_cond_broadcast(&o->cond);
        j = (j + 1) % OUT_BUFFERS;
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

/* Give the full buffer to the writer and wait for the next one to be
 * free: 0 or the errno of a failed write. */
static int hand_off(dc_out_file *o)
{
    pthread_mutex_lock(&o->lock);
    o->len[o->fill] = o->filled;
    o->at[o->fill] = o->offset;
    pthread_cond_broadcast(&o->cond);
    o->offset += (off_t)o->filled;
    o->fill = (o->fill + 1) % OUT_BUFFERS;
    o->filled = 0;
    while (o->len[o->fill] && !o->error)
        pthread_cond_wait(&o->cond, &o->lock);
    int e = o->error;
    pthread_mutex_unlock(&o->lock);
    return e;
}

/* Through the page cache: write, and start writeback now and then. */
static ssize_t cached_write(dc_out_file *o, const char *p, size_t n)
{
    int e = write_at(o, (const uint8_t *)p, n, o->offset);
    if (e) {
        errno = e;
        return 0; /* as fopencookie asks on error; errno says why */
    }
    o->offset += (off_t)n;
    if ((size_t)(o->offset - o->started) >= WRITEBACK_BYTES) {
        /* only a hint: the fsync at the end reports any failure */
        sync_file_range(o->fd, o->started, o->offset - o->started, SYNC_FILE_RANGE_WRITE);
        o->started = o->offset;
    }
    return (ssize_t)n;
}

static ssize_t stream_write(void *cookie, const char *p, size_t n)
{
    dc_out_file *o = cookie;
    if (!o->thread_up) return cached_write(o, p, n);
    for (size_t done = 0; done < n;) {
        size_t k = OUT_BUFFER - o->filled < n - done ? OUT_BUFFER - o->filled : n - done;
        memcpy(o->buf[o->fill] + o->filled, p + done, k);
        o->filled += k, done += k;
        int e = o->filled == OUT_BUFFER ? hand_off(o) : 0;
        if (e) {
            errno = e;
            return 0;
        }
    }
    return (ssize_t)n;
}

/* Stop the writer once it has written what it was given (nothing more
 * after a failure). */
static void stop_writer(dc_out_file *o)
{
    if (!o->thread_up) return;
    pthread_mutex_lock(&o->lock);
    o->stop = true;
    pthread_cond_broadcast(&o->cond);
    pthread_mutex_unlock(&o->lock);
    pthread_join(o->thread, NULL);
    o->thread_up = false;
}

static int stream_close(void *cookie)
{
    dc_out_file *o = cookie;
    stop_writer(o);
    int rc = close(o->fd);
    for (int i = 0; i < OUT_BUFFERS; i++)
        free(o->buf[i]);
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->cond);
    free(o);
    return rc;
}

/* The writer thread and its buffers; false when they cannot be had (the
 * file is then written through the page cache). */
static bool start_writer(dc_out_file *o)
{
    for (int i = 0; i < OUT_BUFFERS; i++)
        if (posix_memalign((void **)&o->buf[i], OUT_ALIGN, OUT_BUFFER) != 0) return false;
    o->thread_up = pthread_create(&o->thread, NULL, writer, o) == 0;
    return o->thread_up;
}

FILE *dc_out_file_open(const char *path, dc_out_file **file)
{
    dc_out_file *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->cond, NULL);
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0666);
    o->direct = o->fd >= 0;
    if (o->fd < 0 && errno == EINVAL) /* no O_DIRECT here (tmpfs) */
        o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (o->fd < 0) {
        int e = errno;
        pthread_mutex_destroy(&o->lock);
        pthread_cond_destroy(&o->cond);
        free(o);
        errno = e;
        return NULL;
    }
    bool ok = !o->direct || start_writer(o) || drop_direct(o);
    FILE *f = ok ? fopencookie(o, "wb",
                               (cookie_io_functions_t){.write = stream_write,
                                                       .close = stream_close})
                 : NULL;
    if (!f) {
        int e = ok ? errno : EIO;
        stream_close(o);
        unlink(path);
        errno = e;
        return NULL;
    }
    *file = o;
    return f;
}

int dc_out_file_finish(FILE *stream, dc_out_file *o)
{
    int e = fflush(stream) != 0 ? errno : 0;
    if (o->thread_up) {
        stop_writer(o); /* every full buffer is on disk */
        if (!e) e = o->error;
        /* the last part: whole blocks as they are, the rest through the
         * page cache */
        size_t whole = o->filled / OUT_ALIGN * OUT_ALIGN;
        if (!e) e = write_at(o, o->buf[o->fill], whole, o->offset);
        if (!e && o->direct && whole < o->filled && !drop_direct(o)) e = errno;
        if (!e)
            e = write_at(o, o->buf[o->fill] + whole, o->filled - whole,
                         o->offset + (off_t)whole);
    }
    if (!e && fsync(o->fd) != 0) e = errno;
    if (fclose(stream) != 0 && !e) e = errno;
    return e;
}

void dc_out_file_abort(FILE *stream, dc_out_file *o)
{
    if (o->thread_up) {
        pthread_mutex_lock(&o->lock);
        if (!o->error) o->error = ECANCELED; /* what is queued is not written */
        pthread_mutex_unlock(&o->lock);
    }
    fclose(stream);
}
