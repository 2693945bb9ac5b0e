/*
 * export_output.c - an export's output: made beside its final name and
 * renamed into place once complete, never over an input, and the report.
 *
 * The temporary name keeps the final one's extension (out.gpkg is written
 * as out.tmp.<pid>.gpkg), because drivers choose by it between one file
 * and a folder of files. Every file the driver makes starts with the same
 * stem (out.tmp.<pid>.shx, .dbf, ...), so publishing renames each of them
 * to the final stem, the main file last, and abandoning removes them all.
 * Each is flushed to the disk before its rename, and the folder after.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "export_output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_error.h>
#include <cpl_string.h>

#include "diachi/csv.h"
#include "export_rtree.h"
#include "source.h"

dc_err dc_export_fail(dc_export_problem *p, dc_err e, const char *code, const char *fmt,
                      ...)
{
    if (!p) return e;
    p->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
    return e;
}

static const char *gdal_reason(void)
{
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : "no reason given";
}

dc_err dc_export_srs(const char *user, OGRSpatialReferenceH *out, dc_export_problem *p)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    CPLErrorReset();
    if (!srs || OSRSetFromUserInput(srs, user) != OGRERR_NONE) {
        if (srs) OSRDestroySpatialReference(srs);
        return dc_export_fail(p, DC_E_INVALID_ARG, "bad_crs",
                              "cannot read the CRS '%.200s' (--t-srs): %s", user,
                              gdal_reason());
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    dc_crs_add_vn2000_shift(srs);
    *out = srs;
    return DC_OK;
}

/* ---- names ------------------------------------------------------------ */

/* Where the extension of @p path's last component starts (its '.'), or
 * the end of @p path when it has none. */
static size_t extension_at(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) return strlen(path);
    return (size_t)(dot - path);
}

static char *temp_name(const char *final)
{
    size_t at = extension_at(final), len = strlen(final);
    char tag[32];
    snprintf(tag, sizeof tag, ".tmp.%ld", (long)getpid());
    char *t = malloc(len + strlen(tag) + 1);
    if (!t) return NULL;
    memcpy(t, final, at);
    strcpy(t + at, tag);
    strcat(t, final + at);
    return t;
}

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
    char *d = malloc(na + nb + nc + 1);
    if (!d) return NULL;
    memcpy(d, a, na);
    memcpy(d + na, b, nb);
    memcpy(d + na + nb, c, nc + 1);
    return d;
}

/* ---- the file system -------------------------------------------------- */

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Remove @p path, a file or a folder and everything in it. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char *child = join3(path, "/", e->d_name);
            if (child) remove_tree(child);
            free(child);
        }
        if (d) closedir(d);
        rmdir(path);
        return;
    }
    unlink(path);
}

/* Flush @p path to the disk: a file, or a folder, everything in it and
 * itself. GDAL's drivers close their files without fsync, so a rename
 * alone could publish a name whose data a power cut then loses. */
static bool sync_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return false;
    if (S_ISLNK(st.st_mode)) return true;
    bool ok = true;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        ok = d != NULL;
        while (ok && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char *child = join3(path, "/", e->d_name);
            ok = child && sync_tree(child);
            free(child);
        }
        if (d) closedir(d);
    }
    int fd = ok ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    ok = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

/* Flush the folder that holds @p path, so that a rename into it lasts. */
static bool sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? dup_range(path, slash == path ? 1 : (size_t)(slash - path))
                      : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    bool ok = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    free(dir);
    return ok;
}

/* Whether @p a and @p b are one file; or @p a is a folder holding @p b. */
static bool same_or_inside(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return false;
    if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino) return true;
    if (!S_ISDIR(sa.st_mode)) return false;
    char ra[PATH_MAX], rb[PATH_MAX];
    if (!realpath(a, ra) || !realpath(b, rb)) return false;
    size_t n = strlen(ra);
    return strncmp(ra, rb, n) == 0 && (rb[n] == '/' || ra[n - 1] == '/');
}

/* The files of the dataset at @p path, as GDAL lists them (a shapefile's
 * .shx, .dbf, ...): CSL, or NULL. */
static char **dataset_files(const char *path)
{
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) return NULL;
    char **files = GDALGetFileList(ds);
    GDALClose(ds);
    return files;
}

static dc_err check_inputs(const char *final, char **inputs, dc_export_problem *p)
{
    for (size_t i = 0; inputs && inputs[i]; i++) {
        if (same_or_inside(final, inputs[i]))
            return dc_export_fail(p, DC_E_IO, "output_is_input",
                                  "the output %s is (or holds) the input %s: never "
                                  "written over, even with --overwrite",
                                  final, inputs[i]);
        char **files = dataset_files(inputs[i]);
        for (int k = 0; files && files[k]; k++) {
            if (!same_or_inside(final, files[k])) continue;
            dc_err e = dc_export_fail(p, DC_E_IO, "output_is_input",
                                      "the output %s is (or holds) the input's file %s: "
                                      "never written over, even with --overwrite",
                                      final, files[k]);
            CSLDestroy(files);
            return e;
        }
        CSLDestroy(files);
    }
    return DC_OK;
}

/* ---- opening ---------------------------------------------------------- */

static GDALDriverH vector_driver(const char *format, dc_export_problem *p)
{
    GDALAllRegister();
    GDALDriverH d = format ? GDALGetDriverByName(format) : NULL;
    if (d && GDALGetMetadataItem(d, GDAL_DCAP_VECTOR, NULL) &&
        GDALGetMetadataItem(d, GDAL_DCAP_CREATE, NULL))
        return d;
    dc_export_fail(p, DC_E_INVALID_ARG, "unknown_format",
                   "'%s' is not an OGR format that can be written (e.g. GPKG, "
                   "\"ESRI Shapefile\", GeoJSON, FlatGeobuf, CSV; ogrinfo --formats "
                   "lists them)",
                   format ? format : "");
    return NULL;
}

dc_err dc_export_out_open(dc_export_out *out, const dc_export_options *o, char **inputs,
                          dc_export_problem *p)
{
    memset(out, 0, sizeof *out);
    out->driver = vector_driver(o->format, p);
    if (!out->driver) return DC_E_INVALID_ARG;
    const char *name = GDALGetDriverShortName(out->driver);
    out->shapefile = strcmp(name, "ESRI Shapefile") == 0;
    out->csv = strcmp(name, "CSV") == 0;
    out->gpkg = strcmp(name, "GPKG") == 0;
    out->layer_options = o->layer_options;
    dc_err e = check_inputs(o->output, inputs, p);
    if (e) return e;
    struct stat st;
    out->existed = lstat(o->output, &st) == 0;
    if (out->existed && !o->overwrite)
        return dc_export_fail(p, DC_E_IO, "output_exists",
                              "%s exists: give --overwrite to replace it", o->output);
    out->final = strdup(o->output);
    out->temp = temp_name(o->output);
    if (!out->final || !out->temp) return DC_E_NOMEM;
    dc_export_out_abandon(out); /* a leftover of an earlier run of this pid */
    CPLErrorReset();
    out->ds = GDALCreate(out->driver, out->temp, 0, 0, 0, GDT_Unknown, NULL);
    if (!out->ds)
        return dc_export_fail(p, DC_E_IO, "write_failed", "cannot create %s: %s",
                              out->temp, gdal_reason());
    return DC_OK;
}

/* Gather @p layer's envelopes for its spatial index, packed at publish. */
static dc_err pack_later(dc_export_out *out, OGRLayerH layer)
{
    size_t n = out->n_rtrees + 1;
    dc_rtree_layer *t = realloc(out->rtrees, n * sizeof *t);
    if (t) out->rtrees = t;
    OGRLayerH *h = realloc(out->rtree_layers, n * sizeof *h);
    if (h) out->rtree_layers = h;
    if (!t || !h) return DC_E_NOMEM;
    const char *fid = OGR_L_GetFIDColumn(layer);
    dc_err e = dc_rtree_layer_init(&t[n - 1], OGR_L_GetName(layer),
                                   OGR_L_GetGeometryColumn(layer), *fid ? fid : "fid");
    if (e) return e;
    h[n - 1] = layer;
    out->n_rtrees = n;
    return DC_OK;
}

dc_err dc_export_out_layer(dc_export_out *out, const char *name, OGRwkbGeometryType type,
                           OGRSpatialReferenceH srs, OGRLayerH *layer,
                           dc_export_problem *p)
{
    if (GDALDatasetGetLayerCount(out->ds) > 0 &&
        !GDALDatasetTestCapability(out->ds, ODsCCreateLayer))
        return dc_export_fail(p, DC_E_INVALID_ARG, "one_layer_format",
                              "%s holds one layer: name a folder (shapefiles, CSV, "
                              "FlatGeobuf write one file per layer there) or ask for "
                              "one layer (--layer)",
                              out->final);
    char **options = NULL;
    if (out->shapefile) options = CSLSetNameValue(options, "ENCODING", "UTF-8");
    if (out->csv)
        options = CSLSetNameValue(options, "GEOMETRY",
                                  wkbFlatten(type) == wkbPoint ? "AS_XY" : "AS_WKT");
    for (size_t i = 0; out->layer_options && out->layer_options[i]; i++) {
        char *key = NULL;
        const char *v = CPLParseNameValue(out->layer_options[i], &key);
        if (key && v) options = CSLSetNameValue(options, key, v);
        CPLFree(key);
    }
    bool packed =
        out->gpkg && type != wkbNone && !CSLFetchNameValue(options, "SPATIAL_INDEX");
    if (packed) options = CSLSetNameValue(options, "SPATIAL_INDEX", "NO");
    CPLErrorReset();
    *layer = GDALDatasetCreateLayer(out->ds, name, srs, type, options);
    CSLDestroy(options);
    if (*layer) return packed ? pack_later(out, *layer) : DC_OK;
    return dc_export_fail(p, DC_E_IO, "write_failed", "cannot create layer %s in %s: %s",
                          name, out->final, gdal_reason());
}

dc_err dc_export_out_field(dc_export_out *out, OGRLayerH layer, const char *name,
                           OGRFieldType type, int width, dc_export_problem *p)
{
    OGRFieldDefnH f = OGR_Fld_Create(name, type);
    if (width > 0) OGR_Fld_SetWidth(f, width);
    if (type == OFTReal && out->shapefile) {
        OGR_Fld_SetWidth(f, 13);
        OGR_Fld_SetPrecision(f, 8);
    }
    CPLErrorReset();
    OGRErr e = OGR_L_CreateField(layer, f, TRUE);
    OGR_Fld_Destroy(f);
    if (e == OGRERR_NONE) return DC_OK;
    return dc_export_fail(p, DC_E_IO, "write_failed", "cannot add field %s to %s: %s",
                          name, out->final, gdal_reason());
}

void dc_export_out_begin(dc_export_out *out)
{
    if (!out->transaction && GDALDatasetTestCapability(out->ds, ODsCTransactions))
        out->transaction = GDALDatasetStartTransaction(out->ds, FALSE) == OGRERR_NONE;
}

/* The envelope of @p f, just written, when its layer's index is packed. */
static dc_err note_envelope(dc_export_out *out, OGRLayerH layer, OGRFeatureH f)
{
    size_t k = 0;
    while (k < out->n_rtrees && out->rtree_layers[k] != layer)
        k++;
    OGRGeometryH g = k < out->n_rtrees ? OGR_F_GetGeometryRef(f) : NULL;
    if (!g || OGR_G_IsEmpty(g)) return DC_OK;
    OGREnvelope env;
    OGR_G_GetEnvelope(g, &env);
    return dc_rtree_layer_add(&out->rtrees[k], OGR_F_GetFID(f), env.MinX, env.MaxX,
                              env.MinY, env.MaxY);
}

dc_err dc_export_out_write(dc_export_out *out, OGRLayerH layer, OGRFeatureH f,
                           dc_export_problem *p)
{
    OGR_F_SetFID(f, OGRNullFID);
    if (OGR_L_CreateFeature(layer, f) == OGRERR_NONE) return note_envelope(out, layer, f);
    return dc_export_fail(p, DC_E_IO, "write_failed", "cannot write a feature to %s: %s",
                          out->final, gdal_reason());
}

/* ---- publishing ------------------------------------------------------- */

/* Rename every file of the stem @p from (its files are STEM.EXT...) to the
 * stem @p to, @p main (the dataset's own file) last. */
static dc_err rename_files(const char *from, const char *to, const char *main_file,
                           const char *final, dc_export_problem *p)
{
    const char *slash = strrchr(from, '/');
    char *dir = slash ? dup_range(from, (size_t)(slash - from)) : strdup(".");
    const char *base = slash ? slash + 1 : from;
    size_t nbase = strlen(base);
    const char *main_slash = strrchr(main_file, '/');
    const char *main_base = main_slash ? main_slash + 1 : main_file;
    DIR *d = dir ? opendir(dir) : NULL;
    dc_err e = DC_OK;
    struct dirent *ent;
    while (d && !e && (ent = readdir(d))) {
        if (strncmp(ent->d_name, base, nbase) != 0 || ent->d_name[nbase] != '.') continue;
        char *src = join3(dir, "/", ent->d_name);
        char *dst = join3(to, ent->d_name + nbase, "");
        if (!src || !dst)
            e = DC_E_NOMEM;
        else if (!sync_tree(src))
            e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot flush %s to the disk: %s",
                               src, strerror(errno));
        else if (strcmp(ent->d_name, main_base) != 0 && rename(src, dst) != 0)
            e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot rename %s to %s: %s",
                               src, dst, strerror(errno));
        free(src);
        free(dst);
    }
    if (d) closedir(d);
    free(dir);
    if (!e && rename(main_file, final) != 0)
        e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot rename %s to %s: %s",
                           main_file, final, strerror(errno));
    if (!e && !sync_parent(final))
        e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot flush the folder of %s: %s",
                           final, strerror(errno));
    return e;
}

static dc_err publish_folder(dc_export_out *out, dc_export_problem *p)
{
    char tag[40];
    snprintf(tag, sizeof tag, ".old.%ld", (long)getpid());
    char *old = join3(out->final, tag, "");
    if (!old) return DC_E_NOMEM;
    bool moved = false;
    if (out->existed) {
        if (rename(out->final, old) != 0) {
            free(old);
            return dc_export_fail(p, DC_E_IO, "write_failed", "cannot move %s aside: %s",
                                  out->final, strerror(errno));
        }
        moved = true;
    }
    dc_err e = DC_OK;
    if (!sync_tree(out->temp)) {
        e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot flush %s to the disk: %s",
                           out->temp, strerror(errno));
        if (moved) rename(old, out->final);
    } else if (rename(out->temp, out->final) != 0) {
        e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot rename %s to %s: %s",
                           out->temp, out->final, strerror(errno));
        if (moved) rename(old, out->final);
    } else {
        if (moved) remove_tree(old);
        if (!sync_parent(out->final))
            e = dc_export_fail(p, DC_E_IO, "write_failed",
                               "cannot flush the folder of %s: %s", out->final,
                               strerror(errno));
    }
    free(old);
    return e;
}

/* Side files of a replaced single shapefile that the new one does not
 * have (a stale .qix or .prj would describe other data): listed before the
 * renames, removed after. */
static char **old_sides(const dc_export_out *out, const char *final_stem,
                        const char *temp_stem)
{
    static const char *const sides[] = {".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj"};
    char **stale = NULL;
    if (!out->shapefile || !out->existed) return NULL;
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
        char *fresh = join3(temp_stem, sides[i], "");
        char *old = join3(final_stem, sides[i], "");
        if (fresh && old && access(fresh, F_OK) != 0 && access(old, F_OK) == 0)
            stale = CSLAddString(stale, old);
        free(fresh);
        free(old);
    }
    return stale;
}

static dc_err publish_files(dc_export_out *out, dc_export_problem *p)
{
    char *temp_stem = dup_range(out->temp, extension_at(out->temp));
    char *final_stem = dup_range(out->final, extension_at(out->final));
    dc_err e = DC_E_NOMEM;
    if (temp_stem && final_stem) {
        char **stale = old_sides(out, final_stem, temp_stem);
        e = rename_files(temp_stem, final_stem, out->temp, out->final, p);
        for (int i = 0; !e && stale && stale[i]; i++)
            unlink(stale[i]);
        CSLDestroy(stale);
    }
    free(temp_stem);
    free(final_stem);
    return e;
}

dc_err dc_export_out_publish(dc_export_out *out, dc_export_problem *p)
{
    dc_err e = DC_OK;
    CPLErrorReset();
    if (out->transaction && GDALDatasetCommitTransaction(out->ds) != OGRERR_NONE)
        e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot commit %s: %s", out->final,
                           gdal_reason());
    out->transaction = false;
    GDALClose(out->ds);
    out->ds = NULL;
    if (!e && CPLGetLastErrorType() >= CE_Failure)
        e = dc_export_fail(p, DC_E_IO, "write_failed", "cannot finish %s: %s", out->final,
                           gdal_reason());
    if (!e && out->n_rtrees) {
        char why[400];
        e = dc_rtree_write(out->temp, out->rtrees, out->n_rtrees, why, sizeof why);
        if (e == DC_E_IO)
            e = dc_export_fail(p, e, "write_failed",
                               "cannot add the spatial index to %s: %s", out->final, why);
    }
    if (!e) {
        bool folder = is_dir(out->temp);
        if (out->existed && folder != is_dir(out->final))
            e = dc_export_fail(p, DC_E_IO, "output_exists",
                               "%s is a %s and the output a %s: not replaced", out->final,
                               folder ? "file" : "folder", folder ? "folder" : "file");
        else
            e = folder ? publish_folder(out, p) : publish_files(out, p);
    }
    dc_export_out_abandon(out);
    return e;
}

void dc_export_out_abandon(dc_export_out *out)
{
    if (out->ds) {
        if (out->transaction) GDALDatasetRollbackTransaction(out->ds);
        GDALClose(out->ds);
        out->ds = NULL;
    }
    out->transaction = false;
    for (size_t i = 0; i < out->n_rtrees; i++)
        dc_rtree_layer_free(&out->rtrees[i]);
    free(out->rtrees);
    free(out->rtree_layers);
    out->rtrees = NULL;
    out->rtree_layers = NULL;
    out->n_rtrees = 0;
    if (!out->temp) return;
    remove_tree(out->temp);
    char *stem = dup_range(out->temp, extension_at(out->temp));
    const char *slash = stem ? strrchr(stem, '/') : NULL;
    char *dir = slash ? dup_range(stem, (size_t)(slash - stem)) : strdup(".");
    const char *base = slash ? slash + 1 : stem;
    size_t nbase = base ? strlen(base) : 0;
    DIR *d = dir && stem ? opendir(dir) : NULL;
    struct dirent *ent;
    while (d && (ent = readdir(d))) {
        if (strncmp(ent->d_name, base, nbase) != 0 || ent->d_name[nbase] != '.') continue;
        char *path = join3(dir, "/", ent->d_name);
        if (path) remove_tree(path);
        free(path);
    }
    if (d) closedir(d);
    free(dir);
    free(stem);
}

/* ---- the report ------------------------------------------------------- */

dc_err dc_export_report_open(dc_export_report *r, const char *path, dc_export_problem *p)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    if (!path) return DC_OK;
    r->file = fopen(path, "w");
    if (!r->file)
        return dc_export_fail(p, DC_E_IO, "report_failed", "cannot write report %s: %s",
                              path, strerror(errno));
    fputs("severity,source,layer,feature,code,message\r\n", r->file);
    return DC_OK;
}

void dc_export_report_row(dc_export_report *r, const char *severity, const char *source,
                          const char *layer, int64_t fid, const char *code,
                          const char *fmt, ...)
{
    if (!r->file) return;
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    dc_csv_write_field(r->file, severity, ',');
    fputc(',', r->file);
    dc_csv_write_field(r->file, source, ',');
    fputc(',', r->file);
    dc_csv_write_field(r->file, layer, ',');
    fputc(',', r->file);
    if (fid >= 0) fprintf(r->file, "%" PRId64, fid);
    fputc(',', r->file);
    dc_csv_write_field(r->file, code, ',');
    fputc(',', r->file);
    dc_csv_write_field(r->file, message, ',');
    fputs("\r\n", r->file);
}

dc_err dc_export_report_close(dc_export_report *r, dc_export_problem *p)
{
    if (!r->file) return DC_OK;
    int bad = ferror(r->file);
    bad |= fclose(r->file) != 0;
    r->file = NULL;
    if (!bad) return DC_OK;
    return dc_export_fail(p, DC_E_IO, "report_failed", "cannot write report %s", r->path);
}
