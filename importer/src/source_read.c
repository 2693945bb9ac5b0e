/*
 * source_read.c - reading households and zones, layer by layer.
 *
 * Households come in batches: OGR reads and we decode up to BATCH features,
 * PROJ reprojects their points in one call (one call per point would spend
 * most of the time on PROJ's per-call overhead), then the callback sees
 * them in order. Decoded strings of a batch live in one growing buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>

#include "source_internal.h"

#define BATCH 4096

typedef struct hh_slot {
    int64_t fid;
    unsigned char geometry;    /* DC_GEOM_* */
    size_t field[DC_HH_ROLES]; /* offset in the text + 1; 0: NULL */
    size_t point;              /* index into x/y when DC_GEOM_POINT */
} hh_slot;

typedef struct hh_batch {
    size_t n, points;
    hh_slot slot[BATCH];
    double x[BATCH], y[BATCH];
    int ok[BATCH];
    dc_text text;
} hh_batch;

static bool fast_path = true;

void dc_source_set_fast_path(bool enabled)
{
    fast_path = enabled;
}

/* Decimal text of @p v into buf (at least 21 bytes); returns its length.
 * OGR formats integers with snprintf, a tenth of the reading time when an
 * id is stored as a DBF number. */
static size_t format_integer(int64_t v, char *buf)
{
    char digits[20];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[len++] = '-';
    while (n)
        buf[len++] = digits[--n];
    buf[len] = '\0';
    return len;
}

/* A DBF number as OGR stores it in an integer field: strtoll's reading,
 * clamped to 32 bits for OFTInteger ("007" -> "7", "12.0" -> "12"). */
static size_t dbf_integer(const char *s, size_t len, int bits, char *out)
{
    char buf[32];
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    long long v = strtoll(buf, NULL, 10);
    if (bits == 32) v = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v;
    return format_integer((int64_t)v, out);
}

static dc_err add_text(dc_layer_reader *r, const char *raw, size_t len, dc_text *text,
                       size_t *field)
{
    size_t at;
    dc_err rc = dc_decode(&r->decoder, raw, len, text, &at);
    if (rc == DC_OK) *field = at + 1;
    return rc;
}

/* Decode the role fields of OGR feature @p f; field[] gets offset + 1. */
static dc_err read_fields(dc_layer_reader *r, OGRFeatureH f, dc_text *text, size_t *field)
{
    for (int role = 0; role < r->roles; role++) {
        int idx = r->field[role];
        field[role] = 0;
        if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx)) continue;
        char number[24];
        const char *raw = number;
        size_t len =
            r->integer[role]
                ? format_integer((int64_t)OGR_F_GetFieldAsInteger64(f, idx), number)
                : strlen(raw = OGR_F_GetFieldAsString(f, idx));
        dc_err rc = add_text(r, raw, len, text, &field[role]);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

/* The point of a household: a Point, or a MultiPoint of exactly one. */
static int point_of(OGRGeometryH g, double *x, double *y)
{
    if (!g || OGR_G_IsEmpty(g)) return DC_GEOM_NONE;
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1) {
        g = OGR_G_GetGeometryRef(g, 0);
        type = wkbFlatten(OGR_G_GetGeometryType(g));
    }
    if (type != wkbPoint) return DC_GEOM_OTHER;
    *x = OGR_G_GetX(g, 0);
    *y = OGR_G_GetY(g, 0);
    return DC_GEOM_POINT;
}

static hh_slot *batch_slot(hh_batch *b, int64_t fid, int geometry, double x, double y)
{
    hh_slot *s = &b->slot[b->n];
    s->fid = fid;
    s->geometry = (unsigned char)geometry;
    if (geometry == DC_GEOM_POINT) {
        b->x[b->points] = x;
        b->y[b->points] = y;
        s->point = b->points++;
    }
    return s;
}

static dc_err batch_add(hh_batch *b, dc_layer_reader *r, OGRFeatureH f)
{
    double x = 0, y = 0;
    int geometry = point_of(OGR_F_GetGeometryRef(f), &x, &y);
    hh_slot *s = batch_slot(b, OGR_F_GetFID(f), geometry, x, y);
    dc_err rc = read_fields(r, f, &b->text, s->field);
    if (rc == DC_OK)
        b->n++;
    else
        b->points -= geometry == DC_GEOM_POINT;
    return rc;
}

static dc_err batch_add_record(hh_batch *b, dc_layer_reader *r, const dc_shp_record *rec)
{
    hh_slot *s = batch_slot(b, rec->fid, rec->geometry, rec->x, rec->y);
    dc_err rc = DC_OK;
    for (int role = 0; role < r->roles && rc == DC_OK; role++) {
        s->field[role] = 0;
        if (!rec->field[role]) continue;
        char number[24];
        if (r->integer[role]) {
            size_t len =
                dbf_integer(rec->field[role], rec->len[role], r->integer[role], number);
            rc = add_text(r, number, len, &b->text, &s->field[role]);
        } else {
            rc = add_text(r, rec->field[role], rec->len[role], &b->text, &s->field[role]);
        }
    }
    if (rc == DC_OK)
        b->n++;
    else
        b->points -= rec->geometry == DC_GEOM_POINT;
    return rc;
}

/* Reproject the batch, then hand each household over in order. A point
 * PROJ cannot transform (garbage coordinates) becomes has_point false. */
static int batch_flush(hh_batch *b, dc_layer_reader *r, dc_household_fn fn, void *ctx)
{
    /* ok[] says which points PROJ could not transform. */
    memset(b->ok, 0, b->points * sizeof b->ok[0]);
    if (b->points > 0) dc_crs_transform_points(r->to_wgs84, b->points, b->x, b->y, b->ok);
    int rc = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        const hh_slot *s = &b->slot[i];
        dc_source_household hh = {.origin = {r->source, r->name, s->fid}};
        hh.not_point = s->geometry == DC_GEOM_OTHER;
        hh.has_point = s->geometry == DC_GEOM_POINT && b->ok[s->point];
        if (hh.has_point) {
            hh.lon = b->x[s->point];
            hh.lat = b->y[s->point];
        }
        for (int role = 0; role < DC_HH_ROLES; role++)
            hh.fields[role] = s->field[role] ? b->text.data + s->field[role] - 1 : NULL;
        rc = fn(ctx, &hh);
    }
    b->n = b->points = 0;
    b->text.len = 0;
    return rc;
}

/* The fast path; *failed when the files fail under it mid-way. */
static dc_err read_shp_points(dc_shp_points *p, hh_batch *b, dc_layer_reader *r,
                              dc_household_fn fn, void *ctx, bool *failed)
{
    dc_err rc = DC_OK;
    dc_shp_record rec;
    int more = 0;
    while (rc == DC_OK && (more = dc_shp_points_next(p, r, &rec)) > 0) {
        rc = batch_add_record(b, r, &rec);
        if (rc == DC_OK && b->n == BATCH) rc = (dc_err)batch_flush(b, r, fn, ctx);
    }
    *failed = rc == DC_OK && more < 0;
    return *failed ? DC_E_IO : rc;
}

static dc_err read_ogr_points(hh_batch *b, dc_layer_reader *r, dc_household_fn fn,
                              void *ctx)
{
    dc_err rc = DC_OK;
    OGRFeatureH f;
    OGR_L_ResetReading(r->layer);
    while (rc == DC_OK && (f = OGR_L_GetNextFeature(r->layer)) != NULL) {
        rc = batch_add(b, r, f);
        OGR_F_Destroy(f);
        if (rc == DC_OK && b->n == BATCH) rc = (dc_err)batch_flush(b, r, fn, ctx);
    }
    return rc;
}

static dc_err read_household_layer(const dc_source_list *list, dc_layer_reader *r,
                                   GDALDatasetH ds, dc_household_fn fn, void *ctx,
                                   dc_source_problem *problem)
{
    hh_batch *b = calloc(1, sizeof *b);
    if (!b) return DC_E_NOMEM;
    dc_shp_points *p = NULL;
    if (fast_path && GDALDatasetGetLayerCount(ds) == 1 &&
        strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "ESRI Shapefile") == 0)
        p = dc_shp_points_open(r->source, r);
    bool failed = false;
    dc_err rc =
        p ? read_shp_points(p, b, r, fn, ctx, &failed) : read_ogr_points(b, r, fn, ctx);
    if (rc == DC_OK && b->n > 0) rc = (dc_err)batch_flush(b, r, fn, ctx);
    /* The list's copy of the layer name: OGR's goes with the dataset. */
    if (failed)
        dc_problem_set(
            problem, r->source, dc_source_list_intern(list, r->name), "read_failed",
            "cannot read the records of %s: the file is short or unreadable", r->source);
    dc_shp_points_close(p);
    dc_text_free(&b->text);
    free(b);
    return rc;
}

/* ---- zones ------------------------------------------------------------ */

static dc_err read_zone(dc_layer_reader *r, OGRFeatureH f, dc_text *text,
                        bool unprojected, dc_zone_fn fn, void *ctx)
{
    size_t field[DC_ZONE_ROLES];
    text->len = 0;
    dc_err rc = read_fields(r, f, text, field);
    if (rc != DC_OK) return rc;
    dc_source_zone zone = {.origin = {r->source, r->name, OGR_F_GetFID(f)}};
    for (int role = 0; role < DC_ZONE_ROLES; role++)
        zone.fields[role] = field[role] ? text->data + field[role] - 1 : NULL;
    zone.geometry = OGR_F_StealGeometry(f);
    if (unprojected) zone.to_wgs84 = r->to_wgs84;
    /* A geometry PROJ cannot transform is reported like a missing one. */
    if (zone.geometry && !unprojected &&
        dc_crs_transform_geometry(zone.geometry, r->to_wgs84) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(zone.geometry);
        zone.geometry = NULL;
    }
    rc = (dc_err)fn(ctx, &zone);
    if (zone.geometry) OGR_G_DestroyGeometry(zone.geometry);
    return rc;
}

/*
 * OGR's shapefile driver gives each geometry it reads the layer's CRS,
 * which it makes on the first feature: the .prj imported, then identified
 * against PROJ's database (FindBestMatch), 5 to 10 ms of SQLite a layer,
 * on the zones' thread, for each of a national delivery's layers whose
 * .prj the CRS cache (source_crs.c) had already answered. The geometries'
 * CRS is never read (the layer's transformation reprojects them), so the
 * identification is turned off on this thread while the features are
 * read. The option's earlier value is put back after.
 */
#define FIND_MATCHES "USE_OSR_FIND_MATCHES"

static char *find_matches_off(void)
{
    const char *was = CPLGetThreadLocalConfigOption(FIND_MATCHES, NULL);
    char *saved = was ? strdup(was) : NULL;
    CPLSetThreadLocalConfigOption(FIND_MATCHES, "NO");
    return saved;
}

static void find_matches_back(char *saved)
{
    CPLSetThreadLocalConfigOption(FIND_MATCHES, saved);
    free(saved);
}

static dc_err read_zone_layer(dc_layer_reader *r, bool unprojected, dc_zone_fn fn,
                              void *ctx)
{
    dc_text text = {0};
    dc_err rc = DC_OK;
    OGRFeatureH f;
    char *saved = find_matches_off();
    OGR_L_ResetReading(r->layer);
    while (rc == DC_OK && (f = OGR_L_GetNextFeature(r->layer)) != NULL) {
        rc = read_zone(r, f, &text, unprojected, fn, ctx);
        OGR_F_Destroy(f);
    }
    find_matches_back(saved);
    dc_text_free(&text);
    return rc;
}

/* ---- both ------------------------------------------------------------- */

typedef struct read_job {
    dc_layer_kind kind;
    dc_household_fn on_household;
    dc_zone_fn on_zone;
    void *ctx;
} read_job;

static dc_err read_layer(const dc_source_list *list, const char *path, GDALDatasetH ds,
                         OGRLayerH layer, const dc_source_options *opt,
                         const read_job *job, dc_source_problem *problem)
{
    dc_layer_reader r;
    dc_err rc = dc_layer_prepare(&r, list, path, ds, layer, job->kind, opt, problem);
    if (rc != DC_OK) return rc;
    rc = job->kind == DC_LAYER_ZONES
             ? read_zone_layer(&r, opt && opt->unprojected_zones, job->on_zone, job->ctx)
             : read_household_layer(list, &r, ds, job->on_household, job->ctx, problem);
    dc_layer_release(&r);
    return rc;
}

/*
 * What a layer holds: its declared geometry type, or, when it declares
 * none in particular (GeoJSON, a GeoPackage's GEOMETRY column), the type
 * of its first feature with a geometry.
 */
static OGRwkbGeometryType layer_geometry(OGRLayerH layer)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_L_GetGeomType(layer));
    if ((t != wkbUnknown && t != wkbGeometryCollection) ||
        OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(layer)) == 0)
        return t;
    OGRFeatureH f;
    OGRwkbGeometryType found = wkbNone;
    OGR_L_ResetReading(layer);
    for (int k = 0; k < 1000 && found == wkbNone && (f = OGR_L_GetNextFeature(layer));
         k++) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g)) found = wkbFlatten(OGR_G_GetGeometryType(g));
        OGR_F_Destroy(f);
    }
    OGR_L_ResetReading(layer);
    return found;
}

static bool is_points(OGRwkbGeometryType t)
{
    return t == wkbPoint || t == wkbMultiPoint;
}

static bool is_areas(OGRwkbGeometryType t)
{
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon ||
           t == wkbMultiSurface;
}

/*
 * Households are read from point layers and zones from polygon layers. In
 * a folder (a province's delivery) or a multi-layer dataset, zones and
 * households sit side by side: a layer of the other kind is left for the
 * other read without a word. Anything else (a layer named on its own that
 * is of the other kind, a table without geometry, lines) is skipped and
 * reported by whoever surveys the list.
 */
dc_layer_use dc_layer_use_of(const dc_source_list *list, size_t i, GDALDatasetH ds,
                             OGRLayerH layer, dc_layer_kind kind,
                             OGRwkbGeometryType *geometry)
{
    OGRwkbGeometryType t = layer_geometry(layer);
    if (geometry) *geometry = t;
    bool wanted = kind == DC_LAYER_ZONES ? is_areas(t) : is_points(t);
    bool other = kind == DC_LAYER_ZONES ? is_points(t) : is_areas(t);
    bool choose = GDALDatasetGetLayerCount(ds) > 1 || dc_source_list_in_folder(list, i);
    if (wanted) return DC_LAYER_READ;
    return other && choose ? DC_LAYER_OTHER_KIND : DC_LAYER_WRONG_GEOMETRY;
}

bool dc_layer_skipped(const dc_source_list *list, size_t i, GDALDatasetH ds,
                      OGRLayerH layer, dc_layer_kind kind)
{
    return dc_layer_use_of(list, i, ds, layer, kind, NULL) != DC_LAYER_READ;
}

static dc_err read_dataset(const dc_source_list *list, size_t i,
                           const dc_source_options *opt, const read_job *job,
                           dc_source_problem *problem)
{
    dc_source_problem spare;
    if (!problem) problem = &spare;
    const char *path = dc_source_list_path(list, i);
    if (!path || (!job->on_household && !job->on_zone)) return DC_E_INVALID_ARG;
    dc_gdal_log log;
    dc_gdal_quiet_begin(&log);
    dc_err rc = DC_E_INVALID_ARG;
    GDALDatasetH ds = dc_dataset_open(path, problem);
    if (!ds) {
        problem->source = path;
        goto done;
    }
    rc = DC_OK;
    for (int k = 0; rc == DC_OK && k < GDALDatasetGetLayerCount(ds); k++) {
        OGRLayerH layer = GDALDatasetGetLayer(ds, k);
        if (dc_layer_skipped(list, i, ds, layer, job->kind)) continue;
        rc = read_layer(list, path, ds, layer, opt, job, problem);
    }
    GDALClose(ds);
done:
    dc_gdal_quiet_end();
    return rc;
}

dc_err dc_source_read_households(const dc_source_list *list, size_t i,
                                 const dc_source_options *opt, dc_household_fn fn,
                                 void *ctx, dc_source_problem *problem)
{
    read_job job = {DC_LAYER_HOUSEHOLDS, fn, NULL, ctx};
    return read_dataset(list, i, opt, &job, problem);
}

dc_err dc_source_read_zones(const dc_source_list *list, size_t i,
                            const dc_source_options *opt, dc_zone_fn fn, void *ctx,
                            dc_source_problem *problem)
{
    read_job job = {DC_LAYER_ZONES, NULL, fn, ctx};
    return read_dataset(list, i, opt, &job, problem);
}
