/*
 * bench_reproject.c - the array call dc_reproject_points (importer/src/
 * reproject_tiles.h) beside its anchor, the series point by point
 * (dc_reproject_point, what the importer called for each vertex before),
 * in the same run, on one VN-2000 / TM-3 zone (105-30, EPSG:6960) over
 * Vietnam:
 *   rings      zones' borders: closed random walks of 10,000 vertices a few
 *              metres apart, each around a random point, zone after zone;
 *   communes   households as the national generator writes them: 2,000 a
 *              commune within 2 km of its centre, commune after commune;
 *   province   households scattered over a province of 60 km by 60 km;
 *   scattered  points uniform over the whole zone (800 km by 1,700 km),
 *              the worst case: almost every point misses its tile.
 * Each round times the anchor, then the array call steady (as for zones'
 * vertices: every point of a tile answered by its fit) and not (as for
 * households: in batches of 4,096, a tile's points answered by its fit
 * where 25 of the batch fall in it), each with a new (empty) table of
 * tiles, so that the fits' cost is counted; the best of the rounds is
 * printed, in ns of the thread's CPU time a point (the machine is shared:
 * time spent waiting for a core is not counted), with the fits made per
 * 1,000 points.
 *
 *   bench_reproject [POINTS [ROUNDS [LAYOUT]]]   (default 2,000,000, 5, all)
 *
 * Not part of CTest; never asserts on time.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reproject.h"
#include "reproject_tiles.h"

static const double vn2000[7] = {-191.90441429, -39.30318279, -111.45032835, 0.00928836,
                                 -0.01975479,   0.00427372,   0.252906278};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t seed = 0x9E3779B97F4A7C15ULL;

static double uniform(void)
{
    seed ^= seed >> 12;
    seed ^= seed << 25;
    seed ^= seed >> 27;
    return (double)((seed * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

/* Vietnam in zone 105-30: eastings 100 to 900 km, northings 900 to 2,600. */
static void anywhere(double *x, double *y)
{
    *x = 100000 + 800000 * uniform();
    *y = 900000 + 1700000 * uniform();
}

/* A closed walk of @p n vertices around (cx, cy): a circle of radius 3 to
 * 8 km whose radius wanders, a vertex every few metres. */
static void ring(double *x, double *y, size_t n)
{
    double cx, cy, r = 3000 + 5000 * uniform(), wobble = 0;
    anywhere(&cx, &cy);
    for (size_t i = 0; i < n; i++) {
        double a = 2 * 3.14159265358979 * (double)i / (double)n;
        wobble = 0.98 * wobble + 40 * (uniform() - 0.5);
        x[i] = cx + (r + wobble) * cos(a);
        y[i] = cy + (r + wobble) * sin(a);
    }
    if (n > 1) x[n - 1] = x[0], y[n - 1] = y[0];
}

enum layout { RINGS, COMMUNES, PROVINCE, SCATTERED };
static const char *const names[] = {"rings", "communes", "province", "scattered"};

static void make(enum layout kind, double *x, double *y, size_t n)
{
    double cx = 0, cy = 0;
    for (size_t i = 0; i < n; i++) {
        switch (kind) {
        case RINGS:
            if (i % 10000 == 0) ring(x + i, y + i, n - i < 10000 ? n - i : 10000);
            break;
        case COMMUNES:
            if (i % 2000 == 0) anywhere(&cx, &cy);
            x[i] = cx + 4000 * (uniform() - 0.5);
            y[i] = cy + 4000 * (uniform() - 0.5);
            break;
        case PROVINCE:
            x[i] = 560000 + 60000 * uniform();
            y[i] = 2270000 + 60000 * uniform();
            break;
        case SCATTERED:
            anywhere(&x[i], &y[i]);
            break;
        }
    }
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    const char *only = argc > 3 ? argv[3] : NULL;
    if (n == 0 || rounds < 1) {
        fprintf(stderr, "usage: bench_reproject [POINTS [ROUNDS [LAYOUT]]]\n");
        return 2;
    }
    dc_reproject r;
    dc_reproject_init_tm(&r, 105.5, 0.9999, 500000, 0, vn2000);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *wx = malloc(n * sizeof *wx), *wy = malloc(n * sizeof *wy);
    int *ok = malloc(n * sizeof *ok);
    if (!x || !y || !wx || !wy || !ok) return 1;
    printf("%zu points, best of %d rounds, ns of CPU a point\n", n, rounds);
    printf("%-10s %8s %8s %7s %9s %8s %7s %9s\n", "layout", "series", "steady", "ratio",
           "fits/1000", "not", "ratio", "fits/1000");
    double checksum = 0;
    for (int kind = RINGS; kind <= SCATTERED; kind++) {
        if (only && strcmp(only, names[kind]) != 0) continue;
        make((enum layout)kind, x, y, n);
        double best_series = INFINITY, best[2] = {INFINITY, INFINITY};
        size_t fits[2] = {0, 0};
        for (int round = 0; round < rounds; round++) {
            double t0 = now();
            for (size_t i = 0; i < n; i++) {
                double lon = 0, lat = 0;
                dc_reproject_point(&r, x[i], y[i], &lon, &lat);
                checksum += lon + lat;
            }
            best_series = fmin(best_series, now() - t0);
            for (int steady = 1; steady >= 0; steady--) {
                memcpy(wx, x, n * sizeof *x);
                memcpy(wy, y, n * sizeof *y);
                dc_reproject_tiles *tiles = dc_reproject_tiles_new();
                double t1 = now();
                /* households come in batches of 4,096 (source_read.c) */
                size_t batch = steady ? n : 4096;
                for (size_t i = 0; i < n; i += batch)
                    dc_reproject_points(&r, tiles, steady, n - i < batch ? n - i : batch,
                                        wx + i, wy + i, ok + i);
                best[steady] = fmin(best[steady], now() - t1);
                fits[steady] = dc_reproject_tiles_fits(tiles);
                dc_reproject_tiles_free(tiles);
                checksum += wx[n / 2] + wy[n / 3];
            }
        }
        printf("%-10s %8.1f %8.1f %6.3fx %9.2f %8.1f %6.3fx %9.2f\n", names[kind],
               best_series * 1e9 / n, best[1] * 1e9 / n, best[1] / best_series,
               fits[1] * 1000.0 / n, best[0] * 1e9 / n, best[0] / best_series,
               fits[0] * 1000.0 / n);
    }
    printf("(checksum %.6f)\n", checksum);
    free(x), free(y), free(wx), free(wy), free(ok);
    return 0;
}
