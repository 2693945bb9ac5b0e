/* error.c - names and descriptions of dc_err values, and LMDB's results
 * translated into them. */
#include "diachi/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <lmdb.h>

#include "index_internal.h"

typedef struct dc_err_entry {
    dc_err err;
    const char *name;
    const char *text;
} dc_err_entry;

/* One row per code: the name is part of the API (logs, JSON), never reword it. */
static const dc_err_entry dc_err_table[] = {
    {DC_OK, "ok", "success"},
    {DC_E_INVALID_ARG, "invalid_argument", "invalid argument"},
    {DC_E_BUFFER, "buffer_too_small", "output buffer too small"},
    {DC_E_NOMEM, "out_of_memory", "out of memory"},
    {DC_E_NOT_FOUND, "not_found", "not found"},
    {DC_E_IO, "io_error", "input/output error"},
    {DC_E_CODE_EMPTY, "code_empty", "code is empty"},
    {DC_E_CODE_LENGTH, "code_length", "code has the wrong number of characters"},
    {DC_E_CODE_POSTCODE, "code_postcode", "postcode part is not 5 digits"},
    {DC_E_CODE_CHAR, "code_character", "character not in the code alphabet"},
    {DC_E_CODE_LOOKALIKE, "code_lookalike",
     "a Cyrillic or Greek letter that looks like a Latin one"},
    {DC_E_POINT_SYNTAX, "point_syntax", "not a latitude and longitude"},
    {DC_E_OLC_INVALID, "olc_invalid", "not a valid Open Location Code"},
    {DC_E_OLC_NOT_FULL, "olc_not_full", "not a full Open Location Code"},
    {DC_E_OLC_NOT_SHORT, "olc_not_short", "not a short Open Location Code"},
    {DC_E_OLC_PADDED, "olc_padded", "a padded Open Location Code cannot be shortened"},
    {DC_E_OLC_LENGTH, "olc_length", "Open Location Code length must be 2..15"},
    {DC_E_INDEX_FORMAT, "index_format", "not a diachi index of a known version"},
    {DC_E_INDEX_CORRUPT, "index_corrupt", "index record is inconsistent"},
    {DC_E_REJECTED, "rejected", "too many features rejected"},
    {DC_E_TEXT_UTF8, "text_utf8", "text is not valid UTF-8"},
    {DC_E_TEXT_CONTROL, "text_control", "text holds a control character"},
    {DC_E_TEXT_LENGTH, "text_length", "text is too long"},
    {DC_E_TEXT_EMPTY, "text_empty", "text has no words"},
    {DC_E_ROUND_EMPTY, "round_empty", "a round needs at least one stop"},
    {DC_E_ROUND_TOO_MANY, "round_too_many", "more stops than a round takes"},
    {DC_E_ROUND_START, "round_start", "the start of the round is not a point"},
};

static const dc_err_entry *dc_err_find(dc_err err)
{
    for (size_t i = 0; i < sizeof dc_err_table / sizeof dc_err_table[0]; i++)
        if (dc_err_table[i].err == err) return &dc_err_table[i];
    return NULL;
}

const char *dc_strerror(dc_err err)
{
    const dc_err_entry *e = dc_err_find(err);
    return e ? e->text : "unknown error";
}

const char *dc_err_name(dc_err err)
{
    const dc_err_entry *e = dc_err_find(err);
    return e ? e->name : "unknown";
}

dc_err dc_error_set(dc_error *err, dc_err code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* LMDB's results at the module boundary (index_internal.h). */
dc_err dc_index_lmdb_error(dc_error *err, int rc, const char *what)
{
    dc_err code = DC_E_IO;
    if (rc == ENOMEM)
        code = DC_E_NOMEM;
    else if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
        code = DC_E_INDEX_FORMAT;
    else if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_BAD_VALSIZE ||
             rc == MDB_INCOMPATIBLE || rc == MDB_NOTFOUND)
        code = DC_E_INDEX_CORRUPT;
    return dc_error_set(err, code, "%s: %s", what, mdb_strerror(rc));
}
