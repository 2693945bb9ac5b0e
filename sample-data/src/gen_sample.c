/*
 * gen_sample.c - diachi-gen-sample: writes the Dien Bien Phu sample map,
 * zones.shp and households.shp in VN-2000 / TM-3 103-00 with UTF-8
 * attributes. The same seed gives the same features, bit for bit.
 *
 *     diachi-gen-sample --out sample-data/dien-bien-phu --seed 1
 */
#include "sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const dc_field zone_fields[] = {
    {"POSTCODE", 5}, {"NAME", 40},     {"KIND", 12},
    {"COMMUNE", 5},  {"DISTRICT", 48}, {"PROVINCE", 24},
};
static const dc_field household_fields[] = {
    {"HH_ID", 10}, {"HOUSE_NO", 10}, {"STREET", 40}, {"GROUP", 32}, {"POSTCODE", 5},
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

static void write_zones(const char *dir, const dc_zone *zones)
{
    dc_layer out = dc_gen_create(dir, "zones", "ESRI Shapefile", DC_EPSG_VN2000_TM3_103,
                                 wkbPolygon, zone_fields, COUNT(zone_fields), "UTF-8");
    for (int i = 0; i < DC_ZONE_COUNT; i++) {
        const dc_zone_def *z = &dc_zone_defs[i];
        const char *values[] = {
            z->postcode, z->name, z->kind, z->commune, "Thành phố Điện Biên Phủ",
            "Điện Biên"};
        dc_gen_write(&out, zones[i].geom, values);
    }
    dc_gen_close(&out);
}

static void write_households(const char *dir, const dc_households *list)
{
    dc_layer out =
        dc_gen_create(dir, "households", "ESRI Shapefile", DC_EPSG_VN2000_TM3_103,
                      wkbPoint, household_fields, COUNT(household_fields), "UTF-8");
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (size_t i = 0; i < list->count; i++) {
        const dc_household *h = &list->items[i];
        char id[32];
        snprintf(id, sizeof id, "DBP-%06zu", i + 1);
        const char *values[] = {id, h->house_no, h->street, h->group,
                                dc_zone_defs[h->zone].postcode};
        OGR_G_SetPoint_2D(pt, 0, h->x, h->y);
        dc_gen_write(&out, pt, values);
    }
    OGR_G_DestroyGeometry(pt);
    dc_gen_close(&out);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    uint64_t seed = 1;
    parse_args(argc, argv, &dir, &seed);
    clock_t start = clock();
    GDALAllRegister();
    dc_gen_mkdirs(dir);

    OGRCoordinateTransformationH to_tm3 = dc_gen_from_wgs84(DC_EPSG_VN2000_TM3_103);
    seeded_rng rng;
    rng_seed(&rng, seed);
    dc_zone zones[DC_ZONE_COUNT];
    dc_zones_build(zones, to_tm3);
    dc_households households = {0};
    dc_households_generate(&households, zones, to_tm3, &rng);

    write_zones(dir, zones);
    write_households(dir, &households);
    printf("wrote %d zones, %zu households (%zu shared-door pairs) to %s in %.1f s\n",
           DC_ZONE_COUNT, households.count, households.shared_pairs, dir,
           (double)(clock() - start) / CLOCKS_PER_SEC);

    dc_households_free(&households);
    dc_zones_free(zones);
    OCTDestroyCoordinateTransformation(to_tm3);
    return 0;
}
