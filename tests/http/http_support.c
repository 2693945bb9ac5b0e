/*
 * http_support.c - start and stop the real server, and a libcurl client
 * (see http_support.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http_support.h"
#include "openapi_check.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

_Atomic int dc_check_failures;

/* Count a failed check and say what failed (the first 30 only, so a broken
 * run stays readable). For checks that may run off the main thread, where
 * a cmocka assertion cannot jump back to its test. */
__attribute__((format(printf, 1, 2))) static void check_failed(const char *fmt, ...)
{
    va_list ap;
    if (atomic_fetch_add(&dc_check_failures, 1) >= 30) return;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

double dc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Copy the server's stderr into s->log (and to ours, for the test log). */
static void *read_stderr(void *arg)
{
    dc_server *s = arg;
    char buf[4096];
    ssize_t n;
    while ((n = read(s->stderr_fd, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stderr);
        pthread_mutex_lock(&log_lock);
        size_t room = sizeof s->log - 1 - s->log_len;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(s->log + s->log_len, buf, take);
        s->log_len += take;
        s->log[s->log_len] = '\0';
        pthread_mutex_unlock(&log_lock);
    }
    return NULL;
}

static int count_in_log(dc_server *s, const char *text)
{
    int n = 0;
    pthread_mutex_lock(&log_lock);
    for (const char *p = s->log; (p = strstr(p, text)) != NULL; p += strlen(text))
        n++;
    pthread_mutex_unlock(&log_lock);
    return n;
}

bool dc_server_wait_log(dc_server *s, const char *text, int count)
{
    for (int i = 0; i < 2000; i++) {
        if (count_in_log(s, text) >= count) return true;
        sleep_ms(10);
    }
    return false;
}

bool dc_server_start(dc_server *s, const char *diachi, const char *const *args)
{
    const char *argv[64] = {diachi, "serve", "--listen", "127.0.0.1:0"};
    int argc = 4, fds[2];
    for (int i = 0; args && args[i] && argc < 63; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    memset(s, 0, sizeof *s);
    if (pipe(fds) != 0) return false;
    s->pid = fork();
    if (s->pid < 0) return false;
    if (s->pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(diachi, (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", diachi, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    s->stderr_fd = fds[0];
    pthread_t *t = malloc(sizeof *t);
    if (!t || pthread_create(t, NULL, read_stderr, s) != 0) return false;
    s->reader = t;
    if (!dc_server_wait_log(s, "listening on http://127.0.0.1:", 1)) {
        fprintf(stderr, "the server did not start: %s\n", s->log);
        return false;
    }
    pthread_mutex_lock(&log_lock);
    const char *p = strstr(s->log, "listening on http://127.0.0.1:");
    s->port = atoi(p + strlen("listening on http://127.0.0.1:"));
    pthread_mutex_unlock(&log_lock);
    return s->port > 0;
}

void dc_server_signal(dc_server *s, int sig)
{
    kill(s->pid, sig);
}

int dc_server_stop(dc_server *s)
{
    int status = -1, st;
    if (s->pid <= 0) return -1;
    kill(s->pid, SIGTERM);
    for (int i = 0; i < 2000; i++) {
        pid_t r = waitpid(s->pid, &st, WNOHANG);
        if (r == s->pid) {
            status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            break;
        }
        sleep_ms(10);
    }
    if (status == -1) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &st, 0);
    }
    if (s->reader) {
        pthread_join(*(pthread_t *)s->reader, NULL);
        free(s->reader);
    }
    close(s->stderr_fd);
    s->pid = 0;
    return status;
}

/* ---- client ------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    dc_reply *r = ctx;
    size_t len = size * n;
    if (r->len + len + 1 > r->cap) {
        /* Doubled, not grown by each block: a batch's 12 MB answer came in
         * some 750 blocks, and copying it whole for each took the client
         * past its timeout under AddressSanitizer. */
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + len + 1)
            cap *= 2;
        char *body = realloc(r->body, cap);
        if (!body) return 0;
        r->body = body;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, len);
    r->len += len;
    r->body[r->len] = '\0';
    return len;
}

/* Keep the value of a header the tests look at. */
static void keep(const char *line, size_t len, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':') return;
    const char *v = line + n + 1;
    size_t vlen = len - n - 1;
    while (vlen && (*v == ' ' || *v == '\t'))
        v++, vlen--;
    while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
        vlen--;
    snprintf(out, size, "%.*s", (int)vlen, v);
}

static size_t on_header(char *line, size_t size, size_t n, void *ctx)
{
    dc_reply *r = ctx;
    size_t len = size * n;
    keep(line, len, "Content-Type", r->content_type, sizeof r->content_type);
    keep(line, len, "ETag", r->etag, sizeof r->etag);
    keep(line, len, "X-Diachi-Index", r->fingerprint, sizeof r->fingerprint);
    keep(line, len, "Allow", r->allow, sizeof r->allow);
    keep(line, len, "Cache-Control", r->cache_control, sizeof r->cache_control);
    keep(line, len, "Access-Control-Allow-Origin", r->allow_origin,
         sizeof r->allow_origin);
    keep(line, len, "Access-Control-Allow-Methods", r->allow_methods,
         sizeof r->allow_methods);
    keep(line, len, "Connection", r->connection, sizeof r->connection);
    keep(line, len, "Vary", r->vary, sizeof r->vary);
    keep(line, len, "Content-Disposition", r->content_disposition,
         sizeof r->content_disposition);
    keep(line, len, "X-Diachi-Count-Ok", r->count_ok, sizeof r->count_ok);
    keep(line, len, "Retry-After", r->retry_after, sizeof r->retry_after);
    size_t have = strlen(r->headers);
    if (have + len < sizeof r->headers) memcpy(r->headers + have, line, len);
    return len;
}

void (*dc_reply_hook)(const char *method, const char *path, const dc_reply *reply);

/* With DC_OPENAPI_DOC=PATH in the environment, every reply a test gets
 * (unless it set its own hook) is also held to that document. */
static json_t *openapi_doc;
static _Atomic int openapi_validated;
static pthread_once_t openapi_once = PTHREAD_ONCE_INIT;

static void openapi_report(void)
{
    printf("%d responses validated against %s\n", openapi_validated,
           getenv("DC_OPENAPI_DOC"));
}

static void openapi_load(void)
{
    const char *path = getenv("DC_OPENAPI_DOC");
    if (!path) return;
    openapi_doc = json_load_file(path, 0, NULL);
    if (!openapi_doc) check_failed("DC_OPENAPI_DOC: cannot read %s", path);
    atexit(openapi_report);
}

static void openapi_hold(const char *method, const char *path, const dc_reply *reply)
{
    char why[1024];
    pthread_once(&openapi_once, openapi_load);
    if (!openapi_doc) return;
    dc_openapi_verdict v =
        dc_openapi_check_reply(openapi_doc, method, path, reply, why, sizeof why);
    if (v == DC_OPENAPI_VALID) openapi_validated++;
    if (v == DC_OPENAPI_INVALID)
        check_failed("%s %.100s -> %ld %s: not as the document says: %s", method, path,
                     reply->status, reply->content_type, why);
}

bool dc_request(CURL *curl, int port, const char *method, const char *path,
                const char *const *headers, const char *body, size_t body_len,
                dc_reply *reply)
{
    char url[8192];
    struct curl_slist *list = NULL;
    memset(reply, 0, sizeof *reply);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, reply);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    if (method && strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else if (method)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    list = curl_slist_append(list, "Expect:");
    for (int i = 0; headers && headers[i]; i++)
        list = curl_slist_append(list, headers[i]);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    reply->error = curl_easy_perform(curl);
    curl_slist_free_all(list);
    if (reply->error != CURLE_OK) return false;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &reply->new_connections);
    if (!reply->body) reply->body = calloc(1, 1);
    if (dc_reply_hook)
        dc_reply_hook(method ? method : "GET", path, reply);
    else
        openapi_hold(method ? method : "GET", path, reply);
    return true;
}

void dc_reply_free(dc_reply *reply)
{
    free(reply->body);
    reply->body = NULL;
    reply->len = reply->cap = 0;
}

/* ---- JSON ---------------------------------------------------------------- */

json_t *dc_json_at(json_t *root, const char *path)
{
    char part[128];
    json_t *j = root;
    while (j && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof part, "%.*s", (int)n, path);
        if (json_is_array(j))
            j = json_array_get(j, strtoul(part, NULL, 10));
        else
            j = json_object_get(j, part);
        path += n + (path[n] == '.');
    }
    return j;
}

const char *dc_json_str(json_t *root, const char *path)
{
    const char *s = json_string_value(dc_json_at(root, path));
    return s ? s : "";
}

double dc_json_num(json_t *root, const char *path)
{
    json_t *j = dc_json_at(root, path);
    return json_is_number(j) ? json_number_value(j) : NAN;
}

int dc_raw_connect(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        int error = errno;
        if (fd >= 0) close(fd);
        fail_msg("connect: %s", strerror(error));
    }
    return fd;
}

bool dc_raw_send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    bool ok = in && out;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in) fclose(in);
    if (out && fclose(out) != 0) ok = false;
    return ok;
}

bool dc_swap_in(const char *from, const char *served)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.new", served);
    return copy_file(from, tmp) && rename(tmp, served) == 0;
}

void dc_test_replies_as_documented(void **state)
{
    (void)state;
    assert_int_equal(atomic_load(&dc_check_failures), 0);
}

void dc_assert_stops_cleanly(dc_server *s)
{
    int status = dc_server_stop(s);
    if (status != 0) fprintf(stderr, "the server exited with status %d\n", status);
    assert_int_equal(status, 0);
}

/* The fixture of the group being run (one per program). */
static const dc_http_fixture *fixture;

static int fixture_setup(void **state)
{
    (void)state;
    const dc_http_fixture *fx = fixture;
    const char *args[32] = {"--index", *fx->index};
    size_t n = 2;
    for (size_t i = 0; fx->args && fx->args[i] && n + 1 < sizeof args / sizeof *args; i++)
        args[n++] = fx->args[i];
    args[n] = NULL;
    if (!dc_server_start(fx->srv, *fx->diachi, args)) return -1;
    *fx->port = fx->srv->port;
    *fx->curl = curl_easy_init();
    return 0;
}

static int fixture_teardown(void **state)
{
    (void)state;
    curl_easy_cleanup(*fixture->curl);
    dc_server_stop(fixture->srv); /* already stopped unless a test failed first */
    return 0;
}

void dc_test_server_exits_cleanly(void **state)
{
    (void)state;
    dc_assert_stops_cleanly(fixture->srv);
}

int dc_http_fixture_main(const dc_http_fixture *fx, int argc, char **argv,
                         const struct CMUnitTest *tests, size_t n)
{
    if (argc != (fx->extra_name ? 4 : 3)) {
        const char *base = strrchr(argv[0], '/');
        const char *program = fx->program ? fx->program : base ? base + 1 : argv[0];
        fprintf(stderr, "usage: %s DIACHI %s%s%s\n", program,
                fx->index_name ? fx->index_name : "SAMPLE_INDEX",
                fx->extra_name ? " " : "", fx->extra_name ? fx->extra_name : "");
        return 2;
    }
    struct CMUnitTest *all = malloc((n + 2) * sizeof *all);
    if (!all) return 1;
    memcpy(all, tests, n * sizeof *all);
    all[n] = (struct CMUnitTest)cmocka_unit_test(dc_test_replies_as_documented);
    all[n + 1] = (struct CMUnitTest)cmocka_unit_test(dc_test_server_exits_cleanly);
    *fx->diachi = argv[1];
    *fx->index = argv[2];
    if (fx->extra_name) *fx->extra = argv[3];
    fixture = fx;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int failed =
        _cmocka_run_group_tests("tests", all, n + 2, fixture_setup, fixture_teardown);
    curl_global_cleanup();
    free(all);
    return failed ? 1 : 0;
}
