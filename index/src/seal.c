/*
 * seal.c - the index file's seal: write it after a build, verify it before
 * LMDB maps the file (see seal.h and docs/FORMAT.md, "The seal").
 */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_internal.h"

static const char seal_magic[16] = "diachi-sealed-v1";
#define READ_CHUNK (1u << 20) /* a multiple of 32 */
#define LMDB_MAGIC 0xBEEFC0DEu
#define LMDB_MAGIC_AT 16 /* after the first page's header */

/* Odd constants with well-spread bits (the fractional parts of the
 * square roots of 2 and 3). */
#define MIX_A 0x6a09e667f3bcc909ull
#define MIX_B 0xbb67ae8584caa73bull

/* A little-endian word: one load where the machine is little-endian. */
static inline uint64_t word_at(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
#else
    return dc_get_le64(p);
#endif
}

static inline uint64_t mix(uint64_t lane, uint64_t word)
{
    lane = (lane ^ word) * MIX_A;
    return lane ^ (lane >> 31);
}

void dc_seal_hash_start(dc_seal_hash *h)
{
    for (int i = 0; i < 4; i++)
        h->lane[i] = MIX_B * (uint64_t)(i + 1);
    h->length = 0;
}

void dc_seal_hash_update(dc_seal_hash *h, const uint8_t *p, uint64_t n)
{
    uint64_t a = h->lane[0], b = h->lane[1], c = h->lane[2], d = h->lane[3];
    for (; n >= 32; p += 32, n -= 32) {
        a = mix(a, word_at(p));
        b = mix(b, word_at(p + 8));
        c = mix(c, word_at(p + 16));
        d = mix(d, word_at(p + 24));
        h->length += 32;
    }
    if (n > 0) { /* the last piece: zero-padded to 32 bytes */
        uint8_t tail[32] = {0};
        memcpy(tail, p, (size_t)n);
        a = mix(a, word_at(tail));
        b = mix(b, word_at(tail + 8));
        c = mix(c, word_at(tail + 16));
        d = mix(d, word_at(tail + 24));
        h->length += n;
    }
    h->lane[0] = a, h->lane[1] = b, h->lane[2] = c, h->lane[3] = d;
}

uint64_t dc_seal_hash_finish(const dc_seal_hash *h)
{
    uint64_t v = mix(MIX_B, h->length);
    for (int i = 0; i < 4; i++)
        v = mix(v * MIX_B, h->lane[i]);
    return v;
}

/* The checksum of the first @p n bytes of @p fd, read in chunks. */
static dc_err hash_file(int fd, const char *path, uint64_t n, uint64_t *out,
                        dc_error *err)
{
    uint8_t *buf = malloc(READ_CHUNK);
    if (!buf) return dc_error_set(err, DC_E_NOMEM, "out of memory checking %s", path);
    dc_seal_hash h;
    dc_seal_hash_start(&h);
    dc_err rc = DC_OK;
    for (uint64_t at = 0; at < n && rc == DC_OK;) {
        size_t want = n - at < READ_CHUNK ? (size_t)(n - at) : READ_CHUNK;
        ssize_t got = pread(fd, buf, want, (off_t)at);
        if (got < 0 && errno == EINTR) continue;
        /* A regular file reads whole up to its end: a short read is an end. */
        if (got != (ssize_t)want)
            rc = dc_error_set(err, got >= 0 ? DC_E_INDEX_CORRUPT : DC_E_IO,
                              "cannot read %s at byte %" PRIu64 ": %s", path, at,
                              got >= 0 ? "it ends before" : strerror(errno));
        else
            dc_seal_hash_update(&h, buf, want), at += want;
    }
    free(buf);
    if (rc == DC_OK) *out = dc_seal_hash_finish(&h);
    return rc;
}

static dc_err read_at(int fd, const char *path, void *buf, size_t n, uint64_t at,
                      dc_error *err)
{
    ssize_t got = pread(fd, buf, n, (off_t)at);
    if (got == (ssize_t)n) return DC_OK;
    return dc_error_set(err, DC_E_IO, "cannot read %s at byte %" PRIu64 ": %s", path, at,
                        got < 0 ? strerror(errno) : "short read");
}

dc_err dc_seal_write(const char *path, uint64_t data_bytes, dc_error *err)
{
    uint8_t seal[DC_SEAL_SIZE] = {0};
    uint64_t sum = 0;
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return dc_error_set(err, DC_E_IO, "cannot seal %s: %s", path, strerror(errno));
    dc_err rc = hash_file(fd, path, data_bytes, &sum, err);
    if (rc == DC_OK) {
        memcpy(seal, seal_magic, sizeof seal_magic);
        dc_put_le64(seal + 16, data_bytes);
        dc_put_le64(seal + 24, sum);
        if (pwrite(fd, seal, sizeof seal, (off_t)data_bytes) != (ssize_t)sizeof seal)
            rc = dc_error_set(err, DC_E_IO, "cannot seal %s: %s", path, strerror(errno));
    }
    close(fd);
    return rc;
}

/* The checks that read no more than the file's two ends. */
static dc_err check_ends(int fd, const char *path, uint64_t file_bytes, uint64_t *data,
                         uint64_t *sum, dc_error *err)
{
    uint8_t head[LMDB_MAGIC_AT + 4], seal[DC_SEAL_SIZE];
    static const uint8_t zero[DC_SEAL_SIZE - 32];
    if (file_bytes < sizeof head ||
        read_at(fd, path, head, sizeof head, 0, err) != DC_OK ||
        dc_get_le32(head + LMDB_MAGIC_AT) != LMDB_MAGIC)
        return dc_error_set(err, DC_E_INDEX_FORMAT,
                            "%s is not a diachi index (not an LMDB file)", path);
    if (file_bytes < DC_SEAL_SIZE + sizeof head ||
        read_at(fd, path, seal, sizeof seal, file_bytes - DC_SEAL_SIZE, err) != DC_OK ||
        memcmp(seal, seal_magic, sizeof seal_magic) != 0)
        return dc_error_set(err, DC_E_INDEX_CORRUPT,
                            "%s has no seal at its end (%" PRIu64 " bytes): it was cut "
                            "short, or written before index format 4 (rebuild it with "
                            "diachi-import)",
                            path, file_bytes);
    *data = dc_get_le64(seal + 16);
    *sum = dc_get_le64(seal + 24);
    if (*data != file_bytes - DC_SEAL_SIZE || memcmp(seal + 32, zero, sizeof zero) != 0)
        return dc_error_set(err, DC_E_INDEX_CORRUPT,
                            "%s is %" PRIu64 " bytes but its seal says %" PRIu64
                            " bytes and a seal: the file was cut or damaged",
                            path, file_bytes, *data);
    return DC_OK;
}

/*
 * LMDB's two meta pages, as mdb_env_open reads them before it maps the
 * file: it divides by the page size they give and maps up to their last
 * page. The seal guards against damage, not forgery (its checksum is no
 * secret), so a file changed on purpose and sealed again must still not
 * reach LMDB with a page size of 0 (a SIGFPE inside liblmdb) or pages past
 * its end. liblmdb 0.9's layout on a 64-bit machine: a 16-byte page
 * header, then u32 magic, u32 version, u64 address, u64 map size, two
 * 48-byte database records (the first begins with the u32 page size; a
 * record's root page is its last u64), u64 last page, u64 transaction id.
 */
#define META_MAGIC 16
#define META_VERSION 20
#define META_PSIZE 40
#define META_ROOTS(i) (40 + 48 * (i) + 40)
#define META_LAST_PAGE 136
#define META_TXNID 144
#define META_BYTES 152

static dc_err check_lmdb_meta(int fd, const char *path, uint64_t data, dc_error *err)
{
    uint8_t meta[2][META_BYTES];
    if (sizeof(size_t) != 8) return DC_OK; /* another layout: LMDB's own checks */
    dc_err rc = read_at(fd, path, meta[0], META_BYTES, 0, err);
    uint32_t psize = dc_get_le32(meta[0] + META_PSIZE);
    bool ok = rc == DC_OK && psize >= 512 && psize <= 65536 &&
              (psize & (psize - 1)) == 0 && data >= 2 * (uint64_t)psize &&
              data % psize == 0;
    if (ok) rc = read_at(fd, path, meta[1], META_BYTES, psize, err);
    for (int i = 0; ok && rc == DC_OK && i < 2; i++) {
        uint64_t last = dc_get_le64(meta[i] + META_LAST_PAGE);
        ok = dc_get_le32(meta[i] + META_MAGIC) == LMDB_MAGIC &&
             dc_get_le32(meta[i] + META_VERSION) == 1 &&
             dc_get_le32(meta[i] + META_PSIZE) == psize && last < data / psize;
        for (int db = 0; ok && db < 2; db++) {
            uint64_t root = dc_get_le64(meta[i] + META_ROOTS(db));
            ok = root == UINT64_MAX || root <= last;
        }
    }
    /* LMDB reads the meta page of the later transaction: its pages must be
     * exactly the sealed bytes. */
    if (ok && rc == DC_OK) {
        int now = dc_get_le64(meta[1] + META_TXNID) > dc_get_le64(meta[0] + META_TXNID);
        ok = (dc_get_le64(meta[now] + META_LAST_PAGE) + 1) * psize == data;
    }
    if (rc != DC_OK || ok) return rc;
    return dc_error_set(
        err, DC_E_INDEX_CORRUPT,
        "%s: its LMDB meta pages (page size %u) do not describe the %" PRIu64
        " sealed bytes: the file was changed",
        path, psize, data);
}

dc_err dc_seal_verify(const char *path, uint64_t file_bytes, uint64_t *data_bytes,
                      dc_error *err)
{
    uint64_t data = 0, want = 0, got = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return dc_error_set(err, DC_E_IO, "cannot open index %s: %s", path,
                            strerror(errno));
    dc_err rc = check_ends(fd, path, file_bytes, &data, &want, err);
    if (rc == DC_OK) rc = hash_file(fd, path, data, &got, err);
    if (rc == DC_OK && got != want)
        rc = dc_error_set(err, DC_E_INDEX_CORRUPT,
                          "%s is damaged: the checksum of its %" PRIu64
                          " bytes is %016" PRIx64 ", its seal says %016" PRIx64,
                          path, data, got, want);
    if (rc == DC_OK) rc = check_lmdb_meta(fd, path, data, err);
    close(fd);
    if (rc == DC_OK) *data_bytes = data;
    return rc;
}
