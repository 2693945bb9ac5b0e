/*
 * batch_decode.c - the batch's input made UTF-8 as it streams in. Bytes
 * wait in d->pending until they can be decoded without cutting a
 * character: a tone mark in CP1258 or TCVN3 combines with the letter
 * before it, and ASCII never does, so a single-byte code page (and UTF-8)
 * is decoded up to the last ASCII byte read; UTF-16 up to the last whole
 * code unit that is not the first half of a pair.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "batch_decode.h"

static const struct {
    const char *name;
    batch_text text;
} utf16_names[] = {{"UTF-16", BATCH_TEXT_UTF16LE},  {"UTF16", BATCH_TEXT_UTF16LE},
                   {"UNICODE", BATCH_TEXT_UTF16LE}, {"UTF-16LE", BATCH_TEXT_UTF16LE},
                   {"UTF16LE", BATCH_TEXT_UTF16LE}, {"UTF-16BE", BATCH_TEXT_UTF16BE},
                   {"UTF16BE", BATCH_TEXT_UTF16BE}};

bool dc_batch_decoder_init(batch_decoder *d, const char *name)
{
    dc_encoding enc;
    memset(d, 0, sizeof *d);
    d->line = 1;
    if (!name) return true;
    for (size_t i = 0; i < sizeof utf16_names / sizeof utf16_names[0]; i++)
        if (strcasecmp(name, utf16_names[i].name) == 0) {
            d->text = utf16_names[i].text;
            return true;
        }
    if (!dc_encoding_from_name(name, &enc)) return false;
    d->text = enc == DC_ENC_UTF8 ? BATCH_TEXT_UTF8 : BATCH_TEXT_TABLE;
    dc_decoder_init(&d->table, enc);
    return true;
}

void dc_batch_decoder_free(batch_decoder *d)
{
    dc_decoder_free(&d->table);
    dc_text_free(&d->decoded);
    dc_buf_free(&d->pending);
}

const char *dc_batch_decoder_name(const batch_decoder *d)
{
    switch (d->text) {
    case BATCH_TEXT_TABLE:
        return dc_encoding_name(d->table.encoding);
    case BATCH_TEXT_UTF16LE:
        return "UTF-16LE";
    case BATCH_TEXT_UTF16BE:
        return "UTF-16BE";
    default:
        return "UTF-8";
    }
}

/* ---- where a byte is --------------------------------------------------- */

static bool is_utf16(const batch_decoder *d)
{
    return d->text == BATCH_TEXT_UTF16LE || d->text == BATCH_TEXT_UTF16BE;
}

/* True when pending[i] starts a line feed: the byte, or the code unit. */
static bool line_feed_at(const batch_decoder *d, size_t i)
{
    const unsigned char *p = (const unsigned char *)d->pending.p;
    if (!is_utf16(d)) return p[i] == '\n';
    if (i % 2 || i + 1 >= d->pending.len) return false;
    return d->text == BATCH_TEXT_UTF16LE ? p[i] == '\n' && p[i + 1] == 0
                                         : p[i] == 0 && p[i + 1] == '\n';
}

/* The line of pending[@p at] and its 1-based byte in that line. */
static void locate(const batch_decoder *d, size_t at, uint64_t *line, uint64_t *byte)
{
    uint64_t l = d->line, col = d->column;
    for (size_t i = 0; i < at; i++) {
        col++;
        if (line_feed_at(d, i)) l++, col = is_utf16(d) ? (uint64_t)-1 : 0;
    }
    *line = l;
    *byte = col + 1;
}

/* Drop the first @p n pending bytes, decoded, keeping count of lines. */
static void consume(batch_decoder *d, size_t n)
{
    uint64_t byte;
    locate(d, n, &d->line, &byte);
    d->column = byte - 1;
    memmove(d->pending.p, d->pending.p + n, d->pending.len - n);
    d->pending.len -= n;
}

static dc_err bad_byte(const batch_decoder *d, size_t at, const char *what,
                       dc_batch_report *rep)
{
    uint64_t line, byte;
    locate(d, at, &line, &byte);
    return dc_batch_fail(rep, DC_E_IO, DC_BATCH_BAD_ENCODING, line,
                         "line %llu, byte %llu: %s is not %s text; give the file's "
                         "encoding with --encoding (UTF-8, CP1258, TCVN3, UTF-16)",
                         (unsigned long long)line, (unsigned long long)byte, what,
                         dc_batch_decoder_name(d));
}

/* ---- single bytes and UTF-8 ---------------------------------------------- */

/* How many pending bytes can be decoded: up to the last ASCII byte, or
 * all at the end of the input. */
static size_t safe_prefix(const batch_decoder *d, bool eof)
{
    size_t n = d->pending.len;
    if (eof) return n;
    while (n > 0 && (unsigned char)d->pending.p[n - 1] >= 0x80)
        n--;
    if (n == 0 && d->pending.len > (1u << 20)) /* no ASCII in a megabyte: no CSV */
        return d->pending.len - 1;
    return n ? n - 1 : 0;
}

static dc_err decode_table(batch_decoder *d, size_t n, dc_buf *out, dc_batch_report *rep)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d->pending.p[i];
        if (c >= 0x80 && !dc_encoding_defines(d->table.encoding, c)) {
            char what[16];
            snprintf(what, sizeof what, "byte 0x%02X", c);
            return bad_byte(d, i, what, rep);
        }
    }
    size_t at;
    d->decoded.len = 0;
    if (dc_decode(&d->table, d->pending.p, n, &d->decoded, &at) != DC_OK ||
        !dc_buf_reserve(out, d->decoded.len))
        return DC_E_NOMEM;
    dc_buf_put(out, d->decoded.data + at, d->decoded.len - at - 1); /* not the NUL */
    return DC_OK;
}

static dc_err check_utf8(batch_decoder *d, size_t n, dc_buf *out, dc_batch_report *rep)
{
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)d->pending.p;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            s[i] < 0x80 ? 1 : utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k < 1) {
            char what[16];
            snprintf(what, sizeof what, "byte 0x%02X", s[i]);
            return bad_byte(d, i, what, rep);
        }
        i += (size_t)k;
    }
    if (!dc_buf_reserve(out, n)) return DC_E_NOMEM;
    dc_buf_put(out, d->pending.p, n);
    return DC_OK;
}

/* ---- UTF-16 ---------------------------------------------------------------- */

static unsigned unit_at(const batch_decoder *d, size_t i)
{
    const unsigned char *p = (const unsigned char *)d->pending.p + i;
    return d->text == BATCH_TEXT_UTF16LE ? (unsigned)(p[0] | p[1] << 8)
                                         : (unsigned)(p[0] << 8 | p[1]);
}

/* Whole code units into UTF-8; a pair cut by the end of what was read
 * waits for its second half. */
static dc_err decode_utf16(batch_decoder *d, bool eof, dc_buf *out, dc_batch_report *rep)
{
    size_t n = d->pending.len & ~(size_t)1, i = 0;
    if (!dc_buf_reserve(out, n / 2 * 3 + 4)) return DC_E_NOMEM;
    unsigned char *o = (unsigned char *)out->p + out->len;
    for (; i < n; i += 2) {
        uint32_t c = unit_at(d, i);
        if (c >= 0xD800 && c < 0xDC00) {
            if (i + 2 >= n && !eof) break; /* its second half is still to come */
            unsigned lo = i + 2 < n ? unit_at(d, i + 2) : 0;
            if (lo < 0xDC00 || lo >= 0xE000) break;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        } else if (c >= 0xDC00 && c < 0xE000) {
            break;
        }
        o += utf8proc_encode_char((utf8proc_int32_t)c, o);
    }
    out->len = (size_t)((char *)o - out->p);
    if (i < n && (eof || i + 2 < n)) { /* stopped at a surrogate out of place */
        char what[32];
        snprintf(what, sizeof what, "code unit 0x%04X", unit_at(d, i));
        consume(d, i);
        return bad_byte(d, 0, what, rep);
    }
    if (eof && d->pending.len % 2) {
        consume(d, i);
        return bad_byte(d, d->pending.len - 1, "a last odd byte", rep);
    }
    consume(d, i);
    return DC_OK;
}

dc_err dc_batch_decode(batch_decoder *d, bool eof, dc_buf *out, dc_batch_report *rep)
{
    if (is_utf16(d)) return decode_utf16(d, eof, out, rep);
    size_t n = safe_prefix(d, eof);
    if (n == 0) return DC_OK;
    dc_err rc = d->text == BATCH_TEXT_TABLE ? decode_table(d, n, out, rep)
                                            : check_utf8(d, n, out, rep);
    if (rc == DC_OK) consume(d, n);
    return rc;
}
