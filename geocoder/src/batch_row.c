/*
 * batch_row.c - one row of a batch: split the record, look it up, write
 * the record's bytes and the appended fields.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_row.h"

/* What is appended to a row, before quoting. */
typedef struct appended {
    dc_batch_status status;
    char code[DC_CODE_DISPLAY_SIZE], plus_code[DC_CODE_PLUS_SIZE];
    char lat[24], lon[24], postcode[8], last[32]; /* last: suggestion or distance */
    char zone_name[256], address[1024];
} appended;

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t') return false;
    return true;
}

/* e7 degrees as text with 7 decimals, exactly ("-0.0000001", "21.3640201"). */
static void format_e7(int64_t v, char *out)
{
    char digits[24];
    int n = 0;
    bool negative = v < 0;
    uint64_t u = negative ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u || n < 8);
    if (negative) *out++ = '-';
    while (n > 7)
        *out++ = digits[--n];
    *out++ = '.';
    while (n > 0)
        *out++ = digits[--n];
    *out = '\0';
}

static void format_degrees(double lat, double lon, appended *a)
{
    format_e7(llround(lat * 1e7), a->lat);
    format_e7(llround(lon * 1e7), a->lon);
}

/* Five digits, zeros in front (printf costs more than the lookup's tail). */
static void format_postcode(uint32_t postcode, char *out)
{
    for (int i = 4; i >= 0; i--, postcode /= 10)
        out[i] = (char)('0' + postcode % 10);
    out[5] = '\0';
}

static void zone_fields(const dc_zone *z, appended *a)
{
    format_postcode(z->postcode, a->postcode);
    dc_geo_zone_name(z, a->zone_name, sizeof a->zone_name);
}

static void place_fields(const dc_geo_place *p, appended *a)
{
    memcpy(a->code, p->display, sizeof a->code);
    memcpy(a->plus_code, p->plus_code, sizeof a->plus_code);
    format_degrees(p->cell.lat, p->cell.lon, a);
}

/* ---- forward ------------------------------------------------------------- */

static void forward_fields(const dc_geo_forward_result *r, appended *a)
{
    a->status = (dc_batch_status)r->status;
    if (r->status == DC_GEO_OK || r->status == DC_GEO_UNREGISTERED) {
        place_fields(&r->place, a);
        zone_fields(&r->zone, a);
    }
    if (r->status == DC_GEO_OK && r->nhouseholds) {
        const dc_household *h = &r->households[0];
        format_e7(h->lat_e7, a->lat);
        format_e7(h->lon_e7, a->lon);
        dc_geo_address(h, &r->zone, a->address, sizeof a->address);
    }
    if (r->status == DC_GEO_OUT_OF_COVERAGE && r->has_place) {
        memcpy(a->plus_code, r->place.plus_code, sizeof a->plus_code);
        format_degrees(r->place.cell.lat, r->place.cell.lon, a);
    }
    if (r->status == DC_GEO_OK) return;
    if (r->nsuggestions)
        memcpy(a->last, r->suggestions[0].place.display, DC_CODE_DISPLAY_SIZE);
    else if (r->status == DC_GEO_CODE_OUTSIDE_ZONE && r->has_actual_zone)
        memcpy(a->last, r->corrected.display, DC_CODE_DISPLAY_SIZE);
}

static dc_err forward_row(batch_worker *w, const char *code, size_t n, appended *a)
{
    if (!code || blank(code, n)) {
        a->status = DC_BATCH_EMPTY;
        return DC_OK;
    }
    dc_err rc = dc_geo_forward(w->session, code, n, w->forward);
    if (rc == DC_OK) forward_fields(w->forward, a);
    return rc;
}

/* ---- reverse ------------------------------------------------------------- */

/*
 * A coordinate as a spreadsheet writes it: spaces around it ignored, and a
 * decimal comma ("21,3862", the Vietnamese locale's) read as a point when
 * it is the only separator.
 */
static bool parse_degrees(const char *s, size_t n, double lo, double hi, double *out)
{
    char text[64], *end;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof text) return false;
    memcpy(text, s, n);
    text[n] = '\0';
    char *comma = strchr(text, ',');
    if (comma && !strchr(text, '.') && !strchr(comma + 1, ',')) *comma = '.';
    if (strpbrk(text, "xXnN")) return false; /* hex, nan, inf */
    double v = strtod(text, &end);
    if (end != text + n || !isfinite(v) || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static void nearest_fields(batch_worker *w, const dc_geo_reverse_result *r, appended *a)
{
    const dc_geo_neighbour *nb = &r->neighbours[0];
    const dc_household *h = &nb->household;
    dc_zone z;
    bool has_zone = true;
    if (!nb->other_zone && r->has_zone)
        z = r->zone;
    else
        has_zone = dc_geo_zone(w->session, h->postcode, &z) == DC_OK;
    a->status = DC_BATCH_OK;
    dc_code_format(&h->code, DC_CODE_DISPLAY, a->code, sizeof a->code);
    if (has_zone) {
        dc_code_plus_code(&h->code, z.ref_lat_e7 / 1e7, z.ref_lon_e7 / 1e7, a->plus_code,
                          sizeof a->plus_code);
        zone_fields(&z, a);
    } else {
        format_postcode(h->postcode, a->postcode);
    }
    format_e7(h->lat_e7, a->lat);
    format_e7(h->lon_e7, a->lon);
    dc_geo_address(h, has_zone ? &z : NULL, a->address, sizeof a->address);
    snprintf(a->last, sizeof a->last, "%.2f", nb->distance_m);
}

static dc_err reverse_row(batch_worker *w, const char *lat_text, size_t lat_len,
                          const char *lon_text, size_t lon_len, appended *a)
{
    double lat, lon;
    if (!lat_text || !lon_text || blank(lat_text, lat_len) || blank(lon_text, lon_len)) {
        a->status = DC_BATCH_EMPTY;
        return DC_OK;
    }
    if (!parse_degrees(lat_text, lat_len, -90, 90, &lat) ||
        !parse_degrees(lon_text, lon_len, -180, 180, &lon)) {
        a->status = DC_BATCH_BAD_COORDINATES;
        return DC_OK;
    }
    dc_geo_reverse_result *r = w->reverse;
    dc_err rc = dc_geo_reverse(w->session, lat, lon, w->job->radius_m, 1, r);
    if (rc != DC_OK) return rc;
    if (r->nneighbours) {
        nearest_fields(w, r, a);
    } else if (r->has_zone) {
        a->status = DC_BATCH_UNREGISTERED;
        place_fields(&r->place, a);
        zone_fields(&r->zone, a);
    } else {
        a->status = DC_BATCH_OUT_OF_COVERAGE;
        memcpy(a->plus_code, r->plus_code, sizeof a->plus_code);
    }
    return DC_OK;
}

/* ---- the row --------------------------------------------------------------- */

/* The value of a field, unquoted; NULL when the record has no such field. */
static const char *cell(const char *rec, size_t start, size_t end, bool present,
                        size_t *n, char *scratch)
{
    if (!present) {
        *n = 0;
        return NULL;
    }
    return dc_csv_value(rec + start, end - start, scratch, n);
}

static bool put_appended(dc_buf *out, const appended *a, char delim)
{
    const char *fields[] = {dc_batch_status_name(a->status),
                            a->code,
                            a->plus_code,
                            a->lat,
                            a->lon,
                            a->postcode,
                            a->zone_name,
                            a->address,
                            a->last};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!dc_buf_reserve(out, 1)) return false;
        out->p[out->len++] = delim;
        if (!dc_buf_field(out, fields[i], strlen(fields[i]), delim)) return false;
    }
    return true;
}

/* Room in the worker's scratch for a field of @p n bytes. */
static char *scratch_for(batch_worker *w, size_t n)
{
    if (n <= w->scratch.cap) return w->scratch.p;
    w->scratch.len = 0;
    return dc_buf_reserve(&w->scratch, n) ? w->scratch.p : NULL;
}

dc_err dc_batch_row(batch_worker *w, const char *rec, size_t len, int eol, dc_buf *out,
                    dc_batch_stats *stats)
{
    const batch_job *j = w->job;
    size_t pos = 0, start, end, nfields = 0, span[2][2] = {{0, 0}, {0, 0}};
    bool present[2] = {false, false};
    int want[2] = {j->mode == DC_BATCH_FORWARD ? j->code_field : j->lat_field,
                   j->mode == DC_BATCH_FORWARD ? -1 : j->lon_field};
    while (dc_csv_next_field(rec, len, j->delim, &pos, &start, &end)) {
        for (int k = 0; k < 2; k++)
            if ((int)nfields == want[k]) {
                span[k][0] = start, span[k][1] = end;
                present[k] = true;
            }
        nfields++;
    }
    appended a;
    memset(&a, 0, offsetof(appended, zone_name));
    a.zone_name[0] = a.address[0] = '\0';
    char *scratch = scratch_for(w, len);
    if (!scratch) return DC_E_NOMEM;
    size_t n0, n1;
    const char *v0 = cell(rec, span[0][0], span[0][1], present[0], &n0, scratch);
    dc_err rc;
    if (j->mode == DC_BATCH_FORWARD) {
        rc = forward_row(w, v0, n0, &a);
    } else {
        /* the second value may need the scratch too: the first, when it
         * was unescaped there, is parsed before it is overwritten */
        char lat_copy[64];
        if (v0 == scratch) {
            n0 = n0 < sizeof lat_copy ? n0 : sizeof lat_copy;
            memcpy(lat_copy, v0, n0);
            v0 = lat_copy;
        }
        const char *v1 = cell(rec, span[1][0], span[1][1], present[1], &n1, scratch);
        rc = reverse_row(w, v0, n0, v1, n1, &a);
    }
    if (rc != DC_OK) return rc;
    size_t pad = nfields < j->header_fields ? j->header_fields - nfields : 0;
    if (!dc_buf_reserve(out, len + pad)) return DC_E_NOMEM;
    dc_buf_put(out, rec, len);
    for (size_t i = 0; i < pad; i++)
        out->p[out->len++] = j->delim;
    if (!put_appended(out, &a, j->delim)) return DC_E_NOMEM;
    const char *eol_bytes = dc_csv_eol_bytes(eol ? eol : j->default_eol);
    size_t eol_len = dc_csv_eol_len(eol ? eol : j->default_eol);
    if (!dc_buf_reserve(out, eol_len)) return DC_E_NOMEM;
    dc_buf_put(out, eol_bytes, eol_len);
    stats->rows++;
    stats->by_status[a.status]++;
    stats->ragged += nfields != j->header_fields;
    return DC_OK;
}
