/*
 * cli_round.c - diachi round: a postal worker's letters for the day (a CSV
 * of codes or addresses) resolved to their doors and put in the order of a
 * short walk from the post office (diachi/round.h). Writes the ordered
 * list (CSV), the round as a GeoJSON line, and the letters that name no
 * door to a list of their own. Each file is written beside its name
 * (NAME.tmp.<pid>), synced and renamed: a failure leaves none half made.
 */
#define _POSIX_C_SOURCE 200809L /* fsync, fileno */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diachi/batch.h"
#include "diachi/round.h"
#include "diachi/csv.h"

/* A letters file larger than this is refused: DC_ROUND_MAX_STOPS rows
 * of even long addresses are well under it. */
#define MAX_INPUT_BYTES (64u << 20)

typedef struct round_args {
    const char *index, *input, *start, *output, *geojson, *unresolved, *column, *keep;
    int no_return, quiet;
} round_args;

/* One row of the letters file. */
typedef struct letter {
    size_t row; /* its data row, from 1 */
    char *text; /* the value of the letters column */
    dc_round_door door;
} letter;

typedef struct letters {
    letter *v;
    size_t n, cap;
} letters;

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

static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *more = cap < MAX_INPUT_BYTES ? realloc(buf, cap * 2) : NULL;
            if (!more) {
                free(buf);
                buf = NULL;
                errno = cap < MAX_INPUT_BYTES ? ENOMEM : EFBIG;
                break;
            }
            buf = more, cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (buf && ferror(f)) free(buf), buf = NULL, errno = EIO;
    if (f != stdin) fclose(f);
    *len = n;
    return buf;
}

/* The header's delimiter: the most frequent of , ; and tab. */
static char delimiter_of(const char *rec, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    for (size_t i = 0; i < len; i++)
        comma += rec[i] == ',', semi += rec[i] == ';', tab += rec[i] == '\t';
    return tab > comma && tab > semi ? '\t' : semi > comma ? ';' : ',';
}

/* A header name folded for comparison: ASCII lower case, without spaces,
 * '_', '-' and '.'. */
static void fold(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++)
        if (!strchr(" _-.", s[i])) out[k++] = (char)tolower((unsigned char)s[i]);
    out[k] = '\0';
}

static bool known_name(const char *folded)
{
    static const char *const extra[] = {"address", "diachi", "letter", "code"};
    char f[128];
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (strcmp(folded, extra[i]) == 0) return true;
    const char *name;
    for (size_t i = 0; (name = dc_batch_column_name(DC_BATCH_ROLE_CODE, i)); i++) {
        fold(name, strlen(name), f, sizeof f);
        if (strcmp(folded, f) == 0) return true;
    }
    return false;
}

/* The column of the letters: --column by name or number from 1; else the
 * first known name; else the first column. -1 when --column names none. */
static int letters_column(const char *rec, size_t len, char delim, const char *column)
{
    size_t pos = 0, s, e;
    char scratch[1024], f[128], want[128];
    bool by_number =
        column && column[0] && strspn(column, "0123456789") == strlen(column);
    if (by_number) return atoi(column) >= 1 ? atoi(column) - 1 : -1;
    if (column) fold(column, strlen(column), want, sizeof want);
    for (int i = 0; dc_csv_next_field(rec, len, delim, &pos, &s, &e); i++) {
        size_t n = e - s, vlen = 0;
        const char *v =
            n < sizeof scratch ? dc_csv_value(rec + s, n, scratch, &vlen) : "";
        if (i == 0 && vlen >= 3 && memcmp(v, "\xef\xbb\xbf", 3) == 0) v += 3, vlen -= 3;
        fold(v, vlen, f, sizeof f);
        if (column ? strcmp(f, want) == 0 : known_name(f)) return i;
    }
    return column ? -1 : 0;
}

static bool add_letter(letters *l, size_t row, const char *v, size_t n)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        letter *more = realloc(l->v, cap * sizeof *more);
        if (!more) return false;
        l->v = more, l->cap = cap;
    }
    char *text = malloc(n + 1);
    if (!text) return false;
    memcpy(text, v, n);
    text[n] = '\0';
    l->v[l->n++] = (letter){.row = row, .text = text};
    return true;
}

/* The value of field @p col of a record ("" when the row is short). */
static bool field_value(const char *rec, size_t len, char delim, int col, char **scratch,
                        const char **v, size_t *vlen)
{
    size_t pos = 0, s, e;
    for (int i = 0; dc_csv_next_field(rec, len, delim, &pos, &s, &e); i++)
        if (i == col) {
            char *more = realloc(*scratch, e - s + 1);
            if (!more) return false;
            *scratch = more;
            *v = dc_csv_value(rec + s, e - s, *scratch, vlen);
            return true;
        }
    *v = "", *vlen = 0;
    return true;
}

/* Every data row's letter; EXIT_OK, or the exit code with the problem
 * printed. Blank lines are no letters; more rows than a round takes are
 * refused before any is looked up. */
static int read_letters(const round_args *a, const char *buf, size_t len, letters *out)
{
    size_t at = 0, rec_len, row = 0;
    int eol, col = -1;
    char delim = 0, *scratch = NULL;
    while (at < len) {
        dc_csv_scan st = {0};
        int r = dc_csv_scan_record(buf + at, len - at, true, delim, &st, &rec_len, &eol);
        if (r == DC_CSV_END) break;
        if (r == DC_CSV_UNTERMINATED) {
            fprintf(stderr,
                    "diachi round: %s: a quoted field is never closed (row %zu)\n",
                    a->input, row + 1);
            free(scratch);
            return EXIT_DATA;
        }
        const char *rec = buf + at;
        at += rec_len + dc_csv_eol_len(eol);
        if (!delim) {
            delim = delimiter_of(rec, rec_len);
            if ((col = letters_column(rec, rec_len, delim, a->column)) < 0) {
                free(scratch);
                return usage_error("round", "--column %s: no such column in the header",
                                   a->column);
            }
            continue;
        }
        row++;
        if (rec_len == 0) continue;
        const char *v;
        size_t vlen;
        if (out->n == DC_ROUND_MAX_STOPS) {
            fprintf(stderr,
                    "diachi round: %s: round_too_many: more than %d letters; a round "
                    "takes %d at most\n",
                    a->input, DC_ROUND_MAX_STOPS, DC_ROUND_MAX_STOPS);
            free(scratch);
            return EXIT_DATA;
        }
        if (!field_value(rec, rec_len, delim, col, &scratch, &v, &vlen) ||
            !add_letter(out, row, v, vlen)) {
            free(scratch);
            fprintf(stderr, "diachi round: out of memory\n");
            return EXIT_DATA;
        }
    }
    free(scratch);
    return EXIT_OK;
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

static void free_letters(letters *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
}

static int run_round(const round_args *a, round_plan *p, letters *l, dc_geo *geo)
{
    size_t len, resolved;
    char *buf = read_all(a->input, &len);
    if (!buf) {
        fprintf(stderr, "diachi round: cannot read %s: %s\n", a->input, strerror(errno));
        return EXIT_USAGE;
    }
    int rc = read_letters(a, buf, len, l);
    free(buf);
    if (rc != EXIT_OK) return rc;
    if (l->n == 0) {
        fprintf(stderr,
                "diachi round: %s: round_empty: no letters (the file has a "
                "header and no rows)\n",
                a->input);
        return EXIT_DATA;
    }
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
    free_letters(&l);
    dc_geo_close(geo);
    return rc;
}
