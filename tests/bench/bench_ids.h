/*
 * bench_ids.h - the anchor of the benchmarks that find households by id
 * (bench_index, bench_geocoder): index format 5's `ids`, one LMDB entry a
 * household (the id -> its 12-byte household key), rebuilt from an index's
 * groups of ids (index/src/id_groups.h) in a scratch file, appended in
 * order as a build wrote it. A random get there is what a lookup by id
 * cost before the ids were grouped, and the raw get bench_geocoder has
 * always taken as its ceiling: a B-tree of one record per household.
 */
#ifndef DC_BENCH_IDS_H
#define DC_BENCH_IDS_H

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct dc_bench_ids {
    MDB_env *env; /* read-only, its file already unlinked */
    MDB_dbi dbi;
    uint64_t count; /* ids, one entry each */
} dc_bench_ids;

/**
 * Write the scratch file (in TMPDIR, else /tmp) from the index at
 * @p index_path and open it read-only (MDB_NOTLS: read transactions may
 * move between threads). The file is unlinked once open, so nothing is
 * left behind. False, with a message on stderr, when either file fails.
 */
bool dc_bench_ids_open(dc_bench_ids *ids, const char *index_path);
/** Close it. */
void dc_bench_ids_close(dc_bench_ids *ids);

#endif
