/*
 * cli_lookup.c - diachi lookup, reverse and zone: the engine's answers for
 * a postal worker (the address in Vietnamese order, coordinates, a geo:
 * URI a phone opens in its map app) or for a program (--json, one object
 * per line).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "src/render.h"

/* ---- arguments ---------------------------------------------------------- */

#define MAX_POSITIONAL 4096

typedef struct lookup_args {
    index_args common;
    const char *positional[MAX_POSITIONAL];
    int npositional;
    const char *radius, *limit;
} lookup_args;

/* A negative number is an argument, not an option. */
static int is_number(const char *a)
{
    return (a[0] == '-' || a[0] == '+') && ((a[1] >= '0' && a[1] <= '9') || a[1] == '.');
}

/* Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, const command *cmd, int with_search,
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
                   (with_search &&
                    ((taken = take_option(argc, argv, &i, "--radius", &out->radius)) ||
                     (taken = take_option(argc, argv, &i, "--limit", &out->limit))))) {
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
static int open_geo(const char *cmd, const char *path, dc_geo **geo, dc_geo_session **s)
{
    dc_error err = {0};
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
    return -1;
}

static int index_failure(const char *cmd, dc_err rc)
{
    fprintf(stderr, "diachi %s: the index cannot answer: %s (%s)\n", cmd, dc_strerror(rc),
            dc_err_name(rc));
    return EXIT_DATA;
}

/* ---- human output ------------------------------------------------------- */

/* "phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên": the zone's words
 * as an address ends. */
static void zone_words(const dc_zone *z)
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

static void unregistered_text(dc_geo_session *s, const dc_geo_forward_result *r)
{
    printf("not a registered household: a valid place in %05u ", r->zone.postcode);
    zone_words(&r->zone);
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
    zone_words(&r->zone);
    printf(")\n");
    if (r->has_actual_zone) {
        printf("the place lies in zone %05u (", r->actual_zone.postcode);
        zone_words(&r->actual_zone);
        printf("): did you mean %s?\n", r->corrected.display);
    } else {
        printf("the place lies in no postal zone\n");
    }
    coordinates(r->place.cell.lat, r->place.cell.lon, "place ");
}

static void forward_text(dc_geo_session *s, const char *input,
                         const dc_geo_forward_result *r)
{
    if (r->has_place && r->place.display[0])
        printf("%s  (Plus Code %s)\n", r->place.display, r->place.plus_code);
    switch (r->status) {
    case DC_GEO_OK:
        for (size_t i = 0; i < r->nhouseholds; i++)
            household_text(s, &r->households[i], "");
        if (r->household_count > r->nhouseholds)
            printf("... and %u more households at this door\n",
                   r->household_count - (unsigned)r->nhouseholds);
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
static dc_jw json_out;

static void json_begin(void)
{
    dc_jw_reset(&json_out);
    dc_jw_object(&json_out);
}

static int json_print(void)
{
    dc_jw_end(&json_out);
    int ok = !dc_jw_failed(&json_out);
    if (ok) {
        fwrite(json_out.buf, 1, json_out.len, stdout);
        putchar('\n');
    }
    dc_jw_free(&json_out);
    return ok;
}

/* ---- lookup ------------------------------------------------------------- */

/* "32101 92P9+F5C" typed without quotes arrives as two arguments: a lone
 * 5-digit postcode joins the argument after it. */
static const char *next_code(const lookup_args *a, int *i, char *buf, size_t size)
{
    const char *p = a->positional[*i];
    if (strlen(p) == 5 && strspn(p, "0123456789") == 5 && *i + 1 < a->npositional &&
        !(a->positional[*i + 1][0] >= '0' && a->positional[*i + 1][0] <= '9' &&
          strlen(a->positional[*i + 1]) == 5)) {
        snprintf(buf, size, "%s %s", p, a->positional[*i + 1]);
        ++*i;
        return buf;
    }
    return p;
}

int cmd_lookup(int argc, char **argv)
{
    static dc_geo_forward_result r; /* 5 KB: not on the stack */
    lookup_args a = {0};
    dc_geo *geo;
    dc_geo_session *s;
    int rc = parse_args(argc, argv, find_command("lookup"), 0, &a);
    if (rc >= 0) return rc;
    if (a.npositional == 0) return usage_error("lookup", "%s", "no code given");
    if ((rc = open_geo("lookup", a.common.index, &geo, &s)) >= 0) return rc;
    rc = EXIT_OK;
    for (int i = 0, shown = 0; i < a.npositional; i++, shown++) {
        char buf[512];
        const char *code = next_code(&a, &i, buf, sizeof buf);
        dc_err e = dc_geo_forward(s, code, strlen(code), &r);
        if (e != DC_OK) {
            rc = index_failure("lookup", e);
            break;
        }
        if (a.common.json) {
            json_begin();
            dc_render_forward_members(&json_out, code, strlen(code), &r);
            if (!json_print()) rc = EXIT_DATA;
        } else {
            if (shown > 0) printf("\n");
            forward_text(s, code, &r);
        }
        if (r.status != DC_GEO_OK && rc == EXIT_OK) rc = EXIT_NOT_FOUND;
    }
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return rc;
}

/* ---- reverse ------------------------------------------------------------ */

static void reverse_text(dc_geo_session *s, const dc_geo_reverse_result *r, double radius)
{
    if (r->has_zone) {
        printf("%s  (Plus Code %s)\n", r->place.display, r->place.plus_code);
        printf("in zone %05u ", r->zone.postcode);
        zone_words(&r->zone);
        printf("\n");
    } else {
        printf("Plus Code %s: in no postal zone of this index (out of coverage)\n",
               r->plus_code);
    }
    coordinates(r->lat, r->lon, "");
    if (!r->nneighbours) printf("no registered household within %g m\n", radius);
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

int cmd_reverse(int argc, char **argv)
{
    static dc_geo_reverse_result r; /* 11 KB */
    lookup_args a = {0};
    double lat, lon, radius = 50, limit = 10;
    dc_geo *geo;
    dc_geo_session *s;
    int rc = parse_args(argc, argv, find_command("reverse"), 1, &a);
    if (rc >= 0) return rc;
    if (a.npositional != 2) return usage_error("reverse", "%s", "give LAT and LON");
    if (!parse_double(a.positional[0], -90, 90, &lat))
        return usage_error("reverse", "latitude %s is not a number in -90..90",
                           a.positional[0]);
    if (!parse_double(a.positional[1], -180, 180, &lon))
        return usage_error("reverse", "longitude %s is not a number in -180..180",
                           a.positional[1]);
    if (a.radius && !parse_double(a.radius, 0, DC_GEO_MAX_RADIUS_M, &radius))
        return usage_error("reverse", "--radius %s is not a number of metres in 0..1000",
                           a.radius);
    if (a.limit && (!parse_double(a.limit, 0, DC_GEO_MAX_NEIGHBOURS, &limit) ||
                    limit != floor(limit)))
        return usage_error("reverse", "--limit %s is not a whole number in 0..100",
                           a.limit);
    if ((rc = open_geo("reverse", a.common.index, &geo, &s)) >= 0) return rc;
    dc_err e = dc_geo_reverse(s, lat, lon, radius, (size_t)limit, &r);
    if (e != DC_OK)
        rc = index_failure("reverse", e);
    else if (a.common.json) {
        json_begin();
        dc_render_reverse_members(&json_out, &r, radius, (size_t)limit);
        rc = json_print() ? EXIT_OK : EXIT_DATA;
    } else
        reverse_text(s, &r, radius), rc = EXIT_OK;
    if (rc == EXIT_OK && r.status != DC_GEO_OK) rc = EXIT_NOT_FOUND;
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return rc;
}

/* ---- zone ---------------------------------------------------------------- */

/* Rings and vertices of a polygon, for the text summary. */
static void polygon_counts(const dc_polygon *p, uint32_t *rings, uint32_t *points)
{
    dc_ring ring;
    size_t off = 0;
    *rings = *points = 0;
    while (dc_polygon_next_ring(p, &off, &ring)) {
        (*rings)++;
        *points += ring.npoints;
    }
}

static void zone_text(const dc_zone *z)
{
    uint32_t rings, points;
    polygon_counts(&z->polygon, &rings, &points);
    printf("%05u ", z->postcode);
    zone_words(z);
    printf("\nhouseholds   %u\n", z->household_count);
    printf("commune code %.*s\n", (int)z->commune_code.len, z->commune_code.ptr);
    printf("reference    %.7f, %.7f\n", z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7);
    printf("bbox         %.7f %.7f %.7f %.7f (south west north east)\n",
           z->south_e7 / 1e7, z->west_e7 / 1e7, z->north_e7 / 1e7, z->east_e7 / 1e7);
    printf("polygon      %u rings, %u points (--json for the coordinates)\n", rings,
           points);
}

int cmd_zone(int argc, char **argv)
{
    lookup_args a = {0};
    dc_geo *geo;
    dc_geo_session *s;
    dc_zone z;
    int rc = parse_args(argc, argv, find_command("zone"), 0, &a);
    if (rc >= 0) return rc;
    if (a.npositional != 1) return usage_error("zone", "%s", "give one POSTCODE");
    const char *pc = a.positional[0];
    if (strlen(pc) != 5 || strspn(pc, "0123456789") != 5)
        return usage_error("zone", "postcode %s is not 5 digits", pc);
    if ((rc = open_geo("zone", a.common.index, &geo, &s)) >= 0) return rc;
    dc_err e = dc_geo_zone(s, (uint32_t)strtoul(pc, NULL, 10), &z);
    if (e == DC_E_NOT_FOUND) {
        if (a.common.json) {
            json_begin();
            dc_jw_key(&json_out, "postcode");
            dc_jw_cstring(&json_out, pc);
            dc_jw_key(&json_out, "status");
            dc_jw_cstring(&json_out, "unknown_postcode");
            json_print();
        } else
            printf("%s: no postal zone has this postcode\n", pc);
        rc = EXIT_NOT_FOUND;
    } else if (e != DC_OK) {
        rc = index_failure("zone", e);
    } else if (a.common.json) {
        json_begin();
        dc_render_zone_members(&json_out, &z, true);
        rc = json_print() ? EXIT_OK : EXIT_DATA;
    } else {
        zone_text(&z);
        rc = EXIT_OK;
    }
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return rc;
}
