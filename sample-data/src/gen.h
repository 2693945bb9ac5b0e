/*
 * gen.h - helpers shared by the map generators (diachi-gen-sample,
 * diachi-gen-edge): a local metric frame around Dien Bien Phu, coordinate
 * transformation and shapefile writing with OGR. Random numbers come from
 * ../common/seeded_rng.h, the generator the national map and the tests use.
 *
 * These are build tools, not library code: on an error they print to stderr
 * and the program exits 3 (data problem) or 2 (usage).
 */
#ifndef GEN_H
#define GEN_H

#include <stddef.h>
#include <stdint.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "seeded_rng.h"

/* ---- the local frame: metres east/north of a fixed origin -------------- */

/* An equirectangular frame is exact enough over 40 km for placing synthetic
 * features, and being our own formula it is bit-for-bit reproducible. */
#define GEN_PI 3.14159265358979323846
#define GEN_FRAME_LAT0 21.45
#define GEN_FRAME_LON0 103.10
#define GEN_M_PER_DEG_LAT 110723.0
#define GEN_M_PER_DEG_LON 103691.0

typedef struct gen_xy {
    double x, y; /* metres east, north of the frame origin */
} gen_xy;

gen_xy gen_frame_from_deg(double lat, double lon);
void gen_frame_to_deg(gen_xy p, double *lat, double *lon);

/* ---- coordinate reference systems ------------------------------------ */

/** EPSG codes the generators write. */
#define GEN_EPSG_WGS84 4326
#define GEN_EPSG_VN2000_TM3_103 9205
#define GEN_EPSG_VN2000_UTM48N 3405

/** A spatial reference with the traditional lon/lat (x/y) axis order. */
OGRSpatialReferenceH gen_srs(int epsg);
/** A transformation from WGS 84 lon/lat to @p epsg. */
OGRCoordinateTransformationH gen_from_wgs84(int epsg);
/** Transform one point in place; exits on failure. */
void gen_transform(OGRCoordinateTransformationH ct, double *x, double *y);

/* ---- shapefile writing ------------------------------------------------ */

typedef struct gen_field {
    const char *name; /* at most 10 characters: the DBF limit */
    int width;        /* bytes */
} gen_field;

typedef struct gen_layer {
    GDALDatasetH ds;
    OGRLayerH layer;
} gen_layer;

/**
 * Create (replacing any old one) DIR/NAME.shp with string fields.
 * @p epsg 0 writes no .prj. @p encoding is the DBF encoding GDAL recodes to
 * ("UTF-8"), or "" to write the bytes given as they are.
 */
gen_layer gen_create(const char *dir, const char *name, const char *driver, int epsg,
                     OGRwkbGeometryType type, const gen_field *fields, size_t count,
                     const char *encoding);
/**
 * Write one feature. @p values holds one string per field; NULL leaves the
 * field null. @p geom may be NULL (a null geometry); it is not taken over.
 */
void gen_write(gen_layer *out, OGRGeometryH geom, const char *const *values);
void gen_close(gen_layer *out);

/** Write @p text into DIR/NAME (a .cpg), replacing it. */
void gen_write_text(const char *dir, const char *name, const char *text);
/** Create a directory and its parents, as mkdir -p. */
void gen_mkdirs(const char *dir);
/** Print a message and exit 3. */
_Noreturn void gen_die(const char *what, const char *detail);

/* ---- legacy Vietnamese encodings -------------------------------------- */

/**
 * Convert NFC UTF-8 to TCVN3 (TCVN 5712:1993, VN3). Fails (returns -1) on a
 * character VN3 cannot hold. @p out gets a NUL-terminated string.
 */
int gen_to_tcvn3(const char *utf8, char *out, size_t size);
/** Convert NFC UTF-8 to Windows-1258 with iconv; -1 on failure. */
int gen_to_cp1258(const char *utf8, char *out, size_t size);

#endif
