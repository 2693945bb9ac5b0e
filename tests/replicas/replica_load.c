/*
 * replica_load.c - a steady keep-alive load for tests/replicas/replicas.sh:
 * N connections (libcurl multi), each asking the next of the requests given
 * as soon as its last answer is in, until SIGTERM. A request is a GET of a
 * path, or "POST:PATH:BODY" (a JSON body). Every answer is judged: a
 * transfer error or a status other than 200 is a failure, counted apart for
 * POSTs (nginx retries a GET on another replica, a POST only when it never
 * reached one). Each good answer's index fingerprint (X-Diachi-Index) is
 * counted.
 *
 * The load runs in phases: SIGUSR1 ends one, appends its report to the
 * report file as one line, and begins the next; SIGTERM (or --seconds)
 * ends the last the same way and exits. A line:
 *
 *   phase=2 requests=18234 failures=0 seconds=3.012 rps=6054 p50_us=2411
 *   p99_us=9120 fingerprints=b797fa743c68417e:9120,0a3d77c1d2e4f5a6:9114
 *
 * (one line; fingerprints cut to 16 hex digits, "none" for an answer with
 * no header). The first failures of a phase are described on stderr.
 *
 * --rate N paces the requests at N a second in all (a steady load that
 * leaves the machine room for what the test does meanwhile); without it
 * each connection asks again at once.
 *
 * Usage: replica_load [-c CONNECTIONS] [--rate N] [--seconds S]
 *                     [--report FILE] BASE_URL REQUEST...
 */
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_CONNECTIONS 256
#define MAX_FINGERPRINTS 8
#define FAILURES_SHOWN 10

/* One connection's transfer in progress. */
typedef struct transfer {
    CURL *easy;
    size_t next_path;
    bool post;
    char fingerprint[17];
    char url[2048];
} transfer;

/* What one phase saw. */
typedef struct phase {
    unsigned number;
    uint64_t requests, failures, post_failures;
    double started;
    uint32_t *latency_us; /* every answer's */
    size_t nlatency, cap;
    struct {
        char fingerprint[17];
        uint64_t count;
    } seen[MAX_FINGERPRINTS];
    size_t nseen;
} phase;

static volatile sig_atomic_t phase_ended, stopping;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        phase_ended = 1;
    else
        stopping = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keep the fingerprint header's first 16 hex digits. */
static size_t on_header(char *buf, size_t size, size_t n, void *userdata)
{
    transfer *t = userdata;
    size_t len = size * n;
    static const char name[] = "X-Diachi-Index:";
    if (len > sizeof name && strncasecmp(buf, name, sizeof name - 1) == 0) {
        const char *v = buf + sizeof name - 1;
        while (*v == ' ')
            v++;
        size_t k = 0;
        while (k < 16 && v + k < buf + len && v[k] != '\r' && v[k] != '\n')
            k++;
        memcpy(t->fingerprint, v, k);
        t->fingerprint[k] = '\0';
    }
    return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *userdata)
{
    (void)buf, (void)userdata;
    return size * n;
}

static void count_fingerprint(phase *p, const char *fp)
{
    const char *key = fp[0] ? fp : "none";
    for (size_t i = 0; i < p->nseen; i++)
        if (strcmp(p->seen[i].fingerprint, key) == 0) {
            p->seen[i].count++;
            return;
        }
    if (p->nseen == MAX_FINGERPRINTS) return;
    snprintf(p->seen[p->nseen].fingerprint, sizeof p->seen[0].fingerprint, "%s", key);
    p->seen[p->nseen++].count = 1;
}

static void keep_latency(phase *p, uint32_t us)
{
    if (p->nlatency == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 65536;
        uint32_t *l = realloc(p->latency_us, cap * sizeof *l);
        if (!l) return;
        p->latency_us = l;
        p->cap = cap;
    }
    p->latency_us[p->nlatency++] = us;
}

static int by_value(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint32_t percentile(const phase *p, double q)
{
    if (!p->nlatency) return 0;
    size_t i = (size_t)(q * (double)(p->nlatency - 1) + 0.5);
    return p->latency_us[i];
}

/* Append the phase's line to @p report (stdout when NULL) and start anew. */
static void phase_report(phase *p, const char *report)
{
    double seconds = now_s() - p->started;
    qsort(p->latency_us, p->nlatency, sizeof *p->latency_us, by_value);
    FILE *out = report ? fopen(report, "a") : stdout;
    if (!out) {
        fprintf(stderr, "replica_load: %s: %s\n", report, strerror(errno));
        exit(2);
    }
    fprintf(out,
            "phase=%u requests=%llu failures=%llu post_failures=%llu seconds=%.3f "
            "rps=%.0f p50_us=%u p99_us=%u fingerprints=",
            p->number, (unsigned long long)p->requests, (unsigned long long)p->failures,
            (unsigned long long)p->post_failures, seconds,
            seconds > 0 ? (double)p->requests / seconds : 0.0, percentile(p, 0.50),
            percentile(p, 0.99));
    for (size_t i = 0; i < p->nseen; i++)
        fprintf(out, "%s%s:%llu", i ? "," : "", p->seen[i].fingerprint,
                (unsigned long long)p->seen[i].count);
    fputc('\n', out);
    if (report)
        fclose(out);
    else
        fflush(out);
    unsigned number = p->number + 1;
    uint32_t *keep = p->latency_us;
    size_t cap = p->cap;
    memset(p, 0, sizeof *p);
    p->number = number;
    p->latency_us = keep;
    p->cap = cap;
    p->started = now_s();
}

/* Count the answer @p t finished with @p result; false when it failed. */
static bool judge(phase *p, transfer *t, CURLcode result)
{
    long status = 0;
    curl_off_t us = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &us);
    p->requests++;
    keep_latency(p, (uint32_t)(us > UINT32_MAX ? UINT32_MAX : us));
    if (result == CURLE_OK && status == 200) {
        count_fingerprint(p, t->fingerprint);
        return true;
    }
    if (t->post) p->post_failures++;
    if (p->failures++ < FAILURES_SHOWN)
        fprintf(stderr, "replica_load: phase %u: %s %s: %s (status %ld)\n", p->number,
                t->post ? "POST" : "GET", t->url,
                result == CURLE_OK ? "not 200" : curl_easy_strerror(result), status);
    return false;
}

/* Start @p t's next request: a path, or POST:PATH:BODY. */
static void begin(CURLM *multi, transfer *t, const char *base, char **paths,
                  size_t npaths)
{
    const char *path = paths[t->next_path], *body = NULL;
    int len = (int)strlen(path);
    t->next_path = (t->next_path + 1) % npaths;
    t->post = strncmp(path, "POST:", 5) == 0;
    if (t->post) {
        path += 5;
        body = strchr(path, ':');
        len = body ? (int)(body - path) : (int)strlen(path);
        body = body ? body + 1 : "";
    }
    snprintf(t->url, sizeof t->url, "%s%.*s", base, len, path);
    t->fingerprint[0] = '\0';
    curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
    if (t->post) {
        curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, body);
    } else {
        curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
    }
    curl_multi_add_handle(multi, t->easy);
}

static int usage(void)
{
    fprintf(stderr, "usage: replica_load [-c CONNECTIONS] [--rate N] [--seconds S] "
                    "[--report FILE] BASE_URL REQUEST...\n");
    return 2;
}

int main(int argc, char **argv)
{
    int connections = 32, i = 1;
    double seconds = 0, rate = 0;
    const char *report = NULL;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (i + 1 >= argc) return usage();
        if (strcmp(argv[i], "-c") == 0)
            connections = atoi(argv[++i]);
        else if (strcmp(argv[i], "--rate") == 0)
            rate = atof(argv[++i]);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--report") == 0)
            report = argv[++i];
        else
            return usage();
    }
    if (argc - i < 2 || connections < 1 || connections > MAX_CONNECTIONS) return usage();
    const char *base = argv[i];
    char **paths = argv + i + 1;
    size_t npaths = (size_t)(argc - i - 1);

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)connections);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)connections);
    static transfer transfers[MAX_CONNECTIONS];
    static transfer *waiting[MAX_CONNECTIONS]; /* idle, for --rate */
    int nwaiting = 0;
    double begun = 0, paced_from = now_s();
    struct curl_slist *json = curl_slist_append(NULL, "Content-Type: application/json");
    phase p = {.number = 1, .started = now_s()};
    for (int k = 0; k < connections; k++) {
        transfer *t = &transfers[k];
        t->easy = curl_easy_init();
        t->next_path = (size_t)k % npaths;
        curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
        curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
        curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, 20000L);
        curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, json);
        waiting[nwaiting++] = t;
    }
    double end = seconds > 0 ? now_s() + seconds : 0;
    while (!stopping && !(end && now_s() >= end)) {
        int running, queued;
        while (nwaiting && (!rate || begun < rate * (now_s() - paced_from))) {
            begin(multi, waiting[--nwaiting], base, paths, npaths);
            begun++;
        }
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(multi, &queued)) != NULL) {
            if (msg->msg != CURLMSG_DONE) continue;
            transfer *t;
            CURLcode result = msg->data.result;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            curl_multi_remove_handle(multi, t->easy);
            judge(&p, t, result);
            waiting[nwaiting++] = t;
        }
        if (phase_ended) {
            phase_ended = 0;
            phase_report(&p, report);
        }
        curl_multi_poll(multi, NULL, 0, nwaiting ? 1 : 20, NULL);
    }
    phase_report(&p, report);
    for (int k = 0; k < connections; k++) {
        curl_multi_remove_handle(multi, transfers[k].easy);
        curl_easy_cleanup(transfers[k].easy);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(json);
    curl_global_cleanup();
    free(p.latency_us);
    return 0;
}
