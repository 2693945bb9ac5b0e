/*
 * fuzz_bbox_parse.c - dc_http_bbox_parse (the bbox= of GET /v1/zones and
 * GET /v1/households) on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report": a box read is ordered (south <=
 * north, west <= east) and on the globe, and reads again the same when
 * written back with seven decimals; a box refused says so, naming the
 * parameter, and leaves the box as it was.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_map_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_bbox_parse: broken invariant: %s\n", what);
    abort();
}

/* e7 written as degrees with every digit it has. */
static int put_e7(char *out, size_t n, int32_t v)
{
    int64_t a = v < 0 ? -(int64_t)v : v;
    return snprintf(out, n, "%s%lld.%07lld", v < 0 ? "-" : "", (long long)(a / 10000000),
                    (long long)(a % 10000000));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    text[size] = '\0';
    dc_http_box b = {1, 2, 3, 4}, again;
    char problem[200] = "";
    if (dc_http_bbox_parse(text, &b, problem, sizeof problem)) {
        dc_check(b.south <= b.north && b.west <= b.east, "a box read is not ordered");
        dc_check(b.south >= -900000000 && b.north <= 900000000 && b.west >= -1800000000 &&
                     b.east <= 1800000000,
                 "a box read is off the globe");
        char back[128];
        size_t at = 0;
        const int32_t v[4] = {b.west, b.south, b.east, b.north};
        for (int i = 0; i < 4; i++) {
            if (i) back[at++] = ',';
            at += (size_t)put_e7(back + at, sizeof back - at, v[i]);
        }
        dc_check(dc_http_bbox_parse(back, &again, problem, sizeof problem) &&
                     memcmp(&again, &b, sizeof b) == 0,
                 "a box written back does not read the same");
    } else {
        dc_check(strncmp(problem, "parameter bbox", 14) == 0,
                 "a refusal does not name the parameter");
        dc_check(b.south == 1 && b.west == 2 && b.north == 3 && b.east == 4,
                 "a refused box changed the output");
    }
    free(text);
    return 0;
}
