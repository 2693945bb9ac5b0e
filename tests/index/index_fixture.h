/*
 * index_fixture.h - hand-made zones and households near Điện Biên Phủ
 * (21.38 N, 103.01 E) for the index tests, and a temporary directory.
 *
 *   32103 C  lat 21.390..21.400, lon 103.000..103.020, with a hole
 *            21.393..21.397 x 103.005..103.015
 *   32104 D  the hole of C, as an island zone
 *   32101 A  lat 21.380..21.390, lon 103.000..103.010
 *   32102 B  lat 21.380..21.390, lon 103.010..103.020 (shares A's east edge)
 *   32105 E  two parts: 21.370..21.375 x 103.000..103.005 and x 103.015..103.020
 */
#ifndef DC_TEST_INDEX_FIXTURE_H
#define DC_TEST_INDEX_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "diachi/history.h"
#include "diachi/index.h"

/* A polygon under construction: a blob in the layout of dc_polygon. */
typedef struct fx_poly {
    uint8_t data[1024];
    size_t size;
} fx_poly;

void fx_poly_begin(fx_poly *p);
/* Append a ring of n (lat_e7, lon_e7) points. */
void fx_poly_ring(fx_poly *p, int hole, int n, const int32_t pts[][2]);
/* Append an axis-aligned rectangle ring. */
void fx_poly_rect(fx_poly *p, int hole, int32_t south, int32_t west, int32_t north,
                  int32_t east);
dc_polygon fx_poly_get(const fx_poly *p);

#define FX_NZONES 5
#define FX_NHOUSEHOLDS 8

/* The fixture's zones and households, freshly made (households are sorted
 * by a build, so tests start from a new copy). */
typedef struct fx_input {
    fx_poly polys[FX_NZONES];
    dc_zone_input zones[FX_NZONES];
    dc_household_input households[FX_NHOUSEHOLDS];
    dc_source_info sources[1];
    dc_index_build_input in;
} fx_input;

void fx_input_make(fx_input *fx);

/*
 * Two editions of the fixture's zones: edition 1 (until 2025-06-30) had
 *   32191 Z  lat 21.380..21.390, lon 103.000..103.020 (A and B as one),
 *            reference 21.385, 103.010; split into A and B
 *   32103 C  as now (unchanged, the same reference point)
 * and edition 2 (from 2025-07-01) is the fixture's zones. Rows: 32191 ->
 * 32101 split, 32191 -> 32102 split, 32103 -> 32103 unchanged.
 */
typedef struct fx_history {
    fx_poly poly;
    dc_edition_input editions[2];
    dc_past_zone_input past[2];
    dc_history_input rows[3];
    dc_history_build build;
} fx_history;

/* Fill @p h and point fx->in.history at it (both must outlive the build). */
void fx_history_make(fx_input *fx, fx_history *h);

#define FX_DAY_2025_06_30 20269
#define FX_DAY_2025_07_01 20270

/* A fresh temporary directory, and a path inside it (static buffer per call
 * slot: use the result before calling again with the same slot). */
const char *fx_tmpdir(void);
const char *fx_path(const char *name);
/* Remove the temporary directory and everything in it. */
void fx_cleanup(void);
/* Number of entries in the temporary directory. */
int fx_dir_entries(void);

#endif
