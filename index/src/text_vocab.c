/*
 * text_vocab.c - the Vietnamese address vocabulary as one table, and the
 * rules that find its words in a token list (docs/FORMAT.md section 3).
 *
 * Each row is one spelling: a full word ("thành phố") or an abbreviation
 * ("tp"), in its exact and folded forms, the full word it stands for, what
 * it names and the rules that keep it from firing on a name ("Tô Hiệu" is
 * not a tổ, "T." needs its dot). Add a word by adding a row.
 */
#include <string.h>

#include "diachi/text.h"

#define ABBREV DC_VOCAB_RULE_ABBREV
#define LETTER (DC_VOCAB_RULE_ABBREV | DC_VOCAB_RULE_LETTER)
#define NUMBERED DC_VOCAB_RULE_NUMBERED
#define NUMBER DC_VOCAB_RULE_NUMBER
#define NUMBER_FOLDED DC_VOCAB_RULE_NUMBER_FOLDED
#define ALONE DC_VOCAB_RULE_ALONE

static const dc_vocab_entry vocab[] = {
    /* Zones (the postal zone is a ward, a commune or a township). */
    {"phường", "phuong", "phường", DC_VOCAB_WARD, 0},
    {"p", "p", "phường", DC_VOCAB_WARD, LETTER | NUMBERED},
    {"ph", "ph", "phường", DC_VOCAB_WARD, ABBREV},
    {"xã", "xa", "xã", DC_VOCAB_COMMUNE, 0},
    {"x", "x", "xã", DC_VOCAB_COMMUNE, LETTER},
    {"thị trấn", "thi tran", "thị trấn", DC_VOCAB_TOWNSHIP, 0},
    {"tt", "tt", "thị trấn", DC_VOCAB_TOWNSHIP, ABBREV},
    /* Districts, and the cities that are districts or provinces. */
    {"quận", "quan", "quận", DC_VOCAB_URBAN_DISTRICT, 0},
    {"q", "q", "quận", DC_VOCAB_URBAN_DISTRICT, LETTER | NUMBERED},
    {"huyện", "huyen", "huyện", DC_VOCAB_RURAL_DISTRICT, 0},
    {"h", "h", "huyện", DC_VOCAB_RURAL_DISTRICT, LETTER},
    {"thị xã", "thi xa", "thị xã", DC_VOCAB_TOWN, 0},
    {"tx", "tx", "thị xã", DC_VOCAB_TOWN, ABBREV},
    {"thành phố", "thanh pho", "thành phố", DC_VOCAB_CITY, 0},
    {"tp", "tp", "thành phố", DC_VOCAB_CITY, ABBREV},
    {"tỉnh", "tinh", "tỉnh", DC_VOCAB_PROVINCE, 0},
    {"t", "t", "tỉnh", DC_VOCAB_PROVINCE, LETTER},
    /* Streets. */
    {"đường", "duong", "đường", DC_VOCAB_STREET, 0},
    {"đ", "d", "đường", DC_VOCAB_STREET, LETTER},
    {"đg", "dg", "đường", DC_VOCAB_STREET, ABBREV},
    {"phố", "pho", "phố", DC_VOCAB_STREET, 0},
    {"đại lộ", "dai lo", "đại lộ", DC_VOCAB_STREET, 0},
    {"quốc lộ", "quoc lo", "quốc lộ", DC_VOCAB_STREET, 0},
    {"ql", "ql", "quốc lộ", DC_VOCAB_STREET, ABBREV},
    {"tỉnh lộ", "tinh lo", "tỉnh lộ", DC_VOCAB_STREET, 0},
    {"tl", "tl", "tỉnh lộ", DC_VOCAB_STREET, ABBREV},
    /* House numbers. */
    {"số nhà", "so nha", "số nhà", DC_VOCAB_HOUSE, NUMBER},
    {"sn", "sn", "số nhà", DC_VOCAB_HOUSE, ABBREV | NUMBER},
    {"số", "so", "số", DC_VOCAB_HOUSE, NUMBER},
    /* Alleys. Ngô and Kiệt are names too. */
    {"ngõ", "ngo", "ngõ", DC_VOCAB_ALLEY, NUMBER_FOLDED},
    {"ngách", "ngach", "ngách", DC_VOCAB_ALLEY, 0},
    {"hẻm", "hem", "hẻm", DC_VOCAB_ALLEY, 0},
    {"kiệt", "kiet", "kiệt", DC_VOCAB_ALLEY, NUMBER_FOLDED},
    /* Groups below a zone. Tô and Bàn are names too. */
    {"tổ dân phố", "to dan pho", "tổ dân phố", DC_VOCAB_GROUP, 0},
    {"tdp", "tdp", "tổ dân phố", DC_VOCAB_GROUP, ABBREV},
    {"tổ", "to", "tổ", DC_VOCAB_GROUP, NUMBER_FOLDED},
    {"khu phố", "khu pho", "khu phố", DC_VOCAB_GROUP, 0},
    {"kp", "kp", "khu phố", DC_VOCAB_GROUP, ABBREV},
    {"thôn", "thon", "thôn", DC_VOCAB_GROUP, 0},
    {"bản", "ban", "bản", DC_VOCAB_GROUP, NUMBER_FOLDED},
    {"xóm", "xom", "xóm", DC_VOCAB_GROUP, 0},
    {"ấp", "ap", "ấp", DC_VOCAB_GROUP, 0},
    {"khu", "khu", "khu", DC_VOCAB_GROUP, 0},
    {"khóm", "khom", "khóm", DC_VOCAB_GROUP, 0},
    /* The country, often written last. */
    {"việt nam", "viet nam", "việt nam", DC_VOCAB_COUNTRY, ALONE},
    {"vietnam", "vietnam", "việt nam", DC_VOCAB_COUNTRY, ALONE},
    {"vn", "vn", "việt nam", DC_VOCAB_COUNTRY, ABBREV | ALONE},
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

/* The centrally governed cities (province level), folded. */
static const char *const central_cities[] = {
    "ha noi",    "hanoi",   "ho chi minh", "hcm", "hcmc",
    "hai phong", "da nang", "can tho",     "hue",
};

static const char *const kind_names[] = {
    "none",           "ward",  "commune", "township", "urban_district",
    "rural_district", "town",  "city",    "province", "street",
    "house",          "alley", "group",   "country",
};

const dc_vocab_entry *dc_vocab_table(size_t *count)
{
    if (count) *count = NVOCAB;
    return vocab;
}

const char *dc_vocab_kind_name(dc_vocab_kind kind)
{
    if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0]) return "none";
    return kind_names[kind];
}

bool dc_vocab_is_central_city(const char *folded)
{
    if (!folded) return false;
    for (size_t i = 0; i < sizeof central_cities / sizeof central_cities[0]; i++)
        if (strcmp(folded, central_cities[i]) == 0) return true;
    return false;
}

/* How token @p i matches the spelling (@p exact, @p folded; @p n bytes
 * each at most): 2 its exact form, 1 only its folded form (typed without
 * diacritics), 0 not at all. */
static int form_match(const dc_tokens *t, size_t i, const char *exact, size_t elen,
                      const char *folded, size_t flen)
{
    const dc_token *k = &t->token[i];
    if (k->exact_len == elen && memcmp(dc_token_exact(t, i), exact, elen) == 0) return 2;
    if (!(k->flags & DC_TOKEN_TONED) && k->folded_len == flen &&
        memcmp(dc_token_folded(t, i), folded, flen) == 0)
        return 1;
    return 0;
}

/* Length of the word of @p s that starts at @p s (up to ' ' or NUL). */
static size_t word_len(const char *s)
{
    return strcspn(s, " ");
}

/* Tokens i.. against a spelling of one or more words; returns how many
 * tokens matched (0: no match) and sets *folded when one did only folded. */
static size_t match_words(const dc_tokens *t, size_t i, const dc_vocab_entry *e,
                          bool *folded)
{
    const char *x = e->exact, *f = e->folded;
    size_t n = 0;
    for (;;) {
        size_t xl = word_len(x), fl = word_len(f);
        if (i + n >= t->count) return 0;
        if (n > 0 && (t->token[i + n - 1].flags & DC_TOKEN_COMMA)) return 0;
        int how = form_match(t, i + n, x, xl, f, fl);
        if (how == 0) return 0;
        *folded = *folded || how == 1;
        n++;
        if (x[xl] == '\0' || f[fl] == '\0') return n;
        x += xl + 1;
        f += fl + 1;
    }
}

/* Bytes of the UTF-8 character that starts with @p lead. */
static size_t char_len(unsigned char lead)
{
    return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

/* True when token @p i is one character (a letter) long. */
static bool one_letter(const dc_tokens *t, size_t i)
{
    const dc_token *k = &t->token[i];
    return k->folded_len == 1 && !(k->flags & DC_TOKEN_DIGITS);
}

/* An abbreviation spelt as letters with dots between ("T.P.", "t.p"):
 * returns how many tokens, or 0. */
static size_t match_letters(const dc_tokens *t, size_t i, const dc_vocab_entry *e,
                            bool *folded)
{
    size_t letters = strlen(e->folded);
    if (letters < 2 || i + letters > t->count) return 0;
    const char *x = e->exact;
    for (size_t n = 0; n < letters; n++) {
        const dc_token *k = &t->token[i + n];
        if (!one_letter(t, i + n)) return 0;
        if (n > 0 && !(k->flags & DC_TOKEN_JOINED)) return 0;
        if (n + 1 < letters && !(k->flags & DC_TOKEN_DOT)) return 0;
        size_t xl = char_len((unsigned char)*x);
        int how = form_match(t, i + n, x, xl, e->folded + n, 1);
        if (how == 0) return 0;
        *folded = *folded || how == 1;
        x += xl;
    }
    return letters;
}

/* The rules besides spelling: what must follow the word. */
static bool rules_hold(const dc_tokens *t, size_t i, size_t n, const dc_vocab_entry *e,
                       bool folded)
{
    size_t next = i + n;
    bool value = next < t->count && !(t->token[next - 1].flags & DC_TOKEN_COMMA);
    bool number = value && (t->token[next].flags & DC_TOKEN_NUMBER);
    if ((e->rules & DC_VOCAB_RULE_LETTER) && n == 1) {
        bool dotted = t->token[i].flags & DC_TOKEN_DOT;
        if (!dotted && !((e->rules & DC_VOCAB_RULE_NUMBERED) && number)) return false;
    }
    if (e->rules & DC_VOCAB_RULE_ALONE) return true;
    if (!value) return false;
    if (e->rules & DC_VOCAB_RULE_NUMBER) return number;
    if ((e->rules & DC_VOCAB_RULE_NUMBER_FOLDED) && folded) return number;
    return true;
}

/* Row @p e at token @p i: tokens spanned, 0 when it does not match. */
static size_t match_entry(const dc_tokens *t, size_t i, const dc_vocab_entry *e,
                          bool *folded)
{
    *folded = false;
    size_t n = match_words(t, i, e, folded);
    if (n == 0 && (e->rules & DC_VOCAB_RULE_ABBREV) && one_letter(t, i) &&
        (t->token[i].flags & DC_TOKEN_DOT)) {
        *folded = false;
        n = match_letters(t, i, e, folded);
    }
    if (n == 0 || !rules_hold(t, i, n, e, *folded)) return 0;
    return n;
}

bool dc_vocab_match_at(const dc_tokens *t, size_t i, dc_vocab_match *match)
{
    if (!t || i >= t->count) return false;
    const dc_vocab_entry *best = NULL;
    size_t best_n = 0;
    bool best_folded = false;
    char initial = dc_token_folded(t, i)[0];
    for (size_t r = 0; r < NVOCAB; r++) {
        bool folded;
        if (vocab[r].folded[0] != initial) continue; /* the cheap test first */
        size_t n = match_entry(t, i, &vocab[r], &folded);
        if (n > best_n || (n == best_n && n > 0 && best_folded && !folded)) {
            best = &vocab[r];
            best_n = n;
            best_folded = folded;
        }
    }
    if (!best) return false;
    if (match) {
        match->kind = best->kind;
        match->word = best->word;
        match->tokens = best_n;
        match->flags = (best_folded ? DC_MATCH_FOLDED : 0u) |
                       (best->rules & DC_VOCAB_RULE_ABBREV ? DC_MATCH_ABBREV : 0u);
    }
    return true;
}
