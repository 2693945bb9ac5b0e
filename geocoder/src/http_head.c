/*
 * http_head.c - a request head judged as far as it has come (see
 * http_head.h): the request line, then the fields, each check made as soon
 * as its bytes are in, so garbage is refused at once, not at a deadline.
 */
#include <stdbool.h>
#include <string.h>

#include "http_head.h"

/* RFC 9110 5.6.2: the characters of a token (a method, a field name). */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A byte a field value or a target may not hold: a control character
 * (HTAB allowed in values only) or DEL. */
static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* The end of the line starting at @p p (the LF), or NULL when not in yet. */
static const char *line_end(const char *p, const char *end)
{
    return memchr(p, '\n', (size_t)(end - p));
}

/* The version of a complete request line. */
static dc_front_verdict judge_version(const char *v, size_t n, const char **why)
{
    if (n && v[n - 1] == '\r') n--;
    /* HTTP/1.2 and on are 1.1 to a 1.1 server (RFC 9110 2.5), as
     * libmicrohttpd takes them. */
    if (n == 8 && memcmp(v, "HTTP/1.", 7) == 0 && v[7] >= '0' && v[7] <= '9')
        return DC_FRONT_OK;
    if (n >= 6 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9') {
        *why = v[5] == '2' ? "HTTP/2 is not served here: use HTTP/1.1"
                           : "only HTTP/1.0 and HTTP/1.1 are served";
        return DC_FRONT_VERSION;
    }
    *why = "the request line does not end with HTTP/1.1 or HTTP/1.0";
    return DC_FRONT_BAD_LINE;
}

/* The request line, "METHOD SP TARGET SP VERSION", as far as it is in;
 * *next is where the fields start once it is complete. */
static dc_front_verdict judge_line(const char *buf, const char *end, const char **next,
                                   const char **why)
{
    const char *p = buf;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (p == end) return DC_FRONT_MORE;
    *why = "the request line does not start with a method";
    if (p == buf || *p != ' ') return DC_FRONT_BAD_LINE;
    const char *target = ++p;
    while (p < end && *p != ' ' && !is_ctl((unsigned char)*p))
        p++;
    if (p == end) return DC_FRONT_MORE;
    if (*p == '\r' || *p == '\n') {
        *why = "the request line has no HTTP version (HTTP/0.9 is not served)";
        return DC_FRONT_BAD_LINE;
    }
    *why = "the request target is empty or holds a control character";
    if (*p != ' ' || p == target) return DC_FRONT_BAD_LINE;
    const char *version = ++p, *lf = line_end(p, end);
    if (!lf) {
        /* Anything but the start of "HTTP/" is wrong already. */
        size_t n = (size_t)(end - version);
        if (n > 9 || memcmp(version, "HTTP/1.1", n < 5 ? n : 5) != 0) {
            *why = "the request line does not end with HTTP/1.1 or HTTP/1.0";
            return DC_FRONT_BAD_LINE;
        }
        return DC_FRONT_MORE;
    }
    *next = lf + 1;
    return judge_version(version, (size_t)(lf - version), why);
}

/* One field line (without its LF): "name: value", RFC 9112 5. */
static dc_front_verdict judge_field(const char *p, const char *lf, const char **why)
{
    if (lf > p && lf[-1] == '\r') lf--;
    *why = "a header line is folded onto the one before (obsolete line folding)";
    if (*p == ' ' || *p == '\t') return DC_FRONT_BAD_HEADER;
    const char *name = p;
    while (p < lf && is_tchar((unsigned char)*p))
        p++;
    *why = "a header line has no name, or no colon right after its name";
    if (p == name || p == lf || *p != ':') return DC_FRONT_BAD_HEADER;
    for (p++; p < lf; p++)
        if (is_ctl((unsigned char)*p) && *p != '\t') {
            *why = "a header value holds a NUL or a control character";
            return DC_FRONT_BAD_HEADER;
        }
    return DC_FRONT_OK;
}

/* The fields from @p p to the empty line that ends the head. */
static dc_front_verdict judge_fields(const char *p, const char *end, const char **why)
{
    for (unsigned fields = 0;; fields++) {
        const char *lf = line_end(p, end);
        if (!lf) return DC_FRONT_MORE;
        if (lf == p || (lf == p + 1 && p[0] == '\r')) return DC_FRONT_OK;
        if (fields == DC_FRONT_MAX_FIELDS) {
            *why = "the request has more than 100 header fields";
            return DC_FRONT_TOO_LARGE;
        }
        dc_front_verdict v = judge_field(p, lf, why);
        if (v != DC_FRONT_OK) return v;
        p = lf + 1;
    }
}

dc_front_verdict dc_front_judge(const char *buf, size_t len, size_t head_max,
                                const char **why)
{
    const char *end = buf + (len > head_max ? head_max : len), *fields = NULL;
    /* Empty lines before the request line are ignored (RFC 9112 2.2). */
    while (buf < end &&
           (*buf == '\n' || (*buf == '\r' && buf + 1 < end && buf[1] == '\n')))
        buf += *buf == '\r' ? 2 : 1;
    if (buf + 1 == end && *buf == '\r') return DC_FRONT_MORE; /* a CR LF begun */
    dc_front_verdict v = judge_line(buf, end, &fields, why);
    if (v == DC_FRONT_OK) v = judge_fields(fields, end, why);
    if (v != DC_FRONT_MORE || len <= head_max) return v;
    /* Past the cap with the head still valid and not complete. */
    if (!fields) {
        *why = "the request line is longer than the server takes";
        return DC_FRONT_URI_TOO_LONG;
    }
    *why = "the request's headers are larger than the server takes";
    return DC_FRONT_TOO_LARGE;
}
