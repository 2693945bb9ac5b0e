/*
 * read_zones.c - the zones and zone grid read at open; zone by postcode,
 * zone of a point, place of a code (read_zones.h, diachi/index.h).
 */
#include <stdlib.h>

#include "read_decode.h"
#include "read_zonecells.h"
#include "read_zones.h"
#include "zonecells.h"

/* The table of the grid's cells over their rows and columns, unless it
 * would be too large. */
static dc_err grid_table(dc_index *idx)
{
    uint32_t r0 = UINT32_MAX, r1 = 0, c0 = UINT32_MAX, c1 = 0;
    for (uint32_t i = 0; i < idx->ngrid; i++) {
        uint32_t r = idx->grid[i].cell / DC_ZONEGRID_COLS,
                 c = idx->grid[i].cell % DC_ZONEGRID_COLS;
        r0 = r < r0 ? r : r0;
        r1 = r > r1 ? r : r1;
        c0 = c < c0 ? c : c0;
        c1 = c > c1 ? c : c1;
    }
    if (idx->ngrid == 0 || (uint64_t)(r1 - r0 + 1) * (c1 - c0 + 1) > DC_GRID_TABLE_MAX)
        return DC_OK;
    idx->grid_table = calloc((size_t)(r1 - r0 + 1) * (c1 - c0 + 1), sizeof(uint32_t));
    if (!idx->grid_table) return DC_E_NOMEM;
    idx->grid_row0 = r0;
    idx->grid_col0 = c0;
    idx->grid_rows = r1 - r0 + 1;
    idx->grid_cols = c1 - c0 + 1;
    for (uint32_t i = 0; i < idx->ngrid; i++) {
        uint32_t r = idx->grid[i].cell / DC_ZONEGRID_COLS - r0,
                 c = idx->grid[i].cell % DC_ZONEGRID_COLS - c0;
        idx->grid_table[(size_t)r * idx->grid_cols + c] = i + 1;
    }
    return DC_OK;
}

/* Every zone, decoded, and the zone grid's cells, pointing into the map. */
dc_err dc_index_load_zones(dc_index *idx, dc_error *err)
{
    MDB_cursor *cur;
    MDB_stat zs, gs;
    MDB_val k, v;
    int rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_ZONES], &zs);
    if (rc == 0) rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_ZONEGRID], &gs);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    idx->zones = malloc((zs.ms_entries + 1) * sizeof *idx->zones);
    idx->zone_slot = malloc(DC_POSTCODES * sizeof *idx->zone_slot);
    idx->grid = malloc((gs.ms_entries + 1) * sizeof *idx->grid);
    if (!idx->zones || !idx->zone_slot || !idx->grid)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for zones");
    for (uint32_t i = 0; i < DC_POSTCODES; i++)
        idx->zone_slot[i] = -1;

    if ((rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_ZONES], &cur)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        uint32_t pc = k.mv_size == 4 ? dc_get_be32(k.mv_data) : DC_POSTCODES;
        if (pc >= DC_POSTCODES || idx->nzones == zs.ms_entries) continue;
        if (dc_zone_decode(pc, &v, &idx->zones[idx->nzones]) != DC_OK)
            idx->zone_slot[pc] = DC_ZONE_CORRUPT;
        else
            idx->zone_slot[pc] = (int32_t)idx->nzones++;
    }
    mdb_cursor_close(cur);

    if ((rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_ZONEGRID], &cur)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT)
        if (k.mv_size == 4 && v.mv_size % 4 == 0 && idx->ngrid < gs.ms_entries)
            idx->grid[idx->ngrid++] = (struct dc_grid_cell){
                dc_get_be32(k.mv_data), v.mv_data, (uint32_t)(v.mv_size / 4), NULL, 0};
    mdb_cursor_close(cur);
    if (grid_table(idx) != DC_OK)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for the zone grid");
    return dc_index_load_zonecells(idx, err);
}

dc_err dc_index_zone(dc_index_txn *txn, uint32_t postcode, dc_zone *out)
{
    if (!txn || !out) return DC_E_INVALID_ARG;
    const dc_index *idx = txn->idx;
    if (postcode >= DC_POSTCODES) return DC_E_NOT_FOUND;
    int32_t slot = idx->zone_slot[postcode];
    if (slot == DC_ZONE_CORRUPT) return DC_E_INDEX_CORRUPT;
    if (slot < 0) return DC_E_NOT_FOUND;
    *out = idx->zones[slot];
    return DC_OK;
}

static const struct dc_grid_cell *grid_find(const dc_index *idx, uint32_t cell)
{
    if (idx->grid_table) {
        uint32_t r = cell / DC_ZONEGRID_COLS - idx->grid_row0,
                 c = cell % DC_ZONEGRID_COLS - idx->grid_col0;
        if (r >= idx->grid_rows || c >= idx->grid_cols) return NULL;
        uint32_t i = idx->grid_table[(size_t)r * idx->grid_cols + c];
        return i ? &idx->grid[i - 1] : NULL;
    }
    uint32_t lo = 0, hi = idx->ngrid;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (idx->grid[mid].cell < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < idx->ngrid && idx->grid[lo].cell == cell ? &idx->grid[lo] : NULL;
}

bool dc_index_cell_may_hold(dc_index_txn *txn, uint32_t postcode, uint32_t row,
                            uint32_t col)
{
    if (!txn || row > DC_CELL_LAST_ROW || col >= DC_CELL_COLS) return true;
    const dc_index *idx = txn->idx;
    /* A zone grid cell is 20 x 20 household-grid cells, and lists every
     * zone whose box touches it: a door's zone holds the door. */
    const struct dc_grid_cell *g =
        grid_find(idx, row / DC_ZC_SIDE * DC_ZONEGRID_COLS + col / DC_ZC_SIDE);
    if (!g) return false;
    for (uint32_t k = 0; k < g->count; k++)
        if (dc_get_le32(g->postcodes + 4 * (size_t)k) == postcode)
            return dc_zonecells_may_hold(g, k, row, col);
    return false;
}

/* Every candidate of zone grid cell @p g in turn, by the whole polygon
 * test; they are tested in place and only the one that holds the point is
 * copied out. */
static dc_err zone_at_whole(const dc_index *idx, const struct dc_grid_cell *g,
                            int32_t lat_e7, int32_t lon_e7, dc_zone *out)
{
    for (uint32_t i = 0; i < g->count; i++) {
        uint32_t postcode = dc_get_le32(g->postcodes + 4 * (size_t)i);
        int32_t slot = postcode < DC_POSTCODES ? idx->zone_slot[postcode] : -1;
        if (slot < 0) return DC_E_INDEX_CORRUPT;
        const dc_zone *z = &idx->zones[slot];
        if (dc_in_box(z, lat_e7, lon_e7) &&
            dc_polygon_contains_checked(&z->polygon, lat_e7, lon_e7)) {
            *out = *z;
            return DC_OK;
        }
    }
    return DC_E_NOT_FOUND;
}

dc_err dc_index_zone_at(dc_index_txn *txn, int32_t lat_e7, int32_t lon_e7, dc_zone *out)
{
    if (!txn || !out) return DC_E_INVALID_ARG;
    if (!dc_lat_ok(lat_e7) || !dc_lon_ok(lon_e7)) return DC_E_NOT_FOUND;
    const struct dc_grid_cell *g = grid_find(txn->idx, dc_zonegrid_cell(lat_e7, lon_e7));
    if (!g) return DC_E_NOT_FOUND;
    /* Most points are answered by the sub-grid without a polygon test. */
    int32_t slot;
    if (!dc_zonecells_slot(txn->idx, g, lat_e7, lon_e7, &slot))
        return zone_at_whole(txn->idx, g, lat_e7, lon_e7, out);
    if (slot < 0) return DC_E_NOT_FOUND;
    *out = txn->idx->zones[slot];
    return DC_OK;
}

dc_err dc_index_code_place(const dc_index *idx, const dc_code *code, uint64_t *place,
                           dc_olc_cell *cell_out)
{
    int8_t vals[DC_CODE_LOCATION_CHARS];
    dc_olc_cell cell;
    if (code->postcode >= DC_POSTCODES) return DC_E_NOT_FOUND;
    int32_t slot = idx->zone_slot[code->postcode];
    if (slot == DC_ZONE_CORRUPT) return DC_E_INDEX_CORRUPT;
    if (slot < 0) return DC_E_NOT_FOUND;
    for (int i = 0; i < DC_CODE_LOCATION_CHARS; i++)
        if ((vals[i] = dc_olc_value(code->location[i])) < 0) return DC_E_INVALID_ARG;
    /* As dc_code_resolve does it: the reference in degrees, normalised. */
    double ref_lat = idx->zones[slot].ref_lat_e7 / 1e7;
    double ref_lon = idx->zones[slot].ref_lon_e7 / 1e7;
    dc_olc_normalise(&ref_lat, &ref_lon);
    dc_olc_recover_cell(vals, DC_CODE_LOCATION_CHARS,
                        DC_CODE_OLC_DIGITS - DC_CODE_LOCATION_CHARS, ref_lat, ref_lon,
                        &cell);
    if (cell.lat < 0 || cell.lat >= DC_OLC_LAT_MAX_INT || cell.lon < 0 ||
        cell.lon >= DC_OLC_LON_MAX_INT)
        return DC_E_NOT_FOUND;
    /* A 1/400-degree cell is 62,500 latitude and 20,480 longitude units:
     * the same floor division as dc_cell_row and dc_cell_col on e7. */
    uint32_t last3 = (uint32_t)(vals[4] * 400 + vals[5] * 20 + vals[6]);
    *place =
        dc_place((uint32_t)(cell.lat / (DC_OLC_LAT_UNITS / 400)),
                 (uint32_t)(cell.lon / (DC_OLC_LON_UNITS / 400)), code->postcode, last3);
    if (cell_out) *cell_out = cell;
    return DC_OK;
}
