/*
 * fuzz_batch_decode.c - the batch's input decoder (batch_decode.h: UTF-8
 * checked or not, CP1258, TCVN3, UTF-16 LE and BE) on arbitrary bytes.
 *
 * The first byte picks the encoding and the size of the pieces the input
 * arrives in (as fread gives it to the batch); the rest is the input.
 * Invariants, each checked with abort():
 * - decoding the input piece by piece gives the bytes, or the problem
 *   (line and message), of decoding it in one piece: a character cut
 *   between two reads is never cut in the output;
 * - what comes out is UTF-8;
 * - UTF-8 asked for: it succeeds exactly when the input is UTF-8, and
 *   copies it;
 * - every line feed of the input (byte, or UTF-16 code unit) is one in
 *   the output, so records and line numbers stay where they were;
 * - a problem is bad_encoding on a line that exists, with a message.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "batch_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_batch_decode: broken invariant: %s\n", what);
    abort();
}

/* Not the default (no name: UTF-8 unchecked), which the batch never
 * decodes (it reads the bytes as they are). */
static const char *const names[] = {"UNICODE", "UTF-8",    "CP1258", "TCVN3",
                                    "UTF-16",  "UTF-16BE", "CP1252", "LATIN1"};
#define NNAMES (sizeof names / sizeof names[0])

typedef struct outcome {
    dc_err rc;
    dc_buf out;
    dc_batch_report rep;
} outcome;

/* Decode @p in, @p piece bytes more at a time (0: all at once). */
static void decode(const char *name, const char *in, size_t n, size_t piece, outcome *o)
{
    batch_decoder d;
    memset(o, 0, sizeof *o);
    check(dc_batch_decoder_init(&d, name), "a known encoding refused");
    size_t fed = 0;
    do {
        size_t k = piece && n - fed > piece ? piece : n - fed;
        check(dc_buf_reserve(&d.pending, k + 1), "out of memory");
        dc_buf_put(&d.pending, in + fed, k);
        fed += k;
        o->rc = dc_batch_decode(&d, fed == n, &o->out, &o->rep);
    } while (o->rc == DC_OK && fed < n);
    check(o->rc != DC_OK || d.pending.len == 0, "bytes left undecoded at the end");
    dc_batch_decoder_free(&d);
}

static bool utf8_whole(const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k < 1) return false;
        i += (size_t)k;
    }
    return true;
}

/* Line feeds in @p s: bytes, or UTF-16 code units (@p be: big-endian). */
static size_t line_feeds(const char *s, size_t n, int utf16, bool be)
{
    size_t k = 0;
    if (!utf16) {
        for (size_t i = 0; i < n; i++)
            k += s[i] == '\n';
        return k;
    }
    for (size_t i = 0; i + 1 < n; i += 2)
        k += be ? s[i] == 0 && s[i + 1] == '\n' : s[i] == '\n' && s[i + 1] == 0;
    return k;
}

static void check_outcome(const char *name, const char *in, size_t n, const outcome *o)
{
    bool utf16 = strncmp(name, "UTF-16", 6) == 0 || strcmp(name, "UNICODE") == 0;
    bool be = strcmp(name, "UTF-16BE") == 0;
    size_t feeds = line_feeds(in, n, utf16, be);
    if (o->rc != DC_OK) {
        check(o->rc == DC_E_IO && o->rep.problem == DC_BATCH_BAD_ENCODING,
              "a problem other than bad_encoding");
        check(o->rep.line >= 1 && o->rep.line <= feeds + 1, "a problem on no line");
        check(o->rep.message[0] != '\0', "a problem without a message");
        return;
    }
    check(utf8_whole(o->out.p, o->out.len), "output is not UTF-8");
    check(line_feeds(o->out.p, o->out.len, 0, false) == feeds, "line feeds made or lost");
    if (strcmp(name, "UTF-8") == 0)
        check(o->out.len == n && (n == 0 || memcmp(o->out.p, in, n) == 0),
              "checked UTF-8 not copied");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *name = names[data[0] % NNAMES];
    size_t piece = 1 + (data[0] >> 3) % 9;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    outcome whole, cut;
    decode(name, in, n, 0, &whole);
    decode(name, in, n, piece, &cut);
    check_outcome(name, in, n, &whole);
    if (strcmp(name, "UTF-8") == 0)
        check((whole.rc == DC_OK) == utf8_whole(in, n), "UTF-8 check disagrees");
    check(whole.rc == cut.rc, "piece by piece succeeds where whole fails, or back");
    if (whole.rc == DC_OK)
        check(
            whole.out.len == cut.out.len &&
                (whole.out.len == 0 || memcmp(whole.out.p, cut.out.p, cut.out.len) == 0),
            "piece by piece decodes to other bytes");
    else
        check(whole.rep.line == cut.rep.line &&
                  strcmp(whole.rep.message, cut.rep.message) == 0,
              "piece by piece reports another problem");
    dc_buf_free(&whole.out);
    dc_buf_free(&cut.out);
    return 0;
}
