/*
 * compare_maps.c - two generated maps hold the same features: the same
 * geometry (WKB, byte for byte), the same attributes, the same .prj and
 * .cpg. The .dbf header carries the write date, so files are compared
 * through OGR rather than byte for byte.
 *
 * usage: compare_maps DIR_A DIR_B [LAYER...]   (default: zones households)
 */
#include "maptest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const layers[] = {"zones", "households"};

static char *slurp(const char *dir, const char *name, const char *ext)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "rb");
    char *text = calloc(1, 4096);
    if (f) {
        size_t n = fread(text, 1, 4095, f);
        text[n] = '\0';
        fclose(f);
    }
    return text;
}

static int same_geometry(OGRGeometryH a, OGRGeometryH b)
{
    if (!a || !b) return a == b;
    int n = OGR_G_WkbSize(a);
    if (n != OGR_G_WkbSize(b)) return 0;
    unsigned char *wa = malloc((size_t)n), *wb = malloc((size_t)n);
    OGR_G_ExportToWkb(a, wkbNDR, wa);
    OGR_G_ExportToWkb(b, wkbNDR, wb);
    int same = memcmp(wa, wb, (size_t)n) == 0;
    free(wa);
    free(wb);
    return same;
}

static int same_fields(OGRFeatureH a, OGRFeatureH b)
{
    int n = OGR_F_GetFieldCount(a);
    if (n != OGR_F_GetFieldCount(b)) return 0;
    for (int i = 0; i < n; i++) {
        int set_a = OGR_F_IsFieldSetAndNotNull(a, i),
            set_b = OGR_F_IsFieldSetAndNotNull(b, i);
        if (set_a != set_b ||
            (set_a && strcmp(OGR_F_GetFieldAsString(a, i), OGR_F_GetFieldAsString(b, i))))
            return 0;
        if (strcmp(OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(a, i)),
                   OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(b, i))))
            return 0;
    }
    return 1;
}

static void compare_layer(const char *dir_a, const char *dir_b, const char *name)
{
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/%s.shp", dir_a, name);
    snprintf(pb, sizeof pb, "%s/%s.shp", dir_b, name);
    GDALDatasetH da = dc_test_open(pa, 0), db = dc_test_open(pb, 0);
    OGRLayerH la = dc_test_layer(da), lb = dc_test_layer(db);
    long long na = OGR_L_GetFeatureCount(la, TRUE), nb = OGR_L_GetFeatureCount(lb, TRUE);
    dc_check(na == nb, "%s: %lld features vs %lld", name, na, nb);
    long differ = 0;
    for (long long i = 0; i < na && i < nb; i++) {
        OGRFeatureH fa = OGR_L_GetNextFeature(la), fb = OGR_L_GetNextFeature(lb);
        if (!same_geometry(OGR_F_GetGeometryRef(fa), OGR_F_GetGeometryRef(fb)) ||
            !same_fields(fa, fb))
            differ++;
        OGR_F_Destroy(fa);
        OGR_F_Destroy(fb);
    }
    dc_check(differ == 0, "%s: %ld features differ", name, differ);
    GDALClose(da);
    GDALClose(db);
    for (int k = 0; k < 2; k++) {
        const char *ext = k ? "cpg" : "prj";
        char *ta = slurp(dir_a, name, ext), *tb = slurp(dir_b, name, ext);
        dc_check(*ta && strcmp(ta, tb) == 0, "%s.%s differs or is missing", name, ext);
        free(ta);
        free(tb);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: compare_maps DIR_A DIR_B [LAYER...]\n");
        return 2;
    }
    GDALAllRegister();
    if (argc > 3)
        for (int i = 3; i < argc; i++)
            compare_layer(argv[1], argv[2], argv[i]);
    else
        for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++)
            compare_layer(argv[1], argv[2], layers[i]);
    return dc_test_status("compare_maps");
}
