/*
 * http_map_params.c - the box of the map's endpoints (http_map_params.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http_map_params.h"
#include "http_query.h"

bool dc_http_bbox_parse(const char *text, dc_http_box *b, char *problem, size_t size)
{
    static const char *const usage =
        "parameter bbox must be west,south,east,north in degrees "
        "(103.01,21.37,103.03,21.39), west <= east and south <= north";
    double v[4];
    char part[64];
    const char *s = text;
    for (int i = 0; i < 4; i++) {
        size_t n = strcspn(s, ",");
        if (n >= sizeof part || (i < 3) != (s[n] == ',')) goto bad;
        memcpy(part, s, n);
        part[n] = '\0';
        double lim = i % 2 ? 90 : 180;
        if (!dc_query_number(part, -lim, lim, &v[i])) goto bad;
        s += n + 1;
    }
    if (v[0] > v[2] || v[1] > v[3]) goto bad;
    b->west = (int32_t)lround(v[0] * 1e7), b->south = (int32_t)lround(v[1] * 1e7);
    b->east = (int32_t)lround(v[2] * 1e7), b->north = (int32_t)lround(v[3] * 1e7);
    return true;
bad:
    snprintf(problem, size, "%s", usage);
    return false;
}
