/*
 * source.c - what a dataset of the list holds: its feature count, and the
 * survey of its layers (geometry, encoding) that the import's summary and
 * report state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source_internal.h"

int64_t dc_source_list_feature_count(const dc_source_list *list, size_t i,
                                     dc_layer_kind kind)
{
    const char *path = dc_source_list_path(list, i);
    if (!path) return -1;
    dc_gdal_log log;
    dc_source_problem problem;
    dc_gdal_quiet_begin(&log);
    GDALDatasetH ds = dc_dataset_open(path, &problem);
    int64_t total = ds ? 0 : -1;
    for (int k = 0; ds && k < GDALDatasetGetLayerCount(ds); k++) {
        OGRLayerH layer = GDALDatasetGetLayer(ds, k);
        if (dc_layer_skipped(list, i, ds, layer, kind)) continue;
        GIntBig n = OGR_L_GetFeatureCount(layer, TRUE);
        if (n > 0) total += n;
    }
    if (ds) GDALClose(ds);
    dc_gdal_quiet_end();
    return total;
}

static const char *geometry_name(OGRwkbGeometryType t)
{
    return t == wkbNone ? "None" : OGRGeometryTypeToName(t);
}

/* Strings of the first features of @p layer that decode with bad bytes
 * (U+FFFD) in @p enc; *first gets the first feature holding one. */
static size_t count_bad_strings(OGRLayerH layer, dc_encoding enc, int64_t *first)
{
    dc_decoder dec;
    dc_text text = {0};
    size_t bad = 0, at;
    OGRFeatureH f;
    dc_decoder_init(&dec, enc);
    OGR_L_ResetReading(layer);
    for (int k = 0; k < DC_SURVEY_FEATURES && (f = OGR_L_GetNextFeature(layer)); k++) {
        for (int i = 0; i < OGR_F_GetFieldCount(f); i++) {
            if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i)) != OFTString ||
                !OGR_F_IsFieldSetAndNotNull(f, i))
                continue;
            const char *raw = OGR_F_GetFieldAsString(f, i);
            size_t before = dec.replaced;
            text.len = 0;
            if (dc_decode(&dec, raw, strlen(raw), &text, &at) != DC_OK) break;
            if (dec.replaced > before && bad++ == 0) *first = OGR_F_GetFID(f);
        }
        OGR_F_Destroy(f);
    }
    OGR_L_ResetReading(layer);
    dc_decoder_free(&dec);
    dc_text_free(&text);
    return bad;
}

/* How the encoding given fits a layer: its .cpg, and its text. */
static void check_encoding(GDALDatasetH ds, OGRLayerH layer, const char *given,
                           dc_layer_survey *s, char *cpg, size_t size)
{
    dc_encoding enc, named;
    if (!given || !dc_encoding_from_name(given, &enc)) return;
    if (dc_layer_cpg(s->source, ds, cpg, size)) {
        s->cpg = cpg;
        s->cpg_differs = !dc_encoding_from_name(cpg, &named) || named != enc;
    }
    s->bad_strings = count_bad_strings(layer, enc, &s->bad_feature);
}

void dc_source_list_survey(const dc_source_list *list, size_t i, dc_layer_kind kind,
                           const dc_source_options *opt, dc_layer_survey_fn fn, void *ctx)
{
    const char *path = dc_source_list_path(list, i);
    if (!path || !fn) return;
    dc_gdal_log log;
    dc_source_problem problem;
    dc_gdal_quiet_begin(&log);
    GDALDatasetH ds = dc_dataset_open(path, &problem);
    for (int k = 0; ds && k < GDALDatasetGetLayerCount(ds); k++) {
        OGRLayerH layer = GDALDatasetGetLayer(ds, k);
        OGRwkbGeometryType type;
        char cpg[64];
        dc_layer_survey s = {.source = path, .layer = OGR_L_GetName(layer)};
        s.use = dc_layer_use_of(list, i, ds, layer, kind, &type);
        s.geometry = geometry_name(type);
        s.features = s.use == DC_LAYER_READ ? OGR_L_GetFeatureCount(layer, TRUE) : -1;
        s.bad_feature = -1;
        if (s.use == DC_LAYER_READ && opt)
            check_encoding(ds, layer, opt->encoding, &s, cpg, sizeof cpg);
        fn(ctx, &s);
    }
    if (ds) GDALClose(ds);
    dc_gdal_quiet_end();
}
