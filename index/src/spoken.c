/*
 * spoken.c - an address code read aloud (diachi/spoken.h): the two word
 * tables and the reading. docs/FORMAT.md ("Reading a code aloud") has the
 * tables and why each word was chosen.
 */
#include "diachi/spoken.h"

#include <string.h>

/* Every character a code may hold: the ten digits (a postcode's), then the
 * letters of the OLC alphabet, 0123456789CFGHJMPQRVWX, in the order of the
 * tables below. */
#define SPOKEN_CHARS 22

/* A word, NUL-padded to WORD_ROOM bytes, and its length: every answer of
 * the HTTP service reads its code aloud twice, so neither a character's
 * place nor a word's length is searched for, and a word is copied as
 * WORD_ROOM bytes, its NUL with it, where there is room (no call). */
#define WORD_ROOM 16
typedef struct spoken_word {
    char s[WORD_ROOM];
    unsigned char len;
} spoken_word;
#define W(text)                                                                          \
    {                                                                                    \
        text, sizeof text - 1                                                            \
    }
_Static_assert(sizeof "giăm-bông" <= WORD_ROOM, "the longest word and its NUL fit");

/* Each character's place in that order plus one, 0 for any other
 * character; lower-case letters read as their capitals. */
static const unsigned char spoken_place[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,
    ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['C'] = 11, ['F'] = 12, ['G'] = 13, ['H'] = 14,
    ['J'] = 15, ['M'] = 16, ['P'] = 17, ['Q'] = 18, ['R'] = 19, ['V'] = 20, ['W'] = 21,
    ['X'] = 22, ['c'] = 11, ['f'] = 12, ['g'] = 13, ['h'] = 14, ['j'] = 15, ['m'] = 16,
    ['p'] = 17, ['q'] = 18, ['r'] = 19, ['v'] = 20, ['w'] = 21, ['x'] = 22,
};

/* Vietnamese: the digits as counted; a letter as an everyday word that
 * starts with its sound. No two words of the table share a rhyme (the
 * vowel and final of a syllable, tones aside), so a word half heard over a
 * bad line is still one word: "pin" would rhyme with "chín", "cam" with
 * "tám", "rồng" with "không", hence "pa-ri", "cúc", "rùa". */
static const spoken_word spoken_vi[SPOKEN_CHARS] = {
    W("không"),     W("một"), W("hai"), W("ba"),   W("bốn"), W("năm"),
    W("sáu"),       W("bảy"), W("tám"), W("chín"), W("cúc"), /* C */
    W("phở"),                                                /* F */
    W("gừng"),                                               /* G */
    W("hươu"),                                               /* H */
    W("giăm-bông"),                                          /* J */
    W("mèo"),                                                /* M */
    W("pa-ri"),                                              /* P */
    W("quýt"),                                               /* Q */
    W("rùa"),                                                /* R */
    W("voi"),                                                /* V */
    W("oát"),                                                /* W */
    W("xanh"),                                               /* X */
};

/* English: ICAO radiotelephony, "niner" for 9 as ICAO writes it. */
static const spoken_word spoken_en[SPOKEN_CHARS] = {
    W("zero"),  W("one"),    W("two"),     W("three"), W("four"),    W("five"),
    W("six"),   W("seven"),  W("eight"),   W("niner"), W("charlie"), W("foxtrot"),
    W("golf"),  W("hotel"),  W("juliett"), W("mike"),  W("papa"),    W("quebec"),
    W("romeo"), W("victor"), W("whiskey"), W("x-ray"),
};

/* The word of @p c, or NULL for a character no code holds. */
static const spoken_word *word_of(char c, dc_spoken_lang lang)
{
    unsigned place = spoken_place[(unsigned char)c];
    if (!place) return NULL;
    switch (lang) {
    case DC_SPOKEN_VI:
        return &spoken_vi[place - 1];
    case DC_SPOKEN_EN:
        return &spoken_en[place - 1];
    default:
        return NULL;
    }
}

const char *dc_spoken_word(char c, dc_spoken_lang lang)
{
    const spoken_word *w = word_of(c, lang);
    return w ? w->s : NULL;
}

/* Append @p len bytes of @p s to out[*n..size); false when they do not
 * fit with a NUL. */
static bool put(char *out, size_t size, size_t *n, const char *s, size_t len)
{
    if (len >= size - *n) return false;
    memcpy(out + *n, s, len);
    *n += len;
    out[*n] = '\0';
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
    /* the groups: 5 postcode digits, 4 before the '+', 3 after */
    static const unsigned char gap[DC_CODE_CHARS] = {0, 1, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1};
    static const char seps[4] = ", "; /* two bytes readable at each */
    const spoken_word *words = lang == DC_SPOKEN_VI ? spoken_vi : spoken_en;
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < DC_CODE_CHARS; i++) {
        unsigned place = spoken_place[(unsigned char)chars[i]];
        /* the location holds no 0 or 1 (places 1 and 2): only the OLC
         * alphabet */
        if (!place || (i >= DC_CODE_POSTCODE_DIGITS && place <= 2))
            return DC_E_INVALID_ARG;
        const spoken_word *word = &words[place - 1];
        size_t sep = gap[i];
        if (size - n > 2 + WORD_ROOM) { /* room for all: the word ends in its NUL */
            memcpy(out + n, seps + 2 - sep, 2);
            n += sep;
            memcpy(out + n, word->s, WORD_ROOM);
            n += word->len;
        } else if (!put(out, size, &n, seps + 2 - sep, sep) ||
                   !put(out, size, &n, word->s, word->len)) {
            out[0] = '\0';
            return DC_E_BUFFER;
        }
    }
    if (len) *len = n;
    return DC_OK;
}
