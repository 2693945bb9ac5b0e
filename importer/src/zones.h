/*
 * zones.h - postal zones on their way into the index: collected feature by
 * feature, repaired, merged by postcode, encoded as integer rings, given
 * their reference points, checked for overlaps, and then used to find the
 * zone of every household.
 */
#ifndef DC_IMPORT_ZONES_H
#define DC_IMPORT_ZONES_H

#include <stdbool.h>

#include <ogr_srs_api.h>

#include "diachi/index.h"
#include "report.h"
#include "source.h"

typedef struct dc_zone_feature dc_zone_feature;
typedef struct dc_judging dc_judging;
typedef struct dc_zone_bbox {
    int32_t south, west, north, east;
} dc_zone_bbox;

typedef struct dc_zoneset {
    dc_report *report;
    dc_zone_feature *features; /* as read, in order; those judged come first */
    size_t nfeatures, features_cap, njudged;
    dc_judging *judging; /* threads judging features as they are taken */
    /* The layers' transformations to WGS 84, a copy each, for features
     * taken unprojected; the last layer's as the reader gave it, and the
     * names of that layer (copies). */
    OGRCoordinateTransformationH *transforms;
    size_t ntransforms, transforms_cap;
    OGRCoordinateTransformationH last_to_wgs84;
    char *last_source, *last_layer;
    dc_zone_input *zones; /* final, ascending postcode */
    dc_zone_bbox *bboxes; /* of zones[i] */
    uint8_t *overlapped;  /* zones[i] shares interior with another zone */
    size_t nzones;
    /* locator: a dense grid of cells over the zones' extent */
    int32_t grid_south, grid_west, grid_cell;
    uint32_t grid_rows, grid_cols;
    uint32_t *grid_start; /* rows*cols+1 offsets into grid_zones */
    uint32_t *grid_zones;
    /* Once open, the index writer of these zones: it answers the polygon
     * test from its zone grid's sub-grid away from borders. */
    const dc_index_writer *writer;
} dc_zoneset;

void dc_zoneset_init(dc_zoneset *zs, dc_report *report);
/**
 * dc_zone_fn: take one zone feature, validate it (reporting why when it is
 * rejected) and keep it. Its geometry is copied; any earlier features
 * taken with dc_zoneset_take are judged first.
 */
int dc_zoneset_add(void *zoneset, dc_source_zone *zone);

/**
 * dc_zone_fn: take one zone feature as read, unjudged: its geometry (taken
 * from @p zone) may still need the reprojection zone->to_wgs84, which is
 * copied once a layer. Returns 0 or DC_E_NOMEM.
 */
int dc_zoneset_take(void *zoneset, dc_source_zone *zone);

/**
 * Judge the features taken from now on while they are read: threads (one
 * per online CPU but one, at most 8) take each as soon as it is taken,
 * and dc_zoneset_judge waits for them and reports. @p expected is the
 * number of features to come (room is kept for them; more are judged
 * when dc_zoneset_judge is called). Returns DC_OK or DC_E_NOMEM.
 */
dc_err dc_zoneset_judge_early(dc_zoneset *zs, size_t expected);

/** Told of each feature judged, in the order taken: whether it is kept. */
typedef void (*dc_zone_kept_fn)(void *ctx, const dc_feature_origin *origin, bool kept);

/**
 * Judge the features taken since the last call: reproject, validate and
 * repair each, on @p nthreads threads (0: one per online CPU, at most 8),
 * then, in the order they were taken, report each rejection or repair,
 * tell @p kept (may be NULL), and keep those that pass. The report is the
 * one dc_zoneset_add feature by feature gives. Returns DC_OK.
 */
dc_err dc_zoneset_judge(dc_zoneset *zs, unsigned nthreads, dc_zone_kept_fn kept,
                        void *ctx);
/** Merge, encode and check every zone kept; build the locator. */
dc_err dc_zoneset_finish(dc_zoneset *zs, dc_error *err);
/**
 * Index in zs->zones of the zone containing the point: dc_polygon_contains,
 * the lowest postcode where zones overlap (the same rule as
 * dc_index_zone_at). -1 when no zone contains it.
 */
long dc_zoneset_locate(const dc_zoneset *zs, int32_t lat_e7, int32_t lon_e7);

/**
 * As dc_zoneset_locate, trying zone @p hint (a previous answer, or -1)
 * first: households come street by street, so the last zone is usually
 * the answer. The hint is only taken when that zone overlaps no other.
 */
long dc_zoneset_locate_near(const dc_zoneset *zs, long hint, int32_t lat_e7,
                            int32_t lon_e7);
void dc_zoneset_free(dc_zoneset *zs);

#endif
