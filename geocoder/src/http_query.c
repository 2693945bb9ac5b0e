/*
 * http_query.c - the parameters of the HTTP service's requests (see
 * http_query.h).
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_query.h"

/* A parameter an endpoint does not read
 * is ignored, whatever its name: web maps and their libraries add their
 * own (`_` against caches, `callback`, `zoom`, `email`) and a client
 * should not break on them. A parameter the endpoint reads is checked
 * strictly: given twice, or with a bad value, it is a 400 naming it. */
static const char *const param_names[DC_Q_COUNT] = {
    "format",      "lat",        "lon",        "lng",       "radius",   "limit",
    "code_column", "lat_column", "lon_column", "delimiter", "postcode", "locality",
    "q",           "near",       "at",         "convert",   "text",     "address_column"};

/* A NUL or control character in @p s's @p len bytes (libmicrohttpd gives
 * a parameter's unescaped length: a C string stops at an encoded NUL). */
static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return true;
    return false;
}

/* A parameter's name as far as it can be printed. */
static int printable_len(const char *s)
{
    int n = 0;
    while (n < 40 && (unsigned char)s[n] >= 0x20 && s[n] != 0x7f)
        n++;
    return n;
}

static enum MHD_Result query_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    dc_query *q = cls;
    (void)kind;
    /* A search refuses its own text's control characters as a bad query,
     * naming the byte (dc_search), so q's value is not judged here. */
    bool own = strcmp(key, "q") == 0 && (q->allowed & (1u << DC_Q_Q));
    if ((has_control(key, key_size) ||
         (value && !own && has_control(value, value_size))) &&
        !q->problem[0])
        snprintf(q->problem, sizeof q->problem,
                 "parameter %.*s contains a NUL or control character", printable_len(key),
                 key);
    for (int p = 0; p < DC_Q_COUNT; p++) {
        if (strcmp(key, param_names[p]) != 0 || !(q->allowed & (1u << p))) continue;
        if (q->given[p] && !q->problem[0])
            snprintf(q->problem, sizeof q->problem, "parameter %s is given twice", key);
        q->given[p] = true;
        q->value[p] = value ? value : "";
        q->size[p] = value ? value_size : 0;
        return MHD_YES;
    }
    return MHD_YES; /* not read here: ignored (see above) */
}

/* Read every parameter (all of them, so that format is known even when
 * another is bad); false with q->problem set when one is bad. */
bool dc_query_read(struct MHD_Connection *c, dc_query *q, unsigned allowed)
{
    memset(q, 0, sizeof *q);
    q->allowed = allowed | (1u << DC_Q_FORMAT);
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, query_param, q);
    const char *f = q->value[DC_Q_FORMAT];
    if (f && strcmp(f, "json") != 0 && strcmp(f, "geojson") != 0) {
        snprintf(q->problem, sizeof q->problem,
                 "parameter format must be json or geojson, not %.40s", f);
        q->value[DC_Q_FORMAT] = NULL;
    }
    return q->problem[0] == '\0';
}

const char *dc_query_convert(const dc_query *q, bool *convert)
{
    const char *v = q->value[DC_Q_CONVERT];
    *convert = false;
    if (!q->given[DC_Q_CONVERT]) return NULL;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) {
        *convert = true;
        return NULL;
    }
    if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0) return NULL;
    return "parameter convert must be 1 or 0 (true or false)";
}

/* The quality an Accept header gives @p type: the q of its most specific
 * matching range (the type itself, then "application/x", then "x/x", with
 * x a star), -1 when none matches; *named: the type itself is listed. */
static double accept_quality(const char *accept, const char *type, bool *named)
{
    size_t tlen = strlen(type), major = (size_t)(strchr(type, '/') - type) + 1;
    double best_q = -1;
    int best = 0;
    for (const char *p = accept; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ";, \t");
        int rank = 0;
        if (n == tlen && strncasecmp(p, type, n) == 0)
            rank = 3;
        else if (n == major + 1 && strncasecmp(p, type, major) == 0 && p[major] == '*')
            rank = 2;
        else if (n == 3 && strncmp(p, "*/*", 3) == 0)
            rank = 1;
        double q = 1;
        for (p += n; *p && *p != ',';) {
            p += strspn(p, " \t;");
            if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') q = strtod(p + 2, NULL);
            p += strcspn(p, ";,");
        }
        if (rank > best) best = rank, best_q = q;
    }
    *named = best == 3;
    return best_q;
}

/* The representation of a GET: format= when given, else GeoJSON when the
 * Accept header names application/geo+json above application/json (a
 * type named beats a wildcard of the same quality). The answer then
 * varies with Accept, and its ETag with the representation. */
void dc_query_negotiate(struct MHD_Connection *c, dc_request *req, dc_query *q)
{
    const char *f = q->value[DC_Q_FORMAT];
    if (f) {
        q->geojson = strcmp(f, "geojson") == 0;
    } else if (!q->given[DC_Q_FORMAT]) {
        const char *accept =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
        bool geo_named = false, json_named = false;
        double geo =
            accept ? accept_quality(accept, "application/geo+json", &geo_named) : -1;
        double json =
            accept ? accept_quality(accept, "application/json", &json_named) : -1;
        q->geojson = geo_named && geo > 0 && (geo > json || (geo == json && !json_named));
        req->vary_accept = true;
    }
    req->geojson = q->geojson;
}

/* Digits from *p on into *m while it has room (at most 19 significant
 * digits; leading zeros are not significant), counting those it keeps
 * (*kept) and those it cannot (*lost); moves *p past them all. */
static void read_digits(const char **p, uint64_t *m, int *kept, int *lost)
{
    for (; **p >= '0' && **p <= '9'; (*p)++) {
        if (*m == 0 && **p == '0' && *kept == 0) continue;
        if (*kept < 19) {
            *m = *m * 10 + (uint64_t)(**p - '0');
            (*kept)++;
        } else {
            (*lost)++;
        }
    }
}

bool dc_query_decimal(const char *s, double *out)
{
    /* Exact powers of ten: every one up to 1e22 is a double. */
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s;
    bool negative = *p == '-';
    uint64_t m = 0;
    int kept = 0, lost = 0, whole, fraction = 0, exp = 0;
    if (*p == '+' || *p == '-') p++;
    const char *digits = p;
    read_digits(&p, &m, &kept, &lost);
    whole = (int)(p - digits);
    if (*p == '.') {
        const char *from = ++p;
        read_digits(&p, &m, &kept, &lost);
        fraction = (int)(p - from);
    }
    if (whole + fraction == 0) return false;
    /* m times ten to exp is the value when no digit was lost. */
    exp = -fraction;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool exp_negative = *p == '-';
        if (*p == '+' || *p == '-') p++;
        if (*p < '0' || *p > '9') return false;
        int e = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        exp += exp_negative ? -e : e;
    }
    if (*p) return false;
    if (lost == 0 && m <= (1ull << 53) && exp >= -22 && exp <= 22) {
        double v = (double)m;
        v = exp < 0 ? v / pow10[-exp] : v * pow10[exp];
        *out = negative ? -v : v;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return false;
    *out = v;
    return true;
}

/* A decimal number in [lo, hi]: no hex, no inf or nan, nothing after it. */
bool dc_query_number(const char *s, double lo, double hi, double *out)
{
    double v;
    if (!s || !dc_query_decimal(s, &v) || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* OLC's rule for a longitude outside -180..180: wrap it into [-180, 180).
 * fmod is exact and so is the one addition after it (Sterbenz), so the
 * result is exactly the longitude less a multiple of 360. */
static double wrap_lon(double lon)
{
    double r = fmod(lon, 360.0);
    if (r >= 180)
        r -= 360;
    else if (r < -180)
        r += 360;
    return r;
}

/* The longitude to look up and what the answer echoes about it. */
double dc_query_point_lon(double given, dc_render_reverse_query *rq)
{
    rq->lon_normalised = !(given >= -180 && given <= 180);
    rq->lon_given = given;
    return rq->lon_normalised ? wrap_lon(given) : given;
}

/* lon, or lng (Leaflet's and Google's name): either, or both when equal. */
const char *dc_query_lon(const dc_query *q, double *lon)
{
    double a = 0, b = 0;
    bool has_a = q->given[DC_Q_LON], has_b = q->given[DC_Q_LNG];
    if (!has_a && !has_b) return "parameter lon (or lng) is missing";
    if (has_a && !dc_query_number(q->value[DC_Q_LON], -DBL_MAX, DBL_MAX, &a))
        return "parameter lon must be a number of degrees";
    if (has_b && !dc_query_number(q->value[DC_Q_LNG], -DBL_MAX, DBL_MAX, &b))
        return "parameter lng must be a number of degrees";
    if (has_a && has_b && a != b)
        return "parameters lon and lng differ: give one of them";
    *lon = has_a ? a : b;
    return NULL;
}

bool dc_query_media_type(const char *header, const char *type)
{
    size_t n = strlen(type);
    return header && strncasecmp(header, type, n) == 0 &&
           (header[n] == '\0' || header[n] == ';' || header[n] == ' ');
}
