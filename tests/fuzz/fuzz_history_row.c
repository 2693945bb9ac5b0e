/*
 * fuzz_history_row.c - dc_history_row_parse, the reader of a history
 * table's lines (diachi-import --history), on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report": a row read has postcodes of 5
 * digits, a kind with a name and a date that formats; written back as
 * `old,new,kind,date` it reads again the same; a failure names a field
 * 1..5 and leaves the output alone.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_history_row: broken invariant: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dc_history_input r, again, untouched;
    memset(&r, 0xA5, sizeof r);
    untouched = r;
    int bad = dc_history_row_parse((const char *)data, size, &r);
    if (bad) {
        dc_check(bad >= 1 && bad <= 5, "a failure names no field");
        dc_check(memcmp(&r, &untouched, sizeof r) == 0, "a failure wrote the row");
        return 0;
    }
    dc_check(r.old_postcode <= 99999 && r.new_postcode <= 99999, "a postcode over 99999");
    const char *kind = dc_history_kind_name(r.kind);
    dc_check(kind != NULL, "a kind without a name");
    char date[DC_DATE_SIZE], line[64];
    dc_date_format(r.date, date);
    dc_check(strlen(date) == 10, "a date that does not format");
    int n = snprintf(line, sizeof line, "%05u,%05u,%s,%s", r.old_postcode, r.new_postcode,
                     kind, date);
    dc_check(n > 0 && (size_t)n < sizeof line, "a row too long to write");
    dc_check(dc_history_row_parse(line, (size_t)n, &again) == 0 &&
                 memcmp(&again, &r, sizeof r) == 0,
             "a row written back does not read the same");
    dc_check((size_t)n == size && memcmp(line, data, size) == 0,
             "a row read is not the one written back");
    return 0;
}
