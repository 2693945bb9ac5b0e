/*
 * http_round_request.c - the body of POST /v1/round read
 * (http_round_request.h): {"start": ..., "letters": [...],
 * "back_to_start": ..., "keep": ...}, every member checked before any
 * letter is looked up.
 */
#include <stdio.h>
#include <string.h>

#include "diachi/round.h"
#include "http_round_request.h"

static bool start_member(json_t *start, double *lat, double *lon, char *message,
                         size_t size)
{
    dc_error err = {0};
    if (json_is_string(start)) {
        if (dc_round_start_parse(json_string_value(start), json_string_length(start), lat,
                                 lon, &err) == DC_OK)
            return true;
        snprintf(message, size, "%s", err.message);
        return false;
    }
    json_t *a = json_object_get(start, "lat"), *b = json_object_get(start, "lon");
    if (!b) b = json_object_get(start, "lng");
    if (!json_is_object(start) || !json_is_number(a) || !json_is_number(b)) {
        snprintf(message, size,
                 "start must be \"LAT,LON\" or {\"lat\": degrees, \"lon\": degrees}");
        return false;
    }
    double y = json_number_value(a), x = json_number_value(b);
    if (!(y >= -90 && y <= 90 && x >= -180 && x <= 180)) {
        snprintf(message, size,
                 "the start must be a latitude in -90..90 and a longitude in -180..180");
        return false;
    }
    *lat = y, *lon = x;
    return true;
}

static dc_round_problem letters_member(json_t *letters, char *message, size_t size)
{
    if (!json_is_array(letters)) {
        snprintf(message, size, "letters must be an array of codes or addresses");
        return DC_ROUND_REQUEST_BAD_JSON;
    }
    size_t n = json_array_size(letters);
    if (n == 0) {
        snprintf(message, size, "the round has no stops: letters is empty");
        return DC_ROUND_REQUEST_EMPTY;
    }
    if (n > DC_ROUND_MAX_STOPS) {
        snprintf(message, size, "the round has %zu stops; a round takes %d at most", n,
                 DC_ROUND_MAX_STOPS);
        return DC_ROUND_REQUEST_TOO_MANY;
    }
    for (size_t i = 0; i < n; i++)
        if (!json_is_string(json_array_get(letters, i))) {
            snprintf(message, size, "letter %zu is not a string", i);
            return DC_ROUND_REQUEST_BAD_JSON;
        }
    return DC_ROUND_REQUEST_OK;
}

dc_round_problem dc_round_request_parse(const char *body, size_t len,
                                        dc_round_request *out, char *message, size_t size)
{
    json_error_t jerr;
    json_t *root = json_loadb(body ? body : "", body ? len : 0, 0, &jerr);
    dc_round_problem p = DC_ROUND_REQUEST_BAD_JSON;
    dc_round_request r = {.root = root, .back_to_start = true};
    json_t *back = json_object_get(root, "back_to_start");
    json_t *keep = json_object_get(root, "keep");
    const char *kv = json_string_value(keep);
    if (!root)
        snprintf(message, size, "the body is not JSON: %s at line %d, column %d",
                 jerr.text, jerr.line, jerr.column);
    else if (!json_is_object(root))
        snprintf(message, size, "the body must be a JSON object");
    else if (back && !json_is_boolean(back))
        snprintf(message, size, "back_to_start must be true or false");
    else if (keep && (!kv || (strcmp(kv, "group") != 0 && strcmp(kv, "door") != 0)))
        snprintf(message, size, "keep must be \"group\" or \"door\"");
    else if ((p = letters_member(json_object_get(root, "letters"), message, size)) !=
             DC_ROUND_REQUEST_OK)
        ;
    else if (!start_member(json_object_get(root, "start"), &r.lat, &r.lon, message, size))
        p = DC_ROUND_REQUEST_START;
    if (p != DC_ROUND_REQUEST_OK) {
        json_decref(root);
        return p;
    }
    r.letters = json_object_get(root, "letters");
    if (back) r.back_to_start = json_is_true(back);
    r.by_door = kv && strcmp(kv, "door") == 0;
    *out = r;
    return DC_ROUND_REQUEST_OK;
}
