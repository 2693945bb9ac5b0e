/*
 * layout.c - the zones of one province and how its households spread.
 *
 * Zones are the cells of a jittered lattice centred on the capital. Every
 * lattice corner and every edge midpoint is a pure function of (seed, i, j), so
 * two neighbouring cells compute bit-identical shared vertices: the zones tile
 * their region with no gap and no overlap. A radial warp then shrinks cells near
 * the capital (urban wards are small, rural communes large); it is a monotone
 * map of the radius, hence one-to-one, and nearly affine across one cell, so the
 * cells stay simple polygons.
 *
 * Households are shared among zones by area times a density made of a dense
 * capital, a few district towns and a sparse countryside, then generated inside
 * their zone: the POSTCODE of a household holds by construction, with no
 * point-in-polygon search over the province.
 */
#include "national.h"

#include <math.h>
#include <stdlib.h>

/* Typical province side: 63 squares of 60 km cover roughly Vietnam's area. */
#define PROVINCE_SIDE_M 60000.0
/* Upper bound on a cell, so that even a one-zone province stays far inside the
 * code format's 0.4 degree recovery margin (1.6 x 12 km at the rim < 0.2 deg). */
#define CELL_MAX_M 12000.0
#define WARP_CENTRE 0.4    /* linear scale of cells at the capital vs 1.6 at the rim */
#define CORNER_JITTER 0.18 /* of a cell; with MIDPOINT_JITTER keeps rings simple */
#define MIDPOINT_JITTER 0.08
#define DISTRICT_BLOCK 4  /* a district is a block of 4 x 4 zones */
#define URBAN_DENSITY 4.0 /* relative to the countryside's 1.0 */

typedef struct nat_grid {
    int cols, rows;
    double cell, radius; /* metres; radius: the lattice's half-diagonal */
    nat_point centre;
    uint64_t seed;
    const border_style *borders; /* NULL: the 8-vertex rings are the zones */
    int zone_count;
} nat_grid;

typedef struct nat_town {
    nat_point at;
    double weight, sigma;
} nat_town;

static nat_point warp(const nat_grid *g, nat_point p)
{
    double r = sqrt(p.x * p.x + p.y * p.y);
    double scale = WARP_CENTRE + (1.0 - WARP_CENTRE) * r / g->radius;
    return (nat_point){g->centre.x + p.x * scale, g->centre.y + p.y * scale};
}

/* Lattice corner (i, j) before the warp, metres from the centre. */
static nat_point corner(const nat_grid *g, int i, int j)
{
    double jx = CORNER_JITTER * rng_hash_signed(g->seed, (uint64_t)i, (uint64_t)j, 0);
    double jy = CORNER_JITTER * rng_hash_signed(g->seed, (uint64_t)i, (uint64_t)j, 1);
    return (nat_point){(i - g->cols / 2.0 + jx) * g->cell,
                       (j - g->rows / 2.0 + jy) * g->cell};
}

/* Midpoint of the edge from corner (i, j) up (vertical) or right, pushed
 * sideways so that zone borders are not straight lines. */
static nat_point midpoint(const nat_grid *g, int i, int j, int vertical)
{
    nat_point a = corner(g, i, j);
    nat_point b = vertical ? corner(g, i, j + 1) : corner(g, i + 1, j);
    double push =
        MIDPOINT_JITTER * g->cell *
        rng_hash_signed(g->seed, (uint64_t)i, (uint64_t)j, 2 + (uint64_t)vertical);
    nat_point m = {(a.x + b.x) / 2, (a.y + b.y) / 2};
    if (vertical)
        m.x += push;
    else
        m.y += push;
    return m;
}

static void cell_ring(const nat_grid *g, int i, int j, nat_point ring[NAT_ZONE_RING])
{
    /* Clockwise with y up, as shapefiles want outer rings. */
    ring[0] = warp(g, corner(g, i, j));
    ring[1] = warp(g, midpoint(g, i, j, 1));
    ring[2] = warp(g, corner(g, i, j + 1));
    ring[3] = warp(g, midpoint(g, i, j + 1, 0));
    ring[4] = warp(g, corner(g, i + 1, j + 1));
    ring[5] = warp(g, midpoint(g, i + 1, j, 1));
    ring[6] = warp(g, corner(g, i + 1, j));
    ring[7] = warp(g, midpoint(g, i, j, 0));
}

static double ring_area(const nat_point ring[NAT_ZONE_RING])
{
    double twice = 0;
    for (int k = 0; k < NAT_ZONE_RING; k++) {
        const nat_point *a = &ring[k], *b = &ring[(k + 1) % NAT_ZONE_RING];
        twice += a->x * b->y - b->x * a->y;
    }
    return fabs(twice) / 2;
}

static nat_point ring_mean(const nat_point ring[NAT_ZONE_RING])
{
    nat_point m = {0, 0};
    for (int k = 0; k < NAT_ZONE_RING; k++) {
        m.x += ring[k].x / NAT_ZONE_RING;
        m.y += ring[k].y / NAT_ZONE_RING;
    }
    return m;
}

int nat_zone_contains(const nat_zone *zone, nat_point p)
{
    if (zone->outline)
        return nat_outline_contains(zone->outline, p.x, p.y, NAT_OUTLINE_MARGIN_M);
    int inside = 0;
    for (int k = 0, prev = NAT_ZONE_RING - 1; k < NAT_ZONE_RING; prev = k++) {
        const nat_point *a = &zone->ring[k], *b = &zone->ring[prev];
        if ((a->y > p.y) != (b->y > p.y) &&
            p.x < (b->x - a->x) * (p.y - a->y) / (b->y - a->y) + a->x)
            inside = !inside;
    }
    return inside;
}

static nat_point sample_uniform(const nat_zone *zone, seeded_rng *rng)
{
    for (;;) {
        nat_point p = {zone->min.x + (zone->max.x - zone->min.x) * rng_unit(rng),
                       zone->min.y + (zone->max.y - zone->min.y) * rng_unit(rng)};
        if (nat_zone_contains(zone, p)) return p;
    }
}

nat_point nat_zone_sample(const nat_zone *zone, seeded_rng *rng, int *hamlet)
{
    *hamlet = (int)rng_below(rng, NAT_ZONE_HAMLETS);
    if (zone->urban) return sample_uniform(zone, rng);
    /* Villages: a Gaussian around one of the zone's hamlets (Box-Muller). */
    for (int tries = 0; tries < 8; tries++) {
        const nat_point *h = &zone->hamlet[*hamlet];
        double r = zone->spread * sqrt(-2.0 * log(1.0 - rng_unit(rng)));
        double angle = 6.283185307179586 * rng_unit(rng);
        nat_point p = {h->x + r * cos(angle), h->y + r * sin(angle)};
        if (nat_zone_contains(zone, p)) return p;
    }
    return sample_uniform(zone, rng);
}

static void make_towns(const nat_grid *g, nat_town *towns, int count, double side)
{
    /* Weights give the capital about half and the towns about a third of the
     * countryside's share of households (density 1 over the whole region). */
    double area = side * side;
    double sigma_capital = 0.06 * side, sigma_town = 0.025 * side;
    towns[0] = (nat_town){
        g->centre, 0.5 * area / (6.283185307179586 * sigma_capital * sigma_capital),
        sigma_capital};
    for (int t = 1; t < count; t++) {
        nat_point lattice = {0.45 * side * rng_hash_signed(g->seed, 7, (uint64_t)t, 0),
                             0.45 * side * rng_hash_signed(g->seed, 7, (uint64_t)t, 1)};
        double share = 0.3 / (count - 1) *
                       (0.5 + 0.5 * (rng_hash_signed(g->seed, 7, (uint64_t)t, 2) + 1));
        towns[t] = (nat_town){
            warp(g, lattice),
            share * area / (6.283185307179586 * sigma_town * sigma_town), sigma_town};
    }
}

static double density(const nat_town *towns, int count, nat_point p)
{
    double d = 1.0;
    for (int t = 0; t < count; t++) {
        double dx = p.x - towns[t].at.x, dy = p.y - towns[t].at.y;
        double s2 = 2 * towns[t].sigma * towns[t].sigma;
        d += towns[t].weight * exp(-(dx * dx + dy * dy) / s2);
    }
    return d;
}

static int district_of(const nat_grid *g, int i, int j)
{
    int block_cols = (g->cols + DISTRICT_BLOCK - 1) / DISTRICT_BLOCK;
    int d = (j / DISTRICT_BLOCK) * block_cols + i / DISTRICT_BLOCK;
    int capital =
        (g->rows / 2 / DISTRICT_BLOCK) * block_cols + g->cols / 2 / DISTRICT_BLOCK;
    /* Renumber so that district 0 is the one holding the capital. */
    if (d == capital) return 0;
    return d < capital ? d + 1 : d;
}

/* One zone in ENCLAVE_ONE_IN holds a piece of its right neighbour, one more
 * a lake: a round blob of ENCLAVE_CORNERS corners about its centre. */
#define ENCLAVE_ONE_IN 16
#define ENCLAVE_CORNERS 9

static int enclave_planned(const nat_grid *g, int i, int j)
{
    uint64_t pick = rng_hash4(g->seed, 29, (uint64_t)i, (uint64_t)j) % ENCLAVE_ONE_IN;
    int right = i + 1 < g->cols && j * g->cols + i + 1 < g->zone_count;
    if (pick == 0 && right) return NAT_ENCLAVE_NEIGHBOUR;
    return pick == 1 ? NAT_ENCLAVE_LAKE : NAT_ENCLAVE_NONE;
}

/* The enclave's corners inside zone (i, j), a pure function of the grid so
 * that the host and its neighbour place the same blob; its radius out. */
static double enclave_corners(const nat_grid *g, int i, int j,
                              nat_point corners[ENCLAVE_CORNERS])
{
    nat_point ring[NAT_ZONE_RING];
    cell_ring(g, i, j, ring);
    nat_point c = ring_mean(ring);
    double radius = 0.1 * sqrt(ring_area(ring));
    for (int k = 0; k < ENCLAVE_CORNERS; k++) {
        double a = 6.283185307179586 * k / ENCLAVE_CORNERS;
        double r = radius * (0.8 + 0.1 * (k % 3));
        corners[k] = (nat_point){c.x + r * cos(a), c.y + r * sin(a)};
    }
    return radius;
}

/* 1 when the blob sits well inside the zone's exterior alone. */
static int enclave_fits(const nat_outline *exterior, const nat_point *corners, int count,
                        double radius)
{
    for (int k = 0; k < count; k++)
        if (!nat_outline_contains(exterior, corners[k].x, corners[k].y, 0.5 * radius))
            return 0;
    return 1;
}

/* A hole for this zone's own enclave, when it fits (the hole right after
 * the exterior it lies in), then the piece of the left zone's enclave that
 * belongs to this zone, a second exterior. */
static int add_enclaves(const nat_grid *g, nat_zone *zone, int i, int j,
                        const nat_zone *left, seeded_rng *rng)
{
    nat_outline *o = zone->outline;
    nat_point blob[ENCLAVE_CORNERS];
    int planned = enclave_planned(g, i, j);
    if (planned != NAT_ENCLAVE_NONE) {
        double radius = enclave_corners(g, i, j, blob);
        if (enclave_fits(o, blob, ENCLAVE_CORNERS, radius)) {
            zone->enclave = planned;
            if (nat_outline_add_ring(o, blob, ENCLAVE_CORNERS, NAT_RING_HOLE, g->borders,
                                     rng) != 0)
                return -1;
        }
    }
    if (left && i > 0 && left->enclave == NAT_ENCLAVE_NEIGHBOUR) {
        enclave_corners(g, i - 1, j, blob);
        if (nat_outline_add_ring(o, blob, ENCLAVE_CORNERS, NAT_RING_EXTERIOR, g->borders,
                                 rng) != 0)
            return -1;
    }
    return 0;
}

/* The zone's realistic outline (with any enclave), and its bounding box. */
static int zone_outline(const nat_grid *g, nat_zone *zone, int i, int j, uint64_t index,
                        const nat_zone *left)
{
    zone->outline = calloc(1, sizeof *zone->outline);
    if (!zone->outline) return -1;
    seeded_rng rng; /* this zone's own digitising of its borders */
    rng_seed(&rng, rng_hash4(g->seed, 19, index, 0));
    if (nat_outline_add_ring(zone->outline, zone->ring, NAT_ZONE_RING, NAT_RING_EXTERIOR,
                             g->borders, &rng) != 0 ||
        nat_outline_finish(zone->outline) != 0 ||
        add_enclaves(g, zone, i, j, left, &rng) != 0 ||
        nat_outline_finish(zone->outline) != 0)
        return -1;
    const nat_outline *o = zone->outline;
    zone->min = zone->max = (nat_point){o->points[0].x, o->points[0].y};
    for (uint32_t k = 1; k < o->count; k++) {
        zone->min.x = fmin(zone->min.x, o->points[k].x);
        zone->min.y = fmin(zone->min.y, o->points[k].y);
        zone->max.x = fmax(zone->max.x, o->points[k].x);
        zone->max.y = fmax(zone->max.y, o->points[k].y);
    }
    return 0;
}

static int zone_setup(const nat_grid *g, nat_zone *zone, int i, int j, uint64_t index,
                      const nat_zone *left)
{
    cell_ring(g, i, j, zone->ring);
    zone->min = zone->max = zone->ring[0];
    for (int k = 1; k < NAT_ZONE_RING; k++) {
        zone->min.x = fmin(zone->min.x, zone->ring[k].x);
        zone->min.y = fmin(zone->min.y, zone->ring[k].y);
        zone->max.x = fmax(zone->max.x, zone->ring[k].x);
        zone->max.y = fmax(zone->max.y, zone->ring[k].y);
    }
    if (g->borders && zone_outline(g, zone, i, j, index, left) != 0) return -1;
    zone->district = district_of(g, i, j);
    zone->spread = 0.12 * sqrt(ring_area(zone->ring));
    seeded_rng rng;
    rng_seed(&rng, rng_hash4(g->seed, 11, index, 0));
    for (int h = 0; h < NAT_ZONE_HAMLETS; h++)
        zone->hamlet[h] = sample_uniform(zone, &rng);
    return 0;
}

/* Share households among zones by weight; exact total, no sorting. */
static void share_households(nat_zone *zones, const double *weight, int count,
                             uint64_t total)
{
    double sum = 0, cumulative = 0;
    for (int z = 0; z < count; z++)
        sum += weight[z];
    uint64_t given = 0;
    for (int z = 0; z < count; z++) {
        cumulative += weight[z];
        uint64_t target =
            z == count - 1 ? total : (uint64_t)floor((double)total * cumulative / sum);
        if (target > total) target = total;
        if (target < given) target = given;
        zones[z].first_household = given;
        zones[z].households = target - given;
        given = target;
    }
}

static void classify(nat_layout *layout, const nat_town *towns, int town_count,
                     double *weight)
{
    for (int z = 0; z < layout->zone_count; z++) {
        nat_zone *zone = &layout->zones[z];
        double d = density(towns, town_count, ring_mean(zone->ring));
        zone->urban = d > URBAN_DENSITY;
        weight[z] = ring_area(zone->ring) * d;
    }
}

int nat_layout_cols(int zone_count)
{
    return (int)ceil(sqrt((double)zone_count));
}

int nat_layout_build(nat_layout *layout, nat_point capital, int zone_count,
                     uint64_t households, uint64_t seed, const border_style *borders)
{
    nat_grid g;
    g.cols = nat_layout_cols(zone_count);
    g.rows = (zone_count + g.cols - 1) / g.cols;
    g.cell = fmin(CELL_MAX_M, PROVINCE_SIDE_M / sqrt((double)zone_count));
    g.radius = g.cell * sqrt((double)g.cols * g.cols + (double)g.rows * g.rows) / 2;
    g.centre = capital;
    g.seed = seed;
    g.borders = borders;
    g.zone_count = zone_count;
    int town_count = 3 + zone_count / 20;
    nat_zone *zones = calloc((size_t)zone_count, sizeof *zones);
    double *weight = calloc((size_t)zone_count, sizeof *weight);
    nat_town *towns = calloc((size_t)town_count, sizeof *towns);
    if (!zones || !weight || !towns) {
        free(zones), free(weight), free(towns);
        return -1;
    }
    *layout = (nat_layout){zones, zone_count, g.cols, 0, g.cell, capital};
    for (int z = 0; z < zone_count; z++)
        if (zone_setup(&g, &zones[z], z % g.cols, z / g.cols, (uint64_t)z,
                       z > 0 ? &zones[z - 1] : NULL) != 0) {
            free(weight), free(towns);
            nat_layout_free(layout);
            return -1;
        }
    for (int z = 0; z < zone_count; z++)
        if (zones[z].district + 1 > layout->district_count)
            layout->district_count = zones[z].district + 1;
    make_towns(&g, towns, town_count, g.cell * g.cols);
    classify(layout, towns, town_count, weight);
    share_households(zones, weight, zone_count, households);
    free(weight);
    free(towns);
    return 0;
}

void nat_layout_free(nat_layout *layout)
{
    if (!layout) return;
    for (int z = 0; layout->zones && z < layout->zone_count; z++) {
        nat_outline_free(layout->zones[z].outline);
        free(layout->zones[z].outline);
    }
    free(layout->zones);
    layout->zones = NULL;
    layout->zone_count = 0;
}
