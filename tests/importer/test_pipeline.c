/*
 * test_pipeline.c - households read on several threads reach the consumer
 * exactly as one reader gives them (importer/src/pipeline.c): the same
 * households in the same order, the same first error, the same index and
 * report, on a small national map (12 provinces, 384 to 5,771 households
 * each, a zones.shp beside each households.shp).
 *
 *   test_pipeline MAP WORKDIR read     the pipeline against a plain read
 *   test_pipeline MAP WORKDIR race     the same, fewer shapes (ThreadSanitizer)
 *   test_pipeline MAP WORKDIR import   whole imports, one reader against more
 *
 * MAP is diachi-gen-national's output; WORKDIR gets damaged copies of it.
 */
#include <math.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <gdal.h>

#include "diachi/import.h"
#include "pipeline.h"
#include "source.h"

extern char **environ;

static const char *map_dir, *workdir;
static char bad_dir[1024], late_dir[1024], dup_dir[1024];

/* The shapes every comparison runs under: one reader, as many as the CPUs
 * say, more readers than CPUs, and tiny batches and rings, so that 20,000
 * households cross thousands of batch and ring boundaries. */
static const dc_pipeline_shape shapes[] = {
    {.readers = 1},
    {.readers = 0},
    {.readers = 2},
    {.readers = 3},
    {.readers = 1, .batch = 7, .ring = 2},
    {.readers = 2, .batch = 7, .ring = 2},
    {.readers = 3, .batch = 1, .ring = 1},
    {.readers = 4, .batch = 64, .ring = 3},
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])
/* Whole imports take longer: one reader against these shapes. */
static const size_t import_shapes[] = {1, 3, 5};
/* Under ThreadSanitizer, ten times slower: the shapes with most handovers. */
static const size_t race_shapes[] = {1, 5, 6};
static const size_t *read_shapes;
static size_t nread_shapes;

/* ---- fixtures ---------------------------------------------------------- */

static int run(char *const *argv)
{
    pid_t pid;
    int status;
    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) return -1;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static void copy_map(const char *to)
{
    char *rm[] = {"/bin/rm", "-rf", (char *)to, NULL};
    char *cp[] = {"/bin/cp", "-r", (char *)map_dir, (char *)to, NULL};
    assert_int_equal(run(rm), 0);
    assert_int_equal(run(cp), 0);
}

/* The households.* of province folder @p province under @p dir. */
static const char *province_file(const char *dir, const char *province, const char *ext)
{
    static char path[4][1200];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s/households.%s", dir, province, ext);
    return p;
}

static void cut_to(const char *path, double fraction)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, (off_t)((double)st.st_size * fraction)), 0);
}

/*
 * bad: province 32's households.shp (Điện Biên, dataset 8 of the list)
 * cut short at 60 %, so its read fails after some households, and province
 * 33's .prj gone, so its read fails at once: whoever reads 33 fails before
 * whoever reads 32 does, and 32's error must still win.
 * late: only 33's fault. dup: province 10's households again, as a folder
 * read before it, so that ids repeat across datasets.
 */
static int setup_maps(void **state)
{
    (void)state;
    snprintf(bad_dir, sizeof bad_dir, "%s/bad", workdir);
    snprintf(late_dir, sizeof late_dir, "%s/late", workdir);
    snprintf(dup_dir, sizeof dup_dir, "%s/dup", workdir);
    copy_map(bad_dir);
    cut_to(province_file(bad_dir, "32-dien-bien", "shp"), 0.6);
    unlink(province_file(bad_dir, "33-yen-bai", "prj"));
    copy_map(late_dir);
    unlink(province_file(late_dir, "33-yen-bai", "prj"));
    copy_map(dup_dir);
    char folder[1200];
    snprintf(folder, sizeof folder, "%s/02-copy-of-ha-noi", dup_dir);
    mkdir(folder, 0755);
    static const char *const exts[] = {"shp", "shx", "dbf", "prj", "cpg"};
    for (size_t k = 0; k < 5; k++) {
        char *cp[] = {"/bin/cp", (char *)province_file(dup_dir, "10-ha-noi", exts[k]),
                      folder, NULL};
        if (run(cp) != 0) return -1;
    }
    return 0;
}

static int teardown_maps(void **state)
{
    (void)state;
    dc_pipeline_set_shape(NULL);
    GDALDestroy();
    return 0;
}

/* ---- what the consumer sees -------------------------------------------- */

/* Households seen, hashed in order (FNV-1a over every field). */
typedef struct tally {
    uint64_t n, hash;
    uint64_t stop_at; /* return stop_rc at this household; 0: never */
    int stop_rc;
} tally;

static void mix(tally *t, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t k = 0; k < len; k++)
        t->hash = (t->hash ^ p[k]) * 1099511628211u;
}

static void mix_text(tally *t, const char *s)
{
    if (s)
        mix(t, s, strlen(s) + 1);
    else
        mix(t, "\xff", 1);
}

static int count_household(void *ctx, dc_source_household *hh)
{
    tally *t = ctx;
    mix_text(t, hh->origin.source);
    mix_text(t, hh->origin.layer);
    mix(t, &hh->origin.fid, sizeof hh->origin.fid);
    unsigned char flags = (unsigned char)(hh->has_point | hh->not_point << 1);
    mix(t, &flags, 1);
    if (hh->has_point) {
        mix(t, &hh->lat, sizeof hh->lat);
        mix(t, &hh->lon, sizeof hh->lon);
    }
    for (int i = 0; i < DC_HH_ROLES; i++)
        mix_text(t, hh->fields[i]);
    t->n++;
    return t->stop_at && t->n == t->stop_at ? t->stop_rc : 0;
}

static tally new_tally(uint64_t stop_at, int stop_rc)
{
    return (tally){.hash = 14695981039346656037u, .stop_at = stop_at, .stop_rc = stop_rc};
}

static dc_source_list *open_list(const char *dir)
{
    dc_source_list *list = NULL;
    dc_error err = {0};
    const char *paths[1] = {dir};
    assert_int_equal(dc_source_list_open(paths, 1, &list, &err), DC_OK);
    return list;
}

/* One thread, one dataset after another: what the pipeline must match. */
static dc_err plain_read(const dc_source_list *list, tally *t, dc_source_problem *problem)
{
    dc_source_options opt = {0};
    memset(problem, 0, sizeof *problem);
    dc_err rc = DC_OK;
    for (size_t i = 0; rc == DC_OK && i < dc_source_list_count(list); i++)
        rc = dc_source_read_households(list, i, &opt, count_household, t, problem);
    return rc;
}

static dc_err piped_read(const dc_source_list *list, const dc_pipeline_shape *shape,
                         tally *t, dc_source_problem *problem)
{
    dc_source_options opt = {0};
    dc_pipeline_set_shape(shape);
    dc_err rc = dc_read_households_piped(list, &opt, count_household, t, problem);
    dc_pipeline_set_shape(NULL);
    return rc;
}

static void assert_same_problem(const dc_source_problem *a, const dc_source_problem *b)
{
    assert_string_equal(a->code ? a->code : "", b->code ? b->code : "");
    assert_string_equal(a->source ? a->source : "", b->source ? b->source : "");
    assert_string_equal(a->layer ? a->layer : "", b->layer ? b->layer : "");
    assert_string_equal(a->message, b->message);
}

/* ---- the pipeline against a plain read --------------------------------- */

static void test_order_as_one_reader(void **state)
{
    (void)state;
    dc_source_list *list = open_list(map_dir);
    dc_source_problem want_problem, problem;
    tally want = new_tally(0, 0);
    assert_int_equal(plain_read(list, &want, &want_problem), DC_OK);
    assert_int_equal(want.n, 20000);
    for (size_t k = 0; k < nread_shapes; k++) {
        tally got = new_tally(0, 0);
        assert_int_equal(piped_read(list, &shapes[read_shapes[k]], &got, &problem),
                         DC_OK);
        assert_int_equal(got.n, want.n);
        assert_true(got.hash == want.hash);
        assert_null(problem.code);
    }
    dc_source_list_close(list);
}

/* The consumer stops at the first household, inside a batch, on a batch's
 * last household, and at the very last: the readers stop, nothing after is
 * delivered, and the callback's value comes back. */
static void test_consumer_stops(void **state)
{
    (void)state;
    dc_source_list *list = open_list(map_dir);
    dc_source_problem problem;
    static const uint64_t stops[] = {1, 5, 7, 14, 4096, 4097, 12345, 20000};
    for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
        tally want = new_tally(stops[k], 42);
        assert_int_equal(plain_read(list, &want, &problem), 42);
        for (size_t s = 0; s < nread_shapes; s++) {
            tally got = new_tally(stops[k], 42);
            assert_int_equal(piped_read(list, &shapes[read_shapes[s]], &got, &problem),
                             42);
            assert_int_equal(got.n, stops[k]);
            assert_true(got.hash == want.hash);
            assert_null(problem.code);
        }
    }
    dc_source_list_close(list);
}

/* Readers started before the consumer is ready (the importer starts them
 * before the zones): with the consumer late, every ring fills and the
 * readers wait, and what is then delivered is still the plain read; a
 * pipeline freed without being consumed stops its waiting readers. */
static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, ms % 1000 * 1000000L};
    nanosleep(&t, NULL);
}

static void test_started_early(void **state)
{
    (void)state;
    dc_source_list *list = open_list(map_dir);
    dc_source_options opt = {0};
    dc_source_problem want_problem, problem;
    tally want = new_tally(0, 0);
    assert_int_equal(plain_read(list, &want, &want_problem), DC_OK);
    for (size_t k = 0; k < nread_shapes; k++) {
        dc_pipeline_set_shape(&shapes[read_shapes[k]]);
        dc_pipeline *p = dc_pipeline_start(list, &opt);
        assert_non_null(p);
        pause_ms(200); /* the rings of the small shapes fill meanwhile */
        tally got = new_tally(0, 0);
        assert_int_equal(dc_pipeline_consume(p, count_household, &got, &problem), DC_OK);
        dc_pipeline_free(p);
        assert_int_equal(got.n, want.n);
        assert_true(got.hash == want.hash);
        assert_null(problem.code);
        p = dc_pipeline_start(list, &opt);
        assert_non_null(p);
        pause_ms(50);
        dc_pipeline_free(p); /* never consumed */
        dc_pipeline_set_shape(NULL);
    }
    dc_source_list_close(list);
}

/* A dataset that fails part-way (a .shp cut short) before one that fails at
 * once (no .prj): the first in list order wins, after every household
 * before it and those the failing dataset gave, as with one reader. */
static void test_first_error_in_order(void **state)
{
    (void)state;
    const char *dirs[2] = {bad_dir, late_dir};
    const char *codes[2] = {"read_failed", "no_crs"};
    const char *provinces[2] = {"32-dien-bien", "33-yen-bai"};
    for (int d = 0; d < 2; d++) {
        dc_source_list *list = open_list(dirs[d]);
        dc_source_problem want_problem, problem;
        tally want = new_tally(0, 0);
        dc_err want_rc = plain_read(list, &want, &want_problem);
        assert_int_not_equal(want_rc, DC_OK);
        assert_string_equal(want_problem.code, codes[d]);
        assert_non_null(strstr(want_problem.source, provinces[d]));
        for (size_t k = 0; k < nread_shapes; k++) {
            tally got = new_tally(0, 0);
            assert_int_equal(piped_read(list, &shapes[read_shapes[k]], &got, &problem),
                             want_rc);
            assert_int_equal(got.n, want.n);
            assert_true(got.hash == want.hash);
            assert_same_problem(&problem, &want_problem);
        }
        dc_source_list_close(list);
    }
}

/* The consumer stops inside the dataset that fails, before its failure:
 * its value wins over the error it never reached. */
static void test_stop_before_error(void **state)
{
    (void)state;
    dc_source_list *list = open_list(bad_dir);
    dc_source_problem problem;
    tally all = new_tally(0, 0);
    assert_int_not_equal(plain_read(list, &all, &problem), DC_OK);
    for (size_t k = 0; k < nread_shapes; k++) {
        tally got = new_tally(all.n - 3, 9);
        assert_int_equal(piped_read(list, &shapes[read_shapes[k]], &got, &problem), 9);
        assert_int_equal(got.n, all.n - 3);
        assert_null(problem.code);
    }
    dc_source_list_close(list);
}

/* ---- whole imports ----------------------------------------------------- */

typedef struct outcome {
    dc_err rc;
    dc_error err;
    dc_import_summary summary;
} outcome;

static void import_map(const char *dir, const dc_pipeline_shape *shape, const char *index,
                       const char *report, outcome *out)
{
    const char *paths[1] = {dir};
    dc_import_config cfg = {
        .zone_paths = paths,
        .nzone_paths = 1,
        .household_paths = paths,
        .nhousehold_paths = 1,
        .output = index,
        .report = report,
        .max_errors = -1,
    };
    unlink(index);
    unlink(report);
    memset(out, 0, sizeof *out);
    dc_pipeline_set_shape(shape);
    out->rc = dc_import_run(&cfg, &out->summary, &out->err);
    dc_pipeline_set_shape(NULL);
}

static void assert_same_summary(const dc_import_summary *a, const dc_import_summary *b)
{
    assert_int_equal(a->zone_features, b->zone_features);
    assert_int_equal(a->zones, b->zones);
    assert_int_equal(a->households_read, b->households_read);
    assert_int_equal(a->households, b->households);
    assert_int_equal(a->rejected, b->rejected);
    assert_int_equal(a->warnings, b->warnings);
    assert_memory_equal(a->rejected_by, b->rejected_by, sizeof a->rejected_by);
    assert_memory_equal(a->warned_by, b->warned_by, sizeof a->warned_by);
    assert_int_equal(a->shared_doors, b->shared_doors);
    assert_int_equal(a->codes, b->codes);
    assert_int_equal(a->index_bytes, b->index_bytes);
    assert_string_equal(a->fingerprint_hex, b->fingerprint_hex);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return data;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t alen = 0, blen = 0;
    char *x = slurp(a, &alen), *y = slurp(b, &blen);
    assert_true((x == NULL) == (y == NULL));
    if (x) {
        assert_int_equal(alen, blen);
        assert_memory_equal(x, y, alen);
    }
    free(x);
    free(y);
}

static const char *work_file(const char *name, size_t s)
{
    static char path[4][1100];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s-%zu", workdir, name, s);
    return p;
}

/* Every shape's import of @p dir against the single reader's: the same
 * outcome and message, summary, report and index bytes. */
static void assert_imports_agree(const char *dir, dc_err want_rc)
{
    outcome *one = calloc(1, sizeof *one), *other = calloc(1, sizeof *other);
    assert_non_null(one);
    assert_non_null(other);
    import_map(dir, &shapes[0], work_file("index", 0), work_file("report", 0), one);
    assert_int_equal(one->rc, want_rc);
    for (size_t k = 0; k < sizeof import_shapes / sizeof import_shapes[0]; k++) {
        size_t s = import_shapes[k];
        import_map(dir, &shapes[s], work_file("index", s), work_file("report", s), other);
        assert_int_equal(other->rc, one->rc);
        assert_string_equal(other->err.message, one->err.message);
        assert_same_summary(&other->summary, &one->summary);
        assert_same_file(work_file("report", s), work_file("report", 0));
        assert_same_file(work_file("index", s), work_file("index", 0));
    }
    free(one);
    free(other);
}

static void test_import_same_index(void **state)
{
    (void)state;
    assert_imports_agree(map_dir, DC_OK);
}

/* Ids repeated across datasets: the same household is kept, the same ones
 * reported as duplicates. */
static void test_import_same_duplicates(void **state)
{
    (void)state;
    outcome *o = calloc(1, sizeof *o);
    assert_non_null(o);
    import_map(dup_dir, &shapes[1], work_file("index", 99), work_file("report", 99), o);
    assert_int_equal(o->rc, DC_OK);
    assert_true(o->summary.rejected_by[DC_REJECT_DUPLICATE_ID] > 0);
    free(o);
    assert_imports_agree(dup_dir, DC_OK);
}

static void test_import_same_error(void **state)
{
    (void)state;
    outcome *o = calloc(1, sizeof *o);
    assert_non_null(o);
    import_map(bad_dir, &shapes[1], work_file("index", 99), work_file("report", 99), o);
    assert_int_not_equal(o->rc, DC_OK);
    /* The message names the file cut short, not the later one. */
    assert_non_null(strstr(o->err.message, "32-dien-bien/households.shp"));
    assert_null(strstr(o->err.message, "33-yen-bai"));
    assert_int_equal(access(work_file("index", 99), F_OK), -1);
    free(o);
    assert_imports_agree(bad_dir, DC_E_INVALID_ARG);
}

int main(int argc, char **argv)
{
    static const size_t all_shapes[NSHAPES] = {0, 1, 2, 3, 4, 5, 6, 7};
    const char *mode = argc == 4 ? argv[3] : "";
    if (strcmp(mode, "read") && strcmp(mode, "race") && strcmp(mode, "import")) {
        fprintf(stderr, "usage: %s MAP WORKDIR read|race|import\n", argv[0]);
        return 2;
    }
    bool race = strcmp(mode, "race") == 0;
    read_shapes = race ? race_shapes : all_shapes;
    nread_shapes = race ? sizeof race_shapes / sizeof race_shapes[0] : NSHAPES;
    map_dir = argv[1];
    workdir = argv[2];
    mkdir(workdir, 0755);
    /* The index's build time, so that two imports give the same bytes. */
    setenv("SOURCE_DATE_EPOCH", "1796538000", 1);
    GDALAllRegister();
    const struct CMUnitTest reads[] = {
        cmocka_unit_test(test_order_as_one_reader),
        cmocka_unit_test(test_consumer_stops),
        cmocka_unit_test(test_started_early),
        cmocka_unit_test(test_first_error_in_order),
        cmocka_unit_test(test_stop_before_error),
    };
    const struct CMUnitTest imports[] = {
        cmocka_unit_test(test_import_same_index),
        cmocka_unit_test(test_import_same_duplicates),
        cmocka_unit_test(test_import_same_error),
    };
    if (strcmp(mode, "import") != 0)
        return cmocka_run_group_tests_name("pipeline", reads, setup_maps, teardown_maps);
    return cmocka_run_group_tests_name("pipeline_import", imports, setup_maps,
                                       teardown_maps);
}
