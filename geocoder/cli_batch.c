/*
 * cli_batch.c - diachi batch: geocode a CSV file (dc_batch_run) for an
 * office clerk. The output file appears complete or not at all: it is
 * written beside its name as OUTPUT.tmp.<pid>, synced, and renamed; a
 * failure, SIGINT, SIGTERM or SIGHUP removes the temporary file. A closed
 * output pipe (diachi batch ... | head) ends the run quietly.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction, kill, directories */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_output.h"
#include "diachi/batch.h"

typedef struct batch_args {
    const char *index, *input, *output, *delimiter, *radius, *threads;
    const char *code_column, *lat_column, *lon_column, *encoding;
    const char *address_column, *near;
    int quiet, bom, convert;
} batch_args;

/* The help, and the column names batch knows, from the matcher's own
 * table (dc_batch_column_name). */
static void print_help(void)
{
    static const char *const roles[DC_BATCH_NROLES] = {
        "a code", "a latitude", "a longitude", "a postcode, never read as a code"};
    fputs(BATCH_HELP, stdout);
    fputs("Column names known (any case, with or without diacritics; spaces, '_',\n"
          "'-' and '.' ignored):\n",
          stdout);
    for (int r = 0; r < DC_BATCH_NROLES; r++) {
        printf("  %s:", roles[r]);
        const char *name;
        for (size_t i = 0; (name = dc_batch_column_name((dc_batch_role)r, i)); i++)
            printf("%s %s", i ? "," : "", name);
        printf("\n");
    }
}

static int parse_args(int argc, char **argv, batch_args *a)
{
    static const struct {
        const char *name;
        size_t offset;
    } valued[] = {
        {"--index", offsetof(batch_args, index)},
        {"--output", offsetof(batch_args, output)},
        {"-o", offsetof(batch_args, output)},
        {"--delimiter", offsetof(batch_args, delimiter)},
        {"--radius", offsetof(batch_args, radius)},
        {"--threads", offsetof(batch_args, threads)},
        {"--code-column", offsetof(batch_args, code_column)},
        {"--lat-column", offsetof(batch_args, lat_column)},
        {"--lon-column", offsetof(batch_args, lon_column)},
        {"--encoding", offsetof(batch_args, encoding)},
        {"--address-column", offsetof(batch_args, address_column)},
        {"--near", offsetof(batch_args, near)},
    };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int taken = 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help();
            return EXIT_OK;
        }
        if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            a->quiet = 1;
            continue;
        }
        if (strcmp(arg, "--bom") == 0) {
            a->bom = 1;
            continue;
        }
        if (strcmp(arg, "--convert") == 0) {
            a->convert = 1;
            continue;
        }
        for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !taken; k++) {
            const char **field = (const char **)((char *)a + valued[k].offset);
            taken = take_option(argc, argv, &i, valued[k].name, field);
            if (taken < 0) return usage_error("batch", "%s needs a value", arg);
        }
        if (taken) continue;
        if (arg[0] == '-' && arg[1])
            return usage_error("batch", "unknown option %s", arg);
        if (a->input) return usage_error("batch", "unexpected argument %s", arg);
        a->input = arg;
    }
    if (!a->input) return usage_error("batch", "%s", "no INPUT given (a CSV file, or -)");
    if (!a->index) a->index = getenv("DIACHI_INDEX");
    if (!a->index || !a->index[0])
        return usage_error("batch", "%s", "no index: give --index PATH or DIACHI_INDEX");
    return -1;
}

/* A column given by name, or by number (digits only, from 1): the number
 * into *number, or the name into *name. False for 0. */
static bool take_column(const char *given, const char **name, unsigned *number)
{
    *name = given;
    if (!given || !given[0] || strspn(given, "0123456789") != strlen(given)) return true;
    unsigned long n = strtoul(given, NULL, 10);
    if (n < 1 || n > 1000000) return false;
    *name = NULL;
    *number = (unsigned)n;
    return true;
}

/* Options from the arguments; -1 to go on, or the exit code. */
static int to_options(const batch_args *a, dc_batch_options *o)
{
    dc_batch_options_init(o);
    if (!take_column(a->code_column, &o->code_column, &o->code_column_number) ||
        !take_column(a->lat_column, &o->lat_column, &o->lat_column_number) ||
        !take_column(a->lon_column, &o->lon_column, &o->lon_column_number) ||
        !take_column(a->address_column, &o->address_column, &o->address_column_number))
        return usage_error("batch", "%s",
                           "a column number counts from 1 (A is 1), up to 1000000");
    o->encoding = a->encoding;
    o->bom = a->bom;
    o->convert = a->convert;
    if (a->convert && a->lat_column)
        return usage_error("batch", "%s",
                           "--convert reads codes (and addresses), not --lat-column");
    if (!a->lat_column != !a->lon_column)
        return usage_error("batch", "%s", "--lat-column and --lon-column go together");
    if (a->code_column && a->lat_column)
        return usage_error("batch", "%s",
                           "give --code-column, or --lat-column and --lon-column");
    if (a->address_column && a->lat_column)
        return usage_error("batch", "%s",
                           "give --address-column, or --lat-column and --lon-column");
    if (a->near && !a->address_column)
        return usage_error("batch", "%s", "--near is for --address-column");
    if (a->near) {
        dc_error err = {0};
        if (dc_geo_point_parse(a->near, strlen(a->near), &o->near_lat, &o->near_lon,
                               &err) != DC_OK ||
            !(fabs(o->near_lat) <= 90 && fabs(o->near_lon) <= 180))
            return usage_error("batch", "--near %s is not a point LAT,LON in degrees",
                               a->near);
        o->near = true;
    }
    if (a->delimiter) {
        const char *d = a->delimiter;
        if (strcmp(d, "tab") == 0 || strcmp(d, "\\t") == 0)
            o->delimiter = '\t';
        else if (strlen(d) == 1 && d[0] != '"' && d[0] != '\r' && d[0] != '\n')
            o->delimiter = d[0];
        else
            return usage_error("batch", "--delimiter %s is not one character (or tab)",
                               d);
    }
    char *end;
    if (a->radius) {
        errno = 0;
        o->radius_m = strtod(a->radius, &end);
        if (errno || end == a->radius || *end || !(o->radius_m >= 0) ||
            o->radius_m > DC_GEO_MAX_RADIUS_M)
            return usage_error(
                "batch", "--radius %s is not a number of metres in 0..1000", a->radius);
        if (a->code_column || a->address_column)
            return usage_error("batch", "%s", "--radius is for lat/lon input");
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cpus < 1                      ? 1
                 : cpus > DC_BATCH_MAX_THREADS ? DC_BATCH_MAX_THREADS
                                               : (unsigned)cpus;
    if (a->threads) {
        errno = 0;
        long t = strtol(a->threads, &end, 10);
        if (errno || end == a->threads || *end || t < 1 || t > DC_BATCH_MAX_THREADS)
            return usage_error("batch", "--threads %s is not a whole number in 1..64",
                               a->threads);
        o->threads = (unsigned)t;
    }
    return -1;
}

/* ---- the output file ------------------------------------------------------ */

/* The temporary file's name, for the signal handler: set before the
 * handler is installed, never changed while it is. */
static char tmp_path[4096 + 32];

static void remove_and_die(int sig)
{
    unlink(tmp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

/*
 * A run that was killed (SIGKILL cannot be caught) leaves its
 * OUTPUT.tmp.<pid>. Remove those whose process is gone, so a clerk who
 * reruns does not find them piling up; a live run's file is left alone.
 */
static void remove_stale_tmp(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dir[4096];
    size_t dirlen = slash ? (size_t)(slash - path) : 0, baselen = strlen(base);
    if (dirlen >= sizeof dir) return;
    snprintf(dir, sizeof dir, "%.*s", (int)dirlen, path);
    DIR *d = opendir(slash ? (dirlen ? dir : "/") : ".");
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        const char *n = e->d_name;
        if (strncmp(n, base, baselen) != 0 || strncmp(n + baselen, ".tmp.", 5) != 0)
            continue;
        char *end, full[4096 + 512];
        long pid = strtol(n + baselen + 5, &end, 10);
        if (*end || pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        snprintf(full, sizeof full, "%s%s%s", dir, slash ? "/" : "", n);
        unlink(full);
    }
    closedir(d);
}

/* The temporary file's writer (cli_output.h), when there is one. */
static dc_out_file *tmp_file;

/* Open where the rows go: stdout, a device or pipe as it is, or the
 * temporary file of a regular OUTPUT. *tmp is set when it is one. */
static FILE *open_output(const char *output, int *tmp)
{
    struct stat st;
    *tmp = 0;
    if (!output || strcmp(output, "-") == 0) return stdout;
    if (stat(output, &st) == 0 && !S_ISREG(st.st_mode)) return fopen(output, "wb");
    if (strlen(output) > 4096) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    remove_stale_tmp(output);
    snprintf(tmp_path, sizeof tmp_path, "%s.tmp.%ld", output, (long)getpid());
    struct sigaction sa = {0};
    sa.sa_handler = remove_and_die;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    FILE *f = dc_out_file_open(tmp_path, &tmp_file);
    *tmp = f != NULL;
    return f;
}

/* Put the temporary file on disk and rename it; 0 or errno. */
static int commit_output(FILE *f, const char *output)
{
    int e = dc_out_file_finish(f, tmp_file);
    if (!e && rename(tmp_path, output) != 0) e = errno;
    if (e) unlink(tmp_path);
    return e;
}

static void discard_output(FILE *f, int tmp)
{
    if (f == stdout) return;
    if (tmp)
        dc_out_file_abort(f, tmp_file);
    else
        fclose(f);
    if (tmp) unlink(tmp_path);
}

/* ---- progress and summary -------------------------------------------------- */

typedef struct progress {
    struct timespec start;
    double input_bytes; /* 0 when unknown (a pipe) */
    int shown;
} progress;

static double elapsed(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/* "\r  1,234,567 rows  812,345 rows/s  45%  ETA 0:12" on the terminal. */
static void show_progress(void *ctx, const dc_batch_stats *s)
{
    progress *p = ctx;
    double t = elapsed(&p->start), rate = t > 0 ? s->rows / t : 0;
    fprintf(stderr, "\r  %llu rows  %.0f rows/s", (unsigned long long)s->rows, rate);
    if (p->input_bytes > 0 && s->bytes_read > 0 && t > 0.5) {
        double done = s->bytes_read / p->input_bytes, left = t / done - t;
        if (done > 1) done = 1;
        if (left < 0) left = 0;
        fprintf(stderr, "  %3.0f%%  ETA %d:%02d", done * 100, (int)left / 60,
                (int)left % 60);
    }
    fprintf(stderr, "\033[K");
    p->shown = 1;
}

static void summary(const dc_batch_report *rep, double seconds)
{
    const dc_batch_stats *s = &rep->stats;
    fprintf(stderr, "diachi batch: %llu rows in %.2f s (%.0f rows/s, %s mode%s)",
            (unsigned long long)s->rows, seconds, seconds > 0 ? s->rows / seconds : 0,
            rep->mode == DC_BATCH_REVERSE   ? "reverse"
            : rep->mode == DC_BATCH_ADDRESS ? "address"
                                            : "forward",
            rep->convert ? ", converted" : "");
    const char *sep = ": ";
    for (int i = 0; i < DC_BATCH_NSTATUS; i++)
        if (s->by_status[i]) {
            fprintf(stderr, "%s%llu %s", sep, (unsigned long long)s->by_status[i],
                    dc_batch_status_name((dc_batch_status)i));
            sep = ", ";
        }
    if (s->empty_lines)
        fprintf(stderr, "; %llu empty line%s kept", (unsigned long long)s->empty_lines,
                s->empty_lines == 1 ? "" : "s");
    if (s->ragged)
        fprintf(stderr, "; %llu row%s with a field count other than the header's",
                (unsigned long long)s->ragged, s->ragged == 1 ? "" : "s");
    fprintf(stderr, "\n");
}

/* ---- the command ------------------------------------------------------------ */

static int problem_exit(const batch_args *a, const dc_batch_report *rep)
{
    const char *in = strcmp(a->input, "-") == 0 ? "stdin" : a->input;
    switch (rep->problem) {
    case DC_BATCH_NO_COLUMN:
    case DC_BATCH_AMBIGUOUS_COLUMN:
        fprintf(stderr,
                "diachi batch: %s: %s\nName the column with --code-column NAME, "
                "--lat-column NAME --lon-column NAME, or --address-column NAME.\n",
                in, rep->message);
        return EXIT_USAGE;
    case DC_BATCH_BAD_OPTION:
        fprintf(stderr, "diachi batch: %s\n", rep->message);
        return EXIT_USAGE;
    default:
        fprintf(stderr, "diachi batch: %s: %s\n", in, rep->message);
        return EXIT_DATA;
    }
}

static FILE *open_input(const char *input, double *size)
{
    struct stat st;
    FILE *f = strcmp(input, "-") == 0 ? stdin : fopen(input, "rb");
    *size =
        f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (double)st.st_size : 0;
    return f;
}

static int run_batch(const batch_args *a, dc_batch_options *o, dc_geo *geo)
{
    progress p = {.shown = 0};
    dc_batch_report rep;
    int tmp;
    FILE *in = open_input(a->input, &p.input_bytes), *out;
    if (!in) {
        fprintf(stderr, "diachi batch: cannot open %s: %s\n", a->input, strerror(errno));
        return EXIT_USAGE;
    }
    if (!(out = open_output(a->output, &tmp))) {
        fprintf(stderr, "diachi batch: cannot write %s: %s\n", a->output,
                strerror(errno));
        if (in != stdin) fclose(in);
        return EXIT_DATA;
    }
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    if (!a->quiet && isatty(STDERR_FILENO)) o->progress = show_progress;
    o->progress_ctx = &p;
    dc_err rc = dc_batch_run(geo, in, out, o, &rep);
    if (p.shown) fprintf(stderr, "\r\033[K");
    if (in != stdin) fclose(in);
    if (rc != DC_OK) {
        discard_output(out, tmp);
        if (rep.problem == DC_BATCH_WRITE_FAILED && rep.sys_errno == EPIPE)
            return EXIT_OK;
        return problem_exit(a, &rep);
    }
    int e = tmp                            ? commit_output(out, a->output)
            : out != stdout && fclose(out) ? errno
                                           : 0;
    if (e) {
        fprintf(stderr, "diachi batch: cannot write %s: %s\n", a->output, strerror(e));
        return EXIT_DATA;
    }
    if (!a->quiet) summary(&rep, elapsed(&p.start));
    return rep.stats.by_status[DC_BATCH_OK] == rep.stats.rows ? EXIT_OK : EXIT_NOT_FOUND;
}

int cmd_batch(const command *cmd, int argc, char **argv)
{
    (void)cmd; /* its help is BATCH_HELP, printed by parse_args */
    batch_args a = {0};
    dc_batch_options o;
    dc_geo *geo;
    dc_error err = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) return rc;
    if ((rc = to_options(&a, &o)) >= 0) return rc;
    if (dc_geo_open(a.index, &geo, &err) != DC_OK) {
        fprintf(stderr, "diachi batch: %s\n", err.message);
        return EXIT_DATA;
    }
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is EPIPE, handled */
    rc = run_batch(&a, &o, geo);
    dc_geo_close(geo);
    return rc;
}
