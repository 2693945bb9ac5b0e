/*
 * check_history.c - the sample imported with its two editions (issue 19,
 * shown item 1): every one of its 22,243 households' old codes (the old
 * postcode the map gives it, with the location characters of its door) is
 * looked up, and must answer status retired with the door and the current
 * code that point-in-polygon on the 2025 edition gives, computed here with
 * GEOS (through OGR) on the map's own coordinates, independently of the
 * index: 100%, with the location characters unchanged in every one. The
 * old zone 32101, split, sends households to both sides. The same
 * households answered as of 2025-06-30 (ok), on 2025-07-01 and after
 * (retired), reverse's former code, and the typo check on an old code.
 * Then the same old codes, and the current ones, through the batch's
 * conversion (dc_batch_run, options.convert, 2 threads): each old code
 * becomes GEOS's current code, with the change history.csv names for the
 * pair, and each current code comes back unchanged. Last, every
 * household's old address, as written before 2025 (house number, street,
 * old zone, old district and province), through the conversion's address
 * column: the rate that convert to GEOS's current code is printed, and
 * must not fall below OLD_ADDRESS_FLOOR. With OUT_DIR, the rows
 * (old-addresses.csv), GEOS's answers (old-addresses-truth.csv) and the
 * conversion's output (old-addresses-converted.csv) are written there for
 * the command's and the server's tests to hold theirs to.
 *
 * usage: check_history OLD_DIR NEW_DIR INDEX [OUT_DIR]
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <gdal.h>
#include <ogr_api.h>

#include "diachi/batch.h"
#include "diachi/geocoder.h"
#include "diachi/history.h"

#define MAX_ZONES 32
#define DAY_2025_06_30 20269
#define DAY_2025_07_01 20270

typedef struct zone {
    uint32_t postcode;
    OGRGeometryH geom;
    OGRPreparedGeometryH prepared;
    OGREnvelope env;
} zone;

static const char *old_dir, *new_dir, *index_path, *out_dir;
static char history_kind[100][100][16]; /* by the postcodes' last two digits */
static zone new_zones[MAX_ZONES];
static int nnew;
static dc_geo *geo;
static dc_geo_session *session;
static dc_geo_forward_result fwd;
static dc_geo_reverse_result rev;

/* The first layer of the shapefile @p dir/@p file (its dataset into *ds,
 * for GDALClose), and after @p ds pairs of a field's name and where its
 * index goes, ending with NULL: each field must be there. */
static OGRLayerH open_layer(const char *dir, const char *file, GDALDatasetH *ds, ...)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!*ds) fail_msg("cannot open %s", path);
    OGRLayerH layer = GDALDatasetGetLayer(*ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    va_list ap;
    va_start(ap, ds);
    const char *name;
    while ((name = va_arg(ap, const char *))) {
        int *index = va_arg(ap, int *);
        *index = OGR_FD_GetFieldIndex(defn, name);
        if (*index < 0) fail_msg("%s has no field %s", path, name);
    }
    va_end(ap);
    return layer;
}

static int read_zones(const char *dir, zone *out)
{
    GDALDatasetH ds;
    int fpc;
    OGRLayerH layer = open_layer(dir, "zones.shp", &ds, "POSTCODE", &fpc, NULL);
    int n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        assert_true(n < MAX_ZONES);
        zone *z = &out[n++];
        z->postcode = (uint32_t)atoi(OGR_F_GetFieldAsString(f, fpc));
        z->geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        z->prepared = OGRCreatePreparedGeometry(z->geom);
        OGR_G_GetEnvelope(z->geom, &z->env);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

/* The 2025 zone holding the map's point: exactly one must. */
static uint32_t new_postcode_at(double x, double y)
{
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, x, y);
    uint32_t found = 0;
    int count = 0;
    for (int n = 0; n < nnew; n++) {
        const OGREnvelope *e = &new_zones[n].env;
        if (x < e->MinX || x > e->MaxX || y < e->MinY || y > e->MaxY) continue;
        if (OGRPreparedGeometryIntersects(new_zones[n].prepared, pt)) {
            found = new_zones[n].postcode;
            count++;
        }
    }
    OGR_G_DestroyGeometry(pt);
    assert_int_equal(count, 1);
    return found;
}

static int setup(void **state)
{
    (void)state;
    dc_error err = {0};
    GDALAllRegister();
    nnew = read_zones(new_dir, new_zones);
    if (dc_geo_open(index_path, &geo, &err) != DC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return dc_geo_session_begin(geo, &session) == DC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dc_geo_session_end(session);
    dc_geo_close(geo);
    for (int n = 0; n < nnew; n++) {
        OGRDestroyPreparedGeometry(new_zones[n].prepared);
        OGR_G_DestroyGeometry(new_zones[n].geom);
    }
    return 0;
}

static bool lists(const dc_geo_forward_result *r, const char *id)
{
    for (size_t i = 0; i < r->nhouseholds; i++)
        if (r->households[i].id.len == strlen(id) &&
            memcmp(r->households[i].id.ptr, id, r->households[i].id.len) == 0)
            return true;
    return false;
}

/* What one household is checked for; counts kept for the summary. */
typedef struct tally {
    long households, retired, unchanged, split_sides[100];
} tally;

static void check_household(const char *id, uint32_t old_pc, double x, double y, tally *t)
{
    dc_household h;
    dc_code old;
    char text[DC_CODE_DISPLAY_SIZE], want[DC_CODE_DISPLAY_SIZE];
    uint32_t new_pc = new_postcode_at(x, y);
    assert_int_equal(
        dc_index_household_by_id(dc_geo_session_txn(session), id, strlen(id), &h), DC_OK);
    if (h.postcode != new_pc)
        fail_msg("household %s: index %05u, GEOS %05u", id, h.postcode, new_pc);
    old = h.code;
    old.postcode = old_pc;
    dc_code_format(&old, DC_CODE_DISPLAY, text, sizeof text);
    dc_code now = h.code;
    now.postcode = new_pc;
    dc_code_format(&now, DC_CODE_DISPLAY, want, sizeof want);
    assert_int_equal(dc_geo_forward(session, text, strlen(text), &fwd), DC_OK);
    if (old_pc == new_pc) { /* unchanged: a current code */
        assert_int_equal(fwd.status, DC_GEO_OK);
        t->unchanged++;
    } else {
        if (fwd.status != DC_GEO_RETIRED || !fwd.has_current)
            fail_msg("household %s: %s answered %s", id, text,
                     dc_geo_status_name(fwd.status));
        if (strcmp(fwd.current.display, want) != 0)
            fail_msg("household %s: %s became %s, GEOS says %s", id, text,
                     fwd.current.display, want);
        assert_memory_equal(fwd.current.code.location, old.location,
                            DC_CODE_LOCATION_CHARS);
        assert_int_equal(fwd.zone.postcode, old_pc);
        assert_int_equal(fwd.zone_valid_until, DAY_2025_06_30);
        t->retired++;
    }
    if (fwd.household_count <= DC_GEO_MAX_HOUSEHOLDS && !lists(&fwd, id))
        fail_msg("household %s: not among the households of %s", id, text);
    if (old_pc == 32101) t->split_sides[new_pc % 100]++;
    t->households++;
}

static void test_every_household(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    GDALDatasetH ds;
    int fpc, fid;
    OGRLayerH layer =
        open_layer(old_dir, "households.shp", &ds, "POSTCODE", &fpc, "HH_ID", &fid, NULL);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        check_household(OGR_F_GetFieldAsString(f, fid),
                        (uint32_t)atoi(OGR_F_GetFieldAsString(f, fpc)), OGR_G_GetX(g, 0),
                        OGR_G_GetY(g, 0), &t);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_int_equal(t.households, 22243);
    assert_int_equal(t.retired + t.unchanged, 22243);
    assert_true(t.unchanged > 0); /* Thanh Minh, 32108 */
    /* The split ward's households on each side of the cut. */
    assert_true(t.split_sides[50] > 0);
    assert_true(t.split_sides[51] > 0);
    printf("old codes converted: %ld retired, %ld unchanged; 32101 split %ld to 32150, "
           "%ld to 32151\n",
           t.retired, t.unchanged, t.split_sides[50], t.split_sides[51]);
}

/* A household of each kind, as of days before, on and after the change. */
static void test_as_of(void **state)
{
    (void)state;
    static const struct {
        int32_t day;
        const char *code;
        dc_geo_status status;
        const char *current; /* NULL: none */
    } cases[] = {
        /* DBP-006529: Nam Thanh (32105), now Mường Thanh (32151) */
        {DC_GEO_NOW, "32105 92HG+CFG", DC_GEO_RETIRED, "32151 92HG+CFG"},
        {19723, "32105 92HG+CFG", DC_GEO_OK, "32151 92HG+CFG"},
        {DAY_2025_06_30, "32105 92HG+CFG", DC_GEO_OK, "32151 92HG+CFG"},
        {DAY_2025_07_01, "32105 92HG+CFG", DC_GEO_RETIRED, "32151 92HG+CFG"},
        {DAY_2025_07_01 + 365, "32105 92HG+CFG", DC_GEO_RETIRED, "32151 92HG+CFG"},
        /* its current code, before the change: the postcode was not yet */
        {DAY_2025_06_30, "32151 92HG+CFG", DC_GEO_UNKNOWN_POSTCODE, NULL},
        {DAY_2025_07_01, "32151 92HG+CFG", DC_GEO_OK, NULL},
        /* an old code whose cell lies outside its old zone: the typo check */
        {DC_GEO_NOW, "32112 92HG+CFG", DC_GEO_CODE_OUTSIDE_ZONE, NULL},
        {DAY_2025_06_30, "32112 92HG+CFG", DC_GEO_CODE_OUTSIDE_ZONE, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_geo_session_at(session, cases[i].day);
        assert_int_equal(
            dc_geo_forward(session, cases[i].code, strlen(cases[i].code), &fwd), DC_OK);
        if (fwd.status != cases[i].status)
            fail_msg("case %zu: %s answered %s", i, cases[i].code,
                     dc_geo_status_name(fwd.status));
        if (cases[i].current) {
            assert_true(fwd.has_current);
            assert_string_equal(fwd.current.display, cases[i].current);
            assert_int_equal(fwd.household_count, 1);
        }
    }
    /* the typo check names the zone the place lies in, and its code there */
    dc_geo_session_at(session, DC_GEO_NOW);
    assert_int_equal(dc_geo_forward(session, "32112 92HG+CFG", 14, &fwd), DC_OK);
    assert_true(fwd.has_actual_zone);
    assert_int_equal(fwd.actual_zone.postcode, 32151);
    assert_string_equal(fwd.corrected.display, "32151 92HG+CFG");
}

static void test_reverse_former(void **state)
{
    (void)state;
    const double lat = 21.3785504, lon = 103.0262184; /* DBP-006529's door */
    static const struct {
        int32_t day;
        const char *code;
        size_t nformer;
    } cases[] = {
        {DC_GEO_NOW, "32151 92HG+CFG", 1},
        {DAY_2025_07_01, "32151 92HG+CFG", 1},
        {DAY_2025_06_30, "32105 92HG+CFG", 0},
        {19723, "32105 92HG+CFG", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_geo_session_at(session, cases[i].day);
        assert_int_equal(dc_geo_reverse(session, lat, lon, 0, 0, &rev), DC_OK);
        assert_int_equal(rev.status, DC_GEO_OK);
        assert_string_equal(rev.place.display, cases[i].code);
        assert_int_equal(rev.nformer, cases[i].nformer);
    }
    dc_geo_session_at(session, DC_GEO_NOW);
    assert_int_equal(dc_geo_reverse(session, lat, lon, 0, 0, &rev), DC_OK);
    assert_string_equal(rev.former[0].place.display, "32105 92HG+CFG");
    assert_int_equal(rev.former[0].edition, 1);
    assert_int_equal(rev.former[0].valid_until, DAY_2025_06_30);
    assert_int_equal(rev.former[0].zone.postcode, 32105);
}

/* history.csv, read here as text: the kind of each (old, new) pair. */
static void read_history_csv(void)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/history.csv", new_dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    unsigned o, n;
    char kind[16];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%5u,%5u,%15[a-z],", &o, &n, kind) == 3)
            snprintf(history_kind[o % 100][n % 100], 16, "%s", kind);
    fclose(f);
}

/* A row of the conversion's input and what it must give. */
typedef struct convert_case {
    char input[DC_CODE_DISPLAY_SIZE], want[DC_CODE_DISPLAY_SIZE];
    char change[16];
} convert_case;

static void split_fields(char *line, char **f, int n)
{
    for (int i = 0; i < n; i++) {
        f[i] = line;
        line = line ? strchr(line, ',') : NULL;
        if (line) *line++ = '\0';
    }
}

/* Every household's old code and current code through diachi batch
 * --convert's run. */
static void test_batch_convert(void **state)
{
    (void)state;
    size_t ncases = 0, cap = 50000;
    convert_case *cases = calloc(cap, sizeof *cases);
    assert_non_null(cases);
    read_history_csv();
    GDALDatasetH ds;
    int fpc, fid;
    OGRLayerH layer =
        open_layer(old_dir, "households.shp", &ds, "POSTCODE", &fpc, "HH_ID", &fid, NULL);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        const char *id = OGR_F_GetFieldAsString(f, fid);
        uint32_t old_pc = (uint32_t)atoi(OGR_F_GetFieldAsString(f, fpc));
        uint32_t new_pc = new_postcode_at(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0));
        dc_household h;
        assert_int_equal(
            dc_index_household_by_id(dc_geo_session_txn(session), id, strlen(id), &h),
            DC_OK);
        dc_code old = h.code, now = h.code;
        old.postcode = old_pc, now.postcode = new_pc;
        assert_true(ncases + 2 <= cap);
        convert_case *c = &cases[ncases++];
        dc_code_format(&old, DC_CODE_DISPLAY, c->input, sizeof c->input);
        dc_code_format(&now, DC_CODE_DISPLAY, c->want, sizeof c->want);
        snprintf(c->change, sizeof c->change, "%s",
                 old_pc == new_pc ? "unchanged"
                                  : history_kind[old_pc % 100][new_pc % 100]);
        assert_true(c->change[0]);
        convert_case *d = &cases[ncases++]; /* the current code passes through */
        memcpy(d->input, c->want, sizeof d->input);
        memcpy(d->want, c->want, sizeof d->want);
        strcpy(d->change, "unchanged");
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_int_equal(ncases, 2 * 22243);

    char *in_text = NULL, *out_text = NULL;
    size_t in_len = 0, out_len = 0;
    FILE *in = open_memstream(&in_text, &in_len);
    fprintf(in, "row,code\r\n");
    for (size_t i = 0; i < ncases; i++)
        fprintf(in, "%zu,%s\r\n", i, cases[i].input);
    fclose(in);
    in = fmemopen(in_text, in_len, "r");
    FILE *out = open_memstream(&out_text, &out_len);
    dc_batch_options opt;
    dc_batch_options_init(&opt);
    opt.convert = true;
    opt.threads = 2;
    opt.block_records = 5000; /* several blocks in flight */
    dc_batch_report rep;
    assert_int_equal(dc_batch_run(geo, in, out, &opt, &rep), DC_OK);
    fclose(in);
    fclose(out);
    assert_int_equal(rep.stats.rows, ncases);
    assert_int_equal(rep.stats.by_status[DC_BATCH_OK], ncases);

    char *line = strtok(out_text, "\r\n"), *fields[8];
    assert_string_equal(
        line, "row,code,status,current_code,zone_name,district,province,change");
    size_t seen = 0, changed = 0;
    while ((line = strtok(NULL, "\r\n"))) {
        assert_null(strchr(line, '"'));
        split_fields(line, fields, 8);
        assert_non_null(fields[7]);
        size_t i = (size_t)strtoul(fields[0], NULL, 10);
        assert_true(i == seen);
        const convert_case *c = &cases[i];
        assert_string_equal(fields[1], c->input);
        if (strcmp(fields[2], "ok") != 0 || strcmp(fields[3], c->want) != 0 ||
            strcmp(fields[7], c->change) != 0)
            fail_msg("row %zu: %s gave %s %s %s, GEOS and history.csv say %s %s", i,
                     c->input, fields[2], fields[3], fields[7], c->want, c->change);
        assert_string_equal(fields[5], ""); /* no district after 2025 */
        assert_string_equal(fields[6], "Điện Biên");
        changed += strcmp(c->input, c->want) != 0;
        seen++;
    }
    assert_int_equal(seen, ncases);
    printf("batch --convert: %zu rows, %zu old codes converted, %zu unchanged\n", seen,
           changed, seen - changed);
    free(in_text);
    free(out_text);
    free(cases);
}

/* ---- old addresses ------------------------------------------------------ */

/* The share of the sample's old addresses that must convert to GEOS's
 * code. Measured 2026-12-06: 16,766 of 22,243 (75.38%), every household
 * with a house number, no other household's code given; the 5,477 village
 * households have no number and their address names only their village
 * (no_household). The old ward and city are former names of the index, so
 * number, street, old ward and city explain the whole address. (Before
 * former names were searchable: 15,229, 68.47%, the split ward Mường
 * Thanh's households restricted to the current ward of that name.) The
 * floor leaves a little room for ranking changes, not for a broken
 * conversion. */
#define OLD_ADDRESS_FLOOR 0.75

/* An old zone's name as the map wrote it before 2025. */
typedef struct old_zone {
    uint32_t postcode;
    char kind[16], name[48], district[64], province[32];
} old_zone;

static int read_old_zones(old_zone *out)
{
    GDALDatasetH ds;
    int f_pc, f_name, f_kind, f_district, f_province;
    OGRLayerH layer =
        open_layer(old_dir, "zones.shp", &ds, "POSTCODE", &f_pc, "NAME", &f_name, "KIND",
                   &f_kind, "DISTRICT", &f_district, "PROVINCE", &f_province, NULL);
    int n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        assert_true(n < MAX_ZONES);
        old_zone *z = &out[n++];
        z->postcode = (uint32_t)atoi(OGR_F_GetFieldAsString(f, f_pc));
        snprintf(z->kind, sizeof z->kind, "%s", OGR_F_GetFieldAsString(f, f_kind));
        snprintf(z->name, sizeof z->name, "%s", OGR_F_GetFieldAsString(f, f_name));
        snprintf(z->district, sizeof z->district, "%s",
                 OGR_F_GetFieldAsString(f, f_district));
        snprintf(z->province, sizeof z->province, "%s",
                 OGR_F_GetFieldAsString(f, f_province));
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

static FILE *out_file(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "w");
    if (!f) fail_msg("cannot write %s", path);
    return f;
}

/* What the conversion of the old addresses gave, counted. */
typedef struct address_tally {
    size_t rows, right, wrong, numbered, numbered_right, by_status[DC_BATCH_NSTATUS];
} address_tally;

/* Every household's old address: "số 205/27 Ngõ 205 Hoàng Văn Thái, phường
 * Nam Thanh, Thành phố Điện Biên Phủ, tỉnh Điện Biên" (no "số" and number
 * where the map has none: a village's households), one per row of a
 * semicolon-separated CSV, and GEOS's current code of its door. */
static void test_batch_convert_addresses(void **state)
{
    (void)state;
    old_zone zones[MAX_ZONES];
    int nzones = read_old_zones(zones);
    read_history_csv();
    GDALDatasetH ds;
    int fpc, fid, fno, fstreet;
    OGRLayerH layer =
        open_layer(old_dir, "households.shp", &ds, "POSTCODE", &fpc, "HH_ID", &fid,
                   "HOUSE_NO", &fno, "STREET", &fstreet, NULL);
    size_t cap = 30000, n = 0;
    convert_case *cases = calloc(cap, sizeof *cases);
    bool *numbered = calloc(cap, sizeof *numbered);
    assert_true(cases && numbered);
    char *in_text = NULL;
    size_t in_len = 0;
    FILE *in = open_memstream(&in_text, &in_len);
    fprintf(in, "row;household;address\r\n");
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        const char *id = OGR_F_GetFieldAsString(f, fid);
        const char *number = OGR_F_GetFieldAsString(f, fno);
        uint32_t old_pc = (uint32_t)atoi(OGR_F_GetFieldAsString(f, fpc));
        uint32_t new_pc = new_postcode_at(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0));
        const old_zone *z = NULL;
        for (int k = 0; k < nzones; k++)
            if (zones[k].postcode == old_pc) z = &zones[k];
        assert_non_null(z);
        dc_household h;
        assert_int_equal(
            dc_index_household_by_id(dc_geo_session_txn(session), id, strlen(id), &h),
            DC_OK);
        dc_code now = h.code;
        now.postcode = new_pc;
        assert_true(n < cap);
        convert_case *c = &cases[n];
        dc_code_format(&now, DC_CODE_DISPLAY, c->want, sizeof c->want);
        snprintf(c->change, sizeof c->change, "%s",
                 old_pc == new_pc ? "unchanged"
                                  : history_kind[old_pc % 100][new_pc % 100]);
        numbered[n] = number[0] != '\0';
        fprintf(in, "%zu;%s;%s%s%s%s, %s %s, %s, tỉnh %s\r\n", n, id,
                numbered[n] ? "số " : "", number, numbered[n] ? " " : "",
                OGR_F_GetFieldAsString(f, fstreet), z->kind, z->name, z->district,
                z->province);
        n++;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    fclose(in);
    assert_int_equal(n, 22243);

    char *out_text = NULL;
    size_t out_len = 0;
    in = fmemopen(in_text, in_len, "r");
    FILE *out = open_memstream(&out_text, &out_len);
    dc_batch_options opt;
    dc_batch_options_init(&opt);
    opt.convert = true;
    opt.address_column = "address";
    opt.threads = 2;
    opt.block_records = 3000; /* several blocks in flight */
    dc_batch_report rep;
    assert_int_equal(dc_batch_run(geo, in, out, &opt, &rep), DC_OK);
    fclose(in);
    fclose(out);
    assert_int_equal(rep.stats.rows, n);

    /* row;household;address;status;current_code;zone_name;district;
     * province;change;match;score;error */
    address_tally t;
    memset(&t, 0, sizeof t);
    char *copy = malloc(out_len + 1), *save = NULL, *fields[12];
    assert_non_null(copy);
    memcpy(copy, out_text, out_len + 1);
    char *line = strtok_r(copy, "\r\n", &save);
    assert_string_equal(line, "row;household;address;status;current_code;zone_name;"
                              "district;province;change;match;score;error");
    while ((line = strtok_r(NULL, "\r\n", &save))) {
        for (int k = 0; k < 12; k++) {
            fields[k] = line;
            line = line ? strchr(line, ';') : NULL;
            if (line) *line++ = '\0';
        }
        assert_non_null(fields[11]);
        size_t i = (size_t)strtoul(fields[0], NULL, 10);
        assert_int_equal(i, t.rows);
        const convert_case *c = &cases[i];
        bool ok = strcmp(fields[3], "ok") == 0;
        for (int k = 0; k < DC_BATCH_NSTATUS; k++)
            if (strcmp(fields[3], dc_batch_status_name((dc_batch_status)k)) == 0)
                t.by_status[k]++;
        if (ok && strcmp(fields[4], c->want) == 0) {
            t.right++;
            t.numbered_right += numbered[i];
            if (strcmp(fields[8], c->change) != 0) /* its door's own change */
                fail_msg("row %zu: %s, change %s, history.csv says %s", i, c->want,
                         fields[8], c->change);
            assert_string_equal(fields[9], "household");
        } else if (ok) {
            t.wrong++;
        } else {
            assert_string_equal(fields[4], ""); /* no code guessed */
        }
        t.numbered += numbered[i];
        t.rows++;
    }
    assert_int_equal(t.rows, n);
    double rate = (double)t.right / (double)n;
    printf("old addresses converted to GEOS's code: %zu of %zu (%.2f%%; with a house "
           "number %zu of %zu, %.2f%%); another household %zu, no_household %zu, "
           "not_found %zu, bad_address %zu\n",
           t.right, n, 100 * rate, t.numbered_right, t.numbered,
           100.0 * (double)t.numbered_right / (double)t.numbered, t.wrong,
           t.by_status[DC_BATCH_NO_HOUSEHOLD], t.by_status[DC_BATCH_NOT_FOUND],
           t.by_status[DC_BATCH_BAD_ADDRESS]);
    if (rate < OLD_ADDRESS_FLOOR)
        fail_msg("%.4f of the old addresses converted right: the floor is %.4f", rate,
                 OLD_ADDRESS_FLOOR);
    if (out_dir) {
        FILE *o = out_file("old-addresses.csv");
        fwrite(in_text, 1, in_len, o);
        fclose(o);
        o = out_file("old-addresses-converted.csv");
        fwrite(out_text, 1, out_len, o);
        fclose(o);
        o = out_file("old-addresses-truth.csv");
        fprintf(o, "row;current_code;change\n");
        for (size_t i = 0; i < n; i++)
            fprintf(o, "%zu;%s;%s\n", i, cases[i].want, cases[i].change);
        fclose(o);
    }
    free(copy);
    free(in_text);
    free(out_text);
    free(cases);
    free(numbered);
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: check_history OLD_DIR NEW_DIR INDEX [OUT_DIR]\n");
        return 2;
    }
    old_dir = argv[1];
    new_dir = argv[2];
    index_path = argv[3];
    out_dir = argc == 5 ? argv[4] : NULL;
    if (out_dir) mkdir(out_dir, 0777); /* there already, or fopen says why not */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_household),
        cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_reverse_former),
        cmocka_unit_test(test_batch_convert),
        cmocka_unit_test(test_batch_convert_addresses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
