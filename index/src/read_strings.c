/*
 * read_strings.c - the strings table read at open, and households
 * completed from it (read_strings.h).
 */
#include <stdlib.h>

#include "read_decode.h"
#include "read_strings.h"

/* Every string by id, ids 1..n in order, pointing into the map. */
dc_err dc_index_load_strings(dc_index *idx, dc_error *err)
{
    MDB_cursor *cur;
    MDB_stat st;
    MDB_val k, v;
    int rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_STRINGS], &st);
    if (rc == 0) rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_STRINGS], &cur);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    dc_err e = DC_OK;
    idx->strings = malloc((st.ms_entries + 1) * sizeof *idx->strings);
    if (!idx->strings) e = dc_error_set(err, DC_E_NOMEM, "out of memory for strings");
    uint32_t n = 0;
    for (int op = MDB_FIRST; e == DC_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
         op = MDB_NEXT) {
        if (k.mv_size != 4 || dc_get_be32(k.mv_data) != n + 1 || n == st.ms_entries)
            e = dc_error_set(err, DC_E_INDEX_CORRUPT, "%s: string ids are not 1..%zu",
                             idx->path, (size_t)st.ms_entries);
        else
            idx->strings[n++] = (dc_str){v.mv_data, v.mv_size};
    }
    mdb_cursor_close(cur);
    idx->nstrings = n;
    return e;
}

dc_err dc_index_string(dc_index_txn *txn, uint32_t id, dc_str *out)
{
    if (id == 0) {
        *out = (dc_str){"", 0};
        return DC_OK;
    }
    if (id > txn->idx->nstrings) return DC_E_INDEX_CORRUPT;
    *out = txn->idx->strings[id - 1];
    return DC_OK;
}

static dc_err household_strings(dc_index_txn *txn, dc_household *h, uint32_t street,
                                uint32_t group)
{
    dc_err rc = dc_index_string(txn, street, &h->street);
    if (rc == DC_OK) rc = dc_index_string(txn, group, &h->group);
    return rc;
}

/* A whole household from its record. */
dc_err dc_index_household_of(dc_index_txn *txn, const MDB_val *key, const MDB_val *val,
                             uint32_t number, dc_household *out)
{
    uint32_t street, group;
    dc_err rc = dc_household_decode(key, val, number, out, &street, &group);
    if (rc == DC_OK) rc = household_strings(txn, out, street, group);
    return rc;
}
