/*
 * http_qr.c - GET /v1/qr?text= (see http_qr.h). The answer depends on the
 * text alone, so it is cacheable like a static file; the index is not read.
 */
#include <stdlib.h>

#include "diachi/qr.h"
#include "http_qr.h"
#include "http_query.h"
#include "http_reply.h"

enum MHD_Result dc_http_qr(struct MHD_Connection *c, dc_request *req, dc_generation *gen,
                           dc_worker *wk)
{
    (void)wk;
    dc_query q;
    if (!dc_query_read(c, &q, 1u << DC_Q_TEXT))
        return dc_http_send_error(c, req, DC_API_BAD_PARAMETER, q.problem, gen);
    if (!q.given[DC_Q_TEXT] || q.size[DC_Q_TEXT] == 0)
        return dc_http_send_error(c, req, DC_API_BAD_PARAMETER,
                                  "parameter text is required: what the QR code holds, "
                                  "1 to 512 bytes",
                                  gen);
    dc_qr qr;
    dc_error err;
    if (dc_qr_encode(q.value[DC_Q_TEXT], q.size[DC_Q_TEXT], &qr, &err) != DC_OK)
        return dc_http_send_error(c, req,
                                  err.code == DC_E_NOMEM ? DC_API_INTERNAL
                                                         : DC_API_BAD_PARAMETER,
                                  err.message, gen);
    size_t len = 0;
    char *svg = dc_qr_svg(&qr, &len);
    dc_qr_free(&qr);
    if (!svg) return dc_http_send_error(c, req, DC_API_INTERNAL, "out of memory", gen);
    if (dc_http_if_none_match(c, req, gen)) {
        free(svg);
        return dc_http_not_modified(c, req, gen);
    }
    enum MHD_Result r = dc_http_send(c, req, MHD_HTTP_OK, "image/svg+xml", svg, len, gen, true);
    free(svg);
    return r;
}
