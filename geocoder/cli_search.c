/*
 * cli_search.c - diachi search: a written address to the households,
 * streets, groups and zones it names (diachi/search.h), for a postal
 * worker (one answer a line, best first, with the parts the query was
 * read as) or a program (--json: the HTTP service's answer); with
 * --complete, the autocomplete of the last word instead.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diachi/search.h"
#include "src/render.h"

#define MAX_WORDS 256

typedef struct search_args {
    index_args common;
    const char *words[MAX_WORDS];
    int nwords;
    const char *limit, *near;
    int complete;
} search_args;

/* Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, const command *cmd, search_args *out)
{
    for (int i = 1, taken; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(cmd->help, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            out->common.json = 1;
        } else if (strcmp(a, "--complete") == 0) {
            out->complete = 1;
        } else if ((taken = take_option(argc, argv, &i, "--index", &out->common.index)) ||
                   (taken = take_option(argc, argv, &i, "--limit", &out->limit)) ||
                   (taken = take_option(argc, argv, &i, "--near", &out->near))) {
            if (taken < 0) return usage_error(cmd->name, "%s needs a value", a);
        } else if (a[0] == '-' && a[1] == '-') {
            return usage_error(cmd->name, "unknown option: %s", a);
        } else if (out->nwords == MAX_WORDS) {
            return usage_error(cmd->name, "%s", "too many arguments");
        } else {
            out->words[out->nwords++] = a;
        }
    }
    if (!out->common.index) out->common.index = getenv("DIACHI_INDEX");
    if (!out->common.index || !out->common.index[0])
        return usage_error(cmd->name, "%s",
                           "no index: give --index PATH or set DIACHI_INDEX");
    if (out->nwords == 0)
        return usage_error(cmd->name, "%s", "give the address to search for");
    return -1;
}

/* The words as one query, as a shell splits "12 Võ Nguyên Giáp" unquoted. */
static int joined(const search_args *a, char *buf, size_t size, size_t *len)
{
    size_t n = 0;
    for (int i = 0; i < a->nwords; i++) {
        size_t w = strlen(a->words[i]);
        if (n + w + 2 > size) return 0;
        if (i) buf[n++] = ' ';
        memcpy(buf + n, a->words[i], w);
        n += w;
    }
    buf[n] = '\0';
    *len = n;
    return 1;
}

/* --limit and --near: -1 when fine, else the exit code. */
static int options(const search_args *a, dc_search_options *opt)
{
    char *end;
    if (a->limit) {
        errno = 0;
        long v = strtol(a->limit, &end, 10);
        if (errno || end == a->limit || *end || v < 1 || v > DC_SEARCH_MAX_RESULTS)
            return usage_error("search", "--limit %s is not a whole number in 1..100",
                               a->limit);
        opt->limit = (size_t)v;
    }
    if (a->near) {
        dc_error err = {0};
        if (dc_geo_point_parse(a->near, strlen(a->near), &opt->near_lat, &opt->near_lon,
                               &err) != DC_OK ||
            !(fabs(opt->near_lat) <= 90 && fabs(opt->near_lon) <= 180))
            return usage_error("search", "--near %s is not a point LAT,LON in degrees",
                               a->near);
        opt->near = true;
    }
    return -1;
}

static int open_geo(const char *path, dc_geo **geo, dc_geo_session **s)
{
    dc_error err = {0};
    dc_err rc = dc_geo_open(path, geo, &err);
    if (rc != DC_OK) {
        fprintf(stderr, "diachi search: %s\n", err.message);
        return EXIT_DATA;
    }
    rc = dc_geo_session_begin(*geo, s);
    if (rc != DC_OK) {
        fprintf(stderr, "diachi search: %s: %s\n", path, dc_strerror(rc));
        dc_geo_close(*geo);
        return EXIT_DATA;
    }
    return -1;
}

static int print_json(dc_jw *w)
{
    int ok = !dc_jw_failed(w);
    if (ok) {
        fwrite(w->buf, 1, w->len, stdout);
        putchar('\n');
    }
    return ok;
}

/* ---- human output ------------------------------------------------------- */

static void parts_text(const dc_search_result *r)
{
    printf("read as:");
    for (size_t i = 0; i < r->nparts; i++)
        printf("%s %s \"%.*s\"%s", i ? "," : "", r->parts[i].kind,
               (int)r->parts[i].text.len, r->parts[i].text.ptr,
               r->parts[i].guess ? " (guessed)" : "");
    putchar('\n');
}

/* An answer found through a former name: the address as it was. */
static void former_text(const dc_search_hit *h, const dc_household *d, char *text,
                        size_t size)
{
    char until[DC_DATE_SIZE];
    if (!h->has_former_zone) {
        printf("   former: %.*s%s%.*s\n", (int)h->former_district.len,
               h->former_district.ptr ? h->former_district.ptr : "",
               h->former_district.len && h->former_province.len ? ", " : "",
               (int)h->former_province.len,
               h->former_province.ptr ? h->former_province.ptr : "");
        return;
    }
    dc_date_format(h->former_until, until);
    dc_geo_address(d, &h->former_zone.zone, text, size);
    printf("   former: %s (%05u, until %s)\n", text, h->former_zone.zone.postcode,
           until[0] ? until : "now");
}

static void hit_text(const dc_search_result *r, size_t i)
{
    const dc_search_hit *h = &r->hits[i];
    char text[2048];
    dc_household place;
    memset(&place, 0, sizeof place);
    place.house_number = place.street = place.group = (dc_str){"", 0};
    if (h->match == DC_SEARCH_STREET) place.street = h->name;
    if (h->match == DC_SEARCH_GROUP) place.group = h->name;
    const dc_household *d = h->match == DC_SEARCH_HOUSEHOLD ? &h->household
                            : h->match == DC_SEARCH_ZONE    ? NULL
                                                            : &place;
    dc_geo_address(d, &h->zone, text, sizeof text);
    printf("%zu. %-9s %.3f  %s\n", i + 1, dc_search_match_name(h->match), h->score, text);
    if (h->match == DC_SEARCH_HOUSEHOLD) {
        char code[DC_CODE_DISPLAY_SIZE] = "";
        dc_code_format(&h->household.code, DC_CODE_DISPLAY, code, sizeof code);
        printf("   %s   Hộ %.*s", code, (int)h->household.id.len, h->household.id.ptr);
    } else {
        printf("   %u households", h->household_count);
    }
    printf("   %.7f, %.7f", h->lat_e7 / 1e7, h->lon_e7 / 1e7);
    if (h->distance_m >= 0) printf("   %.0f m away", h->distance_m);
    printf("\n   matched:");
    for (size_t p = 0; p < r->nparts; p++)
        printf(" %s %s%s", r->parts[p].kind, dc_search_how_name((dc_search_how)h->how[p]),
               p + 1 < r->nparts ? "," : "");
    putchar('\n');
    if (h->former) former_text(h, d, text, sizeof text);
}

static int search_one(dc_geo_session *s, const search_args *a, const char *q, size_t len,
                      const dc_search_options *opt)
{
    dc_error err = {0};
    dc_search_result *r = malloc(sizeof *r);
    if (!r) return EXIT_DATA;
    dc_err rc = dc_search(s, q, len, opt, r, &err);
    int exit = EXIT_OK;
    if (rc >= DC_E_TEXT_UTF8 && rc <= DC_E_TEXT_EMPTY) {
        fprintf(stderr, "diachi search: bad query: %s\n", err.message);
        exit = EXIT_USAGE;
    } else if (rc != DC_OK) {
        fprintf(stderr, "diachi search: the index cannot answer: %s (%s)\n",
                dc_strerror(rc), dc_err_name(rc));
        exit = EXIT_DATA;
    } else if (a->common.json) {
        dc_jw w;
        dc_jw_init(&w);
        dc_jw_object(&w);
        dc_render_search_members(&w, q, len, opt, r);
        dc_jw_end(&w);
        if (!print_json(&w)) exit = EXIT_DATA;
        dc_jw_free(&w);
    } else {
        parts_text(r);
        if (r->nhits == 0) printf("nothing matches\n");
        for (size_t i = 0; i < r->nhits; i++)
            hit_text(r, i);
    }
    if (exit == EXIT_OK && r->nhits == 0) exit = EXIT_NOT_FOUND;
    free(r);
    return exit;
}

static int complete_one(dc_geo_session *s, const search_args *a, const char *q,
                        size_t len)
{
    dc_error err = {0};
    dc_complete_result *r = malloc(sizeof *r);
    if (!r) return EXIT_DATA;
    dc_err rc = dc_search_complete(s, q, len, r, &err);
    int exit = EXIT_OK;
    if (rc >= DC_E_TEXT_UTF8 && rc <= DC_E_TEXT_EMPTY) {
        fprintf(stderr, "diachi search: bad query: %s\n", err.message);
        exit = EXIT_USAGE;
    } else if (rc != DC_OK) {
        fprintf(stderr, "diachi search: the index cannot answer: %s (%s)\n",
                dc_strerror(rc), dc_err_name(rc));
        exit = EXIT_DATA;
    } else if (a->common.json) {
        dc_jw w;
        dc_jw_init(&w);
        dc_jw_object(&w);
        dc_render_complete_members(&w, q, len, r);
        dc_jw_end(&w);
        if (!print_json(&w)) exit = EXIT_DATA;
        dc_jw_free(&w);
    } else {
        for (size_t i = 0; i < r->nanswers; i++)
            printf("%s\t%s\t%u\n", r->answers[i].text,
                   dc_entity_kind_name(r->answers[i].kind),
                   r->answers[i].household_count);
    }
    if (exit == EXIT_OK && r->nanswers == 0) exit = EXIT_NOT_FOUND;
    free(r);
    return exit;
}

int cmd_search(const command *cmd, int argc, char **argv)
{
    search_args a = {0};
    dc_search_options opt = {0};
    dc_geo *geo;
    dc_geo_session *s;
    char q[DC_TEXT_MAX_BYTES * 4];
    size_t len;
    int rc = parse_args(argc, argv, cmd, &a);
    if (rc >= 0) return rc;
    if (!joined(&a, q, sizeof q, &len))
        return usage_error("search", "%s", "the query is over 4096 bytes");
    if ((rc = options(&a, &opt)) >= 0) return rc;
    if ((rc = open_geo(a.common.index, &geo, &s)) >= 0) return rc;
    rc = a.complete ? complete_one(s, &a, q, len) : search_one(s, &a, q, len, &opt);
    dc_geo_session_end(s);
    dc_geo_close(geo);
    return rc;
}
