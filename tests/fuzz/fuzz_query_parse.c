/*
 * fuzz_query_parse.c - dc_query_parse (a written address to labelled
 * parts) on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report", each call is held to the
 * contract; a broken invariant calls abort():
 * - a failure is one of the documented codes with a one-line UTF-8
 *   message and leaves the query as it was; DC_E_TEXT_EMPTY comes exactly
 *   when the text has no token;
 * - on success every token belongs to exactly one part (its word or its
 *   value), parts come in the order of their first token, and each part's
 *   text is its value tokens' forms joined by spaces;
 * - a code part parses as a code, and the first is dc_query.code; a
 *   postcode part is 5 digits, the only one, and dc_query.postcode; a
 *   numbered part is one number; a Plus Code part is a valid Plus Code;
 *   at most one house number and one street are guessed;
 * - the answer is a function of the input (a second call is the same).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/query.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dc_check(bool ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "fuzz_query_parse: broken invariant: %s\n", what);
    abort();
}

/* The value tokens' forms joined by spaces, as the part's text must be. */
static void dc_join(const dc_query *q, const dc_query_part *p, bool folded, char *out)
{
    size_t n = 0;
    for (size_t i = p->first; i < (size_t)p->first + p->count; i++) {
        if (i > p->first) out[n++] = ' ';
        const char *s =
            folded ? dc_token_folded(&q->tokens, i) : dc_token_exact(&q->tokens, i);
        memcpy(out + n, s, strlen(s));
        n += strlen(s);
    }
    out[n] = '\0';
}

static void dc_check_values(const dc_query *q, const dc_query_part *p, bool *first_code)
{
    static char text[DC_TEXT_SIZE];
    const dc_token *t = &q->tokens.token[p->first];
    dc_join(q, p, false, text);
    if (p->kind == DC_PART_CODE) {
        dc_code code;
        dc_check(dc_code_parse(text, strlen(text), &code, NULL) == DC_OK,
                 "a code part that does not parse");
        dc_check(q->has_code, "a code part, and has_code false");
        if (*first_code)
            dc_check(dc_code_equal(&code, &q->code), "code is not the first's");
        *first_code = false;
    }
    if (p->kind == DC_PART_POSTCODE)
        dc_check(p->count == 1 && (t->flags & DC_TOKEN_DIGITS) && t->exact_len == 5 &&
                     q->has_postcode && q->postcode == (uint32_t)atoi(text),
                 "a postcode part that is not the postcode");
    if (p->kind == DC_PART_PLUS_CODE)
        dc_check(p->count == 1 && dc_olc_is_valid(text),
                 "a Plus Code part that is not one");
    if (p->flags & DC_PART_NUMBERED)
        dc_check(p->count == 1 && (t->flags & DC_TOKEN_NUMBER), "numbered, not a number");
}

static void dc_check_parts(const dc_query *q)
{
    static char text[DC_TEXT_SIZE];
    size_t next = 0, codes = 0, postcodes = 0, houses = 0, streets = 0;
    bool first_code = true;
    dc_check(q->nparts >= 1 && q->nparts <= q->tokens.count, "no parts, or too many");
    for (size_t i = 0; i < q->nparts; i++) {
        const dc_query_part *p = &q->part[i];
        dc_check((unsigned)p->kind <= DC_PART_PLUS_CODE, "a kind out of range");
        size_t start = p->word_count ? p->word_first : p->first;
        dc_check(start == next &&
                     (!p->word_count || p->word_first + p->word_count == p->first),
                 "parts out of order, or a token in none or two");
        dc_check((p->word != NULL) == (p->word_kind != DC_VOCAB_NONE) &&
                     (p->word_count == 0 || p->word != NULL),
                 "a word without its kind, or tokens without a word");
        dc_check(p->count > 0 && (size_t)p->first + p->count <= q->tokens.count,
                 "a part with no value, or past the tokens");
        next = (size_t)p->first + p->count;
        dc_join(q, p, false, text);
        dc_check(strcmp(text, dc_query_exact(q, i)) == 0,
                 "exact text is not its tokens'");
        dc_join(q, p, true, text);
        dc_check(strcmp(text, dc_query_folded(q, i)) == 0,
                 "folded text is not its tokens'");
        dc_check_values(q, p, &first_code);
        codes += p->kind == DC_PART_CODE;
        postcodes += p->kind == DC_PART_POSTCODE;
        houses += p->kind == DC_PART_HOUSE && (p->flags & DC_PART_GUESS);
        streets += p->kind == DC_PART_STREET && (p->flags & DC_PART_GUESS);
    }
    dc_check(next == q->tokens.count, "tokens after the last part");
    dc_check(q->has_code == (codes > 0) && q->has_postcode == (postcodes > 0) &&
                 postcodes <= 1 && houses <= 1 && streets <= 1,
             "has_code, has_postcode or the guesses disagree with the parts");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dc_query q, second;
    static dc_tokens tokens;
    const char *text = (const char *)data;
    dc_error err;
    memset(&err, 0xA5, sizeof err);
    q.nparts = 12345;
    dc_err rc = dc_query_parse(text, size, &q, &err);
    dc_err tokenized = dc_text_tokenize(text, size, &tokens, NULL);
    if (rc != DC_OK) {
        dc_check(rc == DC_E_TEXT_EMPTY || rc == DC_E_TEXT_UTF8 ||
                     rc == DC_E_TEXT_CONTROL || rc == DC_E_TEXT_LENGTH,
                 "unexpected error code");
        dc_check(rc == DC_E_TEXT_EMPTY ? tokenized == DC_OK && tokens.count == 0
                                       : tokenized == rc,
                 "the error is not the tokeniser's, or empty with tokens");
        dc_check(q.nparts == 12345, "output written on failure");
        dc_check(err.code == rc, "err->code differs from the return value");
        const char *nul = memchr(err.message, '\0', sizeof err.message);
        dc_check(nul && nul != err.message && !strchr(err.message, '\n') &&
                     dc_is_utf8(err.message),
                 "malformed message");
        return 0;
    }
    dc_check(tokenized == DC_OK && tokens.count == q.tokens.count && tokens.count > 0,
             "the query's tokens are not the tokeniser's");
    dc_check_parts(&q);
    dc_check(
        dc_query_parse(text, size, &second, NULL) == DC_OK && second.nparts == q.nparts &&
            memcmp(second.part, q.part, q.nparts * sizeof q.part[0]) == 0 &&
            second.text_len == q.text_len && memcmp(second.text, q.text, q.text_len) == 0,
        "a second call differs from the first");
    return 0;
}
