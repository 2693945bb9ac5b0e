/*
 * sha256.h - SHA-256 (FIPS 180-4), for the index's content fingerprint.
 * Not installed. Incremental: init, update any number of times, final.
 */
#ifndef DC_SHA256_H
#define DC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define DC_SHA256_SIZE 32

typedef struct dc_sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} dc_sha256;

void dc_sha256_init(dc_sha256 *s);
void dc_sha256_update(dc_sha256 *s, const void *data, size_t len);
/* Pad, write the digest, and leave @p s to be initialised again. */
void dc_sha256_final(dc_sha256 *s, uint8_t digest[DC_SHA256_SIZE]);

#endif /* DC_SHA256_H */
