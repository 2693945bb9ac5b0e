/*
 * overlap.c - which zones share interior, and how much.
 *
 * Two neighbouring zones of ten thousand vertices each meet along one
 * border. Each zone's edges are loaded once, as integers and as doubles,
 * in runs of consecutive edges with a box each; the integer edges also in
 * latitude bands over the whole zone, the doubles in blocks of runs. A
 * pair takes from the runs only the edges in the window where the two
 * bounding boxes meet; a uniform grid over those finds the edge pairs
 * that can cross, and the other zone's bands (or blocks) find the edges a
 * ray from a point can cross. A run clear of the other zone is placed
 * once for its 16 edges.
 * So a pair costs the edges of its window and the few edges its points'
 * rays read, not the two zones' vertex counts, and not their product.
 *
 * A zone is loaded when its first pair is taken and freed after its last;
 * the pairs are taken in a west-to-east sweep, so memory holds the zones
 * the sweep is crossing, not the map.
 *
 * The answers are those of the pair-at-a-time code this replaced, bit for
 * bit: each side sees the window's edges in the same order, indexed by
 * the same grid, and a band or a block holds every edge that the point
 * tests read (their outcome does not depend on the order they are read
 * in).
 *
 * The edge indexes are in overlap_index.c, the exact test in
 * overlap_exact.c and the measure in overlap_area.c; this file finds the
 * candidate pairs and shares them among threads.
 */
#include "overlap.h"
#include "overlap_area.h"
#include "overlap_exact.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* What a thread keeps from pair to pair. */
typedef struct dc_scratch {
    dc_exact_scratch exact;
    dc_area_scratch area;
} dc_scratch;

/* ---- all the zones ---- */

typedef struct dc_pair {
    size_t i, j;
    double area_deg2; /* 0 when none; -1 out of memory */
} dc_pair;

typedef struct dc_bbox_e7 {
    int32_t south, west, north, east;
    size_t zone;
} dc_bbox_e7;

static int cmp_west(const void *a, const void *b)
{
    const dc_bbox_e7 *x = a, *y = b;
    return (x->west > y->west) - (x->west < y->west);
}

static int cmp_pair(const void *a, const void *b)
{
    const dc_pair *x = a, *y = b;
    if (x->i != y->i) return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

static int pairs_add(dc_pair **pairs, size_t *n, size_t *cap, size_t i, size_t j)
{
    int rc = 0;
    *pairs = grow(*pairs, cap, *n + 1, sizeof **pairs, &rc);
    if (rc != 0) return -1;
    dc_pair p = {i < j ? i : j, i < j ? j : i, 0};
    (*pairs)[(*n)++] = p;
    return 0;
}

/* The pairs whose bounding boxes overlap (not just touch), by a sweep
 * from west to east, in the sweep's order: a zone's pairs come close
 * together, so it is loaded for a short stretch of the work. */
static int candidate_pairs(const dc_polygon *polygons, size_t n, dc_pair **out,
                           size_t *nout)
{
    dc_bbox_e7 *bb = malloc((n + 1) * sizeof *bb);
    dc_pair *pairs = NULL;
    size_t npairs = 0, cap = 0;
    if (!bb) return -1;
    for (size_t k = 0; k < n; k++) {
        dc_polygon_bbox(&polygons[k], &bb[k].south, &bb[k].west, &bb[k].north,
                        &bb[k].east);
        bb[k].zone = k;
    }
    qsort(bb, n, sizeof *bb, cmp_west);
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n && bb[b].west < bb[a].east; b++)
            if (bb[a].south < bb[b].north && bb[b].south < bb[a].north &&
                bb[a].west < bb[b].east &&
                pairs_add(&pairs, &npairs, &cap, bb[a].zone, bb[b].zone) != 0) {
                free(bb);
                free(pairs);
                return -1;
            }
    free(bb);
    *out = pairs;
    *nout = npairs;
    return 0;
}

/* One zone's loaded edges, there from its first pair to its last. */
typedef struct dc_slot {
    pthread_mutex_t lock;
    atomic_size_t uses; /* pairs not yet done */
    dc_izone *iz;       /* NULL until loaded */
    dc_fzone *fz;
} dc_slot;

typedef struct dc_work {
    const dc_polygon *polygons;
    OGRGeometryH const *geometries;
    dc_pair *pairs;
    size_t npairs;
    atomic_size_t next;
    dc_slot *slots;
} dc_work;

static dc_izone *izone_new(const dc_polygon *p)
{
    dc_izone *z = malloc(sizeof *z);
    if (z && dc_izone_load(z, p) != 0) {
        dc_izone_free(z);
        free(z);
        z = NULL;
    }
    return z;
}

static dc_fzone *fzone_new(OGRGeometryH g)
{
    dc_fzone *z = malloc(sizeof *z);
    if (z && dc_fzone_load(z, g) != 0) {
        dc_fzone_free(z);
        free(z);
        z = NULL;
    }
    return z;
}

/* Zone k's integer edges, loaded by the first thread to ask; NULL when out
 * of memory. A thread waiting here waits for that load only. */
static const dc_izone *slot_izone(dc_work *w, size_t k)
{
    dc_slot *s = &w->slots[k];
    pthread_mutex_lock(&s->lock);
    if (!s->iz) s->iz = izone_new(&w->polygons[k]);
    dc_izone *z = s->iz;
    pthread_mutex_unlock(&s->lock);
    return z;
}

static const dc_fzone *slot_fzone(dc_work *w, size_t k)
{
    dc_slot *s = &w->slots[k];
    pthread_mutex_lock(&s->lock);
    if (!s->fz) s->fz = fzone_new(w->geometries[k]);
    dc_fzone *z = s->fz;
    pthread_mutex_unlock(&s->lock);
    return z;
}

/* One pair of zone k done: the last frees its edges. */
static void slot_release(dc_work *w, size_t k)
{
    dc_slot *s = &w->slots[k];
    if (atomic_fetch_sub(&s->uses, 1) != 1) return;
    dc_izone_free(s->iz);
    dc_fzone_free(s->fz);
    free(s->iz);
    free(s->fz);
    s->iz = NULL;
    s->fz = NULL;
}

/* The shared area of one pair: the exact test, then the measure, then
 * GEOS where the measure declines. -1 out of memory. */
static double pair_area(dc_work *w, dc_scratch *s, size_t i, size_t j)
{
    const dc_izone *ia = slot_izone(w, i), *ib = slot_izone(w, j);
    if (!ia || !ib) return -1;
    int rc = dc_same_bytes(&w->polygons[i], &w->polygons[j])
                 ? 1
                 : dc_izones_overlap(ia, ib, &s->exact);
    if (rc <= 0) return rc;
    const dc_fzone *fa = slot_fzone(w, i), *fb = slot_fzone(w, j);
    if (!fa || !fb) return -1;
    double area = dc_fzones_area(fa, fb, &s->area);
    if (area >= 0) return area;
    OGRGeometryH x = OGR_G_Intersection(w->geometries[i], w->geometries[j]);
    area = x ? OGR_G_Area(x) : 0.0;
    OGR_G_DestroyGeometry(x);
    return area;
}

static void *work_pairs(void *arg)
{
    dc_work *w = arg;
    dc_scratch s;
    memset(&s, 0, sizeof s);
    for (;;) {
        size_t k = atomic_fetch_add(&w->next, 1);
        if (k >= w->npairs) break;
        dc_pair *p = &w->pairs[k];
        p->area_deg2 = pair_area(w, &s, p->i, p->j);
        slot_release(w, p->i);
        slot_release(w, p->j);
    }
    dc_exact_scratch_free(&s.exact);
    dc_area_scratch_free(&s.area);
    return NULL;
}

/* Keep the pairs that share area; -1 when one ran out of memory. */
static int keep_overlaps(dc_pair *pairs, size_t npairs, dc_overlap **out, size_t *nout)
{
    size_t n = 0;
    for (size_t k = 0; k < npairs; k++) {
        if (pairs[k].area_deg2 < 0) return -1;
        n += pairs[k].area_deg2 > 0;
    }
    dc_overlap *o = n ? malloc(n * sizeof *o) : NULL;
    if (n && !o) return -1;
    for (size_t k = 0, m = 0; k < npairs; k++)
        if (pairs[k].area_deg2 > 0) {
            dc_overlap x = {pairs[k].i, pairs[k].j, pairs[k].area_deg2};
            o[m++] = x;
        }
    *out = o;
    *nout = n;
    return 0;
}

static dc_slot *slots_new(const dc_pair *pairs, size_t npairs, size_t n)
{
    dc_slot *slots = calloc(n + 1, sizeof *slots);
    if (!slots) return NULL;
    for (size_t k = 0; k < n; k++) {
        pthread_mutex_init(&slots[k].lock, NULL);
        atomic_init(&slots[k].uses, 0);
    }
    for (size_t k = 0; k < npairs; k++) {
        atomic_fetch_add(&slots[pairs[k].i].uses, 1);
        atomic_fetch_add(&slots[pairs[k].j].uses, 1);
    }
    return slots;
}

static void slots_free(dc_slot *slots, size_t n)
{
    for (size_t k = 0; slots && k < n; k++)
        pthread_mutex_destroy(&slots[k].lock);
    free(slots);
}

dc_err dc_overlaps_find(const dc_polygon *polygons, OGRGeometryH const *geometries,
                        size_t n, unsigned nthreads, dc_overlap **out, size_t *nout)
{
    dc_work w = {polygons, geometries, NULL, 0, 0, NULL};
    if (candidate_pairs(polygons, n, &w.pairs, &w.npairs) != 0) return DC_E_NOMEM;
    w.slots = slots_new(w.pairs, w.npairs, n);
    if (!w.slots) {
        free(w.pairs);
        return DC_E_NOMEM;
    }
    pthread_t helper[7];
    unsigned started = 0;
    if (nthreads > 8) nthreads = 8;
    while (started + 1 < nthreads && started + 1 < w.npairs &&
           pthread_create(&helper[started], NULL, work_pairs, &w) == 0)
        started++;
    work_pairs(&w);
    for (unsigned k = 0; k < started; k++)
        pthread_join(helper[k], NULL);
    slots_free(w.slots, n);
    if (w.npairs) qsort(w.pairs, w.npairs, sizeof *w.pairs, cmp_pair);
    int rc = keep_overlaps(w.pairs, w.npairs, out, nout);
    free(w.pairs);
    return rc == 0 ? DC_OK : DC_E_NOMEM;
}
