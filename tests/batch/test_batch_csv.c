/*
 * test_batch_csv - the CSV edge cases of dc_batch_run, byte for byte, on
 * the sample index:
 *
 *   test_batch_csv INDEX
 *
 * Every case of the table runs through the library as the HTTP service
 * will call it (fmemopen in, open_memstream out), in one thread and in
 * two, with blocks of 1, 2 and 4096 records and reads of 1, 3, 7 and
 * 262144 bytes, so records cut across blocks and reads (a CR at the end
 * of a read, a "" pair split between two) come out the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/batch.h"
#include "support.h"

/* The sample map's household DBP-005602, and what is appended for it. */
#define K "32105927CJ93"
#define ADDR                                                                             \
    "số 1138, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên"
#define PLACE "32105 927C+J93,7PH5927C+J93,21.3640201,103.0209141,32105,phường Nam Thanh"
#define OK_C ",ok," PLACE ",\"" ADDR "\","
#define OK_S                                                                             \
    ";ok;32105 927C+J93;7PH5927C+J93;21.3640201;103.0209141;32105;phường Nam "        \
    "Thanh;" ADDR ";"
#define OK_T                                                                             \
    "\tok\t32105 927C+J93\t7PH5927C+J93\t21.3640201\t103.0209141\t32105\tphường Nam " \
    "Thanh\t" ADDR "\t"
#define EMPTY_C ",empty,,,,,,,,"
#define MALFORMED_C ",malformed,,,,,,,,"
#define OUTSIDE_C ",code_outside_zone,,,,,,,,32105 927C+J93"
#define HDR_C ",status,code,plus_code,lat,lon,postcode,zone_name,address,suggestion"
#define HDR_S ";status;code;plus_code;lat;lon;postcode;zone_name;address;suggestion"
#define HDR_T                                                                            \
    "\tstatus\tcode\tplus_code\tlat\tlon\tpostcode\tzone_name\taddress\tsuggestion"
#define RHDR_S ";status;code;plus_code;lat;lon;postcode;zone_name;address;distance_m"
#define BOM "\xEF\xBB\xBF"

typedef struct csv_case {
    const char *name, *in, *out;
    char delimiter; /* option; 0 detects */
} csv_case;

static const csv_case cases[] = {
    {"plain", "code\n" K "\n", "code" HDR_C "\n" K OK_C "\n", 0},
    {"crlf", "code\r\n" K "\r\n", "code" HDR_C "\r\n" K OK_C "\r\n", 0},
    {"cr only (old Mac)", "code\r" K "\r", "code" HDR_C "\r" K OK_C "\r", 0},
    {"bom", BOM "code\n" K "\n", BOM "code" HDR_C "\n" K OK_C "\n", 0},
    {"bom, crlf, semicolons, Vietnamese header",
     BOM "Họ tên;Mã địa chỉ\r\nNguyễn Văn An;" K "\r\n",
     BOM "Họ tên;Mã địa chỉ" HDR_S "\r\nNguyễn Văn An;" K OK_S "\r\n", 0},
    {"tab", "ma_dia_chi\tghi chu\n" K "\tx\n",
     "ma_dia_chi\tghi chu" HDR_T "\n" K "\tx" OK_T "\n", 0},
    {"quoted field with delimiter and quotes", "tên,code\n\"Lê, \"\"Tí\"\"\"," K "\n",
     "tên,code" HDR_C "\n\"Lê, \"\"Tí\"\"\"," K OK_C "\n", 0},
    {"quoted code", "code\n\"" K "\"\n", "code" HDR_C "\n\"" K "\"" OK_C "\n", 0},
    {"newline inside quotes", "ghi chú,code\n\"dòng 1\ndòng 2\"," K "\n",
     "ghi chú,code" HDR_C "\n\"dòng 1\ndòng 2\"," K OK_C "\n", 0},
    {"crlf inside quotes", "ghi chú,code\r\n\"a\r\nb\"," K "\r\n",
     "ghi chú,code" HDR_C "\r\n\"a\r\nb\"," K OK_C "\r\n", 0},
    {"empty lines stay empty lines", "\ncode\n\n" K "\n\n",
     "\ncode" HDR_C "\n\n" K OK_C "\n\n", 0},
    {"header only", "code\n", "code" HDR_C "\n", 0},
    {"header only, no line ending", "code", "code" HDR_C "\n", 0},
    {"last row without line ending", "code\r\n" K, "code" HDR_C "\r\n" K OK_C "\r\n", 0},
    {"short row padded", "a,code,b\nx," K "\n", "a,code,b" HDR_C "\nx," K "," OK_C "\n",
     0},
    {"row without the code field", "a,b,code\nx\n", "a,b,code" HDR_C "\nx,," EMPTY_C "\n",
     0},
    {"long row kept whole", "code\n" K ",thừa,nữa\n",
     "code" HDR_C "\n" K ",thừa,nữa" OK_C "\n", 0},
    {"blank code", "code,x\n  ,1\n", "code,x" HDR_C "\n  ,1" EMPTY_C "\n", 0},
    {"malformed code", "code\nxin chào\n", "code" HDR_C "\nxin chào" MALFORMED_C "\n", 0},
    {"code outside its zone", "code\n32104927CJ93\n",
     "code" HDR_C "\n32104927CJ93" OUTSIDE_C "\n", 0},
    {"quote inside an unquoted field", "tên,code\nab\"c," K "\n",
     "tên,code" HDR_C "\nab\"c," K OK_C "\n", 0},
    {"text after a closing quote", "code\n\"3210\"5927CJ93\n",
     "code" HDR_C "\n\"3210\"5927CJ93" OK_C "\n", 0},
    {"Vietnamese in every column",
     "Họ và tên,Địa chỉ,MÃ ĐỊA CHỈ,Ghi chú\nTrần Thị Bưởi,\"Tổ 7, phường Nam Thanh\"," K
     ",Đã nhận\n",
     "Họ và tên,Địa chỉ,MÃ ĐỊA CHỈ,Ghi chú" HDR_C
     "\nTrần Thị Bưởi,\"Tổ 7, phường Nam Thanh\"," K ",Đã nhận" OK_C "\n",
     0},
    {"header names: case, spaces, diacritics", " Mã  Bưu-Chính ;x\n" K ";1\n",
     " Mã  Bưu-Chính ;x" HDR_S "\n" K ";1" OK_S "\n", 0},
    {"delimiter given", "code;x,y\n" K ";1,2\n", "code;x,y" HDR_S "\n" K ";1,2" OK_S "\n",
     ';'},
    {"reverse, decimal commas", "vi_do;kinh_do\n21,3640201;103,0209141\nabc;1\n;\n",
     "vi_do;kinh_do" RHDR_S "\n21,3640201;103,0209141" OK_S "0.00\nabc;1"
     ";bad_coordinates;;;;;;;;\n;;empty;;;;;;;;\n",
     0},
};

/* The output of one run, NUL-terminated (malloc'd); *n its length. */
static char *run(dc_geo *geo, const char *in, size_t inlen, const dc_batch_options *opt,
                 size_t *n, dc_batch_report *rep, dc_err *rc)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *fin = inlen ? fmemopen((void *)in, inlen, "r") : fopen("/dev/null", "r");
    FILE *fout = open_memstream(&out, &outlen);
    *rc = dc_batch_run(geo, fin, fout, opt, rep);
    fclose(fin);
    fclose(fout);
    *n = outlen;
    return out;
}

/* The first differing byte, shown with some context. */
static void show_difference(const char *name, const char *got, size_t n, const char *want,
                            size_t m)
{
    size_t i = 0;
    while (i < n && i < m && got[i] == want[i])
        i++;
    size_t from = i > 20 ? i - 20 : 0;
    fprintf(stderr, "%s: differs at byte %zu of %zu (want %zu)\n  got:  ", name, i, n, m);
    for (size_t k = from; k < n && k < i + 40; k++)
        fprintf(stderr, (unsigned char)got[k] < 32 ? "\\x%02x" : "%c", got[k]);
    fprintf(stderr, "\n  want: ");
    for (size_t k = from; k < m && k < i + 40; k++)
        fprintf(stderr, (unsigned char)want[k] < 32 ? "\\x%02x" : "%c", want[k]);
    fprintf(stderr, "\n");
}

static const struct {
    unsigned threads;
    size_t block_records, read_bytes;
} configs[] = {{1, 0, 0}, {1, 1, 1}, {1, 2, 3}, {2, 0, 0}, {2, 1, 1}, {2, 2, 7}};

static void expect_output(dc_geo *geo, const char *name, const char *in, size_t inlen,
                          const char *want, size_t wantlen, char delimiter)
{
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        dc_batch_options opt;
        dc_batch_options_init(&opt);
        opt.threads = configs[c].threads;
        opt.block_records = configs[c].block_records;
        opt.read_bytes = configs[c].read_bytes;
        opt.delimiter = delimiter;
        dc_batch_report rep;
        dc_err rc;
        size_t n;
        char *got = run(geo, in, inlen, &opt, &n, &rep, &rc);
        CHECK(rc == DC_OK, "%s (config %zu): %s: %s", name, c,
              dc_batch_problem_name(rep.problem), rep.message);
        if (rc == DC_OK && (n != wantlen || memcmp(got, want, n) != 0)) {
            dc_check_failures++;
            char label[256];
            snprintf(label, sizeof label, "%s (threads %u, blocks of %zu, reads of %zu)",
                     name, configs[c].threads, configs[c].block_records,
                     configs[c].read_bytes);
            show_difference(label, got, n, want, wantlen);
        }
        free(got);
    }
}

/* 10,000-character Vietnamese fields, quoted and not, in every column. */
static void long_fields(dc_geo *geo)
{
    size_t chars = 10000;
    char *field = malloc(chars * 3 + 1), *in = malloc(chars * 12 + 256),
         *want = malloc(chars * 12 + 1024);
    size_t o = 0;
    for (size_t i = 0; i < chars; i++) /* "ư" and "," alternate with "a" */
        o += (size_t)sprintf(field + o, "%s", i % 3 == 0 ? "ư" : i % 3 == 1 ? "a" : ",");
    sprintf(in, "ghi chú,code,khác\n\"%s\"," K ",\"%s\"\n", field, field);
    sprintf(want, "ghi chú,code,khác" HDR_C "\n\"%s\"," K ",\"%s\"" OK_C "\n", field,
            field);
    expect_output(geo, "10,000-character fields", in, strlen(in), want, strlen(want), 0);
    free(field);
    free(in);
    free(want);
}

typedef struct failure_case {
    const char *name, *in;
    dc_batch_problem problem;
    uint64_t line;
    const char *message; /* a part of it */
} failure_case;

static const failure_case failing[] = {
    {"unterminated quote", "code\n" K "\n\"abc,\n" K "\n" K "\n",
     DC_BATCH_UNTERMINATED_QUOTE, 3,
     "line 3: a quoted field opens here and is never closed"},
    {"unterminated quote after a quoted newline", "ghi,code\n\"a\nb\"," K "\nx,\"" K "\n",
     DC_BATCH_UNTERMINATED_QUOTE, 4, "line 4"},
    {"no code column", "Họ tên,SĐT\nAn,0912\n", DC_BATCH_NO_COLUMN, 1,
     "(columns: \"Họ tên\", \"SĐT\")"},
    {"two code columns", "code,ma_dia_chi\n", DC_BATCH_AMBIGUOUS_COLUMN, 1,
     "columns 1 \"code\" and 2 \"ma_dia_chi\""},
    {"empty input", "", DC_BATCH_EMPTY_INPUT, 0, "no header"},
    {"a byte-order mark alone", BOM, DC_BATCH_EMPTY_INPUT, 0, "no header"},
    {"empty lines only", "\r\n\r\n", DC_BATCH_EMPTY_INPUT, 0, "no header"},
};

static void expect_failure(dc_geo *geo, const failure_case *f)
{
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        dc_batch_options opt;
        dc_batch_options_init(&opt);
        opt.threads = configs[c].threads;
        opt.block_records = configs[c].block_records;
        opt.read_bytes = configs[c].read_bytes;
        dc_batch_report rep;
        dc_err rc;
        size_t n;
        free(run(geo, f->in, strlen(f->in), &opt, &n, &rep, &rc));
        CHECK(rc != DC_OK && rep.problem == f->problem && rep.line == f->line &&
                  strstr(rep.message, f->message),
              "%s (config %zu): got %s, line %llu, \"%s\"", f->name, c,
              dc_batch_problem_name(rep.problem), (unsigned long long)rep.line,
              rep.message);
    }
}

/* A stray quote that swallows the rest of a 3 MB file stops at the
 * record limit, having held about that much, not the file. */
static void runaway_quote(dc_geo *geo)
{
    size_t size = 3u << 20;
    char *in = malloc(size);
    memcpy(in, "code\n\"", 6);
    memset(in + 6, 'x', size - 6);
    dc_batch_options opt;
    dc_batch_options_init(&opt);
    dc_batch_report rep;
    dc_err rc;
    size_t n;
    free(run(geo, in, size, &opt, &n, &rep, &rc));
    CHECK(rc == DC_E_IO && rep.problem == DC_BATCH_RECORD_TOO_LONG && rep.line == 2 &&
              strstr(rep.message, "more than 1048576 bytes (a quoted field opens there"),
          "runaway quote: %s: %s", dc_batch_problem_name(rep.problem), rep.message);
    CHECK(rep.stats.bytes_read < (2u << 20), "read %llu bytes before stopping",
          (unsigned long long)rep.stats.bytes_read);
    free(in);
}

int main(int argc, char **argv)
{
    dc_geo *geo;
    dc_error err;
    if (argc != 2 || dc_geo_open(argv[1], &geo, &err) != DC_OK) {
        fprintf(stderr, "usage: test_batch_csv INDEX (%s)\n",
                argc == 2 ? err.message : "");
        return 2;
    }
    size_t ncases = sizeof cases / sizeof cases[0],
           nfailing = sizeof failing / sizeof failing[0];
    for (size_t i = 0; i < ncases; i++)
        expect_output(geo, cases[i].name, cases[i].in, strlen(cases[i].in), cases[i].out,
                      strlen(cases[i].out), cases[i].delimiter);
    long_fields(geo);
    for (size_t i = 0; i < nfailing; i++)
        expect_failure(geo, &failing[i]);
    runaway_quote(geo);
    dc_geo_close(geo);
    printf("batch csv: %zu cases and %zu failures, each in %zu configurations: %s\n",
           ncases + 1, nfailing + 1, sizeof configs / sizeof configs[0],
           dc_check_failures ? "FAILED" : "ok");
    return dc_check_failures ? 1 : 0;
}
