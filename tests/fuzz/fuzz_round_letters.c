/*
 * fuzz_round_letters.c - dc_round_letters_read, the reader of the letters
 * file of diachi round and diachi-plates --round, on arbitrary bytes. The
 * first byte picks the --column (none, a name, a number, a number naming
 * no column), the rest is the file.
 *
 * Besides "no crash, no sanitizer report": letters read are 1 to
 * DC_ROUND_MAX_STOPS, each with its text, their rows rising; a refusal
 * is one of its documented errors and says why.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/round_letters.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_round_letters: broken invariant: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const columns[] = {NULL, "code", "2", "0"};
    static const dc_err refusals[] = {DC_E_IO, DC_E_INVALID_ARG, DC_E_ROUND_TOO_MANY,
                                      DC_E_ROUND_EMPTY};
    if (size == 0) return 0;
    const char *column = columns[data[0] % 4];
    dc_round_letters l = {0};
    dc_error err = {0};
    dc_err e = dc_round_letters_read((const char *)data + 1, size - 1, column, &l, &err);
    if (e == DC_OK) {
        dc_check(l.n >= 1 && l.n <= DC_ROUND_MAX_STOPS, "a count out of range");
        for (size_t i = 0; i < l.n; i++) {
            dc_check(l.v[i].text != NULL, "a letter without text");
            dc_check(i == 0 || l.v[i].row > l.v[i - 1].row, "rows not rising");
        }
    } else if (e != DC_E_NOMEM) {
        bool known = false;
        for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++)
            known |= e == refusals[i];
        dc_check(known, "a refusal with no documented error");
        dc_check(err.message[0] != '\0', "a refusal without a message");
    }
    dc_round_letters_free(&l);
    return 0;
}
