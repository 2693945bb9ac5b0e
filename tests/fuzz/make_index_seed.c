/*
 * make_index_seed.c - write the seed corpus of fuzz_index_open: the index
 * fixture of tests/index (5 zones, 8 households) built, then stored twice,
 *   DIR/fixture-sealed     0x00 + the whole file (the seal included)
 *   DIR/fixture-unsealed   0x01 + its LMDB pages (the fuzz target seals them)
 * and the fixture with its two editions and history (fx_history_make),
 *   DIR/history-sealed, DIR/history-unsealed
 *
 *   make_index_seed DIR
 *
 * Run by hand when the index format changes (the corpus is committed):
 *   build/bin/make_index_seed tests/fuzz/corpus/index_open
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/index.h"
#include "index_fixture.h"
#include "seal.h"

static uint8_t *read_whole(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static int write_seed(const char *dir, const char *name, uint8_t mode,
                      const uint8_t *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(&mode, 1, 1, f) != 1 || fwrite(data, 1, n, f) != n ||
        fclose(f) != 0) {
        fprintf(stderr, "make_index_seed: cannot write %s\n", path);
        return 1;
    }
    printf("%s: %zu bytes\n", path, n + 1);
    return 0;
}

/* Build the fixture (with its editions when @p history) and store it as
 * NAME-sealed and NAME-unsealed. */
static int seed(const char *dir, const char *name, int history)
{
    fx_input fx;
    fx_history h;
    dc_error err;
    char sealed[64], unsealed[64];
    fx_input_make(&fx);
    if (history) fx_history_make(&fx, &h);
    const char *path = fx_path("seed.diachi");
    if (dc_index_build(path, &fx.in, NULL, &err) != DC_OK) {
        fprintf(stderr, "make_index_seed: %s\n", err.message);
        return 1;
    }
    size_t size = 0;
    uint8_t *file = read_whole(path, &size);
    if (!file || size <= DC_SEAL_SIZE) {
        fprintf(stderr, "make_index_seed: cannot read the index back\n");
        free(file);
        return 1;
    }
    snprintf(sealed, sizeof sealed, "%s-sealed", name);
    snprintf(unsealed, sizeof unsealed, "%s-unsealed", name);
    int rc = write_seed(dir, sealed, 0, file, size) |
             write_seed(dir, unsealed, 1, file, size - DC_SEAL_SIZE);
    free(file);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    int rc = seed(argv[1], "fixture", 0) | seed(argv[1], "history", 1);
    fx_cleanup();
    return rc;
}
