/*
 * http_lookup.h - the GET lookups' skeleton (lookup_answer, in
 * http_routes.c): what one lookup holds between its steps, and the steps
 * an endpoint gives it; the steps of the endpoints kept in files of their
 * own (http_search.c). Not installed.
 */
#ifndef DC_HTTP_LOOKUP_H
#define DC_HTTP_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "http_internal.h"
#include "http_query.h"
#include "http_reply.h"
#include "render.h"

/* Where a short Plus Code in the path is placed: the code to look up, or
 * the problem (an API error and its message). */
typedef struct dc_http_short_place {
    char code[64];
    dc_api_error error;
    char message[DC_ERROR_MESSAGE_SIZE + 64];
} dc_http_short_place;

/* One GET lookup as it goes through lookup_answer: its parameters, the
 * session, and the answer's error when it is one. */
typedef struct dc_http_lookup {
    dc_query q;
    const char *path; /* the path after the route's prefix */
    dc_geo_session *s;
    dc_worker *wk;
    const dc_generation *gen;
    uint64_t records; /* charged to the client's record limit; 0: none */
    bool problem;     /* the request names no place: error (and message) */
    bool failed;      /* the place's answer is an error: its status */
    dc_api_error error;
    char message[DC_ERROR_MESSAGE_SIZE + 64];
    /* what the endpoints keep between their steps */
    dc_http_short_place sp;
    double lat, lon;
    dc_render_reverse_query rq;
    uint32_t postcode;
    dc_zone zone;
    bool earlier;        /* the zone is of an earlier edition */
    int32_t valid_until; /* its last day */
    dc_search_options so;
} dc_http_lookup;

/* A GET lookup endpoint's steps: read what the request names (before a
 * session; false with error and message when it names nothing), look it
 * up (in a session; k->problem when it names nothing, k->failed when the
 * answer is an error), write the answer as JSON or GeoJSON. */
typedef struct dc_http_lookup_steps {
    unsigned params;       /* the DC_Q_ bits read */
    const char *path_part; /* what the path holds, for its errors; NULL: nothing */
    bool (*parse)(dc_http_lookup *k);
    dc_err (*find)(dc_http_lookup *k);
    void (*render)(dc_http_lookup *k, dc_jw *w, bool geojson);
} dc_http_lookup_steps;

/* GET /v1/search and GET /v1/autocomplete (http_search.c). */
extern const dc_http_lookup_steps dc_http_search_steps, dc_http_complete_steps;

#endif /* DC_HTTP_LOOKUP_H */
