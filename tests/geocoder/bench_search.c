/*
 * bench_search - address search and autocomplete per second and their
 * latency, beside a raw LMDB random get over the same index in the same
 * run (as bench_geocoder prints its ceiling).
 *
 *   bench_search INDEX [SECONDS_PER_RUN] [QUERIES] [cpu]
 *
 * QUERIES households (default 1000) are drawn at random (fixed seed); each
 * is written in the forms of search_forms.h (full, without tones,
 * abbreviated, reordered, without the ward, with a typo, as typed on a
 * phone, and with no locality at all). Each form is searched (limit 10, a session per
 * query, as a server does per request) with 1 and 2 threads, in ten slices interleaved
 * with the other runs; the latency of every query of the 1-thread and 2-thread runs is
 * kept for p50 and p99. Autocomplete is asked every prefix (at each character) of the
 * phone form of the first 1000 queries. Also printed: the share of queries whose first
 * answer, and whose first ten, hold the household (its house number, street and zone; any
 * zone for the form without the ward: on the simple national map, whose house numbers
 * are drawn at random, an address is often several doors; without any locality, a common
 * door such as 12 Lê Lợi is in hundreds of wards and its own is seldom in the first ten).
 * test_search_national holds these shares to issue 18's floors where an answer can be
 * told apart; here nothing is asserted. With "cpu", a query's latency is
 * the CPU time of its thread (CLOCK_THREAD_CPUTIME_ID), not the wall clock:
 * on a machine whose cores other work holds, the wall clock's p99 is the
 * wait for a core, not the search.
 */
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diachi/search.h"
#include "search_forms.h"

#define ROUNDS 10
#define MAX_QUERIES 100000
#define MAX_LATENCIES 4000000

typedef struct query {
    char text[512];
    size_t len;
    uint32_t number; /* the household */
} query;

typedef struct run {
    const char *name;
    query *queries;
    size_t n;
    bool complete, raw;
} run;

typedef struct worker {
    _Alignas(64) const run *r;
    dc_geo *geo;
    MDB_env *env;
    MDB_dbi dbi;
    const MDB_val *keys;
    size_t nkeys;
    double seconds;
    size_t next;
    uint64_t ops, misses;
    uint32_t *lat_ns; /* latencies, kept until full */
    size_t nlat, caplat;
    const query *slowest; /* the query that took longest, and how long */
    int64_t slowest_ns;
} worker;

static clockid_t latency_clock = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t rnd(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

static void raw_loop(worker *w)
{
    MDB_txn *txn = NULL;
    double end = now() + w->seconds;
    mdb_txn_begin(w->env, NULL, MDB_RDONLY, &txn);
    while (now() < end) {
        for (int i = 0; i < 1000; i++) {
            MDB_val k = w->keys[w->next++ % w->nkeys], v;
            if (mdb_get(txn, w->dbi, &k, &v) != 0) w->misses++;
        }
        w->ops += 1000;
    }
    mdb_txn_abort(txn);
}

static void search_loop(worker *w)
{
    static _Thread_local dc_search_result result;
    static _Thread_local dc_complete_result answers;
    dc_search_options opt = {.limit = 10};
    double end = now() + w->seconds;
    while (now() < end) {
        for (int i = 0; i < 100; i++) {
            const query *q = &w->r->queries[w->next++ % w->r->n];
            struct timespec a, b;
            dc_geo_session *s;
            clock_gettime(latency_clock, &a);
            dc_err rc = dc_geo_session_begin(w->geo, &s);
            if (rc == DC_OK)
                rc = w->r->complete
                         ? dc_search_complete(s, q->text, q->len, &answers, NULL)
                         : dc_search(s, q->text, q->len, &opt, &result, NULL);
            dc_geo_session_end(s);
            clock_gettime(latency_clock, &b);
            if (rc != DC_OK) w->misses++;
            int64_t ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
            if (w->nlat < w->caplat) w->lat_ns[w->nlat++] = (uint32_t)(ns < 0 ? 0 : ns);
            if (ns > w->slowest_ns) w->slowest_ns = ns, w->slowest = q;
        }
        w->ops += 100;
    }
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    if (w->r->raw)
        raw_loop(w);
    else
        search_loop(w);
    return NULL;
}

/* The totals of a run with 1 or 2 threads, and its latencies. */
typedef struct tally {
    double ops, secs;
    uint64_t misses;
    uint32_t *lat_ns;
    size_t nlat;
    const query *slowest;
    int64_t slowest_ns;
} tally;

static void measure(const worker *proto, int threads, tally *t, int round)
{
    worker w[2];
    pthread_t th[2];
    double start = now();
    for (int i = 0; i < threads; i++) {
        w[i] = *proto;
        w[i].next = (size_t)(i * 7919 + round * 104729);
        w[i].lat_ns = t->lat_ns + t->nlat;
        w[i].caplat = (MAX_LATENCIES - t->nlat) / (size_t)threads;
        w[i].lat_ns += i * w[i].caplat;
        pthread_create(&th[i], NULL, run_worker, &w[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    t->secs += now() - start;
    /* pack the second thread's latencies after the first's */
    size_t at = t->nlat;
    for (int i = 0; i < threads; i++) {
        memmove(t->lat_ns + at, w[i].lat_ns, w[i].nlat * sizeof *t->lat_ns);
        at += w[i].nlat;
        t->ops += (double)w[i].ops;
        t->misses += w[i].misses;
        if (w[i].slowest_ns > t->slowest_ns)
            t->slowest_ns = w[i].slowest_ns, t->slowest = w[i].slowest;
    }
    t->nlat = at;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static double percentile_us(tally *t, double p)
{
    if (t->nlat == 0) return 0;
    qsort(t->lat_ns, t->nlat, sizeof *t->lat_ns, by_u32);
    size_t i = (size_t)(p * (double)(t->nlat - 1));
    return t->lat_ns[i] / 1000.0;
}

/* ---- the queries ------------------------------------------------------- */

static bool same(dc_str a, dc_str b)
{
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* Names alike, or for a query typed without tones (@p folded) alike
 * without their tones: Ấp Thanh Bình and Ấp Thành Bình of one commune are
 * one address typed so, and either answer is right (as in the tests). */
static bool same_name(dc_str a, dc_str b, bool folded)
{
    char x[512], y[512], fx[512], fy[512];
    if (same(a, b)) return true;
    if (!folded) return false;
    snprintf(x, sizeof x, "%.*s", (int)a.len, a.ptr);
    snprintf(y, sizeof y, "%.*s", (int)b.len, b.ptr);
    return search_fold(x, fx, sizeof fx) && search_fold(y, fy, sizeof fy) &&
           strcmp(fx, fy) == 0;
}

/* The household's door (its house number and street in its zone, or for
 * one without a house number its street or group) is answer @p i. */
static bool answers_at(const dc_search_result *r, size_t i, const dc_household *h,
                       bool any_ward, bool folded)
{
    const dc_search_hit *a = &r->hits[i];
    if (!any_ward && a->zone.postcode != h->postcode) return false;
    if (h->house_number.len)
        return a->match == DC_SEARCH_HOUSEHOLD &&
               same(a->household.house_number, h->house_number) &&
               same_name(a->household.street, h->street, folded);
    return (a->match == DC_SEARCH_STREET && same_name(a->name, h->street, folded)) ||
           (a->match == DC_SEARCH_GROUP && same_name(a->name, h->group, folded));
}

/* The forms of @p n random households, and how often search finds them. */
static void make_queries(dc_geo *geo, size_t n, run *runs, double right[][2])
{
    dc_geo_session *s;
    dc_search_result *r = malloc(sizeof *r);
    uint32_t households = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    unsigned seed = 42;
    unsigned found[FORM_COUNT][2] = {{0}};
    dc_geo_session_begin(geo, &s);
    for (size_t i = 0; i < n; i++) {
        dc_household h;
        dc_zone z;
        uint32_t num = rnd(&seed) % households;
        if (dc_index_household(dc_geo_session_txn(s), num, &h) != DC_OK ||
            dc_geo_zone(s, h.postcode, &z) != DC_OK)
            continue;
        for (int f = 0; f < FORM_COUNT; f++) {
            query *q = &runs[f].queries[runs[f].n];
            if (!search_form_make((search_form)f, &h, &z, num, q->text, sizeof q->text))
                continue;
            q->len = strlen(q->text);
            q->number = num;
            runs[f].n++;
            dc_search_options opt = {.limit = 10};
            if (dc_search(s, q->text, q->len, &opt, r, NULL) != DC_OK) continue;
            for (size_t k = 0; k < r->nhits; k++)
                if (answers_at(r, k, &h, f == FORM_NO_WARD,
                               f == FORM_FOLDED || f == FORM_PHONE)) {
                    found[f][0] += k == 0;
                    found[f][1]++;
                    break;
                }
        }
    }
    for (int f = 0; f < FORM_COUNT; f++) {
        right[f][0] = runs[f].n ? 100.0 * found[f][0] / runs[f].n : 0;
        right[f][1] = runs[f].n ? 100.0 * found[f][1] / runs[f].n : 0;
    }
    dc_geo_session_end(s);
    free(r);
}

/* Every prefix, at each character, of the first 1000 phone queries. */
static size_t make_prefixes(const run *phone, query *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < phone->n && i < 1000; i++) {
        const query *q = &phone->queries[i];
        for (size_t len = 1; len <= q->len && n < cap; len++) {
            if (len < q->len && ((unsigned char)q->text[len] & 0xc0) == 0x80) continue;
            memcpy(out[n].text, q->text, len);
            out[n].text[len] = '\0';
            out[n].len = len;
            out[n].number = q->number;
            n++;
        }
    }
    return n;
}

static size_t take_keys(MDB_env *env, MDB_dbi dbi, MDB_val *keys, size_t cap,
                        uint8_t *store)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k, v;
    MDB_stat st;
    size_t got = 0, i = 0;
    if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) return 0;
    mdb_stat(txn, dbi, &st);
    size_t step = st.ms_entries / cap + 1;
    if (mdb_cursor_open(txn, dbi, &cur) == 0) {
        for (int op = MDB_FIRST; got < cap && mdb_cursor_get(cur, &k, &v, op) == 0;
             op = MDB_NEXT, i++) {
            if (i % step || k.mv_size > 32) continue;
            memcpy(store + 32 * got, k.mv_data, k.mv_size);
            keys[got] = (MDB_val){k.mv_size, store + 32 * got};
            got++;
        }
        mdb_cursor_close(cur);
    }
    mdb_txn_abort(txn);
    return got;
}

static int open_raw(const char *path, MDB_env **env, MDB_dbi *dbi)
{
    MDB_txn *txn;
    if (mdb_env_create(env) || mdb_env_set_maxdbs(*env, 32) ||
        mdb_env_open(*env, path, MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOTLS,
                     0444))
        return 0;
    if (mdb_txn_begin(*env, NULL, MDB_RDONLY, &txn) || mdb_dbi_open(txn, "ids", 0, dbi))
        return 0;
    mdb_txn_commit(txn);
    return 1;
}

int main(int argc, char **argv)
{
    enum { RAW = FORM_COUNT, COMPLETE, NRUNS };
    static run runs[NRUNS];
    static MDB_val keys[200000];
    static uint8_t keystore[200000 * 32];
    double right[FORM_COUNT][2];
    dc_geo *geo;
    dc_error err;
    worker proto = {0};
    if (argc < 2) {
        fprintf(stderr, "usage: bench_search INDEX [SECONDS_PER_RUN] [QUERIES] [cpu]\n");
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 2.0;
    size_t nq = argc > 3 ? (size_t)atol(argv[3]) : 1000;
    if (nq < 1 || nq > MAX_QUERIES) nq = 1000;
    if (argc > 4 && strcmp(argv[4], "cpu") == 0) latency_clock = CLOCK_THREAD_CPUTIME_ID;
    if (dc_geo_open(argv[1], &geo, &err) != DC_OK) {
        fprintf(stderr, "bench_search: %s\n", err.message);
        return 3;
    }
    if (!open_raw(argv[1], &proto.env, &proto.dbi) ||
        (proto.nkeys = take_keys(proto.env, proto.dbi, keys, 200000, keystore)) == 0) {
        fprintf(stderr, "bench_search: cannot open %s with LMDB\n", argv[1]);
        return 3;
    }
    proto.keys = keys;
    proto.geo = geo;
    for (int f = 0; f < FORM_COUNT; f++) {
        runs[f].name = search_form_name((search_form)f);
        runs[f].queries = calloc(nq, sizeof *runs[f].queries);
    }
    make_queries(geo, nq, runs, right);
    runs[RAW] = (run){.name = "raw LMDB get (ceiling)", .raw = true};
    runs[COMPLETE].name = "autocomplete, every prefix";
    runs[COMPLETE].queries = calloc(60000, sizeof *runs[COMPLETE].queries);
    runs[COMPLETE].n = make_prefixes(&runs[FORM_PHONE], runs[COMPLETE].queries, 60000);
    runs[COMPLETE].complete = true;
    printf("index %s: %llu households, %u search entities; %zu households sampled; "
           "%.1f s per run\n",
           argv[1], (unsigned long long)dc_index_info(dc_geo_index(geo))->households,
           dc_index_search_entities(dc_geo_index(geo)), nq, seconds);
    printf("latency: %s\n", latency_clock == CLOCK_MONOTONIC
                                ? "wall clock"
                                : "the thread's CPU time (cpu)");
    printf("autocomplete: %zu prefixes of %zu phone queries\n", runs[COMPLETE].n,
           runs[FORM_PHONE].n < 1000 ? runs[FORM_PHONE].n : (size_t)1000);
    printf("%-28s %6s %11s %11s %8s %8s %8s %8s %7s %7s\n", "", "n", "1 thread/s",
           "2 threads/s", "p50 us", "p99 us", "p50 2t", "p99 2t", "top-1%", "top-10%");
    tally t[NRUNS][2];
    memset(t, 0, sizeof t);
    for (int k = 0; k < NRUNS; k++)
        for (int th = 0; th < 2; th++)
            t[k][th].lat_ns = malloc(MAX_LATENCIES * sizeof(uint32_t));
    proto.seconds = seconds / ROUNDS;
    static const int order[NRUNS] = {
        RAW,          FORM_FULL, FORM_FOLDED, FORM_ABBREV, FORM_REORDERED,
        FORM_NO_WARD, FORM_TYPO, FORM_PHONE,  FORM_BARE,   COMPLETE};
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < NRUNS; i++)
            for (int th = 0; th < 2; th++) {
                int k = order[i];
                if (!runs[k].raw && runs[k].n == 0) continue;
                proto.r = &runs[k];
                measure(&proto, th + 1, &t[k][th], r);
            }
    for (int i = 0; i < NRUNS; i++) {
        int k = order[i];
        tally *one = &t[k][0], *two = &t[k][1];
        if (one->secs == 0) continue;
        printf("%-28.28s %6zu %11.0f %11.0f", runs[k].name,
               runs[k].raw ? proto.nkeys : runs[k].n, one->ops / one->secs,
               two->ops / two->secs);
        if (runs[k].raw)
            printf("\n");
        else
            printf(" %8.1f %8.1f %8.1f %8.1f", percentile_us(one, 0.5),
                   percentile_us(one, 0.99), percentile_us(two, 0.5),
                   percentile_us(two, 0.99));
        if (k < FORM_COUNT) printf(" %7.1f %7.1f", right[k][0], right[k][1]);
        if (!runs[k].raw) printf("%s\n", one->misses + two->misses ? " (errors!)" : "");
    }
    printf("the slowest query of each run on one thread:\n");
    for (int i = 0; i < NRUNS; i++) {
        const tally *one = &t[order[i]][0];
        if (one->slowest)
            printf("  %-26.26s %9.1f us  %s\n", runs[order[i]].name,
                   one->slowest_ns / 1000.0, one->slowest->text);
    }
    mdb_env_close(proto.env);
    dc_geo_close(geo);
    return 0;
}
