/*
 * read_box.c - the households inside a box of positions (diachi/index.h):
 * a skip-scan of the keys of the cells the box touches.
 *
 * Inside a cell, keys run by postcode, then by the code's last three
 * characters: the sub-row (1/8000 degree of latitude, 20 to a cell), the
 * sub-column (1/8000 degree of longitude, 20 to a cell), then the 4 x 5
 * grid. So for one cell and postcode, the households of a sub-row in a
 * run of sub-columns are one run of keys. The walk decodes the runs that
 * can hold a household of the box, and from a key outside them searches
 * for the next one that can, from the page it stands on (the search
 * gallops over fences in cache, then reads one head line and a few
 * entries), instead of decoding every household in between: the cost
 * follows the households near the box, not the cell's.
 */
#include "pages.h"
#include "read_cursor.h"
#include "read_decode.h"

/* A cell's sub-rows and sub-columns: 1/8000 degree, 20 to a cell. */
#define SUB_E7 1250
#define SUBS 20u
/* A sub-row's first code in a cell is its number times 400 (20 x 20
 * sub-columns and grid cells), a sub-column's its number times 20. */
#define ROW_CODES 400u
#define COL_CODES 20u
#define POSTCODE_STEP ((uint64_t)1 << DC_PLACE_POSTCODE_SHIFT)
/* A key this many entries on in the page is stepped to rather than
 * searched for: a step reads the next entry, in a line already fetched
 * or the next one; a search reads the fences, the head and a few
 * entries, in cache too but many more instructions. */
#define STEP_MAX 8u

typedef struct walk {
    dc_index_txn *txn;
    int32_t south, west, north, east;
    dc_position_fn fn;
    void *ctx;
    bool stopped;
} walk;

/* Of a cell: the sub-rows r0..r1 and sub-columns c0..c1 that can hold a
 * household of the box. */
typedef struct span {
    uint32_t r0, r1, c0, c1;
} span;

/* The subs of a cell, whose first e7 is @p base, that [lo, hi] meets. */
static void subs_of(int32_t lo, int32_t hi, int64_t base, uint32_t *first, uint32_t *last)
{
    int64_t a = (int64_t)lo - base, b = (int64_t)hi - base;
    *first = a <= 0 ? 0 : a >= DC_CELL_E7 ? SUBS - 1 : (uint32_t)(a / SUB_E7);
    *last = b >= DC_CELL_E7 ? SUBS - 1 : b <= 0 ? 0 : (uint32_t)(b / SUB_E7);
}

static span cell_span(const walk *w, uint32_t row, uint32_t col)
{
    span s = {0, SUBS - 1, 0, SUBS - 1};
    /* The last row of cells holds latitude 90 and north of it, the last
     * column 180 and east of it, where the code's digits are clipped or
     * wrap: there a key's sub-row or sub-column need not follow from the
     * cell's edges, and the walk decodes the whole cell. */
    if (row >= DC_CELL_LAST_ROW || col >= DC_CELL_COLS - 1) return s;
    subs_of(w->south, w->north, (int64_t)row * DC_CELL_E7 - 900000000, &s.r0, &s.r1);
    subs_of(w->west, w->east, (int64_t)col * DC_CELL_E7 - 1800000000, &s.c0, &s.c1);
    return s;
}

/* 0 when the household at @p place can lie in the box (its sub-row and
 * sub-column are the span's); otherwise the least place after it that
 * can: this sub-row's first wanted column, the next wanted sub-row's, or
 * the next postcode's first wanted sub-row. */
static uint64_t next_wanted(uint64_t place, const span *s)
{
    uint32_t last3 = (uint32_t)place & DC_PLACE_LAST3_MASK;
    uint32_t r = last3 / ROW_CODES, c = last3 / COL_CODES % SUBS;
    uint64_t code0 = place & ~(uint64_t)DC_PLACE_LAST3_MASK;
    uint32_t first = s->r0 * ROW_CODES + s->c0 * COL_CODES;
    if (r < s->r0) return code0 | first;
    if (r <= s->r1) {
        if (c < s->c0) return code0 | (r * ROW_CODES + s->c0 * COL_CODES);
        if (c <= s->c1) return 0;
        if (r < s->r1) return code0 | ((r + 1) * ROW_CODES + s->c0 * COL_CODES);
    }
    uint64_t next = code0 + POSTCODE_STEP;
    /* past the last postcode: the next cell, whose span is not this one */
    return dc_place_cell(next) == dc_place_cell(place) ? next | first : next;
}

/* Hand the household under the cursor to fn when its position is in the
 * box. */
static dc_err visit(walk *w, const MDB_val *k, const MDB_val *v)
{
    dc_household_pos pos;
    dc_err rc = dc_household_pos_decode(k, v, dc_cursor_number(w->txn), &pos);
    if (rc == DC_OK && pos.lat_e7 >= w->south && pos.lat_e7 <= w->north &&
        pos.lon_e7 >= w->west && pos.lon_e7 <= w->east)
        w->stopped = w->fn(w->ctx, &pos) != 0;
    return rc;
}

/* Whether the first household at or after @p place is at most STEP_MAX
 * entries on from the cursor, in its page. */
static bool near_ahead(const dc_index_txn *txn, uint64_t place)
{
    const uint8_t *page = dc_pages_page(&txn->idx->pages, txn->page);
    uint32_t ahead = txn->slot + STEP_MAX;
    return page && ahead < dc_page_count(page) &&
           dc_get_be64(page + DC_PAGE_HEAD + DC_PAGE_ENTRY * (size_t)ahead) >= place;
}

/* Put the cursor on the first household at or after @p place, which
 * lies after the one under it. In a sound index the cursor moves
 * forward; where damaged keys would send it back, to loop for ever,
 * DC_E_INDEX_CORRUPT. */
static dc_err seek_forward(dc_index_txn *txn, uint64_t place, MDB_val *k, MDB_val *v)
{
    uint64_t from = (uint64_t)txn->page << 16 | txn->slot;
    dc_err rc = dc_cursor_seek(txn, place, k, v);
    if (rc != DC_E_INDEX_CORRUPT && ((uint64_t)txn->page << 16 | txn->slot) <= from)
        rc = DC_E_INDEX_CORRUPT;
    return rc;
}

/* Cells (row, col0..col1): their keys are one range. */
static dc_err walk_row(walk *w, uint32_t row, uint32_t col0, uint32_t col1)
{
    MDB_val k, v;
    uint64_t row0 = (uint64_t)row * DC_CELL_COLS, at = UINT64_MAX;
    span s = {0, 0, 0, 0};
    dc_err rc = dc_cursor_seek(w->txn, dc_place(row, col0, 0, 0), &k, &v);
    while (rc == DC_OK) {
        uint64_t place = dc_get_be64(k.mv_data), cell = dc_place_cell(place);
        if (cell > row0 + col1) break;
        if (cell != at) s = cell_span(w, row, (uint32_t)(cell - row0)), at = cell;
        uint64_t to = next_wanted(place, &s);
        if (to && !near_ahead(w->txn, to)) {
            rc = seek_forward(w->txn, to, &k, &v);
            continue;
        }
        if (!to) rc = visit(w, &k, &v);
        if (rc != DC_OK || w->stopped) break;
        rc = dc_cursor_step(w->txn, MDB_NEXT, &k, &v);
    }
    return rc == DC_E_NOT_FOUND ? DC_OK : rc;
}

dc_err dc_index_box_positions(dc_index_txn *txn, int32_t south, int32_t west,
                              int32_t north, int32_t east, dc_position_fn fn, void *ctx)
{
    if (!txn || !fn || south > north || west > east) return DC_E_INVALID_ARG;
    walk w = {txn, south, west, north, east, fn, ctx, false};
    uint32_t r1 = dc_cell_row(north), c0 = dc_cell_col(west), c1 = dc_cell_col(east);
    dc_err rc = DC_OK;
    for (uint32_t r = dc_cell_row(south); r <= r1 && rc == DC_OK && !w.stopped; r++)
        rc = walk_row(&w, r, c0, c1);
    return rc;
}
