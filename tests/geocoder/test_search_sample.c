/*
 * test_search_sample.c - address search on the sample index: every
 * household's address in the six forms of search_forms.h, searched, and
 * the first answer checked against the household. Top-1 accuracy is
 * printed per form; the test fails below 99.5% for the first four forms,
 * 97% without the ward (counted where the house number and street name one
 * ward only), and 95% with a typo (households whose street has a word of 5
 * letters or more). An answer at another door with the same address (a
 * shared door, or the same house number and street) counts as right; for
 * a household without a house number (a hamlet's) the right answer is its
 * street or group in its zone.
 *
 *   test_search_sample INDEX [STRIDE]     every STRIDE-th household (1)
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

/* An address (house number, street) and the wards that have it: one
 * postcode, or 0 for more than one. */
typedef struct address {
    char *key;
    uint32_t postcode;
} address;

static address *addresses;
static size_t naddresses;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const address *)a)->key, ((const address *)b)->key);
}

static char *key_of(const dc_household *h)
{
    size_t n = h->house_number.len + h->street.len + 2;
    char *k = malloc(n);
    assert_non_null(k);
    snprintf(k, n, "%.*s\x1f%.*s", (int)h->house_number.len, h->house_number.ptr,
             (int)h->street.len, h->street.ptr);
    return k;
}

/* Every (house number, street) of the city, with the one ward that has
 * it or 0. */
static void gather_addresses(dc_index_txn *txn, uint32_t n)
{
    addresses = calloc(n, sizeof *addresses);
    assert_non_null(addresses);
    for (uint32_t i = 0; i < n; i++) {
        dc_household h;
        assert_int_equal(dc_index_household(txn, i, &h), DC_OK);
        addresses[i] = (address){key_of(&h), h.postcode};
    }
    qsort(addresses, n, sizeof *addresses, by_key);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && strcmp(addresses[m - 1].key, addresses[i].key) == 0) {
            if (addresses[m - 1].postcode != addresses[i].postcode)
                addresses[m - 1].postcode = 0;
            free(addresses[i].key);
            continue;
        }
        addresses[m++] = addresses[i];
    }
    naddresses = m;
}

/* Whether the house number and street of @p h lie in one ward only. */
static bool unique_in_city(const dc_household *h)
{
    address k = {key_of(h), 0};
    const address *a = bsearch(&k, addresses, naddresses, sizeof *addresses, by_key);
    free(k.key);
    return a && a->postcode != 0;
}

static bool same(dc_str a, dc_str b)
{
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* The first answer is the household's door, or for a household without a
 * house number its street or group in its ward (any ward without one). */
static bool right(const dc_search_result *r, const dc_household *h, bool any_ward)
{
    if (r->nhits == 0) return false;
    const dc_search_hit *a = &r->hits[0];
    if (!any_ward && a->zone.postcode != h->postcode) return false;
    if (h->house_number.len)
        return a->match == DC_SEARCH_HOUSEHOLD &&
               same(a->household.house_number, h->house_number) &&
               same(a->household.street, h->street);
    return (a->match == DC_SEARCH_STREET && same(a->name, h->street)) ||
           (a->match == DC_SEARCH_GROUP && same(a->name, h->group));
}

static int setup(void **state)
{
    (void)state;
    dc_error err = {0};
    dc_index_txn *txn;
    if (dc_geo_open(index_path, &geo, &err) != DC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    if (dc_geo_session_begin(geo, &session) != DC_OK) return -1;
    result = malloc(sizeof *result);
    txn = dc_geo_session_txn(session);
    gather_addresses(txn, (uint32_t)dc_index_info(dc_geo_index(geo))->households);
    return result ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < naddresses; i++)
        free(addresses[i].key);
    free(addresses);
    free(result);
    dc_geo_session_end(session);
    dc_geo_close(geo);
    return 0;
}

/* Search every household's form @p f; the share right, printed. */
static double accuracy(search_form f)
{
    dc_index_txn *txn = dc_geo_session_txn(session);
    uint32_t n = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    unsigned total = 0, good = 0, shown = 0;
    char q[2048];
    for (uint32_t i = 0; i < n; i += stride) {
        dc_household h;
        dc_zone z;
        assert_int_equal(dc_index_household(txn, i, &h), DC_OK);
        assert_int_equal(dc_geo_zone(session, h.postcode, &z), DC_OK);
        if (!search_form_make(f, &h, &z, i, q, sizeof q)) continue;
        if (f == FORM_NO_WARD && !unique_in_city(&h)) continue;
        dc_search_options opt = {.limit = 1};
        dc_error err = {0};
        assert_int_equal(dc_search(session, q, strlen(q), &opt, result, &err), DC_OK);
        total++;
        if (right(result, &h, f == FORM_NO_WARD)) {
            good++;
        } else if (shown++ < 5) {
            const dc_search_hit *a = result->nhits ? &result->hits[0] : NULL;
            printf("  wrong: %s -> %s %.*s %.*s %05u\n", q,
                   a ? dc_search_match_name(a->match) : "nothing",
                   a ? (int)a->household.house_number.len : 0,
                   a ? a->household.house_number.ptr : "", a ? (int)a->name.len : 0,
                   a ? a->name.ptr : "", a ? a->zone.postcode : 0);
        }
    }
    double share = total ? 100.0 * good / total : 0;
    printf("search accuracy, %s: %u of %u right at the top (%.2f%%)\n",
           search_form_name(f), good, total, share);
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

/* Not a form of the issue's: the shortest way people type an address.
 * Held to the floor of the typo form. */
static void test_phone(void **state)
{
    (void)state;
    assert_true(accuracy(FORM_PHONE) >= 95.0);
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
        cmocka_unit_test(test_full),    cmocka_unit_test(test_folded),
        cmocka_unit_test(test_abbrev),  cmocka_unit_test(test_reordered),
        cmocka_unit_test(test_no_ward), cmocka_unit_test(test_typo),
        cmocka_unit_test(test_phone),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
