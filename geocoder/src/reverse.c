/*
 * reverse.c - point -> zone, code and households around it.
 *
 * The index keys households by spatial cell (1/400 degree) first, so the
 * households near a point are, per row of cells its search box touches,
 * one run of keys; their positions are measured, the nearest kept, and
 * only those read whole, from where the walk met them.
 */
#include <math.h>
#include <string.h>

#include "geo_internal.h"

/* A household measured but not yet read: distance first, then number. */
typedef struct hit {
    double distance_m;
    uint32_t number, postcode;
    dc_household_ref ref;
} hit;

typedef struct search {
    double lat, lon, radius_m;
    int32_t south, west, north, east; /* outside, certainly too far (e7) */
    size_t limit, count;
    hit hits[DC_GEO_MAX_NEIGHBOURS];
} search;

static bool closer(const hit *a, const hit *b)
{
    return a->distance_m < b->distance_m ||
           (a->distance_m == b->distance_m && a->number < b->number);
}

/* dc_position_fn: measure one household; keep it when among the nearest. */
static int measure(void *ctx, const dc_household_pos *pos)
{
    search *q = ctx;
    if (pos->lat_e7 < q->south || pos->lat_e7 > q->north || pos->lon_e7 < q->west ||
        pos->lon_e7 > q->east)
        return 0;
    hit h = {dc_geo_distance_m(q->lat, q->lon, pos->lat_e7 / 1e7, pos->lon_e7 / 1e7),
             pos->number, pos->postcode, pos->ref};
    if (h.distance_m > q->radius_m) return 0;
    size_t i = q->count;
    if (i == q->limit) {
        if (!closer(&h, &q->hits[i - 1])) return 0;
        i--;
    } else {
        q->count++;
    }
    for (; i > 0 && closer(&h, &q->hits[i - 1]); i--)
        q->hits[i] = q->hits[i - 1];
    q->hits[i] = h;
    return 0;
}

/* Read the households kept, nearest first. */
static dc_err read_hits(dc_geo_session *s, const search *q, uint32_t zone,
                        dc_geo_neighbour *out)
{
    for (size_t i = 0; i < q->count; i++) {
        dc_err rc = dc_index_household_read(s->txn, &q->hits[i].ref, &out[i].household);
        if (rc != DC_OK) return rc;
        out[i].distance_m = q->hits[i].distance_m;
        out[i].other_zone = q->hits[i].postcode != zone;
    }
    return DC_OK;
}

dc_err dc_geo_search(dc_geo_session *s, double lat, double lon, double radius_m,
                     size_t limit, uint32_t zone_postcode, dc_geo_neighbour *out,
                     size_t *count)
{
    double m_lat, m_lon;
    search q = {.lat = lat, .lon = lon, .radius_m = radius_m, .limit = limit};
    dc_err rc = DC_OK;
    if (limit == 0) goto done;
    if (limit > DC_GEO_MAX_NEIGHBOURS) return DC_E_INVALID_ARG;
    dc_geo_metres_per_degree(lat, &m_lat, &m_lon);
    /* A little slack so that rounding never drops an edge household. */
    double dlat = radius_m / m_lat + 1e-7, dlon = radius_m / m_lon + 1e-7;
    uint32_t r0 = dc_cell_row(dc_geo_e7(lat - dlat)),
             r1 = dc_cell_row(dc_geo_e7(lat + dlat));
    uint32_t c0 = dc_cell_col(dc_geo_e7(lon - dlon)),
             c1 = dc_cell_col(dc_geo_e7(lon + dlon));
    /* Most households of the cells walked lie far outside the radius: a box
     * 5% wider than the radius turns them away before a distance is worked
     * out. The distance's radii of curvature are taken at the mean latitude,
     * which inside the rows walked differs from the point's by hundredths of
     * a degree, changing them by far less than 5% below 80 degrees;
     * nearer the poles the box is not used. */
    q.south = q.west = INT32_MIN;
    q.north = q.east = INT32_MAX;
    if (fabs(lat) < 80) {
        q.south = dc_geo_e7(lat - 1.05 * dlat) - 1;
        q.north = dc_geo_e7(lat + 1.05 * dlat) + 1;
        q.west = dc_geo_e7(lon - 1.05 * dlon) - 1;
        q.east = dc_geo_e7(lon + 1.05 * dlon) + 1;
    }
    for (uint32_t r = r0; r <= r1 && rc == DC_OK; r++)
        rc = dc_index_row_positions(s->txn, r, c0, c1, measure, &q);
    if (rc == DC_OK) rc = read_hits(s, &q, zone_postcode, out);
done:
    if (rc == DC_OK) *count = q.count;
    return rc;
}

static bool point_ok(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 &&
           lon <= 180;
}

/* The point's zone and its code in it. The point is taken to e7 as the
 * importer takes a door (dc_code_e7_of_point): inside the point's own
 * cell, so the code is the reference libraries' code of the point and a
 * query at a door gives that door's code and zone. */
static dc_err reverse_zone(dc_geo_session *s, double lat, double lon,
                           dc_geo_reverse_result *out)
{
    int32_t lat_e7, lon_e7;
    int64_t lat_int, lon_int;
    dc_code code;
    dc_err rc;
    if (!dc_code_e7_of_point(lat, lon, &lat_e7, &lon_e7) ||
        !dc_olc_int_of_e7(lat_e7, lon_e7, &lat_int, &lon_int))
        return DC_E_INVALID_ARG;
    rc = dc_olc_encode_int(lat_int, lon_int, DC_CODE_OLC_DIGITS, out->plus_code,
                           sizeof out->plus_code);
    if (rc != DC_OK) return rc;
    rc = dc_index_zone_at(s->txn, lat_e7, lon_e7, &out->zone);
    if (rc == DC_E_NOT_FOUND) {
        out->status = DC_GEO_OUT_OF_COVERAGE;
        return DC_OK;
    }
    if (rc != DC_OK) return rc;
    out->status = DC_GEO_OK;
    out->has_zone = true;
    rc = dc_code_make_e7(out->zone.postcode, lat_e7, lon_e7, &code);
    if (rc == DC_OK) rc = dc_geo_place_fill(&code, &out->zone, &out->place);
    return rc;
}

dc_err dc_geo_reverse(dc_geo_session *s, double lat, double lon, double radius_m,
                      size_t limit, dc_geo_reverse_result *out)
{
    if (!s || !out || !point_ok(lat, lon) || !(radius_m >= 0) ||
        radius_m > DC_GEO_MAX_RADIUS_M || limit > DC_GEO_MAX_NEIGHBOURS)
        return DC_E_INVALID_ARG;
    out->lat = lat;
    out->lon = lon;
    out->has_zone = false;
    out->nneighbours = 0;
    dc_err rc = reverse_zone(s, lat, lon, out);
    if (rc != DC_OK) return rc;
    uint32_t zone = out->has_zone ? out->zone.postcode : UINT32_MAX;
    return dc_geo_search(s, lat, lon, radius_m, limit, zone, out->neighbours,
                         &out->nneighbours);
}
