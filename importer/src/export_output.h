/*
 * export_output.h - an export's output dataset, from creation beside its
 * final name to the rename that publishes it, and the export's report.
 * Internal to diachi-export (export.c, export_join.c).
 */
#ifndef DC_EXPORT_OUTPUT_H
#define DC_EXPORT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "diachi/export.h"

/** Set @p p (when not NULL) and return @p e. */
dc_err dc_export_fail(dc_export_problem *p, dc_err e, const char *code, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

/**
 * The CRS @p user names (--t-srs: "EPSG:9205", a .prj file, WKT), x east
 * and y north, with VN-2000's shift to WGS 84 when it names the datum
 * without one, as diachi-import reads such a CRS (dc_crs_add_vn2000_shift).
 * @return DC_OK, DC_E_INVALID_ARG (bad_crs)
 */
dc_err dc_export_srs(const char *user, OGRSpatialReferenceH *out, dc_export_problem *p);

/** The output being written. */
typedef struct dc_export_out {
    char *final; /**< the name it will have */
    char *temp;  /**< the name it is written under */
    GDALDriverH driver;
    GDALDatasetH ds;
    const char *const *layer_options; /* the caller's, added to ours */
    bool shapefile, csv;
    bool transaction; /**< a dataset transaction is open */
    bool existed;     /**< something stood at `final` when it was opened */
    bool gpkg;
    /** GPKG layers whose spatial index is packed once the file is closed
     *  (export_rtree.h), and their layers while it is open */
    struct dc_rtree_layer *rtrees;
    OGRLayerH *rtree_layers;
    size_t n_rtrees;
} dc_export_out;

/**
 * Check @p o's output (format, overwrite, not one of @p inputs: paths
 * and, for a dataset of several files, each of its files) and create the
 * dataset beside it. @p out is zeroed first.
 * @return DC_OK, or as dc_export_run: unknown_format, output_exists,
 *         output_is_input, write_failed
 */
dc_err dc_export_out_open(dc_export_out *out, const dc_export_options *o, char **inputs,
                          dc_export_problem *p);

/** Create a layer (in @p srs, which the layer clones) into @p layer;
 *  point layers of a CSV get X and Y columns, others WKT. Shapefiles are
 *  UTF-8 (.cpg). A GPKG layer with geometry gets its spatial index packed
 *  at publish, not filled by GDAL a feature at a time, unless the caller's
 *  options name SPATIAL_INDEX (YES: GDAL's own; NO: none).
 *  @return DC_OK, DC_E_INVALID_ARG (one_layer_format), DC_E_IO (write_failed) */
dc_err dc_export_out_layer(dc_export_out *out, const char *name, OGRwkbGeometryType type,
                           OGRSpatialReferenceH srs, OGRLayerH *layer,
                           dc_export_problem *p);

/** Add a field; @p width 0 for the driver's default. */
dc_err dc_export_out_field(dc_export_out *out, OGRLayerH layer, const char *name,
                           OGRFieldType type, int width, dc_export_problem *p);

/** Start one transaction over the dataset, where the driver has them
 *  (GPKG: each feature otherwise commits on its own). */
void dc_export_out_begin(dc_export_out *out);

/** Write @p f (its FID reset first, so one feature may be reused); note
 *  its envelope when its layer's spatial index is packed at publish.
 *  @return DC_OK, DC_E_IO (write_failed), DC_E_NOMEM */
dc_err dc_export_out_write(dc_export_out *out, OGRLayerH layer, OGRFeatureH f,
                           dc_export_problem *p);

/** Commit, close, add the packed spatial indexes (GPKG), and rename the
 *  dataset to its final name (replacing what stood there, when allowed). On failure the
 * temporary output is removed. @p out is done with either way. */
dc_err dc_export_out_publish(dc_export_out *out, dc_export_problem *p);

/** Close and remove the temporary output. NULL members are skipped; safe
 *  after publish. */
void dc_export_out_abandon(dc_export_out *out);

/** The report: one CSV row per problem, as diachi-import's report. */
typedef struct dc_export_report {
    FILE *file; /**< NULL: no report */
    const char *path;
} dc_export_report;

dc_err dc_export_report_open(dc_export_report *r, const char *path, dc_export_problem *p);
void dc_export_report_row(dc_export_report *r, const char *severity, const char *source,
                          const char *layer, int64_t fid, const char *code,
                          const char *fmt, ...) __attribute__((format(printf, 7, 8)));
dc_err dc_export_report_close(dc_export_report *r, dc_export_problem *p);

/* ---- the join (export_join.c) ------------------------------------------ */

struct dc_geo_session;
struct dc_index_meta;

/**
 * Copy the layer of o->join into @p out with o->code_field set from each
 * feature's o->key (a household id of the index); report the keys that are
 * empty, name no household or repeat an earlier feature's, and the
 * households no feature names. @p target NULL: the source's CRS.
 * @return as dc_export_run (open_failed, join_layer_missing,
 *         join_key_missing, write_failed, bad_crs)
 */
dc_err dc_export_join(const dc_export_options *o, struct dc_geo_session *s,
                      const struct dc_index_meta *meta, OGRSpatialReferenceH target,
                      dc_export_out *out, dc_export_report *report,
                      dc_export_summary *sum, dc_export_problem *p);

#endif
