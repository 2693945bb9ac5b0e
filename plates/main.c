/*
 * main.c - diachi-plates: door plates for the households of a zone, a
 * street, a group or a list of codes, as print-ready PDF or SVG sheets
 * (diachi/plates.h). A program of its own, so that the diachi command and
 * the server never link cairo.
 *
 * Errors are one line on stderr, "diachi-plates: NAME: message", NAME a
 * stable lower-case problem (unknown_placeholder, output_exists, ...);
 * exit 0 done, 1 nothing to print (an unknown zone, street, group or code,
 * an empty selection) or, with --round, a sheet printed with letters that
 * name no door (as `diachi round` exits), 2 usage (a bad option or template, an output
 * that exists), 3 index, font or file system.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/geocoder.h"
#include "diachi/plates.h"
#include "diachi/round.h"

#ifndef DC_VERSION
#define DC_VERSION "0"
#endif

static const char usage_text[] =
    "usage: diachi-plates [--index PATH] SELECTION -o OUTPUT [options]\n"
    "       diachi-plates [--index PATH] --round LETTERS.csv --start LAT,LON\n"
    "                     -o ROUND.pdf [options]\n"
    "\n"
    "Door plates: per household its code in display form, its address and a QR\n"
    "code, 8 plates of 95 x 60 mm to an A4 sheet with cut marks, in the order\n"
    "they stand along the street (zone, street, house number).\n"
    "\n"
    "Selection (given together, every one must hold):\n"
    "  --zone POSTCODE     the households of a zone\n"
    "  --street NAME       of a street (\"Võ Nguyên Giáp\", \"Ngõ 12 Võ Nguyên Giáp\")\n"
    "  --group NAME        of a group (\"Tổ dân phố 5\", \"Bản Co Mỵ\")\n"
    "  --codes FILE        of the codes in FILE, one a line ('-': stdin)\n"
    "Options:\n"
    "  --index PATH        the index (default: $DIACHI_INDEX)\n"
    "  -o, --output PATH   PATH.pdf, or PATH.svg (one file a page: PATH-001.svg...)\n"
    "  --format pdf|svg    instead of the output's extension\n"
    "  --qr PAYLOAD        code (default: the compact code), geo (a geo: URI,\n"
    "                      RFC 5870), or a template such as\n"
    "                      'https://example.vn/c/{code}'; placeholders {code}\n"
    "                      {display} {postcode} {location} {plus_code} {lat} {lon} {id}\n"
    "  --one-per-page      a page the size of a plate, for sticker printers\n"
    "  --font FAMILY       default Noto Sans, else DejaVu Sans; checked for\n"
    "                      every Vietnamese letter\n"
    "  --overwrite         replace an existing output\n"
    "  --help, --version\n"
    "\n"
    "The delivery round (as `diachi round` orders it), printed for the postal\n"
    "worker: a map of the round, the numbered list of stops with their legs and\n"
    "running distance, and the letters that name no door:\n"
    "  --round LETTERS.csv a CSV of codes or addresses, one letter a row ('-': stdin)\n"
    "  --start LAT,LON     where the round starts (the post office)\n"
    "  --column COL        the letters' column, by name or number from 1\n"
    "  --keep group|door   keep a household group's doors together (the default),\n"
    "                      or only the letters of one door\n"
    "  --no-return         the round ends at its last door\n";

typedef struct args {
    const char *index, *output, *format, *qr, *font;
    const char *zone;
    const char *round, *start, *column, *keep;
    bool no_return;
    dc_plates_selection sel;
    bool one_per_page, overwrite;
} args;

static int fail(const char *problem, const char *message)
{
    int code = 3;
    static const char *const usage[] = {"usage", "unknown_placeholder", "bad_template",
                                        "output_exists", "round_start"};
    static const char *const none[] = {"unknown_zone",   "unknown_street",
                                       "unknown_group",  "unknown_code",
                                       "malformed_code", "empty_selection"};
    for (size_t i = 0; i < sizeof usage / sizeof *usage; i++)
        if (strcmp(problem, usage[i]) == 0) code = 2;
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        if (strcmp(problem, none[i]) == 0) code = 1;
    fprintf(stderr, "diachi-plates: %s: %s\n", problem, message);
    if (code == 2 && strcmp(problem, "usage") == 0)
        fprintf(stderr, "Try 'diachi-plates --help'.\n");
    return code;
}

static int parse_args(int argc, char **argv, args *a)
{
    enum {
        O_INDEX = 256,
        O_ZONE,
        O_STREET,
        O_GROUP,
        O_CODES,
        O_FORMAT,
        O_QR,
        O_ONE,
        O_FONT,
        O_OVERWRITE,
        O_HELP,
        O_VERSION,
        O_ROUND,
        O_START,
        O_COLUMN,
        O_KEEP,
        O_NO_RETURN
    };
    static const struct option opts[] = {{"index", 1, 0, O_INDEX},
                                         {"zone", 1, 0, O_ZONE},
                                         {"street", 1, 0, O_STREET},
                                         {"group", 1, 0, O_GROUP},
                                         {"codes", 1, 0, O_CODES},
                                         {"output", 1, 0, 'o'},
                                         {"format", 1, 0, O_FORMAT},
                                         {"qr", 1, 0, O_QR},
                                         {"one-per-page", 0, 0, O_ONE},
                                         {"font", 1, 0, O_FONT},
                                         {"overwrite", 0, 0, O_OVERWRITE},
                                         {"help", 0, 0, O_HELP},
                                         {"version", 0, 0, O_VERSION},
                                         {"round", 1, 0, O_ROUND},
                                         {"start", 1, 0, O_START},
                                         {"column", 1, 0, O_COLUMN},
                                         {"keep", 1, 0, O_KEEP},
                                         {"no-return", 0, 0, O_NO_RETURN},
                                         {0, 0, 0, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case O_INDEX:
            a->index = optarg;
            break;
        case O_ZONE:
            a->zone = optarg;
            break;
        case O_STREET:
            a->sel.street = optarg;
            break;
        case O_GROUP:
            a->sel.group = optarg;
            break;
        case O_CODES:
            a->sel.codes = optarg;
            break;
        case 'o':
            a->output = optarg;
            break;
        case O_FORMAT:
            a->format = optarg;
            break;
        case O_QR:
            a->qr = optarg;
            break;
        case O_ONE:
            a->one_per_page = true;
            break;
        case O_FONT:
            a->font = optarg;
            break;
        case O_OVERWRITE:
            a->overwrite = true;
            break;
        case O_ROUND:
            a->round = optarg;
            break;
        case O_START:
            a->start = optarg;
            break;
        case O_COLUMN:
            a->column = optarg;
            break;
        case O_KEEP:
            a->keep = optarg;
            break;
        case O_NO_RETURN:
            a->no_return = true;
            break;
        case O_HELP:
            fputs(usage_text, stdout);
            return 0;
        case O_VERSION:
            printf("diachi-plates %s\n", DC_VERSION);
            return 0;
        default: {
            char m[160];
            snprintf(m, sizeof m, "unknown or incomplete option '%s'", argv[optind - 1]);
            return fail("usage", m);
        }
        }
    }
    if (optind < argc) {
        char m[160];
        snprintf(m, sizeof m, "unexpected argument '%s'", argv[optind]);
        return fail("usage", m);
    }
    return -1;
}

/* The format from --format or the output's extension. */
static int output_format(const args *a, dc_plates_format *f)
{
    const char *ext = strrchr(a->output, '.');
    const char *name = a->format ? a->format : ext ? ext + 1 : "";
    if (strcmp(name, "pdf") == 0 || strcmp(name, "PDF") == 0)
        *f = DC_PLATES_PDF;
    else if (strcmp(name, "svg") == 0 || strcmp(name, "SVG") == 0)
        *f = DC_PLATES_SVG;
    else
        return fail("usage",
                    "the output is PDF or SVG: name it .pdf or .svg, or give --format");
    return -1;
}

/* The selection in words, for the sheet's footer and the PDF's title. */
static void describe(const args *a, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    if (a->zone) n += (size_t)snprintf(out + n, size - n, "zone %s", a->zone);
    if (a->sel.street && n < size)
        n += (size_t)snprintf(out + n, size - n, "%sstreet %s", n ? ", " : "",
                              a->sel.street);
    if (a->sel.group && n < size)
        n += (size_t)snprintf(out + n, size - n, "%sgroup %s", n ? ", " : "",
                              a->sel.group);
    if (a->sel.codes && n < size)
        snprintf(out + n, size - n, "%scodes from %s", n ? ", " : "",
                 strcmp(a->sel.codes, "-") ? a->sel.codes : "stdin");
}

static int run(args *a, dc_plates_options *o)
{
    dc_error err = {0};
    const char *problem = "index";
    dc_plates_font *font = NULL;
    dc_geo *geo = NULL;
    dc_plate_list list = {0};
    char title[600];
    size_t pages = 0;
    int rc = 0;
    if (dc_plates_font_open(a->font, &font, &problem, &err) != DC_OK)
        return fail(problem, err.message);
    o->font = font;
    if (dc_geo_open(a->index, &geo, &err) != DC_OK) {
        rc = fail("index", err.message);
        goto done;
    }
    if (dc_plates_select(geo, &a->sel, &list, &problem, &err) != DC_OK) {
        rc = fail(problem, err.message);
        goto done;
    }
    dc_plates_sort(&list);
    describe(a, title, sizeof title);
    o->title = title;
    if (dc_plates_render(&list, o, a->output, &pages, &problem, &err) != DC_OK) {
        rc = fail(problem, err.message);
        goto done;
    }
    fprintf(stderr, "diachi-plates: %zu plate%s on %zu page%s, %s, in %s\n", list.count,
            list.count == 1 ? "" : "s", pages, pages == 1 ? "" : "s", a->output,
            dc_plates_font_family(font));
done:
    dc_plate_list_free(&list);
    dc_geo_close(geo);
    dc_plates_font_close(font);
    return rc;
}

/* The options of --round checked, and its options filled in. */
static int round_options(const args *a, dc_plates_round_options *o)
{
    dc_error err = {0};
    if (a->zone || a->sel.street || a->sel.group || a->sel.codes || a->qr ||
        a->one_per_page)
        return fail("usage", "--round prints a round: it takes no --zone, --street, "
                             "--group, --codes, --qr or --one-per-page");
    if (!a->start) return fail("usage", "no --start LAT,LON (the post office) given");
    if (a->keep && strcmp(a->keep, "group") != 0 && strcmp(a->keep, "door") != 0)
        return fail("usage", "--keep: give group or door");
    const char *ext = strrchr(a->output, '.');
    const char *name = a->format ? a->format : ext ? ext + 1 : "";
    if (strcmp(name, "pdf") != 0 && strcmp(name, "PDF") != 0)
        return fail("usage", "a round is printed as PDF: name the output .pdf");
    if (dc_round_start_parse(a->start, strlen(a->start), &o->start_lat, &o->start_lon,
                             &err) != DC_OK) {
        char m[sizeof err.message + 64];
        snprintf(m, sizeof m, "--start %s: %s", a->start, err.message);
        return fail("round_start", m);
    }
    o->letters = a->round;
    o->column = a->column;
    o->back_to_start = !a->no_return;
    o->keep_door = a->keep && strcmp(a->keep, "door") == 0;
    o->overwrite = a->overwrite;
    return -1;
}

static int run_round(const args *a)
{
    dc_plates_round_options o = {0};
    dc_plates_round_result res;
    dc_plates_font *font = NULL;
    dc_geo *geo = NULL;
    dc_error err = {0};
    const char *problem = "index";
    dc_err e;
    int rc = round_options(a, &o);
    if (rc >= 0) return rc;
    if (dc_plates_font_open(a->font, &font, &problem, &err) != DC_OK)
        return fail(problem, err.message);
    o.font = font;
    if (dc_geo_open(a->index, &geo, &err) != DC_OK)
        rc = fail("index", err.message);
    else if ((e = dc_plates_round_render(geo, &o, a->output, &res, &problem, &err)) !=
             DC_OK) {
        rc = fail(problem, err.message);
        if (e == DC_E_NOT_FOUND) rc = 1; /* letters, none of them a door */
    } else {
        fprintf(stderr,
                "diachi-plates: %zu stop%s, %.0f m, on %zu page%s, %s; %zu "
                "unresolved\n",
                res.stops, res.stops == 1 ? "" : "s", res.length_m, res.pages,
                res.pages == 1 ? "" : "s", a->output, res.unresolved);
        rc = res.unresolved ? 1 : 0;
    }
    dc_geo_close(geo);
    dc_plates_font_close(font);
    return rc;
}

int main(int argc, char **argv)
{
    args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) return rc;
    if (!a.index) a.index = getenv("DIACHI_INDEX");
    if (!a.index) return fail("usage", "no index: give --index PATH or set DIACHI_INDEX");
    if (!a.output) return fail("usage", "no output: give -o PATH.pdf or PATH.svg");
    if (a.round || a.start || a.column || a.keep || a.no_return) {
        if (!a.round)
            return fail("usage", "--start, --column, --keep and --no-return "
                                 "go with --round LETTERS.csv");
        rc = run_round(&a);
        dc_plates_font_shutdown();
        return rc;
    }
    if (!a.zone && !a.sel.street && !a.sel.group && !a.sel.codes)
        return fail("usage",
                    "nothing selected: give --zone, --street, --group or --codes");
    if (a.zone) {
        dc_error err;
        if (dc_postcode_parse(a.zone, strlen(a.zone), &a.sel.postcode, &err) != DC_OK)
            return fail("usage", err.message);
        a.sel.has_postcode = true;
    }
    dc_plates_options o = {.overwrite = a.overwrite};
    if ((rc = output_format(&a, &o.format)) >= 0) return rc;
    dc_plates_layout_make(a.one_per_page, &o.layout);
    const char *problem;
    dc_error err;
    if (dc_plates_payload_parse(a.qr ? a.qr : "code", &o.payload, &problem, &err) !=
        DC_OK)
        return fail(problem, err.message);
    rc = run(&a, &o);
    dc_plates_font_shutdown();
    return rc;
}
