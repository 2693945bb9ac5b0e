/*
 * http_routes.h - the HTTP service's endpoints: which path is which, and the answer
 * to a complete request.
 * Not installed.
 */
#ifndef DC_HTTP_ROUTES_H
#define DC_HTTP_ROUTES_H

#include <microhttpd.h>

#include "http_internal.h"

/* Answer a complete request (the body, if any, is in req->body). */
enum MHD_Result dc_http_route(struct MHD_Connection *c, dc_request *req, const char *url,
                              const char *method);

/* The endpoint a path names (for metrics, before routing). */
dc_endpoint dc_http_endpoint_of(const char *url);

#endif /* DC_HTTP_ROUTES_H */
