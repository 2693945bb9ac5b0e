/*
 * build_meta.c - the metadata of a new index: identity, counts, bbox,
 * fingerprint and sources (build_meta.h).
 */
#include <stdio.h>
#include <string.h>

#include "build_meta.h"
#include "build_record.h"

static void bbox_of_input(const dc_builder *b, int32_t bbox[4])
{
    const dc_index_build_input *in = b->in;
    int32_t s = b->bbox[0], w = b->bbox[1], n = b->bbox[2], e = b->bbox[3];
    for (size_t i = 0; b->kept == 0 && i < in->nzones; i++) {
        int32_t zs, zw, zn, ze;
        dc_polygon_bbox(&in->zones[i].polygon, &zs, &zw, &zn, &ze);
        if (zs < s) s = zs;
        if (zn > n) n = zn;
        if (zw < w) w = zw;
        if (ze > e) e = ze;
    }
    if (s > n) s = w = n = e = 0;
    bbox[0] = s;
    bbox[1] = w;
    bbox[2] = n;
    bbox[3] = e;
}

static dc_err put_meta(dc_builder *b, const char *name, const void *val, size_t len)
{
    return dc_build_put(b, DC_DB_META, name, strlen(name), val, len);
}

static dc_err put_meta_u64(dc_builder *b, const char *name, uint64_t v)
{
    uint8_t buf[8];
    dc_put_le64(buf, v);
    return put_meta(b, name, buf, 8);
}

static dc_err sources_text(dc_builder *b, size_t *len)
{
    size_t size = 1;
    for (size_t i = 0; i < b->in->nsources; i++)
        size += 48 + dc_str_len(b->in->sources[i].path);
    dc_err rc = dc_build_reserve(b, size);
    size_t at = 0;
    for (size_t i = 0; rc == DC_OK && i < b->in->nsources; i++) {
        const dc_source_info *s = &b->in->sources[i];
        at += (size_t)snprintf((char *)b->buf + at, size - at, "%llu\t%lld\t%s\n",
                               (unsigned long long)s->size, (long long)s->mtime,
                               s->path ? s->path : "");
    }
    *len = at;
    return rc;
}

dc_err dc_build_write_meta(dc_builder *b, const uint8_t fingerprint[DC_FINGERPRINT_SIZE])
{
    uint8_t u32[4], bbox[16];
    int32_t box[4];
    size_t len = 0;
    bbox_of_input(b, box);
    for (int i = 0; i < 4; i++)
        dc_put_i32(bbox + 4 * i, box[i]);
    dc_err rc = put_meta(b, "magic", DC_INDEX_MAGIC, DC_INDEX_MAGIC_LEN);
    dc_put_le32(u32, DC_INDEX_FORMAT_VERSION);
    if (rc == DC_OK) rc = put_meta(b, "format_version", u32, 4);
    dc_put_le32(u32, DC_CODE_SCHEME_VERSION);
    if (rc == DC_OK) rc = put_meta(b, "code_scheme", u32, 4);
    if (rc == DC_OK) rc = put_meta_u64(b, "build_time", (uint64_t)b->in->build_time);
    if (rc == DC_OK) rc = put_meta_u64(b, "zones", b->in->nzones);
    if (rc == DC_OK) rc = put_meta_u64(b, "households", b->kept);
    if (rc == DC_OK) rc = put_meta_u64(b, "codes", b->ncodes);
    if (rc == DC_OK) rc = put_meta(b, "bbox", bbox, sizeof bbox);
    if (rc == DC_OK) rc = put_meta(b, "fingerprint", fingerprint, DC_FINGERPRINT_SIZE);
    if (rc == DC_OK) rc = sources_text(b, &len);
    if (rc == DC_OK) rc = put_meta(b, "sources", b->buf, len);
    return rc;
}
