/*
 * test_query.c - dc_query_parse, as a table of queries and the exact parts
 * they give, written from the rules in diachi/query.h.
 *
 * Parts are written as the test renders them, in order, split by " | ":
 * the kind; the word that labelled it in brackets, "~" before it when it
 * matched only folded and "." after it when abbreviated; "?" for a guess
 * (DC_PART_GUESS), "#" for a numbered value (DC_PART_NUMBERED); then the
 * exact text, and the folded text in parentheses when it differs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "diachi/query.h"

#define DC_BYTES(s) (s), (sizeof(s) - 1)

typedef struct query_case {
    const char *text;
    size_t len;
    const char *want;
} query_case;

static const query_case query_cases[] = {
    /* The issue's two examples. */
    {DC_BYTES("số 12 ngõ 3 Võ Nguyên Giáp, tổ 5, P. Mường Thanh, TP. Điện Biên Phủ"),
     "house[số]# 12 | alley[ngõ]# 3 | street? võ nguyên giáp (vo nguyen giap) | "
     "group[tổ]# 5 | zone[phường.] mường thanh (muong thanh) | "
     "district[thành phố.] điện biên phủ (dien bien phu)"},
    {DC_BYTES("12/3 vo nguyen giap muong thanh"),
     "house?# 12/3 | street? vo nguyen giap muong thanh"},
    /* Without tones, without commas. */
    {DC_BYTES("so 12 ngo 3 vo nguyen giap to 5 phuong muong thanh tp dien bien phu"),
     "house[~số]# 12 | alley[~ngõ]# 3 | street? vo nguyen giap | group[~tổ]# 5 | "
     "zone[~phường] muong thanh | district[thành phố.] dien bien phu"},
    {DC_BYTES("12 le loi phuong 5 quan 3"),
     "house?# 12 | street? le loi | zone[~phường]# 5 | district[~quận]# 3"},
    /* Any order. */
    {DC_BYTES("TP. Điện Biên Phủ, P. Mường Thanh, số 12 Võ Nguyên Giáp"),
     "district[thành phố.] điện biên phủ (dien bien phu) | "
     "zone[phường.] mường thanh (muong thanh) | house[số]# 12 | "
     "street? võ nguyên giáp (vo nguyen giap)"},
    {DC_BYTES("12 Lê Lợi phường 5"),
     "house?# 12 | street? lê lợi (le loi) | zone[phường]# 5"},
    {DC_BYTES("Võ Nguyên Giáp số 12"),
     "free võ nguyên giáp (vo nguyen giap) | house[số]# 12"},
    {DC_BYTES("Lê Lợi, 12"), "free lê lợi (le loi) | house?# 12"},
    /* Numbered units are not house numbers. */
    {DC_BYTES("Phường 5"), "zone[phường]# 5"},
    {DC_BYTES("Phường 5 12 Lê Lợi"),
     "zone[phường]# 5 | house?# 12 | street? lê lợi (le loi)"},
    {DC_BYTES("P.5, Q.3, TP.HCM"),
     "zone[phường.]# 5 | district[quận.]# 3 | province[thành phố.] hcm"},
    {DC_BYTES("P5 Q3"), "zone[phường.]# 5 | district[quận.]# 3"},
    {DC_BYTES("P. 5"), "zone[phường.]# 5"},
    {DC_BYTES("khu phố 2, phường 5, quận 3"),
     "group[khu phố]# 2 | zone[phường]# 5 | district[quận]# 3"},
    {DC_BYTES("Đường Điện Biên Phủ, Phường 7, Quận 3"),
     "street[đường] điện biên phủ (dien bien phu) | zone[phường]# 7 | district[quận]# 3"},
    {DC_BYTES("số 12 Lê Lợi, P. Tân Phú, Q. 7, TP. HCM"),
     "house[số]# 12 | street? lê lợi (le loi) | zone[phường.] tân phú (tan phu) | "
     "district[quận.]# 7 | province[thành phố.] hcm"},
    /* Zones, districts, provinces. */
    {DC_BYTES("Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh, Việt Nam"),
     "zone[phường] bến nghé (ben nghe) | district[quận]# 1 | "
     "province[thành phố] hồ chí minh (ho chi minh) | country[việt nam] việt nam (viet "
     "nam)"},
    {DC_BYTES("Quận 1, TP. Hồ Chí Minh"),
     "district[quận]# 1 | province[thành phố.] hồ chí minh (ho chi minh)"},
    {DC_BYTES("Phường Mường Thanh, Thành phố Điện Biên Phủ, Tỉnh Điện Biên"),
     "zone[phường] mường thanh (muong thanh) | "
     "district[thành phố] điện biên phủ (dien bien phu) | province[tỉnh] điện biên (dien "
     "bien)"},
    {DC_BYTES("Xã Thanh Nưa, Huyện Điện Biên, Tỉnh Điện Biên"),
     "zone[xã] thanh nưa (thanh nua) | district[huyện] điện biên (dien bien) | "
     "province[tỉnh] điện biên (dien bien)"},
    {DC_BYTES("TT. Mường Ảng, H. Mường Ảng"),
     "zone[thị trấn.] mường ảng (muong ang) | district[huyện.] mường ảng (muong ang)"},
    {DC_BYTES("Thị xã Mường Lay"), "district[thị xã] mường lay (muong lay)"},
    {DC_BYTES("T.P. Điện Biên Phủ"),
     "district[thành phố.] điện biên phủ (dien bien phu)"},
    {DC_BYTES("Thành phố Hà Nội"), "province[thành phố] hà nội (ha noi)"},
    {DC_BYTES("TP Huế"), "province[thành phố.] huế (hue)"},
    {DC_BYTES("Huyện Điện Biên, TP Điện Biên Phủ"),
     "district[huyện] điện biên (dien bien) | "
     "province[thành phố.] điện biên phủ (dien bien phu)"},
    {DC_BYTES("Quận Ba Đình, Hà Nội"),
     "district[quận] ba đình (ba dinh) | free hà nội (ha noi)"},
    {DC_BYTES("Phường Xóm Chiếu"), "zone[phường] xóm chiếu (xom chieu)"},
    {DC_BYTES("Ph. Mường Thanh"), "zone[phường.] mường thanh (muong thanh)"},
    {DC_BYTES("PHƯỜNG MƯỜNG THANH"), "zone[phường] mường thanh (muong thanh)"},
    {DC_BYTES("Phu\u031Bo\u031B\u0300ng 5"), "zone[phường]# 5"}, /* NFD */
    {DC_BYTES("huyện Cư M'gar"), "district[huyện] cư mgar (cu mgar)"},
    {DC_BYTES("tinh Binh Duong"), "province[~tỉnh] binh duong"},
    {DC_BYTES("tỉnh Bà Rịa – Vũng Tàu"),
     "province[tỉnh] bà rịa vũng tàu (ba ria vung tau)"},
    {DC_BYTES("Việt Nam"), "country[việt nam] việt nam (viet nam)"},
    {DC_BYTES("Vietnam"), "country[việt nam] vietnam"},
    /* Groups. */
    {DC_BYTES("tổ dân phố 3, phường Him Lam"),
     "group[tổ dân phố]# 3 | zone[phường] him lam"},
    {DC_BYTES("TDP 3 Him Lam"), "group[tổ dân phố.]# 3 | free him lam"},
    {DC_BYTES("bản Him Lam, xã Thanh Minh"), "group[bản] him lam | zone[xã] thanh minh"},
    {DC_BYTES("thôn Đông, xã Hoà Bình"),
     "group[thôn] đông (dong) | zone[xã] hòa bình (hoa binh)"},
    {DC_BYTES("ấp 3, xã Tân Phú"), "group[ấp]# 3 | zone[xã] tân phú (tan phu)"},
    {DC_BYTES("Khóm 3, TT. Mỹ Xuyên"),
     "group[khóm]# 3 | zone[thị trấn.] mỹ xuyên (my xuyen)"},
    {DC_BYTES("xóm 5 thôn Đông"), "group[xóm]# 5 | group[thôn] đông (dong)"},
    {DC_BYTES("tổ 5 Mường Thanh"), "group[tổ]# 5 | free mường thanh (muong thanh)"},
    {DC_BYTES("tổ 5, tổ dân phố 6"), "group[tổ]# 5 | group[tổ dân phố]# 6"},
    /* Alleys and house numbers. */
    {DC_BYTES("hẻm 12/3 Lê Lợi"), "alley[hẻm]# 12/3 | street? lê lợi (le loi)"},
    {DC_BYTES("kiệt 45 Hùng Vương"), "alley[kiệt]# 45 | street? hùng vương (hung vuong)"},
    {DC_BYTES("K12/3 Hùng Vương"), "house?# k12/3 | street? hùng vương (hung vuong)"},
    {DC_BYTES("ngõ 12 ngách 3 hẻm 5 Đội Cấn"),
     "alley[ngõ]# 12 | alley[ngách]# 3 | alley[hẻm]# 5 | street? đội cấn (doi can)"},
    {DC_BYTES("ngõ Văn Chương, Đống Đa"),
     "alley[ngõ] văn chương (van chuong) | free đống đa (dong da)"},
    {DC_BYTES("ngõ 3 Võ Nguyên Giáp"),
     "alley[ngõ]# 3 | street? võ nguyên giáp (vo nguyen giap)"},
    {DC_BYTES("số 12A Lê Lợi"), "house[số]# 12a | street? lê lợi (le loi)"},
    {DC_BYTES("số nhà 12/3/5 Lê Lợi"), "house[số nhà]# 12/3/5 | street? lê lợi (le loi)"},
    {DC_BYTES("SN 12 Lê Lợi"), "house[số nhà.]# 12 | street? lê lợi (le loi)"},
    {DC_BYTES("số\u00A0１２ Lê Lợi"), "house[số]# 12 | street? lê lợi (le loi)"},
    {DC_BYTES("12 12"), "house?# 12 | free 12"},
    {DC_BYTES("12/3 Lê Lợi, 12/5 Trần Phú"),
     "house?# 12/3 | street? lê lợi (le loi) | free 12/5 trần phú (12/5 tran phu)"},
    /* Names that look like words of the vocabulary. */
    {DC_BYTES("Ngô Quyền"), "free ngô quyền (ngo quyen)"},
    {DC_BYTES("ngo quyen 12"), "free ngo quyen | house?# 12"},
    {DC_BYTES("Tô Hiệu 5"), "free tô hiệu (to hieu) | house?# 5"},
    {DC_BYTES("Bình Dương"), "free bình dương (binh duong)"},
    {DC_BYTES("Phương Mai, Đống Đa"),
     "free phương mai (phuong mai) | free đống đa (dong da)"},
    {DC_BYTES("Phuong Mai, Dong Da, Ha Noi"),
     "zone[~phường] mai | free dong da | free ha noi"},
    {DC_BYTES("Q Ba Đình"), "free q ba đình (q ba dinh)"},
    {DC_BYTES("Phường"), "free phường (phuong)"},
    {DC_BYTES("Bà Rịa - Vũng Tàu"), "free bà rịa vũng tàu (ba ria vung tau)"},
    {DC_BYTES("Đà Nẵng"), "free đà nẵng (da nang)"},
    /* Streets. */
    {DC_BYTES("Đ. Lê Lợi"), "street[đường.] lê lợi (le loi)"},
    {DC_BYTES("D. Le Loi"), "street[~đường.] le loi"},
    {DC_BYTES("duong Le Loi"), "street[~đường] le loi"},
    {DC_BYTES("đường 7/5, Điện Biên Phủ"),
     "street[đường] 7/5 | free điện biên phủ (dien bien phu)"},
    {DC_BYTES("số 5 đường số 7"), "house[số]# 5 | street[đường] số 7 (so 7)"},
    {DC_BYTES("12 đường 30 tháng 4"),
     "house?# 12 | street[đường] 30 tháng 4 (30 thang 4)"},
    {DC_BYTES("12 Cách Mạng Tháng 8"),
     "house?# 12 | street? cách mạng tháng 8 (cach mang thang 8)"},
    {DC_BYTES("quốc lộ 279, bản Noong Bua"),
     "street[quốc lộ] 279 | group[bản] noong bua"},
    /* Postcodes. */
    {DC_BYTES("Điện Biên Phủ 32000"),
     "free điện biên phủ (dien bien phu) | postcode? 32000"},
    {DC_BYTES("32000 12 Lê Lợi"),
     "postcode? 32000 | house?# 12 | street? lê lợi (le loi)"},
    {DC_BYTES("12345 67890"), "postcode? 12345 | house?# 67890"},
    /* Codes and Plus Codes. */
    {DC_BYTES("32101 92P9+G54"), "code 32101 92p9+g54"},
    {DC_BYTES("3210192P9G54"), "code 3210192p9g54"},
    {DC_BYTES("số 12 Võ Nguyên Giáp 32101 92P9+G54"),
     "house[số]# 12 | street? võ nguyên giáp (vo nguyen giap) | code 32101 92p9+g54"},
    {DC_BYTES("32101-92P9-G54, P. Mường Thanh"),
     "code 32101-92p9 g54 | zone[phường.] mường thanh (muong thanh)"},
    {DC_BYTES("32101 92P9+G54 Phường Mường Thanh"),
     "code 32101 92p9+g54 | zone[phường] mường thanh (muong thanh)"},
    {DC_BYTES("Phường 32101 92P9+G54"), "free phường (phuong) | code 32101 92p9+g54"},
    {DC_BYTES("927C+J93 Nam Thanh"), "plus_code 927c+j93 | free nam thanh"},
    {DC_BYTES("927C+J93, Mường Thanh, Điện Biên"),
     "plus_code 927c+j93 | free mường thanh (muong thanh) | free điện biên (dien bien)"},
    {DC_BYTES("7PH592P9+G54"), "plus_code 7ph592p9+g54"},
};

/* The parts as this file writes them (see the top). */
static void render_parts(const dc_query *q, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < q->nparts; i++) {
        const dc_query_part *p = &q->part[i];
        const char *exact = dc_query_exact(q, i), *folded = dc_query_folded(q, i);
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " | " : "",
                              dc_part_kind_name(p->kind));
        if (p->word)
            n += (size_t)snprintf(out + n, size - n, "[%s%s%s]",
                                  p->flags & DC_PART_WORD_FOLDED ? "~" : "", p->word,
                                  p->flags & DC_PART_WORD_ABBREV ? "." : "");
        n += (size_t)snprintf(out + n, size - n, "%s%s %s",
                              p->flags & DC_PART_GUESS ? "?" : "",
                              p->flags & DC_PART_NUMBERED ? "#" : "", exact);
        if (strcmp(exact, folded) != 0)
            n += (size_t)snprintf(out + n, size - n, " (%s)", folded);
        assert_true(n < size);
    }
}

static void test_query_table(void **state)
{
    (void)state;
    static dc_query q;
    char got[2048];
    for (size_t i = 0; i < sizeof query_cases / sizeof query_cases[0]; i++) {
        const query_case *c = &query_cases[i];
        dc_error err = {0};
        dc_err rc = dc_query_parse(c->text, c->len, &q, &err);
        if (rc != DC_OK) fail_msg("case %zu \"%s\": %s", i, c->text, err.message);
        render_parts(&q, got, sizeof got);
        if (strcmp(got, c->want) != 0)
            fail_msg("case %zu \"%s\":\n  got  \"%s\"\n  want \"%s\"", i, c->text, got,
                     c->want);
    }
}

/* Where the parts of the first example lie, token by token. */
static void test_query_tokens(void **state)
{
    (void)state;
    static dc_query q;
    /* số 12 ngõ 3 võ nguyên giáp tổ 5 p mường thanh tp điện biên phủ
     * 0  1  2   3 4  5      6    7  8 9 10    11    12 13   14   15 */
    assert_int_equal(
        dc_query_parse(
            DC_BYTES(
                "số 12 ngõ 3 Võ Nguyên Giáp, tổ 5, P. Mường Thanh, TP. Điện Biên Phủ"),
            &q, NULL),
        DC_OK);
    assert_int_equal(q.tokens.count, 16);
    assert_int_equal(q.nparts, 6);
    static const struct {
        dc_part_kind kind;
        dc_vocab_kind word_kind;
        uint16_t word_first, word_count, first, count;
    } want[] = {
        {DC_PART_HOUSE, DC_VOCAB_HOUSE, 0, 1, 1, 1},
        {DC_PART_ALLEY, DC_VOCAB_ALLEY, 2, 1, 3, 1},
        {DC_PART_STREET, DC_VOCAB_NONE, 0, 0, 4, 3},
        {DC_PART_GROUP, DC_VOCAB_GROUP, 7, 1, 8, 1},
        {DC_PART_ZONE, DC_VOCAB_WARD, 9, 1, 10, 2},
        {DC_PART_DISTRICT, DC_VOCAB_CITY, 12, 1, 13, 3},
    };
    for (size_t i = 0; i < 6; i++) {
        const dc_query_part *p = &q.part[i];
        assert_int_equal(p->kind, want[i].kind);
        assert_int_equal(p->word_kind, want[i].word_kind);
        assert_int_equal(p->word_count, want[i].word_count);
        if (p->word_count) assert_int_equal(p->word_first, want[i].word_first);
        assert_int_equal(p->first, want[i].first);
        assert_int_equal(p->count, want[i].count);
    }
    assert_false(q.has_code);
    assert_false(q.has_postcode);
}

static void test_query_values(void **state)
{
    (void)state;
    static dc_query q;
    assert_int_equal(dc_query_parse(DC_BYTES("P. Mường Thanh 32101 92P9+G54"), &q, NULL),
                     DC_OK);
    assert_true(q.has_code);
    assert_int_equal(q.code.postcode, 32101);
    assert_string_equal(q.code.location, "92P9G54");
    assert_false(q.has_postcode);
    /* A full-width code, split by no-break spaces. */
    assert_int_equal(
        dc_query_parse(DC_BYTES("３２１０１\u00A0９２Ｐ９＋Ｇ５４"), &q, NULL), DC_OK);
    assert_int_equal(q.nparts, 1);
    assert_int_equal(q.part[0].kind, DC_PART_CODE);
    assert_true(q.has_code);
    assert_string_equal(q.code.location, "92P9G54");
    assert_int_equal(dc_query_parse(DC_BYTES("Điện Biên 32000, 12345"), &q, NULL), DC_OK);
    assert_true(q.has_postcode);
    assert_int_equal(q.postcode, 32000);
    assert_false(q.has_code);
    assert_string_equal(dc_part_kind_name(DC_PART_PLUS_CODE), "plus_code");
    assert_string_equal(dc_part_kind_name((dc_part_kind)99), "free");
}

typedef struct error_case {
    const char *text;
    size_t len;
    dc_err want;
    const char *message;
} error_case;

static const error_case error_cases[] = {
    {DC_BYTES(""), DC_E_TEXT_EMPTY, "the query has no words"},
    {DC_BYTES(" ,.; -- ()"), DC_E_TEXT_EMPTY, "the query has no words"},
    {DC_BYTES("Mư\xC3"), DC_E_TEXT_UTF8, "invalid UTF-8 at byte 3 (0xC3)"},
    {DC_BYTES("số 12\x07"), DC_E_TEXT_CONTROL, "control character U+0007 at byte 7"},
};

static void test_query_errors(void **state)
{
    (void)state;
    static dc_query q;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case *c = &error_cases[i];
        dc_error err = {0};
        q.nparts = 77;
        q.tokens.count = 77;
        dc_err rc = dc_query_parse(c->text, c->len, &q, &err);
        if (rc != c->want || strcmp(err.message, c->message) != 0)
            fail_msg("case %zu: got %d \"%s\", want \"%s\"", i, (int)rc, err.message,
                     c->message);
        assert_int_equal(q.nparts, 77); /* written on success only */
        assert_int_equal(q.tokens.count, 77);
    }
    static char text[DC_TEXT_MAX_BYTES + 1];
    memset(text, 'a', sizeof text);
    dc_error err;
    assert_int_equal(dc_query_parse(text, sizeof text, &q, &err), DC_E_TEXT_LENGTH);
    assert_string_equal(err.message, "text is 1025 bytes, over the limit of 1024");
    assert_int_equal(dc_query_parse(NULL, 1, &q, &err), DC_E_INVALID_ARG);
    assert_int_equal(dc_query_parse("a", 1, NULL, &err), DC_E_INVALID_ARG);
    /* 512 one-letter words, each its own part, split by commas. */
    for (size_t i = 1; i < DC_TEXT_MAX_BYTES; i += 2)
        text[i] = ',';
    assert_int_equal(dc_query_parse(text, DC_TEXT_MAX_BYTES, &q, &err), DC_OK);
    assert_int_equal(q.nparts, 512);
    /* The most tokens: "P5 " 341 times (a numbered zone each) and "a". */
    for (size_t i = 0; i + 3 <= DC_TEXT_MAX_BYTES; i += 3)
        memcpy(text + i, "P5 ", 3);
    text[DC_TEXT_MAX_BYTES - 1] = 'a';
    assert_int_equal(dc_query_parse(text, DC_TEXT_MAX_BYTES, &q, &err), DC_OK);
    assert_int_equal(q.tokens.count, DC_TEXT_MAX_TOKENS);
    assert_int_equal(q.nparts, 342);
    assert_int_equal(q.part[0].kind, DC_PART_ZONE);
    assert_int_equal(q.part[341].kind, DC_PART_FREE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_table),
        cmocka_unit_test(test_query_tokens),
        cmocka_unit_test(test_query_values),
        cmocka_unit_test(test_query_errors),
    };
    return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}
