/* support.c - helpers shared by the test, fuzz and benchmark programs. */
#include "support.h"

bool dc_is_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned c = *p++;
        int extra;
        uint32_t cp, min;
        if (c < 0x80) continue;
        if (c >= 0xC2 && c <= 0xDF)
            extra = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            extra = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            extra = 3, cp = c & 0x07, min = 0x10000;
        else
            return false;
        for (; extra > 0; extra--, p++) {
            if ((*p & 0xC0) != 0x80) return false;
            cp = cp << 6 | (*p & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    }
    return true;
}
