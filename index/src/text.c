/*
 * text.c - address text to tokens: validation, the character rules, and
 * each word's exact and folded forms (docs/FORMAT.md section 3).
 *
 * Two passes. The first decodes and checks the whole input (so a refused
 * input leaves the caller's list untouched) into code points already mapped
 * (full-width to ASCII, eth to đ). The second walks them, cutting words at
 * separators; each word is normalised on its own by utf8proc: a word never
 * composes with its neighbour, since separators are not combining marks.
 */
#include <assert.h>
#include <string.h>

#include <utf8proc.h>

#include "diachi/text.h"

/* Most code points a word of DC_TEXT_MAX_BYTES can decompose to: utf8proc
 * decomposes a character of b bytes into at most 1.5 b code points
 * (U+01D5, two bytes, is three); tests/text checks both bounds. */
#define NFD_CAP (DC_TEXT_MAX_BYTES * 3 / 2 + 4)

/* What a character does to the words around it. */
typedef enum char_class {
    C_WORD,  /* a letter or a digit: part of a word */
    C_MARK,  /* a combining mark: part of the word before it */
    C_SKIP,  /* invisible (soft hyphen, zero-width space, BOM): dropped */
    C_SPACE, /* white space, and every character not named below */
    C_COMMA, /* ',' ';': ends a part of the address */
    C_DOT,   /* '.': remembered on the word before it */
    C_SLASH, /* '/': inside a house number */
    C_DASH,  /* '-' and the dashes: between two digits, inside a number */
    C_PLUS,  /* '+': inside a Plus Code */
    C_APOS   /* an apostrophe: dropped between letters */
} char_class;

/* The input's characters, mapped, with their byte offsets. */
typedef struct scan {
    int32_t cp[DC_TEXT_MAX_BYTES];
    uint16_t off[DC_TEXT_MAX_BYTES + 1]; /* off[n] is the input's length */
    size_t n;
} scan;

/* The word being read. */
typedef struct word {
    char utf8[DC_TEXT_MAX_BYTES]; /* its mapped characters */
    size_t len;
    size_t first, end; /* its characters in the scan: [first, end) */
    size_t second;     /* the index of its second character */
    int32_t last;      /* the last character appended */
    bool active, digit, plus, ascii;
} word;

/* ---- characters ------------------------------------------------------- */

static bool is_digit(int32_t c)
{
    return c >= '0' && c <= '9';
}

static bool is_ascii_alnum(int32_t c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The character a code point reads as before anything else: full-width
 * ASCII as ASCII, the ideographic space as a space, eth as đ. */
static int32_t map_point(int32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFF01 + 0x21;
    if (c == 0x3000) return ' ';
    if (c == 0x00D0) return 0x0110; /* Ð, typed for Đ by old fonts */
    if (c == 0x00F0) return 0x0111; /* ð */
    return c;
}

/* The punctuation that does more than separate words (docs/FORMAT.md);
 * full-width forms were mapped to ASCII already. */
static const struct {
    int32_t c;
    char_class cls;
} punctuation[] = {
    {',', C_COMMA},    {';', C_COMMA},   {0x3001, C_COMMA}, {0xFE50, C_COMMA},
    {0xFF64, C_COMMA}, {'.', C_DOT},     {0x3002, C_DOT},   {0xFF61, C_DOT},
    {0x2024, C_DOT},   {'/', C_SLASH},   {0x2044, C_SLASH}, {0x2215, C_SLASH},
    {'-', C_DASH},     {0x2010, C_DASH}, {0x2011, C_DASH},  {0x2012, C_DASH},
    {0x2013, C_DASH},  {0x2014, C_DASH}, {0x2015, C_DASH},  {0x2212, C_DASH},
    {0xFE58, C_DASH},  {0xFE63, C_DASH}, {'+', C_PLUS},     {'\'', C_APOS},
    {0x2019, C_APOS},  {0x02BC, C_APOS},
};

static char_class punctuation_class(int32_t c)
{
    for (size_t i = 0; i < sizeof punctuation / sizeof punctuation[0]; i++)
        if (punctuation[i].c == c) return punctuation[i].cls;
    return C_SPACE;
}

static char_class classify(int32_t c)
{
    if (c < 0x80) return is_ascii_alnum(c) ? C_WORD : punctuation_class(c);
    char_class p = punctuation_class(c);
    if (p != C_SPACE) return p;
    if (utf8proc_get_property(c)->ignorable) return C_SKIP;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
        return C_WORD;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    default:
        return C_SPACE;
    }
}

static bool is_control(int32_t c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F);
}

/* Length of the UTF-8 sequence at s, 0 when invalid: overlong forms,
 * surrogates and code points past U+10FFFF are. *cp gets it. */
static size_t utf8_next(const unsigned char *s, size_t avail, int32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) return *cp = b, 1;
    size_t n = b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF5 ? 4 : 0;
    if (n == 0 || n > avail) return 0;
    int32_t c = b & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    static const int32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[n] || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000)) return 0;
    *cp = c;
    return n;
}

/* Decode and check all of @p text into @p sc; nothing else is written. */
static dc_err decode_all(const char *text, size_t len, scan *sc, dc_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    if (len > DC_TEXT_MAX_BYTES)
        return dc_error_set(err, DC_E_TEXT_LENGTH,
                            "text is %zu bytes, over the limit of %d", len,
                            DC_TEXT_MAX_BYTES);
    sc->n = 0;
    for (size_t i = 0, k; i < len; i += k) {
        int32_t c;
        k = utf8_next(s + i, len - i, &c);
        if (k == 0)
            return dc_error_set(err, DC_E_TEXT_UTF8, "invalid UTF-8 at byte %zu (0x%02X)",
                                i, s[i]);
        if (is_control(c))
            return dc_error_set(err, DC_E_TEXT_CONTROL,
                                "control character U+%04X at byte %zu", (unsigned)c, i);
        sc->off[sc->n] = (uint16_t)i;
        sc->cp[sc->n++] = map_point(c);
    }
    sc->off[sc->n] = (uint16_t)len;
    return DC_OK;
}

/* ---- one word's forms ------------------------------------------------- */

static bool is_tone(int32_t c)
{
    return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

/* In a decomposed word that ends in "oa", "oe" or "uy" (not "quy") with a
 * tone mark, move the mark onto the first vowel: "hoà" and "hòa" are one
 * word, written in the official list of units as "hòa". */
static void place_tone(int32_t *c, size_t n)
{
    if (n < 3 || !is_tone(c[n - 1])) return;
    int32_t v1 = c[n - 3], v2 = c[n - 2];
    bool pair = (v1 == 'o' && (v2 == 'a' || v2 == 'e')) ||
                (v1 == 'u' && v2 == 'y' && !(n >= 4 && c[n - 4] == 'q'));
    if (!pair) return;
    c[n - 2] = c[n - 1];
    c[n - 1] = v2;
}

static bool is_mark(int32_t c)
{
    if (c < 0x300) return false; /* the combining marks start there */
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_MC ||
           k == UTF8PROC_CATEGORY_ME;
}

/* Compose @p n decomposed code points (in place) and append them as UTF-8
 * and a NUL to out->text; returns the UTF-8 length. Nothing below U+0300
 * composes with a neighbour, so such a word is left as it is. */
static size_t put_composed(dc_tokens *out, int32_t *c, size_t n)
{
    size_t low = 0;
    while (low < n && c[low] < 0x300)
        low++;
    utf8proc_ssize_t m = (utf8proc_ssize_t)n;
    if (low < n) m = utf8proc_normalize_utf32(c, m, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    assert(m >= 0);
    size_t start = out->text_len;
    for (utf8proc_ssize_t i = 0; i < m; i++) {
        utf8proc_uint8_t bytes[4];
        size_t k = (size_t)utf8proc_encode_char(c[i], bytes);
        assert(out->text_len + k + 1 <= sizeof out->text); /* DC_TEXT_SIZE's bound */
        memcpy(out->text + out->text_len, bytes, k);
        out->text_len += k;
    }
    out->text[out->text_len++] = '\0';
    return out->text_len - 1 - start;
}

/* A house number's form, from the exact form (see DC_TOKEN_NUMBER). */
static bool is_number_form(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'z') && s[i] != '/' &&
            s[i] != '-')
            return false;
    if (n > 0 && is_digit(s[0])) return true;
    return n > 2 && s[0] == 'k' && is_digit(s[1]) && memchr(s, '/', n);
}

static uint16_t form_flags(const char *exact, size_t elen, const char *folded,
                           size_t flen)
{
    uint16_t flags = 0;
    bool digits = elen > 0;
    for (size_t i = 0; i < elen; i++)
        digits = digits && is_digit(exact[i]);
    if (digits) flags |= DC_TOKEN_DIGITS;
    if (is_number_form(exact, elen)) flags |= DC_TOKEN_NUMBER;
    if (elen != flen || memcmp(exact, folded, elen) != 0) flags |= DC_TOKEN_TONED;
    if (memchr(exact, '+', elen)) flags |= DC_TOKEN_PLUS;
    return flags;
}

/* Append a token whose forms are @p nfd (decomposed, case-folded) to @p out. */
static void put_token(dc_tokens *out, int32_t *nfd, size_t n, size_t offset,
                      size_t length, uint16_t flags)
{
    int32_t stripped[NFD_CAP];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_mark(nfd[i])) stripped[m++] = nfd[i] == 0x111 ? 'd' : nfd[i];
    assert(out->count < DC_TEXT_MAX_TOKENS);
    dc_token *t = &out->token[out->count++];
    t->exact = (uint16_t)out->text_len;
    t->exact_len = (uint16_t)put_composed(out, nfd, n);
    t->folded = (uint16_t)out->text_len;
    t->folded_len = (uint16_t)put_composed(out, stripped, m);
    t->offset = (uint16_t)offset;
    t->length = (uint16_t)length;
    t->flags = flags | form_flags(out->text + t->exact, t->exact_len,
                                  out->text + t->folded, t->folded_len);
}

/* "p5", "q12": a unit letter glued to its number, split in two. */
static bool is_glued_unit(const int32_t *c, size_t n)
{
    if (n < 2 || n > 3 || (c[0] != 'p' && c[0] != 'q')) return false;
    for (size_t i = 1; i < n; i++)
        if (!is_digit(c[i])) return false;
    return true;
}

/* Case folding makes an apostrophe of 'ŉ' (U+0149 is U+02BC 'n'): drop it
 * as the scan drops apostrophes, so that a word's exact form reads again
 * as the same word. Returns the new length. */
static size_t drop_apostrophes(int32_t *c, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (punctuation_class(c[i]) != C_APOS) c[m++] = c[i];
    return m;
}

/* A word's characters decomposed and case-folded into @p nfd; returns how
 * many. ASCII, which toneless queries are made of, needs no utf8proc. */
static size_t decompose(const word *w, int32_t *nfd)
{
    size_t ascii = 0;
    while (ascii < w->len && (unsigned char)w->utf8[ascii] < 0x80)
        ascii++;
    if (ascii == w->len) {
        for (size_t i = 0; i < w->len; i++) {
            char c = w->utf8[i];
            nfd[i] = c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
        }
        return w->len;
    }
    utf8proc_ssize_t n = utf8proc_decompose(
        (const utf8proc_uint8_t *)w->utf8, (utf8proc_ssize_t)w->len, nfd, NFD_CAP,
        UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    assert(n >= 0 && n <= NFD_CAP);
    return drop_apostrophes(nfd, (size_t)n);
}

/* Normalise the word just read and append it (two tokens for "P5"). */
static void emit_word(dc_tokens *out, const scan *sc, word *w, uint16_t flags)
{
    int32_t nfd[NFD_CAP];
    size_t n = decompose(w, nfd);
    w->active = false;
    if (n == 0) return;
    place_tone(nfd, n);
    size_t begin = sc->off[w->first], end = sc->off[w->end];
    if (is_glued_unit(nfd, n)) {
        size_t mid = sc->off[w->second];
        put_token(out, nfd, 1, begin, mid - begin, flags & DC_TOKEN_JOINED);
        put_token(out, nfd + 1, n - 1, mid, end - mid,
                  (uint16_t)((flags & ~DC_TOKEN_JOINED) | DC_TOKEN_JOINED));
        return;
    }
    put_token(out, nfd, n, begin, end - begin, flags);
}

/* ---- words ------------------------------------------------------------ */

/* Append @p c, the character at @p k (or the ASCII it stands for). */
static void word_append(word *w, size_t k, int32_t c)
{
    if (!w->active) {
        *w = (word){.active = true, .first = k, .ascii = true};
    } else if (w->second == 0) {
        w->second = k;
    }
    w->len += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)w->utf8 + w->len);
    w->end = k + 1;
    w->last = c;
    w->digit = w->digit || is_digit(c);
    w->ascii = w->ascii && (is_ascii_alnum(c) || c == '+');
    w->plus = w->plus || c == '+';
}

static bool next_is(const scan *sc, size_t k, bool (*test)(int32_t))
{
    return k + 1 < sc->n && test(sc->cp[k + 1]);
}

static bool is_letter(int32_t c)
{
    return classify(c) == C_WORD && !is_digit(c);
}

/* True when the character at @p k joins the word being read instead of
 * ending it ('/' in "12/3", '-' in "12-14", '+' in "927C+J93"). */
static bool joins(const scan *sc, const word *w, size_t k, char_class cls)
{
    if (!w->active) return false;
    switch (cls) {
    case C_SLASH:
        return w->digit && is_ascii_alnum(w->last) && next_is(sc, k, is_digit);
    case C_DASH:
        return is_digit(w->last) && next_is(sc, k, is_digit);
    case C_PLUS:
        return w->ascii && !w->plus;
    default:
        return false;
    }
}

/* The flags a word starting at @p k gets from what is before it. */
static uint16_t start_flags(const scan *sc, size_t k)
{
    return k > 0 && classify(sc->cp[k - 1]) == C_DOT ? DC_TOKEN_JOINED : 0;
}

static void finish(dc_tokens *out, const scan *sc, word *w, uint16_t *flags,
                   uint16_t more)
{
    if (w->active) emit_word(out, sc, w, (uint16_t)(*flags | more));
    *flags = 0;
}

static void tokenize(const scan *sc, dc_tokens *out)
{
    word w = {0};
    uint16_t flags = 0;
    for (size_t k = 0; k < sc->n; k++) {
        int32_t c = sc->cp[k];
        char_class cls = classify(c);
        if (cls == C_WORD) {
            if (!w.active) flags = start_flags(sc, k);
            word_append(&w, k, c);
        } else if (cls == C_MARK) {
            if (w.active) word_append(&w, k, c);
        } else if (cls == C_SKIP) {
            continue;
        } else if (joins(sc, &w, k, cls)) {
            word_append(&w, k, cls == C_SLASH ? '/' : cls == C_DASH ? '-' : '+');
        } else if (cls == C_APOS && w.active && is_letter(w.last) &&
                   next_is(sc, k, is_letter)) {
            continue;
        } else {
            finish(out, sc, &w, &flags, cls == C_DOT ? DC_TOKEN_DOT : 0);
            if (cls == C_COMMA && out->count > 0)
                out->token[out->count - 1].flags |= DC_TOKEN_COMMA;
        }
    }
    finish(out, sc, &w, &flags, 0);
}

dc_err dc_text_tokenize(const char *text, size_t len, dc_tokens *out, dc_error *err)
{
    if (!out || (!text && len > 0))
        return dc_error_set(err, DC_E_INVALID_ARG, "no text or no token list");
    scan sc;
    dc_err rc = decode_all(text, len, &sc, err);
    if (rc != DC_OK) return rc;
    out->count = 0;
    out->text_len = 0;
    tokenize(&sc, out);
    return DC_OK;
}

dc_err dc_text_fold(const char *text, size_t len, char *out, size_t size, dc_error *err)
{
    if (!out) return dc_error_set(err, DC_E_INVALID_ARG, "no output buffer");
    dc_tokens tokens;
    dc_err rc = dc_text_tokenize(text, len, &tokens, err);
    if (rc != DC_OK) return rc;
    size_t need = 0;
    for (size_t i = 0; i < tokens.count; i++)
        need += tokens.token[i].folded_len + 1;
    if (need + (need == 0) > size)
        return dc_error_set(err, DC_E_BUFFER, "folded text needs %zu bytes, %zu given",
                            need + (need == 0), size);
    size_t n = 0;
    for (size_t i = 0; i < tokens.count; i++) {
        if (i > 0) out[n++] = ' ';
        memcpy(out + n, dc_token_folded(&tokens, i), tokens.token[i].folded_len);
        n += tokens.token[i].folded_len;
    }
    out[n] = '\0';
    return DC_OK;
}
