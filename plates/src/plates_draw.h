/*
 * plates_draw.h - drawing a plate, its cut marks and a page's footer on a
 * cairo context (draw.c), for the render loop (render.c).
 */
#ifndef DIACHI_PLATES_DRAW_H
#define DIACHI_PLATES_DRAW_H

#include <cairo.h>

#include "diachi/plates.h"
#include "diachi/qr.h"

/** The size (points) at which the widest code of @p list fits a plate,
 *  30 at most. */
double dc_plates_code_size(cairo_t *cr, const dc_plates_font *font,
                           const dc_plate_list *list, const dc_plates_layout *l);

/** Plate @p p with QR code @p q, its code at @p size points, its top left
 *  corner at (@p x, @p y). */
void dc_plates_draw_plate(cairo_t *cr, const dc_plates_font *font, const dc_plate *p,
                          const dc_qr *q, double size, double x, double y,
                          const dc_plates_layout *l);

/** Cut marks at the four corners of the plate at (@p x, @p y), outside it. */
void dc_plates_draw_marks(cairo_t *cr, const dc_plates_layout *l, double x, double y);

/** One line of small text under the plates. */
void dc_plates_draw_footer(cairo_t *cr, const dc_plates_font *font,
                           const dc_plates_layout *l, const char *text);

#endif /* DIACHI_PLATES_DRAW_H */
