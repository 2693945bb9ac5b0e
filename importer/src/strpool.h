/*
 * strpool.h - string storage for millions of households: a bump arena
 * (no per-string malloc) and an interning table for the strings that
 * repeat (streets, groups), so 27 million households fit in memory.
 */
#ifndef DC_IMPORT_STRPOOL_H
#define DC_IMPORT_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct dc_arena_chunk dc_arena_chunk;

typedef struct dc_arena {
    dc_arena_chunk *chunks;
    char *next, *end;
} dc_arena;

/** Copy @p len bytes of @p s plus a NUL into the arena; NULL on ENOMEM. */
char *dc_arena_strndup(dc_arena *a, const char *s, size_t len);
/** Free every string of the arena. */
void dc_arena_free(dc_arena *a);

typedef struct dc_intern {
    dc_arena *arena;
    const char **slots; /* open addressing, power-of-two size */
    uint64_t *hashes;
    size_t mask, count;
} dc_intern;

/** Start an empty table whose strings live in @p arena. 0 or -1 (ENOMEM). */
int dc_intern_init(dc_intern *t, dc_arena *arena);
/** The one stored copy of @p s (NUL-terminated); NULL on ENOMEM. */
const char *dc_intern_get(dc_intern *t, const char *s);
void dc_intern_free(dc_intern *t);

/** 64-bit FNV-1a of a string: cheap and good enough for table slots. */
uint64_t dc_hash_str(const char *s, size_t len);

#endif
