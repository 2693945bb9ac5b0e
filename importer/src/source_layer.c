/*
 * source_layer.c - opening a dataset and preparing one layer to read: its
 * encoding, the field of each role, and the fields OGR may skip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source_internal.h"

static bool is_shapefile_driver(GDALDriverH drv)
{
    return drv && strcmp(GDALGetDriverShortName(drv), "ESRI Shapefile") == 0;
}

GDALDatasetH dc_dataset_open(const char *path, dc_source_problem *problem)
{
    dc_gdal_init();
    /* ENCODING="" makes the shapefile driver hand out the DBF bytes as they
     * are; other drivers would only warn about an option they lack. */
    static const char *const raw[] = {"ENCODING=", NULL};
    GDALDriverH drv = GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL);
    const char *const *options = is_shapefile_driver(drv) ? raw : NULL;
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, options, NULL);
    if (!ds) {
        const char *why = CPLGetLastErrorMsg();
        dc_problem_set(problem, path, NULL, "open_failed", "cannot open %s as a map: %s",
                       path, why && *why ? why : "no GDAL vector driver reads it");
    }
    return ds;
}

/* ---- encoding --------------------------------------------------------- */

/* The first line of a shapefile's .cpg into buf; false without one. */
static bool read_cpg(const char *shp, char *buf, size_t size)
{
    const char *ext = strrchr(shp, '.');
    size_t base = ext ? (size_t)(ext - shp) : strlen(shp);
    char path[4096];
    static const char *const names[] = {".cpg", ".CPG"};
    for (size_t i = 0; i < 2; i++) {
        if (base + 5 > sizeof path) return false;
        snprintf(path, sizeof path, "%.*s%s", (int)base, shp, names[i]);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        bool ok = fgets(buf, (int)size, f) != NULL;
        fclose(f);
        buf[strcspn(buf, "\r\n")] = '\0';
        return ok && buf[0] != '\0';
    }
    return false;
}

bool dc_layer_cpg(const char *source, GDALDatasetH ds, char *name, size_t size)
{
    return is_shapefile_driver(GDALGetDatasetDriver(ds)) && read_cpg(source, name, size);
}

/* The DBF language driver id (byte 29 of the header), 0 when unknown. */
static int read_ldid(const char *shp)
{
    const char *ext = strrchr(shp, '.');
    size_t base = ext ? (size_t)(ext - shp) : strlen(shp);
    char path[4096];
    static const char *const names[] = {".dbf", ".DBF"};
    for (size_t i = 0; i < 2; i++) {
        if (base + 5 > sizeof path) return 0;
        snprintf(path, sizeof path, "%.*s%s", (int)base, shp, names[i]);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        unsigned char header[32];
        size_t n = fread(header, 1, sizeof header, f);
        fclose(f);
        return n == sizeof header ? header[29] : 0;
    }
    return 0;
}

/* The option first, then the .cpg, then the DBF header; UTF-8 otherwise
 * (and always for formats that store UTF-8 by definition). */
static dc_err resolve_encoding(dc_layer_reader *r, GDALDatasetH ds,
                               const dc_source_options *opt, dc_source_problem *problem)
{
    dc_encoding enc = DC_ENC_UTF8;
    char cpg[64];
    if (opt && opt->encoding) {
        if (!dc_encoding_from_name(opt->encoding, &enc)) {
            dc_problem_set(problem, r->source, r->name, "bad_encoding",
                           "unknown encoding '%s': use UTF-8, CP1258, TCVN3, CP1252 or "
                           "ISO-8859-1",
                           opt->encoding);
            return DC_E_INVALID_ARG;
        }
    } else if (is_shapefile_driver(GDALGetDatasetDriver(ds))) {
        if (read_cpg(r->source, cpg, sizeof cpg)) {
            if (!dc_encoding_from_name(cpg, &enc)) {
                dc_problem_set(problem, r->source, r->name, "bad_encoding",
                               "the .cpg of %s names encoding '%s', which diachi cannot "
                               "read; name the right one with --encoding",
                               r->source, cpg);
                return DC_E_INVALID_ARG;
            }
        } else if (!dc_encoding_from_ldid(read_ldid(r->source), &enc)) {
            enc = DC_ENC_UTF8;
        }
    }
    dc_decoder_init(&r->decoder, enc);
    return DC_OK;
}

/* ---- fields ----------------------------------------------------------- */

static int find_field(OGRFeatureDefnH defn, const char *name)
{
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++)
        if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name) == 0)
            return i;
    return -1;
}

/* "A, B, C" (cut short with "..." when the message would overflow). */
static void list_fields(OGRFeatureDefnH defn, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", name);
        if (w < 0 || (size_t)w >= size - used) {
            snprintf(buf + (used < size - 4 ? used : size - 4), 4, "...");
            return;
        }
        used += (size_t)w;
    }
    if (n == 0) snprintf(buf, size, "none");
}

static bool role_required(dc_layer_kind kind, int role)
{
    return role == (kind == DC_LAYER_ZONES ? DC_ZONE_POSTCODE : DC_HH_ID);
}

static dc_err resolve_fields(dc_layer_reader *r, dc_layer_kind kind,
                             const dc_source_options *opt, dc_source_problem *problem)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
    r->roles = dc_role_count(kind);
    for (int role = 0; role < r->roles; role++) {
        const char *given = opt ? opt->fields[role] : NULL;
        const char *name = given ? given : dc_role_default_field(kind, role);
        r->field[role] = name[0] ? find_field(defn, name) : -1;
        if (r->field[role] >= 0) {
            OGRFieldType type =
                OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, r->field[role]));
            r->integer[role] = type == OFTInteger ? 32 : type == OFTInteger64 ? 64 : 0;
        }
        /* A field named on purpose must exist; "" switches a role off. */
        bool named = given && given[0];
        if (r->field[role] >= 0 || !(named || role_required(kind, role))) continue;
        char have[160];
        list_fields(defn, have, sizeof have);
        dc_problem_set(problem, r->source, r->name, "missing_field",
                       "layer %s of %s has no field '%s' for %s; its fields: %s", r->name,
                       r->source, name[0] ? name : "(none given)",
                       dc_role_name(kind, role), have);
        return DC_E_INVALID_ARG;
    }
    return DC_OK;
}

/* Tell OGR not to parse fields no role reads: fewer strings per feature. */
static dc_err ignore_other_fields(dc_layer_reader *r)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
    int n = OGR_FD_GetFieldCount(defn);
    const char **names = calloc((size_t)n + 2, sizeof *names);
    if (!names) return DC_E_NOMEM;
    int k = 0;
    for (int i = 0; i < n; i++) {
        bool used = false;
        for (int role = 0; role < r->roles; role++)
            used |= r->field[role] == i;
        if (!used) names[k++] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    }
    names[k++] = "OGR_STYLE";
    OGR_L_SetIgnoredFields(r->layer, names);
    free(names);
    return DC_OK;
}

/* A .shp opened on its own (not a folder of them): its one layer's CRS
 * is its .prj's. */
static bool single_shapefile(const char *source, GDALDatasetH ds)
{
    size_t n = strlen(source);
    return n > 4 && strcasecmp(source + n - 4, ".shp") == 0 &&
           is_shapefile_driver(GDALGetDatasetDriver(ds)) &&
           GDALDatasetGetLayerCount(ds) == 1;
}

dc_err dc_layer_prepare(dc_layer_reader *r, const dc_source_list *list,
                        const char *source, GDALDatasetH ds, OGRLayerH layer,
                        dc_layer_kind kind, const dc_source_options *opt,
                        dc_source_problem *problem)
{
    *r =
        (dc_layer_reader){.source = source, .name = OGR_L_GetName(layer), .layer = layer};
    dc_err rc = resolve_fields(r, kind, opt, problem);
    if (rc == DC_OK) rc = resolve_encoding(r, ds, opt, problem);
    if (rc == DC_OK)
        rc = dc_crs_to_wgs84(layer, single_shapefile(source, ds) ? source : NULL, kind,
                             opt ? opt->srs : NULL, opt && opt->exact_proj,
                             &r->to_wgs84, problem);
    if (rc == DC_OK) rc = ignore_other_fields(r);
    if (rc != DC_OK) {
        if (rc == DC_E_INVALID_ARG) {
            problem->source = source;
            problem->layer = dc_source_list_intern(list, r->name);
        }
        dc_layer_release(r);
    }
    return rc;
}

void dc_layer_release(dc_layer_reader *r)
{
    dc_decoder_free(&r->decoder);
    dc_crs_release(r->to_wgs84);
    r->to_wgs84 = NULL;
}
