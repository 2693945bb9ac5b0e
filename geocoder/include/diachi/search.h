/*
 * diachi/search.h - address search: a written Vietnamese address to the
 * households, streets, groups or zones it names, and autocomplete of the
 * word being typed (library dc_geocoder, over the index's search data:
 * diachi/search_index.h).
 *
 *     dc_search_result *r = malloc(sizeof *r);     about 60 KB: reuse it
 *     dc_search_options opt = {.limit = 10};
 *     dc_search(s, "12/3 vo nguyen giap muong thanh", 31, &opt, r, &err);
 *     ... r->hits[0].match == DC_SEARCH_HOUSEHOLD, r->hits[0].household ...
 *
 * The query is parsed into labelled parts (diachi/query.h); the words of
 * its names are looked up as the index's folded words (a word typed
 * without tones matches every toned one), with one typo tolerated in a
 * word of five letters or more; the street, group, zone, district and
 * province names they spell are found by intersecting the words' posting
 * lists, smallest first; a house number is looked for among the
 * households of the streets found. Ranking, from the most the query says
 * to the least: a household (house number, street and zone) before its
 * street in its zone before the street alone before the zone alone; exact
 * tones before folded before a typo; a postcode, or a zone, district or
 * province named with its word ("phường Mường Thanh", "TP. Điện Biên
 * Phủ"), restricts the answers to itself; of equal points, a place named
 * with the word its name leads with ("Ấp Tân Lập", "KP 3" for Khu phố 3)
 * comes before one of its kind with another (Thôn Tân Lập, Tổ 3); a point
 * (near) orders the ties by distance. A house number the street does not
 * have gives the street (match street), never a household that is not
 * there.
 *
 * Limits, for names found in very many places: the places a run of words
 * spells are read in their first 32,768 ids (a group name in every zone of
 * the country is some 11,000), and 2,048 of them are kept as evidence,
 * those in the places the query restricts to coming first.
 *
 * Threads and lifetimes as for every engine call (diachi/geocoder.h): a
 * session belongs to one thread at a time; the strings of a result point
 * into the index and the result itself, valid until the session ends or
 * the result is reused. The first search of a session allocates its
 * working memory (about 200 KB), which the session keeps; later searches
 * allocate nothing.
 */
#ifndef DIACHI_SEARCH_H
#define DIACHI_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/geocoder.h"
#include "diachi/history.h"
#include "diachi/search_index.h"
#include "diachi/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Answers returned at most (dc_search_options.limit). */
#define DC_SEARCH_MAX_RESULTS 100
/** Answers when no limit is given. */
#define DC_SEARCH_DEFAULT_LIMIT 10
/** Parts of a query reported (a query has rarely more than eight). */
#define DC_SEARCH_MAX_PARTS 32
/** Answers of an autocomplete, at most. */
#define DC_COMPLETE_MAX 10

/** What an answer is. Stable names (dc_search_match_name). */
typedef enum dc_search_match {
    DC_SEARCH_HOUSEHOLD = 0, /**< "household": a door the query names */
    DC_SEARCH_STREET = 1,    /**< "street": a street (alley, hamlet) in a zone */
    DC_SEARCH_GROUP = 2,     /**< "group": a group (tổ dân phố, bản) in a zone */
    DC_SEARCH_ZONE = 3       /**< "zone": a postal zone */
} dc_search_match;

/** How a part of the query matched an answer. Stable names. */
typedef enum dc_search_how {
    DC_SEARCH_NONE = 0,   /**< "none": not by this answer */
    DC_SEARCH_EXACT = 1,  /**< "exact": with its tones as written */
    DC_SEARCH_FOLDED = 2, /**< "folded": without tones or with others */
    DC_SEARCH_TYPO = 3    /**< "typo": one word one edit away */
} dc_search_how;

const char *dc_search_match_name(dc_search_match match);
const char *dc_search_how_name(dc_search_how how);

typedef struct dc_search_options {
    size_t limit; /**< 1..DC_SEARCH_MAX_RESULTS; 0: DC_SEARCH_DEFAULT_LIMIT */
    bool near;    /**< order answers of equal score by distance from: */
    double near_lat, near_lon; /**< degrees, WGS 84 */
} dc_search_options;

/** A part of the query as the parser read it. */
typedef struct dc_search_part {
    const char *kind; /**< dc_part_kind_name: "house", "street", "zone", ... */
    const char *word; /**< the word that labelled it ("phường"), or NULL */
    dc_str text;      /**< its value as written, normalised: the exact forms
                           of its words joined by ' ' ("mường thanh") */
    bool guess;       /**< placed by position, not by a word */
} dc_search_part;

/** An answer. */
typedef struct dc_search_hit {
    dc_search_match match;
    double score;                     /**< 0..1: how much of the query it explains */
    int32_t lat_e7, lon_e7;           /**< a household's position; the mean of a
                                           street's or group's households; a zone's
                                           reference point */
    double distance_m;                /**< from the near point; -1 without one */
    dc_zone zone;                     /**< the answer's zone */
    dc_household household;           /**< match household only */
    dc_str name;                      /**< street, group: its name on the map; zone:
                                           the zone's name */
    uint32_t household_count;         /**< street, group: its households in the
                                           zone; zone: the zone's; household: 1 */
    uint8_t how[DC_SEARCH_MAX_PARTS]; /**< dc_search_how of each part */
    bool former;                      /**< found through a former name: a zone,
                                           district or province of an earlier
                                           edition of the zone map
                                           (DC_ENTITY_FORMER) */
    bool has_former_zone;             /**< former_zone is set: the former zone
                                           named, or (a household found through
                                           a former district or province) the
                                           earlier zone it lay in */
    dc_past_zone former_zone;         /**< its strings valid as zone's */
    int32_t former_from;              /**< former_zone's first day (of its first
                                           edition; DC_DATE_OPEN_START: none) */
    int32_t former_until;             /**< its last day (of its last edition) */
    dc_str former_district;           /**< the former district named, or "" */
    dc_str former_province;           /**< the former province named, or "" */
} dc_search_hit;

typedef struct dc_search_result {
    size_t nparts; /**< the parts of the query (the first DC_SEARCH_MAX_PARTS) */
    dc_search_part parts[DC_SEARCH_MAX_PARTS];
    size_t nhits; /**< answers, best first; 0 when nothing matches */
    dc_search_hit hits[DC_SEARCH_MAX_RESULTS];
    char text[DC_TEXT_SIZE]; /**< what the parts' text points into */
} dc_search_result;

/**
 * Search for the households, streets, groups and zones a written address
 * names.
 * @param[in]  s     a session
 * @param[in]  text  UTF-8, @p len bytes (at most DC_TEXT_MAX_BYTES), need
 *                   not be NUL-terminated
 * @param[in]  opt   NULL for the defaults
 * @param[out] out   the parts and answers on DC_OK (none is not an
 *                   error); untouched on a bad query
 * @param[out] err   NULL, or a bad query's problem in one line ("the query
 *                   has no words", "invalid UTF-8 at byte 3 (0xC3)", ...)
 * @return DC_OK; for a bad query DC_E_TEXT_EMPTY (no word: empty, or only
 *         punctuation), DC_E_TEXT_UTF8, DC_E_TEXT_CONTROL,
 *         DC_E_TEXT_LENGTH; DC_E_INVALID_ARG (NULL @p s or @p out, NULL
 *         @p text with a non-zero @p len, a limit over
 *         DC_SEARCH_MAX_RESULTS, a near point that is NaN or off the
 *         globe); DC_E_NOMEM (the session's working memory);
 *         DC_E_INDEX_CORRUPT, DC_E_IO
 */
dc_err dc_search(dc_geo_session *s, const char *text, size_t len,
                 const dc_search_options *opt, dc_search_result *out, dc_error *err);

/** An autocomplete answer: a place whose name goes on from what was typed. */
typedef struct dc_complete_answer {
    dc_entity_kind kind; /**< street, group, zone, district or province */
    dc_str name;         /**< its name on the map ("Võ Nguyên Giáp") */
    char text[DC_TEXT_MAX_BYTES + DC_TEXT_MAX_BYTES / 4];
    /**< the query with its last words completed by
         the name: what a search box shows */
    uint32_t postcode; /**< street, group, zone: its zone; else 0 */
    bool has_zone;
    dc_zone zone;             /**< street, group, zone: its zone */
    int32_t lat_e7, lon_e7;   /**< street, group: its households' mean; zone:
                                   its reference point; district, province:
                                   their first zone's */
    uint32_t household_count; /**< street, group, zone: its households;
                                   district, province: their zones */
} dc_complete_answer;

typedef struct dc_complete_result {
    size_t nanswers; /**< at most DC_COMPLETE_MAX, likeliest first */
    dc_complete_answer answers[DC_COMPLETE_MAX];
} dc_complete_result;

/**
 * Complete the last word of a query as it is typed (a search box calls it
 * on every keystroke): the streets, groups, zones, districts and
 * provinces whose names hold the words of the query's last part, the last
 * of them as a prefix ("12 vo nguyen gi" gives Võ Nguyên Giáp). When the
 * text ends with a space or a comma, its last word is whole. Names that
 * start with those words come first, then the larger (more households);
 * one answer per name in a district. Prefixes of a letter or two read the
 * first words of the index in byte order only (64 at most), so the
 * answers are a sample there.
 * @return as dc_search: DC_OK (no answer is not an error), the bad query
 *         errors, DC_E_INVALID_ARG, DC_E_NOMEM, DC_E_INDEX_CORRUPT, DC_E_IO
 */
dc_err dc_search_complete(dc_geo_session *s, const char *text, size_t len,
                          dc_complete_result *out, dc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_SEARCH_H */
