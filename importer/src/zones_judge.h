/*
 * zones_judge.h - zone features judged one by one, on threads while they
 * are read: reprojected, validated or repaired, and encoded. Internal to
 * the importer: zones.c keeps the features and reports the verdicts;
 * this part knows nothing of the zone set.
 */
#ifndef DC_IMPORT_ZONES_JUDGE_H
#define DC_IMPORT_ZONES_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "source.h"
#include "zone_encode.h"

/* What judging a feature found; reported in feature order. */
typedef enum dc_verdict {
    DC_VERDICT_PENDING = 0,
    DC_VERDICT_KEPT,
    DC_VERDICT_REPAIRED,
    DC_VERDICT_NO_POSTCODE,
    DC_VERDICT_BAD_POSTCODE,
    DC_VERDICT_NULL_GEOMETRY,
    DC_VERDICT_NOT_POLYGON,
    DC_VERDICT_INVALID,
    DC_VERDICT_DROPPED /* valid, yet no polygon in it: dropped without a word */
} dc_verdict;

struct dc_zone_feature {
    dc_feature_origin origin; /* source and layer strdup'd */
    uint32_t postcode;
    char *fields[DC_ZONE_ROLES];
    OGRGeometryH geometry; /* as read; once judged, a valid WGS 84 multipolygon */
    int transform;         /* in the layers' transformations, or -1: WGS 84 */
    dc_verdict verdict;
    OGRwkbGeometryType type; /* of a geometry that is not a polygon */
    /* The geometry encoded as a zone of this feature alone would be, by
     * the thread that judged it; empty when not (yet) done. */
    dc_blob blob;
    dc_zone_bbox bb;
    bool encoded;
};

/* Zones are judged on this many threads at most (validity, repair and
 * reprojection are per feature and independent). */
#define DC_ZONE_MAX_THREADS 8

typedef struct dc_judging dc_judging;

/*
 * Start judging @p features[from..avail) on this thread (in
 * dc_judging_end) and @p helpers more (at most DC_ZONE_MAX_THREADS - 1
 * of them), which go on with each feature published later. The array is
 * not moved meanwhile; *@p transforms (the layers' transformations, by
 * dc_zone_feature.transform) may be, under dc_judging_lock. NULL when out
 * of memory.
 */
dc_judging *dc_judging_start(dc_zone_feature *features, size_t from, size_t avail,
                             OGRCoordinateTransformationH *const *transforms,
                             unsigned helpers);
/* Features up to @p avail (exclusive) are there to be judged. */
void dc_judging_publish(dc_judging *j, size_t avail);
/* Hold (@p on) or let go of the lock the threads read *transforms under;
 * NULL is a no-op. */
void dc_judging_lock(dc_judging *j, bool on);
/* No more features: judge the rest on this thread too, wait for the
 * helpers and free @p j. Every feature published is judged then. */
void dc_judging_end(dc_judging *j);
/* The threads to judge @p features on: one per online CPU, at most
 * DC_ZONE_MAX_THREADS, at most one a feature, at least 1. */
unsigned dc_judge_threads(size_t features);

/* The polygons of a geometry the caller gives up, as a multipolygon (no
 * copy when it already is one of non-empty polygons); NULL when there is
 * none. */
OGRGeometryH dc_zone_polygons_owned(OGRGeometryH g);

#endif /* DC_IMPORT_ZONES_JUDGE_H */
