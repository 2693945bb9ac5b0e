/*
 * source.h - reading map layers with GDAL/OGR: datasets and folders,
 * field roles, legacy encodings, and reprojection to WGS 84.
 *
 * Internal to the importer. Everything GDAL-specific stays behind this
 * header: the import pipeline sees features as decoded UTF-8 NFC fields
 * and WGS 84 coordinates.
 */
#ifndef DC_IMPORT_SOURCE_H
#define DC_IMPORT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "diachi/error.h"

typedef enum dc_layer_kind { DC_LAYER_ZONES = 0, DC_LAYER_HOUSEHOLDS = 1 } dc_layer_kind;

/* Field roles. Zones and households have their own, in these orders. */
enum {
    DC_ZONE_POSTCODE = 0,
    DC_ZONE_NAME,
    DC_ZONE_KIND,
    DC_ZONE_COMMUNE,
    DC_ZONE_DISTRICT,
    DC_ZONE_PROVINCE,
    DC_ZONE_ROLES
};
enum {
    DC_HH_ID = 0,
    DC_HH_HOUSE_NUMBER,
    DC_HH_STREET,
    DC_HH_GROUP,
    DC_HH_CODE,
    DC_HH_ROLES
};
#define DC_MAX_ROLES 6

/** Role names as given on the command line ("postcode", "house_number"). */
const char *dc_role_name(dc_layer_kind kind, int role);
/** Number of roles of a kind. */
int dc_role_count(dc_layer_kind kind);
/** Role index for a name, or -1. */
int dc_role_find(dc_layer_kind kind, const char *name);
/** Default field name of a role, as in the sample map ("POSTCODE", "HH_ID"). */
const char *dc_role_default_field(dc_layer_kind kind, int role);

/** How to read one kind of layer. */
typedef struct dc_source_options {
    const char *fields[DC_MAX_ROLES]; /**< field name per role (case-insensitive);
                                           NULL: default; "": do not read the role */
    const char *srs;        /**< CRS override ("EPSG:9205", WKT, PROJ string) or NULL */
    const char *encoding;   /**< "UTF-8", "TCVN3", "CP1258", ... or NULL: the .cpg */
    bool unprojected_zones; /**< zones: hand each geometry over as read, with the
                                 layer's transformation in dc_source_zone.to_wgs84,
                                 for the callback to reproject (on other threads,
                                 with copies made by dc_crs_clone) */
    bool exact_proj;        /**< reproject every point with PROJ, also where our
                                 own arithmetic would do (reproject.h) */
} dc_source_options;

/** Where a feature came from, for the report. */
typedef struct dc_feature_origin {
    const char *source; /**< the path of the dataset (valid until the list is closed) */
    const char *layer;  /**< the layer name (valid during the callback only) */
    int64_t fid;        /**< OGR feature id */
} dc_feature_origin;

/**
 * A household as read: position in WGS 84 degrees, fields decoded to UTF-8
 * NFC (NULL where the field is null or the role is not mapped). Valid for
 * the duration of the callback only.
 */
typedef struct dc_source_household {
    dc_feature_origin origin;
    bool has_point; /**< false for a null or empty geometry, or a point PROJ
                         cannot transform (e.g. coordinates of 1e30) */
    bool not_point; /**< true when the geometry is not a point */
    double lat, lon;
    const char *fields[DC_HH_ROLES];
} dc_source_household;

/**
 * A zone as read: its geometry reprojected to WGS 84 with x = longitude,
 * y = latitude (NULL for a null geometry or one PROJ cannot transform),
 * fields as above. The callback
 * may take ownership of the geometry by setting it to NULL in the struct;
 * otherwise it is destroyed after the callback. With
 * dc_source_options.unprojected_zones the geometry is as the layer holds
 * it and to_wgs84 is the layer's transformation (valid during the
 * callback only); to_wgs84 is NULL otherwise.
 */
typedef struct dc_source_zone {
    dc_feature_origin origin;
    OGRGeometryH geometry;
    const char *fields[DC_ZONE_ROLES];
    OGRCoordinateTransformationH to_wgs84;
} dc_source_zone;

/** Return 0 to go on, non-zero to stop reading (the value is returned). */
typedef int (*dc_household_fn)(void *ctx, dc_source_household *hh);
typedef int (*dc_zone_fn)(void *ctx, dc_source_zone *zone);

/** A problem with a whole layer or dataset (not one feature). Its strings
 *  stay valid until the list is closed; layer is NULL for "open_failed". */
typedef struct dc_source_problem {
    const char *source, *layer;
    const char *code; /**< stable: "open_failed", "no_crs", "bad_crs",
                           "missing_field", "bad_encoding", "read_failed" */
    char message[256];
} dc_source_problem;

/**
 * The layers of @p path: a dataset OGR opens (every layer in it) or a
 * folder (every dataset below it, recursively, in sorted path order).
 * Files of a shapefile set other than .shp are not datasets of their own.
 */
typedef struct dc_source_list dc_source_list;

/**
 * Expand @p paths into datasets. @return DC_OK, DC_E_IO (a path that does
 * not exist: message names it), DC_E_NOMEM.
 */
dc_err dc_source_list_open(const char *const *paths, size_t npaths, dc_source_list **out,
                           dc_error *err);

/**
 * As dc_source_list_open, never taking from a folder the files @p outputs
 * name (the import's own report and index, which may not exist yet), nor
 * an index's temporary files beside it (INDEX.tmp.*, INDEX-lock). A path
 * named in @p paths itself is always taken. @p outputs may hold NULLs.
 */
dc_err dc_source_list_open_except(const char *const *paths, size_t npaths,
                                  const char *const *outputs, size_t noutputs,
                                  dc_source_list **out, dc_error *err);
void dc_source_list_close(dc_source_list *list);
size_t dc_source_list_count(const dc_source_list *list);
/** Path of dataset i; valid until close. */
const char *dc_source_list_path(const dc_source_list *list, size_t i);
/** Size and modification time of dataset i's files, summed (for the index metadata). */
void dc_source_list_stat(const dc_source_list *list, size_t i, uint64_t *size,
                         int64_t *mtime);
/** Features in dataset i that a read as @p kind would see (for progress and
 *  sizing): OGR_L_GetFeatureCount over the layers read as that kind; -1
 *  when OGR cannot open it. */
int64_t dc_source_list_feature_count(const dc_source_list *list, size_t i,
                                     dc_layer_kind kind);

/** Whether a read as a kind reads a layer. */
typedef enum dc_layer_use {
    DC_LAYER_READ = 0,      /**< read */
    DC_LAYER_OTHER_KIND,    /**< the other kind's, beside it in a folder or a
                                 multi-layer dataset: left for that read */
    DC_LAYER_WRONG_GEOMETRY /**< of neither kind (no geometry, lines), or of the
                                 other kind and named on its own: skipped, to
                                 be reported */
} dc_layer_use;

/** One layer of a dataset, as dc_source_list_survey sees it. */
typedef struct dc_layer_survey {
    const char *source;   /**< the dataset path (valid until the list is closed) */
    const char *layer;    /**< the layer name (valid during the callback only) */
    dc_layer_use use;     /**< whether a read of the kind asked reads it */
    const char *geometry; /**< what it holds: "Point", "Polygon", "None", ... */
    int64_t features;     /**< OGR's feature count; -1 when unknown */
    /* With an encoding given in the options, for a layer read: */
    const char *cpg;     /**< the .cpg's encoding name, or NULL without one */
    bool cpg_differs;    /**< the .cpg names another encoding than the one given */
    size_t bad_strings;  /**< strings of the first DC_SURVEY_FEATURES features
                              that decode with bytes naming no character */
    int64_t bad_feature; /**< the first feature holding one, or -1 */
} dc_layer_survey;

/** Features whose text dc_source_list_survey decodes to check an encoding. */
#define DC_SURVEY_FEATURES 1000

typedef void (*dc_layer_survey_fn)(void *ctx, const dc_layer_survey *layer);

/**
 * Call @p fn for every layer of dataset i, in reading order, saying whether
 * a read as @p kind reads it and, when @p opt (may be NULL) gives an
 * encoding, how it fits the layer. A dataset OGR cannot open has no layers
 * here (reading it reports why). Same threading rule as the reads.
 */
void dc_source_list_survey(const dc_source_list *list, size_t i, dc_layer_kind kind,
                           const dc_source_options *opt, dc_layer_survey_fn fn,
                           void *ctx);

/**
 * Read every household of dataset i, calling @p fn for each feature in
 * order. Reprojection is done in batches, so @p fn may see a feature some
 * time after OGR read it, but always in order.
 * @return DC_OK, or DC_E_INVALID_ARG with @p problem filled for a layer
 *         that cannot be read (no CRS and no override, a mapped field
 *         missing, an unknown encoding, not a map: "open_failed"), DC_E_IO
 *         with @p problem "read_failed" for a shapefile that ends early,
 *         DC_E_NOMEM, or the callback's non-zero value cast to dc_err.
 * Thread-safe for different datasets (or the same one) read at once from
 * different threads; GDAL's messages are kept from stderr meanwhile.
 */
dc_err dc_source_read_households(const dc_source_list *list, size_t i,
                                 const dc_source_options *opt, dc_household_fn fn,
                                 void *ctx, dc_source_problem *problem);

/** As dc_source_read_households, for zones. */
dc_err dc_source_read_zones(const dc_source_list *list, size_t i,
                            const dc_source_options *opt, dc_zone_fn fn, void *ctx,
                            dc_source_problem *problem);

/* ---- a layer's transformation to WGS 84 (source_crs.c) ------------------- */

/**
 * As OGR_G_Transform: reproject @p g in place with @p ct, a layer's
 * transformation (dc_source_zone.to_wgs84) or a copy of it from
 * dc_crs_clone. Where the layer's CRS is one our own arithmetic covers
 * (and the import is not --exact-proj) and every vertex lies in its
 * domain, the vertices are computed without PROJ. Thread-safe for
 * distinct geometries; @p ct may be shared when our arithmetic does the
 * work, otherwise it follows OGR's rules (a copy a thread).
 * @return OGRERR_NONE, or OGR's error (then @p g may be half done).
 */
OGRErr dc_crs_transform_geometry(OGRGeometryH g, OGRCoordinateTransformationH ct);

/**
 * As OCTTransformEx without heights: @p n points of @p x, @p y in place,
 * @p ok[i] false where PROJ cannot transform point i. The same rules as
 * dc_crs_transform_geometry.
 */
void dc_crs_transform_points(OGRCoordinateTransformationH ct, size_t n, double *x,
                             double *y, int *ok);

/** A copy of a layer's transformation for another thread, with our own
 *  arithmetic when the original has it; free with dc_crs_destroy. */
OGRCoordinateTransformationH dc_crs_clone(OGRCoordinateTransformationH ct);
/** Free a copy made by dc_crs_clone. NULL is a no-op. */
void dc_crs_destroy(OGRCoordinateTransformationH ct);

/**
 * Give @p srs, when its datum is VN-2000 and neither it nor PROJ's
 * database carries a shift to WGS 84 (an ESRI .prj GDAL did not identify),
 * EPSG's transformation VN-2000 to WGS 84 (2), EPSG:6960, as the layers
 * read get it: a CRS the exporter writes to lands where the importer
 * reads from. Any other CRS is left alone.
 */
void dc_crs_add_vn2000_shift(OGRSpatialReferenceH srs);

#endif /* DC_IMPORT_SOURCE_H */
