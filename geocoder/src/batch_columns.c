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
#include "diachi/csv.h"

#define NAME_SIZE 256

/* The names the matcher knows, as a clerk writes them: the table both the
 * matcher and diachi batch --help read. */
static const char *const known_names[DC_BATCH_NROLES][8] = {
    [DC_BATCH_ROLE_CODE] = {"code", "Mã địa chỉ", "Mã ĐC", "vpostcode", "address_code"},
    [DC_BATCH_ROLE_LAT] = {"lat", "latitude", "Vĩ độ"},
    [DC_BATCH_ROLE_LON] = {"lon", "lng", "long", "longitude", "Kinh độ"},
    [DC_BATCH_ROLE_POSTCODE] = {"Mã bưu chính", "Mã bưu điện", "postcode", "postal_code",
                                "zip"},
};

/* The roles' words in messages; past the public roles, the address
 * column's (always given by name or number: never matched by the table). */
#define ROLE_ADDRESS DC_BATCH_NROLES
static const char *const role_words[DC_BATCH_NROLES + 1] = {
    "code", "latitude", "longitude", "postcode", "address"};

/* Where the values of a column must lie for it to be taken for a point's
 * when its name does not say: Vietnam, with a margin; the two ranges do
 * not overlap, so a latitude is never taken for a longitude. */
static const double value_range[DC_BATCH_NROLES][2] = {
    [DC_BATCH_ROLE_LAT] = {8, 24},
    [DC_BATCH_ROLE_LON] = {102, 110},
};

const char *dc_batch_column_name(dc_batch_role role, size_t i)
{
    if ((unsigned)role >= DC_BATCH_NROLES || i >= 8) return NULL;
    return known_names[role][i];
}

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
    char delim;
    long not_utf8;              /* the first byte that is not UTF-8, or -1 */
    char (*names)[NAME_SIZE];   /* normalised */
    char (*display)[NAME_SIZE]; /* as written (cut), for messages */
} header;

/* Where @p s stops being UTF-8, or -1. */
static long not_utf8_at(const char *s, size_t n)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            u[i] < 0x80 ? 1 : utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k < 1) return (long)i;
        i += (size_t)k;
    }
    return -1;
}

static dc_err read_header(const char *rec, size_t len, char delim, header *h)
{
    size_t pos = 0, start, end, cap = 16;
    h->n = 0;
    h->delim = delim;
    h->not_utf8 = not_utf8_at(rec, len);
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

/* True when column @p i's name is one of @p role's. */
static bool named(const header *h, size_t i, dc_batch_role role)
{
    char want[NAME_SIZE];
    for (size_t k = 0; known_names[role][k]; k++) {
        const char *name = known_names[role][k];
        normalise(name, strlen(name), want, sizeof want);
        if (strcmp(h->names[i], want) == 0) return true;
    }
    return false;
}

/* The one column named as @p role's names (or @p given) say: its index,
 * -1 when none, -2 - first when several (*second set). */
static int find(const header *h, dc_batch_role role, const char *given, int *second)
{
    char want[NAME_SIZE];
    int found = -1;
    if (given) normalise(given, strlen(given), want, sizeof want);
    for (size_t i = 0; i < h->n; i++) {
        if (!(given ? strcmp(h->names[i], want) == 0 : named(h, i, role))) continue;
        if (found >= 0) {
            *second = (int)i;
            return -2 - found;
        }
        found = (int)i;
    }
    return found;
}

/* True when @p v (not blank) is a value of @p role. */
static bool fits(dc_batch_role role, const char *v, size_t n)
{
    dc_code code;
    double deg;
    if (role == DC_BATCH_ROLE_CODE) return dc_code_parse(v, n, &code, NULL) == DC_OK;
    return dc_batch_parse_degrees(v, n, value_range[role][0], value_range[role][1], &deg);
}

/* Count, per column, the rows' values that are not blank and those that
 * fit @p role. */
static void count_fits(const header *h, const dc_batch_sample *rows, dc_batch_role role,
                       size_t *filled, size_t *hits, char *scratch)
{
    for (size_t r = 0; r < rows->n; r++) {
        size_t pos = 0, start, end, vlen;
        for (size_t i = 0; i < h->n && dc_csv_next_field(rows->rec[r], rows->len[r],
                                                         h->delim, &pos, &start, &end);
             i++) {
            const char *v =
                dc_csv_value(rows->rec[r] + start, end - start, scratch, &vlen);
            if (dc_batch_blank(v, vlen)) continue;
            filled[i]++;
            hits[i] += fits(role, v, vlen);
        }
    }
}

/* The column whose values (most of those not blank) are @p role's, as
 * find returns it; the one with most such values wins. */
static int by_values(const header *h, const dc_batch_sample *rows, dc_batch_role role,
                     int *second)
{
    size_t longest = 0;
    for (size_t r = 0; r < rows->n; r++)
        longest = rows->len[r] > longest ? rows->len[r] : longest;
    size_t *filled = calloc(2 * h->n + 1, sizeof *filled);
    char *scratch = malloc(longest + 1);
    int found = -1;
    if (!filled || !scratch) goto done;
    size_t *hits = filled + h->n, best = 0;
    count_fits(h, rows, role, filled, hits, scratch);
    for (size_t i = 0; i < h->n; i++) {
        if (hits[i] == 0 || 2 * hits[i] <= filled[i] || hits[i] < best) continue;
        if (hits[i] == best) {
            *second = (int)i, found = -2 - found;
            continue;
        }
        best = hits[i], found = (int)i;
    }
done:
    free(filled);
    free(scratch);
    return found;
}

/* The end of a message that finds no column: what the header holds, and
 * why its names may not read. */
static void no_column_hint(const header *h, char *out, size_t size)
{
    char seen[300];
    list_columns(h, seen, sizeof seen);
    int o = snprintf(out, size, "(columns: %s)", seen);
    for (size_t i = 0; i < h->n && o >= 0 && (size_t)o < size; i++)
        if (named(h, i, DC_BATCH_ROLE_POSTCODE)) {
            o += snprintf(out + o, size - (size_t)o,
                          "; column %zu \"%s\" is a postcode, not a code", i + 1,
                          h->display[i]);
            break;
        }
    if (h->not_utf8 >= 0 && o >= 0 && (size_t)o < size)
        snprintf(out + o, size - (size_t)o,
                 "; the header is not UTF-8 (byte %ld): give the file's encoding "
                 "with --encoding CP1258, TCVN3 or UTF-16",
                 h->not_utf8 + 1);
}

typedef struct wanted {
    dc_batch_role role;
    const char *name;
    unsigned number;
} wanted;

static dc_err by_number(const header *h, const wanted *w, int *out, dc_batch_report *rep)
{
    if (w->number > h->n)
        return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_NO_COLUMN, 1,
                             "no column %u: the header has %zu column%s", w->number, h->n,
                             h->n == 1 ? "" : "s");
    *out = (int)w->number - 1;
    return DC_OK;
}

static dc_err column(const header *h, const dc_batch_sample *rows, const wanted *w,
                     int *out, dc_batch_report *rep)
{
    char hint[480];
    const char *what = role_words[w->role];
    if (w->number) return by_number(h, w, out, rep);
    int second = -1, i = find(h, w->role, w->name, &second);
    if (i == -1 && !w->name) i = by_values(h, rows, w->role, &second);
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
    no_column_hint(h, hint, sizeof hint);
    if (w->name)
        return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_NO_COLUMN, 1,
                             "no column named \"%s\" in the header %s", w->name, hint);
    return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_NO_COLUMN, 1,
                         "no %s column in the header, nor values that are %ss %s", what,
                         what, hint);
}

/* Auto mode: forward when a code column is given or found (by name, then
 * by values), reverse when a point's is; DC_BATCH_AUTO when neither. */
static dc_batch_mode pick_mode(const header *h, const dc_batch_sample *rows,
                               const dc_batch_options *opt)
{
    int second;
    if (opt->code_column || opt->code_column_number) return DC_BATCH_FORWARD;
    if (opt->lat_column || opt->lon_column || opt->lat_column_number ||
        opt->lon_column_number)
        return DC_BATCH_REVERSE;
    if (find(h, DC_BATCH_ROLE_CODE, NULL, &second) != -1) return DC_BATCH_FORWARD;
    if (find(h, DC_BATCH_ROLE_LAT, NULL, &second) != -1 ||
        find(h, DC_BATCH_ROLE_LON, NULL, &second) != -1)
        return DC_BATCH_REVERSE;
    if (by_values(h, rows, DC_BATCH_ROLE_CODE, &second) != -1) return DC_BATCH_FORWARD;
    if (by_values(h, rows, DC_BATCH_ROLE_LAT, &second) != -1 &&
        by_values(h, rows, DC_BATCH_ROLE_LON, &second) != -1)
        return DC_BATCH_REVERSE;
    return DC_BATCH_AUTO;
}

/* Address mode: the address column as given; a code column as given, or
 * found by its name (never by values: an address column holds a code now
 * and then), or none. */
static dc_err address_columns(const header *h, const dc_batch_sample *rows,
                              const dc_batch_options *opt, dc_batch_report *rep)
{
    wanted address = {(dc_batch_role)ROLE_ADDRESS, opt->address_column,
                      opt->address_column_number};
    dc_err rc = column(h, rows, &address, &rep->address_field, rep);
    if (rc != DC_OK) return rc;
    if (opt->code_column || opt->code_column_number) {
        wanted code = {DC_BATCH_ROLE_CODE, opt->code_column, opt->code_column_number};
        return column(h, rows, &code, &rep->code_field, rep);
    }
    int second = -1, i = find(h, DC_BATCH_ROLE_CODE, NULL, &second);
    if (i <= -2) {
        char hint[480];
        no_column_hint(h, hint, sizeof hint);
        return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_AMBIGUOUS_COLUMN, 1,
                             "columns %d \"%s\" and %d \"%s\" could both be the code "
                             "column; name the one to use with --code-column",
                             -i - 1, h->display[-i - 2], second + 1, h->display[second]);
    }
    rep->code_field = i != rep->address_field ? i : -1;
    return DC_OK;
}

static dc_err choose(const header *h, const dc_batch_sample *rows,
                     const dc_batch_options *opt, dc_batch_report *rep)
{
    char hint[480];
    dc_batch_mode mode = opt->mode;
    if (mode == DC_BATCH_AUTO && (opt->address_column || opt->address_column_number))
        mode = DC_BATCH_ADDRESS;
    if (mode == DC_BATCH_ADDRESS) {
        rep->mode = mode;
        return address_columns(h, rows, opt, rep);
    }
    if (mode == DC_BATCH_AUTO && opt->convert) mode = DC_BATCH_FORWARD; /* codes only */
    if (mode == DC_BATCH_AUTO) mode = pick_mode(h, rows, opt);
    if (mode == DC_BATCH_AUTO) {
        no_column_hint(h, hint, sizeof hint);
        return dc_batch_fail(rep, DC_E_INVALID_ARG, DC_BATCH_NO_COLUMN, 1,
                             "no code column, nor lat and lon columns, in the header "
                             "or the values of the first rows %s",
                             hint);
    }
    rep->mode = mode;
    wanted code = {DC_BATCH_ROLE_CODE, opt->code_column, opt->code_column_number},
           lat = {DC_BATCH_ROLE_LAT, opt->lat_column, opt->lat_column_number},
           lon = {DC_BATCH_ROLE_LON, opt->lon_column, opt->lon_column_number};
    if (mode == DC_BATCH_FORWARD) return column(h, rows, &code, &rep->code_field, rep);
    dc_err rc = column(h, rows, &lat, &rep->lat_field, rep);
    if (rc == DC_OK) rc = column(h, rows, &lon, &rep->lon_field, rep);
    return rc;
}

/* The appended names, as DC_BATCH_*_COLUMNS lists them, after @p delim. */
static dc_err append_names(const header *h, dc_batch_mode mode, bool convert, char delim,
                           dc_buf *out)
{
    const char *names = convert && mode == DC_BATCH_ADDRESS
                            ? DC_BATCH_CONVERT_ADDRESS_COLUMNS
                        : convert                  ? DC_BATCH_CONVERT_COLUMNS
                        : mode == DC_BATCH_FORWARD ? DC_BATCH_FORWARD_COLUMNS
                        : mode == DC_BATCH_ADDRESS ? DC_BATCH_ADDRESS_COLUMNS
                                                   : DC_BATCH_REVERSE_COLUMNS;
    char name[NAME_SIZE], folded[NAME_SIZE];
    for (const char *c = names; *c;) {
        size_t n = strcspn(c, ","), prefixes = 0;
        snprintf(name, sizeof name, "%.*s", (int)n, c);
        for (bool taken = true; taken && prefixes < 8; prefixes += taken) {
            char full[NAME_SIZE + 64];
            snprintf(full, sizeof full, "%.*s%s", (int)prefixes * 7,
                     "diachi_diachi_diachi_diachi_diachi_diachi_diachi_diachi_", name);
            normalise(full, strlen(full), folded, sizeof folded);
            taken = false;
            for (size_t i = 0; i < h->n && !taken; i++)
                taken = strcmp(h->names[i], folded) == 0;
        }
        if (!dc_buf_reserve(out, 1 + 7 * prefixes + n)) return DC_E_NOMEM;
        out->p[out->len++] = delim;
        for (size_t k = 0; k < prefixes; k++)
            dc_buf_put(out, "diachi_", 7);
        dc_buf_put(out, c, n);
        c += n + (c[n] == ',');
    }
    return DC_OK;
}

dc_err dc_batch_appended_names(const char *rec, size_t len, char delim,
                               dc_batch_mode mode, bool convert, dc_buf *out)
{
    header h = {0};
    dc_err rc = read_header(rec, len, delim, &h);
    if (rc == DC_OK) rc = append_names(&h, mode, convert, delim, out);
    free(h.names);
    free(h.display);
    return rc;
}

dc_err dc_batch_find_columns(const char *rec, size_t len, char delim,
                             const dc_batch_sample *rows, const dc_batch_options *opt,
                             dc_batch_report *rep)
{
    header h = {0};
    dc_err rc = read_header(rec, len, delim, &h);
    if (rc == DC_OK)
        rc = choose(&h, rows, opt, rep);
    else
        dc_batch_fail(rep, rc, DC_BATCH_OUT_OF_MEMORY, 1,
                      "out of memory reading the header");
    free(h.names);
    free(h.display);
    return rc;
}
