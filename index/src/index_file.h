/*
 * index_file.h - the index file's life while it is built: the crash-safety
 * contract of docs/FORMAT.md ("Writing and reading"). Internal to dc_index.
 *
 * A build writes PATH.tmp.<pid> beside PATH, never PATH itself: created
 * with its whole map reserved on disk (so a full disk is an error, not a
 * SIGBUS), then committed, synced, cut to the pages used, sealed (seal.h),
 * synced again, renamed over PATH, and the directory synced. Until the
 * rename, PATH is the previous index, untouched; a build that fails or is
 * abandoned removes its temporary file, and the next build removes those
 * that killed builds left.
 */
#ifndef DC_INDEX_FILE_H
#define DC_INDEX_FILE_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"
#include "index_internal.h"

typedef struct dc_index_file {
    char *path;     /* the target */
    char *tmp_path; /* PATH.tmp.<pid> */
    MDB_env *env;
    MDB_txn *txn; /* the build's one write transaction */
    MDB_dbi dbi[DC_DB_COUNT];
    dc_error *err;
    struct dc_prefault *prefault; /* see dc_index_file_prefault */
} dc_index_file;

/**
 * Create PATH.tmp.<pid> (after removing the temporary files of builds whose
 * process is gone), allocate @p map_bytes of it on disk, and open the write
 * transaction and every database. @p f is zeroed first; on failure nothing
 * is left on disk and dc_index_file_abandon is still to be called.
 * @return DC_OK, DC_E_IO (naming the path: no space, no directory),
 *         DC_E_NOMEM
 */
dc_err dc_index_file_create(dc_index_file *f, const char *path, size_t map_bytes,
                            dc_error *err);

/**
 * Fault the first @p bytes of the map in, writable, on a thread of its
 * own, while the caller writes: the map is the file's, reserved on disk,
 * so each page's first touch reads it (zeroes) from the file system, a
 * quarter of the writing time of a 1 M household index; the writer, which
 * fills the file from its start, then finds most pages ready. A hint: it
 * stops at the commit or abandon, and a system without
 * MADV_POPULATE_WRITE ignores it. Say fewer bytes than will be used: a
 * page faulted in and not used is written out by the sync for nothing.
 */
void dc_index_file_prefault(dc_index_file *f, size_t bytes);

/**
 * Commit, sync, cut to the pages used, seal, sync, rename over the target
 * and sync its directory. After DC_OK the target is the new index.
 * @param[out] file_bytes  its size
 * @return DC_OK, DC_E_IO, DC_E_NOMEM (the temporary file is then still
 *         there: dc_index_file_abandon removes it)
 */
dc_err dc_index_file_commit(dc_index_file *f, uint64_t *file_bytes);

/** Abort what is open, remove the temporary file unless it was renamed, and
 *  free @p f's memory. Safe on a zeroed @p f and after a commit. */
void dc_index_file_abandon(dc_index_file *f);

#endif
