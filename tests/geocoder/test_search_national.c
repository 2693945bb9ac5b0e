/*
 * test_search_national.c - address search on a national map with realistic
 * addresses (diachi-gen-national's default), where street names repeat
 * across the country, wards are numbered (Phường 1 in many districts) and
 * names differ only in tones: issue 18's query set, "what must be shown" 3.
 *
 * Every STRIDE-th household is written in the forms of search_forms.h and
 * searched (limit 10). With the locality in the query (the forms carry the
 * district and the province, and all but one the ward) the first answer must
 * be the household at the floors: 99.5% in full, without tones,
 * abbreviated and reordered; 97% without the ward, counted where the house
 * number and street name one ward of the district only; 95% with one typo
 * in the street. Without any locality (the door and the group only), the
 * household must be among the first ten answers, counted where at most ten
 * households of the country have that house number and street (beyond, no
 * ranking can tell them apart); the phone form (door and ward, no district
 * or province) likewise where at most ten share the door and ward name.
 * An answer at another household with the same address counts as right;
 * for a household without a house number (a village's) the right answer is
 * its street (hamlet) or group in its zone.
 *
 *   test_search_national INDEX [STRIDE]
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diachi/search.h"
#include "search_forms.h"

static const char *index_path;
static unsigned stride = 1;
static dc_geo *geo;
static dc_geo_session *session;
static dc_search_result *result;

/* How many households have a key (an address written some way). */
typedef struct tally {
    char **keys; /* sorted */
    size_t n;
} tally;

static tally in_district; /* number, street, district, province: wards (postcodes) */
static tally in_country;  /* number, street */
static tally by_ward;     /* number, street, ward name */

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *key_of(const dc_household *h, const dc_zone *z, int kind)
{
    char k[1024];
    int hn = (int)h->house_number.len, sn = (int)h->street.len;
    if (kind == 0)
        snprintf(k, sizeof k, "%.*s\x1f%.*s\x1f%.*s\x1f%.*s\x1f%010u", hn,
                 h->house_number.ptr, sn, h->street.ptr, (int)z->district.len,
                 z->district.ptr, (int)z->province.len, z->province.ptr, h->postcode);
    else if (kind == 1)
        snprintf(k, sizeof k, "%.*s\x1f%.*s", hn, h->house_number.ptr, sn, h->street.ptr);
    else
        snprintf(k, sizeof k, "%.*s\x1f%.*s\x1f%.*s", hn, h->house_number.ptr, sn,
                 h->street.ptr, (int)z->name.len, z->name.ptr);
    char *out = strdup(k);
    assert_non_null(out);
    return out;
}

/* Households whose key is @p key (the prefix up to the postcode for kind 0). */
static size_t count_of(const tally *t, const char *key)
{
    size_t lo = 0, hi = t->n, n = strlen(key);
    while (lo < hi) { /* the first key >= key */
        size_t mid = (lo + hi) / 2;
        if (strcmp(t->keys[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t c = 0;
    while (lo + c < t->n && strncmp(t->keys[lo + c], key, n) == 0 &&
           (t->keys[lo + c][n] == '\0' || t->keys[lo + c][n] == '\x1f'))
        c++;
    return c;
}

static void gather(dc_index_txn *txn, uint32_t n)
{
    tally *all[3] = {&in_district, &in_country, &by_ward};
    for (int k = 0; k < 3; k++) {
        all[k]->keys = calloc(n, sizeof *all[k]->keys);
        assert_non_null(all[k]->keys);
        all[k]->n = n;
    }
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        dc_zone z;
        assert_int_equal(dc_index_household(txn, i, &h), DC_OK);
        assert_int_equal(dc_geo_zone(session, h.postcode, &z), DC_OK);
        for (int k = 0; k < 3; k++)
            all[k]->keys[i] = key_of(&h, &z, k);
    }
    for (int k = 0; k < 3; k++)
        qsort(all[k]->keys, n, sizeof *all[k]->keys, by_str);
}

/* Whether the house number and street of @p h lie in one ward of its
 * district: the keys with that prefix all end in one postcode. */
static bool unique_in_district(const dc_household *h, const dc_zone *z)
{
    char *k = key_of(h, z, 0);
    char *cut = strrchr(k, '\x1f');
    *cut = '\0';
    size_t lo = 0, hi = in_district.n, n = strlen(k);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(in_district.keys[mid], k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool one = true;
    const char *first = NULL;
    for (size_t i = lo; i < in_district.n && strncmp(in_district.keys[i], k, n) == 0 &&
                        in_district.keys[i][n] == '\x1f';
         i++) {
        const char *pc = in_district.keys[i] + n + 1;
        if (first && strcmp(first, pc) != 0) one = false;
        first = pc;
    }
    free(k);
    return one;
}

static bool same(dc_str a, dc_str b)
{
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* Typed without tones, names that differ only in tones are one name:
 * Ấp Thanh Bình, Ấp Thạnh Bình and Ấp Thành Bình of one commune are all
 * "ap thanh binh", an address written alike for three households (the
 * issue's ambiguous query, right when the answer is one of them). */
static bool folded_forms;

static bool same_name(dc_str a, dc_str b)
{
    if (same(a, b)) return true;
    if (!folded_forms) return false;
    char x[512], y[512], fx[512], fy[512];
    snprintf(x, sizeof x, "%.*s", (int)a.len, a.ptr);
    snprintf(y, sizeof y, "%.*s", (int)b.len, b.ptr);
    return search_fold(x, fx, sizeof fx) && search_fold(y, fy, sizeof fy) &&
           strcmp(fx, fy) == 0;
}

/* Answer @p i is the household's door, or for a household without a house
 * number its street or group in its ward (any ward with @p any_ward). */
static bool answers_at(const dc_search_result *r, size_t i, const dc_household *h,
                       bool any_ward)
{
    const dc_search_hit *a = &r->hits[i];
    if (!any_ward && a->zone.postcode != h->postcode) return false;
    if (h->house_number.len)
        return a->match == DC_SEARCH_HOUSEHOLD &&
               same(a->household.house_number, h->house_number) &&
               same_name(a->household.street, h->street);
    return (a->match == DC_SEARCH_STREET && same_name(a->name, h->street)) ||
           (a->match == DC_SEARCH_GROUP && same_name(a->name, h->group));
}

/* For the forms without a district: in the first ten, the household's door
 * in its own ward (the same door in another ward is another household). */
static bool in_first_ten(const dc_search_result *r, const dc_household *h)
{
    for (size_t i = 0; i < r->nhits && i < 10; i++)
        if (answers_at(r, i, h, false)) return true;
    return false;
}

static int setup(void **state)
{
    (void)state;
    dc_error err = {0};
    if (dc_geo_open(index_path, &geo, &err) != DC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    if (dc_geo_session_begin(geo, &session) != DC_OK) return -1;
    result = malloc(sizeof *result);
    gather(dc_geo_session_txn(session),
           (uint32_t)dc_index_info(dc_geo_index(geo))->households);
    return result ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tally *all[3] = {&in_district, &in_country, &by_ward};
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < all[k]->n; i++)
            free(all[k]->keys[i]);
        free(all[k]->keys);
    }
    free(result);
    dc_geo_session_end(session);
    dc_geo_close(geo);
    return 0;
}

/* Search every STRIDE-th household's form @p f; the share right (at the
 * top, or in the first ten for the forms without a district), printed. */
static double accuracy(search_form f)
{
    dc_index_txn *txn = dc_geo_session_txn(session);
    uint32_t n = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    unsigned total = 0, good = 0, shown = 0, skipped = 0;
    bool ten = f == FORM_BARE || f == FORM_PHONE;
    folded_forms = f == FORM_FOLDED || f == FORM_PHONE;
    char q[2048];
    for (uint32_t i = 0; i < n; i += stride) {
        dc_household h;
        dc_zone z;
        assert_int_equal(dc_index_household(txn, i, &h), DC_OK);
        assert_int_equal(dc_geo_zone(session, h.postcode, &z), DC_OK);
        if (!search_form_make(f, &h, &z, i, q, sizeof q)) continue;
        if (f == FORM_NO_WARD && !unique_in_district(&h, &z)) {
            skipped++;
            continue;
        }
        if (ten) {
            char *k = key_of(&h, &z, f == FORM_BARE ? 1 : 2);
            size_t c = count_of(f == FORM_BARE ? &in_country : &by_ward, k);
            free(k);
            if (c > 10 || !h.house_number.len) {
                skipped++;
                continue;
            }
        }
        dc_search_options opt = {.limit = 10};
        dc_error err = {0};
        assert_int_equal(dc_search(session, q, strlen(q), &opt, result, &err), DC_OK);
        total++;
        bool ok = ten ? in_first_ten(result, &h)
                      : result->nhits > 0 && answers_at(result, 0, &h, f == FORM_NO_WARD);
        if (ok) {
            good++;
        } else if (shown++ < 5) {
            const dc_search_hit *a = result->nhits ? &result->hits[0] : NULL;
            printf("  wrong: %s [%05u] -> %s %.*s %.*s %05u (%zu answers)\n", q,
                   h.postcode, a ? dc_search_match_name(a->match) : "nothing",
                   a ? (int)a->household.house_number.len : 0,
                   a ? a->household.house_number.ptr : "", a ? (int)a->name.len : 0,
                   a ? a->name.ptr : "", a ? a->zone.postcode : 0, result->nhits);
        }
    }
    double share = total ? 100.0 * good / total : 0;
    printf("national search, %s: %u of %u right %s (%.2f%%; %u not counted)\n",
           search_form_name(f), good, total, ten ? "in the first 10" : "at the top",
           share, skipped);
    assert_true(total > 0);
    return share;
}

static void test_full(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_FULL) >= 99.5);
}

static void test_folded(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_FOLDED) >= 99.5);
}

static void test_abbrev(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_ABBREV) >= 99.5);
}

static void test_reordered(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_REORDERED) >= 99.5);
}

static void test_no_ward(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_NO_WARD) >= 97.0);
}

static void test_typo(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_TYPO) >= 95.0);
}

/* The issue asks the list to hold the household; one in a hundred missed
 * is the slack. */
static void test_phone_in_ten(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_PHONE) >= 99.0);
}

static void test_bare_in_ten(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_BARE) >= 99.0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s INDEX [STRIDE]\n", argv[0]);
        return 2;
    }
    index_path = argv[1];
    if (argc > 2) stride = (unsigned)atoi(argv[2]);
    if (stride == 0) stride = 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),         cmocka_unit_test(test_folded),
        cmocka_unit_test(test_abbrev),       cmocka_unit_test(test_reordered),
        cmocka_unit_test(test_no_ward),      cmocka_unit_test(test_typo),
        cmocka_unit_test(test_phone_in_ten), cmocka_unit_test(test_bare_in_ten),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
