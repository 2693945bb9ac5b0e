/*
 * bench_http_targets.c - request paths for the HTTP benchmark: N
 * households drawn at random (seeded) from an index, written as forward
 * paths (/v1/codes/CODE) and reverse paths (/v1/reverse at the household,
 * 50 m, limit 1), one per line.
 *
 * Usage: bench_http_targets INDEX N CODES_OUT REVERSE_OUT
 */
#include <stdio.h>
#include <stdlib.h>

#include "diachi/index.h"
#include "support.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_http_targets INDEX N CODES_OUT REVERSE_OUT\n");
        return 2;
    }
    dc_index *idx;
    dc_index_txn *txn;
    dc_error err = {0};
    if (dc_index_open(argv[1], &idx, &err) != DC_OK) {
        fprintf(stderr, "bench_http_targets: %s\n", err.message);
        return 3;
    }
    uint64_t households = dc_index_info(idx)->households, seed = 20261128;
    long n = atol(argv[2]);
    FILE *codes = fopen(argv[3], "w"), *points = fopen(argv[4], "w");
    if (!codes || !points || !households || dc_index_txn_begin(idx, &txn) != DC_OK) {
        fprintf(stderr, "bench_http_targets: cannot write the targets\n");
        return 3;
    }
    for (long i = 0; i < n; i++) {
        dc_household h;
        char code[DC_CODE_COMPACT_SIZE];
        uint32_t number = (uint32_t)(rng_splitmix64(&seed) % households);
        if (dc_index_household(txn, number, &h) != DC_OK ||
            dc_code_format(&h.code, DC_CODE_COMPACT, code, sizeof code) != DC_OK)
            return 3;
        fprintf(codes, "/v1/codes/%s\n", code);
        fprintf(points, "/v1/reverse?lat=%.7f&lon=%.7f&radius=50&limit=1\n",
                h.lat_e7 / 1e7, h.lon_e7 / 1e7);
    }
    dc_index_txn_end(txn);
    dc_index_close(idx);
    return fclose(codes) == 0 && fclose(points) == 0 ? 0 : 3;
}
