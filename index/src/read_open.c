/*
 * read_open.c - opening and closing an index file (diachi/index.h).
 *
 * The seal is verified with plain reads before LMDB maps anything
 * (seal.c). The file is immutable once built, so it is opened with
 * MDB_NOLOCK (no lock file, no reader table) and MDB_NOTLS; the strings,
 * zones and page segments are then read once, through a transaction of
 * the handle's own that stays open until close.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pages.h"
#include "read_history.h"
#include "read_meta.h"
#include "read_search.h"
#include "read_strings.h"
#include "read_txn.h"
#include "read_zones.h"
#include "seal.h"

/* A clear message for a missing or unreadable file, before LMDB's own. */
static dc_err check_file(const char *path, uint64_t *size, dc_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0 || access(path, R_OK) != 0)
        return dc_error_set(err, DC_E_IO, "cannot open index %s: %s", path,
                            strerror(errno));
    if (!S_ISREG(st.st_mode))
        return dc_error_set(err, DC_E_IO, "cannot open index %s: not a regular file",
                            path);
    *size = (uint64_t)st.st_size;
    return DC_OK;
}

static dc_err open_env(dc_index *idx, dc_error *err)
{
    int rc = mdb_env_create(&idx->env);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    mdb_env_set_maxdbs(idx->env, DC_DB_COUNT);
    rc = mdb_env_open(idx->env, idx->path,
                      MDB_RDONLY | MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOTLS, 0444);
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == EINVAL)
        return dc_error_set(err, DC_E_INDEX_FORMAT,
                            "%s is not a diachi index (not an LMDB file: %s)", idx->path,
                            mdb_strerror(rc));
    if (rc != 0) {
        char what[DC_ERROR_MESSAGE_SIZE];
        snprintf(what, sizeof what, "cannot open index %s", idx->path);
        return dc_index_lmdb_error(err, rc, what);
    }
    /* The pages LMDB will touch must be the pages the seal covers. */
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(idx->env, &info) != 0 || mdb_env_stat(idx->env, &st) != 0 ||
        ((uint64_t)info.me_last_pgno + 1) * st.ms_psize != idx->data_bytes)
        return dc_error_set(err, DC_E_INDEX_CORRUPT,
                            "%s: its LMDB pages (%zu of %u bytes) are not the %llu "
                            "bytes its seal covers",
                            idx->path, info.me_last_pgno + 1, st.ms_psize,
                            (unsigned long long)idx->data_bytes);
    return DC_OK;
}

/* The handle's own read transaction, open until close: the strings, zones
 * and pages read at open point into the map through it. */
static dc_err pin(dc_index *idx, dc_error *err)
{
    int rc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &idx->pinned);
    return rc == 0 ? DC_OK : dc_index_lmdb_error(err, rc, idx->path);
}

dc_err dc_index_open(const char *path, dc_index **out, dc_error *err)
{
    dc_index *idx = NULL;
    uint64_t size = 0;
    dc_err e;
    if (!path || !out) return dc_error_set(err, DC_E_INVALID_ARG, "no index path given");
    e = check_file(path, &size, err);
    if (e != DC_OK) goto done;
    idx = calloc(1, sizeof *idx);
    if (!idx || !(idx->path = strdup(path))) {
        e = dc_error_set(err, DC_E_NOMEM, "out of memory opening %s", path);
        goto done;
    }
    pthread_mutex_init(&idx->lock, NULL);
    idx->meta.file_bytes = size;
    /* Nothing is mapped before the whole file is known to be as built. */
    e = dc_seal_verify(path, size, &idx->data_bytes, err);
    if (e == DC_OK) e = open_env(idx, err);
    if (e == DC_OK) e = dc_index_read_meta(idx, err);
    if (e == DC_OK) e = pin(idx, err);
    if (e == DC_OK) e = dc_index_load_strings(idx, err);
    if (e == DC_OK) e = dc_index_load_zones(idx, err);
    if (e == DC_OK) e = dc_index_load_history(idx, err);
    if (e == DC_OK) e = dc_pages_load(idx, err);
    if (e == DC_OK) e = dc_index_load_search(idx, err);
done:
    if (e != DC_OK) {
        dc_index_close(idx);
        return e;
    }
    *out = idx;
    return DC_OK;
}

void dc_index_close(dc_index *idx)
{
    if (!idx) return;
    dc_index_txns_free(idx);
    if (idx->pinned) mdb_txn_abort(idx->pinned);
    free(idx->strings);
    free(idx->pages.seg);
    free(idx->pages.fences);
    free(idx->zones);
    free(idx->zone_slot);
    dc_index_free_history(idx);
    free(idx->grid);
    free(idx->rings);
    free(idx->grid_table);
    free(idx->zone_ring0);
    if (idx->env) mdb_env_close(idx->env);
    if (idx->path) pthread_mutex_destroy(&idx->lock);
    free(idx->sources);
    free(idx->path);
    free(idx);
}

const dc_index_meta *dc_index_info(const dc_index *idx)
{
    return idx ? &idx->meta : NULL;
}
