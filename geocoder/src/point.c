/*
 * point.c - a point as people copy it: "21.39, 103.02" (Google Maps),
 * "21,39 103,02" (a decimal comma), "21.39° N 103.02° E",
 * "21°23'10.3\"N 103°01'04.4\"E" (degrees, minutes, seconds).
 *
 * A point is two coordinates. A coordinate is a number, with an optional
 * degree sign, then optional minutes and seconds, and an optional
 * hemisphere letter before or after it. Between the two: spaces, a comma
 * or a semicolon. A text with no '.' is first read with ',' between two
 * digits as a decimal comma; when that does not give two coordinates, it
 * is read again with ',' as the separator ("21,103").
 *
 * A geo URI (RFC 5870) is a point too: "geo:21.39,103.02", with an
 * optional altitude and parameters (";u=35", ";crs=wgs84"), which are
 * ignored; a crs other than wgs84 is refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diachi/geocoder.h"

typedef struct cursor {
    const char *s;
    size_t len, i;
    bool decimal_comma;
} cursor;

typedef struct coord {
    double value;
    char hemisphere; /* 'N', 'S', 'E', 'W' or 0 */
} coord;

/* The UTF-8 sequence @p m at the cursor: consumed, true. */
static bool take(cursor *c, const char *m)
{
    size_t n = strlen(m);
    if (c->len - c->i < n || memcmp(c->s + c->i, m, n) != 0) return false;
    c->i += n;
    return true;
}

static bool take_any(cursor *c, const char *const *marks)
{
    for (; *marks; marks++)
        if (take(c, *marks)) return true;
    return false;
}

static const char *const spaces[] = {" ", "\t", "\r", "\n", "\u00a0", "\u202f", NULL};
static const char *const degree_marks[] = {"\u00b0", "\u00ba", "\u02da", NULL};
static const char *const minute_marks[] = {"'", "\u2032", "\u2019", NULL};
static const char *const second_marks[] = {"\"", "\u2033", "\u201d", "''", NULL};

static void skip_spaces(cursor *c)
{
    while (take_any(c, spaces)) {
    }
}

static bool digit_at(const cursor *c, size_t i)
{
    return i < c->len && c->s[i] >= '0' && c->s[i] <= '9';
}

/* An unsigned decimal number: digits, one decimal mark, digits. */
static bool read_number(cursor *c, double *out)
{
    char buf[64];
    size_t n = 0, start = c->i;
    bool mark = false;
    while (c->i < c->len && n + 1 < sizeof buf) {
        char ch = c->s[c->i];
        bool is_mark = ch == '.' || (ch == ',' && c->decimal_comma && c->i > start &&
                                     digit_at(c, c->i + 1));
        if (is_mark && !mark) {
            mark = true;
            buf[n++] = '.';
        } else if (ch >= '0' && ch <= '9') {
            buf[n++] = ch;
        } else {
            break;
        }
        c->i++;
    }
    buf[n] = '\0';
    if (n == 0 || (n == 1 && mark)) {
        c->i = start;
        return false;
    }
    *out = strtod(buf, NULL);
    return isfinite(*out);
}

static char read_hemisphere(cursor *c)
{
    if (c->i >= c->len) return 0;
    char ch = c->s[c->i];
    if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
    if (ch != 'N' && ch != 'S' && ch != 'E' && ch != 'W') return 0;
    c->i++;
    return ch;
}

/* Minutes and seconds after a degree sign: 0 when fine, else a message. */
static const char *read_minutes_seconds(cursor *c, double *value)
{
    double minutes = 0, seconds = 0;
    size_t back = c->i;
    skip_spaces(c);
    if (!read_number(c, &minutes) || !take_any(c, minute_marks)) {
        c->i = back;
        return NULL;
    }
    back = c->i;
    skip_spaces(c);
    if (!read_number(c, &seconds) || !take_any(c, second_marks)) c->i = back, seconds = 0;
    if (minutes >= 60) return "minutes must be below 60";
    if (seconds >= 60) return "seconds must be below 60";
    *value += minutes / 60 + seconds / 3600;
    return NULL;
}

/* One coordinate; NULL when read, else what is wrong. */
static const char *read_coord(cursor *c, coord *out)
{
    double sign = 1;
    skip_spaces(c);
    out->hemisphere = read_hemisphere(c);
    skip_spaces(c);
    if (take(c, "-") || take(c, "\u2212"))
        sign = -1;
    else
        take(c, "+");
    if (!read_number(c, &out->value)) return "expected a number";
    if (take_any(c, degree_marks)) {
        const char *why = read_minutes_seconds(c, &out->value);
        if (why) return why;
    }
    size_t back = c->i;
    skip_spaces(c);
    char after = out->hemisphere ? 0 : read_hemisphere(c);
    if (after)
        out->hemisphere = after;
    else
        c->i = back;
    if (out->hemisphere && sign < 0) return "a minus sign and a hemisphere letter";
    if (out->hemisphere == 'S' || out->hemisphere == 'W') sign = -1;
    out->value *= sign;
    return NULL;
}

static bool is_latitude(char h)
{
    return h == 'N' || h == 'S';
}

/* Which coordinate is which: by hemisphere letters, else latitude first. */
static const char *assign(const coord *a, const coord *b, double *lat, double *lon)
{
    bool a_lat = is_latitude(a->hemisphere), b_lat = is_latitude(b->hemisphere);
    bool a_lon = a->hemisphere && !a_lat, b_lon = b->hemisphere && !b_lat;
    if ((a_lat && b_lat) || (a_lon && b_lon)) return "both coordinates are of one axis";
    bool swap = a_lon || b_lat;
    *lat = swap ? b->value : a->value;
    *lon = swap ? a->value : b->value;
    return NULL;
}

/* The whole text in one mode; NULL when read, else what is wrong (and
 * where, in c->i). */
static const char *read_point(cursor *c, double *lat, double *lon)
{
    coord a, b;
    const char *why = read_coord(c, &a);
    if (why) return why;
    skip_spaces(c);
    if (!take(c, ",")) take(c, ";");
    why = read_coord(c, &b);
    if (why) return why;
    skip_spaces(c);
    if (c->i != c->len) return "unexpected text after the longitude";
    return assign(&a, &b, lat, lon);
}

/* True when the text is a geo URI ("geo:" in any case); *end is where its
 * parameters start. */
static bool is_geo_uri(const char *text, size_t len, size_t *end)
{
    if (len < 4 || strncasecmp(text, "geo:", 4) != 0) return false;
    *end = 4;
    while (*end < len && text[*end] != ';' && text[*end] != '?')
        ++*end;
    return true;
}

/* The parameters of a geo URI: only a crs other than wgs84 matters. */
static bool crs_is_wgs84(const char *params, size_t n)
{
    for (size_t i = 0; i + 5 <= n; i++) {
        if (strncasecmp(params + i, ";crs=", 5) != 0) continue;
        size_t v = i + 5, m = 0;
        while (v + m < n && params[v + m] != ';' && params[v + m] != '?')
            m++;
        return m == 5 && strncasecmp(params + v, "wgs84", 5) == 0;
    }
    return true;
}

/* "lat,lon[,alt]" of a geo URI, '.' decimals only. */
static const char *read_geo_uri(cursor *c, double *lat, double *lon)
{
    coord a, b;
    double altitude;
    const char *why = read_coord(c, &a);
    if (why) return why;
    if (!take(c, ",")) return "expected ',' after the latitude";
    why = read_coord(c, &b);
    if (why) return why;
    if (take(c, ",") && (take(c, "-"), !read_number(c, &altitude)))
        return "expected an altitude after ','";
    if (c->i != c->len) return "unexpected text after the longitude";
    return assign(&a, &b, lat, lon);
}

/* The text in the modes it may be in; NULL when read. */
static const char *read_any(const char *text, size_t len, cursor *c, double *lat,
                            double *lon)
{
    size_t end;
    if (is_geo_uri(text, len, &end)) {
        *c = (cursor){text, end, 4, false};
        if (!crs_is_wgs84(text + end, len - end)) {
            c->i = end;
            return "a geo URI in a crs other than wgs84";
        }
        return read_geo_uri(c, lat, lon);
    }
    *c = (cursor){text, len, 0, true};
    if (!memchr(text, '.', len) && !read_point(c, lat, lon)) return NULL;
    *c = (cursor){text, len, 0, false};
    return read_point(c, lat, lon);
}

dc_err dc_geo_point_parse(const char *text, size_t len, double *lat, double *lon,
                          dc_error *err)
{
    double la, lo;
    cursor c;
    if (!lat || !lon || (!text && len))
        return dc_error_set(err, DC_E_INVALID_ARG, "no point given");
    const char *why = read_any(text ? text : "", len, &c, &la, &lo);
    if (why) {
        size_t position = 1;
        for (size_t i = 0; i < c.i && i < len; i++)
            position += ((unsigned char)text[i] & 0xC0) != 0x80;
        return dc_error_set(err, DC_E_POINT_SYNTAX,
                            "not a point: %s at character %zu (give latitude and "
                            "longitude: 21.3862, 103.0179 or 21°23'10.3\"N 103°1'4.4\"E)",
                            why, position);
    }
    *lat = la;
    *lon = lo;
    return DC_OK;
}
