/*
 * batch_internal.h - what the batch module's source files share.
 */
#ifndef DC_BATCH_INTERNAL_H
#define DC_BATCH_INTERNAL_H

#include "buf.h"
#include "diachi/batch.h"

/* The delimiter of a header record: the commonest of comma, semicolon and
 * tab outside quotes; comma when none appears. */
char dc_batch_detect_delimiter(const char *rec, size_t len);

/* The first data rows, whose values tell the columns when the header's
 * names do not. */
#define DC_BATCH_SAMPLE_ROWS 100
typedef struct dc_batch_sample {
    const char *rec[DC_BATCH_SAMPLE_ROWS];
    size_t len[DC_BATCH_SAMPLE_ROWS];
    size_t n;
} dc_batch_sample;

/*
 * Choose the mode and the columns from the header record (and, when its
 * names do not tell, the values of @p rows), as the options ask; sets
 * rep->mode and rep->*_field, or rep->problem and rep->message.
 * @return DC_OK, DC_E_INVALID_ARG (no_column, ambiguous_column), DC_E_NOMEM
 */
dc_err dc_batch_find_columns(const char *rec, size_t len, char delim,
                             const dc_batch_sample *rows, const dc_batch_options *opt,
                             dc_batch_report *rep);

/*
 * Append the names of the columns @p mode (and @p convert) appends, each
 * after @p delim, to @p out: DC_BATCH_FORWARD_COLUMNS, DC_BATCH_CONVERT_COLUMNS
 * and the others, a name the header record already has prefixed with
 * "diachi_" until it is new.
 * @return DC_OK, DC_E_NOMEM
 */
dc_err dc_batch_appended_names(const char *rec, size_t len, char delim,
                               dc_batch_mode mode, bool convert, dc_buf *out);

/* True when @p s holds only spaces and tabs. */
bool dc_batch_blank(const char *s, size_t n);

/*
 * A coordinate as a spreadsheet writes it: spaces around it ignored, and a
 * decimal comma ("21,3862", the Vietnamese locale's) read as a point when
 * it is the only separator. True with *out set when it lies in [lo, hi].
 */
bool dc_batch_parse_degrees(const char *s, size_t n, double lo, double hi, double *out);

/* A problem into the report: its kind, line and message. Returns @p rc. */
dc_err dc_batch_fail(dc_batch_report *rep, dc_err rc, dc_batch_problem problem,
                     uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
