/*
 * test_encoding.c - decoding UTF-8, CP1258, TCVN3, CP1252 and Latin-1
 * attribute bytes to UTF-8 NFC (index/include/diachi/encoding.h).
 *
 * The expected bytes come from outside the decoder: glibc's iconv (run at
 * test time for every Vietnamese letter and every byte) and hand-written
 * pairs read off the standards' code charts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "diachi/encoding.h"

/* Decode with a fresh decoder; the result is malloc()ed. */
static char *decode(dc_encoding enc, const char *bytes, size_t len, size_t *replaced)
{
    dc_decoder dec;
    dc_text text = {0};
    size_t at = 99;
    dc_decoder_init(&dec, enc);
    assert_int_equal(dc_decode(&dec, bytes, len, &text, &at), DC_OK);
    assert_int_equal(at, 0);
    assert_int_equal(strlen(text.data) + 1, text.len);
    if (replaced) *replaced = dec.replaced;
    dc_decoder_free(&dec);
    return text.data;
}

static void assert_decodes(dc_encoding enc, const char *bytes, const char *expect)
{
    char *got = decode(enc, bytes, strlen(bytes), NULL);
    assert_string_equal(got, expect);
    free(got);
}

/* ---- names ------------------------------------------------------------ */

static void test_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int ok;
        dc_encoding enc;
    } cases[] = {
        {"UTF-8", 1, DC_ENC_UTF8},
        {"utf8", 1, DC_ENC_UTF8},
        {"UTF-8\r\n", 1, DC_ENC_UTF8},
        {" cp1258 ", 1, DC_ENC_CP1258},
        {"1258", 1, DC_ENC_CP1258},
        {"Windows-1258", 1, DC_ENC_CP1258},
        {"ANSI 1258", 1, DC_ENC_CP1258},
        {"TCVN3", 1, DC_ENC_TCVN3},
        {"tcvn", 1, DC_ENC_TCVN3},
        {"TCVN5712", 1, DC_ENC_TCVN3},
        {"TCVN-5712", 1, DC_ENC_TCVN3},
        {"tcvn5712-1", 1, DC_ENC_TCVN3},
        {"TCVN5712-1:1993", 1, DC_ENC_TCVN3},
        {"VN3", 1, DC_ENC_TCVN3},
        {"1252", 1, DC_ENC_CP1252},
        {"ISO-8859-1", 1, DC_ENC_LATIN1},
        {"8859-1", 1, DC_ENC_LATIN1},
        {"LDID/87", 1, DC_ENC_LATIN1},
        {"ldid/3", 1, DC_ENC_CP1252},
        {"LDID/0", 0, DC_ENC_UTF8},
        {"LDID/", 0, DC_ENC_UTF8},
        {"VISCII", 0, DC_ENC_UTF8},
        {"", 0, DC_ENC_UTF8},
        {"UTF-16", 0, DC_ENC_UTF8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_encoding enc = (dc_encoding)-1;
        bool ok = dc_encoding_from_name(cases[i].name, &enc);
        if (ok != (bool)cases[i].ok) fail_msg("name '%s'", cases[i].name);
        if (ok)
            assert_int_equal(enc, cases[i].enc);
        else
            assert_int_equal(enc, (dc_encoding)-1); /* untouched on failure */
    }
    assert_false(dc_encoding_from_name(NULL, &(dc_encoding){0}));
    assert_string_equal(dc_encoding_name(DC_ENC_TCVN3), "TCVN3");
    assert_string_equal(dc_encoding_name(DC_ENC_CP1258), "CP1258");
}

/* ---- the 134 Vietnamese letters ---------------------------------------- */

/* Vowels in both cases, the five tone marks (grave, hook, tilde, acute,
 * dot below) and no tone: 12 x 6 x 2 = 144 letters, of which 12 are plain
 * ASCII; with đ and Đ that leaves the 134 that need a code page. */
static const char *const vowels[] = {"a", "ă", "â", "e", "ê", "i", "o", "ô",
                                     "ơ", "u", "ư", "y", "A", "Ă", "Â", "E",
                                     "Ê", "I", "O", "Ô", "Ơ", "U", "Ư", "Y"};
static const char *const tones[] = {"",         "\xCC\x80", "\xCC\x89",
                                    "\xCC\x83", "\xCC\x81", "\xCC\xA3"};

/* The non-ASCII letters, NFC, each malloc()ed; returns how many. */
static size_t letters(char **out)
{
    size_t n = 0;
    for (size_t v = 0; v < 24; v++) {
        for (size_t t = 0; t < 6; t++) {
            char buf[16];
            snprintf(buf, sizeof buf, "%s%s", vowels[v], tones[t]);
            char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)buf);
            assert_non_null(nfc);
            if ((unsigned char)nfc[0] < 0x80) {
                free(nfc);
                continue;
            }
            out[n++] = nfc;
        }
    }
    out[n++] = strdup("đ");
    out[n++] = strdup("Đ");
    return n;
}

/* Run iconv from UTF-8 to @p charset on lines; returns its output lines. */
static size_t iconv_lines(const char *from, const char *to, char *const *lines, size_t n,
                          const size_t *lens, char **out, size_t *out_lens)
{
    char in_path[] = "/tmp/dc_test_enc_XXXXXX";
    int fd = mkstemp(in_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    for (size_t i = 0; i < n; i++) {
        fwrite(lines[i], 1, lens ? lens[i] : strlen(lines[i]), f);
        fputc('\n', f);
    }
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "iconv -c -f %s -t %s %s 2>/dev/null", from, to, in_path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t k = 0;
    char buf[64];
    while (k < n && fgets(buf, sizeof buf, p)) {
        size_t len = strcspn(buf, "\n");
        out[k] = malloc(len + 1);
        memcpy(out[k], buf, len);
        out[k][len] = '\0';
        if (out_lens) out_lens[k] = len;
        k++;
    }
    int status = pclose(p);
    unlink(in_path);
    return status == 0 ? k : 0;
}

static void roundtrip_letters(dc_encoding enc, const char *charset)
{
    char *expect[160], *bytes[160];
    size_t n = letters(expect);
    assert_int_equal(n, 134);
    size_t got = iconv_lines("UTF-8", charset, expect, n, NULL, bytes, NULL);
    if (got != n) {
        for (size_t i = 0; i < n; i++)
            free(expect[i]);
        skip(); /* this system's iconv lacks the charset */
    }
    for (size_t i = 0; i < n; i++) {
        char *text = decode(enc, bytes[i], strlen(bytes[i]), NULL);
        if (strcmp(text, expect[i]) != 0)
            fail_msg("%s: letter %zu '%s' decoded as '%s'", charset, i, expect[i], text);
        free(text);
        free(bytes[i]);
        free(expect[i]);
    }
}

static void test_cp1258_letters(void **state)
{
    (void)state;
    roundtrip_letters(DC_ENC_CP1258, "CP1258");
}

static void test_tcvn3_letters(void **state)
{
    (void)state;
    /* glibc's TCVN5712-1 is VN1, the superset our TCVN3 table reads. */
    roundtrip_letters(DC_ENC_TCVN3, "TCVN5712-1");
}

/* Every single byte against iconv's decoding of it. A byte iconv rejects
 * (a hole in the code page) must come out as U+FFFD. */
static void every_byte(dc_encoding enc, const char *charset)
{
    char *bytes[256], *expect[256];
    size_t lens[256], n = 0;
    unsigned char values[256];
    for (int b = 1; b < 256; b++) {
        if (b == '\n') continue;
        values[n] = (unsigned char)b;
        bytes[n] = (char *)&values[n];
        lens[n++] = 1;
    }
    size_t got = iconv_lines(charset, "UTF-8", bytes, n, lens, expect, NULL);
    if (got != n) skip();
    for (size_t i = 0; i < n; i++) {
        size_t replaced;
        char *text = decode(enc, bytes[i], 1, &replaced);
        const char *want = expect[i][0] ? expect[i] : "\xEF\xBF\xBD";
        if (strcmp(text, want) != 0)
            fail_msg("%s byte 0x%02X: got '%s', iconv says '%s'", charset, values[i],
                     text, want);
        assert_int_equal(replaced, expect[i][0] ? 0 : 1);
        free(text);
        free(expect[i]);
    }
}

static void test_cp1258_bytes(void **state)
{
    (void)state;
    every_byte(DC_ENC_CP1258, "CP1258");
}

static void test_tcvn3_bytes(void **state)
{
    (void)state;
    every_byte(DC_ENC_TCVN3, "TCVN5712-1");
}

static void test_cp1252_bytes(void **state)
{
    (void)state;
    every_byte(DC_ENC_CP1252, "CP1252");
    every_byte(DC_ENC_LATIN1, "ISO-8859-1");
}

/* TCVN 5712:1993 VN3 positions read off the standard's chart, so the
 * table is checked by something other than glibc. */
static void test_tcvn3_chart(void **state)
{
    (void)state;
    static const struct {
        unsigned char byte;
        const char *text;
    } chart[] = {
        {0xA1, "Ă"}, {0xA2, "Â"}, {0xA7, "Đ"}, {0xA8, "ă"}, {0xA9, "â"}, {0xAA, "ê"},
        {0xAB, "ô"}, {0xAC, "ơ"}, {0xAD, "ư"}, {0xAE, "đ"}, {0xB5, "à"}, {0xB6, "ả"},
        {0xB7, "ã"}, {0xB8, "á"}, {0xB9, "ạ"}, {0xCA, "ấ"}, {0xD6, "ệ"}, {0xEA, "ờ"},
        {0xF1, "ủ"}, {0xFD, "ý"}, {0xFE, "ỵ"},
    };
    for (size_t i = 0; i < sizeof chart / sizeof chart[0]; i++) {
        char in[2] = {(char)chart[i].byte, 0};
        assert_decodes(DC_ENC_TCVN3, in, chart[i].text);
    }
}

/* ---- real names -------------------------------------------------------- */

static void test_place_names(void **state)
{
    (void)state;
    static const struct {
        const char *text, *tcvn3, *cp1258;
    } names[] = {
        {"Mường Thanh", "M\xAD\xEAng Thanh", "M\xFD\xF5\xCCng Thanh"},
        {"Nà Tấu", "N\xB5 T\xCAu", "N\xE0 T\xE2\xECu"},
        {"Thanh Trường", "Thanh Tr\xAD\xEAng", "Thanh Tr\xFD\xF5\xCCng"},
        {"Điện Biên Phủ", "\xA7i\xD6n Bi\xAAn Ph\xF1", "\xD0i\xEA\xF2n Bi\xEAn Phu\xD2"},
        {"Tân Thanh", "T\xA9n Thanh", "T\xE2n Thanh"},
        {"Him Lam", "Him Lam", "Him Lam"},
        {"xã", "x\xB7", "xa\xDE"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_decodes(DC_ENC_TCVN3, names[i].tcvn3, names[i].text);
        assert_decodes(DC_ENC_CP1258, names[i].cp1258, names[i].text);
        assert_decodes(DC_ENC_UTF8, names[i].text, names[i].text);
    }
}

/* ---- UTF-8 ------------------------------------------------------------- */

static void test_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        size_t replaced;
    } cases[] = {
        {"", "", 0},
        {"32101", "32101", 0},
        /* decomposed (as macOS and some editors write it) -> NFC */
        {"Đi\xC3\xAA\xCC\xA3n", "Điện", 0},
        {"Die\xCC\xA3\xCC\x82n", "Diện", 0},           /* marks in canonical order */
        {"Die\xCC\x82\xCC\xA3n", "Diện", 0},           /* ... and reversed */
        {"Ph\xC6\xB0\xC6\xA1\xCC\x80ng", "Phường", 0}, /* ư + ơ + grave */
        {"a\xFF"
         "b",
         "a\xEF\xBF\xBD"
         "b",
         1},                                                         /* not UTF-8 */
        {"\xC3", "\xEF\xBF\xBD", 1},                                 /* truncated */
        {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD", 2},                 /* overlong '/' */
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3}, /* surrogate */
        {"\xF0\x9F\x8F\xA0", "\xF0\x9F\x8F\xA0", 0},                 /* U+1F3E0 */
        {"\xE2\x84\xAB", "\xC3\x85", 0}, /* U+212B ANGSTROM -> Å */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t replaced;
        char *got = decode(DC_ENC_UTF8, cases[i].in, strlen(cases[i].in), &replaced);
        if (strcmp(got, cases[i].out) != 0) fail_msg("case %zu: '%s'", i, got);
        assert_int_equal(replaced, cases[i].replaced);
        free(got);
    }
}

/* Many strings into one buffer: offsets stay right as it grows. */
static void test_append_offsets(void **state)
{
    (void)state;
    dc_decoder dec;
    dc_text text = {0};
    dc_decoder_init(&dec, DC_ENC_TCVN3);
    size_t at[1000];
    for (size_t i = 0; i < 1000; i++) {
        const char *in = i % 2 ? "M\xAD\xEAng Thanh" : "Him Lam";
        assert_int_equal(dc_decode(&dec, in, strlen(in), &text, &at[i]), DC_OK);
    }
    for (size_t i = 0; i < 1000; i++)
        assert_string_equal(text.data + at[i], i % 2 ? "Mường Thanh" : "Him Lam");
    assert_int_equal(dec.replaced, 0);
    dc_text_free(&text);
    dc_decoder_free(&dec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),         cmocka_unit_test(test_cp1258_letters),
        cmocka_unit_test(test_tcvn3_letters), cmocka_unit_test(test_cp1258_bytes),
        cmocka_unit_test(test_tcvn3_bytes),   cmocka_unit_test(test_cp1252_bytes),
        cmocka_unit_test(test_tcvn3_chart),   cmocka_unit_test(test_place_names),
        cmocka_unit_test(test_utf8),          cmocka_unit_test(test_append_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
