/*
 * overlap_area.h - the area two zones share, measured on their WGS 84
 * geometries. Internal to the importer.
 */
#ifndef DC_IMPORT_OVERLAP_AREA_H
#define DC_IMPORT_OVERLAP_AREA_H

#include <ogr_api.h>

#include "overlap_index.h"

/* A ring's runs, and whether the measure reads its edges backwards: a
 * ring turned round is stored turned, and its edges are read in the
 * order the measure has always read them in, from its first vertex. */
typedef struct dc_zring {
    uint32_t run0, run1;
    bool backward;
} dc_zring;

/* A zone's rings as doubles, repeated points dropped, turned so that the
 * interior is on the left (holes run the other way round), each followed
 * by its first vertex; its runs, and blocks of DC_BLOCK runs with the
 * box of each, to find the edges that reach a latitude. */
typedef struct dc_fzone {
    dc_xy *v;
    dc_run *run;
    dc_zring *ring;
    dc_box *block;
    size_t nruns, nrings, nblocks;
    dc_box all;   /* of the edges */
    dc_box shape; /* of the geometry, as OGR_G_GetEnvelope gives it */
    double slack; /* how far rounding can move a latitude relative to a window */
} dc_fzone;

/* What a thread keeps from pair to pair: the window's edges, the links
 * between them, and grids: over the second zone's edges (read by the
 * first's), over each zone's runs, and, for an edge cut alone, the
 * others, built when first needed. */
typedef struct dc_area_scratch {
    dc_fedges fa, fb;
    dc_links la, lb;
    dc_grid fine_a, fine_b; /* finer grids, for finding the edges near an edge */
    dc_grid runs_a, runs_b; /* over the runs, for finding a run clear of them */
    dc_grid grid_a, grid_b; /* the grids whose order decides an edge's first event */
    bool fine_a_built, built_a, built_b;
    dc_cuts cuts;
} dc_area_scratch;

/* Zone @p g's edges, runs and blocks; 0, or -1 out of memory. */
int dc_fzone_load(dc_fzone *z, OGRGeometryH g);
/* Frees what dc_fzone_load allocated; NULL is a no-op. */
void dc_fzone_free(dc_fzone *z);
/* dc_overlap_area on loaded zones. */
double dc_fzones_area(const dc_fzone *a, const dc_fzone *b, dc_area_scratch *s);
void dc_area_scratch_free(dc_area_scratch *s);

#endif
