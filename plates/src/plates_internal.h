/*
 * plates_internal.h - what the plates' files share beyond diachi/plates.h:
 * the cairo faces of a checked font, for the drawing, and the output
 * files written beside their names.
 */
#ifndef DIACHI_PLATES_INTERNAL_H
#define DIACHI_PLATES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cairo.h>

#include "diachi/plates.h"

/** The regular or bold face of @p font; owned by the font. */
cairo_font_face_t *dc_plates_font_face(const dc_plates_font *font, bool bold);

/** Code point @p c as UTF-8, NUL-terminated (at most 5 bytes). */
void dc_plates_utf8(uint32_t c, char out[8]);

/* One output file on its way: its final and temporary names, its stream
 * (render.c; the round sheet writes its PDF the same way). */
typedef struct out_file {
    char *path, *tmp;
    FILE *f;
} out_file;

/** Open f->path's temporary file, NAME.tmp.<pid>, for writing. */
dc_err dc_plates_file_open(out_file *f, const char **problem, dc_error *err);

/** Flush, sync and close the temporary file. */
dc_err dc_plates_file_close(out_file *f, const char **problem, dc_error *err);

/** Put the temporary file under its final name: link(2), which never
 *  replaces, or rename(2) when @p overwrite. */
dc_err dc_plates_file_place(out_file *f, bool overwrite, const char **problem,
                            dc_error *err);

/** A cairo write function onto the FILE * @p closure. */
cairo_status_t dc_plates_write_fn(void *closure, const unsigned char *data,
                                  unsigned int length);

#endif /* DIACHI_PLATES_INTERNAL_H */
