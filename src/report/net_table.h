/* --model NAME --analytic: one line per layer in torchsummary's spirit
 * (index, module, type, output shape, params, MACs, FLOPs, bytes_min, AI,
 * receptive field), then the network's totals and the share of MACs per
 * layer type. JSON: the layer records as every analytic record (with
 * index, module, repeat) and a summary record with the totals. */
#ifndef NNBENCH_REPORT_NET_TABLE_H
#define NNBENCH_REPORT_NET_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "nnbench/results.h"
#include "report/report.h"

typedef struct nnb_net_totals {
    int64_t layers, params, macs, flops, bytes_min;
    int64_t macs_by_op[NNB_OP_COUNT]; /* conv, deconv, fc, lstm: the ops whose MACs count */
    int64_t input_elems;              /* the first layer's input: the image batch */
    int64_t act_elems;                /* every layer's output */
} nnb_net_totals;

void nnb_net_table_begin(FILE *f, nnb_format fmt, const char *model, const char *desc, int64_t mb,
                         nnb_net_totals *t);
/* one layer (r->in_net); adds it to the totals */
void nnb_net_table_layer(FILE *f, nnb_format fmt, const nnb_layer_report *r, nnb_net_totals *t);
void nnb_net_table_end(FILE *f, nnb_format fmt, const char *model, const nnb_net_totals *t);

#endif
