/*
 * cli_lookup.h - what diachi lookup, reverse (cli_lookup.c) and zone
 * (cli_zone.c) share: their arguments, the index opened for a day, the
 * zone's words and the one --json writer. Internal to the command.
 */
#ifndef DC_CLI_LOOKUP_H
#define DC_CLI_LOOKUP_H

#include "cli.h"
#include "src/jw.h"

#define MAX_POSITIONAL 4096

typedef struct lookup_args {
    index_args common;
    const char *positional[MAX_POSITIONAL];
    int npositional;
    const char *radius, *limit, *zone;
    const char *at; /* --at DATE: answer as of that day */
} lookup_args;

/* Options a subcommand takes beyond --index, --json and --help. */
enum { OPT_SEARCH = 1, OPT_ZONE = 2 };

/* The arguments of @p cmd: -1 to go on, or the exit code. */
int lookup_parse_args(int argc, char **argv, const command *cmd, int options,
                      lookup_args *out);
/* The index and a session on the day --at names: -1, or the exit code
 * (every failure of the index is exit 3). */
int lookup_open_geo(const char *cmd, const lookup_args *a, dc_geo **geo,
                    dc_geo_session **s);
/* A lookup the index cannot answer: the message, and exit 3. */
int lookup_index_failure(const char *cmd, dc_err rc);
/* The zone's words as an address ends: "phường Nam Thanh, Thành phố Điện
 * Biên Phủ, Điện Biên". */
void lookup_zone_words(const dc_zone *z);
/* The positional arguments as one text, joined by spaces. */
void lookup_joined(const lookup_args *a, char *buf, size_t size);

/* The writer every --json answer goes through, one object per line. */
extern dc_jw lookup_json_out;
void lookup_json_begin(void);
/* Ends the object and prints it: false when the writer failed. */
int lookup_json_print(void);

#endif
