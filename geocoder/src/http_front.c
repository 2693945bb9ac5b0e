/*
 * http_front.c - the front door (see http_front.h). libmicrohttpd 0.9.75
 * answers a request it cannot parse before any of our callbacks runs, with
 * compiled-in HTML it has no option to replace. So the service listens
 * itself: each new connection waits here, on one epoll thread, until the
 * head of its first request is in. It is peeked (recv MSG_PEEK), never
 * read, so a head that passes is handed to libmicrohttpd untouched
 * (MHD_add_connection, which calls the accept policy and applies the
 * per-address cap as its own accept does). A head libmicrohttpd would
 * refuse gets the API's JSON error here, and the connection is closed.
 *
 * Only a connection's first request is seen: a later one on a kept-alive
 * connection is libmicrohttpd's alone, as are bodies (chunked framing).
 *
 * The cost is one more wake per new connection (the first bytes of a
 * request arrive after the accept); requests on kept-alive connections
 * never come here.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "http_front.h"
#include "http_internal.h"
#include "http_reply.h"

/* An answered connection is read (and what it sends dropped) until the
 * client closes or this passes: closing on unread bytes would make the
 * kernel send a reset that can destroy the answer on its way. */
#define LINGER_MS 2000
/* New connections taken in one wake, between two looks at the bytes of
 * those already held. */
#define ACCEPT_BATCH 32

/* ---- the connections it holds ---------------------------------------------- */

typedef struct front_conn {
    struct front_conn *prev, *next;
    int fd;
    bool answered; /* refused: read and dropped until the client closes */
    int64_t deadline_ns;
    struct sockaddr_storage addr;
    socklen_t addr_len;
} front_conn;

/* Connections in order of arrival, so of deadline: each list's head is
 * the first to expire. */
typedef struct front_list {
    front_conn *head, *tail;
    unsigned count;
} front_list;

struct dc_front {
    dc_http *srv;
    int listen_fd, epoll_fd, stop_fd, quiesce_fd;
    uint16_t port;
    bool started;
    pthread_t thread;
    size_t head_max;
    unsigned cap;                 /* connections held at most, both lists */
    front_list waiting, answered; /* for a head; refused, lingering */
    atomic_uint waiting_count;    /* waiting.count, for other threads */
    char *peek;                   /* head_max + 1 bytes */
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void list_append(front_list *l, front_conn *k)
{
    k->next = NULL;
    k->prev = l->tail;
    if (l->tail)
        l->tail->next = k;
    else
        l->head = k;
    l->tail = k;
    l->count++;
}

static void list_remove(front_list *l, front_conn *k)
{
    if (k->prev)
        k->prev->next = k->next;
    else
        l->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    else
        l->tail = k->prev;
    l->count--;
}

static front_list *list_of(dc_front *f, front_conn *k)
{
    return k->answered ? &f->answered : &f->waiting;
}

static void count_waiting(dc_front *f)
{
    atomic_store_explicit(&f->waiting_count, f->waiting.count, memory_order_relaxed);
}

/* Close and forget @p k (closing takes it out of the epoll set). */
static void conn_close(dc_front *f, front_conn *k)
{
    atomic_fetch_sub_explicit(&f->srv->metrics.connections, 1, memory_order_relaxed);
    list_remove(list_of(f, k), k);
    count_waiting(f);
    close(k->fd);
    free(k);
}

/* ---- answering a refused head ----------------------------------------------- */

static dc_api_error api_error_of(dc_front_verdict v)
{
    switch (v) {
    case DC_FRONT_BAD_HEADER:
        return DC_API_BAD_HEADER;
    case DC_FRONT_URI_TOO_LONG:
        return DC_API_URI_TOO_LONG;
    case DC_FRONT_TOO_LARGE:
        return DC_API_HEADERS_TOO_LARGE;
    case DC_FRONT_VERSION:
        return DC_API_HTTP_VERSION;
    default:
        return DC_API_BAD_REQUEST_LINE;
    }
}

/* The origin an answer allows without reading the request's Origin (which
 * a refused head may not have whole): "*", or the one origin configured;
 * NULL with a list (the browser keeps the answer from the page). */
static const char *front_origin(const dc_http *srv)
{
    if (srv->cors_any) return "*";
    return srv->norigins == 1 ? srv->origins[0] : NULL;
}

/* The answer dc_http_send_error gives, with Connection: close, into
 * @p out; its length, or 0 when it does not fit. */
static size_t format_error(dc_http *srv, dc_api_error e, const char *why, char *out,
                           size_t size)
{
    char date[64], extra[512];
    struct tm tm;
    time_t now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    const char *origin = front_origin(srv);
    int n = snprintf(extra, sizeof extra, "Date: %s\r\n%s%s%s", date,
                     origin ? "Access-Control-Allow-Origin: " : "", origin ? origin : "",
                     origin ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof extra) return 0;
    return dc_http_raw_error(srv, e, why, extra, out, size, NULL);
}

/* Read and drop what the client sends; false once it has closed. */
static bool drain(int fd)
{
    char sink[4096];
    for (;;) {
        ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0) continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
}

/* Answer @p k's head with the JSON error and half-close: the answer and a
 * FIN go out, then what the client still sends is read until it closes
 * (or LINGER_MS pass). */
static void refuse(dc_front *f, front_conn *k, dc_front_verdict v, const char *why)
{
    char answer[2048];
    size_t n = format_error(f->srv, api_error_of(v), why, answer, sizeof answer);
    /* A few hundred bytes on a fresh socket buffer: one send. */
    if (n && send(k->fd, answer, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) n = 0;
    shutdown(k->fd, SHUT_WR);
    list_remove(&f->waiting, k);
    count_waiting(f);
    k->answered = true;
    k->deadline_ns = mono_ns() + (int64_t)LINGER_MS * 1000000;
    list_append(&f->answered, k);
    if (!drain(k->fd)) conn_close(f, k);
}

/* ---- handing over ---------------------------------------------------------- */

/* Give @p k to libmicrohttpd, which closes the socket itself when it
 * refuses it (its accept policy, dc_conns_accept, or the per-address
 * cap). */
static void hand_over(dc_front *f, front_conn *k)
{
    epoll_ctl(f->epoll_fd, EPOLL_CTL_DEL, k->fd, NULL);
    list_remove(&f->waiting, k);
    count_waiting(f);
    /* Counted again by libmicrohttpd's connection callback. */
    atomic_fetch_sub_explicit(&f->srv->metrics.connections, 1, memory_order_relaxed);
    MHD_add_connection(f->srv->daemon, k->fd, (const struct sockaddr *)&k->addr,
                       k->addr_len);
    free(k);
}

/* Bytes, or the client's end, on @p k. */
static void conn_event(dc_front *f, front_conn *k, uint32_t events)
{
    if (k->answered) {
        if (!drain(k->fd)) conn_close(f, k);
        return;
    }
    ssize_t n = recv(k->fd, f->peek, f->head_max + 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) { /* closed, or reset, before a head: nothing to answer */
        conn_close(f, k);
        return;
    }
    const char *why = NULL;
    dc_front_verdict v = dc_front_judge(f->peek, (size_t)n, f->head_max, &why);
    if (v == DC_FRONT_OK)
        hand_over(f, k);
    else if (v != DC_FRONT_MORE)
        refuse(f, k, v, why);
    else if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        conn_close(f, k); /* the head can never be complete */
}

/* ---- accepting -------------------------------------------------------------- */

static bool same_address(const struct sockaddr_storage *a,
                         const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) return false;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (a->ss_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr,
                      sizeof(struct in6_addr)) == 0;
    return false;
}

/* Whether a new connection from @p addr may wait here: the address's
 * heads in waiting stay under per_ip_connections (libmicrohttpd counts
 * those handed over), and past the cap the oldest waiting one (else the
 * oldest lingering one) makes room, as dc_conns_accept does. */
static bool admit(dc_front *f, const struct sockaddr_storage *addr)
{
    dc_http *srv = f->srv;
    unsigned same = 0;
    for (front_conn *k = f->waiting.head; k; k = k->next)
        if (same_address(&k->addr, addr) && ++same >= srv->config.per_ip_connections)
            goto refused;
    if (f->waiting.count + f->answered.count < f->cap) return true;
    if (f->waiting.head) {
        conn_close(f, f->waiting.head);
        atomic_fetch_add(&srv->metrics.evicted, 1);
    } else if (f->answered.head) {
        conn_close(f, f->answered.head);
    }
    return true;
refused:
    atomic_fetch_add(&srv->metrics.refused, 1);
    return false;
}

/* How long a head may take to come in: the request deadline, or the idle
 * timeout when that is shorter (a client that sent half a head and went
 * quiet is idle). One value for every connection, so the waiting list in
 * arrival order is in deadline order too. */
static int64_t head_wait_ns(const dc_front *f)
{
    unsigned s = f->srv->config.request_timeout_s;
    if (f->srv->config.timeout_s && f->srv->config.timeout_s < s) s = f->srv->config.timeout_s;
    return (int64_t)s * 1000000000;
}

/* Accept what the backlog holds, up to ACCEPT_BATCH a wake (the listening
 * socket is level-triggered: the rest wake the thread again), so a flood
 * of new connections cannot push out, before its bytes are even looked
 * at, a client whose head is already in. Each new connection's head is
 * judged at once: one that came complete with its connection is handed
 * over without waiting in line. Returns how many were accepted. */
static unsigned accept_some(dc_front *f)
{
    unsigned taken = 0;
    for (; taken < ACCEPT_BATCH; taken++) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof addr;
        int fd = accept4(f->listen_fd, (struct sockaddr *)&addr, &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            /* Out of descriptors: the backlog keeps the connection, the
             * listening socket stays ready; pause rather than spin. */
            if (errno == EMFILE || errno == ENFILE) {
                const struct timespec pause = {0, 10000000};
                nanosleep(&pause, NULL);
            }
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return taken;
        }
        front_conn *k = admit(f, &addr) ? calloc(1, sizeof *k) : NULL;
        if (!k) {
            close(fd);
            continue;
        }
        k->fd = fd;
        k->addr = addr;
        k->addr_len = len;
        k->deadline_ns = mono_ns() + head_wait_ns(f);
        /* Edge-triggered: a peek leaves the bytes readable, so only new
         * bytes (or the client's end) wake the thread again. */
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = k};
        if (epoll_ctl(f->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            free(k);
            continue;
        }
        list_append(&f->waiting, k);
        count_waiting(f);
        atomic_fetch_add_explicit(&f->srv->metrics.connections, 1, memory_order_relaxed);
        conn_event(f, k, EPOLLIN);
    }
    return taken;
}

/* Close the listening socket, so that the system refuses new connections
 * (a proxy sends their requests to another replica, whatever the method:
 * none was sent). What the backlog holds is accepted first, to be
 * answered: a connection closed with the listener would be reset after
 * its client had sent its request. Connections already accepted are
 * answered as before. */
static void stop_listening(dc_front *f)
{
    if (f->listen_fd < 0) return;
    while (accept_some(f) == ACCEPT_BATCH) {
    }
    epoll_ctl(f->epoll_fd, EPOLL_CTL_DEL, f->listen_fd, NULL);
    close(f->listen_fd);
    f->listen_fd = -1;
}

/* ---- the thread -------------------------------------------------------------- */

/* End what passed its deadline: a head not in within request_timeout
 * (counted as the watchdog counts its own), a refused client that does
 * not close. */
static void expire(dc_front *f, int64_t now)
{
    while (f->waiting.head && f->waiting.head->deadline_ns <= now) {
        conn_close(f, f->waiting.head);
        atomic_fetch_add(&f->srv->metrics.timed_out, 1);
    }
    while (f->answered.head && f->answered.head->deadline_ns <= now)
        conn_close(f, f->answered.head);
}

/* Milliseconds until the next deadline, at most a second. */
static int next_wake_ms(const dc_front *f, int64_t now)
{
    int64_t next = now + 1000000000;
    if (f->waiting.head && f->waiting.head->deadline_ns < next)
        next = f->waiting.head->deadline_ns;
    if (f->answered.head && f->answered.head->deadline_ns < next)
        next = f->answered.head->deadline_ns;
    return next <= now ? 0 : (int)((next - now + 999999) / 1000000);
}

static void *front_main(void *arg)
{
    dc_front *f = arg;
    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(f->epoll_fd, events, 64, next_wake_ms(f, mono_ns()));
        bool listen_ready = false;
        for (int i = 0; i < n; i++) {
            void *p = events[i].data.ptr;
            if (p == &f->stop_fd) return NULL;
            if (p == &f->quiesce_fd)
                stop_listening(f);
            else if (p == f)
                listen_ready = true;
            else
                conn_event(f, p, events[i].events);
        }
        /* After the connections' events: accepting may end one of them. */
        if (listen_ready && f->listen_fd >= 0) accept_some(f);
        expire(f, mono_ns());
    }
}

/* ---- start and stop ---------------------------------------------------------- */

/* The most connections to hold: max_connections, within the descriptors
 * libmicrohttpd's own limit leaves. */
static unsigned front_cap(const dc_http *srv)
{
    unsigned cap = srv->config.max_connections;
    unsigned mhd = cap + cap / 4 + 16 + 64;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t room = rl.rlim_cur > mhd + 16 ? rl.rlim_cur - mhd : 16;
        if (room < cap) cap = (unsigned)room;
    }
    return cap;
}

static dc_err front_listen(dc_front *f, const struct sockaddr_storage *addr,
                           dc_error *err)
{
    int one = 1;
    socklen_t len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                : sizeof(struct sockaddr_in);
    f->listen_fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (f->listen_fd < 0)
        return dc_error_set(err, DC_E_IO, "socket: %s", strerror(errno));
    setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr->ss_family == AF_INET6)
        setsockopt(f->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(f->listen_fd, (const struct sockaddr *)addr, len) != 0 ||
        listen(f->listen_fd, 1024) != 0)
        return dc_error_set(err, DC_E_IO, "cannot listen on %s port %u: %s",
                            f->srv->config.host, (unsigned)f->srv->config.port,
                            strerror(errno));
    struct sockaddr_storage bound;
    len = sizeof bound;
    if (getsockname(f->listen_fd, (struct sockaddr *)&bound, &len) != 0)
        return dc_error_set(err, DC_E_IO, "getsockname: %s", strerror(errno));
    f->port =
        ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                          : ((struct sockaddr_in *)&bound)->sin_port);
    return DC_OK;
}

static dc_err front_events(dc_front *f, dc_error *err)
{
    f->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    f->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    f->quiesce_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (f->epoll_fd < 0 || f->stop_fd < 0 || f->quiesce_fd < 0)
        return dc_error_set(err, DC_E_IO, "epoll: %s", strerror(errno));
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = f};
    struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &f->stop_fd};
    /* Edge-triggered: one wake, whatever it leaves unread. */
    struct epoll_event qev = {.events = EPOLLIN | EPOLLET, .data.ptr = &f->quiesce_fd};
    if (epoll_ctl(f->epoll_fd, EPOLL_CTL_ADD, f->listen_fd, &lev) != 0 ||
        epoll_ctl(f->epoll_fd, EPOLL_CTL_ADD, f->stop_fd, &sev) != 0 ||
        epoll_ctl(f->epoll_fd, EPOLL_CTL_ADD, f->quiesce_fd, &qev) != 0)
        return dc_error_set(err, DC_E_IO, "epoll_ctl: %s", strerror(errno));
    return DC_OK;
}

dc_err dc_front_start(dc_http *srv, const struct sockaddr_storage *addr, size_t head_max,
                      dc_front **out, dc_error *err)
{
    dc_front *f = calloc(1, sizeof *f);
    if (!f) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    f->srv = srv;
    f->listen_fd = f->epoll_fd = f->stop_fd = f->quiesce_fd = -1;
    f->head_max = head_max;
    f->cap = front_cap(srv);
    dc_err rc = (f->peek = malloc(head_max + 1))
                    ? DC_OK
                    : dc_error_set(err, DC_E_NOMEM, "out of memory");
    if (rc == DC_OK) rc = front_listen(f, addr, err);
    if (rc == DC_OK) rc = front_events(f, err);
    if (rc == DC_OK && pthread_create(&f->thread, NULL, front_main, f) != 0)
        rc = dc_error_set(err, DC_E_NOMEM, "cannot start the front door's thread");
    if (rc != DC_OK) {
        dc_front_stop(f);
        return rc;
    }
    f->started = true;
    *out = f;
    return DC_OK;
}

uint16_t dc_front_port(const dc_front *front)
{
    return front->port;
}

void dc_front_quiesce(dc_front *f)
{
    uint64_t one = 1;
    if (f && write(f->quiesce_fd, &one, sizeof one) < 0) { /* already signalled */
    }
}

unsigned dc_front_waiting(const dc_front *f)
{
    return f ? atomic_load_explicit(&f->waiting_count, memory_order_relaxed) : 0;
}

void dc_front_stop(dc_front *f)
{
    if (!f) return;
    if (f->started) {
        uint64_t one = 1;
        if (write(f->stop_fd, &one, sizeof one) < 0) { /* the thread is gone */
        }
        pthread_join(f->thread, NULL);
    }
    while (f->waiting.head)
        conn_close(f, f->waiting.head);
    while (f->answered.head)
        conn_close(f, f->answered.head);
    if (f->listen_fd >= 0) close(f->listen_fd);
    if (f->epoll_fd >= 0) close(f->epoll_fd);
    if (f->stop_fd >= 0) close(f->stop_fd);
    if (f->quiesce_fd >= 0) close(f->quiesce_fd);
    free(f->peek);
    free(f);
}
