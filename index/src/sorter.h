/*
 * sorter.h - records put in order by (key, tie bytes) within a memory
 * budget: sorted in memory while they fit, and beyond that written as
 * sorted runs to a file beside the index and merged as they are read.
 * Internal to dc_index: the build's households and ids (index_build.c).
 *
 * A record is a 64-bit key, up to 255 bytes that break ties between equal
 * keys (compared as unsigned bytes, a shorter prefix first), and up to
 * 65535 bytes of data. Records equal in key and tie come out in the order
 * they were added. The budget covers the records, their sort entries and
 * the merge's read buffers; the spill file is unlinked from the start, so
 * a killed build leaves nothing behind, and is on the target's disk.
 */
#ifndef DC_SORTER_H
#define DC_SORTER_H

#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"

typedef struct dc_sorter dc_sorter;

/* A 64-bit key and a value: a sort entry (here, a record's offset; the
 * zone grid's postcode in the build). */
typedef struct dc_keyed {
    uint64_t key, value;
} dc_keyed;

/* LSD radix sort of @p n entries by key, stable, with @p tmp room for as
 * many; passes in which every key has the same byte are skipped. Returns
 * the array that holds the result: @p a or @p tmp. */
dc_keyed *dc_radix_sort(dc_keyed *a, dc_keyed *tmp, size_t n);

typedef struct dc_sorted {
    uint64_t key;
    const uint8_t *tie, *data; /* valid until the next dc_sorter_next */
    size_t tlen, dlen;
} dc_sorted;

/* The smallest budget a sorter takes: a few of the longest records. */
#define DC_SORTER_MIN_MEMORY (4u << 20)

/**
 * A sorter of at most @p memory bytes (at least DC_SORTER_MIN_MEMORY),
 * spilling beside @p near_path (a file path: its directory), whose name it
 * uses in messages. NULL when out of memory.
 */
dc_sorter *dc_sorter_open(size_t memory, const char *near_path);
/** Add a record. DC_E_IO (the spill file) or DC_E_INVALID_ARG (too long). */
dc_err dc_sorter_add(dc_sorter *s, uint64_t key, const void *tie, size_t tlen,
                     const void *data, size_t dlen, dc_error *err);
/** No more records: put them in order, positioned before the first. */
dc_err dc_sorter_finish(dc_sorter *s, dc_error *err);
/** Read the records again from the first. After dc_sorter_finish. */
dc_err dc_sorter_rewind(dc_sorter *s, dc_error *err);
/** The next record in order: 1, 0 after the last, -1 on error (in @p err). */
int dc_sorter_next(dc_sorter *s, dc_sorted *out, dc_error *err);
/** Records added, runs written to the spill file (0: all in memory), and
 *  bytes written to it (merge passes included). */
uint64_t dc_sorter_count(const dc_sorter *s);
uint32_t dc_sorter_runs(const dc_sorter *s);
uint64_t dc_sorter_spilled(const dc_sorter *s);
/** Free everything, the spill file included. NULL is a no-op. */
void dc_sorter_close(dc_sorter *s);

#endif
