/*
 * http_page.c - the map page (see http_map.h): GET / is index.html, GET
 * /static/NAME a file of the web directory, /static/leaflet/NAME Leaflet
 * (the web directory's own copy, else Debian's libjs-leaflet), and
 * /static/config.json what the command line said about the page (--tiles).
 * Files are small and read at each request: the page works with no build
 * step and an edited file is served at once.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_map.h"
#include "http_reply.h"

#ifndef DC_LEAFLET_DIR
#define DC_LEAFLET_DIR "/usr/share/javascript/leaflet"
#endif

/* A file the page may ask for: 1 MiB at most (Leaflet is 140 kB). */
#define PAGE_FILE_MAX (1u << 20)

static char beside_binary[PATH_MAX];
static pthread_once_t beside_once = PTHREAD_ONCE_INIT;

/* ../share/diachi/web from the running binary: where `cmake --install`
 * puts the page, and where the build tree links the sources' web/. */
static void find_beside_binary(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return;
    *slash = '\0';
    snprintf(beside_binary, sizeof beside_binary, "%.*s/../share/diachi/web",
             (int)(sizeof beside_binary - 32), exe);
}

static const char *web_dir(const dc_http *srv)
{
    if (srv->config.web_dir) return srv->config.web_dir;
    pthread_once(&beside_once, find_beside_binary);
    return beside_binary;
}

/* Names of letters, digits, '.', '-', '_' and '/', with no "..", no empty
 * part: nothing outside the web directory can be named. */
static bool safe_name(const char *name)
{
    if (!name[0] || name[0] == '/' || strstr(name, "..") || strstr(name, "//"))
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_' ||
              *p == '/'))
            return false;
    return name[strlen(name) - 1] != '/';
}

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return NULL;
}

/* The whole of a regular file of at most PAGE_FILE_MAX bytes, malloc'd;
 * NULL when there is none. */
static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[PATH_MAX];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *body = NULL;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size <= PAGE_FILE_MAX && (body = malloc((size_t)st.st_size + 1)) != NULL &&
        fread(body, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(body);
        body = NULL;
    }
    fclose(f);
    if (body) *len = (size_t)st.st_size;
    return body;
}

/* Beside the headers every answer carries (Cache-Control: no-store among
 * them: the files are read afresh at each request). */
static const dc_header page_headers[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src * data: blob:; style-src 'self' 'unsafe-inline'; "
     "connect-src 'self'"},
};

/* /static/config.json: the page's settings from the command line, and
 * where the index's households lie (south, west, north, east), for the
 * page's first view. */
static enum MHD_Result page_config(struct MHD_Connection *c, dc_request *req,
                                   dc_generation *gen, dc_worker *wk)
{
    dc_jw *w = &wk->jw;
    dc_jw_reset(w);
    dc_jw_object(w);
    dc_jw_key(w, "tiles");
    if (req->srv->config.tiles)
        dc_jw_cstring(w, req->srv->config.tiles);
    else
        dc_jw_null(w);
    const dc_index_meta *m = dc_index_info(dc_geo_index(gen->geo));
    dc_jw_key(w, "bounds");
    dc_jw_array(w);
    dc_jw_e7(w, m->south_e7);
    dc_jw_e7(w, m->west_e7);
    dc_jw_e7(w, m->north_e7);
    dc_jw_e7(w, m->east_e7);
    dc_jw_end(w);
    dc_jw_end(w);
    return dc_http_send_with(c, req, MHD_HTTP_OK, "application/json", w->buf, w->len, gen,
                             false, page_headers, 1);
}

enum MHD_Result dc_http_map_page(struct MHD_Connection *c, dc_request *req,
                                 const char *path, dc_generation *gen, dc_worker *wk)
{
    char message[160];
    if (req->srv->config.no_ui)
        return dc_http_send_error(c, req, DC_API_NOT_FOUND,
                                  "the map page is off (diachi serve --no-ui)", gen);
    if (strcmp(path, "config.json") == 0) return page_config(c, req, gen, wk);
    const char *type = safe_name(path) ? content_type(path) : NULL;
    size_t len = 0;
    char *body = type ? read_file(web_dir(req->srv), path, &len) : NULL;
    if (!body && type && strncmp(path, "leaflet/", 8) == 0)
        body = read_file(DC_LEAFLET_DIR, path + 8, &len);
    if (!body) {
        snprintf(message, sizeof message, "no such file of the map page: %.80s", path);
        return dc_http_send_error(c, req, DC_API_NOT_FOUND, message, gen);
    }
    enum MHD_Result ret =
        dc_http_send_with(c, req, MHD_HTTP_OK, type, body, len, gen, false, page_headers,
                          sizeof page_headers / sizeof page_headers[0]);
    free(body);
    return ret;
}
