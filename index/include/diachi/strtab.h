/*
 * diachi/strtab.h - a table of distinct strings, numbered in order of first
 * sight, and the storage that holds them.
 *
 * Streets and groups repeat from one household to the next. The importer
 * keeps one copy of each for 27 million households in one table, and the
 * index build numbers them with another for the `strings` database
 * (docs/FORMAT.md: ids from 1 in order of first use), so the two sides
 * intern the same way. Copies live in chunks of 1 MiB: no allocation per
 * string.
 *
 *     dc_strtab *t = dc_strtab_open();
 *     uint32_t id;
 *     dc_strtab_intern(t, "Phan Dinh Giot", 14, &id);   id 1
 *     dc_strtab_intern(t, "Phan Dinh Giot", 14, &id);   id 1 again
 *     dc_str s = dc_strtab_string(t, id);                the one copy
 *     dc_strtab_close(t);
 *
 * Threads: a table belongs to one thread at a time; the functions that take
 * a const table may run on several threads at once while none changes it.
 */
#ifndef DIACHI_STRTAB_H
#define DIACHI_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"
#include "diachi/index.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dc_strtab dc_strtab;

/** A new, empty table; NULL when out of memory. Free it with dc_strtab_close. */
dc_strtab *dc_strtab_open(void);

/** Free the table and every copy it holds: every pointer it gave out becomes
 *  invalid. NULL is a no-op. */
void dc_strtab_close(dc_strtab *t);

/**
 * The id of the @p len bytes at @p s (not NUL-terminated; they may hold no
 * NUL): 1 for the first distinct string, then 2, 3, ... in order of first
 * sight; 0 for the empty string, which is never stored. A string seen for
 * the first time is copied, so @p s need not outlive the call.
 * @param[out] id  written on DC_OK only
 * @return DC_OK; DC_E_NOMEM (the table is as before the call);
 *         DC_E_INVALID_ARG (NULL @p t or @p id, NULL @p s with @p len > 0,
 *         @p len of 4 GiB or more, UINT32_MAX strings already, or a table
 *         frozen by dc_strtab_freeze)
 */
dc_err dc_strtab_intern(dc_strtab *t, const char *s, size_t len, uint32_t *id);

/**
 * The string of @p id (0..dc_strtab_count): the table's copy, followed by a
 * NUL that its length does not count; id 0 is the empty string "". An id
 * the table never gave is {NULL, 0}. Valid until dc_strtab_close.
 */
dc_str dc_strtab_string(const dc_strtab *t, uint32_t id);

/** How many distinct strings the table holds: ids run 1..this. 0 for NULL. */
uint32_t dc_strtab_count(const dc_strtab *t);

/**
 * A copy of @p len bytes at @p s, with a NUL after them, kept in the table's
 * storage but not interned (no id, not found by dc_strtab_intern): for
 * strings that never repeat, such as household ids. Valid until
 * dc_strtab_close. NULL when out of memory or for a NULL @p t or @p s.
 */
const char *dc_strtab_keep(dc_strtab *t, const char *s, size_t len);

/**
 * Free what finding a string needs (its hash slots), keeping the strings,
 * their ids and the copies: for a caller that has interned its last string
 * and needs the memory. dc_strtab_intern then fails with DC_E_INVALID_ARG.
 * NULL is a no-op.
 */
void dc_strtab_freeze(dc_strtab *t);

/** The 32-bit FNV-1a hash of @p len bytes: the table's own, for callers
 *  with a hash table of their own. Pure; thread-safe. */
uint32_t dc_strtab_hash(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_STRTAB_H */
