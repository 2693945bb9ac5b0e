/*
 * zones.c - postal zones: validate, repair, merge by postcode, encode,
 * reference points, overlaps, and the point-in-zone locator.
 */
#include "zones.h"

#include "overlap.h"
#include "zone_encode.h"
#include "zones_judge.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

/* Recovery range of the code format, in e7: 0.4 degree. */
#define DC_RECOVERY_E7 4000000
/* Locator cells start at 0.05 degree and double while the grid is too big. */
#define DC_LOCATOR_CELL_E7 500000
#define DC_LOCATOR_MAX_CELLS (1u << 22)
/* Metres per degree of latitude, for reporting areas. */
#define DC_M_PER_DEG 111320.0

/* Room kept for the features judged while they are read, at most. */
#define DC_ZONE_EARLY_MAX 131072

void dc_zoneset_init(dc_zoneset *zs, dc_report *report)
{
    memset(zs, 0, sizeof *zs);
    zs->report = report;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

/* The postcode of a field: exactly 5 ASCII digits once blanks are trimmed. */
static int parse_postcode(const char *s, uint32_t *out)
{
    while (*s == ' ')
        s++;
    uint32_t v = 0;
    int n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++)
        v = v * 10 + (uint32_t)(*s - '0');
    while (*s == ' ')
        s++;
    if (n != 5 || *s) return -1;
    *out = v;
    return 0;
}

static double m2_of(double deg2, double lat)
{
    return deg2 * DC_M_PER_DEG * DC_M_PER_DEG * cos(lat * M_PI / 180.0);
}

static double area_m2(OGRGeometryH g, double lat)
{
    return m2_of(OGR_G_Area(g), lat);
}

/* Report feature @p f's verdict, as it was found; 1 when it is kept. */
static int report_verdict(dc_zoneset *zs, dc_zone_feature *f)
{
    const dc_feature_origin *o = &f->origin;
    uint32_t postcode = f->postcode;
    switch (f->verdict) {
    case DC_VERDICT_NO_POSTCODE:
        dc_report_reject(zs->report, o, DC_REJECT_ZONE_NO_POSTCODE,
                         "zone '%s' has no postcode",
                         f->fields[DC_ZONE_NAME] ? f->fields[DC_ZONE_NAME] : "");
        return 0;
    case DC_VERDICT_BAD_POSTCODE:
        dc_report_reject(zs->report, o, DC_REJECT_ZONE_BAD_POSTCODE,
                         "zone postcode '%s' is not 5 digits",
                         f->fields[DC_ZONE_POSTCODE]);
        return 0;
    case DC_VERDICT_NULL_GEOMETRY:
        dc_report_reject(zs->report, o, DC_REJECT_ZONE_NULL_GEOMETRY,
                         "zone %05u has no geometry", postcode);
        return 0;
    case DC_VERDICT_NOT_POLYGON:
        dc_report_reject(zs->report, o, DC_REJECT_ZONE_NOT_POLYGON,
                         "zone %05u is a %s, not a polygon", postcode,
                         OGRGeometryTypeToName(f->type));
        return 0;
    case DC_VERDICT_INVALID:
    case DC_VERDICT_PENDING:
        dc_report_reject(zs->report, o, DC_REJECT_ZONE_INVALID,
                         "zone %05u has an invalid polygon that cannot be repaired",
                         postcode);
        return 0;
    case DC_VERDICT_REPAIRED: {
        OGREnvelope env;
        OGR_G_GetEnvelope(f->geometry, &env);
        dc_report_warn(zs->report, o, DC_WARN_ZONE_REPAIRED,
                       "zone %05u had an invalid polygon (e.g. self-intersecting); "
                       "repaired into %d part(s) of %.0f m2",
                       postcode, OGR_G_GetGeometryCount(f->geometry),
                       area_m2(f->geometry, (env.MinY + env.MaxY) / 2));
        return 1;
    }
    case DC_VERDICT_KEPT:
        return 1;
    case DC_VERDICT_DROPPED:
        return 0;
    }
    return 0;
}

/* The transformation of @p z's layer, copied once a layer: its index in
 * zs->transforms, or -1 when the geometry is already in WGS 84. */
static int layer_transform(dc_zoneset *zs, const dc_source_zone *z)
{
    if (!z->to_wgs84) return -1;
    const char *source = z->origin.source ? z->origin.source : "";
    const char *layer = z->origin.layer ? z->origin.layer : "";
    if (zs->ntransforms > 0 && zs->last_to_wgs84 == z->to_wgs84 &&
        strcmp(zs->last_source, source) == 0 && strcmp(zs->last_layer, layer) == 0)
        return (int)zs->ntransforms - 1;
    if (zs->ntransforms == zs->transforms_cap) {
        size_t cap = zs->transforms_cap ? zs->transforms_cap * 2 : 16;
        /* Threads judging may be reading the array. */
        dc_judging_lock(zs->judging, true);
        OGRCoordinateTransformationH *x = realloc(zs->transforms, cap * sizeof *x);
        if (x) {
            zs->transforms = x;
            zs->transforms_cap = cap;
        }
        dc_judging_lock(zs->judging, false);
        if (!x) return -2;
    }
    /* The reader's names last no longer than its layer: copies. */
    char *s = strdup(source), *l = strdup(layer);
    OGRCoordinateTransformationH ct = s && l ? dc_crs_clone(z->to_wgs84) : NULL;
    if (!ct) {
        free(s);
        free(l);
        return -2;
    }
    zs->transforms[zs->ntransforms++] = ct;
    zs->last_to_wgs84 = z->to_wgs84;
    free(zs->last_source);
    free(zs->last_layer);
    zs->last_source = s;
    zs->last_layer = l;
    return (int)zs->ntransforms - 1;
}

/* Keep feature @p z unjudged; its geometry is taken when @p steal, else
 * copied. 0, or DC_E_NOMEM. */
static int take(dc_zoneset *zs, dc_source_zone *z, bool steal)
{
    if (zs->nfeatures == zs->features_cap && zs->judging) {
        /* More features than expected: the helpers stop before they move. */
        dc_judging_end(zs->judging);
        zs->judging = NULL;
    }
    if (zs->nfeatures == zs->features_cap) {
        size_t cap = zs->features_cap ? zs->features_cap * 2 : 64;
        dc_zone_feature *f = realloc(zs->features, cap * sizeof *f);
        if (!f) return DC_E_NOMEM;
        zs->features = f;
        zs->features_cap = cap;
    }
    dc_zone_feature *f = &zs->features[zs->nfeatures];
    memset(f, 0, sizeof *f);
    f->transform = -1;
    const char *pc = z->fields[DC_ZONE_POSTCODE];
    if (!pc || !*pc)
        f->verdict = DC_VERDICT_NO_POSTCODE;
    else if (parse_postcode(pc, &f->postcode) != 0)
        f->verdict = DC_VERDICT_BAD_POSTCODE;
    if (f->verdict == DC_VERDICT_PENDING && z->geometry) {
        int k = layer_transform(zs, z);
        if (k < -1) return DC_E_NOMEM;
        f->transform = k;
        f->geometry = steal ? z->geometry : OGR_G_Clone(z->geometry);
        if (steal) z->geometry = NULL;
    }
    f->origin.source = strdup(z->origin.source ? z->origin.source : "");
    f->origin.layer = strdup(z->origin.layer ? z->origin.layer : "");
    f->origin.fid = z->origin.fid;
    for (int i = 0; i < DC_ZONE_ROLES; i++)
        f->fields[i] = dup_or_null(z->fields[i]);
    zs->nfeatures++;
    if (zs->judging) dc_judging_publish(zs->judging, zs->nfeatures);
    return 0;
}

int dc_zoneset_take(void *ctx, dc_source_zone *z)
{
    return take(ctx, z, true);
}

/* ---- judging features, on threads (zones_judge.c) ---- */

static void feature_free(dc_zone_feature *f)
{
    free((char *)f->origin.source);
    free((char *)f->origin.layer);
    for (int k = 0; k < DC_ZONE_ROLES; k++)
        free(f->fields[k]);
    OGR_G_DestroyGeometry(f->geometry);
    free(f->blob.data);
}

dc_err dc_zoneset_judge_early(dc_zoneset *zs, size_t expected)
{
    if (zs->judging) return DC_OK;
    /* A layer that miscounts is read all the same, judged at the end. */
    if (expected > DC_ZONE_EARLY_MAX) expected = DC_ZONE_EARLY_MAX;
    size_t cap = zs->nfeatures + expected;
    if (cap > zs->features_cap) {
        dc_zone_feature *f = realloc(zs->features, cap * sizeof *f);
        if (!f) return DC_E_NOMEM;
        zs->features = f;
        zs->features_cap = cap;
    }
    unsigned n = dc_judge_threads(expected);
    if (n > 1)
        zs->judging = dc_judging_start(zs->features, zs->nfeatures, zs->nfeatures,
                                       &zs->transforms, n - 1);
    return DC_OK;
}

dc_err dc_zoneset_judge(dc_zoneset *zs, unsigned nthreads, dc_zone_kept_fn kept,
                        void *ctx)
{
    size_t from = zs->njudged, to = zs->nfeatures;
    dc_judging *j = zs->judging;
    zs->judging = NULL;
    if (!j) {
        if (nthreads == 0) nthreads = dc_judge_threads(to - from);
        j = dc_judging_start(zs->features, from, to, &zs->transforms, nthreads - 1);
        if (!j) return DC_E_NOMEM;
    }
    dc_judging_end(j);
    /* In feature order: the report as the features were read. */
    size_t out = from;
    for (size_t k = from; k < to; k++) {
        dc_zone_feature *f = &zs->features[k];
        int keep = report_verdict(zs, f);
        if (kept) kept(ctx, &f->origin, keep);
        if (keep)
            zs->features[out++] = *f;
        else
            feature_free(f);
    }
    zs->nfeatures = zs->njudged = out;
    return DC_OK;
}

int dc_zoneset_add(void *ctx, dc_source_zone *z)
{
    dc_zoneset *zs = ctx;
    int rc = take(zs, z, false);
    if (rc == 0) rc = (int)dc_zoneset_judge(zs, 1, NULL, NULL);
    return rc;
}

static void bbox_add(dc_zone_bbox *bb, int32_t lat, int32_t lon)
{
    if (lat < bb->south) bb->south = lat;
    if (lat > bb->north) bb->north = lat;
    if (lon < bb->west) bb->west = lon;
    if (lon > bb->east) bb->east = lon;
}

/* ---- merging features into zones ---- */

static int cmp_feature(const void *a, const void *b)
{
    const dc_zone_feature *const *x = a, *const *y = b;
    if ((*x)->postcode != (*y)->postcode) return (*x)->postcode < (*y)->postcode ? -1 : 1;
    return *x < *y ? -1 : *x > *y; /* input order within a postcode */
}

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* True when every feature of the group names the same zone; reports a
 * conflict on each feature otherwise. */
static int group_agrees(dc_zoneset *zs, dc_zone_feature **g, size_t n)
{
    size_t other = 0;
    for (size_t i = 1; i < n && !other; i++)
        if (!same_text(g[i]->fields[DC_ZONE_NAME], g[0]->fields[DC_ZONE_NAME])) other = i;
    if (!other) return 1;
    for (size_t i = 0; i < n; i++)
        dc_report_reject(zs->report, &g[i]->origin, DC_REJECT_ZONE_POSTCODE_CONFLICT,
                         "postcode %05u is claimed by different zones ('%s' and '%s')",
                         g[0]->postcode, or_empty(g[0]->fields[DC_ZONE_NAME]),
                         or_empty(g[other]->fields[DC_ZONE_NAME]));
    return 0;
}

/* The union of a group's geometries, as a multipolygon; the group's
 * geometries are taken (a zone of one feature is its own geometry). */
static OGRGeometryH group_union(dc_zoneset *zs, dc_zone_feature **g, size_t n)
{
    OGRGeometryH u = g[0]->geometry;
    g[0]->geometry = NULL;
    if (n == 1) return u;
    for (size_t i = 1; i < n; i++) {
        OGRGeometryH next = OGR_G_Union(u, g[i]->geometry);
        OGR_G_DestroyGeometry(u);
        if (!next) return NULL;
        u = next;
        dc_report_warn(zs->report, &g[i]->origin, DC_WARN_ZONE_MERGED,
                       "zone %05u '%s' comes in %zu features; merged into one zone",
                       g[0]->postcode, or_empty(g[0]->fields[DC_ZONE_NAME]), n);
    }
    return dc_zone_polygons_owned(u);
}

static int in_recovery_range(const dc_zone_bbox *bb, int32_t ref_lat, int32_t ref_lon)
{
    return (int64_t)ref_lat - bb->south <= DC_RECOVERY_E7 &&
           (int64_t)bb->north - ref_lat <= DC_RECOVERY_E7 &&
           (int64_t)ref_lon - bb->west <= DC_RECOVERY_E7 &&
           (int64_t)bb->east - ref_lon <= DC_RECOVERY_E7;
}

/* Turn one agreeing group into zones[nzones]; 0 kept, 1 rejected, -1 ENOMEM. */
static int make_zone(dc_zoneset *zs, dc_zone_feature **g, size_t n, OGRGeometryH *merged)
{
    dc_zone_feature *f = g[0];
    bool encoded = n == 1 && f->encoded;
    OGRGeometryH mp = group_union(zs, g, n);
    dc_blob b = {0};
    dc_zone_bbox bb;
    if (encoded) {
        b = f->blob;
        bb = f->bb;
        memset(&f->blob, 0, sizeof f->blob);
        f->encoded = false;
    }
    if (!mp) {
        free(b.data);
        dc_report_reject(zs->report, &f->origin, DC_REJECT_ZONE_INVALID,
                         "the %zu parts of zone %05u could not be merged", n,
                         f->postcode);
        return 1;
    }
    if (!encoded && dc_zone_encode(mp, &b, &bb) != 0) {
        OGR_G_DestroyGeometry(mp);
        free(b.data);
        return -1;
    }
    if (b.size == 0) {
        dc_report_reject(zs->report, &f->origin, DC_REJECT_ZONE_INVALID,
                         "zone %05u degenerates to nothing at 1e-7 degree precision",
                         f->postcode);
        OGR_G_DestroyGeometry(mp);
        free(b.data);
        return 1;
    }
    int32_t ref_lat = (int32_t)(((int64_t)bb.south + bb.north) >> 1);
    int32_t ref_lon = (int32_t)(((int64_t)bb.west + bb.east) >> 1);
    if (!in_recovery_range(&bb, ref_lat, ref_lon)) {
        dc_report_reject(zs->report, &f->origin, DC_REJECT_ZONE_TOO_LARGE,
                         "zone %05u spans %.3f x %.3f degrees; codes recover only within "
                         "0.4 degrees of the zone's centre",
                         f->postcode, (bb.north - bb.south) / 1e7,
                         (bb.east - bb.west) / 1e7);
        OGR_G_DestroyGeometry(mp);
        free(b.data);
        return 1;
    }
    dc_zone_input *z = &zs->zones[zs->nzones];
    memset(z, 0, sizeof *z);
    z->postcode = f->postcode;
    z->name = f->fields[DC_ZONE_NAME];
    z->kind = f->fields[DC_ZONE_KIND];
    z->commune_code = f->fields[DC_ZONE_COMMUNE];
    z->district = f->fields[DC_ZONE_DISTRICT];
    z->province = f->fields[DC_ZONE_PROVINCE];
    z->ref_lat_e7 = ref_lat;
    z->ref_lon_e7 = ref_lon;
    z->polygon.data = b.data;
    z->polygon.size = b.size;
    zs->bboxes[zs->nzones] = bb;
    merged[zs->nzones++] = mp;
    return 0;
}

/* ---- overlaps ---- */

/* Pairs of zones are independent: two threads share them. */
#define DC_OVERLAP_THREADS 2

/* Zones that share interior, not just a boundary, are reported with the
 * shared area, in postcode order; their households go to the lower
 * postcode. */
static void report_overlap(dc_zoneset *zs, const dc_overlap *o)
{
    size_t i = o->i, j = o->j;
    double lat = (zs->bboxes[i].south + zs->bboxes[i].north) / 2e7;
    double m2 = m2_of(o->area_deg2, lat);
    if (m2 <= 0.0) return;
    zs->overlapped[i] = zs->overlapped[j] = 1;
    dc_feature_origin origin = {NULL, NULL, -1};
    dc_report_warn(zs->report, &origin, DC_WARN_ZONE_OVERLAP,
                   "zones %05u '%s' and %05u '%s' overlap by %.1f m2; households there "
                   "belong to %05u",
                   zs->zones[i].postcode, or_empty(zs->zones[i].name),
                   zs->zones[j].postcode, or_empty(zs->zones[j].name), m2,
                   zs->zones[i].postcode);
}

static int find_overlaps(dc_zoneset *zs, OGRGeometryH *merged)
{
    dc_polygon *polygons = malloc((zs->nzones + 1) * sizeof *polygons);
    dc_overlap *found = NULL;
    size_t nfound = 0;
    if (!polygons) return -1;
    for (size_t i = 0; i < zs->nzones; i++)
        polygons[i] = zs->zones[i].polygon;
    dc_err rc = dc_overlaps_find(polygons, merged, zs->nzones, DC_OVERLAP_THREADS, &found,
                                 &nfound);
    free(polygons);
    for (size_t k = 0; rc == DC_OK && k < nfound; k++)
        report_overlap(zs, &found[k]);
    free(found);
    return rc == DC_OK ? 0 : -1;
}

/* ---- the locator ---- */

static uint32_t grid_index(const dc_zoneset *zs, uint32_t row, uint32_t col)
{
    return row * zs->grid_cols + col;
}

/* Every cell a zone's bbox touches gets the zone, in postcode order. */
static int build_locator(dc_zoneset *zs)
{
    dc_zone_bbox all = {INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN};
    for (size_t i = 0; i < zs->nzones; i++) {
        bbox_add(&all, zs->bboxes[i].south, zs->bboxes[i].west);
        bbox_add(&all, zs->bboxes[i].north, zs->bboxes[i].east);
    }
    int64_t cell = DC_LOCATOR_CELL_E7, rows, cols;
    for (;; cell *= 2) {
        rows = ((int64_t)all.north - all.south) / cell + 1;
        cols = ((int64_t)all.east - all.west) / cell + 1;
        if (rows * cols <= DC_LOCATOR_MAX_CELLS) break;
    }
    zs->grid_south = all.south;
    zs->grid_west = all.west;
    zs->grid_cell = (int32_t)cell;
    zs->grid_rows = (uint32_t)rows;
    zs->grid_cols = (uint32_t)cols;
    size_t ncells = (size_t)(rows * cols);
    zs->grid_start = calloc(ncells + 1, sizeof *zs->grid_start);
    if (!zs->grid_start) return -1;

    for (int pass = 0; pass < 2; pass++) {
        for (size_t z = 0; z < zs->nzones; z++) {
            const dc_zone_bbox *bb = &zs->bboxes[z];
            uint32_t r0 = (uint32_t)(((int64_t)bb->south - all.south) / cell);
            uint32_t r1 = (uint32_t)(((int64_t)bb->north - all.south) / cell);
            uint32_t c0 = (uint32_t)(((int64_t)bb->west - all.west) / cell);
            uint32_t c1 = (uint32_t)(((int64_t)bb->east - all.west) / cell);
            for (uint32_t r = r0; r <= r1; r++)
                for (uint32_t c = c0; c <= c1; c++) {
                    uint32_t k = grid_index(zs, r, c);
                    if (pass == 0)
                        zs->grid_start[k + 1]++;
                    else
                        zs->grid_zones[zs->grid_start[k]++] = (uint32_t)z;
                }
        }
        if (pass == 0) {
            for (size_t k = 0; k < ncells; k++)
                zs->grid_start[k + 1] += zs->grid_start[k];
            zs->grid_zones =
                malloc((zs->grid_start[ncells] + 1) * sizeof *zs->grid_zones);
            if (!zs->grid_zones) return -1;
        }
    }
    /* The fill pass advanced every start to the next cell's: shift back. */
    memmove(zs->grid_start + 1, zs->grid_start, ncells * sizeof *zs->grid_start);
    zs->grid_start[0] = 0;
    return 0;
}

static int zone_contains(const dc_zoneset *zs, uint32_t z, int32_t lat_e7, int32_t lon_e7)
{
    const dc_zone_bbox *bb = &zs->bboxes[z];
    if (!(lat_e7 >= bb->south && lat_e7 <= bb->north && lon_e7 >= bb->west &&
          lon_e7 <= bb->east))
        return 0;
    if (zs->writer) /* the same answer, from the zone grid's sub-grid */
        return dc_index_writer_holds(zs->writer, zs->zones[z].postcode, lat_e7, lon_e7);
    return dc_polygon_contains(&zs->zones[z].polygon, lat_e7, lon_e7);
}

long dc_zoneset_locate(const dc_zoneset *zs, int32_t lat_e7, int32_t lon_e7)
{
    if (!zs->grid_start || lat_e7 < zs->grid_south || lon_e7 < zs->grid_west) return -1;
    uint32_t r = (uint32_t)(((int64_t)lat_e7 - zs->grid_south) / zs->grid_cell);
    uint32_t c = (uint32_t)(((int64_t)lon_e7 - zs->grid_west) / zs->grid_cell);
    if (r >= zs->grid_rows || c >= zs->grid_cols) return -1;
    uint32_t k = grid_index(zs, r, c);
    for (uint32_t i = zs->grid_start[k]; i < zs->grid_start[k + 1]; i++)
        if (zone_contains(zs, zs->grid_zones[i], lat_e7, lon_e7))
            return (long)zs->grid_zones[i];
    return -1;
}

long dc_zoneset_locate_near(const dc_zoneset *zs, long hint, int32_t lat_e7,
                            int32_t lon_e7)
{
    if (hint >= 0 && !zs->overlapped[hint] &&
        zone_contains(zs, (uint32_t)hint, lat_e7, lon_e7))
        return hint;
    return dc_zoneset_locate(zs, lat_e7, lon_e7);
}

/* ---- putting it together ---- */

dc_err dc_zoneset_finish(dc_zoneset *zs, dc_error *err)
{
    dc_err rc = DC_E_NOMEM;
    size_t n = zs->nfeatures;
    dc_zone_feature **order = malloc((n + 1) * sizeof *order);
    OGRGeometryH *merged = calloc(n + 1, sizeof *merged);
    zs->zones = calloc(n + 1, sizeof *zs->zones);
    zs->bboxes = calloc(n + 1, sizeof *zs->bboxes);
    zs->overlapped = calloc(n + 1, sizeof *zs->overlapped);
    if (!order || !merged || !zs->zones || !zs->bboxes || !zs->overlapped) goto done;

    for (size_t i = 0; i < n; i++)
        order[i] = &zs->features[i];
    qsort(order, n, sizeof *order, cmp_feature);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && order[j]->postcode == order[i]->postcode; j++) {
        }
        if (group_agrees(zs, order + i, j - i) &&
            make_zone(zs, order + i, j - i, merged) < 0)
            goto done;
    }
    if (zs->nzones == 0) {
        rc = DC_E_INVALID_ARG;
        if (err) {
            err->code = rc;
            snprintf(err->message, sizeof err->message,
                     "no zone could be imported (%zu zone features read)", n);
        }
        goto done;
    }
    if (find_overlaps(zs, merged) != 0 || build_locator(zs) != 0) goto done;
    rc = DC_OK;
done:
    if (rc == DC_E_NOMEM && err) {
        err->code = rc;
        snprintf(err->message, sizeof err->message, "out of memory preparing zones");
    }
    for (size_t i = 0; merged && i < zs->nzones; i++)
        OGR_G_DestroyGeometry(merged[i]);
    free(merged);
    free(order);
    return rc;
}

void dc_zoneset_free(dc_zoneset *zs)
{
    if (zs->judging) dc_judging_end(zs->judging);
    for (size_t i = 0; i < zs->nfeatures; i++)
        feature_free(&zs->features[i]);
    for (size_t i = 0; i < zs->nzones; i++)
        free((uint8_t *)zs->zones[i].polygon.data);
    for (size_t i = 0; i < zs->ntransforms; i++)
        dc_crs_destroy(zs->transforms[i]);
    free(zs->transforms);
    free(zs->last_source);
    free(zs->last_layer);
    free(zs->features);
    free(zs->zones);
    free(zs->bboxes);
    free(zs->overlapped);
    free(zs->grid_start);
    free(zs->grid_zones);
    memset(zs, 0, sizeof *zs);
}
