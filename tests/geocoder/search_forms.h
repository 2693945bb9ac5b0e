/*
 * search_forms.h - a household's address written six ways, as people
 * write it (issue 18's query set): in full with tones; without tones;
 * abbreviated; its parts reordered; without its ward; with one typo in
 * the street. For the search's accuracy test and its benchmark.
 */
#ifndef DC_SEARCH_FORMS_H
#define DC_SEARCH_FORMS_H

#include <stdbool.h>
#include <stddef.h>

#include "diachi/index.h"

typedef enum search_form {
    FORM_FULL, /* số 12/3 Ngõ 12 Võ Nguyên Giáp, Tổ dân phố 5, phường Mường
                  Thanh, Thành phố Điện Biên Phủ, tỉnh Điện Biên */
    FORM_FOLDED, /* the same without tones: so 12/3 Ngo 12 Vo Nguyen Giap, ... */
    FORM_ABBREV, /* 12/3 Ngõ 12 Võ Nguyên Giáp, TDP 5, P. Mường Thanh, TP. Điện
                    Biên Phủ, T. Điện Biên */
    FORM_REORDERED, /* phường Mường Thanh, Tổ dân phố 5, Ngõ 12 Võ Nguyên Giáp số
                       12/3, Thành phố Điện Biên Phủ, tỉnh Điện Biên */
    FORM_NO_WARD, /* the full form without "phường Mường Thanh" */
    FORM_TYPO,    /* the full form with one edit in a street word of 5 letters
                     or more (a letter left out, replaced, added, or two swapped) */
    FORM_PHONE,   /* as typed on a phone: house number, street and ward without
                     tones, words or commas: 12/3 ngo 12 vo nguyen giap muong thanh */
    FORM_BARE, /* no locality at all: số 12/3 Ngõ 12 Võ Nguyên Giáp, Tổ dân phố 5
                  (the door, and the group when it is not the street) */
    FORM_COUNT
} search_form;

const char *search_form_name(search_form f);

/* The query of form @p f for household @p h of zone @p z into @p out
 * (NUL-terminated); false when the household has no such form (a typo
 * needs a street word of 5 letters or more) or it does not fit. @p seed
 * picks the typo. */
bool search_form_make(search_form f, const dc_household *h, const dc_zone *z,
                      unsigned seed, char *out, size_t size);

/* @p in (NUL-terminated) without diacritics, đ as d, into @p out; false
 * when it does not fit. */
bool search_fold(const char *in, char *out, size_t size);

#endif
