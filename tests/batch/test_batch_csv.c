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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diachi/batch.h"
#include "diachi/csv.h"

/* The sample map's household DBP-005602, and what is appended for it. */
#define K "32105927CJ93"
#define ADDR                                                                             \
    "số 1138, 7/5, Tổ dân phố 7, phường Nam Thanh, Thành phố Điện Biên Phủ, Điện Biên"
#define PLACE "32105 927C+J93,7PH5927C+J93,21.3640201,103.0209141,32105,phường Nam Thanh"
#define OK_C ",ok," PLACE ",\"" ADDR "\",,1"
#define OK_S                                                                             \
    ";ok;32105 927C+J93;7PH5927C+J93;21.3640201;103.0209141;32105;phường Nam "        \
    "Thanh;" ADDR ";"
#define OK_T                                                                             \
    "\tok\t32105 927C+J93\t7PH5927C+J93\t21.3640201\t103.0209141\t32105\tphường Nam " \
    "Thanh\t" ADDR "\t\t1"
/* Forward rows end with the households at the door (one here). */
#define FOK_S OK_S ";1"
#define EMPTY_C ",empty,,,,,,,,,"
#define OK_C_REVERSE ",ok," PLACE ",\"" ADDR "\","
#define MALFORMED_C ",malformed,,,,,,,,,"
#define OUTSIDE_C ",code_outside_zone,,,,,,,,32105 927C+J93,"
#define NAMES_C                                                                          \
    "plus_code,lat,lon,postcode,zone_name,address,suggestion,households_at_door"
#define HDR_C ",status,code," NAMES_C
/* A header with a column named code: the appended one is diachi_code. */
#define HDRX_C ",status,diachi_code," NAMES_C
#define HDR_S                                                                            \
    ";status;code;plus_code;lat;lon;postcode;zone_name;address;suggestion;"              \
    "households_at_door"
#define HDRX_S                                                                           \
    ";status;diachi_code;plus_code;lat;lon;postcode;zone_name;address;"                  \
    "suggestion;households_at_door"
#define HDR_T                                                                            \
    "\tstatus\tcode\tplus_code\tlat\tlon\tpostcode\tzone_name\taddress\tsuggestion"      \
    "\thouseholds_at_door"
#define RHDR_S ";status;code;plus_code;lat;lon;postcode;zone_name;address;distance_m"
#define BOM "\xEF\xBB\xBF"

typedef struct csv_case {
    const char *name, *in, *out;
    char delimiter; /* option; 0 detects */
} csv_case;

/* Cases with more options: the encoding, the code column's number, a BOM
 * out; and the input's length when it holds NUL bytes (UTF-16), else 0. */
typedef struct option_case {
    csv_case c;
    const char *encoding;
    unsigned code_number;
    bool bom;
    size_t inlen;
} option_case;

/* UTF-16 text of ASCII @p s as literal bytes, little- or big-endian. */
#define U16LE_HDR                                                                        \
    "\xFF\xFE"                                                                           \
    "c\0o\0d\0e\0\t\0x\0\r\0\n\0"
/* "Họ tên" and "Mã địa chỉ", and a row, in CP1258 (tone marks combining)
 * and TCVN3 (lower case: its capitals need VN1). */
#define CP1258_HDR                                                                       \
    "H"                                                                                  \
    "o\xF2 t\xEAn,M"                                                                     \
    "a\xDE \xF0i\xF2"                                                                    \
    "a chi\xD2"
#define CP1258_ROW "Nguy\xEA\xDEn V\xE3n An,"
#define TCVN3_HDR                                                                        \
    "h\xE4 t\xAAn,m\xB7 \xAE\xDE"                                                        \
    "a ch\xD8"
#define TCVN3_ROW "nguy\xD4n v\xA8n an,"
/* A code naming two households at one door, and its appended fields. */
#define K2 "3210192H874C"
#define OK2_C                                                                                           \
    ",ok,32101 92H8+74C,7PH592H8+74C,21.3781835,103.0152616,32101,phường Mường "                  \
    "Thanh,\"số 101, Hoàng Công Chất, Tổ dân phố 8, phường Mường Thanh, Thành phố " \
    "Điện Biên Phủ, Điện Biên\",,2"
#define RHDR_C ",status,code,plus_code,lat,lon,postcode,zone_name,address,distance_m"

static const csv_case cases[] = {
    {"plain", "code\n" K "\n", "code" HDRX_C "\n" K OK_C "\n", 0},
    {"crlf", "code\r\n" K "\r\n", "code" HDRX_C "\r\n" K OK_C "\r\n", 0},
    {"cr only (old Mac)", "code\r" K "\r", "code" HDRX_C "\r" K OK_C "\r", 0},
    {"bom", BOM "code\n" K "\n", BOM "code" HDRX_C "\n" K OK_C "\n", 0},
    {"bom, crlf, semicolons, Vietnamese header",
     BOM "Họ tên;Mã địa chỉ\r\nNguyễn Văn An;" K "\r\n",
     BOM "Họ tên;Mã địa chỉ" HDR_S "\r\nNguyễn Văn An;" K FOK_S "\r\n", 0},
    {"tab", "ma_dia_chi\tghi chu\n" K "\tx\n",
     "ma_dia_chi\tghi chu" HDR_T "\n" K "\tx" OK_T "\n", 0},
    {"quoted field with delimiter and quotes", "tên,code\n\"Lê, \"\"Tí\"\"\"," K "\n",
     "tên,code" HDRX_C "\n\"Lê, \"\"Tí\"\"\"," K OK_C "\n", 0},
    {"quoted code", "code\n\"" K "\"\n", "code" HDRX_C "\n\"" K "\"" OK_C "\n", 0},
    {"newline inside quotes", "ghi chú,code\n\"dòng 1\ndòng 2\"," K "\n",
     "ghi chú,code" HDRX_C "\n\"dòng 1\ndòng 2\"," K OK_C "\n", 0},
    {"crlf inside quotes", "ghi chú,code\r\n\"a\r\nb\"," K "\r\n",
     "ghi chú,code" HDRX_C "\r\n\"a\r\nb\"," K OK_C "\r\n", 0},
    {"empty lines stay empty lines", "\ncode\n\n" K "\n\n",
     "\ncode" HDRX_C "\n\n" K OK_C "\n\n", 0},
    {"header only", "code\n", "code" HDRX_C "\n", 0},
    {"header only, no line ending", "code", "code" HDRX_C "\n", 0},
    {"last row without line ending", "code\r\n" K, "code" HDRX_C "\r\n" K OK_C "\r\n", 0},
    {"short row padded", "a,code,b\nx," K "\n", "a,code,b" HDRX_C "\nx," K "," OK_C "\n",
     0},
    {"row without the code field", "a,b,code\nx\n",
     "a,b,code" HDRX_C "\nx,," EMPTY_C "\n", 0},
    {"long row kept whole", "code\n" K ",thừa,nữa\n",
     "code" HDRX_C "\n" K ",thừa,nữa" OK_C "\n", 0},
    {"blank code", "code,x\n  ,1\n", "code,x" HDRX_C "\n  ,1" EMPTY_C "\n", 0},
    {"malformed code", "code\nxin chào\n", "code" HDRX_C "\nxin chào" MALFORMED_C "\n",
     0},
    {"code outside its zone", "code\n32104927CJ93\n",
     "code" HDRX_C "\n32104927CJ93" OUTSIDE_C "\n", 0},
    {"quote inside an unquoted field", "tên,code\nab\"c," K "\n",
     "tên,code" HDRX_C "\nab\"c," K OK_C "\n", 0},
    {"text after a closing quote", "code\n\"3210\"5927CJ93\n",
     "code" HDRX_C "\n\"3210\"5927CJ93" OK_C "\n", 0},
    {"Vietnamese in every column",
     "Họ và tên,Địa chỉ,MÃ ĐỊA CHỈ,Ghi chú\nTrần Thị Bưởi,\"Tổ 7, phường Nam Thanh\"," K
     ",Đã nhận\n",
     "Họ và tên,Địa chỉ,MÃ ĐỊA CHỈ,Ghi chú" HDR_C
     "\nTrần Thị Bưởi,\"Tổ 7, phường Nam Thanh\"," K ",Đã nhận" OK_C "\n",
     0},
    {"header names: case, spaces, diacritics", " Mã  Địa-Chỉ ;x\n" K ";1\n",
     " Mã  Địa-Chỉ ;x" HDR_S "\n" K ";1" FOK_S "\n", 0},
    {"delimiter given", "code;x,y\n" K ";1,2\n",
     "code;x,y" HDRX_S "\n" K ";1,2" FOK_S "\n", ';'},
    {"reverse, decimal commas", "vi_do;kinh_do\n21,3640201;103,0209141\nabc;1\n;\n",
     "vi_do;kinh_do" RHDR_S "\n21,3640201;103,0209141" OK_S "0.00\nabc;1"
     ";bad_coordinates;;;;;;;;\n;;empty;;;;;;;;\n",
     0},
};

static const option_case option_cases[] = {
    {.c = {"CP1258 from old Excel", CP1258_HDR "\r\n" CP1258_ROW K "\r\n",
           "Họ tên,Mã địa chỉ" HDR_C "\r\nNguyễn Văn An," K OK_C "\r\n", 0},
     .encoding = "CP1258"},
    {.c = {"TCVN3", TCVN3_HDR "\n" TCVN3_ROW K "\n",
           "họ tên,mã địa chỉ" HDR_C "\nnguyễn văn an," K OK_C "\n", 0},
     .encoding = "TCVN3"},
    {.c = {"UTF-16LE with its BOM, as Excel's Unicode text, found without --encoding",
           U16LE_HDR "3\0"
                     "2\0"
                     "1\0"
                     "0\0"
                     "5\0"
                     "9\0"
                     "2\0"
                     "7\0C\0J\0"
                     "9\0"
                     "3\0"
                     "\t\0\xDB\x1E\r\0\n\0",
           BOM "code\tx"
               "\tstatus\tdiachi_code\tplus_code\tlat\tlon\tpostcode\tzone_name"
               "\taddress\tsuggestion\thouseholds_at_door\r\n" K "\tớ" OK_T "\r\n",
           0},
     .inlen = 2 + 2 * 8 + 2 * 16},
    {.c = {"UTF-16BE with its BOM",
           "\xFE\xFF\0c\0o\0d\0e\0\n\0"
           "3\0"
           "2\0"
           "1\0"
           "0\0"
           "5\0"
           "9\0"
           "2\0"
           "7\0C\0J\0"
           "9\0"
           "3\0\n",
           BOM "code" HDRX_C "\n" K OK_C "\n", 0},
     .inlen = 2 + 2 * 5 + 2 * 13},
    {.c = {"a BOM asked for", "code\n" K "\n", BOM "code" HDRX_C "\n" K OK_C "\n", 0},
     .bom = true},
    {.c = {"code column by number wins over a name", "x,code,ref\n1,abc," K "\n",
           "x,code,ref" HDRX_C "\n1,abc," K OK_C "\n", 0},
     .code_number = 3},
    {.c = {"Excel's sep= line", "sep=;\r\ncode;x\r\n" K ";1\r\n",
           "sep=;\r\ncode;x" HDRX_S "\r\n" K ";1" FOK_S "\r\n", 0}},
    {.c = {"Mã bưu chính is a postcode, Mã ĐC a code",
           "Mã bưu chính,Mã ĐC\n32105," K "\n",
           "Mã bưu chính,Mã ĐC" HDR_C "\n32105," K OK_C "\n", 0}},
    {.c = {"a code column found by its values",
           "STT,Số,Ghi chú\n1," K ",x\n2,,y\n3," K ",z\n",
           "STT,Số,Ghi chú" HDR_C "\n1," K ",x" OK_C "\n2,,y" EMPTY_C "\n3," K ",z" OK_C
           "\n",
           0}},
    {.c = {"lat and lon columns found by their values", "A,B\n21.3640201,103.0209141\n",
           "A,B" RHDR_C "\n21.3640201,103.0209141" OK_C_REVERSE "0.00\n", 0}},
    {.c = {"an output fed back in", "code" HDRX_C "\n" K OK_C "\n",
           "code" HDRX_C ",diachi_status,diachi_diachi_code,diachi_plus_code,diachi_lat,"
           "diachi_lon,diachi_postcode,diachi_zone_name,diachi_address,diachi_suggestion,"
           "diachi_households_at_door\n" K OK_C OK_C "\n",
           0}},
    {.c = {"households at the door", "code\n" K2 "\n" K "\n",
           "code" HDRX_C "\n" K2 OK2_C "\n" K OK_C "\n", 0}},
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
                          const char *want, size_t wantlen, const option_case *with)
{
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        dc_batch_options opt;
        dc_batch_options_init(&opt);
        opt.threads = configs[c].threads;
        opt.block_records = configs[c].block_records;
        opt.read_bytes = configs[c].read_bytes;
        if (with) {
            opt.delimiter = with->c.delimiter;
            opt.encoding = with->encoding;
            opt.code_column_number = with->code_number;
            opt.bom = with->bom;
        }
        dc_batch_report rep;
        dc_err rc;
        size_t n;
        char *got = run(geo, in, inlen, &opt, &n, &rep, &rc);
        if (!(rc == DC_OK))
            print_error("%s (config %zu): %s: %s\n", name, c,
                        dc_batch_problem_name(rep.problem), rep.message);
        assert_int_equal(rc, DC_OK);
        if (rc == DC_OK && (n != wantlen || memcmp(got, want, n) != 0)) {
            char label[256];
            snprintf(label, sizeof label, "%s (threads %u, blocks of %zu, reads of %zu)",
                     name, configs[c].threads, configs[c].block_records,
                     configs[c].read_bytes);
            show_difference(label, got, n, want, wantlen);
        }
        assert_int_equal(n, wantlen);
        assert_memory_equal(got, want, n);
        free(got);
    }
}

/* 10,000-character Vietnamese fields, quoted and not, in every column. */
static void test_long_fields(void **state)
{
    dc_geo *geo = *state;
    size_t chars = 10000;
    char *field = malloc(chars * 3 + 1), *in = malloc(chars * 12 + 256),
         *want = malloc(chars * 12 + 1024);
    size_t o = 0;
    for (size_t i = 0; i < chars; i++) /* "ư" and "," alternate with "a" */
        o += (size_t)sprintf(field + o, "%s", i % 3 == 0 ? "ư" : i % 3 == 1 ? "a" : ",");
    sprintf(in, "ghi chú,code,khác\n\"%s\"," K ",\"%s\"\n", field, field);
    sprintf(want, "ghi chú,code,khác" HDRX_C "\n\"%s\"," K ",\"%s\"" OK_C "\n", field,
            field);
    expect_output(geo, "10,000-character fields", in, strlen(in), want, strlen(want),
                  NULL);
    free(field);
    free(in);
    free(want);
}

typedef struct failure_case {
    const char *name, *in;
    dc_batch_problem problem;
    uint64_t line;
    const char *message;  /* a part of it */
    const char *encoding; /* option */
    unsigned code_number; /* option */
} failure_case;

static const failure_case failing[] = {
    {"unterminated quote", "code\n" K "\n\"abc,\n" K "\n" K "\n",
     DC_BATCH_UNTERMINATED_QUOTE, 3,
     "line 3: a quoted field opens here and is never closed", NULL, 0},
    {"unterminated quote after a quoted newline", "ghi,code\n\"a\nb\"," K "\nx,\"" K "\n",
     DC_BATCH_UNTERMINATED_QUOTE, 4, "line 4", NULL, 0},
    {"no code column", "Họ tên,SĐT\nAn,0912\n", DC_BATCH_NO_COLUMN, 1,
     "(columns: \"Họ tên\", \"SĐT\")", NULL, 0},
    {"two code columns", "code,ma_dia_chi\n", DC_BATCH_AMBIGUOUS_COLUMN, 1,
     "columns 1 \"code\" and 2 \"ma_dia_chi\"", NULL, 0},
    {"empty input", "", DC_BATCH_EMPTY_INPUT, 0, "no header", NULL, 0},
    {"a byte-order mark alone", BOM, DC_BATCH_EMPTY_INPUT, 0, "no header", NULL, 0},
    {"empty lines only", "\r\n\r\n", DC_BATCH_EMPTY_INPUT, 0, "no header", NULL, 0},
    {.name = "a byte CP1258 leaves undefined",
     .in = "code,tên\n" K ",\x81\n",
     .problem = DC_BATCH_BAD_ENCODING,
     .line = 2,
     .message = "line 2, byte 14: byte 0x81 is not CP1258 text",
     .encoding = "CP1258"},
    {.name = "not UTF-8, UTF-8 given",
     .in = "code\n" K "\nx\xC3(\n",
     .problem = DC_BATCH_BAD_ENCODING,
     .line = 3,
     .message = "line 3, byte 2: byte 0xC3 is not UTF-8 text",
     .encoding = "UTF-8"},
    {.name = "an unknown encoding",
     .in = "code\n",
     .problem = DC_BATCH_BAD_OPTION,
     .line = 0,
     .message = "unknown encoding \"KOI8-R\"",
     .encoding = "KOI8-R"},
    {.name = "a column number past the header",
     .in = "a,b\n",
     .problem = DC_BATCH_NO_COLUMN,
     .line = 1,
     .message = "no column 5: the header has 2 columns",
     .encoding = NULL,
     .code_number = 5},
    {.name = "a postcode column alone",
     .in = "Mã bưu chính,tên\n32105,An\n",
     .problem = DC_BATCH_NO_COLUMN,
     .line = 1,
     .message = "; column 1 \"Mã bưu chính\" is a postcode, not a code"},
    {.name = "a CP1258 header read as UTF-8",
     .in = CP1258_HDR "\n1,2\n",
     .problem = DC_BATCH_NO_COLUMN,
     .line = 1,
     .message =
         "the header is not UTF-8 (byte 3): give the file's encoding with --encoding"},
};

static void expect_failure(dc_geo *geo, const failure_case *f)
{
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        dc_batch_options opt;
        dc_batch_options_init(&opt);
        opt.threads = configs[c].threads;
        opt.block_records = configs[c].block_records;
        opt.read_bytes = configs[c].read_bytes;
        opt.encoding = f->encoding;
        opt.code_column_number = f->code_number;
        dc_batch_report rep;
        dc_err rc;
        size_t n;
        free(run(geo, f->in, strlen(f->in), &opt, &n, &rep, &rc));
        if (!(rc != DC_OK && rep.problem == f->problem && rep.line == f->line &&
              strstr(rep.message, f->message)))
            print_error("%s (config %zu): got %s, line %llu, \"%s\"\n", f->name, c,
                        dc_batch_problem_name(rep.problem), (unsigned long long)rep.line,
                        rep.message);
        assert_int_not_equal(rc, DC_OK);
        assert_int_equal(rep.problem, f->problem);
        assert_int_equal(rep.line, f->line);
        assert_true(strstr(rep.message, f->message));
    }
}

/* A stray quote that swallows the rest of a 3 MB file stops at the
 * record limit, having held about that much, not the file. */
static void test_runaway_quote(void **state)
{
    dc_geo *geo = *state;
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
    if (!(rc == DC_E_IO && rep.problem == DC_BATCH_RECORD_TOO_LONG && rep.line == 2 &&
          strstr(rep.message, "more than 1048576 bytes (a quoted field opens there")))
        print_error("runaway quote: %s: %s\n", dc_batch_problem_name(rep.problem),
                    rep.message);
    assert_int_equal(rc, DC_E_IO);
    assert_int_equal(rep.problem, DC_BATCH_RECORD_TOO_LONG);
    assert_int_equal(rep.line, 2);
    assert_true(
        strstr(rep.message, "more than 1048576 bytes (a quoted field opens there"));
    if (!(rep.stats.bytes_read < (2u << 20)))
        print_error("read %llu bytes before stopping\n",
                    (unsigned long long)rep.stats.bytes_read);
    assert_true(rep.stats.bytes_read < (2u << 20));
    free(in);
}

static size_t ncases = sizeof cases / sizeof cases[0],
              noptions = sizeof option_cases / sizeof option_cases[0],
              nfailing = sizeof failing / sizeof failing[0];

static void test_cases(void **state)
{
    for (size_t i = 0; i < ncases; i++) {
        option_case o = {.c = cases[i]};
        expect_output(*state, o.c.name, o.c.in, strlen(o.c.in), o.c.out, strlen(o.c.out),
                      &o);
    }
}

static void test_options(void **state)
{
    for (size_t i = 0; i < noptions; i++) {
        const option_case *o = &option_cases[i];
        expect_output(*state, o->c.name, o->c.in, o->inlen ? o->inlen : strlen(o->c.in),
                      o->c.out, strlen(o->c.out), o);
    }
}

static void test_failures(void **state)
{
    for (size_t i = 0; i < nfailing; i++)
        expect_failure(*state, &failing[i]);
}

/* dc_csv_write_field, as the reports (import, export) and diachi round
 * write their fields: quoted, quotes doubled, only when RFC 4180 needs it
 * for the delimiter given. */
static void test_write_field(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        char delim;
        const char *written;
    } fields[] = {
        {"DBP-000015", ',', "DBP-000015"},
        {NULL, ',', ""},
        {"", ',', ""},
        {"Điện Biên Phủ", ',', "Điện Biên Phủ"},
        {"21/3, Võ Nguyên Giáp", ',', "\"21/3, Võ Nguyên Giáp\""},
        {"say \"hi\"", ',', "\"say \"\"hi\"\"\""},
        {"two\nlines", ',', "\"two\nlines\""},
        {"cr\r", ',', "\"cr\r\""},
        {"a;b", ',', "a;b"},
        {"a;b", ';', "\"a;b\""},
        {"a,b", ';', "a,b"},
        {"a\tb", '\t', "\"a\tb\""},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        assert_non_null(f);
        dc_csv_write_field(f, fields[i].value, fields[i].delim);
        assert_int_equal(fclose(f), 0);
        assert_string_equal(out, fields[i].written);
        free(out);
    }
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_cases, geo),
        cmocka_unit_test_prestate(test_options, geo),
        cmocka_unit_test_prestate(test_long_fields, geo),
        cmocka_unit_test_prestate(test_failures, geo),
        cmocka_unit_test_prestate(test_runaway_quote, geo),
        cmocka_unit_test(test_write_field),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    dc_geo_close(geo);
    printf("batch csv: %zu cases and %zu failures, each in %zu configurations: %s\n",
           ncases + noptions + 1, nfailing + 1, sizeof configs / sizeof configs[0],
           failed ? "FAILED" : "ok");
    return failed ? 1 : 0;
}
