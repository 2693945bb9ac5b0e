/*
 * check_search.h - dc_index_check's part for the search databases: they
 * are recomputed from the zones, the households (fed as the check walks
 * them) and the strings, through the build's own search_records.c, and
 * compared record by record. Internal to dc_index.
 */
#ifndef DC_CHECK_SEARCH_H
#define DC_CHECK_SEARCH_H

#include "index_internal.h"
#include "search_records.h"

/* Compare every search record @p r gives (its households given, in
 * number order) with the file's: the same keys and values, and no other.
 * DC_OK, DC_E_INDEX_CORRUPT naming the database and record,
 * DC_E_NOMEM, DC_E_IO. */
dc_err dc_check_search(dc_index *idx, MDB_txn *txn, dc_search_records *r,
                       const dc_zone *zones, size_t nzones, dc_error *err);

#endif
