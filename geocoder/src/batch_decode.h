/*
 * batch_decode.h - the batch's input in another encoding than UTF-8, made
 * UTF-8 as it streams in, before records are looked for: CP1258 and TCVN3
 * (through dc_encoding, as the importer reads them), UTF-16 (Excel's
 * "Unicode text"), and UTF-8 checked. Every delimiter, quote and line
 * break is ASCII in all of them, so records are found in the UTF-8 alone.
 */
#ifndef DC_BATCH_DECODE_H
#define DC_BATCH_DECODE_H

#include "batch_internal.h"
#include "buf.h"
#include "diachi/encoding.h"

typedef enum batch_text {
    BATCH_TEXT_AS_IS = 0, /* UTF-8 by default: bytes copied, unchecked */
    BATCH_TEXT_UTF8,      /* UTF-8 asked for: checked */
    BATCH_TEXT_TABLE,     /* a single-byte code page (dc_encoding) */
    BATCH_TEXT_UTF16LE,
    BATCH_TEXT_UTF16BE
} batch_text;

typedef struct batch_decoder {
    batch_text text;
    dc_decoder table; /* BATCH_TEXT_TABLE */
    dc_text decoded;  /* dc_decode's output, emptied after each call */
    dc_buf pending;   /* input bytes read and not decoded yet */
    uint64_t line;    /* 1-based line of pending's first byte */
    uint64_t column;  /* bytes of that line before pending's first byte */
} batch_decoder;

/*
 * The decoder for encoding @p name (NULL: UTF-8 unchecked). Accepted:
 * dc_encoding_from_name's names, and "UTF-16", "UTF-16LE", "UTF-16BE",
 * "UNICODE" (UTF-16 LE unless a byte-order mark says BE).
 * @return false for a name not known (@p d is then zeroed).
 */
bool dc_batch_decoder_init(batch_decoder *d, const char *name);
void dc_batch_decoder_free(batch_decoder *d);

/* The encoding's name for messages ("CP1258", "UTF-16LE"). */
const char *dc_batch_decoder_name(const batch_decoder *d);

/*
 * Decode the bytes of d->pending that can be decoded (all of them when
 * @p eof; else up to where a character cannot be cut) and append their
 * UTF-8 to @p out.
 * @return DC_OK; DC_E_NOMEM; DC_E_IO for a byte that is no character of
 *         the encoding (rep: bad_encoding, with its line and its byte in
 *         the line)
 */
dc_err dc_batch_decode(batch_decoder *d, bool eof, dc_buf *out, dc_batch_report *rep);

#endif
