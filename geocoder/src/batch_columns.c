/*
 * batch_columns.c - which columns of a CSV header hold the code, or the
 * latitude and longitude. A clerk's header says "Mã địa chỉ", "MA_DIA_CHI"
 * or "ma dia chi" for the same thing: names are compared with case and
 * diacritics folded (utf8proc; đ is its own letter, folded to d by hand)
 * and spaces, '_', '-' and '.' dropped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "batch_internal.h"
#include "csv.h"

#define NAME_SIZE 256

static const char *const code_names[] = {"code",       "madiachi",    "vpostcode",
                                         "mabuuchinh", "addresscode", NULL};
static const char *const lat_names[] = {"lat", "latitude", "vido", NULL};
static const char *const lon_names[] = {"lon",       "lng",    "long",
                                        "longitude", "kinhdo", NULL};

dc_err dc_batch_fail(dc_batch_report *rep, dc_err rc, dc_batch_problem problem,
                     uint64_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->message, sizeof rep->message, fmt, ap);
    va_end(ap);
    rep->problem = problem;
    rep->line = line;
    return rc;
}

char dc_batch_detect_delimiter(const char *rec, size_t len)
{
    size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        char c = rec[i];
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        comma += c == ',';
        semicolon += c == ';';
        tab += c == '\t';
    }
    if (semicolon > comma && semicolon >= tab) return ';';
    if (tab > comma && tab > semicolon) return '\t';
    return ',';
}

/* Lower-case ASCII letters and digits, and any other byte, of @p s folded. */
static void squeeze(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
        if (c == 0xC4 && i + 1 < n && (unsigned char)s[i + 1] == 0x91) { /* đ */
            out[o++] = 'd';
            i++;
            continue;
        }
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[o] = '\0';
}

/* The comparable form of a column name (see the top of the file). */
static void normalise(const char *s, size_t n, char *out, size_t size)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t m = -1;
    if (n < NAME_SIZE)
        m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
                         UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    if (m >= 0)
        squeeze((const char *)folded, (size_t)m, out, size);
    else /* not UTF-8, or too long to be a name we know: bytes as they are */
        squeeze(s, n, out, size);
    free(folded);
}

typedef struct header {
    size_t n;
    char (*names)[NAME_SIZE];   /* normalised */
    char (*display)[NAME_SIZE]; /* as written (cut), for messages */
} header;

static dc_err read_header(const char *rec, size_t len, char delim, header *h)
{
    size_t pos = 0, start, end, cap = 16;
    h->n = 0;
    h->names = malloc(cap * sizeof *h->names);
    h->display = malloc(cap * sizeof *h->display);
    char *scratch = malloc(len + 1);
    if (!h->names || !h->display || !scratch) goto nomem;
    while (dc_csv_next_field(rec, len, delim, &pos, &start, &end)) {
        if (h->n == cap) {
            cap *= 2;
            void *a = realloc(h->names, cap * sizeof *h->names);
            if (a) h->names = a;
            void *b = realloc(h->display, cap * sizeof *h->display);
            if (b) h->display = b;
            if (!a || !b) goto nomem;
        }
        size_t vlen;
        const char *v = dc_csv_value(rec + start, end - start, scratch, &vlen);
        if (h->n == 0 && vlen >= 3 && memcmp(v, "\xEF\xBB\xBF", 3) == 0)
            v += 3, vlen -= 3;
        normalise(v, vlen, h->names[h->n], NAME_SIZE);
        snprintf(h->display[h->n], NAME_SIZE, "%.*s", (int)(vlen < 64 ? vlen : 64), v);
        h->n++;
    }
    free(scratch);
    return DC_OK;
nomem:
    free(scratch);
    return DC_E_NOMEM;
}

/* "\"a\", \"b\", \"c\"" for a message, cut to fit. */
static void list_columns(const header *h, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < h->n && o + 8 < size; i++) {
        int w = snprintf(out + o, size - o, "%s\"%s\"", i ? ", " : "", h->display[i]);
        if (w < 0 || (size_t)w >= size - o) {
            snprintf(out + (o < size - 5 ? o : size - 5), 5, " ...");
            return;
        }
        o += (size_t)w;
    }
}

/* The one column whose name is among @p names (or equals @p given):
 * its index, -1 when none, -2 when several (*first, *second set). */
static int find(const header *h, const char *const *names, const char *given, int *second)
{
    char want[NAME_SIZE];
    int found = -1;
    if (given) normalise(given, strlen(given), want, sizeof want);
    for (size_t i = 0; i < h->n; i++) {
        bool match = false;
        if (given)
            match = strcmp(h->names[i], want) == 0;
        else
            for (size_t k = 0; names[k] && !match; k++)
                match = strcmp(h->names[i], names[k]) == 0;
        if (!match) continue;
        if (found >= 0) {
            *second = (int)i;
            return -2 - found;
        }
        found = (int)i;
    }
    return found;
}

static dc_err column(const header *h, const char *what, const char *const *names,
                     const char *given, int *out, dc_batch_report *rep)
{
    char seen[300];
    int second = -1, i = find(h, names, given, &second);
    if (i >= 0) {
        *out = i;
        return DC_OK;
    }
    if (i <= -2)
        return dc_batch_fail(
            rep, DC_E_INVALID_ARG, DC_BATCH_AMBIGUOUS_COLUMN, 1,
            "columns %d \"%s\" and %d \"%s\" could both be the %s column; "
            "name the one to use",
            -i - 1, h->display[-i - 2], second + 1, h->display[second], what);
    list_columns(h, seen, sizeof seen);
    if (given)
        return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_NO_COLUMN, 1,
                             "no column named \"%s\" in the header (columns: %s)", given,
                             seen);
    return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_NO_COLUMN, 1,
                         "no %s column in the header (columns: %s)", what, seen);
}

static dc_err choose(const header *h, const dc_batch_options *opt, dc_batch_report *rep)
{
    dc_batch_mode mode = opt->mode;
    int second;
    if (mode == DC_BATCH_AUTO) {
        if (opt->code_column)
            mode = DC_BATCH_FORWARD;
        else if (opt->lat_column || opt->lon_column)
            mode = DC_BATCH_REVERSE;
        else if (find(h, code_names, NULL, &second) != -1)
            mode = DC_BATCH_FORWARD;
        else if (find(h, lat_names, NULL, &second) != -1 ||
                 find(h, lon_names, NULL, &second) != -1)
            mode = DC_BATCH_REVERSE;
        else {
            char seen[300];
            list_columns(h, seen, sizeof seen);
            return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_NO_COLUMN, 1,
                                 "no code column, nor lat and lon columns, in the header "
                                 "(columns: %s)",
                                 seen);
        }
    }
    rep->mode = mode;
    if (mode == DC_BATCH_FORWARD)
        return column(h, "code", code_names, opt->code_column, &rep->code_field, rep);
    dc_err rc = column(h, "latitude", lat_names, opt->lat_column, &rep->lat_field, rep);
    if (rc == DC_OK)
        rc = column(h, "longitude", lon_names, opt->lon_column, &rep->lon_field, rep);
    return rc;
}

dc_err dc_batch_find_columns(const char *rec, size_t len, char delim,
                             const dc_batch_options *opt, dc_batch_report *rep)
{
    header h = {0};
    dc_err rc = read_header(rec, len, delim, &h);
    if (rc == DC_OK)
        rc = choose(&h, opt, rep);
    else
        dc_batch_fail(rep, rc, DC_BATCH_OUT_OF_MEMORY, 1,
                      "out of memory reading the header");
    free(h.names);
    free(h.display);
    return rc;
}
