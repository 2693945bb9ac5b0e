/*
 * test_source.c - the importer's source layer (importer/src/source.h):
 * field roles, folder expansion, encodings, CRS handling and accuracy,
 * layer problems, and reading the sample and edge-case maps.
 *
 *   test_source WORKDIR                  fixtures written into WORKDIR
 *   test_source WORKDIR sample DIR       + the Điện Biên Phủ sample map
 *   test_source WORKDIR edge DIR         + the edge-case maps
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "source.h"
#include "source_internal.h" /* dc_source_set_fast_path */

static const char *workdir;
static const char *datadir;

/* ---- fixtures ---------------------------------------------------------- */

static void mkdirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(buf, 0755);
        *p = '/';
    }
    mkdir(buf, 0755);
}

static char *work_path(const char *name)
{
    static char buf[8][1024];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", workdir, name);
    return p;
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

typedef struct fixture_field {
    const char *name;
    OGRFieldType type;
} fixture_field;

/* One feature: WKT (NULL: no geometry) and a value per field (NULL: null).
 * Values are written as raw bytes (no recoding). */
typedef struct fixture_row {
    const char *wkt;
    const char *values[6];
} fixture_row;

/* A shapefile (or a GeoJSON file, by the name's extension) at
 * WORKDIR/name; epsg 0 writes no .prj. */
static void write_shapefile(const char *name, int epsg, OGRwkbGeometryType type,
                            const fixture_field *fields, size_t nfields,
                            const fixture_row *rows, size_t nrows)
{
    const char *path = work_path(name);
    bool json = strstr(name, ".geojson") != NULL;
    GDALDriverH drv = GDALGetDriverByName(json ? "GeoJSON" : "ESRI Shapefile");
    CPLPushErrorHandler(CPLQuietErrorHandler); /* nothing to delete the first time */
    GDALDeleteDataset(drv, path);
    CPLPopErrorHandler();
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH srs = NULL;
    if (epsg) {
        srs = OSRNewSpatialReference(NULL);
        assert_int_equal(OSRImportFromEPSG(srs, epsg), OGRERR_NONE);
    }
    char **lco = json ? NULL : CSLSetNameValue(NULL, "ENCODING", "");
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "layer", srs, type, lco);
    CSLDestroy(lco);
    if (srs) OSRDestroySpatialReference(srs);
    assert_non_null(layer);
    for (size_t i = 0; i < nfields; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i].name, fields[i].type);
        OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    for (size_t r = 0; r < nrows; r++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        for (size_t i = 0; i < nfields; i++)
            if (rows[r].values[i]) OGR_F_SetFieldString(f, (int)i, rows[r].values[i]);
        if (rows[r].wkt) {
            OGRGeometryH g = NULL;
            char *wkt = (char *)rows[r].wkt;
            assert_int_equal(OGR_G_CreateFromWkt(&wkt, NULL, &g), OGRERR_NONE);
            OGR_F_SetGeometryDirectly(f, g);
        }
        assert_int_equal(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
}

static const fixture_field hh_fields[] = {
    {"HH_ID", OFTString}, {"HOUSE_NO", OFTString}, {"STREET", OFTString},
    {"GROUP", OFTString}, {"CODE", OFTInteger},
};

static void households_at(const char *name, int epsg, double x, double y)
{
    char wkt[128];
    snprintf(wkt, sizeof wkt, "POINT (%.10f %.10f)", x, y);
    fixture_row row = {wkt, {"H-1", "12", "Võ Nguyên Giáp", "tổ 3", "32101"}};
    write_shapefile(name, epsg, wkbPoint, hh_fields, 5, &row, 1);
}

/* ---- collecting what the source reads ----------------------------------- */

#define MAX_SEEN 64

typedef struct seen {
    size_t n;
    dc_source_household hh[MAX_SEEN];
    char fields[MAX_SEEN][DC_MAX_ROLES][64];
    bool null_field[MAX_SEEN][DC_MAX_ROLES];
    char geometry_type[MAX_SEEN][32];
    char layer[MAX_SEEN][32]; /* origin.layer lives only during the callback */
    double first_x[MAX_SEEN], first_y[MAX_SEEN];
    int stop_after; /* return 7 after this many; 0: never */
} seen;

static void keep_fields(seen *s, const char *const *fields, int count)
{
    for (int r = 0; r < count; r++) {
        s->null_field[s->n][r] = fields[r] == NULL;
        snprintf(s->fields[s->n][r], sizeof s->fields[0][0], "%s",
                 fields[r] ? fields[r] : "");
    }
}

static int on_household(void *ctx, dc_source_household *hh)
{
    seen *s = ctx;
    if (s->n < MAX_SEEN) {
        s->hh[s->n] = *hh;
        snprintf(s->layer[s->n], sizeof s->layer[0], "%s", hh->origin.layer);
        keep_fields(s, hh->fields, DC_HH_ROLES);
        s->n++;
    }
    return s->stop_after && (int)s->n >= s->stop_after ? 7 : 0;
}

static int on_zone(void *ctx, dc_source_zone *zone)
{
    seen *s = ctx;
    if (s->n >= MAX_SEEN) return 0;
    keep_fields(s, zone->fields, DC_ZONE_ROLES);
    s->hh[s->n].origin = zone->origin;
    s->geometry_type[s->n][0] = '\0';
    if (zone->geometry) {
        snprintf(s->geometry_type[s->n], sizeof s->geometry_type[0], "%s",
                 OGR_G_GetGeometryName(zone->geometry));
        OGRGeometryH g = zone->geometry;
        while (OGR_G_GetGeometryCount(g) > 0)
            g = OGR_G_GetGeometryRef(g, 0);
        s->first_x[s->n] = OGR_G_GetX(g, 0);
        s->first_y[s->n] = OGR_G_GetY(g, 0);
    }
    s->n++;
    return 0;
}

static dc_source_list *open_one(const char *path)
{
    dc_source_list *list = NULL;
    dc_error err;
    assert_int_equal(dc_source_list_open(&path, 1, &list, &err), DC_OK);
    assert_int_equal(dc_source_list_count(list), 1);
    return list;
}

/* A problem's strings live as long as the list: keep copies past its close. */
static void keep_problem(dc_source_problem *problem)
{
    static char source[1024], layer[256];
    snprintf(source, sizeof source, "%s", problem->source ? problem->source : "");
    snprintf(layer, sizeof layer, "%s", problem->layer ? problem->layer : "");
    problem->source = source;
    problem->layer = layer;
}

static dc_err read_households(const char *path, const dc_source_options *opt, seen *s,
                              dc_source_problem *problem)
{
    dc_source_list *list = open_one(path);
    memset(s->fields, 0, sizeof s->fields);
    s->n = 0;
    dc_err rc = dc_source_read_households(list, 0, opt, on_household, s, problem);
    if (rc == DC_E_INVALID_ARG || rc == DC_E_IO) keep_problem(problem);
    dc_source_list_close(list);
    return rc;
}

static dc_err read_zones(const char *path, const dc_source_options *opt, seen *s,
                         dc_source_problem *problem)
{
    dc_source_list *list = open_one(path);
    s->n = 0;
    dc_err rc = dc_source_read_zones(list, 0, opt, on_zone, s, problem);
    if (rc == DC_E_INVALID_ARG) keep_problem(problem);
    dc_source_list_close(list);
    return rc;
}

/* Distance in metres between two WGS 84 positions a few metres apart. */
static double metres(double lat1, double lon1, double lat2, double lon2)
{
    double dy = (lat1 - lat2) * 111320.0;
    double dx = (lon1 - lon2) * 111320.0 * cos(lat1 * M_PI / 180.0);
    return sqrt(dx * dx + dy * dy);
}

/* ---- the point-shapefile fast path against OGR -------------------------- */

typedef struct hh_copy {
    int64_t fid;
    bool has_point, not_point;
    double lat, lon;
    char fields[DC_HH_ROLES][80];
    bool null_field[DC_HH_ROLES];
} hh_copy;

typedef struct hh_log {
    hh_copy *items;
    size_t n, cap, compared;
    const struct hh_log *expect; /* when set: compare instead of keeping */
} hh_log;

static void copy_household(const dc_source_household *hh, hh_copy *c)
{
    memset(c, 0, sizeof *c);
    c->fid = hh->origin.fid;
    c->has_point = hh->has_point;
    c->not_point = hh->not_point;
    c->lat = hh->lat;
    c->lon = hh->lon;
    for (int r = 0; r < DC_HH_ROLES; r++) {
        c->null_field[r] = hh->fields[r] == NULL;
        if (hh->fields[r])
            snprintf(c->fields[r], sizeof c->fields[r], "%s", hh->fields[r]);
    }
}

static int log_household(void *ctx, dc_source_household *hh)
{
    hh_log *log = ctx;
    hh_copy c;
    copy_household(hh, &c);
    if (log->expect) {
        assert_true(log->compared < log->expect->n);
        const hh_copy *e = &log->expect->items[log->compared++];
        if (memcmp(e, &c, sizeof c) != 0)
            fail_msg(
                "fid %lld: fast path (%d %d %.10f %.10f '%s' '%s') vs OGR (%d %d %.10f "
                "%.10f '%s' '%s')",
                (long long)c.fid, c.has_point, c.not_point, c.lat, c.lon, c.fields[0],
                c.fields[1], e->has_point, e->not_point, e->lat, e->lon, e->fields[0],
                e->fields[1]);
        return 0;
    }
    if (log->n == log->cap) {
        log->cap = log->cap ? 2 * log->cap : 1024;
        log->items = realloc(log->items, log->cap * sizeof *log->items);
        assert_non_null(log->items);
    }
    log->items[log->n++] = c;
    return 0;
}

/* Read @p path through OGR, then through the fast path, and require the
 * same households, field for field and bit for bit. */
static size_t assert_fast_path_agrees(const char *path, const dc_source_options *opt)
{
    dc_source_list *list = open_one(path);
    dc_source_problem problem = {0};
    hh_log ogr = {0}, fast = {.expect = &ogr};
    dc_source_set_fast_path(false);
    assert_int_equal(
        dc_source_read_households(list, 0, opt, log_household, &ogr, &problem), DC_OK);
    dc_source_set_fast_path(true);
    assert_int_equal(
        dc_source_read_households(list, 0, opt, log_household, &fast, &problem), DC_OK);
    assert_int_equal(fast.compared, ogr.n);
    if (strstr(path, "/fast.shp")) { /* one garbage point spoils no other */
        assert_true(ogr.items[0].has_point);
        assert_true(metres(ogr.items[0].lat, ogr.items[0].lon, 21.3843509, 103.0192523) <
                    0.5);
        assert_string_equal(ogr.items[0].fields[DC_HH_HOUSE_NUMBER], "12A");
        assert_string_equal(ogr.items[3].fields[DC_HH_STREET], "Mường");
        assert_false(ogr.items[4].has_point); /* H-6 at 1e30 */
        assert_false(ogr.items[4].not_point);
        assert_int_equal(ogr.items[4].fid, 5);
        assert_string_equal(ogr.items[5].fields[DC_HH_GROUP], "2147483647");
    }
    free(ogr.items);
    dc_source_list_close(list);
    return ogr.n;
}

static void test_fast_path_agrees(void **state)
{
    (void)state;
    static const fixture_field fields[] = {
        {"HH_ID", OFTString},  {"HOUSE_NO", OFTString}, {"STREET", OFTString},
        {"GROUP", OFTInteger}, {"CODE", OFTInteger64},
    };
    static const fixture_row rows[] = {
        {"POINT (501800.123456789 2365500.987654321)",
         {"H-1", "  12A ", "Him Lam", "3", "32101"}},
        {NULL, {"H-2", NULL, NULL, NULL, NULL}},
        {"POINT (501801 2365501)", {"H-3", "", " ", "-7", "1234567890123"}},
        {"POINT (0 0)", {"H-4", "x", "M\xAD\xEAng", "0", "0"}},
        {"POINT (501802 2365502)", {"H-5", "dropped", NULL, "1", "1"}},
        {"POINT (1e30 1e30)", {"H-6", "far", NULL, "1", "1"}},
        {"POINT (501803 2365503)", {"H-7", "last", NULL, "2147483647", "-1"}},
    };
    write_shapefile("fast.shp", 9205, wkbPoint, fields, 5, rows, 7);
    /* a deleted record: OGR skips it, and so must the fast path */
    const char *path = work_path("fast.shp");
    const char *open_options[] = {"AUTO_REPACK=NO", NULL};
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, open_options, NULL);
    assert_non_null(ds);
    assert_int_equal(OGR_L_DeleteFeature(GDALDatasetGetLayer(ds, 0), 4), OGRERR_NONE);
    GDALClose(ds);
    write_file(work_path("fast.cpg"), "TCVN3", 5);
    assert_int_equal(assert_fast_path_agrees(path, NULL), 6);

    static const fixture_row multi[] = {
        {"MULTIPOINT ((501800 2365500))", {"M-1"}},
        {"MULTIPOINT ((501800 2365500),(501801 2365501))", {"M-2"}},
        {NULL, {"M-3"}},
    };
    write_shapefile("fast-multi.shp", 9205, wkbMultiPoint, hh_fields, 1, multi, 3);
    assert_int_equal(assert_fast_path_agrees(work_path("fast-multi.shp"), NULL), 3);
    dc_source_options opt = {.srs = "EPSG:9205"};
    households_at("fast-noprj.shp", 0, 501800, 2365500);
    assert_int_equal(assert_fast_path_agrees(work_path("fast-noprj.shp"), &opt), 1);
}

/* ---- roles ------------------------------------------------------------- */

static void test_roles(void **state)
{
    (void)state;
    static const struct {
        dc_layer_kind kind;
        int role;
        const char *name, *field;
    } cases[] = {
        {DC_LAYER_ZONES, DC_ZONE_POSTCODE, "postcode", "POSTCODE"},
        {DC_LAYER_ZONES, DC_ZONE_NAME, "name", "NAME"},
        {DC_LAYER_ZONES, DC_ZONE_KIND, "kind", "KIND"},
        {DC_LAYER_ZONES, DC_ZONE_COMMUNE, "commune_code", "COMMUNE"},
        {DC_LAYER_ZONES, DC_ZONE_DISTRICT, "district", "DISTRICT"},
        {DC_LAYER_ZONES, DC_ZONE_PROVINCE, "province", "PROVINCE"},
        {DC_LAYER_HOUSEHOLDS, DC_HH_ID, "id", "HH_ID"},
        {DC_LAYER_HOUSEHOLDS, DC_HH_HOUSE_NUMBER, "house_number", "HOUSE_NO"},
        {DC_LAYER_HOUSEHOLDS, DC_HH_STREET, "street", "STREET"},
        {DC_LAYER_HOUSEHOLDS, DC_HH_GROUP, "group", "GROUP"},
        {DC_LAYER_HOUSEHOLDS, DC_HH_CODE, "code", "CODE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(dc_role_name(cases[i].kind, cases[i].role), cases[i].name);
        assert_string_equal(dc_role_default_field(cases[i].kind, cases[i].role),
                            cases[i].field);
        assert_int_equal(dc_role_find(cases[i].kind, cases[i].name), cases[i].role);
    }
    assert_int_equal(dc_role_count(DC_LAYER_ZONES), 6);
    assert_int_equal(dc_role_count(DC_LAYER_HOUSEHOLDS), 5);
    assert_int_equal(dc_role_find(DC_LAYER_ZONES, "id"), -1);
    assert_int_equal(dc_role_find(DC_LAYER_HOUSEHOLDS, "POSTCODE"), -1);
    assert_null(dc_role_name(DC_LAYER_HOUSEHOLDS, 5));
    assert_null(dc_role_default_field(DC_LAYER_ZONES, -1));
}

/* ---- folders ----------------------------------------------------------- */

static void test_folder_expansion(void **state)
{
    (void)state;
    mkdirs(work_path("tree/b"));
    mkdirs(work_path("tree/a/sub"));
    mkdirs(work_path("tree/.hidden"));
    households_at("tree/b/households.shp", 9205, 501800, 2365500);
    households_at("tree/a/sub/z.shp", 9205, 501800, 2365500);
    households_at("tree/a/m.shp", 9205, 501800, 2365500);
    households_at("tree/a/B.shp", 9205, 501800, 2365500);
    households_at("tree/.hidden/h.shp", 9205, 501800, 2365500);
    write_file(work_path("tree/a/README.txt"), "not a map\n", 10);
    write_file(work_path("tree/a/notes.md"), "# notes\n", 8);
    write_file(work_path("tree/a/orphan.prj"), "GEOGCS[]", 8);

    const char *paths[] = {work_path("tree"), work_path("tree/b/households.shp")};
    dc_source_list *list = NULL;
    dc_error err = {0};
    assert_int_equal(dc_source_list_open(paths, 2, &list, &err), DC_OK);
    const char *expect[] = {"tree/a/B.shp", "tree/a/m.shp", "tree/a/sub/z.shp",
                            "tree/b/households.shp", "tree/b/households.shp"};
    assert_int_equal(dc_source_list_count(list), 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(dc_source_list_path(list, i), work_path(expect[i]));
    assert_null(dc_source_list_path(list, 5));

    /* stat: the set's five files summed */
    uint64_t size = 0;
    int64_t mtime = 0;
    dc_source_list_stat(list, 1, &size, &mtime);
    uint64_t want = 0;
    static const char *const exts[] = {"shp", "shx", "dbf", "prj", "cpg"};
    for (size_t k = 0; k < 5; k++) {
        char p[1100];
        struct stat st;
        snprintf(p, sizeof p, "%s/tree/a/m.%s", workdir, exts[k]);
        if (stat(p, &st) == 0) want += (uint64_t)st.st_size;
    }
    assert_true(want > 0);
    assert_int_equal(size, want);
    assert_true(mtime > 1600000000);
    assert_int_equal(dc_source_list_feature_count(list, 0, DC_LAYER_HOUSEHOLDS), 1);
    dc_source_list_close(list);
}

static void test_missing_path(void **state)
{
    (void)state;
    const char *paths[] = {work_path("no/such/map.shp")};
    dc_source_list *list = (dc_source_list *)0x1;
    dc_error err = {0};
    assert_int_equal(dc_source_list_open(paths, 1, &list, &err), DC_E_IO);
    assert_ptr_equal(list, (dc_source_list *)0x1); /* untouched */
    assert_int_equal(err.code, DC_E_IO);
    assert_non_null(strstr(err.message, "no/such/map.shp"));
    dc_source_list_close(NULL);
}

static void test_not_a_map(void **state)
{
    (void)state;
    write_file(work_path("garbage.shp"), "this is not a shapefile", 23);
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("garbage.shp"), NULL, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "open_failed");
    assert_non_null(strstr(problem.message, "garbage.shp"));
}

/* ---- fields ------------------------------------------------------------ */

static void test_fields_and_geometries(void **state)
{
    (void)state;
    static const fixture_field fields[] = {
        {"hh_id", OFTString},
        {"House_No", OFTString},
        {"CODE", OFTInteger},
    };
    static const fixture_row rows[] = {
        {"POINT (501800 2365500)", {"H-1", "12A", "32101"}},
        {NULL, {"H-2", NULL, NULL}},
        {"MULTIPOINT ((501800 2365500))", {"H-3", "", "9"}},
        {"LINESTRING (501800 2365500,501900 2365500)", {"H-4", "1", "1"}},
        {"MULTIPOINT ((501800 2365500),(501900 2365500))", {"H-5", "1", "1"}},
    };
    /* GeoJSON: a shapefile holds one geometry type, and any OGR format will do */
    write_shapefile("fields.geojson", 9205, wkbUnknown, fields, 3, rows, 5);
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("fields.geojson"), NULL, &s, &problem),
                     DC_OK);
    assert_int_equal(s.n, 5);
    static const struct {
        const char *id, *house;
        bool house_null;
        const char *code;
        bool code_null, has_point, not_point;
    } want[] = {
        {"H-1", "12A", false, "32101", false, true, false},
        {"H-2", "", true, "", true, false, false},
        {"H-3", "", false, "9", false, true, false},
        {"H-4", "1", false, "1", false, false, true},
        {"H-5", "1", false, "1", false, false, true},
    };
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(s.fields[i][DC_HH_ID], want[i].id);
        assert_string_equal(s.fields[i][DC_HH_HOUSE_NUMBER], want[i].house);
        assert_int_equal(s.null_field[i][DC_HH_HOUSE_NUMBER], want[i].house_null);
        assert_string_equal(s.fields[i][DC_HH_CODE], want[i].code);
        assert_int_equal(s.null_field[i][DC_HH_CODE], want[i].code_null);
        assert_true(s.null_field[i][DC_HH_STREET]); /* absent optional field */
        assert_int_equal(s.hh[i].has_point, want[i].has_point);
        assert_int_equal(s.hh[i].not_point, want[i].not_point);
        assert_int_equal(s.hh[i].origin.fid, (int64_t)i);
        assert_string_equal(s.layer[i], "layer"); /* GeoJSON keeps the creation name */
    }
    assert_true(fabs(s.hh[2].lat - 21.3843419821) < 1e-9);
}

static void test_missing_field(void **state)
{
    (void)state;
    static const fixture_field fields[] = {{"ID", OFTString}, {"STREET", OFTString}};
    static const fixture_row row = {"POINT (501800 2365500)", {"H-1", "x"}};
    write_shapefile("nofield.shp", 9205, wkbPoint, fields, 2, &row, 1);
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("nofield.shp"), NULL, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "missing_field");
    assert_string_equal(problem.layer, "nofield");
    assert_non_null(strstr(problem.source, "nofield.shp"));
    assert_non_null(strstr(problem.message, "HH_ID"));
    assert_non_null(strstr(problem.message, "ID, STREET"));
    assert_int_equal(s.n, 0);

    /* the role renamed: found, case-insensitively */
    dc_source_options opt = {.fields = {[DC_HH_ID] = "id"}};
    assert_int_equal(read_households(work_path("nofield.shp"), &opt, &s, &problem),
                     DC_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.fields[0][DC_HH_ID], "H-1");
    assert_string_equal(s.fields[0][DC_HH_STREET], "x");

    /* an optional role named explicitly must exist */
    opt.fields[DC_HH_GROUP] = "TO_DAN_PHO";
    assert_int_equal(read_households(work_path("nofield.shp"), &opt, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "missing_field");
    assert_non_null(strstr(problem.message, "TO_DAN_PHO"));

    /* "" leaves a role unread */
    opt.fields[DC_HH_GROUP] = NULL;
    opt.fields[DC_HH_STREET] = "";
    assert_int_equal(read_households(work_path("nofield.shp"), &opt, &s, &problem),
                     DC_OK);
    assert_true(s.null_field[0][DC_HH_STREET]);
}

/* A .shp cut short mid-way: the records before the cut are read, then
 * read_failed, its layer name still readable once the dataset is closed. */
static void test_short_file(void **state)
{
    (void)state;
    fixture_row rows[50];
    char ids[50][8];
    for (int i = 0; i < 50; i++) {
        snprintf(ids[i], sizeof ids[i], "H-%d", i);
        rows[i] = (fixture_row){"POINT (501800 2365500)", {ids[i]}};
    }
    write_shapefile("short.shp", 9205, wkbPoint, hh_fields, 1, rows, 50);
    /* 100 header bytes, then 28 bytes a point record: 20 whole ones left. */
    assert_int_equal(truncate(work_path("short.shp"), 100 + 20 * 28 + 10), 0);
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("short.shp"), NULL, &s, &problem),
                     DC_E_IO);
    assert_string_equal(problem.code, "read_failed");
    assert_string_equal(problem.layer, "short");
    assert_non_null(strstr(problem.message, "short.shp"));
}

static void test_callback_stops(void **state)
{
    (void)state;
    fixture_row rows[10];
    char ids[10][8];
    for (int i = 0; i < 10; i++) {
        snprintf(ids[i], sizeof ids[i], "H-%d", i);
        rows[i] = (fixture_row){"POINT (501800 2365500)", {ids[i]}};
    }
    write_shapefile("stop.shp", 9205, wkbPoint, hh_fields, 1, rows, 10);
    seen s = {.stop_after = 3};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("stop.shp"), NULL, &s, &problem), 7);
    assert_int_equal(s.n, 3);
}

/* ---- encodings ---------------------------------------------------------- */

static void test_encodings(void **state)
{
    (void)state;
    static const struct {
        const char *name, *cpg, *option, *bytes, *text;
    } cases[] = {
        {"enc-utf8.shp", "UTF-8", NULL, "Mường Thanh", "Mường Thanh"},
        {"enc-none.shp", NULL, NULL, "Mường Thanh", "Mường Thanh"},
        {"enc-tcvn.shp", "TCVN5712-1", NULL, "M\xAD\xEAng Thanh", "Mường Thanh"},
        {"enc-tcvn3.shp", "tcvn3\r\n", NULL, "\xA7i\xD6n Bi\xAAn Ph\xF1",
         "Điện Biên Phủ"},
        {"enc-1258.shp", "1258", NULL, "N\xE0 T\xE2\xECu", "Nà Tấu"},
        {"enc-opt.shp", "UTF-8", "TCVN3", "T\xA9n Thanh", "Tân Thanh"},
        {"enc-opt2.shp", NULL, "cp1258", "Thanh Tr\xFD\xF5\xCCng", "Thanh Trường"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture_row row = {"POINT (501800 2365500)", {"H-1", NULL, cases[i].bytes}};
        write_shapefile(cases[i].name, 9205, wkbPoint, hh_fields, 3, &row, 1);
        char cpg[1024];
        snprintf(cpg, sizeof cpg, "%s", work_path(cases[i].name));
        strcpy(cpg + strlen(cpg) - 3, "cpg");
        unlink(cpg);
        if (cases[i].cpg) write_file(cpg, cases[i].cpg, strlen(cases[i].cpg));
        dc_source_options opt = {.encoding = cases[i].option};
        seen s = {0};
        dc_source_problem problem = {0};
        assert_int_equal(read_households(work_path(cases[i].name), &opt, &s, &problem),
                         DC_OK);
        if (strcmp(s.fields[0][DC_HH_STREET], cases[i].text) != 0)
            fail_msg("%s: '%s'", cases[i].name, s.fields[0][DC_HH_STREET]);
    }
    /* an encoding we cannot read, named in the .cpg or the option */
    write_file(work_path("enc-none.cpg"), "KOI8-R", 6);
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("enc-none.shp"), NULL, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "bad_encoding");
    assert_non_null(strstr(problem.message, "KOI8-R"));
    dc_source_options opt = {.encoding = "EBCDIC"};
    assert_int_equal(read_households(work_path("enc-utf8.shp"), &opt, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "bad_encoding");
}

/* ---- CRS ---------------------------------------------------------------- */

/* Desktop-GIS ESRI WKT for VN-2000 / TM-3 103-00: a datum name and no
 * TOWGS84, as ArcGIS and QGIS write it. */
static const char esri_tm3[] =
    "PROJCS[\"VN_2000_TM_3_103\",GEOGCS[\"GCS_VN_2000\",DATUM[\"D_Vietnam_2000\","
    "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
    "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
    "PARAMETER[\"Central_Meridian\",103.0],PARAMETER[\"Scale_Factor\",0.9999],"
    "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";
/* The same with a datum name PROJ does not know. */
static const char odd_tm3[] =
    "PROJCS[\"VN2000 Dien Bien\",GEOGCS[\"VN-2000\",DATUM[\"VN_2000\","
    "SPHEROID[\"WGS 84\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
    "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
    "PARAMETER[\"Central_Meridian\",103.0],PARAMETER[\"Scale_Factor\",0.9999],"
    "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

/* Expected positions from PROJ 9.1.1's cs2cs, e.g.
 *   echo 501800 2365500 | cs2cs -f %.10f EPSG:9205 EPSG:4326
 * (EPSG:6960 VN-2000 to WGS 84 (2); in the Mekong delta PROJ picks EPSG:5194). */
typedef struct crs_case {
    const char *name;
    int epsg;
    const char *prj;
    double x, y, lat, lon;
} crs_case;

static const crs_case crs_cases[] = {
    {"crs-9205a.shp", 9205, NULL, 501800, 2365500, 21.3843419821, 103.0192511455},
    {"crs-9205b.shp", 9205, NULL, 498000, 2370000, 21.4249886912, 102.9825989779},
    {"crs-9205c.shp", 9205, NULL, 505123.45, 2361234.56, 21.3458072453, 103.0512892121},
    {"crs-esri.shp", 9205, esri_tm3, 501800, 2365500, 21.3843419821, 103.0192511455},
    {"crs-odd.shp", 9205, odd_tm3, 498000, 2370000, 21.4249886912, 102.9825989779},
    {"crs-3405a.shp", 3405, NULL, 294218.48, 2366273.86, 21.3859999537, 103.0170000445},
    {"crs-3405b.shp", 3405, NULL, 400000, 2300000, 20.7962220559, 104.0410120951},
    {"crs-3405c.shp", 3405, NULL, 600000, 1190000, 10.7626782186, 105.9164217056},
    {"crs-4326.shp", 4326, NULL, 103.0192511455, 21.3843419821, 21.3843419821,
     103.0192511455},
};

static double worst_crs_error_m;

static void test_crs_accuracy(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof crs_cases / sizeof crs_cases[0]; i++) {
        const crs_case *c = &crs_cases[i];
        households_at(c->name, c->epsg, c->x, c->y);
        if (c->prj) {
            char prj[1024];
            snprintf(prj, sizeof prj, "%s", work_path(c->name));
            strcpy(prj + strlen(prj) - 3, "prj");
            write_file(prj, c->prj, strlen(c->prj));
        }
        seen s = {0};
        dc_source_problem problem = {0};
        assert_int_equal(read_households(work_path(c->name), NULL, &s, &problem), DC_OK);
        assert_int_equal(s.n, 1);
        assert_true(s.hh[0].has_point);
        double m = metres(s.hh[0].lat, s.hh[0].lon, c->lat, c->lon);
        if (m > worst_crs_error_m) worst_crs_error_m = m;
        if (m > 0.01)
            fail_msg("%s: off by %.4f m (%.10f %.10f)", c->name, m, s.hh[0].lat,
                     s.hh[0].lon);
    }
    print_message("worst disagreement with cs2cs: %.6f m\n", worst_crs_error_m);
}

/* The same point with a null datum shift lands about 200 m away: the test
 * above would catch a VN-2000 layer read without one. */
static void test_null_shift_is_detectable(void **state)
{
    (void)state;
    double lat = 21.3852942652767, lon = 103.017359290451; /* +towgs84=0,... */
    assert_true(metres(lat, lon, 21.3843419821, 103.0192511455) > 150);
}

static void test_no_crs(void **state)
{
    (void)state;
    households_at("noprj.shp", 0, 501800, 2365500);
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("noprj.shp"), NULL, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "no_crs");
    assert_string_equal(problem.layer, "noprj");
    assert_non_null(strstr(problem.message, "--households-srs"));
    assert_int_equal(s.n, 0);

    dc_source_options opt = {.srs = "EPSG:9205"};
    assert_int_equal(read_households(work_path("noprj.shp"), &opt, &s, &problem), DC_OK);
    assert_true(metres(s.hh[0].lat, s.hh[0].lon, 21.3843419821, 103.0192511455) < 0.01);

    opt.srs = "EPSG:999999";
    assert_int_equal(read_households(work_path("noprj.shp"), &opt, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "bad_crs");
}

/* The override beats the .prj. */
static void test_srs_override(void **state)
{
    (void)state;
    households_at("override.shp", 3405, 501800, 2365500); /* .prj says UTM 48N */
    dc_source_options opt = {.srs = esri_tm3};
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_households(work_path("override.shp"), &opt, &s, &problem),
                     DC_OK);
    assert_true(metres(s.hh[0].lat, s.hh[0].lon, 21.3843419821, 103.0192511455) < 0.01);
}

/* ---- zones -------------------------------------------------------------- */

static void test_zones(void **state)
{
    (void)state;
    static const fixture_field fields[] = {
        {"POSTCODE", OFTInteger},
        {"NAME", OFTString},
        {"KIND", OFTString},
        {"PROVINCE", OFTString},
    };
    static const fixture_row rows[] = {
        {"POLYGON ((501800 2365500,502000 2365500,502000 2365700,501800 2365500))",
         {"32101", "M\xAD\xEAng Thanh", "ph\xAD\xEAng", "\xA7i\xD6n Bi\xAAn"}},
        {NULL, {"32102", "Him Lam", NULL, NULL}},
        {"MULTIPOLYGON (((498000 2370000,498100 2370000,498100 2370100,498000 2370000)))",
         {"9", "N\xB5 T\xCAu", "x\xB7", NULL}},
    };
    write_shapefile("zones.shp", 9205, wkbUnknown, fields, 4, rows, 3);
    write_file(work_path("zones.cpg"), "TCVN5712-1", 10);
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(read_zones(work_path("zones.shp"), NULL, &s, &problem), DC_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.fields[0][DC_ZONE_POSTCODE], "32101");
    assert_string_equal(s.fields[0][DC_ZONE_NAME], "Mường Thanh");
    assert_string_equal(s.fields[0][DC_ZONE_KIND], "phường");
    assert_string_equal(s.fields[0][DC_ZONE_PROVINCE], "Điện Biên");
    assert_true(s.null_field[0][DC_ZONE_COMMUNE]);
    assert_string_equal(s.geometry_type[0], "POLYGON");
    assert_true(metres(s.first_y[0], s.first_x[0], 21.3843419821, 103.0192511455) < 0.01);
    assert_string_equal(s.geometry_type[1], "");
    assert_string_equal(s.fields[2][DC_ZONE_POSTCODE], "9"); /* the lead validates */
    assert_string_equal(s.fields[2][DC_ZONE_NAME], "Nà Tấu");
    assert_string_equal(s.fields[2][DC_ZONE_KIND], "xã");
    assert_true(metres(s.first_y[2], s.first_x[2], 21.4249886912, 102.9825989779) < 0.01);

    static const fixture_field nopc[] = {{"NAME", OFTString}};
    write_shapefile("zones-nopc.shp", 9205, wkbPolygon, nopc, 1, rows, 0);
    assert_int_equal(read_zones(work_path("zones-nopc.shp"), NULL, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "missing_field");
    assert_non_null(strstr(problem.message, "POSTCODE"));
}

/* A zone callback may keep the geometry. */
static int take_geometry(void *ctx, dc_source_zone *zone)
{
    OGRGeometryH *kept = ctx;
    if (zone->geometry && !*kept) {
        *kept = zone->geometry;
        zone->geometry = NULL;
    }
    return 0;
}

static void test_zone_geometry_ownership(void **state)
{
    (void)state;
    dc_source_list *list = open_one(work_path("zones.shp"));
    OGRGeometryH kept = NULL;
    dc_source_problem problem;
    assert_int_equal(dc_source_read_zones(list, 0, NULL, take_geometry, &kept, &problem),
                     DC_OK);
    assert_non_null(kept);
    assert_true(OGR_G_Area(kept) > 0);
    OGR_G_DestroyGeometry(kept);
    dc_source_list_close(list);
}

/* ---- the sample map ----------------------------------------------------- */

typedef struct tally {
    size_t count, with_point, with_id;
    double min_lat, max_lat, min_lon, max_lon;
    int64_t last_fid;
    bool in_order;
} tally;

static int count_household(void *ctx, dc_source_household *hh)
{
    tally *t = ctx;
    t->in_order &= hh->origin.fid == t->last_fid + 1;
    t->last_fid = hh->origin.fid;
    t->count++;
    t->with_id += hh->fields[DC_HH_ID] && hh->fields[DC_HH_ID][0];
    if (!hh->has_point) return 0;
    t->with_point++;
    if (hh->lat < t->min_lat) t->min_lat = hh->lat;
    if (hh->lat > t->max_lat) t->max_lat = hh->lat;
    if (hh->lon < t->min_lon) t->min_lon = hh->lon;
    if (hh->lon > t->max_lon) t->max_lon = hh->lon;
    return 0;
}

static void test_sample_map(void **state)
{
    (void)state;
    const char *paths[] = {datadir};
    dc_source_list *list = NULL;
    dc_error err;
    assert_int_equal(dc_source_list_open(paths, 1, &list, &err), DC_OK);
    assert_int_equal(dc_source_list_count(list), 2);
    assert_non_null(strstr(dc_source_list_path(list, 0), "households.shp"));
    assert_non_null(strstr(dc_source_list_path(list, 1), "zones.shp"));

    tally t = {0, 0, 0, 90, -90, 180, -180, -1, true};
    dc_source_problem problem = {0};
    assert_int_equal(
        dc_source_read_households(list, 0, NULL, count_household, &t, &problem), DC_OK);
    assert_int_equal((int64_t)t.count,
                     dc_source_list_feature_count(list, 0, DC_LAYER_HOUSEHOLDS));
    assert_true(t.count > 20000);
    assert_true(t.in_order);
    assert_int_equal(t.with_point, t.count);
    assert_int_equal(t.with_id, t.count);
    /* Điện Biên Phủ city */
    assert_true(t.min_lat > 21.2 && t.max_lat < 21.6);
    assert_true(t.min_lon > 102.8 && t.max_lon < 103.3);

    seen s = {0};
    assert_int_equal(dc_source_read_zones(list, 1, NULL, on_zone, &s, &problem), DC_OK);
    assert_int_equal(s.n, 12);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(strlen(s.fields[i][DC_ZONE_POSTCODE]), 5);
        assert_true(s.fields[i][DC_ZONE_NAME][0] != '\0');
        assert_true(s.geometry_type[i][0] != '\0');
        assert_true(s.first_y[i] > 21.2 && s.first_y[i] < 21.6);
    }
    dc_source_list_close(list);

    char households[1024];
    snprintf(households, sizeof households, "%s/households.shp", datadir);
    assert_int_equal(assert_fast_path_agrees(households, NULL), t.count);
}

/* ---- the edge-case maps ------------------------------------------------- */

static char *edge_path(const char *name)
{
    static char buf[4][1024];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", datadir, name);
    return p;
}

static void test_edge_encodings(void **state)
{
    (void)state;
    seen utf8 = {0}, other = {0};
    dc_source_problem problem = {0};
    assert_int_equal(
        read_zones(edge_path("encoding/zones-utf8.shp"), NULL, &utf8, &problem), DC_OK);
    assert_int_equal(utf8.n, 12);
    assert_string_equal(utf8.fields[0][DC_ZONE_NAME], "Mường Thanh");
    assert_string_equal(utf8.fields[8][DC_ZONE_NAME], "Nà Tấu");
    const char *legacy[] = {"encoding/zones-tcvn3.shp", "encoding/zones-cp1258.shp"};
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(read_zones(edge_path(legacy[k]), NULL, &other, &problem), DC_OK);
        assert_int_equal(other.n, 12);
        for (size_t i = 0; i < 12; i++)
            for (int r = 0; r < DC_ZONE_ROLES; r++)
                if (strcmp(other.fields[i][r], utf8.fields[i][r]) != 0)
                    fail_msg("%s zone %zu role %d: '%s' vs '%s'", legacy[k], i, r,
                             other.fields[i][r], utf8.fields[i][r]);
    }
}

static void test_edge_crs(void **state)
{
    (void)state;
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(
        read_households(edge_path("mixed-crs/households.shp"), NULL, &s, &problem),
        DC_OK);
    assert_int_equal(s.n, 2);
    assert_true(metres(s.hh[0].lat, s.hh[0].lon, 21.386, 103.017) < 0.05);
    assert_true(metres(s.hh[1].lat, s.hh[1].lon, 21.386, 103.021) < 0.05);
    assert_int_equal(read_zones(edge_path("mixed-crs/zones.shp"), NULL, &s, &problem),
                     DC_OK);
    assert_int_equal(s.n, 2);

    assert_int_equal(read_zones(edge_path("no-prj/zones.shp"), NULL, &s, &problem),
                     DC_E_INVALID_ARG);
    assert_string_equal(problem.code, "no_crs");
    assert_non_null(strstr(problem.message, "--zones-srs"));
    dc_source_options opt = {.srs = "EPSG:9205"};
    assert_int_equal(read_zones(edge_path("no-prj/zones.shp"), &opt, &s, &problem),
                     DC_OK);
    assert_int_equal(s.n, 1);
}

static void test_edge_households(void **state)
{
    (void)state;
    seen s = {0};
    dc_source_problem problem = {0};
    assert_int_equal(
        read_households(edge_path("household-ids/households.shp"), NULL, &s, &problem),
        DC_OK);
    assert_int_equal(s.n, 5);
    size_t without_point = 0;
    for (size_t i = 0; i < s.n; i++)
        without_point += !s.hh[i].has_point;
    assert_int_equal(without_point, 1);
    assert_int_equal(read_zones(edge_path("multipart/zones.shp"), NULL, &s, &problem),
                     DC_OK);
    assert_int_equal(s.n, 3);

    static const char *const maps[] = {
        "household-ids/households.shp", "mixed-crs/households.shp",
        "shared-door/households.shp",   "on-boundary/households.shp",
        "postcode/households.shp",      "multipart/households.shp",
    };
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        assert_true(assert_fast_path_agrees(edge_path(maps[i]), NULL) > 0);
}

static int teardown_gdal(void **state)
{
    (void)state;
    GDALDestroy();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: %s WORKDIR [sample|edge DIR]\n", argv[0]);
        return 2;
    }
    workdir = argv[1];
    mkdirs(workdir);
    GDALAllRegister();
    const struct CMUnitTest core[] = {
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_folder_expansion),
        cmocka_unit_test(test_missing_path),
        cmocka_unit_test(test_not_a_map),
        cmocka_unit_test(test_fields_and_geometries),
        cmocka_unit_test(test_missing_field),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_short_file),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_crs_accuracy),
        cmocka_unit_test(test_null_shift_is_detectable),
        cmocka_unit_test(test_no_crs),
        cmocka_unit_test(test_srs_override),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_zone_geometry_ownership),
        cmocka_unit_test(test_fast_path_agrees),
    };
    const struct CMUnitTest sample[] = {cmocka_unit_test(test_sample_map)};
    const struct CMUnitTest edge[] = {
        cmocka_unit_test(test_edge_encodings),
        cmocka_unit_test(test_edge_crs),
        cmocka_unit_test(test_edge_households),
    };
    if (argc == 2)
        return cmocka_run_group_tests_name("source", core, NULL, teardown_gdal);
    datadir = argv[3];
    if (strcmp(argv[2], "sample") == 0)
        return cmocka_run_group_tests_name("source_sample", sample, NULL, teardown_gdal);
    return cmocka_run_group_tests_name("source_edge", edge, NULL, teardown_gdal);
}
