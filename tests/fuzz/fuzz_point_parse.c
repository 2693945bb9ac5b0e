/*
 * fuzz_point_parse.c - dc_geo_point_parse on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report": a point read is finite and
 * reads again the same when written as "lat, lon" with every digit (and
 * with a decimal comma); a failure fills the error with one line of UTF-8
 * and writes no output; the answer does not depend on the error record.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_point_parse: broken invariant: %s\n", what);
    abort();
}

/* "lat, lon" with every digit, read back to the same doubles. */
static void dc_check_round_trip(double lat, double lon)
{
    char text[128];
    double lat2, lon2;
    snprintf(text, sizeof text, "%.17g, %.17g", lat, lon);
    if (strchr(text, 'e') || strchr(text, 'n') || strchr(text, 'i'))
        return; /* exponents and inf are not how people write points */
    dc_check(dc_geo_point_parse(text, strlen(text), &lat2, &lon2, NULL) == DC_OK &&
                 lat2 == lat && lon2 == lon,
             "a point written back does not read the same");
    for (char *p = text; *p; p++)
        if (*p == '.') *p = ',';
    if (!strchr(text, ',')) return;
    dc_check(dc_geo_point_parse(text, strlen(text), &lat2, &lon2, NULL) == DC_OK,
             "a point with decimal commas does not read");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    double lat = 1234.5, lon = 1234.5;
    dc_error err;
    memset(&err, 0xA5, sizeof err);
    dc_err rc = dc_geo_point_parse(text, size, &lat, &lon, &err);
    dc_check(rc == DC_OK || rc == DC_E_POINT_SYNTAX, "unexpected error code");
    if (rc == DC_OK) {
        dc_check(isfinite(lat) && isfinite(lon), "a point that is not finite");
        dc_check_round_trip(lat, lon);
    } else {
        dc_check(lat == 1234.5 && lon == 1234.5, "output written on failure");
        dc_check(err.code == rc, "err->code differs from the return value");
        const char *end = memchr(err.message, '\0', sizeof err.message);
        dc_check(end && end != err.message && !strchr(err.message, '\n') &&
                     dc_is_utf8(err.message),
                 "malformed message");
    }
    double lat2, lon2;
    dc_check(dc_geo_point_parse(text, size, &lat2, &lon2, NULL) == rc,
             "result depends on err");
    return 0;
}
