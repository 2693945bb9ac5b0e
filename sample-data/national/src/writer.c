/*
 * writer.c - one province: its layout, then DIR/NN-slug/zones.shp and
 * households.shp through OGR's shapefile driver, in the province's TM-3 CRS,
 * UTF-8 attributes (a .cpg says so).
 *
 * Households are streamed zone by zone through one reused OGRFeature whose
 * point geometry is updated in place, so memory stays at one province's zones
 * whatever the household count, and no per-feature allocation of geometry.
 */
#include "national.h"

#include "map_schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/* Field names and order are map_schema.h's; types and widths are this map's. */
typedef struct nat_field_format {
    OGRFieldType type;
    int width; /* bytes of UTF-8, which is what a DBF counts */
} nat_field_format;

static const nat_field_format zone_formats[MAP_ZONE_FIELD_COUNT] = {
    [MAP_ZONE_POSTCODE] = {OFTString, 5},  [MAP_ZONE_NAME] = {OFTString, 80},
    [MAP_ZONE_KIND] = {OFTString, 8},      [MAP_ZONE_COMMUNE_CODE] = {OFTString, 5},
    [MAP_ZONE_DISTRICT] = {OFTString, 80}, [MAP_ZONE_PROVINCE] = {OFTString, 40},
};
static const nat_field_format household_formats[MAP_HOUSEHOLD_FIELD_COUNT] = {
    [MAP_HOUSEHOLD_ID] = {OFTInteger64, 11},
    [MAP_HOUSEHOLD_HOUSE_NUMBER] = {OFTString, 10},
    [MAP_HOUSEHOLD_STREET] = {OFTString, 60},
    [MAP_HOUSEHOLD_GROUP] = {OFTString, 10},
    [MAP_HOUSEHOLD_POSTCODE] = {OFTString, 5},
};
/* Realistic addresses: "Tổ dân phố 12" is 15 bytes of UTF-8. */
static const nat_field_format household_formats_realistic[MAP_HOUSEHOLD_FIELD_COUNT] = {
    [MAP_HOUSEHOLD_ID] = {OFTInteger64, 11},
    [MAP_HOUSEHOLD_HOUSE_NUMBER] = {OFTString, 12},
    [MAP_HOUSEHOLD_STREET] = {OFTString, 60},
    [MAP_HOUSEHOLD_GROUP] = {OFTString, 24},
    [MAP_HOUSEHOLD_POSTCODE] = {OFTString, 5},
};

static const char *const layer_files[] = {"shp", "shx", "dbf", "prj", "cpg"};

static void fail(nat_province_job *job, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->error, sizeof job->error, fmt, ap);
    va_end(ap);
    job->failed = 1;
}

static OGRSpatialReferenceH srs_from_epsg(int epsg)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (srs && OSRImportFromEPSG(srs, epsg) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    /* x = easting / longitude, whatever the authority's axis order. */
    if (srs) OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/* The capital in the province's TM-3 metres. Returns 0 on success. */
static int project_capital(const nat_province *p, OGRSpatialReferenceH tm3,
                           nat_point *out)
{
    OGRSpatialReferenceH wgs84 = srs_from_epsg(4326);
    OGRCoordinateTransformationH ct =
        wgs84 ? OCTNewCoordinateTransformation(wgs84, tm3) : NULL;
    double x = p->capital_lon, y = p->capital_lat;
    int ok = ct && OCTTransform(ct, 1, &x, &y, NULL);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs84);
    if (!ok) return -1;
    *out = (nat_point){x, y};
    return 0;
}

static void folder_path(char *out, size_t size, const nat_province_job *job)
{
    const nat_province *p = &nat_provinces[job->province];
    snprintf(out, size, "%s/%02d-%s", job->out_dir, p->prefix_first, p->slug);
}

/* A re-run replaces the layers rather than failing on existing files. */
static void remove_layer_files(const char folder[NAT_FOLDER_SIZE], const char *layer)
{
    char path[NAT_FOLDER_SIZE + 32];
    for (size_t k = 0; k < sizeof layer_files / sizeof layer_files[0]; k++) {
        snprintf(path, sizeof path, "%s/%s.%s", folder, layer, layer_files[k]);
        unlink(path);
    }
}

static uint64_t layer_bytes(const char folder[NAT_FOLDER_SIZE], const char *layer)
{
    char path[NAT_FOLDER_SIZE + 32];
    uint64_t total = 0;
    struct stat st;
    for (size_t k = 0; k < sizeof layer_files / sizeof layer_files[0]; k++) {
        snprintf(path, sizeof path, "%s/%s.%s", folder, layer, layer_files[k]);
        if (stat(path, &st) == 0) total += (uint64_t)st.st_size;
    }
    return total;
}

static OGRLayerH create_layer(GDALDatasetH ds, const char *name, OGRSpatialReferenceH srs,
                              OGRwkbGeometryType type, const map_field_name *names,
                              const nat_field_format *formats, size_t count)
{
    char *options[] = {"ENCODING=UTF-8", "DBF_EOF_CHAR=NO", NULL};
    OGRLayerH layer = GDALDatasetCreateLayer(ds, name, srs, type, options);
    for (size_t k = 0; layer && k < count; k++) {
        OGRFieldDefnH defn = OGR_Fld_Create(names[k].field, formats[k].type);
        OGR_Fld_SetWidth(defn, formats[k].width);
        OGRErr err = OGR_L_CreateField(layer, defn, TRUE);
        OGR_Fld_Destroy(defn);
        if (err != OGRERR_NONE) return NULL;
    }
    return layer;
}

static void format_postcode(char out[16], const nat_province *p, int zone)
{
    snprintf(out, 16, "%05d", p->prefix_first * 1000 + zone + 1);
}

void nat_zone_codes(char postcode[16], char commune[16], const nat_province_job *job,
                    int z)
{
    format_postcode(postcode, &nat_provinces[job->province], z);
    snprintf(commune, 16, "%05d", job->zone_offset + z + 1);
}

/* A realistic zone: a polygon for each exterior ring with the holes that
 * follow it; a multipolygon when the zone has more than one part. */
static OGRGeometryH outline_geometry(const nat_outline *o)
{
    OGRGeometryH parts = OGR_G_CreateGeometry(wkbMultiPolygon), polygon = NULL;
    for (uint32_t r = 0; r < o->rings; r++) {
        uint32_t start = o->ring_start[r];
        uint32_t end = r + 1 < o->rings ? o->ring_start[r + 1] : o->count;
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        OGR_G_SetPoints(ring, (int)(end - start), &o->points[start].x,
                        sizeof o->points[0], &o->points[start].y, sizeof o->points[0],
                        NULL, 0);
        if (o->ring_role[r] == NAT_RING_EXTERIOR) {
            polygon = OGR_G_CreateGeometry(wkbPolygon);
            OGR_G_AddGeometryDirectly(parts,
                                      polygon); /* parts owns it; rings still go in */
            polygon = OGR_G_GetGeometryRef(parts, OGR_G_GetGeometryCount(parts) - 1);
        }
        OGR_G_AddGeometryDirectly(polygon, ring);
    }
    if (OGR_G_GetGeometryCount(parts) > 1) return parts;
    OGRGeometryH single = OGR_G_Clone(OGR_G_GetGeometryRef(parts, 0));
    OGR_G_DestroyGeometry(parts);
    return single;
}

OGRGeometryH nat_zone_geometry(const nat_zone *zone)
{
    if (zone->outline) return outline_geometry(zone->outline);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int k = 0; k <= NAT_ZONE_RING; k++) {
        const nat_point *v = &zone->ring[k % NAT_ZONE_RING];
        OGR_G_AddPoint_2D(ring, v->x, v->y);
    }
    OGRGeometryH polygon = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(polygon, ring);
    return polygon;
}

/* Realistic addresses: the province's words (NAT_REGION_...), by where its
 * capital lies: the northern mountains (above 21° N, west of the Red River
 * delta), the south (below 16.5° N, Huế's latitude, a rough line), the plains
 * of the north and centre between. */
static int province_region(const nat_province *p)
{
    if (p->capital_lat < 16.5) return NAT_REGION_SOUTH;
    if (p->capital_lat > 21.0 && p->capital_lon < 105.4) return NAT_REGION_MOUNTAIN;
    return NAT_REGION_NORTH;
}

/* Numbered wards are a southern custom from Tuy Hòa down (Hồ Chí Minh City,
 * Cần Thơ, Vũng Tàu, Đà Lạt); Huế, Đà Nẵng and the coast down to Quy Nhơn
 * name theirs. */
#define NUMBERED_WARDS_SOUTH_OF 13.5

/* The southern towns number their wards (Phường 1 to 15 in each district):
 * the urban zone's rank in its district, or 0 for a named one. */
static int ward_number(const nat_province_job *job, const nat_layout *layout, int z)
{
    const nat_zone *zone = &layout->zones[z];
    const nat_province *p = &nat_provinces[job->province];
    if (!job->realistic_addresses || !zone->urban ||
        province_region(p) != NAT_REGION_SOUTH ||
        p->capital_lat >= NUMBERED_WARDS_SOUTH_OF)
        return 0;
    int rank = 1;
    for (int k = 0; k < z; k++)
        rank += layout->zones[k].urban && layout->zones[k].district == zone->district;
    return rank <= NAT_WARD_NUMBERED_MAX ? rank : 0;
}

/* The word of a district that is not the capital's: with realistic
 * addresses, one that holds wards is a town ("Thị xã"), or an urban
 * district ("Quận") in a centrally run city (whose capital district is a
 * "Quận" itself); the rest, and every district of simple addresses, are
 * rural ("Huyện"). */
static const char *district_kind(const nat_province_job *job, const nat_layout *layout,
                                 int district)
{
    static const char quan[] = "Quận ";
    if (!job->realistic_addresses) return "Huyện";
    for (int k = 0; k < layout->zone_count; k++)
        if (layout->zones[k].district == district && layout->zones[k].urban)
            return strncmp(nat_provinces[job->province].capital, quan, sizeof quan - 1) ==
                           0
                       ? "Quận"
                       : "Thị xã";
    return "Huyện";
}

void nat_zone_name(char out[NAT_NAME_SIZE], const nat_province_job *job,
                   const nat_layout *layout, int z)
{
    int number = ward_number(job, layout, z);
    if (number)
        nat_name_ward_numbered(out, number);
    else
        nat_name_zone(out, z, layout->zones[z].urban, &nat_provinces[job->province]);
}

static int write_zone(OGRLayerH layer, OGRFeatureH f, const nat_province_job *job,
                      const nat_layout *layout, int z)
{
    const nat_province *p = &nat_provinces[job->province];
    const nat_zone *zone = &layout->zones[z];
    char postcode[16], commune[16], name[NAT_NAME_SIZE], district[NAT_NAME_SIZE];
    nat_zone_codes(postcode, commune, job, z);
    nat_zone_name(name, job, layout, z);
    nat_name_district(district, zone->district,
                      district_kind(job, layout, zone->district), p);
    OGR_F_SetFieldString(f, MAP_ZONE_POSTCODE, postcode);
    OGR_F_SetFieldString(f, MAP_ZONE_NAME, name);
    OGR_F_SetFieldString(f, MAP_ZONE_KIND, zone->urban ? "phường" : "xã");
    OGR_F_SetFieldString(f, MAP_ZONE_COMMUNE_CODE, commune);
    OGR_F_SetFieldString(f, MAP_ZONE_DISTRICT, district);
    OGR_F_SetFieldString(f, MAP_ZONE_PROVINCE, p->name);
    OGR_F_SetGeometryDirectly(f, nat_zone_geometry(zone));
    OGR_F_SetFID(f, OGRNullFID);
    return OGR_L_CreateFeature(layer, f) == OGRERR_NONE ? 0 : -1;
}

/* For the run's figures: vertices of each zone's rings, closing points included. */
static void count_vertices(nat_province_job *job, const nat_layout *layout)
{
    if (!layout->zones[0].outline) return;
    job->zone_vertices = malloc((size_t)layout->zone_count * sizeof *job->zone_vertices);
    for (int z = 0; job->zone_vertices && z < layout->zone_count; z++)
        job->zone_vertices[z] = layout->zones[z].outline->count;
}

static int write_zones(OGRLayerH layer, const nat_province_job *job,
                       const nat_layout *layout)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    int rc = 0;
    for (int z = 0; z < layout->zone_count && rc == 0; z++)
        rc = write_zone(layer, f, job, layout, z);
    OGR_F_Destroy(f);
    return rc;
}

/* Decimal digits of @p n at @p out; returns the end. snprintf cost a tenth of
 * the run in the profile, for a job this small. */
static char *put_decimal(char *out, unsigned n)
{
    char digits[12];
    int count = 0;
    do {
        digits[count++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (count)
        *out++ = digits[--count];
    return out;
}

/* House numbers: plain in the countryside; in towns one in five sits down an
 * alley ("45/7"), as city addresses do. */
static void house_number(char out[16], int urban, seeded_rng *rng)
{
    char *end = put_decimal(out, 1 + rng_below(rng, urban ? 400 : 150));
    if (urban && rng_below(rng, 5) == 0) {
        *end++ = '/';
        end = put_decimal(end, 1 + rng_below(rng, 30));
    }
    *end = '\0';
}

typedef struct nat_zone_text {
    char postcode[16];
    char street[NAT_ZONE_STREETS][NAT_NAME_SIZE]; /* urban: streets; rural: hamlets */
} nat_zone_text;

static void zone_text(nat_zone_text *text, const nat_province_job *job,
                      const nat_zone *zone, int z)
{
    format_postcode(text->postcode, &nat_provinces[job->province], z);
    for (int k = 0; k < NAT_ZONE_STREETS; k++) {
        uint64_t pick = rng_hash4(job->seed, 13, (uint64_t)z, (uint64_t)k);
        if (zone->urban)
            nat_name_street(text->street[k], pick);
        else
            nat_name_hamlet(text->street[k],
                            (uint64_t)z * NAT_ZONE_HAMLETS + (uint64_t)k);
    }
}

/* A resident group (tổ, xóm) is a run of about 60 neighbouring households. */
#define GROUP_HOUSEHOLDS 60

/* Fields are set only when their value changes: the feature keeps its values
 * between CreateFeature calls, and each set costs a free and a strdup. */
static void set_if_changed(OGRFeatureH f, int field, const char *value, const char **last)
{
    if (value == *last) return;
    OGR_F_SetFieldString(f, field, value);
    *last = value;
}

static int write_zone_households(OGRLayerH layer, OGRFeatureH f,
                                 const nat_province_job *job, const nat_zone *zone, int z,
                                 seeded_rng *rng)
{
    nat_zone_text text;
    zone_text(&text, job, zone, z);
    OGRGeometryH point = OGR_F_GetGeometryRef(f);
    int64_t id_base = (int64_t)nat_provinces[job->province].prefix_first * 100000000 + 1;
    const char *last_street = NULL, *last_group = NULL;
    OGR_F_SetFieldString(f, MAP_HOUSEHOLD_POSTCODE, text.postcode);
    for (uint64_t h = 0; h < zone->households; h++) {
        int hamlet;
        nat_point at = nat_zone_sample(zone, rng, &hamlet);
        char number[16];
        house_number(number, zone->urban, rng);
        int street = zone->urban ? (int)rng_below(rng, NAT_ZONE_STREETS) : hamlet;
        int group = 1 + (int)(h / GROUP_HOUSEHOLDS % NAT_GROUP_MAX);
        OGR_F_SetFieldInteger64(f, MAP_HOUSEHOLD_ID,
                                id_base + (int64_t)(zone->first_household + h));
        OGR_F_SetFieldString(f, MAP_HOUSEHOLD_HOUSE_NUMBER, number);
        set_if_changed(f, MAP_HOUSEHOLD_STREET, text.street[street], &last_street);
        set_if_changed(f, MAP_HOUSEHOLD_GROUP, nat_name_group(zone->urban, group),
                       &last_group);
        OGR_G_SetPoint_2D(point, 0, at.x, at.y);
        OGR_F_SetFID(f, OGRNullFID);
        if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE) return -1;
    }
    return 0;
}

/* ---- realistic addresses ---- */

/* Doors along one street of a zone, numbered as they are: the street's own
 * numbers rise (a few skipped); one door in six opens on an alley whose
 * households are N/1, N/2, ...; one alley door in five opens on a deeper
 * alley (N/k/1, N/k/2, ...). Every address of a street is its own. */
typedef struct door_walk {
    unsigned main, alley, sub;
    unsigned alley_left, sub_left;
} door_walk;

static void next_door(door_walk *w, int alleys, seeded_rng *rng, char out[16])
{
    char *end;
    if (w->sub_left) {
        w->sub++;
        w->sub_left--;
        end = put_decimal(out, w->main);
        *end++ = '/';
        end = put_decimal(end, w->alley);
        *end++ = '/';
        end = put_decimal(end, w->sub);
    } else if (w->alley_left) {
        w->alley++;
        w->alley_left--;
        if (rng_below(rng, 5) == 0) {
            w->sub = 0;
            w->sub_left = 2 + rng_below(rng, 6);
        }
        end = put_decimal(out, w->main);
        *end++ = '/';
        end = put_decimal(end, w->alley);
    } else {
        w->main += 1 + (rng_below(rng, 4) == 0);
        if (alleys && rng_below(rng, 6) == 0) {
            w->alley = 0;
            w->alley_left = 3 + rng_below(rng, 12);
        }
        end = put_decimal(out, w->main);
    }
    *end = '\0';
}

/* A rural zone in eight has hamlets whose names differ in tones only. */
static int tone_zone(const nat_province_job *job, int z)
{
    return rng_hash4(job->seed, 29, (uint64_t)z, 0) % 8 == 0;
}

typedef struct nat_zone_words {
    char postcode[16];
    char street[NAT_ZONE_STREETS][NAT_NAME_SIZE]; /* urban: streets; rural: hamlets */
    char group[NAT_GROUP_MAX][NAT_NAME_SIZE];
    door_walk doors[NAT_ZONE_STREETS];
} nat_zone_words;

static void zone_words(nat_zone_words *w, const nat_province_job *job,
                       const nat_zone *zone, int z)
{
    const nat_province *p = &nat_provinces[job->province];
    int region = province_region(p);
    memset(w->doors, 0, sizeof w->doors);
    format_postcode(w->postcode, p, z);
    int names[NAT_ZONE_STREETS], count = nat_street_names();
    for (int k = 0; k < NAT_ZONE_STREETS; k++) {
        uint64_t pick = rng_hash4(job->seed, 13, (uint64_t)z, (uint64_t)k);
        /* Six different streets: a name drawn twice takes the next one. */
        names[k] = (int)(pick % (uint64_t)count);
        for (int j = 0; j < k; j++)
            if (names[j] == names[k]) names[k] = (names[k] + 1) % count, j = -1;
        if (zone->urban)
            nat_name_street_realistic(w->street[k], names[k], p->prefix_first,
                                      region != NAT_REGION_SOUTH);
        else
            nat_name_hamlet_realistic(w->street[k],
                                      (uint64_t)z * NAT_ZONE_HAMLETS + (uint64_t)k,
                                      region, tone_zone(job, z), k);
    }
    for (int g = 0; g < NAT_GROUP_MAX; g++)
        nat_name_group_realistic(w->group[g], zone->urban, region, g + 1);
}

static int write_zone_households_realistic(OGRLayerH layer, OGRFeatureH f,
                                           const nat_province_job *job,
                                           const nat_zone *zone, int z, seeded_rng *rng,
                                           nat_zone_words *w)
{
    zone_words(w, job, zone, z);
    OGRGeometryH point = OGR_F_GetGeometryRef(f);
    int64_t id_base = (int64_t)nat_provinces[job->province].prefix_first * 100000000 + 1;
    const char *last_street = NULL, *last_group = NULL;
    OGR_F_SetFieldString(f, MAP_HOUSEHOLD_POSTCODE, w->postcode);
    for (uint64_t h = 0; h < zone->households; h++) {
        int hamlet;
        nat_point at = nat_zone_sample(zone, rng, &hamlet);
        int street = zone->urban ? (int)rng_below(rng, NAT_ZONE_STREETS) : hamlet;
        char number[16];
        /* A village's houses go without a number one time in four. */
        if (!zone->urban && rng_below(rng, 4) == 0)
            number[0] = '\0';
        else
            next_door(&w->doors[street], zone->urban, rng, number);
        int group = (int)(h / GROUP_HOUSEHOLDS % NAT_GROUP_MAX);
        OGR_F_SetFieldInteger64(f, MAP_HOUSEHOLD_ID,
                                id_base + (int64_t)(zone->first_household + h));
        if (number[0])
            OGR_F_SetFieldString(f, MAP_HOUSEHOLD_HOUSE_NUMBER, number);
        else
            OGR_F_SetFieldNull(f, MAP_HOUSEHOLD_HOUSE_NUMBER);
        set_if_changed(f, MAP_HOUSEHOLD_STREET, w->street[street], &last_street);
        set_if_changed(f, MAP_HOUSEHOLD_GROUP, w->group[group], &last_group);
        OGR_G_SetPoint_2D(point, 0, at.x, at.y);
        OGR_F_SetFID(f, OGRNullFID);
        if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE) return -1;
    }
    return 0;
}

static int write_households(OGRLayerH layer, const nat_province_job *job,
                            const nat_layout *layout)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGR_F_SetGeometryDirectly(f, OGR_G_CreateGeometry(wkbPoint));
    seeded_rng rng;
    rng_seed(&rng, rng_hash4(job->seed, 17, 0, 0)); /* apart from the layout's hashes */
    nat_zone_words *words = job->realistic_addresses ? malloc(sizeof *words) : NULL;
    int rc = job->realistic_addresses && !words ? -1 : 0;
    for (int z = 0; z < layout->zone_count && rc == 0; z++)
        rc = words ? write_zone_households_realistic(layer, f, job, &layout->zones[z], z,
                                                     &rng, words)
                   : write_zone_households(layer, f, job, &layout->zones[z], z, &rng);
    free(words);
    OGR_F_Destroy(f);
    return rc;
}

static int make_folder(nat_province_job *job, const char *folder)
{
    if (mkdir(folder, 0777) != 0 && errno != EEXIST) {
        fail(job, "cannot create %s: %s", folder, strerror(errno));
        return -1;
    }
    remove_layer_files(folder, "zones");
    remove_layer_files(folder, "households");
    return 0;
}

static void write_layers(nat_province_job *job, const char *folder,
                         OGRSpatialReferenceH srs, const nat_layout *layout)
{
    GDALDriverH driver = GDALGetDriverByName("ESRI Shapefile");
    GDALDatasetH ds =
        driver ? GDALCreate(driver, folder, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!ds) {
        fail(job, "cannot create the shapefile folder %s: %s", folder,
             CPLGetLastErrorMsg());
        return;
    }
    OGRLayerH zones = create_layer(ds, "zones", srs, wkbPolygon, map_zone_fields,
                                   zone_formats, MAP_ZONE_FIELD_COUNT);
    if (job->edition) {
        if (!zones)
            fail(job, "cannot create the zones layer in %s: %s", folder,
                 CPLGetLastErrorMsg());
        else if (nat_edition_write_zones(zones, job, layout, srs) != 0)
            fail(job, "cannot write the %d edition's zones in %s: %s", job->edition,
                 folder, CPLGetLastErrorMsg());
        CPLErrorReset();
        GDALClose(ds);
        if (CPLGetLastErrorType() >= CE_Failure && !job->failed)
            fail(job, "cannot close %s: %s", folder, CPLGetLastErrorMsg());
        return;
    }
    OGRLayerH households = create_layer(
        ds, "households", srs, wkbPoint, map_household_fields,
        job->realistic_addresses ? household_formats_realistic : household_formats,
        MAP_HOUSEHOLD_FIELD_COUNT);
    if (!zones || !households)
        fail(job, "cannot create layers in %s: %s", folder, CPLGetLastErrorMsg());
    else if (write_zones(zones, job, layout) != 0 ||
             write_households(households, job, layout) != 0)
        fail(job, "cannot write features in %s: %s", folder, CPLGetLastErrorMsg());
    /* GDAL 3.6's GDALClose returns nothing: a flush error shows only as the
     * thread's last error. */
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure && !job->failed)
        fail(job, "cannot close %s: %s", folder, CPLGetLastErrorMsg());
}

void nat_province_write(nat_province_job *job)
{
    const nat_province *p = &nat_provinces[job->province];
    char folder[NAT_FOLDER_SIZE];
    nat_point capital;
    nat_layout layout = {0};
    border_style borders = {rng_hash4(job->seed, 23, 0, 0), job->border_spacing,
                            BORDER_ROUGHNESS, BORDER_REDIGITISE_M};
    folder_path(folder, sizeof folder, job);
    OGRSpatialReferenceH srs = srs_from_epsg(p->epsg);
    if (!srs || project_capital(p, srs, &capital) != 0) {
        fail(job, "%s: PROJ does not know EPSG:%d", p->name, p->epsg);
    } else if (nat_layout_build(&layout, capital, job->zone_count, job->households,
                                job->seed,
                                job->border_spacing > 0 ? &borders : NULL) != 0) {
        fail(job, "%s: out of memory", p->name);
    } else if (job->edition && job->edition_pass == 1) {
        if (nat_edition_footprints(job, &layout, srs) != 0)
            fail(job, "%s: cannot put the zones in WGS 84", p->name);
    } else if (make_folder(job, folder) == 0) {
        count_vertices(job, &layout);
        write_layers(job, folder, srs, &layout);
        job->bytes = layer_bytes(folder, "zones") + layer_bytes(folder, "households");
    }
    nat_layout_free(&layout);
    OSRDestroySpatialReference(srs);
}
