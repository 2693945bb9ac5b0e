/*
 * build_zonecells.c - the zone grid's sub-grid (zonecells.c,
 * zonecells_value.c) computed from the zones before the file is made, so
 * that the map is sized for it, and written after every content database
 * (build_zonecells.h). It is derived from zones and zonegrid, so it is not
 * part of the fingerprint: dc_index_check recomputes it instead.
 */
#include <stdlib.h>

#include "build_record.h"
#include "build_zonecells.h"

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
        dc_put_le32(*buf + 4 * (k - i), b->grid[k].value);
    return DC_OK;
}

/* Append cell @p cell's value (none for too many candidates) to b->zc. */
static dc_err add_value(dc_builder *b, uint32_t cell, const uint8_t *postcodes,
                        uint32_t ncand)
{
    struct dc_build_zonecells *zc = &b->zc;
    size_t size;
    if (ncand > DC_ZC_MAX_CANDIDATES) return DC_OK; /* the reader tests them all */
    dc_err rc = dc_zonecells_value(zc->cells, cell, postcodes, ncand, &b->buf,
                                   &b->bufsize, &size);
    if (rc == DC_OK && zc->nvalues % 1024 == 0) {
        uint64_t *v = realloc(zc->values, (zc->nvalues + 1024) * sizeof *v);
        if (!v) return DC_E_NOMEM;
        zc->values = v;
    }
    if (rc == DC_OK && zc->len + size > zc->cap) {
        size_t cap = 2 * (zc->len + size);
        uint8_t *p = realloc(zc->bytes, cap);
        if (!p) return DC_E_NOMEM;
        zc->bytes = p;
        zc->cap = cap;
    }
    if (rc != DC_OK) return rc;
    memcpy(zc->bytes + zc->len, b->buf, size);
    zc->values[zc->nvalues++] = (uint64_t)cell << 32 | size;
    zc->len += size;
    return DC_OK;
}

static dc_err compute_values(dc_builder *b)
{
    uint8_t *postcodes = NULL;
    size_t cap = 0;
    dc_err rc = DC_OK;
    for (size_t i = 0, j; rc == DC_OK && i < b->ngrid; i = j) {
        uint32_t cell = (uint32_t)(b->grid[i].key >> 32);
        for (j = i; j < b->ngrid && (uint32_t)(b->grid[j].key >> 32) == cell; j++) {
        }
        rc = grid_postcodes(b, i, j, &postcodes, &cap);
        if (rc == DC_OK) rc = add_value(b, cell, postcodes, (uint32_t)(j - i));
    }
    free(postcodes);
    return rc;
}

dc_err dc_build_prepare_zonecells(dc_builder *b)
{
    size_t n = 0;
    b->zc.zones = malloc((b->in->nzones ? b->in->nzones : 1) * sizeof *b->zc.zones);
    if (!b->zc.zones)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory (zone cells)");
    for (uint32_t p = 0; p < DC_POSTCODES; p++)
        if (b->zone_of[p] >= 0)
            b->zc.zones[n++] = (dc_zc_zone){p, b->in->zones[b->zone_of[p]].polygon};
    dc_err rc = dc_zonecells_prepare(b->zc.zones, n, &b->zc.cells);
    if (rc == DC_OK) rc = compute_values(b);
    dc_build_progress(b, "zone cells", b->ngrid, b->ngrid);
    return rc == DC_OK ? DC_OK : dc_error_set(b->err, rc, "out of memory (zone cells)");
}

uint64_t dc_build_zonecells_bytes(const dc_builder *b)
{
    /* A value over a page's worth is its own run of pages. */
    return b->zc.len + (uint64_t)b->zc.nvalues * (DC_PAGE_SIZE + 64);
}

dc_err dc_build_write_zonecells(dc_builder *b)
{
    const uint8_t *p = b->zc.bytes;
    for (size_t i = 0; i < b->zc.nvalues; i++) {
        uint8_t key[4];
        size_t size = (uint32_t)b->zc.values[i];
        dc_put_be32(key, (uint32_t)(b->zc.values[i] >> 32));
        dc_err rc = dc_build_put(b, DC_DB_ZONECELLS, key, 4, p, size);
        if (rc != DC_OK) return rc;
        p += size;
    }
    return DC_OK;
}

void dc_build_free_zonecells(dc_builder *b)
{
    dc_zonecells_free(b->zc.cells);
    free(b->zc.zones);
    free(b->zc.values);
    free(b->zc.bytes);
}
