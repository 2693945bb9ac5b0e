/*
 * diachi/query.h - a written Vietnamese address (a search query) as
 * labelled parts: house number, alley, street, group, zone, district,
 * province, postcode, an address code or a Plus Code (library dc_query,
 * in the geocoder; tokens and vocabulary from diachi/text.h).
 *
 *     số 12 ngõ 3 Võ Nguyên Giáp, tổ 5, P. Mường Thanh, TP. Điện Biên Phủ
 *     -> house 12, alley 3, street "võ nguyên giáp", group 5,
 *        zone "mường thanh", district "điện biên phủ"
 *
 * Parts may come in any order, commas are optional and any part may be
 * missing. The parser knows words (the vocabulary), not places: it never
 * looks at the index. Where it must guess, it says so (DC_PART_GUESS), and
 * every word it cannot place is kept as a free part, never dropped. The
 * rules, in the order they are applied (docs/FORMAT.md section 3):
 *
 * 1. An address code in any form dc_code_parse reads, over one to four
 *    tokens ("32101 92P9+G54", "3210192P9G54"), is a code; a token that
 *    is a Plus Code ("927C+J93", short or full) is a Plus Code; what
 *    follows it (the locality) is parsed as usual.
 * 2. A vocabulary word (dc_vocab_match_at) labels what follows it:
 *    số/số nhà take a house number; ngõ, ngách, hẻm, kiệt, and the units
 *    and groups take one number ("Phường 5", "tổ 5": numbered) or a run of
 *    words (a name); đường and phố take a run of words where numbers may
 *    stand ("đường 7/5", "đường số 5", "đường 30 tháng 4"). Thành phố is a
 *    province when its name is a centrally governed city
 *    (dc_vocab_is_central_city) or a district comes before it, else a
 *    district.
 * 3. A run of words takes its first token whatever it is ("Phường Xóm
 *    Chiếu"), then ends at a comma, a code, a number (except beside
 *    "tháng", a date in a name, and after "số" in a street's name), or a
 *    vocabulary word; inside a run, a one-word vocabulary word typed
 *    without tones that is not a unit (phường, xã, quận, huyện, tỉnh)
 *    ends it only when a number follows ("duong" may be Dương; "to 5" is
 *    tổ 5).
 * 4. A token with a house number's form and no word before it: 5 digits is
 *    the postcode (the first such only), else the house number (the first
 *    only: "12/3" in "12/3 vo nguyen giap"); a later one is free.
 * 5. A run of words with no word before it is the street when it comes
 *    right after a house number or a numbered alley and there is no street
 *    yet (a guess: "vo nguyen giap muong thanh" after "12/3" is one street
 *    guess, which the search splits against the index); any other is free.
 *
 * Pure computation on a caller-owned dc_query: no allocation, no global
 * state. Thread-safe.
 */
#ifndef DIACHI_QUERY_H
#define DIACHI_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/code.h"
#include "diachi/error.h"
#include "diachi/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a part of a query is. Stable values. */
typedef enum dc_part_kind {
    DC_PART_FREE = 0,      /**< words the parser could not place */
    DC_PART_HOUSE = 1,     /**< a house number: "12", "12a", "12/3/5", "k12/3" */
    DC_PART_ALLEY = 2,     /**< ngõ, ngách, hẻm, kiệt: a number or a name */
    DC_PART_STREET = 3,    /**< a street's name (or number: "7/5") */
    DC_PART_GROUP = 4,     /**< tổ, tổ dân phố, thôn, bản, xóm, ấp, khu... */
    DC_PART_ZONE = 5,      /**< phường, xã, thị trấn: a name or a number */
    DC_PART_DISTRICT = 6,  /**< quận, huyện, thị xã, or a district city */
    DC_PART_PROVINCE = 7,  /**< tỉnh, or a centrally governed city */
    DC_PART_COUNTRY = 8,   /**< Việt Nam: no value */
    DC_PART_POSTCODE = 9,  /**< 5 digits; its value in dc_query.postcode */
    DC_PART_CODE = 10,     /**< an address code; its value in dc_query.code */
    DC_PART_PLUS_CODE = 11 /**< a Plus Code, short or full */
} dc_part_kind;

/* dc_query_part.flags */
/** Placed by position, not by a word: the house number, postcode and street
 *  of rules 4 and 5. */
#define DC_PART_GUESS 0x01u
/** The value is one number ("Phường 5", "tổ 5", "ngõ 3"). */
#define DC_PART_NUMBERED 0x02u
/** The labelling word matched only folded (typed without tones), so it
 *  may be a name instead ("phuong mai": phường Mai, or Phương Mai). */
#define DC_PART_WORD_FOLDED 0x04u
/** The labelling word was an abbreviation ("P.", "TP", "Q1"). */
#define DC_PART_WORD_ABBREV 0x08u

/** One labelled part. Its text is in dc_query.text at the offsets given;
 *  read it with dc_query_exact and dc_query_folded. */
typedef struct dc_query_part {
    dc_part_kind kind;
    dc_vocab_kind word_kind; /**< the vocabulary word that labelled it, or
                                  DC_VOCAB_NONE */
    const char *word;        /**< that word's full form ("thành phố"), or
                                  NULL; static */
    uint16_t word_first;     /**< the word's first token */
    uint16_t word_count;     /**< its tokens, 0 when there is none */
    uint16_t first;          /**< the value's first token */
    uint16_t count;          /**< the value's tokens (0 for the country) */
    uint16_t exact;          /**< offset of the value's exact form: its
                                  tokens' exact forms joined by ' ' */
    uint16_t folded;         /**< offset of its folded form, likewise */
    uint16_t flags;          /**< DC_PART_* */
} dc_query_part;

/** A parsed query: its tokens, its parts in the order of their first
 *  token, and the values of its code and postcode. About 43 KB: keep one
 *  per thread (or on the heap) and reuse it. */
typedef struct dc_query {
    dc_tokens tokens;
    size_t nparts;
    dc_query_part part[DC_TEXT_MAX_TOKENS];
    bool has_code;     /**< a DC_PART_CODE is present */
    dc_code code;      /**< the first one's value, when has_code */
    bool has_postcode; /**< a DC_PART_POSTCODE is present (the first only) */
    uint32_t postcode; /**< its value, when has_postcode */
    size_t text_len;
    char text[DC_TEXT_SIZE];
} dc_query;

/** The exact text of part @p i (NUL-terminated, inside @p q). */
static inline const char *dc_query_exact(const dc_query *q, size_t i)
{
    return q->text + q->part[i].exact;
}

/** The folded text of part @p i (NUL-terminated, inside @p q). */
static inline const char *dc_query_folded(const dc_query *q, size_t i)
{
    return q->text + q->part[i].folded;
}

/**
 * Parse a query into labelled parts, as the rules above say.
 * @param[in]  text  UTF-8, at most DC_TEXT_MAX_BYTES; need not be
 *                   NUL-terminated
 * @param[out] q     written on success only
 * @param[out] err   NULL, or the detail on failure, as dc_text_tokenize
 *                   gives it, or "the query has no words"
 * @return DC_OK, DC_E_TEXT_EMPTY (no word: empty, or only punctuation),
 *         DC_E_TEXT_UTF8, DC_E_TEXT_CONTROL, DC_E_TEXT_LENGTH,
 *         DC_E_INVALID_ARG (NULL @p q, or NULL @p text with a non-zero
 *         @p len). Thread-safe.
 */
dc_err dc_query_parse(const char *text, size_t len, dc_query *q, dc_error *err);

/** The stable lower-case name of @p kind ("house", "plus_code", ...);
 *  "free" for unknown values. Static string. */
const char *dc_part_kind_name(dc_part_kind kind);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_QUERY_H */
