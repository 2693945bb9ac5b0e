/*
 * fuzz_id_group.c - a group of `ids` (index/src/id_groups.h) walked and
 * searched on arbitrary bytes.
 *
 * The input is an id to look for (its length in the first byte, then its
 * bytes) and a group's value (the rest), copied to a buffer of exactly its
 * size so that a read past it is a sanitizer report. The group is keyed by
 * its first id as the walk decodes it. Invariants, each checked with
 * abort() (besides no signal and no sanitizer report):
 * - a walk ends in DC_OK steps then DC_E_NOT_FOUND or DC_E_INDEX_CORRUPT
 *   with a reason, never past DC_ID_GROUP_IDS ids, each id 1 to 255 bytes
 *   and after the one before;
 * - for a group that walks whole, dc_id_group_find finds every id in it
 *   with its key, and answers the id sought as a linear search of the ids
 *   does; dc_id_group_add writes the same ids back to the same bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id_groups.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_id_group: broken invariant: %s\n", what);
    abort();
}

typedef struct walked {
    uint32_t n;
    size_t len[DC_ID_GROUP_IDS];
    uint8_t id[DC_ID_GROUP_IDS][DC_ID_MAX];
    const uint8_t *key[DC_ID_GROUP_IDS];
} walked;

static int compare(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/* Walk the whole value: true when it decodes to the end. */
static bool walk_all(const MDB_val *val, walked *w)
{
    dc_id_walk it;
    dc_err rc = dc_id_walk_begin(&it, val);
    w->n = 0;
    while (rc == DC_OK && (rc = dc_id_walk_next(&it)) == DC_OK) {
        check(it.n <= DC_ID_GROUP_IDS && it.n == w->n + 1, "ids counted");
        check(it.len >= 1 && it.len <= DC_ID_MAX, "an id's length");
        if (w->n)
            check(compare(it.id, it.len, w->id[w->n - 1], w->len[w->n - 1]) > 0,
                  "ids in order");
        w->len[w->n] = it.len;
        memcpy(w->id[w->n], it.id, it.len);
        w->key[w->n++] = it.key;
    }
    check(rc == DC_E_NOT_FOUND || (rc == DC_E_INDEX_CORRUPT && it.why), "a walk's end");
    return rc == DC_E_NOT_FOUND;
}

/* The id sought, as a linear search of the ids finds it. */
static int linear(const walked *w, const uint8_t *id, size_t len)
{
    for (uint32_t i = 0; i < w->n; i++)
        if (compare(w->id[i], w->len[i], id, len) == 0) return (int)i;
    return -1;
}

static void check_whole(const MDB_val *val, const walked *w, const uint8_t *id,
                        size_t len)
{
    static dc_id_group_out out;
    const uint8_t *key;
    MDB_val first = {w->len[0], (void *)w->id[0]};
    out.n = 0;
    out.len = 0;
    for (uint32_t i = 0; i < w->n; i++) {
        check(dc_id_group_find(&first, val, w->id[i], w->len[i], &key) == DC_OK &&
                  key == w->key[i],
              "an id of the group found with its key");
        check(dc_id_group_add(&out, w->id[i], w->len[i], w->key[i]), "an id written");
    }
    check(out.len == val->mv_size && memcmp(out.bytes, val->mv_data, out.len) == 0,
          "the group written back to its bytes");
    int at = linear(w, id, len);
    dc_err rc = dc_id_group_find(&first, val, id, len, &key);
    check(at < 0 ? rc == DC_E_NOT_FOUND : rc == DC_OK && key == w->key[at],
          "the id sought answered as a linear search");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static walked w;
    if (size < 1 || (size_t)data[0] + 1 > size) return 0;
    size_t len = data[0];
    const uint8_t *id = data + 1;
    size_t vlen = size - 1 - len;
    uint8_t *copy = malloc(vlen ? vlen : 1);
    if (!copy) return 0;
    memcpy(copy, data + 1 + len, vlen);
    MDB_val val = {vlen, copy};
    if (walk_all(&val, &w) && len > 0)
        check_whole(&val, &w, id, len);
    else if (len > 0) {
        /* A damaged group: any answer but a crash, keyed by its own start. */
        const uint8_t *key;
        MDB_val group_key = {len, (void *)id};
        dc_err rc = dc_id_group_find(&group_key, &val, id, len, &key);
        check(rc == DC_OK || rc == DC_E_NOT_FOUND || rc == DC_E_INDEX_CORRUPT,
              "a damaged group's answer");
    }
    free(copy);
    return 0;
}
