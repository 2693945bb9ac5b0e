/*
 * jw.h - a JSON writer into a growing buffer: what the HTTP service and
 * the command's --json output answer with. Built for the hot path: no
 * tree, one buffer reused across responses, numbers formatted by hand.
 * Not installed.
 *
 *     dc_jw w;
 *     dc_jw_init(&w);
 *     dc_jw_object(&w);
 *     dc_jw_key(&w, "postcode"); dc_jw_string(&w, "32101", 5);
 *     dc_jw_end(&w);
 *     if (dc_jw_failed(&w)) ... out of memory
 *     ... w.buf, w.len ...
 *     dc_jw_reset(&w);                  reuse; dc_jw_free(&w) at the end
 *
 * Commas are placed by the writer: callers only open, key, write, end.
 * Strings must be UTF-8 (they are escaped, not validated: the index and
 * the engine hand out valid UTF-8, and input echoed back is checked by the
 * caller). A failed allocation sets a flag; later calls do nothing.
 */
#ifndef DC_JW_H
#define DC_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DC_JW_MAX_DEPTH 32

typedef struct dc_jw {
    char *buf;
    size_t len, cap;
    bool failed;
    bool after_key;
    int depth;
    uint32_t nonempty; /* bit d: the container at depth d has a member */
    uint32_t arrays;   /* bit d: the container at depth d is an array */
} dc_jw;

void dc_jw_init(dc_jw *w);
void dc_jw_free(dc_jw *w);
/** Empty the buffer, keep its memory. */
void dc_jw_reset(dc_jw *w);
bool dc_jw_failed(const dc_jw *w);

void dc_jw_object(dc_jw *w);
void dc_jw_array(dc_jw *w);
/** Close the innermost object or array. */
void dc_jw_end(dc_jw *w);
/** A member name of @p len bytes (a literal: not escaped). */
void dc_jw_key_n(dc_jw *w, const char *key, size_t len);
/** A member name (a literal: not escaped). Inline, so that a literal's
 *  length and bytes are known when compiled: with room in the buffer, a
 *  member of an object is a few stores, no call (an answer has dozens);
 *  anything else is dc_jw_key_n's. */
static inline void dc_jw_key(dc_jw *w, const char *key)
{
    size_t n = strlen(key);
    if (w->cap - w->len < n + 4 || w->failed || w->after_key || w->depth <= 0) {
        dc_jw_key_n(w, key, n);
        return;
    }
    uint32_t bit = 1u << (w->depth - 1);
    char *o = w->buf + w->len;
    if (w->nonempty & bit) *o++ = ',';
    w->nonempty |= bit;
    *o++ = '"';
    memcpy(o, key, n);
    o += n;
    *o++ = '"';
    *o++ = ':';
    w->len = (size_t)(o - w->buf);
    w->after_key = true;
}

void dc_jw_string(dc_jw *w, const char *s, size_t len);
void dc_jw_cstring(dc_jw *w, const char *s);
void dc_jw_int(dc_jw *w, int64_t v);
void dc_jw_bool(dc_jw *w, bool v);
void dc_jw_null(dc_jw *w);
/** A postcode as a 5-digit string ("03101"). */
void dc_jw_postcode(dc_jw *w, uint32_t postcode);
/** Degrees from 1e-7 units, exactly, with 7 decimals. */
void dc_jw_e7(dc_jw *w, int32_t v);
/** Room for dc_jw_format_e7's text: "-180.0000000" and the NUL. */
#define DC_JW_E7_SIZE 40
/** Degrees from 1e-7 units as dc_jw_e7 writes them, NUL-terminated into
 *  @p out; returns the length. */
size_t dc_jw_format_e7(int32_t v, char out[DC_JW_E7_SIZE]);
/** A number rounded to @p decimals (0..9) places, trailing zeros dropped.
 *  Not finite: null. */
void dc_jw_fixed(dc_jw *w, double v, int decimals);

/** Append bytes as they are (already JSON). */
void dc_jw_raw(dc_jw *w, const char *s, size_t len);

#endif /* DC_JW_H */
