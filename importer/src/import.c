/*
 * import.c - dc_import_run: zones, then households, then the index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__ /* defined by the headers above */
#include <malloc.h> /* malloc_trim */
#endif

#include "diachi/import.h"
#include "editions.h"
#include "households.h"
#include "layers.h"
#include "pipeline.h"
#include "report.h"
#include "source.h"
#include "zones.h"

#define DC_PROGRESS_EVERY 65536

typedef struct dc_import {
    const dc_import_config *cfg;
    dc_import_summary *summary;
    dc_report report;
    dc_zoneset zones;
    dc_householdset households;
    dc_index_build_input build; /* zones, sources, time: the writer's */
    dc_source_info *sources;
    dc_index_writer *writer;
    dc_layerset layers; /* skipped and empty layers */
    dc_source_list *zone_sources, *household_sources;
    dc_source_options zone_opt, household_opt;
    uint64_t household_total; /* features, for progress */
    dc_pipeline *pipe;        /* the household readers, started before the zones */
    dc_editions editions;     /* the earlier editions' zones and the history */
    /* The earlier editions' zone paths, open until the end: the layers'
     * counts and report rows point at their names. */
    dc_source_list **earlier_sources;
    size_t nearlier_sources;
} dc_import;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An unknown role, with the roles there are: the fix is in the message. */
static dc_err unknown_role(dc_layer_kind kind, const char *role, const char *map,
                           dc_error *err)
{
    char roles[128] = "";
    size_t used = 0;
    for (int r = 0; r < dc_role_count(kind) && used < sizeof roles; r++) {
        int w = snprintf(roles + used, sizeof roles - used, "%s%s", r ? " " : "",
                         dc_role_name(kind, r));
        if (w > 0) used += (size_t)w;
    }
    return dc_error_set(err, DC_E_INVALID_ARG, "unknown %s role '%s' in '%s'; roles: %s",
                        kind == DC_LAYER_ZONES ? "zone" : "household", role, map, roles);
}

/* "role=FIELD" mappings into the per-role field names. */
static dc_err map_fields(dc_layer_kind kind, const char *const *maps, size_t n,
                         dc_source_options *opt, dc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(maps[i], '=');
        char role[32];
        size_t len = eq ? (size_t)(eq - maps[i]) : 0;
        if (!eq || len == 0 || len >= sizeof role || !eq[1])
            return dc_error_set(err, DC_E_INVALID_ARG,
                                "field mapping '%s' is not ROLE=FIELD", maps[i]);
        memcpy(role, maps[i], len);
        role[len] = '\0';
        int r = dc_role_find(kind, role);
        if (r < 0) return unknown_role(kind, role, maps[i], err);
        opt->fields[r] = eq + 1;
    }
    return DC_OK;
}

static dc_err layer_problem(dc_error *err, const dc_source_problem *p)
{
    return dc_error_set(err, DC_E_INVALID_ARG, "%s%s%s: %s (%s)",
                        p->source ? p->source : "", p->layer ? ", layer " : "",
                        p->layer ? p->layer : "", p->message, p->code);
}

/* Counts a judged zone feature for its layer. */
static void count_zone(void *ctx, const dc_feature_origin *origin, bool kept)
{
    dc_import *im = ctx;
    dc_layerset_count(&im->layers, DC_LAYER_ZONES, origin, kept);
}

/* The zones of @p sources into @p zs: read, judged on every CPU, merged
 * and encoded. */
static dc_err read_zoneset(dc_import *im, dc_source_list *sources, dc_zoneset *zs,
                           dc_error *err)
{
    dc_source_problem problem;
    uint64_t announced = 0;
    uint64_t rejected = im->summary->rejected;
    if (dc_layerset_survey(&im->layers, sources, DC_LAYER_ZONES, &im->zone_opt,
                           &announced))
        return dc_error_set(err, DC_E_NOMEM, "out of memory listing zone layers");
    /* Zones are read as they are, then reprojected, validated and
     * repaired on every CPU, and reported in the order read. */
    dc_err rc = dc_zoneset_judge_early(zs, announced);
    for (size_t i = 0; rc == DC_OK && i < dc_source_list_count(sources); i++) {
        memset(&problem, 0, sizeof problem);
        rc = dc_source_read_zones(sources, i, &im->zone_opt, dc_zoneset_take, zs,
                                  &problem);
    }
    dc_zoneset_judge(zs, 0, count_zone, im);
    if (rc == DC_E_NOMEM) return dc_error_set(err, rc, "out of memory reading zones");
    if (rc != DC_OK) return layer_problem(err, &problem);
    dc_layerset_report_empty(&im->layers, DC_LAYER_ZONES);
    im->summary->zone_features += zs->nfeatures + im->summary->rejected - rejected;
    return dc_zoneset_finish(zs, err);
}

/* The zones of every earlier edition, each from its own paths. */
static dc_err read_earlier_zones(dc_import *im, dc_error *err)
{
    const dc_import_config *cfg = im->cfg;
    const char *outputs[3] = {cfg->report, cfg->output, cfg->history};
    dc_err rc = DC_OK;
    if (cfg->neditions < 2) return DC_OK;
    im->earlier_sources = calloc(cfg->neditions, sizeof *im->earlier_sources);
    if (!im->earlier_sources) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    for (size_t e = 0; rc == DC_OK && e + 1 < cfg->neditions; e++) {
        dc_zoneset_init(&im->editions.earlier[e], &im->report);
        rc = dc_source_list_open_except(cfg->editions[e].zone_paths,
                                        cfg->editions[e].nzone_paths, outputs, 3,
                                        &im->earlier_sources[e], err);
        if (rc == DC_OK) im->nearlier_sources = e + 1;
        if (rc == DC_OK)
            rc = read_zoneset(im, im->earlier_sources[e], &im->editions.earlier[e], err);
    }
    return rc;
}

static dc_err read_zones(dc_import *im, dc_error *err)
{
    dc_err rc = read_earlier_zones(im, err);
    if (rc == DC_OK) rc = read_zoneset(im, im->zone_sources, &im->zones, err);
    if (rc == DC_OK) rc = dc_editions_reconcile(&im->editions, &im->zones, err);
    return rc;
}

/* Counts households for the progress bar on their way to the set. */
static int add_household(void *ctx, dc_source_household *hh)
{
    dc_import *im = ctx;
    size_t before = im->households.n;
    int rc = dc_householdset_add(&im->households, hh);
    dc_layerset_count(&im->layers, DC_LAYER_HOUSEHOLDS, &hh->origin,
                      im->households.n > before);
    if (im->cfg->progress && im->households.read % DC_PROGRESS_EVERY == 0)
        im->cfg->progress(im->cfg->progress_ctx, "households", im->households.read,
                          im->household_total);
    return rc;
}

/* The household layers: those skipped are reported, and the features of
 * those read size the arrays and the progress bar's total. */
static dc_err survey_households(dc_import *im, dc_error *err)
{
    if (dc_layerset_survey(&im->layers, im->household_sources, DC_LAYER_HOUSEHOLDS,
                           &im->household_opt, &im->household_total) != DC_OK)
        return dc_error_set(err, DC_E_NOMEM, "out of memory listing household layers");
    return DC_OK;
}

static dc_err read_households(dc_import *im, dc_error *err)
{
    dc_source_problem problem;
    memset(&problem, 0, sizeof problem);
    dc_err rc = im->pipe
                    ? dc_pipeline_consume(im->pipe, add_household, im, &problem)
                    : dc_read_households_piped(im->household_sources, &im->household_opt,
                                               add_household, im, &problem);
    if (im->households.writer_rc != DC_OK) return im->households.writer_rc; /* in err */
    if (rc == DC_E_NOMEM)
        return dc_error_set(err, rc, "out of memory reading households");
    if (rc != DC_OK) return layer_problem(err, &problem);
    if (im->cfg->progress)
        im->cfg->progress(im->cfg->progress_ctx, "households", im->households.read,
                          im->household_total);
    rc = dc_householdset_finish(&im->households);
    if (rc != DC_OK) return rc;
    dc_layerset_report_empty(&im->layers, DC_LAYER_HOUSEHOLDS);
    im->summary->households_read = im->households.read;
    return DC_OK;
}

/* --strict and --max-errors: an index is only written within the limits. */
static dc_err check_limits(const dc_import *im, dc_error *err)
{
    const dc_import_config *cfg = im->cfg;
    const dc_import_summary *s = im->summary;
    const char *see = cfg->report ? "; see the report " : "";
    const char *path = cfg->report ? cfg->report : "";
    if (cfg->strict && s->rejected + s->warnings > 0)
        return dc_error_set(
            err, DC_E_REJECTED,
            "--strict: %llu rejected and %llu warnings%s%s; no index written",
            (unsigned long long)s->rejected, (unsigned long long)s->warnings, see, path);
    if (cfg->max_errors >= 0 && s->rejected > (uint64_t)cfg->max_errors)
        return dc_error_set(
            err, DC_E_REJECTED,
            "%llu features rejected, more than --max-errors %lld%s%s; no index "
            "written",
            (unsigned long long)s->rejected, (long long)cfg->max_errors, see, path);
    return DC_OK;
}

/*
 * An import that yields no household, or fewer than half the households of
 * the index it replaces, is far likelier a wrong path or a broken export
 * than a province that lost its doors: a server reloading it would answer
 * "unregistered" for every door it lost. Such an index is written only
 * with --allow-shrink. An index at the output path that does not open (a
 * damaged or older file) is replaced without comparison.
 */
static dc_err check_shrink(const dc_import *im, dc_error *err)
{
    uint64_t n = im->households.n, before = 0;
    dc_index *old;
    if (im->cfg->allow_shrink) return DC_OK;
    if (n == 0)
        return dc_error_set(err, DC_E_REJECTED,
                            "no household to write (%llu read); an index without "
                            "households answers every door 'unregistered': "
                            "--allow-shrink writes it anyway",
                            (unsigned long long)im->households.read);
    if (access(im->cfg->output, F_OK) == 0 &&
        dc_index_open(im->cfg->output, &old, NULL) == DC_OK) {
        before = dc_index_info(old)->households;
        dc_index_close(old);
    }
    if (n * 2 < before)
        return dc_error_set(err, DC_E_REJECTED,
                            "%llu households would replace the %llu of %s, fewer than "
                            "half: --allow-shrink writes it anyway; no index written",
                            (unsigned long long)n, (unsigned long long)before,
                            im->cfg->output);
    return DC_OK;
}

static dc_err collect_sources(dc_import *im, dc_source_info **out, size_t *nout)
{
    const dc_source_list *lists[2] = {im->zone_sources, im->household_sources};
    size_t n = dc_source_list_count(lists[0]) + dc_source_list_count(lists[1]), k = 0;
    dc_source_info *s = calloc(n + 1, sizeof *s);
    if (!s) return DC_E_NOMEM;
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < dc_source_list_count(lists[l]); i++, k++) {
            s[k].path = dc_source_list_path(lists[l], i);
            dc_source_list_stat(lists[l], i, &s[k].size, &s[k].mtime);
        }
    *out = s;
    *nout = n;
    return DC_OK;
}

/* The build time stored in the index: now, or SOURCE_DATE_EPOCH when it is
 * set (the reproducible-builds convention), so that the same maps imported
 * twice give the same bytes. A value that is not a decimal count of seconds
 * is refused rather than replaced by now. */
static dc_err build_time(int64_t *out, dc_error *err)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s == NULL || *s == '\0') {
        *out = (int64_t)time(NULL);
        return DC_OK;
    }
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
            return dc_error_set(err, DC_E_INVALID_ARG,
                                "SOURCE_DATE_EPOCH='%.40s' is not a count of seconds", s);
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return DC_OK;
}

/* The writer, open before the first household: they go to it as they are
 * read, and it sorts them within the memory budget. */
static dc_err open_writer(dc_import *im, dc_error *err)
{
    dc_index_build_input *in = &im->build;
    if (collect_sources(im, &im->sources, &in->nsources) != DC_OK)
        return dc_error_set(err, DC_E_NOMEM, "out of memory");
    in->sources = im->sources;
    in->zones = im->zones.zones;
    in->nzones = im->zones.nzones;
    dc_err rc = build_time(&in->build_time, err);
    if (rc != DC_OK) return rc;
    in->progress = im->cfg->progress;
    in->progress_ctx = im->cfg->progress_ctx;
    in->history = dc_editions_build(&im->editions);
    return dc_index_writer_open(im->cfg->output, in, im->cfg->memory, &im->writer, err);
}

static dc_err write_index(dc_import *im)
{
    dc_index_build_stats stats;
    dc_err rc = dc_index_writer_finish(im->writer, &stats);
    if (rc != DC_OK) return rc;
    im->summary->zones = stats.zones;
    im->summary->households = stats.households;
    im->summary->codes = stats.codes;
    im->summary->shared_doors = stats.shared_doors;
    im->summary->index_bytes = stats.file_bytes;
    im->summary->sort_runs = stats.sort_runs;
    im->summary->sort_bytes = stats.sort_bytes;
    dc_fingerprint_hex(stats.fingerprint, im->summary->fingerprint_hex);
    return DC_OK;
}

static dc_err open_sources(dc_import *im, dc_error *err)
{
    const dc_import_config *cfg = im->cfg;
    dc_err rc = map_fields(DC_LAYER_ZONES, cfg->zone_fields, cfg->nzone_fields,
                           &im->zone_opt, err);
    if (rc == DC_OK)
        rc = map_fields(DC_LAYER_HOUSEHOLDS, cfg->household_fields,
                        cfg->nhousehold_fields, &im->household_opt, err);
    if (rc != DC_OK) return rc;
    im->zone_opt.srs = cfg->zones_srs;
    im->zone_opt.unprojected_zones = true;
    im->household_opt.srs = cfg->households_srs;
    im->zone_opt.exact_proj = im->household_opt.exact_proj = cfg->exact_proj;
    im->zone_opt.encoding = im->household_opt.encoding = cfg->encoding;
    /* A folder may hold the report, the index and the history table (an
     * edition's folder comes with its history.csv): they are not maps. */
    const char *outputs[3] = {cfg->report, cfg->output, cfg->history};
    rc = dc_source_list_open_except(cfg->zone_paths, cfg->nzone_paths, outputs, 3,
                                    &im->zone_sources, err);
    if (rc == DC_OK)
        rc = dc_source_list_open_except(cfg->household_paths, cfg->nhousehold_paths,
                                        outputs, 3, &im->household_sources, err);
    return rc;
}

/*
 * The zones phase frees most of what it held (OGR's geometries, the
 * overlap step's copies of the rings: about 28 bytes a vertex, 950 MB for
 * the 3,300 realistic zones of the national map), but in chunks that glibc
 * keeps in its arenas for the process, under the households' sort memory
 * that comes next; the households' readers leave their rings. Each is
 * given back to the system when its phase ends.
 */
static void give_back_freed(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

dc_err dc_import_run(const dc_import_config *cfg, dc_import_summary *summary,
                     dc_error *err)
{
    dc_import im;
    dc_err rc;
    if (!cfg || !summary || !cfg->output || !cfg->nzone_paths)
        return dc_error_set(err, DC_E_INVALID_ARG,
                            "an import needs zones and an output path");
    memset(&im, 0, sizeof im);
    memset(summary, 0, sizeof *summary);
    im.cfg = cfg;
    im.summary = summary;
    double start = now_seconds();

    rc = dc_report_open(&im.report, cfg->report, summary, err);
    if (rc != DC_OK) return rc;
    dc_zoneset_init(&im.zones, &im.report);
    dc_layerset_init(&im.layers, &im.report);
    rc = dc_editions_init(&im.editions, cfg, &im.report, err);
    if (rc == DC_OK) rc = dc_editions_read_history(&im.editions, err);
    if (rc == DC_OK) rc = open_sources(&im, err);
    /* The households are read while the zones are: they wait in the
     * readers' rings until they can be placed. */
    if (rc == DC_OK) im.pipe = dc_pipeline_start(im.household_sources, &im.household_opt);
    if (rc == DC_OK) rc = read_zones(&im, err);
    give_back_freed();
    double t1 = now_seconds();
    summary->zone_seconds = t1 - start;
    if (rc == DC_OK) rc = survey_households(&im, err);
    if (rc == DC_OK) rc = open_writer(&im, err);
    im.zones.writer = im.writer;
    dc_householdset_init(&im.households, &im.report, &im.zones, im.writer);
    if (cfg->neditions > 1) im.households.editions = &im.editions;
    if (rc == DC_OK) rc = read_households(&im, err);
    /* the readers' rings (up to DC_PIPELINE_RING batches each) are not
     * needed by the index */
    dc_pipeline_free(im.pipe);
    im.pipe = NULL;
    give_back_freed();
    if (rc == DC_OK) dc_editions_judge(&im.editions, &im.zones);
    double t2 = now_seconds();
    summary->household_seconds = t2 - t1;
    if (rc == DC_OK) rc = check_limits(&im, err);
    if (rc == DC_OK) rc = check_shrink(&im, err);
    if (rc == DC_OK) rc = write_index(&im);
    summary->index_seconds = now_seconds() - t2;

    dc_error close_err;
    dc_err close_rc = dc_report_close(&im.report, &close_err);
    if (rc == DC_OK && close_rc != DC_OK) {
        rc = close_rc;
        if (err) *err = close_err;
    }
    dc_pipeline_free(im.pipe);
    dc_householdset_free(&im.households);
    dc_index_writer_free(im.writer); /* and its temporary file, unless written */
    free(im.sources);
    dc_zoneset_free(&im.zones);
    dc_editions_free(&im.editions);
    for (size_t e = 0; e < im.nearlier_sources; e++)
        dc_source_list_close(im.earlier_sources[e]);
    free(im.earlier_sources);
    dc_layerset_free(&im.layers);
    dc_source_list_close(im.zone_sources);
    dc_source_list_close(im.household_sources);
    summary->seconds = now_seconds() - start;
    return rc;
}
