/*
 * build_history.h - the editions, the earlier editions' zones and the
 * history table of a build (diachi/history.h): checked when the writer
 * opens, written after the ids. Internal to dc_index.
 */
#ifndef DC_BUILD_HISTORY_H
#define DC_BUILD_HISTORY_H

#include "build.h"

/* Check b->in->history against docs/FORMAT.md: editions in date order
 * without overlap, earlier zones valid, within the editions and never a
 * current postcode with another reference point, history rows naming
 * zones of some edition, each pair once. DC_E_INVALID_ARG with a message.
 * After dc_build_validate_zones. */
dc_err dc_build_validate_history(dc_builder *b);

/* Write `editions`, `history` and `past_zones`, in that order and each in
 * key order (nothing for an index of one undated edition). */
dc_err dc_build_write_history(dc_builder *b);

#endif
