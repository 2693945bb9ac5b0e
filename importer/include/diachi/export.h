/*
 * diachi/export.h - codes back to the map: an index's households and zones,
 * or a copy of the user's own layer with each feature's code added, written
 * to any vector format OGR writes (GPKG, ESRI Shapefile, GeoJSON,
 * FlatGeobuf, CSV), in WGS 84 or a CRS the user names.
 *
 * The codes, Plus Codes, zone names and addresses come from the engine
 * (diachi/geocoder.h), exactly as `diachi lookup` gives them.
 *
 * The output is written beside its final name (NAME.tmp.<pid>.EXT, or a
 * folder NAME.tmp.<pid>) and renamed once complete: no partial output ever
 * stands under the final name. A folder (a shapefile or CSV folder: one file
 * per layer) is renamed as a whole. A single shapefile (NAME.shp) is several
 * files: its .shx, .dbf, .prj and .cpg are renamed first and the .shp last,
 * so a reader that finds NAME.shp finds the rest beside it.
 *
 * Not thread-safe: one export at a time per process (GDAL's global state).
 */
#ifndef DIACHI_EXPORT_H
#define DIACHI_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "diachi/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Which layers an index export writes (a join writes its one layer). */
typedef enum dc_export_layers {
    DC_EXPORT_BOTH = 0,       /**< households and zones */
    DC_EXPORT_HOUSEHOLDS = 1, /**< households only */
    DC_EXPORT_ZONES = 2       /**< zones only */
} dc_export_layers;

typedef struct dc_export_options {
    const char *index;      /**< the index to read (required) */
    const char *output;     /**< the dataset to write (required) */
    const char *format;     /**< an OGR driver's short name: "GPKG" (required) */
    const char *t_srs;      /**< NULL: WGS 84 (EPSG:4326); else any CRS
                                 OSRSetFromUserInput reads ("EPSG:9205", a .prj) */
    const char *codes;      /**< NULL: every household; else a file of codes, one a
                                 line, each code's households written */
    const char *join;       /**< NULL: households and zones; else the user's
                                 layer, copied with a code column added */
    const char *join_layer; /**< NULL: the join source's first layer */
    const char *key;        /**< the join's household id field (NULL: HH_ID) */
    const char *code_field; /**< the join's code column (NULL: CODE); replaced
                                 when the layer already has it */
    const char *report;     /**< NULL, or a CSV report, one row per problem */
    /** NULL, or "NAME=VALUE" layer creation options of the driver, NULL
     *  ended (ogr2ogr's -lco: SPATIAL_INDEX=NO, ...); they win over ours */
    const char *const *layer_options;
    dc_export_layers layers;
    bool overwrite; /**< replace an existing output (never an input) */
} dc_export_options;

/** What an export wrote and found. */
typedef struct dc_export_summary {
    uint64_t households; /**< household features written */
    uint64_t zones;      /**< zone features written */
    uint64_t features;   /**< join: features of the user's layer written */
    uint64_t matched;    /**< join: features given a code */
    uint64_t unmatched;  /**< join: features whose key names no household */
    uint64_t empty_keys; /**< join: features with an empty key */
    uint64_t duplicated; /**< join: features whose key an earlier one had */
    uint64_t missing;    /**< join: households of the index no feature names */
    uint64_t codes_read, codes_unresolved; /**< --codes: lines, and those
                                                that named no household */
} dc_export_summary;

/**
 * Why an export failed: a stable lower-case code for scripts and a message.
 * Codes: "usage" (a required option missing), "unknown_format" (no OGR
 * driver of that name, or one that cannot create vector data),
 * "bad_crs" (the CRS given cannot be read), "output_exists" (without
 * overwrite), "output_is_input" (the output names the index or the join
 * source: refused even with overwrite), "one_layer_format" (two layers asked
 * of a dataset that holds one: name a folder, or one layer),
 * "open_failed" (the index, the codes file or the join source),
 * "join_layer_missing", "join_key_missing" (the layer has no such field),
 * "write_failed" (the driver refused a layer or a feature, or the file
 * system failed: the message says which), "report_failed".
 */
typedef struct dc_export_problem {
    const char *code;
    char message[512];
} dc_export_problem;

/**
 * Run one export.
 * @param[in]  o        the options; not kept
 * @param[out] summary  NULL, or the counts (also on failure: those so far)
 * @param[out] problem  NULL, or on failure the stable code and message
 * @return DC_OK; DC_E_INVALID_ARG (usage, unknown_format, bad_crs,
 *         one_layer_format, join_layer_missing, join_key_missing);
 *         DC_E_IO (output_exists, output_is_input, open_failed,
 *         write_failed, report_failed); DC_E_INDEX_FORMAT,
 *         DC_E_INDEX_CORRUPT (the index); DC_E_NOMEM. On failure nothing is
 *         left under the output's name that was not there before.
 */
dc_err dc_export_run(const dc_export_options *o, dc_export_summary *summary,
                     dc_export_problem *problem);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_EXPORT_H */
