/*
 * gen_encode.c - NFC UTF-8 to the legacy Vietnamese encodings, so the
 * edge-case maps can hold attribute bytes exactly as old desktop GIS wrote
 * them.
 */
#include "gen.h"

#include <iconv.h>
#include <string.h>

/* TCVN 5712:1993 VN3 (the "ABC" font encoding): ASCII below 0x80, and the
 * Vietnamese lower-case letters plus the seven plain upper-case ones above.
 * VN3 has no upper-case letters with tone marks; text needing them fails. */
static const struct {
    unsigned short code;
    unsigned char byte;
} tcvn3_table[] = {
    {0x0102, 0xA1},
    {0x00C2, 0xA2},
    {0x00CA, 0xA3},
    {0x00D4, 0xA4},
    {0x01A0, 0xA5},
    {0x01AF, 0xA6},
    {0x0110, 0xA7},
    {0x0103, 0xA8},
    {0x00E2, 0xA9},
    {0x00EA, 0xAA},
    {0x00F4, 0xAB},
    {0x01A1, 0xAC},
    {0x01B0, 0xAD},
    {0x0111, 0xAE},
    {0x0300, 0xB0},
    {0x0309, 0xB1},
    {0x0303, 0xB2},
    {0x0301, 0xB3},
    {0x0323, 0xB4},
    /* a */
    {0x00E0, 0xB5},
    {0x1EA3, 0xB6},
    {0x00E3, 0xB7},
    {0x00E1, 0xB8},
    {0x1EA1, 0xB9},
    /* ă */
    {0x1EB1, 0xBB},
    {0x1EB3, 0xBC},
    {0x1EB5, 0xBD},
    {0x1EAF, 0xBE},
    {0x1EB7, 0xC6},
    /* â */
    {0x1EA7, 0xC7},
    {0x1EA9, 0xC8},
    {0x1EAB, 0xC9},
    {0x1EA5, 0xCA},
    {0x1EAD, 0xCB},
    /* e */
    {0x00E8, 0xCC},
    {0x1EBB, 0xCE},
    {0x1EBD, 0xCF},
    {0x00E9, 0xD0},
    {0x1EB9, 0xD1},
    /* ê */
    {0x1EC1, 0xD2},
    {0x1EC3, 0xD3},
    {0x1EC5, 0xD4},
    {0x1EBF, 0xD5},
    {0x1EC7, 0xD6},
    /* i */
    {0x00EC, 0xD7},
    {0x1EC9, 0xD8},
    {0x0129, 0xDC},
    {0x00ED, 0xDD},
    {0x1ECB, 0xDE},
    /* o */
    {0x00F2, 0xDF},
    {0x1ECF, 0xE1},
    {0x00F5, 0xE2},
    {0x00F3, 0xE3},
    {0x1ECD, 0xE4},
    /* ô */
    {0x1ED3, 0xE5},
    {0x1ED5, 0xE6},
    {0x1ED7, 0xE7},
    {0x1ED1, 0xE8},
    {0x1ED9, 0xE9},
    /* ơ */
    {0x1EDD, 0xEA},
    {0x1EDF, 0xEB},
    {0x1EE1, 0xEC},
    {0x1EDB, 0xED},
    {0x1EE3, 0xEE},
    /* u */
    {0x00F9, 0xEF},
    {0x1EE7, 0xF1},
    {0x0169, 0xF2},
    {0x00FA, 0xF3},
    {0x1EE5, 0xF4},
    /* ư */
    {0x1EEB, 0xF5},
    {0x1EED, 0xF6},
    {0x1EEF, 0xF7},
    {0x1EE9, 0xF8},
    {0x1EF1, 0xF9},
    /* y */
    {0x1EF3, 0xFA},
    {0x1EF7, 0xFB},
    {0x1EF9, 0xFC},
    {0x00FD, 0xFD},
    {0x1EF5, 0xFE},
};

/* Decode one UTF-8 sequence; returns its length, 0 on malformed input. */
static size_t utf8_next(const unsigned char *s, unsigned *code)
{
    if (s[0] < 0x80) {
        *code = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        *code = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *code = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        return 3;
    }
    return 0;
}

static int tcvn3_byte(unsigned code)
{
    if (code < 0x80) return (int)code;
    for (size_t i = 0; i < sizeof tcvn3_table / sizeof tcvn3_table[0]; i++)
        if (tcvn3_table[i].code == code) return tcvn3_table[i].byte;
    return -1;
}

int gen_to_tcvn3(const char *utf8, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t n = 0;
    while (*s) {
        unsigned code;
        size_t len = utf8_next(s, &code);
        int byte = len ? tcvn3_byte(code) : -1;
        if (byte < 0 || n + 1 >= size) return -1;
        out[n++] = (char)byte;
        s += len;
    }
    out[n] = '\0';
    return 0;
}

int gen_to_cp1258(const char *utf8, char *out, size_t size)
{
    /* glibc's CP1258 converter decomposes letters that Windows-1258 lacks
     * into a base letter and a combining tone mark, as Windows does. */
    iconv_t cd = iconv_open("CP1258", "UTF-8");
    if (cd == (iconv_t)-1 || size == 0) return -1;
    char *in = (char *)utf8;
    size_t in_left = strlen(utf8);
    char *o = out;
    size_t out_left = size - 1;
    int rc = 0;
    if (iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &o, &out_left) == (size_t)-1)
        rc = -1;
    iconv_close(cd);
    *o = '\0';
    return rc;
}
