/*
 * search_records_former.c - the names of the earlier editions' zones,
 * districts and provinces that no current zone carries, for the search
 * index (search_records_former.h, docs/FORMAT.md "The search index"):
 * each earlier zone's reach (the current postcodes of the households its
 * polygon holds, found through a grid of the zones' boxes), which names
 * are former, and the postcodes their records list.
 */
#include <stdlib.h>
#include <string.h>

#include "search_records_former.h"

/* A zone of the earlier editions: its names, its polygon, and the current
 * postcodes of the households that lie in it (its reach). */
struct past_names {
    uint32_t postcode;
    dc_str name, kind, district, province;
    dc_polygon polygon;
    int32_t south, west, north, east;
    members reach;
};

/* A former district or province: the current postcodes its earlier zones
 * reach, and those zones' postcodes. */
struct former_group {
    members reach, old;
    uint32_t first; /* its first earlier zone, in s->past */
};

dc_err dc_search_former_zone(search_former *s, uint32_t postcode, dc_str name,
                             dc_str kind, dc_str district, dc_str province,
                             dc_polygon polygon)
{
    if (s->grid) return DC_E_INVALID_ARG; /* before the households */
    if (s->npast == s->cappast) {
        size_t cap = s->cappast ? 2 * s->cappast : 64;
        past_names *g = realloc(s->past, cap * sizeof *g);
        if (!g) return DC_E_NOMEM;
        s->past = g;
        s->cappast = cap;
    }
    past_names *p = &s->past[s->npast++];
    *p = (past_names){.postcode = postcode,
                      .name = name,
                      .kind = kind,
                      .district = district,
                      .province = province,
                      .polygon = polygon};
    dc_polygon_bbox(&polygon, &p->south, &p->west, &p->north, &p->east);
    return DC_OK;
}

void dc_search_former_free(search_former *s)
{
    for (size_t i = 0; i < s->npast; i++)
        free(s->past[i].reach.postcodes);
    free(s->past);
    free(s->grid);
    for (size_t i = 0; i < s->ngroups; i++) {
        free(s->groups[i].reach.postcodes);
        free(s->groups[i].old.postcodes);
    }
    free(s->groups);
}

/* ---- households into the earlier zones ----------------------------------- */

static int by_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* Every zone grid cell an earlier zone's box touches, as (cell, zone). */
static dc_err build_grid(search_former *s)
{
    size_t n = 0, cap = 2 * s->npast + 1;
    uint64_t *g = malloc(cap * sizeof *g);
    if (!g) return DC_E_NOMEM;
    for (size_t i = 0; i < s->npast; i++) {
        const past_names *p = &s->past[i];
        if (dc_zonegrid_cover(&g, &n, &cap, p->south, p->west, p->north, p->east,
                              (uint32_t)i) != DC_OK) {
            free(g);
            return DC_E_NOMEM;
        }
    }
    qsort(g, n, sizeof *g, by_u64);
    s->grid = g;
    s->ngrid = n;
    return DC_OK;
}

/* The entries of the grid in @p cell: s->grid_lo..grid_hi. */
static void grid_cell(search_former *s, uint32_t cell)
{
    if (s->grid_valid && s->grid_cell == cell) return;
    size_t lo = dc_zonegrid_first(s->grid, s->ngrid, cell);
    s->grid_lo = lo;
    while (lo < s->ngrid && s->grid[lo] >> 32 == cell)
        lo++;
    s->grid_hi = lo;
    s->grid_cell = cell;
    s->grid_valid = 1;
}

dc_err dc_search_former_household(search_former *s, uint32_t postcode, int32_t lat,
                                  int32_t lon)
{
    if (!s->grid && build_grid(s) != DC_OK) return DC_E_NOMEM;
    grid_cell(s, dc_zonegrid_cell(lat, lon));
    for (size_t k = s->grid_lo; k < s->grid_hi; k++) {
        past_names *p = &s->past[(uint32_t)s->grid[k]];
        members *m = &p->reach;
        if (lat < p->south || lat > p->north || lon < p->west || lon > p->east ||
            (m->n && m->postcodes[m->n - 1] == postcode) ||
            !dc_polygon_contains(&p->polygon, lat, lon))
            continue;
        if (dc_search_members_add(m, postcode) != DC_OK) return DC_E_NOMEM;
    }
    return DC_OK;
}

/* ---- former names: the earlier editions' zones, districts, provinces ---- */

static int by_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

static void sort_members(members *m)
{
    uint32_t k = 0;
    if (m->n) qsort(m->postcodes, m->n, sizeof *m->postcodes, by_u32);
    for (uint32_t i = 0; i < m->n; i++)
        if (k == 0 || m->postcodes[k - 1] != m->postcodes[i])
            m->postcodes[k++] = m->postcodes[i];
    m->n = k;
}

static int by_past_postcode(const void *pa, const void *pb)
{
    const past_names *a = pa, *b = pb;
    return (a->postcode > b->postcode) - (a->postcode < b->postcode);
}

/* The current zones, and where the names go. */
typedef struct naming {
    search_former *s;
    const zone_names *zones; /* in postcode order */
    size_t nzones;
    dc_search_former_fn fn;
    void *ctx;
} naming;

/* The current zone of @p postcode, or NULL. */
static const zone_names *current_zone(const naming *n, uint32_t postcode)
{
    size_t lo = 0, hi = n->nzones;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->zones[mid].postcode < postcode)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n->nzones && n->zones[lo].postcode == postcode ? &n->zones[lo] : NULL;
}

/* An earlier zone's name is still current when its postcode is a current
 * zone of that name, or every current zone it reaches bears it: the
 * current entity finds the same households. */
static int zone_name_current(const naming *n, const past_names *p)
{
    const zone_names *z = current_zone(n, p->postcode);
    if (z && dc_search_same_str(z->name, p->name)) return 1;
    for (uint32_t i = 0; i < p->reach.n; i++) {
        z = current_zone(n, p->reach.postcodes[i]);
        if (!z || !dc_search_same_str(z->name, p->name)) return 0;
    }
    return 1;
}

/* A district (within its province) or province name some current zone
 * still carries. */
static int place_name_current(const naming *n, uint8_t kind, const past_names *p)
{
    dc_str name = kind == DC_ENTITY_DISTRICT ? p->district : p->province;
    for (size_t i = 0; i < n->nzones; i++) {
        const zone_names *z = &n->zones[i];
        if (dc_search_same_str(kind == DC_ENTITY_DISTRICT ? z->district : z->province,
                               name) &&
            (kind == DC_ENTITY_PROVINCE || dc_search_same_str(z->province, p->province)))
            return 1;
    }
    return 0;
}

static dc_err former_zones(const naming *n)
{
    const search_former *s = n->s;
    dc_err rc = DC_OK;
    for (size_t i = 0; rc == DC_OK && i < s->npast; i++) {
        const past_names *p = &s->past[i];
        if (p->reach.n == 0 || zone_name_current(n, p)) continue;
        rc = n->fn(n->ctx, DC_ENTITY_ZONE, p->name, p->kind, (uint32_t)i, p->postcode);
    }
    return rc;
}

static dc_err new_former(search_former *s, uint32_t first, uint32_t *out)
{
    if (s->ngroups == s->capgroups) {
        size_t cap = s->capgroups ? 2 * s->capgroups : 16;
        former_group *g = realloc(s->groups, cap * sizeof *g);
        if (!g) return DC_E_NOMEM;
        s->groups = g;
        s->capgroups = cap;
    }
    s->groups[s->ngroups] = (former_group){.first = first};
    *out = (uint32_t)s->ngroups++;
    return DC_OK;
}

/* The earlier editions' districts or provinces whose names no current
 * zone carries, each with its earlier zones and the current postcodes
 * they reach. */
static dc_err former_level(const naming *n, uint8_t kind)
{
    search_former *s = n->s;
    size_t start = s->ngroups;
    uint32_t *group_of = malloc((s->npast ? s->npast : 1) * sizeof *group_of);
    dc_err rc = group_of ? DC_OK : DC_E_NOMEM;
    for (size_t i = 0; rc == DC_OK && i < s->npast; i++) {
        const past_names *p = &s->past[i];
        dc_str name = kind == DC_ENTITY_DISTRICT ? p->district : p->province;
        group_of[i] = UINT32_MAX;
        if (name.len == 0 || place_name_current(n, kind, p)) continue;
        size_t j = 0;
        for (; j < i; j++) {
            const past_names *y = &s->past[j];
            if (group_of[j] != UINT32_MAX &&
                dc_search_same_str(kind == DC_ENTITY_DISTRICT ? y->district : y->province,
                                   name) &&
                (kind == DC_ENTITY_PROVINCE ||
                 dc_search_same_str(y->province, p->province)))
                break;
        }
        if (j < i)
            group_of[i] = group_of[j];
        else
            rc = new_former(s, (uint32_t)i, &group_of[i]);
        former_group *g = rc == DC_OK ? &s->groups[group_of[i]] : NULL;
        if (g) rc = dc_search_members_add(&g->old, p->postcode);
        for (uint32_t k = 0; rc == DC_OK && k < p->reach.n; k++)
            rc = dc_search_members_add(&g->reach, p->reach.postcodes[k]);
    }
    for (size_t g = start; rc == DC_OK && g < s->ngroups; g++) {
        former_group *fg = &s->groups[g];
        const past_names *p = &s->past[fg->first];
        sort_members(&fg->reach);
        if (fg->reach.n == 0) continue;
        rc = n->fn(n->ctx, kind, kind == DC_ENTITY_DISTRICT ? p->district : p->province,
                   (dc_str){NULL, 0}, (uint32_t)g, p->postcode);
    }
    free(group_of);
    return rc;
}

dc_err dc_search_former_names(search_former *s, const zone_names *zones, size_t nzones,
                              dc_search_former_fn fn, void *ctx)
{
    naming n = {s, zones, nzones, fn, ctx};
    if (s->npast == 0) return DC_OK;
    qsort(s->past, s->npast, sizeof *s->past, by_past_postcode);
    for (size_t i = 0; i < s->npast; i++)
        sort_members(&s->past[i].reach);
    dc_err rc = former_level(&n, DC_ENTITY_PROVINCE);
    if (rc == DC_OK) rc = former_level(&n, DC_ENTITY_DISTRICT);
    if (rc == DC_OK) rc = former_zones(&n);
    return rc;
}

void dc_search_former_members(const search_former *s, uint8_t kind, uint32_t source,
                              members *old, members *reach)
{
    if (kind == DC_ENTITY_ZONE) {
        const past_names *p = &s->past[source];
        *old = (members){(uint32_t *)&p->postcode, 1, 1};
        *reach = p->reach;
    } else {
        *old = s->groups[source].old;
        *reach = s->groups[source].reach;
    }
}
