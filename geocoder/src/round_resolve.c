/*
 * round_resolve.c - a letter of a delivery round to its door
 * (diachi/round.h): a code looked up, or a written address searched, and
 * the door's group key.
 */
#include <stdio.h>
#include <string.h>

#include "diachi/round.h"

/* The key of a household's group: its zone and its group's name, hashed
 * (FNV-1a, 64 bits). Two groups sharing a key by chance (about one in
 * 10^19 a pair) would only be walked together; no door is lost. 0 for a
 * household of no group. */
static uint64_t fnv1a(uint32_t postcode, const char *s, size_t n)
{
    uint64_t k = 14695981039346656037ull;
    for (int i = 0; i < 4; i++) {
        k ^= (postcode >> (8 * i)) & 0xff;
        k *= 1099511628211ull;
    }
    for (size_t i = 0; i < n; i++) {
        k ^= (unsigned char)s[i];
        k *= 1099511628211ull;
    }
    return k ? k : 1;
}

static uint64_t group_key(const dc_household *h)
{
    return h->group.len ? fnv1a(h->postcode, h->group.ptr, h->group.len) : 0;
}

static void door_of(dc_geo_session *s, const dc_household *h, dc_round_door *out)
{
    dc_zone z;
    bool zoned = dc_geo_zone(s, h->postcode, &z) == DC_OK;
    out->resolved = true;
    out->lat = h->lat_e7 / 1e7;
    out->lon = h->lon_e7 / 1e7;
    out->group = group_key(h);
    if (dc_code_format(&h->code, DC_CODE_DISPLAY, out->code, sizeof out->code) != DC_OK)
        out->code[0] = '\0';
    /* the door: the households that share its code */
    out->door = fnv1a(h->postcode, out->code, strlen(out->code));
    size_t n = dc_geo_address(h, zoned ? &z : NULL, out->address, sizeof out->address);
    if (n >= sizeof out->address) {
        /* cut at a character's start, never inside one */
        size_t end = sizeof out->address - 1;
        while (end && ((unsigned char)out->address[end] & 0xc0) == 0x80)
            end--;
        out->address[end] = '\0';
    }
}

/* A text dc_geo_forward read as a code: a door only when it is registered
 * (or retired, its door found). */
static void by_code(dc_geo_session *s, const dc_geo_forward_result *f, dc_round_door *out)
{
    out->by = "code";
    out->status = dc_geo_status_name(f->status);
    if ((f->status == DC_GEO_OK || f->status == DC_GEO_RETIRED) && f->nhouseholds) {
        door_of(s, &f->households[0], out);
        return;
    }
    if (f->status == DC_GEO_UNREGISTERED)
        snprintf(out->message, sizeof out->message, "%s names no registered household",
                 f->place.display);
    else if (f->status == DC_GEO_CODE_OUTSIDE_ZONE)
        snprintf(out->message, sizeof out->message,
                 "%s lies outside the zone its postcode names", f->place.display);
    else if (f->status == DC_GEO_UNKNOWN_POSTCODE)
        snprintf(out->message, sizeof out->message, "no postal zone has its postcode");
    else
        snprintf(out->message, sizeof out->message, "the code names no door (%s)",
                 out->status);
}

static dc_err by_address(dc_geo_session *s, const char *text, size_t len,
                         dc_round_scratch *sc, dc_round_door *out)
{
    dc_search_options opt = {.limit = 1};
    dc_error e = {0};
    out->by = "address";
    dc_err rc = dc_search(s, text, len, &opt, &sc->search, &e);
    if (rc == DC_E_TEXT_EMPTY || rc == DC_E_TEXT_UTF8 || rc == DC_E_TEXT_CONTROL ||
        rc == DC_E_TEXT_LENGTH) {
        out->status = "bad_address";
        snprintf(out->message, sizeof out->message, "%s", e.message);
        return DC_OK;
    }
    if (rc != DC_OK) return rc;
    const dc_search_result *r = &sc->search;
    if (r->nhits == 0) {
        out->status = "no_match";
        snprintf(out->message, sizeof out->message,
                 "not a code, and no household has this address");
        return DC_OK;
    }
    const dc_search_hit *h = &r->hits[0];
    if (h->match != DC_SEARCH_HOUSEHOLD) {
        out->status = "not_a_door";
        snprintf(out->message, sizeof out->message,
                 "the address names a %s (%.*s), not a door",
                 dc_search_match_name(h->match),
                 (int)(h->name.len > 120 ? 120 : h->name.len), h->name.ptr);
        return DC_OK;
    }
    out->status = "ok";
    door_of(s, &h->household, out);
    return DC_OK;
}

dc_err dc_round_resolve(dc_geo_session *s, const char *text, size_t len,
                        dc_round_scratch *sc, dc_round_door *out)
{
    if (!s || !sc || !out || (!text && len)) return DC_E_INVALID_ARG;
    memset(out, 0, sizeof *out);
    out->by = "code";
    out->status = "malformed";
    dc_err rc = dc_geo_forward(s, text ? text : "", len, &sc->forward);
    if (rc != DC_OK) return rc;
    if (sc->forward.status != DC_GEO_MALFORMED) {
        by_code(s, &sc->forward, out);
        return DC_OK;
    }
    return by_address(s, text ? text : "", len, sc, out);
}
