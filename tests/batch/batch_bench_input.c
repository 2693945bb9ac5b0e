/*
 * batch_bench_input - the input of the batch benchmark: a CSV of N rows,
 * each a household of INDEX (all of them once per pass, in a scattered
 * order, as a list gathered from many offices would be), with a running
 * number and a Vietnamese name beside the code.
 *
 *   batch_bench_input INDEX ROWS > rows.csv
 *   batch_bench_input INDEX ROWS address > rows.csv
 *
 * With "address", the rows are semicolon-separated and carry the code in
 * a column whose name is no code column's (ma_so: an address run does not
 * take it) and the household's written address (dia_chi), a third each in
 * full with tones, without tones and abbreviated (search_forms.h): the
 * same rows run by code and by address, for the address batch's
 * benchmark (scripts/bench-batch-address.sh).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"
#include "search_forms.h"

static const char *const names[] = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường",
                                    "Phạm Thị Dung", "Hoàng Văn Đức"};

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

/* A step coprime with @p n, about n times the golden ratio: consecutive
 * rows land far apart in the index, and n steps visit every household. */
static uint64_t scatter_step(uint64_t n)
{
    uint64_t step = (uint64_t)((double)n * 0.6180339887) | 1;
    while (n > 1 && gcd(n, step) != 1)
        step += 2;
    return n > 1 ? step % n : 0;
}

/* A row with the household's code and written address. */
static int address_row(dc_geo_session *s, uint64_t i, const dc_household *h)
{
    static const search_form forms[3] = {FORM_FULL, FORM_FOLDED, FORM_ABBREV};
    char code[DC_CODE_DISPLAY_SIZE], address[2048];
    dc_zone z;
    if (dc_geo_zone(s, h->postcode, &z) != DC_OK) return 3;
    dc_code_format(&h->code, DC_CODE_DISPLAY, code, sizeof code);
    if (!search_form_make(forms[i % 3], h, &z, (unsigned)i, address, sizeof address))
        address[0] = '\0';
    printf("%" PRIu64 ";%s;%s;\"%s\"\n", i + 1, names[i % 5], code, address);
    return 0;
}

int main(int argc, char **argv)
{
    dc_geo *geo;
    dc_geo_session *s;
    dc_error err;
    bool addresses = argc == 4 && strcmp(argv[3], "address") == 0;
    if ((argc != 3 && !addresses) || dc_geo_open(argv[1], &geo, &err) != DC_OK) {
        fprintf(stderr, "usage: batch_bench_input INDEX ROWS [address]\n");
        return 2;
    }
    uint64_t rows = strtoull(argv[2], NULL, 10);
    uint64_t n = dc_index_info(dc_geo_index(geo))->households, step = scatter_step(n);
    dc_geo_session_begin(geo, &s);
    printf(addresses ? "stt;ho_ten;ma_so;dia_chi\n" : "stt,ho_ten,ma_dia_chi\n");
    for (uint64_t i = 0, h = 0; i < rows; i++, h = (h + step) % n) {
        dc_household hh;
        char code[DC_CODE_DISPLAY_SIZE];
        if (dc_index_household(dc_geo_session_txn(s), (uint32_t)h, &hh) != DC_OK)
            return 3;
        if (addresses) {
            if (address_row(s, i, &hh) != 0) return 3;
            continue;
        }
        dc_code_format(&hh.code, DC_CODE_DISPLAY, code, sizeof code);
        printf("%" PRIu64 ",%s,%s\n", i + 1, names[i % 5], code);
    }
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return fflush(stdout) == 0 ? 0 : 3;
}
