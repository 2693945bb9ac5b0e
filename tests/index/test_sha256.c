/*
 * test_sha256.c - SHA-256 against the FIPS 180-4 example vectors, with the
 * portable block function and, where the CPU has them, the x86 SHA
 * extensions; and the two against each other on random messages fed in
 * random pieces. Where the CPU has no SHA extensions the accelerated cases
 * say so and are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "seeded_rng.h"
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

static void check_vectors(void)
{
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

/* After each test, even a failed one: the choice by CPU again. */
static int choose_by_cpu(void **state)
{
    (void)state;
    dc_sha256_force_portable(false);
    return 0;
}

/* Skips the test, saying why, where the CPU has no SHA extensions. */
static void need_sha_ni(void)
{
    if (dc_sha256_has_sha_ni()) return;
    print_message("this CPU has no SHA extensions: only the portable SHA-256 "
                  "is tested\n");
    skip();
}

static void test_vectors_portable(void **state)
{
    (void)state;
    dc_sha256 s;
    dc_sha256_force_portable(true);
    dc_sha256_init(&s);
    assert_false(s.sha_ni);
    check_vectors();
}

static void test_vectors_sha_ni(void **state)
{
    (void)state;
    need_sha_ni();
    dc_sha256 s;
    dc_sha256_init(&s);
    assert_true(s.sha_ni);
    check_vectors();
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

/* The digest of @p len bytes at @p data, fed in random pieces (empty ones
 * among them, and now and then a long one of many blocks). */
static void digest_in_pieces(const uint8_t *data, size_t len, uint64_t *rng,
                             uint8_t digest[DC_SHA256_SIZE])
{
    dc_sha256 s;
    dc_sha256_init(&s);
    for (size_t at = 0; at < len;) {
        uint64_t r = rng_splitmix64(rng);
        size_t piece = r % 8 == 0 ? (size_t)(r >> 8) % 3000 : (size_t)(r >> 8) % 100;
        if (piece > len - at) piece = len - at;
        dc_sha256_update(&s, data + at, piece);
        at += piece;
    }
    dc_sha256_final(&s, digest);
}

/* Messages of 0 to 10,000 random bytes at random offsets (so unaligned):
 * the portable code and the SHA extensions give the same digest, each fed
 * in its own random pieces. */
static void test_sha_ni_matches_portable(void **state)
{
    (void)state;
    need_sha_ni();
    enum { MESSAGES = 3000, LONGEST = 10000 };
    static uint8_t data[LONGEST + 64];
    uint64_t rng = 180;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)rng_splitmix64(&rng);
    for (int m = 0; m < MESSAGES; m++) {
        size_t len = (size_t)(rng_splitmix64(&rng) % (LONGEST + 1));
        size_t offset = (size_t)(rng_splitmix64(&rng) % 64);
        uint8_t portable[DC_SHA256_SIZE], accelerated[DC_SHA256_SIZE];
        dc_sha256_force_portable(true);
        digest_in_pieces(data + offset, len, &rng, portable);
        dc_sha256_force_portable(false);
        digest_in_pieces(data + offset, len, &rng, accelerated);
        if (memcmp(portable, accelerated, DC_SHA256_SIZE) != 0)
            fail_msg("message %d: %zu bytes at offset %zu differ", m, len, offset);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_vectors_portable, choose_by_cpu),
        cmocka_unit_test(test_vectors_sha_ni),
        cmocka_unit_test(test_split_updates),
        cmocka_unit_test_teardown(test_sha_ni_matches_portable, choose_by_cpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
