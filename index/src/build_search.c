/*
 * build_search.c - the search databases of a new index (build_search.h):
 * each household handed to search_records.c as it is written, then the
 * zones, then every record written with dc_build_put. The search
 * databases are derived from the zones, households and strings, so the
 * fingerprint does not cover them: dc_index_check recomputes them.
 */
#include "diachi/history.h"
#include "build_record.h"
#include "build_search.h"
#include "search_records.h"

static dc_str str_of(const char *s)
{
    return (dc_str){s ? s : "", dc_str_len(s)};
}

/* The records, made on the first household with the earlier editions'
 * zones, whose former names they hold. */
static dc_err records(dc_builder *b)
{
    if (b->search) return DC_OK;
    b->search = dc_search_records_open();
    if (!b->search)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory for the search index");
    const dc_history_build *h = b->in->history;
    dc_err rc = DC_OK;
    for (size_t i = 0; rc == DC_OK && h && h->neditions && i < h->npast_zones; i++) {
        const dc_zone_input *z = &h->past_zones[i].zone;
        rc = dc_search_records_past_zone(b->search, z->postcode, str_of(z->name),
                                         str_of(z->kind), str_of(z->district),
                                         str_of(z->province), z->polygon);
    }
    if (rc == DC_E_NOMEM)
        return dc_error_set(b->err, rc, "out of memory for the search index");
    return rc;
}

dc_err dc_build_search_household(dc_builder *b, uint32_t number, uint32_t postcode,
                                 uint32_t street, uint32_t group, const uint8_t *house,
                                 size_t house_len, int32_t lat_e7, int32_t lon_e7)
{
    dc_err rc = records(b);
    if (rc == DC_OK)
        rc = dc_search_records_household(b->search, number, postcode, street, group,
                                         (const char *)house, house_len, lat_e7, lon_e7);
    if (rc == DC_E_NOMEM)
        return dc_error_set(b->err, rc, "out of memory for the search index");
    return rc;
}

static dc_str build_string(void *ctx, uint32_t id)
{
    return dc_strtab_string(((dc_builder *)ctx)->strings, id);
}

static dc_err put_record(void *ctx, int db, const void *key, size_t klen, const void *val,
                         size_t vlen)
{
    return dc_build_put(ctx, db, key, klen, val, vlen);
}

dc_err dc_build_write_search(dc_builder *b)
{
    dc_err rc = records(b);
    for (uint32_t p = 0; rc == DC_OK && p < DC_POSTCODES; p++) {
        if (b->zone_of[p] < 0) continue;
        const dc_zone_input *z = &b->in->zones[b->zone_of[p]];
        rc = dc_search_records_zone(b->search, p, str_of(z->name), str_of(z->kind),
                                    str_of(z->district), str_of(z->province));
        if (rc != DC_OK)
            rc = dc_error_set(b->err, rc, "out of memory for the search index");
    }
    if (rc == DC_OK)
        rc = dc_search_records_finish(b->search, build_string, b, put_record, b, b->err);
    return rc;
}

void dc_build_free_search(dc_builder *b)
{
    dc_search_records_close(b->search);
    b->search = NULL;
}
