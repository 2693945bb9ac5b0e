/*
 * read_strings.h - the `strings` database, read once at open into an array
 * by id that points into the map, and households completed with their
 * streets and groups from it. Internal to dc_index.
 */
#ifndef DC_READ_STRINGS_H
#define DC_READ_STRINGS_H

#include "index_internal.h"

/* Every string by id, ids 1..n in order (pinned transaction open).
 * DC_E_INDEX_CORRUPT for ids with gaps, DC_E_NOMEM. */
dc_err dc_index_load_strings(dc_index *idx, dc_error *err);

/* Resolve a string id (0 gives the empty string); DC_E_INDEX_CORRUPT past
 * the last. */
dc_err dc_index_string(dc_index_txn *txn, uint32_t id, dc_str *out);

/* A whole household from its record and number: decoded (read_decode.h),
 * its street and group resolved. */
dc_err dc_index_household_of(dc_index_txn *txn, const MDB_val *key, const MDB_val *val,
                             uint32_t number, dc_household *out);

#endif
