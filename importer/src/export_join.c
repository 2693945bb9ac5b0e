/*
 * export_join.c - the user's own layer, copied with each feature's code:
 * the province's map with codes, without anyone retyping them. A feature
 * is matched to a household by its key (the household id the index was
 * built with); what does not match is reported, never guessed.
 */
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>

#include "diachi/geocoder.h"
#include "export_output.h"
#include "source.h"

#define CODE_WIDTH 14

typedef struct join_run {
    const dc_export_options *o;
    dc_index_txn *txn;
    dc_export_report *report;
    dc_export_summary *sum;
    dc_export_problem *p;
    const char *layer_name, *key, *code_field;
    uint8_t *seen; /* a bit per household number: a feature named it */
    int key_field, code_index;
    int *map; /* source field -> output field */
    OGRCoordinateTransformationH ct;
} join_run;

static dc_err open_layer(join_run *j, GDALDatasetH ds, OGRLayerH *layer)
{
    *layer = j->o->join_layer ? GDALDatasetGetLayerByName(ds, j->o->join_layer)
                              : GDALDatasetGetLayer(ds, 0);
    if (!*layer)
        return dc_export_fail(j->p, DC_E_INVALID_ARG, "join_layer_missing",
                              "%s has no layer %s", j->o->join,
                              j->o->join_layer ? j->o->join_layer : "at all");
    j->layer_name = OGR_L_GetName(*layer);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(*layer);
    j->key_field = OGR_FD_GetFieldIndex(defn, j->key);
    if (j->key_field >= 0) return DC_OK;
    char fields[256] = "";
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        size_t n = strlen(fields);
        snprintf(fields + n, sizeof fields - n, "%s%s", i ? ", " : "",
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    }
    return dc_export_fail(j->p, DC_E_INVALID_ARG, "join_key_missing",
                          "layer %s of %s has no field %s (--key); its fields: %s",
                          j->layer_name, j->o->join, j->key, fields);
}

/* The transformation from the layer's CRS to @p target, when one is asked. */
static dc_err make_transform(join_run *j, OGRLayerH layer, OGRSpatialReferenceH target)
{
    if (!target) return DC_OK;
    OGRSpatialReferenceH own = OGR_L_GetSpatialRef(layer);
    if (!own)
        return dc_export_fail(j->p, DC_E_INVALID_ARG, "bad_crs",
                              "layer %s has no CRS to transform from (--t-srs)",
                              j->layer_name);
    OGRSpatialReferenceH from = OSRClone(own);
    OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
    dc_crs_add_vn2000_shift(from);
    j->ct = OCTNewCoordinateTransformation(from, target);
    OSRDestroySpatialReference(from);
    if (j->ct) return DC_OK;
    return dc_export_fail(j->p, DC_E_INVALID_ARG, "bad_crs",
                          "no transformation from layer %s's CRS to '%.200s'",
                          j->layer_name, j->o->t_srs);
}

/* The output layer: the source's fields, then the code column (kept in
 * place when the source has one of that name). */
static dc_err make_layer(join_run *j, dc_export_out *out, OGRLayerH src,
                         OGRSpatialReferenceH target, OGRLayerH *dst)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src);
    dc_err e = dc_export_out_layer(out, j->layer_name, OGR_FD_GetGeomType(defn),
                                   target ? target : OGR_L_GetSpatialRef(src), dst, j->p);
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n && !e; i++)
        if (OGR_L_CreateField(*dst, OGR_FD_GetFieldDefn(defn, i), TRUE) != OGRERR_NONE)
            e = dc_export_fail(j->p, DC_E_IO, "write_failed",
                               "cannot copy field %s to %s: %s",
                               OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)),
                               out->final, CPLGetLastErrorMsg());
    if (!e && OGR_FD_GetFieldIndex(defn, j->code_field) < 0)
        e = dc_export_out_field(out, *dst, j->code_field, OFTString, CODE_WIDTH, j->p);
    if (e) return e;
    OGRFeatureDefnH made = OGR_L_GetLayerDefn(*dst);
    j->map = malloc((size_t)(n ? n : 1) * sizeof *j->map);
    if (!j->map) return DC_E_NOMEM;
    for (int i = 0; i < n; i++)
        j->map[i] =
            OGR_FD_GetFieldIndex(made, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    j->code_index = OGR_FD_GetFieldIndex(made, j->code_field);
    if (j->code_index < 0)
        return dc_export_fail(j->p, DC_E_IO, "write_failed",
                              "%s renamed the code column %s", out->final, j->code_field);
    return DC_OK;
}

/* Set @p dst's code from @p src's key, and report what does not match. */
static dc_err match(join_run *j, OGRFeatureH src, OGRFeatureH dst)
{
    const char *key = OGR_F_IsFieldSetAndNotNull(src, j->key_field)
                          ? OGR_F_GetFieldAsString(src, j->key_field)
                          : "";
    int64_t fid = OGR_F_GetFID(src);
    OGR_F_SetFieldNull(dst, j->code_index);
    if (!*key) {
        j->sum->empty_keys++;
        dc_export_report_row(j->report, "warning", j->o->join, j->layer_name, fid,
                             "empty_key", "no %s: no code", j->key);
        return DC_OK;
    }
    dc_household h;
    dc_err e = dc_index_household_by_id(j->txn, key, strlen(key), &h);
    if (e == DC_E_NOT_FOUND) {
        j->sum->unmatched++;
        dc_export_report_row(j->report, "warning", j->o->join, j->layer_name, fid,
                             "unmatched", "%s %s is no household of %s: no code", j->key,
                             key, j->o->index);
        return DC_OK;
    }
    if (e)
        return dc_export_fail(j->p, e, "open_failed", "cannot look up %s in %s: %s", key,
                              j->o->index, dc_strerror(e));
    char display[DC_CODE_DISPLAY_SIZE];
    dc_code_format(&h.code, DC_CODE_DISPLAY, display, sizeof display);
    OGR_F_SetFieldString(dst, j->code_index, display);
    j->sum->matched++;
    uint8_t bit = (uint8_t)(1u << (h.number % 8));
    if (j->seen[h.number / 8] & bit) {
        j->sum->duplicated++;
        dc_export_report_row(
            j->report, "warning", j->o->join, j->layer_name, fid, "duplicate_key",
            "%s %s is an earlier feature's too: both get code %s", j->key, key, display);
    }
    j->seen[h.number / 8] |= bit;
    return DC_OK;
}

static dc_err copy_features(join_run *j, dc_export_out *out, OGRLayerH src, OGRLayerH dst)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(dst);
    OGRFeatureH f;
    dc_err e = DC_OK;
    OGR_L_ResetReading(src);
    while (!e && (f = OGR_L_GetNextFeature(src))) {
        OGRFeatureH g = OGR_F_Create(defn);
        OGR_F_SetFromWithMap(g, f, TRUE, j->map);
        e = match(j, f, g);
        OGRGeometryH geom = OGR_F_GetGeometryRef(g);
        if (!e && j->ct && geom && OGR_G_Transform(geom, j->ct) != OGRERR_NONE)
            e = dc_export_fail(j->p, DC_E_INVALID_ARG, "bad_crs",
                               "feature %lld of %s does not transform to '%.200s'",
                               (long long)OGR_F_GetFID(f), j->layer_name, j->o->t_srs);
        if (!e) e = dc_export_out_write(out, dst, g, j->p);
        if (!e) j->sum->features++;
        OGR_F_Destroy(g);
        OGR_F_Destroy(f);
    }
    return e;
}

static int note_missing(void *ctx, const dc_household_pos *pos)
{
    join_run *j = ctx;
    if (j->seen[pos->number / 8] & (1u << (pos->number % 8))) return 0;
    dc_household h;
    if (dc_index_household_read(j->txn, &pos->ref, &h) != DC_OK) return 1;
    char display[DC_CODE_DISPLAY_SIZE];
    dc_code_format(&h.code, DC_CODE_DISPLAY, display, sizeof display);
    j->sum->missing++;
    dc_export_report_row(j->report, "warning", j->o->index, "households", -1, "missing",
                         "household %.*s (%s) is named by no feature of %s",
                         (int)h.id.len, h.id.ptr, display, j->layer_name);
    return 0;
}

dc_err dc_export_join(const dc_export_options *o, struct dc_geo_session *s,
                      const struct dc_index_meta *meta, OGRSpatialReferenceH target,
                      dc_export_out *out, dc_export_report *report,
                      dc_export_summary *sum, dc_export_problem *p)
{
    join_run j = {.o = o,
                  .txn = dc_geo_session_txn(s),
                  .report = report,
                  .sum = sum,
                  .p = p,
                  .key = o->key ? o->key : "HH_ID",
                  .code_field = o->code_field ? o->code_field : "CODE"};
    GDALDatasetH ds =
        GDALOpenEx(o->join, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return dc_export_fail(p, DC_E_IO, "open_failed", "cannot open %s: %s", o->join,
                              CPLGetLastErrorMsg());
    OGRLayerH src = NULL, dst = NULL;
    j.seen = calloc(meta->households / 8 + 1, 1);
    dc_err e = j.seen ? open_layer(&j, ds, &src) : DC_E_NOMEM;
    if (!e) e = make_transform(&j, src, target);
    if (!e) e = make_layer(&j, out, src, target, &dst);
    if (!e) dc_export_out_begin(out);
    if (!e) e = copy_features(&j, out, src, dst);
    if (!e && meta->households)
        e = dc_index_household_positions(j.txn, 0, (uint32_t)meta->households,
                                         note_missing, &j);
    if (e && p && !p->code)
        dc_export_fail(p, e, "open_failed", "cannot read the households of %s", o->index);
    if (j.ct) OCTDestroyCoordinateTransformation(j.ct);
    free(j.map);
    free(j.seen);
    GDALClose(ds);
    return e;
}
