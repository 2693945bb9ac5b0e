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
#include "sorter.h"
#include "zonecells.h"

/* The longest string of each record's kind (docs/FORMAT.md, limits). */
#define DC_MAX_STR8 255u
#define DC_MAX_STR16 65535u
/* Households between two progress reports of a phase. */
#define DC_PROGRESS_STEP 1000000u


/* A household that shares its place with an earlier one in key order:
 * its input number (the order it was added) and its seq. */
typedef struct dc_shared_seq {
    uint32_t input, seq;
} dc_shared_seq;

typedef struct dc_builder {
    const dc_index_build_input *in;
    const char *path; /* the target, as given to the writer */
    dc_error *err;
    int32_t *zone_of; /* postcode -> index in in->zones, or -1 */
    uint32_t *zone_counts;
    /* Households as they are added: by (place, id), and by id with their
     * place (sorter.h). A household's input number is the order it was
     * added in. */
    dc_sorter *by_place, *by_id;
    uint64_t added, kept;
    uint8_t *dropped;           /* bit per input number: a duplicate id, not written */
    uint8_t *has_seq;           /* bit per input number: in shared_seqs */
    dc_shared_seq *shared_seqs; /* by input number once the households are written */
    size_t nshared, capshared;
    dc_strtab *provisional; /* streets and groups as added; ids in that order */
    uint32_t *final_id;     /* provisional id -> strings id, 0 until first written */
    dc_str last_string[2];  /* the street and group added last, interned */
    uint32_t last_id[2];
    uint8_t *number_keys;   /* the key of every DC_NUMBER_STRIDE-th household */
    int32_t bbox[4];        /* of the households written */
    int input_closed;
    dc_keyed *grid; /* key cell << 32 | postcode, value the postcode */
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
    dc_strtab *strings;               /* streets and groups, by id */
    struct dc_search_records *search; /* the search data (build_search.c) */
    struct dc_build_search *search_thread; /* making it beside the writing */
    uint8_t *search_log;                   /* its records, to be put in order */
    size_t search_log_len;
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
    uint32_t page_first;         /* the number of the page's first record */
    uint8_t page_keys[DC_PAGE_MAX_RECORDS * DC_HOUSEHOLD_KEY_SIZE];
    uint16_t page_ends[DC_PAGE_MAX_RECORDS];
    uint8_t page_values[DC_PAGE_SIZE];
} dc_builder;

static inline void dc_build_progress(dc_builder *b, const char *phase, uint64_t done,
                                     uint64_t total)
{
    if (b->in->progress) b->in->progress(b->in->progress_ctx, phase, done, total);
}

/* A `households` key: BE u64 place, BE u32 seq. */
static inline void dc_build_household_key(uint64_t place, uint32_t seq,
                                          uint8_t key[DC_HOUSEHOLD_KEY_SIZE])
{
    dc_put_be64(key, place);
    dc_put_be32(key + 8, seq);
}

static inline int dc_bit(const uint8_t *bits, uint64_t i)
{
    return bits[i >> 3] >> (i & 7) & 1;
}

/* The length of an input string; NULL is empty. */
static inline size_t dc_str_len(const char *s)
{
    return s ? strlen(s) : 0;
}

#endif
