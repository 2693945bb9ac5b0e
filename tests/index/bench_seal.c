/*
 * bench_seal - what verifying the seal costs an open, beside the cost of
 * only reading the same bytes (the anchor), in one process:
 *
 *   bench_seal FILE [ROUNDS]
 *
 * FILE is any sealed index (the national one for the operator's figure).
 * Each round reads FILE once with pread (the anchor) and verifies its seal
 * once (dc_seal_verify), both from the page cache after a first warm-up
 * read. Prints seconds and GB/s of each, and their ratio. Not a test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "seal.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Read the whole file in 1 MiB chunks; returns a byte sum so the reads stay. */
static unsigned read_all(const char *path, unsigned char *buf)
{
    int fd = open(path, O_RDONLY);
    unsigned sum = 0;
    ssize_t got;
    for (off_t at = 0; fd >= 0 && (got = pread(fd, buf, 1u << 20, at)) > 0; at += got)
        sum += buf[0];
    if (fd >= 0) close(fd);
    return sum;
}

int main(int argc, char **argv)
{
    struct stat st;
    if (argc < 2 || stat(argv[1], &st) != 0) {
        fprintf(stderr, "usage: bench_seal FILE [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    unsigned char *buf = malloc(1u << 20);
    uint64_t data;
    dc_error err;
    unsigned sink = read_all(argv[1], buf);
    double t_read = 0, t_seal = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        sink += read_all(argv[1], buf);
        double t1 = now();
        if (dc_seal_verify(argv[1], (uint64_t)st.st_size, &data, &err) != DC_OK) {
            fprintf(stderr, "bench_seal: %s\n", err.message);
            return 1;
        }
        double t2 = now();
        t_read += t1 - t0;
        t_seal += t2 - t1;
    }
    double gb = (double)st.st_size * rounds / 1e9;
    printf("%s: %.3f GB, %d rounds (checksum of a byte: %u)\n", argv[1],
           (double)st.st_size / 1e9, rounds, sink & 1);
    printf("read only (anchor)  %.3f s a round  %.2f GB/s\n", t_read / rounds,
           gb / t_read);
    printf("verify the seal     %.3f s a round  %.2f GB/s  (%.2fx the anchor's time)\n",
           t_seal / rounds, gb / t_seal, t_seal / t_read);
    free(buf);
    return 0;
}
