/*
 * test_http_shrink.c - a reload that would drop most households is
 * refused: the sample index (22,243 households) is served, then replaced
 * by one of its 5,560 first households and SIGHUP sent. The server keeps
 * the sample (its fingerprint on /readyz), logs both counts and counts the
 * refusal in /metrics. A server started with --allow-shrink takes it.
 *
 * Usage: test_http_shrink DIACHI SAMPLE_INDEX SMALL_INDEX WORK_DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "http_support.h"

static const char *diachi, *sample_index, *small_index;
static char served[4096], fp_sample[80];
static dc_server srv;
static CURL *curl;

/* /readyz: the fingerprint and household count served. */
static void ready(int port, char fp[80], double *households)
{
    dc_reply r;
    json_error_t e;
    fp[0] = '\0';
    *households = -1;
    if (!dc_request(curl, port, NULL, "/readyz", NULL, NULL, 0, &r)) return;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    snprintf(fp, 80, "%s", dc_json_str(j, "fingerprint"));
    *households = dc_json_num(j, "households");
    json_decref(j);
    dc_reply_free(&r);
}

static void swap_in(const char *from, const char *what)
{
    bool ok = dc_swap_in(from, served);
    if (!ok) print_error("%s\n", what);
    assert_true(ok);
}

static void stop(void)
{
    int status = dc_server_stop(&srv);
    if (status != 0) print_error("stop\n");
    assert_int_equal(status, 0);
}

/* Refused: the sample keeps serving. */
static void test_shrink_refused(void **state)
{
    (void)state;
    char fp[80];
    double households;
    swap_in(sample_index, "copy the sample");
    const char *args[] = {"--index", served, NULL};
    if (!dc_server_start(&srv, diachi, args)) fail_msg("the server did not start");
    ready(srv.port, fp_sample, &households);
    if (!(households == 22243))
        print_error("the sample's households: %.0f\n", households);
    assert_true(households == 22243);
    swap_in(small_index, "swap in the small index");
    dc_server_signal(&srv, SIGHUP);
    bool logged = dc_server_wait_log(&srv, "reload failed", 1);
    if (!logged) print_error("the refusal is not logged\n");
    assert_true(logged);
    const char *counts =
        strstr(srv.log, "holds 5560 households, fewer than half the 22243 of the "
                        "index served: not taken (--allow-shrink takes such a "
                        "reload)");
    if (!(counts != NULL)) print_error("the log names both counts: %s\n", srv.log);
    assert_non_null(counts);
    ready(srv.port, fp, &households);
    if (!(strcmp(fp, fp_sample) == 0 && households == 22243))
        print_error("still serving the sample: %.16s, %.0f households\n", fp, households);
    assert_string_equal(fp, fp_sample);
    assert_true(households == 22243);
    dc_reply r;
    bool ok = dc_request(curl, srv.port, NULL, "/metrics", NULL, NULL, 0, &r);
    const char *refused =
        ok ? strstr(r.body, "diachi_index_reloads_total{result=\"refused_shrink\"} 1\n")
           : NULL;
    const char *taken =
        ok ? strstr(r.body, "diachi_index_reloads_total{result=\"ok\"} 0\n") : NULL;
    if (!(ok && refused && taken)) print_error("the refusal in /metrics\n");
    assert_true(ok);
    assert_non_null(refused);
    assert_non_null(taken);
    dc_reply_free(&r);
    stop();
}

/* --allow-shrink: taken. */
static void test_allow_shrink_taken(void **state)
{
    (void)state;
    char fp[80];
    double households;
    swap_in(sample_index, "copy the sample back");
    const char *shrink[] = {"--index", served, "--allow-shrink", NULL};
    if (!dc_server_start(&srv, diachi, shrink)) fail_msg("the server did not start");
    swap_in(small_index, "swap in the small index");
    dc_server_signal(&srv, SIGHUP);
    bool reloaded = dc_server_wait_log(&srv, "reloaded", 1);
    if (!reloaded) print_error("no reload with --allow-shrink\n");
    assert_true(reloaded);
    ready(srv.port, fp, &households);
    if (!(strlen(fp) == 64 && strcmp(fp, fp_sample) != 0 && households == 5560))
        print_error("the small index served: %.16s, %.0f households\n", fp, households);
    assert_int_equal(strlen(fp), 64);
    assert_string_not_equal(fp, fp_sample);
    assert_true(households == 5560);
    stop();
}

static int teardown(void **state)
{
    (void)state;
    dc_server_stop(&srv); /* already stopped unless a test failed first */
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr,
                "usage: test_http_shrink DIACHI SAMPLE_INDEX SMALL_INDEX WORK_DIR\n");
        return 2;
    }
    diachi = argv[1];
    sample_index = argv[2];
    small_index = argv[3];
    snprintf(served, sizeof served, "%s/shrink-served.diachi", argv[4]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_shrink_refused, teardown),
        cmocka_unit_test_teardown(test_allow_shrink_taken, teardown),
        cmocka_unit_test(dc_test_replies_as_documented),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
