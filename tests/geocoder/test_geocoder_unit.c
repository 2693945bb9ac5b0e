/*
 * test_geocoder_unit - the engine's pure parts: distances against the
 * geodesic (Vincenty) values, the stable status and edit names, and the
 * argument checks of every entry point.
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

/* Geodesic distances on WGS 84 by Vincenty's inverse formula (computed
 * outside this code base), at Vietnam's latitudes. */
static const struct {
    double lat1, lon1, lat2, lon2, metres;
} distances[] = {
    {21.3861875, 103.0178906, 21.3861875, 103.0278906, 1037.0061},
    {21.3861875, 103.0178906, 21.3951875, 103.0178906, 996.4993},
    {21.3800000, 102.9950000, 21.3860000, 103.0020000, 984.0209},
    {8.6000000, 104.7000000, 8.6045000, 104.7045000, 702.1842},
    {23.3600000, 105.3200000, 23.3605000, 105.3205000, 75.3659},
    {10.7700000, 106.7000000, 10.7700000, 106.7000100, 1.0937},
    {21.0000000, 103.0000000, 21.0000000, 103.0000000, 0.0000},
    {16.0000000, 108.0000000, 16.0063000, 108.0000000, 697.1499},
};

static void test_distances(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof distances / sizeof distances[0]; i++) {
        double d = dc_geo_distance_m(distances[i].lat1, distances[i].lon1,
                                     distances[i].lat2, distances[i].lon2);
        double want = distances[i].metres;
        /* The promise is 0.1%; the method does 100 times better. */
        if (!(fabs(d - want) <= want * 1e-5 + 1e-3))
            print_error("case %zu: %.4f m, want %.4f m\n", i, d, want);
        assert_true(fabs(d - want) <= want * 1e-5 + 1e-3);
        double back = dc_geo_distance_m(distances[i].lat2, distances[i].lon2,
                                        distances[i].lat1, distances[i].lon1);
        if (!(back == d)) print_error("case %zu: not symmetric\n", i);
        assert_true(back == d);
    }
}

static void test_names(void **state)
{
    (void)state;
    static const struct {
        dc_geo_status status;
        const char *name;
    } statuses[] = {
        {DC_GEO_OK, "ok"},
        {DC_GEO_UNREGISTERED, "unregistered"},
        {DC_GEO_MALFORMED, "malformed"},
        {DC_GEO_UNKNOWN_POSTCODE, "unknown_postcode"},
        {DC_GEO_CODE_OUTSIDE_ZONE, "code_outside_zone"},
        {DC_GEO_OUT_OF_COVERAGE, "out_of_coverage"},
        {(dc_geo_status)99, "unknown"},
    };
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (strcmp(dc_geo_status_name(statuses[i].status), statuses[i].name) != 0)
            print_error("status %d\n", (int)statuses[i].status);
        assert_string_equal(dc_geo_status_name(statuses[i].status), statuses[i].name);
    }
    static const char *const edits[] = {"substitute", "swap", "insert", "delete",
                                        "unknown"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(dc_geo_edit_name((dc_geo_edit)i), edits[i]) != 0)
            print_error("edit %d\n", i);
        assert_string_equal(dc_geo_edit_name((dc_geo_edit)i), edits[i]);
    }
}

/* Zone names as dc_geo_zone_name writes them, and cut short. */
static void test_zone_names(void **state)
{
    (void)state;
    static const struct {
        const char *kind, *name, *want;
    } cases[] = {
        {"phường", "Nam Thanh", "phường Nam Thanh"},
        {"xã", "Xã Phước Châu", "xã Phước Châu"},
        {"xã", "xã Phước Châu", "xã Phước Châu"},
        {"phường", "Phường Mường Thanh", "phường Mường Thanh"},
        {"thị trấn", "Thị trấn Tuần Giáo", "thị trấn Tuần Giáo"},
        {"xã", "Xãi Lãi", "xã Xãi Lãi"}, /* not the kind: no space after it */
        {"xã", "Xa Dung", "xã Xa Dung"}, /* a different letter, not a case */
        {"xã", "Xã", "xã Xã"},           /* the kind alone is the name */
        {"", "Mường Phăng", "Mường Phăng"},
        {"phường", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_zone z;
        memset(&z, 0, sizeof z);
        z.kind = (dc_str){cases[i].kind, strlen(cases[i].kind)};
        z.name = (dc_str){cases[i].name, strlen(cases[i].name)};
        char out[64];
        size_t n = dc_geo_zone_name(&z, out, sizeof out);
        if (!(strcmp(out, cases[i].want) == 0 && n == strlen(cases[i].want)))
            print_error("%s + %s: \"%s\" (%zu), want \"%s\"\n", cases[i].kind,
                        cases[i].name, out, n, cases[i].want);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(n, strlen(cases[i].want));
    }
    dc_zone z;
    memset(&z, 0, sizeof z);
    z.kind = (dc_str){"xã", strlen("xã")};
    z.name = (dc_str){"Xã Phước Châu", strlen("Xã Phước Châu")};
    char cut[8];
    size_t n = dc_geo_zone_name(&z, cut, sizeof cut);
    if (!(n == strlen("xã Phước Châu") && strcmp(cut, "xã Ph") == 0))
        print_error("cut: \"%s\" (%zu)\n", cut, n);
    assert_int_equal(n, strlen("xã Phước Châu"));
    assert_string_equal(cut, "xã Ph");
}

static void test_arguments(void **state)
{
    (void)state;
    static dc_geo_forward_result fr;
    static dc_geo_reverse_result rr;
    dc_geo *geo = (dc_geo *)1;
    dc_geo_session *s = NULL;
    dc_error err;
    dc_zone z;
    assert_int_equal(dc_geo_open(NULL, &geo, &err), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_open("/nonexistent/x.diachi", &geo, &err), DC_E_IO);
    assert_ptr_equal(geo, (dc_geo *)1);
    if (!(strstr(err.message, "/nonexistent/x.diachi") != NULL))
        print_error("message: %s\n", err.message);
    assert_non_null(strstr(err.message, "/nonexistent/x.diachi"));
    assert_int_equal(dc_geo_session_begin(NULL, &s), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_forward(NULL, "x", 1, &fr), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_reverse(NULL, 21, 103, 50, 1, &rr), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_zone(NULL, 32101, &z), DC_E_INVALID_ARG);
    dc_geo_close(NULL);
    dc_geo_session_end(NULL);
    assert_null(dc_geo_index(NULL));
    assert_null(dc_geo_session_txn(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distances),
        cmocka_unit_test(test_zone_names),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
