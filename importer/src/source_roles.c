/*
 * source_roles.c - the field roles of each layer kind, with the field each
 * reads by default (the sample map's DBF field names).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "source_internal.h"

typedef struct role_def {
    const char *name, *field;
} role_def;

/* Defaults are the sample map's DBF field names. */
static const role_def zone_roles[DC_ZONE_ROLES] = {
    [DC_ZONE_POSTCODE] = {"postcode", "POSTCODE"},
    [DC_ZONE_NAME] = {"name", "NAME"},
    [DC_ZONE_KIND] = {"kind", "KIND"},
    [DC_ZONE_COMMUNE] = {"commune_code", "COMMUNE"},
    [DC_ZONE_DISTRICT] = {"district", "DISTRICT"},
    [DC_ZONE_PROVINCE] = {"province", "PROVINCE"},
};
static const role_def household_roles[DC_HH_ROLES] = {
    [DC_HH_ID] = {"id", "HH_ID"},
    [DC_HH_HOUSE_NUMBER] = {"house_number", "HOUSE_NO"},
    [DC_HH_STREET] = {"street", "STREET"},
    [DC_HH_GROUP] = {"group", "GROUP"},
    [DC_HH_CODE] = {"code", "CODE"},
};

static const role_def *role_table(dc_layer_kind kind)
{
    return kind == DC_LAYER_ZONES ? zone_roles : household_roles;
}

int dc_role_count(dc_layer_kind kind)
{
    return kind == DC_LAYER_ZONES ? DC_ZONE_ROLES : DC_HH_ROLES;
}

const char *dc_role_name(dc_layer_kind kind, int role)
{
    if (role < 0 || role >= dc_role_count(kind)) return NULL;
    return role_table(kind)[role].name;
}

const char *dc_role_default_field(dc_layer_kind kind, int role)
{
    if (role < 0 || role >= dc_role_count(kind)) return NULL;
    return role_table(kind)[role].field;
}

int dc_role_find(dc_layer_kind kind, const char *name)
{
    if (!name) return -1;
    for (int r = 0; r < dc_role_count(kind); r++)
        if (strcmp(role_table(kind)[r].name, name) == 0) return r;
    return -1;
}
