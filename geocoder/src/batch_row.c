/*
 * batch_row.c - one row of a batch, in three steps: find its fields and
 * its locality key, look it up and keep its appended fields, write the
 * record's bytes and those fields.
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
    char households[12];                          /* forward: households at the door */
    char zone_name[256], address[1024];
} appended;

/* A row's status as the output's status column and the docs name it. */
static const char *const status_names[DC_BATCH_NSTATUS] = {"ok",
                                                           "unregistered",
                                                           "malformed",
                                                           "unknown_postcode",
                                                           "code_outside_zone",
                                                           "out_of_coverage",
                                                           "empty",
                                                           "bad_coordinates"};

const char *dc_batch_status_name(dc_batch_status status)
{
    return (unsigned)status < DC_BATCH_NSTATUS ? status_names[status] : "unknown";
}

bool dc_batch_blank(const char *s, size_t n)
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

/* An unsigned count as decimal text: a few instructions, where snprintf
 * cost every forward row about 500. */
static void format_count(uint32_t v, char *out)
{
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
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

static void place_codes(const dc_geo_place *p, appended *a)
{
    memcpy(a->code, p->display, sizeof a->code);
    memcpy(a->plus_code, p->plus_code, sizeof a->plus_code);
}

static void place_fields(const dc_geo_place *p, appended *a)
{
    place_codes(p, a);
    format_degrees(p->cell.lat, p->cell.lon, a);
}

/* ---- forward ------------------------------------------------------------- */

static void forward_fields(const dc_geo_forward_result *r, appended *a)
{
    a->status = (dc_batch_status)r->status;
    if (r->status == DC_GEO_OK && r->nhouseholds) { /* the household's own position */
        const dc_household *h = &r->households[0];
        format_count(r->household_count, a->households);
        place_codes(&r->place, a);
        format_e7(h->lat_e7, a->lat);
        format_e7(h->lon_e7, a->lon);
        zone_fields(&r->zone, a);
        dc_geo_address(h, &r->zone, a->address, sizeof a->address);
    } else if (r->status == DC_GEO_OK || r->status == DC_GEO_UNREGISTERED) {
        place_fields(&r->place, a);
        zone_fields(&r->zone, a);
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
    if (!code || dc_batch_blank(code, n)) {
        a->status = DC_BATCH_EMPTY;
        return DC_OK;
    }
    dc_err rc = dc_geo_forward(w->session, code, n, w->forward);
    if (rc == DC_OK) forward_fields(w->forward, a);
    return rc;
}

/* ---- reverse ------------------------------------------------------------- */

bool dc_batch_parse_degrees(const char *s, size_t n, double lo, double hi, double *out)
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
    if (!lat_text || !lon_text || dc_batch_blank(lat_text, lat_len) ||
        dc_batch_blank(lon_text, lon_len)) {
        a->status = DC_BATCH_EMPTY;
        return DC_OK;
    }
    if (!dc_batch_parse_degrees(lat_text, lat_len, -90, 90, &lat) ||
        !dc_batch_parse_degrees(lon_text, lon_len, -180, 180, &lon)) {
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

/* Find the looked-up fields and count them all. */
static void look_fields(const batch_job *j, const char *rec, size_t len, batch_look *f)
{
    size_t pos = 0, start, end, nfields = 0;
    int want[2] = {j->mode == DC_BATCH_FORWARD ? j->code_field : j->lat_field,
                   j->mode == DC_BATCH_FORWARD ? -1 : j->lon_field};
    f->present[0] = f->present[1] = false;
    while (dc_csv_next_field(rec, len, j->delim, &pos, &start, &end)) {
        for (int k = 0; k < 2; k++)
            if ((int)nfields == want[k]) {
                f->span[k][0] = (uint32_t)start, f->span[k][1] = (uint32_t)end;
                f->present[k] = true;
            }
        nfields++;
    }
    f->nfields = (uint32_t)nfields;
}

/* The value of looked-up field @p k, unquoted; NULL when the record has no
 * such field. */
static const char *cell(const char *rec, const batch_look *f, int k, size_t *n,
                        char *scratch)
{
    if (!f->present[k]) {
        *n = 0;
        return NULL;
    }
    if (f->held_len[k] <= BATCH_HELD) {
        *n = f->held_len[k];
        return f->held[k];
    }
    return dc_csv_value(rec + f->span[k][0], f->span[k][1] - f->span[k][0], scratch, n);
}

/* The values a row is looked up by: v[0] (the code, or the latitude) and,
 * in reverse mode, v[1] (the longitude). The second may need the scratch
 * the first was unquoted in, so the first is then copied aside; a
 * coordinate too long for the copy is no number anyway. */
typedef struct row_values {
    const char *v[2];
    size_t n[2];
    char copy[64];
} row_values;

static void find_values(const batch_job *j, const char *rec, const batch_look *look,
                        char *scratch, row_values *out)
{
    out->v[0] = cell(rec, look, 0, &out->n[0], scratch);
    out->v[1] = NULL, out->n[1] = 0;
    if (j->mode == DC_BATCH_FORWARD) return;
    if (out->v[0] && out->v[0] == scratch) {
        out->n[0] = out->n[0] < sizeof out->copy ? out->n[0] : sizeof out->copy;
        memcpy(out->copy, out->v[0], out->n[0]);
        out->v[0] = out->copy;
    }
    out->v[1] = cell(rec, look, 1, &out->n[1], scratch);
}

/* Keep the value of field @p k in the look when it is short. */
static void hold(batch_look *f, int k, const char *v, size_t n)
{
    f->held_len[k] = n <= BATCH_HELD ? (uint8_t)n : BATCH_HELD + 1;
    if (v && n <= BATCH_HELD) memcpy(f->held[k], v, n);
}

/* Room in the worker's scratch for a field of @p n bytes. */
static char *scratch_for(batch_worker *w, size_t n)
{
    if (n <= w->scratch.cap) return w->scratch.p;
    w->scratch.len = 0;
    return dc_buf_reserve(&w->scratch, n) ? w->scratch.p : NULL;
}

/* ---- locality ---------------------------------------------------------- */

/* The bits of @p v (up to 22) spread to the even positions. */
static uint64_t spread(uint64_t v)
{
    v = (v | v << 16) & 0x0000FFFF0000FFFFull;
    v = (v | v << 8) & 0x00FF00FF00FF00FFull;
    v = (v | v << 4) & 0x0F0F0F0F0F0F0F0Full;
    v = (v | v << 2) & 0x3333333333333333ull;
    v = (v | v << 1) & 0x5555555555555555ull;
    return v;
}

/* The code's place in the index's order (dc_geo_code_order), kept in the
 * look and cut to 48 bits: pages of the index are then read in order, each
 * near the last. */
static uint64_t forward_key(batch_worker *w, const char *code, size_t n, batch_look *look)
{
    dc_code c;
    look->has_order = code && dc_code_parse(code, n, &c, NULL) == DC_OK &&
                      dc_geo_code_order(w->session, &c, &look->order);
    return look->has_order ? look->order >> 16 : DC_BATCH_KEY_LAST;
}

/* A Z-order curve over a 1e-4 degree grid: near points, near keys. */
static uint64_t reverse_key(const char *lat_text, size_t lat_len, const char *lon_text,
                            size_t lon_len)
{
    double lat, lon;
    if (!lat_text || !lon_text ||
        !dc_batch_parse_degrees(lat_text, lat_len, -90, 90, &lat) ||
        !dc_batch_parse_degrees(lon_text, lon_len, -180, 180, &lon))
        return DC_BATCH_KEY_LAST;
    uint64_t row = (uint64_t)((lat + 90) * 1e4), col = (uint64_t)((lon + 180) * 1e4);
    return spread(row) << 1 | spread(col); /* 21 and 22 bits: 44 in all */
}

uint64_t dc_batch_row_look(batch_worker *w, const char *rec, size_t len, batch_look *look)
{
    row_values rv;
    look_fields(w->job, rec, len, look);
    look->held_len[0] = look->held_len[1] = BATCH_HELD + 1;
    char *scratch = scratch_for(w, len);
    if (!scratch) return DC_BATCH_KEY_LAST;
    find_values(w->job, rec, look, scratch, &rv);
    hold(look, 0, rv.v[0], rv.n[0]);
    if (w->job->mode == DC_BATCH_FORWARD) return forward_key(w, rv.v[0], rv.n[0], look);
    hold(look, 1, rv.v[1], rv.n[1]);
    return reverse_key(rv.v[0], rv.n[0], rv.v[1], rv.n[1]);
}

/* ---- the row --------------------------------------------------------------- */

/* A delimiter, then a field, quoted when it must be. Codes, numbers and
 * status names (@p plain) skip the quoting scan when the job's delimiter
 * is none of their characters (job->plain). */
static bool put_field(dc_buf *out, const char *s, bool plain, const batch_job *j)
{
    size_t n = strlen(s);
    if (!dc_buf_reserve(out, n + 1)) return false;
    out->p[out->len++] = j->delim;
    if (!(plain && j->plain)) return dc_buf_field(out, s, n, j->delim);
    dc_buf_put(out, s, n);
    return true;
}

static bool put_appended(dc_buf *out, const appended *a, const batch_job *j)
{
    const char *fields[] = {dc_batch_status_name(a->status),
                            a->code,
                            a->plus_code,
                            a->lat,
                            a->lon,
                            a->postcode,
                            a->zone_name,
                            a->address,
                            a->last,
                            a->households};
    size_t n = sizeof fields / sizeof fields[0] - (j->mode != DC_BATCH_FORWARD);
    for (size_t i = 0; i < n; i++) {
        bool plain = fields[i] != a->zone_name && fields[i] != a->address;
        if (!put_field(out, fields[i], plain, j)) return false;
    }
    return true;
}

void dc_batch_row_prefetch(batch_worker *w, const batch_look *look)
{
    if (w->job->mode == DC_BATCH_FORWARD && look->has_order)
        dc_geo_order_prefetch(w->session, look->order);
}

dc_err dc_batch_row_lookup(batch_worker *w, const char *rec, size_t len,
                           const batch_look *look, dc_buf *out, dc_batch_stats *stats)
{
    const batch_job *j = w->job;
    appended a;
    memset(&a, 0, offsetof(appended, zone_name));
    a.zone_name[0] = a.address[0] = '\0';
    char *scratch = rec ? scratch_for(w, len) : NULL;
    if (rec && !scratch) return DC_E_NOMEM;
    row_values rv;
    find_values(j, rec, look, scratch, &rv);
    dc_err rc = j->mode == DC_BATCH_FORWARD
                    ? forward_row(w, rv.v[0], rv.n[0], &a)
                    : reverse_row(w, rv.v[0], rv.n[0], rv.v[1], rv.n[1], &a);
    if (rc != DC_OK) return rc;
    if (!put_appended(out, &a, j)) return DC_E_NOMEM;
    stats->rows++;
    stats->by_status[a.status]++;
    stats->ragged += look->nfields != j->header_fields;
    return DC_OK;
}

bool dc_batch_row_write(const batch_job *j, const char *rec, size_t len, int eol,
                        const batch_look *look, const char *base, dc_buf *out)
{
    const char *fields = base + look->at;
    size_t n = look->n;
    size_t pad = look->nfields < j->header_fields ? j->header_fields - look->nfields : 0;
    int e = eol ? eol : j->default_eol;
    size_t eol_len = dc_csv_eol_len(e);
    if (!dc_buf_reserve(out, len + pad + n + eol_len)) return false;
    dc_buf_put(out, rec, len);
    for (size_t i = 0; i < pad; i++)
        out->p[out->len++] = j->delim;
    dc_buf_put(out, fields, n);
    dc_buf_put(out, dc_csv_eol_bytes(e), eol_len);
    return true;
}
