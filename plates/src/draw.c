/*
 * draw.c - one plate, the cut marks and a page's footer, with cairo
 * (plates_draw.h). The code is set in bold as large as the plate's width
 * allows for the widest code of the run (one size on every plate, so a
 * sheet reads evenly), the address wrapped beside the QR code at the largest size
 * (10 pt down to 6.5 pt) at which it fits; text goes through cairo's
 * font faces, so a PDF keeps it as text (searchable, and read back by
 * pdftotext).
 */
#include <string.h>

#include "plates_draw.h"
#include "plates_internal.h"

#define MM DC_PLATES_PT_PER_MM
#define PAD (4 * MM)
#define CODE_MAX_PT 30.0
#define QR_SIDE (36 * MM)

static void set_font(cairo_t *cr, const dc_plates_font *font, bool bold, double size)
{
    cairo_set_font_face(cr, dc_plates_font_face(font, bold));
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* The QR code's modules as rectangles, a row's runs each one rectangle,
 * over a white square that holds the quiet zone. */
static void draw_qr(cairo_t *cr, const dc_qr *q, double x, double y, double side)
{
    double m = side / (q->size + 2 * DC_QR_QUIET);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, side, side);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < q->size; r++)
        for (int c = 0; c < q->size;) {
            if (!dc_qr_dark(q, c, r)) {
                c++;
                continue;
            }
            int run = 1;
            while (dc_qr_dark(q, c + run, r))
                run++;
            cairo_rectangle(cr, x + (c + DC_QR_QUIET) * m, y + (r + DC_QR_QUIET) * m,
                            run * m, m);
            c += run;
        }
    cairo_fill(cr);
}

/* Lines of @p text that fit @p width at the current size, broken at spaces
 * (a word longer than the line stands alone); drawn from @p y when @p draw.
 * Returns the number of lines. */
static int wrap(cairo_t *cr, const char *text, double x, double y, double width,
                double lead, bool draw)
{
    char line[1024];
    size_t n = 0;
    int lines = 0;
    const char *p = text;
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t wl = sp ? (size_t)(sp - p) : strlen(p);
        char trial[1024];
        if (n + 1 + wl >= sizeof trial) break;
        memcpy(trial, line, n);
        size_t t = n;
        if (t) trial[t++] = ' ';
        memcpy(trial + t, p, wl);
        trial[t + wl] = '\0';
        if (n && text_width(cr, trial) > width) {
            line[n] = '\0';
            if (draw) {
                cairo_move_to(cr, x, y + lines * lead);
                cairo_show_text(cr, line);
            }
            lines++;
            memcpy(line, p, wl);
            n = wl;
        } else {
            memcpy(line, trial, t + wl);
            n = t + wl;
        }
        p += wl;
        while (*p == ' ')
            p++;
    }
    if (n) {
        line[n] = '\0';
        if (draw) {
            cairo_move_to(cr, x, y + lines * lead);
            cairo_show_text(cr, line);
        }
        lines++;
    }
    return lines;
}

/* The address's first parts, the door itself (house number and street),
 * in bold; its length in bytes of p->address. */
static size_t door_length(const dc_plate *p)
{
    int parts = (p->house_number[0] != '\0') + (p->street[0] != '\0');
    const char *s = p->address;
    for (int i = 0; i < parts; i++) {
        const char *comma = strstr(s, ", ");
        if (!comma) return strlen(p->address);
        s = comma + (i + 1 < parts ? 2 : 0);
    }
    return (size_t)(s - p->address);
}

/* Lines the door and the rest take at @p size (the door 1.3 times it). */
static double address_height(cairo_t *cr, const dc_plates_font *font, const char *door,
                             const char *rest, double width, double size)
{
    set_font(cr, font, true, size * 1.3);
    double h = wrap(cr, door, 0, 0, width, size * 1.6, false) * size * 1.6;
    set_font(cr, font, false, size);
    return h + wrap(cr, rest, 0, 0, width, size * 1.25, false) * size * 1.25;
}

static void draw_address(cairo_t *cr, const dc_plates_font *font, const dc_plate *p,
                         double x, double y, double width, double height)
{
    char door[512];
    size_t n = door_length(p);
    if (n >= sizeof door) n = 0;
    memcpy(door, p->address, n);
    door[n] = '\0';
    const char *rest = p->address + n;
    while (*rest == ',' || *rest == ' ')
        rest++;
    double size = 10.0;
    while (size > 6.5 && address_height(cr, font, door, rest, width, size) > height - 12)
        size -= 0.5;
    cairo_set_source_rgb(cr, 0, 0, 0);
    set_font(cr, font, true, size * 1.3);
    int lines = wrap(cr, door, x, y + size * 1.3, width, size * 1.6, true);
    set_font(cr, font, false, size);
    wrap(cr, rest, x, y + lines * size * 1.6 + size * (lines ? 1.1 : 1), width,
         size * 1.25, true);
    /* The household id, small, to match a plate to its door. */
    set_font(cr, font, false, 7);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_move_to(cr, x, y + height);
    cairo_show_text(cr, p->id);
}

double dc_plates_code_size(cairo_t *cr, const dc_plates_font *font,
                           const dc_plate_list *list, const dc_plates_layout *l)
{
    double widest = 0, avail = l->plate_w - 2 * PAD - 2 * MM;
    set_font(cr, font, true, CODE_MAX_PT);
    for (size_t i = 0; i < list->count; i++) {
        double w = text_width(cr, list->plates[i].display);
        if (w > widest) widest = w;
    }
    return widest > avail ? CODE_MAX_PT * avail / widest : CODE_MAX_PT;
}

void dc_plates_draw_plate(cairo_t *cr, const dc_plates_font *font, const dc_plate *p,
                          const dc_qr *q, double size, double x, double y,
                          const dc_plates_layout *l)
{
    /* A hairline frame inside the cut, so a plate cut a little off still
     * looks square. */
    cairo_set_line_width(cr, 0.5);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_rectangle(cr, x + 1.5 * MM, y + 1.5 * MM, l->plate_w - 3 * MM,
                    l->plate_h - 3 * MM);
    cairo_stroke(cr);

    set_font(cr, font, true, size);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, x + PAD, y + PAD + size * 0.75);
    cairo_show_text(cr, p->display);
    double rule = y + PAD + size * 0.75 + 3.5 * MM;
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x + PAD, rule);
    cairo_line_to(cr, x + l->plate_w - PAD, rule);
    cairo_stroke(cr);

    double top = rule + 2 * MM, bottom = y + l->plate_h - PAD;
    double side = bottom - top < QR_SIDE ? bottom - top : QR_SIDE;
    draw_qr(cr, q, x + PAD - 1.5 * MM, top, side);
    double tx = x + PAD + side + 1 * MM;
    draw_address(cr, font, p, tx, top + 1 * MM, x + l->plate_w - PAD - tx,
                 bottom - top - MM);
}

void dc_plates_draw_marks(cairo_t *cr, const dc_plates_layout *l, double x, double y)
{
    const double off = 1 * MM, len = 3 * MM;
    double xs[2] = {x, x + l->plate_w}, ys[2] = {y, y + l->plate_h};
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.25);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double dx = i ? 1 : -1, dy = j ? 1 : -1;
            cairo_move_to(cr, xs[i] + dx * off, ys[j]);
            cairo_line_to(cr, xs[i] + dx * (off + len), ys[j]);
            cairo_move_to(cr, xs[i], ys[j] + dy * off);
            cairo_line_to(cr, xs[i], ys[j] + dy * (off + len));
        }
    cairo_stroke(cr);
}

void dc_plates_draw_footer(cairo_t *cr, const dc_plates_font *font,
                           const dc_plates_layout *l, const char *text)
{
    set_font(cr, font, false, 7);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_move_to(cr, l->left, l->page_h - l->top / 2);
    cairo_show_text(cr, text);
}
