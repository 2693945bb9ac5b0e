/*
 * names.c - synthetic Vietnamese names for zones, districts, streets, hamlets
 * and resident groups. Two-word Sino-Vietnamese place names ("Hòa Bình", "Tân
 * Lập") and streets named after historical figures, as in real addresses. All
 * literals are UTF-8 NFC (precomposed), as the index requires.
 */
#include "national.h"

#include <stdio.h>
#include <string.h>

static const char *const first_word[] = {
    "An",   "Bình",  "Hòa", "Tân",  "Phú",   "Thành", "Hưng",  "Long",  "Phước", "Thạnh",
    "Đông", "Tây",   "Nam", "Bắc",  "Trung", "Vĩnh",  "Quang", "Minh",  "Hồng",  "Thanh",
    "Xuân", "Thuận", "Đức", "Hiệp", "Lộc",   "Mỹ",    "Nghĩa", "Phong", "Sơn",   "Thịnh",
};
static const char *const second_word[] = {
    "Bình", "Lập",  "Phú",  "Hòa",    "Thịnh", "Lợi",   "Khánh", "Hưng",
    "Thái", "Tiến", "Lạc",  "Thọ",    "Hải",   "Giang", "Định",  "Xương",
    "Yên",  "Quý",  "Điền", "Trường", "Nhuận", "Tường", "Châu",  "Phát",
    "Hạnh", "Đạt",  "Mỹ",   "Sơn",    "Thủy",  "Hà",    "Kiên",
};
#define FIRST_COUNT (sizeof first_word / sizeof first_word[0])
#define SECOND_COUNT (sizeof second_word / sizeof second_word[0])
#define PAIR_COUNT (FIRST_COUNT * SECOND_COUNT)

static const char *const street[] = {
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Lý Thường Kiệt",
    "Hai Bà Trưng",
    "Quang Trung",
    "Nguyễn Du",
    "Lê Duẩn",
    "Phan Chu Trinh",
    "Phan Bội Châu",
    "Hoàng Văn Thụ",
    "Võ Thị Sáu",
    "Nguyễn Huệ",
    "Lê Thánh Tông",
    "Trần Phú",
    "Bà Triệu",
    "Điện Biên Phủ",
    "Võ Nguyên Giáp",
    "Nguyễn Văn Cừ",
    "Tôn Đức Thắng",
    "Lạc Long Quân",
    "Âu Cơ",
    "Hùng Vương",
    "Ngô Quyền",
    "Đinh Tiên Hoàng",
    "Lý Thái Tổ",
    "Trần Nhân Tông",
    "Nguyễn Thị Minh Khai",
    "Chu Văn An",
    "Nguyễn Chí Thanh",
    "Hoàng Hoa Thám",
    "Lê Hồng Phong",
    "Cách Mạng Tháng Tám",
    "Ba Tháng Hai",
    "Trường Chinh",
    "Phạm Văn Đồng",
    "Nguyễn Văn Linh",
    "Tô Hiến Thành",
    "Yết Kiêu",
    "Kim Đồng",
    "Trần Quốc Toản",
    "Lê Quý Đôn",
    "Nguyễn Bỉnh Khiêm",
    "Phạm Ngũ Lão",
    "Mạc Đĩnh Chi",
};
#define STREET_COUNT (sizeof street / sizeof street[0])

/* Names number @p index walks all (first, second) pairs before repeating with
 * a number, because 7 is prime to PAIR_COUNT (30 x 31); @p offset shifts where
 * the walk starts, so each province has its own sequence. */
static void place_name(char out[NAT_NAME_SIZE], const char *kind, uint64_t index,
                       uint64_t offset)
{
    uint64_t pair = (index * 7 + offset) % PAIR_COUNT, round = index / PAIR_COUNT;
    const char *a = first_word[pair % FIRST_COUNT], *b = second_word[pair / FIRST_COUNT];
    if (strcmp(a, b) == 0) b = second_word[(pair / FIRST_COUNT + 1) % SECOND_COUNT];
    if (round > 0)
        snprintf(out, NAT_NAME_SIZE, "%s %s %s %llu", kind, a, b,
                 (unsigned long long)round + 1);
    else
        snprintf(out, NAT_NAME_SIZE, "%s %s %s", kind, a, b);
}

void nat_name_zone(char out[NAT_NAME_SIZE], int index, int urban,
                   const nat_province *province)
{
    place_name(out, urban ? "Phường" : "Xã", (uint64_t)index,
               (uint64_t)province->prefix_first * 101);
}

void nat_name_district(char out[NAT_NAME_SIZE], int district, const char *kind,
                       const nat_province *province)
{
    if (district == 0)
        snprintf(out, NAT_NAME_SIZE, "%s", province->capital);
    else
        place_name(out, kind, (uint64_t)district,
                   (uint64_t)province->prefix_first * 37 + 5);
}

void nat_name_street(char out[NAT_NAME_SIZE], uint64_t index)
{
    snprintf(out, NAT_NAME_SIZE, "%s %s", index % 3 ? "Đường" : "Phố",
             street[index % STREET_COUNT]);
}

void nat_name_hamlet(char out[NAT_NAME_SIZE], uint64_t index)
{
    place_name(out, "Thôn", index % PAIR_COUNT, 3); /* hamlet names may repeat */
}

const char *nat_name_group(int urban, int number)
{
    static const char *const urban_group[NAT_GROUP_MAX] = {
        "Tổ 1",  "Tổ 2",  "Tổ 3",  "Tổ 4",  "Tổ 5",  "Tổ 6",  "Tổ 7",  "Tổ 8",
        "Tổ 9",  "Tổ 10", "Tổ 11", "Tổ 12", "Tổ 13", "Tổ 14", "Tổ 15", "Tổ 16",
        "Tổ 17", "Tổ 18", "Tổ 19", "Tổ 20", "Tổ 21", "Tổ 22", "Tổ 23", "Tổ 24",
        "Tổ 25", "Tổ 26", "Tổ 27", "Tổ 28", "Tổ 29", "Tổ 30", "Tổ 31", "Tổ 32",
        "Tổ 33", "Tổ 34", "Tổ 35", "Tổ 36", "Tổ 37", "Tổ 38", "Tổ 39", "Tổ 40"};
    static const char *const rural_group[NAT_GROUP_MAX] = {
        "Xóm 1",  "Xóm 2",  "Xóm 3",  "Xóm 4",  "Xóm 5",  "Xóm 6",  "Xóm 7",  "Xóm 8",
        "Xóm 9",  "Xóm 10", "Xóm 11", "Xóm 12", "Xóm 13", "Xóm 14", "Xóm 15", "Xóm 16",
        "Xóm 17", "Xóm 18", "Xóm 19", "Xóm 20", "Xóm 21", "Xóm 22", "Xóm 23", "Xóm 24",
        "Xóm 25", "Xóm 26", "Xóm 27", "Xóm 28", "Xóm 29", "Xóm 30", "Xóm 31", "Xóm 32",
        "Xóm 33", "Xóm 34", "Xóm 35", "Xóm 36", "Xóm 37", "Xóm 38", "Xóm 39", "Xóm 40"};
    if (number < 1 || number > NAT_GROUP_MAX) number = 1;
    return urban ? urban_group[number - 1] : rural_group[number - 1];
}

/* ---- realistic addresses (--addresses realistic) ---- */

/* More streets for the realistic map: the simple list's 45 names and these,
 * so a town's six streets per ward are drawn from 89 names that every
 * province shares (Trần Hưng Đạo and Lê Lợi in most of them, as in life),
 * with pairs that differ only in tones (Nguyễn Chí Thanh and Nguyễn Chí
 * Thành, Trần Thánh Tông and Trần Thành Tông). */
static const char *const street_more[] = {
    "Nguyễn Chí Thành",  "Trần Thánh Tông",  "Trần Thành Tông",
    "Lê Thanh Nghị",     "Lê Thánh Nghị",    "Nguyễn Thái Học",
    "Nguyễn Tất Thành",  "Phạm Hùng",        "Lê Văn Sỹ",
    "Lý Tự Trọng",       "Pasteur",          "Nam Kỳ Khởi Nghĩa",
    "Hàm Nghi",          "Hàng Bài",         "Tôn Thất Thuyết",
    "Nguyễn Đình Chiểu", "Huỳnh Thúc Kháng", "Trần Khánh Dư",
    "Trần Quang Khải",   "Nguyễn Khuyến",    "Nguyễn Văn Trỗi",
    "Võ Văn Kiệt",       "Đồng Khởi",        "Hoàng Diệu",
    "Phan Đình Phùng",   "Lê Lai",           "Trần Bình Trọng",
    "Bùi Thị Xuân",      "Thái Phiên",       "Nguyễn Công Trứ",
    "Hồ Tùng Mậu",       "Xuân Thủy",        "Cầu Giấy",
    "Giải Phóng",        "Độc Lập",          "Thống Nhất",
    "Hòa Bình",          "Thanh Niên",       "Ba Cu",
    "Mai Hắc Đế",        "Lê Đại Hành",      "Hồ Xuân Hương",
    "Nguyễn Trung Trực", "Phan Văn Trị",
};
#define STREET_ALL (STREET_COUNT + sizeof street_more / sizeof street_more[0])

int nat_street_names(void)
{
    return (int)STREET_ALL;
}

void nat_name_street_realistic(char out[NAT_NAME_SIZE], int name, int province, int north)
{
    uint64_t k = (uint64_t)name % STREET_ALL;
    const char *text = k < STREET_COUNT ? street[k] : street_more[k - STREET_COUNT];
    /* One word for a name in a province; the north writes "Phố" for a
     * town's streets more often than the south. */
    uint64_t pick = (k * 7 + (uint64_t)province) % (north ? 2 : 4);
    snprintf(out, NAT_NAME_SIZE, "%s %s", pick ? "Đường" : "Phố", text);
}

/* Words whose only difference is a tone: a commune may hold all three. */
static const char *const tone_triple[][3] = {
    {"Thanh", "Thạnh", "Thành"},
    {"Tân", "Tấn", "Tần"},
    {"Hòa", "Hóa", "Họa"},
    {"Phú", "Phủ", "Phù"},
};
#define TRIPLE_COUNT (sizeof tone_triple / sizeof tone_triple[0])

void nat_name_hamlet_realistic(char out[NAT_NAME_SIZE], uint64_t index, int region,
                               int tone_zone, int k)
{
    static const char *const kind[] = {"Thôn", "Bản", "Ấp"};
    const char *word = kind[region];
    if (tone_zone) {
        /* The zone's hamlets share a second word and differ in tones only. */
        uint64_t pair = index / NAT_ZONE_HAMLETS;
        snprintf(out, NAT_NAME_SIZE, "%s %s %s", word,
                 tone_triple[pair % TRIPLE_COUNT][k % 3],
                 second_word[pair / TRIPLE_COUNT % SECOND_COUNT]);
        return;
    }
    place_name(out, word, index % PAIR_COUNT, 3 + (uint64_t)region);
}

void nat_name_ward_numbered(char out[NAT_NAME_SIZE], int number)
{
    snprintf(out, NAT_NAME_SIZE, "Phường %d", number);
}

void nat_name_group_realistic(char out[NAT_NAME_SIZE], int urban, int region, int number)
{
    static const char *const urban_kind[] = {"Tổ", "Tổ dân phố", "Khu phố"};
    static const char *const rural_kind[] = {"Xóm", "Tổ", "Tổ"};
    snprintf(out, NAT_NAME_SIZE, "%s %d", urban ? urban_kind[region] : rural_kind[region],
             number);
}
