/*
 * fuzz_http_form.c - the form upload parser (http_form.h:
 * dc_form_find_file, dc_form_disposition) on arbitrary bytes.
 *
 * The input up to its first line feed is the Content-Type (when the first
 * byte is 'F', "multipart/form-data; boundary=B" is used instead and the
 * whole input after it is the body, so most inputs reach the parts); the
 * rest is the body. Invariants, each checked with abort():
 * - a refusal is a message and leaves the output untouched;
 * - a file found lies inside the body, is followed by CRLF "--", its
 *   name is NUL-terminated, under 256 bytes, and names no folder;
 * - the Content-Disposition for that name (and for the input taken as a
 *   name) is printable ASCII, starts "attachment; filename=\"", ends
 *   "diachi.csv", has exactly two quotes, and like snprintf returns the
 *   whole length and truncates with a NUL whatever the room given.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENTINEL 0xA5

static void check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_http_form: broken invariant: %s\n", what);
    abort();
}

static void check_disposition(const char *filename)
{
    static const char head[] = "attachment; filename=\"";
    static const char tail[] = "diachi.csv";
    char out[DC_FORM_DISPOSITION_SIZE], small[17];
    size_t n = dc_form_disposition(filename, out, sizeof out);
    check(n < sizeof out && strlen(out) == n,
          "disposition over DC_FORM_DISPOSITION_SIZE bytes");
    check(strncmp(out, head, sizeof head - 1) == 0, "disposition head");
    check(n >= sizeof tail - 1 && strcmp(out + n - (sizeof tail - 1), tail) == 0,
          "disposition tail");
    int quotes = 0;
    for (size_t i = 0; i < n; i++) {
        check(out[i] >= 0x20 && out[i] < 0x7F, "disposition not printable ASCII");
        quotes += out[i] == '"';
    }
    check(quotes == 2, "disposition quotes");
    memset(small, SENTINEL, sizeof small);
    check(dc_form_disposition(filename, small, sizeof small - 1) == n &&
              small[sizeof small - 2] == '\0' &&
              (unsigned char)small[sizeof small - 1] == SENTINEL &&
              strncmp(small, out, sizeof small - 2) == 0,
          "disposition truncation is not snprintf's");
}

static void check_found(const char *body, size_t len, const dc_form_file *f)
{
    check(f->data >= body && f->len <= len && f->data + f->len <= body + len,
          "file outside the body");
    check(f->data + f->len + 4 <= body + len &&
              memcmp(f->data + f->len, "\r\n--", 4) == 0,
          "file not followed by its boundary");
    size_t n = strnlen(f->filename, sizeof f->filename);
    check(n < sizeof f->filename, "file name not terminated");
    check(strchr(f->filename, '/') == NULL && strchr(f->filename, '\\') == NULL,
          "file name names a folder");
    check_disposition(f->filename);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char type[512] = "multipart/form-data; boundary=B";
    const char *body = (const char *)data;
    size_t len = size;
    if (size > 0 && data[0] == 'F') {
        body++, len--;
    } else {
        const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;
        size_t t = nl ? (size_t)(nl - data) : 0;
        if (t >= sizeof type) t = sizeof type - 1;
        if (t) memcpy(type, data, t);
        type[t] = '\0';
        if (nl) body = (const char *)nl + 1, len = size - (size_t)(nl + 1 - data);
    }
    /* An exact copy, so a read past the body's end is seen by ASan. */
    char *copy = malloc(len ? len : 1);
    if (len) memcpy(copy, body, len);
    dc_form_file f, untouched;
    memset(&f, SENTINEL, sizeof f);
    memset(&untouched, SENTINEL, sizeof untouched);
    const char *why = dc_form_find_file(type, copy, len, &f);
    if (why)
        check(why[0] != '\0' && memcmp(&f, &untouched, sizeof f) == 0,
              "a refusal wrote the output or says nothing");
    else
        check_found(copy, len, &f);
    /* The input as a file name, as a browser may send any. */
    char name[256];
    size_t n = size < sizeof name ? size : sizeof name - 1;
    if (n) memcpy(name, data, n);
    name[n] = '\0';
    check_disposition(name);
    free(copy);
    return 0;
}
