/*
 * sha256.h - SHA-256 (FIPS 180-4), for the index's content fingerprint.
 * Not installed. Incremental: init, update any number of times, final.
 */
#ifndef DC_SHA256_H
#define DC_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DC_SHA256_SIZE 32

typedef struct dc_sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
    bool sha_ni; /* blocks hashed with the x86 SHA extensions */
} dc_sha256;

/* Start a digest. Blocks are hashed with the x86 SHA extensions when the
 * CPU has them (asked once a process), else by the portable code: the same
 * digests either way. Thread-safe; a context is used by one thread. */
void dc_sha256_init(dc_sha256 *s);
void dc_sha256_update(dc_sha256 *s, const void *data, size_t len);
/* Pad, write the digest, and leave @p s to be initialised again. */
void dc_sha256_final(dc_sha256 *s, uint8_t digest[DC_SHA256_SIZE]);

/* For tests and benchmarks only, to run both block functions on one CPU:
 * contexts initialised after dc_sha256_force_portable(true) use the
 * portable code even where the CPU has the SHA extensions; false restores
 * the choice by CPU. Contexts already initialised keep theirs. */
void dc_sha256_force_portable(bool portable);
/* Whether this CPU has the SHA extensions (and SSE4.1) and this build can
 * use them (x86 only): what dc_sha256_init chooses unless forced. */
bool dc_sha256_has_sha_ni(void);

#endif /* DC_SHA256_H */
