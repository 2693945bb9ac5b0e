/*
 * history.c - dates, history kinds and the records of the editions and
 * the history (diachi/history.h, history_records.h).
 */
#include <string.h>

#include "history_records.h"
#include "read_decode.h"

static const char *const kind_names[] = {"unchanged", "renamed", "merged", "split"};

const char *dc_history_kind_name(dc_history_kind kind)
{
    return (unsigned)kind < 4 ? kind_names[kind] : NULL;
}

int dc_history_kind_parse(const char *name, size_t len)
{
    for (int i = 0; name && i < 4; i++)
        if (strlen(kind_names[i]) == len && memcmp(kind_names[i], name, len) == 0)
            return i;
    return -1;
}

/* Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm, in
 * integers: the era of 400 years, the year of the era, the day of it). */
static int32_t days_of(int32_t y, int32_t m, int32_t d)
{
    y -= m <= 2;
    int32_t era = (y >= 0 ? y : y - 399) / 400;
    int32_t yoe = y - era * 400;
    int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_of(int32_t z, int32_t *y, int32_t *m, int32_t *d)
{
    z += 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *p, int n, int32_t *out)
{
    int32_t v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return 0;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 1;
}

dc_err dc_date_parse(const char *text, size_t len, int32_t *days)
{
    int32_t y, m, d, cy, cm, cd;
    if (!text || !days || len != 10 || text[4] != '-' || text[7] != '-')
        return DC_E_INVALID_ARG;
    if (!digits(text, 4, &y) || !digits(text + 5, 2, &m) || !digits(text + 8, 2, &d))
        return DC_E_INVALID_ARG;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31) return DC_E_INVALID_ARG;
    int32_t z = days_of(y, m, d);
    civil_of(z, &cy, &cm, &cd); /* 2025-02-30 comes back as March */
    if (cy != y || cm != m || cd != d) return DC_E_INVALID_ARG;
    *days = z;
    return DC_OK;
}

void dc_date_format(int32_t days, char out[DC_DATE_SIZE])
{
    int32_t y, m, d;
    if (days == DC_DATE_OPEN_START || days == DC_DATE_OPEN_END) {
        out[0] = '\0';
        return;
    }
    civil_of(days, &y, &m, &d);
    unsigned v[3] = {(unsigned)(y % 10000 + 10000) % 10000, (unsigned)m % 100,
                     (unsigned)d % 100};
    out[0] = (char)('0' + v[0] / 1000);
    out[1] = (char)('0' + v[0] / 100 % 10);
    out[2] = (char)('0' + v[0] / 10 % 10);
    out[3] = (char)('0' + v[0] % 10);
    out[4] = out[7] = '-';
    out[5] = (char)('0' + v[1] / 10);
    out[6] = (char)('0' + v[1] % 10);
    out[8] = (char)('0' + v[2] / 10);
    out[9] = (char)('0' + v[2] % 10);
    out[10] = '\0';
}

static int postcode_of(const char *s, size_t len, uint32_t *out)
{
    int32_t v;
    if (len != 5 || !digits(s, 5, &v)) return 0;
    *out = (uint32_t)v;
    return 1;
}

int dc_history_row_parse(const char *text, size_t len, dc_history_input *out)
{
    const char *field[4];
    size_t flen[4], n = 0, start = 0;
    if (!text && len) return 1;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != ',') continue;
        if (n == 4) return 5;
        field[n] = text + start;
        flen[n++] = i - start;
        start = i + 1;
    }
    dc_history_input r;
    if (n < 1 || !postcode_of(field[0], flen[0], &r.old_postcode)) return 1;
    if (n < 2 || !postcode_of(field[1], flen[1], &r.new_postcode)) return 2;
    int kind = n < 3 ? -1 : dc_history_kind_parse(field[2], flen[2]);
    if (kind < 0) return 3;
    r.kind = (dc_history_kind)kind;
    if (n < 4 || dc_date_parse(field[3], flen[3], &r.date) != DC_OK) return 4;
    *out = r;
    return 0;
}

dc_err dc_edition_decode(const MDB_val *key, const MDB_val *val, dc_edition *out)
{
    const uint8_t *p = val->mv_data;
    if (key->mv_size != 4 || val->mv_size < DC_EDITION_FIXED) return DC_E_INDEX_CORRUPT;
    size_t len = (size_t)p[12] | (size_t)p[13] << 8;
    if (val->mv_size != DC_EDITION_FIXED + len) return DC_E_INDEX_CORRUPT;
    out->number = dc_get_be32(key->mv_data);
    out->valid_from = dc_get_i32(p);
    out->valid_until = dc_get_i32(p + 4);
    out->zones = dc_get_le32(p + 8);
    out->source.ptr = (const char *)p + DC_EDITION_FIXED;
    out->source.len = len;
    return DC_OK;
}

dc_err dc_history_decode(const MDB_val *key, const MDB_val *val, dc_history_row *out)
{
    const uint8_t *p = val->mv_data;
    if (key->mv_size != DC_HISTORY_KEY || val->mv_size != DC_HISTORY_VALUE ||
        p[0] > DC_HISTORY_SPLIT || p[1] || p[2] || p[3])
        return DC_E_INDEX_CORRUPT;
    out->old_postcode = dc_get_be32(key->mv_data);
    out->new_postcode = dc_get_be32((const uint8_t *)key->mv_data + 4);
    out->kind = (dc_history_kind)p[0];
    out->date = dc_get_i32(p + 4);
    return DC_OK;
}

dc_err dc_past_zone_decode(const MDB_val *key, const MDB_val *val, dc_past_zone *out)
{
    if (key->mv_size != 4 || val->mv_size < DC_PAST_ZONE_SPAN) return DC_E_INDEX_CORRUPT;
    uint32_t pc = dc_get_be32(key->mv_data);
    if (pc >= DC_POSTCODES) return DC_E_INDEX_CORRUPT;
    const uint8_t *p = val->mv_data;
    MDB_val zone = {val->mv_size - DC_PAST_ZONE_SPAN, (uint8_t *)p + DC_PAST_ZONE_SPAN};
    dc_past_zone z;
    if (dc_zone_decode(pc, &zone, &z.zone) != DC_OK) return DC_E_INDEX_CORRUPT;
    z.first_edition = dc_get_le32(p);
    z.last_edition = dc_get_le32(p + 4);
    *out = z;
    return DC_OK;
}
