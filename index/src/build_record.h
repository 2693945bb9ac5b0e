/*
 * build_record.h - appending one record to a database of the file being
 * built, and its bytes to the content fingerprint (docs/FORMAT.md: each
 * record as u32 LE key length, key, u32 LE value length, value). Internal
 * to dc_index.
 */
#ifndef DC_BUILD_RECORD_H
#define DC_BUILD_RECORD_H

#include "build.h"

/* b->buf of @p size bytes at least; DC_E_NOMEM with a message. */
dc_err dc_build_reserve(dc_builder *b, size_t size);

/* Feed one part of a record (key or value) to the fingerprint: its u32 LE
 * length, then its bytes. Inline: it runs for every key and value. */
static inline void dc_build_hash_part(dc_hasher *h, const void *p, size_t len)
{
    uint8_t n[4];
    dc_put_le32(n, (uint32_t)len);
    dc_hasher_update(h, n, 4);
    dc_hasher_update(h, p, len);
}

/* Append an entry to database @p db (after every key before it, except in
 * meta), and nothing to the fingerprint: for the entries of a database
 * whose records are not its entries (`ids`' groups). */
dc_err dc_build_store(dc_builder *b, int db, const void *key, size_t klen,
                      const void *val, size_t vlen);

/* Append a record to database @p db (after every key before it, except in
 * meta) and, for a content database (below DC_DB_CONTENT), to the
 * fingerprint. */
dc_err dc_build_put(dc_builder *b, int db, const void *key, size_t klen, const void *val,
                    size_t vlen);

#endif
