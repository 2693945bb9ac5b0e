/* openapi_check.c - see openapi_check.h. */
#include "openapi_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct validation {
    json_t *doc;
    char *why;
    size_t size;
} validation;

static bool fail(validation *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(validation *v, const char *path, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(v->why, v->size, "%s: ", path);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < v->size)
        vsnprintf(v->why + n, v->size - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* The value a JSON pointer ("#/components/schemas/Zone") names, or NULL. */
static json_t *pointer(json_t *doc, const char *ref)
{
    if (strncmp(ref, "#/", 2) != 0) return NULL;
    json_t *j = doc;
    char part[256];
    for (const char *p = ref + 2; j && *p;) {
        size_t n = strcspn(p, "/"), k = 0;
        for (size_t i = 0; i < n && k + 1 < sizeof part; i++) {
            if (p[i] == '~' && i + 1 < n) { /* RFC 6901: ~1 is '/', ~0 is '~' */
                part[k++] = p[++i] == '1' ? '/' : '~';
                continue;
            }
            part[k++] = p[i];
        }
        part[k] = '\0';
        j = json_is_array(j) ? json_array_get(j, strtoul(part, NULL, 10))
                             : json_object_get(j, part);
        p += n + (p[n] == '/');
    }
    return j;
}

/* A schema with its $refs followed. */
static json_t *resolve(json_t *doc, json_t *schema)
{
    for (int hops = 0; hops < 32 && schema; hops++) {
        const char *ref = json_string_value(json_object_get(schema, "$ref"));
        if (!ref) return schema;
        schema = pointer(doc, ref);
    }
    return NULL;
}

static bool validate(validation *v, json_t *schema, json_t *value, const char *path,
                     bool part);

static bool type_is(const char *type, json_t *value)
{
    if (strcmp(type, "object") == 0) return json_is_object(value);
    if (strcmp(type, "array") == 0) return json_is_array(value);
    if (strcmp(type, "string") == 0) return json_is_string(value);
    if (strcmp(type, "boolean") == 0) return json_is_boolean(value);
    if (strcmp(type, "null") == 0) return json_is_null(value);
    if (strcmp(type, "number") == 0) return json_is_number(value);
    if (strcmp(type, "integer") == 0)
        return json_is_integer(value) ||
               (json_is_real(value) &&
                json_real_value(value) == floor(json_real_value(value)));
    return false;
}

static bool check_type(validation *v, json_t *schema, json_t *value, const char *path)
{
    json_t *type = json_object_get(schema, "type");
    if (!type) return true;
    if (json_is_string(type)) {
        if (type_is(json_string_value(type), value)) return true;
        return fail(v, path, "not of type %s", json_string_value(type));
    }
    size_t i;
    json_t *t;
    json_array_foreach(type, i, t)
    {
        if (type_is(json_string_value(t), value)) return true;
    }
    return fail(v, path, "not of any type listed");
}

static bool check_enum(validation *v, json_t *schema, json_t *value, const char *path)
{
    json_t *choices = json_object_get(schema, "enum"), *c;
    size_t i;
    if (!choices) return true;
    json_array_foreach(choices, i, c)
    {
        if (json_equal(c, value)) return true;
    }
    char *text = json_dumps(value, JSON_ENCODE_ANY);
    fail(v, path, "%.80s is not in the enum", text ? text : "?");
    free(text);
    return false;
}

/* Collect the property names @p schema and its allOf parts declare into
 * @p names; true when additionalProperties lets any other member in. */
static bool declared(json_t *doc, json_t *schema, json_t *names)
{
    schema = resolve(doc, schema);
    if (!schema) return false;
    bool open = false;
    json_t *extra = json_object_get(schema, "additionalProperties");
    if (extra && !json_is_false(extra)) open = true;
    const char *key;
    json_t *s;
    json_object_foreach(json_object_get(schema, "properties"), key, s)
    {
        json_object_set_new(names, key, json_true());
    }
    size_t i;
    json_array_foreach(json_object_get(schema, "allOf"), i, s)
    {
        open |= declared(doc, s, names);
    }
    return open;
}

static bool check_object(validation *v, json_t *schema, json_t *value, const char *path,
                         bool part)
{
    char sub[512];
    const char *key;
    json_t *s, *member;
    size_t i;
    json_array_foreach(json_object_get(schema, "required"), i, s)
    {
        const char *name = json_string_value(s);
        if (!json_object_get(value, name))
            return fail(v, path, "required member %s missing", name);
    }
    json_t *props = json_object_get(schema, "properties");
    json_object_foreach(value, key, member)
    {
        snprintf(sub, sizeof sub, "%s.%s", path, key);
        if ((s = json_object_get(props, key)) != NULL) {
            if (!validate(v, s, member, sub, false)) return false;
        } else if (json_is_object(json_object_get(schema, "additionalProperties"))) {
            if (!validate(v, json_object_get(schema, "additionalProperties"), member, sub,
                          false))
                return false;
        }
    }
    if (part) return true; /* the whole schema checks for undeclared members */
    json_t *names = json_object();
    bool open = declared(v->doc, schema, names);
    bool ok = true;
    if (open || json_object_size(names) == 0) {
        json_decref(names);
        return true;
    }
    json_object_foreach(value, key, member)
    {
        if (!json_object_get(names, key)) {
            ok = fail(v, path, "member %s is not documented", key);
            break;
        }
    }
    json_decref(names);
    return ok;
}

static bool check_items(validation *v, json_t *schema, json_t *value, const char *path)
{
    json_t *items = json_object_get(schema, "items"), *item;
    size_t i;
    char sub[512];
    if (!items || !json_is_array(value)) return true;
    json_array_foreach(value, i, item)
    {
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        if (!validate(v, items, item, sub, false)) return false;
    }
    return true;
}

/* oneOf with a discriminator: the branch its mapping (or the schema's
 * name) gives for the value of its property. */
static bool check_discriminated(validation *v, json_t *schema, json_t *value,
                                const char *path)
{
    json_t *d = json_object_get(schema, "discriminator");
    const char *name = json_string_value(json_object_get(d, "propertyName"));
    const char *tag = json_string_value(json_object_get(value, name ? name : ""));
    if (!tag) return fail(v, path, "no discriminator %s", name ? name : "(unnamed)");
    const char *ref =
        json_string_value(json_object_get(json_object_get(d, "mapping"), tag));
    char implicit[256];
    if (!ref)
        snprintf(implicit, sizeof implicit, "#/components/schemas/%s", tag),
            ref = implicit;
    json_t *branch = pointer(v->doc, ref);
    if (!branch) return fail(v, path, "discriminator %s=%s names no schema", name, tag);
    return validate(v, branch, value, path, false);
}

static bool check_choices(validation *v, json_t *schema, json_t *value, const char *path)
{
    json_t *s;
    size_t i;
    json_array_foreach(json_object_get(schema, "allOf"), i, s)
    {
        if (!validate(v, s, value, path, true)) return false;
    }
    json_t *any = json_object_get(schema, "anyOf");
    if (any) {
        bool matched = false;
        json_array_foreach(any, i, s)
        {
            matched |= validate(v, s, value, path, false);
        }
        if (!matched) return fail(v, path, "matches no anyOf branch");
    }
    json_t *one = json_object_get(schema, "oneOf");
    if (one && json_object_get(schema, "discriminator"))
        return check_discriminated(v, schema, value, path);
    if (one) {
        size_t matched = 0;
        char first[512] = "";
        json_array_foreach(one, i, s)
        {
            if (validate(v, s, value, path, false))
                matched++;
            else if (!first[0])
                snprintf(first, sizeof first, "%s", v->why);
        }
        if (matched != 1)
            return fail(v, path, "matches %zu oneOf branches, not 1 (%s)", matched,
                        first);
    }
    return true;
}

static bool validate(validation *v, json_t *schema, json_t *value, const char *path,
                     bool part)
{
    json_t *s = resolve(v->doc, schema);
    if (!s) return fail(v, path, "a $ref that names nothing");
    if (json_is_null(value) && json_is_true(json_object_get(s, "nullable"))) return true;
    if (!check_type(v, s, value, path) || !check_enum(v, s, value, path) ||
        !check_choices(v, s, value, path))
        return false;
    if (json_is_object(value) && !check_object(v, s, value, path, part)) return false;
    return check_items(v, s, value, path);
}

bool dc_schema_validate(json_t *doc, json_t *schema, json_t *value, char *why,
                        size_t size)
{
    validation v = {doc, why, size};
    why[0] = '\0';
    return validate(&v, schema, value, "$", false);
}

/* ---- an answer against its operation ------------------------------------ */

/* The path item of @p path: an exact match, else a template whose {name}
 * segments match any one segment. */
static json_t *path_item(json_t *doc, const char *path)
{
    json_t *paths = json_object_get(doc, "paths"), *item;
    const char *tmpl;
    json_object_foreach(paths, tmpl, item)
    {
        const char *t = tmpl, *p = path;
        while (*t) {
            if (*t == '{') { /* a parameter: one segment, maybe empty */
                t += strcspn(t, "}") + (t[strcspn(t, "}")] != 0);
                p += strcspn(p, "/");
            } else if (*t == *p) {
                t++, p++;
            } else {
                break;
            }
        }
        if (!*t && !*p) return item;
    }
    return NULL;
}

/* The response object for @p status: the path's operation's, else the
 * shared ones for an undocumented path or method. */
static json_t *response_for(json_t *doc, const char *method, const char *path,
                            long status, char *why, size_t size)
{
    char m[16], code[8], clean[4096];
    size_t i;
    for (i = 0; method[i] && i + 1 < sizeof m; i++)
        m[i] = (char)(method[i] >= 'A' && method[i] <= 'Z' ? method[i] + 32 : method[i]);
    m[i] = '\0';
    if (strcmp(m, "head") == 0) strcpy(m, "get"); /* the GET, without its body */
    snprintf(code, sizeof code, "%ld", status);
    snprintf(clean, sizeof clean, "%.*s", (int)strcspn(path, "?"), path);
    json_t *item = path_item(doc, clean);
    json_t *op = item ? json_object_get(item, m) : NULL;
    /* A path the document does not list answers any error as an Error
     * object (NotFound says so): not found, or refused before routing. */
    if (!item && status >= 400 && status < 500)
        return pointer(doc, "#/components/responses/NotFound");
    if (!op && status == 405)
        return pointer(doc, "#/components/responses/MethodNotAllowed");
    if (!op) {
        snprintf(why, size, "%s %s: no such operation documented", method, clean);
        return NULL;
    }
    json_t *responses = json_object_get(op, "responses");
    json_t *r = json_object_get(responses, code);
    if (!r) r = json_object_get(responses, "default");
    if (!r) snprintf(why, size, "%s %s: status %s not documented", method, clean, code);
    return resolve(doc, r);
}

/* True when the reply has header @p name. */
static bool has_header(const dc_reply *reply, const char *name)
{
    size_t n = strlen(name);
    for (const char *l = reply->headers; *l;
         l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
        if (strncasecmp(l, name, n) == 0 && l[n] == ':') return true;
    return false;
}

static bool check_headers(json_t *doc, json_t *response, const dc_reply *reply, char *why,
                          size_t size)
{
    const char *name;
    json_t *h;
    json_object_foreach(json_object_get(response, "headers"), name, h)
    {
        h = resolve(doc, h);
        if (json_is_true(json_object_get(h, "required")) && !has_header(reply, name)) {
            snprintf(why, size, "required header %s missing", name);
            return false;
        }
    }
    return true;
}

dc_openapi_verdict dc_openapi_check_reply(json_t *doc, const char *method,
                                          const char *path, const dc_reply *reply,
                                          char *why, size_t size)
{
    why[0] = '\0';
    /* A CORS preflight is HTTP's, not an operation (info.description). */
    if (strcmp(method, "OPTIONS") == 0 && reply->status == 204)
        return DC_OPENAPI_NO_SCHEMA;
    json_t *response = response_for(doc, method, path, reply->status, why, size);
    if (!response) return DC_OPENAPI_INVALID;
    if (!check_headers(doc, response, reply, why, size)) return DC_OPENAPI_INVALID;
    if (reply->len == 0 || strcmp(method, "HEAD") == 0) return DC_OPENAPI_NO_SCHEMA;
    char type[128];
    snprintf(type, sizeof type, "%.*s", (int)strcspn(reply->content_type, "; "),
             reply->content_type);
    json_t *content = json_object_get(json_object_get(response, "content"), type);
    if (!content) {
        snprintf(why, size, "content type %s not documented for status %ld", type,
                 reply->status);
        return DC_OPENAPI_INVALID;
    }
    json_t *schema = json_object_get(content, "schema");
    if (!schema || !strstr(type, "json")) return DC_OPENAPI_NO_SCHEMA;
    json_error_t e;
    json_t *body = json_loadb(reply->body, reply->len, 0, &e);
    if (!body) {
        snprintf(why, size, "the body is not JSON: %s", e.text);
        return DC_OPENAPI_INVALID;
    }
    bool ok = dc_schema_validate(doc, schema, body, why, size);
    json_decref(body);
    return ok ? DC_OPENAPI_VALID : DC_OPENAPI_INVALID;
}
