/*
 * layout.c - where plates go on a page (diachi/plates.h). A plate is
 * 95 x 60 mm: the code in display form fits across it at about 9 mm cap
 * height (readable from the street door), and the QR code beside the
 * address is 36 mm square, which a phone reads at arm's length. Two
 * columns of four fill an A4 sheet with gutters wide enough for the cut
 * marks of both neighbours.
 */
#include "diachi/plates.h"

#define MM DC_PLATES_PT_PER_MM

void dc_plates_layout_make(bool one_per_page, dc_plates_layout *out)
{
    dc_plates_layout l = {0};
    l.plate_w = 95 * MM;
    l.plate_h = 60 * MM;
    if (one_per_page) {
        l.page_w = l.plate_w;
        l.page_h = l.plate_h;
        l.cols = l.rows = 1;
    } else {
        l.page_w = 210 * MM;
        l.page_h = 297 * MM;
        l.cols = 2;
        l.rows = 4;
        l.gutter = 8 * MM;
        l.cut_marks = true;
        l.left = (l.page_w - l.cols * l.plate_w - (l.cols - 1) * l.gutter) / 2;
        l.top = (l.page_h - l.rows * l.plate_h - (l.rows - 1) * l.gutter) / 2;
    }
    *out = l;
}

int dc_plates_per_page(const dc_plates_layout *l)
{
    return l->cols * l->rows;
}

size_t dc_plates_page_count(const dc_plates_layout *l, size_t nplates)
{
    size_t per = (size_t)dc_plates_per_page(l);
    return per ? (nplates + per - 1) / per : 0;
}

void dc_plates_slot(const dc_plates_layout *l, int slot, double *x, double *y)
{
    int col = slot % l->cols, row = slot / l->cols;
    *x = l->left + col * (l->plate_w + l->gutter);
    *y = l->top + row * (l->plate_h + l->gutter);
}
