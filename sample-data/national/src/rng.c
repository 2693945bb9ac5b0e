/*
 * rng.c - splitmix64 (seeding, hashing) and xoshiro256** (streams), written
 * from the published algorithms (Vigna, Blackman). Our own, so the output is
 * the same on every libc and platform: a seed names one data set forever.
 */
#include "national.h"

uint64_t dc_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void dc_rng_seed(dc_rng *rng, uint64_t seed)
{
    uint64_t state = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = dc_splitmix64(&state);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t dc_rng_next(dc_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double dc_rng_unit(dc_rng *rng)
{
    /* The top 53 bits fill a double's mantissa exactly. */
    return (double)(dc_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint32_t dc_rng_below(dc_rng *rng, uint32_t n)
{
    /* Multiply-shift: bias under 2^-32 for the small n used here. */
    return (uint32_t)(((dc_rng_next(rng) >> 32) * (uint64_t)n) >> 32);
}

uint64_t dc_hash4(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t state = seed;
    state ^= dc_splitmix64(&state) + a;
    state ^= dc_splitmix64(&state) + b;
    state ^= dc_splitmix64(&state) + c;
    return dc_splitmix64(&state);
}

double dc_hash_signed(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    return (double)(dc_hash4(seed, a, b, c) >> 11) * 0x1.0p-52 - 1.0;
}
