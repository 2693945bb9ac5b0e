/*
 * editions.h - the import's editions of the zone map and its history
 * table: their dates checked, the earlier editions' zones made the index's
 * earlier zones (with the reference point of a postcode kept across
 * editions), the history table read, and both checked against where the
 * households lie. Every problem is a report row naming the file and line
 * or the zone; overlapping dates and postcodes reused for another place
 * stop the import.
 */
#ifndef DC_IMPORT_EDITIONS_H
#define DC_IMPORT_EDITIONS_H

#include "diachi/history.h"
#include "diachi/import.h"
#include "report.h"
#include "zones.h"

/* The postcode of no zone, in the 17 bits of a move's key. */
#define DC_POSTCODES_NONE 0x1ffffu

/* Households moved from old postcode to new, counted: an open-addressing
 * table keyed by (old << 17 | new) + 1 (0: empty). */
typedef struct dc_moves {
    uint64_t *keys;
    uint64_t *counts;
    size_t cap, n;
} dc_moves;

typedef struct dc_editions {
    dc_report *report;
    const char *history_path;
    size_t n;            /* editions; 0: one undated */
    dc_zoneset *earlier; /* n - 1 zonesets, in date order */
    dc_edition_input *inputs;
    dc_past_zone_input *past;
    size_t npast;
    dc_history_input *rows;
    int64_t *row_lines; /* the CSV line of each row */
    size_t nrows, caprows;
    dc_history_build build;
    dc_moves moves; /* households: the edition before -> the current */
    long last_old;  /* locator hint in the edition before */
    bool reused;    /* a postcode names two places: no index */
} dc_editions;

/* The dates of cfg->editions: parsed, an open end closed by its
 * neighbour's date, overlaps refused (DC_E_INVALID_ARG), gaps reported. */
dc_err dc_editions_init(dc_editions *ed, const dc_import_config *cfg, dc_report *report,
                        dc_error *err);

/* Read cfg->history (when given): bad lines reported and skipped. DC_E_IO
 * for a file that cannot be read. */
dc_err dc_editions_read_history(dc_editions *ed, dc_error *err);

/* Once every edition's zones are finished: the earlier zones listed with
 * their spans, the current zones given the earlier reference point of
 * their postcode, reused postcodes reported, history rows naming no
 * edition's postcode reported and dropped; ed->build filled. */
dc_err dc_editions_reconcile(dc_editions *ed, dc_zoneset *current, dc_error *err);

/* A household placed in current zone @p postcode: where it was in the
 * edition before (-1: nowhere), counted. 0, or DC_E_NOMEM. */
int dc_editions_household(dc_editions *ed, uint32_t postcode, int32_t lat_e7,
                          int32_t lon_e7, uint32_t *old_postcode);

/* Once every household is read: history rows the households contradict,
 * moves no row names, current zones holding no household of the edition
 * before, each a report row. */
void dc_editions_judge(dc_editions *ed, const dc_zoneset *current);

/* The history build for the index writer, or NULL for one undated
 * edition. */
const dc_history_build *dc_editions_build(const dc_editions *ed);

void dc_editions_free(dc_editions *ed);

#endif
