/*
 * http_map_params.h - the box of GET /v1/zones?bbox= and GET
 * /v1/households?bbox= (http_map.c), read apart from the connection so
 * that a fuzz target can feed it (tests/fuzz/fuzz_bbox_parse.c). Not
 * installed.
 */
#ifndef DC_HTTP_MAP_PARAMS_H
#define DC_HTTP_MAP_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A box in e7: south <= north, west <= east. */
typedef struct dc_http_box {
    int32_t south, west, north, east;
} dc_http_box;

/* bbox=west,south,east,north in degrees, as RFC 7946 and Leaflet's
 * toBBoxString() write it: true with @p b set, or false with the problem
 * (naming the parameter and its form) in @p problem (@p size bytes). */
bool dc_http_bbox_parse(const char *text, dc_http_box *b, char *problem, size_t size);

#endif
