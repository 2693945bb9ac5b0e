/* test_strtab.c - the string table: ids in order of first sight, one copy
 * each, kept strings, freezing, and the argument errors of diachi/strtab.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "diachi/strtab.h"

typedef struct intern_case {
    const char *s;
    size_t len;
    uint32_t id;
} intern_case;

/* In order: each string's id is its rank among the distinct ones. */
static const intern_case cases[] = {
    {"Phan Dinh Giot", 14, 1},
    {"To 1", 4, 2},
    {"Phan Dinh Giot", 14, 1},
    {"", 0, 0},
    {NULL, 0, 0},
    {"To 1", 3, 3}, /* "To " */
    {"To 1", 4, 2},
    {"Muong Thanh", 11, 4},
};

static void test_ids_in_order_of_first_sight(void **state)
{
    (void)state;
    dc_strtab *t = dc_strtab_open();
    assert_non_null(t);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t id = 99;
        assert_int_equal(dc_strtab_intern(t, cases[i].s, cases[i].len, &id), DC_OK);
        assert_int_equal(id, cases[i].id);
    }
    assert_int_equal(dc_strtab_count(t), 4);
    dc_str s = dc_strtab_string(t, 3);
    assert_int_equal(s.len, 3);
    assert_string_equal(s.ptr, "To "); /* the copy ends with a NUL */
    s = dc_strtab_string(t, 0);
    assert_string_equal(s.ptr, "");
    assert_null(dc_strtab_string(t, 5).ptr);
    dc_strtab_close(t);
}

/* Past the first slots and entries, and strings longer than a chunk. */
static void test_growth_keeps_ids(void **state)
{
    (void)state;
    static char big[3u << 20];
    char s[32];
    uint32_t id;
    dc_strtab *t = dc_strtab_open();
    for (uint32_t i = 0; i < 5000; i++) {
        snprintf(s, sizeof s, "street %u", i);
        assert_int_equal(dc_strtab_intern(t, s, strlen(s), &id), DC_OK);
        assert_int_equal(id, i + 1);
    }
    memset(big, 'x', sizeof big);
    assert_int_equal(dc_strtab_intern(t, big, sizeof big, &id), DC_OK);
    assert_int_equal(id, 5001);
    for (uint32_t i = 0; i < 5000; i += 499) {
        snprintf(s, sizeof s, "street %u", i);
        assert_int_equal(dc_strtab_intern(t, s, strlen(s), &id), DC_OK);
        assert_int_equal(id, i + 1);
        assert_string_equal(dc_strtab_string(t, id).ptr, s);
    }
    assert_int_equal(dc_strtab_string(t, 5001).len, sizeof big);
    dc_strtab_close(t);
}

static void test_keep_and_freeze(void **state)
{
    (void)state;
    uint32_t id;
    dc_strtab *t = dc_strtab_open();
    const char *kept = dc_strtab_keep(t, "HH-0001xyz", 7);
    assert_string_equal(kept, "HH-0001");
    assert_int_equal(dc_strtab_count(t), 0); /* kept, not interned */
    assert_int_equal(dc_strtab_intern(t, "HH-0001", 7, &id), DC_OK);
    assert_int_equal(id, 1);
    assert_ptr_not_equal(dc_strtab_string(t, 1).ptr, kept);
    dc_strtab_freeze(t);
    assert_int_equal(dc_strtab_intern(t, "HH-0001", 7, &id), DC_E_INVALID_ARG);
    assert_string_equal(dc_strtab_string(t, 1).ptr, "HH-0001");
    assert_string_equal(kept, "HH-0001");
    dc_strtab_close(t);
}

static void test_argument_errors(void **state)
{
    (void)state;
    uint32_t id = 7;
    dc_strtab *t = dc_strtab_open();
    assert_int_equal(dc_strtab_intern(NULL, "a", 1, &id), DC_E_INVALID_ARG);
    assert_int_equal(dc_strtab_intern(t, "a", 1, NULL), DC_E_INVALID_ARG);
    assert_int_equal(dc_strtab_intern(t, NULL, 1, &id), DC_E_INVALID_ARG);
    assert_int_equal(id, 7); /* untouched on failure */
    assert_null(dc_strtab_keep(t, NULL, 0));
    assert_null(dc_strtab_keep(NULL, "a", 1));
    assert_int_equal(dc_strtab_count(NULL), 0);
    dc_strtab_freeze(NULL);
    dc_strtab_close(NULL);
    dc_strtab_close(t);
}

/* FNV-1a 32 reference values (the empty string is the offset basis). */
static void test_hash(void **state)
{
    (void)state;
    assert_int_equal(dc_strtab_hash("", 0), 0x811c9dc5u);
    assert_int_equal(dc_strtab_hash("a", 1), 0xe40c292cu);
    assert_int_equal(dc_strtab_hash("foobar", 6), 0xbf9cf968u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_in_order_of_first_sight),
        cmocka_unit_test(test_growth_keeps_ids),
        cmocka_unit_test(test_keep_and_freeze),
        cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
