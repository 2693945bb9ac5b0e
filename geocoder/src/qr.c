/*
 * qr.c - QR codes through libqrencode (see diachi/qr.h): its matrix copied
 * into ours (one byte a module, dark in bit 0 of libqrencode's), and SVG
 * written as one path of horizontal runs.
 */
#include "diachi/qr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

dc_err dc_qr_encode(const char *text, size_t len, dc_qr *out, dc_error *err)
{
    if (!out) return dc_error_set(err, DC_E_INVALID_ARG, "no QR code to fill");
    memset(out, 0, sizeof *out);
    if (!text || len == 0)
        return dc_error_set(err, DC_E_INVALID_ARG, "a QR code needs a text of 1 byte or more");
    if (len > DC_QR_TEXT_MAX)
        return dc_error_set(err, DC_E_INVALID_ARG,
                            "the text is %zu bytes; a QR code here holds at most %d", len,
                            DC_QR_TEXT_MAX);

    /* Byte mode, whatever the text: a link's lower-case letters and a
     * code's '+' are outside the alphanumeric mode anyway, and one mode
     * makes every payload read back byte for byte. */
    errno = 0;
    QRcode *qr = QRcode_encodeData((int)len, (const unsigned char *)text, 0, QR_ECLEVEL_M);
    if (!qr) {
        if (errno == ENOMEM) return dc_error_set(err, DC_E_NOMEM, "out of memory");
        return dc_error_set(err, DC_E_INVALID_ARG, "the text cannot be put in a QR code (%s)",
                            errno ? strerror(errno) : "libqrencode refused it");
    }
    size_t n = (size_t)qr->width * (size_t)qr->width;
    out->dark = malloc(n);
    if (!out->dark) {
        QRcode_free(qr);
        return dc_error_set(err, DC_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) out->dark[i] = qr->data[i] & 1;
    out->size = qr->width;
    out->version = qr->version;
    QRcode_free(qr);
    return DC_OK;
}

void dc_qr_free(dc_qr *q)
{
    if (!q) return;
    free(q->dark);
    q->dark = NULL;
    q->size = 0;
}

bool dc_qr_dark(const dc_qr *q, int x, int y)
{
    if (!q || !q->dark || x < 0 || y < 0 || x >= q->size || y >= q->size) return false;
    return q->dark[(size_t)y * (size_t)q->size + (size_t)x] != 0;
}

/* A growing string: the SVG is at most a few tens of kilobytes. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool failed;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)n;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

char *dc_qr_svg(const dc_qr *q, size_t *len)
{
    if (!q || !q->dark) return NULL;
    int side = q->size + 2 * DC_QR_QUIET;
    sbuf b = {malloc(4096), 0, 4096, false};
    if (!b.s) return NULL;
    sb_printf(&b,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
              "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
              "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
              side, side, side * 4, side * 4, side, side);
    /* Each row's runs of dark modules, as a rectangle each. */
    for (int y = 0; y < q->size; y++) {
        for (int x = 0; x < q->size;) {
            if (!dc_qr_dark(q, x, y)) {
                x++;
                continue;
            }
            int run = 1;
            while (dc_qr_dark(q, x + run, y)) run++;
            sb_printf(&b, "M%d %dh%dv1h-%dz", x + DC_QR_QUIET, y + DC_QR_QUIET, run, run);
            x += run;
        }
    }
    sb_printf(&b, "\"/></svg>\n");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    if (len) *len = b.len;
    return b.s;
}
