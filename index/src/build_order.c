/*
 * build_order.c - households ordered by (1/400-degree cell, compact code,
 * id) with a radix sort on their 64-bit place, the first part of their key
 * in the file; ids with a multikey quicksort; the zone grid by cell
 * (build_order.h).
 */
#include <stdlib.h>
#include <string.h>

#include "build_order.h"

/* LSD radix sort on the 64-bit key, 8 bits a pass; passes in which every
 * key has the same byte are skipped. Stable. */
static dc_err radix_sort(dc_sort_item *a, size_t n)
{
    if (n < 2) return DC_OK;
    dc_sort_item *tmp = malloc(n * sizeof *tmp);
    size_t(*count)[256] = calloc(8, sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return DC_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        for (int byte = 0; byte < 8; byte++)
            count[byte][(a[i].key >> (8 * byte)) & 255]++;
    dc_sort_item *src = a, *dst = tmp;
    for (int byte = 0; byte < 8; byte++) {
        if (count[byte][(a[0].key >> (8 * byte)) & 255] == n) continue;
        size_t offset = 0;
        for (int v = 0; v < 256; v++) {
            size_t c = count[byte][v];
            count[byte][v] = offset;
            offset += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[byte][(src[i].key >> (8 * byte)) & 255]++] = src[i];
        dc_sort_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    free(tmp);
    free(count);
    return DC_OK;
}

/* The household order: its place (DC_PLACE_CELL_SHIFT), then its id. */
static uint64_t household_key(const dc_household_input *h)
{
    dc_code code;
    dc_code_of_e7(h->postcode, h->lat_e7, h->lon_e7, &code);
    return dc_place_of(&code, h->lat_e7, h->lon_e7);
}

/* Equal keys (a shared door) are ordered by id; such runs are short. */
static void order_shared_doors(dc_builder *b)
{
    const dc_household_input *hs = b->in->households;
    dc_sort_item *a = b->households;
    for (size_t i = 1; i < b->in->nhouseholds; i++) {
        dc_sort_item x = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1].key == x.key &&
               strcmp(hs[a[j - 1].a].id, hs[x.a].id) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* Move the caller's households into sorted order, following cycles. */
static void permute_households(dc_builder *b)
{
    dc_household_input *h = b->in->households;
    dc_sort_item *a = b->households;
    for (size_t i = 0; i < b->in->nhouseholds; i++) {
        dc_household_input first = h[i];
        size_t j = i;
        for (;;) {
            size_t k = a[j].a;
            a[j].a = (uint32_t)j;
            if (k == i) {
                h[j] = first;
                break;
            }
            h[j] = h[k];
            j = k;
        }
    }
}

dc_err dc_build_order_households(dc_builder *b)
{
    size_t n = b->in->nhouseholds;
    for (size_t i = 0; i < n; i++) {
        b->households[i].key = household_key(&b->in->households[i]);
        b->households[i].a = (uint32_t)i;
    }
    dc_err rc = radix_sort(b->households, n);
    if (rc != DC_OK) return dc_error_set(b->err, rc, "out of memory sorting households");
    order_shared_doors(b);
    permute_households(b);
    dc_build_progress(b, "sort", n, n);
    return DC_OK;
}

static void swap_ids(dc_id_entry *a, size_t i, size_t j)
{
    dc_id_entry t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static size_t median3(const dc_id_entry *a, size_t n, size_t d)
{
    size_t i = 0, j = n / 2, k = n - 1;
    int x = a[i].id[d], y = a[j].id[d], z = a[k].id[d];
    if ((x <= y && y <= z) || (z <= y && y <= x)) return j;
    if ((y <= x && x <= z) || (z <= x && x <= y)) return i;
    return k;
}

/* Multikey quicksort (Bentley and Sedgewick) of NUL-terminated ids, all
 * equal in their first d bytes. */
static void sort_ids(dc_id_entry *a, size_t n, size_t d)
{
    while (n > 12) {
        swap_ids(a, 0, median3(a, n, d));
        int v = a[0].id[d];
        size_t lt = 0, i = 0, gt = n;
        while (i < gt) {
            int c = a[i].id[d];
            if (c < v)
                swap_ids(a, lt++, i++);
            else if (c > v)
                swap_ids(a, i, --gt);
            else
                i++;
        }
        sort_ids(a, lt, d);
        sort_ids(a + gt, n - gt, d);
        if (v == 0) return; /* identical ids: the duplicate check reports them */
        a += lt;
        n = gt - lt;
        d++;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp((const char *)a[j - 1].id + d,
                                           (const char *)a[j].id + d) > 0;
             j--)
            swap_ids(a, j, j - 1);
}

dc_err dc_build_order_ids(dc_builder *b)
{
    size_t n = b->in->nhouseholds;
    for (size_t i = 0; i < n; i++) {
        b->ids[i].id = (const unsigned char *)b->in->households[i].id;
        b->ids[i].number = (uint32_t)i;
    }
    sort_ids(b->ids, n, 0);
    for (size_t i = 1; i < n; i++)
        if (strcmp((const char *)b->ids[i - 1].id, (const char *)b->ids[i].id) == 0)
            return dc_error_set(b->err, DC_E_INVALID_ARG, "duplicate household id %s",
                                (const char *)b->ids[i].id);
    return DC_OK;
}

/* Households with equal places share a code: number them within it (the
 * seq of their key) and count the codes. */
dc_err dc_build_count_codes(dc_builder *b)
{
    size_t n = b->in->nhouseholds;
    b->ncodes = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && b->households[j].key == b->households[i].key; j++)
            b->households[j].b = (uint32_t)(j - i);
        b->ncodes++;
        if (j - i > 1) b->shared_doors += j - i;
    }
    return DC_OK;
}

/* Every (coarse cell, postcode) pair whose zone's box touches the cell. */
dc_err dc_build_collect_grid(dc_builder *b)
{
    size_t cap = 0;
    b->ngrid = 0;
    for (uint32_t p = 0; p < DC_POSTCODES; p++) {
        if (b->zone_of[p] < 0) continue;
        const dc_zone_input *z = &b->in->zones[b->zone_of[p]];
        int32_t s, w, n, e;
        dc_polygon_bbox(&z->polygon, &s, &w, &n, &e);
        uint32_t r0 = dc_zonegrid_cell(s < DC_LAT_E7_END ? s : DC_LAT_E7_END - 1, 0) /
                      DC_ZONEGRID_COLS;
        uint32_t r1 = dc_zonegrid_cell(n < DC_LAT_E7_END ? n : DC_LAT_E7_END - 1, 0) /
                      DC_ZONEGRID_COLS;
        uint32_t c0 = dc_zonegrid_cell(0, w < DC_LON_E7_END ? w : DC_LON_E7_END - 1) %
                      DC_ZONEGRID_COLS;
        uint32_t c1 = dc_zonegrid_cell(0, e < DC_LON_E7_END ? e : DC_LON_E7_END - 1) %
                      DC_ZONEGRID_COLS;
        size_t need = b->ngrid + (size_t)(r1 - r0 + 1) * (c1 - c0 + 1);
        if (need > cap) {
            cap = need * 2;
            dc_sort_item *g = realloc(b->grid, cap * sizeof *g);
            if (!g) return dc_error_set(b->err, DC_E_NOMEM, "out of memory (zone grid)");
            b->grid = g;
        }
        for (uint32_t r = r0; r <= r1; r++)
            for (uint32_t c = c0; c <= c1; c++)
                b->grid[b->ngrid++] =
                    (dc_sort_item){(uint64_t)(r * DC_ZONEGRID_COLS + c) << 32 | p, p, 0};
    }
    dc_err rc = radix_sort(b->grid, b->ngrid);
    return rc == DC_OK ? DC_OK : dc_error_set(b->err, rc, "out of memory (zone grid)");
}
