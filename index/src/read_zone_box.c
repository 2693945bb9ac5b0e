/*
 * read_zone_box.c - the zones whose bounding box meets a box
 * (diachi/zone_box.h): a pass over the zones decoded at open.
 */
#include "diachi/zone_box.h"
#include "index_internal.h"

dc_err dc_index_zones_in_box(dc_index_txn *txn, int32_t south, int32_t west,
                             int32_t north, int32_t east, dc_zone_fn fn, void *ctx)
{
    if (!txn || !fn || south > north || west > east) return DC_E_INVALID_ARG;
    const dc_index *idx = txn->idx;
    for (uint32_t i = 0; i < idx->nzones; i++) {
        const dc_zone *z = &idx->zones[i];
        if (z->north_e7 < south || z->south_e7 > north || z->east_e7 < west ||
            z->west_e7 > east)
            continue;
        if (fn(ctx, z)) break;
    }
    return DC_OK;
}
