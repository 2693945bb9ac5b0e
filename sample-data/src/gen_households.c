/*
 * gen_households.c - household points of the sample map: houses on both
 * sides of the city streets (odd numbers on the left, even on the right,
 * rising along the street), alleys branching off with their own numbering,
 * and hamlets (bản) of scattered houses in the communes and on the edge of
 * two wards. About one door in a hundred gets a second household.
 */
#include "sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STREET_PTS 8
#define SHARED_DOOR_P 0.011
#define HOUSE_CLEARANCE_M 3.0
#define HASH_BITS 18
#define MAX_GROUPS 160

typedef struct street {
    const char *name;
    int count;
    double pts[MAX_STREET_PTS][2]; /* lat, lon */
} street;

/* Illustrative alignments, not surveyed ones. */
static const street streets[] = {
    {"Võ Nguyên Giáp",
     7,
     {{21.4080, 102.9880},
      {21.4040, 102.9990},
      {21.3975, 103.0100},
      {21.3900, 103.0180},
      {21.3880, 103.0260},
      {21.3900, 103.0350},
      {21.3930, 103.0450}}},
    {"7/5",
     6,
     {{21.4150, 103.0230},
      {21.4050, 103.0220},
      {21.3950, 103.0200},
      {21.3850, 103.0175},
      {21.3750, 103.0190},
      {21.3640, 103.0210}}},
    {"Trần Đăng Ninh",
     3,
     {{21.3890, 103.0060}, {21.3870, 103.0130}, {21.3855, 103.0190}}},
    {"Hoàng Văn Thái",
     3,
     {{21.3820, 103.0170}, {21.3780, 103.0250}, {21.3740, 103.0320}}},
    {"Nguyễn Chí Thanh",
     4,
     {{21.4000, 103.0020},
      {21.4060, 103.0100},
      {21.4110, 103.0180},
      {21.4130, 103.0300}}},
    {"Phan Đình Giót",
     4,
     {{21.3925, 103.0150},
      {21.3980, 103.0230},
      {21.4030, 103.0310},
      {21.4070, 103.0380}}},
    {"Tô Vĩnh Diện",
     4,
     {{21.3920, 103.0120},
      {21.3960, 103.0050},
      {21.4000, 102.9980},
      {21.4010, 102.9900}}},
    {"Bế Văn Đàn",
     4,
     {{21.3800, 103.0090},
      {21.3760, 103.0150},
      {21.3700, 103.0200},
      {21.3660, 103.0260}}},
    {"Nguyễn Hữu Thọ",
     3,
     {{21.4100, 103.0000}, {21.4050, 102.9930}, {21.3990, 102.9870}}},
    {"Sùng Phái Sinh",
     3,
     {{21.3980, 103.0300}, {21.3900, 103.0300}, {21.3820, 103.0310}}},
    {"Trường Chinh", 3, {{21.3870, 103.0250}, {21.3950, 103.0270}, {21.4020, 103.0260}}},
    {"Hoàng Công Chất",
     3,
     {{21.3760, 103.0100}, {21.3800, 103.0200}, {21.3830, 103.0300}}},
    {"Lò Văn Hặc", 3, {{21.4150, 103.0120}, {21.4120, 103.0050}, {21.4080, 102.9990}}},
    {"Lê Trọng Tấn", 3, {{21.3950, 103.0350}, {21.3880, 103.0400}, {21.3800, 103.0420}}},
};
#define STREET_COUNT (sizeof streets / sizeof streets[0])

typedef struct hamlet {
    int zone;
    const char *name;
} hamlet;

/* Illustrative names in the style of the area's Thai and Kinh villages. */
static const hamlet hamlets[] = {
    {1, "Bản Him Lam 1"},      {1, "Bản Him Lam 2"},
    {5, "Bản Noong Bua"},      {5, "Bản Phiêng Bua"},
    {7, "Bản Co Mỵ"},          {7, "Bản Tân Quang"},
    {7, "Bản Pa Pốm"},         {7, "Bản Hua Pe"},
    {7, "Bản Bánh"},           {7, "Bản Na Hai"},
    {8, "Bản Nà Tấu 1"},       {8, "Bản Nà Tấu 2"},
    {8, "Bản Co Đứa"},         {8, "Bản Nậm Ngám"},
    {8, "Bản Huổi Chổn"},      {8, "Bản Tà Cáng"},
    {9, "Bản Nà Nhạn 1"},      {9, "Bản Nà Nhạn 2"},
    {9, "Bản Nà Pen"},         {9, "Bản Kéo"},
    {9, "Bản Púng Tôm"},       {9, "Bản Co Cượm"},
    {10, "Bản Mường Phăng 1"}, {10, "Bản Mường Phăng 2"},
    {10, "Bản Khá"},           {10, "Bản Co Đíu"},
    {10, "Bản Che Căn"},       {10, "Bản Nghịu"},
    {11, "Bản Pá Khoang"},     {11, "Bản Bua"},
    {11, "Bản Kéo Nánh"},      {11, "Bản Co Muông"},
    {11, "Bản Đông Mệt"},      {11, "Bản Vang"},
};
#define HAMLET_COUNT (sizeof hamlets / sizeof hamlets[0])

typedef struct street_geo {
    gen_xy pts[MAX_STREET_PTS];
    double cum[MAX_STREET_PTS]; /* distance along the street at each vertex */
    int count;
} street_geo;

typedef struct groups {
    long keys[MAX_GROUPS]; /* 400 m squares, in order of first house */
    int count;
} groups;

typedef struct placer {
    gen_households *out;
    const gen_zone *zones;
    OGRCoordinateTransformationH ct;
    seeded_rng *rng;
    street_geo geo[STREET_COUNT];
    gen_xy *frame;    /* frame position of each household */
    int *next, *head; /* spatial hash chains over frame */
    size_t frame_cap;
    groups tdp[GEN_ZONE_COUNT];
} placer;

/* A candidate house: where, what it is called, and which zone it may be in. */
typedef struct candidate {
    gen_xy at;
    const char *house_no, *street, *group; /* group NULL: the ward's tổ dân phố */
    int zone;                              /* -1: any ward */
    double street_clearance;               /* from every centreline but own */
    int own_street;                        /* -1: none */
} candidate;

/* ---- geometry in the frame ------------------------------------------- */

static void street_build(street_geo *g, const street *s)
{
    g->count = s->count;
    for (int i = 0; i < s->count; i++) {
        g->pts[i] = gen_frame_from_deg(s->pts[i][0], s->pts[i][1]);
        g->cum[i] = i == 0 ? 0
                           : g->cum[i - 1] + hypot(g->pts[i].x - g->pts[i - 1].x,
                                                   g->pts[i].y - g->pts[i - 1].y);
    }
}

static double street_length(const street_geo *g)
{
    return g->cum[g->count - 1];
}

/* Position and unit direction at distance @p s along the street. */
static void street_at(const street_geo *g, double s, gen_xy *pos, gen_xy *dir)
{
    int i = 0;
    while (i < g->count - 2 && s > g->cum[i + 1])
        i++;
    gen_xy a = g->pts[i], b = g->pts[i + 1];
    double len = g->cum[i + 1] - g->cum[i], t = (s - g->cum[i]) / len;
    *pos = (gen_xy){a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
    *dir = (gen_xy){(b.x - a.x) / len, (b.y - a.y) / len};
}

static double segment_distance(gen_xy p, gen_xy a, gen_xy b)
{
    double dx = b.x - a.x, dy = b.y - a.y;
    double t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

static double street_distance(const placer *p, gen_xy at, int skip)
{
    double best = INFINITY;
    for (int s = 0; s < (int)STREET_COUNT; s++) {
        if (s == skip) continue;
        for (int i = 0; i + 1 < p->geo[s].count; i++) {
            double d = segment_distance(at, p->geo[s].pts[i], p->geo[s].pts[i + 1]);
            best = d < best ? d : best;
        }
    }
    return best;
}

/* ---- the spatial hash of houses -------------------------------------- */

static unsigned hash_cell(long ix, long iy)
{
    unsigned long h = (unsigned long)ix * 73856093UL ^ (unsigned long)iy * 19349663UL;
    return (unsigned)(h & ((1UL << HASH_BITS) - 1));
}

static int near_house(const placer *p, gen_xy at)
{
    long cx = (long)floor(at.x / HOUSE_CLEARANCE_M),
         cy = (long)floor(at.y / HOUSE_CLEARANCE_M);
    for (long ix = cx - 1; ix <= cx + 1; ix++)
        for (long iy = cy - 1; iy <= cy + 1; iy++)
            for (int h = p->head[hash_cell(ix, iy)]; h >= 0; h = p->next[h])
                if (hypot(p->frame[h].x - at.x, p->frame[h].y - at.y) < HOUSE_CLEARANCE_M)
                    return 1;
    return 0;
}

static void remember_house(placer *p, size_t index, gen_xy at)
{
    if (index >= p->frame_cap) {
        p->frame_cap = p->frame_cap ? 2 * p->frame_cap : 4096;
        p->frame = realloc(p->frame, p->frame_cap * sizeof *p->frame);
        p->next = realloc(p->next, p->frame_cap * sizeof *p->next);
        if (!p->frame || !p->next) gen_die("out of memory", NULL);
    }
    unsigned h = hash_cell((long)floor(at.x / HOUSE_CLEARANCE_M),
                           (long)floor(at.y / HOUSE_CLEARANCE_M));
    p->frame[index] = at;
    p->next[index] = p->head[h];
    p->head[h] = (int)index;
}

/* ---- households -------------------------------------------------------- */

static void group_name(placer *p, int zone, gen_xy at, char *out, size_t size)
{
    groups *g = &p->tdp[zone];
    long key = (long)floor(at.x / 400.0) * 100000L + (long)floor(at.y / 400.0);
    int i = 0;
    while (i < g->count && g->keys[i] != key)
        i++;
    if (i == g->count) {
        if (g->count == MAX_GROUPS)
            gen_die("too many residential groups", gen_zone_defs[zone].name);
        g->keys[g->count++] = key;
    }
    snprintf(out, size, "Tổ dân phố %d", i + 1);
}

static gen_household *append(gen_households *list)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? 2 * list->cap : 4096;
        list->items = realloc(list->items, list->cap * sizeof *list->items);
        if (!list->items) gen_die("out of memory", NULL);
    }
    gen_household *h = &list->items[list->count++];
    memset(h, 0, sizeof *h);
    return h;
}

/* Zone of a point given in degrees, or -1 when too near a boundary. */
static int locate_deg(const placer *p, double lat, double lon, double *x, double *y)
{
    *x = lon;
    *y = lat;
    gen_transform(p->ct, x, y);
    return gen_zones_locate(p->zones, *x, *y, GEN_BOUNDARY_MARGIN);
}

static int zone_allowed(const candidate *c, int zone)
{
    if (zone < 0) return 0;
    if (c->zone >= 0) return zone == c->zone;
    return strcmp(gen_zone_defs[zone].kind, "phường") == 0;
}

static void add_household(placer *p, const candidate *c, int zone, double lat, double lon,
                          double x, double y)
{
    gen_household *h = append(p->out);
    h->x = x;
    h->y = y;
    h->zone = zone;
    snprintf(h->house_no, sizeof h->house_no, "%s", c->house_no);
    snprintf(h->street, sizeof h->street, "%s", c->street);
    if (c->group)
        snprintf(h->group, sizeof h->group, "%s", c->group);
    else
        group_name(p, zone, c->at, h->group, sizeof h->group);
    remember_house(p, p->out->count - 1, gen_frame_from_deg(lat, lon));
}

/* Pull a point at least 0.6 m inside its ~3 m OLC cell (1/40000 degree of
 * latitude by 1/32000 of longitude), so that a household sharing its door
 * lands in the same cell even after a round trip through the file CRS. */
static double clamp_in_cell(double v, double per_degree, double margin_deg)
{
    double lo = floor(v * per_degree) / per_degree, hi = lo + 1.0 / per_degree;
    return v < lo + margin_deg   ? lo + margin_deg
           : v > hi - margin_deg ? hi - margin_deg
                                 : v;
}

static void add_door_mate(placer *p, const candidate *c, int zone, double lat, double lon)
{
    /* The door is at least 0.6 m inside its cell, so 0.5 m keeps the mate in. */
    double lat2 = lat + rng_range(p->rng, -0.5, 0.5) / GEN_M_PER_DEG_LAT;
    double lon2 = lon + rng_range(p->rng, -0.5, 0.5) / GEN_M_PER_DEG_LON;
    if (floor(lat2 * 40000.0) != floor(lat * 40000.0) ||
        floor(lon2 * 32000.0) != floor(lon * 32000.0))
        return;
    double x, y;
    if (locate_deg(p, lat2, lon2, &x, &y) != zone) return;
    add_household(p, c, zone, lat2, lon2, x, y);
    p->out->shared_pairs++;
}

static int place(placer *p, const candidate *c)
{
    if (near_house(p, c->at) ||
        street_distance(p, c->at, c->own_street) < c->street_clearance)
        return 0;
    int shared = rng_unit(p->rng) < SHARED_DOOR_P;
    double lat, lon, x, y;
    gen_frame_to_deg(c->at, &lat, &lon);
    if (shared) {
        lat = clamp_in_cell(lat, 40000.0, 0.6 / GEN_M_PER_DEG_LAT);
        lon = clamp_in_cell(lon, 32000.0, 0.6 / GEN_M_PER_DEG_LON);
    }
    int zone = locate_deg(p, lat, lon, &x, &y);
    if (!zone_allowed(c, zone)) return 0;
    add_household(p, c, zone, lat, lon, x, y);
    if (shared) add_door_mate(p, c, zone, lat, lon);
    return 1;
}

/* ---- streets and alleys ---------------------------------------------- */

static void walk_alley(placer *p, int st, gen_xy from, gen_xy dir, int alley_no)
{
    char street_name[72], house_no[16];
    snprintf(street_name, sizeof street_name, "Ngõ %d %s", alley_no, streets[st].name);
    double length = rng_range(p->rng, 35, 145);
    int odd = 1, even = 2;
    for (double s = 12 + rng_range(p->rng, 0, 4); s < length;
         s += rng_range(p->rng, 6, 10)) {
        for (int side = 1; side >= -1; side -= 2) {
            double off = rng_range(p->rng, 4.0, 5.5) * side;
            gen_xy at = {from.x + dir.x * s - dir.y * off,
                         from.y + dir.y * s + dir.x * off};
            int *number = side > 0 ? &odd : &even;
            snprintf(house_no, sizeof house_no, "%d/%d", alley_no, *number);
            candidate c = {at, house_no, street_name, NULL, -1, 5.0, -1};
            if (place(p, &c)) *number += 2;
        }
    }
}

static void branch_alley(placer *p, int st, gen_xy pos, gen_xy normal, int alley_no)
{
    double turn = rng_range(p->rng, -0.3, 0.3);
    gen_xy dir = {normal.x * cos(turn) - normal.y * sin(turn),
                  normal.x * sin(turn) + normal.y * cos(turn)};
    walk_alley(p, st, pos, dir, alley_no);
}

/* One side of a street: side +1 is the left (odd numbers), -1 the right. */
static void walk_side(placer *p, int st, int side)
{
    const street_geo *g = &p->geo[st];
    int number = side > 0 ? 1 : 2, last = 0, last_alley = 0;
    char house_no[16];
    double next_alley = rng_range(p->rng, 40, 120);
    for (double s = rng_range(p->rng, 3, 8); s < street_length(g);
         s += rng_range(p->rng, 7, 12)) {
        gen_xy pos, dir;
        street_at(g, s, &pos, &dir);
        gen_xy normal = {-dir.y * side, dir.x * side};
        double off = rng_range(p->rng, 6, 9);
        snprintf(house_no, sizeof house_no, "%d", number);
        candidate c = {{pos.x + normal.x * off, pos.y + normal.y * off},
                       house_no,
                       streets[st].name,
                       NULL,
                       -1,
                       5.0,
                       st};
        if (place(p, &c)) {
            last = number;
            number += 2;
        }
        if (s >= next_alley && last > 0 && last != last_alley) {
            branch_alley(p, st, pos, normal, last);
            last_alley = last;
            next_alley = s + rng_range(p->rng, 90, 220);
        }
    }
}

/* ---- hamlets ------------------------------------------------------------ */

static int hamlet_site_ok(placer *p, int h, gen_xy at, const gen_xy *sites)
{
    for (int k = 0; k < h; k++)
        if (hypot(sites[k].x - at.x, sites[k].y - at.y) < 700) return 0;
    if (street_distance(p, at, -1) < 250) return 0;
    double lat, lon, x, y;
    gen_frame_to_deg(at, &lat, &lon);
    x = lon;
    y = lat;
    gen_transform(p->ct, &x, &y);
    return gen_zones_locate(p->zones, x, y, 300) == hamlets[h].zone;
}

static gen_xy hamlet_site(placer *p, int h, const gen_xy *sites)
{
    const gen_zone_def *z = &gen_zone_defs[hamlets[h].zone];
    gen_xy centre = gen_frame_from_deg(z->lat, z->lon);
    double radius = strcmp(z->kind, "xã") == 0 ? 7000 : 1500;
    for (int tries = 0; tries < 5000; tries++) {
        gen_xy at = {centre.x + rng_range(p->rng, -radius, radius),
                     centre.y + rng_range(p->rng, -radius, radius)};
        if (hamlet_site_ok(p, h, at, sites)) return at;
    }
    gen_die("no room for hamlet", hamlets[h].name);
}

static void fill_hamlet(placer *p, int h, gen_xy site)
{
    int rural = strcmp(gen_zone_defs[hamlets[h].zone].kind, "xã") == 0;
    int target =
        rural ? 110 + (int)rng_below(p->rng, 120) : 80 + (int)rng_below(p->rng, 70);
    double sigma = rng_range(p->rng, 70, 140);
    int placed = 0;
    for (int tries = 0; placed < target && tries < 4 * target; tries++) {
        gen_xy at = {site.x + sigma * rng_normal(p->rng),
                     site.y + sigma * rng_normal(p->rng)};
        candidate c = {at,   "", hamlets[h].name, hamlets[h].name, hamlets[h].zone,
                       10.0, -1};
        placed += place(p, &c);
    }
}

/* ---- entry points ------------------------------------------------------ */

void gen_households_generate(gen_households *out, const gen_zone *zones,
                             OGRCoordinateTransformationH to_tm3, seeded_rng *rng)
{
    placer p = {.out = out, .zones = zones, .ct = to_tm3, .rng = rng};
    p.head = malloc(sizeof(int) << HASH_BITS);
    if (!p.head) gen_die("out of memory", NULL);
    memset(p.head, 0xff, sizeof(int) << HASH_BITS); /* every chain empty: -1 */
    for (size_t s = 0; s < STREET_COUNT; s++)
        street_build(&p.geo[s], &streets[s]);
    for (int s = 0; s < (int)STREET_COUNT; s++) {
        walk_side(&p, s, 1);
        walk_side(&p, s, -1);
    }
    gen_xy sites[HAMLET_COUNT];
    for (int h = 0; h < (int)HAMLET_COUNT; h++) {
        sites[h] = hamlet_site(&p, h, sites);
        fill_hamlet(&p, h, sites[h]);
    }
    free(p.head);
    free(p.frame);
    free(p.next);
}

void gen_households_free(gen_households *list)
{
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}
