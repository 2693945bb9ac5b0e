/*
 * build_validate.h - the build's input against the limits of
 * docs/FORMAT.md ("Limits and validation"), before anything is written.
 * Internal to dc_index. Every refusal is DC_E_INVALID_ARG with a message
 * naming the zone or household.
 */
#ifndef DC_BUILD_VALIDATE_H
#define DC_BUILD_VALIDATE_H

#include "build.h"

/* Check one zone's postcode, strings, polygon and reference point (a
 * current zone or an earlier edition's). */
dc_err dc_build_validate_zone(dc_builder *b, const dc_zone_input *z);

/* Check every zone (postcode, strings, polygon, reference point) and fill
 * b->zone_of. */
dc_err dc_build_validate_zones(dc_builder *b);

/* Whether zone @p postcode holds the point (0 for an unknown postcode or a
 * point off the globe): from the zone grid's sub-grid away from the
 * zone's border, else the polygon test. After dc_build_prepare_zonecells. */
int dc_build_holds(const dc_builder *b, uint32_t postcode, int32_t lat_e7, int32_t lon_e7);

/* Check a household (id, house number, postcode, position in its zone)
 * and count it in its zone's b->zone_counts. After dc_build_validate_zones. */
dc_err dc_build_validate_household(dc_builder *b, const dc_household_input *h);

#endif
