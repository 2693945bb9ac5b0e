/*
 * source_crs.c - from a layer's CRS to WGS 84 longitude/latitude.
 *
 * The trap is VN-2000. Its datum uses the WGS 84 ellipsoid, so a CRS that
 * names the datum but carries no shift to WGS 84 still transforms "fine",
 * only about 200 m off. EPSG's CRSs (EPSG:9205 and the other TM-3 zones,
 * EPSG:3405 UTM 48N) carry the shift through PROJ's database, and so does
 * desktop-GIS ESRI WKT whose datum PROJ recognises ("D_Vietnam_2000"). For
 * anything else that says VN-2000 but yields no shift, we add EPSG's
 * transformation VN-2000 to WGS 84 (2), EPSG:6960, ourselves.
 *
 * PROJ's pipeline costs about 575 ns a vertex, most of a national map's
 * zones phase. The CRSs the maps use (VN-2000 / TM-3 zones, WGS 84) are
 * transformed by our own arithmetic (reproject.c) instead, once a sample
 * of points over Vietnam shows it gives PROJ's answer for that CRS within
 * 1e-11 degree; everything else, every point outside the series' domain,
 * and every answer within 1e-11 degree of a rounding tie at 1e-7 degree
 * still go through PROJ, so the index is the one PROJ gives, byte for
 * byte. The importer's --exact-proj keeps PROJ for every point.
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reproject.h"
#include "reproject_tiles.h"
#include "source_internal.h"

/* EPSG:6960 as position-vector TOWGS84 (the convention of WKT1 TOWGS84 and
 * PROJ's +towgs84): metres, arc-seconds, parts per million. EPSG states it
 * as coordinate frame rotation, whose rotations have the opposite sign. */
static const double vn2000_towgs84[7] = {-191.90441429, -39.30318279, -111.45032835,
                                         0.00928836,    -0.01975479,  0.00427372,
                                         0.252906278};

/* "D_Vietnam_2000", "Vietnam 2000", "VN-2000", "VN_2000": letters and
 * digits only, lower case, then a substring test. */
static bool is_vn2000_datum(OGRSpatialReferenceH srs)
{
    const char *name = OSRGetAttrValue(srs, "DATUM", 0);
    if (!name) return false;
    char flat[128];
    size_t n = 0;
    for (; *name && n + 1 < sizeof flat; name++)
        if (isalnum((unsigned char)*name))
            flat[n++] = (char)tolower((unsigned char)*name);
    flat[n] = '\0';
    return strstr(flat, "vietnam2000") || strstr(flat, "vn2000");
}

static OGRSpatialReferenceH make_wgs84(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (srs && OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    if (srs) OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/* EPSG:4326 is a query of PROJ's database, 1 to 3 ms each time; each
 * layer's transformation asks for it. It is made once and copied, under a
 * lock: a reference is not to be read by two threads at once. */
static pthread_mutex_t wgs84_lock = PTHREAD_MUTEX_INITIALIZER;
static OGRSpatialReferenceH wgs84_made;

/* WGS 84 in longitude, latitude order: a new reference the caller
 * destroys, or NULL. */
static OGRSpatialReferenceH wgs84(void)
{
    pthread_mutex_lock(&wgs84_lock);
    if (!wgs84_made) wgs84_made = make_wgs84();
    OGRSpatialReferenceH srs = wgs84_made ? OSRClone(wgs84_made) : NULL;
    pthread_mutex_unlock(&wgs84_lock);
    if (srs) OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/* Whether the datum of @p srs moves a point in Vietnam on its way to WGS
 * 84; a null shift leaves it within a nanodegree. */
static bool has_datum_shift(OGRSpatialReferenceH srs, OGRSpatialReferenceH to)
{
    OGRSpatialReferenceH geog = OSRCloneGeogCS(srs);
    if (!geog) return false;
    OSRSetAxisMappingStrategy(geog, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(geog, to);
    double x = 105.0, y = 16.0;
    bool moved = ct && OCTTransform(ct, 1, &x, &y, NULL) &&
                 (fabs(x - 105.0) > 1e-9 || fabs(y - 16.0) > 1e-9);
    if (ct) OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(geog);
    return moved;
}

static void ensure_vn2000_shift(OGRSpatialReferenceH srs, OGRSpatialReferenceH to)
{
    double have[7];
    if (!is_vn2000_datum(srs) || OSRGetTOWGS84(srs, have, 7) == OGRERR_NONE) return;
    /* An EPSG datum (GDAL identified the .prj) has PROJ's transformations. */
    const char *authority = OSRGetAuthorityName(srs, "GEOGCS|DATUM");
    if (authority && strcmp(authority, "EPSG") == 0) return;
    if (has_datum_shift(srs, to)) return;
    const double *p = vn2000_towgs84;
    OSRSetTOWGS84(srs, p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
}

/* The layer's CRS, or the override: a new reference the caller destroys. */
static OGRSpatialReferenceH source_crs(OGRLayerH layer, dc_layer_kind kind,
                                       const char *srs, dc_source_problem *problem)
{
    if (srs) {
        OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
        if (s && OSRSetFromUserInput(s, srs) == OGRERR_NONE) return s;
        if (s) OSRDestroySpatialReference(s);
        dc_problem_set(problem, NULL, NULL, "bad_crs",
                       "cannot read the CRS '%.120s' given for layer %s", srs,
                       OGR_L_GetName(layer));
        return NULL;
    }
    OGRSpatialReferenceH own = OGR_L_GetSpatialRef(layer);
    if (own) return OSRClone(own);
    dc_problem_set(problem, NULL, NULL, "no_crs",
                   "layer %s has no CRS (no .prj); name its CRS with --%s-srs",
                   OGR_L_GetName(layer), kind == DC_LAYER_ZONES ? "zones" : "households");
    return NULL;
}

/* ---- our own arithmetic where it gives PROJ's answer ------------------ */

/* Transformations handed out whose points reproject.c computes, by the
 * OGR transformation they stand for (also the copies dc_crs_clone made).
 * `on` is false while a layer of an --exact-proj import holds it. */
typedef struct fast_entry {
    OGRCoordinateTransformationH ct;
    dc_reproject fast;
    bool on;
} fast_entry;

static pthread_mutex_t fast_lock = PTHREAD_MUTEX_INITIALIZER;
static fast_entry *fast_table;
static size_t fast_count, fast_cap;

/* The entry of @p ct, or fast_count; under fast_lock. */
static size_t fast_find(OGRCoordinateTransformationH ct)
{
    size_t i = 0;
    while (i < fast_count && fast_table[i].ct != ct)
        i++;
    return i;
}

/* Note @p ct as computed by @p fast (when @p on); forgotten if no memory:
 * PROJ then does the work. */
static void fast_add(OGRCoordinateTransformationH ct, const dc_reproject *fast, bool on)
{
    pthread_mutex_lock(&fast_lock);
    if (fast_count == fast_cap) {
        size_t cap = fast_cap ? 2 * fast_cap : 32;
        fast_entry *t = realloc(fast_table, cap * sizeof *t);
        if (t) {
            fast_table = t;
            fast_cap = cap;
        }
    }
    if (fast_count < fast_cap)
        fast_table[fast_count++] = (fast_entry){.ct = ct, .fast = *fast, .on = on};
    pthread_mutex_unlock(&fast_lock);
}

/* Turn @p ct's own arithmetic on or off, when it has one. */
static void fast_switch(OGRCoordinateTransformationH ct, bool on)
{
    pthread_mutex_lock(&fast_lock);
    size_t i = fast_find(ct);
    if (i < fast_count) fast_table[i].on = on;
    pthread_mutex_unlock(&fast_lock);
}

static void fast_forget(OGRCoordinateTransformationH ct)
{
    pthread_mutex_lock(&fast_lock);
    size_t i = fast_find(ct);
    if (i < fast_count) fast_table[i] = fast_table[--fast_count];
    if (fast_count == 0) {
        free(fast_table);
        fast_table = NULL;
        fast_cap = 0;
    }
    pthread_mutex_unlock(&fast_lock);
}

/* @p ct's arithmetic into @p out when it is ours and on. */
static bool fast_of(OGRCoordinateTransformationH ct, dc_reproject *out)
{
    bool found = false;
    pthread_mutex_lock(&fast_lock);
    size_t i = fast_find(ct);
    if (i < fast_count && fast_table[i].on) {
        *out = fast_table[i].fast;
        found = true;
    }
    pthread_mutex_unlock(&fast_lock);
    return found;
}

bool dc_crs_is_ours(OGRCoordinateTransformationH ct)
{
    dc_reproject fast;
    return fast_of(ct, &fast);
}

static bool near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

/* EPSG:5194, VN-2000 to WGS 84 (1), as position-vector TOWGS84, and the
 * box of its area of use (the Mekong delta's blocks DBSCL 02 and 03):
 * south, west, north, east in degrees. PROJ's database offers it beside
 * EPSG:6960 for the TM-3 zones that reach the delta, and PROJ takes it
 * for the points inside that box, in the source CRS's coordinates. */
static const double vn2000_delta_towgs84[7] = {-192.873, -39.382, -111.202, -0.00205,
                                               -0.0005,  0.00335, 0.0188};
static const double vn2000_delta_box[4] = {9.35, 104.24, 11.04, 107.11};
/* Points this close to that box's edges (metres) are left to PROJ: its
 * box is made the same way as ours, but not by the same code. */
#define DELTA_MARGIN 500.0

/* The delta's box in @p from's coordinates as PROJ makes it: its edges,
 * 21 points each, projected (no datum shift), then their extent. */
static bool delta_box(OGRSpatialReferenceH from, double box[4])
{
    OGRSpatialReferenceH geog = OSRCloneGeogCS(from);
    if (!geog) return false;
    OSRSetAxisMappingStrategy(geog, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(geog, from);
    enum { EDGE = 21, N = 4 * EDGE };
    double x[N], y[N];
    int ok[N];
    const double *b = vn2000_delta_box;
    for (int i = 0; i < EDGE; i++) {
        double t = (double)i / (EDGE - 1);
        double lon = b[1] + t * (b[3] - b[1]), lat = b[0] + t * (b[2] - b[0]);
        x[i] = lon, y[i] = b[0];
        x[EDGE + i] = lon, y[EDGE + i] = b[2];
        x[2 * EDGE + i] = b[1], y[2 * EDGE + i] = lat;
        x[3 * EDGE + i] = b[3], y[3 * EDGE + i] = lat;
    }
    bool done = ct && OCTTransformEx(ct, N, x, y, NULL, ok);
    if (ct) OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(geog);
    if (!done) return false;
    box[0] = box[2] = x[0];
    box[1] = box[3] = y[0];
    for (int i = 1; i < N; i++) {
        box[0] = fmin(box[0], x[i]), box[2] = fmax(box[2], x[i]);
        box[1] = fmin(box[1], y[i]), box[3] = fmax(box[3], y[i]);
    }
    return true;
}

/* A VN-2000 / TM-3 zone: transverse Mercator on the VN-2000 datum (the WGS
 * 84 ellipsoid), latitude of origin 0, scale 0.9999, false easting 500 km,
 * metres and Greenwich. Its shift the CRS's TOWGS84, else EPSG:6960: then
 * two candidates, with and without EPSG:5194 in the delta (the first of
 * them agreeing with PROJ is taken), and the delta's box in @p box. */
static int recognise_tm3(OGRSpatialReferenceH from, dc_reproject out[2], double box[4])
{
    const char *projection = OSRGetAttrValue(from, "PROJECTION", 0);
    if (!OSRIsProjected(from) || OSRIsCompound(from) || !projection ||
        strcmp(projection, SRS_PT_TRANSVERSE_MERCATOR) != 0 || !is_vn2000_datum(from))
        return 0;
    OGRErr e1 = OGRERR_NONE, e2 = OGRERR_NONE;
    if (!near(OSRGetSemiMajor(from, &e1), 6378137.0) ||
        !near(OSRGetInvFlattening(from, &e2), 298.257223563) || e1 || e2 ||
        OSRGetPrimeMeridian(from, NULL) != 0.0 || OSRGetLinearUnits(from, NULL) != 1.0)
        return 0;
    double k0 = OSRGetNormProjParm(from, SRS_PP_SCALE_FACTOR, 0, &e1);
    double fe = OSRGetNormProjParm(from, SRS_PP_FALSE_EASTING, 0, &e2);
    OGRErr e3 = OGRERR_NONE, e4 = OGRERR_NONE, e5 = OGRERR_NONE;
    double fn = OSRGetNormProjParm(from, SRS_PP_FALSE_NORTHING, 0, &e3);
    double lat0 = OSRGetNormProjParm(from, SRS_PP_LATITUDE_OF_ORIGIN, 0, &e4);
    double lon0 = OSRGetNormProjParm(from, SRS_PP_CENTRAL_MERIDIAN, 0, &e5);
    if (e1 || e2 || e3 || e4 || e5 || k0 != 0.9999 || fe != 500000.0 || fn != 0.0 ||
        lat0 != 0.0 || !(lon0 >= 100.0 && lon0 <= 112.0))
        return 0;
    double shift[7];
    if (OSRGetTOWGS84(from, shift, 7) == OGRERR_NONE) {
        dc_reproject_init_tm(&out[0], lon0, k0, fe, fn, shift);
        return 1;
    }
    dc_reproject_init_tm(&out[0], lon0, k0, fe, fn, vn2000_towgs84);
    out[1] = out[0];
    if (!delta_box(from, box)) return 1;
    dc_reproject_set_local(&out[0], vn2000_delta_towgs84, box[0], box[1], box[2], box[3],
                           DELTA_MARGIN);
    return 2;
}

/* How close our answers are to PROJ's for a CRS to be ours: 1e-11 degree,
 * a micrometre, a hundred times the difference seen (test_reproject). */
#define AGREE 1e-11

/* Whether @p fast gives what @p ct gives, within AGREE,
 * on a grid of points over Vietnam and around the zone, and one over
 * the delta's box @p box (when not NULL). */
static bool agrees(const dc_reproject *fast, OGRCoordinateTransformationH ct,
                   const double *box)
{
    enum { SIDE = 6, N = SIDE * SIDE, INNER = 5, M = N + INNER * INNER };
    double x[M], y[M];
    int ok[M];
    for (int i = 0; i < N; i++) {
        int col = i % SIDE, row = i / SIDE;
        if (fast->identity) {
            x[i] = 102.0 + 1.5 * col;
            y[i] = 8.0 + 3.2 * row;
        } else {
            x[i] = fast->false_easting - 400000.0 + 160000.0 * col;
            y[i] = 900000.0 + 340000.0 * row;
        }
    }
    int n = N;
    for (int i = 0; box && i < INNER * INNER; i++, n++) {
        double inset = 2 * DELTA_MARGIN;
        double w = box[2] - box[0] - 2 * inset, h = box[3] - box[1] - 2 * inset;
        x[n] = box[0] + inset + w * (i % INNER) / (INNER - 1);
        y[n] = box[1] + inset + h * (i / INNER) / (INNER - 1);
    }
    double px[M], py[M];
    memcpy(px, x, sizeof px);
    memcpy(py, y, sizeof py);
    if (!OCTTransformEx(ct, n, px, py, NULL, ok)) return false;
    for (int i = 0; i < n; i++) {
        double lon, lat;
        /* at a rounding tie (rare) the point is PROJ's anyway */
        if (!dc_reproject_point(fast, x[i], y[i], &lon, &lat)) lon = px[i], lat = py[i];
        if (!ok[i] || fabs(lon - px[i]) > AGREE || fabs(lat - py[i]) > AGREE)
            return false;
    }
    return true;
}

/* Our arithmetic for transformation @p ct from @p from to @p to, when
 * @p from is a CRS reproject.c knows and it agrees with PROJ's. */
static bool recognise(OGRSpatialReferenceH from, OGRSpatialReferenceH to,
                      OGRCoordinateTransformationH ct, dc_reproject *out)
{
    dc_reproject fast[2];
    double box[4];
    int candidates = 0;
    if (OSRIsGeographic(from) && !OSRIsCompound(from) && OSRIsSame(from, to)) {
        dc_reproject_init_identity(&fast[0]);
        candidates = 1;
    } else {
        candidates = recognise_tm3(from, fast, box);
    }
    for (int i = 0; i < candidates; i++) {
        if (!agrees(&fast[i], ct, candidates == 2 ? box : NULL)) continue;
        *out = fast[i];
        return true;
    }
    return false;
}

OGRCoordinateTransformationH dc_crs_clone(OGRCoordinateTransformationH ct)
{
    OGRCoordinateTransformationH copy = ct ? OCTClone(ct) : NULL;
    dc_reproject fast;
    if (copy && fast_of(ct, &fast)) fast_add(copy, &fast, true);
    return copy;
}

void dc_crs_destroy(OGRCoordinateTransformationH ct)
{
    if (!ct) return;
    fast_forget(ct);
    OCTDestroyCoordinateTransformation(ct);
}

/* Each thread's fitted tiles (reproject_tiles.h), made at its first
 * transformation and freed when it ends; none if out of memory (then the
 * series does every point). */
static pthread_once_t tiles_once = PTHREAD_ONCE_INIT;
static pthread_key_t tiles_key;
static bool tiles_keyed;

static void tiles_free(void *tiles)
{
    dc_reproject_tiles_free(tiles);
}

static void tiles_make_key(void)
{
    tiles_keyed = pthread_key_create(&tiles_key, tiles_free) == 0;
}

static dc_reproject_tiles *thread_tiles(void)
{
    pthread_once(&tiles_once, tiles_make_key);
    if (!tiles_keyed) return NULL;
    dc_reproject_tiles *tiles = pthread_getspecific(tiles_key);
    if (tiles) return tiles;
    tiles = dc_reproject_tiles_new();
    if (tiles && pthread_setspecific(tiles_key, tiles) != 0) {
        dc_reproject_tiles_free(tiles);
        tiles = NULL;
    }
    return tiles;
}

void dc_crs_transform_points(OGRCoordinateTransformationH ct, size_t n, double *x,
                             double *y, int *ok)
{
    dc_reproject fast;
    if (n == 0) return;
    if (!fast_of(ct, &fast)) {
        OCTTransformEx(ct, (int)n, x, y, NULL, ok);
        return;
    }
    /* Households' points, rounded to 1e-7 degree: not steady, so that
     * points scattered far apart cost little more than the series. */
    if (dc_reproject_points(&fast, thread_tiles(), false, n, x, y, ok) == 0) return;
    /* Outside the series' domain, or at a rounding tie: PROJ says where,
     * or that it cannot. */
    for (size_t i = 0; i < n; i++)
        if (!ok[i]) OCTTransformEx(ct, 1, &x[i], &y[i], NULL, &ok[i]);
}

/* Reproject every vertex of @p g, whose points are all in @p fast's box;
 * a vertex at a rounding tie goes through @p ct. False: out of memory, or
 * PROJ failed on such a vertex (then @p g is half done). */
static bool fast_geometry(OGRGeometryH g, const dc_reproject *fast,
                          OGRCoordinateTransformationH ct)
{
    int parts = OGR_G_GetGeometryCount(g);
    for (int i = 0; i < parts; i++)
        if (!fast_geometry(OGR_G_GetGeometryRef(g, i), fast, ct)) return false;
    int n = parts > 0 ? 0 : OGR_G_GetPointCount(g);
    if (n == 0) return true;
    double *x = malloc(2 * (size_t)n * sizeof *x + (size_t)n * sizeof(int));
    if (!x) return false;
    double *y = x + n;
    int *ok = (int *)(y + n);
    OGR_G_GetPoints(g, x, sizeof *x, y, sizeof *y, NULL, 0);
    bool done = true;
    /* Steady: a vertex repeated in the geometry, or in another of the
     * layer's (parts of a zone merged by GEOS later), must come out the
     * same, to the last bit. */
    if (dc_reproject_points(fast, thread_tiles(), true, (size_t)n, x, y, ok) > 0)
        for (int i = 0; i < n && done; i++)
            if (!ok[i]) {
                OCTTransformEx(ct, 1, &x[i], &y[i], NULL, &ok[i]);
                done = ok[i];
            }
    if (done) OGR_G_SetPoints(g, n, x, sizeof *x, y, sizeof *y, NULL, 0);
    free(x);
    return done;
}

/* The shapes whose vertices fast_geometry reaches: 2D, no curves. */
static bool plain_2d(OGRGeometryH g)
{
    OGRwkbGeometryType t = OGR_G_GetGeometryType(g);
    switch (t) {
    case wkbPoint:
    case wkbLineString:
    case wkbPolygon:
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
        return true;
    default:
        return false;
    }
}

OGRErr dc_crs_transform_geometry(OGRGeometryH g, OGRCoordinateTransformationH ct)
{
    dc_reproject fast;
    OGREnvelope env;
    if (!g || !fast_of(ct, &fast) || !plain_2d(g)) return OGR_G_Transform(g, ct);
    OGR_G_GetEnvelope(g, &env);
    if (OGR_G_IsEmpty(g) ||
        !dc_reproject_box_inside(&fast, env.MinX, env.MinY, env.MaxX, env.MaxY))
        return OGR_G_Transform(g, ct);
    if (!fast_geometry(g, &fast, ct)) return OGRERR_FAILURE;
    OGR_G_AssignSpatialReference(g, OCTGetTargetCS(ct));
    return OGRERR_NONE;
}

/*
 * What a shapefile's CRS costs: OGR reads the .prj, imports it, then
 * identifies it against PROJ's database (FindBestMatch), about 10 ms of
 * SQLite a layer, and PROJ then builds the transformation. A national
 * delivery has a zones and a households layer per province but a dozen or
 * two TM-3 zones among them, so the CRS of a shapefile, as it stands once
 * ensure_vn2000_shift has seen it, is kept by the bytes of its .prj: OGR
 * makes the same reference of the same bytes. Only single-layer shapefiles
 * whose .prj reads are kept; everything else takes the whole way each time.
 */
#define CRS_CACHE_SLOTS 64
#define PRJ_MAX (64u << 10)
/* Building the transformation costs PROJ's database another 7 to 14 ms
 * (perf probes on the 1 M national map's 17 .prj files), and the three
 * threads reading a delivery each want one for each .prj. So the first
 * one made for a .prj is kept as a model, and a layer that finds none
 * idle gets a copy of it (OCTClone, about 1 ms, no database); a layer done
 * gives its transformation back for the next layer with the same .prj
 * (taken by one layer at a time: GDAL gives the PROJ object the calling
 * thread's context at each transform). */
#define CRS_IDLE 4
#define CRS_LENT 16

typedef struct crs_entry {
    char *prj; /* the .prj's bytes */
    size_t len;
    OGRSpatialReferenceH from;
    /* a copy of the first transformation made from `from`, with our
     * arithmetic on when recognise() found it ours; NULL: none */
    OGRCoordinateTransformationH model;
    OGRCoordinateTransformationH idle[CRS_IDLE];
    int nidle;
    bool pending; /* a thread is making `from` and `model`; NULL after: not kept */
} crs_entry;

/* The household readers start with the zones, so up to three threads
 * meet each .prj at once: one makes the reference and the model, the
 * others wait for them. */
static pthread_mutex_t crs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t crs_made = PTHREAD_COND_INITIALIZER;
static crs_entry crs_cache[CRS_CACHE_SLOTS];
static size_t crs_count;
/* Transformations of the cache's entries handed to a layer. */
static struct {
    OGRCoordinateTransformationH ct;
    size_t entry;
} crs_lent[CRS_LENT];
static size_t crs_nlent;

/* The entry of these .prj bytes, or crs_count; under crs_lock. */
static size_t find_entry(const char *prj, size_t len)
{
    size_t i = 0;
    while (i < crs_count &&
           !(crs_cache[i].len == len && memcmp(crs_cache[i].prj, prj, len) == 0))
        i++;
    return i;
}

/* The .prj OGR's shapefile driver reads for @p shp: its extension
 * replaced by "prj", else by "PRJ"; its bytes (malloc'd) or NULL. */
static char *read_prj(const char *shp, size_t *len)
{
    const char *dot = strrchr(shp, '.'), *slash = strrchr(shp, '/');
    size_t base = dot && (!slash || dot > slash) ? (size_t)(dot - shp) : strlen(shp);
    char path[4096];
    static const char *const ext[] = {".prj", ".PRJ"};
    for (int i = 0; i < 2; i++) {
        if (base + 5 > sizeof path) return NULL;
        snprintf(path, sizeof path, "%.*s%s", (int)base, shp, ext[i]);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        char *buf = malloc(PRJ_MAX + 1);
        size_t n = buf ? fread(buf, 1, PRJ_MAX + 1, f) : 0;
        bool ok = buf && !ferror(f) && n <= PRJ_MAX;
        fclose(f);
        if (!ok) {
            free(buf);
            return NULL;
        }
        *len = n;
        return buf;
    }
    return NULL;
}

/* What is kept for these .prj bytes: a copy of the model transformation
 * into *copy when there is one (then NULL is returned), else a copy of the
 * reference; or NULL with *mine set when the caller is to make them (and
 * then call made_crs), or not set when they are not kept (the cache full,
 * a reference that failed). */
static OGRSpatialReferenceH cached_crs(const char *prj, size_t len, bool *mine,
                                       OGRCoordinateTransformationH *copy)
{
    OGRSpatialReferenceH srs = NULL;
    *mine = false;
    *copy = NULL;
    pthread_mutex_lock(&crs_lock);
    size_t i = find_entry(prj, len);
    while (i < crs_count && crs_cache[i].pending)
        pthread_cond_wait(&crs_made, &crs_lock);
    /* copied under the lock: one PROJ object, read by one thread at a time */
    if (i < crs_count && crs_cache[i].model) *copy = dc_crs_clone(crs_cache[i].model);
    if (i < crs_count && !*copy && crs_cache[i].from) srs = OSRClone(crs_cache[i].from);
    if (i == crs_count && crs_count < CRS_CACHE_SLOTS) {
        char *bytes = malloc(len ? len : 1);
        if (bytes) {
            memcpy(bytes, prj, len);
            crs_cache[crs_count++] =
                (crs_entry){.prj = bytes, .len = len, .pending = true};
            *mine = true;
        }
    }
    pthread_mutex_unlock(&crs_lock);
    return srs;
}

/* The reference and the transformation the caller made for these .prj
 * bytes (NULL: none), kept as copies, with our arithmetic @p fast (NULL:
 * PROJ's alone) on in the model whatever the caller's layer asked; the
 * threads waiting for them go on. */
static void made_crs(const char *prj, size_t len, OGRSpatialReferenceH from,
                     OGRCoordinateTransformationH ct, const dc_reproject *fast)
{
    OGRCoordinateTransformationH model = from && ct ? OCTClone(ct) : NULL;
    if (model && fast) fast_add(model, fast, true);
    pthread_mutex_lock(&crs_lock);
    crs_entry *e = &crs_cache[find_entry(prj, len)];
    e->from = from ? OSRClone(from) : NULL;
    e->model = model;
    e->pending = false;
    pthread_cond_broadcast(&crs_made);
    pthread_mutex_unlock(&crs_lock);
}

/* A transformation a layer of these .prj bytes gave back, or NULL. */
static OGRCoordinateTransformationH take_idle(const char *prj, size_t len)
{
    OGRCoordinateTransformationH ct = NULL;
    pthread_mutex_lock(&crs_lock);
    size_t i = find_entry(prj, len);
    if (i < crs_count && crs_cache[i].nidle > 0 && crs_nlent < CRS_LENT) {
        ct = crs_cache[i].idle[--crs_cache[i].nidle];
        crs_lent[crs_nlent].ct = ct;
        crs_lent[crs_nlent++].entry = i;
    }
    pthread_mutex_unlock(&crs_lock);
    return ct;
}

/* Note @p ct as made for these .prj bytes, to be given back. */
static void lend(const char *prj, size_t len, OGRCoordinateTransformationH ct)
{
    pthread_mutex_lock(&crs_lock);
    size_t i = find_entry(prj, len);
    if (i < crs_count && crs_nlent < CRS_LENT) {
        crs_lent[crs_nlent].ct = ct;
        crs_lent[crs_nlent++].entry = i;
    }
    pthread_mutex_unlock(&crs_lock);
}

void dc_crs_release(OGRCoordinateTransformationH ct)
{
    if (!ct) return;
    pthread_mutex_lock(&crs_lock);
    for (size_t k = 0; k < crs_nlent; k++) {
        if (crs_lent[k].ct != ct) continue;
        crs_entry *e = &crs_cache[crs_lent[k].entry];
        crs_lent[k] = crs_lent[--crs_nlent];
        if (e->nidle < CRS_IDLE) {
            e->idle[e->nidle++] = ct;
            ct = NULL;
        }
        break;
    }
    pthread_mutex_unlock(&crs_lock);
    dc_crs_destroy(ct);
}

/* The layer's CRS, ready to transform from: the override or the layer's
 * own, with the VN-2000 shift made sure of. */
static OGRSpatialReferenceH source_ready(OGRLayerH layer, dc_layer_kind kind,
                                         const char *srs, OGRSpatialReferenceH to,
                                         dc_source_problem *problem)
{
    OGRSpatialReferenceH from = source_crs(layer, kind, srs, problem);
    if (from) {
        OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
        ensure_vn2000_shift(from, to);
    }
    return from;
}

static dc_err transformation(OGRLayerH layer, const char *prj, size_t len,
                             dc_layer_kind kind, const char *srs, bool exact,
                             OGRCoordinateTransformationH *out,
                             dc_source_problem *problem)
{
    bool mine = false, ours = false;
    dc_reproject fast;
    OGRCoordinateTransformationH ct = NULL;
    OGRSpatialReferenceH from = prj ? cached_crs(prj, len, &mine, &ct) : NULL;
    if (ct) {
        fast_switch(ct, !exact);
        lend(prj, len, ct);
        *out = ct;
        return DC_OK;
    }
    dc_err rc = DC_E_INVALID_ARG;
    OGRSpatialReferenceH to = wgs84();
    if (!from)
        from = to ? source_ready(layer, kind, srs, to, problem)
                  : source_crs(layer, kind, srs, problem);
    if (!to && from) {
        dc_problem_set(problem, NULL, NULL, "bad_crs",
                       "PROJ has no EPSG:4326: is its database (proj.db) installed?");
    }
    if (!to || !from) goto done;
    ct = OCTNewCoordinateTransformation(from, to);
    if (!ct) {
        const char *why = CPLGetLastErrorMsg();
        dc_problem_set(problem, NULL, NULL, "bad_crs",
                       "no transformation from the CRS of layer %s to WGS 84: %.120s",
                       OGR_L_GetName(layer), why);
        goto done;
    }
    ours = recognise(from, to, ct, &fast);
    if (ours) fast_add(ct, &fast, !exact);
    if (prj) lend(prj, len, ct);
    *out = ct;
    rc = DC_OK;
done:
    if (mine) made_crs(prj, len, to ? from : NULL, ct, ours ? &fast : NULL);
    if (from) OSRDestroySpatialReference(from);
    if (to) OSRDestroySpatialReference(to);
    return rc;
}

dc_err dc_crs_to_wgs84(OGRLayerH layer, const char *shp, dc_layer_kind kind,
                       const char *srs, bool exact, OGRCoordinateTransformationH *out,
                       dc_source_problem *problem)
{
    size_t len = 0;
    char *prj = !srs && shp ? read_prj(shp, &len) : NULL;
    OGRCoordinateTransformationH ct = prj ? take_idle(prj, len) : NULL;
    dc_err rc = DC_OK;
    if (ct) {
        fast_switch(ct, !exact);
        *out = ct;
    } else {
        rc = transformation(layer, prj, len, kind, srs, exact, out, problem);
    }
    free(prj);
    return rc;
}

void dc_crs_add_vn2000_shift(OGRSpatialReferenceH srs)
{
    OGRSpatialReferenceH to = wgs84();
    if (to) ensure_vn2000_shift(srs, to);
    if (to) OSRDestroySpatialReference(to);
}
