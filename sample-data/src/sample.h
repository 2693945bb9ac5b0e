/*
 * sample.h - the parts of diachi-gen-sample: the zone layout and the
 * household placement, both for the Dien Bien Phu sample map.
 */
#ifndef SAMPLE_H
#define SAMPLE_H

#include "fractal_border.h"
#include "gen.h"

#define GEN_ZONE_COUNT 12
/* Households keep this far from every zone boundary (file CRS metres), so
 * their zone is unambiguous; the published promise is 5 m. */
#define GEN_BOUNDARY_MARGIN 6.0

typedef struct gen_zone_def {
    const char *postcode, *name, *kind, *commune;
    double lat, lon;  /* the zone's centre, the Voronoi site */
    double weight_m2; /* power-diagram weight: larger for the rural communes */
} gen_zone_def;

extern const gen_zone_def gen_zone_defs[GEN_ZONE_COUNT];

typedef struct gen_zone {
    OGRGeometryH geom;     /* polygon (or multipolygon) in EPSG:9205 */
    OGRGeometryH boundary; /* its boundary, for distance checks */
    OGRPreparedGeometryH prepared;
    OGREnvelope env;
    /* Realistic borders only: the zone shrunk by GEN_BOUNDARY_MARGIN, since
     * a distance to 20,000 vertices for every house would take minutes. */
    OGRGeometryH inner;
    OGRPreparedGeometryH inner_prepared;
} gen_zone;

/** Vertex spacing of realistic borders: 2,000 to 20,000 vertices a zone. */
#define GEN_BORDER_SPACING_M 4.0

/**
 * Build the 12 zone polygons in EPSG:9205: with @p realistic NULL, the
 * straight-edged power-diagram cells of the committed sample; otherwise with
 * fractal, twice-digitised borders (fractal_border.h), two exclaves (holes
 * in one zone, second parts of another) and a lake in no zone.
 */
void gen_zones_build(gen_zone *zones, OGRCoordinateTransformationH to_tm3,
                     const border_style *realistic);
/** Index of the zone holding (x, y) in EPSG:9205 at least @p margin from its
 * boundary, or -1. */
int gen_zones_locate(const gen_zone *zones, double x, double y, double margin);
void gen_zones_free(gen_zone *zones);

/* ---- the 2025 edition (gen_edition.c) ---- */

#define GEN_EDITION_ZONES 5
/** The 2025 edition's zones: postcode, name, kind, commune code, a point
 * inside (the weight is unused). */
extern const gen_zone_def gen_edition_defs[GEN_EDITION_ZONES];
/** The date the 2025 edition took effect, ISO 8601. */
extern const char *const gen_edition_date;
/** The 2025 edition's polygons in EPSG:9205 from the simple-bordered zones
 * @p old, each one valid polygon; the caller destroys them. */
void gen_edition_build(const gen_zone *old, OGRCoordinateTransformationH to_tm3,
                       OGRGeometryH out[GEN_EDITION_ZONES]);
/** Write DIR/history.csv: each old postcode, the new postcode(s) its doors
 * went to, the kind of change (unchanged, renamed, merged, split) and the
 * date. */
void gen_edition_history(const char *dir);

typedef struct gen_household {
    double x, y; /* EPSG:9205 */
    int zone;
    char house_no[16];
    char street[48];
    char group[48];
} gen_household;

typedef struct gen_households {
    gen_household *items;
    size_t count, cap;
    size_t shared_pairs; /* second households placed at an existing door */
} gen_households;

/** Place every household of the sample map. */
void gen_households_generate(gen_households *out, const gen_zone *zones,
                             OGRCoordinateTransformationH to_tm3, seeded_rng *rng);
void gen_households_free(gen_households *list);

#endif
