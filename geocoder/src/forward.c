/*
 * forward.c - a code (or a full Plus Code) -> its place, zone and
 * households, and when it is not registered, why not.
 */
#include <ctype.h>
#include <string.h>

#include "geo_internal.h"

static void reset(dc_geo_forward_result *out)
{
    out->status = DC_GEO_OK;
    out->error.code = DC_OK;
    out->error.message[0] = '\0';
    out->from_plus_code = false;
    out->has_place = out->has_zone = out->has_actual_zone = false;
    out->earlier_zone = out->has_current = false;
    out->zone_valid_until = DC_DATE_OPEN_END;
    out->household_count = 0;
    out->nhouseholds = out->nsuggestions = out->nnearby = out->nsimilar = 0;
}

/* The place of a code and the households at it, from one recovery of its
 * cell (dc_index_code_lookup); DC_E_NOT_FOUND when no household is there
 * (the place is filled all the same). */
static dc_err read_place(dc_geo_session *s, const dc_code *code,
                         dc_geo_forward_result *out)
{
    uint32_t count;
    out->place.plus_code[0] = '\0';
    dc_err rc = dc_index_code_lookup(s->txn, code, &out->place.cell, out->place.plus_code,
                                     out->households, DC_GEO_MAX_HOUSEHOLDS, &count);
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    /* A place the index cannot key (off the globe) is still a place. */
    dc_err frc = out->place.plus_code[0]
                     ? dc_geo_place_forms(code, &out->place)
                     : dc_geo_place_fill(code, &out->zone, &out->place);
    if (frc != DC_OK) return frc;
    out->has_place = true;
    if (rc != DC_OK) return rc;
    out->household_count = count;
    out->nhouseholds = count < DC_GEO_MAX_HOUSEHOLDS ? count : DC_GEO_MAX_HOUSEHOLDS;
    out->status = DC_GEO_OK;
    return DC_OK;
}

/* True when the point (e7) lies in the zone's polygon. */
static bool in_polygon(const dc_zone *z, int32_t lat_e7, int32_t lon_e7)
{
    return lat_e7 >= z->south_e7 && lat_e7 <= z->north_e7 && lon_e7 >= z->west_e7 &&
           lon_e7 <= z->east_e7 && dc_polygon_contains(&z->polygon, lat_e7, lon_e7);
}

/* True when the point lies in the zone or within the tolerance of it. */
static bool near_zone(const dc_zone *z, double lat, double lon)
{
    int32_t lat_e7 = dc_geo_e7(lat), lon_e7 = dc_geo_e7(lon);
    if (lat_e7 >= z->south_e7 && lat_e7 <= z->north_e7 && lon_e7 >= z->west_e7 &&
        lon_e7 <= z->east_e7 && dc_polygon_contains(&z->polygon, lat_e7, lon_e7))
        return true;
    return dc_geo_polygon_distance_m(&z->polygon, lat, lon) <= DC_GEO_ZONE_TOLERANCE_M;
}

/* An unregistered code in its zone: say what is near. */
static dc_err unregistered(dc_geo_session *s, dc_geo_forward_result *out)
{
    out->status = DC_GEO_UNREGISTERED;
    return dc_geo_search(s, out->place.cell.lat, out->place.cell.lon, DC_GEO_NEARBY_M,
                         DC_GEO_MAX_NEARBY, out->zone.postcode, out->nearby,
                         &out->nnearby);
}

/* The place is outside its zone: find the zone it lies in, if any. */
static dc_err outside_zone(dc_geo_session *s, dc_geo_forward_result *out)
{
    double lat = out->place.cell.lat, lon = out->place.cell.lon;
    out->status = DC_GEO_CODE_OUTSIDE_ZONE;
    dc_err rc =
        dc_index_zone_at(s->txn, dc_geo_e7(lat), dc_geo_e7(lon), &out->actual_zone);
    if (rc == DC_E_NOT_FOUND) return DC_OK;
    if (rc != DC_OK) return rc;
    /* The location part does not depend on the zone: only the postcode moves. */
    dc_code fixed = out->place.code;
    fixed.postcode = out->actual_zone.postcode;
    rc = dc_geo_place_fill(&fixed, &out->actual_zone, &out->corrected);
    if (rc == DC_OK) out->has_actual_zone = true;
    return rc;
}

static dc_err classify_unregistered(dc_geo_session *s, dc_geo_forward_result *out)
{
    if (near_zone(&out->zone, out->place.cell.lat, out->place.cell.lon))
        return unregistered(s, out);
    return outside_zone(s, out);
}

static bool is_code_error(dc_err rc)
{
    return rc == DC_E_CODE_EMPTY || rc == DC_E_CODE_LENGTH || rc == DC_E_CODE_POSTCODE ||
           rc == DC_E_CODE_CHAR || rc == DC_E_CODE_LOOKALIKE;
}

/* ---- codes of earlier editions ------------------------------------------- */

/* The last day of edition @p edition. */
static int32_t edition_end(const dc_geo_session *s, uint32_t edition)
{
    const dc_edition *ed;
    size_t n = dc_index_editions(s->geo->idx, &ed);
    return edition >= 1 && edition <= n ? ed[edition - 1].valid_until : DC_DATE_OPEN_END;
}

typedef struct mate_search mate_search;
static dc_err other_side(dc_geo_session *s, const dc_code *code,
                         dc_geo_forward_result *out);

/* The door of a code whose place (out->place) is filled: the current zone
 * at the cell's centre gives the current code (the same location
 * characters: the door did not move); across a border, a household of
 * another current zone in the same cell does. out->place is kept, the
 * current code goes to out->current. DC_E_NOT_FOUND: no household. */
static dc_err current_door(dc_geo_session *s, const dc_code *code,
                           dc_geo_forward_result *out)
{
    dc_geo_place asked = out->place;
    const dc_olc_area *c = &asked.cell;
    dc_code now = *code;
    dc_err rc = dc_index_zone_at(s->txn, dc_geo_e7(c->lat), dc_geo_e7(c->lon),
                                 &out->current_zone);
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    bool in_zone = rc == DC_OK;
    if (in_zone) {
        now.postcode = out->current_zone.postcode;
        rc = read_place(s, &now, out);
        if (rc == DC_OK) rc = other_side(s, code, out);
    }
    if (rc == DC_E_NOT_FOUND) {
        dc_code mate;
        dc_err m = dc_geo_cell_mate(s, code, c, &mate);
        if (m != DC_OK && m != DC_E_NOT_FOUND) return m;
        if (m == DC_OK &&
            dc_geo_zone_of(s->geo, mate.postcode, &out->current_zone) == DC_OK) {
            in_zone = true;
            rc = read_place(s, &mate, out);
        }
    }
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    out->has_current = in_zone;
    if (in_zone) out->current = out->place;
    out->place = asked;
    return rc;
}

/* A code whose postcode only an earlier edition has: read against that
 * zone (its reference point, the typo check), answered with the door's
 * current code; retired when the zone ended before the day asked about. */
static dc_err forward_earlier(dc_geo_session *s, const dc_code *code,
                              dc_geo_forward_result *out)
{
    dc_past_zone past;
    dc_err rc = dc_index_past_zone(s->txn, code->postcode, &past);
    uint32_t asked = dc_geo_edition(s);
    if (rc == DC_E_NOT_FOUND || (rc == DC_OK && asked < past.first_edition)) {
        out->status = DC_GEO_UNKNOWN_POSTCODE;
        return DC_OK;
    }
    if (rc != DC_OK) return rc;
    out->zone = past.zone;
    out->has_zone = out->earlier_zone = true;
    out->zone_valid_until = edition_end(s, past.last_edition);
    rc = dc_geo_place_fill(code, &past.zone, &out->place);
    if (rc != DC_OK) return rc;
    out->has_place = true;
    if (!near_zone(&past.zone, out->place.cell.lat, out->place.cell.lon))
        return outside_zone(s, out);
    rc = current_door(s, code, out);
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    if (asked > past.last_edition)
        out->status = DC_GEO_RETIRED;
    else
        out->status = rc == DC_OK ? DC_GEO_OK : DC_GEO_UNREGISTERED;
    return DC_OK;
}

/* A current zone asked about as of a day before its first edition. */
static bool not_yet(dc_geo_session *s, uint32_t postcode)
{
    uint32_t now = dc_index_current_edition(s->geo->idx);
    if (s->day == DC_GEO_NOW || now == 0) return false;
    uint32_t asked = dc_geo_edition(s), first = now;
    dc_past_zone past;
    if (dc_index_past_zone(s->txn, postcode, &past) == DC_OK) first = past.first_edition;
    return asked < first;
}

/* A parsed code: its zone, then its door or why there is none. */
static dc_err forward_parsed(dc_geo_session *s, const dc_code *code,
                             dc_geo_forward_result *out)
{
    dc_err rc = dc_geo_zone_of(s->geo, code->postcode, &out->zone);
    if (rc == DC_E_NOT_FOUND) return forward_earlier(s, code, out);
    if (rc != DC_OK) return rc;
    if (not_yet(s, code->postcode)) {
        out->status = DC_GEO_UNKNOWN_POSTCODE;
        return DC_OK;
    }
    out->has_zone = true;
    rc = read_place(s, code, out);
    if (rc != DC_E_NOT_FOUND) return rc;
    return classify_unregistered(s, out);
}

static dc_err forward_code(dc_geo_session *s, const char *text, size_t len,
                           dc_geo_forward_result *out)
{
    dc_code code;
    dc_err rc = dc_code_parse(text, len, &code, &out->error);
    if (is_code_error(rc)) {
        out->status = DC_GEO_MALFORMED;
        return DC_OK;
    }
    if (rc != DC_OK) return rc;
    return forward_parsed(s, &code, out);
}

/* ---- Plus Codes ----------------------------------------------------------- */

/* A full Plus Code, trimmed and upper-cased into @p buf; false for anything
 * else (a diachi code never is one: it has a space, or its '+' is not
 * after 8 characters, or it holds 0 or 1). */
static bool plus_code_text(const char *text, size_t len, char *buf, size_t size)
{
    while (len && isspace((unsigned char)text[0]))
        text++, len--;
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0 || len >= size || !memchr(text, '+', len)) return false;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)toupper((unsigned char)text[i]);
    buf[len] = '\0';
    return dc_olc_is_full(buf);
}

struct mate_search {
    const dc_code *code;
    uint32_t skip;         /* a postcode not wanted, or 0 */
    const dc_zone *within; /* NULL, or the zone the door must lie in */
    dc_code found;
    bool any;
};

/* dc_position_fn: stop at the first household whose code has the location
 * (and whose postcode is not the one skipped, and whose door lies in the
 * zone asked for). */
static int same_location(void *ctx, const dc_household_pos *pos)
{
    mate_search *m = ctx;
    dc_code c;
    if (pos->postcode == m->skip) return 0;
    if (dc_code_make_e7(pos->postcode, pos->lat_e7, pos->lon_e7, &c) != DC_OK) return 0;
    if (memcmp(c.location, m->code->location, DC_CODE_LOCATION_CHARS) != 0) return 0;
    if (m->within && !in_polygon(m->within, pos->lat_e7, pos->lon_e7)) return 0;
    m->found = c;
    m->any = true;
    return 1;
}

/* The households of @p cell with @p code's location characters, as
 * mate_search asks. */
static dc_err find_mate(dc_geo_session *s, const dc_olc_area *cell, mate_search *m)
{
    int32_t lat_e7 = dc_geo_e7(cell->lat), lon_e7 = dc_geo_e7(cell->lon);
    uint32_t col = dc_cell_col(lon_e7);
    dc_err rc =
        dc_index_row_positions(s->txn, dc_cell_row(lat_e7), col, col, same_location, m);
    if (rc != DC_OK) return rc;
    return m->any ? DC_OK : DC_E_NOT_FOUND;
}

dc_err dc_geo_cell_mate(dc_geo_session *s, const dc_code *code, const dc_olc_area *cell,
                        dc_code *found)
{
    mate_search m = {.code = code};
    dc_err rc = find_mate(s, cell, &m);
    if (rc == DC_OK) *found = m.found;
    return rc;
}

/* True when a corner of @p cell lies outside the current zone @p postcode. */
static bool straddles(dc_geo_session *s, const dc_olc_area *cell, uint32_t postcode)
{
    const double lat[2] = {cell->south, cell->north}, lon[2] = {cell->west, cell->east};
    for (int i = 0; i < 4; i++) {
        dc_zone z;
        dc_err rc =
            dc_index_zone_at(s->txn, dc_geo_e7(lat[i / 2]), dc_geo_e7(lon[i % 2]), &z);
        if (rc != DC_OK || z.postcode != postcode) return true;
    }
    return false;
}

/*
 * An old code read in its old zone (out->zone) found a household of the
 * current zone at its cell's centre (out->current_zone). A cell across a
 * border of the current zones may hold two doors with the same location
 * characters, one on each side: the old code names the one whose door lay
 * in its old zone. Only such a cell costs more than its corners' zones.
 */
static dc_err other_side(dc_geo_session *s, const dc_code *code,
                         dc_geo_forward_result *out)
{
    const dc_household *h = &out->households[0];
    const dc_zone *old = &out->zone;
    if (!straddles(s, &out->place.cell, out->current_zone.postcode) ||
        in_polygon(old, h->lat_e7, h->lon_e7))
        return DC_OK;
    mate_search m = {.code = code, .skip = out->current_zone.postcode, .within = old};
    dc_olc_area cell = out->place.cell;
    dc_err rc = find_mate(s, &cell, &m);
    if (rc == DC_E_NOT_FOUND) return DC_OK;
    if (rc != DC_OK) return rc;
    if (dc_geo_zone_of(s->geo, m.found.postcode, &out->current_zone) != DC_OK)
        return DC_OK;
    return read_place(s, &m.found, out);
}

static dc_err plus_in_zone(dc_geo_session *s, dc_code *code, dc_geo_forward_result *out)
{
    dc_err rc = read_place(s, code, out);
    if (rc != DC_E_NOT_FOUND) return rc;
    dc_code mate;
    rc = dc_geo_cell_mate(s, code, &out->place.cell, &mate);
    if (rc == DC_OK && dc_geo_zone_of(s->geo, mate.postcode, &out->zone) == DC_OK)
        return read_place(s, &mate, out);
    if (rc != DC_OK && rc != DC_E_NOT_FOUND) return rc;
    return unregistered(s, out);
}

static dc_err forward_plus(dc_geo_session *s, const char *plus,
                           dc_geo_forward_result *out)
{
    dc_olc_area area;
    dc_code code;
    out->from_plus_code = true;
    dc_err rc = dc_olc_decode(plus, &area);
    if (rc != DC_OK) return rc;
    if (area.length < DC_CODE_OLC_DIGITS - 1) {
        out->status = DC_GEO_MALFORMED;
        out->error.code = DC_E_OLC_LENGTH;
        strcpy(out->error.message, "a Plus Code needs 10 digits or more to name a door");
        return DC_OK;
    }
    rc = dc_index_zone_at(s->txn, dc_geo_e7(area.lat), dc_geo_e7(area.lon), &out->zone);
    if (rc == DC_E_NOT_FOUND) {
        out->status = DC_GEO_OUT_OF_COVERAGE;
        out->has_place = true;
        memset(&out->place, 0, sizeof out->place);
        rc = dc_olc_encode(area.lat, area.lon, DC_CODE_OLC_DIGITS, out->place.plus_code,
                           sizeof out->place.plus_code);
        if (rc == DC_OK) rc = dc_olc_decode(out->place.plus_code, &out->place.cell);
        return rc;
    }
    if (rc != DC_OK) return rc;
    out->has_zone = true;
    rc = dc_code_make(out->zone.postcode, area.lat, area.lon, &code);
    if (rc != DC_OK) return rc;
    return plus_in_zone(s, &code, out);
}

/* ---- entry ---------------------------------------------------------------- */

/* An old code's place in the index's order: that of the same location
 * characters with the postcode of the current zone at its cell's centre,
 * where its door's household is (or, across a border, next to it). A
 * list of old codes then reads the index a neighbourhood at a time too. */
static bool earlier_order(dc_geo_session *s, const dc_code *code, uint64_t *order)
{
    dc_past_zone past;
    dc_olc_area cell;
    dc_zone now;
    if (dc_index_past_zone(s->txn, code->postcode, &past) != DC_OK ||
        dc_code_resolve(code, past.zone.ref_lat_e7 / 1e7, past.zone.ref_lon_e7 / 1e7,
                        &cell) != DC_OK ||
        dc_index_zone_at(s->txn, dc_geo_e7(cell.lat), dc_geo_e7(cell.lon), &now) != DC_OK)
        return false;
    dc_code current = *code;
    current.postcode = now.postcode;
    return dc_index_code_order(s->geo->idx, &current, order) == DC_OK;
}

bool dc_geo_code_order(dc_geo_session *s, const dc_code *code, uint64_t *order)
{
    if (!s) return false;
    if (dc_index_code_order(s->geo->idx, code, order) == DC_OK) return true;
    return dc_index_current_edition(s->geo->idx) > 1 && earlier_order(s, code, order);
}

void dc_geo_order_prefetch(dc_geo_session *s, uint64_t order)
{
    if (s) dc_index_order_prefetch(s->txn, order);
}

dc_err dc_geo_forward(dc_geo_session *s, const char *text, size_t len,
                      dc_geo_forward_result *out)
{
    char plus[32];
    if (!s || !out || (!text && len)) return DC_E_INVALID_ARG;
    reset(out);
    dc_err rc;
    if (plus_code_text(text, len, plus, sizeof plus))
        rc = forward_plus(s, plus, out);
    else
        rc = forward_code(s, text, len, out);
    if (rc != DC_OK || out->status == DC_GEO_OK || out->status == DC_GEO_RETIRED)
        return rc;
    if (out->from_plus_code) {
        if (!out->has_zone) return DC_OK;
        return dc_geo_suggest(s, out->place.compact, strlen(out->place.compact), out);
    }
    return dc_geo_suggest(s, text, len, out);
}

dc_err dc_geo_forward_code(dc_geo_session *s, const dc_code *code, const char *text,
                           size_t len, dc_geo_forward_result *out)
{
    if (!s || !out || !code || (!text && len)) return DC_E_INVALID_ARG;
    reset(out);
    /* A text that parses as a code is never a full Plus Code (see
     * plus_code_text), so dc_geo_forward would take this path too. */
    dc_err rc = forward_parsed(s, code, out);
    if (rc != DC_OK || out->status == DC_GEO_OK || out->status == DC_GEO_RETIRED)
        return rc;
    return dc_geo_suggest(s, text, len, out);
}
