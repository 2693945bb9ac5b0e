/*
 * list_households - an index's zones and households as tab-separated
 * lines, for tests written in another language (nominatim_geopy.py):
 *   zone POSTCODE NAME KIND DISTRICT PROVINCE
 *   household NUMBER CODE LAT_E7 LON_E7 POSTCODE HOUSE_NUMBER STREET GROUP
 * CODE in its display form ("32107 CX5Q+4HW"). A tab or newline inside a
 * name (none in the sample) would break the lines: such a name exits 3.
 */
#include <stdio.h>
#include <string.h>

#include "diachi/index.h"

static int put(const dc_str *s, const char *after)
{
    if (s->len && (memchr(s->ptr, '\t', s->len) || memchr(s->ptr, '\n', s->len)))
        return 1;
    printf("%.*s%s", (int)s->len, s->ptr ? s->ptr : "", after);
    return 0;
}

int main(int argc, char **argv)
{
    dc_index *idx;
    dc_index_txn *txn;
    dc_error err;
    int bad = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: list_households INDEX\n");
        return 2;
    }
    if (dc_index_open(argv[1], &idx, &err) != DC_OK) {
        fprintf(stderr, "list_households: %s\n", err.message);
        return 3;
    }
    if (dc_index_txn_begin(idx, &txn) != DC_OK) return 3;
    for (uint32_t pc = 0; pc <= 99999; pc++) {
        dc_zone z;
        if (dc_index_zone(txn, pc, &z) != DC_OK) continue;
        printf("zone\t%05u\t", pc);
        bad |= put(&z.name, "\t") | put(&z.kind, "\t") | put(&z.district, "\t") |
               put(&z.province, "\n");
    }
    const dc_index_meta *m = dc_index_info(idx);
    for (uint32_t i = 0; i < m->households && !bad; i++) {
        dc_household h;
        char code[DC_CODE_DISPLAY_SIZE];
        if (dc_index_household(txn, i, &h) != DC_OK) return 3;
        dc_code_format(&h.code, DC_CODE_DISPLAY, code, sizeof code);
        printf("household\t%u\t%s\t%d\t%d\t%05u\t", h.number, code, h.lat_e7, h.lon_e7,
               h.postcode);
        bad |= put(&h.house_number, "\t") | put(&h.street, "\t") | put(&h.group, "\n");
    }
    dc_index_txn_end(txn);
    dc_index_close(idx);
    if (bad) fprintf(stderr, "list_households: a name holds a tab or newline\n");
    return bad ? 3 : 0;
}
