/*
 * fuzz_plates_template.c - dc_plates_payload_parse, the reader of
 * diachi-plates --qr, and the expansion of what it accepts, on arbitrary
 * bytes.
 *
 * Besides "no crash, no sanitizer report": a refusal names one of its two
 * problems, says why and leaves the output alone; a spec read keeps its
 * text, and expands for a household to the same text every time, with no
 * brace left from a placeholder and within a QR code's capacity, or is
 * refused as too long.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/plates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_plates_template: broken invariant: %s\n", what);
    abort();
}

static int count_braces(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '{' || *s == '}';
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = malloc(size + 1);
    if (!spec) return 0;
    if (size) memcpy(spec, data, size);
    spec[size] = '\0';
    dc_plates_payload p, untouched;
    memset(&p, 0xA5, sizeof p);
    untouched = p;
    const char *problem = NULL;
    dc_error err = {0};
    if (dc_plates_payload_parse(spec, &p, &problem, &err) != DC_OK) {
        dc_check(problem && (strcmp(problem, "unknown_placeholder") == 0 ||
                             strcmp(problem, "bad_template") == 0),
                 "a refusal names no known problem");
        dc_check(err.message[0] != '\0', "a refusal says nothing");
        dc_check(memcmp(&p, &untouched, sizeof p) == 0, "a refusal wrote the payload");
        free(spec);
        return 0;
    }
    dc_check(p.len == strlen(spec) && strcmp(p.spec, spec) == 0, "the spec was not kept");
    dc_plate pl;
    memset(&pl, 0, sizeof pl);
    pl.postcode = 32105;
    pl.lat_e7 = -213640201;
    pl.lon_e7 = 1030209141;
    strcpy(pl.display, "32105 927C+J93");
    strcpy(pl.compact, "32105927CJ93");
    strcpy(pl.plus_code, "7PH5927C+J93");
    pl.id = "DBP 1/2";
    pl.house_number = pl.street = pl.group = pl.address = "";
    char a[1024], b[1024];
    size_t la = 0, lb = 0;
    dc_err ea = dc_plates_payload_text(&p, &pl, a, sizeof a, &la);
    dc_err eb = dc_plates_payload_text(&p, &pl, b, sizeof b, &lb);
    dc_check(ea == eb, "two expansions disagree");
    dc_check(ea == DC_OK || ea == DC_E_BUFFER,
             "an expansion failed otherwise than too long");
    if (ea == DC_OK) {
        dc_check(la == lb && strcmp(a, b) == 0, "two expansions differ");
        dc_check(la == strlen(a) && la <= DC_QR_TEXT_MAX && la > 0, "a bad length");
        /* "{{" gives one brace, a placeholder none. */
        dc_check(count_braces(a) * 2 <= count_braces(spec), "a placeholder left a brace");
    }
    free(spec);
    return 0;
}
