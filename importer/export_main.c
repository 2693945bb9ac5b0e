/*
 * diachi-export - an index's households and zones, with their codes, to
 * any vector format OGR writes; or the user's own layer with a code column
 * added. Exit codes: 0 written, 2 usage, 3 data, index or file problem.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diachi/export.h"

#define EXIT_USAGE 2
#define EXIT_DATA 3

static const char usage_text[] =
    "usage: diachi-export INDEX -o OUTPUT -f FORMAT [--t-srs CRS]\n"
    "                     [--codes FILE] [--layer households|zones]\n"
    "                     [--join SOURCE [--join-layer NAME] [--key FIELD]\n"
    "                      [--code-field NAME]]\n"
    "                     [--lco NAME=VALUE]... [--report FILE.csv]\n"
    "                     [--overwrite] [--quiet]\n"
    "       diachi-export --help | --version\n"
    "\n"
    "Writes the households of INDEX (or of the codes in FILE) with their code\n"
    "(display and compact), Plus Code, lat, lon, zone postcode and name and\n"
    "address, and the zones with their postcodes, as layers `households` and\n"
    "`zones` of OUTPUT. With --join, writes instead a copy of the layer of\n"
    "SOURCE with a code column added, matched by household id.\n"
    "OUTPUT is written beside its name and renamed once complete; an existing\n"
    "OUTPUT is refused unless --overwrite, and an input never replaced.\n"
    "\n"
    "  -o, --output OUTPUT  the dataset to write: a file (out.gpkg, out.fgb,\n"
    "                       out.geojson, out.csv, out.shp: one layer) or a\n"
    "                       folder (shapefiles, CSV, FlatGeobuf: a file per layer)\n"
    "  -f, --format FORMAT  an OGR format: GPKG, \"ESRI Shapefile\", GeoJSON,\n"
    "                       FlatGeobuf, CSV, ... (ogrinfo --formats)\n"
    "  --t-srs CRS          the output's CRS (default WGS 84), as GDAL reads it:\n"
    "                       EPSG:9205 (VN-2000 / TM-3 103-00), a .prj file, WKT;\n"
    "                       lat and lon stay WGS 84\n"
    "  --codes FILE         only the households at these codes, one a line;\n"
    "                       codes that name none get a report row\n"
    "  --layer NAME         households or zones only (default: both)\n"
    "  --join SOURCE        copy SOURCE's layer with the code of each feature's\n"
    "                       household; in SOURCE's CRS unless --t-srs\n"
    "  --join-layer NAME    the layer of SOURCE (default: its first)\n"
    "  --key FIELD          SOURCE's household id field (default HH_ID)\n"
    "  --code-field NAME    the code column added (default CODE; replaced\n"
    "                       when SOURCE has it: emptied where no household matches)\n"
    "  --report FILE.csv    one row per problem: unresolved codes; join keys\n"
    "                       empty (empty_key), naming no household (unmatched),\n"
    "                       repeated (duplicate_key); households no feature\n"
    "                       names (missing)\n"
    "  --lco NAME=VALUE     a layer creation option of the format, as ogr2ogr's\n"
    "                       -lco (repeatable): --lco SPATIAL_INDEX=NO writes a\n"
    "                       GPKG or FlatGeobuf without its spatial index; a GPKG's\n"
    "                       is packed by diachi-export, by GDAL with =YES\n"
    "  --overwrite          replace an existing OUTPUT\n"
    "  --quiet              no summary\n"
    "  -h, --help           this help\n"
    "  --version            print diachi-export VERSION\n"
    "Errors are printed as `diachi-export: CODE: message`, CODE one of usage,\n"
    "unknown_format, bad_crs, output_exists, output_is_input, one_layer_format,\n"
    "open_failed, join_layer_missing, join_key_missing, write_failed,\n"
    "report_failed.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("diachi-export: usage: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(diachi-export --help lists the options)\n", stderr);
    return EXIT_USAGE;
}

/* The value of option argv[*i], or NULL when missing. */
static const char *value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) return NULL;
    return argv[++*i];
}

static int parse_layer(const char *v, dc_export_layers *out)
{
    if (v && strcmp(v, "households") == 0)
        *out = DC_EXPORT_HOUSEHOLDS;
    else if (v && strcmp(v, "zones") == 0)
        *out = DC_EXPORT_ZONES;
    else
        return usage_error("--layer takes households or zones, not '%s'", v ? v : "");
    return 0;
}

/* --lco values: argv's strings, at most one per argument, NULL ended. */
static const char **layer_options;

static int add_layer_option(const char *v, int argc)
{
    static size_t n;
    if (!v || !strchr(v, '='))
        return usage_error("--lco takes NAME=VALUE, not '%s'", v ? v : "");
    if (!layer_options) layer_options = calloc((size_t)argc + 1, sizeof *layer_options);
    if (!layer_options) return EXIT_DATA;
    layer_options[n++] = v;
    return 0;
}

/* Fill @p o from the command line: 0, or the exit code (-1: help shown). */
static int parse_args(int argc, char **argv, dc_export_options *o, bool *quiet)
{
    static const char *const names[] = {
        "-o",     "--output",     "-f",    "--format",     "--t-srs", "--codes",
        "--join", "--join-layer", "--key", "--code-field", "--report"};
    const char **slots[] = {&o->output, &o->output,     &o->format, &o->format,
                            &o->t_srs,  &o->codes,      &o->join,   &o->join_layer,
                            &o->key,    &o->code_field, &o->report};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return -1;
        }
        if (strcmp(a, "--version") == 0) {
            printf("diachi-export %s\n", DC_VERSION);
            return -1;
        }
        if (strcmp(a, "--lco") == 0) {
            int rc = add_layer_option(value(argc, argv, &i), argc);
            if (rc) return rc;
            o->layer_options = layer_options;
            continue;
        }
        if (strcmp(a, "--overwrite") == 0) {
            o->overwrite = true;
            continue;
        }
        if (strcmp(a, "--quiet") == 0) {
            *quiet = true;
            continue;
        }
        if (strcmp(a, "--layer") == 0) {
            int rc = parse_layer(value(argc, argv, &i), &o->layers);
            if (rc) return rc;
            continue;
        }
        size_t k = 0, n = sizeof names / sizeof *names;
        while (k < n && strcmp(a, names[k]) != 0)
            k++;
        if (k < n) {
            *slots[k] = value(argc, argv, &i);
            if (!*slots[k]) return usage_error("%s needs a value", a);
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option %s", a);
        } else if (!o->index) {
            o->index = a;
        } else {
            return usage_error("one index only: '%s' is a second", a);
        }
    }
    if (!o->index) return usage_error("%s", "no INDEX given");
    if (!o->output) return usage_error("%s", "no output given (-o OUTPUT)");
    if (!o->format) return usage_error("%s", "no format given (-f FORMAT)");
    if (!o->join && (o->join_layer || o->key || o->code_field))
        return usage_error("%s", "--join-layer, --key and --code-field go with --join");
    return 0;
}

static void print_summary(const dc_export_options *o, const dc_export_summary *s,
                          double seconds)
{
    if (o->join) {
        fprintf(stderr,
                "diachi-export: %" PRIu64 " features written to %s in %.2f s: %" PRIu64
                " with a code, %" PRIu64 " unmatched, %" PRIu64 " empty keys, %" PRIu64
                " duplicated keys; %" PRIu64 " households of the index named by none\n",
                s->features, o->output, seconds, s->matched, s->unmatched, s->empty_keys,
                s->duplicated, s->missing);
        return;
    }
    fprintf(stderr,
            "diachi-export: %" PRIu64 " households and %" PRIu64
            " zones written to %s in %.2f s",
            s->households, s->zones, o->output, seconds);
    if (o->codes)
        fprintf(stderr, " (%" PRIu64 " codes read, %" PRIu64 " naming no household)",
                s->codes_read, s->codes_unresolved);
    fputc('\n', stderr);
}

int main(int argc, char **argv)
{
    dc_export_options o = {0};
    bool quiet = false;
    int rc = parse_args(argc, argv, &o, &quiet);
    if (rc) return rc < 0 ? 0 : rc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    dc_export_summary summary;
    dc_export_problem problem = {0};
    dc_err e = dc_export_run(&o, &summary, &problem);
    if (e) {
        fprintf(stderr, "diachi-export: %s: %s\n", problem.code ? problem.code : "error",
                problem.code ? problem.message : dc_strerror(e));
        return e == DC_E_INVALID_ARG ? EXIT_USAGE : EXIT_DATA;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!quiet)
        print_summary(&o, &summary,
                      (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
