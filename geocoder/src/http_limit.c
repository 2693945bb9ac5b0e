/*
 * http_limit.c - per-client rate limits: requests, and records (the
 * households a request can return: 1 a code, a reverse lookup its limit,
 * a batch the sum of its items'), per minute per client address.
 *
 * Each address has two token buckets that refill at LIMIT/60 a second up
 * to LIMIT: a burst of a minute's allowance, then the steady rate. An IPv6
 * client is keyed by its /64 (one host holds a whole /64). The table is
 * fixed (DC_LIMIT_SLOTS addresses): a new address takes an unused slot
 * of its probe window first, else the one seen longest ago, so an
 * attacker with many addresses can reset a few others' buckets but never
 * grow the server's memory. Loopback is not limited unless asked for:
 * behind a proxy on the same host every client is the proxy.
 */
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_internal.h"

#define PROBES 8

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The key of an address: IPv4 as ::ffff:a.b.c.d, IPv6 its /64. False for
 * loopback (127/8, ::1, ::ffff:127/104) and for what is not IP. */
static bool client_key(const struct sockaddr *sa, unsigned char key[16], bool *loopback)
{
    memset(key, 0, 16);
    if (sa && sa->sa_family == AF_INET) {
        const unsigned char *a =
            (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
        key[10] = key[11] = 0xff;
        memcpy(key + 12, a, 4);
        *loopback = a[0] == 127;
        return true;
    }
    if (sa && sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        bool mapped = IN6_IS_ADDR_V4MAPPED(a);
        memcpy(key, a->s6_addr, mapped ? 16 : 8);
        *loopback = IN6_IS_ADDR_LOOPBACK(a) || (mapped && a->s6_addr[12] == 127);
        return true;
    }
    return false;
}

static size_t slot_of(const unsigned char key[16])
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (int i = 0; i < 16; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    return (size_t)(h % DC_LIMIT_SLOTS);
}

/* Refill @p tokens (of a bucket last filled @p dt seconds ago). */
static double refill(double tokens, double dt, unsigned per_minute)
{
    double t = tokens + dt * per_minute / 60.0;
    return t > per_minute ? per_minute : t;
}

/* The bucket of @p key, found or taken (lock held). */
static dc_limit_bucket *bucket_for(dc_limits *l, const unsigned char key[16], double now,
                                   unsigned req_limit, unsigned rec_limit)
{
    size_t base = slot_of(key);
    dc_limit_bucket *victim = NULL;
    for (size_t i = 0; i < PROBES; i++) {
        dc_limit_bucket *b = &l->slots[(base + i) % DC_LIMIT_SLOTS];
        if (b->used && memcmp(b->key, key, 16) == 0) return b;
        if (!victim || !b->used || b->seen < victim->seen) victim = b;
    }
    memcpy(victim->key, key, 16);
    victim->used = true;
    victim->requests = req_limit;
    victim->records = rec_limit;
    victim->seen = now;
    return victim;
}

/* Take @p n tokens of a limit; 0 when taken, else the seconds to wait. */
static unsigned take(double *tokens, double need, unsigned per_minute)
{
    if (!per_minute) return 0; /* this limit is off */
    if (need > per_minute) need = per_minute;
    if (*tokens >= need) {
        *tokens -= need;
        return 0;
    }
    return (unsigned)ceil((need - *tokens) * 60.0 / per_minute);
}

unsigned dc_limits_charge(dc_http *srv, const struct sockaddr *client, uint64_t requests,
                          uint64_t records, dc_limit_kind *which)
{
    dc_limits *l = &srv->limits;
    const dc_http_config *c = &srv->config;
    unsigned char key[16];
    bool loopback = false;
    unsigned req_limit = c->rate_limit == DC_HTTP_NO_LIMIT ? 0 : c->rate_limit;
    unsigned rec_limit = c->record_limit == DC_HTTP_NO_LIMIT ? 0 : c->record_limit;
    if ((!req_limit && !rec_limit) || !client_key(client, key, &loopback)) return 0;
    if (loopback && !c->rate_limit_loopback) return 0;
    double now = now_s();
    pthread_mutex_lock(&l->lock);
    dc_limit_bucket *b = bucket_for(l, key, now, req_limit, rec_limit);
    double dt = now - b->seen;
    b->seen = now;
    if (req_limit) b->requests = refill(b->requests, dt, req_limit);
    if (rec_limit) b->records = refill(b->records, dt, rec_limit);
    /* A request refused for its records still counts as a request. */
    unsigned wait = take(&b->requests, (double)requests, req_limit);
    *which = DC_LIMIT_REQUESTS;
    if (!wait) {
        wait = take(&b->records, (double)records, rec_limit);
        *which = DC_LIMIT_RECORDS;
    }
    pthread_mutex_unlock(&l->lock);
    if (wait) atomic_fetch_add(&srv->metrics.rate_limited[*which], 1);
    return wait;
}

dc_err dc_limits_init(dc_http *srv, dc_error *err)
{
    srv->limits.slots = calloc(DC_LIMIT_SLOTS, sizeof *srv->limits.slots);
    if (!srv->limits.slots) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    pthread_mutex_init(&srv->limits.lock, NULL);
    srv->limits.ready = true;
    return DC_OK;
}

void dc_limits_free(dc_http *srv)
{
    if (!srv->limits.ready) return;
    pthread_mutex_destroy(&srv->limits.lock);
    free(srv->limits.slots);
    srv->limits.ready = false;
}
