/*
 * fuzz_index_open.c - the index reader on damaged and crafted files.
 *
 * The input, less its first byte, is written as a file and opened with
 * dc_index_open; when it opens, dc_index_check walks it and a few lookups
 * of every kind run. The first byte says how the file is made:
 *   even: the bytes as they are (what a truncated or damaged copy is: the
 *         seal must refuse it before LMDB maps anything);
 *   odd:  the bytes are the LMDB pages, and the fuzz target seals them
 *         (dc_seal_write) as a build would: a crafted file with a valid
 *         seal. It goes through the gate every open passes before LMDB
 *         maps anything (dc_seal_verify: the seal, then LMDB's meta pages,
 *         which is how a page size of 0 was found), not further: the seal
 *         guards against damage, not forgery, and liblmdb trusts every page
 *         of a file it maps (a forged overflow page past the end is a
 *         SIGBUS inside it). Damage is what reaches the open below.
 * Invariants, each checked with abort() (besides no signal and no
 * sanitizer report):
 * - a refusal is DC_E_INDEX_FORMAT, DC_E_INDEX_CORRUPT, DC_E_IO or
 *   DC_E_NOMEM with a message;
 * - an index that passes dc_index_check answers every lookup with DC_OK or
 *   DC_E_NOT_FOUND, never DC_E_INDEX_CORRUPT, and every household number
 *   below the count it states is found.
 * The seed corpus is the index fixture of tests/index, sealed and not
 * (make_index_seed writes it).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diachi/code.h"
#include "diachi/index.h"
#include "diachi/search_index.h"
#include "seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_index_open: broken invariant: %s\n", what);
    abort();
}

static char file_path[512];

static void remove_file(void)
{
    unlink(file_path);
}

/* One file per process, removed at exit. */
static const char *scratch_path(void)
{
    if (!file_path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(file_path, sizeof file_path, "%s/fuzz_index_open.%ld.diachi",
                 dir ? dir : "/tmp", (long)getpid());
        atexit(remove_file);
    }
    return file_path;
}

static bool write_index(const char *path, const uint8_t *data, size_t n, bool seal)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = (n == 0 || fwrite(data, 1, n, f) == n);
    ok = fclose(f) == 0 && ok;
    dc_error err;
    if (ok && seal) ok = dc_seal_write(path, n, &err) == DC_OK;
    return ok;
}

/* Read every byte of a string the index hands out: outside the map is a
 * signal here rather than a wrong answer later. */
static unsigned touch(dc_str s)
{
    unsigned sum = 0;
    for (size_t i = 0; i < s.len; i++)
        sum += (unsigned char)s.ptr[i];
    return sum;
}

static bool answered(dc_err rc, bool checked)
{
    if (rc == DC_OK || rc == DC_E_NOT_FOUND) return true;
    return !checked && rc == DC_E_INDEX_CORRUPT;
}

static volatile unsigned sink;

static void lookup_households(dc_index_txn *txn, const dc_index_meta *meta, bool checked)
{
    dc_household h;
    for (uint32_t i = 0; i < 12; i++) {
        dc_err rc = dc_index_household(txn, i, &h);
        check(answered(rc, checked), "household by number");
        if (checked && i < meta->households)
            check(rc == DC_OK, "a counted household lost");
        if (rc != DC_OK) continue;
        sink += touch(h.id) + touch(h.house_number) + touch(h.street) + touch(h.group);
        dc_household at[4];
        uint32_t count;
        dc_olc_area area;
        char plus[DC_CODE_PLUS_SIZE];
        rc = dc_index_code_lookup(txn, &h.code, &area, plus, at, 4, &count);
        check(answered(rc, checked), "code lookup");
        if (checked) check(rc == DC_OK && count >= 1, "a household's code not found");
        rc = dc_index_household_by_id(txn, h.id.ptr, h.id.len, at);
        check(answered(rc, checked), "household by id");
    }
}

static int count_position(void *ctx, const dc_household_pos *pos)
{
    (void)pos;
    ++*(unsigned *)ctx;
    return 0;
}

static void lookup_places(dc_index_txn *txn, const dc_index_meta *meta, bool checked)
{
    dc_zone z;
    for (uint32_t postcode = 32100; postcode <= 32106; postcode++) {
        dc_err rc = dc_index_zone(txn, postcode, &z);
        check(answered(rc, checked), "zone by postcode");
        if (rc == DC_OK) sink += touch(z.name) + touch(z.province) + touch(z.district);
    }
    int32_t lat = meta->south_e7 / 2 + meta->north_e7 / 2;
    int32_t lon = meta->west_e7 / 2 + meta->east_e7 / 2;
    check(answered(dc_index_zone_at(txn, lat, lon, &z), checked), "zone at a point");
    uint32_t first, count;
    uint32_t row = dc_cell_row(lat), col = dc_cell_col(lon);
    check(answered(dc_index_cell_households(txn, row, col, &first, &count), checked),
          "cell households");
    unsigned seen = 0;
    dc_err rc = dc_index_row_positions(txn, row, col > 2 ? col - 2 : 0, col + 2,
                                       count_position, &seen);
    check(rc == DC_OK || rc == DC_E_INVALID_ARG || (!checked && rc == DC_E_INDEX_CORRUPT),
          "row positions");
    /* the box 3 cells wide around the point, clipped to the e7 range */
    int32_t s = lat > INT32_MIN + 30000 ? lat - 30000 : INT32_MIN;
    int32_t w = lon > INT32_MIN + 30000 ? lon - 30000 : INT32_MIN;
    int32_t n = lat < INT32_MAX - 30000 ? lat + 30000 : INT32_MAX;
    int32_t e = lon < INT32_MAX - 30000 ? lon + 30000 : INT32_MAX;
    rc = dc_index_box_positions(txn, s, w, n, e, count_position, &seen);
    check(rc == DC_OK || (!checked && rc == DC_E_INDEX_CORRUPT), "box positions");
}

static int walk_word(void *ctx, const char *folded, size_t len, dc_postings *pl)
{
    uint32_t id, n = 0;
    int r;
    (void)len;
    sink += (unsigned char)folded[0];
    while ((r = dc_postings_next(pl, &id)) == 1 && n++ < 100000)
        sink += id;
    if (r < 0) ++*(unsigned *)ctx;
    return 0;
}

/* The search data: every entity decoded, named and walked, a few words,
 * prefixes and typos with their lists read to the end. */
static void lookup_search(dc_index *idx, dc_index_txn *txn, bool checked)
{
    unsigned broken = 0;
    uint32_t n = dc_index_search_entities(idx);
    for (uint32_t id = 0; id < n && id < 4096; id++) {
        dc_entity e;
        dc_entity_walk w;
        dc_str name, house;
        uint32_t member;
        int r;
        dc_err rc = dc_index_search_entity(txn, id, &e);
        check(answered(rc, checked), "search entity");
        if (rc != DC_OK) continue;
        sink += touch(e.exact) + touch(e.folded);
        rc = dc_index_search_name(txn, &e, &name);
        check(answered(rc, checked), "search entity's name");
        if (rc == DC_OK) sink += touch(name);
        dc_entity_walk_begin(&e, &w);
        while ((r = dc_entity_walk_next(&w, &member, &house)) == 1)
            sink += member + touch(house);
        check(r == 0 || !checked, "an entity's members break the layout");
        dc_entity_former_begin(&e, &w);
        while ((r = dc_entity_walk_next(&w, &member, NULL)) == 1)
            sink += member;
        check(r == 0 || !checked, "a former entity's earlier zones break the layout");
    }
    static const char *const words[] = {"thanh", "giap", "t", "nguyn", "truogn"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t len = strlen(words[i]);
        dc_postings pl;
        dc_err rc = dc_index_search_word(txn, words[i], len, &pl);
        check(answered(rc, checked), "search word");
        if (rc == DC_OK) walk_word(&broken, words[i], len, &pl);
        check(answered(dc_index_search_prefix(txn, words[i], len, walk_word, &broken),
                       checked),
              "search prefix");
        check(answered(dc_index_search_typos(txn, words[i], len, walk_word, &broken),
                       checked),
              "search typos");
    }
    check(broken == 0 || !checked, "a posting list breaks the layout");
}

static void exercise(dc_index *idx)
{
    const dc_index_meta *meta = dc_index_info(idx);
    dc_index_check_stats stats;
    dc_error err;
    bool checked = dc_index_check(idx, &stats, &err) == DC_OK;
    if (checked) check(stats.households == meta->households, "check's count differs");
    dc_index_txn *txn;
    if (dc_index_txn_begin(idx, &txn) != DC_OK) return;
    lookup_households(txn, meta, checked);
    lookup_places(txn, meta, checked);
    lookup_search(idx, txn, checked);
    dc_index_txn_end(txn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *path = scratch_path();
    bool forged = data[0] & 1;
    if (!write_index(path, data + 1, size - 1, forged)) return 0;
    dc_index *idx = NULL;
    dc_error err;
    memset(&err, 0, sizeof err);
    dc_err rc;
    if (forged) {
        uint64_t sealed;
        rc = dc_seal_verify(path, size - 1 + DC_SEAL_SIZE, &sealed, &err);
        check(rc != DC_OK || sealed == size - 1,
              "the gate passed other bytes than sealed");
    } else {
        rc = dc_index_open(path, &idx, &err);
    }
    if (forged && rc == DC_OK) return 0;
    if (rc != DC_OK) {
        check(rc == DC_E_INDEX_FORMAT || rc == DC_E_INDEX_CORRUPT || rc == DC_E_IO ||
                  rc == DC_E_NOMEM,
              "an unexpected refusal");
        check(err.code == rc && err.message[0] != '\0', "a refusal without a message");
        return 0;
    }
    exercise(idx);
    dc_index_close(idx);
    return 0;
}
