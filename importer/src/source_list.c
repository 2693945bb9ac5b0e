/*
 * source_list.c - the list of datasets that the command line's paths
 * expand to: files as given, folders walked in path order, sidecars, GIS
 * litter and the import's own outputs left out; names interned for the
 * list's lifetime.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "source_internal.h"

typedef struct name_pool {
    pthread_mutex_t lock;
    char **names;
    size_t count;
} name_pool;

struct dc_source_list {
    char **paths;
    bool *in_folder; /* found by walking a folder given on the command line */
    size_t count, cap;
    name_pool *pool; /* a pointer, so const readers may add to it */
};

typedef struct path_vec {
    char **items;
    size_t count, cap;
} path_vec;

static dc_err vec_push(path_vec *v, char *path)
{
    if (!path) return DC_E_NOMEM;
    if (v->count == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 16;
        char **p = realloc(v->items, cap * sizeof *p);
        if (!p) {
            free(path);
            return DC_E_NOMEM;
        }
        v->items = p;
        v->cap = cap;
    }
    v->items[v->count++] = path;
    return DC_OK;
}

static void vec_free(path_vec *v)
{
    for (size_t i = 0; i < v->count; i++)
        free(v->items[i]);
    free(v->items);
    *v = (path_vec){0};
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

static const char *extension(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static bool has_ext(const char *path, const char *ext)
{
    return strcasecmp(extension(path), ext) == 0;
}

/* Sidecar files of a shapefile set, and GIS desktop litter: never a
 * dataset of their own. */
static bool is_sidecar(const char *path)
{
    static const char *const exts[] = {"shx", "prj", "cpg", "qix",  "sbn", "sbx", "xml",
                                       "qpj", "qmd", "aux", "lock", "fix", "atx"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (has_ext(path, exts[i])) return true;
    return false;
}

/* The same base name with another extension, in the case of the original
 * extension's first letter ("a.SHP" -> "a.DBF"). Caller frees. */
static char *sibling(const char *path, const char *ext_lower)
{
    const char *ext = extension(path);
    size_t base = (size_t)(ext - path), n = strlen(ext_lower);
    char *p = malloc(base + n + 1);
    if (!p) return NULL;
    memcpy(p, path, base);
    bool upper = ext[0] >= 'A' && ext[0] <= 'Z';
    for (size_t i = 0; i < n; i++)
        p[base + i] = upper ? (char)(ext_lower[i] - 'a' + 'A') : ext_lower[i];
    p[base + n] = '\0';
    return p;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Whether a file found in a folder is a dataset to read. */
static bool is_dataset_file(const char *path)
{
    const char *base = strrchr(path, '/');
    if ((base ? base + 1 : path)[0] == '.' || is_sidecar(path)) return false;
    if (has_ext(path, "dbf")) { /* a .dbf beside its .shp is part of that set */
        char *shp = sibling(path, "shp");
        bool paired = shp && exists(shp);
        free(shp);
        if (paired) return false;
    }
    return GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL) != NULL;
}

/* The import's own outputs, as absolute paths with their folder resolved. */
typedef struct outputs {
    char **paths;
    size_t count;
} outputs;

/* PATH with its folder resolved (the file itself may not exist yet). */
static char *resolve(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX], *name = (char *)(slash ? slash + 1 : path);
    size_t n = slash ? (size_t)(slash - path) : 0;
    char *folder = slash ? strndup(path, n ? n : 1) : strdup(".");
    bool ok = folder && realpath(folder, dir) != NULL;
    free(folder);
    return ok ? join(dir, name) : NULL;
}

/* Whether a file met in a folder is one of the outputs, or an index's
 * temporary file (PATH.tmp.<pid>) or lock file (PATH-lock). */
static bool is_output(const outputs *o, const char *path)
{
    if (!o->count) return false;
    char *real = realpath(path, NULL);
    bool found = false;
    for (size_t i = 0; real && !found && i < o->count; i++) {
        size_t n = strlen(o->paths[i]);
        found =
            strncmp(real, o->paths[i], n) == 0 &&
            (!real[n] || !strncmp(real + n, ".tmp.", 5) || !strcmp(real + n, "-lock"));
    }
    free(real);
    return found;
}

static dc_err walk(const char *dir, int depth, const outputs *o, path_vec *out,
                   dc_error *err);

static dc_err walk_entry(const char *path, int depth, const outputs *o, path_vec *out,
                         dc_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return DC_OK; /* a dangling link: not a dataset */
    if (S_ISDIR(st.st_mode)) {
        /* A File Geodatabase is a folder that OGR opens as one dataset. */
        if (has_ext(path, "gdb")) return vec_push(out, strdup(path));
        return walk(path, depth + 1, o, out, err);
    }
    if (S_ISREG(st.st_mode) && !is_output(o, path) && is_dataset_file(path))
        return vec_push(out, strdup(path));
    return DC_OK;
}

static dc_err walk(const char *dir, int depth, const outputs *o, path_vec *out,
                   dc_error *err)
{
    if (depth > 32) return DC_OK; /* a symbolic link loop */
    DIR *d = opendir(dir);
    if (!d) {
        if (err) {
            err->code = DC_E_IO;
            snprintf(err->message, sizeof err->message, "cannot read folder %s: %s", dir,
                     strerror(errno));
        }
        return DC_E_IO;
    }
    dc_err rc = DC_OK;
    struct dirent *e;
    while (rc == DC_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue; /* ., .. and hidden files */
        char *path = join(dir, e->d_name);
        rc = path ? walk_entry(path, depth, o, out, err) : DC_E_NOMEM;
        free(path);
    }
    closedir(d);
    return rc;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One command-line path: a dataset, or a folder's datasets in path order. */
static dc_err expand(const char *path, const outputs *o, path_vec *out, dc_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (err) {
            err->code = DC_E_IO;
            snprintf(err->message, sizeof err->message, "%s: %s", path, strerror(errno));
        }
        return DC_E_IO;
    }
    if (!S_ISDIR(st.st_mode) || has_ext(path, "gdb")) return vec_push(out, strdup(path));
    size_t first = out->count;
    dc_err rc = walk(path, 0, o, out, err);
    if (rc == DC_OK)
        qsort(out->items + first, out->count - first, sizeof *out->items, compare_paths);
    return rc;
}

static name_pool *pool_new(void)
{
    name_pool *p = calloc(1, sizeof *p);
    if (p && pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

static void outputs_free(outputs *o)
{
    for (size_t i = 0; i < o->count; i++)
        free(o->paths[i]);
    free(o->paths);
}

static dc_err outputs_resolve(const char *const *paths, size_t n, outputs *o)
{
    *o = (outputs){calloc(n + 1, sizeof *o->paths), 0};
    if (!o->paths) return DC_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        char *r = paths[i] ? resolve(paths[i]) : NULL;
        if (r) o->paths[o->count++] = r; /* a folder that is not there: no file in it */
    }
    return DC_OK;
}

dc_err dc_source_list_open(const char *const *paths, size_t npaths, dc_source_list **out,
                           dc_error *err)
{
    return dc_source_list_open_except(paths, npaths, NULL, 0, out, err);
}

dc_err dc_source_list_open_except(const char *const *paths, size_t npaths,
                                  const char *const *except, size_t nexcept,
                                  dc_source_list **out, dc_error *err)
{
    if (!out || (npaths && !paths) || (nexcept && !except)) return DC_E_INVALID_ARG;
    dc_gdal_init();
    path_vec v = {0};
    outputs o;
    dc_err rc = outputs_resolve(except, nexcept, &o);
    size_t *ends = calloc(npaths + 1, sizeof *ends);
    if (!ends) rc = DC_E_NOMEM;
    for (size_t i = 0; rc == DC_OK && i < npaths; i++) {
        rc = expand(paths[i], &o, &v, err);
        ends[i] = v.count;
    }
    dc_source_list *list = NULL;
    if (rc != DC_OK) goto done;
    list = calloc(1, sizeof *list);
    if (!list || !(list->pool = pool_new()) ||
        !(list->in_folder = calloc(v.count + 1, sizeof *list->in_folder))) {
        rc = DC_E_NOMEM;
        goto done;
    }
    for (size_t i = 0, k = 0; i < npaths; i++) {
        struct stat st;
        bool folder =
            stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode) && !has_ext(paths[i], "gdb");
        for (; k < ends[i]; k++)
            list->in_folder[k] = folder;
    }
    list->paths = v.items;
    list->count = v.count;
    v = (path_vec){0};
    *out = list;
    list = NULL;
done:
    if (rc == DC_E_NOMEM && err) {
        err->code = rc;
        snprintf(err->message, sizeof err->message, "out of memory listing datasets");
    }
    dc_source_list_close(list);
    vec_free(&v);
    outputs_free(&o);
    free(ends);
    return rc;
}

void dc_source_list_close(dc_source_list *list)
{
    if (!list) return;
    for (size_t i = 0; i < list->count; i++)
        free(list->paths[i]);
    free(list->paths);
    free(list->in_folder);
    if (list->pool) {
        for (size_t i = 0; i < list->pool->count; i++)
            free(list->pool->names[i]);
        free(list->pool->names);
        pthread_mutex_destroy(&list->pool->lock);
        free(list->pool);
    }
    free(list);
}

size_t dc_source_list_count(const dc_source_list *list)
{
    return list ? list->count : 0;
}

const char *dc_source_list_path(const dc_source_list *list, size_t i)
{
    return list && i < list->count ? list->paths[i] : NULL;
}

bool dc_source_list_in_folder(const dc_source_list *list, size_t i)
{
    return list && i < list->count && list->in_folder[i];
}

const char *dc_source_list_intern(const dc_source_list *list, const char *name)
{
    name_pool *p = list->pool;
    const char *found = NULL;
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < p->count && !found; i++)
        if (strcmp(p->names[i], name) == 0) found = p->names[i];
    if (!found) {
        char **names = realloc(p->names, (p->count + 1) * sizeof *names);
        char *copy = strdup(name);
        if (names) p->names = names;
        if (names && copy)
            found = p->names[p->count++] = copy;
        else
            free(copy);
    }
    pthread_mutex_unlock(&p->lock);
    return found ? found : "(out of memory)";
}

/* ---- size and time ---------------------------------------------------- */

static void add_file(const char *path, uint64_t *size, int64_t *mtime)
{
    struct stat st;
    if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return;
    *size += (uint64_t)st.st_size;
    if ((int64_t)st.st_mtime > *mtime) *mtime = (int64_t)st.st_mtime;
}

static void add_folder(const char *dir, uint64_t *size, int64_t *mtime)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *path = join(dir, e->d_name);
        add_file(path, size, mtime);
        free(path);
    }
    closedir(d);
}

void dc_source_list_stat(const dc_source_list *list, size_t i, uint64_t *size,
                         int64_t *mtime)
{
    static const char *const set[] = {"shp", "shx", "dbf", "prj", "cpg"};
    uint64_t total = 0;
    int64_t latest = 0;
    const char *path = dc_source_list_path(list, i);
    struct stat st;
    if (path && has_ext(path, "shp")) {
        for (size_t k = 0; k < sizeof set / sizeof set[0]; k++) {
            char *p = sibling(path, set[k]);
            add_file(p, &total, &latest);
            free(p);
        }
    } else if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        add_folder(path, &total, &latest);
    } else if (path) {
        add_file(path, &total, &latest);
    }
    if (size) *size = total;
    if (mtime) *mtime = latest;
}
