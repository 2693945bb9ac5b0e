/*
 * read_household.c - one household by number, by id, or from the record a
 * positions walk met (diachi/index.h).
 */
#include "read_cursor.h"
#include "read_strings.h"

dc_err dc_index_household(dc_index_txn *txn, uint32_t number, dc_household *out)
{
    MDB_val k, v;
    dc_household h;
    if (!txn || !out) return DC_E_INVALID_ARG;
    dc_err rc = dc_cursor_seek_number(txn, number, &k, &v);
    if (rc == DC_OK) rc = dc_index_household_of(txn, &k, &v, number, &h);
    if (rc == DC_OK) *out = h;
    return rc;
}

dc_err dc_index_household_by_id(dc_index_txn *txn, const char *id, size_t len,
                                dc_household *out)
{
    const uint8_t *key;
    MDB_val k, v;
    dc_household h;
    if (!txn || !out || !id) return DC_E_INVALID_ARG;
    if (len == 0 || len > 255) return DC_E_NOT_FOUND;
    dc_err rc = dc_index_id_key(txn, id, len, &key);
    if (rc != DC_OK) return rc;
    k = (MDB_val){DC_HOUSEHOLD_KEY_SIZE, (void *)key};
    rc = dc_cursor_step(txn, MDB_SET_KEY, &k, &v);
    if (rc == DC_OK) rc = dc_index_household_of(txn, &k, &v, dc_cursor_number(txn), &h);
    if (rc == DC_OK) *out = h;
    return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
}

dc_err dc_index_household_read(dc_index_txn *txn, const dc_household_ref *ref,
                               dc_household *out)
{
    dc_household h;
    if (!txn || !ref || !out || !ref->key || !ref->val) return DC_E_INVALID_ARG;
    MDB_val k = {ref->key_size, (void *)ref->key}, v = {ref->val_size, (void *)ref->val};
    dc_err rc = dc_index_household_of(txn, &k, &v, ref->number, &h);
    if (rc == DC_OK) *out = h;
    return rc;
}
