/*
 * build_write.h - the records of every content database, encoded
 * (docs/FORMAT.md section 2) and written in key order. Internal to dc_index.
 */
#ifndef DC_BUILD_WRITE_H
#define DC_BUILD_WRITE_H

#include "build.h"

/* Write zones, zonegrid, households (and fences), strings, numbers and ids,
 * in the fingerprint's order, after the ordering steps (build_order.h). */
dc_err dc_build_write_records(dc_builder *b);

#endif
