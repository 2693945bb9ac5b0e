/*
 * diachi/index.h - the LMDB index: one read-only file holding the postal
 * zones, the households, and the lookup tables over them.
 *
 * The importer fills dc_index_build_input and calls dc_index_build, which
 * writes a new file beside the target and renames it over the target only
 * once it is complete and synced. The geocoder opens the file with
 * dc_index_open and reads it in transactions (dc_index_txn).
 *
 * Coordinates are WGS 84 degrees times 1e7 as int32 ("e7"), latitude first.
 * The on-disk layout of every record is documented in docs/FORMAT.md.
 *
 * Threads: a dc_index handle is shared by every thread; a dc_index_txn
 * belongs to one thread at a time. Results that point into the index
 * (dc_str, dc_polygon) stay valid until their transaction ends.
 */
#ifndef DIACHI_INDEX_H
#define DIACHI_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/code.h"
#include "diachi/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the file layout this library reads and writes. */
#define DC_INDEX_FORMAT_VERSION 10
/** Version of the address-code scheme (docs/FORMAT.md section 1). */
#define DC_CODE_SCHEME_VERSION 1
/** Bytes in a content fingerprint (SHA-256). */
#define DC_FINGERPRINT_SIZE 32
/** Hex form of a fingerprint, NUL included. */
#define DC_FINGERPRINT_HEX_SIZE 65

/* ---------------------------------------------------------------------- */
/* Polygons                                                                */
/* ---------------------------------------------------------------------- */

/** Ring header flag: the ring is a hole of the exterior ring before it. */
#define DC_RING_HOLE 0x80000000u

/**
 * A zone's polygon as stored: little-endian bytes,
 *   u32 nrings, then per ring: u32 (npoints | DC_RING_HOLE if a hole),
 *   then npoints x (i32 lat_e7, i32 lon_e7), the closing point not repeated.
 * Exterior rings start the parts of a multipolygon; each hole follows its
 * exterior. The same bytes serve in memory (importer) and in the file.
 */
typedef struct dc_polygon {
    const uint8_t *data;
    size_t size;
} dc_polygon;

/**
 * Check that @p p is well formed: sizes add up, every ring has at least 3
 * points, the first ring is an exterior, and every vertex lies on the globe
 * (latitude -90..90, longitude -180..180 degrees, in e7).
 * @param[in] p  the polygon; NULL, or NULL data, is malformed
 * @return DC_OK, DC_E_INDEX_CORRUPT (the first rule broken). Reads only
 *         @p p's bytes; pure, thread-safe.
 */
dc_err dc_polygon_validate(const dc_polygon *p);

/**
 * True when the point lies in the polygon, by the even-odd rule over all
 * rings, in exact integer arithmetic. The rule for a point exactly on an
 * edge is fixed and documented: it belongs to the polygon on its east side
 * (on an east-west edge, on its north side), so a point on the boundary
 * between two zones that tile the plane lies in exactly one of them.
 * @p p must be valid (dc_polygon_validate) and span under 1 degree; a
 * polygon whose sizes do not add up (or NULL) contains no point. Any
 * @p lat_e7 and @p lon_e7 may be asked about: a point off the globe lies
 * in no valid polygon. Pure; thread-safe.
 */
bool dc_polygon_contains(const dc_polygon *p, int32_t lat_e7, int32_t lon_e7);

/** One ring of a polygon, pointing into the polygon's bytes. */
typedef struct dc_ring {
    const uint8_t *points; /**< npoints x (i32 lat_e7, i32 lon_e7), LE */
    uint32_t npoints;
    bool hole;
} dc_ring;

/**
 * Step through the rings of a valid polygon, in order: start with
 * *offset = 0; each call fills @p ring and advances *offset; returns false
 * after the last ring (@p ring untouched).
 * @param[in]     p       valid (dc_polygon_validate): nothing is checked
 * @param[in,out] offset  0, or what the previous call left
 * @param[out]    ring    points into @p p's bytes: valid as long as they
 *                        are (a zone's polygon: until its transaction ends)
 * Pure; thread-safe.
 */
bool dc_polygon_next_ring(const dc_polygon *p, size_t *offset, dc_ring *ring);

/**
 * Vertex @p i of a ring, in e7 (within -900000000..900000000 and
 * -1800000000..1800000000 for a ring of a valid polygon).
 * @param[in] i  0..ring->npoints - 1; not checked: a larger @p i reads past
 *               the ring
 * Pure; thread-safe.
 */
void dc_ring_vertex(const dc_ring *ring, uint32_t i, int32_t *lat_e7, int32_t *lon_e7);

/**
 * Bounding box of a valid polygon, in e7: the least and greatest latitude
 * and longitude of its vertices. Every output must be non-NULL; @p p is
 * not checked. Pure; thread-safe.
 */
void dc_polygon_bbox(const dc_polygon *p, int32_t *south, int32_t *west, int32_t *north,
                     int32_t *east);

/* ---------------------------------------------------------------------- */
/* Building an index                                                       */
/* ---------------------------------------------------------------------- */

/** A zone to write. Strings are UTF-8 NFC; NULL means empty. */
typedef struct dc_zone_input {
    uint32_t postcode; /**< 0..99999, unique */
    const char *name, *kind, *commune_code, *district, *province;
    int32_t ref_lat_e7, ref_lon_e7; /**< recovery reference point */
    dc_polygon polygon;             /**< valid, spans under 1 degree */
} dc_zone_input;

/** A household to write. Strings are UTF-8 NFC; NULL means empty. */
typedef struct dc_household_input {
    int32_t lat_e7, lon_e7;
    uint32_t postcode; /**< the zone it lies in (must be among the zones) */
    const char *id;    /**< non-empty, unique */
    const char *house_number, *street, *group;
} dc_household_input;

/** A source file, recorded in the metadata as its fingerprint. */
typedef struct dc_source_info {
    const char *path;
    uint64_t size;
    int64_t mtime; /**< seconds since the epoch */
} dc_source_info;

typedef void (*dc_progress_fn)(void *ctx, const char *phase, uint64_t done,
                               uint64_t total);

/* The editions and history of the zones (diachi/history.h). */
struct dc_history_build;

typedef struct dc_index_build_input {
    const dc_zone_input *zones;
    size_t nzones;
    dc_household_input *households; /**< sorted in place by the build */
    size_t nhouseholds;
    const dc_source_info *sources;
    size_t nsources;
    int64_t build_time;      /**< seconds since the epoch, recorded as is */
    /** NULL: one undated edition of the zones; else the editions, the
     *  earlier editions' zones and the history table (diachi/history.h) */
    const struct dc_history_build *history;
    dc_progress_fn progress; /**< NULL, or called now and then per phase */
    void *progress_ctx;
} dc_index_build_input;

typedef struct dc_index_build_stats {
    uint64_t zones, households;
    uint64_t codes;        /**< distinct codes */
    uint64_t shared_doors; /**< households whose code another one shares */
    uint64_t file_bytes;   /**< size of the finished file */
    uint32_t sort_runs;    /**< runs sorted and written beside it; 0: in memory */
    uint64_t sort_bytes;   /**< bytes those runs took to write */
    uint8_t fingerprint[DC_FINGERPRINT_SIZE];
} dc_index_build_stats;

/**
 * Write a new index to @p path: into a temporary file beside it
 * (PATH.tmp.<pid>), synced, sealed, then renamed over @p path. On any
 * failure the temporary file is removed and whatever was at @p path is
 * untouched. Temporary files of builds whose process is gone are removed.
 *
 * The content fingerprint is a SHA-256 over every record in key order
 * (metadata excluded), so the same zones and households give the same
 * fingerprint whatever the build time or input order; the same input and
 * build time give the same file, byte for byte.
 *
 * Threads: the build runs on the calling thread, with one more thread
 * that hashes the records; @p in->progress is called on the calling
 * thread. Builds of different paths may run at once; nothing may read or
 * change @p in while its build runs. The build keeps no pointer into
 * @p in once it returns.
 *
 * @param[in] path      the index file to write; its directory must exist
 * @param[in] in        the zones, households and sources (limits below);
 *                      not changed. The households are ordered within
 *                      DC_INDEX_WRITER_MEMORY (dc_index_writer below)
 * @param[out] stats    NULL, or filled on DC_OK only
 * @param[out] err      NULL, or the detail on failure
 * @return DC_OK;
 *         DC_E_INVALID_ARG: NULL @p path or @p in, a NULL array with a
 *         non-zero count, over 4294967295 households or 100000 zones; or
 *         input beyond docs/FORMAT.md's limits (the message names the zone
 *         or household): a postcode over 99999 or listed twice, an invalid
 *         polygon or one spanning 1 degree or more, a reference point off
 *         the globe or over 0.4 degrees from a vertex, a zone string over
 *         65535 bytes; an empty, duplicate or over-long (255 bytes) id, a
 *         house number over 255 bytes, a household whose postcode is not
 *         among the zones or that its zone's polygon does not contain;
 *         DC_E_IO: the file system (no space, no directory, a failed sync
 *         or rename: the message names the path and the system's reason);
 *         DC_E_NOMEM
 */
dc_err dc_index_build(const char *path, dc_index_build_input *in,
                      dc_index_build_stats *stats, dc_error *err);

/*
 * The same build, fed one household at a time, within a memory budget:
 * what does not fit is sorted in runs written beside @p path (in a file
 * unlinked from the start) and merged. dc_index_build is this with every
 * household of its array. The file written is the same, byte for byte.
 *
 *   dc_index_writer_open    zones, sources, build time, progress (@p in's
 *                           households are not read) and the budget
 *   dc_index_writer_add     each household, validated as dc_index_build does
 *   dc_index_writer_close_input
 *                           the end of the households: duplicates of an id
 *                           are found, the first added kept
 *   dc_index_writer_finish  the file written, synced, sealed and renamed
 *   dc_index_writer_free    always; removes the temporary file of a build
 *                           that did not finish
 *
 * Errors are those of dc_index_build, in @p err as given to open (which
 * must outlive the writer). After an error only dc_index_writer_free may
 * be called.
 */
typedef struct dc_index_writer dc_index_writer;

/** A household dropped because one added before it has its id: the id, and
 *  the tags the caller gave both. */
typedef void (*dc_duplicate_fn)(void *ctx, const char *id, uint64_t kept_tag,
                                uint64_t dropped_tag);

/** The budget when none is given: 512 MiB. A national map of 27 M
 *  households sorts as fast in it as in 1 GiB (its runs are merged on the
 *  way out either way), and with 3,300 detailed zones beside it the whole
 *  import stays within 1.5 GB (docs/PERFORMANCE.md). */
#define DC_INDEX_WRITER_MEMORY ((size_t)512 << 20)

/**
 * @param memory  bytes for ordering the households (0: DC_INDEX_WRITER_MEMORY;
 *                at least 8 MiB is used). It bounds the records held for
 *                sorting and merging; the zones, the distinct streets and
 *                groups and about 2 bits a household come on top.
 * @return DC_OK, DC_E_INVALID_ARG (as dc_index_build for the zones),
 *         DC_E_NOMEM
 */
dc_err dc_index_writer_open(const char *path, const dc_index_build_input *in,
                            size_t memory, dc_index_writer **out, dc_error *err);
/** Whether zone @p postcode (among the writer's zones) holds the point: 1
 *  or 0, exactly as the polygon test (dc_polygon_contains) answers, but
 *  from the zone grid's sub-grid: the edges of the point's sub-cell only,
 *  the whole polygon only for a point on an edge or a few like it.
 *  Thread-safe. */
int dc_index_writer_holds(const dc_index_writer *w, uint32_t postcode, int32_t lat_e7,
                          int32_t lon_e7);
/** @p tag is the caller's, handed back for duplicates. */
dc_err dc_index_writer_add(dc_index_writer *w, const dc_household_input *h, uint64_t tag);
/** @p dup NULL: a duplicate id is DC_E_INVALID_ARG, as in dc_index_build.
 *  Otherwise it is called once per household dropped, in the order they
 *  were added. @p kept: NULL, or the households that will be written. */
dc_err dc_index_writer_close_input(dc_index_writer *w, dc_duplicate_fn dup, void *ctx,
                                   uint64_t *kept);
dc_err dc_index_writer_finish(dc_index_writer *w, dc_index_build_stats *stats);
void dc_index_writer_free(dc_index_writer *w);

/* ---------------------------------------------------------------------- */
/* Reading an index                                                        */
/* ---------------------------------------------------------------------- */

typedef struct dc_index dc_index;
typedef struct dc_index_txn dc_index_txn;

/** Metadata, read once at open. Strings owned by the handle. */
typedef struct dc_index_meta {
    uint32_t format_version, code_scheme;
    int64_t build_time;
    uint64_t zones, households, codes;
    int32_t south_e7, west_e7, north_e7, east_e7; /**< households' bbox */
    uint8_t fingerprint[DC_FINGERPRINT_SIZE];
    char fingerprint_hex[DC_FINGERPRINT_HEX_SIZE];
    const char *sources; /**< lines "size<TAB>mtime<TAB>path" */
    uint64_t file_bytes;
} dc_index_meta;

/**
 * Open an index file read-only. The seal is verified first with plain
 * reads of the whole file (about a millisecond for the 2 MB sample, a
 * third of a second for the national index from the page cache); then the
 * file is mapped, and the zones, strings and page segments are read once.
 * A file replaced on disk afterwards is not seen: open it again.
 *
 * Threads: one handle serves every thread (each with its transactions);
 * opening the same file twice gives two independent handles.
 *
 * @param[in]  path  the index file
 * @param[out] out   the handle, on DC_OK only; free it with dc_index_close
 * @param[out] err   NULL, or the detail on failure
 * @return DC_OK; DC_E_INVALID_ARG (NULL @p path or @p out); DC_E_IO
 *         (missing, unreadable, not a regular file: the message names the
 *         path); DC_E_INDEX_FORMAT (not an LMDB file, not a diachi index,
 *         or a format or code-scheme version this library does not know:
 *         the message says which); DC_E_INDEX_CORRUPT (no seal or a seal
 *         that does not match: cut short, damaged, or written before format
 *         4; or string ids, segments or fences out of order);
 *         DC_E_NOMEM
 */
dc_err dc_index_open(const char *path, dc_index **out, dc_error *err);

/**
 * Close a handle and free it: every pointer it or its transactions gave out
 * becomes invalid. Every transaction must have ended, and no other thread
 * may be using the handle. NULL is a no-op.
 */
void dc_index_close(dc_index *idx);

/**
 * The metadata, read at open: valid, with its strings, until dc_index_close.
 * Never NULL for an open handle; NULL for NULL. Thread-safe: it never
 * changes.
 */
const dc_index_meta *dc_index_info(const dc_index *idx);

/**
 * Start a read transaction. Cheap: an ended transaction is kept by the
 * handle and renewed, so once a thread has begun and ended one, beginning
 * another allocates nothing and makes no system call.
 *
 * Threads: any thread may begin transactions on a shared handle at once; a
 * transaction is used by one thread at a time, and may be ended by another
 * thread than the one that began it.
 *
 * @param[in]  idx  an open handle
 * @param[out] out  the transaction, on DC_OK only; end it with
 *                  dc_index_txn_end before dc_index_close
 * @return DC_OK, DC_E_INVALID_ARG (NULL @p idx or @p out), DC_E_NOMEM,
 *         DC_E_IO (LMDB could not begin or renew it)
 */
dc_err dc_index_txn_begin(dc_index *idx, dc_index_txn **out);
/** End a transaction: every pointer it gave out (dc_str, dc_polygon,
 *  dc_household_ref) becomes invalid, and @p txn may not be used again.
 *  NULL is a no-op. */
void dc_index_txn_end(dc_index_txn *txn);

/** A string inside the index: not NUL-terminated. */
typedef struct dc_str {
    const char *ptr;
    size_t len;
} dc_str;

typedef struct dc_zone {
    uint32_t postcode;
    uint32_t household_count;
    int32_t ref_lat_e7, ref_lon_e7;
    int32_t south_e7, west_e7, north_e7, east_e7;
    dc_str name, kind, commune_code, district, province;
    dc_polygon polygon;
} dc_zone;

typedef struct dc_household {
    uint32_t number; /**< position in the index's household order */
    int32_t lat_e7, lon_e7;
    uint32_t postcode;
    dc_code code; /**< computed from postcode and position */
    dc_str id, house_number, street, group;
} dc_household;

/**
 * The zone of a postcode, from the zones read at open: no search.
 * @param[in]  txn       a transaction, used by this thread only
 * @param[in]  postcode  any value; over 99999 is DC_E_NOT_FOUND
 * @param[out] out       on DC_OK only; its strings and polygon point into
 *                       the index and are valid until @p txn ends
 * @return DC_OK, DC_E_NOT_FOUND (no zone has the postcode),
 *         DC_E_INVALID_ARG (NULL @p txn or @p out), DC_E_INDEX_CORRUPT (the
 *         zone's record does not decode)
 */
dc_err dc_index_zone(dc_index_txn *txn, uint32_t postcode, dc_zone *out);

/**
 * The zone that contains a point (dc_polygon_contains; where zones
 * overlap, the lowest postcode), from the zone grid read at open.
 * @param[in]  txn     a transaction, used by this thread only
 * @param[in]  lat_e7, lon_e7  any values; a point outside latitude
 *             [-90, 90) or longitude [-180, 180) degrees lies in no zone
 * @param[out] out     on DC_OK only; valid until @p txn ends
 * @return DC_OK, DC_E_NOT_FOUND (in no zone), DC_E_INVALID_ARG (NULL
 *         @p txn or @p out), DC_E_INDEX_CORRUPT (the grid names a zone
 *         that is not there or does not decode)
 */
dc_err dc_index_zone_at(dc_index_txn *txn, int32_t lat_e7, int32_t lon_e7, dc_zone *out);

/**
 * Household by number: the one lookup that is not a single search (the
 * index keys households by place; it keeps every 64th number's key and
 * steps forward from it), meant for listing and tests rather than serving.
 * @param[in]  txn     a transaction, used by this thread only
 * @param[in]  number  0..households - 1 (dc_index_info); larger is
 *                     DC_E_NOT_FOUND
 * @param[out] out     on DC_OK only; its strings are valid until @p txn
 *                     ends
 * @return DC_OK, DC_E_NOT_FOUND, DC_E_INVALID_ARG (NULL @p txn or @p out),
 *         DC_E_INDEX_CORRUPT (the numbers do not lead to the household),
 *         DC_E_IO (LMDB failed)
 */
dc_err dc_index_household(dc_index_txn *txn, uint32_t number, dc_household *out);

/**
 * Household by its id (the importer's, as given to dc_index_build): a search
 * of the group of ids that would hold it (docs/FORMAT.md, `ids`), then of
 * the household pages. The first lookup by id in a transaction opens an
 * LMDB cursor that later ones in it, and after it, reuse.
 * @param[in]  txn  a transaction, used by this thread only
 * @param[in]  id   @p len bytes, need not be NUL-terminated; compared
 *                  byte for byte. An empty id or one over 255 bytes names
 *                  no household (DC_E_NOT_FOUND)
 * @param[out] out  on DC_OK only; its strings are valid until @p txn ends
 * @return DC_OK, DC_E_NOT_FOUND, DC_E_INVALID_ARG (NULL @p txn, @p id or
 *         @p out), DC_E_INDEX_CORRUPT (the group searched does not decode, or
 *         the id's key names no household), DC_E_NOMEM, DC_E_IO (LMDB failed)
 */
dc_err dc_index_household_by_id(dc_index_txn *txn, const char *id, size_t len,
                                dc_household *out);

/**
 * The households registered at a code: numbers first..first+count-1, in one
 * search (more only for a door of 255 households or more).
 * @param[in]  txn    a transaction, used by this thread only
 * @param[in]  code   as dc_code_parse gives it
 * @param[out] first, count  on DC_OK only
 * @return DC_OK, DC_E_NOT_FOUND (no household has this code, or no zone
 *         its postcode), DC_E_INVALID_ARG (a NULL argument, or a location
 *         character outside the code alphabet), DC_E_INDEX_CORRUPT
 */
dc_err dc_index_code_households(dc_index_txn *txn, const dc_code *code, uint32_t *first,
                                uint32_t *count);

/**
 * The households registered at a code, read in one search: the
 * first @p cap of them, in index order, into @p out, and how many there
 * are in all into @p count. Allocates nothing.
 * @param[in]  txn    a transaction, used by this thread only
 * @param[in]  code   as dc_code_parse gives it
 * @param[out] out    @p cap slots (NULL when @p cap is 0: count only); the
 *                    households' strings are valid until @p txn ends
 * @param[out] count  all the households at the code, on DC_OK only (may
 *                    exceed @p cap)
 * @return DC_OK, DC_E_NOT_FOUND (none: @p out and @p count untouched),
 *         DC_E_INVALID_ARG (NULL @p txn, @p code or @p count, NULL @p out
 *         with a non-zero @p cap, a location character outside the code
 *         alphabet), DC_E_INDEX_CORRUPT (@p out may then be partly
 *         written, @p count is untouched)
 */
dc_err dc_index_code_read(dc_index_txn *txn, const dc_code *code, dc_household *out,
                          size_t cap, uint32_t *count);

/**
 * dc_index_code_read, and from the same recovery the code's cell (as
 * dc_code_resolve gives it against the zone's reference point) and its
 * full Plus Code (as dc_code_plus_code gives it): a forward lookup's whole
 * read of the index, with one recovery instead of three.
 * @param[out] area       the cell, in degrees
 * @param[out] plus_code  the Plus Code, NUL-terminated ("7PH592P9+F5C")
 *             Both are set on DC_OK and on DC_E_NOT_FOUND when the code
 *             names a place in a known zone with no household.
 * @return as dc_index_code_read, and DC_E_INVALID_ARG for a NULL @p area
 *         or @p plus_code; DC_E_NOT_FOUND with @p area untouched
 *         when no zone has the code's postcode or the place is off the
 *         globe (tell the cases apart by the zone, as the engine does)
 */
dc_err dc_index_code_lookup(dc_index_txn *txn, const dc_code *code, dc_olc_area *area,
                            char plus_code[DC_CODE_PLUS_SIZE], dc_household *out,
                            size_t cap, uint32_t *count);

/**
 * Where @p code stands in the order the index stores households in (its
 * place: cell, then code). Codes looked up in ascending order of it read
 * the index front to back, each near the one before. Needs no transaction:
 * it reads only the zones held since open, so any thread may call it at
 * any time while @p idx is open.
 * @param[out] order  on DC_OK only
 * @return DC_OK; DC_E_NOT_FOUND when no zone has the code's postcode or
 *         its place is off the globe (its lookup reads no household);
 *         DC_E_INVALID_ARG (a NULL argument, a location character outside
 *         the code alphabet); DC_E_INDEX_CORRUPT (the zone does not decode)
 */
dc_err dc_index_code_order(const dc_index *idx, const dc_code *code, uint64_t *order);

/** How many lookups ahead dc_index_order_prefetch wants to be called. */
#define DC_INDEX_PREFETCH_AHEAD 24

/**
 * Start fetching, without waiting, the memory the lookup of a code of
 * @p order (dc_index_code_order) will read: its household page's head,
 * then the few entries that leaves, then the household's value, each a
 * stage further as later codes are asked for. A caller with many codes
 * calls it for each, in the order it will look them up, about
 * DC_INDEX_PREFETCH_AHEAD lookups ahead of the lookup: the fetches of
 * that many codes then overlap instead of following one another. Asking
 * in another order, or nearer, costs a little and gains less.
 * A hint only: it never fails and changes no result, whatever @p order is.
 * The requests are kept in @p txn (used by this thread only) and forgotten
 * when it ends. NULL @p txn is a no-op.
 */
void dc_index_order_prefetch(dc_index_txn *txn, uint64_t order);

/** Where a household's record lies in the map, as a positions walk met it;
 *  valid until its transaction ends. Read it with dc_index_household_read. */
typedef struct dc_household_ref {
    const void *key, *val;
    size_t key_size, val_size;
    uint32_t number; /**< the household's number, which its page holds */
} dc_household_ref;

/** A household's position and postcode, without its strings. */
typedef struct dc_household_pos {
    uint32_t number;
    int32_t lat_e7, lon_e7;
    uint32_t postcode;
    dc_household_ref ref; /**< the whole record, for dc_index_household_read */
} dc_household_pos;

/** Called for each household of a run; return non-zero to stop early. */
typedef int (*dc_position_fn)(void *ctx, const dc_household_pos *pos);

/**
 * The positions of households first..first+count-1 (a cell's or a code's
 * run), in one cursor pass that reads no strings. Finding @p first costs
 * what dc_index_household does: a spatial search uses
 * dc_index_box_positions. Allocates nothing.
 * @param[in] txn  a transaction, used by this thread only
 * @param[in] fn   called on this thread for each household in number
 *                 order until it returns non-zero (then DC_OK); its
 *                 @p pos is valid during the call, pos->ref until @p txn
 *                 ends. @p fn may call dc_index_household_read on @p txn,
 *                 and no other lookup on it (they move the walk's cursor)
 * @return DC_OK (also for @p count 0, with no call), DC_E_NOT_FOUND
 *         (@p first is past the last household), DC_E_INDEX_CORRUPT (the
 *         run ends early), DC_E_INVALID_ARG (NULL @p txn or @p fn),
 *         DC_E_IO (LMDB failed)
 */
dc_err dc_index_household_positions(dc_index_txn *txn, uint32_t first, uint32_t count,
                                    dc_position_fn fn, void *ctx);

/**
 * The whole household a positions walk gave @p ref for: a decode, no
 * search.
 * @param[in]  txn  a transaction of the same handle, still open since the
 *                  walk (@p ref is invalid once the walk's ends)
 * @param[out] out  on DC_OK only; its strings are valid until @p txn ends
 * @return DC_OK, DC_E_INVALID_ARG (a NULL argument or a ref with a NULL
 *         key or value), DC_E_INDEX_CORRUPT (the record does not decode)
 */
dc_err dc_index_household_read(dc_index_txn *txn, const dc_household_ref *ref,
                               dc_household *out);

/* The spatial grid: cells of 1/400 degree (0.0025, about 280 m), aligned
 * with the Open Location Code's 8-digit cells. Households are numbered in
 * cell order, so a cell's households are a contiguous run, and so are the
 * households of adjacent cells of one row. */
#define DC_CELL_E7 25000
/**
 * Row (latitude) of the cell holding a point: (lat_e7 + 900000000) / 25000.
 * Any @p lat_e7: a latitude south of -90 degrees is row 0, north of 90 is
 * row 72000 (the row of 90 itself), so rows run 0..72000. Pure; thread-safe.
 */
uint32_t dc_cell_row(int32_t lat_e7);
/**
 * Column (longitude) of the cell holding a point: (lon_e7 + 1800000000) /
 * 25000. Any @p lon_e7: west of -180 degrees is column 0, 180 and east of
 * it column 143999, so columns run 0..143999. Pure; thread-safe.
 */
uint32_t dc_cell_col(int32_t lon_e7);
/**
 * The households in cell (row, col): numbers first..first+count-1.
 * @param[in] txn  a transaction, used by this thread only
 * @param[in] row, col  0..72000 and 0..143999, as dc_cell_row and
 *                 dc_cell_col give them; a column of 144000 or more is
 *                 not checked and names a cell of a later row
 * @param[out] first, count  on DC_OK only
 * @return DC_OK, DC_E_NOT_FOUND (empty cell), DC_E_INVALID_ARG (a NULL
 *         pointer), DC_E_INDEX_CORRUPT
 */
dc_err dc_index_cell_households(dc_index_txn *txn, uint32_t row, uint32_t col,
                                uint32_t *first, uint32_t *count);

/**
 * The positions of the households in cells (@p row, @p col_first) to
 * (@p row, @p col_last), in index order, from one search and a pass
 * over the records after it that reads no strings: every household of
 * the cells, however many. A search near a point reads fewer with
 * dc_index_box_positions.
 * @param[in] txn  a transaction, used by this thread only
 * @param[in] row  0..72000 (dc_cell_row)
 * @param[in] col_first, col_last  0 <= col_first <= col_last <= 143999
 *                 (dc_cell_col); a row does not wrap at the antimeridian
 * @param[in] fn   as for dc_index_household_positions
 * @return DC_OK (also for no household), DC_E_INVALID_ARG (NULL @p txn or
 *         @p fn, columns out of order or past 143999), DC_E_INDEX_CORRUPT
 */
dc_err dc_index_row_positions(dc_index_txn *txn, uint32_t row, uint32_t col_first,
                              uint32_t col_last, dc_position_fn fn, void *ctx);

/**
 * Whether a household of @p postcode can lie in the 1/400-degree cell
 * (@p row, @p col), from the zone grid and its sub-grid alone (memory, no
 * page read): false only when that zone's polygon holds no point of the
 * cell (the points whose dc_cell_row and dc_cell_col it is: no zone grid
 * cell there lists the zone, or the sub-grid marks the cell outside every
 * zone or wholly inside an earlier-listed zone that no border crosses),
 * so no household of @p postcode is there (a zone holds its doors); true
 * otherwise, and for a cell off the grid. A filter before a lookup, never
 * an answer. Thread-safe; allocates nothing.
 * @param[in] txn  a transaction, used by this thread only
 * @param[in] row, col  as dc_cell_row and dc_cell_col give them
 */
bool dc_index_cell_may_hold(dc_index_txn *txn, uint32_t postcode, uint32_t row,
                            uint32_t col);

/**
 * Whether a household has @p code in the 1/400-degree cell (@p row,
 * @p col): one search of the household pages for the code's key in that
 * cell, with no recovery of its place. Exact when the cell is the one
 * the code's recovery gives (it is for a registered code among the cells
 * whose first four location characters are the code's, which share them
 * modulo a degree): a caller that knows the candidate cells of a code
 * skips the recovery that dc_index_code_read does.
 * @param[in] txn  a transaction, used by this thread only
 * @param[in] row, col  as dc_cell_row and dc_cell_col give them
 * @param[in] code  a code of valid characters
 * @return DC_OK (a household there), DC_E_NOT_FOUND (none),
 *         DC_E_INVALID_ARG (a NULL pointer, a cell off the grid, a
 *         postcode over 99999 or a character outside the code alphabet),
 *         DC_E_INDEX_CORRUPT
 */
dc_err dc_index_cell_code_find(dc_index_txn *txn, uint32_t row, uint32_t col,
                               const dc_code *code);

/** Codes of one cell and postcode: 20^3 ends (last three characters). */
#define DC_CELL_CODES 8000
#define DC_CELL_CODE_SET_BYTES (DC_CELL_CODES / 8)

/**
 * The registered codes that share @p code's postcode and its first four
 * location characters (so its 1/400-degree cell), as a set of their last
 * three characters: bit (v / 8, v % 8) of @p set is that of the ends whose
 * value in base 20 (alphabet order, as the household key holds it) is v.
 * One search and a pass over that run of keys, reading no strings: what a
 * search for the codes one slip from @p code in those characters needs.
 * @param[in]  txn   a transaction, used by this thread only
 * @param[in]  code  a code; its last three characters are not used
 * @param[out] set   DC_CELL_CODE_SET_BYTES bytes, on DC_OK only
 * @return DC_OK (also for no code), DC_E_NOT_FOUND (no zone has the
 *         postcode, or the place is off the globe), DC_E_INVALID_ARG (a
 *         NULL argument, a character outside the code alphabet),
 *         DC_E_INDEX_CORRUPT
 */
dc_err dc_index_cell_codes(dc_index_txn *txn, const dc_code *code,
                           uint8_t set[DC_CELL_CODE_SET_BYTES]);

/**
 * The positions of the households whose position lies in a box: @p south
 * <= lat_e7 <= @p north and @p west <= lon_e7 <= @p east, bounds
 * included; those and no others, in index order (row of cells by row,
 * south to north; within a row, by key). Reads no strings. Inside each
 * cell it decodes only the runs of keys whose code (sub-row and
 * sub-column of 1/8000 degree) can lie in the box and searches past the
 * others, so its cost follows the households in and near the box, not
 * those of the cells it touches: what a nearest-household search needs
 * before it reads the few it keeps (dc_index_household_read).
 * Allocates nothing.
 * @param[in] txn  a transaction, used by this thread only
 * @param[in] south, west, north, east  e7; any values with south <=
 *                 north and west <= east; the box does not wrap at the
 *                 antimeridian
 * @param[in] fn   as for dc_index_household_positions, but called in
 *                 index order; a non-zero return ends the walk with DC_OK
 * @return DC_OK (also for no household), DC_E_INVALID_ARG (NULL @p txn or
 *         @p fn, @p south > @p north or @p west > @p east),
 *         DC_E_INDEX_CORRUPT
 */
dc_err dc_index_box_positions(dc_index_txn *txn, int32_t south, int32_t west,
                              int32_t north, int32_t east, dc_position_fn fn, void *ctx);

/** What dc_index_check walked. */
typedef struct dc_index_check_stats {
    uint64_t zones, households, codes, cells, strings;
} dc_index_check_stats;

/**
 * Walk every record and verify the index is self-consistent: metadata
 * counts, every zone polygon valid and its reference point within
 * recovery range, every household decoding (postcode + position -> code ->
 * cell) to the place its key names and lying in its zone, households in
 * key order with numbers 0, 1, 2, ..., every id and number entry pointing
 * at exactly the household it should, every
 * string reference resolving, and the content fingerprint matching.
 * Stops at the first problem. The seal was verified at open.
 *
 * Reads every record, so it takes time in proportion to the file. It runs
 * in a transaction of its own: other threads may go on reading @p idx
 * meanwhile.
 *
 * @param[in]  idx    an open handle
 * @param[out] stats  NULL, or what was walked, on DC_OK only
 * @param[out] err    NULL, or the detail on failure
 * @return DC_OK, DC_E_INDEX_CORRUPT (message names the record and what
 *         is wrong), DC_E_INVALID_ARG (NULL @p idx), DC_E_IO (LMDB
 *         failed), DC_E_NOMEM
 */
dc_err dc_index_check(dc_index *idx, dc_index_check_stats *stats, dc_error *err);

/** Lower-case hex of a fingerprint into @p out: 64 digits and a NUL
 *  (DC_FINGERPRINT_HEX_SIZE bytes). Never fails; pure; thread-safe. */
void dc_fingerprint_hex(const uint8_t fp[DC_FINGERPRINT_SIZE],
                        char out[DC_FINGERPRINT_HEX_SIZE]);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_INDEX_H */
