/*
 * test_spoken.c - address codes read aloud (diachi/spoken.h): whole codes
 * in both languages, every character's word, and the properties the tables
 * were chosen for: one word per character, an English letter word starting
 * with its letter (ICAO), and no two Vietnamese syllables sharing a rhyme
 * once tones are set aside (folded by dc_text, independently of the table).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "diachi/code.h"
#include "diachi/spoken.h"
#include "diachi/text.h"

static const char alphabet[] = "0123456789CFGHJMPQRVWX";

static dc_code parse(const char *text)
{
    dc_code code;
    assert_int_equal(dc_code_parse(text, strlen(text), &code, NULL), DC_OK);
    return code;
}

static void test_whole_codes(void **state)
{
    (void)state;
    static const struct {
        const char *code, *vi, *en;
    } cases[] = {
        {"32101 92P9+G54", "ba hai một không một, chín hai pa-ri chín, gừng năm bốn",
         "three two one zero one, niner two papa niner, golf five four"},
        {"00000 CFGH+JMP",
         "không không không không không, cúc phở gừng hươu, giăm-bông mèo pa-ri",
         "zero zero zero zero zero, charlie foxtrot golf hotel, juliett mike papa"},
        {"99999 QRVW+X23", "chín chín chín chín chín, quýt rùa voi oát, xanh hai ba",
         "niner niner niner niner niner, quebec romeo victor whiskey, x-ray two three"},
        {"3210192p9g54", "ba hai một không một, chín hai pa-ri chín, gừng năm bốn",
         "three two one zero one, niner two papa niner, golf five four"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_code code = parse(cases[i].code);
        char out[DC_SPOKEN_SIZE];
        size_t len = 0;
        assert_int_equal(dc_code_spoken(&code, DC_SPOKEN_VI, out, sizeof out, &len),
                         DC_OK);
        assert_string_equal(out, cases[i].vi);
        assert_int_equal(len, strlen(cases[i].vi));
        assert_int_equal(dc_code_spoken(&code, DC_SPOKEN_EN, out, sizeof out, NULL),
                         DC_OK);
        assert_string_equal(out, cases[i].en);
    }
}

/* The longest reading fits DC_SPOKEN_SIZE; one byte less than a reading
 * needs is refused and leaves an empty string. */
static void test_sizes(void **state)
{
    (void)state;
    size_t longest = 0;
    for (int lang = 0; lang < 2; lang++) {
        size_t digit = 0, letter = 0;
        for (const char *c = alphabet; *c; c++) {
            size_t n = strlen(dc_spoken_word(*c, (dc_spoken_lang)lang));
            if (*c <= '9' && n > digit) digit = n;
            if (*c >= '2' && n > letter) letter = n;
        }
        size_t worst = 5 * digit + 7 * letter + 4 * 1 + 2 * 2 + 1;
        if (worst > longest) longest = worst;
    }
    assert_true(longest <= DC_SPOKEN_SIZE);

    dc_code code = parse("32101 92P9+G54");
    char out[DC_SPOKEN_SIZE];
    size_t len;
    assert_int_equal(dc_code_spoken(&code, DC_SPOKEN_EN, out, sizeof out, &len), DC_OK);
    assert_int_equal(dc_code_spoken(&code, DC_SPOKEN_EN, out, len, NULL), DC_E_BUFFER);
    assert_string_equal(out, "");
    assert_int_equal(dc_code_spoken(&code, DC_SPOKEN_EN, out, len + 1, NULL), DC_OK);
    assert_int_equal(dc_code_spoken(&code, DC_SPOKEN_EN, out, 0, NULL), DC_E_BUFFER);
    /* every size around the reading's length, in both languages: the
     * whole reading or none */
    for (int lang = 0; lang < 2; lang++) {
        char whole[DC_SPOKEN_SIZE];
        size_t n;
        assert_int_equal(
            dc_code_spoken(&code, (dc_spoken_lang)lang, whole, sizeof whole, &n), DC_OK);
        for (size_t size = 1; size < n + 40; size++) {
            size_t got = 0;
            dc_err rc = dc_code_spoken(&code, (dc_spoken_lang)lang, out, size, &got);
            assert_int_equal(rc, size > n ? DC_OK : DC_E_BUFFER);
            assert_string_equal(out, size > n ? whole : "");
            if (size > n) assert_int_equal(got, n);
        }
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    dc_code code = parse("32101 92P9+G54");
    char out[DC_SPOKEN_SIZE];
    assert_int_equal(dc_code_spoken(NULL, DC_SPOKEN_VI, out, sizeof out, NULL),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_code_spoken(&code, DC_SPOKEN_VI, NULL, sizeof out, NULL),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_code_spoken(&code, (dc_spoken_lang)7, out, sizeof out, NULL),
                     DC_E_INVALID_ARG);
    dc_code bad = code;
    bad.location[2] = '1'; /* a digit the OLC alphabet does not have */
    assert_int_equal(dc_code_spoken(&bad, DC_SPOKEN_VI, out, sizeof out, NULL),
                     DC_E_INVALID_ARG);
    bad = code;
    bad.location[0] = 'A';
    assert_int_equal(dc_code_spoken(&bad, DC_SPOKEN_EN, out, sizeof out, NULL),
                     DC_E_INVALID_ARG);
    bad = code;
    bad.postcode = 100000;
    assert_int_equal(dc_code_spoken(&bad, DC_SPOKEN_EN, out, sizeof out, NULL),
                     DC_E_INVALID_ARG);
    assert_null(dc_spoken_word('A', DC_SPOKEN_VI));
    assert_null(dc_spoken_word('+', DC_SPOKEN_EN));
    assert_null(dc_spoken_word('\0', DC_SPOKEN_EN));
    assert_null(dc_spoken_word('C', (dc_spoken_lang)2));
    assert_string_equal(dc_spoken_word('x', DC_SPOKEN_EN), "x-ray");
}

/* One word per character in each language, none repeated; English letters
 * start with their letter, as ICAO's do. */
static void test_one_word_each(void **state)
{
    (void)state;
    for (int lang = 0; lang < 2; lang++)
        for (const char *a = alphabet; *a; a++) {
            const char *wa = dc_spoken_word(*a, (dc_spoken_lang)lang);
            assert_non_null(wa);
            for (const char *b = a + 1; *b; b++)
                assert_string_not_equal(wa, dc_spoken_word(*b, (dc_spoken_lang)lang));
            if (lang == DC_SPOKEN_EN && *a >= 'A')
                assert_int_equal(wa[0], *a - 'A' + 'a');
        }
}

/* The rhyme of a folded syllable: what follows its initial consonants. */
static const char *rhyme(const char *folded)
{
    static const char *const initials[] = {
        "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c",
        "d",   "g",  "h",  "k",  "l",  "m",  "n",  "p",  "r",  "s",  "t",  "v", "x"};
    for (size_t i = 0; i < sizeof initials / sizeof initials[0]; i++) {
        size_t n = strlen(initials[i]);
        if (strncmp(folded, initials[i], n) == 0 && folded[n]) return folded + n;
    }
    return folded;
}

/* Of the Vietnamese words of one syllable, no letter's shares a rhyme with
 * another letter's or a digit's once folded (tones and marks set aside, as a
 * bad line loses them; o, ô, ơ fold alike, so this is stricter than the
 * ear). The digits are the language's counting words, not chosen: "năm"
 * and "tám" fold to one rhyme and are left as they are. */
static void test_vietnamese_rhymes_differ(void **state)
{
    (void)state;
    char folded[sizeof alphabet][32];
    int syllables = 0;
    const char *which[sizeof alphabet];
    char of[sizeof alphabet];
    for (const char *a = alphabet; *a; a++) {
        const char *w = dc_spoken_word(*a, DC_SPOKEN_VI);
        if (strchr(w, '-')) continue; /* two syllables: not confused with one */
        assert_int_equal(
            dc_text_fold(w, strlen(w), folded[syllables], sizeof folded[0], NULL), DC_OK);
        of[syllables] = *a;
        which[syllables++] = w;
    }
    assert_int_equal(syllables, 20);
    for (int i = 0; i < syllables; i++)
        for (int j = i + 1; j < syllables; j++)
            if ((of[i] > '9' || of[j] > '9') &&
                strcmp(rhyme(folded[i]), rhyme(folded[j])) == 0)
                fail_msg("'%s' and '%s' rhyme ('%s')", which[i], which[j],
                         rhyme(folded[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_codes),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_one_word_each),
        cmocka_unit_test(test_vietnamese_rhymes_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
