/* test_polygon.c - dc_polygon_validate, dc_polygon_bbox, dc_polygon_contains,
 * dc_polygon_far_vertex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "index_fixture.h"
#include "index_internal.h"

/* Two unit squares side by side (west 0..10, east 10..20), a square north
 * of the west one, a square with a hole, and a two-part polygon. */
enum shape { WEST, EAST, NORTH, HOLED, TWO_PARTS, NSHAPES };
static fx_poly shapes[NSHAPES];

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < NSHAPES; i++)
        fx_poly_begin(&shapes[i]);
    fx_poly_rect(&shapes[WEST], 0, 0, 0, 10, 10);
    fx_poly_rect(&shapes[EAST], 0, 0, 10, 10, 20);
    fx_poly_rect(&shapes[NORTH], 0, 10, 0, 20, 10);
    fx_poly_rect(&shapes[HOLED], 0, 100, 100, 200, 200);
    fx_poly_rect(&shapes[HOLED], 1, 140, 140, 160, 160);
    fx_poly_rect(&shapes[TWO_PARTS], 0, 0, 100, 10, 110);
    fx_poly_rect(&shapes[TWO_PARTS], 0, 0, 200, 10, 210);
    return 0;
}

typedef struct point_case {
    int32_t lat, lon;
    int in[NSHAPES]; /* WEST, EAST, NORTH, HOLED, TWO_PARTS */
} point_case;

static const point_case cases[] = {
    {5, 5, {1, 0, 0, 0, 0}},   /* inside the west square */
    {5, 15, {0, 1, 0, 0, 0}},  /* inside the east square */
    {5, 10, {0, 1, 0, 0, 0}},  /* on the shared edge: the east one */
    {0, 10, {0, 1, 0, 0, 0}},  /* shared vertex on the south boundary */
    {10, 10, {0, 0, 0, 0, 0}}, /* corner of three: east of NORTH, north of EAST */
    {10, 5, {0, 0, 1, 0, 0}},  /* WEST/NORTH shared edge: the north one */
    {10, 9, {0, 0, 1, 0, 0}},
    {0, 5, {1, 0, 0, 0, 0}},  /* south edge: its north side is inside */
    {5, 0, {1, 0, 0, 0, 0}},  /* west edge: its east side is inside */
    {5, 20, {0, 0, 0, 0, 0}}, /* east edge of EAST: outside */
    {20, 5, {0, 0, 0, 0, 0}}, /* north edge of NORTH: outside */
    {-1, 5, {0, 0, 0, 0, 0}},
    {150, 150, {0, 0, 0, 0, 0}}, /* in the hole */
    {120, 120, {0, 0, 0, 1, 0}}, /* between hole and exterior */
    {140, 150, {0, 0, 0, 0, 0}}, /* the hole's south edge: north side is the hole */
    {160, 150, {0, 0, 0, 1, 0}}, /* the hole's north edge */
    {150, 140, {0, 0, 0, 0, 0}}, /* the hole's west edge: east side is the hole */
    {150, 160, {0, 0, 0, 1, 0}}, /* the hole's east edge */
    {5, 105, {0, 0, 0, 0, 1}},   /* first part */
    {5, 205, {0, 0, 0, 0, 1}},   /* second part */
    {5, 150, {0, 0, 0, 0, 0}},   /* between the parts */
    {INT32_MAX, INT32_MAX, {0, 0, 0, 0, 0}},
    {INT32_MIN, INT32_MIN, {0, 0, 0, 0, 0}},
};

static void test_contains_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int s = 0; s < NSHAPES; s++) {
            dc_polygon p = fx_poly_get(&shapes[s]);
            bool got = dc_polygon_contains(&p, cases[i].lat, cases[i].lon);
            if (got != (bool)cases[i].in[s])
                fail_msg("point %d,%d shape %d: got %d", cases[i].lat, cases[i].lon, s,
                         got);
        }
}

/* Every point of a grid over the three tiles lies in exactly one of them,
 * or none (outside the union). */
static void test_tiles_partition(void **state)
{
    (void)state;
    dc_polygon w = fx_poly_get(&shapes[WEST]), e = fx_poly_get(&shapes[EAST]),
               n = fx_poly_get(&shapes[NORTH]);
    for (int32_t lat = -2; lat <= 22; lat++)
        for (int32_t lon = -2; lon <= 22; lon++) {
            int count = dc_polygon_contains(&w, lat, lon) +
                        dc_polygon_contains(&e, lat, lon) +
                        dc_polygon_contains(&n, lat, lon);
            int inside = (lat >= 0 && lat < 10 && lon >= 0 && lon < 20) ||
                         (lat >= 10 && lat < 20 && lon >= 0 && lon < 10);
            assert_int_equal(count, inside);
        }
}

/* A triangle with sloping edges, at real coordinates: crossing longitudes
 * fall between integers, so the comparison must be exact. */
static void test_sloped_edges(void **state)
{
    (void)state;
    static const int32_t tri[3][2] = {
        {213800000, 1030000000}, {213800000, 1030100000}, {213900000, 1030000000}};
    fx_poly p;
    fx_poly_begin(&p);
    fx_poly_ring(&p, 0, 3, tri);
    dc_polygon g = fx_poly_get(&p);
    /* the hypotenuse: lat - 213800000 + lon - 1030000000 = 100000 */
    assert_false(dc_polygon_contains(&g, 213850000, 1030050000)); /* on it: east is out */
    assert_true(dc_polygon_contains(&g, 213850000, 1030049999));
    assert_false(dc_polygon_contains(&g, 213850001, 1030050000));
    assert_true(dc_polygon_contains(&g, 213849999, 1030050000));
}

static void test_validate(void **state)
{
    (void)state;
    static const int32_t two[2][2] = {{0, 0}, {1, 1}};
    fx_poly p;
    dc_polygon g;
    for (int i = 0; i < NSHAPES; i++) {
        g = fx_poly_get(&shapes[i]);
        assert_int_equal(dc_polygon_validate(&g), DC_OK);
    }
    g = fx_poly_get(&shapes[WEST]);
    g.size -= 1; /* truncated */
    assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
    g.size += 2; /* trailing byte */
    assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
    fx_poly_begin(&p); /* no rings */
    g = fx_poly_get(&p);
    assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
    fx_poly_ring(&p, 0, 2, two); /* too few points */
    g = fx_poly_get(&p);
    assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
    fx_poly_begin(&p); /* starts with a hole */
    fx_poly_rect(&p, 1, 0, 0, 10, 10);
    g = fx_poly_get(&p);
    assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
    fx_poly_begin(&p); /* a latitude past the pole */
    fx_poly_rect(&p, 0, 0, 0, 900000001, 10);
    g = fx_poly_get(&p);
    assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
    const int32_t off[3][4] = {/* south of the pole, west and east of 180 degrees */
                               {-900000001, 0, 10, 10},
                               {0, -1800000001, 10, 10},
                               {0, 0, 10, 1800000001}};
    for (int i = 0; i < 3; i++) {
        fx_poly_begin(&p);
        fx_poly_rect(&p, 0, 0, 0, 10, 10); /* the part off the globe comes second */
        fx_poly_rect(&p, 0, off[i][0], off[i][1], off[i][2], off[i][3]);
        g = fx_poly_get(&p);
        assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
    }
    fx_poly_begin(&p); /* the globe's corners are on it */
    fx_poly_rect(&p, 0, -900000000, -1800000000, 900000000, 1800000000);
    g = fx_poly_get(&p);
    assert_int_equal(dc_polygon_validate(&g), DC_OK);
    g = (dc_polygon){NULL, 0};
    assert_int_equal(dc_polygon_validate(&g), DC_E_INDEX_CORRUPT);
}

/* The first vertex, in ring order, over 0.4 degrees from the reference. */
static void test_far_vertex(void **state)
{
    (void)state;
    static const int32_t ring[4][2] = {{210000000, 1050000000},
                                       {210000000, 1053000000},
                                       {215500000, 1053000000},
                                       {216000000, 1050000000}};
    static const struct {
        int32_t ref_lat, ref_lon;
        bool far;
        int32_t lat, lon;
    } far_cases[] = {
        {213000000, 1051500000, false, 0, 0},                 /* all within */
        {211000000, 1051000000, true, 215500000, 1053000000}, /* 0.45 north */
        {213000000, 1054200000, true, 210000000, 1050000000}, /* 0.42 west */
        {215000000, 1051500000, true, 210000000, 1050000000}, /* 0.5 south */
        {213000000, 1048800000, true, 210000000, 1053000000}, /* 0.42 east */
    };
    fx_poly p;
    fx_poly_begin(&p);
    fx_poly_ring(&p, 0, 4, ring);
    dc_polygon g = fx_poly_get(&p);
    for (size_t i = 0; i < sizeof far_cases / sizeof far_cases[0]; i++) {
        int32_t lat = -1, lon = -1;
        bool far = dc_polygon_far_vertex(&g, far_cases[i].ref_lat, far_cases[i].ref_lon,
                                         &lat, &lon);
        assert_int_equal(far, far_cases[i].far);
        if (!far) continue;
        assert_int_equal(lat, far_cases[i].lat);
        assert_int_equal(lon, far_cases[i].lon);
    }
}

static void test_bbox(void **state)
{
    (void)state;
    int32_t s, w, n, e;
    dc_polygon g = fx_poly_get(&shapes[TWO_PARTS]);
    dc_polygon_bbox(&g, &s, &w, &n, &e);
    assert_int_equal(s, 0);
    assert_int_equal(w, 100);
    assert_int_equal(n, 10);
    assert_int_equal(e, 210);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contains_table), cmocka_unit_test(test_tiles_partition),
        cmocka_unit_test(test_sloped_edges),   cmocka_unit_test(test_validate),
        cmocka_unit_test(test_bbox),           cmocka_unit_test(test_far_vertex),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
