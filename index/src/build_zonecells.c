/*
 * build_zonecells.c - the zone grid's sub-grid (zonecells.c,
 * zonecells_value.c) computed from the zones before the file is made, so
 * that the map is sized for it, and written after every content database
 * (build_zonecells.h). It is derived from zones and zonegrid, so it is not
 * part of the fingerprint: dc_index_check recomputes it instead.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "build_record.h"
#include "build_zonecells.h"

/*
 * The values are computed in chunks of ZC_CHUNK_CELLS zone grid cells,
 * shared out between the calling thread and one more per online CPU (at
 * most ZC_THREADS in all), each taking the next chunk as it is done; the
 * chunks' values are then put back to back in key order, so the bytes are
 * those of one thread's walk.
 */
#define ZC_THREADS 4
#define ZC_CHUNK_CELLS 64

typedef struct zc_chunk {
    uint8_t *bytes;
    size_t len, cap;
    uint64_t *values; /* cell << 32 | size */
    size_t nvalues, capvalues;
} zc_chunk;

typedef struct zc_job {
    const dc_builder *b;
    const size_t *cell_start; /* b->grid index of each cell's first pair */
    size_t ncells, nchunks;
    zc_chunk *chunks;
    atomic_size_t next;
    atomic_int rc;
} zc_job;

/* The candidates of the zone grid cell at b->grid[i .. j), as they are
 * stored: little-endian u32 postcodes. */
static dc_err grid_postcodes(const dc_builder *b, size_t i, size_t j, uint8_t **buf,
                             size_t *cap)
{
    if (4 * (j - i) > *cap) {
        uint8_t *p = realloc(*buf, 4 * (j - i));
        if (!p) return DC_E_NOMEM;
        *buf = p;
        *cap = 4 * (j - i);
    }
    for (size_t k = i; k < j; k++)
        dc_put_le32(*buf + 4 * (k - i), b->grid[k].value);
    return DC_OK;
}

/* Append @p size bytes of @p value, cell @p cell's, to chunk @p c. */
static dc_err chunk_add(zc_chunk *c, uint32_t cell, const uint8_t *value, size_t size)
{
    if (c->nvalues == c->capvalues) {
        size_t cap = c->capvalues ? 2 * c->capvalues : 64;
        uint64_t *v = realloc(c->values, cap * sizeof *v);
        if (!v) return DC_E_NOMEM;
        c->values = v;
        c->capvalues = cap;
    }
    if (c->len + size > c->cap) {
        size_t cap = 2 * (c->len + size);
        uint8_t *p = realloc(c->bytes, cap);
        if (!p) return DC_E_NOMEM;
        c->bytes = p;
        c->cap = cap;
    }
    memcpy(c->bytes + c->len, value, size);
    c->values[c->nvalues++] = (uint64_t)cell << 32 | size;
    c->len += size;
    return DC_OK;
}

/* The values of the cells of chunk @p k (none for too many candidates:
 * the reader tests them all). */
static dc_err chunk_values(zc_job *job, size_t k, uint8_t **postcodes, size_t *pcap,
                           uint8_t **value, size_t *vcap)
{
    const dc_builder *b = job->b;
    size_t last = (k + 1) * ZC_CHUNK_CELLS;
    if (last > job->ncells) last = job->ncells;
    dc_err rc = DC_OK;
    for (size_t c = k * ZC_CHUNK_CELLS; rc == DC_OK && c < last; c++) {
        size_t i = job->cell_start[c], j = job->cell_start[c + 1], size;
        uint32_t cell = (uint32_t)(b->grid[i].key >> 32);
        if (j - i > DC_ZC_MAX_CANDIDATES) continue;
        rc = grid_postcodes(b, i, j, postcodes, pcap);
        if (rc == DC_OK)
            rc = dc_zonecells_value(b->zc.cells, cell, *postcodes, (uint32_t)(j - i),
                                    value, vcap, &size);
        if (rc == DC_OK) rc = chunk_add(&job->chunks[k], cell, *value, size);
    }
    return rc;
}

static void *values_work(void *arg)
{
    zc_job *job = arg;
    uint8_t *postcodes = NULL, *value = NULL;
    size_t pcap = 0, vcap = 0;
    for (;;) {
        size_t k = atomic_fetch_add(&job->next, 1);
        if (k >= job->nchunks || atomic_load(&job->rc) != DC_OK) break;
        dc_err rc = chunk_values(job, k, &postcodes, &pcap, &value, &vcap);
        if (rc != DC_OK) atomic_store(&job->rc, rc);
    }
    free(postcodes);
    free(value);
    return NULL;
}

static void run_values(zc_job *job)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = cpus < 1 ? 1 : cpus > ZC_THREADS ? ZC_THREADS : (size_t)cpus;
    if (want > job->nchunks) want = job->nchunks;
    pthread_t helper[ZC_THREADS];
    size_t started = 0;
    while (started + 1 < want &&
           pthread_create(&helper[started], NULL, values_work, job) == 0)
        started++;
    values_work(job);
    for (size_t t = 0; t < started; t++)
        pthread_join(helper[t], NULL);
}

/* The chunks' values back to back into b->zc, in key order. */
static dc_err join_chunks(dc_builder *b, const zc_job *job)
{
    struct dc_build_zonecells *zc = &b->zc;
    size_t len = 0, n = 0;
    for (size_t k = 0; k < job->nchunks; k++) {
        len += job->chunks[k].len;
        n += job->chunks[k].nvalues;
    }
    zc->bytes = malloc(len ? len : 1);
    zc->values = malloc((n ? n : 1) * sizeof *zc->values);
    if (!zc->bytes || !zc->values) return DC_E_NOMEM;
    zc->cap = len ? len : 1;
    for (size_t k = 0; k < job->nchunks; k++) {
        const zc_chunk *c = &job->chunks[k];
        if (c->len) memcpy(zc->bytes + zc->len, c->bytes, c->len);
        if (c->nvalues) memcpy(zc->values + zc->nvalues, c->values, c->nvalues * 8);
        zc->len += c->len;
        zc->nvalues += c->nvalues;
    }
    return DC_OK;
}

static dc_err compute_values(dc_builder *b)
{
    zc_job job = {.b = b};
    atomic_init(&job.next, 0);
    atomic_init(&job.rc, DC_OK);
    size_t *start = malloc((b->ngrid + 1) * sizeof *start);
    if (!start) return DC_E_NOMEM;
    for (size_t i = 0; i < b->ngrid; i++)
        if (i == 0 || b->grid[i].key >> 32 != b->grid[i - 1].key >> 32)
            start[job.ncells++] = i;
    start[job.ncells] = b->ngrid;
    job.cell_start = start;
    job.nchunks = (job.ncells + ZC_CHUNK_CELLS - 1) / ZC_CHUNK_CELLS;
    job.chunks = calloc(job.nchunks ? job.nchunks : 1, sizeof *job.chunks);
    dc_err rc = job.chunks ? DC_OK : DC_E_NOMEM;
    if (rc == DC_OK) run_values(&job);
    if (rc == DC_OK) rc = (dc_err)atomic_load(&job.rc);
    if (rc == DC_OK) rc = join_chunks(b, &job);
    for (size_t k = 0; job.chunks && k < job.nchunks; k++) {
        free(job.chunks[k].bytes);
        free(job.chunks[k].values);
    }
    free(job.chunks);
    free(start);
    return rc;
}

dc_err dc_build_prepare_zonecells(dc_builder *b)
{
    size_t n = 0;
    b->zc.zones = malloc((b->in->nzones ? b->in->nzones : 1) * sizeof *b->zc.zones);
    if (!b->zc.zones)
        return dc_error_set(b->err, DC_E_NOMEM, "out of memory (zone cells)");
    for (uint32_t p = 0; p < DC_POSTCODES; p++)
        if (b->zone_of[p] >= 0)
            b->zc.zones[n++] = (dc_zc_zone){p, b->in->zones[b->zone_of[p]].polygon};
    dc_err rc = dc_zonecells_prepare(b->zc.zones, n, &b->zc.cells);
    if (rc == DC_OK) rc = compute_values(b);
    dc_build_progress(b, "zone cells", b->ngrid, b->ngrid);
    return rc == DC_OK ? DC_OK : dc_error_set(b->err, rc, "out of memory (zone cells)");
}

uint64_t dc_build_zonecells_bytes(const dc_builder *b)
{
    /* A value over a page's worth is its own run of pages. */
    return b->zc.len + (uint64_t)b->zc.nvalues * (DC_PAGE_SIZE + 64);
}

dc_err dc_build_write_zonecells(dc_builder *b)
{
    const uint8_t *p = b->zc.bytes;
    for (size_t i = 0; i < b->zc.nvalues; i++) {
        uint8_t key[4];
        size_t size = (uint32_t)b->zc.values[i];
        dc_put_be32(key, (uint32_t)(b->zc.values[i] >> 32));
        dc_err rc = dc_build_put(b, DC_DB_ZONECELLS, key, 4, p, size);
        if (rc != DC_OK) return rc;
        p += size;
    }
    return DC_OK;
}

void dc_build_free_zonecells(dc_builder *b)
{
    dc_zonecells_free(b->zc.cells);
    free(b->zc.zones);
    free(b->zc.values);
    free(b->zc.bytes);
}
