/*
 * export_rtree.h - a GeoPackage's spatial index built in one pass: the
 * envelopes of a layer's features gathered while they are written, then,
 * once the file is closed, the GeoPackage R-tree extension
 * (rtree_<table>_<column>, its gpkg_extensions row and its triggers, as the
 * GeoPackage 1.2/1.3 spec and GDAL make them) written with SQLite directly,
 * its tree packed (sort-tile-recursive) instead of grown a row at a time.
 * Internal to diachi-export (export_output.c).
 */
#ifndef DC_EXPORT_RTREE_H
#define DC_EXPORT_RTREE_H

#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"

/** One feature's envelope, as SQLite's rtree stores it: float32, each
 *  bound rounded outward from the double. */
typedef struct dc_rtree_cell {
    int64_t id;   /**< the feature's FID (the rtree's id) */
    float box[4]; /**< minx, maxx, miny, maxy */
} dc_rtree_cell;

/** One layer's spatial index to be built. */
typedef struct dc_rtree_layer {
    char *table;  /**< the feature table */
    char *column; /**< its geometry column */
    char *fid;    /**< its FID column */
    dc_rtree_cell *cells;
    size_t n, cap;
} dc_rtree_layer;

/** The float32 at or below @p d (at or above, for dc_rtree_up) that
 *  SQLite's rtree stores for the bound @p d: the nearest float when that
 *  is on the right side, else one step further out. */
float dc_rtree_down(double d);
float dc_rtree_up(double d);

/** Name @p l's table and columns (copied) and empty its cells. */
dc_err dc_rtree_layer_init(dc_rtree_layer *l, const char *table, const char *column,
                           const char *fid);

/** Add the feature @p id with the envelope minx, maxx, miny, maxy. */
dc_err dc_rtree_layer_add(dc_rtree_layer *l, int64_t id, double minx, double maxx,
                          double miny, double maxy);

void dc_rtree_layer_free(dc_rtree_layer *l);

/**
 * Open the closed GeoPackage @p path with SQLite and add the spatial index
 * of each of @p layers (@p n), all in one transaction: nothing of it stays
 * on failure. The tables must have no spatial index yet. The layers'
 * cells are reordered (sorted into the tree's order).
 * @param[out] why  on failure, SQLite's or our reason (@p why_len bytes)
 * @return DC_OK, DC_E_IO, DC_E_NOMEM
 */
dc_err dc_rtree_write(const char *path, dc_rtree_layer *layers, size_t n, char *why,
                      size_t why_len);

#endif
