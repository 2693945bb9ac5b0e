/*
 * order.c - plates in the order they stand along the street
 * (diachi/plates.h): zone, street, house number. House numbers are
 * compared part by part as numbers, so "9" comes before "10" and "21/3"
 * (house 3 of alley 21) before "21/12"; the folded street names are made
 * once per plate, not once per comparison.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/plates.h"
#include "diachi/text.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* One '/'-separated part: [letters][digits][rest]. */
typedef struct house_part {
    const char *letters, *digits, *rest;
    size_t nletters, ndigits, nrest;
} house_part;

static const char *split_part(const char *s, house_part *p)
{
    const char *end = strchr(s, '/');
    if (!end) end = s + strlen(s);
    p->letters = s;
    while (s < end && !is_digit(*s))
        s++;
    p->nletters = (size_t)(s - p->letters);
    while (s < end && *s == '0' && s + 1 < end && is_digit(s[1]))
        s++; /* leading zeros do not count */
    p->digits = s;
    while (s < end && is_digit(*s))
        s++;
    p->ndigits = (size_t)(s - p->digits);
    p->rest = s;
    p->nrest = (size_t)(end - s);
    if (p->ndigits == 0) { /* no number: the whole part is its text */
        p->rest = p->letters;
        p->nrest = (size_t)(end - p->letters);
        p->nletters = 0;
    }
    return *end ? end + 1 : end;
}

static int text_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++) {
        char x = lower(a[i]), y = lower(b[i]);
        if (x != y) return (unsigned char)x < (unsigned char)y ? -1 : 1;
    }
    return na < nb ? -1 : na > nb;
}

static int part_cmp(const house_part *a, const house_part *b)
{
    if ((a->ndigits == 0) != (b->ndigits == 0)) return a->ndigits == 0 ? 1 : -1;
    if (a->ndigits != b->ndigits) return a->ndigits < b->ndigits ? -1 : 1;
    int c = memcmp(a->digits, b->digits, a->ndigits);
    if (c) return c < 0 ? -1 : 1;
    c = text_cmp(a->rest, a->nrest, b->rest, b->nrest);
    if (c) return c;
    return text_cmp(a->letters, a->nletters, b->letters, b->nletters);
}

static bool has_digit(const char *s)
{
    for (; *s; s++)
        if (is_digit(*s)) return true;
    return false;
}

int dc_plates_house_cmp(const char *a, const char *b)
{
    if (!a) a = "";
    if (!b) b = "";
    if ((*a == '\0') != (*b == '\0')) return *a ? -1 : 1;
    bool da = has_digit(a), db = has_digit(b);
    if (da != db) return da ? -1 : 1;
    while (*a && *b) {
        house_part pa, pb;
        a = split_part(a, &pa);
        b = split_part(b, &pb);
        int c = part_cmp(&pa, &pb);
        if (c) return c;
    }
    if (*a || *b) return *a ? 1 : -1;
    return 0;
}

/* A plate with its street's folded name, made once for the sort. */
typedef struct sort_item {
    dc_plate plate;
    char *folded;
    double along; /* unnumbered: where it stands along its street's axis */
} sort_item;

static int strcmp_null(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int item_cmp(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    if (a->plate.postcode != b->plate.postcode)
        return a->plate.postcode < b->plate.postcode ? -1 : 1;
    bool sa = a->plate.street[0] != '\0', sb = b->plate.street[0] != '\0';
    if (sa != sb) return sa ? -1 : 1;
    int c = strcmp_null(a->folded, b->folded);
    if (c) return c;
    c = dc_plates_house_cmp(a->plate.house_number, b->plate.house_number);
    if (c) return c;
    c = strcmp(a->plate.street, b->plate.street);
    if (c) return c;
    c = strcmp(a->plate.id, b->plate.id);
    if (c) return c;
    return a->plate.number < b->plate.number ? -1 : a->plate.number > b->plate.number;
}

static int along_cmp(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    if (a->along != b->along) return a->along < b->along ? -1 : 1;
    int c = strcmp(a->plate.id, b->plate.id);
    if (c) return c;
    return a->plate.number < b->plate.number ? -1 : a->plate.number > b->plate.number;
}

/* Households without a number (a hamlet's) in the order they stand along
 * the line that fits them best (their principal axis, through their mean),
 * west to east (south to north for a line due north). Positions are taken
 * in a local plane: longitude scaled by the cosine of the latitude. */
static void order_along(sort_item *run, size_t n)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    double k = cos(run[0].plate.lat_e7 * 1e-7 * 3.14159265358979323846 / 180);
    for (size_t i = 0; i < n; i++) {
        mx += run[i].plate.lon_e7 * k / n;
        my += run[i].plate.lat_e7 / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        double dx = run[i].plate.lon_e7 * k - mx, dy = run[i].plate.lat_e7 - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    double t = 0.5 * atan2(2 * sxy, sxx - syy), ax = cos(t), ay = sin(t);
    if (ax < 1e-12 && ay < 0) ay = -ay;
    for (size_t i = 0; i < n; i++)
        run[i].along =
            (run[i].plate.lon_e7 * k - mx) * ax + (run[i].plate.lat_e7 - my) * ay;
    qsort(run, n, sizeof *run, along_cmp);
}

/* After the sort, each street's households without a number are a run at
 * its end. */
static void order_unnumbered(sort_item *items, size_t count)
{
    for (size_t i = 0; i < count;) {
        size_t j = i + 1;
        if (items[i].plate.house_number[0] != '\0') {
            i = j;
            continue;
        }
        while (j < count && items[j].plate.house_number[0] == '\0' &&
               items[j].plate.postcode == items[i].plate.postcode &&
               strcmp_null(items[j].folded, items[i].folded) == 0)
            j++;
        if (j - i > 1) order_along(items + i, j - i);
        i = j;
    }
}

void dc_plates_sort(dc_plate_list *list)
{
    if (!list || list->count < 2) return;
    sort_item *items = calloc(list->count, sizeof *items);
    char *folded = items ? malloc(DC_TEXT_SIZE) : NULL;
    for (size_t i = 0; items && i < list->count; i++) {
        items[i].plate = list->plates[i];
        const char *s = list->plates[i].street;
        if (folded && dc_text_fold(s, strlen(s), folded, DC_TEXT_SIZE, NULL) == DC_OK)
            items[i].folded = strdup(folded);
    }
    free(folded);
    if (!items) return; /* out of memory: the plates stay as selected */
    qsort(items, list->count, sizeof *items, item_cmp);
    order_unnumbered(items, list->count);
    for (size_t i = 0; i < list->count; i++) {
        list->plates[i] = items[i].plate;
        free(items[i].folded);
    }
    free(items);
}
