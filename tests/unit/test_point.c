/*
 * test_point.c - dc_geo_point_parse: points as people copy them, as a
 * table of inputs and the exact latitude and longitude they give, or the
 * exact error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diachi/geocoder.h"

#define DC_BYTES(s) (s), (sizeof(s) - 1)

typedef struct dc_point_case {
    const char *text;
    size_t len;
    dc_err want;
    double lat, lon;     /* on success */
    const char *message; /* on failure, when non-NULL: the exact message */
} dc_point_case;

#define DC_HINT                                                                          \
    "(give latitude and longitude: 21.3862, 103.0179 or 21°23'10.3\"N 103°1'4.4\"E)"

static const dc_point_case dc_point_cases[] = {
    {DC_BYTES("21.39,103.02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("21.39, 103.02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("21.39 103.02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("  21.3862,\t103.0179 \r\n"), DC_OK, 21.3862, 103.0179, NULL},
    {DC_BYTES("21.39;103.02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("-33.8688, 151.2093"), DC_OK, -33.8688, 151.2093, NULL},
    {DC_BYTES("+21.39 +103.02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("21 103"), DC_OK, 21, 103, NULL},
    {DC_BYTES(".5 .25"), DC_OK, 0.5, 0.25, NULL},
    /* Decimal commas (a Vietnamese or European spreadsheet). */
    {DC_BYTES("21,39 103,02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("21,39; 103,02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("21,39,103,02"), DC_OK, 21.39, 103.02, NULL},
    /* One comma between digits and no '.': a separator, not a decimal. */
    {DC_BYTES("21,103"), DC_OK, 21, 103, NULL},
    {DC_BYTES("21, 103"), DC_OK, 21, 103, NULL},
    /* Degrees with a sign, hemisphere letters before or after. */
    {DC_BYTES("21.39° 103.02°"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("21.39°N, 103.02°E"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("21.39 N 103.02 E"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("N21.39 E103.02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("33.5 s 70.25 w"), DC_OK, -33.5, -70.25, NULL},
    {DC_BYTES("21,39°N 103,02°E"), DC_OK, 21.39, 103.02, NULL},
    /* Hemisphere letters decide which is which. */
    {DC_BYTES("103.02 E, 21.39 N"), DC_OK, 21.39, 103.02, NULL},
    /* Degrees, minutes, seconds, in ASCII and typographic marks. */
    {DC_BYTES("21°23'10.3\"N 103°01'04.4\"E"), DC_OK, 21 + 23 / 60.0 + 10.3 / 3600,
     103 + 1 / 60.0 + 4.4 / 3600, NULL},
    {DC_BYTES("21° 23′ 10.3″ N, 103° 1′ 4.4″ E"), DC_OK, 21 + 23 / 60.0 + 10.3 / 3600,
     103 + 1 / 60.0 + 4.4 / 3600, NULL},
    {DC_BYTES("21°23’10.3”N 103°01’04.4”E"), DC_OK, 21 + 23 / 60.0 + 10.3 / 3600,
     103 + 1 / 60.0 + 4.4 / 3600, NULL},
    {DC_BYTES("21°30'N 103°15'E"), DC_OK, 21.5, 103.25, NULL},
    {DC_BYTES("21º30' 103º15'"), DC_OK, 21.5, 103.25, NULL},
    /* geo URIs (RFC 5870), as map apps share a point. */
    {DC_BYTES("geo:21.39,103.02"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("GEO:21.39,103.02,120"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("geo:21.39,103.02;u=35"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("geo:-21.39,-103.02,-5;crs=WGS84;u=10"), DC_OK, -21.39, -103.02, NULL},
    {DC_BYTES("geo:21.39,103.02?z=17"), DC_OK, 21.39, 103.02, NULL},
    {DC_BYTES("geo:21.39,103.02;crs=Moon-2011;u=35"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: a geo URI in a crs other than wgs84 at character 17 " DC_HINT},
    {DC_BYTES("geo:21.39 103.02"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: expected ',' after the latitude at character 10 " DC_HINT},
    {DC_BYTES("geo:21.39,103.02,"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: expected an altitude after ',' at character 18 " DC_HINT},
    /* Swapped as written: the caller checks ranges and says so. */
    {DC_BYTES("103.02, 21.39"), DC_OK, 103.02, 21.39, NULL},

    {DC_BYTES(""), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: expected a number at character 1 " DC_HINT},
    {DC_BYTES("21.39"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: expected a number at character 6 " DC_HINT},
    {DC_BYTES("21.39, 103.02, 5"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: unexpected text after the longitude at character 14 " DC_HINT},
    {DC_BYTES("hà nội"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: expected a number at character 1 " DC_HINT},
    {DC_BYTES("21°75'N 103°E"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: minutes must be below 60 at character 7 " DC_HINT},
    {DC_BYTES("21°7'60\"N 103°E"), DC_E_POINT_SYNTAX, 0, 0, NULL},
    {DC_BYTES("21 N 103 S"), DC_E_POINT_SYNTAX, 0, 0,
     "not a point: both coordinates are of one axis at character 11 " DC_HINT},
    {DC_BYTES("-21 S 103"), DC_E_POINT_SYNTAX, 0, 0, NULL},
    {DC_BYTES("21.39.5 103"), DC_E_POINT_SYNTAX, 0, 0, NULL},
    {DC_BYTES("21.39, 103.02\0"), DC_E_POINT_SYNTAX, 0, 0, NULL},
};

static void test_point_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dc_point_cases / sizeof dc_point_cases[0]; i++) {
        const dc_point_case *pc = &dc_point_cases[i];
        double lat = 999, lon = 999;
        dc_error err = {0};
        dc_err rc = dc_geo_point_parse(pc->text, pc->len, &lat, &lon, &err);
        if (rc != pc->want)
            fail_msg("case %zu \"%s\": got %d, want %d (%s)", i, pc->text, (int)rc,
                     (int)pc->want, rc ? err.message : "");
        if (rc == DC_OK) {
            if (fabs(lat - pc->lat) > 1e-12 || fabs(lon - pc->lon) > 1e-12)
                fail_msg("case %zu \"%s\": got %.12f, %.12f", i, pc->text, lat, lon);
            continue;
        }
        assert_true(lat == 999 && lon == 999);
        assert_int_equal(err.code, rc);
        if (pc->message && strcmp(err.message, pc->message) != 0)
            fail_msg("case %zu \"%s\": message \"%s\"", i, pc->text, err.message);
        assert_int_equal(dc_geo_point_parse(pc->text, pc->len, &lat, &lon, NULL), rc);
    }
}

static void test_point_arguments(void **state)
{
    (void)state;
    double lat, lon;
    dc_error err;
    assert_int_equal(dc_geo_point_parse(NULL, 3, &lat, &lon, &err), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_point_parse(DC_BYTES("1 2"), NULL, &lon, NULL),
                     DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_point_parse(NULL, 0, &lat, &lon, &err), DC_E_POINT_SYNTAX);
    assert_string_equal(dc_err_name(DC_E_POINT_SYNTAX), "point_syntax");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_point_table),
        cmocka_unit_test(test_point_arguments),
    };
    return cmocka_run_group_tests_name("point", tests, NULL, NULL);
}
