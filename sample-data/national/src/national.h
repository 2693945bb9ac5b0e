/*
 * national.h - internal interfaces of diachi-gen-national, the generator of a
 * synthetic national map (63 provinces, VN-2000 / TM-3, shapefiles) used to
 * benchmark the importer and batch geocoding. Not installed, not a library.
 *
 * Coordinates inside the generator are metres in the province's own TM-3
 * projection (x = easting, y = northing): zones and households are built there,
 * so the written geometry needs no per-point reprojection and a household
 * generated inside its zone's ring stays inside it in the layer CRS.
 */
#ifndef NATIONAL_H
#define NATIONAL_H

#include <stdint.h>
#include <stddef.h>

#include <ogr_api.h>

#include "fractal_border.h" /* ../../common: realistic borders */
#include "seeded_rng.h"     /* ../../common: the generators' and tests' one RNG */

/* ---- provinces.c: the 63 provinces as they were before July 2025 ---- */

typedef struct nat_province {
    const char *name;         /**< "Điện Biên", UTF-8 NFC */
    const char *slug;         /**< "dien-bien", used in the folder name */
    const char *capital;      /**< "Thành phố Điện Biên Phủ" */
    int prefix_first;         /**< first 2-digit postcode prefix, e.g. 32 */
    int prefix_count;         /**< consecutive prefixes the province owns */
    int epsg;                 /**< its VN-2000 / TM-3 CRS */
    double capital_lat;       /**< degrees, WGS 84 */
    double capital_lon;       /**< degrees, WGS 84 */
    int population_thousands; /**< 2019 census, rounded: the household weight */
} nat_province;

extern const nat_province nat_provinces[];
extern const int nat_province_count;

/** Index of the province named by "32" (postcode prefix) or "dien-bien", or -1. */
int nat_province_find(const char *key);

/** Postcodes a province can hand out: prefix_count * 1000 - 1 (xx000 is kept back). */
int nat_province_capacity(const nat_province *province);

/* ---- layout.c: zones of one province and where its households go ---- */

#define NAT_ZONE_RING 8    /* vertices per zone ring, closing point excluded */
#define NAT_ZONE_HAMLETS 3 /* settlement centres of a rural zone */
#define NAT_ZONE_STREETS 6 /* streets of an urban zone */

typedef struct nat_point {
    double x, y; /* metres, TM-3 */
} nat_point;

/* ---- outline.c: a realistic zone border and a fast point-in-zone test ---- */

/* Households keep this far inside a realistic outline: a neighbour's copy of
 * the border lies within 0.8 m of this zone's. */
#define NAT_OUTLINE_MARGIN_M 2.0

typedef enum nat_ring_role {
    NAT_RING_EXTERIOR = 0, /**< a part of the zone */
    NAT_RING_HOLE = 1      /**< a hole in the last exterior before it */
} nat_ring_role;

/** A zone's own copy of its fractal borders (its ring, and any enclave's),
 *  with the edges bucketed by horizontal band so that a point is tested
 *  against a few of them only. Zero-initialise before the first ring. */
typedef struct nat_outline {
    border_line line;     /**< every ring, one after the other, each closed */
    border_point *points; /**< line.points, line.count */
    uint32_t count;
    uint32_t rings;
    uint32_t *ring_start; /**< ring r: points [ring_start[r], next start or count) */
    uint8_t *ring_role;   /**< nat_ring_role of each ring */
    double band_y0, band_height;
    uint32_t bands;
    uint32_t *band_start; /**< bands + 1 offsets into band_edges */
    uint32_t *band_edges; /**< edge k runs from points[k] to points[k + 1] */
} nat_outline;

/**
 * Add a ring with corners @p corners: each edge made fractal by @p style
 * (shared with whoever else draws that edge), then this zone's copy
 * redigitised from @p rng. Returns 0, or -1 when out of memory.
 */
int nat_outline_add_ring(nat_outline *outline, const nat_point *corners, int count,
                         nat_ring_role role, const border_style *style, seeded_rng *rng);
/** Bucket the edges once every ring is in. Returns 0, or -1 out of memory. */
int nat_outline_finish(nat_outline *outline);
/** 1 when @p p is inside the outline (even-odd over all its rings) and at
 *  least @p margin from every ring. */
int nat_outline_contains(const nat_outline *outline, double x, double y, double margin);
void nat_outline_free(nat_outline *outline);

/* What a realistic zone may hold, as real communes do: a piece of its right
 * neighbour (a hole here, a second part there), or a lake in no zone. */
#define NAT_ENCLAVE_NONE 0
#define NAT_ENCLAVE_NEIGHBOUR 1
#define NAT_ENCLAVE_LAKE 2

typedef struct nat_zone {
    nat_point ring[NAT_ZONE_RING]; /**< clockwise, shared exactly with neighbours */
    nat_point min, max;            /**< bounding box */
    nat_point hamlet[NAT_ZONE_HAMLETS];
    double spread; /**< metres: spread of a rural zone's households */
    int urban;     /**< 1 phường, 0 xã */
    int district;  /**< 0-based district within the province */
    uint64_t households;
    uint64_t first_household; /**< 0-based sequence number within the province */
    nat_outline *outline;     /**< realistic borders, or NULL: the ring is the zone */
    int enclave;              /**< realistic: NAT_ENCLAVE_... inside this zone */
} nat_zone;

typedef struct nat_layout {
    nat_zone *zones;
    int zone_count;
    int cols; /**< zones a lattice row: zone z is at (z % cols, z / cols) */
    int district_count;
    double cell;      /**< metres, lattice spacing before the radial warp */
    nat_point centre; /**< the capital, metres */
} nat_layout;

/**
 * Build the zones of a province around its capital (given in TM-3 metres) and
 * share @p households among them. With @p borders, each zone also gets a
 * realistic outline (fractal, redigitised) that households keep inside.
 * Returns 0, or -1 when out of memory.
 */
int nat_layout_build(nat_layout *layout, nat_point capital, int zone_count,
                     uint64_t households, uint64_t seed, const border_style *borders);
void nat_layout_free(nat_layout *layout);
/** Zones a lattice row of a province of @p zone_count zones (nat_layout.cols). */
int nat_layout_cols(int zone_count);

/** 1 when @p p lies strictly inside the zone's ring (even-odd rule), or with
 *  an outline, inside it and NAT_OUTLINE_MARGIN_M from it. */
int nat_zone_contains(const nat_zone *zone, nat_point p);

/** A household position inside @p zone: uniform (urban) or around the hamlet
 *  it also returns in @p hamlet (0..NAT_ZONE_HAMLETS-1). */
nat_point nat_zone_sample(const nat_zone *zone, seeded_rng *rng, int *hamlet);

/* ---- names.c: synthetic Vietnamese names, UTF-8 NFC ---- */

#define NAT_NAME_SIZE 96

/** "Phường Hòa Bình 3" for zone @p index of @p province. */
void nat_name_zone(char out[NAT_NAME_SIZE], int index, int urban,
                   const nat_province *province);
/** "Huyện Tân Phú" (@p kind "Huyện", "Quận" or "Thị xã"), or the
 *  capital's own name for district 0. */
void nat_name_district(char out[NAT_NAME_SIZE], int district, const char *kind,
                       const nat_province *province);
/** "Đường Trần Phú": street @p index of the street list. */
void nat_name_street(char out[NAT_NAME_SIZE], uint64_t index);
/** "Thôn Đông Hòa": hamlet @p index. */
void nat_name_hamlet(char out[NAT_NAME_SIZE], uint64_t index);
/** "Tổ 12" (urban) or "Xóm 12" (rural); @p number in 1..NAT_GROUP_MAX. */
const char *nat_name_group(int urban, int number);
#define NAT_GROUP_MAX 40

/* Realistic addresses. A province's region picks its words: 0 the north's
 * plains (thôn, xóm, tổ), 1 the northern mountains (bản, tổ dân phố), 2 the
 * south (ấp, khu phố, numbered wards). */
#define NAT_REGION_NORTH 0
#define NAT_REGION_MOUNTAIN 1
#define NAT_REGION_SOUTH 2
/** How many street names the realistic map draws from (89). */
int nat_street_names(void);
/** "Đường Lê Lợi" or "Phố Lê Lợi": name @p name of nat_street_names(), with
 *  the one word it has in @p province (its postcode prefix). */
void nat_name_street_realistic(char out[NAT_NAME_SIZE], int name, int province,
                               int north);
/** "Thôn Đông Hòa", "Bản ...", "Ấp ..."; with @p tone_zone, hamlet @p k of
 *  the zone is "Thôn Thanh Hà", "Thôn Thạnh Hà" or "Thôn Thành Hà". */
void nat_name_hamlet_realistic(char out[NAT_NAME_SIZE], uint64_t index, int region,
                               int tone_zone, int k);
/** "Phường 5". */
void nat_name_ward_numbered(char out[NAT_NAME_SIZE], int number);
/** "Tổ 3", "Tổ dân phố 3", "Khu phố 3" (urban) or "Xóm 3", "Tổ 3" (rural). */
void nat_name_group_realistic(char out[NAT_NAME_SIZE], int urban, int region, int number);
#define NAT_WARD_NUMBERED_MAX 15

/* ---- writer.c: one province's folder of shapefiles ---- */

#define NAT_OUT_DIR_MAX 900 /* bytes of --out, so every file path fits */
#define NAT_FOLDER_SIZE 1024

typedef struct nat_province_job {
    int province; /**< index into nat_provinces */
    int zone_count;
    int zone_offset; /**< zones of earlier selected provinces: COMMUNE codes */
    uint64_t households;
    uint64_t seed;           /**< this province's own seed */
    double border_spacing;   /**< metres: realistic borders; 0: simple rings */
    int realistic_addresses; /**< 1: names.c's realistic addresses; 0: simple */
    const char *out_dir;
    /* --edition 2025 (edition.c): the zones as the reform left them, no
     * households */
    int edition;      /**< 0, or 2025 */
    int edition_into; /**< the province it is part of after the reform */
    int edition_base; /**< the first postcode for its new zones */
    int edition_pass; /**< 1: the map's zones in WGS 84 only; 2: write the edition */
    OGRGeometryH *footprint;            /**< pass 1: each map zone in WGS 84 (lon, lat) */
    OGREnvelope *footprint_env;         /**< and its envelope */
    OGREnvelope footprint_all;          /**< the envelope of them all */
    const struct nat_province_job *run; /**< every job of the run, for pass 2 */
    int run_count;
    int cut_zones;  /**< map zones that lost ground to a lower postcode */
    int bare_zones; /**< map zones left with no ground of their own */
    /* results */
    uint64_t bytes;
    struct nat_history_row *history; /**< --edition: a row per old zone and new
                                        zone its households go to, malloc'd */
    int history_count, history_cap;
    uint32_t *zone_vertices; /**< realistic borders: each zone's ring, malloc'd */
    int failed;
    char error[256];
} nat_province_job;

/** Generate and write one province; fills bytes, or failed + error. */
void nat_province_write(nat_province_job *job);

/** Zone @p z's geometry in the province's CRS (a new OGR geometry). */
OGRGeometryH nat_zone_geometry(const nat_zone *zone);
/** Zone @p z's name ("Phường 5", "Xã Tân Phú"), as its zones layer has it. */
void nat_zone_name(char out[NAT_NAME_SIZE], const nat_province_job *job,
                   const nat_layout *layout, int z);
/** Zone @p z's postcode and commune code, 5 digits each. */
void nat_zone_codes(char postcode[16], char commune[16], const nat_province_job *job,
                    int z);

/* ---- the 2025 edition (edition.c) ------------------------------------------------ */

#define NAT_EDITION_DATE "2025-07-01"

/** A row of the history table: what became of an old zone. */
typedef struct nat_history_row {
    int old_postcode, new_postcode;
    const char *kind; /**< "unchanged", "renamed", "merged" or "split" */
} nat_history_row;

/** The province @p province is part of after the reform (itself when it stays). */
int nat_edition_into(int province);
/** Sets each job's edition_into and edition_base; -1 (with a message in
 *  @p error) when a province has too few postcodes left for its new zones. */
int nat_edition_plan(nat_province_job *jobs, int count, char *error, size_t size);
/** Pass 1: each of the map's zones in WGS 84, into job->footprint. 0, or -1. */
int nat_edition_footprints(nat_province_job *job, const nat_layout *layout,
                           OGRSpatialReferenceH srs);
/** Pass 2: the province's zones as the reform left them, into @p layer (the
 *  zones schema, CRS @p srs), and its history rows into job->history. 0, or -1. */
int nat_edition_write_zones(OGRLayerH layer, nat_province_job *job,
                            const nat_layout *layout, OGRSpatialReferenceH srs);
/** Frees job->footprint and its envelopes. */
void nat_edition_free_footprints(nat_province_job *job);
/** DIR/history.csv from every job's rows, by old postcode; written to a
 *  temporary file and renamed. 0, or -1 with errno. */
int nat_edition_write_history(const char *dir, const nat_province_job *jobs, int count);

#endif
