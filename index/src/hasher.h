/*
 * hasher.h - SHA-256 on a second thread. The build feeds every record to
 * the content fingerprint; hashing them as they are written would cost the
 * writer about a tenth of its time, so the bytes are copied into buffers
 * that another thread hashes while the writer goes on.
 */
#ifndef DC_HASHER_H
#define DC_HASHER_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

typedef struct dc_hasher dc_hasher;

/** A new hasher, or NULL when out of memory. Falls back to hashing on the
 *  caller's thread when no thread can be started. */
dc_hasher *dc_hasher_start(void);
/** Hash @p len more bytes (in order). */
void dc_hasher_update(dc_hasher *h, const void *data, size_t len);
/** Wait for every byte, write the digest and free the hasher. */
void dc_hasher_finish(dc_hasher *h, uint8_t digest[DC_SHA256_SIZE]);
/** Stop and free without a digest. NULL is a no-op. */
void dc_hasher_abort(dc_hasher *h);

#endif
