/*
 * test_olc_points - every point of tests/data/olc-points/points.csv (made by
 * make_points.py from the OLC reference rules, not from diachi) through
 * the library:
 *
 *   test_olc_points POINTS.csv INDEX
 *
 * For each row: dc_olc_encode gives the expected 11-digit Plus Code and
 * dc_olc_decode its cell and centre; the e7 position the importer would
 * store for a door there (dc_code_e7_of_point) lies strictly inside that
 * cell, codes to the same location characters (dc_code_make_e7), and
 * written with 7 decimals encodes to the same Plus Code again; and a
 * reverse lookup of the point (dc_geo_reverse) answers that Plus Code and,
 * where a zone holds the point, a code with those location characters.
 * Prints the rows and mismatches by kind; any mismatch fails.
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

#include "diachi/geocoder.h"

/* Mismatches by check, asserted to be 0 once the table is read and the
 * counts by kind printed (the report shows them all, not only the first). */
static struct {
    int fields, encode, decode, stored_code, stored_edge, stored_plus, reverse_plus,
        reverse_code;
} miss;

enum {
    F_LAT,
    F_LON,
    F_KIND,
    F_PLUS,
    F_SOUTH,
    F_WEST,
    F_NORTH,
    F_EAST,
    F_CLAT,
    F_CLON,
    NFIELDS
};

typedef struct point_row {
    char *field[NFIELDS + 1];
    int line;
} point_row;

/* Split a line of the table in place (no quoting in it). */
static int split(char *line, point_row *row)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n <= NFIELDS; n++) {
        row->field[n] = p;
        char *comma = strchr(p, ',');
        if (!comma) return n + 1;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

/* The location characters of an 11-digit Plus Code ("7PH592P9+F5C" ->
 * "92P9F5C"). */
static void location_of(const char *plus, char out[DC_CODE_LOCATION_CHARS + 1])
{
    memcpy(out, plus + 4, 4);
    memcpy(out + 4, plus + 9, 3);
    out[DC_CODE_LOCATION_CHARS] = '\0';
}

static int near(double got, const char *want)
{
    return fabs(got - strtod(want, NULL)) < 1e-9;
}

/* The code, cell and centre of the OLC functions. */
static int check_olc(const point_row *r, double lat, double lon)
{
    char plus[DC_CODE_PLUS_SIZE];
    dc_olc_area a;
    int bad = 0;
    if (dc_olc_encode(lat, lon, 11, plus, sizeof plus) != DC_OK ||
        strcmp(plus, r->field[F_PLUS]) != 0) {
        print_error("line %d: %s, %s encodes to %s, want %s\n", r->line, r->field[F_LAT],
                    r->field[F_LON], plus, r->field[F_PLUS]);
        miss.encode++;
        bad = 1;
    }
    if (dc_olc_decode(r->field[F_PLUS], &a) != DC_OK ||
        !near(a.south, r->field[F_SOUTH]) || !near(a.west, r->field[F_WEST]) ||
        !near(a.north, r->field[F_NORTH]) || !near(a.east, r->field[F_EAST]) ||
        !near(a.lat, r->field[F_CLAT]) || !near(a.lon, r->field[F_CLON])) {
        print_error("line %d: %s decodes to %.9f %.9f %.9f %.9f\n", r->line,
                    r->field[F_PLUS], a.south, a.west, a.north, a.east);
        miss.decode++;
        bad = 1;
    }
    return bad;
}

/* The position a door at the point is stored at, and its code. */
static int check_e7(const point_row *r, double lat, double lon)
{
    int32_t lat_e7, lon_e7;
    dc_code code;
    char want[DC_CODE_LOCATION_CHARS + 1], plus[DC_CODE_PLUS_SIZE], text[2][32];
    location_of(r->field[F_PLUS], want);
    if (!dc_code_e7_of_point(lat, lon, &lat_e7, &lon_e7) ||
        dc_code_make_e7(32101, lat_e7, lon_e7, &code) != DC_OK ||
        strcmp(code.location, want) != 0) {
        print_error("line %d: stored at %d %d, code %s, want %s\n", r->line, lat_e7,
                    lon_e7, code.location, want);
        miss.stored_code++;
        return 1;
    }
    /* Strictly inside: cell edges are whole e7 in latitude, whole or half
     * e7 in longitude, so compare twice the values. */
    long long s2 = llround(strtod(r->field[F_SOUTH], NULL) * 2e7),
              n2 = llround(strtod(r->field[F_NORTH], NULL) * 2e7),
              w2 = llround(strtod(r->field[F_WEST], NULL) * 2e7),
              e2 = llround(strtod(r->field[F_EAST], NULL) * 2e7);
    if (!(s2 < 2LL * lat_e7 && 2LL * lat_e7 < n2 && w2 < 2LL * lon_e7 &&
          2LL * lon_e7 < e2)) {
        print_error("line %d: stored at %d %d, on or off the edge of %s\n", r->line,
                    lat_e7, lon_e7, r->field[F_PLUS]);
        miss.stored_edge++;
        return 1;
    }
    snprintf(text[0], sizeof text[0], "%.7f", lat_e7 / 1e7);
    snprintf(text[1], sizeof text[1], "%.7f", lon_e7 / 1e7);
    dc_olc_encode(strtod(text[0], NULL), strtod(text[1], NULL), 11, plus, sizeof plus);
    if (strcmp(plus, r->field[F_PLUS]) != 0) {
        print_error("line %d: stored position %s, %s encodes to %s, want %s\n", r->line,
                    text[0], text[1], plus, r->field[F_PLUS]);
        miss.stored_plus++;
        return 1;
    }
    return 0;
}

/* A reverse lookup of the point; counts the rows a zone holds. */
static int check_reverse(dc_geo_session *s, const point_row *r, double lat, double lon,
                         int *in_zone)
{
    static dc_geo_reverse_result rr;
    char want[DC_CODE_LOCATION_CHARS + 1];
    location_of(r->field[F_PLUS], want);
    if (dc_geo_reverse(s, lat, lon, 0, 0, &rr) != DC_OK ||
        strcmp(rr.plus_code, r->field[F_PLUS]) != 0) {
        print_error("line %d: reverse %s, %s: %s, want %s\n", r->line, r->field[F_LAT],
                    r->field[F_LON], rr.plus_code, r->field[F_PLUS]);
        miss.reverse_plus++;
        return 1;
    }
    if (rr.status != DC_GEO_OK) return 0;
    (*in_zone)++;
    if (strcmp(rr.place.code.location, want) != 0) {
        print_error("line %d: reverse code %s, want location %s\n", r->line,
                    rr.place.display, want);
        miss.reverse_code++;
        return 1;
    }
    return 0;
}

#define MAX_KINDS 32

typedef struct kind_count {
    char name[24];
    int rows, bad;
} kind_count;

static kind_count *kind_of(kind_count *kinds, int *nkinds, const char *name)
{
    for (int i = 0; i < *nkinds; i++)
        if (strcmp(kinds[i].name, name) == 0) return &kinds[i];
    if (*nkinds == MAX_KINDS) return &kinds[MAX_KINDS - 1];
    kind_count *k = &kinds[(*nkinds)++];
    *k = (kind_count){.rows = 0};
    snprintf(k->name, sizeof k->name, "%s", name);
    return k;
}

/* The ends of the globe and what is refused. */
static void test_bounds(void **state)
{
    (void)state;
    int32_t la = 1, lo = 1;
    assert_false(dc_code_e7_of_point(NAN, 103.0, &la, &lo));
    assert_int_equal(la, 1);
    assert_false(dc_code_e7_of_point(90.5, 103.0, &la, &lo));
    assert_int_equal(la, 1);
    assert_false(dc_code_e7_of_point(21.0, INFINITY, &la, &lo));
    assert_int_equal(la, 1);
    /* 90 N is in the last row; 180 E is -180 (OLC normalises it). */
    assert_true(dc_code_e7_of_point(90.0, 180.0, &la, &lo));
    assert_int_equal(la, 899999999);
    assert_int_equal(lo, -1799999999);
    assert_true(dc_code_e7_of_point(-90.0, -180.0, &la, &lo));
    assert_int_equal(la, -899999999);
    assert_int_equal(lo, -1799999999);
    /* 283.0170156 E is -76.9829844 E. */
    assert_true(dc_code_e7_of_point(21.3860125, 283.0170156, &la, &lo));
    assert_int_equal(la, 213860125);
    assert_int_equal(lo, -769829844);
}

static const char *points_path, *index_path;

static void test_points(void **state)
{
    (void)state;
    FILE *f = fopen(points_path, "r");
    dc_geo *geo;
    dc_geo_session *s;
    dc_error err;
    assert_non_null(f);
    assert_int_equal(dc_geo_open(index_path, &geo, &err), DC_OK);
    dc_geo_session_begin(geo, &s);
    char line[512];
    kind_count kinds[MAX_KINDS];
    int nkinds = 0, rows = 0, in_zone = 0;
    point_row r = {.line = 1};
    assert_true(fgets(line, sizeof line, f));
    assert_int_equal(strncmp(line, "lat,lon,kind,plus_code", 22), 0);
    while (fgets(line, sizeof line, f)) {
        r.line++;
        if (split(line, &r) != NFIELDS + 1) {
            print_error("line %d: %d fields\n", r.line, split(line, &r));
            miss.fields++;
            continue;
        }
        double lat = strtod(r.field[F_LAT], NULL), lon = strtod(r.field[F_LON], NULL);
        kind_count *k = kind_of(kinds, &nkinds, r.field[F_KIND]);
        k->rows++;
        rows++;
        k->bad += check_olc(&r, lat, lon) | check_e7(&r, lat, lon) |
                  check_reverse(s, &r, lat, lon, &in_zone);
    }
    fclose(f);
    dc_geo_session_end(s);
    dc_geo_close(geo);
    int failures = miss.fields + miss.encode + miss.decode + miss.stored_code +
                   miss.stored_edge + miss.stored_plus + miss.reverse_plus +
                   miss.reverse_code;
    for (int i = 0; i < nkinds; i++)
        printf("%-12s %5d rows, %d mismatches\n", kinds[i].name, kinds[i].rows,
               kinds[i].bad);
    printf("olc points: %d rows, %d in a zone of the index, %d failures\n", rows, in_zone,
           failures);
    assert_int_equal(miss.fields, 0);
    assert_int_equal(miss.encode, 0);
    assert_int_equal(miss.decode, 0);
    assert_int_equal(miss.stored_code, 0);
    assert_int_equal(miss.stored_edge, 0);
    assert_int_equal(miss.stored_plus, 0);
    assert_int_equal(miss.reverse_plus, 0);
    assert_int_equal(miss.reverse_code, 0);
    if (!(rows >= 10000)) print_error("only %d rows\n", rows);
    assert_true(rows >= 10000);
    assert_true(in_zone > 0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_olc_points POINTS.csv INDEX\n");
        return 2;
    }
    points_path = argv[1];
    index_path = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
