/*
 * fuzz_csv_scan.c - the batch module's CSV reader on arbitrary bytes.
 *
 * The first byte picks the delimiter (known, or 0: detected) and how the
 * input is cut into chunks; the rest is the CSV. Invariants, each checked
 * with abort() so libFuzzer and the replay runner both report it:
 * - records found by scanning the bytes as they arrive in chunks are the
 *   records found in one pass over the whole input (resumable scan);
 * - records and their line endings tile the input exactly: nothing is
 *   lost or read twice, and an unterminated quote is only ever reported
 *   at the end;
 * - a record's fields, joined by the delimiter, are the record;
 * - a value written back (quoted when dc_csv_needs_quotes says so) reads
 *   back as the same value.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_csv_scan: broken invariant: %s\n", what);
    abort();
}

typedef struct found {
    size_t start, len;
    int eol;
} found;

/* Every record of @p in, fed @p chunk bytes more at a time (0: all). */
static size_t scan_all(const char *in, size_t n, char delim, size_t chunk, found *out,
                       size_t cap, bool *unterminated)
{
    size_t pos = 0, count = 0, avail = chunk ? (chunk < n ? chunk : n) : n;
    dc_csv_scan st;
    memset(&st, 0, sizeof st);
    *unterminated = false;
    for (;;) {
        size_t len;
        int eol;
        int r =
            dc_csv_scan_record(in + pos, avail - pos, avail == n, delim, &st, &len, &eol);
        if (r == DC_CSV_MORE) {
            check(avail < n, "more asked for at the end of the input");
            avail = avail + chunk < n ? avail + chunk : n;
            continue;
        }
        if (r == DC_CSV_END) break;
        if (r == DC_CSV_UNTERMINATED) {
            check(avail == n, "unterminated before the end");
            *unterminated = true;
            break;
        }
        check(pos + len + dc_csv_eol_len(eol) <= avail, "a record past the bytes given");
        check(count < cap, "more records than bytes");
        out[count++] = (found){pos, len, eol};
        pos += len + dc_csv_eol_len(eol);
        memset(&st, 0, sizeof st);
        if (pos == n) break;
    }
    return count;
}

static void check_fields(const char *rec, size_t len, char delim)
{
    size_t pos = 0, start, end, joined = 0, fields = 0;
    char *scratch = malloc(len + 1);
    char *written = malloc(2 * len + 3);
    while (dc_csv_next_field(rec, len, delim, &pos, &start, &end)) {
        check(start == joined, "a field does not start after the previous one");
        check(end >= start && end <= len, "a field outside its record");
        joined = end + 1;
        fields++;
        size_t vlen, wlen = 0;
        const char *v = dc_csv_value(rec + start, end - start, scratch, &vlen);
        check(vlen <= end - start, "a value longer than its field");
        /* Write the value back as a writer would, and read it again. */
        if (dc_csv_needs_quotes(v, vlen, delim)) {
            written[wlen++] = '"';
            for (size_t i = 0; i < vlen; i++) {
                if (v[i] == '"') written[wlen++] = '"';
                written[wlen++] = v[i];
            }
            written[wlen++] = '"';
        } else {
            memcpy(written, v, vlen);
            wlen = vlen;
        }
        size_t back_len;
        char *scratch2 = malloc(wlen + 1);
        const char *back = dc_csv_value(written, wlen, scratch2, &back_len);
        check(back_len == vlen && memcmp(back, v, vlen) == 0,
              "a value does not round trip");
        free(scratch2);
    }
    check(fields >= 1, "a record without a field");
    check(joined == len + 1, "fields do not cover their record");
    free(scratch);
    free(written);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[] = {',', ';', '\t', '|', 0};
    if (size < 1) return 0;
    char delim = delims[data[0] % 5];
    size_t chunk = 1 + (data[0] >> 3) % 7;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    size_t cap = n + 1;
    found *whole = malloc(cap * sizeof *whole), *cut = malloc(cap * sizeof *cut);
    bool unterminated_whole, unterminated_cut;
    size_t a = scan_all(in, n, delim, 0, whole, cap, &unterminated_whole);
    size_t b = scan_all(in, n, delim, chunk, cut, cap, &unterminated_cut);
    check(a == b && unterminated_whole == unterminated_cut, "chunked scan differs");
    for (size_t i = 0; i < a; i++)
        check(whole[i].start == cut[i].start && whole[i].len == cut[i].len &&
                  whole[i].eol == cut[i].eol,
              "chunked records differ");
    size_t covered = 0;
    for (size_t i = 0; i < a; i++) {
        check(whole[i].start == covered, "records do not tile the input");
        covered += whole[i].len + dc_csv_eol_len(whole[i].eol);
        check(whole[i].eol != DC_CSV_EOL_NONE || covered == n,
              "a record without a line ending before the end");
        if (delim) check_fields(in + whole[i].start, whole[i].len, delim);
    }
    check(unterminated_whole || covered == n, "input left over");
    free(whole);
    free(cut);
    return 0;
}
