/*
 * diachi/history.h - editions of the zone map and the history of their
 * postcodes: what the index keeps of the zones that were replaced (the 2025
 * reform merged and split zones; not one door moved), so that an old code
 * still finds its door and names the code it has now.
 *
 * An index holds one or more editions of the zone map, numbered from 1 in
 * date order; the last is the current one. The current edition's zones are
 * dc_index_zone's, and every household's postcode is its current zone's.
 * The zones of earlier editions are kept apart (dc_index_past_zone), with
 * the first and last edition each belonged to; a postcode is never reused
 * for another place, so the postcode stays a zone's key in every edition.
 * The on-disk layout is docs/FORMAT.md section 2 ("editions", "history",
 * "past_zones").
 *
 * Dates are days since 1970-01-01 (proleptic Gregorian), as int32.
 */
#ifndef DIACHI_HISTORY_H
#define DIACHI_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "diachi/index.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An edition with no start date: valid since ever. */
#define DC_DATE_OPEN_START INT32_MIN
/** An edition with no end date: valid until further notice. */
#define DC_DATE_OPEN_END INT32_MAX
/** Bytes of a formatted date, NUL included ("2025-07-01"). */
#define DC_DATE_SIZE 11

/**
 * Read a date written `YYYY-MM-DD` (exactly 10 characters, a real day of
 * years 1900..9999). Pure; thread-safe.
 * @param[in]  text  the date, @p len bytes, not NUL-terminated
 * @param[out] days  days since 1970-01-01, on DC_OK only
 * @return DC_OK, DC_E_INVALID_ARG (anything else, NULL included)
 */
dc_err dc_date_parse(const char *text, size_t len, int32_t *days);

/**
 * Write @p days as `YYYY-MM-DD` into @p out (DC_DATE_SIZE bytes); the open
 * ends are written as empty strings. Pure; thread-safe.
 */
void dc_date_format(int32_t days, char out[DC_DATE_SIZE]);

/** How an old postcode became a new one (the history table's `kind`). */
typedef enum dc_history_kind {
    DC_HISTORY_UNCHANGED = 0,
    DC_HISTORY_RENAMED = 1,
    DC_HISTORY_MERGED = 2,
    DC_HISTORY_SPLIT = 3,
} dc_history_kind;

/** The kind's name (`unchanged`, `renamed`, `merged`, `split`), or NULL. */
const char *dc_history_kind_name(dc_history_kind kind);
/** The kind named by @p name (exact, lower case); -1 for none. */
int dc_history_kind_parse(const char *name, size_t len);

/* ---- building --------------------------------------------------------- */

/** An edition to write. */
typedef struct dc_edition_input {
    int32_t valid_from;  /**< days, or DC_DATE_OPEN_START */
    int32_t valid_until; /**< days, or DC_DATE_OPEN_END */
    const char *source;  /**< where its zones came from (UTF-8); NULL: none */
} dc_edition_input;

/** A zone of an earlier edition. Its strings, polygon and reference point
 *  as dc_zone_input's; a postcode that is also a current zone has the same
 *  reference point (docs/FORMAT.md section 1). */
typedef struct dc_past_zone_input {
    dc_zone_input zone;
    uint32_t first_edition, last_edition; /**< 1 <= first <= last < current */
} dc_past_zone_input;

/** A row of the history table. */
typedef struct dc_history_input {
    uint32_t old_postcode, new_postcode;
    dc_history_kind kind;
    int32_t date; /**< days: when it took effect */
} dc_history_input;

/**
 * The history part of a build (dc_index_build_input.history): NULL, or no
 * editions, for one undated edition, which writes no record of its own
 * (the file's content and fingerprint are then those of the zones and
 * households alone). Otherwise editions[neditions - 1] is the current one,
 * whose zones are the build input's zones; the others' are @p past_zones.
 */
typedef struct dc_history_build {
    const dc_edition_input *editions;
    size_t neditions; /**< 0, or 1..255 */
    const dc_past_zone_input *past_zones;
    size_t npast_zones;
    const dc_history_input *rows;
    size_t nrows;
} dc_history_build;

/**
 * Read one line of a history table, `old_postcode,new_postcode,kind,date`
 * (5-digit postcodes, a kind name, YYYY-MM-DD), @p len bytes without its
 * line end. Pure; thread-safe.
 * @param[out] out  on 0 only
 * @return 0, or the field (1 to 4) that is missing or does not read; 5 for
 *         anything after the fourth
 */
int dc_history_row_parse(const char *text, size_t len, dc_history_input *out);

/* ---- reading ---------------------------------------------------------- */

/** An edition, as read at open. */
typedef struct dc_edition {
    uint32_t number; /**< from 1, in date order; the last is current */
    int32_t valid_from, valid_until;
    uint32_t zones;
    dc_str source; /**< valid until dc_index_close */
} dc_edition;

/**
 * The editions of the index's zone map, read at open, in date order.
 * @param[out] out  the array (valid until dc_index_close), NULL for none
 * @return how many: 0 for an index built with one undated edition. Never
 *         fails; thread-safe.
 */
size_t dc_index_editions(const dc_index *idx, const dc_edition **out);

/**
 * The edition in force on @p day: the current one's number when the index
 * has no editions or the day is after them all. 0 when the day is before
 * the first edition or in a gap between two. Thread-safe.
 */
uint32_t dc_index_edition_on(const dc_index *idx, int32_t day);

/** The current edition's number: the last, or 0 with no editions. */
uint32_t dc_index_current_edition(const dc_index *idx);

/** A zone of an earlier edition: the zone (household_count is 0: the
 *  households are counted in their current zones only) and its span. */
typedef struct dc_past_zone {
    dc_zone zone;
    uint32_t first_edition, last_edition;
} dc_past_zone;

/**
 * The zone @p postcode named in an earlier edition, from the zones read at
 * open: no search.
 * @param[out] out  on DC_OK only; valid until @p txn ends
 * @return DC_OK, DC_E_NOT_FOUND (no earlier edition has the postcode),
 *         DC_E_INVALID_ARG (NULL @p txn or @p out), DC_E_INDEX_CORRUPT
 */
dc_err dc_index_past_zone(dc_index_txn *txn, uint32_t postcode, dc_past_zone *out);

/**
 * The zone that held a point in edition @p edition: for the current edition
 * dc_index_zone_at's answer; for an earlier one, the earlier zone of that
 * edition whose polygon holds it (the lowest postcode where they overlap),
 * from a grid of the earlier zones built at open.
 * @param[out] out  on DC_OK only, the zone and its first and last edition
 *                  (a current zone's: its first edition, and the current
 *                  one); valid until @p txn ends. With no editions, edition
 *                  0 is the current one.
 * @return DC_OK, DC_E_NOT_FOUND (in no zone of that edition, or no such
 *         edition), DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT
 */
dc_err dc_index_zone_at_edition(dc_index_txn *txn, uint32_t edition, int32_t lat_e7,
                                int32_t lon_e7, dc_past_zone *out);

/** A row of the history, as stored. */
typedef struct dc_history_row {
    uint32_t old_postcode, new_postcode;
    dc_history_kind kind;
    int32_t date;
} dc_history_row;

/**
 * The history rows of an old postcode, in order of the new postcode.
 * @param[out] rows   up to @p max rows
 * @param[out] count  how many there are (may exceed @p max)
 * @return DC_OK (0 rows is not an error), DC_E_INVALID_ARG,
 *         DC_E_INDEX_CORRUPT
 */
dc_err dc_index_history(dc_index_txn *txn, uint32_t old_postcode, dc_history_row *rows,
                        size_t max, size_t *count);

/**
 * The history rows that name @p new_postcode as the new one (what a zone
 * came from), in order of the old postcode: a walk of the whole table,
 * which is small (a row per old zone), meant for zone answers, not for a
 * hot path.
 * @return as dc_index_history
 */
dc_err dc_index_history_to(dc_index_txn *txn, uint32_t new_postcode, dc_history_row *rows,
                           size_t max, size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* DIACHI_HISTORY_H */
