/* layers.c - skipped and empty layers, reported once each. */
#include "layers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dc_layer_entry {
    const char *source; /* the list's copy */
    char *layer;
    dc_layer_kind kind;
    int64_t features;
    uint64_t kept;
};

typedef struct survey_ctx {
    dc_layerset *ls;
    dc_layer_kind kind;
    const char *encoding; /* given, or NULL */
    uint64_t *features;
} survey_ctx;

void dc_layerset_init(dc_layerset *ls, dc_report *report)
{
    memset(ls, 0, sizeof *ls);
    ls->report = report;
}

static const char *kind_noun(dc_layer_kind kind)
{
    return kind == DC_LAYER_ZONES ? "zone polygons" : "household points";
}

/* True the first time a layer is met; remembers it. */
static bool first_skip(dc_layerset *ls, const char *source, const char *layer)
{
    size_t n = strlen(source) + strlen(layer) + 2;
    char *key = malloc(n);
    char **keys = realloc(ls->skipped, (ls->nskipped + 1) * sizeof *keys);
    if (keys) ls->skipped = keys;
    if (!key || !keys) {
        free(key);
        ls->out_of_memory = true;
        return false;
    }
    snprintf(key, n, "%s\n%s", source, layer);
    for (size_t i = 0; i < ls->nskipped; i++)
        if (strcmp(ls->skipped[i], key) == 0) {
            free(key);
            return false;
        }
    ls->skipped[ls->nskipped++] = key;
    return true;
}

static void report_skip(dc_layerset *ls, dc_layer_kind kind, const dc_layer_survey *s)
{
    if (!first_skip(ls, s->source, s->layer)) return;
    dc_feature_origin o = {s->source, s->layer, -1};
    bool none = strcmp(s->geometry, "None") == 0;
    bool other_kind = strstr(s->geometry, kind == DC_LAYER_ZONES ? "Point" : "Polygon");
    if (none)
        dc_report_warn(ls->report, &o, DC_WARN_LAYER_SKIPPED,
                       "layer '%s' has no geometry: skipped", s->layer);
    else if (other_kind)
        dc_report_warn(ls->report, &o, DC_WARN_LAYER_SKIPPED,
                       "layer '%s' holds %s, not %s: skipped", s->layer, s->geometry,
                       kind_noun(kind));
    else
        dc_report_warn(ls->report, &o, DC_WARN_LAYER_SKIPPED,
                       "layer '%s' holds %s, neither zone polygons nor household "
                       "points: skipped",
                       s->layer, s->geometry);
}

static void remember_read(dc_layerset *ls, dc_layer_kind kind, const dc_layer_survey *s)
{
    if (ls->nread == ls->cap) {
        size_t cap = ls->cap ? 2 * ls->cap : 16;
        dc_layer_entry *r = realloc(ls->read, cap * sizeof *r);
        if (!r) return (void)(ls->out_of_memory = true);
        ls->read = r;
        ls->cap = cap;
    }
    char *layer = strdup(s->layer);
    if (!layer) return (void)(ls->out_of_memory = true);
    ls->read[ls->nread++] = (dc_layer_entry){s->source, layer, kind, s->features, 0};
}

/* A given encoding that the .cpg contradicts or that gives invalid text. */
static void report_encoding(dc_layerset *ls, const char *given, const dc_layer_survey *s)
{
    if (!s->cpg_differs && !s->bad_strings) return;
    dc_feature_origin o = {s->source, s->layer, -1};
    char bad[160] = "";
    if (s->bad_strings)
        snprintf(bad, sizeof bad,
                 "; %zu strings of its first %d features are invalid text in %s "
                 "(the first in feature %lld)",
                 s->bad_strings, DC_SURVEY_FEATURES, given, (long long)s->bad_feature);
    if (s->cpg_differs)
        dc_report_warn(ls->report, &o, DC_WARN_ENCODING_MISMATCH,
                       "--encoding %s contradicts the .cpg of layer '%s', which names "
                       "%s; read as %s%s",
                       given, s->layer, s->cpg, given, bad);
    else
        dc_report_warn(ls->report, &o, DC_WARN_ENCODING_MISMATCH,
                       "--encoding %s, read for layer '%s' (its .cpg: %s)%s", given,
                       s->layer, s->cpg ? s->cpg : "none", bad);
}

static void on_layer(void *ctx, const dc_layer_survey *s)
{
    survey_ctx *c = ctx;
    if (s->use == DC_LAYER_READ && c->encoding) report_encoding(c->ls, c->encoding, s);
    if (s->use == DC_LAYER_WRONG_GEOMETRY) report_skip(c->ls, c->kind, s);
    if (s->use != DC_LAYER_READ) return;
    remember_read(c->ls, c->kind, s);
    if (s->features > 0) *c->features += (uint64_t)s->features;
}

dc_err dc_layerset_survey(dc_layerset *ls, const dc_source_list *list, dc_layer_kind kind,
                          const dc_source_options *opt, uint64_t *features)
{
    survey_ctx c = {ls, kind, opt ? opt->encoding : NULL, features};
    for (size_t i = 0; i < dc_source_list_count(list); i++)
        dc_source_list_survey(list, i, kind, opt, on_layer, &c);
    return ls->out_of_memory ? DC_E_NOMEM : DC_OK;
}

static bool is_layer(const dc_layer_entry *e, dc_layer_kind kind,
                     const dc_feature_origin *o)
{
    return e->kind == kind && o->source && o->layer &&
           strcmp(e->source, o->source) == 0 && strcmp(e->layer, o->layer) == 0;
}

void dc_layerset_count(dc_layerset *ls, dc_layer_kind kind,
                       const dc_feature_origin *origin, bool kept)
{
    size_t i = ls->current;
    /* Features come layer by layer: the current one, else a later one. */
    while (i < ls->nread && !is_layer(&ls->read[i], kind, origin))
        i++;
    if (i == ls->nread) return;
    ls->current = i;
    ls->read[i].kept += kept;
}

void dc_layerset_report_empty(dc_layerset *ls, dc_layer_kind kind)
{
    for (size_t i = 0; i < ls->nread; i++) {
        const dc_layer_entry *e = &ls->read[i];
        if (e->kind != kind || e->kept) continue;
        dc_feature_origin o = {e->source, e->layer, -1};
        if (e->features <= 0)
            dc_report_warn(ls->report, &o, DC_WARN_LAYER_EMPTY,
                           "layer '%s' has no features", e->layer);
        else
            dc_report_warn(ls->report, &o, DC_WARN_LAYER_EMPTY,
                           "none of the %lld features of layer '%s' is usable as %s",
                           (long long)e->features, e->layer, kind_noun(kind));
    }
}

void dc_layerset_free(dc_layerset *ls)
{
    for (size_t i = 0; i < ls->nread; i++)
        free(ls->read[i].layer);
    free(ls->read);
    for (size_t i = 0; i < ls->nskipped; i++)
        free(ls->skipped[i]);
    free(ls->skipped);
    memset(ls, 0, sizeof *ls);
}
