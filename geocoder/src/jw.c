/*
 * jw.c - the JSON writer (see jw.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* Eight bytes at a time: the bytes that need escaping (a control, '"'
 * or '\\') as the high bit of each, by the carry-free byte tests of "Bit
 * Twiddling Hacks". A borrow runs only upwards from a byte that is itself
 * marked, so the lowest mark is exact; those above it may not be. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline uint64_t word_escapes(uint64_t v)
{
    uint64_t quote = v ^ (ONES * '"'), backslash = v ^ (ONES * '\\');
    uint64_t control = (v - ONES * 0x20) & ~v;
    uint64_t zero = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash);
    return (control | zero) & HIGHS;
}

/* Copy the bytes of @p s from @p i on that need nothing to @p o, up to
 * the first that does or the end; returns where that is. Whole words are
 * stored, even past the first byte that needs escaping (the room
 * reserved, six bytes out for each in, is there: what follows writes
 * over them), so a run costs no call and no byte loop but its tail. */
static size_t copy_plain(const char *s, size_t i, size_t len, char **o)
{
    char *out = *o;
#if defined(__SSE2__)
    /* Sixteen at a time where the instructions are there (every x86-64):
     * exact marks, a quarter of the instructions of two words. */
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i last_control = _mm_set1_epi8(0x1f);
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)out, v);
        __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, last_control), v);
        __m128i marked =
            _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                               _mm_cmpeq_epi8(v, backslash)));
        unsigned marks = (unsigned)_mm_movemask_epi8(marked);
        if (marks) {
            size_t k = (size_t)__builtin_ctz(marks);
            *o = out + k;
            return i + k;
        }
        i += 16, out += 16;
    }
#endif
    while (i + 8 <= len) {
        uint64_t v, marks;
        memcpy(&v, s + i, 8);
        memcpy(out, s + i, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        v = __builtin_bswap64(v); /* the first byte lowest, for the count below */
#endif
        if ((marks = word_escapes(v)) != 0) {
            size_t k = (size_t)__builtin_ctzll(marks) / 8;
            *o = out + k;
            return i + k;
        }
        i += 8, out += 8;
    }
    while (i < len && !escape[(unsigned char)s[i]])
        *out++ = s[i++];
    *o = out;
    return i;
}

void dc_jw_string(dc_jw *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    separate(w);
    /* Worst case every byte becomes \u00XX. */
    if (!reserve(w, len * 6 + 2)) return;
    char *o = w->buf + w->len;
    *o++ = '"';
    for (size_t i = 0; (i = copy_plain(s, i, len, &o)) < len;) {
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

/* The decimal digits of 0..99, two by two. */
static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                            "25262728293031323334353637383940414243444546474849"
                            "50515253545556575859606162636465666768697071727374"
                            "75767778798081828384858687888990919293949596979899";

/* Decimal digits of @p v into the end of @p tmp; returns the first. Two
 * at a time. */
static char *digits(uint64_t v, char *end)
{
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
    if (!reserve(w, sizeof tmp)) return;
    char *o = w->buf + w->len;
    while (p < end)
        *o++ = *p++;
    w->len = (size_t)(o - w->buf);
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
    /* Digits need no escape: written as they are, quotes around. */
    separate(w);
    if (!reserve(w, 7)) return;
    char *o = w->buf + w->len;
    o[0] = o[6] = '"';
    for (int i = 5; i >= 1; i--, postcode /= 10)
        o[i] = (char)('0' + postcode % 10);
    w->len += 7;
}

/* @p u as a whole number and @p decimals (0..9) places: the two answers'
 * scales (7 for degrees, 9 for a cell's corners) divide by a constant,
 * which the compiler turns into a multiplication. */
static void split_scaled(uint64_t u, int decimals, uint64_t *whole, uint64_t *part)
{
    static const uint64_t pow10[] = {1,      10,      100,      1000,      10000,
                                     100000, 1000000, 10000000, 100000000, 1000000000};
    switch (decimals) {
    case 7:
        *whole = u / 10000000, *part = u % 10000000;
        return;
    case 9:
        *whole = u / 1000000000, *part = u % 1000000000;
        return;
    default:
        *whole = u / pow10[decimals], *part = u % pow10[decimals];
    }
}

/* A scaled integer as a decimal with @p decimals (0..9) places into @p out
 * (40 bytes); @p trim drops trailing zeros (and the point when none
 * remain). Returns the length. The places are written in place from their
 * last, two at a time: no copy of a digit string. */
static size_t format_scaled(char *out, int64_t v, int decimals, bool trim)
{
    char tmp[24], *end = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, whole, part;
    split_scaled(u, decimals, &whole, &part);
    size_t n = 0;
    if (v < 0) out[n++] = '-';
    for (const char *p = digits(whole, end); p < end;)
        out[n++] = *p++;
    int places = decimals;
    uint32_t rest = (uint32_t)part; /* below 10^9: 32-bit divisions */
    if (trim)
        while (places > 0 && rest % 10 == 0)
            rest /= 10, places--;
    if (places == 0) return n;
    out[n++] = '.';
    char *at = out + n + places;
    for (int k = places; k >= 2; k -= 2) {
        uint32_t two = rest % 100;
        rest /= 100;
        memcpy(at -= 2, pairs + 2 * two, 2);
    }
    if (places & 1) *--at = (char)('0' + rest);
    return n + (size_t)places;
}

/* Formatted straight into the buffer: no copy, no call to copy. */
static void scaled(dc_jw *w, int64_t v, int decimals, bool trim)
{
    separate(w);
    if (!reserve(w, 40)) return;
    w->len += format_scaled(w->buf + w->len, v, decimals, trim);
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
