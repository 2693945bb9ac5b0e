/*
 * round.c - the order of a delivery round (diachi/round.h): a
 * nearest-neighbour walk, then 2-opt and Or-opt moves until none shortens
 * it, every move keeping each group's doors together.
 *
 * The round is a path t[0..n+1]: t[0] the start, t[n+1] an end node whose
 * distance from a door is the door's from the start (back to the start)
 * or 0 (the round ends at its last door), so both kinds are one problem
 * with fixed ends. Every distance is computed once, as a float, into a
 * matrix: a move is then four or six loads. Lengths reported are summed
 * again in double.
 *
 * Groups stay contiguous because a move is only made when it keeps them
 * so: a stretch reversed (2-opt) lies inside one group, or starts and ends
 * at group boundaries; a run of doors moved (Or-opt) lies inside one
 * group and goes to a place beside that group's other doors, or is whole
 * groups and goes to a boundary between two groups.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/round.h"

/* A move must gain more than this (metres) to be made: float rounding
 * never loops. */
#define GAIN_EPS 1e-2
/* Passes of both kinds at most; a round of DC_ROUND_MAX_STOPS random
 * doors settles in well under a hundred. */
#define MAX_PASSES 1000
/* Or-opt tries a run of doors only beside the nearest doors of its ends
 * (and after the start, and last): a place far from both seldom pays for
 * the two edges to it, and looking along the whole round for every run
 * was 70% of the time (docs/PERFORMANCE.md). */
#define NEIGHBOURS 12

typedef struct round_ctx {
    size_t n;       /* stops; nodes are 0 (start), 1..n (stops), n + 1 (end) */
    size_t nodes;   /* n + 2 */
    float *dist;    /* nodes x nodes */
    int32_t *gid;   /* a node's group, dense; the start and the end have their own */
    uint32_t *t;    /* the path: t[0] = 0, t[n + 1] = n + 1 */
    uint32_t *buf;  /* room for a moved run */
    uint32_t *walk; /* the nearest-neighbour walk, kept */
    uint32_t *pos;  /* a node's position in t */
    uint32_t *near; /* each stop's nearest stops, k_near a stop */
    size_t k_near;
    unsigned char *done; /* the walk: a node visited */
} round_ctx;

void dc_round_options_init(dc_round_options *opt)
{
    opt->back_to_start = true;
    opt->improve = true;
    opt->kicks = 0;
    opt->seed = 0;
}

static inline double d(const round_ctx *c, uint32_t a, uint32_t b)
{
    return c->dist[(size_t)a * c->nodes + b];
}

static bool on_globe(double lat, double lon)
{
    return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

/* ---- set-up ----------------------------------------------------------------- */

/* Metres a degree of latitude and longitude make near @p lat, as
 * dc_geo_distance_m measures them. */
static void metres_per_degree(double lat, double *m_lat, double *m_lon)
{
    double lat2 = lat < 89 ? lat + 0.001 : lat - 0.001;
    *m_lat = dc_geo_distance_m(lat, 0, lat2, 0) / 0.001;
    *m_lon = dc_geo_distance_m(lat, 0, lat, 0.001) / 0.001;
}

static void fill_distances(round_ctx *c, const dc_round_stop *stops, double lat0,
                           double lon0, bool back)
{
    size_t n = c->n, nodes = c->nodes;
    double mean = lat0, m_lat, m_lon;
    for (size_t i = 0; i < n; i++)
        mean += stops[i].lat;
    metres_per_degree(mean / (double)(n + 1), &m_lat, &m_lon);
    double *x = malloc(nodes * sizeof *x), *y = malloc(nodes * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        c->dist = NULL;
        return;
    }
    x[0] = 0, y[0] = 0;
    for (size_t i = 0; i < n; i++) {
        x[i + 1] = (stops[i].lon - lon0) * m_lon;
        y[i + 1] = (stops[i].lat - lat0) * m_lat;
    }
    for (size_t a = 0; a <= n; a++)
        for (size_t b = 0; b <= n; b++)
            c->dist[a * nodes + b] = (float)hypot(x[a] - x[b], y[a] - y[b]);
    for (size_t a = 0; a <= n; a++) {
        float v = back && a ? c->dist[a * nodes] : 0;
        c->dist[a * nodes + n + 1] = c->dist[(n + 1) * nodes + a] = v;
    }
    c->dist[(n + 1) * nodes + n + 1] = 0;
    free(x), free(y);
}

typedef struct keyed {
    uint64_t key;
    uint32_t stop;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->key != q->key) return p->key < q->key ? -1 : 1;
    return p->stop < q->stop ? -1 : p->stop > q->stop;
}

/* Dense group numbers: one per non-zero key, one per door of key 0. */
static bool number_groups(round_ctx *c, const dc_round_stop *stops)
{
    size_t n = c->n;
    keyed *k = malloc(n * sizeof *k);
    if (!k) return false;
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){stops[i].group, (uint32_t)i};
    qsort(k, n, sizeof *k, by_key);
    int32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || k[i].key == 0 || k[i].key != k[i - 1].key) next++;
        c->gid[k[i].stop + 1] = next;
    }
    c->gid[0] = -1;
    c->gid[n + 1] = -2;
    free(k);
    return true;
}

/* Each stop's NEIGHBOURS nearest stops, nearest first (ties: the lower
 * number first). */
static bool find_neighbours(round_ctx *c)
{
    size_t n = c->n, k = n - 1 < NEIGHBOURS ? n - 1 : NEIGHBOURS;
    c->k_near = k;
    if (k == 0) return true;
    if (!(c->near = malloc(n * k * sizeof *c->near))) return false;
    for (uint32_t a = 1; a <= n; a++) {
        uint32_t *list = c->near + (size_t)(a - 1) * k;
        float dl[NEIGHBOURS];
        size_t m = 0;
        for (uint32_t b = 1; b <= n; b++) {
            float v = c->dist[(size_t)a * c->nodes + b];
            if (b == a || (m == k && v >= dl[k - 1])) continue;
            size_t j = m < k ? m++ : k - 1;
            for (; j > 0 && dl[j - 1] > v; j--)
                dl[j] = dl[j - 1], list[j] = list[j - 1];
            dl[j] = v, list[j] = b;
        }
    }
    return true;
}

static void sync_pos(round_ctx *c, size_t lo, size_t hi)
{
    for (size_t p = lo; p <= hi; p++)
        c->pos[c->t[p]] = (uint32_t)p;
}

/* ---- the nearest-neighbour walk --------------------------------------------- */

/* From the start, the nearest door not yet visited; once a group is
 * entered, its nearest door not yet visited, until it has none. */
static void nearest_walk(round_ctx *c)
{
    size_t n = c->n;
    unsigned char *done = c->done;
    uint32_t cur = 0;
    c->t[0] = 0;
    for (size_t pos = 1; pos <= n; pos++) {
        uint32_t best = 0, best_in = 0;
        double bd = INFINITY, bd_in = INFINITY;
        for (uint32_t v = 1; v <= n; v++) {
            if (done[v]) continue;
            double dv = d(c, cur, v);
            if (dv < bd) bd = dv, best = v;
            if (c->gid[v] == c->gid[cur] && dv < bd_in) bd_in = dv, best_in = v;
        }
        cur = best_in ? best_in : best;
        done[cur] = 1;
        c->t[pos] = cur;
    }
    c->t[n + 1] = (uint32_t)n + 1;
}

/* ---- 2-opt -------------------------------------------------------------------- */

/* Reversing t[i+1..j] keeps the groups together. */
static bool reversible(const round_ctx *c, size_t i, size_t j)
{
    const int32_t *g = c->gid;
    const uint32_t *t = c->t;
    if (g[t[i + 1]] == g[t[j]]) return true;
    return g[t[i]] != g[t[i + 1]] && g[t[j]] != g[t[j + 1]];
}

static void reverse(round_ctx *c, size_t i, size_t j)
{
    for (size_t a = i + 1, b = j; a < b; a++, b--) {
        uint32_t v = c->t[a];
        c->t[a] = c->t[b];
        c->t[b] = v;
    }
}

/* One pass: for each edge (t[i], t[i+1]), the best reversal starting
 * there, made at once. True when one was made. */
static bool two_opt_pass(round_ctx *c)
{
    size_t n = c->n;
    bool made = false;
    for (size_t i = 0; i + 1 < n + 1; i++) {
        uint32_t a = c->t[i], b = c->t[i + 1];
        double dab = d(c, a, b), best = GAIN_EPS;
        size_t best_j = 0;
        for (size_t j = i + 2; j <= n; j++) {
            uint32_t x = c->t[j], y = c->t[j + 1];
            double gain = dab + d(c, x, y) - d(c, a, x) - d(c, b, y);
            if (gain > best && reversible(c, i, j)) best = gain, best_j = j;
        }
        if (best_j) {
            reverse(c, i, best_j);
            sync_pos(c, i + 1, best_j);
            made = true;
        }
    }
    return made;
}

/* ---- Or-opt --------------------------------------------------------------------- */

/* Where the run t[i..i+len-1] may go: after position k (between t[k] and
 * t[k+1]), given whether it is whole groups and, if not, its group. */
static bool may_go(const round_ctx *c, size_t k, bool whole, int32_t group)
{
    int32_t ga = c->gid[c->t[k]], gb = c->gid[c->t[k + 1]];
    return whole ? ga != gb : ga == group || gb == group;
}

/* Move the run t[i..i+len-1] to after position k (k < i - 1 or k >=
 * i + len), reversed or not. */
static void move_run(round_ctx *c, size_t i, size_t len, size_t k, bool reversed)
{
    uint32_t *t = c->t, *run = c->buf;
    for (size_t r = 0; r < len; r++)
        run[r] = t[reversed ? i + len - 1 - r : i + r];
    if (k < i) {
        memmove(t + k + 1 + len, t + k + 1, (i - k - 1) * sizeof *t);
        memcpy(t + k + 1, run, len * sizeof *t);
    } else {
        memmove(t + i, t + i + len, (k + 1 - i - len) * sizeof *t);
        memcpy(t + k + 1 - len, run, len * sizeof *t);
    }
}

/* The best place found so far for a run. */
typedef struct run_place {
    double gain;
    size_t k;
    bool reversed;
} run_place;

/* A run of doors t[i..i+len-1] being moved. */
typedef struct run {
    size_t i, len;
    uint32_t s0, s1;
    double removed; /* what taking it out saves */
    bool whole;     /* whole groups */
} run;

/* The run put after position k, if it may go there and gains more. */
static void consider(const round_ctx *c, const run *r, size_t k, run_place *best)
{
    if (k > c->n || (k + 1 >= r->i && k < r->i + r->len)) return; /* an edge of the run */
    uint32_t a = c->t[k], b = c->t[k + 1];
    double ab = d(c, a, b);
    double fwd = d(c, a, r->s0) + d(c, r->s1, b) - ab;
    double rev = d(c, a, r->s1) + d(c, r->s0, b) - ab;
    double gain = r->removed - (fwd <= rev ? fwd : rev);
    if (gain > best->gain && may_go(c, k, r->whole, c->gid[r->s0]))
        *best = (run_place){gain, k, rev < fwd};
}

/* The best place for the run t[i..i+len-1]; made when it gains. A run
 * of 1 to 3 doors is tried beside its ends' nearest doors, after the
 * start and last; a whole group everywhere. */
static bool try_run(round_ctx *c, size_t i, size_t len)
{
    const uint32_t *t = c->t;
    const int32_t *g = c->gid;
    uint32_t p = t[i - 1], q = t[i + len];
    run r = {i, len, t[i], t[i + len - 1], 0, false};
    r.whole = g[p] != g[r.s0] && g[r.s1] != g[q];
    if (!r.whole && g[r.s0] != g[r.s1]) return false;
    r.removed = d(c, p, r.s0) + d(c, r.s1, q) - d(c, p, q);
    run_place best = {GAIN_EPS, 0, false};
    if (len <= 3 && c->k_near) {
        consider(c, &r, 0, &best);
        consider(c, &r, c->n, &best);
        for (int end = 0; end < (r.s0 == r.s1 ? 1 : 2); end++) {
            const uint32_t *list =
                c->near + (size_t)((end ? r.s1 : r.s0) - 1) * c->k_near;
            for (size_t m = 0; m < c->k_near; m++) {
                size_t at = c->pos[list[m]];
                consider(c, &r, at - 1, &best);
                consider(c, &r, at, &best);
            }
        }
    } else {
        for (size_t k = 0; k <= c->n; k++)
            consider(c, &r, k, &best);
    }
    if (best.gain <= GAIN_EPS) return false;
    move_run(c, i, len, best.k, best.reversed);
    if (best.k < i)
        sync_pos(c, best.k + 1, i + len - 1);
    else
        sync_pos(c, i, best.k);
    return true;
}

/* One pass: every run of 1 to 3 doors, and every whole group longer than
 * that, tried in turn. */
static bool or_opt_pass(round_ctx *c)
{
    size_t n = c->n;
    bool made = false;
    for (size_t len = 1; len <= 3; len++)
        for (size_t i = 1; i + len - 1 <= n; i++)
            made |= try_run(c, i, len);
    for (size_t i = 1; i <= n;) {
        size_t j = i;
        while (j + 1 <= n && c->gid[c->t[j + 1]] == c->gid[c->t[i]])
            j++;
        size_t len = j - i + 1;
        if (len > 3 && try_run(c, i, len)) made = true;
        i = j + 1;
    }
    return made;
}

/* Improving passes until none is made; false when the cap was reached. */
static unsigned improve(round_ctx *c)
{
    unsigned passes = 0;
    while (passes < MAX_PASSES) {
        passes++;
        bool made = two_opt_pass(c);
        made |= or_opt_pass(c);
        if (!made) break;
    }
    return passes;
}

/* ---- the stronger search: kicks -----------------------------------------------------
 */

static double float_length(const round_ctx *c)
{
    double total = 0;
    for (size_t p = 0; p <= c->n; p++)
        total += d(c, c->t[p], c->t[p + 1]);
    return total;
}

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ull;
}

/* A double bridge (A B C D to A C B D) whose three cuts are group
 * boundaries, or all inside one group: the groups stay together. */
static bool kick(round_ctx *c, uint64_t *rs, size_t *cuts)
{
    size_t n = c->n, m = 0;
    bool inside = next_random(rs) % 2 == 0;
    if (inside) {
        /* a random group of 4 doors or more, cut inside its block */
        size_t p = 1 + next_random(rs) % n, a = p, b = p;
        while (a > 1 && c->gid[c->t[a - 1]] == c->gid[c->t[p]])
            a--;
        while (b < n && c->gid[c->t[b + 1]] == c->gid[c->t[p]])
            b++;
        if (b - a + 1 < 4) inside = false;
        for (size_t q = a; inside && q < b; q++)
            cuts[m++] = q;
    }
    if (!inside)
        for (size_t q = 0; q <= n; q++)
            if (c->gid[c->t[q]] != c->gid[c->t[q + 1]]) cuts[m++] = q;
    if (m < 3) return false;
    size_t k[3];
    for (int i = 0; i < 3; i++)
        k[i] = cuts[next_random(rs) % m];
    if (k[0] > k[1]) {
        size_t x = k[0];
        k[0] = k[1];
        k[1] = x;
    }
    if (k[1] > k[2]) {
        size_t x = k[1];
        k[1] = k[2];
        k[2] = x;
    }
    if (k[0] > k[1]) {
        size_t x = k[0];
        k[0] = k[1];
        k[1] = x;
    }
    if (k[0] == k[1] || k[1] == k[2]) return false;
    /* B = t[k0+1..k1], C = t[k1+1..k2]: C then B */
    size_t lb = k[1] - k[0], lc = k[2] - k[1];
    memcpy(c->buf, c->t + k[0] + 1, lb * sizeof *c->t);
    memmove(c->t + k[0] + 1, c->t + k[1] + 1, lc * sizeof *c->t);
    memcpy(c->t + k[0] + 1 + lc, c->buf, lb * sizeof *c->t);
    return true;
}

/* Iterated local search: kick the best round found, improve, keep the
 * result when shorter. */
static bool kicks(round_ctx *c, unsigned count, uint64_t seed, unsigned *passes)
{
    size_t *cuts = malloc((c->n + 1) * sizeof *cuts);
    uint32_t *best = malloc(c->nodes * sizeof *best);
    if (!cuts || !best) {
        free(cuts), free(best);
        return false;
    }
    uint64_t rs = seed ? seed : 0x9e3779b97f4a7c15ull;
    double best_len = float_length(c);
    memcpy(best, c->t, c->nodes * sizeof *best);
    for (unsigned i = 0; i < count; i++) {
        if (!kick(c, &rs, cuts)) continue;
        sync_pos(c, 0, c->n + 1);
        *passes += improve(c);
        double len = float_length(c);
        if (len < best_len - GAIN_EPS) {
            best_len = len;
            memcpy(best, c->t, c->nodes * sizeof *best);
        } else {
            memcpy(c->t, best, c->nodes * sizeof *best);
            sync_pos(c, 0, c->n + 1);
        }
    }
    free(cuts), free(best);
    return true;
}

/* ---- the call --------------------------------------------------------------------- */

static double path_length(const round_ctx *c, const dc_round_stop *stops, double lat0,
                          double lon0, bool back)
{
    double total = 0, lat = lat0, lon = lon0;
    for (size_t p = 1; p <= c->n; p++) {
        const dc_round_stop *s = &stops[c->t[p] - 1];
        total += dc_geo_distance_m(lat, lon, s->lat, s->lon);
        lat = s->lat, lon = s->lon;
    }
    if (back) total += dc_geo_distance_m(lat, lon, lat0, lon0);
    return total;
}

static dc_err check_input(const dc_round_stop *stops, size_t n, double lat0, double lon0,
                          const size_t *order, dc_error *err)
{
    if (n == 0) return dc_error_set(err, DC_E_ROUND_EMPTY, "the round has no stops");
    if (n > DC_ROUND_MAX_STOPS)
        return dc_error_set(err, DC_E_ROUND_TOO_MANY,
                            "the round has %zu stops; a round takes %d at most", n,
                            DC_ROUND_MAX_STOPS);
    if (!on_globe(lat0, lon0))
        return dc_error_set(err, DC_E_ROUND_START,
                            "the start must be a latitude in -90..90 and a longitude in "
                            "-180..180");
    if (!stops || !order)
        return dc_error_set(err, DC_E_INVALID_ARG, "no stops or no order given");
    for (size_t i = 0; i < n; i++)
        if (!on_globe(stops[i].lat, stops[i].lon))
            return dc_error_set(err, DC_E_INVALID_ARG, "stop %zu is not a point", i + 1);
    return DC_OK;
}

static void ctx_free(round_ctx *c)
{
    free(c->dist), free(c->gid), free(c->t), free(c->buf), free(c->walk), free(c->done);
    free(c->pos), free(c->near);
}

dc_err dc_round_order(const dc_round_stop *stops, size_t n, double start_lat,
                      double start_lon, const dc_round_options *opt, size_t *order,
                      dc_round_stats *stats, dc_error *err)
{
    dc_round_options defaults;
    dc_round_options_init(&defaults);
    if (!opt) opt = &defaults;
    dc_err rc = check_input(stops, n, start_lat, start_lon, order, err);
    if (rc != DC_OK) return rc;
    round_ctx c = {.n = n, .nodes = n + 2};
    c.dist = malloc(c.nodes * c.nodes * sizeof *c.dist);
    c.gid = malloc(c.nodes * sizeof *c.gid);
    c.t = malloc(c.nodes * sizeof *c.t);
    c.buf = malloc(c.nodes * sizeof *c.buf);
    c.walk = malloc(c.nodes * sizeof *c.walk);
    c.done = calloc(c.nodes, 1);
    c.pos = malloc(c.nodes * sizeof *c.pos);
    if (c.dist) fill_distances(&c, stops, start_lat, start_lon, opt->back_to_start);
    if (!c.dist || !c.gid || !c.t || !c.buf || !c.walk || !c.done || !c.pos ||
        !number_groups(&c, stops) || !find_neighbours(&c)) {
        ctx_free(&c);
        return dc_error_set(err, DC_E_NOMEM, "out of memory ordering %zu stops", n);
    }
    nearest_walk(&c);
    sync_pos(&c, 0, n + 1);
    dc_round_stats st = {0};
    st.nearest_m = path_length(&c, stops, start_lat, start_lon, opt->back_to_start);
    memcpy(c.walk, c.t, c.nodes * sizeof *c.t);
    if (opt->improve) st.passes = improve(&c);
    if (opt->improve && opt->kicks && !kicks(&c, opt->kicks, opt->seed, &st.passes)) {
        ctx_free(&c);
        return dc_error_set(err, DC_E_NOMEM, "out of memory ordering %zu stops", n);
    }
    st.length_m = path_length(&c, stops, start_lat, start_lon, opt->back_to_start);
    /* The moves judge float distances; summed in double, a round that
     * came out longer than the walk (by rounding, over tens of
     * kilometres) is given back as the walk. */
    if (st.length_m > st.nearest_m) {
        memcpy(c.t, c.walk, c.nodes * sizeof *c.t);
        st.length_m = st.nearest_m;
    }
    for (size_t p = 1; p <= n; p++)
        order[p - 1] = c.t[p] - 1;
    if (stats) *stats = st;
    ctx_free(&c);
    return DC_OK;
}

dc_err dc_round_start_parse(const char *text, size_t len, double *lat, double *lon,
                            dc_error *err)
{
    if (!lat || !lon)
        return dc_error_set(err, DC_E_INVALID_ARG, "no place for the point");
    double a, b;
    dc_error perr = {0};
    if (!text || dc_geo_point_parse(text, len, &a, &b, &perr) != DC_OK)
        return dc_error_set(err, DC_E_ROUND_START,
                            "the start is not a point LAT,LON in degrees: %s",
                            text ? perr.message : "none given");
    if (!on_globe(a, b))
        return dc_error_set(err, DC_E_ROUND_START,
                            "the start must be a latitude in -90..90 and a longitude in "
                            "-180..180");
    *lat = a, *lon = b;
    return DC_OK;
}
