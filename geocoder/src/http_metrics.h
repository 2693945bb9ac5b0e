/*
 * http_metrics.h - what the HTTP service counts and logs: the metrics of /metrics and
 * the access log.
 * Not installed.
 */
#ifndef DC_HTTP_METRICS_H
#define DC_HTTP_METRICS_H

#include <stdint.h>

#include <microhttpd.h>

#include "http_internal.h"
#include "jw.h"

/* Count a completed request: its endpoint, status and time (@p ns). */
void dc_http_count(dc_http *srv, const dc_request *req, int64_t ns);

/* The access log's line for a completed request, when there is a log. */
void dc_http_access_log(dc_http *srv, struct MHD_Connection *c, const dc_request *req,
                        int64_t ns);

/* The Prometheus text of /metrics into @p w. */
void dc_http_metrics_text(dc_http *srv, const dc_generation *gen, dc_jw *w);

#endif /* DC_HTTP_METRICS_H */
