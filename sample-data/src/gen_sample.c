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

static const gen_field zone_fields[] = {
    {"POSTCODE", 5}, {"NAME", 40},     {"KIND", 12},
    {"COMMUNE", 5},  {"DISTRICT", 48}, {"PROVINCE", 24},
};
static const gen_field household_fields[] = {
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

static void write_zones(const char *dir, const gen_zone *zones)
{
    gen_layer out = gen_create(dir, "zones", "ESRI Shapefile", GEN_EPSG_VN2000_TM3_103,
                               wkbPolygon, zone_fields, COUNT(zone_fields), "UTF-8");
    for (int i = 0; i < GEN_ZONE_COUNT; i++) {
        const gen_zone_def *z = &gen_zone_defs[i];
        const char *values[] = {
            z->postcode, z->name, z->kind, z->commune, "Thành phố Điện Biên Phủ",
            "Điện Biên"};
        gen_write(&out, zones[i].geom, values);
    }
    gen_close(&out);
}

static void write_households(const char *dir, const gen_households *list)
{
    gen_layer out =
        gen_create(dir, "households", "ESRI Shapefile", GEN_EPSG_VN2000_TM3_103, wkbPoint,
                   household_fields, COUNT(household_fields), "UTF-8");
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (size_t i = 0; i < list->count; i++) {
        const gen_household *h = &list->items[i];
        char id[32];
        snprintf(id, sizeof id, "DBP-%06zu", i + 1);
        const char *values[] = {id, h->house_no, h->street, h->group,
                                gen_zone_defs[h->zone].postcode};
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
