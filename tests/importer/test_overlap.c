/*
 * test_overlap.c - the importer's overlap test and measure
 * (importer/src/overlap.h) against the quadratic test it replaced
 * (overlap_support.c, kept here as the reference) and GEOS's area of the
 * intersection (OGR_G_Intersection), on hand-made corner cases, random
 * star polygons on coarse lattices (shared vertices, collinear edges) and
 * fractal maps whose shared borders were digitised twice.
 *
 * Tolerance: an area dc_overlap_area gives agrees with GEOS's within
 * 1e-9 of the larger plus 1e-16 square degree (about 1e-6 m2); where it
 * declines (a negative answer), dc_overlaps_find asks GEOS, so the
 * pipeline's answer is GEOS's own.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cpl_error.h>
#include <gdal.h>

#include "overlap.h"
#include "overlap_support.h"

#define AREA_REL 1e-9
#define AREA_ABS 1e-16

static double geos_area(OGRGeometryH a, OGRGeometryH b)
{
    OGRGeometryH x = OGR_G_Intersection(a, b);
    double area = x ? OGR_G_Area(x) : 0.0;
    OGR_G_DestroyGeometry(x);
    return area;
}

typedef struct tally {
    size_t pairs, overlaps, measured, declined;
} tally;

/* One pair: the same yes/no as the reference; the same area as GEOS. */
static void check_pair(OGRGeometryH ga, OGRGeometryH gb, tally *t, const char *what)
{
    dc_polygon a = support_encode(ga), b = support_encode(gb);
    assert_true(a.size > 0 && b.size > 0);
    bool want = ref_polygons_overlap(&a, &b);
    int got = dc_polygons_overlap(&a, &b);
    if (got != (int)want)
        fail_msg("%s: overlap %d, the reference says %d", what, got, want);
    assert_int_equal(dc_polygons_overlap(&b, &a), got);
    t->pairs++;
    if (want) {
        t->overlaps++;
        double g = geos_area(ga, gb), m = dc_overlap_area(ga, gb);
        if (m < 0) {
            t->declined++;
        } else {
            t->measured++;
            if (fabs(m - g) > AREA_REL * fmax(m, g) + AREA_ABS)
                fail_msg("%s: area %.17g, GEOS %.17g", what, m, g);
        }
    }
    free((void *)a.data);
    free((void *)b.data);
}

static OGRGeometryH wkt(const char *text)
{
    OGRGeometryH g = NULL;
    char *p = (char *)text;
    assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
    return g;
}

/* Shapes in units of 1e-3 degree from (103, 21): a unit square is 111 m. */
static const struct {
    const char *name, *a, *b;
    int overlap;
} cases[] = {
    {"edge shared", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 0,2 0,2 1,1 1,1 0))",
     0},
    {"vertex shared", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 1,2 1,2 2,1 2,1 1))",
     0},
    {"strip", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((0.5 0,2 0,2 1,0.5 1,0.5 0))",
     1},
    {"identical", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((0 0,1 0,1 1,0 1,0 0))", 1},
    /* The same square listed the other way round: every vertex and
     * midpoint on the other's boundary and no crossing. The exact test has
     * always called this touching; only byte-identical rings overlap. */
    {"reversed", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((0 0,0 1,1 1,1 0,0 0))", 0},
    {"inside", "POLYGON((0 0,3 0,3 3,0 3,0 0))", "POLYGON((1 1,2 1,2 2,1 2,1 1))", 1},
    {"enclave", "POLYGON((0 0,3 0,3 3,0 3,0 0),(1 1,1 2,2 2,2 1,1 1))",
     "POLYGON((1 1,2 1,2 2,1 2,1 1))", 0},
    {"island too big", "POLYGON((0 0,3 0,3 3,0 3,0 0),(1 1,1 2,2 2,2 1,1 1))",
     "POLYGON((0.9 0.9,2 0.9,2 2,0.9 2,0.9 0.9))", 1},
    {"in the hole, apart", "POLYGON((0 0,3 0,3 3,0 3,0 0),(1 1,1 2,2 2,2 1,1 1))",
     "POLYGON((1.2 1.2,1.8 1.2,1.8 1.8,1.2 1.8,1.2 1.2))", 0},
    {"in the hole, touching", "POLYGON((0 0,3 0,3 3,0 3,0 0),(1 1,1 2,2 2,2 1,1 1))",
     "POLYGON((1 1,1.8 1.2,1.8 1.8,1.2 1.8,1 1))", 0},
    {"T junction", "POLYGON((0 0,2 0,2 2,0 2,0 0))", "POLYGON((2 1,4 1,4 3,2 3,2 1))", 0},
    {"collinear overlap", "POLYGON((0 0,2 0,2 2,0 2,0 0))",
     "POLYGON((1 0,3 0,3 1,1 1,1 0))", 1},
    {"inside, edge shared", "POLYGON((0 0,3 0,3 3,0 3,0 0))",
     "POLYGON((0 0,1 0,1 1,0 1,0 0))", 1},
    {"notch", "POLYGON((0 0,2 0,2 1,1 1,1 2,0 2,0 0))", "POLYGON((1 1,2 1,2 2,1 2,1 1))",
     0},
    {"lobes", "MULTIPOLYGON(((0 0,1 1,0 2,0 0)),((1 1,2 0,2 2,1 1)))",
     "POLYGON((0.8 0.8,1.2 0.8,1.2 1.2,0.8 1.2,0.8 0.8))", 1},
    {"lobes, apart", "MULTIPOLYGON(((0 0,1 1,0 2,0 0)),((1 1,2 0,2 2,1 1)))",
     "POLYGON((0.9 2.5,1.1 2.5,1.1 3,0.9 3,0.9 2.5))", 0},
    {"cross", "POLYGON((1 0,2 0,2 3,1 3,1 0))", "POLYGON((0 1,3 1,3 2,0 2,0 1))", 1},
    {"comb", "POLYGON((0 0,4 0,4 1,3 1,3 3,2 3,2 1,1 1,1 3,0 3,0 0))",
     "POLYGON((0.5 2,3.5 2,3.5 4,0.5 4,0.5 2))", 1},
    {"sliver", "POLYGON((0 0,1 0,1 1,0 1,0 0))",
     "POLYGON((1 0,2 0,2 1,0.9999 1,1.0001 0.5,0.9999 0,1 0))", 1},
};

/* Degrees from the shapes' units. */
static OGRGeometryH place_case(const char *text)
{
    OGRGeometryH g = wkt(text);
    OGRGeometryH mp = OGR_G_ForceToMultiPolygon(g);
    for (int i = 0; i < OGR_G_GetGeometryCount(mp); i++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(mp, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
            OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
            for (int k = 0; k < OGR_G_GetPointCount(ring); k++)
                OGR_G_SetPoint_2D(ring, k, 103 + OGR_G_GetX(ring, k) * 1e-3,
                                  21 + OGR_G_GetY(ring, k) * 1e-3);
        }
    }
    return mp;
}

static void test_cases(void **state)
{
    (void)state;
    tally t = {0};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        OGRGeometryH a = place_case(cases[k].a), b = place_case(cases[k].b);
        dc_polygon pa = support_encode(a), pb = support_encode(b);
        int got = dc_polygons_overlap(&pa, &pb);
        if (got != cases[k].overlap)
            fail_msg("%s: overlap %d, expected %d", cases[k].name, got, cases[k].overlap);
        check_pair(a, b, &t, cases[k].name);
        check_pair(b, a, &t, cases[k].name);
        free((void *)pa.data);
        free((void *)pb.data);
        OGR_G_DestroyGeometry(a);
        OGR_G_DestroyGeometry(b);
    }
    print_message("cases: %zu pairs, %zu overlap, %zu measured, %zu left to GEOS\n",
                  t.pairs, t.overlaps, t.measured, t.declined);
}

/* ---- shapes with many vertices, built as text in the cases' units ---- */

typedef struct text {
    char buf[1 << 16];
    size_t n;
} text;

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->buf + t->n, sizeof t->buf - t->n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof t->buf - t->n);
    t->n += (size_t)k;
}

/* A ring of @p n points on a circle, anticlockwise unless @p clockwise,
 * closed, in parentheses. */
static void circle(text *t, double cx, double cy, double r, int n, bool clockwise)
{
    put(t, "(");
    for (int k = 0; k <= n; k++) {
        double a = 2 * M_PI * (k % n) / n * (clockwise ? -1 : 1);
        put(t, "%s%.6f %.6f", k ? "," : "", cx + r * cos(a), cy + r * sin(a));
    }
    put(t, ")");
}

/* A comb: a spine along y 0..1 under @p teeth teeth 0.5 wide and 5 high,
 * one ring of 4 * teeth + 4 points. */
static void comb(text *t, int teeth)
{
    put(t, "POLYGON((0 0,%d 0,%d 1", teeth, teeth);
    for (int i = teeth - 1; i >= 0; i--)
        put(t, ",%.1f 1,%.1f 6,%.1f 6,%.1f 1", i + 0.6, i + 0.6, i + 0.1, i + 0.1);
    put(t, ",0 1,0 0))");
}

/* A saw: its lower edge zigzags between y 3 and 4 in @p teeth teeth. */
static void saw(text *t, int teeth, double x0, double x1)
{
    put(t, "POLYGON((%.6f 3", x0);
    for (int i = 0; i < teeth; i++) {
        double w = (x1 - x0) / teeth;
        put(t, ",%.6f 4,%.6f 3", x0 + (i + 0.5) * w, x0 + (i + 1) * w);
    }
    put(t, ",%.6f 9,%.6f 9,%.6f 3))", x1, x0, x0);
}

/* A square 0..20 with a 3 x 3 grid of round holes, every other one
 * listed clockwise (the measure turns it), @p n points each. */
static void holed(text *t, int n)
{
    put(t, "POLYGON((0 0,20 0,20 20,0 20,0 0)");
    for (int i = 0; i < 9; i++) {
        put(t, ",");
        circle(t, 4 + 6 * (i % 3), 4 + 6 * (i / 3), 1.5, n, i % 2 == 1);
    }
    put(t, ")");
}

static void disc(text *t, double cx, double cy, double r, int n, bool clockwise)
{
    put(t, "POLYGON(");
    circle(t, cx, cy, r, n, clockwise);
    put(t, ")");
}

/* Five discs in a row, @p n points each, 6 apart. */
static void beads(text *t, int n)
{
    put(t, "MULTIPOLYGON(");
    for (int i = 0; i < 5; i++) {
        put(t, "%s(", i ? "," : "");
        circle(t, 3 + 6 * i, 3, 2.5, n, false);
        put(t, ")");
    }
    put(t, ")");
}

typedef struct shape_case {
    const char *name;
    text a, b;
    int overlap;
} shape_case;

static void check_shapes(shape_case *c, tally *t)
{
    OGRGeometryH a = place_case(c->a.buf), b = place_case(c->b.buf);
    dc_polygon pa = support_encode(a), pb = support_encode(b);
    int got = dc_polygons_overlap(&pa, &pb);
    if (got != c->overlap)
        fail_msg("%s: overlap %d, expected %d", c->name, got, c->overlap);
    check_pair(a, b, t, c->name);
    check_pair(b, a, t, c->name);
    if (!c->overlap) assert_true(geos_area(a, b) < 1e-18);
    free((void *)pa.data);
    free((void *)pb.data);
    OGR_G_DestroyGeometry(a);
    OGR_G_DestroyGeometry(b);
    memset(c, 0, sizeof *c);
}

/*
 * Shapes that stress the per-zone index: windows that cut a ring many
 * times (runs of edges entering and leaving), many holes listed either
 * way round, parts of a multipolygon on both sides of the other zone,
 * and zones of many vertices inside another's hole, apart or filling it.
 */
static void test_structures(void **state)
{
    (void)state;
    tally t = {0};
    shape_case *c = calloc(1, sizeof *c);
    assert_non_null(c);

    c->name = "comb under a box";
    comb(&c->a, 30);
    put(&c->b, "POLYGON((-1 3,31 3,31 8,-1 8,-1 3))");
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "comb under a saw";
    comb(&c->a, 30);
    saw(&c->b, 97, -1, 31);
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "comb beside a saw";
    comb(&c->a, 30);
    saw(&c->b, 97, 30, 40);
    c->overlap = 0;
    check_shapes(c, &t);

    c->name = "holes, a disc across them";
    holed(&c->a, 40);
    disc(&c->b, 10, 10, 7, 150, false);
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "holes, a clockwise disc across them";
    holed(&c->a, 40);
    disc(&c->b, 7, 8, 5, 150, true);
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "a disc inside a hole";
    put(&c->a, "POLYGON((0 0,20 0,20 20,0 20,0 0),");
    circle(&c->a, 10, 10, 5, 120, true);
    put(&c->a, ")");
    disc(&c->b, 10, 10, 4.5, 90, false);
    c->overlap = 0;
    check_shapes(c, &t);

    c->name = "a disc filling a hole";
    put(&c->a, "POLYGON((0 0,20 0,20 20,0 20,0 0),");
    circle(&c->a, 10, 10, 5, 120, false);
    put(&c->a, ")");
    disc(&c->b, 10, 10, 5, 120, false);
    c->overlap = 0;
    check_shapes(c, &t);

    c->name = "a disc too big for its hole";
    put(&c->a, "POLYGON((0 0,20 0,20 20,0 20,0 0),");
    circle(&c->a, 10, 10, 5, 120, false);
    put(&c->a, ")");
    disc(&c->b, 10.2, 10, 5, 120, false);
    c->overlap = 1;
    check_shapes(c, &t);

    /* Most of the disc's runs lie inside the window, clear of the box. */
    c->name = "a disc across a box's side";
    disc(&c->a, 10, 10, 5, 400, false);
    put(&c->b, "POLYGON((7 0,30 0,30 30,7 30,7 0))");
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "a clockwise disc across a box's side";
    disc(&c->a, 10, 10, 5, 400, true);
    put(&c->b, "POLYGON((7 0,7 30,30 30,30 0,7 0))");
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "beads across a bar";
    beads(&c->a, 60);
    put(&c->b, "POLYGON((4 1,22 1,22 2,4 2,4 1))");
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "beads, a bead inside a disc";
    beads(&c->a, 60);
    disc(&c->b, 15, 3, 2.8, 45, true);
    c->overlap = 1;
    check_shapes(c, &t);

    c->name = "beads, a disc between two";
    beads(&c->a, 60);
    disc(&c->b, 6, 3, 0.49, 45, false);
    c->overlap = 0;
    check_shapes(c, &t);

    free(c);
    print_message("structures: %zu pairs, %zu overlap, %zu measured, %zu left to GEOS\n",
                  t.pairs, t.overlaps, t.measured, t.declined);
    assert_true(t.measured >= 10);
}

/* A star polygon around (cx, cy) on a lattice of @p step degrees: few
 * distinct lattice points, so vertices and edges of two stars often
 * coincide. NULL when snapping made it invalid. */
static OGRGeometryH star(uint64_t *rng, double cx, double cy, double radius, double step,
                         int n)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    double start = support_uniform(rng) * 2 * M_PI;
    for (int k = 0; k < n; k++) {
        double angle = start + 2 * M_PI * (k + 0.8 * support_uniform(rng)) / n;
        double r = radius * (0.3 + 0.7 * support_uniform(rng));
        double x = cx + round(r * cos(angle) / step) * step;
        double y = cy + round(r * sin(angle) / step) * step;
        OGR_G_AddPoint_2D(ring, x, y);
    }
    OGR_G_CloseRings(ring);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
    OGR_G_AddGeometryDirectly(mp, poly);
    dc_polygon p = support_encode(mp);
    bool ok = p.size > 0 && OGR_G_IsValid(mp) && OGR_G_Area(mp) > 0;
    free((void *)p.data);
    if (!ok) OGR_G_DestroyGeometry(mp);
    return ok ? mp : NULL;
}

/* Random pairs: coarse lattices in decimal (e7 steps, as stored) and
 * binary steps (exact in doubles), few to many vertices. */
static void test_random_stars(void **state)
{
    (void)state;
    uint64_t rng = 42;
    const double steps[] = {1e-7 * 50, 1.0 / 65536 / 8, 1e-7};
    tally t = {0};
    for (int k = 0; k < 3000; k++) {
        double step = steps[k % 3];
        int n = 3 + (int)(support_rand(&rng) % (k % 7 == 0 ? 300 : 12));
        int m = 3 + (int)(support_rand(&rng) % (k % 5 == 0 ? 300 : 12));
        double r = step * (4 + (double)(support_rand(&rng) % 40));
        double cx = 103 + round(support_uniform(&rng) * r / step) * step;
        OGRGeometryH a = star(&rng, 103, 21, r, step, n);
        OGRGeometryH b =
            star(&rng, cx, 21 + step * (double)(support_rand(&rng) % 5), r, step, m);
        if (a && b) {
            char what[64];
            snprintf(what, sizeof what, "random pair %d", k);
            check_pair(a, b, &t, what);
        }
        OGR_G_DestroyGeometry(a);
        OGR_G_DestroyGeometry(b);
    }
    print_message("random: %zu pairs, %zu overlap, %zu measured, %zu left to GEOS\n",
                  t.pairs, t.overlaps, t.measured, t.declined);
    assert_true(t.pairs > 2000);
    assert_true(t.measured > t.overlaps / 2);
}

/* The whole pipeline on a fractal map: the pairs dc_overlaps_find reports
 * are the pairs the reference finds with GEOS measuring. */
static void test_fractal_map(void **state)
{
    (void)state;
    support_map_spec spec = {12, 30, 300, 0.01, 0.5, 7};
    OGRGeometryH zones[12];
    dc_polygon polygons[12];
    support_fractal_map(&spec, zones);
    for (size_t z = 0; z < spec.zones; z++)
        polygons[z] = support_encode(zones[z]);
    dc_overlap *found = NULL;
    size_t nfound = 0, k = 0, expected = 0;
    assert_int_equal(dc_overlaps_find(polygons, zones, spec.zones, 2, &found, &nfound),
                     DC_OK);
    tally t = {0};
    for (size_t i = 0; i < spec.zones; i++)
        for (size_t j = i + 1; j < spec.zones; j++) {
            char what[64];
            snprintf(what, sizeof what, "zones %zu and %zu", i, j);
            check_pair(zones[i], zones[j], &t, what);
            double g = ref_polygons_overlap(&polygons[i], &polygons[j])
                           ? geos_area(zones[i], zones[j])
                           : 0.0;
            if (g <= 0) continue;
            expected++;
            assert_true(k < nfound);
            assert_int_equal(found[k].i, i);
            assert_int_equal(found[k].j, j);
            assert_true(fabs(found[k].area_deg2 - g) <= AREA_REL * g + AREA_ABS);
            k++;
        }
    assert_int_equal(nfound, expected);
    assert_true(expected >= 15); /* every neighbour pair shares slivers */
    print_message("fractal: %zu pairs, %zu overlap, %zu measured, %zu left to GEOS\n",
                  t.pairs, t.overlaps, t.measured, t.declined);
    free(found);
    for (size_t z = 0; z < spec.zones; z++) {
        free((void *)polygons[z].data);
        OGR_G_DestroyGeometry(zones[z]);
    }
}

/* @p g with every ring's vertices in the other order. */
static OGRGeometryH reversed(OGRGeometryH g)
{
    OGRGeometryH r = OGR_G_Clone(g);
    for (int i = 0; i < OGR_G_GetGeometryCount(r); i++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(r, i);
        for (int k = 0; k < OGR_G_GetGeometryCount(poly); k++) {
            OGRGeometryH ring = OGR_G_GetGeometryRef(poly, k);
            int n = OGR_G_GetPointCount(ring);
            double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
            assert_non_null(x);
            assert_non_null(y);
            for (int v = 0; v < n; v++) {
                x[n - 1 - v] = OGR_G_GetX(ring, v);
                y[n - 1 - v] = OGR_G_GetY(ring, v);
            }
            OGR_G_SetPoints(ring, n, x, sizeof *x, y, sizeof *y, NULL, 0);
            free(x);
            free(y);
        }
    }
    return r;
}

/* The measure knows where most pieces lie from the piece before, along
 * each chain of edges (forwards, or backwards where a ring was turned
 * round), between borders digitised twice that cross every few metres:
 * GEOS's areas whichever way the rings run, either zone first. */
static void test_chains(void **state)
{
    (void)state;
    support_map_spec spec = {9, 100, 300, 0.01, 0.5, 5};
    OGRGeometryH zones[9], turned[9];
    support_fractal_map(&spec, zones);
    for (size_t z = 0; z < spec.zones; z++)
        turned[z] = reversed(zones[z]);
    tally t = {0};
    for (size_t i = 0; i < spec.zones; i++)
        for (size_t j = i + 1; j < spec.zones; j++) {
            char what[64];
            snprintf(what, sizeof what, "zones %zu and %zu", i, j);
            check_pair(zones[i], zones[j], &t, what);
            check_pair(turned[i], zones[j], &t, what);
            check_pair(zones[j], turned[i], &t, what);
            check_pair(turned[j], turned[i], &t, what);
        }
    print_message("chains: %zu pairs, %zu overlap, %zu measured, %zu left to GEOS\n",
                  t.pairs, t.overlaps, t.measured, t.declined);
    assert_true(t.measured >= 40); /* every neighbour pair shares slivers */
    for (size_t z = 0; z < spec.zones; z++) {
        OGR_G_DestroyGeometry(zones[z]);
        OGR_G_DestroyGeometry(turned[z]);
    }
}

/* Zones are loaded by the first thread to need one and freed after their
 * last pair: any number of threads finds the same pairs, areas bit for
 * bit, as one. */
static void test_threads(void **state)
{
    (void)state;
    support_map_spec spec = {40, 20, 200, 0.01, 0.5, 11};
    OGRGeometryH zones[40];
    dc_polygon polygons[40];
    support_fractal_map(&spec, zones);
    for (size_t z = 0; z < spec.zones; z++)
        polygons[z] = support_encode(zones[z]);
    dc_overlap *one = NULL, *many = NULL;
    size_t none = 0, nmany = 0;
    assert_int_equal(dc_overlaps_find(polygons, zones, spec.zones, 1, &one, &none),
                     DC_OK);
    assert_true(none >= 50);
    for (unsigned threads = 2; threads <= 8; threads *= 2) {
        assert_int_equal(
            dc_overlaps_find(polygons, zones, spec.zones, threads, &many, &nmany), DC_OK);
        assert_int_equal(nmany, none);
        assert_memory_equal(many, one, none * sizeof *one);
        free(many);
    }
    free(one);
    for (size_t z = 0; z < spec.zones; z++) {
        free((void *)polygons[z].data);
        OGR_G_DestroyGeometry(zones[z]);
    }
}

int main(void)
{
    CPLSetErrorHandler(CPLQuietErrorHandler); /* IsValid explains each invalid star */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),        cmocka_unit_test(test_structures),
        cmocka_unit_test(test_random_stars), cmocka_unit_test(test_fractal_map),
        cmocka_unit_test(test_threads),      cmocka_unit_test(test_chains),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroy();
    return failed;
}
