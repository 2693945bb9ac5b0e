/*
 * fuzz_http_head.c - the front door's judge of a request head
 * (http_head.h: dc_front_judge) on arbitrary bytes, whole and cut short.
 *
 * The first byte picks the head cap (64 to 8,255 bytes), the rest is what
 * a client sent. Invariants, each checked with abort():
 * - the verdict is one of the enum's, and a refusal comes with a reason:
 *   a non-empty sentence of printable ASCII;
 * - a verdict on a prefix is never undone by more bytes: a complete head
 *   (OK) stays OK and a refusal stays a refusal, whatever follows;
 * - within the cap, never 414, and 431 only with more than
 *   DC_FRONT_MAX_FIELDS lines (past the cap, both are the size's).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_head.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_http_head: %s\n", what);
        abort();
    }
}

static bool refusal(dc_front_verdict v)
{
    return v != DC_FRONT_MORE && v != DC_FRONT_OK;
}

static dc_front_verdict judged(const char *buf, size_t len, size_t cap)
{
    const char *why = NULL;
    dc_front_verdict v = dc_front_judge(buf, len, cap, &why);
    check(v >= DC_FRONT_MORE && v <= DC_FRONT_VERSION, "verdict out of range");
    if (refusal(v)) {
        check(why && *why, "a refusal without a reason");
        for (const char *p = why; *p; p++)
            check(*p >= 0x20 && *p < 0x7f, "a reason that is not printable ASCII");
    }
    if (len <= cap) {
        check(v != DC_FRONT_URI_TOO_LONG, "a request line too long within the cap");
        size_t lines = 0;
        for (size_t i = 0; i < len; i++)
            lines += buf[i] == '\n';
        check(v != DC_FRONT_TOO_LARGE || lines > DC_FRONT_MAX_FIELDS,
              "too large within the cap, with no more fields than allowed");
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    size_t cap = 64 + (size_t)data[0] * 32;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    dc_front_verdict whole = judged(buf, len, cap);
    /* A few prefixes: each verdict must hold once the rest comes. */
    size_t cuts[] = {len / 4, len / 2, len - (len > 0)};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        dc_front_verdict part = judged(buf, cuts[i], cap);
        if (part == DC_FRONT_OK) check(whole == DC_FRONT_OK, "a complete head undone");
        if (refusal(part)) check(refusal(whole), "a refusal undone by more bytes");
    }
    return 0;
}
