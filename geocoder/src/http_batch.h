/*
 * http_batch.h - POST /v1/batch: a JSON batch (streamed), a CSV body or a form
 * upload of one.
 * Not installed.
 */
#ifndef DC_HTTP_BATCH_H
#define DC_HTTP_BATCH_H

#include <microhttpd.h>

#include "http_internal.h"

/* Answer a batch request (its body in req->body). */
enum MHD_Result dc_http_batch(struct MHD_Connection *c, dc_request *req,
                              dc_generation *gen, dc_worker *wk);

#endif /* DC_HTTP_BATCH_H */
