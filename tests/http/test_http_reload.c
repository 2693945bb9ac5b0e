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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

static const char *diachi, *sample_index, *other_index;
static char served[4096], broken[4200];
static dc_server srv;
static CURL *curl;
static int port;
static char fp_sample[80], fp_other[80];
static atomic_int done, failed, seen_sample, seen_other;
static pthread_mutex_t report = PTHREAD_MUTEX_INITIALIZER;

static const char *const paths[] = {
    "/v1/codes/32105927CJ93",
    "/v1/reverse?lat=21.3640201&lon=103.0209141&limit=1",
    "/healthz",
};

/* On a client thread, where a cmocka assertion cannot jump back: counted,
 * and the count asserted on the main thread. */
static void count_failure(const char *path, const char *why, const dc_reply *r)
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
        count_failure(path, "an unknown fingerprint", r);
    else if (!j)
        count_failure(path, "not JSON", r);
    else if (strcmp(dc_json_str(j, "fingerprint"), r->fingerprint) != 0)
        count_failure(path, "the JSON fingerprint differs from the header's", r);
    else if (which == 0 && sample &&
             (r->status != 200 ||
              strcmp(dc_json_str(j, "households.0.id"), "DBP-005602")))
        count_failure(path, "the sample index must know the household", r);
    else if (which == 0 && other &&
             (r->status != 404 ||
              strcmp(dc_json_str(j, "error.code"), "unknown_postcode")))
        count_failure(path, "the enclave index has no zone 32105", r);
    else if (which == 1 && sample &&
             (r->status != 200 ||
              strcmp(dc_json_str(j, "households.0.id"), "DBP-005602")))
        count_failure(path, "the sample index must find the household", r);
    else if (which == 1 && other &&
             (r->status != 404 ||
              strcmp(dc_json_str(j, "error.code"), "out_of_coverage")))
        count_failure(path, "the enclave index covers no such point", r);
    else if (which == 2 && r->status != 200)
        count_failure(path, "healthz", r);
    atomic_fetch_add(sample ? &seen_sample : &seen_other, 1);
    json_decref(j);
}

static void *client(void *arg)
{
    int id = (int)(intptr_t)arg;
    CURL *own = curl_easy_init();
    for (int i = 0; i < REQUESTS / THREADS; i++) {
        int which = (i + id) % 3;
        dc_reply r;
        if (!dc_request(own, port, NULL, paths[which], NULL, NULL, 0, &r))
            count_failure(paths[which], curl_easy_strerror(r.error), &r);
        else
            check_answer(which, &r);
        dc_reply_free(&r);
        atomic_fetch_add(&done, 1);
    }
    curl_easy_cleanup(own);
    return NULL;
}

static void fingerprint_of(char *out)
{
    dc_reply r;
    if (dc_request(curl, port, NULL, "/healthz", NULL, NULL, 0, &r))
        snprintf(out, 80, "%s", r.fingerprint);
    dc_reply_free(&r);
}

static void swap_in(const char *from, const char *what, int k)
{
    bool ok = dc_swap_in(from, served);
    if (!ok) print_error(what, k);
    assert_true(ok);
}

static void wait_log(const char *text, int count, const char *what, int k)
{
    bool logged = dc_server_wait_log(&srv, text, count);
    if (!logged) print_error(what, k);
    assert_true(logged);
}

static int setup(void **state)
{
    (void)state;
    if (!dc_swap_in(sample_index, served)) {
        fprintf(stderr, "cannot copy %s to %s\n", sample_index, served);
        return -1;
    }
    /* The enclave map has far fewer households: --allow-shrink. */
    const char *args[] = {"--index", served, "--allow-shrink", NULL};
    if (!dc_server_start(&srv, diachi, args)) return -1;
    port = srv.port;
    curl = curl_easy_init();
    fingerprint_of(fp_sample);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    curl_easy_cleanup(curl);
    dc_server_stop(&srv); /* already stopped unless a test failed first */
    return 0;
}

/* The other index's fingerprint, from a reload before the load. */
static void test_reloads_before_load(void **state)
{
    (void)state;
    dc_swap_in(other_index, served);
    dc_server_signal(&srv, SIGHUP);
    wait_log("reloaded", 1, "no first reload\n", 0);
    fingerprint_of(fp_other);
    if (!(strlen(fp_sample) == 64 && strlen(fp_other) == 64 &&
          strcmp(fp_sample, fp_other) != 0))
        print_error("two different fingerprints: %s %s\n", fp_sample, fp_other);
    assert_int_equal(strlen(fp_sample), 64);
    assert_int_equal(strlen(fp_other), 64);
    assert_string_not_equal(fp_sample, fp_other);
    dc_swap_in(sample_index, served);
    dc_server_signal(&srv, SIGHUP);
    wait_log("reloaded", 2, "no second reload\n", 0);
}

static void test_reloads_under_load(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, client, (void *)(intptr_t)i);
    /* Spread the swaps over the run: one every REQUESTS / (SWAPS + 1). */
    for (int k = 1; k <= SWAPS; k++) {
        while (atomic_load(&done) < k * REQUESTS / (SWAPS + 1))
            nanosleep(&(struct timespec){0, 1000000}, NULL);
        swap_in(k % 2 ? other_index : sample_index, "swap %d\n", k);
        dc_server_signal(&srv, SIGHUP);
        wait_log("reloaded", 2 + k, "reload %d not logged\n", k);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf(
        "%d requests, %d failed; answers from the sample index %d, from the other %d\n",
        atomic_load(&done), atomic_load(&failed), atomic_load(&seen_sample),
        atomic_load(&seen_other));
    if (!(atomic_load(&done) == REQUESTS)) print_error("requests done\n");
    assert_int_equal(atomic_load(&done), REQUESTS);
    if (!(atomic_load(&failed) == 0)) print_error("failed requests\n");
    assert_int_equal(atomic_load(&failed), 0);
    if (!(atomic_load(&seen_sample) > 0 && atomic_load(&seen_other) > 0))
        print_error("both indexes answered\n");
    assert_true(atomic_load(&seen_sample) > 0);
    assert_true(atomic_load(&seen_other) > 0);
}

/* Ten swaps end on the sample. A broken file must not replace it. */
static void test_broken_file_not_taken(void **state)
{
    (void)state;
    char served_fp[80];
    fingerprint_of(served_fp);
    if (!(strcmp(served_fp, fp_sample) == 0))
        print_error("after ten swaps: %.16s\n", served_fp);
    assert_string_equal(served_fp, fp_sample);
    FILE *f = fopen(broken, "w");
    if (f) {
        fputs("not an index\n", f);
        fclose(f);
    }
    swap_in(broken, "swap in the broken file\n", 0);
    dc_server_signal(&srv, SIGHUP);
    wait_log("reload failed", 1, "a failed reload is not logged\n", 0);
    dc_reply r;
    bool ok = dc_request(curl, port, NULL, paths[0], NULL, NULL, 0, &r);
    if (!(ok && r.status == 200 && strcmp(r.fingerprint, fp_sample) == 0))
        print_error("after a failed reload: %s %ld %.16s\n", curl_easy_strerror(r.error),
                    r.status, r.fingerprint);
    assert_true(ok);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.fingerprint, fp_sample);
    dc_reply_free(&r);
    ok = dc_request(curl, port, NULL, "/metrics", NULL, NULL, 0, &r);
    const char *reloaded =
        ok ? strstr(r.body, "diachi_index_reloads_total{result=\"ok\"} 12") : NULL;
    const char *refused =
        ok ? strstr(r.body, "diachi_index_reloads_total{result=\"failed\"} 1") : NULL;
    if (!(ok && reloaded && refused)) print_error("reload counters in /metrics\n");
    assert_true(ok);
    assert_non_null(reloaded);
    assert_non_null(refused);
    dc_reply_free(&r);
}

/* Every reply dc_request got, on the client threads too, was held to
 * docs/openapi.json. */
static void test_server_exits_cleanly(void **state)
{
    (void)state;
    dc_assert_stops_cleanly(&srv);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr,
                "usage: test_http_reload DIACHI SAMPLE_INDEX OTHER_INDEX WORK_DIR\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    other_index = argv[3];
    snprintf(served, sizeof served, "%s/served.diachi", argv[4]);
    snprintf(broken, sizeof broken, "%s/broken.diachi", argv[4]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reloads_before_load),
        cmocka_unit_test(test_reloads_under_load),
        cmocka_unit_test(test_broken_file_not_taken),
        cmocka_unit_test(dc_test_replies_as_documented),
        cmocka_unit_test(test_server_exits_cleanly),
    };
    int failed_tests = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return failed_tests ? 1 : 0;
}
