/*
 * edition.c - the national map as the reform of 1 July 2025 left it
 * (`diachi-gen-national --edition 2025`): the 63 provinces merged into 34 as
 * Resolution 202/2025/QH15 merged them, the district level gone, and the
 * communes and wards of each province merged about three into one. Not one
 * door moves: the households stay those of the map made with the same
 * options, and only the zones (and so the codes' postcodes) change.
 *
 * The zones of a lattice row go three at a time (two or one at the row's
 * end). A group of several is merged into a new zone with a new postcode; a
 * zone alone keeps its postcode when its province stays, and gets a new one
 * (renamed) when its province joins another. New postcodes are taken in the
 * postcode range of the province the zone now belongs to, after every
 * postcode that province's own zones had, so that no retired postcode ever
 * names a new zone. A new zone is the union of its old ones (GEOS, through
 * OGR): with simple borders the old zones share their edges vertex for
 * vertex and the union dissolves them exactly; with realistic borders, each
 * zone digitised on its own, the slivers between them stay, as in real maps.
 *
 * The provinces are laid out around their capitals independently, so the
 * zones of neighbouring provinces overlap (README, Limitations). Where they
 * do, an index gives the door to the lower postcode, the importer's
 * documented rule: the map's households there are that zone's. The reform's
 * zones follow the same reading, as a surveyor redrawing the map would: a
 * new zone is the union of its old zones less the ground a lower postcode of
 * another province holds. So the new zones do not overlap, and every door
 * lies in the new zone its old zone's history row names. This takes two
 * passes over the provinces: the first puts every zone of the map in WGS 84
 * (nat_edition_footprints), the second cuts each new zone by its neighbours'
 * (reprojected into its own CRS) as it writes it.
 *
 * DIR/history.csv says what became of every old zone:
 * old_postcode,new_postcode,kind,effective_date, the table diachi-import
 * reads with --history.
 */
#include "national.h"

#include "map_schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

/* Each province the reform folded into another, and the one it joined. */
static const struct {
    const char *from, *into;
} folded[] = {
    {"ha-giang", "tuyen-quang"},
    {"yen-bai", "lao-cai"},
    {"bac-kan", "thai-nguyen"},
    {"vinh-phuc", "phu-tho"},
    {"hoa-binh", "phu-tho"},
    {"bac-giang", "bac-ninh"},
    {"thai-binh", "hung-yen"},
    {"hai-duong", "hai-phong"},
    {"ha-nam", "ninh-binh"},
    {"nam-dinh", "ninh-binh"},
    {"quang-binh", "quang-tri"},
    {"quang-nam", "da-nang"},
    {"kon-tum", "quang-ngai"},
    {"binh-dinh", "gia-lai"},
    {"ninh-thuan", "khanh-hoa"},
    {"dak-nong", "lam-dong"},
    {"binh-thuan", "lam-dong"},
    {"phu-yen", "dak-lak"},
    {"ba-ria-vung-tau", "ho-chi-minh"},
    {"binh-duong", "ho-chi-minh"},
    {"binh-phuoc", "dong-nai"},
    {"long-an", "tay-ninh"},
    {"soc-trang", "can-tho"},
    {"hau-giang", "can-tho"},
    {"ben-tre", "vinh-long"},
    {"tra-vinh", "vinh-long"},
    {"tien-giang", "dong-thap"},
    {"bac-lieu", "ca-mau"},
    {"kien-giang", "an-giang"},
};

#define GROUP 3 /* zones of a row merged into one */

int nat_edition_into(int province)
{
    for (size_t k = 0; k < sizeof folded / sizeof folded[0]; k++)
        if (strcmp(nat_provinces[province].slug, folded[k].from) == 0)
            return nat_province_find(folded[k].into);
    return province;
}

/* The new postcodes each job may hand out: its old zone count, an upper
 * bound on its new zones. A province that stays starts after its own old
 * postcodes; those that join it follow, in the order of the list. */
int nat_edition_plan(nat_province_job *jobs, int count, char *error, size_t size)
{
    for (int k = 0; k < count; k++) {
        jobs[k].edition_into = nat_edition_into(jobs[k].province);
        jobs[k].edition_base = 0;
    }
    for (int k = 0; k < count; k++) {
        if (jobs[k].edition_into != jobs[k].province) continue;
        const nat_province *p = &nat_provinces[jobs[k].province];
        int next = p->prefix_first * 1000 + jobs[k].zone_count + 1;
        jobs[k].edition_base = next;
        next += jobs[k].zone_count;
        for (int m = 0; m < count; m++) {
            if (m == k || jobs[m].edition_into != jobs[k].province) continue;
            jobs[m].edition_base = next;
            next += jobs[m].zone_count;
        }
        if (next - 1 >= (p->prefix_first + p->prefix_count) * 1000) {
            snprintf(error, size,
                     "--zones too large for the 2025 edition: %s would need postcodes "
                     "past %05d",
                     p->name, (p->prefix_first + p->prefix_count) * 1000 - 1);
            return -1;
        }
    }
    /* A province whose partner is not in the run: a range of its partner's
     * that no zone of this run holds. */
    for (int k = 0; k < count; k++)
        if (jobs[k].edition_base == 0) {
            const nat_province *into = &nat_provinces[jobs[k].edition_into];
            jobs[k].edition_base = into->prefix_first * 1000 + 1;
        }
    return 0;
}

/* ---- the map's zones in WGS 84 (pass 1) ---- */

/* Envelopes are of the vertices; an edge between two of them bends a little
 * once reprojected, so they are widened by about 10 m. */
#define ENVELOPE_MARGIN_DEG 1e-4
/* An index draws a zone's edges straight in degrees, between its vertices
 * as reprojected; another province's CRS bends them. Vertices every 1e-3
 * degree (about 110 m) along each edge make the cut follow the edge the
 * index draws to within a micrometre, not a few millimetres. */
#define FOOTPRINT_STEP_DEG 1e-3

static OGRSpatialReferenceH wgs84_srs(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (srs && OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    if (srs) OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

static void envelope_add(OGREnvelope *all, const OGREnvelope *e, int first)
{
    if (first) {
        *all = *e;
        return;
    }
    if (e->MinX < all->MinX) all->MinX = e->MinX;
    if (e->MinY < all->MinY) all->MinY = e->MinY;
    if (e->MaxX > all->MaxX) all->MaxX = e->MaxX;
    if (e->MaxY > all->MaxY) all->MaxY = e->MaxY;
}

static int envelopes_meet(const OGREnvelope *a, const OGREnvelope *b)
{
    return a->MinX <= b->MaxX && b->MinX <= a->MaxX && a->MinY <= b->MaxY &&
           b->MinY <= a->MaxY;
}

int nat_edition_footprints(nat_province_job *job, const nat_layout *layout,
                           OGRSpatialReferenceH srs)
{
    int n = layout->zone_count, rc = -1;
    job->footprint = calloc((size_t)n, sizeof *job->footprint);
    job->footprint_env = calloc((size_t)n, sizeof *job->footprint_env);
    OGRSpatialReferenceH wgs84 = wgs84_srs();
    OGRCoordinateTransformationH ct =
        wgs84 ? OCTNewCoordinateTransformation(srs, wgs84) : NULL;
    if (!job->footprint || !job->footprint_env || !ct) goto done;
    for (int z = 0; z < n; z++) {
        OGRGeometryH g = nat_zone_geometry(&layout->zones[z]);
        job->footprint[z] = g;
        if (!g || OGR_G_Transform(g, ct) != OGRERR_NONE) goto done;
        OGR_G_Segmentize(g, FOOTPRINT_STEP_DEG);
        OGREnvelope *e = &job->footprint_env[z];
        OGR_G_GetEnvelope(g, e);
        e->MinX -= ENVELOPE_MARGIN_DEG, e->MinY -= ENVELOPE_MARGIN_DEG;
        e->MaxX += ENVELOPE_MARGIN_DEG, e->MaxY += ENVELOPE_MARGIN_DEG;
        envelope_add(&job->footprint_all, e, z == 0);
    }
    rc = 0;
done:
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs84);
    return rc;
}

void nat_edition_free_footprints(nat_province_job *job)
{
    for (int z = 0; job->footprint && z < job->zone_count; z++)
        OGR_G_DestroyGeometry(job->footprint[z]);
    free(job->footprint);
    free(job->footprint_env);
    job->footprint = NULL;
    job->footprint_env = NULL;
}

/* ---- the new zones (pass 2) ---- */

/* Less than this is no ground: what a cut leaves along a border it follows. */
#define BARE_M2 1.0
/* The same in square degrees, about (1 m / 111 km)^2: more is an overlap. */
#define OVERLAP_DEG2 1e-10

/* A part smaller than this is a crumb of the overlay, where two lower
 * zones' shared border meets the cut: far under the 1e-7 degree (1 cm)
 * grid an index holds a polygon on, so it is dropped. */
#define CRUMB_M2 0.01

static void add_part(OGRGeometryH out, OGRGeometryH polygon)
{
    if (OGR_G_Area(polygon) >= CRUMB_M2) OGR_G_AddGeometry(out, polygon);
}

/* The polygons of an overlay's result, without the lines and points where
 * two borders touch, or crumbs; consumes @p g. */
static OGRGeometryH polygons_of(OGRGeometryH g)
{
    if (!g) return NULL;
    OGRGeometryH out = OGR_G_CreateGeometry(wkbMultiPolygon);
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type == wkbPolygon) add_part(out, g);
    for (int k = 0; type != wkbPolygon && k < OGR_G_GetGeometryCount(g); k++) {
        OGRGeometryH part = OGR_G_GetGeometryRef(g, k);
        OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(part));
        if (t == wkbPolygon) add_part(out, part);
        for (int m = 0; t == wkbMultiPolygon && m < OGR_G_GetGeometryCount(part); m++)
            add_part(out, OGR_G_GetGeometryRef(part, m));
    }
    OGR_G_DestroyGeometry(g);
    if (OGR_G_GetGeometryCount(out) != 1) return out;
    OGRGeometryH single = OGR_G_Clone(OGR_G_GetGeometryRef(out, 0));
    OGR_G_DestroyGeometry(out);
    return single;
}

static double area_of(OGRGeometryH g)
{
    return g && !OGR_G_IsEmpty(g) ? OGR_G_Area(g) : 0.0;
}

/* A zone of another province with a lower postcode whose envelope meets
 * the zone being cut: the candidates for its ground, lowest first. */
typedef struct lower_zone {
    int postcode;
    const nat_province_job *job;
    int zone;
} lower_zone;

static int by_postcode(const void *a, const void *b)
{
    const lower_zone *x = a, *y = b;
    return (x->postcode > y->postcode) - (x->postcode < y->postcode);
}

/* Sets *out (malloc'd, lowest postcode first) and returns the count, or -1. */
static int lower_zones(const nat_province_job *job, const OGREnvelope *env,
                       lower_zone **out)
{
    int prefix = nat_provinces[job->province].prefix_first, n = 0, cap = 0;
    lower_zone *list = NULL;
    for (int k = 0; k < job->run_count; k++) {
        const nat_province_job *other = &job->run[k];
        const nat_province *p = &nat_provinces[other->province];
        if (p->prefix_first >= prefix || !other->footprint ||
            !envelopes_meet(&other->footprint_all, env))
            continue;
        for (int z = 0; z < other->zone_count; z++) {
            if (!envelopes_meet(&other->footprint_env[z], env)) continue;
            if (n == cap) {
                lower_zone *grown =
                    realloc(list, (size_t)(cap = 2 * cap + 16) * sizeof *list);
                if (!grown) {
                    free(list);
                    return -1;
                }
                list = grown;
            }
            list[n++] = (lower_zone){p->prefix_first * 1000 + z + 1, other, z};
        }
    }
    if (n > 1) qsort(list, (size_t)n, sizeof *list, by_postcode);
    *out = list;
    return n;
}

/* The lower zone in this province's CRS (a new geometry), or NULL. */
static OGRGeometryH lower_local(const lower_zone *l,
                                OGRCoordinateTransformationH to_local)
{
    OGRGeometryH g = OGR_G_Clone(l->job->footprint[l->zone]);
    if (g && OGR_G_Transform(g, to_local) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(g);
        return NULL;
    }
    return g;
}

/* @p g (this province's CRS, consumed) less every lower zone of @p list.
 * NULL on error. */
static OGRGeometryH cut_lower(OGRGeometryH g, const lower_zone *list, int n,
                              OGRCoordinateTransformationH to_local)
{
    for (int k = 0; g && k < n; k++) {
        OGRGeometryH lower = lower_local(&list[k], to_local);
        if (!lower) {
            OGR_G_DestroyGeometry(g);
            return NULL;
        }
        if (OGR_G_Intersects(g, lower)) {
            OGRGeometryH rest = polygons_of(OGR_G_Difference(g, lower));
            OGR_G_DestroyGeometry(g);
            g = rest;
        }
        OGR_G_DestroyGeometry(lower);
    }
    return g;
}

/* ---- the groups of a province's zones and their new postcodes ---- */

/* The zones of a lattice row go GROUP at a time; zones first..first+n-1
 * make one new zone. */
typedef struct group_walk {
    int cols, count, row, i, next;
} group_walk;

static group_walk walk_start(const nat_province_job *job)
{
    return (group_walk){nat_layout_cols(job->zone_count), job->zone_count, 0, 0,
                        job->edition_base};
}

/* 1 when another province's zone with a lower postcode overlaps zone @p z
 * of @p job, judged on the WGS 84 footprints alone, so that every job
 * judges it alike. */
static int overlapped(const nat_province_job *job, int z)
{
    int prefix = nat_provinces[job->province].prefix_first;
    for (int k = 0; k < job->run_count; k++) {
        const nat_province_job *other = &job->run[k];
        if (nat_provinces[other->province].prefix_first >= prefix || !other->footprint ||
            !envelopes_meet(&other->footprint_all, &job->footprint_env[z]))
            continue;
        for (int m = 0; m < other->zone_count; m++) {
            if (!envelopes_meet(&other->footprint_env[m], &job->footprint_env[z]) ||
                !OGR_G_Intersects(other->footprint[m], job->footprint[z]))
                continue;
            OGRGeometryH both =
                OGR_G_Intersection(other->footprint[m], job->footprint[z]);
            double deg2 = both && !OGR_G_IsEmpty(both) ? OGR_G_Area(both) : 0;
            OGR_G_DestroyGeometry(both);
            if (deg2 > OVERLAP_DEG2) return 1;
        }
    }
    return 0;
}

/* The next group: 1 with *first, *n and its new postcode, or 0 at the end.
 * A zone alone keeps its postcode when its province stays and no lower
 * postcode takes any of its ground; one that loses ground is a new place
 * for an index (its reference point may leave it), so it gets a new
 * postcode from the top of its province's slice, one a row. */
static int walk_next(group_walk *w, const nat_province_job *job, int *first, int *n,
                     int *postcode)
{
    if (w->i >= w->cols) w->row++, w->i = 0;
    *first = w->row * w->cols + w->i;
    if (*first >= w->count) return 0;
    *n = GROUP;
    if (w->i + *n > w->cols) *n = w->cols - w->i;
    if (*first + *n > w->count) *n = w->count - *first;
    w->i += GROUP;
    int stays = job->edition_into == job->province;
    if (*n == 1 && stays && !overlapped(job, *first))
        *postcode = nat_provinces[job->province].prefix_first * 1000 + *first + 1;
    else if (*n == 1 && stays)
        *postcode = job->edition_base + job->zone_count - 1 - w->row;
    else
        *postcode = w->next++;
    return 1;
}

/* The kind of the rows of a group's @p n zones that keep ground of their
 * own (a group whose other zones were all bare is one zone renamed). */
static const char *group_kind(const nat_province_job *job, int first, int n, int postcode)
{
    int old = nat_provinces[job->province].prefix_first * 1000 + first + 1;
    return n > 1 ? "merged" : postcode == old ? "unchanged" : "renamed";
}

/* The new postcode of the group holding zone @p z of @p job. */
static int new_postcode_of(const nat_province_job *job, int z)
{
    group_walk w = walk_start(job);
    int first, n, postcode;
    while (walk_next(&w, job, &first, &n, &postcode))
        if (z < first + n) return postcode;
    return 0;
}

static int add_row(nat_province_job *job, int old_postcode, int new_postcode,
                   const char *kind)
{
    for (int r = 0; r < job->history_count; r++)
        if (job->history[r].old_postcode == old_postcode &&
            job->history[r].new_postcode == new_postcode)
            return 0;
    if (job->history_count == job->history_cap) {
        int cap = 2 * job->history_cap + 64;
        nat_history_row *grown = realloc(job->history, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        job->history = grown;
        job->history_cap = cap;
    }
    job->history[job->history_count++] =
        (nat_history_row){old_postcode, new_postcode, kind};
    return 0;
}

/* A zone left with no ground of its own: its doors lie in lower postcodes'
 * zones, so its rows name the new zones those went to, each holding part
 * of its ground ("merged" into one, "split" between several). */
static int bare_rows(nat_province_job *job, const nat_layout *layout, int z,
                     const lower_zone *list, int n, OGRCoordinateTransformationH to_local)
{
    int old_postcode = nat_provinces[job->province].prefix_first * 1000 + z + 1;
    int targets[64], count = 0, rc = 0, largest = 0;
    double largest_m2 = 0;
    OGRGeometryH left = nat_zone_geometry(&layout->zones[z]);
    for (int k = 0; left && k < n && rc == 0; k++) {
        OGRGeometryH lower = lower_local(&list[k], to_local);
        if (!lower) {
            rc = -1;
            break;
        }
        if (OGR_G_Intersects(left, lower)) {
            OGRGeometryH piece = polygons_of(OGR_G_Intersection(left, lower));
            int to = new_postcode_of(list[k].job, list[k].zone), seen = 0;
            for (int t = 0; t < count; t++)
                seen |= targets[t] == to;
            double m2 = area_of(piece);
            if (m2 >= BARE_M2 && !seen && count < 64) targets[count++] = to;
            if (m2 > largest_m2) largest_m2 = m2, largest = to;
            OGR_G_DestroyGeometry(piece);
            OGRGeometryH rest = polygons_of(OGR_G_Difference(left, lower));
            OGR_G_DestroyGeometry(left);
            left = rest;
        }
        OGR_G_DestroyGeometry(lower);
    }
    if (!left) rc = -1;
    OGR_G_DestroyGeometry(left);
    if (rc == 0 && count == 0 && largest) targets[count++] = largest; /* crumbs only */
    if (rc != 0 || count == 0) return -1;
    for (int t = 0; t < count && rc == 0; t++)
        rc = add_row(job, old_postcode, targets[t], count > 1 ? "split" : "merged");
    return rc;
}

/* 1 when zone @p z keeps less than BARE_M2 of its ground, 0 when it keeps
 * some, -1 on error; job->cut_zones counts those that lost some. */
static int zone_bare(nat_province_job *job, const nat_layout *layout, int z,
                     const lower_zone *list, int n, OGRCoordinateTransformationH to_local)
{
    OGRGeometryH one = nat_zone_geometry(&layout->zones[z]);
    double whole = area_of(one);
    one = one ? cut_lower(one, list, n, to_local) : NULL;
    if (!one) return -1;
    double left = area_of(one);
    OGR_G_DestroyGeometry(one);
    job->cut_zones += left < whole;
    job->bare_zones += left < BARE_M2;
    return left < BARE_M2;
}

/* The union of zones first..first+n-1 less lower postcodes' ground, and the
 * group's history rows; *geometry NULL when no ground is left. 0, or -1. */
static int group_geometry(nat_province_job *job, const nat_layout *layout, int first,
                          int n, int postcode, OGRCoordinateTransformationH to_local,
                          OGRGeometryH *geometry)
{
    *geometry = NULL;
    OGREnvelope env = job->footprint_env[first];
    for (int z = first + 1; z < first + n; z++)
        envelope_add(&env, &job->footprint_env[z], 0);
    lower_zone *list = NULL;
    int count = lower_zones(job, &env, &list), rc = count < 0 ? -1 : 0, kept = 0;
    int bare[GROUP] = {0};
    for (int z = first; z < first + n && rc == 0; z++) {
        bare[z - first] =
            count > 0 ? zone_bare(job, layout, z, list, count, to_local) : 0;
        if (bare[z - first] < 0) rc = -1;
        kept += bare[z - first] == 0;
    }
    for (int z = first; z < first + n && rc == 0; z++)
        rc = bare[z - first]
                 ? bare_rows(job, layout, z, list, count, to_local)
                 : add_row(job, nat_provinces[job->province].prefix_first * 1000 + z + 1,
                           postcode, group_kind(job, first, kept, postcode));
    OGRGeometryH all = NULL;
    for (int z = first; z < first + n && rc == 0 && kept; z++) {
        OGRGeometryH one = nat_zone_geometry(&layout->zones[z]);
        OGRGeometryH both = all && one ? OGR_G_Union(all, one) : one;
        if (all) OGR_G_DestroyGeometry(one);
        OGR_G_DestroyGeometry(all);
        all = both;
        if (!all) rc = -1;
    }
    if (all && count > 0) all = cut_lower(all, list, count, to_local);
    if (rc == 0 && kept && !all) rc = -1;
    free(list);
    if (rc != 0) {
        OGR_G_DestroyGeometry(all);
        return -1;
    }
    *geometry = all;
    return 0;
}

static int write_group(OGRLayerH layer, OGRFeatureH f, nat_province_job *job,
                       const nat_layout *layout, int first, int n, int postcode,
                       OGRCoordinateTransformationH to_local)
{
    char code[16], name[NAT_NAME_SIZE];
    OGRGeometryH geometry;
    if (group_geometry(job, layout, first, n, postcode, to_local, &geometry) != 0)
        return -1;
    if (!geometry) return 0; /* every door of it lies in a lower postcode's zone */
    int urban = 0;
    for (int z = first; z < first + n; z++)
        urban |= layout->zones[z].urban;
    snprintf(code, sizeof code, "%05d", postcode);
    nat_zone_name(name, job, layout, first);
    OGR_F_SetFieldString(f, MAP_ZONE_POSTCODE, code);
    OGR_F_SetFieldString(f, MAP_ZONE_NAME, name);
    OGR_F_SetFieldString(f, MAP_ZONE_KIND, urban ? "phường" : "xã");
    if (strcmp(group_kind(job, first, n, postcode), "unchanged") == 0) {
        char postcode_again[16], commune[16];
        nat_zone_codes(postcode_again, commune, job, first);
        OGR_F_SetFieldString(f, MAP_ZONE_COMMUNE_CODE, commune);
    } else {
        OGR_F_SetFieldString(f, MAP_ZONE_COMMUNE_CODE, code);
    }
    OGR_F_SetFieldString(f, MAP_ZONE_DISTRICT, ""); /* no district level */
    OGR_F_SetFieldString(f, MAP_ZONE_PROVINCE, nat_provinces[job->edition_into].name);
    OGR_F_SetGeometryDirectly(f, geometry);
    OGR_F_SetFID(f, OGRNullFID);
    return OGR_L_CreateFeature(layer, f) == OGRERR_NONE ? 0 : -1;
}

int nat_edition_write_zones(OGRLayerH layer, nat_province_job *job,
                            const nat_layout *layout, OGRSpatialReferenceH srs)
{
    job->history = NULL;
    job->history_count = job->history_cap = 0;
    OGRSpatialReferenceH wgs84 = wgs84_srs();
    OGRCoordinateTransformationH to_local =
        wgs84 ? OCTNewCoordinateTransformation(wgs84, srs) : NULL;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    int rc = to_local && job->footprint ? 0 : -1;
    group_walk w = walk_start(job);
    int first, n, postcode;
    while (rc == 0 && walk_next(&w, job, &first, &n, &postcode))
        rc = write_group(layer, f, job, layout, first, n, postcode, to_local);
    OGR_F_Destroy(f);
    OCTDestroyCoordinateTransformation(to_local);
    OSRDestroySpatialReference(wgs84);
    return rc;
}

static int by_old_postcode(const void *a, const void *b)
{
    const nat_history_row *x = a, *y = b;
    if (x->old_postcode != y->old_postcode)
        return (x->old_postcode > y->old_postcode) - (x->old_postcode < y->old_postcode);
    return (x->new_postcode > y->new_postcode) - (x->new_postcode < y->new_postcode);
}

int nat_edition_write_history(const char *dir, const nat_province_job *jobs, int count)
{
    size_t total = 0, n = 0;
    for (int k = 0; k < count; k++)
        total += (size_t)jobs[k].history_count;
    nat_history_row *rows = malloc((total ? total : 1) * sizeof *rows);
    if (!rows) return -1;
    for (int k = 0; k < count; k++)
        for (int r = 0; r < jobs[k].history_count; r++)
            rows[n++] = jobs[k].history[r];
    qsort(rows, n, sizeof *rows, by_old_postcode);
    char path[4096], temp[4200];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    snprintf(temp, sizeof temp, "%s.tmp", path);
    FILE *out = fopen(temp, "w");
    int ok = out != NULL;
    if (ok) fputs("old_postcode,new_postcode,kind,effective_date\n", out);
    for (size_t r = 0; ok && r < n; r++)
        ok = fprintf(out, "%05d,%05d,%s,%s\n", rows[r].old_postcode, rows[r].new_postcode,
                     rows[r].kind, NAT_EDITION_DATE) > 0;
    if (out && fclose(out) != 0) ok = 0;
    if (ok && rename(temp, path) != 0) ok = 0;
    if (!ok) {
        int saved = errno;
        unlink(temp);
        errno = saved;
    }
    free(rows);
    return ok ? 0 : -1;
}
