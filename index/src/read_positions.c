/*
 * read_positions.c - runs of households without their strings: a cell's,
 * a run of numbers, a row of cells (diachi/index.h).
 */
#include "read_cursor.h"
#include "read_decode.h"

dc_err dc_index_cell_households(dc_index_txn *txn, uint32_t row, uint32_t col,
                                uint32_t *first, uint32_t *count)
{
    MDB_val k, v;
    dc_err rc;
    uint32_t n = 0, number = 0;
    if (!txn || !first || !count) return DC_E_INVALID_ARG;
    uint64_t cell = dc_place_cell(dc_place(row, col, 0, 0));
    for (rc = dc_cursor_seek(txn, dc_place(row, col, 0, 0), &k, &v); rc == DC_OK;
         rc = dc_cursor_step(txn, MDB_NEXT, &k, &v)) {
        if (dc_place_cell(dc_get_be64(k.mv_data)) != cell) break;
        if (n == 0) number = dc_cursor_number(txn);
        n++;
    }
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    if (n == 0) return DC_E_NOT_FOUND;
    *first = number;
    *count = n;
    return DC_OK;
}

dc_err dc_index_household_positions(dc_index_txn *txn, uint32_t first, uint32_t count,
                                    dc_position_fn fn, void *ctx)
{
    MDB_val k, v;
    dc_household_pos pos;
    if (!txn || !fn) return DC_E_INVALID_ARG;
    if (count == 0) return DC_OK;
    dc_err rc = dc_cursor_seek_number(txn, first, &k, &v);
    for (uint32_t i = 0; rc == DC_OK; i++) {
        rc = dc_household_pos_decode(&k, &v, first + i, &pos);
        if (rc == DC_OK && dc_cursor_number(txn) != first + i) rc = DC_E_INDEX_CORRUPT;
        if (rc != DC_OK || fn(ctx, &pos) || i + 1 == count) break;
        rc = dc_cursor_step(txn, MDB_NEXT, &k, &v);
        if (rc == DC_E_NOT_FOUND) rc = DC_E_INDEX_CORRUPT;
    }
    return rc;
}

dc_err dc_index_row_positions(dc_index_txn *txn, uint32_t row, uint32_t col_first,
                              uint32_t col_last, dc_position_fn fn, void *ctx)
{
    MDB_val k, v;
    dc_household_pos pos;
    dc_err rc;
    if (!txn || !fn || col_first > col_last || col_last >= DC_CELL_COLS)
        return DC_E_INVALID_ARG;
    uint64_t last = dc_place_cell(dc_place(row, col_last, 0, 0));
    for (rc = dc_cursor_seek(txn, dc_place(row, col_first, 0, 0), &k, &v); rc == DC_OK;
         rc = dc_cursor_step(txn, MDB_NEXT, &k, &v)) {
        if (dc_place_cell(dc_get_be64(k.mv_data)) > last) break;
        rc = dc_household_pos_decode(&k, &v, dc_cursor_number(txn), &pos);
        if (rc != DC_OK || fn(ctx, &pos)) break;
    }
    return rc == DC_E_NOT_FOUND ? DC_OK : rc;
}
