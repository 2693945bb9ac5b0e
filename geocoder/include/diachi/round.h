/*
 * diachi/round.h - the delivery round: today's letters for one postal
 * worker (codes or written addresses) resolved to their doors, and the
 * doors put in the order of a short walk from a start point (the post
 * office).
 *
 *     dc_round_scratch *sc = malloc(sizeof *sc);      about 70 KB: reuse it
 *     dc_round_door door;
 *     dc_round_resolve(s, "32101 92P9+G54", 14, sc, &door);
 *     ... door.resolved, door.lat, door.lon, door.group, door.status ...
 *
 *     dc_round_stop stops[n] = {{lat, lon, group}, ...};
 *     size_t order[n];
 *     dc_round_order(stops, n, 21.386, 103.017, NULL, order, &stats, &err);
 *     ... stops[order[0]] is the first door, stats.length_m the walk ...
 *
 * The order: a nearest-neighbour walk from the start, improved by 2-opt
 * (reverse a stretch of the round) and Or-opt (move one to three doors, or
 * a whole group, elsewhere, either way round) until no move shortens it.
 * Distances are straight lines between doors, in metres on a local plane
 * (dc_geo_distance_m's at the round's mean latitude): a postal worker
 * walks the streets, but the streets are not in the index, and between
 * doors a few hundred metres apart the straight line orders them as the
 * streets mostly do.
 *
 * Groups: the doors of one household group are kept together, one after
 * the other. The group is what the index stores with each household: its
 * `Tổ` (tổ dân phố, bản: dc_household.group) in its zone, so a worker
 * finishes one residential group before the next, as rounds are drawn by
 * hand. dc_round_resolve gives the key; dc_round_order takes any key
 * (0: a door of no group). Keeping groups together has a price: on the
 * sample's beats the rounds are about 10% longer than the shortest walk
 * that ignores them (docs/PERFORMANCE.md). A caller who does not want it
 * keeps only the letters of one door together (dc_round_door.door: the
 * households that share a code), which costs nothing.
 *
 * Threads: every call is thread-safe; dc_round_resolve uses its session
 * (diachi/geocoder.h's rule: one thread at a time).
 */
#ifndef DIACHI_ROUND_H
#define DIACHI_ROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/geocoder.h"
#include "diachi/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The most stops a round takes. A postal worker's day is a few hundred
 * letters; 1,000 leaves room for a large ward, and keeps a round to about
 * a tenth of a second and 4 MB, so that a request does not hold a server
 * thread long (the search keeps every distance between two doors, (n +
 * 2)^2 floats, and 2-opt reads them all on each pass: 2,000 stops took
 * half a second and 16 MB). 100,000 would take 40 GB; it is refused
 * (DC_E_ROUND_TOO_MANY).
 */
#define DC_ROUND_MAX_STOPS 1000

/** A door to visit. */
typedef struct dc_round_stop {
    double lat, lon; /**< degrees, WGS 84 */
    uint64_t group;  /**< stops with one non-zero key are kept together;
                          0: a door of no group */
} dc_round_stop;

typedef struct dc_round_options {
    /** The round ends back at the start (the default, true), or at its
     *  last door (false). */
    bool back_to_start;
    /** Improve the nearest-neighbour walk (the default, true); false
     *  keeps it as it is (for comparison). */
    bool improve;
    /** A stronger, slower search (0, the default: none): this many times,
     *  the best round found is cut in three places and put back together
     *  in another order (a double bridge), then improved again, and kept
     *  when shorter. Each costs about as much as the first improvement. */
    unsigned kicks;
    /** The kicks' random sequence (0: a fixed one). */
    uint64_t seed;
} dc_round_options;

/** Fill @p opt with the defaults: back to the start, improved, no kicks. */
void dc_round_options_init(dc_round_options *opt);

/** What a round came to. */
typedef struct dc_round_stats {
    double nearest_m; /**< the nearest-neighbour walk's length, metres */
    double length_m;  /**< the round's length (the same walk, improved) */
    unsigned passes;  /**< improving passes made */
} dc_round_stats;

/**
 * Put @p n stops in the order of a short round from the start point.
 * @param[in]  stops   @p n stops; their order in the array breaks ties
 * @param[in]  start_lat, start_lon  the start (the post office), degrees
 * @param[in]  opt     NULL for the defaults (dc_round_options_init)
 * @param[out] order   @p n indexes into @p stops, each once: the round's
 *                     order (written on success only)
 * @param[out] stats   NULL, or the lengths (on success only)
 * @param[out] err     NULL, or the detail on failure
 * @return DC_OK; DC_E_ROUND_EMPTY (n is 0), DC_E_ROUND_TOO_MANY (n over
 *         DC_ROUND_MAX_STOPS), DC_E_ROUND_START (the start is NaN or off
 *         the globe: latitude outside -90..90, longitude outside
 *         -180..180), DC_E_INVALID_ARG (NULL @p stops or @p order, a stop
 *         NaN or off the globe), DC_E_NOMEM. Deterministic: the same
 *         stops give the same order. Thread-safe.
 */
dc_err dc_round_order(const dc_round_stop *stops, size_t n, double start_lat,
                      double start_lon, const dc_round_options *opt, size_t *order,
                      dc_round_stats *stats, dc_error *err);

/**
 * Read a start point as dc_geo_point_parse does ("21.386,103.017",
 * "21°23'10\"N 103°01'04\"E", geo:21.386,103.017) and check it is on the
 * globe.
 * @return DC_OK, DC_E_ROUND_START (with the reason in @p err),
 *         DC_E_INVALID_ARG (NULL @p lat or @p lon)
 */
dc_err dc_round_start_parse(const char *text, size_t len, double *lat, double *lon,
                            dc_error *err);

/** A letter resolved, or why it was not. */
typedef struct dc_round_door {
    bool resolved; /**< a door: lat, lon, code, address and group are set */
    /** How it was read: "code" (a code or Plus Code) or "address". */
    const char *by;
    /** ok, retired (a code of an earlier zone: its door), or why there is
     *  no door: a code's status (unregistered, malformed, unknown_postcode,
     *  code_outside_zone, out_of_coverage), an address's: no_match,
     *  not_a_door (the best answer is a street, group or zone, not a
     *  household), bad_address (empty, not UTF-8, too long). Static. */
    const char *status;
    char message[DC_ERROR_MESSAGE_SIZE]; /**< unresolved: in words */
    double lat, lon;                     /**< the door, degrees */
    uint64_t group;                      /**< its group's key (0: none) */
    uint64_t door;                       /**< its door's key: the code's */
    char code[DC_CODE_DISPLAY_SIZE];     /**< "32101 92P9+G54" */
    char address[512];                   /**< dc_geo_address's, cut to fit */
} dc_round_door;

/** What dc_round_resolve works in: allocate once (it is large), reuse. */
typedef struct dc_round_scratch {
    dc_geo_forward_result forward;
    dc_search_result search;
} dc_round_scratch;

/**
 * Resolve a letter to its door. A text that reads as a code (anything
 * dc_geo_forward does not call malformed: a code in any lenient form, a
 * full Plus Code) is looked up as one, and only a registered code (or a
 * retired one whose door is found) gives a door: a code with a typo is
 * never guessed at. Any other text is searched as a written address
 * (dc_search) and gives a door only when the best answer is a household.
 * @param[in]  text  @p len bytes, need not be NUL-terminated
 * @param[out] out   always written on DC_OK (resolved or not)
 * @return DC_OK (see out->resolved), DC_E_INVALID_ARG, DC_E_NOMEM,
 *         DC_E_INDEX_CORRUPT, DC_E_IO
 */
dc_err dc_round_resolve(dc_geo_session *s, const char *text, size_t len,
                        dc_round_scratch *scratch, dc_round_door *out);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_ROUND_H */
