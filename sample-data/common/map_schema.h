/*
 * map_schema.h - the fields of the two layers every generated map has, zones
 * and households, in file order, named as diachi-import reads them by
 * default (importer/src/source.c: role "postcode" reads POSTCODE, role
 * "house_number" HOUSE_NO, ...), so a generated map imports with no
 * --zone-field or --household-field option.
 *
 * Names and order live here, once. Each generator keeps its own field types
 * and widths keyed by these enums: the sample map's are fixed by the
 * committed files, the national map's fit its longer names and its numeric
 * HH_ID, and changing either would change that generator's output.
 *
 * Header-only; not part of diachi's public API, hence no dc_ prefix.
 */
#ifndef MAP_SCHEMA_H
#define MAP_SCHEMA_H

#include <stddef.h>

typedef enum map_zone_field {
    MAP_ZONE_POSTCODE,
    MAP_ZONE_NAME,
    MAP_ZONE_KIND,
    MAP_ZONE_COMMUNE_CODE,
    MAP_ZONE_DISTRICT,
    MAP_ZONE_PROVINCE,
    MAP_ZONE_FIELD_COUNT
} map_zone_field;

typedef enum map_household_field {
    MAP_HOUSEHOLD_ID,
    MAP_HOUSEHOLD_HOUSE_NUMBER,
    MAP_HOUSEHOLD_STREET,
    MAP_HOUSEHOLD_GROUP,
    MAP_HOUSEHOLD_POSTCODE,
    MAP_HOUSEHOLD_FIELD_COUNT
} map_household_field;

typedef struct map_field_name {
    const char *field; /* the DBF field name: at most 10 characters */
    const char *role;  /* diachi-import's role reading it by default; NULL: none */
} map_field_name;

static const map_field_name map_zone_fields[MAP_ZONE_FIELD_COUNT] = {
    [MAP_ZONE_POSTCODE] = {"POSTCODE", "postcode"},
    [MAP_ZONE_NAME] = {"NAME", "name"},
    [MAP_ZONE_KIND] = {"KIND", "kind"},
    [MAP_ZONE_COMMUNE_CODE] = {"COMMUNE", "commune_code"},
    [MAP_ZONE_DISTRICT] = {"DISTRICT", "district"},
    [MAP_ZONE_PROVINCE] = {"PROVINCE", "province"},
};

/* The household's POSTCODE is the zone the generator placed it in: for
 * checking a map, never read by the importer, which finds the zone itself. */
static const map_field_name map_household_fields[MAP_HOUSEHOLD_FIELD_COUNT] = {
    [MAP_HOUSEHOLD_ID] = {"HH_ID", "id"},
    [MAP_HOUSEHOLD_HOUSE_NUMBER] = {"HOUSE_NO", "house_number"},
    [MAP_HOUSEHOLD_STREET] = {"STREET", "street"},
    [MAP_HOUSEHOLD_GROUP] = {"GROUP", "group"},
    [MAP_HOUSEHOLD_POSTCODE] = {"POSTCODE", NULL},
};

#endif
