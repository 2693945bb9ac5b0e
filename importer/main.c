/*
 * diachi-import - build a diachi index from postal-zone and household
 * layers. Exit codes: 0 written, 2 usage, 3 data or index problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diachi/import.h"

#define EXIT_USAGE 2
#define EXIT_DATA 3

static const char usage_text[] =
    "usage: diachi-import --zones PATH... [--valid-from DATE] [--valid-until DATE]\n"
    "                     [--zones PATH... --valid-from DATE ...] [--history CSV]\n"
    "                     --households PATH... -o INDEX\n"
    "                     [--zone-field ROLE=FIELD]... [--household-field "
    "ROLE=FIELD]...\n"
    "                     [--zones-srs CRS] [--households-srs CRS] [--encoding ENC]\n"
    "                     [--report FILE.csv] [--max-errors N] [--strict]\n"
    "                     [--allow-shrink] [--memory SIZE] [--exact-proj] [--quiet]\n"
    "       diachi-import --help | --version\n"
    "\n"
    "Reads postal zones and household points from any dataset OGR opens (a\n"
    "shapefile, or a folder: every dataset below it), reprojects them to WGS 84,\n"
    "computes every household's code and writes the index INDEX atomically.\n"
    "A layer of neither kind is skipped with a warning row (layer_skipped).\n"
    "Of the households sharing an id, the first one read (paths in the order\n"
    "given, a folder's files in path order, then features in order) is kept and\n"
    "each later one rejected with a report row (duplicate_id) naming the one kept.\n"
    "\n"
    "  --zones PATH...          zone polygons (repeatable)\n"
    "  --valid-from DATE, --valid-until DATE\n"
    "                           the dates (YYYY-MM-DD) of the edition of the zones\n"
    "                           given before; a --zones after a date starts the\n"
    "                           next edition, in date order; the last is current:\n"
    "                           --zones OLD --valid-until 2025-06-30\n"
    "                           --zones NEW --valid-from 2025-07-01\n"
    "  --history CSV            old_postcode,new_postcode,kind,effective_date rows\n"
    "                           (kind: unchanged|renamed|merged|split), checked\n"
    "                           against where the households lie\n"
    "  --households PATH...     household points (repeatable)\n"
    "  -o, --output INDEX       the index file to write\n"
    "  --zone-field ROLE=FIELD  read a zone role from FIELD; the roles, each with\n"
    "                           its default field: postcode=POSTCODE name=NAME\n"
    "                           kind=KIND commune_code=COMMUNE district=DISTRICT\n"
    "                           province=PROVINCE\n"
    "  --household-field ROLE=FIELD\n"
    "                           read a household role from FIELD; the roles, each\n"
    "                           with its default field: id=HH_ID\n"
    "                           house_number=HOUSE_NO street=STREET group=GROUP\n"
    "                           code=CODE\n"
    "  --zones-srs CRS          CRS of zone layers without a .prj (e.g. EPSG:9205)\n"
    "  --households-srs CRS     CRS of household layers without a .prj\n"
    "  --encoding ENC           attribute encoding: UTF-8, TCVN3, CP1258 (default:\n"
    "                           the .cpg, else UTF-8)\n"
    "  --report FILE.csv        one row per rejected feature and warning\n"
    "  --max-errors N           fail (exit 3, no index) above N rejected features\n"
    "  --strict                 fail on any rejection or warning\n"
    "  --allow-shrink           write the index even with no household, or with\n"
    "                           fewer than half the households of the index at\n"
    "                           INDEX (refused otherwise: exit 3, nothing written)\n"
    "  --memory SIZE            memory for ordering the households, e.g. 512M, 2G\n"
    "                           (default 512M, at least 8M); beyond it they are\n"
    "                           sorted in runs written beside INDEX and merged\n"
    "  --exact-proj             reproject every point with PROJ, also VN-2000 /\n"
    "                           TM-3 and WGS 84 layers (our own arithmetic for\n"
    "                           them differs from PROJ's by nanometres, which can\n"
    "                           move a rare vertex by 1e-7 degree): an index made\n"
    "                           before, byte for byte\n"
    "  --quiet                  no progress and no summary\n"
    "  -h, --help               this help\n"
    "  --version                print diachi-import VERSION\n"
    "Environment: SOURCE_DATE_EPOCH, when set, is the build time stored in the\n"
    "index (seconds since 1970), so the same maps give the same bytes.\n";

typedef struct dc_args {
    const char **zones, **households, **zone_fields, **household_fields;
    /* Editions: each starts at the index in zones of its first path. */
    dc_import_edition *editions;
    size_t *edition_start, neditions;
    int dated; /* the last edition has a date: a --zones starts the next */
    size_t nzones, nhouseholds, nzone_fields, nhousehold_fields;
    dc_import_config cfg;
    int quiet;
} dc_args;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "diachi-import: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'diachi-import --help'.\n");
    return EXIT_USAGE;
}

/* Take the values after a list option: up to the next "-..." argument. */
static int take_list(int argc, char **argv, int *i, const char ***list, size_t *n)
{
    int start = *i + 1, end = start;
    while (end < argc && argv[end][0] != '-')
        end++;
    if (end == start) return -1;
    const char **l = realloc(*list, (*n + (size_t)(end - start)) * sizeof *l);
    if (!l) return -1;
    for (int k = start; k < end; k++)
        l[(*n)++] = argv[k];
    *list = l;
    *i = end - 1;
    return 0;
}

static int take_one(int argc, char **argv, int *i, const char **value)
{
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 0;
}

static int parse_max_errors(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0) return -1;
    *out = v;
    return 0;
}

/* A size in bytes: digits, then K, M or G (powers of 1024), or nothing. */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (end == s || *s == '-') return -1;
    if (*end == 'K' || *end == 'k') shift = 10;
    if (*end == 'M' || *end == 'm') shift = 20;
    if (*end == 'G' || *end == 'g') shift = 30;
    if (shift) end++;
    if (*end || v == 0 || v > (SIZE_MAX >> shift)) return -1;
    *out = (size_t)v << shift;
    return 0;
}

/* A new edition of the zones, from the next path on. */
static int start_edition(dc_args *a)
{
    dc_import_edition *e = realloc(a->editions, (a->neditions + 1) * sizeof *e);
    if (!e) return -1;
    a->editions = e;
    size_t *s = realloc(a->edition_start, (a->neditions + 1) * sizeof *s);
    if (!s) return -1;
    a->edition_start = s;
    memset(&e[a->neditions], 0, sizeof *e);
    s[a->neditions++] = a->nzones;
    a->dated = 0;
    return 0;
}

/* The editions' paths, once every path is in a->zones (which moves as it
 * grows); none for one edition without dates. */
static void finish_editions(dc_args *a)
{
    int any_date = 0;
    for (size_t i = 0; i < a->neditions; i++) {
        size_t end = i + 1 < a->neditions ? a->edition_start[i + 1] : a->nzones;
        a->editions[i].zone_paths = a->zones + a->edition_start[i];
        a->editions[i].nzone_paths = end - a->edition_start[i];
        any_date |= a->editions[i].valid_from || a->editions[i].valid_until;
    }
    if (a->neditions == 1 && !any_date) return;
    const dc_import_edition *now = &a->editions[a->neditions - 1];
    a->cfg.editions = a->editions;
    a->cfg.neditions = a->neditions;
    a->cfg.zone_paths = now->zone_paths;
    a->cfg.nzone_paths = now->nzone_paths;
}

static int parse_option(int argc, char **argv, int *i, dc_args *a)
{
    const char *o = argv[*i];
    dc_import_config *c = &a->cfg;
    const char *v = NULL;
    int bad = 0;
    if (!strcmp(o, "--zones")) {
        if ((a->neditions == 0 || a->dated) && start_edition(a) != 0) return EXIT_USAGE;
        bad = take_list(argc, argv, i, &a->zones, &a->nzones);
    } else if (!strcmp(o, "--valid-from") || !strcmp(o, "--valid-until")) {
        if (!a->neditions) return usage_error("'%s' must follow --zones", o);
        dc_import_edition *e = &a->editions[a->neditions - 1];
        bad = take_one(argc, argv, i, o[8] == 'f' ? &e->valid_from : &e->valid_until);
        a->dated = 1;
    } else if (!strcmp(o, "--history"))
        bad = take_one(argc, argv, i, &c->history);
    else if (!strcmp(o, "--households"))
        bad = take_list(argc, argv, i, &a->households, &a->nhouseholds);
    else if (!strcmp(o, "--zone-field"))
        bad = take_list(argc, argv, i, &a->zone_fields, &a->nzone_fields);
    else if (!strcmp(o, "--household-field"))
        bad = take_list(argc, argv, i, &a->household_fields, &a->nhousehold_fields);
    else if (!strcmp(o, "-o") || !strcmp(o, "--output"))
        bad = take_one(argc, argv, i, &c->output);
    else if (!strcmp(o, "--zones-srs"))
        bad = take_one(argc, argv, i, &c->zones_srs);
    else if (!strcmp(o, "--households-srs"))
        bad = take_one(argc, argv, i, &c->households_srs);
    else if (!strcmp(o, "--encoding"))
        bad = take_one(argc, argv, i, &c->encoding);
    else if (!strcmp(o, "--report"))
        bad = take_one(argc, argv, i, &c->report);
    else if (!strcmp(o, "--max-errors"))
        bad = take_one(argc, argv, i, &v) || parse_max_errors(v, &c->max_errors);
    else if (!strcmp(o, "--memory"))
        bad = take_one(argc, argv, i, &v) || parse_size(v, &c->memory);
    else if (!strcmp(o, "--strict"))
        c->strict = true;
    else if (!strcmp(o, "--allow-shrink"))
        c->allow_shrink = true;
    else if (!strcmp(o, "--exact-proj"))
        c->exact_proj = true;
    else if (!strcmp(o, "--quiet"))
        a->quiet = 1;
    else
        return usage_error("unknown option '%s'", o);
    return bad ? usage_error("option '%s' needs a valid value", o) : 0;
}

/* Two paths that name one file: the same inode when both exist, else the
 * same text. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b) return false;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return strcmp(a, b) == 0;
}

static void free_args(dc_args *a)
{
    free(a->zones);
    free(a->households);
    free(a->zone_fields);
    free(a->household_fields);
    free(a->editions);
    free(a->edition_start);
}

static int parse_args(int argc, char **argv, dc_args *a)
{
    memset(a, 0, sizeof *a);
    a->cfg.max_errors = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage_text, stdout);
            exit(0);
        }
        if (!strcmp(argv[i], "--version")) {
            printf("diachi-import %s\n", DC_VERSION);
            exit(0);
        }
        if (argv[i][0] != '-') return usage_error("unexpected argument '%s'", argv[i]);
        int rc = parse_option(argc, argv, &i, a);
        if (rc) return rc;
    }
    if (!a->nzones) return usage_error("%s", "--zones is required");
    if (!a->cfg.output) return usage_error("%s", "-o INDEX is required");
    /* The outputs are written over: never the history table read. */
    if (same_file(a->cfg.report, a->cfg.history))
        return usage_error("--report '%s' is the --history table: it would be written over",
                           a->cfg.report);
    if (same_file(a->cfg.output, a->cfg.history))
        return usage_error("-o '%s' is the --history table: it would be written over",
                           a->cfg.output);
    if (same_file(a->cfg.output, a->cfg.report))
        return usage_error("--report '%s' is the index -o names", a->cfg.report);
    a->cfg.zone_paths = a->zones;
    a->cfg.nzone_paths = a->nzones;
    a->cfg.household_paths = a->households;
    a->cfg.nhousehold_paths = a->nhouseholds;
    a->cfg.zone_fields = a->zone_fields;
    a->cfg.nzone_fields = a->nzone_fields;
    a->cfg.household_fields = a->household_fields;
    a->cfg.nhousehold_fields = a->nhousehold_fields;
    finish_editions(a);
    return 0;
}

/* ---- progress on a terminal ---- */

typedef struct dc_progress {
    char phase[32];
    struct timespec start;
} dc_progress;

static double since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
    dc_progress *p = ctx;
    if (strcmp(p->phase, phase) != 0) {
        if (p->phase[0]) fputc('\n', stderr);
        snprintf(p->phase, sizeof p->phase, "%s", phase);
        clock_gettime(CLOCK_MONOTONIC, &p->start);
    }
    /* A rate over the first tenth of a second says nothing. */
    double secs = since(&p->start), rate = secs >= 0.1 ? (double)done / secs : 0;
    int width = 30,
        filled = total ? (int)((double)width * (double)done / (double)total) : 0;
    if (filled > width) filled = width;
    fprintf(stderr, "\r%-12s [%.*s%*s] %llu/%llu", phase, filled,
            "##############################", width - filled, "",
            (unsigned long long)done, (unsigned long long)total);
    if (rate > 0) fprintf(stderr, "  %.0f/s", rate);
    if (total > done && rate > 0)
        fprintf(stderr, "  ETA %.0f s ", (double)(total - done) / rate);
    fflush(stderr);
}

/* ---- the summary ---- */

static void print_counts(const char *label, const uint64_t *counts, int n,
                         const char *(*name)(int))
{
    int first = 1;
    for (int i = 0; i < n; i++) {
        if (!counts[i]) continue;
        printf("%s%s %llu", first ? label : ", ", name(i), (unsigned long long)counts[i]);
        first = 0;
    }
    if (!first) printf("\n");
}

static const char *reject_name(int i)
{
    return dc_reject_name((dc_reject)i);
}

static const char *warning_name(int i)
{
    return dc_warning_name((dc_warning)i);
}

static void print_summary(const dc_import_config *cfg, const dc_import_summary *s)
{
    printf("zones         %llu (from %llu features)\n", (unsigned long long)s->zones,
           (unsigned long long)s->zone_features);
    printf("households    %llu of %llu read\n", (unsigned long long)s->households,
           (unsigned long long)s->households_read);
    printf("rejected      %llu\n", (unsigned long long)s->rejected);
    print_counts("  by reason   ", s->rejected_by, DC_REJECT_COUNT, reject_name);
    printf("warnings      %llu\n", (unsigned long long)s->warnings);
    print_counts("  by reason   ", s->warned_by, DC_WARN_COUNT, warning_name);
    printf("codes         %llu (%llu households share a door)\n",
           (unsigned long long)s->codes, (unsigned long long)s->shared_doors);
    printf("time          %.2f s (%.0f households/s): zones %.2f s, households %.2f s, "
           "index %.2f s\n",
           s->seconds, s->seconds > 0 ? (double)s->households_read / s->seconds : 0.0,
           s->zone_seconds, s->household_seconds, s->index_seconds);
    if (s->sort_runs)
        printf("sorting       %u runs, %.1f MB written beside the index (--memory)\n",
               s->sort_runs, (double)s->sort_bytes / 1e6);
    else
        printf("sorting       in memory\n");
    printf("index         %s, %llu bytes (%.1f bytes per household)\n", cfg->output,
           (unsigned long long)s->index_bytes,
           s->households ? (double)s->index_bytes / (double)s->households : 0.0);
    printf("fingerprint   %s\n", s->fingerprint_hex);
    if (cfg->report) printf("report        %s\n", cfg->report);
}

int main(int argc, char **argv)
{
    dc_args a;
    dc_import_summary summary;
    dc_error err = {0};
    dc_progress progress = {{0}, {0, 0}};

    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free_args(&a);
        return rc;
    }
    if (!a.quiet && isatty(STDERR_FILENO)) {
        a.cfg.progress = show_progress;
        a.cfg.progress_ctx = &progress;
    }
    dc_err e = dc_import_run(&a.cfg, &summary, &err);
    if (progress.phase[0]) fputc('\n', stderr);
    if (!a.quiet && e == DC_OK) print_summary(&a.cfg, &summary);
    if (e != DC_OK) {
        fprintf(stderr, "diachi-import: %s: %s\n", dc_err_name(e), err.message);
        if (summary.rejected)
            print_counts("diachi-import: rejected ", summary.rejected_by, DC_REJECT_COUNT,
                         reject_name);
    }
    free_args(&a);
    return e == DC_OK ? 0 : EXIT_DATA;
}
