/*
 * strtab.c - the string table (diachi/strtab.h): copies bump-allocated in
 * chunks, entries by id, and open-addressing slots that hold ids (0: empty)
 * at most half full.
 */
#include "diachi/strtab.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES (1u << 20)
#define FIRST_SLOTS 1024u
#define FIRST_ENTRIES 1024u

typedef struct chunk {
    struct chunk *prev;
    char data[];
} chunk;

typedef struct entry {
    const char *s;
    uint32_t len, hash;
} entry;

struct dc_strtab {
    chunk *chunks;
    char *next, *end; /* free bytes of the newest chunk */
    entry *entries;   /* entries[id - 1] */
    uint32_t count, cap;
    uint32_t *slots; /* ids; NULL once frozen */
    uint32_t nslots; /* a power of two */
    int frozen;
};

uint32_t dc_strtab_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

dc_strtab *dc_strtab_open(void)
{
    return calloc(1, sizeof(dc_strtab));
}

void dc_strtab_close(dc_strtab *t)
{
    if (!t) return;
    for (chunk *c = t->chunks, *prev; c; c = prev) {
        prev = c->prev;
        free(c);
    }
    free(t->entries);
    free(t->slots);
    free(t);
}

const char *dc_strtab_keep(dc_strtab *t, const char *s, size_t len)
{
    if (!t || !s) return NULL;
    if (!t->next || (size_t)(t->end - t->next) < len + 1) {
        size_t size = len + 1 > CHUNK_BYTES ? len + 1 : CHUNK_BYTES;
        chunk *c = malloc(sizeof *c + size);
        if (!c) return NULL;
        c->prev = t->chunks;
        t->chunks = c;
        t->next = c->data;
        t->end = c->data + size;
    }
    char *p = t->next;
    memcpy(p, s, len);
    p[len] = '\0';
    t->next += len + 1;
    return p;
}

/* Twice the slots, every id placed again. */
static dc_err grow_slots(dc_strtab *t)
{
    uint32_t nslots = t->nslots ? t->nslots * 2 : FIRST_SLOTS;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return DC_E_NOMEM;
    for (uint32_t id = 1; id <= t->count; id++) {
        uint32_t i = t->entries[id - 1].hash & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = id;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return DC_OK;
}

static dc_err grow_entries(dc_strtab *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : FIRST_ENTRIES;
    entry *e = realloc(t->entries, (size_t)cap * sizeof *e);
    if (!e) return DC_E_NOMEM;
    t->entries = e;
    t->cap = cap;
    return DC_OK;
}

/* A new string's entry, its id in slot @p i. */
static dc_err add(dc_strtab *t, const char *s, size_t len, uint32_t hash, uint32_t i)
{
    if (len > UINT32_MAX || t->count == UINT32_MAX - 1) return DC_E_INVALID_ARG;
    if (t->count == t->cap && grow_entries(t) != DC_OK) return DC_E_NOMEM;
    const char *copy = dc_strtab_keep(t, s, len);
    if (!copy) return DC_E_NOMEM;
    t->entries[t->count++] = (entry){copy, (uint32_t)len, hash};
    t->slots[i] = t->count;
    return DC_OK;
}

dc_err dc_strtab_intern(dc_strtab *t, const char *s, size_t len, uint32_t *id)
{
    if (!t || !id || (!s && len)) return DC_E_INVALID_ARG;
    if (len == 0) {
        *id = 0;
        return DC_OK;
    }
    /* A frozen table has no slots, so it always comes here. */
    if ((uint64_t)(t->count + 1) * 2 > t->nslots) {
        if (t->frozen) return DC_E_INVALID_ARG;
        if (grow_slots(t) != DC_OK) return DC_E_NOMEM;
    }
    uint32_t hash = dc_strtab_hash(s, len), i = hash & (t->nslots - 1);
    for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
        const entry *e = &t->entries[t->slots[i] - 1];
        if (e->hash == hash && e->len == len && memcmp(e->s, s, len) == 0) {
            *id = t->slots[i];
            return DC_OK;
        }
    }
    dc_err rc = add(t, s, len, hash, i);
    if (rc == DC_OK) *id = t->count;
    return rc;
}

dc_str dc_strtab_string(const dc_strtab *t, uint32_t id)
{
    if (id == 0) return (dc_str){"", 0};
    if (!t || id > t->count) return (dc_str){NULL, 0};
    return (dc_str){t->entries[id - 1].s, t->entries[id - 1].len};
}

uint32_t dc_strtab_count(const dc_strtab *t)
{
    return t ? t->count : 0;
}

void dc_strtab_freeze(dc_strtab *t)
{
    if (!t) return;
    free(t->slots);
    t->slots = NULL;
    t->nslots = 0;
    t->frozen = 1;
}
