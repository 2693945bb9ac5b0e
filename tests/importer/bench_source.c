/*
 * bench_source.c - households read per second by the source layer: OGR
 * reading, decoding to UTF-8 NFC and reprojection to WGS 84, one thread.
 *
 *   bench_source PATH...   (shapefiles or folders; prints households/s)
 *
 * Not part of CTest; never asserts on time.
 */
#include <stdio.h>
#include <time.h>

#include <gdal.h>

#include "source.h"

typedef struct sink {
    size_t households, with_point;
    double checksum; /* keeps the reads from being optimised away */
} sink;

static int take(void *ctx, dc_source_household *hh)
{
    sink *s = ctx;
    s->households++;
    if (hh->has_point) {
        s->with_point++;
        s->checksum += hh->lat + hh->lon;
    }
    if (hh->fields[DC_HH_ID]) s->checksum += (unsigned char)hh->fields[DC_HH_ID][0];
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH...\n", argv[0]);
        return 2;
    }
    dc_source_list *list = NULL;
    dc_error err;
    if (dc_source_list_open((const char *const *)argv + 1, (size_t)argc - 1, &list,
                            &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    sink s = {0};
    double t0 = now();
    for (size_t i = 0; i < dc_source_list_count(list); i++) {
        dc_source_problem problem;
        dc_err rc = dc_source_read_households(list, i, NULL, take, &s, &problem);
        if (rc != DC_OK) {
            fprintf(stderr, "%s: %s: %s\n", dc_source_list_path(list, i), problem.code,
                    problem.message);
            return 1;
        }
    }
    double dt = now() - t0;
    printf(
        "%zu households (%zu with a point) from %zu datasets in %.3f s: %.0f households/s"
        " (checksum %.3f)\n",
        s.households, s.with_point, dc_source_list_count(list), dt,
        (double)s.households / dt, s.checksum);
    dc_source_list_close(list);
    GDALDestroy();
    return 0;
}
