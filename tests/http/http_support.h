/*
 * http_support.h - what the HTTP tests share: start the real `diachi
 * serve` on an ephemeral port, talk to it with libcurl, stop it with a
 * signal. The tests assert with cmocka.
 */
#ifndef DC_HTTP_SUPPORT_H
#define DC_HTTP_SUPPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <curl/curl.h>

#include "support.h"

typedef struct dc_server {
    pid_t pid;
    int port;
    int stderr_fd;   /* the server's stderr, read by a thread into log */
    char log[65536]; /* what the server said, NUL-terminated */
    size_t log_len;
    void *reader; /* the reading thread */
} dc_server;

/**
 * Start `DIACHI serve --listen 127.0.0.1:0 ARGS...` (ARGS NULL-terminated)
 * and wait until it says where it listens. Returns false (and says why on
 * stderr) when it does not within 20 s.
 */
bool dc_server_start(dc_server *s, const char *diachi, const char *const *args);

/** Send a signal. */
void dc_server_signal(dc_server *s, int sig);

/** Wait until the server's stderr contains @p text @p count times (20 s at most). */
bool dc_server_wait_log(dc_server *s, const char *text, int count);

/** SIGTERM and wait (20 s at most); returns the exit status, or -1. */
int dc_server_stop(dc_server *s);

/** One answer. Headers the tests look at are kept; the body is malloc'd. */
typedef struct dc_reply {
    long status;
    char *body;
    size_t len;
    size_t cap; /* bytes allocated for body */
    char content_type[128];
    char etag[128];
    char fingerprint[80];
    char allow[128];
    char cache_control[128];
    char allow_origin[256];
    char allow_methods[128];
    char connection[64];
    char vary[128];
    char content_disposition[256];
    char count_ok[32]; /* X-Diachi-Count-Ok */
    char retry_after[32];
    long new_connections; /* 0 when the connection was reused */
    CURLcode error;
    char headers[8192]; /* every header line as received, CRLF-separated (cut) */
} dc_reply;

/**
 * When set, called with every reply dc_request receives (the openapi test
 * validates each against docs/openapi.json); NULL by default.
 */
extern void (*dc_reply_hook)(const char *method, const char *path, const dc_reply *reply);

/**
 * A request on @p curl (reused: keep-alive). @p method NULL for GET;
 * @p headers NULL-terminated "Name: value" strings or NULL; @p body NULL
 * for none. Returns false on a transport error (reply->error set).
 */
bool dc_request(CURL *curl, int port, const char *method, const char *path,
                const char *const *headers, const char *body, size_t body_len,
                dc_reply *reply);

void dc_reply_free(dc_reply *reply);

/** Milliseconds on the monotonic clock. */
double dc_now_ms(void);

/**
 * Checks made inside dc_request, which also runs on client threads, where
 * a cmocka assertion cannot jump back to its test: each reply held to
 * DC_OPENAPI_DOC (when set and no dc_reply_hook is). A failure is printed
 * and counted here; a test asserts the count is 0 on the main thread.
 */
extern _Atomic int dc_check_failures;

/** The cmocka test each file ends with: every reply dc_request got was held
 *  to docs/openapi.json (checked on any thread, counted in
 *  dc_check_failures, asserted here on the test's thread). */
void dc_test_replies_as_documented(void **state);

/** Stop @p s (SIGTERM) and assert, in a cmocka test, that it exited 0. */
void dc_assert_stops_cleanly(dc_server *s);

/**
 * One server for a whole cmocka group, as most HTTP tests want it: the
 * program takes DIACHI and an index; the group's setup starts `DIACHI serve
 * --index INDEX ARGS...` and opens a libcurl handle, its teardown closes
 * the handle and stops the server (already stopped when the group ended
 * with dc_test_server_exits_cleanly). What it sets up is written to the
 * test file's own variables, so that its tests read them as they always
 * have.
 */
typedef struct dc_http_fixture {
    const char *program;     /**< for the usage line; NULL: argv[0]'s name */
    const char *index_name;  /**< what the index is, for it; NULL: "SAMPLE_INDEX" */
    const char *const *args; /**< more serve arguments (NULL-terminated) or NULL */
    const char **diachi;     /**< set to argv[1] */
    const char **index;      /**< set to argv[2] */
    dc_server *srv;          /**< the server, started in the setup */
    CURL **curl;             /**< the client, opened in the setup */
    int *port;               /**< the server's port */
    const char *extra_name;  /**< a third argument, for the usage line, or NULL */
    const char **extra;      /**< set to argv[3] when extra_name is given */
} dc_http_fixture;

/** The fixture's settings for a test file whose variables have the names
 *  most have: diachi, srv, curl and port (the index's is given apart:
 *  .index = &sample_index). */
#define DC_HTTP_FIXTURE_VARIABLES                                                        \
    .diachi = &diachi, .srv = &srv, .curl = &curl, .port = &port

struct CMUnitTest;

/**
 * The whole of a test file's main(): check the arguments (2, or 3 with
 * extra_name; the usage line on a wrong count), then run @p tests (@p n of
 * them) as one cmocka group on the fixture, followed by the two tests every
 * group ends with: dc_test_replies_as_documented (each reply held to
 * docs/openapi.json), then dc_test_server_exits_cleanly. libcurl's global
 * state is set up around it. Returns the exit code: 0 when every test
 * passed, 1 when one failed.
 */
int dc_http_fixture_main(const dc_http_fixture *fx, int argc, char **argv,
                         const struct CMUnitTest *tests, size_t n);

/** The cmocka test a fixture's group ends with: stop the fixture's server
 *  (SIGTERM) and assert that it exited 0. */
void dc_test_server_exits_cleanly(void **state);

/** Put a copy of @p from in place of @p served the way an operator does:
 *  a copy beside it, renamed over it. False on any I/O failure. */
bool dc_swap_in(const char *from, const char *served);

/** A TCP connection to 127.0.0.1:@p port for raw requests. Main thread
 *  only: when it cannot be made, the running cmocka test fails. */
int dc_raw_connect(int port);

/** Send all of @p data; false when the server closed early (a refused
 *  request), and then stop sending. */
bool dc_raw_send_all(int fd, const char *data, size_t len);

#include <jansson.h>

/** The member at a dotted path ("households.0.id"; numbers index arrays),
 *  or NULL. */
json_t *dc_json_at(json_t *root, const char *path);
/** The string at a path, or "" (never NULL). */
const char *dc_json_str(json_t *root, const char *path);
/** The number at a path, or NAN. */
double dc_json_num(json_t *root, const char *path);
#endif /* DC_HTTP_SUPPORT_H */
