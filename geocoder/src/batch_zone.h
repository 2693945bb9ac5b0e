/*
 * batch_zone.h - a batch worker's texts of the zones its rows met lately
 * (batch_zone.c): a zone's name and its part of an address, made once.
 */
#ifndef DC_BATCH_ZONE_H
#define DC_BATCH_ZONE_H

#include "batch_internal.h"

/* The texts of a zone a worker met, in one of its
 * BATCH_ZONE_TEXTS slots: the zone is known by its strings, which point
 * into the index. */
#define BATCH_ZONE_TEXTS_LOG2 8
#define BATCH_ZONE_TEXTS (1u << BATCH_ZONE_TEXTS_LOG2)
typedef struct batch_zone_text {
    bool valid;
    uint32_t postcode;
    dc_str name, kind, district, province;
    char name_text[256]; /* dc_geo_zone_name's, as a row's zone column holds it */
    size_t name_len;
    bool name_quoted; /* a CSV field of it needs quotes */
    char place[1024]; /* the zone's part of an address: dc_geo_address(NULL, zone) */
    size_t place_len;
    bool place_fits;
} batch_zone_text;

/* The texts of zone @p z, from its slot of @p zones (BATCH_ZONE_TEXTS of
 * them, zeroed at first), made there unless the slot holds them already;
 * quoted as a CSV field with @p delim. */
const batch_zone_text *dc_batch_zone_text(batch_zone_text *zones, const dc_zone *z,
                                          char delim);

/* dc_geo_address(@p h, @p z) into @p out (@p size bytes, NUL-terminated),
 * the zone's part from @p zones; returns the length of the text in @p out. */
size_t dc_batch_address(batch_zone_text *zones, const dc_household *h, const dc_zone *z,
                        char delim, char *out, size_t size);

/* The length of a text dc_geo_zone_name or dc_geo_address wrote into
 * @p size bytes of @p text, from @p n, what they returned. */
uint16_t dc_batch_text_len(size_t n, const char *text, size_t size);

#endif
