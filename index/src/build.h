/*
 * build.h - the state of one dc_index_build, shared by the files that do
 * its steps. Internal to dc_index.
 *
 * index_build.c runs the steps in order, each in a file of its own:
 * build_validate.c checks the input, build_order.c puts households, ids
 * and the zone grid in key order, build_write.c writes every content
 * database (the households and their pages through build_households.c),
 * build_zonecells.c the zone grid's sub-grid, build_meta.c the metadata; build_record.c
 * appends one record to a database and to the fingerprint for them. Each of those files
 * has its header; this one holds only the data they share.
 */
#ifndef DC_BUILD_H
#define DC_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diachi/index.h"
#include "diachi/strtab.h"
#include "hasher.h"
#include "index_file.h"
#include "index_internal.h"
#include "zonecells.h"

/* The longest string of each record's kind (docs/FORMAT.md, limits). */
#define DC_MAX_STR8 255u
#define DC_MAX_STR16 65535u
/* Households between two progress reports of a phase. */
#define DC_PROGRESS_STEP 1000000u

/* A sortable record: 64-bit key and two payload words (for households:
 * a = input index, then number; b = seq among those at the same code). */
typedef struct dc_sort_item {
    uint64_t key;
    uint32_t a, b;
} dc_sort_item;

typedef struct dc_id_entry {
    const unsigned char *id;
    uint32_t number;
} dc_id_entry;

typedef struct dc_builder {
    dc_index_build_input *in;
    dc_error *err;
    int32_t *zone_of; /* postcode -> index in in->zones, or -1 */
    uint32_t *zone_counts;
    dc_sort_item *households; /* key = place, a = input index before permuting */
    dc_id_entry *ids;
    dc_sort_item *grid; /* cell<<32|postcode */
    /* The zone grid's sub-grid: every value, in key order, back to back;
     * values[i] is cell << 32 | size. */
    struct dc_build_zonecells {
        dc_zc_zone *zones; /* in postcode order */
        dc_zonecells *cells;
        uint64_t *values;
        size_t nvalues;
        uint8_t *bytes;
        size_t len, cap;
    } zc;
    size_t ncodes, ngrid;
    dc_strtab *strings; /* streets and groups, by id */
    uint8_t *buf;
    size_t bufsize;
    dc_index_file file; /* the temporary file, its transaction and databases */
    dc_hasher *hasher;  /* the content fingerprint, on its own thread */
    uint64_t shared_doors;
    /* The households' page being filled and the segment of pages it goes
     * to, with the first key of each page (its fences). */
    uint8_t *segment, *fences;
    uint32_t seg_pages, nseg;
    uint32_t page_n, page_bytes; /* records in the page and their values' bytes */
    uint8_t page_keys[DC_PAGE_MAX_RECORDS * DC_HOUSEHOLD_KEY_SIZE];
    uint16_t page_ends[DC_PAGE_MAX_RECORDS];
    uint8_t page_values[DC_PAGE_SIZE];
} dc_builder;

static inline void dc_build_progress(dc_builder *b, const char *phase, uint64_t done,
                                     uint64_t total)
{
    if (b->in->progress) b->in->progress(b->in->progress_ctx, phase, done, total);
}

/* The `households` key of household @p number (after the ordering steps):
 * BE u64 place, BE u32 seq. */
static inline void dc_build_household_key(const dc_builder *b, size_t number,
                                          uint8_t key[DC_HOUSEHOLD_KEY_SIZE])
{
    dc_put_be64(key, b->households[number].key);
    dc_put_be32(key + 8, b->households[number].b);
}

/* The length of an input string; NULL is empty. */
static inline size_t dc_str_len(const char *s)
{
    return s ? strlen(s) : 0;
}

#endif
