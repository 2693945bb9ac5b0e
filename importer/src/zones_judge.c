/*
 * zones_judge.c - zone features judged on threads while they are read
 * (zones_judge.h): each reprojected with its thread's copy of its layer's
 * transformation, proven valid (valid_fast.c) or checked and repaired by
 * GEOS, and encoded, independently of every other.
 */
#include "zones_judge.h"

#include "valid_fast.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_error.h>

/* Every polygon inside @p g (recursing into collections) into @p mp. */
static void collect_polygons(OGRGeometryH g, OGRGeometryH mp)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        if (!OGR_G_IsEmpty(g)) OGR_G_AddGeometry(mp, g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            collect_polygons(OGR_G_GetGeometryRef(g, i), mp);
    }
}

static OGRGeometryH polygons_of(OGRGeometryH g)
{
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
    collect_polygons(g, mp);
    if (OGR_G_GetGeometryCount(mp) == 0) {
        OGR_G_DestroyGeometry(mp);
        return NULL;
    }
    return mp;
}

/*
 * polygons_of for a geometry the caller gives up: a multipolygon whose
 * parts are all non-empty polygons is already its own answer, and a
 * non-empty polygon becomes one without copying its rings.
 */
OGRGeometryH dc_zone_polygons_owned(OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    bool as_is = t == wkbMultiPolygon && OGR_G_GetGeometryCount(g) > 0;
    for (int i = 0; as_is && i < OGR_G_GetGeometryCount(g); i++) {
        OGRGeometryH part = OGR_G_GetGeometryRef(g, i);
        as_is =
            wkbFlatten(OGR_G_GetGeometryType(part)) == wkbPolygon && !OGR_G_IsEmpty(part);
    }
    if (as_is) return g;
    if (t == wkbPolygon && !OGR_G_IsEmpty(g)) return OGR_G_ForceToMultiPolygon(g);
    OGRGeometryH mp = polygons_of(g);
    OGR_G_DestroyGeometry(g);
    return mp;
}

/* A thread's buffers, kept from feature to feature: the rings of the one
 * being judged, copied out of OGR once for both the proof and the
 * encoding, and the proof's own. */
typedef struct judge_work {
    dc_zone_rings rings;
    dc_proof_work *proof; /* NULL when out of memory: GEOS decides */
} judge_work;

/* Proven valid by the quick test, with @p w's rings read from @p g. */
static bool proven_valid(OGRGeometryH g, judge_work *w)
{
    return w->proof && dc_zone_rings_read(&w->rings, g) == 0 &&
           dc_rings_proven_valid(&w->rings, w->proof);
}

/*
 * A valid multipolygon from geometry @p g (taken), or NULL with the
 * reason in *verdict (and the type of a geometry that is not a polygon
 * in *type). *@p same_rings: whether the multipolygon's rings are those
 * w->rings holds (a geometry proven valid is its own answer, ring for
 * ring). Reports nothing: thread-safe.
 */
static OGRGeometryH valid_polygons(OGRGeometryH g, judge_work *w, dc_verdict *verdict,
                                   OGRwkbGeometryType *type, bool *same_rings)
{
    *same_rings = false;
    if (!g || OGR_G_IsEmpty(g)) {
        OGR_G_DestroyGeometry(g);
        *verdict = DC_VERDICT_NULL_GEOMETRY;
        return NULL;
    }
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbCurvePolygon || t == wkbMultiSurface) {
        OGRGeometryH linear = OGR_G_GetLinearGeometry(g, 0, NULL);
        OGR_G_DestroyGeometry(g);
        g = linear;
    } else if (t != wkbPolygon && t != wkbMultiPolygon) {
        OGR_G_DestroyGeometry(g);
        *verdict = DC_VERDICT_NOT_POLYGON;
        *type = t;
        return NULL;
    }
    /* Most zones are proven valid in linear time; GEOS decides the rest. */
    bool proven = proven_valid(g, w);
    if (proven || OGR_G_IsValid(g)) {
        OGRGeometryH mp = dc_zone_polygons_owned(g);
        *verdict = mp ? DC_VERDICT_KEPT : DC_VERDICT_DROPPED;
        *same_rings = proven && mp;
        return mp;
    }
    OGRGeometryH fixed = OGR_G_MakeValid(g);
    OGRGeometryH mp = fixed ? polygons_of(fixed) : NULL;
    OGR_G_DestroyGeometry(fixed);
    OGR_G_DestroyGeometry(g);
    if (!mp || !OGR_G_IsValid(mp)) {
        OGR_G_DestroyGeometry(mp);
        *verdict = DC_VERDICT_INVALID;
        return NULL;
    }
    *verdict = DC_VERDICT_REPAIRED;
    return mp;
}

/* The features being judged: next is the first no thread has taken,
 * avail the number taken so far, and done once no more will come. While
 * threads judge as features are read, the features are not moved: the
 * caller stops them before it grows the array. */
struct dc_judging {
    dc_zone_feature *features;
    OGRCoordinateTransformationH *const *transforms;
    pthread_mutex_t lock;
    pthread_cond_t more;
    size_t next, avail;
    bool done;
    pthread_t helper[DC_ZONE_MAX_THREADS];
    unsigned started;
};

/* Reproject (with this thread's copy of the layer's transformation),
 * validate and repair one feature. */
static void judge_one(dc_judging *j, dc_zone_feature *f,
                      OGRCoordinateTransformationH *mine, judge_work *w)
{
    if (f->verdict != DC_VERDICT_PENDING) return;
    OGRGeometryH g = f->geometry;
    f->geometry = NULL;
    if (g && f->transform >= 0) {
        OGRCoordinateTransformationH *ct = &mine[f->transform];
        if (!*ct) {
            /* The reader may be adding a layer's transformation. */
            pthread_mutex_lock(&j->lock);
            OGRCoordinateTransformationH layer = (*j->transforms)[f->transform];
            pthread_mutex_unlock(&j->lock);
            *ct = dc_crs_clone(layer);
        }
        /* A geometry PROJ cannot transform is reported like a missing one. */
        if (!*ct || dc_crs_transform_geometry(g, *ct) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(g);
            g = NULL;
        }
    }
    bool same_rings;
    f->geometry = valid_polygons(g, w, &f->verdict, &f->type, &same_rings);
    /* Most zones are one feature: their encoding is done here, on every
     * CPU, rather than one by one when they are merged. */
    if (f->geometry) {
        f->encoded = (same_rings ? dc_zone_encode_rings(&w->rings, &f->blob, &f->bb)
                                 : dc_zone_encode(f->geometry, &f->blob, &f->bb)) == 0;
        if (!f->encoded) {
            free(f->blob.data);
            memset(&f->blob, 0, sizeof f->blob);
        }
    }
}

/* Room in *mine for transformation @p k; false when out of memory. */
static bool mine_reserve(OGRCoordinateTransformationH **mine, size_t *cap, int k)
{
    if (k < 0 || (size_t)k < *cap) return true;
    size_t c = *cap ? *cap : 16;
    while (c <= (size_t)k)
        c *= 2;
    OGRCoordinateTransformationH *x = realloc(*mine, c * sizeof *x);
    if (!x) return false;
    memset(x + *cap, 0, (c - *cap) * sizeof *x);
    *mine = x;
    *cap = c;
    return true;
}

static void *judge_some(void *arg)
{
    dc_judging *j = arg;
    OGRCoordinateTransformationH *mine = NULL;
    size_t cap = 0;
    judge_work w = {{0}, dc_proof_work_new()};
    CPLPushErrorHandler(CPLQuietErrorHandler);
    for (;;) {
        pthread_mutex_lock(&j->lock);
        while (j->next >= j->avail && !j->done)
            pthread_cond_wait(&j->more, &j->lock);
        if (j->next >= j->avail) {
            pthread_mutex_unlock(&j->lock);
            break;
        }
        dc_zone_feature *f = &j->features[j->next++];
        pthread_mutex_unlock(&j->lock);
        if (mine_reserve(&mine, &cap, f->transform))
            judge_one(j, f, mine, &w);
        else if (f->verdict == DC_VERDICT_PENDING)
            f->verdict = DC_VERDICT_INVALID; /* out of memory */
    }
    CPLPopErrorHandler();
    dc_zone_rings_free(&w.rings);
    dc_proof_work_free(w.proof);
    for (size_t i = 0; i < cap; i++)
        dc_crs_destroy(mine[i]);
    free(mine);
    return NULL;
}

dc_judging *dc_judging_start(dc_zone_feature *features, size_t from, size_t avail,
                             OGRCoordinateTransformationH *const *transforms,
                             unsigned helpers)
{
    dc_judging *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->features = features;
    j->transforms = transforms;
    j->next = from;
    j->avail = avail;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->more, NULL);
    while (j->started < helpers && j->started + 1 < DC_ZONE_MAX_THREADS &&
           pthread_create(&j->helper[j->started], NULL, judge_some, j) == 0)
        j->started++;
    return j;
}

void dc_judging_end(dc_judging *j)
{
    pthread_mutex_lock(&j->lock);
    j->done = true;
    pthread_cond_broadcast(&j->more);
    pthread_mutex_unlock(&j->lock);
    judge_some(j);
    for (unsigned k = 0; k < j->started; k++)
        pthread_join(j->helper[k], NULL);
    pthread_cond_destroy(&j->more);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

void dc_judging_lock(dc_judging *j, bool on)
{
    if (!j) return;
    if (on)
        pthread_mutex_lock(&j->lock);
    else
        pthread_mutex_unlock(&j->lock);
}

void dc_judging_publish(dc_judging *j, size_t avail)
{
    pthread_mutex_lock(&j->lock);
    j->avail = avail;
    pthread_cond_signal(&j->more);
    pthread_mutex_unlock(&j->lock);
}

unsigned dc_judge_threads(size_t features)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n > DC_ZONE_MAX_THREADS) n = DC_ZONE_MAX_THREADS;
    if (n > 0 && (size_t)n > features) n = (long)features;
    return n < 1 ? 1 : (unsigned)n;
}
