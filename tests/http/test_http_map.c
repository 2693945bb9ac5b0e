/*
 * test_http_map.c - what the map page reads, through a real socket on the
 * sample index: GET /v1/zones?bbox= (exact zones of a known box, valid RFC
 * 7946 read back by GDAL's ogrinfo from a file, every simplified polygon
 * valid by GEOS through ogrinfo's SQLite dialect, neighbours neither
 * overlapping nor parting at any zoom), GET /v1/households?bbox= (pages
 * that together give exactly the box's households, each once, against a
 * brute-force list of the sample's households read by number), the box
 * limit, bad parameters, the page's files with and without --no-ui, and
 * GET /v1/qr (the library's SVG of the text, bad texts refused).
 *
 * Usage: test_http_map DIACHI SAMPLE_INDEX LIST_HOUSEHOLDS WORKDIR
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

#include "diachi/qr.h"
#include "http_support.h"

static const char *diachi, *sample_index, *list_households, *workdir;
static dc_server srv;
static CURL *curl;
static int port;

/* A GET; the body parsed (every answer here but the page's is JSON). */
static json_t *get(const char *path, dc_reply *r)
{
    if (!dc_request(curl, port, NULL, path, NULL, NULL, 0, r))
        fail_msg("%s: transport error %s", path, curl_easy_strerror(r->error));
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    if (!j) print_error("%s: not JSON (%s): %.200s\n", path, e.text, r->body);
    assert_non_null(j);
    return j;
}

/* Run @p command; its first line that contains @p key, after the key, into
 * @p out. False when the command fails or prints no such line. */
static bool command_value(const char *command, const char *key, char *out, size_t size)
{
    FILE *p = popen(command, "r");
    char line[4096];
    bool found = false;
    if (!p) return false;
    while (fgets(line, sizeof line, p))
        if (!found && strstr(line, key)) {
            snprintf(out, size, "%s", strstr(line, key) + strlen(key));
            out[strcspn(out, "\r\n")] = '\0';
            found = true;
        }
    return pclose(p) == 0 && found;
}

/* The body as WORKDIR/NAME.geojson, for GDAL to read. */
static void write_body(const dc_reply *r, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s.geojson", workdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
    fclose(f);
}

/* GDAL's GeoJSON driver reads the body as @p features features. */
static void assert_ogr_reads(const dc_reply *r, const char *name, long features)
{
    char path[1024], command[2300], value[64];
    write_body(r, name, path, sizeof path);
    snprintf(command, sizeof command, "ogrinfo -ro -so -al '%s' 2>&1", path);
    if (!command_value(command, "Feature Count: ", value, sizeof value))
        fail_msg("ogrinfo does not read %s", path);
    if (atol(value) != features)
        print_error("%s: ogrinfo reads %s features, want %ld\n", name, value, features);
    assert_int_equal(atol(value), features);
}

/* ogrinfo's SQLite dialect (GEOS) on the zones of @p name: a number. */
static double zones_sql(const char *name, const char *select)
{
    char path[1024], command[3000], value[64];
    snprintf(path, sizeof path, "%s/%s.geojson", workdir, name);
    snprintf(command, sizeof command,
             "ogrinfo -ro -q -dialect sqlite -sql \"SELECT %s AS v FROM %s\" '%s' 2>&1",
             select, name, path);
    if (!command_value(command, "v (", value, sizeof value))
        fail_msg("ogrinfo cannot run: %s", command);
    return atof(strchr(value, '=') ? strchr(value, '=') + 1 : "nan");
}

/* The holes of the union of the zones of @p name: its interior rings, in
 * its WKT the ring separators "),(" less the polygon separators ")),(("
 * (GDAL's SQLite dialect has no ST_NumInteriorRings). */
static double union_holes(const char *name)
{
    char path[1024], command[3000], value[64];
    snprintf(path, sizeof path, "%s/%s.geojson", workdir, name);
    snprintf(
        command, sizeof command,
        "ogrinfo -ro -q -dialect sqlite -sql \"SELECT (LENGTH(w) - LENGTH(REPLACE(w, "
        "'),(', ''))) / 3 - (LENGTH(w) - LENGTH(REPLACE(w, ')),((', ''))) / 5 AS v "
        "FROM (SELECT REPLACE(ST_AsText(ST_Union(geometry)), ' ', '') AS w FROM %s)\" "
        "'%s' 2>&1",
        name, path);
    if (!command_value(command, "v (", value, sizeof value))
        fail_msg("ogrinfo cannot run: %s", command);
    return atof(strchr(value, '=') ? strchr(value, '=') + 1 : "nan");
}

/* Twice the signed area of a GeoJSON ring (lon, lat), positive when
 * anticlockwise. */
static double ring_area2(json_t *ring)
{
    double sum = 0;
    for (size_t i = 0; i + 1 < json_array_size(ring); i++) {
        json_t *a = json_array_get(ring, i), *b = json_array_get(ring, i + 1);
        sum +=
            json_real_value(json_array_get(a, 0)) *
                json_real_value(json_array_get(b, 1)) -
            json_real_value(json_array_get(b, 0)) * json_real_value(json_array_get(a, 1));
    }
    return sum;
}

/* RFC 7946 3.1.6 and 3.1.1: every ring closed, 4 positions or more,
 * longitude first (the sample lies near 103 E, 21 N), exterior rings
 * anticlockwise and holes clockwise. Returns the positions. */
static size_t assert_rfc7946_zones(json_t *fc)
{
    size_t positions = 0, i, p, k;
    json_t *f, *poly, *ring;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        json_t *coords = dc_json_at(f, "geometry.coordinates");
        assert_string_equal(dc_json_str(f, "geometry.type"), "MultiPolygon");
        json_array_foreach(coords, p, poly) json_array_foreach(poly, k, ring)
        {
            size_t n = json_array_size(ring);
            assert_true(n >= 4);
            assert_true(json_equal(json_array_get(ring, 0), json_array_get(ring, n - 1)));
            double lon = json_real_value(json_array_get(json_array_get(ring, 0), 0));
            double lat = json_real_value(json_array_get(json_array_get(ring, 0), 1));
            assert_true(lon > 102.5 && lon < 103.5 && lat > 21 && lat < 22);
            if (k == 0)
                assert_true(ring_area2(ring) > 0);
            else
                assert_true(ring_area2(ring) < 0);
            positions += n;
        }
    }
    return positions;
}

static void assert_postcodes(json_t *fc, const char *const *want, size_t n)
{
    json_t *features = json_object_get(fc, "features");
    assert_int_equal(json_array_size(features), n);
    assert_int_equal((long)dc_json_num(fc, "count"), (long)n);
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(features, i);
        assert_string_equal(dc_json_str(f, "properties.postcode"), want[i]);
        assert_string_equal(dc_json_str(f, "properties.role"), "zone");
        assert_true(dc_json_str(f, "properties.name")[0] != '\0');
        assert_non_null(dc_json_at(f, "properties.district"));
        assert_non_null(dc_json_at(f, "properties.province"));
    }
}

/* The box 103.01..103.02 E, 21.38..21.39 N meets the bounding boxes of
 * zones 32101, 32103, 32105 and 32108 (the sample's zones.shp reprojected
 * by ogr2ogr -t_srs EPSG:4326; 32104 starts at 21.39095 N
 * and 32106 starts at 103.0247 E); a box far from the sample meets none. */
static void test_zones_of_a_box(void **state)
{
    (void)state;
    static const char *const want[] = {"32101", "32103", "32105", "32108"};
    dc_reply r;
    json_t *fc = get("/v1/zones?bbox=103.01,21.38,103.02,21.39&zoom=15", &r);
    assert_int_equal(r.status, 200);
    assert_true(strstr(r.content_type, "application/geo+json") != NULL);
    assert_postcodes(fc, want, 4);
    assert_rfc7946_zones(fc);
    assert_ogr_reads(&r, "zones_box", 4);
    assert_true(zones_sql("zones_box", "SUM(NOT ST_IsValid(geometry))") == 0);
    json_decref(fc);
    dc_reply_free(&r);

    fc = get("/v1/zones?bbox=10,10,10.1,10.1&zoom=3", &r);
    assert_int_equal(r.status, 200);
    assert_postcodes(fc, NULL, 0);
    json_decref(fc);
    dc_reply_free(&r);
}

/* All 12 zones at each zoom: valid polygons, no overlap between
 * neighbours (the areas add up to the area of their union) and no gap (the
 * union has no hole the stored zones' union lacks), and fewer positions at
 * a lower zoom. */
static void test_zones_simplified(void **state)
{
    (void)state;
    static const char *const all[] = {"32101", "32102", "32103", "32104",
                                      "32105", "32106", "32107", "32108",
                                      "32109", "32110", "32111", "32112"};
    static const char *const zooms[] = {"", "18", "15", "13", "11", "8", "3", "0"};
    size_t last = SIZE_MAX;
    double stored_area = 0;
    for (size_t z = 0; z < sizeof zooms / sizeof zooms[0]; z++) {
        char path[128], name[32];
        dc_reply r;
        snprintf(path, sizeof path, "/v1/zones?bbox=102.5,21,103.5,22%s%s",
                 zooms[z][0] ? "&zoom=" : "", zooms[z]);
        snprintf(name, sizeof name, "zones_z%s", zooms[z][0] ? zooms[z] : "full");
        json_t *fc = get(path, &r);
        assert_int_equal(r.status, 200);
        assert_postcodes(fc, all, 12);
        size_t positions = assert_rfc7946_zones(fc);
        assert_true(positions <= last);
        last = positions;
        assert_ogr_reads(&r, name, 12);
        double invalid = zones_sql(name, "SUM(NOT ST_IsValid(geometry))");
        double area = zones_sql(name, "SUM(ST_Area(geometry))");
        double uni = zones_sql(name, "ST_Area(ST_Union(geometry))");
        double holes = union_holes(name);
        if (!(invalid == 0 && fabs(area - uni) < 1e-9 * area && holes == 0))
            print_error("zoom %s: %g invalid, areas %.12g, union %.12g, %g holes\n",
                        zooms[z], invalid, area, uni, holes);
        assert_true(invalid == 0);
        assert_true(fabs(area - uni) < 1e-9 * area);
        assert_true(holes == 0);
        if (z == 0) stored_area = area;
        /* at the zoom of a district, the shape is kept within 1 % */
        if (z > 0 && z <= 4) assert_true(fabs(area - stored_area) < 0.01 * stored_area);
        json_decref(fc);
        dc_reply_free(&r);
    }
    assert_true(last < 300); /* zoom 0: a few points a ring */
}

/* The sample's households, from list_households (by number, not the box
 * reader): their compact codes in the box, sorted. */
typedef struct code_list {
    char (*codes)[16];
    size_t n;
} code_list;

static int code_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void households_in_box(double west, double south, double east, double north,
                              code_list *out)
{
    char command[1200], line[2048];
    snprintf(command, sizeof command, "'%s' '%s'", list_households, sample_index);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    out->codes = malloc(30000 * sizeof *out->codes);
    out->n = 0;
    while (fgets(line, sizeof line, p)) {
        char code[32];
        long number, lat, lon;
        if (strncmp(line, "household\t", 10) != 0) continue;
        if (sscanf(line + 10, "%ld\t%31[^\t]\t%ld\t%ld", &number, code, &lat, &lon) != 4)
            continue;
        if (lat < lround(south * 1e7) || lat > lround(north * 1e7) ||
            lon < lround(west * 1e7) || lon > lround(east * 1e7))
            continue;
        char *c = out->codes[out->n++];
        size_t k = 0;
        for (const char *s = code; *s; s++)
            if (*s != ' ' && *s != '+') c[k++] = *s;
        c[k] = '\0';
    }
    assert_int_equal(pclose(p), 0);
    qsort(out->codes, out->n, sizeof *out->codes, code_cmp);
}

/* Pages of 300 of a 0.01-degree box: together exactly its households,
 * each once; the last page's next_page is null. */
static void test_households_paged(void **state)
{
    (void)state;
    const double w = 103.015, s = 21.36, e = 103.025, n = 21.37;
    code_list want, got = {malloc(30000 * sizeof *got.codes), 0};
    households_in_box(w, s, e, n, &want);
    assert_true(want.n > 600); /* the sample's dense south-east corner */
    for (int page = 0;; page++) {
        char path[200], name[32];
        dc_reply r;
        snprintf(path, sizeof path,
                 "/v1/households?bbox=%.3f,%.3f,%.3f,%.3f&limit=300&page=%d", w, s, e, n,
                 page);
        json_t *fc = get(path, &r);
        assert_int_equal(r.status, 200);
        assert_int_equal((long)dc_json_num(fc, "total"), (long)want.n);
        json_t *features = json_object_get(fc, "features"), *f;
        size_t i;
        assert_true(json_array_size(features) <= 300);
        json_array_foreach(features, i, f)
        {
            const char *compact = dc_json_str(f, "properties.compact");
            assert_int_equal(strlen(compact), 12);
            assert_true(got.n < 30000);
            strcpy(got.codes[got.n++], compact);
            assert_string_equal(dc_json_str(f, "properties.role"), "household");
            assert_int_equal(strlen(dc_json_str(f, "properties.code")), 14);
            assert_true(dc_json_str(f, "properties.address")[0] != '\0');
            double lon = dc_json_num(f, "geometry.coordinates.0");
            double lat = dc_json_num(f, "geometry.coordinates.1");
            assert_true(lon >= w && lon <= e && lat >= s && lat <= n);
        }
        snprintf(name, sizeof name, "households_%d", page);
        assert_ogr_reads(&r, name, (long)json_array_size(features));
        bool last = json_is_null(json_object_get(fc, "next_page"));
        if (!last) assert_int_equal((long)dc_json_num(fc, "next_page"), page + 1);
        json_decref(fc);
        dc_reply_free(&r);
        if (last) break;
        assert_true(page < 10);
    }
    qsort(got.codes, got.n, sizeof *got.codes, code_cmp);
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < want.n; i++)
        assert_string_equal(got.codes[i], want.codes[i]);
    free(want.codes);
    free(got.codes);

    /* the default page is the cap, 2,000: the whole box in one */
    dc_reply r;
    json_t *fc = get("/v1/households?bbox=103.015,21.36,103.025,21.37", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal((long)dc_json_num(fc, "limit"), 2000);
    assert_true(json_is_null(json_object_get(fc, "next_page")));
    assert_int_equal(json_array_size(json_object_get(fc, "features")), want.n);
    json_decref(fc);
    dc_reply_free(&r);
}

/* A bad request: its status, error code, and a word of its message. */
static void assert_refused(const char *path, long status, const char *code,
                           const char *words)
{
    dc_reply r;
    json_t *j = get(path, &r);
    if (!(r.status == status && strcmp(dc_json_str(j, "error.code"), code) == 0 &&
          strstr(dc_json_str(j, "error.message"), words)))
        print_error("%s: %ld %.300s\n", path, r.status, r.body);
    assert_int_equal(r.status, status);
    assert_string_equal(dc_json_str(j, "error.code"), code);
    assert_non_null(strstr(dc_json_str(j, "error.message"), words));
    assert_string_equal(dc_json_str(j, "type"), "FeatureCollection");
    assert_int_equal(json_array_size(json_object_get(j, "features")), 0);
    json_decref(j);
    dc_reply_free(&r);
}

static void test_bad_parameters(void **state)
{
    (void)state;
    assert_refused("/v1/households?bbox=103.0,21.36,103.03,21.37", 400, "bbox_too_large",
                   "at most 0.02 degrees");
    assert_refused("/v1/households?bbox=103.0,21.36,103.01,21.39", 400, "bbox_too_large",
                   "0.0100 x 0.0300");
    assert_refused("/v1/zones", 400, "bad_parameter", "parameter bbox is missing");
    assert_refused("/v1/households?limit=5", 400, "bad_parameter", "bbox is missing");
    static const char *const bad_boxes[] = {
        "1,2,3",    "1,2,3,4,5",  "a,b,c,d", "3,2,1,4",   "1,4,3,2",  "1,95,3,96",
        "1,2,3,4,", "-181,2,3,4", "1,,3,4",  "0x1,2,3,4", "1,2,3,inf"};
    for (size_t i = 0; i < sizeof bad_boxes / sizeof bad_boxes[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/v1/zones?bbox=%s&zoom=10", bad_boxes[i]);
        assert_refused(path, 400, "bad_parameter", "parameter bbox must be");
        snprintf(path, sizeof path, "/v1/households?bbox=%s", bad_boxes[i]);
        assert_refused(path, 400, "bad_parameter", "parameter bbox must be");
    }
    assert_refused("/v1/zones?bbox=1,2,3,4&bbox=1,2,3,4", 400, "bad_parameter", "twice");
    assert_refused("/v1/zones?bbox=1,2,3,4&zoom=x", 400, "bad_parameter",
                   "parameter zoom");
    assert_refused("/v1/zones?bbox=1,2,3,4&zoom=31", 400, "bad_parameter",
                   "parameter zoom");
    assert_refused("/v1/zones?bbox=1,2,3,4&format=json", 400, "bad_parameter",
                   "parameter format");
    const char *box = "/v1/households?bbox=103.015,21.36,103.025,21.37";
    const char *const bad_pages[][2] = {{"&limit=0", "parameter limit"},
                                        {"&limit=2001", "parameter limit"},
                                        {"&limit=1.5", "parameter limit"},
                                        {"&page=-1", "parameter page"},
                                        {"&page=x", "parameter page"}};
    for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
        char path[200];
        snprintf(path, sizeof path, "%s%s", box, bad_pages[i][0]);
        assert_refused(path, 400, "bad_parameter", bad_pages[i][1]);
    }
    /* a page past the last is empty, not an error */
    dc_reply r;
    char path[200];
    snprintf(path, sizeof path, "%s&page=99", box);
    json_t *fc = get(path, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(fc, "features")), 0);
    json_decref(fc);
    dc_reply_free(&r);
    /* the one-zone route beside /v1/zones is unchanged */
    fc = get("/v1/zones/32101", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(dc_json_str(fc, "postcode"), "32101");
    json_decref(fc);
    dc_reply_free(&r);
}

static void assert_served(int at, const char *path, long status, const char *type,
                          const char *words)
{
    dc_reply r;
    if (!dc_request(curl, at, NULL, path, NULL, NULL, 0, &r))
        fail_msg("%s: transport error", path);
    if (r.status != status) print_error("%s: %ld\n", path, r.status);
    assert_int_equal(r.status, status);
    assert_true(strncmp(r.content_type, type, strlen(type)) == 0);
    if (words) assert_non_null(strstr(r.body, words));
    dc_reply_free(&r);
}

/* The page and its files; the config names the households' bounds;
 * nothing outside the web directory; --no-ui turns them all off. */
static void test_page(void **state)
{
    (void)state;
    assert_served(port, "/", 200, "text/html", "/static/leaflet/leaflet.js");
    assert_served(port, "/static/app.js", 200, "text/javascript", "/v1/zones?bbox=");
    assert_served(port, "/static/app.css", 200, "text/css", NULL);
    assert_served(port, "/static/leaflet/leaflet.js", 200, "text/javascript", "Leaflet");
    assert_served(port, "/static/leaflet/images/marker-icon.png", 200, "image/png", NULL);
    assert_served(port, "/static/config.json", 200, "application/json",
                  "\"bounds\":[21.3640201,");
    assert_served(port, "/static/nope.js", 404, "application/json", "no such file");
    assert_served(port, "/static/..%2F..%2Fetc%2Fpasswd.txt", 404, "application/json",
                  NULL);
    assert_served(port, "/static/app.js%00.txt", 400, "application/json", NULL);
    assert_served(port, "/static/", 404, "application/json", NULL);

    dc_server off;
    const char *args[] = {"--index", sample_index, "--no-ui", NULL};
    assert_true(dc_server_start(&off, diachi, args));
    assert_served(off.port, "/", 404, "application/json", "--no-ui");
    assert_served(off.port, "/static/app.js", 404, "application/json", "--no-ui");
    assert_served(off.port, "/v1/zones?bbox=1,2,3,4", 200, "application/geo+json", NULL);
    dc_assert_stops_cleanly(&off);
}

/* GET /v1/qr: the library's own SVG of the text (test_qr decodes that with
 * zbarimg), UTF-8 kept; every bad text a 400 that says what is wrong. */
static void test_qr(void **state)
{
    (void)state;
    const char *link = "http://127.0.0.1:8080/#32105-927CJ93";
    dc_reply r;
    assert_true(dc_request(curl, port, NULL,
                           "/v1/qr?text=http%3A%2F%2F127.0.0.1%3A8080%2F%2332105-927CJ93",
                           NULL, NULL, 0, &r));
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, "image/svg+xml");
    dc_qr q;
    assert_int_equal(dc_qr_encode(link, strlen(link), &q, NULL), DC_OK);
    assert_int_equal(q.version, 3);
    size_t len;
    char *svg = dc_qr_svg(&q, &len);
    assert_int_equal(r.len, len);
    assert_memory_equal(r.body, svg, len);
    free(svg);
    dc_qr_free(&q);
    dc_reply_free(&r);

    const char *addr = "Số 1138, Tổ 5";
    assert_true(dc_request(curl, port, NULL, "/v1/qr?text=S%E1%BB%91%201138%2C%20T%E1%BB%95%205",
                           NULL, NULL, 0, &r));
    assert_int_equal(r.status, 200);
    assert_int_equal(dc_qr_encode(addr, strlen(addr), &q, NULL), DC_OK);
    svg = dc_qr_svg(&q, &len);
    assert_int_equal(r.len, len);
    assert_memory_equal(r.body, svg, len);
    free(svg);
    dc_qr_free(&q);
    dc_reply_free(&r);

    char big[700] = "/v1/qr?text=";
    memset(big + strlen(big), 'a', 513);
    const struct {
        const char *path, *words;
    } bad[] = {
        {"/v1/qr", "parameter text is required"},
        {"/v1/qr?text=", "parameter text is required"},
        {"/v1/qr?text=a&text=b", "parameter text is given twice"},
        {"/v1/qr?text=a%0Ab", "control character"},
        {big, "513 bytes; a QR code here holds at most 512"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = get(bad[i].path, &r);
        if (r.status != 400) print_error("%.40s: %ld\n", bad[i].path, r.status);
        assert_int_equal(r.status, 400);
        assert_string_equal(dc_json_str(j, "error.code"), "bad_parameter");
        if (!strstr(dc_json_str(j, "error.message"), bad[i].words))
            fail_msg("%.40s: %s", bad[i].path, dc_json_str(j, "error.message"));
        json_decref(j);
        dc_reply_free(&r);
    }
}

static void test_stop(void **state)
{
    (void)state;
    dc_assert_stops_cleanly(&srv);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr,
                "usage: test_http_map DIACHI SAMPLE_INDEX LIST_HOUSEHOLDS WORKDIR\n");
        return 2;
    }
    diachi = argv[1], sample_index = argv[2], list_households = argv[3],
    workdir = argv[4];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    const char *args[] = {"--index", sample_index, NULL};
    if (!dc_server_start(&srv, diachi, args)) return 1;
    port = srv.port;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones_of_a_box),
        cmocka_unit_test(test_zones_simplified),
        cmocka_unit_test(test_households_paged),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_qr),
        cmocka_unit_test(dc_test_replies_as_documented),
        cmocka_unit_test(test_stop),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return failed;
}
