#include "maptest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cpl_string.h>

int dc_test_failures;

void dc_check(int ok, const char *what, ...)
{
    if (ok) return;
    dc_test_failures++;
    va_list ap;
    va_start(ap, what);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, what, ap);
    fputc('\n', stderr);
    va_end(ap);
}

GDALDatasetH dc_test_open(const char *path, int raw)
{
    char **options = raw ? CSLSetNameValue(NULL, "ENCODING", "") : NULL;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 (const char *const *)options, NULL);
    CSLDestroy(options);
    if (!ds) {
        fprintf(stderr, "FAIL: cannot open %s\n", path);
        exit(1);
    }
    return ds;
}

OGRLayerH dc_test_layer(GDALDatasetH ds)
{
    return GDALDatasetGetLayer(ds, 0);
}

int dc_test_status(const char *name)
{
    printf("%s: %s (%d failed checks)\n", name, dc_test_failures ? "FAILED" : "ok",
           dc_test_failures);
    return dc_test_failures ? 1 : 0;
}
