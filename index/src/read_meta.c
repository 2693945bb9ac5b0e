/*
 * read_meta.c - the metadata of an index being opened (read_meta.h), and
 * the hex form of its fingerprint.
 */
#include <stdlib.h>

#include "read_meta.h"

void dc_fingerprint_hex(const uint8_t fp[DC_FINGERPRINT_SIZE],
                        char out[DC_FINGERPRINT_HEX_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < DC_FINGERPRINT_SIZE; i++) {
        out[2 * i] = hex[fp[i] >> 4];
        out[2 * i + 1] = hex[fp[i] & 15];
    }
    out[DC_FINGERPRINT_HEX_SIZE - 1] = '\0';
}

/* A metadata value of exactly @p size bytes (any size when 0). */
static dc_err meta_get(MDB_txn *txn, MDB_dbi dbi, const char *name, size_t size,
                       MDB_val *val, dc_error *err)
{
    MDB_val k = {strlen(name), (void *)name};
    int rc = mdb_get(txn, dbi, &k, val);
    if (rc == MDB_NOTFOUND)
        return dc_error_set(err, DC_E_INDEX_FORMAT, "metadata has no %s", name);
    if (rc != 0) return dc_index_lmdb_error(err, rc, "reading metadata");
    if (size && val->mv_size != size)
        return dc_error_set(err, DC_E_INDEX_FORMAT, "metadata %s has %zu bytes, not %zu",
                            name, val->mv_size, size);
    return DC_OK;
}

/* Magic and versions: what decides whether this library can read the file. */
static dc_err meta_identity(dc_index *idx, MDB_txn *txn, MDB_dbi dbi, dc_error *err)
{
    MDB_val v;
    MDB_val k = {strlen("magic"), "magic"};
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc != 0 || v.mv_size != DC_INDEX_MAGIC_LEN ||
        memcmp(v.mv_data, DC_INDEX_MAGIC, DC_INDEX_MAGIC_LEN) != 0)
        return dc_error_set(err, DC_E_INDEX_FORMAT,
                            "%s is an LMDB file but not a diachi index (no magic)",
                            idx->path);
    dc_err e = meta_get(txn, dbi, "format_version", 4, &v, err);
    if (e != DC_OK) return e;
    idx->meta.format_version = dc_get_le32(v.mv_data);
    if (idx->meta.format_version != DC_INDEX_FORMAT_VERSION)
        return dc_error_set(
            err, DC_E_INDEX_FORMAT,
            "%s has index format version %u; this diachi reads version %d", idx->path,
            idx->meta.format_version, DC_INDEX_FORMAT_VERSION);
    e = meta_get(txn, dbi, "code_scheme", 4, &v, err);
    if (e != DC_OK) return e;
    idx->meta.code_scheme = dc_get_le32(v.mv_data);
    if (idx->meta.code_scheme != DC_CODE_SCHEME_VERSION)
        return dc_error_set(err, DC_E_INDEX_FORMAT,
                            "%s has code scheme version %u; this diachi knows version %d",
                            idx->path, idx->meta.code_scheme, DC_CODE_SCHEME_VERSION);
    return DC_OK;
}

static dc_err meta_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t *out,
                       dc_error *err)
{
    MDB_val v;
    dc_err e = meta_get(txn, dbi, name, 8, &v, err);
    if (e == DC_OK) *out = dc_get_le64(v.mv_data);
    return e;
}

static dc_err meta_rest(dc_index *idx, MDB_txn *txn, MDB_dbi dbi, dc_error *err)
{
    dc_index_meta *m = &idx->meta;
    MDB_val v;
    dc_err e = meta_u64(txn, dbi, "build_time", (uint64_t *)&m->build_time, err);
    if (e == DC_OK) e = meta_u64(txn, dbi, "zones", &m->zones, err);
    if (e == DC_OK) e = meta_u64(txn, dbi, "households", &m->households, err);
    if (e == DC_OK) e = meta_u64(txn, dbi, "codes", &m->codes, err);
    if (e == DC_OK) e = meta_get(txn, dbi, "bbox", 16, &v, err);
    if (e != DC_OK) return e;
    const uint8_t *b = v.mv_data;
    m->south_e7 = dc_get_i32(b);
    m->west_e7 = dc_get_i32(b + 4);
    m->north_e7 = dc_get_i32(b + 8);
    m->east_e7 = dc_get_i32(b + 12);
    e = meta_get(txn, dbi, "fingerprint", DC_FINGERPRINT_SIZE, &v, err);
    if (e != DC_OK) return e;
    memcpy(m->fingerprint, v.mv_data, DC_FINGERPRINT_SIZE);
    dc_fingerprint_hex(m->fingerprint, m->fingerprint_hex);
    e = meta_get(txn, dbi, "sources", 0, &v, err);
    if (e != DC_OK) return e;
    idx->sources = malloc(v.mv_size + 1);
    if (!idx->sources) return DC_E_NOMEM;
    memcpy(idx->sources, v.mv_data, v.mv_size);
    idx->sources[v.mv_size] = '\0';
    m->sources = idx->sources;
    return DC_OK;
}

/* Open every sub-database; the handles outlive this transaction once it
 * commits. */
static dc_err open_dbs(dc_index *idx, MDB_txn *txn, dc_error *err)
{
    for (int db = 0; db < DC_DB_COUNT; db++) {
        int rc = mdb_dbi_open(txn, dc_db_names[db], 0, &idx->dbi[db]);
        if (rc == MDB_NOTFOUND)
            return dc_error_set(err, DC_E_INDEX_FORMAT, "%s has no %s database",
                                idx->path, dc_db_names[db]);
        if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    }
    return DC_OK;
}

dc_err dc_index_read_meta(dc_index *idx, dc_error *err)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(idx->env, NULL, MDB_RDONLY, &txn);
    if (rc != 0) return dc_index_lmdb_error(err, rc, idx->path);
    /* The meta database first: a file without it is not ours at all. */
    MDB_dbi meta;
    dc_err e = DC_OK;
    rc = mdb_dbi_open(txn, dc_db_names[DC_DB_META], 0, &meta);
    if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
        e = dc_error_set(err, DC_E_INDEX_FORMAT,
                         "%s is an LMDB file but not a diachi index (no metadata)",
                         idx->path);
    else if (rc != 0)
        e = dc_index_lmdb_error(err, rc, idx->path);
    else
        e = meta_identity(idx, txn, meta, err);
    if (e == DC_OK) e = meta_rest(idx, txn, meta, err);
    if (e == DC_OK) e = open_dbs(idx, txn, err);
    if (e == DC_OK && (rc = mdb_txn_commit(txn)) != 0)
        return dc_index_lmdb_error(err, rc, idx->path);
    if (e != DC_OK) mdb_txn_abort(txn);
    return e;
}
