/*
 * search_rank.c - a search's answers from its evidence (search_internal.h),
 * in order, and the first of them as dc_search_hit.
 *
 * A street or group found is an answer in its zone; the zone, group,
 * district and province evidence that agrees with it (its postcode, not
 * the same words) adds to it, and its household at the house number asked
 * for makes the answer that household. Points: each name word explained
 * (10 with its tones or typed without, 7 with other tones, 5 with a typo;
 * 6 off for each left unexplained), and 40 for the house number, 20 for
 * the street or group, 15 for the zone, 15 for the postcode, 5 for a
 * group, district or province, 5 more for a household in the group named.
 * So a household, its street and zone come before the street in the zone,
 * before the zone alone. The places the query names with their word
 * restrict the answers (search.c, dc_search_allowed).
 *
 * The house number is looked for along the streets likeliest first, and
 * no further once the answers wanted are found and no street left could
 * give a better one: a street name in a thousand zones is then read in a
 * few.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search_internal.h"

enum { W_ZONE, W_GROUP, W_DISTRICT, W_PROVINCE };

/* ---- evidence by postcode ------------------------------------------------ */

static int by_postcode_points(const void *pa, const void *pb)
{
    const dc_ev_key *a = pa, *b = pb;
    if (a->postcode != b->postcode) return a->postcode < b->postcode ? -1 : 1;
    if (a->points != b->points) return a->points > b->points ? -1 : 1;
    return (a->ev > b->ev) - (a->ev < b->ev);
}

/* Zone and group evidence sorted by postcode, best first (the labelled
 * counting a quarter point more, and named with its own word another; a
 * former zone an eighth less); districts and provinces listed. */
static void index_evidence(struct dc_search_scratch *x)
{
    x->nzone_ev = x->ngroup_ev = x->nplace_ev = 0;
    for (size_t e = 0; e < x->nev; e++) {
        const dc_evidence *ev = &x->ev[e];
        dc_ev_key k = {ev->postcode, 8 * ev->points + 2 * ev->labelled + 2 * ev->own_word,
                       (int32_t)e};
        if (ev->kind == DC_ENTITY_ZONE && !ev->former && x->nzone_ev < DC_EV_MAX)
            x->zone_ev[x->nzone_ev++] = k;
        if (ev->kind == DC_ENTITY_GROUP) x->group_ev[x->ngroup_ev++] = k;
        /* A former zone agrees with an answer in any zone it reaches; a
         * current zone of the same name, as good, comes first: the name is
         * still true there. */
        for (uint32_t i = 0; ev->kind == DC_ENTITY_ZONE && ev->former &&
                             i < ev->nmembers && x->nzone_ev < DC_EV_MAX;
             i++)
            x->zone_ev[x->nzone_ev++] =
                (dc_ev_key){x->members[ev->first + i], k.points - 1, (int32_t)e};
        if (ev->kind == DC_ENTITY_DISTRICT || ev->kind == DC_ENTITY_PROVINCE)
            x->place_ev[x->nplace_ev++] = (int32_t)e;
    }
    qsort(x->zone_ev, x->nzone_ev, sizeof *x->zone_ev, by_postcode_points);
    qsort(x->group_ev, x->ngroup_ev, sizeof *x->group_ev, by_postcode_points);
}

/* The best evidence of @p keys at postcode @p pc that explains none of the
 * words in @p mask, or -1. */
static int32_t best_at(const struct dc_search_scratch *x, const dc_ev_key *keys, size_t n,
                       uint32_t pc, uint64_t mask)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid].postcode < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && keys[lo].postcode == pc; lo++)
        if (!(x->ev[keys[lo].ev].mask & mask)) return keys[lo].ev;
    return -1;
}

/* The best district (or province) evidence holding @p pc, disjoint from
 * @p mask, or -1. */
static int32_t best_place(const struct dc_search_scratch *x, uint8_t kind, uint32_t pc,
                          uint64_t mask)
{
    int32_t best = -1;
    for (size_t i = 0; i < x->nplace_ev; i++) {
        const dc_evidence *ev = &x->ev[x->place_ev[i]];
        if (ev->kind != kind || (ev->mask & mask) || !dc_search_has_postcode(x, ev, pc))
            continue;
        if (best < 0 || ev->points > x->ev[best].points ||
            (ev->points == x->ev[best].points &&
             ev->labelled + ev->own_word >
                 x->ev[best].labelled + x->ev[best].own_word))
            best = x->place_ev[i];
    }
    return best;
}

static int unexplained_points(const struct dc_search_scratch *x, uint64_t mask)
{
    return __builtin_popcountll(x->all & ~mask) * DC_PTS_UNEXPLAINED;
}

/* What agrees with an answer in zone c->postcode beside the words c->mask
 * already explains: zone, group (for a street), district, province,
 * postcode. */
static void add_locality(const struct dc_search_scratch *x, dc_cand *c, bool group)
{
    static const int bonus[4] = {DC_PTS_ZONE, DC_PTS_LOCALITY, DC_PTS_LOCALITY,
                                 DC_PTS_LOCALITY};
    for (int w = 0; w < 4; w++) {
        int32_t e = -1;
        if (w == W_ZONE)
            e = best_at(x, x->zone_ev, x->nzone_ev, c->postcode, c->mask);
        else if (w == W_GROUP && group)
            e = best_at(x, x->group_ev, x->ngroup_ev, c->postcode, c->mask);
        else if (w == W_DISTRICT)
            e = best_place(x, DC_ENTITY_DISTRICT, c->postcode, c->mask);
        else if (w == W_PROVINCE)
            e = best_place(x, DC_ENTITY_PROVINCE, c->postcode, c->mask);
        c->with[w] = e;
        if (e < 0) continue;
        c->mask |= x->ev[e].mask;
        c->points += x->ev[e].points + bonus[w];
    }
    c->postcode_ok = x->q.has_postcode && x->q.postcode == c->postcode;
    if (c->postcode_ok) c->points += DC_PTS_POSTCODE;
    c->points -= unexplained_points(x, c->mask);
}

/* A household in @p c's former zone, district or province: its evidence
 * stays only where the household lies in one of its earlier zones (a
 * household of the zone Him Lam merged into was never in Him Lam). */
static dc_err check_former(dc_geo_session *s, struct dc_search_scratch *x, dc_cand *c)
{
    static const int bonus[4] = {DC_PTS_ZONE, DC_PTS_LOCALITY, DC_PTS_LOCALITY,
                                 DC_PTS_LOCALITY};
    dc_household h;
    bool read = false;
    for (int w = 0; w < 4; w++) {
        int32_t e = c->with[w];
        bool in = false;
        if (e < 0 || !x->ev[e].former) continue;
        if (!read) {
            dc_err rc = dc_index_household(s->txn, c->number, &h);
            if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
            read = true;
        }
        dc_err rc = dc_search_in_former(s, &x->ev[e], h.lat_e7, h.lon_e7, &in);
        if (rc != DC_OK) return rc;
        if (in) continue;
        c->with[w] = -1;
        c->mask &= ~x->ev[e].mask;
        c->points -= x->ev[e].points + bonus[w] +
                     __builtin_popcountll(x->ev[e].mask & x->all) * DC_PTS_UNEXPLAINED;
    }
    return DC_OK;
}

dc_err dc_search_in_former(dc_geo_session *s, const dc_evidence *ev, int32_t lat_e7,
                           int32_t lon_e7, bool *in)
{
    dc_entity e;
    dc_entity_walk w;
    uint32_t pc;
    int got;
    *in = false;
    dc_err rc = dc_index_search_entity(s->txn, ev->id, &e);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    dc_entity_former_begin(&e, &w);
    while (!*in && (got = dc_entity_walk_next(&w, &pc, NULL)) == 1) {
        dc_past_zone z;
        if (dc_index_past_zone(s->txn, pc, &z) != DC_OK) return DC_E_INDEX_CORRUPT;
        *in = dc_polygon_contains(&z.zone.polygon, lat_e7, lon_e7);
    }
    return DC_OK;
}

/* How many of an answer's evidence are named with words of their kind
 * (its street or group, and the group it is in), and with the very words
 * their names lead with (those, and its zone: "ấp" and "tổ" for Ấp Tân
 * Lập, Tổ 9 rather than Thôn Tân Lập, Xóm 9): ties of points go to the
 * most. A query without such words gives none of the second. */
static uint8_t labels_of(const struct dc_search_scratch *x, const dc_cand *c)
{
    int32_t g = c->with[W_GROUP], z = c->with[W_ZONE];
    int n = 0;
    if (c->ev >= 0) n += x->ev[c->ev].labelled + x->ev[c->ev].own_word;
    if (g >= 0 && g != c->ev) n += x->ev[g].labelled + x->ev[g].own_word;
    if (z >= 0 && z != c->ev) n += x->ev[z].own_word;
    return (uint8_t)n;
}

/* Whether an answer's own evidence or any agreeing with it is a former
 * name. */
static bool cand_former(const struct dc_search_scratch *x, const dc_cand *c)
{
    bool former = c->ev >= 0 && x->ev[c->ev].former;
    for (int w = 0; w < 4; w++)
        former |= c->with[w] >= 0 && x->ev[c->with[w]].former;
    return former;
}

/* An answer's place in the house number's search: its points, then its
 * labels (at most 5). */
#define HOUSE_RANK(points, labels) (8 * (points) + (labels))

static dc_cand *new_cand(struct dc_search_scratch *x)
{
    return x->ncand < DC_CAND_MAX ? &x->cand[x->ncand++] : NULL;
}

/* ---- streets and groups ------------------------------------------------- */

/* The name word of the house number's token (a guessed house number may
 * be a street's name instead: 7/5). */
static uint64_t house_words(const struct dc_search_scratch *x)
{
    uint64_t m = 0;
    for (size_t i = 0; i < x->nnt; i++)
        if (x->nt[i].token == x->house_token && x->house_token >= 0) m |= 1ull << i;
    return m;
}

/* A street or group found: the answer in its zone. */
static void place_cand(struct dc_search_scratch *x, size_t e)
{
    const dc_evidence *ev = &x->ev[e];
    if (!dc_search_allowed(x, ev->postcode)) return;
    dc_cand base = {.match =
                        ev->kind == DC_ENTITY_STREET ? DC_SEARCH_STREET : DC_SEARCH_GROUP,
                    .points = ev->points + DC_PTS_PLACE,
                    .ev = (int32_t)e,
                    .postcode = ev->postcode,
                    .mask = ev->mask,
                    .lat_e7 = ev->lat_e7,
                    .lon_e7 = ev->lon_e7};
    base.kind_named = dc_search_kind_of_part(x->nt[ev->tok[0]].pkind) == ev->kind;
    add_locality(x, &base, ev->kind == DC_ENTITY_STREET);
    dc_cand *c = new_cand(x);
    if (c) *c = base;
}

/* Whether household @p number is among group evidence @p g's. */
static dc_err in_group(dc_geo_session *s, const dc_evidence *g, uint32_t number, bool *in)
{
    dc_entity e;
    dc_entity_walk w;
    uint32_t m;
    int got;
    *in = false;
    dc_err rc = dc_index_search_entity(s->txn, g->id, &e);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    dc_entity_walk_begin(&e, &w);
    while ((got = dc_entity_walk_next(&w, &m, NULL)) == 1 && m < number) {
    }
    if (got < 0) return DC_E_INDEX_CORRUPT;
    *in = got == 1 && m == number;
    return DC_OK;
}

/* A slot for one more answer: a new one, or when all are taken (a name in
 * thousands of zones fills them with streets and groups), that of the one
 * with the fewest points, if below @p points; NULL when none is. */
static dc_cand *room_for(struct dc_search_scratch *x, int32_t points)
{
    dc_cand *c = new_cand(x);
    if (c) return c;
    size_t worst = 0;
    for (size_t i = 1; i < x->ncand; i++)
        if (x->cand[i].points < x->cand[worst].points) worst = i;
    return x->cand[worst].points < points ? &x->cand[worst] : NULL;
}

/* Whether household @p number is in the group the answer @p c names, or
 * in another of its zone's groups that the same words name as well (Tổ
 * 22 and Khu phố 22 are both "22"): then that one becomes the answer's
 * group. */
static dc_err in_named_group(dc_geo_session *s, struct dc_search_scratch *x, dc_cand *c,
                             uint32_t number)
{
    int32_t g = c->with[W_GROUP];
    c->in_group = false;
    if (g < 0) return DC_OK;
    dc_err rc = in_group(s, &x->ev[g], number, &c->in_group);
    for (size_t k = 0; rc == DC_OK && !c->in_group && k < x->ngroup_ev; k++) {
        const dc_evidence *o = &x->ev[x->group_ev[k].ev];
        if (x->group_ev[k].ev == g || o->postcode != c->postcode ||
            o->mask != x->ev[g].mask || o->points != x->ev[g].points)
            continue;
        rc = in_group(s, o, number, &c->in_group);
        if (c->in_group) c->with[W_GROUP] = x->group_ev[k].ev;
    }
    return rc;
}

/* The households of street answer x->cand[@p ci] at the house number: an
 * answer each, their points into @p top (the best @p limit so far,
 * descending); the street's own answer dies when there is one: the first
 * household takes its place, so that a household is never lost for want
 * of room. */
static dc_err households_at(dc_geo_session *s, struct dc_search_scratch *x, size_t ci,
                            int32_t *top, size_t *ntop, size_t limit)
{
    dc_cand base = x->cand[ci];
    dc_entity e;
    dc_entity_walk w;
    uint32_t number;
    dc_str house;
    int got;
    if (base.match != DC_SEARCH_STREET) return DC_OK; /* its room went to a household */
    dc_err rc = dc_index_search_entity(s->txn, x->ev[base.ev].id, &e);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    dc_entity_walk_begin(&e, &w);
    while (rc == DC_OK && (got = dc_entity_walk_next(&w, &number, &house)) == 1) {
        if (house.len != x->house_len || memcmp(house.ptr, x->house, house.len) != 0)
            continue;
        int32_t points = base.points + DC_PTS_HOUSE;
        dc_cand *c =
            x->cand[ci].match == DC_SEARCH_STREET ? &x->cand[ci] : room_for(x, points);
        if (!c) break;
        *c = base;
        c->match = DC_SEARCH_HOUSEHOLD;
        c->number = number;
        c->house = true;
        c->points += DC_PTS_HOUSE;
        rc = in_named_group(s, x, c, number);
        if (c->in_group) c->points += DC_PTS_IN_GROUP;
        if (rc == DC_OK) rc = check_former(s, x, c);
        /* keep the best `limit` ranks, descending */
        int32_t rank = HOUSE_RANK(c->points, labels_of(x, c));
        size_t at = *ntop < limit ? (*ntop)++ : limit;
        while (at > 0 && top[at - 1] < rank) {
            if (at < limit) top[at] = top[at - 1];
            at--;
        }
        if (at < limit) top[at] = rank;
    }
    if (rc == DC_OK && got < 0) rc = DC_E_INDEX_CORRUPT;
    return rc;
}

/* The house number along the streets found, likeliest first (points,
 * then labels), until the best answer a street left could give is below
 * the @p limit found. */
static dc_err find_households(dc_geo_session *s, struct dc_search_scratch *x,
                              size_t limit)
{
    int32_t top[DC_SEARCH_MAX_RESULTS];
    size_t n = 0, ntop = 0;
    uint64_t house = house_words(x);
    size_t ncand = x->ncand;
    for (size_t i = 0; i < ncand; i++) {
        const dc_cand *c = &x->cand[i];
        if (c->match != DC_SEARCH_STREET || (x->ev[c->ev].mask & house)) continue;
        int32_t best =
            c->points + DC_PTS_HOUSE + (c->with[W_GROUP] >= 0 ? DC_PTS_IN_GROUP : 0);
        x->house_order[n++] =
            (dc_ev_key){0, HOUSE_RANK(best, labels_of(x, c)), (int32_t)i};
    }
    qsort(x->house_order, n, sizeof *x->house_order, by_postcode_points);
    for (size_t i = 0; i < n; i++) {
        if (ntop == limit && x->house_order[i].points < top[limit - 1]) break;
        dc_err rc = households_at(s, x, (size_t)x->house_order[i].ev, top, &ntop, limit);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

/* ---- zones ---------------------------------------------------------------- */

static void zone_cand(struct dc_search_scratch *x, uint32_t pc, int32_t ev, uint64_t mask,
                      int points)
{
    if (!dc_search_allowed(x, pc)) return;
    dc_cand c = {.match = DC_SEARCH_ZONE,
                 .points = points,
                 .ev = ev,
                 .postcode = pc,
                 .mask = mask};
    add_locality(x, &c, false);
    dc_cand *n = new_cand(x);
    if (n) *n = c;
}

/* Zones: those named, or, with none named, the zones of the districts and
 * provinces named (the first 50 of each). */
static void zone_cands(struct dc_search_scratch *x)
{
    bool zones = false;
    for (size_t e = 0; e < x->nev; e++) {
        const dc_evidence *ev = &x->ev[e];
        if (ev->kind != DC_ENTITY_ZONE) continue;
        zones = true;
        if (!ev->former)
            zone_cand(x, ev->postcode, (int32_t)e, ev->mask, ev->points + DC_PTS_ZONE);
        /* a former zone: the zones it reaches now */
        for (uint32_t k = 0; ev->former && k < ev->nmembers && k < 50; k++)
            zone_cand(x, x->members[ev->first + k], (int32_t)e, ev->mask,
                      ev->points + DC_PTS_ZONE);
    }
    if (zones) return;
    for (size_t i = 0; i < x->nplace_ev; i++) {
        const dc_evidence *ev = &x->ev[x->place_ev[i]];
        for (uint32_t k = 0; k < ev->nmembers && k < 50; k++)
            zone_cand(x, x->members[ev->first + k], -1, 0, 0);
    }
}

/* ---- order ---------------------------------------------------------------- */

static int by_rank(const void *pa, const void *pb)
{
    const dc_cand *a = pa, *b = pb;
    if (a->points != b->points) return a->points > b->points ? -1 : 1;
    if (a->labels != b->labels) return a->labels > b->labels ? -1 : 1;
    if (a->former != b->former) return a->former ? 1 : -1;
    if (a->distance != b->distance) return a->distance < b->distance ? -1 : 1;
    if (a->kind_named != b->kind_named) return a->kind_named ? -1 : 1;
    if (a->match != b->match) return a->match < b->match ? -1 : 1;
    uint32_t ka = a->match == DC_SEARCH_HOUSEHOLD ? a->number : a->postcode;
    uint32_t kb = b->match == DC_SEARCH_HOUSEHOLD ? b->number : b->postcode;
    if (ka != kb) return ka < kb ? -1 : 1;
    return (a->ev > b->ev) - (a->ev < b->ev);
}

/* The positions (a household's is read) and distances from the near point
 * of the answers that may be given: those with the points of the first
 * 2 x @p limit or more; the others stay behind them. */
static dc_err distances(dc_geo_session *s, struct dc_search_scratch *x,
                        const dc_search_options *opt, size_t limit)
{
    for (size_t i = 0; i < x->ncand; i++)
        x->cand[i].distance = 0;
    if (!opt->near || x->ncand == 0) return DC_OK;
    qsort(x->cand, x->ncand, sizeof *x->cand, by_rank);
    size_t cut = 2 * limit < x->ncand ? 2 * limit : x->ncand;
    int32_t floor_points = x->cand[cut - 1].points;
    for (size_t i = 0; i < x->ncand; i++) {
        dc_cand *c = &x->cand[i];
        if (c->points < floor_points) {
            c->distance = INFINITY;
            continue;
        }
        if (c->match == DC_SEARCH_HOUSEHOLD) {
            dc_household h;
            dc_err rc = dc_index_household(s->txn, c->number, &h);
            if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
            c->lat_e7 = h.lat_e7, c->lon_e7 = h.lon_e7;
        } else if (c->match == DC_SEARCH_ZONE) {
            dc_zone z;
            if (dc_geo_zone_of(s->geo, c->postcode, &z) != DC_OK)
                return DC_E_INDEX_CORRUPT;
            c->lat_e7 = z.ref_lat_e7, c->lon_e7 = z.ref_lon_e7;
        }
        c->distance = dc_geo_distance_m(opt->near_lat, opt->near_lon, c->lat_e7 / 1e7,
                                        c->lon_e7 / 1e7);
    }
    return DC_OK;
}

dc_err dc_search_rank(dc_geo_session *s, struct dc_search_scratch *x,
                      const dc_search_options *opt, size_t limit)
{
    x->ncand = 0;
    index_evidence(x);
    for (size_t e = 0; e < x->nev; e++)
        if (x->ev[e].kind == DC_ENTITY_STREET || x->ev[e].kind == DC_ENTITY_GROUP)
            place_cand(x, e);
    dc_err rc = x->house_part >= 0 ? find_households(s, x, limit) : DC_OK;
    if (rc != DC_OK) return rc;
    zone_cands(x);
    for (size_t i = 0; i < x->ncand; i++) {
        x->cand[i].labels = labels_of(x, &x->cand[i]);
        x->cand[i].former = cand_former(x, &x->cand[i]);
    }
    rc = distances(s, x, opt, limit);
    if (rc == DC_OK) qsort(x->cand, x->ncand, sizeof *x->cand, by_rank);
    return rc;
}

/* ---- the answers ------------------------------------------------------- */

/* The most points a query could give its best answer: every name word
 * exact, and every part found. */
static int ideal_points(const struct dc_search_scratch *x)
{
    const dc_query *q = &x->q;
    int ideal = __builtin_popcountll(x->all) * DC_PTS_EXACT;
    bool place = false, street = false;
    for (size_t i = 0; i < x->nnt; i++) {
        uint8_t k = x->nt[i].pkind;
        place |=
            k == DC_PART_STREET || k == DC_PART_ALLEY || k == DC_PART_GROUP ||
            k == DC_PART_FREE ||
            (k == DC_PART_HOUSE && !x->nt[i].synthetic && x->nt[i].part != x->house_part);
        /* words for a street besides a group's */
        street |= k != DC_PART_GROUP && dc_search_kind_of_part(k) != DC_ENTITY_ZONE;
    }
    if (place) ideal += DC_PTS_PLACE;
    if (x->house_part >= 0) ideal += DC_PTS_HOUSE;
    if (q->has_postcode) ideal += DC_PTS_POSTCODE;
    for (size_t p = 0; p < q->nparts; p++) {
        dc_part_kind k = q->part[p].kind;
        if (k == DC_PART_ZONE) ideal += DC_PTS_ZONE;
        if ((k == DC_PART_GROUP && street) || k == DC_PART_DISTRICT ||
            k == DC_PART_PROVINCE)
            ideal += DC_PTS_LOCALITY;
    }
    return ideal > 0 ? ideal : 1;
}

static void how_of(const struct dc_search_scratch *x, const dc_evidence *ev, uint8_t *how)
{
    for (size_t i = 0; i < ev->n; i++) {
        int part = x->nt[ev->tok[i]].part;
        /* a part's own word taken into a name says nothing of the part */
        if (part < 0 || part >= DC_SEARCH_MAX_PARTS || x->nt[ev->tok[i]].label) continue;
        if (how[part] == DC_SEARCH_NONE || ev->how[i] > how[part]) how[part] = ev->how[i];
    }
}

static void hit_how(const struct dc_search_scratch *x, const dc_cand *c, dc_search_hit *h)
{
    memset(h->how, DC_SEARCH_NONE, sizeof h->how);
    if (c->ev >= 0) how_of(x, &x->ev[c->ev], h->how);
    for (int w = 0; w < 4; w++)
        if (c->with[w] >= 0) how_of(x, &x->ev[c->with[w]], h->how);
    for (size_t p = 0; p < x->q.nparts && p < DC_SEARCH_MAX_PARTS; p++) {
        dc_part_kind k = x->q.part[p].kind;
        if ((k == DC_PART_HOUSE && (int)p == x->house_part && c->house) ||
            (k == DC_PART_POSTCODE && c->postcode_ok) || k == DC_PART_COUNTRY)
            h->how[p] = DC_SEARCH_EXACT;
    }
}

/* An answer already given: the same household, the same zone, or a street
 * or group of the same name in the same zone (a hamlet is both). */
static bool given(const struct dc_search_scratch *x, const dc_search_result *out,
                  const dc_cand *c, const int32_t *given_ev)
{
    bool place = c->match == DC_SEARCH_STREET || c->match == DC_SEARCH_GROUP;
    for (size_t i = 0; i < out->nhits; i++) {
        const dc_search_hit *h = &out->hits[i];
        if (c->match == DC_SEARCH_HOUSEHOLD && h->match == DC_SEARCH_HOUSEHOLD &&
            h->household.number == c->number)
            return true;
        if (c->match == DC_SEARCH_ZONE && h->match == DC_SEARCH_ZONE &&
            h->zone.postcode == c->postcode)
            return true;
        if (place && (h->match == DC_SEARCH_STREET || h->match == DC_SEARCH_GROUP) &&
            h->zone.postcode == c->postcode) {
            dc_str a = x->ev[given_ev[i]].folded, b = x->ev[c->ev].folded;
            if (a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0) return true;
        }
    }
    return false;
}

/* What an answer found through a former name says of it: the former zone
 * named, else a household's earlier zone in the edition before the current
 * one; the former district and province named. */
static dc_err fill_former(dc_geo_session *s, const struct dc_search_scratch *x,
                          const dc_cand *c, dc_search_hit *h)
{
    int32_t evs[5] = {c->ev, c->with[W_ZONE], c->with[W_GROUP], c->with[W_DISTRICT],
                      c->with[W_PROVINCE]};
    for (int i = 0; i < 5; i++) {
        if (evs[i] < 0 || !x->ev[evs[i]].former) continue;
        const dc_evidence *ev = &x->ev[evs[i]];
        dc_past_zone z;
        h->former = true;
        if (dc_index_past_zone(s->txn, ev->postcode, &z) != DC_OK)
            return DC_E_INDEX_CORRUPT;
        if (ev->kind == DC_ENTITY_ZONE && !h->has_former_zone) {
            h->former_zone = z;
            h->has_former_zone = true;
        }
        if (ev->kind == DC_ENTITY_DISTRICT) h->former_district = z.zone.district;
        if (ev->kind == DC_ENTITY_PROVINCE) h->former_province = z.zone.province;
    }
    if (h->former && !h->has_former_zone && c->match == DC_SEARCH_HOUSEHOLD) {
        uint32_t before = dc_index_current_edition(dc_geo_index(s->geo));
        dc_err rc =
            before > 1 ? dc_index_zone_at_edition(s->txn, before - 1, h->household.lat_e7,
                                                  h->household.lon_e7, &h->former_zone)
                       : DC_E_NOT_FOUND;
        if (rc == DC_OK)
            h->has_former_zone = true;
        else if (rc != DC_E_NOT_FOUND)
            return rc;
    }
    if (h->has_former_zone) {
        const dc_edition *ed;
        size_t n = dc_index_editions(dc_geo_index(s->geo), &ed);
        uint32_t a = h->former_zone.first_edition, b = h->former_zone.last_edition;
        h->former_from = a >= 1 && a <= n ? ed[a - 1].valid_from : DC_DATE_OPEN_START;
        h->former_until = b >= 1 && b <= n ? ed[b - 1].valid_until : DC_DATE_OPEN_END;
    }
    return DC_OK;
}

static dc_err fill_hit(dc_geo_session *s, const struct dc_search_scratch *x,
                       const dc_cand *c, int ideal, bool near, dc_search_hit *h)
{
    memset(h, 0, sizeof *h);
    h->match = (dc_search_match)c->match;
    double score = (double)c->points / ideal;
    h->score = score < 0 ? 0 : score > 1 ? 1 : score;
    h->distance_m = near ? c->distance : -1;
    if (dc_geo_zone_of(s->geo, c->postcode, &h->zone) != DC_OK) return DC_E_INDEX_CORRUPT;
    h->lat_e7 = c->lat_e7, h->lon_e7 = c->lon_e7;
    dc_err rc = DC_OK;
    if (c->match == DC_SEARCH_HOUSEHOLD) {
        rc = dc_index_household(s->txn, c->number, &h->household);
        if (rc == DC_E_NOT_FOUND) rc = DC_E_INDEX_CORRUPT;
        h->lat_e7 = h->household.lat_e7, h->lon_e7 = h->household.lon_e7;
        h->name = h->household.street;
        h->household_count = 1;
    } else if (c->match == DC_SEARCH_ZONE) {
        h->lat_e7 = h->zone.ref_lat_e7, h->lon_e7 = h->zone.ref_lon_e7;
        h->name = h->zone.name;
        h->household_count = h->zone.household_count;
    } else {
        dc_entity e;
        rc = dc_index_search_entity(s->txn, x->ev[c->ev].id, &e);
        if (rc == DC_OK) rc = dc_index_search_name(s->txn, &e, &h->name);
        h->household_count = e.count;
    }
    hit_how(x, c, h);
    if (rc == DC_OK) rc = fill_former(s, x, c, h);
    return rc;
}

dc_err dc_search_hits(dc_geo_session *s, struct dc_search_scratch *x, size_t limit,
                      const dc_search_options *opt, dc_search_result *out)
{
    int32_t ev[DC_SEARCH_MAX_RESULTS];
    int ideal = ideal_points(x);
    out->nhits = 0;
    for (size_t i = 0; i < x->ncand && out->nhits < limit; i++) {
        const dc_cand *c = &x->cand[i];
        if (given(x, out, c, ev)) continue;
        dc_err rc = fill_hit(s, x, c, ideal, opt->near, &out->hits[out->nhits]);
        if (rc != DC_OK) return rc;
        ev[out->nhits++] = c->ev;
    }
    return DC_OK;
}
