/*
 * build_record.c - one record into a database of the file being built and
 * into the content fingerprint (build_record.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "build_record.h"

dc_err dc_build_reserve(dc_builder *b, size_t size)
{
    if (size <= b->bufsize) return DC_OK;
    uint8_t *p = realloc(b->buf, size);
    if (!p) return dc_error_set(b->err, DC_E_NOMEM, "out of memory writing a record");
    b->buf = p;
    b->bufsize = size;
    return DC_OK;
}

dc_err dc_build_store(dc_builder *b, int db, const void *key, size_t klen,
                      const void *val, size_t vlen)
{
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    int rc =
        mdb_put(b->file.txn, b->file.dbi[db], &k, &v, db == DC_DB_META ? 0 : MDB_APPEND);
    if (rc != 0) {
        char what[64];
        snprintf(what, sizeof what, "writing %s to %s", dc_db_names[db], "the index");
        return dc_index_lmdb_error(b->err, rc, what);
    }
    return DC_OK;
}

/* Append a record to a database and, for a content one, to the fingerprint. */
dc_err dc_build_put(dc_builder *b, int db, const void *key, size_t klen, const void *val,
                    size_t vlen)
{
    dc_err rc = dc_build_store(b, db, key, klen, val, vlen);
    if (rc != DC_OK) return rc;
    if (db < DC_DB_CONTENT) {
        dc_build_hash_part(b->hasher, key, klen);
        dc_build_hash_part(b->hasher, val, vlen);
    }
    return DC_OK;
}
