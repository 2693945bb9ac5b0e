/*
 * build_households.h - the `households` and `fences` databases of a new
 * index: household records in pages of DC_PAGE_SIZE bytes, the pages in
 * segments of DC_SEGMENT_PAGES with their fences (docs/FORMAT.md).
 * Internal to dc_index.
 */
#ifndef DC_BUILD_HOUSEHOLDS_H
#define DC_BUILD_HOUSEHOLDS_H

#include "build.h"

/* Encode every household in number order (after build_order.h's steps),
 * interning its street and group, and write the pages and fences, each
 * record also into the fingerprint. */
dc_err dc_build_write_households(dc_builder *b);

#endif
