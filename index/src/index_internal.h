/*
 * index_internal.h - what the index writer (build*.c), reader (read*.c,
 * pages.c) and checker (index_check.c) share: the names of the
 * sub-databases (layout.c), the byte layout of every record
 * (docs/FORMAT.md section 2) with its encode/decode helpers, the handles'
 * structures, and the few helpers of error.c and polygon.c that every
 * side calls. What one file offers the others is in its own header
 * (read_decode.h, pages.h, ...). Not installed.
 *
 * Keys are big-endian (byte order is numeric order, so LMDB's default
 * memcmp comparison sorts them); values are little-endian. Values inside
 * an LMDB page are not aligned: every read goes through memcpy.
 */
#ifndef DC_INDEX_INTERNAL_H
#define DC_INDEX_INTERNAL_H

#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "diachi/index.h"
#include "diachi/history.h"
#include "diachi/search_index.h"
#include "olc_internal.h"

#define DC_INDEX_MAGIC "diachi-index"
#define DC_INDEX_MAGIC_LEN 12

/* Sub-databases. The order of the content ones is the fingerprint order. */
enum dc_db {
    DC_DB_ZONES,
    DC_DB_ZONEGRID,
    DC_DB_HOUSEHOLDS,
    DC_DB_STRINGS,
    DC_DB_NUMBERS,
    DC_DB_IDS,
    DC_DB_EDITIONS,
    DC_DB_HISTORY,
    DC_DB_PAST_ZONES,
    DC_DB_META,
    DC_DB_FENCES,
    DC_DB_ZONECELLS,
    DC_DB_SEARCH_ENTITIES,
    DC_DB_SEARCH_WORDS,
    DC_DB_SEARCH_TYPOS,
    DC_DB_COUNT
};
/* Content databases: the ones the fingerprint covers (all before meta;
 * fences is derived from households, zonecells from zones and zonegrid,
 * the search databases from zones, households and strings). */
#define DC_DB_CONTENT DC_DB_META
extern const char *const dc_db_names[DC_DB_COUNT];

/* Valid positions: latitude in [-90, 90), longitude in [-180, 180). */
#define DC_LAT_E7_MIN (-900000000)
#define DC_LAT_E7_END 900000000
#define DC_LON_E7_MIN (-1800000000)
#define DC_LON_E7_END 1800000000
/* Polygon vertices may also lie on the north pole and the antimeridian. */
#define DC_DEGREE_E7 10000000

/* The coarse grid of zonegrid: 0.05 degree, 7200 columns. */
#define DC_ZONEGRID_E7 500000
#define DC_ZONEGRID_COLS 7200u
/* Most entries of the zone grid's table (dc_index.grid_table). */
#define DC_GRID_TABLE_MAX (1u << 22)
/* Columns of the 1/400-degree household grid, and its last row (the row
 * of 90 degrees itself: rows run 0..DC_CELL_LAST_ROW). */
#define DC_CELL_COLS 144000u
#define DC_CELL_LAST_ROW 72000u

/* Fixed parts of records, in bytes. */
#define DC_ZONE_FIXED 28     /* count, ref lat, ref lon, 4 x bbox */
#define DC_HOUSEHOLD_FIXED 5 /* lat and lon in the key's cell, door */
#define DC_HOUSEHOLD_DOOR 4  /* offset of the door's size */
/* A door's size is stored up to this; at it, the door has this many or
 * more households and a reader counts them. */
#define DC_DOOR_MAX 255u
#define DC_HOUSEHOLD_KEY_SIZE 12 /* BE u64 place, BE u32 seq */
/* `numbers` holds the key of every DC_NUMBER_STRIDE-th household. */
#define DC_NUMBER_STRIDE 64u

/* Households are packed in key order into pages of DC_PAGE_SIZE bytes
 * (docs/FORMAT.md): a 64-byte head (u16 count n, u16 zero, the BE u64
 * places of keys n*j/8 for j = 1..7, the u32 LE number of its first
 * record, at DC_PAGE_NUMBER), then n entries of
 * DC_PAGE_ENTRY bytes (12-byte key, u16 end of its value), then the
 * values. A `households` value is a segment of up to DC_SEGMENT_PAGES
 * pages, all segments but the last full; its `fences` value is the first
 * key of each of its pages. A code is a search of fences, which stay in
 * cache, then of its page: the head's places narrow it to a few
 * entries, and then its value; each of the three is a cache line or two
 * that a batch can ask for ahead (dc_pages_prefetch). */
#define DC_PAGE_SIZE 4096u
#define DC_PAGE_HEAD 64u
#define DC_PAGE_ENTRY 14u
#define DC_PAGE_SPLITS 8u  /* the head's places cut the entries in 8 */
#define DC_PAGE_NUMBER 60u /* where the head holds its first record's number */
#define DC_SEGMENT_PAGES 4096u
/* Where a page of @p n records has its first value. */
#define DC_PAGE_VALUES(n) (DC_PAGE_HEAD + DC_PAGE_ENTRY * (uint32_t)(n))
/* Most entries that fit in a page. */
#define DC_PAGE_MAX_RECORDS ((DC_PAGE_SIZE - DC_PAGE_HEAD) / DC_PAGE_ENTRY)

/* A household key's place: 34 bits of cell (row * DC_CELL_COLS + col), 17
 * of postcode, 13 of the code's last three location characters as a
 * base-20 number (20^3 = 8000). Inside a 1/400-degree cell the code's first
 * four location characters are fixed, so the place orders households by
 * (cell row, cell col, compact code). */
#define DC_PLACE_CELL_SHIFT 30
#define DC_PLACE_POSTCODE_SHIFT 13
#define DC_PLACE_LAST3_MASK 0x1fffu
#define DC_PLACE_POSTCODE_MASK 0x1ffffu

/* ---- bytes ---------------------------------------------------------- */

static inline void dc_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t dc_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline void dc_put_le64(uint8_t *p, uint64_t v)
{
    dc_put_le32(p, (uint32_t)v);
    dc_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t dc_get_le64(const uint8_t *p)
{
    return (uint64_t)dc_get_le32(p) | (uint64_t)dc_get_le32(p + 4) << 32;
}

static inline void dc_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline uint32_t dc_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static inline void dc_put_be64(uint8_t *p, uint64_t v)
{
    dc_put_be32(p, (uint32_t)(v >> 32));
    dc_put_be32(p + 4, (uint32_t)v);
}

static inline uint64_t dc_get_be64(const uint8_t *p)
{
    return (uint64_t)dc_get_be32(p) << 32 | dc_get_be32(p + 4);
}

static inline void dc_put_i32(uint8_t *p, int32_t v)
{
    dc_put_le32(p, (uint32_t)v);
}

static inline int32_t dc_get_i32(const uint8_t *p)
{
    uint32_t u = dc_get_le32(p);
    int32_t v;
    memcpy(&v, &u, sizeof v); /* two's complement, without UB */
    return v;
}

/* Unsigned LEB128 varints: seven bits a byte, low first, the high bit set
 * on every byte but the last. The longest of a u32: */
#define DC_VARINT_MAX 5u

/* Append @p v as an unsigned LEB128 varint at @p p; the bytes written. */
static inline size_t dc_varint_put(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* Read a varint at *p, no further than @p end: 0 and *p moved past it, or
 * -1 for one cut short, longer than 5 bytes or past 2^32 - 1. */
static inline int dc_varint_get(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    const uint8_t *q = *p;
    uint32_t x = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (q == end) return -1;
        uint8_t b = *q++;
        if (shift == 28 && b > 0x0f) return -1;
        x |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            *p = q;
            return 0;
        }
    }
    return -1;
}

/* ---- positions ------------------------------------------------------ */

static inline int dc_lat_ok(int32_t lat_e7)
{
    return lat_e7 >= DC_LAT_E7_MIN && lat_e7 < DC_LAT_E7_END;
}

static inline int dc_lon_ok(int32_t lon_e7)
{
    return lon_e7 >= DC_LON_E7_MIN && lon_e7 < DC_LON_E7_END;
}

/* The code of a position that satisfies dc_lat_ok and dc_lon_ok, from
 * exact integer arithmetic (dc_code_make_e7 in code.h). */
static inline void dc_code_of_e7(uint32_t postcode, int32_t lat_e7, int32_t lon_e7,
                                 dc_code *code)
{
    dc_code_make_e7(postcode, lat_e7, lon_e7, code);
}

/* The place (see DC_PLACE_CELL_SHIFT) of a spatial cell and a code in it;
 * @p last3 is the code's last three location characters in base 20. */
static inline uint64_t dc_place(uint32_t row, uint32_t col, uint32_t postcode,
                                uint32_t last3)
{
    return ((uint64_t)row * DC_CELL_COLS + col) << DC_PLACE_CELL_SHIFT |
           (uint64_t)postcode << DC_PLACE_POSTCODE_SHIFT | last3;
}

/* The place of a household at a valid position with its code. */
static inline uint64_t dc_place_of(const dc_code *code, int32_t lat_e7, int32_t lon_e7)
{
    uint32_t last3 = 0;
    for (int i = 4; i < DC_CODE_LOCATION_CHARS; i++)
        last3 = last3 * 20 + (uint32_t)dc_olc_value(code->location[i]);
    return dc_place(dc_cell_row(lat_e7), dc_cell_col(lon_e7), code->postcode, last3);
}

static inline uint32_t dc_place_postcode(uint64_t place)
{
    return (uint32_t)(place >> DC_PLACE_POSTCODE_SHIFT) & DC_PLACE_POSTCODE_MASK;
}

static inline uint64_t dc_place_cell(uint64_t place)
{
    return place >> DC_PLACE_CELL_SHIFT;
}

/* The south-west corner, e7, of the 1/400-degree cell of a place: where a
 * household record's position is counted from. */
static inline int32_t dc_place_south(uint64_t place)
{
    uint64_t row = dc_place_cell(place) / DC_CELL_COLS;
    return (int32_t)((int64_t)row * DC_CELL_E7 + DC_LAT_E7_MIN);
}

static inline int32_t dc_place_west(uint64_t place)
{
    uint64_t col = dc_place_cell(place) % DC_CELL_COLS;
    return (int32_t)((int64_t)col * DC_CELL_E7 + DC_LON_E7_MIN);
}

/* Cell of the coarse zone grid holding a valid position. */
static inline uint32_t dc_zonegrid_cell(int32_t lat_e7, int32_t lon_e7)
{
    uint32_t row = (uint32_t)(((int64_t)lat_e7 - DC_LAT_E7_MIN) / DC_ZONEGRID_E7);
    uint32_t col = (uint32_t)(((int64_t)lon_e7 - DC_LON_E7_MIN) / DC_ZONEGRID_E7);
    return row * DC_ZONEGRID_COLS + col;
}

/* Appends (cell << 32 | @p id) for every cell of the coarse zone grid that
 * the box (valid positions) touches to *@p grid, @p n used of @p cap, the
 * array grown as it fills (layout.c). On DC_E_NOMEM *@p grid is kept, to
 * be freed by the caller. */
dc_err dc_zonegrid_cover(uint64_t **grid, size_t *n, size_t *cap, int32_t south_e7,
                         int32_t west_e7, int32_t north_e7, int32_t east_e7, uint32_t id);

/* The first entry of @p cell in @p grid (@p n entries made by
 * dc_zonegrid_cover, sorted), or where it would be. */
size_t dc_zonegrid_first(const uint64_t *grid, size_t n, uint32_t cell);

/* A point in the closed box of a zone. */
static inline int dc_in_box(const dc_zone *z, int32_t lat_e7, int32_t lon_e7)
{
    return lat_e7 >= z->south_e7 && lat_e7 <= z->north_e7 && lon_e7 >= z->west_e7 &&
           lon_e7 <= z->east_e7;
}

/* ---- handles -------------------------------------------------------- */

/* Postcodes run 00000..99999. */
#define DC_POSTCODES 100000u
#define DC_ZONE_CORRUPT (-2)

/* One cell of the zone grid: the candidate postcodes, little-endian u32s
 * inside the map, and its zonecells value (NULL: test every candidate). */
struct dc_grid_cell {
    uint32_t cell;
    const uint8_t *postcodes;
    uint32_t count;
    const uint8_t *sub;
    size_t sub_size;
};

/* The household pages, found at open: segment pointers into the map and
 * each segment's fences (12-byte first keys of its pages). */
struct dc_pages {
    const uint8_t **seg;
    const uint8_t **fences;
    uint32_t nseg, npages;
};

/* Keys asked for ahead of their lookups, each taken one stage further as
 * later ones come (dc_pages_prefetch). */
#define DC_AHEAD_STAGE 8u /* calls between the stages of one key */
#define DC_AHEAD_KEYS (3 * DC_AHEAD_STAGE)
_Static_assert(DC_AHEAD_KEYS == DC_INDEX_PREFETCH_AHEAD,
               "stages and the public distance");
struct dc_ahead_key {
    uint64_t place;
    uint32_t page, lo, hi; /* its page; the entries its head leaves */
};
struct dc_pages_ahead {
    struct dc_ahead_key key[DC_AHEAD_KEYS];
    uint32_t next, finger; /* calls so far; the page of the last */
};

struct dc_index {
    MDB_env *env;
    MDB_dbi dbi[DC_DB_COUNT];
    /* Streets and groups by id, read once at open: a household then costs
     * one read instead of three. The pointers stay valid because `pinned`,
     * a read transaction of the handle's own, stays open until close. */
    MDB_txn *pinned;
    dc_str *strings;
    uint32_t nstrings;
    /* Zones decoded once at open, by postcode, and the zone grid's cells:
     * zone lookups and point-in-zone touch no B-tree. A zone that does not
     * decode keeps slot DC_ZONE_CORRUPT, so lookups report it and
     * dc_index_check names it. */
    dc_zone *zones;
    struct dc_pages pages;
    int32_t *zone_slot; /* postcode -> index in zones, -1 absent */
    struct dc_grid_cell *grid;
    uint32_t nzones, ngrid;
    /* Every zone's rings, those of zones[i] from rings[zone_ring0[i]] to
     * rings[zone_ring0[i + 1]]: a sub-grid's run names its ring by number. */
    dc_ring *rings;
    uint32_t *zone_ring0;
    /* The zone grid's cells as a table over their rows and columns, the
     * index in grid plus 1 (0: none), when it is small enough
     * (DC_GRID_TABLE_MAX); else NULL and a cell is a binary search. */
    uint32_t *grid_table;
    uint32_t grid_row0, grid_col0, grid_rows, grid_cols;
    /* The search index's id ranges (meta's `search`): the first id of each
     * kind and number of words, then the number of entities. */
    uint32_t search_first[DC_ENTITY_KINDS * DC_ENTITY_MAX_WORDS + 1];
    /* The editions and the earlier editions' zones (read_history.c), read
     * at open; past_slot is NULL when there are none. past_grid holds
     * (zone grid cell << 32 | index in past_zones) for every cell an
     * earlier zone's bbox touches, in order. */
    struct dc_edition *editions;
    uint32_t neditions, npast, npast_grid;
    struct dc_past_zone *past_zones;
    int32_t *past_slot;
    uint64_t *past_grid;
    dc_index_meta meta;
    uint64_t data_bytes; /* the LMDB file's length, the seal's (seal.h) */
    char *sources;       /* meta.sources points here */
    char *path;
    pthread_mutex_t lock; /* guards free_txns */
    struct dc_index_txn *free_txns;
};

struct dc_index_txn {
    dc_index *idx;
    MDB_txn *txn;
    MDB_cursor *ids;             /* on `ids`, opened at the first lookup by id */
    uint32_t page, slot;         /* the households cursor: a record */
    struct dc_pages_ahead ahead; /* what dc_index_order_prefetch asked for */
    struct dc_index_txn *next;   /* in idx->free_txns once ended */
};

/* Translate an LMDB or errno result into a dc_err with a message naming
 * what was being done (error.c). */
dc_err dc_index_lmdb_error(dc_error *err, int rc, const char *what);

/* ---- polygons (polygon.c) ------------------------------------------ */

/* dc_polygon_contains for a polygon whose structure has been checked
 * (every zone the index holds): the check walks every ring header, which
 * costs a point-in-zone test as much as the test. */
bool dc_polygon_contains_checked(const dc_polygon *p, int32_t lat_e7, int32_t lon_e7);

/* The crossing rule of the point-in-zone test, for an edge (a, b) that
 * crosses the line lat = y ((a.lat > y) != (b.lat > y)): true when it does
 * so strictly east of x. The sub-grid's builder (zonecells.c) counts with
 * it, so its marks are this test's answers. */
int dc_edge_crosses_east(int64_t alat, int64_t alon, int64_t blat, int64_t blon,
                         int64_t y, int64_t x);

/* Structure checks only (sizes, ring counts), O(rings). */
dc_err dc_polygon_check_structure(const dc_polygon *p);

/* The first vertex of a valid polygon that does not recover from the
 * reference point (dc_code_in_recovery_range), if any. */
bool dc_polygon_far_vertex(const dc_polygon *p, int32_t ref_lat_e7, int32_t ref_lon_e7,
                           int32_t *lat_e7, int32_t *lon_e7);

#endif /* DC_INDEX_INTERNAL_H */
