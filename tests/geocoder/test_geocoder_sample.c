/*
 * test_geocoder_sample - the engine on a real index:
 *
 *   test_geocoder_sample forward INDEX     every household's code, in every form
 *   test_geocoder_sample reverse INDEX     every household's position, the 103 E
 *                                          meridian, every zone, the sea
 *   test_geocoder_sample typos INDEX [STRIDE]
 *                                          every one-character substitution and
 *                                          adjacent swap of every registered code
 *                                          (of every STRIDE-th code); prints the
 *                                          flagged and top-3 percentages
 *   test_geocoder_sample enclave INDEX     the edge map with a zone in a hole
 *   test_geocoder_sample statuses INDEX    one case of every forward status
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"

static dc_geo *geo;
static dc_geo_forward_result fr, fr2;
static dc_geo_reverse_result rr;

static uint32_t households(void)
{
    return (uint32_t)dc_index_info(dc_geo_index(geo))->households;
}

static int cell_contains(const dc_olc_area *c, int32_t lat_e7, int32_t lon_e7)
{
    double lat = lat_e7 / 1e7, lon = lon_e7 / 1e7, eps = 1e-9;
    return lat >= c->south - eps && lat < c->north + eps && lon >= c->west - eps &&
           lon < c->east + eps;
}

static int has_household(const dc_geo_forward_result *r, uint32_t number)
{
    for (size_t i = 0; i < r->nhouseholds; i++)
        if (r->households[i].number == number) return 1;
    return 0;
}

static dc_err forward(dc_geo_session *s, const char *text, dc_geo_forward_result *r)
{
    return dc_geo_forward(s, text, strlen(text), r);
}

/* ---- 1. forward ------------------------------------------------------------ */

/* The same answer as @p want for another form of the code. */
static void check_same(dc_geo_session *s, const char *form, uint32_t number)
{
    dc_err rc = forward(s, form, &fr2);
    if (rc != DC_OK) print_error("%s\n", form);
    assert_int_equal(rc, DC_OK);
    if (!(fr2.status == DC_GEO_OK && has_household(&fr2, number) &&
          strcmp(fr2.place.compact, fr.place.compact) == 0))
        print_error("%s: %s, not household %u\n", form, dc_geo_status_name(fr2.status),
                    number);
    assert_int_equal(fr2.status, DC_GEO_OK);
    assert_true(has_household(&fr2, number));
    assert_string_equal(fr2.place.compact, fr.place.compact);
}

static void lenient_forms(const char *compact, char lower[32], char spaced[32],
                          char noplus[32])
{
    for (int i = 0; i < 12; i++)
        lower[i] = (char)(compact[i] >= 'A' ? compact[i] + 32 : compact[i]);
    lower[12] = '\0';
    snprintf(spaced, 32, " %.3s %.2s-%.3s . %.4s ", compact, compact + 3, compact + 5,
             compact + 8);
    snprintf(noplus, 32, "%.5s %.7s", compact, compact + 5);
}

/* dc_geo_forward_code gives dc_geo_forward's answer for a code parsed
 * already: every household's code and a slip of each (a character replaced:
 * unregistered, outside its zone, an unknown postcode, or malformed), the
 * status, place, households and suggestions compared. */
static void test_forward_code(void **state)
{
    (void)state;
    dc_geo_session *s;
    static dc_geo_forward_result a, b;
    uint32_t n = households(), compared = 0, statuses[DC_GEO_OUT_OF_COVERAGE + 1] = {0};
    dc_geo_session_begin(geo, &s);
    for (uint32_t i = 0; i < n; i += 3) {
        dc_household h;
        assert_int_equal(dc_index_household(dc_geo_session_txn(s), i, &h), DC_OK);
        char text[DC_CODE_COMPACT_SIZE];
        dc_code_format(&h.code, DC_CODE_COMPACT, text, sizeof text);
        for (int slip = 0; slip < 2; slip++) {
            if (slip) text[i % 12] = "23456789CFGHJMPQRVWX"[(i / 12) % 20];
            dc_code code;
            if (dc_code_parse(text, 12, &code, NULL) != DC_OK) continue;
            assert_int_equal(dc_geo_forward(s, text, 12, &a), DC_OK);
            assert_int_equal(dc_geo_forward_code(s, &code, text, 12, &b), DC_OK);
            assert_int_equal(a.status, b.status);
            assert_int_equal(a.has_place, b.has_place);
            assert_int_equal(a.has_zone, b.has_zone);
            if (a.has_place) assert_string_equal(a.place.compact, b.place.compact);
            assert_int_equal(a.household_count, b.household_count);
            assert_int_equal(a.nhouseholds, b.nhouseholds);
            for (size_t k = 0; k < a.nhouseholds; k++)
                assert_int_equal(a.households[k].number, b.households[k].number);
            assert_int_equal(a.nsuggestions, b.nsuggestions);
            for (size_t k = 0; k < a.nsuggestions; k++)
                assert_string_equal(a.suggestions[k].place.compact,
                                    b.suggestions[k].place.compact);
            statuses[a.status]++;
            compared++;
        }
    }
    printf("forward_code: %u compared: %u ok, %u unregistered, %u unknown postcode, "
           "%u outside their zone\n",
           compared, statuses[DC_GEO_OK], statuses[DC_GEO_UNREGISTERED],
           statuses[DC_GEO_UNKNOWN_POSTCODE], statuses[DC_GEO_CODE_OUTSIDE_ZONE]);
    /* every kind of answer a code can get was among them */
    assert_true(statuses[DC_GEO_OK] > 7000);
    assert_true(statuses[DC_GEO_UNREGISTERED] > 100);
    assert_true(statuses[DC_GEO_UNKNOWN_POSTCODE] > 10);
    assert_true(statuses[DC_GEO_CODE_OUTSIDE_ZONE] > 10);
    assert_true(compared > 12000);
    dc_code c;
    assert_int_equal(dc_code_parse("3210192P9F5C", 12, &c, NULL), DC_OK);
    assert_int_equal(dc_geo_forward_code(NULL, &c, "x", 1, &a), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_forward_code(s, NULL, "x", 1, &a), DC_E_INVALID_ARG);
    dc_geo_session_end(s);
}

static void test_forward(void **state)
{
    (void)state;
    dc_geo_session *s;
    uint32_t n = households(), plus_same_household = 0;
    dc_geo_session_begin(geo, &s);
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        char display[DC_CODE_DISPLAY_SIZE], f1[32], f2[32], f3[32];
        dc_err rc = dc_index_household(dc_geo_session_txn(s), i, &h);
        if (rc != DC_OK) print_error("household %u\n", i);
        assert_int_equal(rc, DC_OK);
        dc_code_format(&h.code, DC_CODE_DISPLAY, display, sizeof display);
        rc = forward(s, display, &fr);
        if (rc != DC_OK) print_error("%s\n", display);
        assert_int_equal(rc, DC_OK);
        if (!(fr.status == DC_GEO_OK && has_household(&fr, i)))
            print_error("%s: %s\n", display, dc_geo_status_name(fr.status));
        assert_int_equal(fr.status, DC_GEO_OK);
        assert_true(has_household(&fr, i));
        if (!(cell_contains(&fr.place.cell, h.lat_e7, h.lon_e7)))
            print_error("%s: cell misses door\n", display);
        assert_true(cell_contains(&fr.place.cell, h.lat_e7, h.lon_e7));
        if (!(fr.zone.postcode == h.postcode))
            print_error("%s: zone %u\n", display, fr.zone.postcode);
        assert_int_equal(fr.zone.postcode, h.postcode);
        lenient_forms(fr.place.compact, f1, f2, f3);
        check_same(s, f1, i);
        check_same(s, f2, i);
        check_same(s, f3, i);
        /* The Plus Code names the same place (the same ~3 m cell). */
        char plus[DC_CODE_PLUS_SIZE];
        memcpy(plus, fr.place.plus_code, sizeof plus);
        rc = forward(s, plus, &fr2);
        if (rc != DC_OK || !fr2.from_plus_code) print_error("%s\n", plus);
        assert_int_equal(rc, DC_OK);
        assert_true(fr2.from_plus_code);
        if (!(fr2.has_place && fabs(fr2.place.cell.lat - fr.place.cell.lat) < 1e-9 &&
              fabs(fr2.place.cell.lon - fr.place.cell.lon) < 1e-9))
            print_error("%s: another place\n", plus);
        assert_true(fr2.has_place);
        assert_true(fabs(fr2.place.cell.lat - fr.place.cell.lat) < 1e-9);
        assert_true(fabs(fr2.place.cell.lon - fr.place.cell.lon) < 1e-9);
        plus_same_household += fr2.status == DC_GEO_OK && has_household(&fr2, i);
    }
    dc_geo_session_end(s);
    printf("forward: %u households, every code in 4 forms; Plus Code gave the same "
           "household for %u\n",
           n, plus_same_household);
    if (!(plus_same_household == n))
        print_error("Plus Code: %u of %u\n", plus_same_household, n);
    assert_int_equal(plus_same_household, n);
}

/* ---- 3. reverse ----------------------------------------------------------- */

static void reverse_households(dc_geo_session *s, int zones_seen[100000])
{
    uint32_t n = households();
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        dc_index_household(dc_geo_session_txn(s), i, &h);
        dc_err rc = dc_geo_reverse(s, h.lat_e7 / 1e7, h.lon_e7 / 1e7, 5, 1, &rr);
        if (rc != DC_OK) print_error("%u\n", i);
        assert_int_equal(rc, DC_OK);
        if (!(rr.status == DC_GEO_OK && rr.zone.postcode == h.postcode))
            print_error("household %u: zone\n", i);
        assert_int_equal(rr.status, DC_GEO_OK);
        assert_int_equal(rr.zone.postcode, h.postcode);
        if (!(rr.nneighbours == 1 && rr.neighbours[0].distance_m < 0.5 &&
              (rr.neighbours[0].household.number == i ||
               dc_code_equal(&rr.neighbours[0].household.code, &h.code))))
            print_error("household %u: nearest is %u\n", i,
                        rr.nneighbours ? rr.neighbours[0].household.number : 0);
        assert_int_equal(rr.nneighbours, 1);
        assert_true(rr.neighbours[0].distance_m < 0.5);
        assert_true(rr.neighbours[0].household.number == i ||
                    dc_code_equal(&rr.neighbours[0].household.code, &h.code));
        if (!(dc_code_equal(&rr.place.code, &h.code)))
            print_error("household %u: point's code\n", i);
        assert_true(dc_code_equal(&rr.place.code, &h.code));
        zones_seen[h.postcode] = 1;
    }
}

/* Points on 103 E, across the sample map: each in a zone that holds it,
 * with a code that leads back to a cell holding the point. */
static int reverse_meridian(dc_geo_session *s)
{
    const dc_index_meta *m = dc_index_info(dc_geo_index(geo));
    int in_zone = 0;
    for (int32_t lat = m->south_e7; lat <= m->north_e7; lat += 2000) {
        dc_err rc = dc_geo_reverse(s, lat / 1e7, 103.0, 100, 10, &rr);
        if (rc != DC_OK) print_error("lat %d\n", lat);
        assert_int_equal(rc, DC_OK);
        if (rr.status != DC_GEO_OK) continue;
        in_zone++;
        if (!(dc_polygon_contains(&rr.zone.polygon, lat, 1030000000)))
            print_error("lat %d\n", lat);
        assert_true(dc_polygon_contains(&rr.zone.polygon, lat, 1030000000));
        if (!(strncmp(rr.place.plus_code, "7PH5", 4) == 0))
            print_error("%s on 103 E\n", rr.place.plus_code);
        assert_int_equal(strncmp(rr.place.plus_code, "7PH5", 4), 0);
        char code[DC_CODE_DISPLAY_SIZE];
        memcpy(code, rr.place.display, sizeof code);
        rc = forward(s, code, &fr);
        if (rc != DC_OK || !fr.has_place ||
            !cell_contains(&fr.place.cell, lat, 1030000000) ||
            (fr.status != DC_GEO_OK && fr.status != DC_GEO_UNREGISTERED))
            print_error("%s: %s\n", code, dc_geo_status_name(fr.status));
        assert_int_equal(rc, DC_OK);
        assert_true(fr.has_place);
        assert_true(cell_contains(&fr.place.cell, lat, 1030000000));
        assert_true(fr.status == DC_GEO_OK || fr.status == DC_GEO_UNREGISTERED);
        for (size_t k = 1; k < rr.nneighbours; k++)
            assert_true(rr.neighbours[k - 1].distance_m <= rr.neighbours[k].distance_m);
    }
    return in_zone;
}

static void test_reverse(void **state)
{
    (void)state;
    static int zones_seen[100000];
    dc_geo_session *s;
    dc_geo_session_begin(geo, &s);
    reverse_households(s, zones_seen);
    int zones = 0;
    for (int i = 0; i < 100000; i++)
        zones += zones_seen[i];
    if (!((uint64_t)zones == dc_index_info(dc_geo_index(geo))->zones))
        print_error("%d zones\n", zones);
    assert_int_equal((uint64_t)zones, dc_index_info(dc_geo_index(geo))->zones);
    int meridian = reverse_meridian(s);
    if (!(meridian > 100)) print_error("only %d points on 103 E in a zone\n", meridian);
    assert_true(meridian > 100);
    /* The sea (Gulf of Tonkin) and the Gulf of Guinea. */
    static const double sea[][2] = {{20.0, 107.5}, {0.0, 0.0}, {-90.0, 180.0}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(dc_geo_reverse(s, sea[i][0], sea[i][1], 1000, 100, &rr), DC_OK);
        if (!(rr.status == DC_GEO_OUT_OF_COVERAGE && !rr.has_zone && rr.nneighbours == 0))
            print_error("sea %zu: %s\n", i, dc_geo_status_name(rr.status));
        assert_int_equal(rr.status, DC_GEO_OUT_OF_COVERAGE);
        assert_false(rr.has_zone);
        assert_int_equal(rr.nneighbours, 0);
    }
    /* Radius and limit bounds, and limit 0 (zone only). */
    assert_int_equal(dc_geo_reverse(s, 21.38, 103.01, 1000.5, 1, &rr), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_reverse(s, 21.38, 103.01, 50, 101, &rr), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_reverse(s, NAN, 103.01, 50, 1, &rr), DC_E_INVALID_ARG);
    assert_int_equal(dc_geo_reverse(s, 91, 103.01, 50, 1, &rr), DC_E_INVALID_ARG);
    dc_geo_session_end(s);
    printf("reverse: %u households, %d zones, %d points on 103 E\n", households(), zones,
           meridian);
}

/* ---- 2. typos --------------------------------------------------------------- */

typedef struct typo_counts {
    uint64_t typos, flagged, top3, top1;
    uint64_t errors; /* lookups that failed: asserted after the join, since
                        cmocka's assertions belong to the main thread */
} typo_counts;

typedef struct typo_job {
    uint32_t start, stride;
    typo_counts counts;
} typo_job;

static int rank_of(const dc_geo_forward_result *r, const dc_code *want)
{
    for (size_t i = 0; i < r->nsuggestions; i++)
        if (dc_code_equal(&r->suggestions[i].place.code, want)) return (int)i;
    return -1;
}

static void one_typo(dc_geo_session *s, const char *typo, const dc_code *orig,
                     dc_geo_forward_result *r, typo_counts *c)
{
    c->typos++;
    if (dc_geo_forward(s, typo, 12, r) != DC_OK) {
        print_error("%s: error\n", typo);
        c->errors++;
        return;
    }
    if (r->status == DC_GEO_OK) return; /* another household's code */
    c->flagged++;
    int rank = rank_of(r, orig);
    c->top3 += rank >= 0 && rank < 3;
    c->top1 += rank == 0;
}

static void typos_of(dc_geo_session *s, const dc_code *code, dc_geo_forward_result *r,
                     typo_counts *c)
{
    static const char *const digits = "0123456789", *const alphabet =
                                                        "23456789CFGHJMPQRVWX";
    char compact[DC_CODE_COMPACT_SIZE], typo[DC_CODE_COMPACT_SIZE];
    dc_code_format(code, DC_CODE_COMPACT, compact, sizeof compact);
    for (int i = 0; i < 12; i++)
        for (const char *a = i < 5 ? digits : alphabet; *a; a++) {
            if (*a == compact[i]) continue;
            memcpy(typo, compact, sizeof typo);
            typo[i] = *a;
            one_typo(s, typo, code, r, c);
        }
    for (int i = 0; i < 11; i++) {
        if (compact[i] == compact[i + 1]) continue;
        memcpy(typo, compact, sizeof typo);
        typo[i] = compact[i + 1];
        typo[i + 1] = compact[i];
        one_typo(s, typo, code, r, c);
    }
}

static void *typo_worker(void *arg)
{
    typo_job *job = arg;
    dc_geo_forward_result *r = malloc(sizeof *r);
    dc_geo_session *s;
    dc_code last = {0};
    uint32_t n = households(), code_number = 0;
    dc_geo_session_begin(geo, &s);
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        dc_index_household(dc_geo_session_txn(s), i, &h);
        if (i > 0 && dc_code_equal(&h.code, &last)) continue; /* a door-mate */
        last = h.code;
        if (code_number++ % job->stride == job->start)
            typos_of(s, &h.code, r, &job->counts);
    }
    dc_geo_session_end(s);
    free(r);
    return NULL;
}

static uint32_t typo_stride = 1;

static void test_typos(void **state)
{
    (void)state;
    uint32_t stride = typo_stride;
    typo_job jobs[2] = {{0, 2 * stride, {0}}, {stride, 2 * stride, {0}}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, typo_worker, &jobs[i]);
    typo_counts c = {0};
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        c.typos += jobs[i].counts.typos;
        c.flagged += jobs[i].counts.flagged;
        c.top3 += jobs[i].counts.top3;
        c.top1 += jobs[i].counts.top1;
        c.errors += jobs[i].counts.errors;
    }
    assert_int_equal(c.errors, 0);
    double flagged = 100.0 * c.flagged / c.typos, top3 = 100.0 * c.top3 / c.flagged;
    printf("typos: %llu one-character substitutions and adjacent swaps of every %u%s "
           "registered code\n",
           (unsigned long long)c.typos, stride, stride == 1 ? "st" : "th");
    printf("typos: %.2f%% flagged (not ok for another household); %.2f%% of those have "
           "the original among the first 3 suggestions (%.2f%% first)\n",
           flagged, top3, 100.0 * c.top1 / c.flagged);
    if (!(flagged >= 99.0)) print_error("flagged %.2f%% < 99%%\n", flagged);
    assert_true(flagged >= 99.0);
    if (!(top3 >= 95.0)) print_error("top 3 %.2f%% < 95%%\n", top3);
    assert_true(top3 >= 95.0);
}

/* ---- statuses ----------------------------------------------------------------- */

static void test_statuses(void **state)
{
    (void)state;
    dc_geo_session *s;
    dc_household h;
    char display[DC_CODE_DISPLAY_SIZE], text[64];
    dc_geo_session_begin(geo, &s);
    dc_index_household(dc_geo_session_txn(s), households() / 2, &h);
    dc_code_format(&h.code, DC_CODE_DISPLAY, display, sizeof display);

    assert_int_equal(forward(s, "32101 92P9+F5I", &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_MALFORMED);
    assert_int_equal(fr.error.code, DC_E_CODE_CHAR);
    assert_string_equal(fr.error.message, "character 14 'I' is not in the code alphabet");
    assert_int_equal(forward(s, "", &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_MALFORMED);
    assert_int_equal(fr.error.code, DC_E_CODE_EMPTY);
    snprintf(text, sizeof text, "99999%s", display + 5);
    assert_int_equal(forward(s, text, &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_UNKNOWN_POSTCODE);
    /* A missing character: the insertion that restores it comes first. */
    snprintf(text, sizeof text, "%.9s%s", display, display + 10);
    assert_int_equal(forward(s, text, &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_MALFORMED);
    assert_int_equal(fr.error.code, DC_E_CODE_LENGTH);
    assert_true(rank_of(&fr, &h.code) >= 0);
    assert_true(rank_of(&fr, &h.code) < 3);
    /* An extra character. */
    snprintf(text, sizeof text, "%.8sC%s", display, display + 8);
    assert_int_equal(forward(s, text, &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_MALFORMED);
    assert_true(rank_of(&fr, &h.code) >= 0);
    assert_true(rank_of(&fr, &h.code) < 3);
    /* Another zone's postcode on this place: outside, with the right zone. */
    snprintf(text, sizeof text, "%05u%s", h.postcode == 32101 ? 32112u : 32101u,
             display + 5);
    assert_int_equal(forward(s, text, &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_CODE_OUTSIDE_ZONE);
    assert_true(fr.has_actual_zone);
    assert_int_equal(fr.actual_zone.postcode, h.postcode);
    assert_true(dc_code_equal(&fr.corrected.code, &h.code));
    /* An unregistered place near the door: still a place, with the door near. */
    assert_int_equal(
        dc_geo_reverse(s, h.lat_e7 / 1e7 + 0.00004, h.lon_e7 / 1e7, 0, 0, &rr), DC_OK);
    memcpy(text, rr.place.display, DC_CODE_DISPLAY_SIZE);
    assert_int_equal(forward(s, text, &fr), DC_OK);
    if (fr.status == DC_GEO_UNREGISTERED) {
        if (!(fr.has_place && fr.has_zone && fr.nnearby > 0 &&
              fr.nearby[0].distance_m < 20))
            print_error("%s: nearby\n", text);
        assert_true(fr.has_place);
        assert_true(fr.has_zone);
        assert_true(fr.nnearby > 0);
        assert_true(fr.nearby[0].distance_m < 20);
        for (size_t k = 1; k < fr.nnearby; k++)
            assert_true(fr.nearby[k - 1].distance_m <= fr.nearby[k].distance_m);
    }
    /* A Plus Code in the sea. */
    assert_int_equal(forward(s, "7PJ7XXXX+XXX", &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_OUT_OF_COVERAGE);
    dc_zone z;
    assert_int_equal(dc_geo_zone(s, h.postcode, &z), DC_OK);
    assert_true(z.household_count > 0);
    assert_true(dc_polygon_contains(&z.polygon, h.lat_e7, h.lon_e7));
    assert_int_equal(dc_geo_zone(s, 99999, &z), DC_E_NOT_FOUND);
    dc_geo_session_end(s);
    printf("statuses: every forward status checked\n");
}

/* ---- the enclave edge map ------------------------------------------------------ */

static void test_enclave(void **state)
{
    (void)state;
    dc_geo_session *s;
    dc_zone ring, hole;
    dc_geo_session_begin(geo, &s);
    assert_int_equal(dc_geo_zone(s, 32101, &ring), DC_OK);
    assert_int_equal(dc_geo_zone(s, 32102, &hole), DC_OK);
    /* The centre of the hole lies in 32101's bounding box, not in 32101. */
    double lat = (hole.south_e7 + hole.north_e7) / 2e7,
           lon = (hole.west_e7 + hole.east_e7) / 2e7;
    assert_int_equal(dc_geo_reverse(s, lat, lon, 1000, 100, &rr), DC_OK);
    assert_int_equal(rr.status, DC_GEO_OK);
    assert_int_equal(rr.zone.postcode, 32102);
    if (!(rr.nneighbours == 2))
        print_error("%zu households within 1 km\n", rr.nneighbours);
    assert_int_equal(rr.nneighbours, 2);
    for (size_t i = 0; i < rr.nneighbours; i++)
        assert_int_equal(rr.neighbours[i].other_zone,
                         (rr.neighbours[i].household.postcode != 32102));
    /* Halfway between the hole's edge and the ring's: 32101. */
    double lat2 = (ring.south_e7 + hole.south_e7) / 2e7;
    assert_int_equal(dc_geo_reverse(s, lat2, lon, 10, 5, &rr), DC_OK);
    assert_int_equal(rr.status, DC_GEO_OK);
    assert_int_equal(rr.zone.postcode, 32101);
    /* The hole's code given with the ring's postcode: the enclave is named. */
    assert_int_equal(dc_geo_reverse(s, lat, lon, 0, 0, &rr), DC_OK);
    char text[32];
    snprintf(text, sizeof text, "32101%.9s", rr.place.display + 5);
    assert_int_equal(forward(s, text, &fr), DC_OK);
    assert_int_equal(fr.status, DC_GEO_CODE_OUTSIDE_ZONE);
    assert_true(fr.has_actual_zone);
    assert_int_equal(fr.actual_zone.postcode, 32102);
    dc_geo_session_end(s);
    printf("enclave: the hole answers 32102, the ring 32101\n");
}

int main(int argc, char **argv)
{
    dc_error err;
    if (argc < 3) {
        fprintf(stderr,
                "usage: test_geocoder_sample "
                "forward|forward_code|reverse|typos|statuses|enclave INDEX [STRIDE]\n");
        return 2;
    }
    if (dc_geo_open(argv[2], &geo, &err) != DC_OK) {
        fprintf(stderr, "test_geocoder_sample: %s\n", err.message);
        return 3;
    }
    /* One mode, one test: ctest runs each mode as its own test. */
    static const char *const modes[] = {"forward", "forward_code", "reverse", "typos",
                                        "statuses", "enclave"};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward), cmocka_unit_test(test_forward_code),
        cmocka_unit_test(test_reverse), cmocka_unit_test(test_typos),
        cmocka_unit_test(test_statuses), cmocka_unit_test(test_enclave),
    };
    if (argc > 3) typo_stride = (uint32_t)atoi(argv[3]);
    int failed = 1;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(argv[1], modes[i]) == 0)
            failed = _cmocka_run_group_tests(modes[i], &tests[i], 1, NULL, NULL);
    dc_geo_close(geo);
    return failed ? 1 : 0;
}
