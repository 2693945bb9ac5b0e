/*
 * fuzz_round_request.c - the body of POST /v1/round
 * (http_round_request.h) on arbitrary bytes. Invariants, each checked
 * with abort():
 * - a refusal is one of the kinds, with a message that is non-empty and
 *   NUL-terminated within its buffer, and nothing is kept;
 * - an accepted body has 1..DC_ROUND_MAX_STOPS letters, each a string,
 *   and a start on the globe;
 * - the same bytes read twice give the same verdict, message and start.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/round.h"
#include "http_round_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_round_request: %s\n", what);
        abort();
    }
}

typedef struct verdict {
    dc_round_problem p;
    char message[320];
    double lat, lon;
    size_t letters;
    bool back, by_door;
} verdict;

static void read_body(const uint8_t *data, size_t size, verdict *v)
{
    dc_round_request r;
    memset(v->message, 0x55, sizeof v->message);
    v->message[sizeof v->message - 1] = '\0';
    v->p = dc_round_request_parse((const char *)data, size, &r, v->message,
                                  sizeof v->message - 1);
    check(v->p >= DC_ROUND_REQUEST_OK && v->p <= DC_ROUND_REQUEST_TOO_MANY, "a kind");
    if (v->p != DC_ROUND_REQUEST_OK) {
        check(v->message[0] != '\0' && v->message[0] != 0x55, "a refusal says why");
        check(memchr(v->message, '\0', sizeof v->message - 1) != NULL,
              "the message ends in its buffer");
        v->lat = v->lon = 0, v->letters = 0, v->back = v->by_door = false;
        return;
    }
    v->message[0] = '\0';
    v->letters = json_array_size(r.letters);
    check(v->letters >= 1 && v->letters <= DC_ROUND_MAX_STOPS, "1..max letters");
    for (size_t i = 0; i < v->letters; i++)
        check(json_is_string(json_array_get(r.letters, i)), "each letter a string");
    check(r.lat >= -90 && r.lat <= 90 && r.lon >= -180 && r.lon <= 180,
          "the start on the globe");
    v->lat = r.lat, v->lon = r.lon, v->back = r.back_to_start, v->by_door = r.by_door;
    json_decref(r.root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    verdict a, b;
    read_body(data, size, &a);
    read_body(data, size, &b);
    check(a.p == b.p && strcmp(a.message, b.message) == 0 && a.letters == b.letters &&
              a.back == b.back && a.by_door == b.by_door &&
              memcmp(&a.lat, &b.lat, sizeof a.lat) == 0 &&
              memcmp(&a.lon, &b.lon, sizeof a.lon) == 0,
          "the same bytes, the same verdict");
    return 0;
}
