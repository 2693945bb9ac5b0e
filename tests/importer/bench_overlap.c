/*
 * bench_overlap.c - the zones phase's overlap step on fractal maps: the
 * quadratic exact test it replaced (with GEOS measuring each overlap)
 * against dc_overlaps_find, in the same run.
 *
 *   bench_overlap [--zones N] [--segments MIN-MAX] [--threads T]
 *                 [--old-seconds S] [--phase] [--seed K] [--map PATH]
 *
 * N zones on a jittered grid of 0.05 degree cells; each of a zone's four
 * borders has MIN..MAX segments (default 500-2500: 2,000 to 10,000
 * vertices a zone), drawn by midpoint displacement, and every shared
 * border is digitised twice with up to 0.5 m of disagreement, so every
 * pair of neighbours overlaps in slivers. The old algorithm runs on pairs
 * in random order until S seconds (default 30) are spent, and its total
 * is extrapolated from the pairs it finished (said so in the output).
 * --phase also times the whole zones phase (dc_zoneset_add for every
 * zone: validity, then dc_zoneset_finish: merge, encode, overlaps,
 * locator). --map reads the zones of PATH instead (a dataset or a folder
 * of them, as diachi-import --zones reads it, in WGS 84), one zone a
 * feature. Not part of CTest; never asserts on time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cpl_error.h>
#include <gdal.h>

#include "overlap.h"
#include "overlap_support.h"
#include "source.h"
#include "zones.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU seconds of every thread: on a shared machine, wall time is not ours. */
static double cpu(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

typedef struct options {
    size_t zones;
    int min_seg, max_seg;
    unsigned threads;
    double old_seconds;
    int phase;
    uint64_t seed;
    const char *map;
} options;

static int parse(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--phase")) {
            o->phase = 1;
            continue;
        }
        if (!v) return -1;
        if (!strcmp(argv[i], "--zones"))
            o->zones = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--segments")) {
            if (sscanf(v, "%d-%d", &o->min_seg, &o->max_seg) != 2) return -1;
        } else if (!strcmp(argv[i], "--threads"))
            o->threads = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--old-seconds"))
            o->old_seconds = strtod(v, NULL);
        else if (!strcmp(argv[i], "--seed"))
            o->seed = strtoull(v, NULL, 10);
        else if (!strcmp(argv[i], "--map"))
            o->map = v;
        else
            return -1;
        i++;
    }
    return o->zones > 0 && o->min_seg >= 2 && o->max_seg >= o->min_seg ? 0 : -1;
}

typedef struct pair {
    size_t i, j;
} pair;

/* The pairs the old code tried: bounding boxes overlapping, not touching. */
static pair *candidates(const dc_polygon *p, size_t n, size_t *npairs)
{
    int32_t(*bb)[4] = malloc(n * sizeof *bb);
    size_t cap = 16 * n + 16, k = 0;
    pair *pairs = malloc(cap * sizeof *pairs);
    for (size_t i = 0; i < n; i++)
        dc_polygon_bbox(&p[i], &bb[i][0], &bb[i][1], &bb[i][2], &bb[i][3]);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (bb[i][0] < bb[j][2] && bb[j][0] < bb[i][2] && bb[i][1] < bb[j][3] &&
                bb[j][1] < bb[i][3]) {
                if (k == cap) pairs = realloc(pairs, (cap *= 2) * sizeof *pairs);
                pairs[k].i = i;
                pairs[k++].j = j;
            }
    free(bb);
    *npairs = k;
    return pairs;
}

static double geos_area(OGRGeometryH a, OGRGeometryH b)
{
    OGRGeometryH x = OGR_G_Intersection(a, b);
    double area = x ? OGR_G_Area(x) : 0.0;
    OGR_G_DestroyGeometry(x);
    return area;
}

/* The area dc_overlaps_find gave pair (i, j), 0 when it gave none. */
static double found_area(const dc_overlap *found, size_t nfound, size_t i, size_t j)
{
    size_t lo = 0, hi = nfound;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (found[mid].i < i || (found[mid].i == i && found[mid].j < j))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nfound && found[lo].i == i && found[lo].j == j ? found[lo].area_deg2 : 0;
}

/* The old step on shuffled pairs until the budget is spent; compares each
 * answer with the new one. */
static void run_old(const options *o, const dc_polygon *polygons, OGRGeometryH *zones,
                    const dc_overlap *found, size_t nfound)
{
    size_t npairs;
    pair *pairs = candidates(polygons, o->zones, &npairs);
    uint64_t rng = o->seed + 99;
    for (size_t k = npairs; k > 1; k--) {
        size_t r = (size_t)(support_rand(&rng) % k);
        pair t = pairs[k - 1];
        pairs[k - 1] = pairs[r];
        pairs[r] = t;
    }
    double t0 = now(), c0 = cpu(), exact = 0, measure = 0, worst = 0;
    size_t done = 0, differ = 0;
    for (; done < npairs && now() - t0 < o->old_seconds; done++) {
        pair p = pairs[done];
        double t1 = now();
        bool overlap = ref_polygons_overlap(&polygons[p.i], &polygons[p.j]);
        double t2 = now();
        double area = overlap ? geos_area(zones[p.i], zones[p.j]) : 0;
        measure += now() - t2;
        exact += t2 - t1;
        double mine = found_area(found, nfound, p.i, p.j);
        if ((area > 0) != (mine > 0)) differ++;
        if (area > 0 && mine > 0) worst = fmax(worst, fabs(mine - area) / area);
    }
    double scale = done ? (double)npairs / (double)done : 0;
    printf("old: %zu of %zu pairs in %.2f s wall (%.2f s CPU; exact test %.2f s, GEOS "
           "area %.2f s wall), one thread\n",
           done, npairs, exact + measure, cpu() - c0, exact, measure);
    printf("old: %s %.1f s for all pairs (exact test %.1f s, GEOS area %.1f s)\n",
           done < npairs ? "extrapolated" : "measured", (exact + measure) * scale,
           exact * scale, measure * scale);
    printf("agreement on those pairs: %zu differ in overlap yes/no; largest relative "
           "area difference %.2g\n",
           differ, worst);
    free(pairs);
}

/* FNV-1a over every pair and the bits of its area: two runs that print
 * the same digest found the same pairs and the same areas, bit for bit. */
static uint64_t digest(const dc_overlap *found, size_t nfound)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t k = 0; k < nfound; k++) {
        uint64_t v[3] = {found[k].i, found[k].j, 0};
        memcpy(&v[2], &found[k].area_deg2, sizeof v[2]);
        for (int w = 0; w < 3; w++)
            for (int byte = 0; byte < 8; byte++)
                h = (h ^ ((v[w] >> (8 * byte)) & 0xff)) * 0x100000001b3u;
    }
    return h;
}

static double run_new(const options *o, unsigned threads, const dc_polygon *polygons,
                      OGRGeometryH *zones, dc_overlap **found, size_t *nfound)
{
    double t0 = now(), c0 = cpu();
    if (dc_overlaps_find(polygons, zones, o->zones, threads, found, nfound) != DC_OK) {
        fprintf(stderr, "out of memory\n");
        exit(3);
    }
    double t = now() - t0;
    double c = cpu() - c0;
    printf("new: %.3f s wall (%.3f s CPU) on %u thread(s), %zu overlapping pairs, "
           "digest %016llx\n",
           t, c, threads, *nfound, (unsigned long long)digest(*found, *nfound));
    return t;
}

typedef struct map_zones {
    OGRGeometryH *zones;
    size_t n, cap, vertices;
} map_zones;

static int keep_zone(void *ctx, dc_source_zone *zone)
{
    map_zones *m = ctx;
    if (!zone->geometry) return 0;
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 1024;
        m->zones = realloc(m->zones, m->cap * sizeof *m->zones);
        if (!m->zones) return 1;
    }
    OGRGeometryH g = OGR_G_ForceToMultiPolygon(OGR_G_Clone(zone->geometry));
    m->zones[m->n++] = g;
    for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(g, i);
        for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++)
            m->vertices += (size_t)OGR_G_GetPointCount(OGR_G_GetGeometryRef(poly, r)) - 1;
    }
    return 0;
}

/* The zones of @p path, each feature one zone; exits when it cannot. */
static size_t read_map(const char *path, OGRGeometryH **zones, size_t *vertices)
{
    dc_source_list *list = NULL;
    dc_error err;
    dc_source_options opt;
    memset(&opt, 0, sizeof opt);
    map_zones m = {NULL, 0, 0, 0};
    if (dc_source_list_open(&path, 1, &list, &err) != DC_OK) {
        fprintf(stderr, "%s: cannot open\n", path);
        exit(3);
    }
    for (size_t i = 0; i < dc_source_list_count(list); i++) {
        dc_source_problem problem;
        if (dc_source_list_feature_count(list, i, DC_LAYER_ZONES) <= 0) continue;
        if (dc_source_read_zones(list, i, &opt, keep_zone, &m, &problem) != DC_OK) {
            fprintf(stderr, "%s: %s\n", dc_source_list_path(list, i), problem.message);
            exit(3);
        }
    }
    dc_source_list_close(list);
    *zones = m.zones;
    *vertices = m.vertices;
    return m.n;
}

/* The whole zones phase as the importer runs it. */
static void run_phase(const options *o, OGRGeometryH *zones)
{
    dc_import_summary summary;
    memset(&summary, 0, sizeof summary);
    dc_report report = {NULL, NULL, &summary};
    dc_zoneset zs;
    dc_zoneset_init(&zs, &report);
    double t0 = now(), c0 = cpu();
    for (size_t z = 0; z < o->zones; z++) {
        char postcode[24];
        snprintf(postcode, sizeof postcode, "%05zu", (10000 + z) % 100000);
        dc_source_zone sz;
        memset(&sz, 0, sizeof sz);
        sz.origin.source = "bench";
        sz.origin.layer = "zones";
        sz.origin.fid = (int64_t)z;
        sz.geometry = zones[z];
        sz.fields[DC_ZONE_POSTCODE] = postcode;
        dc_zoneset_add(&zs, &sz);
    }
    double t1 = now();
    dc_error err;
    dc_err rc = dc_zoneset_finish(&zs, &err);
    double t2 = now();
    printf("zones phase: add (validity) %.2f s, finish (merge, encode, overlaps, "
           "locator) %.2f s wall, %.2f s CPU in all, %zu zones kept%s\n",
           t1 - t0, t2 - t1, cpu() - c0, zs.nzones, rc == DC_OK ? "" : ", FAILED");
    dc_zoneset_free(&zs);
}

int main(int argc, char **argv)
{
    options o = {45, 500, 2500, 2, 30, 0, 1, NULL};
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: %s [--zones N] [--segments MIN-MAX] [--threads T] "
                "[--old-seconds S] [--phase] [--seed K] [--map PATH]\n",
                argv[0]);
        return 2;
    }
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    support_map_spec spec = {o.zones, o.min_seg, o.max_seg, 0.05, 0.5, o.seed};
    OGRGeometryH *zones = NULL;
    size_t vertices = 0;
    double t0 = now();
    if (o.map) {
        o.zones = read_map(o.map, &zones, &vertices);
    } else {
        zones = calloc(o.zones, sizeof *zones);
        vertices = support_fractal_map(&spec, zones);
    }
    dc_polygon *polygons = calloc(o.zones + 1, sizeof *polygons);
    for (size_t z = 0; z < o.zones; z++)
        polygons[z] = support_encode(zones[z]);
    if (o.map)
        printf("map: %zu zones, %zu vertices (%.0f a zone) from %s; read in %.1f s\n",
               o.zones, vertices, (double)vertices / (double)o.zones, o.map, now() - t0);
    else
        printf("map: %zu zones, %zu vertices (%.0f a zone), borders of %d-%d segments; "
               "made in %.1f s\n",
               o.zones, vertices, (double)vertices / (double)o.zones, o.min_seg,
               o.max_seg, now() - t0);
    dc_overlap *found = NULL;
    size_t nfound = 0;
    if (o.threads > 1) {
        run_new(&o, 1, polygons, zones, &found, &nfound);
        free(found);
    }
    run_new(&o, o.threads, polygons, zones, &found, &nfound);
    if (o.old_seconds > 0) run_old(&o, polygons, zones, found, nfound);
    free(found);
    if (o.phase) run_phase(&o, zones);
    for (size_t z = 0; z < o.zones; z++) {
        free((void *)polygons[z].data);
        OGR_G_DestroyGeometry(zones[z]);
    }
    free(zones);
    free(polygons);
    GDALDestroy();
    return 0;
}
