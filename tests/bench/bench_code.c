/*
 * bench_code.c - throughput of the address-code hot paths on one core.
 *
 * Each operation runs over a precomputed array of varied inputs in Vietnam
 * (so branch predictors and caches see realistic variety, not one repeated
 * value), several times; the best repetition is printed in M ops/s next to
 * the project's aim. Results feed a sink printed at the end so the compiler
 * cannot drop the work. Never part of CTest, never asserted on.
 *
 * Usage: bench_code [POINTS [REPETITIONS]]   (defaults 1048576 and 5)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diachi/code.h"
#include "support.h"

#define DC_DEFAULT_POINTS (1u << 20)
#define DC_DEFAULT_REPETITIONS 5
/* References stay well inside the 0.4-degree recovery margin. */
#define DC_REFERENCE_OFFSET 0.3

typedef struct dc_inputs {
    size_t n;
    double *lat, *lon, *ref_lat, *ref_lon;
    uint32_t *postcode;
    char (*full)[DC_OLC_SIZE];          /* "7PH592P9+G54" */
    char (*text)[DC_CODE_DISPLAY_SIZE]; /* display, compact or lower case */
    size_t *text_len;
    dc_code *code;
} dc_inputs;

/* Everything a benchmark writes ends here, and is printed. */
static uint64_t dc_sink;
static double dc_sink_degrees;

static double dc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *dc_alloc(size_t count, size_t size)
{
    void *p = calloc(count, size);
    if (p == NULL) {
        fprintf(stderr, "bench_code: out of memory\n");
        exit(3);
    }
    return p;
}

/* Parsing sees the forms users type: display, compact, lower case. */
static void dc_make_text(const dc_code *code, size_t i, char *text, size_t *len)
{
    dc_code_format(code, i % 3 == 1 ? DC_CODE_COMPACT : DC_CODE_DISPLAY, text,
                   DC_CODE_DISPLAY_SIZE);
    if (i % 3 == 2)
        for (char *p = text; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    *len = strlen(text);
}

static void dc_fill_point(dc_inputs *in, size_t i, uint64_t *rng)
{
    /* Mainland Vietnam's bounding box, roughly. */
    in->lat[i] = 8.5 + rng_splitmix64_unit(rng) * 14.9;
    in->lon[i] = 102.1 + rng_splitmix64_unit(rng) * 7.4;
    in->ref_lat[i] =
        in->lat[i] + (2 * rng_splitmix64_unit(rng) - 1) * DC_REFERENCE_OFFSET;
    in->ref_lon[i] =
        in->lon[i] + (2 * rng_splitmix64_unit(rng) - 1) * DC_REFERENCE_OFFSET;
    in->postcode[i] = (uint32_t)(10000 + rng_splitmix64(rng) % 90000);
    if (dc_olc_encode(in->lat[i], in->lon[i], DC_CODE_OLC_DIGITS, in->full[i],
                      DC_OLC_SIZE) != DC_OK ||
        dc_code_make(in->postcode[i], in->lat[i], in->lon[i], &in->code[i]) != DC_OK) {
        fprintf(stderr, "bench_code: cannot build input %zu\n", i);
        exit(3);
    }
    dc_make_text(&in->code[i], i, in->text[i], &in->text_len[i]);
}

static void dc_inputs_init(dc_inputs *in, size_t n)
{
    in->n = n;
    in->lat = dc_alloc(n, sizeof *in->lat);
    in->lon = dc_alloc(n, sizeof *in->lon);
    in->ref_lat = dc_alloc(n, sizeof *in->ref_lat);
    in->ref_lon = dc_alloc(n, sizeof *in->ref_lon);
    in->postcode = dc_alloc(n, sizeof *in->postcode);
    in->full = dc_alloc(n, sizeof *in->full);
    in->text = dc_alloc(n, sizeof *in->text);
    in->text_len = dc_alloc(n, sizeof *in->text_len);
    in->code = dc_alloc(n, sizeof *in->code);
    uint64_t rng = 0xbe9c4c0deULL;
    for (size_t i = 0; i < n; i++)
        dc_fill_point(in, i, &rng);
}

static void dc_inputs_free(dc_inputs *in)
{
    free(in->lat);
    free(in->lon);
    free(in->ref_lat);
    free(in->ref_lon);
    free(in->postcode);
    free(in->full);
    free(in->text);
    free(in->text_len);
    free(in->code);
}

/* ---------------------------------------------------------------------- */
/* The operations: each runs once over every input                         */
/* ---------------------------------------------------------------------- */

static void dc_run_olc_encode(const dc_inputs *in)
{
    char out[DC_OLC_SIZE];
    uint64_t s = 0;
    for (size_t i = 0; i < in->n; i++) {
        s += (uint64_t)dc_olc_encode(in->lat[i], in->lon[i], DC_CODE_OLC_DIGITS, out,
                                     sizeof out);
        s += (unsigned char)out[11];
    }
    dc_sink += s;
}

static void dc_run_code_make(const dc_inputs *in)
{
    dc_code code;
    uint64_t s = 0;
    for (size_t i = 0; i < in->n; i++) {
        s += (uint64_t)dc_code_make(in->postcode[i], in->lat[i], in->lon[i], &code);
        s += (unsigned char)code.location[6];
    }
    dc_sink += s;
}

static void dc_run_olc_decode(const dc_inputs *in)
{
    dc_olc_area area;
    double s = 0;
    for (size_t i = 0; i < in->n; i++) {
        dc_sink += (uint64_t)dc_olc_decode(in->full[i], &area);
        s += area.lat;
    }
    dc_sink_degrees += s;
}

static void dc_run_code_parse(const dc_inputs *in)
{
    dc_code code;
    uint64_t s = 0;
    for (size_t i = 0; i < in->n; i++) {
        s += (uint64_t)dc_code_parse(in->text[i], in->text_len[i], &code, NULL);
        s += code.postcode;
    }
    dc_sink += s;
}

static void dc_run_olc_recover(const dc_inputs *in)
{
    char out[DC_OLC_SIZE];
    uint64_t s = 0;
    for (size_t i = 0; i < in->n; i++) {
        /* in->full[i] + 4 is the 8-character short code "92P9+G54". */
        s += (uint64_t)dc_olc_recover(in->full[i] + 4, in->ref_lat[i], in->ref_lon[i],
                                      out, sizeof out);
        s += (unsigned char)out[3];
    }
    dc_sink += s;
}

static void dc_run_code_resolve(const dc_inputs *in)
{
    dc_olc_area cell;
    double s = 0;
    for (size_t i = 0; i < in->n; i++) {
        dc_sink += (uint64_t)dc_code_resolve(&in->code[i], in->ref_lat[i], in->ref_lon[i],
                                             &cell);
        s += cell.lon;
    }
    dc_sink_degrees += s;
}

typedef struct dc_bench {
    const char *group;
    const char *name;
    void (*run)(const dc_inputs *in);
    double aim; /* M ops/s the project aims for; 0 for none */
} dc_bench;

static const dc_bench dc_benches[] = {
    {"encode", "dc_olc_encode (11 digits)", dc_run_olc_encode, 50},
    {"encode", "dc_code_make", dc_run_code_make, 50},
    {"decode", "dc_olc_decode (11 digits)", dc_run_olc_decode, 20},
    {"parse", "dc_code_parse", dc_run_code_parse, 0},
    {"recover", "dc_olc_recover (8-char short)", dc_run_olc_recover, 10},
    {"recover", "dc_code_resolve", dc_run_code_resolve, 10},
};

static double dc_best_mops(const dc_bench *b, const dc_inputs *in, int repetitions)
{
    double best = 0;
    for (int r = 0; r < repetitions; r++) {
        double start = dc_now();
        b->run(in);
        double seconds = dc_now() - start;
        double mops = (double)in->n / seconds / 1e6;
        if (mops > best) best = mops;
    }
    return best;
}

static void dc_print_result(const dc_bench *b, double mops)
{
    char aim[48] = "";
    if (b->aim > 0)
        snprintf(aim, sizeof aim, "aim >= %4.0f M/s  %s", b->aim,
                 mops >= b->aim ? "met" : "BELOW");
    printf("%-8s %-30s %8.2f M ops/s %7.1f ns/op   %s\n", b->group, b->name, mops,
           1e3 / mops, aim);
}

int main(int argc, char **argv)
{
    size_t points = argc > 1 ? strtoul(argv[1], NULL, 10) : DC_DEFAULT_POINTS;
    int repetitions = argc > 2 ? atoi(argv[2]) : DC_DEFAULT_REPETITIONS;
    if (points == 0 || repetitions <= 0) {
        fprintf(stderr, "usage: %s [POINTS [REPETITIONS]]\n", argv[0]);
        return 2;
    }
    dc_inputs in;
    dc_inputs_init(&in, points);
    printf("bench_code: %zu points in Vietnam, best of %d repetitions, one core\n",
           points, repetitions);
    for (size_t i = 0; i < sizeof dc_benches / sizeof dc_benches[0]; i++)
        dc_print_result(&dc_benches[i], dc_best_mops(&dc_benches[i], &in, repetitions));
    printf("(sink %llu %.3f)\n", (unsigned long long)dc_sink, dc_sink_degrees);
    dc_inputs_free(&in);
    return 0;
}
