/*
 * pipeline.h - households read on one thread, placed on another.
 *
 * Reading (GDAL or the shapefile fast path, decoding, PROJ) and placing
 * (zone lookup, id check, storing) each take about half of a household's
 * time; on two cores they overlap. Households reach the callback in the
 * order the sources hold them, exactly as a plain read would give them.
 */
#ifndef DC_IMPORT_PIPELINE_H
#define DC_IMPORT_PIPELINE_H

#include "source.h"

/**
 * Read the households of every dataset of @p list on a second thread and
 * call @p fn for each, in order, on the calling thread.
 * @return DC_OK; the first reading error (with @p problem filled, as
 *         dc_source_read_households); or @p fn's non-zero value, after
 *         which reading stops.
 */
dc_err dc_read_households_piped(const dc_source_list *list, const dc_source_options *opt,
                                dc_household_fn fn, void *ctx,
                                dc_source_problem *problem);

#endif
