/*
 * diachi/csv.h - a streaming RFC 4180 scanner and quoting, shared by the
 * batch (dc_batch), `diachi round`, the printed round (diachi-plates) and
 * the importer's and exporter's reports. Library dc_csv: no dependency.
 *
 *     dc_csv_scan st = {0};
 *     size_t len; int eol;
 *     if (dc_csv_scan_record(buf, n, true, ',', &st, &len, &eol) == DC_CSV_RECORD)
 *         for (size_t pos = 0, s, e; dc_csv_next_field(buf, len, ',', &pos, &s, &e);)
 *             ... dc_csv_value(buf + s, e - s, scratch, &vlen) ...
 *
 * A quote opens a quoted field only at the field's start; elsewhere it is
 * an ordinary character (as spreadsheets read it), and text after a
 * closing quote belongs to the field. Every function is pure and
 * thread-safe but dc_csv_write_field, which writes to the caller's stream.
 */
#ifndef DIACHI_CSV_H
#define DIACHI_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How a record's line ends. */
enum { DC_CSV_EOL_NONE = 0, DC_CSV_EOL_LF = 1, DC_CSV_EOL_CRLF = 2, DC_CSV_EOL_CR = 3 };

/** The bytes of a line ending ("" for DC_CSV_EOL_NONE or an unknown value);
 *  a static string. */
const char *dc_csv_eol_bytes(int eol);
/** The number of bytes of a line ending: 0, 1 or 2. */
size_t dc_csv_eol_len(int eol);

/**
 * Where a scan of one record stands, so that a record cut by the end of
 * the bytes read so far is resumed, not rescanned, once more arrive.
 * Offsets are from the record's first byte. Zero it for each new record.
 */
typedef struct dc_csv_scan {
    size_t scanned;      /**< bytes of the record already looked at */
    bool in_quotes;      /**< inside a quoted field */
    uint32_t lines;      /**< line breaks inside quoted fields so far */
    uint32_t quote_line; /**< lines before the open quote (in_quotes) */
} dc_csv_scan;

/** What dc_csv_scan_record found. */
enum {
    DC_CSV_RECORD = 0,       /**< *len and *eol set */
    DC_CSV_MORE = 1,         /**< the record goes on past the bytes given */
    DC_CSV_UNTERMINATED = 2, /**< end of input inside quotes */
    DC_CSV_END = 3           /**< end of input, no record left */
};

/**
 * Scan the record that starts at @p rec, with @p avail bytes available;
 * @p eof when no more will come. A quote opens a quoted field after
 * @p delim or at the record's start; with @p delim 0 (not known yet, for
 * the header) after a comma, semicolon or tab.
 * @param[in,out] st   the scan's state, zeroed for a new record
 * @param[out]     len  on DC_CSV_RECORD, the record's length without its
 *                      line ending
 * @param[out]     eol  on DC_CSV_RECORD, the line ending (DC_CSV_EOL_*)
 * @return DC_CSV_RECORD, DC_CSV_MORE (only when !eof), DC_CSV_UNTERMINATED
 *         or DC_CSV_END (only when eof).
 */
int dc_csv_scan_record(const char *rec, size_t avail, bool eof, char delim,
                       dc_csv_scan *st, size_t *len, int *eol);

/**
 * Step through a record's fields: start with *pos = 0; each call sets
 * [*start, *end) to the field's raw bytes (quotes included) and returns
 * false once there is no field left. A record of 0 bytes has one field.
 */
bool dc_csv_next_field(const char *rec, size_t len, char delim, size_t *pos,
                       size_t *start, size_t *end);

/**
 * The value of a field from its raw bytes: quotes removed and "" made ",
 * text after a closing quote kept. Points into @p raw when nothing needs
 * unescaping, else into @p scratch (which must hold @p n bytes); valid as
 * long as both are. *vlen is the value's length (it is not terminated).
 */
const char *dc_csv_value(const char *raw, size_t n, char *scratch, size_t *vlen);

/** True when a value must be quoted to be written with @p delim: it holds
 *  @p delim, a quote, CR or LF. */
bool dc_csv_needs_quotes(const char *s, size_t n, char delim);

/**
 * Write the NUL-terminated value @p s (NULL is "") to @p f as one field,
 * quoted (quotes doubled) when dc_csv_needs_quotes says so. Errors are
 * the stream's (ferror). Thread-safe as stdio is.
 */
void dc_csv_write_field(FILE *f, const char *s, char delim);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_CSV_H */
