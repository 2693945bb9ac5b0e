/*
 * http_nominatim_params.c - Nominatim's parameters read and checked (see
 * http_nominatim_params.h and, for what each means, http_nominatim.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_nominatim_params.h"
#include "http_query.h"

static const char *const param_names[P_COUNT] = {"q",
                                                 "format",
                                                 "limit",
                                                 "accept-language",
                                                 "addressdetails",
                                                 "countrycodes",
                                                 "viewbox",
                                                 "lat",
                                                 "lon",
                                                 "zoom",
                                                 "street",
                                                 "city",
                                                 "county",
                                                 "state",
                                                 "postalcode",
                                                 "country"};

/* ---- parameters ------------------------------------------------------------ */

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return true;
    return false;
}

void dc_nominatim_param(nominatim_request *n, const char *key, const char *value,
                        size_t value_size)
{
    for (int p = 0; p < P_COUNT; p++) {
        if (strcmp(key, param_names[p]) != 0) continue;
        /* q's control characters are the search's to refuse (bad_query) */
        if (p != P_Q && value && has_control(value, value_size) && !n->problem[0])
            snprintf(n->problem, sizeof n->problem,
                     "parameter %s contains a NUL or control character", key);
        if (n->given[p] && !n->problem[0])
            snprintf(n->problem, sizeof n->problem, "parameter %s is given twice", key);
        n->given[p] = true;
        n->value[p] = value ? value : "";
        n->size[p] = value ? value_size : 0;
    }
}

static bool bad(nominatim_request *n, dc_api_error e, const char *message)
{
    n->error = e;
    snprintf(n->message, sizeof n->message, "%s", message);
    return false;
}

static bool read_format(nominatim_request *n)
{
    static const char *const formats[] = {"json", "jsonv2", "geojson", "geocodejson"};
    n->o.format = DC_NOMINATIM_JSONV2;
    if (!n->given[P_FORMAT]) return true;
    for (int f = 0; f < 4; f++)
        if (strcmp(n->value[P_FORMAT], formats[f]) == 0) {
            n->o.format = (dc_nominatim_format)f;
            return true;
        }
    snprintf(n->message, sizeof n->message,
             "parameter format must be json, jsonv2, geojson or geocodejson, not %.40s",
             n->value[P_FORMAT]);
    n->error = DC_API_BAD_PARAMETER;
    return false;
}

/* The language a list ("en-US,en;q=0.9,vi;q=0.8") prefers among vi and
 * en: the higher quality, the earlier on a tie; vi when neither is named. */
static dc_nominatim_language read_language(const char *list)
{
    double best_q = 0;
    dc_nominatim_language best = DC_NOMINATIM_VI;
    for (const char *p = list; p && *p;) {
        p += strspn(p, " \t,");
        size_t tag = strcspn(p, "-;, \t");
        bool vi = tag == 2 && strncasecmp(p, "vi", 2) == 0;
        bool en = tag == 2 && strncasecmp(p, "en", 2) == 0;
        double q = 1;
        for (p += strcspn(p, ";,"); *p == ';';) {
            p += 1 + strspn(p + 1, " \t");
            if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') q = strtod(p + 2, NULL);
            p += strcspn(p, ";,");
        }
        if ((vi || en) && q > best_q)
            best_q = q, best = vi ? DC_NOMINATIM_VI : DC_NOMINATIM_EN;
    }
    return best;
}

static bool read_bool(nominatim_request *n, int p, bool absent, bool *out)
{
    *out = absent;
    if (!n->given[p]) return true;
    const char *v = n->value[p];
    if (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0) return *out = true, true;
    if (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0) return *out = false, true;
    snprintf(n->message, sizeof n->message, "parameter %s must be 0 or 1, not %.40s",
             param_names[p], v);
    n->error = DC_API_BAD_PARAMETER;
    return false;
}

/* Whether a countrycodes list ("vn", "gb,vn") names Vietnam; an empty
 * list names every country. */
static bool names_vietnam(const char *list)
{
    bool any = false;
    for (const char *p = list; *p;) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, " ,");
        if (len == 2 && strncasecmp(p, "vn", 2) == 0) return true;
        any |= len > 0;
        p += len;
    }
    return !any;
}

/* viewbox=lon1,lat1,lon2,lat2: its centre, as the search's near point. */
static bool read_viewbox(nominatim_request *n)
{
    if (!n->given[P_VIEWBOX]) return true;
    double v[4];
    const char *p = n->value[P_VIEWBOX];
    for (int i = 0; i < 4; i++) {
        char part[64];
        size_t len = strcspn(p, ",");
        double lim = i % 2 ? 90 : 180;
        if (len == 0 || len >= sizeof part || (i < 3 && p[len] != ',') ||
            (i == 3 && p[len] != '\0'))
            return bad(n, DC_API_BAD_PARAMETER,
                       "parameter viewbox must be lon1,lat1,lon2,lat2 in degrees");
        memcpy(part, p, len);
        part[len] = '\0';
        if (!dc_query_number(part, -lim, lim, &v[i]))
            return bad(n, DC_API_BAD_PARAMETER,
                       "parameter viewbox must be lon1,lat1,lon2,lat2 in degrees");
        p += len + (i < 3);
    }
    n->so.near = true;
    n->so.near_lon = (v[0] + v[2]) / 2;
    n->so.near_lat = (v[1] + v[3]) / 2;
    return true;
}

/* A country parameter that names Vietnam ("vn", "Vietnam", "Viet Nam",
 * "Việt Nam", any case). */
static bool is_vietnam(const char *s)
{
    static const char *const names[] = {"vn", "vietnam", "viet nam",
                                        "vi\xE1\xBB\x87t nam", "Vi\xE1\xBB\x87t Nam"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i]) == 0) return true;
    return false;
}

/* The text to search: q, or Nominatim's structured query (street, city,
 * county, state, postalcode) joined by commas, a country other than
 * Vietnam finding nothing. Not both. */
static bool read_query(nominatim_request *n)
{
    bool structured = false;
    for (int p = P_STREET; p <= P_COUNTRY; p++)
        structured |= n->given[p];
    if (n->given[P_Q] && structured)
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter q and a structured query (street, city, county, state, "
                   "postalcode, country) cannot be given together");
    if (n->given[P_Q]) {
        n->query = n->value[P_Q], n->query_len = n->size[P_Q];
        n->query_name = "parameter q";
        return true;
    }
    if (!structured) return bad(n, DC_API_BAD_PARAMETER, "parameter q is missing");
    size_t len = 0;
    for (int p = P_STREET; p <= P_POSTALCODE; p++) {
        if (!n->given[p] || !n->size[p]) continue;
        if (len + n->size[p] + 2 >= sizeof n->structured)
            return bad(n, DC_API_BAD_QUERY, "the structured query is too long");
        if (len) memcpy(n->structured + len, ", ", 2), len += 2;
        memcpy(n->structured + len, n->value[p], n->size[p]);
        len += n->size[p];
    }
    if (n->given[P_COUNTRY] && n->size[P_COUNTRY] && !is_vietnam(n->value[P_COUNTRY]))
        n->no_country = true;
    n->query = n->structured, n->query_len = len;
    n->query_name = "the structured query";
    return true;
}

static bool read_search(nominatim_request *n)
{
    double limit = NOMINATIM_DEFAULT_LIMIT;
    if (!read_bool(n, P_ADDRESSDETAILS, false, &n->o.addressdetails)) return false;
    if (!read_query(n)) return false;
    if (n->given[P_LIMIT] &&
        (!dc_query_number(n->value[P_LIMIT], -1e9, 1e9, &limit) || limit != floor(limit)))
        return bad(n, DC_API_BAD_PARAMETER, "parameter limit must be a whole number");
    n->limit = limit < 1                     ? 1
               : limit > NOMINATIM_MAX_LIMIT ? NOMINATIM_MAX_LIMIT
                                             : (size_t)limit;
    n->so.limit = n->limit;
    if (n->given[P_COUNTRYCODES])
        n->no_country |= !names_vietnam(n->value[P_COUNTRYCODES]);
    return read_viewbox(n);
}

static bool read_reverse(nominatim_request *n)
{
    double zoom = 18;
    if (!read_bool(n, P_ADDRESSDETAILS, true, &n->o.addressdetails)) return false;
    if (!n->given[P_LAT] || !n->given[P_LON])
        return bad(n, DC_API_BAD_PARAMETER,
                   n->given[P_LAT] ? "parameter lon is missing"
                                   : "parameter lat is missing");
    if (!dc_query_number(n->value[P_LAT], -90, 90, &n->lat))
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter lat must be a number of degrees in -90..90");
    if (!dc_query_number(n->value[P_LON], -180, 180, &n->lon))
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter lon must be a number of degrees in -180..180");
    if (n->given[P_ZOOM] &&
        (!dc_query_number(n->value[P_ZOOM], 0, 18, &zoom) || zoom != floor(zoom)))
        return bad(n, DC_API_BAD_PARAMETER,
                   "parameter zoom must be a whole number in 0..18");
    n->zoom = (int)zoom;
    return true;
}

bool dc_nominatim_params_finish(nominatim_request *n, const char *accept_language,
                                bool reverse)
{
    if (!read_format(n)) return false;
    if (n->problem[0]) return bad(n, DC_API_BAD_PARAMETER, n->problem);
    n->o.language = read_language(n->given[P_LANGUAGE] ? n->value[P_LANGUAGE]
                                                        : accept_language);
    return reverse ? read_reverse(n) : read_search(n);
}
