/*
 * dump_index - print an index's zones and households as text, one per
 * line, for tests to compare:
 *   zone POSTCODE NAME|KIND|COMMUNE|DISTRICT|PROVINCE
 *   household ID POSTCODE CODE
 */
#include <stdio.h>

#include "diachi/index.h"

static void put(const dc_str *s, const char *after)
{
    printf("%.*s%s", (int)s->len, s->ptr ? s->ptr : "", after);
}

int main(int argc, char **argv)
{
    dc_index *idx;
    dc_index_txn *txn;
    dc_error err;
    if (argc != 2) {
        fprintf(stderr, "usage: dump_index INDEX\n");
        return 2;
    }
    if (dc_index_open(argv[1], &idx, &err) != DC_OK) {
        fprintf(stderr, "dump_index: %s\n", err.message);
        return 3;
    }
    dc_index_txn_begin(idx, &txn);
    for (uint32_t pc = 0; pc <= 99999; pc++) {
        dc_zone z;
        if (dc_index_zone(txn, pc, &z) != DC_OK) continue;
        printf("zone %05u ", pc);
        put(&z.name, "|");
        put(&z.kind, "|");
        put(&z.commune_code, "|");
        put(&z.district, "|");
        put(&z.province, "\n");
    }
    const dc_index_meta *m = dc_index_info(idx);
    for (uint32_t i = 0; i < m->households; i++) {
        dc_household h;
        char code[DC_CODE_COMPACT_SIZE];
        if (dc_index_household(txn, i, &h) != DC_OK) return 3;
        dc_code_format(&h.code, DC_CODE_COMPACT, code, sizeof code);
        printf("household ");
        put(&h.id, " ");
        printf("%05u %s\n", h.postcode, code);
    }
    dc_index_txn_end(txn);
    dc_index_close(idx);
    return 0;
}
