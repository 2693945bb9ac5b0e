/*
 * search_words.c - a search query's parts as the parser labelled them,
 * reported back, and its name words: the words that may spell a street,
 * group or place, each with its part, its exact and folded forms and
 * whether the query was typed with tones; the house number found and an
 * alley written into it. search.c looks the words up.
 */
#include <stdlib.h>
#include <string.h>

#include "search_internal.h"

/* ---- the query's parts and name words ---------------------------------- */

void dc_search_report_parts(const dc_query *q, dc_search_result *out)
{
    size_t at = 0;
    out->nparts = q->nparts < DC_SEARCH_MAX_PARTS ? q->nparts : DC_SEARCH_MAX_PARTS;
    for (size_t i = 0; i < out->nparts; i++) {
        const dc_query_part *p = &q->part[i];
        const char *v = dc_query_exact(q, i);
        size_t n = strlen(v);
        if (at + n + 1 > sizeof out->text) n = 0;
        memcpy(out->text + at, v, n);
        out->text[at + n] = '\0';
        out->parts[i] = (dc_search_part){dc_part_kind_name(p->kind), p->word,
                                         (dc_str){out->text + at, n},
                                         (p->flags & DC_PART_GUESS) != 0};
        at += n + 1;
    }
}

static bool name_part(dc_part_kind k)
{
    return k == DC_PART_STREET || k == DC_PART_ALLEY || k == DC_PART_GROUP ||
           k == DC_PART_ZONE || k == DC_PART_DISTRICT || k == DC_PART_PROVINCE ||
           k == DC_PART_FREE;
}

static dc_ntok *add_word(struct dc_search_scratch *x, size_t part, uint8_t pkind)
{
    if (x->nnt == DC_NT_MAX) return NULL;
    dc_ntok *t = &x->nt[x->nnt++];
    const dc_query_part *p = &x->q.part[part];
    *t = (dc_ntok){.part = (int16_t)part,
                   .token = -1,
                   .pkind = pkind,
                   .numbered = (p->flags & DC_PART_NUMBERED) != 0,
                   .labelled = p->word_count > 0};
    return t;
}

/* A word is taken as written with its tones when any word of the query
 * carries a diacritic: whoever types "Ấp Thanh Bình" with a Vietnamese
 * keyboard means the level tone of "Thanh", not Thành or Thạnh; a query
 * with no diacritic at all says nothing of any word's tones. */
static bool query_toned(const dc_tokens *tk)
{
    for (size_t i = 0; i < tk->count; i++)
        if (tk->token[i].flags & DC_TOKEN_TONED) return true;
    return false;
}

static void word_of_token(struct dc_search_scratch *x, dc_ntok *t, size_t i)
{
    const dc_tokens *tk = &x->q.tokens;
    t->exact = dc_token_exact(tk, i);
    t->folded = dc_token_folded(tk, i);
    t->elen = tk->token[i].exact_len;
    t->flen = tk->token[i].folded_len;
    t->toned = query_toned(tk);
}

/* The house number: the first one a word labels, else the first guessed. */
static void find_house(struct dc_search_scratch *x)
{
    x->house_part = -1;
    for (size_t i = 0; i < x->q.nparts; i++) {
        const dc_query_part *p = &x->q.part[i];
        if (p->kind != DC_PART_HOUSE) continue;
        if (x->house_part < 0 || !(p->flags & DC_PART_GUESS)) {
            if (x->house_part >= 0 && !(x->q.part[x->house_part].flags & DC_PART_GUESS))
                continue;
            x->house_part = (int)i;
        }
    }
    x->house_token = -1;
    if (x->house_part >= 0) {
        x->house = dc_query_folded(&x->q, (size_t)x->house_part);
        x->house_len = strlen(x->house);
        x->house_token = x->q.part[x->house_part].first;
    }
}

/* "Đường Trần Hưng Đạo số 45/7": the parser keeps a number after số in a
 * street's name (đường số 5 is a street); after the street's words, and
 * with no house number elsewhere, it is the house number. Its token, or
 * -1. */
static int house_in_street(struct dc_search_scratch *x, size_t part)
{
    const dc_query_part *p = &x->q.part[part];
    const dc_tokens *t = &x->q.tokens;
    if (x->house_part >= 0 || p->kind != DC_PART_STREET) return -1;
    for (size_t k = (size_t)p->first + 1; k + 1 < (size_t)p->first + p->count; k++)
        if (strcmp(dc_token_folded(t, k), "so") == 0 &&
            (t->token[k + 1].flags & DC_TOKEN_NUMBER)) {
            x->house_part = (int)part;
            x->house_token = (int)k + 1;
            x->house = dc_token_folded(t, k + 1);
            x->house_len = t->token[k + 1].folded_len;
            return (int)k;
        }
    return -1;
}

/* The alley number of a house number "N/k" ("12" of "12/3/5"), as a word
 * of the house's part: the alley's street is named "Ngõ N <street>". */
static void alley_of_house(struct dc_search_scratch *x)
{
    if (x->house_part < 0) return;
    for (size_t i = 0; i < x->q.nparts; i++)
        if (x->q.part[i].kind == DC_PART_ALLEY && (x->q.part[i].flags & DC_PART_NUMBERED))
            return; /* the alley is named: its own word serves */
    const char *slash = memchr(x->house, '/', x->house_len);
    size_t n = slash ? (size_t)(slash - x->house) : 0;
    if (n == 0 || n >= sizeof x->synth || x->house[0] < '0' || x->house[0] > '9') return;
    memcpy(x->synth, x->house, n);
    x->synth[n] = '\0';
    dc_ntok *t = add_word(x, (size_t)x->house_part, DC_PART_HOUSE);
    if (!t) return;
    t->exact = t->folded = x->synth;
    t->elen = t->flen = (uint16_t)n;
    t->synthetic = true;
}

/* The words that label part @p i, when they follow a name's word with no
 * comma between: the parser reads "Lý Thái Tổ" as a street and a group
 * (tổ), "Lạc Long Quân" as a street and a district (quân: quận), "Lý
 * Thường Kiệt" as a street and an alley; as optional name words the runs
 * of the search may take them back into the name. */
static void label_words(struct dc_search_scratch *x, size_t i)
{
    const dc_query_part *p = &x->q.part[i];
    const dc_tokens *tk = &x->q.tokens;
    if (!p->word_count || !name_part(p->kind) || x->nnt == 0) return;
    const dc_ntok *prev = &x->nt[x->nnt - 1];
    if (prev->token < 0 || prev->token + 1 != (int)p->word_first ||
        (tk->token[prev->token].flags & DC_TOKEN_COMMA))
        return;
    for (size_t k = p->word_first; k < (size_t)p->word_first + p->word_count; k++) {
        dc_ntok *t = add_word(x, i, DC_PART_FREE);
        if (!t) return;
        word_of_token(x, t, k);
        t->token = (int16_t)k;
        t->label = true;
        t->labelled = false;
    }
}

void dc_search_name_words(struct dc_search_scratch *x)
{
    const dc_query *q = &x->q;
    x->nnt = 0;
    find_house(x);
    for (size_t i = 0; i < q->nparts; i++) {
        const dc_query_part *p = &q->part[i];
        label_words(x, i);
        /* a guessed house number may be a street's name instead (7/5) */
        if (!name_part(p->kind) &&
            !(p->kind == DC_PART_HOUSE && (p->flags & DC_PART_GUESS)))
            continue;
        /* a street guessed by position may hold the zone's words too
         * ("12/3 vo nguyen giap muong thanh"): its words name anything */
        uint8_t pkind = !name_part(p->kind)        ? DC_PART_HOUSE
                        : p->flags & DC_PART_GUESS ? DC_PART_FREE
                                                   : (uint8_t)p->kind;
        int so = house_in_street(x, i);
        for (size_t k = p->first; k < (size_t)p->first + p->count; k++) {
            if (so >= 0 && (k == (size_t)so || k == (size_t)so + 1)) continue;
            dc_ntok *t = add_word(x, i, pkind);
            if (!t) break;
            word_of_token(x, t, k);
            t->token = (int16_t)k;
            t->doubtful = (p->flags & DC_PART_WORD_FOLDED) != 0;
        }
    }
    alley_of_house(x);
    x->all = 0;
    for (size_t i = 0; i < x->nnt; i++)
        if (!x->nt[i].synthetic && !x->nt[i].label && x->nt[i].pkind != DC_PART_HOUSE)
            x->all |= 1ull << i;
}
