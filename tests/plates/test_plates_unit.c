/*
 * test_plates_unit.c - the plates' pure parts (diachi/plates.h), case by
 * case: payload specs and templates (what each placeholder gives, which
 * are refused and with which problem name), the order of house numbers
 * along a street, the sheet's geometry in millimetres, and the font check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "diachi/plates.h"

static dc_plate sample_plate(void)
{
    dc_plate p = {0};
    p.postcode = 32105;
    p.lat_e7 = 213640201;
    p.lon_e7 = 1030209141;
    strcpy(p.display, "32105 927C+J93");
    strcpy(p.compact, "32105927CJ93");
    strcpy(p.plus_code, "7PH5927C+J93");
    p.id = "DBP-00 1/ä";
    p.house_number = p.street = p.group = p.address = "";
    return p;
}

static void test_payload_texts(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *text;
        bool uri;
    } cases[] = {
        {"code", "32105927CJ93", false},
        {"geo", "geo:21.3640201,103.0209141", false},
        {"https://example.vn/c/{code}", "https://example.vn/c/32105927CJ93", true},
        {"https://x.vn/?p={plus_code}&d={display}",
         "https://x.vn/?p=7PH5927C%2BJ93&d=32105%20927C%2BJ93", true},
        {"{display}", "32105 927C+J93", false},
        {"{plus_code}", "7PH5927C+J93", false},
        {"{postcode}-{location}", "32105-927CJ93", false},
        {"{lat},{lon}", "21.3640201,103.0209141", false},
        {"{{{code}}}", "{32105927CJ93}", false},
        {"id={id}", "id=DBP-00 1/ä", false},
        {"urn:x:{id}", "urn:x:DBP-00%201%2F%C3%A4", true},
        {"{code} https://x.vn/", "32105927CJ93 https://x.vn/", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_plates_payload p;
        const char *problem = NULL;
        dc_error err;
        assert_int_equal(dc_plates_payload_parse(cases[i].spec, &p, &problem, &err),
                         DC_OK);
        assert_int_equal(p.uri, cases[i].uri);
        dc_plate pl = sample_plate();
        char out[600];
        size_t len;
        assert_int_equal(dc_plates_payload_text(&p, &pl, out, sizeof out, &len), DC_OK);
        assert_string_equal(out, cases[i].text);
        assert_int_equal(len, strlen(cases[i].text));
    }
}

static void test_payload_negative_coordinates(void **state)
{
    (void)state;
    dc_plates_payload p;
    assert_int_equal(dc_plates_payload_parse("geo", &p, NULL, NULL), DC_OK);
    dc_plate pl = sample_plate();
    pl.lat_e7 = -5;
    pl.lon_e7 = -1799999999;
    char out[64];
    assert_int_equal(dc_plates_payload_text(&p, &pl, out, sizeof out, NULL), DC_OK);
    assert_string_equal(out, "geo:-0.0000005,-179.9999999");
}

static void test_payload_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *problem, *message;
    } cases[] = {
        {"https://example.vn/c/{cod}", "unknown_placeholder",
         "unknown placeholder {cod} at character 22"},
        {"{CODE}", "unknown_placeholder", "unknown placeholder {CODE} at character 1"},
        {"{}", "unknown_placeholder", "unknown placeholder {} at character 1"},
        {"x{code", "bad_template", "an unclosed '{' at character 2"},
        {"x}{code}", "bad_template", "a lone '}' at character 2"},
        {"https://example.vn/", "bad_template", "no placeholder"},
        {"Code", "bad_template", "no placeholder"},
        {"", "bad_template", "empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dc_plates_payload p;
        memset(&p, 0x5a, sizeof p);
        const char *problem = NULL;
        dc_error err;
        assert_int_equal(dc_plates_payload_parse(cases[i].spec, &p, &problem, &err),
                         DC_E_INVALID_ARG);
        assert_string_equal(problem, cases[i].problem);
        if (!strstr(err.message, cases[i].message))
            fail_msg("'%s': message '%s'", cases[i].spec, err.message);
        assert_int_equal(p.len, 0x5a5a5a5a5a5a5a5aull); /* untouched */
    }
    char big[DC_PLATES_TEMPLATE_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "{code}", 6);
    dc_plates_payload p;
    const char *problem;
    dc_error err;
    assert_int_equal(dc_plates_payload_parse(big, &p, &problem, &err), DC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "513 bytes"));
    /* A template that fits, whose text would not fit a QR code. */
    big[DC_PLATES_TEMPLATE_MAX] = '\0';
    assert_int_equal(dc_plates_payload_parse(big, &p, &problem, &err), DC_OK);
    dc_plate pl = sample_plate();
    char out[1024];
    assert_int_equal(dc_plates_payload_text(&p, &pl, out, sizeof out, NULL), DC_E_BUFFER);
}

/* Each list is in the order the plates stand along a street. */
static void test_house_order(void **state)
{
    (void)state;
    static const char *const order[] = {
        "1",  "2",    "02a",   "2b",    "2B1",     "3",      "9",     "10",
        "12", "12/1", "12/2",  "12/10", "12/10/1", "k12",    "12-14", "12a",
        "13", "21/3", "21/12", "100",   "1138",    "Kiốt A", "",
    };
    size_t n = sizeof order / sizeof order[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int c = dc_plates_house_cmp(order[i], order[j]);
            int want = i < j ? -1 : i > j;
            if ((c < 0 ? -1 : c > 0) != want)
                fail_msg("'%s' vs '%s': %d, want %d", order[i], order[j], c, want);
        }
    assert_int_equal(dc_plates_house_cmp("007", "7"), 0);
    assert_int_equal(dc_plates_house_cmp(NULL, ""), 0);
}

/* Plates of one street, zone first, then the street's folded name. */
static void test_sort(void **state)
{
    (void)state;
    static const struct {
        uint32_t postcode;
        const char *street, *house, *id;
    } in[] = {
        {32106, "A", "1", "f"},
        {32105, "", "", "e"},
        {32105, "Võ Nguyên Giáp", "10", "d"},
        {32105, "vo nguyen giap", "2", "c"},
        {32105, "Bế Văn Đàn", "9", "b"},
        {32105, "Võ Nguyên Giáp", "10", "a"},
    };
    static const char *const want[] = {"b", "c", "a", "d", "e", "f"};
    dc_plate_list l = {0};
    dc_plate plates[6];
    for (size_t i = 0; i < 6; i++) {
        plates[i] = sample_plate();
        plates[i].postcode = in[i].postcode;
        plates[i].street = in[i].street;
        plates[i].house_number = in[i].house;
        plates[i].id = in[i].id;
        plates[i].number = (uint32_t)i;
    }
    l.plates = plates;
    l.count = l.cap = 6;
    dc_plates_sort(&l);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(l.plates[i].id, want[i]);
}

/* A hamlet's households, without numbers, along the line they stand on:
 * here north-east, so from the south-west end; a numbered one first. */
static void test_sort_along(void **state)
{
    (void)state;
    static const struct {
        int32_t lat_e7, lon_e7;
        const char *house, *id;
    } in[] = {
        {213000300, 1030000310, "", "c"}, {213000000, 1030000000, "", "a"},
        {213000900, 1030000880, "", "e"}, {213000100, 1030000120, "", "b"},
        {213000600, 1030000600, "", "d"}, {213000600, 1030000600, "5", "z"},
    };
    static const char *const want[] = {"z", "a", "b", "c", "d", "e"};
    dc_plate plates[6];
    for (size_t i = 0; i < 6; i++) {
        plates[i] = sample_plate();
        plates[i].street = "Bản Co Mỵ";
        plates[i].lat_e7 = in[i].lat_e7;
        plates[i].lon_e7 = in[i].lon_e7;
        plates[i].house_number = in[i].house;
        plates[i].id = in[i].id;
    }
    dc_plate_list l = {plates, 6, 6};
    dc_plates_sort(&l);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(l.plates[i].id, want[i]);
}

static void test_layout(void **state)
{
    (void)state;
    const double mm = DC_PLATES_PT_PER_MM;
    dc_plates_layout l;
    dc_plates_layout_make(false, &l);
    assert_int_equal(dc_plates_per_page(&l), 8);
    assert_true(l.cut_marks);
    assert_true(l.page_w / mm > 209.99 && l.page_w / mm < 210.01);
    assert_true(l.page_h / mm > 296.99 && l.page_h / mm < 297.01);
    double x, y;
    dc_plates_slot(&l, 7, &x, &y); /* the last plate: right column, fourth row */
    assert_true((x + l.plate_w) / mm > 203.99 && (x + l.plate_w) / mm < 204.01);
    assert_true((y + l.plate_h) / mm > 280.49 && (y + l.plate_h) / mm < 280.51);
    dc_plates_slot(&l, 0, &x, &y);
    assert_true(x / mm > 5.99 && x / mm < 6.01 && y / mm > 16.49 && y / mm < 16.51);
    assert_int_equal(dc_plates_page_count(&l, 0), 0);
    assert_int_equal(dc_plates_page_count(&l, 8), 1);
    assert_int_equal(dc_plates_page_count(&l, 9), 2);
    dc_plates_layout_make(true, &l);
    assert_int_equal(dc_plates_per_page(&l), 1);
    assert_false(l.cut_marks);
    assert_int_equal(dc_plates_page_count(&l, 9), 9);
    assert_true(l.page_w / mm > 94.99 && l.page_w / mm < 95.01);
}

static void test_fonts(void **state)
{
    (void)state;
    dc_plates_font *f = NULL;
    const char *problem;
    dc_error err;
    assert_int_equal(dc_plates_font_open(NULL, &f, &problem, &err), DC_OK);
    assert_string_equal(dc_plates_font_family(f), "Noto Sans");
    uint32_t missing = 0;
    assert_true(dc_plates_font_covers(f, "Phường Mường Thanh, Điện Biên Phủ", &missing));
    assert_false(dc_plates_font_covers(f, "tổ 5 \xe4\xb8\xad", &missing)); /* U+4E2D */
    assert_int_equal(missing, 0x4E2D);
    dc_plates_font_close(f);
    assert_int_equal(dc_plates_font_open("DejaVu Sans", &f, &problem, &err), DC_OK);
    dc_plates_font_close(f);
    assert_int_equal(dc_plates_font_open("No Such Family", &f, &problem, &err),
                     DC_E_NOT_FOUND);
    assert_string_equal(problem, "font_missing");
    assert_non_null(strstr(err.message, "'No Such Family' not found"));
    /* Thai script's face has Latin, but not Vietnamese's toned letters. */
    assert_int_equal(dc_plates_font_open("Noto Sans Thai", &f, &problem, &err),
                     DC_E_NOT_FOUND);
    assert_string_equal(problem, "font_coverage");
    assert_non_null(strstr(err.message, "cannot print Vietnamese"));
    dc_plates_font_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_texts),
        cmocka_unit_test(test_payload_negative_coordinates),
        cmocka_unit_test(test_payload_refusals),
        cmocka_unit_test(test_house_order),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_sort_along),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_fonts),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    dc_plates_font_shutdown();
    return failed;
}
