/*
 * seeded_rng.h - the one random number generator of the map generators and
 * the tests: xoshiro256** streams seeded through splitmix64 (Vigna,
 * Blackman), written from the published algorithms.
 *
 * Our own code, so the output is the same on every libc and platform: a seed
 * names one sample map, one national map or one test's inputs forever. Every
 * function here is part of that promise; changing one changes the committed
 * sample map (tests/sample's sample_deterministic says so).
 *
 * Header-only: a build tool or a test includes it and needs no library. Not
 * part of diachi's public API, hence no dc_ prefix.
 */
#ifndef SEEDED_RNG_H
#define SEEDED_RNG_H

#include <math.h>
#include <stdint.h>

/** A xoshiro256** stream. Seed it with rng_seed before use. */
typedef struct seeded_rng {
    uint64_t s[4];
} seeded_rng;

/**
 * One step of splitmix64: advances @p state and returns the next value. On
 * its own a small stream generator (one word of state, what the tests use);
 * here it also seeds xoshiro and hashes lattice coordinates.
 */
static inline uint64_t rng_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/** The top 53 bits of @p bits as a double in [0, 1): a double's mantissa exactly. */
static inline double rng_bits_to_unit(uint64_t bits)
{
    return (double)(bits >> 11) * 0x1.0p-53;
}

/** Uniform in [0, 1) from the splitmix64 stream @p state. */
static inline double rng_splitmix64_unit(uint64_t *state)
{
    return rng_bits_to_unit(rng_splitmix64(state));
}

/** Seed a stream from one 64-bit seed: four splitmix64 steps. */
static inline void rng_seed(seeded_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = rng_splitmix64(&seed);
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/** The next 64 random bits of the stream. */
static inline uint64_t rng_next(seeded_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/** Uniform in [0, 1), 53 random bits. */
static inline double rng_unit(seeded_rng *rng)
{
    return rng_bits_to_unit(rng_next(rng));
}

/** Uniform in [lo, hi). */
static inline double rng_range(seeded_rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * rng_unit(rng);
}

/** Uniform integer in [0, n), n > 0: multiply-shift of the top 32 bits, with a
 *  bias under n / 2^32, nothing for the small n of a map. */
static inline uint32_t rng_below(seeded_rng *rng, uint32_t n)
{
    return (uint32_t)(((rng_next(rng) >> 32) * (uint64_t)n) >> 32);
}

/** A standard normal deviate (Box-Muller, one value per call, two draws). */
static inline double rng_normal(seeded_rng *rng)
{
    /* 1 - u keeps the logarithm's argument in (0, 1]. */
    double u = 1.0 - rng_unit(rng);
    double v = rng_unit(rng);
    return sqrt(-2.0 * log(u)) * cos(2.0 * 3.14159265358979323846 * v);
}

/** A stateless hash of (seed, a, b, c): a value every caller computes alike,
 *  such as the jitter of a vertex two zones share. */
static inline uint64_t rng_hash4(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t state = seed;
    state ^= rng_splitmix64(&state) + a;
    state ^= rng_splitmix64(&state) + b;
    state ^= rng_splitmix64(&state) + c;
    return rng_splitmix64(&state);
}

/** rng_hash4 mapped to [-1, 1). */
static inline double rng_hash_signed(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    return (double)(rng_hash4(seed, a, b, c) >> 11) * 0x1.0p-52 - 1.0;
}

#endif
