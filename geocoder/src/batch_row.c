/*
 * batch_row.c - one row of a batch, in three steps: find its fields and
 * its locality key, look it up and keep its appended fields, write the
 * record's bytes and those fields (a zone's texts from batch_zone.c).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_row.h"
#include "diachi/search.h"

/* What is appended to a row, before quoting: each field a NUL-terminated
 * text, and the lengths of those whose formatting knew it (the others 0:
 * strlen tells). */
enum {
    F_CODE,
    F_PLUS,
    F_LAT,
    F_LON,
    F_POSTCODE,
    F_ZONE,
    F_ADDRESS,
    F_LAST,
    F_DOOR,
    F_MATCH,
    F_SCORE,
    F_ERROR,
    F_DISTRICT,
    F_PROVINCE,
    F_CHANGE,
    F_N
};
typedef struct appended {
    dc_batch_status status;
    char code[DC_CODE_DISPLAY_SIZE], plus_code[DC_CODE_PLUS_SIZE];
    char lat[24], lon[24], postcode[8], last[32]; /* last: suggestion or distance */
    char households[12];                          /* forward: households at the door */
    char match[12], score[8];                     /* address mode */
    uint16_t n[F_N];
    bool zone_plain;           /* the zone's name is known to need no quotes */
    dc_str district, province; /* convert mode: the current zone's, in the index */
    const char *change;        /* convert mode: a static name, or NULL */
    char zone_name[256], address[1024];
    char error[DC_ERROR_MESSAGE_SIZE]; /* address mode: why it cannot be read */
} appended;

/* The appended fields of each mode, in DC_BATCH_*_COLUMNS's order after
 * the status. */
static const uint8_t forward_columns[] = {F_CODE, F_PLUS,    F_LAT,  F_LON, F_POSTCODE,
                                          F_ZONE, F_ADDRESS, F_LAST, F_DOOR},
                     reverse_columns[] = {F_CODE,     F_PLUS, F_LAT,     F_LON,
                                          F_POSTCODE, F_ZONE, F_ADDRESS, F_LAST},
                     address_columns[] = {F_CODE, F_PLUS,    F_LAT,   F_LON,   F_POSTCODE,
                                          F_ZONE, F_ADDRESS, F_MATCH, F_SCORE, F_ERROR},
                     convert_columns[] = {F_CODE,   F_ZONE,  F_DISTRICT, F_PROVINCE,
                                          F_CHANGE, F_MATCH, F_SCORE,    F_ERROR};
/* Convert mode's columns: the first five, and in address mode all eight. */
#define CONVERT_CODE_COLUMNS 5

/* A row's status as the output's status column and the docs name it. */
static const char *const status_names[DC_BATCH_NSTATUS] = {"ok",
                                                           "unregistered",
                                                           "malformed",
                                                           "unknown_postcode",
                                                           "code_outside_zone",
                                                           "out_of_coverage",
                                                           "empty",
                                                           "bad_coordinates",
                                                           "not_found",
                                                           "bad_address",
                                                           "no_household"};

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

/* The decimal digits of 0 to 99, two by two. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324"
                                  "25262728293031323334353637383940414243444546474849"
                                  "50515253545556575859606162636465666768697071727374"
                                  "75767778798081828384858687888990919293949596979899";

/* An unsigned number as decimal text, NUL after it; returns its length. */
static size_t format_u64(uint64_t v, char *out)
{
    char digits[20];
    char *d = digits + sizeof digits;
    while (v >= 100) {
        d -= 2;
        memcpy(d, digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        d -= 2;
        memcpy(d, digit_pairs + 2 * v, 2);
    } else {
        *--d = (char)('0' + v);
    }
    size_t n = (size_t)(digits + sizeof digits - d);
    memcpy(out, d, n);
    out[n] = '\0';
    return n;
}

/* e7 degrees as text with 7 decimals, exactly ("-0.0000001", "21.3640201"),
 * two digits a step (a digit a step cost two formats 540 instructions a
 * row); returns the length. */
static size_t format_e7(int64_t v, char *out)
{
    char *o = out;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) *o++ = '-';
    uint64_t whole = u / 10000000;
    uint32_t frac = (uint32_t)(u % 10000000);
    o += format_u64(whole, o);
    *o++ = '.';
    o[6] = (char)('0' + frac % 10);
    frac /= 10;
    memcpy(o + 4, digit_pairs + 2 * (frac % 100), 2);
    frac /= 100;
    memcpy(o + 2, digit_pairs + 2 * (frac % 100), 2);
    memcpy(o, digit_pairs + 2 * (frac / 100), 2);
    o += 7;
    *o = '\0';
    return (size_t)(o - out);
}

/* An unsigned count as decimal text: a few instructions, where snprintf
 * cost every forward row about 500. */
static size_t format_count(uint32_t v, char *out)
{
    return format_u64(v, out);
}

static void format_lat_lon(int64_t lat_e7, int64_t lon_e7, appended *a)
{
    a->n[F_LAT] = (uint16_t)format_e7(lat_e7, a->lat);
    a->n[F_LON] = (uint16_t)format_e7(lon_e7, a->lon);
}

static void format_degrees(double lat, double lon, appended *a)
{
    format_lat_lon(llround(lat * 1e7), llround(lon * 1e7), a);
}

/* Five digits, zeros in front (printf costs more than the lookup's tail). */
static void format_postcode(uint32_t postcode, appended *a)
{
    char *out = a->postcode;
    for (int i = 4; i >= 0; i--, postcode /= 10)
        out[i] = (char)('0' + postcode % 10);
    out[5] = '\0';
    a->n[F_POSTCODE] = 5;
}

/* The zone's name, from the worker's texts of the zone. */
static void zone_fields(batch_worker *w, const dc_zone *z, appended *a)
{
    format_postcode(z->postcode, a);
    const batch_zone_text *t = dc_batch_zone_text(w->zones, z, w->job->delim);
    _Static_assert(sizeof t->name_text == sizeof a->zone_name, "zone names");
    memcpy(a->zone_name, t->name_text, t->name_len + 1);
    a->n[F_ZONE] = (uint16_t)t->name_len;
    a->zone_plain = !t->name_quoted;
}

/* dc_geo_address(@p h, @p z), the zone's part from the worker's texts. */
static void address_field(batch_worker *w, const dc_household *h, const dc_zone *z,
                          appended *a)
{
    _Static_assert(sizeof w->zones->place == sizeof a->address, "addresses");
    a->n[F_ADDRESS] = (uint16_t)dc_batch_address(w->zones, h, z, w->job->delim,
                                                 a->address, sizeof a->address);
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

static void forward_fields(batch_worker *w, const dc_geo_forward_result *r, appended *a)
{
    a->status = (dc_batch_status)r->status;
    /* A code of a replaced zone (zone editions) has no batch status of its
     * own until the batch converts codes: it stays what it was before the
     * index had editions, an unknown postcode, never DC_BATCH_EMPTY (6). */
    if (r->status == DC_GEO_RETIRED) a->status = DC_BATCH_UNKNOWN_POSTCODE;
    if (r->status == DC_GEO_OK && r->nhouseholds) { /* the household's own position */
        const dc_household *h = &r->households[0];
        a->n[F_DOOR] = (uint16_t)format_count(r->household_count, a->households);
        place_codes(&r->place, a);
        format_lat_lon(h->lat_e7, h->lon_e7, a);
        zone_fields(w, &r->zone, a);
        address_field(w, h, &r->zone, a);
    } else if (r->status == DC_GEO_OK || r->status == DC_GEO_UNREGISTERED) {
        place_fields(&r->place, a);
        zone_fields(w, &r->zone, a);
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

/* ---- convert -------------------------------------------------------------- */

/* A conversion's fields: its status, and with a current code the code,
 * its zone's name, district and province, and what changed. */
static void conversion_fields(const dc_geo_conversion *c, appended *a)
{
    a->status = (dc_batch_status)c->status;
    if (!c->has_current) return;
    memcpy(a->code, c->current.display, sizeof a->code);
    a->n[F_ZONE] =
        dc_batch_text_len(dc_geo_zone_name(&c->zone, a->zone_name, sizeof a->zone_name),
                          a->zone_name, sizeof a->zone_name);
    a->district = c->zone.district;
    a->province = c->zone.province;
    a->change = c->change;
}

/* A forward answer as a conversion (dc_geo_convert): a current code
 * answers itself, an old one its door's current code; a place in no
 * current zone, or a code that names no place, only its status. */
static dc_err convert_fields(batch_worker *w, const dc_geo_forward_result *r, appended *a)
{
    dc_geo_conversion c;
    dc_err rc = dc_geo_convert(w->session, r, &c);
    if (rc != DC_OK) return rc;
    conversion_fields(&c, a);
    return DC_OK;
}

static dc_err forward_row(batch_worker *w, const char *code, size_t n,
                          const batch_look *look, appended *a)
{
    if (!code || dc_batch_blank(code, n)) {
        a->status = DC_BATCH_EMPTY;
        return DC_OK;
    }
    /* parsed once already, to order the block's lookups */
    dc_err rc = look->has_code
                    ? dc_geo_forward_code(w->session, &look->code, code, n, w->forward)
                    : dc_geo_forward(w->session, code, n, w->forward);
    if (rc != DC_OK) return rc;
    if (w->job->convert) return convert_fields(w, w->forward, a);
    forward_fields(w, w->forward, a);
    return DC_OK;
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
        zone_fields(w, &z, a);
    } else {
        format_postcode(h->postcode, a);
    }
    format_lat_lon(h->lat_e7, h->lon_e7, a);
    address_field(w, h, has_zone ? &z : NULL, a);
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
        zone_fields(w, &r->zone, a);
    } else {
        a->status = DC_BATCH_OUT_OF_COVERAGE;
        memcpy(a->plus_code, r->plus_code, sizeof a->plus_code);
    }
    return DC_OK;
}

/* ---- address ------------------------------------------------------------- */

/* A search answer's fields: a household's code, Plus Code and door; a
 * street's or group's households' mean point, a zone's reference point,
 * with no code (they are no household's). */
static void hit_fields(batch_worker *w, const dc_search_hit *h, appended *a)
{
    dc_household place;
    const dc_household *d = NULL;
    a->status = DC_BATCH_OK;
    a->n[F_MATCH] = (uint16_t)snprintf(a->match, sizeof a->match, "%s",
                                       dc_search_match_name(h->match));
    a->n[F_SCORE] = (uint16_t)snprintf(a->score, sizeof a->score, "%.3f", h->score);
    format_lat_lon(h->lat_e7, h->lon_e7, a);
    zone_fields(w, &h->zone, a);
    if (h->match == DC_SEARCH_HOUSEHOLD) {
        d = &h->household;
        dc_code_format(&d->code, DC_CODE_DISPLAY, a->code, sizeof a->code);
        dc_code_plus_code(&d->code, h->zone.ref_lat_e7 / 1e7, h->zone.ref_lon_e7 / 1e7,
                          a->plus_code, sizeof a->plus_code);
    } else if (h->match != DC_SEARCH_ZONE) {
        memset(&place, 0, sizeof place);
        place.house_number = place.street = place.group = (dc_str){"", 0};
        if (h->match == DC_SEARCH_STREET) place.street = h->name;
        if (h->match == DC_SEARCH_GROUP) place.group = h->name;
        d = &place;
    }
    address_field(w, d, &h->zone, a);
}

/* A search answer as a conversion: a household's current code, and what
 * changed from the zone its door was in in the edition before the current
 * one (dc_geo_convert_household); a street's, group's or zone's answer
 * (no_household) names the zone, with no code: a street's door is not
 * guessed. */
static dc_err convert_hit(batch_worker *w, const dc_search_hit *h, appended *a)
{
    a->n[F_MATCH] = (uint16_t)snprintf(a->match, sizeof a->match, "%s",
                                       dc_search_match_name(h->match));
    a->n[F_SCORE] = (uint16_t)snprintf(a->score, sizeof a->score, "%.3f", h->score);
    if (h->match != DC_SEARCH_HOUSEHOLD) {
        a->status = DC_BATCH_NO_HOUSEHOLD;
        a->n[F_ZONE] = dc_batch_text_len(
            dc_geo_zone_name(&h->zone, a->zone_name, sizeof a->zone_name), a->zone_name,
            sizeof a->zone_name);
        a->district = h->zone.district;
        a->province = h->zone.province;
        return DC_OK;
    }
    dc_geo_conversion c;
    dc_err rc = dc_geo_convert_household(w->session, &h->household, &h->zone, &c);
    if (rc == DC_OK) conversion_fields(&c, a);
    return rc;
}

static dc_err search_row(batch_worker *w, const char *text, size_t n, appended *a)
{
    const batch_job *j = w->job;
    dc_search_options opt = {.limit = 1, .near = j->near};
    opt.near_lat = j->near_lat, opt.near_lon = j->near_lon;
    dc_error err = {0};
    dc_err rc = dc_search(w->session, text, n, &opt, w->search, &err);
    if (rc >= DC_E_TEXT_UTF8 && rc <= DC_E_TEXT_EMPTY) {
        a->status = DC_BATCH_BAD_ADDRESS;
        memcpy(a->match, "none", 5);
        int n_error =
            snprintf(a->error, sizeof a->error, "%s: %s", dc_err_name(rc), err.message);
        a->n[F_ERROR] = dc_batch_text_len(n_error > 0 ? (size_t)n_error : 0, a->error,
                                          sizeof a->error);
        return DC_OK;
    }
    if (rc != DC_OK) return rc;
    if (w->search->nhits && j->convert) {
        return convert_hit(w, &w->search->hits[0], a);
    } else if (w->search->nhits) {
        hit_fields(w, &w->search->hits[0], a);
    } else {
        a->status = DC_BATCH_NOT_FOUND;
        memcpy(a->match, "none", 5);
    }
    return DC_OK;
}

/* The code, when the row has one that gives a household; else the
 * address; a blank address leaves the code's own status (empty when it is
 * blank too). */
static dc_err address_row(batch_worker *w, const char *code, size_t code_len,
                          const char *text, size_t len, const batch_look *look,
                          appended *a)
{
    bool has_code = code && !dc_batch_blank(code, code_len);
    bool has_text = text && !dc_batch_blank(text, len);
    if (has_code) {
        dc_err rc = forward_row(w, code, code_len, look, a);
        if (rc != DC_OK) return rc;
        if (a->status == DC_BATCH_OK) {
            memcpy(a->match, "code", 5);
            memcpy(a->score, "1.000", 6);
            return DC_OK;
        }
        if (!has_text) return DC_OK;
        memset(a, 0, offsetof(appended, zone_name));
        a->zone_name[0] = a->address[0] = a->error[0] = '\0';
    }
    if (!has_text) {
        a->status = DC_BATCH_EMPTY;
        return DC_OK;
    }
    return search_row(w, text, len, a);
}

/* Find the looked-up fields and count them all. */
static void look_fields(const batch_job *j, const char *rec, size_t len, batch_look *f)
{
    size_t pos = 0, start, end, nfields = 0;
    int want[2] = {j->mode == DC_BATCH_REVERSE ? j->lat_field : j->code_field,
                   j->mode == DC_BATCH_FORWARD   ? -1
                   : j->mode == DC_BATCH_ADDRESS ? j->address_field
                                                 : j->lon_field};
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
 * in reverse mode, v[1] (the longitude), in address mode v[1] the address.
 * The second may need the scratch the first was unquoted in, so the first
 * is then copied aside; a coordinate too long for the copy is no number
 * anyway. An address is unquoted after the code in the scratch, which is
 * as long as the record: the two fields' values fit side by side. */
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
    if (j->mode == DC_BATCH_ADDRESS) {
        size_t used = out->v[0] && out->v[0] == scratch ? out->n[0] : 0;
        out->v[1] = cell(rec, look, 1, &out->n[1], scratch ? scratch + used : NULL);
        return;
    }
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

/* The code parsed; its key is its place in the index's order, found with
 * the window's other codes (batch_block.c): pages of the index are then
 * read in order, each near the last. */
static uint64_t forward_key(const char *code, size_t n, batch_look *look)
{
    look->has_code = code && dc_code_parse(code, n, &look->code, NULL) == DC_OK;
    return look->has_code ? DC_BATCH_KEY_CODE : DC_BATCH_KEY_LAST;
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
    look->has_code = false;
    look_fields(w->job, rec, len, look);
    look->held_len[0] = look->held_len[1] = BATCH_HELD + 1;
    char *scratch = scratch_for(w, len);
    if (!scratch) return DC_BATCH_KEY_LAST;
    find_values(w->job, rec, look, scratch, &rv);
    hold(look, 0, rv.v[0], rv.n[0]);
    if (w->job->mode == DC_BATCH_FORWARD) return forward_key(rv.v[0], rv.n[0], look);
    hold(look, 1, rv.v[1], rv.n[1]);
    /* rows with codes in the codes' order, then the others as they came */
    if (w->job->mode == DC_BATCH_ADDRESS) return forward_key(rv.v[0], rv.n[0], look);
    return reverse_key(rv.v[0], rv.n[0], rv.v[1], rv.n[1]);
}

/* ---- the row --------------------------------------------------------------- */

/* A value quoted, its quotes doubled, at @p o; returns the end. */
static char *put_quoted(char *o, const char *s, size_t n)
{
    *o++ = '"';
    for (const char *q; n && (q = memchr(s, '"', n));) { /* up to a quote, doubled */
        size_t k = (size_t)(q - s) + 1;
        memcpy(o, s, k);
        o += k;
        *o++ = '"';
        s += k, n -= k;
    }
    memcpy(o, s, n);
    o += n;
    *o++ = '"';
    return o;
}

/* The room the appended fields of any row take at most: each quoted with
 * every byte a quote, and a delimiter. */
#define APPENDED_MOST (2 * sizeof(appended) + 2 * F_N + 64)

/* Each appended field after a delimiter, quoted when it must be. Codes,
 * numbers and status names skip the quoting scan when the job's delimiter
 * is none of their characters (job->plain); room for them all is made at
 * once. */
static bool put_appended(dc_buf *out, const appended *a, const batch_job *j)
{
    const char *fields[F_N] = {a->code,
                               a->plus_code,
                               a->lat,
                               a->lon,
                               a->postcode,
                               a->zone_name,
                               a->address,
                               a->last,
                               a->households,
                               a->match,
                               a->score,
                               a->error,
                               a->district.len ? a->district.ptr : "",
                               a->province.len ? a->province.ptr : "",
                               a->change ? a->change : ""};
    const uint8_t *columns = j->convert                    ? convert_columns
                             : j->mode == DC_BATCH_FORWARD ? forward_columns
                             : j->mode == DC_BATCH_ADDRESS ? address_columns
                                                           : reverse_columns;
    size_t ncolumns = j->convert ? (j->mode == DC_BATCH_ADDRESS ? sizeof convert_columns
                                                                : CONVERT_CODE_COLUMNS)
                      : j->mode == DC_BATCH_FORWARD ? sizeof forward_columns
                      : j->mode == DC_BATCH_ADDRESS ? sizeof address_columns
                                                    : sizeof reverse_columns;
    if (!dc_buf_reserve(out, APPENDED_MOST + 2 * (a->district.len + a->province.len)))
        return false;
    char *o = out->p + out->len;
    const char *status = dc_batch_status_name(a->status);
    size_t n = strlen(status);
    *o++ = j->delim;
    if (j->plain) {
        memcpy(o, status, n), o += n;
    } else {
        o = dc_csv_needs_quotes(status, n, j->delim) ? put_quoted(o, status, n)
                                                     : (memcpy(o, status, n), o + n);
    }
    for (size_t k = 0; k < ncolumns; k++) {
        size_t i = columns[k];
        const char *s = fields[i];
        n = i == F_DISTRICT   ? a->district.len
            : i == F_PROVINCE ? a->province.len
            : a->n[i]         ? a->n[i]
                              : strlen(s);
        *o++ = j->delim;
        bool plain = (i != F_ZONE && i != F_ADDRESS && i != F_ERROR && i != F_DISTRICT &&
                      i != F_PROVINCE) &&
                     j->plain;
        plain = plain || (i == F_ZONE && a->zone_plain);
        if (!plain && dc_csv_needs_quotes(s, n, j->delim)) {
            o = put_quoted(o, s, n);
        } else {
            memcpy(o, s, n);
            o += n;
        }
    }
    out->len = (size_t)(o - out->p);
    return true;
}

void dc_batch_row_prefetch(batch_worker *w, uint64_t order)
{
    if (w->job->mode != DC_BATCH_REVERSE && order != UINT64_MAX)
        dc_geo_order_prefetch(w->session, order);
}

dc_err dc_batch_row_lookup(batch_worker *w, const char *rec, size_t len,
                           const batch_look *look, dc_buf *out, dc_batch_stats *stats)
{
    const batch_job *j = w->job;
    appended a;
    memset(&a, 0, offsetof(appended, zone_name));
    a.zone_name[0] = a.address[0] = a.error[0] = '\0';
    char *scratch = rec ? scratch_for(w, len) : NULL;
    if (rec && !scratch) return DC_E_NOMEM;
    row_values rv;
    find_values(j, rec, look, scratch, &rv);
    dc_err rc = j->mode == DC_BATCH_FORWARD ? forward_row(w, rv.v[0], rv.n[0], look, &a)
                : j->mode == DC_BATCH_ADDRESS
                    ? address_row(w, rv.v[0], rv.n[0], rv.v[1], rv.n[1], look, &a)
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
