/*
 * read_meta.h - the metadata of an index being opened: the magic and
 * versions that decide whether this library reads the file, then the
 * rest of dc_index_meta, and every sub-database's handle. Internal to
 * dc_index.
 */
#ifndef DC_READ_META_H
#define DC_READ_META_H

#include "index_internal.h"

/* Fill idx->meta and idx->dbi from the opened environment.
 * DC_E_INDEX_FORMAT (not a diachi index, an unknown version, a missing
 * key or database: the message says which), DC_E_NOMEM, or an LMDB error. */
dc_err dc_index_read_meta(dc_index *idx, dc_error *err);

#endif
