/*
 * http_nominatim.h - GET /search and GET /reverse as Nominatim answers
 * them, so that a client written for Nominatim works against diachi by
 * changing its URL. docs/openapi.json (NominatimSearch, NominatimReverse)
 * is their contract. Not installed.
 */
#ifndef DC_HTTP_NOMINATIM_H
#define DC_HTTP_NOMINATIM_H

#include <stdbool.h>

#include <microhttpd.h>

#include "http_internal.h"

/* Answer GET /search (@p reverse false) or GET /reverse (true). */
enum MHD_Result dc_http_nominatim(struct MHD_Connection *c, dc_request *req,
                                  dc_generation *gen, dc_worker *wk, bool reverse);

#endif /* DC_HTTP_NOMINATIM_H */
