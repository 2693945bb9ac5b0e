/*
 * test_batch_zone - the batch's texts of a zone (batch_row.c): its
 * addresses are dc_geo_address's byte for byte, whichever parts are empty,
 * for a name that starts with its kind, at the edge of the buffer where
 * dc_geo_address cuts on a character, and for two zones of one slot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch_zone.h"

static dc_str str_of(const char *text)
{
    return (dc_str){text, strlen(text)};
}

static dc_household household(const char *number, const char *street, const char *group)
{
    dc_household h;
    memset(&h, 0, sizeof h);
    h.house_number = str_of(number), h.street = str_of(street), h.group = str_of(group);
    return h;
}

static dc_zone zone(uint32_t postcode, const char *kind, const char *name,
                    const char *district, const char *province)
{
    dc_zone z;
    memset(&z, 0, sizeof z);
    z.postcode = postcode;
    z.kind = str_of(kind), z.name = str_of(name);
    z.district = str_of(district), z.province = str_of(province);
    return z;
}

/* dc_batch_address against dc_geo_address, for @p h (NULL: none). */
static void same_address(batch_zone_text *zones, const dc_household *h, const dc_zone *z)
{
    char want[1024], got[1024];
    size_t n = dc_geo_address(h, z, want, sizeof want);
    size_t want_len = n < sizeof want ? n : strlen(want);
    memset(got, 'x', sizeof got);
    size_t got_len = dc_batch_address(zones, h, z, ',', got, sizeof got);
    assert_string_equal(got, want);
    assert_int_equal(got_len, want_len);
}

static void empty_parts(void **state)
{
    (void)state;
    batch_zone_text *zones = calloc(BATCH_ZONE_TEXTS, sizeof *zones);
    const char *parts[] = {"", "12", "Đường Võ Nguyên Giáp", "Tổ 7"};
    const dc_zone zs[] = {
        zone(32101, "phường", "Mường Thanh", "Thành phố Điện Biên Phủ", "Điện Biên"),
        zone(32102, "", "Mường Thanh", "Thành phố Điện Biên Phủ", "Điện Biên"),
        zone(32103, "phường", "", "Thành phố Điện Biên Phủ", ""),
        zone(32104, "", "", "", ""),
        zone(32105, "xã", "Xã Thanh Minh", "", "Điện Biên"),
        zone(32106, "thị trấn", "Thị trấn Tủa Chùa", "Huyện Tủa Chùa", "Điện Biên")};
    for (size_t k = 0; k < sizeof zs / sizeof zs[0]; k++) {
        same_address(zones, NULL, &zs[k]);
        for (int mask = 0; mask < 8; mask++) {
            dc_household h = household(parts[mask & 1 ? 1 : 0], parts[mask & 2 ? 2 : 0],
                                       parts[mask & 4 ? 3 : 0]);
            same_address(zones, &h, &zs[k]); /* made, then from the slot */
            same_address(zones, &h, &zs[k]);
            same_address(zones, &h, NULL);
        }
    }
    const batch_zone_text *t = dc_batch_zone_text(zones, &zs[4], ',');
    assert_string_equal(t->name_text, "xã Thanh Minh");
    assert_int_equal(t->name_len, strlen("xã Thanh Minh"));
    assert_false(t->name_quoted);
    free(zones);
}

/* A long street: the whole just fits, then is cut inside a character. */
static void edge_of_buffer(void **state)
{
    (void)state;
    batch_zone_text *zones = calloc(BATCH_ZONE_TEXTS, sizeof *zones);
    dc_zone z = zone(10001, "phường", "Hàng Bạc", "Quận Hoàn Kiếm", "Hà Nội");
    char street[1100];
    for (size_t len = 900; len < 1030; len++) {
        for (size_t i = 0; i < len; i++)
            street[i] = (char)(i % 3 == 0 ? 'a' : i % 3 == 1 ? '\xE1' : '\xBB');
        street[len] = '\0';
        dc_household h = household("7", street, "");
        same_address(zones, &h, &z);
        same_address(zones, NULL, &z);
    }
    free(zones);
}

/* Zones whose postcodes share a slot, and a zone of the same postcode with
 * other strings (another index open at the same time): each its own. */
static void shared_slot(void **state)
{
    (void)state;
    batch_zone_text *zones = calloc(BATCH_ZONE_TEXTS, sizeof *zones);
    dc_household h = household("3", "Lê Lợi", "");
    for (uint32_t pc = 0; pc < 4 * BATCH_ZONE_TEXTS; pc += 7) {
        char name[32];
        snprintf(name, sizeof name, "Zone %u", pc);
        dc_zone a = zone(pc, "xã", name, "Huyện A", "Tỉnh B");
        dc_zone b = zone(pc, "phường", "Quote \"Q\", comma", "Quận C", "");
        same_address(zones, &h, &a);
        same_address(zones, &h, &b);
        const batch_zone_text *t = dc_batch_zone_text(zones, &b, ',');
        assert_string_equal(t->name_text, "phường Quote \"Q\", comma");
        assert_true(t->name_quoted);
        t = dc_batch_zone_text(zones, &a, ';');
        assert_string_equal(t->name_text, strcat(strcpy((char[64]){0}, "xã "), name));
        assert_false(t->name_quoted);
    }
    free(zones);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_parts),
        cmocka_unit_test(edge_of_buffer),
        cmocka_unit_test(shared_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
