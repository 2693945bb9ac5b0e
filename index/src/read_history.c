/*
 * read_history.c - the editions, the earlier zones and the history rows
 * (diachi/history.h): the first two read at open, the rows looked up.
 */
#include <stdlib.h>

#include "history_records.h"
#include "read_history.h"

static dc_err load_editions(dc_index *idx, dc_error *err)
{
    MDB_stat st;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_EDITIONS], &st);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    if (st.ms_entries == 0) return DC_OK;
    if (st.ms_entries > DC_EDITIONS_MAX)
        return dc_error_set(err, DC_E_INDEX_CORRUPT, "%s: %zu editions", idx->path,
                            st.ms_entries);
    idx->editions = malloc(st.ms_entries * sizeof *idx->editions);
    if (!idx->editions)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for editions");
    if ((rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_EDITIONS], &cur)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    dc_err e = DC_OK;
    for (int op = MDB_FIRST; e == DC_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
         op = MDB_NEXT) {
        dc_edition *ed = &idx->editions[idx->neditions];
        if (idx->neditions == st.ms_entries || dc_edition_decode(&k, &v, ed) != DC_OK ||
            ed->number != idx->neditions + 1)
            e = dc_error_set(err, DC_E_INDEX_CORRUPT,
                             "%s: editions record %u does not decode as edition %u",
                             idx->path, idx->neditions + 1, idx->neditions + 1);
        else
            idx->neditions++;
    }
    mdb_cursor_close(cur);
    return e;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Every zone grid cell an earlier zone's bbox touches, (cell, zone). */
static dc_err past_grid(dc_index *idx)
{
    size_t n = 0, cap = 64;
    uint64_t *g = malloc(cap * sizeof *g);
    if (!g) return DC_E_NOMEM;
    for (uint32_t i = 0; i < idx->npast; i++) {
        const dc_zone *z = &idx->past_zones[i].zone;
        if (dc_zonegrid_cover(&g, &n, &cap, z->south_e7, z->west_e7, z->north_e7,
                              z->east_e7, i) != DC_OK) {
            free(g);
            return DC_E_NOMEM;
        }
    }
    qsort(g, n, sizeof *g, by_key); /* in a cell, by postcode: zones are */
    idx->past_grid = g;
    idx->npast_grid = (uint32_t)n;
    return DC_OK;
}

static dc_err load_past_zones(dc_index *idx, dc_error *err)
{
    MDB_stat st;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_PAST_ZONES], &st);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    if (st.ms_entries == 0) return DC_OK;
    idx->past_zones = malloc(st.ms_entries * sizeof *idx->past_zones);
    idx->past_slot = malloc(DC_POSTCODES * sizeof *idx->past_slot);
    if (!idx->past_zones || !idx->past_slot)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for earlier zones");
    for (uint32_t i = 0; i < DC_POSTCODES; i++)
        idx->past_slot[i] = -1;
    if ((rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_PAST_ZONES], &cur)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    dc_err e = DC_OK;
    for (int op = MDB_FIRST; e == DC_OK && mdb_cursor_get(cur, &k, &v, op) == 0;
         op = MDB_NEXT) {
        dc_past_zone *z = &idx->past_zones[idx->npast];
        if (idx->npast == st.ms_entries || dc_past_zone_decode(&k, &v, z) != DC_OK)
            e = dc_error_set(err, DC_E_INDEX_CORRUPT,
                             "%s: past_zones record %u does not decode", idx->path,
                             idx->npast + 1);
        else
            idx->past_slot[z->zone.postcode] = (int32_t)idx->npast++;
    }
    mdb_cursor_close(cur);
    if (e == DC_OK && past_grid(idx) != DC_OK)
        e = dc_error_set(err, DC_E_NOMEM, "out of memory for earlier zones");
    return e;
}

dc_err dc_index_load_history(dc_index *idx, dc_error *err)
{
    dc_err e = load_editions(idx, err);
    return e == DC_OK ? load_past_zones(idx, err) : e;
}

void dc_index_free_history(dc_index *idx)
{
    free(idx->editions);
    free(idx->past_zones);
    free(idx->past_slot);
    free(idx->past_grid);
}

size_t dc_index_editions(const dc_index *idx, const dc_edition **out)
{
    if (out) *out = idx && idx->neditions ? idx->editions : NULL;
    return idx ? idx->neditions : 0;
}

uint32_t dc_index_current_edition(const dc_index *idx)
{
    return idx ? idx->neditions : 0;
}

uint32_t dc_index_edition_on(const dc_index *idx, int32_t day)
{
    if (!idx || idx->neditions == 0) return 0;
    for (uint32_t i = 0; i < idx->neditions; i++)
        if (day >= idx->editions[i].valid_from && day <= idx->editions[i].valid_until)
            return i + 1;
    return day > idx->editions[idx->neditions - 1].valid_until ? idx->neditions : 0;
}

dc_err dc_index_past_zone(dc_index_txn *txn, uint32_t postcode, dc_past_zone *out)
{
    if (!txn || !out) return DC_E_INVALID_ARG;
    const dc_index *idx = txn->idx;
    if (!idx->past_slot || postcode >= DC_POSTCODES || idx->past_slot[postcode] < 0)
        return DC_E_NOT_FOUND;
    *out = idx->past_zones[idx->past_slot[postcode]];
    return DC_OK;
}

/* The current zone at a point, with its span: its first edition is its
 * earlier record's, when the postcode had one. */
static dc_err current_at(dc_index_txn *txn, int32_t lat_e7, int32_t lon_e7,
                         dc_past_zone *out)
{
    const dc_index *idx = txn->idx;
    dc_past_zone z;
    dc_err rc = dc_index_zone_at(txn, lat_e7, lon_e7, &z.zone);
    if (rc != DC_OK) return rc;
    z.first_edition = z.last_edition = idx->neditions;
    if (idx->past_slot && idx->past_slot[z.zone.postcode] >= 0)
        z.first_edition = idx->past_zones[idx->past_slot[z.zone.postcode]].first_edition;
    *out = z;
    return DC_OK;
}

dc_err dc_index_zone_at_edition(dc_index_txn *txn, uint32_t edition, int32_t lat_e7,
                                int32_t lon_e7, dc_past_zone *out)
{
    if (!txn || !out) return DC_E_INVALID_ARG;
    const dc_index *idx = txn->idx;
    if (edition == idx->neditions) return current_at(txn, lat_e7, lon_e7, out);
    if (edition == 0 || edition > idx->neditions || !dc_lat_ok(lat_e7) ||
        !dc_lon_ok(lon_e7))
        return DC_E_NOT_FOUND;
    uint32_t cell = dc_zonegrid_cell(lat_e7, lon_e7);
    size_t lo = dc_zonegrid_first(idx->past_grid, idx->npast_grid, cell);
    for (; lo < idx->npast_grid && idx->past_grid[lo] >> 32 == cell; lo++) {
        const dc_past_zone *z = &idx->past_zones[(uint32_t)idx->past_grid[lo]];
        if (z->first_edition <= edition && edition <= z->last_edition &&
            dc_in_box(&z->zone, lat_e7, lon_e7) &&
            dc_polygon_contains_checked(&z->zone.polygon, lat_e7, lon_e7)) {
            *out = *z;
            return DC_OK;
        }
    }
    return DC_E_NOT_FOUND;
}

dc_err dc_index_history(dc_index_txn *txn, uint32_t old_postcode, dc_history_row *rows,
                        size_t max, size_t *count)
{
    if (!txn || !count || (max && !rows)) return DC_E_INVALID_ARG;
    MDB_cursor *cur;
    uint8_t kb[DC_HISTORY_KEY] = {0};
    dc_put_be32(kb, old_postcode);
    MDB_val k = {sizeof kb, kb}, v;
    int rc = mdb_cursor_open(txn->txn, txn->idx->dbi[DC_DB_HISTORY], &cur);
    if (rc != 0) return dc_index_lmdb_error(NULL, rc, "history");
    size_t n = 0;
    dc_err e = DC_OK;
    for (int op = MDB_SET_RANGE; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        dc_history_row r;
        if (dc_history_decode(&k, &v, &r) != DC_OK) {
            e = DC_E_INDEX_CORRUPT;
            break;
        }
        if (r.old_postcode != old_postcode) break;
        if (n < max) rows[n] = r;
        n++;
    }
    mdb_cursor_close(cur);
    if (e == DC_OK) *count = n;
    return e;
}

dc_err dc_index_history_to(dc_index_txn *txn, uint32_t new_postcode, dc_history_row *rows,
                           size_t max, size_t *count)
{
    if (!txn || !count || (max && !rows)) return DC_E_INVALID_ARG;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = mdb_cursor_open(txn->txn, txn->idx->dbi[DC_DB_HISTORY], &cur);
    if (rc != 0) return dc_index_lmdb_error(NULL, rc, "history");
    size_t n = 0;
    dc_err e = DC_OK;
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        dc_history_row r;
        if (dc_history_decode(&k, &v, &r) != DC_OK) {
            e = DC_E_INDEX_CORRUPT;
            break;
        }
        if (r.new_postcode != new_postcode || r.old_postcode == new_postcode) continue;
        if (n < max) rows[n] = r;
        n++;
    }
    mdb_cursor_close(cur);
    if (e == DC_OK) *count = n;
    return e;
}
