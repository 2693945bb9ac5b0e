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
#include <stdlib.h>

#include "zonecells.h"

#define LAT_ROWS 72000u /* rows of the 1/400-degree grid */

typedef struct zc_run {
    uint64_t cell; /* row * DC_CELL_COLS + col of the 1/400-degree grid */
    uint32_t ring, first, count;
} zc_run;

typedef struct zc_zone {
    zc_run *runs; /* by cell, ring, first edge */
    size_t nruns;
    dc_ring *rings;
    uint32_t nrings;
    uint32_t row0, col0, nrows, ncols;
    uint8_t *inside; /* nrows x ncols: the sub-cell's centre is inside */
} zc_zone;

struct dc_zonecells {
    const dc_zc_zone *in;
    size_t nzones;
    zc_zone *zones;
    int32_t *of_postcode;
};

typedef struct zc_buf {
    uint8_t *p;
    size_t cap, len;
} zc_buf;

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static uint32_t clamp_index(int64_t v, uint32_t n)
{
    return v < 0 ? 0 : v >= (int64_t)n ? n - 1 : (uint32_t)v;
}

/* ---- the sub-cells an edge touches ------------------------------------ */

/* Does segment (a, b) touch the closed square of sub-cell (row, col)? Its
 * box does (the caller's range); then unless every corner is strictly on
 * one side of its line. */
static bool touches(const int32_t a[2], const int32_t b[2], uint32_t row, uint32_t col)
{
    int64_t y0 = (int64_t)row * DC_CELL_E7 + DC_LAT_E7_MIN, y1 = y0 + DC_CELL_E7;
    int64_t x0 = (int64_t)col * DC_CELL_E7 + DC_LON_E7_MIN, x1 = x0 + DC_CELL_E7;
    int s = dc_zc_orient(a[0], a[1], b[0], b[1], y0, x0) +
            dc_zc_orient(a[0], a[1], b[0], b[1], y0, x1) +
            dc_zc_orient(a[0], a[1], b[0], b[1], y1, x0) +
            dc_zc_orient(a[0], a[1], b[0], b[1], y1, x1);
    return s != 4 && s != -4;
}

/* The first and last sub-cell whose closed span holds [lo, hi], from the
 * grid's origin @p origin, at most @p n of them. */
static void span(int64_t lo, int64_t hi, int64_t origin, uint32_t n, uint32_t *first,
                 uint32_t *last)
{
    *first = clamp_index(floor_div(lo - origin - 1, DC_CELL_E7), n);
    *last = clamp_index(floor_div(hi - origin, DC_CELL_E7), n);
}

static dc_err push_touch(zc_buf *t, uint64_t cell, uint32_t ring, uint32_t edge)
{
    if (t->len == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        uint8_t *p = realloc(t->p, cap * sizeof(zc_run));
        if (!p) return DC_E_NOMEM;
        t->p = p;
        t->cap = cap;
    }
    ((zc_run *)(void *)t->p)[t->len++] = (zc_run){cell, ring, edge, 1};
    return DC_OK;
}

static dc_err edge_touches(zc_buf *t, const int32_t a[2], const int32_t b[2],
                           uint32_t ring, uint32_t edge)
{
    uint32_t r0, r1, c0, c1;
    span(a[0] < b[0] ? a[0] : b[0], a[0] < b[0] ? b[0] : a[0], DC_LAT_E7_MIN, LAT_ROWS,
         &r0, &r1);
    span(a[1] < b[1] ? a[1] : b[1], a[1] < b[1] ? b[1] : a[1], DC_LON_E7_MIN,
         DC_CELL_COLS, &c0, &c1);
    for (uint32_t r = r0; r <= r1; r++)
        for (uint32_t c = c0; c <= c1; c++)
            if (touches(a, b, r, c)) {
                dc_err rc = push_touch(t, (uint64_t)r * DC_CELL_COLS + c, ring, edge);
                if (rc != DC_OK) return rc;
            }
    return DC_OK;
}

static int run_order(const void *pa, const void *pb)
{
    const zc_run *a = pa, *b = pb;
    if (a->cell != b->cell) return a->cell < b->cell ? -1 : 1;
    if (a->ring != b->ring) return a->ring < b->ring ? -1 : 1;
    return (a->first > b->first) - (a->first < b->first);
}

/* Sorted touches merged into runs of consecutive edges of one ring. */
static void merge_runs(zc_run *t, size_t n, size_t *nruns)
{
    size_t out = 0;
    qsort(t, n, sizeof *t, run_order);
    for (size_t i = 0; i < n; i++) {
        zc_run *last = out ? &t[out - 1] : NULL;
        if (last && last->cell == t[i].cell && last->ring == t[i].ring &&
            last->first + last->count == t[i].first)
            last->count++;
        else
            t[out++] = t[i];
    }
    *nruns = out;
}

static dc_err zone_runs(zc_zone *z)
{
    zc_buf t = {0};
    dc_err rc = DC_OK;
    for (uint32_t r = 0; r < z->nrings && rc == DC_OK; r++) {
        const dc_ring *ring = &z->rings[r];
        for (uint32_t i = 0; i < ring->npoints && rc == DC_OK; i++) {
            int32_t a[2], b[2];
            dc_ring_vertex(ring, i, &a[0], &a[1]);
            dc_ring_vertex(ring, i + 1 < ring->npoints ? i + 1 : 0, &b[0], &b[1]);
            rc = edge_touches(&t, a, b, r, i);
        }
    }
    if (rc != DC_OK) {
        free(t.p);
        return rc;
    }
    z->runs = (zc_run *)(void *)t.p;
    merge_runs(z->runs, t.len, &z->nruns);
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
    int64_t last = -floor_div(origin - hi, DC_CELL_E7) - 1;
    if (first < z->row0) first = z->row0;
    if (last > (int64_t)z->row0 + z->nrows - 1) last = (int64_t)z->row0 + z->nrows - 1;
    for (int64_t r = first; r <= last; r++)
        flip_row(z, flip, (uint32_t)r, a, b);
}

static dc_err zone_inside(zc_zone *z, const dc_polygon *p)
{
    int32_t s, w, n, e;
    dc_polygon_bbox(p, &s, &w, &n, &e);
    z->row0 = dc_cell_row(s);
    z->col0 = dc_cell_col(w);
    z->nrows = clamp_index(dc_cell_row(n), LAT_ROWS) - z->row0 + 1;
    z->ncols = dc_cell_col(e) - z->col0 + 1;
    uint8_t *flip = calloc((size_t)z->nrows * (z->ncols + 1), 1);
    z->inside = malloc((size_t)z->nrows * z->ncols);
    if (!flip || !z->inside) {
        free(flip);
        return DC_E_NOMEM;
    }
    for (uint32_t r = 0; r < z->nrings; r++)
        for (uint32_t i = 0; i < z->rings[r].npoints; i++) {
            int32_t a[2], b[2];
            dc_ring_vertex(&z->rings[r], i, &a[0], &a[1]);
            dc_ring_vertex(&z->rings[r], i + 1 < z->rings[r].npoints ? i + 1 : 0, &b[0],
                           &b[1]);
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
    for (size_t i = 0; rc == DC_OK && i < nzones; i++) {
        if (zones[i].postcode < DC_POSTCODES)
            zc->of_postcode[zones[i].postcode] = (int32_t)i;
        rc = zone_rings(&zc->zones[i], &zones[i].polygon);
        if (rc == DC_OK) rc = zone_runs(&zc->zones[i]);
        if (rc == DC_OK) rc = zone_inside(&zc->zones[i], &zones[i].polygon);
    }
    if (rc != DC_OK) {
        dc_zonecells_free(zc);
        return rc;
    }
    *out = zc;
    return DC_OK;
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

/* ---- one zonegrid cell's value ---------------------------------------- */

/* The runs of zone @p z in sub-cell @p cell: [*lo, *hi). */
static void runs_in(const zc_zone *z, uint64_t cell, size_t *lo, size_t *hi)
{
    size_t a = 0, b = z->nruns;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (z->runs[mid].cell < cell)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    while (a < z->nruns && z->runs[a].cell == cell)
        a++;
    *hi = a;
}

static bool centre_inside(const zc_zone *z, uint32_t row, uint32_t col)
{
    if (row < z->row0 || row - z->row0 >= z->nrows || col < z->col0 ||
        col - z->col0 >= z->ncols)
        return false;
    return z->inside[(size_t)(row - z->row0) * z->ncols + (col - z->col0)];
}

/* Is point (lat, lon) on one of the edges of runs [lo, hi)? */
static bool on_runs(const zc_zone *z, size_t lo, size_t hi, int32_t lat, int32_t lon)
{
    for (size_t k = lo; k < hi; k++) {
        const dc_ring *ring = &z->rings[z->runs[k].ring];
        for (uint32_t i = z->runs[k].first; i < z->runs[k].first + z->runs[k].count;
             i++) {
            int32_t a[2], b[2];
            dc_ring_vertex(ring, i, &a[0], &a[1]);
            dc_ring_vertex(ring, i + 1 < ring->npoints ? i + 1 : 0, &b[0], &b[1]);
            if (dc_zc_orient(a[0], a[1], b[0], b[1], lat, lon) == 0 &&
                lat >= (a[0] < b[0] ? a[0] : b[0]) &&
                lat <= (a[0] < b[0] ? b[0] : a[0]) &&
                lon >= (a[1] < b[1] ? a[1] : b[1]) && lon <= (a[1] < b[1] ? b[1] : a[1]))
                return true;
        }
    }
    return false;
}

static dc_err reserve(zc_buf *b, size_t more)
{
    if (b->len + more <= b->cap) return DC_OK;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) return DC_E_NOMEM;
    b->p = p;
    b->cap = cap;
    return DC_OK;
}

/* Append candidate @p k's entry: flags, then its runs [lo, hi). */
static dc_err put_entry(zc_buf *rec, const zc_zone *z, uint32_t k, uint8_t flags,
                        size_t lo, size_t hi)
{
    dc_err rc = reserve(rec, DC_ZC_ENTRY_HEAD + DC_ZC_RUN * (hi - lo));
    if (rc != DC_OK) return rc;
    uint8_t *p = rec->p + rec->len;
    p[0] = (uint8_t)k;
    p[1] = (uint8_t)(k >> 8);
    p[2] = flags;
    p[3] = 0;
    dc_put_le32(p + 4, (uint32_t)(hi - lo));
    p += DC_ZC_ENTRY_HEAD;
    for (size_t i = lo; i < hi; i++, p += DC_ZC_RUN) {
        dc_put_le32(p, z->runs[i].ring);
        dc_put_le32(p + 4, z->runs[i].first);
        dc_put_le32(p + 8, z->runs[i].count);
    }
    rec->len += DC_ZC_ENTRY_HEAD + DC_ZC_RUN * (hi - lo);
    return DC_OK;
}

/* One sub-cell: its word, and for a border its record appended to @p rec.
 * Candidates are taken in order; one with no edge in the sub-cell holds
 * all of it or none of it, and one that holds it ends the list. */
static dc_err sub_cell(const dc_zonecells *zc, const int32_t *cand, uint32_t ncand,
                       uint32_t row, uint32_t col, zc_buf *rec, uint16_t *word)
{
    uint64_t cell = (uint64_t)row * DC_CELL_COLS + col;
    size_t start = rec->len;
    uint32_t n = 0;
    bool border = false;
    dc_err rc = reserve(rec, DC_ZC_RECORD_HEAD);
    if (rc != DC_OK) return rc;
    rec->len += DC_ZC_RECORD_HEAD;
    for (uint32_t k = 0; k < ncand; k++) {
        const zc_zone *z = &zc->zones[cand[k]];
        size_t lo, hi;
        runs_in(z, cell, &lo, &hi);
        bool inside = centre_inside(z, row, col);
        if (lo == hi && !inside) continue;
        if (lo == hi && !border) {
            rec->len = start;
            *word = (uint16_t)k;
            return DC_OK;
        }
        uint8_t flags = inside ? DC_ZC_CENTRE_INSIDE : 0;
        if (on_runs(z, lo, hi, dc_zc_centre_lat(row), dc_zc_centre_lon(col)))
            flags |= DC_ZC_WHOLE_TEST;
        if ((rc = put_entry(rec, z, k, flags, lo, hi)) != DC_OK) return rc;
        n++;
        border = true;
        if (lo == hi) break;
    }
    if (!border) {
        rec->len = start;
        *word = DC_ZC_NONE;
        return DC_OK;
    }
    rec->p[start] = (uint8_t)n;
    rec->p[start + 1] = (uint8_t)(n >> 8);
    rec->p[start + 2] = rec->p[start + 3] = 0;
    *word = DC_ZC_BORDER;
    return DC_OK;
}

/* The head (words, offsets) then the records, into *buf. */
static dc_err assemble(const uint16_t *words, const uint32_t *offs, uint32_t nb,
                       const zc_buf *rec, uint8_t **buf, size_t *cap, size_t *size)
{
    size_t need = DC_ZC_HEAD + 4 * (size_t)nb + rec->len;
    if (need > *cap) {
        uint8_t *p = realloc(*buf, need);
        if (!p) return DC_E_NOMEM;
        *buf = p;
        *cap = need;
    }
    for (uint32_t i = 0; i < DC_ZC_CELLS; i++) {
        (*buf)[2 * i] = (uint8_t)words[i];
        (*buf)[2 * i + 1] = (uint8_t)(words[i] >> 8);
    }
    for (uint32_t b = 0; b < nb; b++)
        dc_put_le32(*buf + DC_ZC_HEAD + 4 * b, (uint32_t)(DC_ZC_HEAD + 4 * nb + offs[b]));
    if (rec->len) memcpy(*buf + DC_ZC_HEAD + 4 * nb, rec->p, rec->len);
    *size = need;
    return DC_OK;
}

static dc_err candidates(const dc_zonecells *zc, const uint8_t *postcodes, uint32_t ncand,
                         int32_t *cand)
{
    if (ncand > DC_ZC_MAX_CANDIDATES) return DC_E_INVALID_ARG;
    for (uint32_t k = 0; k < ncand; k++) {
        uint32_t pc = dc_get_le32(postcodes + 4 * (size_t)k);
        if (pc >= DC_POSTCODES || zc->of_postcode[pc] < 0) return DC_E_INVALID_ARG;
        cand[k] = zc->of_postcode[pc];
    }
    return DC_OK;
}

dc_err dc_zonecells_value(const dc_zonecells *zc, uint32_t cell, const uint8_t *postcodes,
                          uint32_t ncand, uint8_t **buf, size_t *cap, size_t *size)
{
    uint16_t words[DC_ZC_CELLS];
    uint32_t offs[DC_ZC_CELLS], nb = 0;
    zc_buf rec = {0};
    int32_t *cand = malloc((ncand ? ncand : 1) * sizeof *cand);
    if (!cand) return DC_E_NOMEM;
    dc_err rc = candidates(zc, postcodes, ncand, cand);
    uint32_t row0 = cell / DC_ZONEGRID_COLS * DC_ZC_SIDE,
             col0 = cell % DC_ZONEGRID_COLS * DC_ZC_SIDE;
    for (uint32_t i = 0; rc == DC_OK && i < DC_ZC_CELLS; i++) {
        size_t at = rec.len;
        rc = sub_cell(zc, cand, ncand, row0 + i / DC_ZC_SIDE, col0 + i % DC_ZC_SIDE, &rec,
                      &words[i]);
        if (rc == DC_OK && words[i] == DC_ZC_BORDER) {
            offs[nb] = (uint32_t)at;
            words[i] = (uint16_t)(DC_ZC_BORDER | nb++);
        }
    }
    if (rc == DC_OK) rc = assemble(words, offs, nb, &rec, buf, cap, size);
    free(rec.p);
    free(cand);
    return rc;
}

size_t dc_zonecells_bound(const dc_zonecells *zc, size_t ncells)
{
    size_t runs = 0;
    for (size_t i = 0; zc && i < zc->nzones; i++)
        runs += zc->zones[i].nruns;
    /* Per sub-cell at most an offset, a record head and one entry without
     * runs; every other entry has a run of its own. A large value takes
     * whole pages. */
    size_t per_cell =
        DC_ZC_HEAD + DC_ZC_CELLS * (4 + DC_ZC_RECORD_HEAD + DC_ZC_ENTRY_HEAD) + 4096;
    return ncells * per_cell + runs * (DC_ZC_RUN + DC_ZC_ENTRY_HEAD);
}
