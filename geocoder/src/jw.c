/*
 * jw.c - the JSON writer (see jw.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"

void dc_jw_init(dc_jw *w)
{
    memset(w, 0, sizeof *w);
}

void dc_jw_free(dc_jw *w)
{
    free(w->buf);
    dc_jw_init(w);
}

void dc_jw_reset(dc_jw *w)
{
    w->len = 0;
    w->failed = w->after_key = false;
    w->depth = 0;
    w->nonempty = w->arrays = 0;
}

bool dc_jw_failed(const dc_jw *w)
{
    return w->failed;
}

/* Grow the buffer to take @p n more bytes, or fail the writer. */
static bool grow(dc_jw *w, size_t n)
{
    if (w->failed) return false;
    size_t cap = w->cap ? w->cap : 1024;
    while (cap - w->len < n)
        cap *= 2;
    char *buf = realloc(w->buf, cap);
    if (!buf) {
        w->failed = true;
        return false;
    }
    w->buf = buf;
    w->cap = cap;
    return true;
}

/* Room for @p n more bytes, or false (and the writer failed). */
static inline bool reserve(dc_jw *w, size_t n)
{
    return (w->cap - w->len >= n && !w->failed) || grow(w, n);
}

void dc_jw_raw(dc_jw *w, const char *s, size_t len)
{
    if (!reserve(w, len)) return;
    memcpy(w->buf + w->len, s, len);
    w->len += len;
}

static void put(dc_jw *w, char c)
{
    if (!reserve(w, 1)) return;
    w->buf[w->len++] = c;
}

/* The comma before a value that is not the first of its container. */
static void separate(dc_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        uint32_t bit = 1u << (w->depth - 1);
        if (w->nonempty & bit) put(w, ',');
        w->nonempty |= bit;
    }
}

static void open_container(dc_jw *w, char c)
{
    separate(w);
    put(w, c);
    if (w->depth >= DC_JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    uint32_t bit = 1u << w->depth++;
    w->nonempty &= ~bit;
    if (c == '[')
        w->arrays |= bit;
    else
        w->arrays &= ~bit;
}

void dc_jw_object(dc_jw *w)
{
    open_container(w, '{');
}

void dc_jw_array(dc_jw *w)
{
    open_container(w, '[');
}

void dc_jw_end(dc_jw *w)
{
    if (w->depth == 0 || !reserve(w, 1)) {
        w->failed = true;
        return;
    }
    w->depth--;
    w->buf[w->len++] = (w->arrays >> w->depth) & 1 ? ']' : '}';
}

void dc_jw_key_n(dc_jw *w, const char *key, size_t n)
{
    separate(w);
    if (!reserve(w, n + 3)) return;
    w->buf[w->len++] = '"';
    memcpy(w->buf + w->len, key, n);
    w->len += n;
    w->buf[w->len++] = '"';
    w->buf[w->len++] = ':';
    w->after_key = true;
}

/* Bytes a JSON string cannot hold as they are: controls, '"' and '\\'. */
static const bool escape[256] = {
    [0 ... 0x1f] = true,
    ['"'] = true,
    ['\\'] = true,
};

/* Eight bytes at a time: whether any of them needs escaping (a control,
 * '"' or '\\'), by the carry-free byte tests of "Bit Twiddling Hacks". */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline bool word_needs_escape(const char *s)
{
    uint64_t v;
    memcpy(&v, s, 8);
    uint64_t quote = v ^ (ONES * '"'), backslash = v ^ (ONES * '\\');
    uint64_t control = (v - ONES * 0x20) & ~v;
    uint64_t zero = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash);
    return ((control | zero) & HIGHS) != 0;
}

void dc_jw_string(dc_jw *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    separate(w);
    /* Worst case every byte becomes \u00XX. */
    if (!reserve(w, len * 6 + 2)) return;
    char *o = w->buf + w->len;
    *o++ = '"';
    for (size_t i = 0; i < len;) {
        /* Copy the run of bytes that need nothing in one go. */
        size_t run = i;
        while (run + 8 <= len && !word_needs_escape(s + run))
            run += 8;
        while (run < len && !escape[(unsigned char)s[run]])
            run++;
        memcpy(o, s + i, run - i);
        o += run - i;
        if ((i = run) == len) break;
        unsigned char c = (unsigned char)s[i++];
        *o++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *o++ = (char)c;
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\t':
            *o++ = 't';
            break;
        case '\r':
            *o++ = 'r';
            break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o++ = '"';
    w->len = (size_t)(o - w->buf);
}

void dc_jw_cstring(dc_jw *w, const char *s)
{
    dc_jw_string(w, s ? s : "", s ? strlen(s) : 0);
}

/* Decimal digits of @p v into the end of @p tmp; returns the first. Two
 * at a time: a coordinate has ten or eleven. */
static char *digits(uint64_t v, char *end)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    while (v >= 100) {
        end -= 2;
        memcpy(end, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, pairs + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

void dc_jw_int(dc_jw *w, int64_t v)
{
    char tmp[24], *end = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *p = digits(u, end);
    if (v < 0) *--p = '-';
    separate(w);
    dc_jw_raw(w, p, (size_t)(end - p));
}

void dc_jw_bool(dc_jw *w, bool v)
{
    separate(w);
    if (v)
        dc_jw_raw(w, "true", 4);
    else
        dc_jw_raw(w, "false", 5);
}

void dc_jw_null(dc_jw *w)
{
    separate(w);
    dc_jw_raw(w, "null", 4);
}

void dc_jw_postcode(dc_jw *w, uint32_t postcode)
{
    char s[5];
    for (int i = 4; i >= 0; i--, postcode /= 10)
        s[i] = (char)('0' + postcode % 10);
    dc_jw_string(w, s, 5);
}

/* A scaled integer as a decimal with @p decimals places into @p out (40
 * bytes); @p trim drops trailing zeros (and the point when none remain).
 * Returns the length. */
static size_t format_scaled(char *out, int64_t v, int decimals, bool trim)
{
    char tmp[32], *end = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *p = digits(u, end);
    while (end - p <= decimals)
        *--p = '0';
    char *point = end - decimals;
    size_t n = 0;
    if (v < 0) out[n++] = '-';
    memcpy(out + n, p, (size_t)(point - p));
    n += (size_t)(point - p);
    if (trim)
        while (end > point && end[-1] == '0')
            end--;
    if (end > point) {
        out[n++] = '.';
        memcpy(out + n, point, (size_t)(end - point));
        n += (size_t)(end - point);
    }
    return n;
}

static void scaled(dc_jw *w, int64_t v, int decimals, bool trim)
{
    char out[40];
    size_t n = format_scaled(out, v, decimals, trim);
    separate(w);
    dc_jw_raw(w, out, n);
}

size_t dc_jw_format_e7(int32_t v, char out[DC_JW_E7_SIZE])
{
    size_t n = format_scaled(out, v, 7, false);
    out[n] = '\0';
    return n;
}

void dc_jw_e7(dc_jw *w, int32_t v)
{
    scaled(w, v, 7, false);
}

void dc_jw_fixed(dc_jw *w, double v, int decimals)
{
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (!isfinite(v)) {
        dc_jw_null(w);
        return;
    }
    if (decimals < 0) decimals = 0;
    if (decimals > 9) decimals = 9;
    double x = round(v * pow10[decimals]);
    if (fabs(x) >= 9e15) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%.17g", v);
        separate(w);
        dc_jw_raw(w, tmp, (size_t)n);
        return;
    }
    scaled(w, (int64_t)x, decimals, true);
}
