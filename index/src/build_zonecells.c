/*
 * build_zonecells.c - the zone grid's sub-grid (zonecells.c) computed
 * from the zones before the file is made, so that its size is known, and
 * written after every content database (build_zonecells.h). It is derived
 * from zones and zonegrid, so it is not part of the fingerprint:
 * dc_index_check recomputes it instead.
 */
#include <stdlib.h>

#include "build_record.h"
#include "build_zonecells.h"

dc_err dc_build_prepare_zonecells(dc_builder *b)
{
    size_t n = 0;
    b->zc_zones = malloc((b->in->nzones ? b->in->nzones : 1) * sizeof *b->zc_zones);
    if (!b->zc_zones)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory (zone cells)");
    for (uint32_t p = 0; p < DC_POSTCODES; p++)
        if (b->zone_of[p] >= 0)
            b->zc_zones[n++] = (dc_zc_zone){p, b->in->zones[b->zone_of[p]].polygon};
    dc_err rc = dc_zonecells_prepare(b->zc_zones, n, &b->zonecells);
    return rc == DC_OK ? DC_OK : dc_error_set(b->err, rc, "out of memory (zone cells)");
}

/* The candidates of the zone grid cell at b->grid[i .. j), as they are
 * stored: little-endian u32 postcodes. */
static dc_err grid_postcodes(dc_builder *b, size_t i, size_t j, uint8_t **buf,
                             size_t *cap)
{
    if (4 * (j - i) > *cap) {
        uint8_t *p = realloc(*buf, 4 * (j - i));
        if (!p) return DC_E_NOMEM;
        *buf = p;
        *cap = 4 * (j - i);
    }
    for (size_t k = i; k < j; k++)
        dc_put_le32(*buf + 4 * (k - i), b->grid[k].a);
    return DC_OK;
}

static dc_err write_cell(dc_builder *b, uint32_t cell, const uint8_t *postcodes,
                         uint32_t ncand)
{
    uint8_t key[4];
    size_t size;
    if (ncand > DC_ZC_MAX_CANDIDATES) return DC_OK; /* the reader tests them all */
    dc_err rc = dc_zonecells_value(b->zonecells, cell, postcodes, ncand, &b->buf,
                                   &b->bufsize, &size);
    if (rc != DC_OK) return dc_error_set(b->err, rc, "zone cells of grid cell %u", cell);
    dc_put_be32(key, cell);
    return dc_build_put(b, DC_DB_ZONECELLS, key, 4, b->buf, size);
}

dc_err dc_build_write_zonecells(dc_builder *b)
{
    uint8_t *postcodes = NULL;
    size_t cap = 0;
    dc_err rc = DC_OK;
    for (size_t i = 0, j; rc == DC_OK && i < b->ngrid; i = j) {
        uint32_t cell = (uint32_t)(b->grid[i].key >> 32);
        for (j = i; j < b->ngrid && (uint32_t)(b->grid[j].key >> 32) == cell; j++) {
        }
        rc = grid_postcodes(b, i, j, &postcodes, &cap);
        if (rc != DC_OK) rc = dc_error_set(b->err, rc, "out of memory (zone cells)");
        if (rc == DC_OK) rc = write_cell(b, cell, postcodes, (uint32_t)(j - i));
    }
    free(postcodes);
    return rc;
}
