/* index_fixture.c - see index_fixture.h. */
#include "index_fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void fx_poly_begin(fx_poly *p)
{
    put_le32(p->data, 0);
    p->size = 4;
}

void fx_poly_ring(fx_poly *p, int hole, int n, const int32_t pts[][2])
{
    uint32_t nrings = (uint32_t)p->data[0] | (uint32_t)p->data[1] << 8;
    put_le32(p->data, nrings + 1);
    put_le32(p->data + p->size, (uint32_t)n | (hole ? DC_RING_HOLE : 0));
    p->size += 4;
    for (int i = 0; i < n; i++) {
        put_le32(p->data + p->size, (uint32_t)pts[i][0]);
        put_le32(p->data + p->size + 4, (uint32_t)pts[i][1]);
        p->size += 8;
    }
}

void fx_poly_rect(fx_poly *p, int hole, int32_t s, int32_t w, int32_t n, int32_t e)
{
    const int32_t pts[4][2] = {{s, w}, {s, e}, {n, e}, {n, w}};
    fx_poly_ring(p, hole, 4, pts);
}

dc_polygon fx_poly_get(const fx_poly *p)
{
    return (dc_polygon){p->data, p->size};
}

static void zone(fx_input *fx, int i, uint32_t postcode, const char *name,
                 int32_t ref_lat, int32_t ref_lon)
{
    fx->zones[i] = (dc_zone_input){
        .postcode = postcode,
        .name = name,
        .kind = "phường",
        .commune_code = "03127",
        .district = "Thành phố Điện Biên Phủ",
        .province = "Điện Biên",
        .ref_lat_e7 = ref_lat,
        .ref_lon_e7 = ref_lon,
        .polygon = fx_poly_get(&fx->polys[i]),
    };
}

static void zones(fx_input *fx)
{
    fx_poly *p = fx->polys;
    for (int i = 0; i < FX_NZONES; i++)
        fx_poly_begin(&p[i]);
    fx_poly_rect(&p[0], 0, 213800000, 1030000000, 213900000, 1030100000);
    fx_poly_rect(&p[1], 0, 213800000, 1030100000, 213900000, 1030200000);
    fx_poly_rect(&p[2], 0, 213900000, 1030000000, 214000000, 1030200000);
    fx_poly_rect(&p[2], 1, 213930000, 1030050000, 213970000, 1030150000);
    fx_poly_rect(&p[3], 0, 213930000, 1030050000, 213970000, 1030150000);
    fx_poly_rect(&p[4], 0, 213700000, 1030000000, 213750000, 1030050000);
    fx_poly_rect(&p[4], 0, 213700000, 1030150000, 213750000, 1030200000);
    zone(fx, 0, 32101, "Him Lam", 213850000, 1030050000);
    zone(fx, 1, 32102, "Tân Thanh", 213850000, 1030150000);
    zone(fx, 2, 32103, "Mường Thanh", 213950000, 1030100000);
    zone(fx, 3, 32104, "Noong Bua", 213950000, 1030100000);
    zone(fx, 4, 32105, "Thanh Bình", 213725000, 1030100000);
}

static void household(fx_input *fx, int i, const char *id, uint32_t postcode, int32_t lat,
                      int32_t lon, const char *number, const char *street,
                      const char *group)
{
    fx->households[i] = (dc_household_input){.lat_e7 = lat,
                                             .lon_e7 = lon,
                                             .postcode = postcode,
                                             .id = id,
                                             .house_number = number,
                                             .street = street,
                                             .group = group};
}

void fx_input_make(fx_input *fx)
{
    memset(fx, 0, sizeof *fx);
    zones(fx);
    household(fx, 0, "DBP-000001", 32101, 213850000, 1030050000, "12", "Võ Nguyên Giáp",
              "Tổ 1");
    household(fx, 1, "DBP-000002", 32101, 213850000, 1030050000, "12A", "Võ Nguyên Giáp",
              "Tổ 1");
    household(fx, 2, "DBP-000003", 32102, 213855000, 1030150000, "7", "Trường Chinh",
              NULL);
    household(fx, 3, "DBP-000004", 32103, 213910000, 1030020000, "3", "Võ Nguyên Giáp",
              "Tổ 5");
    household(fx, 4, "DBP-000005", 32104, 213950000, 1030100000, NULL, NULL, NULL);
    household(fx, 5, "DBP-000006", 32105, 213720000, 1030170000, "1", "Hoàng Văn Thái",
              "");
    household(fx, 6, "DBP-000007", 32102, 213860000, 1030100000, "9", "Trường Chinh",
              "Tổ 2");
    household(fx, 7, "DBP-000008", 32101, 213851000, 1030051000, "14", "Võ Nguyên Giáp",
              "Tổ 1");
    fx->sources[0] = (dc_source_info){"zones.shp", 123, 1700000000};
    fx->in = (dc_index_build_input){
        .zones = fx->zones,
        .nzones = FX_NZONES,
        .households = fx->households,
        .nhouseholds = FX_NHOUSEHOLDS,
        .sources = fx->sources,
        .nsources = 1,
        .build_time = 1717171717,
    };
}

void fx_history_make(fx_input *fx, fx_history *h)
{
    memset(h, 0, sizeof *h);
    fx_poly_begin(&h->poly);
    fx_poly_rect(&h->poly, 0, 213800000, 1030000000, 213900000, 1030200000);
    h->editions[0] =
        (dc_edition_input){DC_DATE_OPEN_START, FX_DAY_2025_06_30, "old/zones.shp"};
    h->editions[1] =
        (dc_edition_input){FX_DAY_2025_07_01, DC_DATE_OPEN_END, "new/zones.shp"};
    h->past[0].zone = fx->zones[2]; /* 32103, unchanged */
    h->past[0].first_edition = h->past[0].last_edition = 1;
    h->past[1].zone = (dc_zone_input){
        .postcode = 32191,
        .name = "Phường Cũ",
        .kind = "phường",
        .commune_code = "03100",
        .district = "Thành phố Điện Biên Phủ",
        .province = "Điện Biên",
        .ref_lat_e7 = 213850000,
        .ref_lon_e7 = 1030100000,
        .polygon = fx_poly_get(&h->poly),
    };
    h->past[1].first_edition = h->past[1].last_edition = 1;
    h->rows[0] = (dc_history_input){32191, 32102, DC_HISTORY_SPLIT, FX_DAY_2025_07_01};
    h->rows[1] =
        (dc_history_input){32103, 32103, DC_HISTORY_UNCHANGED, FX_DAY_2025_07_01};
    h->rows[2] = (dc_history_input){32191, 32101, DC_HISTORY_SPLIT, FX_DAY_2025_07_01};
    h->build = (dc_history_build){h->editions, 2, h->past, 2, h->rows, 3};
    fx->in.history = &h->build;
}

static char tmpdir[256];

const char *fx_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/dc_index_test.XXXXXX", base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) abort();
    }
    return tmpdir;
}

const char *fx_path(const char *name)
{
    static char paths[8][512];
    static int slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 512, "%s/%s", fx_tmpdir(), name);
    return p;
}

int fx_dir_entries(void)
{
    DIR *d = opendir(fx_tmpdir());
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

void fx_cleanup(void)
{
    if (!tmpdir[0]) return;
    DIR *d = opendir(tmpdir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlink(fx_path(e->d_name));
    if (d) closedir(d);
    rmdir(tmpdir);
    tmpdir[0] = '\0';
}
