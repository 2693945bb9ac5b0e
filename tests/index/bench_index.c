/*
 * bench_index.c - build an index of synthetic households and time it.
 * Not a test: prints rates, asserts nothing about time.
 *
 *   bench_index [HOUSEHOLDS [PATH]]     (default 1000000, a temporary file)
 *   bench_index --index PATH            (the lookups of an index built before)
 *
 * Zones are 0.05-degree squares (64 vertices each) tiling an area north of
 * Hà Nội; households fall at pseudo-random positions, 5% of them sharing a
 * door with the one before.
 *
 * Lookups by id (random households' ids) run in rounds alternating with a
 * raw LMDB get of the same ids in format 5's `ids`, an LMDB entry a
 * household, rebuilt from the index in a scratch file (bench_ids.h): the
 * first step of a lookup by id before the ids were grouped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_ids.h"
#include "diachi/index.h"
#include "seeded_rng.h"

#define TILE_E7 500000 /* 0.05 degree */
#define SIDE_POINTS 16
#define SOUTH_E7 210000000
#define WEST_E7 1050000000

static seeded_rng rng;

static uint32_t next_random(void)
{
    return (uint32_t)(rng_next(&rng) >> 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A square tile as a 64-vertex ring, counter-clockwise from south-west. */
static dc_polygon tile_polygon(int32_t s, int32_t w)
{
    size_t size = 8 + 4 * SIDE_POINTS * 8;
    uint8_t *p = malloc(size), *at = p + 8;
    put_le32(p, 1);
    put_le32(p + 4, 4 * SIDE_POINTS);
    int32_t step = TILE_E7 / SIDE_POINTS;
    for (int side = 0; side < 4; side++)
        for (int i = 0; i < SIDE_POINTS; i++, at += 8) {
            int32_t d = i * step, lat = side == 0   ? s
                                        : side == 1 ? s + d
                                        : side == 2 ? s + TILE_E7
                                                    : s + TILE_E7 - d;
            int32_t lon = side == 0   ? w + d
                          : side == 1 ? w + TILE_E7
                          : side == 2 ? w + TILE_E7 - d
                                      : w;
            put_le32(at, (uint32_t)lat);
            put_le32(at + 4, (uint32_t)lon);
        }
    return (dc_polygon){p, size};
}

static char street_names[5000][24];
static char group_names[200][12];

static void make_input(size_t n, int side, dc_zone_input **zones, dc_household_input **hs,
                       char **id_buf)
{
    *zones = calloc((size_t)side * side, sizeof **zones);
    for (int r = 0; r < side; r++)
        for (int c = 0; c < side; c++) {
            int32_t s = SOUTH_E7 + r * TILE_E7, w = WEST_E7 + c * TILE_E7;
            (*zones)[r * side + c] =
                (dc_zone_input){.postcode = (uint32_t)(10000 + r * side + c),
                                .name = "Xã",
                                .kind = "xã",
                                .ref_lat_e7 = s + TILE_E7 / 2,
                                .ref_lon_e7 = w + TILE_E7 / 2,
                                .polygon = tile_polygon(s, w)};
        }
    for (int i = 0; i < 5000; i++)
        snprintf(street_names[i], 24, "Đường số %d", i);
    for (int i = 0; i < 200; i++)
        snprintf(group_names[i], 12, "Tổ %d", i);
    *hs = calloc(n, sizeof **hs);
    *id_buf = malloc(n * 16);
    for (size_t i = 0; i < n; i++) {
        dc_household_input *h = &(*hs)[i];
        char *id = *id_buf + i * 16;
        snprintf(id, 16, "H%09u", (unsigned)(i % 1000000000u));
        if (i > 0 && next_random() % 20 == 0) {
            *h = (*hs)[i - 1];
        } else {
            h->lat_e7 = SOUTH_E7 + (int32_t)(next_random() % (uint32_t)(side * TILE_E7));
            h->lon_e7 = WEST_E7 + (int32_t)(next_random() % (uint32_t)(side * TILE_E7));
            h->street = street_names[next_random() % 5000];
            h->group = group_names[next_random() % 200];
            h->house_number = "12A";
        }
        int r = (h->lat_e7 - SOUTH_E7) / TILE_E7, c = (h->lon_e7 - WEST_E7) / TILE_E7;
        h->postcode = (uint32_t)(10000 + r * side + c);
        h->id = id;
    }
}

enum { SAMPLE = 1000000, ROUNDS = 10 };

/* An id to look up, inline: fetching one costs the same in both loops. */
#define ID_MAX 30
typedef struct id_key {
    uint16_t size;
    char bytes[ID_MAX];
} id_key;

/* SAMPLE ids of households drawn at random (the few over ID_MAX bytes
 * left out); how many. */
static size_t sample_ids(dc_index *idx, size_t n, id_key *ids)
{
    dc_index_txn *txn;
    size_t got = 0;
    dc_index_txn_begin(idx, &txn);
    for (size_t i = 0; i < SAMPLE; i++) {
        dc_household h;
        if (dc_index_household(txn, (uint32_t)(next_random() % n), &h) != DC_OK ||
            h.id.len > ID_MAX)
            continue;
        ids[got].size = (uint16_t)h.id.len;
        memcpy(ids[got++].bytes, h.id.ptr, h.id.len);
    }
    dc_index_txn_end(txn);
    return got;
}

/* Ids [from, to) found with dc_index_household_by_id, a transaction per
 * 1000 as a server has one per request or batch. */
static uint64_t by_id(dc_index *idx, const id_key *ids, size_t from, size_t to)
{
    dc_index_txn *txn = NULL;
    uint64_t found = 0;
    for (size_t i = from; i < to; i++) {
        dc_household h;
        if ((i - from) % 1000 == 0) {
            if (txn) dc_index_txn_end(txn);
            dc_index_txn_begin(idx, &txn);
        }
        found += dc_index_household_by_id(txn, ids[i].bytes, ids[i].size, &h) == DC_OK;
    }
    dc_index_txn_end(txn);
    return found;
}

/* The same ids got from format 5's ids, raw. */
static uint64_t raw_get(const dc_bench_ids *raw, const id_key *ids, size_t from,
                        size_t to)
{
    MDB_txn *txn;
    uint64_t found = 0;
    mdb_txn_begin(raw->env, NULL, MDB_RDONLY, &txn);
    for (size_t i = from; i < to; i++) {
        if (i > from && (i - from) % 1000 == 0) { /* as dc_index recycles its own */
            mdb_txn_reset(txn);
            mdb_txn_renew(txn);
        }
        MDB_val k = {ids[i].size, (void *)ids[i].bytes}, v;
        found += mdb_get(txn, raw->dbi, &k, &v) == 0;
    }
    mdb_txn_abort(txn);
    return found;
}

static void bench_ids(dc_index *idx, const char *path, size_t n)
{
    dc_bench_ids raw;
    id_key *ids = malloc(SAMPLE * sizeof *ids);
    double secs[2] = {0, 0};
    uint64_t found[2] = {0, 0};
    if (!ids || !dc_bench_ids_open(&raw, path)) exit(1);
    size_t got = sample_ids(idx, n, ids), slice = got / ROUNDS;
    for (int r = 0; r < ROUNDS; r++) {
        size_t from = (size_t)r * slice, to = from + slice;
        double t0 = now();
        found[0] += by_id(idx, ids, from, to);
        double t1 = now();
        found[1] += raw_get(&raw, ids, from, to);
        secs[0] += t1 - t0;
        secs[1] += now() - t1;
    }
    double one = (double)(slice * ROUNDS);
    printf("id -> household       %10.0f lookups/s (%llu found; %.2f of the raw get)\n",
           one / secs[0], (unsigned long long)found[0], secs[1] / secs[0]);
    printf("raw LMDB get of an id %10.0f gets/s (%llu found, of %llu, an entry each)\n",
           one / secs[1], (unsigned long long)found[1], (unsigned long long)raw.count);
    dc_bench_ids_close(&raw);
    free(ids);
}

/* Lookups by code, by point, by id; transactions. Random points fall in
 * the box south, west, north, east (e7). */
static void bench_lookups(const char *path, size_t n, const int32_t box[4])
{
    dc_index *idx;
    dc_index_txn *txn;
    dc_error err;
    if (dc_index_open(path, &idx, &err) != DC_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        exit(1);
    }
    dc_code *codes = malloc(SAMPLE * sizeof *codes);
    dc_index_txn_begin(idx, &txn);
    for (size_t i = 0; i < SAMPLE; i++) {
        dc_household h;
        dc_index_household(txn, (uint32_t)(next_random() % n), &h);
        codes[i] = h.code;
    }
    dc_index_txn_end(txn);

    double t0 = now();
    uint64_t found = 0;
    for (size_t i = 0; i < SAMPLE; i++) {
        uint32_t first, count;
        dc_household h;
        if (i % 1000 == 0) {
            if (i) dc_index_txn_end(txn);
            dc_index_txn_begin(idx, &txn);
        }
        if (dc_index_code_households(txn, &codes[i], &first, &count) == DC_OK &&
            dc_index_household(txn, first, &h) == DC_OK)
            found++;
    }
    dc_index_txn_end(txn);
    double t1 = now();
    printf("code -> household     %10.0f lookups/s (%llu found)\n", SAMPLE / (t1 - t0),
           (unsigned long long)found);

    found = 0;
    dc_index_txn_begin(idx, &txn);
    t0 = now();
    for (size_t i = 0; i < SAMPLE; i++) {
        dc_zone z;
        int32_t lat = box[0] + (int32_t)(next_random() % (uint32_t)(box[2] - box[0] + 1));
        int32_t lon = box[1] + (int32_t)(next_random() % (uint32_t)(box[3] - box[1] + 1));
        if (dc_index_zone_at(txn, lat, lon, &z) == DC_OK) found++;
    }
    t1 = now();
    dc_index_txn_end(txn);
    printf("point -> zone         %10.0f lookups/s (%llu found)\n", SAMPLE / (t1 - t0),
           (unsigned long long)found);

    t0 = now();
    for (size_t i = 0; i < SAMPLE; i++) {
        dc_index_txn_begin(idx, &txn);
        dc_index_txn_end(txn);
    }
    t1 = now();
    printf("txn begin + end       %10.0f /s\n", SAMPLE / (t1 - t0));
    bench_ids(idx, path, n);
    free(codes);
    dc_index_close(idx);
}

/* bench_index --index PATH: the lookups of an index built before. */
static int bench_index_file(const char *path)
{
    dc_index *idx;
    dc_error err;
    if (dc_index_open(path, &idx, &err) != DC_OK) {
        fprintf(stderr, "open: %s\n", err.message);
        return 1;
    }
    const dc_index_meta *m = dc_index_info(idx);
    int32_t box[4] = {m->south_e7, m->west_e7, m->north_e7, m->east_e7};
    size_t n = (size_t)m->households;
    printf("index                 %s, %zu households, format %u\n", path, n,
           m->format_version);
    dc_index_close(idx);
    if (n == 0) return 1;
    bench_lookups(path, n, box);
    return 0;
}

int main(int argc, char **argv)
{
    rng_seed(&rng, 88172645463325252ull);
    if (argc == 3 && strcmp(argv[1], "--index") == 0) return bench_index_file(argv[2]);
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    char tmp[256];
    snprintf(tmp, sizeof tmp, "/tmp/bench_index.%ld.idx", (long)getpid());
    const char *path = argc > 2 ? argv[2] : tmp;
    /* about 2,500 households a zone, as nationally (27 million, 11,000 zones) */
    int side = 1;
    while ((size_t)side * side * 2500 < n && side < 200)
        side++;

    dc_zone_input *zones;
    dc_household_input *hs;
    char *ids;
    make_input(n, side, &zones, &hs, &ids);
    dc_index_build_input in = {.zones = zones,
                               .nzones = (size_t)side * side,
                               .households = hs,
                               .nhouseholds = n,
                               .build_time = 0};
    dc_index_build_stats st;
    dc_error err;
    double t0 = now();
    if (dc_index_build(path, &in, &st, &err) != DC_OK) {
        fprintf(stderr, "build: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    printf("households            %10zu in %d zones\n", n, side * side);
    printf("build                 %10.0f households/s (%.2f s)\n", n / (t1 - t0),
           t1 - t0);
    printf("file                  %10llu bytes, %.1f bytes/household\n",
           (unsigned long long)st.file_bytes, (double)st.file_bytes / (double)n);
    printf("codes                 %10llu (%llu households share a door)\n",
           (unsigned long long)st.codes, (unsigned long long)st.shared_doors);
    int32_t box[4] = {SOUTH_E7, WEST_E7, SOUTH_E7 + side * TILE_E7 - 1,
                      WEST_E7 + side * TILE_E7 - 1};
    bench_lookups(path, n, box);
    if (argc <= 2) unlink(path);
    for (int i = 0; i < side * side; i++)
        free((void *)zones[i].polygon.data);
    free(zones);
    free(hs);
    free(ids);
    return 0;
}
