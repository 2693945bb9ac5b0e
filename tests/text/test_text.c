/*
 * test_text.c - dc_text_tokenize and the address vocabulary, as tables of
 * inputs and the exact tokens (or vocabulary word, or error) they give.
 *
 * Tokens are written as the test renders them: each token's exact form,
 * then "~" and its folded form when they differ; "^" before a token that
 * follows a '.' with no space (DC_TOKEN_JOINED), "." after one a dot
 * follows (DC_TOKEN_DOT), "," after one a comma follows (DC_TOKEN_COMMA).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "diachi/text.h"

#define DC_BYTES(s) (s), (sizeof(s) - 1)

typedef struct token_case {
    const char *text;
    size_t len;
    const char *want;
} token_case;

static const token_case token_cases[] = {
    /* NFC, case, đ. */
    {DC_BYTES("Phường Mường Thanh"), "phường~phuong mường~muong thanh"},
    {DC_BYTES("Mu\u031Bo\u031B\u0300ng Thanh"), "mường~muong thanh"}, /* NFD */
    {DC_BYTES("Mu\u031Bo\u0300\u031Bng"), "mường~muong"}, /* marks out of order */
    {DC_BYTES("ĐIỆN BIÊN PHỦ"), "điện~dien biên~bien phủ~phu"},
    {DC_BYTES("Đường Võ Nguyên Giáp"), "đường~duong võ~vo nguyên~nguyen giáp~giap"},
    {DC_BYTES("đ Đ"), "đ~d đ~d"},
    {DC_BYTES("ÐIỆN BIÊN"), "điện~dien biên~bien"}, /* U+00D0, eth */
    {DC_BYTES("QUẬN 1"), "quận~quan 1"},
    {DC_BYTES("Ấp Bình Hoà"), "ấp~ap bình~binh hòa~hoa"},
    {DC_BYTES("Straße"), "strasse"}, /* case folding, not lower-casing */
    {DC_BYTES("İ"), "i\u0307~i"},
    {DC_BYTES("北京"), "北京"},
    {DC_BYTES("\u0301a"), "a"}, /* a mark with nothing to sit on */
    /* Tone placement in open "oa", "oe", "uy". */
    {DC_BYTES("Thanh Hoá"), "thanh hóa~hoa"},
    {DC_BYTES("Thanh Hóa"), "thanh hóa~hoa"},
    {DC_BYTES("Thuỷ Khuê"), "thủy~thuy khuê~khue"},
    {DC_BYTES("khoẻ quý Quỳnh"), "khỏe~khoe quý~quy quỳnh~quynh"},
    {DC_BYTES("hoàng toạ"), "hoàng~hoang tọa~toa"},
    {DC_BYTES("Uỷ ban"), "ủy~uy ban"},
    /* White space of every kind, invisible characters. */
    {DC_BYTES("Điện\u00A0Biên\u202FPhủ\u3000Tỉnh"),
     "điện~dien biên~bien phủ~phu tỉnh~tinh"},
    {DC_BYTES("Phường\tMường\r\nThanh"), "phường~phuong mường~muong thanh"},
    {DC_BYTES("   Lê   Lợi  "), "lê~le lợi~loi"},
    {DC_BYTES("Bi\u00ADên"), "biên~bien"},             /* soft hyphen */
    {DC_BYTES("Điện\u200BBiên"), "điệnbiên~dienbien"}, /* zero-width space */
    {DC_BYTES("\uFEFFPhường"), "phường~phuong"},       /* BOM */
    /* Full-width forms. */
    {DC_BYTES("số １２"), "số~so 12"},
    {DC_BYTES("ＴＰ．ＨＣＭ"), "tp. ^hcm"},
    {DC_BYTES("ｐ５"), "p ^5"},
    {DC_BYTES("927C＋J93"), "927c+j93"},
    /* Dashes: inside a number between digits, else separators. */
    {DC_BYTES("Bà Rịa – Vũng Tàu"), "bà~ba rịa~ria vũng~vung tàu~tau"},
    {DC_BYTES("Bà Rịa-Vũng Tàu"), "bà~ba rịa~ria vũng~vung tàu~tau"},
    {DC_BYTES("Mường Thanh-TP"), "mường~muong thanh tp"},
    {DC_BYTES("12-14"), "12-14"},
    {DC_BYTES("12—14"), "12-14"},
    {DC_BYTES("12−14"), "12-14"},
    /* Slashes: inside a house number before a digit. */
    {DC_BYTES("12/3/5 Lê Lợi"), "12/3/5 lê~le lợi~loi"},
    {DC_BYTES("Ngõ 3/5"), "ngõ~ngo 3/5"},
    {DC_BYTES("Nguyễn Trãi/Lê Lợi"), "nguyễn~nguyen trãi~trai lê~le lợi~loi"},
    {DC_BYTES("K12/3"), "k12/3"},
    {DC_BYTES("12A/3B"), "12a/3b"},
    {DC_BYTES("12/ /12"), "12 12"},
    {DC_BYTES("12⁄3 12／3"), "12/3 12/3"},
    {DC_BYTES("12A 12bis"), "12a 12bis"},
    /* '+' inside a Plus Code. */
    {DC_BYTES("927C+J93"), "927c+j93"},
    {DC_BYTES("7PH50000+"), "7ph50000+"},
    {DC_BYTES("a+b+c"), "a+b c"},
    /* Commas and dots. */
    {DC_BYTES("tổ 5, P. Mường Thanh"), "tổ~to 5, p. mường~muong thanh"},
    {DC_BYTES("a; b，c、d"), "a, b, c, d"},
    {DC_BYTES("a,b"), "a, b"},
    {DC_BYTES("Thôn Đông,"), "thôn~thon đông~dong,"},
    {DC_BYTES("Q.1"), "q. ^1"},
    {DC_BYTES("T.P. Điện Biên"), "t. ^p. điện~dien biên~bien"},
    {DC_BYTES("Tp.Điện Biên"), "tp. ^điện~dien biên~bien"},
    {DC_BYTES("Điện Biên。Phủ"), "điện~dien biên~bien. ^phủ~phu"},
    {DC_BYTES("1.500"), "1. ^500"},
    {DC_BYTES("12."), "12."},
    /* P and Q glued to a number. */
    {DC_BYTES("P5 Q10 P123"), "p ^5 q ^10 p123"},
    /* Apostrophes and quotes. */
    {DC_BYTES("Cư M'gar"), "cư~cu mgar"},
    {DC_BYTES("M’Gar"), "mgar"},
    {DC_BYTES("‘Mường Thanh’"), "mường~muong thanh"},
    {DC_BYTES("(cũ) \"Lê Lợi\""), "cũ~cu lê~le lợi~loi"},
    /* No word. */
    {DC_BYTES(""), ""},
    {DC_BYTES("  ,.;-- "), ""},
};

/* The tokens as this file writes them (see the top). */
static void render_tokens(const dc_tokens *t, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t->count; i++) {
        const dc_token *k = &t->token[i];
        bool toned = k->flags & DC_TOKEN_TONED;
        n += (size_t)snprintf(out + n, size - n, "%s%s%s%s%s%s%s", i ? " " : "",
                              k->flags & DC_TOKEN_JOINED ? "^" : "", dc_token_exact(t, i),
                              toned ? "~" : "", toned ? dc_token_folded(t, i) : "",
                              k->flags & DC_TOKEN_DOT ? "." : "",
                              k->flags & DC_TOKEN_COMMA ? "," : "");
        assert_true(n < size);
    }
}

static void test_tokens_table(void **state)
{
    (void)state;
    static dc_tokens t;
    char got[1024];
    for (size_t i = 0; i < sizeof token_cases / sizeof token_cases[0]; i++) {
        const token_case *c = &token_cases[i];
        dc_error err = {0};
        dc_err rc = dc_text_tokenize(c->text, c->len, &t, &err);
        if (rc != DC_OK) fail_msg("case %zu \"%s\": %s", i, c->text, err.message);
        render_tokens(&t, got, sizeof got);
        if (strcmp(got, c->want) != 0)
            fail_msg("case %zu \"%s\":\n  got  \"%s\"\n  want \"%s\"", i, c->text, got,
                     c->want);
    }
}

typedef struct error_case {
    const char *text;
    size_t len;
    dc_err want;
    const char *message;
} error_case;

static const error_case error_cases[] = {
    {DC_BYTES("Mư\xC3"), DC_E_TEXT_UTF8, "invalid UTF-8 at byte 3 (0xC3)"},
    {DC_BYTES("\xC0\xAF"), DC_E_TEXT_UTF8,
     "invalid UTF-8 at byte 0 (0xC0)"}, /* overlong */
    {DC_BYTES("a\xED\xA0\x80"), DC_E_TEXT_UTF8,
     "invalid UTF-8 at byte 1 (0xED)"}, /* surrogate */
    {DC_BYTES("ab\x80"), DC_E_TEXT_UTF8, "invalid UTF-8 at byte 2 (0x80)"},
    {DC_BYTES("ab\xE1\xBB"), DC_E_TEXT_UTF8, "invalid UTF-8 at byte 2 (0xE1)"}, /* cut */
    {DC_BYTES("\xF4\x90\x80\x80"), DC_E_TEXT_UTF8, "invalid UTF-8 at byte 0 (0xF4)"},
    {DC_BYTES("a\x07"
              "b"),
     DC_E_TEXT_CONTROL, "control character U+0007 at byte 1"},
    {DC_BYTES("ab\0c"), DC_E_TEXT_CONTROL, "control character U+0000 at byte 2"},
    {DC_BYTES("\x7F"), DC_E_TEXT_CONTROL, "control character U+007F at byte 0"},
    {DC_BYTES("\xC2\x85"), DC_E_TEXT_CONTROL, "control character U+0085 at byte 0"},
    {DC_BYTES("Phường\x1B[0m"), DC_E_TEXT_CONTROL, "control character U+001B at byte 9"},
};

static void test_tokens_errors(void **state)
{
    (void)state;
    static dc_tokens t;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case *c = &error_cases[i];
        dc_error err = {0};
        t.count = 77;
        dc_err rc = dc_text_tokenize(c->text, c->len, &t, &err);
        if (rc != c->want || strcmp(err.message, c->message) != 0)
            fail_msg("case %zu: got %d \"%s\", want \"%s\"", i, (int)rc, err.message,
                     c->message);
        assert_int_equal(err.code, rc);
        assert_int_equal(t.count, 77); /* written on success only */
        assert_int_equal(dc_text_tokenize(c->text, c->len, &t, NULL), rc);
    }
}

static void test_tokens_length(void **state)
{
    (void)state;
    static dc_tokens t;
    static char text[DC_TEXT_MAX_BYTES + 1];
    dc_error err = {0};
    memset(text, 'a', sizeof text);
    assert_int_equal(dc_text_tokenize(text, sizeof text, &t, &err), DC_E_TEXT_LENGTH);
    assert_string_equal(err.message, "text is 1025 bytes, over the limit of 1024");
    assert_int_equal(dc_text_tokenize(text, DC_TEXT_MAX_BYTES, &t, &err), DC_OK);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.token[0].exact_len, DC_TEXT_MAX_BYTES);
    /* A letter and a space, 512 times. */
    for (size_t i = 1; i < DC_TEXT_MAX_BYTES; i += 2)
        text[i] = ' ';
    assert_int_equal(dc_text_tokenize(text, DC_TEXT_MAX_BYTES, &t, &err), DC_OK);
    assert_int_equal(t.count, 512);
    /* The most tokens: "P5 " 341 times, each two tokens, and one letter. */
    for (size_t i = 0; i + 3 <= DC_TEXT_MAX_BYTES; i += 3)
        memcpy(text + i, "P5 ", 3);
    text[DC_TEXT_MAX_BYTES - 1] = 'a';
    assert_int_equal(dc_text_tokenize(text, DC_TEXT_MAX_BYTES, &t, &err), DC_OK);
    assert_int_equal(t.count, DC_TEXT_MAX_TOKENS);
    assert_int_equal(t.count, 683);
    assert_true(t.text_len <= DC_TEXT_SIZE);
    assert_int_equal(dc_text_tokenize(NULL, 0, &t, &err), DC_OK);
    assert_int_equal(t.count, 0);
    assert_int_equal(dc_text_tokenize(NULL, 1, &t, &err), DC_E_INVALID_ARG);
    assert_int_equal(dc_text_tokenize("a", 1, NULL, &err), DC_E_INVALID_ARG);
    assert_string_equal(dc_err_name(DC_E_TEXT_UTF8), "text_utf8");
    assert_string_equal(dc_err_name(DC_E_TEXT_CONTROL), "text_control");
    assert_string_equal(dc_err_name(DC_E_TEXT_LENGTH), "text_length");
    assert_string_equal(dc_err_name(DC_E_TEXT_EMPTY), "text_empty");
}

/* Where each token came from, and the flags of its form. */
static void test_tokens_spans(void **state)
{
    (void)state;
    static dc_tokens t;
    /* "  Phường 5, TP.Điện": Phường is 9 bytes (ư 2, ờ 3), Điện 7 (Đ 2, ệ 3). */
    assert_int_equal(dc_text_tokenize(DC_BYTES("  Phường 5, TP.Điện"), &t, NULL), DC_OK);
    assert_int_equal(t.count, 4);
    static const uint16_t offset[] = {2, 12, 15, 18}, length[] = {9, 1, 2, 7};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(t.token[i].offset, offset[i]);
        assert_int_equal(t.token[i].length, length[i]);
    }
    /* "Ｐ５": each full-width letter is 3 bytes; split in two tokens. */
    assert_int_equal(dc_text_tokenize(DC_BYTES("Ｐ５"), &t, NULL), DC_OK);
    assert_int_equal(t.count, 2);
    assert_int_equal(t.token[0].offset, 0);
    assert_int_equal(t.token[0].length, 3);
    assert_int_equal(t.token[1].offset, 3);
    assert_int_equal(t.token[1].length, 3);

    static const struct {
        const char *word;
        uint16_t flags;
    } forms[] = {
        {"12", DC_TOKEN_DIGITS | DC_TOKEN_NUMBER},
        {"12a", DC_TOKEN_NUMBER},
        {"12/3/5", DC_TOKEN_NUMBER},
        {"12-14", DC_TOKEN_NUMBER},
        {"k12/3", DC_TOKEN_NUMBER},
        {"k12", 0},
        {"a12", 0},
        {"12á", DC_TOKEN_TONED},
        {"927C+J93", DC_TOKEN_PLUS},
        {"phường", DC_TOKEN_TONED},
        {"１２", DC_TOKEN_DIGITS | DC_TOKEN_NUMBER},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        assert_int_equal(dc_text_tokenize(forms[i].word, strlen(forms[i].word), &t, NULL),
                         DC_OK);
        assert_int_equal(t.count, 1);
        if (t.token[0].flags != forms[i].flags)
            fail_msg("\"%s\": flags 0x%x, want 0x%x", forms[i].word, t.token[0].flags,
                     forms[i].flags);
    }
}

static void test_fold(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(
        dc_text_fold(DC_BYTES("Đường  Điện Biên Phủ,"), out, sizeof out, NULL), DC_OK);
    assert_string_equal(out, "duong dien bien phu");
    assert_int_equal(dc_text_fold(DC_BYTES("..."), out, sizeof out, NULL), DC_OK);
    assert_string_equal(out, "");
    dc_error err;
    assert_int_equal(dc_text_fold(DC_BYTES("Mường Thanh"), out, 11, &err), DC_E_BUFFER);
    assert_string_equal(err.message, "folded text needs 12 bytes, 11 given");
    assert_int_equal(dc_text_fold(DC_BYTES("Mường Thanh"), out, 12, &err), DC_OK);
    assert_string_equal(out, "muong thanh");
    assert_int_equal(dc_text_fold(DC_BYTES("\x01"), out, sizeof out, &err),
                     DC_E_TEXT_CONTROL);
}

/* ---- vocabulary ------------------------------------------------------- */

typedef struct vocab_case {
    const char *text;
    size_t at;          /* the token to match at */
    dc_vocab_kind kind; /* DC_VOCAB_NONE: no match */
    const char *word;
    size_t tokens;
    unsigned flags;
} vocab_case;

#define F DC_MATCH_FOLDED
#define A DC_MATCH_ABBREV
#define NONE DC_VOCAB_NONE, NULL, 0, 0

static const vocab_case vocab_cases[] = {
    /* Zones. */
    {"Phường 5", 0, DC_VOCAB_WARD, "phường", 1, 0},
    {"phuong 5", 0, DC_VOCAB_WARD, "phường", 1, F},
    {"PHƯỜNG Mường Thanh", 0, DC_VOCAB_WARD, "phường", 1, 0},
    {"Phương Mai", 0, NONE}, /* toned, another word */
    {"P. Mường Thanh", 0, DC_VOCAB_WARD, "phường", 1, A},
    {"P.Mường Thanh", 0, DC_VOCAB_WARD, "phường", 1, A},
    {"P Mường Thanh", 0, NONE}, /* one letter: no dot, no number */
    {"P 5", 0, DC_VOCAB_WARD, "phường", 1, A},
    {"P5", 0, DC_VOCAB_WARD, "phường", 1, A},
    {"Ph. Him Lam", 0, DC_VOCAB_WARD, "phường", 1, A},
    {"xã Thanh Nưa", 0, DC_VOCAB_COMMUNE, "xã", 1, 0},
    {"X. Thanh Nưa", 0, DC_VOCAB_COMMUNE, "xã", 1, A},
    {"X Thanh Nưa", 0, NONE},
    {"X 5", 0, NONE}, /* xã are not numbered */
    {"thị trấn Mường Ảng", 0, DC_VOCAB_TOWNSHIP, "thị trấn", 2, 0},
    {"thi tran Muong Ang", 0, DC_VOCAB_TOWNSHIP, "thị trấn", 2, F},
    {"TT. Mường Ảng", 0, DC_VOCAB_TOWNSHIP, "thị trấn", 1, A},
    {"T.T. Mường Ảng", 0, DC_VOCAB_TOWNSHIP, "thị trấn", 2, A},
    /* Districts and cities. */
    {"Quận 1", 0, DC_VOCAB_URBAN_DISTRICT, "quận", 1, 0},
    {"Q.1", 0, DC_VOCAB_URBAN_DISTRICT, "quận", 1, A},
    {"Q1", 0, DC_VOCAB_URBAN_DISTRICT, "quận", 1, A},
    {"Q Ba Đình", 0, NONE},
    {"huyện Điện Biên", 0, DC_VOCAB_RURAL_DISTRICT, "huyện", 1, 0},
    {"H. Điện Biên", 0, DC_VOCAB_RURAL_DISTRICT, "huyện", 1, A},
    {"H 5", 0, NONE}, /* huyện are not numbered */
    {"thị xã Mường Lay", 0, DC_VOCAB_TOWN, "thị xã", 2, 0},
    {"TX. Mường Lay", 0, DC_VOCAB_TOWN, "thị xã", 1, A},
    {"Thành phố Điện Biên Phủ", 0, DC_VOCAB_CITY, "thành phố", 2, 0},
    {"thanh pho Dien Bien Phu", 0, DC_VOCAB_CITY, "thành phố", 2, F},
    {"thành pho Điện Biên", 0, DC_VOCAB_CITY, "thành phố", 2, F},
    {"TP Điện Biên Phủ", 0, DC_VOCAB_CITY, "thành phố", 1, A},
    {"Tp.Điện Biên Phủ", 0, DC_VOCAB_CITY, "thành phố", 1, A},
    {"T.P. Điện Biên Phủ", 0, DC_VOCAB_CITY, "thành phố", 2, A},
    {"t.p Điện Biên Phủ", 0, DC_VOCAB_CITY, "thành phố", 2, A},
    {"tỉnh Điện Biên", 0, DC_VOCAB_PROVINCE, "tỉnh", 1, 0},
    {"tinh Dien Bien", 0, DC_VOCAB_PROVINCE, "tỉnh", 1, F},
    {"T. Điện Biên", 0, DC_VOCAB_PROVINCE, "tỉnh", 1, A},
    {"T Điện Biên", 0, NONE},
    /* Streets. */
    {"đường Lê Lợi", 0, DC_VOCAB_STREET, "đường", 1, 0},
    {"duong Le Loi", 0, DC_VOCAB_STREET, "đường", 1, F},
    {"Đ. Lê Lợi", 0, DC_VOCAB_STREET, "đường", 1, A},
    {"D. Le Loi", 0, DC_VOCAB_STREET, "đường", 1, A | F},
    {"Đg. Lê Lợi", 0, DC_VOCAB_STREET, "đường", 1, A},
    {"Dg Le Loi", 0, DC_VOCAB_STREET, "đường", 1, A | F},
    {"phố Huế", 0, DC_VOCAB_STREET, "phố", 1, 0},
    {"đại lộ Thăng Long", 0, DC_VOCAB_STREET, "đại lộ", 2, 0},
    {"QL 279", 0, DC_VOCAB_STREET, "quốc lộ", 1, A},
    {"tỉnh lộ 5", 0, DC_VOCAB_STREET, "tỉnh lộ", 2, 0},
    /* House numbers. */
    {"số 12", 0, DC_VOCAB_HOUSE, "số", 1, 0},
    {"so 12", 0, DC_VOCAB_HOUSE, "số", 1, F},
    {"số nhà 12A", 0, DC_VOCAB_HOUSE, "số nhà", 2, 0},
    {"SN 12/3", 0, DC_VOCAB_HOUSE, "số nhà", 1, A},
    {"số Lê", 0, NONE}, /* no house number after it */
    /* Alleys. */
    {"ngõ 3", 0, DC_VOCAB_ALLEY, "ngõ", 1, 0},
    {"ngo 3", 0, DC_VOCAB_ALLEY, "ngõ", 1, F},
    {"ngõ Văn Chương", 0, DC_VOCAB_ALLEY, "ngõ", 1, 0},
    {"Ngô Quyền", 0, NONE},
    {"ngo quyen", 0, NONE}, /* Ngô without tones: a number must follow */
    {"ngách 5", 0, DC_VOCAB_ALLEY, "ngách", 1, 0},
    {"hem 12", 0, DC_VOCAB_ALLEY, "hẻm", 1, F},
    {"kiệt 45", 0, DC_VOCAB_ALLEY, "kiệt", 1, 0},
    {"kiet Tuan", 0, NONE},
    /* Groups. */
    {"tổ 5", 0, DC_VOCAB_GROUP, "tổ", 1, 0},
    {"to 5", 0, DC_VOCAB_GROUP, "tổ", 1, F},
    {"Tô Hiệu", 0, NONE},
    {"to hieu", 0, NONE},
    {"tổ dân phố 3", 0, DC_VOCAB_GROUP, "tổ dân phố", 3, 0},
    {"to dan pho 3", 0, DC_VOCAB_GROUP, "tổ dân phố", 3, F},
    {"TDP 3", 0, DC_VOCAB_GROUP, "tổ dân phố", 1, A},
    {"tổ dân", 0, DC_VOCAB_GROUP, "tổ", 1, 0},
    {"khu phố 2", 0, DC_VOCAB_GROUP, "khu phố", 2, 0},
    {"KP.2", 0, DC_VOCAB_GROUP, "khu phố", 1, A},
    {"khu 4", 0, DC_VOCAB_GROUP, "khu", 1, 0},
    {"thôn Đông", 0, DC_VOCAB_GROUP, "thôn", 1, 0},
    {"bản Him Lam", 0, DC_VOCAB_GROUP, "bản", 1, 0},
    {"ban Him Lam", 0, NONE},
    {"ban 3", 0, DC_VOCAB_GROUP, "bản", 1, F},
    {"xóm 5", 0, DC_VOCAB_GROUP, "xóm", 1, 0},
    {"ấp Bình Hòa", 0, DC_VOCAB_GROUP, "ấp", 1, 0},
    {"khóm 3", 0, DC_VOCAB_GROUP, "khóm", 1, 0},
    /* The country, which needs nothing after it. */
    {"Việt Nam", 0, DC_VOCAB_COUNTRY, "việt nam", 2, 0},
    {"Hà Nội, Vietnam", 2, DC_VOCAB_COUNTRY, "việt nam", 1, 0},
    {"VN", 0, DC_VOCAB_COUNTRY, "việt nam", 1, A},
    /* A word with nothing after it, or a comma, names nothing. */
    {"Phường", 0, NONE},
    {"Phường, Mường Thanh", 0, NONE},
    {"Mường Thanh phường", 2, NONE},
    {"Mường Thanh", 0, NONE},
};

static void test_vocab_table(void **state)
{
    (void)state;
    static dc_tokens t;
    for (size_t i = 0; i < sizeof vocab_cases / sizeof vocab_cases[0]; i++) {
        const vocab_case *c = &vocab_cases[i];
        assert_int_equal(dc_text_tokenize(c->text, strlen(c->text), &t, NULL), DC_OK);
        dc_vocab_match m = {.kind = DC_VOCAB_NONE};
        bool found = dc_vocab_match_at(&t, c->at, &m);
        if (c->kind == DC_VOCAB_NONE) {
            if (found) fail_msg("case %zu \"%s\": matched %s", i, c->text, m.word);
            continue;
        }
        if (!found) fail_msg("case %zu \"%s\": no match", i, c->text);
        if (m.kind != c->kind || strcmp(m.word, c->word) != 0 || m.tokens != c->tokens ||
            m.flags != c->flags)
            fail_msg("case %zu \"%s\": got %s \"%s\" %zu tokens flags %u", i, c->text,
                     dc_vocab_kind_name(m.kind), m.word, m.tokens, m.flags);
    }
    assert_false(dc_vocab_match_at(&t, t.count, NULL));
}

/* The table's own spellings are normalised: each exact form tokenises to
 * itself, its folded form is the tokens' folded forms, and the full word
 * it stands for is a row of its own of the same kind. */
static void test_vocab_rows(void **state)
{
    (void)state;
    static dc_tokens t;
    size_t n;
    const dc_vocab_entry *rows = dc_vocab_table(&n);
    assert_true(n > 40);
    for (size_t i = 0; i < n; i++) {
        char folded[64];
        assert_int_equal(dc_text_fold(rows[i].exact, strlen(rows[i].exact), folded,
                                      sizeof folded, NULL),
                         DC_OK);
        if (strcmp(folded, rows[i].folded) != 0)
            fail_msg("row \"%s\": folded \"%s\" in the table, \"%s\" computed",
                     rows[i].exact, rows[i].folded, folded);
        assert_int_equal(dc_text_tokenize(rows[i].exact, strlen(rows[i].exact), &t, NULL),
                         DC_OK);
        char exact[64] = "";
        for (size_t k = 0; k < t.count; k++) {
            if (k) strcat(exact, " ");
            strcat(exact, dc_token_exact(&t, k));
        }
        assert_string_equal(exact, rows[i].exact);
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found = found || (strcmp(rows[k].exact, rows[i].word) == 0 &&
                              rows[k].kind == rows[i].kind &&
                              !(rows[k].rules & DC_VOCAB_RULE_ABBREV));
        if (!found)
            fail_msg("row \"%s\": no row for its word \"%s\"", rows[i].exact,
                     rows[i].word);
    }
    assert_true(dc_vocab_is_central_city("ha noi"));
    assert_true(dc_vocab_is_central_city("hcm"));
    assert_true(dc_vocab_is_central_city("hue"));
    assert_false(dc_vocab_is_central_city("dien bien phu"));
    assert_false(dc_vocab_is_central_city(NULL));
    assert_string_equal(dc_vocab_kind_name(DC_VOCAB_URBAN_DISTRICT), "urban_district");
    assert_string_equal(dc_vocab_kind_name(DC_VOCAB_COUNTRY), "country");
    assert_string_equal(dc_vocab_kind_name((dc_vocab_kind)99), "none");
}

/* DC_TEXT_SIZE rests on this: no word character of the linked utf8proc's
 * Unicode grows past 3 bytes a byte, or 1.5 code points a byte, when
 * case-folded and decomposed. A new Unicode version that broke it would
 * show here before it overflowed anything (text.c asserts as well). */
static void test_growth_bound(void **state)
{
    (void)state;
    for (int32_t c = 0x80; c < 0x110000; c++) {
        if (c >= 0xD800 && c < 0xE000) continue;
        utf8proc_category_t k = utf8proc_category(c);
        if (!(k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME) &&
            k != UTF8PROC_CATEGORY_ND)
            continue;
        utf8proc_int32_t buf[32];
        int boundclass = 0;
        utf8proc_ssize_t n = utf8proc_decompose_char(
            c, buf, 32, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STABLE,
            &boundclass);
        assert_true(n >= 0 && n <= 32);
        size_t in = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4, out = 0;
        for (utf8proc_ssize_t i = 0; i < n; i++)
            out += buf[i] < 0x80 ? 1 : buf[i] < 0x800 ? 2 : buf[i] < 0x10000 ? 3 : 4;
        if (out > 3 * in || 2 * (size_t)n > 3 * in)
            fail_msg("U+%04X grows to %zu bytes, %zd code points", (unsigned)c, out, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens_table),  cmocka_unit_test(test_tokens_errors),
        cmocka_unit_test(test_tokens_length), cmocka_unit_test(test_tokens_spans),
        cmocka_unit_test(test_fold),          cmocka_unit_test(test_vocab_table),
        cmocka_unit_test(test_vocab_rows),    cmocka_unit_test(test_growth_bound),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
