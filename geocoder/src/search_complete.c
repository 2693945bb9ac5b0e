/*
 * search_complete.c - dc_search_complete (diachi/search.h): the last part
 * of a query as it is typed, its whole words and the prefix of its last,
 * matched against the names of the index's entities. The ids are the
 * intersection of the whole words' posting lists with the union of the
 * lists of the words the prefix starts (the first 64 in byte order), the
 * smallest side driving; each candidate's name is then read to find where
 * the typed words stand in it.
 */
#include <stdlib.h>
#include <string.h>

#include "search_internal.h"

/* Words the prefix of the last word may stand for, at most. */
#define PREFIX_WORDS 64
/* Candidates a prefix alone (no whole word before it) leads to, at most:
 * the first in id order, so provinces, districts and zones before groups
 * and streets, and shorter names first. */
#define PREFIX_IDS 2048
/* Candidates a whole word leads to, at most (the first in id order): an
 * autocomplete is asked on every keystroke and answers ten. */
#define COMPLETE_IDS 8192
_Static_assert(COMPLETE_IDS <= DC_IDS_MAX, "the scratch holds the candidates");

/* What is being completed: the whole words and the prefix, as name words
 * of x->nt (each with its own posting list), and the prefix's words. */
typedef struct typed {
    size_t first, nwhole; /* the whole words: x->nt[first..first + nwhole) */
    const char *prefix;
    size_t prefix_len; /* 0: the last word is whole */
    size_t nwords;     /* x->nt[DC_NT_MAX - nwords..]: the prefix's words */
    unsigned kinds;
    bool labelled;      /* the part has its word: complete with the proper name */
    bool at_start;      /* the name must start with the typed words */
    size_t start_token; /* where the typed words start, in the query's tokens */
} typed;

/* Whether @p id is in any of @p n lists (cursors moved forward only: the
 * ids asked for ascend). */
static int in_any(dc_postings *pl, uint32_t *cur, int *state, size_t n, uint32_t id)
{
    for (size_t a = 0; a < n; a++) {
        if (state[a] == 2 || (state[a] == 1 && cur[a] < id))
            state[a] = dc_postings_seek(&pl[a], id, &cur[a]);
        if (state[a] < 0) return -1;
        if (state[a] == 1 && cur[a] == id) return 1;
    }
    return 0;
}

/* A heap of posting lists by their current id, smallest on top. */
typedef struct head {
    uint32_t id;
    uint32_t list;
} head;

static void sift_down(head *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && h[l].id < h[m].id) m = l;
        if (l + 1 < n && h[l + 1].id < h[m].id) m = l + 1;
        if (m == i) return;
        head tmp = h[i];
        h[i] = h[m], h[m] = tmp;
        i = m;
    }
}

/* The first PREFIX_IDS ids of the union of @p n lists, ascending, each
 * once: the lists merged through a heap, which stops as soon as it has
 * them (no list is read further than its share of them). */
static dc_err union_first(const dc_postings *words, size_t n, uint32_t *out, size_t *nout)
{
    dc_postings lists[PREFIX_WORDS];
    head h[PREFIX_WORDS];
    size_t nh = 0, m = 0;
    memcpy(lists, words, n * sizeof *lists);
    for (size_t a = 0; a < n; a++) {
        int got = dc_postings_next(&lists[a], &h[nh].id);
        if (got < 0) return DC_E_INDEX_CORRUPT;
        if (got == 1) h[nh++].list = (uint32_t)a;
    }
    for (size_t i = nh / 2; i-- > 0;)
        sift_down(h, nh, i);
    while (nh && m < PREFIX_IDS) {
        if (m == 0 || out[m - 1] != h[0].id) out[m++] = h[0].id;
        int got = dc_postings_next(&lists[h[0].list], &h[0].id);
        if (got < 0) return DC_E_INDEX_CORRUPT;
        if (got == 0) h[0] = h[--nh];
        sift_down(h, nh, 0);
    }
    *nout = m;
    return DC_OK;
}

/* The candidate ids into x->ids: every whole word's, and one of the
 * prefix's words'. */
static dc_err candidates(struct dc_search_scratch *x, const typed *t, dc_postings *words,
                         size_t nwords, size_t *nids)
{
    size_t n = 0, prefix_count = 0, driver = SIZE_MAX, best = SIZE_MAX;
    for (size_t a = 0; a < nwords; a++)
        prefix_count += dc_postings_count(&words[a]);
    for (size_t i = 0; i < t->nwhole; i++) {
        size_t c = dc_postings_count(&x->nt[t->first + i].alt[0].pl);
        if (c < best) best = c, driver = i;
    }
    if (t->prefix_len && prefix_count < best) driver = SIZE_MAX;
    if (driver == SIZE_MAX) {
        dc_err rc = union_first(words, nwords, x->ids, &n);
        if (rc != DC_OK) return rc;
    } else {
        dc_postings pl = x->nt[t->first + driver].alt[0].pl;
        uint32_t id;
        int got = 0;
        while (n < COMPLETE_IDS && (got = dc_postings_next(&pl, &id)) == 1)
            x->ids[n++] = id;
        if (n < COMPLETE_IDS && got < 0) return DC_E_INDEX_CORRUPT;
    }
    /* every other whole word, and the prefix when it did not drive */
    for (size_t i = 0; i <= t->nwhole && n; i++) {
        dc_postings lists[PREFIX_WORDS];
        uint32_t cur[PREFIX_WORDS];
        int state[PREFIX_WORDS];
        size_t nl;
        if (i == driver || (i == t->nwhole && (driver == SIZE_MAX || !t->prefix_len)))
            continue;
        if (i < t->nwhole) {
            lists[0] = x->nt[t->first + i].alt[0].pl;
            nl = 1;
        } else {
            memcpy(lists, words, nwords * sizeof *words);
            nl = nwords;
        }
        for (size_t a = 0; a < nl; a++)
            state[a] = 2, cur[a] = 0;
        size_t kept = 0;
        for (size_t j = 0; j < n; j++) {
            int r = in_any(lists, cur, state, nl, x->ids[j]);
            if (r < 0) return DC_E_INDEX_CORRUPT;
            if (r && (kept == 0 || x->ids[kept - 1] != x->ids[j]))
                x->ids[kept++] = x->ids[j];
        }
        n = kept;
    }
    *nids = n;
    return DC_OK;
}

static bool starts_with(dc_str w, const char *p, size_t n)
{
    return w.len >= n && memcmp(w.ptr, p, n) == 0;
}

/* How many of the whole typed words have the tones of the name's words
 * from @p at on (its exact form, words joined by ' '). */
static unsigned exact_words(const struct dc_search_scratch *x, const typed *t,
                            dc_str exact, size_t at)
{
    const char *p = exact.ptr, *end = p + exact.len;
    unsigned n = 0;
    for (size_t i = 0; p < end && i < at + t->nwhole; i++) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        size_t len = (size_t)((sp ? sp : end) - p);
        if (i >= at) {
            const dc_ntok *k = &x->nt[t->first + i - at];
            n += len == k->elen && memcmp(p, k->exact, len) == 0;
        }
        p += len + 1;
    }
    return n;
}

/* Where the typed words stand in a name of folded words: the first
 * position they fit, or -1. */
static int fit(const struct dc_search_scratch *x, const typed *t, dc_str folded,
               dc_str exact, bool *whole, unsigned *exacts)
{
    dc_str w[DC_SPAN_MAX * 4];
    size_t nw = 0;
    const char *p = folded.ptr, *end = p + folded.len;
    while (p < end && nw < sizeof w / sizeof w[0]) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        size_t len = (size_t)((sp ? sp : end) - p);
        w[nw++] = (dc_str){p, len};
        p += len + 1;
    }
    size_t need = t->nwhole + (t->prefix_len ? 1 : 0);
    for (size_t at = 0; at + need <= nw && (at == 0 || !t->at_start); at++) {
        size_t i = 0;
        for (; i < t->nwhole; i++) {
            const dc_ntok *k = &x->nt[t->first + i];
            if (w[at + i].len != k->flen ||
                memcmp(w[at + i].ptr, k->folded, k->flen) != 0)
                break;
        }
        if (i < t->nwhole) continue;
        if (!t->prefix_len || starts_with(w[at + i], t->prefix, t->prefix_len)) {
            /* the typed words are the whole name */
            *whole = at == 0 && at + need == nw &&
                     (!t->prefix_len || w[at + i].len == t->prefix_len);
            *exacts = exact_words(x, t, exact, at);
            return (int)at;
        }
    }
    return -1;
}

static int by_completion(const void *pa, const void *pb)
{
    const dc_completion *a = pa, *b = pb;
    if (a->whole != b->whole) return a->whole ? -1 : 1;
    if (a->exacts != b->exacts) return a->exacts > b->exacts ? -1 : 1;
    if ((a->at == 0) != (b->at == 0)) return a->at == 0 ? -1 : 1;
    if (a->weight != b->weight) return a->weight > b->weight ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

/* The completions as a heap, the one by_completion puts first on top: the
 * answers take a few from the top (ten, and the names they pass as
 * repeats), so the rest is never sorted. */
static void comp_sift(dc_completion *c, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && by_completion(&c[l], &c[m]) < 0) m = l;
        if (l + 1 < n && by_completion(&c[l + 1], &c[m]) < 0) m = l + 1;
        if (m == i) return;
        dc_completion tmp = c[i];
        c[i] = c[m], c[m] = tmp;
        i = m;
    }
}

static void comp_heapify(struct dc_search_scratch *x)
{
    for (size_t i = x->ncomp / 2; i-- > 0;)
        comp_sift(x->comp, x->ncomp, i);
}

/* The first completion left, taken off the heap. */
static dc_completion comp_pop(struct dc_search_scratch *x)
{
    dc_completion top = x->comp[0];
    x->comp[0] = x->comp[--x->ncomp];
    comp_sift(x->comp, x->ncomp, 0);
    return top;
}

static uint32_t weight_of(dc_geo_session *s, const dc_entity *e)
{
    dc_zone z;
    if (e->kind == DC_ENTITY_STREET || e->kind == DC_ENTITY_GROUP) return e->count;
    if (e->kind == DC_ENTITY_ZONE)
        return dc_geo_zone_of(s->geo, e->postcode, &z) == DC_OK ? z.household_count : 0;
    return UINT32_MAX / 2 + e->count; /* a district or province before its parts */
}

typedef struct ranking {
    dc_geo_session *s;
    struct dc_search_scratch *x;
    const typed *t;
} ranking;

static int rank_entity(void *ctx, const dc_entity *e)
{
    ranking *r = ctx;
    struct dc_search_scratch *x = r->x;
    bool whole = false;
    unsigned exacts = 0;
    if (x->ncomp == DC_CAND_MAX) return 1;
    if (e->former) return 0; /* completes today's names; search finds the former */
    int at = fit(x, r->t, e->folded, e->exact, &whole, &exacts);
    if (at < 0) return 0;
    x->comp[x->ncomp++] = (dc_completion){
        e->id, weight_of(r->s, e), (uint8_t)(at > 255 ? 255 : at), (uint8_t)e->kind,
        whole, (uint8_t)exacts};
    return 0;
}

/* The candidates of the kinds wanted (told by their id ranges, unread),
 * read in id order through one cursor, fitted, and put in a heap in the
 * order of by_completion. */
static dc_err rank(dc_geo_session *s, struct dc_search_scratch *x, const typed *t,
                   size_t nids)
{
    const dc_index *idx = dc_geo_index(s->geo);
    uint32_t start[DC_ENTITY_KINDS + 1], unused;
    for (unsigned k = 0; k < DC_ENTITY_KINDS; k++)
        dc_index_search_range(idx, (dc_entity_kind)k, 1, &start[k], &unused);
    start[DC_ENTITY_KINDS] = dc_index_search_entities(idx);
    size_t n = 0;
    for (size_t j = 0; j < nids; j++) {
        unsigned k = 0;
        while (k + 1 < DC_ENTITY_KINDS && x->ids[j] >= start[k + 1])
            k++;
        if (t->kinds >> k & 1) x->ids[n++] = x->ids[j];
    }
    ranking r = {s, x, t};
    x->ncomp = 0;
    dc_err rc = dc_index_search_entities_read(s->txn, x->ids, n, rank_entity, &r);
    if (rc == DC_OK) comp_heapify(x);
    return rc;
}

/* ---- answers ------------------------------------------------------------ */

static bool same_str(dc_str a, dc_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* What replaces the typed words in the query's text: the map's name from
 * *from on. When the name starts with a vocabulary word ("Ngõ 12 Võ
 * Nguyên Giáp", "Bản Co Mỵ"), the query's words before the typed ones that
 * spell it are replaced too ("ngo 12 vo" gives "Ngõ 12 Võ Nguyên Giáp");
 * when the query wrote another word of its kind ("hẻm"), the name goes
 * without its own. */
static dc_str shown_name(struct dc_search_scratch *x, const typed *t, dc_str name,
                         size_t *from)
{
    const dc_tokens *q = &x->q.tokens;
    dc_vocab_match m;
    *from = q->token[t->start_token].offset;
    if (dc_text_tokenize(name.ptr, name.len, &x->names, NULL) != DC_OK ||
        x->names.count == 0 || !dc_vocab_match_at(&x->names, 0, &m) ||
        m.tokens >= x->names.count)
        return name;
    size_t k = m.tokens;
    bool spelt = t->start_token >= k;
    for (size_t i = 0; spelt && i < k; i++) {
        const dc_token *a = &q->token[t->start_token - k + i], *b = &x->names.token[i];
        spelt = a->folded_len == b->folded_len &&
                memcmp(dc_token_folded(q, t->start_token - k + i),
                       dc_token_folded(&x->names, i), a->folded_len) == 0;
    }
    if (spelt) {
        *from = q->token[t->start_token - k].offset;
        return name;
    }
    if (!t->labelled) return name;
    size_t at = x->names.token[k].offset;
    return (dc_str){name.ptr + at, name.len - at};
}

/* The query's text up to the typed words, then @p name, cut to fit on a
 * character boundary. */
static void answer_text(const char *text, size_t before, dc_str name, char *out,
                        size_t size)
{
    size_t n = before < size - 1 ? before : size - 1;
    memcpy(out, text, n);
    size_t m = name.len < size - 1 - n ? name.len : size - 1 - n;
    while (m < name.len && m > 0 && ((unsigned char)name.ptr[m] & 0xc0) == 0x80)
        m--;
    memcpy(out + n, name.ptr, m);
    out[n + m] = '\0';
}

/* A street and a group of one name in one zone are one place (a hamlet). */
static bool same_class(uint8_t a, uint8_t b)
{
    bool pa = a == DC_ENTITY_STREET || a == DC_ENTITY_GROUP,
         pb = b == DC_ENTITY_STREET || b == DC_ENTITY_GROUP;
    return a == b || (pa && pb);
}

/* The district and province an answer lies in, to tell names apart. */
static void locality(dc_geo_session *s, const dc_entity *e, dc_str *district,
                     dc_str *province, dc_zone *zone, bool *has_zone)
{
    dc_entity_walk w;
    uint32_t pc = e->postcode;
    *has_zone = false;
    *district = *province = (dc_str){"", 0};
    if (e->kind == DC_ENTITY_DISTRICT || e->kind == DC_ENTITY_PROVINCE) {
        dc_entity_walk_begin(e, &w);
        if (dc_entity_walk_next(&w, &pc, NULL) != 1) return;
    }
    if (dc_geo_zone_of(s->geo, pc, zone) != DC_OK) return;
    *has_zone = true;
    if (e->kind != DC_ENTITY_PROVINCE) *district = zone->district;
    *province = zone->province;
}

static dc_err answers(dc_geo_session *s, struct dc_search_scratch *x, const typed *t,
                      const char *text, dc_complete_result *out)
{
    dc_str seen_name[DC_COMPLETE_MAX], seen_district[DC_COMPLETE_MAX],
        seen_province[DC_COMPLETE_MAX];
    uint8_t seen_kind[DC_COMPLETE_MAX];
    while (x->ncomp && out->nanswers < DC_COMPLETE_MAX) {
        dc_entity e;
        dc_str name, district, province;
        dc_complete_answer *a = &out->answers[out->nanswers];
        dc_err rc = dc_index_search_entity(s->txn, comp_pop(x).id, &e);
        if (rc == DC_OK) rc = dc_index_search_name(s->txn, &e, &name);
        if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
        memset(a, 0, sizeof *a);
        locality(s, &e, &district, &province, &a->zone, &a->has_zone);
        bool dup = false;
        for (size_t k = 0; k < out->nanswers && !dup; k++)
            dup = same_class(seen_kind[k], e.kind) && same_str(seen_name[k], name) &&
                  same_str(seen_district[k], district) &&
                  same_str(seen_province[k], province);
        if (dup) continue;
        seen_kind[out->nanswers] = (uint8_t)e.kind;
        seen_name[out->nanswers] = name;
        seen_district[out->nanswers] = district;
        seen_province[out->nanswers] = province;
        a->kind = e.kind;
        a->name = name;
        size_t before;
        dc_str shown = shown_name(x, t, name, &before);
        answer_text(text, before, shown, a->text, sizeof a->text);
        a->postcode = e.kind >= DC_ENTITY_ZONE ? e.postcode : 0;
        if (e.kind == DC_ENTITY_DISTRICT || e.kind == DC_ENTITY_PROVINCE)
            a->has_zone = false;
        a->lat_e7 = e.lat_e7, a->lon_e7 = e.lon_e7;
        if (e.kind <= DC_ENTITY_ZONE)
            a->lat_e7 = a->zone.ref_lat_e7, a->lon_e7 = a->zone.ref_lon_e7;
        a->household_count = e.kind == DC_ENTITY_ZONE ? a->zone.household_count : e.count;
        out->nanswers++;
    }
    return DC_OK;
}

/* ---- the typed words ---------------------------------------------------- */

/* The part whose value holds the last token. */
static int last_part(const dc_query *q)
{
    size_t last = q->tokens.count - 1;
    for (size_t i = 0; i < q->nparts; i++) {
        const dc_query_part *p = &q->part[i];
        if (p->count && last >= p->first && last < (size_t)p->first + p->count)
            return (int)i;
    }
    return -1;
}

/* The typed words from token @p from to the last, as name words with
 * their lists; false when a whole word is not in the index. */
static dc_err typed_words(dc_geo_session *s, struct dc_search_scratch *x, size_t from,
                          bool partial, typed *t, bool *ok)
{
    const dc_tokens *tk = &x->q.tokens;
    size_t last = tk->count - 1, whole_end = partial ? last : last + 1;
    *ok = true;
    x->nnt = 0;
    t->first = 0;
    t->nwhole = 0;
    for (size_t i = from; i < whole_end && x->nnt < DC_SPAN_MAX; i++) {
        dc_ntok *k = &x->nt[x->nnt++];
        memset(k, 0, sizeof *k);
        k->folded = dc_token_folded(tk, i);
        k->flen = tk->token[i].folded_len;
        k->exact = dc_token_exact(tk, i);
        k->elen = tk->token[i].exact_len;
        dc_err rc = dc_index_search_word(s->txn, k->folded, k->flen, &k->alt[0].pl);
        if (rc == DC_E_NOT_FOUND || rc == DC_E_INVALID_ARG) {
            *ok = false;
            return DC_OK;
        }
        if (rc != DC_OK) return rc;
        k->nalts = 1;
        t->nwhole++;
    }
    t->prefix = partial ? dc_token_folded(tk, last) : NULL;
    t->prefix_len = partial ? tk->token[last].folded_len : 0;
    t->start_token = from;
    return DC_OK;
}

static int gather_prefix(void *ctx, const char *folded, size_t len, dc_postings *pl)
{
    dc_postings *words = ctx;
    (void)folded, (void)len;
    size_t n = words[PREFIX_WORDS].count;
    words[n] = *pl;
    words[PREFIX_WORDS].count = (uint32_t)(n + 1);
    return n + 1 == PREFIX_WORDS;
}

/* Complete from token @p from: the answers, when there are any. */
static dc_err complete_from(dc_geo_session *s, struct dc_search_scratch *x, size_t from,
                            bool partial, typed *t, const char *text,
                            dc_complete_result *out)
{
    dc_postings words[PREFIX_WORDS + 1];
    size_t nids = 0;
    bool ok;
    dc_err rc = typed_words(s, x, from, partial, t, &ok);
    if (rc != DC_OK || !ok || (!t->nwhole && !t->prefix_len)) return rc;
    words[PREFIX_WORDS].count = 0;
    if (t->prefix_len && t->prefix_len <= 255)
        rc = dc_index_search_prefix(s->txn, t->prefix, t->prefix_len, gather_prefix,
                                    words);
    size_t nwords = words[PREFIX_WORDS].count;
    if (rc != DC_OK || (t->prefix_len && nwords == 0)) return rc;
    rc = candidates(x, t, words, nwords, &nids);
    if (rc == DC_OK) rc = rank(s, x, t, nids);
    if (rc == DC_OK) rc = answers(s, x, t, text, out);
    return rc;
}

dc_err dc_search_complete(dc_geo_session *s, const char *text, size_t len,
                          dc_complete_result *out, dc_error *err)
{
    struct dc_search_scratch *x;
    if (!s || !out || (!text && len)) return DC_E_INVALID_ARG;
    dc_err rc = dc_search_scratch(s, &x);
    if (rc != DC_OK) return rc;
    rc = dc_query_parse(text ? text : "", len, &x->q, err);
    if (rc != DC_OK) return rc;
    out->nanswers = 0;
    const dc_query *q = &x->q;
    int p = last_part(q);
    if (p < 0) return DC_OK;
    const dc_query_part *part = &q->part[p];
    const dc_token *last = &q->tokens.token[q->tokens.count - 1];
    bool partial = (size_t)last->offset + last->length == len;
    typed t = {.kinds = dc_search_part_kinds((uint8_t)part->kind,
                                             (part->flags & DC_PART_NUMBERED) != 0),
               .labelled = part->word_count > 0};
    if (part->kind == DC_PART_ALLEY || part->kind == DC_PART_HOUSE)
        t.kinds = 1u << DC_ENTITY_STREET;
    /* a street guessed by position may be a ward being typed: "12 muong th" */
    if ((part->flags & DC_PART_GUESS) && part->kind == DC_PART_STREET)
        t.kinds = (1u << DC_ENTITY_KINDS) - 1;
    /* The longest run of the part's last words that some name holds. */
    size_t end = q->tokens.count, start = part->first;
    /* an alley's number before a street's words: "ngõ 12 Võ Ng" */
    if (p > 0 && q->part[p - 1].kind == DC_PART_ALLEY &&
        (q->part[p - 1].flags & DC_PART_NUMBERED) &&
        q->part[p - 1].first + q->part[p - 1].count == part->first)
        start = q->part[p - 1].first;
    /* Without answers from the part's start, its last words may begin a
     * name of their own ("vo nguyen giap muong th": Mường Thanh), two
     * words at least, and the name must start with them. */
    size_t from = end - start > DC_SPAN_MAX ? end - DC_SPAN_MAX : start;
    for (; rc == DC_OK && from < end && out->nanswers == 0; from++) {
        if (from > start && end - from < 2) break;
        t.at_start = from > start;
        rc = complete_from(s, x, from, partial, &t, text, out);
    }
    return rc;
}
