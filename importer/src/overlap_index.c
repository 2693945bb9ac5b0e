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
    g->x0 = w->x0;
    g->y0 = w->y0;
    g->cw = wx > 0 && g->cols > 1 ? wx / g->cols : 1;
    g->ch = wy > 0 ? wy / g->rows : 1;
}

static size_t grid_spans(dc_grid *g, const dc_box *boxes, size_t n)
{
    size_t entries = 0;
    for (size_t i = 0; i < n; i++) {
        dc_span s = grid_span(g, &boxes[i]);
        g->span[i] = s;
        entries += (size_t)(s.c1 - s.c0 + 1) * (s.r1 - s.r0 + 1);
    }
    return entries;
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
        entries = grid_spans(g, boxes, n);
        if (entries <= 8 * n + 64 || cells <= 1) break;
    }
    size_t ncells = (size_t)g->cols * g->rows;
    g->start = grow(g->start, &g->start_cap, ncells + 1, sizeof *g->start, &rc);
    g->item = grow(g->item, &g->item_cap, entries + 1, sizeof *g->item, &rc);
    if (rc != 0) return -1;
    memset(g->start, 0, (ncells + 1) * sizeof *g->start);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            dc_span s = g->span[i];
            for (uint32_t r = s.r0; r <= s.r1; r++)
                for (uint32_t c = s.c0; c <= s.c1; c++) {
                    size_t k = (size_t)r * g->cols + c;
                    if (pass == 0)
                        g->start[k + 1]++;
                    else
                        g->item[g->start[k]++] = (uint32_t)i;
                }
        }
        if (pass == 0)
            for (size_t k = 0; k < ncells; k++)
                g->start[k + 1] += g->start[k];
    }
    /* The fill pass advanced every start to the next cell's: shift back. */
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

static size_t bands_shape(dc_bands *b, const dc_box *all, size_t rows, const dc_yspan *ys,
                          size_t n, dc_reach *reach)
{
    b->rows = (uint32_t)rows;
    b->y0 = all->y0;
    b->yscale = scale_of(all->y0, all->y1, rows);
    size_t entries = 0;
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) {
            reach[k].r0 = band_of(b, ys[k].y0);
            reach[k].r1 = band_of(b, ys[k].y1);
            entries += reach[k].r1 - reach[k].r0 + 1;
        }
    return entries;
}

/* The slots of the @p nedges edges by bucket of their western end (a
 * counting sort, a bucket an edge) into @p order; 0, or -1 out of memory. */
static int bands_order(dc_bands *b, const dc_box *all, const dc_yspan *ys, size_t n,
                       size_t nedges, dc_reach *reach, uint32_t *order)
{
    b->buckets = (uint32_t)(nedges + 1);
    b->x0 = all->x0;
    b->xscale = scale_of(all->x0, all->x1, b->buckets);
    uint32_t *count = calloc((size_t)b->buckets + 1, sizeof *count);
    if (!count) return -1;
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) {
            reach[k].bucket = bucket_of(b, ys[k].x0);
            count[reach[k].bucket + 1]++;
        }
    for (uint32_t q = 0; q < b->buckets; q++)
        count[q + 1] += count[q];
    for (size_t k = 0; k < n; k++)
        if (ys[k].y0 <= ys[k].y1) order[count[reach[k].bucket]++] = (uint32_t)k;
    free(count);
    return 0;
}

static void bands_fill(dc_bands *b, const dc_yspan *ys, const dc_reach *reach,
                       const uint32_t *order, size_t nedges)
{
    for (size_t i = 0; i < nedges; i++)
        for (uint32_t r = reach[order[i]].r0; r <= reach[order[i]].r1; r++)
            b->start[r + 1]++;
    for (uint32_t r = 0; r < b->rows; r++)
        b->start[r + 1] += b->start[r];
    for (size_t i = 0; i < nedges; i++) {
        const dc_yspan *e = &ys[order[i]];
        for (uint32_t r = reach[order[i]].r0; r <= reach[order[i]].r1; r++) {
            b->item[b->start[r]++] = order[i];
            b->width[r] = max2(b->width[r], e->x1 - e->x0);
        }
    }
    memmove(b->start + 1, b->start, (size_t)b->rows * sizeof *b->start);
    b->start[0] = 0;
}

/* Bands over @p all's latitudes for the @p nedges edges among the @p n
 * slots of @p ys: about @p per_band edges a band. 0, or -1 out of memory. */
int dc_bands_build(dc_bands *b, const dc_yspan *ys, size_t n, size_t nedges,
                   size_t per_band, const dc_box *all)
{
    dc_reach *reach = malloc((n + 1) * sizeof *reach);
    uint32_t *order = malloc((nedges + 1) * sizeof *order);
    int rc = -1;
    if (!reach || !order) goto done;
    size_t entries;
    for (size_t rows = nedges / per_band + 1;; rows /= 4) {
        entries = bands_shape(b, all, rows, ys, n, reach);
        if (entries <= 8 * nedges + 64 || rows <= 1) break;
    }
    b->start = calloc((size_t)b->rows + 1, sizeof *b->start);
    b->item = malloc((entries + 1) * sizeof *b->item);
    b->width = calloc((size_t)b->rows + 1, sizeof *b->width);
    if (!b->start || !b->item || !b->width ||
        bands_order(b, all, ys, n, nedges, reach, order) != 0)
        goto done;
    bands_fill(b, ys, reach, order, nedges);
    rc = 0;
done:
    free(reach);
    free(order);
    return rc;
}

void dc_bands_free(dc_bands *b)
{
    free(b->start);
    free(b->item);
    free(b->width);
}
