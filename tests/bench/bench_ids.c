/* bench_ids.c - see bench_ids.h. */
#include "bench_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "id_groups.h"

/* Records a write transaction takes before it is committed. */
#define COMMIT_EVERY 1000000u

static bool failed(const char *what, int rc)
{
    fprintf(stderr, "bench_ids: %s: %s\n", what, mdb_strerror(rc));
    return false;
}

/* An environment on @p path; @p mapsize 0 leaves LMDB's (the file's size
 * for a reader). */
static int open_env(MDB_env **env, const char *path, unsigned flags, size_t mapsize)
{
    int rc = mdb_env_create(env);
    if (rc == 0) rc = mdb_env_set_maxdbs(*env, 16);
    if (rc == 0 && mapsize) rc = mdb_env_set_mapsize(*env, mapsize);
    if (rc == 0) rc = mdb_env_open(*env, path, flags | MDB_NOSUBDIR | MDB_NOLOCK, 0600);
    return rc;
}

/* Room for the scratch file: an entry a household takes at most about
 * twice what its share of a group does (an LMDB node's 8-byte head and
 * page pointer against the group's 2 bytes of lengths), and the pages a
 * build leaves part empty; four times the groups' pages and 64 MiB. */
static size_t scratch_size(MDB_txn *txn, MDB_dbi groups)
{
    MDB_stat st;
    if (mdb_stat(txn, groups, &st) != 0) return (size_t)1 << 30;
    return 4 * (st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages) *
               (size_t)st.ms_psize +
           ((size_t)64 << 20);
}

/* The ids of one group appended to @p dbi, in a write transaction that
 * is committed and begun again every COMMIT_EVERY ids. */
static int copy_group(MDB_env *out, MDB_txn **w, MDB_dbi dbi, const MDB_val *group,
                      uint64_t *count)
{
    dc_id_walk walk;
    dc_err e = dc_id_walk_begin(&walk, group);
    int rc = 0;
    while (rc == 0 && e == DC_OK && (e = dc_id_walk_next(&walk)) == DC_OK) {
        MDB_val id = {walk.len, walk.id}, key = {DC_HOUSEHOLD_KEY_SIZE, (void *)walk.key};
        rc = mdb_put(*w, dbi, &id, &key, MDB_APPEND);
        if (rc == 0 && ++*count % COMMIT_EVERY == 0) {
            rc = mdb_txn_commit(*w);
            *w = NULL;
            if (rc == 0) rc = mdb_txn_begin(out, NULL, 0, w);
        }
    }
    return rc == 0 && e != DC_E_NOT_FOUND ? MDB_CORRUPTED : rc;
}

/* Every id of the index's groups, in order, appended to @p out's unnamed
 * database. */
static int copy_ids(MDB_txn *in, MDB_dbi groups, MDB_env *out, uint64_t *count)
{
    MDB_cursor *cur = NULL;
    MDB_txn *w = NULL;
    MDB_dbi dbi;
    MDB_val k, v;
    int rc = mdb_cursor_open(in, groups, &cur);
    if (rc == 0) rc = mdb_txn_begin(out, NULL, 0, &w);
    if (rc == 0) rc = mdb_dbi_open(w, NULL, 0, &dbi);
    for (int op = MDB_FIRST; rc == 0 && (rc = mdb_cursor_get(cur, &k, &v, op)) == 0;
         op = MDB_NEXT)
        rc = copy_group(out, &w, dbi, &v, count);
    if (rc == MDB_NOTFOUND) {
        rc = mdb_txn_commit(w);
        w = NULL;
    }
    if (w) mdb_txn_abort(w);
    if (cur) mdb_cursor_close(cur);
    return rc;
}

bool dc_bench_ids_open(dc_bench_ids *ids, const char *index_path)
{
    char path[512];
    const char *dir = getenv("TMPDIR");
    MDB_env *in, *out;
    MDB_txn *txn;
    MDB_dbi groups;
    snprintf(path, sizeof path, "%s/bench-ids.%ld.mdb", dir ? dir : "/tmp",
             (long)getpid());
    ids->count = 0;
    int rc = open_env(&in, index_path, MDB_RDONLY, 0);
    if (rc != 0) return failed(index_path, rc);
    rc = mdb_txn_begin(in, NULL, MDB_RDONLY, &txn);
    if (rc == 0) rc = mdb_dbi_open(txn, "ids", 0, &groups);
    if (rc == 0) rc = open_env(&out, path, MDB_NOSYNC, scratch_size(txn, groups));
    if (rc == 0) {
        rc = copy_ids(txn, groups, out, &ids->count);
        mdb_env_close(out);
    }
    mdb_txn_abort(txn);
    mdb_env_close(in);
    if (rc == 0) rc = open_env(&ids->env, path, MDB_RDONLY | MDB_NOTLS, 0);
    unlink(path);
    if (rc != 0) return failed(path, rc);
    rc = mdb_txn_begin(ids->env, NULL, MDB_RDONLY, &txn);
    if (rc == 0) rc = mdb_dbi_open(txn, NULL, 0, &ids->dbi);
    if (rc == 0) rc = mdb_txn_commit(txn);
    return rc == 0 || failed(path, rc);
}

void dc_bench_ids_close(dc_bench_ids *ids)
{
    mdb_env_close(ids->env);
}
