/*
 * batch_row.h - the run a batch's workers share, a worker, and one row.
 */
#ifndef DC_BATCH_ROW_H
#define DC_BATCH_ROW_H

#include "batch_internal.h"
#include "csv.h"

/* What every row of a run is looked up and written with; read-only once
 * the workers start. */
typedef struct batch_job {
    dc_batch_mode mode;
    char delim;
    int code_field, lat_field, lon_field;
    size_t header_fields;
    int default_eol; /* for a last record without a line ending */
    double radius_m;
} batch_job;

/* A lookup thread's own state, reused across rows. */
typedef struct batch_worker {
    const batch_job *job;
    dc_geo_session *session;
    dc_geo_forward_result *forward;
    dc_geo_reverse_result *reverse;
    dc_buf scratch; /* unquoted field values */
} batch_worker;

/*
 * Look up one record (@p len bytes, line ending excluded, not empty) and
 * append its output row to @p out, counting it in @p stats.
 * @return DC_OK, DC_E_NOMEM, or the engine's error
 */
dc_err dc_batch_row(batch_worker *w, const char *rec, size_t len, int eol, dc_buf *out,
                    dc_batch_stats *stats);

#endif
