/*
 * test_geocoder_threads - two threads doing mixed lookups on one engine get
 * the same answers as one thread.
 *
 *   test_geocoder_threads INDEX [LOOKUPS_PER_THREAD]   (default 1,000,000)
 *
 * A fixed list of 4,096 requests is drawn from the index (registered codes,
 * codes with a slip in them, points near doors for reverse with and without
 * households, postcodes), answered once on the main thread, each answer
 * reduced to a digest of everything it says. Then two threads each make
 * LOOKUPS_PER_THREAD requests from the list, from different starting
 * points, a session per 16 requests, and compare every digest. Built a
 * second time with ThreadSanitizer (test geocoder_threads_tsan), which
 * also checks that no request races.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"

#define NREQUESTS 4096

typedef enum { REQ_FORWARD, REQ_TYPO, REQ_REVERSE, REQ_ZONE_ONLY, REQ_ZONE } req_kind;

typedef struct request {
    req_kind kind;
    char text[DC_CODE_COMPACT_SIZE];
    double lat, lon;
    uint32_t postcode;
    uint64_t digest;
} request;

typedef struct worker {
    uint64_t lookups, start, mismatches;
} worker;

static dc_geo *geo;
static request requests[NREQUESTS];

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static uint64_t mix_str(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = mix(h, (unsigned char)p[i]);
    return h;
}

static uint64_t household_digest(uint64_t h, const dc_household *hh)
{
    h = mix(h, hh->number);
    h = mix_str(h, hh->street.ptr, hh->street.len);
    return mix_str(h, hh->id.ptr, hh->id.len);
}

static uint64_t forward_digest(const dc_geo_forward_result *r)
{
    uint64_t h = mix(1, r->status);
    h = mix_str(h, r->place.compact, r->has_place ? strlen(r->place.compact) : 0);
    h = mix(h, r->has_zone ? r->zone.postcode : 0);
    for (size_t i = 0; i < r->nhouseholds; i++)
        h = household_digest(h, &r->households[i]);
    for (size_t i = 0; i < r->nsuggestions; i++) {
        h = mix_str(h, r->suggestions[i].place.compact, DC_CODE_CHARS);
        h = household_digest(h, &r->suggestions[i].household);
    }
    for (size_t i = 0; i < r->nnearby; i++)
        h = household_digest(h, &r->nearby[i].household);
    return h;
}

static uint64_t reverse_digest(const dc_geo_reverse_result *r)
{
    uint64_t h = mix(2, r->status);
    h = mix_str(h, r->place.compact, r->has_zone ? strlen(r->place.compact) : 0);
    for (size_t i = 0; i < r->nneighbours; i++) {
        h = household_digest(h, &r->neighbours[i].household);
        h = mix(h, (uint64_t)(r->neighbours[i].distance_m * 1000));
    }
    return h;
}

/* The digest of one request's answer; 0 when the call failed. */
static uint64_t answer(dc_geo_session *s, const request *q, dc_geo_forward_result *fr,
                       dc_geo_reverse_result *rr)
{
    dc_zone z;
    switch (q->kind) {
    case REQ_FORWARD:
    case REQ_TYPO:
        if (dc_geo_forward(s, q->text, strlen(q->text), fr) != DC_OK) return 0;
        return forward_digest(fr);
    case REQ_REVERSE:
    case REQ_ZONE_ONLY:
        if (dc_geo_reverse(s, q->lat, q->lon, 50, q->kind == REQ_REVERSE ? 1 : 0, rr) !=
            DC_OK)
            return 0;
        return reverse_digest(rr);
    case REQ_ZONE:
        if (dc_geo_zone(s, q->postcode, &z) != DC_OK) return 3;
        return mix_str(mix(4, z.household_count), z.name.ptr, z.name.len);
    }
    return 0;
}

/* Mostly plain forward lookups, as in service; one in 32 with a slip. */
static void make_requests(dc_geo_session *s)
{
    uint32_t n = (uint32_t)dc_index_info(dc_geo_index(geo))->households;
    unsigned seed = 7;
    for (int i = 0; i < NREQUESTS; i++) {
        request *q = &requests[i];
        dc_household h;
        seed = seed * 1103515245u + 12345u;
        dc_index_household(dc_geo_session_txn(s), (seed >> 8) % n, &h);
        dc_code_format(&h.code, DC_CODE_COMPACT, q->text, sizeof q->text);
        q->lat = h.lat_e7 / 1e7 + (i % 7 - 3) * 1e-5;
        q->lon = h.lon_e7 / 1e7 + (i % 5 - 2) * 1e-5;
        q->postcode = i % 3 ? h.postcode : 99999;
        /* Reverse reads whole 280 m cells (about 100 us on the sample's
         * dense ones), so it is one request in 16. */
        static const req_kind mixture[16] = {
            REQ_FORWARD, REQ_FORWARD,   REQ_FORWARD, REQ_FORWARD,
            REQ_FORWARD, REQ_FORWARD,   REQ_FORWARD, REQ_FORWARD,
            REQ_FORWARD, REQ_FORWARD,   REQ_FORWARD, REQ_FORWARD,
            REQ_REVERSE, REQ_ZONE_ONLY, REQ_ZONE,    REQ_FORWARD};
        q->kind = mixture[i % 16];
        if (i % 32 == 31) {
            q->kind = REQ_TYPO;
            q->text[11] = q->text[11] == 'X' ? '2' : 'X';
        }
    }
}

static void *run(void *arg)
{
    worker *w = arg;
    dc_geo_forward_result *fr = malloc(sizeof *fr);
    dc_geo_reverse_result *rr = malloc(sizeof *rr);
    dc_geo_session *s = NULL;
    for (uint64_t i = 0; i < w->lookups; i++) {
        if (i % 16 == 0) {
            dc_geo_session_end(s);
            if (dc_geo_session_begin(geo, &s) != DC_OK) {
                w->mismatches++;
                s = NULL;
                continue;
            }
        }
        const request *q = &requests[(w->start + i) % NREQUESTS];
        if (answer(s, q, fr, rr) != q->digest) w->mismatches++;
    }
    dc_geo_session_end(s);
    free(fr);
    free(rr);
    return NULL;
}

int main(int argc, char **argv)
{
    static dc_geo_forward_result fr;
    static dc_geo_reverse_result rr;
    dc_geo_session *s;
    dc_error err;
    if (argc < 2) {
        fprintf(stderr, "usage: test_geocoder_threads INDEX [LOOKUPS_PER_THREAD]\n");
        return 2;
    }
    uint64_t lookups = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
    if (dc_geo_open(argv[1], &geo, &err) != DC_OK) {
        fprintf(stderr, "test_geocoder_threads: %s\n", err.message);
        return 3;
    }
    dc_geo_session_begin(geo, &s);
    make_requests(s);
    int kinds[5] = {0}, failed = 0;
    for (int i = 0; i < NREQUESTS; i++) {
        requests[i].digest = answer(s, &requests[i], &fr, &rr);
        kinds[requests[i].kind]++;
        failed += requests[i].digest == 0;
    }
    if (failed) {
        fprintf(stderr, "test_geocoder_threads: %d requests failed on one thread\n",
                failed);
        return 1;
    }
    dc_geo_session_end(s);

    worker w[2] = {{lookups, 0, 0}, {lookups, NREQUESTS / 2 + 1, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, run, &w[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    dc_geo_close(geo);
    printf("threads: 2 x %llu lookups (of %d requests: %d forward, %d with a slip, %d "
           "reverse, "
           "%d zone-only reverse, %d zone); %llu answers differ from one thread's\n",
           (unsigned long long)lookups, NREQUESTS, kinds[REQ_FORWARD], kinds[REQ_TYPO],
           kinds[REQ_REVERSE], kinds[REQ_ZONE_ONLY], kinds[REQ_ZONE],
           (unsigned long long)(w[0].mismatches + w[1].mismatches));
    return w[0].mismatches + w[1].mismatches ? 1 : 0;
}
