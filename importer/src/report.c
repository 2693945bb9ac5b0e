/* report.c - the import's validation report (CSV, RFC 4180). */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "diachi/csv.h"

static const char *const reject_names[DC_REJECT_COUNT] = {
    [DC_REJECT_ZONE_NO_POSTCODE] = "zone_no_postcode",
    [DC_REJECT_ZONE_BAD_POSTCODE] = "zone_bad_postcode",
    [DC_REJECT_ZONE_NULL_GEOMETRY] = "zone_null_geometry",
    [DC_REJECT_ZONE_NOT_POLYGON] = "zone_not_polygon",
    [DC_REJECT_ZONE_INVALID] = "zone_invalid_geometry",
    [DC_REJECT_ZONE_POSTCODE_CONFLICT] = "zone_postcode_conflict",
    [DC_REJECT_ZONE_TOO_LARGE] = "zone_too_large",
    [DC_REJECT_NULL_GEOMETRY] = "null_geometry",
    [DC_REJECT_NOT_POINT] = "not_point",
    [DC_REJECT_EMPTY_ID] = "empty_id",
    [DC_REJECT_DUPLICATE_ID] = "duplicate_id",
    [DC_REJECT_OUTSIDE_ZONES] = "outside_zones",
    [DC_REJECT_BAD_POSITION] = "bad_position",
    [DC_REJECT_FIELD_TOO_LONG] = "field_too_long",
};

static const char *const warning_names[DC_WARN_COUNT] = {
    [DC_WARN_ZONE_REPAIRED] = "zone_repaired",
    [DC_WARN_ZONE_MERGED] = "zone_merged",
    [DC_WARN_ZONE_OVERLAP] = "zone_overlap",
    [DC_WARN_CODE_MISMATCH] = "code_mismatch",
    [DC_WARN_BAD_CODE] = "bad_code",
    [DC_WARN_LAYER_SKIPPED] = "layer_skipped",
    [DC_WARN_LAYER_EMPTY] = "layer_empty",
    [DC_WARN_ENCODING_MISMATCH] = "encoding_mismatch",
    [DC_WARN_EDITION_GAP] = "edition_gap",
    [DC_WARN_HISTORY_ROW] = "history_bad_row",
    [DC_WARN_HISTORY_UNKNOWN] = "history_unknown_postcode",
    [DC_WARN_HISTORY_CONTRADICTED] = "history_contradicted",
    [DC_WARN_HISTORY_MISSING] = "history_missing",
    [DC_WARN_POSTCODE_REUSED] = "postcode_reused",
    [DC_WARN_ZONE_NO_OLD_HOUSEHOLDS] = "zone_no_old_households",
};

const char *dc_reject_name(dc_reject r)
{
    return (unsigned)r < DC_REJECT_COUNT ? reject_names[r] : "unknown";
}

const char *dc_warning_name(dc_warning w)
{
    return (unsigned)w < DC_WARN_COUNT ? warning_names[w] : "unknown";
}

static void put_row(dc_report *r, const char *severity, const dc_feature_origin *o,
                    const char *code, const char *fmt, va_list ap)
{
    if (!r->file) return;
    char message[512], fid[24] = "";
    vsnprintf(message, sizeof message, fmt, ap);
    if (o && o->fid >= 0) snprintf(fid, sizeof fid, "%" PRId64, o->fid);
    dc_csv_write_field(r->file, severity, ',');
    fputc(',', r->file);
    dc_csv_write_field(r->file, o ? o->source : "", ',');
    fputc(',', r->file);
    dc_csv_write_field(r->file, o ? o->layer : "", ',');
    fputc(',', r->file);
    fputs(fid, r->file);
    fputc(',', r->file);
    dc_csv_write_field(r->file, code, ',');
    fputc(',', r->file);
    dc_csv_write_field(r->file, message, ',');
    fputs("\r\n", r->file);
}

dc_err dc_report_open(dc_report *r, const char *path, dc_import_summary *summary,
                      dc_error *err)
{
    memset(r, 0, sizeof *r);
    r->summary = summary;
    r->path = path;
    if (!path) return DC_OK;
    r->file = fopen(path, "w");
    if (!r->file) {
        if (err) {
            err->code = DC_E_IO;
            snprintf(err->message, sizeof err->message, "cannot write report %s: %s",
                     path, strerror(errno));
        }
        return DC_E_IO;
    }
    fputs("severity,source,layer,feature,code,message\r\n", r->file);
    return DC_OK;
}

void dc_report_reject(dc_report *r, const dc_feature_origin *o, dc_reject code,
                      const char *fmt, ...)
{
    va_list ap;
    r->summary->rejected++;
    r->summary->rejected_by[code]++;
    va_start(ap, fmt);
    put_row(r, "rejected", o, dc_reject_name(code), fmt, ap);
    va_end(ap);
}

void dc_report_warn(dc_report *r, const dc_feature_origin *o, dc_warning code,
                    const char *fmt, ...)
{
    va_list ap;
    r->summary->warnings++;
    r->summary->warned_by[code]++;
    va_start(ap, fmt);
    put_row(r, "warning", o, dc_warning_name(code), fmt, ap);
    va_end(ap);
}

dc_err dc_report_close(dc_report *r, dc_error *err)
{
    if (!r->file) return DC_OK;
    int bad = ferror(r->file);
    bad |= fclose(r->file) != 0;
    r->file = NULL;
    if (!bad) return DC_OK;
    if (err) {
        err->code = DC_E_IO;
        snprintf(err->message, sizeof err->message, "writing report %s failed", r->path);
    }
    return DC_E_IO;
}
