/*
 * overlap_index.c - building the grid over a pair's window and the
 * latitude bands over a zone (overlap_index.h).
 */
#include "overlap_index.h"

#include <string.h>

static void grid_shape(dc_grid *g, const dc_box *w, size_t cells)
{
    double wx = w->x1 - w->x0, wy = w->y1 - w->y0;
    double cols = 1;
    if (wx > 0 && wy > 0) cols = round(sqrt((double)cells * wx / wy));
    cols = fmin(fmax(cols, 1), 4096);
    double rows = fmin(fmax(round((double)cells / cols), 1), 1u << 20);
    g->cols = (uint32_t)cols;
    g->rows = (uint32_t)rows;
    g->col_last = cols - 1;
    g->row_last = rows - 1;
    g->x0 = w->x0;
    g->y0 = w->y0;
    g->cw = wx > 0 && g->cols > 1 ? wx / g->cols : 1;
    g->ch = wy > 0 ? wy / g->rows : 1;
}

/* Each edge's cells, counted in start[k + 1] for each cell k it spans
 * (zeroed first); the entries the cells hold. One pass: the grid is
 * almost always the first shape tried. 0, or -1 out of memory. */
static int grid_count(dc_grid *g, const dc_box *boxes, size_t n, size_t *entries)
{
    size_t ncells = (size_t)g->cols * g->rows, total = 0;
    int rc = 0;
    g->start = grow(g->start, &g->start_cap, ncells + 1, sizeof *g->start, &rc);
    if (rc != 0) return -1;
    memset(g->start, 0, (ncells + 1) * sizeof *g->start);
    for (size_t i = 0; i < n; i++) {
        dc_span s = grid_span(g, &boxes[i]);
        g->span[i] = s;
        for (uint32_t r = s.r0; r <= s.r1; r++)
            for (uint32_t c = s.c0; c <= s.c1; c++)
                g->start[(size_t)r * g->cols + c + 1]++;
        total += (size_t)(s.c1 - s.c0 + 1) * (s.r1 - s.r0 + 1);
    }
    *entries = total;
    return 0;
}

int dc_grid_build(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n)
{
    return dc_grid_build_cells(g, w, boxes, n, n / 2 + 1);
}

int dc_grid_build_cells(dc_grid *g, const dc_box *w, const dc_box *boxes, size_t n,
                        size_t cells0)
{
    int rc = 0;
    g->span = grow(g->span, &g->span_cap, n + 1, sizeof *g->span, &rc);
    if (rc != 0) return -1;
    size_t entries;
    for (size_t cells = cells0;; cells /= 4) {
        grid_shape(g, w, cells);
        if (grid_count(g, boxes, n, &entries) != 0) return -1;
        if (entries <= 8 * n + 64 || cells <= 1) break;
    }
    size_t ncells = (size_t)g->cols * g->rows;
    g->item = grow(g->item, &g->item_cap, entries + 1, sizeof *g->item, &rc);
    if (rc != 0) return -1;
    for (size_t k = 0; k < ncells; k++)
        g->start[k + 1] += g->start[k];
    for (size_t i = 0; i < n; i++) {
        dc_span s = g->span[i];
        for (uint32_t r = s.r0; r <= s.r1; r++)
            for (uint32_t c = s.c0; c <= s.c1; c++)
                g->item[g->start[(size_t)r * g->cols + c]++] = (uint32_t)i;
    }
    /* The fill advanced every start to the next cell's: shift back. */
    memmove(g->start + 1, g->start, ncells * sizeof *g->start);
    g->start[0] = 0;
    return 0;
}

void dc_grid_free(dc_grid *g)
{
    free(g->start);
    free(g->item);
    free(g->span);
}

static double scale_of(double lo, double hi, size_t n)
{
    return hi > lo ? (double)n / (hi - lo) : 0;
}

/* The bands an edge reaches, and the bucket of its western end. */
typedef struct dc_reach {
    uint32_t r0, r1, bucket;
} dc_reach;

/* The bands' shape for @p rows rows over @p all, and for each edge among
 * the @p n slots of @p ys its bands and bucket (in @p reach), counted in
 * b->start[r + 1] for each band r it reaches and count[q + 1] for its
 * bucket q (both zeroed first); the entries the bands hold. One pass:
 * the bands are almost always the first shape tried. */
static size_t bands_count(dc_bands *b, const dc_box *all, size_t rows, const dc_yspan *ys,
                          size_t n, dc_reach *reach, uint32_t *count)
{
    b->rows = (uint32_t)rows;
    b->row_last = (double)rows - 1;
    b->y0 = all->y0;
    b->yscale = scale_of(all->y0, all->y1, rows);
    memset(b->start, 0, (rows + 1) * sizeof *b->start);
    memset(count, 0, ((size_t)b->buckets + 1) * sizeof *count);
    size_t entries = 0;
    for (size_t k = 0; k < n; k++) {
        if (ys[k].y0 > ys[k].y1) continue;
        dc_reach x = {band_of(b, ys[k].y0), band_of(b, ys[k].y1), bucket_of(b, ys[k].x0)};
        reach[k] = x;
        count[x.bucket + 1]++;
        for (uint32_t r = x.r0; r <= x.r1; r++)
            b->start[r + 1]++;
        entries += x.r1 - x.r0 + 1;
    }
    return entries;
}

/* Counts to offsets. */
static void offsets(uint32_t *start, size_t n)
{
    for (size_t k = 0; k < n; k++)
        start[k + 1] += start[k];
}

/* The edges' slots by bucket of their western end (a counting sort, a
 * bucket an edge), into @p order. */
static void bands_order(const dc_yspan *ys, size_t n, const dc_reach *reach,
                        uint32_t *count, size_t buckets, uint32_t *order)
{
    offsets(count, buckets);
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) order[count[reach[k].bucket]++] = (uint32_t)k;
}

/* Each band's edges in bucket order, and its widest edge. */
static void bands_fill(dc_bands *b, const dc_yspan *ys, const dc_reach *reach,
                       const uint32_t *order, size_t nedges)
{
    offsets(b->start, b->rows);
    for (size_t i = 0; i < nedges; i++) {
        uint32_t k = order[i];
        double width = ys[k].x1 - ys[k].x0;
        for (uint32_t r = reach[k].r0; r <= reach[k].r1; r++) {
            b->item[b->start[r]++] = k;
            b->width[r] = max2(b->width[r], width);
        }
    }
    /* The fill advanced every start to the next band's: shift back. */
    memmove(b->start + 1, b->start, (size_t)b->rows * sizeof *b->start);
    b->start[0] = 0;
}

/* Bands over @p all's latitudes for the @p nedges edges among the @p n
 * slots of @p ys: about @p per_band edges a band. 0, or -1 out of memory. */
int dc_bands_build(dc_bands *b, const dc_yspan *ys, size_t n, size_t nedges,
                   size_t per_band, const dc_box *all)
{
    size_t rows = nedges / per_band + 1;
    b->buckets = (uint32_t)(nedges + 1);
    b->bucket_last = (double)nedges;
    b->x0 = all->x0;
    b->xscale = scale_of(all->x0, all->x1, b->buckets);
    dc_reach *reach = malloc((n + 1) * sizeof *reach);
    uint32_t *order = malloc((nedges + 1) * sizeof *order);
    uint32_t *count = malloc(((size_t)b->buckets + 1) * sizeof *count);
    b->start = malloc((rows + 1) * sizeof *b->start);
    b->item = NULL;
    b->width = NULL;
    int rc = -1;
    if (!reach || !order || !count || !b->start) goto done;
    size_t entries;
    for (;; rows /= 4) {
        entries = bands_count(b, all, rows, ys, n, reach, count);
        if (entries <= 8 * nedges + 64 || rows <= 1) break;
    }
    b->item = malloc((entries + 1) * sizeof *b->item);
    b->width = calloc((size_t)b->rows + 1, sizeof *b->width);
    if (!b->item || !b->width) goto done;
    bands_order(ys, n, reach, count, b->buckets, order);
    bands_fill(b, ys, reach, order, nedges);
    rc = 0;
done:
    free(reach);
    free(order);
    free(count);
    return rc;
}

void dc_bands_free(dc_bands *b)
{
    free(b->start);
    free(b->item);
    free(b->width);
}
