/*
 * round.c - the printed delivery round (diachi/plates.h,
 * dc_plates_round_render): the letters read as `diachi round` reads them,
 * resolved and ordered by the engine (diachi/round.h), then drawn on A4
 * pages: a map of the round on the first, the numbered list below it and
 * on as many pages as it needs, the letters that name no door last.
 *
 * The map is drawn on a local plane: metres east and north of the round's
 * centre (an equirectangular projection at its mean latitude, which over
 * the few kilometres of a round is within a fraction of a percent of the
 * true distances), scaled alike in both directions so that north is up
 * and the scale bar holds across the map.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "diachi/round.h"
#include "diachi/round_letters.h"
#include "plates_internal.h"

#define MM DC_PLATES_PT_PER_MM
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define MARGIN (15 * MM)
#define MAP_TOP (MARGIN + 24)
#define MAP_H (110 * MM)
#define LEAD 12.5 /* a list row, points */
#define TEXT_PT 8.5
#define EARTH_R 6371008.8 /* metres, the mean radius */
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef dc_round_letter letter;

typedef struct round_sheet {
    dc_round_letters l;
    size_t stops;
    const letter **order; /* the resolved letters in the round's order */
    dc_round_stats stats;
    const dc_plates_round_options *o;
} round_sheet;

/* ---- the letters: the same file `diachi round` reads ------------------------- */

static dc_err read_letters(round_sheet *r, const char **problem, dc_error *err)
{
    size_t len;
    char *buf = dc_round_letters_load(r->o->letters, &len);
    if (!buf) {
        *problem = "io";
        return dc_error_set(err, DC_E_IO, "cannot read %s: %s", r->o->letters,
                            strerror(errno));
    }
    dc_err e = dc_round_letters_read(buf, len, r->o->column, &r->l, err);
    free(buf);
    if (e == DC_OK || e == DC_E_NOMEM) return e;
    if (e == DC_E_INVALID_ARG) { /* --column: the message names it */
        *problem = "usage";
        return e;
    }
    *problem = e == DC_E_IO ? "io" : dc_err_name(e); /* round_too_many, round_empty */
    if (!err) return e;
    char said[sizeof err->message];
    memcpy(said, err->message, sizeof said);
    return dc_error_set(err, e, "%s: %s", r->o->letters, said);
}

/* ---- resolving and ordering, by the engine ------------------------------------- */

static dc_err resolve_all(dc_geo *geo, round_sheet *r, const char **problem,
                          dc_error *err)
{
    dc_geo_session *s = NULL;
    dc_round_scratch *sc = malloc(sizeof *sc);
    dc_err e = sc ? dc_geo_session_begin(geo, &s) : DC_E_NOMEM;
    for (size_t i = 0; e == DC_OK && i < r->l.n; i++) {
        e = dc_round_resolve(s, r->l.v[i].text, strlen(r->l.v[i].text), sc,
                             &r->l.v[i].door);
        r->stops += e == DC_OK && r->l.v[i].door.resolved;
    }
    if (s) dc_geo_session_end(s);
    free(sc);
    if (e != DC_OK) {
        *problem = "index";
        return dc_error_set(err, e, "resolving the letters: %s", dc_strerror(e));
    }
    if (r->stops) return DC_OK;
    *problem = "round_empty";
    return dc_error_set(err, DC_E_NOT_FOUND, "none of the %zu letters names a door",
                        r->l.n);
}

static dc_err order_round(round_sheet *r, const char **problem, dc_error *err)
{
    dc_round_stop *stops = malloc(r->stops * sizeof *stops);
    size_t *order = malloc(r->stops * sizeof *order);
    const letter **by = malloc(r->stops * sizeof *by);
    r->order = malloc(r->stops * sizeof *r->order);
    dc_round_options opt;
    dc_round_options_init(&opt);
    opt.back_to_start = r->o->back_to_start;
    dc_err e = stops && order && by && r->order ? DC_OK : DC_E_NOMEM;
    for (size_t i = 0, k = 0; e == DC_OK && i < r->l.n; i++) {
        const dc_round_door *d = &r->l.v[i].door;
        if (!d->resolved) continue;
        stops[k] = (dc_round_stop){d->lat, d->lon, r->o->keep_door ? d->door : d->group};
        by[k++] = &r->l.v[i];
    }
    if (e == DC_OK)
        e = dc_round_order(stops, r->stops, r->o->start_lat, r->o->start_lon, &opt, order,
                           &r->stats, err);
    for (size_t i = 0; e == DC_OK && i < r->stops; i++)
        r->order[i] = by[order[i]];
    free(stops), free(order), free(by);
    if (e == DC_E_NOMEM) dc_error_set(err, e, "out of memory");
    if (e != DC_OK) *problem = e == DC_E_ROUND_START ? "usage" : "render";
    return e;
}

/* Every code and address the font can set; a letter that cannot be set
 * is printed by its row instead (see unresolved_text). */
static dc_err check_font(const round_sheet *r, const char **problem, dc_error *err)
{
    for (size_t i = 0; i < r->stops; i++) {
        const dc_round_door *d = &r->order[i]->door;
        const char *texts[] = {d->code, d->address};
        for (size_t t = 0; t < 2; t++) {
            uint32_t c;
            if (dc_plates_font_covers(r->o->font, texts[t], &c)) continue;
            char glyph[8];
            dc_plates_utf8(c, glyph);
            *problem = "font_coverage";
            return dc_error_set(err, DC_E_INVALID_ARG,
                                "stop %zu (%s): font '%s' has no glyph for U+%04X '%s'",
                                i + 1, d->code, dc_plates_font_family(r->o->font),
                                (unsigned)c, glyph);
        }
    }
    return DC_OK;
}

/* ---- drawing ------------------------------------------------------------------- */

static void set_font(cairo_t *cr, const round_sheet *r, bool bold, double size)
{
    cairo_set_font_face(cr, dc_plates_font_face(r->o->font, bold));
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* @p s at (x, y); right-aligned to x when @p right. */
static void show(cairo_t *cr, const char *s, double x, double y, bool right)
{
    cairo_move_to(cr, right ? x - text_width(cr, s) : x, y);
    cairo_show_text(cr, s);
}

/* @p s cut at a character boundary, with "…", to fit @p width (and the
 * buffer: a letter may be long). */
static void show_fit(cairo_t *cr, const char *s, double x, double y, double width)
{
    char buf[600];
    size_t len = strlen(s), n = len < sizeof buf - 4 ? len : sizeof buf - 4;
    while (n && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, s, n);
    snprintf(buf + n, sizeof buf - n, "%s", n < len ? "…" : "");
    while (n && text_width(cr, buf) > width) {
        do
            n--;
        while (n && ((unsigned char)buf[n] & 0xC0) == 0x80);
        snprintf(buf + n, sizeof buf - n, "…");
    }
    show(cr, buf, x, y, false);
}

/* The local plane: metres east and north of (lat0, lon0). */
typedef struct plane {
    double lat0, lon0, coslat, scale, ox, oy; /* scale: points a metre */
} plane;

static void to_page(const plane *p, double lat, double lon, double *x, double *y)
{
    double e = (lon - p->lon0) * M_PI / 180 * EARTH_R * p->coslat;
    double n = (lat - p->lat0) * M_PI / 180 * EARTH_R;
    *x = p->ox + e * p->scale;
    *y = p->oy - n * p->scale;
}

/* The plane centred on the round, scaled so that it fills the map box. */
static plane fit_plane(const round_sheet *r, double bx, double by, double bw, double bh)
{
    double lat_lo = r->o->start_lat, lat_hi = lat_lo, lon_lo = r->o->start_lon,
           lon_hi = lon_lo;
    for (size_t i = 0; i < r->stops; i++) {
        const dc_round_door *d = &r->order[i]->door;
        lat_lo = fmin(lat_lo, d->lat), lat_hi = fmax(lat_hi, d->lat);
        lon_lo = fmin(lon_lo, d->lon), lon_hi = fmax(lon_hi, d->lon);
    }
    plane p = {.lat0 = (lat_lo + lat_hi) / 2, .lon0 = (lon_lo + lon_hi) / 2};
    p.coslat = cos(p.lat0 * M_PI / 180);
    double w = (lon_hi - lon_lo) * M_PI / 180 * EARTH_R * p.coslat;
    double h = (lat_hi - lat_lo) * M_PI / 180 * EARTH_R;
    p.scale = fmin((bw - 40) / fmax(w, 50), (bh - 40) / fmax(h, 50));
    p.ox = bx + bw / 2, p.oy = by + bh / 2;
    return p;
}

/* A scale bar of a round length (1, 2 or 5 times a power of ten metres)
 * near a fifth of the map's width, at its bottom left. */
static void draw_scale(cairo_t *cr, const round_sheet *r, const plane *p, double x,
                       double y, double bw)
{
    double want = bw / 5 / p->scale, unit = pow(10, floor(log10(want))), len = unit;
    if (5 * unit <= want)
        len = 5 * unit;
    else if (2 * unit <= want)
        len = 2 * unit;
    double w = len * p->scale;
    char label[32];
    snprintf(label, sizeof label, len >= 1000 ? "%.0f km" : "%.0f m",
             len >= 1000 ? len / 1000 : len);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x, y - 4), cairo_line_to(cr, x, y), cairo_line_to(cr, x + w, y);
    cairo_line_to(cr, x + w, y - 4);
    cairo_stroke(cr);
    set_font(cr, r, false, 7);
    show(cr, label, x + w + 4, y, false);
}

static void draw_north(cairo_t *cr, const round_sheet *r, double x, double y)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, x, y), cairo_line_to(cr, x - 5, y + 16);
    cairo_line_to(cr, x, y + 12), cairo_line_to(cr, x + 5, y + 16);
    cairo_close_path(cr);
    cairo_fill(cr);
    set_font(cr, r, true, 8);
    show(cr, "N", x - text_width(cr, "N") / 2, y - 3, false);
}

/* The round's line, its numbered stops and the start. */
static void draw_route(cairo_t *cr, const round_sheet *r, const plane *p)
{
    double x, y, sx, sy;
    to_page(p, r->o->start_lat, r->o->start_lon, &sx, &sy);
    cairo_set_source_rgb(cr, 0.15, 0.35, 0.75);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, sx, sy);
    for (size_t i = 0; i < r->stops; i++) {
        to_page(p, r->order[i]->door.lat, r->order[i]->door.lon, &x, &y);
        cairo_line_to(cr, x, y);
    }
    if (r->o->back_to_start) cairo_line_to(cr, sx, sy);
    cairo_stroke(cr);
    set_font(cr, r, true, 5.5);
    for (size_t i = 0; i < r->stops; i++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", i + 1);
        to_page(p, r->order[i]->door.lat, r->order[i]->door.lon, &x, &y);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_arc(cr, x, y, 5, 0, 2 * M_PI);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.15, 0.35, 0.75);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        show(cr, num, x - text_width(cr, num) / 2, y + 2, false);
    }
    cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
    cairo_rectangle(cr, sx - 5, sy - 5, 10, 10);
    cairo_fill(cr);
    set_font(cr, r, true, 7);
    show(cr, "Start", sx + 7, sy + 3, false);
}

static void draw_map(cairo_t *cr, const round_sheet *r)
{
    double bx = MARGIN, by = MAP_TOP, bw = PAGE_W - 2 * MARGIN, bh = MAP_H;
    plane p = fit_plane(r, bx, by, bw, bh);
    cairo_save(cr);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.95);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_clip(cr);
    draw_route(cr, r, &p);
    cairo_restore(cr);
    draw_scale(cr, r, &p, bx + 10, by + bh - 10, bw);
    draw_north(cr, r, bx + bw - 16, by + 14);
}

/* The list's lines: the stops, then (when any) a gap, the heading and
 * the letters that name no door. */
enum { LINE_STOP, LINE_GAP, LINE_HEADING, LINE_UNRESOLVED };
typedef struct line {
    int kind;
    size_t i; /* a stop's index in the round, an unresolved letter's in v */
    double leg, total;
} line;

static line *list_lines(const round_sheet *r, size_t *count)
{
    line *l = malloc((r->l.n + 3) * sizeof *l);
    size_t k = 0;
    double lat = r->o->start_lat, lon = r->o->start_lon, total = 0;
    for (size_t i = 0; l && i < r->stops; i++) {
        const dc_round_door *d = &r->order[i]->door;
        double leg = dc_geo_distance_m(lat, lon, d->lat, d->lon);
        total += leg;
        l[k++] = (line){LINE_STOP, i, leg, total};
        lat = d->lat, lon = d->lon;
    }
    if (l && r->o->back_to_start) {
        double leg = dc_geo_distance_m(lat, lon, r->o->start_lat, r->o->start_lon);
        l[k++] = (line){LINE_STOP, r->stops, leg, total + leg};
    }
    if (l && r->l.n > r->stops) {
        l[k++] = (line){.kind = LINE_GAP};
        l[k++] = (line){.kind = LINE_HEADING};
        for (size_t i = 0; i < r->l.n; i++)
            if (!r->l.v[i].door.resolved)
                l[k++] = (line){.kind = LINE_UNRESOLVED, .i = i};
    }
    *count = k;
    return l;
}

/* Where the list's columns stand. */
#define COL_NUM (MARGIN + 18)
#define COL_CODE (MARGIN + 26)
#define COL_ADDR (MARGIN + 118)
#define COL_TOTAL (PAGE_W - MARGIN)
#define COL_LEG (PAGE_W - MARGIN - 48)

static void draw_stops_header(cairo_t *cr, const round_sheet *r, double y)
{
    set_font(cr, r, true, TEXT_PT);
    cairo_set_source_rgb(cr, 0, 0, 0);
    show(cr, "#", COL_NUM, y, true);
    show(cr, "Code", COL_CODE, y, false);
    show(cr, "Address", COL_ADDR, y, false);
    show(cr, "Leg m", COL_LEG, y, true);
    show(cr, "Total m", COL_TOTAL, y, true);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, MARGIN, y + 3.5), cairo_line_to(cr, PAGE_W - MARGIN, y + 3.5);
    cairo_stroke(cr);
}

static void draw_stop(cairo_t *cr, const round_sheet *r, const line *l, double y)
{
    char num[24], leg[32], total[32];
    snprintf(leg, sizeof leg, "%.0f", l->leg);
    snprintf(total, sizeof total, "%.0f", l->total);
    set_font(cr, r, false, TEXT_PT);
    show(cr, leg, COL_LEG, y, true);
    show(cr, total, COL_TOTAL, y, true);
    if (l->i == r->stops) { /* the walk back */
        show(cr, "back to the start", COL_ADDR, y, false);
        return;
    }
    const dc_round_door *d = &r->order[l->i]->door;
    snprintf(num, sizeof num, "%zu", l->i + 1);
    show(cr, num, COL_NUM, y, true);
    show_fit(cr, d->address, COL_ADDR, y, COL_LEG - 40 - COL_ADDR);
    set_font(cr, r, true, TEXT_PT);
    show(cr, d->code, COL_CODE, y, false);
}

/* Whether @p s is well-formed UTF-8 (no overlong form, surrogate or code
 * point over U+10FFFF): cairo refuses to set anything else, and a
 * letter is whatever the file held. */
static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80                 ? 0
                : *p >= 0xC2 && *p < 0xE0 ? 1
                : *p >= 0xE0 && *p < 0xF0 ? 2
                : *p >= 0xF0 && *p < 0xF5 ? 3
                                          : -1;
        if (n < 0) return false;
        uint32_t c = n == 0 ? *p : *p & (0x3F >> n);
        for (int k = 1; k <= n; k++) {
            if ((p[k] & 0xC0) != 0x80) return false;
            c = c << 6 | (p[k] & 0x3F);
        }
        if ((n == 2 && (c < 0x800 || (c >= 0xD800 && c < 0xE000))) ||
            (n == 3 && (c < 0x10000 || c > 0x10FFFF)))
            return false;
        p += n + 1;
    }
    return true;
}

static void draw_unresolved(cairo_t *cr, const round_sheet *r, const line *l, double y)
{
    const letter *x = &r->l.v[l->i];
    char row[64], why[160];
    snprintf(row, sizeof row, "row %zu", x->row);
    snprintf(why, sizeof why, "%s", x->door.status);
    set_font(cr, r, false, TEXT_PT);
    show(cr, row, COL_CODE, y, false);
    uint32_t c;
    if (x->text[0] && utf8_valid(x->text) &&
        dc_plates_font_covers(r->o->font, x->text, &c))
        show_fit(cr, x->text, COL_ADDR, y, COL_LEG - 40 - COL_ADDR);
    else
        show(cr, x->text[0] ? "(not printable)" : "(empty)", COL_ADDR, y, false);
    show(cr, why, COL_TOTAL, y, true);
}

static void draw_heading(cairo_t *cr, const round_sheet *r, double y, bool continued)
{
    char h[96];
    snprintf(h, sizeof h, "Letters not resolved (%zu)%s", r->l.n - r->stops,
             continued ? ", continued" : "");
    set_font(cr, r, true, 10);
    cairo_set_source_rgb(cr, 0.7, 0.1, 0.1);
    show(cr, h, MARGIN, y, false);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw_title(cairo_t *cr, const round_sheet *r, size_t page, size_t pages)
{
    char t[256];
    snprintf(t, sizeof t,
             "Delivery round: %zu stops, %.0f m%s, from %.5f, %.5f  ·  page %zu of %zu",
             r->stops, r->stats.length_m, r->o->back_to_start ? " there and back" : "",
             r->o->start_lat, r->o->start_lon, page + 1, pages);
    set_font(cr, r, true, 11);
    cairo_set_source_rgb(cr, 0, 0, 0);
    show(cr, t, MARGIN, MARGIN + 8, false);
}

/* List lines a page holds: below the map on the first, else below the
 * title; the header takes one. */
static size_t page_rows(size_t page)
{
    double top = page == 0 ? MAP_TOP + MAP_H + 22 : MAP_TOP;
    return (size_t)((PAGE_H - MARGIN - top) / LEAD) - 1;
}

static size_t page_count(size_t nlines)
{
    size_t pages = 1;
    for (size_t done = page_rows(0); done < nlines; pages++)
        done += page_rows(pages);
    return pages;
}

/* Page @p page: its title, the map on the first, then its list lines from
 * *next on, under the header of the part they continue. */
static void draw_page(cairo_t *cr, const round_sheet *r, const line *l, size_t nlines,
                      size_t *next, size_t page, size_t pages)
{
    double y = page == 0 ? MAP_TOP + MAP_H + 22 : MAP_TOP;
    draw_title(cr, r, page, pages);
    if (page == 0) draw_map(cr, r);
    if (*next < nlines && l[*next].kind == LINE_STOP)
        draw_stops_header(cr, r, y);
    else if (*next < nlines && l[*next].kind == LINE_UNRESOLVED)
        draw_heading(cr, r, y, true);
    for (size_t k = 0; k < page_rows(page) && *next < nlines; k++, (*next)++) {
        y += LEAD;
        const line *x = &l[*next];
        if (x->kind == LINE_STOP) draw_stop(cr, r, x, y);
        if (x->kind == LINE_HEADING) draw_heading(cr, r, y, false);
        if (x->kind == LINE_UNRESOLVED) draw_unresolved(cr, r, x, y);
    }
    cairo_show_page(cr);
}

static dc_err write_pdf(const round_sheet *r, out_file *f, size_t *pages,
                        const char **problem, dc_error *err)
{
    size_t nlines, next = 0;
    line *l = list_lines(r, &nlines);
    if (!l) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    dc_err e = dc_plates_file_open(f, problem, err);
    if (e != DC_OK) return free(l), e;
    *pages = page_count(nlines);
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(dc_plates_write_fn, f->f, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Delivery round");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "diachi-plates");
    cairo_t *cr = cairo_create(s);
    for (size_t page = 0; page < *pages; page++)
        draw_page(cr, r, l, nlines, &next, page, *pages);
    cairo_status_t st = cairo_status(cr); /* a drawing refused stops the rest */
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    free(l);
    if (st != CAIRO_STATUS_SUCCESS) {
        *problem = "render";
        e = dc_error_set(err, DC_E_IO, "cannot write %s: %s", f->path,
                         cairo_status_to_string(st));
    }
    dc_err c = dc_plates_file_close(f, problem, err);
    return e != DC_OK ? e : c;
}

/* ---- the whole ----------------------------------------------------------------- */

static dc_err refuse_existing(const dc_plates_round_options *o, const char *path,
                              const char **problem, dc_error *err)
{
    FILE *f = o->overwrite ? NULL : fopen(path, "rb");
    if (!f) return DC_OK;
    fclose(f);
    *problem = "output_exists";
    return dc_error_set(err, DC_E_IO, "%s exists: give --overwrite to replace it", path);
}

dc_err dc_plates_round_render(dc_geo *geo, const dc_plates_round_options *o,
                              const char *path, dc_plates_round_result *res,
                              const char **problem, dc_error *err)
{
    const char *unused;
    if (!problem) problem = &unused;
    *problem = "render";
    if (!geo || !o || !o->font || !o->letters || !path)
        return dc_error_set(err, DC_E_INVALID_ARG, "nothing to render");
    round_sheet r = {.o = o};
    out_file f = {0};
    size_t pages = 0;
    dc_err e = refuse_existing(o, path, problem, err);
    if (e == DC_OK) e = read_letters(&r, problem, err);
    if (e == DC_OK) e = resolve_all(geo, &r, problem, err);
    if (e == DC_OK) e = order_round(&r, problem, err);
    if (e == DC_OK) e = check_font(&r, problem, err);
    if (e == DC_OK && !(f.path = strdup(path)))
        e = dc_error_set(err, DC_E_NOMEM, "out of memory");
    if (e == DC_OK) e = write_pdf(&r, &f, &pages, problem, err);
    if (e == DC_OK) e = dc_plates_file_place(&f, o->overwrite, problem, err);
    if (f.f) fclose(f.f);
    if (f.tmp) unlink(f.tmp);
    free(f.tmp), free(f.path);
    if (e == DC_OK && res)
        *res = (dc_plates_round_result){r.l.n, r.stops, r.l.n - r.stops, pages,
                                        r.stats.length_m};
    dc_round_letters_free(&r.l);
    free(r.order);
    return e;
}
