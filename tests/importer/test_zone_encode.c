/*
 * test_zone_encode.c - a zone's polygons as the index stores them
 * (importer/src/zone_encode.h, docs/FORMAT.md "zones"): bytes written out
 * by hand for small cases (repeated and closing points dropped, rounding
 * half away from zero at 1e-7 degree, a ring degenerated with its holes
 * dropped), then random rings against a plain encoder written here from
 * the format (libm's llround, OGR's vertices one by one), through both
 * entries: the geometry, and its rings read once (dc_zone_rings).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>

#include "diachi/index.h"
#include "zone_encode.h"

static OGRGeometryH from_wkt(const char *wkt)
{
    OGRGeometryH g = NULL;
    char *text = (char *)wkt;
    assert_int_equal(OGR_G_CreateFromWkt(&text, NULL, &g), OGRERR_NONE);
    return g;
}

/* The plain encoder: the format as FORMAT.md states it. */
static void put(uint8_t *out, size_t *n, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        out[(*n)++] = (uint8_t)(v >> (8 * i));
}

static size_t plain_encode(OGRGeometryH mp, uint8_t *out)
{
    size_t n = 4;
    uint32_t nrings = 0;
    for (int i = 0; i < OGR_G_GetGeometryCount(mp); i++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(mp, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
            OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
            size_t header = n;
            uint32_t k = 0;
            int32_t lat0 = 0, lon0 = 0, plat = 0, plon = 0;
            n += 4;
            for (int v = 0; v < OGR_G_GetPointCount(ring); v++) {
                int32_t lat = (int32_t)llround(OGR_G_GetY(ring, v) * 1e7);
                int32_t lon = (int32_t)llround(OGR_G_GetX(ring, v) * 1e7);
                if (k > 0 && lat == plat && lon == plon) continue;
                if (k++ == 0) lat0 = lat, lon0 = lon;
                put(out, &n, (uint32_t)lat);
                put(out, &n, (uint32_t)lon);
                plat = lat, plon = lon;
            }
            if (k > 1 && plat == lat0 && plon == lon0) k--, n -= 8;
            if (k < 3) {
                n = header;
                if (r == 0) break;
                continue;
            }
            size_t at = header;
            put(out, &at, k | (r ? DC_RING_HOLE : 0));
            nrings++;
        }
    }
    size_t at = 0;
    put(out, &at, nrings);
    return nrings ? n : 0;
}

/* Both entries give @p mp's plain encoding. */
static void check_encoding(OGRGeometryH mp)
{
    size_t cap = 4;
    for (int i = 0; i < OGR_G_GetGeometryCount(mp); i++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(mp, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++)
            cap += 4 + 8 * (size_t)OGR_G_GetPointCount(OGR_G_GetGeometryRef(poly, r));
    }
    uint8_t *want = malloc(cap);
    assert_non_null(want);
    size_t nwant = plain_encode(mp, want);
    dc_blob b = {0};
    dc_zone_bbox bb;
    assert_int_equal(dc_zone_encode(mp, &b, &bb), 0);
    assert_int_equal(b.size, nwant);
    assert_memory_equal(b.data, want, nwant);
    if (nwant) {
        dc_polygon p = {b.data, b.size};
        dc_zone_bbox box;
        dc_polygon_bbox(&p, &box.south, &box.west, &box.north, &box.east);
        assert_memory_equal(&bb, &box, sizeof bb);
    }
    dc_zone_rings zr = {0};
    dc_blob b2 = {0};
    assert_int_equal(dc_zone_rings_read(&zr, mp), 0);
    assert_int_equal(dc_zone_encode_rings(&zr, &b2, &bb), 0);
    assert_int_equal(b2.size, nwant);
    assert_memory_equal(b2.data, want, nwant);
    dc_zone_rings_free(&zr);
    free(b.data);
    free(b2.data);
    free(want);
}

static void test_written_out(void **state)
{
    (void)state;
    /* 0.00000005 is a tie at 1e-7: away from zero, 1 and -1. The second
     * point repeats the first once rounded. */
    OGRGeometryH g = from_wkt("MULTIPOLYGON (((0.00000005 -0.00000005,0.00000006 "
                              "-0.00000006,1 0,1 1,0.00000005 -0.00000005)))");
    dc_blob b = {0};
    dc_zone_bbox bb;
    assert_int_equal(dc_zone_encode(g, &b, &bb), 0);
    const uint32_t want[] = {1, 3, (uint32_t)-1, 1, 0, 10000000, 10000000, 10000000};
    assert_int_equal(b.size, sizeof want);
    for (size_t i = 0; i < 8; i++) {
        uint32_t v = 0;
        for (int k = 0; k < 4; k++)
            v |= (uint32_t)b.data[4 * i + (size_t)k] << (8 * k);
        assert_int_equal(v, want[i]);
    }
    assert_int_equal(bb.south, -1);
    assert_int_equal(bb.west, 1);
    assert_int_equal(bb.north, 10000000);
    assert_int_equal(bb.east, 10000000);
    free(b.data);
    check_encoding(g);
    OGR_G_DestroyGeometry(g);

    /* A polygon degenerated below 3 points, its hole dropped with it; the
     * next part kept. */
    g = from_wkt("MULTIPOLYGON (((0 0,0.00000001 0,0 0.00000001,0 0),"
                 "(0 0,0.000000001 0,0 0.000000001,0 0)),"
                 "((2 2,3 2,3 3,2 2),(2.2 2.1,2.8 2.1,2.8 2.7,2.2 2.1)))");
    check_encoding(g);
    OGR_G_DestroyGeometry(g);
    /* Every ring degenerated: an empty blob. */
    g = from_wkt("MULTIPOLYGON (((0 0,0.00000001 0,0 0,0 0)))");
    b = (dc_blob){0};
    assert_int_equal(dc_zone_encode(g, &b, &bb), 0);
    assert_int_equal(b.size, 0);
    free(b.data);
    check_encoding(g);
    OGR_G_DestroyGeometry(g);
}

static double rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Random rings of up to 20,000 vertices (a few such) near Vietnam, some points
 * repeated or a half unit of 1e-7 degree apart, some rings tiny. */
static void test_random(void **state)
{
    (void)state;
    uint64_t s = 17;
    for (int t = 0; t < 100; t++) {
        OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
        int parts = 1 + (int)(rnd(&s) * 3);
        for (int k = 0; k < parts; k++) {
            OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
            int rings = 1 + (int)(rnd(&s) * 3);
            for (int r = 0; r < rings; r++) {
                OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
                int n = (int)(rnd(&s) * (t % 25 == 0 ? 20000 : 50));
                double lon = 102 + rnd(&s) * 7, lat = 8 + rnd(&s) * 15;
                double step = rnd(&s) < 0.3 ? 5e-8 : 1e-4;
                for (int v = 0; v < n; v++) {
                    if (rnd(&s) < 0.8) {
                        lon += (rnd(&s) - 0.5) * step;
                        lat += (rnd(&s) - 0.5) * step;
                    }
                    OGR_G_AddPoint_2D(ring, lon, lat);
                }
                if (n > 0)
                    OGR_G_AddPoint_2D(ring, OGR_G_GetX(ring, 0), OGR_G_GetY(ring, 0));
                OGR_G_AddGeometryDirectly(poly, ring);
            }
            OGR_G_AddGeometryDirectly(mp, poly);
        }
        check_encoding(mp);
        OGR_G_DestroyGeometry(mp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_out),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
