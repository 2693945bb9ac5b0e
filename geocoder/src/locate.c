/*
 * locate.c - a short Plus Code with a locality, as Google Maps shows it
 * ("92P5+RF5 Mường Thanh, Điện Biên"), to the full Plus Code.
 *
 * The locality's parts (split at commas) are compared with every zone's
 * name, district and province, folded: diacritics and case dropped, đ as
 * d, punctuation as space, a leading kind word ("phường", "xã", "thị
 * trấn", "thành phố", "huyện", "tỉnh", "P.", "TP.") dropped. The zone that matches best
 * (its name over its district over its province; the lowest postcode on a tie) gives the
 * reference point the short code is recovered against.
 */
#include <string.h>

#include "geo_internal.h"

#define POSTCODES 100000
/* Folded text longer than this is cut: no place name is near it. */
#define FOLD_SIZE 128
/* Parts of a locality looked at: "ward, district, province, country". */
#define MAX_PARTS 6

/* Base letters of the Latin letters with diacritics Vietnamese (and its
 * neighbours) uses: U+00C0..U+01B0 and U+1EA0..U+1EF9 ('.': none). */
static const char latin_base[] =
    "aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.yaaaaaacccccccc"
    "ddddeeeeeeeeeegggggggghh..iiiiiiiii...jjkk.llllll....nnnnnn...oooooo..rrrrrrss"
    "sssssstttt..uuuuuuuuuuuuwwyyyzzzzzz.................................oo........"
    ".....uu";
static const char vietnamese_base[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuu"
    "yyyyyyyy";

/* The next code point of @p s (0xFFFD for a byte that starts none). */
static uint32_t next_point(const unsigned char *s, size_t avail, size_t *len)
{
    size_t n = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
    if (s[0] >= 0x80 && s[0] < 0xC0) n = 0;
    for (size_t i = 1; n && i < n; i++)
        if (i >= avail || (s[i] & 0xC0) != 0x80) n = 0;
    if (n == 0) return *len = 1, 0xFFFD;
    static const unsigned char mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t cp = s[0] & mask[n];
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (s[i] & 0x3Fu);
    *len = n;
    return cp;
}

/* A code point folded: a lower-case ASCII letter or digit, 0 for a
 * combining mark (dropped), ' ' for anything else. */
static char fold_point(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z') return (char)(cp - 'A' + 'a');
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) return (char)cp;
    if (cp >= 0x300 && cp <= 0x36F) return 0;
    if (cp == 0x110 || cp == 0x111) return 'd';
    if (cp >= 0xC0 && cp < 0xC0 + sizeof latin_base - 1 && latin_base[cp - 0xC0] != '.')
        return latin_base[cp - 0xC0];
    if (cp >= 0x1EA0 && cp < 0x1EA0 + sizeof vietnamese_base - 1)
        return vietnamese_base[cp - 0x1EA0];
    return ' ';
}

/* Fold @p len bytes of UTF-8 into @p out (FOLD_SIZE bytes): lower-case
 * ASCII letters and digits, one space between words. */
static void fold(const char *text, size_t len, char *out)
{
    size_t n = 0;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0, k; i < len; i += k) {
        char c = fold_point(next_point(s + i, len - i, &k));
        if (c == 0 || (c == ' ' && (n == 0 || out[n - 1] == ' '))) continue;
        if (n + 1 < FOLD_SIZE) out[n++] = c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

/* The folded text without a leading kind word. */
static const char *without_kind(const char *folded)
{
    static const char *const kinds[] = {"phuong ",    "xa ",    "thi tran ", "thi xa ",
                                        "thanh pho ", "huyen ", "quan ",     "tinh ",
                                        "p ",         "x ",     "tt ",       "tx ",
                                        "tp ",        "q ",     "h ",        NULL};
    for (const char *const *k = kinds; *k; k++)
        if (strncmp(folded, *k, strlen(*k)) == 0) return folded + strlen(*k);
    return folded;
}

static bool same_place(const dc_str *field, const char *part)
{
    char folded[FOLD_SIZE];
    fold(field->ptr, field->len, folded);
    return folded[0] && strcmp(without_kind(folded), part) == 0;
}

typedef struct locality {
    char parts[MAX_PARTS][FOLD_SIZE];
    size_t nparts;
} locality;

static void split_locality(const char *text, size_t len, locality *loc)
{
    loc->nparts = 0;
    while (len > 0 && loc->nparts < MAX_PARTS) {
        const char *comma = memchr(text, ',', len);
        size_t n = comma ? (size_t)(comma - text) : len;
        char folded[FOLD_SIZE];
        fold(text, n, folded);
        if (folded[0]) strcpy(loc->parts[loc->nparts++], without_kind(folded));
        if (!comma) break;
        text += n + 1, len -= n + 1;
    }
}

/* 4 for the zone's name among the parts, 2 its district, 1 its province. */
static int score(const dc_zone *z, const locality *loc)
{
    int name = 0, district = 0, province = 0;
    for (size_t i = 0; i < loc->nparts; i++) {
        name |= same_place(&z->name, loc->parts[i]);
        district |= same_place(&z->district, loc->parts[i]);
        province |= same_place(&z->province, loc->parts[i]);
    }
    return 4 * name + 2 * district + province;
}

dc_err dc_geo_locality_zone(dc_geo_session *s, const char *text, size_t len, dc_zone *out)
{
    locality loc;
    dc_zone z, best = {0};
    int best_score = 0;
    if (!s || !out || (!text && len)) return DC_E_INVALID_ARG;
    split_locality(text, len, &loc);
    for (uint32_t pc = 0; loc.nparts && pc < POSTCODES; pc++) {
        if (dc_geo_zone_of(s->geo, pc, &z) != DC_OK) continue;
        int sc = score(&z, &loc);
        if (sc > best_score) best = z, best_score = sc;
    }
    if (best_score == 0) return DC_E_NOT_FOUND;
    *out = best;
    return DC_OK;
}

/* The first word of @p text (up to a space or comma) as a short code. */
static bool short_code_word(const char *text, size_t len, char *code, size_t *used)
{
    size_t i = 0, n = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != ',') {
        if (n + 1 >= DC_OLC_SIZE) return false;
        code[n++] = text[i++];
    }
    code[n] = '\0';
    *used = i;
    return n > 0 && dc_olc_is_short(code);
}

dc_err dc_geo_resolve_short(dc_geo_session *s, const char *text, size_t len, char *out,
                            size_t size, dc_zone *zone)
{
    char code[DC_OLC_SIZE], full[DC_OLC_SIZE];
    size_t used;
    dc_zone z;
    if (!s || !out || (!text && len)) return DC_E_INVALID_ARG;
    if (!short_code_word(text, len, code, &used)) return DC_E_OLC_NOT_SHORT;
    dc_err rc = dc_geo_locality_zone(s, text + used, len - used, &z);
    if (rc != DC_OK) return rc;
    rc = dc_olc_recover(code, z.ref_lat_e7 / 1e7, z.ref_lon_e7 / 1e7, full, sizeof full);
    if (rc != DC_OK) return rc;
    if (strlen(full) >= size) return DC_E_BUFFER;
    strcpy(out, full);
    if (zone) *zone = z;
    return DC_OK;
}
