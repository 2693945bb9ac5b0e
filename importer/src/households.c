/* households.c - place and check households as they are read, and hand
 * them to the index writer. */
#include "households.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DC_MAX_FIELD 255

void dc_householdset_init(dc_householdset *hs, dc_report *report, const dc_zoneset *zones,
                          dc_index_writer *writer)
{
    memset(hs, 0, sizeof *hs);
    hs->report = report;
    hs->zones = zones;
    hs->writer = writer;
    hs->last_zone = -1;
}

/* A household's tag for the writer, to name it if its id is a duplicate:
 * its layer (16 bits) and its feature id + 1 (48 bits; 0 for none). */
#define TAG_FID_BITS 48
#define TAG_FID_MASK ((UINT64_C(1) << TAG_FID_BITS) - 1)

static uint64_t tag_of(uint32_t layer, int64_t fid)
{
    uint64_t l = layer < 0xFFFF ? layer : 0xFFFF;
    return l << TAG_FID_BITS | ((uint64_t)(fid + 1) & TAG_FID_MASK);
}

static dc_feature_origin origin_of(const dc_householdset *hs, uint64_t tag)
{
    uint64_t layer = tag >> TAG_FID_BITS;
    dc_feature_origin o = {"", "", (int64_t)(tag & TAG_FID_MASK) - 1};
    if (layer < hs->nlayers) {
        o.source = hs->layers[layer].source;
        o.layer = hs->layers[layer].layer;
    }
    return o;
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
                        const dc_code *computed, uint32_t old_postcode)
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
    else if (!dc_code_equal(&code, computed) &&
             !(code.postcode == old_postcode && /* the plate of the edition before */
               !memcmp(code.location, computed->location, DC_CODE_LOCATION_CHARS)))
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

int dc_householdset_add(void *ctx, dc_source_household *hh)
{
    dc_householdset *hs = ctx;
    int32_t lat, lon;
    long zone;
    hs->read++;
    if (check_household(hs, hh, &lat, &lon, &zone) >= 0) return 0;

    uint32_t postcode = hs->zones->zones[zone].postcode, old_postcode = UINT32_MAX;
    if (hs->editions &&
        dc_editions_household(hs->editions, postcode, lat, lon, &old_postcode) != 0)
        return DC_E_NOMEM;
    dc_code computed;
    dc_code_make_e7(postcode, lat, lon, &computed);
    verify_code(hs, hh, &computed, old_postcode);

    uint32_t layer = layer_of(hs, &hh->origin);
    if (layer == UINT32_MAX) return DC_E_NOMEM;
    const char *const *f = hh->fields; /* the writer reads "" as none */
    dc_household_input in = {
        lat,           lon, postcode, f[DC_HH_ID], f[DC_HH_HOUSE_NUMBER], f[DC_HH_STREET],
        f[DC_HH_GROUP]};
    dc_err rc = dc_index_writer_add(hs->writer, &in, tag_of(layer, hh->origin.fid));
    if (rc != DC_OK) return hs->writer_rc = rc; /* the message is in the writer's err */
    hs->n++;
    return 0;
}

/* One row per household dropped for an id already kept, naming both. */
static void report_duplicate(void *ctx, const char *id, uint64_t kept_tag,
                             uint64_t dropped_tag)
{
    dc_householdset *hs = ctx;
    dc_feature_origin o = origin_of(hs, dropped_tag), k = origin_of(hs, kept_tag);
    dc_report_reject(hs->report, &o, DC_REJECT_DUPLICATE_ID,
                     "household id '%s' is already used by feature %lld of layer %s "
                     "in %s, which is kept",
                     id, (long long)k.fid, k.layer, k.source);
}

dc_err dc_householdset_finish(dc_householdset *hs)
{
    uint64_t kept = 0;
    dc_err rc = dc_index_writer_close_input(hs->writer, report_duplicate, hs, &kept);
    hs->n = kept;
    return rc;
}

void dc_householdset_free(dc_householdset *hs)
{
    for (size_t i = 0; i < hs->nlayers; i++) {
        free((char *)hs->layers[i].source);
        free((char *)hs->layers[i].layer);
    }
    free(hs->layers);
    memset(hs, 0, sizeof *hs);
}
