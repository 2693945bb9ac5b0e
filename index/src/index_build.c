/*
 * index_build.c - writing a new index file (docs/FORMAT.md section 2).
 *
 * The build validates everything first, then orders the households by
 * (1/400-degree cell, compact code, id) with a radix sort on their 64-bit
 * place (the first part of their key in the file), and writes every
 * database in key order with MDB_APPEND in a single write
 * transaction, hashing each record into the content fingerprint on the way.
 * The file's own life (a temporary file beside the target, reserved,
 * committed, sealed, synced and renamed over it) is index_file.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diachi/strtab.h"
#include "index_internal.h"
#include "index_file.h"
#include "hasher.h"

#define MAX_STR8 255u
#define MAX_STR16 65535u
#define PROGRESS_STEP 1000000u

/* A sortable record: 64-bit key and two payload words (for households:
 * a = input index, then number; b = seq among those at the same code). */
typedef struct sort_item {
    uint64_t key;
    uint32_t a, b;
} sort_item;

typedef struct id_entry {
    const unsigned char *id;
    uint32_t number;
} id_entry;

typedef struct builder {
    dc_index_build_input *in;
    dc_error *err;
    int32_t *zone_of; /* postcode -> index in in->zones, or -1 */
    uint32_t *zone_counts;
    sort_item *households; /* key = place, a = input index before permuting */
    id_entry *ids;
    sort_item *grid; /* cell<<32|postcode */
    size_t ncodes, ngrid;
    dc_strtab *strings; /* streets and groups, by id */
    uint8_t *buf;
    size_t bufsize;
    dc_index_file file; /* the temporary file, its transaction and databases */
    dc_hasher *hasher;  /* the content fingerprint, on its own thread */
    uint64_t shared_doors;
    /* The households' page being filled and the segment of pages it goes
     * to, with the first key of each page (its fences). */
    uint8_t *segment, *fences;
    uint32_t seg_pages, nseg;
    uint32_t page_n, page_bytes; /* records in the page and their values' bytes */
    uint8_t page_keys[DC_PAGE_MAX_RECORDS * DC_HOUSEHOLD_KEY_SIZE];
    uint16_t page_ends[DC_PAGE_MAX_RECORDS];
    uint8_t page_values[DC_PAGE_SIZE];
} builder;

static void progress(builder *b, const char *phase, uint64_t done, uint64_t total)
{
    if (b->in->progress) b->in->progress(b->in->progress_ctx, phase, done, total);
}

static size_t str_len(const char *s)
{
    return s ? strlen(s) : 0;
}

/* ---- validation ------------------------------------------------------- */

static dc_err zone_strings_ok(builder *b, const dc_zone_input *z)
{
    const char *s[5] = {z->name, z->kind, z->commune_code, z->district, z->province};
    for (int i = 0; i < 5; i++)
        if (str_len(s[i]) > MAX_STR16)
            return dc_error_set(b->err, DC_E_INVALID_ARG,
                                "zone %05u: a name is longer than %u bytes", z->postcode,
                                MAX_STR16);
    return DC_OK;
}

static dc_err zone_shape_ok(builder *b, const dc_zone_input *z)
{
    int32_t s, w, n, e, vlat, vlon;
    if (dc_polygon_validate(&z->polygon) != DC_OK)
        return dc_error_set(b->err, DC_E_INVALID_ARG, "zone %05u: invalid polygon",
                            z->postcode);
    dc_polygon_bbox(&z->polygon, &s, &w, &n, &e);
    if ((int64_t)n - s >= DC_DEGREE_E7 || (int64_t)e - w >= DC_DEGREE_E7)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "zone %05u: polygon spans 1 degree or more (%.7f..%.7f N, "
                            "%.7f..%.7f E)",
                            z->postcode, s / 1e7, n / 1e7, w / 1e7, e / 1e7);
    if (!dc_lat_ok(z->ref_lat_e7) || !dc_lon_ok(z->ref_lon_e7))
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "zone %05u: reference point %.7f, %.7f is not on the globe",
                            z->postcode, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7);
    if (dc_polygon_far_vertex(&z->polygon, z->ref_lat_e7, z->ref_lon_e7, &vlat, &vlon))
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "zone %05u: reference point %.7f, %.7f is more than 0.4 "
                            "degrees from polygon vertex %.7f, %.7f",
                            z->postcode, z->ref_lat_e7 / 1e7, z->ref_lon_e7 / 1e7,
                            vlat / 1e7, vlon / 1e7);
    return DC_OK;
}

static dc_err validate_zones(builder *b)
{
    const dc_index_build_input *in = b->in;
    for (uint32_t p = 0; p < DC_POSTCODES; p++)
        b->zone_of[p] = -1;
    for (size_t i = 0; i < in->nzones; i++) {
        const dc_zone_input *z = &in->zones[i];
        if (z->postcode >= DC_POSTCODES)
            return dc_error_set(b->err, DC_E_INVALID_ARG, "zone %u: postcode over 99999",
                                z->postcode);
        if (b->zone_of[z->postcode] >= 0)
            return dc_error_set(b->err, DC_E_INVALID_ARG, "duplicate postcode %05u",
                                z->postcode);
        dc_err rc = zone_strings_ok(b, z);
        if (rc == DC_OK) rc = zone_shape_ok(b, z);
        if (rc != DC_OK) return rc;
        b->zone_of[z->postcode] = (int32_t)i;
    }
    return DC_OK;
}

static dc_err validate_household(builder *b, const dc_household_input *h)
{
    if (!h->id || !h->id[0])
        return dc_error_set(b->err, DC_E_INVALID_ARG, "household with an empty id");
    if (strlen(h->id) > MAX_STR8)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %.40s...: id longer than %u bytes", h->id,
                            MAX_STR8);
    if (str_len(h->house_number) > MAX_STR8)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %s: house number longer than %u bytes", h->id,
                            MAX_STR8);
    if (h->postcode >= DC_POSTCODES || b->zone_of[h->postcode] < 0)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %s: postcode %05u is not among the zones", h->id,
                            h->postcode);
    const dc_zone_input *z = &b->in->zones[b->zone_of[h->postcode]];
    if (!dc_lat_ok(h->lat_e7) || !dc_lon_ok(h->lon_e7) ||
        !dc_polygon_contains(&z->polygon, h->lat_e7, h->lon_e7))
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "household %s: position %.7f, %.7f is not inside zone %05u",
                            h->id, h->lat_e7 / 1e7, h->lon_e7 / 1e7, h->postcode);
    return DC_OK;
}

static dc_err validate_households(builder *b)
{
    size_t n = b->in->nhouseholds;
    for (size_t i = 0; i < n; i++) {
        dc_err rc = validate_household(b, &b->in->households[i]);
        if (rc != DC_OK) return rc;
        b->zone_counts[b->zone_of[b->in->households[i].postcode]]++;
        if ((i + 1) % PROGRESS_STEP == 0) progress(b, "validate", i + 1, n);
    }
    progress(b, "validate", n, n);
    return DC_OK;
}

/* ---- ordering --------------------------------------------------------- */

/* LSD radix sort on the 64-bit key, 8 bits a pass; passes in which every
 * key has the same byte are skipped. Stable. */
static dc_err radix_sort(sort_item *a, size_t n)
{
    if (n < 2) return DC_OK;
    sort_item *tmp = malloc(n * sizeof *tmp);
    size_t(*count)[256] = calloc(8, sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return DC_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        for (int byte = 0; byte < 8; byte++)
            count[byte][(a[i].key >> (8 * byte)) & 255]++;
    sort_item *src = a, *dst = tmp;
    for (int byte = 0; byte < 8; byte++) {
        if (count[byte][(a[0].key >> (8 * byte)) & 255] == n) continue;
        size_t offset = 0;
        for (int v = 0; v < 256; v++) {
            size_t c = count[byte][v];
            count[byte][v] = offset;
            offset += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[byte][(src[i].key >> (8 * byte)) & 255]++] = src[i];
        sort_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    free(tmp);
    free(count);
    return DC_OK;
}

/* The household order: its place (DC_PLACE_CELL_SHIFT), then its id. */
static uint64_t household_key(const dc_household_input *h)
{
    dc_code code;
    dc_code_of_e7(h->postcode, h->lat_e7, h->lon_e7, &code);
    return dc_place_of(&code, h->lat_e7, h->lon_e7);
}

/* Equal keys (a shared door) are ordered by id; such runs are short. */
static void order_shared_doors(builder *b)
{
    const dc_household_input *hs = b->in->households;
    sort_item *a = b->households;
    for (size_t i = 1; i < b->in->nhouseholds; i++) {
        sort_item x = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1].key == x.key &&
               strcmp(hs[a[j - 1].a].id, hs[x.a].id) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* Move the caller's households into sorted order, following cycles. */
static void permute_households(builder *b)
{
    dc_household_input *h = b->in->households;
    sort_item *a = b->households;
    for (size_t i = 0; i < b->in->nhouseholds; i++) {
        dc_household_input first = h[i];
        size_t j = i;
        for (;;) {
            size_t k = a[j].a;
            a[j].a = (uint32_t)j;
            if (k == i) {
                h[j] = first;
                break;
            }
            h[j] = h[k];
            j = k;
        }
    }
}

static dc_err order_households(builder *b)
{
    size_t n = b->in->nhouseholds;
    for (size_t i = 0; i < n; i++) {
        b->households[i].key = household_key(&b->in->households[i]);
        b->households[i].a = (uint32_t)i;
    }
    dc_err rc = radix_sort(b->households, n);
    if (rc != DC_OK) return dc_error_set(b->err, rc, "out of memory sorting households");
    order_shared_doors(b);
    permute_households(b);
    progress(b, "sort", n, n);
    return DC_OK;
}

static void swap_ids(id_entry *a, size_t i, size_t j)
{
    id_entry t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static size_t median3(const id_entry *a, size_t n, size_t d)
{
    size_t i = 0, j = n / 2, k = n - 1;
    int x = a[i].id[d], y = a[j].id[d], z = a[k].id[d];
    if ((x <= y && y <= z) || (z <= y && y <= x)) return j;
    if ((y <= x && x <= z) || (z <= x && x <= y)) return i;
    return k;
}

/* Multikey quicksort (Bentley and Sedgewick) of NUL-terminated ids, all
 * equal in their first d bytes. */
static void sort_ids(id_entry *a, size_t n, size_t d)
{
    while (n > 12) {
        swap_ids(a, 0, median3(a, n, d));
        int v = a[0].id[d];
        size_t lt = 0, i = 0, gt = n;
        while (i < gt) {
            int c = a[i].id[d];
            if (c < v)
                swap_ids(a, lt++, i++);
            else if (c > v)
                swap_ids(a, i, --gt);
            else
                i++;
        }
        sort_ids(a, lt, d);
        sort_ids(a + gt, n - gt, d);
        if (v == 0) return; /* identical ids: the duplicate check reports them */
        a += lt;
        n = gt - lt;
        d++;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp((const char *)a[j - 1].id + d,
                                           (const char *)a[j].id + d) > 0;
             j--)
            swap_ids(a, j, j - 1);
}

static dc_err order_ids(builder *b)
{
    size_t n = b->in->nhouseholds;
    for (size_t i = 0; i < n; i++) {
        b->ids[i].id = (const unsigned char *)b->in->households[i].id;
        b->ids[i].number = (uint32_t)i;
    }
    sort_ids(b->ids, n, 0);
    for (size_t i = 1; i < n; i++)
        if (strcmp((const char *)b->ids[i - 1].id, (const char *)b->ids[i].id) == 0)
            return dc_error_set(b->err, DC_E_INVALID_ARG, "duplicate household id %s",
                                (const char *)b->ids[i].id);
    return DC_OK;
}

/* Households with equal places share a code: number them within it (the
 * seq of their key) and count the codes. */
static dc_err count_codes(builder *b)
{
    size_t n = b->in->nhouseholds;
    b->ncodes = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && b->households[j].key == b->households[i].key; j++)
            b->households[j].b = (uint32_t)(j - i);
        b->ncodes++;
        if (j - i > 1) b->shared_doors += j - i;
    }
    return DC_OK;
}

/* Every (coarse cell, postcode) pair whose zone's box touches the cell. */
static dc_err collect_grid(builder *b)
{
    size_t cap = 0;
    b->ngrid = 0;
    for (uint32_t p = 0; p < DC_POSTCODES; p++) {
        if (b->zone_of[p] < 0) continue;
        const dc_zone_input *z = &b->in->zones[b->zone_of[p]];
        int32_t s, w, n, e;
        dc_polygon_bbox(&z->polygon, &s, &w, &n, &e);
        uint32_t r0 = dc_zonegrid_cell(s < DC_LAT_E7_END ? s : DC_LAT_E7_END - 1, 0) /
                      DC_ZONEGRID_COLS;
        uint32_t r1 = dc_zonegrid_cell(n < DC_LAT_E7_END ? n : DC_LAT_E7_END - 1, 0) /
                      DC_ZONEGRID_COLS;
        uint32_t c0 = dc_zonegrid_cell(0, w < DC_LON_E7_END ? w : DC_LON_E7_END - 1) %
                      DC_ZONEGRID_COLS;
        uint32_t c1 = dc_zonegrid_cell(0, e < DC_LON_E7_END ? e : DC_LON_E7_END - 1) %
                      DC_ZONEGRID_COLS;
        size_t need = b->ngrid + (size_t)(r1 - r0 + 1) * (c1 - c0 + 1);
        if (need > cap) {
            cap = need * 2;
            sort_item *g = realloc(b->grid, cap * sizeof *g);
            if (!g) return dc_error_set(b->err, DC_E_NOMEM, "out of memory (zone grid)");
            b->grid = g;
        }
        for (uint32_t r = r0; r <= r1; r++)
            for (uint32_t c = c0; c <= c1; c++)
                b->grid[b->ngrid++] =
                    (sort_item){(uint64_t)(r * DC_ZONEGRID_COLS + c) << 32 | p, p, 0};
    }
    dc_err rc = radix_sort(b->grid, b->ngrid);
    return rc == DC_OK ? DC_OK : dc_error_set(b->err, rc, "out of memory (zone grid)");
}

/* ---- writing ---------------------------------------------------------- */

static dc_err reserve(builder *b, size_t size)
{
    if (size <= b->bufsize) return DC_OK;
    uint8_t *p = realloc(b->buf, size);
    if (!p) return dc_error_set(b->err, DC_E_NOMEM, "out of memory writing a record");
    b->buf = p;
    b->bufsize = size;
    return DC_OK;
}

static void hash_part(dc_hasher *h, const void *p, size_t len)
{
    uint8_t n[4];
    dc_put_le32(n, (uint32_t)len);
    dc_hasher_update(h, n, 4);
    dc_hasher_update(h, p, len);
}

/* Append a record to a content database and to the fingerprint. */
static dc_err put(builder *b, int db, const void *key, size_t klen, const void *val,
                  size_t vlen)
{
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    int rc =
        mdb_put(b->file.txn, b->file.dbi[db], &k, &v, db == DC_DB_META ? 0 : MDB_APPEND);
    if (rc != 0) {
        char what[64];
        snprintf(what, sizeof what, "writing %s to %s", dc_db_names[db], "the index");
        return dc_index_lmdb_error(b->err, rc, what);
    }
    if (db != DC_DB_META) {
        hash_part(b->hasher, key, klen);
        hash_part(b->hasher, val, vlen);
    }
    return DC_OK;
}

static uint8_t *put_str16(uint8_t *p, const char *s)
{
    size_t len = str_len(s);
    p[0] = (uint8_t)len;
    p[1] = (uint8_t)(len >> 8);
    if (len) memcpy(p + 2, s, len);
    return p + 2 + len;
}

static uint8_t *put_str8(uint8_t *p, const char *s)
{
    size_t len = str_len(s);
    p[0] = (uint8_t)len;
    if (len) memcpy(p + 1, s, len);
    return p + 1 + len;
}

static dc_err write_zone(builder *b, const dc_zone_input *z, uint32_t count)
{
    const char *s[5] = {z->name, z->kind, z->commune_code, z->district, z->province};
    size_t size = DC_ZONE_FIXED + z->polygon.size;
    for (int i = 0; i < 5; i++)
        size += 2 + str_len(s[i]);
    dc_err rc = reserve(b, size);
    if (rc != DC_OK) return rc;
    int32_t bbox[4];
    dc_polygon_bbox(&z->polygon, &bbox[0], &bbox[1], &bbox[2], &bbox[3]);
    uint8_t *p = b->buf, key[4];
    dc_put_le32(p, count);
    dc_put_i32(p + 4, z->ref_lat_e7);
    dc_put_i32(p + 8, z->ref_lon_e7);
    for (int i = 0; i < 4; i++)
        dc_put_i32(p + 12 + 4 * i, bbox[i]);
    p += DC_ZONE_FIXED;
    for (int i = 0; i < 5; i++)
        p = put_str16(p, s[i]);
    memcpy(p, z->polygon.data, z->polygon.size);
    dc_put_be32(key, z->postcode);
    return put(b, DC_DB_ZONES, key, 4, b->buf, size);
}

static dc_err write_zones(builder *b)
{
    for (uint32_t p = 0; p < DC_POSTCODES; p++) {
        if (b->zone_of[p] < 0) continue;
        dc_err rc =
            write_zone(b, &b->in->zones[b->zone_of[p]], b->zone_counts[b->zone_of[p]]);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

static dc_err write_grid(builder *b)
{
    uint8_t key[4];
    for (size_t i = 0, j; i < b->ngrid; i = j) {
        uint32_t cell = (uint32_t)(b->grid[i].key >> 32);
        for (j = i; j < b->ngrid && (uint32_t)(b->grid[j].key >> 32) == cell; j++) {
        }
        dc_err rc = reserve(b, 4 * (j - i));
        if (rc != DC_OK) return rc;
        for (size_t k = i; k < j; k++)
            dc_put_le32(b->buf + 4 * (k - i), b->grid[k].a);
        dc_put_be32(key, cell);
        rc = put(b, DC_DB_ZONEGRID, key, 4, b->buf, 4 * (j - i));
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

/* Put the segment of pages filled so far, and its fences. */
static dc_err flush_segment(builder *b)
{
    uint8_t key[4];
    if (b->seg_pages == 0) return DC_OK;
    dc_put_be32(key, b->nseg);
    MDB_val k = {4, key}, v = {(size_t)b->seg_pages * DC_PAGE_SIZE, b->segment};
    int rc = mdb_put(b->file.txn, b->file.dbi[DC_DB_HOUSEHOLDS], &k, &v, MDB_APPEND);
    if (rc == 0) {
        v = (MDB_val){(size_t)b->seg_pages * DC_HOUSEHOLD_KEY_SIZE, b->fences};
        rc = mdb_put(b->file.txn, b->file.dbi[DC_DB_FENCES], &k, &v, MDB_APPEND);
    }
    if (rc != 0)
        return dc_index_lmdb_error(b->err, rc, "writing households to the index");
    b->nseg++;
    b->seg_pages = 0;
    return DC_OK;
}

/* Lay out the page being filled (docs/FORMAT.md, `households`) as the next
 * page of the segment. */
static dc_err flush_page(builder *b)
{
    uint32_t n = b->page_n, at = DC_PAGE_VALUES(n);
    if (n == 0) return DC_OK;
    uint8_t *page = b->segment + (size_t)b->seg_pages * DC_PAGE_SIZE;
    memset(page, 0, DC_PAGE_SIZE);
    page[0] = (uint8_t)n;
    page[1] = (uint8_t)(n >> 8);
    for (uint32_t j = 1; j < DC_PAGE_SPLITS; j++) /* the places of the splits */
        memcpy(page + 4 + 8 * (j - 1),
               b->page_keys + (size_t)(n * j / DC_PAGE_SPLITS) * DC_HOUSEHOLD_KEY_SIZE,
               8);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = page + DC_PAGE_HEAD + (size_t)i * DC_PAGE_ENTRY;
        uint32_t end = at + b->page_ends[i];
        memcpy(e, b->page_keys + (size_t)i * DC_HOUSEHOLD_KEY_SIZE,
               DC_HOUSEHOLD_KEY_SIZE);
        e[12] = (uint8_t)end, e[13] = (uint8_t)(end >> 8);
    }
    memcpy(page + at, b->page_values, b->page_bytes);
    memcpy(b->fences + (size_t)b->seg_pages * DC_HOUSEHOLD_KEY_SIZE, b->page_keys,
           DC_HOUSEHOLD_KEY_SIZE);
    b->page_n = b->page_bytes = 0;
    if (++b->seg_pages == DC_SEGMENT_PAGES) return flush_segment(b);
    return DC_OK;
}

/* Append a household record to its page (a new one when it does not fit)
 * and to the fingerprint, as a record of its own. */
static dc_err put_household(builder *b, const uint8_t *key, const uint8_t *val,
                            size_t vlen)
{
    dc_err rc = DC_OK;
    if (DC_PAGE_VALUES(b->page_n + 1) + b->page_bytes + vlen > DC_PAGE_SIZE)
        rc = flush_page(b);
    if (rc != DC_OK) return rc;
    memcpy(b->page_keys + (size_t)b->page_n * DC_HOUSEHOLD_KEY_SIZE, key,
           DC_HOUSEHOLD_KEY_SIZE);
    memcpy(b->page_values + b->page_bytes, val, vlen);
    b->page_bytes += (uint32_t)vlen;
    b->page_ends[b->page_n++] = (uint16_t)b->page_bytes;
    hash_part(b->hasher, key, DC_HOUSEHOLD_KEY_SIZE);
    hash_part(b->hasher, val, vlen);
    return DC_OK;
}

static void household_key_bytes(const builder *b, size_t number,
                                uint8_t key[DC_HOUSEHOLD_KEY_SIZE])
{
    dc_put_be64(key, b->households[number].key);
    dc_put_be32(key + 8, b->households[number].b);
}

static dc_err write_household(builder *b, uint32_t number, const dc_household_input *h,
                              uint32_t door)
{
    uint8_t key[DC_HOUSEHOLD_KEY_SIZE], val[DC_HOUSEHOLD_FIXED + 2 * (1 + MAX_STR8)];
    uint32_t street, group;
    if (dc_strtab_intern(b->strings, h->street, str_len(h->street), &street) != DC_OK ||
        dc_strtab_intern(b->strings, h->group, str_len(h->group), &group) != DC_OK)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory interning strings");
    dc_put_le32(val, number);
    dc_put_i32(val + 4, h->lat_e7);
    dc_put_i32(val + 8, h->lon_e7);
    dc_put_le32(val + 12, street);
    dc_put_le32(val + 16, group);
    val[DC_HOUSEHOLD_DOOR] = (uint8_t)(door < DC_DOOR_MAX ? door : DC_DOOR_MAX);
    uint8_t *p = put_str8(val + DC_HOUSEHOLD_FIXED, h->id);
    p = put_str8(p, h->house_number);
    household_key_bytes(b, number, key);
    return put_household(b, key, val, (size_t)(p - val));
}

static dc_err write_households(builder *b)
{
    size_t n = b->in->nhouseholds, door_end = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == door_end) /* the first household at a code: find the last */
            for (door_end = i + 1;
                 door_end < n && b->households[door_end].key == b->households[i].key;
                 door_end++) {
            }
        uint32_t door = (uint32_t)(door_end - i + b->households[i].b);
        dc_err rc = write_household(b, (uint32_t)i, &b->in->households[i], door);
        if (rc != DC_OK) return rc;
        if ((i + 1) % PROGRESS_STEP == 0) progress(b, "write", i + 1, n);
    }
    dc_err rc = flush_page(b);
    return rc == DC_OK ? flush_segment(b) : rc;
}

static dc_err write_strings(builder *b)
{
    uint8_t key[4];
    for (uint32_t id = 1; id <= dc_strtab_count(b->strings); id++) {
        dc_str s = dc_strtab_string(b->strings, id);
        dc_put_be32(key, id);
        dc_err rc = put(b, DC_DB_STRINGS, key, 4, s.ptr, s.len);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

/* The key of every DC_NUMBER_STRIDE-th household, by number. */
static dc_err write_numbers(builder *b)
{
    uint8_t key[4], val[DC_HOUSEHOLD_KEY_SIZE];
    for (size_t i = 0; i < b->in->nhouseholds; i += DC_NUMBER_STRIDE) {
        dc_put_be32(key, (uint32_t)i);
        household_key_bytes(b, i, val);
        dc_err rc = put(b, DC_DB_NUMBERS, key, sizeof key, val, sizeof val);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

static dc_err write_ids(builder *b)
{
    uint8_t val[DC_HOUSEHOLD_KEY_SIZE];
    for (size_t i = 0; i < b->in->nhouseholds; i++) {
        const id_entry *e = &b->ids[i];
        household_key_bytes(b, e->number, val);
        dc_err rc =
            put(b, DC_DB_IDS, e->id, strlen((const char *)e->id), val, sizeof val);
        if (rc != DC_OK) return rc;
    }
    return DC_OK;
}

static void bbox_of_input(const builder *b, int32_t bbox[4])
{
    const dc_index_build_input *in = b->in;
    int32_t s = INT32_MAX, w = INT32_MAX, n = INT32_MIN, e = INT32_MIN;
    for (size_t i = 0; i < in->nhouseholds; i++) {
        const dc_household_input *h = &in->households[i];
        if (h->lat_e7 < s) s = h->lat_e7;
        if (h->lat_e7 > n) n = h->lat_e7;
        if (h->lon_e7 < w) w = h->lon_e7;
        if (h->lon_e7 > e) e = h->lon_e7;
    }
    for (size_t i = 0; in->nhouseholds == 0 && i < in->nzones; i++) {
        int32_t zs, zw, zn, ze;
        dc_polygon_bbox(&in->zones[i].polygon, &zs, &zw, &zn, &ze);
        if (zs < s) s = zs;
        if (zn > n) n = zn;
        if (zw < w) w = zw;
        if (ze > e) e = ze;
    }
    if (s > n) s = w = n = e = 0;
    bbox[0] = s;
    bbox[1] = w;
    bbox[2] = n;
    bbox[3] = e;
}

static dc_err put_meta(builder *b, const char *name, const void *val, size_t len)
{
    return put(b, DC_DB_META, name, strlen(name), val, len);
}

static dc_err put_meta_u64(builder *b, const char *name, uint64_t v)
{
    uint8_t buf[8];
    dc_put_le64(buf, v);
    return put_meta(b, name, buf, 8);
}

static dc_err sources_text(builder *b, size_t *len)
{
    size_t size = 1;
    for (size_t i = 0; i < b->in->nsources; i++)
        size += 48 + str_len(b->in->sources[i].path);
    dc_err rc = reserve(b, size);
    size_t at = 0;
    for (size_t i = 0; rc == DC_OK && i < b->in->nsources; i++) {
        const dc_source_info *s = &b->in->sources[i];
        at += (size_t)snprintf((char *)b->buf + at, size - at, "%llu\t%lld\t%s\n",
                               (unsigned long long)s->size, (long long)s->mtime,
                               s->path ? s->path : "");
    }
    *len = at;
    return rc;
}

static dc_err write_meta(builder *b, const uint8_t fingerprint[DC_FINGERPRINT_SIZE])
{
    uint8_t u32[4], bbox[16];
    int32_t box[4];
    size_t len = 0;
    bbox_of_input(b, box);
    for (int i = 0; i < 4; i++)
        dc_put_i32(bbox + 4 * i, box[i]);
    dc_err rc = put_meta(b, "magic", DC_INDEX_MAGIC, DC_INDEX_MAGIC_LEN);
    dc_put_le32(u32, DC_INDEX_FORMAT_VERSION);
    if (rc == DC_OK) rc = put_meta(b, "format_version", u32, 4);
    dc_put_le32(u32, DC_CODE_SCHEME_VERSION);
    if (rc == DC_OK) rc = put_meta(b, "code_scheme", u32, 4);
    if (rc == DC_OK) rc = put_meta_u64(b, "build_time", (uint64_t)b->in->build_time);
    if (rc == DC_OK) rc = put_meta_u64(b, "zones", b->in->nzones);
    if (rc == DC_OK) rc = put_meta_u64(b, "households", b->in->nhouseholds);
    if (rc == DC_OK) rc = put_meta_u64(b, "codes", b->ncodes);
    if (rc == DC_OK) rc = put_meta(b, "bbox", bbox, sizeof bbox);
    if (rc == DC_OK) rc = put_meta(b, "fingerprint", fingerprint, DC_FINGERPRINT_SIZE);
    if (rc == DC_OK) rc = sources_text(b, &len);
    if (rc == DC_OK) rc = put_meta(b, "sources", b->buf, len);
    return rc;
}

/* ---- the file --------------------------------------------------------- */

static size_t map_size(const builder *b)
{
    uint64_t size =
        (uint64_t)b->in->nhouseholds * 400 + (uint64_t)b->ngrid * 16 + (64u << 20);
    for (size_t i = 0; i < b->in->nzones; i++)
        size += 2 * (b->in->zones[i].polygon.size + 512);
    uint64_t mb = 1u << 20;
    return (size_t)((size + mb - 1) / mb * mb);
}

static dc_err write_all(builder *b, uint8_t fingerprint[DC_FINGERPRINT_SIZE])
{
    b->hasher = dc_hasher_start();
    if (!b->hasher) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for hashing");
    dc_err rc = write_zones(b);
    if (rc == DC_OK) rc = write_grid(b);
    if (rc == DC_OK) rc = write_households(b);
    if (rc == DC_OK) rc = write_strings(b);
    if (rc == DC_OK) rc = write_numbers(b);
    if (rc == DC_OK) rc = write_ids(b);
    if (rc != DC_OK) return rc;
    dc_hasher_finish(b->hasher, fingerprint);
    b->hasher = NULL;
    return write_meta(b, fingerprint);
}

/* ---- the whole build -------------------------------------------------- */

static dc_err check_input(const char *path, const dc_index_build_input *in, dc_error *err)
{
    if (!path || !in || (!in->zones && in->nzones) ||
        (!in->households && in->nhouseholds) || (!in->sources && in->nsources))
        return dc_error_set(err, DC_E_INVALID_ARG, "no index path or input given");
    if (in->nhouseholds > UINT32_MAX || in->nzones > DC_POSTCODES)
        return dc_error_set(err, DC_E_INVALID_ARG, "too many households or zones");
    return DC_OK;
}

static dc_err allocate(builder *b)
{
    size_t n = b->in->nhouseholds, nz = b->in->nzones;
    b->zone_of = malloc(DC_POSTCODES * sizeof *b->zone_of);
    b->zone_counts = calloc(nz ? nz : 1, sizeof *b->zone_counts);
    b->households = malloc((n ? n : 1) * sizeof *b->households);
    b->ids = malloc((n ? n : 1) * sizeof *b->ids);
    b->segment = malloc((size_t)DC_SEGMENT_PAGES * DC_PAGE_SIZE);
    b->fences = malloc((size_t)DC_SEGMENT_PAGES * DC_HOUSEHOLD_KEY_SIZE);
    b->strings = dc_strtab_open();
    if (!b->zone_of || !b->zone_counts || !b->households || !b->ids || !b->segment ||
        !b->fences || !b->strings)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory for %zu households", n);
    return DC_OK;
}

static void release(builder *b)
{
    dc_hasher_abort(b->hasher);
    dc_index_file_abandon(&b->file);
    free(b->zone_of);
    free(b->zone_counts);
    free(b->households);
    free(b->ids);
    free(b->segment);
    free(b->fences);
    free(b->grid);
    dc_strtab_close(b->strings);
    free(b->buf);
}

static dc_err prepare(builder *b)
{
    dc_err rc = validate_zones(b);
    if (rc == DC_OK) rc = validate_households(b);
    if (rc == DC_OK) rc = order_households(b);
    if (rc == DC_OK) rc = order_ids(b);
    if (rc == DC_OK) rc = count_codes(b);
    if (rc == DC_OK) rc = collect_grid(b);
    return rc;
}

dc_err dc_index_build(const char *path, dc_index_build_input *in,
                      dc_index_build_stats *stats, dc_error *err)
{
    builder b = {.in = in, .err = err};
    dc_index_build_stats st = {0};
    dc_err rc = check_input(path, in, err);
    if (rc != DC_OK) return rc;
    rc = allocate(&b);
    if (rc == DC_OK) rc = prepare(&b);
    if (rc == DC_OK) rc = dc_index_file_create(&b.file, path, map_size(&b), err);
    if (rc == DC_OK) rc = write_all(&b, st.fingerprint);
    if (rc == DC_OK) rc = dc_index_file_commit(&b.file, &st.file_bytes);
    if (rc == DC_OK) {
        st.zones = in->nzones;
        st.households = in->nhouseholds;
        st.codes = b.ncodes;
        st.shared_doors = b.shared_doors;
        progress(&b, "done", in->nhouseholds, in->nhouseholds);
    }
    release(&b); /* and, on failure, the temporary file */
    if (rc == DC_OK && stats) *stats = st;
    return rc;
}
