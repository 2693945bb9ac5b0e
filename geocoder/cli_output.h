/*
 * cli_output.h - a large output file written by a thread of its own with
 * O_DIRECT (diachi batch's temporary OUTPUT).
 *
 * Through the page cache, writing 6 GB on the machines this runs on costs
 * about 11 s of CPU in the kernel (copying into fresh page-cache pages,
 * then writeback), which a batch needs for its lookups, and it pushes the
 * index out of memory. With O_DIRECT the disk reads the bytes from the
 * process's own buffers: the stream's writes fill a buffer of
 * DC_OUT_BUFFER bytes, and a writer thread puts full ones on disk while
 * the next fills. A filesystem that refuses O_DIRECT (tmpfs) is written
 * through the page cache, with writeback started every few megabytes.
 */
#ifndef DC_CLI_OUTPUT_H
#define DC_CLI_OUTPUT_H

#include <stdio.h>

typedef struct dc_out_file dc_out_file;

/* Create (or truncate) @p path and return a stream writing to it; NULL
 * with errno set on failure. @p file receives the handle for
 * dc_out_file_finish and dc_out_file_abort. */
FILE *dc_out_file_open(const char *path, dc_out_file **file);

/* Put every byte on disk (the stream is flushed, the last part written,
 * the file synced), then close the stream: 0, or the errno of the first
 * failure, the stream closed either way. */
int dc_out_file_finish(FILE *stream, dc_out_file *file);

/* Close the stream without waiting for the disk; the caller removes the
 * file. */
void dc_out_file_abort(FILE *stream, dc_out_file *file);

#endif /* DC_CLI_OUTPUT_H */
