/*
 * index_build.c - dc_index_build: writing a new index file
 * (docs/FORMAT.md section 2).
 *
 * The build validates everything first (build_validate.c), then orders the
 * households, ids and zone grid (build_order.c) and computes the zone
 * grid's sub-grid (build_zonecells.c), and writes every database
 * in key order with MDB_APPEND in a single write transaction
 * (build_write.c, build_meta.c), hashing each record into the content
 * fingerprint on a second thread on the way (hasher.c). The file's own life
 * (a temporary file beside the target, reserved, committed, sealed, synced
 * and renamed over it) is index_file.c's.
 */
#include <stdlib.h>

#include "build.h"
#include "build_meta.h"
#include "build_order.h"
#include "build_validate.h"
#include "build_write.h"
#include "build_zonecells.h"
#include "hasher.h"
#include "index_file.h"

static size_t map_size(const dc_builder *b)
{
    uint64_t size =
        (uint64_t)b->in->nhouseholds * 400 + (uint64_t)b->ngrid * 16 + (64u << 20);
    for (size_t i = 0; i < b->in->nzones; i++)
        size += 2 * (b->in->zones[i].polygon.size + 512);
    size += dc_build_zonecells_bytes(b);
    uint64_t mb = 1u << 20;
    return (size_t)((size + mb - 1) / mb * mb);
}

static dc_err write_all(dc_builder *b, uint8_t fingerprint[DC_FINGERPRINT_SIZE])
{
    b->hasher = dc_hasher_start();
    if (!b->hasher) return dc_error_set(b->err, DC_E_NOMEM, "out of memory for hashing");
    dc_err rc = dc_build_write_records(b);
    if (rc == DC_OK) rc = dc_build_write_zonecells(b);
    if (rc != DC_OK) return rc;
    dc_hasher_finish(b->hasher, fingerprint);
    b->hasher = NULL;
    return dc_build_write_meta(b, fingerprint);
}

static dc_err check_input(const char *path, const dc_index_build_input *in, dc_error *err)
{
    if (!path || !in || (!in->zones && in->nzones) ||
        (!in->households && in->nhouseholds) || (!in->sources && in->nsources))
        return dc_error_set(err, DC_E_INVALID_ARG, "no index path or input given");
    if (in->nhouseholds > UINT32_MAX || in->nzones > DC_POSTCODES)
        return dc_error_set(err, DC_E_INVALID_ARG, "too many households or zones");
    return DC_OK;
}

static dc_err allocate(dc_builder *b)
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

static void release(dc_builder *b)
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
    dc_build_free_zonecells(b);
    dc_strtab_close(b->strings);
    free(b->buf);
}

static dc_err prepare(dc_builder *b)
{
    dc_err rc = dc_build_validate_zones(b);
    if (rc == DC_OK) rc = dc_build_validate_households(b);
    if (rc == DC_OK) rc = dc_build_order_households(b);
    if (rc == DC_OK) rc = dc_build_order_ids(b);
    if (rc == DC_OK) rc = dc_build_count_codes(b);
    if (rc == DC_OK) rc = dc_build_collect_grid(b);
    if (rc == DC_OK) rc = dc_build_prepare_zonecells(b);
    return rc;
}

dc_err dc_index_build(const char *path, dc_index_build_input *in,
                      dc_index_build_stats *stats, dc_error *err)
{
    dc_builder b = {.in = in, .err = err};
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
        dc_build_progress(&b, "done", in->nhouseholds, in->nhouseholds);
    }
    release(&b); /* and, on failure, the temporary file */
    if (rc == DC_OK && stats) *stats = st;
    return rc;
}
