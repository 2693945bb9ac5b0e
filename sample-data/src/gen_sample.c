/*
 * gen_sample.c - diachi-gen-sample: writes the Dien Bien Phu sample map,
 * zones.shp and households.shp in VN-2000 / TM-3 103-00 with UTF-8
 * attributes. The same seed gives the same features, bit for bit.
 *
 *     diachi-gen-sample --out sample-data/dien-bien-phu --seed 1
 */
#include "sample.h"

#include "map_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Widths in bytes of UTF-8, as the committed sample files have them. */
static const int zone_widths[MAP_ZONE_FIELD_COUNT] = {
    [MAP_ZONE_POSTCODE] = 5,     [MAP_ZONE_NAME] = 40,     [MAP_ZONE_KIND] = 12,
    [MAP_ZONE_COMMUNE_CODE] = 5, [MAP_ZONE_DISTRICT] = 48, [MAP_ZONE_PROVINCE] = 24,
};
static const int household_widths[MAP_HOUSEHOLD_FIELD_COUNT] = {
    [MAP_HOUSEHOLD_ID] = 10,      [MAP_HOUSEHOLD_HOUSE_NUMBER] = 10,
    [MAP_HOUSEHOLD_STREET] = 40,  [MAP_HOUSEHOLD_GROUP] = 32,
    [MAP_HOUSEHOLD_POSTCODE] = 5,
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct options {
    const char *out;
    uint64_t seed;
    int realistic;
    double spacing;
    int edition; /* 2025: the reform's zones and history instead of the map */
} options;

static void usage(void)
{
    fprintf(
        stderr,
        "usage: diachi-gen-sample --out DIR [--seed N] [--borders simple|realistic]\n"
        "                         [--border-spacing METRES] [--edition 2025]\n"
        "Writes DIR/zones.shp and DIR/households.shp (EPSG:9205, UTF-8).\n"
        "  --borders simple      straight-edged zones, the committed sample (default)\n"
        "  --borders realistic   fractal borders digitised twice, enclaves, a lake\n"
        "  --border-spacing M    realistic borders' vertex spacing (default 4 m:\n"
        "                        2,000 to 20,000 vertices a zone)\n"
        "  --edition 2025        instead, the zones as the 2025 reform left them\n"
        "                        (DIR/zones.shp) and DIR/history.csv, old postcode\n"
        "                        to new; the doors are the map's own (simple\n"
        "                        borders only)\n");
    exit(2);
}

static void parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(argv[i], "--out") == 0 && value)
            o->out = value;
        else if (strcmp(argv[i], "--seed") == 0 && value)
            o->seed = strtoull(value, NULL, 10);
        else if (strcmp(argv[i], "--borders") == 0 && value &&
                 (strcmp(value, "simple") == 0 || strcmp(value, "realistic") == 0))
            o->realistic = strcmp(value, "realistic") == 0;
        else if (strcmp(argv[i], "--border-spacing") == 0 && value &&
                 (o->spacing = strtod(value, &end)) >= 0.5 && *end == '\0' &&
                 o->spacing <= 10000)
            ;
        else if (strcmp(argv[i], "--edition") == 0 && value && strcmp(value, "2025") == 0)
            o->edition = 2025;
        else
            usage();
        i++;
    }
    if (!o->out || (o->edition && o->realistic)) usage();
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Vertices of every ring of a polygon or multipolygon. */
static int vertex_count(OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbLineString || t == wkbLinearRing) return OGR_G_GetPointCount(g);
    int n = 0;
    for (int k = 0; k < OGR_G_GetGeometryCount(g); k++)
        n += vertex_count(OGR_G_GetGeometryRef(g, k));
    return n;
}

static void print_vertex_figures(const gen_zone *zones)
{
    int counts[GEN_ZONE_COUNT];
    for (int i = 0; i < GEN_ZONE_COUNT; i++)
        counts[i] = vertex_count(zones[i].geom);
    qsort(counts, GEN_ZONE_COUNT, sizeof counts[0], by_value);
    printf("vertices per zone: min %d, median %d, max %d\n", counts[0],
           (counts[GEN_ZONE_COUNT / 2 - 1] + counts[GEN_ZONE_COUNT / 2]) / 2,
           counts[GEN_ZONE_COUNT - 1]);
}

static void write_zones(const char *dir, const gen_zone *zones)
{
    gen_field fields[MAP_ZONE_FIELD_COUNT];
    for (int k = 0; k < MAP_ZONE_FIELD_COUNT; k++)
        fields[k] = (gen_field){map_zone_fields[k].field, zone_widths[k]};
    gen_layer out = gen_create(dir, "zones", "ESRI Shapefile", GEN_EPSG_VN2000_TM3_103,
                               wkbPolygon, fields, COUNT(fields), "UTF-8");
    for (int i = 0; i < GEN_ZONE_COUNT; i++) {
        const gen_zone_def *z = &gen_zone_defs[i];
        const char *values[MAP_ZONE_FIELD_COUNT] = {
            [MAP_ZONE_POSTCODE] = z->postcode,
            [MAP_ZONE_NAME] = z->name,
            [MAP_ZONE_KIND] = z->kind,
            [MAP_ZONE_COMMUNE_CODE] = z->commune,
            [MAP_ZONE_DISTRICT] = "Thành phố Điện Biên Phủ",
            [MAP_ZONE_PROVINCE] = "Điện Biên",
        };
        gen_write(&out, zones[i].geom, values);
    }
    gen_close(&out);
}

static void write_edition(const char *dir, const gen_zone *zones,
                          OGRCoordinateTransformationH to_tm3)
{
    OGRGeometryH geoms[GEN_EDITION_ZONES];
    gen_edition_build(zones, to_tm3, geoms);
    gen_field fields[MAP_ZONE_FIELD_COUNT];
    for (int k = 0; k < MAP_ZONE_FIELD_COUNT; k++)
        fields[k] = (gen_field){map_zone_fields[k].field, zone_widths[k]};
    gen_layer out = gen_create(dir, "zones", "ESRI Shapefile", GEN_EPSG_VN2000_TM3_103,
                               wkbPolygon, fields, COUNT(fields), "UTF-8");
    for (int n = 0; n < GEN_EDITION_ZONES; n++) {
        const gen_zone_def *z = &gen_edition_defs[n];
        const char *values[MAP_ZONE_FIELD_COUNT] = {
            [MAP_ZONE_POSTCODE] = z->postcode,
            [MAP_ZONE_NAME] = z->name,
            [MAP_ZONE_KIND] = z->kind,
            [MAP_ZONE_COMMUNE_CODE] = z->commune,
            [MAP_ZONE_DISTRICT] = NULL, /* no district level after the reform */
            [MAP_ZONE_PROVINCE] = "Điện Biên",
        };
        gen_write(&out, geoms[n], values);
        OGR_G_DestroyGeometry(geoms[n]);
    }
    gen_close(&out);
    gen_edition_history(dir);
}

static void write_households(const char *dir, const gen_households *list)
{
    gen_field fields[MAP_HOUSEHOLD_FIELD_COUNT];
    for (int k = 0; k < MAP_HOUSEHOLD_FIELD_COUNT; k++)
        fields[k] = (gen_field){map_household_fields[k].field, household_widths[k]};
    gen_layer out =
        gen_create(dir, "households", "ESRI Shapefile", GEN_EPSG_VN2000_TM3_103, wkbPoint,
                   fields, COUNT(fields), "UTF-8");
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (size_t i = 0; i < list->count; i++) {
        const gen_household *h = &list->items[i];
        char id[32];
        snprintf(id, sizeof id, "DBP-%06zu", i + 1);
        const char *values[MAP_HOUSEHOLD_FIELD_COUNT] = {
            [MAP_HOUSEHOLD_ID] = id,
            [MAP_HOUSEHOLD_HOUSE_NUMBER] = h->house_no,
            [MAP_HOUSEHOLD_STREET] = h->street,
            [MAP_HOUSEHOLD_GROUP] = h->group,
            [MAP_HOUSEHOLD_POSTCODE] = gen_zone_defs[h->zone].postcode,
        };
        OGR_G_SetPoint_2D(pt, 0, h->x, h->y);
        gen_write(&out, pt, values);
    }
    OGR_G_DestroyGeometry(pt);
    gen_close(&out);
}

int main(int argc, char **argv)
{
    options o = {.seed = 1, .spacing = GEN_BORDER_SPACING_M};
    parse_args(argc, argv, &o);
    const char *dir = o.out;
    border_style style = {rng_hash4(o.seed, 0x626f7264657273 /* "borders" */, 0, 0),
                          o.spacing, BORDER_ROUGHNESS, BORDER_REDIGITISE_M};
    clock_t start = clock();
    GDALAllRegister();
    gen_mkdirs(dir);

    OGRCoordinateTransformationH to_tm3 = gen_from_wgs84(GEN_EPSG_VN2000_TM3_103);
    seeded_rng rng;
    rng_seed(&rng, o.seed);
    gen_zone zones[GEN_ZONE_COUNT];
    gen_zones_build(zones, to_tm3, o.realistic ? &style : NULL);
    if (o.edition) {
        write_edition(dir, zones, to_tm3);
        printf("wrote the %d zones of the %d edition and history.csv to %s\n",
               GEN_EDITION_ZONES, o.edition, dir);
        gen_zones_free(zones);
        OCTDestroyCoordinateTransformation(to_tm3);
        return 0;
    }
    gen_households households = {0};
    gen_households_generate(&households, zones, to_tm3, &rng);

    write_zones(dir, zones);
    write_households(dir, &households);
    printf("wrote %d zones, %zu households (%zu shared-door pairs) to %s in %.1f s\n",
           GEN_ZONE_COUNT, households.count, households.shared_pairs, dir,
           (double)(clock() - start) / CLOCKS_PER_SEC);
    if (o.realistic) print_vertex_figures(zones);

    gen_households_free(&households);
    gen_zones_free(zones);
    OCTDestroyCoordinateTransformation(to_tm3);
    return 0;
}
