/*
 * provinces.c - the 63 provinces of Vietnam as they were before the July 2025
 * merger, which is how existing household maps are delivered.
 *
 * epsg: each province's official VN-2000 TM-3 central meridian (Circular
 * 973/2001/TT-TCĐC), mapped to the EPSG code PROJ knows for it: 9205..9218 for
 * "VN-2000 / TM-3 103-00" .. "108-30", 5899 for 107-45, and 5897 / 5898
 * ("TM-3 zone 482 / 491") for 105-00 / 108-00, which have the same k = 0.9999
 * and false easting 500 000 m. Every meridian has a code, so no custom WKT.
 *
 * prefix: the first two digits of the province's 5-digit postcodes (Decision
 * 2475/QĐ-BTTTT). Written from memory, not from the official list: correct for
 * the well-known ones (Hà Nội 10-14, Điện Biên 32, TP Hồ Chí Minh 70-74), and to
 * be read as illustrative elsewhere. Prefixes never overlap, so postcodes stay
 * unique nationally whatever the exact values.
 *
 * Capitals: approximate WGS 84 centres. Population: 2019 census, thousands,
 * rounded; only its share matters (it splits households and zones).
 */
#include "national.h"

#include <stdlib.h>
#include <string.h>

#define P(name, slug, capital, prefix, count, epsg, lat, lon, pop)                       \
    {                                                                                    \
        name, slug, capital, prefix, count, epsg, lat, lon, pop                          \
    }

/* One province per line reads as a table. */
/* clang-format off */
const nat_province nat_provinces[] = {
    P("Quảng Ninh", "quang-ninh", "Thành phố Hạ Long", 1, 1, 5899, 20.9712, 107.0448, 1321),
    P("Hải Dương", "hai-duong", "Thành phố Hải Dương", 3, 1, 9209, 20.9373, 106.3146, 1893),
    P("Hải Phòng", "hai-phong", "Quận Hồng Bàng", 4, 1, 9210, 20.8449, 106.6881, 2028),
    P("Thái Bình", "thai-binh", "Thành phố Thái Bình", 6, 1, 9209, 20.4463, 106.3366, 1861),
    P("Nam Định", "nam-dinh", "Thành phố Nam Định", 7, 1, 9209, 20.4388, 106.1621, 1780),
    P("Ninh Bình", "ninh-binh", "Thành phố Ninh Bình", 8, 1, 5897, 20.2506, 105.9745, 983),
    P("Hà Nội", "ha-noi", "Quận Hoàn Kiếm", 10, 5, 5897, 21.0285, 105.8542, 8054),
    P("Vĩnh Phúc", "vinh-phuc", "Thành phố Vĩnh Yên", 15, 1, 5897, 21.3089, 105.6049, 1152),
    P("Bắc Ninh", "bac-ninh", "Thành phố Bắc Ninh", 16, 1, 9209, 21.1861, 106.0763, 1369),
    P("Hưng Yên", "hung-yen", "Thành phố Hưng Yên", 17, 1, 9209, 20.6464, 106.0511, 1253),
    P("Hà Nam", "ha-nam", "Thành phố Phủ Lý", 18, 1, 5897, 20.5411, 105.9139, 853),
    P("Hà Giang", "ha-giang", "Thành phố Hà Giang", 20, 1, 9209, 22.8233, 104.9836, 855),
    P("Cao Bằng", "cao-bang", "Thành phố Cao Bằng", 21, 1, 9210, 22.6657, 106.2570, 530),
    P("Tuyên Quang", "tuyen-quang", "Thành phố Tuyên Quang", 22, 1, 9211, 21.8236,
      105.2140, 785),
    P("Bắc Kạn", "bac-kan", "Thành phố Bắc Kạn", 23, 1, 9213, 22.1470, 105.8348, 314),
    P("Thái Nguyên", "thai-nguyen", "Thành phố Thái Nguyên", 24, 1, 9213, 21.5942,
      105.8482, 1287),
    P("Lạng Sơn", "lang-son", "Thành phố Lạng Sơn", 25, 1, 9215, 21.8537, 106.7615, 782),
    P("Bắc Giang", "bac-giang", "Thành phố Bắc Giang", 26, 1, 9214, 21.2731, 106.1946, 1804),
    P("Lai Châu", "lai-chau", "Thành phố Lai Châu", 30, 1, 9205, 22.3964, 103.4582, 461),
    P("Lào Cai", "lao-cai", "Thành phố Lào Cai", 31, 1, 9208, 22.4856, 103.9707, 731),
    P("Điện Biên", "dien-bien", "Thành phố Điện Biên Phủ", 32, 1, 9205, 21.3860, 103.0230, 599),
    P("Yên Bái", "yen-bai", "Thành phố Yên Bái", 33, 1, 9208, 21.7229, 104.9113, 822),
    P("Sơn La", "son-la", "Thành phố Sơn La", 34, 1, 9206, 21.3270, 103.9141, 1249),
    P("Phú Thọ", "phu-tho", "Thành phố Việt Trì", 35, 1, 9208, 21.3227, 105.4019, 1464),
    P("Hòa Bình", "hoa-binh", "Thành phố Hòa Bình", 36, 1, 9211, 20.8133, 105.3383, 855),
    P("Thanh Hóa", "thanh-hoa", "Thành phố Thanh Hóa", 40, 3, 5897, 19.8067, 105.7852, 3641),
    P("Nghệ An", "nghe-an", "Thành phố Vinh", 43, 2, 9208, 18.6796, 105.6813, 3327),
    P("Hà Tĩnh", "ha-tinh", "Thành phố Hà Tĩnh", 45, 2, 9209, 18.3559, 105.8877, 1289),
    P("Quảng Bình", "quang-binh", "Thành phố Đồng Hới", 47, 1, 9211, 17.4689, 106.6223, 896),
    P("Quảng Trị", "quang-tri", "Thành phố Đông Hà", 48, 1, 9212, 16.8163, 107.1003, 633),
    P("Thừa Thiên Huế", "thua-thien-hue", "Thành phố Huế", 49, 1, 9214, 16.4637, 107.5909, 1129),
    P("Đà Nẵng", "da-nang", "Quận Hải Châu", 50, 1, 5899, 16.0544, 108.2022, 1135),
    P("Quảng Nam", "quang-nam", "Thành phố Tam Kỳ", 51, 1, 5899, 15.5736, 108.4740, 1496),
    P("Quảng Ngãi", "quang-ngai", "Thành phố Quảng Ngãi", 53, 1, 5898, 15.1214, 108.8044, 1232),
    P("Bình Định", "binh-dinh", "Thành phố Quy Nhơn", 55, 1, 9217, 13.7830, 109.2197, 1487),
    P("Phú Yên", "phu-yen", "Thành phố Tuy Hòa", 56, 1, 9218, 13.0955, 109.3209, 873),
    P("Khánh Hòa", "khanh-hoa", "Thành phố Nha Trang", 57, 1, 9217, 12.2388, 109.1967, 1232),
    P("Ninh Thuận", "ninh-thuan", "Thành phố Phan Rang - Tháp Chàm", 59, 1, 9217, 11.5643,
      108.9886, 591),
    P("Kon Tum", "kon-tum", "Thành phố Kon Tum", 60, 1, 9216, 14.3498, 108.0005, 541),
    P("Gia Lai", "gia-lai", "Thành phố Pleiku", 61, 1, 9218, 13.9833, 108.0000, 1514),
    P("Đắk Lắk", "dak-lak", "Thành phố Buôn Ma Thuột", 63, 1, 9218, 12.6667, 108.0500, 1869),
    P("Đắk Nông", "dak-nong", "Thành phố Gia Nghĩa", 65, 1, 9218, 12.0045, 107.6907, 623),
    P("Lâm Đồng", "lam-dong", "Thành phố Đà Lạt", 66, 1, 5899, 11.9404, 108.4583, 1297),
    P("Bình Phước", "binh-phuoc", "Thành phố Đồng Xoài", 67, 1, 9212, 11.5349, 106.8832, 995),
    P("Hồ Chí Minh", "ho-chi-minh", "Quận 1", 70, 5, 9210, 10.7769, 106.7009, 8993),
    P("Bình Dương", "binh-duong", "Thành phố Thủ Dầu Một", 75, 1, 9210, 10.9804, 106.6519, 2426),
    P("Đồng Nai", "dong-nai", "Thành phố Biên Hòa", 76, 1, 5899, 10.9574, 106.8429, 3097),
    P("Bình Thuận", "binh-thuan", "Thành phố Phan Thiết", 77, 1, 9218, 10.9289, 108.1021, 1231),
    P("Bà Rịa - Vũng Tàu", "ba-ria-vung-tau", "Thành phố Bà Rịa", 78, 1, 5899, 10.4963,
      107.1684, 1149),
    P("Tây Ninh", "tay-ninh", "Thành phố Tây Ninh", 80, 1, 9209, 11.3100, 106.0983, 1170),
    P("Đồng Tháp", "dong-thap", "Thành phố Cao Lãnh", 81, 1, 5897, 10.4600, 105.6329, 1600),
    P("Long An", "long-an", "Thành phố Tân An", 82, 1, 9210, 10.5359, 106.4137, 1689),
    P("Tiền Giang", "tien-giang", "Thành phố Mỹ Tho", 84, 1, 9210, 10.3600, 106.3600, 1765),
    P("Vĩnh Long", "vinh-long", "Thành phố Vĩnh Long", 85, 1, 9209, 10.2537, 105.9722, 1023),
    P("Bến Tre", "ben-tre", "Thành phố Bến Tre", 86, 1, 9210, 10.2434, 106.3756, 1289),
    P("Trà Vinh", "tra-vinh", "Thành phố Trà Vinh", 87, 1, 9209, 9.9347, 106.3453, 1010),
    P("An Giang", "an-giang", "Thành phố Long Xuyên", 90, 1, 9208, 10.3864, 105.4352, 1908),
    P("Kiên Giang", "kien-giang", "Thành phố Rạch Giá", 91, 1, 9207, 10.0125, 105.0809, 1723),
    P("Cần Thơ", "can-tho", "Quận Ninh Kiều", 94, 1, 5897, 10.0452, 105.7469, 1236),
    P("Hậu Giang", "hau-giang", "Thành phố Vị Thanh", 95, 1, 5897, 9.7845, 105.4701, 734),
    P("Sóc Trăng", "soc-trang", "Thành phố Sóc Trăng", 96, 1, 9209, 9.6025, 105.9739, 1200),
    P("Bạc Liêu", "bac-lieu", "Thành phố Bạc Liêu", 97, 1, 5897, 9.2940, 105.7278, 908),
    P("Cà Mau", "ca-mau", "Thành phố Cà Mau", 98, 1, 9207, 9.1769, 105.1524, 1194),
};
/* clang-format on */

const int nat_province_count = (int)(sizeof nat_provinces / sizeof nat_provinces[0]);

static int parse_prefix(const char *key)
{
    char *end = NULL;
    long value = strtol(key, &end, 10);
    if (end == key || *end != '\0' || value < 0 || value > 99) return -1;
    return (int)value;
}

int nat_province_find(const char *key)
{
    int prefix = parse_prefix(key);
    for (int i = 0; i < nat_province_count; i++) {
        const nat_province *p = &nat_provinces[i];
        if (prefix >= 0 && prefix >= p->prefix_first &&
            prefix < p->prefix_first + p->prefix_count)
            return i;
        if (strcmp(key, p->slug) == 0) return i;
    }
    return -1;
}

int nat_province_capacity(const nat_province *province)
{
    return province->prefix_count * 1000 - 1;
}
