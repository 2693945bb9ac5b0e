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
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"
#include "support.h"

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
    CHECK(forward(s, form, &fr2) == DC_OK, "%s", form);
    CHECK(fr2.status == DC_GEO_OK && has_household(&fr2, number) &&
              strcmp(fr2.place.compact, fr.place.compact) == 0,
          "%s: %s, not household %u", form, dc_geo_status_name(fr2.status), number);
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

static int run_forward(void)
{
    dc_geo_session *s;
    uint32_t n = households(), plus_same_household = 0;
    dc_geo_session_begin(geo, &s);
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        char display[DC_CODE_DISPLAY_SIZE], f1[32], f2[32], f3[32];
        CHECK(dc_index_household(dc_geo_session_txn(s), i, &h) == DC_OK, "household %u",
              i);
        dc_code_format(&h.code, DC_CODE_DISPLAY, display, sizeof display);
        CHECK(forward(s, display, &fr) == DC_OK, "%s", display);
        CHECK(fr.status == DC_GEO_OK && has_household(&fr, i), "%s: %s", display,
              dc_geo_status_name(fr.status));
        CHECK(cell_contains(&fr.place.cell, h.lat_e7, h.lon_e7), "%s: cell misses door",
              display);
        CHECK(fr.zone.postcode == h.postcode, "%s: zone %u", display, fr.zone.postcode);
        lenient_forms(fr.place.compact, f1, f2, f3);
        check_same(s, f1, i);
        check_same(s, f2, i);
        check_same(s, f3, i);
        /* The Plus Code names the same place (the same ~3 m cell). */
        char plus[DC_CODE_PLUS_SIZE];
        memcpy(plus, fr.place.plus_code, sizeof plus);
        CHECK(forward(s, plus, &fr2) == DC_OK && fr2.from_plus_code, "%s", plus);
        CHECK(fr2.has_place && fabs(fr2.place.cell.lat - fr.place.cell.lat) < 1e-9 &&
                  fabs(fr2.place.cell.lon - fr.place.cell.lon) < 1e-9,
              "%s: another place", plus);
        plus_same_household += fr2.status == DC_GEO_OK && has_household(&fr2, i);
    }
    dc_geo_session_end(s);
    printf("forward: %u households, every code in 4 forms; Plus Code gave the same "
           "household for %u\n",
           n, plus_same_household);
    CHECK(plus_same_household == n, "Plus Code: %u of %u", plus_same_household, n);
    return dc_check_failures;
}

/* ---- 3. reverse ----------------------------------------------------------- */

static void reverse_households(dc_geo_session *s, int zones_seen[100000])
{
    uint32_t n = households();
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        dc_index_household(dc_geo_session_txn(s), i, &h);
        CHECK(dc_geo_reverse(s, h.lat_e7 / 1e7, h.lon_e7 / 1e7, 5, 1, &rr) == DC_OK, "%u",
              i);
        CHECK(rr.status == DC_GEO_OK && rr.zone.postcode == h.postcode,
              "household %u: zone", i);
        CHECK(rr.nneighbours == 1 && rr.neighbours[0].distance_m < 0.5 &&
                  (rr.neighbours[0].household.number == i ||
                   dc_code_equal(&rr.neighbours[0].household.code, &h.code)),
              "household %u: nearest is %u", i,
              rr.nneighbours ? rr.neighbours[0].household.number : 0);
        CHECK(dc_code_equal(&rr.place.code, &h.code), "household %u: point's code", i);
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
        CHECK(dc_geo_reverse(s, lat / 1e7, 103.0, 100, 10, &rr) == DC_OK, "lat %d", lat);
        if (rr.status != DC_GEO_OK) continue;
        in_zone++;
        CHECK(dc_polygon_contains(&rr.zone.polygon, lat, 1030000000), "lat %d", lat);
        CHECK(strncmp(rr.place.plus_code, "7PH5", 4) == 0, "%s on 103 E",
              rr.place.plus_code);
        char code[DC_CODE_DISPLAY_SIZE];
        memcpy(code, rr.place.display, sizeof code);
        CHECK(forward(s, code, &fr) == DC_OK && fr.has_place &&
                  cell_contains(&fr.place.cell, lat, 1030000000) &&
                  (fr.status == DC_GEO_OK || fr.status == DC_GEO_UNREGISTERED),
              "%s: %s", code, dc_geo_status_name(fr.status));
        for (size_t k = 1; k < rr.nneighbours; k++)
            CHECK(rr.neighbours[k - 1].distance_m <= rr.neighbours[k].distance_m,
                  "order");
    }
    return in_zone;
}

static int run_reverse(void)
{
    static int zones_seen[100000];
    dc_geo_session *s;
    dc_geo_session_begin(geo, &s);
    reverse_households(s, zones_seen);
    int zones = 0;
    for (int i = 0; i < 100000; i++)
        zones += zones_seen[i];
    CHECK((uint64_t)zones == dc_index_info(dc_geo_index(geo))->zones, "%d zones", zones);
    int meridian = reverse_meridian(s);
    CHECK(meridian > 100, "only %d points on 103 E in a zone", meridian);
    /* The sea (Gulf of Tonkin) and the Gulf of Guinea. */
    static const double sea[][2] = {{20.0, 107.5}, {0.0, 0.0}, {-90.0, 180.0}};
    for (size_t i = 0; i < 3; i++) {
        CHECK(dc_geo_reverse(s, sea[i][0], sea[i][1], 1000, 100, &rr) == DC_OK, "sea");
        CHECK(rr.status == DC_GEO_OUT_OF_COVERAGE && !rr.has_zone && rr.nneighbours == 0,
              "sea %zu: %s", i, dc_geo_status_name(rr.status));
    }
    /* Radius and limit bounds, and limit 0 (zone only). */
    CHECK(dc_geo_reverse(s, 21.38, 103.01, 1000.5, 1, &rr) == DC_E_INVALID_ARG, "radius");
    CHECK(dc_geo_reverse(s, 21.38, 103.01, 50, 101, &rr) == DC_E_INVALID_ARG, "limit");
    CHECK(dc_geo_reverse(s, NAN, 103.01, 50, 1, &rr) == DC_E_INVALID_ARG, "NaN");
    CHECK(dc_geo_reverse(s, 91, 103.01, 50, 1, &rr) == DC_E_INVALID_ARG, "latitude");
    dc_geo_session_end(s);
    printf("reverse: %u households, %d zones, %d points on 103 E\n", households(), zones,
           meridian);
    return dc_check_failures;
}

/* ---- 2. typos --------------------------------------------------------------- */

typedef struct typo_counts {
    uint64_t typos, flagged, top3, top1;
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
        CHECK(0, "%s: error", typo);
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

static int run_typos(uint32_t stride)
{
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
    }
    double flagged = 100.0 * c.flagged / c.typos, top3 = 100.0 * c.top3 / c.flagged;
    printf("typos: %llu one-character substitutions and adjacent swaps of every %u%s "
           "registered code\n",
           (unsigned long long)c.typos, stride, stride == 1 ? "st" : "th");
    printf("typos: %.2f%% flagged (not ok for another household); %.2f%% of those have "
           "the original among the first 3 suggestions (%.2f%% first)\n",
           flagged, top3, 100.0 * c.top1 / c.flagged);
    CHECK(flagged >= 99.0, "flagged %.2f%% < 99%%", flagged);
    CHECK(top3 >= 95.0, "top 3 %.2f%% < 95%%", top3);
    return dc_check_failures;
}

/* ---- statuses ----------------------------------------------------------------- */

static int run_statuses(void)
{
    dc_geo_session *s;
    dc_household h;
    char display[DC_CODE_DISPLAY_SIZE], text[64];
    dc_geo_session_begin(geo, &s);
    dc_index_household(dc_geo_session_txn(s), households() / 2, &h);
    dc_code_format(&h.code, DC_CODE_DISPLAY, display, sizeof display);

    CHECK(forward(s, "32101 92P9+F5I", &fr) == DC_OK && fr.status == DC_GEO_MALFORMED &&
              fr.error.code == DC_E_CODE_CHAR &&
              strcmp(fr.error.message, "character 14 'I' is not in the code alphabet") ==
                  0,
          "malformed: %s", fr.error.message);
    CHECK(forward(s, "", &fr) == DC_OK && fr.status == DC_GEO_MALFORMED &&
              fr.error.code == DC_E_CODE_EMPTY,
          "empty");
    snprintf(text, sizeof text, "99999%s", display + 5);
    CHECK(forward(s, text, &fr) == DC_OK && fr.status == DC_GEO_UNKNOWN_POSTCODE, "%s",
          text);
    /* A missing character: the insertion that restores it comes first. */
    snprintf(text, sizeof text, "%.9s%s", display, display + 10);
    CHECK(forward(s, text, &fr) == DC_OK && fr.status == DC_GEO_MALFORMED &&
              fr.error.code == DC_E_CODE_LENGTH && rank_of(&fr, &h.code) >= 0 &&
              rank_of(&fr, &h.code) < 3,
          "%s: rank %d", text, rank_of(&fr, &h.code));
    /* An extra character. */
    snprintf(text, sizeof text, "%.8sC%s", display, display + 8);
    CHECK(forward(s, text, &fr) == DC_OK && fr.status == DC_GEO_MALFORMED &&
              rank_of(&fr, &h.code) >= 0 && rank_of(&fr, &h.code) < 3,
          "%s: rank %d", text, rank_of(&fr, &h.code));
    /* Another zone's postcode on this place: outside, with the right zone. */
    snprintf(text, sizeof text, "%05u%s", h.postcode == 32101 ? 32112u : 32101u,
             display + 5);
    CHECK(forward(s, text, &fr) == DC_OK && fr.status == DC_GEO_CODE_OUTSIDE_ZONE &&
              fr.has_actual_zone && fr.actual_zone.postcode == h.postcode &&
              dc_code_equal(&fr.corrected.code, &h.code),
          "%s: %s", text, dc_geo_status_name(fr.status));
    /* An unregistered place near the door: still a place, with the door near. */
    CHECK(dc_geo_reverse(s, h.lat_e7 / 1e7 + 0.00004, h.lon_e7 / 1e7, 0, 0, &rr) == DC_OK,
          "reverse");
    memcpy(text, rr.place.display, DC_CODE_DISPLAY_SIZE);
    CHECK(forward(s, text, &fr) == DC_OK, "%s", text);
    if (fr.status == DC_GEO_UNREGISTERED) {
        CHECK(fr.has_place && fr.has_zone && fr.nnearby > 0 &&
                  fr.nearby[0].distance_m < 20,
              "%s: nearby", text);
        for (size_t k = 1; k < fr.nnearby; k++)
            CHECK(fr.nearby[k - 1].distance_m <= fr.nearby[k].distance_m, "nearby order");
    }
    /* A Plus Code in the sea. */
    CHECK(forward(s, "7PJ7XXXX+XXX", &fr) == DC_OK && fr.status == DC_GEO_OUT_OF_COVERAGE,
          "%s", dc_geo_status_name(fr.status));
    dc_zone z;
    CHECK(dc_geo_zone(s, h.postcode, &z) == DC_OK && z.household_count > 0 &&
              dc_polygon_contains(&z.polygon, h.lat_e7, h.lon_e7),
          "zone %u", h.postcode);
    CHECK(dc_geo_zone(s, 99999, &z) == DC_E_NOT_FOUND, "zone 99999");
    dc_geo_session_end(s);
    printf("statuses: every forward status checked\n");
    return dc_check_failures;
}

/* ---- the enclave edge map ------------------------------------------------------ */

static int run_enclave(void)
{
    dc_geo_session *s;
    dc_zone ring, hole;
    dc_geo_session_begin(geo, &s);
    CHECK(dc_geo_zone(s, 32101, &ring) == DC_OK && dc_geo_zone(s, 32102, &hole) == DC_OK,
          "zones");
    /* The centre of the hole lies in 32101's bounding box, not in 32101. */
    double lat = (hole.south_e7 + hole.north_e7) / 2e7,
           lon = (hole.west_e7 + hole.east_e7) / 2e7;
    CHECK(dc_geo_reverse(s, lat, lon, 1000, 100, &rr) == DC_OK &&
              rr.status == DC_GEO_OK && rr.zone.postcode == 32102,
          "hole centre in %u", rr.zone.postcode);
    CHECK(rr.nneighbours == 2, "%zu households within 1 km", rr.nneighbours);
    for (size_t i = 0; i < rr.nneighbours; i++)
        CHECK(rr.neighbours[i].other_zone ==
                  (rr.neighbours[i].household.postcode != 32102),
              "other_zone");
    /* Halfway between the hole's edge and the ring's: 32101. */
    double lat2 = (ring.south_e7 + hole.south_e7) / 2e7;
    CHECK(dc_geo_reverse(s, lat2, lon, 10, 5, &rr) == DC_OK && rr.status == DC_GEO_OK &&
              rr.zone.postcode == 32101,
          "ring in %u", rr.zone.postcode);
    /* The hole's code given with the ring's postcode: the enclave is named. */
    CHECK(dc_geo_reverse(s, lat, lon, 0, 0, &rr) == DC_OK, "reverse");
    char text[32];
    snprintf(text, sizeof text, "32101%.9s", rr.place.display + 5);
    CHECK(forward(s, text, &fr) == DC_OK && fr.status == DC_GEO_CODE_OUTSIDE_ZONE &&
              fr.has_actual_zone && fr.actual_zone.postcode == 32102,
          "%s: %s", text, dc_geo_status_name(fr.status));
    dc_geo_session_end(s);
    printf("enclave: the hole answers 32102, the ring 32101\n");
    return dc_check_failures;
}

int main(int argc, char **argv)
{
    dc_error err;
    if (argc < 3) {
        fprintf(stderr,
                "usage: test_geocoder_sample forward|reverse|typos|statuses|enclave "
                "INDEX [STRIDE]\n");
        return 2;
    }
    if (dc_geo_open(argv[2], &geo, &err) != DC_OK) {
        fprintf(stderr, "test_geocoder_sample: %s\n", err.message);
        return 3;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "forward") == 0)
        run_forward();
    else if (strcmp(mode, "reverse") == 0)
        run_reverse();
    else if (strcmp(mode, "typos") == 0)
        run_typos(argc > 3 ? (uint32_t)atoi(argv[3]) : 1);
    else if (strcmp(mode, "statuses") == 0)
        run_statuses();
    else if (strcmp(mode, "enclave") == 0)
        run_enclave();
    else
        dc_check_failures = 1;
    dc_geo_close(geo);
    if (dc_check_failures) fprintf(stderr, "%d failure(s)\n", dc_check_failures);
    return dc_check_failures ? 1 : 0;
}
