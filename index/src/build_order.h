/*
 * build_order.h - what the build writes, put in key order: households by
 * place then id (the caller's array permuted to that order), ids by their
 * bytes, the zone grid by cell. Internal to dc_index.
 */
#ifndef DC_BUILD_ORDER_H
#define DC_BUILD_ORDER_H

#include "build.h"

/* Sort the households by place (radix sort), then id among those sharing a
 * place, and permute in->households to that order: index i is number i. */
dc_err dc_build_order_households(dc_builder *b);

/* The ids in byte order with their numbers; DC_E_INVALID_ARG for a
 * duplicate. After dc_build_order_households. */
dc_err dc_build_order_ids(dc_builder *b);

/* Number the households sharing a place (their key's seq) and count the
 * distinct codes and shared doors. After dc_build_order_households. */
dc_err dc_build_count_codes(dc_builder *b);

/* Every (zone grid cell, postcode) whose zone's box touches the cell, in
 * cell order. After dc_build_validate_zones. */
dc_err dc_build_collect_grid(dc_builder *b);

#endif
