/*
 * diachi/encoding.h - decoding text in legacy Vietnamese encodings to
 * UTF-8 NFC (library dc_encoding, beside dc_index; no GDAL).
 *
 * Shapefiles from Vietnamese agencies, and CSV lists saved by old Excel,
 * come in UTF-8, Windows-1258 (CP1258) or TCVN 5712:1993 (TCVN3, "ABC");
 * the last two spell many letters as a base letter plus a combining tone
 * mark. The importer's source layer and diachi batch both decode with this
 * module, so a byte reads the same on either side. The importer asks GDAL
 * for the raw bytes and decodes them here, because
 * GDAL's own iconv-based recoding of CP1258 and TCVN3 loses the last
 * character of every string (glibc holds it back waiting for a combining
 * mark, and GDAL never flushes the converter).
 *
 * Every decoded string is UTF-8 in Unicode Normalization Form C. Bytes that
 * name no character (an invalid UTF-8 sequence, a hole in a code page)
 * become U+FFFD REPLACEMENT CHARACTER and are counted, so a caller can
 * report the feature; decoding itself never fails on content.
 */
#ifndef DIACHI_ENCODING_H
#define DIACHI_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"

typedef enum dc_encoding {
    DC_ENC_UTF8 = 0,
    DC_ENC_CP1258, /**< Windows-1258, Vietnamese with combining tone marks */
    DC_ENC_TCVN3,  /**< TCVN 5712:1993 VN3 ("ABC"), read as its superset VN1 */
    DC_ENC_CP1252, /**< Windows-1252 */
    DC_ENC_LATIN1  /**< ISO-8859-1 */
} dc_encoding;

/**
 * The encoding a name stands for, as given on the command line or found in
 * a shapefile's .cpg. Case-insensitive; surrounding spaces and a trailing
 * newline are ignored. Accepted: "UTF-8", "UTF8"; "CP1258", "1258",
 * "WINDOWS-1258", "ANSI 1258"; "TCVN3", "TCVN", "TCVN5712", "TCVN-5712",
 * "TCVN5712-1", "TCVN5712-1:1993", "VN3", "ABC"; "CP1252", "1252",
 * "WINDOWS-1252", "ANSI 1252"; "ISO-8859-1", "8859-1", "88591", "LATIN1";
 * "LDID/n" for the DBF language drivers of dc_encoding_from_ldid.
 * @return true and *out set, or false for a name not listed. Thread-safe.
 */
bool dc_encoding_from_name(const char *name, dc_encoding *out);

/**
 * The encoding a DBF language driver id (header byte 29) stands for, read
 * as GDAL reads it: 87 ("ANSI", GDAL's default when it writes a DBF) is
 * ISO-8859-1, 3 is Windows-1252. @return false for 0 (none) and for any
 * other id, which name code pages no Vietnamese map uses. Thread-safe.
 */
bool dc_encoding_from_ldid(int ldid, dc_encoding *out);

/** Canonical name ("UTF-8", "CP1258", "TCVN3", ...). Static string. */
const char *dc_encoding_name(dc_encoding enc);

/**
 * True when @p byte, alone, is a character of the single-byte encoding
 * @p enc (CP1258, TCVN3, CP1252, Latin-1); false for a hole of the code
 * page (CP1258's 0x81, 0x8A, ...), which dc_decode turns into U+FFFD, and
 * for any byte of DC_ENC_UTF8, which has no single-byte table.
 * Thread-safe.
 */
bool dc_encoding_defines(dc_encoding enc, unsigned char byte);

/** A growable byte buffer that decoded strings are appended to. */
typedef struct dc_text {
    char *data; /**< NULL until the first append; owned, free()d by dc_text_free */
    size_t len, cap;
} dc_text;

void dc_text_free(dc_text *text);

/**
 * Decoding state: the encoding plus scratch buffers reused from string to
 * string, so decoding allocates only while the buffers grow. Zero-initialise
 * with dc_decoder_init; one decoder per thread.
 */
typedef struct dc_decoder {
    dc_encoding encoding;
    size_t replaced; /**< U+FFFD substituted so far (bad bytes) */
    char *utf8;      /**< scratch: decoded, not yet normalised */
    size_t utf8_cap;
    int32_t *points; /**< scratch: code points for utf8proc */
    size_t points_cap;
} dc_decoder;

void dc_decoder_init(dc_decoder *dec, dc_encoding enc);
void dc_decoder_free(dc_decoder *dec);

/**
 * Decode @p len bytes of @p in and append them to @p out as UTF-8 NFC with
 * a terminating NUL; *offset receives where the string starts in out->data
 * (an offset, since a later append may move the buffer). Pure ASCII is
 * copied as is. Bad bytes become U+FFFD and add to dec->replaced.
 * @return DC_OK, or DC_E_NOMEM (out and *offset unchanged).
 */
dc_err dc_decode(dc_decoder *dec, const char *in, size_t len, dc_text *out,
                 size_t *offset);

#endif /* DIACHI_ENCODING_H */
