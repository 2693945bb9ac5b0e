/*
 * seal.h - the index file's seal: a 64-byte trailer after the last LMDB
 * page holding the file's length and a checksum of every byte before it.
 * Internal to dc_index; docs/FORMAT.md ("The seal") is the layout.
 *
 * LMDB maps the file and trusts it: a page past the end of a truncated
 * file is a SIGBUS, a flipped byte in a branch page a wild pointer. The
 * build seals the file once it is complete; every open verifies the seal
 * with ordinary reads before LMDB maps anything, so a truncated or damaged
 * file is refused with a message instead of crashing the reader or
 * answering from damaged records.
 */
#ifndef DC_SEAL_H
#define DC_SEAL_H

#include <stdint.h>

#include "diachi/error.h"

/** Bytes of the trailer. */
#define DC_SEAL_SIZE 64

/**
 * The checksum of @p n bytes (own design: four lanes of 64-bit
 * multiply-xorshift over little-endian words, then the lanes and the
 * length folded together; every step is a bijection of the lane it
 * changes, so any change to one 8-byte word changes the result). Feed it
 * with dc_seal_hash_update in pieces whose sizes are multiples of 32,
 * except the last. Pure; thread-safe.
 */
typedef struct dc_seal_hash {
    uint64_t lane[4];
    uint64_t length;
} dc_seal_hash;

void dc_seal_hash_start(dc_seal_hash *h);
void dc_seal_hash_update(dc_seal_hash *h, const uint8_t *p, uint64_t n);
uint64_t dc_seal_hash_finish(const dc_seal_hash *h);

/**
 * Append the seal to the file at @p path, whose first @p data_bytes bytes
 * are the complete LMDB file (and nothing follows them). The caller syncs.
 * @return DC_OK, DC_E_IO (naming the path), DC_E_NOMEM
 */
dc_err dc_seal_write(const char *path, uint64_t data_bytes, dc_error *err);

/**
 * Verify the seal of the file at @p path, of @p file_bytes bytes: the
 * file starts as an LMDB file does, ends with a well-formed trailer whose
 * length is the file's less the trailer, the checksum of those bytes
 * matches, and LMDB's meta pages give a page size and pages that LMDB can
 * map safely: exactly the sealed bytes (a file changed on purpose and
 * sealed again gets that far). Reads the whole file with pread, never through a map, so a
 * file cut short is an error here rather than a SIGBUS later.
 * @param[out] data_bytes  the LMDB file's length, on DC_OK
 * @return DC_OK, DC_E_INDEX_FORMAT (not an LMDB file at all),
 *         DC_E_INDEX_CORRUPT (no seal: cut short, or written before index
 *         format 4; a length or a checksum that does not match: the message
 *         gives both), DC_E_IO, DC_E_NOMEM
 */
dc_err dc_seal_verify(const char *path, uint64_t file_bytes, uint64_t *data_bytes,
                      dc_error *err);

#endif
