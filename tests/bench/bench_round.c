/*
 * bench_round - the time to order a delivery round (diachi/round.h),
 * beside its own nearest-neighbour walk in the same run (the anchor: the
 * same stops, opt.improve false).
 *
 *   bench_round INDEX [STOPS [ROUNDS]]
 *
 * Each round is STOPS (300) doors of INDEX drawn at random among the
 * 8 x STOPS nearest a random door (a postal worker's beat), grouped by
 * their tổ as dc_round_resolve groups them; ROUNDS (50) rounds. Prints
 * the median and the slowest round in ms, improved and walk alone, and
 * the mean length of each. Never a test; never asserted on time.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diachi/round.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

typedef struct near_door {
    double d;
    uint32_t i;
} near_door;

static int by_distance(const void *a, const void *b)
{
    const near_door *p = a, *q = b;
    return p->d < q->d ? -1 : p->d > q->d ? 1 : (p->i > q->i) - (p->i < q->i);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Every household's door and group, resolved from its code. */
static dc_round_stop *read_doors(dc_geo *geo, uint32_t *count)
{
    dc_geo_session *s;
    if (dc_geo_session_begin(geo, &s) != DC_OK) return NULL;
    uint32_t n = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    dc_round_stop *doors = malloc(n * sizeof *doors);
    dc_round_scratch *sc = malloc(sizeof *sc);
    for (uint32_t i = 0; doors && sc && i < n; i++) {
        dc_household h;
        dc_round_door d;
        char code[DC_CODE_COMPACT_SIZE];
        if (dc_index_household(dc_geo_session_txn(s), i, &h) != DC_OK ||
            dc_code_format(&h.code, DC_CODE_COMPACT, code, sizeof code) != DC_OK ||
            dc_round_resolve(s, code, strlen(code), sc, &d) != DC_OK || !d.resolved) {
            fprintf(stderr, "bench_round: household %u does not resolve\n", i);
            exit(3);
        }
        doors[i] = (dc_round_stop){d.lat, d.lon, d.group};
    }
    free(sc);
    dc_geo_session_end(s);
    *count = n;
    return doors;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_round INDEX [STOPS [ROUNDS]]\n");
        return 2;
    }
    size_t k = argc > 2 ? (size_t)atol(argv[2]) : 300;
    int rounds = argc > 3 ? atoi(argv[3]) : 50;
    dc_geo *geo;
    dc_error err;
    if (dc_geo_open(argv[1], &geo, &err) != DC_OK) {
        fprintf(stderr, "bench_round: %s\n", err.message);
        return 3;
    }
    uint32_t n;
    dc_round_stop *doors = read_doors(geo, &n);
    near_door *near = malloc(n * sizeof *near);
    dc_round_stop *stops = malloc(k * sizeof *stops);
    size_t *order = malloc(k * sizeof *order);
    double *ms[2] = {malloc(rounds * sizeof(double)), malloc(rounds * sizeof(double))};
    double length[2] = {0, 0}, passes = 0;
    if (!doors || !near || !stops || !order || !ms[0] || !ms[1] || k == 0 || 8 * k > n) {
        fprintf(stderr, "bench_round: %zu stops need %zu households\n", k, 8 * k);
        return 2;
    }
    for (int r = 0; r < rounds; r++) {
        const dc_round_stop *office = &doors[rng() % n];
        for (uint32_t i = 0; i < n; i++)
            near[i] = (near_door){
                dc_geo_distance_m(office->lat, office->lon, doors[i].lat, doors[i].lon),
                i};
        qsort(near, n, sizeof *near, by_distance);
        for (size_t i = 0; i < k; i++) {
            size_t j = i + rng() % (8 * k - i);
            near_door t = near[i];
            near[i] = near[j], near[j] = t;
            stops[i] = doors[near[i].i];
        }
        for (int improve = 0; improve < 2; improve++) {
            dc_round_options opt;
            dc_round_stats st;
            dc_round_options_init(&opt);
            opt.improve = improve;
            double t0 = now_ms();
            if (dc_round_order(stops, k, office->lat, office->lon, &opt, order, &st,
                               &err) != DC_OK) {
                fprintf(stderr, "bench_round: %s\n", err.message);
                return 3;
            }
            ms[improve][r] = now_ms() - t0;
            length[improve] += st.length_m / rounds;
            if (improve) passes += (double)st.passes / rounds;
        }
    }
    for (int i = 0; i < 2; i++)
        qsort(ms[i], rounds, sizeof(double), by_value);
    printf(
        "%d rounds of %zu stops: ordered (walk, 2-opt, Or-opt) median %.2f ms, slowest "
        "%.2f ms, mean length %.0f m, %.1f passes\n",
        rounds, k, ms[1][rounds / 2], ms[1][rounds - 1], length[1], passes);
    printf("anchor, the nearest-neighbour walk alone: median %.2f ms, slowest %.2f ms, "
           "mean length %.0f m\n",
           ms[0][rounds / 2], ms[0][rounds - 1], length[0]);
    printf("ordered / walk alone: %.1fx the time, %.3f the length\n",
           ms[1][rounds / 2] / ms[0][rounds / 2], length[1] / length[0]);
    free(doors), free(near), free(stops), free(order), free(ms[0]), free(ms[1]);
    dc_geo_close(geo);
    return 0;
}
