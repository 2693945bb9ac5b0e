/*
 * check_search_former.c - the sample imported with its two editions (issue
 * 19, "Names"): the old zone and district names stay searchable. For every
 * household of the 2024 map whose postcode the 2025 edition retired, the
 * query "house number street, P. <old zone>, TP. <old district>" (the old
 * names as the 2024 map writes them, read here from its shapefiles with
 * OGR, independently of the index) must find that household first for at
 * least 99% of each old zone's households, labelled former, with the old
 * zone the map gave it. Then, for every old zone whose name no 2025 zone
 * carries, the households of the zones it went into that were never in it
 * are asked for with its name: none may come back labelled as lying in it.
 * Each rate is printed.
 *
 * usage: check_search_former OLD_DIR NEW_DIR INDEX
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gdal.h>
#include <ogr_api.h>

#include "diachi/geocoder.h"
#include "diachi/search.h"

#define MAX_ZONES 32
#define MAX_HOUSEHOLDS 30000
#define DAY_2025_06_30 20269

typedef struct zone {
    uint32_t postcode;
    char name[64], kind[16], district[64];
} zone;

typedef struct household {
    char id[16], house[16], street[48];
    uint32_t old_postcode; /* the 2024 map's */
} household;

static const char *old_dir, *new_dir, *index_path;
static zone old_zones[MAX_ZONES], new_zones[MAX_ZONES];
static int nold, nnew;
static household *households;
static size_t nhouseholds;
static dc_geo *geo;
static dc_geo_session *session;
static dc_search_result result;

static void copy_field(OGRFeatureH f, OGRFeatureDefnH defn, const char *name, char *out,
                       size_t size)
{
    int i = OGR_FD_GetFieldIndex(defn, name);
    assert_true(i >= 0);
    snprintf(out, size, "%s", OGR_F_GetFieldAsString(f, i));
}

static OGRLayerH open_layer(const char *dir, const char *file, GDALDatasetH *ds)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(*ds);
    return GDALDatasetGetLayer(*ds, 0);
}

static int read_zones(const char *dir, zone *out)
{
    GDALDatasetH ds;
    OGRLayerH layer = open_layer(dir, "zones.shp", &ds);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    OGRFeatureH f;
    int n = 0;
    char postcode[8];
    while ((f = OGR_L_GetNextFeature(layer))) {
        assert_true(n < MAX_ZONES);
        zone *z = &out[n++];
        copy_field(f, defn, "POSTCODE", postcode, sizeof postcode);
        z->postcode = (uint32_t)atoi(postcode);
        copy_field(f, defn, "NAME", z->name, sizeof z->name);
        copy_field(f, defn, "KIND", z->kind, sizeof z->kind);
        copy_field(f, defn, "DISTRICT", z->district, sizeof z->district);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

static void read_households(void)
{
    GDALDatasetH ds;
    OGRLayerH layer = open_layer(old_dir, "households.shp", &ds);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    OGRFeatureH f;
    char postcode[8];
    households = calloc(MAX_HOUSEHOLDS, sizeof *households);
    assert_non_null(households);
    while ((f = OGR_L_GetNextFeature(layer))) {
        assert_true(nhouseholds < MAX_HOUSEHOLDS);
        household *h = &households[nhouseholds++];
        copy_field(f, defn, "HH_ID", h->id, sizeof h->id);
        copy_field(f, defn, "HOUSE_NO", h->house, sizeof h->house);
        copy_field(f, defn, "STREET", h->street, sizeof h->street);
        copy_field(f, defn, "POSTCODE", postcode, sizeof postcode);
        h->old_postcode = (uint32_t)atoi(postcode);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
}

static const zone *zone_of(const zone *zones, int n, uint32_t postcode)
{
    for (int i = 0; i < n; i++)
        if (zones[i].postcode == postcode) return &zones[i];
    return NULL;
}

/* The 2024 map's old postcode of household @p id. */
static uint32_t old_postcode_of(const char *id, size_t len)
{
    for (size_t i = 0; i < nhouseholds; i++)
        if (strlen(households[i].id) == len && memcmp(households[i].id, id, len) == 0)
            return households[i].old_postcode;
    fail_msg("household %.*s is not on the 2024 map", (int)len, id);
    return 0;
}

/* The zone's name with its kind's abbreviation, as letters are written. */
static const char *kind_word(const zone *z)
{
    return strcmp(z->kind, "phường") == 0 ? "P." : strcmp(z->kind, "xã") == 0 ? "X." : "";
}

static const char *district_text(const zone *z)
{
    static const char city[] = "Thành phố ";
    return strncmp(z->district, city, sizeof city - 1) == 0
               ? z->district + sizeof city - 1
               : z->district;
}

static void search(const char *query)
{
    dc_search_options opt = {.limit = 10};
    dc_error err = {0};
    if (dc_search(session, query, strlen(query), &opt, &result, &err) != DC_OK)
        fail_msg("search '%s': %s", query, err.message);
}

static int setup(void **state)
{
    (void)state;
    dc_error err = {0};
    GDALAllRegister();
    nold = read_zones(old_dir, old_zones);
    nnew = read_zones(new_dir, new_zones);
    read_households();
    if (dc_geo_open(index_path, &geo, &err) != DC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return dc_geo_session_begin(geo, &session) == DC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dc_geo_session_end(session);
    dc_geo_close(geo);
    free(households);
    return 0;
}

/* Whether the first answer is household @p h (or one at the same address
 * in the same old zone: two households at one door are one answer). */
static bool found(const household *h)
{
    if (result.nhits == 0 || result.hits[0].match != DC_SEARCH_HOUSEHOLD) return false;
    const dc_household *got = &result.hits[0].household;
    if (got->id.len == strlen(h->id) && memcmp(got->id.ptr, h->id, got->id.len) == 0)
        return true;
    return got->house_number.len == strlen(h->house) &&
           memcmp(got->house_number.ptr, h->house, got->house_number.len) == 0 &&
           got->street.len == strlen(h->street) &&
           memcmp(got->street.ptr, h->street, got->street.len) == 0 &&
           old_postcode_of(got->id.ptr, got->id.len) == h->old_postcode;
}

/* Whether the first answer is the street or group (a hamlet, bản, is
 * both) household @p h lies on, labelled former. */
static bool found_place(const household *h)
{
    if (result.nhits == 0) return false;
    const dc_search_hit *hit = &result.hits[0];
    return (hit->match == DC_SEARCH_STREET || hit->match == DC_SEARCH_GROUP) &&
           hit->name.len == strlen(h->street) &&
           memcmp(hit->name.ptr, h->street, hit->name.len) == 0 && hit->former;
}

typedef struct rates {
    long asked, right, labelled, places, places_right;
} rates;

static void ask(const household *h, rates *r)
{
    char query[512];
    const zone *z = zone_of(old_zones, nold, h->old_postcode);
    assert_non_null(z);
    if (!h->house[0]) { /* a hamlet's door: no number, the hamlet is the answer */
        snprintf(query, sizeof query, "%s, %s %s, TP. %s", h->street, kind_word(z),
                 z->name, district_text(z));
        search(query);
        r->places++;
        r->places_right += found_place(h);
        return;
    }
    snprintf(query, sizeof query, "%s %s, %s %s, TP. %s", h->house, h->street,
             kind_word(z), z->name, district_text(z));
    search(query);
    r->asked++;
    if (!found(h)) return;
    r->right++;
    const dc_search_hit *hit = &result.hits[0];
    if (hit->former && hit->has_former_zone &&
        hit->former_zone.zone.postcode == h->old_postcode &&
        hit->former_until == DAY_2025_06_30)
        r->labelled++;
}

static void test_old_names_find_households(void **state)
{
    (void)state;
    static rates by_zone[100];
    long total = 0;
    for (size_t i = 0; i < nhouseholds; i++) {
        const household *h = &households[i];
        if (zone_of(new_zones, nnew, h->old_postcode)) continue; /* not retired */
        assert_true(h->street[0]);
        ask(h, &by_zone[h->old_postcode % 100]);
    }
    for (int i = 0; i < nold; i++) {
        const zone *z = &old_zones[i];
        const rates *r = &by_zone[z->postcode % 100];
        if (zone_of(new_zones, nnew, z->postcode)) continue;
        double rate = r->asked ? 100.0 * r->right / r->asked : 100,
               place_rate = r->places ? 100.0 * r->places_right / r->places : 100;
        printf("%05u %-16s %5ld households: %6.2f%% top-1 (%5ld labelled former); "
               "%4ld in hamlets: %6.2f%% their hamlet top-1, former\n",
               z->postcode, z->name, r->asked, rate, r->labelled, r->places, place_rate);
        assert_true(r->asked + r->places > 0);
        if (100 * r->right < 99 * r->asked || 100 * r->places_right < 99 * r->places)
            fail_msg("%05u %s: under 99%%", z->postcode, z->name);
        if (r->labelled != r->right)
            fail_msg("%05u %s: %ld found, only %ld labelled former", z->postcode, z->name,
                     r->right, r->labelled);
        total += r->asked + r->places;
    }
    printf("%ld households of retired zones asked for\n", total);
    /* the sample's 2025 edition kept Thanh Minh (32108) alone */
    assert_true(total > 15000);
}

/* Whether the 2025 zone of @p postcode bears the old zone's name. */
static bool name_kept(const zone *old)
{
    for (int i = 0; i < nnew; i++)
        if (strcmp(new_zones[i].name, old->name) == 0) return true;
    return false;
}

static void test_never_labelled_outside(void **state)
{
    (void)state;
    char query[512];
    long asked = 0, hits = 0, former_hits = 0;
    for (int z = 0; z < nold; z++) {
        const zone *old = &old_zones[z];
        if (zone_of(new_zones, nnew, old->postcode) || name_kept(old)) continue;
        for (size_t i = 0; i < nhouseholds; i++) {
            const household *h = &households[i];
            /* a neighbour: another retired zone, so merged into the same
             * new zones or beside them */
            if (h->old_postcode == old->postcode || !h->house[0] || !h->street[0] ||
                zone_of(new_zones, nnew, h->old_postcode) || i % 7 != 0)
                continue;
            snprintf(query, sizeof query, "%s %s, %s %s", h->house, h->street,
                     kind_word(old), old->name);
            search(query);
            asked++;
            for (size_t k = 0; k < result.nhits; k++) {
                const dc_search_hit *hit = &result.hits[k];
                if (hit->match != DC_SEARCH_HOUSEHOLD) continue;
                hits++;
                if (!hit->former || !hit->has_former_zone ||
                    hit->former_zone.zone.postcode != old->postcode)
                    continue;
                former_hits++;
                uint32_t was =
                    old_postcode_of(hit->household.id.ptr, hit->household.id.len);
                if (was != old->postcode)
                    fail_msg("'%s': household %.*s of %05u labelled as in former %05u",
                             query, (int)hit->household.id.len, hit->household.id.ptr,
                             was, old->postcode);
            }
        }
    }
    printf("%ld queries with an old zone's name for households never in it: %ld "
           "households answered, %ld of them labelled former (each truly in it), 0 "
           "wrongly\n",
           asked, hits, former_hits);
    assert_true(asked > 1000);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s OLD_DIR NEW_DIR INDEX\n", argv[0]);
        return 2;
    }
    old_dir = argv[1];
    new_dir = argv[2];
    index_path = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_old_names_find_households),
        cmocka_unit_test(test_never_labelled_outside),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
