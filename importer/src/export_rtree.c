/*
 * export_rtree.c - a GeoPackage's R-tree spatial index, packed in one pass.
 *
 * GDAL fills the index a feature at a time through SQLite's rtree module,
 * whose R*-tree insertion (choose a subtree, split, reinsert) costs about
 * 11 s of CPU for a million points: three quarters of a whole export.
 * All the envelopes are known once the features are written, so the tree
 * is built here bottom-up by sort-tile-recursive packing (Leutenegger et
 * al., 1997) and its nodes are written straight into the rtree's shadow
 * tables, which is what SQLite's own rtree reads:
 *
 *   <name>_node(nodeno INTEGER PRIMARY KEY, data)   a node a row; the root
 *       is node 1. data: a big-endian u16 (the root's: the tree's depth,
 *       leaves 0; others 0), a big-endian u16 cell count, then the cells,
 *       each a big-endian i64 (a leaf's: the feature id; above: the child
 *       node) and minx, maxx, miny, maxy as big-endian IEEE float32; zero
 *       filled to the node size the module chose when it made node 1.
 *   <name>_rowid(rowid INTEGER PRIMARY KEY, nodeno)  each id's leaf
 *   <name>_parent(nodeno INTEGER PRIMARY KEY, parentnode)  each node's
 *       parent, the root's excepted
 *
 * The virtual table itself is made with CREATE VIRTUAL TABLE (so SQLite
 * makes the shadow tables and node 1, and chooses the node size), then the
 * extension's gpkg_extensions row and triggers as GDAL 3.6 writes them
 * (GeoPackage 1.2/1.3, extension "gpkg_rtree_index"), the SQL text alike,
 * so that later edits through GDAL or any GeoPackage reader keep it up.
 */
#include "export_rtree.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* ---- envelopes -------------------------------------------------------- */

/* SQLite's rtree rounds a bound that float32 cannot hold to the nearest
 * float and, when that lies inside, moves it out by a factor of 1 -+ 2^-23
 * of the value (a step of one or two floats). The same rule here keeps
 * these cells equal, bit for bit, to those GDAL's inserts would store. */
#define DC_RTREE_IN (1.0 - 1.0 / 8388608.0)
#define DC_RTREE_OUT (1.0 + 1.0 / 8388608.0)

float dc_rtree_down(double d)
{
    float f = (float)d;
    if ((double)f > d) f = (float)(d * (d < 0 ? DC_RTREE_OUT : DC_RTREE_IN));
    return f;
}

float dc_rtree_up(double d)
{
    float f = (float)d;
    if ((double)f < d) f = (float)(d * (d < 0 ? DC_RTREE_IN : DC_RTREE_OUT));
    return f;
}

dc_err dc_rtree_layer_init(dc_rtree_layer *l, const char *table, const char *column,
                           const char *fid)
{
    memset(l, 0, sizeof *l);
    l->table = strdup(table);
    l->column = strdup(column);
    l->fid = strdup(fid);
    if (l->table && l->column && l->fid) return DC_OK;
    dc_rtree_layer_free(l);
    return DC_E_NOMEM;
}

dc_err dc_rtree_layer_add(dc_rtree_layer *l, int64_t id, double minx, double maxx,
                          double miny, double maxy)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        dc_rtree_cell *c = realloc(l->cells, cap * sizeof *c);
        if (!c) return DC_E_NOMEM;
        l->cells = c;
        l->cap = cap;
    }
    dc_rtree_cell *c = &l->cells[l->n++];
    c->id = id;
    c->box[0] = dc_rtree_down(minx);
    c->box[1] = dc_rtree_up(maxx);
    c->box[2] = dc_rtree_down(miny);
    c->box[3] = dc_rtree_up(maxy);
    return DC_OK;
}

void dc_rtree_layer_free(dc_rtree_layer *l)
{
    free(l->table);
    free(l->column);
    free(l->fid);
    free(l->cells);
    memset(l, 0, sizeof *l);
}

/* ---- packing ---------------------------------------------------------- */

/* A float's bits as an unsigned key in the float's order. */
static uint32_t order_key(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

/* Scratch for sorting a level: as many cells and twice as many keys. */
typedef struct rt_sort {
    dc_rtree_cell *cells;
    uint32_t *keys;
} rt_sort;

/* Sort @p c[0..n) by the centre of axis @p axis (0: x, 1: y), stably
 * (ties stay in the order they came): a radix sort of the centres' float
 * bits, a byte a pass, skipping the bytes all keys share. glibc's qsort
 * of the cells had four times its perf samples on the 1 M export (8% of
 * the export's, against 1.8%). */
static void sort_by(dc_rtree_cell *c, size_t n, int axis, rt_sort *t)
{
    uint32_t *key = t->keys, *key2 = t->keys + n;
    dc_rtree_cell *from = c, *to = t->cells;
    for (size_t i = 0; i < n; i++)
        key[i] =
            order_key((float)(((double)c[i].box[2 * axis] + c[i].box[2 * axis + 1]) / 2));
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[256] = {0};
        for (size_t i = 0; i < n; i++)
            count[(key[i] >> shift) & 0xff]++;
        if (count[(key[0] >> shift) & 0xff] == n) continue;
        size_t at = 0;
        for (int d = 0; d < 256; d++) {
            size_t k = count[d];
            count[d] = at;
            at += k;
        }
        for (size_t i = 0; i < n; i++) {
            size_t j = count[(key[i] >> shift) & 0xff]++;
            to[j] = from[i];
            key2[j] = key[i];
        }
        dc_rtree_cell *tc = from;
        from = to;
        to = tc;
        uint32_t *tk = key;
        key = key2;
        key2 = tk;
    }
    if (from != c) memcpy(c, from, n * sizeof *c);
}

/* Sort-tile-recursive order of @p n cells for nodes of @p fanout: by x
 * centre, then each vertical slice of about sqrt(nodes) nodes by y, so
 * that each run of @p fanout cells is one compact tile. */
static void tile_order(dc_rtree_cell *c, size_t n, size_t fanout, rt_sort *t)
{
    size_t nodes = (n + fanout - 1) / fanout;
    size_t slices = (size_t)ceil(sqrt((double)nodes));
    size_t per_slice = ((nodes + slices - 1) / slices) * fanout;
    sort_by(c, n, 0, t);
    for (size_t at = 0; at < n; at += per_slice)
        sort_by(c + at, n - at < per_slice ? n - at : per_slice, 1, t);
}

/* ---- writing ---------------------------------------------------------- */

typedef struct rt_writer {
    sqlite3 *db;
    sqlite3_stmt *node, *root, *parent, *rowid;
    size_t node_size, fanout;
    int64_t next_node; /* the next node number to give (1 is the root) */
    unsigned char *blob;
    int64_t (*leaf_of)[2]; /* (id, leaf node) of every cell, for _rowid */
    size_t n_leaf_of;
    rt_sort sort;
    char *why;
    size_t why_len;
} rt_writer;

static void put_u16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (24 - 8 * i));
}

static void put_cell(unsigned char *p, const dc_rtree_cell *c)
{
    uint64_t id = (uint64_t)c->id;
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(id >> (56 - 8 * i));
    for (int k = 0; k < 4; k++) {
        uint32_t bits;
        memcpy(&bits, &c->box[k], sizeof bits);
        put_u32(p + 8 + 4 * k, bits);
    }
}

static dc_err sql_fail(rt_writer *w, const char *what)
{
    snprintf(w->why, w->why_len, "%s: %s", what, sqlite3_errmsg(w->db));
    return DC_E_IO;
}

static dc_err step(rt_writer *w, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? DC_OK : sql_fail(w, what);
}

/* The box of @p n cells. */
static void bound(const dc_rtree_cell *c, size_t n, float box[4])
{
    box[0] = c[0].box[0], box[1] = c[0].box[1];
    box[2] = c[0].box[2], box[3] = c[0].box[3];
    for (size_t i = 1; i < n; i++) {
        box[0] = fminf(box[0], c[i].box[0]);
        box[1] = fmaxf(box[1], c[i].box[1]);
        box[2] = fminf(box[2], c[i].box[2]);
        box[3] = fmaxf(box[3], c[i].box[3]);
    }
}

/* Write the node @p nodeno of @p n cells (@p depth is stored on the root
 * only) and note each child's parent, or each leaf cell's node. */
static dc_err write_node(rt_writer *w, int64_t nodeno, const dc_rtree_cell *c, size_t n,
                         bool leaf, unsigned depth)
{
    memset(w->blob, 0, w->node_size);
    put_u16(w->blob, nodeno == 1 ? depth : 0);
    put_u16(w->blob + 2, (unsigned)n);
    for (size_t i = 0; i < n; i++)
        put_cell(w->blob + 4 + 24 * i, &c[i]);
    sqlite3_stmt *s = nodeno == 1 ? w->root : w->node;
    sqlite3_bind_int64(s, 1, nodeno);
    sqlite3_bind_blob(s, 2, w->blob, (int)w->node_size, SQLITE_STATIC);
    dc_err e = step(w, s, "writing an rtree node");
    for (size_t i = 0; !e && i < n; i++) {
        if (leaf) {
            w->leaf_of[w->n_leaf_of][0] = c[i].id;
            w->leaf_of[w->n_leaf_of++][1] = nodeno;
            continue;
        }
        sqlite3_bind_int64(w->parent, 1, c[i].id);
        sqlite3_bind_int64(w->parent, 2, nodeno);
        e = step(w, w->parent, "writing an rtree parent");
    }
    return e;
}

/* Pack the @p n cells of one level into nodes of w->fanout, written, and
 * leave in c[0..*out) a cell per node (its number and box): the level
 * above. */
static dc_err pack_level(rt_writer *w, dc_rtree_cell *c, size_t n, bool leaf, size_t *out)
{
    tile_order(c, n, w->fanout, &w->sort);
    size_t k = 0;
    for (size_t at = 0; at < n; at += w->fanout) {
        size_t m = n - at < w->fanout ? n - at : w->fanout;
        dc_rtree_cell up = {.id = w->next_node++};
        bound(c + at, m, up.box);
        dc_err e = write_node(w, up.id, c + at, m, leaf, 0);
        if (e) return e;
        c[k++] = up; /* k <= at: the cells still to be read are intact */
    }
    *out = k;
    return DC_OK;
}

static int by_id(const void *a, const void *b)
{
    const int64_t *p = a, *q = b;
    return (p[0] > q[0]) - (p[0] < q[0]);
}

/* _rowid in id order: appended to its b-tree rather than scattered. */
static dc_err write_rowids(rt_writer *w)
{
    qsort(w->leaf_of, w->n_leaf_of, sizeof *w->leaf_of, by_id);
    for (size_t i = 0; i < w->n_leaf_of; i++) {
        sqlite3_bind_int64(w->rowid, 1, w->leaf_of[i][0]);
        sqlite3_bind_int64(w->rowid, 2, w->leaf_of[i][1]);
        dc_err e = step(w, w->rowid, "writing an rtree rowid");
        if (e) return e;
    }
    return DC_OK;
}

/* The tree of @p l's cells (reordered) into the empty rtree @p name. */
static dc_err pack_tree(rt_writer *w, dc_rtree_layer *l)
{
    dc_rtree_cell *c = l->cells;
    size_t n = l->n;
    unsigned depth = 0;
    bool leaf = true;
    w->next_node = 2;
    w->n_leaf_of = 0;
    while (n > w->fanout) {
        dc_err e = pack_level(w, c, n, leaf, &n);
        if (e) return e;
        leaf = false;
        depth++;
    }
    dc_err e = write_node(w, 1, c, n, leaf, depth);
    return e ? e : write_rowids(w);
}

/* Run @p sql (made by sqlite3_mprintf, freed here). */
static dc_err exec(rt_writer *w, char *sql, const char *what)
{
    if (!sql) return DC_E_NOMEM;
    int rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? DC_OK : sql_fail(w, what);
}

static dc_err prepare(rt_writer *w, sqlite3_stmt **s, char *sql)
{
    if (!sql) return DC_E_NOMEM;
    int rc = sqlite3_prepare_v2(w->db, sql, -1, s, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? DC_OK : sql_fail(w, "preparing the rtree's statements");
}

/* Make the rtree @p name and learn its node size (SQLite's choice, from
 * the page size) from its empty root. */
static dc_err create_rtree(rt_writer *w, const char *name)
{
    dc_err e = exec(w,
                    sqlite3_mprintf("CREATE VIRTUAL TABLE \"%w\" USING "
                                    "rtree(id, minx, maxx, miny, maxy)",
                                    name),
                    "creating the rtree");
    sqlite3_stmt *s = NULL;
    if (!e)
        e = prepare(w, &s,
                    sqlite3_mprintf(
                        "SELECT length(data) FROM \"%w_node\" WHERE nodeno = 1", name));
    if (!e && sqlite3_step(s) == SQLITE_ROW)
        w->node_size = (size_t)sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (e) return e;
    w->fanout = w->node_size > 4 ? (w->node_size - 4) / 24 : 0;
    if (w->fanout < 2) {
        snprintf(w->why, w->why_len, "the rtree's root has %zu bytes: no room for cells",
                 w->node_size);
        return DC_E_IO;
    }
    free(w->blob);
    w->blob = malloc(w->node_size);
    if (!w->blob) return DC_E_NOMEM;
    e = prepare(
        w, &w->node,
        sqlite3_mprintf("INSERT INTO \"%w_node\"(nodeno, data) VALUES (?, ?)", name));
    if (!e)
        e = prepare(
            w, &w->root,
            sqlite3_mprintf("UPDATE \"%w_node\" SET data = ?2 WHERE nodeno = ?1", name));
    if (!e)
        e = prepare(w, &w->parent,
                    sqlite3_mprintf("INSERT INTO \"%w_parent\"(nodeno, parentnode) "
                                    "VALUES (?, ?)",
                                    name));
    if (!e)
        e = prepare(w, &w->rowid,
                    sqlite3_mprintf(
                        "INSERT INTO \"%w_rowid\"(rowid, nodeno) VALUES (?, ?)", name));
    return e;
}

static void finalize_all(rt_writer *w)
{
    sqlite3_finalize(w->node);
    sqlite3_finalize(w->root);
    sqlite3_finalize(w->parent);
    sqlite3_finalize(w->rowid);
    w->node = w->root = w->parent = w->rowid = NULL;
}

/* The spec's triggers that keep rtree @p r of table @p t, geometry column
 * @p c and FID @p i up to date, in GDAL's words. */
static dc_err create_triggers(rt_writer *w, const char *r, const char *t, const char *c,
                              const char *i)
{
    static const char *const sql[] = {
        "CREATE TRIGGER \"%w_insert\" AFTER INSERT ON \"%w\" WHEN (new.\"%w\" NOT NULL "
        "AND NOT ST_IsEmpty(NEW.\"%w\")) BEGIN INSERT OR REPLACE INTO \"%w\" VALUES "
        "(NEW.\"%w\",ST_MinX(NEW.\"%w\"), ST_MaxX(NEW.\"%w\"),ST_MinY(NEW.\"%w\"), "
        "ST_MaxY(NEW.\"%w\")); END",
        "CREATE TRIGGER \"%w_update1\" AFTER UPDATE OF \"%w\" ON \"%w\" WHEN OLD.\"%w\" "
        "= "
        "NEW.\"%w\" AND (NEW.\"%w\" NOTNULL AND NOT ST_IsEmpty(NEW.\"%w\")) BEGIN INSERT "
        "OR REPLACE INTO \"%w\" VALUES (NEW.\"%w\",ST_MinX(NEW.\"%w\"), "
        "ST_MaxX(NEW.\"%w\"),ST_MinY(NEW.\"%w\"), ST_MaxY(NEW.\"%w\")); END",
        "CREATE TRIGGER \"%w_update2\" AFTER UPDATE OF \"%w\" ON \"%w\" WHEN OLD.\"%w\" "
        "= "
        "NEW.\"%w\" AND (NEW.\"%w\" ISNULL OR ST_IsEmpty(NEW.\"%w\")) BEGIN DELETE FROM "
        "\"%w\" WHERE id = OLD.\"%w\"; END",
        "CREATE TRIGGER \"%w_update3\" AFTER UPDATE ON \"%w\" WHEN OLD.\"%w\" != "
        "NEW.\"%w\" AND (NEW.\"%w\" NOTNULL AND NOT ST_IsEmpty(NEW.\"%w\")) BEGIN DELETE "
        "FROM \"%w\" WHERE id = OLD.\"%w\"; INSERT OR REPLACE INTO \"%w\" VALUES "
        "(NEW.\"%w\",ST_MinX(NEW.\"%w\"), ST_MaxX(NEW.\"%w\"),ST_MinY(NEW.\"%w\"), "
        "ST_MaxY(NEW.\"%w\")); END",
        "CREATE TRIGGER \"%w_update4\" AFTER UPDATE ON \"%w\" WHEN OLD.\"%w\" != "
        "NEW.\"%w\" AND (NEW.\"%w\" ISNULL OR ST_IsEmpty(NEW.\"%w\")) BEGIN DELETE FROM "
        "\"%w\" WHERE id IN (OLD.\"%w\", NEW.\"%w\"); END",
        "CREATE TRIGGER \"%w_delete\" AFTER DELETE ON \"%w\" WHEN old.\"%w\" NOT NULL "
        "BEGIN DELETE FROM \"%w\" WHERE id = OLD.\"%w\"; END",
    };
    char *made[] = {
        sqlite3_mprintf(sql[0], r, t, c, c, r, i, c, c, c, c),
        sqlite3_mprintf(sql[1], r, c, t, i, i, c, c, r, i, c, c, c, c),
        sqlite3_mprintf(sql[2], r, c, t, i, i, c, c, r, i),
        sqlite3_mprintf(sql[3], r, t, i, i, c, c, r, i, r, i, c, c, c, c),
        sqlite3_mprintf(sql[4], r, t, i, i, c, c, r, i, i),
        sqlite3_mprintf(sql[5], r, t, c, r, i),
    };
    dc_err e = DC_OK;
    for (size_t k = 0; k < sizeof made / sizeof *made; k++) {
        if (!e)
            e = exec(w, made[k], "creating the rtree's triggers");
        else
            sqlite3_free(made[k]);
    }
    return e;
}

/* gpkg_extensions as GDAL makes it (GeoPackage 1.2, table 17), and the
 * extension's row. */
static dc_err register_extension(rt_writer *w, const char *table, const char *column)
{
    dc_err e = exec(
        w,
        sqlite3_mprintf("CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT,"
                        "column_name TEXT,extension_name TEXT NOT NULL,definition TEXT "
                        "NOT NULL,scope TEXT NOT NULL,CONSTRAINT ge_tce UNIQUE "
                        "(table_name, column_name, extension_name))"),
        "creating gpkg_extensions");
    if (e) return e;
    return exec(w,
                sqlite3_mprintf("INSERT INTO gpkg_extensions (table_name, column_name, "
                                "extension_name, definition, scope) VALUES (%Q, %Q, "
                                "'gpkg_rtree_index', "
                                "'http://www.geopackage.org/spec120/#extension_rtree', "
                                "'write-only')",
                                table, column),
                "registering the rtree extension");
}

static dc_err write_layer(rt_writer *w, dc_rtree_layer *l)
{
    char *name = sqlite3_mprintf("rtree_%s_%s", l->table, l->column);
    if (!name) return DC_E_NOMEM;
    dc_err e = create_rtree(w, name);
    if (!e) {
        size_t n = l->n ? l->n : 1;
        w->leaf_of = malloc(n * sizeof *w->leaf_of);
        w->sort.cells = malloc(n * sizeof *w->sort.cells);
        w->sort.keys = malloc(2 * n * sizeof *w->sort.keys);
        if (!w->leaf_of || !w->sort.cells || !w->sort.keys) e = DC_E_NOMEM;
    }
    if (!e) e = pack_tree(w, l);
    free(w->leaf_of);
    free(w->sort.cells);
    free(w->sort.keys);
    w->leaf_of = NULL;
    w->sort = (rt_sort){0};
    finalize_all(w);
    if (!e) e = create_triggers(w, name, l->table, l->column, l->fid);
    if (!e) e = register_extension(w, l->table, l->column);
    sqlite3_free(name);
    return e;
}

dc_err dc_rtree_write(const char *path, dc_rtree_layer *layers, size_t n, char *why,
                      size_t why_len)
{
    rt_writer w = {.why = why, .why_len = why_len};
    if (why_len) why[0] = '\0';
    if (sqlite3_open_v2(path, &w.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        dc_err e = w.db ? sql_fail(&w, "opening the GeoPackage") : DC_E_NOMEM;
        sqlite3_close(w.db);
        return e;
    }
    dc_err e = exec(&w, sqlite3_mprintf("BEGIN IMMEDIATE"), "starting a transaction");
    for (size_t i = 0; !e && i < n; i++)
        e = write_layer(&w, &layers[i]);
    if (!e) e = exec(&w, sqlite3_mprintf("COMMIT"), "committing the spatial index");
    if (e) sqlite3_exec(w.db, "ROLLBACK", NULL, NULL, NULL);
    free(w.blob);
    if (sqlite3_close(w.db) != SQLITE_OK && !e)
        e = sql_fail(&w, "closing the GeoPackage");
    return e;
}
