/*
 * check_sample.c - the committed Dien Bien Phu sample map is what its
 * README promises: 12 zones that tile the city without gaps or overlaps,
 * ~22,000 households each well inside the zone its POSTCODE names, unique
 * ids, shared doors, and households on both sides of the 103 E meridian.
 *
 * usage: check_sample DIR   (DIR holds zones.shp and households.shp)
 */
#include "maptest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/code.h"

#define ZONES 12

static const struct {
    const char *postcode, *name, *kind;
} expected_zones[ZONES] = {
    {"32101", "Mường Thanh", "phường"},  {"32102", "Him Lam", "phường"},
    {"32103", "Tân Thanh", "phường"},    {"32104", "Thanh Bình", "phường"},
    {"32105", "Nam Thanh", "phường"},    {"32106", "Noong Bua", "phường"},
    {"32107", "Thanh Trường", "phường"}, {"32108", "Thanh Minh", "xã"},
    {"32109", "Nà Tấu", "xã"},           {"32110", "Nà Nhạn", "xã"},
    {"32111", "Mường Phăng", "xã"},      {"32112", "Pá Khoang", "xã"},
};

typedef struct zone {
    OGRGeometryH geom, boundary;
} zone;

static const char *field(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
}

static OGRCoordinateTransformationH to_wgs84(OGRLayerH layer)
{
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs84, 4326);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct =
        OCTNewCoordinateTransformation(OGR_L_GetSpatialRef(layer), wgs84);
    OSRDestroySpatialReference(wgs84);
    return ct;
}

static void check_crs(const char *dir, OGRLayerH layer)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    dc_check(srs && strcmp(OSRGetName(srs), "VN-2000 / TM-3 103-00") == 0,
             "zones CRS is %s", srs ? OSRGetName(srs) : "(none)");
    char path[4096], prj[2048] = "";
    snprintf(path, sizeof path, "%s/zones.prj", dir);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(prj, 1, sizeof prj - 1, f) : 0;
    prj[n] = '\0';
    if (f) fclose(f);
    dc_check(strstr(prj, "DATUM[\"D_Vietnam_2000\"") != NULL,
             "zones.prj is not ESRI WKT");
}

static void check_zone_row(OGRFeatureH f, int i)
{
    dc_check(strcmp(field(f, "POSTCODE"), expected_zones[i].postcode) == 0,
             "zone %d postcode %s", i, field(f, "POSTCODE"));
    dc_check(strcmp(field(f, "NAME"), expected_zones[i].name) == 0, "zone %d name %s", i,
             field(f, "NAME"));
    dc_check(strcmp(field(f, "KIND"), expected_zones[i].kind) == 0, "zone %d kind", i);
    dc_check(strlen(field(f, "COMMUNE")) == 5, "zone %d commune code", i);
    dc_check(strcmp(field(f, "DISTRICT"), "Thành phố Điện Biên Phủ") == 0, "district");
    dc_check(strcmp(field(f, "PROVINCE"), "Điện Biên") == 0, "province");
}

/* Every point of the zone within 0.4 degrees of its bounding-box centre. */
static void check_extent(OGRGeometryH geom, OGRCoordinateTransformationH ct, int i)
{
    OGRGeometryH g = OGR_G_Clone(geom);
    OGR_G_Transform(g, ct);
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    dc_check(e.MaxX - e.MinX < 0.8 && e.MaxY - e.MinY < 0.8, "zone %d too large", i);
    OGR_G_DestroyGeometry(g);
}

static void read_zones(const char *dir, zone *zones)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/zones.shp", dir);
    GDALDatasetH ds = dc_test_open(path, 0);
    OGRLayerH layer = dc_test_layer(ds);
    check_crs(dir, layer);
    dc_check(OGR_L_GetFeatureCount(layer, TRUE) == ZONES, "zone count %lld",
             (long long)OGR_L_GetFeatureCount(layer, TRUE));
    OGRCoordinateTransformationH ct = to_wgs84(layer);
    OGRFeatureH f;
    for (int i = 0; (f = OGR_L_GetNextFeature(layer)) != NULL; i++) {
        if (i < ZONES) {
            check_zone_row(f, i);
            zones[i].geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
            zones[i].boundary = OGR_G_Boundary(zones[i].geom);
            check_extent(zones[i].geom, ct, i);
        }
        OGR_F_Destroy(f);
    }
    OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
}

/* Area of the surfaces in @p g; shared edges come back as lines, area 0. */
static double surface_area(OGRGeometryH g)
{
    if (!g) return 0;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon || t == wkbMultiPolygon) return OGR_G_Area(g);
    double sum = 0;
    if (t == wkbGeometryCollection)
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            sum += surface_area(OGR_G_GetGeometryRef(g, i));
    return sum;
}

static void check_tiling(const zone *zones)
{
    double sum = 0;
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (int i = 0; i < ZONES; i++) {
        sum += OGR_G_Area(zones[i].geom);
        OGR_G_AddGeometry(all, zones[i].geom);
        for (int j = i + 1; j < ZONES; j++) {
            OGRGeometryH x = OGR_G_Intersection(zones[i].geom, zones[j].geom);
            double area = surface_area(x);
            dc_check(area < 1.0, "zones %d and %d overlap by %.3f m2", i, j, area);
            OGR_G_DestroyGeometry(x);
        }
    }
    OGRGeometryH u = OGR_G_UnionCascaded(all);
    double area = OGR_G_Area(u);
    dc_check(wkbFlatten(OGR_G_GetGeometryType(u)) == wkbPolygon,
             "union is not a polygon");
    dc_check(OGR_G_GetGeometryCount(u) == 1, "union has %d rings (gaps)",
             OGR_G_GetGeometryCount(u));
    dc_check(fabs(sum - area) / area < 1e-4, "zone areas %.1f vs outline %.1f", sum,
             area);
    printf("outline area %.2f km2, zone area sum %.2f km2\n", area / 1e6, sum / 1e6);
    OGR_G_DestroyGeometry(u);
    OGR_G_DestroyGeometry(all);
}

static int zone_index(const char *postcode)
{
    for (int i = 0; i < ZONES; i++)
        if (strcmp(expected_zones[i].postcode, postcode) == 0) return i;
    return -1;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Pairs of households in one group of equal strings: n * (n - 1) / 2. */
static long count_pairs(char **items, long n, long *in_groups)
{
    qsort(items, (size_t)n, sizeof *items, compare_strings);
    long pairs = 0;
    *in_groups = 0;
    for (long i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(items[i], items[j]) == 0; j++)
            ;
        pairs += (j - i) * (j - i - 1) / 2;
        *in_groups += j - i > 1 ? j - i : 0;
    }
    return pairs;
}

typedef struct household_stats {
    long count, west, outside;
    char **ids, **cells;
} household_stats;

static void check_household(OGRFeatureH f, const zone *zones,
                            OGRCoordinateTransformationH ct, household_stats *s)
{
    OGRGeometryH pt = OGR_F_GetGeometryRef(f);
    int z = zone_index(field(f, "POSTCODE"));
    int inside = z >= 0 && pt && OGR_G_Contains(zones[z].geom, pt) &&
                 OGR_G_Distance(pt, zones[z].boundary) >= 5.0;
    if (!inside && s->outside++ < 5)
        dc_check(0, "household %s not 5 m inside zone %s", field(f, "HH_ID"),
                 field(f, "POSTCODE"));
    double x = pt ? OGR_G_GetX(pt, 0) : 0, y = pt ? OGR_G_GetY(pt, 0) : 0;
    OCTTransform(ct, 1, &x, &y, NULL);
    char code[DC_OLC_SIZE];
    dc_check(dc_olc_encode(y, x, 11, code, sizeof code) == DC_OK, "OLC encode");
    s->west += x < 103.0;
    s->ids[s->count] = strdup(field(f, "HH_ID"));
    s->cells[s->count] = strdup(code);
    s->count++;
}

static void check_households(const char *dir, const zone *zones)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/households.shp", dir);
    GDALDatasetH ds = dc_test_open(path, 0);
    OGRLayerH layer = dc_test_layer(ds);
    long total = (long)OGR_L_GetFeatureCount(layer, TRUE);
    household_stats s = {0, 0, 0, calloc((size_t)total, sizeof(char *)),
                         calloc((size_t)total, sizeof(char *))};
    OGRCoordinateTransformationH ct = to_wgs84(layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL && s.count < total) {
        check_household(f, zones, ct, &s);
        OGR_F_Destroy(f);
    }
    long in_groups, dup_ids = count_pairs(s.ids, s.count, &in_groups);
    long pairs = count_pairs(s.cells, s.count, &in_groups);
    printf("households %ld, west of 103 E %ld, shared-door pairs %ld (%.1f%% of "
           "households)\n",
           s.count, s.west, pairs, 100.0 * in_groups / s.count);
    dc_check(s.count >= 20000 && s.count <= 24000, "household count %ld", s.count);
    dc_check(s.outside == 0, "%ld households outside their zone", s.outside);
    dc_check(dup_ids == 0, "%ld duplicate household ids", dup_ids);
    dc_check(pairs >= 100, "only %ld shared-door pairs", pairs);
    dc_check(in_groups >= s.count / 100 && in_groups <= s.count / 25,
             "%ld households share a door", in_groups);
    dc_check(s.west >= 100, "only %ld households west of 103 E", s.west);
    for (long i = 0; i < s.count; i++) {
        free(s.ids[i]);
        free(s.cells[i]);
    }
    free(s.ids);
    free(s.cells);
    OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: check_sample DIR\n");
        return 2;
    }
    GDALAllRegister();
    zone zones[ZONES] = {{0}};
    read_zones(argv[1], zones);
    check_tiling(zones);
    check_households(argv[1], zones);
    for (int i = 0; i < ZONES; i++) {
        OGR_G_DestroyGeometry(zones[i].geom);
        OGR_G_DestroyGeometry(zones[i].boundary);
    }
    return dc_test_status("check_sample");
}
