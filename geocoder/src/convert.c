/*
 * convert.c - an old or current code to today's code of its door: the
 * forward answer read as a conversion (or a household an address found),
 * and what changed between the two postcodes as the index's history table
 * says.
 */
#include <string.h>

#include "geo_internal.h"

dc_err dc_geo_change(dc_geo_session *s, uint32_t old_postcode, uint32_t new_postcode,
                     const char **name)
{
    if (!s || !name) return DC_E_INVALID_ARG;
    if (old_postcode == new_postcode) {
        *name = "unchanged";
        return DC_OK;
    }
    struct dc_geo_change_entry *e =
        &s->changes[(old_postcode * 31u + new_postcode) % DC_GEO_CHANGES];
    if (e->name && e->old_postcode == old_postcode && e->new_postcode == new_postcode) {
        *name = e->name;
        return DC_OK;
    }
    /* A split zone has a row per new zone: a few, never this many. */
    dc_history_row rows[64];
    size_t count = 0, max = sizeof rows / sizeof rows[0];
    dc_err rc = dc_index_history(s->txn, old_postcode, rows, max, &count);
    if (rc != DC_OK) return rc;
    const char *found = "changed";
    for (size_t i = 0; i < count && i < max; i++)
        if (rows[i].new_postcode == new_postcode && dc_history_kind_name(rows[i].kind))
            found = dc_history_kind_name(rows[i].kind);
    *e = (struct dc_geo_change_entry){old_postcode, new_postcode, found};
    *name = found;
    return DC_OK;
}

/* The current code of @p place in @p zone, for a code of @p former. */
static dc_err current(dc_geo_session *s, uint32_t former, const dc_geo_place *place,
                      const dc_zone *zone, dc_geo_conversion *out)
{
    out->has_current = true;
    out->current = *place;
    out->zone = *zone;
    return dc_geo_change(s, former, zone->postcode, &out->change);
}

/* A current code with no household: the door of its cell may be registered
 * with another current zone's postcode (a cell across a border, or zones
 * that overlap): that household's code is today's code of the place. */
static dc_err unregistered(dc_geo_session *s, const dc_geo_forward_result *r,
                           dc_geo_conversion *out)
{
    dc_code mate;
    dc_zone zone;
    dc_geo_place place;
    dc_err rc = dc_geo_cell_mate(s, &r->place.code, &r->place.cell, &mate);
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    if (rc == DC_OK && mate.postcode != r->zone.postcode &&
        dc_geo_zone_of(s->geo, mate.postcode, &zone) == DC_OK &&
        dc_geo_place_fill(&mate, &zone, &place) == DC_OK) {
        out->status = DC_GEO_OK;
        return current(s, r->zone.postcode, &place, &zone, out);
    }
    return current(s, r->zone.postcode, &r->place, &r->zone, out);
}

dc_err dc_geo_convert(dc_geo_session *s, const dc_geo_forward_result *r,
                      dc_geo_conversion *out)
{
    if (!s || !r || !out) return DC_E_INVALID_ARG;
    out->status = r->status;
    out->has_current = false;
    out->change = NULL;
    out->former_postcode = r->has_zone ? r->zone.postcode : 0;
    switch (r->status) {
    case DC_GEO_OK:
        return current(s, r->zone.postcode, &r->place, &r->zone, out);
    case DC_GEO_UNREGISTERED:
        return unregistered(s, r, out);
    case DC_GEO_RETIRED:
        if (!r->has_current) {
            out->status = DC_GEO_OUT_OF_COVERAGE;
            return DC_OK;
        }
        out->status = r->household_count ? DC_GEO_OK : DC_GEO_UNREGISTERED;
        return current(s, r->zone.postcode, &r->current, &r->current_zone, out);
    default:
        return DC_OK;
    }
}

dc_err dc_geo_convert_household(dc_geo_session *s, const dc_household *h,
                                const dc_zone *zone, dc_geo_conversion *out)
{
    if (!s || !h || !zone || !out) return DC_E_INVALID_ARG;
    uint32_t current_edition = dc_index_current_edition(dc_geo_index(s->geo));
    uint32_t former = h->postcode;
    if (current_edition > 1) { /* where the door was before the current edition */
        dc_past_zone past;
        dc_err rc = dc_index_zone_at_edition(s->txn, current_edition - 1, h->lat_e7,
                                             h->lon_e7, &past);
        if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
        former = rc == DC_OK ? past.zone.postcode : 0;
    }
    dc_geo_place place;
    dc_geo_conversion c = {.status = DC_GEO_OK, .former_postcode = former};
    dc_err rc = dc_geo_place_fill(&h->code, zone, &place);
    if (rc == DC_OK) rc = current(s, former, &place, zone, &c);
    if (rc == DC_OK) *out = c; /* written only on success */
    return rc;
}
