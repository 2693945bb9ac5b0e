/*
 * index_file.c - the index file's life while it is built (index_file.h).
 */
#define _GNU_SOURCE /* MADV_POPULATE_WRITE */
#include "index_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "seal.h"

static dc_err io_error(dc_index_file *f, const char *what, const char *path)
{
    return dc_error_set(f->err, DC_E_IO, "%s %s: %s", what, path, strerror(errno));
}

/*
 * A build that was killed leaves its PATH.tmp.<pid>. Remove those of
 * processes that no longer exist, so repeated crashes do not fill the
 * disk; a live build's file (another importer at work) is left alone.
 */
static void remove_stale_tmp(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dirlen = slash ? (size_t)(slash - path) : 0, baselen = strlen(base);
    char dir[4096];
    if (dirlen >= sizeof dir) return;
    if (!slash)
        strcpy(dir, ".");
    else if (dirlen == 0)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, dirlen);
        dir[dirlen] = '\0';
    }
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        const char *n = e->d_name;
        if (strncmp(n, base, baselen) != 0 || strncmp(n + baselen, ".tmp.", 5) != 0)
            continue;
        char *end;
        long pid = strtol(n + baselen + 5, &end, 10);
        if (*end || pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char full[4096 + 256];
        snprintf(full, sizeof full, "%s/%s", dir, n);
        unlink(full);
    }
    closedir(d);
}

static dc_err sync_dir(dc_index_file *f, const char *path)
{
    char *dir = strdup(path);
    if (!dir) return dc_error_set(f->err, DC_E_NOMEM, "out of memory");
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    int fd = open(dir, O_RDONLY);
    dc_err rc = DC_OK;
    if (fd < 0 || fsync(fd) != 0) rc = io_error(f, "cannot sync directory", dir);
    if (fd >= 0) close(fd);
    free(dir);
    return rc;
}

/*
 * MDB_WRITEMAP writes the index through a shared map of a sparse file: on a
 * full disk a page the kernel cannot back is a SIGBUS, with no error to
 * return. So the whole map is allocated on disk first, where running out
 * of space is an ordinary error; the commit cuts the file to the pages
 * used.
 */
static dc_err reserve_map(dc_index_file *f, size_t map_bytes)
{
    mdb_filehandle_t fd;
    int rc = mdb_env_get_fd(f->env, &fd);
    if (rc == 0) rc = posix_fallocate(fd, 0, (off_t)map_bytes);
    if (rc == 0) return DC_OK;
    return dc_error_set(f->err, DC_E_IO,
                        "cannot reserve %zu MiB for building %s (400 bytes a household "
                        "and 64 MiB, freed down to about 85 bytes a household once "
                        "built): %s",
                        map_bytes >> 20, f->tmp_path, strerror(rc));
}

dc_err dc_index_file_create(dc_index_file *f, const char *path, size_t map_bytes,
                            dc_error *err)
{
    memset(f, 0, sizeof *f);
    f->err = err;
    f->path = strdup(path);
    f->tmp_path = malloc(strlen(path) + 32);
    if (!f->path || !f->tmp_path)
        return dc_error_set(err, DC_E_NOMEM, "out of memory for %s", path);
    sprintf(f->tmp_path, "%s.tmp.%ld", path, (long)getpid());
    remove_stale_tmp(path);
    unlink(f->tmp_path); /* a leftover of a crashed build with our pid */
    int rc = mdb_env_create(&f->env);
    if (rc == 0) rc = mdb_env_set_mapsize(f->env, map_bytes);
    if (rc == 0) rc = mdb_env_set_maxdbs(f->env, DC_DB_COUNT);
    if (rc == 0)
        rc = mdb_env_open(f->env, f->tmp_path,
                          MDB_NOSUBDIR | MDB_NOSYNC | MDB_NOLOCK | MDB_WRITEMAP, 0644);
    if (rc == 0 && reserve_map(f, map_bytes) != DC_OK) return DC_E_IO;
    if (rc == 0) rc = mdb_txn_begin(f->env, NULL, 0, &f->txn);
    for (int db = 0; rc == 0 && db < DC_DB_COUNT; db++)
        rc = mdb_dbi_open(f->txn, dc_db_names[db], MDB_CREATE, &f->dbi[db]);
    if (rc == 0) return DC_OK;
    char what[DC_ERROR_MESSAGE_SIZE];
    snprintf(what, sizeof what, "cannot create %s", f->tmp_path);
    return dc_index_lmdb_error(err, rc, what);
}

/* ---- the map faulted in ahead of the writer ---- */

#define PREFAULT_STEP (4u << 20)

struct dc_prefault {
    pthread_t thread;
    uint8_t *map;
    size_t bytes;
    atomic_int stop;
};

static void *prefault_main(void *arg)
{
    struct dc_prefault *p = arg;
#ifndef MADV_POPULATE_WRITE
    (void)p;
#else
    for (size_t at = 0; at < p->bytes && !atomic_load(&p->stop); at += PREFAULT_STEP) {
        size_t n = p->bytes - at < PREFAULT_STEP ? p->bytes - at : PREFAULT_STEP;
        if (madvise(p->map + at, n, MADV_POPULATE_WRITE) != 0) break;
    }
#endif
    return NULL;
}

/* Where LMDB mapped the file: LMDB does not say (its envinfo's address is
 * the one stored for MDB_FIXEDMAP), so the process's maps are read for the
 * mapping of the file's inode at offset 0. NULL when not found. */
static uint8_t *map_of(dc_index_file *f, size_t *len)
{
    mdb_filehandle_t fd;
    struct stat st;
    if (mdb_env_get_fd(f->env, &fd) != 0 || fstat(fd, &st) != 0) return NULL;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return NULL;
    char line[4600];
    uint8_t *found = NULL;
    while (!found && fgets(line, sizeof line, maps)) {
        unsigned long start, end, offset, ino;
        unsigned major, minor;
        if (sscanf(line, "%lx-%lx %*s %lx %x:%x %lu", &start, &end, &offset, &major,
                   &minor, &ino) != 6)
            continue;
        if (ino == (unsigned long)st.st_ino && offset == 0 &&
            major == (unsigned)major(st.st_dev) && minor == (unsigned)minor(st.st_dev)) {
            found = (uint8_t *)start;
            *len = end - start;
        }
    }
    fclose(maps);
    return found;
}

void dc_index_file_prefault(dc_index_file *f, size_t bytes)
{
    size_t mapped = 0;
    if (f->prefault || !f->env) return;
    uint8_t *map = map_of(f, &mapped);
    long page = sysconf(_SC_PAGESIZE);
    if (bytes > mapped) bytes = mapped;
    if (!map || page <= 0 || bytes < PREFAULT_STEP) return;
    struct dc_prefault *p = calloc(1, sizeof *p);
    if (!p) return;
    p->map = map;
    p->bytes = bytes / (size_t)page * (size_t)page;
    atomic_init(&p->stop, 0);
    if (pthread_create(&p->thread, NULL, prefault_main, p) != 0) {
        free(p);
        return;
    }
    f->prefault = p;
}

/* Stop faulting in (before the map is synced or closed). */
static void prefault_stop(dc_index_file *f)
{
    if (!f->prefault) return;
    atomic_store(&f->prefault->stop, 1);
    pthread_join(f->prefault->thread, NULL);
    free(f->prefault);
    f->prefault = NULL;
}

/* Sync the file at @p path (by name: its map is closed). */
static dc_err sync_file(dc_index_file *f, const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        dc_err rc = io_error(f, "cannot sync", path);
        if (fd >= 0) close(fd);
        return rc;
    }
    close(fd);
    return DC_OK;
}

dc_err dc_index_file_commit(dc_index_file *f, uint64_t *file_bytes)
{
    MDB_envinfo info;
    MDB_stat stat_db;
    prefault_stop(f);
    int rc = mdb_txn_commit(f->txn);
    f->txn = NULL;
    if (rc == 0) rc = mdb_env_sync(f->env, 1);
    if (rc == 0) rc = mdb_env_info(f->env, &info);
    if (rc == 0) rc = mdb_env_stat(f->env, &stat_db);
    if (rc != 0) return dc_index_lmdb_error(f->err, rc, f->tmp_path);
    mdb_env_close(f->env);
    f->env = NULL;
    /* MDB_WRITEMAP grew the file to the whole map: cut it to the pages used. */
    off_t used = (off_t)(info.me_last_pgno + 1) * (off_t)stat_db.ms_psize;
    if (truncate(f->tmp_path, used) != 0)
        return io_error(f, "cannot truncate", f->tmp_path);
    dc_err e = dc_seal_write(f->tmp_path, (uint64_t)used, f->err);
    if (e == DC_OK) e = sync_file(f, f->tmp_path);
    if (e != DC_OK) return e;
    struct stat st;
    if (stat(f->tmp_path, &st) != 0) return io_error(f, "cannot stat", f->tmp_path);
    if (rename(f->tmp_path, f->path) != 0)
        return io_error(f, "cannot rename over", f->path);
    free(f->tmp_path); /* renamed: nothing left to remove */
    f->tmp_path = NULL;
    *file_bytes = (uint64_t)st.st_size;
    return sync_dir(f, f->path);
}

void dc_index_file_abandon(dc_index_file *f)
{
    prefault_stop(f);
    if (f->txn) mdb_txn_abort(f->txn);
    if (f->env) mdb_env_close(f->env);
    if (f->tmp_path) unlink(f->tmp_path);
    free(f->tmp_path);
    free(f->path);
    memset(f, 0, sizeof *f);
}
