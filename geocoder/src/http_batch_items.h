/*
 * http_batch_items.h - a JSON batch's items (http_batch_items.c): each
 * item's answer, and the households it asks for. Not installed.
 */
#ifndef DC_HTTP_BATCH_ITEMS_H
#define DC_HTTP_BATCH_ITEMS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http_internal.h"

/* Item @p i's answer into @p w: a code (a string, or {"code"}), a point
 * ({"lat", "lon" or "lng", "radius", "limit"}) or an address ({"address"},
 * with a code or not), converted to today's code when @p convert; an item
 * of none of these shapes answers bad_item. Fails only when a lookup
 * fails (the engine's results in @p wk). */
dc_err dc_http_batch_item(dc_geo_session *s, json_t *item, size_t i, bool convert,
                          dc_jw *w, dc_worker *wk);

/* The households @p item asks for: a code's door 1, a point its limit
 * (default 10); at least 1 (each item is a record). */
uint64_t dc_http_batch_item_results(json_t *item);

#endif /* DC_HTTP_BATCH_ITEMS_H */
