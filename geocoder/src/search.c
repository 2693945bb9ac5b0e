/*
 * search.c - dc_search (diachi/search.h): the query parsed, its name
 * words looked up, and every run of them that spells an entity's proper
 * name found by intersecting the words' posting lists, smallest first,
 * inside the id range of the entity kind and name length
 * (search_internal.h). search_rank.c builds and orders the answers.
 */
#include <stdlib.h>
#include <string.h>

#include "search_internal.h"

const char *dc_search_match_name(dc_search_match match)
{
    static const char *const names[] = {"household", "street", "group", "zone"};
    return (unsigned)match < 4 ? names[match] : "unknown";
}

const char *dc_search_how_name(dc_search_how how)
{
    static const char *const names[] = {"none", "exact", "folded", "typo"};
    return (unsigned)how < 4 ? names[how] : "unknown";
}

dc_err dc_search_scratch(dc_geo_session *s, struct dc_search_scratch **out)
{
    if (!s->search) {
        s->search = malloc(sizeof *s->search);
        if (!s->search) return DC_E_NOMEM;
    }
    *out = s->search;
    return DC_OK;
}

/* ---- words and their alternatives --------------------------------------- */

static dc_err own_word(dc_geo_session *s, dc_ntok *t)
{
    dc_postings pl;
    if (t->flen == 0 || t->flen > 255) return DC_OK;
    dc_err rc = dc_index_search_word(s->txn, t->folded, t->flen, &pl);
    if (rc == DC_E_NOT_FOUND) return DC_OK;
    if (rc != DC_OK) return rc;
    t->alt[t->nalts++] = (dc_nalt){t->folded, t->flen, DC_SEARCH_FOLDED, pl};
    return DC_OK;
}

static int typo_word(void *ctx, const char *folded, size_t len, dc_postings *pl)
{
    dc_ntok *t = ctx;
    if (t->nalts == DC_ALT_MAX) return 1;
    t->alt[t->nalts++] = (dc_nalt){folded, (uint16_t)len, DC_SEARCH_TYPO, *pl};
    return t->nalts == DC_ALT_MAX;
}

/* Characters, not bytes: a folded word of Latin letters is ASCII, but a
 * name in another script is not. */
static size_t chars_of(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

dc_err dc_search_add_typos(dc_geo_session *s, struct dc_search_scratch *x, uint64_t need,
                           bool *added)
{
    *added = false;
    for (size_t i = 0; i < x->nnt; i++) {
        dc_ntok *t = &x->nt[i];
        if (!(need >> i & 1) || t->typos || t->synthetic) continue;
        t->typos = true;
        if (chars_of(t->folded, t->flen) < 4 || t->flen > 255) continue;
        uint8_t before = t->nalts;
        dc_err rc = dc_index_search_typos(s->txn, t->folded, t->flen, typo_word, t);
        if (rc != DC_OK) return rc;
        if (t->nalts > before) *added = true;
    }
    return DC_OK;
}

/* Each word's own posting list; a word the index does not have gets the
 * words one typo away at once. */
static dc_err look_up_words(dc_geo_session *s, struct dc_search_scratch *x)
{
    uint64_t missing = 0;
    bool added;
    for (size_t i = 0; i < x->nnt; i++) {
        dc_err rc = own_word(s, &x->nt[i]);
        if (rc != DC_OK) return rc;
        if (x->nt[i].nalts == 0) missing |= 1ull << i;
    }
    return dc_search_add_typos(s, x, missing, &added);
}

/* ---- runs of words into evidence ---------------------------------------- */

/* A run of name words: the words, in order. */
typedef struct run {
    uint8_t tok[DC_SPAN_MAX];
    uint8_t n;
} run;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The ids in [lo, hi) that every word of the run has (one alternative or
 * another), driven by the word with the fewest: into x->ids. */
static dc_err intersect(struct dc_search_scratch *x, const run *r, uint32_t lo,
                        uint32_t hi, size_t *nids)
{
    size_t d = 0, best = SIZE_MAX, n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const dc_ntok *t = &x->nt[r->tok[i]];
        size_t c = 0;
        for (size_t a = 0; a < t->nalts; a++)
            c += dc_postings_estimate(&t->alt[a].pl, lo, hi);
        if (c == 0) { /* a word with no entity in the range: none spells the run */
            *nids = 0;
            return DC_OK;
        }
        if (c < best) best = c, d = i;
    }
    const dc_ntok *dt = &x->nt[r->tok[d]];
    for (size_t a = 0; a < dt->nalts; a++) {
        dc_postings pl = dt->alt[a].pl;
        uint32_t id;
        int got;
        for (got = dc_postings_seek(&pl, lo, &id); got == 1 && id < hi && n < DC_IDS_MAX;
             got = dc_postings_next(&pl, &id))
            x->ids[n++] = id;
        if (got < 0) return DC_E_INDEX_CORRUPT;
    }
    if (dt->nalts > 1) qsort(x->ids, n, sizeof *x->ids, cmp_u32);
    for (size_t i = 0; i < r->n && n; i++) {
        if (i == d) continue;
        const dc_ntok *t = &x->nt[r->tok[i]];
        dc_postings pl[DC_ALT_MAX];
        uint32_t cur[DC_ALT_MAX];
        int state[DC_ALT_MAX];
        for (size_t a = 0; a < t->nalts; a++)
            pl[a] = t->alt[a].pl, state[a] = 2, cur[a] = 0;
        size_t kept = 0;
        for (size_t j = 0; j < n; j++) {
            bool has = false;
            for (size_t a = 0; a < t->nalts && !has; a++) {
                if (state[a] == 2 || (state[a] == 1 && cur[a] < x->ids[j]))
                    state[a] = dc_postings_seek(&pl[a], x->ids[j], &cur[a]);
                if (state[a] < 0) return DC_E_INDEX_CORRUPT;
                has = state[a] == 1 && cur[a] == x->ids[j];
            }
            if (has && (kept == 0 || x->ids[kept - 1] != x->ids[j]))
                x->ids[kept++] = x->ids[j];
        }
        n = kept;
    }
    *nids = n;
    return DC_OK;
}

/* The next word of a proper name (words joined by ' ') at *p. */
static dc_str next_name_word(const char **p, const char *end)
{
    const char *s = *p, *sp = memchr(s, ' ', (size_t)(end - s));
    size_t n = (size_t)((sp ? sp : end) - s);
    *p = sp ? sp + 1 : end;
    return (dc_str){s, n};
}

static bool same(const char *a, size_t alen, dc_str b)
{
    return alen == b.len && memcmp(a, b.ptr, alen) == 0;
}

static bool numeric_name(const dc_entity *e)
{
    const char *p = e->folded.ptr, *end = p + e->folded.len;
    while (p < end) {
        dc_str w = next_name_word(&p, end);
        if (w.len == 0 || w.ptr[0] < '0' || w.ptr[0] > '9') return false;
    }
    return true;
}

/* Whether each marked letter of a word typed with tones (@p typed, @p n
 * bytes) is in the name's word @p name: "thàkh", one typo from Thanh, Thành
 * and Thạnh alike, still says Thành. */
static bool marks_agree(const char *typed, size_t n, dc_str name)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)typed[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        bool found = c < 0x80;
        for (size_t j = 0; !found && j + len <= name.len; j++)
            found = memcmp(name.ptr + j, typed + i, len) == 0;
        if (!found) return false;
        i += len;
    }
    return true;
}

/* Whether entity @p e spells the run, word for word in order; its points
 * and each word's how into @p ev. A word with a typo whose tones are not
 * the name's counts a point less. */
static bool spells(const struct dc_search_scratch *x, const run *r, const dc_entity *e,
                   dc_evidence *ev)
{
    const char *f = e->folded.ptr, *fend = f + e->folded.len;
    const char *g = e->exact.ptr, *gend = g + e->exact.len;
    unsigned points = 0;
    if (e->words != r->n) return false;
    for (size_t i = 0; i < r->n; i++) {
        const dc_ntok *t = &x->nt[r->tok[i]];
        dc_str fw = next_name_word(&f, fend), ew = next_name_word(&g, gend);
        uint8_t how = DC_SEARCH_NONE;
        if (same(t->folded, t->flen, fw))
            how = same(t->exact, t->elen, ew) ? DC_SEARCH_EXACT : DC_SEARCH_FOLDED;
        for (size_t a = 0; how == DC_SEARCH_NONE && a < t->nalts; a++)
            if (t->alt[a].how == DC_SEARCH_TYPO &&
                same(t->alt[a].folded, t->alt[a].len, fw))
                how = DC_SEARCH_TYPO;
        if (how == DC_SEARCH_NONE) return false;
        ev->tok[i] = r->tok[i];
        ev->how[i] = how;
        points += (unsigned)dc_search_points(how, t->toned);
        if (how == DC_SEARCH_TYPO && t->toned && !marks_agree(t->exact, t->elen, ew))
            points--;
    }
    ev->points = (uint16_t)points;
    return true;
}

/* A name of numbers only ("5" of Tổ dân phố 5, "7/5") is named by a
 * number its part's word labels ("tổ 5"), or, for a street, by a number
 * standing as a street or a free word. */
static bool numbers_allowed(const struct dc_search_scratch *x, const run *r,
                            const dc_entity *e)
{
    const dc_ntok *t = &x->nt[r->tok[0]];
    if (t->synthetic || !numeric_name(e)) return true;
    if (t->numbered && dc_search_kind_of_part(t->pkind) == (int)e->kind) return true;
    if (t->numbered && t->pkind == DC_PART_GROUP && e->kind == DC_ENTITY_STREET &&
        e->word == DC_VOCAB_GROUP)
        return true;
    return e->kind == DC_ENTITY_STREET &&
           (t->pkind == DC_PART_FREE || t->pkind == DC_PART_STREET ||
            t->pkind == DC_PART_HOUSE);
}

static dc_err add_members(dc_geo_session *s, struct dc_search_scratch *x,
                          const dc_entity *e, dc_evidence *ev)
{
    dc_entity_walk w;
    uint32_t pc;
    int got;
    (void)s;
    ev->first = (uint32_t)x->nmembers;
    dc_entity_walk_begin(e, &w);
    while ((got = dc_entity_walk_next(&w, &pc, NULL)) == 1)
        if (x->nmembers < DC_MEMBERS_MAX) x->members[x->nmembers++] = pc;
    ev->nmembers = (uint32_t)(x->nmembers - ev->first);
    return got < 0 ? DC_E_INDEX_CORRUPT : DC_OK;
}

static bool is_labelled(const dc_ntok *t, const dc_entity *e)
{
    if (!t->labelled) return false;
    if (dc_search_kind_of_part(t->pkind) == (int)e->kind) return true;
    /* a hamlet is a street of the map named with its group word: bản */
    return t->pkind == DC_PART_GROUP && e->kind == DC_ENTITY_STREET &&
           e->word == DC_VOCAB_GROUP;
}

/* Whether the word that labels the part of @p t (its full word: KP is khu
 * phố) is the one @p e's name leads with: Ấp Tân Lập for "ấp tân lập", not
 * Thôn Tân Lập. */
static bool leads_with(const struct dc_search_scratch *x, const dc_ntok *t,
                       const dc_entity *e)
{
    const char *w = t->part >= 0 ? x->q.part[t->part].word : NULL;
    return w && e->lead.len == strlen(w) && memcmp(e->lead.ptr, w, e->lead.len) == 0;
}

typedef struct take {
    dc_geo_session *s;
    struct dc_search_scratch *x;
    const run *r;
    dc_err rc;
} take;

/* Whether @p pc is among x->allowed (ascending). */
static bool covered(const struct dc_search_scratch *x, uint32_t pc)
{
    size_t lo = 0, hi = x->nallowed;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->allowed[mid] < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->nallowed && x->allowed[lo] == pc;
}

/* An entity the run's words lead to: evidence, when it spells the run, a
 * number may name it, and it lies within the places the query restricts
 * to. */
static int take_entity(void *ctx, const dc_entity *e)
{
    take *t = ctx;
    struct dc_search_scratch *x = t->x;
    if (x->nev == DC_EV_MAX) return 1;
    dc_evidence *ev = &x->ev[x->nev];
    if (!spells(x, t->r, e, ev) || !numbers_allowed(x, t->r, e)) return 0;
    if ((e->kind == DC_ENTITY_STREET || e->kind == DC_ENTITY_GROUP) &&
        (!dc_search_allowed(x, e->postcode) ||
         (x->cover_only && !covered(x, e->postcode))))
        return 0;
    ev->id = e->id;
    ev->kind = (uint8_t)e->kind;
    ev->n = t->r->n;
    ev->labelled = is_labelled(&x->nt[t->r->tok[0]], e);
    ev->own_word = ev->labelled && leads_with(x, &x->nt[t->r->tok[0]], e);
    ev->mask = 0;
    for (size_t i = 0; i < t->r->n; i++)
        ev->mask |= 1ull << t->r->tok[i];
    ev->postcode = e->postcode;
    ev->count = e->count;
    ev->lat_e7 = e->lat_e7, ev->lon_e7 = e->lon_e7;
    ev->first = ev->nmembers = 0;
    ev->folded = e->folded;
    ev->former = e->former;
    if (dc_search_ev_list(ev)) {
        t->rc = add_members(t->s, x, e, ev);
        if (t->rc != DC_OK) return 1;
    }
    x->nev++;
    return 0;
}

static bool same_name(const dc_entity *a, const dc_entity *b)
{
    return a->folded.len == b->folded.len && a->exact.len == b->exact.len &&
           memcmp(a->folded.ptr, b->folded.ptr, a->folded.len) == 0 &&
           memcmp(a->exact.ptr, b->exact.ptr, a->exact.len) == 0;
}

static dc_err postcode_of(dc_geo_session *s, uint32_t id, uint32_t *pc)
{
    dc_entity e;
    dc_err rc = dc_index_search_entity(s->txn, id, &e);
    if (rc == DC_OK) *pc = e.postcode;
    return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
}

/* Of a run of neighbouring ids @p a..@p b that share one name (so ascend by
 * postcode), those in the allowed postcodes, into x->ids from *npicked on
 * (never past the run's own place in it): a binary search a postcode. */
static dc_err pick_allowed(dc_geo_session *s, struct dc_search_scratch *x, uint32_t a,
                           uint32_t b, size_t *npicked)
{
    uint32_t lo = a;
    for (size_t k = 0; k < x->nallowed && lo <= b; k++) {
        uint32_t want = x->allowed[k], l = lo, h = b + 1, pc;
        while (l < h) { /* the first id at or after want */
            uint32_t mid = l + (h - l) / 2;
            dc_err rc = postcode_of(s, mid, &pc);
            if (rc != DC_OK) return rc;
            if (pc < want)
                l = mid + 1;
            else
                h = mid;
        }
        for (lo = l; lo <= b && *npicked < DC_IDS_MAX; lo++) {
            dc_err rc = postcode_of(s, lo, &pc);
            if (rc != DC_OK) return rc;
            if (pc != want) break;
            x->ids[(*npicked)++] = lo;
        }
    }
    return DC_OK;
}

/* The candidate ids x->ids[0..*n) cut to the allowed postcodes where a
 * long run of neighbours shares one name (a common street name in a
 * thousand zones): each such run is searched by postcode instead of read
 * whole. Other ids stay. In place: what a run keeps is written no further
 * than the run starts. */
static dc_err restrict_ids(dc_geo_session *s, struct dc_search_scratch *x, size_t *n)
{
    size_t np = 0, logn = 1;
    while ((1u << logn) < *n)
        logn++;
    for (size_t i = 0, j; i < *n; i = j) {
        for (j = i + 1; j < *n && x->ids[j] == x->ids[j - 1] + 1; j++) {
        }
        size_t len = j - i;
        bool search = len > 16 && x->nallowed * (logn + 2) < len / 2;
        dc_entity first, last;
        if (search) {
            dc_err rc = dc_index_search_entity(s->txn, x->ids[i], &first);
            if (rc == DC_OK) rc = dc_index_search_entity(s->txn, x->ids[j - 1], &last);
            if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
            search = same_name(&first, &last);
        }
        if (search) {
            dc_err rc = pick_allowed(s, x, x->ids[i], x->ids[j - 1], &np);
            if (rc != DC_OK) return rc;
        } else {
            for (size_t k = i; k < j; k++)
                x->ids[np++] = x->ids[k];
        }
    }
    *n = np;
    return DC_OK;
}

/* Every entity of the kinds @p kinds that spells run @p r. */
static dc_err match_run(dc_geo_session *s, struct dc_search_scratch *x, const run *r,
                        unsigned kinds)
{
    const dc_index *idx = dc_geo_index(s->geo);
    for (size_t i = 0; i < r->n; i++)
        if (x->nt[r->tok[i]].nalts == 0) return DC_OK;
    for (unsigned k = 0; k < DC_ENTITY_KINDS && x->nev < DC_EV_MAX; k++) {
        uint32_t lo, hi;
        size_t n;
        if (!(kinds >> k & 1)) continue;
        dc_index_search_range(idx, (dc_entity_kind)k, r->n, &lo, &hi);
        if (lo == hi) continue;
        dc_err rc = intersect(x, r, lo, hi, &n);
        if (rc == DC_OK && x->deferring && n > DC_BROAD_IDS &&
            (k == DC_ENTITY_STREET || k == DC_ENTITY_GROUP) && x->ndefer < DC_DEFER_MAX) {
            memcpy(x->defer[x->ndefer].tok, r->tok, r->n);
            x->defer[x->ndefer].n = r->n;
            x->defer[x->ndefer].ids = (uint32_t)n;
            x->defer[x->ndefer++].kind = (uint8_t)k;
            continue;
        }
        if (rc == DC_OK && x->allowed_set &&
            (k == DC_ENTITY_STREET || k == DC_ENTITY_GROUP))
            rc = restrict_ids(s, x, &n);
        take t = {s, x, r, DC_OK};
        if (rc == DC_OK)
            rc = dc_index_search_entities_read(s->txn, x->ids, n, take_entity, &t);
        if (rc == DC_OK) rc = t.rc;
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

/* The runs that start in one part's words x->nt[first..end) and end
 * there or in the words after it up to @p reach. */
static bool locality_part(uint8_t pkind)
{
    return pkind == DC_PART_ZONE || pkind == DC_PART_DISTRICT ||
           pkind == DC_PART_PROVINCE;
}

/* The kinds a run starting at @p t names, in pass 0 (the zones,
 * districts and provinces a part names with its word: what restricts) or
 * pass 1 (the rest). A word of a part whose word matched only folded may
 * be a name's: it names any kind too. */
static unsigned run_kinds(const dc_ntok *t, int pass)
{
    unsigned own = dc_search_part_kinds(t->pkind, t->numbered);
    unsigned restricting = locality_part(t->pkind) && t->labelled ? own : 0;
    if (pass == 0) return restricting;
    unsigned all = t->doubtful ? (1u << DC_ENTITY_KINDS) - 1 : own;
    return all & ~restricting;
}

/* The runs that start in one part's words x->nt[first..end) and end
 * there or in the words after it up to @p reach, of the kinds of @p pass. */
static dc_err part_runs(dc_geo_session *s, struct dc_search_scratch *x, size_t first,
                        size_t end, size_t reach, int pass)
{
    for (size_t i = first; i < end; i++) {
        unsigned kinds = run_kinds(&x->nt[i], pass);
        for (size_t n = 1; kinds && n <= DC_SPAN_MAX && i + n <= reach; n++) {
            run r = {.n = (uint8_t)n};
            for (size_t j = 0; j < n; j++)
                r.tok[j] = (uint8_t)(i + j);
            dc_err rc = match_run(s, x, &r, kinds);
            if (rc != DC_OK) return rc;
        }
    }
    return DC_OK;
}

/* An alley's number before a street's words: the alley "Ngõ 12 Võ Nguyên
 * Giáp" is named "12 võ nguyên giáp", its number written in another part
 * ("ngõ 12", or the 12 of house 12/3). */
static dc_err alley_runs(dc_geo_session *s, struct dc_search_scratch *x, size_t number)
{
    for (size_t i = 0; i < x->nnt; i++) {
        const dc_ntok *t = &x->nt[i];
        if ((t->part == x->nt[number].part && !x->nt[number].synthetic) || t->synthetic ||
            (t->pkind != DC_PART_STREET && t->pkind != DC_PART_FREE &&
             t->pkind != DC_PART_HOUSE))
            continue;
        if (i > 0 && x->nt[i - 1].part == t->part) continue; /* from a part's start */
        for (size_t n = 1;
             n < DC_SPAN_MAX && i + n <= x->nnt && x->nt[i + n - 1].part == t->part;
             n++) {
            run r = {.n = (uint8_t)(n + 1)};
            r.tok[0] = (uint8_t)number;
            for (size_t j = 0; j < n; j++)
                r.tok[j + 1] = (uint8_t)(i + j);
            dc_err rc = match_run(s, x, &r, 1u << DC_ENTITY_STREET);
            if (rc != DC_OK) return rc;
        }
    }
    return DC_OK;
}

/* The end of the words of the part that starts at x->nt[i]. */
static size_t part_end(const struct dc_search_scratch *x, size_t i)
{
    size_t j = i + 1;
    while (j < x->nnt && x->nt[j].part == x->nt[i].part && !x->nt[j].synthetic)
        j++;
    return j;
}

/* How far a name may run on from the part ending at x->nt[end - 1]: into
 * the parts after it that no word labels and no comma sets apart, as the
 * parser cuts "Bản Him Lam 2" into the group "him lam" and a number. */
static size_t run_reach(const struct dc_search_scratch *x, size_t end)
{
    const dc_tokens *tk = &x->q.tokens;
    while (end < x->nnt && !x->nt[end].synthetic && x->nt[end - 1].token >= 0 &&
           x->nt[end].token == x->nt[end - 1].token + 1 &&
           !(tk->token[x->nt[end - 1].token].flags & DC_TOKEN_COMMA))
        end = part_end(x, end);
    return end;
}

static int cmp_u32_asc(const void *a, const void *b)
{
    uint32_t p = *(const uint32_t *)a, q = *(const uint32_t *)b;
    return (p > q) - (p < q);
}

/* The postcodes the restrictions leave, listed (x->allowed) when there are
 * restrictions and few enough: the first's places' postcodes, kept where
 * every restriction allows them. */
static void allowed_postcodes(struct dc_search_scratch *x)
{
    x->allowed_set = false;
    x->nallowed = 0;
    if (x->restrict_postcode) {
        if (dc_search_allowed(x, x->q.postcode))
            x->allowed[x->nallowed++] = x->q.postcode;
        x->allowed_set = true;
        return;
    }
    if (x->nrestrict == 0) return;
    for (uint32_t i = 0; i < x->restrict_part[0].n; i++) {
        const dc_evidence *ev = &x->ev[x->restrict_ev[x->restrict_part[0].first + i]];
        bool list = dc_search_ev_list(ev);
        uint32_t n = list ? ev->nmembers : 1;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t pc = list ? x->members[ev->first + k] : ev->postcode;
            if (x->nallowed == DC_ALLOWED_MAX) return; /* too many: check each */
            if (dc_search_allowed(x, pc)) x->allowed[x->nallowed++] = pc;
        }
    }
    qsort(x->allowed, x->nallowed, sizeof *x->allowed, cmp_u32_asc);
    size_t m = 0;
    for (size_t i = 0; i < x->nallowed; i++)
        if (m == 0 || x->allowed[m - 1] != x->allowed[i]) x->allowed[m++] = x->allowed[i];
    x->nallowed = m;
    x->allowed_set = true;
}

/* The places a zone, district or province part names with its word: the
 * evidence that spells the whole part, the best spelt when several do
 * ("phường Tân Thạnh" is not Tân Thành); a part the index does not know
 * restricts nothing. A postcode restricts when a zone has it. */
static void restrictions(dc_geo_session *s, struct dc_search_scratch *x)
{
    const dc_query *q = &x->q;
    dc_zone z;
    x->nrestrict = x->nrestrict_ev = 0;
    x->restrict_postcode =
        q->has_postcode && dc_geo_zone_of(s->geo, q->postcode, &z) == DC_OK;
    for (size_t p = 0; p < q->nparts && x->nrestrict < DC_SEARCH_MAX_PARTS; p++) {
        dc_part_kind kind = q->part[p].kind;
        if (!q->part[p].word_count || !locality_part((uint8_t)kind)) continue;
        uint64_t m = 0;
        for (size_t i = 0; i < x->nnt; i++)
            if (x->nt[i].part == (int16_t)p && !x->nt[i].synthetic && !x->nt[i].label)
                m |= 1ull << i;
        int best = -1;
        for (size_t e = 0; e < x->nev; e++) {
            const dc_evidence *ev = &x->ev[e];
            bool fits = kind == DC_PART_ZONE ? ev->kind == DC_ENTITY_ZONE
                                             : ev->kind == DC_ENTITY_DISTRICT ||
                                                   ev->kind == DC_ENTITY_PROVINCE;
            if (fits && ev->mask == m && ev->points > best) best = ev->points;
        }
        if (best < 0) continue;
        uint32_t first = (uint32_t)x->nrestrict_ev;
        for (size_t e = 0; e < x->nev && x->nrestrict_ev < DC_EV_MAX; e++) {
            const dc_evidence *ev = &x->ev[e];
            bool fits = kind == DC_PART_ZONE ? ev->kind == DC_ENTITY_ZONE
                                             : ev->kind == DC_ENTITY_DISTRICT ||
                                                   ev->kind == DC_ENTITY_PROVINCE;
            if (fits && ev->mask == m && ev->points == best)
                x->restrict_ev[x->nrestrict_ev++] = (int32_t)e;
        }
        x->restrict_part[x->nrestrict].first = first;
        x->restrict_part[x->nrestrict++].n = (uint32_t)(x->nrestrict_ev - first);
    }
    allowed_postcodes(x);
}

/* The postcodes of the streets, groups and zones found so far into
 * x->allowed, ascending: false when there are none or too many. */
static bool found_postcodes(struct dc_search_scratch *x)
{
    size_t n = 0;
    for (size_t e = 0; e < x->nev; e++) {
        const dc_evidence *ev = &x->ev[e];
        if (ev->kind != DC_ENTITY_STREET && ev->kind != DC_ENTITY_GROUP &&
            ev->kind != DC_ENTITY_ZONE)
            continue;
        uint32_t k = ev->former ? ev->nmembers : 1;
        if (n + k > DC_ALLOWED_MAX) return false;
        for (uint32_t i = 0; i < k; i++)
            x->allowed[n++] = ev->former ? x->members[ev->first + i] : ev->postcode;
    }
    qsort(x->allowed, n, sizeof *x->allowed, cmp_u32);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || x->allowed[m - 1] != x->allowed[i]) x->allowed[m++] = x->allowed[i];
    x->nallowed = m;
    return m > 0;
}

static dc_err deferred_run(dc_geo_session *s, struct dc_search_scratch *x, size_t d)
{
    run r = {.n = x->defer[d].n};
    memcpy(r.tok, x->defer[d].tok, r.n);
    return match_run(s, x, &r, 1u << x->defer[d].kind);
}

/* The runs put off (x->defer), read in the postcodes of the streets,
 * groups and zones found so far; when the query's every name was put
 * off, its narrowest is read everywhere first and the others where it
 * is. With too many postcodes to list, they are read everywhere, as any
 * run. */
static dc_err deferred_runs(dc_geo_session *s, struct dc_search_scratch *x)
{
    size_t first = x->ndefer;
    dc_err rc = DC_OK;
    if (!found_postcodes(x)) {
        size_t d = 0;
        for (size_t k = 1; k < x->ndefer; k++)
            if (x->defer[k].ids < x->defer[d].ids) d = k;
        rc = deferred_run(s, x, d);
        first = d;
    }
    bool cover = rc == DC_OK && found_postcodes(x);
    x->allowed_set = x->cover_only = cover;
    for (size_t d = 0; d < x->ndefer && rc == DC_OK; d++)
        if (d != first) rc = deferred_run(s, x, d);
    x->allowed_set = x->cover_only = false;
    x->nallowed = 0;
    return rc;
}

/* The evidence of every run: the zones, districts and provinces the query
 * names with their words first, which restrict the streets and groups
 * taken after them (a common street name in a thousand zones is then read
 * in the few that matter). A query that names no place puts off the names
 * found in too many places (Tổ 29, in every large zone of the country)
 * and reads them where its other words are: else they would take the
 * evidence's room in postcode order, and the answers of the country's
 * south with it. */
dc_err dc_search_evidence(dc_geo_session *s, struct dc_search_scratch *x)
{
    x->nev = x->nmembers = 0;
    x->nrestrict = 0;
    x->restrict_postcode = false;
    x->allowed_set = x->cover_only = x->deferring = false;
    x->ndefer = 0;
    dc_err rc = DC_OK;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            restrictions(s, x);
            x->deferring = !x->allowed_set && x->nrestrict == 0 && !x->restrict_postcode;
        }
        for (size_t i = 0, j; rc == DC_OK && i < x->nnt; i = j) {
            j = part_end(x, i);
            if (!x->nt[i].synthetic)
                rc = part_runs(s, x, i, j, pass == 0 ? j : run_reach(x, j), pass);
        }
    }
    for (size_t i = 0; rc == DC_OK && i < x->nnt; i++) {
        const dc_ntok *t = &x->nt[i];
        if (t->synthetic || (t->pkind == DC_PART_ALLEY && t->numbered))
            rc = alley_runs(s, x, i);
    }
    x->deferring = false;
    if (rc == DC_OK && x->ndefer) rc = deferred_runs(s, x);
    return rc;
}

/* ---- the search --------------------------------------------------------- */

/* The best answer leaves name words unexplained that may hold a typo:
 * those, bit per word (every word when there is no answer). */
static uint64_t unexplained(const struct dc_search_scratch *x)
{
    uint64_t words = 0;
    for (size_t i = 0; i < x->nnt; i++)
        if (!x->nt[i].synthetic) words |= 1ull << i;
    return x->ncand ? words & ~x->cand[0].mask : words;
}

static dc_err check_options(const dc_search_options *opt)
{
    if (!opt) return DC_OK;
    if (opt->limit > DC_SEARCH_MAX_RESULTS) return DC_E_INVALID_ARG;
    if (opt->near && !(opt->near_lat >= -90 && opt->near_lat <= 90 &&
                       opt->near_lon >= -180 && opt->near_lon <= 180))
        return DC_E_INVALID_ARG;
    return DC_OK;
}

dc_err dc_search(dc_geo_session *s, const char *text, size_t len,
                 const dc_search_options *opt, dc_search_result *out, dc_error *err)
{
    struct dc_search_scratch *x;
    static const dc_search_options defaults = {0};
    if (!s || !out || (!text && len)) return DC_E_INVALID_ARG;
    dc_err rc = check_options(opt);
    if (rc != DC_OK) return rc;
    if (!opt) opt = &defaults;
    rc = dc_search_scratch(s, &x);
    if (rc != DC_OK) return rc;
    rc = dc_query_parse(text ? text : "", len, &x->q, err);
    if (rc != DC_OK) return rc;
    dc_search_report_parts(&x->q, out);
    dc_search_name_words(x);
    rc = look_up_words(s, x);
    for (int pass = 0; rc == DC_OK && pass < 2; pass++) {
        bool added = false;
        rc = dc_search_evidence(s, x);
        if (rc == DC_OK)
            rc = dc_search_rank(s, x, opt,
                                opt->limit ? opt->limit : DC_SEARCH_DEFAULT_LIMIT);
        if (rc == DC_OK && pass == 0)
            rc = dc_search_add_typos(s, x, unexplained(x), &added);
        if (!added) break;
    }
    if (rc == DC_OK)
        rc = dc_search_hits(s, x, opt->limit ? opt->limit : DC_SEARCH_DEFAULT_LIMIT, opt,
                            out);
    return rc;
}
