/*
 * cli.h - what the diachi command's source files share. Not installed.
 */
#ifndef DC_CLI_H
#define DC_CLI_H

#include "diachi/geocoder.h"
#include "diachi/index.h"

enum { EXIT_OK = 0, EXIT_NOT_FOUND = 1, EXIT_USAGE = 2, EXIT_DATA = 3 };

typedef struct command {
    const char *name;
    int (*run)(const struct command *cmd, int argc, char **argv);
    const char *summary;
    const char *help;
} command;

/* Options every index-reading subcommand shares. */
typedef struct index_args {
    const char *index;
    int json;
} index_args;

/* cli_args.c: what every subcommand parses with. */

/* Print "diachi CMD: <fmt with arg>" and the --help hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, const char *arg);
/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 with *value set (and
 * *i on the value when it was the next argument), 0 when argv[*i] is
 * something else, -1 when the value is missing. */
int take_option(int argc, char **argv, int *i, const char *name, const char **value);
/* The exit code for an index error: 3 for a missing, unreadable or damaged
 * index, as every command and docs/CLI.md say. */
int exit_code_of(dc_err rc);
/* "diachi 0.1.0": what --version prints, on every subcommand. */
#define DIACHI_VERSION_TEXT "diachi " DC_VERSION "\n"

/* The subcommands, each given its own entry of the table in cli.c. */

/* cli_index.c */
int cmd_info(const command *cmd, int argc, char **argv);
int cmd_check(const command *cmd, int argc, char **argv);

/* cli_lookup.c */
int cmd_lookup(const command *cmd, int argc, char **argv);
int cmd_reverse(const command *cmd, int argc, char **argv);
int cmd_zone(const command *cmd, int argc, char **argv);

/* cli_search.c */
int cmd_search(const command *cmd, int argc, char **argv);

/* cli_serve.c */
int cmd_serve(const command *cmd, int argc, char **argv);

/* cli_batch.c */
int cmd_batch(const command *cmd, int argc, char **argv);

/* cli_round.c */
int cmd_round(const command *cmd, int argc, char **argv);

#define INDEX_OPTIONS                                                                    \
    "  --index PATH  the index (default: $DIACHI_INDEX)\n"                               \
    "  --json        machine output: one JSON object per line\n"                         \
    "  --help        this text; --version: diachi's version\n"

#define AT_OPTION                                                                        \
    "  --at DATE     answer as of that day (YYYY-MM-DD): the edition of the zone\n"      \
    "                map then in force (default: the current one)\n"

#define LOOKUP_HELP                                                                       \
    "Usage: diachi lookup CODE... [--zone POSTCODE] [--index PATH] [--json]\n"            \
    "Find the door of each household code: its place, zone and the households\n"          \
    "registered at it. A code is read leniently (any case; spaces, '-', '.' and\n"        \
    "'+' ignored, and what pasting brings: CR LF, no-break spaces, dashes,\n"             \
    "full-width forms: 32101 92P5+RF5, 3210192p5rf5). Also read:\n"                       \
    "  7PH592P5+RF5                      a full Plus Code\n"                              \
    "  https://plus.codes/7PH592P5+RF5   a plus.codes link\n"                             \
    "  \"92P5+RF5 Mường Thanh, Điện Biên\" a short Plus Code with its place, as\n" \
    "                                    Google Maps shows it\n"                          \
    "  geo:21.39,103.02                  a point (RFC 5870): answered as reverse\n"       \
    "  -                                 codes from stdin, one a line\n"                  \
    "A code that is not registered is explained (unregistered, unknown postcode,\n"       \
    "outside its zone, malformed) with the registered codes one typing slip away.\n"      \
    "A code of a zone an earlier edition of the map had (the 2025 reform) is\n"           \
    "answered with its door and current code (status retired).\n"                        \
    "  --zone POSTCODE  read a short Plus Code (92P5+RF5) in this zone\n" AT_OPTION       \
    INDEX_OPTIONS                                                                         \
    "Exit: 0 every code registered (or retired, its door found), 1 some code not,\n"      \
    "2 usage, 3 index problem\n"                                                          \
    "(the worst over every code).\n"

#define REVERSE_HELP                                                                     \
    "Usage: diachi reverse LAT LON [--radius M] [--limit K] [--index PATH] [--json]\n"   \
    "The code of a point (WGS 84 degrees), the postal zone that contains it, and\n"      \
    "the registered households around it, nearest first. The point is read as it\n"      \
    "is copied: 21.39 103.02, \"21.39, 103.02\", 21,39 103,02 (decimal commas),\n"       \
    "21.39°N 103.02°E, \"21°23'10.3\\\"N 103°01'04.4\\\"E\", geo:21.39,103.02. A "   \
    "point\n"                                                                            \
    "that lies in a zone with latitude and longitude swapped is said to. With\n"         \
    "editions of the zones, the zones and codes of the point before are listed\n"       \
    "(former).\n" AT_OPTION                                                             \
    "  --radius M    search radius in metres, 0..1000 (default 50)\n"                    \
    "  --limit K     households to list, 0..100 (default 10; 0: none)\n" INDEX_OPTIONS   \
    "Exit: 0 the point is in a zone, 1 it is in none, 2 usage, 3 index problem.\n"

#define ZONE_HELP                                                                        \
    "Usage: diachi zone POSTCODE [--index PATH] [--json]\n"                              \
    "A postal zone: its names, household count, reference point, bounding box\n"         \
    "and polygon (the polygon's coordinates in --json, as GeoJSON). The postcode\n"      \
    "is read as leniently as a code: 32101, \"32 101\", 32-101. A postcode of an\n"     \
    "earlier edition of the zones is answered as that zone (status retired) with\n"     \
    "its last day and what it became.\n" AT_OPTION INDEX_OPTIONS                        \
    "Exit: 0 found, 1 no such postcode, 2 usage, 3 index problem.\n"

#define SEARCH_HELP                                                                      \
    "Usage: diachi search QUERY... [--limit N] [--near LAT,LON] [--complete]\n"          \
    "                     [--index PATH] [--json]\n"                                     \
    "Find the households, streets, groups and zones a written address names,\n"          \
    "best first: \"số 12 ngõ 3 Võ Nguyên Giáp, P. Mường Thanh\", or typed\n"    \
    "without tones, in any order, abbreviated, with a typo (12/3 vo nguyen giap\n"       \
    "muong thanh). Each answer is a household (the house number is on the\n"             \
    "street), a street, a group or a zone, with its score and how each part of\n"        \
    "the query matched it (exact, folded: without or with other tones, typo,\n"          \
    "none). A house number the street does not have gives the street, never\n"           \
    "another door.\n"                                                                    \
    "  --limit N       answers, 1..100 (default 10)\n"                                   \
    "  --near LAT,LON  order answers of equal score by distance from the point\n"        \
    "  --complete      complete the last word instead (autocomplete: 10 at "             \
    "most)\n" INDEX_OPTIONS                                                              \
    "Exit: 0 found, 1 nothing matches, 2 usage or a bad query (empty, invalid\n"         \
    "UTF-8, control characters, over 1024 bytes), 3 index problem.\n"

#define SERVE_HELP                                                                       \
    "Usage: diachi serve [--index PATH] [--listen HOST:PORT] [--threads N]\n"            \
    "                    [--cors-origin ORIGIN] [--max-batch N] [--access-log FILE|-]\n" \
    "                    [--rate-limit N] [--record-limit N] [--allow-shrink] ...\n"     \
    "The HTTP API (docs/openapi.json, also served at /openapi.json): codes, points,\n"   \
    "zones, batches, /healthz, /readyz, /metrics, and a map page at /. Runs in the\n"    \
    "foreground.\n"                                                                      \
    "  --index PATH       the index (default: $DIACHI_INDEX)\n"                          \
    "  --listen HOST:PORT numeric address and port (default 127.0.0.1:8080; "            \
    "[::1]:8080\n"                                                                       \
    "                     for IPv6, 0.0.0.0:8080 for every interface, port 0: any)\n"    \
    "  --threads N        answering threads (default 2)\n"                               \
    "  --cors-origin ORIGIN  allow browsers on ORIGIN (or *) to call the API; a\n"       \
    "                     comma-separated list, or the option repeated, for several\n"   \
    "  --max-batch N      items in one POST /v1/batch (default 10000; 413 beyond)\n"     \
    "  --max-body BYTES   request body limit (default 16777216; 413 beyond)\n"           \
    "  --timeout S        close a connection idle for S seconds (default 30)\n"          \
    "  --request-timeout S  a request's headers and body must arrive within S\n"         \
    "                     seconds (default 10); else the connection is closed\n"         \
    "  --max-connections N       open connections in all (default 1024); past it a\n"    \
    "                     new one ends the oldest still waiting for its request\n"       \
    "  --per-ip-connections N    open connections from one address (default 256)\n"      \
    "  --max-batch-results N  households one JSON batch may ask for, a code 1, a\n"      \
    "                     point its limit (default 100000; 413 beyond)\n"                \
    "  --max-batch-bytes BYTES  a batch answer's size (default 67108864; 413 beyond)\n"  \
    "  --rate-limit N     requests a minute per client address (default 6000; off)\n"    \
    "  --record-limit N   records a minute per client address: a code 1, a point\n"      \
    "                     its limit, a batch its items' (default 100000; off);\n"        \
    "                     429 with Retry-After beyond either\n"                          \
    "  --rate-limit-loopback  limit loopback clients too (not by default: a proxy\n"     \
    "                     on this host is every client)\n"                               \
    "  --allow-shrink     let SIGHUP reload an index with fewer than half the\n"         \
    "                     households of the one served (refused by default)\n"           \
    "  --drain-timeout S  on SIGTERM, wait at most S seconds for connections to\n"       \
    "                     finish their requests (default 4)\n"                           \
    "  --access-log FILE|-  one JSON line per request, appended to FILE (- stdout)\n"    \
    "  --web DIR          the map page's files, served at / and /static/ (default:\n"   \
    "                     ../share/diachi/web beside the binary)\n"                     \
    "  --no-ui            no map page: / and /static/ answer 404\n"                     \
    "  --tiles URL        a base map under the page's zones, an XYZ template\n"         \
    "                     (http://localhost:8081/{z}/{x}/{y}.png); none by default\n"   \
    "  --help             this text; --version: diachi's version\n"                      \
    "Signals: SIGHUP reopens the access log and reloads the index (requests in\n"        \
    "flight finish on the old one; a file that fails to open, or that holds fewer\n"     \
    "than half the households without --allow-shrink, keeps the old one\n"               \
    "serving); SIGTERM or SIGINT drain: /readyz answers 503, new connections are\n"      \
    "refused, every answer closes its connection, requests in flight finish\n"           \
    "(--drain-timeout, 4 s at most), then the process exits.\n"                          \
    "Exit: 0 stopped by a signal, 2 usage, 3 the index cannot be served.\n"

#define BATCH_HELP                                                                       \
    "Usage: diachi batch INPUT [-o OUTPUT] [--index PATH] [--code-column COL]\n"         \
    "                    [--lat-column COL --lon-column COL] [--radius M]\n"             \
    "                    [--address-column COL [--near LAT,LON]] [--convert]\n"          \
    "                    [--encoding ENC] [--bom] [--threads N] [--delimiter C]\n"       \
    "                    [--quiet]\n"                                                    \
    "Geocode a CSV file (INPUT, or - for stdin): every row comes back in the same\n"     \
    "order, its columns unchanged byte for byte, followed by status, code,\n"            \
    "plus_code, lat, lon, postcode, zone_name, address and suggestion, then\n"           \
    "households_at_door (forward), or distance_m (reverse); a name the input\n"          \
    "already has gets a diachi_ prefix (diachi_code). The first row is the header\n"     \
    "(after Excel's sep=; line, if any). The columns are found by their names (the\n"    \
    "list below; any case, with or without diacritics), else by their values: a\n"       \
    "column of codes, or columns of latitudes and longitudes in Vietnam.\n"              \
    "  -o, --output OUTPUT  the output (default stdout); a file appears only once\n"     \
    "                       complete\n"                                                  \
    "  --code-column COL    the column holding the codes: its name, or its number\n"     \
    "                       counted from 1 as in a spreadsheet (A is 1, C is 3)\n"       \
    "  --lat-column COL, --lon-column COL\n"                                             \
    "                       the columns holding a point (WGS 84 degrees), by name\n"     \
    "                       or by number from 1\n"                                       \
    "  --address-column COL the column holding written addresses (name or number):\n"    \
    "                       each is searched as by diachi search, and status, code,\n"   \
    "                       plus_code, lat, lon, postcode, zone_name, address,\n"        \
    "                       match (household, street, group, zone; code when the\n"      \
    "                       row's code column gave the household; none), score and\n"    \
    "                       error are appended. A code column (--code-column, or\n"      \
    "                       found by name) wins where its code is a household's.\n"      \
    "  --near LAT,LON       address: answers of equal score nearest this point first\n"  \
    "  --convert            turn old or current codes (and, with --address-column,\n"    \
    "                       addresses) into today's: status, current_code, zone_name,\n" \
    "                       district (empty after 2025), province and change\n"          \
    "                       (unchanged, renamed, merged, split: the index's history\n"   \
    "                       table; changed when it has no row for the two postcodes),\n" \
    "                       then match, score and error with --address-column. A door\n" \
    "                       in no current zone is out_of_coverage, an address that\n"    \
    "                       finds only a street, group or zone no_household: no\n"       \
    "                       code is guessed.\n"                                          \
    "  --radius M           reverse: nearest registered household within M metres,\n"    \
    "                       0..1000 (default 50)\n"                                      \
    "  --encoding ENC       the input's encoding: UTF-8 (default; given, it is\n"        \
    "                       checked), CP1258 (old Excel's \"CSV\"), TCVN3 (ABC),\n"      \
    "                       UTF-16LE or UTF-16BE (Excel's \"Unicode text\", also\n"      \
    "                       known by its byte-order mark). The output is UTF-8.\n"       \
    "  --bom                start the output with a UTF-8 byte-order mark, so that\n"    \
    "                       Excel opens it as UTF-8 (kept anyway when INPUT has one)\n"  \
    "  --threads N          lookup threads, 1..64 (default: the CPUs)\n"                 \
    "  --delimiter C        , ; tab or another character (default: detected)\n"          \
    "  --quiet              no progress bar, no summary\n"                               \
    "  --index PATH         the index (default: $DIACHI_INDEX)\n"                        \
    "  --help               this text; --version: diachi's version\n"                    \
    "Exit: 0 every row ok, 1 output complete but some rows not ok, 2 usage (no such\n"   \
    "column: the columns seen are listed), 3 bad CSV (unterminated quote: its line;\n"   \
    "a byte not in the encoding: its line and byte) or index problem; then no\n"         \
    "OUTPUT is written. A closed output pipe exits 0.\n"

#define ROUND_HELP                                                                       \
    "Usage: diachi round LETTERS --start LAT,LON [-o OUTPUT.csv] [--geojson FILE]\n"     \
    "                    [--unresolved FILE] [--column COL] [--no-return] [--quiet]\n"   \
    "                    [--keep group|door] [--index PATH]\n"                           \
    "Put a postal worker's letters in the order of a short walking round from the\n"     \
    "post office. LETTERS is a CSV file (or - for stdin) with a header, a letter a\n"    \
    "row: a code in any form lookup reads, or a written address (searched as by\n"      \
    "diachi search; only a household's door counts). The round starts at the\n"        \
    "nearest door, is shortened by 2-opt and Or-opt moves on straight-line\n"           \
    "distances, and walks the doors of one group (tổ dân phố, bản) one after\n"   \
    "the other. At most 1000 letters.\n"                                                 \
    "  --start LAT,LON    where the round starts (and ends): 21.386,103.017,\n"          \
    "                     \"21°23'10\\\"N 103°01'04\\\"E\", geo:21.386,103.017\n"   \
    "  -o, --output FILE  the ordered list (default stdout): stop, row, letter,\n"       \
    "                     code, address, lat, lon, leg_m, distance_m (running), and\n"   \
    "                     a last row 'return' back to the start\n"                       \
    "  --geojson FILE     the round as a GeoJSON LineString, with the start and the\n"   \
    "                     numbered stops as points\n"                                    \
    "  --unresolved FILE  the letters that name no door: row, letter, by, status,\n"     \
    "                     message (default: OUTPUT.unresolved.csv beside OUTPUT;\n"     \
    "                     stderr when the round goes to stdout)\n"                       \
    "  --column COL       the letters' column, by name or number from 1 (default:\n"    \
    "                     a column named code, address, ... else the first)\n"          \
    "  --keep group|door  what is walked together: each group's doors (tổ dân\n"    \
    "                     phố, bản; the default), or only each door's letters\n"     \
    "                     (shorter: about 10% on the sample's beats)\n"               \
    "  --no-return        the round ends at its last door\n"                             \
    "  --quiet            no summary (the count of unresolved letters is still said)\n" \
    "  --index PATH       the index (default: $DIACHI_INDEX)\n"                          \
    "  --help             this text; --version: diachi's version\n"                      \
    "Files appear complete or not at all (written beside, then renamed).\n"             \
    "Exit: 0 every letter has its door, 1 some do not (they are listed; none: no\n"    \
    "round), 2 usage (a malformed --start: round_start), 3 no letters (round_empty),\n" \
    "more than 1000 (round_too_many), bad CSV or index problem.\n"

#endif /* DC_CLI_H */
