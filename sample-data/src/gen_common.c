/*
 * gen_common.c - the local frame, CRS and OGR writing shared by the map
 * generators.
 */
#include "gen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_string.h>

_Noreturn void gen_die(const char *what, const char *detail)
{
    fprintf(stderr, "diachi-gen: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(3);
}

/* ---- local frame ------------------------------------------------------- */

gen_xy gen_frame_from_deg(double lat, double lon)
{
    gen_xy p = {(lon - GEN_FRAME_LON0) * GEN_M_PER_DEG_LON,
                (lat - GEN_FRAME_LAT0) * GEN_M_PER_DEG_LAT};
    return p;
}

void gen_frame_to_deg(gen_xy p, double *lat, double *lon)
{
    *lat = GEN_FRAME_LAT0 + p.y / GEN_M_PER_DEG_LAT;
    *lon = GEN_FRAME_LON0 + p.x / GEN_M_PER_DEG_LON;
}

/* ---- CRS --------------------------------------------------------------- */

OGRSpatialReferenceH gen_srs(int epsg)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (OSRImportFromEPSG(srs, epsg) != OGRERR_NONE) gen_die("unknown EPSG code", NULL);
    /* EPSG:4326 is latitude-first by the book; every caller here passes x/y. */
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OGRCoordinateTransformationH gen_from_wgs84(int epsg)
{
    OGRSpatialReferenceH wgs84 = gen_srs(GEN_EPSG_WGS84);
    OGRSpatialReferenceH target = gen_srs(epsg);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(wgs84, target);
    OSRDestroySpatialReference(wgs84);
    OSRDestroySpatialReference(target);
    if (!ct) gen_die("cannot create a coordinate transformation", CPLGetLastErrorMsg());
    return ct;
}

void gen_transform(OGRCoordinateTransformationH ct, double *x, double *y)
{
    int ok = 0;
    if (!OCTTransformEx(ct, 1, x, y, NULL, &ok) || !ok)
        gen_die("coordinate transformation failed", CPLGetLastErrorMsg());
}

/* ---- files ------------------------------------------------------------ */

void gen_mkdirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        gen_die("path too long", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            gen_die("cannot create directory", path);
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        gen_die("cannot create directory", path);
}

void gen_write_text(const char *dir, const char *name, const char *text)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        gen_die("path too long", dir);
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0) gen_die("cannot write", path);
}

/* GDAL's delete leaves sidecars it does not know, so remove ours by name. */
static void remove_old(const char *path_no_ext, int shapefile)
{
    static const char *const exts[] = {".shp", ".shx", ".dbf", ".prj", ".cpg"};
    static const char *const geojson[] = {".geojson"};
    const char *const *list = shapefile ? exts : geojson;
    size_t count = shapefile ? sizeof exts / sizeof exts[0] : 1;
    char path[4096];
    for (size_t i = 0; i < count; i++) {
        if (snprintf(path, sizeof path, "%s%s", path_no_ext, list[i]) >= (int)sizeof path)
            gen_die("path too long", path_no_ext);
        if (unlink(path) != 0 && errno != ENOENT) gen_die("cannot remove", path);
    }
}

static void add_fields(OGRLayerH layer, const gen_field *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i].name, OFTString);
        OGR_Fld_SetWidth(fd, fields[i].width);
        if (OGR_L_CreateField(layer, fd, TRUE) != OGRERR_NONE)
            gen_die("cannot create field", fields[i].name);
        OGR_Fld_Destroy(fd);
    }
}

gen_layer gen_create(const char *dir, const char *name, const char *driver, int epsg,
                     OGRwkbGeometryType type, const gen_field *fields, size_t count,
                     const char *encoding)
{
    int shapefile = strcmp(driver, "ESRI Shapefile") == 0;
    char base[4096], path[4096];
    if (snprintf(base, sizeof base, "%s/%s", dir, name) >= (int)sizeof base - 16)
        gen_die("path too long", dir);
    if (snprintf(path, sizeof path, "%s%s", base, shapefile ? ".shp" : ".geojson") >=
        (int)sizeof path)
        gen_die("path too long", dir);
    remove_old(base, shapefile);

    GDALDriverH drv = GDALGetDriverByName(driver);
    if (!drv) gen_die("GDAL driver missing", driver);
    gen_layer out = {GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL), NULL};
    if (!out.ds) gen_die("cannot create", path);

    char **options = NULL;
    if (shapefile) options = CSLSetNameValue(options, "ENCODING", encoding);
    OGRSpatialReferenceH srs = epsg ? gen_srs(epsg) : NULL;
    out.layer = GDALDatasetCreateLayer(out.ds, name, srs, type, options);
    CSLDestroy(options);
    if (srs) OSRDestroySpatialReference(srs);
    if (!out.layer) gen_die("cannot create layer", path);
    add_fields(out.layer, fields, count);
    return out;
}

void gen_write(gen_layer *out, OGRGeometryH geom, const char *const *values)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(out->layer);
    OGRFeatureH f = OGR_F_Create(defn);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        int width = OGR_Fld_GetWidth(OGR_FD_GetFieldDefn(defn, i));
        /* GDAL would truncate silently, perhaps inside a UTF-8 sequence. */
        if (values[i] && (int)strlen(values[i]) > width)
            gen_die("value longer than its field", values[i]);
        if (values[i])
            OGR_F_SetFieldString(f, i, values[i]);
        else
            OGR_F_SetFieldNull(f, i);
    }
    if (geom) OGR_F_SetGeometry(f, geom);
    if (OGR_L_CreateFeature(out->layer, f) != OGRERR_NONE)
        gen_die("cannot write feature", CPLGetLastErrorMsg());
    OGR_F_Destroy(f);
}

void gen_close(gen_layer *out)
{
    /* GDAL 3.6's GDALClose() reports nothing; a failed flush shows as an error. */
    CPLErrorReset();
    if (out->ds) GDALClose(out->ds);
    if (CPLGetLastErrorType() >= CE_Failure)
        gen_die("cannot close dataset", CPLGetLastErrorMsg());
    out->ds = NULL;
    out->layer = NULL;
}
