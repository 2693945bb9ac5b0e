/*
 * http_form.c - the file of a multipart/form-data upload and the name of
 * the answer (see http_form.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_form.h"

#define MAX_BOUNDARY 70 /* RFC 2046 section 5.1.1 */

/* The first @p m bytes of @p needle in [p, end), or NULL (memmem is a GNU
 * extension; the build asks for POSIX only). */
static const char *find(const char *p, const char *end, const char *needle, size_t m)
{
    while (end - p >= (ptrdiff_t)m) {
        const char *c = memchr(p, needle[0], (size_t)(end - p) - m + 1);
        if (!c) return NULL;
        if (memcmp(c, needle, m) == 0) return c;
        p = c + 1;
    }
    return NULL;
}

/* The boundary parameter of a multipart/form-data Content-Type, quoted or
 * not, into @p out (MAX_BOUNDARY + 1 bytes); false when there is none. */
static bool form_boundary(const char *type, char *out)
{
    static const char media[] = "multipart/form-data";
    if (!type || strncasecmp(type, media, sizeof media - 1) != 0) return false;
    for (const char *p = type + sizeof media - 1; (p = strchr(p, ';')) != NULL;) {
        p += 1 + strspn(p + 1, " \t");
        if (strncasecmp(p, "boundary=", 9) != 0) continue;
        p += 9;
        size_t n = *p == '"' ? strcspn(++p, "\"") : strcspn(p, "; \t");
        if (n == 0 || n > MAX_BOUNDARY) return false;
        memcpy(out, p, n);
        out[n] = '\0';
        return true;
    }
    return false;
}

/* The filename parameter of a part's headers ([h, end)) into @p f;
 * false when the part is not a file. Browsers send it quoted, with a
 * quote as %22 (WHATWG), so the value ends at the next quote. */
static bool part_filename(const char *h, const char *end, dc_form_file *f)
{
    static const char key[] = "filename=";
    for (const char *p = h; p + sizeof key - 1 < end; p++) {
        if (strncasecmp(p, key, sizeof key - 1) != 0 ||
            (p > h && p[-1] != ';' && p[-1] != ' ' && p[-1] != '\t'))
            continue;
        const char *v = p + sizeof key - 1, *stop;
        if (*v == '"') {
            v++;
            stop = memchr(v, '"', (size_t)(end - v));
        } else {
            stop = v + strcspn(v, ";\r\n");
        }
        if (!stop || stop > end) stop = end;
        for (const char *s = v; s < stop; s++) /* drop any folder */
            if (*s == '/' || *s == '\\') v = s + 1;
        size_t n = (size_t)(stop - v);
        if (n >= sizeof f->filename) n = sizeof f->filename - 1;
        memcpy(f->filename, v, n);
        f->filename[n] = '\0';
        return true;
    }
    return false;
}

const char *dc_form_find_file(const char *content_type, const char *body, size_t len,
                              dc_form_file *out)
{
    char b[MAX_BOUNDARY + 1], delim[MAX_BOUNDARY + 5];
    if (!form_boundary(content_type, b)) return "the form's Content-Type has no boundary";
    int dlen = snprintf(delim, sizeof delim, "\r\n--%s", b);
    const char *end = body + len, *p;
    /* The first delimiter may open the body, without its CRLF. */
    if (len >= (size_t)dlen - 2 && memcmp(body, delim + 2, (size_t)dlen - 2) == 0)
        p = body + dlen - 2;
    else if ((p = find(body, end, delim, (size_t)dlen)) != NULL)
        p += dlen;
    else
        return "the body does not open with the form's boundary";
    dc_form_file file, found = {0};
    int files = 0;
    while (end - p >= 2 && memcmp(p, "--", 2) != 0) {
        const char *headers = find(p, end, "\r\n", 2);
        const char *data = headers ? find(headers, end, "\r\n\r\n", 4) : NULL;
        if (!data) return "a part of the form has no end to its headers";
        data += 4;
        const char *next = find(data, end, delim, (size_t)dlen);
        if (!next) return "the form is not closed by its boundary";
        if (part_filename(headers, data, &file)) {
            if (++files > 1) return "the form has more than one file: send one CSV";
            file.data = data;
            file.len = (size_t)(next - data);
            found = file;
        }
        p = next + dlen;
    }
    if (end - p < 2) return "the form is not closed by its boundary";
    if (files == 0) return "the form has no file: send the CSV as a file field";
    *out = found;
    return NULL;
}

/* RFC 5987 attr-char: sent as is in filename*. */
static bool attr_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$&+-.^_`|~", c) != NULL);
}

size_t dc_form_disposition(const char *filename, char *out, size_t size)
{
    static const char suffix[] = "-diachi.csv";
    const char *dot = strrchr(filename, '.');
    size_t n = dot && dot != filename ? (size_t)(dot - filename) : strlen(filename);
    char ascii[256], starred[768];
    size_t a = 0, s = 0;
    for (size_t i = 0; i < n && i < 255; i++) {
        unsigned char c = (unsigned char)filename[i];
        ascii[a++] = c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char)c : '_';
        if (attr_char(c))
            starred[s++] = (char)c;
        else
            s += (size_t)snprintf(starred + s, 4, "%%%02X", c);
    }
    ascii[a] = starred[s] = '\0';
    if (n == 0)
        return (size_t)snprintf(out, size,
                                "attachment; filename=\"diachi.csv\"; "
                                "filename*=UTF-8''diachi.csv");
    return (size_t)snprintf(out, size,
                            "attachment; filename=\"%s%s\"; filename*=UTF-8''%s%s", ascii,
                            suffix, starred, suffix);
}
