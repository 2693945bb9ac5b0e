/*
 * http_round_request.h - the body of POST /v1/round read: the start, the
 * letters and the options, or why it is refused. Pure (jansson and the
 * point reader only), so that a fuzz target runs it alone. Not installed.
 */
#ifndef DC_HTTP_ROUND_REQUEST_H
#define DC_HTTP_ROUND_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* What a round request's body asks for. */
typedef struct dc_round_request {
    json_t *root;    /* the parsed body: the caller's, json_decref it */
    json_t *letters; /* an array of strings, in root */
    double lat, lon; /* the start */
    bool back_to_start;
    bool by_door; /* keep "door": only each door's letters together */
} dc_round_request;

/* Why a body is refused. */
typedef enum dc_round_problem {
    DC_ROUND_REQUEST_OK = 0,
    DC_ROUND_REQUEST_BAD_JSON, /* not JSON, or not an object of the members */
    DC_ROUND_REQUEST_START,    /* start missing or not a point */
    DC_ROUND_REQUEST_EMPTY,    /* no letters */
    DC_ROUND_REQUEST_TOO_MANY  /* more than DC_ROUND_MAX_STOPS */
} dc_round_problem;

/* Read a body: {"start": "LAT,LON" or {"lat": .., "lon": ..},
 * "letters": ["code or address", ...], "back_to_start": true,
 * "keep": "group" or "door"}. On
 * DC_ROUND_REQUEST_OK, @p out is filled (its root to be released); else
 * @p message says what is wrong and nothing is kept. Pure; thread-safe. */
dc_round_problem dc_round_request_parse(const char *body, size_t len,
                                        dc_round_request *out, char *message,
                                        size_t size);

#endif /* DC_HTTP_ROUND_REQUEST_H */
