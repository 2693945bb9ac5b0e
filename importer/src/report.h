/*
 * report.h - the validation report: one CSV row per rejected feature or
 * warning (severity, source, layer, feature, code, message), and the
 * counts the summary prints.
 */
#ifndef DC_IMPORT_REPORT_H
#define DC_IMPORT_REPORT_H

#include <stdio.h>

#include "diachi/import.h"
#include "source.h"

typedef struct dc_report {
    FILE *file; /* NULL: count only */
    const char *path;
    dc_import_summary *summary; /* counts go here */
} dc_report;

/** Open the report at @p path (NULL: counts only) and write its header. */
dc_err dc_report_open(dc_report *r, const char *path, dc_import_summary *summary,
                      dc_error *err);

/** One rejected feature; @p o may be NULL for a row about no one feature. */
void dc_report_reject(dc_report *r, const dc_feature_origin *o, dc_reject code,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** One warning: the feature was imported. */
void dc_report_warn(dc_report *r, const dc_feature_origin *o, dc_warning code,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Flush and close; DC_E_IO naming the path when any write failed. */
dc_err dc_report_close(dc_report *r, dc_error *err);

#endif
