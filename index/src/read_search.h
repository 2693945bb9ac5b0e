/*
 * read_search.h - the search index's part of an open: meta's `search`
 * ranges, checked against search_entities. Internal to dc_index; the
 * reads themselves are diachi/search_index.h's.
 */
#ifndef DC_READ_SEARCH_H
#define DC_READ_SEARCH_H

#include "index_internal.h"

/* Read the ranges (pinned transaction open): DC_OK, DC_E_INDEX_CORRUPT
 * (missing, the wrong size, out of order, or another count than the
 * entities'), DC_E_IO. */
dc_err dc_index_load_search(dc_index *idx, dc_error *err);

#endif
