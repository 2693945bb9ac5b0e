/*
 * replay_main.c - run a fuzz target over files without libFuzzer, so that
 * every build (gcc included) replays the committed corpus as a unit test.
 *
 * Usage: replay_TARGET PATH...   (each PATH a file or a directory of files)
 * Exits 0 when every input ran; a broken invariant aborts the process.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input being run, so a crash can say which one it was. */
static const char *volatile dc_current = "(empty input)";

static void dc_on_crash(int sig)
{
    static const char head[] = "replay: crashed on ";
    const char *path = dc_current;
    /* Only async-signal-safe calls here. */
    if (write(STDERR_FILENO, head, sizeof head - 1) < 0 ||
        write(STDERR_FILENO, path, strlen(path)) < 0 || write(STDERR_FILENO, "\n", 1) < 0)
        _exit(128 + sig);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads a whole file; returns NULL (with errno) on failure. The buffer is
 * exactly the file's size, so ASan sees any read past the input's end. */
static uint8_t *dc_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    uint8_t *buf = NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) goto done;
    *size = (size_t)st.st_size;
    buf = malloc(*size ? *size : 1);
    if (buf != NULL && fread(buf, 1, *size, f) != *size) {
        free(buf);
        buf = NULL;
        errno = EIO;
    }
done:
    fclose(f);
    return buf;
}

static int dc_run_file(const char *path)
{
    size_t size = 0;
    uint8_t *data = dc_read_file(path, &size);
    if (data == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    dc_current = path;
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 1;
}

/* Runs every regular file directly in @p dir; returns the count or -1. */
static int dc_run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int count = 0;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (dc_run_file(path) < 0) {
            count = -1;
            break;
        }
        count++;
    }
    closedir(d);
    /* An empty corpus would pass silently: treat it as a broken setup. */
    if (count == 0) fprintf(stderr, "replay: %s: no input files\n", dir);
    return count == 0 ? -1 : count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    signal(SIGABRT, dc_on_crash);
    signal(SIGSEGV, dc_on_crash);
    signal(SIGBUS, dc_on_crash); /* a mapped file cut short */
    signal(SIGFPE, dc_on_crash); /* a division by a size read from the input */
    /* The empty input is always worth one run. */
    LLVMFuzzerTestOneInput(NULL, 0);
    int total = 1;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        int n = S_ISDIR(st.st_mode) ? dc_run_dir(argv[i]) : dc_run_file(argv[i]);
        if (n < 0) return 1;
        total += n;
    }
    printf("replay: %d inputs, no invariant broken\n", total);
    return 0;
}
