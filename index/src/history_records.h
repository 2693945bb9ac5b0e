/*
 * history_records.h - the records of `editions`, `history` and
 * `past_zones` (docs/FORMAT.md section 2), encoded and decoded with every
 * length checked: what the writer, the reader and the checker share.
 * Internal to dc_index.
 */
#ifndef DC_HISTORY_RECORDS_H
#define DC_HISTORY_RECORDS_H

#include "diachi/history.h"
#include "index_internal.h"

/* Most editions an index holds. */
#define DC_EDITIONS_MAX 255u
/* Fixed part of an `editions` value: i32 from, i32 until, u32 zones, u16
 * source length. */
#define DC_EDITION_FIXED 14u
/* A `history` key (BE u32 old, BE u32 new) and value (u8 kind, 3 zero, i32
 * date). */
#define DC_HISTORY_KEY 8u
#define DC_HISTORY_VALUE 8u
/* What a `past_zones` value has before its `zones` value: u32 first, u32
 * last edition. */
#define DC_PAST_ZONE_SPAN 8u

/* Decode an `editions` record: DC_E_INDEX_CORRUPT unless the key is a
 * BE u32 and the value's lengths add up. */
dc_err dc_edition_decode(const MDB_val *key, const MDB_val *val, dc_edition *out);

/* Decode a `history` record: DC_E_INDEX_CORRUPT unless both sizes are
 * right, the kind known and the padding zero. */
dc_err dc_history_decode(const MDB_val *key, const MDB_val *val, dc_history_row *out);

/* Decode a `past_zones` record (dc_zone_decode after the span):
 * DC_E_INDEX_CORRUPT for a bad key, a short value or a bad zone. */
dc_err dc_past_zone_decode(const MDB_val *key, const MDB_val *val, dc_past_zone *out);

#endif
