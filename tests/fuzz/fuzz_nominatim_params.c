/*
 * fuzz_nominatim_params.c - Nominatim's parameters (http_nominatim_params.h)
 * on arbitrary bytes, as a query string: "key=value&key=value", the first
 * byte choosing /reverse (odd) or /search (even), and an optional
 * Accept-Language header after a newline. Invariants, each checked with
 * abort():
 * - a refusal is a bad parameter or a bad query, with a message that is
 *   non-empty and NUL-terminated within its buffer;
 * - an accepted /search has a limit in 1..40 and a query, and a near point
 *   from the viewbox only within range; an accepted /reverse has lat in
 *   -90..90, lon in -180..180 and zoom in 0..18;
 * - the same input read twice gives the same verdict and message.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_nominatim_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_nominatim_params: %s\n", what);
        abort();
    }
}

#define MAX_INPUT 4096
#define MAX_PARAMS 64

typedef struct parsed {
    char buf[MAX_INPUT + 1];
    const char *keys[MAX_PARAMS], *values[MAX_PARAMS];
    size_t sizes[MAX_PARAMS];
    size_t n;
    const char *language;
} parsed;

/* Split "k=v&k=v\nlang" in place: keys and values NUL-terminated. */
static void split(const uint8_t *data, size_t size, parsed *p)
{
    memcpy(p->buf, data, size);
    p->buf[size] = '\0';
    p->n = 0;
    p->language = NULL;
    char *nl = memchr(p->buf, '\n', size);
    size_t end = size;
    if (nl) {
        *nl = '\0';
        p->language = nl + 1;
        end = (size_t)(nl - p->buf);
    }
    size_t at = 0;
    while (at < end && p->n < MAX_PARAMS) {
        char *amp = memchr(p->buf + at, '&', end - at);
        size_t stop = amp ? (size_t)(amp - p->buf) : end;
        p->buf[stop] = '\0';
        char *eq = memchr(p->buf + at, '=', stop - at);
        p->keys[p->n] = p->buf + at;
        if (eq) {
            *eq = '\0';
            p->values[p->n] = eq + 1;
            p->sizes[p->n] = (size_t)(p->buf + stop - (eq + 1));
        } else {
            p->values[p->n] = NULL;
            p->sizes[p->n] = 0;
        }
        p->n++;
        at = stop + 1;
    }
}

static bool read_once(const parsed *p, bool reverse, nominatim_request *n)
{
    dc_nominatim_params_init(n);
    for (size_t i = 0; i < p->n; i++)
        dc_nominatim_param(n, p->keys[i], p->values[i], p->sizes[i]);
    return dc_nominatim_params_finish(n, p->language, reverse);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT + 1) return 0;
    bool reverse = data[0] & 1;
    static parsed p;
    split(data + 1, size - 1, &p);
    static nominatim_request a, b;
    bool ok = read_once(&p, reverse, &a);
    bool again = read_once(&p, reverse, &b);
    check(ok == again, "the same input read twice gave two verdicts");
    if (!ok) {
        check(memchr(a.message, '\0', sizeof a.message) != NULL, "message not terminated");
        check(a.message[0] != '\0', "a refusal without a message");
        check(strcmp(a.message, b.message) == 0, "two messages for one input");
        check(a.error == DC_API_BAD_PARAMETER || a.error == DC_API_BAD_QUERY,
              "a refusal other than bad_parameter or bad_query");
        return 0;
    }
    if (reverse) {
        check(a.lat >= -90 && a.lat <= 90 && a.lon >= -180 && a.lon <= 180,
              "reverse point out of range");
        check(a.zoom >= 0 && a.zoom <= 18, "zoom out of range");
    } else {
        check(a.limit >= 1 && a.limit <= NOMINATIM_MAX_LIMIT, "limit out of range");
        check(a.query != NULL, "search without a query");
        if (a.so.near)
            check(a.so.near_lat >= -90 && a.so.near_lat <= 90 && a.so.near_lon >= -180 &&
                      a.so.near_lon <= 180,
                  "viewbox centre out of range");
    }
    return 0;
}
