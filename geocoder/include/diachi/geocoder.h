/*
 * diachi/geocoder.h - the lookup engine: code -> door (forward), point ->
 * code, zone and nearby households (reverse), postcode -> zone.
 *
 *     dc_geo *geo;                      once per process (or per index file)
 *     dc_geo_open("dbp.diachi", &geo, &err);
 *
 *     dc_geo_session *s;                per thread, per request or per batch
 *     dc_geo_session_begin(geo, &s);
 *     dc_geo_forward_result *r = ...;   caller-owned, reused across calls
 *     dc_geo_forward(s, "32101 92P9+F5C", 14, r);
 *     ... r->status, r->households[0].street.ptr ...
 *     dc_geo_session_end(s);            every dc_str and dc_polygon from s dies
 *
 * Threads: a dc_geo handle is shared by every thread. A dc_geo_session
 * belongs to one thread at a time (it may move between threads between
 * calls). Every call is thread-safe under that rule.
 *
 * Memory: no call allocates once a session exists; results are
 * caller-owned structs with fixed capacities. Strings and polygons in a
 * result (dc_str, dc_polygon) point into the index map and stay valid until
 * the session that produced them ends. Result structs are large (a forward
 * result is about 5 KB, a reverse result 11 KB): reuse them.
 *
 * Errors: a call returns DC_OK when it answered, whatever the answer; the
 * answer's kind is the result's `status` (dc_geo_status). A dc_err other
 * than DC_OK means no answer (a bad argument or a damaged index); the
 * result struct's contents are then unspecified: results are written in
 * place because copying several KB would cost as much as the lookup.
 *
 * Distances are metres on the WGS 84 ellipsoid, computed by an
 * equirectangular projection with the meridional and prime-vertical radii
 * of curvature at the mean latitude: within 0.01% of the geodesic distance
 * up to 1000 m at Vietnam's latitudes (the error grows with the square of
 * the distance), far inside the 0.1% the results promise.
 */
#ifndef DIACHI_GEOCODER_H
#define DIACHI_GEOCODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/code.h"
#include "diachi/error.h"
#include "diachi/index.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Households returned for one code (a shared door); more are counted. */
#define DC_GEO_MAX_HOUSEHOLDS 16
/** Suggestions returned for a code that is not registered. */
#define DC_GEO_MAX_SUGGESTIONS 8
/** Similar registered codes returned for a registered one (dc_geo_similar). */
#define DC_GEO_MAX_SIMILAR 8
/** Registered households returned near an unregistered place. */
#define DC_GEO_MAX_NEARBY 8
/** How far from an unregistered place households count as nearby. */
#define DC_GEO_NEARBY_M 20.0
/** How far outside its zone a code's cell centre may lie and still count
 *  as in it: covers cells that straddle the boundary. */
#define DC_GEO_ZONE_TOLERANCE_M 10.0
/** Largest reverse radius, metres. */
#define DC_GEO_MAX_RADIUS_M 1000.0
/** Largest reverse limit (households returned). */
#define DC_GEO_MAX_NEIGHBOURS 100

/**
 * The kind of answer. The names (dc_geo_status_name) are stable and
 * appear in JSON output and the HTTP API.
 */
typedef enum dc_geo_status {
    DC_GEO_OK = 0, /**< "ok": registered (forward), in a zone (reverse) */
    DC_GEO_UNREGISTERED =
        1, /**< "unregistered": a valid place in its zone, no household */
    DC_GEO_MALFORMED =
        2, /**< "malformed": not a code; error holds the parser's message */
    DC_GEO_UNKNOWN_POSTCODE = 3,  /**< "unknown_postcode": no zone has this postcode */
    DC_GEO_CODE_OUTSIDE_ZONE = 4, /**< "code_outside_zone": the place lies outside the
                                       zone its postcode names */
    DC_GEO_OUT_OF_COVERAGE = 5,   /**< "out_of_coverage": no zone contains the point */
    DC_GEO_RETIRED = 6            /**< "retired": the code's zone was replaced (zone
                                       editions, diachi/history.h); the door and its
                                       current code are answered */
} dc_geo_status;

/** Stable lower-case name of a status ("code_outside_zone"); "unknown"
 *  for a value not listed. Static string. Thread-safe. */
const char *dc_geo_status_name(dc_geo_status status);

/** The engine: an open index and what the engine keeps about it. */
typedef struct dc_geo dc_geo;
/** A read session: one thread's transaction over the index. */
typedef struct dc_geo_session dc_geo_session;

/**
 * Open the index at @p path for lookups.
 * @param[out] out  written on success only
 * @param[out] err  NULL, or the detail on failure
 * @return DC_OK, DC_E_INVALID_ARG (NULL path or out), and dc_index_open's
 *         errors: DC_E_IO (missing or unreadable: the message names the
 *         path), DC_E_INDEX_FORMAT, DC_E_NOMEM
 */
dc_err dc_geo_open(const char *path, dc_geo **out, dc_error *err);

/** Close the engine; every session must have ended. NULL is a no-op. */
void dc_geo_close(dc_geo *geo);

/** The day a session answers as of: the current edition (the default). */
#define DC_GEO_NOW INT32_MAX

/**
 * Answer as of day @p day (days since 1970-01-01, diachi/history.h), or
 * DC_GEO_NOW: the edition of the zone map in force that day names the
 * zones (forward, reverse, zone). A session begins at DC_GEO_NOW; the day
 * lasts until it is set again or the session ends. An index without
 * editions answers every day as now.
 */
void dc_geo_session_at(dc_geo_session *s, int32_t day);

/**
 * The zone @p postcode named in an earlier edition of the zone map, when no
 * current zone has it (dc_geo_zone first): the zone and its last day.
 * @return DC_OK, DC_E_NOT_FOUND, DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT
 */
dc_err dc_geo_earlier_zone(dc_geo_session *s, uint32_t postcode, dc_zone *out,
                           int32_t *valid_until);

/** The index the engine reads (for dc_index_info). Valid until dc_geo_close. */
dc_index *dc_geo_index(dc_geo *geo);

/**
 * Begin a session. Cheap: ended sessions are kept and reused, so after the
 * first few this is one atomic exchange on a cache line of the calling
 * thread's own (a mutex only when the thread ends more sessions than it
 * begins), and allocates nothing.
 * @return DC_OK, DC_E_INVALID_ARG, DC_E_NOMEM, DC_E_IO
 */
dc_err dc_geo_session_begin(dc_geo *geo, dc_geo_session **out);

/** End a session: every dc_str and dc_polygon it gave out becomes invalid.
 *  NULL is a no-op. */
void dc_geo_session_end(dc_geo_session *s);

/** The session's index transaction, for reads the engine does not wrap
 *  (dc_index_household_by_id). Valid until the session ends. */
dc_index_txn *dc_geo_session_txn(dc_geo_session *s);

/**
 * Metres between two points (degrees) on the WGS 84 ellipsoid, by the
 * equirectangular approximation described at the top of this header.
 * Meant for distances up to a few kilometres. Pure; thread-safe.
 */
double dc_geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/** A code with every form of it and the cell it names. */
typedef struct dc_geo_place {
    dc_code code;
    char display[DC_CODE_DISPLAY_SIZE]; /**< "32101 92P9+F5C" */
    char compact[DC_CODE_COMPACT_SIZE]; /**< "3210192P9F5C" */
    char plus_code[DC_CODE_PLUS_SIZE];  /**< "7PH592P9+F5C" */
    dc_olc_area cell;                   /**< edges and centre, degrees */
} dc_geo_place;

/** A household with its distance from the point asked about. */
typedef struct dc_geo_neighbour {
    dc_household household;
    double distance_m;
    bool other_zone; /**< lies in a zone other than the point's (or the
                          point is in none) */
} dc_geo_neighbour;

/** The one edit that turns the input into a suggested code. */
typedef enum dc_geo_edit {
    DC_GEO_EDIT_SUBSTITUTE = 0, /**< one character replaced */
    DC_GEO_EDIT_SWAP = 1,       /**< two adjacent characters swapped */
    DC_GEO_EDIT_INSERT = 2,     /**< one character was missing (input had 11) */
    DC_GEO_EDIT_DELETE = 3      /**< one character too many (input had 13) */
} dc_geo_edit;

/** Stable lower-case name of an edit ("substitute", "swap", "insert",
 *  "delete"). Static string. */
const char *dc_geo_edit_name(dc_geo_edit edit);

/** A registered code one edit away from the input. */
typedef struct dc_geo_suggestion {
    dc_geo_place place;
    dc_geo_edit edit;
    int position;      /**< 1-based, among the 12 significant characters
                            of the suggestion */
    double distance_m; /**< from the typed place; negative when the input
                            names no place */
    double score;      /**< higher is likelier; for ordering only */
    uint32_t household_count;
    dc_household household; /**< the first household at the code */
} dc_geo_suggestion;

/** What dc_geo_forward answers. Fields are valid as the comments say. */
typedef struct dc_geo_forward_result {
    dc_geo_status status;
    /** malformed: the parser's error (code and message); else DC_OK, "". */
    dc_error error;
    /** The input was a full Plus Code rather than a diachi code. */
    bool from_plus_code;
    /** place and zone are set: every status but malformed and
     *  unknown_postcode (and out_of_coverage: place only, see has_zone). */
    bool has_place;
    dc_geo_place place;
    bool has_zone;
    dc_zone zone; /**< the zone the postcode names */
    /** code_outside_zone: the zone the place does lie in, when one does,
     *  and the code of the same place with that zone's postcode. */
    bool has_actual_zone;
    dc_zone actual_zone;
    dc_geo_place corrected;
    /** ok: the households at the code, in index order. */
    uint32_t household_count; /**< all of them; nhouseholds <= 16 returned */
    size_t nhouseholds;
    dc_household households[DC_GEO_MAX_HOUSEHOLDS];
    /** Not ok: registered codes one edit away, likeliest first. */
    size_t nsuggestions;
    dc_geo_suggestion suggestions[DC_GEO_MAX_SUGGESTIONS];
    /** unregistered: registered households within DC_GEO_NEARBY_M of the
     *  cell centre, nearest first. */
    size_t nnearby;
    dc_geo_neighbour nearby[DC_GEO_MAX_NEARBY];
    /** ok, after dc_geo_similar: registered codes of the same zone one
     *  substitution or swap away, likeliest first (0 until then). */
    size_t nsimilar;
    dc_geo_suggestion similar[DC_GEO_MAX_SIMILAR];
    /** The zone named by the postcode is of an earlier edition of the zone
     *  map (diachi/history.h): its last day (has_zone), and the door's
     *  current zone and code (the same location characters), when the
     *  place lies in a current zone. Status retired when the zone ended
     *  before the day asked about (dc_geo_session_at), else as any code. */
    bool earlier_zone;
    int32_t zone_valid_until;
    bool has_current;
    dc_zone current_zone;
    dc_geo_place current;
} dc_geo_forward_result;

/**
 * Forward lookup: a code in any lenient form (dc_code_parse), or a full
 * Plus Code ("7PH592P9+F5C", 10 digits or more), to its place, zone and
 * households. Suggestions are searched for every status but ok.
 *
 * A Plus Code is placed in the zone that contains its centre; when a
 * household of a neighbouring zone holds the same cell (a cell across a
 * boundary), that registered code is the answer.
 *
 * @param[in]  s     a session
 * @param[in]  text  the input, @p len bytes, need not be NUL-terminated
 * @param[out] out   the answer (see the notes at the top on errors)
 * @return DC_OK (see out->status), DC_E_INVALID_ARG (NULL @p s or @p out,
 *         or NULL @p text with a non-zero @p len), DC_E_INDEX_CORRUPT, DC_E_IO
 */
dc_err dc_geo_forward(dc_geo_session *s, const char *text, size_t len,
                      dc_geo_forward_result *out);

/**
 * dc_geo_forward for a text the caller has already parsed as a code: the
 * same answer as dc_geo_forward(s, text, len, out), without parsing @p text
 * again (a batch parses each code once to order its lookups).
 * @param[in] code  dc_code_parse's code of exactly @p text (not NULL)
 * @return as dc_geo_forward; DC_E_INVALID_ARG also for a NULL @p code
 */
dc_err dc_geo_forward_code(dc_geo_session *s, const dc_code *code, const char *text,
                           size_t len, dc_geo_forward_result *out);

/**
 * Fill r->similar: the registered codes of the same zone one edit (a
 * character replaced, two neighbours swapped) away from a code that
 * resolved (status ok), likeliest first. A slip typing any of them would
 * have landed silently on another door, so a postal worker should confirm
 * this one. Not done by dc_geo_forward (which sets nsimilar to 0): it
 * costs about 130 index probes, which a batch does not want on every row.
 * The `similar_codes` of diachi lookup's answers.
 *
 * @param[in,out] r  a dc_geo_forward answer of this session; for any
 *                   status but ok, nsimilar is set to 0
 * @return DC_OK, DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT, DC_E_IO
 */
dc_err dc_geo_similar(dc_geo_session *s, dc_geo_forward_result *r);

/**
 * For a caller with many codes (a batch): where @p code stands in the
 * order the index stores households in (dc_index_code_order). Looked up in
 * ascending order of it, codes read the index front to back.
 * @return false when no zone has the code's postcode
 */
bool dc_geo_code_order(dc_geo_session *s, const dc_code *code, uint64_t *order);

/**
 * Start fetching, without waiting, what a forward lookup of a code of
 * @p order (dc_geo_code_order) will read from the index. Called for each
 * code in the order of their lookups, DC_GEO_PREFETCH_AHEAD lookups ahead,
 * it lets the fetches of that many codes overlap (dc_index_order_prefetch).
 */
#define DC_GEO_PREFETCH_AHEAD DC_INDEX_PREFETCH_AHEAD
void dc_geo_order_prefetch(dc_geo_session *s, uint64_t order);

/** What a code converts to (dc_geo_convert): today's code of its door. */
typedef struct dc_geo_conversion {
    /** ok (a household's door: the code's own, or where its cell lies
     *  across a border or where zones overlap, that of the household of
     *  another current zone registered in the same cell with the same
     *  location characters), unregistered (a place in a current zone
     *  with no household), out_of_coverage (the place of an old code lies
     *  in no current zone: no code is guessed), or the forward status of a
     *  code that names no place (malformed, unknown_postcode,
     *  code_outside_zone). Never retired. */
    dc_geo_status status;
    /** ok and unregistered: the current code (the current zone's postcode,
     *  the same location characters) and its zone. */
    bool has_current;
    dc_geo_place current;
    dc_zone zone;
    /** The postcode the code was written with. */
    uint32_t former_postcode;
    /** What changed (dc_geo_change): a static string; NULL without a
     *  current code. */
    const char *change;
} dc_geo_conversion;

/**
 * A forward answer (dc_geo_forward, as of DC_GEO_NOW) as a conversion to
 * today's code: a current code answers itself (change "unchanged"); an old
 * one (status retired) its door's current code.
 * @param[in]  r    a forward answer of this session
 * @param[out] out  strings and polygon valid until the session ends
 * @return DC_OK, DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT
 */
dc_err dc_geo_convert(dc_geo_session *s, const dc_geo_forward_result *r,
                      dc_geo_conversion *out);

/**
 * A household found by other means than its code (an address search,
 * diachi/search.h) as a conversion: status ok, its code (today's: the
 * household's own) in @p zone, its current zone, and what changed from the
 * zone that held its door in the edition before the current one ("changed"
 * when no zone of that edition held it; "unchanged" with no editions).
 * former_postcode is that earlier zone's postcode, 0 when none.
 * @param[in]  h     a household of this session's index
 * @param[in]  zone  the zone of h->postcode
 * @param[out] out   strings valid until the session ends
 * @return DC_OK, DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT
 */
dc_err dc_geo_convert_household(dc_geo_session *s, const dc_household *h,
                                const dc_zone *zone, dc_geo_conversion *out);

/**
 * What changed from @p old_postcode to @p new_postcode: "unchanged" for
 * the same postcode; else the kind ("renamed", "merged", "split",
 * "unchanged") of the index's history row that pairs them (diachi/history.h),
 * or "changed" when the table has no such row. The session keeps the last
 * few pairs: rows a zone at a time cost one search of the table.
 * @param[out] name  a static string, on DC_OK only
 * @return DC_OK, DC_E_INVALID_ARG, DC_E_INDEX_CORRUPT
 */
dc_err dc_geo_change(dc_geo_session *s, uint32_t old_postcode, uint32_t new_postcode,
                     const char **name);

/** Editions listed in a reverse answer's `former`. */
#define DC_GEO_MAX_FORMER 8

/** The zone and code a point had in an earlier edition of the zone map. */
typedef struct dc_geo_former {
    uint32_t edition;
    int32_t valid_until; /**< the zone's last day (days since 1970-01-01) */
    dc_zone zone;
    dc_geo_place place;
} dc_geo_former;

/** What dc_geo_reverse answers. */
typedef struct dc_geo_reverse_result {
    dc_geo_status status; /**< ok, or out_of_coverage */
    double lat, lon;      /**< the point asked about */
    /** ok: the zone that contains the point (containment, never the
     *  nearest), and the code of the point in it. */
    bool has_zone;
    dc_zone zone;
    dc_geo_place place;
    /** The point's own Plus Code (11 digits), set whatever the status. */
    char plus_code[DC_CODE_PLUS_SIZE];
    /** Households within the radius, nearest first (ties: index order),
     *  at most the limit asked for; searched whatever the status. */
    size_t nneighbours;
    dc_geo_neighbour neighbours[DC_GEO_MAX_NEIGHBOURS];
    /** ok, with editions: the zones and codes of the point in the editions
     *  before the one answered (zone and place), latest first, one entry
     *  per change of zone. */
    size_t nformer;
    dc_geo_former former[DC_GEO_MAX_FORMER];
} dc_geo_reverse_result;

/**
 * Reverse lookup: the point's zone and code, and the households within
 * @p radius_m, nearest first.
 *
 * @param[in] lat, lon   degrees, WGS 84
 * @param[in] radius_m   0..DC_GEO_MAX_RADIUS_M
 * @param[in] limit      0..DC_GEO_MAX_NEIGHBOURS; 0 asks for the zone and
 *                       code only (no household is read)
 * @return DC_OK (see out->status), DC_E_INVALID_ARG (NULL, NaN, latitude
 *         outside -90..90, longitude outside -180..180, radius or limit out
 *         of range), DC_E_INDEX_CORRUPT, DC_E_IO
 */
dc_err dc_geo_reverse(dc_geo_session *s, double lat, double lon, double radius_m,
                      size_t limit, dc_geo_reverse_result *out);

/**
 * Read a point as people copy it: "21.39,103.02", "21.39, 103.02" (Google
 * Maps), "21,39 103,02" (decimal commas), "21.39° N, 103.02° E",
 * "21°23'10.3\"N 103°01'04.4\"E" (degrees, minutes, seconds; the marks
 * ° º ' ′ ’ \" ″ ” all read), "N21.39 E103.02". Latitude comes first
 * unless hemisphere letters say otherwise (S and W are negative). Only the
 * syntax is checked: the ranges are the caller's (dc_geo_reverse refuses
 * a latitude outside -90..90), so a point given with latitude and
 * longitude swapped is read as written and the caller can say so.
 *
 * @param[in]  text      @p len bytes, need not be NUL-terminated
 * @param[out] lat, lon  degrees, written on success only
 * @param[out] err       NULL, or the detail on failure, naming the
 *                       character (1-based) where reading stopped
 * @return DC_OK, DC_E_POINT_SYNTAX, DC_E_INVALID_ARG (NULL @p lat or
 *         @p lon, or NULL @p text with a non-zero @p len).
 *         Pure; thread-safe.
 */
dc_err dc_geo_point_parse(const char *text, size_t len, double *lat, double *lon,
                          dc_error *err);

/**
 * The zone a locality names, as map apps write it after a short Plus Code
 * ("Mường Thanh, Điện Biên", "phường Mường Thanh, TP Điện Biên Phủ").
 * Each comma-separated part is compared with every zone's name, district
 * and province with diacritics, case, punctuation and a leading kind word
 * ("phường", "xã", "thị trấn", "thành phố", "huyện", "tỉnh", "P.", "TP.")
 * ignored; the zone whose name matches
 * wins over one whose district does, over one whose province does, and
 * the lowest postcode breaks a tie. Reads every zone: about a millisecond
 * per thousand zones.
 * @param[out] out  written on success only; valid until the session ends
 * @return DC_OK, DC_E_NOT_FOUND (nothing matches), DC_E_INVALID_ARG
 */
dc_err dc_geo_locality_zone(dc_geo_session *s, const char *text, size_t len,
                            dc_zone *out);

/**
 * A short Plus Code followed by a locality, as Google Maps shows a place
 * ("92P9+F5C Mường Thanh, Điện Biên"), to the full Plus Code: the short
 * code is recovered (OLC nearest recovery) against the reference point of
 * the zone the locality names (dc_geo_locality_zone). The result is a
 * full Plus Code for dc_geo_forward, which places it by containment.
 * @param[out] out   the full Plus Code ("7PH592P9+F5C"), @p size >=
 *                   DC_OLC_SIZE is always enough; written on success only
 * @param[out] zone  NULL, or the zone the locality named
 * @return DC_OK, DC_E_OLC_NOT_SHORT (the first word is not a short Plus
 *         Code), DC_E_NOT_FOUND (no zone matches the locality),
 *         DC_E_BUFFER, DC_E_INVALID_ARG
 */
dc_err dc_geo_resolve_short(dc_geo_session *s, const char *text, size_t len, char *out,
                            size_t size, dc_zone *zone);

/**
 * The zone of a postcode, with its polygon and household count.
 * @param[out] out  written on success only; strings and polygon valid
 *                  until the session ends
 * @return DC_OK, DC_E_NOT_FOUND (no such postcode), DC_E_INVALID_ARG
 *         (NULL, postcode over 99999), DC_E_INDEX_CORRUPT
 */
dc_err dc_geo_zone(dc_geo_session *s, uint32_t postcode, dc_zone *out);

/**
 * A zone's name as people say it, kind first: "phường Nam Thanh" (the
 * name alone when the kind is empty; the kind once when the name starts
 * with it: "Xã Phước Châu" of kind "xã" gives "xã Phước Châu"). Like snprintf: writes at
 * most
 * @p size bytes, NUL included (nothing when @p size is 0), and returns the
 * length the whole text has, so a return >= @p size means it was cut
 * (on a character boundary: the text stays valid UTF-8).
 * Pure; thread-safe.
 */
size_t dc_geo_zone_name(const dc_zone *zone, char *out, size_t size);

/**
 * A household's address in the Vietnamese order, door to province, the
 * parts that are empty left out: "số 1138, 7/5, Tổ dân phố 7, phường Nam
 * Thanh, Thành phố Điện Biên Phủ, Điện Biên" (house number, street, group,
 * then the zone's kind and name, district and province).
 * @param[in] zone  the household's zone (dc_geo_zone of h->postcode), or
 *                  NULL to stop at the group
 * @return as dc_geo_zone_name: the full length; cut when >= @p size.
 *         Pure; thread-safe.
 */
size_t dc_geo_address(const dc_household *h, const dc_zone *zone, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_GEOCODER_H */
