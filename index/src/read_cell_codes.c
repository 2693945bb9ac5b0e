/*
 * read_cell_codes.c - the registered codes of one zone in one cell, as a
 * set (diachi/index.h). The codes one slip apart in their last three
 * characters share the cell and the postcode, and their households are
 * one run of keys: one pass over it answers all of them, where a lookup
 * each would search the index some sixty times.
 */
#include <string.h>

#include "read_cursor.h"
#include "read_zones.h"

dc_err dc_index_cell_codes(dc_index_txn *txn, const dc_code *code,
                           uint8_t set[DC_CELL_CODE_SET_BYTES])
{
    MDB_val k, v;
    uint64_t place;
    if (!txn || !code || !set) return DC_E_INVALID_ARG;
    dc_err rc = dc_index_code_place(txn->idx, code, &place, NULL);
    if (rc != DC_OK) return rc;
    memset(set, 0, DC_CELL_CODE_SET_BYTES);
    /* The run: every key whose place has this cell and this postcode. */
    uint64_t run = place >> DC_PLACE_POSTCODE_SHIFT;
    for (rc = dc_cursor_seek(txn, run << DC_PLACE_POSTCODE_SHIFT, &k, &v); rc == DC_OK;
         rc = dc_cursor_step(txn, MDB_NEXT, &k, &v)) {
        uint64_t p = dc_get_be64(k.mv_data);
        if (p >> DC_PLACE_POSTCODE_SHIFT != run) break;
        uint32_t last3 = (uint32_t)(p & ((UINT64_C(1) << DC_PLACE_POSTCODE_SHIFT) - 1));
        if (last3 >= DC_CELL_CODES) return DC_E_INDEX_CORRUPT;
        set[last3 >> 3] |= (uint8_t)(1u << (last3 & 7));
    }
    return rc == DC_E_NOT_FOUND ? DC_OK : rc;
}
