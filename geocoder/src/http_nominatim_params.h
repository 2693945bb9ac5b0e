/*
 * http_nominatim_params.h - the parameters of Nominatim's GET /search and
 * GET /reverse (http_nominatim.c), read apart from the connection so that
 * a fuzz target can feed them (tests/fuzz/fuzz_nominatim_params.c). Not
 * installed.
 */
#ifndef DC_HTTP_NOMINATIM_PARAMS_H
#define DC_HTTP_NOMINATIM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "diachi/search.h"
#include "diachi/text.h"
#include "http_reply.h"
#include "render_nominatim.h"

/* Nominatim's largest limit; more is clamped to it. */
#define NOMINATIM_MAX_LIMIT 40
#define NOMINATIM_DEFAULT_LIMIT 10

/* Households looked for around a reverse point, by zoom: a door at
 * building zoom (18), its street at 16-17, its group at 14-15; the zone
 * alone below. */
#define REVERSE_DOOR_M 50.0
#define REVERSE_STREET_M 200.0
#define REVERSE_GROUP_M 500.0

enum {
    P_Q,
    P_FORMAT,
    P_LIMIT,
    P_LANGUAGE,
    P_ADDRESSDETAILS,
    P_COUNTRYCODES,
    P_VIEWBOX,
    P_LAT,
    P_LON,
    P_ZOOM,
    /* a structured query, instead of q, in this order */
    P_STREET,
    P_CITY,
    P_COUNTY,
    P_STATE,
    P_POSTALCODE,
    P_COUNTRY,
    P_COUNT
};

typedef struct nominatim_request {
    const char *value[P_COUNT];
    size_t size[P_COUNT];
    bool given[P_COUNT];
    char problem[200]; /* the first bad parameter, in words */
    dc_api_error error;
    char message[DC_ERROR_MESSAGE_SIZE + 64];
    dc_nominatim_options o;
    size_t limit;
    bool no_country; /* countrycodes leaves Vietnam out */
    dc_search_options so;
    double lat, lon;
    int zoom;
    /* the text searched: q, or the structured query's parts joined */
    const char *query;
    size_t query_len;
    const char *query_name; /* "parameter q" or "the structured query" */
    char structured[4 * DC_TEXT_MAX_BYTES];
} nominatim_request;

/* Start a request: every parameter absent. */
static inline void dc_nominatim_params_init(nominatim_request *n)
{
    memset(n, 0, sizeof *n);
}

/* One query parameter as the client gave it (@p value NUL-terminated, of
 * @p value_size bytes, which may hold a NUL; NULL for "key" alone): kept
 * when it is one this endpoint reads; one given twice, or holding a
 * control character (q aside), is noted as the request's problem. */
void dc_nominatim_param(nominatim_request *n, const char *key, const char *value,
                        size_t value_size);

/* Every parameter read (@p accept_language: the header, NULL when absent),
 * for /reverse when @p reverse, else /search; false with n->error and
 * n->message when one is bad. */
bool dc_nominatim_params_finish(nominatim_request *n, const char *accept_language,
                                bool reverse);

#endif /* DC_HTTP_NOMINATIM_PARAMS_H */
