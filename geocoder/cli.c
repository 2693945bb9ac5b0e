/*
 * cli.c - the diachi command: one subcommand per task, dispatched from a
 * table that holds each one's summary and help. The subcommands are in
 * cli_lookup.c (lookup, reverse, zone), cli_search.c, cli_batch.c, cli_round.c,
 * cli_serve.c and cli_index.c (info, check); what they share in cli_args.c. Exit codes
 * (docs and every subcommand): 0 ok, 1 not found, 2 usage, 3 data or
 * index problem.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* ---- dispatch ----------------------------------------------------------- */

static const command commands[] = {
    {"lookup", cmd_lookup, "find the door of a code (or Plus Code)", LOOKUP_HELP},
    {"reverse", cmd_reverse, "the code, zone and households at a point", REVERSE_HELP},
    {"zone", cmd_zone, "a postal zone by its postcode", ZONE_HELP},
    {"search", cmd_search, "find households, streets and zones by written address",
     SEARCH_HELP},
    {"serve", cmd_serve, "the HTTP API", SERVE_HELP},
    {"batch", cmd_batch, "geocode a CSV file of codes, points or addresses", BATCH_HELP},
    {"round", cmd_round, "order a postal worker's letters into a walking round",
     ROUND_HELP},
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

static const command *find_command(const char *name)
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
    return cmd->run(cmd, argc - 1, argv + 1);
}
