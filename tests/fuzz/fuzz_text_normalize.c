/*
 * fuzz_text_normalize.c - dc_text_tokenize (the one normalisation of
 * address text) on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report", each call is held to the
 * contract; a broken invariant calls abort():
 * - a failure is one of the documented codes, with a one-line UTF-8
 *   message, and leaves the token list as it was;
 * - on success every token lies inside the input, after the one before;
 *   its forms are NUL-terminated where the list says, of the lengths it
 *   says, not empty, valid UTF-8; the exact form is NFC, the folded one
 *   holds no combining mark and no 'đ', and the flags agree with the forms;
 * - normalisation is idempotent: the exact forms joined by spaces give
 *   the same tokens again, exact and folded;
 * - the answer is a function of the input (a second call is the same).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "diachi/text.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_text_normalize: broken invariant: %s\n", what);
    abort();
}

static bool dc_is_nfc(const char *s, size_t n)
{
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                      &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    bool same = m == (utf8proc_ssize_t)n && memcmp(nfc, s, n) == 0;
    free(nfc);
    return same;
}

/* No combining mark and no đ in a folded form. */
static bool dc_is_bare(const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
        if (k < 1) return false;
        utf8proc_category_t cat = utf8proc_category(c);
        if (c == 0x111 || cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
            cat == UTF8PROC_CATEGORY_ME)
            return false;
        i += (size_t)k;
    }
    return true;
}

static void dc_check_token(const dc_tokens *t, size_t i, size_t size, size_t *end)
{
    const dc_token *k = &t->token[i];
    const char *exact = dc_token_exact(t, i), *folded = dc_token_folded(t, i);
    dc_check(k->offset >= *end && (size_t)k->offset + k->length <= size && k->length > 0,
             "a token outside the input, or before the one before it");
    *end = (size_t)k->offset + k->length;
    dc_check((size_t)k->exact + k->exact_len < t->text_len &&
                 (size_t)k->folded + k->folded_len < t->text_len,
             "a form outside the list's text");
    dc_check(strlen(exact) == k->exact_len && strlen(folded) == k->folded_len &&
                 k->exact_len > 0 && k->folded_len > 0,
             "a form's length is wrong, or a form is empty");
    dc_check(dc_is_utf8(exact) && dc_is_utf8(folded), "a form is not UTF-8");
    dc_check(dc_is_nfc(exact, k->exact_len), "an exact form is not NFC");
    dc_check(dc_is_bare(folded, k->folded_len), "a folded form holds a mark or a đ");
    bool toned = strcmp(exact, folded) != 0;
    dc_check(toned == !!(k->flags & DC_TOKEN_TONED), "TONED disagrees with the forms");
    dc_check(!(k->flags & DC_TOKEN_DIGITS) || strspn(exact, "0123456789") == k->exact_len,
             "DIGITS on a form that is not digits");
    dc_check(!(k->flags & DC_TOKEN_NUMBER) || (!toned && strchr("0123456789k", exact[0])),
             "NUMBER on a form that is not a number");
    dc_check(!!(k->flags & DC_TOKEN_PLUS) == (strchr(exact, '+') != NULL),
             "PLUS disagrees with the form");
}

/* The exact forms joined by spaces tokenise to the same forms. */
static void dc_check_idempotent(const dc_tokens *t)
{
    static char joined[DC_TEXT_SIZE + DC_TEXT_MAX_TOKENS];
    static dc_tokens again;
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++) {
        if (i) joined[n++] = ' ';
        memcpy(joined + n, dc_token_exact(t, i), t->token[i].exact_len);
        n += t->token[i].exact_len;
    }
    if (n > DC_TEXT_MAX_BYTES) return; /* grew past the limit: nothing to compare */
    dc_check(dc_text_tokenize(joined, n, &again, NULL) == DC_OK,
             "the exact forms do not tokenise");
    dc_check(again.count == t->count, "the exact forms give another count of tokens");
    for (size_t i = 0; i < t->count; i++)
        dc_check(strcmp(dc_token_exact(&again, i), dc_token_exact(t, i)) == 0 &&
                     strcmp(dc_token_folded(&again, i), dc_token_folded(t, i)) == 0,
                 "normalising an exact form again changes it");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dc_tokens t, second;
    const char *text = (const char *)data;
    dc_error err;
    memset(&err, 0xA5, sizeof err);
    t.count = 12345;
    dc_err rc = dc_text_tokenize(text, size, &t, &err);
    if (rc != DC_OK) {
        dc_check(rc == DC_E_TEXT_UTF8 || rc == DC_E_TEXT_CONTROL ||
                     rc == DC_E_TEXT_LENGTH,
                 "unexpected error code");
        dc_check(t.count == 12345, "output written on failure");
        dc_check(err.code == rc, "err->code differs from the return value");
        const char *nul = memchr(err.message, '\0', sizeof err.message);
        dc_check(nul && nul != err.message && !strchr(err.message, '\n') &&
                     dc_is_utf8(err.message),
                 "malformed message");
        dc_check(dc_text_tokenize(text, size, &second, NULL) == rc,
                 "result depends on err");
        return 0;
    }
    dc_check(t.count <= DC_TEXT_MAX_TOKENS && t.text_len <= DC_TEXT_SIZE,
             "more tokens or text than the list holds");
    size_t end = 0;
    for (size_t i = 0; i < t.count; i++)
        dc_check_token(&t, i, size, &end);
    dc_check(dc_text_tokenize(text, size, &second, NULL) == DC_OK &&
                 second.count == t.count && second.text_len == t.text_len &&
                 memcmp(second.text, t.text, t.text_len) == 0 &&
                 memcmp(second.token, t.token, t.count * sizeof t.token[0]) == 0,
             "a second call differs from the first");
    dc_check_idempotent(&t);
    return 0;
}
