/*
 * sample.h - the parts of diachi-gen-sample: the zone layout and the
 * household placement, both for the Dien Bien Phu sample map.
 */
#ifndef DC_SAMPLE_H
#define DC_SAMPLE_H

#include "gen.h"

#define DC_ZONE_COUNT 12
/* Households keep this far from every zone boundary (file CRS metres), so
 * their zone is unambiguous; the published promise is 5 m. */
#define DC_BOUNDARY_MARGIN 6.0

typedef struct dc_zone_def {
    const char *postcode, *name, *kind, *commune;
    double lat, lon;  /* the zone's centre, the Voronoi site */
    double weight_m2; /* power-diagram weight: larger for the rural communes */
} dc_zone_def;

extern const dc_zone_def dc_zone_defs[DC_ZONE_COUNT];

typedef struct dc_zone {
    OGRGeometryH geom;     /* polygon in EPSG:9205 */
    OGRGeometryH boundary; /* its boundary, for distance checks */
    OGRPreparedGeometryH prepared;
    OGREnvelope env;
} dc_zone;

/** Build the 12 zone polygons in EPSG:9205. */
void dc_zones_build(dc_zone *zones, OGRCoordinateTransformationH to_tm3);
/** Index of the zone holding (x, y) in EPSG:9205 at least @p margin from its
 * boundary, or -1. */
int dc_zones_locate(const dc_zone *zones, double x, double y, double margin);
void dc_zones_free(dc_zone *zones);

typedef struct dc_household {
    double x, y; /* EPSG:9205 */
    int zone;
    char house_no[16];
    char street[48];
    char group[48];
} dc_household;

typedef struct dc_households {
    dc_household *items;
    size_t count, cap;
    size_t shared_pairs; /* second households placed at an existing door */
} dc_households;

/** Place every household of the sample map. */
void dc_households_generate(dc_households *out, const dc_zone *zones,
                            OGRCoordinateTransformationH to_tm3, seeded_rng *rng);
void dc_households_free(dc_households *list);

#endif
