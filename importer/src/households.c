/* households.c - place, check and keep households as they are read. */
#include "households.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DC_MAX_FIELD 255

dc_err dc_householdset_init(dc_householdset *hs, dc_report *report,
                            const dc_zoneset *zones, uint64_t expected)
{
    memset(hs, 0, sizeof *hs);
    hs->report = report;
    hs->zones = zones;
    hs->last_zone = -1;
    /* Sized for the households announced, so neither the arrays nor the
     * id table are copied while millions of households arrive. */
    size_t slots = 1u << 16;
    while (slots < 2 * expected)
        slots *= 2;
    hs->id_mask = slots - 1;
    hs->id_slots = calloc(slots, sizeof *hs->id_slots);
    hs->strings = dc_strtab_open();
    if (!hs->id_slots || !hs->strings) return DC_E_NOMEM;
    hs->cap = expected > 4096 ? (size_t)expected : 4096;
    hs->items = malloc(hs->cap * sizeof *hs->items);
    hs->origins = malloc(hs->cap * sizeof *hs->origins);
    hs->duplicate = malloc(hs->cap);
    if (!hs->items || !hs->origins || !hs->duplicate) return DC_E_NOMEM;
    return DC_OK;
}

static int grow_items(dc_householdset *hs)
{
    size_t cap = hs->cap * 2;
    dc_household_input *items = realloc(hs->items, cap * sizeof *items);
    if (items) hs->items = items;
    dc_household_origin *origins = realloc(hs->origins, cap * sizeof *origins);
    if (origins) hs->origins = origins;
    uint8_t *dup = realloc(hs->duplicate, cap);
    if (dup) hs->duplicate = dup;
    if (!items || !origins || !dup) return -1;
    hs->cap = cap;
    return 0;
}

/* An id slot: the low 32 bits of the id's hash, then item + 1 (0: empty).
 * Probes compare the hash bits first, so a miss rarely touches a string. */
#define SLOT(hash, item) ((uint64_t)(uint32_t)(hash) << 32 | (uint32_t)(item))
#define SLOT_HASH(slot) ((uint32_t)((slot) >> 32))
#define SLOT_ITEM(slot) ((uint32_t)(slot))

static int grow_ids(dc_householdset *hs)
{
    size_t mask = hs->id_mask * 2 + 1;
    uint64_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i <= hs->id_mask; i++) {
        uint64_t v = hs->id_slots[i];
        if (!SLOT_ITEM(v)) continue;
        size_t j = SLOT_HASH(v) & mask;
        while (slots[j])
            j = (j + 1) & mask;
        slots[j] = v;
    }
    free(hs->id_slots);
    hs->id_slots = slots;
    hs->id_mask = mask;
    return 0;
}

/* Register item i's id; mark it when an earlier item has it already (the
 * table keeps the first). */
static int register_id(dc_householdset *hs, size_t i)
{
    const char *id = hs->items[i].id;
    uint32_t h = dc_strtab_hash(id, strlen(id));
    size_t j = h & hs->id_mask;
    for (; hs->id_slots[j]; j = (j + 1) & hs->id_mask) {
        uint64_t v = hs->id_slots[j];
        uint32_t other = SLOT_ITEM(v) - 1;
        if (SLOT_HASH(v) == h && strcmp(hs->items[other].id, id) == 0) {
            hs->duplicate[i] = 1;
            return 0;
        }
    }
    hs->id_slots[j] = SLOT(h, i + 1);
    if ((i + 1) * 2 > hs->id_mask) return grow_ids(hs);
    return 0;
}

static uint32_t layer_of(dc_householdset *hs, const dc_feature_origin *o)
{
    const char *src = o->source ? o->source : "", *lay = o->layer ? o->layer : "";
    if (hs->nlayers) {
        dc_feature_origin *last = &hs->layers[hs->nlayers - 1];
        if (strcmp(last->source, src) == 0 && strcmp(last->layer, lay) == 0)
            return (uint32_t)hs->nlayers - 1;
    }
    dc_feature_origin *l = realloc(hs->layers, (hs->nlayers + 1) * sizeof *l);
    if (!l) return UINT32_MAX;
    hs->layers = l;
    l[hs->nlayers].source = strdup(src);
    l[hs->nlayers].layer = strdup(lay);
    l[hs->nlayers].fid = -1;
    return (uint32_t)hs->nlayers++;
}

/* Compare a door-plate code with the computed one; warn when they differ. */
static void verify_code(dc_householdset *hs, const dc_source_household *hh,
                        const dc_code *computed)
{
    const char *given = hh->fields[DC_HH_CODE];
    dc_code code;
    dc_error e;
    char want[DC_CODE_DISPLAY_SIZE];
    if (!given || !*given) return;
    dc_code_format(computed, DC_CODE_DISPLAY, want, sizeof want);
    if (dc_code_parse(given, strlen(given), &code, &e) != DC_OK)
        dc_report_warn(
            hs->report, &hh->origin, DC_WARN_BAD_CODE,
            "household '%s': door-plate code '%s' does not parse (%s); its code "
            "is %s",
            hh->fields[DC_HH_ID], given, e.message, want);
    else if (!dc_code_equal(&code, computed))
        dc_report_warn(hs->report, &hh->origin, DC_WARN_CODE_MISMATCH,
                       "household '%s': door-plate code '%s' differs from its code %s",
                       hh->fields[DC_HH_ID], given, want);
}

/* The reason a household cannot be kept, or -1 when it can. */
static int check_household(dc_householdset *hs, dc_source_household *hh, int32_t *lat,
                           int32_t *lon, long *zone)
{
    const char *id = hh->fields[DC_HH_ID];
    const dc_feature_origin *o = &hh->origin;
    if (!id || !id[strspn(id, " \t")]) {
        dc_report_reject(hs->report, o, DC_REJECT_EMPTY_ID, "household has an empty id");
        return DC_REJECT_EMPTY_ID;
    }
    /* Before the point test: a polygon has no point, but is not null. */
    if (hh->not_point) {
        dc_report_reject(hs->report, o, DC_REJECT_NOT_POINT,
                         "household '%s' is not a point", id);
        return DC_REJECT_NOT_POINT;
    }
    if (!hh->has_point) {
        dc_report_reject(hs->report, o, DC_REJECT_NULL_GEOMETRY,
                         "household '%s' has no geometry", id);
        return DC_REJECT_NULL_GEOMETRY;
    }
    if (!(fabs(hh->lat) <= 90.0 && fabs(hh->lon) <= 180.0)) {
        dc_report_reject(hs->report, o, DC_REJECT_BAD_POSITION,
                         "household '%s' is at %g, %g, off the globe", id, hh->lat,
                         hh->lon);
        return DC_REJECT_BAD_POSITION;
    }
    const char *house = hh->fields[DC_HH_HOUSE_NUMBER];
    if (strlen(id) > DC_MAX_FIELD || (house && strlen(house) > DC_MAX_FIELD)) {
        dc_report_reject(hs->report, o, DC_REJECT_FIELD_TOO_LONG,
                         "household '%.40s...': id or house number over %d bytes", id,
                         DC_MAX_FIELD);
        return DC_REJECT_FIELD_TOO_LONG;
    }
    /* The surveyed position's own cell, not a rounded copy's (code.h). */
    dc_code_e7_of_point(hh->lat, hh->lon, lat, lon);
    *zone = dc_zoneset_locate_near(hs->zones, hs->last_zone, *lat, *lon);
    if (*zone >= 0) hs->last_zone = *zone;
    if (*zone < 0) {
        dc_report_reject(hs->report, o, DC_REJECT_OUTSIDE_ZONES,
                         "household '%s' at %.7f, %.7f lies in no zone", id, *lat / 1e7,
                         *lon / 1e7);
        return DC_REJECT_OUTSIDE_ZONES;
    }
    return -1;
}

static const char *keep_string(dc_householdset *hs, const char *s)
{
    if (!s || !*s) return NULL;
    return dc_strtab_keep(hs->strings, s, strlen(s));
}

/* Streets and groups repeat from one household to the next: compare with
 * the last one before hashing. */
static const char *keep_interned(dc_householdset *hs, const char *s, const char **last)
{
    if (!s || !*s) return NULL;
    uint32_t id;
    if (!*last || strcmp(*last, s) != 0)
        *last = dc_strtab_intern(hs->strings, s, strlen(s), &id) == DC_OK
                    ? dc_strtab_string(hs->strings, id).ptr
                    : NULL;
    return *last;
}

int dc_householdset_add(void *ctx, dc_source_household *hh)
{
    dc_householdset *hs = ctx;
    int32_t lat, lon;
    long zone;
    hs->read++;
    if (check_household(hs, hh, &lat, &lon, &zone) >= 0) return 0;

    uint32_t postcode = hs->zones->zones[zone].postcode;
    dc_code computed;
    dc_code_make_e7(postcode, lat, lon, &computed);
    verify_code(hs, hh, &computed);

    if (hs->n == hs->cap && grow_items(hs) != 0) return DC_E_NOMEM;
    dc_household_input *it = &hs->items[hs->n];
    it->lat_e7 = lat;
    it->lon_e7 = lon;
    it->postcode = postcode;
    it->id = keep_string(hs, hh->fields[DC_HH_ID]);
    it->house_number = keep_string(hs, hh->fields[DC_HH_HOUSE_NUMBER]);
    it->street = keep_interned(hs, hh->fields[DC_HH_STREET], &hs->last_street);
    it->group = keep_interned(hs, hh->fields[DC_HH_GROUP], &hs->last_group);
    if (!it->id) return DC_E_NOMEM;
    hs->origins[hs->n].layer = layer_of(hs, &hh->origin);
    hs->origins[hs->n].fid = hh->origin.fid;
    hs->duplicate[hs->n] = 0;
    if (register_id(hs, hs->n) != 0) return DC_E_NOMEM;
    hs->n++;
    return 0;
}

/* The item first registered with @p id. */
static size_t first_with_id(const dc_householdset *hs, const char *id)
{
    uint32_t h = dc_strtab_hash(id, strlen(id));
    size_t j = h & hs->id_mask;
    for (; hs->id_slots[j]; j = (j + 1) & hs->id_mask) {
        uint64_t v = hs->id_slots[j];
        if (SLOT_HASH(v) == h && strcmp(hs->items[SLOT_ITEM(v) - 1].id, id) == 0)
            return SLOT_ITEM(v) - 1;
    }
    return SIZE_MAX; /* not reached: every id was registered */
}

static dc_feature_origin origin_of(const dc_householdset *hs, size_t i)
{
    const dc_household_origin *ho = &hs->origins[i];
    dc_feature_origin o = {"", "", ho->fid};
    if (ho->layer < hs->nlayers) {
        o.source = hs->layers[ho->layer].source;
        o.layer = hs->layers[ho->layer].layer;
    }
    return o;
}

/* One row per later household with an id already kept, naming both. */
static void report_duplicates(dc_householdset *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        if (!hs->duplicate[i]) continue;
        size_t first = first_with_id(hs, hs->items[i].id);
        dc_feature_origin o = origin_of(hs, i);
        dc_feature_origin k = first < hs->n ? origin_of(hs, first) : o;
        dc_report_reject(hs->report, &o, DC_REJECT_DUPLICATE_ID,
                         "household id '%s' is already used by feature %lld of layer %s "
                         "in %s, which is kept",
                         hs->items[i].id, (long long)k.fid, k.layer, k.source);
    }
}

void dc_householdset_finish(dc_householdset *hs)
{
    report_duplicates(hs);
    size_t kept = 0;
    for (size_t i = 0; i < hs->n; i++)
        if (!hs->duplicate[i]) hs->items[kept++] = hs->items[i];
    hs->n = kept;
    /* The index build needs the memory more than these lookups now. */
    free(hs->origins);
    free(hs->duplicate);
    free(hs->id_slots);
    hs->origins = NULL;
    hs->duplicate = NULL;
    hs->id_slots = NULL;
    dc_strtab_freeze(hs->strings);
}

void dc_householdset_free(dc_householdset *hs)
{
    for (size_t i = 0; i < hs->nlayers; i++) {
        free((char *)hs->layers[i].source);
        free((char *)hs->layers[i].layer);
    }
    free(hs->layers);
    free(hs->items);
    free(hs->origins);
    free(hs->duplicate);
    free(hs->id_slots);
    dc_strtab_close(hs->strings);
    memset(hs, 0, sizeof *hs);
}
