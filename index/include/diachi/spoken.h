/*
 * spoken.h - an address code read aloud, for call takers and postal workers
 * reading a code over a telephone line.
 *
 * Two tables, one word per character (docs/FORMAT.md section 1, "Reading a
 * code aloud"): Vietnamese, the digits as counted ("ba hai một không một")
 * and each letter of the OLC alphabet as an everyday word that starts with
 * its sound, chosen so that no two words, letters or digits, rhyme; and
 * English, the ICAO radiotelephony alphabet and digits ("niner"). The code
 * is read in its three groups, postcode, the 4 characters before the '+'
 * and the 3 after, separated by ", ":
 *
 *   32101 92P9+G54  ->  "ba hai một không một, chín hai pa-ri chín, gừng năm bốn"
 *                   ->  "three two one zero one, niner two papa niner, golf five four"
 *
 * Pure functions of their input; thread-safe.
 */
#ifndef DIACHI_SPOKEN_H
#define DIACHI_SPOKEN_H

#include <stddef.h>

#include "diachi/code.h"
#include "diachi/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The languages a code is read in. */
typedef enum dc_spoken_lang {
    DC_SPOKEN_VI = 0, /**< Vietnamese */
    DC_SPOKEN_EN = 1  /**< English, ICAO */
} dc_spoken_lang;

/** Buffer size that holds any code read aloud, NUL included. */
#define DC_SPOKEN_SIZE 192

/**
 * The word for character @p c (a digit, or a letter of the OLC alphabet
 * 23456789CFGHJMPQRVWX, either case) in @p lang, UTF-8; NULL for any other
 * character or language.
 */
const char *dc_spoken_word(char c, dc_spoken_lang lang);

/**
 * @p code read aloud in @p lang into @p out (NUL-terminated).
 * @param[out] len  NULL, or the length written, NUL excluded
 * @return DC_OK; DC_E_INVALID_ARG for a NULL argument, an unknown language,
 *         or a code holding a character outside the alphabet; DC_E_BUFFER
 *         when @p size is too small (less than DC_SPOKEN_SIZE may do)
 */
dc_err dc_code_spoken(const dc_code *code, dc_spoken_lang lang, char *out, size_t size,
                      size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* DIACHI_SPOKEN_H */
