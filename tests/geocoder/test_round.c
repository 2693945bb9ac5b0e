/*
 * test_round - the delivery round (diachi/round.h):
 *
 *   test_round unit                 the order on made-up points: each stop
 *                                   once, never longer than the nearest-
 *                                   neighbour walk, groups together, the
 *                                   bad inputs and their codes
 *   test_round sample INDEX [N [K]] N (200) random rounds of 50-300 doors
 *                                   of the sample's households, each door
 *                                   resolved from its code: each once, groups
 *                                   together, never longer than the walk.
 *                                   With each door's letters kept together,
 *                                   the length beside a Held-Karp lower bound
 *                                   (the 1-tree with subgradient ascent,
 *                                   computed here from the coordinates);
 *                                   with each tổ's doors, beside the best
 *                                   of K (50) kicks of the stronger search:
 *                                   within 10% on average, printed
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/round.h"

/* ---- what every round must be ------------------------------------------------ */

/* Every stop exactly once. */
static void assert_permutation(const size_t *order, size_t n)
{
    unsigned char *seen = calloc(n, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_true(order[i] < n);
        assert_int_equal(seen[order[i]], 0);
        seen[order[i]] = 1;
    }
    free(seen);
}

/* Each non-zero group's stops one after the other. */
static void assert_groups_together(const dc_round_stop *stops, const size_t *order,
                                   size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t g = stops[order[i]].group;
        if (!g || (i && stops[order[i - 1]].group == g)) continue;
        /* a run of g starts here: no stop of g after its end */
        size_t j = i;
        while (j < n && stops[order[j]].group == g)
            j++;
        for (; j < n; j++)
            assert_false(stops[order[j]].group == g);
    }
}

/* The length of the order, summed here with dc_geo_distance_m. */
static double length_of(const dc_round_stop *stops, const size_t *order, size_t n,
                        double lat0, double lon0, bool back)
{
    double total = 0, lat = lat0, lon = lon0;
    for (size_t i = 0; i < n; i++) {
        total += dc_geo_distance_m(lat, lon, stops[order[i]].lat, stops[order[i]].lon);
        lat = stops[order[i]].lat, lon = stops[order[i]].lon;
    }
    return back ? total + dc_geo_distance_m(lat, lon, lat0, lon0) : total;
}

/* A deterministic generator (xorshift64*). */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}
static double uniform(void)
{
    return (double)(rng() >> 11) / 9007199254740992.0;
}

/* ---- unit ---------------------------------------------------------------------- */

/* Doors along a street, given out of order: the round walks them in order
 * and back. */
static void test_line(void **state)
{
    (void)state;
    dc_round_stop s[5];
    const int at[5] = {5, 1, 3, 2, 4};
    for (int i = 0; i < 5; i++)
        s[i] = (dc_round_stop){21.38, 103.0 + at[i] * 0.001, 0};
    size_t order[5];
    dc_round_stats st;
    dc_round_options o;
    dc_round_options_init(&o);
    assert_int_equal(dc_round_order(s, 5, 21.38, 103.0, &o, order, &st, NULL), DC_OK);
    const size_t want[5] = {1, 3, 2, 4, 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(order[i], want[i]);
    double one = dc_geo_distance_m(21.38, 103.0, 21.38, 103.001);
    assert_true(fabs(st.length_m - 10 * one) < 1e-6);
    o.back_to_start = false;
    assert_int_equal(dc_round_order(s, 5, 21.38, 103.0, &o, order, &st, NULL), DC_OK);
    assert_true(fabs(st.length_m - 5 * one) < 1e-6);
}

/* Random doors, with and without groups, open and closed: each once,
 * groups together, never longer than the walk, the length as reported. */
static void test_random(void **state)
{
    (void)state;
    enum { N = 400 };
    static dc_round_stop s[N];
    static size_t order[N];
    for (int round = 0; round < 60; round++) {
        size_t n = 1 + rng() % N;
        int groups = round % 3; /* none, few large, many small */
        for (size_t i = 0; i < n; i++) {
            s[i].lat = 21.38 + uniform() * 0.01;
            s[i].lon = 103.01 + uniform() * 0.01;
            s[i].group = groups == 0 ? 0 : groups == 1 ? rng() % 5 : rng() % 60;
        }
        dc_round_options o;
        dc_round_options_init(&o);
        o.back_to_start = round % 2 == 0;
        dc_round_stats st;
        assert_int_equal(dc_round_order(s, n, 21.385, 103.015, &o, order, &st, NULL),
                         DC_OK);
        assert_permutation(order, n);
        assert_groups_together(s, order, n);
        assert_true(st.length_m <= st.nearest_m);
        double len = length_of(s, order, n, 21.385, 103.015, o.back_to_start);
        assert_true(fabs(len - st.length_m) < 1e-6 * (1 + len));
    }
}

/* Groups that interleave in space are still walked one at a time. */
static void test_groups_interleaved(void **state)
{
    (void)state;
    dc_round_stop s[40];
    for (int i = 0; i < 40; i++)
        s[i] = (dc_round_stop){21.38 + (i / 8) * 0.0005, 103.01 + (i % 8) * 0.0005,
                               (uint64_t)(1 + i % 3)};
    size_t order[40];
    dc_round_stats st;
    assert_int_equal(dc_round_order(s, 40, 21.38, 103.01, NULL, order, &st, NULL), DC_OK);
    assert_permutation(order, 40);
    assert_groups_together(s, order, 40);
    assert_true(st.length_m <= st.nearest_m);
}

static void test_bad_input(void **state)
{
    (void)state;
    static dc_round_stop s[DC_ROUND_MAX_STOPS + 1];
    static size_t order[DC_ROUND_MAX_STOPS + 1];
    dc_error err;
    for (size_t i = 0; i <= DC_ROUND_MAX_STOPS; i++)
        s[i] = (dc_round_stop){21.38 + i * 1e-6, 103.0, 0};
    assert_int_equal(dc_round_order(s, 0, 21.38, 103.0, NULL, order, NULL, &err),
                     DC_E_ROUND_EMPTY);
    assert_string_equal(dc_err_name(err.code), "round_empty");
    assert_int_equal(
        dc_round_order(s, DC_ROUND_MAX_STOPS + 1, 21.38, 103.0, NULL, order, NULL, &err),
        DC_E_ROUND_TOO_MANY);
    assert_string_equal(err.message,
                        "the round has 1001 stops; a round takes 1000 at most");
    assert_string_equal(dc_err_name(DC_E_ROUND_TOO_MANY), "round_too_many");
    assert_int_equal(dc_round_order(s, 3, 91, 103.0, NULL, order, NULL, &err),
                     DC_E_ROUND_START);
    assert_int_equal(dc_round_order(s, 3, NAN, 103.0, NULL, order, NULL, &err),
                     DC_E_ROUND_START);
    assert_string_equal(dc_err_name(DC_E_ROUND_START), "round_start");
    s[1].lon = 200;
    assert_int_equal(dc_round_order(s, 3, 21.38, 103.0, NULL, order, NULL, &err),
                     DC_E_INVALID_ARG);
    assert_string_equal(err.message, "stop 2 is not a point");
    s[1].lon = 103.0;
    assert_int_equal(
        dc_round_order(s, DC_ROUND_MAX_STOPS, 21.38, 103.0, NULL, order, NULL, &err),
        DC_OK);
    assert_permutation(order, DC_ROUND_MAX_STOPS);
}

static void test_start_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        dc_err rc;
        double lat, lon;
    } cases[] = {
        {"21.386,103.017", DC_OK, 21.386, 103.017},
        {"21.386, 103.017", DC_OK, 21.386, 103.017},
        {"21,386 103,017", DC_OK, 21.386, 103.017},
        {"N21.386 E103.017", DC_OK, 21.386, 103.017},
        {"geo:21.386,103.017", DC_OK, 21.386, 103.017},
        {"", DC_E_ROUND_START, 0, 0},
        {"21.386", DC_E_ROUND_START, 0, 0},
        {"post office", DC_E_ROUND_START, 0, 0},
        {"103.017,21.386", DC_E_ROUND_START, 0, 0},
        {"91,103", DC_E_ROUND_START, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double lat = -1, lon = -1;
        dc_error err = {0};
        dc_err rc =
            dc_round_start_parse(cases[i].text, strlen(cases[i].text), &lat, &lon, &err);
        if (rc != cases[i].rc) fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
        assert_int_equal(rc, cases[i].rc);
        if (rc == DC_OK) {
            assert_true(fabs(lat - cases[i].lat) < 1e-12);
            assert_true(fabs(lon - cases[i].lon) < 1e-12);
        } else {
            assert_int_equal(lat, -1);
            assert_int_equal(err.code, DC_E_ROUND_START);
        }
    }
}

static int run_unit(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_groups_interleaved),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_start_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* ---- the Held-Karp lower bound -------------------------------------------------- */

/* The 1-tree of node 0 under weights d + pi: its cost, and each node's
 * degree in it. Prim's algorithm over nodes 1..m-1, then node 0's two
 * cheapest edges. */
static double one_tree(const double *dist, size_t m, const double *pi, int *deg,
                       double *key, size_t *parent, unsigned char *in)
{
    double cost = 0;
    for (size_t i = 0; i < m; i++)
        deg[i] = 0, in[i] = 0, key[i] = INFINITY;
    key[1] = 0, parent[1] = 1;
    for (size_t step = 1; step < m; step++) {
        size_t u = 0;
        double best = INFINITY;
        for (size_t v = 1; v < m; v++)
            if (!in[v] && key[v] < best) best = key[v], u = v;
        in[u] = 1;
        cost += best;
        if (parent[u] != u) deg[u]++, deg[parent[u]]++;
        for (size_t v = 1; v < m; v++) {
            double w = dist[u * m + v] + pi[u] + pi[v];
            if (!in[v] && w < key[v]) key[v] = w, parent[v] = u;
        }
    }
    double e1 = INFINITY, e2 = INFINITY;
    size_t v1 = 0, v2 = 0;
    for (size_t v = 1; v < m; v++) {
        double w = dist[v] + pi[0] + pi[v];
        if (w < e1)
            e2 = e1, v2 = v1, e1 = w, v1 = v;
        else if (w < e2)
            e2 = w, v2 = v;
    }
    deg[0] = 2, deg[v1]++, deg[v2]++;
    return cost + e1 + e2;
}

/* The Held-Karp bound of the closed tour over m nodes (node 0 the start):
 * the best 1-tree bound found by subgradient ascent, with the round's
 * length @p upper as the target. No tour is shorter. */
static double held_karp(const double *dist, size_t m, double upper)
{
    double *pi = calloc(m, sizeof *pi), *key = malloc(m * sizeof *key);
    int *deg = malloc(m * sizeof *deg);
    size_t *parent = malloc(m * sizeof *parent);
    unsigned char *in = malloc(m);
    assert_true(pi && key && deg && parent && in);
    double best = 0, lambda = 2;
    int since = 0;
    for (int it = 0; it < 1000 && lambda > 1e-4; it++) {
        double sum_pi = 0, norm = 0;
        double l = one_tree(dist, m, pi, deg, key, parent, in);
        for (size_t i = 0; i < m; i++)
            sum_pi += pi[i], norm += (double)(deg[i] - 2) * (deg[i] - 2);
        l -= 2 * sum_pi;
        if (l > best + 1e-9) {
            best = l, since = 0;
        } else if (++since >= 20) {
            lambda /= 2, since = 0;
        }
        if (norm == 0) break; /* the 1-tree is a tour: the bound is exact */
        double step = lambda * (upper - l) / norm;
        for (size_t i = 0; i < m; i++)
            pi[i] += step * (deg[i] - 2);
    }
    free(pi), free(key), free(deg), free(parent), free(in);
    return best;
}

/* ---- sample ---------------------------------------------------------------------- */

typedef struct door {
    double lat, lon;
    char code[DC_CODE_COMPACT_SIZE];
} door;

typedef struct near_door {
    double d;
    uint32_t i;
} near_door;

static int by_distance(const void *a, const void *b)
{
    const near_door *p = a, *q = b;
    return p->d < q->d ? -1 : p->d > q->d ? 1 : (p->i > q->i) - (p->i < q->i);
}

static const char *index_path;
static int nrounds = 200;
static unsigned kicks = 50;

static door *read_doors(dc_geo *geo, dc_geo_session *s, uint32_t *count)
{
    uint32_t n = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    door *d = malloc(n * sizeof *d);
    assert_non_null(d);
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        assert_int_equal(dc_index_household(dc_geo_session_txn(s), i, &h), DC_OK);
        d[i].lat = h.lat_e7 / 1e7, d[i].lon = h.lon_e7 / 1e7;
        assert_int_equal(
            dc_code_format(&h.code, DC_CODE_COMPACT, d[i].code, sizeof d[i].code), DC_OK);
    }
    *count = n;
    return d;
}

/* One round: a post office at a random door, the k doors drawn at random
 * among the 8 k nearest it (a postal worker's beat), each resolved from
 * its code; ordered, checked, and its length and the walk's beside the
 * bound. */
static void one_round(dc_geo_session *s, const door *doors, uint32_t ndoors,
                      near_door *near, dc_round_scratch *sc, bool by_door,
                      double ratio[3])
{
    size_t k = 50 + rng() % 251, pool = 8 * k;
    const door *office = &doors[rng() % ndoors];
    for (uint32_t i = 0; i < ndoors; i++)
        near[i] = (near_door){
            dc_geo_distance_m(office->lat, office->lon, doors[i].lat, doors[i].lon), i};
    qsort(near, ndoors, sizeof *near, by_distance);
    for (size_t i = 0; i < k; i++) { /* k of the pool, without repeats */
        size_t j = i + rng() % (pool - i);
        near_door t = near[i];
        near[i] = near[j], near[j] = t;
    }
    dc_round_stop *stops = malloc(k * sizeof *stops);
    size_t *order = malloc(k * sizeof *order);
    double *dist = malloc((k + 1) * (k + 1) * sizeof *dist);
    assert_true(stops && order && dist);
    for (size_t i = 0; i < k; i++) {
        const door *dr = &doors[near[i].i];
        dc_round_door out;
        assert_int_equal(dc_round_resolve(s, dr->code, strlen(dr->code), sc, &out),
                         DC_OK);
        assert_true(out.resolved);
        assert_string_equal(out.by, "code");
        assert_true(dc_geo_distance_m(out.lat, out.lon, dr->lat, dr->lon) < 5);
        stops[i] = (dc_round_stop){out.lat, out.lon, by_door ? out.door : out.group};
    }
    dc_round_stats st;
    assert_int_equal(
        dc_round_order(stops, k, office->lat, office->lon, NULL, order, &st, NULL),
        DC_OK);
    assert_permutation(order, k);
    assert_groups_together(stops, order, k);
    assert_true(st.length_m <= st.nearest_m);
    double len = length_of(stops, order, k, office->lat, office->lon, true);
    assert_true(fabs(len - st.length_m) < 1e-6 * (1 + len));
    for (size_t a = 0; a <= k; a++)
        for (size_t b = 0; b <= k; b++) {
            double la = a ? stops[a - 1].lat : office->lat;
            double oa = a ? stops[a - 1].lon : office->lon;
            double lb = b ? stops[b - 1].lat : office->lat;
            double ob = b ? stops[b - 1].lon : office->lon;
            dist[a * (k + 1) + b] = dc_geo_distance_m(la, oa, lb, ob);
        }
    dc_round_stats sst = st;
    if (!by_door) { /* the stronger search, groups kept together as well */
        dc_round_options strong;
        dc_round_options_init(&strong);
        strong.kicks = kicks;
        assert_int_equal(dc_round_order(stops, k, office->lat, office->lon, &strong,
                                        order, &sst, NULL),
                         DC_OK);
        assert_permutation(order, k);
        assert_groups_together(stops, order, k);
        assert_true(sst.length_m <= st.length_m);
    }
    ratio[2] = st.length_m / sst.length_m;
    double bound = held_karp(dist, k + 1, sst.length_m);
    assert_true(bound > 0 && bound <= st.length_m * (1 + 1e-9));
    ratio[0] = st.length_m / bound;
    ratio[1] = st.nearest_m / bound;
    free(stops), free(order), free(dist);
}

/* @p nrounds rounds; the mean ratios of the round to the Held-Karp bound,
 * of the nearest-neighbour walk to it, and of the round to the stronger
 * search (grouped rounds only), printed. */
static void sample_rounds(bool by_door, double mean[3])
{
    dc_geo *geo;
    dc_geo_session *s;
    dc_error err;
    assert_int_equal(dc_geo_open(index_path, &geo, &err), DC_OK);
    assert_int_equal(dc_geo_session_begin(geo, &s), DC_OK);
    uint32_t ndoors;
    door *doors = read_doors(geo, s, &ndoors);
    near_door *near = malloc(ndoors * sizeof *near);
    dc_round_scratch *sc = malloc(sizeof *sc);
    assert_true(near && sc);
    double worst = 0;
    mean[0] = mean[1] = mean[2] = 0;
    for (int r = 0; r < nrounds; r++) {
        double ratio[3];
        one_round(s, doors, ndoors, near, sc, by_door, ratio);
        for (int i = 0; i < 3; i++)
            mean[i] += ratio[i] / nrounds;
        if (ratio[0] > worst) worst = ratio[0];
    }
    printf("%d rounds of 50-300 doors, %s kept together: length / Held-Karp bound %.4f "
           "on average (worst %.4f), the nearest-neighbour walk's %.4f",
           nrounds, by_door ? "each door's letters" : "each group's doors", mean[0],
           worst, mean[1]);
    if (!by_door) printf("; length / the best of %u kicks %.4f", kicks, mean[2]);
    printf("\n");
    free(doors), free(near), free(sc);
    dc_geo_session_end(s);
    dc_geo_close(geo);
}

/* Doors only: the problem is the plain one, and the Held-Karp bound of
 * its shortest round is the reference. */
static void test_sample_doors(void **state)
{
    (void)state;
    double mean[3];
    sample_rounds(true, mean);
    assert_true(mean[0] <= 1.10);
}

/* Groups kept together: no bound of the grouped problem is at hand (the
 * plain problem's is printed: it counts the price of the groups too), so
 * the reference is the same rounds searched far harder. */
static void test_sample_groups(void **state)
{
    (void)state;
    double mean[3];
    sample_rounds(false, mean);
    assert_true(mean[2] <= 1.10);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "unit") == 0) return run_unit();
    if (argc >= 3 && strcmp(argv[1], "sample") == 0) {
        index_path = argv[2];
        if (argc >= 4) nrounds = atoi(argv[3]);
        if (argc >= 5) kicks = (unsigned)atoi(argv[4]);
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_sample_doors),
                                           cmocka_unit_test(test_sample_groups)};
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    fprintf(stderr, "usage: test_round unit | sample INDEX [ROUNDS]\n");
    return 2;
}
