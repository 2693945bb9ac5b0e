/*
 * check_history.c - the editions, history rows and earlier zones verified
 * (check_history.h).
 */
#include "check_history.h"
#include "history_records.h"

static dc_err corrupt(dc_error *err, const char *what, uint64_t n, const char *why)
{
    return dc_error_set(err, DC_E_INDEX_CORRUPT, "%s: record %llu %s", what,
                        (unsigned long long)n, why);
}

typedef struct history_check {
    dc_index *idx;
    MDB_txn *txn;
    dc_error *err;
    uint32_t zones[DC_EDITIONS_MAX + 1]; /* earlier zones of each edition */
} history_check;

typedef dc_err (*walk_fn)(history_check *c, uint64_t n, const MDB_val *k,
                          const MDB_val *v);

static dc_err walk(history_check *c, int db, walk_fn fn)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_cursor_open(c->txn, c->idx->dbi[db], &cur);
    if (rc != 0) return dc_index_lmdb_error(c->err, rc, dc_db_names[db]);
    dc_err e = DC_OK;
    uint64_t n = 0;
    for (int op = MDB_FIRST; e == DC_OK && (rc = mdb_cursor_get(cur, &k, &v, op)) == 0;
         op = MDB_NEXT)
        e = fn(c, ++n, &k, &v);
    mdb_cursor_close(cur);
    if (e == DC_OK && rc != MDB_NOTFOUND)
        return dc_index_lmdb_error(c->err, rc, dc_db_names[db]);
    return e;
}

static dc_err past_zone(history_check *c, uint64_t n, const MDB_val *k, const MDB_val *v)
{
    dc_past_zone z;
    dc_zone now;
    uint32_t current = c->idx->neditions;
    if (dc_past_zone_decode(k, v, &z) != DC_OK)
        return corrupt(c->err, "past_zones", n, "does not decode");
    if (dc_polygon_validate(&z.zone.polygon) != DC_OK)
        return corrupt(c->err, "past_zones", n, "has an invalid polygon");
    if (z.zone.household_count != 0)
        return corrupt(c->err, "past_zones", n, "counts households");
    if (z.first_edition < 1 || z.first_edition > z.last_edition ||
        z.last_edition >= current)
        return corrupt(c->err, "past_zones", n, "has editions outside the earlier ones");
    for (uint32_t e = z.first_edition; e <= z.last_edition; e++)
        c->zones[e]++;
    int32_t slot = c->idx->zone_slot[z.zone.postcode];
    if (slot < 0) return DC_OK;
    now = c->idx->zones[slot];
    if (z.last_edition != current - 1)
        return corrupt(c->err, "past_zones", n, "is a postcode reused after a gap");
    if (now.ref_lat_e7 != z.zone.ref_lat_e7 || now.ref_lon_e7 != z.zone.ref_lon_e7)
        return corrupt(c->err, "past_zones", n, "has another reference point than now");
    return DC_OK;
}

static int in_some_edition(const dc_index *idx, uint32_t pc)
{
    return pc < DC_POSTCODES &&
           (idx->zone_slot[pc] >= 0 || (idx->past_slot && idx->past_slot[pc] >= 0));
}

static dc_err history_row(history_check *c, uint64_t n, const MDB_val *k,
                          const MDB_val *v)
{
    dc_history_row r;
    if (dc_history_decode(k, v, &r) != DC_OK)
        return corrupt(c->err, "history", n, "does not decode");
    if (!in_some_edition(c->idx, r.old_postcode) ||
        !in_some_edition(c->idx, r.new_postcode))
        return corrupt(c->err, "history", n, "names a postcode of no edition");
    return DC_OK;
}

static dc_err editions(history_check *c)
{
    const dc_index *idx = c->idx;
    for (uint32_t i = 0; i < idx->neditions; i++) {
        const dc_edition *e = &idx->editions[i];
        uint32_t want =
            i + 1 == idx->neditions ? (uint32_t)idx->meta.zones : c->zones[i + 1];
        if (e->valid_from > e->valid_until)
            return corrupt(c->err, "editions", i + 1, "ends before it starts");
        if (i && e->valid_from <= idx->editions[i - 1].valid_until)
            return corrupt(c->err, "editions", i + 1, "overlaps the edition before");
        if (e->zones != want)
            return corrupt(c->err, "editions", i + 1, "counts another number of zones");
    }
    return DC_OK;
}

dc_err dc_check_history(dc_index *idx, MDB_txn *txn, dc_error *err)
{
    history_check c = {.idx = idx, .txn = txn, .err = err};
    MDB_stat st;
    int rc = mdb_stat(txn, idx->dbi[DC_DB_EDITIONS], &st);
    if (rc != 0) return dc_index_lmdb_error(err, rc, "editions");
    if (st.ms_entries != idx->neditions)
        return dc_error_set(err, DC_E_INDEX_CORRUPT, "editions: %zu records, %u read",
                            st.ms_entries, idx->neditions);
    if (idx->neditions == 0) {
        MDB_stat h, p;
        rc = mdb_stat(txn, idx->dbi[DC_DB_HISTORY], &h);
        if (rc == 0) rc = mdb_stat(txn, idx->dbi[DC_DB_PAST_ZONES], &p);
        if (rc != 0) return dc_index_lmdb_error(err, rc, "history");
        if (h.ms_entries || p.ms_entries)
            return dc_error_set(err, DC_E_INDEX_CORRUPT,
                                "history or past_zones records without editions");
        return DC_OK;
    }
    dc_err e = walk(&c, DC_DB_PAST_ZONES, past_zone);
    if (e == DC_OK) e = editions(&c);
    if (e == DC_OK) e = walk(&c, DC_DB_HISTORY, history_row);
    return e;
}
