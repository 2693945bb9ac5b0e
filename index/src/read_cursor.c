/*
 * read_cursor.c - the households cursor of a transaction, moved through
 * the household pages (read_cursor.h).
 */
#include "id_groups.h"
#include "pages.h"
#include "read_cursor.h"

/* mdb_get, with LMDB's results mapped: MDB_NOTFOUND -> DC_E_NOT_FOUND. */
dc_err dc_index_get(dc_index_txn *txn, int db, const void *key, size_t len, MDB_val *val)
{
    MDB_val k = {len, (void *)key};
    int rc = mdb_get(txn->txn, txn->idx->dbi[db], &k, val);
    if (rc == MDB_NOTFOUND) return DC_E_NOT_FOUND;
    if (rc != 0) return dc_index_lmdb_error(NULL, rc, "get");
    return DC_OK;
}

/* MDB_SET_RANGE finds the first group at or after the id; unless that
 * group starts with the id, the id can only be in the group before. */
dc_err dc_index_id_key(dc_index_txn *txn, const void *id, size_t len, const uint8_t **key)
{
    MDB_val k = {len, (void *)id}, v;
    int rc = 0;
    if (!txn->ids) rc = mdb_cursor_open(txn->txn, txn->idx->dbi[DC_DB_IDS], &txn->ids);
    if (rc == 0) rc = mdb_cursor_get(txn->ids, &k, &v, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(txn->ids, &k, &v, MDB_LAST);
    else if (rc == 0 && (k.mv_size != len || memcmp(k.mv_data, id, len) != 0))
        rc = mdb_cursor_get(txn->ids, &k, &v, MDB_PREV);
    if (rc == MDB_NOTFOUND) return DC_E_NOT_FOUND;
    if (rc != 0) return dc_index_lmdb_error(NULL, rc, "ids");
    return dc_id_group_find(&k, &v, id, len, key);
}

/* The household under the cursor. */
static dc_err at_cursor(dc_index_txn *txn, MDB_val *k, MDB_val *v)
{
    const uint8_t *page = dc_pages_page(&txn->idx->pages, txn->page);
    return page ? dc_page_record(page, txn->slot, k, v) : DC_E_NOT_FOUND;
}

/* Move the households cursor: MDB_SET_RANGE to the first household at or
 * after the key in @p k, MDB_SET_KEY to the one at that key, MDB_NEXT to
 * the next; then read it into @p k and @p v. DC_E_NOT_FOUND past the end
 * or for no such key. */
dc_err dc_cursor_step(dc_index_txn *txn, MDB_cursor_op op, MDB_val *k, MDB_val *v)
{
    const struct dc_pages *pg = &txn->idx->pages;
    const uint8_t *want = NULL;
    dc_err rc = DC_OK;
    if (op == MDB_NEXT) {
        const uint8_t *page = dc_pages_page(pg, txn->page);
        if (!page) return DC_E_NOT_FOUND;
        if (++txn->slot >= dc_page_count(page)) txn->page++, txn->slot = 0;
    } else {
        if (k->mv_size != DC_HOUSEHOLD_KEY_SIZE) return DC_E_INVALID_ARG;
        want = k->mv_data;
        rc = dc_pages_seek(pg, want, &txn->page, &txn->slot);
    }
    if (rc == DC_OK) rc = at_cursor(txn, k, v);
    if (rc == DC_OK && op == MDB_SET_KEY &&
        memcmp(k->mv_data, want, DC_HOUSEHOLD_KEY_SIZE))
        rc = DC_E_NOT_FOUND;
    return rc;
}

uint32_t dc_cursor_number(const dc_index_txn *txn)
{
    return dc_page_number(dc_pages_page(&txn->idx->pages, txn->page), txn->slot);
}

/* Put the cursor on the first household at or after @p place. */
dc_err dc_cursor_seek(dc_index_txn *txn, uint64_t place, MDB_val *k, MDB_val *v)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    dc_put_be64(key, place);
    dc_put_be32(key + 8, 0);
    /* On success the step points the key at the page; never hand back the
     * address of this frame's key. */
    MDB_val at = {sizeof key, key};
    dc_err rc = dc_cursor_step(txn, MDB_SET_RANGE, &at, v);
    *k = rc == DC_OK ? at : (MDB_val){0, NULL};
    return rc;
}

/* Put the cursor on household @p number: the `numbers` entry at or below
 * it, then forward. */
dc_err dc_cursor_seek_number(dc_index_txn *txn, uint32_t number, MDB_val *k, MDB_val *v)
{
    uint8_t key[4];
    MDB_val at;
    if (number >= txn->idx->meta.households) return DC_E_NOT_FOUND;
    dc_put_be32(key, number - number % DC_NUMBER_STRIDE);
    dc_err rc = dc_index_get(txn, DC_DB_NUMBERS, key, sizeof key, &at);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    if (at.mv_size != DC_HOUSEHOLD_KEY_SIZE) return DC_E_INDEX_CORRUPT;
    *k = at;
    rc = dc_cursor_step(txn, MDB_SET_KEY, k, v);
    for (uint32_t i = number % DC_NUMBER_STRIDE; rc == DC_OK && i > 0; i--)
        rc = dc_cursor_step(txn, MDB_NEXT, k, v);
    if (rc == DC_E_NOT_FOUND) return DC_E_INDEX_CORRUPT;
    if (rc == DC_OK && dc_cursor_number(txn) != number) return DC_E_INDEX_CORRUPT;
    return rc;
}

/* The next household of a door: DC_E_NOT_FOUND past its end. */
dc_err dc_cursor_next_at(dc_index_txn *txn, uint64_t place, MDB_val *k, MDB_val *v)
{
    dc_err rc = dc_cursor_step(txn, MDB_NEXT, k, v);
    if (rc == DC_OK && dc_get_be64(k->mv_data) != place) rc = DC_E_NOT_FOUND;
    return rc;
}
