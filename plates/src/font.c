/*
 * font.c - the plates' font (diachi/plates.h), found through fontconfig as
 * cairo finds fonts, and checked: fontconfig always answers with some
 * font, so the family it matched must be the one asked for, and its
 * character set must hold every Vietnamese letter. Otherwise a sheet would
 * print boxes or another font's glyphs for "Điện Biên Phủ" and nobody
 * would know until the plates were on the doors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>

#include "diachi/plates.h"
#include "plates_internal.h"

/* Every letter of Vietnamese, precomposed (NFC, as the index holds text). */
static const char vietnamese[] =
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ";

struct dc_plates_font {
    char family[128];
    FcCharSet *charset; /* of the regular and bold faces both */
    cairo_font_face_t *regular, *bold;
};

/* One code point of UTF-8 at *s, advancing it; U+FFFD for a bad byte. */
static uint32_t next_utf8(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = *p++;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && more == 0)
        c = 0xFFFD;
    else if (more)
        c &= 0x3Fu >> more;
    for (; more > 0; more--) {
        if ((*p & 0xC0) != 0x80) {
            c = 0xFFFD;
            break;
        }
        c = (c << 6) | (*p++ & 0x3F);
    }
    *s = p;
    return c;
}

static bool charset_covers(const FcCharSet *cs, const char *text, uint32_t *missing)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        uint32_t c = next_utf8(&s);
        if (c >= 0x20 && !FcCharSetHasChar(cs, c)) {
            if (missing) *missing = c;
            return false;
        }
    }
    return true;
}

/* The face fontconfig matches for @p family at @p weight, or NULL when its
 * match is another family. */
static FcPattern *match_family(const char *family, int weight)
{
    FcPattern *pat = FcPatternCreate();
    if (!pat) return NULL;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT, weight);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *match = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    if (!match) return NULL;
    FcChar8 *name;
    for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &name) == FcResultMatch; i++)
        if (strcasecmp((const char *)name, family) == 0) return match;
    FcPatternDestroy(match);
    return NULL;
}

void dc_plates_font_close(dc_plates_font *font)
{
    if (!font) return;
    if (font->regular) cairo_font_face_destroy(font->regular);
    if (font->bold) cairo_font_face_destroy(font->bold);
    if (font->charset) FcCharSetDestroy(font->charset);
    free(font);
}

/* Both faces of one family, or DC_E_NOT_FOUND. */
static dc_err open_family(const char *family, dc_plates_font *f)
{
    FcPattern *reg = match_family(family, FC_WEIGHT_REGULAR);
    FcPattern *bold = reg ? match_family(family, FC_WEIGHT_BOLD) : NULL;
    FcCharSet *a, *b;
    dc_err e = DC_E_NOT_FOUND;
    if (reg && bold && FcPatternGetCharSet(reg, FC_CHARSET, 0, &a) == FcResultMatch &&
        FcPatternGetCharSet(bold, FC_CHARSET, 0, &b) == FcResultMatch) {
        f->charset = FcCharSetIntersect(a, b);
        f->regular = cairo_ft_font_face_create_for_pattern(reg);
        f->bold = cairo_ft_font_face_create_for_pattern(bold);
        snprintf(f->family, sizeof f->family, "%s", family);
        e = f->charset ? DC_OK : DC_E_NOMEM;
    }
    if (reg) FcPatternDestroy(reg);
    if (bold) FcPatternDestroy(bold);
    return e;
}

dc_err dc_plates_font_open(const char *family, dc_plates_font **out, const char **problem,
                           dc_error *err)
{
    const char *unused;
    if (!problem) problem = &unused;
    *problem = "font_missing";
    if (!out) return dc_error_set(err, DC_E_INVALID_ARG, "no font to fill");
    if (!FcInit()) return dc_error_set(err, DC_E_NOT_FOUND, "fontconfig cannot start");
    dc_plates_font *f = calloc(1, sizeof *f);
    if (!f) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    static const char *const defaults[] = {"Noto Sans", "DejaVu Sans"};
    dc_err e = DC_E_NOT_FOUND;
    if (family) {
        e = open_family(family, f);
    } else {
        for (size_t i = 0; i < 2 && e == DC_E_NOT_FOUND; i++)
            e = open_family(defaults[i], f);
    }
    if (e != DC_OK) {
        dc_plates_font_close(f);
        if (family)
            return dc_error_set(err, e,
                                "font '%s' not found (fontconfig: fc-list lists the "
                                "families installed)",
                                family);
        return dc_error_set(err, e,
                            "neither Noto Sans nor DejaVu Sans is installed (Debian: "
                            "fonts-noto-core or fonts-dejavu-core)");
    }
    uint32_t missing;
    char check[sizeof vietnamese + 128];
    snprintf(check, sizeof check, "%s%s", vietnamese,
             " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
             "abcdefghijklmnopqrstuvwxyz{|}~");
    if (!charset_covers(f->charset, check, &missing)) {
        char glyph[8] = "";
        dc_plates_utf8(missing, glyph);
        *problem = "font_coverage";
        dc_error_set(err, DC_E_NOT_FOUND,
                     "font '%s' has no glyph for U+%04X '%s': it cannot print Vietnamese",
                     f->family, (unsigned)missing, glyph);
        dc_plates_font_close(f);
        return DC_E_NOT_FOUND;
    }
    *out = f;
    return DC_OK;
}

void dc_plates_font_shutdown(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

const char *dc_plates_font_family(const dc_plates_font *font)
{
    return font ? font->family : "";
}

bool dc_plates_font_covers(const dc_plates_font *font, const char *text,
                           uint32_t *missing)
{
    return font && text && charset_covers(font->charset, text, missing);
}

cairo_font_face_t *dc_plates_font_face(const dc_plates_font *font, bool bold)
{
    return bold ? font->bold : font->regular;
}

void dc_plates_utf8(uint32_t c, char out[8])
{
    if (c < 0x80) {
        out[0] = (char)c;
        out[1] = 0;
    } else if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        out[2] = 0;
    } else if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        out[3] = 0;
    } else {
        out[0] = (char)(0xF0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[3] = (char)(0x80 | (c & 0x3F));
        out[4] = 0;
    }
}
