/*
 * payload.c - what a plate's QR code says (diachi/plates.h): the compact
 * code, a geo: URI, or a template whose placeholders take the household's
 * values. The template is checked whole when it is read, so a typo in a
 * placeholder stops the run before any page is drawn.
 */
#include <stdio.h>
#include <string.h>

#include "diachi/plates.h"

/* The placeholders, in the order the error message lists them. */
static const char *const names[] = {"code",      "display", "postcode", "location",
                                    "plus_code", "lat",     "lon",      "id"};
#define NNAMES (sizeof names / sizeof names[0])

static int placeholder(const char *name, size_t len)
{
    for (size_t i = 0; i < NNAMES; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) return (int)i;
    return -1;
}

/* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":", ending
 * before @p end. */
static bool has_scheme(const char *s, size_t end)
{
    size_t i = 0;
    if (end == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')) return false;
    for (i = 1; i < end; i++) {
        char c = s[i];
        if (c == ':') return true;
        bool ok = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '.';
        if (!ok) return false;
    }
    return false;
}

static dc_err refuse(const char **problem, const char *name, dc_error *err,
                     const char *what, const char *arg)
{
    *problem = name;
    return dc_error_set(err, DC_E_INVALID_ARG, "%s%s", what, arg);
}

/* Walk the template: every '{' opens a known name closed by '}'. */
static dc_err check_template(const char *s, size_t len, size_t *first,
                             const char **problem, dc_error *err)
{
    size_t found = 0;
    *first = len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '}') {
            if (i + 1 < len && s[i + 1] == '}') {
                i++;
                continue;
            }
            char at[64];
            snprintf(at, sizeof at, "%zu (write }} for a brace)", i + 1);
            return refuse(problem, "bad_template", err, "a lone '}' at character ", at);
        }
        if (s[i] != '{') continue;
        if (i + 1 < len && s[i + 1] == '{') {
            i++;
            continue;
        }
        const char *close = memchr(s + i + 1, '}', len - i - 1);
        if (!close) {
            char at[64];
            snprintf(at, sizeof at, "%zu (write {{ for a brace)", i + 1);
            return refuse(problem, "bad_template", err, "an unclosed '{' at character ",
                          at);
        }
        size_t nlen = (size_t)(close - (s + i + 1));
        if (placeholder(s + i + 1, nlen) < 0) {
            *problem = "unknown_placeholder";
            return dc_error_set(
                err, DC_E_INVALID_ARG,
                "unknown placeholder {%.*s} at character %zu; known: {code}, "
                "{display}, {postcode}, {location}, {plus_code}, {lat}, "
                "{lon}, {id}",
                (int)(nlen > 40 ? 40 : nlen), s + i + 1, i + 1);
        }
        if (found++ == 0) *first = i;
        i += nlen + 1;
    }
    if (found == 0)
        return refuse(
            problem, "bad_template", err,
            "the QR template has no placeholder such as {code}: every plate would "
            "carry the same text",
            "");
    return DC_OK;
}

dc_err dc_plates_payload_parse(const char *spec, dc_plates_payload *out,
                               const char **problem, dc_error *err)
{
    const char *unused;
    if (!problem) problem = &unused;
    *problem = "bad_template";
    if (!spec || !out) return dc_error_set(err, DC_E_INVALID_ARG, "no QR payload given");
    size_t len = strlen(spec);
    if (len == 0)
        return dc_error_set(err, DC_E_INVALID_ARG,
                            "the QR payload is empty: give code, geo or a template");
    if (len > DC_PLATES_TEMPLATE_MAX)
        return dc_error_set(err, DC_E_INVALID_ARG,
                            "the QR template is %zu bytes; at most %d", len,
                            DC_PLATES_TEMPLATE_MAX);
    dc_plates_payload p = {0};
    if (strcmp(spec, "code") == 0) {
        p.kind = DC_PLATES_QR_CODE;
    } else if (strcmp(spec, "geo") == 0) {
        p.kind = DC_PLATES_QR_GEO;
    } else {
        size_t first;
        dc_err e = check_template(spec, len, &first, problem, err);
        if (e != DC_OK) return e;
        p.kind = DC_PLATES_QR_TEMPLATE;
        p.uri = has_scheme(spec, first);
    }
    memcpy(p.spec, spec, len + 1);
    p.len = len;
    *out = p;
    return DC_OK;
}

/* Degrees of an e7 value, with all 7 decimals ("21.3640201", "-0.0000001"). */
static int format_e7(char *out, size_t size, int32_t v)
{
    int64_t a = v < 0 ? -(int64_t)v : v;
    return snprintf(out, size, "%s%lld.%07lld", v < 0 ? "-" : "",
                    (long long)(a / 10000000), (long long)(a % 10000000));
}

/* A bounded writer: *n counts what the whole text needs. */
typedef struct outbuf {
    char *s;
    size_t size, n;
} outbuf;

static void put(outbuf *b, const char *s, size_t len, bool encode)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool plain = !encode || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                     (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                     c == '~';
        char e[3] = {(char)c, 0, 0};
        size_t k = 1;
        if (!plain) {
            e[0] = '%';
            e[1] = hex[c >> 4];
            e[2] = hex[c & 15];
            k = 3;
        }
        for (size_t j = 0; j < k; j++, b->n++)
            if (b->n < b->size) b->s[b->n] = e[j];
    }
}

static void put_value(outbuf *b, int which, const dc_plate *pl, bool encode)
{
    char tmp[32];
    const char *v = tmp;
    switch (which) {
    case 0:
        v = pl->compact;
        break;
    case 1:
        v = pl->display;
        break;
    case 2:
        snprintf(tmp, sizeof tmp, "%05u", (unsigned)pl->postcode);
        break;
    case 3:
        v = pl->compact + 5;
        break;
    case 4:
        v = pl->plus_code;
        break;
    case 5:
        format_e7(tmp, sizeof tmp, pl->lat_e7);
        break;
    case 6:
        format_e7(tmp, sizeof tmp, pl->lon_e7);
        break;
    default:
        v = pl->id ? pl->id : "";
        break;
    }
    put(b, v, strlen(v), encode);
}

static void expand(outbuf *b, const dc_plates_payload *p, const dc_plate *pl)
{
    const char *s = p->spec;
    for (size_t i = 0; i < p->len; i++) {
        if ((s[i] == '{' || s[i] == '}') && i + 1 < p->len && s[i + 1] == s[i]) {
            put(b, s + i, 1, false);
            i++;
        } else if (s[i] == '{') {
            const char *close = strchr(s + i, '}');
            put_value(b, placeholder(s + i + 1, (size_t)(close - s - i - 1)), pl, p->uri);
            i = (size_t)(close - s);
        } else {
            put(b, s + i, 1, false);
        }
    }
}

dc_err dc_plates_payload_text(const dc_plates_payload *p, const dc_plate *plate,
                              char *out, size_t size, size_t *len)
{
    if (!p || !plate || !out || size == 0)
        return dc_error_set(NULL, DC_E_INVALID_ARG, "no payload");
    outbuf b = {out, size, 0};
    if (p->kind == DC_PLATES_QR_CODE) {
        put(&b, plate->compact, strlen(plate->compact), false);
    } else if (p->kind == DC_PLATES_QR_GEO) {
        char tmp[64];
        int n = snprintf(tmp, sizeof tmp, "geo:");
        n += format_e7(tmp + n, sizeof tmp - (size_t)n, plate->lat_e7);
        tmp[n++] = ',';
        n += format_e7(tmp + n, sizeof tmp - (size_t)n, plate->lon_e7);
        put(&b, tmp, (size_t)n, false);
    } else {
        expand(&b, p, plate);
    }
    if (b.n >= size || b.n > DC_QR_TEXT_MAX) return DC_E_BUFFER;
    out[b.n] = '\0';
    if (len) *len = b.n;
    return DC_OK;
}
