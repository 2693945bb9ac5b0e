/*
 * test_zonecells_holds - the build's answer to "does this zone hold the
 * household?" from the zone's sub-cells (dc_zonecells_holds), in the
 * sub-cells its edges touch as well as away from them.
 *
 * The zones are triangles whose answers are a linear inequality worked out
 * by hand: a point is inside when it is north and east of the legs and
 * south-west of the hypotenuse. Each case names the expected answer, -1
 * where the polygon test has to decide (the point on an edge, the segment
 * to the sub-cell's centre through a vertex).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>

#include "index_fixture.h"
#include "index_internal.h"
#include "zonecells.h"

/* On sub-cell lines: sub-cell row 44550, column 113200. */
#define LAT0 213750000
#define LON0 1030000000

/* Zone 10000: legs along offsets lat 1000 and lon 1000, the hypotenuse on
 * offsets lat + lon = 101000. No sub-cell centre (offsets 12500 + 25000 k)
 * is on an edge: a centre's offsets sum to a multiple of 25000. Zone
 * 10001: legs along offsets lat 200000 and lon 300000, the hypotenuse on
 * offsets lat = lon, through the centres of the sub-cells it crosses. */
typedef struct holds_case {
    uint32_t postcode;
    int32_t dlat, dlon; /* from (LAT0, LON0) */
    int want;
} holds_case;

static const holds_case cases[] = {
    /* zone 10000, sub-cells its hypotenuse crosses */
    {10000, 50000, 50999, 1},
    {10000, 50000, 51001, 0},
    {10000, 30123, 70000, 1},
    {10000, 30123, 71000, 0},
    {10000, 74999, 26000, 1},
    {10000, 74999, 26002, 0},
    {10000, 99000, 1999, 1},
    {10000, 99000, 2001, 0},
    {10000, 50000, 51000, -1}, /* on the hypotenuse */
    /* zone 10000, sub-cells its legs cross */
    {10000, 1001, 5000, 1},
    {10000, 999, 5000, 0},
    {10000, 5000, 1001, 1},
    {10000, 5000, 999, 0},
    {10000, 1000, 5000, -1},  /* on a leg */
    {10000, 1000, 1000, -1},  /* on the corner */
    {10000, 12500, 1000, -1}, /* on a leg, level with the centre */
    /* zone 10000, sub-cells no edge touches */
    {10000, 37500, 37500, 1},
    {10000, 30000, 40000, 1},
    {10000, 90000, 90000, 0},
    {10000, 130000, 10000, 0},
    /* zone 10001: centres on the hypotenuse, so its border sub-cells
     * there are the polygon test's; not its legs' sub-cells */
    {10001, 230000, 230500, -1},
    {10001, 230500, 230000, -1},
    {10001, 200001, 240000, 1},
    {10001, 199999, 240000, 0},
    {10001, 250000, 299001, 1},
    {10001, 250000, 300001, 0},
};

/* Zone 10000: the right angle at offset (c, c), legs of length @p len. */
static dc_polygon triangle(fx_poly *p, int32_t c, int32_t len)
{
    const int32_t pts[3][2] = {
        {LAT0 + c, LON0 + c}, {LAT0 + c, LON0 + c + len}, {LAT0 + c + len, LON0 + c}};
    fx_poly_begin(p);
    fx_poly_ring(p, 0, 3, pts);
    return fx_poly_get(p);
}

/* Zone 10001: the right angle south-east, inside where lat < lon. */
static dc_polygon mirrored(fx_poly *p)
{
    const int32_t pts[3][2] = {{LAT0 + 200000, LON0 + 200000},
                               {LAT0 + 200000, LON0 + 300000},
                               {LAT0 + 300000, LON0 + 300000}};
    fx_poly_begin(p);
    fx_poly_ring(p, 0, 3, pts);
    return fx_poly_get(p);
}

static void test_cases(void **state)
{
    (void)state;
    fx_poly polys[2];
    dc_zc_zone zones[2] = {{10000, triangle(&polys[0], 1000, 99000)},
                           {10001, mirrored(&polys[1])}};
    dc_zonecells *zc;
    assert_int_equal(dc_zonecells_prepare(zones, 2, &zc), DC_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const holds_case *c = &cases[i];
        int32_t lat = LAT0 + c->dlat, lon = LON0 + c->dlon;
        int got = dc_zonecells_holds(zc, c->postcode, lat, lon);
        if (got != c->want)
            fail_msg("case %zu: zone %05u at +%d, +%d: %d, want %d", i, c->postcode,
                     c->dlat, c->dlon, got, c->want);
        if (got >= 0) /* and the polygon test agrees */
            assert_int_equal(got, (int)dc_polygon_contains(
                                      &zones[c->postcode - 10000].polygon, lat, lon));
    }
    assert_int_equal(dc_zonecells_holds(zc, 10002, LAT0 + 37500, LON0 + 37500), -1);
    dc_zonecells_free(zc);
}

/* Every point of a lattice over zone 10000's border sub-cells off its
 * edges and off the lines through its vertices is decided, as the
 * inequality says. */
static void test_lattice(void **state)
{
    (void)state;
    fx_poly poly;
    dc_zc_zone zone = {10000, triangle(&poly, 1000, 99000)};
    dc_zonecells *zc;
    assert_int_equal(dc_zonecells_prepare(&zone, 1, &zc), DC_OK);
    unsigned decided = 0;
    for (int32_t dlat = 7; dlat < 125000; dlat += 311)
        for (int32_t dlon = 3; dlon < 125000; dlon += 293) {
            int64_t sum = (int64_t)dlat + dlon;
            if (dlat == 1000 || dlon == 1000 || sum == 101000) continue;
            int want = dlat > 1000 && dlon > 1000 && sum < 101000;
            int got = dc_zonecells_holds(zc, 10000, LAT0 + dlat, LON0 + dlon);
            if (got < 0) continue; /* through a vertex: rare, checked below */
            if (got != want) fail_msg("+%d, +%d: %d, want %d", dlat, dlon, got, want);
            decided++;
        }
    /* 402 x 427 points; left to the polygon test only those whose segment
     * to their centre is on a line through a vertex (2 of them). */
    printf("lattice: %u of %u points decided by their sub-cell\n", decided, 402u * 427u);
    assert_true(decided >= 402u * 427u - 100u);
    dc_zonecells_free(zc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_lattice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
