/*
 * diachi/error.h - the one error enum every diachi library returns.
 *
 * Every fallible call returns a dc_err. DC_OK is zero; the other values are
 * stable across releases (they appear in logs, exit paths and the HTTP API),
 * so new codes are only ever appended within their block.
 *
 * Calls that can say more than the code (which character, which row) also
 * fill a caller-owned dc_error, when the caller passes one.
 */
#ifndef DIACHI_ERROR_H
#define DIACHI_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dc_err {
    DC_OK = 0,

    /* Generic: 1..19 */
    DC_E_INVALID_ARG = 1, /**< a NULL pointer, NaN or out-of-range argument */
    DC_E_BUFFER = 2,      /**< the caller's output buffer is too small */
    DC_E_NOMEM = 3,       /**< an allocation failed */
    DC_E_NOT_FOUND = 4,   /**< no such record (postcode, household, code) */
    DC_E_IO = 5,          /**< the file system failed: the message names the path */

    /* The address code and Open Location Code: 20..39 */
    DC_E_CODE_EMPTY = 20,     /**< no significant character in the input */
    DC_E_CODE_LENGTH = 21,    /**< not exactly 12 significant characters */
    DC_E_CODE_POSTCODE = 22,  /**< a non-digit among the first 5 characters */
    DC_E_CODE_CHAR = 23,      /**< a character outside the code alphabet */
    DC_E_CODE_LOOKALIKE = 24, /**< a Cyrillic or Greek letter that looks like a
                                   Latin one: the message names it and, when
                                   the input reads as a code with it, the code */
    DC_E_POINT_SYNTAX = 25,   /**< not a point (latitude, longitude) as written */
    DC_E_OLC_INVALID = 30,    /**< not a valid Open Location Code */
    DC_E_OLC_NOT_FULL = 31,   /**< a full Open Location Code was required */
    DC_E_OLC_NOT_SHORT = 32,  /**< a short Open Location Code was required */
    DC_E_OLC_PADDED = 33,     /**< a padded code cannot be shortened */
    DC_E_OLC_LENGTH = 34,     /**< requested code length is not 2..15 */

    /* The index file: 40..59 */
    DC_E_INDEX_FORMAT = 40,  /**< not a diachi index, or an unknown version */
    DC_E_INDEX_CORRUPT = 41, /**< a record breaks the documented layout or rules */

    /* The importer: 60..79 */
    DC_E_REJECTED = 60, /**< rejections passed --max-errors, or --strict */

    /* Address text (diachi/text.h): 80..99; the message names the byte */
    DC_E_TEXT_UTF8 = 80,    /**< a byte sequence that is not UTF-8 */
    DC_E_TEXT_CONTROL = 81, /**< a control character (tab, CR and LF aside) */
    DC_E_TEXT_LENGTH = 82,  /**< more bytes than DC_TEXT_MAX_BYTES */
    DC_E_TEXT_EMPTY = 83,   /**< no word at all: empty, or only punctuation */

    /* The delivery round (diachi/round.h): 100..119 */
    DC_E_ROUND_EMPTY = 100,    /**< a round of no stops */
    DC_E_ROUND_TOO_MANY = 101, /**< more stops than DC_ROUND_MAX_STOPS */
    DC_E_ROUND_START = 102     /**< the start is not a point on the globe */
} dc_err;

/** Size of dc_error.message, terminating NUL included. */
#define DC_ERROR_MESSAGE_SIZE 256

/**
 * Details of a failure, filled by calls that take a `dc_error *`.
 * `code` repeats the return value; `message` is one line of English that
 * names what was wrong and where, fit for a log or an API error body.
 */
typedef struct dc_error {
    dc_err code;
    char message[DC_ERROR_MESSAGE_SIZE];
} dc_error;

/**
 * Fill @p err (when not NULL) with @p code and a printf-style message, and
 * return @p code, so a failing path reads `return dc_error_set(err, ...)`.
 * The message is cut to DC_ERROR_MESSAGE_SIZE - 1 bytes. Thread-safe.
 */
dc_err dc_error_set(dc_error *err, dc_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * A short English description of @p err ("code has the wrong number of
 * characters"). Never NULL; an unknown value gives "unknown error".
 * The string is static. Thread-safe.
 */
const char *dc_strerror(dc_err err);

/**
 * The stable lower-case name of @p err ("code_length"), for machine output.
 * Never NULL; an unknown value gives "unknown". Static string. Thread-safe.
 */
const char *dc_err_name(dc_err err);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_ERROR_H */
