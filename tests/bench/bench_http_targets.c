/*
 * bench_http_targets.c - request paths for the HTTP benchmark: N
 * households drawn at random (seeded) from an index, written as forward
 * paths (/v1/codes/CODE), reverse paths (/v1/reverse at the household,
 * 50 m, limit 1) and, when SEARCH_OUT is given, address searches
 * (/v1/search?q=, the default limit of 10): each household's address in
 * one of the written forms of search_forms.h, the forms in turn (full,
 * without tones, abbreviated, reordered, without the ward, with a typo,
 * as typed on a phone), as bench_search writes them. One path a line.
 *
 * Usage: bench_http_targets INDEX N CODES_OUT REVERSE_OUT [SEARCH_OUT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/index.h"
#include "search_forms.h"
#include "support.h"

/* @p text percent-encoded as a query value: everything but the
 * unreserved characters of RFC 3986 escaped. */
static void put_query_value(FILE *f, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            fputc(*p, f);
        else
            fprintf(f, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

/* The search path of household @p h, in form number @p i (of those it
 * has: a typo needs a street word of five letters or more). */
static void put_search(FILE *f, dc_index_txn *txn, const dc_household *h, long i)
{
    dc_zone z;
    char text[512];
    if (dc_index_zone(txn, h->postcode, &z) != DC_OK) return;
    for (int k = 0; k < FORM_COUNT; k++) {
        search_form form = (search_form)((i + k) % FORM_COUNT);
        if (!search_form_make(form, h, &z, h->number, text, sizeof text)) continue;
        fputs("/v1/search?q=", f);
        put_query_value(f, text);
        fputc('\n', f);
        return;
    }
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr,
                "usage: bench_http_targets INDEX N CODES_OUT REVERSE_OUT [SEARCH_OUT]\n");
        return 2;
    }
    dc_index *idx;
    dc_index_txn *txn;
    dc_error err = {0};
    if (dc_index_open(argv[1], &idx, &err) != DC_OK) {
        fprintf(stderr, "bench_http_targets: %s\n", err.message);
        return 3;
    }
    uint64_t households = dc_index_info(idx)->households, seed = 20261128;
    long n = atol(argv[2]);
    FILE *codes = fopen(argv[3], "w"), *points = fopen(argv[4], "w");
    FILE *search = argc == 6 ? fopen(argv[5], "w") : NULL;
    if (!codes || !points || (argc == 6 && !search) || !households ||
        dc_index_txn_begin(idx, &txn) != DC_OK) {
        fprintf(stderr, "bench_http_targets: cannot write the targets\n");
        return 3;
    }
    for (long i = 0; i < n; i++) {
        dc_household h;
        char code[DC_CODE_COMPACT_SIZE];
        uint32_t number = (uint32_t)(rng_splitmix64(&seed) % households);
        if (dc_index_household(txn, number, &h) != DC_OK ||
            dc_code_format(&h.code, DC_CODE_COMPACT, code, sizeof code) != DC_OK)
            return 3;
        fprintf(codes, "/v1/codes/%s\n", code);
        fprintf(points, "/v1/reverse?lat=%.7f&lon=%.7f&radius=50&limit=1\n",
                h.lat_e7 / 1e7, h.lon_e7 / 1e7);
        if (search) put_search(search, txn, &h, i);
    }
    dc_index_txn_end(txn);
    dc_index_close(idx);
    bool closed = fclose(codes) == 0 && fclose(points) == 0;
    return closed && (!search || fclose(search) == 0) ? 0 : 3;
}
