/*
 * bench_sha256 - the rate of the content fingerprint's SHA-256, in the two
 * shapes it is fed:
 *
 *   bench_sha256 [MEGABYTES [ROUNDS]]     (default 256 MiB, 3 rounds)
 *
 * "1 MiB updates" is the build's hashing thread (hasher.c hands it 1 MiB
 * buffers); "20..60-byte updates" is a stream of record-sized parts, as
 * `diachi check` and a build without a second thread feed it. Both hash
 * MEGABYTES MiB of seeded random bytes from memory, with the portable
 * block function and then (where the CPU has them) the x86 SHA extensions,
 * in the same run; the best round is printed, in MB/s (10^6 bytes a
 * second), and the same digests. Not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "seeded_rng.h"
#include "sha256.h"

#define BUFFER (1u << 20)
#define PARTS 4096 /* part lengths drawn once, used in turn */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Seconds to hash @p total bytes of @p buf in updates of BUFFER bytes. */
static double time_buffers(const uint8_t *buf, size_t total, uint8_t *digest)
{
    dc_sha256 s;
    double t0 = now();
    dc_sha256_init(&s);
    for (size_t done = 0; done < total; done += BUFFER)
        dc_sha256_update(&s, buf, BUFFER);
    dc_sha256_final(&s, digest);
    return now() - t0;
}

/* Seconds to hash @p total bytes of @p buf in parts of the lengths in
 * @p part, walking the buffer and starting again at its end. */
static double time_parts(const uint8_t *buf, size_t total, const uint8_t *part,
                         uint8_t *digest)
{
    dc_sha256 s;
    size_t at = 0, i = 0;
    double t0 = now();
    dc_sha256_init(&s);
    for (size_t done = 0; done < total; i = (i + 1) % PARTS) {
        if (at + part[i] > BUFFER) at = 0;
        dc_sha256_update(&s, buf + at, part[i]);
        at += part[i];
        done += part[i];
    }
    dc_sha256_final(&s, digest);
    return now() - t0;
}

static void print_rate(const char *shape, size_t total, double best, const uint8_t *d)
{
    printf("  %-20s %8.1f MB/s  (%.3f s, digest %02x%02x%02x%02x...)\n", shape,
           (double)total / 1e6 / best, best, d[0], d[1], d[2], d[3]);
}

/* The best of @p rounds of each shape. */
static void bench(const uint8_t *buf, size_t total, const uint8_t *part, int rounds)
{
    uint8_t digest[DC_SHA256_SIZE] = {0};
    double best_buffers = 1e300, best_parts = 1e300;
    for (int r = 0; r < rounds; r++) {
        double t = time_buffers(buf, total, digest);
        best_buffers = t < best_buffers ? t : best_buffers;
    }
    print_rate("1 MiB updates", total, best_buffers, digest);
    for (int r = 0; r < rounds; r++) {
        double t = time_parts(buf, total, part, digest);
        best_parts = t < best_parts ? t : best_parts;
    }
    print_rate("20..60-byte updates", total, best_parts, digest);
}

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 256;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    uint8_t *buf = malloc(BUFFER);
    uint8_t part[PARTS];
    if (mib <= 0 || rounds <= 0 || !buf) {
        fprintf(stderr, "usage: bench_sha256 [MEGABYTES [ROUNDS]]\n");
        free(buf);
        return 2;
    }
    seeded_rng rng;
    rng_seed(&rng, 256);
    for (size_t i = 0; i < BUFFER; i++)
        buf[i] = (uint8_t)rng_next(&rng);
    for (size_t i = 0; i < PARTS; i++)
        part[i] = (uint8_t)(20 + rng_below(&rng, 41));
    size_t total = (size_t)mib << 20;
    printf("%ld MiB, best of %d rounds\n", mib, rounds);
    printf("portable:\n");
    dc_sha256_force_portable(true);
    bench(buf, total, part, rounds);
    dc_sha256_force_portable(false);
    if (dc_sha256_has_sha_ni()) {
        printf("SHA extensions:\n");
        bench(buf, total, part, rounds);
    } else {
        printf("SHA extensions: not on this CPU\n");
    }
    free(buf);
    return 0;
}
