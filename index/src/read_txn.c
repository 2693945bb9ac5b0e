/*
 * read_txn.c - read transactions (diachi/index.h, read_txn.h). The file is
 * immutable once built, so it is opened with MDB_NOTLS and a transaction
 * may move between threads. Ended transactions are reset and kept on a
 * free list, so a begin is a renew (with the `ids` cursor, when a lookup
 * by id opened one): no allocation, no system call.
 */
#include <stdlib.h>

#include "read_txn.h"

/* A read-only transaction's cursor is closed on its own, before or after
 * the transaction ends. */
static void free_txn(dc_index_txn *t)
{
    if (t->ids) mdb_cursor_close(t->ids);
    mdb_txn_abort(t->txn);
    free(t);
}

dc_err dc_index_txn_begin(dc_index *idx, dc_index_txn **out)
{
    dc_index_txn *t;
    int rc;
    if (!idx || !out) return DC_E_INVALID_ARG;
    pthread_mutex_lock(&idx->lock);
    t = idx->free_txns;
    if (t) idx->free_txns = t->next;
    pthread_mutex_unlock(&idx->lock);
    if (t) {
        rc = mdb_txn_renew(t->txn);
        if (rc == 0 && t->ids) rc = mdb_cursor_renew(t->txn, t->ids);
        if (rc != 0) {
            free_txn(t);
            return dc_index_lmdb_error(NULL, rc, "renew");
        }
    } else {
        /* Cache lines of its own: transactions of two threads side by side
         * in the heap would share one, each thread's writes evicting the
         * other's reads. */
        t = aligned_alloc(64, (sizeof *t + 63) / 64 * 64);
        if (!t) return DC_E_NOMEM;
        memset(t, 0, sizeof *t);
        rc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &t->txn);
        if (rc != 0) {
            free(t);
            return dc_index_lmdb_error(NULL, rc, "begin");
        }
        t->idx = idx;
    }
    t->next = NULL;
    t->page = t->slot = 0;
    t->ahead.next = t->ahead.finger = 0;
    *out = t;
    return DC_OK;
}

void dc_index_txn_end(dc_index_txn *txn)
{
    if (!txn) return;
    dc_index *idx = txn->idx;
    mdb_txn_reset(txn->txn);
    pthread_mutex_lock(&idx->lock);
    txn->next = idx->free_txns;
    idx->free_txns = txn;
    pthread_mutex_unlock(&idx->lock);
}

void dc_index_txns_free(dc_index *idx)
{
    while (idx->free_txns) {
        dc_index_txn *t = idx->free_txns;
        idx->free_txns = t->next;
        free_txn(t);
    }
}
