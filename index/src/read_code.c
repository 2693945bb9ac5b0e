/*
 * read_code.c - the households at a code: found from the code alone (its
 * place), read as far as the caller wants, with the code's cell and Plus
 * Code for a forward lookup; and the order and prefetch of codes for a
 * batch (diachi/index.h).
 */
#include "olc_internal.h"
#include "pages.h"
#include "read_cursor.h"
#include "read_decode.h"
#include "read_strings.h"
#include "read_zones.h"

/* The first household at @p code, the cursor on it: its key (place, seq 0)
 * into @p key. DC_E_NOT_FOUND for none. */
static dc_err get_code(dc_index_txn *txn, const dc_code *code, uint64_t *place,
                       uint8_t key[DC_HOUSEHOLD_KEY_SIZE], MDB_val *v, dc_olc_cell *cell)
{
    dc_err rc = dc_index_code_place(txn->idx, code, place, cell);
    if (rc != DC_OK) return rc;
    dc_put_be64(key, *place);
    dc_put_be32(key + 8, 0);
    MDB_val k = {DC_HOUSEHOLD_KEY_SIZE, key};
    return dc_cursor_step(txn, MDB_SET_KEY, &k, v);
}

/* Households from the cursor's while their keys' place is @p place,
 * counted from 1 (the cursor's own). */
static dc_err count_place(dc_index_txn *txn, uint64_t place, uint32_t *count)
{
    MDB_val k, v;
    dc_err rc;
    uint32_t n = 1;
    while ((rc = dc_cursor_step(txn, MDB_NEXT, &k, &v)) == DC_OK &&
           dc_get_be64(k.mv_data) == place)
        n++;
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    *count = n;
    return DC_OK;
}

dc_err dc_index_code_households(dc_index_txn *txn, const dc_code *code, uint32_t *first,
                                uint32_t *count)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    MDB_val v;
    uint64_t place;
    uint32_t n;
    if (!txn || !code || !first || !count) return DC_E_INVALID_ARG;
    dc_err rc = get_code(txn, code, &place, key, &v, NULL);
    if (rc == DC_OK) rc = dc_household_door(&v, &n);
    if (rc != DC_OK) return rc;
    uint32_t number = dc_cursor_number(txn);
    if (n == DC_DOOR_MAX) { /* the cursor is on its first household */
        rc = count_place(txn, place, &n);
        if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    }
    *first = number;
    *count = n;
    return DC_OK;
}

dc_err dc_index_code_order(const dc_index *idx, const dc_code *code, uint64_t *order)
{
    if (!idx || !code || !order) return DC_E_INVALID_ARG;
    return dc_index_code_place(idx, code, order, NULL);
}

void dc_index_order_prefetch(dc_index_txn *txn, uint64_t order)
{
    if (txn) dc_pages_prefetch(&txn->idx->pages, &txn->ahead, order);
}

dc_err dc_index_cell_code_find(dc_index_txn *txn, uint32_t row, uint32_t col,
                               const dc_code *code)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    MDB_val k, v;
    uint32_t last3 = 0;
    if (!txn || !code || row > DC_CELL_LAST_ROW || col >= DC_CELL_COLS ||
        code->postcode >= DC_POSTCODES)
        return DC_E_INVALID_ARG;
    for (int i = 4; i < DC_CODE_LOCATION_CHARS; i++) {
        int8_t value = dc_olc_value(code->location[i]);
        if (value < 0) return DC_E_INVALID_ARG;
        last3 = last3 * 20 + (uint32_t)value;
    }
    dc_put_be64(key, dc_place(row, col, code->postcode, last3));
    dc_put_be32(key + 8, 0);
    /* The search of dc_cursor_step's MDB_SET_KEY, the cursor left where
     * it leaves it, but the key compared in its page entry: a similar
     * codes search asks some twenty cells, almost all of them in vain,
     * and only a key found has its record read (and checked). */
    const struct dc_pages *pg = &txn->idx->pages;
    dc_err rc = dc_pages_seek(pg, key, &txn->page, &txn->slot);
    if (rc != DC_OK) return rc;
    const uint8_t *page = dc_pages_page(pg, txn->page);
    if (!page) return DC_E_NOT_FOUND;
    if (txn->slot >= dc_page_count(page)) return DC_E_INDEX_CORRUPT;
    if (memcmp(page + DC_PAGE_HEAD + (size_t)DC_PAGE_ENTRY * txn->slot, key, sizeof key))
        return DC_E_NOT_FOUND;
    return dc_page_record(page, txn->slot, &k, &v);
}

/* Households are read only as far as @p cap: a door of one, the common
 * case, is one search and no cursor step. */
/* dc_index_code_read, and the code's recovered cell into @p cell (NULL:
 * not wanted), set whenever the code names a place in a known zone. */
static dc_err code_read(dc_index_txn *txn, const dc_code *code, dc_olc_cell *cell,
                        dc_household *out, size_t cap, uint32_t *count)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE];
    MDB_val k = {sizeof key, key}, v;
    uint64_t place;
    uint32_t door = 0, i = 0;
    if (!txn || !code || (!out && cap) || !count) return DC_E_INVALID_ARG;
    dc_err rc = get_code(txn, code, &place, key, &v, cell);
    if (rc == DC_OK) rc = dc_household_door(&v, &door);
    while (rc == DC_OK) {
        if (i < cap && (rc = dc_index_household_of(txn, &k, &v, dc_cursor_number(txn),
                                                   &out[i])) != DC_OK)
            break;
        i++;
        if (door < DC_DOOR_MAX && (i == door || i >= cap)) break;
        rc =
            dc_cursor_next_at(txn, place, &k, &v); /* get_code left the cursor on seq 0 */
        if (rc == DC_E_NOT_FOUND) {
            /* Only a door of DC_DOOR_MAX or more ends where its keys do. */
            rc = door < DC_DOOR_MAX ? DC_E_INDEX_CORRUPT : DC_OK;
            break;
        }
    }
    if (rc != DC_OK) return rc;
    *count = door < DC_DOOR_MAX ? door : i;
    return DC_OK;
}

dc_err dc_index_code_read(dc_index_txn *txn, const dc_code *code, dc_household *out,
                          size_t cap, uint32_t *count)
{
    return code_read(txn, code, NULL, out, cap, count);
}

dc_err dc_index_code_lookup(dc_index_txn *txn, const dc_code *code, dc_olc_area *area,
                            char plus_code[DC_CODE_PLUS_SIZE], dc_household *out,
                            size_t cap, uint32_t *count)
{
    dc_olc_cell cell;
    char digits[DC_OLC_MAX_DIGITS];
    if (!area || !plus_code) return DC_E_INVALID_ARG;
    cell.length = 0;
    dc_err rc = code_read(txn, code, &cell, out, cap, count);
    if (cell.length == 0) return rc == DC_OK ? DC_E_INDEX_CORRUPT : rc;
    /* The recovered cell gives the 4 characters the code drops; the other
     * 7 are the code's own. The cell lies on the globe (code_place checks
     * it), so its first characters are dc_olc_encode_int's without its
     * clipping and padding: a tenth of the instructions. */
    dc_olc_cell_area(&cell, area);
    dc_olc_chars_of_int(cell.lat, cell.lon, digits);
    memcpy(plus_code, digits, 4);
    memcpy(plus_code + 4, code->location, 4);
    plus_code[8] = '+';
    memcpy(plus_code + 9, code->location + 4, 3);
    plus_code[12] = '\0';
    return rc;
}
