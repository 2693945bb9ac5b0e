/*
 * test_qr.c - QR codes (diachi/qr.h), read back by an independent decoder:
 * each code is drawn as a PGM image and decoded by zbarimg (zbar-tools),
 * which must give back the very bytes encoded. Versions are checked
 * against the standard's capacity table (ISO/IEC 18004, byte mode, level
 * M), and the SVG's path against the matrix, module for module.
 *
 * Usage: test_qr ZBARIMG WORKDIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diachi/qr.h"

static const char *zbarimg;
static const char *workdir;

/* The code drawn 4 pixels a module, with its quiet zone, as a binary PGM. */
static void write_pgm(const dc_qr *q, const char *path)
{
    const int scale = 4, side = (q->size + 2 * DC_QR_QUIET) * scale;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "P5\n%d %d\n255\n", side, side);
    for (int py = 0; py < side; py++)
        for (int px = 0; px < side; px++) {
            int x = px / scale - DC_QR_QUIET, y = py / scale - DC_QR_QUIET;
            fputc(dc_qr_dark(q, x, y) ? 0 : 255, f);
        }
    assert_int_equal(fclose(f), 0);
}

/* What zbarimg reads off the image, its trailing newline dropped. */
static size_t decode(const char *path, char *out, size_t size)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' -q --raw -Sbinary '%s'", zbarimg, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    assert_int_equal(pclose(p), 0);
    if (n > 0 && out[n - 1] == '\n') n--;
    out[n] = '\0';
    return n;
}

static void round_trip(const char *text, size_t len, int version)
{
    dc_qr q;
    dc_error err;
    assert_int_equal(dc_qr_encode(text, len, &q, &err), DC_OK);
    assert_int_equal(q.version, version);
    assert_int_equal(q.size, 17 + 4 * version);
    char path[900];
    snprintf(path, sizeof path, "%s/qr-%zu.pgm", workdir, len);
    write_pgm(&q, path);
    char back[2048];
    size_t n = decode(path, back, sizeof back);
    assert_int_equal(n, len);
    assert_memory_equal(back, text, len);
    dc_qr_free(&q);
}

/* Byte-mode capacities at level M: version 1 holds 14 bytes, 2 holds 26,
 * 3 holds 42, 5 holds 84, 6 holds 106, 17 holds 504, 18 holds 560
 * (ISO/IEC 18004 table 7). */
static void test_round_trips(void **state)
{
    (void)state;
    round_trip("32105927CJ93", 12, 1);
    round_trip("32105 927C+J93", 14, 1);
    round_trip("32105 927C+J93 ", 15, 2);
    round_trip("http://127.0.0.1:8080/#32105-927CJ93", 36, 3);
    round_trip("geo:21.3640201,103.0209141;u=3", 30, 3);
    const char *addr = "Số 1138, Tổ 5, Phường Him Lam, TP. Điện Biên Phủ, Điện Biên";
    round_trip(addr, strlen(addr), 5); /* 76 bytes */
    char big[DC_QR_TEXT_MAX + 1];
    for (int i = 0; i < DC_QR_TEXT_MAX; i++) big[i] = (char)('A' + i % 26);
    round_trip(big, 106, 6);
    round_trip(big, 504, 17);
    round_trip(big, 505, 18);
    round_trip(big, DC_QR_TEXT_MAX, 18);
}

static void test_refusals(void **state)
{
    (void)state;
    dc_qr q;
    dc_error err;
    assert_int_equal(dc_qr_encode("", 0, &q, &err), DC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "1 byte or more"));
    char big[DC_QR_TEXT_MAX + 1];
    memset(big, 'a', sizeof big);
    assert_int_equal(dc_qr_encode(big, sizeof big, &q, &err), DC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "513 bytes"));
    assert_int_equal(dc_qr_encode(NULL, 3, &q, &err), DC_E_INVALID_ARG);
    assert_int_equal(dc_qr_encode("abc", 3, NULL, &err), DC_E_INVALID_ARG);
    assert_false(dc_qr_dark(&q, 0, 0)); /* zeroed by the refusal */
    dc_qr_free(&q);
    dc_qr_free(NULL);
}

/* The SVG's rectangles, painted into a grid of their own, are the matrix. */
static void test_svg_is_the_matrix(void **state)
{
    (void)state;
    const char *text = "http://127.0.0.1:8080/#32105-927CJ93";
    dc_qr q;
    assert_int_equal(dc_qr_encode(text, strlen(text), &q, NULL), DC_OK);
    size_t len = 0;
    char *svg = dc_qr_svg(&q, &len);
    assert_non_null(svg);
    assert_int_equal(strlen(svg), len);
    int side = q.size + 2 * DC_QR_QUIET;
    char box[64];
    snprintf(box, sizeof box, "viewBox=\"0 0 %d %d\"", side, side);
    assert_non_null(strstr(svg, box));

    unsigned char *painted = calloc((size_t)side * (size_t)side, 1);
    assert_non_null(painted);
    const char *d = strstr(svg, " d=\"");
    assert_non_null(d);
    d += 4;
    int x, y, run, back, rects = 0;
    int used;
    while (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used) == 4) {
        assert_int_equal(run, back);
        for (int i = 0; i < run; i++) {
            assert_true(x + i < side && y < side);
            painted[y * side + x + i]++;
        }
        d += used;
        rects++;
    }
    assert_true(rects > 0);
    assert_int_equal(*d, '"');
    for (int yy = 0; yy < side; yy++)
        for (int xx = 0; xx < side; xx++)
            assert_int_equal(painted[yy * side + xx],
                             dc_qr_dark(&q, xx - DC_QR_QUIET, yy - DC_QR_QUIET) ? 1 : 0);
    free(painted);
    free(svg);
    dc_qr_free(&q);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_qr ZBARIMG WORKDIR\n");
        return 2;
    }
    zbarimg = argv[1];
    workdir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_svg_is_the_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
