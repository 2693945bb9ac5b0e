/*
 * search_scope.c - what a query's parts may name, and the places it keeps
 * its answers to: the kinds of entity a part's words may spell, and whether
 * a zone's postcode lies within every place the query names. Shared by the
 * evidence (search.c) and the ranking (search_rank.c).
 */
#include "search_internal.h"

unsigned dc_search_part_kinds(uint8_t pkind, bool numbered)
{
    switch (pkind) {
    case DC_PART_STREET:
        return 1u << DC_ENTITY_STREET | 1u << DC_ENTITY_GROUP;
    case DC_PART_ALLEY:
        return numbered ? 0 : 1u << DC_ENTITY_STREET;
    case DC_PART_GROUP:
        return 1u << DC_ENTITY_GROUP | 1u << DC_ENTITY_STREET;
    case DC_PART_ZONE:
        return 1u << DC_ENTITY_ZONE;
    case DC_PART_DISTRICT:
    case DC_PART_PROVINCE:
        return 1u << DC_ENTITY_DISTRICT | 1u << DC_ENTITY_PROVINCE;
    case DC_PART_HOUSE:
        return 1u << DC_ENTITY_STREET; /* a street named by a number: 7/5 */
    default:
        return (1u << DC_ENTITY_KINDS) - 1;
    }
}

int dc_search_kind_of_part(uint8_t pkind)
{
    switch (pkind) {
    case DC_PART_STREET:
    case DC_PART_ALLEY:
        return DC_ENTITY_STREET;
    case DC_PART_GROUP:
        return DC_ENTITY_GROUP;
    case DC_PART_ZONE:
        return DC_ENTITY_ZONE;
    case DC_PART_DISTRICT:
        return DC_ENTITY_DISTRICT;
    case DC_PART_PROVINCE:
        return DC_ENTITY_PROVINCE;
    default:
        return -1;
    }
}

bool dc_search_has_postcode(const struct dc_search_scratch *x, const dc_evidence *ev,
                            uint32_t pc)
{
    if (!dc_search_ev_list(ev)) return ev->postcode == pc;
    const uint32_t *m = x->members + ev->first;
    uint32_t lo = 0, hi = ev->nmembers;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m[mid] < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ev->nmembers && m[lo] == pc;
}

bool dc_search_allowed(const struct dc_search_scratch *x, uint32_t pc)
{
    if (x->restrict_postcode && x->q.postcode != pc) return false;
    for (size_t p = 0; p < x->nrestrict; p++) {
        bool in = false;
        for (uint32_t i = 0; i < x->restrict_part[p].n && !in; i++)
            in = dc_search_has_postcode(
                x, &x->ev[x->restrict_ev[x->restrict_part[p].first + i]], pc);
        if (!in) return false;
    }
    return true;
}
