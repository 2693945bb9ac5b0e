/*
 * layout.c - what the file's layout names outside index_internal.h's
 * inline helpers: the sub-databases' names, the spatial grid's cell of a
 * point (diachi/index.h, docs/FORMAT.md "The spatial grid") and the zone
 * grid's cells of a box.
 */
#include "index_internal.h"

#include <stdlib.h>

const char *const dc_db_names[DC_DB_COUNT] = {
    [DC_DB_ZONES] = "zones",
    [DC_DB_ZONEGRID] = "zonegrid",
    [DC_DB_HOUSEHOLDS] = "households",
    [DC_DB_STRINGS] = "strings",
    [DC_DB_NUMBERS] = "numbers",
    [DC_DB_IDS] = "ids",
    [DC_DB_EDITIONS] = "editions",
    [DC_DB_HISTORY] = "history",
    [DC_DB_PAST_ZONES] = "past_zones",
    [DC_DB_META] = "meta",
    [DC_DB_FENCES] = "fences",
    [DC_DB_ZONECELLS] = "zonecells",
    [DC_DB_SEARCH_ENTITIES] = "search_entities",
    [DC_DB_SEARCH_WORDS] = "search_words",
    [DC_DB_SEARCH_TYPOS] = "search_typos",
};

uint32_t dc_cell_row(int32_t lat_e7)
{
    int64_t v = (int64_t)lat_e7 - DC_LAT_E7_MIN;
    if (v < 0) v = 0;
    if (v > 2 * (int64_t)DC_LAT_E7_END) v = 2 * (int64_t)DC_LAT_E7_END;
    return (uint32_t)(v / DC_CELL_E7);
}

uint32_t dc_cell_col(int32_t lon_e7)
{
    int64_t v = (int64_t)lon_e7 - DC_LON_E7_MIN;
    if (v < 0) v = 0;
    if (v >= 2 * (int64_t)DC_LON_E7_END) v = 2 * (int64_t)DC_LON_E7_END - 1;
    return (uint32_t)(v / DC_CELL_E7);
}

dc_err dc_zonegrid_cover(uint64_t **grid, size_t *n, size_t *cap, int32_t south_e7,
                         int32_t west_e7, int32_t north_e7, int32_t east_e7, uint32_t id)
{
    uint32_t c0 = dc_zonegrid_cell(south_e7, west_e7), c1 = dc_zonegrid_cell(north_e7, east_e7);
    for (uint32_t row = c0 / DC_ZONEGRID_COLS; row <= c1 / DC_ZONEGRID_COLS; row++)
        for (uint32_t col = c0 % DC_ZONEGRID_COLS; col <= c1 % DC_ZONEGRID_COLS; col++) {
            if (*n == *cap) {
                size_t want = *cap ? 2 * *cap : 64;
                uint64_t *m = realloc(*grid, want * sizeof *m);
                if (!m) return DC_E_NOMEM;
                *grid = m;
                *cap = want;
            }
            (*grid)[(*n)++] = (uint64_t)(row * DC_ZONEGRID_COLS + col) << 32 | id;
        }
    return DC_OK;
}

size_t dc_zonegrid_first(const uint64_t *grid, size_t n, uint32_t cell)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (grid[mid] >> 32 < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
