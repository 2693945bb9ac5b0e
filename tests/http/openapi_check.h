/*
 * openapi_check.h - hold a real answer of `diachi serve` to what
 * docs/openapi.json says about it (test support, not a product module).
 *
 * The JSON Schema the document uses, and no more: type (integer is a
 * number without a fraction), properties, required, items, enum, allOf,
 * anyOf, oneOf (exactly one branch; with a discriminator, the branch its
 * mapping names), additionalProperties, nullable, and $ref to any JSON
 * pointer in the document; format, example and description are ignored.
 *
 * One rule is stricter than JSON Schema: an object whose schema (with its
 * allOf parts) declares properties may have no other member unless
 * additionalProperties allows it, so a member the server sends and the
 * document does not name is a failure, not a silent pass.
 */
#ifndef DC_OPENAPI_CHECK_H
#define DC_OPENAPI_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "http_support.h"

/**
 * Validate @p value against @p schema, a schema inside @p doc (whose
 * $refs it resolves). On failure @p why gets the JSON path and the rule
 * broken ("$.results[2].status: \"bad\" not in enum").
 */
bool dc_schema_validate(json_t *doc, json_t *schema, json_t *value, char *why,
                        size_t size);

/** What dc_openapi_check_reply found. */
typedef enum dc_openapi_verdict {
    DC_OPENAPI_VALID,     /**< the body matched its schema */
    DC_OPENAPI_NO_SCHEMA, /**< documented, with no body or no JSON schema to hold it to */
    DC_OPENAPI_INVALID    /**< undocumented, or not what is documented: see why */
} dc_openapi_verdict;

/**
 * Find the operation of @p method @p path (query ignored; an undocumented
 * path's 404 and an undocumented method's 405 are held to the shared
 * error answers), its response for the reply's status, the content for
 * its Content-Type, and validate the body against that schema. Headers
 * the response marks `required` must be in the reply (@p headers: the
 * reply's header lines).
 */
dc_openapi_verdict dc_openapi_check_reply(json_t *doc, const char *method,
                                          const char *path, const dc_reply *reply,
                                          char *why, size_t size);

#endif /* DC_OPENAPI_CHECK_H */
