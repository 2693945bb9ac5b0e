/*
 * http_map.h - what the map page reads: GET /v1/zones?bbox= (the zones a
 * view shows, simplified to its zoom) and GET /v1/households?bbox= (the
 * households of a small box, paged), both GeoJSON; and the page itself,
 * GET / and /static/... (http_page.c). Not installed.
 */
#ifndef DC_HTTP_MAP_H
#define DC_HTTP_MAP_H

#include <microhttpd.h>

#include "http_internal.h"

/** The largest box /v1/households answers, degrees a side (about 2.2 km
 *  north-south): 400 bbox_too_large beyond. */
#define DC_MAP_HOUSEHOLDS_MAX_SIDE 0.02
/** Households a page of /v1/households holds at most, and by default. */
#define DC_MAP_HOUSEHOLDS_MAX_LIMIT 2000

/** GET /v1/zones?bbox=west,south,east,north&zoom=Z. */
enum MHD_Result dc_http_map_zones(struct MHD_Connection *c, dc_request *req,
                                  dc_generation *gen, dc_worker *wk);

/** GET /v1/households?bbox=west,south,east,north&limit=N&page=P. */
enum MHD_Result dc_http_map_households(struct MHD_Connection *c, dc_request *req,
                                       dc_generation *gen, dc_worker *wk);

/** GET / (@p path "") and GET /static/@p path: the page's files from the
 *  web directory (config.web_dir), 404 when config.no_ui. */
enum MHD_Result dc_http_map_page(struct MHD_Connection *c, dc_request *req,
                                 const char *path, dc_generation *gen, dc_worker *wk);

#endif /* DC_HTTP_MAP_H */
