/*
 * cli.c - the diachi command: one subcommand per task, dispatched from a
 * table, and the index-level subcommands (info, check). The lookups
 * (lookup, reverse, zone) are in cli_lookup.c. Exit codes (docs and every
 * subcommand): 0 ok, 1 not found, 2 usage, 3 data or index problem.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"

int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "diachi %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'diachi %s --help'.\n", cmd);
    return EXIT_USAGE;
}

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

int take_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 1;
}

int exit_code_of(dc_err rc)
{
    if (rc == DC_E_NOT_FOUND) return EXIT_NOT_FOUND;
    if (rc == DC_E_INVALID_ARG) return EXIT_USAGE;
    return EXIT_DATA;
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

static int print_info_json(const char *path, const dc_index_meta *m)
{
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

static int cmd_info(int argc, char **argv)
{
    index_args args = {0};
    dc_index *idx;
    int rc = parse_index_args(argc, argv, find_command("info"), 1, &args);
    if (rc >= 0) return rc;
    if ((rc = open_index("info", args.index, &idx)) >= 0) return rc;
    if (args.json)
        rc = print_info_json(args.index, dc_index_info(idx));
    else {
        print_info_text(args.index, dc_index_info(idx));
        rc = EXIT_OK;
    }
    dc_index_close(idx);
    return rc;
}

/* ---- check -------------------------------------------------------------- */

static int cmd_check(int argc, char **argv)
{
    index_args args = {0};
    dc_index *idx;
    dc_index_check_stats stats;
    dc_error err = {0};
    int rc = parse_index_args(argc, argv, find_command("check"), 0, &args);
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

/* ---- dispatch ----------------------------------------------------------- */

static const command commands[] = {
    {"lookup", cmd_lookup, "find the door of a code (or Plus Code)", LOOKUP_HELP},
    {"reverse", cmd_reverse, "the code, zone and households at a point", REVERSE_HELP},
    {"zone", cmd_zone, "a postal zone by its postcode", ZONE_HELP},
    {"serve", cmd_serve, "the HTTP API", SERVE_HELP},
    {"batch", cmd_batch, "geocode a CSV file of codes or points", BATCH_HELP},
    {"info", cmd_info, "show an index's metadata",
     "Usage: diachi info [INDEX] [--index PATH] [--json]\n"
     "Print an index's metadata: format and code-scheme versions, build time (UTC),\n"
     "counts, bounding box, content fingerprint, file size and source files.\n"
     "  --json        one JSON object\n"
     "  --index PATH  the index, when INDEX is not given (else $DIACHI_INDEX)\n"
     "  --help        this text; --version: diachi's version\n"
     "Exit: 0 ok, 1 index not found, 2 usage, 3 not a readable diachi index.\n"},
    {"check", cmd_check, "verify an index record by record",
     "Usage: diachi check [INDEX] [--index PATH]\n"
     "Walk every record of an index and verify that it is self-consistent (counts,\n"
     "polygons, codes, lookup tables, content fingerprint). Prints\n"
     "\"ok: N zones, M households, K codes checked\", or the first problem on stderr.\n"
     "  --index PATH  the index, when INDEX is not given (else $DIACHI_INDEX)\n"
     "  --help        this text; --version: diachi's version\n"
     "Exit: 0 ok, 1 index not found, 2 usage, 3 the index has a problem.\n"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

const command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static void print_usage(FILE *f)
{
    fputs("Usage: diachi COMMAND [ARGS...]\n"
          "Geocoder for Vietnamese household postal address codes.\n\nCommands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'diachi COMMAND --help' for a command's options, 'diachi --version'\n"
          "for the version.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return EXIT_OK;
    }
    /* On the command and every subcommand alike. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--version") == 0) {
            fputs(DIACHI_VERSION_TEXT, stdout);
            return EXIT_OK;
        }
    const command *cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "diachi: unknown command '%s'\n", argv[1]);
        print_usage(stderr);
        return EXIT_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}
