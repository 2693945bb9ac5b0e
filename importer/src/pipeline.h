/*
 * pipeline.h - households read on reader threads, placed on the calling one.
 *
 * Reading (GDAL or the shapefile fast path, decoding, PROJ) costs more than
 * twice what placing (zone lookup, id check, storing) does, so one reader
 * cannot keep the placing thread busy. Each reader reads whole datasets,
 * taking the next one of the list no reader has taken, into its own ring
 * of batches. Households reach the callback in the order the sources
 * hold them, exactly as a plain read on one thread would give them, and
 * the first reading error in source order is the one returned, whatever
 * the threads' timing.
 */
#ifndef DC_IMPORT_PIPELINE_H
#define DC_IMPORT_PIPELINE_H

#include "source.h"

/** Households a batch holds, handed over as one. */
#define DC_PIPELINE_BATCH 4096
/** Batches a reader may fill ahead of the callback: 512 K households, about
 *  55 MB a reader. A reader runs ahead while the callback takes an earlier
 *  dataset from another reader, and while the zones are read (the importer
 *  starts the readers first): a province of the national map holds 90 K
 *  to 2.5 M households, and shallower rings leave the readers waiting (4
 *  batches gave no gain at 27 M households; 64 held under half of the 1 M
 *  map's households when the zones were done). */
#define DC_PIPELINE_RING 128
/** Readers at most when the CPUs decide: the callback places about 2.2 M
 *  households a second and a reader reads about 1 M, so more readers
 *  only wait for it. */
#define DC_PIPELINE_MAX_READERS 4

/**
 * Read the households of every dataset of @p list on reader threads and
 * call @p fn for each, in order, on the calling thread. Readers: one per
 * online CPU, at most DC_PIPELINE_MAX_READERS and at most one per dataset
 * (unless dc_pipeline_set_shape says otherwise).
 * @return DC_OK; the first reading error in source order (with @p problem
 *         filled, as dc_source_read_households), after the households of
 *         the datasets before it and those the failing one gave before
 *         failing; DC_E_NOMEM (no thread); or @p fn's non-zero value, after
 *         which every reader stops within a batch. @p problem is zeroed
 *         unless a reading error is returned.
 * Not reentrant with dc_pipeline_set_shape; one call at a time per process
 * is the importer's rule anyway (GDAL's global state).
 */
dc_err dc_read_households_piped(const dc_source_list *list, const dc_source_options *opt,
                                dc_household_fn fn, void *ctx,
                                dc_source_problem *problem);

/** Readers at work while the caller does something else. */
typedef struct dc_pipeline dc_pipeline;

/**
 * Start reading the households of @p list on reader threads, as
 * dc_read_households_piped does, before the caller is ready to take them:
 * the readers fill their rings (DC_PIPELINE_RING batches each) and wait.
 * The importer starts them before the zones, which the households do not
 * need until they are placed. @p list and @p opt must outlive the
 * pipeline. @return NULL when out of memory.
 */
dc_pipeline *dc_pipeline_start(const dc_source_list *list, const dc_source_options *opt);

/**
 * Take every household of a started pipeline, in order, as
 * dc_read_households_piped; the readers are stopped and joined before it
 * returns. Once per pipeline.
 */
dc_err dc_pipeline_consume(dc_pipeline *p, dc_household_fn fn, void *ctx,
                           dc_source_problem *problem);

/** Stop the readers, when still at work, and free @p p. NULL is a no-op. */
void dc_pipeline_free(dc_pipeline *p);

/** How the pipeline runs; 0 in a field means the default. */
typedef struct dc_pipeline_shape {
    int readers;  /**< reader threads (still at most one per dataset) */
    size_t batch; /**< households a batch holds (DC_PIPELINE_BATCH) */
    int ring;     /**< batches a reader may fill ahead (DC_PIPELINE_RING) */
} dc_pipeline_shape;

/**
 * Tests and benchmarks only: the shape of later dc_read_households_piped
 * calls (NULL: the defaults), e.g. one reader against two on the same map,
 * or batches of a few households so that a small map crosses many batch
 * and ring boundaries. Not thread-safe: call it between imports.
 */
void dc_pipeline_set_shape(const dc_pipeline_shape *shape);

#endif
