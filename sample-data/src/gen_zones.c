/*
 * gen_zones.c - the 12 postal zones of the sample map: power-diagram
 * (weighted Voronoi) cells around the ward and commune centres, clipped to
 * an irregular outline of the city.
 *
 * Neighbouring cells must share their edges bit for bit, or the map would
 * have slivers of gap and overlap. Three things guarantee it: vertices are
 * snapped to a 1 mm grid of the local frame after each computation, edges
 * are densified from their lexicographically smaller end whatever the ring
 * direction, and the transformation to the file CRS is a pure function of
 * the input point.
 */
#include "sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cpl_error.h>

/* Postcodes and commune codes are illustrative, in the province's range. */
const gen_zone_def gen_zone_defs[GEN_ZONE_COUNT] = {
    {"32101", "Mường Thanh", "phường", "03127", 21.3858, 103.0170, 0.0},
    {"32102", "Him Lam", "phường", "03124", 21.4065, 103.0328, 0.0},
    {"32103", "Tân Thanh", "phường", "03128", 21.3944, 103.0199, 0.0},
    {"32104", "Thanh Bình", "phường", "03126", 21.4043, 103.0055, 0.0},
    {"32105", "Nam Thanh", "phường", "03130", 21.3723, 103.0213, 0.0},
    {"32106", "Noong Bua", "phường", "03121", 21.3890, 103.0328, 0.0},
    {"32107", "Thanh Trường", "phường", "03129", 21.4034, 102.9983, 0.0},
    {"32108", "Thanh Minh", "xã", "03133", 21.4312, 103.0530, 12.0e6},
    {"32109", "Nà Tấu", "xã", "03151", 21.5355, 103.1394, 12.0e6},
    {"32110", "Nà Nhạn", "xã", "03154", 21.4942, 103.0703, 12.0e6},
    {"32111", "Mường Phăng", "xã", "03157", 21.4438, 103.1164, 12.0e6},
    {"32112", "Pá Khoang", "xã", "03160", 21.4339, 103.1121, 12.0e6},
};

/* The city's outline (lat, lon), counter-clockwise from the south-west. */
static const double outline_deg[][2] = {
    {21.352, 102.995}, {21.345, 103.020}, {21.350, 103.045}, {21.335, 103.075},
    {21.340, 103.120}, {21.362, 103.165}, {21.390, 103.205}, {21.425, 103.245},
    {21.462, 103.238}, {21.500, 103.215}, {21.545, 103.235}, {21.598, 103.212},
    {21.645, 103.170}, {21.632, 103.125}, {21.590, 103.098}, {21.560, 103.072},
    {21.528, 103.040}, {21.490, 103.028}, {21.458, 103.018}, {21.440, 103.002},
    {21.425, 102.992}, {21.410, 102.983}, {21.392, 102.987}, {21.372, 102.984},
};
#define OUTLINE_COUNT (sizeof outline_deg / sizeof outline_deg[0])

#define MAX_CELL 64
#define DENSIFY_M 50.0

typedef struct cell {
    gen_xy pts[MAX_CELL];
    int count;
} cell;

static double snap_mm(double v)
{
    return round(v * 1000.0) / 1000.0;
}

/* Keep the part of @p c where a.x * p.x + a.y * p.y <= b (Sutherland-Hodgman). */
static void clip_half_plane(cell *c, gen_xy a, double b)
{
    cell out = {.count = 0};
    for (int i = 0; i < c->count; i++) {
        gen_xy p = c->pts[i], q = c->pts[(i + 1) % c->count];
        double fp = a.x * p.x + a.y * p.y - b, fq = a.x * q.x + a.y * q.y - b;
        if (fp <= 0) out.pts[out.count++] = p;
        if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
            double t = fp / (fp - fq);
            gen_xy x = {p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)};
            out.pts[out.count++] = x;
        }
        if (out.count > MAX_CELL - 2) gen_die("cell has too many vertices", NULL);
    }
    *c = out;
}

static cell power_cell(int i, const gen_xy *sites)
{
    cell c = {.count = 4};
    c.pts[0] = (gen_xy){-30000, -30000};
    c.pts[1] = (gen_xy){30000, -30000};
    c.pts[2] = (gen_xy){30000, 30000};
    c.pts[3] = (gen_xy){-30000, 30000};
    for (int j = 0; j < GEN_ZONE_COUNT; j++) {
        if (j == i) continue;
        gen_xy ci = sites[i], cj = sites[j];
        gen_xy a = {2 * (cj.x - ci.x), 2 * (cj.y - ci.y)};
        double b = cj.x * cj.x + cj.y * cj.y - ci.x * ci.x - ci.y * ci.y +
                   gen_zone_defs[i].weight_m2 - gen_zone_defs[j].weight_m2;
        clip_half_plane(&c, a, b);
    }
    return c;
}

static OGRGeometryH frame_polygon(const gen_xy *pts, int count)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i <= count; i++) {
        gen_xy p = pts[i % count];
        OGR_G_AddPoint_2D(ring, snap_mm(p.x), snap_mm(p.y));
    }
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

static OGRGeometryH outline_polygon(void)
{
    gen_xy pts[OUTLINE_COUNT];
    for (size_t i = 0; i < OUTLINE_COUNT; i++)
        pts[i] = gen_frame_from_deg(outline_deg[i][0], outline_deg[i][1]);
    return frame_polygon(pts, (int)OUTLINE_COUNT);
}

static void add_tm3_point(OGRGeometryH ring, gen_xy p, OGRCoordinateTransformationH ct)
{
    double lat, lon;
    gen_frame_to_deg(p, &lat, &lon);
    double x = lon, y = lat;
    gen_transform(ct, &x, &y);
    OGR_G_AddPoint_2D(ring, x, y);
}

/* Densify a -> b (a included, b not) so a neighbour walking b -> a gets the
 * very same intermediate points. */
static void add_densified(OGRGeometryH ring, gen_xy a, gen_xy b,
                          OGRCoordinateTransformationH ct)
{
    int a_first = a.x < b.x || (a.x == b.x && a.y < b.y);
    gen_xy lo = a_first ? a : b, hi = a_first ? b : a;
    int n = (int)ceil(hypot(hi.x - lo.x, hi.y - lo.y) / DENSIFY_M);
    add_tm3_point(ring, a, ct);
    for (int k = 1; k < n; k++) {
        int step = a_first ? k : n - k;
        double t = (double)step / n;
        gen_xy p = {snap_mm(lo.x + t * (hi.x - lo.x)), snap_mm(lo.y + t * (hi.y - lo.y))};
        add_tm3_point(ring, p, ct);
    }
}

/* The corners of a clipped cell's exterior ring, snapped to the 1 mm grid,
 * without repeats or the closing point. Frees with free(). */
static gen_xy *cell_corners(OGRGeometryH frame_poly, int *count_out)
{
    OGRGeometryH src = OGR_G_GetGeometryRef(frame_poly, 0);
    int n = OGR_G_GetPointCount(src);
    gen_xy *pts = malloc((size_t)n * sizeof *pts);
    if (!pts) gen_die("out of memory", NULL);
    int count = 0;
    for (int i = 0; i < n; i++) {
        gen_xy p = {snap_mm(OGR_G_GetX(src, i)), snap_mm(OGR_G_GetY(src, i))};
        if (count == 0 || p.x != pts[count - 1].x || p.y != pts[count - 1].y)
            pts[count++] = p;
    }
    if (count > 1 && pts[0].x == pts[count - 1].x && pts[0].y == pts[count - 1].y)
        count--;
    *count_out = count;
    return pts;
}

/* The clipped cell's exterior ring, snapped, in the file CRS. */
static OGRGeometryH to_tm3_polygon(OGRGeometryH frame_poly,
                                   OGRCoordinateTransformationH ct)
{
    int count;
    gen_xy *pts = cell_corners(frame_poly, &count);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i < count; i++)
        add_densified(ring, pts[i], pts[(i + 1) % count], ct);
    OGR_G_CloseRings(ring);
    free(pts);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

static void finish_zone(gen_zone *zone, OGRGeometryH geom, const char *name)
{
    if (!OGR_G_IsValid(geom)) gen_die("zone polygon is not valid", name);
    zone->geom = geom;
    zone->boundary = OGR_G_Boundary(geom);
    zone->prepared = OGRCreatePreparedGeometry(geom);
    OGR_G_GetEnvelope(geom, &zone->env);
    zone->inner = NULL;
    zone->inner_prepared = NULL;
}

/* ---- realistic borders ------------------------------------------------- */

/* A piece of one zone inside another (a hole in the host, a second part of
 * the guest), or with guest -1 a lake in no zone, as real maps have. The
 * positions are inside the host's cell, far from its border. */
typedef struct enclave {
    int host, guest;
    double lat, lon, radius_m;
} enclave;

static const enclave enclaves[] = {
    {7, 9, 21.4450, 103.0500, 500},   /* Nà Nhạn fields inside Thanh Minh */
    {8, 10, 21.5400, 103.1500, 600},  /* Mường Phăng forest inside Nà Tấu */
    {10, -1, 21.4550, 103.1300, 400}, /* a reservoir in Mường Phăng */
};
#define ENCLAVE_COUNT (sizeof enclaves / sizeof enclaves[0])
#define ENCLAVE_CORNERS 9

/* One zone's copy of a ring whose corners are shared, in the file CRS. */
static OGRGeometryH realistic_ring(const gen_xy *corners, int count,
                                   const border_style *style, seeded_rng *rng,
                                   OGRCoordinateTransformationH ct)
{
    border_line line = {0};
    for (int i = 0; i < count; i++) {
        size_t from = line.count;
        gen_xy a = corners[i], b = corners[(i + 1) % count];
        if (border_append_edge(&line, (border_point){a.x, a.y}, (border_point){b.x, b.y},
                               style) != 0)
            gen_die("out of memory", NULL);
        border_redigitise(&line, from, style, rng);
    }
    double *x = malloc(line.count * sizeof *x), *y = malloc(line.count * sizeof *y);
    int *ok = malloc(line.count * sizeof *ok);
    if (!x || !y || !ok) gen_die("out of memory", NULL);
    for (size_t i = 0; i < line.count; i++)
        gen_frame_to_deg((gen_xy){line.points[i].x, line.points[i].y}, &y[i], &x[i]);
    int all_ok = OCTTransformEx(ct, (int)line.count, x, y, NULL, ok);
    for (size_t i = 0; all_ok && i < line.count; i++)
        all_ok = ok[i];
    if (!all_ok) gen_die("coordinate transformation failed", CPLGetLastErrorMsg());
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_SetPoints(ring, (int)line.count, x, sizeof *x, y, sizeof *y, NULL, 0);
    OGR_G_CloseRings(ring);
    free(x), free(y), free(ok);
    border_line_free(&line);
    return ring;
}

/* The enclave's shared corners: a rough circle, snapped like cell corners. */
static void enclave_corners(const enclave *e, gen_xy corners[ENCLAVE_CORNERS])
{
    gen_xy c = gen_frame_from_deg(e->lat, e->lon);
    for (int k = 0; k < ENCLAVE_CORNERS; k++) {
        double a = 2 * GEN_PI * k / ENCLAVE_CORNERS;
        double r = e->radius_m * (0.8 + 0.1 * (k % 3));
        corners[k] = (gen_xy){snap_mm(c.x + r * cos(a)), snap_mm(c.y + r * sin(a))};
    }
}

/* The enclave, well inside its host's cell in the frame, or die. */
static void check_enclave(const enclave *e, OGRGeometryH host_cell)
{
    gen_xy corners[ENCLAVE_CORNERS];
    enclave_corners(e, corners);
    OGRGeometryH poly = frame_polygon(corners, ENCLAVE_CORNERS);
    OGRGeometryH grown = OGR_G_Buffer(poly, 0.6 * e->radius_m, 8);
    int inside = OGR_G_Within(grown, host_cell);
    OGR_G_DestroyGeometry(grown);
    OGR_G_DestroyGeometry(poly);
    if (!inside) gen_die("enclave not inside its host", gen_zone_defs[e->host].name);
}

static OGRGeometryH realistic_zone(int i, OGRGeometryH clipped, const border_style *style,
                                   OGRCoordinateTransformationH ct)
{
    seeded_rng rng; /* this zone's own digitising of every border it has */
    rng_seed(&rng, rng_hash4(style->seed, 0x7a6f6e65 /* "zone" */, (uint64_t)i, 0));
    int count;
    gen_xy *corners = cell_corners(clipped, &count);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, realistic_ring(corners, count, style, &rng, ct));
    free(corners);
    OGRGeometryH parts = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (size_t k = 0; k < ENCLAVE_COUNT; k++) {
        gen_xy ring[ENCLAVE_CORNERS];
        enclave_corners(&enclaves[k], ring);
        if (enclaves[k].host == i) {
            check_enclave(&enclaves[k], clipped);
            OGR_G_AddGeometryDirectly(
                poly, realistic_ring(ring, ENCLAVE_CORNERS, style, &rng, ct));
        } else if (enclaves[k].guest == i) {
            OGRGeometryH part = OGR_G_CreateGeometry(wkbPolygon);
            OGR_G_AddGeometryDirectly(
                part, realistic_ring(ring, ENCLAVE_CORNERS, style, &rng, ct));
            OGR_G_AddGeometryDirectly(parts, part);
        }
    }
    if (OGR_G_GetGeometryCount(parts) == 0) {
        OGR_G_DestroyGeometry(parts);
        return poly;
    }
    OGR_G_AddGeometryDirectly(parts, poly);
    return parts;
}

static void shrink_zone(gen_zone *zone)
{
    zone->inner = OGR_G_Buffer(zone->geom, -GEN_BOUNDARY_MARGIN, 8);
    if (!zone->inner) gen_die("cannot shrink a zone", CPLGetLastErrorMsg());
    zone->inner_prepared = OGRCreatePreparedGeometry(zone->inner);
}

void gen_zones_build(gen_zone *zones, OGRCoordinateTransformationH to_tm3,
                     const border_style *realistic)
{
    gen_xy sites[GEN_ZONE_COUNT];
    for (int i = 0; i < GEN_ZONE_COUNT; i++)
        sites[i] = gen_frame_from_deg(gen_zone_defs[i].lat, gen_zone_defs[i].lon);
    OGRGeometryH outline = outline_polygon();
    for (int i = 0; i < GEN_ZONE_COUNT; i++) {
        cell c = power_cell(i, sites);
        OGRGeometryH raw = frame_polygon(c.pts, c.count);
        OGRGeometryH clipped = OGR_G_Intersection(raw, outline);
        if (!clipped || wkbFlatten(OGR_G_GetGeometryType(clipped)) != wkbPolygon ||
            OGR_G_GetGeometryCount(clipped) != 1)
            gen_die("zone cell is not one simple polygon", gen_zone_defs[i].name);
        if (realistic) {
            finish_zone(&zones[i], realistic_zone(i, clipped, realistic, to_tm3),
                        gen_zone_defs[i].name);
            shrink_zone(&zones[i]);
        } else {
            finish_zone(&zones[i], to_tm3_polygon(clipped, to_tm3),
                        gen_zone_defs[i].name);
        }
        OGR_G_DestroyGeometry(raw);
        OGR_G_DestroyGeometry(clipped);
    }
    OGR_G_DestroyGeometry(outline);
}

/* At least @p margin from the zone's boundary; the shrunk zone stands in for
 * the distance when it was shrunk by that margin. */
static int clear_of_boundary(const gen_zone *zone, OGRGeometryH pt, double margin)
{
    if (zone->inner_prepared && margin == GEN_BOUNDARY_MARGIN)
        return OGRPreparedGeometryContains(zone->inner_prepared, pt);
    return OGR_G_Distance(pt, zone->boundary) >= margin;
}

int gen_zones_locate(const gen_zone *zones, double x, double y, double margin)
{
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, x, y);
    int found = -1;
    for (int i = 0; i < GEN_ZONE_COUNT && found < 0; i++) {
        const OGREnvelope *e = &zones[i].env;
        if (x < e->MinX || x > e->MaxX || y < e->MinY || y > e->MaxY) continue;
        if (OGRPreparedGeometryContains(zones[i].prepared, pt)) found = i;
    }
    if (found >= 0 && !clear_of_boundary(&zones[found], pt, margin)) found = -1;
    OGR_G_DestroyGeometry(pt);
    return found;
}

void gen_zones_free(gen_zone *zones)
{
    for (int i = 0; i < GEN_ZONE_COUNT; i++) {
        if (zones[i].inner_prepared) OGRDestroyPreparedGeometry(zones[i].inner_prepared);
        if (zones[i].inner) OGR_G_DestroyGeometry(zones[i].inner);
        OGRDestroyPreparedGeometry(zones[i].prepared);
        OGR_G_DestroyGeometry(zones[i].boundary);
        OGR_G_DestroyGeometry(zones[i].geom);
    }
}
