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

/* The union of zones first..first+n-1. */
static OGRGeometryH group_geometry(const nat_layout *layout, int first, int n)
{
    OGRGeometryH all = nat_zone_geometry(&layout->zones[first]);
    for (int z = first + 1; all && z < first + n; z++) {
        OGRGeometryH one = nat_zone_geometry(&layout->zones[z]);
        OGRGeometryH both = one ? OGR_G_Union(all, one) : NULL;
        OGR_G_DestroyGeometry(one);
        OGR_G_DestroyGeometry(all);
        all = both;
    }
    return all;
}

static int write_group(OGRLayerH layer, OGRFeatureH f, nat_province_job *job,
                       const nat_layout *layout, int first, int n, int *next)
{
    char postcode[16], commune[16], name[NAT_NAME_SIZE];
    int stays = job->edition_into == job->province;
    const char *kind = n > 1 ? "merged" : stays ? "unchanged" : "renamed";
    nat_zone_codes(postcode, commune, job, first);
    if (strcmp(kind, "unchanged") != 0) {
        snprintf(postcode, sizeof postcode, "%05d", (*next)++);
        snprintf(commune, sizeof commune, "%s", postcode);
    }
    int urban = 0;
    for (int z = first; z < first + n; z++) {
        char old[16], old_commune[16];
        nat_zone_codes(old, old_commune, job, z);
        job->history[job->history_count++] =
            (nat_history_row){atoi(old), atoi(postcode), kind};
        urban |= layout->zones[z].urban;
    }
    OGRGeometryH geometry = group_geometry(layout, first, n);
    if (!geometry) return -1;
    nat_zone_name(name, job, layout, first);
    OGR_F_SetFieldString(f, MAP_ZONE_POSTCODE, postcode);
    OGR_F_SetFieldString(f, MAP_ZONE_NAME, name);
    OGR_F_SetFieldString(f, MAP_ZONE_KIND, urban ? "phường" : "xã");
    OGR_F_SetFieldString(f, MAP_ZONE_COMMUNE_CODE, commune);
    OGR_F_SetFieldString(f, MAP_ZONE_DISTRICT, ""); /* no district level */
    OGR_F_SetFieldString(f, MAP_ZONE_PROVINCE, nat_provinces[job->edition_into].name);
    OGR_F_SetGeometryDirectly(f, geometry);
    OGR_F_SetFID(f, OGRNullFID);
    return OGR_L_CreateFeature(layer, f) == OGRERR_NONE ? 0 : -1;
}

int nat_edition_write_zones(OGRLayerH layer, nat_province_job *job,
                            const nat_layout *layout)
{
    job->history = malloc((size_t)layout->zone_count * sizeof *job->history);
    job->history_count = 0;
    if (!job->history) return -1;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    int rc = 0, next = job->edition_base, cols = layout->cols;
    for (int row = 0; row * cols < layout->zone_count && rc == 0; row++)
        for (int i = 0; i < cols && rc == 0; i += GROUP) {
            int first = row * cols + i;
            if (first >= layout->zone_count) break;
            int n = GROUP;
            if (i + n > cols) n = cols - i;
            if (first + n > layout->zone_count) n = layout->zone_count - first;
            rc = write_group(layer, f, job, layout, first, n, &next);
        }
    OGR_F_Destroy(f);
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
