/*
 * round_letters.h - the letters of a printed round (round_letters.c), for
 * the sheet (round.c) and its fuzz target.
 */
#ifndef DIACHI_PLATES_ROUND_LETTERS_H
#define DIACHI_PLATES_ROUND_LETTERS_H

#include <stddef.h>

#include "diachi/error.h"
#include "diachi/round.h"

/** One letter: its data row and text, and (filled later) its door. */
typedef struct dc_plates_letter {
    size_t row; /**< its data row, from 1 */
    char *text; /**< the value of the letters' column, NUL-terminated */
    dc_round_door door;
} dc_plates_letter;

/** Letters in a growing array; zero it before the first use. */
typedef struct dc_plates_letters {
    dc_plates_letter *v;
    size_t n, cap;
} dc_plates_letters;

/**
 * Append each data row's letter of the CSV in @p buf (@p len bytes) to
 * @p out, as `diachi round` reads its letters.
 * @param[in]  column   NULL, or the letters' column by name or number from 1
 * @param[in]  name     the file's name, for the messages
 * @param[out] problem  on failure: "io" (a quoted field never closed),
 *                      "usage" (@p column names no column), "round_too_many"
 *                      (more than DC_ROUND_MAX_STOPS letters), "round_empty"
 *                      (none)
 * @return DC_OK, DC_E_IO, DC_E_INVALID_ARG, DC_E_ROUND_TOO_MANY,
 *         DC_E_ROUND_EMPTY, DC_E_NOMEM. @p out holds what was read even on
 *         failure: free it with dc_plates_letters_free. Pure; thread-safe.
 */
dc_err dc_plates_letters_parse(const char *buf, size_t len, const char *column,
                               const char *name, dc_plates_letters *out,
                               const char **problem, dc_error *err);

/** Free what @p l holds and zero it; NULL is a no-op. */
void dc_plates_letters_free(dc_plates_letters *l);

#endif /* DIACHI_PLATES_ROUND_LETTERS_H */
