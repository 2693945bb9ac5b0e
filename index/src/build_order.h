/*
 * build_order.h - what the build writes, put in key order: each household
 * added, placed and handed to the sorters (by place then id, and by id);
 * the duplicate ids found; the zone grid by cell. Internal to dc_index.
 */
#ifndef DC_BUILD_ORDER_H
#define DC_BUILD_ORDER_H

#include "build.h"

/* Hand a validated household to both sorters, as input number b->added. */
dc_err dc_build_order_add(dc_builder *b, const dc_household_input *h, uint64_t tag);

/* After the last household: put both orders in place and drop every
 * household whose id one added earlier has, marking it in b->dropped and
 * taking it off its zone's count. @p dup is called for each, in the order
 * they were added; without @p dup a duplicate is DC_E_INVALID_ARG. */
dc_err dc_build_order_close(dc_builder *b, dc_duplicate_fn dup, void *ctx);

/* The id of a record of b->by_id into @p out (DC_MAX_STR8 + 1 bytes, NUL
 * added); its length. */
size_t dc_build_id_of(const dc_sorted *r, char *out);

/* Every (zone grid cell, postcode) whose zone's box touches the cell, in
 * cell order. After dc_build_validate_zones. */
dc_err dc_build_collect_grid(dc_builder *b);

#endif
