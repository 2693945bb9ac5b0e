/*
 * zonecells.c - the sub-grid of the zone grid computed from the zones'
 * polygons (zonecells.h): the builder writes it and dc_index_check
 * recomputes it to compare.
 *
 * For each zone, once: the sub-cells each edge touches (closed squares,
 * exact orientation tests), as runs of consecutive edges, and which
 * sub-cell centres the zone holds, counted row by row along the centres'
 * line with the point-in-zone test's own crossing rule
 * (dc_edge_crosses_east), so every mark is that test's answer. A value is
 * then a walk of the zonegrid cell's 400 sub-cells and their candidates.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zonecells_zone.h"

#define LAT_ROWS 72000u /* rows of the 1/400-degree grid */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static uint32_t clamp_index(int64_t v, uint32_t n)
{
    return v < 0 ? 0 : v >= (int64_t)n ? n - 1 : (uint32_t)v;
}

/* clamp_index(floor_div(v, DC_CELL_E7), n), in fewer steps: any v below 0
 * gives 0 either way. */
static uint32_t cell_index(int64_t v, uint32_t n)
{
    if (v < 0) return 0;
    uint64_t q = (uint64_t)v / DC_CELL_E7;
    return q >= n ? n - 1 : (uint32_t)q;
}

/* ---- the sub-cells an edge touches ------------------------------------ */

/* The first and last sub-cell whose closed span holds [lo, hi], from the
 * grid's origin @p origin, at most @p n of them. */
static void span(int64_t lo, int64_t hi, int64_t origin, uint32_t n, uint32_t *first,
                 uint32_t *last)
{
    *first = cell_index(lo - origin - 1, n);
    *last = cell_index(hi - origin, n);
}

/*
 * A zone's runs are made as its edges are walked, in ring then edge order:
 * each sub-cell an edge touches extends the run the edge before left open
 * there, or starts one. An edge's sub-cells come in ascending order (row,
 * then column), as do those the edge before left open, so the two are
 * matched in one pass. A run is so the longest stretch of consecutive
 * edges touching its sub-cell, the runs come in ring then first edge order,
 * and a realistic border makes a run for about every seventy of its edges
 * (real3300: 34 million edges, 478,240 runs) where sorting took a touch
 * for each edge and sub-cell.
 */
typedef struct zc_open {
    uint64_t cell;
    size_t run; /* its index in the runs */
} zc_open;

typedef struct zc_walk {
    zc_run *runs;
    size_t nruns, cap;
    zc_open *was, *now; /* open after the edge before, after this one */
    size_t nwas, nnow, capopen;
    uint32_t ring, edge;
} zc_walk;

static dc_err grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return DC_OK;
    size_t n = *cap ? 2 * *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q) return DC_E_NOMEM;
    *p = q;
    *cap = n;
    return DC_OK;
}

/* Room for @p most open runs, before and after an edge. */
static dc_err grow_open(zc_walk *w, size_t most)
{
    size_t capwas = w->capopen;
    if (grow((void **)&w->now, &w->capopen, most, sizeof *w->now) != DC_OK ||
        grow((void **)&w->was, &capwas, most, sizeof *w->was) != DC_OK)
        return DC_E_NOMEM;
    return DC_OK;
}

/* On to the next edge: the runs open now are those it may extend. */
static void walk_next(zc_walk *w)
{
    zc_open *t = w->was;
    w->was = w->now;
    w->now = t;
    w->nwas = w->nnow;
}

/* The walk's edge touches sub-cell @p cell, after every lower one it
 * touches: extend the run open there, or start one. */
static dc_err walk_touch(zc_walk *w, uint64_t cell, size_t *at)
{
    while (*at < w->nwas && w->was[*at].cell < cell)
        (*at)++;
    size_t run = w->nruns;
    if (*at < w->nwas && w->was[*at].cell == cell) {
        run = w->was[*at].run;
        w->runs[run].count++;
    } else {
        if (grow((void **)&w->runs, &w->cap, w->nruns + 1, sizeof *w->runs) != DC_OK)
            return DC_E_NOMEM;
        w->runs[w->nruns++] = (zc_run){cell, w->ring, w->edge, 1};
    }
    w->now[w->nnow++] = (zc_open){cell, run};
    return DC_OK;
}

/* The sub-cell whose inside (not its sides) holds both @p a and @p b, as
 * most of a border's short edges have, in *cell; false when there is none.
 * The edge touches that sub-cell only. */
static bool inside_one(const int32_t a[2], const int32_t b[2], uint64_t *cell)
{
    int64_t ya = (int64_t)a[0] - DC_LAT_E7_MIN, yb = (int64_t)b[0] - DC_LAT_E7_MIN;
    int64_t xa = (int64_t)a[1] - DC_LON_E7_MIN, xb = (int64_t)b[1] - DC_LON_E7_MIN;
    if (ya < 0 || yb < 0 || xa < 0 || xb < 0) return false;
    int64_t r = ya / DC_CELL_E7, c = xa / DC_CELL_E7;
    int64_t south = r * DC_CELL_E7, west = c * DC_CELL_E7; /* compared, not divided */
    if (!(ya > south && yb > south && yb < south + DC_CELL_E7) ||
        !(xa > west && xb > west && xb < west + DC_CELL_E7) || r >= LAT_ROWS ||
        c >= DC_CELL_COLS)
        return false;
    *cell = (uint64_t)r * DC_CELL_COLS + (uint64_t)c;
    return true;
}

/* Edge (a, b), the walk's: the sub-cells it touches. */
static dc_err walk_edge(zc_walk *w, const int32_t a[2], const int32_t b[2])
{
    uint64_t cell;
    if (inside_one(a, b, &cell)) {
        size_t at = 0;
        if (w->capopen == 0 && grow_open(w, 1) != DC_OK) return DC_E_NOMEM;
        w->nnow = 0;
        if (walk_touch(w, cell, &at) != DC_OK) return DC_E_NOMEM;
        walk_next(w);
        return DC_OK;
    }
    uint32_t r0, r1, c0, c1;
    span(a[0] < b[0] ? a[0] : b[0], a[0] < b[0] ? b[0] : a[0], DC_LAT_E7_MIN, LAT_ROWS,
         &r0, &r1);
    span(a[1] < b[1] ? a[1] : b[1], a[1] < b[1] ? b[1] : a[1], DC_LON_E7_MIN,
         DC_CELL_COLS, &c0, &c1);
    size_t most = (size_t)(r1 - r0 + 1) * (c1 - c0 + 1), at = 0;
    if (most > w->capopen && grow_open(w, most) != DC_OK) return DC_E_NOMEM;
    w->nnow = 0;
    for (uint32_t r = r0; r <= r1; r++)
        for (uint32_t c = c0; c <= c1; c++)
            if (dc_zc_touches(a, b, (int64_t)r * DC_CELL_E7 + DC_LAT_E7_MIN,
                              (int64_t)c * DC_CELL_E7 + DC_LON_E7_MIN, DC_CELL_E7) &&
                walk_touch(w, (uint64_t)r * DC_CELL_COLS + c, &at) != DC_OK)
                return DC_E_NOMEM;
    walk_next(w);
    return DC_OK;
}

/* A run's row (@p by_row) or column, from one before the zone's first:
 * an edge touches the closed squares beside its box's too. */
static size_t run_key(const zc_zone *z, const zc_run *t, bool by_row)
{
    if (by_row) return (size_t)((int64_t)(t->cell / DC_CELL_COLS) - z->row0 + 1);
    return (size_t)((int64_t)(t->cell % DC_CELL_COLS) - z->col0 + 1);
}

/* Stable counting sort of @p n runs from @p from into @p to by their row or
 * column (@p nkeys of them), with @p count's room for nkeys + 1. */
static void sort_runs(const zc_zone *z, const zc_run *from, zc_run *to, size_t n,
                      bool by_row, size_t *count, size_t nkeys)
{
    memset(count, 0, (nkeys + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++) {
        assert(run_key(z, &from[i], by_row) < nkeys);
        count[run_key(z, &from[i], by_row) + 1]++;
    }
    for (size_t k = 1; k <= nkeys; k++)
        count[k] += count[k - 1];
    for (size_t i = 0; i < n; i++)
        to[count[run_key(z, &from[i], by_row)]++] = from[i];
}

/* Runs made in ring then first edge order, put in cell order: by column
 * then, stably, by row, so that each cell's stay in ring then edge order. */
static dc_err order_runs(const zc_zone *z, zc_run *t, size_t n)
{
    size_t rows = (size_t)z->nrows + 2, cols = (size_t)z->ncols + 2;
    size_t *count = malloc(((rows > cols ? rows : cols) + 1) * sizeof *count);
    zc_run *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!count || !tmp) {
        free(count);
        free(tmp);
        return DC_E_NOMEM;
    }
    sort_runs(z, t, tmp, n, false, count, cols);
    sort_runs(z, tmp, t, n, true, count, rows);
    free(count);
    free(tmp);
    return DC_OK;
}

static dc_err zone_runs(zc_zone *z)
{
    zc_walk w = {0};
    dc_err rc = DC_OK;
    for (uint32_t r = 0; r < z->nrings && rc == DC_OK; r++) {
        const dc_ring *ring = &z->rings[r];
        w.nwas = 0; /* runs never wrap past a ring's last edge */
        for (uint32_t i = 0; i < ring->npoints && rc == DC_OK; i++) {
            int32_t a[2], b[2];
            dc_zc_edge(ring, i, a, b);
            w.ring = r;
            w.edge = i;
            rc = walk_edge(&w, a, b);
        }
    }
    free(w.was);
    free(w.now);
    if (rc == DC_OK) rc = order_runs(z, w.runs, w.nruns);
    if (rc != DC_OK) {
        free(w.runs);
        return rc;
    }
    z->runs = w.runs;
    z->nruns = w.nruns;
    /* Every zone's runs are kept at once: no spare room. */
    zc_run *runs = realloc(z->runs, (z->nruns ? z->nruns : 1) * sizeof *runs);
    if (runs) z->runs = runs;
    return DC_OK;
}

/* ---- which centres a zone holds --------------------------------------- */

/* Flip the parity of the centres of row @p r west of edge (a, b)'s
 * crossing of their line, which it crosses. */
static void flip_row(zc_zone *z, uint8_t *flip, uint32_t r, const int32_t a[2],
                     const int32_t b[2])
{
    int64_t y = dc_zc_centre_lat(r);
    uint32_t lo = 0, hi = z->ncols;
    while (lo < hi) { /* centres where the crossing is strictly east */
        uint32_t mid = lo + (hi - lo) / 2;
        if (dc_edge_crosses_east(a[0], a[1], b[0], b[1], y,
                                 dc_zc_centre_lon(z->col0 + mid)))
            lo = mid + 1;
        else
            hi = mid;
    }
    uint8_t *row = flip + (size_t)(r - z->row0) * (z->ncols + 1);
    row[0] ^= 1;
    row[lo] ^= 1;
}

/* The rows of centres whose line edge (a, b) crosses: lo <= y < hi. */
static void edge_flips(zc_zone *z, uint8_t *flip, const int32_t a[2], const int32_t b[2])
{
    int64_t lo = a[0] < b[0] ? a[0] : b[0], hi = a[0] < b[0] ? b[0] : a[0];
    int64_t origin = (int64_t)DC_LAT_E7_MIN + DC_CELL_E7 / 2;
    int64_t first = -floor_div(origin - lo, DC_CELL_E7);
    if (origin + first * DC_CELL_E7 >= hi) return; /* most edges: no line crossed */
    int64_t last = -floor_div(origin - hi, DC_CELL_E7) - 1;
    if (first < z->row0) first = z->row0;
    if (last > (int64_t)z->row0 + z->nrows - 1) last = (int64_t)z->row0 + z->nrows - 1;
    for (int64_t r = first; r <= last; r++)
        flip_row(z, flip, (uint32_t)r, a, b);
}

/* The sub-cells of the zone's box. */
static void zone_box(zc_zone *z, const dc_polygon *p)
{
    int32_t s, w, n, e;
    dc_polygon_bbox(p, &s, &w, &n, &e);
    z->row0 = dc_cell_row(s);
    z->col0 = dc_cell_col(w);
    z->nrows = clamp_index(dc_cell_row(n), LAT_ROWS) - z->row0 + 1;
    z->ncols = dc_cell_col(e) - z->col0 + 1;
}

static dc_err zone_inside(zc_zone *z)
{
    uint8_t *flip = calloc((size_t)z->nrows * (z->ncols + 1), 1);
    z->inside = malloc((size_t)z->nrows * z->ncols);
    if (!flip || !z->inside) {
        free(flip);
        return DC_E_NOMEM;
    }
    for (uint32_t r = 0; r < z->nrings; r++)
        for (uint32_t i = 0; i < z->rings[r].npoints; i++) {
            int32_t a[2], b[2];
            dc_zc_edge(&z->rings[r], i, a, b);
            if (a[0] != b[0]) edge_flips(z, flip, a, b);
        }
    for (uint32_t r = 0; r < z->nrows; r++) {
        uint8_t parity = 0;
        for (uint32_t c = 0; c < z->ncols; c++) {
            parity ^= flip[(size_t)r * (z->ncols + 1) + c];
            z->inside[(size_t)r * z->ncols + c] = parity;
        }
    }
    free(flip);
    return DC_OK;
}

/* ---- prepare ---------------------------------------------------------- */

static dc_err zone_rings(zc_zone *z, const dc_polygon *p)
{
    dc_ring ring;
    size_t off = 0;
    z->nrings = 0;
    while (dc_polygon_next_ring(p, &off, &ring))
        z->nrings++;
    z->rings = malloc((z->nrings ? z->nrings : 1) * sizeof *z->rings);
    if (!z->rings) return DC_E_NOMEM;
    off = 0;
    for (uint32_t r = 0; dc_polygon_next_ring(p, &off, &ring); r++)
        z->rings[r] = ring;
    return DC_OK;
}

/*
 * The zones are independent: they are shared out in chunks between the
 * calling thread and one more per online CPU (at most ZC_THREADS in all),
 * each taking the next chunk as it is done, so that a national map's
 * 10,000 zones take half the time on two cores. Each zone's result is the
 * same whichever thread computes it.
 */
#define ZC_THREADS 4
#define ZC_CHUNK 32

typedef struct zc_prep {
    dc_zonecells *zc;
    const dc_zc_zone *zones;
    atomic_size_t next;
    atomic_int rc;
} zc_prep;

static dc_err prepare_zone(zc_zone *z, const dc_polygon *p)
{
    dc_err rc = zone_rings(z, p);
    if (rc == DC_OK) zone_box(z, p);
    if (rc == DC_OK) rc = zone_runs(z);
    if (rc == DC_OK) rc = zone_inside(z);
    return rc;
}

static void *prep_work(void *arg)
{
    zc_prep *job = arg;
    size_t n = job->zc->nzones;
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, ZC_CHUNK);
        for (size_t end = i + ZC_CHUNK; i < end && i < n; i++) {
            if (atomic_load(&job->rc) != DC_OK) return NULL;
            dc_err rc = prepare_zone(&job->zc->zones[i], &job->zones[i].polygon);
            if (rc != DC_OK) atomic_store(&job->rc, rc);
        }
        if (i >= n) return NULL;
    }
}

/* Run prep_work on the calling thread and up to ZC_THREADS - 1 others. */
static dc_err prepare_zones(dc_zonecells *zc, const dc_zc_zone *zones)
{
    zc_prep job = {.zc = zc, .zones = zones};
    atomic_init(&job.next, 0);
    atomic_init(&job.rc, DC_OK);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = cpus < 1 ? 1 : cpus > ZC_THREADS ? ZC_THREADS : (size_t)cpus;
    if (want > (zc->nzones + ZC_CHUNK - 1) / ZC_CHUNK)
        want = (zc->nzones + ZC_CHUNK - 1) / ZC_CHUNK;
    pthread_t helper[ZC_THREADS];
    size_t started = 0;
    while (started + 1 < want &&
           pthread_create(&helper[started], NULL, prep_work, &job) == 0)
        started++;
    prep_work(&job);
    for (size_t t = 0; t < started; t++)
        pthread_join(helper[t], NULL);
    return (dc_err)atomic_load(&job.rc);
}

dc_err dc_zonecells_prepare(const dc_zc_zone *zones, size_t nzones, dc_zonecells **out)
{
    dc_zonecells *zc = calloc(1, sizeof *zc);
    if (!zc) return DC_E_NOMEM;
    zc->in = zones;
    zc->nzones = nzones;
    zc->zones = calloc(nzones ? nzones : 1, sizeof *zc->zones);
    zc->of_postcode = malloc(DC_POSTCODES * sizeof *zc->of_postcode);
    dc_err rc = zc->zones && zc->of_postcode ? DC_OK : DC_E_NOMEM;
    for (uint32_t p = 0; rc == DC_OK && p < DC_POSTCODES; p++)
        zc->of_postcode[p] = -1;
    for (size_t i = 0; rc == DC_OK && i < nzones; i++)
        if (zones[i].postcode < DC_POSTCODES)
            zc->of_postcode[zones[i].postcode] = (int32_t)i;
    if (rc == DC_OK) rc = prepare_zones(zc, zones);
    if (rc != DC_OK) {
        dc_zonecells_free(zc);
        return rc;
    }
    *out = zc;
    return DC_OK;
}

/* The parity of the proper crossings of segment @p s with the edges of
 * runs [lo, hi) of @p z, or -1 when an orientation is 0. An edge whose box
 * misses the segment's neither crosses nor touches it: it is passed over
 * without its orientations (most of a border sub-cell's short edges). */
static int runs_parity(const zc_zone *z, size_t lo, size_t hi, const int64_t s[4])
{
    int64_t lo_lat = s[0] < s[2] ? s[0] : s[2], hi_lat = s[0] < s[2] ? s[2] : s[0];
    int64_t lo_lon = s[1] < s[3] ? s[1] : s[3], hi_lon = s[1] < s[3] ? s[3] : s[1];
    int parity = 0;
    for (size_t k = lo; k < hi; k++) {
        const zc_run *run = &z->runs[k];
        for (uint32_t i = run->first; i < run->first + run->count; i++) {
            int32_t a[2], b[2];
            dc_zc_edge(&z->rings[run->ring], i, a, b);
            if ((a[0] < lo_lat && b[0] < lo_lat) || (a[0] > hi_lat && b[0] > hi_lat) ||
                (a[1] < lo_lon && b[1] < lo_lon) || (a[1] > hi_lon && b[1] > hi_lon))
                continue;
            int t = dc_zc_crossing(s, a[0], a[1], b[0], b[1]);
            if (t < 0) return -1;
            parity ^= t;
        }
    }
    return parity;
}

/* A point of a sub-cell the zone's edges touch (runs [lo, hi)): its
 * centre's answer, flipped by every proper crossing of the segment from
 * the point to the centre with those edges. Only they can meet the
 * segment, which the closed sub-cell holds. An orientation of 0 (the
 * point or the centre on an edge, the segment through a vertex or along
 * an edge) gives -1: the polygon test decides. */
static int border_holds(const zc_zone *z, size_t lo, size_t hi, uint32_t row,
                        uint32_t col, int32_t lat_e7, int32_t lon_e7)
{
    const int64_t s[4] = {lat_e7, lon_e7, dc_zc_centre_lat(row), dc_zc_centre_lon(col)};
    int parity = runs_parity(z, lo, hi, s);
    if (parity < 0) return -1;
    bool centre = row >= z->row0 && row - z->row0 < z->nrows && col >= z->col0 &&
                  col - z->col0 < z->ncols &&
                  z->inside[(size_t)(row - z->row0) * z->ncols + (col - z->col0)];
    return centre != (parity == 1);
}

int dc_zonecells_holds(const dc_zonecells *zc, uint32_t postcode, int32_t lat_e7,
                       int32_t lon_e7)
{
    if (postcode >= DC_POSTCODES || zc->of_postcode[postcode] < 0) return -1;
    const zc_zone *z = &zc->zones[zc->of_postcode[postcode]];
    uint32_t row = dc_cell_row(lat_e7), col = dc_cell_col(lon_e7);
    uint64_t cell = (uint64_t)row * DC_CELL_COLS + col;
    size_t lo = 0, hi = z->nruns; /* the first run at or after the cell */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->runs[mid].cell < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < z->nruns && z->runs[lo].cell == cell) {
        for (hi = lo + 1; hi < z->nruns && z->runs[hi].cell == cell; hi++) {
        }
        return border_holds(z, lo, hi, row, col, lat_e7, lon_e7);
    }
    if (row < z->row0 || row - z->row0 >= z->nrows || col < z->col0 ||
        col - z->col0 >= z->ncols)
        return 0;
    return z->inside[(size_t)(row - z->row0) * z->ncols + (col - z->col0)];
}

void dc_zonecells_free(dc_zonecells *zc)
{
    if (!zc) return;
    for (size_t i = 0; zc->zones && i < zc->nzones; i++) {
        free(zc->zones[i].runs);
        free(zc->zones[i].rings);
        free(zc->zones[i].inside);
    }
    free(zc->zones);
    free(zc->of_postcode);
    free(zc);
}
