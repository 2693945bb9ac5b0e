/*
 * bench_readers.c - an import as diachi-import runs it, with the number of
 * household reader threads forced (importer/src/pipeline.c); not a test.
 *
 *   bench_readers READERS ZONES HOUSEHOLDS INDEX
 *
 * READERS 0 lets the CPUs decide, as diachi-import does. Prints the phases'
 * times as diachi-import's summary does, and the fingerprint, so one reader
 * and two can be timed alternately on the same map (under /usr/bin/time for
 * the CPU they take).
 */
#include <stdio.h>
#include <stdlib.h>

#include "diachi/import.h"
#include "pipeline.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s READERS ZONES HOUSEHOLDS INDEX\n", argv[0]);
        return 2;
    }
    dc_pipeline_shape shape = {.readers = atoi(argv[1])};
    const char *zones[1] = {argv[2]}, *households[1] = {argv[3]};
    dc_import_config cfg = {
        .zone_paths = zones,
        .nzone_paths = 1,
        .household_paths = households,
        .nhousehold_paths = 1,
        .output = argv[4],
        .max_errors = -1,
    };
    dc_import_summary s;
    dc_error err = {0};
    dc_pipeline_set_shape(&shape);
    dc_err rc = dc_import_run(&cfg, &s, &err);
    if (rc != DC_OK) {
        fprintf(stderr, "bench_readers: %s: %s\n", dc_err_name(rc), err.message);
        return 3;
    }
    printf("readers       %s\n", shape.readers > 0 ? argv[1] : "CPUs");
    printf("households    %llu of %llu read\n", (unsigned long long)s.households,
           (unsigned long long)s.households_read);
    printf("time          %.2f s (%.0f households/s): zones %.2f s, households %.2f s, "
           "index %.2f s\n",
           s.seconds, s.seconds > 0 ? (double)s.households_read / s.seconds : 0.0,
           s.zone_seconds, s.household_seconds, s.index_seconds);
    printf("fingerprint   %s\n", s.fingerprint_hex);
    return 0;
}
