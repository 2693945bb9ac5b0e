/*
 * overlap_exact.c - the exact test: whether two zones share interior, on
 * their integer rings (vertices doubled so that edge midpoints are exact).
 * A vertex or an edge midpoint of one strictly inside the other, or two
 * edges that properly cross, is an overlap; touching is not.
 */
#include "overlap.h"
#include "overlap_exact.h"

#include <stdlib.h>
#include <string.h>

/* Edges a latitude band of a zone holds, about. The exact test places
 * few points (most pairs one), so its bands are cheap to build rather
 * than quick to read. */
#define DC_IBAND 8

void dc_izone_free(dc_izone *z)
{
    if (!z) return;
    free(z->v);
    free(z->run);
    dc_bands_free(&z->bands);
}

static dc_pt vertex(const dc_ring *ring, uint32_t i)
{
    int32_t lat, lon;
    dc_ring_vertex(ring, i, &lat, &lon);
    dc_pt v = {2 * (int64_t)lat, 2 * (int64_t)lon};
    return v;
}

static dc_box edge_box(dc_pt a, dc_pt b)
{
    dc_box x = {
        (double)(a.lon < b.lon ? a.lon : b.lon), (double)(a.lat < b.lat ? a.lat : b.lat),
        (double)(a.lon > b.lon ? a.lon : b.lon), (double)(a.lat > b.lat ? a.lat : b.lat)};
    return x;
}

/* One ring into slots base..base+n, its runs and the latitudes of its edges. */
static void izone_ring(dc_izone *z, const dc_ring *ring, size_t base, dc_yspan *ys)
{
    uint32_t n = ring->npoints;
    for (uint32_t i = 0; i < n; i++)
        z->v[base + i] = vertex(ring, i);
    z->v[base + n] = z->v[base];
    ys[base + n].y0 = 1;
    ys[base + n].y1 = 0;
    for (size_t s = base; s < base + n; s += DC_RUN) {
        dc_run *r = &z->run[z->nruns++];
        r->start = (uint32_t)s;
        r->end = (uint32_t)(s + DC_RUN < base + n ? s + DC_RUN : base + n);
        r->box = box_none;
        for (uint32_t k = r->start; k < r->end; k++) {
            dc_box x = edge_box(z->v[k], z->v[k + 1]);
            box_add(&r->box, &x);
            ys[k] = x;
        }
        box_add(&z->all, &r->box);
    }
}

int dc_izone_load(dc_izone *z, const dc_polygon *p)
{
    size_t offset = 0, slots = 0, runs = 0, base = 0, rings = 0;
    dc_ring ring;
    memset(z, 0, sizeof *z);
    z->all = box_none;
    while (dc_polygon_next_ring(p, &offset, &ring)) {
        rings++;
        slots += ring.npoints + 1;
        runs += (ring.npoints + DC_RUN - 1) / DC_RUN;
    }
    dc_yspan *ys = malloc((slots + 1) * sizeof *ys);
    z->v = malloc((slots + 1) * sizeof *z->v);
    z->run = malloc((runs + 1) * sizeof *z->run);
    int rc = -1;
    if (!ys || !z->v || !z->run) goto done;
    for (offset = 0; dc_polygon_next_ring(p, &offset, &ring); base += ring.npoints + 1)
        izone_ring(z, &ring, base, ys);
    rc = dc_bands_build(&z->bands, ys, slots, slots - rings, DC_IBAND, &z->all);
done:
    free(ys);
    return rc;
}

static void iedges_free(dc_iedges *e)
{
    free(e->a);
    free(e->b);
    free(e->box);
}

static int iedges_reserve(dc_iedges *e, size_t more)
{
    size_t need = e->n + more, ca = e->cap, cb = e->cap, cbox = e->cap;
    int rc = 0;
    e->a = grow(e->a, &ca, need, sizeof *e->a, &rc);
    e->b = grow(e->b, &cb, need, sizeof *e->b, &rc);
    e->box = grow(e->box, &cbox, need, sizeof *e->box, &rc);
    if (rc == 0) e->cap = ca;
    return rc;
}

static int iedges_window(dc_iedges *e, const dc_izone *z, const dc_box *w)
{
    e->n = 0;
    for (size_t r = 0; r < z->nruns; r++) {
        const dc_run *run = &z->run[r];
        if (!box_meets(&run->box, w)) continue;
        if (iedges_reserve(e, DC_RUN) != 0) return -1;
        for (uint32_t k = run->start; k < run->end; k++) {
            dc_box x = edge_box(z->v[k], z->v[k + 1]);
            if (!box_meets(&x, w)) continue;
            e->a[e->n] = z->v[k];
            e->b[e->n] = z->v[k + 1];
            e->box[e->n++] = x;
        }
    }
    return 0;
}

static int sign(int64_t v)
{
    return (v > 0) - (v < 0);
}

/* Which side of the line a->b the point c is on: 1 left, -1 right, 0 on it. */
static int orient(dc_pt a, dc_pt b, dc_pt c)
{
    return sign((b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon));
}

static bool on_segment(dc_pt a, dc_pt b, dc_pt c)
{
    return orient(a, b, c) == 0 && (c.lat >= (a.lat < b.lat ? a.lat : b.lat)) &&
           (c.lat <= (a.lat > b.lat ? a.lat : b.lat)) &&
           (c.lon >= (a.lon < b.lon ? a.lon : b.lon)) &&
           (c.lon <= (a.lon > b.lon ? a.lon : b.lon));
}

/*
 * 1 strictly inside, 0 on the boundary, -1 outside (even-odd rule). Only
 * edges whose latitudes reach c's can hold c or cross a ray along its
 * latitude: c's band. The edges that cross that latitude are even in
 * number and, c on none of them, each crosses east or west of c, so the
 * crossings on either side have the same parity: the ray goes to the
 * nearer side, and the band, in buckets of western ends, is read only as
 * far as the buckets whose edges can reach c (an edge holding c reaches
 * it from both sides); reading more changes nothing.
 */
static int classify(const dc_izone *z, dc_pt c)
{
    const dc_bands *bands = &z->bands;
    uint32_t row = band_of(bands, (double)c.lat);
    uint32_t k0 = bands->start[row], n = bands->start[row + 1] - k0;
    bool west = westward((double)c.lon, z->all.x0, z->all.x1), inside = false;
    uint32_t last =
        bucket_of(bands, west ? (double)c.lon : (double)c.lon - bands->width[row]);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t slot = bands->item[west ? k0 + i : k0 + n - 1 - i];
        dc_pt a = z->v[slot], b = z->v[slot + 1];
        double x0 = (double)(a.lon < b.lon ? a.lon : b.lon);
        uint32_t q = bucket_of(bands, x0);
        if (west ? q > last : q < last) break;
        if (on_segment(a, b, c)) return 0;
        if ((a.lat > c.lat) != (b.lat > c.lat)) {
            /* Does the edge cross east of c? */
            int64_t lhs = (c.lon - a.lon) * (b.lat - a.lat);
            int64_t rhs = (c.lat - a.lat) * (b.lon - a.lon);
            bool east = b.lat > a.lat ? lhs < rhs : lhs > rhs;
            if (east != west) inside = !inside;
        }
    }
    return inside ? 1 : -1;
}

static bool in_box(const dc_box *w, dc_pt c)
{
    return (double)c.lon >= w->x0 && (double)c.lon <= w->x1 && (double)c.lat >= w->y0 &&
           (double)c.lat <= w->y1;
}

/* A vertex or an edge midpoint of @p a strictly inside @p b. A point
 * outside the window lies outside b's bounding box, so outside b; one
 * inside it lies on an edge of a run that meets the window. The runs are
 * read as they come: a pair that overlaps mostly finds one at once. */
static bool point_of_inside(const dc_izone *a, const dc_izone *b, const dc_box *w)
{
    for (size_t r = 0; r < a->nruns; r++) {
        const dc_run *run = &a->run[r];
        if (!box_meets(&run->box, w)) continue;
        for (uint32_t k = run->start; k < run->end; k++) {
            dc_pt p = a->v[k], q = a->v[k + 1];
            dc_pt mid = {(p.lat + q.lat) / 2, (p.lon + q.lon) / 2};
            if (in_box(w, p) && classify(b, p) > 0) return true;
            if (in_box(w, mid) && classify(b, mid) > 0) return true;
        }
    }
    return false;
}

/* Two edges that cross do so at a point in both their boxes, so in a cell
 * both of them span. */
static bool proper_crossing(const dc_iedges *a, const dc_grid *grid_a, const dc_iedges *b)
{
    for (size_t j = 0; j < b->n; j++) {
        dc_pt r = b->a[j], s = b->b[j];
        dc_span sp = grid_span(grid_a, &b->box[j]);
        for (uint32_t row = sp.r0; row <= sp.r1; row++)
            for (uint32_t col = sp.c0; col <= sp.c1; col++) {
                size_t cell = (size_t)row * grid_a->cols + col;
                for (uint32_t k = grid_a->start[cell]; k < grid_a->start[cell + 1]; k++) {
                    dc_pt p = a->a[grid_a->item[k]], q = a->b[grid_a->item[k]];
                    if (orient(p, q, r) * orient(p, q, s) < 0 &&
                        orient(r, s, p) * orient(r, s, q) < 0)
                        return true;
                }
            }
    }
    return false;
}

/* dc_polygons_overlap on loaded zones (the bytes not identical). */
int dc_izones_overlap(const dc_izone *a, const dc_izone *b, dc_exact_scratch *s)
{
    dc_box w = box_meet(&a->all, &b->all);
    if (w.x0 > w.x1 || w.y0 > w.y1) return 0;
    if (point_of_inside(a, b, &w) || point_of_inside(b, a, &w)) return 1;
    if (iedges_window(&s->ia, a, &w) != 0 || iedges_window(&s->ib, b, &w) != 0) return -1;
    if (dc_grid_build(&s->grid_a, &w, s->ia.box, s->ia.n) != 0) return -1;
    return proper_crossing(&s->ia, &s->grid_a, &s->ib);
}

void dc_exact_scratch_free(dc_exact_scratch *s)
{
    iedges_free(&s->ia);
    iedges_free(&s->ib);
    dc_grid_free(&s->grid_a);
}

int dc_polygons_overlap(const dc_polygon *a, const dc_polygon *b)
{
    if (dc_same_bytes(a, b)) return 1;
    dc_izone za, zb;
    dc_exact_scratch s;
    memset(&s, 0, sizeof s);
    int rc = -1;
    if (dc_izone_load(&za, a) == 0 && dc_izone_load(&zb, b) == 0)
        rc = dc_izones_overlap(&za, &zb, &s);
    dc_izone_free(&za);
    dc_izone_free(&zb);
    dc_exact_scratch_free(&s);
    return rc;
}
