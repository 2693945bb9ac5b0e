/*
 * round_letters.c - a round's letters file (diachi/round_letters.h), for
 * `diachi round` and `diachi-plates --round` alike: records and fields
 * from the CSV scanner (diachi/csv.h), the known column names from the
 * batch's table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/round_letters.h"

#include "diachi/batch.h"
#include "diachi/csv.h"

/* The header's delimiter: the most frequent of , ; and tab. */
static char delimiter_of(const char *rec, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    for (size_t i = 0; i < len; i++)
        comma += rec[i] == ',', semi += rec[i] == ';', tab += rec[i] == '\t';
    return tab > comma && tab > semi ? '\t' : semi > comma ? ';' : ',';
}

/* A header name folded: ASCII lower case, without ' ', '_', '-' and '.'. */
static void fold(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (!strchr(" _-.", s[i]))
            out[k++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    out[k] = '\0';
}

static bool known_name(const char *folded)
{
    static const char *const extra[] = {"address", "diachi", "letter", "code"};
    char f[128];
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (strcmp(folded, extra[i]) == 0) return true;
    const char *name;
    for (size_t i = 0; (name = dc_batch_column_name(DC_BATCH_ROLE_CODE, i)); i++) {
        fold(name, strlen(name), f, sizeof f);
        if (strcmp(folded, f) == 0) return true;
    }
    return false;
}

/* The letters' column, as `diachi round` chooses it; -1 when --column
 * names none. */
static int letters_column(const char *rec, size_t len, char delim, const char *column)
{
    size_t pos = 0, s, e;
    char scratch[1024], f[128], want[128];
    if (column && column[0] && strspn(column, "0123456789") == strlen(column))
        return atoi(column) >= 1 ? atoi(column) - 1 : -1;
    if (column) fold(column, strlen(column), want, sizeof want);
    for (int i = 0; dc_csv_next_field(rec, len, delim, &pos, &s, &e); i++) {
        size_t n = e - s, vlen = 0;
        const char *v =
            n < sizeof scratch ? dc_csv_value(rec + s, n, scratch, &vlen) : "";
        if (i == 0 && vlen >= 3 && memcmp(v, "\xef\xbb\xbf", 3) == 0) v += 3, vlen -= 3;
        fold(v, vlen, f, sizeof f);
        if (column ? strcmp(f, want) == 0 : known_name(f)) return i;
    }
    return column ? -1 : 0;
}

/* Field @p col of a record, as a new string ("" when the row is short). */
static char *field_copy(const char *rec, size_t len, char delim, int col)
{
    size_t pos = 0, s, e, vlen = 0;
    for (int i = 0; dc_csv_next_field(rec, len, delim, &pos, &s, &e); i++) {
        if (i != col) continue;
        char *scratch = malloc(e - s + 1), *out = malloc(e - s + 1);
        if (scratch && out) {
            const char *v = dc_csv_value(rec + s, e - s, scratch, &vlen);
            memmove(out, v, vlen);
            out[vlen] = '\0';
        }
        free(scratch);
        if (!scratch) free(out);
        return scratch ? out : NULL;
    }
    return calloc(1, 1);
}

static dc_err add_letter(dc_round_letters *r, size_t row, char *text, dc_error *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        dc_round_letter *more = text ? realloc(r->v, cap * sizeof *more) : NULL;
        if (!more) {
            free(text);
            return dc_error_set(err, DC_E_NOMEM, "out of memory");
        }
        r->v = more, r->cap = cap;
    }
    if (!text) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    r->v[r->n++] = (dc_round_letter){.row = row, .text = text};
    return DC_OK;
}

/* Every data row's letter; blank lines are none. */
dc_err dc_round_letters_read(const char *buf, size_t len, const char *column,
                             dc_round_letters *r, dc_error *err)
{
    size_t at = 0, rec_len, row = 0;
    int eol, col = -1;
    char delim = 0;
    while (at < len) {
        dc_csv_scan st = {0};
        int k = dc_csv_scan_record(buf + at, len - at, true, delim, &st, &rec_len, &eol);
        if (k == DC_CSV_END) break;
        if (k == DC_CSV_UNTERMINATED)
            return dc_error_set(err, DC_E_IO, "a quoted field is never closed (row %zu)",
                                row + 1);
        const char *rec = buf + at;
        at += rec_len + dc_csv_eol_len(eol);
        if (!delim) {
            delim = delimiter_of(rec, rec_len);
            col = letters_column(rec, rec_len, delim, column);
            if (col >= 0) continue;
            return dc_error_set(err, DC_E_INVALID_ARG,
                                "--column %s: no such column in the header", column);
        }
        if (++row, rec_len == 0) continue;
        if (r->n == DC_ROUND_MAX_STOPS)
            return dc_error_set(err, DC_E_ROUND_TOO_MANY,
                                "more than %d letters; a round takes %d at most",
                                DC_ROUND_MAX_STOPS, DC_ROUND_MAX_STOPS);
        dc_err e = add_letter(r, row, field_copy(rec, rec_len, delim, col), err);
        if (e != DC_OK) return e;
    }
    if (r->n) return DC_OK;
    return dc_error_set(err, DC_E_ROUND_EMPTY,
                        "no letters (the file has a header and no rows)");
}

void dc_round_letters_free(dc_round_letters *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
    *l = (dc_round_letters){0};
}

char *dc_round_letters_load(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf) errno = ENOMEM;
    while (buf) {
        if (n == cap) {
            char *more = cap < DC_ROUND_LETTERS_MAX_BYTES ? realloc(buf, cap * 2) : NULL;
            if (!more) {
                free(buf);
                buf = NULL;
                errno = cap < DC_ROUND_LETTERS_MAX_BYTES ? ENOMEM : EFBIG;
                break;
            }
            buf = more, cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (buf && ferror(f)) free(buf), buf = NULL, errno = EIO;
    if (f != stdin) fclose(f);
    *len = n;
    return buf;
}
