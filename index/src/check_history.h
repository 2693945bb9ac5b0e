/*
 * check_history.h - dc_index_check's part for the editions, the history
 * rows and the earlier zones (docs/FORMAT.md section 2). Internal to
 * dc_index.
 */
#ifndef DC_CHECK_HISTORY_H
#define DC_CHECK_HISTORY_H

#include "index_internal.h"

/* Walk `editions`, `history` and `past_zones` through @p txn and verify
 * every rule of their records and between them and the current zones.
 * DC_E_INDEX_CORRUPT with a message naming the record; LMDB errors. */
dc_err dc_check_history(dc_index *idx, MDB_txn *txn, dc_error *err);

#endif
