/*
 * households.h - households on their way into the index: each one read is
 * placed in its zone, checked, and kept in compact arrays; a household
 * whose id an earlier one has is found as it arrives and rejected at the
 * end, naming the one kept.
 */
#ifndef DC_IMPORT_HOUSEHOLDS_H
#define DC_IMPORT_HOUSEHOLDS_H

#include "diachi/index.h"
#include "diachi/strtab.h"
#include "report.h"
#include "source.h"
#include "zones.h"

/* Where a kept household came from, for rows reported after reading. */
typedef struct dc_household_origin {
    uint32_t layer; /* index into layers */
    int64_t fid;
} dc_household_origin;

typedef struct dc_householdset {
    dc_report *report;
    const dc_zoneset *zones;
    dc_household_input *items;
    dc_household_origin *origins;
    uint8_t *duplicate; /* per item: an earlier item has its id */
    size_t n, cap;
    dc_strtab *strings; /* ids and house numbers kept, streets and groups interned */
    uint64_t *id_slots; /* id hash bits and item + 1, open addressing */
    size_t id_mask;
    dc_feature_origin *layers; /* distinct (source, layer), strdup'd */
    size_t nlayers;
    uint64_t read;
    long last_zone;                       /* locator hint */
    const char *last_street, *last_group; /* interned copies last used */
} dc_householdset;

/** @p expected: households announced by the sources, to size the arrays. */
dc_err dc_householdset_init(dc_householdset *hs, dc_report *report,
                            const dc_zoneset *zones, uint64_t expected);
/** dc_household_fn: place, check and keep one household. */
int dc_householdset_add(void *householdset, dc_source_household *hh);
/** Reject and drop every household whose id an earlier one has: the first
 *  kept in reading order (file, then feature) stays; one report row per
 *  household dropped names it and the one kept. */
void dc_householdset_finish(dc_householdset *hs);
void dc_householdset_free(dc_householdset *hs);

#endif
