/*
 * encoding.c - UTF-8, Windows-1258, TCVN3, Windows-1252 and Latin-1 bytes
 * to UTF-8 NFC.
 *
 * The tables map bytes 0x80..0xFF (and, for TCVN3, a few C0 positions) to
 * Unicode; 0 marks a byte the code page leaves undefined. They were built
 * from the published standards: Microsoft's code page 1258 and 1252 charts
 * (as registered with the Unicode Consortium) and TCVN 5712:1993's VN1
 * layout, whose VN3 subset is the "ABC" font encoding.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "diachi/encoding.h"

#define REPLACEMENT 0xFFFD

/* Windows-1258: Latin-1 with five combining tone marks and the Vietnamese
 * letters Ă ă Đ đ Ơ ơ Ư ư in place of Latin-1 letters Vietnamese lacks. */
static const uint16_t cp1258_high[128] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80 */
    0x02C6, 0x2030, 0,      0x2039, 0x0152, 0,      0,      0,      /* 88 */
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90 */
    0x02DC, 0x2122, 0,      0x203A, 0x0153, 0,      0,      0x0178, /* 98 */
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7, /* A0 */
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF, /* A8 */
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, /* B0 */
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF, /* B8 */
    0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7, /* C0 */
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF, /* C8 */
    0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7, /* D0 */
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF, /* D8 */
    0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7, /* E0 */
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF, /* E8 */
    0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7, /* F0 */
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF, /* F8 */
};

/* Windows-1252 differs from Latin-1 only in 0x80..0x9F. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,      /* 88 */
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178, /* 98 */
};

/* TCVN 5712:1993. VN3 ("ABC", the common one) puts the 67 lower-case
 * letters, the 7 toneless upper-case ones and the 5 combining tone marks in
 * 0xA1..0xFE; VN1 adds the toned capitals in the remaining high positions
 * and in twelve C0 control positions. Reading every file as VN1 decodes VN3
 * unchanged (it is a subset) and VN1 files too; a DBF text field holds no
 * control characters that this could misread. */
static const uint16_t tcvn3_high[128] = {
    0x00C0, 0x1EA2, 0x00C3, 0x00C1, 0x1EA0, 0x1EB6, 0x1EAC, 0x00C8, /* 80 */
    0x1EBA, 0x1EBC, 0x00C9, 0x1EB8, 0x1EC6, 0x00CC, 0x1EC8, 0x0128, /* 88 */
    0x00CD, 0x1ECA, 0x00D2, 0x1ECE, 0x00D5, 0x00D3, 0x1ECC, 0x1ED8, /* 90 */
    0x1EDC, 0x1EDE, 0x1EE0, 0x1EDA, 0x1EE2, 0x00D9, 0x1EE6, 0x0168, /* 98 */
    0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110, /* A0 */
    0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0, /* A8 */
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3, /* B0 */
    0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4, /* B8 */
    0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7, /* C0 */
    0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD, /* C8 */
    0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC, /* D0 */
    0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2, /* D8 */
    0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7, /* E0 */
    0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9, /* E8 */
    0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF, /* F0 */
    0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0, /* F8 */
};

/* VN1's capitals in C0 positions; 0 keeps the control character. */
static const uint16_t tcvn3_c0[32] = {
    0, 0x00DA, 0x1EE4, 0,      0x1EEA, 0x1EEC, 0x1EEE, 0,      /* 00 */
    0, 0,      0,      0,      0,      0,      0,      0,      /* 08 */
    0, 0x1EE8, 0x1EF0, 0x1EF2, 0x1EF6, 0x1EF8, 0x00DD, 0x1EF4, /* 10 */
    0, 0,      0,      0,      0,      0,      0,      0,      /* 18 */
};

/* ---- names ------------------------------------------------------------ */

typedef struct enc_alias {
    const char *name;
    dc_encoding enc;
} enc_alias;

static const enc_alias aliases[] = {
    {"UTF-8", DC_ENC_UTF8},          {"UTF8", DC_ENC_UTF8},
    {"CP1258", DC_ENC_CP1258},       {"1258", DC_ENC_CP1258},
    {"WINDOWS-1258", DC_ENC_CP1258}, {"ANSI 1258", DC_ENC_CP1258},
    {"TCVN3", DC_ENC_TCVN3},         {"TCVN", DC_ENC_TCVN3},
    {"TCVN5712", DC_ENC_TCVN3},      {"TCVN-5712", DC_ENC_TCVN3},
    {"TCVN5712-1", DC_ENC_TCVN3},    {"TCVN5712-1:1993", DC_ENC_TCVN3},
    {"TCVN-3", DC_ENC_TCVN3},        {"VN3", DC_ENC_TCVN3},
    {"ABC", DC_ENC_TCVN3},           {"CP1252", DC_ENC_CP1252},
    {"1252", DC_ENC_CP1252},         {"WINDOWS-1252", DC_ENC_CP1252},
    {"ANSI 1252", DC_ENC_CP1252},    {"ISO-8859-1", DC_ENC_LATIN1},
    {"ISO8859-1", DC_ENC_LATIN1},    {"8859-1", DC_ENC_LATIN1},
    {"88591", DC_ENC_LATIN1},        {"LATIN1", DC_ENC_LATIN1},
};

bool dc_encoding_from_ldid(int ldid, dc_encoding *out)
{
    if (ldid == 87)
        *out = DC_ENC_LATIN1;
    else if (ldid == 3)
        *out = DC_ENC_CP1252;
    else
        return false;
    return true;
}

/* The name with surrounding white space (a .cpg often ends in a newline)
 * stripped into buf; false when it does not fit. */
static bool trim_name(const char *name, char *buf, size_t size)
{
    while (*name == ' ' || *name == '\t')
        name++;
    size_t n = strlen(name);
    while (n > 0 && strchr(" \t\r\n", name[n - 1]))
        n--;
    if (n == 0 || n >= size) return false;
    memcpy(buf, name, n);
    buf[n] = '\0';
    return true;
}

bool dc_encoding_from_name(const char *name, dc_encoding *out)
{
    char buf[64];
    if (!name || !trim_name(name, buf, sizeof buf)) return false;
    if (strncasecmp(buf, "LDID/", 5) == 0) {
        char *end;
        long id = strtol(buf + 5, &end, 10);
        return *end == '\0' && end != buf + 5 && dc_encoding_from_ldid((int)id, out);
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcasecmp(buf, aliases[i].name) == 0) {
            *out = aliases[i].enc;
            return true;
        }
    }
    return false;
}

const char *dc_encoding_name(dc_encoding enc)
{
    switch (enc) {
    case DC_ENC_UTF8:
        return "UTF-8";
    case DC_ENC_CP1258:
        return "CP1258";
    case DC_ENC_TCVN3:
        return "TCVN3";
    case DC_ENC_CP1252:
        return "CP1252";
    case DC_ENC_LATIN1:
        return "ISO-8859-1";
    }
    return "unknown";
}

/* ---- buffers ---------------------------------------------------------- */

void dc_text_free(dc_text *text)
{
    free(text->data);
    *text = (dc_text){0};
}

static bool grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return true;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *p = realloc(*buf, n * elem);
    if (!p) return false;
    *buf = p;
    *cap = n;
    return true;
}

void dc_decoder_init(dc_decoder *dec, dc_encoding enc)
{
    *dec = (dc_decoder){.encoding = enc};
}

void dc_decoder_free(dc_decoder *dec)
{
    free(dec->utf8);
    free(dec->points);
    *dec = (dc_decoder){0};
}

/* ---- decoding --------------------------------------------------------- */

static size_t put_utf8(char *out, uint32_t c)
{
    unsigned char *o = (unsigned char *)out;
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | c >> 6);
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    o[0] = (unsigned char)(0xE0 | c >> 12); /* the tables stay in the BMP */
    o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
    o[2] = (unsigned char)(0x80 | (c & 0x3F));
    return 3;
}

static uint32_t byte_to_unicode(dc_encoding enc, unsigned char b)
{
    switch (enc) {
    case DC_ENC_CP1258:
        return b < 0x80 ? b : cp1258_high[b - 0x80];
    case DC_ENC_TCVN3:
        if (b < 0x20) return tcvn3_c0[b] ? tcvn3_c0[b] : b;
        return b < 0x80 ? b : tcvn3_high[b - 0x80];
    case DC_ENC_CP1252:
        return b >= 0x80 && b < 0xA0 ? cp1252_c1[b - 0x80] : b;
    default:
        return b; /* Latin-1 is the first 256 code points */
    }
}

bool dc_encoding_defines(dc_encoding enc, unsigned char byte)
{
    return enc != DC_ENC_UTF8 && (byte == 0 || byte_to_unicode(enc, byte) != 0);
}

/* Code points that are NFC on their own and never compose with a
 * neighbour: everything below the combining diacritics (U+0300) and the
 * precomposed Vietnamese block. A string made only of these needs no
 * normalisation, which covers nearly all real Vietnamese text. */
static bool nfc_stable(uint32_t c)
{
    return c < 0x300 || (c >= 0x1E00 && c < 0x1F00);
}

/* A single-byte code page into dec->utf8 (3 bytes per input byte at most);
 * *len gets the UTF-8 length. Returns non-zero if normalisation is due. */
static uint32_t decode_table(dc_decoder *dec, const unsigned char *in, size_t n,
                             size_t *len)
{
    uint32_t unstable = 0;
    char *o = dec->utf8;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = byte_to_unicode(dec->encoding, in[i]);
        if (c == 0 && in[i] != 0) {
            c = REPLACEMENT;
            dec->replaced++;
        }
        unstable |= !nfc_stable(c);
        o += put_utf8(o, c);
    }
    *len = (size_t)(o - dec->utf8);
    return unstable;
}

/* Length of the valid UTF-8 sequence at s, or 0: overlong forms,
 * surrogates and code points above U+10FFFF are invalid. *cp gets it. */
static size_t utf8_valid(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t n = b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF5 ? 4 : 0;
    if (n == 0 || n > avail) return 0;
    uint32_t c = b & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000)) return 0;
    *cp = c;
    return n;
}

/* UTF-8 into dec->utf8 with each invalid byte replaced by U+FFFD (3 bytes
 * for 1, hence the 3x scratch). Returns non-zero if normalisation is due. */
static uint32_t decode_utf8(dc_decoder *dec, const unsigned char *in, size_t n,
                            size_t *len)
{
    uint32_t unstable = 0;
    char *o = dec->utf8;
    for (size_t i = 0; i < n;) {
        uint32_t c = in[i];
        size_t k = c < 0x80 ? 1 : utf8_valid(in + i, n - i, &c);
        if (k == 0) {
            o += put_utf8(o, REPLACEMENT);
            dec->replaced++;
            i++;
            continue;
        }
        unstable |= !nfc_stable(c);
        memcpy(o, in + i, k);
        o += k;
        i += k;
    }
    *len = (size_t)(o - dec->utf8);
    return unstable;
}

/* NFC of dec->utf8[0..len) appended to out, via code points in
 * dec->points (utf8proc decomposes, reorders marks, then composes). */
static dc_err normalise(dc_decoder *dec, size_t len, dc_text *out)
{
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)dec->utf8;
    utf8proc_ssize_t n = utf8proc_decompose(s, (utf8proc_ssize_t)len, dec->points,
                                            (utf8proc_ssize_t)dec->points_cap, opts);
    if (n > (utf8proc_ssize_t)dec->points_cap) {
        if (!grow((void **)&dec->points, &dec->points_cap, (size_t)n, sizeof(int32_t)))
            return DC_E_NOMEM;
        n = utf8proc_decompose(s, (utf8proc_ssize_t)len, dec->points,
                               (utf8proc_ssize_t)dec->points_cap, opts);
    }
    if (n < 0) return DC_E_INVALID_ARG; /* cannot happen: the input was checked */
    n = utf8proc_reencode(dec->points, n, opts);
    if (n < 0) return DC_E_INVALID_ARG;
    if (!grow((void **)&out->data, &out->cap, out->len + (size_t)n + 1, 1))
        return DC_E_NOMEM;
    memcpy(out->data + out->len, dec->points, (size_t)n);
    out->len += (size_t)n;
    out->data[out->len++] = '\0';
    return DC_OK;
}

static dc_err append(dc_text *out, const char *s, size_t n)
{
    if (!grow((void **)&out->data, &out->cap, out->len + n + 1, 1)) return DC_E_NOMEM;
    memcpy(out->data + out->len, s, n);
    out->len += n;
    out->data[out->len++] = '\0';
    return DC_OK;
}

/* True when every byte reads as itself in @p enc: ASCII, and for TCVN3 no
 * C0 byte that VN1 uses for a capital. */
static bool is_plain_ascii(dc_encoding enc, const unsigned char *s, size_t n)
{
    unsigned char any = 0;
    for (size_t i = 0; i < n; i++)
        any |= s[i];
    if (any & 0x80) return false;
    if (enc != DC_ENC_TCVN3) return true;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 && tcvn3_c0[s[i]]) return false;
    return true;
}

dc_err dc_decode(dc_decoder *dec, const char *in, size_t len, dc_text *out,
                 size_t *offset)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t start = out->len;
    if (is_plain_ascii(dec->encoding, s, len)) {
        dc_err rc = append(out, in, len);
        if (rc == DC_OK) *offset = start;
        return rc;
    }
    if (!grow((void **)&dec->utf8, &dec->utf8_cap, 3 * len + 1, 1)) return DC_E_NOMEM;
    size_t n;
    uint32_t unstable = dec->encoding == DC_ENC_UTF8 ? decode_utf8(dec, s, len, &n)
                                                     : decode_table(dec, s, len, &n);
    dc_err rc = unstable ? normalise(dec, n, out) : append(out, dec->utf8, n);
    if (rc == DC_OK) *offset = start;
    return rc;
}
