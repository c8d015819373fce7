/* JSON Lines records of nnb_layer_report (nnbench/results.h): the one
 * writer that the report's JSON format and --dump's layer.json share.
 * Keys and meanings are the contract in DESIGN.md; keys may be added,
 * none renamed. */
#ifndef NNBENCH_RESULTS_RECORD_H
#define NNBENCH_RESULTS_RECORD_H

#include <stdio.h>

#include "nnbench/results.h"

/* Records in x the BLAS this process runs (core, config, remedy). */
void nnb_result_note_blas(nnb_result *x);

/* The layer as one JSON object (the "layer" value of a record). */
void nnb_json_layer_object(FILE *f, const nnb_layer_report *r);

/* One record line: schema, layer, analytic and, when x is not NULL, that
 * kernel's measurement (time, check, counters, ratios, verdicts, roofline). */
void nnb_record_json_line(FILE *f, const nnb_layer_report *r, const nnb_result *x);

#endif
