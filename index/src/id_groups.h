/*
 * id_groups.h - the values of `ids` (docs/FORMAT.md): up to
 * DC_ID_GROUP_IDS household ids in byte order, each front-coded against
 * the one before (u8 bytes shared with it, u8 bytes that follow, those
 * bytes) and followed by its household's 12-byte key; the LMDB key is the
 * group's first id. The build fills them (build_write.c), a lookup by id
 * searches one (read_cursor.c) and the check walks them all
 * (index_check.c). Internal to dc_index.
 *
 * One LMDB entry per household cost its node header, the id, the key and
 * a page pointer: 32 bytes a household of the national map. A group
 * shares the header, and consecutive ids share most of their bytes.
 */
#ifndef DC_ID_GROUPS_H
#define DC_ID_GROUPS_H

#include "index_internal.h"

/* Most ids in a group. */
#define DC_ID_GROUP_IDS 64u
/* Most bytes in a group's value: with a key (its first id) of up to
 * DC_ID_MAX bytes, key and value stay within the 2,030 bytes LMDB keeps on
 * a 4,096-byte leaf page; a larger value would take an overflow page. */
#define DC_ID_GROUP_BYTES 1775u
/* The longest id (docs/FORMAT.md, limits). */
#define DC_ID_MAX 255u
/* An id's bytes in a group beside the bytes that follow its prefix. */
#define DC_ID_ENTRY_FIXED (2u + DC_HOUSEHOLD_KEY_SIZE)

_Static_assert(DC_ID_ENTRY_FIXED + DC_ID_MAX <= DC_ID_GROUP_BYTES,
               "any id fits a group of its own");

/* A group being filled by the build. */
typedef struct dc_id_group_out {
    uint8_t bytes[DC_ID_GROUP_BYTES];
    size_t len;
    uint32_t n;
    uint8_t last[DC_ID_MAX]; /* the last id added */
    size_t last_len;
} dc_id_group_out;

/* Append an id (1 to DC_ID_MAX bytes, after every id in the group) and its
 * household's key. False, with the group unchanged, when the group is
 * full or the id's entry would take it past DC_ID_GROUP_BYTES: the caller
 * writes the group out, empties it (n and len 0) and adds the id again. */
bool dc_id_group_add(dc_id_group_out *g, const uint8_t *id, size_t len,
                     const uint8_t key[DC_HOUSEHOLD_KEY_SIZE]);

/* The ids of a group, one at a time, every length and the order checked. */
typedef struct dc_id_walk {
    const uint8_t *at, *end;
    uint32_t n;         /* ids read */
    uint32_t prefix;    /* the bytes the current id shares with the one before */
    size_t len;         /* the current id's length */
    const uint8_t *key; /* its household key, inside the value */
    const char *why;    /* what is wrong, after DC_E_INDEX_CORRUPT */
    /* the current id, with room past it to copy a short rest as 8 bytes */
    uint8_t id[DC_ID_MAX + 8];
} dc_id_walk;

/* Start a walk of a group's value: DC_E_INDEX_CORRUPT (why set) for an
 * empty value or one over DC_ID_GROUP_BYTES. */
dc_err dc_id_walk_begin(dc_id_walk *w, const MDB_val *val);

/* The next id (w->id, w->len, w->key): DC_OK, DC_E_NOT_FOUND after the
 * last, DC_E_INDEX_CORRUPT (why set) for an entry whose lengths run past
 * the value's end, a prefix longer than the id before, an id that is not
 * after the one before (or shares more of it than its prefix says), an
 * id of 0 or more than DC_ID_MAX bytes, or more than DC_ID_GROUP_IDS ids. */
dc_err dc_id_walk_next(dc_id_walk *w);

/* The household key of @p id (@p len bytes) in the group stored under
 * @p group_key, pointing into @p val: DC_OK, DC_E_NOT_FOUND, or
 * DC_E_INDEX_CORRUPT when the group does not decode as far as the id or
 * its first id is not its key. */
dc_err dc_id_group_find(const MDB_val *group_key, const MDB_val *val, const uint8_t *id,
                        size_t len, const uint8_t **key);

#endif
