/*
 * fault_injection - damaged copies of a real index, each refused cleanly:
 *
 *   fault_injection INDEX DIACHI WORKDIR RANDOM_MUTANTS SEED
 *
 * Makes mutants of INDEX (the sample index): cut at every page boundary,
 * cut 1 and 64 bytes short, cut at RANDOM_MUTANTS / 8 random offsets,
 * extended by a byte and a page, and RANDOM_MUTANTS copies with 1 to 10
 * random bytes changed. Each mutant is opened in a child process
 * (dc_index_open, then, were it accepted, dc_index_check and a lookup),
 * under a 20 s alarm; every 20th also through the `diachi check`, `info`
 * `lookup` and `search` commands. A mutant must be refused at open with
 * DC_E_INDEX_CORRUPT or DC_E_INDEX_FORMAT and a message naming the file,
 * and a command must exit 3: never a signal, a hang, or an answer from a
 * damaged file. Prints the counts; any other outcome fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diachi/index.h"
#include "support.h"

enum outcome { REFUSED, ACCEPTED, OTHER_ERROR, SIGNALLED, HUNG, NOUTCOMES };
static const char *outcome_name[NOUTCOMES] = {"refused", "accepted", "other error",
                                              "signal", "hang"};

typedef struct mutants {
    const uint8_t *orig;
    size_t size;
    const char *path, *diachi;
    int count[NOUTCOMES], commands, command_failures, made;
} mutants;

static uint8_t *read_file(const char *path, size_t *size)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &st) != 0) return NULL;
    uint8_t *buf = malloc((size_t)st.st_size);
    if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)st.st_size;
    return buf;
}

static void write_file(const char *path, const uint8_t *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "fault_injection: cannot write %s\n", path);
        exit(2);
    }
}

/* In the child: open the mutant and, if it opens, use it. */
static int child_open(const char *path)
{
    dc_index *idx = NULL;
    dc_index_txn *txn;
    dc_error err = {0};
    alarm(20);
    dc_err rc = dc_index_open(path, &idx, &err);
    if (rc == DC_E_INDEX_CORRUPT || rc == DC_E_INDEX_FORMAT)
        return strstr(err.message, path) ? REFUSED : OTHER_ERROR;
    if (rc != DC_OK) return OTHER_ERROR;
    /* Accepted: walk it and look a code up, to see what a damaged file does. */
    dc_index_check(idx, NULL, &err);
    if (dc_index_txn_begin(idx, &txn) == DC_OK) {
        dc_household h;
        for (uint32_t n = 0; n < 100; n++)
            dc_index_household(txn, n, &h);
        dc_index_txn_end(txn);
    }
    dc_index_close(idx);
    return ACCEPTED;
}

static enum outcome wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return OTHER_ERROR;
    if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGALRM ? HUNG : SIGNALLED;
    return WIFEXITED(status) && WEXITSTATUS(status) < NOUTCOMES
               ? (enum outcome)WEXITSTATUS(status)
               : OTHER_ERROR;
}

/* `diachi ARGS... --index PATH` must exit 3, within 20 s, without a signal. */
static void run_command(mutants *m, const char *sub, const char *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        alarm(20);
        if (arg)
            execl(m->diachi, m->diachi, sub, arg, "--index", m->path, (char *)NULL);
        else
            execl(m->diachi, m->diachi, sub, m->path, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    m->commands++;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 3) {
        m->command_failures++;
        print_error("mutant %d: diachi %s %s: %s %d\n", m->made, sub, arg ? arg : m->path,
                    WIFEXITED(status) ? "exit" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    }
}

/* Open the mutant now at m->path in a child, and the commands now and then. */
static void try_file(mutants *m, const char *what)
{
    m->made++;
    pid_t pid = fork();
    if (pid == 0) _exit(child_open(m->path));
    enum outcome o = wait_child(pid);
    m->count[o]++;
    if (o != REFUSED) print_error("mutant %d (%s): %s\n", m->made, what, outcome_name[o]);
    if (m->made % 20 == 0) {
        run_command(m, "check", NULL);
        run_command(m, "info", NULL);
        run_command(m, "lookup", "32105 927C+J93");
        run_command(m, "search", "12 vo nguyen giap");
    }
}

static void try_mutant(mutants *m, const uint8_t *data, size_t n, const char *what)
{
    write_file(m->path, data, n);
    try_file(m, what);
}

static void cut(mutants *m, size_t n, const char *what)
{
    try_mutant(m, m->orig, n, what);
}

/* Change 1 to 10 random bytes of the file in place, try it, put them back. */
static void change_bytes(mutants *m, int fd, uint64_t *seed)
{
    enum { MAX_CHANGES = 10 };
    size_t at[MAX_CHANGES];
    int n = 1 + (int)(rng_splitmix64(seed) % MAX_CHANGES), changed = 0;
    for (int i = 0; i < n; i++) {
        at[i] = (size_t)(rng_splitmix64(seed) % m->size);
        uint8_t b = (uint8_t)(m->orig[at[i]] ^ (1 + rng_splitmix64(seed) % 255));
        changed |= pwrite(fd, &b, 1, (off_t)at[i]) == 1;
    }
    if (changed) try_file(m, "bytes changed");
    for (int i = 0; i < n; i++)
        if (pwrite(fd, m->orig + at[i], 1, (off_t)at[i]) != 1) exit(2);
}

static char **args;

/* Every mutant refused at open, and every command on one exits 3: asserted
 * once the counts are printed, so a failing run still reports them all. */
static void test_mutants(void **state)
{
    (void)state;
    char **argv = args;
    mutants m = {.diachi = argv[2]};
    uint8_t *orig = read_file(argv[1], &m.size);
    int nrandom = atoi(argv[4]);
    uint64_t seed = strtoull(argv[5], NULL, 10);
    char path[4096];
    snprintf(path, sizeof path, "%s/mutant.diachi", argv[3]);
    mkdir(argv[3], 0755);
    if (!orig || m.size < 8192)
        fprintf(stderr, "fault_injection: cannot read %s\n", argv[1]);
    assert_true(orig && m.size >= 8192);
    m.orig = orig;
    m.path = path;
    uint8_t *copy = malloc(m.size + 4096);

    for (size_t at = 0; at < m.size; at += 4096)
        cut(&m, at, "cut at a page boundary");
    cut(&m, m.size - 1, "cut 1 byte short");
    cut(&m, m.size - 64, "cut 64 bytes short");
    for (int i = 0; i < nrandom / 8; i++)
        cut(&m, (size_t)(rng_splitmix64(&seed) % m.size), "cut at random");
    memcpy(copy, orig, m.size);
    memset(copy + m.size, 0, 4096);
    try_mutant(&m, copy, m.size + 1, "extended by a byte");
    try_mutant(&m, copy, m.size + 4096, "extended by a page");
    write_file(path, orig, m.size);
    int fd = open(path, O_WRONLY);
    for (int i = 0; fd >= 0 && i < nrandom; i++)
        change_bytes(&m, fd, &seed);
    if (fd >= 0) close(fd);
    unlink(path);
    printf("fault injection: %d mutants of %zu bytes:", m.made, m.size);
    for (int o = 0; o < NOUTCOMES; o++)
        printf(" %d %s%s", m.count[o], outcome_name[o], o + 1 < NOUTCOMES ? "," : "\n");
    printf("fault injection: %d commands on mutants, %d not exit 3\n", m.commands,
           m.command_failures);
    free(copy);
    free(orig);
    assert_int_equal(m.count[REFUSED], m.made);
    assert_int_equal(m.command_failures, 0);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr,
                "usage: fault_injection INDEX DIACHI WORKDIR RANDOM_MUTANTS SEED\n");
        return 2;
    }
    args = argv;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_mutants)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
