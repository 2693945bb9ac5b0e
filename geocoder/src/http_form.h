/*
 * http_form.h - the one file of a browser's form upload
 * (multipart/form-data, RFC 7578), and the name to send the answer back
 * under (Content-Disposition, RFC 6266). Not installed: POST /v1/batch is
 * its user.
 *
 * Pure functions over caller memory: thread-safe, no allocation.
 */
#ifndef DC_HTTP_FORM_H
#define DC_HTTP_FORM_H

#include <stddef.h>

/** The file part of a form: its bytes point into the body given. */
typedef struct dc_form_file {
    const char *data;
    size_t len;
    char filename[256]; /**< as sent, any folder dropped (old browsers send
                             C:\...); "" when none was chosen; cut at 255 bytes */
} dc_form_file;

/**
 * Find the one file part (a part whose Content-Disposition has a
 * filename) of a multipart/form-data body; other parts (text fields) are
 * skipped.
 * @param[in]  content_type  the request's Content-Type, with its boundary
 * @param[in]  body, len     the whole body
 * @param[out] out           written on success only; data valid while
 *                           @p body is
 * @return NULL on success, else what is wrong in words (a static string):
 *         no boundary, a body that does not open or close with it, a part
 *         whose headers do not end, no file part, more than one.
 */
const char *dc_form_find_file(const char *content_type, const char *body, size_t len,
                              dc_form_file *out);

/**
 * The Content-Disposition of the answer to an upload of @p filename:
 * `attachment; filename="NAME-diachi.csv"; filename*=UTF-8''NAME-diachi.csv`
 * with NAME the upload's name less its extension ("diachi.csv" alone when
 * it had none): the quoted form in ASCII, every other byte, quote,
 * backslash and control character as '_'; the starred one percent-encoded.
 * Like snprintf: writes at most @p size bytes, NUL included, and returns
 * the whole length; DC_FORM_DISPOSITION_SIZE always suffices (the name's
 * first 255 bytes are used: 255 in the quoted form, up to 3 x 255
 * percent-encoded, two suffixes and the fixed text come to 1,085).
 */
size_t dc_form_disposition(const char *filename, char *out, size_t size);
#define DC_FORM_DISPOSITION_SIZE 1152

#endif /* DC_HTTP_FORM_H */
