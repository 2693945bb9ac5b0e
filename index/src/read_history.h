/*
 * read_history.h - the editions and the earlier editions' zones, read once
 * at open (diachi/history.h). Internal to dc_index.
 */
#ifndef DC_READ_HISTORY_H
#define DC_READ_HISTORY_H

#include "index_internal.h"

/* Read `editions` and `past_zones` through the pinned transaction and lay
 * the earlier zones out on the zone grid's cells. A record that does not
 * decode is DC_E_INDEX_CORRUPT, naming it; DC_E_NOMEM. */
dc_err dc_index_load_history(dc_index *idx, dc_error *err);

/* Free what dc_index_load_history allocated. */
void dc_index_free_history(dc_index *idx);

#endif
