/*
 * read_cell_codes.c - the registered codes of one zone in one cell, as a
 * set (diachi/index.h). The codes one slip apart in their last three
 * characters share the cell and the postcode, and their households are
 * one run of keys: one pass over it answers all of them, where a lookup
 * each would search the index some sixty times.
 */
#include <string.h>

#include "pages.h"
#include "read_cursor.h"
#include "read_zones.h"

/* Mark the ends of the run's keys from slot @p slot of @p page on; false
 * at the first key past the run (its slot into @p slot), true when the
 * page ends inside the run. Only the keys are read, straight from the
 * page's entries: a cursor step each, which checks the value's ends too,
 * costs several times as much, and a run is some hundred keys. */
static bool mark_page(const uint8_t *page, uint32_t n, uint64_t run, uint32_t *slot,
                      uint8_t set[DC_CELL_CODE_SET_BYTES], dc_err *rc)
{
    const uint8_t *e = page + DC_PAGE_HEAD + (size_t)DC_PAGE_ENTRY * *slot;
    for (uint32_t i = *slot; i < n; i++, e += DC_PAGE_ENTRY) {
        uint64_t p = dc_get_be64(e);
        if (p >> DC_PLACE_POSTCODE_SHIFT != run) {
            *slot = i;
            return false;
        }
        uint32_t last3 = (uint32_t)(p & DC_PLACE_LAST3_MASK);
        if (last3 >= DC_CELL_CODES) {
            *rc = DC_E_INDEX_CORRUPT;
            return false;
        }
        set[last3 >> 3] |= (uint8_t)(1u << (last3 & 7));
    }
    *slot = n;
    return true;
}

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
    rc = dc_cursor_seek(txn, run << DC_PLACE_POSTCODE_SHIFT, &k, &v);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_OK : rc;
    /* The cursor is left where stepping through the run would leave it:
     * on the first key past it, or past the last page. */
    const struct dc_pages *pg = &txn->idx->pages;
    const uint8_t *page;
    while ((page = dc_pages_page(pg, txn->page)) != NULL) {
        uint32_t n = dc_page_count(page);
        if (n == 0 || txn->slot >= n) return DC_E_INDEX_CORRUPT;
        if (!mark_page(page, n, run, &txn->slot, set, &rc)) return rc;
        txn->page++, txn->slot = 0;
    }
    return DC_OK;
}
