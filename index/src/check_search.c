/*
 * check_search.c - the search databases recomputed and compared
 * (check_search.h): search_records.c hands out every record in key order,
 * as it does to the build, and each is compared with the next record of
 * its database's cursor; a record missing, changed or left over is named.
 */
#include <stdio.h>

#include "check_search.h"

typedef struct compare {
    dc_index *idx;
    MDB_txn *txn;
    dc_error *err;
    MDB_cursor *cur[DC_DB_COUNT];
    uint64_t seen[DC_DB_COUNT];
} compare;

static dc_str index_string(void *ctx, uint32_t id)
{
    const dc_index *idx = ctx;
    if (id == 0 || id > idx->nstrings) return (dc_str){"", 0};
    return idx->strings[id - 1];
}

static dc_err differs(compare *c, int db, const char *what)
{
    return dc_error_set(c->err, DC_E_INDEX_CORRUPT,
                        "%s: record %llu %s what the zones, households and strings give",
                        dc_db_names[db], (unsigned long long)c->seen[db] + 1, what);
}

static dc_err compare_meta(compare *c, const void *key, size_t klen, const void *val,
                           size_t vlen)
{
    MDB_val k = {klen, (void *)key}, v;
    int rc = mdb_get(c->txn, c->idx->dbi[DC_DB_META], &k, &v);
    if (rc == MDB_NOTFOUND)
        return dc_error_set(c->err, DC_E_INDEX_CORRUPT, "meta has no %s record",
                            DC_SEARCH_META_KEY);
    if (rc != 0) return dc_index_lmdb_error(c->err, rc, "meta");
    if (v.mv_size != vlen || memcmp(v.mv_data, val, vlen) != 0)
        return dc_error_set(c->err, DC_E_INDEX_CORRUPT,
                            "meta's %s record is not what the search entities give",
                            DC_SEARCH_META_KEY);
    return DC_OK;
}

static dc_err compare_record(void *ctx, int db, const void *key, size_t klen,
                             const void *val, size_t vlen)
{
    compare *c = ctx;
    MDB_val k, v;
    if (db == DC_DB_META) return compare_meta(c, key, klen, val, vlen);
    int rc = mdb_cursor_get(c->cur[db], &k, &v, c->seen[db] ? MDB_NEXT : MDB_FIRST);
    if (rc == MDB_NOTFOUND) return differs(c, db, "is missing: it is");
    if (rc != 0) return dc_index_lmdb_error(c->err, rc, dc_db_names[db]);
    if (k.mv_size != klen || memcmp(k.mv_data, key, klen) != 0)
        return differs(c, db, "has another key than");
    if (v.mv_size != vlen || memcmp(v.mv_data, val, vlen) != 0)
        return differs(c, db, "has another value than");
    c->seen[db]++;
    return DC_OK;
}

/* Nothing may follow the last record the recomputation gave. */
static dc_err nothing_after(compare *c, int db)
{
    MDB_val k, v;
    int rc = mdb_cursor_get(c->cur[db], &k, &v, c->seen[db] ? MDB_NEXT : MDB_FIRST);
    if (rc == MDB_NOTFOUND) return DC_OK;
    if (rc != 0) return dc_index_lmdb_error(c->err, rc, dc_db_names[db]);
    return dc_error_set(c->err, DC_E_INDEX_CORRUPT,
                        "%s holds %llu records or more, the households give %llu",
                        dc_db_names[db], (unsigned long long)c->seen[db] + 1,
                        (unsigned long long)c->seen[db]);
}

static const int search_dbs[] = {DC_DB_SEARCH_ENTITIES, DC_DB_SEARCH_WORDS,
                                 DC_DB_SEARCH_TYPOS};
#define NSEARCH (sizeof search_dbs / sizeof search_dbs[0])

dc_err dc_check_search(dc_index *idx, MDB_txn *txn, dc_search_records *r,
                       const dc_zone *zones, size_t nzones, dc_error *err)
{
    compare c = {.idx = idx, .txn = txn, .err = err};
    dc_err e = DC_OK;
    for (size_t i = 0; e == DC_OK && i < nzones; i++) {
        const dc_zone *z = &zones[i];
        e = dc_search_records_zone(r, z->postcode, z->name, z->kind, z->district,
                                   z->province);
    }
    for (size_t i = 0; e == DC_OK && i < NSEARCH; i++) {
        int rc = mdb_cursor_open(txn, idx->dbi[search_dbs[i]], &c.cur[search_dbs[i]]);
        if (rc != 0) e = dc_index_lmdb_error(err, rc, dc_db_names[search_dbs[i]]);
    }
    if (e == DC_E_NOMEM) dc_error_set(err, e, "out of memory checking the search index");
    if (e == DC_OK)
        e = dc_search_records_finish(r, index_string, idx, compare_record, &c, err);
    for (size_t i = 0; e == DC_OK && i < NSEARCH; i++)
        e = nothing_after(&c, search_dbs[i]);
    for (size_t i = 0; i < NSEARCH; i++)
        if (c.cur[search_dbs[i]]) mdb_cursor_close(c.cur[search_dbs[i]]);
    return e;
}
