/*
 * address.c - addresses and zone names as text, into caller buffers: the
 * words a postal worker reads, shared by the command line, the batch
 * output and the HTTP service.
 */
#include <string.h>

#include "diachi/geocoder.h"

/* Text written so far: like snprintf, the length counts what did not fit. */
typedef struct text {
    char *out;
    size_t size, len;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len < t->size) {
        size_t room = t->size - t->len;
        memcpy(t->out + t->len, s, n < room ? n : room);
    }
    t->len += n;
}

/* ", " (unless first) then the string, when it is not empty. */
static void part(text *t, const char *prefix, const dc_str *s, int *first)
{
    if (!s->len) return;
    if (!*first) put(t, ", ", 2);
    put(t, prefix, strlen(prefix));
    put(t, s->ptr, s->len);
    *first = 0;
}

/* NUL-terminate, cutting on a UTF-8 character boundary when it overflowed. */
static size_t finish(text *t)
{
    if (t->size == 0) return t->len;
    size_t end = t->len;
    if (end >= t->size) {
        end = t->size - 1;
        while (end > 0 && ((unsigned char)t->out[end] & 0xC0) == 0x80)
            end--; /* out[end] is the first byte that does not fit */
    }
    t->out[end] = '\0';
    return t->len;
}

/* The length of the kind at the start of @p name, with the space after
 * it ("Xã " of "Xã Phước Châu" for the kind "xã"), or 0. Letters compare
 * without ASCII case: a kind's first letter is capitalised at the start of
 * a name ("Phường", "Thị trấn") and its other letters are not. */
static size_t kind_prefix(const dc_str *name, const dc_str *kind)
{
    if (name->len <= kind->len || name->ptr[kind->len] != ' ') return 0;
    for (size_t i = 0; i < kind->len; i++) {
        unsigned char a = (unsigned char)name->ptr[i], b = (unsigned char)kind->ptr[i];
        if (a != b && !(a < 0x80 && b < 0x80 && (a | 0x20) == (b | 0x20) &&
                        (a | 0x20) >= 'a' && (a | 0x20) <= 'z'))
            return 0;
    }
    return kind->len + 1;
}

static void zone_name(text *t, const dc_zone *z, int *first)
{
    if (z->kind.len && z->name.len) {
        /* a name that already starts with its kind keeps one of them */
        size_t skip = kind_prefix(&z->name, &z->kind);
        if (!*first) put(t, ", ", 2);
        put(t, z->kind.ptr, z->kind.len);
        put(t, " ", 1);
        put(t, z->name.ptr + skip, z->name.len - skip);
        *first = 0;
    } else {
        part(t, "", &z->name, first);
    }
}

size_t dc_geo_zone_name(const dc_zone *zone, char *out, size_t size)
{
    text t = {out, size, 0};
    int first = 1;
    if (zone) zone_name(&t, zone, &first);
    return finish(&t);
}

size_t dc_geo_address(const dc_household *h, const dc_zone *zone, char *out, size_t size)
{
    text t = {out, size, 0};
    int first = 1;
    if (h) {
        part(&t, "số ", &h->house_number, &first);
        part(&t, "", &h->street, &first);
        part(&t, "", &h->group, &first);
    }
    if (zone) {
        zone_name(&t, zone, &first);
        part(&t, "", &zone->district, &first);
        part(&t, "", &zone->province, &first);
    }
    return finish(&t);
}
