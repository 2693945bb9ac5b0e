/*
 * gen_edition.c - the sample's 2025 edition: the zones of Điện Biên Phủ as
 * the reform of 1 July 2025 left them, made from the sample's own zones the
 * way the real change was made. Wards merged into two new wards, Điện Biên
 * Phủ and Mường Thanh, one old ward split between them, the rural communes
 * merged in pairs, one commune unchanged, and the district level gone. The
 * postcodes are illustrative, in the province's range, and never reuse a
 * retired one.
 *
 * A new zone is the union of its old zones (and of its half of the split
 * one). The old zones share their edges vertex for vertex (gen_zones.c), so
 * a union dissolves them exactly; the split cuts the old zone along one
 * north-south line with two boxes that share that line, so both halves get
 * the very same cut.
 */
#include "sample.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cpl_error.h>

/* The old zone cut in two: Mường Thanh, split along the meridian of its
 * centre (the west half to the new Mường Thanh, the east to Điện Biên Phủ). */
#define SPLIT_OLD 0
#define SPLIT_WEST 1
#define SPLIT_EAST 0

const gen_zone_def gen_edition_defs[GEN_EDITION_ZONES] = {
    {"32150", "Điện Biên Phủ", "phường", "03201", 21.3970, 103.0300, 0.0},
    {"32151", "Mường Thanh", "phường", "03202", 21.3900, 103.0080, 0.0},
    {"32108", "Thanh Minh", "xã", "03133", 21.4312, 103.0530, 0.0},
    {"32152", "Nà Tấu", "xã", "03203", 21.5150, 103.1050, 0.0},
    {"32153", "Mường Phăng", "xã", "03204", 21.4390, 103.1140, 0.0},
};

/* The new zone each old zone went to (the split one: its east half's). */
static const int new_of_old[GEN_ZONE_COUNT] = {
    SPLIT_EAST, /* Mường Thanh: split, see SPLIT_OLD */
    0,          /* Him Lam */
    0,          /* Tân Thanh */
    1,          /* Thanh Bình */
    1,          /* Nam Thanh */
    0,          /* Noong Bua */
    1,          /* Thanh Trường */
    2,          /* Thanh Minh: unchanged */
    3,          /* Nà Tấu */
    3,          /* Nà Nhạn */
    4,          /* Mường Phăng */
    4,          /* Pá Khoang */
};

const char *const gen_edition_date = "2025-07-01";

/* A box in the file CRS from x0 to x1, far beyond the city north and south. */
static OGRGeometryH box(double x0, double x1, double y0, double y1)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(ring, x0, y0);
    OGR_G_AddPoint_2D(ring, x1, y0);
    OGR_G_AddPoint_2D(ring, x1, y1);
    OGR_G_AddPoint_2D(ring, x0, y1);
    OGR_G_AddPoint_2D(ring, x0, y0);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

/* The two halves of the split zone: [0] west of the cut, [1] east of it. */
static void split_halves(const gen_zone *old, OGRCoordinateTransformationH to_tm3,
                         OGRGeometryH halves[2])
{
    double x = gen_zone_defs[SPLIT_OLD].lon, y = gen_zone_defs[SPLIT_OLD].lat;
    gen_transform(to_tm3, &x, &y);
    const OGREnvelope *e = &old[SPLIT_OLD].env;
    double cut = round(x); /* a whole metre: the same line for both boxes */
    double y0 = e->MinY - 1000, y1 = e->MaxY + 1000;
    OGRGeometryH west = box(e->MinX - 1000, cut, y0, y1);
    OGRGeometryH east = box(cut, e->MaxX + 1000, y0, y1);
    halves[0] = OGR_G_Intersection(old[SPLIT_OLD].geom, west);
    halves[1] = OGR_G_Intersection(old[SPLIT_OLD].geom, east);
    OGR_G_DestroyGeometry(west);
    OGR_G_DestroyGeometry(east);
    for (int k = 0; k < 2; k++)
        if (!halves[k] || wkbFlatten(OGR_G_GetGeometryType(halves[k])) != wkbPolygon)
            gen_die("the split zone's half is not one polygon",
                    gen_zone_defs[SPLIT_OLD].name);
}

void gen_edition_build(const gen_zone *old, OGRCoordinateTransformationH to_tm3,
                       OGRGeometryH out[GEN_EDITION_ZONES])
{
    OGRGeometryH halves[2];
    split_halves(old, to_tm3, halves);
    for (int n = 0; n < GEN_EDITION_ZONES; n++) {
        OGRGeometryH parts = OGR_G_CreateGeometry(wkbMultiPolygon);
        for (int i = 0; i < GEN_ZONE_COUNT; i++)
            if (i != SPLIT_OLD && new_of_old[i] == n)
                OGR_G_AddGeometry(parts, old[i].geom);
        if (n == SPLIT_WEST) OGR_G_AddGeometry(parts, halves[0]);
        if (n == SPLIT_EAST) OGR_G_AddGeometry(parts, halves[1]);
        OGRGeometryH merged = OGR_G_UnionCascaded(parts);
        OGR_G_DestroyGeometry(parts);
        if (!merged || wkbFlatten(OGR_G_GetGeometryType(merged)) != wkbPolygon ||
            !OGR_G_IsValid(merged))
            gen_die("a 2025 zone is not one valid polygon", gen_edition_defs[n].name);
        out[n] = merged;
    }
    OGR_G_DestroyGeometry(halves[0]);
    OGR_G_DestroyGeometry(halves[1]);
}

/* The kind of change from old zone @p i to the new zones. */
static const char *change_kind(int i)
{
    if (i == SPLIT_OLD) return "split";
    int n = new_of_old[i], sources = 0;
    for (int j = 0; j < GEN_ZONE_COUNT; j++)
        sources += new_of_old[j] == n || (j == SPLIT_OLD && n == SPLIT_WEST);
    if (sources > 1) return "merged";
    return strcmp(gen_zone_defs[i].postcode, gen_edition_defs[n].postcode) == 0
               ? "unchanged"
               : "renamed";
}

void gen_edition_history(const char *dir)
{
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text,
                                  "old_postcode,new_postcode,kind,effective_date\n");
    for (int i = 0; i < GEN_ZONE_COUNT; i++) {
        int to[2] = {new_of_old[i], -1};
        if (i == SPLIT_OLD) {
            to[0] = SPLIT_EAST < SPLIT_WEST ? SPLIT_EAST : SPLIT_WEST;
            to[1] = SPLIT_EAST < SPLIT_WEST ? SPLIT_WEST : SPLIT_EAST;
        }
        for (int k = 0; k < 2 && to[k] >= 0; k++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s,%s,%s,%s\n",
                                    gen_zone_defs[i].postcode,
                                    gen_edition_defs[to[k]].postcode, change_kind(i),
                                    gen_edition_date);
    }
    gen_write_text(dir, "history.csv", text);
}
