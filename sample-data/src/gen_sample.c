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

static void usage(void)
{
    fprintf(stderr, "usage: diachi-gen-sample --out DIR [--seed N]\n"
                    "Writes DIR/zones.shp and DIR/households.shp (EPSG:9205, UTF-8).\n");
    exit(2);
}

static void parse_args(int argc, char **argv, const char **out, uint64_t *seed)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            *out = argv[++i];
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            *seed = strtoull(argv[++i], NULL, 10);
        else
            usage();
    }
    if (!*out) usage();
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
    const char *dir = NULL;
    uint64_t seed = 1;
    parse_args(argc, argv, &dir, &seed);
    clock_t start = clock();
    GDALAllRegister();
    gen_mkdirs(dir);

    OGRCoordinateTransformationH to_tm3 = gen_from_wgs84(GEN_EPSG_VN2000_TM3_103);
    seeded_rng rng;
    rng_seed(&rng, seed);
    gen_zone zones[GEN_ZONE_COUNT];
    gen_zones_build(zones, to_tm3);
    gen_households households = {0};
    gen_households_generate(&households, zones, to_tm3, &rng);

    write_zones(dir, zones);
    write_households(dir, &households);
    printf("wrote %d zones, %zu households (%zu shared-door pairs) to %s in %.1f s\n",
           GEN_ZONE_COUNT, households.count, households.shared_pairs, dir,
           (double)(clock() - start) / CLOCKS_PER_SEC);

    gen_households_free(&households);
    gen_zones_free(zones);
    OCTDestroyCoordinateTransformation(to_tm3);
    return 0;
}
