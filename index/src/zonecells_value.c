/*
 * zonecells_value.c - one zone grid cell's zonecells value (zonecells.h,
 * docs/FORMAT.md "zonecells") from what zonecells.c computed per zone.
 *
 * Each square (a sub-cell, or a square of a split one) is classified the
 * same way: the candidates in order with their edges there and whether
 * its centre is inside; a candidate with no edge there holds all of the
 * square or none of it, and the first that holds it ends the list. A
 * border sub-cell with many edges is split, and its squares' centres are
 * found from the sub-cell's centre by counting crossings, with the whole
 * polygon test whenever an orientation is 0.
 */
#include <stdlib.h>

#include "zonecells_zone.h"

typedef struct zc_buf {
    uint8_t *p;
    size_t cap, len;
} zc_buf;

/* A candidate's part in one square. */
typedef struct zc_part {
    uint32_t k; /* the candidate's number */
    const zc_zone *z;
    const dc_polygon *polygon;
    const zc_run *runs;
    size_t nruns;
    bool inside, whole; /* centre inside; centre on one of the edges */
} zc_part;

/* A square: its south-west corner, side and centre, e7. */
typedef struct zc_square {
    int64_t south, west, side;
    int32_t lat, lon;
} zc_square;

static zc_square square_of(int64_t south, int64_t west, int64_t side)
{
    return (zc_square){south, west, side, (int32_t)(south + side / 2),
                       (int32_t)(west + side / 2)};
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

static void put_le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* ---- a sub-cell's parts --------------------------------------------------- */

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

/* Is point (lat, lon) on one of the edges of @p runs? */
static bool on_runs(const zc_zone *z, const zc_run *runs, size_t n, int32_t lat,
                    int32_t lon)
{
    for (size_t k = 0; k < n; k++)
        for (uint32_t i = runs[k].first; i < runs[k].first + runs[k].count; i++) {
            int32_t a[2], b[2];
            dc_zc_edge(&z->rings[runs[k].ring], i, a, b);
            if (lat >= (a[0] < b[0] ? a[0] : b[0]) &&
                lat <= (a[0] < b[0] ? b[0] : a[0]) &&
                lon >= (a[1] < b[1] ? a[1] : b[1]) &&
                lon <= (a[1] < b[1] ? b[1] : a[1]) &&
                dc_zc_orient(a[0], a[1], b[0], b[1], lat, lon) == 0)
                return true;
        }
    return false;
}

/* The parts of sub-cell (row, col): *n of them into @p parts. */
static void sub_parts(const dc_zonecells *zc, const int32_t *cand, uint32_t ncand,
                      uint32_t row, uint32_t col, zc_part *parts, size_t *n)
{
    uint64_t cell = (uint64_t)row * DC_CELL_COLS + col;
    *n = 0;
    for (uint32_t k = 0; k < ncand; k++) {
        const zc_zone *z = &zc->zones[cand[k]];
        size_t lo, hi;
        runs_in(z, cell, &lo, &hi);
        bool inside = centre_inside(z, row, col);
        if (lo == hi && !inside) continue;
        parts[(*n)++] = (zc_part){k,
                                  z,
                                  &zc->in[cand[k]].polygon,
                                  z->runs + lo,
                                  hi - lo,
                                  inside,
                                  on_runs(z, z->runs + lo, hi - lo, dc_zc_centre_lat(row),
                                          dc_zc_centre_lon(col))};
        if (lo == hi) break;
    }
}

/* ---- a square's word and record -------------------------------------------- */

static size_t edges_of(const zc_part *parts, size_t n)
{
    size_t edges = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < parts[i].nruns; r++)
            edges += parts[i].runs[r].count;
    return edges;
}

/* The word of a square with these parts, or DC_ZC_BORDER when it needs a
 * record. */
static uint32_t square_word(const zc_part *parts, size_t n)
{
    if (n == 0) return DC_ZC_NONE;
    return parts[0].nruns == 0 ? parts[0].k : DC_ZC_BORDER;
}

/* A record of kind DC_ZC_ENTRIES: one entry a part. */
static dc_err put_entries(zc_buf *rec, const zc_part *parts, size_t n)
{
    size_t size = DC_ZC_RECORD_HEAD;
    for (size_t i = 0; i < n; i++)
        size += DC_ZC_ENTRY_HEAD + DC_ZC_RUN * parts[i].nruns;
    dc_err rc = reserve(rec, size);
    if (rc != DC_OK) return rc;
    uint8_t *p = rec->p + rec->len;
    put_le16(p, (uint32_t)n);
    put_le16(p + 2, DC_ZC_ENTRIES);
    p += DC_ZC_RECORD_HEAD;
    for (size_t i = 0; i < n; i++) {
        put_le16(p, parts[i].k);
        p[2] = (uint8_t)((parts[i].inside ? DC_ZC_CENTRE_INSIDE : 0) |
                         (parts[i].whole ? DC_ZC_WHOLE_TEST : 0));
        p[3] = 0;
        dc_put_le32(p + 4, (uint32_t)parts[i].nruns);
        p += DC_ZC_ENTRY_HEAD;
        for (size_t r = 0; r < parts[i].nruns; r++, p += DC_ZC_RUN) {
            dc_put_le32(p, parts[i].runs[r].ring);
            dc_put_le32(p + 4, parts[i].runs[r].first);
            dc_put_le32(p + 8, parts[i].runs[r].count);
        }
    }
    rec->len += size;
    return DC_OK;
}

/* ---- a split sub-cell --------------------------------------------------------- */

/*
 * Each part of a split sub-cell is spread over the squares by one walk of
 * its edges (a walk a square was sixteen): each edge is tested only
 * against the squares its box meets, for touching, and against the
 * segments from the squares' centres to the sub-cell's whose box it meets,
 * for crossings. An edge outside a segment's box neither crosses it nor
 * meets it at a vertex, so the parities, and the squares whose parity is
 * -1 (an orientation 0: the whole test decides), are those of testing
 * every edge. A second walk of the edges' masks then makes each square's
 * runs.
 */
typedef struct zc_spread {
    zc_run *runs[DC_ZC_SPLIT_CELLS]; /* the edges touching square s, as runs */
    size_t nruns[DC_ZC_SPLIT_CELLS];
    size_t edges[DC_ZC_SPLIT_CELLS]; /* the edges touching square s */
    int parity[DC_ZC_SPLIT_CELLS];   /* -1: the whole test */
} zc_spread;

_Static_assert(DC_ZC_SPLIT_SIDE == 4, "a square's row or column is a bit of 4");

/* The squares' rows (or columns) from @p origin whose closed span meets
 * [lo, hi], or a few more: a mask of 4 bits. */
static unsigned square_span(int64_t lo, int64_t hi, int64_t origin)
{
    int64_t first = lo - origin - 1, last = hi - origin;
    unsigned f = first < 0                     ? 0
                 : first >= 3 * DC_ZC_SPLIT_E7 ? 3
                                               : (unsigned)(first / DC_ZC_SPLIT_E7);
    unsigned l = last < 0                     ? 0
                 : last >= 3 * DC_ZC_SPLIT_E7 ? 3
                                              : (unsigned)(last / DC_ZC_SPLIT_E7);
    return l < f ? 1u << f : (2u << l) - (1u << f);
}

/* The squares' rows (or columns) from @p origin whose segment from their
 * centre to the sub-cell's could meet [lo, hi]: a mask of 4 bits. */
static unsigned segment_span(int64_t lo, int64_t hi, int64_t origin)
{
    const int64_t d = DC_ZC_SPLIT_E7, mid = 2 * d;
    lo -= origin;
    hi -= origin;
    unsigned below = (unsigned)(hi >= d / 2) | (unsigned)(hi >= d + d / 2) << 1;
    unsigned above =
        (unsigned)(lo <= 2 * d + d / 2) << 2 | (unsigned)(lo <= 3 * d + d / 2) << 3;
    return (lo <= mid ? below : 0) | (hi >= mid ? above : 0);
}

/* The squares of rows @p rows and columns @p cols: a mask of 16 bits (row
 * a's bit moved to bit 4a, times the columns, which carry nothing). */
static unsigned squares_of(unsigned rows, unsigned cols)
{
    return ((rows & 1) | (rows & 2) << 3 | (rows & 4) << 6 | (rows & 8) << 9) * cols;
}

/* The lowest square of a non-empty @p mask. */
static unsigned first_square(unsigned mask)
{
    return (unsigned)__builtin_ctz(mask);
}

/* The square whose inside (not its sides) holds both @p a and @p b, as a
 * mask, or 0 for none: the edge touches that square alone. */
static unsigned inside_one(const int32_t a[2], const int32_t b[2], int64_t south,
                           int64_t west)
{
    int64_t ya = a[0] - south, yb = b[0] - south, xa = a[1] - west, xb = b[1] - west;
    if (ya <= 0 || yb <= 0 || xa <= 0 || xb <= 0 || ya >= DC_CELL_E7 ||
        yb >= DC_CELL_E7 || xa >= DC_CELL_E7 || xb >= DC_CELL_E7)
        return 0;
    int64_t r = ya / DC_ZC_SPLIT_E7, c = xa / DC_ZC_SPLIT_E7;
    int64_t s0 = r * DC_ZC_SPLIT_E7, w0 = c * DC_ZC_SPLIT_E7; /* compared, not divided */
    if (!(ya > s0 && yb > s0 && yb < s0 + DC_ZC_SPLIT_E7) ||
        !(xa > w0 && xb > w0 && xb < w0 + DC_ZC_SPLIT_E7))
        return 0;
    return 1u << (r * DC_ZC_SPLIT_SIDE + c);
}

/* Edge (a, b) of a part of the split sub-cell with south-west corner
 * (south, west): the squares it touches (counted into @p edges), and its
 * crossings into @p parity unless @p whole. */
static uint16_t spread_edge(const int32_t a[2], const int32_t b[2], int64_t south,
                            int64_t west, bool whole, zc_spread *out)
{
    int64_t lo_lat = a[0] < b[0] ? a[0] : b[0], hi_lat = a[0] < b[0] ? b[0] : a[0];
    int64_t lo_lon = a[1] < b[1] ? a[1] : b[1], hi_lon = a[1] < b[1] ? b[1] : a[1];
    unsigned touch = 0, only = inside_one(a, b, south, west);
    for (unsigned m = only ? only
                           : squares_of(square_span(lo_lat, hi_lat, south),
                                        square_span(lo_lon, hi_lon, west));
         m; m &= m - 1) {
        unsigned i = first_square(m);
        if (only ||
            dc_zc_touches(a, b, south + (int64_t)(i / DC_ZC_SPLIT_SIDE) * DC_ZC_SPLIT_E7,
                          west + (int64_t)(i % DC_ZC_SPLIT_SIDE) * DC_ZC_SPLIT_E7,
                          DC_ZC_SPLIT_E7)) {
            touch |= 1u << i;
            out->edges[i]++;
        }
    }
    if (whole) return (uint16_t)touch;
    int64_t s[4] = {0, 0, south + DC_CELL_E7 / 2, west + DC_CELL_E7 / 2};
    for (unsigned m = squares_of(segment_span(lo_lat, hi_lat, south),
                                 segment_span(lo_lon, hi_lon, west));
         m; m &= m - 1) {
        unsigned i = first_square(m);
        if (out->parity[i] < 0) continue;
        s[0] =
            south + (int64_t)(i / DC_ZC_SPLIT_SIDE) * DC_ZC_SPLIT_E7 + DC_ZC_SPLIT_E7 / 2;
        s[1] =
            west + (int64_t)(i % DC_ZC_SPLIT_SIDE) * DC_ZC_SPLIT_E7 + DC_ZC_SPLIT_E7 / 2;
        int t = dc_zc_crossing(s, a[0], a[1], b[0], b[1]);
        out->parity[i] = t < 0 ? -1 : out->parity[i] ^ t;
    }
    return (uint16_t)touch;
}

/* Spread @p part over the squares: its edges' masks into @p touch; the
 * edges touching each square counted, their runs not yet made. */
static void spread_part(const zc_part *part, int64_t south, int64_t west, uint16_t *touch,
                        zc_spread *out)
{
    for (unsigned i = 0; i < DC_ZC_SPLIT_CELLS; i++) {
        out->parity[i] = part->whole ? -1 : 0;
        out->edges[i] = 0;
    }
    for (size_t r = 0; r < part->nruns; r++) {
        const zc_run *run = &part->runs[r];
        for (uint32_t i = run->first; i < run->first + run->count; i++) {
            int32_t a[2], b[2];
            dc_zc_edge(&part->z->rings[run->ring], i, a, b);
            *touch++ = spread_edge(a, b, south, west, part->whole, out);
        }
    }
}

/* Each square's runs of @p part, from its edges' masks @p touch, into
 * @p pool (room for every edge counted); past them. */
static zc_run *square_runs(const zc_part *part, const uint16_t *touch, zc_run *pool,
                           zc_spread *out)
{
    for (unsigned s = 0; s < DC_ZC_SPLIT_CELLS; s++) {
        out->runs[s] = pool;
        out->nruns[s] = 0;
        pool += out->edges[s];
    }
    for (size_t r = 0; r < part->nruns; r++) {
        const zc_run *run = &part->runs[r];
        for (uint32_t i = run->first; i < run->first + run->count; i++)
            for (unsigned m = *touch++; m; m &= m - 1) {
                unsigned s = first_square(m);
                zc_run *to = out->runs[s];
                size_t n = out->nruns[s];
                if (n && to[n - 1].ring == run->ring &&
                    to[n - 1].first + to[n - 1].count == i)
                    to[n - 1].count++;
                else
                    to[out->nruns[s]++] = (zc_run){run->cell, run->ring, i, 1};
            }
    }
    return pool;
}

/* Is the centre of square @p s (@p sq) inside @p part's zone? Its crossings
 * from the sub-cell's centre, or the whole test. Exact either way: no
 * orientation is 0 and neither centre is on an edge, so the parity of the
 * crossings is the change of side. */
static bool square_inside(const zc_part *part, const zc_spread *spread, unsigned s,
                          const zc_square *sq)
{
    if (spread->parity[s] < 0)
        return dc_polygon_contains_checked(part->polygon, sq->lat, sq->lon);
    return part->inside != (spread->parity[s] == 1);
}

/* The parts of square @p s (@p sq) of a split sub-cell whose parts are
 * @p sub, spread as @p spread. */
static size_t square_parts(const zc_part *sub, const zc_spread *spread, size_t nsub,
                           unsigned s, const zc_square *sq, zc_part *parts)
{
    size_t n = 0;
    for (size_t i = 0; i < nsub; i++) {
        const zc_run *runs = spread[i].runs[s];
        size_t nruns = spread[i].nruns[s];
        bool inside =
            sub[i].nruns ? square_inside(&sub[i], &spread[i], s, sq) : sub[i].inside;
        if (nruns == 0 && !inside) continue;
        parts[n++] = (zc_part){sub[i].k,
                               sub[i].z,
                               sub[i].polygon,
                               runs,
                               nruns,
                               inside,
                               on_runs(sub[i].z, runs, nruns, sq->lat, sq->lon)};
        if (nruns == 0) break;
    }
    return n;
}

/* Spread every part of @p sub over the squares, with @p touch's room for
 * its edges; each square's runs into *pool (allocated). */
static dc_err spread_parts(const zc_part *sub, size_t nsub, int64_t south, int64_t west,
                           uint16_t *touch, zc_spread *spread, zc_run **pool)
{
    size_t runs = 0;
    uint16_t *at = touch;
    for (size_t i = 0; i < nsub; i++) {
        spread_part(&sub[i], south, west, at, &spread[i]);
        at += edges_of(&sub[i], 1);
        for (unsigned s = 0; s < DC_ZC_SPLIT_CELLS; s++)
            runs += spread[i].edges[s];
    }
    zc_run *p = *pool = malloc((runs ? runs : 1) * sizeof *p);
    if (!p) return DC_E_NOMEM;
    for (size_t i = 0; i < nsub; i++) {
        p = square_runs(&sub[i], touch, p, &spread[i]);
        touch += edges_of(&sub[i], 1);
    }
    return DC_OK;
}

/* A record of kind DC_ZC_SPLIT for a sub-cell with south-west corner
 * (south, west) and these parts. */
static dc_err put_split(zc_buf *rec, const zc_part *sub, size_t nsub, int64_t south,
                        int64_t west)
{
    size_t start = rec->len, nb = 0, head = DC_ZC_RECORD_HEAD + 2 * DC_ZC_SPLIT_CELLS;
    uint32_t words[DC_ZC_SPLIT_CELLS], offs[DC_ZC_SPLIT_CELLS];
    zc_buf squares = {0};
    zc_run *pool = NULL;
    zc_part *parts = malloc(nsub * sizeof *parts);
    zc_spread *spread = malloc(nsub * sizeof *spread);
    uint16_t *touch = malloc((edges_of(sub, nsub) + 1) * sizeof *touch);
    dc_err rc = parts && spread && touch ? DC_OK : DC_E_NOMEM;
    if (rc == DC_OK) rc = spread_parts(sub, nsub, south, west, touch, spread, &pool);
    for (uint32_t i = 0; rc == DC_OK && i < DC_ZC_SPLIT_CELLS; i++) {
        zc_square sq = square_of(south + (int64_t)(i / DC_ZC_SPLIT_SIDE) * DC_ZC_SPLIT_E7,
                                 west + (int64_t)(i % DC_ZC_SPLIT_SIDE) * DC_ZC_SPLIT_E7,
                                 DC_ZC_SPLIT_E7);
        size_t n = square_parts(sub, spread, nsub, i, &sq, parts);
        words[i] = square_word(parts, n);
        if (words[i] != DC_ZC_BORDER) continue;
        offs[nb] = (uint32_t)squares.len;
        words[i] |= (uint32_t)nb++;
        rc = put_entries(&squares, parts, n);
    }
    if (rc == DC_OK) rc = reserve(rec, head + 4 * nb + squares.len);
    if (rc == DC_OK) {
        uint8_t *p = rec->p + start;
        put_le16(p, 0);
        put_le16(p + 2, DC_ZC_SPLIT);
        for (uint32_t i = 0; i < DC_ZC_SPLIT_CELLS; i++)
            put_le16(p + DC_ZC_RECORD_HEAD + 2 * i, words[i]);
        for (size_t b = 0; b < nb; b++)
            dc_put_le32(p + head + 4 * b, (uint32_t)(head + 4 * nb + offs[b]));
        if (squares.len) memcpy(p + head + 4 * nb, squares.p, squares.len);
        rec->len = start + head + 4 * nb + squares.len;
    }
    free(pool);
    free(touch);
    free(spread);
    free(parts);
    free(squares.p);
    return rc;
}

/* ---- the value ------------------------------------------------------------------ */

/* One sub-cell: its word, and for a border its record appended to @p rec. */
static dc_err sub_cell(const dc_zonecells *zc, const int32_t *cand, uint32_t ncand,
                       uint32_t row, uint32_t col, zc_buf *rec, uint32_t *word,
                       zc_part *parts)
{
    size_t n;
    sub_parts(zc, cand, ncand, row, col, parts, &n);
    *word = square_word(parts, n);
    if (*word != DC_ZC_BORDER) return DC_OK;
    if (edges_of(parts, n) <= DC_ZC_SPLIT_EDGES) return put_entries(rec, parts, n);
    return put_split(rec, parts, n, (int64_t)row * DC_CELL_E7 + DC_LAT_E7_MIN,
                     (int64_t)col * DC_CELL_E7 + DC_LON_E7_MIN);
}

/* The head (words, offsets) then the records, into *buf. */
static dc_err assemble(const uint32_t *words, const uint32_t *offs, uint32_t nb,
                       const zc_buf *rec, uint8_t **buf, size_t *cap, size_t *size)
{
    size_t need = DC_ZC_HEAD + 4 * (size_t)nb + rec->len;
    if (need > *cap) {
        uint8_t *p = realloc(*buf, need);
        if (!p) return DC_E_NOMEM;
        *buf = p;
        *cap = need;
    }
    for (uint32_t i = 0; i < DC_ZC_CELLS; i++)
        put_le16(*buf + 2 * i, words[i]);
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
    uint32_t words[DC_ZC_CELLS], offs[DC_ZC_CELLS], nb = 0;
    zc_buf rec = {0};
    int32_t *cand = malloc((ncand ? ncand : 1) * sizeof *cand);
    zc_part *parts = malloc((ncand ? ncand : 1) * sizeof *parts);
    dc_err rc = cand && parts ? candidates(zc, postcodes, ncand, cand) : DC_E_NOMEM;
    uint32_t row0 = cell / DC_ZONEGRID_COLS * DC_ZC_SIDE,
             col0 = cell % DC_ZONEGRID_COLS * DC_ZC_SIDE;
    for (uint32_t i = 0; rc == DC_OK && i < DC_ZC_CELLS; i++) {
        size_t at = rec.len;
        rc = sub_cell(zc, cand, ncand, row0 + i / DC_ZC_SIDE, col0 + i % DC_ZC_SIDE, &rec,
                      &words[i], parts);
        if (rc == DC_OK && words[i] == DC_ZC_BORDER) {
            offs[nb] = (uint32_t)at;
            words[i] = DC_ZC_BORDER | nb++;
        }
    }
    if (rc == DC_OK) rc = assemble(words, offs, nb, &rec, buf, cap, size);
    free(rec.p);
    free(cand);
    free(parts);
    return rc;
}
