/*
 * build_history.c - the editions, the earlier zones and the history rows
 * checked and written (build_history.h).
 */
#include <stdlib.h>

#include "build_history.h"
#include "build_record.h"
#include "build_validate.h"
#include "build_write.h"
#include "history_records.h"

static const dc_history_build *history_of(const dc_builder *b)
{
    const dc_history_build *h = b->in->history;
    return h && h->neditions ? h : NULL;
}

static dc_err check_editions(dc_builder *b, const dc_history_build *h)
{
    if (h->neditions > DC_EDITIONS_MAX || !h->editions)
        return dc_error_set(b->err, DC_E_INVALID_ARG, "more than %u editions",
                            DC_EDITIONS_MAX);
    for (size_t i = 0; i < h->neditions; i++) {
        const dc_edition_input *e = &h->editions[i];
        char from[DC_DATE_SIZE], until[DC_DATE_SIZE];
        dc_date_format(e->valid_from, from);
        dc_date_format(e->valid_until, until);
        if (e->valid_from > e->valid_until)
            return dc_error_set(b->err, DC_E_INVALID_ARG,
                                "edition %zu: valid from %s, after its end %s", i + 1,
                                from, until);
        if (dc_str_len(e->source) > DC_MAX_STR16)
            return dc_error_set(b->err, DC_E_INVALID_ARG,
                                "edition %zu: source longer than %u bytes", i + 1,
                                DC_MAX_STR16);
        if (i > 0 && e->valid_from <= h->editions[i - 1].valid_until)
            return dc_error_set(b->err, DC_E_INVALID_ARG,
                                "edition %zu (from %s) overlaps edition %zu: a door "
                                "would have two current codes",
                                i + 1, from, i);
    }
    return DC_OK;
}

static dc_err check_past_zone(dc_builder *b, const dc_past_zone_input *p,
                              uint32_t current, const uint8_t *seen)
{
    const dc_zone_input *z = &p->zone;
    dc_err rc = dc_build_validate_zone(b, z);
    if (rc != DC_OK) return rc;
    if (dc_bit(seen, z->postcode))
        return dc_error_set(b->err, DC_E_INVALID_ARG, "earlier zone %05u is listed twice",
                            z->postcode);
    if (p->first_edition < 1 || p->first_edition > p->last_edition ||
        p->last_edition >= current)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "earlier zone %05u: editions %u..%u are not before the "
                            "current edition %u",
                            z->postcode, p->first_edition, p->last_edition, current);
    int32_t slot = b->zone_of[z->postcode];
    if (slot < 0) return DC_OK;
    const dc_zone_input *now = &b->in->zones[slot];
    if (p->last_edition != current - 1)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "postcode %05u is reused: retired after edition %u, current "
                            "again in edition %u",
                            z->postcode, p->last_edition, current);
    if (now->ref_lat_e7 != z->ref_lat_e7 || now->ref_lon_e7 != z->ref_lon_e7)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "zone %05u: its reference point changed between editions",
                            z->postcode);
    return DC_OK;
}

static dc_err check_rows(dc_builder *b, const dc_history_build *h, const uint8_t *seen)
{
    for (size_t i = 0; i < h->nrows; i++) {
        const dc_history_input *r = &h->rows[i];
        uint32_t pcs[2] = {r->old_postcode, r->new_postcode};
        if ((unsigned)r->kind > DC_HISTORY_SPLIT)
            return dc_error_set(b->err, DC_E_INVALID_ARG, "history row %zu: unknown kind",
                                i + 1);
        for (int k = 0; k < 2; k++)
            if (pcs[k] >= DC_POSTCODES ||
                (b->zone_of[pcs[k]] < 0 && !dc_bit(seen, pcs[k])))
                return dc_error_set(b->err, DC_E_INVALID_ARG,
                                    "history row %zu: postcode %05u is in no edition",
                                    i + 1, pcs[k]);
    }
    return DC_OK;
}

dc_err dc_build_validate_history(dc_builder *b)
{
    const dc_history_build *h = b->in->history;
    if (!h) return DC_OK;
    if (!h->neditions) {
        if (h->npast_zones || h->nrows)
            return dc_error_set(b->err, DC_E_INVALID_ARG,
                                "earlier zones or history rows without editions");
        return DC_OK;
    }
    if ((h->npast_zones && !h->past_zones) || (h->nrows && !h->rows))
        return dc_error_set(b->err, DC_E_INVALID_ARG, "no earlier zones given");
    dc_err rc = check_editions(b, h);
    uint8_t *seen = calloc(DC_POSTCODES / 8 + 1, 1);
    if (!seen) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for the editions");
    for (size_t i = 0; rc == DC_OK && i < h->npast_zones; i++) {
        rc = check_past_zone(b, &h->past_zones[i], (uint32_t)h->neditions, seen);
        uint32_t pc = h->past_zones[i].zone.postcode;
        if (rc == DC_OK) seen[pc >> 3] |= (uint8_t)(1u << (pc & 7));
    }
    if (rc == DC_OK) rc = check_rows(b, h, seen);
    free(seen);
    return rc;
}

/* ---- writing ---------------------------------------------------------- */

static uint32_t edition_zones(const dc_builder *b, const dc_history_build *h, uint32_t e)
{
    if (e == h->neditions) return (uint32_t)b->in->nzones;
    uint32_t n = 0;
    for (size_t i = 0; i < h->npast_zones; i++)
        n += h->past_zones[i].first_edition <= e && e <= h->past_zones[i].last_edition;
    return n;
}

static dc_err write_editions(dc_builder *b, const dc_history_build *h)
{
    uint8_t key[4];
    for (uint32_t e = 1; e <= h->neditions; e++) {
        const dc_edition_input *in = &h->editions[e - 1];
        size_t len = dc_str_len(in->source);
        dc_err rc = dc_build_reserve(b, DC_EDITION_FIXED + len);
        if (rc != DC_OK) return rc;
        dc_put_i32(b->buf, in->valid_from);
        dc_put_i32(b->buf + 4, in->valid_until);
        dc_put_le32(b->buf + 8, edition_zones(b, h, e));
        b->buf[12] = (uint8_t)len;
        b->buf[13] = (uint8_t)(len >> 8);
        if (len) memcpy(b->buf + DC_EDITION_FIXED, in->source, len);
        dc_put_be32(key, e);
        rc = dc_build_put(b, DC_DB_EDITIONS, key, 4, b->buf, DC_EDITION_FIXED + len);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

static int by_pair(const void *a, const void *b)
{
    const dc_history_input *x = a, *y = b;
    if (x->old_postcode != y->old_postcode)
        return x->old_postcode < y->old_postcode ? -1 : 1;
    return (x->new_postcode > y->new_postcode) - (x->new_postcode < y->new_postcode);
}

static dc_err write_rows(dc_builder *b, const dc_history_build *h)
{
    dc_history_input *rows = malloc((h->nrows + 1) * sizeof *rows);
    if (!rows) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for the history");
    if (h->nrows) memcpy(rows, h->rows, h->nrows * sizeof *rows);
    qsort(rows, h->nrows, sizeof *rows, by_pair);
    dc_err rc = DC_OK;
    for (size_t i = 0; rc == DC_OK && i < h->nrows; i++) {
        uint8_t key[DC_HISTORY_KEY], val[DC_HISTORY_VALUE] = {0};
        if (i && by_pair(&rows[i - 1], &rows[i]) == 0) {
            rc = dc_error_set(b->err, DC_E_INVALID_ARG,
                              "history: %05u -> %05u is listed twice",
                              rows[i].old_postcode, rows[i].new_postcode);
            break;
        }
        dc_put_be32(key, rows[i].old_postcode);
        dc_put_be32(key + 4, rows[i].new_postcode);
        val[0] = (uint8_t)rows[i].kind;
        dc_put_i32(val + 4, rows[i].date);
        rc = dc_build_put(b, DC_DB_HISTORY, key, sizeof key, val, sizeof val);
    }
    free(rows);
    return rc;
}

static int by_postcode(const void *a, const void *b)
{
    uint32_t x = (*(const dc_past_zone_input *const *)a)->zone.postcode,
             y = (*(const dc_past_zone_input *const *)b)->zone.postcode;
    return (x > y) - (x < y);
}

static dc_err write_past_zones(dc_builder *b, const dc_history_build *h)
{
    const dc_past_zone_input **order = malloc((h->npast_zones + 1) * sizeof *order);
    if (!order) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for the zones");
    for (size_t i = 0; i < h->npast_zones; i++)
        order[i] = &h->past_zones[i];
    qsort(order, h->npast_zones, sizeof *order, by_postcode);
    dc_err rc = DC_OK;
    for (size_t i = 0; rc == DC_OK && i < h->npast_zones; i++) {
        size_t size;
        uint8_t key[4];
        rc = dc_build_zone_value(b, DC_PAST_ZONE_SPAN, &order[i]->zone, 0, &size);
        if (rc != DC_OK) break;
        dc_put_le32(b->buf, order[i]->first_edition);
        dc_put_le32(b->buf + 4, order[i]->last_edition);
        dc_put_be32(key, order[i]->zone.postcode);
        rc = dc_build_put(b, DC_DB_PAST_ZONES, key, 4, b->buf, DC_PAST_ZONE_SPAN + size);
    }
    free(order);
    return rc;
}

dc_err dc_build_write_history(dc_builder *b)
{
    const dc_history_build *h = history_of(b);
    if (!h) return DC_OK;
    dc_err rc = write_editions(b, h);
    if (rc == DC_OK) rc = write_rows(b, h);
    if (rc == DC_OK) rc = write_past_zones(b, h);
    return rc;
}
