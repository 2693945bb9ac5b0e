/*
 * http_conn.c - the service's connections: how many there are, and the
 * deadline each must meet. libmicrohttpd 0.9.75's timeout is an idle
 * timeout that every byte resets, so a client trickling one header byte
 * every few seconds holds a connection for ever, and at its connection
 * limit it stops accepting: new clients wait in the backlog. Here:
 *
 * - a request must be complete (headers and body) within request_timeout
 *   of its connection opening or of its request line; after an answer,
 *   the next request within timeout + request_timeout;
 * - past max_connections a new connection takes the place of the oldest
 *   one still waiting for its request (a slow client, or an idle
 *   keep-alive one), and is refused at once when every connection is
 *   being answered; libmicrohttpd's own limit sits above, never reached;
 * - a connection is ended by shutting its socket down: libmicrohttpd
 *   then reads its end and closes it, on its own thread;
 * - in a drain, the connections idle between two requests are ended
 *   (dc_conns_drain_idle) once the proxy has had time to use each again
 *   and read the answer's Connection: close.
 */
#include <errno.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "http_internal.h"

struct dc_conn {
    dc_conn *prev, *next;
    int fd;
    bool shut;                /* shut down, not yet closed by libmicrohttpd */
    atomic_llong deadline_ns; /* 0: being answered, no deadline */
    atomic_bool idle;         /* answered, no byte of the next request seen */
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t seconds_ns(unsigned s)
{
    return (int64_t)s * 1000000000;
}

/* End a connection (the lock held): libmicrohttpd sees its end and
 * closes it. */
static void conn_shut(dc_conns *cs, dc_conn *k)
{
    if (k->shut) return;
    k->shut = true;
    cs->shutting++;
    shutdown(k->fd, SHUT_RDWR);
}

/*
 * A crowd of connections (a flood of idle ones, a burst of clients) leaves
 * the allocator holding the memory they freed: measured, the heap stays at
 * 5 to 10 MB after 2,000 connections come and go where it was 1 MB, and
 * malloc_trim gives it back. Trim once a crowd of 64 or more has shrunk to
 * a quarter, at most once a second, outside the lock.
 */
static void trim_after_crowd(dc_conns *cs, int64_t now)
{
    if (cs->count > cs->crowd) cs->crowd = cs->count;
    if (cs->crowd < 64 || cs->count * 4 > cs->crowd ||
        now - cs->trimmed_ns < seconds_ns(1))
        return;
    cs->crowd = cs->count;
    cs->trimmed_ns = now;
#ifdef __GLIBC__
    pthread_mutex_unlock(&cs->lock);
    malloc_trim(0);
    pthread_mutex_lock(&cs->lock);
#endif
}

static void *watchdog(void *arg)
{
    dc_http *srv = arg;
    dc_conns *cs = &srv->conns;
    pthread_mutex_lock(&cs->lock);
    while (!cs->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200000000;
        if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
        pthread_cond_timedwait(&cs->wake, &cs->lock, &until);
        int64_t now = mono_ns();
        for (dc_conn *k = cs->head; k; k = k->next) {
            int64_t d = atomic_load(&k->deadline_ns);
            if (d && now > d && !k->shut) {
                conn_shut(cs, k);
                atomic_fetch_add(&srv->metrics.timed_out, 1);
            }
        }
        trim_after_crowd(cs, now);
    }
    pthread_mutex_unlock(&cs->lock);
    return NULL;
}

/* The connection limit the descriptors allow: the soft limit raised to
 * the hard one, less some for the index, the log and the listeners. */
static unsigned fd_capacity(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t room = rl.rlim_cur > 256 ? rl.rlim_cur - 128 : rl.rlim_cur / 2;
    return room > 1000000 ? 1000000 : (unsigned)room;
}

unsigned dc_conns_limits(dc_http *srv)
{
    unsigned room = fd_capacity();
    /* libmicrohttpd's limit: ours plus room for connections shut down
     * and not yet closed, within the descriptors. */
    unsigned ours = srv->config.max_connections;
    if (ours > room * 4 / 5) ours = room * 4 / 5;
    srv->config.max_connections = ours;
    unsigned mhd = ours + ours / 4 + 16;
    return mhd < room ? mhd : room;
}

dc_err dc_conns_start(dc_http *srv, dc_error *err)
{
    dc_conns *cs = &srv->conns;
    pthread_mutex_init(&cs->lock, NULL);
    pthread_cond_init(&cs->wake, NULL);
    if (pthread_create(&cs->thread, NULL, watchdog, srv) != 0) {
        pthread_cond_destroy(&cs->wake);
        pthread_mutex_destroy(&cs->lock);
        return dc_error_set(err, DC_E_NOMEM, "cannot start the deadline thread");
    }
    cs->started = true;
    return DC_OK;
}

void dc_conns_stop(dc_http *srv)
{
    dc_conns *cs = &srv->conns;
    if (!cs->started) return;
    pthread_mutex_lock(&cs->lock);
    cs->stopping = true;
    pthread_cond_signal(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
    pthread_join(cs->thread, NULL);
    pthread_cond_destroy(&cs->wake);
    pthread_mutex_destroy(&cs->lock);
    cs->started = false;
}

/* The oldest connection waiting for its request (the list is in order of
 * arrival), or NULL when all are being answered. */
static dc_conn *oldest_waiting(dc_conns *cs)
{
    for (dc_conn *k = cs->head; k; k = k->next)
        if (!k->shut && atomic_load(&k->deadline_ns)) return k;
    return NULL;
}

enum MHD_Result dc_conns_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    dc_http *srv = cls;
    dc_conns *cs = &srv->conns;
    enum MHD_Result ok = MHD_YES;
    (void)addr, (void)len;
    /* Draining or not: in a drain the listening socket is closed first
     * (dc_front_quiesce), so a connection handed over now was accepted
     * before, its request likely sent, and is answered. */
    pthread_mutex_lock(&cs->lock);
    if (cs->count - cs->shutting >= srv->config.max_connections) {
        dc_conn *k = oldest_waiting(cs);
        if (k) {
            conn_shut(cs, k);
            atomic_fetch_add(&srv->metrics.evicted, 1);
        } else {
            ok = MHD_NO;
            atomic_fetch_add(&srv->metrics.refused, 1);
        }
    }
    pthread_mutex_unlock(&cs->lock);
    return ok;
}

void dc_conns_opened(dc_http *srv, struct MHD_Connection *c, void **socket_context)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    dc_conns *cs = &srv->conns;
    dc_conn *k = calloc(1, sizeof *k);
    *socket_context = k;
    if (!k) return;
    k->fd = ci ? ci->connect_fd : -1;
    atomic_init(&k->deadline_ns, mono_ns() + seconds_ns(srv->config.request_timeout_s));
    pthread_mutex_lock(&cs->lock);
    k->prev = cs->tail;
    if (cs->tail)
        cs->tail->next = k;
    else
        cs->head = k;
    cs->tail = k;
    cs->count++;
    pthread_mutex_unlock(&cs->lock);
}

void dc_conns_closed(dc_http *srv, void **socket_context)
{
    dc_conns *cs = &srv->conns;
    dc_conn *k = *socket_context;
    if (!k) return;
    pthread_mutex_lock(&cs->lock);
    if (k->prev)
        k->prev->next = k->next;
    else
        cs->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    else
        cs->tail = k->prev;
    cs->count--;
    if (k->shut) cs->shutting--;
    pthread_mutex_unlock(&cs->lock);
    free(k);
    *socket_context = NULL;
}

dc_conn *dc_conns_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void dc_conns_deadline(dc_http *srv, dc_conn *k, dc_conn_phase phase)
{
    if (!k) return;
    int64_t d = 0;
    atomic_store(&k->idle, phase == DC_CONN_KEPT_ALIVE);
    if (phase == DC_CONN_REQUEST)
        d = mono_ns() + seconds_ns(srv->config.request_timeout_s);
    else if (phase == DC_CONN_KEPT_ALIVE)
        d = mono_ns() + seconds_ns(srv->config.timeout_s + srv->config.request_timeout_s);
    atomic_store(&k->deadline_ns, d);
}

/* Whether a kept-alive connection has nothing of a next request in: no
 * byte waiting (or the client has closed its end). */
static bool nothing_sent(int fd)
{
    char byte;
    ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

unsigned dc_conns_drain_idle(dc_http *srv, bool end_idle)
{
    dc_conns *cs = &srv->conns;
    pthread_mutex_lock(&cs->lock);
    for (dc_conn *k = cs->head; end_idle && k; k = k->next)
        if (!k->shut && k->fd >= 0 && atomic_load(&k->idle) && nothing_sent(k->fd))
            conn_shut(cs, k);
    unsigned open = cs->count;
    pthread_mutex_unlock(&cs->lock);
    return open;
}
