/*
 * build_search.h - the search databases of a new index (search_entities,
 * search_words, search_typos, and meta's `search`: docs/FORMAT.md "The
 * search index"), gathered as the households are written and written
 * after them through search_records.c. Internal to dc_index.
 */
#ifndef DC_BUILD_SEARCH_H
#define DC_BUILD_SEARCH_H

#include "build.h"

/* One household as it is written, in number order (build_households.c):
 * its zone, street and group (`strings` ids), house number and position. */
dc_err dc_build_search_household(dc_builder *b, uint32_t number, uint32_t postcode,
                                 uint32_t street, uint32_t group, const uint8_t *house,
                                 size_t house_len, int32_t lat_e7, int32_t lon_e7);

/* After the households: every search record, in key order. */
dc_err dc_build_write_search(dc_builder *b);

/* What the search data holds (at release; NULL is a no-op). */
void dc_build_free_search(dc_builder *b);

#endif
