/*
 * cli_round.c - diachi round: a postal worker's letters for the day (a CSV
 * of codes or addresses) resolved to their doors and put in the order of a
 * short walk from the post office (diachi/round.h). Writes the ordered
 * list (CSV), the round as a GeoJSON line, and the letters that name no
 * door to a list of their own. Each file is written beside its name
 * (NAME.tmp.<pid>), synced and renamed: a failure leaves none half made.
 */
#define _POSIX_C_SOURCE 200809L /* fsync, fileno */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diachi/round.h"
#include "diachi/round_letters.h"
#include "diachi/csv.h"

typedef struct round_args {
    const char *index, *input, *start, *output, *geojson, *unresolved, *column, *keep;
    int no_return, quiet;
} round_args;

typedef dc_round_letter letter;
typedef dc_round_letters letters;

static int parse_args(int argc, char **argv, const command *cmd, round_args *a)
{
    static const struct {
        const char *name;
        size_t offset;
    } valued[] = {
        {"--index", offsetof(round_args, index)},
        {"--start", offsetof(round_args, start)},
        {"--output", offsetof(round_args, output)},
        {"-o", offsetof(round_args, output)},
        {"--geojson", offsetof(round_args, geojson)},
        {"--unresolved", offsetof(round_args, unresolved)},
        {"--column", offsetof(round_args, column)},
        {"--keep", offsetof(round_args, keep)},
    };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int taken = 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(cmd->help, stdout);
            return EXIT_OK;
        }
        if (strcmp(arg, "--no-return") == 0 || strcmp(arg, "--quiet") == 0) {
            *(arg[2] == 'n' ? &a->no_return : &a->quiet) = 1;
            continue;
        }
        for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !taken; k++) {
            const char **field = (const char **)((char *)a + valued[k].offset);
            taken = take_option(argc, argv, &i, valued[k].name, field);
            if (taken < 0) return usage_error("round", "%s needs a value", arg);
        }
        if (taken) continue;
        if (arg[0] == '-' && arg[1])
            return usage_error("round", "unknown option %s", arg);
        if (a->input) return usage_error("round", "unexpected argument %s", arg);
        a->input = arg;
    }
    if (!a->input)
        return usage_error("round", "%s", "no LETTERS file given (a CSV, or -)");
    if (!a->start)
        return usage_error("round", "%s", "no --start LAT,LON (the post office) given");
    if (a->keep && strcmp(a->keep, "group") != 0 && strcmp(a->keep, "door") != 0)
        return usage_error("round", "--keep %s: give group or door", a->keep);
    if (!a->index) a->index = getenv("DIACHI_INDEX");
    if (!a->index || !a->index[0])
        return usage_error("round", "%s", "no index: give --index PATH or DIACHI_INDEX");
    return -1;
}

/* ---- reading the letters ------------------------------------------------------ */

/* Every data row's letter; EXIT_OK, or the exit code with the problem
 * printed. Blank lines are no letters; more rows than a round takes are
 * refused before any is looked up. */
static int read_letters(const round_args *a, const char *buf, size_t len, letters *out)
{
    dc_error err = {0};
    dc_err e = dc_round_letters_read(buf, len, a->column, out, &err);
    if (e == DC_OK) return EXIT_OK;
    if (e == DC_E_INVALID_ARG) return usage_error("round", "%s", err.message);
    if (e == DC_E_NOMEM)
        fprintf(stderr, "diachi round: out of memory\n");
    else if (e == DC_E_IO)
        fprintf(stderr, "diachi round: %s: %s\n", a->input, err.message);
    else /* round_too_many, round_empty */
        fprintf(stderr, "diachi round: %s: %s: %s\n", a->input, dc_err_name(e),
                err.message);
    return EXIT_DATA;
}

/* ---- writing ----------------------------------------------------------------------- */

/* A file written beside its name and renamed once complete. */
typedef struct out_file {
    const char *path; /* NULL or "-": stdout */
    char tmp[4096 + 32];
    FILE *f;
} out_file;

static bool out_open(out_file *o, const char *path)
{
    o->path = path;
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return true;
    }
    if (strlen(path) > 4096) {
        errno = ENAMETOOLONG;
        return false;
    }
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    return o->f != NULL;
}

/* 0, or the errno of the first failure (the temporary file removed). */
static int out_commit(out_file *o)
{
    if (o->f == stdout) return fflush(stdout) ? errno : 0;
    int e = 0;
    if (fflush(o->f) || fsync(fileno(o->f))) e = errno;
    if (fclose(o->f) && !e) e = errno;
    o->f = NULL;
    if (!e && rename(o->tmp, o->path)) e = errno;
    if (e) unlink(o->tmp);
    return e;
}

static void out_abort(out_file *o)
{
    if (!o->f || o->f == stdout) return;
    fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}

typedef struct round_plan {
    double lat0, lon0;
    bool back, by_door;
    size_t n;            /* resolved letters */
    const letter **stop; /* in the round's order */
    dc_round_stats stats;
} round_plan;

static void write_csv(FILE *f, const round_plan *p)
{
    double total = 0, lat = p->lat0, lon = p->lon0;
    fputs("stop,row,letter,code,address,lat,lon,leg_m,distance_m\n", f);
    for (size_t i = 0; i < p->n; i++) {
        const letter *l = p->stop[i];
        double leg = dc_geo_distance_m(lat, lon, l->door.lat, l->door.lon);
        total += leg;
        fprintf(f, "%zu,%zu,", i + 1, l->row);
        dc_csv_write_field(f, l->text, ',');
        fprintf(f, ",%s,", l->door.code);
        dc_csv_write_field(f, l->door.address, ',');
        fprintf(f, ",%.7f,%.7f,%.1f,%.1f\n", l->door.lat, l->door.lon, leg, total);
        lat = l->door.lat, lon = l->door.lon;
    }
    if (p->back) {
        double leg = dc_geo_distance_m(lat, lon, p->lat0, p->lon0);
        fprintf(f, "return,,,,start,%.7f,%.7f,%.1f,%.1f\n", p->lat0, p->lon0, leg,
                total + leg);
    }
}

static void write_geojson(FILE *f, const round_plan *p)
{
    fprintf(f,
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
            "\"properties\":{\"kind\":\"round\",\"stops\":%zu,\"length_m\":%.1f,"
            "\"nearest_neighbour_m\":%.1f,\"back_to_start\":%s},\"geometry\":{\"type\":"
            "\"LineString\",\"coordinates\":[[%.7f,%.7f]",
            p->n, p->stats.length_m, p->stats.nearest_m, p->back ? "true" : "false",
            p->lon0, p->lat0);
    for (size_t i = 0; i < p->n; i++)
        fprintf(f, ",[%.7f,%.7f]", p->stop[i]->door.lon, p->stop[i]->door.lat);
    if (p->back) fprintf(f, ",[%.7f,%.7f]", p->lon0, p->lat0);
    fprintf(f,
            "]}},{\"type\":\"Feature\",\"properties\":{\"kind\":\"start\"},"
            "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}}",
            p->lon0, p->lat0);
    for (size_t i = 0; i < p->n; i++)
        fprintf(f,
                ",{\"type\":\"Feature\",\"properties\":{\"kind\":\"stop\",\"stop\":%zu,"
                "\"code\":\"%s\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                "[%.7f,%.7f]}}",
                i + 1, p->stop[i]->door.code, p->stop[i]->door.lon, p->stop[i]->door.lat);
    fputs("]}\n", f);
}

static void write_unresolved(FILE *f, const letters *l)
{
    fputs("row,letter,by,status,message\n", f);
    for (size_t i = 0; i < l->n; i++) {
        const letter *x = &l->v[i];
        if (x->door.resolved) continue;
        fprintf(f, "%zu,", x->row);
        dc_csv_write_field(f, x->text, ',');
        fprintf(f, ",%s,%s,", x->door.by, x->door.status);
        dc_csv_write_field(f, x->door.message, ',');
        fputc('\n', f);
    }
}

/* --unresolved, else OUTPUT's name with .unresolved.csv for its .csv;
 * NULL (stderr) when the round goes to stdout. */
static const char *unresolved_path(const round_args *a, char *buf, size_t size)
{
    if (a->unresolved) return a->unresolved;
    if (!a->output || strcmp(a->output, "-") == 0) return NULL;
    size_t n = strlen(a->output);
    if (n > 4 && strcmp(a->output + n - 4, ".csv") == 0) n -= 4;
    snprintf(buf, size, "%.*s.unresolved.csv", (int)n, a->output);
    return buf;
}

/* Write every output, each complete or not at all. */
static int write_outputs(const round_args *a, const round_plan *p, const letters *l,
                         size_t unresolved)
{
    char upath[4096 + 32];
    const char *up = unresolved_path(a, upath, sizeof upath);
    out_file o[3] = {{0}};
    const char *paths[3] = {p->n ? a->output : NULL, p->n ? a->geojson : NULL, up};
    bool wanted[3] = {p->n > 0, p->n > 0 && a->geojson, up != NULL};
    int e = 0, i;
    for (i = 0; i < 3 && !e; i++)
        if (wanted[i] && !out_open(&o[i], paths[i])) e = errno;
    if (!e) {
        if (wanted[0]) write_csv(o[0].f, p);
        if (wanted[1]) write_geojson(o[1].f, p);
        if (wanted[2]) write_unresolved(o[2].f, l);
        for (i = 0; i < 3 && !e; i++)
            if (wanted[i]) e = out_commit(&o[i]);
    }
    for (int k = 0; k < 3; k++)
        if (wanted[k]) out_abort(&o[k]);
    if (e) {
        fprintf(stderr, "diachi round: cannot write %s: %s\n",
                paths[i - 1] ? paths[i - 1] : "stdout", strerror(e));
        return EXIT_DATA;
    }
    if (!up && unresolved) write_unresolved(stderr, l);
    return EXIT_OK;
}

/* ---- the command ----------------------------------------------------------------------
 */

static int resolve_all(dc_geo *geo, letters *l, size_t *resolved)
{
    dc_geo_session *s;
    dc_round_scratch *sc = malloc(sizeof *sc);
    dc_err rc = sc ? dc_geo_session_begin(geo, &s) : DC_E_NOMEM;
    *resolved = 0;
    for (size_t i = 0; rc == DC_OK && i < l->n; i++) {
        rc = dc_round_resolve(s, l->v[i].text, strlen(l->v[i].text), sc, &l->v[i].door);
        *resolved += rc == DC_OK && l->v[i].door.resolved;
    }
    if (sc && rc != DC_E_NOMEM) dc_geo_session_end(s);
    free(sc);
    if (rc != DC_OK) fprintf(stderr, "diachi round: %s\n", dc_strerror(rc));
    return rc == DC_OK ? EXIT_OK : EXIT_DATA;
}

static int order_round(round_plan *p, const letters *l, size_t resolved)
{
    dc_round_stop *stops = malloc((resolved + 1) * sizeof *stops);
    size_t *order = malloc((resolved + 1) * sizeof *order);
    const letter **by = malloc((resolved + 1) * sizeof *by);
    dc_round_options opt;
    dc_round_options_init(&opt);
    opt.back_to_start = p->back;
    dc_error err = {0};
    dc_err rc = stops && order && by ? DC_OK : DC_E_NOMEM;
    for (size_t i = 0, k = 0; rc == DC_OK && i < l->n; i++)
        if (l->v[i].door.resolved) {
            const dc_round_door *d = &l->v[i].door;
            stops[k] = (dc_round_stop){d->lat, d->lon, p->by_door ? d->door : d->group};
            by[k++] = &l->v[i];
        }
    if (rc == DC_OK)
        rc = dc_round_order(stops, resolved, p->lat0, p->lon0, &opt, order, &p->stats,
                            &err);
    if (rc == DC_OK) {
        p->stop = malloc(resolved * sizeof *p->stop);
        if (!p->stop) rc = DC_E_NOMEM;
        for (size_t i = 0; p->stop && i < resolved; i++)
            p->stop[i] = by[order[i]];
        p->n = resolved;
    }
    free(stops), free(order), free(by);
    if (rc != DC_OK)
        fprintf(stderr, "diachi round: %s: %s\n", dc_err_name(rc),
                err.message[0] ? err.message : dc_strerror(rc));
    return rc == DC_OK ? EXIT_OK : EXIT_DATA;
}

static int run_round(const round_args *a, round_plan *p, letters *l, dc_geo *geo)
{
    size_t len, resolved;
    char *buf = dc_round_letters_load(a->input, &len);
    if (!buf) {
        fprintf(stderr, "diachi round: cannot read %s: %s\n", a->input, strerror(errno));
        return EXIT_USAGE;
    }
    int rc = read_letters(a, buf, len, l);
    free(buf);
    if (rc != EXIT_OK) return rc;
    if ((rc = resolve_all(geo, l, &resolved)) != EXIT_OK) return rc;
    if (resolved && (rc = order_round(p, l, resolved)) != EXIT_OK) return rc;
    if ((rc = write_outputs(a, p, l, l->n - resolved)) != EXIT_OK) return rc;
    if (!resolved)
        fprintf(stderr,
                "diachi round: round_empty: none of the %zu letters names a door\n",
                l->n);
    else if (!a->quiet)
        fprintf(stderr,
                "diachi round: %zu stops, %.0f m (the nearest-neighbour walk: %.0f "
                "m); %zu unresolved\n",
                resolved, p->stats.length_m, p->stats.nearest_m, l->n - resolved);
    else if (l->n > resolved)
        fprintf(stderr, "diachi round: %zu unresolved\n", l->n - resolved);
    return resolved == l->n ? EXIT_OK : EXIT_NOT_FOUND;
}

int cmd_round(const command *cmd, int argc, char **argv)
{
    round_args a = {0};
    round_plan p = {0};
    letters l = {0};
    dc_geo *geo;
    dc_error err = {0};
    int rc = parse_args(argc, argv, cmd, &a);
    if (rc >= 0) return rc;
    if (dc_round_start_parse(a.start, strlen(a.start), &p.lat0, &p.lon0, &err) != DC_OK) {
        fprintf(stderr, "diachi round: round_start: --start %s: %s\n", a.start,
                err.message);
        return EXIT_USAGE;
    }
    p.back = !a.no_return;
    p.by_door = a.keep && strcmp(a.keep, "door") == 0;
    if (dc_geo_open(a.index, &geo, &err) != DC_OK) {
        fprintf(stderr, "diachi round: %s\n", err.message);
        return EXIT_DATA;
    }
    rc = run_round(&a, &p, &l, geo);
    free(p.stop);
    dc_round_letters_free(&l);
    dc_geo_close(geo);
    return rc;
}
