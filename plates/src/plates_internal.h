/*
 * plates_internal.h - what the plates' files share beyond diachi/plates.h:
 * the cairo faces of a checked font, for the drawing.
 */
#ifndef DIACHI_PLATES_INTERNAL_H
#define DIACHI_PLATES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

#include "diachi/plates.h"

/** The regular or bold face of @p font; owned by the font. */
cairo_font_face_t *dc_plates_font_face(const dc_plates_font *font, bool bold);

/** Code point @p c as UTF-8, NUL-terminated (at most 5 bytes). */
void dc_plates_utf8(uint32_t c, char out[8]);

#endif /* DIACHI_PLATES_INTERNAL_H */
