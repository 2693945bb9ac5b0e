/*
 * read_search.c - the search databases read (diachi/search_index.h,
 * docs/FORMAT.md "The search index"): meta's `search` ranges at open; a
 * word's posting list, the words of a prefix, the words one typo away,
 * an entity and its members on demand. Every record is checked as it is
 * decoded: a damaged one is DC_E_INDEX_CORRUPT, never a read outside it.
 */
#include <stdlib.h>

#include "diachi/history.h"
#include "read_search.h"
#include "read_strings.h"
#include "search_postings.h"
#include "search_records.h"

const char *dc_entity_kind_name(dc_entity_kind kind)
{
    static const char *const names[DC_ENTITY_KINDS] = {"province", "district", "zone",
                                                       "group", "street"};
    return (unsigned)kind < DC_ENTITY_KINDS ? names[kind] : "unknown";
}

dc_err dc_index_load_search(dc_index *idx, dc_error *err)
{
    MDB_val k = {strlen(DC_SEARCH_META_KEY), DC_SEARCH_META_KEY}, v;
    MDB_stat st;
    int rc = mdb_get(idx->pinned, idx->dbi[DC_DB_META], &k, &v);
    if (rc == 0) rc = mdb_stat(idx->pinned, idx->dbi[DC_DB_SEARCH_ENTITIES], &st);
    if (rc == MDB_NOTFOUND)
        return dc_error_set(err, DC_E_INDEX_CORRUPT, "%s: meta has no %s record",
                            idx->path, DC_SEARCH_META_KEY);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    if (v.mv_size != DC_SEARCH_META_SIZE)
        return dc_error_set(err, DC_E_INDEX_CORRUPT, "%s: meta's %s record is %zu bytes",
                            idx->path, DC_SEARCH_META_KEY, v.mv_size);
    for (uint32_t i = 0; i <= DC_SEARCH_RANGES; i++) {
        idx->search_first[i] = dc_get_le32((const uint8_t *)v.mv_data + 4 * i);
        if (i > 0 && idx->search_first[i] < idx->search_first[i - 1])
            return dc_error_set(err, DC_E_INDEX_CORRUPT,
                                "%s: the search ranges are out of order", idx->path);
    }
    if (idx->search_first[0] != 0 || idx->search_first[DC_SEARCH_RANGES] != st.ms_entries)
        return dc_error_set(err, DC_E_INDEX_CORRUPT,
                            "%s: the search ranges count %u entities, search_entities "
                            "holds %zu",
                            idx->path, idx->search_first[DC_SEARCH_RANGES],
                            (size_t)st.ms_entries);
    return DC_OK;
}

void dc_index_search_range(const dc_index *idx, dc_entity_kind kind, unsigned words,
                           uint32_t *first, uint32_t *end)
{
    *first = *end = 0;
    if (!idx || (unsigned)kind >= DC_ENTITY_KINDS || words == 0) return;
    if (words > DC_ENTITY_MAX_WORDS) words = DC_ENTITY_MAX_WORDS;
    uint32_t k = (uint32_t)kind * DC_ENTITY_MAX_WORDS + words - 1;
    *first = idx->search_first[k];
    *end = idx->search_first[k + 1];
}

uint32_t dc_index_search_entities(const dc_index *idx)
{
    return idx ? idx->search_first[DC_SEARCH_RANGES] : 0;
}

static dc_err get(dc_index_txn *txn, int db, const void *key, size_t len, MDB_val *v)
{
    MDB_val k = {len, (void *)key};
    int rc = mdb_get(txn->txn, txn->idx->dbi[db], &k, v);
    if (rc == MDB_NOTFOUND) return DC_E_NOT_FOUND;
    return rc == 0 ? DC_OK : dc_index_lmdb_error(NULL, rc, dc_db_names[db]);
}

dc_err dc_index_search_word(dc_index_txn *txn, const char *folded, size_t len,
                            dc_postings *out)
{
    MDB_val v;
    if (!txn || !folded || !out || len == 0 || len > DC_SEARCH_MAX_NAME)
        return DC_E_INVALID_ARG;
    dc_err rc = get(txn, DC_DB_SEARCH_WORDS, folded, len, &v);
    return rc == DC_OK ? dc_postings_open(out, v.mv_data, v.mv_size) : rc;
}

dc_err dc_index_search_prefix(dc_index_txn *txn, const char *prefix, size_t len,
                              dc_word_fn fn, void *ctx)
{
    MDB_cursor *cur;
    MDB_val k = {len, (void *)prefix}, v;
    dc_postings pl;
    if (!txn || !prefix || !fn || len == 0 || len > DC_SEARCH_MAX_NAME)
        return DC_E_INVALID_ARG;
    int rc = mdb_cursor_open(txn->txn, txn->idx->dbi[DC_DB_SEARCH_WORDS], &cur);
    if (rc != 0) return dc_index_lmdb_error(NULL, rc, "search_words");
    dc_err e = DC_OK;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size < len || memcmp(k.mv_data, prefix, len) != 0) break;
        e = dc_postings_open(&pl, v.mv_data, v.mv_size);
        if (e != DC_OK || fn(ctx, k.mv_data, k.mv_size, &pl)) break;
    }
    mdb_cursor_close(cur);
    if (e == DC_OK && rc != 0 && rc != MDB_NOTFOUND)
        e = dc_index_lmdb_error(NULL, rc, "search_words");
    return e;
}

/* ---- typos ------------------------------------------------------------ */

/* The code points of a word of at most DC_TYPO_MAX_CHARS + 1 characters:
 * their count, or -1 for a longer one. Bytes that are not UTF-8 count one
 * each (words from the index are, a caller's need not be). */
static int code_points(const char *s, size_t len, uint32_t *out)
{
    int n = 0;
    for (size_t i = 0; i < len; n++) {
        unsigned char c = (unsigned char)s[i];
        size_t cl = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        if (n > (int)DC_TYPO_MAX_CHARS || i + cl > len) return -1;
        uint32_t cp = c;
        for (size_t j = 1; j < cl; j++)
            cp = cp << 8 | (unsigned char)s[i + j];
        out[n] = cp;
        i += cl;
    }
    return n;
}

/* One edit (Damerau's: a character left out, added, replaced, or two
 * neighbours swapped) between @p a and @p b, not none. */
static int one_edit(const uint32_t *a, int na, const uint32_t *b, int nb)
{
    if (na < nb) return one_edit(b, nb, a, na);
    if (na - nb > 1) return 0;
    int i = 0;
    while (i < nb && a[i] == b[i])
        i++;
    if (na == nb + 1) return memcmp(a + i + 1, b + i, (size_t)(nb - i) * 4) == 0;
    if (i == na) return 0; /* the same word */
    if (memcmp(a + i + 1, b + i + 1, (size_t)(na - i - 1) * 4) == 0) return 1;
    return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           memcmp(a + i + 2, b + i + 2, (size_t)(na - i - 2) * 4) == 0;
}

#define TYPO_SEEN 64

/* The words found so far, so that each is given once. */
typedef struct typos {
    dc_index_txn *txn;
    uint32_t q[DC_TYPO_MAX_CHARS + 2];
    int nq;
    dc_word_fn fn;
    void *ctx;
    int stop;
    size_t nseen;
    struct {
        const void *ptr;
        size_t len;
    } seen[TYPO_SEEN];
} typos;

/* A candidate word: confirmed by its edit, given once, with its list. */
static dc_err candidate(typos *t, const char *w, size_t len)
{
    uint32_t cw[DC_TYPO_MAX_CHARS + 2];
    dc_postings pl;
    int n = code_points(w, len, cw);
    if (t->stop || n < (int)DC_TYPO_MIN_CHARS || !one_edit(t->q, t->nq, cw, n))
        return DC_OK;
    for (size_t i = 0; i < t->nseen; i++)
        if (t->seen[i].len == len && memcmp(t->seen[i].ptr, w, len) == 0) return DC_OK;
    if (t->nseen == TYPO_SEEN) return DC_OK;
    dc_err rc = dc_index_search_word(t->txn, w, len, &pl);
    if (rc == DC_E_NOT_FOUND) return DC_E_INDEX_CORRUPT; /* a typo of no word */
    if (rc != DC_OK) return rc;
    t->seen[t->nseen].ptr = w, t->seen[t->nseen++].len = len;
    if (t->fn(t->ctx, w, len, &pl)) t->stop = 1;
    return DC_OK;
}

/* The words under one deletion key: (u8 length, bytes) each. */
static dc_err typo_key(typos *t, const char *key, size_t len)
{
    MDB_val v;
    dc_err rc = get(t->txn, DC_DB_SEARCH_TYPOS, key, len, &v);
    if (rc == DC_E_NOT_FOUND) return DC_OK;
    const uint8_t *p = v.mv_data, *end = p + v.mv_size;
    while (rc == DC_OK && p < end) {
        size_t n = *p++;
        if (n == 0 || n > (size_t)(end - p)) return DC_E_INDEX_CORRUPT;
        rc = candidate(t, (const char *)p, n);
        p += n;
    }
    return rc;
}

dc_err dc_index_search_typos(dc_index_txn *txn, const char *folded, size_t len,
                             dc_word_fn fn, void *ctx)
{
    char del[DC_SEARCH_MAX_NAME];
    if (!txn || !folded || !fn || len == 0) return DC_E_INVALID_ARG;
    typos *t = malloc(sizeof *t);
    if (!t) return DC_E_NOMEM;
    *t = (typos){.txn = txn, .fn = fn, .ctx = ctx};
    t->nq = code_points(folded, len, t->q);
    MDB_cursor *cur = NULL;
    dc_err rc = DC_OK;
    if (t->nq < (int)DC_TYPO_MIN_CHARS - 1 || len > DC_SEARCH_MAX_NAME) goto done;
    int lrc = mdb_cursor_open(txn->txn, txn->idx->dbi[DC_DB_SEARCH_WORDS], &cur);
    if (lrc != 0) {
        rc = dc_index_lmdb_error(NULL, lrc, "search_words");
        goto done;
    }
    /* a character left out: the word is a deletion key equal to the query */
    rc = typo_key(t, folded, len);
    for (size_t at = 0; rc == DC_OK && at < len;) {
        unsigned char c = (unsigned char)folded[at];
        size_t cl = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        if (at + cl > len) break;
        memcpy(del, folded, at);
        memcpy(del + at, folded + at + cl, len - at - cl);
        /* a character added: the word is the query less one (given as
         * the index's own key, which outlives this buffer) */
        MDB_val k = {len - cl, del}, v;
        int got = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY);
        if (got == 0)
            rc = candidate(t, k.mv_data, k.mv_size);
        else if (got != MDB_NOTFOUND)
            rc = dc_index_lmdb_error(NULL, got, "search_words");
        /* replaced or swapped: both lose a character to one key */
        if (rc == DC_OK && len - cl > 0) rc = typo_key(t, del, len - cl);
        at += cl;
    }
done:
    if (cur) mdb_cursor_close(cur);
    free(t);
    return rc;
}

/* ---- entities --------------------------------------------------------- */

static int read_str8(const uint8_t **p, const uint8_t *end, dc_str *out)
{
    if (*p >= end || (size_t)(end - *p) < 1u + **p) return -1;
    out->len = **p;
    out->ptr = (const char *)*p + 1;
    *p += 1 + out->len;
    return 0;
}

/* A former entity's earlier postcodes (a count, then ascending
 * differences), then its members. */
static dc_err decode_former(const uint8_t *p, const uint8_t *end, dc_entity *e)
{
    uint32_t n, pc;
    dc_entity_walk w;
    if (dc_varint_get(&p, end, &n) != 0 || n == 0 ||
        (e->kind == DC_ENTITY_ZONE && n != 1))
        return DC_E_INDEX_CORRUPT;
    e->nformer = n;
    e->earlier = p;
    w = (dc_entity_walk){p, end, DC_ENTITY_ZONE, n, 0, 0};
    for (uint32_t i = 0; i < n; i++) {
        if (dc_entity_walk_next(&w, &pc, NULL) != 1) return DC_E_INDEX_CORRUPT;
        if (i == 0) e->postcode = pc;
    }
    e->members = w.p;
    e->members_end = end;
    return DC_OK;
}

static dc_err decode_entity(uint32_t id, const uint8_t *p, const uint8_t *end,
                            dc_entity *e)
{
    if (end - p < 4 || p[0] >= DC_ENTITY_KINDS || p[1] == 0 ||
        (p[3] & ~DC_ENTITY_FORMER) != 0 || (p[3] && p[0] > DC_ENTITY_ZONE))
        return DC_E_INDEX_CORRUPT;
    *e = (dc_entity){
        .id = id, .kind = p[0], .words = p[1], .word = p[2], .former = p[3] != 0};
    p += 4;
    if (read_str8(&p, end, &e->exact) || read_str8(&p, end, &e->folded) ||
        read_str8(&p, end, &e->lead) || end - p < 4)
        return DC_E_INDEX_CORRUPT;
    /* the word taken off is there when its kind is, and only then */
    if ((e->lead.len == 0) != (e->word == 0)) return DC_E_INDEX_CORRUPT;
    e->count = dc_get_le32(p);
    p += 4;
    if (e->count == 0) return DC_E_INDEX_CORRUPT;
    if (e->kind == DC_ENTITY_STREET || e->kind == DC_ENTITY_GROUP) {
        if (end - p < 16) return DC_E_INDEX_CORRUPT;
        e->string = dc_get_le32(p);
        e->postcode = dc_get_le32(p + 4);
        e->lat_e7 = dc_get_i32(p + 8);
        e->lon_e7 = dc_get_i32(p + 12);
        p += 16;
    }
    if (e->former) return decode_former(p, end, e);
    e->members = p;
    e->members_end = end;
    if (e->kind == DC_ENTITY_ZONE) {
        uint32_t pc;
        if (e->count != 1 || dc_varint_get(&p, end, &pc) != 0 || p != end)
            return DC_E_INDEX_CORRUPT;
        e->postcode = pc;
    }
    return DC_OK;
}

dc_err dc_index_search_entity(dc_index_txn *txn, uint32_t id, dc_entity *out)
{
    uint8_t key[4];
    MDB_val v;
    dc_entity e;
    if (!txn || !out) return DC_E_INVALID_ARG;
    dc_put_be32(key, id);
    dc_err rc = get(txn, DC_DB_SEARCH_ENTITIES, key, 4, &v);
    if (rc == DC_OK)
        rc = decode_entity(id, v.mv_data, (const uint8_t *)v.mv_data + v.mv_size, &e);
    if (rc == DC_OK) *out = e;
    return rc;
}

dc_err dc_index_search_entities_read(dc_index_txn *txn, const uint32_t *ids, size_t n,
                                     dc_entity_fn fn, void *ctx)
{
    MDB_cursor *cur;
    uint8_t key[4];
    dc_entity e;
    if (!txn || (!ids && n) || !fn) return DC_E_INVALID_ARG;
    if (n == 0) return DC_OK;
    int rc = mdb_cursor_open(txn->txn, txn->idx->dbi[DC_DB_SEARCH_ENTITIES], &cur);
    if (rc != 0) return dc_index_lmdb_error(NULL, rc, "search_entities");
    dc_err e_rc = DC_OK;
    for (size_t i = 0; e_rc == DC_OK && i < n; i++) {
        MDB_val k = {4, key}, v;
        dc_put_be32(key, ids[i]);
        bool next = i > 0 && ids[i] == ids[i - 1] + 1;
        rc = mdb_cursor_get(cur, &k, &v, next ? MDB_NEXT : MDB_SET_KEY);
        if (rc == MDB_NOTFOUND ||
            (rc == 0 && (k.mv_size != 4 || dc_get_be32(k.mv_data) != ids[i])))
            e_rc = DC_E_INDEX_CORRUPT;
        else if (rc != 0)
            e_rc = dc_index_lmdb_error(NULL, rc, "search_entities");
        else
            e_rc = decode_entity(ids[i], v.mv_data,
                                 (const uint8_t *)v.mv_data + v.mv_size, &e);
        if (e_rc == DC_OK && fn(ctx, &e)) break;
    }
    mdb_cursor_close(cur);
    return e_rc;
}

void dc_entity_walk_begin(const dc_entity *e, dc_entity_walk *w)
{
    *w = (dc_entity_walk){e->members, e->members_end, e->kind, e->count, 0, 0};
}

void dc_entity_former_begin(const dc_entity *e, dc_entity_walk *w)
{
    if (!e->former) {
        *w = (dc_entity_walk){NULL, NULL, DC_ENTITY_ZONE, 0, 0, 0};
        return;
    }
    *w = (dc_entity_walk){e->earlier, e->members, DC_ENTITY_ZONE, e->nformer, 0, 0};
}

int dc_entity_walk_next(dc_entity_walk *w, uint32_t *member, dc_str *house)
{
    uint32_t d, v;
    dc_str h = {"", 0};
    if (w->index == w->count) return w->p == w->end ? 0 : -1;
    if (dc_varint_get(&w->p, w->end, &d) != 0) return -1;
    if (w->index == 0)
        v = d;
    else if (d == 0 || d > UINT32_MAX - w->last)
        return -1;
    else
        v = w->last + d;
    if (w->kind == DC_ENTITY_STREET && read_str8(&w->p, w->end, &h) != 0) return -1;
    if (house) *house = h;
    w->last = v;
    w->index++;
    *member = v;
    return 1;
}

dc_err dc_index_search_name(dc_index_txn *txn, const dc_entity *e, dc_str *out)
{
    dc_entity_walk w;
    dc_zone z;
    uint32_t postcode;
    if (!txn || !e || !out) return DC_E_INVALID_ARG;
    if (e->kind == DC_ENTITY_STREET || e->kind == DC_ENTITY_GROUP)
        return dc_index_string(txn, e->string, out);
    if (e->former) {
        dc_past_zone pz;
        if (dc_index_past_zone(txn, e->postcode, &pz) != DC_OK) return DC_E_INDEX_CORRUPT;
        *out = e->kind == DC_ENTITY_ZONE       ? pz.zone.name
               : e->kind == DC_ENTITY_DISTRICT ? pz.zone.district
                                               : pz.zone.province;
        return DC_OK;
    }
    dc_entity_walk_begin(e, &w);
    if (dc_entity_walk_next(&w, &postcode, NULL) != 1 ||
        dc_index_zone(txn, postcode, &z) != DC_OK)
        return DC_E_INDEX_CORRUPT;
    *out = e->kind == DC_ENTITY_ZONE       ? z.name
           : e->kind == DC_ENTITY_DISTRICT ? z.district
                                           : z.province;
    return DC_OK;
}
