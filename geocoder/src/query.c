/*
 * query.c - a written address to labelled parts, by the rules listed in
 * diachi/query.h (docs/FORMAT.md section 3 has them as a table).
 *
 * One pass finds codes (they may span tokens and contain vocabulary-like
 * letters), a second walks the tokens left to right placing each labelled
 * part, house number and street guess, and a last one gathers what is left
 * into free parts. Parts are then put in the order of their first token.
 */
#include <assert.h>
#include <string.h>

#include "diachi/query.h"

/* Most tokens an address code is written over ("32 101 92P9 G54"). */
#define CODE_MAX_TOKENS 4

typedef struct parser {
    dc_query *q;
    const dc_tokens *t;
    uint16_t owner[DC_TEXT_MAX_TOKENS]; /* 1 + the part that holds a token, or 0 */
    dc_part_kind last;                  /* the kind of the part before the cursor */
    uint16_t last_flags;                /* and its flags */
    bool house, street, district;       /* placed already */
} parser;

static const char *const part_names[] = {
    "free",     "house",    "alley",   "street",   "group", "zone",
    "district", "province", "country", "postcode", "code",  "plus_code",
};

const char *dc_part_kind_name(dc_part_kind kind)
{
    if ((unsigned)kind >= sizeof part_names / sizeof part_names[0]) return "free";
    return part_names[kind];
}

/* ---- parts ------------------------------------------------------------ */

/* Append tokens [first, first + count)'s exact (or folded) forms joined by
 * spaces to q->text; returns the offset. */
static uint16_t put_text(parser *p, size_t first, size_t count, bool folded)
{
    dc_query *q = p->q;
    size_t start = q->text_len;
    for (size_t i = first; i < first + count; i++) {
        const dc_token *k = &p->t->token[i];
        size_t n = folded ? k->folded_len : k->exact_len;
        assert(q->text_len + n + 1 < sizeof q->text);
        if (i > first) q->text[q->text_len++] = ' ';
        memcpy(q->text + q->text_len,
               folded ? dc_token_folded(p->t, i) : dc_token_exact(p->t, i), n);
        q->text_len += n;
    }
    q->text[q->text_len++] = '\0';
    return (uint16_t)start;
}

/* The part of @p kind over value tokens [first, first + count), labelled by
 * @p m (or NULL) over tokens [word_first, first). */
static dc_query_part *add_part(parser *p, dc_part_kind kind, const dc_vocab_match *m,
                               size_t word_first, size_t first, size_t count,
                               uint16_t flags)
{
    dc_query *q = p->q;
    assert(q->nparts < DC_TEXT_MAX_TOKENS);
    dc_query_part *part = &q->part[q->nparts++];
    *part = (dc_query_part){.kind = kind, .flags = flags};
    if (m) {
        part->word_kind = m->kind;
        part->word = m->word;
        part->word_first = (uint16_t)word_first;
        part->word_count = (uint16_t)(first - word_first);
        if (m->flags & DC_MATCH_FOLDED) part->flags |= DC_PART_WORD_FOLDED;
        if (m->flags & DC_MATCH_ABBREV) part->flags |= DC_PART_WORD_ABBREV;
    }
    part->first = (uint16_t)first;
    part->count = (uint16_t)count;
    part->exact = put_text(p, first, count, false);
    part->folded = put_text(p, first, count, true);
    for (size_t i = word_first; i < first + count; i++)
        p->owner[i] = (uint16_t)q->nparts;
    p->last = kind;
    p->last_flags = part->flags;
    return part;
}

static uint32_t digits_value(const char *s)
{
    uint32_t v = 0;
    for (; *s; s++)
        v = v * 10 + (uint32_t)(*s - '0');
    return v;
}

/* ---- codes ------------------------------------------------------------ */

/* An address code over tokens i.. (1 to CODE_MAX_TOKENS, none placed, no
 * comma between): returns how many tokens, or 0. The tokens' exact forms
 * are joined by spaces, which dc_code_parse skips as it skips the '-',
 * '.' and '+' that split them. */
static size_t code_at(const parser *p, size_t i, dc_code *code)
{
    const dc_tokens *t = p->t;
    char buf[4 * DC_CODE_CHARS];
    size_t len = 0;
    if (!(dc_token_exact(t, i)[0] >= '0' && dc_token_exact(t, i)[0] <= '9')) return 0;
    for (size_t k = i; k < i + CODE_MAX_TOKENS && k < t->count; k++) {
        size_t m = t->token[k].exact_len;
        if (p->owner[k] || len + m + 1 > sizeof buf) return 0;
        if (k > i && (t->token[k - 1].flags & DC_TOKEN_COMMA)) return 0;
        if (k > i) buf[len++] = ' ';
        memcpy(buf + len, dc_token_exact(t, k), m);
        len += m;
        size_t sig = dc_code_significant(buf, len, NULL, 0);
        if (sig > DC_CODE_CHARS) return 0;
        if (sig == DC_CODE_CHARS && dc_code_parse(buf, len, code, NULL) == DC_OK)
            return k + 1 - i;
    }
    return 0;
}

/* Rule 1: address codes, then Plus Codes. */
static void find_codes(parser *p)
{
    const dc_tokens *t = p->t;
    for (size_t i = 0; i < t->count; i++) {
        dc_code code;
        size_t n = p->owner[i] ? 0 : code_at(p, i, &code);
        if (n == 0) continue;
        add_part(p, DC_PART_CODE, NULL, i, i, n, 0);
        if (!p->q->has_code) {
            p->q->has_code = true;
            p->q->code = code;
        }
        i += n - 1;
    }
    for (size_t i = 0; i < t->count; i++)
        if (!p->owner[i] && (t->token[i].flags & DC_TOKEN_PLUS) &&
            dc_olc_is_valid(dc_token_exact(t, i)))
            add_part(p, DC_PART_PLUS_CODE, NULL, i, i, 1, 0);
}

/* ---- runs of words ---------------------------------------------------- */

static bool is_unit(dc_vocab_kind kind)
{
    return (kind >= DC_VOCAB_WARD && kind <= DC_VOCAB_PROVINCE) ||
           kind == DC_VOCAB_COUNTRY;
}

static bool has_flag(const dc_tokens *t, size_t i, unsigned flag)
{
    return i < t->count && (t->token[i].flags & flag);
}

/* Rule 3: a vocabulary word at @p j ends a run. */
static bool ends_run(const parser *p, size_t j)
{
    dc_vocab_match m;
    if (!dc_vocab_match_at(p->t, j, &m)) return false;
    if (is_unit(m.kind) || m.tokens > 1 || (m.flags & DC_MATCH_ABBREV)) return true;
    if (!(m.flags & DC_MATCH_FOLDED)) return true;
    return has_flag(p->t, j + 1, DC_TOKEN_NUMBER);
}

static bool folded_is(const dc_tokens *t, size_t i, const char *s)
{
    return i < t->count && strcmp(dc_token_folded(t, i), s) == 0;
}

/* A number that belongs to the words around it: a date in a name ("30
 * tháng 4", "Cách Mạng Tháng 8") anywhere, and "số 5" in a street's name
 * ("đường số 5"). */
static bool name_number(const dc_tokens *t, size_t j, bool street)
{
    return folded_is(t, j - 1, "thang") || folded_is(t, j + 1, "thang") ||
           (street && folded_is(t, j - 1, "so"));
}

/* The end of the run of words that starts at @p i (its first token is
 * always taken): one past its last token. */
static size_t run_end(const parser *p, size_t i, bool street)
{
    const dc_tokens *t = p->t;
    size_t j = i + 1;
    for (; j < t->count; j++) {
        if ((t->token[j - 1].flags & DC_TOKEN_COMMA) || p->owner[j]) break;
        if ((t->token[j].flags & DC_TOKEN_NUMBER) && !name_number(t, j, street)) break;
        if (ends_run(p, j)) break;
    }
    return j;
}

/* ---- labelled parts --------------------------------------------------- */

static dc_part_kind kind_of(dc_vocab_kind word)
{
    switch (word) {
    case DC_VOCAB_WARD:
    case DC_VOCAB_COMMUNE:
    case DC_VOCAB_TOWNSHIP:
        return DC_PART_ZONE;
    case DC_VOCAB_URBAN_DISTRICT:
    case DC_VOCAB_RURAL_DISTRICT:
    case DC_VOCAB_TOWN:
    case DC_VOCAB_CITY:
        return DC_PART_DISTRICT;
    case DC_VOCAB_PROVINCE:
        return DC_PART_PROVINCE;
    case DC_VOCAB_STREET:
        return DC_PART_STREET;
    case DC_VOCAB_HOUSE:
        return DC_PART_HOUSE;
    case DC_VOCAB_ALLEY:
        return DC_PART_ALLEY;
    case DC_VOCAB_GROUP:
        return DC_PART_GROUP;
    case DC_VOCAB_COUNTRY:
        return DC_PART_COUNTRY;
    default:
        return DC_PART_FREE;
    }
}

/* Rule 2: the vocabulary word @p m at @p i and its value; returns the
 * token after them. */
static size_t labelled(parser *p, size_t i, const dc_vocab_match *m)
{
    const dc_tokens *t = p->t;
    size_t v = i + m->tokens;
    dc_part_kind kind = kind_of(m->kind);
    if (kind == DC_PART_COUNTRY) {
        add_part(p, kind, m, i, i, m->tokens, 0);
        return v;
    }
    size_t end = v + 1;
    uint16_t flags = 0;
    if (kind == DC_PART_STREET)
        end = run_end(p, v, true);
    else if (t->token[v].flags & DC_TOKEN_NUMBER)
        flags = DC_PART_NUMBERED;
    else
        end = run_end(p, v, false);
    if (m->kind == DC_VOCAB_CITY) {
        dc_query_part *part = add_part(p, kind, m, i, v, end - v, flags);
        if (p->district ||
            dc_vocab_is_central_city(dc_query_folded(p->q, p->q->nparts - 1)))
            part->kind = p->last = DC_PART_PROVINCE;
    } else {
        add_part(p, kind, m, i, v, end - v, flags);
    }
    p->house = p->house || kind == DC_PART_HOUSE;
    p->street = p->street || kind == DC_PART_STREET;
    p->district = p->district || p->last == DC_PART_DISTRICT;
    return end;
}

/* A vocabulary word at @p i whose tokens, and its value's first, are free. */
static bool word_at(const parser *p, size_t i, dc_vocab_match *m)
{
    if (!dc_vocab_match_at(p->t, i, m)) return false;
    size_t end = i + m->tokens + (m->kind == DC_VOCAB_COUNTRY ? 0 : 1);
    for (size_t k = i; k < end; k++)
        if (k >= p->t->count || p->owner[k]) return false;
    return true;
}

/* Rule 4: a number with no word before it. */
static void lone_number(parser *p, size_t i)
{
    const dc_token *k = &p->t->token[i];
    dc_query *q = p->q;
    if ((k->flags & DC_TOKEN_DIGITS) && k->exact_len == DC_CODE_POSTCODE_DIGITS &&
        !q->has_postcode) {
        add_part(p, DC_PART_POSTCODE, NULL, i, i, 1, DC_PART_GUESS);
        q->has_postcode = true;
        q->postcode = digits_value(dc_token_exact(p->t, i));
    } else if (!p->house) {
        add_part(p, DC_PART_HOUSE, NULL, i, i, 1, DC_PART_GUESS | DC_PART_NUMBERED);
        p->house = true;
    } else {
        p->last = DC_PART_FREE;
    }
}

/* Rule 5: a run of words with no word before it; returns its end. */
static size_t lone_run(parser *p, size_t i)
{
    size_t end = run_end(p, i, false);
    bool after_number = p->last == DC_PART_HOUSE ||
                        (p->last == DC_PART_ALLEY && (p->last_flags & DC_PART_NUMBERED));
    if (after_number && !p->street) {
        add_part(p, DC_PART_STREET, NULL, i, i, end - i, DC_PART_GUESS);
        p->street = true;
    } else {
        p->last = DC_PART_FREE;
    }
    return end;
}

static void place(parser *p)
{
    const dc_tokens *t = p->t;
    for (size_t i = 0; i < t->count;) {
        dc_vocab_match m;
        if (p->owner[i]) {
            p->last = p->q->part[p->owner[i] - 1].kind;
            p->last_flags = p->q->part[p->owner[i] - 1].flags;
            i++;
        } else if (word_at(p, i, &m)) {
            i = labelled(p, i, &m);
        } else if (t->token[i].flags & DC_TOKEN_NUMBER) {
            lone_number(p, i++);
        } else {
            i = lone_run(p, i);
        }
    }
}

/* What is left, in runs that stop at commas and placed tokens. */
static void gather_free(parser *p)
{
    const dc_tokens *t = p->t;
    for (size_t i = 0; i < t->count;) {
        if (p->owner[i]) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < t->count && !p->owner[j] && !(t->token[j - 1].flags & DC_TOKEN_COMMA))
            j++;
        add_part(p, DC_PART_FREE, NULL, i, i, j - i, 0);
        i = j;
    }
}

static size_t part_start(const dc_query_part *part)
{
    return part->word_count ? part->word_first : part->first;
}

/* Parts in the order of their first token (insertion sort: a handful). */
static void sort_parts(dc_query *q)
{
    for (size_t i = 1; i < q->nparts; i++) {
        dc_query_part x = q->part[i];
        size_t j = i;
        for (; j > 0 && part_start(&q->part[j - 1]) > part_start(&x); j--)
            q->part[j] = q->part[j - 1];
        q->part[j] = x;
    }
}

static void copy_tokens(dc_tokens *to, const dc_tokens *from)
{
    to->count = from->count;
    memcpy(to->token, from->token, from->count * sizeof from->token[0]);
    to->text_len = from->text_len;
    memcpy(to->text, from->text, from->text_len);
}

dc_err dc_query_parse(const char *text, size_t len, dc_query *q, dc_error *err)
{
    if (!q || (!text && len > 0))
        return dc_error_set(err, DC_E_INVALID_ARG, "no query or no result");
    dc_tokens tokens;
    dc_err rc = dc_text_tokenize(text, len, &tokens, err);
    if (rc != DC_OK) return rc;
    if (tokens.count == 0)
        return dc_error_set(err, DC_E_TEXT_EMPTY, "the query has no words");
    copy_tokens(&q->tokens, &tokens);
    q->nparts = 0;
    q->has_code = q->has_postcode = false;
    q->postcode = 0;
    memset(&q->code, 0, sizeof q->code);
    q->text_len = 0;
    parser p = {.q = q, .t = &q->tokens};
    find_codes(&p);
    p.last = DC_PART_FREE;
    place(&p);
    gather_free(&p);
    sort_parts(q);
    return DC_OK;
}
