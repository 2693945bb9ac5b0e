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

/* A zone's `zones` value, household count @p count, encoded into b->buf
 * from byte @p at (b->buf grown to hold it); its length in *size. */
dc_err dc_build_zone_value(dc_builder *b, size_t at, const dc_zone_input *z,
                           uint32_t count, size_t *size);

#endif
