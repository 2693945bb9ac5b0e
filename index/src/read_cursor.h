/*
 * read_cursor.h - a transaction's households cursor: a page and a slot in
 * the household pages (pages.h), moved by key, by place, by number or to
 * the next record; a household's key by its id; and plain gets from the
 * other databases. Internal to
 * dc_index.
 */
#ifndef DC_READ_CURSOR_H
#define DC_READ_CURSOR_H

#include "index_internal.h"

/* mdb_get in database @p db, with LMDB's results mapped: MDB_NOTFOUND ->
 * DC_E_NOT_FOUND. */
dc_err dc_index_get(dc_index_txn *txn, int db, const void *key, size_t len, MDB_val *val);

/* The household key of an id (@p len bytes, 1 to 255), inside the map:
 * the group of `ids` whose first id is the greatest at or below it, then
 * the id in the group. DC_E_NOT_FOUND, DC_E_INDEX_CORRUPT (the group does
 * not decode), DC_E_NOMEM or DC_E_IO (the cursor, LMDB). */
dc_err dc_index_id_key(dc_index_txn *txn, const void *id, size_t len,
                       const uint8_t **key);

/* Move the households cursor: MDB_SET_RANGE to the first household at or
 * after the key in @p k, MDB_SET_KEY to the one at that key, MDB_NEXT to
 * the next; then read it into @p k and @p v. DC_E_NOT_FOUND past the end
 * or for no such key. */
dc_err dc_cursor_step(dc_index_txn *txn, MDB_cursor_op op, MDB_val *k, MDB_val *v);

/* The number of the household under the cursor, which a step or seek
 * has just read (so its page is there). */
uint32_t dc_cursor_number(const dc_index_txn *txn);

/* Put the cursor on the first household at or after @p place. */
dc_err dc_cursor_seek(dc_index_txn *txn, uint64_t place, MDB_val *k, MDB_val *v);

/* Put the cursor on household @p number: the `numbers` entry at or below
 * it, then forward. DC_E_NOT_FOUND past the last household. */
dc_err dc_cursor_seek_number(dc_index_txn *txn, uint32_t number, MDB_val *k, MDB_val *v);

/* The next household of a door (its key's place is @p place):
 * DC_E_NOT_FOUND past its end. */
dc_err dc_cursor_next_at(dc_index_txn *txn, uint64_t place, MDB_val *k, MDB_val *v);

#endif
