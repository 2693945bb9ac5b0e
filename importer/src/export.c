/*
 * export.c - an index's households and zones, with their codes, to an OGR
 * dataset (diachi/export.h). The codes, Plus Codes, zone names and
 * addresses are the engine's (diachi/geocoder.h), so the map says what
 * `diachi lookup` says. A join (export_join.c) shares the output and the
 * report (export_output.c).
 */
#include "diachi/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>

#include "diachi/geocoder.h"
#include "diachi/zone_box.h"
#include "export_output.h"

#define ADDRESS_SIZE 1024
#define ZONE_NAME_SIZE 256

/* A zone of the index, with its name as people say it, made once. */
typedef struct zone_entry {
    dc_zone zone;
    char name[ZONE_NAME_SIZE];
    bool used; /* a household of it was written */
} zone_entry;

typedef struct export_run {
    const dc_export_options *o;
    dc_export_summary *sum;
    dc_export_problem *p;
    dc_geo *geo;
    dc_geo_session *session;
    dc_index_txn *txn;
    const dc_index_meta *meta;
    OGRSpatialReferenceH target;     /* what the output is in */
    OGRCoordinateTransformationH ct; /* WGS 84 to target; NULL: none needed */
    dc_export_out out;
    dc_export_report report;
    zone_entry *zones;
    size_t nzones, cap;
    int32_t *slot;    /* postcode -> index in zones, or -1 */
    uint8_t *written; /* --codes: a bit per household number */
    OGRLayerH households;
    OGRFeatureH feature;
    int field[9];
    dc_err failed; /* a step failed inside a walk (zones, households) */
} export_run;

enum { F_ID, F_CODE, F_COMPACT, F_PLUS, F_LAT, F_LON, F_POSTCODE, F_ZONE, F_ADDRESS };

/* ---- the engine and the CRS -------------------------------------------- */

static dc_err open_engine(export_run *r)
{
    dc_error err = {0};
    dc_err e = dc_geo_open(r->o->index, &r->geo, &err);
    if (e) return dc_export_fail(r->p, e, "open_failed", "%s", err.message);
    e = dc_geo_session_begin(r->geo, &r->session);
    if (e)
        return dc_export_fail(r->p, e, "open_failed", "cannot read %s: %s", r->o->index,
                              dc_strerror(e));
    r->txn = dc_geo_session_txn(r->session);
    r->meta = dc_index_info(dc_geo_index(r->geo));
    return DC_OK;
}

/* The CRS the output is in: WGS 84, or --t-srs (with VN-2000's shift to
 * WGS 84 when it names the datum without one, as the importer reads it). */
static dc_err make_target(export_run *r, OGRSpatialReferenceH wgs84)
{
    if (!r->o->t_srs) {
        r->target = OSRClone(wgs84);
        return r->target ? DC_OK : DC_E_NOMEM;
    }
    dc_err e = dc_export_srs(r->o->t_srs, &r->target, r->p);
    if (e) return e;
    if (OSRIsSame(r->target, wgs84)) return DC_OK;
    r->ct = OCTNewCoordinateTransformation(wgs84, r->target);
    if (!r->ct)
        return dc_export_fail(r->p, DC_E_INVALID_ARG, "bad_crs",
                              "no transformation from WGS 84 to '%.200s': %s",
                              r->o->t_srs, CPLGetLastErrorMsg());
    return DC_OK;
}

/* ---- zones ------------------------------------------------------------- */

static int keep_zone(void *ctx, const dc_zone *zone)
{
    export_run *r = ctx;
    if (r->nzones == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        zone_entry *z = realloc(r->zones, cap * sizeof *z);
        if (!z) {
            r->failed = DC_E_NOMEM;
            return 1;
        }
        r->zones = z;
        r->cap = cap;
    }
    zone_entry *z = &r->zones[r->nzones];
    z->zone = *zone;
    z->used = false;
    dc_geo_zone_name(zone, z->name, sizeof z->name);
    if (zone->postcode <= 99999) r->slot[zone->postcode] = (int32_t)r->nzones;
    r->nzones++;
    return 0;
}

static dc_err load_zones(export_run *r)
{
    r->slot = malloc(100000 * sizeof *r->slot);
    if (!r->slot) return DC_E_NOMEM;
    memset(r->slot, 0xff, 100000 * sizeof *r->slot);
    dc_err e = dc_index_zones_in_box(r->txn, -900000000, -1800000000, 900000000,
                                     1800000000, keep_zone, r);
    if (!e) e = r->failed;
    return e;
}

static zone_entry *zone_of(const export_run *r, uint32_t postcode)
{
    return postcode <= 99999 && r->slot[postcode] >= 0 ? &r->zones[r->slot[postcode]]
                                                       : NULL;
}

/* A zone's polygon as an OGR multipolygon: each exterior ring starts a
 * part, its holes follow it. */
static OGRGeometryH zone_geometry(const dc_zone *zone)
{
    OGRGeometryH multi = OGR_G_CreateGeometry(wkbMultiPolygon), part = NULL;
    size_t offset = 0;
    dc_ring ring;
    while (dc_polygon_next_ring(&zone->polygon, &offset, &ring)) {
        if (!ring.hole) {
            if (part) OGR_G_AddGeometryDirectly(multi, part);
            part = OGR_G_CreateGeometry(wkbPolygon);
        }
        OGRGeometryH lr = OGR_G_CreateGeometry(wkbLinearRing);
        for (uint32_t i = 0; i <= ring.npoints; i++) {
            int32_t lat, lon;
            dc_ring_vertex(&ring, i % ring.npoints, &lat, &lon);
            OGR_G_AddPoint_2D(lr, lon / 1e7, lat / 1e7);
        }
        if (part)
            OGR_G_AddGeometryDirectly(part, lr);
        else
            OGR_G_DestroyGeometry(lr);
    }
    if (part) OGR_G_AddGeometryDirectly(multi, part);
    return multi;
}

static dc_err write_zones(export_run *r, OGRLayerH layer)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t i = 0; i < r->nzones; i++) {
        const dc_zone *z = &r->zones[i].zone;
        if (r->written && !r->zones[i].used) continue; /* --codes: their zones */
        OGRFeatureH f = OGR_F_Create(defn);
        char postcode[8];
        snprintf(postcode, sizeof postcode, "%05u", (unsigned)z->postcode);
        OGR_F_SetFieldString(f, 0, postcode);
        OGR_F_SetFieldString(f, 1, r->zones[i].name);
        char buf[512];
        const dc_str *parts[] = {&z->name, &z->kind, &z->district, &z->province};
        for (int k = 0; k < 4; k++) {
            snprintf(buf, sizeof buf, "%.*s", (int)parts[k]->len, parts[k]->ptr);
            OGR_F_SetFieldString(f, 2 + k, buf);
        }
        OGR_F_SetFieldInteger64(f, 6, z->household_count);
        OGRGeometryH g = zone_geometry(z);
        if (r->ct && OGR_G_Transform(g, r->ct) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(g);
            OGR_F_Destroy(f);
            return dc_export_fail(r->p, DC_E_INVALID_ARG, "bad_crs",
                                  "zone %s does not transform to '%.200s'", postcode,
                                  r->o->t_srs);
        }
        OGR_F_SetGeometryDirectly(f, g);
        dc_err e = dc_export_out_write(&r->out, layer, f, r->p);
        OGR_F_Destroy(f);
        if (e) return e;
        r->sum->zones++;
    }
    return DC_OK;
}

static dc_err zones_layer(export_run *r)
{
    OGRLayerH layer;
    dc_err e =
        dc_export_out_layer(&r->out, "zones", wkbMultiPolygon, r->target, &layer, r->p);
    if (e) return e;
    static const char *const names[] = {"postcode", "zone_name", "name",      "kind",
                                        "district", "province",  "households"};
    static const int widths[] = {5, 120, 80, 40, 80, 80, 0};
    for (int i = 0; i < 7 && !e; i++)
        e = dc_export_out_field(&r->out, layer, names[i],
                                i == 6 ? OFTInteger64 : OFTString, widths[i], r->p);
    return e ? e : write_zones(r, layer);
}

/* ---- households -------------------------------------------------------- */

static dc_err households_layer(export_run *r)
{
    dc_err e = dc_export_out_layer(&r->out, "households", wkbPoint, r->target,
                                   &r->households, r->p);
    if (e) return e;
    static const char *const names[] = {"hh_id",     "code",      "code_cmp",
                                        "plus_code", "lat",       "lon",
                                        "postcode",  "zone_name", "address"};
    static const int widths[] = {64, 14, 12, 12, 0, 0, 5, 120, 254};
    for (int i = 0; i < 9; i++) {
        OGRFieldType t = i == F_LAT || i == F_LON ? OFTReal : OFTString;
        e = dc_export_out_field(&r->out, r->households, names[i], t, widths[i], r->p);
        if (e) return e;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->households);
    for (int i = 0; i < 9; i++)
        r->field[i] = OGR_FD_GetFieldIndex(defn, names[i]);
    r->feature = OGR_F_Create(defn);
    OGR_F_SetGeometryDirectly(r->feature, OGR_G_CreateGeometry(wkbPoint));
    return DC_OK;
}

/* A string of the index (not NUL-terminated; ids are at most 255 bytes). */
static void set_str(OGRFeatureH f, int field, const dc_str *s)
{
    char buf[512];
    size_t n = s->len < sizeof buf - 1 ? s->len : sizeof buf - 1;
    memcpy(buf, s->ptr, n);
    buf[n] = '\0';
    OGR_F_SetFieldString(f, field, buf);
}

static dc_err write_household(export_run *r, const dc_household *h)
{
    zone_entry *z = zone_of(r, h->postcode);
    if (!z)
        return dc_export_fail(r->p, DC_E_INDEX_CORRUPT, "open_failed",
                              "household %.*s names postcode %05u, no zone of %s",
                              (int)h->id.len, h->id.ptr, (unsigned)h->postcode,
                              r->o->index);
    char display[DC_CODE_DISPLAY_SIZE], compact[DC_CODE_COMPACT_SIZE],
        plus[DC_CODE_PLUS_SIZE] = "", postcode[8], address[ADDRESS_SIZE];
    dc_code_format(&h->code, DC_CODE_DISPLAY, display, sizeof display);
    dc_code_format(&h->code, DC_CODE_COMPACT, compact, sizeof compact);
    dc_code_plus_code(&h->code, z->zone.ref_lat_e7 / 1e7, z->zone.ref_lon_e7 / 1e7, plus,
                      sizeof plus);
    snprintf(postcode, sizeof postcode, "%05u", (unsigned)h->postcode);
    dc_geo_address(h, &z->zone, address, sizeof address);
    OGRFeatureH f = r->feature;
    set_str(f, r->field[F_ID], &h->id);
    OGR_F_SetFieldString(f, r->field[F_CODE], display);
    OGR_F_SetFieldString(f, r->field[F_COMPACT], compact);
    OGR_F_SetFieldString(f, r->field[F_PLUS], plus);
    double lat = h->lat_e7 / 1e7, lon = h->lon_e7 / 1e7, x = lon, y = lat;
    OGR_F_SetFieldDouble(f, r->field[F_LAT], lat);
    OGR_F_SetFieldDouble(f, r->field[F_LON], lon);
    OGR_F_SetFieldString(f, r->field[F_POSTCODE], postcode);
    OGR_F_SetFieldString(f, r->field[F_ZONE], z->name);
    OGR_F_SetFieldString(f, r->field[F_ADDRESS], address);
    if (r->ct && !OCTTransform(r->ct, 1, &x, &y, NULL))
        return dc_export_fail(r->p, DC_E_INVALID_ARG, "bad_crs",
                              "household %.*s does not transform to '%.200s'",
                              (int)h->id.len, h->id.ptr, r->o->t_srs);
    OGR_G_SetPoint_2D(OGR_F_GetGeometryRef(f), 0, x, y);
    dc_err e = dc_export_out_write(&r->out, r->households, f, r->p);
    if (!e) r->sum->households++;
    z->used = true;
    return e;
}

static int walk_one(void *ctx, const dc_household_pos *pos)
{
    export_run *r = ctx;
    dc_household h;
    r->failed = dc_index_household_read(r->txn, &pos->ref, &h);
    if (r->failed)
        dc_export_fail(r->p, r->failed, "open_failed", "household %u of %s does not read",
                       (unsigned)pos->number, r->o->index);
    else
        r->failed = write_household(r, &h);
    return r->failed != DC_OK;
}

static dc_err write_all(export_run *r)
{
    if (r->meta->households == 0) return DC_OK;
    dc_err e = dc_index_household_positions(r->txn, 0, (uint32_t)r->meta->households,
                                            walk_one, r);
    if (r->failed) return r->failed;
    if (e)
        return dc_export_fail(r->p, e, "open_failed", "cannot read the households of %s",
                              r->o->index);
    return DC_OK;
}

/* ---- --codes ------------------------------------------------------------ */

/* Write the households at one code (those not written already). */
static dc_err write_code(export_run *r, const char *line, size_t len, long lineno,
                         dc_geo_forward_result *fr)
{
    dc_err e = dc_geo_forward(r->session, line, len, fr);
    if (e) return dc_export_fail(r->p, e, "open_failed", "cannot read %s", r->o->index);
    r->sum->codes_read++;
    if (fr->status != DC_GEO_OK) {
        r->sum->codes_unresolved++;
        dc_export_report_row(&r->report, "warning", r->o->codes, "", lineno,
                             dc_geo_status_name(fr->status),
                             "'%.*s' names no household%s%s", (int)len, line,
                             fr->error.message[0] ? ": " : "", fr->error.message);
        return DC_OK;
    }
    dc_household stack[DC_GEO_MAX_HOUSEHOLDS], *hh = stack;
    uint32_t count = fr->household_count;
    if (count > DC_GEO_MAX_HOUSEHOLDS) {
        hh = malloc(count * sizeof *hh);
        if (!hh) return DC_E_NOMEM;
        e = dc_index_code_read(r->txn, &fr->place.code, hh, count, &count);
    } else {
        memcpy(stack, fr->households, count * sizeof *stack);
    }
    for (uint32_t i = 0; i < count && !e; i++) {
        uint32_t n = hh[i].number;
        if (r->written[n / 8] & (1u << (n % 8))) continue;
        r->written[n / 8] |= (uint8_t)(1u << (n % 8));
        e = write_household(r, &hh[i]);
    }
    if (hh != stack) free(hh);
    return e;
}

static dc_err write_codes(export_run *r)
{
    FILE *in = fopen(r->o->codes, "r");
    if (!in)
        return dc_export_fail(r->p, DC_E_IO, "open_failed", "cannot read %s: %s",
                              r->o->codes, strerror(errno));
    dc_geo_forward_result *fr = malloc(sizeof *fr);
    r->written = calloc(r->meta->households / 8 + 1, 1);
    dc_err e = fr && r->written ? DC_OK : DC_E_NOMEM;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    while (!e && (n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0) continue;
        e = write_code(r, line, (size_t)n, lineno, fr);
    }
    free(line);
    free(fr);
    fclose(in);
    return e;
}

/* ---- the run ------------------------------------------------------------ */

static dc_err export_index(export_run *r)
{
    dc_err e = load_zones(r);
    if (e)
        return dc_export_fail(r->p, e, "open_failed", "cannot read the zones of %s",
                              r->o->index);
    if (r->o->layers != DC_EXPORT_ZONES) e = households_layer(r);
    if (!e) dc_export_out_begin(&r->out);
    if (!e && r->o->layers != DC_EXPORT_ZONES)
        e = r->o->codes ? write_codes(r) : write_all(r);
    if (!e && r->o->layers != DC_EXPORT_HOUSEHOLDS) e = zones_layer(r);
    return e;
}

static dc_err check_options(const dc_export_options *o, dc_export_problem *p)
{
    if (!o || !o->index || !o->output || !o->format)
        return dc_export_fail(p, DC_E_INVALID_ARG, "usage",
                              "an index, an output and a format (-f) are needed");
    if (o->join && o->codes)
        return dc_export_fail(p, DC_E_INVALID_ARG, "usage",
                              "--join and --codes do not go together");
    return DC_OK;
}

static void finish(export_run *r)
{
    dc_export_out_abandon(&r->out);
    free(r->out.final);
    free(r->out.temp);
    if (r->feature) OGR_F_Destroy(r->feature);
    if (r->ct) OCTDestroyCoordinateTransformation(r->ct);
    if (r->target) OSRDestroySpatialReference(r->target);
    dc_geo_session_end(r->session);
    dc_geo_close(r->geo);
    free(r->zones);
    free(r->slot);
    free(r->written);
}

dc_err dc_export_run(const dc_export_options *o, dc_export_summary *summary,
                     dc_export_problem *problem)
{
    dc_export_summary local;
    export_run r = {.o = o, .sum = summary ? summary : &local, .p = problem};
    memset(r.sum, 0, sizeof *r.sum);
    if (problem) problem->code = NULL;
    dc_err e = check_options(o, problem);
    if (e) return e;
    GDALAllRegister();
    /* A library never prints: GDAL's messages reach the caller in problem. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    if (!wgs84 || OSRImportFromEPSG(wgs84, 4326) != OGRERR_NONE) {
        if (wgs84) OSRDestroySpatialReference(wgs84);
        CPLPopErrorHandler();
        return dc_export_fail(problem, DC_E_INVALID_ARG, "bad_crs",
                              "PROJ has no EPSG:4326");
    }
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    char *inputs[] = {(char *)o->index, (char *)o->join, (char *)o->codes, NULL};
    if (!o->join) inputs[1] = (char *)o->codes, inputs[2] = NULL;
    e = dc_export_report_open(&r.report, o->report, problem);
    if (!e) e = open_engine(&r);
    if (!e && (!o->join || o->t_srs)) e = make_target(&r, wgs84);
    if (!e) e = dc_export_out_open(&r.out, o, inputs, problem);
    if (!e && o->join)
        e = dc_export_join(o, r.session, r.meta, o->t_srs ? r.target : NULL, &r.out,
                           &r.report, r.sum, problem);
    else if (!e)
        e = export_index(&r);
    if (!e) e = dc_export_out_publish(&r.out, problem);
    dc_err re = dc_export_report_close(&r.report, problem);
    if (!e) e = re;
    finish(&r);
    OSRDestroySpatialReference(wgs84);
    CPLPopErrorHandler();
    return e;
}
