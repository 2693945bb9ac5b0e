/*
 * test_batch_address - dc_batch_run with an address column, on the sample
 * index:
 *
 *   test_batch_address forms INDEX [STRIDE]
 *       every STRIDE-th household's address in three written forms (full
 *       with tones, without tones, abbreviated: search_forms.h, the query
 *       set of the search's own accuracy test), one row each, in a CSV as
 *       a spreadsheet writes it; the appended code must be the household's
 *       own (for a household without a house number: its street or group
 *       in its zone) for at least 99.5% of each form's rows (issue 18's
 *       floor). The same file in UTF-16LE with a byte-order mark, and with
 *       1 thread and other block sizes, gives the same rows.
 *   test_batch_address odd INDEX
 *       rows whose address is empty, 10 kB long, not UTF-8, holds a control
 *       character, only punctuation or words no place has, and rows with a
 *       code beside the address: each row's status, match and error, as
 *       written here from the text rules (diachi/text.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/batch.h"
#include "search_forms.h"

static dc_geo *geo;
static dc_geo_session *session;
static unsigned stride = 1;

#define NFORMS 3
static const search_form forms[NFORMS] = {FORM_FULL, FORM_FOLDED, FORM_ABBREV};

/* What a row should give: its household's code, or (no house number) the
 * street or group of its zone. */
typedef struct expected {
    char display[DC_CODE_DISPLAY_SIZE];
    uint32_t postcode;
    int form;
    bool numbered;
} expected;

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* A field in quotes, its quotes doubled, as a spreadsheet writes one that
 * holds the delimiter. */
static void put_quoted(text *t, const char *s)
{
    put(t, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            put(t, "\"\"", 2);
        else
            put(t, s, 1);
    }
    put(t, "\"", 1);
}

/* Run a batch of @p csv; the output, NUL-terminated. */
static char *run(const char *csv, size_t len, const dc_batch_options *given,
                 dc_batch_report *rep)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *in = fmemopen((void *)csv, len, "r"), *o = open_memstream(&out, &outlen);
    dc_err rc = dc_batch_run(geo, in, o, given, rep);
    if (rc != DC_OK)
        print_error("%s: %s\n", dc_batch_problem_name(rep->problem), rep->message);
    assert_int_equal(rc, DC_OK);
    fclose(in);
    fclose(o);
    return out;
}

/* The fields of a CSV line (comma-separated, quotes undone), in place;
 * their count. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *o = line, *p = line;
    while (n < max) {
        fields[n++] = o;
        if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"') {
                    *o++ = '"', p++;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *o++ = *p;
                }
            }
        } else {
            while (*p && *p != ',')
                *o++ = *p++;
        }
        if (*p != ',') break;
        p++;
        *o++ = '\0';
    }
    *o = '\0';
    return n;
}

/* The next line of @p *at, NUL-terminated in place. */
static char *next_line(char **at)
{
    char *line = *at, *end = strchr(line, '\n');
    assert_non_null(end);
    *end = '\0';
    if (end > line && end[-1] == '\r') end[-1] = '\0';
    *at = end + 1;
    return line;
}

/* ---- forms ---------------------------------------------------------------- */

static char *forms_input(expected **want, size_t *nrows, size_t *len)
{
    dc_index_txn *txn = dc_geo_session_txn(session);
    uint32_t n = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    text t = {0};
    char q[2048], stt[32];
    *want = calloc((size_t)NFORMS * n, sizeof **want);
    *nrows = 0;
    puts_(&t, "STT,Họ và tên,Địa chỉ,Ghi chú\r\n");
    for (uint32_t i = 0; i < n; i += stride) {
        dc_household h;
        dc_zone z;
        assert_int_equal(dc_index_household(txn, i, &h), DC_OK);
        assert_int_equal(dc_geo_zone(session, h.postcode, &z), DC_OK);
        for (int f = 0; f < NFORMS; f++) {
            if (!search_form_make(forms[f], &h, &z, i, q, sizeof q)) continue;
            expected *e = &(*want)[*nrows];
            dc_code_format(&h.code, DC_CODE_DISPLAY, e->display, sizeof e->display);
            e->postcode = h.postcode, e->form = f, e->numbered = h.house_number.len > 0;
            snprintf(stt, sizeof stt, "%zu,Hộ %u,", ++*nrows, i);
            puts_(&t, stt);
            put_quoted(&t, q);
            puts_(&t, ",\r\n");
        }
    }
    *len = t.len;
    return t.p;
}

/* UTF-8 to UTF-16LE with a byte-order mark, as Excel's "Unicode text". */
static char *utf16le(const char *s, size_t n, size_t *out_len)
{
    unsigned char *o = malloc(2 * n + 4), *p = o;
    const unsigned char *u = (const unsigned char *)s;
    assert_non_null(o);
    *p++ = 0xFF, *p++ = 0xFE;
    for (size_t i = 0; i < n;) {
        uint32_t c = u[i];
        int k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        c = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
        for (int j = 1; j < k; j++)
            c = c << 6 | (u[i + j] & 0x3F);
        i += (size_t)k;
        if (c >= 0x10000) {
            c -= 0x10000;
            uint32_t hi = 0xD800 | c >> 10, lo = 0xDC00 | (c & 0x3FF);
            *p++ = (unsigned char)hi, *p++ = (unsigned char)(hi >> 8);
            *p++ = (unsigned char)lo, *p++ = (unsigned char)(lo >> 8);
        } else {
            *p++ = (unsigned char)c, *p++ = (unsigned char)(c >> 8);
        }
    }
    *out_len = (size_t)(p - o);
    return (char *)o;
}

/* Whether output row @p f (its fields) gives what @p e expects. */
static bool row_right(char **f, const expected *e)
{
    if (strcmp(f[4], "ok") != 0) return false;
    if (e->numbered)
        return strcmp(f[5], e->display) == 0 && strcmp(f[12], "household") == 0;
    return (strcmp(f[12], "street") == 0 || strcmp(f[12], "group") == 0) &&
           (uint32_t)atol(f[9]) == e->postcode;
}

static void test_forms(void **state)
{
    (void)state;
    expected *want;
    size_t nrows, len;
    char *csv = forms_input(&want, &nrows, &len);
    dc_batch_options opt;
    dc_batch_options_init(&opt);
    opt.threads = 2;
    opt.block_records = 700;
    opt.address_column = "dia chi"; /* as a clerk types it: no tones, any case */
    dc_batch_report rep;
    char *out = run(csv, len, &opt, &rep), *at = out, *f[24];
    char *whole = strdup(out); /* out is cut up as it is read */
    assert_int_equal(rep.mode, DC_BATCH_ADDRESS);
    assert_int_equal(rep.address_field, 2);
    assert_int_equal(rep.code_field, -1);
    assert_int_equal(rep.stats.rows, nrows);
    assert_string_equal(next_line(&at),
                        "STT,Họ và tên,Địa chỉ,Ghi chú,status,code,plus_code,lat,lon,"
                        "postcode,zone_name,address,match,score,error");
    unsigned total[NFORMS] = {0}, good[NFORMS] = {0}, shown = 0;
    for (size_t r = 0; r < nrows; r++) {
        char *line = next_line(&at);
        int nf = split_csv(line, f, 24);
        if (nf != 15) print_error("row %zu: %d fields\n", r + 1, nf);
        assert_int_equal(nf, 15);
        assert_int_equal((size_t)atol(f[0]), r + 1);
        const expected *e = &want[r];
        total[e->form]++;
        if (row_right(f, e)) {
            good[e->form]++;
            /* a household's row: its code, 7-decimal point, score in 0..1 */
            assert_true(atof(f[13]) > 0 && atof(f[13]) <= 1);
            assert_true(f[7][0] && f[8][0] && f[10][0] && f[11][0]);
        } else if (shown++ < 8) {
            printf("  wrong: %s -> %s %s %s %s\n", f[2], f[4], f[12], f[5], f[11]);
        }
    }
    assert_int_equal(*at, '\0');
    for (int k = 0; k < NFORMS; k++) {
        double share = total[k] ? 100.0 * good[k] / total[k] : 0;
        printf("batch address, %s: %u of %u rows with the household's own code "
               "(%.2f%%)\n",
               search_form_name(forms[k]), good[k], total[k], share);
        assert_true(total[k] > 0);
        if (!(share >= 99.5)) print_error("%.2f%% < 99.5%%\n", share);
        assert_true(share >= 99.5);
    }
    /* Excel's "Unicode text" and other thread and block counts: the same */
    size_t wide_len;
    char *wide = utf16le(csv, len, &wide_len);
    dc_batch_report again;
    char *other = run(wide, wide_len, &opt, &again);
    assert_memory_equal(other, "\xEF\xBB\xBF", 3);
    if (strcmp(other + 3, whole) != 0) print_error("UTF-16LE input: another output\n");
    assert_string_equal(other + 3, whole);
    free(other);
    free(wide);
    const size_t runs[][2] = {{1, 0}, {2, 1}};
    for (size_t k = 0; k < 2; k++) {
        opt.threads = (unsigned)runs[k][0], opt.block_records = runs[k][1];
        other = run(csv, len, &opt, &again);
        if (strcmp(other, whole) != 0)
            print_error("%zu thread(s), blocks of %zu: another output\n", runs[k][0],
                        runs[k][1]);
        assert_string_equal(other, whole);
        free(other);
    }
    free(whole);
    free(out);
    free(csv);
    free(want);
}

/* ---- odd rows -------------------------------------------------------------- */

/* A household with a house number, its code and its full address. */
static void a_household(uint32_t from, char *code, size_t code_size, char *address,
                        size_t size)
{
    dc_index_txn *txn = dc_geo_session_txn(session);
    for (uint32_t i = from;; i++) {
        dc_household h;
        dc_zone z;
        assert_int_equal(dc_index_household(txn, i, &h), DC_OK);
        assert_int_equal(dc_geo_zone(session, h.postcode, &z), DC_OK);
        if (!h.house_number.len) continue;
        dc_code_format(&h.code, DC_CODE_DISPLAY, code, code_size);
        assert_true(search_form_make(FORM_FULL, &h, &z, i, address, size));
        return;
    }
}

static void test_odd(void **state)
{
    (void)state;
    char code_a[DC_CODE_DISPLAY_SIZE], code_b[DC_CODE_DISPLAY_SIZE];
    char address_a[1024], address_b[1024];
    a_household(100, code_a, sizeof code_a, address_a, sizeof address_a);
    a_household(5000, code_b, sizeof code_b, address_b, sizeof address_b);
    char *long_address = malloc(10241);
    memset(long_address, 'a', 10240);
    for (size_t i = 7; i < 10240; i += 8)
        long_address[i] = ' ';
    long_address[10240] = '\0';
    text t = {0};
    puts_(&t, "id,ma dia chi,address\n");
    puts_(&t, "1,,\n");    /* nothing */
    puts_(&t, "2,,   \n"); /* blanks */
    puts_(&t, "3,,");      /* 10 kB */
    puts_(&t, long_address);
    puts_(&t, "\n4,,S\xC3\x28 Him Lam\n"); /* not UTF-8 */
    puts_(&t, "5,,\"Bản Him\x1b Lam\"\n"); /* a control character */
    puts_(&t, "6,,\"---, ...\"\n");        /* no word */
    puts_(&t, "7,,qqxqz zzkqv\n");         /* words no place has */
    puts_(&t, "8,");                       /* a code and another's address */
    puts_(&t, code_a);
    puts_(&t, ",");
    put_quoted(&t, address_b);
    puts_(&t, "\n9,3210X 00000,"); /* a bad code, a good address */
    put_quoted(&t, address_b);
    puts_(&t, "\n10,3210X 00000,\n"); /* a bad code, no address */
    puts_(&t, "11,");                 /* a code, no address */
    puts_(&t, code_b);
    puts_(&t, ",\n");
    dc_batch_options opt;
    dc_batch_options_init(&opt);
    opt.address_column_number = 3;
    dc_batch_report rep;
    char *out = run(t.p, t.len, &opt, &rep), *at = out, *f[24];
    assert_int_equal(rep.code_field, 1); /* found by its name */
    assert_int_equal(rep.address_field, 2);
    next_line(&at);
    static const struct {
        const char *status, *match, *error;
        int code; /* 0 none, 1 code_a, 2 code_b */
    } rows[] = {
        {"empty", "", "", 0},
        {"empty", "", "", 0},
        {"bad_address", "none",
         "text_length: text is 10240 bytes, over the limit of 1024", 0},
        {"bad_address", "none", "text_utf8: invalid UTF-8 at byte 1 (0xC3)", 0},
        {"bad_address", "none", "text_control: control character U+001B at byte 9", 0},
        {"bad_address", "none", "text_empty: the query has no words", 0},
        {"not_found", "none", "", 0},
        {"ok", "code", "", 1},
        {"ok", "household", "", 2},
        {"malformed", "", "", 0},
        {"ok", "code", "", 2},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        char *line = next_line(&at);
        int nf = split_csv(line, f, 24);
        if (nf != 14) print_error("row %zu: %d fields\n", r + 1, nf);
        assert_int_equal(nf, 14);
        const char *want_code = rows[r].code == 1   ? code_a
                                : rows[r].code == 2 ? code_b
                                                    : "";
        if (strcmp(f[3], rows[r].status) || strcmp(f[11], rows[r].match) ||
            strcmp(f[13], rows[r].error) || strcmp(f[4], want_code))
            print_error("row %zu: %s %s %s [%s]\n", r + 1, f[3], f[4], f[11], f[13]);
        assert_string_equal(f[3], rows[r].status);
        assert_string_equal(f[11], rows[r].match);
        assert_string_equal(f[13], rows[r].error);
        assert_string_equal(f[4], want_code);
    }
    assert_int_equal(*at, '\0');
    assert_int_equal(rep.stats.by_status[DC_BATCH_BAD_ADDRESS], 4);
    assert_int_equal(rep.stats.by_status[DC_BATCH_NOT_FOUND], 1);
    assert_int_equal(rep.stats.by_status[DC_BATCH_EMPTY], 2);
    assert_int_equal(rep.stats.by_status[DC_BATCH_OK], 3);
    /* An address column that is not there stops the run before any row. */
    opt.address_column_number = 0, opt.address_column = "Địa chỉ nhà";
    char *none = NULL;
    size_t none_len = 0;
    FILE *in = fmemopen(t.p, t.len, "r"), *o = open_memstream(&none, &none_len);
    assert_int_equal(dc_batch_run(geo, in, o, &opt, &rep), DC_E_INVALID_ARG);
    assert_int_equal(rep.problem, DC_BATCH_NO_COLUMN);
    fclose(in);
    fclose(o);
    free(none);
    free(out);
    free(t.p);
    free(long_address);
}

int main(int argc, char **argv)
{
    dc_error err;
    if (argc < 3 || dc_geo_open(argv[2], &geo, &err) != DC_OK) {
        fprintf(stderr, "usage: test_batch_address forms|odd INDEX [STRIDE]\n");
        return 2;
    }
    if (argc > 3) stride = (unsigned)atoi(argv[3]);
    if (stride < 1) stride = 1;
    dc_geo_session_begin(geo, &session);
    const struct CMUnitTest forms_test[] = {cmocka_unit_test(test_forms)},
                            odd_test[] = {cmocka_unit_test(test_odd)};
    int rc = strcmp(argv[1], "forms") == 0
                 ? cmocka_run_group_tests(forms_test, NULL, NULL)
             : strcmp(argv[1], "odd") == 0 ? cmocka_run_group_tests(odd_test, NULL, NULL)
                                           : 2;
    dc_geo_session_end(session);
    dc_geo_close(geo);
    return rc;
}
