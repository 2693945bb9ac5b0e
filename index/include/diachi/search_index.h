/*
 * diachi/search_index.h - the index's address search data, read: the
 * places people name in a written address (streets and groups in a zone,
 * zones, districts, provinces: "entities"), the posting lists that lead
 * from a folded word to them, the words one typo away from a word,
 * and from a street or group to its households with their house numbers.
 * docs/FORMAT.md ("The search index") has every byte; the engine's search
 * (geocoder/include/diachi/search.h) is built on these calls.
 *
 * Words are dc_text's folded forms (diachi/text.h): "võ" is looked up as
 * "vo". An entity's name is its *proper* name, the words of the map's
 * name after a leading vocabulary word ("Tổ dân phố 5" is named "5" with
 * the word tổ dân phố; "Ngõ 12 Võ Nguyên Giáp" is "12 võ nguyên giáp" with
 * ngõ; "Thành phố Điện Biên Phủ" is "điện biên phủ").
 *
 * Entities are numbered from 0 in the order (kind, number of words of the
 * proper name, folded name, exact name, postcode), so the entities of a
 * kind with n words are one range of ids (dc_index_search_range), and the
 * same name in different zones are neighbours.
 *
 * Threads and lifetimes as in diachi/index.h: a transaction belongs to one
 * thread at a time, and every pointer a call gives out (a posting list, a
 * name, an entity's members) points into the map and stays valid until
 * the transaction ends. Nothing here allocates.
 */
#ifndef DIACHI_SEARCH_INDEX_H
#define DIACHI_SEARCH_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"
#include "diachi/index.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What an entity is. Stable values: they order the ids. */
typedef enum dc_entity_kind {
    DC_ENTITY_PROVINCE = 0, /**< a province: its zones */
    DC_ENTITY_DISTRICT = 1, /**< a district of a province: its zones */
    DC_ENTITY_ZONE = 2,     /**< a postal zone (ward, commune) */
    DC_ENTITY_GROUP = 3,    /**< a group (tổ dân phố, bản, thôn) in a zone */
    DC_ENTITY_STREET = 4    /**< a street, alley or hamlet in a zone */
} dc_entity_kind;
#define DC_ENTITY_KINDS 5

/** An entity's flag (docs/FORMAT.md, byte 3 of its record): a *former*
 *  name, a zone, district or province of the zone map's earlier editions
 *  that no current one carries ("P. Him Lam" after 2025). Its members are
 *  the current postcodes its earlier zones' households lie in now, so that
 *  a query naming it is kept to them as to a current place; its earlier
 *  zones' postcodes are read with dc_entity_former_begin. */
#define DC_ENTITY_FORMER 0x01u

/** Entities whose proper name has this many words or more share the last
 *  range of their kind. */
#define DC_ENTITY_MAX_WORDS 16

/**
 * A posting list of entity ids, ascending, read as a cursor: start it with
 * dc_index_search_word (or a dc_token_fn's argument), then step with
 * dc_postings_next or jump with dc_postings_seek. A copy is an
 * independent cursor at the same place. Fields are the reader's.
 */
typedef struct dc_postings {
    const uint8_t *skips, *blocks, *end, *p;
    uint32_t count, nskips;
    uint32_t index; /* ids read so far */
    uint32_t id;    /* the last id read */
} dc_postings;

/** How many ids the list holds. */
static inline uint32_t dc_postings_count(const dc_postings *pl)
{
    return pl->count;
}

/**
 * The next id of the list.
 * @return 1 with *id set, 0 at the end, -1 when the list's bytes break
 *         the layout (then DC_E_INDEX_CORRUPT for the caller)
 */
int dc_postings_next(dc_postings *pl, uint32_t *id);

/**
 * The first id at or after @p target (ids before it are passed over,
 * whole blocks at a time through the skip table): as dc_postings_next.
 * The cursor never moves back: a @p target at or below the last id read
 * gives the next id.
 */
int dc_postings_seek(dc_postings *pl, uint32_t target, uint32_t *id);

/**
 * At most how many ids of the list lie in [@p lo, @p hi): from its skip
 * table alone (no block is decoded), so a whole block counts as 64; a
 * list of one block counts whole. 0 means none does. For choosing which
 * list drives an intersection, and skipping one that cannot. Reads only
 * @p pl's head; the cursor does not move.
 */
uint32_t dc_postings_estimate(const dc_postings *pl, uint32_t lo, uint32_t hi);

/**
 * The posting list of one folded word.
 * @param[in] folded  @p len bytes (1..255), a folded form as dc_text gives
 * @param[out] out    on DC_OK only
 * @return DC_OK, DC_E_NOT_FOUND (no entity has the word),
 *         DC_E_INVALID_ARG (NULL argument, @p len 0 or over 255),
 *         DC_E_INDEX_CORRUPT (the list's head is damaged), DC_E_IO
 */
dc_err dc_index_search_word(dc_index_txn *txn, const char *folded, size_t len,
                            dc_postings *out);

/** Called for each word found, with its posting list (a cursor of the
 *  caller's to move); return non-zero to stop. */
typedef int (*dc_word_fn)(void *ctx, const char *folded, size_t len, dc_postings *pl);

/**
 * Every word that starts with @p prefix, in byte order of its folded form
 * (so "nguy" gives "nguyen" before "nguyet"), until @p fn returns
 * non-zero: the prefix range of an autocomplete.
 * @param[in] prefix  @p len bytes, 1..255
 * @return DC_OK (also when none), DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT,
 *         DC_E_IO
 */
dc_err dc_index_search_prefix(dc_index_txn *txn, const char *prefix, size_t len,
                              dc_word_fn fn, void *ctx);

/**
 * Every word of the index one typo away from @p folded: one
 * character (code point) left out, added, replaced, or two neighbours
 * swapped; @p folded itself is not one. Only words of 5 characters or more
 * are indexed for typos, and @p folded must have 4 or more (a word of 4
 * with one left out). Found through the one-deletion neighbourhood
 * (docs/FORMAT.md), then each word confirmed by its edit distance. Each
 * word is given once (the first 64), in no set order; the word given to
 * @p fn points into the index, valid until @p txn ends.
 * @return DC_OK (also when none), DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT,
 *         DC_E_IO
 */
dc_err dc_index_search_typos(dc_index_txn *txn, const char *folded, size_t len,
                             dc_word_fn fn, void *ctx);

/**
 * The ids of the entities of @p kind whose proper name has @p words words
 * (1..DC_ENTITY_MAX_WORDS; the last takes the longer names too):
 * *first..*end - 1, empty when *first == *end. Read at open: no search.
 * An out-of-range kind or count gives an empty range.
 */
void dc_index_search_range(const dc_index *idx, dc_entity_kind kind, unsigned words,
                           uint32_t *first, uint32_t *end);

/** How many entities the index holds; 0 for an index without search data. */
uint32_t dc_index_search_entities(const dc_index *idx);

/** An entity as stored. Strings point into the map. */
typedef struct dc_entity {
    uint32_t id;
    dc_entity_kind kind;
    unsigned words;         /**< words of the proper name (as stored: at most 255) */
    unsigned word;          /**< the dc_vocab_kind of the leading word taken off the
                                 map's name (0: none): tổ dân phố is a group word */
    dc_str lead;            /**< that word itself, as the vocabulary's full word
                                 (exact: "khu phố" for KP, "ấp", "phường"); empty
                                 when @c word is 0 */
    dc_str exact;           /**< proper name, exact forms joined by ' ' */
    dc_str folded;          /**< proper name, folded forms joined by ' ' */
    uint32_t string;        /**< street, group: the map's name in `strings` */
    uint32_t postcode;      /**< street, group, zone: its zone (a former zone:
                                 its own earlier postcode, no current zone) */
    uint32_t count;         /**< street, group: households; district, province:
                                 zones; zone: 1; former: the current
                                 postcodes it reaches */
    bool former;            /**< a former name (DC_ENTITY_FORMER) */
    uint32_t nformer;       /**< former: its earlier zones (1 for a zone) */
    const uint8_t *earlier; /**< former: their postcodes, read with
                                 dc_entity_former_begin */
    int32_t lat_e7, lon_e7; /**< street, group: the mean of its households'
                                 positions; others 0 */
    const uint8_t *members, *members_end; /**< read with dc_entity_walk */
} dc_entity;

/**
 * Entity @p id, decoded.
 * @param[out] out  on DC_OK only; valid until @p txn ends
 * @return DC_OK, DC_E_NOT_FOUND (no such id), DC_E_INVALID_ARG,
 *         DC_E_INDEX_CORRUPT (the record does not decode), DC_E_IO
 */
dc_err dc_index_search_entity(dc_index_txn *txn, uint32_t id, dc_entity *out);

/**
 * An entity's name as the map writes it, leading word and all: a street's
 * or group's from `strings` ("Ngõ 12 Võ Nguyên Giáp"), a zone's name, a
 * district's or province's as its first zone names it (a former one's:
 * as its first earlier zone, dc_index_past_zone, names it).
 * @param[out] out  on DC_OK only; valid until @p txn ends
 * @return DC_OK, DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT (a string or zone
 *         the entity names is not there)
 */
dc_err dc_index_search_name(dc_index_txn *txn, const dc_entity *e, dc_str *out);

/** Called for each entity read; return non-zero to stop. */
typedef int (*dc_entity_fn)(void *ctx, const dc_entity *e);

/**
 * Entities @p ids[0..n) (ascending), decoded and given to @p fn in order,
 * through one cursor: an id that follows the one before is the next
 * record, not another search, so a run of neighbours (the same name in
 * many zones) costs a step each.
 * @return DC_OK (also when @p fn stopped), DC_E_INVALID_ARG,
 *         DC_E_INDEX_CORRUPT (an id that is not there, or a record that
 *         does not decode), DC_E_IO
 */
dc_err dc_index_search_entities_read(dc_index_txn *txn, const uint32_t *ids, size_t n,
                                     dc_entity_fn fn, void *ctx);

/** A walk of an entity's members, in ascending order: households (street,
 *  group) or postcodes (zone, district, province). */
typedef struct dc_entity_walk {
    const uint8_t *p, *end;
    dc_entity_kind kind;
    uint32_t count, index, last;
} dc_entity_walk;

/** Start a walk of @p e's members. */
void dc_entity_walk_begin(const dc_entity *e, dc_entity_walk *w);

/**
 * The next member: a household number (with, for a street, its house
 * number as stored: folded forms joined by ' ', "" for none; a group's
 * is always ""), or a postcode.
 * @param[out] house  NULL, or the house number; valid until the
 *                    transaction ends
 * @return 1 with *member set, 0 after the last, -1 when the bytes break
 *         the layout (DC_E_INDEX_CORRUPT)
 */
int dc_entity_walk_next(dc_entity_walk *w, uint32_t *member, dc_str *house);

/** Start a walk of a former entity's earlier zones' postcodes, ascending
 *  (read with dc_entity_walk_next); for any other entity the walk is
 *  empty. */
void dc_entity_former_begin(const dc_entity *e, dc_entity_walk *w);

/** Stable lower-case name of an entity kind ("street", "zone", ...). */
const char *dc_entity_kind_name(dc_entity_kind kind);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_SEARCH_INDEX_H */
