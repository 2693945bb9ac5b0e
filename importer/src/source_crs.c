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
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static OGRSpatialReferenceH wgs84(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (srs && OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
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
/* Building the transformation costs PROJ's database another 2 ms or so;
 * a layer done gives its transformation back for the next layer with the
 * same .prj (taken by one layer at a time: GDAL gives the PROJ object the
 * calling thread's context at each transform). */
#define CRS_IDLE 4
#define CRS_LENT 16

typedef struct crs_entry {
    char *prj; /* the .prj's bytes */
    size_t len;
    OGRSpatialReferenceH from;
    OGRCoordinateTransformationH idle[CRS_IDLE];
    int nidle;
    bool pending; /* a thread is making `from`; NULL after: not to be kept */
} crs_entry;

/* The household readers start with the zones, so up to three threads
 * meet each .prj at once: one makes the reference, the others wait. */
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

/* A copy of the reference kept for these .prj bytes; or NULL with *mine
 * set when the caller is to make it (and then call made_crs), or not set
 * when it is not kept (the cache full, a reference that failed). */
static OGRSpatialReferenceH cached_crs(const char *prj, size_t len, bool *mine)
{
    OGRSpatialReferenceH srs = NULL;
    *mine = false;
    pthread_mutex_lock(&crs_lock);
    size_t i = find_entry(prj, len);
    while (i < crs_count && crs_cache[i].pending)
        pthread_cond_wait(&crs_made, &crs_lock);
    if (i < crs_count && crs_cache[i].from) srs = OSRClone(crs_cache[i].from);
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

/* The reference the caller made for these .prj bytes (NULL: none), kept
 * as a copy; the threads waiting for it go on. */
static void made_crs(const char *prj, size_t len, OGRSpatialReferenceH from)
{
    pthread_mutex_lock(&crs_lock);
    crs_entry *e = &crs_cache[find_entry(prj, len)];
    e->from = from ? OSRClone(from) : NULL;
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
    if (ct) OCTDestroyCoordinateTransformation(ct);
}

/* The layer's CRS, ready to transform from: the override, or the layer's
 * own (from the cache when its .prj's bytes @p prj were seen), with the
 * VN-2000 shift made sure of. */
static OGRSpatialReferenceH source_ready(OGRLayerH layer, const char *prj, size_t len,
                                         dc_layer_kind kind, const char *srs,
                                         OGRSpatialReferenceH to,
                                         dc_source_problem *problem)
{
    bool mine = false;
    OGRSpatialReferenceH from = prj ? cached_crs(prj, len, &mine) : NULL;
    if (from) return from;
    from = source_crs(layer, kind, srs, problem);
    if (from) {
        OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
        ensure_vn2000_shift(from, to);
    }
    if (mine) made_crs(prj, len, from);
    return from;
}

static dc_err transformation(OGRLayerH layer, const char *prj, size_t len,
                             dc_layer_kind kind, const char *srs,
                             OGRCoordinateTransformationH *out,
                             dc_source_problem *problem)
{
    dc_err rc = DC_E_INVALID_ARG;
    OGRSpatialReferenceH to = wgs84();
    OGRSpatialReferenceH from = to ? source_ready(layer, prj, len, kind, srs, to, problem)
                                   : source_crs(layer, kind, srs, problem);
    OGRCoordinateTransformationH ct = NULL;
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
    if (prj) lend(prj, len, ct);
    *out = ct;
    rc = DC_OK;
done:
    if (from) OSRDestroySpatialReference(from);
    if (to) OSRDestroySpatialReference(to);
    return rc;
}

dc_err dc_crs_to_wgs84(OGRLayerH layer, const char *shp, dc_layer_kind kind,
                       const char *srs, OGRCoordinateTransformationH *out,
                       dc_source_problem *problem)
{
    size_t len = 0;
    char *prj = !srs && shp ? read_prj(shp, &len) : NULL;
    OGRCoordinateTransformationH ct = prj ? take_idle(prj, len) : NULL;
    dc_err rc = DC_OK;
    if (ct)
        *out = ct;
    else
        rc = transformation(layer, prj, len, kind, srs, out, problem);
    free(prj);
    return rc;
}
