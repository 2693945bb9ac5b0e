/*
 * editions.c - editions of the zone map and the history table on their
 * way into the index (editions.h).
 */
#include "editions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates ---- */

static dc_err parse_date(const char *text, int32_t open, int32_t *out, dc_error *err)
{
    if (!text) {
        *out = open;
        return DC_OK;
    }
    if (dc_date_parse(text, strlen(text), out) != DC_OK)
        return dc_error_set(err, DC_E_INVALID_ARG,
                            "edition date '%s' is not a day written YYYY-MM-DD", text);
    return DC_OK;
}

/* An open end between two editions is closed by the neighbour's date. */
static void close_ends(dc_edition_input *e, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (e[i].valid_until == DC_DATE_OPEN_END &&
            e[i + 1].valid_from != DC_DATE_OPEN_START)
            e[i].valid_until = e[i + 1].valid_from - 1;
        if (e[i + 1].valid_from == DC_DATE_OPEN_START &&
            e[i].valid_until != DC_DATE_OPEN_END)
            e[i + 1].valid_from = e[i].valid_until + 1;
    }
}

static dc_err check_dates(dc_editions *ed, dc_error *err)
{
    dc_feature_origin none = {NULL, NULL, -1};
    for (size_t i = 0; i < ed->n; i++) {
        const dc_edition_input *e = &ed->inputs[i];
        char a[DC_DATE_SIZE], b[DC_DATE_SIZE];
        dc_date_format(e->valid_from, a);
        dc_date_format(e->valid_until, b);
        if (e->valid_from > e->valid_until)
            return dc_error_set(err, DC_E_INVALID_ARG,
                                "edition %zu is valid from %s until %s: it ends before "
                                "it starts",
                                i + 1, a, b);
        if (i == 0) continue;
        int32_t prev = ed->inputs[i - 1].valid_until;
        char p[DC_DATE_SIZE];
        dc_date_format(prev, p);
        if (e->valid_from <= prev)
            return dc_error_set(err, DC_E_INVALID_ARG,
                                "edition %zu (from %s) overlaps edition %zu (until %s): "
                                "a door would have two current codes; no index written",
                                i + 1, a[0] ? a : "the start", i, p[0] ? p : "the end");
        if (e->valid_from > prev + 1)
            dc_report_warn(ed->report, &none, DC_WARN_EDITION_GAP,
                           "no edition is valid between %s (edition %zu ends) and %s "
                           "(edition %zu starts)",
                           p, i, a, i + 1);
    }
    return DC_OK;
}

dc_err dc_editions_init(dc_editions *ed, const dc_import_config *cfg, dc_report *report,
                        dc_error *err)
{
    memset(ed, 0, sizeof *ed);
    ed->report = report;
    ed->history_path = cfg->history;
    ed->last_old = -1;
    if (!cfg->neditions) {
        if (cfg->history)
            return dc_error_set(
                err, DC_E_INVALID_ARG,
                "--history needs editions: --zones OLD --valid-until DATE "
                "--zones NEW --valid-from DATE");
        return DC_OK;
    }
    ed->n = cfg->neditions;
    ed->inputs = calloc(ed->n, sizeof *ed->inputs);
    ed->earlier = calloc(ed->n, sizeof *ed->earlier);
    if (!ed->inputs || !ed->earlier)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for editions");
    for (size_t i = 0; i < ed->n; i++) {
        const dc_import_edition *e = &cfg->editions[i];
        dc_err rc =
            parse_date(e->valid_from, DC_DATE_OPEN_START, &ed->inputs[i].valid_from, err);
        if (rc == DC_OK)
            rc = parse_date(e->valid_until, DC_DATE_OPEN_END, &ed->inputs[i].valid_until,
                            err);
        if (rc != DC_OK) return rc;
        ed->inputs[i].source = e->nzone_paths ? e->zone_paths[0] : NULL;
    }
    close_ends(ed->inputs, ed->n);
    return check_dates(ed, err);
}

/* ---- the history table ---- */

static int add_row(dc_editions *ed, const dc_history_input *r, int64_t line)
{
    if (ed->nrows == ed->caprows) {
        size_t cap = ed->caprows ? 2 * ed->caprows : 64;
        dc_history_input *rows = realloc(ed->rows, cap * sizeof *rows);
        if (!rows) return -1;
        ed->rows = rows;
        int64_t *lines = realloc(ed->row_lines, cap * sizeof *lines);
        if (!lines) return -1;
        ed->row_lines = lines;
        ed->caprows = cap;
    }
    ed->rows[ed->nrows] = *r;
    ed->row_lines[ed->nrows++] = line;
    return 0;
}

/* What dc_history_row_parse found wrong, by its answer. */
static const char *const line_faults[] = {"",
                                          "old_postcode is missing or does not read",
                                          "new_postcode is missing or does not read",
                                          "kind is missing or does not read",
                                          "effective_date is missing or does not read",
                                          "it has more than 4 fields"};

static int read_line(dc_editions *ed, char *line, int64_t number)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    if (number == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
        memmove(line, line + 3, len - 2);
        len -= 3;
    }
    if (number == 1 && !strncmp(line, "old_postcode", 12)) return 0; /* the header */
    if (line[0] == '\0') return 0;
    char copy[256];
    size_t keep = len < sizeof copy - 1 ? len : sizeof copy - 1;
    memcpy(copy, line, keep); /* the line as read, for the report */
    copy[keep] = '\0';
    dc_history_input r;
    int bad = dc_history_row_parse(line, len, &r);
    dc_feature_origin o = {ed->history_path, NULL, number};
    if (bad) {
        dc_report_warn(ed->report, &o, DC_WARN_HISTORY_ROW,
                       "line %lld '%s': %s (postcodes are 5 digits, kinds "
                       "unchanged|renamed|merged|split, dates YYYY-MM-DD)",
                       (long long)number, copy, line_faults[bad]);
        return 0;
    }
    return add_row(ed, &r, number);
}

dc_err dc_editions_read_history(dc_editions *ed, dc_error *err)
{
    if (!ed->history_path) return DC_OK;
    FILE *f = fopen(ed->history_path, "r");
    if (!f)
        return dc_error_set(err, DC_E_IO, "cannot read the history %s: %s",
                            ed->history_path, strerror(errno));
    char line[4096];
    int64_t number = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f))
        rc = read_line(ed, line, ++number);
    int failed = ferror(f);
    fclose(f);
    if (rc) return dc_error_set(err, DC_E_NOMEM, "out of memory reading the history");
    if (failed)
        return dc_error_set(err, DC_E_IO, "cannot read the history %s", ed->history_path);
    return DC_OK;
}

/* ---- the earlier zones ---- */

static const dc_past_zone_input *past_of(const dc_editions *ed, uint32_t postcode)
{
    for (size_t i = 0; i < ed->npast; i++) /* once per zone at import: fine */
        if (ed->past[i].zone.postcode == postcode) return &ed->past[i];
    return NULL;
}

/* The same place: each zone's box holds the other's reference point (a
 * zone whose borders moved a little still does; two places do not). */
static int same_place(const dc_zone_input *a, const dc_zone_input *b)
{
    int32_t s1, w1, n1, e1, s2, w2, n2, e2;
    dc_polygon_bbox(&a->polygon, &s1, &w1, &n1, &e1);
    dc_polygon_bbox(&b->polygon, &s2, &w2, &n2, &e2);
    return b->ref_lat_e7 >= s1 && b->ref_lat_e7 <= n1 && b->ref_lon_e7 >= w1 &&
           b->ref_lon_e7 <= e1 && a->ref_lat_e7 >= s2 && a->ref_lat_e7 <= n2 &&
           a->ref_lon_e7 >= w2 && a->ref_lon_e7 <= e2;
}

static void report_reused(dc_editions *ed, uint32_t postcode, uint32_t a, uint32_t b,
                          const char *why)
{
    dc_feature_origin none = {NULL, NULL, -1};
    dc_report_warn(ed->report, &none, DC_WARN_POSTCODE_REUSED,
                   "postcode %05u of edition %u names another place in edition %u (%s); "
                   "a postcode is never reused",
                   postcode, a, b, why);
    ed->reused = true;
}

/* Zone @p z of edition @p e into the earlier zones: a new one, or the
 * span of the same postcode's extended (its geometry the later one, its
 * reference point the first one's). */
static void take_earlier(dc_editions *ed, const dc_zone_input *z, uint32_t e)
{
    dc_past_zone_input *p = (dc_past_zone_input *)past_of(ed, z->postcode);
    if (!p) {
        ed->past[ed->npast++] = (dc_past_zone_input){*z, e, e};
        return;
    }
    if (p->last_edition != e - 1)
        report_reused(ed, z->postcode, p->last_edition, e, "retired in between");
    else if (!same_place(&p->zone, z))
        report_reused(ed, z->postcode, p->last_edition, e,
                      "neither holds the other's reference point");
    int32_t lat = p->zone.ref_lat_e7, lon = p->zone.ref_lon_e7;
    p->zone = *z;
    p->zone.ref_lat_e7 = lat;
    p->zone.ref_lon_e7 = lon;
    p->last_edition = e;
}

/* Every point of the polygon's bbox within 0.4 degrees of the reference
 * point (the import's rule for a zone, zones.c). */
static int recovers(const dc_polygon *p, int32_t ref_lat, int32_t ref_lon)
{
    const int64_t range = 4000000;
    int32_t s, w, n, e;
    dc_polygon_bbox(p, &s, &w, &n, &e);
    return ref_lat - (int64_t)s <= range && (int64_t)n - ref_lat <= range &&
           ref_lon - (int64_t)w <= range && (int64_t)e - ref_lon <= range;
}

/* A current zone whose postcode an earlier edition had keeps its reference
 * point, so that an old code and its current form recover alike. */
static void keep_reference(dc_editions *ed, dc_zoneset *current)
{
    uint32_t now = (uint32_t)ed->n;
    for (size_t i = 0; i < current->nzones; i++) {
        dc_zone_input *z = &current->zones[i];
        const dc_past_zone_input *p = past_of(ed, z->postcode);
        if (!p) continue;
        if (p->last_edition != now - 1) {
            report_reused(ed, z->postcode, p->last_edition, now, "retired in between");
            continue;
        }
        if (!same_place(&p->zone, z)) {
            report_reused(ed, z->postcode, p->last_edition, now,
                          "neither holds the other's reference point");
            continue;
        }
        if (!recovers(&z->polygon, p->zone.ref_lat_e7, p->zone.ref_lon_e7)) {
            report_reused(ed, z->postcode, p->last_edition, now,
                          "its reference point does not recover the current zone");
            continue;
        }
        z->ref_lat_e7 = p->zone.ref_lat_e7;
        z->ref_lon_e7 = p->zone.ref_lon_e7;
    }
}

static int in_some_edition(const dc_editions *ed, const dc_zoneset *current, uint32_t pc)
{
    if (past_of(ed, pc)) return 1;
    for (size_t i = 0; i < current->nzones; i++)
        if (current->zones[i].postcode == pc) return 1;
    return 0;
}

/* Rows naming a postcode of no edition are reported and left out. */
static void drop_unknown_rows(dc_editions *ed, const dc_zoneset *current)
{
    size_t kept = 0;
    for (size_t i = 0; i < ed->nrows; i++) {
        const dc_history_input *r = &ed->rows[i];
        int old_ok = in_some_edition(ed, current, r->old_postcode),
            new_ok = in_some_edition(ed, current, r->new_postcode);
        if (old_ok && new_ok) {
            ed->row_lines[kept] = ed->row_lines[i];
            ed->rows[kept++] = *r;
            continue;
        }
        dc_feature_origin o = {ed->history_path, NULL, ed->row_lines[i]};
        dc_report_warn(ed->report, &o, DC_WARN_HISTORY_UNKNOWN,
                       "line %lld: %s %05u is in no edition's zones; the row is left out",
                       (long long)ed->row_lines[i],
                       old_ok ? "new postcode" : "old postcode",
                       old_ok ? r->new_postcode : r->old_postcode);
    }
    ed->nrows = kept;
}

dc_err dc_editions_reconcile(dc_editions *ed, dc_zoneset *current, dc_error *err)
{
    if (!ed->n) return DC_OK;
    size_t total = 0;
    for (size_t e = 0; e + 1 < ed->n; e++)
        total += ed->earlier[e].nzones;
    ed->past = calloc(total + 1, sizeof *ed->past);
    if (!ed->past) return dc_error_set(err, DC_E_NOMEM, "out of memory for editions");
    for (size_t e = 0; e + 1 < ed->n; e++)
        for (size_t i = 0; i < ed->earlier[e].nzones; i++)
            take_earlier(ed, &ed->earlier[e].zones[i], (uint32_t)e + 1);
    keep_reference(ed, current);
    drop_unknown_rows(ed, current);
    if (ed->reused)
        return dc_error_set(
            err, DC_E_REJECTED,
            "a postcode names two places (postcode_reused in the report); "
            "no index written");
    ed->build =
        (dc_history_build){ed->inputs, ed->n, ed->past, ed->npast, ed->rows, ed->nrows};
    return DC_OK;
}

const dc_history_build *dc_editions_build(const dc_editions *ed)
{
    return ed->n ? &ed->build : NULL;
}

/* ---- households: the edition before and the current one ---- */

static uint64_t move_key(uint32_t old_postcode, uint32_t new_postcode)
{
    return ((uint64_t)old_postcode << 17 | new_postcode) + 1;
}

static size_t move_slot(const dc_moves *m, uint64_t key)
{
    size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(dc_moves *m)
{
    dc_moves g = {calloc(m->cap ? 2 * m->cap : 1024, 8), NULL, m->cap ? 2 * m->cap : 1024,
                  m->n};
    g.counts = calloc(g.cap, 8);
    if (!g.keys || !g.counts) {
        free(g.keys);
        free(g.counts);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t s = move_slot(&g, m->keys[i]);
            g.keys[s] = m->keys[i];
            g.counts[s] = m->counts[i];
        }
    free(m->keys);
    free(m->counts);
    *m = g;
    return 0;
}

static uint64_t moves_count(const dc_moves *m, uint32_t old_postcode,
                            uint32_t new_postcode)
{
    if (!m->cap) return 0;
    size_t s = move_slot(m, move_key(old_postcode, new_postcode));
    return m->keys[s] ? m->counts[s] : 0;
}

int dc_editions_household(dc_editions *ed, uint32_t postcode, int32_t lat_e7,
                          int32_t lon_e7, uint32_t *old_postcode)
{
    *old_postcode = UINT32_MAX;
    if (ed->n < 2) return 0;
    const dc_zoneset *before = &ed->earlier[ed->n - 2];
    long z = dc_zoneset_locate_near(before, ed->last_old, lat_e7, lon_e7);
    uint32_t old = DC_POSTCODES_NONE;
    if (z >= 0) {
        ed->last_old = z;
        old = before->zones[z].postcode;
        *old_postcode = old;
    }
    dc_moves *m = &ed->moves;
    if (4 * (m->n + 1) > 3 * m->cap && grow(m) != 0) return DC_E_NOMEM;
    size_t s = move_slot(m, move_key(old, postcode));
    if (!m->keys[s]) {
        m->keys[s] = move_key(old, postcode);
        m->n++;
    }
    m->counts[s]++;
    return 0;
}

/* ---- the judgement ---- */

static uint64_t moved_from(const dc_editions *ed, uint32_t old_postcode)
{
    uint64_t n = 0;
    for (size_t i = 0; i < ed->moves.cap; i++)
        if (ed->moves.keys[i] && (ed->moves.keys[i] - 1) >> 17 == old_postcode)
            n += ed->moves.counts[i];
    return n;
}

static void judge_rows(dc_editions *ed)
{
    for (size_t i = 0; i < ed->nrows; i++) {
        const dc_history_input *r = &ed->rows[i];
        dc_feature_origin o = {ed->history_path, NULL, ed->row_lines[i]};
        const char *kind = dc_history_kind_name(r->kind);
        if (r->kind == DC_HISTORY_UNCHANGED && r->old_postcode != r->new_postcode) {
            dc_report_warn(ed->report, &o, DC_WARN_HISTORY_CONTRADICTED,
                           "line %lld: %05u -> %05u is '%s' between two postcodes",
                           (long long)ed->row_lines[i], r->old_postcode, r->new_postcode,
                           kind);
            continue;
        }
        uint64_t from = moved_from(ed, r->old_postcode);
        if (from && !moves_count(&ed->moves, r->old_postcode, r->new_postcode))
            dc_report_warn(
                ed->report, &o, DC_WARN_HISTORY_CONTRADICTED,
                "line %lld: %05u -> %05u (%s), but none of the %llu households "
                "of %05u lies in %05u",
                (long long)ed->row_lines[i], r->old_postcode, r->new_postcode, kind,
                (unsigned long long)from, r->old_postcode, r->new_postcode);
    }
}

static int row_names(const dc_editions *ed, uint32_t old_postcode, uint32_t new_postcode)
{
    for (size_t i = 0; i < ed->nrows; i++)
        if (ed->rows[i].old_postcode == old_postcode &&
            ed->rows[i].new_postcode == new_postcode)
            return 1;
    return 0;
}

static void judge_moves(dc_editions *ed)
{
    dc_feature_origin o = {ed->history_path, NULL, -1};
    for (size_t i = 0; i < ed->moves.cap; i++) {
        if (!ed->moves.keys[i]) continue;
        uint32_t old = (uint32_t)((ed->moves.keys[i] - 1) >> 17),
                 now = (uint32_t)((ed->moves.keys[i] - 1) & 0x1ffff);
        if (old == DC_POSTCODES_NONE || old == now || row_names(ed, old, now)) continue;
        dc_report_warn(ed->report, &o, DC_WARN_HISTORY_MISSING,
                       "%llu households went from %05u to %05u, which no history row "
                       "names",
                       (unsigned long long)ed->moves.counts[i], old, now);
    }
}

static void judge_zones(dc_editions *ed, const dc_zoneset *current)
{
    dc_feature_origin none = {NULL, NULL, -1};
    for (size_t z = 0; z < current->nzones; z++) {
        uint32_t pc = current->zones[z].postcode;
        uint64_t from_old = 0, all = 0;
        for (size_t i = 0; i < ed->moves.cap; i++) {
            if (!ed->moves.keys[i] || ((ed->moves.keys[i] - 1) & 0x1ffff) != pc) continue;
            all += ed->moves.counts[i];
            if ((ed->moves.keys[i] - 1) >> 17 != DC_POSTCODES_NONE)
                from_old += ed->moves.counts[i];
        }
        if (from_old == 0)
            dc_report_warn(ed->report, &none, DC_WARN_ZONE_NO_OLD_HOUSEHOLDS,
                           "zone %05u '%s' of edition %zu holds no household of edition "
                           "%zu's zones (%llu households, none in an earlier zone)",
                           pc, current->zones[z].name ? current->zones[z].name : "",
                           ed->n, ed->n - 1, (unsigned long long)all);
    }
}

void dc_editions_judge(dc_editions *ed, const dc_zoneset *current)
{
    if (ed->n < 2) return;
    judge_rows(ed);
    if (ed->history_path) judge_moves(ed);
    judge_zones(ed, current);
}

void dc_editions_free(dc_editions *ed)
{
    for (size_t e = 0; ed->earlier && e + 1 < ed->n; e++)
        dc_zoneset_free(&ed->earlier[e]);
    free(ed->earlier);
    free(ed->inputs);
    free(ed->past);
    free(ed->rows);
    free(ed->row_lines);
    free(ed->moves.keys);
    free(ed->moves.counts);
    memset(ed, 0, sizeof *ed);
}
