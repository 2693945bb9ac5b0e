/* strpool.c - arena and interning table for imported strings. */
#include "strpool.h"

#include <stdlib.h>
#include <string.h>

#define DC_ARENA_CHUNK (1u << 20)

struct dc_arena_chunk {
    dc_arena_chunk *prev;
    char data[];
};

char *dc_arena_strndup(dc_arena *a, const char *s, size_t len)
{
    if ((size_t)(a->end - a->next) < len + 1 || !a->next) {
        size_t size = len + 1 > DC_ARENA_CHUNK ? len + 1 : DC_ARENA_CHUNK;
        dc_arena_chunk *c = malloc(sizeof *c + size);
        if (!c) return NULL;
        c->prev = a->chunks;
        a->chunks = c;
        a->next = c->data;
        a->end = c->data + size;
    }
    char *p = a->next;
    memcpy(p, s, len);
    p[len] = '\0';
    a->next += len + 1;
    return p;
}

void dc_arena_free(dc_arena *a)
{
    dc_arena_chunk *c = a->chunks;
    while (c) {
        dc_arena_chunk *prev = c->prev;
        free(c);
        c = prev;
    }
    memset(a, 0, sizeof *a);
}

uint64_t dc_hash_str(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int dc_intern_init(dc_intern *t, dc_arena *arena)
{
    memset(t, 0, sizeof *t);
    t->arena = arena;
    t->mask = 1023;
    t->slots = calloc(t->mask + 1, sizeof *t->slots);
    t->hashes = calloc(t->mask + 1, sizeof *t->hashes);
    return t->slots && t->hashes ? 0 : -1;
}

static int intern_grow(dc_intern *t)
{
    size_t size = (t->mask + 1) * 2;
    const char **slots = calloc(size, sizeof *slots);
    uint64_t *hashes = calloc(size, sizeof *hashes);
    if (!slots || !hashes) {
        free(slots);
        free(hashes);
        return -1;
    }
    for (size_t i = 0; i <= t->mask; i++) {
        if (!t->slots[i]) continue;
        size_t j = t->hashes[i] & (size - 1);
        while (slots[j])
            j = (j + 1) & (size - 1);
        slots[j] = t->slots[i];
        hashes[j] = t->hashes[i];
    }
    free(t->slots);
    free(t->hashes);
    t->slots = slots;
    t->hashes = hashes;
    t->mask = size - 1;
    return 0;
}

const char *dc_intern_get(dc_intern *t, const char *s)
{
    size_t len = strlen(s);
    uint64_t h = dc_hash_str(s, len);
    size_t i = h & t->mask;
    for (; t->slots[i]; i = (i + 1) & t->mask)
        if (t->hashes[i] == h && strcmp(t->slots[i], s) == 0) return t->slots[i];

    const char *copy = dc_arena_strndup(t->arena, s, len);
    if (!copy) return NULL;
    t->slots[i] = copy;
    t->hashes[i] = h;
    if (++t->count * 2 > t->mask && intern_grow(t) != 0) return NULL;
    return copy;
}

void dc_intern_free(dc_intern *t)
{
    free(t->slots);
    free(t->hashes);
    memset(t, 0, sizeof *t);
}
