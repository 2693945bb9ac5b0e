/*
 * diachi/batch.h - geocode a CSV file: every row back, in the same order,
 * its bytes unchanged, with the place appended.
 *
 *     dc_batch_options opt;
 *     dc_batch_options_init(&opt);          then set what differs
 *     opt.threads = 2;
 *     dc_batch_report rep;
 *     dc_err rc = dc_batch_run(geo, in, out, &opt, &rep);
 *     ... rep.stats.by_status[DC_BATCH_OK], rep.problem, rep.message ...
 *
 * An HTTP server geocodes an in-memory body the same way, with
 * fmemopen(body, len, "r") as @p in and open_memstream() as @p out.
 *
 * The input is RFC 4180 CSV, read as it streams in, in blocks: memory
 * stays flat whatever the size. It is UTF-8 (copied as it is, unchecked)
 * unless options.encoding names another (decoded to UTF-8 as it streams
 * in; the output is always UTF-8) or a byte-order mark says UTF-16. Within a block, rows
 * are looked up in the order of where they are (postcode and location, or position),
 * which touches the index far less than the order of a scattered list; they are written
 * in their own order. The first record is the header; the delimiter (comma, semicolon or
 * tab) is detected from it unless given. Excel's "sep=;" line before the header sets the
 * delimiter (unless given) and is copied as it is. A byte-order mark (UTF-8 or UTF-16) is
 * written back as UTF-8's, as options.bom asks for one.
 *
 * Columns: those named in the options, by name or by number; else the
 * header's names are matched against dc_batch_column_name's table; else
 * the values of the first rows tell (a column where most values parse as
 * codes, or two where most are latitudes and longitudes in Vietnam). Quoted fields may
 * hold delimiters, quotes ("") and line breaks; a quote opens a quoted field only at the
 * field's start, elsewhere it is an ordinary character (as spreadsheets
 * read it), and text after a closing quote belongs to the field.
 *
 * Each output row is the input record's bytes as they were, then the
 * delimiter and the appended fields (quoted when they hold the delimiter,
 * a quote or a line break), then the record's own line ending (CRLF, LF
 * or CR; a last record without one gets the header's, or LF). Forward
 * mode appends DC_BATCH_FORWARD_COLUMNS, reverse mode
 * DC_BATCH_REVERSE_COLUMNS, address mode DC_BATCH_ADDRESS_COLUMNS;
 * docs/CLI.md says what each holds per status.
 *
 * Convert mode (options.convert, with forward or address mode) reads old or
 * current codes (zone editions, diachi/history.h) and appends each one's
 * current code: the current zone's postcode where the door is, with the
 * same location characters. change is "unchanged" when the postcode stays,
 * else the kind the index's history table gives the pair of postcodes
 * ("renamed", "merged", "split", ...) or "changed" when it has no such row.
 * Statuses: ok (a household's door), unregistered (a place in a current
 * zone with no household: its current code all the same), out_of_coverage
 * (the place of an old code lies in no current zone: no code is guessed),
 * and the forward statuses of codes that name no place (malformed,
 * unknown_postcode, code_outside_zone, empty). An address row (address mode)
 * converts its code when that gives a household, else the household its
 * address finds (old names included where the search has them); change is
 * then from the door's zone in the edition before the current one, and
 * match and score say how the address matched, as in address mode. An
 * address whose best answer is no household (a street, group or zone)
 * is no_household, with that zone's name, district and province and no
 * code; one that matches nothing not_found, one that cannot be read
 * bad_address.
 *
 * Address mode searches each row's written address (dc_search, limit 1, as
 * diachi search does; diachi/search.h) and appends its best answer. When
 * the header also has a code column (given, or found by its name), a row
 * whose code is a registered household's is answered by the code (match
 * "code"); the address is searched only when the code is blank or does
 * not give a household. An address that cannot be read (no word, invalid
 * UTF-8, a control character, too long) gets status bad_address with the
 * reason in the error column; one that matches nothing, not_found. Rows
 * are looked up in their own order (their codes' order when they have
 * codes).
 * An appended name that the header already has (compared as column names
 * are matched) is written with "diachi_" in front, as often as it takes,
 * so that an output can be geocoded again.
 *
 * - A record with fewer fields than the header is padded with empty
 *   fields (delimiters only), so the appended fields line up under their
 *   names; one with more keeps them all and its appended fields follow.
 *   Both are counted as ragged and looked up like any other.
 * - An empty line (nothing before its line ending) is copied as an empty
 *   line, not a row: nothing is appended to it.
 * - A header with no record after it gives the header alone.
 * - A bad value never stops the run: the row gets its status.
 * - What does stop it (rep.problem): an input with no header
 *   (empty_input), a header without the columns the mode needs
 *   (no_column, ambiguous_column), a quoted field never closed
 *   (unterminated_quote, with the line it opened on), a record over
 *   max_record_bytes (record_too_long), a failed read or write, a failed
 *   index. What was written to @p out by then is a prefix of the output:
 *   the caller discards it (the CLI writes to a temporary file).
 *
 * Threads: dc_batch_run may be called from several threads at once with
 * the same dc_geo. With threads > 1 it starts that many workers, each
 * with its own dc_geo_session, and joins them before it returns; with 1
 * it does all the work in the calling thread and starts none.
 */
#ifndef DIACHI_BATCH_H
#define DIACHI_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diachi/geocoder.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default longest record, line breaks in quotes included: far above any
 *  real household row, low enough that a file with a stray quote (which
 *  swallows the rest of the file into one field) stops early. */
#define DC_BATCH_MAX_RECORD (1u << 20)
/** Largest number of worker threads. */
#define DC_BATCH_MAX_THREADS 64

/** The names of the appended columns, comma-separated, in order. */
#define DC_BATCH_FORWARD_COLUMNS                                                         \
    "status,code,plus_code,lat,lon,postcode,zone_name,address,suggestion,"               \
    "households_at_door"
#define DC_BATCH_REVERSE_COLUMNS                                                         \
    "status,code,plus_code,lat,lon,postcode,zone_name,address,distance_m"
#define DC_BATCH_ADDRESS_COLUMNS                                                         \
    "status,code,plus_code,lat,lon,postcode,zone_name,address,match,score,error"
/** Convert mode's (options.convert): the current code, its zone's name,
 *  district (empty where the current edition has none, as after 2025) and
 *  province, and what changed; with an address column, then match, score
 *  and error as in address mode. */
#define DC_BATCH_CONVERT_COLUMNS "status,current_code,zone_name,district,province,change"
#define DC_BATCH_CONVERT_ADDRESS_COLUMNS DC_BATCH_CONVERT_COLUMNS ",match,score,error"

/**
 * A row's status: the engine's (dc_geo_status, same values and names) and
 * two of the batch's own.
 */
typedef enum dc_batch_status {
    DC_BATCH_OK = DC_GEO_OK,
    DC_BATCH_UNREGISTERED = DC_GEO_UNREGISTERED,
    DC_BATCH_MALFORMED = DC_GEO_MALFORMED,
    DC_BATCH_UNKNOWN_POSTCODE = DC_GEO_UNKNOWN_POSTCODE,
    DC_BATCH_CODE_OUTSIDE_ZONE = DC_GEO_CODE_OUTSIDE_ZONE,
    DC_BATCH_OUT_OF_COVERAGE = DC_GEO_OUT_OF_COVERAGE,
    DC_BATCH_EMPTY = 6, /**< "empty": the code (or a coordinate) cell is blank */
    DC_BATCH_BAD_COORDINATES = 7, /**< "bad_coordinates": lat or lon is not a
                                       number in range */
    DC_BATCH_NOT_FOUND = 8,       /**< "not_found": the address matches nothing */
    DC_BATCH_BAD_ADDRESS = 9,     /**< "bad_address": the address cannot be read
                                       (no word, invalid UTF-8, a control
                                       character, too long); why in "error" */
    DC_BATCH_NO_HOUSEHOLD = 10    /**< "no_household": convert mode, an address
                                       whose best answer is a street, group or
                                       zone, no household: no code is guessed */
} dc_batch_status;
#define DC_BATCH_NSTATUS 11

/** Stable lower-case name of a row status; "unknown" for another value. */
const char *dc_batch_status_name(dc_batch_status status);

/** Which lookup the rows get. */
typedef enum dc_batch_mode {
    DC_BATCH_AUTO = 0,    /**< forward when a code column is found, else reverse */
    DC_BATCH_FORWARD = 1, /**< code -> place */
    DC_BATCH_REVERSE = 2, /**< lat, lon -> nearest registered household */
    DC_BATCH_ADDRESS = 3  /**< a written address -> its best answer (dc_search);
                               chosen by address_column, never detected */
} dc_batch_mode;

/** What stopped a run (DC_BATCH_NO_PROBLEM when nothing did). Names are
 *  stable (dc_batch_problem_name). */
typedef enum dc_batch_problem {
    DC_BATCH_NO_PROBLEM = 0,
    DC_BATCH_EMPTY_INPUT,        /**< "empty_input": no header record */
    DC_BATCH_NO_COLUMN,          /**< "no_column": the header lacks a needed column */
    DC_BATCH_AMBIGUOUS_COLUMN,   /**< "ambiguous_column": several columns fit */
    DC_BATCH_UNTERMINATED_QUOTE, /**< "unterminated_quote": rep.line is where it opened */
    DC_BATCH_RECORD_TOO_LONG,    /**< "record_too_long": rep.line is where it began */
    DC_BATCH_READ_FAILED,        /**< "read_failed" */
    DC_BATCH_WRITE_FAILED,       /**< "write_failed": rep.sys_errno says why
                                      (EPIPE: the reader went away) */
    DC_BATCH_INDEX_FAILED,       /**< "index_failed": the engine returned an error */
    DC_BATCH_CANCELLED,          /**< "cancelled": *options.cancel was set */
    DC_BATCH_BAD_OPTION,         /**< "bad_option": an option out of range */
    DC_BATCH_OUT_OF_MEMORY,      /**< "out_of_memory" */
    DC_BATCH_BAD_ENCODING        /**< "bad_encoding": a byte that is no character
                                      of the input's encoding; rep.line and
                                      the message name it */
} dc_batch_problem;

/** Stable lower-case name of a problem ("unterminated_quote"). */
const char *dc_batch_problem_name(dc_batch_problem problem);

/** Counts, so far (progress) or in all (report). */
typedef struct dc_batch_stats {
    uint64_t rows;                        /**< data rows written, header excluded */
    uint64_t by_status[DC_BATCH_NSTATUS]; /**< rows per dc_batch_status */
    uint64_t ragged;                      /**< rows with a field count other
                                               than the header's */
    uint64_t empty_lines;                 /**< empty lines copied */
    uint64_t bytes_read;                  /**< input bytes consumed */
} dc_batch_stats;

typedef struct dc_batch_options {
    dc_batch_mode mode;
    /** Column names (matched like detected ones: case, diacritics, spaces,
     *  '_', '-' and '.' ignored); NULL to detect. A code column gives
     *  forward mode, a lat and lon column reverse mode. */
    const char *code_column, *lat_column, *lon_column;
    /** Columns by number, 1-based as a spreadsheet counts them (A is 1);
     *  0 for none. A number wins over a name given for the same column. */
    unsigned code_column_number, lat_column_number, lon_column_number;
    /** The written address's column, by name or number (as above): address
     *  mode. Not detected: it is used only when given. */
    const char *address_column;
    unsigned address_column_number;
    /** Address mode: order answers of equal score by distance from this
     *  point (dc_search_options.near), for every row. */
    bool near;
    double near_lat, near_lon;
    /** The input's encoding: NULL for UTF-8 copied unchecked; "UTF-8"
     *  (checked), "CP1258", "TCVN3" and the other names of
     *  dc_encoding_from_name (diachi/encoding.h); "UTF-16LE", "UTF-16BE",
     *  "UTF-16". A byte-order mark wins over it. */
    const char *encoding;
    /** Start the output with a UTF-8 byte-order mark (Excel then reads it
     *  as UTF-8), whether or not the input had one. */
    bool bom;
    /** Field delimiter; 0 detects comma, semicolon or tab. Never '"', CR
     *  or LF. */
    char delimiter;
    /** Reverse: how far to look for the nearest registered household,
     *  metres, 0..DC_GEO_MAX_RADIUS_M. Default 50. */
    double radius_m;
    /** Lookup threads, 1..DC_BATCH_MAX_THREADS. Default 1. */
    unsigned threads;
    /** Longest record accepted, bytes, 1..4 GiB. Default DC_BATCH_MAX_RECORD. */
    size_t max_record_bytes;
    /** NULL, or called from the calling thread about every
     *  progress_interval_ms with the counts so far. */
    void (*progress)(void *ctx, const dc_batch_stats *sofar);
    void *progress_ctx;
    unsigned progress_interval_ms; /**< default 250 */
    /** NULL, or a flag another thread or a signal handler sets to stop the
     *  run (checked between blocks): the run ends with "cancelled". */
    const volatile int *cancel;
    /** Convert old codes to current ones (forward or address mode): appends
     *  DC_BATCH_CONVERT_COLUMNS (or DC_BATCH_CONVERT_ADDRESS_COLUMNS) instead
     *  of the mode's own; see the top of this header. */
    bool convert;
    /** Tuning, for tests: records per block and bytes per read (0: the
     *  defaults, 65536 records and 256 KiB). A block takes up to 16 reads;
     *  beyond 2 threads, blocks get fewer of both, so that memory does not
     *  grow with the threads. */
    size_t block_records, read_bytes;
} dc_batch_options;

/** What a known column name stands for. */
typedef enum dc_batch_role {
    DC_BATCH_ROLE_CODE = 0, /**< a household code: forward mode */
    DC_BATCH_ROLE_LAT,      /**< a latitude: reverse mode, with a longitude */
    DC_BATCH_ROLE_LON,      /**< a longitude */
    DC_BATCH_ROLE_POSTCODE  /**< a 5-digit postcode ("Mã bưu chính"): never
                                 looked up as a code */
} dc_batch_role;
#define DC_BATCH_NROLES 4

/**
 * The column names the header matcher knows, as a clerk writes them: the
 * @p i th name (from 0) for @p role, NULL past the last. The matcher uses
 * this table and nothing else; any spelling that folds to one of these
 * (case, diacritics, đ as d, spaces, '_', '-' and '.' ignored) matches.
 * Static strings; thread-safe.
 */
const char *dc_batch_column_name(dc_batch_role role, size_t i);

/** Fill @p opt with the defaults (auto mode, detect everything, 1 thread). */
void dc_batch_options_init(dc_batch_options *opt);

/** How a run went. Filled by dc_batch_run, whatever it returns. */
typedef struct dc_batch_report {
    dc_batch_mode mode; /**< the mode used (forward, reverse or address) */
    bool convert;       /**< options.convert: the convert columns appended */
    char delimiter;     /**< the delimiter used */
    int code_field, lat_field, lon_field; /**< 0-based columns used; -1 when none */
    int address_field;                    /**< address mode's; -1 when none */
    dc_batch_stats stats;
    dc_batch_problem problem;
    uint64_t line; /**< 1-based input line of the problem, 0 when none */
    int sys_errno; /**< errno of a failed read or write, else 0 */
    /** The problem in words, naming what to fix ("no code column: the
     *  header has NAME, SO, ...; name one with --code-column"). */
    char message[512];
} dc_batch_report;

/**
 * Geocode CSV from @p in to @p out.
 *
 * @param[in]  geo  an open engine
 * @param[in]  in   read with fread to its end
 * @param[out] out  written with fwrite, flushed before returning; not
 *                  closed. On failure it holds a prefix of the output.
 * @param[in]  opt  NULL for the defaults
 * @param[out] rep  the mode, columns, counts and any problem
 * @return DC_OK (every row written; rows with a status other than ok
 *         included); DC_E_INVALID_ARG (NULL geo, in, out or rep, an option
 *         out of range: bad_option; or a header that does not fit the
 *         mode: empty_input, no_column, ambiguous_column); DC_E_IO (read
 *         or write failed, or the input is not well-formed CSV:
 *         unterminated_quote, record_too_long, or not text in its
 *         encoding: bad_encoding); DC_E_NOMEM; an engine
 *         error (DC_E_INDEX_CORRUPT, ...: index_failed); DC_E_REJECTED
 *         (cancelled). rep->problem tells them apart.
 */
dc_err dc_batch_run(dc_geo *geo, FILE *in, FILE *out, const dc_batch_options *opt,
                    dc_batch_report *rep);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_BATCH_H */
