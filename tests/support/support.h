/*
 * support.h - small helpers the test, fuzz and benchmark programs share:
 * a strict UTF-8 check. Random numbers come from seeded_rng.h
 * (sample-data/common), the generator the map generators use too, which
 * linking dc_test_support brings in.
 */
#ifndef DC_TEST_SUPPORT_H
#define DC_TEST_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "seeded_rng.h"

/**
 * True when @p s (NUL-terminated) is well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), as JSON encoders
 * such as jansson demand: error messages go into API error bodies.
 */
bool dc_is_utf8(const char *s);

#endif
