/*
 * check_edge.c - every edge-case map of tests/data/edge opens with OGR and
 * holds what tests/data/README.md documents: its feature count, its CRS,
 * and, for the legacy encodings, the exact bytes of the names.
 *
 * usage: check_edge DIR   (DIR is tests/data/edge)
 */
#include "maptest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *path;
    long long features;
    int epsg; /* 0: no CRS at all */
} files[] = {
    {"shared-door/zones.shp", 1, 9205},
    {"shared-door/households.shp", 3, 9205},
    {"on-boundary/zones.shp", 4, 9205},
    {"on-boundary/households.shp", 3, 9205},
    {"outside/zones.shp", 1, 9205},
    {"outside/households.shp", 2, 9205},
    {"enclave/zones.shp", 2, 9205},
    {"enclave/households.shp", 2, 9205},
    {"multipart/zones.shp", 3, 9205},
    {"multipart/households.shp", 4, 9205},
    {"bowtie/zones.shp", 2, 9205},
    {"bowtie/households.shp", 3, 9205},
    {"postcode/zones.shp", 5, 9205},
    {"postcode/zones.geojson", 5, 9205},
    {"postcode/households.shp", 5, 9205},
    {"household-ids/zones.shp", 1, 9205},
    {"household-ids/households.shp", 5, 9205},
    {"mixed-crs/zones.shp", 2, 4326},
    {"mixed-crs/households.shp", 2, 3405},
    {"encoding/zones-utf8.shp", 12, 9205},
    {"encoding/zones-tcvn3.shp", 12, 9205},
    {"encoding/zones-cp1258.shp", 12, 9205},
    {"no-prj/zones.shp", 1, 0},
    {"no-prj/households.shp", 1, 9205},
};

/* NAME of the first zone ("Mường Thanh") and KIND of the second
 * ("phường") as stored, read with ENCODING="" so GDAL leaves them alone. */
static const struct {
    const char *path, *name, *kind, *cpg;
} encodings[] = {
    {"encoding/zones-utf8.shp", "M\xc6\xb0\xe1\xbb\x9dng Thanh",
     "ph\xc6\xb0\xe1\xbb\x9dng", "UTF-8"},
    {"encoding/zones-tcvn3.shp", "M\xad\xeang Thanh", "ph\xad\xeang", "TCVN5712-1"},
    {"encoding/zones-cp1258.shp", "M\xfd\xf5\xccng Thanh", "ph\xfd\xf5\xccng", "1258"},
};

static int layer_epsg(OGRLayerH layer)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    if (!srs) return 0;
    OGRSpatialReferenceH copy = OSRClone(srs);
    OSRAutoIdentifyEPSG(copy);
    const char *code = OSRGetAuthorityCode(copy, NULL);
    int epsg = code ? atoi(code) : -1;
    OSRDestroySpatialReference(copy);
    return epsg;
}

static void check_file(const char *dir, int i)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, files[i].path);
    GDALDatasetH ds = dc_test_open(path, 0);
    OGRLayerH layer = dc_test_layer(ds);
    long long n = OGR_L_GetFeatureCount(layer, TRUE);
    dc_check(n == files[i].features, "%s: %lld features, expected %lld", files[i].path, n,
             files[i].features);
    int epsg = layer_epsg(layer);
    dc_check(epsg == files[i].epsg, "%s: EPSG %d, expected %d", files[i].path, epsg,
             files[i].epsg);
    GDALClose(ds);
}

static void read_cpg(const char *shp, char *out, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%.*s.cpg", (int)(strlen(shp) - 4), shp);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(out, 1, size - 1, f) : 0;
    out[n] = '\0';
    if (f) fclose(f);
}

static void check_encoding(const char *dir, int i)
{
    char path[4096], cpg[64];
    snprintf(path, sizeof path, "%s/%s", dir, encodings[i].path);
    read_cpg(path, cpg, sizeof cpg);
    dc_check(strcmp(cpg, encodings[i].cpg) == 0, "%s: .cpg is '%s'", path, cpg);
    GDALDatasetH ds = dc_test_open(path, 1);
    OGRLayerH layer = dc_test_layer(ds);
    OGRFeatureH first = OGR_L_GetNextFeature(layer), second = OGR_L_GetNextFeature(layer);
    const char *name = OGR_F_GetFieldAsString(first, OGR_F_GetFieldIndex(first, "NAME"));
    const char *kind =
        OGR_F_GetFieldAsString(second, OGR_F_GetFieldIndex(second, "KIND"));
    dc_check(strcmp(name, encodings[i].name) == 0, "%s: NAME bytes differ", path);
    dc_check(strcmp(kind, encodings[i].kind) == 0, "%s: KIND bytes differ", path);
    OGR_F_Destroy(first);
    OGR_F_Destroy(second);
    GDALClose(ds);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: check_edge DIR\n");
        return 2;
    }
    GDALAllRegister();
    for (int i = 0; i < (int)(sizeof files / sizeof files[0]); i++)
        check_file(argv[1], i);
    for (int i = 0; i < (int)(sizeof encodings / sizeof encodings[0]); i++)
        check_encoding(argv[1], i);
    return dc_test_status("check_edge");
}
