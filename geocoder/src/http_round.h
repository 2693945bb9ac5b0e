/*
 * http_round.h - POST /v1/round: a postal worker's letters and a start
 * point in, the round out (diachi/round.h). Not installed.
 */
#ifndef DC_HTTP_ROUND_H
#define DC_HTTP_ROUND_H

#include <microhttpd.h>

#include "http_internal.h"

/* Answer a round request (its body in req->body). */
enum MHD_Result dc_http_round(struct MHD_Connection *c, dc_request *req,
                              dc_generation *gen, dc_worker *wk);

#endif /* DC_HTTP_ROUND_H */
