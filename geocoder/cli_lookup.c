/*
 * cli_lookup.c - diachi lookup and reverse: the engine's answers for
 * a postal worker (the address in Vietnamese order, coordinates, a geo:
 * URI a phone opens in its map app) or for a program (--json, one object
 * per line).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_lookup.h"
#include "diachi/history.h"
#include "src/render.h"

/* ---- arguments ---------------------------------------------------------- */

/* A negative number is an argument, not an option. */
static int is_number(const char *a)
{
    return (a[0] == '-' || a[0] == '+') && ((a[1] >= '0' && a[1] <= '9') || a[1] == '.');
}

/* Returns -1 to go on, or the exit code. */
int lookup_parse_args(int argc, char **argv, const command *cmd, int options,
                      lookup_args *out)
{
    for (int i = 1, taken; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(cmd->help, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            out->common.json = 1;
        } else if ((taken = take_option(argc, argv, &i, "--index", &out->common.index)) ||
                   (taken = take_option(argc, argv, &i, "--at", &out->at)) ||
                   ((options & OPT_SEARCH) &&
                    ((taken = take_option(argc, argv, &i, "--radius", &out->radius)) ||
                     (taken = take_option(argc, argv, &i, "--limit", &out->limit)))) ||
                   ((options & OPT_ZONE) &&
                    (taken = take_option(argc, argv, &i, "--zone", &out->zone)))) {
            if (taken < 0) return usage_error(cmd->name, "%s needs a value", a);
        } else if (a[0] == '-' && a[1] && !is_number(a)) {
            return usage_error(cmd->name, "unknown option or missing value: %s", a);
        } else if (out->npositional == MAX_POSITIONAL) {
            return usage_error(cmd->name, "%s", "too many arguments");
        } else {
            out->positional[out->npositional++] = a;
        }
    }
    if (!out->common.index) out->common.index = getenv("DIACHI_INDEX");
    if (!out->common.index || !out->common.index[0])
        return usage_error(cmd->name, "%s",
                           "no index: give --index PATH or set DIACHI_INDEX");
    return -1;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

/* Every engine lookup failing on the index is exit 3, a missing file too:
 * here exit 1 means "not found" for the code or point asked about. */
int lookup_open_geo(const char *cmd, const lookup_args *a, dc_geo **geo,
                    dc_geo_session **s)
{
    dc_error err = {0};
    const char *path = a->common.index;
    int32_t day = DC_GEO_NOW;
    if (a->at && dc_date_parse(a->at, strlen(a->at), &day) != DC_OK)
        return usage_error(cmd, "--at %s is not a day written YYYY-MM-DD", a->at);
    dc_err rc = dc_geo_open(path, geo, &err);
    if (rc != DC_OK) {
        fprintf(stderr, "diachi %s: %s\n", cmd, err.message);
        return EXIT_DATA;
    }
    rc = dc_geo_session_begin(*geo, s);
    if (rc != DC_OK) {
        fprintf(stderr, "diachi %s: %s: %s\n", cmd, path, dc_strerror(rc));
        dc_geo_close(*geo);
        return EXIT_DATA;
    }
    dc_geo_session_at(*s, day);
    return -1;
}

int lookup_index_failure(const char *cmd, dc_err rc)
{
    fprintf(stderr, "diachi %s: the index cannot answer: %s (%s)\n", cmd, dc_strerror(rc),
            dc_err_name(rc));
    return EXIT_DATA;
}

/* ---- human output ------------------------------------------------------- */

/* "phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên": the zone's words
 * as an address ends. */
void lookup_zone_words(const dc_zone *z)
{
    char text[1024];
    dc_geo_address(NULL, z, text, sizeof text);
    fputs(text, stdout);
}

/* "Hộ ID: số N, street, group, ward, district, province": the Vietnamese
 * order, smallest to largest (dc_geo_address, as diachi batch writes it). */
static void address(dc_geo_session *s, const dc_household *h)
{
    dc_zone z;
    char text[2048];
    int in_zone = dc_geo_zone(s, h->postcode, &z) == DC_OK;
    dc_geo_address(h, in_zone ? &z : NULL, text, sizeof text);
    printf("Hộ %.*s: %s", (int)h->id.len, h->id.ptr, text);
}

static void coordinates(double lat, double lon, const char *label)
{
    printf("%s%.7f, %.7f   geo:%.7f,%.7f\n", label, lat, lon, lat, lon);
}

static void household_text(dc_geo_session *s, const dc_household *h, const char *indent)
{
    printf("%s", indent);
    address(s, h);
    printf("\n%s", indent);
    coordinates(h->lat_e7 / 1e7, h->lon_e7 / 1e7, "");
}

static void suggestions_text(dc_geo_session *s, const dc_geo_forward_result *r)
{
    if (!r->nsuggestions) return;
    printf("did you mean:\n");
    for (size_t i = 0; i < r->nsuggestions; i++) {
        const dc_geo_suggestion *sg = &r->suggestions[i];
        printf("  %s  (%s, character %d", sg->place.display, dc_geo_edit_name(sg->edit),
               sg->position);
        if (sg->distance_m >= 0) printf(", %.0f m away", sg->distance_m);
        printf(")  ");
        address(s, &sg->household);
        printf("\n");
    }
}

/* Registered doors of the zone one slip away from a registered code. */
static void similar_text(dc_geo_session *s, const dc_geo_forward_result *r)
{
    if (!r->nsimilar) return;
    printf("confirm the door: these registered codes of the zone are one slip away:\n");
    for (size_t i = 0; i < r->nsimilar; i++) {
        const dc_geo_suggestion *sg = &r->similar[i];
        printf("  %s  (%s, character %d, %.0f m away)  ", sg->place.display,
               dc_geo_edit_name(sg->edit), sg->position, sg->distance_m);
        address(s, &sg->household);
        printf("\n");
    }
}

static void unregistered_text(dc_geo_session *s, const dc_geo_forward_result *r)
{
    printf("not a registered household: a valid place in %05u ", r->zone.postcode);
    lookup_zone_words(&r->zone);
    printf(", with no household registered at it\n");
    coordinates(r->place.cell.lat, r->place.cell.lon, "cell centre ");
    if (r->nnearby) printf("registered households within %.0f m:\n", DC_GEO_NEARBY_M);
    for (size_t i = 0; i < r->nnearby; i++) {
        char code[DC_CODE_DISPLAY_SIZE];
        dc_code_format(&r->nearby[i].household.code, DC_CODE_DISPLAY, code, sizeof code);
        printf("  %5.1f m  %s  ", r->nearby[i].distance_m, code);
        address(s, &r->nearby[i].household);
        printf("\n");
    }
}

static void outside_text(const dc_geo_forward_result *r)
{
    printf("not a valid code: its place lies outside zone %05u (", r->zone.postcode);
    lookup_zone_words(&r->zone);
    printf(")\n");
    if (r->has_actual_zone) {
        printf("the place lies in zone %05u (", r->actual_zone.postcode);
        lookup_zone_words(&r->actual_zone);
        printf("): did you mean %s?\n", r->corrected.display);
    } else {
        printf("the place lies in no postal zone\n");
    }
    coordinates(r->place.cell.lat, r->place.cell.lon, "place ");
}

/* A code of an earlier edition of the zones: the zone it named, when it
 * ended, and the door's code now. */
static void earlier_text(const dc_geo_forward_result *r)
{
    char until[DC_DATE_SIZE];
    dc_date_format(r->zone_valid_until, until);
    printf("%s code: zone %05u (", r->status == DC_GEO_RETIRED ? "retired" : "an earlier",
           r->zone.postcode);
    lookup_zone_words(&r->zone);
    printf(") was valid until %s\n", until[0] ? until : "further notice");
    if (r->has_current) {
        printf("current code: %s  (zone %05u ", r->current.display,
               r->current_zone.postcode);
        lookup_zone_words(&r->current_zone);
        printf(")\n");
    }
}

static void forward_text(dc_geo_session *s, const char *input,
                         const dc_geo_forward_result *r)
{
    if (r->has_place && r->place.display[0])
        printf("%s  (Plus Code %s)\n", r->place.display, r->place.plus_code);
    if (r->earlier_zone && r->status != DC_GEO_CODE_OUTSIDE_ZONE) earlier_text(r);
    switch (r->status) {
    case DC_GEO_RETIRED:
    case DC_GEO_OK:
        for (size_t i = 0; i < r->nhouseholds; i++)
            household_text(s, &r->households[i], "");
        if (r->household_count > r->nhouseholds)
            printf("... and %u more households at this door\n",
                   r->household_count - (unsigned)r->nhouseholds);
        if (r->status == DC_GEO_RETIRED && !r->nhouseholds)
            printf("no household is registered at this door\n");
        similar_text(s, r);
        break;
    case DC_GEO_UNREGISTERED:
        unregistered_text(s, r);
        break;
    case DC_GEO_CODE_OUTSIDE_ZONE:
        outside_text(r);
        break;
    case DC_GEO_MALFORMED:
        printf("%s: not a code: %s\n", input, r->error.message);
        break;
    case DC_GEO_UNKNOWN_POSTCODE:
        printf("%s: no postal zone has this postcode\n", input);
        break;
    case DC_GEO_OUT_OF_COVERAGE:
        printf("%s: the place lies in no postal zone of this index\n", input);
        coordinates(r->place.cell.lat, r->place.cell.lon, "place ");
        break;
    }
    suggestions_text(s, r);
}

/* ---- JSON ---------------------------------------------------------------- */

/* The writer every --json answer goes through (render.c: the HTTP
 * service's rendering too), one object per line. */
dc_jw lookup_json_out;

void lookup_json_begin(void)
{
    dc_jw_reset(&lookup_json_out);
    dc_jw_object(&lookup_json_out);
}

int lookup_json_print(void)
{
    dc_jw_end(&lookup_json_out);
    int ok = !dc_jw_failed(&lookup_json_out);
    if (ok) {
        fwrite(lookup_json_out.buf, 1, lookup_json_out.len, stdout);
        putchar('\n');
    }
    dc_jw_free(&lookup_json_out);
    return ok;
}

/* ---- reverse answers ------------------------------------------------------ */

/* Defaults of diachi reverse, also for a geo: URI given to lookup. */
#define DEFAULT_RADIUS_M 50.0
#define DEFAULT_LIMIT 10

/* The zone a point would lie in with latitude and longitude swapped (a
 * pasted "lon, lat"): true and @p zone when there is one. */
static bool swapped_zone(dc_geo_session *s, double lat, double lon, dc_zone *zone)
{
    static dc_geo_reverse_result r; /* 11 KB */
    if (!(fabs(lon) <= 90 && fabs(lat) <= 180)) return false;
    if (dc_geo_reverse(s, lon, lat, 0, 0, &r) != DC_OK || r.status != DC_GEO_OK)
        return false;
    *zone = r.zone;
    return true;
}

static void swapped_text(double lat, double lon, const dc_zone *z)
{
    printf("with latitude and longitude swapped, %.7f, %.7f lies in zone %05u ", lon, lat,
           z->postcode);
    lookup_zone_words(z);
    printf(": did you mean diachi reverse %.7f %.7f?\n", lon, lat);
}

static void reverse_text(dc_geo_session *s, const dc_geo_reverse_result *r, double radius,
                         size_t limit)
{
    dc_zone swapped;
    if (r->has_zone) {
        printf("%s  (Plus Code %s)\n", r->place.display, r->place.plus_code);
        printf("in zone %05u ", r->zone.postcode);
        lookup_zone_words(&r->zone);
        printf("\n");
    }
    for (size_t i = 0; i < r->nformer; i++) {
        char until[DC_DATE_SIZE];
        dc_date_format(r->former[i].valid_until, until);
        printf("formerly %s  (zone %05u ", r->former[i].place.display,
               r->former[i].zone.postcode);
        lookup_zone_words(&r->former[i].zone);
        printf(", until %s)\n", until);
    }
    if (!r->has_zone) {
        printf("Plus Code %s: in no postal zone of this index (out of coverage)\n",
               r->plus_code);
        if (swapped_zone(s, r->lat, r->lon, &swapped))
            swapped_text(r->lat, r->lon, &swapped);
    }
    coordinates(r->lat, r->lon, "");
    /* --limit 0 asked for no household: none is not news. */
    if (!r->nneighbours && limit > 0)
        printf("no registered household within %g m\n", radius);
    for (size_t i = 0; i < r->nneighbours; i++) {
        const dc_geo_neighbour *n = &r->neighbours[i];
        char code[DC_CODE_DISPLAY_SIZE];
        dc_code_format(&n->household.code, DC_CODE_DISPLAY, code, sizeof code);
        printf("%7.1f m  %s%s  ", n->distance_m, code,
               n->other_zone ? " (other zone)" : "");
        address(s, &n->household);
        printf("\n");
    }
}

static void swapped_json(dc_geo_session *s, const dc_geo_reverse_result *r)
{
    dc_zone z;
    if (r->has_zone || !swapped_zone(s, r->lat, r->lon, &z)) return;
    dc_jw_key(&lookup_json_out, "swapped");
    dc_jw_object(&lookup_json_out);
    dc_jw_key(&lookup_json_out, "lat");
    dc_jw_fixed(&lookup_json_out, r->lon, 7);
    dc_jw_key(&lookup_json_out, "lon");
    dc_jw_fixed(&lookup_json_out, r->lat, 7);
    dc_jw_key(&lookup_json_out, "postcode");
    dc_jw_postcode(&lookup_json_out, z.postcode);
    dc_jw_end(&lookup_json_out);
}

/* One reverse lookup, printed: the exit code. */
static int reverse_one(dc_geo_session *s, int json, double lat, double lon, double radius,
                       size_t limit)
{
    static dc_geo_reverse_result r; /* 11 KB: not on the stack */
    dc_err e = dc_geo_reverse(s, lat, lon, radius, limit, &r);
    if (e != DC_OK) return lookup_index_failure("reverse", e);
    if (json) {
        lookup_json_begin();
        dc_render_reverse_members(&lookup_json_out, &r, radius, limit);
        swapped_json(s, &r);
        if (!lookup_json_print()) return EXIT_DATA;
    } else {
        reverse_text(s, &r, radius, limit);
    }
    return r.status == DC_GEO_OK ? EXIT_OK : EXIT_NOT_FOUND;
}

/* ---- lookup ------------------------------------------------------------- */

/* "similar_codes": [{"code", "plus_code", "edit", "position", "distance_m",
 * "household_count", "household_id"}], after the engine's members. */
static void similar_json(const dc_geo_forward_result *r)
{
    if (r->status != DC_GEO_OK) return;
    dc_jw_key(&lookup_json_out, "similar_codes");
    dc_jw_array(&lookup_json_out);
    for (size_t i = 0; i < r->nsimilar; i++) {
        const dc_geo_suggestion *sg = &r->similar[i];
        dc_jw_object(&lookup_json_out);
        dc_jw_key(&lookup_json_out, "code");
        dc_jw_cstring(&lookup_json_out, sg->place.display);
        dc_jw_key(&lookup_json_out, "plus_code");
        dc_jw_cstring(&lookup_json_out, sg->place.plus_code);
        dc_jw_key(&lookup_json_out, "edit");
        dc_jw_cstring(&lookup_json_out, dc_geo_edit_name(sg->edit));
        dc_jw_key(&lookup_json_out, "position");
        dc_jw_int(&lookup_json_out, sg->position);
        dc_jw_key(&lookup_json_out, "distance_m");
        dc_jw_fixed(&lookup_json_out, sg->distance_m, 1);
        dc_jw_key(&lookup_json_out, "household_count");
        dc_jw_int(&lookup_json_out, sg->household_count);
        dc_jw_key(&lookup_json_out, "household_id");
        dc_jw_string(&lookup_json_out, sg->household.id.ptr, sg->household.id.len);
        dc_jw_end(&lookup_json_out);
    }
    dc_jw_end(&lookup_json_out);
}

/* What every lookup of one command shares. */
typedef struct lookup_ctx {
    dc_geo_session *s;
    int json;
    bool has_zone;
    dc_zone zone; /* --zone */
    int shown;    /* answers printed, for the blank line between them */
} lookup_ctx;

/* The worse of two exit codes: data > usage > not found > ok. */
static int worse(int a, int b)
{
    return a > b ? a : b;
}

static int forward_one(lookup_ctx *x, const char *input, const char *code, size_t len)
{
    static dc_geo_forward_result r; /* 5 KB: not on the stack */
    dc_err e = dc_geo_forward(x->s, code, len, &r);
    if (e == DC_OK) e = dc_geo_similar(x->s, &r);
    if (e != DC_OK) return lookup_index_failure("lookup", e);
    if (x->json) {
        lookup_json_begin();
        dc_render_forward_members(&lookup_json_out, input, strlen(input), &r);
        similar_json(&r);
        if (!lookup_json_print()) return EXIT_DATA;
    } else {
        forward_text(x->s, input, &r);
    }
    /* A retired code still finds its door. */
    return r.status == DC_GEO_OK || r.status == DC_GEO_RETIRED ? EXIT_OK : EXIT_NOT_FOUND;
}

/* An answer that is not the engine's: "INPUT: why", or its JSON. */
static int refuse(const lookup_ctx *x, const char *input, const char *status,
                  const char *message)
{
    if (x->json) {
        lookup_json_begin();
        dc_jw_key(&lookup_json_out, "input");
        dc_jw_cstring(&lookup_json_out, input);
        dc_jw_key(&lookup_json_out, "status");
        dc_jw_cstring(&lookup_json_out, status);
        dc_jw_key(&lookup_json_out, "message");
        dc_jw_cstring(&lookup_json_out, message);
        return lookup_json_print() ? EXIT_NOT_FOUND : EXIT_DATA;
    }
    printf("%s: %s\n", input, message);
    return EXIT_NOT_FOUND;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* "https://plus.codes/7PH5927C+J93" (the page plus.codes shares): the
 * code, percent-decoded, into @p buf; false for any other text. */
static bool plus_codes_url(const char *text, char *buf, size_t size)
{
    static const char *const prefixes[] = {"https://plus.codes/", "http://plus.codes/",
                                           "plus.codes/", NULL};
    const char *p = NULL;
    for (const char *const *pre = prefixes; *pre && !p; pre++)
        if (strncasecmp(text, *pre, strlen(*pre)) == 0) p = text + strlen(*pre);
    if (!p) return false;
    size_t n = 0;
    for (; *p && *p != '?' && *p != '#' && *p != '/' && n + 1 < size; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0)
            buf[n++] = (char)(hi * 16 + lo), p += 2;
        else
            buf[n++] = *p;
    }
    buf[n] = '\0';
    return true;
}

/* A short Plus Code alone ("92P5+RF5") with --zone: its zone's code when
 * it drops the 4 characters a code does, else the full Plus Code
 * recovered against the zone's reference point. */
static bool with_zone(const lookup_ctx *x, const char *text, char *buf, size_t size)
{
    char full[DC_OLC_SIZE];
    if (!x->has_zone || !dc_olc_is_short(text)) return false;
    if (dc_code_significant(text, strlen(text), NULL, 0) == DC_CODE_LOCATION_CHARS) {
        snprintf(buf, size, "%05u %s", x->zone.postcode, text);
        return true;
    }
    if (dc_olc_recover(text, x->zone.ref_lat_e7 / 1e7, x->zone.ref_lon_e7 / 1e7, full,
                       sizeof full) != DC_OK)
        return false;
    snprintf(buf, size, "%s", full);
    return true;
}

static int geo_uri_one(lookup_ctx *x, const char *text)
{
    double lat, lon;
    dc_error err = {0};
    if (dc_geo_point_parse(text, strlen(text), &lat, &lon, &err) != DC_OK)
        return refuse(x, text, "malformed", err.message);
    if (!(fabs(lat) <= 90 && fabs(lon) <= 180))
        return refuse(x, text, "malformed",
                      "latitude must be in -90..90 and longitude in -180..180");
    return reverse_one(x->s, x->json, lat, lon, DEFAULT_RADIUS_M, DEFAULT_LIMIT);
}

/* A short Plus Code and a locality ("92P5+RF5 Mường Thanh, Điện Biên"):
 * -1 when @p text is not one, else the exit code of its answer. */
static int short_with_locality(lookup_ctx *x, const char *text)
{
    char full[DC_OLC_SIZE];
    dc_err e = dc_geo_resolve_short(x->s, text, strlen(text), full, sizeof full, NULL);
    if (e == DC_E_OLC_NOT_SHORT || e == DC_E_OLC_INVALID) return -1;
    if (e == DC_E_NOT_FOUND)
        return refuse(x, text, "unknown_locality",
                      "a short Plus Code needs a place this index knows: give a zone, "
                      "district or province name after it, or --zone POSTCODE");
    if (e != DC_OK) return lookup_index_failure("lookup", e);
    return forward_one(x, text, full, strlen(full));
}

/* One input in any form people paste: the exit code of its answer. */
static int lookup_one(lookup_ctx *x, const char *text)
{
    char buf[512];
    int rc;
    if (x->shown++ > 0 && !x->json) printf("\n");
    if (strncasecmp(text, "geo:", 4) == 0) return geo_uri_one(x, text);
    if (plus_codes_url(text, buf, sizeof buf))
        return forward_one(x, text, buf, strlen(buf));
    if (with_zone(x, text, buf, sizeof buf))
        return forward_one(x, text, buf, strlen(buf));
    if (!x->has_zone && strchr(text, '+') && (rc = short_with_locality(x, text)) >= 0)
        return rc;
    return forward_one(x, text, text, strlen(text));
}

/* Codes from stdin, one a line (CR LF too); blank lines are skipped. */
static int lookup_stdin(lookup_ctx *x)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = EXIT_OK;
    while (rc < EXIT_DATA && (n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (strspn(line, " \t") == (size_t)n) continue;
        rc = worse(rc, lookup_one(x, line));
    }
    free(line);
    return rc;
}

static bool has_digit(const char *s)
{
    return strpbrk(s, "0123456789") != NULL;
}

/* Arguments that make one input. "32101 92P5+RF5" typed without quotes
 * arrives as two: a lone 5-digit postcode joins the argument after it.
 * "92P5+RF5 Mường Thanh, Điện Biên" arrives as several: a short Plus Code
 * takes the arguments after it that hold no digit (its locality). */
static const char *next_input(const lookup_args *a, int *i, char *buf, size_t size)
{
    const char *p = a->positional[*i];
    if (strlen(p) == 5 && strspn(p, "0123456789") == 5 && *i + 1 < a->npositional &&
        !(a->positional[*i + 1][0] >= '0' && a->positional[*i + 1][0] <= '9' &&
          strlen(a->positional[*i + 1]) == 5)) {
        snprintf(buf, size, "%s %s", p, a->positional[*i + 1]);
        ++*i;
        return buf;
    }
    if (a->zone || !dc_olc_is_short(p) || *i + 1 >= a->npositional ||
        has_digit(a->positional[*i + 1]))
        return p;
    size_t n = (size_t)snprintf(buf, size, "%s", p);
    while (*i + 1 < a->npositional && !has_digit(a->positional[*i + 1]) && n < size)
        n += (size_t)snprintf(buf + n, size - n, " %s", a->positional[++*i]);
    return buf;
}

/* --zone POSTCODE: -1 when fine (or not given), else the exit code. */
static int zone_option(const lookup_args *a, lookup_ctx *x)
{
    uint32_t postcode;
    dc_error err = {0};
    if (!a->zone) return -1;
    if (dc_postcode_parse(a->zone, strlen(a->zone), &postcode, &err) != DC_OK)
        return usage_error("lookup", "--zone: %s", err.message);
    dc_err e = dc_geo_zone(x->s, postcode, &x->zone);
    if (e == DC_E_NOT_FOUND) {
        fprintf(stderr, "diachi lookup: no postal zone has postcode %05u\n", postcode);
        return EXIT_NOT_FOUND;
    }
    if (e != DC_OK) return lookup_index_failure("lookup", e);
    x->has_zone = true;
    return -1;
}

static int lookup_all(const lookup_args *a, lookup_ctx *x)
{
    int rc = zone_option(a, x);
    if (rc >= 0) return rc;
    rc = EXIT_OK;
    for (int i = 0; i < a->npositional && rc < EXIT_DATA; i++) {
        char buf[1024];
        if (strcmp(a->positional[i], "-") == 0) {
            rc = worse(rc, lookup_stdin(x));
            continue;
        }
        rc = worse(rc, lookup_one(x, next_input(a, &i, buf, sizeof buf)));
    }
    return rc;
}

int cmd_lookup(const command *cmd, int argc, char **argv)
{
    lookup_args a = {0};
    lookup_ctx x = {0};
    dc_geo *geo;
    int rc = lookup_parse_args(argc, argv, cmd, OPT_ZONE, &a);
    if (rc >= 0) return rc;
    if (a.npositional == 0) return usage_error("lookup", "%s", "no code given");
    if ((rc = lookup_open_geo("lookup", &a, &geo, &x.s)) >= 0) return rc;
    x.json = a.common.json;
    rc = lookup_all(&a, &x);
    dc_geo_session_end(x.s);
    dc_geo_close(geo);
    return rc;
}

/* ---- reverse ------------------------------------------------------------ */

/* The positional arguments as one text: "21.39," "103.02" -> "21.39, 103.02". */
void lookup_joined(const lookup_args *a, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < a->npositional && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "", a->positional[i]);
}

/* A point outside the globe's ranges: say so, and what the point is when
 * read the other way round. The exit code. */
static int out_of_range(dc_geo_session *s, const char *text, double lat, double lon)
{
    dc_zone z;
    fprintf(stderr,
            "diachi reverse: %s: latitude must be in -90..90 and longitude in "
            "-180..180\n",
            text);
    if (swapped_zone(s, lat, lon, &z)) {
        fprintf(stderr,
                "with latitude and longitude swapped, %.7f, %.7f lies in zone %05u: "
                "did you mean diachi reverse %.7f %.7f?\n",
                lon, lat, z.postcode, lon, lat);
    }
    return EXIT_USAGE;
}

/* --radius and --limit: -1 when fine, else the exit code. */
static int search_options(const lookup_args *a, double *radius, double *limit)
{
    if (a->radius && !parse_double(a->radius, 0, DC_GEO_MAX_RADIUS_M, radius))
        return usage_error("reverse", "--radius %s is not a number of metres in 0..1000",
                           a->radius);
    if (a->limit && (!parse_double(a->limit, 0, DC_GEO_MAX_NEIGHBOURS, limit) ||
                     *limit != floor(*limit)))
        return usage_error("reverse", "--limit %s is not a whole number in 0..100",
                           a->limit);
    return -1;
}

int cmd_reverse(const command *cmd, int argc, char **argv)
{
    lookup_args a = {0};
    double lat, lon, radius = DEFAULT_RADIUS_M, limit = DEFAULT_LIMIT;
    dc_geo *geo;
    dc_geo_session *s;
    dc_error err = {0};
    char text[1024];
    int rc = lookup_parse_args(argc, argv, cmd, OPT_SEARCH, &a);
    if (rc >= 0) return rc;
    if (a.npositional == 0) return usage_error("reverse", "%s", "give LAT and LON");
    lookup_joined(&a, text, sizeof text);
    if (dc_geo_point_parse(text, strlen(text), &lat, &lon, &err) != DC_OK)
        return usage_error("reverse", "%s", err.message);
    if ((rc = search_options(&a, &radius, &limit)) >= 0) return rc;
    if ((rc = lookup_open_geo("reverse", &a, &geo, &s)) >= 0) return rc;
    if (!(fabs(lat) <= 90 && fabs(lon) <= 180))
        rc = out_of_range(s, text, lat, lon);
    else
        rc = reverse_one(s, a.common.json, lat, lon, radius, (size_t)limit);
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return rc;
}
