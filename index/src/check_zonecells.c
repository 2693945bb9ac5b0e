/*
 * check_zonecells.c - dc_index_check's part for the zone grid's sub-grid
 * (check_zonecells.h): every zonecells value must be, byte for byte, the
 * one recomputed from the zones' polygons and the zone grid, and there
 * must be no other. The fingerprint does not cover zonecells (it is
 * derived), so this comparison is what vouches for it.
 */
#include <stdlib.h>

#include "check_zonecells.h"
#include "zonecells.h"

typedef struct zc_check {
    dc_index *idx;
    MDB_txn *txn;
    dc_error *err;
    const dc_zonecells *zc;
    uint8_t *buf;
    size_t cap;
    uint64_t values; /* zonecells values expected */
} zc_check;

/* Where two values first differ, in words: a sub-cell, or its records. */
static dc_err differs(zc_check *c, uint32_t cell, const MDB_val *have, size_t want)
{
    size_t n = have->mv_size < want ? have->mv_size : want, i = 0;
    const uint8_t *p = have->mv_data;
    while (i < n && p[i] == c->buf[i])
        i++;
    if (i < DC_ZC_HEAD)
        return dc_error_set(c->err, DC_E_INDEX_CORRUPT,
                            "zonecells cell %u: sub-cell %zu's mark differs from the "
                            "one its zones' polygons give",
                            cell, i / 2);
    return dc_error_set(c->err, DC_E_INDEX_CORRUPT,
                        "zonecells cell %u: its border records differ from the ones its "
                        "zones' polygons give (byte %zu of %zu)",
                        cell, i, want);
}

static dc_err check_cell(zc_check *c, const MDB_val *key, const MDB_val *grid)
{
    uint32_t cell = dc_get_be32(key->mv_data), ncand = (uint32_t)(grid->mv_size / 4);
    MDB_val v;
    int rc = mdb_get(c->txn, c->idx->dbi[DC_DB_ZONECELLS], (MDB_val *)key, &v);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return dc_index_lmdb_error(c->err, rc, "zonecells");
    if (ncand > DC_ZC_MAX_CANDIDATES) {
        if (rc == 0)
            return dc_error_set(c->err, DC_E_INDEX_CORRUPT,
                                "zonecells cell %u: a value for over %u zones", cell,
                                DC_ZC_MAX_CANDIDATES);
        return DC_OK;
    }
    if (rc == MDB_NOTFOUND)
        return dc_error_set(c->err, DC_E_INDEX_CORRUPT,
                            "zonegrid cell %u has no zonecells value", cell);
    c->values++;
    size_t want;
    dc_err e =
        dc_zonecells_value(c->zc, cell, grid->mv_data, ncand, &c->buf, &c->cap, &want);
    if (e != DC_OK) return dc_error_set(c->err, e, "recomputing zonecells cell %u", cell);
    if (v.mv_size != want || memcmp(v.mv_data, c->buf, want) != 0)
        return differs(c, cell, &v, want);
    return DC_OK;
}

static dc_err walk_grid(zc_check *c)
{
    MDB_cursor *cur;
    MDB_val k, v;
    dc_err e = DC_OK;
    int rc = mdb_cursor_open(c->txn, c->idx->dbi[DC_DB_ZONEGRID], &cur);
    if (rc != 0) return dc_index_lmdb_error(c->err, rc, "zonegrid");
    for (int op = MDB_FIRST; e == DC_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
         op = MDB_NEXT)
        e = check_cell(c, &k, &v);
    mdb_cursor_close(cur);
    return e;
}

static dc_err prepare(zc_check *c, const dc_zone *zones, size_t nzones, dc_zc_zone **in,
                      dc_zonecells **zc)
{
    *in = malloc((nzones ? nzones : 1) * sizeof **in);
    if (!*in) return dc_error_set(c->err, DC_E_NOMEM, "out of memory checking zonecells");
    for (size_t i = 0; i < nzones; i++)
        (*in)[i] = (dc_zc_zone){zones[i].postcode, zones[i].polygon};
    dc_err e = dc_zonecells_prepare(*in, nzones, zc);
    if (e != DC_OK) return dc_error_set(c->err, e, "out of memory checking zonecells");
    return DC_OK;
}

dc_err dc_check_zonecells(dc_index *idx, MDB_txn *txn, const dc_zone *zones,
                          size_t nzones, dc_error *err)
{
    zc_check c = {.idx = idx, .txn = txn, .err = err};
    dc_zc_zone *in = NULL;
    dc_zonecells *zc = NULL;
    MDB_stat st;
    dc_err e = prepare(&c, zones, nzones, &in, &zc);
    c.zc = zc;
    if (e == DC_OK) e = walk_grid(&c);
    if (e == DC_OK) {
        int rc = mdb_stat(txn, idx->dbi[DC_DB_ZONECELLS], &st);
        if (rc != 0)
            e = dc_index_lmdb_error(err, rc, "zonecells");
        else if (st.ms_entries != c.values)
            e = dc_error_set(err, DC_E_INDEX_CORRUPT,
                             "zonecells holds %zu values, the zone grid %llu",
                             st.ms_entries, (unsigned long long)c.values);
    }
    dc_zonecells_free(zc);
    free(in);
    free(c.buf);
    return e;
}
