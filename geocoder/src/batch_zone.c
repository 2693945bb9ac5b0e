/*
 * batch_zone.c - a worker's texts of the zones its rows met lately
 * (batch_zone.h).
 *
 * A worker's texts of the zones it met lately: a zone's name and its part
 * of an address (zone, district, province), made once and kept in a slot
 * of its postcode. Rows looked up in the order of their keys sweep the
 * country a band of latitude at a time, and each band crosses the zones of
 * the band before: a row then mostly copies its zone's texts instead of
 * putting them together again from the index's strings.
 */
#include "batch_zone.h"

#include <string.h>

#include "diachi/csv.h"

uint16_t dc_batch_text_len(size_t n, const char *text, size_t size)
{
    return (uint16_t)(n < size ? n : strlen(text));
}

/* The same zone, by its postcode and strings: they point into the index,
 * which does not change while it is open, so the same pointers and
 * lengths are the same texts. */
static bool same_str(const dc_str *a, const dc_str *b)
{
    return a->ptr == b->ptr && a->len == b->len;
}

static bool same_zone(const batch_zone_text *t, const dc_zone *z)
{
    return t->valid && t->postcode == z->postcode && same_str(&t->name, &z->name) &&
           same_str(&t->kind, &z->kind) && same_str(&t->district, &z->district) &&
           same_str(&t->province, &z->province);
}

const batch_zone_text *dc_batch_zone_text(batch_zone_text *zones, const dc_zone *z,
                                          char delim)
{
    /* Fibonacci hashing: neighbouring postcodes spread over the slots */
    batch_zone_text *t =
        &zones[(uint32_t)(z->postcode * 2654435769u) >> (32 - BATCH_ZONE_TEXTS_LOG2)];
    if (same_zone(t, z)) return t;
    t->postcode = z->postcode;
    t->name = z->name, t->kind = z->kind;
    t->district = z->district, t->province = z->province;
    t->name_len =
        dc_batch_text_len(dc_geo_zone_name(z, t->name_text, sizeof t->name_text),
                          t->name_text, sizeof t->name_text);
    t->name_quoted = dc_csv_needs_quotes(t->name_text, t->name_len, delim);
    size_t n = dc_geo_address(NULL, z, t->place, sizeof t->place);
    t->place_fits = n < sizeof t->place;
    t->place_len = t->place_fits ? n : 0;
    t->valid = true;
    return t;
}

/*
 * dc_geo_address's text, as it documents it: the household's parts, then
 * the zone's, the empty ones left out, joined by ", ". The household's
 * parts are put together for each row; the zone's are the cached ones.
 * Where the whole would not fit, dc_geo_address cuts it itself.
 */
size_t dc_batch_address(batch_zone_text *zones, const dc_household *h, const dc_zone *z,
                        char delim, char *out, size_t size)
{
    if (!z) return dc_batch_text_len(dc_geo_address(h, NULL, out, size), out, size);
    const batch_zone_text *t = dc_batch_zone_text(zones, z, delim);
    size_t n = dc_geo_address(h, NULL, out, size);
    if (!t->place_fits || n + 2 + t->place_len >= size)
        return dc_batch_text_len(dc_geo_address(h, z, out, size), out, size);
    if (n && t->place_len) memcpy(out + n, ", ", 2), n += 2;
    memcpy(out + n, t->place, t->place_len + 1);
    return n + t->place_len;
}
