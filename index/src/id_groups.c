/*
 * id_groups.c - a group of `ids` written, walked and searched
 * (id_groups.h).
 */
#include "id_groups.h"

bool dc_id_group_add(dc_id_group_out *g, const uint8_t *id, size_t len,
                     const uint8_t key[DC_HOUSEHOLD_KEY_SIZE])
{
    size_t shared = 0;
    if (g->n > 0)
        while (shared < len && shared < g->last_len && id[shared] == g->last[shared])
            shared++;
    size_t rest = len - shared;
    if (g->n == DC_ID_GROUP_IDS || g->len + DC_ID_ENTRY_FIXED + rest > DC_ID_GROUP_BYTES)
        return false;
    uint8_t *p = g->bytes + g->len;
    p[0] = (uint8_t)shared;
    p[1] = (uint8_t)rest;
    memcpy(p + 2, id + shared, rest);
    memcpy(p + 2 + rest, key, DC_HOUSEHOLD_KEY_SIZE);
    g->len += DC_ID_ENTRY_FIXED + rest;
    g->n++;
    memcpy(g->last + shared, id + shared, rest);
    g->last_len = len;
    return true;
}

static dc_err broken(dc_id_walk *w, const char *why)
{
    w->why = why;
    return DC_E_INDEX_CORRUPT;
}

dc_err dc_id_walk_begin(dc_id_walk *w, const MDB_val *val)
{
    w->at = val->mv_data;
    w->end = w->at + val->mv_size;
    w->n = 0;
    w->prefix = 0;
    w->len = 0;
    w->key = NULL;
    w->why = NULL;
    if (val->mv_size == 0) return broken(w, "holds no id");
    if (val->mv_size > DC_ID_GROUP_BYTES)
        return broken(w, "has more bytes than a group may hold");
    return DC_OK;
}

/* Each id shares with the one before exactly the bytes its prefix says
 * and is after it: the first byte that follows the prefix, when the id
 * before has one there, is greater than that one. Inline: a search takes
 * this step for half a group's ids on average. */
static inline dc_err walk_step(dc_id_walk *w)
{
    if (w->at == w->end) return DC_E_NOT_FOUND;
    if (w->n == DC_ID_GROUP_IDS) return broken(w, "is past the ids a group holds");
    if (w->end - w->at < 2) return broken(w, "runs past the group's end");
    uint32_t prefix = w->at[0], rest = w->at[1];
    const uint8_t *bytes = w->at + 2;
    if (prefix > w->len) return broken(w, "has a prefix longer than the id before it");
    if (rest == 0) return broken(w, w->n ? "is not after the id before it" : "is empty");
    if (prefix + rest > DC_ID_MAX) return broken(w, "is longer than 255 bytes");
    if ((size_t)(w->end - bytes) < rest + DC_HOUSEHOLD_KEY_SIZE)
        return broken(w, "runs past the group's end");
    if (prefix < w->len && bytes[0] <= w->id[prefix])
        return broken(w, bytes[0] < w->id[prefix]
                             ? "is not after the id before it"
                             : "shares more with the id before it than its prefix says");
    /* A rest of 8 bytes or fewer (most: consecutive ids differ at their
     * end) is copied as 8, an inline move: the key's 12 bytes follow it in
     * the value, and w->id has the room past its 255. */
    if (rest <= 8)
        memcpy(w->id + prefix, bytes, 8);
    else
        memcpy(w->id + prefix, bytes, rest);
    w->prefix = prefix;
    w->len = prefix + rest;
    w->key = bytes + rest;
    w->at = w->key + DC_HOUSEHOLD_KEY_SIZE;
    w->n++;
    return DC_OK;
}

dc_err dc_id_walk_next(dc_id_walk *w)
{
    return walk_step(w);
}

/* The search keeps `shared`, the bytes the id sought has in common with
 * the id before (which is smaller). An id with a longer prefix is smaller
 * too; one with a shorter prefix is greater, and so is every id after it;
 * only an id whose prefix is exactly `shared` is compared, from there. */
dc_err dc_id_group_find(const MDB_val *group_key, const MDB_val *val, const uint8_t *id,
                        size_t len, const uint8_t **key)
{
    dc_id_walk w;
    size_t shared = 0;
    dc_err rc = dc_id_walk_begin(&w, val);
    while (rc == DC_OK && (rc = walk_step(&w)) == DC_OK) {
        if (w.n == 1 &&
            (w.len != group_key->mv_size || memcmp(w.id, group_key->mv_data, w.len) != 0))
            return DC_E_INDEX_CORRUPT;
        if (w.prefix > shared) continue;
        if (w.prefix < shared) return DC_E_NOT_FOUND;
        while (shared < w.len && shared < len && w.id[shared] == id[shared])
            shared++;
        if (shared == w.len && shared == len) {
            *key = w.key;
            return DC_OK;
        }
        if (shared == len || (shared < w.len && w.id[shared] > id[shared]))
            return DC_E_NOT_FOUND;
    }
    return rc;
}
