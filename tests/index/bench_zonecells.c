/*
 * bench_zonecells - what the zone grid's sub-grid costs to compute, as the
 * build and dc_index_check compute it, from an index's zones and zone grid:
 *
 *   bench_zonecells INDEX [ROUNDS]
 *
 * Each round prepares the zones (dc_zonecells_prepare) and computes every
 * zone grid cell's value on one thread (dc_zonecells_value), and prints the
 * seconds of each, the values' bytes and a hash of them (FNV-1a, 64 bits),
 * and whether they are the index's own. The hash names the bytes, so two
 * builds of the code can be compared on the same index. Not a test.
 */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diachi/index.h"
#include "zonecells.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Every zone of the index, in postcode order. */
static dc_zc_zone *read_zones(dc_index_txn *txn, size_t *n)
{
    dc_zc_zone *zones = malloc(DC_POSTCODES * sizeof *zones);
    *n = 0;
    for (uint32_t p = 0; zones && p < DC_POSTCODES; p++) {
        dc_zone z;
        if (dc_index_zone(txn, p, &z) == DC_OK)
            zones[(*n)++] = (dc_zc_zone){p, z.polygon};
    }
    return zones;
}

typedef struct totals {
    uint64_t cells, bytes, hash, differ;
} totals;

/* Every zone grid cell's value, against the index's. */
static int values(MDB_txn *txn, MDB_dbi grid, MDB_dbi cells, const dc_zonecells *zc,
                  totals *t)
{
    MDB_cursor *cur;
    MDB_val k, v, have;
    uint8_t *buf = NULL;
    size_t cap = 0, size;
    *t = (totals){0, 0, 0xcbf29ce484222325ull, 0};
    if (mdb_cursor_open(txn, grid, &cur) != 0) return -1;
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        uint32_t ncand = (uint32_t)(v.mv_size / 4);
        if (ncand > DC_ZC_MAX_CANDIDATES) continue;
        uint32_t cell = dc_get_be32(k.mv_data);
        if (dc_zonecells_value(zc, cell, v.mv_data, ncand, &buf, &cap, &size) != DC_OK)
            return -1;
        t->cells++;
        t->bytes += size;
        t->hash = fnv(t->hash, buf, size);
        if (mdb_get(txn, cells, &k, &have) != 0 || have.mv_size != size ||
            memcmp(have.mv_data, buf, size) != 0)
            t->differ++;
    }
    mdb_cursor_close(cur);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    dc_index *idx;
    dc_index_txn *itxn;
    dc_error err;
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi grid, cells;
    size_t nzones;
    if (argc < 2) {
        fprintf(stderr, "usage: bench_zonecells INDEX [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (dc_index_open(argv[1], &idx, &err) != DC_OK) {
        fprintf(stderr, "bench_zonecells: %s\n", err.message);
        return 3;
    }
    dc_index_txn_begin(idx, &itxn);
    dc_zc_zone *zones = read_zones(itxn, &nzones);
    if (!zones || mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 16) != 0 ||
        mdb_env_open(env, argv[1], MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK, 0) != 0 ||
        mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0 ||
        mdb_dbi_open(txn, "zonegrid", 0, &grid) != 0 ||
        mdb_dbi_open(txn, "zonecells", 0, &cells) != 0) {
        fprintf(stderr, "bench_zonecells: cannot read %s\n", argv[1]);
        return 3;
    }
    printf("%zu zones\n", nzones);
    for (int r = 0; r < rounds; r++) {
        dc_zonecells *zc;
        totals t;
        double t0 = now();
        if (dc_zonecells_prepare(zones, nzones, &zc) != DC_OK) return 3;
        double t1 = now();
        if (values(txn, grid, cells, zc, &t) != 0) return 3;
        double t2 = now();
        dc_zonecells_free(zc);
        printf("prepare %.3f s  values %.3f s (one thread)  %llu cells  %llu bytes  "
               "hash %016llx  %llu differ from the index's\n",
               t1 - t0, t2 - t1, (unsigned long long)t.cells, (unsigned long long)t.bytes,
               (unsigned long long)t.hash, (unsigned long long)t.differ);
    }
    mdb_txn_abort(txn);
    mdb_env_close(env);
    free(zones);
    dc_index_txn_end(itxn);
    dc_index_close(idx);
    return 0;
}
