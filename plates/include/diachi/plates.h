/*
 * diachi/plates.h - door plates: the households of a zone, a street, a
 * group or a list of codes, each as a plate with its code in display form,
 * its address and a QR code, laid out on print-ready sheets (PDF, or SVG
 * one file a page) with cairo. The program is diachi-plates (plates/main.c);
 * neither the diachi command nor the server links this module or cairo.
 *
 *   dc_plates_payload qr;      dc_plates_payload_parse("geo", &qr, &problem, &err);
 *   dc_plate_list list = {0};  dc_plates_select(geo, &sel, &list, &problem, &err);
 *   dc_plates_sort(&list);
 *   dc_plates_font *font;      dc_plates_font_open(NULL, &font, &problem, &err);
 *   dc_plates_render(&list, &opts, "zone-32105.pdf", &pages, &problem, &err);
 *
 * Errors: every fallible call returns a dc_err and, besides the message in
 * @p err, names the problem with a stable lower-case string in *problem
 * (the names are listed with each call): diachi-plates prints it, and
 * scripts may test it.
 *
 * Threads: nothing here keeps global state but fontconfig's, which the
 * font calls take once; use a font from one thread at a time.
 *
 * Lengths on a sheet are PostScript points (1/72 inch), origin top left.
 */
#ifndef DIACHI_PLATES_H
#define DIACHI_PLATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diachi/code.h"
#include "diachi/error.h"
#include "diachi/geocoder.h"
#include "diachi/qr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* A plate: what is printed for one household, copied out of the index     */
/* ---------------------------------------------------------------------- */

typedef struct dc_plate {
    uint32_t number; /**< the household's number in the index (ties) */
    uint32_t postcode;
    int32_t lat_e7, lon_e7;
    char display[DC_CODE_DISPLAY_SIZE]; /**< "32105 927C+J93" */
    char compact[DC_CODE_COMPACT_SIZE]; /**< "32105927CJ93" */
    char plus_code[DC_CODE_PLUS_SIZE];  /**< "7PH5927C+J93" */
    /** NUL-terminated UTF-8, owned by the list (one allocation, @c text) */
    const char *id, *house_number, *street, *group;
    const char *address; /**< dc_geo_address: door to province */
    char *text;          /**< the strings above, one after another */
} dc_plate;

/** Plates in a growing array; zero it before the first use. */
typedef struct dc_plate_list {
    dc_plate *plates;
    size_t count, cap;
} dc_plate_list;

/** Free what the list holds and zero it; NULL is a no-op. */
void dc_plate_list_free(dc_plate_list *list);

/* ---------------------------------------------------------------------- */
/* The QR code's payload                                                   */
/* ---------------------------------------------------------------------- */

/** Longest template, in bytes (the longest text a QR code here holds). */
#define DC_PLATES_TEMPLATE_MAX DC_QR_TEXT_MAX

typedef enum dc_plates_qr_kind {
    DC_PLATES_QR_CODE = 0,    /**< "code": the compact code, "32105927CJ93" */
    DC_PLATES_QR_GEO = 1,     /**< "geo": RFC 5870, "geo:21.3640201,103.0209141" */
    DC_PLATES_QR_TEMPLATE = 2 /**< anything else: a template with placeholders */
} dc_plates_qr_kind;

/** A parsed payload spec. Plain data: copy it freely. */
typedef struct dc_plates_payload {
    dc_plates_qr_kind kind;
    /** A template has a URI scheme ("https:") before its first
     *  placeholder: values are then percent-encoded (RFC 3986: every byte
     *  but A-Z a-z 0-9 - . _ ~), else inserted as they are. */
    bool uri;
    char spec[DC_PLATES_TEMPLATE_MAX + 1];
    size_t len;
} dc_plates_payload;

/**
 * Read a payload spec: "code", "geo", or a template in which each
 * placeholder is replaced by the household's value: {code} the compact
 * code, {display} the display form, {postcode}, {location} (the 7
 * characters after the postcode, no '+'), {plus_code} the full Plus Code,
 * {lat} and {lon} (degrees, 7 decimals), {id} the household id. "{{" and
 * "}}" stand for a literal brace.
 *
 * @param[in]  spec     NUL-terminated
 * @param[out] out      on DC_OK only
 * @param[out] problem  on failure: "unknown_placeholder" (the message
 *                      names it and where: "unknown placeholder {cod} at
 *                      character 22; known: ..."), "bad_template" (an
 *                      unclosed '{', a lone '}', an empty spec, one over
 *                      DC_PLATES_TEMPLATE_MAX bytes, or a template with no
 *                      placeholder: every plate would carry the same text)
 * @return DC_OK, DC_E_INVALID_ARG. Pure; thread-safe.
 */
dc_err dc_plates_payload_parse(const char *spec, dc_plates_payload *out,
                               const char **problem, dc_error *err);

/**
 * The payload of @p plate: NUL-terminated into @p out, its length into
 * *len (when not NULL).
 * @return DC_OK, DC_E_BUFFER (the text would not fit @p size, or is over
 *         DC_QR_TEXT_MAX bytes: too long for a QR code), DC_E_INVALID_ARG.
 *         Pure; thread-safe.
 */
dc_err dc_plates_payload_text(const dc_plates_payload *p, const dc_plate *plate,
                              char *out, size_t size, size_t *len);

/* ---------------------------------------------------------------------- */
/* Which households, in which order                                        */
/* ---------------------------------------------------------------------- */

/** What to print: every field that is set must hold (an intersection). */
typedef struct dc_plates_selection {
    bool has_postcode;
    uint32_t postcode;  /**< a zone */
    const char *street; /**< NULL, or a street's name as the map writes it */
    const char *group;  /**< NULL, or a group's name */
    const char *codes;  /**< NULL, or a file of codes, one a line ("-": stdin) */
} dc_plates_selection;

/**
 * Append the households the selection names to @p out, in no set order
 * (dc_plates_sort orders them). Names are compared as dc_text folds them
 * (case, tones and spacing aside), against the map's whole name ("Ngõ 12
 * Võ Nguyên Giáp", "Tổ dân phố 5") or its proper name ("12 Võ Nguyên
 * Giáp", "5"). A code in the file is read as `diachi lookup` reads it;
 * blank lines are skipped; each of its households is printed once, even
 * when listed twice.
 *
 * @param[out] problem  on failure: "empty_selection" (nothing selected, or
 *                      nothing holds every condition), "unknown_zone",
 *                      "unknown_street", "unknown_group", "unknown_code"
 *                      (not registered: the message names the line),
 *                      "malformed_code" (not a code), "io" (the codes
 *                      file), "index"
 * @return DC_OK; DC_E_NOT_FOUND (the first five), DC_E_CODE_* (malformed),
 *         DC_E_IO, DC_E_INDEX_CORRUPT, DC_E_NOMEM, DC_E_INVALID_ARG
 */
dc_err dc_plates_select(dc_geo *geo, const dc_plates_selection *sel, dc_plate_list *out,
                        const char **problem, dc_error *err);

/**
 * Compare two house numbers as they stand along a street: split at '/'
 * into parts ("21/3" is house 3 of alley 21), compared part by part; a
 * part's leading letters (the "k" of kiệt "k12") are set aside, its number
 * compared as a number, then what follows it ("12a", "12-14") in byte
 * order after lower-casing ASCII, then the leading letters; fewer parts
 * first ("21" before "21/1"). A number with no digit at all comes after
 * every numbered one, and the empty one last. Returns <0, 0, >0.
 * Pure; thread-safe.
 */
int dc_plates_house_cmp(const char *a, const char *b);

/**
 * Order the plates as a postal worker walks them: by zone (postcode), then
 * street (its name as dc_text folds it, so "Võ Nguyên Giáp" and "vo nguyen
 * giap" are one street; households without a street after those with
 * one), then house number (dc_plates_house_cmp), then the street's exact
 * name, the household id and index order. A street's households without
 * a house number (a hamlet's) come after its numbered ones, in the order
 * they stand along the line that fits them best (their principal axis),
 * west to east (south to north for a line due north); so do the
 * households of a zone without a street.
 */
void dc_plates_sort(dc_plate_list *list);

/* ---------------------------------------------------------------------- */
/* The sheet                                                               */
/* ---------------------------------------------------------------------- */

/** Points per millimetre. */
#define DC_PLATES_PT_PER_MM (72.0 / 25.4)

/** Where plates go on a page. */
typedef struct dc_plates_layout {
    double page_w, page_h;   /**< the page */
    double plate_w, plate_h; /**< one plate */
    int cols, rows;          /**< plates across and down */
    double left, top;        /**< the first plate's top left corner */
    double gutter;           /**< between plates, where the cut marks are */
    bool cut_marks;
} dc_plates_layout;

/**
 * The two layouts: an A4 sheet (210 x 297 mm) of 2 x 4 plates of 95 x 60 mm
 * with 8 mm gutters and cut marks at every plate's corners, centred; or,
 * @p one_per_page, a page the size of the plate (for sticker printers),
 * without marks.
 */
void dc_plates_layout_make(bool one_per_page, dc_plates_layout *out);

/** Plates on a full page. */
int dc_plates_per_page(const dc_plates_layout *l);

/** Pages that @p nplates plates fill (0 for none). */
size_t dc_plates_page_count(const dc_plates_layout *l, size_t nplates);

/** The top left corner of slot @p slot (0..per_page-1, row by row). */
void dc_plates_slot(const dc_plates_layout *l, int slot, double *x, double *y);

/* ---------------------------------------------------------------------- */
/* The font                                                                */
/* ---------------------------------------------------------------------- */

typedef struct dc_plates_font dc_plates_font;

/**
 * Find a font family through fontconfig, regular and bold, and check that
 * it holds every letter of Vietnamese (the 12 vowels bare and with each of
 * the 5 tone marks, đ, in both cases) and printable ASCII: @p family, or when NULL "Noto
 * Sans", else "DejaVu Sans". A family fontconfig does not have is not replaced by another
 * one behind the caller's back.
 * @param[out] problem  on failure: "font_missing" (no such family: the
 *                      message names it), "font_coverage" (the message
 *                      names the first letter missing, as U+XXXX and itself)
 * @return DC_OK, DC_E_NOT_FOUND, DC_E_NOMEM
 */
dc_err dc_plates_font_open(const char *family, dc_plates_font **out, const char **problem,
                           dc_error *err);

/** The family found ("Noto Sans"); valid until the font is closed. */
const char *dc_plates_font_family(const dc_plates_font *font);

/**
 * Whether the font has a glyph for every character of @p text (UTF-8);
 * when not, the first missing code point into *missing.
 */
bool dc_plates_font_covers(const dc_plates_font *font, const char *text,
                           uint32_t *missing);

/** NULL is a no-op. */
void dc_plates_font_close(dc_plates_font *font);

/**
 * Release what cairo and fontconfig keep for the whole process (their
 * caches and configuration), so that a leak checker sees none: once, at
 * the end, after every font is closed and every sheet rendered; no
 * plates call may follow. Not thread-safe.
 */
void dc_plates_font_shutdown(void);

/* ---------------------------------------------------------------------- */
/* Rendering                                                               */
/* ---------------------------------------------------------------------- */

typedef enum dc_plates_format {
    DC_PLATES_PDF = 0,
    DC_PLATES_SVG = 1 /**< one file a page: PATH for one page, else
                           PATH's name with -001, -002, ... before ".svg" */
} dc_plates_format;

typedef struct dc_plates_options {
    dc_plates_format format;
    dc_plates_layout layout;
    dc_plates_payload payload;
    const dc_plates_font *font;
    const char *title; /**< the sheet's footer and the PDF's title ("zone 32105") */
    bool overwrite;    /**< replace an existing output */
} dc_plates_options;

/**
 * Draw @p list's plates, in order, into @p path. Each file is written
 * beside its final name (NAME.tmp.<pid>) and renamed over it once whole, so
 * no partial file ever stands under a final name; on failure every
 * temporary file is removed.
 * @param[out] pages    NULL, or the pages written, on DC_OK only
 * @param[out] problem  on failure: "output_exists" (an output is there and
 *                      @p opts->overwrite is false: nothing is written),
 *                      "empty_selection", "font_coverage" (a plate's text
 *                      has a character the font lacks: the message names
 *                      the household and the character), "payload_too_long",
 *                      "io", "render"
 * @return DC_OK, DC_E_IO, DC_E_INVALID_ARG, DC_E_BUFFER, DC_E_NOMEM
 */
dc_err dc_plates_render(const dc_plate_list *list, const dc_plates_options *opts,
                        const char *path, size_t *pages, const char **problem,
                        dc_error *err);

/* ---------------------------------------------------------------------- */
/* The round sheet                                                         */
/* ---------------------------------------------------------------------- */

/** A postal worker's round to print (diachi-plates --round). */
typedef struct dc_plates_round_options {
    const char *letters;         /**< a CSV of letters, as `diachi round` reads it
                                      ("-": stdin) */
    const char *column;          /**< NULL, or the letters' column by name or number
                                      from 1 (else the first known name, else the
                                      first column) */
    double start_lat, start_lon; /**< the start (the post office) */
    bool back_to_start;          /**< the round ends at the start */
    bool keep_door; /**< keep only a door's letters together, not a group's */
    const dc_plates_font *font;
    bool overwrite; /**< replace an existing output */
} dc_plates_round_options;

/** What a round sheet came to. */
typedef struct dc_plates_round_result {
    size_t letters, stops, unresolved, pages;
    double length_m; /**< the round's length, metres */
} dc_plates_round_result;

/**
 * Read the letters, resolve each to its door (dc_round_resolve), put the
 * doors in the order of a short round (dc_round_order), and print it as an
 * A4 PDF into @p path: on the first page a map of the round (the line
 * through the numbered stops, the start, a scale bar in metres, north up,
 * in a local plane fitted to the page), then the numbered list (stop, code,
 * address, leg and running distance), on as many pages as it needs with
 * its header on each; the letters that name no door listed last under a
 * heading of their own. Written beside its name and put in place as
 * dc_plates_render does; nothing is written on failure.
 * @param[out] res      NULL, or the counts, on DC_OK only
 * @param[out] problem  on failure: "output_exists", "io" (the letters or
 *                      the output), "usage" (--column names no column),
 *                      "round_empty" (no letters: DC_E_ROUND_EMPTY; or
 *                      none names a door: DC_E_NOT_FOUND),
 *                      "round_too_many" (over DC_ROUND_MAX_STOPS letters),
 *                      "font_coverage", "index", "render"
 * @return DC_OK, DC_E_IO, DC_E_INVALID_ARG, DC_E_NOMEM, DC_E_NOT_FOUND,
 *         DC_E_ROUND_*, and the index's errors. Uses a session of @p geo.
 */
dc_err dc_plates_round_render(dc_geo *geo, const dc_plates_round_options *opts,
                              const char *path, dc_plates_round_result *res,
                              const char **problem, dc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DIACHI_PLATES_H */
