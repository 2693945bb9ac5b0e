/*
 * read_zonecells.c - the zone of a point from the zone grid's sub-grid
 * (read_zonecells.h, docs/FORMAT.md "zonecells").
 *
 * Inside a zone or outside every zone, the sub-cell's word is the answer.
 * On a border, the answer for each candidate is its centre's, flipped by
 * every proper crossing of the segment from the point to the centre with
 * the zone's edges that touch the sub-cell; whenever an orientation is 0
 * (the point on an edge, the segment through a vertex or along an edge)
 * that candidate takes the whole polygon test, so the answer is always
 * the whole test's.
 */
#include <stdlib.h>

#include "read_zonecells.h"
#include "zonecells.h"

static uint32_t get_le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* ---- at open ------------------------------------------------------------ */

/* Every zone's rings, so that a run names its ring by number. */
static dc_err load_rings(dc_index *idx)
{
    size_t n = 0;
    idx->zone_ring0 = malloc((idx->nzones + 1) * sizeof *idx->zone_ring0);
    if (!idx->zone_ring0) return DC_E_NOMEM;
    for (uint32_t z = 0; z < idx->nzones; z++) {
        idx->zone_ring0[z] = (uint32_t)n;
        n += dc_get_le32(idx->zones[z].polygon.data);
    }
    idx->zone_ring0[idx->nzones] = (uint32_t)n;
    idx->rings = malloc((n ? n : 1) * sizeof *idx->rings);
    if (!idx->rings) return DC_E_NOMEM;
    for (uint32_t z = 0; z < idx->nzones; z++) {
        size_t off = 0;
        dc_ring *r = idx->rings + idx->zone_ring0[z];
        while (dc_polygon_next_ring(&idx->zones[z].polygon, &off, r))
            r++;
    }
    return DC_OK;
}

/* A sub-grid is used only where every candidate decoded: elsewhere the
 * whole test reports the damaged zone as it always did. */
static bool usable(const dc_index *idx, const struct dc_grid_cell *g, size_t size)
{
    if (size < DC_ZC_HEAD || g->count > DC_ZC_MAX_CANDIDATES) return false;
    for (uint32_t k = 0; k < g->count; k++) {
        uint32_t pc = dc_get_le32(g->postcodes + 4 * (size_t)k);
        if (pc >= DC_POSTCODES || idx->zone_slot[pc] < 0) return false;
    }
    return true;
}

dc_err dc_index_load_zonecells(dc_index *idx, dc_error *err)
{
    MDB_cursor *cur;
    MDB_val k, v;
    if (load_rings(idx) != DC_OK)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for zone rings");
    int rc = mdb_cursor_open(idx->pinned, idx->dbi[DC_DB_ZONECELLS], &cur);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    uint32_t j = 0;
    for (int op = MDB_FIRST; mdb_cursor_get(cur, &k, &v, op) == 0; op = MDB_NEXT) {
        if (k.mv_size != 4) continue;
        uint32_t cell = dc_get_be32(k.mv_data);
        while (j < idx->ngrid && idx->grid[j].cell < cell)
            j++;
        if (j < idx->ngrid && idx->grid[j].cell == cell &&
            usable(idx, &idx->grid[j], v.mv_size)) {
            idx->grid[j].sub = v.mv_data;
            idx->grid[j].sub_size = v.mv_size;
        }
    }
    mdb_cursor_close(cur);
    return DC_OK;
}

/* ---- a point ------------------------------------------------------------ */

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void vertex(const dc_ring *ring, uint32_t i, int64_t *lat, int64_t *lon)
{
    int32_t a, b;
    dc_ring_vertex(ring, i, &a, &b);
    *lat = clamp64(a, DC_LAT_E7_MIN, DC_LAT_E7_END);
    *lon = clamp64(b, DC_LON_E7_MIN, DC_LON_E7_END);
}

/* The parity of the crossings of segment @p s with a run of edges, or -1
 * (a zero orientation, or a run outside its ring). */
static int run_parity(const dc_ring *ring, uint32_t first, uint32_t count,
                      const int64_t s[4])
{
    if (first >= ring->npoints || count > ring->npoints - first) return -1;
    int parity = 0;
    int64_t alat, alon, blat, blon;
    vertex(ring, first, &alat, &alon);
    for (uint32_t i = first; i < first + count; i++) {
        vertex(ring, i + 1 < ring->npoints ? i + 1 : 0, &blat, &blon);
        int t = dc_zc_crossing(s, alat, alon, blat, blon);
        if (t < 0) return -1;
        parity ^= t;
        alat = blat;
        alon = blon;
    }
    return parity;
}

/* The parity over an entry's runs, or -1. */
static int entry_parity(const dc_index *idx, int32_t slot, const uint8_t *runs,
                        uint32_t nruns, const int64_t s[4])
{
    uint32_t r0 = idx->zone_ring0[slot], nrings = idx->zone_ring0[slot + 1] - r0;
    int parity = 0;
    for (uint32_t i = 0; i < nruns; i++, runs += DC_ZC_RUN) {
        uint32_t ring = dc_get_le32(runs);
        if (ring >= nrings) return -1;
        int p = run_parity(&idx->rings[r0 + ring], dc_get_le32(runs + 4),
                           dc_get_le32(runs + 8), s);
        if (p < 0) return -1;
        parity ^= p;
    }
    return parity;
}

static bool whole_test(const dc_zone *z, int32_t lat_e7, int32_t lon_e7)
{
    return dc_in_box(z, lat_e7, lon_e7) &&
           dc_polygon_contains_checked(&z->polygon, lat_e7, lon_e7);
}

static int32_t candidate_slot(const dc_index *idx, const struct dc_grid_cell *g,
                              uint32_t k)
{
    return idx->zone_slot[dc_get_le32(g->postcodes + 4 * (size_t)k)];
}

/* A record of kind DC_ZC_ENTRIES at @p at, for the square whose centre is
 * (s[2], s[3]): the first candidate that holds the point (s[0], s[1]). 0
 * when the record does not read (the caller tests every candidate then). */
static int entries(const dc_index *idx, const struct dc_grid_cell *g, size_t at,
                   const int64_t s[4], int32_t *slot)
{
    size_t size = g->sub_size;
    if (at > size || size - at < DC_ZC_RECORD_HEAD) return 0;
    uint32_t n = get_le16(g->sub + at);
    if (get_le16(g->sub + at + 2) != DC_ZC_ENTRIES) return 0;
    at += DC_ZC_RECORD_HEAD;
    for (uint32_t e = 0; e < n; e++) {
        if (size - at < DC_ZC_ENTRY_HEAD) return 0;
        const uint8_t *p = g->sub + at;
        uint32_t k = get_le16(p), flags = p[2], nruns = dc_get_le32(p + 4);
        at += DC_ZC_ENTRY_HEAD;
        if (k >= g->count || nruns > (size - at) / DC_ZC_RUN) return 0;
        int32_t zs = candidate_slot(idx, g, k);
        int in = (int)(flags & DC_ZC_CENTRE_INSIDE);
        if (nruns && !(flags & DC_ZC_WHOLE_TEST))
            in = entry_parity(idx, zs, g->sub + at, nruns, s);
        if (nruns && (in < 0 || (flags & DC_ZC_WHOLE_TEST)))
            in = whole_test(&idx->zones[zs], (int32_t)s[0], (int32_t)s[1]);
        else if (nruns)
            in ^= (int)(flags & DC_ZC_CENTRE_INSIDE);
        at += (size_t)DC_ZC_RUN * nruns;
        if (in) {
            *slot = zs;
            return 1;
        }
    }
    *slot = -1;
    return 1;
}

/* A word @p w of a square; @p table is where the offsets of border
 * records start and @p base what they count from. */
static int word(const dc_index *idx, const struct dc_grid_cell *g, uint32_t w,
                size_t table, size_t base, const int64_t s[4], int32_t *slot)
{
    if (w == DC_ZC_NONE) {
        *slot = -1;
        return 1;
    }
    if (w < DC_ZC_BORDER) {
        if (w >= g->count) return 0;
        *slot = candidate_slot(idx, g, w);
        return 1;
    }
    size_t off = table + 4 * (size_t)(w & ~DC_ZC_BORDER);
    if (off > g->sub_size || g->sub_size - off < 4) return 0;
    return entries(idx, g, base + dc_get_le32(g->sub + off), s, slot);
}

/* A border sub-cell's record at @p at: its entries, or the word of the
 * point's square when it is split. */
static int border(const dc_index *idx, const struct dc_grid_cell *g, size_t at,
                  int64_t s[4], int32_t *slot)
{
    size_t head = DC_ZC_RECORD_HEAD + 2 * DC_ZC_SPLIT_CELLS;
    if (at > g->sub_size || g->sub_size - at < DC_ZC_RECORD_HEAD) return 0;
    if (get_le16(g->sub + at + 2) != DC_ZC_SPLIT) return entries(idx, g, at, s, slot);
    if (g->sub_size - at < head) return 0;
    int64_t south = s[2] - DC_CELL_E7 / 2, west = s[3] - DC_CELL_E7 / 2;
    uint32_t i = (uint32_t)((s[0] - south) / DC_ZC_SPLIT_E7),
             j = (uint32_t)((s[1] - west) / DC_ZC_SPLIT_E7);
    s[2] = south + i * DC_ZC_SPLIT_E7 + DC_ZC_SPLIT_E7 / 2;
    s[3] = west + j * DC_ZC_SPLIT_E7 + DC_ZC_SPLIT_E7 / 2;
    uint32_t w =
        get_le16(g->sub + at + DC_ZC_RECORD_HEAD + 2 * (i * DC_ZC_SPLIT_SIDE + j));
    return word(idx, g, w, at + head, at, s, slot);
}

int dc_zonecells_slot(const dc_index *idx, const struct dc_grid_cell *g, int32_t lat_e7,
                      int32_t lon_e7, int32_t *slot)
{
    if (!g->sub) return 0;
    uint32_t row = (uint32_t)(((int64_t)lat_e7 - DC_LAT_E7_MIN) / DC_CELL_E7);
    uint32_t col = (uint32_t)(((int64_t)lon_e7 - DC_LON_E7_MIN) / DC_CELL_E7);
    uint32_t i = (row % DC_ZC_SIDE) * DC_ZC_SIDE + col % DC_ZC_SIDE;
    uint32_t w = get_le16(g->sub + 2 * (size_t)i);
    if (w == DC_ZC_NONE || w < DC_ZC_BORDER)
        return word(idx, g, w, DC_ZC_HEAD, 0, NULL, slot);
    size_t off = DC_ZC_HEAD + 4 * (size_t)(w & ~DC_ZC_BORDER);
    if (off + 4 > g->sub_size) return 0;
    int64_t s[4] = {lat_e7, lon_e7, dc_zc_centre_lat(row), dc_zc_centre_lon(col)};
    return border(idx, g, dc_get_le32(g->sub + off), s, slot);
}

bool dc_zonecells_may_hold(const struct dc_grid_cell *g, uint32_t k, uint32_t row,
                           uint32_t col)
{
    if (!g->sub) return true;
    uint32_t w = get_le16(
        g->sub + 2 * (size_t)((row % DC_ZC_SIDE) * DC_ZC_SIDE + col % DC_ZC_SIDE));
    if (w == DC_ZC_NONE) return false;
    /* Inside candidate w, and no candidate's edge touches the square: the
     * candidates before it hold neither the centre nor any point. */
    if (w < DC_ZC_BORDER && w < g->count) return k >= w;
    return true;
}
