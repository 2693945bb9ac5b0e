/*
 * diachi/text.h - Vietnamese address text: the one normalisation and the
 * address vocabulary (library dc_text, beside dc_index; it links utf8proc,
 * dc_index does not).
 *
 * The importer tokenises the addresses it indexes with this module and the
 * engine tokenises queries with it, so the two sides always agree on what
 * a word is. docs/FORMAT.md section 3 has the rules as tables; in short:
 *
 * - Input is at most DC_TEXT_MAX_BYTES bytes of UTF-8. Invalid UTF-8, and
 *   control characters other than tab, CR and LF, are refused with the
 *   byte offset in the message.
 * - Full-width forms read as ASCII, 'Ð'/'ð' (eth, which old fonts type for
 *   'Đ') as 'đ'; invisible characters (soft hyphen, zero-width space, BOM)
 *   are dropped; white space of every kind (no-break space included),
 *   dashes and other punctuation separate words; commas and semicolons
 *   also end a part of the address, a dot is remembered on the word
 *   before it ("P.", "T.P.").
 * - '/' stays inside a house number ("12/3/5") when a digit follows it,
 *   '-' between two digits ("12-14"), '+' inside a Plus Code ("927C+J93");
 *   an apostrophe between letters is dropped ("M'Gar" is "mgar").
 * - Each word becomes a token with two forms: `exact`, NFC, case-folded,
 *   with the tone mark of "oa", "oe", "uy" at the end of a word on the
 *   first vowel ("hoà" and "hòa" are both "hòa"); and `folded`, the exact
 *   form without any diacritic, 'đ' as 'd' ("đường" is "duong").
 *
 * Everything here is pure computation over caller-owned structures: no
 * allocation, no global state, no locale. Every function is thread-safe.
 */
#ifndef DIACHI_TEXT_H
#define DIACHI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest input accepted, in bytes: ten times any real address. */
#define DC_TEXT_MAX_BYTES 1024
/** Most tokens an input of DC_TEXT_MAX_BYTES can give: a word and a
 *  separator each, but "P5 " is three bytes and two tokens. */
#define DC_TEXT_MAX_TOKENS (2 * (DC_TEXT_MAX_BYTES + 1) / 3)
/** Bytes that hold every token's two forms with their NULs: a word
 *  character grows at most threefold under NFC and case folding (U+0390
 *  is two bytes, its folding six), and the two forms are stored. */
#define DC_TEXT_SIZE (6 * DC_TEXT_MAX_BYTES + 2)

/* dc_token.flags */
/** A '.' follows the token directly ("P.", the "t" of "T.P."). */
#define DC_TOKEN_DOT 0x01u
/** No white space before the token: it follows the previous one after a
 *  '.' ("p" in "T.P.", "1" in "Q.1"), or was split from it ("5" of "P5"). */
#define DC_TOKEN_JOINED 0x02u
/** A ',' or ';' (or a full-width or ideographic comma) comes after the
 *  token, before the next: a part of the address ends here. */
#define DC_TOKEN_COMMA 0x04u
/** Only ASCII digits. */
#define DC_TOKEN_DIGITS 0x08u
/** A house number's form: ASCII letters, digits, '/' and '-' only,
 *  beginning with a digit ("12", "12a", "12/3/5", "12-14"), or with 'k'
 *  (kiệt) and a digit and holding a '/' ("k12/3"). */
#define DC_TOKEN_NUMBER 0x10u
/** The exact form has a diacritic: it differs from the folded form. */
#define DC_TOKEN_TONED 0x20u
/** Holds a '+' (a Plus Code, perhaps). */
#define DC_TOKEN_PLUS 0x40u

/**
 * One word of the input. The forms are NUL-terminated strings inside the
 * token list's `text`, at the offsets given (read them with dc_token_exact
 * and dc_token_folded), so a list can be copied as a value.
 */
typedef struct dc_token {
    uint16_t exact;      /**< offset in text of the exact form */
    uint16_t folded;     /**< offset in text of the folded form */
    uint16_t exact_len;  /**< its length in bytes, NUL not counted */
    uint16_t folded_len; /**< its length in bytes, NUL not counted */
    uint16_t offset;     /**< where the word starts in the input, in bytes */
    uint16_t length;     /**< how many input bytes it spans */
    uint16_t flags;      /**< DC_TOKEN_* */
} dc_token;

/** The tokens of one input, in input order. About 16 KB: keep one per
 *  thread (or on the heap) and reuse it. */
typedef struct dc_tokens {
    size_t count;
    dc_token token[DC_TEXT_MAX_TOKENS];
    size_t text_len; /**< bytes of text in use */
    char text[DC_TEXT_SIZE];
} dc_tokens;

/** The exact form of token @p i (NUL-terminated, inside @p t). */
static inline const char *dc_token_exact(const dc_tokens *t, size_t i)
{
    return t->text + t->token[i].exact;
}

/** The folded form of token @p i (NUL-terminated, inside @p t). */
static inline const char *dc_token_folded(const dc_tokens *t, size_t i)
{
    return t->text + t->token[i].folded;
}

/**
 * Split @p len bytes of @p text into normalised tokens.
 *
 * An input that holds no word (empty, or only punctuation) gives zero
 * tokens: that is not an error here (an empty address field), though a
 * query parser may make it one.
 *
 * @param[in]  text  UTF-8; need not be NUL-terminated
 * @param[in]  len   its length in bytes
 * @param[out] out   the tokens; written on success only
 * @param[out] err   NULL, or on failure one line naming the problem and its
 *                   byte offset (0-based): "invalid UTF-8 at byte 7 (0xC3)",
 *                   "control character U+0007 at byte 3",
 *                   "text is 1500 bytes, over the limit of 1024"
 * @return DC_OK, DC_E_TEXT_UTF8, DC_E_TEXT_CONTROL, DC_E_TEXT_LENGTH,
 *         DC_E_INVALID_ARG (NULL @p out, or NULL @p text with a non-zero
 *         @p len). Thread-safe.
 */
dc_err dc_text_tokenize(const char *text, size_t len, dc_tokens *out, dc_error *err);

/**
 * The folded form of one word or phrase, as dc_text_tokenize gives its
 * tokens, joined by single spaces ("Đường  Điện Biên Phủ" -> "duong dien
 * bien phu"); handy for a name read from the map.
 * @param[out] out   NUL-terminated, written on success only
 * @param[in]  size  bytes at @p out; DC_TEXT_SIZE always suffices
 * @return as dc_text_tokenize, and DC_E_BUFFER. Thread-safe.
 */
dc_err dc_text_fold(const char *text, size_t len, char *out, size_t size, dc_error *err);

/* ---------------------------------------------------------------------- */
/* The address vocabulary                                                  */
/* ---------------------------------------------------------------------- */

/** What a vocabulary word names. Stable values. */
typedef enum dc_vocab_kind {
    DC_VOCAB_NONE = 0,
    DC_VOCAB_WARD = 1,           /**< phường: an urban zone */
    DC_VOCAB_COMMUNE = 2,        /**< xã: a rural zone */
    DC_VOCAB_TOWNSHIP = 3,       /**< thị trấn: a district town, a zone */
    DC_VOCAB_URBAN_DISTRICT = 4, /**< quận */
    DC_VOCAB_RURAL_DISTRICT = 5, /**< huyện */
    DC_VOCAB_TOWN = 6,           /**< thị xã: a district-level town */
    DC_VOCAB_CITY = 7,           /**< thành phố: a district-level or a
                                      centrally governed city */
    DC_VOCAB_PROVINCE = 8,       /**< tỉnh */
    DC_VOCAB_STREET = 9,  /**< đường, phố, đại lộ, quốc lộ, tỉnh lộ */
    DC_VOCAB_HOUSE = 10,  /**< số nhà, số: a house number follows */
    DC_VOCAB_ALLEY = 11,  /**< ngõ, ngách, hẻm, kiệt */
    DC_VOCAB_GROUP = 12,  /**< tổ, tổ dân phố, khu phố, thôn, bản, xóm,
                               ấp, khu, khóm: below a zone */
    DC_VOCAB_COUNTRY = 13 /**< Việt Nam */
} dc_vocab_kind;

/* dc_vocab_match.flags */
/** At least one token matched only in its folded form: typed without
 *  tones, and possibly another word ("phuong" may be phương). */
#define DC_MATCH_FOLDED 0x01u
/** Written as an abbreviation ("P.", "TP", "T.P.", "Đg."). */
#define DC_MATCH_ABBREV 0x02u

/** A vocabulary word found in a token list. */
typedef struct dc_vocab_match {
    dc_vocab_kind kind;
    const char *word; /**< the full word, exact form ("thành phố"); static */
    size_t tokens;    /**< how many tokens it spans (1 to 3) */
    unsigned flags;   /**< DC_MATCH_* */
} dc_vocab_match;

/**
 * The vocabulary word that starts at token @p i, the longest when several
 * do ("tổ dân phố" over "tổ"). A word matches when each of its tokens
 * equals the entry's exact form, or, for a token typed without diacritics,
 * its folded form ("thanh pho", "thành phố", "TP", "tp.", "T.P." are all
 * thành phố; "phương" is not phường). Besides, as docs/FORMAT.md tells:
 * - a word counts only when something follows it before a comma (a value:
 *   "Phường 5", "Phường Mường Thanh"), "Việt Nam" aside;
 * - a one-letter abbreviation ("P", "Q", "X", "H", "T", "Đ") needs its dot,
 *   except "P" and "Q" directly before a number ("P 5", "Q1");
 * - số, số nhà and SN need a house number after them;
 * - tổ, ngõ, kiệt and bản typed without tones (also Tô, Ngô, Kiệt, Bàn)
 *   need a number after them.
 * @param[out] match  written when true only
 * @return true when a word matches. Thread-safe.
 */
bool dc_vocab_match_at(const dc_tokens *t, size_t i, dc_vocab_match *match);

/** True when @p folded (a folded form, words joined by single spaces) names
 *  one of the centrally governed cities (Hà Nội, Hồ Chí Minh or HCM, Hải
 *  Phòng, Đà Nẵng, Cần Thơ, Huế), a province-level unit. Thread-safe. */
bool dc_vocab_is_central_city(const char *folded);

/** The stable lower-case name of @p kind ("ward", "urban_district", ...);
 *  "none" for DC_VOCAB_NONE and unknown values. Static string. */
const char *dc_vocab_kind_name(dc_vocab_kind kind);

/** One row of the vocabulary, for documentation and tests. */
typedef struct dc_vocab_entry {
    const char *exact;  /**< the spelling, exact form, words split by ' ' */
    const char *folded; /**< the same without diacritics */
    const char *word;   /**< the full word it stands for */
    dc_vocab_kind kind;
    unsigned rules; /**< DC_VOCAB_RULE_* */
} dc_vocab_entry;

/* dc_vocab_entry.rules */
/** An abbreviation: may carry dots, between letters too ("T.P."). */
#define DC_VOCAB_RULE_ABBREV 0x01u
/** A one-letter abbreviation: counts with its dot only... */
#define DC_VOCAB_RULE_LETTER 0x02u
/** ...or, for a numbered unit (P, Q), before a number. */
#define DC_VOCAB_RULE_NUMBERED 0x04u
/** Needs a house number after it, however typed. */
#define DC_VOCAB_RULE_NUMBER 0x08u
/** Needs a number after it when typed without tones. */
#define DC_VOCAB_RULE_NUMBER_FOLDED 0x10u
/** Counts with nothing after it (Việt Nam). */
#define DC_VOCAB_RULE_ALONE 0x20u

/** The vocabulary table; *count receives its length. Static. */
const dc_vocab_entry *dc_vocab_table(size_t *count);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_TEXT_H */
