/*
 * households.h - households on their way into the index: each one read is
 * placed in its zone, checked, and handed to the index writer, which sorts
 * them within its memory budget; a household whose id an earlier one has
 * is found when the input closes and rejected, naming the one kept.
 */
#ifndef DC_IMPORT_HOUSEHOLDS_H
#define DC_IMPORT_HOUSEHOLDS_H

#include "diachi/index.h"
#include "editions.h"
#include "report.h"
#include "source.h"
#include "zones.h"

typedef struct dc_householdset {
    dc_report *report;
    const dc_zoneset *zones;
    dc_index_writer *writer; /* where each household kept goes */
    size_t n;                /* households handed to the writer; kept, after finish */
    dc_err writer_rc;        /* the writer's refusal that stopped the reading */
    dc_feature_origin *layers; /* distinct (source, layer), strdup'd */
    size_t nlayers;
    uint64_t read;
    long last_zone; /* locator hint */
    dc_editions *editions; /* NULL, or where each household was before */
} dc_householdset;

void dc_householdset_init(dc_householdset *hs, dc_report *report,
                          const dc_zoneset *zones, dc_index_writer *writer);
/** dc_household_fn: place and check one household, and hand it to the
 *  writer. */
int dc_householdset_add(void *householdset, dc_source_household *hh);
/** The end of the households: every one whose id an earlier one has is
 *  dropped by the writer; the first in reading order (file, then feature)
 *  stays, and one report row per household dropped names it and the one
 *  kept, in reading order. */
dc_err dc_householdset_finish(dc_householdset *hs);
void dc_householdset_free(dc_householdset *hs);

#endif
