/*
 * search_records.c - the search databases' records from the zones, the
 * households and the strings (search_records.h, docs/FORMAT.md "The search
 * index"). Households are gathered as they come into their street and
 * group in their zone (a "place"); at the end every name is tokenised with
 * dc_text, its leading vocabulary word taken off, the entities sorted and
 * numbered, and the records handed out in key order: entities, words (a
 * posting list of entity ids per folded word), typos (the words of five
 * characters or more under each one-character deletion), meta's `search`.
 * The earlier editions' zones, and which of their names are former, are
 * search_records_former.c's; the words' records search_records_words.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "diachi/strtab.h"
#include "diachi/text.h"
#include "search_postings.h"
#include "search_records.h"
#include "search_records_former.h"
#include "search_records_internal.h"

/* A street or group in a zone, and its households' entries so far. */
typedef struct place {
    uint32_t string, postcode, count, last;
    uint8_t kind;
    int64_t sum_lat, sum_lon;
    uint8_t *bytes;
    size_t len, cap;
} place;

struct dc_search_records {
    place *places;
    size_t nplaces, capplaces;
    uint32_t *slots; /* hash of places: index + 1, 0 empty */
    size_t nslots;
    zone_names *zones;
    size_t nzones, capzones;
    dc_strtab *houses;  /* raw house numbers seen, by id */
    dc_str *house_norm; /* by house id: the normalised form, or {NULL, 0} */
    size_t capnorm;
    dc_strtab *names; /* storage for normalised text */
    dc_tokens *tokens;
    uint32_t last_number;
    int any;
    search_former former; /* the earlier zones and their names */
};

dc_search_records *dc_search_records_open(void)
{
    dc_search_records *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->houses = dc_strtab_open();
    r->names = dc_strtab_open();
    r->tokens = malloc(sizeof *r->tokens);
    if (!r->houses || !r->names || !r->tokens) {
        dc_search_records_close(r);
        return NULL;
    }
    return r;
}

void dc_search_records_close(dc_search_records *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nplaces; i++)
        free(r->places[i].bytes);
    free(r->places);
    free(r->slots);
    free(r->zones);
    dc_search_former_free(&r->former);
    free(r->house_norm);
    dc_strtab_close(r->houses);
    dc_strtab_close(r->names);
    free(r->tokens);
    free(r);
}

dc_err dc_search_records_zone(dc_search_records *r, uint32_t postcode, dc_str name,
                              dc_str kind, dc_str district, dc_str province)
{
    if (r->nzones == r->capzones) {
        size_t cap = r->capzones ? 2 * r->capzones : 64;
        zone_names *z = realloc(r->zones, cap * sizeof *z);
        if (!z) return DC_E_NOMEM;
        r->zones = z;
        r->capzones = cap;
    }
    r->zones[r->nzones++] = (zone_names){postcode, name, kind, district, province};
    return DC_OK;
}

dc_err dc_search_records_past_zone(dc_search_records *r, uint32_t postcode, dc_str name,
                                   dc_str kind, dc_str district, dc_str province,
                                   dc_polygon polygon)
{
    if (r->any) return DC_E_INVALID_ARG; /* before the households */
    return dc_search_former_zone(&r->former, postcode, name, kind, district, province,
                                 polygon);
}

/* ---- households into places ------------------------------------------- */

static uint64_t place_key(uint8_t kind, uint32_t string, uint32_t postcode)
{
    return (uint64_t)string << 18 | (uint64_t)postcode << 1 | (kind == DC_ENTITY_GROUP);
}

static size_t slot_of(uint64_t key, size_t nslots)
{
    key *= 0x9e3779b97f4a7c15ull;
    return (size_t)(key >> 20) & (nslots - 1);
}

static dc_err grow_slots(dc_search_records *r)
{
    size_t n = r->nslots ? 2 * r->nslots : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return DC_E_NOMEM;
    for (size_t i = 0; i < r->nplaces; i++) {
        const place *p = &r->places[i];
        size_t j = slot_of(place_key(p->kind, p->string, p->postcode), n);
        while (s[j])
            j = (j + 1) & (n - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(r->slots);
    r->slots = s;
    r->nslots = n;
    return DC_OK;
}

/* The place of (kind, string, postcode), made when it is new. */
static place *place_of(dc_search_records *r, uint8_t kind, uint32_t string,
                       uint32_t postcode)
{
    if (2 * (r->nplaces + 1) > r->nslots && grow_slots(r) != DC_OK) return NULL;
    uint64_t key = place_key(kind, string, postcode);
    size_t j = slot_of(key, r->nslots);
    for (; r->slots[j]; j = (j + 1) & (r->nslots - 1)) {
        place *p = &r->places[r->slots[j] - 1];
        if (place_key(p->kind, p->string, p->postcode) == key) return p;
    }
    if (r->nplaces == r->capplaces) {
        size_t cap = r->capplaces ? 2 * r->capplaces : 1024;
        place *g = realloc(r->places, cap * sizeof *g);
        if (!g) return NULL;
        r->places = g;
        r->capplaces = cap;
    }
    place *p = &r->places[r->nplaces];
    *p = (place){.string = string, .postcode = postcode, .kind = kind};
    r->slots[j] = (uint32_t)++r->nplaces;
    return p;
}

/* A house number made of digits, and '/' or '-' between digits, is its
 * own normal form (dc_text keeps it as one token). */
static int plain_number(const char *s, size_t n)
{
    if (n == 0 || s[0] < '0' || s[0] > '9' || s[n - 1] < '0' || s[n - 1] > '9') return 0;
    for (size_t i = 1; i + 1 < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') continue;
        if ((c != '/' && c != '-') || s[i - 1] < '0' || s[i - 1] > '9' ||
            s[i + 1] < '0' || s[i + 1] > '9')
            return 0;
    }
    return 1;
}

/* Words' forms joined by single spaces into @p out (room for
 * DC_TEXT_SIZE); its length. @p folded picks the form. */
static size_t join_tokens(const dc_tokens *t, size_t first, int folded, char *out)
{
    size_t n = 0;
    for (size_t i = first; i < t->count; i++) {
        const char *s = folded ? dc_token_folded(t, i) : dc_token_exact(t, i);
        size_t len = folded ? t->token[i].folded_len : t->token[i].exact_len;
        if (n) out[n++] = ' ';
        memcpy(out + n, s, len);
        n += len;
    }
    out[n] = '\0';
    return n;
}

/* A house number's normal form: its words' folded forms joined by ' '
 * ("12A" is "12a"), kept once per distinct house number. */
static dc_err house_form(dc_search_records *r, const char *s, size_t n, dc_str *out)
{
    uint32_t id;
    if (plain_number(s, n) || n == 0) {
        *out = (dc_str){s, n};
        return DC_OK;
    }
    if (dc_strtab_intern(r->houses, s, n, &id) != DC_OK) return DC_E_NOMEM;
    if (id >= r->capnorm) {
        size_t cap = r->capnorm ? 2 * r->capnorm : 1024;
        while (cap <= id)
            cap *= 2;
        dc_str *g = realloc(r->house_norm, cap * sizeof *g);
        if (!g) return DC_E_NOMEM;
        memset(g + r->capnorm, 0, (cap - r->capnorm) * sizeof *g);
        r->house_norm = g;
        r->capnorm = cap;
    }
    if (!r->house_norm[id].ptr) {
        char buf[DC_TEXT_SIZE];
        size_t len = 0;
        if (dc_text_tokenize(s, n, r->tokens, NULL) == DC_OK)
            len = join_tokens(r->tokens, 0, 1, buf);
        if (len > DC_SEARCH_MAX_HOUSE) len = 0; /* too long to store: matches nothing */
        const char *kept = dc_strtab_keep(r->names, buf, len);
        if (!kept) return DC_E_NOMEM;
        r->house_norm[id] = (dc_str){kept, len};
    }
    *out = r->house_norm[id];
    return DC_OK;
}

static dc_err place_append(place *p, const uint8_t *entry, size_t n)
{
    if (p->len + n > p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        while (cap < p->len + n)
            cap *= 2;
        uint8_t *g = realloc(p->bytes, cap);
        if (!g) return DC_E_NOMEM;
        p->bytes = g;
        p->cap = cap;
    }
    memcpy(p->bytes + p->len, entry, n);
    p->len += n;
    return DC_OK;
}

/* One household into its place of @p kind: its number's difference from
 * the place's last, and for a street its house number. */
static dc_err place_add(dc_search_records *r, uint8_t kind, uint32_t string,
                        uint32_t postcode, uint32_t number, const dc_str *house,
                        int32_t lat, int32_t lon)
{
    uint8_t entry[DC_VARINT_MAX + 1 + DC_SEARCH_MAX_HOUSE];
    place *p = place_of(r, kind, string, postcode);
    if (!p) return DC_E_NOMEM;
    size_t n = dc_varint_put(entry, p->count ? number - p->last : number);
    if (kind == DC_ENTITY_STREET) {
        entry[n++] = (uint8_t)house->len;
        memcpy(entry + n, house->ptr, house->len);
        n += house->len;
    }
    p->count++;
    p->last = number;
    p->sum_lat += lat;
    p->sum_lon += lon;
    return place_append(p, entry, n);
}

dc_err dc_search_records_household(dc_search_records *r, uint32_t number,
                                   uint32_t postcode, uint32_t street, uint32_t group,
                                   const char *house, size_t house_len, int32_t lat_e7,
                                   int32_t lon_e7)
{
    dc_str form = {"", 0};
    dc_err rc = DC_OK;
    if (r->any && number <= r->last_number) return DC_E_INVALID_ARG;
    r->any = 1;
    r->last_number = number;
    if (r->former.npast)
        rc = dc_search_former_household(&r->former, postcode, lat_e7, lon_e7);
    if (rc == DC_OK && street) rc = house_form(r, house, house_len, &form);
    if (rc == DC_OK && street)
        rc = place_add(r, DC_ENTITY_STREET, street, postcode, number, &form, lat_e7,
                       lon_e7);
    if (rc == DC_OK && group)
        rc =
            place_add(r, DC_ENTITY_GROUP, group, postcode, number, &form, lat_e7, lon_e7);
    return rc;
}

/* ---- names into entities ---------------------------------------------- */

/* What the build is making at the end: the entities, and their members
 * for districts and provinces. */
typedef struct finish {
    dc_search_records *r;
    dc_error *err;
    entity *ents;
    size_t nents, capents;
    members *groups; /* district and province members */
    size_t ngroups, capgroups;
} finish;

/* Vocabulary kinds that may lead a map's name and are taken off it. */
static int leading_kind(dc_vocab_kind k)
{
    return k == DC_VOCAB_WARD || k == DC_VOCAB_COMMUNE || k == DC_VOCAB_TOWNSHIP ||
           k == DC_VOCAB_URBAN_DISTRICT || k == DC_VOCAB_RURAL_DISTRICT ||
           k == DC_VOCAB_TOWN || k == DC_VOCAB_CITY || k == DC_VOCAB_PROVINCE ||
           k == DC_VOCAB_STREET || k == DC_VOCAB_ALLEY || k == DC_VOCAB_GROUP;
}

/* The vocabulary word a whole text is (a zone's kind field, "phường"), or
 * NULL. */
static const dc_vocab_entry *kind_word(dc_search_records *r, dc_str text)
{
    size_t n;
    const dc_vocab_entry *v = dc_vocab_table(&n);
    if (dc_text_tokenize(text.ptr, text.len, r->tokens, NULL) != DC_OK ||
        r->tokens->count == 0)
        return NULL;
    char buf[DC_TEXT_SIZE];
    join_tokens(r->tokens, 0, 0, buf);
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].exact, buf) == 0 && leading_kind(v[i].kind)) return &v[i];
    return NULL;
}

static dc_err add_entity(finish *f, const entity *e)
{
    if (f->nents == f->capents) {
        size_t cap = f->capents ? 2 * f->capents : 1024;
        entity *g = realloc(f->ents, cap * sizeof *g);
        if (!g) return DC_E_NOMEM;
        f->ents = g;
        f->capents = cap;
    }
    f->ents[f->nents++] = *e;
    return DC_OK;
}

/* An entity named @p text: its proper name is its words after a leading
 * vocabulary word, and that word is kept (its kind and its full word; else
 * @p word's, a zone's kind). A name with no proper word, or one over 255
 * bytes, is not searchable and makes no entity. */
static dc_err name_entity(finish *f, uint8_t kind, dc_str text,
                          const dc_vocab_entry *word, uint32_t source, uint32_t tie,
                          uint32_t tie2)
{
    dc_search_records *r = f->r;
    dc_tokens *t = r->tokens;
    dc_vocab_match m;
    char exact[DC_TEXT_SIZE], folded[DC_TEXT_SIZE];
    if (dc_text_tokenize(text.ptr, text.len, t, NULL) != DC_OK || t->count == 0)
        return DC_OK;
    size_t first = 0;
    unsigned word_kind = word ? word->kind : 0;
    const char *lead = word ? word->word : "";
    if (dc_vocab_match_at(t, 0, &m) && leading_kind(m.kind) && m.tokens < t->count) {
        first = m.tokens;
        word_kind = m.kind;
        lead = m.word;
    }
    size_t elen = join_tokens(t, first, 0, exact),
           flen = join_tokens(t, first, 1, folded);
    if (elen > DC_SEARCH_MAX_NAME || flen > DC_SEARCH_MAX_NAME) return DC_OK;
    entity e = {.kind = kind,
                .word = (uint8_t)word_kind,
                .lead_len = (uint8_t)strlen(lead),
                .lead = lead,
                .words = (uint32_t)(t->count - first),
                .exact_len = (uint32_t)elen,
                .folded_len = (uint32_t)flen,
                .source = source,
                .tie = tie,
                .tie2 = tie2};
    e.exact = dc_strtab_keep(r->names, exact, elen);
    e.folded = dc_strtab_keep(r->names, folded, flen);
    if (!e.exact || !e.folded) return DC_E_NOMEM;
    return add_entity(f, &e);
}

static dc_err add_member(finish *f, uint32_t group, uint32_t postcode)
{
    return dc_search_members_add(&f->groups[group], postcode);
}

static dc_err new_group(finish *f, uint32_t *out)
{
    if (f->ngroups == f->capgroups) {
        size_t cap = f->capgroups ? 2 * f->capgroups : 64;
        members *g = realloc(f->groups, cap * sizeof *g);
        if (!g) return DC_E_NOMEM;
        f->groups = g;
        f->capgroups = cap;
    }
    f->groups[f->ngroups] = (members){0};
    *out = (uint32_t)f->ngroups++;
    return DC_OK;
}

static uint64_t str_hash(uint64_t h, dc_str s)
{
    for (size_t i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.ptr[i]) * 0x100000001b3ull; /* FNV-1a */
    return h;
}

/* The districts (a district's name within its province) and provinces,
 * each with its zones, in the order their first zone comes. A name is
 * found among those before it by a hash of it (and its province's, for a
 * district): a national map's ten thousand zones made a comparison with
 * every zone before cost a hundred million. */
static dc_err zone_level(finish *f, uint8_t kind)
{
    dc_search_records *r = f->r;
    size_t n = r->nzones, slots = 16;
    while (slots < 2 * n) slots *= 2;
    uint32_t *group_of = malloc((n ? n : 1) * sizeof *group_of);
    uint32_t *first = malloc(slots * sizeof *first); /* a zone + 1; 0 free */
    dc_err rc = group_of && first ? DC_OK : DC_E_NOMEM;
    if (first) memset(first, 0, slots * sizeof *first);
    for (size_t i = 0; rc == DC_OK && i < n; i++) {
        const zone_names *z = &r->zones[i];
        dc_str name = kind == DC_ENTITY_DISTRICT ? z->district : z->province;
        if (name.len == 0) continue;
        uint64_t h = str_hash(0xcbf29ce484222325ull, name);
        if (kind == DC_ENTITY_DISTRICT) h = str_hash(h ^ 0xff, z->province);
        size_t at = (size_t)(h ^ (h >> 29)) & (slots - 1);
        for (; first[at]; at = (at + 1) & (slots - 1)) {
            const zone_names *y = &r->zones[first[at] - 1];
            if (dc_search_same_str(kind == DC_ENTITY_DISTRICT ? y->district : y->province,
                                   name) &&
                (kind == DC_ENTITY_PROVINCE ||
                 dc_search_same_str(y->province, z->province)))
                break;
        }
        if (!first[at]) {
            first[at] = (uint32_t)i + 1;
            rc = new_group(f, &group_of[i]);
            if (rc == DC_OK)
                rc = name_entity(f, kind, name, NULL, group_of[i], z->postcode, 0);
        } else {
            group_of[i] = group_of[first[at] - 1];
        }
        if (rc == DC_OK) rc = add_member(f, group_of[i], z->postcode);
    }
    free(first);
    free(group_of);
    return rc;
}

/* A former name (dc_search_former_names) into an entity marked former,
 * when it makes one. */
static dc_err former_entity(void *ctx, uint8_t kind, dc_str name, dc_str zone_kind,
                            uint32_t source, uint32_t tie)
{
    finish *f = ctx;
    size_t before = f->nents;
    dc_err rc = name_entity(f, kind, name,
                            kind == DC_ENTITY_ZONE ? kind_word(f->r, zone_kind) : NULL,
                            source, tie, 1);
    if (f->nents > before) f->ents[f->nents - 1].flags = DC_ENTITY_FORMER;
    return rc;
}

static dc_err collect_entities(finish *f, dc_search_string_fn str, void *sctx)
{
    dc_search_records *r = f->r;
    dc_err rc = zone_level(f, DC_ENTITY_PROVINCE);
    if (rc == DC_OK) rc = zone_level(f, DC_ENTITY_DISTRICT);
    for (size_t i = 0; rc == DC_OK && i < r->nzones; i++)
        rc = name_entity(f, DC_ENTITY_ZONE, r->zones[i].name,
                         kind_word(r, r->zones[i].kind), (uint32_t)i,
                         r->zones[i].postcode, 0);
    for (size_t i = 0; rc == DC_OK && i < r->nplaces; i++) {
        const place *p = &r->places[i];
        rc = name_entity(f, p->kind, str(sctx, p->string), NULL, (uint32_t)i, p->postcode,
                         p->string);
    }
    if (rc == DC_OK)
        rc = dc_search_former_names(&r->former, r->zones, r->nzones, former_entity, f);
    return rc;
}

static unsigned range_words(uint32_t words)
{
    return words < DC_ENTITY_MAX_WORDS ? words : DC_ENTITY_MAX_WORDS;
}

static int by_entity_order(const void *pa, const void *pb)
{
    const entity *a = pa, *b = pb;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    unsigned wa = range_words(a->words), wb = range_words(b->words);
    if (wa != wb) return wa < wb ? -1 : 1;
    int c = dc_search_cmp_bytes(a->folded, a->folded_len, b->folded, b->folded_len);
    if (!c) c = dc_search_cmp_bytes(a->exact, a->exact_len, b->exact, b->exact_len);
    if (c) return c;
    /* Then the postcode (a district or province: of its first zone), then
     * the string: two places of one kind differ in one or the other, and
     * two districts or provinces in their first zone. */
    if (a->tie != b->tie) return a->tie < b->tie ? -1 : 1;
    return (a->tie2 > b->tie2) - (a->tie2 < b->tie2);
}

/* ---- records ---------------------------------------------------------- */

static int32_t mean(int64_t sum, uint32_t n)
{
    int64_t half = n / 2;
    return (int32_t)(sum >= 0 ? (sum + half) / n : -((-sum + half) / n));
}

static uint8_t *put_postcodes(uint8_t *q, const members *m)
{
    for (uint32_t i = 0; i < m->n; i++)
        q +=
            dc_varint_put(q, i ? m->postcodes[i] - m->postcodes[i - 1] : m->postcodes[0]);
    return q;
}

/* The bytes of an entity's record before its count: kind, words, the
 * word taken off, flags, then the exact and folded proper names and the
 * leading word, each (u8 length, bytes). */
static size_t head_bytes(const entity *e)
{
    return 7 + (size_t)e->exact_len + e->folded_len + e->lead_len;
}

static uint8_t *put_head(uint8_t *q, const entity *e)
{
    *q++ = e->kind;
    *q++ = (uint8_t)(e->words < 255 ? e->words : 255);
    *q++ = e->word;
    *q++ = e->flags;
    *q++ = (uint8_t)e->exact_len;
    memcpy(q, e->exact, e->exact_len), q += e->exact_len;
    *q++ = (uint8_t)e->folded_len;
    memcpy(q, e->folded, e->folded_len), q += e->folded_len;
    *q++ = e->lead_len;
    memcpy(q, e->lead, e->lead_len);
    return q + e->lead_len;
}

/* A former name's record: its earlier zones' postcodes (varint count,
 * then ascending differences), then the current postcodes they reach. */
static dc_err former_record(const finish *f, const entity *e, search_buf *b)
{
    members old, reach;
    dc_search_former_members(&f->r->former, e->kind, e->source, &old, &reach);
    size_t need = head_bytes(e) + 4 + ((size_t)old.n + reach.n + 1) * DC_VARINT_MAX;
    b->len = 0;
    uint8_t *q = dc_search_buf_room(b, need), *start = q;
    if (!q) return DC_E_NOMEM;
    q = put_head(q, e);
    dc_put_le32(q, reach.n), q += 4;
    q += dc_varint_put(q, old.n);
    q = put_postcodes(q, &old);
    q = put_postcodes(q, &reach);
    b->len = (size_t)(q - start);
    return DC_OK;
}

/* An entity's record (docs/FORMAT.md, `search_entities`) into @p b. */
static dc_err entity_record(const finish *f, const entity *e, search_buf *b)
{
    if (e->flags & DC_ENTITY_FORMER) return former_record(f, e, b);
    const dc_search_records *r = f->r;
    int place_kind = e->kind == DC_ENTITY_STREET || e->kind == DC_ENTITY_GROUP;
    const place *p = place_kind ? &r->places[e->source] : NULL;
    const members *m = e->kind == DC_ENTITY_DISTRICT || e->kind == DC_ENTITY_PROVINCE
                           ? &f->groups[e->source]
                           : NULL;
    uint32_t zone_pc = e->kind == DC_ENTITY_ZONE ? r->zones[e->source].postcode : 0;
    uint32_t count = p ? p->count : m ? m->n : 1;
    size_t need =
        head_bytes(e) + 4 + 16 + (p ? p->len : 0) + (size_t)count * DC_VARINT_MAX;
    b->len = 0;
    uint8_t *q = dc_search_buf_room(b, need), *start = q;
    if (!q) return DC_E_NOMEM;
    q = put_head(q, e);
    dc_put_le32(q, count), q += 4;
    if (p) {
        dc_put_le32(q, p->string);
        dc_put_le32(q + 4, p->postcode);
        dc_put_i32(q + 8, mean(p->sum_lat, p->count));
        dc_put_i32(q + 12, mean(p->sum_lon, p->count));
        q += 16;
        memcpy(q, p->bytes, p->len), q += p->len;
    } else if (m) {
        q = put_postcodes(q, m);
    } else {
        q += dc_varint_put(q, zone_pc);
    }
    b->len = (size_t)(q - start);
    return DC_OK;
}

static dc_err write_entities(finish *f, dc_search_emit_fn emit, void *ectx, search_buf *b,
                             uint32_t first[DC_SEARCH_RANGES + 1])
{
    uint8_t key[4];
    for (uint32_t k = 0; k <= DC_SEARCH_RANGES; k++)
        first[k] = (uint32_t)f->nents;
    for (size_t id = f->nents; id-- > 0;) {
        const entity *e = &f->ents[id];
        first[e->kind * DC_ENTITY_MAX_WORDS + range_words(e->words) - 1] = (uint32_t)id;
    }
    /* an empty range starts where the next one does */
    for (uint32_t k = DC_SEARCH_RANGES; k-- > 0;)
        if (first[k] > first[k + 1]) first[k] = first[k + 1];
    for (size_t id = 0; id < f->nents; id++) {
        dc_err rc = entity_record(f, &f->ents[id], b);
        if (rc != DC_OK) return rc;
        dc_put_be32(key, (uint32_t)id);
        rc = emit(ectx, DC_DB_SEARCH_ENTITIES, key, 4, b->p, b->len);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

dc_err dc_search_records_finish(dc_search_records *r, dc_search_string_fn str, void *sctx,
                                dc_search_emit_fn emit, void *ectx, dc_error *err)
{
    finish f = {.r = r, .err = err};
    search_buf b = {0};
    uint32_t first[DC_SEARCH_RANGES + 1];
    uint8_t meta[DC_SEARCH_META_SIZE];
    dc_err rc = collect_entities(&f, str, sctx);
    if (rc == DC_OK) {
        if (f.nents) qsort(f.ents, f.nents, sizeof *f.ents, by_entity_order);
        rc = write_entities(&f, emit, ectx, &b, first);
    }
    if (rc == DC_OK) rc = dc_search_records_words(f.ents, f.nents, emit, ectx, &b);
    if (rc == DC_OK) {
        for (uint32_t k = 0; k <= DC_SEARCH_RANGES; k++)
            dc_put_le32(meta + 4 * k, first[k]);
        rc = emit(ectx, DC_DB_META, DC_SEARCH_META_KEY, strlen(DC_SEARCH_META_KEY), meta,
                  sizeof meta);
    }
    for (size_t i = 0; i < f.ngroups; i++)
        free(f.groups[i].postcodes);
    free(f.groups);
    free(f.ents);
    free(b.p);
    if (rc == DC_E_NOMEM) dc_error_set(err, rc, "out of memory for the search index");
    return rc;
}
