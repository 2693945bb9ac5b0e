/*
 * search_rank.c - a search's answers from its evidence (search_internal.h),
 * in order, and the first of them as dc_search_hit.
 *
 * A street or group found is an answer in its zone; the zone, group,
 * district and province evidence that agrees with it (its postcode, not
 * the same words) adds to it, and its household at the house number asked
 * for makes the answer that household. Points: each name word explained
 * (10 with its tones, 9 typed without, 7 with other tones, 5 with a typo;
 * 6 off for each left unexplained), and 40 for the house number, 20 for
 * the street or group, 15 for the zone, 15 for the postcode, 5 for a
 * group, district or province, 5 more for a household in the group named.
 * So a household, its street and zone come before the street in the zone,
 * before the zone alone. A postcode, or a zone, district or province
 * named with its word, restricts the answers to those in it, when the
 * index has it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search_internal.h"

enum { W_ZONE, W_GROUP, W_DISTRICT, W_PROVINCE };

static bool has_postcode(const dc_evidence *ev, const uint32_t *members, uint32_t pc)
{
    if (ev->kind != DC_ENTITY_DISTRICT && ev->kind != DC_ENTITY_PROVINCE)
        return ev->postcode == pc;
    const uint32_t *m = members + ev->first;
    uint32_t lo = 0, hi = ev->nmembers;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m[mid] < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ev->nmembers && m[lo] == pc;
}

/* The name words of each part, bit per word. */
static uint64_t part_mask(const struct dc_search_scratch *x, size_t part)
{
    uint64_t m = 0;
    for (size_t i = 0; i < x->nnt; i++)
        if (x->nt[i].part == (int16_t)part && !x->nt[i].synthetic) m |= 1ull << i;
    return m;
}

/* Evidence that spells the whole of a zone, district or province part. */
static bool fits_part(const dc_evidence *ev, dc_part_kind kind, uint64_t mask)
{
    bool kinds = kind == DC_PART_ZONE
                     ? ev->kind == DC_ENTITY_ZONE
                     : ev->kind == DC_ENTITY_DISTRICT || ev->kind == DC_ENTITY_PROVINCE;
    return kinds && ev->mask == mask;
}

/* Whether @p pc is among the places the query names with their word
 * (phường X, quận Y, tỉnh Z: evidence that spells the whole part, the
 * best spelt when several do: "phường Tân Thạnh" is not Tân Thành), for
 * every such part the index knows; and its postcode, when it names one a
 * zone has. */
static bool allowed(dc_geo_session *s, const struct dc_search_scratch *x, uint32_t pc)
{
    const dc_query *q = &x->q;
    dc_zone z;
    if (q->has_postcode && q->postcode != pc &&
        dc_geo_zone_of(s->geo, q->postcode, &z) == DC_OK)
        return false;
    for (size_t p = 0; p < q->nparts; p++) {
        const dc_query_part *qp = &q->part[p];
        if (!qp->word_count ||
            (qp->kind != DC_PART_ZONE && qp->kind != DC_PART_DISTRICT &&
             qp->kind != DC_PART_PROVINCE))
            continue;
        uint64_t m = part_mask(x, p);
        int best = -1; /* the places that spell the part best: its tones first */
        bool in = false;
        for (size_t e = 0; e < x->nev; e++)
            if (fits_part(&x->ev[e], qp->kind, m) && x->ev[e].points > best)
                best = x->ev[e].points;
        for (size_t e = 0; e < x->nev && !in; e++)
            in = fits_part(&x->ev[e], qp->kind, m) && x->ev[e].points == best &&
                 has_postcode(&x->ev[e], x->members, pc);
        if (best >= 0 && !in) return false;
    }
    return true;
}

/* The best evidence of @p kind (district and province alike for
 * W_DISTRICT and W_PROVINCE's kinds) that holds @p pc and explains none
 * of the words in @p mask: its index, or -1. */
static int32_t best_with(const struct dc_search_scratch *x, uint8_t kind, uint32_t pc,
                         uint64_t mask)
{
    int32_t best = -1;
    for (size_t e = 0; e < x->nev; e++) {
        const dc_evidence *ev = &x->ev[e];
        if (ev->kind != kind || (ev->mask & mask) || !has_postcode(ev, x->members, pc))
            continue;
        if (best < 0 || ev->points > x->ev[best].points ||
            (ev->points == x->ev[best].points && ev->labelled && !x->ev[best].labelled))
            best = (int32_t)e;
    }
    return best;
}

static int unexplained_points(const struct dc_search_scratch *x, uint64_t mask)
{
    return __builtin_popcountll(x->all & ~mask) * DC_PTS_UNEXPLAINED;
}

/* What agrees with an answer in zone @p pc beside the words @p c->mask
 * already explains: zone, group (for a street), district, province,
 * postcode. */
static void add_locality(const struct dc_search_scratch *x, dc_cand *c, bool group)
{
    static const uint8_t kinds[4] = {DC_ENTITY_ZONE, DC_ENTITY_GROUP, DC_ENTITY_DISTRICT,
                                     DC_ENTITY_PROVINCE};
    static const int bonus[4] = {DC_PTS_ZONE, DC_PTS_LOCALITY, DC_PTS_LOCALITY,
                                 DC_PTS_LOCALITY};
    for (int w = 0; w < 4; w++) {
        c->with[w] = -1;
        if (w == W_GROUP && !group) continue;
        int32_t e = best_with(x, kinds[w], c->postcode, c->mask);
        if (e < 0) continue;
        c->with[w] = e;
        c->mask |= x->ev[e].mask;
        c->points += x->ev[e].points + bonus[w];
    }
    c->postcode_ok = x->q.has_postcode && x->q.postcode == c->postcode;
    if (c->postcode_ok) c->points += DC_PTS_POSTCODE;
    c->points -= unexplained_points(x, c->mask);
}

static dc_cand *new_cand(struct dc_search_scratch *x)
{
    return x->ncand < DC_CAND_MAX ? &x->cand[x->ncand++] : NULL;
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

/* The households of street evidence @p base at the house number: an
 * answer each; *found when there is one. */
static dc_err households_at(dc_geo_session *s, struct dc_search_scratch *x,
                            const dc_cand *base, bool *found)
{
    const dc_evidence *ev = &x->ev[base->ev];
    dc_entity e;
    dc_entity_walk w;
    uint32_t number;
    dc_str house;
    int got;
    *found = false;
    dc_err rc = dc_index_search_entity(s->txn, ev->id, &e);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    dc_entity_walk_begin(&e, &w);
    while (rc == DC_OK && (got = dc_entity_walk_next(&w, &number, &house)) == 1) {
        if (house.len != x->house_len || memcmp(house.ptr, x->house, house.len) != 0)
            continue;
        dc_cand *c = new_cand(x);
        if (!c) break;
        *c = *base;
        c->match = DC_SEARCH_HOUSEHOLD;
        c->number = number;
        c->house = true;
        c->points += DC_PTS_HOUSE;
        if (c->with[W_GROUP] >= 0)
            rc = in_group(s, &x->ev[c->with[W_GROUP]], number, &c->in_group);
        if (c->in_group) c->points += DC_PTS_IN_GROUP;
        *found = true;
    }
    if (rc == DC_OK && got < 0) rc = DC_E_INDEX_CORRUPT;
    return rc;
}

/* The name words of the house's part (a guessed house number may be a
 * street's name). */
static uint64_t house_words(const struct dc_search_scratch *x)
{
    uint64_t m = 0;
    for (size_t i = 0; i < x->nnt; i++)
        if (x->nt[i].part == x->house_part && !x->nt[i].synthetic) m |= 1ull << i;
    return m;
}

/* A street or group found: the answer in its zone, or its households at
 * the house number. */
static dc_err place_cands(dc_geo_session *s, struct dc_search_scratch *x, size_t e)
{
    const dc_evidence *ev = &x->ev[e];
    if (!allowed(s, x, ev->postcode)) return DC_OK;
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
    bool found = false;
    if (x->house_part >= 0 && ev->kind == DC_ENTITY_STREET &&
        !(ev->mask & house_words(x))) {
        dc_err rc = households_at(s, x, &base, &found);
        if (rc != DC_OK) return rc;
    }
    dc_cand *c = found ? NULL : new_cand(x);
    if (c) *c = base;
    return DC_OK;
}

static void zone_cand(dc_geo_session *s, struct dc_search_scratch *x, uint32_t pc,
                      int32_t ev, uint64_t mask, int points)
{
    if (!allowed(s, x, pc)) return;
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
static void zone_cands(dc_geo_session *s, struct dc_search_scratch *x)
{
    bool zones = false;
    for (size_t e = 0; e < x->nev; e++) {
        const dc_evidence *ev = &x->ev[e];
        if (ev->kind != DC_ENTITY_ZONE) continue;
        zones = true;
        zone_cand(s, x, ev->postcode, (int32_t)e, ev->mask, ev->points + DC_PTS_ZONE);
    }
    if (zones) return;
    for (size_t e = 0; e < x->nev; e++) {
        const dc_evidence *ev = &x->ev[e];
        if (ev->kind != DC_ENTITY_DISTRICT && ev->kind != DC_ENTITY_PROVINCE) continue;
        for (uint32_t i = 0; i < ev->nmembers && i < 50; i++)
            zone_cand(s, x, x->members[ev->first + i], -1, 0, 0);
    }
}

static int by_rank(const void *pa, const void *pb)
{
    const dc_cand *a = pa, *b = pb;
    if (a->points != b->points) return a->points > b->points ? -1 : 1;
    if (a->distance != b->distance) return a->distance < b->distance ? -1 : 1;
    if (a->kind_named != b->kind_named) return a->kind_named ? -1 : 1;
    if (a->match != b->match) return a->match < b->match ? -1 : 1;
    uint32_t ka = a->match == DC_SEARCH_HOUSEHOLD ? a->number : a->postcode;
    uint32_t kb = b->match == DC_SEARCH_HOUSEHOLD ? b->number : b->postcode;
    if (ka != kb) return ka < kb ? -1 : 1;
    return (a->ev > b->ev) - (a->ev < b->ev);
}

/* Every answer's position (a household's is read) and distance from the
 * near point; 0 for all without one, so ties keep their other order. */
static dc_err distances(dc_geo_session *s, struct dc_search_scratch *x,
                        const dc_search_options *opt)
{
    for (size_t i = 0; i < x->ncand; i++) {
        dc_cand *c = &x->cand[i];
        c->distance = 0;
        if (!opt->near) continue;
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
                      const dc_search_options *opt)
{
    x->ncand = 0;
    for (size_t e = 0; e < x->nev; e++) {
        uint8_t k = x->ev[e].kind;
        if (k != DC_ENTITY_STREET && k != DC_ENTITY_GROUP) continue;
        dc_err rc = place_cands(s, x, e);
        if (rc != DC_OK) return rc;
    }
    zone_cands(s, x);
    dc_err rc = distances(s, x, opt);
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
    bool place = false;
    for (size_t i = 0; i < x->nnt; i++) {
        uint8_t k = x->nt[i].pkind;
        place |=
            k == DC_PART_STREET || k == DC_PART_ALLEY || k == DC_PART_GROUP ||
            k == DC_PART_FREE ||
            (k == DC_PART_HOUSE && !x->nt[i].synthetic && x->nt[i].part != x->house_part);
    }
    if (place) ideal += DC_PTS_PLACE;
    if (x->house_part >= 0) ideal += DC_PTS_HOUSE;
    if (q->has_postcode) ideal += DC_PTS_POSTCODE;
    bool street = false; /* words for a street besides a group's */
    for (size_t i = 0; i < x->nnt; i++)
        street |= x->nt[i].pkind != DC_PART_GROUP &&
                  dc_search_kind_of_part(x->nt[i].pkind) != DC_ENTITY_ZONE;
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
        if (part < 0 || part >= DC_SEARCH_MAX_PARTS) continue;
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
static bool given(dc_geo_session *s, const struct dc_search_scratch *x,
                  const dc_search_result *out, const dc_cand *c,
                  const uint32_t *given_ids)
{
    for (size_t i = 0; i < out->nhits; i++) {
        const dc_search_hit *h = &out->hits[i];
        if (h->match != c->match &&
            !(c->match != DC_SEARCH_HOUSEHOLD && c->match != DC_SEARCH_ZONE &&
              h->match != DC_SEARCH_HOUSEHOLD && h->match != DC_SEARCH_ZONE))
            continue;
        if (c->match == DC_SEARCH_HOUSEHOLD && h->household.number == c->number)
            return true;
        if (c->match == DC_SEARCH_ZONE && h->zone.postcode == c->postcode) return true;
        if (c->match == DC_SEARCH_STREET || c->match == DC_SEARCH_GROUP) {
            dc_entity a, b;
            if (h->zone.postcode != c->postcode) continue;
            if (dc_index_search_entity(s->txn, given_ids[i], &a) != DC_OK ||
                dc_index_search_entity(s->txn, x->ev[c->ev].id, &b) != DC_OK)
                continue;
            if (a.folded.len == b.folded.len &&
                memcmp(a.folded.ptr, b.folded.ptr, a.folded.len) == 0)
                return true;
        }
    }
    return false;
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
    return rc;
}

dc_err dc_search_hits(dc_geo_session *s, struct dc_search_scratch *x, size_t limit,
                      const dc_search_options *opt, dc_search_result *out)
{
    uint32_t ids[DC_SEARCH_MAX_RESULTS];
    int ideal = ideal_points(x);
    out->nhits = 0;
    for (size_t i = 0; i < x->ncand && out->nhits < limit; i++) {
        const dc_cand *c = &x->cand[i];
        if (given(s, x, out, c, ids)) continue;
        dc_err rc = fill_hit(s, x, c, ideal, opt->near, &out->hits[out->nhits]);
        if (rc != DC_OK) return rc;
        ids[out->nhits++] = c->ev >= 0 ? x->ev[c->ev].id : 0;
    }
    return DC_OK;
}
