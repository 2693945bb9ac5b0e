/*
 * csv.c - the RFC 4180 scanner and quoting (diachi/csv.h). Records are
 * found in one pass over bytes as they arrive (a cut record resumes where
 * its scan stopped); fields are split later, by the thread that looks the
 * row up, since only a few of them are ever read.
 */
#include <stdint.h>
#include <string.h>

#include "diachi/csv.h"

const char *dc_csv_eol_bytes(int eol)
{
    static const char *const bytes[] = {"", "\n", "\r\n", "\r"};
    return eol >= 0 && eol <= 3 ? bytes[eol] : "";
}

size_t dc_csv_eol_len(int eol)
{
    return eol == DC_CSV_EOL_CRLF ? 2 : eol == DC_CSV_EOL_NONE ? 0 : 1;
}

static bool opens_field(const char *rec, size_t i, char delim)
{
    if (i == 0) return true;
    char prev = rec[i - 1];
    if (delim) return prev == delim;
    return prev == ',' || prev == ';' || prev == '\t';
}

/* Inside quotes from @p i: the index of the quote that may close them, or
 * @p avail; counts the line breaks passed. */
static size_t skip_quoted(const char *rec, size_t i, size_t avail, dc_csv_scan *st)
{
    const char *q = memchr(rec + i, '"', avail - i);
    size_t stop = q ? (size_t)(q - rec) : avail;
    for (const char *nl = rec + i; (nl = memchr(nl, '\n', (size_t)(rec + stop - nl)));
         nl++)
        st->lines++;
    return stop;
}

/* Outside quotes from @p i: the index of the next quote or line break. */
static size_t skip_plain(const char *rec, size_t i, size_t avail)
{
    while (i < avail) {
        char c = rec[i];
        if (c == '"' || c == '\n' || c == '\r') break;
        i++;
    }
    return i;
}

int dc_csv_scan_record(const char *rec, size_t avail, bool eof, char delim,
                       dc_csv_scan *st, size_t *len, int *eol)
{
    size_t i = st->scanned;
    while (i < avail) {
        if (st->in_quotes) {
            i = skip_quoted(rec, i, avail, st);
            if (i == avail) break;
            if (i + 1 == avail && !eof) break; /* "" or a closing quote? */
            if (i + 1 < avail && rec[i + 1] == '"') {
                i += 2;
            } else {
                st->in_quotes = false;
                i++;
            }
            continue;
        }
        i = skip_plain(rec, i, avail);
        if (i == avail) break;
        if (rec[i] == '"') {
            if (opens_field(rec, i, delim)) {
                st->in_quotes = true;
                st->quote_line = st->lines;
            }
            i++;
            continue;
        }
        if (rec[i] == '\r' && i + 1 == avail && !eof) break; /* CR or CRLF? */
        *len = i;
        *eol = rec[i] == '\n'                        ? DC_CSV_EOL_LF
               : i + 1 < avail && rec[i + 1] == '\n' ? DC_CSV_EOL_CRLF
                                                     : DC_CSV_EOL_CR;
        st->scanned = i;
        return DC_CSV_RECORD;
    }
    st->scanned = i;
    if (!eof) return DC_CSV_MORE;
    if (st->in_quotes) return DC_CSV_UNTERMINATED;
    if (avail == 0) return DC_CSV_END;
    *len = avail;
    *eol = DC_CSV_EOL_NONE;
    return DC_CSV_RECORD;
}

bool dc_csv_next_field(const char *rec, size_t len, char delim, size_t *pos,
                       size_t *start, size_t *end)
{
    size_t i = *pos;
    if (i > len) return false;
    *start = i;
    if (i < len && rec[i] == '"') {
        for (i++; i < len;) {
            const char *q = memchr(rec + i, '"', len - i);
            if (!q) {
                i = len;
                break;
            }
            i = (size_t)(q - rec) + 1;
            if (i < len && rec[i] == '"')
                i++;
            else
                break;
        }
    }
    const char *d = i < len ? memchr(rec + i, delim, len - i) : NULL;
    i = d ? (size_t)(d - rec) : len;
    *end = i;
    *pos = i + 1;
    return true;
}

const char *dc_csv_value(const char *raw, size_t n, char *scratch, size_t *vlen)
{
    if (n == 0 || raw[0] != '"') {
        *vlen = n;
        return raw;
    }
    const char *q = memchr(raw + 1, '"', n - 1);
    if (!q || (size_t)(q - raw) == n - 1) { /* "text" or an unclosed "text */
        *vlen = q ? n - 2 : n - 1;
        return raw + 1;
    }
    size_t i = 1, o = 0;
    while (i < n) {
        if (raw[i] == '"') {
            if (i + 1 < n && raw[i + 1] == '"') {
                scratch[o++] = '"';
                i += 2;
                continue;
            }
            i++;
            break;
        }
        scratch[o++] = raw[i++];
    }
    while (i < n) /* text after the closing quote belongs to the field */
        scratch[o++] = raw[i++];
    *vlen = o;
    return scratch;
}

bool dc_csv_needs_quotes(const char *s, size_t n, char delim)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i]; /* most bytes are letters or UTF-8, above '"' */
        if (c == delim ||
            ((unsigned char)c <= '"' && (c == '"' || c == '\n' || c == '\r')))
            return true;
    }
    return false;
}

void dc_csv_write_field(FILE *f, const char *s, char delim)
{
    if (!s) s = "";
    if (!dc_csv_needs_quotes(s, strlen(s), delim)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
