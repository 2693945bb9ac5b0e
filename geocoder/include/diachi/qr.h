/*
 * qr.h - a QR code (ISO/IEC 18004) of a short text, as a matrix of modules
 * and as SVG: the link of a code on the map page, the payload of a door
 * plate. The encoding itself is libqrencode's; this module fixes the
 * choices (byte mode, error correction level M, the smallest version that
 * holds the text, a quiet zone of 4 modules) so that every QR code diachi
 * makes reads the same way.
 *
 *   dc_qr q;
 *   if (dc_qr_encode("https://example.vn/#32105-927CJ93", 33, &q, &err) == DC_OK) {
 *       char *svg = dc_qr_svg(&q, &len);   free(svg);
 *       dc_qr_free(&q);
 *   }
 *
 * Thread-safe: no state is shared between calls.
 */
#ifndef DIACHI_QR_H
#define DIACHI_QR_H

#include <stdbool.h>
#include <stddef.h>

#include "diachi/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The longest text encoded, in bytes: a link, a geo: URI or an address
 *  fits, and the code stays readable off a phone screen or a door plate
 *  (it takes version 18 at level M, 89 x 89 modules). */
#define DC_QR_TEXT_MAX 512

/** The modules of white border on every side, as the standard asks. */
#define DC_QR_QUIET 4

/** A QR code: @c size x @c size modules, row by row, 1 dark, 0 light
 *  (the quiet zone not included). */
typedef struct dc_qr {
    int size;
    int version; /**< 1..40 */
    unsigned char *dark;
} dc_qr;

/**
 * Encode @p len bytes of @p text (any bytes: UTF-8 is kept as it is).
 * @return DC_OK; DC_E_INVALID_ARG for a NULL argument, an empty text or
 *         one of more than DC_QR_TEXT_MAX bytes (the message says which);
 *         DC_E_NOMEM
 */
dc_err dc_qr_encode(const char *text, size_t len, dc_qr *out, dc_error *err);

/** Release what dc_qr_encode allocated; @p q may be zeroed or NULL. */
void dc_qr_free(dc_qr *q);

/** Whether the module at column @p x, row @p y is dark (false outside). */
bool dc_qr_dark(const dc_qr *q, int x, int y);

/**
 * The code as a standalone SVG document: one path, one unit a module, the
 * quiet zone included, crisp edges. Returns a NUL-terminated string the
 * caller frees, its length in @p len (when not NULL); NULL when out of
 * memory.
 */
char *dc_qr_svg(const dc_qr *q, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* DIACHI_QR_H */
