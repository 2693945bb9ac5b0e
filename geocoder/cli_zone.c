/*
 * cli_zone.c - diachi zone: a postal zone by its postcode, the current
 * edition's or an earlier one's, with what it came from or became (the
 * history table); text for a person, --json for a program.
 */
#include <stdio.h>
#include <string.h>

#include "cli_lookup.h"
#include "diachi/history.h"
#include "src/render.h"

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
    lookup_zone_words(z);
    printf("\nhouseholds   %u\n", z->household_count);
    printf("commune code %.*s\n", (int)z->commune_code.len, z->commune_code.ptr);
    printf("reference    %.7f, %.7f\n", z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7);
    printf("bbox         %.7f %.7f %.7f %.7f (south west north east)\n",
           z->south_e7 / 1e7, z->west_e7 / 1e7, z->north_e7 / 1e7, z->east_e7 / 1e7);
    printf("polygon      %u rings, %u points (--json for the coordinates)\n", rings,
           points);
}

/* The postcode, read as leniently as a code ("32 101", which unquoted
 * arrives as two arguments): -1 when read, else the exit code. */
static int zone_postcode(const lookup_args *a, uint32_t *postcode)
{
    char text[256];
    dc_error err = {0};
    if (a->npositional == 0) return usage_error("zone", "%s", "give one POSTCODE");
    lookup_joined(a, text, sizeof text);
    if (dc_postcode_parse(text, strlen(text), postcode, &err) != DC_OK)
        return usage_error("zone", "postcode: %s", err.message);
    return -1;
}

/* What a current zone came from, by the history table. */
static void former_text(dc_geo_session *s, const dc_zone *z)
{
    dc_history_row rows[64];
    size_t n = 0;
    char day[DC_DATE_SIZE];
    if (dc_index_history_to(dc_geo_session_txn(s), z->postcode, rows, 64, &n) != DC_OK)
        n = 0;
    for (size_t i = 0; i < n && i < 64; i++) {
        dc_date_format(rows[i].date, day);
        printf("formerly %05u (%s, %s)\n", rows[i].old_postcode,
               dc_history_kind_name(rows[i].kind), day);
    }
}

/* A postcode of an earlier edition: the zone, its last day, what it
 * became. The exit code. */
static int earlier_zone_answer(dc_geo_session *s, const dc_zone *z, int32_t until,
                               bool json)
{
    if (json) {
        lookup_json_begin();
        dc_render_earlier_zone_members(&lookup_json_out, s, z, until);
        return lookup_json_print() ? EXIT_OK : EXIT_DATA;
    }
    char day[DC_DATE_SIZE];
    dc_history_row rows[16];
    size_t n = 0;
    dc_date_format(until, day);
    zone_text(z);
    printf("retired: valid until %s\n", day[0] ? day : "further notice");
    if (dc_index_history(dc_geo_session_txn(s), z->postcode, rows, 16, &n) != DC_OK)
        n = 0;
    for (size_t i = 0; i < n && i < 16; i++) {
        dc_date_format(rows[i].date, day);
        printf("became %05u (%s, %s)\n", rows[i].new_postcode,
               dc_history_kind_name(rows[i].kind), day);
    }
    return EXIT_OK;
}

int cmd_zone(const command *cmd, int argc, char **argv)
{
    lookup_args a = {0};
    dc_geo *geo;
    dc_geo_session *s;
    dc_zone z;
    int rc = lookup_parse_args(argc, argv, cmd, 0, &a);
    if (rc >= 0) return rc;
    char pc[8];
    uint32_t postcode;
    if ((rc = zone_postcode(&a, &postcode)) >= 0) return rc;
    snprintf(pc, sizeof pc, "%05u", postcode);
    if ((rc = lookup_open_geo("zone", &a, &geo, &s)) >= 0) return rc;
    int32_t until;
    dc_err e = dc_geo_zone(s, postcode, &z);
    if (e == DC_E_NOT_FOUND && dc_geo_earlier_zone(s, postcode, &z, &until) == DC_OK) {
        rc = earlier_zone_answer(s, &z, until, a.common.json);
    } else if (e == DC_E_NOT_FOUND) {
        if (a.common.json) {
            lookup_json_begin();
            dc_jw_key(&lookup_json_out, "postcode");
            dc_jw_cstring(&lookup_json_out, pc);
            dc_jw_key(&lookup_json_out, "status");
            dc_jw_cstring(&lookup_json_out, "unknown_postcode");
            lookup_json_print();
        } else
            printf("%s: no postal zone has this postcode\n", pc);
        rc = EXIT_NOT_FOUND;
    } else if (e != DC_OK) {
        rc = lookup_index_failure("zone", e);
    } else if (a.common.json) {
        lookup_json_begin();
        dc_render_zone_members(&lookup_json_out, &z, true);
        dc_render_zone_former(&lookup_json_out, s, &z);
        rc = lookup_json_print() ? EXIT_OK : EXIT_DATA;
    } else {
        zone_text(&z);
        former_text(s, &z);
        rc = EXIT_OK;
    }
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return rc;
}
