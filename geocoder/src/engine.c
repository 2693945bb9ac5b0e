/*
 * engine.c - the engine handle, sessions, and the geometry every lookup
 * shares (distances, a code's place, a point's distance to a zone edge).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo_internal.h"

const char *dc_geo_status_name(dc_geo_status status)
{
    static const char *const names[] = {
        [DC_GEO_OK] = "ok",
        [DC_GEO_UNREGISTERED] = "unregistered",
        [DC_GEO_MALFORMED] = "malformed",
        [DC_GEO_UNKNOWN_POSTCODE] = "unknown_postcode",
        [DC_GEO_CODE_OUTSIDE_ZONE] = "code_outside_zone",
        [DC_GEO_OUT_OF_COVERAGE] = "out_of_coverage",
        [DC_GEO_RETIRED] = "retired",
    };
    if ((unsigned)status >= sizeof names / sizeof names[0]) return "unknown";
    return names[status];
}

const char *dc_geo_edit_name(dc_geo_edit edit)
{
    static const char *const names[] = {"substitute", "swap", "insert", "delete"};
    if ((unsigned)edit >= sizeof names / sizeof names[0]) return "unknown";
    return names[edit];
}

/* ---- handle and sessions ---------------------------------------------- */

#define POSTCODES 100000

/* Every zone must decode: a damaged one fails the open rather than the
 * lookups that meet it. The index has no zone iterator, and 100,000
 * probes of its in-memory table take a few milliseconds, once. */
static dc_err check_zones(dc_geo *geo, dc_error *err)
{
    dc_err rc = dc_index_txn_begin(geo->idx, &geo->pin);
    for (uint32_t pc = 0; rc == DC_OK && pc < POSTCODES; pc++) {
        dc_zone z;
        rc = dc_index_zone(geo->pin, pc, &z);
        if (rc == DC_E_NOT_FOUND) rc = DC_OK;
    }
    if (rc != DC_OK && err) {
        err->code = rc;
        snprintf(err->message, sizeof err->message, "reading the zones: %s",
                 dc_strerror(rc));
    }
    return rc;
}

dc_err dc_geo_zone_of(const dc_geo *geo, uint32_t postcode, dc_zone *out)
{
    return dc_index_zone(geo->pin, postcode, out);
}

static void free_session(dc_geo_session *s)
{
    dc_index_txn_end(s->txn);
    free(s->search);
    free(s);
}

dc_err dc_geo_open(const char *path, dc_geo **out, dc_error *err)
{
    dc_geo *geo = NULL;
    dc_err rc = DC_OK;
    if (!path || !out) {
        if (err) *err = (dc_error){DC_E_INVALID_ARG, "no index path given"};
        return DC_E_INVALID_ARG;
    }
    geo = aligned_alloc(64, (sizeof *geo + 63) / 64 * 64);
    if (geo) memset(geo, 0, sizeof *geo);
    if (!geo) {
        if (err) *err = (dc_error){DC_E_NOMEM, "out of memory"};
        rc = DC_E_NOMEM;
        goto done;
    }
    rc = dc_index_open(path, &geo->idx, err);
    if (rc == DC_OK) rc = check_zones(geo, err);
    if (rc != DC_OK) goto done;
    pthread_mutex_init(&geo->lock, NULL);
    for (int i = 0; i < DC_GEO_SESSION_SLOTS; i++)
        atomic_init(&geo->slots[i].session, NULL);
done:
    if (rc != DC_OK) {
        if (geo) dc_index_txn_end(geo->pin);
        dc_index_close(geo ? geo->idx : NULL);
        free(geo);
        return rc;
    }
    *out = geo;
    return DC_OK;
}

void dc_geo_close(dc_geo *geo)
{
    if (!geo) return;
    for (int i = 0; i < DC_GEO_SESSION_SLOTS; i++) {
        dc_geo_session *s = atomic_load(&geo->slots[i].session);
        if (s) free_session(s);
    }
    while (geo->free_sessions) {
        dc_geo_session *s = geo->free_sessions;
        geo->free_sessions = s->next;
        free_session(s);
    }
    dc_index_txn_end(geo->pin);
    dc_index_close(geo->idx);
    pthread_mutex_destroy(&geo->lock);
    free(geo);
}

dc_index *dc_geo_index(dc_geo *geo)
{
    return geo ? geo->idx : NULL;
}

/* This thread's ordinal, from 0 in order of first use, for its slot. */
static unsigned thread_slot(void)
{
    static atomic_uint next;
    static _Thread_local unsigned ordinal; /* 0: not yet assigned */
    if (!ordinal) ordinal = atomic_fetch_add(&next, 1) + 1;
    return (ordinal - 1) % DC_GEO_SESSION_SLOTS;
}

/*
 * An ended session keeps its read transaction open, in this thread's slot
 * (or, when another session holds the slot, on the locked free list). The
 * index is immutable and read without locks (MDB_NOLOCK), so an idle
 * reader holds nothing back; keeping it saves a renew on every begin. The
 * slots make begin and end one atomic exchange each on a cache line no
 * other thread uses: with a lock, threads beginning a session per lookup
 * queued on it. The pointer lifetime callers see is still "until the
 * session ends".
 */
dc_err dc_geo_session_begin(dc_geo *geo, dc_geo_session **out)
{
    dc_geo_session *s;
    if (!geo || !out) return DC_E_INVALID_ARG;
    s = atomic_exchange(&geo->slots[thread_slot()].session, NULL);
    if (!s) {
        pthread_mutex_lock(&geo->lock);
        s = geo->free_sessions;
        if (s) geo->free_sessions = s->next;
        pthread_mutex_unlock(&geo->lock);
    }
    if (!s) {
        /* A cache line of its own, as the index does for transactions. */
        s = aligned_alloc(64, (sizeof *s + 63) / 64 * 64);
        if (!s) return DC_E_NOMEM;
        memset(s, 0, sizeof *s);
        dc_err rc = dc_index_txn_begin(geo->idx, &s->txn);
        if (rc != DC_OK) {
            free(s);
            return rc;
        }
        s->geo = geo;
        s->day = DC_GEO_NOW;
    }
    s->next = NULL;
    *out = s;
    return DC_OK;
}

void dc_geo_session_at(dc_geo_session *s, int32_t day)
{
    if (s) s->day = day;
}

uint32_t dc_geo_edition(const dc_geo_session *s)
{
    const dc_index *idx = s->geo->idx;
    uint32_t now = dc_index_current_edition(idx);
    if (s->day == DC_GEO_NOW || now == 0) return now;
    return dc_index_edition_on(idx, s->day);
}

dc_err dc_geo_earlier_zone(dc_geo_session *s, uint32_t postcode, dc_zone *out,
                           int32_t *valid_until)
{
    dc_past_zone past;
    const dc_edition *ed;
    if (!s || !out || !valid_until) return DC_E_INVALID_ARG;
    dc_err rc = dc_index_past_zone(s->txn, postcode, &past);
    if (rc != DC_OK) return rc;
    size_t n = dc_index_editions(s->geo->idx, &ed);
    *out = past.zone;
    *valid_until =
        past.last_edition <= n ? ed[past.last_edition - 1].valid_until : DC_DATE_OPEN_END;
    return DC_OK;
}

void dc_geo_session_end(dc_geo_session *s)
{
    if (!s) return;
    s->day = DC_GEO_NOW; /* the next to begin it asks about now */
    dc_geo *geo = s->geo;
    dc_geo_session *empty = NULL;
    if (atomic_compare_exchange_strong(&geo->slots[thread_slot()].session, &empty, s))
        return;
    pthread_mutex_lock(&geo->lock);
    s->next = geo->free_sessions;
    geo->free_sessions = s;
    pthread_mutex_unlock(&geo->lock);
}

dc_index_txn *dc_geo_session_txn(dc_geo_session *s)
{
    return s ? s->txn : NULL;
}

dc_err dc_geo_zone(dc_geo_session *s, uint32_t postcode, dc_zone *out)
{
    if (!s || !out || postcode > 99999) return DC_E_INVALID_ARG;
    return dc_geo_zone_of(s->geo, postcode, out);
}

/* ---- geometry ----------------------------------------------------------- */

#define WGS84_A 6378137.0
#define WGS84_E2 6.69437999014e-3
#define DEG 0.017453292519943295 /* pi / 180 */

void dc_geo_metres_per_degree(double lat, double *m_lat, double *m_lon)
{
    double s = sin(lat * DEG);
    double w2 = 1.0 - WGS84_E2 * s * s;
    double w = sqrt(w2);
    *m_lat = WGS84_A * (1.0 - WGS84_E2) / (w2 * w) * DEG; /* meridional radius M */
    *m_lon = WGS84_A / w * cos(lat * DEG) * DEG;          /* prime vertical N cos */
}

double dc_geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    double m_lat, m_lon;
    dc_geo_metres_per_degree((lat1 + lat2) / 2, &m_lat, &m_lon);
    double dy = (lat2 - lat1) * m_lat, dx = (lon2 - lon1) * m_lon;
    return sqrt(dx * dx + dy * dy);
}

dc_err dc_geo_place_forms(const dc_code *code, dc_geo_place *place)
{
    const char *loc = code->location;
    if (code->postcode > 99999 || strlen(loc) != DC_CODE_LOCATION_CHARS ||
        strlen(place->plus_code) != DC_CODE_PLUS_SIZE - 1)
        return DC_E_INVALID_ARG;
    char pc[5];
    for (int i = 4, v = (int)code->postcode; i >= 0; i--, v /= 10)
        pc[i] = (char)('0' + v % 10);
    /* "32105" " " "927C+J93": the postcode, then the Plus Code's last 8 */
    memcpy(place->display, pc, 5);
    place->display[5] = ' ';
    memcpy(place->display + 6, place->plus_code + 4, 9);
    /* "32105" "927CJ93" */
    memcpy(place->compact, pc, 5);
    memcpy(place->compact + 5, loc, DC_CODE_LOCATION_CHARS + 1);
    place->code = *code;
    return DC_OK;
}

dc_err dc_geo_place_fill(const dc_code *code, const dc_zone *zone, dc_geo_place *place)
{
    double ref_lat = zone->ref_lat_e7 / 1e7, ref_lon = zone->ref_lon_e7 / 1e7;
    dc_err rc = dc_code_resolve(code, ref_lat, ref_lon, &place->cell);
    /* The cell's centre lies half a cell from every edge, far beyond any
     * rounding: encoding it names the cell, without a second recovery. */
    if (rc == DC_OK)
        rc = dc_olc_encode(place->cell.lat, place->cell.lon, DC_CODE_OLC_DIGITS,
                           place->plus_code, sizeof place->plus_code);
    if (rc == DC_OK) rc = dc_geo_place_forms(code, place);
    return rc;
}

/* Squared distance, in the plane, from the origin to segment a-b. */
static double segment_d2(double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double x = ax + t * dx, y = ay + t * dy;
    return x * x + y * y;
}

/* The polygon is valid (the index decoded it), so sizes need no checks;
 * a zone spans under a degree, so the local plane around the point is
 * good enough for the few metres of tolerance this serves. */
double dc_geo_polygon_distance_m(const dc_polygon *p, double lat, double lon)
{
    double m_lat, m_lon, best = INFINITY;
    dc_geo_metres_per_degree(lat, &m_lat, &m_lon);
    dc_ring ring;
    size_t off = 0;
    while (dc_polygon_next_ring(p, &off, &ring))
        for (uint32_t i = 0; i < ring.npoints; i++) {
            int32_t alat, alon, blat, blon;
            dc_ring_vertex(&ring, i, &alat, &alon);
            dc_ring_vertex(&ring, (i + 1) % ring.npoints, &blat, &blon);
            double d2 =
                segment_d2((alon / 1e7 - lon) * m_lon, (alat / 1e7 - lat) * m_lat,
                           (blon / 1e7 - lon) * m_lon, (blat / 1e7 - lat) * m_lat);
            if (d2 < best) best = d2;
        }
    return sqrt(best);
}
