/*
 * bench_geocoder - lookups per second of the engine, next to the ceiling:
 * a raw LMDB random-get loop in the same run (gets of existing household
 * ids, drawn like the engine's samples from up to 200,000 of them spread
 * evenly over them, in a B-tree of one record per household, as large as
 * households: the index's ids as format 5 stored them, an entry each,
 * rebuilt from its groups in a scratch file, bench_ids.h).
 *
 *   bench_geocoder INDEX [SECONDS_PER_RUN] [SESSION_BATCH] [RUNS]
 *
 * Each run draws from a sample of up to 200,000 households taken at random
 * (fixed seed): forward looks up their codes; reverse asks at their
 * positions moved by up to 5 m (radius 50 m, limit 1); zone-only reverse
 * asks the same points with limit 0. A session is begun and ended around
 * every SESSION_BATCH lookups (default 1: one session per lookup, as a
 * server does per request). Every run is done with 1 and 2 threads, in
 * ten slices interleaved with the other runs' (SECONDS_PER_RUN in all).
 * RUNS picks the runs besides the ceiling, any of the letters f (forward),
 * r (reverse) and z (zone-only reverse); all by default. Not a test:
 * nothing is asserted.
 */
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_ids.h"
#include "diachi/geocoder.h"

#define MAX_SAMPLE 200000
/* Slices each run is cut into, interleaved with the other runs. */
#define ROUNDS 10

typedef struct sample {
    char code[DC_CODE_COMPACT_SIZE];
    double lat, lon;
} sample;

/* A household id for the raw loop, inline: fetching one costs what
 * fetching a sample does (one 32-byte record at random). */
#define RAW_KEY_MAX 30
typedef struct raw_key {
    uint16_t size;
    uint8_t bytes[RAW_KEY_MAX];
} raw_key;

typedef enum { RUN_RAW, RUN_FORWARD, RUN_REVERSE, RUN_ZONE } run_kind;

/* Each worker on cache lines of its own: the counters one thread bumps
 * must not share a line with what the other reads. */
typedef struct worker {
    _Alignas(64) run_kind kind;
    dc_geo *geo;
    MDB_env *env;
    MDB_dbi dbi;
    const raw_key *keys; /* household ids for the raw loop */
    size_t nkeys;
    const sample *samples;
    size_t nsamples;
    uint32_t nhouseholds;
    double seconds;
    int batch;
    unsigned seed;
    int round;
    uint64_t ops, misses;
} worker;

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

/* The ceiling: random households by id, one read transaction per batch. */
static void raw_loop(worker *w)
{
    MDB_txn *txn = NULL;
    double end = now() + w->seconds;
    mdb_txn_begin(w->env, NULL, MDB_RDONLY, &txn);
    while (now() < end) {
        for (int i = 0; i < 1000; i++) {
            const raw_key *key = &w->keys[rnd(&w->seed) % w->nkeys];
            MDB_val k = {key->size, (void *)key->bytes}, v;
            if (mdb_get(txn, w->dbi, &k, &v) != 0) w->misses++;
        }
        w->ops += 1000;
    }
    mdb_txn_abort(txn);
}

static int one_lookup(worker *w, dc_geo_session *s, const sample *sm)
{
    static _Thread_local dc_geo_forward_result fr;
    static _Thread_local dc_geo_reverse_result rr;
    if (w->kind == RUN_FORWARD)
        return dc_geo_forward(s, sm->code, DC_CODE_CHARS, &fr) == DC_OK &&
               fr.status == DC_GEO_OK;
    /* Up to ~5 m away from the door, in a fixed pattern. */
    double dlat = ((int)(rnd(&w->seed) % 9) - 4) * 1e-5,
           dlon = ((int)(rnd(&w->seed) % 9) - 4) * 1e-5;
    size_t limit = w->kind == RUN_REVERSE ? 1 : 0;
    return dc_geo_reverse(s, sm->lat + dlat, sm->lon + dlon, 50, limit, &rr) == DC_OK &&
           rr.status == DC_GEO_OK && rr.nneighbours == limit;
}

static void engine_loop(worker *w)
{
    double end = now() + w->seconds;
    while (now() < end) {
        for (int i = 0; i < 1000; i += w->batch) {
            dc_geo_session *s;
            if (dc_geo_session_begin(w->geo, &s) != DC_OK) {
                w->misses++;
                continue;
            }
            for (int j = 0; j < w->batch; j++)
                if (!one_lookup(w, s, &w->samples[rnd(&w->seed) % w->nsamples]))
                    w->misses++;
            dc_geo_session_end(s);
        }
        w->ops += 1000;
    }
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    if (w->kind == RUN_RAW)
        raw_loop(w);
    else
        engine_loop(w);
    return NULL;
}

/* One slice of @p threads threads: lookups done into *ops, seconds into
 * *elapsed, misses added to *misses. */
static void measure(const worker *proto, int threads, double *ops, double *elapsed,
                    uint64_t *misses)
{
    worker w[2];
    pthread_t t[2];
    double start = now();
    for (int i = 0; i < threads; i++) {
        w[i] = *proto;
        w[i].seed = 12345u + 777u * (unsigned)i + 31u * (unsigned)proto->round;
        pthread_create(&t[i], NULL, run_worker, &w[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        *ops += (double)w[i].ops;
        *misses += w[i].misses;
    }
    *elapsed += now() - start;
}

static size_t take_sample(dc_geo *geo, sample *out, uint32_t nhouseholds)
{
    dc_geo_session *s;
    unsigned seed = 42;
    size_t n = nhouseholds < MAX_SAMPLE ? nhouseholds : MAX_SAMPLE, got = 0;
    if (dc_geo_session_begin(geo, &s) != DC_OK) return 0;
    for (size_t i = 0; i < n; i++) {
        dc_household h;
        uint32_t num = nhouseholds <= MAX_SAMPLE ? (uint32_t)i : rnd(&seed) % nhouseholds;
        if (dc_index_household(dc_geo_session_txn(s), num, &h) != DC_OK) continue;
        dc_code_format(&h.code, DC_CODE_COMPACT, out[got].code, sizeof out[got].code);
        out[got].lat = h.lat_e7 / 1e7;
        out[got].lon = h.lon_e7 / 1e7;
        got++;
    }
    dc_geo_session_end(s);
    return got;
}

/* Every (n / MAX_SAMPLE)-th key of the raw ids, copied. */
static size_t take_keys(MDB_env *env, MDB_dbi dbi, uint32_t nhouseholds, raw_key *keys)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k, v;
    size_t step = nhouseholds / MAX_SAMPLE + 1, got = 0, i = 0;
    if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) return 0;
    if (mdb_cursor_open(txn, dbi, &cur) == 0) {
        for (int op = MDB_FIRST; got < MAX_SAMPLE && mdb_cursor_get(cur, &k, &v, op) == 0;
             op = MDB_NEXT, i++) {
            if (i % step || k.mv_size > RAW_KEY_MAX) continue;
            memcpy(keys[got].bytes, k.mv_data, k.mv_size);
            keys[got++].size = (uint16_t)k.mv_size;
        }
        mdb_cursor_close(cur);
    }
    mdb_txn_abort(txn);
    return got;
}

int main(int argc, char **argv)
{
    static sample samples[MAX_SAMPLE];
    static raw_key keys[MAX_SAMPLE];
    static const char *const names[] = {"raw LMDB get (ceiling)", "forward",
                                        "reverse 50 m, limit 1", "zone-only reverse"};
    dc_geo *geo;
    dc_error err;
    worker proto = {0};
    if (argc < 2) {
        fprintf(stderr,
                "usage: bench_geocoder INDEX [SECONDS_PER_RUN] [SESSION_BATCH] [RUNS]\n");
        return 2;
    }
    proto.seconds = argc > 2 ? atof(argv[2]) : 2.0;
    proto.batch = argc > 3 ? atoi(argv[3]) : 1;
    if (proto.batch < 1 || proto.batch > 1000 || 1000 % proto.batch) proto.batch = 1;
    const char *runs = argc > 4 ? argv[4] : "frz";
    bool wanted[4] = {true, strchr(runs, 'f') != NULL, strchr(runs, 'r') != NULL,
                      strchr(runs, 'z') != NULL};
    if (dc_geo_open(argv[1], &geo, &err) != DC_OK) {
        fprintf(stderr, "bench_geocoder: %s\n", err.message);
        return 3;
    }
    proto.geo = geo;
    proto.nhouseholds = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    dc_bench_ids raw;
    if (!dc_bench_ids_open(&raw, argv[1])) return 3;
    proto.env = raw.env;
    proto.dbi = raw.dbi;
    if (proto.nhouseholds == 0 ||
        (proto.nkeys = take_keys(proto.env, proto.dbi, proto.nhouseholds, keys)) == 0) {
        fprintf(stderr, "bench_geocoder: no household ids in %s\n", argv[1]);
        return 3;
    }
    proto.keys = keys;
    proto.samples = samples;
    proto.nsamples = take_sample(geo, samples, proto.nhouseholds);
    printf("index %s: %u households; %.1f s per run; %d lookup(s) per session\n", argv[1],
           proto.nhouseholds, proto.seconds, proto.batch);
    printf("%-24s %14s %14s %8s %10s %10s\n", "", "1 thread/s", "2 threads/s", "2t/1t",
           "1t/ceiling", "misses");
    /* Every run is cut into ROUNDS slices, interleaved with the others
     * (ceiling, forward, reverse, zone; 1 then 2 threads, round after
     * round): a slow minute on a shared machine then weighs on all of them
     * alike instead of on whichever ran during it. */
    double ops[4][2] = {{0}}, secs[4][2] = {{0}};
    uint64_t misses[4] = {0};
    proto.seconds /= ROUNDS;
    for (int r = 0; r < ROUNDS; r++)
        for (int k = RUN_RAW; k <= RUN_ZONE; k++)
            for (int t = 0; wanted[k] && t < 2; t++) {
                proto.kind = (run_kind)k;
                proto.round = r;
                measure(&proto, t + 1, &ops[k][t], &secs[k][t], &misses[k]);
            }
    double ceiling = ops[RUN_RAW][0] / secs[RUN_RAW][0];
    for (int k = RUN_RAW; k <= RUN_ZONE; k++) {
        if (!wanted[k]) continue;
        double one = ops[k][0] / secs[k][0], two = ops[k][1] / secs[k][1];
        printf("%-24s %14.0f %14.0f %8.2f %10.2f %10llu\n", names[k], one, two, two / one,
               one / ceiling, (unsigned long long)misses[k]);
    }
    dc_bench_ids_close(&raw);
    dc_geo_close(geo);
    return 0;
}
