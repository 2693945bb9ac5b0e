/*
 * zone_box.h - the zones whose bounding box meets a box of positions:
 * what a map asks for the part of the country it shows.
 */
#ifndef DIACHI_ZONE_BOX_H
#define DIACHI_ZONE_BOX_H

#include <stdint.h>

#include "diachi/error.h"
#include "diachi/index.h"

/** Called for each zone of a walk; return non-zero to stop early. */
typedef int (*dc_zone_fn)(void *ctx, const dc_zone *zone);

/**
 * Every zone whose bounding box meets the box @p south..@p north,
 * @p west..@p east (e7, bounds included), in postcode order, from the
 * zones read at open: a pass over them, no search (about a microsecond
 * per thousand zones). A zone that did not decode is skipped (dc_index_check
 * names it). Allocates nothing.
 * @param[in] txn  a transaction, used by this thread only
 * @param[in] fn   called on this thread for each zone until it returns
 *                 non-zero (then DC_OK); its @p zone, strings and polygon
 *                 are valid until @p txn ends; @p fn may make any lookup
 *                 on @p txn
 * @return DC_OK (also for no zone), DC_E_INVALID_ARG (NULL @p txn or
 *         @p fn, @p south > @p north or @p west > @p east)
 */
dc_err dc_index_zones_in_box(dc_index_txn *txn, int32_t south, int32_t west,
                             int32_t north, int32_t east, dc_zone_fn fn, void *ctx);

#endif /* DIACHI_ZONE_BOX_H */
