/*
 * spoken.c - an address code read aloud (diachi/spoken.h): the two word
 * tables and the reading. docs/FORMAT.md ("Reading a code aloud") has the
 * tables and why each word was chosen.
 */
#include "diachi/spoken.h"

#include <string.h>

/* Every character a code may hold: the ten digits (a postcode's), then the
 * letters of the OLC alphabet, in the order of the tables below. */
static const char spoken_chars[] = "0123456789CFGHJMPQRVWX";
#define SPOKEN_CHARS (sizeof spoken_chars - 1)

/* Vietnamese: the digits as counted; a letter as an everyday word that
 * starts with its sound. No two words of the table share a rhyme (the
 * vowel and final of a syllable, tones aside), so a word half heard over a
 * bad line is still one word: "pin" would rhyme with "chín", "cam" with
 * "tám", "rồng" with "không", hence "pa-ri", "cúc", "rùa". */
static const char *const spoken_vi[SPOKEN_CHARS] = {
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
    "cúc",       /* C */
    "phở",       /* F */
    "gừng",      /* G */
    "hươu",      /* H */
    "giăm-bông", /* J */
    "mèo",       /* M */
    "pa-ri",     /* P */
    "quýt",      /* Q */
    "rùa",       /* R */
    "voi",       /* V */
    "oát",       /* W */
    "xanh",      /* X */
};

/* English: ICAO radiotelephony, "niner" for 9 as ICAO writes it. */
static const char *const spoken_en[SPOKEN_CHARS] = {
    "zero",    "one",  "two",    "three", "four",   "five",  "six",
    "seven",   "eight", "niner",
    "charlie", "foxtrot", "golf", "hotel", "juliett", "mike", "papa",
    "quebec",  "romeo", "victor", "whiskey", "x-ray",
};

const char *dc_spoken_word(char c, dc_spoken_lang lang)
{
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    const char *at = c ? strchr(spoken_chars, c) : NULL;
    if (!at) return NULL;
    size_t i = (size_t)(at - spoken_chars);
    switch (lang) {
    case DC_SPOKEN_VI:
        return spoken_vi[i];
    case DC_SPOKEN_EN:
        return spoken_en[i];
    default:
        return NULL;
    }
}

/* Append @p s to out[*n..size); false when it does not fit with a NUL. */
static bool put(char *out, size_t size, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (len >= size - *n) return false;
    memcpy(out + *n, s, len + 1);
    *n += len;
    return true;
}

dc_err dc_code_spoken(const dc_code *code, dc_spoken_lang lang, char *out, size_t size,
                      size_t *len)
{
    if (!code || !out || (lang != DC_SPOKEN_VI && lang != DC_SPOKEN_EN) ||
        code->postcode > 99999)
        return DC_E_INVALID_ARG;
    char chars[DC_CODE_CHARS];
    uint32_t pc = code->postcode;
    for (int i = DC_CODE_POSTCODE_DIGITS - 1; i >= 0; i--, pc /= 10)
        chars[i] = (char)('0' + pc % 10);
    memcpy(chars + DC_CODE_POSTCODE_DIGITS, code->location, DC_CODE_LOCATION_CHARS);
    if (size == 0) return DC_E_BUFFER;
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < DC_CODE_CHARS; i++) {
        const char *word = dc_spoken_word(chars[i], lang);
        /* the location holds no 0 or 1: only the OLC alphabet */
        if (!word || (i >= DC_CODE_POSTCODE_DIGITS && (chars[i] == '0' || chars[i] == '1')))
            return DC_E_INVALID_ARG;
        /* the groups: 5 postcode digits, 4 before the '+', 3 after */
        const char *sep = i == 0 ? "" : i == 5 || i == 9 ? ", " : " ";
        if (!put(out, size, &n, sep) || !put(out, size, &n, word)) {
            out[0] = '\0';
            return DC_E_BUFFER;
        }
    }
    if (len) *len = n;
    return DC_OK;
}
