/*
 * render.c - plates onto pages and pages into files (diachi/plates.h).
 * Everything that can refuse (an output that exists, a payload too long
 * for a QR code, a letter the font lacks) is checked before the first
 * byte is written. Each file is written beside its final name, synced,
 * and only then put in place: with link(2) when it must not replace
 * anything (so a file that appeared meanwhile is still not replaced),
 * with rename(2) under --overwrite.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "plates_draw.h"
#include "plates_internal.h"

cairo_status_t dc_plates_write_fn(void *closure, const unsigned char *data,
                                  unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* The name of SVG page @p page (1-based) of @p pages. */
static char *page_name(const char *path, dc_plates_format format, size_t page,
                       size_t pages)
{
    size_t len = strlen(path);
    char *name = malloc(len + 32);
    if (!name) return NULL;
    if (format == DC_PLATES_PDF || pages == 1) {
        memcpy(name, path, len + 1);
        return name;
    }
    size_t stem = len >= 4 && strcmp(path + len - 4, ".svg") == 0 ? len - 4 : len;
    snprintf(name, len + 32, "%.*s-%03zu.svg", (int)stem, path, page);
    return name;
}

static void files_free(out_file *files, size_t n)
{
    for (size_t i = 0; files && i < n; i++) {
        if (files[i].f) fclose(files[i].f);
        if (files[i].tmp) unlink(files[i].tmp);
        free(files[i].path);
        free(files[i].tmp);
    }
    free(files);
}

/* Names every file and refuses when one exists and may not be replaced. */
static dc_err name_files(const char *path, const dc_plates_options *o, size_t pages,
                         out_file *files, size_t nfiles, const char **problem,
                         dc_error *err)
{
    for (size_t i = 0; i < nfiles; i++) {
        files[i].path = page_name(path, o->format, i + 1, pages);
        if (!files[i].path) return dc_error_set(err, DC_E_NOMEM, "out of memory");
        struct stat st;
        if (!o->overwrite && lstat(files[i].path, &st) == 0) {
            *problem = "output_exists";
            return dc_error_set(err, DC_E_IO, "%s exists: give --overwrite to replace it",
                                files[i].path);
        }
    }
    return DC_OK;
}

dc_err dc_plates_file_open(out_file *f, const char **problem, dc_error *err)
{
    size_t n = strlen(f->path) + 32;
    f->tmp = malloc(n);
    if (!f->tmp) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    snprintf(f->tmp, n, "%s.tmp.%ld", f->path, (long)getpid());
    int fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) f->f = fdopen(fd, "wb");
    if (!f->f) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(f->tmp);
        }
        free(f->tmp);
        f->tmp = NULL;
        *problem = "io";
        return dc_error_set(err, DC_E_IO, "cannot write %s: %s", f->path, strerror(e));
    }
    return DC_OK;
}

/* The stream flushed and synced: the data are on disk before the name. */
dc_err dc_plates_file_close(out_file *f, const char **problem, dc_error *err)
{
    int bad = fflush(f->f) != 0 || fsync(fileno(f->f)) != 0;
    int e = errno;
    bad |= fclose(f->f) != 0;
    f->f = NULL;
    if (bad) {
        *problem = "io";
        return dc_error_set(err, DC_E_IO, "cannot write %s: %s", f->path, strerror(e));
    }
    return DC_OK;
}

dc_err dc_plates_file_place(out_file *f, bool overwrite, const char **problem,
                            dc_error *err)
{
    int rc = overwrite ? rename(f->tmp, f->path) : link(f->tmp, f->path);
    if (rc != 0) {
        int e = errno;
        *problem = e == EEXIST ? "output_exists" : "io";
        return dc_error_set(err, DC_E_IO, "cannot put %s in place: %s", f->path,
                            e == EEXIST ? "it appeared meanwhile" : strerror(e));
    }
    if (!overwrite) unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    return DC_OK;
}

/* Every plate's payload fits a QR code and every text the font. */
static dc_err check_plates(const dc_plate_list *list, const dc_plates_options *o,
                           const char **problem, dc_error *err)
{
    char text[DC_QR_TEXT_MAX + 1];
    for (size_t i = 0; i < list->count; i++) {
        const dc_plate *p = &list->plates[i];
        if (dc_plates_payload_text(&o->payload, p, text, sizeof text, NULL) != DC_OK) {
            *problem = "payload_too_long";
            return dc_error_set(err, DC_E_BUFFER,
                                "household %s: its QR text is over %d bytes", p->id,
                                DC_QR_TEXT_MAX);
        }
        const char *texts[] = {p->display, p->address, p->id};
        for (size_t t = 0; t < 3; t++) {
            uint32_t c;
            if (dc_plates_font_covers(o->font, texts[t], &c)) continue;
            char glyph[8];
            dc_plates_utf8(c, glyph);
            *problem = "font_coverage";
            return dc_error_set(err, DC_E_INVALID_ARG,
                                "household %s: font '%s' has no glyph for U+%04X '%s'",
                                p->id, dc_plates_font_family(o->font), (unsigned)c,
                                glyph);
        }
    }
    return DC_OK;
}

/* One page's plates, marks and footer. */
static dc_err draw_page(cairo_t *cr, const dc_plate_list *list,
                        const dc_plates_options *o, double size, size_t page,
                        size_t pages, const char **problem, dc_error *err)
{
    const dc_plates_layout *l = &o->layout;
    size_t per = (size_t)dc_plates_per_page(l), first = page * per;
    for (size_t i = first; i < list->count && i < first + per; i++) {
        char text[DC_QR_TEXT_MAX + 1];
        size_t len;
        dc_qr q;
        double x, y;
        dc_plates_payload_text(&o->payload, &list->plates[i], text, sizeof text, &len);
        dc_err e = dc_qr_encode(text, len, &q, err);
        if (e != DC_OK) {
            *problem = "render";
            return e;
        }
        dc_plates_slot(l, (int)(i - first), &x, &y);
        dc_plates_draw_plate(cr, o->font, &list->plates[i], &q, size, x, y, l);
        if (l->cut_marks) dc_plates_draw_marks(cr, l, x, y);
        dc_qr_free(&q);
    }
    if (l->rows * l->cols > 1) {
        char footer[512];
        snprintf(footer, sizeof footer, "%s  ·  page %zu of %zu  ·  diachi-plates",
                 o->title ? o->title : "", page + 1, pages);
        dc_plates_draw_footer(cr, o->font, l, footer);
    }
    cairo_show_page(cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        *problem = "render";
        return dc_error_set(err, DC_E_IO, "cairo: %s",
                            cairo_status_to_string(cairo_status(cr)));
    }
    return DC_OK;
}

static cairo_surface_t *surface_for(out_file *f, const dc_plates_options *o)
{
    const dc_plates_layout *l = &o->layout;
    if (o->format == DC_PLATES_SVG) {
        cairo_surface_t *s = cairo_svg_surface_create_for_stream(dc_plates_write_fn, f->f,
                                                                 l->page_w, l->page_h);
        cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
        return s;
    }
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(dc_plates_write_fn, f->f,
                                                             l->page_w, l->page_h);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, o->title ? o->title : "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "diachi-plates");
    return s;
}

/* Pages @p first..@p end-1 into file @p f, which is then closed. */
static dc_err write_file(out_file *f, const dc_plate_list *list,
                         const dc_plates_options *o, double size, size_t first,
                         size_t end, size_t pages, const char **problem, dc_error *err)
{
    dc_err e = dc_plates_file_open(f, problem, err);
    if (e != DC_OK) return e;
    cairo_surface_t *s = surface_for(f, o);
    cairo_t *cr = cairo_create(s);
    for (size_t page = first; e == DC_OK && page < end; page++)
        e = draw_page(cr, list, o, size, page, pages, problem, err);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (e == DC_OK && st != CAIRO_STATUS_SUCCESS) {
        *problem = "io";
        e = dc_error_set(err, DC_E_IO, "cannot write %s: %s", f->path,
                         cairo_status_to_string(st));
    }
    dc_err c = dc_plates_file_close(f, problem, err);
    return e != DC_OK ? e : c;
}

/* One size for every plate's code, measured once on a scratch surface. */
static double code_size(const dc_plate_list *list, const dc_plates_options *o)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(s);
    double size = dc_plates_code_size(cr, o->font, list, &o->layout);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return size;
}

dc_err dc_plates_render(const dc_plate_list *list, const dc_plates_options *o,
                        const char *path, size_t *pages_out, const char **problem,
                        dc_error *err)
{
    const char *unused;
    if (!problem) problem = &unused;
    *problem = "render";
    if (!list || !o || !o->font || !path)
        return dc_error_set(err, DC_E_INVALID_ARG, "nothing to render");
    if (list->count == 0) {
        *problem = "empty_selection";
        return dc_error_set(err, DC_E_INVALID_ARG, "no plate to print");
    }
    size_t pages = dc_plates_page_count(&o->layout, list->count);
    size_t nfiles = o->format == DC_PLATES_SVG ? pages : 1;
    out_file *files = calloc(nfiles, sizeof *files);
    if (!files) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    dc_err e = name_files(path, o, pages, files, nfiles, problem, err);
    if (e == DC_OK) e = check_plates(list, o, problem, err);
    double size = e == DC_OK ? code_size(list, o) : 0;
    for (size_t i = 0; e == DC_OK && i < nfiles; i++)
        e = nfiles == 1
                ? write_file(&files[i], list, o, size, 0, pages, pages, problem, err)
                : write_file(&files[i], list, o, size, i, i + 1, pages, problem, err);
    for (size_t i = 0; e == DC_OK && i < nfiles; i++)
        e = dc_plates_file_place(&files[i], o->overwrite, problem, err);
    files_free(files, nfiles);
    if (e == DC_OK && pages_out) *pages_out = pages;
    return e;
}
