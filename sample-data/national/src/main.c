/*
 * main.c - diachi-gen-national: a synthetic national map for benchmarks.
 *
 * Plans the whole run first (households and zones per province, seeds, commune
 * numbering), so the output depends only on the arguments, never on how the
 * worker threads happen to interleave; then writes provinces in parallel, each
 * with its own OGR dataset and PROJ objects (GDAL allows that across threads).
 */
#include "national.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gdal.h>

#define EXIT_USAGE 2
#define EXIT_DATA 3
#define NATIONAL_HOUSEHOLDS 27000000ULL         /* Vietnam's households, 2019 census */
#define NATIONAL_ZONES 10000ULL                 /* about as many as communes and wards */
#define HOUSEHOLDS_PER_PROVINCE_MAX 99999999ULL /* HH_ID = prefix * 10^8 + n */
#define THREADS_MAX 16
#define NAT_BORDER_SPACING_M 4.0 /* 2,000 to 20,000 vertices a zone at 3,300 zones */

typedef struct nat_options {
    const char *out_dir;
    uint64_t households, zones, seed;
    int households_set, zones_set;
    int threads;
    int realistic;         /* --borders realistic */
    int simple_addresses;  /* --addresses simple: the addresses of before */
    int edition;           /* --edition 2025: the reform's zones, no households */
    double border_spacing; /* metres, for realistic borders */
    int selected[128];
    int selected_count;
} nat_options;

typedef struct nat_queue {
    pthread_mutex_t lock;
    nat_province_job **order;
    int next, count;
} nat_queue;

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: diachi-gen-national --out DIR [--households N] [--zones N]\n"
        "                           [--seed S] [--provinces LIST] [--threads N]\n"
        "\n"
        "Write a synthetic national map of household postal codes: one folder per\n"
        "province (DIR/32-dien-bien/zones.shp, households.shp), in the province's\n"
        "VN-2000 / TM-3 projection, with UTF-8 attributes.\n"
        "\n"
        "  --out DIR         output folder, created if missing (required)\n"
        "  --households N    households in total (default 27000000 for all 63\n"
        "                    provinces, or the selected provinces' share of it)\n"
        "  --zones N         postal zones in total (default 10000, or the share)\n"
        "  --seed S          64-bit seed; the same seed gives the same map (default 1)\n"
        "  --provinces LIST  comma-separated postcode prefixes or names, e.g.\n"
        "                    32,10,ho-chi-minh (default: all 63)\n"
        "  --threads N       provinces written at once (default: online CPUs)\n"
        "  --borders simple|realistic\n"
        "                    zone borders: 8-vertex rings sharing their vertices\n"
        "                    (default), or fractal lines each zone digitises\n"
        "                    again (sub-metre slivers between neighbours)\n"
        "  --border-spacing M  realistic borders' vertex spacing in metres\n"
        "                    (default 4: 2,000 to 20,000 vertices a zone at\n"
        "                    --zones 3300)\n"
        "  --addresses realistic|simple\n"
        "                    households' addresses: doors numbered along their\n"
        "                    street with alleys (12/3, 12/3/5), numbered wards\n"
        "                    (Phường 1..15) in the south's towns, hamlets named\n"
        "                    thôn, bản or ấp by region, groups tổ, tổ dân phố,\n"
        "                    khu phố or xóm (default); or simple: house numbers\n"
        "                    drawn at random, as before 2026-12 (the same files)\n"
        "  --edition 2025    the zones as the reform of 1 July 2025 left them,\n"
        "                    and DIR/history.csv (old_postcode,new_postcode,kind,\n"
        "                    effective_date), instead of the map: 63 provinces\n"
        "                    merged into 34, no districts, zones merged about\n"
        "                    three into one; no households (the doors do not\n"
        "                    move: give the map's own --households, --zones,\n"
        "                    --seed, --provinces and --borders)\n"
        "  --help            show this help\n");
}

static int usage_error(const char *fmt, const char *detail)
{
    fprintf(stderr, "diachi-gen-national: ");
    fprintf(stderr, fmt, detail);
    fprintf(stderr, "\nTry 'diachi-gen-national --help'.\n");
    return EXIT_USAGE;
}

/* Decimal (or 0x hex for seeds) with nothing trailing, within [min, max]. */
static int parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    if (!text || !*text || *text == '-' || *text == '+') return -1;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    if (errno || *end != '\0' || value < min || value > max) return -1;
    *out = value;
    return 0;
}

static int parse_provinces(nat_options *o, const char *list)
{
    char buffer[1024];
    if (strlen(list) >= sizeof buffer)
        return usage_error("--provinces list too long", "");
    strcpy(buffer, list);
    int seen[128] = {0};
    o->selected_count = 0;
    for (char *save = NULL, *key = strtok_r(buffer, ",", &save); key;
         key = strtok_r(NULL, ",", &save)) {
        int index = nat_province_find(key);
        if (index < 0)
            return usage_error("unknown province '%s' (a postcode prefix like 32, or a "
                               "name like dien-bien)",
                               key);
        if (!seen[index]) o->selected[o->selected_count++] = index;
        seen[index] = 1;
    }
    if (o->selected_count == 0) return usage_error("--provinces names no province%s", "");
    return 0;
}

static int parse_option(nat_options *o, const char *name, const char *value)
{
    uint64_t n;
    if (!value) return usage_error("%s needs a value", name);
    if (strcmp(name, "--out") == 0) {
        if (!*value || strlen(value) > NAT_OUT_DIR_MAX)
            return usage_error("--out needs a folder path of at most 900 bytes%s", "");
        o->out_dir = value;
    } else if (strcmp(name, "--households") == 0) {
        if (parse_u64(value, 1, 1000000000ULL, &o->households))
            return usage_error(
                "--households must be a whole number from 1 to 1000000000, not '%s'",
                value);
        o->households_set = 1;
    } else if (strcmp(name, "--zones") == 0) {
        if (parse_u64(value, 1, 99999, &o->zones))
            return usage_error("--zones must be a whole number from 1 to 99999, not '%s'",
                               value);
        o->zones_set = 1;
    } else if (strcmp(name, "--seed") == 0) {
        if (parse_u64(value, 0, UINT64_MAX, &o->seed))
            return usage_error("--seed must be an unsigned 64-bit number, not '%s'",
                               value);
    } else if (strcmp(name, "--threads") == 0) {
        if (parse_u64(value, 1, THREADS_MAX, &n))
            return usage_error("--threads must be from 1 to 16, not '%s'", value);
        o->threads = (int)n;
    } else if (strcmp(name, "--provinces") == 0) {
        return parse_provinces(o, value);
    } else if (strcmp(name, "--borders") == 0) {
        if (strcmp(value, "simple") != 0 && strcmp(value, "realistic") != 0)
            return usage_error("--borders must be simple or realistic, not '%s'", value);
        o->realistic = strcmp(value, "realistic") == 0;
    } else if (strcmp(name, "--addresses") == 0) {
        if (strcmp(value, "simple") != 0 && strcmp(value, "realistic") != 0)
            return usage_error("--addresses must be realistic or simple, not '%s'",
                               value);
        o->simple_addresses = strcmp(value, "simple") == 0;
    } else if (strcmp(name, "--edition") == 0) {
        if (strcmp(value, "2025") != 0)
            return usage_error("--edition must be 2025, not '%s'", value);
        o->edition = 2025;
    } else if (strcmp(name, "--border-spacing") == 0) {
        char *end = NULL;
        double spacing = strtod(value, &end);
        if (*end || !(spacing >= 0.5 && spacing <= 10000))
            return usage_error(
                "--border-spacing must be metres from 0.5 to 10000, not '%s'", value);
        o->border_spacing = spacing;
    } else {
        return usage_error("unknown option '%s'", name);
    }
    return 0;
}

/* Returns -1 after --help, 0 to run, or an exit code. */
static int parse_args(nat_options *o, int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (nat_options){.seed = 1,
                       .border_spacing = NAT_BORDER_SPACING_M,
                       .threads = cpus < 1             ? 1
                                  : cpus > THREADS_MAX ? THREADS_MAX
                                                       : (int)cpus};
    for (int i = 0; i < nat_province_count; i++)
        o->selected[i] = i;
    o->selected_count = nat_province_count;
    /* Options come in pairs: a name, then its value. */
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return -1;
        }
        int rc = parse_option(o, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
        if (rc) return rc;
    }
    if (!o->out_dir) return usage_error("--out DIR is required%s", "");
    return 0;
}

static uint64_t selected_weight(const nat_options *o)
{
    uint64_t sum = 0;
    for (int k = 0; k < o->selected_count; k++)
        sum += (uint64_t)nat_provinces[o->selected[k]].population_thousands;
    return sum;
}

static uint64_t national_weight(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < nat_province_count; i++)
        sum += (uint64_t)nat_provinces[i].population_thousands;
    return sum;
}

/* Cumulative floor: shares proportional to population, summing exactly.
 * No overflow: total <= 10^9 and weights sum to under 10^5. */
static uint64_t share(uint64_t total, uint64_t before, uint64_t weight, uint64_t sum)
{
    return total * (before + weight) / sum - total * before / sum;
}

static int plan_totals(nat_options *o)
{
    uint64_t sum = selected_weight(o), all = national_weight();
    if (!o->households_set) o->households = (NATIONAL_HOUSEHOLDS * sum + all / 2) / all;
    if (!o->zones_set) o->zones = (NATIONAL_ZONES * sum + all / 2) / all;
    if (o->households < 1) o->households = 1;
    if (o->zones < (uint64_t)o->selected_count) {
        if (o->zones_set) {
            char count[32];
            snprintf(count, sizeof count, "%d", o->selected_count);
            return usage_error("--zones must be at least the number of provinces (%s)",
                               count);
        }
        o->zones = (uint64_t)o->selected_count;
    }
    return 0;
}

static int plan_jobs(nat_options *o, nat_province_job *jobs)
{
    uint64_t sum = selected_weight(o), before = 0;
    uint64_t spare = o->zones - (uint64_t)o->selected_count;
    int zone_offset = 0;
    for (int k = 0; k < o->selected_count; k++) {
        const nat_province *p = &nat_provinces[o->selected[k]];
        uint64_t w = (uint64_t)p->population_thousands;
        nat_province_job *job = &jobs[k];
        *job = (nat_province_job){.province = o->selected[k], .out_dir = o->out_dir};
        job->households = share(o->households, before, w, sum);
        job->zone_count = 1 + (int)share(spare, before, w, sum);
        job->zone_offset = zone_offset;
        job->border_spacing = o->realistic ? o->border_spacing : 0;
        job->realistic_addresses = !o->simple_addresses;
        job->edition = o->edition;
        /* Keyed by the province, not its rank in the list: independent streams. */
        job->seed =
            rng_hash4(o->seed, 0x6e6174696f6e616cULL, (uint64_t)p->prefix_first, 0);
        zone_offset += job->zone_count;
        before += w;
        if (job->zone_count > nat_province_capacity(p))
            return usage_error(
                "--zones too large: %s would need more postcodes than its prefix allows",
                p->name);
        if (job->households > HOUSEHOLDS_PER_PROVINCE_MAX)
            return usage_error(
                "--households too large: %s would exceed 99,999,999 households", p->name);
    }
    return 0;
}

static int make_out_dir(const char *dir)
{
    char path[4096];
    if (strlen(dir) >= sizeof path) return -1;
    strcpy(path, dir);
    for (char *slash = path + 1; *slash; slash++) {
        if (*slash != '/') continue;
        *slash = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
        *slash = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static void *worker(void *arg)
{
    nat_queue *queue = arg;
    for (;;) {
        pthread_mutex_lock(&queue->lock);
        nat_province_job *job =
            queue->next < queue->count ? queue->order[queue->next++] : NULL;
        pthread_mutex_unlock(&queue->lock);
        if (!job) return NULL;
        nat_province_write(job);
    }
}

static int by_households_desc(const void *a, const void *b)
{
    const nat_province_job *x = *(nat_province_job *const *)a,
                           *y = *(nat_province_job *const *)b;
    return (x->households < y->households) - (x->households > y->households);
}

/* Largest provinces first, so the last one to finish is a small one. */
static void run_jobs(nat_province_job *jobs, int count, int threads)
{
    nat_province_job *order[128];
    for (int k = 0; k < count; k++)
        order[k] = &jobs[k];
    qsort(order, (size_t)count, sizeof order[0], by_households_desc);
    nat_queue queue = {PTHREAD_MUTEX_INITIALIZER, order, 0, count};
    pthread_t tid[THREADS_MAX];
    int started = 0;
    if (threads > count) threads = count;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&tid[started], NULL, worker, &queue) == 0) started++;
    worker(&queue);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Realistic borders: vertices per zone over the run, min / median / max. */
static void report_vertices(const nat_options *o, nat_province_job *jobs)
{
    uint32_t *all = malloc((size_t)o->zones * sizeof *all);
    size_t n = 0;
    for (int k = 0; all && k < o->selected_count; k++) {
        for (int z = 0; jobs[k].zone_vertices && z < jobs[k].zone_count; z++)
            all[n++] = jobs[k].zone_vertices[z];
        free(jobs[k].zone_vertices);
        jobs[k].zone_vertices = NULL;
    }
    if (n > 0) {
        qsort(all, n, sizeof *all, by_u32);
        printf("vertices/zone min %" PRIu32 ", median %" PRIu32 ", max %" PRIu32 "\n",
               all[0], all[n / 2], all[n - 1]);
    }
    free(all);
}

static int any_failed(const nat_province_job *jobs, int count)
{
    for (int k = 0; k < count; k++)
        if (jobs[k].failed) return 1;
    return 0;
}

/* The 2025 edition: how much of the map the overlap of provinces moved. */
static void report_edition(const nat_options *o, const nat_province_job *jobs)
{
    int cut = 0, bare = 0;
    for (int k = 0; k < o->selected_count; k++)
        cut += jobs[k].cut_zones, bare += jobs[k].bare_zones;
    printf("zones cut     %d (ground held by a lower postcode of another province), "
           "%d left with none\n",
           cut, bare);
}

static int report(const nat_options *o, nat_province_job *jobs, double seconds)
{
    uint64_t bytes = 0;
    int failed = 0;
    for (int k = 0; k < o->selected_count; k++) {
        if (jobs[k].failed) {
            fprintf(stderr, "diachi-gen-national: %s\n", jobs[k].error);
            failed = 1;
        }
        bytes += jobs[k].bytes;
    }
    printf("provinces     %d\n", o->selected_count);
    printf("zones         %" PRIu64 "\n", o->zones);
    printf("households    %" PRIu64 "\n", o->households);
    printf("seconds       %.2f\n", seconds);
    printf("households/s  %.0f\n", seconds > 0 ? (double)o->households / seconds : 0.0);
    printf("bytes written %" PRIu64 " (%.1f MiB)\n", bytes, (double)bytes / 1048576.0);
    if (o->realistic) report_vertices(o, jobs);
    if (o->edition) report_edition(o, jobs);
    return failed ? EXIT_DATA : 0;
}

int main(int argc, char **argv)
{
    static nat_province_job jobs[128];
    nat_options o;
    int rc = parse_args(&o, argc, argv);
    if (rc < 0) return 0;
    if (rc || (rc = plan_totals(&o)) || (rc = plan_jobs(&o, jobs))) return rc;
    char error[256];
    if (o.edition && nat_edition_plan(jobs, o.selected_count, error, sizeof error) != 0)
        return usage_error("%s", error);
    if (make_out_dir(o.out_dir) != 0) {
        fprintf(stderr, "diachi-gen-national: cannot create %s: %s\n", o.out_dir,
                strerror(errno));
        return EXIT_DATA;
    }
    GDALAllRegister();
    double start = now_seconds();
    if (o.edition) { /* the map's zones in WGS 84 first: the new ones are cut by them */
        for (int k = 0; k < o.selected_count; k++)
            jobs[k].edition_pass = 1, jobs[k].run = jobs,
            jobs[k].run_count = o.selected_count;
        run_jobs(jobs, o.selected_count, o.threads);
        for (int k = 0; k < o.selected_count; k++)
            jobs[k].edition_pass = 2;
    }
    if (!o.edition || !any_failed(jobs, o.selected_count))
        run_jobs(jobs, o.selected_count, o.threads);
    rc = report(&o, jobs, now_seconds() - start);
    if (o.edition && rc == 0 &&
        nat_edition_write_history(o.out_dir, jobs, o.selected_count)) {
        fprintf(stderr, "diachi-gen-national: cannot write %s/history.csv: %s\n",
                o.out_dir, strerror(errno));
        rc = EXIT_DATA;
    }
    for (int k = 0; k < o.selected_count; k++) {
        free(jobs[k].history);
        nat_edition_free_footprints(&jobs[k]);
    }
    return rc;
}
