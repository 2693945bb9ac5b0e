/*
 * search_forms.c - a household's address in the six forms of
 * search_forms.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "search_forms.h"

const char *search_form_name(search_form f)
{
    static const char *const names[FORM_COUNT] = {
        "full with tones",     "without tones", "abbreviated",
        "parts reordered",     "ward left out", "one typo in the street",
        "as typed on a phone", "no locality"};
    return (unsigned)f < FORM_COUNT ? names[f] : "?";
}

typedef struct text {
    char *p;
    size_t len, size;
    bool cut;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->size) {
        t->cut = true;
        return;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

static void put_str(text *t, dc_str s)
{
    put(t, s.ptr, s.len);
}

static bool starts(dc_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len > n && memcmp(s.ptr, prefix, n) == 0 && s.ptr[n] == ' ';
}

static dc_str after(dc_str s, const char *prefix)
{
    size_t n = strlen(prefix) + 1;
    return (dc_str){s.ptr + n, s.len - n};
}

/* Whether @p name starts with the word @p word, in any case ("Phường An
 * Bình" with "phường"). */
static bool starts_with_word(dc_str name, const char *word)
{
    utf8proc_uint8_t *a = NULL, *b = NULL;
    int opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;
    utf8proc_ssize_t na = utf8proc_map((const utf8proc_uint8_t *)name.ptr,
                                       (utf8proc_ssize_t)name.len, &a, opts);
    utf8proc_ssize_t nb =
        utf8proc_map((const utf8proc_uint8_t *)word, 0, &b, opts | UTF8PROC_NULLTERM);
    bool yes = na > nb && nb > 0 && memcmp(a, b, (size_t)nb) == 0 && a[nb] == ' ';
    free(a);
    free(b);
    return yes;
}

/* "phường Mường Thanh" or, abbreviated, "P. Mường Thanh"; a name that
 * already starts with its kind ("Phường An Bình") keeps it once. */
static void zone_words(text *t, const dc_zone *z, bool abbrev)
{
    static const char *const kinds[][2] = {
        {"phường", "P."}, {"xã", "X."}, {"thị trấn", "TT."}};
    const char *kind = NULL;
    for (size_t i = 0; i < 3; i++)
        if (z->kind.len == strlen(kinds[i][0]) &&
            memcmp(z->kind.ptr, kinds[i][0], z->kind.len) == 0)
            kind = kinds[i][abbrev];
    dc_str name = z->name;
    for (size_t i = 0; i < 3; i++)
        if (starts_with_word(name, kinds[i][0])) {
            size_t n = strcspn(name.ptr, " ") + 1;
            name = (dc_str){name.ptr + n, name.len - n};
            kind = kinds[i][abbrev];
        }
    if (kind) {
        puts_(t, kind);
        puts_(t, " ");
    }
    put_str(t, name);
}

/* "tỉnh Điện Biên" ("T." abbreviated), or a centrally governed city's
 * name as it is ("Thành phố Hà Nội"). */
static void province_words(text *t, const dc_zone *z, bool abbrev)
{
    if (!starts_with_word(z->province, "thành phố") &&
        !starts_with_word(z->province, "tỉnh"))
        puts_(t, abbrev ? "T. " : "tỉnh ");
    put_str(t, z->province);
}

/* "Thành phố Điện Biên Phủ" or "TP. Điện Biên Phủ". */
static void district_words(text *t, const dc_zone *z, bool abbrev)
{
    static const char *const words[][2] = {
        {"Thành phố", "TP."}, {"Huyện", "H."}, {"Quận", "Q."}, {"Thị xã", "TX."}};
    for (size_t i = 0; abbrev && i < 4; i++)
        if (starts(z->district, words[i][0])) {
            puts_(t, words[i][1]);
            puts_(t, " ");
            put_str(t, after(z->district, words[i][0]));
            return;
        }
    put_str(t, z->district);
}

static void group_words(text *t, const dc_household *h, bool abbrev)
{
    if (abbrev && starts(h->group, "Tổ dân phố")) {
        puts_(t, "TDP ");
        put_str(t, after(h->group, "Tổ dân phố"));
    } else {
        put_str(t, h->group);
    }
}

static bool same(dc_str a, dc_str b)
{
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* The group, unless it is the street's name (a hamlet is both). */
static bool has_group(const dc_household *h)
{
    return h->group.len && !same(h->group, h->street);
}

/* "số 12/3 Võ Nguyên Giáp" (or the street alone without a number). */
static void door(text *t, const dc_household *h, dc_str street)
{
    if (h->house_number.len) {
        puts_(t, "số ");
        put_str(t, h->house_number);
        puts_(t, " ");
    }
    put_str(t, street);
}

static void full(text *t, const dc_household *h, const dc_zone *z, dc_str street,
                 bool ward, bool abbrev)
{
    door(t, h, street);
    if (has_group(h)) {
        puts_(t, ", ");
        group_words(t, h, abbrev);
    }
    if (ward) {
        puts_(t, ", ");
        zone_words(t, z, abbrev);
    }
    puts_(t, ", ");
    district_words(t, z, abbrev);
    puts_(t, ", ");
    province_words(t, z, abbrev);
}

static void reordered(text *t, const dc_household *h, const dc_zone *z)
{
    zone_words(t, z, false);
    if (has_group(h)) {
        puts_(t, ", ");
        group_words(t, h, false);
    }
    puts_(t, ", ");
    put_str(t, h->street);
    if (h->house_number.len) {
        puts_(t, " số ");
        put_str(t, h->house_number);
    }
    puts_(t, ", ");
    district_words(t, z, false);
    puts_(t, ", ");
    province_words(t, z, false);
}

/* Without diacritics, đ as d: what a phone without a Vietnamese keyboard
 * types. */
bool search_fold(const char *in, char *out, size_t size)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, 0, &m,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                                          UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK);
    if (n < 0) return false;
    size_t j = 0;
    for (utf8proc_ssize_t i = 0; i < n && j + 1 < size; i++) {
        if (m[i] == 0xC4 && i + 1 < n && (m[i + 1] == 0x90 || m[i + 1] == 0x91)) {
            out[j++] = m[i + 1] == 0x90 ? 'D' : 'd';
            i++;
        } else {
            out[j++] = (char)m[i];
        }
    }
    out[j] = '\0';
    free(m);
    return j + 1 < size;
}

/* A word of the street of 5 letters or more (its code points from @p at,
 * @p n of them), the one @p seed picks; false when there is none. */
static bool typo_word(const utf8proc_int32_t *cp, size_t ncp, unsigned seed, size_t *at,
                      size_t *n)
{
    size_t starts_[64], lens[64], nw = 0;
    for (size_t i = 0; i < ncp && nw < 64;) {
        size_t j = i;
        while (j < ncp && utf8proc_category(cp[j]) >= UTF8PROC_CATEGORY_LU &&
               utf8proc_category(cp[j]) <= UTF8PROC_CATEGORY_LO)
            j++;
        if (j - i >= 5) starts_[nw] = i, lens[nw++] = j - i;
        i = j > i ? j : i + 1;
    }
    if (!nw) return false;
    *at = starts_[seed % nw];
    *n = lens[seed % nw];
    return true;
}

/* The street with one edit in one of its words of 5 letters or more. */
static bool typo_street(dc_str street, unsigned seed, char *out, size_t size)
{
    utf8proc_int32_t cp[300];
    size_t ncp = 0, at, n;
    for (utf8proc_ssize_t i = 0, r; i < (utf8proc_ssize_t)street.len && ncp < 290;
         i += r) {
        r = utf8proc_iterate((const utf8proc_uint8_t *)street.ptr + i,
                             (utf8proc_ssize_t)street.len - i, &cp[ncp++]);
        if (r <= 0) return false;
    }
    if (!typo_word(cp, ncp, seed, &at, &n)) return false;
    size_t p = at + 1 + (seed / 4) % (n - 2); /* inside the word, not its first letter */
    switch (seed % 4) {
    case 0: /* a letter left out */
        memmove(cp + p, cp + p + 1, (ncp - p - 1) * sizeof *cp);
        ncp--;
        break;
    case 1: /* replaced */
        cp[p] = cp[p] == 'k' ? 'x' : 'k';
        break;
    case 2: /* two neighbours swapped (or replaced, when they are the same) */
        if (cp[p] != cp[p + 1]) {
            utf8proc_int32_t c = cp[p];
            cp[p] = cp[p + 1], cp[p + 1] = c;
        } else {
            cp[p] = cp[p] == 'h' ? 'x' : 'h';
        }
        break;
    default: /* a letter added */
        memmove(cp + p + 1, cp + p, (ncp - p) * sizeof *cp);
        cp[p] = 'h';
        ncp++;
        break;
    }
    size_t j = 0;
    for (size_t i = 0; i < ncp; i++) {
        utf8proc_uint8_t b[4];
        utf8proc_ssize_t k = utf8proc_encode_char(cp[i], b);
        if (j + (size_t)k + 1 > size) return false;
        memcpy(out + j, b, (size_t)k);
        j += (size_t)k;
    }
    out[j] = '\0';
    return true;
}

bool search_form_make(search_form f, const dc_household *h, const dc_zone *z,
                      unsigned seed, char *out, size_t size)
{
    char buf[2048], typo[512];
    bool folded = f == FORM_FOLDED || f == FORM_PHONE;
    text t = {folded ? buf : out, 0, folded ? sizeof buf : size, false};
    t.p[0] = '\0';
    switch (f) {
    case FORM_FULL:
    case FORM_FOLDED:
        full(&t, h, z, h->street, true, false);
        break;
    case FORM_ABBREV:
        full(&t, h, z, h->street, true, true);
        break;
    case FORM_REORDERED:
        reordered(&t, h, z);
        break;
    case FORM_NO_WARD:
        full(&t, h, z, h->street, false, false);
        break;
    case FORM_PHONE:
        if (h->house_number.len) {
            put_str(&t, h->house_number);
            puts_(&t, " ");
        }
        put_str(&t, h->street);
        puts_(&t, " ");
        put_str(&t, z->name);
        break;
    case FORM_BARE:
        door(&t, h, h->street);
        if (has_group(h)) {
            puts_(&t, ", ");
            group_words(&t, h, false);
        }
        break;
    case FORM_TYPO:
        if (!typo_street(h->street, seed, typo, sizeof typo)) return false;
        full(&t, h, z, (dc_str){typo, strlen(typo)}, true, false);
        break;
    default:
        return false;
    }
    if (t.cut) return false;
    if (f == FORM_PHONE)
        for (char *c = buf; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    return folded ? search_fold(buf, out, size) : true;
}
