/*
 * gen_edge.c - diachi-gen-edge: writes the tiny edge-case maps of
 * tests/data/edge/, one folder per case, each with zones.shp and/or
 * households.shp near Dien Bien Phu. Coordinates are whole metres (or
 * whole centimetres) in the file's CRS, so "on the boundary" is exact in
 * the file. tests/data/README.md says what each case holds and what an
 * importer should report for it.
 *
 *     diachi-gen-edge --out tests/data/edge
 */
#include "gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A corner of Mường Thanh ward in EPSG:9205 (about 21.3810 N, 103.0193 E). */
#define E0 502000.0
#define N0 2365000.0

static const gen_field zone_fields[] = {
    {"POSTCODE", 5}, {"NAME", 40},     {"KIND", 12},
    {"COMMUNE", 5},  {"DISTRICT", 48}, {"PROVINCE", 24},
};
static const gen_field household_fields[] = {
    {"HH_ID", 10}, {"HOUSE_NO", 10}, {"STREET", 40}, {"GROUP", 32}, {"POSTCODE", 5},
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct zone_row {
    const char *postcode, *name, *kind, *commune;
} zone_row;

static const zone_row all_zones[] = {
    {"32101", "Mường Thanh", "phường", "03127"},
    {"32102", "Him Lam", "phường", "03124"},
    {"32103", "Tân Thanh", "phường", "03128"},
    {"32104", "Thanh Bình", "phường", "03126"},
    {"32105", "Nam Thanh", "phường", "03130"},
    {"32106", "Noong Bua", "phường", "03121"},
    {"32107", "Thanh Trường", "phường", "03129"},
    {"32108", "Thanh Minh", "xã", "03133"},
    {"32109", "Nà Tấu", "xã", "03151"},
    {"32110", "Nà Nhạn", "xã", "03154"},
    {"32111", "Mường Phăng", "xã", "03157"},
    {"32112", "Pá Khoang", "xã", "03160"},
};

static const char *out_root;

static void case_dir(const char *name, char *dir, size_t size)
{
    if (snprintf(dir, size, "%s/%s", out_root, name) >= (int)size)
        gen_die("path too long", name);
    gen_mkdirs(dir);
}

/* ---- geometry ------------------------------------------------------------ */

static OGRGeometryH ring_of(const double (*pts)[2], int count)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i <= count; i++)
        OGR_G_AddPoint_2D(ring, pts[i % count][0], pts[i % count][1]);
    return ring;
}

static OGRGeometryH square_ring(double x0, double y0, double x1, double y1)
{
    const double pts[4][2] = {{x0, y0}, {x0, y1}, {x1, y1}, {x1, y0}};
    return ring_of(pts, 4);
}

static OGRGeometryH square(double x0, double y0, double x1, double y1)
{
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, square_ring(x0, y0, x1, y1));
    return poly;
}

static OGRGeometryH point(double x, double y)
{
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, x, y);
    return pt;
}

/* ---- writing ------------------------------------------------------------- */

static void zone(gen_layer *out, OGRGeometryH geom, const char *postcode,
                 const char *name)
{
    const char *values[] = {
        postcode, name, "phường", "03127", "Thành phố Điện Biên Phủ", "Điện Biên"};
    gen_write(out, geom, values);
    OGR_G_DestroyGeometry(geom);
}

static void household(gen_layer *out, OGRGeometryH geom, const char *id,
                      const char *postcode)
{
    const char *values[] = {id, "1", "Võ Nguyên Giáp", "Tổ dân phố 1", postcode};
    gen_write(out, geom, values);
    if (geom) OGR_G_DestroyGeometry(geom);
}

static gen_layer zones_layer(const char *dir, const char *name, int epsg,
                             OGRwkbGeometryType type, const char *encoding)
{
    return gen_create(dir, name, "ESRI Shapefile", epsg, type, zone_fields,
                      COUNT(zone_fields), encoding);
}

static gen_layer households_layer(const char *dir, int epsg)
{
    return gen_create(dir, "households", "ESRI Shapefile", epsg, wkbPoint,
                      household_fields, COUNT(household_fields), "UTF-8");
}

/* One 400 m square zone 32101 at the anchor, shared by several cases. */
static void one_zone(const char *dir, int epsg)
{
    gen_layer z = zones_layer(dir, "zones", epsg, wkbPolygon, "UTF-8");
    zone(&z, square(E0, N0, E0 + 400, N0 + 400), "32101", "Mường Thanh");
    gen_close(&z);
}

/* ---- the cases ------------------------------------------------------------ */

static void case_shared_door(void)
{
    char dir[4096];
    case_dir("shared-door", dir, sizeof dir);
    /* The door is the centre of one ~3 m OLC cell; both households stay
     * within 0.5 m of it, so they share the 11-digit code. */
    double lat = (floor(21.3827 * 40000.0) + 0.5) / 40000.0;
    double lon = (floor(103.0212 * 32000.0) + 0.5) / 32000.0;
    OGRCoordinateTransformationH ct = gen_from_wgs84(GEN_EPSG_VN2000_TM3_103);
    double x = lon, y = lat;
    gen_transform(ct, &x, &y);
    OCTDestroyCoordinateTransformation(ct);
    x = round(x * 100) / 100;
    y = round(y * 100) / 100;
    gen_layer z = zones_layer(dir, "zones", GEN_EPSG_VN2000_TM3_103, wkbPolygon, "UTF-8");
    zone(&z, square(round(x) - 200, round(y) - 200, round(x) + 200, round(y) + 200),
         "32101", "Mường Thanh");
    gen_close(&z);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(x, y), "H-1", "32101");
    household(&h, point(x + 0.30, y + 0.20), "H-2", "32101");
    household(&h, point(x + 40, y), "H-3", "32101");
    gen_close(&h);
}

static void case_on_boundary(void)
{
    char dir[4096];
    case_dir("on-boundary", dir, sizeof dir);
    gen_layer z = zones_layer(dir, "zones", GEN_EPSG_VN2000_TM3_103, wkbPolygon, "UTF-8");
    zone(&z, square(E0 - 200, N0, E0, N0 + 200), "32101", "Mường Thanh");
    zone(&z, square(E0, N0, E0 + 200, N0 + 200), "32102", "Him Lam");
    zone(&z, square(E0 - 200, N0 - 200, E0, N0), "32103", "Tân Thanh");
    zone(&z, square(E0, N0 - 200, E0 + 200, N0), "32104", "Thanh Bình");
    gen_close(&z);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(E0, N0 + 100), "H-1", "32101");
    household(&h, point(E0, N0), "H-2", "32101");
    household(&h, point(E0 - 100, N0 + 100), "H-3", "32101");
    gen_close(&h);
}

static void case_outside(void)
{
    char dir[4096];
    case_dir("outside", dir, sizeof dir);
    one_zone(dir, GEN_EPSG_VN2000_TM3_103);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(E0 + 200, N0 + 200), "H-1", "32101");
    household(&h, point(E0 + 1400, N0 + 200), "H-2", "32101");
    gen_close(&h);
}

static void case_enclave(void)
{
    char dir[4096];
    case_dir("enclave", dir, sizeof dir);
    gen_layer z = zones_layer(dir, "zones", GEN_EPSG_VN2000_TM3_103, wkbPolygon, "UTF-8");
    OGRGeometryH outer = square(E0, N0, E0 + 600, N0 + 600);
    OGR_G_AddGeometryDirectly(outer, square_ring(E0 + 200, N0 + 200, E0 + 400, N0 + 400));
    zone(&z, outer, "32101", "Mường Thanh");
    zone(&z, square(E0 + 200, N0 + 200, E0 + 400, N0 + 400), "32102", "Him Lam");
    gen_close(&z);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(E0 + 100, N0 + 300), "H-1", "32101");
    household(&h, point(E0 + 300, N0 + 300), "H-2", "32102");
    gen_close(&h);
}

static void case_multipart(void)
{
    char dir[4096];
    case_dir("multipart", dir, sizeof dir);
    gen_layer z =
        zones_layer(dir, "zones", GEN_EPSG_VN2000_TM3_103, wkbMultiPolygon, "UTF-8");
    OGRGeometryH multi = OGR_G_CreateGeometry(wkbMultiPolygon);
    OGR_G_AddGeometryDirectly(multi, square(E0, N0, E0 + 200, N0 + 200));
    OGR_G_AddGeometryDirectly(multi, square(E0 + 1000, N0, E0 + 1200, N0 + 200));
    zone(&z, multi, "32101", "Mường Thanh");
    zone(&z, square(E0, N0 + 1000, E0 + 200, N0 + 1200), "32102", "Him Lam");
    zone(&z, square(E0 + 1000, N0 + 1000, E0 + 1200, N0 + 1200), "32102", "Him Lam");
    gen_close(&z);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(E0 + 100, N0 + 100), "H-1", "32101");
    household(&h, point(E0 + 1100, N0 + 100), "H-2", "32101");
    household(&h, point(E0 + 100, N0 + 1100), "H-3", "32102");
    household(&h, point(E0 + 1100, N0 + 1100), "H-4", "32102");
    gen_close(&h);
}

static void case_bowtie(void)
{
    char dir[4096];
    case_dir("bowtie", dir, sizeof dir);
    gen_layer z = zones_layer(dir, "zones", GEN_EPSG_VN2000_TM3_103, wkbPolygon, "UTF-8");
    /* The ring crosses itself at (E0 + 200, N0 + 100). */
    const double tie[4][2] = {
        {E0, N0}, {E0 + 400, N0 + 200}, {E0 + 400, N0}, {E0, N0 + 200}};
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring_of(tie, 4));
    zone(&z, poly, "32101", "Mường Thanh");
    zone(&z, square(E0, N0 + 400, E0 + 200, N0 + 600), "32102", "Him Lam");
    gen_close(&z);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(E0 + 50, N0 + 100), "H-1", "32101");
    household(&h, point(E0 + 350, N0 + 100), "H-2", "32101");
    household(&h, point(E0 + 100, N0 + 500), "H-3", "32102");
    gen_close(&h);
}

static void postcode_zones(const char *dir, const char *driver)
{
    gen_layer z = gen_create(dir, "zones", driver, GEN_EPSG_VN2000_TM3_103, wkbPolygon,
                             zone_fields, COUNT(zone_fields), "UTF-8");
    zone(&z, square(E0, N0, E0 + 200, N0 + 200), NULL, "Mường Thanh");
    zone(&z, square(E0 + 400, N0, E0 + 600, N0 + 200), "", "Him Lam");
    zone(&z, square(E0 + 800, N0, E0 + 1000, N0 + 200), "32105", "Nam Thanh");
    zone(&z, square(E0 + 1200, N0, E0 + 1400, N0 + 200), "32105", "Noong Bua");
    zone(&z, square(E0 + 1600, N0, E0 + 1800, N0 + 200), "32103", "Tân Thanh");
    gen_close(&z);
}

static void case_postcode(void)
{
    char dir[4096];
    case_dir("postcode", dir, sizeof dir);
    postcode_zones(dir, "ESRI Shapefile");
    /* A shapefile cannot tell a null string from an empty one; GeoJSON can. */
    postcode_zones(dir, "GeoJSON");
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    const char *ids[] = {"H-1", "H-2", "H-3", "H-4", "H-5"};
    const char *codes[] = {"32101", "32102", "32105", "32105", "32103"};
    for (int i = 0; i < 5; i++)
        household(&h, point(E0 + 100 + 400 * i, N0 + 100), ids[i], codes[i]);
    gen_close(&h);
}

static void case_household_ids(void)
{
    char dir[4096];
    case_dir("household-ids", dir, sizeof dir);
    one_zone(dir, GEN_EPSG_VN2000_TM3_103);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(E0 + 100, N0 + 100), "H-1", "32101");
    household(&h, NULL, "H-2", "32101");
    household(&h, point(E0 + 150, N0 + 100), "", "32101");
    household(&h, point(E0 + 200, N0 + 100), "H-4", "32101");
    household(&h, point(E0 + 250, N0 + 100), "H-4", "32101");
    gen_close(&h);
}

static void case_mixed_crs(void)
{
    char dir[4096];
    case_dir("mixed-crs", dir, sizeof dir);
    gen_layer z = zones_layer(dir, "zones", GEN_EPSG_WGS84, wkbPolygon, "UTF-8");
    zone(&z, square(103.015, 21.384, 103.019, 21.388), "32101", "Mường Thanh");
    zone(&z, square(103.019, 21.384, 103.023, 21.388), "32102", "Him Lam");
    gen_close(&z);
    OGRCoordinateTransformationH ct = gen_from_wgs84(GEN_EPSG_VN2000_UTM48N);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_UTM48N);
    const double at[2][2] = {{103.017, 21.386}, {103.021, 21.386}};
    const char *ids[] = {"H-1", "H-2"}, *codes[] = {"32101", "32102"};
    for (int i = 0; i < 2; i++) {
        double x = at[i][0], y = at[i][1];
        gen_transform(ct, &x, &y);
        household(&h, point(round(x * 100) / 100, round(y * 100) / 100), ids[i],
                  codes[i]);
    }
    gen_close(&h);
    OCTDestroyCoordinateTransformation(ct);
}

typedef int (*encoder)(const char *utf8, char *out, size_t size);

static const char *encoded(encoder enc, const char *utf8, char *buf, size_t size)
{
    if (!enc) return utf8;
    if (enc(utf8, buf, size) != 0) gen_die("cannot encode", utf8);
    return buf;
}

/* The 12 sample zones as 300 m squares, attributes in one encoding. */
static void encoded_zones(const char *dir, const char *name, encoder enc, const char *cpg)
{
    gen_layer z =
        zones_layer(dir, name, GEN_EPSG_VN2000_TM3_103, wkbPolygon, enc ? "" : "UTF-8");
    char b[4][96];
    for (int i = 0; i < (int)COUNT(all_zones); i++) {
        const zone_row *r = &all_zones[i];
        double x = E0 + 300.0 * (i % 4), y = N0 + 300.0 * (i / 4);
        const char *values[] = {
            r->postcode,
            encoded(enc, r->name, b[0], sizeof b[0]),
            encoded(enc, r->kind, b[1], sizeof b[1]),
            r->commune,
            encoded(enc, "Thành phố Điện Biên Phủ", b[2], sizeof b[2]),
            encoded(enc, "Điện Biên", b[3], sizeof b[3])};
        OGRGeometryH sq = square(x, y, x + 300, y + 300);
        gen_write(&z, sq, values);
        OGR_G_DestroyGeometry(sq);
    }
    gen_close(&z);
    if (cpg) {
        char file[128];
        snprintf(file, sizeof file, "%s.cpg", name);
        gen_write_text(dir, file, cpg);
    }
}

static void case_encoding(void)
{
    char dir[4096];
    case_dir("encoding", dir, sizeof dir);
    encoded_zones(dir, "zones-utf8", NULL, NULL);
    /* GDAL hands a .cpg it does not know to iconv as an encoding name. */
    encoded_zones(dir, "zones-tcvn3", gen_to_tcvn3, "TCVN5712-1");
    /* The code page number, as ArcGIS writes it. */
    encoded_zones(dir, "zones-cp1258", gen_to_cp1258, "1258");
}

static void case_no_prj(void)
{
    char dir[4096];
    case_dir("no-prj", dir, sizeof dir);
    one_zone(dir, 0);
    gen_layer h = households_layer(dir, GEN_EPSG_VN2000_TM3_103);
    household(&h, point(E0 + 200, N0 + 200), "H-1", "32101");
    gen_close(&h);
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--out") != 0) {
        fprintf(stderr, "usage: diachi-gen-edge --out DIR\n");
        return 2;
    }
    out_root = argv[2];
    GDALAllRegister();
    case_shared_door();
    case_on_boundary();
    case_outside();
    case_enclave();
    case_multipart();
    case_bowtie();
    case_postcode();
    case_household_ids();
    case_mixed_crs();
    case_encoding();
    case_no_prj();
    return 0;
}
