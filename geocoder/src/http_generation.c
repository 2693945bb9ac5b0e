/*
 * http_generation.c - the index generations that make a reload safe: each
 * opened index is counted by the requests (and streamed answers) that read
 * from it, and closes when the last lets it go.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "http_internal.h"

/* Open @p path and check it answers: the first household's code must come
 * back ok. A full dc_index_check reads every record (seconds per million
 * households) and the build already verified them; this catches a file
 * that opens but is not what it claims. */
dc_err dc_http_generation_open(const char *path, dc_generation **out, dc_error *err)
{
    dc_generation *gen = calloc(1, sizeof *gen);
    dc_geo_session *s = NULL;
    dc_household h;
    if (!gen) return dc_error_set(err, DC_E_NOMEM, "out of memory");
    dc_err rc = dc_geo_open(path, &gen->geo, err);
    if (rc != DC_OK) goto fail;
    const dc_index_meta *m = dc_index_info(dc_geo_index(gen->geo));
    memcpy(gen->fingerprint, m->fingerprint_hex, sizeof gen->fingerprint);
    gen->fingerprint[DC_FINGERPRINT_HEX_SIZE - 1] = '\0';
    snprintf(gen->etag, sizeof gen->etag, "\"%.32s\"", gen->fingerprint);
    snprintf(gen->etag_geojson, sizeof gen->etag_geojson, "\"%.32s-geojson\"",
             gen->fingerprint);
    gen->build_time = m->build_time;
    gen->households = m->households;
    gen->zones = m->zones;
    if ((rc = dc_geo_session_begin(gen->geo, &s)) != DC_OK) goto fail;
    if (m->households) {
        rc = dc_index_household(dc_geo_session_txn(s), 0, &h);
        dc_geo_forward_result *r = rc == DC_OK ? malloc(sizeof *r) : NULL;
        char code[DC_CODE_COMPACT_SIZE];
        if (rc == DC_OK && !r) rc = DC_E_NOMEM;
        if (rc == DC_OK) rc = dc_code_format(&h.code, DC_CODE_COMPACT, code, sizeof code);
        if (rc == DC_OK) rc = dc_geo_forward(s, code, strlen(code), r);
        if (rc == DC_OK && r->status != DC_GEO_OK) rc = DC_E_INDEX_CORRUPT;
        free(r);
        if (rc != DC_OK) {
            dc_error_set(err, rc, "%s: the first household's code does not look up: %s",
                         path, dc_strerror(rc));
            goto fail;
        }
    }
    dc_geo_session_end(s);
    atomic_init(&gen->refs, 1);
    *out = gen;
    return DC_OK;
fail:
    dc_geo_session_end(s);
    dc_geo_close(gen->geo);
    free(gen);
    return rc;
}

dc_generation *dc_http_acquire(dc_http *srv)
{
    pthread_mutex_lock(&srv->lock);
    dc_generation *gen = srv->current;
    atomic_fetch_add_explicit(&gen->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&srv->lock);
    return gen;
}

dc_generation *dc_http_hold(dc_generation *gen)
{
    atomic_fetch_add_explicit(&gen->refs, 1, memory_order_relaxed);
    return gen;
}

void dc_http_release(dc_generation *gen)
{
    if (!gen) return;
    if (atomic_fetch_sub_explicit(&gen->refs, 1, memory_order_acq_rel) != 1) return;
    dc_geo_close(gen->geo);
    free(gen);
}
