/*
 * http_query.h - the parameters of the HTTP service's requests: the query
 * string, read strictly for what an endpoint reads and leniently for the
 * rest, the representation a GET asks for, numbers and longitudes, and
 * media types. Not installed.
 */
#ifndef DC_HTTP_QUERY_H
#define DC_HTTP_QUERY_H

#include <stdbool.h>

#include <microhttpd.h>

#include "http_internal.h"
#include "render.h"

/* A point's radius and neighbours when not given (GET /v1/reverse and a
 * batch's points alike). */
#define DC_QUERY_DEFAULT_RADIUS_M 50.0
#define DC_QUERY_DEFAULT_LIMIT 10

/* The parameters the endpoints read (a bit each in dc_query.allowed). */
enum {
    DC_Q_FORMAT,
    DC_Q_LAT,
    DC_Q_LON,
    DC_Q_LNG,
    DC_Q_RADIUS,
    DC_Q_LIMIT,
    DC_Q_CODE_COLUMN,
    DC_Q_LAT_COLUMN,
    DC_Q_LON_COLUMN,
    DC_Q_DELIMITER,
    DC_Q_POSTCODE,
    DC_Q_LOCALITY,
    DC_Q_Q,       /* a search's text: its control characters are the search's to refuse */
    DC_Q_NEAR,    /* a search's point, LAT,LON */
    DC_Q_AT,      /* answer as of a day, YYYY-MM-DD (zone editions) */
    DC_Q_CONVERT, /* a batch's codes converted to today's: 1 or 0 */
    DC_Q_TEXT,    /* what a QR code holds (GET /v1/qr) */
    DC_Q_ADDRESS_COLUMN, /* a CSV batch's written address column: name or number */
    DC_Q_COUNT
};

typedef struct dc_query {
    unsigned allowed; /* bit per DC_Q_ */
    const char *value[DC_Q_COUNT];
    size_t size[DC_Q_COUNT]; /* the value's unescaped bytes (a NUL among them) */
    bool given[DC_Q_COUNT];
    char problem[200]; /* the first bad parameter, said in words */
    bool geojson;      /* the representation chosen (dc_query_negotiate) */
} dc_query;

/* Read every parameter (all of them, so that format is known even when
 * another is bad) of which @p allowed (bits of DC_Q_) are read; false with
 * q->problem set when one is bad. Parameters not read are ignored. */
bool dc_query_read(struct MHD_Connection *c, dc_query *q, unsigned allowed);

/* The representation of a GET: format= when given, else by the Accept
 * header (req->vary_accept set then); sets q->geojson and req->geojson. */
void dc_query_negotiate(struct MHD_Connection *c, dc_request *req, dc_query *q);

/* The batch's convert parameter: false when absent; NULL, or the problem
 * in words (a value other than 1, 0, true, false). */
const char *dc_query_convert(const dc_query *q, bool *convert);

/* A decimal number in [lo, hi]: no hex, no inf or nan, nothing after it. */
bool dc_query_number(const char *s, double lo, double hi, double *out);

/* A whole NUL-terminated string read as a decimal number, strictly:
 * [+-]? (D+ (. D*)? | . D+) ([eE] [+-]? D+)?, D a digit, nothing else
 * (no spaces, hex, inf or nan). The value is strtod's to the bit: a
 * number of at most 19 significant digits and a power of ten up to 22
 * (coordinates, radii, limits) is one correctly rounded multiplication
 * or division of two exact doubles, anything else is strtod's own. False
 * when the text is not such a number or its value overflows or underflows
 * (where strtod sets ERANGE); *out is written only on success. */
bool dc_query_decimal(const char *s, double *out);

/* lon, or lng: either, or both when equal; NULL, or the problem in words. */
const char *dc_query_lon(const dc_query *q, double *lon);

/* The longitude to look up (wrapped into [-180, 180) by OLC's rule) and
 * what the answer echoes about it in @p rq. */
double dc_query_point_lon(double given, dc_render_reverse_query *rq);

/* The Content-Type @p header is @p type (parameters after it allowed). */
bool dc_query_media_type(const char *header, const char *type);

#endif /* DC_HTTP_QUERY_H */
