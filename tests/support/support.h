/*
 * support.h - small helpers the test, fuzz and benchmark programs share:
 * a seedable random number generator and a strict UTF-8 check.
 */
#ifndef DC_TEST_SUPPORT_H
#define DC_TEST_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

/** splitmix64: tiny, seedable, and good enough to spread test points. */
uint64_t dc_splitmix64(uint64_t *state);

/** A uniform double in [0, 1) from the generator. */
double dc_uniform(uint64_t *state);

/**
 * True when @p s (NUL-terminated) is well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), as JSON encoders
 * such as jansson demand: error messages go into API error bodies.
 */
bool dc_is_utf8(const char *s);

#endif
