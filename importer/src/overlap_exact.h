/*
 * overlap_exact.h - whether two zones share interior, decided exactly on
 * their integer rings as stored. Internal to the importer.
 */
#ifndef DC_IMPORT_OVERLAP_EXACT_H
#define DC_IMPORT_OVERLAP_EXACT_H

#include <string.h>

#include "diachi/index.h"
#include "overlap_index.h"

/* A vertex, doubled so that edge midpoints are exact integers too. */
typedef struct dc_pt {
    int64_t lat, lon;
} dc_pt;

/* A zone's integer rings, as stored, each followed by its first vertex. */
typedef struct dc_izone {
    dc_pt *v;
    dc_run *run;
    size_t nruns;
    dc_bands bands;
    dc_box all;
} dc_izone;

/* The edges of a zone that meet one window, in the zone's order. */
typedef struct dc_iedges {
    dc_pt *a, *b;
    dc_box *box;
    size_t n, cap;
} dc_iedges;

/* What a thread keeps from pair to pair: the window's edges and grid. */
typedef struct dc_exact_scratch {
    dc_iedges ia, ib;
    dc_grid grid_a;
} dc_exact_scratch;

/* Zone @p p's edges, runs and bands; 0, or -1 out of memory. */
int dc_izone_load(dc_izone *z, const dc_polygon *p);
/* Frees what dc_izone_load allocated; NULL is a no-op. */
void dc_izone_free(dc_izone *z);
/* dc_polygons_overlap on loaded zones (the bytes not identical): 1, 0,
 * or -1 out of memory. */
int dc_izones_overlap(const dc_izone *a, const dc_izone *b, dc_exact_scratch *s);
void dc_exact_scratch_free(dc_exact_scratch *s);

static inline bool dc_same_bytes(const dc_polygon *a, const dc_polygon *b)
{
    return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

#endif
