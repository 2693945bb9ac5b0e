/*
 * test_http_reload.c - hot reload under load. Two client threads send
 * 10,000 requests in all while the served file is replaced and SIGHUP
 * sent ten times, alternating two different indexes (the sample map and
 * the enclave edge map). No request may fail, and every answer must be
 * the one its fingerprint's index gives: the sample knows household
 * DBP-005602 (200), the enclave map has no zone there (404). Then a file
 * that is not an index is swapped in: the reload fails, says why, and the
 * old index keeps answering. Files are replaced by rename, as the importer
 * does: a file rewritten in place under a running server is not a case
 * any mapped-file reader survives.
 *
 * Usage: test_http_reload DIACHI SAMPLE_INDEX OTHER_INDEX WORK_DIR
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_support.h"

#define REQUESTS 10000
#define SWAPS 10
#define THREADS 2

static int port;
static char fp_sample[80], fp_other[80];
static atomic_int done, failed, seen_sample, seen_other;
static pthread_mutex_t report = PTHREAD_MUTEX_INITIALIZER;

static const char *const paths[] = {
    "/v1/codes/32105927CJ93",
    "/v1/reverse?lat=21.3640201&lon=103.0209141&limit=1",
    "/healthz",
};

static void fail(const char *path, const char *why, const dc_reply *r)
{
    atomic_fetch_add(&failed, 1);
    pthread_mutex_lock(&report);
    if (atomic_load(&failed) <= 10)
        fprintf(stderr, "%s: %s (status %ld, index %.16s): %.160s\n", path, why,
                r->status, r->fingerprint, r->body ? r->body : "");
    pthread_mutex_unlock(&report);
}

/* The answer a path must get from the index a fingerprint names. */
static void check_answer(int which, const dc_reply *r)
{
    const char *path = paths[which];
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    bool sample = strcmp(r->fingerprint, fp_sample) == 0;
    bool other = strcmp(r->fingerprint, fp_other) == 0;
    if (!sample && !other)
        fail(path, "an unknown fingerprint", r);
    else if (!j)
        fail(path, "not JSON", r);
    else if (strcmp(dc_json_str(j, "fingerprint"), r->fingerprint) != 0)
        fail(path, "the JSON fingerprint differs from the header's", r);
    else if (which == 0 && sample &&
             (r->status != 200 ||
              strcmp(dc_json_str(j, "households.0.id"), "DBP-005602")))
        fail(path, "the sample index must know the household", r);
    else if (which == 0 && other &&
             (r->status != 404 ||
              strcmp(dc_json_str(j, "error.code"), "unknown_postcode")))
        fail(path, "the enclave index has no zone 32105", r);
    else if (which == 1 && sample &&
             (r->status != 200 ||
              strcmp(dc_json_str(j, "households.0.id"), "DBP-005602")))
        fail(path, "the sample index must find the household", r);
    else if (which == 1 && other &&
             (r->status != 404 ||
              strcmp(dc_json_str(j, "error.code"), "out_of_coverage")))
        fail(path, "the enclave index covers no such point", r);
    else if (which == 2 && r->status != 200)
        fail(path, "healthz", r);
    atomic_fetch_add(sample ? &seen_sample : &seen_other, 1);
    json_decref(j);
}

static void *client(void *arg)
{
    int id = (int)(intptr_t)arg;
    CURL *curl = curl_easy_init();
    for (int i = 0; i < REQUESTS / THREADS; i++) {
        int which = (i + id) % 3;
        dc_reply r;
        if (!dc_request(curl, port, NULL, paths[which], NULL, NULL, 0, &r))
            fail(paths[which], curl_easy_strerror(r.error), &r);
        else
            check_answer(which, &r);
        dc_reply_free(&r);
        atomic_fetch_add(&done, 1);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

static void fingerprint_of(CURL *curl, char *out)
{
    dc_reply r;
    if (dc_request(curl, port, NULL, "/healthz", NULL, NULL, 0, &r))
        snprintf(out, 80, "%s", r.fingerprint);
    dc_reply_free(&r);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr,
                "usage: test_http_reload DIACHI SAMPLE_INDEX OTHER_INDEX WORK_DIR\n");
        return 2;
    }
    char served[4096];
    snprintf(served, sizeof served, "%s/served.diachi", argv[4]);
    if (!dc_swap_in(argv[2], served)) {
        fprintf(stderr, "cannot copy %s to %s\n", argv[2], served);
        return 1;
    }
    /* The enclave map has far fewer households: --allow-shrink. */
    const char *args[] = {"--index", served, "--allow-shrink", NULL};
    dc_server srv;
    if (!dc_server_start(&srv, argv[1], args)) return 1;
    port = srv.port;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    fingerprint_of(curl, fp_sample);

    /* The other index's fingerprint, from a reload before the load. */
    dc_swap_in(argv[3], served);
    dc_server_signal(&srv, SIGHUP);
    CHECK(dc_server_wait_log(&srv, "reloaded", 1), "no first reload");
    fingerprint_of(curl, fp_other);
    CHECK(strlen(fp_sample) == 64 && strlen(fp_other) == 64 &&
              strcmp(fp_sample, fp_other) != 0,
          "two different fingerprints: %s %s", fp_sample, fp_other);
    dc_swap_in(argv[2], served);
    dc_server_signal(&srv, SIGHUP);
    CHECK(dc_server_wait_log(&srv, "reloaded", 2), "no second reload");

    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, client, (void *)(intptr_t)i);
    /* Spread the swaps over the run: one every REQUESTS / (SWAPS + 1). */
    for (int k = 1; k <= SWAPS; k++) {
        while (atomic_load(&done) < k * REQUESTS / (SWAPS + 1))
            nanosleep(&(struct timespec){0, 1000000}, NULL);
        CHECK(dc_swap_in(k % 2 ? argv[3] : argv[2], served), "swap %d", k);
        dc_server_signal(&srv, SIGHUP);
        CHECK(dc_server_wait_log(&srv, "reloaded", 2 + k), "reload %d not logged", k);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf(
        "%d requests, %d failed; answers from the sample index %d, from the other %d\n",
        atomic_load(&done), atomic_load(&failed), atomic_load(&seen_sample),
        atomic_load(&seen_other));
    CHECK(atomic_load(&done) == REQUESTS, "requests done");
    CHECK(atomic_load(&failed) == 0, "failed requests");
    CHECK(atomic_load(&seen_sample) > 0 && atomic_load(&seen_other) > 0,
          "both indexes answered");

    /* Ten swaps end on the sample. A broken file must not replace it. */
    char served_fp[80];
    fingerprint_of(curl, served_fp);
    CHECK(strcmp(served_fp, fp_sample) == 0, "after ten swaps: %.16s", served_fp);
    char broken[4200];
    snprintf(broken, sizeof broken, "%s/broken.diachi", argv[4]);
    FILE *f = fopen(broken, "w");
    if (f) {
        fputs("not an index\n", f);
        fclose(f);
    }
    CHECK(dc_swap_in(broken, served), "swap in the broken file");
    dc_server_signal(&srv, SIGHUP);
    CHECK(dc_server_wait_log(&srv, "reload failed", 1), "a failed reload is not logged");
    dc_reply r;
    CHECK(dc_request(curl, port, NULL, paths[0], NULL, NULL, 0, &r) && r.status == 200 &&
              strcmp(r.fingerprint, fp_sample) == 0,
          "after a failed reload: %s %ld %.16s", curl_easy_strerror(r.error), r.status,
          r.fingerprint);
    dc_reply_free(&r);
    CHECK(dc_request(curl, port, NULL, "/metrics", NULL, NULL, 0, &r) &&
              strstr(r.body, "diachi_index_reloads_total{result=\"ok\"} 12") &&
              strstr(r.body, "diachi_index_reloads_total{result=\"failed\"} 1"),
          "reload counters in /metrics");
    dc_reply_free(&r);

    curl_easy_cleanup(curl);
    CHECK(dc_server_stop(&srv) == 0, "exit status");
    curl_global_cleanup();
    printf("%d failed checks\n", dc_check_failures);
    return dc_check_failures ? 1 : 0;
}
