/*
 * fuzz_decimal_parse.c - dc_query_decimal (the HTTP service's numbers:
 * lat, lon, radius, limit, the map's box) on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report": it reads a text exactly when
 * strtod on text of "0123456789+-.eE" alone reads all of it without
 * ERANGE (what the service did before), and to the same bits; a text
 * refused leaves the output as it was.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_decimal_parse: broken invariant: %s\n", what);
    abort();
}

static bool reference(const char *s, double *out)
{
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s)) return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return false;
    *out = v;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size); /* data is NULL for the empty input */
    text[size] = '\0'; /* a parameter is a C string: it ends at a NUL */
    double want = 0, got = -7;
    bool ok_want = reference(text, &want), ok_got = dc_query_decimal(text, &got);
    dc_check(ok_want == ok_got, "reads what strtod refuses, or refuses what it reads");
    if (ok_got)
        dc_check(memcmp(&want, &got, sizeof want) == 0, "a value other than strtod's");
    else
        dc_check(got == -7, "a refused text wrote the output");
    free(text);
    return 0;
}
