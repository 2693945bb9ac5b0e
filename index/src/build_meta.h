/*
 * build_meta.h - the `meta` database of a new index (docs/FORMAT.md).
 * Internal to dc_index.
 */
#ifndef DC_BUILD_META_H
#define DC_BUILD_META_H

#include "build.h"

/* Write every metadata key: magic, versions, build time, counts, bbox,
 * @p fingerprint and the sources. After the records (build_write.h). */
dc_err dc_build_write_meta(dc_builder *b, const uint8_t fingerprint[DC_FINGERPRINT_SIZE]);

#endif
