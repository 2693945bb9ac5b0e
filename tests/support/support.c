/* support.c - helpers shared by the test, fuzz and benchmark programs. */
#include "support.h"

uint64_t dc_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double dc_uniform(uint64_t *state)
{
    return (double)(dc_splitmix64(state) >> 11) * 0x1.0p-53;
}

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
