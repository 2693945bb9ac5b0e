/*
 * build_pages.h - household records packed into pages of DC_PAGE_SIZE
 * bytes, the pages into segments of DC_SEGMENT_PAGES with their fences
 * (docs/FORMAT.md, `households` and `fences`). Internal to dc_index.
 */
#ifndef DC_BUILD_PAGES_H
#define DC_BUILD_PAGES_H

#include "build.h"

/* Append a household record (a DC_HOUSEHOLD_KEY_SIZE key, then @p vlen
 * bytes of value), in key order, to the page being filled, starting a new
 * page when it does not fit; and to the fingerprint as a record. */
dc_err dc_build_page_add(dc_builder *b, const uint8_t *key, const uint8_t *val,
                         size_t vlen);

/* Lay out the last page and write the last segment. */
dc_err dc_build_pages_finish(dc_builder *b);

#endif
