/*
 * index_build.c - dc_index_build and dc_index_writer: writing a new index
 * file (docs/FORMAT.md section 2).
 *
 * The writer validates the zones first (build_validate.c) and lays out the
 * zone grid and its sub-grid (build_order.c, build_zonecells.c). Each
 * household added is validated and handed to two sorters, by place and by
 * id (build_order.c), which find the duplicate ids when the input closes.
 * Then every database is written in key order with MDB_APPEND in a single
 * write transaction (build_write.c, build_households.c, build_meta.c),
 * each record hashed into the content fingerprint on a second thread on
 * the way (hasher.c). The file's own life (a temporary file beside the
 * target, reserved, committed, sealed, synced and renamed over it) is
 * index_file.c's.
 */
#include <stdlib.h>

#include "diachi/history.h"

#include "build.h"
#include "build_history.h"
#include "build_meta.h"
#include "build_order.h"
#include "build_search.h"
#include "build_validate.h"
#include "build_write.h"
#include "build_zonecells.h"
#include "hasher.h"
#include "index_file.h"

struct dc_index_writer {
    dc_builder b;
};

static size_t map_size(const dc_builder *b)
{
    uint64_t size = b->kept * 400 + (uint64_t)b->ngrid * 16 + (64u << 20);
    for (size_t i = 0; i < b->in->nzones; i++)
        size += 2 * (b->in->zones[i].polygon.size + 512);
    for (size_t i = 0; b->in->history && i < b->in->history->npast_zones; i++)
        size += 2 * (b->in->history->past_zones[i].zone.polygon.size + 512);
    size += dc_build_zonecells_bytes(b);
    uint64_t mb = 1u << 20;
    return (size_t)((size + mb - 1) / mb * mb);
}

/* The bytes the file will surely use, to fault in ahead of the writer:
 * the zones and their sub-grid, and 60 bytes a household (format 6 takes
 * 68 to 97 with the ids, numbers and pages' slack). */
static size_t used_at_least(const dc_builder *b)
{
    uint64_t size = b->kept * 60 + dc_build_zonecells_bytes(b);
    for (size_t i = 0; i < b->in->nzones; i++)
        size += b->in->zones[i].polygon.size;
    return (size_t)size;
}

static dc_err write_all(dc_builder *b, uint8_t fingerprint[DC_FINGERPRINT_SIZE])
{
    b->hasher = dc_hasher_start();
    if (!b->hasher) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for hashing");
    dc_err rc = dc_build_write_records(b);
    if (rc == DC_OK)
        rc = dc_build_write_history(b); /* after the ids, as the format orders */
    if (rc == DC_OK) rc = dc_build_write_zonecells(b);
    if (rc == DC_OK) rc = dc_build_write_search(b);
    if (rc != DC_OK) return rc;
    dc_hasher_finish(b->hasher, fingerprint);
    b->hasher = NULL;
    return dc_build_write_meta(b, fingerprint);
}

static dc_err check_input(const char *path, const dc_index_build_input *in, dc_error *err)
{
    if (!path || !in || (!in->zones && in->nzones) || (!in->sources && in->nsources))
        return dc_error_set(err, DC_E_INVALID_ARG, "no index path or input given");
    if (in->nzones > DC_POSTCODES)
        return dc_error_set(err, DC_E_INVALID_ARG, "too many households or zones");
    return DC_OK;
}

/* The budget is shared by the two orders in proportion to their records:
 * by place about 50 bytes a household with its entry, by id about 45. */
static dc_err allocate(dc_builder *b, const char *path, size_t memory)
{
    size_t nz = b->in->nzones;
    if (memory == 0) memory = DC_INDEX_WRITER_MEMORY;
    if (memory < 2 * DC_SORTER_MIN_MEMORY) memory = 2 * DC_SORTER_MIN_MEMORY;
    size_t by_place = memory / 100 * 53;
    b->zone_of = malloc(DC_POSTCODES * sizeof *b->zone_of);
    b->zone_counts = calloc(nz ? nz : 1, sizeof *b->zone_counts);
    b->segment = malloc((size_t)DC_SEGMENT_PAGES * DC_PAGE_SIZE);
    b->fences = malloc((size_t)DC_SEGMENT_PAGES * DC_HOUSEHOLD_KEY_SIZE);
    b->strings = dc_strtab_open();
    b->provisional = dc_strtab_open();
    b->by_place = dc_sorter_open(by_place, path);
    b->by_id = dc_sorter_open(memory - by_place, path);
    if (!b->zone_of || !b->zone_counts || !b->segment || !b->fences || !b->strings ||
        !b->provisional || !b->by_place || !b->by_id)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory for the index build");
    return DC_OK;
}

static void release(dc_builder *b)
{
    dc_hasher_abort(b->hasher);
    dc_index_file_abandon(&b->file);
    free(b->zone_of);
    free(b->zone_counts);
    dc_sorter_close(b->by_place);
    dc_sorter_close(b->by_id);
    free(b->dropped);
    free(b->has_seq);
    free(b->shared_seqs);
    free(b->final_id);
    free(b->number_keys);
    free(b->segment);
    free(b->fences);
    free(b->grid);
    dc_build_free_zonecells(b);
    dc_build_free_search(b);
    dc_strtab_close(b->strings);
    dc_strtab_close(b->provisional);
    free(b->buf);
}

dc_err dc_index_writer_open(const char *path, const dc_index_build_input *in,
                            size_t memory, dc_index_writer **out, dc_error *err)
{
    *out = NULL;
    dc_err rc = check_input(path, in, err);
    if (rc != DC_OK) return rc;
    dc_index_writer *w = calloc(1, sizeof *w);
    if (!w) return dc_error_set(err, DC_E_NOMEM, "out of memory for the index build");
    dc_builder *b = &w->b;
    b->in = in;
    b->err = err;
    b->path = path;
    rc = allocate(b, path, memory);
    if (rc == DC_OK) rc = dc_build_validate_zones(b);
    if (rc == DC_OK) rc = dc_build_validate_history(b);
    if (rc == DC_OK) rc = dc_build_collect_grid(b);
    if (rc == DC_OK) rc = dc_build_prepare_zonecells(b);
    if (rc != DC_OK) {
        dc_index_writer_free(w);
        return rc;
    }
    *out = w;
    return DC_OK;
}

int dc_index_writer_holds(const dc_index_writer *w, uint32_t postcode, int32_t lat_e7,
                          int32_t lon_e7)
{
    return dc_build_holds(&w->b, postcode, lat_e7, lon_e7);
}

dc_err dc_index_writer_add(dc_index_writer *w, const dc_household_input *h, uint64_t tag)
{
    dc_builder *b = &w->b;
    if (b->input_closed)
        return dc_error_set(b->err, DC_E_INVALID_ARG, "household added after the last");
    dc_err rc = dc_build_validate_household(b, h);
    return rc == DC_OK ? dc_build_order_add(b, h, tag) : rc;
}

dc_err dc_index_writer_close_input(dc_index_writer *w, dc_duplicate_fn dup, void *ctx,
                                   uint64_t *kept)
{
    dc_builder *b = &w->b;
    if (b->input_closed)
        return dc_error_set(b->err, DC_E_INVALID_ARG,
                            "the households were closed already");
    b->input_closed = 1;
    dc_err rc = dc_build_order_close(b, dup, ctx);
    if (rc == DC_OK && kept) *kept = b->kept;
    return rc;
}

dc_err dc_index_writer_finish(dc_index_writer *w, dc_index_build_stats *stats)
{
    dc_builder *b = &w->b;
    dc_index_build_stats st = {0};
    dc_err rc = DC_OK;
    if (!b->input_closed) rc = dc_index_writer_close_input(w, NULL, NULL, NULL);
    if (rc == DC_OK) rc = dc_index_file_create(&b->file, b->path, map_size(b), b->err);
    if (rc == DC_OK) dc_index_file_prefault(&b->file, used_at_least(b));
    if (rc == DC_OK) rc = write_all(b, st.fingerprint);
    if (rc == DC_OK) rc = dc_index_file_commit(&b->file, &st.file_bytes);
    if (rc != DC_OK) return rc;
    st.zones = b->in->nzones;
    st.households = b->kept;
    st.codes = b->ncodes;
    st.shared_doors = b->shared_doors;
    st.sort_runs = dc_sorter_runs(b->by_place) + dc_sorter_runs(b->by_id);
    st.sort_bytes = dc_sorter_spilled(b->by_place) + dc_sorter_spilled(b->by_id);
    dc_build_progress(b, "done", b->kept, b->kept);
    if (stats) *stats = st;
    return DC_OK;
}

void dc_index_writer_free(dc_index_writer *w)
{
    if (!w) return;
    release(&w->b); /* and the temporary file of a build not finished */
    free(w);
}

dc_err dc_index_build(const char *path, dc_index_build_input *in,
                      dc_index_build_stats *stats, dc_error *err)
{
    dc_index_writer *w;
    if (in && !in->households && in->nhouseholds)
        return dc_error_set(err, DC_E_INVALID_ARG, "no index path or input given");
    if (in && in->nhouseholds > UINT32_MAX)
        return dc_error_set(err, DC_E_INVALID_ARG, "too many households or zones");
    dc_err rc = dc_index_writer_open(path, in, 0, &w, err);
    for (size_t i = 0; rc == DC_OK && i < in->nhouseholds; i++)
        rc = dc_index_writer_add(w, &in->households[i], i);
    if (rc == DC_OK) rc = dc_index_writer_finish(w, stats);
    dc_index_writer_free(w);
    return rc;
}
