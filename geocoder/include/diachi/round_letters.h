/*
 * diachi/round_letters.h - the letters file of a delivery round, as
 * `diachi round` and `diachi-plates --round` both read it. Library
 * dc_batch (it reads with diachi/csv.h and knows the batch's column names).
 *
 *     dc_round_letters l = {0};
 *     dc_error err;
 *     size_t len;
 *     char *buf = dc_round_letters_load("letters.csv", &len);
 *     if (buf && dc_round_letters_read(buf, len, NULL, &l, &err) == DC_OK)
 *         ... l.v[i].row, l.v[i].text; dc_round_resolve(..., &l.v[i].door) ...
 *     dc_round_letters_free(&l);
 *
 * The file is a CSV with a header: its delimiter the header's most
 * frequent of comma, semicolon and tab; a UTF-8 byte-order mark skipped;
 * the letters' column given by name or number from 1, else the first whose
 * name is known (address, diachi, letter, code, or a code column's name
 * of dc_batch_column_name), else the first. Blank lines are no letters.
 */
#ifndef DIACHI_ROUND_LETTERS_H
#define DIACHI_ROUND_LETTERS_H

#include <stddef.h>

#include "diachi/error.h"
#include "diachi/round.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One letter: its data row, its text, and its door for the caller to
 *  fill (dc_round_resolve); the reader zeroes the door. */
typedef struct dc_round_letter {
    size_t row;         /**< its data row, from 1 (the header is row 0) */
    char *text;         /**< the value of the letters' column, NUL-terminated */
    dc_round_door door; /**< zero until the caller resolves it */
} dc_round_letter;

/** Letters in a growing array; zero it before the first use. */
typedef struct dc_round_letters {
    dc_round_letter *v;
    size_t n, cap;
} dc_round_letters;

/**
 * Append each data row's letter of the CSV in @p buf (@p len bytes) to
 * @p out.
 * @param[in]  column  NULL, or the letters' column by name or number from 1
 * @param[out] out     holds what was read even on failure: free it with
 *                     dc_round_letters_free
 * @param[out] err     on failure, the reason; the messages name no file
 * @return DC_OK; DC_E_IO (a quoted field is never closed), DC_E_INVALID_ARG
 *         (@p column names no column of the header), DC_E_ROUND_TOO_MANY
 *         (more than DC_ROUND_MAX_STOPS letters), DC_E_ROUND_EMPTY (none),
 *         DC_E_NOMEM. Pure; thread-safe.
 */
dc_err dc_round_letters_read(const char *buf, size_t len, const char *column,
                             dc_round_letters *out, dc_error *err);

/** A letters file larger than this is refused: DC_ROUND_MAX_STOPS rows of
 *  even long addresses are well under it. */
#define DC_ROUND_LETTERS_MAX_BYTES (64u << 20)

/**
 * The whole of the letters file @p path ("-": standard input), for
 * dc_round_letters_read.
 * @param[out] len  its bytes
 * @return a buffer the caller frees, or NULL with errno set: the open's,
 *         ENOMEM, EFBIG (over DC_ROUND_LETTERS_MAX_BYTES), EIO (a read
 *         failed).
 */
char *dc_round_letters_load(const char *path, size_t *len);

/** Free what @p l holds and zero it; NULL is a no-op. */
void dc_round_letters_free(dc_round_letters *l);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_ROUND_LETTERS_H */
