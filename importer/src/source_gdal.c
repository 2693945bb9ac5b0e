/*
 * source_gdal.c - GDAL set-up shared by the source files: drivers
 * registered once, GDAL's messages kept quiet while a dataset is probed,
 * and the problem record every source file fills.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "source_internal.h"

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void register_drivers(void)
{
    GDALAllRegister();
}

void dc_gdal_init(void)
{
    pthread_once(&gdal_once, register_drivers);
}

static void CPL_STDCALL keep_message(CPLErr level, CPLErrorNum num, const char *msg)
{
    (void)num;
    dc_gdal_log *log = CPLGetErrorHandlerUserData();
    if (log && level >= CE_Warning && msg)
        snprintf(log->last, sizeof log->last, "%s", msg);
}

void dc_gdal_quiet_begin(dc_gdal_log *log)
{
    log->last[0] = '\0';
    CPLPushErrorHandlerEx(keep_message, log);
}

void dc_gdal_quiet_end(void)
{
    CPLPopErrorHandler();
}

void dc_problem_set(dc_source_problem *problem, const char *source, const char *layer,
                    const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    problem->source = source;
    problem->layer = layer;
    problem->code = code;
    vsnprintf(problem->message, sizeof problem->message, fmt, ap);
    va_end(ap);
}
