/*
 * fuzz_encoding.c - dc_decode (legacy Vietnamese encodings to UTF-8 NFC) on
 * arbitrary bytes.
 *
 * The first byte picks the encoding (UTF-8, CP1258, TCVN3, CP1252,
 * Latin-1); the rest is the string. Invariants, each checked with abort():
 * - the output is the input's length in UTF-8 at most 3 bytes a byte (NFC
 *   can grow a string; utf8proc's bound is 3x), valid UTF-8 over its whole
 *   length, NUL-terminated, and already NFC (normalising it again changes
 *   nothing);
 * - for a single-byte code page, one U+FFFD is counted for each byte the
 *   code page does not define (dc_encoding_defines), and every ASCII byte
 *   that CSV and the importer rely on (delimiters, quote, line breaks) is
 *   still there as often: no decoding makes or eats one;
 * - pure ASCII (TCVN3's C0 capitals aside) is copied as is;
 * - decoding is a function of the input: a second call appended after the
 *   first, with the scratch buffers reused, gives the same bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "diachi/encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_encoding: broken invariant: %s\n", what);
    abort();
}

static const dc_encoding encodings[] = {DC_ENC_UTF8, DC_ENC_CP1258, DC_ENC_TCVN3,
                                        DC_ENC_CP1252, DC_ENC_LATIN1};
#define NENCODINGS (sizeof encodings / sizeof encodings[0])

/* Valid UTF-8 over all @p n bytes (NUL bytes included). */
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

/* NFC of a NUL-free UTF-8 string equals itself. */
static bool is_nfc(const char *s, size_t n)
{
    if (memchr(s, '\0', n) != NULL) return true; /* utf8proc stops at NUL: skip */
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                      &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    bool same = m == (utf8proc_ssize_t)n && memcmp(nfc, s, n) == 0;
    free(nfc);
    return same;
}

static size_t count_byte(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

static void check_table(dc_encoding enc, const char *in, size_t n, const char *out,
                        size_t out_len, size_t replaced)
{
    static const char structural[] = ",;\t\"\r\n|";
    size_t holes = 0;
    for (size_t i = 0; i < n; i++)
        holes +=
            (unsigned char)in[i] >= 0x80 && !dc_encoding_defines(enc, (uint8_t)in[i]);
    check(replaced == holes, "U+FFFD count is not the count of undefined bytes");
    for (const char *c = structural; *c; c++)
        check(count_byte(in, n, *c) == count_byte(out, out_len, *c),
              "a delimiter, quote or line break made or lost");
}

static bool plain_ascii(dc_encoding enc, const char *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 0x80 || (enc == DC_ENC_TCVN3 && c < 0x20)) return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    dc_encoding enc = encodings[data[0] % NENCODINGS];
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    dc_decoder dec;
    dc_text out = {0};
    size_t first, second;
    dc_decoder_init(&dec, enc);
    check(dc_decode(&dec, in, n, &out, &first) == DC_OK, "decode failed");
    size_t len = out.len - first - 1, replaced = dec.replaced;
    check(first == 0 && out.data[out.len - 1] == '\0', "not NUL-terminated at its end");
    check(len <= 3 * n, "output over 3 bytes a byte");
    check(utf8_whole(out.data, len), "output is not UTF-8");
    check(is_nfc(out.data, len), "output is not NFC");
    if (enc != DC_ENC_UTF8) check_table(enc, in, n, out.data, len, replaced);
    if (plain_ascii(enc, in, n))
        check(len == n && memcmp(out.data, in, n) == 0, "ASCII not copied as is");
    check(dc_decode(&dec, in, n, &out, &second) == DC_OK, "second decode failed");
    check(second == first + len + 1 && out.len == second + len + 1 &&
              memcmp(out.data + second, out.data, len) == 0 &&
              dec.replaced == 2 * replaced,
          "a second decode differs from the first");
    dc_text_free(&out);
    dc_decoder_free(&dec);
    return 0;
}
