/*
 * cli_index.c - the index-level subcommands of the diachi command: info
 * (an index's metadata, as text or JSON) and check (every record verified).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "diachi/history.h"

/*
 * Parse "[INDEX] [--index PATH] [--json] [--help]". The index comes from
 * the argument, else --index, else $DIACHI_INDEX. Returns -1 to go on, or
 * the exit code (help printed, or a usage error).
 */
static int parse_index_args(int argc, char **argv, const command *cmd, int allow_json,
                            index_args *out)
{
    const char *positional = NULL, *option = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(cmd->help, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--json") == 0 && allow_json) {
            out->json = 1;
        } else if (strcmp(a, "--index") == 0) {
            if (++i == argc) return usage_error(cmd->name, "%s needs a path", a);
            option = argv[i];
        } else if (strncmp(a, "--index=", 8) == 0) {
            option = a + 8;
        } else if (a[0] == '-' && a[1]) {
            return usage_error(cmd->name, "unknown option %s", a);
        } else if (positional) {
            return usage_error(cmd->name, "unexpected argument %s", a);
        } else {
            positional = a;
        }
    }
    out->index = positional ? positional : option ? option : getenv("DIACHI_INDEX");
    if (!out->index || !out->index[0])
        return usage_error(cmd->name, "%s",
                           "no index: give INDEX, --index PATH or DIACHI_INDEX");
    return -1;
}

static int open_index(const char *cmd, const char *path, dc_index **idx)
{
    dc_error err = {0};
    dc_err rc = dc_index_open(path, idx, &err);
    if (rc == DC_OK) return -1;
    fprintf(stderr, "diachi %s: %s\n", cmd, err.message);
    return exit_code_of(rc);
}

/* ---- info --------------------------------------------------------------- */

static void iso_time(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%lld", (long long)t);
}

static void print_info_text(const char *path, const dc_index_meta *m)
{
    char when[64];
    iso_time(m->build_time, when, sizeof when);
    printf("index            %s\n", path);
    printf("format version   %u\n", m->format_version);
    printf("code scheme      %u\n", m->code_scheme);
    printf("built            %s\n", when);
    printf("zones            %llu\n", (unsigned long long)m->zones);
    printf("households       %llu\n", (unsigned long long)m->households);
    printf("codes            %llu\n", (unsigned long long)m->codes);
    printf("bbox             %.7f %.7f %.7f %.7f (south west north east)\n",
           m->south_e7 / 1e7, m->west_e7 / 1e7, m->north_e7 / 1e7, m->east_e7 / 1e7);
    printf("fingerprint      %s\n", m->fingerprint_hex);
    printf("file size        %llu bytes\n", (unsigned long long)m->file_bytes);
    printf("sources\n");
    for (const char *s = m->sources; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        printf("  %.*s\n", (int)len, s);
        s += len + (nl ? 1 : 0);
    }
}

/* The editions of the zone map, when the index has them. */
static void print_editions_text(const dc_index *idx)
{
    const dc_edition *ed;
    size_t n = dc_index_editions(idx, &ed);
    if (!n) return;
    printf("editions         %zu (the last is current)\n", n);
    for (size_t i = 0; i < n; i++) {
        char from[DC_DATE_SIZE], until[DC_DATE_SIZE];
        dc_date_format(ed[i].valid_from, from);
        dc_date_format(ed[i].valid_until, until);
        printf("  %u  %-10s .. %-10s  %u zones  %.*s\n", ed[i].number,
               from[0] ? from : "(always)", until[0] ? until : "(now)", ed[i].zones,
               (int)ed[i].source.len, ed[i].source.ptr);
    }
}

static json_t *date_json(int32_t day)
{
    char text[DC_DATE_SIZE];
    dc_date_format(day, text);
    return text[0] ? json_string(text) : json_null();
}

static json_t *editions_json(const dc_index *idx)
{
    const dc_edition *ed;
    size_t n = dc_index_editions(idx, &ed);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            arr,
            json_pack("{s:i, s:o, s:o, s:i, s:s%}", "edition", (int)ed[i].number,
                      "valid_from", date_json(ed[i].valid_from), "valid_until",
                      date_json(ed[i].valid_until), "zones", (int)ed[i].zones, "source",
                      ed[i].source.ptr ? ed[i].source.ptr : "", ed[i].source.len));
    return arr;
}

/* "size\tmtime\tpath" lines as an array of objects. */
static json_t *sources_json(const char *s)
{
    json_t *arr = json_array();
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char line[4096];
        snprintf(line, sizeof line, "%.*s", (int)len, s);
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t1 && t2) {
            *t1 = *t2 = '\0';
            json_array_append_new(
                arr, json_pack("{s:I, s:I, s:s}", "size",
                               (json_int_t)strtoll(line, NULL, 10), "mtime",
                               (json_int_t)strtoll(t1 + 1, NULL, 10), "path", t2 + 1));
        }
        s += len + (nl ? 1 : 0);
    }
    return arr;
}

static int print_info_json(const char *path, const dc_index *idx)
{
    const dc_index_meta *m = dc_index_info(idx);
    char when[64];
    iso_time(m->build_time, when, sizeof when);
    json_t *bbox =
        json_pack("{s:f, s:f, s:f, s:f}", "south", m->south_e7 / 1e7, "west",
                  m->west_e7 / 1e7, "north", m->north_e7 / 1e7, "east", m->east_e7 / 1e7);
    json_t *o = json_pack(
        "{s:s, s:i, s:i, s:s, s:I, s:I, s:I, s:I, s:o, s:s, s:I, s:o}", "index", path,
        "format_version", (int)m->format_version, "code_scheme", (int)m->code_scheme,
        "build_time", when, "build_time_unix", (json_int_t)m->build_time, "zones",
        (json_int_t)m->zones, "households", (json_int_t)m->households, "codes",
        (json_int_t)m->codes, "bbox", bbox, "fingerprint", m->fingerprint_hex,
        "file_bytes", (json_int_t)m->file_bytes, "sources", sources_json(m->sources));
    if (o) json_object_set_new(o, "editions", editions_json(idx));
    char *text = o ? json_dumps(o, JSON_REAL_PRECISION(10) | JSON_INDENT(2)) : NULL;
    json_decref(o);
    if (!text) {
        fprintf(stderr, "diachi info: cannot write JSON\n");
        return EXIT_DATA;
    }
    puts(text);
    free(text);
    return EXIT_OK;
}

int cmd_info(const command *cmd, int argc, char **argv)
{
    index_args args = {0};
    dc_index *idx;
    int rc = parse_index_args(argc, argv, cmd, 1, &args);
    if (rc >= 0) return rc;
    if ((rc = open_index("info", args.index, &idx)) >= 0) return rc;
    if (args.json)
        rc = print_info_json(args.index, idx);
    else {
        print_info_text(args.index, dc_index_info(idx));
        print_editions_text(idx);
        rc = EXIT_OK;
    }
    dc_index_close(idx);
    return rc;
}

/* ---- check -------------------------------------------------------------- */

int cmd_check(const command *cmd, int argc, char **argv)
{
    index_args args = {0};
    dc_index *idx;
    dc_index_check_stats stats;
    dc_error err = {0};
    int rc = parse_index_args(argc, argv, cmd, 0, &args);
    if (rc >= 0) return rc;
    if ((rc = open_index("check", args.index, &idx)) >= 0) return rc;
    dc_err e = dc_index_check(idx, &stats, &err);
    dc_index_close(idx);
    if (e != DC_OK) {
        fprintf(stderr, "diachi check: %s: %s\n", args.index, err.message);
        return EXIT_DATA;
    }
    printf("ok: %llu zones, %llu households, %llu codes checked\n",
           (unsigned long long)stats.zones, (unsigned long long)stats.households,
           (unsigned long long)stats.codes);
    return EXIT_OK;
}
