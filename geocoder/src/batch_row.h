/*
 * batch_row.h - the run a batch's workers share, a worker, and one row.
 */
#ifndef DC_BATCH_ROW_H
#define DC_BATCH_ROW_H

#include "batch_internal.h"
#include "batch_zone.h"
#include "buf.h"

/* What every row of a run is looked up and written with; read-only once
 * the workers start. */
typedef struct batch_job {
    dc_batch_mode mode;
    char delim;
    int code_field, lat_field, lon_field;
    int address_field; /* address mode's; its code_field may be -1 */
    size_t header_fields;
    int default_eol; /* for a last record without a line ending */
    double radius_m;
    bool plain; /* codes, numbers and status names never need quotes */
    bool near;  /* address mode: ties ordered by distance from this point */
    double near_lat, near_lon;
    bool convert; /* the convert columns (DC_BATCH_CONVERT_COLUMNS) */
} batch_job;

/* What a first look at a row finds: where the fields it is looked up by
 * lie in the record (the code, or the latitude and the longitude, or the
 * code and the address), their
 * values when they are short (so that the lookup, in another order, need
 * not go back to the record), and how many fields it has (0: an empty
 * line); then where its appended fields are. */
#define BATCH_HELD 24
typedef struct batch_look {
    dc_code code; /* forward and address: the code parsed, when has_code */
    uint32_t span[2][2];
    uint32_t nfields;
    bool present[2], has_code;
    uint8_t held_len[2]; /* BATCH_HELD + 1: not held */
    char held[2][BATCH_HELD];
    uint32_t at, n; /* the appended fields: offset in their buffer, length */
} batch_look;

/* True when the look holds every value the lookup reads: it need not be
 * given the record. */
static inline bool dc_batch_look_held(const batch_look *l)
{
    return (!l->present[0] || l->held_len[0] <= BATCH_HELD) &&
           (!l->present[1] || l->held_len[1] <= BATCH_HELD);
}

/* A lookup thread's own state, reused across rows. */
typedef struct batch_worker {
    const batch_job *job;
    dc_geo_session *session;
    dc_geo_forward_result *forward;
    dc_geo_reverse_result *reverse;
    struct dc_search_result *search; /* address mode only */
    dc_buf scratch;                  /* unquoted field values */
    uint64_t *keys; /* a window's keys, then as many again to sort them in */
    size_t keys_cap;
    struct batch_code_row *codes; /* a window's codes, then as many to sort them in */
    size_t codes_cap;
    uint64_t *orders; /* a window's rows' places in the index's order */
    size_t orders_cap;
    batch_zone_text *zones; /* BATCH_ZONE_TEXTS, of the zones met lately */
} batch_worker;

/* The key of a row nothing can be looked up for: after every other. */
#define DC_BATCH_KEY_LAST ((UINT64_C(1) << 48) - 1)
/* The key of a row whose code (look->code) gives it: its place in the
 * index's order, found for a window's codes at once (batch_block.c). */
#define DC_BATCH_KEY_CODE (DC_BATCH_KEY_LAST + 1)

/* A row's code and its place in its window, to find the codes' places in
 * the order of their postcodes. */
typedef struct batch_code_row {
    dc_code code;
    uint32_t row;
} batch_code_row;

/*
 * A row (@p len bytes, line ending excluded, not empty) is done in three
 * steps. First its fields are found, and its locality key is returned,
 * under 2^48: looked up in key order, rows touch the index a
 * neighbourhood at a time (forward: in the index's own order of
 * households, by cell, then code; reverse: along a Z-order curve). DC_BATCH_KEY_LAST when
 * the row's code or coordinates do not parse; DC_BATCH_KEY_CODE when its
 * code parsed (forward and address modes), whose place is its key.
 */
uint64_t dc_batch_row_look(batch_worker *w, const char *rec, size_t len,
                           batch_look *look);

/* Start fetching what the lookup of a row of place @p order will read
 * first (forward and address modes; nothing otherwise). */
void dc_batch_row_prefetch(batch_worker *w, uint64_t order);

/*
 * Then it is looked up, its appended fields (each after a delimiter) are
 * appended to @p out, and it is counted in @p stats. @p rec may be NULL
 * when dc_batch_look_held.
 * @return DC_OK, DC_E_NOMEM, or the engine's error
 */
dc_err dc_batch_row_lookup(batch_worker *w, const char *rec, size_t len,
                           const batch_look *look, dc_buf *out, dc_batch_stats *stats);

/*
 * Last, its output row goes to @p out: the record's bytes, delimiters up
 * to the header's field count, its appended fields (look->n bytes at
 * look->at in @p base), and its line ending (@p eol, or the job's
 * default for a last record without one). False when out of memory.
 */
bool dc_batch_row_write(const batch_job *j, const char *rec, size_t len, int eol,
                        const batch_look *look, const char *base, dc_buf *out);

#endif
