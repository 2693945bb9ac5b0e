/*
 * suggest.c - registered codes one edit away from what was typed.
 *
 * Every one-edit variant of the significant characters that is a
 * well-formed code is looked up (about 190 for 12 characters: 5 x 9 digit
 * and 7 x 19 alphabet substitutions and 11 adjacent swaps; 12 x 20
 * insertions for 11 characters; 13 deletions for 13). The registered ones
 * are ranked by how likely the slip is (a swap, a look-alike character, a
 * key next to the right one, a doubled or dropped repeat) times how close
 * the suggested door is to the place the input names.
 *
 * The same search around a registered code (dc_geo_similar) finds the
 * other doors of its zone that a one-character slip would land on.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo_internal.h"

#define ALPHABET "23456789CFGHJMPQRVWX"
#define DIGITS "0123456789"

/* Look-alike pairs, in print and in handwriting. */
static const char *const confusable[] = {
    "17", "38", "56", "68", "08", "06", "49", "09", "35", "6G", "9G", "9Q",
    "CG", "GQ", "PR", "PF", "FR", "MW", "VW", "HM", "HW", "VX", "2Z", "3J",
};

/* Slip weights. */
#define W_SWAP 1.0
#define W_CONFUSABLE 1.0
#define W_REPEAT 1.0 /* a doubled character typed once, or once typed twice */
#define W_NEIGHBOUR_KEY 0.5
#define W_INDEL 0.4
#define W_OTHER 0.2
/* Distance at which a suggestion's weight halves. */
#define HALF_WEIGHT_M 2000.0

static bool is_confusable(char a, char b)
{
    for (size_t i = 0; i < sizeof confusable / sizeof confusable[0]; i++)
        if ((confusable[i][0] == a && confusable[i][1] == b) ||
            (confusable[i][0] == b && confusable[i][1] == a))
            return true;
    return false;
}

/* Position of a key on a QWERTY keyboard (rows staggered as printed), and
 * on a phone keypad for digits. */
static bool key_at(char c, double *x, double *y)
{
    static const char *const rows[] = {"1234567890", "QWERTYUIOP", "ASDFGHJKL",
                                       "ZXCVBNM"};
    static const double offset[] = {0, 0.5, 0.75, 1.25};
    for (int r = 0; r < 4; r++) {
        const char *at = strchr(rows[r], c);
        if (at) {
            *x = (double)(at - rows[r]) + offset[r];
            *y = r;
            return true;
        }
    }
    return false;
}

static bool keypad_neighbours(char a, char b)
{
    if (a < '1' || a > '9' || b < '1' || b > '9') return false;
    int ia = a - '1', ib = b - '1';
    return abs(ia / 3 - ib / 3) + abs(ia % 3 - ib % 3) == 1;
}

static bool neighbour_keys(char a, char b)
{
    double ax, ay, bx, by;
    if (keypad_neighbours(a, b)) return true;
    if (!key_at(a, &ax, &ay) || !key_at(b, &bx, &by)) return false;
    double dx = fabs(ax - bx), dy = fabs(ay - by);
    return (dy == 0 && dx == 1) || (dy == 1 && dx <= 1);
}

/* How likely the slip is. For a substitution, @p typed and @p meant are
 * the two characters; for an insertion or deletion they are equal when the
 * slip was a repeat (a doubled character typed once, or once typed twice). */
static double slip_weight(dc_geo_edit edit, char typed, char meant)
{
    switch (edit) {
    case DC_GEO_EDIT_SWAP:
        return W_SWAP;
    case DC_GEO_EDIT_INSERT:
    case DC_GEO_EDIT_DELETE:
        return typed == meant ? W_REPEAT : W_INDEL;
    case DC_GEO_EDIT_SUBSTITUTE:
        break;
    }
    if (is_confusable(typed, meant)) return W_CONFUSABLE;
    if (neighbour_keys(typed, meant)) return W_NEIGHBOUR_KEY;
    return W_OTHER;
}

/* ---- candidates ------------------------------------------------------------ */

/* The search state: the input's significant characters and where the
 * input points, if anywhere. */
typedef struct suggest_ctx {
    dc_geo_session *s;
    char typed[16];
    size_t n;
    bool has_place;
    double lat, lon;
    /* Where the best go: list[0..*count), at most cap, best first. */
    dc_geo_suggestion *list;
    size_t *count, cap;
    /* Keep only codes of this postcode (UINT32_MAX: any), other than
     * the input itself. */
    uint32_t only_postcode;
    /* The input is a well-formed code of only_postcode (dc_geo_similar):
     * only its location is varied, within the alphabet, so every
     * candidate is well formed and of that postcode. */
    bool well_formed;
    /* The input as a code (well_formed): a candidate's code is it with
     * its location's characters. */
    dc_code typed_code;
    /* The zone of the postcode asked last: most candidates share the
     * input's postcode, and each is checked against its zone twice. */
    bool zone_known, zone_found;
    uint32_t zone_postcode;
    dc_zone zone;
    /* The registered ends (last three characters) of the cell and
     * postcode every near candidate shares (dc_index_cell_codes), read
     * at the first one: 0 not yet, 1 read, -1 not to be used. */
    int ends_state;
    uint8_t ends[DC_CELL_CODE_SET_BYTES];
    /* The input's 1/400-degree cell, and the rows and columns of cells a
     * candidate of the same postcode can lie in (box_ready): 0 not
     * yet, 1 set, -1 not to be used. */
    int box_state;
    uint32_t typed_postcode;
    int32_t row, col;
    int32_t row_lo, row_hi, col_lo, col_hi;
} suggest_ctx;

static void code_of(const char c[DC_CODE_CHARS], dc_code *code)
{
    memset(code, 0, sizeof *code);
    for (int i = 0; i < DC_CODE_POSTCODE_DIGITS; i++)
        code->postcode = code->postcode * 10 + (uint32_t)(c[i] - '0');
    memcpy(code->location, c + DC_CODE_POSTCODE_DIGITS, DC_CODE_LOCATION_CHARS);
}

static bool in_alphabet(char c)
{
    /* 23456789CFGHJMPQRVWX as a bit set over 'A'..'X' and the digits. */
    if (c >= '2' && c <= '9') return true;
    return c >= 'C' && c <= 'X' && (0x38E4B9u >> (c - 'C') & 1u);
}

/* The zone of @p postcode, or NULL when none has it. */
static const dc_zone *zone_cached(suggest_ctx *x, uint32_t postcode)
{
    if (!x->zone_known || x->zone_postcode != postcode) {
        x->zone_known = true;
        x->zone_postcode = postcode;
        x->zone_found = dc_geo_zone_of(x->s->geo, postcode, &x->zone) == DC_OK;
    }
    return x->zone_found ? &x->zone : NULL;
}

/* Slack around a zone's box: a registered code's cell holds a door inside
 * the zone, so its centre is within half a cell diagonal (2.2 m) of it. */
#define BOX_SLACK_E7 500

/* The first character of the 14 m pairs (and then the grid): a slip
 * there or after it moves the place by at most 19 steps of 0.000125
 * degrees (260 m), which leaves it in its zone's box almost always. */
#define FINE_FROM (DC_CODE_POSTCODE_DIGITS + 4)

/* Alphabet value of a location character already checked by in_alphabet:
 * its place in ALPHABET. */
static int32_t value_of(char c)
{
    static const int8_t value['X' - '2' + 1] = {
        ['2' - '2'] = 0,  ['3' - '2'] = 1,  ['4' - '2'] = 2,  ['5' - '2'] = 3,
        ['6' - '2'] = 4,  ['7' - '2'] = 5,  ['8' - '2'] = 6,  ['9' - '2'] = 7,
        ['C' - '2'] = 8,  ['F' - '2'] = 9,  ['G' - '2'] = 10, ['H' - '2'] = 11,
        ['J' - '2'] = 12, ['M' - '2'] = 13, ['P' - '2'] = 14, ['Q' - '2'] = 15,
        ['R' - '2'] = 16, ['V' - '2'] = 17, ['W' - '2'] = 18, ['X' - '2'] = 19,
    };
    return value[c - '2'];
}

/* Cells per degree: the recovery moves a place by whole degrees. */
#define CELLS_PER_DEGREE 400
#define HALF_DEGREE (CELLS_PER_DEGREE / 2)

/* Set up the cells box of the input's zone: the input names a place in
 * it (has_place), so a candidate that differs from it only in its
 * location moves by whole cells from the input's cell. */
static bool box_ready(suggest_ctx *x, uint32_t postcode, const dc_zone *z)
{
    if (x->box_state == 0) {
        if (x->n != DC_CODE_CHARS || !x->has_place) {
            x->box_state = -1;
            return false;
        }
        uint32_t typed = 0;
        for (int i = 0; i < DC_CODE_POSTCODE_DIGITS; i++)
            typed = typed * 10 + (uint32_t)(x->typed[i] - '0');
        if (postcode != typed) return false; /* set up from the input's own zone */
        x->box_state = 1;
        x->typed_postcode = typed;
        x->row = (int32_t)dc_cell_row(dc_geo_e7(x->lat));
        x->col = (int32_t)dc_cell_col(dc_geo_e7(x->lon));
        /* In the zone's box, and within half a degree of the reference's
         * cell (200 cells, and one for the cells' extent): see
         * cells_moved. */
        int32_t ref_row = (int32_t)dc_cell_row(z->ref_lat_e7);
        int32_t ref_col = (int32_t)dc_cell_col(z->ref_lon_e7);
        int32_t south = (int32_t)dc_cell_row(z->south_e7 - BOX_SLACK_E7);
        int32_t north = (int32_t)dc_cell_row(z->north_e7 + BOX_SLACK_E7);
        int32_t west = (int32_t)dc_cell_col(z->west_e7 - BOX_SLACK_E7);
        int32_t east = (int32_t)dc_cell_col(z->east_e7 + BOX_SLACK_E7);
        x->row_lo = south > ref_row - HALF_DEGREE - 1 ? south : ref_row - HALF_DEGREE - 1;
        x->row_hi = north < ref_row + HALF_DEGREE + 1 ? north : ref_row + HALF_DEGREE + 1;
        x->col_lo = west > ref_col - HALF_DEGREE - 1 ? west : ref_col - HALF_DEGREE - 1;
        x->col_hi = east < ref_col + HALF_DEGREE + 1 ? east : ref_col + HALF_DEGREE + 1;
    }
    return x->box_state > 0 && postcode == x->typed_postcode;
}

/* The cells a candidate of the input's postcode that lies @p drow rows
 * and @p dcol columns from the input's naive cell can lie in, found from
 * the input's cell alone, with no recovery: how many (0: it is not
 * registered), the last into @p cell. A code's first four location
 * characters are the 1/20 and 1/400 degree digits of latitude and
 * longitude, so it lies (20 x d0 + d2) rows and (20 x d1 + d3) columns
 * from the input, where d is each digit's change, give or take the
 * degree the recovery may add or take away (it puts the input and the
 * candidate, both in one degree's naive cell, each within half a degree
 * of the reference, so they differ by at most one degree more). Of the
 * three shifts, only one whose cell is within half a degree of the
 * reference's (200 cells, and one for the cells' extent) can be the
 * candidate's: a candidate that no such shift puts in the box cannot be
 * in it. Nor can it be in a cell its zone does not reach (a registered
 * code's door is inside its zone: dc_index_cell_may_hold), where most
 * slips of these characters land: in a neighbouring zone. */
static int cells_moved(const suggest_ctx *x, int32_t drow, int32_t dcol, uint32_t cell[2])
{
    uint32_t rows[3], cols[3];
    int nrows = 0, ncols = 0;
    for (int32_t shift = -CELLS_PER_DEGREE; shift <= CELLS_PER_DEGREE;
         shift += CELLS_PER_DEGREE) {
        int32_t r = x->row + drow + shift, q = x->col + dcol + shift;
        if (r >= x->row_lo && r <= x->row_hi) rows[nrows++] = (uint32_t)r;
        if (q >= x->col_lo && q <= x->col_hi) cols[ncols++] = (uint32_t)q;
    }
    int found = 0;
    for (int i = 0; i < nrows; i++)
        for (int j = 0; j < ncols; j++)
            if (dc_index_cell_may_hold(x->s->txn, x->typed_postcode, rows[i], cols[j])) {
                cell[0] = rows[i], cell[1] = cols[j];
                found++;
            }
    return found;
}

/* Whether @p at, or it a degree either way, is in [@p lo, @p hi]: a
 * candidate none of whose rows (or columns) is there has no cell for
 * cells_moved to ask about, and most slips of the first location
 * characters leave the box. Inline, before the call. */
static inline bool shift_in(int32_t at, int32_t lo, int32_t hi)
{
    return (at >= lo && at <= hi) ||
           (at - CELLS_PER_DEGREE >= lo && at - CELLS_PER_DEGREE <= hi) ||
           (at + CELLS_PER_DEGREE >= lo && at + CELLS_PER_DEGREE <= hi);
}

/* cells_moved for candidate @p c: (20 x d0 + d2) rows and (20 x d1 + d3)
 * columns from the input. */
static int cells_in_box(const suggest_ctx *x, const char c[DC_CODE_CHARS],
                        uint32_t cell[2])
{
    const char *t = x->typed + DC_CODE_POSTCODE_DIGITS;
    const char *k = c + DC_CODE_POSTCODE_DIGITS;
    int32_t drow =
        20 * (value_of(k[0]) - value_of(t[0])) + value_of(k[2]) - value_of(t[2]);
    int32_t dcol =
        20 * (value_of(k[1]) - value_of(t[1])) + value_of(k[3]) - value_of(t[3]);
    return cells_moved(x, drow, dcol, cell);
}

/* The postcode of a candidate that is a well-formed code and of the
 * postcode kept (dc_geo_similar keeps one: a slip that changes it is
 * dropped before any lookup); false for any other. */
static bool kept_postcode(const suggest_ctx *x, const char c[DC_CODE_CHARS],
                          uint32_t *postcode)
{
    uint32_t p = 0;
    if (x->well_formed) {
        *postcode = x->only_postcode;
        return true;
    }
    for (int i = 0; i < DC_CODE_POSTCODE_DIGITS; i++) {
        if (c[i] < '0' || c[i] > '9') return false;
        p = p * 10 + (uint32_t)(c[i] - '0');
    }
    for (int i = DC_CODE_POSTCODE_DIGITS; i < DC_CODE_CHARS; i++)
        if (!in_alphabet(c[i])) return false;
    *postcode = p;
    return x->only_postcode == UINT32_MAX || p == x->only_postcode;
}

/* A well-formed code whose postcode names a zone and, unless @p near,
 * whose cell lies in that zone's box: only those can be registered, and
 * the test costs less than the index lookup it saves (most one-character
 * slips move the place kilometres away, or into another zone's postcode).
 * A slip at FINE_FROM or after it is @p near: the box test would pass, so
 * it is left to the lookup, which finds no household where it would have
 * failed (a registered code's cell holds a door inside its zone). When
 * the input's cell places the candidate, @p ncells says in how many cells
 * it can lie, and @p cells_cell is the last. */
static bool worth_looking_up(suggest_ctx *x, const char c[DC_CODE_CHARS], bool near,
                             int *ncells, uint32_t cells_cell[2])
{
    uint32_t postcode;
    const dc_zone *z;
    dc_code code;
    dc_olc_area cell;
    if (!kept_postcode(x, c, &postcode)) return false;
    if (!(z = zone_cached(x, postcode))) return false;
    if (near) return true;
    if (box_ready(x, postcode, z)) return (*ncells = cells_in_box(x, c, cells_cell)) > 0;
    code_of(c, &code);
    if (dc_code_resolve(&code, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7, &cell) != DC_OK)
        return false;
    int32_t lat = dc_geo_e7(cell.lat), lon = dc_geo_e7(cell.lon);
    return lat >= z->south_e7 - BOX_SLACK_E7 && lat <= z->north_e7 + BOX_SLACK_E7 &&
           lon >= z->west_e7 - BOX_SLACK_E7 && lon <= z->east_e7 + BOX_SLACK_E7;
}

/* The value of a code's last three characters in base 20. */
static uint32_t end_of(const char c[DC_CODE_CHARS])
{
    uint32_t v = 0;
    for (int i = DC_CODE_CHARS - 3; i < DC_CODE_CHARS; i++)
        v = v * 20 + (uint32_t)value_of(c[i]);
    return v;
}

/* Read the set of end_among_cell_codes, once: out of line, so that the
 * test of each of some sixty candidates is inline. */
static __attribute__((noinline)) void read_cell_codes(suggest_ctx *x)
{
    dc_code code;
    code_of(x->typed, &code);
    x->ends_state = dc_index_cell_codes(x->s->txn, &code, x->ends) == DC_OK ? 1 : -1;
}

/* False when a near candidate whose end (end_of) is @p end is surely
 * not registered: its end is not among its cell's. A near candidate
 * differs from the input only in its last three characters, so all of
 * them share the set, read once, from the input's cell and postcode. */
static inline bool end_among_cell_codes(suggest_ctx *x, uint32_t end)
{
    if (x->ends_state == 0) read_cell_codes(x);
    if (x->ends_state < 0) return true; /* leave it to the lookup */
    return x->ends[end >> 3] >> (end & 7) & 1u;
}

/* Keep @p sg among the best x->cap, by score. */
static void keep_best(suggest_ctx *x, const dc_geo_suggestion *sg)
{
    dc_geo_suggestion *list = x->list;
    size_t *n = x->count, i = *n;
    for (size_t k = 0; k < *n; k++)
        if (dc_code_equal(&list[k].place.code, &sg->place.code)) {
            if (list[k].score >= sg->score) return;
            memmove(&list[k], &list[k + 1], (*n - k - 1) * sizeof *sg);
            i = --*n;
            break;
        }
    if (i == x->cap) {
        if (list[i - 1].score >= sg->score) return;
        i--;
    } else {
        ++*n;
    }
    while (i > 0 && list[i - 1].score < sg->score) {
        list[i] = list[i - 1];
        i--;
    }
    list[i] = *sg;
}

/* Look up a candidate that may be registered; when it is, score it and
 * keep it. @p ncells and @p cell are worth_looking_up's. */
static dc_err consider(suggest_ctx *x, const char c[DC_CODE_CHARS], dc_geo_edit edit,
                       int position, char typed, char meant, int ncells,
                       const uint32_t cell[2])
{
    dc_geo_suggestion sg;
    uint32_t count;
    if (x->well_formed) {
        sg.place.code = x->typed_code;
        memcpy(sg.place.code.location, c + DC_CODE_POSTCODE_DIGITS,
               DC_CODE_LOCATION_CHARS);
    } else {
        code_of(c, &sg.place.code);
    }
    if (ncells == 1) {
        /* Its only possible cell: a search there, with no recovery, says
         * whether it is registered (almost never), before it is read. */
        dc_err found =
            dc_index_cell_code_find(x->s->txn, cell[0], cell[1], &sg.place.code);
        if (found == DC_E_NOT_FOUND) return DC_OK;
        if (found != DC_OK) return found;
    }
    dc_err rc = dc_index_code_read(x->s->txn, &sg.place.code, &sg.household, 1, &count);
    if (rc == DC_E_NOT_FOUND) return DC_OK;
    /* worth_looking_up found the zone of this postcode. */
    if (rc == DC_OK) rc = dc_geo_place_fill(&sg.place.code, &x->zone, &sg.place);
    if (rc != DC_OK) return rc == DC_E_NOT_FOUND ? DC_E_INDEX_CORRUPT : rc;
    sg.edit = edit;
    sg.position = position;
    sg.household_count = count;
    double weight = slip_weight(edit, typed, meant);
    sg.distance_m = -1;
    sg.score = weight;
    if (x->has_place) {
        sg.distance_m = dc_geo_distance_m(x->lat, x->lon, sg.household.lat_e7 / 1e7,
                                          sg.household.lon_e7 / 1e7);
        sg.score = weight / (1.0 + sg.distance_m / HALF_WEIGHT_M);
    }
    keep_best(x, &sg);
    return DC_OK;
}

/* Look a candidate up; when registered, score it and keep it. */
static dc_err try_candidate(suggest_ctx *x, const char c[DC_CODE_CHARS], dc_geo_edit edit,
                            int position, char typed, char meant)
{
    bool near = (edit == DC_GEO_EDIT_SUBSTITUTE || edit == DC_GEO_EDIT_SWAP) &&
                position - 1 >= FINE_FROM;
    int ncells = 0;
    uint32_t cell[2] = {0, 0};
    if (!worth_looking_up(x, c, near, &ncells, cell)) return DC_OK;
    if (near && !end_among_cell_codes(x, end_of(c))) return DC_OK;
    return consider(x, c, edit, position, typed, meant, ncells, cell);
}

static const char *alphabet_at(size_t i)
{
    return i < DC_CODE_POSTCODE_DIGITS ? DIGITS : ALPHABET;
}

/* Every substitution. For a well-formed input whose postcode is the
 * only one kept, those that touch the postcode are not made: each changes
 * the postcode, so each would be dropped. */
static dc_err substitutions(suggest_ctx *x)
{
    char c[DC_CODE_CHARS];
    dc_err rc = DC_OK;
    size_t from = x->well_formed ? DC_CODE_POSTCODE_DIGITS : 0;
    for (size_t i = from; i < DC_CODE_CHARS && rc == DC_OK; i++) {
        for (const char *a = alphabet_at(i); *a && rc == DC_OK; a++) {
            if (*a == x->typed[i]) continue;
            memcpy(c, x->typed, DC_CODE_CHARS);
            c[i] = *a;
            rc = try_candidate(x, c, DC_GEO_EDIT_SUBSTITUTE, (int)i + 1, x->typed[i], *a);
        }
    }
    return rc;
}

/* Every swap of neighbours; for a well-formed input whose postcode is
 * the only one kept, not those that touch the postcode (of two different
 * digits, or of the last digit with a location character, which is a
 * digit other than it or not a digit at all): each changes it. */
static dc_err swaps(suggest_ctx *x)
{
    char c[DC_CODE_CHARS];
    dc_err rc = DC_OK;
    size_t from = x->well_formed ? DC_CODE_POSTCODE_DIGITS : 0;
    for (size_t i = from; i + 1 < DC_CODE_CHARS && rc == DC_OK; i++) {
        if (x->typed[i] == x->typed[i + 1]) continue;
        memcpy(c, x->typed, DC_CODE_CHARS);
        c[i] = x->typed[i + 1];
        c[i + 1] = x->typed[i];
        rc = try_candidate(x, c, DC_GEO_EDIT_SWAP, (int)i + 1, 0, 0);
    }
    return rc;
}

/* substitutions for dc_geo_similar once its zone and the cells box are
 * set up (box_ready): the same candidates, in the same order, with the
 * same outcome, but each tested from the change of its one character
 * alone. A change of the first four location characters moves the cell
 * by a known number of rows or columns (cells_moved); one of the last
 * three moves the end by a known amount (end_among_cell_codes). Most
 * candidates fail there, before a code is even written. */
static dc_err similar_substitutions(suggest_ctx *x)
{
    /* Rows, columns and end a step of each location character moves. */
    static const int32_t rows[4] = {20, 0, 1, 0}, cols[4] = {0, 20, 0, 1};
    static const int32_t ends[3] = {400, 20, 1};
    char c[DC_CODE_CHARS];
    uint32_t cell[2] = {0, 0};
    int32_t end = (int32_t)end_of(x->typed);
    dc_err rc = DC_OK;
    for (size_t i = DC_CODE_POSTCODE_DIGITS; i < DC_CODE_CHARS && rc == DC_OK; i++) {
        int32_t t = value_of(x->typed[i]);
        for (int32_t v = 0; v < 20 && rc == DC_OK; v++) {
            int ncells = 0;
            if (v == t) continue;
            if (i < FINE_FROM) {
                size_t j = i - DC_CODE_POSTCODE_DIGITS;
                int32_t drow = rows[j] * (v - t), dcol = cols[j] * (v - t);
                if (!shift_in(x->row + drow, x->row_lo, x->row_hi) ||
                    !shift_in(x->col + dcol, x->col_lo, x->col_hi))
                    continue;
                if ((ncells = cells_moved(x, drow, dcol, cell)) == 0) continue;
            } else if (!end_among_cell_codes(
                           x, (uint32_t)(end + ends[i - FINE_FROM] * (v - t)))) {
                continue;
            }
            memcpy(c, x->typed, DC_CODE_CHARS);
            c[i] = ALPHABET[v];
            rc = consider(x, c, DC_GEO_EDIT_SUBSTITUTE, (int)i + 1, x->typed[i], c[i],
                          ncells, cell);
        }
    }
    return rc;
}

/* 11 characters typed: one is missing. */
static dc_err insertions(suggest_ctx *x)
{
    char c[DC_CODE_CHARS];
    dc_err rc = DC_OK;
    for (size_t i = 0; i < DC_CODE_CHARS && rc == DC_OK; i++) {
        for (const char *a = alphabet_at(i); *a && rc == DC_OK; a++) {
            /* Inserting a repeat before or after a run gives the same code:
             * try it once, at the run's start. */
            if (i > 0 && x->typed[i - 1] == *a) continue;
            memcpy(c, x->typed, i);
            c[i] = *a;
            memcpy(c + i + 1, x->typed + i, DC_CODE_CHARS - 1 - i);
            bool repeat = i < DC_CODE_CHARS - 1 && x->typed[i] == *a;
            rc = try_candidate(x, c, DC_GEO_EDIT_INSERT, (int)i + 1, *a, repeat ? *a : 0);
        }
    }
    return rc;
}

/* 13 characters typed: one is extra. */
static dc_err deletions(suggest_ctx *x)
{
    char c[DC_CODE_CHARS];
    dc_err rc = DC_OK;
    for (size_t i = 0; i < DC_CODE_CHARS + 1 && rc == DC_OK; i++) {
        if (i > 0 && x->typed[i - 1] == x->typed[i]) continue; /* same result */
        memcpy(c, x->typed, i);
        memcpy(c + i, x->typed + i + 1, DC_CODE_CHARS - i);
        bool repeat = i + 1 < DC_CODE_CHARS + 1 && x->typed[i + 1] == x->typed[i];
        rc = try_candidate(x, c, DC_GEO_EDIT_DELETE, (int)i + 1, x->typed[i],
                           repeat ? x->typed[i] : 0);
    }
    return rc;
}

/* The significant characters, as the parser reads them (look-alike
 * letters as Latin ones); false when there are too many to be one edit
 * from a code. */
static bool significant(const char *text, size_t len, suggest_ctx *x)
{
    x->n = dc_code_significant(text, len, x->typed, sizeof x->typed);
    return x->n >= DC_CODE_CHARS - 1 && x->n <= DC_CODE_CHARS + 1;
}

static dc_err search(suggest_ctx *x)
{
    if (x->n == DC_CODE_CHARS) {
        dc_err rc = substitutions(x);
        return rc == DC_OK ? swaps(x) : rc;
    }
    if (x->n == DC_CODE_CHARS - 1) return insertions(x);
    return deletions(x);
}

dc_err dc_geo_suggest(dc_geo_session *s, const char *text, size_t len,
                      dc_geo_forward_result *out)
{
    suggest_ctx x = {.s = s,
                     .list = out->suggestions,
                     .count = &out->nsuggestions,
                     .cap = DC_GEO_MAX_SUGGESTIONS,
                     .only_postcode = UINT32_MAX};
    out->nsuggestions = 0;
    if (!significant(text, len, &x)) return DC_OK;
    x.has_place = out->has_place;
    x.lat = out->place.cell.lat;
    x.lon = out->place.cell.lon;
    return search(&x);
}

dc_err dc_geo_similar(dc_geo_session *s, dc_geo_forward_result *r)
{
    if (!s || !r) return DC_E_INVALID_ARG;
    r->nsimilar = 0;
    if (r->status != DC_GEO_OK || !r->has_place) return DC_OK;
    suggest_ctx x = {.s = s,
                     .list = r->similar,
                     .count = &r->nsimilar,
                     .cap = DC_GEO_MAX_SIMILAR,
                     .only_postcode = r->place.code.postcode,
                     .well_formed = true,
                     .has_place = true,
                     .lat = r->place.cell.lat,
                     .lon = r->place.cell.lon};
    x.n = DC_CODE_CHARS;
    memcpy(x.typed, r->place.compact, DC_CODE_CHARS);
    code_of(x.typed, &x.typed_code);
    const dc_zone *z = zone_cached(&x, x.only_postcode);
    if (!z) return DC_OK; /* no candidate can be looked up */
    bool located = true;
    for (int i = DC_CODE_POSTCODE_DIGITS; i < DC_CODE_CHARS; i++)
        located &= in_alphabet(x.typed[i]);
    dc_err rc = located && box_ready(&x, x.only_postcode, z) ? similar_substitutions(&x)
                                                             : substitutions(&x);
    return rc == DC_OK ? swaps(&x) : rc;
}
