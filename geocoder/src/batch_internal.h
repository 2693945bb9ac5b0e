/*
 * batch_internal.h - what the batch module's source files share.
 */
#ifndef DC_BATCH_INTERNAL_H
#define DC_BATCH_INTERNAL_H

#include "diachi/batch.h"

/* The delimiter of a header record: the commonest of comma, semicolon and
 * tab outside quotes; comma when none appears. */
char dc_batch_detect_delimiter(const char *rec, size_t len);

/*
 * Choose the mode and the columns from the header record, as the options
 * ask; sets rep->mode and rep->*_field, or rep->problem and rep->message.
 * @return DC_OK, DC_E_INVALID_ARG (no_column, ambiguous_column), DC_E_NOMEM
 */
dc_err dc_batch_find_columns(const char *rec, size_t len, char delim,
                             const dc_batch_options *opt, dc_batch_report *rep);

/* A problem into the report: its kind, line and message. Returns @p rc. */
dc_err dc_batch_fail(dc_batch_report *rep, dc_err rc, dc_batch_problem problem,
                     uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
