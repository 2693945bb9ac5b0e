/*
 * reproject_tiles.c - many points through the series, most of them by a
 * polynomial fitted to it per tile (reproject_tiles.h).
 *
 * A tile is a square of TILE_SIZE metres of the source plane, on a grid
 * fixed to the false origin. Its fit is the Chebyshev interpolant of the
 * series (less its value at the tile's centre node) on NODES x NODES
 * Chebyshev nodes, truncated to total degree DEGREE, then written as a
 * polynomial in the tile's coordinates u, v in [-1, 1]. The terms dropped
 * and the error of the interpolant are of the order of (TILE_SIZE / 2 /
 * 6,400 km)^(DEGREE + 1) radians, below 1e-17 degree by that estimate, so
 * what the test sees (5.7e-14 degree at most, 4 units in the last place of
 * 100 degrees) is rounding: the series' own, at the nodes and at the point
 * it is compared at, and the fit's last addition. Degree 3 on tiles of
 * 4,096 m was seen 1.6e-13 degree off, and is not used.
 * A tile is used only when all of it is in the series' domain and on one
 * side of the local Helmert's band, so every point in it takes the same
 * branch of the series; the others' points go to dc_reproject_point.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reproject_tiles.h"

#define DEGREE 4
#define NODES (DEGREE + 1)
#define TERMS ((DEGREE + 1) * (DEGREE + 2) / 2)
/* metres, a power of two: the tile's coordinates are exact */
#define TILE_SIZE 8192.0
#define HALF (TILE_SIZE / 2)
/* The grid's origin, this far west and south of the false origin: a
 * power of two beyond the domain (1,000 km and 9,300 km), so that tile
 * numbers are positive and below 2^16. */
#define ORIGIN_X 1048576.0
#define ORIGIN_Y 16777216.0
/* Sets of two tiles each (a tile may go in either of its set's two): 1,024
 * tiles of 8 km, 67,000 square km (a fifth of Vietnam), 300 kB. */
#define SET_BITS 9
#define SETS (1u << SET_BITS)
/* When the points need not be steady, a tile's points are answered by
 * its fit only where at least this many of the call's points fall in it:
 * a fit costs NODES^2 evaluations of the series, so a call never spends
 * more on fits than the series would have on their points. */
#define FIT_AFTER (NODES * NODES)
/* Transformations told apart at once (a zones and a households layer in
 * different TM-3 zones, read by one thread, take two). */
#define KNOWN 8

_Static_assert((ORIGIN_Y + ORIGIN_Y) / TILE_SIZE < 65536.0, "tile numbers in 16 bits");

/* A longitude and a latitude side by side: the two fits are evaluated
 * together, two lanes of one vector register (GCC's and Clang's vector
 * extension; plain scalar code where there is no such register). */
typedef double pair __attribute__((vector_size(2 * sizeof(double))));

typedef struct tile {
    uint64_t key;     /* the tile fitted here; 0: none */
    double x0, y0;    /* the centre, in the source plane */
    pair centre;      /* the series at the centre node */
    pair term[TERMS]; /* the coefficients of the monomials */
} tile;

typedef struct set {
    tile way[2];
    unsigned older;   /* the way used less recently */
    uint64_t refused; /* a tile found not to be all in the domain */
} set;

typedef struct known {
    dc_reproject r;
    uint32_t serial;
} known;

struct dc_reproject_tiles {
    known known[KNOWN];
    unsigned next;   /* the entry of known to replace next */
    uint32_t serial; /* the last serial given */
    size_t fits;
    double node[NODES];
    double cheb[NODES][NODES];  /* T_i at node k */
    double power[NODES][NODES]; /* coefficient of u^m in T_i */
    /* a call's points counted by tile: a table of `cap` keys and counts,
     * and each point's entry in it (NO_TILE: none) */
    uint64_t *count_key;
    uint32_t *count, *entry;
    size_t cap, points;
    set set[SETS];
};

#define NO_TILE UINT32_MAX

dc_reproject_tiles *dc_reproject_tiles_new(void)
{
    dc_reproject_tiles *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    const double pi = 3.14159265358979323846;
    for (int k = 0; k < NODES; k++) {
        t->node[k] = cos(pi * (2 * k + 1) / (2 * NODES));
        for (int i = 0; i < NODES; i++)
            t->cheb[i][k] = cos(i * pi * (2 * k + 1) / (2 * NODES));
    }
    /* T_0 = 1, T_1 = u, T_i+1 = 2 u T_i - T_i-1 */
    t->power[0][0] = 1.0;
    if (NODES > 1) t->power[1][1] = 1.0;
    for (int i = 1; i + 1 < NODES; i++)
        for (int m = 0; m < NODES; m++)
            t->power[i + 1][m] =
                (m > 0 ? 2.0 * t->power[i][m - 1] : 0.0) - t->power[i - 1][m];
    return t;
}

void dc_reproject_tiles_free(dc_reproject_tiles *tiles)
{
    if (!tiles) return;
    free(tiles->count_key);
    free(tiles->count);
    free(tiles->entry);
    free(tiles);
}

size_t dc_reproject_tiles_fits(const dc_reproject_tiles *tiles)
{
    return tiles ? tiles->fits : 0;
}

/* The serial of @p r in @p t, given anew to a transformation not known. */
static uint32_t serial_of(dc_reproject_tiles *t, const dc_reproject *r)
{
    for (int i = 0; i < KNOWN; i++)
        if (t->known[i].serial && dc_reproject_same(&t->known[i].r, r))
            return t->known[i].serial;
    if (t->serial == UINT32_MAX) { /* never in practice; keys must not repeat */
        for (size_t i = 0; i < SETS; i++)
            t->set[i] = (set){0};
        for (int i = 0; i < KNOWN; i++)
            t->known[i].serial = 0;
        t->serial = 0;
    }
    known *k = &t->known[t->next];
    t->next = (t->next + 1) % KNOWN;
    k->r = *r;
    k->serial = ++t->serial;
    return k->serial;
}

/* Tile @p s's fits at @p u, @p v, both at once: Horner's rule in v for
 * each power of u, then in u, on terms of a few hundredths of a degree at
 * most; then the value at the centre node is added. */
static inline pair evaluate(const tile *s, double u, double v)
{
    pair uu = {u, u}, vv = {v, v}, sum = {0.0, 0.0};
    int end = TERMS;
#pragma GCC unroll 8
    for (int m = DEGREE; m >= 0; m--) {
        int len = DEGREE - m + 1;
        const pair *c = s->term + end - len;
        pair a = c[len - 1];
#pragma GCC unroll 8
        for (int q = len - 2; q >= 0; q--)
            a = a * vv + c[q];
        sum = sum * uu + a;
        end -= len;
    }
    return s->centre + sum;
}

/* @p f's Chebyshev interpolant on the nodes, truncated to total degree
 * DEGREE, as powers of u and v into @p a (those of u first: 1, v, v^2,
 * ..., u, u v, ...). */
static void fit_one(const dc_reproject_tiles *t, double f[NODES][NODES], double *a)
{
    /* the discrete cosine transform, along u then along v */
    double g[NODES][NODES], c[NODES][NODES] = {{0}};
    for (int i = 0; i < NODES; i++)
        for (int l = 0; l < NODES; l++) {
            double s = 0.0;
            for (int k = 0; k < NODES; k++)
                s += f[k][l] * t->cheb[i][k];
            g[i][l] = s;
        }
    for (int i = 0; i < NODES; i++)
        for (int j = 0; i + j <= DEGREE; j++) {
            double s = 0.0;
            for (int l = 0; l < NODES; l++)
                s += g[i][l] * t->cheb[j][l];
            c[i][j] = s * (i ? 2.0 : 1.0) * (j ? 2.0 : 1.0) / (NODES * NODES);
        }
    int n = 0;
    for (int m = 0; m <= DEGREE; m++)
        for (int q = 0; m + q <= DEGREE; q++) {
            double s = 0.0;
            for (int i = m; i <= DEGREE; i++)
                for (int j = q; i + j <= DEGREE; j++)
                    s += c[i][j] * t->power[i][m] * t->power[j][q];
            a[n++] = s;
        }
}

/* Fit tile @p s, centred on @p x0, @p y0, to the series of @p r. */
static void fit(const dc_reproject_tiles *t, const dc_reproject *r, tile *s, double x0,
                double y0)
{
    double lon[NODES][NODES], lat[NODES][NODES];
    for (int k = 0; k < NODES; k++)
        for (int l = 0; l < NODES; l++)
            dc_reproject_series(r, x0 + HALF * t->node[k], y0 + HALF * t->node[l],
                                &lon[k][l], &lat[k][l]);
    double lon0 = lon[NODES / 2][NODES / 2], lat0 = lat[NODES / 2][NODES / 2];
    for (int k = 0; k < NODES; k++)
        for (int l = 0; l < NODES; l++) {
            lon[k][l] -= lon0;
            lat[k][l] -= lat0;
        }
    double a[TERMS], b[TERMS];
    fit_one(t, lon, a);
    fit_one(t, lat, b);
    s->x0 = x0;
    s->y0 = y0;
    s->centre = (pair){lon0, lat0};
    for (int k = 0; k < TERMS; k++)
        s->term[k] = (pair){a[k], b[k]};
}

/* Where the point falls: its tile's key and set. False for a point far
 * outside the domain (or not finite), which goes to dc_reproject_point.
 * The set: Fibonacci hashing of the tile's numbers, so that the tiles of
 * a region fall in distinct sets. */
static inline bool locate(const dc_reproject *r, uint32_t serial, double x, double y,
                          uint64_t *key, uint32_t *which, uint32_t *ix, uint32_t *iy)
{
    double e = x - r->false_easting + ORIGIN_X, n = y - r->false_northing + ORIGIN_Y;
    if (!(e >= 0.0 && e < 2 * ORIGIN_X && n >= 0.0 && n < 2 * ORIGIN_Y)) return false;
    *ix = (uint32_t)(e * (1.0 / TILE_SIZE));
    *iy = (uint32_t)(n * (1.0 / TILE_SIZE));
    *key = (uint64_t)serial << 32 | (uint64_t)*iy << 16 | *ix;
    *which = ((*iy << 16 | *ix) ^ serial * 0x85EBCA77u) * 0x9E3779B1u >> (32 - SET_BITS);
    return true;
}

/* The fitted tile @p key (numbers @p ix, @p iy) in its set @p s: found, or
 * fitted now in place of the way used less recently; NULL for a tile not
 * all in the domain. A fit depends on the tile alone, so whether it was
 * found or made changes the cost, never an answer. */
static tile *tile_of(dc_reproject_tiles *t, const dc_reproject *r, set *s, uint64_t key,
                     uint32_t ix, uint32_t iy)
{
    for (unsigned k = 0; k < 2; k++)
        if (s->way[k].key == key) {
            s->older = !k;
            return &s->way[k];
        }
    if (s->refused == key) return NULL;
    double x0 = r->false_easting - ORIGIN_X + (ix + 0.5) * TILE_SIZE;
    double y0 = r->false_northing - ORIGIN_Y + (iy + 0.5) * TILE_SIZE;
    /* a metre more each way: a point's tile is found after a rounding */
    if (!dc_reproject_box_inside(r, x0 - HALF - 1.0, y0 - HALF - 1.0, x0 + HALF + 1.0,
                                 y0 + HALF + 1.0)) {
        s->refused = key;
        return NULL;
    }
    tile *w = &s->way[s->older];
    s->older = !s->older;
    fit(t, r, w, x0, y0);
    w->key = key;
    t->fits++;
    return w;
}

/* The size of the table that counts @p n points' tiles. */
static size_t count_size(size_t n)
{
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    return cap;
}

/* Room to count @p n points' tiles; false when out of memory. */
static bool count_room(dc_reproject_tiles *t, size_t n)
{
    size_t cap = count_size(n);
    if (cap > t->cap) {
        uint64_t *key = realloc(t->count_key, cap * sizeof *key);
        if (key) t->count_key = key;
        uint32_t *count = key ? realloc(t->count, cap * sizeof *count) : NULL;
        if (count) t->count = count;
        if (!key || !count) return false;
        t->cap = cap;
    }
    if (n > t->points) {
        uint32_t *entry = realloc(t->entry, n * sizeof *entry);
        if (!entry) return false;
        t->entry = entry;
        t->points = n;
    }
    return true;
}

/* Count the points of the call by tile (open addressing, 2n entries at
 * least); false when out of memory. */
static bool count_tiles(dc_reproject_tiles *t, const dc_reproject *r, uint32_t serial,
                        size_t n, const double *x, const double *y)
{
    if (!count_room(t, n)) return false;
    size_t cap = count_size(n);
    memset(t->count_key, 0, cap * sizeof *t->count_key);
    for (size_t i = 0; i < n; i++) {
        uint64_t key;
        uint32_t which, ix, iy;
        t->entry[i] = NO_TILE;
        if (!locate(r, serial, x[i], y[i], &key, &which, &ix, &iy)) continue;
        size_t h = (size_t)(key * 0x9E3779B97F4A7C15ULL >> 40) & (cap - 1);
        while (t->count_key[h] && t->count_key[h] != key)
            h = (h + 1) & (cap - 1);
        if (!t->count_key[h]) {
            t->count_key[h] = key;
            t->count[h] = 0;
        }
        t->count[h]++;
        t->entry[i] = (uint32_t)h;
    }
    return true;
}

/* The point at @p x, @p y by tile @p w's fit, in place; whether it was
 * done (not at a rounding tie). */
static inline int by_fit(const tile *w, double *x, double *y)
{
    double u = (*x - w->x0) * (1.0 / HALF), v = (*y - w->y0) * (1.0 / HALF);
    pair p = evaluate(w, u, v);
    double lon = p[0], lat = p[1];
    if (dc_reproject_near_tie(lon) || dc_reproject_near_tie(lat)) return 0;
    *x = lon;
    *y = lat;
    return 1;
}

size_t dc_reproject_points(const dc_reproject *r, dc_reproject_tiles *tiles, bool steady,
                           size_t n, double *x, double *y, int *ok)
{
    size_t left = 0;
    uint32_t serial = tiles && !r->identity ? serial_of(tiles, r) : 0;
    /* not steady, and no room to count: every point by the series */
    if (serial && !steady && !count_tiles(tiles, r, serial, n, x, y)) serial = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key;
        uint32_t which, ix, iy;
        tile *w = NULL;
        if (serial &&
            (steady || (tiles->entry[i] != NO_TILE &&
                        tiles->count[tiles->entry[i]] >= FIT_AFTER)) &&
            locate(r, serial, x[i], y[i], &key, &which, &ix, &iy)) {
            set *s = &tiles->set[which];
            w = s->way[0].key == key   ? &s->way[0]
                : s->way[1].key == key ? &s->way[1]
                                       : NULL;
            if (w)
                s->older = w == &s->way[0];
            else
                w = tile_of(tiles, r, s, key, ix, iy);
        }
        ok[i] =
            w ? by_fit(w, &x[i], &y[i]) : dc_reproject_point(r, x[i], y[i], &x[i], &y[i]);
        left += !ok[i];
    }
    return left;
}
