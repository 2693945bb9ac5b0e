/*
 * batch_pipeline.h - the batch's pipeline, shared by its files: the
 * input cut into blocks of whole records (batch_read.c), the rows of a
 * block looked up and written out (batch_block.c), and the threads that
 * pass blocks between the reader, the workers and the writer
 * (batch_threads.c); batch.c drives a run.
 */
#ifndef DC_BATCH_PIPELINE_H
#define DC_BATCH_PIPELINE_H

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "batch_decode.h"
#include "batch_row.h"

/* How many rows ahead a loop over rows in another order than their
 * memory's asks for what it will need. */
#define PREFETCH_ROWS 8

typedef struct record {
    size_t start, len;
    int eol;
} record;

typedef struct block {
    uint64_t seq;
    dc_buf raw;
    record *recs;
    size_t nrecs, first;        /* records before first were written already */
    batch_look *looks;          /* per record, once looked up */
    dc_buf appended;            /* the records' appended fields, in lookup order */
    size_t recs_cap, looks_cap; /* records each holds */
    dc_batch_stats stats;
    dc_err err;
    bool done;
    struct block *next;
} block;

typedef struct reader {
    FILE *in;
    dc_buf carry; /* the start of a record the last block cut */
    dc_csv_scan scan;
    bool eof, finished;
    bool decoding; /* dec decodes what is read; else it is copied */
    batch_decoder dec;
    bool bom;         /* the input began with a byte-order mark */
    bool sep_checked; /* the first line was looked at for Excel's sep= */
    bool delim_given;
    bool sampling; /* the header's block takes the rows columns are told by */
    char delim;    /* 0 until the header is read, unless given */
    long header;   /* index of the header in the first block, -1 before */
    uint64_t line; /* line of the next record */
    uint64_t bytes_read;
    size_t read_bytes, block_reads, block_records, max_record;
    dc_batch_report *rep;
} reader;

/* A run: its reader, its job, and what its threads share. */
typedef struct run {
    reader rd;
    batch_job job;
    const dc_batch_options *opt;
    FILE *out;
    dc_batch_report *rep;
    struct timespec last_progress;
    /* threads */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    block *todo, *todo_tail;
    bool stop;
    dc_buf chunk; /* output being put together, in the calling thread */
} run;

/* Room for @p need elements of @p size in *p, which holds *cap: grown by
 * doubling, up to @p most. Blocks start small, for the many small inputs
 * (a CSV posted to the server), and grow to what the input needs. */
bool dc_batch_room(void **p, size_t *cap, size_t need, size_t size, size_t most);

/* The input's first bytes, byte-order mark and all (batch_read.c). False
 * when out of memory. */
bool dc_batch_start_input(reader *r, const char *encoding);

/* Fill @p b with the next records: the carried start of one, then reads.
 * @return DC_OK, or the problem, in r->rep */
dc_err dc_batch_fill(reader *r, block *b);

/* Split, look up and format the rows of @p b; the outcome in b->err. */
void dc_batch_process(batch_worker *w, block *b);

/* @p n bytes to @p out. @return DC_OK, DC_E_IO (write_failed, in @p rep) */
dc_err dc_batch_write_bytes(FILE *out, const char *p, size_t n, dc_batch_report *rep);

/* The block's rows to @p out, in order, through @p chunk; its counts to
 * the report. @return DC_OK, or the problem, in @p rep */
dc_err dc_batch_emit(const batch_job *job, block *b, dc_buf *chunk, FILE *out,
                     dc_batch_report *rep);

/* The rows after the header's block was filled, on opt->threads lookup
 * threads, through @p nblocks blocks. @return DC_OK, or the problem */
dc_err dc_batch_run_workers(run *ru, dc_geo *geo, block *blocks, size_t nblocks);

#endif
