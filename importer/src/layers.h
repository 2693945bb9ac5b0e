/*
 * layers.h - the layers of an import, for the report: a layer that is not
 * of the kind read is skipped with one warning row (once, however many
 * reads meet it), and a layer read without a usable feature gets one.
 */
#ifndef DC_IMPORT_LAYERS_H
#define DC_IMPORT_LAYERS_H

#include <stdbool.h>

#include "report.h"
#include "source.h"

typedef struct dc_layer_entry dc_layer_entry;

typedef struct dc_layerset {
    dc_report *report;
    dc_layer_entry *read; /* the layers read, in reading order */
    size_t nread, cap, current;
    char **skipped; /* "source\nlayer" of the layers reported as skipped */
    size_t nskipped;
    bool out_of_memory;
} dc_layerset;

void dc_layerset_init(dc_layerset *ls, dc_report *report);

/**
 * Survey every dataset of @p list as read as @p kind: report each layer
 * that read skips (DC_WARN_LAYER_SKIPPED, once per layer over all
 * surveys), remember the layers it reads, and add their features to
 * @p features. With an encoding in @p opt, a layer read whose .cpg names
 * another, or whose first features decode to invalid text, gets one
 * DC_WARN_ENCODING_MISMATCH row naming both encodings. @return DC_OK or DC_E_NOMEM.
 */
dc_err dc_layerset_survey(dc_layerset *ls, const dc_source_list *list, dc_layer_kind kind,
                          const dc_source_options *opt, uint64_t *features);

/** A feature of @p kind from @p origin was read, and kept or not. Layers
 *  must be read in the order surveyed. */
void dc_layerset_count(dc_layerset *ls, dc_layer_kind kind,
                       const dc_feature_origin *origin, bool kept);

/** One DC_WARN_LAYER_EMPTY row per layer of @p kind with no feature kept. */
void dc_layerset_report_empty(dc_layerset *ls, dc_layer_kind kind);

void dc_layerset_free(dc_layerset *ls);

#endif
