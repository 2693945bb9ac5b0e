/*
 * http_qr.h - GET /v1/qr?text=: a QR code of a short text as SVG, for the
 * map page's link to a code (a phone reads it off the screen). Not
 * installed.
 */
#ifndef DC_HTTP_QR_H
#define DC_HTTP_QR_H

#include <microhttpd.h>

#include "http_internal.h"

/** GET /v1/qr?text=T: 200 image/svg+xml; 400 bad_parameter when text is
 *  missing, empty, holds a control character or is longer than
 *  DC_QR_TEXT_MAX bytes. */
enum MHD_Result dc_http_qr(struct MHD_Connection *c, dc_request *req, dc_generation *gen,
                           dc_worker *wk);

#endif /* DC_HTTP_QR_H */
