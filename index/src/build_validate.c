/*
 * build_validate.c - the build's input checked against docs/FORMAT.md's
 * limits before anything is written (build_validate.h).
 */
#include "build_validate.h"

static dc_err zone_strings_ok(dc_builder *b, const dc_zone_input *z)
{
    const char *s[5] = {z->name, z->kind, z->commune_code, z->district, z->province};
    for (int i = 0; i < 5; i++)
        if (dc_str_len(s[i]) > DC_MAX_STR16)
            return dc_error_set(b->err, DC_E_INVALID_ARG,
                                "zone %05u: a name is longer than %u bytes", z->postcode,
                                DC_MAX_STR16);
    return DC_OK;
}

/* dc_polygon_validate, from the polygon's box when its structure holds:
 * every vertex is on the globe when the box is. */
static bool polygon_ok(const dc_polygon *p, int32_t *s, int32_t *w, int32_t *n,
                       int32_t *e)
{
    if (dc_polygon_check_structure(p) != DC_OK) return false;
    dc_polygon_bbox(p, s, w, n, e);
    return *s >= DC_LAT_E7_MIN && *n <= DC_LAT_E7_END && *w >= DC_LON_E7_MIN &&
           *e <= DC_LON_E7_END;
}

/* dc_polygon_far_vertex without a walk when the box's corners are within
 * range of the reference: then every vertex is (polygon.c). */
static bool far_vertex(const dc_zone_input *z, const int32_t box[4], int32_t *vlat,
                       int32_t *vlon)
{
    double rlat = z->ref_lat_e7 / 1e7, rlon = z->ref_lon_e7 / 1e7;
    if (dc_code_in_recovery_range(box[0] / 1e7, box[1] / 1e7, rlat, rlon) &&
        dc_code_in_recovery_range(box[2] / 1e7, box[3] / 1e7, rlat, rlon))
        return false;
    return dc_polygon_far_vertex(&z->polygon, z->ref_lat_e7, z->ref_lon_e7, vlat, vlon);
}

static dc_err zone_shape_ok(dc_builder *b, const dc_zone_input *z)
{
    int32_t s, w, n, e, vlat, vlon;
    if (!polygon_ok(&z->polygon, &s, &w, &n, &e))
        return dc_error_set(b->err, DC_E_INVALID_ARG, "zone %05u: invalid polygon",
                            z->postcode);
    if ((int64_t)n - s >= DC_DEGREE_E7 || (int64_t)e - w >= DC_DEGREE_E7)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "zone %05u: polygon spans 1 degree or more (%.7f..%.7f N, "
                            "%.7f..%.7f E)",
                            z->postcode, s / 1e7, n / 1e7, w / 1e7, e / 1e7);
    if (!dc_lat_ok(z->ref_lat_e7) || !dc_lon_ok(z->ref_lon_e7))
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "zone %05u: reference point %.7f, %.7f is not on the globe",
                            z->postcode, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7);
    if (far_vertex(z, (const int32_t[4]){s, w, n, e}, &vlat, &vlon))
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "zone %05u: reference point %.7f, %.7f is more than 0.4 "
                            "degrees from polygon vertex %.7f, %.7f",
                            z->postcode, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7,
                            vlat / 1e7, vlon / 1e7);
    return DC_OK;
}

dc_err dc_build_validate_zone(dc_builder *b, const dc_zone_input *z)
{
    if (z->postcode >= DC_POSTCODES)
        return dc_error_set(b->err, DC_E_INVALID_ARG, "zone %u: postcode over 99999",
                            z->postcode);
    dc_err rc = zone_strings_ok(b, z);
    return rc == DC_OK ? zone_shape_ok(b, z) : rc;
}

dc_err dc_build_validate_zones(dc_builder *b)
{
    const dc_index_build_input *in = b->in;
    for (uint32_t p = 0; p < DC_POSTCODES; p++)
        b->zone_of[p] = -1;
    for (size_t i = 0; i < in->nzones; i++) {
        const dc_zone_input *z = &in->zones[i];
        dc_err rc = dc_build_validate_zone(b, z);
        if (rc != DC_OK) return rc;
        if (b->zone_of[z->postcode] >= 0)
            return dc_error_set(b->err, DC_E_INVALID_ARG, "duplicate postcode %05u",
                                z->postcode);
        b->zone_of[z->postcode] = (int32_t)i;
    }
    return DC_OK;
}

int dc_build_holds(const dc_builder *b, uint32_t postcode, int32_t lat_e7, int32_t lon_e7)
{
    if (postcode >= DC_POSTCODES || b->zone_of[postcode] < 0 || !dc_lat_ok(lat_e7) ||
        !dc_lon_ok(lon_e7))
        return 0;
    int holds = dc_zonecells_holds(b->zc.cells, postcode, lat_e7, lon_e7);
    if (holds >= 0) return holds;
    return dc_polygon_contains(&b->in->zones[b->zone_of[postcode]].polygon, lat_e7,
                               lon_e7);
}

dc_err dc_build_validate_household(dc_builder *b, const dc_household_input *h)
{
    if (!h->id || !h->id[0])
        return dc_error_set(b->err, DC_E_INVALID_ARG, "household with an empty id");
    if (strlen(h->id) > DC_MAX_STR8)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %.40s...: id longer than %u bytes", h->id,
                            DC_MAX_STR8);
    if (dc_str_len(h->house_number) > DC_MAX_STR8)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %s: house number longer than %u bytes", h->id,
                            DC_MAX_STR8);
    if (h->postcode >= DC_POSTCODES || b->zone_of[h->postcode] < 0)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %s: postcode %05u is not among the zones", h->id,
                            h->postcode);
    if (!dc_build_holds(b, h->postcode, h->lat_e7, h->lon_e7))
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %s: position %.7f, %.7f is not inside zone %05u",
                            h->id, h->lat_e7 / 1e7, h->lon_e7 / 1e7, h->postcode);
    b->zone_counts[b->zone_of[h->postcode]]++;
    return DC_OK;
}
