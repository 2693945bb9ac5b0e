/*
 * search_records.h - the records of the search databases (docs/FORMAT.md,
 * "The search index"), computed from the zones, the households in number
 * order and the strings: what the build writes (build_search.c) and what
 * the check recomputes and compares (check_search.c), from one piece of
 * code, so that the two can never disagree. Internal to dc_index.
 *
 *     dc_search_records *r = dc_search_records_open();
 *     dc_search_records_past_zone(r, ...)     each earlier zone, before the
 *                                             households
 *     dc_search_records_zone(r, ...)          each zone, in postcode order
 *     dc_search_records_household(r, ...)     each household, in number order
 *     dc_search_records_finish(r, strings, emit, ...)
 *                                             every record, in key order
 *     dc_search_records_close(r);
 *
 * Memory: a copy of each household's house number and a few bytes more
 * (about 8 bytes a household), and the distinct streets, groups and words.
 */
#ifndef DC_SEARCH_RECORDS_H
#define DC_SEARCH_RECORDS_H

#include "index_internal.h"

/* The longest house number (its normal form) and proper name stored, in
 * bytes; longer ones are stored empty, or make no entity. */
#define DC_SEARCH_MAX_HOUSE 255u
#define DC_SEARCH_MAX_NAME 255u
/* Words of this many characters (code points) have their deletions in
 * `search_typos`: a typo is tolerated in words of 5 or more. */
#define DC_TYPO_MIN_CHARS 5u
#define DC_TYPO_MAX_CHARS 32u

typedef struct dc_search_records dc_search_records;

/* NULL when out of memory. */
dc_search_records *dc_search_records_open(void);
void dc_search_records_close(dc_search_records *r);

/* A zone, in ascending postcode order; its strings must stay valid until
 * dc_search_records_finish returns. */
dc_err dc_search_records_zone(dc_search_records *r, uint32_t postcode, dc_str name,
                              dc_str kind, dc_str district, dc_str province);

/* A zone of the earlier editions (any order, each postcode once), before
 * the first household: each household's current postcode is kept for the
 * earlier zones whose polygon holds it, and the names no current zone
 * carries become former entities. Its strings and polygon must stay valid
 * until dc_search_records_finish returns. */
dc_err dc_search_records_past_zone(dc_search_records *r, uint32_t postcode, dc_str name,
                                   dc_str kind, dc_str district, dc_str province,
                                   dc_polygon polygon);

/* A household, in ascending number order: its street and group as
 * `strings` ids (0: none), its house number as stored. */
dc_err dc_search_records_household(dc_search_records *r, uint32_t number,
                                   uint32_t postcode, uint32_t street, uint32_t group,
                                   const char *house, size_t house_len, int32_t lat_e7,
                                   int32_t lon_e7);

/* The text of a `strings` id, valid until finish returns. */
typedef dc_str (*dc_search_string_fn)(void *ctx, uint32_t id);
/* One record for database @p db (DC_DB_SEARCH_* in key order, then the
 * `search` key of DC_DB_META). */
typedef dc_err (*dc_search_emit_fn)(void *ctx, int db, const void *key, size_t klen,
                                    const void *val, size_t vlen);

/* Every record: entities in id order, words, typos, then meta's `search`.
 * Stops at the first error @p emit returns; DC_E_NOMEM (with @p err) when
 * memory runs out. */
dc_err dc_search_records_finish(dc_search_records *r, dc_search_string_fn str, void *sctx,
                                dc_search_emit_fn emit, void *ectx, dc_error *err);

/* The bytes of meta's `search` value: for each kind and each number of
 * words 1..DC_ENTITY_MAX_WORDS the first id, then the number of entities. */
#define DC_SEARCH_RANGES (DC_ENTITY_KINDS * DC_ENTITY_MAX_WORDS)
#define DC_SEARCH_META_SIZE (4 * (DC_SEARCH_RANGES + 1))
#define DC_SEARCH_META_KEY "search"

#endif
