/*
 * diachi/import.h - build an index from map layers (GDAL/OGR, PROJ).
 *
 * dc_import_run reads postal zones and household points from any datasets
 * OGR opens, reprojects them to WGS 84, validates them, computes each
 * household's code and writes a new index atomically. Features that
 * cannot be imported are rejected one by one, each with a report row; the
 * run goes on unless the rejections pass the configured limit.
 *
 * Not thread-safe: one import at a time per process (GDAL's global state).
 */
#ifndef DIACHI_IMPORT_H
#define DIACHI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"
#include "diachi/index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stable report codes; the report's `code` column and the summary use them. */
typedef enum dc_reject {
    /* zones */
    DC_REJECT_ZONE_NO_POSTCODE = 0, /**< null or empty postcode */
    DC_REJECT_ZONE_BAD_POSTCODE,    /**< not 5 digits */
    DC_REJECT_ZONE_NULL_GEOMETRY,
    DC_REJECT_ZONE_NOT_POLYGON,
    DC_REJECT_ZONE_INVALID,           /**< invalid and not repairable */
    DC_REJECT_ZONE_POSTCODE_CONFLICT, /**< one postcode, different zones */
    DC_REJECT_ZONE_TOO_LARGE,         /**< beyond 0.4 degrees of its reference */
    /* households */
    DC_REJECT_NULL_GEOMETRY,
    DC_REJECT_NOT_POINT,
    DC_REJECT_EMPTY_ID,
    DC_REJECT_DUPLICATE_ID, /**< an earlier household has the id: the first
                                 one read is kept, each later one rejected */
    DC_REJECT_OUTSIDE_ZONES,
    DC_REJECT_BAD_POSITION,   /**< coordinates outside the globe */
    DC_REJECT_FIELD_TOO_LONG, /**< id or house number over 255 bytes */
    DC_REJECT_COUNT
} dc_reject;

/* Warnings: reported, the feature is imported. */
typedef enum dc_warning {
    DC_WARN_ZONE_REPAIRED = 0, /**< made valid (self-intersection, ...) */
    DC_WARN_ZONE_MERGED,       /**< parts with one postcode and name merged */
    DC_WARN_ZONE_OVERLAP,      /**< two zones overlap: the area is reported */
    DC_WARN_CODE_MISMATCH,     /**< the given door-plate code differs */
    DC_WARN_BAD_CODE,          /**< the given door-plate code does not parse */
    DC_WARN_LAYER_SKIPPED,     /**< not a layer of the kind read (no geometry,
                                    lines, polygons given as households):
                                    skipped, one row per layer */
    DC_WARN_LAYER_EMPTY,       /**< a layer read with no usable feature */
    DC_WARN_ENCODING_MISMATCH, /**< --encoding contradicts a layer's .cpg, or
                                    gives invalid text: one row per layer */
    /* editions and history (a row names the --history file and its line,
     * or the zone) */
    DC_WARN_EDITION_GAP,         /**< no edition is valid between two editions */
    DC_WARN_HISTORY_ROW,         /**< a history line that does not read: skipped */
    DC_WARN_HISTORY_UNKNOWN,     /**< a history postcode in no edition: skipped */
    DC_WARN_HISTORY_CONTRADICTED, /**< the geometry says otherwise: no household
                                      of the old zone lies in the new one, or
                                      `unchanged` between two postcodes */
    DC_WARN_HISTORY_MISSING,     /**< households went from one zone to another
                                      that no history row names */
    DC_WARN_POSTCODE_REUSED,     /**< one postcode names places that do not
                                      meet in two editions (no index written) */
    DC_WARN_ZONE_NO_OLD_HOUSEHOLDS, /**< a current zone holds no household of
                                         the edition before */
    DC_WARN_COUNT
} dc_warning;

/** Stable lower-case names ("duplicate_id", "code_mismatch"). */
const char *dc_reject_name(dc_reject r);
const char *dc_warning_name(dc_warning w);

/** An edition of the zone map (diachi-import --zones ... --valid-from D). */
typedef struct dc_import_edition {
    const char *const *zone_paths;
    size_t nzone_paths;
    const char *valid_from, *valid_until; /**< "YYYY-MM-DD", or NULL: open */
} dc_import_edition;

typedef struct dc_import_config {
    const char *const *zone_paths;
    size_t nzone_paths;
    const char *const *household_paths;
    size_t nhousehold_paths;
    /** "role=FIELD" mappings; roles: postcode name kind commune_code
     *  district province / id house_number street group code */
    const char *const *zone_fields;
    size_t nzone_fields;
    const char *const *household_fields;
    size_t nhousehold_fields;
    const char *zones_srs, *households_srs; /**< CRS overrides or NULL */
    const char *encoding;                   /**< or NULL: .cpg, else UTF-8 */
    const char *output;                     /**< the index path */
    const char *report;                     /**< report CSV path or NULL */
    int64_t max_errors;                     /**< rejections allowed; < 0: any */
    bool strict;                            /**< any report row fails the run */
    /** write an index with no household, or with fewer than half the
     *  households of the index at @p output (refused otherwise) */
    bool allow_shrink;
    /** bytes for ordering the households (0: the writer's default, 1 GiB);
     *  beyond it they are sorted in runs spilled beside @p output */
    size_t memory;
    /** reproject every point with PROJ, as before our own arithmetic for
     *  VN-2000 / TM-3 and WGS 84 took over (an older index, byte for byte) */
    bool exact_proj;
    dc_progress_fn progress;                /**< NULL or per-phase progress */
    void *progress_ctx;
    /** 0: one undated edition, the zones of @p zone_paths. Otherwise the
     *  editions in date order, the last the current one: its zone_paths
     *  must be @p zone_paths; the households' codes are its zones'. */
    const dc_import_edition *editions;
    size_t neditions;
    /** a history table (CSV: old_postcode,new_postcode,kind,effective_date)
     *  checked against the editions' geometry, or NULL */
    const char *history;
} dc_import_config;

typedef struct dc_import_summary {
    uint64_t zone_features, zones;
    uint64_t households_read, households;
    uint64_t rejected, warnings;
    uint64_t rejected_by[DC_REJECT_COUNT];
    uint64_t warned_by[DC_WARN_COUNT];
    uint64_t shared_doors; /**< households sharing their code with another */
    uint64_t codes;
    uint64_t index_bytes;
    uint32_t sort_runs;  /**< households sorted in runs beside the index; 0: in memory */
    uint64_t sort_bytes; /**< what those runs wrote */
    double seconds;
    double zone_seconds, household_seconds, index_seconds; /**< per phase */
    char fingerprint_hex[DC_FINGERPRINT_HEX_SIZE];
} dc_import_summary;

/**
 * Run an import. The summary is filled as far as the run got, also on
 * failure (so a caller can print what was rejected).
 * @return DC_OK; DC_E_INVALID_ARG (a bad option, an unknown role, a layer
 *         that cannot be read: the message says which); DC_E_IO (a path,
 *         the report or the index); DC_E_INDEX_CORRUPT is never returned;
 *         DC_E_REJECTED when --strict or --max-errors stopped the run (no
 *         index is written then)
 */
dc_err dc_import_run(const dc_import_config *cfg, dc_import_summary *summary,
                     dc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_IMPORT_H */
