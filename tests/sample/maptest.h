/* maptest.h - small helpers for the map checks: open a layer, fail loudly. */
#ifndef DC_MAPTEST_H
#define DC_MAPTEST_H

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/** Count of failed checks so far; main returns it (capped) as exit status. */
extern int dc_test_failures;

/** Record a failed check when @p ok is false; prints @p what. */
void dc_check(int ok, const char *what, ...);

/** Open a vector file read-only; @p raw passes ENCODING="" (bytes as stored).
 * Exits 1 when it cannot be opened. */
GDALDatasetH dc_test_open(const char *path, int raw);

/** The only layer of @p ds. */
OGRLayerH dc_test_layer(GDALDatasetH ds);

/** Exit status for main: 0 when every check passed. */
int dc_test_status(const char *name);

#endif
