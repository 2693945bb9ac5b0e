/*
 * test_http_shrink.c - a reload that would drop most households is
 * refused: the sample index (22,243 households) is served, then replaced
 * by one of its 5,560 first households and SIGHUP sent. The server keeps
 * the sample (its fingerprint on /readyz), logs both counts and counts the
 * refusal in /metrics. A server started with --allow-shrink takes it.
 *
 * Usage: test_http_shrink DIACHI SAMPLE_INDEX SMALL_INDEX WORK_DIR
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "http_support.h"

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

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr,
                "usage: test_http_shrink DIACHI SAMPLE_INDEX SMALL_INDEX WORK_DIR\n");
        return 2;
    }
    char served[4096], fp_sample[80], fp[80];
    double households;
    snprintf(served, sizeof served, "%s/shrink-served.diachi", argv[4]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();

    /* Refused: the sample keeps serving. */
    CHECK(dc_swap_in(argv[2], served), "copy the sample");
    const char *args[] = {"--index", served, NULL};
    dc_server srv;
    if (!dc_server_start(&srv, argv[1], args)) return 1;
    ready(srv.port, fp_sample, &households);
    CHECK(households == 22243, "the sample's households: %.0f", households);
    CHECK(dc_swap_in(argv[3], served), "swap in the small index");
    dc_server_signal(&srv, SIGHUP);
    CHECK(dc_server_wait_log(&srv, "reload failed", 1), "the refusal is not logged");
    CHECK(strstr(srv.log,
                 "holds 5560 households, fewer than half the 22243 of the index "
                 "served: not taken (--allow-shrink takes such a reload)") != NULL,
          "the log names both counts: %s", srv.log);
    ready(srv.port, fp, &households);
    CHECK(strcmp(fp, fp_sample) == 0 && households == 22243,
          "still serving the sample: %.16s, %.0f households", fp, households);
    dc_reply r;
    CHECK(
        dc_request(curl, srv.port, NULL, "/metrics", NULL, NULL, 0, &r) &&
            strstr(r.body, "diachi_index_reloads_total{result=\"refused_shrink\"} 1\n") &&
            strstr(r.body, "diachi_index_reloads_total{result=\"ok\"} 0\n"),
        "the refusal in /metrics");
    dc_reply_free(&r);
    CHECK(dc_server_stop(&srv) == 0, "stop");

    /* --allow-shrink: taken. */
    CHECK(dc_swap_in(argv[2], served), "copy the sample back");
    const char *shrink[] = {"--index", served, "--allow-shrink", NULL};
    if (!dc_server_start(&srv, argv[1], shrink)) return 1;
    CHECK(dc_swap_in(argv[3], served), "swap in the small index");
    dc_server_signal(&srv, SIGHUP);
    CHECK(dc_server_wait_log(&srv, "reloaded", 1), "no reload with --allow-shrink");
    ready(srv.port, fp, &households);
    CHECK(strlen(fp) == 64 && strcmp(fp, fp_sample) != 0 && households == 5560,
          "the small index served: %.16s, %.0f households", fp, households);
    CHECK(dc_server_stop(&srv) == 0, "stop");

    curl_easy_cleanup(curl);
    curl_global_cleanup();
    printf("%d failed checks\n", dc_check_failures);
    return dc_check_failures ? 1 : 0;
}
