/*
 * test_http_nominatim.c - GET /search and GET /reverse, Nominatim's pair,
 * on the sample index through the real `diachi serve`: each format (json,
 * jsonv2, geojson, geocodejson), each parameter (limit and its clamp,
 * accept-language and the header, addressdetails, countrycodes, viewbox,
 * zoom), reverse's "Unable to geocode", every bad input as a 400 in
 * Nominatim's error form with diachi's code beside, a 304, and every reply
 * held to docs/openapi.json. The door is the sample's household
 * DBP-000015, as test_http_search knows it.
 *
 * Usage: test_http_nominatim DIACHI SAMPLE_INDEX
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

#include "http_support.h"

static const char *diachi, *sample_index;
static dc_server srv;
static CURL *curl;
static int port;

static json_t *get(const char *path, const char *const *headers, long status,
                   const char *content_type)
{
    dc_reply r;
    if (!dc_request(curl, port, NULL, path, headers, NULL, 0, &r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r.error));
    if (r.status != status)
        print_error("%s: status %ld, want %ld: %.300s\n", path, r.status, status, r.body);
    assert_int_equal(r.status, status);
    assert_string_equal(r.content_type, content_type);
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    if (!j) print_error("%s: not JSON (%s): %.200s\n", path, e.text, r.body);
    assert_non_null(j);
    dc_reply_free(&r);
    return j;
}

#define JSON "application/json; charset=utf-8"
#define GEOJSON "application/geo+json"

static json_t *get_json(const char *path)
{
    return get(path, NULL, 200, JSON);
}

static void expect_str(json_t *j, const char *path, const char *want)
{
    const char *got = dc_json_str(j, path);
    if (strcmp(got, want) != 0) print_error("%s: '%s', want '%s'\n", path, got, want);
    assert_string_equal(got, want);
}

static void expect_num(json_t *j, const char *path, double want)
{
    double got = dc_json_num(j, path);
    if (!(fabs(got - want) < 1e-9)) print_error("%s: %.9g, want %.9g\n", path, got, want);
    assert_true(fabs(got - want) < 1e-9);
}

#define DOOR_Q "/search?q=21/3%20vo%20nguyen%20giap"
#define DOOR_LATLON "lat=21.4078674&lon=102.9889640"
#define DOOR_CODE "32107 CX5Q+4HW"
#define DOOR_PLACE_ID 16270 /* DBP-000015 is household 16269 of the sample index */
#define DOOR_NAME                                                                        \
    "21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, "    \
    "Thành phố Điện Biên Phủ, Điện Biên, 32107, Việt Nam"
#define DOOR_NAME_EN                                                                     \
    "21/3, Ngõ 21 Võ Nguyên Giáp, Tổ dân phố 2, phường Thanh Trường, "    \
    "Thành phố Điện Biên Phủ, Điện Biên, 32107, Vietnam"

/* The door's address under Nominatim's keys, the object at @p base
 * ("0.address"): these nine members, no other. */
static void expect_door_address(json_t *j, const char *base, const char *country)
{
    static const char *const pairs[][2] = {
        {"house_number", "21/3"},
        {"road", "Ngõ 21 Võ Nguyên Giáp"},
        {"quarter", "Tổ dân phố 2"},
        {"suburb", "phường Thanh Trường"},
        {"city", "Thành phố Điện Biên Phủ"},
        {"state", "Điện Biên"},
        {"postcode", "32107"},
        {"country_code", "vn"},
    };
    char path[128];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        snprintf(path, sizeof path, "%s.%s", base, pairs[i][0]);
        expect_str(j, path, pairs[i][1]);
    }
    snprintf(path, sizeof path, "%s.country", base);
    expect_str(j, path, country);
    assert_int_equal(json_object_size(dc_json_at(j, base)), 9);
}

static void test_search_json(void **state)
{
    (void)state;
    json_t *j = get_json(DOOR_Q "&format=json&limit=1&addressdetails=1");
    assert_true(json_is_array(j));
    assert_int_equal(json_array_size(j), 1);
    expect_num(j, "0.place_id", DOOR_PLACE_ID);
    expect_str(j, "0.lat", "21.4078674");
    expect_str(j, "0.lon", "102.9889640");
    expect_str(j, "0.class", "place");
    assert_null(dc_json_at(j, "0.category"));
    expect_str(j, "0.type", "house");
    expect_num(j, "0.place_rank", 30);
    expect_num(j, "0.importance", 1);
    expect_str(j, "0.addresstype", "place");
    expect_str(j, "0.name", "");
    expect_str(j, "0.display_name", DOOR_NAME);
    expect_door_address(j, "0.address", "Việt Nam");
    /* the code's cell, OLC 11 digits: 1/40000 by 1/32000 degree */
    expect_str(j, "0.boundingbox.0", "21.4078500");
    expect_str(j, "0.boundingbox.1", "21.4078750");
    expect_str(j, "0.boundingbox.2", "102.9889375");
    expect_str(j, "0.boundingbox.3", "102.9889688");
    expect_str(j, "0.code", DOOR_CODE);
    assert_null(dc_json_at(j, "0.osm_id"));
    json_decref(j);

    /* jsonv2 by default: category for class; no address unless asked */
    j = get_json(DOOR_Q "&limit=3");
    assert_int_equal(json_array_size(j), 3);
    expect_str(j, "0.category", "place");
    assert_null(dc_json_at(j, "0.class"));
    assert_null(dc_json_at(j, "0.address"));
    expect_str(j, "0.display_name", DOOR_NAME);
    /* then the street, in its zone: a road, no code */
    expect_str(j, "1.category", "highway");
    expect_str(j, "1.type", "residential");
    expect_num(j, "1.place_rank", 26);
    expect_str(j, "1.addresstype", "road");
    expect_str(j, "1.name", "Võ Nguyên Giáp");
    expect_str(j, "1.display_name",
               "Võ Nguyên Giáp, phường Mường Thanh, Thành phố Điện Biên Phủ, Điện Biên, "
               "32101, Việt Nam");
    assert_true(dc_json_num(j, "1.importance") < 1);
    assert_null(dc_json_at(j, "1.code"));
    /* a street's box is its zone's */
    expect_str(j, "1.boundingbox.0", "21.3695998");
    json_decref(j);
}

static void test_search_geojson(void **state)
{
    (void)state;
    json_t *j = get(DOOR_Q "&format=geojson&limit=1", NULL, 200, GEOJSON);
    expect_str(j, "type", "FeatureCollection");
    assert_int_equal(json_array_size(dc_json_at(j, "features")), 1);
    expect_str(j, "features.0.type", "Feature");
    expect_str(j, "features.0.geometry.type", "Point");
    expect_num(j, "features.0.geometry.coordinates.0", 102.988964);
    expect_num(j, "features.0.geometry.coordinates.1", 21.4078674);
    expect_num(j, "features.0.bbox.0", 102.9889375);
    expect_num(j, "features.0.bbox.1", 21.40785);
    expect_num(j, "features.0.bbox.2", 102.9889688);
    expect_num(j, "features.0.bbox.3", 21.407875);
    expect_num(j, "features.0.properties.place_id", DOOR_PLACE_ID);
    expect_str(j, "features.0.properties.category", "place");
    expect_str(j, "features.0.properties.display_name", DOOR_NAME);
    expect_str(j, "features.0.properties.code", DOOR_CODE);
    json_decref(j);

    j = get(DOOR_Q "&format=geocodejson&limit=1&addressdetails=1", NULL, 200, GEOJSON);
    expect_str(j, "geocoding.version", "0.1.0");
    expect_str(j, "geocoding.query", "21/3 vo nguyen giap");
    const char *g = "features.0.properties.geocoding.";
    char path[128];
    static const char *const pairs[][2] = {
        {"type", "house"},
        {"label", DOOR_NAME},
        {"name", ""},
        {"housenumber", "21/3"},
        {"street", "Ngõ 21 Võ Nguyên Giáp"},
        {"locality", "Tổ dân phố 2"},
        {"district", "phường Thanh Trường"},
        {"city", "Thành phố Điện Biên Phủ"},
        {"state", "Điện Biên"},
        {"postcode", "32107"},
        {"country", "Việt Nam"},
        {"country_code", "vn"},
        {"admin.level4", "Điện Biên"},
        {"admin.level6", "Thành phố Điện Biên Phủ"},
        {"admin.level8", "phường Thanh Trường"},
        {"code", DOOR_CODE},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        snprintf(path, sizeof path, "%s%s", g, pairs[i][0]);
        expect_str(j, path, pairs[i][1]);
    }
    expect_num(j, "features.0.geometry.coordinates.1", 21.4078674);
    json_decref(j);
    /* no admin without addressdetails */
    j = get(DOOR_Q "&format=geocodejson&limit=1", NULL, 200, GEOJSON);
    assert_null(dc_json_at(j, "features.0.properties.geocoding.admin"));
    json_decref(j);
}

static void test_search_parameters(void **state)
{
    (void)state;
    /* accept-language: the parameter, else the header; vi unless en wins */
    static const struct {
        const char *path, *header, *name;
    } langs[] = {
        {DOOR_Q "&limit=1&accept-language=en", NULL, DOOR_NAME_EN},
        {DOOR_Q "&limit=1&accept-language=vi", NULL, DOOR_NAME},
        {DOOR_Q "&limit=1&accept-language=fr", NULL, DOOR_NAME},
        {DOOR_Q "&limit=1&accept-language=fr,en-GB;q=0.8,vi;q=0.5", NULL, DOOR_NAME_EN},
        {DOOR_Q "&limit=1&accept-language=en;q=0.3,vi", NULL, DOOR_NAME},
        {DOOR_Q "&limit=1", "Accept-Language: en-US,en;q=0.9", DOOR_NAME_EN},
        {DOOR_Q "&limit=1&accept-language=vi", "Accept-Language: en", DOOR_NAME},
    };
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        const char *headers[] = {langs[i].header, NULL};
        json_t *j = get(langs[i].path, langs[i].header ? headers : NULL, 200, JSON);
        expect_str(j, "0.display_name", langs[i].name);
        json_decref(j);
    }
    /* limit: 10 by default, clamped to 1..40 as Nominatim does (no 400);
     * "điện biên" names 12 places: the province's 12 zones */
    static const struct {
        const char *path;
        size_t count;
    } limits[] = {
        {"/search?q=dien%20bien", 10},        {"/search?q=dien%20bien&limit=100", 12},
        {"/search?q=dien%20bien&limit=0", 1}, {"/search?q=dien%20bien&limit=-3", 1},
        {"/search?q=dien%20bien&limit=7", 7}, {"/search?q=dien%20bien&limit=99999", 12},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        json_t *j = get_json(limits[i].path);
        if (json_array_size(j) != limits[i].count)
            print_error("%s: %zu places\n", limits[i].path, json_array_size(j));
        assert_int_equal(json_array_size(j), limits[i].count);
        json_decref(j);
    }
    /* countrycodes: a list without vn finds nothing */
    static const struct {
        const char *path;
        size_t count;
    } countries[] = {
        {DOOR_Q "&limit=1&countrycodes=vn", 1},
        {DOOR_Q "&limit=1&countrycodes=gb,VN", 1},
        {DOOR_Q "&limit=1&countrycodes=", 1},
        {DOOR_Q "&limit=1&countrycodes=gb", 0},
        {DOOR_Q "&limit=1&countrycodes=gb,de", 0},
        {"/search?q=xyzzy", 0},
    };
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++) {
        json_t *j = get_json(countries[i].path);
        assert_true(json_is_array(j));
        assert_int_equal(json_array_size(j), countries[i].count);
        json_decref(j);
    }
    json_t *j = get(DOOR_Q "&countrycodes=gb&format=geojson", NULL, 200, GEOJSON);
    expect_str(j, "type", "FeatureCollection");
    assert_int_equal(json_array_size(dc_json_at(j, "features")), 0);
    json_decref(j);
    /* addressdetails=true and =0 */
    j = get_json(DOOR_Q "&limit=1&addressdetails=true");
    expect_door_address(j, "0.address", "Việt Nam");
    json_decref(j);
    j = get_json(DOOR_Q "&limit=1&addressdetails=0");
    assert_null(dc_json_at(j, "0.address"));
    json_decref(j);
    /* a viewbox orders the streets of equal score by its centre: the
     * Võ Nguyên Giáp of Mường Thanh (32101) first without one, that of Tân
     * Thanh (32103) with one around it */
    j = get_json("/search?q=vo%20nguyen%20giap&limit=2&addressdetails=1");
    expect_str(j, "0.address.postcode", "32101");
    json_decref(j);
    j = get_json("/search?q=vo%20nguyen%20giap&limit=2&addressdetails=1&viewbox="
                 "103.014,21.392,103.016,21.394");
    expect_str(j, "0.address.road", "Võ Nguyên Giáp");
    expect_str(j, "0.address.postcode", "32103");
    expect_str(j, "0.lat", "21.3930975");
    json_decref(j);
    /* a structured query stands for q; a country other than Vietnam finds
     * nothing; the text searched is echoed by GeocodeJSON */
    j = get_json(
        "/search?street=21/3%20vo%20nguyen%20giap&city=dien%20bien%20phu&limit=1");
    expect_str(j, "0.code", DOOR_CODE);
    json_decref(j);
    j = get_json("/search?street=21/3%20vo%20nguyen%20giap&country=Vi%E1%BB%87t%20Nam&"
                 "limit=1");
    expect_str(j, "0.code", DOOR_CODE);
    json_decref(j);
    j = get_json("/search?street=21/3%20vo%20nguyen%20giap&country=France");
    assert_int_equal(json_array_size(j), 0);
    json_decref(j);
    j = get("/search?street=21/3%20vo%20nguyen%20giap&postalcode=32107&limit=1&"
            "format=geocodejson",
            NULL, 200, GEOJSON);
    expect_str(j, "geocoding.query", "21/3 vo nguyen giap, 32107");
    expect_str(j, "features.0.properties.geocoding.code", DOOR_CODE);
    json_decref(j);
    /* parameters Nominatim has and diachi does not read are ignored */
    j = get_json(DOOR_Q "&limit=1&email=a@b.c&polygon_geojson=1&extratags=1&dedupe=0");
    expect_str(j, "0.code", DOOR_CODE);
    json_decref(j);
}

static void test_reverse(void **state)
{
    (void)state;
    /* geopy's own request: the door, its code, its address by default */
    json_t *j = get_json("/reverse?" DOOR_LATLON "&format=json");
    assert_true(json_is_object(j));
    expect_num(j, "place_id", DOOR_PLACE_ID);
    expect_str(j, "lat", "21.4078674");
    expect_str(j, "lon", "102.9889640");
    expect_str(j, "class", "place");
    expect_str(j, "type", "house");
    expect_str(j, "code", DOOR_CODE);
    expect_str(j, "display_name", DOOR_NAME);
    expect_str(j, "address.house_number", "21/3");
    expect_str(j, "address.suburb", "phường Thanh Trường");
    expect_str(j, "boundingbox.0", "21.4078500");
    expect_num(j, "importance", 1);
    json_decref(j);
    j = get_json("/reverse?" DOOR_LATLON "&addressdetails=0&accept-language=en");
    assert_null(dc_json_at(j, "address"));
    expect_str(j, "display_name", DOOR_NAME_EN);
    json_decref(j);

    /* zoom: the door's street (16-17), its group (14-15), its zone (<14),
     * each with the point's own code */
    static const struct {
        const char *zoom, *type, *name, *rank_class;
        double rank;
    } zooms[] = {
        {"17", "residential", "Ngõ 21 Võ Nguyên Giáp", "highway", 26},
        {"16", "residential", "Ngõ 21 Võ Nguyên Giáp", "highway", 26},
        {"15", "quarter", "Tổ dân phố 2", "place", 22},
        {"14", "quarter", "Tổ dân phố 2", "place", 22},
        {"13", "administrative", "phường Thanh Trường", "boundary", 16},
        {"0", "administrative", "phường Thanh Trường", "boundary", 16},
    };
    for (size_t i = 0; i < sizeof zooms / sizeof zooms[0]; i++) {
        char path[160];
        snprintf(path, sizeof path, "/reverse?" DOOR_LATLON "&zoom=%s", zooms[i].zoom);
        j = get_json(path);
        expect_str(j, "type", zooms[i].type);
        expect_str(j, "name", zooms[i].name);
        expect_str(j, "category", zooms[i].rank_class);
        expect_num(j, "place_rank", zooms[i].rank);
        expect_str(j, "code", DOOR_CODE);
        assert_null(dc_json_at(j, "address.house_number"));
        expect_str(j, "address.postcode", "32107");
        json_decref(j);
    }
    /* the zone answer: its reference point and box */
    j = get_json("/reverse?" DOOR_LATLON "&zoom=10&format=json");
    expect_str(
        j, "display_name",
        "phường Thanh Trường, Thành phố Điện Biên Phủ, Điện Biên, 32107, Việt Nam");
    json_decref(j);

    /* GeoJSON and GeocodeJSON: a collection of one */
    j = get("/reverse?" DOOR_LATLON "&format=geojson", NULL, 200, GEOJSON);
    assert_int_equal(json_array_size(dc_json_at(j, "features")), 1);
    expect_str(j, "features.0.properties.code", DOOR_CODE);
    expect_str(j, "features.0.properties.address.road", "Ngõ 21 Võ Nguyên Giáp");
    json_decref(j);
    j = get("/reverse?" DOOR_LATLON "&format=geocodejson", NULL, 200, GEOJSON);
    expect_str(j, "features.0.properties.geocoding.housenumber", "21/3");
    assert_null(dc_json_at(j, "geocoding.query"));
    json_decref(j);

    /* nothing there: Nominatim's own answer, 200, in every format */
    static const char *const nowhere[] = {"/reverse?lat=10&lon=10",
                                          "/reverse?lat=10&lon=10&format=json"};
    for (size_t i = 0; i < 2; i++) {
        j = get_json(nowhere[i]);
        expect_str(j, "error", "Unable to geocode");
        json_decref(j);
    }
    j = get("/reverse?lat=10&lon=10&format=geojson", NULL, 200, GEOJSON);
    expect_str(j, "error", "Unable to geocode");
    json_decref(j);
}

static void test_bad_input(void **state)
{
    (void)state;
    char big[2100] = "/search?q=";
    memset(big + strlen(big), 'a', 2000);
    static const struct {
        const char *path;
        const char *code, *message;
    } cases[] = {
        {"/search", "bad_parameter", "parameter q is missing"},
        {"/search?format=json", "bad_parameter", "parameter q is missing"},
        {"/search?q=", "bad_query", "parameter q: the query has no words"},
        {"/search?q=%20,.;", "bad_query", "parameter q: the query has no words"},
        {"/search?q=M%C6%B0%C3", "bad_query",
         "parameter q: invalid UTF-8 at byte 3 (0xC3)"},
        {"/search?q=L%C3%AA%1b", "bad_query",
         "parameter q: control character U+001B at byte 3"},
        {NULL, "bad_query", "parameter q: text is 2000 bytes, over the limit of 1024"},
        {"/search?q=a&q=b", "bad_parameter", "parameter q is given twice"},
        {"/search?q=a&street=b", "bad_parameter",
         "parameter q and a structured query (street, city, county, state, postalcode, "
         "country) cannot be given together"},
        {"/search?street=&city=", "bad_query",
         "the structured query: the query has no words"},
        {"/search?q=a&format=xml", "bad_parameter",
         "parameter format must be json, jsonv2, geojson or geocodejson, not xml"},
        {"/search?q=a&format=html", "bad_parameter",
         "parameter format must be json, jsonv2, geojson or geocodejson, not html"},
        {"/search?q=a&limit=x", "bad_parameter",
         "parameter limit must be a whole number"},
        {"/search?q=a&limit=2.5", "bad_parameter",
         "parameter limit must be a whole number"},
        {"/search?q=a&addressdetails=2", "bad_parameter",
         "parameter addressdetails must be 0 or 1, not 2"},
        {"/search?q=a&viewbox=1,2,3", "bad_parameter",
         "parameter viewbox must be lon1,lat1,lon2,lat2 in degrees"},
        {"/search?q=a&viewbox=1,95,3,4", "bad_parameter",
         "parameter viewbox must be lon1,lat1,lon2,lat2 in degrees"},
        {"/search?q=a&countrycodes=v%01n", "bad_parameter",
         "parameter countrycodes contains a NUL or control character"},
        {"/reverse", "bad_parameter", "parameter lat is missing"},
        {"/reverse?lon=103", "bad_parameter", "parameter lat is missing"},
        {"/reverse?lat=21", "bad_parameter", "parameter lon is missing"},
        {"/reverse?lat=x&lon=103", "bad_parameter",
         "parameter lat must be a number of degrees in -90..90"},
        {"/reverse?lat=91&lon=103", "bad_parameter",
         "parameter lat must be a number of degrees in -90..90"},
        {"/reverse?lat=21&lon=181", "bad_parameter",
         "parameter lon must be a number of degrees in -180..180"},
        {"/reverse?lat=21&lon=nan", "bad_parameter",
         "parameter lon must be a number of degrees in -180..180"},
        {"/reverse?lat=21&lon=103&zoom=19", "bad_parameter",
         "parameter zoom must be a whole number in 0..18"},
        {"/reverse?lat=21&lon=103&zoom=1.5", "bad_parameter",
         "parameter zoom must be a whole number in 0..18"},
        {"/reverse?lat=21&lon=103&lat=22", "bad_parameter",
         "parameter lat is given twice"},
        {"/reverse?lat=21&lon=103&format=xml", "bad_parameter",
         "parameter format must be json, jsonv2, geojson or geocodejson, not xml"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = get(cases[i].path ? cases[i].path : big, NULL, 400, JSON);
        expect_num(j, "error.code", 400);
        expect_str(j, "error.diachi_error", cases[i].code);
        expect_str(j, "error.message", cases[i].message);
        json_decref(j);
    }
}

static void test_http(void **state)
{
    (void)state;
    dc_reply r;
    /* cacheable: the ETag of the index, then a 304 */
    assert_true(dc_request(curl, port, NULL, DOOR_Q, NULL, NULL, 0, &r));
    assert_int_equal(r.status, 200);
    assert_true(r.etag[0] != '\0');
    assert_string_equal(r.cache_control, "public, max-age=60");
    char inm[160];
    snprintf(inm, sizeof inm, "If-None-Match: %s", r.etag);
    dc_reply_free(&r);
    const char *headers[] = {inm, NULL};
    assert_true(dc_request(curl, port, NULL, DOOR_Q, headers, NULL, 0, &r));
    assert_int_equal(r.status, 304);
    dc_reply_free(&r);
    /* errors are not cached */
    assert_true(dc_request(curl, port, NULL, "/search", NULL, NULL, 0, &r));
    assert_string_equal(r.cache_control, "no-store");
    dc_reply_free(&r);
    /* GET only */
    assert_true(dc_request(curl, port, "POST", DOOR_Q, NULL, "x", 1, &r));
    assert_int_equal(r.status, 405);
    dc_reply_free(&r);
    /* counted under their own names */
    assert_true(dc_request(curl, port, NULL, "/metrics", NULL, NULL, 0, &r));
    assert_non_null(strstr(r.body, "endpoint=\"nominatim_search\",status=\"200\""));
    assert_non_null(strstr(r.body, "endpoint=\"nominatim_reverse\",status=\"400\""));
    dc_reply_free(&r);
}

int main(int argc, char **argv)
{
    const dc_http_fixture fx = {.index = &sample_index, DC_HTTP_FIXTURE_VARIABLES};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_json),       cmocka_unit_test(test_search_geojson),
        cmocka_unit_test(test_search_parameters), cmocka_unit_test(test_reverse),
        cmocka_unit_test(test_bad_input),         cmocka_unit_test(test_http),
    };
    return dc_http_fixture_main(&fx, argc, argv, tests, sizeof tests / sizeof tests[0]);
}
