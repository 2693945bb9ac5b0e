/*
 * select.c - which households get a plate (diachi/plates.h): a zone's are
 * read from the index by its box (households are stored by place), a
 * street's or group's from the search data's list of its members, a list
 * of codes through the engine as `diachi lookup` reads them; the other
 * conditions filter. Every string is copied out of the index, so the
 * plates outlive the session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/plates.h"
#include "diachi/search_index.h"
#include "diachi/text.h"

/* The streets or groups a name given matches: their entities, and their
 * names as the map writes them, folded (what a household's field is
 * compared with). */
typedef struct matches {
    bool given;
    uint32_t *ids;
    size_t nids;
    char **names;
    size_t nnames;
} matches;

/* A selection at work: the session, its conditions resolved once. */
typedef struct selector {
    dc_geo *geo;
    dc_geo_session *s;
    dc_index_txn *txn;
    const dc_plates_selection *sel;
    matches street, group; /* what the names given match */
    dc_plate_list *out;
    dc_zone zone; /* the last household's zone, cached */
    bool has_zone;
    dc_err failed;
    dc_error *err;
} selector;

/* @p name folded into @p out (DC_TEXT_SIZE bytes); false when it does not
 * fold (too long, not UTF-8). */
static bool fold_str(const dc_str *name, char *out)
{
    char buf[512];
    if (name->len >= sizeof buf) return false;
    memcpy(buf, name->ptr, name->len);
    buf[name->len] = '\0';
    return dc_text_fold(buf, name->len, out, DC_TEXT_SIZE, NULL) == DC_OK;
}

static bool among(const matches *m, const dc_str *name)
{
    char folded[DC_TEXT_SIZE];
    if (!fold_str(name, folded)) return false;
    for (size_t i = 0; i < m->nnames; i++)
        if (strcmp(m->names[i], folded) == 0) return true;
    return false;
}

static bool keep(const selector *x, const dc_household *h)
{
    if (x->sel->has_postcode && h->postcode != x->sel->postcode) return false;
    if (x->street.given && !among(&x->street, &h->street)) return false;
    if (x->group.given && !among(&x->group, &h->group)) return false;
    return true;
}

static void matches_free(matches *m)
{
    for (size_t i = 0; i < m->nnames; i++)
        free(m->names[i]);
    free(m->names);
    free(m->ids);
}

static dc_plate *grow(dc_plate_list *l)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        dc_plate *p = realloc(l->plates, cap * sizeof *p);
        if (!p) return NULL;
        l->plates = p;
        l->cap = cap;
    }
    return &l->plates[l->count];
}

/* Copies @p s into @p text at *at; returns where it starts. */
static const char *copy_str(char *text, size_t *at, const char *s, size_t len)
{
    char *p = text + *at;
    memcpy(p, s, len);
    p[len] = '\0';
    *at += len + 1;
    return p;
}

static dc_err add_plate(selector *x, const dc_household *h)
{
    if (!x->has_zone || x->zone.postcode != h->postcode) {
        if (dc_geo_zone(x->s, h->postcode, &x->zone) != DC_OK)
            return dc_error_set(x->err, DC_E_INDEX_CORRUPT,
                                "household %.*s: zone %05u missing", (int)h->id.len,
                                h->id.ptr, (unsigned)h->postcode);
        x->has_zone = true;
    }
    char address[1024];
    size_t alen = dc_geo_address(h, &x->zone, address, sizeof address);
    if (alen >= sizeof address) alen = strlen(address);
    dc_plate *p = grow(x->out);
    char *text = p ? malloc(h->id.len + h->house_number.len + h->street.len +
                            h->group.len + alen + 5)
                   : NULL;
    if (!text) return dc_error_set(x->err, DC_E_NOMEM, "out of memory");
    memset(p, 0, sizeof *p);
    p->number = h->number;
    p->postcode = h->postcode;
    p->lat_e7 = h->lat_e7;
    p->lon_e7 = h->lon_e7;
    dc_code_format(&h->code, DC_CODE_DISPLAY, p->display, sizeof p->display);
    dc_code_format(&h->code, DC_CODE_COMPACT, p->compact, sizeof p->compact);
    dc_code_plus_code(&h->code, x->zone.ref_lat_e7 / 1e7, x->zone.ref_lon_e7 / 1e7,
                      p->plus_code, sizeof p->plus_code);
    size_t at = 0;
    p->text = text;
    p->id = copy_str(text, &at, h->id.ptr, h->id.len);
    p->house_number = copy_str(text, &at, h->house_number.ptr, h->house_number.len);
    p->street = copy_str(text, &at, h->street.ptr, h->street.len);
    p->group = copy_str(text, &at, h->group.ptr, h->group.len);
    p->address = copy_str(text, &at, address, alen);
    x->out->count++;
    return DC_OK;
}

static dc_err consider(selector *x, const dc_household *h)
{
    return keep(x, h) ? add_plate(x, h) : DC_OK;
}

/* ---- a zone ------------------------------------------------------------ */

static int zone_household(void *ctx, const dc_household_pos *pos)
{
    selector *x = ctx;
    if (pos->postcode != x->sel->postcode) return 0;
    dc_household h;
    x->failed = dc_index_household_read(x->txn, &pos->ref, &h);
    if (x->failed == DC_OK) x->failed = consider(x, &h);
    return x->failed != DC_OK;
}

static dc_err select_zone(selector *x, const char **problem)
{
    dc_zone z;
    if (dc_geo_zone(x->s, x->sel->postcode, &z) != DC_OK) {
        *problem = "unknown_zone";
        return dc_error_set(x->err, DC_E_NOT_FOUND, "no zone has postcode %05u",
                            (unsigned)x->sel->postcode);
    }
    dc_err e = dc_index_box_positions(x->txn, z.south_e7, z.west_e7, z.north_e7,
                                      z.east_e7, zone_household, x);
    if (e == DC_OK) e = x->failed;
    if (e != DC_OK) *problem = "index";
    return e;
}

/* ---- a street or a group ------------------------------------------------ */

static dc_err entity_members(selector *x, const dc_entity *e)
{
    dc_entity_walk w;
    uint32_t number;
    int r;
    dc_entity_walk_begin(e, &w);
    while ((r = dc_entity_walk_next(&w, &number, NULL)) == 1) {
        dc_household h;
        dc_err err = dc_index_household(x->txn, number, &h);
        if (err == DC_OK) err = consider(x, &h);
        if (err != DC_OK) return err;
    }
    return r == 0 ? DC_OK : DC_E_INDEX_CORRUPT;
}

/* Adds entity @p e (named @p name, folded) to @p m. */
static dc_err add_match(matches *m, uint32_t id, const char *name)
{
    uint32_t *ids = realloc(m->ids, (m->nids + 1) * sizeof *ids);
    if (!ids) return DC_E_NOMEM;
    m->ids = ids;
    m->ids[m->nids++] = id;
    for (size_t i = 0; i < m->nnames; i++)
        if (strcmp(m->names[i], name) == 0) return DC_OK;
    char **names = realloc(m->names, (m->nnames + 1) * sizeof *names);
    if (!names) return DC_E_NOMEM;
    m->names = names;
    if (!(m->names[m->nnames] = strdup(name))) return DC_E_NOMEM;
    m->nnames++;
    return DC_OK;
}

/* The entities of @p kind (in the zone asked for) whose proper name or map
 * name folds to @p folded. */
static dc_err find_entities(selector *x, dc_entity_kind kind, const char *folded,
                            matches *m)
{
    dc_index *idx = dc_geo_index(x->geo);
    char name_folded[DC_TEXT_SIZE];
    for (unsigned words = 1; words <= DC_ENTITY_MAX_WORDS; words++) {
        uint32_t id, end;
        dc_index_search_range(idx, kind, words, &id, &end);
        for (; id < end; id++) {
            dc_entity e;
            dc_str name;
            dc_err err = dc_index_search_entity(x->txn, id, &e);
            if (err == DC_OK) err = dc_index_search_name(x->txn, &e, &name);
            if (err != DC_OK) return err;
            if (x->sel->has_postcode && e.postcode != x->sel->postcode) continue;
            if (!fold_str(&name, name_folded)) continue;
            bool match = (e.folded.len == strlen(folded) &&
                          memcmp(e.folded.ptr, folded, e.folded.len) == 0) ||
                         strcmp(name_folded, folded) == 0;
            if (match && (err = add_match(m, id, name_folded)) != DC_OK) return err;
        }
    }
    return DC_OK;
}

/* Resolves a --street or --group: unknown_street or unknown_group when
 * nothing matches. */
static dc_err resolve_name(selector *x, bool street, const char **problem)
{
    const char *name = street ? x->sel->street : x->sel->group;
    matches *m = street ? &x->street : &x->group;
    char *folded = malloc(DC_TEXT_SIZE);
    dc_err e = folded ? DC_OK : DC_E_NOMEM;
    m->given = true;
    if (e == DC_OK &&
        dc_text_fold(name, strlen(name), folded, DC_TEXT_SIZE, NULL) == DC_OK)
        e = find_entities(x, street ? DC_ENTITY_STREET : DC_ENTITY_GROUP, folded, m);
    free(folded);
    if (e != DC_OK) {
        *problem = "index";
        return dc_error_set(x->err, e, "the index's search data: %s", dc_strerror(e));
    }
    if (m->nids == 0) {
        *problem = street ? "unknown_street" : "unknown_group";
        if (x->sel->has_postcode)
            return dc_error_set(x->err, DC_E_NOT_FOUND, "no %s named '%s' in zone %05u",
                                street ? "street" : "group", name,
                                (unsigned)x->sel->postcode);
        return dc_error_set(x->err, DC_E_NOT_FOUND, "no %s named '%s' in the index",
                            street ? "street" : "group", name);
    }
    return DC_OK;
}

/* The households of every entity matched. */
static dc_err select_named(selector *x, const matches *m, const char **problem)
{
    for (size_t i = 0; i < m->nids; i++) {
        dc_entity e;
        dc_err err = dc_index_search_entity(x->txn, m->ids[i], &e);
        if (err == DC_OK) err = entity_members(x, &e);
        if (err != DC_OK) {
            *problem = "index";
            return dc_error_set(x->err, err, "the index's search data: %s",
                                dc_strerror(err));
        }
    }
    return DC_OK;
}

/* ---- a list of codes ---------------------------------------------------- */

static dc_err code_line(selector *x, dc_geo_forward_result *r, const char *line,
                        size_t len, size_t lineno, const char **problem)
{
    dc_err e = dc_geo_forward(x->s, line, len, r);
    if (e != DC_OK) {
        *problem = "index";
        return dc_error_set(x->err, e, "line %zu: %s", lineno, dc_strerror(e));
    }
    if (r->status == DC_GEO_MALFORMED) {
        *problem = "malformed_code";
        return dc_error_set(x->err, r->error.code, "line %zu: '%.*s' is not a code: %s",
                            lineno, (int)(len > 60 ? 60 : len), line, r->error.message);
    }
    if ((r->status != DC_GEO_OK && r->status != DC_GEO_RETIRED) || r->nhouseholds == 0) {
        *problem = "unknown_code";
        return dc_error_set(x->err, DC_E_NOT_FOUND, "line %zu: %.*s is %s", lineno,
                            (int)(len > 60 ? 60 : len), line,
                            dc_geo_status_name(r->status));
    }
    /* Every household at the door, past the 16 an answer holds. */
    uint32_t first, count;
    e = dc_index_code_households(x->txn, &r->households[0].code, &first, &count);
    for (uint32_t i = 0; e == DC_OK && i < count; i++) {
        dc_household h;
        e = dc_index_household(x->txn, first + i, &h);
        if (e == DC_OK) e = consider(x, &h);
    }
    if (e != DC_OK) *problem = "index";
    return e;
}

static dc_err select_codes(selector *x, const char **problem)
{
    bool stdin_ = strcmp(x->sel->codes, "-") == 0;
    FILE *f = stdin_ ? stdin : fopen(x->sel->codes, "r");
    if (!f) {
        *problem = "io";
        return dc_error_set(x->err, DC_E_IO, "cannot open %s: %s", x->sel->codes,
                            strerror(errno));
    }
    dc_geo_forward_result *r = malloc(sizeof *r);
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    dc_err e = r ? DC_OK : dc_error_set(x->err, DC_E_NOMEM, "out of memory");
    while (e == DC_OK && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                       line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        size_t start = 0;
        while (start < len && (line[start] == ' ' || line[start] == '\t'))
            start++;
        if (start == len) continue;
        e = code_line(x, r, line + start, len - start, lineno, problem);
    }
    if (e == DC_OK && ferror(f)) {
        *problem = "io";
        e = dc_error_set(x->err, DC_E_IO, "cannot read %s", x->sel->codes);
    }
    free(line);
    free(r);
    if (!stdin_) fclose(f);
    return e;
}

/* ---- the selection ------------------------------------------------------ */

static int by_number(const void *a, const void *b)
{
    uint32_t x = ((const dc_plate *)a)->number, y = ((const dc_plate *)b)->number;
    return x < y ? -1 : x > y;
}

/* A household listed twice (a code given twice) gets one plate. */
static void drop_repeats(dc_plate_list *l, size_t from)
{
    size_t n = l->count - from, kept = 0;
    dc_plate *p = l->plates + from;
    if (n < 2) return;
    qsort(p, n, sizeof *p, by_number);
    for (size_t i = 0; i < n; i++) {
        if (kept && p[kept - 1].number == p[i].number) {
            free(p[i].text);
            continue;
        }
        p[kept++] = p[i];
    }
    l->count = from + kept;
}

static dc_err run(selector *x, const char **problem)
{
    const dc_plates_selection *sel = x->sel;
    dc_err e = DC_OK;
    if (sel->street) e = resolve_name(x, true, problem);
    if (e == DC_OK && sel->group) e = resolve_name(x, false, problem);
    if (e != DC_OK) return e;
    if (sel->codes) return select_codes(x, problem);
    if (sel->street) return select_named(x, &x->street, problem);
    if (sel->group) return select_named(x, &x->group, problem);
    if (sel->has_postcode) return select_zone(x, problem);
    *problem = "empty_selection";
    return dc_error_set(
        x->err, DC_E_NOT_FOUND,
        "nothing selected: give a zone, a street, a group or a file of codes");
}

dc_err dc_plates_select(dc_geo *geo, const dc_plates_selection *sel, dc_plate_list *out,
                        const char **problem, dc_error *err)
{
    const char *unused;
    if (!problem) problem = &unused;
    *problem = "index";
    if (!geo || !sel || !out)
        return dc_error_set(err, DC_E_INVALID_ARG, "nothing to select");
    selector x = {.geo = geo, .sel = sel, .out = out, .err = err};
    dc_err e = dc_geo_session_begin(geo, &x.s);
    if (e != DC_OK)
        return dc_error_set(err, e, "cannot read the index: %s", dc_strerror(e));
    x.txn = dc_geo_session_txn(x.s);
    size_t from = out->count;
    e = run(&x, problem);
    dc_geo_session_end(x.s);
    matches_free(&x.street);
    matches_free(&x.group);
    if (e == DC_OK) drop_repeats(out, from);
    if (e == DC_OK && out->count == from) {
        *problem = "empty_selection";
        e = dc_error_set(err, DC_E_NOT_FOUND, "no household holds every condition given");
    }
    if (e != DC_OK) { /* the list as it was */
        for (size_t i = from; i < out->count; i++)
            free(out->plates[i].text);
        out->count = from;
    }
    return e;
}

void dc_plate_list_free(dc_plate_list *list)
{
    if (!list) return;
    for (size_t i = 0; i < list->count; i++)
        free(list->plates[i].text);
    free(list->plates);
    memset(list, 0, sizeof *list);
}
