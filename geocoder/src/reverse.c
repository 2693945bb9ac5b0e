/*
 * reverse.c - point -> zone, code and households around it.
 *
 * The households near a point are asked of the index by box
 * (dc_index_box_positions), which reads only the runs of keys that can
 * lie in it; their positions are measured, the nearest kept, and only
 * those read whole, from where the walk met them. A point asked about
 * is most often a few metres from a door: the search first asks a small
 * box, and asks the whole radius only when the small one does not hold
 * enough households near enough to be sure of the answer.
 */
#include <math.h>
#include <string.h>

#include "geo_internal.h"

/* The first box's radius, and how much each next one grows: a box of
 * 4 times the radius holds 16 times the area, so the boxes before the
 * last cost a fifteenth of it at most. */
#define NEAR_FIRST_M 8.0
#define NEAR_GROWTH 4.0

/* A household measured but not yet read: distance first, then number. */
typedef struct hit {
    double distance_m;
    uint32_t number, postcode;
    dc_household_ref ref;
} hit;

typedef struct search {
    double lat, lon, radius_m;
    size_t limit, count;
    hit hits[DC_GEO_MAX_NEIGHBOURS];
} search;

/* A box of e7 positions, bounds included. */
typedef struct box {
    int32_t south, west, north, east;
} box;

static bool closer(const hit *a, const hit *b)
{
    return a->distance_m < b->distance_m ||
           (a->distance_m == b->distance_m && a->number < b->number);
}

/* dc_position_fn: measure one household; keep it when among the nearest. */
static int measure(void *ctx, const dc_household_pos *pos)
{
    search *q = ctx;
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

static int32_t clamp_e7(int64_t v)
{
    return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

/* The cells of 1/400 degree that hold every household within the radius
 * (from half-sizes @p dlat, @p dlon in degrees), as a box: a household is
 * in it when its cell is. The first row and column also hold what lies
 * south or west of the globe, the last north or east of it. */
static box cells_box(double lat, double lon, double dlat, double dlon)
{
    uint32_t r0 = dc_cell_row(dc_geo_e7(lat - dlat)),
             r1 = dc_cell_row(dc_geo_e7(lat + dlat));
    uint32_t c0 = dc_cell_col(dc_geo_e7(lon - dlon)),
             c1 = dc_cell_col(dc_geo_e7(lon + dlon));
    int64_t s = (int64_t)r0 * DC_CELL_E7 - 900000000;
    int64_t n = ((int64_t)r1 + 1) * DC_CELL_E7 - 900000000 - 1;
    int64_t w = (int64_t)c0 * DC_CELL_E7 - 1800000000;
    int64_t e = ((int64_t)c1 + 1) * DC_CELL_E7 - 1800000000 - 1;
    return (box){r0 == 0 ? INT32_MIN : clamp_e7(s), c0 == 0 ? INT32_MIN : clamp_e7(w),
                 r1 >= 72000 ? INT32_MAX : clamp_e7(n),
                 c1 >= 143999 ? INT32_MAX : clamp_e7(e)};
}

/* A box 5% wider than a radius of half-sizes @p dlat, @p dlon, within
 * @p in: what lies outside it is certainly farther than the radius. The
 * distance's radii of curvature are taken at the mean latitude, which
 * inside the box differs from the point's by hundredths of a degree,
 * changing them by far less than 5% below 80 degrees. */
static box near_box(double lat, double lon, double dlat, double dlon, const box *in)
{
    box b = {dc_geo_e7(lat - 1.05 * dlat) - 1, dc_geo_e7(lon - 1.05 * dlon) - 1,
             dc_geo_e7(lat + 1.05 * dlat) + 1, dc_geo_e7(lon + 1.05 * dlon) + 1};
    if (b.south < in->south) b.south = in->south;
    if (b.west < in->west) b.west = in->west;
    if (b.north > in->north) b.north = in->north;
    if (b.east > in->east) b.east = in->east;
    return b;
}

/* Measure afresh every household of @p b. */
static dc_err measure_box(dc_geo_session *s, search *q, const box *b)
{
    q->count = 0;
    if (b->south > b->north || b->west > b->east) return DC_OK;
    return dc_index_box_positions(s->txn, b->south, b->west, b->north, b->east, measure,
                                  q);
}

dc_err dc_geo_search(dc_geo_session *s, double lat, double lon, double radius_m,
                     size_t limit, uint32_t zone_postcode, dc_geo_neighbour *out,
                     size_t *count)
{
    double m_lat, m_lon;
    search q; /* not zeroed: hits are written before they are read */
    q.lat = lat, q.lon = lon, q.radius_m = radius_m, q.limit = limit, q.count = 0;
    dc_err rc = DC_OK;
    if (limit == 0) goto done;
    if (limit > DC_GEO_MAX_NEIGHBOURS) return DC_E_INVALID_ARG;
    dc_geo_metres_per_degree(lat, &m_lat, &m_lon);
    /* A little slack so that rounding never drops an edge household. */
    double dlat = radius_m / m_lat + 1e-7, dlon = radius_m / m_lon + 1e-7;
    box all = cells_box(lat, lon, dlat, dlon);
    /* Nearer the poles than 80 degrees the 5% is not enough: no box but
     * the cells' is used. */
    if (fabs(lat) < 80) {
        all = near_box(lat, lon, dlat, dlon, &all);
        /* A smaller box holds every household within its radius; when it
         * holds the limit's worth, the farthest of them within its radius,
         * every household outside it is farther than they are. */
        for (double near = NEAR_FIRST_M; near < radius_m && rc == DC_OK;
             near *= NEAR_GROWTH) {
            box b = near_box(lat, lon, near / m_lat + 1e-7, near / m_lon + 1e-7, &all);
            rc = measure_box(s, &q, &b);
            if (q.count == limit && q.hits[limit - 1].distance_m <= near) goto read;
        }
    }
    if (rc == DC_OK) rc = measure_box(s, &q, &all);
read:
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

/* The zone of a point in edition @p edition, and the point's code in it. */
static dc_err zone_in(dc_geo_session *s, uint32_t edition, int32_t lat_e7, int32_t lon_e7,
                      dc_past_zone *z, dc_geo_place *place)
{
    dc_code code;
    dc_err rc = dc_index_zone_at_edition(s->txn, edition, lat_e7, lon_e7, z);
    if (rc == DC_OK) rc = dc_code_make_e7(z->zone.postcode, lat_e7, lon_e7, &code);
    if (rc == DC_OK) rc = dc_geo_place_fill(&code, &z->zone, place);
    return rc;
}

/* The zones and codes of the point before edition @p asked, latest first,
 * one entry per change of zone. */
static dc_err former(dc_geo_session *s, uint32_t asked, uint32_t postcode, int32_t lat_e7,
                     int32_t lon_e7, dc_geo_reverse_result *out)
{
    const dc_edition *ed;
    size_t n = dc_index_editions(s->geo->idx, &ed);
    for (uint32_t e = asked; e-- > 1 && out->nformer < DC_GEO_MAX_FORMER;) {
        dc_past_zone z;
        dc_geo_former *f = &out->former[out->nformer];
        dc_err rc = zone_in(s, e, lat_e7, lon_e7, &z, &f->place);
        if (rc == DC_E_NOT_FOUND) {
            postcode = UINT32_MAX;
            continue;
        }
        if (rc != DC_OK) return rc;
        if (z.zone.postcode == postcode) continue;
        postcode = z.zone.postcode;
        f->edition = e;
        f->zone = z.zone;
        f->valid_until =
            z.last_edition <= n ? ed[z.last_edition - 1].valid_until : DC_DATE_OPEN_END;
        out->nformer++;
    }
    return DC_OK;
}

/* With editions: the zone and code of the edition asked about (the
 * session's day), and those before it. */
static dc_err reverse_editions(dc_geo_session *s, int32_t lat_e7, int32_t lon_e7,
                               dc_geo_reverse_result *out)
{
    uint32_t now = dc_index_current_edition(s->geo->idx), asked = dc_geo_edition(s);
    if (now == 0) return DC_OK;
    if (asked != now) {
        dc_past_zone z;
        dc_err rc =
            asked ? zone_in(s, asked, lat_e7, lon_e7, &z, &out->place) : DC_E_NOT_FOUND;
        out->has_zone = rc == DC_OK;
        out->status = rc == DC_OK ? DC_GEO_OK : DC_GEO_OUT_OF_COVERAGE;
        if (rc == DC_OK) out->zone = z.zone;
        if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    }
    return former(s, asked, out->has_zone ? out->zone.postcode : UINT32_MAX, lat_e7,
                  lon_e7, out);
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
        return reverse_editions(s, lat_e7, lon_e7, out);
    }
    if (rc != DC_OK) return rc;
    out->status = DC_GEO_OK;
    out->has_zone = true;
    rc = dc_code_make_e7(out->zone.postcode, lat_e7, lon_e7, &code);
    if (rc == DC_OK) rc = dc_geo_place_fill(&code, &out->zone, &out->place);
    return rc == DC_OK ? reverse_editions(s, lat_e7, lon_e7, out) : rc;
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
    out->nformer = 0;
    dc_err rc = reverse_zone(s, lat, lon, out);
    if (rc != DC_OK) return rc;
    uint32_t zone = out->has_zone ? out->zone.postcode : UINT32_MAX;
    return dc_geo_search(s, lat, lon, radius_m, limit, zone, out->neighbours,
                         &out->nneighbours);
}
