/* test_sha256.c - SHA-256 against the FIPS 180-4 example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void hex(const uint8_t d[DC_SHA256_SIZE], char out[65])
{
    for (int i = 0; i < DC_SHA256_SIZE; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

typedef struct vector {
    const char *input;
    size_t repeat; /* the input, this many times */
    const char *digest;
} vector;

static const vector vectors[] = {
    {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
     "klmnopqrlmnopqrsmnopqrstnopqrstu",
     1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    /* 55, 56 and 64 bytes: the padding boundaries (sha256sum) */
    {"a", 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
    {"a", 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
    {"a", 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
};

static void test_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const vector *v = &vectors[i];
        dc_sha256 s;
        uint8_t d[DC_SHA256_SIZE];
        char h[65];
        dc_sha256_init(&s);
        for (size_t r = 0; r < v->repeat; r++)
            dc_sha256_update(&s, v->input, strlen(v->input));
        dc_sha256_final(&s, d);
        hex(d, h);
        assert_string_equal(h, v->digest);
    }
}

/* Any split of the input into updates gives the same digest. */
static void test_split_updates(void **state)
{
    (void)state;
    uint8_t data[300], whole[DC_SHA256_SIZE], parts[DC_SHA256_SIZE];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    dc_sha256 s;
    dc_sha256_init(&s);
    dc_sha256_update(&s, data, sizeof data);
    dc_sha256_final(&s, whole);
    for (size_t step = 1; step < 130; step += 13) {
        dc_sha256_init(&s);
        for (size_t at = 0; at < sizeof data; at += step)
            dc_sha256_update(&s, data + at,
                             at + step <= sizeof data ? step : sizeof data - at);
        dc_sha256_final(&s, parts);
        assert_memory_equal(whole, parts, DC_SHA256_SIZE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_split_updates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
