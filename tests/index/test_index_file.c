/*
 * test_index_file.c - the crash-safety contract of the index file's life
 * (index/src/index_file.h): what is on disk after a commit, an abandon, a
 * failure, and what a new build does with the leftovers of killed ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "index_file.h"
#include "index_fixture.h"
#include "seal.h"

#define MAP (1u << 20)

static int teardown(void **state)
{
    (void)state;
    fx_cleanup();
    return 0;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* One record in the first database, as a build would put it. */
static void put_one(dc_index_file *f)
{
    MDB_val k = {3, "key"}, v = {5, "value"};
    assert_int_equal(mdb_put(f->txn, f->dbi[0], &k, &v, 0), 0);
}

static void test_commit_replaces_the_target(void **state)
{
    (void)state;
    const char *path = fx_path("commit.idx");
    dc_index_file f;
    dc_error err = {0};
    uint64_t bytes = 0, data = 0;
    write_text(path, "the previous index");
    assert_int_equal(dc_index_file_create(&f, path, MAP, &err), DC_OK);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_string_equal(f.tmp_path, tmp);
    /* The space is reserved on disk before anything is written. */
    struct stat st;
    assert_int_equal(stat(tmp, &st), 0);
    assert_true((uint64_t)st.st_blocks * 512 >= MAP);
    assert_string_equal(read_text(path), "the previous index");
    put_one(&f);
    assert_int_equal(dc_index_file_commit(&f, &bytes), DC_OK);
    assert_false(exists(tmp));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((uint64_t)st.st_size, bytes);
    /* Cut to its pages (a few of 4 KiB, not the reserved MiB) and sealed. */
    assert_true(bytes < MAP / 4 && (bytes - DC_SEAL_SIZE) % 4096 == 0);
    assert_int_equal(dc_seal_verify(path, bytes, &data, &err), DC_OK);
    assert_int_equal(data, bytes - DC_SEAL_SIZE);
    dc_index_file_abandon(&f); /* after a commit: frees, removes nothing */
    assert_true(exists(path));
}

static void test_abandon_leaves_the_target(void **state)
{
    (void)state;
    const char *path = fx_path("abandon.idx");
    dc_index_file f;
    write_text(path, "the previous index");
    assert_int_equal(dc_index_file_create(&f, path, MAP, NULL), DC_OK);
    put_one(&f);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", f.tmp_path);
    assert_true(exists(tmp));
    dc_index_file_abandon(&f);
    assert_false(exists(tmp));
    assert_string_equal(read_text(path), "the previous index");
    dc_index_file zero = {0};
    dc_index_file_abandon(&zero); /* a zeroed one: nothing to do */
}

static void test_no_directory(void **state)
{
    (void)state;
    dc_index_file f;
    dc_error err = {0};
    assert_int_equal(dc_index_file_create(&f, "/nonexistent-dir/x.idx", MAP, &err),
                     DC_E_IO);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x.idx.tmp."));
    dc_index_file_abandon(&f);
}

/* Leftovers of builds whose process is gone are removed; a live build's
 * file and files that only look alike are kept. */
static void test_stale_leftovers(void **state)
{
    (void)state;
    const char *path = fx_path("stale.idx");
    char dead[4096], live[4096], other[4096];
    /* pid_max is at most 4194304: this pid cannot be running. */
    snprintf(dead, sizeof dead, "%s.tmp.%d", path, 4194305);
    snprintf(live, sizeof live, "%s.tmp.%ld", path, (long)getppid());
    snprintf(other, sizeof other, "%s.tmp.12x", path);
    write_text(dead, "killed build");
    write_text(live, "running build");
    write_text(other, "not a build's");
    dc_index_file f;
    assert_int_equal(dc_index_file_create(&f, path, MAP, NULL), DC_OK);
    assert_false(exists(dead));
    assert_true(exists(live));
    assert_true(exists(other));
    dc_index_file_abandon(&f);
    unlink(live);
    unlink(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_commit_replaces_the_target, teardown),
        cmocka_unit_test_teardown(test_abandon_leaves_the_target, teardown),
        cmocka_unit_test_teardown(test_no_directory, teardown),
        cmocka_unit_test_teardown(test_stale_leftovers, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
