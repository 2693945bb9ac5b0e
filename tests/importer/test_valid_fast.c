/*
 * test_valid_fast.c - the quick proof of a zone's validity
 * (importer/src/valid_fast.c) against GEOS's check (OGR_G_IsValid): it
 * must never prove a polygon GEOS calls invalid, and should prove the
 * usual valid ones. Cases written out (crossings, touches, spikes, holes
 * out of place, parts overlapping or nested), then random polygons: star
 * shapes of 3 to 5,000 vertices (valid, some with a hole), and the same
 * with vertices shuffled (mostly self-crossing).
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

#include <ogr_api.h>

#include "valid_fast.h"

static OGRGeometryH from_wkt(const char *wkt)
{
    OGRGeometryH g = NULL;
    char *text = (char *)wkt;
    assert_int_equal(OGR_G_CreateFromWkt(&text, NULL, &g), OGRERR_NONE);
    return g;
}

static void test_cases(void **state)
{
    (void)state;
    static const struct {
        const char *wkt;
        bool proven, geos;
    } cases[] = {
        {"POLYGON((0 0,4 0,4 4,0 4,0 0))", true, true},
        {"POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,1 2,2 2,2 1,1 1))", true, true},
        {"POLYGON((0 0,1 0,2 0,2 2,0 2,0 0))", true, true}, /* collinear, going on */
        {"POLYGON((0 0,1 1,1 0,0 1,0 0))", false, false},   /* a bowtie */
        {"POLYGON((0 0,2 0,1 1,2 2,0 2,1 1,0 0))", false, false},     /* touches itself */
        {"POLYGON((0 0,2 0,2 2,1 2,1 3,1 2,0 2,0 0))", false, false}, /* a spike */
        {"POLYGON((0 0,4 0,4 4,0 4,0 0),(0 0,1 2,2 1,0 0))", false,
         true}, /* hole at a corner */
        {"POLYGON((0 0,4 0,4 4,0 4,0 0),(5 5,5 6,6 6,6 5,5 5))", false,
         false}, /* hole out */
        {"POLYGON((0 0,9 0,9 9,0 9,0 0),(1 1,1 8,8 8,8 1,1 1),(2 2,2 3,3 3,3 2,2 2))",
         false, false}, /* a hole in a hole */
        {"POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,1 2,2 2,2 1,1 1),(1.5 1.5,1.5 3,3 3,3 "
         "1.5,1.5 1.5))",
         false, false}, /* holes crossing */
        {"MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((2 0,3 0,3 1,2 1,2 0)))", true, true},
        {"MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((1 1,3 1,3 3,1 3,1 1)))", false, false},
        {"MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((2 0,3 0,3 1,2 1,2 0)))", false, false},
        {"MULTIPOLYGON(((0 0,9 0,9 9,0 9,0 0),(1 1,1 8,8 8,8 1,1 1)),((2 2,3 2,3 3,2 3,2 "
         "2)))",
         false, true}, /* an island in a lake: GEOS's to tell */
        {"MULTIPOLYGON(((0 0,9 0,9 9,0 9,0 0)),((2 2,3 2,3 3,2 3,2 2)))", false, false},
        {"POLYGON((0 0,4 0,4 0,4 4,0 4,0 0))", false, true}, /* a repeated point */
        {"POLYGON((0 0,1 0,0 0,0 0))", false, false},
        /* an upright run folding back on itself, inside one chain */
        {"POLYGON((0 0,2 0,2 2,2 1,3 3,0 3,0 0))", false, false},
        /* an upright run going on, inside one chain */
        {"POLYGON((0 0,2 0,2 1,2 2,2 3,0 3,0 0))", true, true},
        /* a vertex on an upright edge of another chain, where their
         * x-ranges only touch; then mirrored, read from the last edge */
        {"POLYGON((0 0,4 0,4 4,0 4,0 3,4 2,0 1,0 0))", false, false},
        {"POLYGON((0 0,-4 0,-4 4,0 4,0 3,-4 2,0 1,0 0))", false, false},
        /* the same vertex short of the edge */
        {"POLYGON((0 0,4 0,4 4,0 4,0 3,3.5 2,0 1,0 0))", true, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        OGRGeometryH g = from_wkt(cases[i].wkt);
        bool proven = dc_polygon_proven_valid(g), geos = OGR_G_IsValid(g);
        if (proven != cases[i].proven || geos != cases[i].geos)
            fail_msg("%s: proven %d (want %d), GEOS %d (want %d)", cases[i].wkt, proven,
                     cases[i].proven, geos, cases[i].geos);
        OGR_G_DestroyGeometry(g);
    }
    assert_false(dc_polygon_proven_valid(NULL));
    OGRGeometryH pt = from_wkt("POINT(1 2)");
    assert_false(dc_polygon_proven_valid(pt));
    OGR_G_DestroyGeometry(pt);
}

static double rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* A star-shaped ring of @p n vertices round (cx, cy), radii in [r/2, r]:
 * simple. */
static OGRGeometryH star_ring(uint64_t *s, int n, double cx, double cy, double r)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    double first_x = 0, first_y = 0;
    for (int i = 0; i < n; i++) {
        double a = 2 * M_PI * (i + 0.5 * rnd(s)) / n, rr = r * (0.5 + 0.5 * rnd(s));
        double x = cx + rr * cos(a), y = cy + rr * sin(a);
        if (i == 0) first_x = x, first_y = y;
        OGR_G_AddPoint_2D(ring, x, y);
    }
    OGR_G_AddPoint_2D(ring, first_x, first_y);
    return ring;
}

static void test_random(void **state)
{
    (void)state;
    uint64_t s = 42;
    int proven_valid = 0, valid = 0, shuffled = 0, shuffled_valid = 0;
    for (int k = 0; k < 1500; k++) {
        int n = 3 + (int)(rnd(&s) * (k % 10 == 0 ? 5000 : 200));
        /* a zone near Điện Biên Phủ, in degrees */
        double cx = 103.0 + rnd(&s), cy = 21.0 + rnd(&s), r = 0.01 + 0.05 * rnd(&s);
        OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
        OGRGeometryH ring = star_ring(&s, n, cx, cy, r);
        if (k % 3 == 1) { /* shuffle a few vertices: mostly self-crossing */
            int m = OGR_G_GetPointCount(ring) - 1;
            for (int t = 0; t < 3; t++) {
                int i = (int)(rnd(&s) * m), j = (int)(rnd(&s) * m);
                double xi = OGR_G_GetX(ring, i), yi = OGR_G_GetY(ring, i);
                OGR_G_SetPoint_2D(ring, i, OGR_G_GetX(ring, j), OGR_G_GetY(ring, j));
                OGR_G_SetPoint_2D(ring, j, xi, yi);
            }
            OGR_G_SetPoint_2D(ring, m, OGR_G_GetX(ring, 0), OGR_G_GetY(ring, 0));
            shuffled++;
        }
        OGR_G_AddGeometryDirectly(poly, ring);
        /* a hole round the centre: with 12 vertices or more, the shell's
         * edges keep over 0.46 r from it, the hole within r / 3 */
        if (k % 4 == 0 && n >= 12)
            OGR_G_AddGeometryDirectly(poly, star_ring(&s, 3 + k % 50, cx, cy, r / 3));
        bool proven = dc_polygon_proven_valid(poly), geos = OGR_G_IsValid(poly);
        if (proven && !geos) {
            char *wkt = NULL;
            OGR_G_ExportToWkt(poly, &wkt);
            fail_msg("proven valid, but GEOS says not: %.300s", wkt);
        }
        if (k % 3 == 1) {
            shuffled_valid += geos;
        } else {
            assert_true(geos); /* star shapes are simple */
            valid++;
            proven_valid += proven;
        }
        OGR_G_DestroyGeometry(poly);
    }
    printf("proven %d of %d valid star shapes; %d of %d shuffled were valid\n",
           proven_valid, valid, shuffled_valid, shuffled);
    assert_int_equal(proven_valid, valid);
}

/* A band along the diagonal of its box, 2 * @p n edges, @p bump raising
 * one vertex of its lower side that far: the edges lie along a thin line
 * through the box, as a zone's border does, so that most cells of the
 * proof's grid are empty and those the band crosses are small. */
static OGRGeometryH diagonal_band(int n, double bump)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i <= n; i++)
        OGR_G_AddPoint_2D(ring, 103.0 + i * 1e-3,
                          21.0 + i * 1e-3 + 2e-4 * sin(i) + (i == n / 2 ? bump : 0));
    for (int i = n; i >= 0; i--)
        OGR_G_AddPoint_2D(ring, 103.0 + i * 1e-3 + 1e-4,
                          21.0 + i * 1e-3 + 5e-4 + 2e-4 * cos(1.3 * i));
    OGR_G_AddPoint_2D(ring, 103.0, 21.0 + 2e-4 * sin(0));
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

/* A staircase of @p steps steps up and right, its top stepped right and
 * down to below its foot: one long run of the ring along which x never
 * turns back (cut into several chains). When @p touch is not negative,
 * the tread of that step first goes up to the next step's corner and
 * back: the ring touches itself there. */
static OGRGeometryH staircase(int steps, int touch)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i < steps; i++) {
        OGR_G_AddPoint_2D(ring, i, i);
        OGR_G_AddPoint_2D(ring, i + 1, i);
        if (i != touch) continue;
        OGR_G_AddPoint_2D(ring, i + 2, i + 1);
        OGR_G_AddPoint_2D(ring, i + 1, i + 0.5);
    }
    OGR_G_AddPoint_2D(ring, steps, steps);
    OGR_G_AddPoint_2D(ring, steps + 1, steps);
    OGR_G_AddPoint_2D(ring, steps + 1, -1);
    OGR_G_AddPoint_2D(ring, 0, -1);
    OGR_G_AddPoint_2D(ring, 0, 0);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

static void test_long_chains(void **state)
{
    (void)state;
    OGRGeometryH valid = staircase(200, -1);
    assert_true(OGR_G_IsValid(valid));
    assert_true(dc_polygon_proven_valid(valid));
    OGR_G_DestroyGeometry(valid);
    for (int touch = 0; touch < 199; touch += 37) {
        OGRGeometryH bad = staircase(200, touch);
        assert_false(OGR_G_IsValid(bad));
        assert_false(dc_polygon_proven_valid(bad));
        OGR_G_DestroyGeometry(bad);
    }
}

static void test_thin_border(void **state)
{
    (void)state;
    OGRGeometryH valid = diagonal_band(2000, 0);
    assert_true(OGR_G_IsValid(valid));
    assert_true(dc_polygon_proven_valid(valid));
    /* one vertex of the lower side pushed through the upper side: its two
     * edges cross edges 2,000 places away along the ring, in one cell */
    OGRGeometryH crossing = diagonal_band(2000, 2e-3);
    assert_false(OGR_G_IsValid(crossing));
    assert_false(dc_polygon_proven_valid(crossing));
    OGR_G_DestroyGeometry(valid);
    OGR_G_DestroyGeometry(crossing);
}

int main(void)
{
    OGRRegisterAll();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_thin_border),
        cmocka_unit_test(test_long_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
