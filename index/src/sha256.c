/*
 * sha256.c - SHA-256 written from FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1,
 * 5.3.3 and 6.2.2), with a block function for the x86 SHA extensions
 * written from Intel's description of SHA256RNDS2, SHA256MSG1 and
 * SHA256MSG2 (Intel 64 and IA-32 Architectures Software Developer's Manual,
 * volume 2; Intel, "Intel SHA Extensions", 2013), used when the CPU has them.
 */
#include "sha256.h"

#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define DC_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
/* Only these functions use the extensions: the rest of the build needs no
 * flag, and runs on a CPU without them. */
#define DC_SHA_NI __attribute__((target("sha,sse4.1")))
#endif

/* First 32 bits of the fractional parts of the cube roots of the first 64
 * primes (4.2.2). */
static const uint32_t round_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

/* First 32 bits of the fractional parts of the square roots of the first 8
 * primes (5.3.3). */
static const uint32_t initial_h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static uint32_t big_sigma0(uint32_t x)
{
    return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}

static uint32_t big_sigma1(uint32_t x)
{
    return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}

static uint32_t small_sigma0(uint32_t x)
{
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}

static uint32_t small_sigma1(uint32_t x)
{
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}

/* The message schedule W0..W63 of one block (6.2.2 step 1). */
static void schedule(const uint8_t *block, uint32_t w[64])
{
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    for (int t = 16; t < 64; t++)
        w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
}

/* Steps 2 to 4 of 6.2.2 on one 64-byte block. The working variables are
 * eight locals, not an array shifted each round: a memmove of 28 bytes 64
 * times a block cost more than the rounds themselves. */
static void compress(uint32_t hash[8], const uint8_t *block)
{
    uint32_t w[64];
    schedule(block, w);
    uint32_t a = hash[0], b = hash[1], c = hash[2], d = hash[3];
    uint32_t e = hash[4], f = hash[5], g = hash[6], h = hash[7];
    for (int t = 0; t < 64; t++) {
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t1 = h + big_sigma1(e) + ch + round_k[t] + w[t];
        uint32_t t2 = big_sigma0(a) + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    hash[0] += a;
    hash[1] += b;
    hash[2] += c;
    hash[3] += d;
    hash[4] += e;
    hash[5] += f;
    hash[6] += g;
    hash[7] += h;
}

#ifdef DC_SHA256_X86
/* The extensions keep the eight working variables in two vectors, ABEF and
 * CDGH (A and C in the top lane, F and H in the bottom one), and take the
 * schedule four words a vector, the earliest word in the bottom lane. */

/* Rounds t to t + 3 with W[t..t+3] in @p w, K[t..t+3] at @p k. SHA256RNDS2
 * runs two rounds on the W + K in its bottom two lanes and returns the new
 * ABEF; the new CDGH is the old ABEF. */
DC_SHA_NI static inline void rounds4(__m128i *abef, __m128i *cdgh, __m128i w,
                                     const uint32_t *k)
{
    __m128i wk = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)k));
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

/* W[t..t+3] (6.2.2 step 1) from W[t-16..t-13], W[t-12..t-9], W[t-8..t-5]
 * and W[t-4..t-1]. SHA256MSG1 adds sigma0 of W[t-15..t-12] to the first;
 * W[t-7..t-4] is added here; SHA256MSG2 adds sigma1 of W[t-2] and W[t-1],
 * then of the two words it has just made. */
DC_SHA_NI static inline __m128i schedule4(__m128i w16, __m128i w12, __m128i w8,
                                          __m128i w4)
{
    __m128i sum = _mm_sha256msg1_epu32(w16, w12);
    sum = _mm_add_epi32(sum, _mm_alignr_epi8(w4, w8, 4));
    return _mm_sha256msg2_epu32(sum, w4);
}

/* Four big-endian words of the block as a vector, the first in the bottom
 * lane. */
DC_SHA_NI static inline __m128i load_words(const uint8_t *p)
{
    const __m128i swap =
        _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), swap);
}

/* Steps 1 to 4 of 6.2.2 on one block. The schedule's last sixteen words are
 * four named vectors, not an array, so that they stay in registers: each
 * new group of four replaces the oldest. */
DC_SHA_NI static void compress_sha_ni(__m128i *abef, __m128i *cdgh, const uint8_t *block)
{
    __m128i abef0 = *abef, cdgh0 = *cdgh;
    __m128i w0 = load_words(block), w1 = load_words(block + 16);
    __m128i w2 = load_words(block + 32), w3 = load_words(block + 48);
    rounds4(abef, cdgh, w0, round_k);
    rounds4(abef, cdgh, w1, round_k + 4);
    rounds4(abef, cdgh, w2, round_k + 8);
    rounds4(abef, cdgh, w3, round_k + 12);
    for (int t = 16; t < 64; t += 16) {
        w0 = schedule4(w0, w1, w2, w3);
        rounds4(abef, cdgh, w0, round_k + t);
        w1 = schedule4(w1, w2, w3, w0);
        rounds4(abef, cdgh, w1, round_k + t + 4);
        w2 = schedule4(w2, w3, w0, w1);
        rounds4(abef, cdgh, w2, round_k + t + 8);
        w3 = schedule4(w3, w0, w1, w2);
        rounds4(abef, cdgh, w3, round_k + t + 12);
    }
    *abef = _mm_add_epi32(*abef, abef0);
    *cdgh = _mm_add_epi32(*cdgh, cdgh0);
}

/* @p count consecutive 64-byte blocks, the state in registers meanwhile. */
DC_SHA_NI static void blocks_sha_ni(uint32_t hash[8], const uint8_t *blocks, size_t count)
{
    __m128i abef = _mm_set_epi32((int)hash[0], (int)hash[1], (int)hash[4], (int)hash[5]);
    __m128i cdgh = _mm_set_epi32((int)hash[2], (int)hash[3], (int)hash[6], (int)hash[7]);
    for (; count > 0; count--, blocks += 64)
        compress_sha_ni(&abef, &cdgh, blocks);
    uint32_t lanes[8]; /* F E B A H G D C */
    _mm_storeu_si128((__m128i *)lanes, abef);
    _mm_storeu_si128((__m128i *)(lanes + 4), cdgh);
    static const int from[8] = {3, 2, 7, 6, 1, 0, 5, 4};
    for (int i = 0; i < 8; i++)
        hash[i] = lanes[from[i]];
}

/* SSE4.1 is cpuid leaf 1, ECX bit 19; SHA leaf 7 subleaf 0, EBX bit 29.
 * (GCC's __builtin_cpu_supports("sha") would do, but clang 14, which builds
 * the fuzz targets, does not know the name.) */
static bool cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1)) return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}

/* 0 until the CPU is asked, then 1 without the extensions, 2 with them. */
static atomic_int sha_ni_known;
#endif /* DC_SHA256_X86 */

static atomic_bool forced_portable;

bool dc_sha256_has_sha_ni(void)
{
#ifdef DC_SHA256_X86
    int known = atomic_load_explicit(&sha_ni_known, memory_order_relaxed);
    if (known == 0) {
        known = cpu_has_sha_ni() ? 2 : 1;
        atomic_store_explicit(&sha_ni_known, known, memory_order_relaxed);
    }
    return known == 2;
#else
    return false;
#endif
}

void dc_sha256_force_portable(bool portable)
{
    atomic_store_explicit(&forced_portable, portable, memory_order_relaxed);
}

/* @p count consecutive 64-byte blocks, by the function chosen at init. */
static void hash_blocks(dc_sha256 *s, const uint8_t *blocks, size_t count)
{
#ifdef DC_SHA256_X86
    if (s->sha_ni) {
        blocks_sha_ni(s->state, blocks, count);
        return;
    }
#endif
    for (; count > 0; count--, blocks += 64)
        compress(s->state, blocks);
}

void dc_sha256_init(dc_sha256 *s)
{
    memcpy(s->state, initial_h, sizeof s->state);
    s->length = 0;
    s->used = 0;
    s->sha_ni = !atomic_load_explicit(&forced_portable, memory_order_relaxed) &&
                dc_sha256_has_sha_ni();
}

/* Only a partial block is copied, into s->block: a block that began in an
 * earlier update, and the tail of this one. Whole blocks are hashed where
 * the caller keeps them, all in one call. */
void dc_sha256_update(dc_sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->length += len;
    if (s->used > 0) {
        size_t take = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        len -= take;
        if (s->used < 64) return;
        hash_blocks(s, s->block, 1);
        s->used = 0;
    }
    if (len >= 64) hash_blocks(s, p, len / 64);
    p += len / 64 * 64;
    len %= 64;
    if (len > 0) memcpy(s->block, p, len);
    s->used = len;
}

/* Padding (5.1.1): a 1 bit, zeros, then the length in bits, big-endian. */
void dc_sha256_final(dc_sha256 *s, uint8_t digest[DC_SHA256_SIZE])
{
    uint64_t bits = s->length * 8;
    s->block[s->used++] = 0x80;
    if (s->used > 56) {
        memset(s->block + s->used, 0, 64 - s->used);
        hash_blocks(s, s->block, 1);
        s->used = 0;
    }
    memset(s->block + s->used, 0, 56 - s->used);
    for (int i = 0; i < 8; i++)
        s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    hash_blocks(s, s->block, 1);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(s->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(s->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(s->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)s->state[i];
    }
    dc_sha256_init(s);
}
