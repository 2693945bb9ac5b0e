/*
 * source_internal.h - what the files of the source layer share: opening a
 * dataset quietly, preparing a layer (encoding, field roles, CRS) and the
 * list's pool of layer names. Internal to importer/src/source*.c.
 */
#ifndef DC_IMPORT_SOURCE_INTERNAL_H
#define DC_IMPORT_SOURCE_INTERNAL_H

#include <gdal.h>
#include <ogr_srs_api.h>

#include "diachi/encoding.h"
#include "source.h"

/** GDAL's messages of one call, kept instead of printed. */
typedef struct dc_gdal_log {
    char last[200]; /**< the last CE_Failure or CE_Warning message, or "" */
} dc_gdal_log;

/** Route GDAL's messages on this thread into @p log until dc_gdal_quiet_end. */
void dc_gdal_quiet_begin(dc_gdal_log *log);
void dc_gdal_quiet_end(void);

/** Register GDAL's drivers once per process. Thread-safe. */
void dc_gdal_init(void);

/**
 * Open dataset @p path for reading vectors. A shapefile is opened with
 * ENCODING="" so OGR hands out the DBF's raw bytes. @return NULL with
 * @p problem filled ("open_failed") when OGR cannot open it.
 */
GDALDatasetH dc_dataset_open(const char *path, dc_source_problem *problem);

/** True when dataset i was found by walking a folder named on the command line. */
bool dc_source_list_in_folder(const dc_source_list *list, size_t i);

/**
 * Whether @p layer of dataset i is read as @p kind: households from point
 * layers, zones from polygon layers (source_read.c). @p geometry, when not
 * NULL, gets the layer's flattened geometry type (wkbNone: none found).
 */
dc_layer_use dc_layer_use_of(const dc_source_list *list, size_t i, GDALDatasetH ds,
                             OGRLayerH layer, dc_layer_kind kind,
                             OGRwkbGeometryType *geometry);

/** True when @p layer of dataset i is not read as @p kind. */
bool dc_layer_skipped(const dc_source_list *list, size_t i, GDALDatasetH ds,
                      OGRLayerH layer, dc_layer_kind kind);

/** The first line of the .cpg of shapefile @p source into @p name; false
 *  when @p ds is not a shapefile or has no .cpg (source_layer.c). */
bool dc_layer_cpg(const char *source, GDALDatasetH ds, char *name, size_t size);

/** A copy of @p name that lives as long as @p list (problem reports). */
const char *dc_source_list_intern(const dc_source_list *list, const char *name);

/** One layer ready to read: where its roles are, how to decode and reproject. */
typedef struct dc_layer_reader {
    const char *source; /**< dataset path (the list's copy) */
    const char *name;   /**< layer name (OGR's, valid while the dataset is open) */
    OGRLayerH layer;
    int roles;                 /**< number of roles of the kind */
    int field[DC_MAX_ROLES];   /**< OGR field index per role, -1: not read */
    int integer[DC_MAX_ROLES]; /**< 32 for OFTInteger, 64 for OFTInteger64, else 0 */
    dc_decoder decoder;
    OGRCoordinateTransformationH to_wgs84;
} dc_layer_reader;

/**
 * Prepare @p layer of dataset @p ds (opened from list entry @p source):
 * resolve the encoding, the field of each role and the transformation to
 * WGS 84, and tell OGR to skip the fields no role reads.
 * @return DC_OK, DC_E_INVALID_ARG with @p problem filled, DC_E_NOMEM.
 */
dc_err dc_layer_prepare(dc_layer_reader *r, const dc_source_list *list,
                        const char *source, GDALDatasetH ds, OGRLayerH layer,
                        dc_layer_kind kind, const dc_source_options *opt,
                        dc_source_problem *problem);
void dc_layer_release(dc_layer_reader *r);

/**
 * The transformation from @p layer's CRS, or from @p srs when not NULL, to
 * WGS 84 with x = longitude, y = latitude. A VN-2000 CRS without a datum
 * shift gets EPSG's VN-2000 to WGS 84 (2) Helmert (EPSG:6960). @p shp,
 * when not NULL, is the path of the single-layer shapefile @p layer is:
 * its CRS is then kept by its .prj's bytes for the next layer with the
 * same .prj (thread-safe). Unless @p exact, a VN-2000 / TM-3 or WGS 84
 * CRS is then transformed by our own arithmetic (reproject.h) through
 * dc_crs_transform_points and dc_crs_transform_geometry, once it is seen
 * to agree with PROJ's; @p exact keeps PROJ for every point.
 * @return DC_OK, or DC_E_INVALID_ARG with @p problem's code and message
 *         filled ("no_crs", "bad_crs").
 */
dc_err dc_crs_to_wgs84(OGRLayerH layer, const char *shp, dc_layer_kind kind,
                       const char *srs, bool exact, OGRCoordinateTransformationH *out,
                       dc_source_problem *problem);
/** Whether @p ct's points are computed by our own arithmetic (reproject.h)
 *  rather than PROJ's. Thread-safe. */
bool dc_crs_is_ours(OGRCoordinateTransformationH ct);
/** Done with a transformation of dc_crs_to_wgs84: kept for the next layer
 *  of the same .prj, or destroyed. NULL is a no-op. Thread-safe. */
void dc_crs_release(OGRCoordinateTransformationH ct);

/* ---- the point-shapefile fast path (source_shp.c) ------------------- */

enum { DC_GEOM_NONE = 0, DC_GEOM_POINT, DC_GEOM_OTHER };

/** One record as the fast path reads it: raw field bytes, trimmed. */
typedef struct dc_shp_record {
    int64_t fid;
    int geometry;                    /**< DC_GEOM_* */
    double x, y;                     /**< in the layer's CRS, when DC_GEOM_POINT */
    const char *field[DC_MAX_ROLES]; /**< NULL: null; else len bytes, not NUL-ended */
    size_t len[DC_MAX_ROLES];
} dc_shp_record;

typedef struct dc_shp_points dc_shp_points;

/**
 * Open the point shapefile @p path to read the roles of @p r directly, or
 * NULL when it is not one this reader handles exactly as OGR does (then
 * read it through OGR).
 */
dc_shp_points *dc_shp_points_open(const char *path, const dc_layer_reader *r);
/** The next record: 1 with *rec filled (valid until the next call), 0 at
 *  the end, -1 on a read error. */
int dc_shp_points_next(dc_shp_points *p, const dc_layer_reader *r, dc_shp_record *rec);
void dc_shp_points_close(dc_shp_points *p);

/** Tests only, not thread-safe: false reads every layer through OGR. */
void dc_source_set_fast_path(bool enabled);

/** Fill @p problem (any argument may be NULL but problem). */
void dc_problem_set(dc_source_problem *problem, const char *source, const char *layer,
                    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif /* DC_IMPORT_SOURCE_INTERNAL_H */
