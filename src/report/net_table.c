/* The network table of --model NAME --analytic (net_table.h). */
#include "report/net_table.h"

#include <inttypes.h>
#include <string.h>

#include "ops/op.h"
#include "util/json.h"
#include "results/record.h"

static const double MIB = 1024.0 * 1024.0;

/* "1x64x112x112", the op's output tensor */
static void output_shape(const nnb_layer *l, char *buf, size_t len)
{
    nnb_op_shapes s;
    nnb_op_get(l->op)->shapes(l, &s);
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < s.dst.ndim && o < len; i++) {
        int r = snprintf(buf + o, len - o, "%s%lld", i ? "x" : "", (long long)s.dst.dim[i]);
        if (r < 0) break;
        o += (size_t)r;
    }
}

/* the op, and for windowed ops the window, stride and grouping:
 * "conv 3x3 s2", "conv 3x3 dw", "maxpool 3x3 s2" */
static void type_name(const nnb_layer *l, char *buf, size_t len)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    int o = snprintf(buf, len, "%s", op->kv_name);
    if (!(op->kv_fields & NNB_F_KH) || o < 0 || (size_t)o >= len) return;
    o += snprintf(buf + o, len - (size_t)o, " %lldx%lld", (long long)l->kh, (long long)l->kw);
    if (l->sh != 1 && (size_t)o < len) o += snprintf(buf + o, len - (size_t)o, " s%lld", (long long)l->sh);
    if (l->groups == l->c && l->c > 1 && (size_t)o < len) snprintf(buf + o, len - (size_t)o, " dw");
    else if (l->groups > 1 && (size_t)o < len) snprintf(buf + o, len - (size_t)o, " g%lld", (long long)l->groups);
}

void nnb_net_table_begin(FILE *f, nnb_format fmt, const char *model, const char *desc, int64_t mb,
                         nnb_net_totals *t)
{
    memset(t, 0, sizeof *t);
    if (fmt != NNB_FMT_TABLE) return;
    fprintf(f, "model %s: %s, batch %lld\n\n", model, desc, (long long)mb);
    fprintf(f, "%4s  %-30s %-16s %-15s %11s %15s %15s %11s %7s %5s\n", "#", "module", "type", "output", "params",
            "MACs", "FLOPs", "bytes_min", "AI", "RF");
}

static void add_totals(nnb_net_totals *t, const nnb_layer_report *r)
{
    const nnb_analytic *a = &r->analytic;
    if (t->layers == 0) t->input_elems = a->src_elems;
    t->layers++;
    t->params += a->params;
    t->flops += a->flops;
    t->bytes_min += a->bytes_min;
    t->act_elems += a->dst_elems;
    if (nnb_op_get(r->layer.op)->macs_in_total) {
        t->macs += a->macs;
        t->macs_by_op[r->layer.op] += a->macs;
    }
}

void nnb_net_table_layer(FILE *f, nnb_format fmt, const nnb_layer_report *r, nnb_net_totals *t)
{
    add_totals(t, r);
    if (fmt == NNB_FMT_JSON) {
        nnb_record_json_line(f, r, NULL);
        return;
    }
    const nnb_analytic *a = &r->analytic;
    char type[48], shape[64], p[32], m[32], fl[32], by[32], rf[16] = "-";
    type_name(&r->layer, type, sizeof type);
    output_shape(&r->layer, shape, sizeof shape);
    if (r->have_rf) snprintf(rf, sizeof rf, "%lld", (long long)r->rf.rf_h);
    fprintf(f, "%4lld  %-30s %-16s %-15s %11s %15s %15s %11s %7.2f %5s\n", (long long)r->index, r->module,
            type, shape, nnb_fmt_count(a->params, p, sizeof p),
            nnb_fmt_count(a->macs, m, sizeof m), nnb_fmt_count(a->flops, fl, sizeof fl),
            nnb_fmt_si((double)a->bytes_min, "B", by, sizeof by), a->ai, rf);
}

/* torchsummary's footprint over nnbench's layers: the input, every layer's
 * output twice (forward and backward), the parameters; fp32, MiB */
static void footprint(const nnb_net_totals *t, double mb[4])
{
    mb[0] = (double)t->input_elems * 4.0 / MIB;
    mb[1] = 2.0 * (double)t->act_elems * 4.0 / MIB;
    mb[2] = (double)t->params * 4.0 / MIB;
    mb[3] = mb[0] + mb[1] + mb[2];
}

static void json_summary(FILE *f, const char *model, const nnb_net_totals *t)
{
    double mb[4];
    footprint(t, mb);
    fputs("{\"schema\":\"nnbench/1\",\"model\":", f);
    nnb_json_str(f, model);
    fprintf(f, ",\"summary\":{\"params\":%" PRId64 ",\"macs\":%" PRId64 ",\"flops\":%" PRId64 ",\"layers\":%" PRId64
               ",\"bytes_min\":%" PRId64 ",\"macs_share_by_type\":{",
            t->params, t->macs, t->flops, t->layers, t->bytes_min);
    bool first = true;
    for (int op = 0; op < NNB_OP_COUNT; op++) {
        if (!t->macs_by_op[op]) continue;
        fprintf(f, "%s\"%s\":", first ? "" : ",", nnb_op_name((nnb_op)op));
        nnb_json_num(f, (double)t->macs_by_op[op] / (double)t->macs);
        first = false;
    }
    fputs("},\"footprint_mb\":{\"input\":", f);
    nnb_json_num(f, mb[0]);
    fputs(",\"pass\":", f);
    nnb_json_num(f, mb[1]);
    fputs(",\"params\":", f);
    nnb_json_num(f, mb[2]);
    fputs(",\"total\":", f);
    nnb_json_num(f, mb[3]);
    fputs("}}}\n", f);
}

void nnb_net_table_end(FILE *f, nnb_format fmt, const char *model, const nnb_net_totals *t)
{
    if (fmt == NNB_FMT_JSON) {
        json_summary(f, model, t);
        return;
    }
    char p[32], m[32], fl[32], by[32];
    double mb[4];
    footprint(t, mb);
    fprintf(f, "\ntotals    %lld layers, params %s, MACs %s (conv, deconv, fc, lstm), FLOPs %s, bytes_min %s\n",
            (long long)t->layers, nnb_fmt_count(t->params, p, sizeof p), nnb_fmt_count(t->macs, m, sizeof m),
            nnb_fmt_count(t->flops, fl, sizeof fl), nnb_fmt_si((double)t->bytes_min, "B", by, sizeof by));
    fprintf(f, "memory    input %.2f MiB, forward/backward activations %.2f MiB, params %.2f MiB, total %.2f MiB\n",
            mb[0], mb[1], mb[2], mb[3]);
    fputs("MACs      by type:", f);
    for (int op = 0; op < NNB_OP_COUNT; op++)
        if (t->macs_by_op[op])
            fprintf(f, " %s %.2f%%", nnb_op_name((nnb_op)op), 100.0 * (double)t->macs_by_op[op] / (double)t->macs);
    fputc('\n', f);
}
